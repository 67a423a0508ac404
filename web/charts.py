"""Bar charts as server-rendered SVG: no script, so they pass a strict CSP and print well."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, BAR_H, GAP, LABEL_W = 480, 18, 6, 120


def bar_chart(items: list[tuple[str, int]], *, title: str) -> Markup:
    """Horizontal bars, one per (label, value); an empty list draws a "no data" note."""
    if not items:
        return Markup('<p class="empty">—</p>')
    top = max(v for _, v in items) or 1
    height = len(items) * (BAR_H + GAP) + GAP
    rows = []
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR_H + GAP)
        width = int((WIDTH - LABEL_W - 60) * value / top)
        rows.append(
            f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{max(width, 1)}" height="{BAR_H}" class="bar"/>'
            f'<text x="{LABEL_W + width + 6}" y="{y + 13}">{int(value)}</text>'
        )
    return Markup(  # noqa: S704 - every label and number above is escaped or an int
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(rows)}</svg>'
    )
