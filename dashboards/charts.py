"""Plotly figures for the dashboards, in one consistent look. Each returns the figure as JSON for the page."""

import html
from collections.abc import Callable
from datetime import date, datetime, timedelta

# Figures are plain dicts in plotly's JSON schema, built directly: plotly's graph_objects validate every
# property on assignment and deep-copy on export, which cost ~150 ms of a 1,300-bar overview, and their
# JSON carries the whole default template, which plotly.js does not need.

SENTIMENT_COLORS = {"negative": "#d64545", "neutral": "#a0a7b4", "positive": "#2f9e6b"}
SENTIMENT_NAMES = {"negative": "Negative", "neutral": "Neutral", "positive": "Positive"}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
GRID = "#eef0f3"


def _text(value: str) -> str:
    """Names people typed (hospitals, sources, platform errors) as plotly label text.

    plotly reads a few HTML tags in labels (<b>, <a href>, <span style>) and decodes entities; escaping
    makes it show the name exactly as typed, never as markup or a link.
    """
    return html.escape(value, quote=False)


def _bar(*, name: str, color: str, customdata: list | None = None, **values) -> dict:
    trace = {"type": "bar", "name": name, "marker": {"color": color}, **values}
    if customdata is not None:
        trace["customdata"] = customdata
    return trace


def _axis(title: str, *settings: dict | None) -> dict:
    axis = {"title": {"text": title}, "gridcolor": GRID, "zerolinecolor": GRID, "automargin": True}
    for extra in settings:
        axis.update(extra or {})
    return axis


def _figure(
    traces: list[dict],
    *,
    title: str,
    x_title: str,
    y_title: str,
    height: int = 360,
    hovermode: str = "x unified",
    barmode: str = "stack",
    legend_below: bool = False,
    showlegend: bool = True,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
) -> dict:
    # Long legends go under the plot, where they can wrap without covering the title.
    legend = (
        {"orientation": "h", "y": -0.22, "x": 0, "xanchor": "left", "yanchor": "top"}
        if legend_below
        else {"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"}
    )
    layout = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "barmode": barmode,
        "height": height,
        "margin": {"l": 60, "r": 16, "t": 48, "b": 120 if legend_below else 48},
        "font": {"family": FONT, "size": 12, "color": "#1f2937"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": legend,
        "showlegend": showlegend,
        "hovermode": hovermode,
        "xaxis": _axis(x_title, xaxis),
        "yaxis": _axis(y_title, {"rangemode": "tozero"}, yaxis),
    }
    return {"data": traces, "layout": layout}


def _buckets(start: date, end: date, period: str) -> list[date]:
    step = timedelta(days=7 if period == "week" else 1)
    first = start - timedelta(days=start.weekday()) if period == "week" else start
    buckets = []
    current = first
    while current < end:
        buckets.append(current)
        current += step
    return buckets


# Links from a bar to the mentions behind it: (series key, first day, last day) -> URL.
PeriodLink = Callable[[str, date, date], str]
RowLink = Callable[[str, str], str]


def time_series_chart(
    series: dict[str, dict[date, int]],
    *,
    names: dict[str, str],
    colors: dict[str, str],
    start: date,
    end: date,
    period: str,
    title: str,
    what: str,
    by: str = "",
    link: PeriodLink | None = None,
    legend_below: bool = False,
) -> dict:
    """Stacked bars per day or week, one trace per series; empty buckets show as zero, not as gaps."""
    buckets = _buckets(start, end, period)
    labels = [bucket.isoformat() for bucket in buckets]
    span = timedelta(days=6 if period == "week" else 0)
    traces = []
    for key, name in names.items():
        counts = series.get(key, {})
        traces.append(
            _bar(
                name=name,
                color=colors.get(key, "#8a93a3"),
                x=labels,
                y=[counts.get(bucket, 0) for bucket in buckets],
                customdata=[link(key, bucket, bucket + span) for bucket in buckets] if link else None,
            )
        )
    unit = "week" if period == "week" else "day"
    return _figure(
        traces,
        title=f"{title} per {unit}{by}",
        x_title="Week starting" if period == "week" else "Date",
        y_title=f"{what} per {unit}",
        # "closest", so a click reports the segment under the pointer, not every series at that date.
        hovermode="closest",
        height=440 if legend_below else 360,
        legend_below=legend_below,
    )


def volume_chart(
    volume: dict[str, dict[date, int]], *, start: date, end: date, period: str, link: PeriodLink | None = None
) -> dict:
    """Mentions per day or week, stacked by sentiment."""
    return time_series_chart(
        volume,
        names=SENTIMENT_NAMES,
        colors=SENTIMENT_COLORS,
        start=start,
        end=end,
        period=period,
        title="Mention volume",
        what="Mentions",
        by=", by sentiment",
        link=link,
    )


def _net_sentiment(volume: dict[str, dict[date, int]], bucket: date) -> float | None:
    positive = volume.get("positive", {}).get(bucket, 0)
    negative = volume.get("negative", {}).get(bucket, 0)
    total = positive + negative + volume.get("neutral", {}).get(bucket, 0)
    return round(100 * (positive - negative) / total, 1) if total else None


def sentiment_trend_chart(
    volume: dict[str, dict[date, int]],
    previous: dict[str, dict[date, int]],
    *,
    start: date,
    end: date,
    period: str,
    shift: timedelta,
    link: PeriodLink | None = None,
) -> dict:
    """Net sentiment (positive minus negative, in % of the bucket's mentions) per day or week as a line, with
    the previous period dashed under the same x positions (`shift` earlier). Buckets without mentions are
    gaps in the line, not zeros: no mentions is not neutral."""
    buckets = _buckets(start, end, period)
    span = timedelta(days=6 if period == "week" else 0)
    labels = [bucket.isoformat() for bucket in buckets]
    earlier = [bucket - shift for bucket in buckets]
    unit = "week" if period == "week" else "day"
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Previous period",
            "x": labels,
            "y": [_net_sentiment(previous, bucket) for bucket in earlier],
            "text": [bucket.isoformat() for bucket in earlier],
            "line": {"color": "#8a93a3", "dash": "dash", "width": 2},
            "marker": {"size": 5},
            "hovertemplate": "%{y:+.1f}% on %{text}<extra>Previous period</extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "This period",
            "x": labels,
            "y": [_net_sentiment(volume, bucket) for bucket in buckets],
            "line": {"color": "#1d5fa8", "width": 3},
            "marker": {"size": 6},
            "hovertemplate": "%{y:+.1f}% on %{x}<extra>This period</extra>",
        },
    ]
    if link:
        # Every sentiment, so the mentions behind a point show what moved it.
        traces[0]["customdata"] = [link("", bucket, bucket + span) for bucket in earlier]
        traces[1]["customdata"] = [link("", bucket, bucket + span) for bucket in buckets]
    return _figure(
        traces,
        title=f"Net sentiment per {unit}",
        x_title="Week starting" if period == "week" else "Date",
        y_title="Net sentiment (% positive − % negative)",
        hovermode="closest",
        yaxis={"rangemode": "normal", "ticksuffix": "%", "zeroline": True, "zerolinecolor": "#9aa3af"},
    )


CATEGORY_COLORS = {
    "safety": "#7f1d1d",
    "clinical_quality": "#c2410c",
    "privacy_rights": "#a21caf",
    "admission_discharge": "#4338ca",
    "staff_attitude": "#dc2626",
    "communication": "#0e7490",
    "wait_times": "#d97706",
    "appointments_access": "#2563eb",
    "billing_insurance": "#15803d",
    "facilities_environment": "#64748b",
    "": "#cbd5e1",
}


def category_chart(
    volume: dict[str, dict[date, int]],
    *,
    names: dict[str, str],
    start: date,
    end: date,
    period: str,
    link: PeriodLink | None = None,
) -> dict:
    """Complaints per day or week, stacked by category (most serious categories at the bottom)."""
    present = {key: name for key, name in names.items() if volume.get(key)}
    return time_series_chart(
        volume,
        names=present,
        colors=CATEGORY_COLORS,
        start=start,
        end=end,
        period=period,
        title="Complaints by category",
        what="Complaints",
        link=link,
        legend_below=True,
    )


def breakdown_chart(rows, *, title: str, y_title: str, link: RowLink | None = None) -> dict:
    """Horizontal stacked bars of mentions by sentiment for each row (a source, a hospital, a department)."""
    ordered = list(rows)[::-1]
    names = [_text(row.label) + (" (yours)" if row.is_own else "") for row in ordered]
    traces = [
        _bar(
            name=SENTIMENT_NAMES[label],
            color=SENTIMENT_COLORS[label],
            orientation="h",
            y=names,
            x=[row.counts[label] for row in ordered],
            customdata=[link(row.key, label) for row in ordered] if link else None,
        )
        for label in SENTIMENT_COLORS
    ]
    height = max(220, 90 + 44 * len(ordered))
    return _figure(
        traces,
        title=title,
        x_title="Mentions",
        y_title=y_title,
        height=height,
        hovermode="y unified",
        # Category axes keep the order given (largest at the top) instead of sorting names.
        yaxis={"type": "category"},
    )


def share_chart(rows, *, link: RowLink | None = None) -> dict:
    """Share of voice and complaint rate for each hospital, side by side, in percent."""
    total = sum(row.total for row in rows) or 1
    names = [_text(row.label) + (" (yours)" if row.is_own else "") for row in rows]
    traces = [
        _bar(
            name="Share of voice (% of all mentions)",
            color="#1d5fa8",
            x=names,
            y=[round(100 * row.total / total, 1) for row in rows],
            customdata=[link(row.key, "") for row in rows] if link else None,
        ),
        _bar(
            name="Complaint rate (% of its own mentions)",
            color="#d64545",
            x=names,
            y=[round(100 * row.complaints / row.total, 1) if row.total else 0 for row in rows],
            customdata=[link(row.key, "complaints") for row in rows] if link else None,
        ),
    ]
    return _figure(
        traces,
        title="Share of voice and complaint rate",
        x_title="Hospital",
        y_title="Percent",
        barmode="group",
        hovermode="closest",
        height=400,
        legend_below=True,
        xaxis={"type": "category"},
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
    names = [_text(source.name) for source in sources]
    traces = [
        _bar(
            name="Listening",
            color="#cfe9dc",
            orientation="h",
            y=names,
            base=[max(start, source.created_at).isoformat() for source in sources],
            x=[(end - max(start, source.created_at)).total_seconds() * 1000 for source in sources],
            hoverinfo="skip",
        )
    ]
    for reason, color in GAP_COLORS.items():
        reason_gaps = [gap for gap in gaps if gap.reason == reason and _text(gap.source.name) in names]
        if not reason_gaps:
            continue
        clipped = [(max(gap.start, start), min(gap.end or end, end)) for gap in reason_gaps]
        traces.append(
            _bar(
                name=reason_gaps[0].get_reason_display(),
                color=color,
                orientation="h",
                y=[_text(gap.source.name) for gap in reason_gaps],
                base=[gap_start.isoformat() for gap_start, _ in clipped],
                x=[(gap_end - gap_start).total_seconds() * 1000 for gap_start, gap_end in clipped],
                customdata=[_text(gap.detail[:120]) for gap in reason_gaps],
                hovertemplate="%{base|%b %d %H:%M} → %{x}<br>%{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    height = max(200, 110 + 48 * len(names))
    return _figure(
        traces,
        title="Listening coverage by source",
        x_title="Time",
        y_title="Source",
        height=height,
        hovermode="closest",
        barmode="overlay",
        xaxis={"type": "date", "range": [start.isoformat(), end.isoformat()]},
        yaxis={"type": "category"},
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


def cluster_volume_chart(volume_by_week: list[tuple[date, int]], *, title: str) -> dict:
    """Weekly complaints in one cluster."""
    trace = _bar(
        name="Complaints",
        color="#d64545",
        x=[week.isoformat() for week, _ in volume_by_week],
        y=[count for _, count in volume_by_week],
    )
    return _figure(
        [trace],
        title="Complaints per week",
        x_title="Week starting",
        y_title="Complaints per week",
        showlegend=False,
    )
