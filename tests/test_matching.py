"""Matching billed lines to the contract (`ccanalysis.audit.matching`), on hand-made lines and contracts."""

from __future__ import annotations

import time
from decimal import Decimal

import pandas as pd
import pytest

from ccanalysis.audit import matching
from ccanalysis.audit.matching import (
    Catalogue,
    LineClassifier,
    Rule,
    compile_pattern,
    match_lines,
    training_set,
)
from ccanalysis.contract import parse_contract

SLA = {"base": "variable_charges", "penalty_cap": 0.1, "rules": [
    {"kpi": "service_level", "bands": [{"below": 0.9, "adjustment": -0.05}]},
    {"id": "tmo", "kpi": "aht_s", "bands": [{"from": 400, "adjustment": -0.02}]}]}
CONTRACT = {
    "supplier": "east", "name": "East S.L.", "tax_rate": "0.21", "valid_from": "2026-01-01",
    "minimum_commitment": {"amount": "1000.00"},
    "services": [
        {"id": "email", "name": "Correo", "channel": "email", "sla": SLA, "charges": [
            {"id": "email_packages", "unit": "handled_contact", "model": "per_unit", "unit_price": "1.20",
             "minimum": "500.00"},
            {"id": "email_platform", "unit": "month", "model": "fixed", "amount": "1200.00"}]},
        {"id": "chat", "name": "Chat", "channel": "chat",
         "sla": {"base": "variable_charges", "bonus_cap": 0.05,
                 "rules": [{"kpi": "service_level", "bands": [{"from": 0.9, "adjustment": 0.01}]}]},
         "charges": [{"id": "chat_sessions", "unit": "handled_contact", "model": "per_unit", "unit_price": "1.10"}]},
    ],
    "versions": [{"valid_from": "2026-10-01", "services": [
        {"id": "chat", "name": "Chat", "channel": "chat", "charges": [
            {"id": "chat_sessions", "unit": "handled_contact", "model": "per_unit", "unit_price": "1.13"},
            {"id": "chat_licences", "unit": "month", "model": "fixed", "amount": "750.00"}]}]}],
}


@pytest.fixture(scope="module")
def contract():
    parsed, problems = parse_contract(CONTRACT, "east.yaml")
    assert not problems, problems
    return parsed


@pytest.fixture(scope="module")
def september(contract) -> Catalogue:
    return matching.catalogue(contract, contract.period("2026-09"))


def lines(*rows: dict, invoice: str = "F9", month: str = "2026-09") -> pd.DataFrame:
    """Invoice lines as loaded: numbered from 1, ids blank unless given."""
    out = []
    for number, row in enumerate(rows, start=1):
        out.append({"invoice_id": invoice, "line": number, "service": None, "charge": None, "quantity": 1,
                    "unit_price": None, "amount": Decimal("10.00"), "supplier": "east", "month": month, **row})
    return pd.DataFrame(out)


def rule(number: int, pattern: str, charge: str, service: str | None = None) -> Rule:
    return Rule(number, compile_pattern(pattern), service, charge)


def decisions(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame([{"supplier": "east", "invoice_id": i, "line": n, "description": "", "service": s,
                          "charge": c, "decided_at": "2026-11-06T09:00:00+00:00"} for i, n, s, c in rows],
                        columns=matching.LABEL_COLUMNS)


NO_LABELS = decisions()
NO_TRAINING = pd.DataFrame(columns=matching.TRAINING_COLUMNS)


def match(billed, catalogue, *, rules=(), labels=NO_LABELS, training=NO_TRAINING, threshold=0.8, expected=None):
    return match_lines(billed, catalogue, rules=rules, labels=labels, training=training, threshold=threshold,
                       expected=expected)


# --------------------------------------------------------------------------- the catalogue
def test_catalogue_has_the_charges_in_force_and_the_reserved_ids(contract, september):
    assert september.pairs == {
        ("email", "email_packages"), ("email", "email_packages:minimum"), ("email", "email_platform"),
        ("email", "sla:service_level"), ("email", "sla:tmo"), ("email", "sla:cap_penalty"),
        ("chat", "chat_sessions"), ("chat", "sla:service_level"), ("chat", "sla:cap_bonus"),
        (None, "minimum_commitment")}
    assert september.services_of("sla:service_level") == ("chat", "email")
    assert ("chat", "chat_licences") not in september
    october = matching.catalogue(contract, contract.period("2026-10"))  # the version from 1 October
    assert ("chat", "chat_licences") in october and ("chat", "sla:service_level") not in october


# --------------------------------------------------------------------------- precedence
def test_each_level_of_precedence(september):
    billed = lines(
        {"service": "chat", "charge": "chat_sessions", "description": "Cuota plataforma correo"},  # decided
        {"service": "chat", "charge": "chat_sessions", "description": "Cuota plataforma correo"},  # ids
        {"description": "Cuota plataforma correo"},  # the first of two matching rules
        {"description": "Sesiones de chat atendidas"},  # the classifier
    )
    rules = (rule(1, "plataforma", "email_platform", "email"), rule(2, "correo", "email_packages", "email"))
    training = pd.DataFrame({"description": ["Sesiones de chat atendidas", "Paquetes de correos"],
                             "service": ["chat", "email"], "charge": ["chat_sessions", "email_packages"]})
    out = match(billed, september, rules=rules, labels=decisions(("F9", 1, "email", "email_platform")),
                training=training)
    assert out["match_method"].tolist() == ["human", "ids", "rule", "learned"]
    assert list(zip(out["service"], out["charge"], strict=True)) == [
        ("email", "email_platform"), ("chat", "chat_sessions"), ("email", "email_platform"),
        ("chat", "chat_sessions")]
    assert out["match_rule"].tolist() == [None, None, 1, None]
    assert out["match_confidence"].tolist()[:3] == [1.0, 1.0, 1.0] and out["match_confidence"][3] >= 0.8
    assert out["billed_charge"].tolist() == ["chat_sessions", "chat_sessions", None, None]


def test_the_latest_decision_for_a_line_wins(september):
    labels = decisions(("F9", 1, "email", "email_platform"), ("F9", 1, "chat", "chat_sessions"),
                       ("F8", 1, "email", "email_packages"))  # another invoice's line 1
    out = match(lines({"description": "Algo"}), september, labels=labels)
    assert (out["service"][0], out["charge"][0], out["match_method"][0]) == ("chat", "chat_sessions", "human")


def test_ids_naming_a_charge_not_in_the_contract_stay_unmatched_and_are_not_guessed(september):
    billed = lines({"service": "email", "charge": "training_new_hires", "description": "Cuota plataforma"})
    out = match(billed, september, rules=(rule(1, "plataforma", "email_platform", "email"),))
    row = out.iloc[0]
    assert row["service"] is None and row["charge"] is None and row["match_method"] is None
    assert (row["suggested_service"], row["suggested_charge"]) == ("email", "training_new_hires")


def test_ids_with_a_blank_service_take_the_only_service_billing_the_charge(september):
    out = match(lines({"charge": "email_platform", "description": "x"},
                      {"charge": "minimum_commitment", "description": "y"}), september)
    assert out["service"].tolist() == ["email", None]
    assert out["charge"].tolist() == ["email_platform", "minimum_commitment"]
    assert out["match_method"].tolist() == ["ids", "ids"]


def test_rules_ignore_case_and_accents(september):
    rules = (rule(1, "gestión documental", "email_platform", "email"), rule(2, "SESIONES", "chat_sessions", "chat"))
    out = match(lines({"description": "CUOTA GESTION DOCUMENTAL"}, {"description": "Sesiónes de chat"}), september,
                rules=rules)
    assert out["match_method"].tolist() == ["rule", "rule"]
    assert out["match_rule"].tolist() == [1, 2]


def test_a_rule_for_a_charge_not_billed_this_period_gives_way_to_the_next(contract, september):
    rules = (rule(1, "licencias", "chat_licences", "chat"), rule(2, "chat", "chat_sessions", "chat"))
    out = match(lines({"description": "Licencias chat"}), september, rules=rules)
    assert (out["charge"][0], out["match_rule"][0]) == ("chat_sessions", 2)
    october = matching.catalogue(contract, contract.period("2026-10"))
    out = match(lines({"description": "Licencias chat"}, month="2026-10"), october, rules=rules)
    assert (out["charge"][0], out["match_rule"][0]) == ("chat_licences", 1)


# --------------------------------------------------------------------------- service resolution
EASTLINE_OCTOBER = pd.DataFrame({
    "service": ["email", "chat", "email", "chat"],
    "charge": ["email_packages", "chat_sessions", "sla:service_level", "sla:service_level"],
    "quantity": [Decimal(425), Decimal(39567), Decimal("25500.00"), Decimal("44710.71")],
    "amount": [Decimal("25500.00"), Decimal("44710.71"), Decimal("255.00"), Decimal("447.11")],
})


def test_the_two_eastline_sla_lines_of_october_resolve_to_their_services_by_base(september):
    billed = lines(
        {"description": "Bonificación ANS nivel de servicio octubre 2026", "quantity": Decimal("25500.00"),
         "unit_price": Decimal("0.01"), "amount": Decimal("255.00")},
        {"description": "Bonificación ANS nivel de servicio octubre 2026", "quantity": Decimal("44710.71"),
         "unit_price": Decimal("0.01"), "amount": Decimal("447.11")})
    rules = (rule(1, "(bonificacion|penalizacion) ans nivel de servicio", "sla:service_level"),)
    out = match(billed, september, rules=rules, expected=EASTLINE_OCTOBER)
    assert out["service"].tolist() == ["email", "chat"]
    assert out["charge"].tolist() == ["sla:service_level", "sla:service_level"]
    assert out["match_method"].tolist() == ["rule", "rule"]


def test_resolution_by_quantity_then_amount_then_nearest_amount():
    resolve = matching.resolve_service
    both = ("chat", "email")
    assert resolve("sla:service_level", both, Decimal("44710.71"), Decimal("1"), EASTLINE_OCTOBER) == "chat"
    assert resolve("sla:service_level", both, None, Decimal("255.00"), EASTLINE_OCTOBER) == "email"
    assert resolve("sla:service_level", both, Decimal(7), Decimal("400.00"), EASTLINE_OCTOBER) == "chat"  # 47.11 away
    assert resolve("sla:service_level", both, Decimal(7), Decimal("351.055"), EASTLINE_OCTOBER) is None  # a tie
    assert resolve("sla:service_level", both, Decimal(7), Decimal("1"), None) is None


def test_an_unresolved_service_goes_to_review_with_the_charge_suggested(september):
    rules = (rule(1, "ans nivel de servicio", "sla:service_level"),)
    out = match(lines({"description": "Penalización ANS nivel de servicio"}), september, rules=rules)
    row = out.iloc[0]
    assert row["charge"] is None and row["match_method"] is None
    assert (row["suggested_service"], row["suggested_charge"]) == (None, "sla:service_level")


# --------------------------------------------------------------------------- the classifier
TRAINING = pd.DataFrame({
    "description": ["Paquetes de 50 correos gestionados agosto 2026", "Cuota gestión documental agosto 2026",
                    "Sesiones de chat atendidas agosto 2026", "Penalización ANS nivel de servicio agosto 2026"],
    "service": ["email", "email", "chat", None],
    "charge": ["email_packages", "email_platform", "chat_sessions", "sla:service_level"],
})


def test_identical_text_scores_at_least_08_and_unrelated_text_below():
    guesses = LineClassifier(TRAINING).predict(["Cuota gestión documental agosto 2026",
                                                "Cuota gestión documental noviembre 2026",
                                                "Recargo atención festivos"])
    assert (guesses[0].service, guesses[0].charge) == ("email", "email_platform")
    assert guesses[0].confidence >= 0.8 and guesses[1].confidence >= 0.8  # the month is not what it bills
    assert guesses[2].confidence < 0.8


def test_below_the_threshold_a_line_is_suggested_never_matched(september):
    out = match(lines({"description": "Recargo atención festivos"}, {"description": "Cuota gestion documental"}),
                september, training=TRAINING)
    assert out["match_method"].tolist() == [None, "learned"]
    assert out["charge"][0] is None and out["suggested_charge"][0] is not None
    assert 0 <= out["match_confidence"][0] < 0.8
    near = lines({"description": "Cuota documental"})
    confidence = LineClassifier(TRAINING).predict(["Cuota documental"])[0].confidence
    assert 0 < confidence < 1
    strict = match(near, september, training=TRAINING, threshold=confidence + 0.001)
    assert strict["match_method"][0] is None and strict["suggested_charge"][0] == "email_platform"
    assert strict["suggested_service"][0] == "email" and strict["match_confidence"][0] == confidence
    assert match(near, september, training=TRAINING, threshold=confidence)["match_method"][0] == "learned"


def test_a_learned_charge_several_services_bill_takes_its_service_from_the_expected_invoice(september):
    billed = lines({"description": "Bonificación ANS nivel de servicio octubre 2026",
                    "quantity": Decimal("44710.71"), "amount": Decimal("447.11")})
    out = match(billed, september, training=TRAINING, threshold=0.5, expected=EASTLINE_OCTOBER)
    assert (out["service"][0], out["charge"][0], out["match_method"][0]) == ("chat", "sla:service_level", "learned")


def test_no_training_guesses_nothing_and_one_class_uses_the_nearest_line(september):
    assert LineClassifier(NO_TRAINING).predict(["Cuota"]) == [None]
    out = match(lines({"description": "Cuota gestión documental"}), september)
    assert out["match_method"][0] is None and out["suggested_charge"][0] is None
    one = LineClassifier(TRAINING.iloc[1:2])
    same, other = one.predict(["Cuota gestión documental", "Sesiones de chat"])
    assert same.charge == "email_platform" and same.confidence == pytest.approx(1.0)
    assert other.confidence < 0.8


def test_the_classifier_trains_and_predicts_5000_lines_in_under_a_second():
    agents = [f"Agente {n:04d} horas logadas día {d:02d}/08/2026" for n in range(200) for d in range(1, 26)]
    descriptions = agents[:4000] + [f"Cuota plataforma {n}" for n in range(1000)]
    training = pd.DataFrame({"description": descriptions, "service": "care",
                             "charge": ["care_hours"] * 4000 + ["care_platform"] * 1000})
    LineClassifier(training.iloc[:2])  # scikit-learn imported once per process, not per invoice
    start = time.perf_counter()
    guesses = LineClassifier(training).predict(descriptions)
    elapsed = time.perf_counter() - start
    assert [g.charge for g in guesses] == training["charge"].tolist()
    assert elapsed < 1.0, f"{elapsed:.2f} s"


# --------------------------------------------------------------------------- training data
def test_training_set_takes_every_month_matched_by_ids_rules_or_decisions(contract):
    billed = pd.concat([
        lines({"service": "chat", "charge": "chat_sessions", "description": "Sesiones"},
              {"description": "Cuota gestión documental"}, {"description": "Penalización ANS nivel de servicio"},
              {"description": "Recargo festivos"}),
        lines({"description": "Ajuste especial"}, {"charge": "no_such_charge", "description": "Formación"},
              invoice="F10", month="2026-10"),
    ], ignore_index=True)
    rules = (rule(1, "documental", "email_platform", "email"), rule(2, "ans nivel", "sla:service_level"))
    out = training_set(billed, lambda m: matching.catalogue(contract, contract.period(m)), rules,
                       decisions(("F10", 1, "chat", "chat_licences")))
    assert out.to_dict("records") == [
        {"description": "Sesiones", "service": "chat", "charge": "chat_sessions"},
        {"description": "Cuota gestión documental", "service": "email", "charge": "email_platform"},
        {"description": "Penalización ANS nivel de servicio", "service": None, "charge": "sla:service_level"},
        {"description": "Ajuste especial", "service": "chat", "charge": "chat_licences"},
    ]
