"""Small formatting helpers for dashboard templates."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.inclusion_tag("dashboards/_change.html")
def change(current: int | None, previous: int | None, *, higher_is_better: bool = True, unit: str = "%"):
    """The change against the previous period, coloured by whether it is good news."""
    if current is None or previous is None:
        return {"text": ""}
    if unit == "pts":
        delta = current - previous
        text = f"{delta:+d} pts"
    elif previous == 0:
        return {"text": "new" if current else "", "tone": "neutral"}
    else:
        delta = round(100 * (current - previous) / previous)
        text = f"{delta:+d}%"
    tone = "neutral" if delta == 0 else ("good" if (delta > 0) == higher_is_better else "bad")
    return {"text": text, "tone": tone}


# What json_script escapes, so the JSON cannot close the script element or start markup.
_SCRIPT_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


@register.filter
def figure_script(figure: dict, element_id: str) -> str:
    """A figure as <script type="application/json">, like json_script but quicker on the overview's
    ~200 KB of figures: compact separators, and three str.replace calls instead of a str.translate table,
    which costs ~4 ms per 100 KB."""
    text = json.dumps(figure, separators=(",", ":"), cls=DjangoJSONEncoder)
    for character, escape in _SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text))
