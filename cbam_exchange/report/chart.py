"""An SVG bar chart: each product's recomputed SEE beside its default value and the CBAM benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

_COLOURS = {"see": "#1f4e79", "declared": "#7fa7d1", "default": "#c55a11", "benchmark": "#70ad47"}
_LABELS = {"see": "SEE recomputed", "declared": "SEE declared", "default": "default value of the period",
           "benchmark": "applicable CBAM benchmark (column A)"}


@dataclass
class Bar:
    label: str
    values: dict[str, float | None]


def bar_chart(bars: list[Bar], unit: str = "tCO2e/t") -> str:
    kinds = [k for k in _LABELS if any(b.values.get(k) is not None for b in bars)]
    top = max([v for b in bars for v in b.values.values() if v is not None] + [0.1]) * 1.15
    width, height, left, bottom = 640, 260, 56, 200
    group = (width - left - 10) / max(len(bars), 1)
    bar_w = min(28.0, group * 0.8 / max(len(kinds), 1))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 30}" '
             f'viewBox="0 0 {width} {height + 30}" font-family="Noto Sans" font-size="9">']
    for k in range(6):
        y = bottom - (bottom - 20) * k / 5
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end">{top * k / 5:.2f}</text>')
    parts.append(f'<text x="10" y="14">{escape(unit)}</text>')
    for i, bar in enumerate(bars):
        x0 = left + i * group + (group - bar_w * len(kinds)) / 2
        for j, kind in enumerate(kinds):
            value = bar.values.get(kind)
            if value is None:
                continue
            h = max(0.0, value) / top * (bottom - 20)
            parts.append(f'<rect x="{x0 + j * bar_w:.1f}" y="{bottom - h:.1f}" width="{bar_w - 2:.1f}" '
                         f'height="{h:.1f}" fill="{_COLOURS[kind]}"><title>{_LABELS[kind]} {value:.3f}</title>'
                         f'</rect><text x="{x0 + j * bar_w + bar_w / 2 - 1:.1f}" y="{bottom - h - 3:.1f}" '
                         f'text-anchor="middle" font-size="7">{value:.2f}</text>')
        parts.append(f'<text x="{left + i * group + group / 2:.1f}" y="{bottom + 14}" text-anchor="middle">'
                     f"{escape(bar.label)}</text>")
    for j, kind in enumerate(kinds):
        x = left + j * 150
        parts.append(f'<rect x="{x}" y="{height + 8}" width="10" height="10" fill="{_COLOURS[kind]}"/>'
                     f'<text x="{x + 14}" y="{height + 17}">{_LABELS[kind]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def tornado_chart(rows: list[tuple[str, float]], title: str) -> str:
    """Horizontal bars of elasticities (label, value), largest first, negative to the left of the axis."""
    height = 22 + 16 * len(rows)
    width, label_w = 640, 300
    axis = label_w + (width - label_w - 20) / 2
    span = max([abs(v) for _, v in rows] + [1e-9])
    half = (width - label_w - 20) / 2 - 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 8}" '
             f'viewBox="0 0 {width} {height + 8}" font-family="Noto Sans" font-size="8">',
             f'<text x="4" y="11" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{axis:.1f}" x2="{axis:.1f}" y1="16" y2="{height}" stroke="#888"/>']
    for k, (label, value) in enumerate(rows):
        y = 20 + 16 * k
        w = abs(value) / span * half
        x = axis if value >= 0 else axis - w
        colour = "#c55a11" if value >= 0 else "#1f4e79"
        short = label if len(label) <= 58 else label[:57] + "…"
        anchor_x = axis + w + 3 if value >= 0 else axis - w - 3
        parts.append(f'<text x="{label_w - 6}" y="{y + 9}" text-anchor="end">{escape(short)}</text>'
                     f'<rect x="{x:.1f}" y="{y}" width="{max(w, 0.5):.1f}" height="11" fill="{colour}">'
                     f'<title>{escape(label)} {value:+.4f}</title></rect>'
                     f'<text x="{anchor_x:.1f}" y="{y + 9}" text-anchor="{"start" if value >= 0 else "end"}">'
                     f'{value:+.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)
