"""The Easy Read summary of the month: a web page and a PDF for children, young people and parents.

The plan promises information in accessible formats, Easy Read among them (area of concern
1). ``render_easy_read`` writes ``out_dir/index.html`` (one self-contained page: the CSS
inline and the pictures as data URIs) and ``out_dir/SEND-easy-read-<period>.pdf`` (PDF/UA-1,
A4, at most :data:`MAX_PAGES` pages) from the period's rows of the ``measures`` table.

Every word is in ``report_templates/easy_read/``, for the partnership to edit:
``sentences.yaml`` (each sentence a Jinja2 template with its number filled in, an idea a
picture), ``words.yaml`` (hard words: each is shown in bold where it is first used and
explained in the next sentence), ``icons/`` (the pictures) and ``easy_read.html`` with
``easy-read.css`` (the layout). The rules of Easy Read that the tests measure: at most 15
words a sentence, numbers as digits, shares as "about 6 in 10" (never a percentage), no
short forms in capital letters, text of 16 pt or more.

Numbers follow the public disclosure rules (:mod:`pipeline.reports.public.disclosure`):
a count, or a share or average worked out from, 1 to 4 children is never shown (the idea
says its ``suppressed`` sentences or is left out) and counts are rounded to the nearest 5.
The page shows no figures that add up to each other, so no secondary suppression is needed.

Nothing here reads the clock: the date produced is an argument, so rendering a period
twice from the same warehouse and templates gives the same files.
"""
from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from jinja2 import StrictUndefined
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from pipeline.definitions.registry import load_registry
from pipeline.files import write_text_atomic
from pipeline.periods import parse_period, shift_period
from pipeline.reports.formatting import as_number, date_label, period_label
from pipeline.reports.history import MeasureHistory, read_history
from pipeline.reports.pdf import TEMPLATES_DIR, render_html, write_pdf
from pipeline.reports.public.disclosure import primary_suppressed, public_count, public_number
from pipeline.warehouse.db import read_sql_frame
from pipeline.warehouse.measures import read_snapshots
from pipeline.warehouse.programme import COMPLETE

log = logging.getLogger(__name__)

EASY_READ_DIR = TEMPLATES_DIR / "easy_read"
PAGE_TEMPLATE = "easy_read/easy_read.html"
MAX_PAGES = 12
KINDS = {"count": ("count",), "share": ("percent",), "change": ("count", "percent", "per_10000", "weeks", "points"),
         "programme": ()}
CHANGES = ("higher", "lower", "same")


class EasyReadError(RuntimeError):
    """The Easy Read summary cannot be made; the message says what to fix."""


# --------------------------------------------------------------------------- numbers in words


def share_phrase(percent: object) -> str:
    """A percentage as Easy Read says it: "about 6 in 10" (the nearest whole number of 10).

    Under 0.5 in 10 (but more than none) is "fewer than 1 in 10"; from 9.5 in 10 (but not
    all) "more than 9 in 10"; none and all are "0 in 10" and "10 in 10". Never a percentage.
    """
    value = as_number(percent)
    if value is None:
        raise ValueError("a share needs a value")
    if value <= 0:
        return "0 in 10"
    if value >= 100:
        return "10 in 10"
    tenths = int((Decimal(repr(value)) / 10).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if tenths < 1:
        return "fewer than 1 in 10"
    if tenths > 9:
        return "more than 9 in 10"
    return f"about {tenths} in 10"


def change_word(latest: dict | None, earlier: dict | None, unit: str) -> str | None:
    """"higher", "lower" or "same", judged on the numbers a public page may show; None if either may not."""
    shown = [public_number(r["value"], r["numerator"], r["denominator"], unit=unit) if r else None
             for r in (latest, earlier)]
    if shown[0] is None or shown[1] is None:
        return None
    return "same" if shown[0] == shown[1] else "higher" if shown[0] > shown[1] else "lower"


# --------------------------------------------------------------------------- the templates


@dataclass(frozen=True)
class HardWord:
    word: str
    forms: tuple[str, ...]
    means: str


def _load_yaml(path: Path) -> dict:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EasyReadError(f"{path} cannot be read: {exc}") from exc
    if not isinstance(content, dict):
        raise EasyReadError(f"{path} must be a mapping (see the comments at its top).")
    return content


def load_words(path: Path) -> list[HardWord]:
    """The hard words of ``words.yaml``, longest first (so a phrase wins over a word in it)."""
    words = []
    for n, entry in enumerate(_load_yaml(path).get("words") or [], start=1):
        if not isinstance(entry, dict) or not entry.get("word") or not entry.get("means"):
            raise EasyReadError(f"{path}: word {n} needs a 'word' and what it 'means'.")
        forms = (str(entry["word"]), *[str(f) for f in entry.get("also") or []])
        words.append(HardWord(str(entry["word"]), forms, str(entry["means"]).strip()))
    return sorted(words, key=lambda w: -max(len(f) for f in w.forms))


def load_content(path: Path, units: dict[str, str | None]) -> dict:
    """``sentences.yaml``, checked: every idea's picture exists and its figure names a measure."""
    content = _load_yaml(path)
    for key in ("cover", "parts"):
        if key not in content:
            raise EasyReadError(f"{path} has no '{key}'.")
    for part in content["parts"]:
        for idea in part.get("ideas") or []:
            where = f"{path}, idea '{idea.get('say')}' of '{part.get('heading')}'"
            if not (path.parent / "icons" / f"{idea.get('icon')}.svg").is_file():
                raise EasyReadError(f"{where}: there is no picture icons/{idea.get('icon')}.svg.")
            figure = idea.get("figure")
            if figure is None:
                continue
            kind = figure.get("kind")
            if kind not in KINDS:
                raise EasyReadError(f"{where}: figure kind must be one of {', '.join(KINDS)}, not {kind!r}.")
            if kind == "programme":
                continue
            if figure.get("measure") not in units:
                raise EasyReadError(f"{where}: {figure.get('measure')!r} is not a measure of measures.yaml.")
            if units[figure["measure"]] not in KINDS[kind]:
                raise EasyReadError(f"{where}: {figure['measure']} is a {units[figure['measure']]} measure, "
                                    f"which a {kind} cannot show.")
            if kind == "change" and not (isinstance(idea.get("say"), dict) and set(idea["say"]) == set(CHANGES)):
                raise EasyReadError(f"{where}: a change needs a sentence for each of {', '.join(CHANGES)}.")
    return content


def icon(name: str, alt: str | None = None) -> dict[str, str]:
    """A picture of ``icons/`` as a data URI, with its alt text (by default the SVG's title)."""
    svg = (EASY_READ_DIR / "icons" / f"{name}.svg").read_text(encoding="utf-8")
    title = re.search(r"<title[^>]*>(.*?)</title>", svg, re.S)
    text = alt or (title.group(1).strip() if title else "")
    if not text:
        raise EasyReadError(f"icons/{name}.svg has no <title> and its idea no 'alt': every picture needs one.")
    return {"src": "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
            "alt": text}


class Sentences:
    """Fills sentence templates (sandboxed: the partnership edits them) and explains hard words."""

    def __init__(self, values: dict[str, Any], words: list[HardWord]) -> None:
        self.env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        self.values = values
        self.words = words
        self.explained: set[str] = set()

    def fill(self, template: str, **numbers: object) -> str:
        try:
            text = self.env.from_string(str(template)).render(**self.values, **numbers)
        except TemplateError as exc:
            raise EasyReadError(f"the sentence {template!r} cannot be filled in: {exc}") from exc
        text = " ".join(text.split())
        return text[:1].upper() + text[1:]

    def marked(self, texts: list[str]) -> list[dict]:
        """Sentences as segments (hard words in bold), each first use followed by its meaning."""
        out = []
        for text in texts:
            segments, new = self._segments(text, explain=True)
            out.append({"segments": segments, "css": ""})
            for word in new:
                out.append({"segments": self._segments(word.means, explain=False, only=word)[0], "css": "explain"})
        return out

    def _segments(self, text: str, *, explain: bool, only: HardWord | None = None) -> tuple[list[dict], list[HardWord]]:
        """The text in segments, the hard words not yet explained (or ``only``) in bold; and those words."""
        taken: list[tuple[int, int]] = []
        new: list[HardWord] = []
        for word in [only] if only else self.words:
            if explain and word.word in self.explained:
                continue
            pattern = r"\b(?:" + "|".join(re.escape(f) for f in word.forms) + r")\b"
            for match in re.finditer(pattern, text, re.I):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                taken.append(match.span())
                if explain:
                    self.explained.add(word.word)
                    new.append(word)
                break
        segments, at = [], 0
        for start, end in sorted(taken):
            if start > at:
                segments.append({"text": text[at:start], "bold": False})
            segments.append({"text": text[start:end], "bold": True})
            at = end
        if at < len(text):
            segments.append({"text": text[at:], "bold": False})
        return segments, new


# --------------------------------------------------------------------------- the month's figures


def _as_list(say: object) -> list[str]:
    return [str(s) for s in say] if isinstance(say, list) else [str(say)]


def programme_counts(engine: sa.Engine, period: str) -> tuple[int, int]:
    """(milestones complete, all milestones) of the period's ``programme_status``; (0, 0) without a plan."""
    frame = read_sql_frame(engine, "select status, count(*) as n from programme_status where period = :p "
                                   "group by status", {"p": period})
    counts = {str(r["status"]): int(r["n"]) for r in frame.to_dict("records")}
    return counts.get(COMPLETE, 0), sum(counts.values())


def idea_sentences(idea: dict, fill: Sentences, history: MeasureHistory, period: str,
                   units: dict[str, str | None], programme: tuple[int, int]) -> list[str]:
    """The idea's sentences this month; [] when it is left out.

    Left out: its figure is missing this month, or may not be shown (1 to 4 children) and
    the idea has no ``suppressed`` sentences to say instead.
    """
    figure = idea.get("figure")
    if figure is None:
        return [fill.fill(s) for s in _as_list(idea["say"])]
    kind = figure["kind"]
    hidden = [fill.fill(s) for s in _as_list(idea["suppressed"])] if idea.get("suppressed") else []
    if kind == "programme":
        done, total = programme
        if total == 0:
            return []
        if primary_suppressed(done) or primary_suppressed(total):
            return hidden
        return [fill.fill(s, done=f"{done:,}", total=f"{total:,}") for s in _as_list(idea["say"])]
    measure, breakdown = figure["measure"], figure.get("breakdown", "all")
    row = history.row(measure, breakdown, period)
    if kind == "change":
        word = change_word(row, history.row(measure, breakdown, shift_period(period, -12)), units[measure] or "")
        return [] if word is None else [fill.fill(s) for s in _as_list(idea["say"][word])]
    if row is None or row["value"] is None:
        return []
    if kind == "count":
        if primary_suppressed(row["value"]) or public_count(row["value"]) in ("c", "no data"):
            return hidden
        return [fill.fill(s, number=public_count(row["value"])) for s in _as_list(idea["say"])]
    if primary_suppressed(row["numerator"], row["denominator"]):
        return hidden
    return [fill.fill(s, share=share_phrase(row["value"])) for s in _as_list(idea["say"])]


# --------------------------------------------------------------------------- the booklet


def build_easy_read_context(engine: sa.Engine, period: str, *, area_name: str, produced_on: date,
                            templates: Path = EASY_READ_DIR) -> dict:
    """Everything the page shows, as text and pictures: the booklet without its layout.

    Raises
    ------
    EasyReadError
        When the period's measures have not been built, or a template is wrong.
    """
    parse_period(period)
    if read_snapshots(engine, period).empty:
        raise EasyReadError(f"No measures have been built for {period}: run "
                            f"`python -m pipeline run --period {period} ...` first.")
    units = {m.id: m.unit for m in load_registry() if m.kind == "value"}
    content = load_content(templates / "sentences.yaml", units)
    words = load_words(templates / "words.yaml")
    values = {"area": area_name, "month": period_label(period), "year_ago": period_label(shift_period(period, -12)),
              "produced": date_label(produced_on), "contact": content.get("contact") or {}}
    fill = Sentences(values, words)
    history = read_history(engine, period, 13)
    programme = programme_counts(engine, period)
    parts = []
    for n, part in enumerate(content["parts"], start=1):
        ideas = []
        for idea in part.get("ideas") or []:
            texts = idea_sentences(idea, fill, history, period, units, programme)
            if texts:
                ideas.append({"icon": icon(idea["icon"], idea.get("alt")), "sentences": fill.marked(texts)})
        parts.append({"id": f"part-{n}", "heading": fill.fill(part["heading"]), "ideas": ideas})
    cover = content["cover"]
    title = fill.fill(cover["title"])
    return {
        "doc": {
            "title": f"{title}: {period_label(period)} (Easy Read)",
            "author": f"{area_name} special needs partnership",
            "description": (f"An Easy Read summary of {period_label(period)} for children, young people and "
                            f"parents: help for children with special needs in {area_name}."),
            "created": produced_on.isoformat(),
        },
        "cover": {"title": title, "lines": [fill.fill(line) for line in cover.get("lines") or []],
                  "icon": icon(cover["icon"], cover.get("alt"))},
        "parts": parts,
        "css": (templates / "easy-read.css").read_text(encoding="utf-8"),
    }


def page_count(html: str) -> int:
    """How many pages the PDF of ``html`` has: WeasyPrint's layout, as :func:`write_pdf` makes it."""
    from weasyprint import HTML  # 0.9 s to import: only when a PDF is made

    return len(HTML(string=html, base_url=str(TEMPLATES_DIR)).render().pages)


def pdf_name(period: str) -> str:
    return f"SEND-easy-read-{period}.pdf"


def render_easy_read(engine: sa.Engine, period: str, out_dir: Path, *, area_name: str,
                     produced_on: date) -> tuple[Path, Path]:
    """Write the period's Easy Read summary: ``out_dir/index.html`` and its PDF.

    Parameters
    ----------
    engine
        The warehouse, with the period's measures built.
    period
        ``YYYY-MM``.
    out_dir
        Where the two files go (created when missing).
    area_name
        The local area, e.g. "Blackpool".
    produced_on
        The date the booklet says it was made (and the PDF's creation date); never the clock.

    Returns
    -------
    tuple[Path, Path]
        The HTML page and the PDF (PDF/UA-1, A4), each written atomically.

    Raises
    ------
    EasyReadError
        No measures for the period, a template error, or a PDF of more than
        :data:`MAX_PAGES` pages (checked before either file is written, so neither is replaced).
    """
    context = build_easy_read_context(engine, period, area_name=area_name, produced_on=produced_on)
    html = render_html(context, PAGE_TEMPLATE)
    out_dir = Path(out_dir)
    pdf_path = out_dir / pdf_name(period)
    pages = page_count(html)
    if pages > MAX_PAGES:
        raise EasyReadError(f"The Easy Read PDF would have {pages} pages; Easy Read allows {MAX_PAGES}. "
                            "Take ideas out of report_templates/easy_read/sentences.yaml.")
    write_pdf(html, pdf_path)
    html_path = write_text_atomic(out_dir / "index.html", html)
    log.info("wrote the Easy Read summary %s (%d pages) and %s", pdf_path, pages, html_path)
    return html_path, pdf_path
