"""A sparkline for a cluster's weekly counts, drawn as inline SVG (no script, prints well)."""

from django import template
from django.utils.html import format_html

register = template.Library()

WIDTH, HEIGHT = 96, 24


@register.simple_tag
def sparkline(values: list[int]) -> str:
    if not values:
        return ""
    peak = max(values) or 1
    step = WIDTH / max(len(values) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{HEIGHT - 2 - (v / peak) * (HEIGHT - 4):.1f}" for i, v in enumerate(values)
    )
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="Weekly '
        'complaints: {}"><polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5"/></svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        ", ".join(str(v) for v in values),
        points,
    )
