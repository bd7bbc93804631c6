"""Plotly figures for the dashboards, in one consistent look. Each returns the figure as JSON for the page."""

import json
from datetime import date, timedelta

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
) -> dict:
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        barmode="stack",
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
