"""The turn-the-curve chart: history, the forecast "if nothing changes" with its band, the target.

An SVG document like the other charts (``role="img"``, ``<title>``, ``<desc>``); the desc
names the latest month, the forecast's last month with its range, and the target.
"""
from __future__ import annotations

from collections.abc import Sequence

from pipeline.analysis.oba import FORECAST_LEVEL, ForecastPoint
from pipeline.reports.charts import LINE_COLOUR, TABLE_NOTE, _check, _f, _plain, _svg, _text, _value_grid

BAND_COLOUR, FORECAST_COLOUR, TARGET_COLOUR, MARK_COLOUR = "#d8dde0", "#425563", "#d5281b", "#425563"


def curve_desc(title: str, labels: Sequence[str], values: Sequence[float | None], ahead: Sequence[ForecastPoint],
               ahead_labels: Sequence[str], target: float | None) -> str:
    """The text alternative: latest figure, where the trend leads, and the target."""
    known = [(labels[i], v) for i, v in enumerate(values) if v is not None]
    parts = [f"Turn-the-curve chart of {title}, one point a month from {labels[0]} to {labels[-1]}."]
    if known:
        parts.append(f"Latest figure, {known[-1][0]}: {_plain(known[-1][1])}.")
    if ahead:
        last = ahead[-1]
        parts.append(f"If nothing changes, the trend of the last 12 months leads to {_plain(last.value)} by "
                     f"{ahead_labels[-1]} ({int(FORECAST_LEVEL * 100)}% range {_plain(last.low)} to "
                     f"{_plain(last.high)}).")
    else:
        parts.append("Too few months with a figure for a forecast.")
    if target is not None:
        parts.append(f"Target {_plain(target)}.")
    parts.append(TABLE_NOTE)
    return " ".join(parts)


def curve_chart(title: str, labels: Sequence[str], values: Sequence[float | None], ahead: Sequence[ForecastPoint],
                ahead_labels: Sequence[str], *, chart_id: str, target: float | None = None,
                marker: int | None = None, width: int = 480, height: int = 170) -> str:
    """History as a line, the forecast dashed inside its shaded band, the target, and a marker
    where the intervention started (``marker``: the index of its first month)."""
    _check(chart_id, labels, values)
    desc = curve_desc(title, labels, values, ahead, ahead_labels, target)
    total = len(values) + len(ahead)
    extent = [v for v in values if v is not None] + [p.low for p in ahead] + [p.high for p in ahead]
    extent += [target] if target is not None else []
    low = min(0.0, min(extent)) if extent else 0.0
    high = max(extent) * 1.08 if extent and max(extent) > 0 else 1.0
    left, right, top, bottom = 40.0, 10.0, 10.0, 22.0
    plot_w, plot_h, span = width - left - right, height - top - bottom, (high - low) or 1.0

    def x_at(i: float) -> float:
        return left + plot_w * i / max(total - 1, 1)

    def y_at(v: float) -> float:
        return top + plot_h * (1 - (v - low) / span)

    body = _value_grid(left, top, plot_w, plot_h, low, span)
    body += [_text(x_at(0), height - 6, labels[0]), _text(x_at(total - 1), height - 6,
                                                          (list(ahead_labels) or list(labels))[-1], "end")]
    if ahead:
        start = len(values) - 1
        last = next((v for v in reversed(values) if v is not None), ahead[0].value)
        path = [(start, last, last, last)] + [(start + k + 1, p.value, p.low, p.high) for k, p in enumerate(ahead)]
        upper = " ".join(f"{_f(x_at(i))},{_f(y_at(high))}" for i, _, _, high in path)
        lower = " ".join(f"{_f(x_at(i))},{_f(y_at(low))}" for i, _, low, _ in reversed(path))
        body.append(f'<polygon points="{upper} {lower}" fill="{BAND_COLOUR}" stroke="none"/>')
        line = " ".join(f"{_f(x_at(i))},{_f(y_at(value))}" for i, value, _, _ in path)
        body.append(f'<polyline points="{line}" fill="none" stroke="{FORECAST_COLOUR}" stroke-width="1.4" '
                    'stroke-dasharray="4 3"/>')
    if target is not None:
        body.append(f'<line x1="{_f(left)}" y1="{_f(y_at(target))}" x2="{_f(left + plot_w)}" y2="{_f(y_at(target))}" '
                    f'stroke="{TARGET_COLOUR}" stroke-dasharray="6 3"/>')
    if marker is not None:
        x = x_at(marker - 0.5)
        body.append(f'<line x1="{_f(x)}" y1="{_f(top)}" x2="{_f(x)}" y2="{_f(top + plot_h)}" stroke="{MARK_COLOUR}" '
                    'stroke-width="0.8" stroke-dasharray="1 2"/>')
    history = [f"{_f(x_at(i))},{_f(y_at(v))}" for i, v in enumerate(values) if v is not None]
    if len(history) > 1:
        body.append(f'<polyline points="{" ".join(history)}" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.6"/>')
    return _svg(chart_id, width, height, title, desc, body)
