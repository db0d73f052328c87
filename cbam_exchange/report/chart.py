"""An SVG bar chart: each product's recomputed SEE beside its default value and the CBAM benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

_COLOURS = {"see": "#1f4e79", "declared": "#7fa7d1", "default": "#c55a11", "benchmark": "#70ad47"}
_LABELS = {"see": "SEE recomputed", "declared": "SEE declared", "default": "default value (country)",
           "benchmark": "lowest CBAM benchmark"}


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
