"""The report layer: sections a notebook cell shows, figures, and the self-contained HTML.

`from ccanalysis import report` gives the section functions; importing `ccanalysis.report.html` alone (as
the batch runner does) does not load matplotlib or the sections.
"""

from __future__ import annotations


def __getattr__(name: str):
    import importlib

    if name.startswith("__"):
        raise AttributeError(name)
    sections = importlib.import_module("ccanalysis.report.sections")
    try:
        return getattr(sections, name)
    except AttributeError:
        raise AttributeError(f"module 'ccanalysis.report' has no attribute {name!r}") from None
