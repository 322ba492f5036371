"""Notebook faces of the objects a user gets back: a one-line `__repr__` and a small escaped HTML table.

`one_line` joins parts and cuts the text to `LIMIT` characters (with "…"); `html_table` renders
(label, value) rows, every text escaped with `html.escape`. No I/O, no sentences: labels are field names.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from decimal import Decimal

#: The longest one-line repr, in characters.
LIMIT = 199


def one_line(text: str, limit: int = LIMIT) -> str:
    """`text` on one line, cut to `limit` characters (the cut ends with "…", the closing ">" kept)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    closing = ">" if text.endswith(">") else ""
    return text[: limit - 1 - len(closing)] + "…" + closing


def listing(names: Iterable[object], limit: int = 6) -> str:
    """Up to `limit` names joined by ", ", then "… (+n)" for the rest."""
    names = [str(n) for n in names]
    shown = ", ".join(names[:limit])
    return shown + (f", … (+{len(names) - limit})" if len(names) > limit else "")


def shown(value: object) -> str:
    """A cell's text: Decimals in plain notation, None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def html_table(title: str, rows: Iterable[tuple[object, object]], header: tuple[str, str] | None = None) -> str:
    """A two-column HTML table of (label, value) rows under a bold `title`; every text escaped."""
    out = [f"<table><caption style=\"text-align:left\"><b>{html.escape(title)}</b></caption>"]
    if header:
        out.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>")
    for label, value in rows:
        out.append(f"<tr><th style=\"text-align:left\">{html.escape(shown(label))}</th>"
                   f"<td style=\"text-align:left\">{html.escape(shown(value))}</td></tr>")
    out.append("</table>")
    return "".join(out)
