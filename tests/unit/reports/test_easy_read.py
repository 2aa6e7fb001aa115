"""The Easy Read summary: the rules of Easy Read, measured on the rendered page and PDF.

A DuckDB warehouse is built in a temporary folder with hand-made measure rows (as
``test_render.py`` does) for two months: October 2026 with ordinary figures, and September
2026 where the figures come from 1 to 4 children and must never be shown. Each month is
rendered once for the module; the tests then measure the output rather than trust the
templates: every sentence of the HTML and of the PDF (read back with pypdf, grouped into
paragraphs by font size and position) has at most 15 words; there is no ``%``, no word
in capital letters, no number written as a word; every hard word of ``words.yaml`` is
explained where it is first used; every idea has its picture on its left; every run of text
in the PDF is 16 pt or larger; the PDF has at most 12 A4 pages.

Capital letters: a run of 2 or more capitals (EHCP, SEND, SENCO, NEET, or a word shouted in
capitals) is refused, with an empty allow-list. Easy Read spells every short form out, and
the pronoun "I" and the article "A" are single letters, so they never match. Were the
partnership to need one (its own name, say), it would go in ``ALLOWED_CAPITALS``.
"""
from __future__ import annotations

import base64
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pypdf
import pytest
import yaml

from pipeline.periods import shift_period
from pipeline.reports import easy_read
from pipeline.reports.easy_read import (EASY_READ_DIR, MAX_PAGES, EasyReadError, change_word, pdf_name,
                                        render_easy_read, share_phrase)
from pipeline.warehouse import db

PERIOD = "2026-10"  # ordinary figures
SMALL = "2026-09"  # figures from 1 to 4 children: never shown
PRODUCED = date(2026, 11, 26)
AREA = "Testshire"
MAX_WORDS = 15
MIN_POINTS = 16.0
ALLOWED_CAPITALS: frozenset[str] = frozenset()
CAPITALS = re.compile(r"\b[A-Z]{2,}s?\b")
NUMBER_WORDS = re.compile(
    r"\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"thousand|million|half|twice|dozen)\b", re.I)
JARGON = ("EHCP", "SEND", "SENCO", "NEET", "statutory", "provision", "graduated approach", "co-produc",
          "percent", "per cent", "per 10,000", "median", "Written Statement")
SUPPRESSED = "We cannot say the number this month because it is very small."


# --------------------------------------------------------------------------- unit: numbers in words


@pytest.mark.parametrize("percent, said", [
    (0.0, "0 in 10"),
    (0.3, "fewer than 1 in 10"),
    (4.99, "fewer than 1 in 10"),
    (5.0, "about 1 in 10"),
    (61.7, "about 6 in 10"),
    (65.0, "about 7 in 10"),  # half up
    (94.9, "about 9 in 10"),
    (95.0, "more than 9 in 10"),
    (99.9, "more than 9 in 10"),
    (100.0, "10 in 10"),
])
def test_share_phrase(percent, said):
    assert share_phrase(percent) == said


def mean(value, n):
    return {"value": value, "numerator": value * n, "denominator": n}


@pytest.mark.parametrize("latest, earlier, word", [
    (mean(19.4, 241), mean(22.1, 215), "lower"),
    (mean(22.1, 241), mean(19.4, 215), "higher"),
    (mean(19.42, 241), mean(19.44, 215), "same"),  # the same at 1 decimal place
    (mean(19.4, 3), mean(22.1, 215), None),  # an average of 3 children is never shown
    (mean(19.4, 241), None, None),
])
def test_change_word(latest, earlier, word):
    assert change_word(latest, earlier, "weeks") == word


# --------------------------------------------------------------------------- the warehouse


def row(measure_id, period, value, numerator, denominator, unit, breakdown="all"):
    return {"measure_id": measure_id, "period": period, "breakdown": breakdown, "value": value,
            "numerator": numerator, "denominator": denominator, "unit": unit}


def count(measure_id, period, n, breakdown="all"):
    return row(measure_id, period, float(n), float(n), None, "count", breakdown)


def percent(measure_id, period, numerator, denominator, breakdown="all"):
    return row(measure_id, period, 100 * numerator / denominator, float(numerator), float(denominator), "percent",
               breakdown)


def weeks(measure_id, period, value, n, breakdown="all"):
    return row(measure_id, period, value, value * n, float(n), "weeks", breakdown)


def measure_frame() -> pd.DataFrame:
    slt = "service=SLT"
    ordinary = [
        count("ehcp_in_force", PERIOD, 1672), count("ehcp_new_12m", PERIOD, 243),
        percent("ehcp_20wk_6m", PERIOD, 37, 60), percent("post16_eet", PERIOD, 410, 500),
        percent("post16_eet", PERIOD, 49, 70, "group=EHCP"), count("therapy_waiting", PERIOD, 241, slt),
        count("therapy_waiting", PERIOD, 700), weeks("therapy_wait_mean_weeks", PERIOD, 19.4, 241, slt),
        weeks("therapy_wait_mean_weeks", shift_period(PERIOD, -12), 22.1, 215, slt),
        percent("senco_trained", PERIOD, 44, 75), count("ehcp_requests_12m", PERIOD, 390),
    ]
    small = [
        count("ehcp_in_force", SMALL, 3),  # said as "we cannot say"
        count("ehcp_new_12m", SMALL, 2),  # left out
        percent("ehcp_20wk_6m", SMALL, 2, 3),  # left out
        percent("post16_eet", SMALL, 410, 500), percent("post16_eet", SMALL, 3, 4, "group=EHCP"),
        count("therapy_waiting", SMALL, 4, slt),  # said as "we cannot say"
        weeks("therapy_wait_mean_weeks", SMALL, 40.1, 4, slt),  # an average of 4 children: no change said
        weeks("therapy_wait_mean_weeks", shift_period(SMALL, -12), 22.1, 215, slt),
        percent("senco_trained", SMALL, 44, 75),
    ]
    return pd.DataFrame(ordinary + small)


def snapshots(period: str) -> pd.DataFrame:
    return pd.DataFrame([{"period": period, "feed": feed, "extract_date": date(2026, 11, 5), "is_stale": False}
                         for feed in ("council_send", "therapies", "nccis", "workforce")])


def milestones(period: str, complete: int, total: int) -> pd.DataFrame:
    return pd.DataFrame([{"period": period, "milestone_id": f"1.1.1.{n}", "area_ref": "1",
                          "status": "complete" if n < complete else "on track"} for n in range(total)])


@dataclass
class Page:
    """What a test reads of one rendering."""

    html_path: Path
    pdf_path: Path
    html: str = ""
    tree: Node | None = None
    reader: pypdf.PdfReader | None = None
    runs: list[Run] = field(default_factory=list)


def read(html_path: Path, pdf_path: Path) -> Page:
    page = Page(html_path, pdf_path)
    page.html = html_path.read_text(encoding="utf-8")
    page.tree = parse_html(page.html)
    page.reader = pypdf.PdfReader(pdf_path)
    page.runs = text_runs(page.reader)
    return page


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("easy_read")
    engine = db.get_engine(f"duckdb:///{folder / 'db.duckdb'}")
    db.ensure_schema(engine)
    db.replace_rows(engine, "measures", measure_frame(), {})
    for period, done in ((PERIOD, 12), (SMALL, 3)):
        db.replace_rows(engine, "measure_snapshots", snapshots(period), {"period": period})
        db.replace_rows(engine, "programme_status", milestones(period, done, 40), {"period": period})
    pages = {period: read(*render_easy_read(engine, period, folder / period, area_name=AREA, produced_on=PRODUCED))
             for period in (PERIOD, SMALL)}
    yield {"engine": engine, "folder": folder, **pages}
    engine.dispose()


# --------------------------------------------------------------------------- reading the HTML


VOID = {"img", "meta", "link", "br", "hr", "input", "source"}
BLOCKS = {"p", "h1", "h2", "h3", "h4", "li", "a", "title", "td", "th", "caption"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return " ".join("".join(c if isinstance(c, str) else c.text() for c in self.children).split())

    def elements(self) -> list[Node]:
        out = [self]
        for child in self.children:
            if isinstance(child, Node):
                out.extend(child.elements())
        return out

    def nodes(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def css(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "an element is not closed"
    return builder.root


def text_blocks(tree: Node) -> list[str]:
    """The text of every block the reader reads (paragraphs, headings, links, the title)."""
    return [n.text() for n in tree.elements() if n.tag in BLOCKS and n.text()
            and not any(isinstance(c, Node) and c.tag in BLOCKS for c in n.children)]


def alt_texts(tree: Node) -> list[str]:
    return [n.attrs.get("alt", "") for n in tree.elements() if n.tag == "img"]


def sentences(block: str) -> list[str]:
    """A block's sentences: split after a full stop, question or exclamation mark."""
    return [s for s in re.split(r"(?<=[.!?])\s+", block.strip()) if s]


def words(sentence: str) -> list[str]:
    return sentence.split()


def ideas(tree: Node) -> list[Node]:
    return [n for n in tree.elements() if "idea" in n.css()]


def idea_paragraphs(tree: Node) -> list[Node]:
    """The idea sentences in reading order (explanations included)."""
    return [p for idea in ideas(tree) for p in idea.elements() if p.tag == "p"]


def strings(content: object) -> list[str]:
    """Every string of a YAML document."""
    if isinstance(content, dict):
        return [s for v in content.values() for s in strings(v)]
    if isinstance(content, list):
        return [s for v in content for s in strings(v)]
    return [content] if isinstance(content, str) else []


def everything_said(page: Page) -> list[str]:
    """Every block of the page, every picture's alt text and every line of the PDF."""
    return [*text_blocks(page.tree), *alt_texts(page.tree), *(r.text for r in page.runs)]


# --------------------------------------------------------------------------- reading the PDF


@dataclass
class Run:
    page: int
    x: float
    y: float  # from the top of the page, in points
    size: float  # the size the text is drawn at, in points
    text: str


def text_runs(reader: pypdf.PdfReader) -> list[Run]:
    """Every run of text with the size it is drawn at: Tf size × the text and current matrices' scale."""
    runs: list[Run] = []
    for number, page in enumerate(reader.pages, start=1):
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font_dict, font_size, number=number, height=height):
            if not text.strip():
                return
            a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                          tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append(Run(number, round(x, 2), round(height - y, 2), round(font_size * abs(a * d - b * c) ** 0.5, 3),
                            text.replace("\n", "")))

        page.extract_text(visitor_text=visit)
    return runs


def pdf_blocks(runs: list[Run]) -> list[str]:
    """Runs grouped into paragraphs: a new one at a new page, a new size, a new left edge or a gap.

    Lines of a paragraph are 1.4 × the size apart; paragraphs have a margin besides, so a
    gap of more than 1.6 × the size starts a new one.
    """
    blocks: list[list[str]] = []
    previous: Run | None = None
    line_start: Run | None = None
    for run in runs:
        same_line = previous is not None and previous.page == run.page and abs(previous.y - run.y) < 0.5
        if same_line:
            blocks[-1][-1] += run.text
        else:
            new = (previous is None or previous.page != run.page or abs(previous.size - run.size) > 0.01
                   or line_start is None or abs(line_start.x - run.x) > 1 or run.y - previous.y > 1.6 * run.size)
            if new:
                blocks.append([run.text])
            else:
                blocks[-1].append(run.text)
            line_start = run
        previous = run
    return [" ".join(" ".join(lines).split()) for lines in blocks]


# --------------------------------------------------------------------------- the files


def test_the_files_are_written_with_their_names(built):
    for period in (PERIOD, SMALL):
        page = built[period]
        assert page.html_path == built["folder"] / period / "index.html"
        assert page.pdf_path == built["folder"] / period / f"SEND-easy-read-{period}.pdf" == \
               built["folder"] / period / pdf_name(period)
        assert sorted(p.name for p in page.html_path.parent.iterdir()) == sorted(
            [page.html_path.name, page.pdf_path.name])  # no temporary file left


def test_rendering_again_gives_the_same_files(built, tmp_path):
    html, pdf = render_easy_read(built["engine"], PERIOD, tmp_path, area_name=AREA, produced_on=PRODUCED)
    assert html.read_bytes() == built[PERIOD].html_path.read_bytes()
    assert pdf.read_bytes() == built[PERIOD].pdf_path.read_bytes()


def test_a_period_without_measures_is_refused(built, tmp_path):
    with pytest.raises(EasyReadError, match="run `python -m pipeline run --period 2027-01"):
        render_easy_read(built["engine"], "2027-01", tmp_path, area_name=AREA, produced_on=PRODUCED)
    assert list(tmp_path.iterdir()) == []


def test_a_booklet_over_the_page_limit_is_refused_and_replaces_nothing(built, tmp_path, monkeypatch):
    previous = {name: f"the previous {name}" for name in ("index.html", pdf_name(PERIOD))}
    for name, text in previous.items():
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(easy_read, "MAX_PAGES", 2)
    with pytest.raises(EasyReadError, match=r"would have \d+ pages; Easy Read allows 2"):
        render_easy_read(built["engine"], PERIOD, tmp_path, area_name=AREA, produced_on=PRODUCED)
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == previous


# --------------------------------------------------------------------------- the page


def test_the_page_is_one_self_contained_accessible_document(built):
    page = built[PERIOD]
    html, tree = page.html, page.tree
    assert re.search(r'<html lang="en-GB">', html)
    assert "<link" not in html and "url(" not in html and "@import" not in html  # nothing fetched
    images = [n for n in tree.elements() if n.tag == "img"]
    assert images and all(n.attrs["src"].startswith("data:image/svg+xml;base64,") for n in images)
    body = next(n for n in tree.elements() if n.tag == "body")
    links = [n for n in body.elements() if n.tag == "a"]
    assert links[0].attrs == {"class": "skip-link", "href": "#main"}  # the first link skips to the text
    mains = [n for n in tree.elements() if n.tag == "main"]
    assert len(mains) == 1 and mains[0].attrs.get("id") == "main"
    levels = [int(n.tag[1]) for n in tree.elements() if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels  # no level skipped
    assert not any(n.tag in ("i", "em", "address", "cite") for n in tree.elements())  # nothing in italics


def test_the_layout_follows_easy_read(built):
    css = (EASY_READ_DIR / "easy-read.css").read_text(encoding="utf-8")
    assert css in built[PERIOD].html  # inline, as written
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # the rules, not the comments
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)pt", css)]
    assert sizes and min(sizes) >= MIN_POINTS and "font-size: 20pt" in css
    assert not re.search(r"font-size:\s*[\d.]+(px|em|rem|%)", css)  # every size in points, checked above
    assert not re.search(r"italic|oblique|uppercase|small-caps|justify|row-reverse|rtl", css)
    assert re.search(r"\.idea \{[^}]*display: flex; flex-direction: row;", css)  # the picture, then the words
    assert re.search(r'font-family: "DejaVu Sans", Arial, Helvetica, sans-serif', css)
    assert "size: A4" in css


def test_every_idea_has_its_picture_on_the_left_with_a_text_alternative(built):
    for period in (PERIOD, SMALL):
        found = ideas(built[period].tree)
        assert len(found) >= 20
        for idea in found:
            picture, text = idea.nodes()
            assert picture.tag == "img" and "icon" in picture.css()
            assert 0 < len(words(picture.attrs["alt"])) <= MAX_WORDS
            assert "idea-text" in text.css() and any(n.tag == "p" for n in text.nodes())
            svg = base64.b64decode(picture.attrs["src"].split(",", 1)[1]).decode("utf-8")
            assert svg.startswith("<svg") and "<title" in svg and "<text" not in svg  # a picture, not words


def test_each_part_has_one_to_a_few_ideas(built):
    sections = [n for n in built[PERIOD].tree.elements() if n.tag == "section"]
    headings = [s.nodes()[0].text() for s in sections]
    assert headings[2:7] == ["Part 1: Getting the right help", "Part 2: Getting ready for adult life",
                             "Part 3: Talking and listening to parents", "Part 4: Waiting for therapy",
                             "What we are doing"]
    assert headings[-1] == "Who to contact"
    for section in sections:
        assert 1 <= len(ideas(section)) <= 5, section.nodes()[0].text()


# --------------------------------------------------------------------------- the words


def test_every_sentence_of_the_page_has_at_most_15_words(built):
    for period in (PERIOD, SMALL):
        said = [s for b in text_blocks(built[period].tree) for s in sentences(b)]
        longest = max(said, key=lambda s: len(words(s)))
        assert len(words(longest)) <= MAX_WORDS, longest
        assert len(said) > 40


def test_every_sentence_of_the_pdf_has_at_most_15_words(built):
    for period in (PERIOD, SMALL):
        page = built[period]
        blocks = pdf_blocks(page.runs)
        said = [s for b in blocks for s in sentences(b)]
        too_long = [s for s in said if len(words(s)) > MAX_WORDS]
        assert not too_long, too_long
        # The grouping found the page's paragraphs: every block of the HTML the PDF prints.
        screen_only = ("Skip to the main text", "Go back to the partnership's web pages.")  # hidden in print
        printed = [b for b in text_blocks(page.tree) if b not in screen_only][1:]  # not the <title>
        pages = len(page.reader.pages)
        footers = [f"Page {n} of {pages}" for n in range(1, pages + 1)]
        assert sorted(blocks) == sorted(printed + footers)


def test_no_percentages_no_capitals_no_number_words(built):
    for period in (PERIOD, SMALL):
        page = built[period]
        visible = [n.text() for n in page.tree.elements() if n.tag in ("title", "body")]
        for text in [*everything_said(page), *visible]:
            assert "%" not in text and "per cent" not in text.lower(), text
            capitals = set(CAPITALS.findall(text)) - ALLOWED_CAPITALS
            assert not capitals, (capitals, text)
            assert not NUMBER_WORDS.search(text), text
            for word in JARGON:
                assert word.lower() not in text.lower(), (word, text)


def test_the_word_checks_catch_what_they_should_and_nothing_else():
    assert NUMBER_WORDS.findall("Six children, one plan and a dozen schools") == ["Six", "one", "dozen"]
    assert not NUMBER_WORDS.search("Someone has done it, often; anyone can phone. Tension, tenth, weight, often")
    assert CAPITALS.findall("An EHCP and the SENCOs, in CAPITALS") == ["EHCP", "SENCOs", "CAPITALS"]
    assert not CAPITALS.findall("I think A plan is Easy Read, in October 2026")


def test_every_hard_word_is_explained_where_it_is_first_used(built):
    hard = yaml.safe_load((EASY_READ_DIR / "words.yaml").read_text(encoding="utf-8"))["words"]
    paragraphs = idea_paragraphs(built[PERIOD].tree)
    explained = Counter(p.text() for p in paragraphs if "explain" in p.css())
    for entry in hard:
        forms = [entry["word"], *entry.get("also", [])]
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, forms)) + r")\b", re.I)
        uses = [n for n, p in enumerate(paragraphs) if "explain" not in p.css() and pattern.search(p.text())]
        if not uses:
            continue
        first = paragraphs[uses[0]]
        bold = [n.text().lower() for n in first.nodes() if n.tag == "strong"]
        assert any(f.lower() in bold for f in forms), (entry["word"], first.text())
        after = paragraphs[uses[0] + 1: uses[0] + 4]
        assert any("explain" in p.css() and p.text() == entry["means"] for p in after), entry["word"]
        assert explained[entry["means"]] == 1, entry["word"]  # once
    assert set(explained) <= {e["means"] for e in hard}
    assert len(explained) >= 8


def test_the_months_figures_are_said_in_easy_read(built):
    said = {s for b in text_blocks(built[PERIOD].tree) for s in sentences(b)}
    for sentence in (
        "About 1,670 children and young people have an education, health and care plan.",  # 1,672 to the nearest 5
        "We made about 245 new plans in the last 12 months.",
        "About 6 in 10 new plans were made on time.",  # 37 of 60
        "About 8 in 10 are in school, college, training or work.",  # 410 of 500
        "About 7 in 10 with a plan are in school, college, training or work.",
        "About 240 children are waiting for speech and language therapy.",  # 241
        "Children are waiting less time than they were a year ago.",  # 19.4 weeks, from 22.1
        "About 6 in 10 schools have a trained special needs teacher.",  # 44 of 75
        "Our plan has 40 jobs to do.",
        "We have finished 12 of them.",
        "We are the special needs partnership for Testshire.",
        "This booklet tells you how we did in October 2026.",
        "We made this booklet on 26 November 2026.",
    ):
        assert sentence in said, sentence
    assert SUPPRESSED not in said


def test_a_figure_from_1_to_4_children_is_never_shown(built):
    page = built[SMALL]
    said = [s for b in text_blocks(page.tree) for s in sentences(b)]
    assert said.count(SUPPRESSED) == 2  # plans in force and children waiting: said as "we cannot say"
    assert "Some children and young people have an education, health and care plan." in said
    assert "Some children are waiting for speech and language therapy." in said
    for left_out in ("new plans in the last", "were made on time", "with a plan are in", "than they were a year ago",
                     "as long as a year ago", "jobs to do", "We have finished"):
        assert not any(left_out in s for s in said), left_out
    assert "About 8 in 10 are in school, college, training or work." in said  # 410 of 500 is shown
    # A number from 1 to 4 is only ever one the templates say themselves ("4 things", "Part 1").
    literal = {s for name in ("sentences.yaml", "words.yaml")
               for s in strings(yaml.safe_load((EASY_READ_DIR / name).read_text(encoding="utf-8"))) if "{" not in s}
    small = [s for s in said if re.search(r"(?<![\d,])[1-4](?![\d,])", s) and s not in literal]
    assert not small, small
    pdf_text = " ".join(r.text for r in page.runs)
    assert SUPPRESSED in " ".join(pdf_text.split())


# --------------------------------------------------------------------------- the PDF


def test_every_run_of_text_in_the_pdf_is_16_points_or_larger(built):
    for period in (PERIOD, SMALL):
        runs = built[period].runs
        assert len(runs) > 100
        smallest = min(runs, key=lambda r: r.size)
        assert smallest.size >= MIN_POINTS, smallest
        body = Counter(round(r.size) for r in runs).most_common(1)[0][0]
        assert body == 20  # the body text


def test_the_pdf_is_a4_tagged_and_at_most_12_pages(built):
    for period in (PERIOD, SMALL):
        reader = built[period].reader
        assert 1 < len(reader.pages) <= MAX_PAGES == 12
        for page in reader.pages:
            assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        catalog = reader.trailer["/Root"]
        assert catalog["/Lang"] == "en-GB" and "/StructTreeRoot" in catalog
        assert bool(catalog["/MarkInfo"]["/Marked"]) is True
        assert reader.metadata.title.startswith(f"Help for children with special needs in {AREA}")
        assert reader.metadata.creation_date.date() == PRODUCED


def test_every_picture_in_the_pdf_is_a_figure_with_its_alt_text(built):
    page = built[PERIOD]
    alts = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure":
            alts.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]:
            if kid is not None and isinstance(kid.get_object(), pypdf.generic.DictionaryObject):
                walk(kid)

    walk(page.reader.trailer["/Root"]["/StructTreeRoot"])
    assert alts == alt_texts(page.tree)
