"""Figures for reports: one matplotlib style, labels in the report's language.

Every function takes plain data and returns a `matplotlib.figure.Figure`; notebooks only display it.
Floats are fine here: charts are for reading, not billing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # reports render without a screen; notebooks show figures through the inline backend
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.dates import DateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from ccanalysis.i18n import check_lang, format_number, format_percent, label  # noqa: E402

#: strftime patterns of `i18n.format_date`, for date axes.
DATE_FORMATS = {"es": "%d/%m/%Y", "en": "%Y-%m-%d"}
PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#bf9000"]
STYLE = {
    "figure.figsize": (8.0, 3.4),
    "figure.dpi": 100,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "svg.fonttype": "none",
    # fixed margins, room for rotated dates and a right-hand axis: no layout pass (a full draw) per figure
    "figure.subplot.left": 0.09,
    "figure.subplot.right": 0.91,
    "figure.subplot.top": 0.88,
    "figure.subplot.bottom": 0.2,
}


def _new(title: str) -> tuple[Figure, plt.Axes]:
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots()
    ax.set_title(title, loc="left")
    plt.close(fig)  # keep pyplot's registry empty; the Figure is returned and shown by the notebook
    return fig, ax


def _number_axis(ax: plt.Axes, lang: str, places: int = 0) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang, places)))


def _date_axis(ax: plt.Axes, lang: str) -> None:
    """Dates as the report's language writes them: es `01/08/2026`, en `2026-08-01`."""
    ax.xaxis.set_major_formatter(DateFormatter(DATE_FORMATS[check_lang(lang)]))


def daily_activity(days_by_title: Mapping[str, pd.DataFrame], lang: str) -> Figure:
    """Offered, handled and abandoned contacts per day, one panel per service (title → frame with columns
    date, offered, handled, abandoned and, when there is a plan, planned_offered as a dashed line), in one
    figure sharing the date axis."""
    panels = len(days_by_title)
    height_in = 2.7 * panels + 0.35  # and a strip on top for the legend, off the data
    with plt.rc_context({**STYLE, "figure.subplot.bottom": 0.65 / height_in,
                         "figure.subplot.top": 1 - 0.7 / height_in, "figure.subplot.hspace": 0.35}):
        fig, axes = plt.subplots(panels, 1, sharex=True, figsize=(8.0, height_in), squeeze=False)
        for i, (ax, (title, days)) in enumerate(zip(axes[:, 0], days_by_title.items(), strict=True)):
            ax.set_title(title, loc="left")
            dates = pd.to_datetime(days["date"])
            for col in ("offered", "handled", "abandoned"):
                if col in days.columns:
                    ax.plot(dates, days[col].astype(float), label=label(col, lang), linewidth=1.6)
            if "planned_offered" in days.columns and days["planned_offered"].notna().any():
                ax.plot(dates, _floats(days["planned_offered"]), color="#404040", linestyle="--", linewidth=1.2,
                        label=label("chart_planned_offered", lang))
            _number_axis(ax, lang)
            _date_axis(ax, lang)
            if i == 0:  # one legend for every panel, in the strip above them
                fig.legend(*ax.get_legend_handles_labels(), loc="upper left", bbox_to_anchor=(0.08, 1.0), ncols=4)
        fig.autofmt_xdate()
    plt.close(fig)
    return fig


#: Colours of the lines against the month's close: plan, budget, projection and its band.
CLOSE_COLOURS = {"plan": PALETTE[2], "budget": "#7f7f7f", "projected": PALETTE[4], "band": PALETTE[4]}


def _floats(values: pd.Series) -> list[float]:
    return [float("nan") if v is None or (not isinstance(v, (int, float)) and pd.isna(v)) else float(v)
            for v in values]


def _close_lines(ax: plt.Axes, lang: str, plan: pd.DataFrame | None, budget: float | None,
                 projection: pd.DataFrame | None, plan_label: str | None = None) -> None:
    """On `ax` (cumulative amounts): the plan's cumulative cost (columns date, planned), the month's budget
    (a horizontal line) and the projected close from the as-of day with its 80 % band (columns date,
    projected, projected_low, projected_high; rows without a projection are skipped)."""
    if plan is not None and len(plan):
        ax.plot(pd.to_datetime(plan["date"]), _floats(plan["planned"]), color=CLOSE_COLOURS["plan"],
                linewidth=1.4, linestyle="--", label=plan_label or label("chart_plan", lang))
    if budget is not None:
        ax.axhline(float(budget), color=CLOSE_COLOURS["budget"], linewidth=1.2, linestyle=":",
                   label=label("chart_budget", lang))
    if projection is not None and len(projection):
        rows = projection[projection["projected"].notna()]
        if len(rows) > 1:
            dates = pd.to_datetime(rows["date"])
            ax.fill_between(dates, _floats(rows["projected_low"]), _floats(rows["projected_high"]),
                            color=CLOSE_COLOURS["band"], alpha=0.18, linewidth=0, label=label("chart_band", lang))
            ax.plot(dates, _floats(rows["projected"]), color=CLOSE_COLOURS["projected"], linewidth=1.8,
                    linestyle="-.", label=label("chart_projected", lang))
    # from zero, with room above the highest line (the budget line must not sit on the frame)
    ax.set_ylim(0, max(ax.get_ylim()[1], (budget or 0) * 1.08))


def daily_cost(days: pd.DataFrame, lang: str, title: str | None = None, *, plan: pd.DataFrame | None = None,
               budget: float | None = None, projection: pd.DataFrame | None = None,
               plan_label: str | None = None) -> Figure:
    """Bars of the cost of each day and a line of the cost accumulated (columns date, cost, cumulative);
    with `plan` / `budget` / `projection` (see `_close_lines`) also the plan's cumulative cost, the month's
    budget and the projected close with its band, on the cumulative axis."""
    with plt.rc_context(STYLE):
        fig, ax = _new(title or label("daily_cost", lang))
        dates = pd.to_datetime(days["date"])
        ax.bar(dates, days["cost"].astype(float), color=PALETTE[0], alpha=0.75, label=label("daily_cost", lang))
        _number_axis(ax, lang)
        _date_axis(ax, lang)
        ax2 = ax.twinx()
        ax2.plot(dates, days["cumulative"].astype(float), color=PALETTE[1], linewidth=2,
                 label=label("cumulative_cost", lang))
        _close_lines(ax2, lang, plan, budget, projection, plan_label)
        # the lines and the budget in the lower three quarters: the legend above them, on neither
        ax2.set_ylim(0, max(ax2.get_ylim()[1], (budget or 0) * 1.3) * 1.15)
        ax2.spines["top"].set_visible(False)
        ax2.grid(False)
        _number_axis(ax2, lang)
        handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
        ax.legend(handles, [h.get_label() for h in handles], loc="upper left", ncols=2 if len(handles) > 3 else 1)
        ax.set_ylim(top=max(1.0, float(days["cost"].astype(float).max()) * 2.2))  # room for the legend
        fig.autofmt_xdate()
    return fig


def cost_to_close(daily: pd.DataFrame, lang: str, title: str, budget: float | None = None,
                  plan_label: str | None = None) -> Figure:
    """The month's cumulative cost against its close: the actual (columns date, actual) up to the as-of day,
    the plan (planned; `plan_label` when the plan leaves charges out), the budget and the projected close
    with its 80 % band (a `Projection.daily` frame)."""
    with plt.rc_context(STYLE):
        fig, ax = _new(title)
        actual = daily[daily["actual"].notna()]
        ax.plot(pd.to_datetime(actual["date"]), _floats(actual["actual"]), color=PALETTE[1], linewidth=2.2,
                label=label("chart_actual", lang))
        _close_lines(ax, lang, daily[["date", "planned"]].dropna(), budget, daily, plan_label)
        _number_axis(ax, lang)
        _date_axis(ax, lang)
        ax.legend(loc="best")  # the lines rise from the lower left: the corner they leave free (fixed by the data)
        fig.autofmt_xdate()
    return fig


def billed_vs_expected(names: Sequence[str], billed: Sequence[float], expected: Sequence[float], lang: str,
                       title: str | None = None) -> Figure:
    """Side-by-side bars of billed and expected amounts per item (supplier or charge)."""
    with plt.rc_context(STYLE):
        fig, ax = _new(title or f"{label('billed', lang)} / {label('expected', lang)}")
        positions = range(len(names))
        width = 0.38
        ax.bar([p - width / 2 for p in positions], billed, width, label=label("billed", lang), color=PALETTE[1])
        ax.bar([p + width / 2 for p in positions], expected, width, label=label("expected", lang), color=PALETTE[0])
        ax.set_xticks(list(positions), list(names), rotation=0)
        ax.margins(y=0.2)  # headroom above the bars for the legend
        _number_axis(ax, lang)
        ax.legend(loc="upper right")
    return fig


def shares(names: Sequence[str], values: Sequence[float], lang: str, title: str | None = None) -> Figure:
    """Horizontal bars of shares (fractions), labelled as percentages."""
    with plt.rc_context(STYLE):
        fig, ax = _new(title or label("share_handled", lang))
        ax.barh(list(names), [v * 100 for v in values], color=PALETTE[: len(names)], height=0.55)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_percent(v / 100, lang, 0)))
        longest = max((len(str(n)) for n in names), default=8)
        fig.subplots_adjust(left=min(0.45, 0.04 + 0.0125 * longest))  # room for the suppliers' whole names
        fig.set_size_inches(8.0, 0.9 + 0.45 * max(len(names), 1))
    return fig


WATERFALL_SIZE_IN = (8.0, 4.2)
#: Colours of a waterfall: the two totals, money billed above what was expected, and below it.
WATERFALL_COLOURS = {"total": PALETTE[0], "over": "#c00000", "under": PALETTE[2]}


def waterfall(start: tuple[str, float], steps: Sequence[tuple[str, float]], end: tuple[str, float], lang: str,
              title: str | None = None) -> Figure:
    """A waterfall from the `start` total through each step (label, signed amount: up when positive) to the
    `end` total; each bar is labelled with its amount. The steps should add up from start to end (a caller
    adds a step for any rest). The axis spans the levels reached, not zero, so small steps stay visible
    beside large totals."""
    names = [start[0], *(name for name, _ in steps), end[0]]
    bottoms, heights, colours = [0.0], [start[1]], [WATERFALL_COLOURS["total"]]
    level = start[1]
    levels = [level, end[1]]
    for _, amount in steps:
        bottoms.append(level if amount >= 0 else level + amount)
        heights.append(abs(amount))
        colours.append(WATERFALL_COLOURS["over" if amount >= 0 else "under"])
        level += amount
        levels.append(level)
    bottoms.append(0.0)
    heights.append(end[1])
    colours.append(WATERFALL_COLOURS["total"])
    low, high = min(levels), max(levels)
    pad = max((high - low) * 0.25, abs(high) * 0.002, 1.0)
    with plt.rc_context({**STYLE, "figure.subplot.bottom": 0.3}):  # room for the slanted step names
        fig, ax = plt.subplots(figsize=WATERFALL_SIZE_IN)
        plt.close(fig)
        ax.set_title(title or "", loc="left")
        positions = range(len(names))
        ax.bar(positions, heights, bottom=bottoms, color=colours, width=0.6)
        ax.set_ylim(low - pad, high + pad)
        signed = [start[1], *(amount for _, amount in steps), end[1]]
        for position, bottom, height, amount, is_step in zip(positions, bottoms, heights, signed,
                                                               [False, *([True] * len(steps)), False], strict=True):
            text = format_number(amount, lang, 2)
            if is_step and amount > 0:
                text = "+" + text
            ax.annotate(text, (position, bottom + height), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7)
        ax.set_xticks(list(positions), names, rotation=30, ha="right")
        ax.grid(axis="x", visible=False)
        _number_axis(ax, lang)
    return fig


def stacked_bars(categories: Sequence[str], series: Mapping[str, Sequence[float]], lang: str,
                 title: str | None = None) -> Figure:
    """Bars per category (e.g. month) stacked by series (e.g. supplier), amounts on the value axis."""
    with plt.rc_context(STYLE):
        fig, ax = _new(title or "")
        positions = list(range(len(categories)))
        bottoms = [0.0] * len(categories)
        for name, values in series.items():
            ax.bar(positions, list(values), 0.6, bottom=bottoms, label=name)
            bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        ax.set_xticks(positions, list(categories))
        ax.margins(y=0.2)
        ax.grid(axis="x", visible=False)
        _number_axis(ax, lang)
        ax.legend(loc="upper left", ncols=min(len(series), 4) or 1)
    return fig


#: Colours of the stretches of an SLA rule's scale in a bullet chart, by what they give: penalty, nothing, bonus.
BULLET_COLOURS = {-1: "#f2b8b5", 0: "#e4e4e4", 1: "#b9dcb0"}
BULLET_ROW_IN = 0.62


def kpi_bullets(rows: Sequence[Mapping[str, object]], lang: str, title: str | None = None) -> Figure:
    """One bullet per SLA rule: the stretches of the KPI's scale coloured by what they give (penalty, none,
    bonus; each band labelled with its adjustment of the base), the value as a dark bar with its figure and
    the bands' edges as ticks. A row: title, unit (`fraction` shown as %), value (float | None), segments
    [(lower, upper, sign, adjustment)] with open bounds None. The legend sits under the bullets."""
    count = max(len(rows), 1)
    height = 0.9 + BULLET_ROW_IN * count
    with plt.rc_context({**STYLE, "figure.subplot.left": 0.3, "figure.subplot.right": 0.97,
                         "figure.subplot.top": 1 - 0.35 / height, "figure.subplot.bottom": 0.55 / height,
                         "figure.subplot.hspace": 0.9}):
        fig, axes = plt.subplots(count, 1, figsize=(8.0, height), squeeze=False)
        plt.close(fig)
        if title:
            fig.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold")
        for ax, row in zip(axes[:, 0], rows, strict=False):
            _bullet(ax, row, lang)
        from matplotlib.patches import Patch

        handles = [Patch(color=BULLET_COLOURS[s], label=label(name, lang))
                   for s, name in ((-1, "chart_penalty"), (0, "chart_no_adjustment"), (1, "chart_bonus"))]
        handles.append(Patch(color=PALETTE[0], label=label("value", lang)))
        fig.legend(handles=handles, loc="lower center", ncols=4, bbox_to_anchor=(0.5, 0.0))
    return fig


def _bullet(ax: plt.Axes, row: Mapping[str, object], lang: str) -> None:
    unit = str(row.get("unit") or "")
    value = row.get("value")
    segments = list(row.get("segments") or [])
    edges = [float(b) for s in segments for b in (s[0], s[1]) if b is not None]
    points = edges + ([float(value)] if value is not None else [])
    low, high = (min(points), max(points)) if points else (0.0, 1.0)
    span = max(high - low, abs(high) * 0.1, 1e-9)
    low, high = low - span * 0.35, high + span * 0.35
    if unit == "fraction":
        low, high = max(low, 0.0), min(high, 1.0)
    elif low < 0 <= min(points or [0.0]):
        low = 0.0
    ax.axvspan(low, high, color=BULLET_COLOURS[0], linewidth=0)  # outside every band: no adjustment
    for lower, upper, sign, adjustment in segments:
        start = low if lower is None else max(float(lower), low)
        end = high if upper is None else min(float(upper), high)
        if end <= start:
            continue
        ax.axvspan(start, end, color=BULLET_COLOURS[int(sign)], linewidth=0)
        if adjustment is not None and adjustment != 0:
            ax.text((start + end) / 2, 0.78, ("+" if adjustment > 0 else "−") + format_percent(abs(adjustment), lang, 1),
                    ha="center", va="center", fontsize=7, color="#404040")
    for edge in edges:
        if low <= edge <= high:
            ax.axvline(edge, color="#404040", linewidth=1.0, ymin=0.1, ymax=0.6)
    if value is not None:
        ax.barh([0.35], [float(value) - low], left=low, height=0.28, color=PALETTE[0])
        shown = format_percent(float(value), lang, 2) if unit == "fraction" else format_number(float(value), lang, 1)
        ax.annotate(shown, (float(value), 0.35), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=8, fontweight="bold")
    ax.set_xlim(low, high)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_ylabel(str(row.get("title") or ""), rotation=0, ha="right", va="center", fontsize=8)
    ax.grid(False)
    for side in ("left", "top", "right"):
        ax.spines[side].set_visible(False)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 5, 10]))  # whole points, never 2.5
    if unit == "fraction":
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_percent(v, lang, 0)))
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang, 0)))
    ax.tick_params(axis="x", labelsize=7)


def unit_costs(panels: Mapping[str, Sequence[tuple[str, float | None]]], lang: str, title: str,
               currency_format: object = None) -> Figure:
    """Suppliers side by side within each channel only: one panel per channel (title → (supplier, cost per
    unit) pairs), horizontal bars each labelled with its amount; every panel has its own scale, since an
    e-mail's cost is not a call's. `currency_format(value) → text` labels the bars (default: a number)."""
    count = max(len(panels), 1)
    rows = sum(max(len(pairs), 1) for pairs in panels.values()) or 1
    height_in = 0.7 + 0.42 * rows + 0.45 * count
    fmt = currency_format or (lambda v: format_number(v, lang, 2))
    with plt.rc_context({**STYLE, "figure.subplot.left": 0.24, "figure.subplot.right": 0.88,
                         "figure.subplot.top": 1 - 0.5 / height_in, "figure.subplot.bottom": 0.3 / height_in,
                         "figure.subplot.hspace": 0.9}):
        ratios = [max(len(pairs), 1) for pairs in panels.values()] or [1]
        fig, axes = plt.subplots(count, 1, figsize=(8.0, height_in), squeeze=False,
                                 gridspec_kw={"height_ratios": ratios})
        plt.close(fig)
        fig.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold")
        for ax, (panel, pairs) in zip(axes[:, 0], panels.items(), strict=False):
            names = [name for name, _ in pairs]
            values = [float(v) if v is not None else 0.0 for _, v in pairs]
            ax.barh(names, values, color=PALETTE[: len(names)] or PALETTE[0], height=0.55)
            ax.invert_yaxis()
            ax.set_title(panel, loc="left", fontsize=9)
            top = max(values or [1.0]) or 1.0
            ax.set_xlim(0, top * 1.25)  # room for the labels, right of the bars
            for position, (value, (_, raw)) in enumerate(zip(values, pairs, strict=True)):
                ax.annotate("" if raw is None else str(fmt(raw)), (value, position), xytext=(3, 0),
                            textcoords="offset points", va="center", fontsize=8)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang, 2)))
            ax.grid(axis="y", visible=False)
    return fig


def curves(series: Mapping[str, tuple[Sequence[float], Sequence[float | None]]], lang: str, title: str, *,
           x_label: str = "", percent: bool = True) -> Figure:
    """One line per series (name → (x values, y values; None = a gap)), e.g. the liquidation curve of each
    placement vintage by months on book; y as percentages when `percent`. The legend sits right of the data."""
    with plt.rc_context(STYLE):
        fig, ax = _new(title)
        fig.subplots_adjust(right=0.82)  # room for the legend, right of the data
        for name, (xs, ys) in series.items():
            ax.plot(list(xs), [float("nan") if y is None else y for y in ys], marker="o", markersize=3,
                    linewidth=1.6, label=name)
        if percent:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_percent(v, lang, 0)))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(x_label)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def heat_map(values: Sequence[Sequence[float | None]], rows: Sequence[str], columns: Sequence[str], lang: str,
             title: str, *, percent: bool = True) -> Figure:
    """A grid of values (rows × columns, None = no data, left blank), e.g. the right-party contact rate by
    weekday and hour, each cell labelled; the colour bar right of the grid."""
    import numpy as np

    grid = np.array([[np.nan if v is None else float(v) for v in row] for row in values], dtype=float)
    with plt.rc_context({**STYLE, "figure.subplot.left": 0.12, "figure.subplot.right": 0.9,
                         "axes.grid": False}):
        fig, ax = plt.subplots(figsize=(8.0, 0.45 * max(len(rows), 1) + 1.2))
        plt.close(fig)
        ax.set_title(title, loc="left")
        image = ax.imshow(grid, aspect="auto", cmap="Greens")
        ax.set_xticks(range(len(columns)), list(columns), fontsize=7)
        ax.set_yticks(range(len(rows)), list(rows), fontsize=8)
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                if not np.isnan(grid[i, j]):
                    shown = format_percent(grid[i, j], lang, 0) if percent else format_number(grid[i, j], lang, 1)
                    ax.text(j, i, shown.replace(" ", ""), ha="center", va="center", fontsize=5.5)
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        if percent:
            bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_percent(v, lang, 0)))
    return fig


def forecast_band(months: Sequence[str], actual: Sequence[float | None], forecast: Sequence[float | None],
                  low: Sequence[float | None], high: Sequence[float | None], lang: str, title: str, *,
                  labels: tuple[str, str, str] = ("", "", "")) -> Figure:
    """A monthly series and its forecast with the interval shaded (None = no value that month); `labels`
    name the actual line, the forecast line and the interval in the legend."""
    def values(seq: Sequence[float | None]) -> list[float]:
        return [float("nan") if v is None else float(v) for v in seq]

    with plt.rc_context(STYLE):
        fig, ax = _new(title)
        x = list(range(len(months)))
        ax.plot(x, values(actual), marker="o", markersize=3, linewidth=1.6, label=labels[0])
        ax.plot(x, values(forecast), marker="o", markersize=3, linewidth=1.6, linestyle="--", label=labels[1])
        ax.fill_between(x, values(low), values(high), alpha=0.2, label=labels[2])
        step = max(1, len(months) // 9)
        ax.set_xticks(x[::step], list(months)[::step])
        _number_axis(ax, lang)
        ax.legend(loc="upper left")
    return fig


def intervals(rows: Sequence[tuple[str, float, float, float]], lang: str, title: str, *,
              percent: bool = True) -> Figure:
    """One estimate per row (label, value, low, high) as a point with its interval, the first row on top, and
    a line at zero: e.g. churn differences with their 95 % intervals, method by method."""
    with plt.rc_context({**STYLE, "figure.subplot.left": 0.34, "figure.subplot.bottom": 0.14}):
        fig, ax = plt.subplots(figsize=(8.0, 0.32 * max(len(rows), 1) + 1.1))
        plt.close(fig)
        ax.set_title(title, loc="left")
        positions = list(range(len(rows)))[::-1]
        for y, (_, value, low, high) in zip(positions, rows, strict=True):
            if value == value:
                ax.errorbar([value], [y], xerr=[[value - low], [high - value]], fmt="o", color=PALETTE[0],
                            ecolor=PALETTE[0], capsize=3, markersize=4)
        ax.axvline(0.0, color="#7f7f7f", linewidth=1)
        ax.set_yticks(positions, [name for name, *_ in rows], fontsize=8)
        ax.grid(axis="y", visible=False)
        if percent:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_percent(v, lang, 0)))
    return fig
