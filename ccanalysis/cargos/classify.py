"""Classifying a retailer's charges into the taxonomy (`CHARGE_TYPES`): which kind of charge each document is.

The stages are one registry, `STAGES`, tried in registration order; the first that types a charge wins:
    human      a person's decision for that document (retailer, document_id): the latest decided_at wins
               (file order among equals); it overrides everything else
    reference  what the charge's reference proves (a promotion id, a delivery note, a rappel period:
               `references.reference_index`); a reference that proves only a family of types (a delivery
               note: a logistics penalty, a price difference or a return, `families`) leaves the choice
               within the family to the next stages
    rule       the first of the retailer's `classification_rules` whose pattern is found in the folded
               description (patterns as in the audit's rules: `matching.compile_pattern`)
    learned    the audit's text classifier (`matching.LineClassifier`, the type as its label, no service)
               trained on the charges typed by the three stages above — so every decision is learned from; a
               charge whose reference proves a family is guessed by the same classifier trained on that
               family's charges only
A charge the classifier is less sure of than `threshold` (or that nothing types) goes to the review queue:
type None, method `review`, the best guess in `suggested_type` with its confidence. Pure: plain data in,
a DataFrame out; no I/O, no sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ccanalysis.audit.matching import LineClassifier, compile_pattern, fold
from ccanalysis.cargos import CHARGE_TYPES
from ccanalysis.registry import Registry

#: Columns `classify_charges` adds to the charges.
CLASSIFY_COLUMNS = ["type", "method", "confidence", "suggested_type"]
REVIEW = "review"
DECISION_COLUMNS = ["retailer", "document_id", "type", "decided_at", "decided_by", "note"]


@dataclass(frozen=True)
class TypeRule:
    """A retailer's classification rule: a charge whose folded description matches `pattern` is of `type`;
    `number` is its 1-based position in the agreement's `classification_rules`."""

    number: int
    pattern: re.Pattern[str]
    type: str


def type_rules(rules: Iterable[Any]) -> list[TypeRule]:
    """An agreement's `classification_rules` (records or dicts with `pattern` and `type`) compiled in order."""
    out = []
    for number, rule in enumerate(rules, start=1):
        if isinstance(rule, TypeRule):
            rule = {"pattern": rule.pattern, "type": rule.type}
        pattern = rule["pattern"] if isinstance(rule, Mapping) else rule.pattern
        kind = rule["type"] if isinstance(rule, Mapping) else rule.type
        out.append(TypeRule(number, pattern if isinstance(pattern, re.Pattern) else compile_pattern(str(pattern)),
                            str(kind)))
    return out


def latest_decisions(decisions: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    """The type a person gave each (retailer, document_id): the latest decided_at, file order among equals."""
    if decisions is None or decisions.empty:
        return {}
    frame = decisions.assign(_order=range(len(decisions)))
    if "decided_at" in frame:
        frame = frame.assign(_at=pd.to_datetime(frame["decided_at"], errors="coerce"))
        frame = frame.sort_values(["_at", "_order"], kind="stable", na_position="first")
    return {(str(r), str(d)): str(t) for r, d, t in zip(frame["retailer"], frame["document_id"], frame["type"],
                                                        strict=True) if isinstance(t, str) and t}


@dataclass
class Context:
    """What the stages read: the charges, the reference index, each retailer's compiled rules, the human
    decisions, the threshold, and what the earlier stages decided (`typed`: position → (type, method,
    confidence))."""

    charges: pd.DataFrame
    references: Mapping[tuple[str, str], str]
    rules: Mapping[str, Sequence[TypeRule]]
    decisions: Mapping[tuple[str, str], str]
    threshold: float
    families: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    typed: dict[int, tuple[str, str, float]] = field(default_factory=dict)
    #: charges whose reference proves a family: position → the family's types
    family: dict[int, tuple[str, ...]] = field(default_factory=dict)
    suggested: dict[int, tuple[str, float]] = field(default_factory=dict)


#: A stage types some of the pending charges: {position: (type, confidence)}; it may leave suggestions
#: for the review queue in `context.suggested`.
Decide = Callable[[Context, list[int]], dict[int, tuple[str, float]]]


@dataclass(frozen=True)
class Stage:
    """One classifier stage: its name (the `method` it writes) and how it decides."""

    name: str
    decide: Decide = field(repr=False, compare=False)


STAGES: Registry[Stage] = Registry("classifier stage", "stages", key="method")


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _human(ctx: Context, pending: list[int]) -> dict[int, tuple[str, float]]:
    keys = list(zip(ctx.charges["retailer"].astype(str), ctx.charges["document_id"].astype(str), strict=True))
    return {i: (ctx.decisions[keys[i]], 1.0) for i in pending if keys[i] in ctx.decisions}


def _reference(ctx: Context, pending: list[int]) -> dict[int, tuple[str, float]]:
    if "reference" not in ctx.charges:
        return {}
    retailers = ctx.charges["retailer"].astype(str).tolist()
    refs = ctx.charges["reference"].tolist()
    out = {}
    for i in pending:
        ref = _text(refs[i])
        if ref is not None and (retailers[i], ref) in ctx.references:
            kind = ctx.references[(retailers[i], ref)]
            if kind in ctx.families:
                ctx.family[i] = ctx.families[kind]
                ctx.suggested[i] = (kind, 0.0)  # the family's first type, should nothing tell them apart
            else:
                out[i] = (kind, 1.0)
    return out


def _rule(ctx: Context, pending: list[int]) -> dict[int, tuple[str, float]]:
    retailers = ctx.charges["retailer"].astype(str).tolist()
    descriptions = ctx.charges["description"].tolist()
    out = {}
    for i in pending:
        text = fold(descriptions[i])
        hit = next((r for r in ctx.rules.get(retailers[i], ()) if r.pattern.search(text)
                    and (i not in ctx.family or r.type in ctx.family[i])), None)
        if hit is not None:
            out[i] = (hit.type, 1.0)
    return out


def _learned(ctx: Context, pending: list[int]) -> dict[int, tuple[str, float]]:
    descriptions = ctx.charges["description"].tolist()
    out = {}
    groups: dict[tuple[str, ...] | None, list[int]] = {}
    for i in pending:
        groups.setdefault(ctx.family.get(i), []).append(i)
    for family, members in groups.items():
        rows = [i for i, (t, _, _) in ctx.typed.items() if family is None or t in family]
        training = pd.DataFrame({"description": [descriptions[i] for i in rows], "service": [None] * len(rows),
                                 "charge": [ctx.typed[i][0] for i in rows]}, dtype=object)
        model = LineClassifier(training)
        for i, guess in zip(members, model.predict([descriptions[i] for i in members]), strict=True):
            if guess is None:
                continue
            if guess.confidence >= ctx.threshold:
                out[i] = (guess.charge, guess.confidence)
            else:
                ctx.suggested[i] = (guess.charge, guess.confidence)
    return out


for _stage in (Stage("human", _human), Stage("reference", _reference), Stage("rule", _rule),
               Stage("learned", _learned)):
    STAGES.register(_stage)


def classify_charges(charges: pd.DataFrame, references: Mapping[tuple[str, str], str],
                     rules_by_retailer: Mapping[str, Iterable[Any]], decisions: pd.DataFrame | None, *,
                     threshold: float, families: Mapping[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """The charges (retailer, document_id, description, optional reference) with CLASSIFY_COLUMNS added:
    type (None when sent to review), method (the stage that typed it, or `review`), confidence (0–1; the
    classifier's for `learned` and `review`, 1 otherwise, None when nothing guessed), suggested_type (the
    guess of a charge sent to review). `rules_by_retailer`: each retailer's classification rules (records or
    dicts with pattern and type, or `TypeRule`s); `threshold`: a fraction (the engagement's
    `cargos.review_threshold`); `families`: a type a reference proves → the types it cannot tell apart
    (`{"logistics_penalty": references.DELIVERY_TYPES}`). A type outside CHARGE_TYPES is a ValueError naming it."""
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold: expected a fraction between 0 and 1, got {threshold}")
    charges = charges.reset_index(drop=True)
    rules = {str(r): type_rules(rs) for r, rs in rules_by_retailer.items()}
    ctx = Context(charges, references, rules, latest_decisions(decisions), threshold, dict(families or {}))
    pending = list(range(len(charges)))
    for stage in STAGES.records():
        decided = stage.decide(ctx, pending) if pending else {}
        for i, (kind, confidence) in decided.items():
            if kind not in CHARGE_TYPES:
                raise ValueError(f"{stage.name}: unknown charge type {kind!r} for document "
                                 f"{charges['document_id'].iloc[i]!r} (types: {', '.join(CHARGE_TYPES)})")
            ctx.typed[i] = (kind, stage.name, round(float(confidence), 6))
        pending = [i for i in pending if i not in decided]
    out = charges.copy()
    n = len(out)
    out["type"] = pd.Series([ctx.typed[i][0] if i in ctx.typed else None for i in range(n)], dtype=object)
    out["method"] = pd.Series([ctx.typed[i][1] if i in ctx.typed else REVIEW for i in range(n)], dtype=object)
    out["confidence"] = pd.Series([ctx.typed[i][2] if i in ctx.typed else
                                   (ctx.suggested[i][1] if i in ctx.suggested else None) for i in range(n)],
                                  dtype=object)
    out["suggested_type"] = pd.Series([ctx.suggested[i][0] if i in ctx.suggested and i not in ctx.typed else None
                                       for i in range(n)], dtype=object)
    return out


def review_queue(classified: pd.DataFrame) -> pd.DataFrame:
    """The charges sent to review (method `review`), the least confident first."""
    queue = classified[classified["method"] == REVIEW]
    conf = pd.to_numeric(queue["confidence"], errors="coerce").fillna(-1.0)
    return queue.assign(_c=conf).sort_values(["_c", "retailer", "document_id"], kind="stable").drop(columns="_c")


def accuracy(classified: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float | int]:
    """Against a truth table (retailer, document_id, true_type): charges, typed (not sent to review),
    correct among the typed, accuracy = correct ÷ typed, review_share = sent to review ÷ charges, and
    accuracy by method."""
    merged = classified.merge(truth[["retailer", "document_id", "true_type"]].astype({"document_id": str}),
                              on=["retailer", "document_id"], how="inner")
    typed = merged[merged["method"] != REVIEW]
    correct = typed["type"] == typed["true_type"]
    by_method = {m: float((g["type"] == g["true_type"]).mean()) for m, g in typed.groupby("method")}
    return {"charges": len(merged), "typed": len(typed), "correct": int(correct.sum()),
            "accuracy": float(correct.mean()) if len(typed) else 0.0,
            "review_share": float((merged["method"] == REVIEW).mean()) if len(merged) else 0.0,
            **{f"accuracy_{m}": v for m, v in by_method.items()}}
