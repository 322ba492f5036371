"""Classifying retailers' charges: references first, then per-retailer rules, then the audit's learned
classifier, the review queue below the threshold; a person's decision overrides and is learned from."""

from __future__ import annotations

import pandas as pd
import pytest

from ccanalysis.cargos.classify import STAGES, accuracy, classify_charges, latest_decisions, review_queue

REFERENCES = {("merca", "PROMO-07"): "promotion", ("merca", "80012345"): "logistics_penalty"}
RULES = {"merca": [{"pattern": "rappel", "type": "rappel"}, {"pattern": "referenciaci[oó]n", "type": "listing_fee"}]}


def charges(*rows: tuple[str, str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["retailer", "document_id", "description", "reference"])


CHARGES = charges(
    ("merca", "C1", "Aportación promocional folleto julio", "PROMO-07"),      # reference → promotion
    ("merca", "C2", "Penalización retraso entrega", "80012345"),               # reference → logistics
    ("merca", "C3", "Rappel trimestral 2T 2026", None),                       # rule 1
    ("merca", "C4", "Cuota de referenciación ACEITE-5L", None),               # rule 2 (accent folded)
    ("merca", "C5", "Aportación promocional folleto agosto", None),           # learned: like C1
    ("merca", "C6", "zzzz qqqq", None),                                      # nothing like it: review
)


def test_precedence_reference_rule_learned_review():
    out = classify_charges(CHARGES, REFERENCES, RULES, None, threshold=0.6)
    assert list(out["method"]) == ["reference", "reference", "rule", "rule", "learned", "review"]
    assert list(out["type"]) == ["promotion", "logistics_penalty", "rappel", "listing_fee", "promotion", None]
    # C5 differs from C1 only in its month name, which the classifier leaves out: an identical text, ≈ 1
    assert out.loc[4, "confidence"] == pytest.approx(1.0, abs=1e-6)
    # the review queue keeps the classifier's best guess, below the threshold
    assert out.loc[5, "suggested_type"] is not None and out.loc[5, "confidence"] < 0.6


def test_a_decision_overrides_the_reference_and_is_learned_from():
    decisions = pd.DataFrame({"retailer": ["merca", "merca", "merca"], "document_id": ["C1", "C6", "C6"],
                              "type": ["marketing", "returns_damage", "marketing"],
                              "decided_at": ["2026-10-01T10:00", "2026-10-02T10:00", "2026-10-01T09:00"]})
    out = classify_charges(CHARGES, REFERENCES, RULES, decisions, threshold=0.6)
    assert out.loc[0, ["type", "method"]].tolist() == ["marketing", "human"]
    # C6 was decided twice: the later decided_at (returns_damage, 2 Oct) wins over the later row (1 Oct)
    assert out.loc[5, ["type", "method"]].tolist() == ["returns_damage", "human"]
    # a new charge like C6 is now learned from the decision (identical text → confidence ≈ 1)
    more = pd.concat([CHARGES, charges(("merca", "C7", "zzzz qqqq", None))], ignore_index=True)
    again = classify_charges(more, REFERENCES, RULES, decisions, threshold=0.6)
    assert again.loc[6, ["type", "method"]].tolist() == ["returns_damage", "learned"]


def test_threshold_zero_takes_every_guess():
    out = classify_charges(CHARGES, REFERENCES, RULES, None, threshold=0.0)
    # any guess ≥ 0: the unrelated C6 is typed by the classifier instead of going to review
    assert out.loc[5, "method"] == "learned" and out.loc[5, "suggested_type"] is None


def test_rules_are_per_retailer():
    other = charges(("otro", "X1", "Rappel anual 2026", None))
    out = classify_charges(other, {}, RULES, None, threshold=0.6)
    assert out.loc[0, "method"] == "review"  # merca's rule does not apply to otro; nothing to learn from


def test_unknown_type_is_an_error_naming_it():
    with pytest.raises(ValueError, match="unknown charge type 'bogus'.*C3"):
        classify_charges(CHARGES, {}, {"merca": [{"pattern": "rappel", "type": "bogus"}]}, None, threshold=0.6)


def test_latest_decisions_and_review_queue_order():
    frame = pd.DataFrame({"retailer": ["a", "a"], "document_id": ["1", "1"], "type": ["rappel", "promotion"],
                          "decided_at": ["2026-01-02", "2026-01-02"]})
    assert latest_decisions(frame) == {("a", "1"): "promotion"}  # equal times: the later row
    classified = pd.DataFrame({"retailer": ["a", "a", "a"], "document_id": ["1", "2", "3"],
                               "method": ["review", "rule", "review"], "confidence": [0.5, 1.0, 0.2]})
    assert list(review_queue(classified)["document_id"]) == ["3", "1"]


def test_stages_registry_names_what_exists():
    assert STAGES.names() == ("human", "reference", "rule", "learned")
    with pytest.raises(ValueError, match="human, reference, rule, learned"):
        STAGES.get("magic")


def test_accuracy_counts_by_hand():
    classified = pd.DataFrame({"retailer": ["a"] * 4, "document_id": ["1", "2", "3", "4"],
                               "type": ["rappel", "promotion", None, "rappel"],
                               "method": ["rule", "learned", "review", "learned"]})
    truth = pd.DataFrame({"retailer": ["a"] * 4, "document_id": ["1", "2", "3", "4"],
                          "true_type": ["rappel", "promotion", "marketing", "promotion"]})
    got = accuracy(classified, truth)
    # typed 3 (1, 2, 4), correct 2 (1, 2): 2/3; review 1 of 4 = 0.25; learned 1 of 2
    assert got["typed"] == 3 and got["correct"] == 2
    assert got["accuracy"] == pytest.approx(2 / 3)
    assert got["review_share"] == pytest.approx(0.25)
    assert got["accuracy_learned"] == pytest.approx(0.5)
