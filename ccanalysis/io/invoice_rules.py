"""How billed lines are matched, as the consultant writes it: the suppliers' rules and the people's decisions.

    parameters/ENG/mappings/invoice_lines_SUPPLIER.yaml   rules for the lines of SUPPLIER's invoices::

        rules:
          - {pattern: "paquetes de 50 correos", service: email, charge: email_packages}
          - {pattern: "ANS nivel de servicio", charge: "sla:service_level"}   # service from the expected invoice

      `pattern`: a regular expression searched in the description, case- and accent-insensitive; `charge`
      a contract charge id or a reserved id of audit.md (`minimum_commitment`, `sla:service_level`, …);
      `service` optional when the charge tells it (or the expected invoice does).
    data/ENG/labels/invoice_lines.csv   decisions appended by `ccanalysis match` (LABEL_COLUMNS); the
      latest decision for a line wins.

Both are read and validated when the engagement loads (every problem names the file and the key path or
row and column); `record_decision` appends a decision under the register's lock.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd

from ccanalysis.audit.matching import LABEL_COLUMNS, Catalogue, Rule, compile_pattern, contract_catalogue
from ccanalysis.contract import Contract
from ccanalysis.errors import EngagementError, Problem
from ccanalysis.io.writing import append_rows
from ccanalysis.io.yamlio import load_yaml

RULES_PREFIX = "invoice_lines_"
RULE_KEYS = ("pattern", "service", "charge")
LABELS_FILE = Path("labels") / "invoice_lines.csv"


def is_rules_file(path: Path) -> bool:
    """Whether a file of `parameters/ENG/mappings/` holds invoice-line rules (not a column mapping)."""
    return path.name.startswith(RULES_PREFIX) and path.suffix in (".yaml", ".yml")


def rules_files(mappings: Path) -> list[Path]:
    """The invoice-rules files of the mappings folder, sorted by path."""
    return sorted(p for p in mappings.glob(f"{RULES_PREFIX}*.y*ml") if is_rules_file(p))


def labels_path(data: Path) -> Path:
    """The decisions register of an engagement whose data folder is `data`."""
    return data / LABELS_FILE


def _listed(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def _pair_problem(service: object, charge: object, catalogue: Catalogue, services: set[str]) -> str | None:
    """What is wrong with a (service, charge) a rule or a decision names, or None."""
    if not isinstance(charge, str) or not charge.strip():
        return "charge: give the contract charge id this line bills (valid: " + _listed(catalogue.charges()) + ")"
    if service is not None and (not isinstance(service, str) or service not in services):
        return f"service: unknown service {service!r} (valid: {_listed(services)})"
    if service is None:
        if charge not in catalogue.charges():
            return f"charge: unknown charge {charge!r} (valid: {_listed(catalogue.charges())})"
    elif (service, charge) not in catalogue:
        valid = [c for s, c in catalogue.pairs if s == service]
        return f"charge: service {service!r} has no charge {charge!r} (valid: {_listed(valid)})"
    return None


def parse_rules(data: object, file: str, contract: Contract) -> tuple[tuple[Rule, ...], list[Problem]]:
    """Validate the parsed YAML of one rules file against the supplier's contract (any version of it)."""
    if not isinstance(data, dict) or set(data) != {"rules"} or not isinstance(data.get("rules"), list):
        return (), [Problem(file, "expected one key `rules`: a list of {pattern, service, charge} (see "
                                  "README, 'Matching invoice lines')")]
    catalogue = contract_catalogue(contract)
    services = contract.all_service_ids()
    rules: list[Rule] = []
    problems: list[Problem] = []
    for index, entry in enumerate(data["rules"]):
        where, number = f"rules[{index}]", index + 1
        if not isinstance(entry, dict):
            problems.append(Problem(file, f"rule {number}: expected a mapping {{pattern, service, charge}}",
                                    column=where))
            continue
        unknown = sorted(str(k) for k in entry if k not in RULE_KEYS)
        if unknown:
            problems.append(Problem(file, f"rule {number}: unknown key {unknown[0]!r}; allowed: "
                                          f"{', '.join(RULE_KEYS)}", column=f"{where}.{unknown[0]}"))
            continue
        pattern = entry.get("pattern")
        compiled = None
        if not isinstance(pattern, str) or not pattern.strip():
            problems.append(Problem(file, f"rule {number}: give the regular expression to find in the "
                                          "description", column=f"{where}.pattern", value=pattern))
        else:
            try:
                compiled = compile_pattern(pattern)
            except re.error as exc:
                problems.append(Problem(file, f"rule {number}: broken regular expression ({exc}); fix it or "
                                              "escape special characters with \\", column=f"{where}.pattern",
                                        value=pattern))
        service, charge = entry.get("service"), entry.get("charge")
        wrong = _pair_problem(service, charge, catalogue, services)
        if wrong is not None:
            key, message = wrong.split(": ", 1)
            problems.append(Problem(file, f"rule {number}: {message}", column=f"{where}.{key}",
                                    value=entry.get(key)))
        elif compiled is not None:
            rules.append(Rule(number, compiled, service, charge))
    return tuple(rules), problems


def read_rules(mappings: Path, contracts: Mapping[str, Contract], suppliers: Iterable[str],
               shown) -> tuple[dict[str, tuple[Rule, ...]], list[Problem]]:
    """Every supplier's rules file in `mappings`; `suppliers` are the engagement's (a file for another is
    a problem; a supplier whose contract did not load is skipped: its contract's problems are reported).
    `shown(path)` is how a file is named in messages."""
    out: dict[str, tuple[Rule, ...]] = {}
    problems: list[Problem] = []
    known = set(suppliers)
    for path in rules_files(mappings):
        file, supplier = shown(path), path.stem[len(RULES_PREFIX):]
        if supplier not in known:
            problems.append(Problem(file, f"no supplier {supplier!r} in engagement.yaml (suppliers: "
                                          f"{_listed(known)}); name the file {RULES_PREFIX}SUPPLIER.yaml"))
            continue
        if supplier not in contracts:
            continue
        try:
            data = load_yaml(path, file)
        except EngagementError as exc:
            problems.extend(exc.problems)
            continue
        rules, found = parse_rules(data, file, contracts[supplier])
        problems.extend(found)
        out[supplier] = rules
    return out, problems


def empty_labels() -> pd.DataFrame:
    """An empty frame of line labels with their columns (line as int64)."""
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "line" else object) for c in LABEL_COLUMNS})


def read_labels(path: Path, file: str, contracts: Mapping[str, Contract]) -> tuple[pd.DataFrame, list[Problem]]:
    """The decisions register (empty when absent): one problem per bad cell, rows numbered as in the file
    (header = row 1)."""
    if not path.is_file():
        return empty_labels(), []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return empty_labels(), [Problem(file, f"cannot read the decisions register: {exc}; save it as UTF-8")]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header != LABEL_COLUMNS:
        return empty_labels(), [Problem(file, f"the header must be {','.join(LABEL_COLUMNS)} (the register "
                                              "`ccanalysis match` writes)", row=1, value=",".join(header or []))]
    catalogues = {s: contract_catalogue(c) for s, c in contracts.items()}
    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(LABEL_COLUMNS):
            problems.append(Problem(file, f"expected {len(LABEL_COLUMNS)} cells, found {len(cells)}", row=number))
            continue
        row: dict[str, object] = {c: (v.strip() or None) for c, v in zip(LABEL_COLUMNS, cells, strict=True)}
        before = len(problems)

        def bad(column: str, message: str, row_number: int = number, values: dict = row) -> None:
            problems.append(Problem(file, message, row=row_number, column=column, value=values[column]))

        supplier = row["supplier"]
        if supplier not in contracts:
            bad("supplier", f"unknown supplier (valid: {_listed(contracts)})")
        for column in ("invoice_id", "charge"):
            if row[column] is None:
                bad(column, "required")
        try:
            row["line"] = int(str(row["line"]))
            if row["line"] < 1:  # type: ignore[operator]
                raise ValueError
        except ValueError:
            bad("line", "expected the invoice's line number (a whole number ≥ 1)")
        try:
            datetime.fromisoformat(str(row["decided_at"]))
        except ValueError:
            bad("decided_at", "expected an ISO date and time such as 2026-11-06T09:30:00+00:00")
        if supplier in contracts and row["charge"] is not None:
            wrong = _pair_problem(row["service"], row["charge"], catalogues[supplier],
                                  contracts[supplier].all_service_ids())
            if wrong is not None:
                column, message = wrong.split(": ", 1)
                bad(column, message)
        if len(problems) == before:
            rows.append(row)
    if not rows:
        return empty_labels(), problems
    frame = pd.DataFrame(rows, columns=LABEL_COLUMNS, dtype=object)
    frame["line"] = frame["line"].astype("int64")
    return frame, problems


def record_decision(path: Path, decision: Mapping[str, object]) -> None:
    """Append one decision (LABEL_COLUMNS) to the register at `path`, creating it with its header."""
    append_rows(path, LABEL_COLUMNS, [decision])
