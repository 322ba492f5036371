"""The `Section` a report notebook cell displays, and its self-contained HTML.

A section holds its title, a few lines of narrative, headline figures, formatted tables, notes, figures
(embedded as SVG, so the HTML stays self-contained) and the key results that go into the report's `.json`.
All text in it is already in the report's language.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ccanalysis.registry import Registry
from ccanalysis.report.results import publish_results

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Salt of the ids in embedded SVG figures: fixed, so the same figure gives the same bytes.
SVG_HASH_SALT = "ccanalysis"

CSS = """
<style>
.cca-section h2 {font-family: system-ui, sans-serif; color: #1f4e79; border-bottom: 2px solid #1f4e79;
  padding-bottom: 2px; margin-top: 1.6em;}
.cca-section p {font-family: system-ui, sans-serif; max-width: 60em;}
.cca-table {border-collapse: collapse; font-family: system-ui, sans-serif; font-size: 12px; margin: 0.5em 0 1em;}
.cca-table th {background: #1f4e79; color: white; padding: 4px 8px; text-align: left;}
.cca-table td {padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top;}
.cca-table td.num {text-align: right; white-space: nowrap;}
.cca-kpi {display: inline-block; margin: 0 1.5em 0.8em 0; font-family: system-ui, sans-serif;}
.cca-kpi .v {font-size: 22px; font-weight: bold; color: #1f4e79;} .cca-kpi .v.bad {color: #c00000;}
.cca-kpi .l {font-size: 11px; color: #555;}
.cca-notes {font-family: system-ui, sans-serif; font-size: 12px; color: #333; max-width: 70em;}
.cca-notes li {margin-bottom: 3px;}
</style>
"""


@dataclass
class Section:
    """What one notebook cell shows: title, narrative, headline figures, tables and charts."""

    title: str
    narrative: str = ""
    headline: list[tuple[str, str, bool]] = field(default_factory=list)  # (label, value, is_bad)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (marker, text), e.g. line explanations

    def _repr_html_(self) -> str:
        parts = [CSS, '<div class="cca-section">', f"<h2>{html.escape(self.title)}</h2>"]
        if self.headline:
            parts.append("<div>")
            for name, value, bad in self.headline:
                cls = "v bad" if bad else "v"
                parts.append(f'<div class="cca-kpi"><div class="{cls}">{html.escape(value)}</div>'
                             f'<div class="l">{html.escape(name)}</div></div>')
            parts.append("</div>")
        if self.narrative:
            parts += [f"<p>{html.escape(p)}</p>" for p in self.narrative.split("\n\n") if p.strip()]
        for caption, table in self.tables:
            if caption:
                parts.append(f"<p><b>{html.escape(caption)}</b></p>")
            parts.append(_table_html(table))
        if self.notes:
            parts.append('<ol class="cca-notes">')
            parts += [f'<li value="{html.escape(m)}">{html.escape(t)}</li>' for m, t in self.notes]
            parts.append("</ol>")
        for fig in self.figures:
            parts.append(f'<img alt="{html.escape(self.title)}" src="data:image/svg+xml;base64,{_svg(fig)}"/>')
        parts.append("</div>")
        return "\n".join(parts)

    def __repr__(self) -> str:  # plain text for terminals and nbval
        lines = [self.title]
        lines += [f"  {name}: {value}" for name, value, _ in self.headline]
        return "\n".join(lines)


def _table_html(table: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = []
    for row in table.itertuples(index=False):
        cells = []
        for value in row:
            text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            numeric = bool(text) and (text[0].isdigit() or text[0] in "-€$") and any(ch.isdigit() for ch in text)
            cells.append(f'<td class="num">{html.escape(text)}</td>' if numeric else f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="cca-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _svg(fig: Figure) -> str:
    """The figure as base64 SVG: vector (sharp at any zoom), embedded, and quicker to render than PNG.

    Byte-stable: element ids from a fixed salt (not a random one) and no creation date in the metadata."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT}):
        # figures are laid out by tight_layout when built
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def publish(*sections: Section) -> None:
    """Display the report's key results (all sections' `results`) for the batch runner's `.json`."""
    merged: dict[str, Any] = {}
    for section in sections:
        merged.update(section.results)
    publish_results(merged)


# --------------------------------------------------------------------------- sections from a registry
@dataclass(frozen=True)
class SectionRecord:
    """One section of a report whose notebook renders a registry (the flash, the simulation): its `name`
    (the registry key), the function building it and a line for developers on what it shows."""

    name: str
    function: Callable[..., Section]
    description: str


class Sections(tuple):
    """The sections of a registry built for one page, in registry order: one notebook cell displays them
    all, and `publish(sections)` merges their results."""

    def _repr_html_(self) -> str:
        return "\n".join(section._repr_html_() for section in self)

    @property
    def results(self) -> dict[str, Any]:
        """Every section's results merged into one mapping (a later section's key wins)."""
        merged: dict[str, Any] = {}
        for section in self:
            merged.update(section.results)
        return merged


def build_sections(registry: Registry[SectionRecord], *args: Any) -> Sections:
    """Every registered section of a report, each built with the same arguments."""
    return Sections(record.function(*args) for record in registry.records())


def section_decorator(registry: Registry[SectionRecord]) -> Callable[[str, str], Callable]:
    """`@section(name, description)` registering the function it decorates in `registry`."""
    def section(name: str, description: str) -> Callable:
        def register(function: Callable[..., Section]) -> Callable[..., Section]:
            registry.register(SectionRecord(name, function, description))
            return function
        return register
    return section
