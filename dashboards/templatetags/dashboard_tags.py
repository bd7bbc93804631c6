"""Small formatting helpers for dashboard templates."""

from django import template

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
