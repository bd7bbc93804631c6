"""Plotly figures for the dashboards, in one consistent look. Each returns the figure as JSON for the page."""

import json
from datetime import date, datetime, timedelta

import plotly.graph_objects as go

SENTIMENT_COLORS = {"negative": "#d64545", "neutral": "#a0a7b4", "positive": "#2f9e6b"}
SENTIMENT_NAMES = {"negative": "Negative", "neutral": "Neutral", "positive": "Positive"}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def _layout(
    figure: go.Figure,
    *,
    title: str,
    x_title: str,
    y_title: str,
    height: int = 360,
    hovermode: str = "x unified",
    barmode: str = "stack",
) -> dict:
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        barmode=barmode,
        height=height,
        margin={"l": 60, "r": 16, "t": 48, "b": 48},
        font={"family": FONT, "size": 12, "color": "#1f2937"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
        hovermode=hovermode,
    )
    figure.update_xaxes(title_text=x_title, gridcolor="#eef0f3")
    figure.update_yaxes(title_text=y_title, gridcolor="#eef0f3", rangemode="tozero")
    return json.loads(figure.to_json())


def _buckets(start: date, end: date, period: str) -> list[date]:
    step = timedelta(days=7 if period == "week" else 1)
    first = start - timedelta(days=start.weekday()) if period == "week" else start
    buckets = []
    current = first
    while current < end:
        buckets.append(current)
        current += step
    return buckets


def volume_chart(volume: dict[str, dict[date, int]], *, start: date, end: date, period: str) -> dict:
    """Stacked bars of mentions per day or week by sentiment; empty days show as zero, not as gaps."""
    buckets = _buckets(start, end, period)
    figure = go.Figure()
    for label, counts in volume.items():
        figure.add_bar(
            x=buckets,
            y=[counts.get(bucket, 0) for bucket in buckets],
            name=SENTIMENT_NAMES[label],
            marker_color=SENTIMENT_COLORS[label],
        )
    unit = "week" if period == "week" else "day"
    return _layout(
        figure,
        title=f"Mention volume per {unit}, by sentiment",
        x_title="Week starting" if period == "week" else "Date",
        y_title=f"Mentions per {unit}",
    )


def breakdown_chart(rows: list[tuple[str, dict[str, int]]], *, title: str, y_title: str) -> dict:
    """Horizontal stacked bars of mentions by sentiment for each row (a source or a hospital)."""
    names = [name for name, _ in rows][::-1]
    figure = go.Figure()
    for label in SENTIMENT_COLORS:
        figure.add_bar(
            y=names,
            x=[counts[label] for _, counts in rows][::-1],
            name=SENTIMENT_NAMES[label],
            marker_color=SENTIMENT_COLORS[label],
            orientation="h",
        )
    height = max(220, 90 + 44 * len(rows))
    return _layout(
        figure, title=title, x_title="Mentions", y_title=y_title, height=height, hovermode="y unified"
    )


GAP_COLORS = {
    "outage": "#d64545",
    "rate_limit": "#e8a33d",
    "budget": "#8e6bbf",
    "credentials": "#b42318",
    "window": "#7a8699",
    "unsupported": "#b9c0cc",
}


def coverage_chart(sources, gaps, *, start: datetime, end: datetime) -> dict:
    """One row per source: green where it was listening, coloured by reason where it was not."""
    names = [source.name for source in sources]
    figure = go.Figure()
    figure.add_bar(
        y=names,
        base=[max(start, source.created_at).isoformat() for source in sources],
        x=[(end - max(start, source.created_at)).total_seconds() * 1000 for source in sources],
        orientation="h",
        name="Listening",
        marker_color="#cfe9dc",
        hoverinfo="skip",
    )
    for reason, color in GAP_COLORS.items():
        reason_gaps = [gap for gap in gaps if gap.reason == reason and gap.source.name in names]
        if not reason_gaps:
            continue
        clipped = [(max(gap.start, start), min(gap.end or end, end)) for gap in reason_gaps]
        figure.add_bar(
            y=[gap.source.name for gap in reason_gaps],
            base=[gap_start.isoformat() for gap_start, _ in clipped],
            x=[(gap_end - gap_start).total_seconds() * 1000 for gap_start, gap_end in clipped],
            orientation="h",
            name=reason_gaps[0].get_reason_display(),
            marker_color=color,
            customdata=[gap.detail[:120] for gap in reason_gaps],
            hovertemplate="%{base|%b %d %H:%M} → %{x}<br>%{customdata}<extra>%{fullData.name}</extra>",
        )
    figure.update_xaxes(type="date", range=[start.isoformat(), end.isoformat()])
    height = max(200, 110 + 48 * len(names))
    return _layout(
        figure,
        title="Listening coverage by source",
        x_title="Time",
        y_title="Source",
        height=height,
        hovermode="closest",
        barmode="overlay",
    )


def shade_gaps(figure_json: dict, gaps, *, start: datetime, end: datetime) -> dict:
    """Mark periods with coverage gaps on a time chart, so a dip is not read as calm."""
    shapes = list(figure_json["layout"].get("shapes", []))
    for gap in gaps:
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": max(gap.start, start).isoformat(),
                "x1": min(gap.end or end, end).isoformat(),
                "y0": 0,
                "y1": 1,
                "fillcolor": GAP_COLORS.get(gap.reason, "#999"),
                "opacity": 0.12,
                "line": {"width": 0},
                "layer": "below",
            }
        )
    figure_json["layout"]["shapes"] = shapes
    return figure_json
