"""The cross-file checks of data.md, run on an engagement whose files each read cleanly.

Suppliers and services in the data exist in the contracts; one activity source (contact records, interval
rows or daily rows) per supplier, service and billing month; the columns each contract's KPI rules and
charges need are present; invoice files are named for the period they bill. Each check returns `Problem`s.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ccanalysis import kpis as kpi_registry
from ccanalysis.contract import Contract, Service
from ccanalysis.errors import Problem
from ccanalysis.periods import period_containing
from ccanalysis.pricing.units import PER_EVENT_KEYS, RETAINED_OUTCOME, UNITS, charge_units, requirements

if TYPE_CHECKING:
    from ccanalysis.engagement import Engagement


def check_references(eng: Engagement, broken: set[str] = frozenset()) -> list[Problem]:
    """Suppliers and services in the data exist in the contracts. One problem per file and unknown value,
    naming its rows. Suppliers whose contract file exists but is invalid (`broken`) are not reported again."""
    problems: list[Problem] = []
    known = set(eng.contracts)
    for table, frame in eng.tables.items():
        if frame is None or frame.empty or "supplier" not in frame.columns:
            continue
        bad_supplier = frame["supplier"].notna() & ~frame["supplier"].isin(known | set(broken))
        problems += _grouped_problems(frame[bad_supplier], "supplier",
                                      f"unknown supplier; expected one of {', '.join(sorted(known))}")
        if "service" not in frame.columns:
            continue
        for supplier, contract in eng.contracts.items():
            services = contract.all_service_ids()
            rows = frame[(frame["supplier"] == supplier) & frame["service"].notna()]
            allowed = services | ({"*"} if table == "budget" else set())
            problems += _grouped_problems(rows[~rows["service"].isin(allowed)], "service",
                                          f"unknown service for supplier {supplier!r}; its contract has "
                                          f"{', '.join(sorted(services))}")
    return problems


def _grouped_problems(bad: pd.DataFrame, column: str, message: str) -> list[Problem]:
    problems = []
    for (file, value), rows in bad.groupby(["_file", column], sort=False):
        numbers = sorted(int(r) for r in rows["_row"].dropna())
        more = f" (rows {_row_span(numbers)})" if len(numbers) > 1 else ""
        problems.append(Problem(file=file, row=numbers[0] if numbers else None, column=column, value=value,
                                message=message + more))
    return problems


def _row_span(numbers: list[int]) -> str:
    """'2–51' for a run, '2, 5, 9' for a few rows, '2, 5, … (40 rows)' for many."""
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}–{numbers[-1]}"
    if len(numbers) <= 6:
        return ", ".join(map(str, numbers))
    return ", ".join(map(str, numbers[:5])) + f", … ({len(numbers)} rows)"


def _row(row: pd.Series) -> int | None:
    value = row.get("_row")
    return None if value is None or pd.isna(value) else int(value)


def _billing_months(eng: Engagement, suppliers: pd.Series, when: pd.Series) -> pd.Series:
    """The billing period (YYYY-MM, named by its end month) each date falls in, under its supplier's
    billing cycle (`periods.period_containing`): with `cutoff_day` 25, 26 September belongs to 2026-10.
    Each distinct day is looked up once; a missing date or supplier has no month."""
    codes, days = pd.factorize(when.dt.normalize())
    months = np.full(len(when), None, dtype=object)
    for supplier in suppliers.dropna().unique():
        contract = eng.contracts.get(supplier)
        cutoff = contract.billing_cycle.cutoff_day if contract is not None else None
        names = np.array([period_containing(day.date(), cutoff).month for day in days] + [None], dtype=object)
        mine = (suppliers == supplier).fillna(False).to_numpy(dtype=bool)
        months[mine] = names[codes[mine]]  # code -1 (no date) → the trailing None
    return pd.Series(months, index=when.index)


def granularity(eng: Engagement) -> tuple[dict[tuple[str, str, str], str], list[Problem]]:
    """Which source each (supplier, service, month) uses; two sources for one month is an error, except for a
    service with `billing_care:` settings, whose contact records may sit beside its activity rows (then its
    billing-care records; its counts come from the rows)."""
    seen: dict[tuple[str, str, str], dict[str, set[str]]] = {}

    def note(frame: pd.DataFrame, kind: str, when: pd.Series) -> None:
        keys = pd.DataFrame({"supplier": frame["supplier"], "service": frame["service"],
                             "month": _billing_months(eng, frame["supplier"], when), "file": frame["_file"]})
        for (supplier, service, month), files in keys.groupby(["supplier", "service", "month"])["file"]:
            seen.setdefault((supplier, service, month), {}).setdefault(kind, set()).update(files.unique())

    contacts = eng.tables.get("contacts")
    if contacts is not None and not contacts.empty:
        note(contacts, "contacts", contacts["start"])
    activity = eng.tables.get("activity")
    if activity is not None and not activity.empty:
        has_interval = activity["interval_start"].notna() if "interval_start" in activity else None
        if has_interval is not None and has_interval.any():
            note(activity[has_interval], "interval", activity.loc[has_interval, "date"])
            daily = activity[~has_interval]
        else:
            daily = activity
        if not daily.empty:
            note(daily, "daily", daily["date"])
    result: dict[tuple[str, str, str], str] = {}
    problems: list[Problem] = []
    care = eng.billing_care_services()
    for key, kinds in sorted(seen.items()):
        if key[:2] in care and len(kinds) == 2 and "contacts" in kinds:
            # a billing-care service: its contact records are billing-care records, its counts the rows
            result[key] = next(k for k in kinds if k != "contacts")
            continue
        if len(kinds) > 1:
            files = sorted(f for fs in kinds.values() for f in fs)
            problems.append(Problem(
                file=files[0],
                message=f"supplier {key[0]}, service {key[1]}, month {key[2]} has activity at two granularities "
                f"({' and '.join(sorted(kinds))}) in {', '.join(files)}; keep one source per month",
            ))
        result[key] = next(k for k in ("contacts", "interval", "daily") if k in kinds)
    return result, problems


def check_kpi_columns(eng: Engagement) -> list[Problem]:
    """Columns each contract's KPI rules need are present (and filled) for that service's activity, and
    `sl_threshold_s` equals the contract's threshold; each row is checked against the terms (base or
    version) that rate its billing period."""
    problems: list[Problem] = []
    activity = eng.tables.get("activity")
    if activity is None or activity.empty:
        return problems  # contact records give every count; no activity rows → nothing to check
    for supplier, contract in eng.contracts.items():
        mine = activity[activity["supplier"] == supplier]
        if mine.empty:
            continue
        starts = np.array([v.valid_from for v in contract.versions], dtype="datetime64[ns]")
        in_force = starts.searchsorted(mine["date"].to_numpy(), side="right")  # 0 = base terms, k = versions[k-1]
        for k in np.unique(in_force):
            services, _ = contract.version_on(contract.versions[k - 1].valid_from if k else date.min)
            part = mine[in_force == k]
            for service in services:
                rows = part[part["service"] == service.id]
                if not rows.empty:
                    problems += _service_kpi_problems(eng, supplier, contract, service, rows)
    return problems


def _service_kpi_problems(eng: Engagement, supplier: str, contract: Contract, service: Service,
                          rows: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    where = next((f"versions[{k}]." for k in range(len(contract.versions) - 1, -1, -1)
                  if any(s is service for s in contract.versions[k].services)), "")
    for rule, kpi_name, variant in _kpi_rules(service):
        for column in sorted(kpi_registry.required_columns(kpi_name, variant)):
            if column not in rows.columns or rows[column].isna().any():
                missing = rows if column not in rows.columns else rows[rows[column].isna()]
                first = missing.iloc[0]
                problems.append(Problem(
                    file=first["_file"], row=_row(first) if column in rows.columns else None, column=column,
                    message=f"needed by contracts/{supplier}.yaml {where}{rule} ({kpi_name}, "
                    f"{variant or 'default definition'}) for service {service.id}; add the column",
                ))
    problems += _charge_row_problems(supplier, service, rows, where)
    if "sl_threshold_s" in rows.columns:
        threshold, _ = eng.thresholds(supplier, service)
        bad = rows[rows["sl_threshold_s"].notna() & (rows["sl_threshold_s"] != threshold)]
        for _, row in bad.head(20).iterrows():
            problems.append(Problem(file=row["_file"], row=_row(row), column="sl_threshold_s",
                                    value=int(row["sl_threshold_s"]),
                                    message=f"answered_within_sl was counted at this threshold but "
                                    f"contracts/{supplier}.yaml {where}services[{service.id}] sets threshold_s "
                                    f"{threshold}"))
    return problems


def _charge_row_problems(supplier: str, service: Service, rows: pd.DataFrame, where: str) -> list[Problem]:
    """What the service's charges need from its activity rows, so that `validate` rejects what the
    expected invoice could not rate (data.md billable units; pricing.md rounding and applies_to.hours)."""
    problems: list[Problem] = []
    first = rows.iloc[0]
    daily = "interval_start" not in rows.columns or rows["interval_start"].isna().any()
    for i, charge in enumerate(service.charges):
        rule = f"contracts/{supplier}.yaml {where}services[{service.id}].charges[{i}] ({charge['id']})"
        for need in requirements(charge):
            if need.need == "row_column":
                column = need.column
                if column not in rows.columns or rows[column].isna().any():
                    missing = first if column not in rows.columns else rows[rows[column].isna()].iloc[0]
                    problems.append(Problem(
                        file=missing["_file"], row=_row(missing) if column in rows.columns else None,
                        column=column, message=f"needed by {rule}, billed per {need.cause}; add the column"))
            elif need.need == "contact_records" and need.cause == "rounding":
                problems.append(Problem(file=first["_file"], message=f"{rule} rounds each contact (`rounding`), "
                                        "which needs contact records in data/ENG/contacts/, not activity rows"))
            elif need.need == "contact_records":
                problems.append(Problem(file=first["_file"], message=f"{rule} is billed per distinct customer, "
                                        "which needs contact records with customer_id, not activity rows"))
            elif need.need == "sub_daily" and daily:
                problems.append(Problem(file=first["_file"], message=f"{rule} restricts hours "
                                        "(`applies_to.hours`), which needs interval rows or contact records, "
                                        "not daily rows"))
        if charge.get("peak_over") == "interval" and daily:
            problems.append(Problem(file=first["_file"], message=f"{rule} takes its peak per interval "
                                    "(`peak_over: interval`), which needs interval rows, not daily rows"))
        per_event = _per_event_keys(charge)
        if per_event:
            problems.append(Problem(file=first["_file"], message=f"{rule} sets per-event keys "
                                    f"({', '.join(per_event)}), which need contact records (one event each), "
                                    "not activity rows"))
    return problems


def _per_event_keys(charge: dict) -> list[str]:
    """The per-event keys a charge on an event unit (payments) sets; activity rows cannot give events."""
    unit = charge.get("unit")
    if unit not in UNITS or not UNITS.get(unit).events:
        return []
    return [key for key in PER_EVENT_KEYS if charge.get(key) not in (None, 0, "0")]


def check_contact_charges(eng: Engagement) -> list[Problem]:
    """What the charges of services rated from contact records need from those records."""
    problems: list[Problem] = []
    contacts = eng.tables.get("contacts")
    if contacts is None or contacts.empty:
        return problems
    seen: set[tuple[str, str]] = set()
    for (supplier, service_id, _), kind in sorted(eng.granularity.items()):
        if kind != "contacts" or (supplier, service_id) in seen or supplier not in eng.contracts:
            continue
        seen.add((supplier, service_id))
        contract = eng.contracts[supplier]
        file = contacts.loc[(contacts["supplier"] == supplier) & (contacts["service"] == service_id), "_file"].iloc[0]
        services = [s for group in [contract.services] + [v.services for v in contract.versions]
                    for s in group if s.id == service_id]
        for service in services:
            for i, charge in enumerate(service.charges):
                rule = f"contracts/{supplier}.yaml services[{service_id}].charges[{i}] ({charge['id']})"
                for need in requirements(charge):
                    if need.need == "not_from_contacts":
                        problems.append(Problem(file=file, message=f"{rule} is billed per {need.cause}, which "
                                                "needs logged time from activity rows; contact records have "
                                                "none"))
                    elif need.need == "contact_column" and need.column not in contacts.columns:
                        problems.append(Problem(
                            file=file, column=need.column,
                            message=f"needed by {rule}, billed per {need.cause}; add the column"))
    return problems


def _kpi_rules(service: Service) -> list[tuple[str, str, str | None]]:
    """(where in the contract, kpi, variant) for every KPI the contract prices through an SLA rule."""
    out = []
    settings = service.kpis
    for i, rule in enumerate((service.sla or {}).get("rules", [])):
        name = rule.get("kpi")
        if name in kpi_registry.REGISTRY:
            variant = rule.get("variant") or (settings[name].variant if name in settings else None)
            out.append((f"services[{service.id}].sla.rules[{i}]", name, variant))
    return out


def check_invoice_periods(eng: Engagement) -> list[Problem]:
    """An invoice file's name (its billing period) matches the period its lines bill."""
    problems: list[Problem] = []
    invoices = eng.tables.get("invoice_lines")
    if invoices is None or invoices.empty:
        return problems
    for _, lines in invoices.groupby("supplier", dropna=True):
        files = lines.groupby("invoice_id", sort=False)["_file"].unique()
        for invoice_id, names in files.items():
            if len(names) > 1:
                rows = lines[lines["invoice_id"] == invoice_id]
                first, other = rows.iloc[0], rows[rows["_file"] != rows["_file"].iloc[0]].iloc[0]
                problems.append(Problem(file=other["_file"], row=_row(other), column="invoice_id", value=invoice_id,
                                        message=f"invoice {invoice_id} is also in {first['_file']} (row "
                                        f"{_row(first)}): each invoice belongs to one billing period's file, under "
                                        "its own id (a corrective invoice has its own id and names the one it "
                                        "corrects in corrects_invoice_id)"))
    for (supplier, month), lines in invoices.groupby(["supplier", "month"], dropna=True):
        if supplier not in eng.contracts and supplier in eng.settings.suppliers:
            continue  # its contract is invalid, already reported
        if supplier not in eng.contracts:
            problems.append(Problem(file=lines["_file"].iloc[0], message=f"folder invoices/{supplier}/ is not a "
                                    f"supplier of this engagement"))
            continue
        period = eng.contracts[supplier].period(month)
        ends = lines["period_end"].dt.date
        starts = lines["period_start"].dt.date
        corrective = lines["corrects_invoice_id"].notna() if "corrects_invoice_id" in lines else False
        outside = ~((ends >= period.start) & (ends <= period.end) & (starts >= period.start)) & ~corrective
        for _, row in lines[outside].head(5).iterrows():
            problems.append(Problem(
                file=row["_file"], row=_row(row), column="period_start, period_end",
                value=f"{row['period_start'].date()}..{row['period_end'].date()}",
                message=f"the file is named for billing period {month} ({period.start}..{period.end}); "
                "rename the file or fix the period",
            ))
    return problems


def check_invoice_currency(eng: Engagement) -> list[Problem]:
    """An invoice line's `currency` (optional column) is its supplier's contract currency: an invoice in
    another currency cannot be compared with the expected one (there is no FX table)."""
    invoices = eng.tables.get("invoice_lines")
    if invoices is None or invoices.empty or "currency" not in invoices.columns:
        return []
    problems: list[Problem] = []
    for supplier, lines in invoices.groupby("supplier", dropna=True):
        contract = eng.contracts.get(supplier)
        if contract is None:
            continue
        bad = lines[lines["currency"].notna() & (lines["currency"] != contract.currency)]
        problems += _grouped_problems(bad, "currency", f"the invoice is not in the contract's currency "
                                      f"{contract.currency} (contracts/{supplier}.yaml currency); write "
                                      f"{contract.currency} or ask the supplier for an invoice in it")
    return problems


def check_reported_scales(eng: Engagement) -> list[Problem]:
    """A KPI column of `reported_kpis` is on the KPI's scale (data.md: ratios as fractions, 94.01 % →
    0.9401; QA 0–100): a percentage written for a fraction is a problem saying what to write."""
    reported = eng.tables.get("reported_kpis")
    if reported is None or reported.empty:
        return []
    problems: list[Problem] = []
    for name in kpi_registry.REGISTRY:
        if name not in reported.columns:
            continue
        shown = 0
        for _, row in reported[reported[name].notna()].iterrows():
            try:
                kpi_registry.check_scale(name, None, row[name], name)
            except ValueError as exc:
                problems.append(Problem(file=row["_file"], row=_row(row), column=name, value=str(row[name]),
                                        message=str(exc).removeprefix(f"{name}: ")))
                shown += 1
                if shown == 20:
                    break
        column = f"{name}_variant"  # the supplier's definition: a variant the registry knows
        if column in reported.columns:
            for _, row in reported[reported[column].notna()].head(1000).iterrows():
                try:
                    kpi_registry.check_variant(name, str(row[column]))
                except ValueError as exc:
                    problems.append(Problem(file=row["_file"], row=_row(row), column=column, value=str(row[column]),
                                            message=f"{exc}; write one of them, or leave it empty for the "
                                            "supplier's definition unknown"))
                    break
    return problems


def check_compliance_evidence(eng: Engagement) -> list[Problem]:
    """Each row of `compliance_evidence` names a supplier of the engagement and a clause of that supplier's
    contract (its `compliance:` ids, in any version), and a certificate row says until when it is valid."""
    evidence = eng.tables.get("compliance_evidence")
    if evidence is None or evidence.empty:
        return []
    from ccanalysis.compliance import KINDS

    problems: list[Problem] = []
    ids = {supplier: [KINDS.kind_of(c, "compliance").clause_id(c) for c in contract.compliance]
           for supplier, contract in eng.contracts.items()}
    for _, row in evidence.iterrows():
        if len(problems) >= 20:
            break
        supplier = row["supplier"]
        if supplier not in ids:
            problems.append(Problem(file=row["_file"], row=_row(row), column="supplier", value=str(supplier),
                                    message=f"not a supplier of the engagement; write one of {', '.join(ids)}"))
        elif row["clause"] not in ids[supplier]:
            known = ", ".join(ids[supplier]) or "none (the contract has no compliance: clauses)"
            problems.append(Problem(file=row["_file"], row=_row(row), column="clause", value=str(row["clause"]),
                                    message=f"no compliance clause {row['clause']!r} in contracts/{supplier}.yaml; "
                                    f"write one of its clause ids: {known}"))
        elif row["source"] == "certificate" and pd.isna(row.get("valid_until")):
            problems.append(Problem(file=row["_file"], row=_row(row), column="valid_until", value="",
                                    message="a certificate needs the date it is valid until (YYYY-MM-DD)"))
    return problems


#: At most this many problems are listed per collections check; the rest are counted in one line.
MAX_COLLECTIONS_PROBLEMS = 20


def check_collections(eng: Engagement, unchecked: set[str] = frozenset()) -> list[Problem]:
    """The collections tables agree with each other: a placement is recalled on or after it was placed and
    never overlaps another placement of the same account; an attempt's account is placed with that supplier
    on the attempt's day; a promise to pay (`ptp`) says how much and by when (not before the attempt); a
    payment's account was placed and its amount is more than 0. Tables in `unchecked` (which failed their own
    checks, already reported) are not compared with the others. Placements' suppliers are checked with every
    table's (`check_references`)."""
    placements = eng.tables.get("placements")
    attempts = eng.tables.get("attempts")
    payments = eng.tables.get("payments")
    placed = placements is not None and "placements" not in unchecked
    if placements is None and "placements" not in unchecked:
        placements = pd.DataFrame(columns=["account_id", "supplier", "placed_on", "recalled_on", "_file", "_row"])
        placed = True
    problems: list[Problem] = []
    if placements is not None and not placements.empty:
        problems += _placement_problems(placements)
    if attempts is not None and not attempts.empty:
        problems += _ptp_problems(attempts)
        if placed:
            problems += _attempt_placement_problems(attempts, placements)
    if payments is not None and not payments.empty:
        zero = payments[payments["amount"] == 0]
        problems += _capped_rows(zero, "amount", lambda row: "a payment is an amount more than 0; drop the row "
                                 "(a reversal is not a payment)", "payments of 0")
        if placed:
            unknown = payments[~payments["account_id"].isin(set(placements["account_id"]))]
            problems += _capped_rows(unknown, "account_id", lambda row: "no placement of this account in "
                                     "collections/placements; add its placement or fix the account id",
                                     "payments of accounts never placed")
    return problems


def _capped_rows(bad: pd.DataFrame, column: str, message: Callable[[pd.Series], str], what: str,
                 value: Callable[[pd.Series], object] | None = None) -> list[Problem]:
    """One problem per bad row (file, row, column, value, what to write instead), at most
    `MAX_COLLECTIONS_PROBLEMS` of them and a line counting the rest."""
    problems = []
    for _, row in bad.head(MAX_COLLECTIONS_PROBLEMS).iterrows():
        shown = value(row) if value is not None else _cell(row.get(column))
        problems.append(Problem(file=row["_file"], row=_row(row), column=column, value=shown,
                                message=message(row)))
    if len(bad) > MAX_COLLECTIONS_PROBLEMS:
        problems.append(Problem(file=bad["_file"].iloc[0], column=column,
                                message=f"… and {len(bad) - MAX_COLLECTIONS_PROBLEMS} more rows: {what}"))
    return problems


def _cell(value: object) -> object:
    """A cell as shown in a problem: dates ISO (a datetime with its time), blanks as ''."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat(sep=" ")
    return value


def _day(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _placement_problems(placements: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    recalled = placements["recalled_on"] if "recalled_on" in placements else pd.Series(pd.NaT, placements.index)
    early = placements[(recalled < placements["placed_on"]).fillna(False).astype(bool)]
    problems += _capped_rows(early, "recalled_on", lambda row: f"recalled before it was placed (placed_on "
                             f"{_day(row['placed_on'])}); write a date on or after placed_on, or leave it blank "
                             "if the account is still placed", "placements recalled before they were placed")
    # each placement after the account's previous one (by placed_on) starts after that one was recalled
    order = placements.assign(_recalled=recalled).sort_values(["account_id", "placed_on", "_row"], kind="stable")
    same = order["account_id"].eq(order["account_id"].shift())
    before_end = order["_recalled"].shift()
    before_start = order["placed_on"].shift()
    overlap = same & (before_end.isna() | (order["placed_on"] <= before_end))
    bad = order[overlap.to_numpy()].assign(_prev_supplier=order["supplier"].shift()[overlap],
                                           _prev_file=order["_file"].shift()[overlap],
                                           _prev_row=order["_row"].shift()[overlap],
                                           _prev_start=before_start[overlap], _prev_end=before_end[overlap])

    def overlapping(row: pd.Series) -> str:
        until = (f"recalled on {_day(row['_prev_end']).strip()}" if pd.notna(row["_prev_end"])
                 else "never recalled (recalled_on blank)")
        fix = (f"place it from {(pd.Timestamp(row['_prev_end']) + pd.Timedelta(days=1)).date()} on" if
               pd.notna(row["_prev_end"]) else "write the earlier placement's recalled_on")
        return (f"account {row['account_id']} is still placed with {row['_prev_supplier']} on this day (placed on "
                f"{_day(row['_prev_start'])}, {until}; {row['_prev_file']} row {int(row['_prev_row'])}): two "
                f"placements of one account must not overlap; {fix}")
    problems += _capped_rows(bad, "placed_on", overlapping, "overlapping placements of one account")
    return problems


def _ptp_problems(attempts: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    ptp = attempts[attempts["outcome"] == "ptp"]
    for column, what in (("promised_amount", "how much was promised (a number > 0)"),
                         ("promised_date", "the date the debtor promised to pay by (YYYY-MM-DD)")):
        missing = ptp if column not in ptp.columns else ptp[ptp[column].isna()]
        problems += _capped_rows(missing, column, lambda row, what=what: f"a promise to pay (outcome ptp) needs "
                                 f"{what}", f"promises to pay without {column}")
    if "promised_amount" in ptp.columns:
        zero = ptp[ptp["promised_amount"].notna() & (ptp["promised_amount"] == 0)]
        problems += _capped_rows(zero, "promised_amount", lambda row: "a promise to pay of 0; write the amount "
                                 "promised, or another outcome (rpc, refusal) if nothing was promised",
                                 "promises to pay of 0")
    if "promised_date" in ptp.columns:
        early = ptp[(ptp["promised_date"] < ptp["start"].dt.normalize()).fillna(False).astype(bool)]
        problems += _capped_rows(early, "promised_date", lambda row: f"promised before the call itself (start "
                                 f"{_cell(row['start'])}); write a date on or after {_day(row['start'])}",
                                 "promises dated before their attempt")
    return problems


def _attempt_placement_problems(attempts: pd.DataFrame, placements: pd.DataFrame) -> list[Problem]:
    """Every attempt's account is placed with the attempt's supplier, on the attempt's day."""
    problems: list[Problem] = []
    known = set(placements["account_id"])
    unknown = attempts[~attempts["account_id"].isin(known)]
    problems += _capped_rows(unknown, "account_id", lambda row: "no placement of this account in "
                             "collections/placements; add its placement or fix the account id",
                             "attempts on accounts never placed")
    rest = attempts[attempts["account_id"].isin(known)]
    if rest.empty:
        return problems
    pairs = placements[["account_id", "supplier"]].drop_duplicates()
    pair_index = pd.MultiIndex.from_frame(pairs)
    with_supplier = pd.MultiIndex.from_frame(rest[["account_id", "supplier"]]).isin(pair_index)
    others = placements.groupby("account_id")["supplier"].agg(lambda s: ", ".join(sorted(set(s))))
    wrong = rest[~with_supplier]
    problems += _capped_rows(wrong, "supplier", lambda row: f"account {row['account_id']} was never placed with "
                             f"{row['supplier']}: it is placed with {others[row['account_id']]}; write the "
                             "agency holding it or add the placement", "attempts by an agency not holding the account")
    rest = rest[with_supplier]
    if rest.empty:
        return problems
    recalled = placements["recalled_on"] if "recalled_on" in placements else pd.Series(pd.NaT, placements.index)
    windows = placements[["account_id", "supplier", "placed_on"]].assign(recalled_on=recalled)
    day = rest["start"].dt.normalize()
    joined = pd.DataFrame({"_i": np.arange(len(rest)), "account_id": rest["account_id"].to_numpy(),
                           "supplier": rest["supplier"].to_numpy(), "_day": day.to_numpy()}).merge(
        windows, on=["account_id", "supplier"], how="inner")
    inside = (joined["placed_on"] <= joined["_day"]) & (joined["recalled_on"].isna()
                                                        | (joined["_day"] <= joined["recalled_on"]))
    ok = np.zeros(len(rest), dtype=bool)
    ok[joined.loc[inside.to_numpy(), "_i"].to_numpy()] = True
    outside = rest[~ok]
    if outside.empty:
        return problems
    spans = windows.assign(_span=[f"{_day(a)}..{_day(b) or 'open'}" for a, b in
                                  zip(windows["placed_on"], windows["recalled_on"], strict=True)])
    spans = spans.sort_values("placed_on").groupby(["account_id", "supplier"])["_span"].agg(", ".join)
    problems += _capped_rows(outside, "start", lambda row: f"account {row['account_id']} is not placed with "
                             f"{row['supplier']} on this day (placed {spans[(row['account_id'], row['supplier'])]}); "
                             "an agency works an account only while it holds it: fix the date or the placement",
                             "attempts outside their placement")
    return problems


#: The tables of charge invoices from retailers (`ccanalysis.cargos`), checked by `check_cargos`.
CARGOS_TABLES = ("charges", "sales", "deliveries", "cargo_decisions")


def check_cargos(eng: Engagement, unchecked: set[str] = frozenset(), broken: set[str] = frozenset()) -> list[Problem]:
    """The cargos tables agree with the agreements and with each other: every retailer in charges, sales,
    deliveries and decisions has an agreement file (`parameters/ENG/cargos/RETAILER.yaml`; retailers in
    `broken`, whose file is there but invalid, are not reported again); a charge's amount is more than 0 and
    its due_date not before its issue_date; a delivery note's accepted quantity is at most the delivered one;
    a decision names a charge that exists (retailer and document_id). A delivery note listed twice is a
    duplicate key (`rows.check_rows`). Tables in `unchecked` (which failed their own checks) are not
    compared with the others."""
    known = set(eng.cargo_agreements)
    listed = ", ".join(sorted(known)) or "none yet"
    problems: list[Problem] = []
    for table in CARGOS_TABLES:
        frame = eng.tables.get(table)
        if frame is None or frame.empty or "retailer" not in frame.columns:
            continue
        bad = frame["retailer"].notna() & ~frame["retailer"].isin(known | set(broken))
        for (file, value), rows in frame[bad].groupby(["_file", "retailer"], sort=False):
            numbers = sorted(int(r) for r in rows["_row"].dropna())
            more = f" (rows {_row_span(numbers)})" if len(numbers) > 1 else ""
            problems.append(Problem(file=file, row=numbers[0] if numbers else None, column="retailer", value=value,
                                    message=f"unknown retailer: no agreement parameters/{eng.id}/cargos/{value}.yaml; "
                                    f"add it, or write a retailer that has one ({listed}){more}"))
    charges = eng.tables.get("charges")
    if charges is not None and not charges.empty:
        zero = charges[charges["amount"] == 0]
        problems += _capped_rows(zero, "amount", lambda row: "a charge of 0: write the amount charged net of tax "
                                 "(more than 0), or drop the row if nothing was charged", "charges of 0",
                                 value=lambda row: str(row["amount"]))
        if "due_date" in charges.columns:
            early = charges[(charges["due_date"] < charges["issue_date"]).fillna(False).astype(bool)]
            problems += _capped_rows(early, "due_date", lambda row: f"deducted before it was issued (issue_date "
                                     f"{_day(row['issue_date'])}); write a date on or after the issue_date, or "
                                     "leave it blank", "charges due before their issue date")
    deliveries = eng.tables.get("deliveries")
    if deliveries is not None and not deliveries.empty:
        over = deliveries[deliveries["accepted_qty"] > deliveries["delivered_qty"]]
        problems += _capped_rows(over, "accepted_qty", lambda row: f"more accepted than delivered (delivered_qty "
                                 f"{row['delivered_qty']}); write at most {row['delivered_qty']}",
                                 "delivery notes accepting more than delivered")
    decisions = eng.tables.get("cargo_decisions")
    if decisions is not None and not decisions.empty and "charges" not in unchecked:
        pairs = (set(zip(charges["retailer"], charges["document_id"], strict=True))
                 if charges is not None and not charges.empty else set())
        unknown = decisions[[(r, d) not in pairs for r, d in
                             zip(decisions["retailer"], decisions["document_id"], strict=True)]]
        problems += _capped_rows(unknown, "document_id", lambda row: f"no charge {row['document_id']} of "
                                 f"{row['retailer']} in cargos/charges; write the document_id of a charge of "
                                 "that retailer, or add the charge", "decisions on unknown charges")
    return problems


def check_billing_care(eng: Engagement, unchecked: set[str] = frozenset()) -> list[Problem]:
    """The billing-care data agree with each other and with the contracts (spec: billing care): a contact of a
    service with `billing_care:` settings names a customer of `billing_care/customers` (when it names one); a
    discount says its type and amount and has a customer; a `percent_off` discount says for how many months
    (`discount_months`), a `credit` is one month (blank or 1) and has no `discount_percent`; a `retained`
    outcome names its customer; a churned customer has its churn_date, an active one none, never before
    customer_since; a charge on `retained_customer` has the customers table to read churn from. Tables in
    `unchecked` (which failed their own checks, already reported) are not compared with the others."""
    problems: list[Problem] = []
    customers = eng.tables.get("customers")
    if customers is not None and not customers.empty:
        problems += _customer_problems(customers)
    contacts = eng.tables.get("contacts")
    care = eng.billing_care_services()
    if contacts is not None and not contacts.empty and "contacts" not in unchecked:
        problems += _discount_problems(contacts)
        if "outcome" in contacts.columns and "customer_id" in contacts.columns:
            nameless = contacts[(contacts["outcome"] == RETAINED_OUTCOME).fillna(False).astype(bool)
                                & contacts["customer_id"].isna()]
            problems += _capped_rows(nameless, "customer_id", lambda row: "a retained customer (outcome retained) "
                                     "needs its customer_id: a retention fee is earned per customer",
                                     "retained contacts without a customer")
        mine = contacts[pd.MultiIndex.from_frame(contacts[["supplier", "service"]].astype(object)).isin(list(care))] \
            if care else contacts.iloc[0:0]
        if (not mine.empty and "customer_id" in mine.columns and customers is not None
                and "customers" not in unchecked):
            unknown = mine[mine["customer_id"].notna() & ~mine["customer_id"].isin(set(customers["customer_id"]))]
            problems += _capped_rows(unknown, "customer_id", lambda row: "no such customer in billing_care/customers; "
                                     "add the customer (customer_id, monthly_margin, status) or fix the id",
                                     "billing-care contacts of unknown customers")
    if customers is None and "customers" not in unchecked and contacts is not None and not contacts.empty:
        problems += _retention_fee_needs_customers(eng, contacts)
    return problems


def _customer_problems(customers: pd.DataFrame) -> list[Problem]:
    churn = customers["churn_date"] if "churn_date" in customers else pd.Series(pd.NaT, customers.index)
    churned = customers["status"] == "churned"
    problems = _capped_rows(customers[churned & churn.isna()], "churn_date", lambda row: "a churned customer "
                            "needs its churn_date (YYYY-MM-DD, the first day it is no longer a customer)",
                            "churned customers without churn_date")
    problems += _capped_rows(customers[~churned & churn.notna()], "churn_date", lambda row: "an active customer "
                             "has no churn_date; write status churned, or leave churn_date blank",
                             "active customers with a churn_date")
    if "customer_since" in customers:
        early = customers[(churn < customers["customer_since"]).fillna(False).astype(bool)]
        problems += _capped_rows(early, "churn_date", lambda row: f"churned before it became a customer "
                                 f"(customer_since {_day(row['customer_since'])}); write a date on or after it",
                                 "customers churned before customer_since")
    return problems


def _discount_problems(contacts: pd.DataFrame) -> list[Problem]:
    """A discount's columns agree: amount and type together, months for percent_off, one month for a credit."""
    columns = ("discount_amount", "discount_type", "discount_percent", "discount_months")
    if not any(c in contacts.columns for c in columns):
        return []
    blank = pd.Series(None, index=contacts.index, dtype=object)
    amount, kind, percent, months = (contacts[c] if c in contacts.columns else blank for c in columns)
    granted = amount.notna() & (amount != 0)
    problems = _capped_rows(contacts[granted & kind.isna()], "discount_type", lambda row: "a discount needs its "
                            "type: credit (a one-off credit) or percent_off (% off for discount_months months)",
                            "discounts without discount_type")
    problems += _capped_rows(contacts[kind.notna() & amount.isna()], "discount_amount", lambda row: "a discount "
                             "needs its amount in EUR (for percent_off the monthly amount)",
                             "discounts without discount_amount")
    problems += _capped_rows(contacts[(kind == "percent_off").fillna(False).astype(bool) & months.isna()],
                             "discount_months", lambda row: "a percent_off discount needs discount_months (how "
                             "many monthly bills it reduces, 1 or more)", "percent_off discounts without months")
    credit = (kind == "credit").fillna(False).astype(bool)
    problems += _capped_rows(contacts[credit & (months > 1).fillna(False).astype(bool)], "discount_months",
                             lambda row: "a credit is granted once: leave discount_months blank or 1, or write "
                             "discount_type percent_off", "credits over several months")
    problems += _capped_rows(contacts[credit & percent.notna()], "discount_percent", lambda row: "a credit has no "
                             "percentage: leave discount_percent blank, or write discount_type percent_off",
                             "credits with a percentage")
    if "customer_id" in contacts.columns:
        problems += _capped_rows(contacts[(granted | kind.notna()) & contacts["customer_id"].isna()], "customer_id",
                                 lambda row: "a discount is granted to a customer: write its customer_id",
                                 "discounts without a customer")
    else:
        problems += _capped_rows(contacts[granted | kind.notna()], "customer_id", lambda row: "a discount is "
                                 "granted to a customer: add the customer_id column", "discounts without a customer",
                                 value=lambda row: "")
    return problems


def _retention_fee_needs_customers(eng: Engagement, contacts: pd.DataFrame) -> list[Problem]:
    """A charge on retained_customer of a service with contact records reads each customer's churn from
    billing_care/customers."""
    problems = []
    served = set(zip(contacts["supplier"].astype(object), contacts["service"].astype(object), strict=True))
    for supplier, contract in eng.contracts.items():
        for services in [contract.services] + [v.services for v in contract.versions]:
            for service in services:
                if (supplier, service.id) not in served:
                    continue
                for i, charge in enumerate(service.charges):
                    if "retained_customer" in charge_units(charge):
                        problems.append(Problem(
                            file=f"parameters/{eng.id}/contracts/{supplier}.yaml",
                            column=f"services[{service.id}].charges[{i}]",
                            message=f"charge {charge['id']!r} is billed per retained customer, which needs "
                            f"data/{eng.id}/billing_care/customers.csv (customer_id, monthly_margin, status, "
                            "churn_date) to tell whether each customer stayed"))
    return problems
