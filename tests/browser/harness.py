"""Check HTML pages in headless Chromium: a thin Python face on ``tools/browser/check.mjs``.

    from tests.browser.harness import check_pages

    results = check_pages(sorted((data / "public").glob("*.html")), tmp_path / "browser")
    for name, page in results.items():
        assert page.ok, page.summary()

``check_pages`` runs one Chromium for all the pages (about 1.3 s a page) and returns a
``PageResult`` per page, keyed by its name (the file's stem; where two files share a stem,
their paths below the common folder joined with ``__``, e.g. ``archive__index``).  The
screenshots and PDFs are in ``out_dir`` (``PageResult.screenshots``), with ``results.json``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parents[2]
TOOL_DIR = ROOT / "tools" / "browser"
SCRIPT = TOOL_DIR / "check.mjs"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

#: Every check a page gets, in the order results list them.
CHECKS = (
    "axe",             # axe-core, rules tagged WCAG 2.0/2.1/2.2 A and AA: no violations
    "lang",            # <html lang="en-GB">
    "skip_link",       # one Tab focuses a visible link to an existing #id; Enter then Tab goes past it
    "headings",        # h1 first, exactly one h1, no level skipped going down, none empty
    "focus_order",     # Tab reaches every focusable, visible element once, in document order, and leaves the page
    "focus_visible",   # each focused element shows an outline or box-shadow it lacks unfocused, on screen
    "reflow_320",      # no sideways scrolling at 320 CSS px (1280 px at 400% zoom)
    "reflow_640",      # no sideways scrolling at 640 CSS px, 2 device px each (1280 px at 200% zoom)
    "print",           # print media at A4 (680 CSS px): no overflow, a print stylesheet, a PDF with pages
    "self_contained",  # no request leaves file:/data: (they are blocked), and none fails (a missing stylesheet)
)


class BrowserUnavailable(RuntimeError):
    """Node, the node packages or Chromium is missing: ``make browser`` installs them."""


class BrowserCheckError(RuntimeError):
    """The checker itself failed (a crash, a timeout, unreadable output)."""


@dataclass(frozen=True)
class Check:
    ok: bool
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageResult:
    """One page's results.  ``checks[name].ok`` for each name in ``CHECKS``; the details as JSON."""

    name: str
    path: Path
    error: str | None                 # why the page could not be checked (then every check fails)
    title: str | None
    lang: str | None                  # <html lang>, None when absent
    checks: dict[str, Check]
    violations: list[dict[str, Any]]  # axe: id, impact, help, help_url, tags, nodes [{target, html, summary}]
    incomplete: list[dict[str, Any]]  # axe "needs review": id, help, nodes (a count); not failures
    headings: list[dict[str, Any]]    # [{level, text, tag}] in document order
    focus_sequence: list[dict[str, Any]]  # [{element, index, indicator, scroller}] one per Tab press
    screenshots: dict[str, Path]      # desktop, focus, 320, print (PNG) and pdf: absolute paths
    seconds: float
    raw: dict[str, Any] = field(repr=False, default_factory=dict)  # the page's whole entry in results.json

    @property
    def ok(self) -> bool:
        return self.error is None and all(c.ok for c in self.checks.values())

    @property
    def failed(self) -> list[str]:
        """The names of the checks that failed, in ``CHECKS`` order."""
        return [name for name, c in self.checks.items() if not c.ok]

    @property
    def violation_ids(self) -> set[str]:
        return {v["id"] for v in self.violations}

    def summary(self, limit: int = 5) -> str:
        """What failed, readably (for an assertion message)."""
        if self.ok:
            return f"{self.name}: passes every check"
        lines = [f"{self.name} ({self.path}):"]
        if self.error:
            lines.append(f"  could not be checked: {self.error.splitlines()[0]}")
        for name in self.failed:
            problems = self.checks[name].problems
            lines.append(f"  {name}:")
            lines += [f"    - {p}" for p in problems[:limit]]
            if len(problems) > limit:
                lines.append(f"    ... and {len(problems) - limit} more")
        shots = ", ".join(str(p) for k, p in self.screenshots.items() if k != "pdf")
        if shots:
            lines.append(f"  screenshots: {shots}")
        return "\n".join(lines)


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)


def unavailable_reason() -> str | None:
    """Why pages cannot be checked on this machine, or None when they can."""
    if shutil.which("node") is None:
        return "node is not installed: make browser (apt-get install nodejs npm)"
    if not all((TOOL_DIR / "node_modules" / package).is_dir() for package in ("puppeteer-core", "axe-core")):
        return "the node packages are not installed: make browser (npm ci --prefix tools/browser)"
    if not Path(chromium_path()).exists():
        return f"Chromium is not at {chromium_path()}: install Debian's chromium: make browser"
    return None


def _page(entry: dict[str, Any], out_dir: Path) -> PageResult:
    checks = {name: Check(bool(c["ok"]), tuple(c.get("problems", ()))) for name, c in entry.get("checks", {}).items()}
    if entry.get("error"):
        for name in CHECKS:
            checks.setdefault(name, Check(False, ("not checked: the page failed to load or crashed",)))
    axe = entry.get("axe") or {}
    return PageResult(
        name=entry["name"],
        path=Path(entry["path"]),
        error=entry.get("error"),
        title=entry.get("title"),
        lang=(entry.get("lang") or {}).get("value"),
        checks=checks,
        violations=axe.get("violations", []),
        incomplete=axe.get("incomplete", []),
        headings=(entry.get("headings") or {}).get("list", []),
        focus_sequence=(entry.get("focus") or {}).get("sequence", []),
        screenshots={k: out_dir / v for k, v in (entry.get("screenshots") or {}).items()},
        seconds=float(entry.get("seconds", 0.0)),
        raw=entry,
    )


def check_pages(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    lang: str = "en-GB",
    timeout: float | None = None,
) -> dict[str, PageResult]:
    """Check each HTML file in headless Chromium; screenshots and ``results.json`` go to ``out_dir``.

    Returns the pages by name, in the order given.  Failed checks are data (``PageResult.ok``,
    ``.failed``, ``.summary()``); exceptions are for a checker that cannot run:
    ``BrowserUnavailable`` (no node, node packages or Chromium: ``make browser``) and
    ``BrowserCheckError`` (a crash or the timeout: 60 s plus 30 s a page unless given).
    A page that could not be loaded comes back with ``.error`` set, not as an exception.
    """
    files = [Path(p).resolve() for p in paths]
    if not files:
        raise ValueError("check_pages: no pages given")
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"check_pages: no such page: {', '.join(missing)}")
    reason = unavailable_reason()
    if reason:
        raise BrowserUnavailable(reason)
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    results_file = out / "results.json"
    results_file.unlink(missing_ok=True)
    cmd = ["node", str(SCRIPT), "--out", str(out), "--lang", lang, "--chromium", chromium_path(), *map(str, files)]
    limit = timeout if timeout is not None else 60 + 30 * len(files)
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BrowserCheckError(f"the browser checks took over {limit:.0f} s for {len(files)} page(s)") from exc
    if proc.returncode == 3:
        raise BrowserUnavailable(proc.stderr.strip())
    if proc.returncode not in (0, 1) or not results_file.exists():
        raise BrowserCheckError(f"check.mjs exited {proc.returncode}:\n{proc.stderr.strip()[-3000:]}")
    data = json.loads(results_file.read_text(encoding="utf-8"))
    return {entry["name"]: _page(entry, out) for entry in data["pages"]}


def load_results(out_dir: str | os.PathLike[str]) -> dict[str, PageResult]:
    """Read a finished run's ``results.json`` again (say, after ``node tools/browser/check.mjs``)."""
    out = Path(out_dir).resolve()
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {entry["name"]: _page(entry, out) for entry in data["pages"]}
