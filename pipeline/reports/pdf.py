"""Templates to HTML and HTML to a tagged PDF/UA-1 file, written atomically (every pack uses these).
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipeline.files import atomic_path

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "report_templates"
PDF_VARIANT = "pdf/ua-1"


def render_html(context: dict, template: str = "highlight.html") -> str:
    """Fill a template of ``report_templates/`` with a context from :func:`build_context`."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(template).render(**context)


def write_pdf(html: str, path: Path) -> Path:
    """Write ``html`` as a PDF/UA-1 file at ``path``: a temporary name, then a rename."""
    from weasyprint import HTML  # 0.9 s to import: only when a PDF is made

    path = Path(path)
    with atomic_path(path) as temp:
        HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf(temp, pdf_variant=PDF_VARIANT)
    return path
