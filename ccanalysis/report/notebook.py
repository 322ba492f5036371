"""What a report notebook's first cell calls: open the engagement once and check the parameters."""

from __future__ import annotations

from pathlib import Path

from ccanalysis.engagement import Engagement, load_cached
from ccanalysis.i18n import check_lang
from ccanalysis.io.store import Scope


def open_engagement(engagement: str, root: str | None = None, supplier: str | None = None) -> Engagement:
    """The report notebooks' one validation call: load and validate the engagement (reading the store of
    an earlier validation while no input file changed; with `supplier`, only that supplier's partitions and
    the rows of no supplier: a supplier's report never holds the others' contact records). In a worker's
    scratch root of `--store-send`, the store share the driver sent (`ccanalysis.io.shipped`)."""
    from ccanalysis import config
    from ccanalysis.io.shipped import read_shipped

    shipped = read_shipped(engagement, Path(root) if root is not None else config.project_root())
    if shipped is not None:
        return shipped
    return load_cached(engagement, root=root, scope=Scope(supplier=supplier) if supplier else None)


def check_parameters(eng: Engagement, supplier: str | None, month: str, lang: str) -> None:
    """Raise ValueError with a one-line message for an unknown supplier, bad month or language."""
    check_lang(lang)
    if supplier is not None:
        eng.contract(supplier)
    if not isinstance(month, str) or len(month) != 7 or month[4] != "-":
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    if month not in eng.months():
        raise ValueError(f"no activity for {month} in engagement {eng.id}; months with data: "
                         f"{', '.join(eng.months()) or 'none'}")
