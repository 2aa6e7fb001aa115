"""Templates to HTML and HTML to a tagged PDF/UA-1 file, written atomically (every pack uses these).

:func:`write_pdf` writes a PDF in this process; :class:`PdfInBackground` writes one in a second
process (the machine's other core) while this one carries on, e.g. the highlight report's annex
while the board's PDF is made here.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipeline.files import atomic_path

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "report_templates"
PDF_VARIANT = "pdf/ua-1"
_PROJECT_DIR = Path(__file__).resolve().parents[2]
_CHILD_LOG_FORMAT = "%(levelname)s\t%(name)s\t%(message)s"

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    # One environment a process: each template is compiled once, not once a document (the
    # loader still notices a template edited on disk).
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(context: dict, template: str = "highlight.html") -> str:
    """Fill a template of ``report_templates/`` with a context from :func:`build_context`."""
    return _environment().get_template(template).render(**context)


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the block runs (restored afterwards).

    WeasyPrint makes hundreds of thousands of long-lived objects (boxes, styles), each batch
    of which sets off a full collection that walks every object of the process, pandas' and
    the warehouse driver's included: 15-20% of a pack's rendering time, for no memory back.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _render_pdf(html: str, target: Path) -> None:
    from weasyprint import HTML  # 0.5-2 s to import: only when a PDF is made

    with no_gc():
        HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf(target, pdf_variant=PDF_VARIANT)


def write_pdf(html: str, path: Path) -> Path:
    """Write ``html`` as a PDF/UA-1 file at ``path``: a temporary name, then a rename."""
    path = Path(path)
    with atomic_path(path) as temp:
        _render_pdf(html, temp)
    return path


def _cores() -> int:
    """The cores this process may run on (its affinity, where the system says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class PdfInBackground:
    """Write one PDF in a second Python process while this one carries on.

    Make it before the HTML is ready (the second process imports WeasyPrint meanwhile), hand it
    the HTML with :meth:`write`, collect the file with :meth:`finish` (which waits, then renames
    the PDF into place, or raises with the second process's error), and always :meth:`close` it
    (in ``finally``: it stops the second process if it is still running and removes its
    temporary files, so a failed render leaves the previous PDF and nothing else). On a
    one-core machine, or if the process cannot be started, :meth:`write` writes the PDF here.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._stderr = None
        self._html: Path | None = None
        self._temp: Path | None = None
        self._target: Path | None = None
        if _cores() < 2:
            return
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_PROJECT_DIR), env.get("PYTHONPATH")]))
        self._stderr = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "pipeline.reports.pdf"], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=self._stderr, env=env, cwd=_PROJECT_DIR)
        except OSError as error:
            log.warning("cannot start a second process for the PDF (%s): writing it in this one", error)
            self._stderr.close()
            self._stderr = None

    def write(self, html: str, path: Path) -> None:
        """Have the second process write ``html`` as a PDF/UA-1 file at ``path`` (see :meth:`finish`)."""
        path = Path(path)
        if self._process is None:
            write_pdf(html, path)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        self._temp, self._target = Path(name), path
        handle, name = tempfile.mkstemp(prefix="pack-", suffix=".html")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(html)
        self._html = Path(name)
        try:
            self._process.stdin.write(json.dumps({"html": str(self._html), "pdf": str(self._temp)}).encode() + b"\n")
            self._process.stdin.close()
        except BrokenPipeError:
            pass  # the second process has died: finish() says why

    def finish(self) -> Path | None:
        """Wait for the PDF and rename it into place; its path (None if nothing was asked)."""
        if self._process is None or self._target is None:
            return self._target
        self._process.wait()
        self._relay_log()
        if self._process.returncode != 0:
            raise RuntimeError(f"the second process could not write {self._target.name} "
                               f"(exit {self._process.returncode}): {self._error()}")
        os.chmod(self._temp, 0o644)
        os.replace(self._temp, self._target)
        self._temp = None
        return self._target

    def close(self) -> None:
        """Stop the second process if it still runs and remove what it left; safe to call twice."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        for temp in (self._temp, self._html):
            if temp is not None:
                temp.unlink(missing_ok=True)
        self._temp = self._html = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> PdfInBackground:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _lines(self) -> list[str]:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace").splitlines()

    def _relay_log(self) -> None:
        # The second process's warnings (WeasyPrint's, say), logged here under their own names.
        for line in self._lines():
            level, _, rest = line.partition("\t")
            name, _, message = rest.partition("\t")
            if message and level in ("WARNING", "ERROR", "CRITICAL"):
                logging.getLogger(name).log(getattr(logging, level), "%s", message)

    def _error(self) -> str:
        lines = [line for line in self._lines() if line.strip()]
        return lines[-1] if lines else "no message"


def _main() -> int:
    """The second process of :class:`PdfInBackground`: import WeasyPrint, then write the PDF asked on stdin."""
    parent = os.getppid()  # before the import: the first process may be killed during it
    logging.basicConfig(level=logging.WARNING, format=_CHILD_LOG_FORMAT)
    import weasyprint  # noqa: F401  (while the first process is still building what to show)

    line = sys.stdin.readline()
    if not line:
        return 0  # nothing asked: the first process gave up
    job = json.loads(line)
    html, pdf = Path(job["html"]), Path(job["pdf"])
    try:
        text = html.read_text(encoding="utf-8")
        html.unlink()  # read: nothing is left behind even if the first process is killed
        _render_pdf(text, pdf)
    except Exception:
        logging.getLogger("pipeline.reports.pdf").exception("the PDF could not be written")
        return 1
    if os.getppid() != parent:  # the first process was killed meanwhile: nobody will rename it
        pdf.unlink(missing_ok=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main())
