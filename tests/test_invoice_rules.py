"""The suppliers' matching rules and the decisions register (`ccanalysis.io.invoice_rules`), read at load."""

from __future__ import annotations

import pytest

from ccanalysis.engagement import load
from ccanalysis.io import invoice_rules
from ccanalysis.io.loader import input_files, input_fingerprint
from ccanalysis.workbook import matched_lines
from tests.engagements import activity_row, contract, load_problems, one_problem, write_engagement, write_yaml

RULES_FILE = "parameters/tiny/mappings/invoice_lines_acme.yaml"
LABELS_FILE = "data/tiny/labels/invoice_lines.csv"
HEADER = "supplier,invoice_id,line,description,service,charge,decided_at\n"
TWO_CHARGES = contract(services=[{
    "id": "care", "name": "Atención", "channel": "voice",
    "charges": [{"id": "care_contacts", "unit": "handled_contact", "model": "per_unit", "unit_price": "1.50"},
                {"id": "care_platform", "unit": "month", "model": "fixed", "amount": "900.00"}],
    "sla": {"base": "variable_charges",
            "rules": [{"kpi": "service_level", "bands": [{"below": 0.8, "adjustment": -0.05}]}]}}])


def engagement(tmp_path, rules=None, labels: str | None = None):
    write_engagement(tmp_path, contracts=[TWO_CHARGES],
                     tables={"activity/a.csv": [activity_row("2026-09-01", 10, 9, abandoned=1, abandoned_short=0)]})
    if rules is not None:
        write_yaml(tmp_path / RULES_FILE, rules)
    if labels is not None:
        (tmp_path / LABELS_FILE).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / LABELS_FILE).write_text(labels, encoding="utf-8")
    return tmp_path


def test_rules_load_onto_the_engagement_and_are_not_a_column_mapping(tmp_path):
    engagement(tmp_path, {"rules": [{"pattern": "contactos", "service": "care", "charge": "care_contacts"},
                                    {"pattern": "ANS", "charge": "sla:service_level"}]})
    eng = load("tiny", root=tmp_path)
    rules = eng.invoice_rules["acme"]
    assert [(r.number, r.service, r.charge) for r in rules] == [(1, "care", "care_contacts"),
                                                                (2, None, "sla:service_level")]
    assert rules[0].pattern.search("contactos atendidos")


def test_a_broken_regular_expression_names_the_file_and_rule(tmp_path):
    engagement(tmp_path, {"rules": [{"pattern": "ok", "charge": "care_contacts"},
                                    {"pattern": "cuota (plataforma", "charge": "care_platform"}]})
    problem = one_problem(load_problems(tmp_path), file=RULES_FILE, column="rules[1].pattern")
    assert "rule 2" in problem.message and "regular expression" in problem.message
    assert problem.value == "cuota (plataforma"


def test_an_unknown_charge_or_service_lists_the_valid_ones(tmp_path):
    engagement(tmp_path, {"rules": [{"pattern": "a", "charge": "care_minutes"},
                                    {"pattern": "b", "service": "sales", "charge": "care_contacts"},
                                    {"pattern": "c", "service": "care", "charge": "minimum_commitment"},
                                    {"pattern": "d", "charge": "care_contacts", "servce": "care"}]})
    problems = load_problems(tmp_path)
    charge = one_problem(problems, file=RULES_FILE, column="rules[0].charge", value="care_minutes")
    assert "rule 1" in charge.message
    assert "care_contacts, care_platform, sla:service_level" in charge.message  # reserved ids included
    service = one_problem(problems, column="rules[1].service", value="sales")
    assert "rule 2" in service.message and "care" in service.message
    one_problem(problems, column="rules[2].charge", text="rule 3")  # no commitment in this contract
    one_problem(problems, column="rules[3].servce", text="allowed: pattern, service, charge")


def test_a_rules_file_for_an_unknown_supplier_or_of_another_shape(tmp_path):
    engagement(tmp_path, {"rules": "contactos"})
    write_yaml(tmp_path / "parameters/tiny/mappings/invoice_lines_zeta.yaml", {"rules": []})
    problems = load_problems(tmp_path)
    one_problem(problems, file=RULES_FILE, text="expected one key `rules`")
    one_problem(problems, file="parameters/tiny/mappings/invoice_lines_zeta.yaml", text="no supplier 'zeta'")


def test_the_decisions_register_is_read_at_load(tmp_path):
    engagement(tmp_path, labels=HEADER + "acme,F1,2,Recargo,care,care_platform,2026-10-02T09:00:00+00:00\n"
                                          "acme,F1,2,Recargo,,care_contacts,2026-10-03T09:00:00+00:00\n")
    eng = load("tiny", root=tmp_path)
    assert eng.invoice_labels[["invoice_id", "line", "service", "charge"]].values.tolist() == [
        ["F1", 2, "care", "care_platform"], ["F1", 2, None, "care_contacts"]]


def test_a_bad_decision_row_is_a_problem_naming_row_and_column(tmp_path):
    engagement(tmp_path, labels=HEADER + "acme,F1,two,Recargo,care,care_platform,2026-10-02T09:00:00\n"
                                          "acme,F1,3,Recargo,care,care_minutes,2026-10-02T09:00:00\n"
                                          "zeta,F1,3,Recargo,care,care_platform,yesterday\n")
    problems = load_problems(tmp_path)
    one_problem(problems, file=LABELS_FILE, row=2, column="line", value="two")
    one_problem(problems, file=LABELS_FILE, row=3, column="charge", value="care_minutes")
    one_problem(problems, file=LABELS_FILE, row=4, column="supplier", value="zeta")
    one_problem(problems, file=LABELS_FILE, row=4, column="decided_at", value="yesterday")


def test_a_register_with_another_header_is_a_problem(tmp_path):
    engagement(tmp_path, labels="supplier,line\nacme,1\n")
    one_problem(load_problems(tmp_path), file=LABELS_FILE, row=1, text="the header must be")


def test_rules_and_decisions_are_inputs_of_the_stored_engagement(tmp_path):
    # the store's manifest records this fingerprint of the input files: a change means a new store
    root = engagement(tmp_path, {"rules": [{"pattern": "a", "charge": "care_contacts"}]})
    before = input_fingerprint("tiny", root)
    write_yaml(root / RULES_FILE, {"rules": [{"pattern": "b", "charge": "care_contacts"}]})
    after_rules = input_fingerprint("tiny", root)
    invoice_rules.record_decision(root / LABELS_FILE, {"supplier": "acme", "invoice_id": "F1", "line": 1,
                                                       "description": "x", "service": "care",
                                                       "charge": "care_contacts", "decided_at": "2026-10-02T09:00:00"})
    assert len({before, after_rules, input_fingerprint("tiny", root)}) == 3
    assert root / LABELS_FILE in input_files("tiny", root)
    eng = load("tiny", root=root)
    assert root / LABELS_FILE in eng.input_files() and root / LABELS_FILE in eng.input_files("acme")
    assert (root / LABELS_FILE).read_text(encoding="utf-8").startswith(HEADER)


@pytest.mark.parametrize("month", ["2026-08", "2026-09", "2026-10"])
def test_every_eastline_demo_line_is_matched_by_a_rule(demo_engagement, month):
    assert "eastline" in demo_engagement.invoice_rules
    matched = matched_lines(demo_engagement, "eastline", month)
    assert len(matched) >= 6
    assert matched["match_method"].tolist() == ["rule"] * len(matched)
    assert matched["billed_charge"].isna().all()  # Eastline gives no ids
    if month == "2026-10":
        sla = matched[matched["charge"] == "sla:service_level"]
        assert sla["service"].tolist() == ["email", "chat"]  # bases 25,500.00 and 44,710.71
