"""Matching billed lines to the contract: which service and charge each line of a supplier's invoice bills.

In this order of precedence (audit.md, "Reading a supplier invoice"):
    human     a person's decision for that exact line (supplier, invoice_id, line), the latest one winning
    ids       the service and charge ids the supplier wrote on the line
    rule      the first of the supplier's rules whose pattern is found in the description
    learned   a text classifier trained on the lines already matched by ids, rules or decisions
A line whose ids name nothing in the contract, or whose best guess is below the confidence threshold, is
left unmatched with that guess as a suggestion: it is never silently guessed (the audit lists it for review
and treats it as not in the contract). Pure: plain data in, a DataFrame out; no I/O, no sentences.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ccanalysis import sla as sla_rules
from ccanalysis.contract import BillingPeriod, Contract, MinimumCommitment, Service
from ccanalysis.invoice import ACCOUNT_CAP
from ccanalysis.money import to_decimal

#: The contract's true-up over all services: the one charge without a service.
COMMITMENT = "minimum_commitment"
#: Columns `match_lines` adds to the billed lines.
MATCH_COLUMNS = ["billed_service", "billed_charge", "service", "charge", "match_method", "match_confidence",
                 "match_rule", "suggested_service", "suggested_charge"]
#: Columns of the classifier's training data and of human decisions.
TRAINING_COLUMNS = ["description", "service", "charge"]
LABEL_COLUMNS = ["supplier", "invoice_id", "line", "description", "service", "charge", "decided_at"]

#: Month names an invoice writes in its descriptions ("... agosto 2026"): the period, not the charge.
_MONTH_WORDS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                "setiembre", "octubre", "noviembre", "diciembre", "january", "february", "march", "april",
                "may", "june", "july", "august", "september", "october", "november", "december")
#: Sharpness of the classifier's softmax over cosine similarities (a class 0.15 nearer is e³ times likelier).
SOFTMAX_TEMPERATURE = 0.05
_SEP = "\x1f"  # between service and charge in a class label
_PERIOD_NOISE = re.compile(r"\d+|\b(?:" + "|".join(_MONTH_WORDS) + r")\b")


# --------------------------------------------------------------------------- the contract's charges
@dataclass(frozen=True)
class Catalogue:
    """The (service, charge) pairs a contract bills in one billing period, reserved ids of audit.md
    included; the service is None only for `minimum_commitment`."""

    pairs: frozenset[tuple[str | None, str]]

    def services_of(self, charge: str) -> tuple[str, ...]:
        """The services that have `charge`, sorted."""
        return tuple(sorted(s for s, c in self.pairs if c == charge and s is not None))

    def charges(self) -> tuple[str, ...]:
        """The catalogue's distinct charge ids, sorted."""
        return tuple(sorted({c for _, c in self.pairs}))

    def listed(self) -> list[str]:
        """Every pair as `service/charge` (or `charge` alone), sorted: what a message lists as valid."""
        return sorted(c if s is None else f"{s}/{c}" for s, c in self.pairs)

    def __contains__(self, pair: object) -> bool:
        return pair in self.pairs


def service_pairs(service: Service) -> set[tuple[str | None, str]]:
    """A service's billable charges with their limit lines and its SLA lines (reserved ids)."""
    pairs: set[tuple[str | None, str]] = set()
    for charge in service.charges:
        pairs.add((service.id, charge["id"]))
        for limit in ("minimum", "maximum"):
            if charge.get(limit) is not None:
                pairs.add((service.id, f"{charge['id']}:{limit}"))
    if service.collections is not None and service.collections.max_fee_per_account is not None:
        pairs.add((service.id, ACCOUNT_CAP))
    if service.sla:
        rules = sla_rules.parse(service.sla)
        pairs |= {(service.id, f"sla:{rule.id}") for rule in rules.rules}
        if rules.penalty_cap is not None:
            pairs.add((service.id, "sla:cap_penalty"))
        if rules.bonus_cap is not None:
            pairs.add((service.id, "sla:cap_bonus"))
    return pairs


def _catalogue(services: Iterable[Service], commitments: Iterable[MinimumCommitment | None]) -> Catalogue:
    pairs: set[tuple[str | None, str]] = set()
    for service in services:
        pairs |= service_pairs(service)
    if any(c is not None for c in commitments):
        pairs.add((None, COMMITMENT))
    return Catalogue(frozenset(pairs))


def catalogue(contract: Contract, period: BillingPeriod) -> Catalogue:
    """What the contract bills in `period`: the services of the version in force (active in the period)."""
    return _catalogue(contract.services_for(period), [contract.commitment_for(period)])


def contract_catalogue(contract: Contract) -> Catalogue:
    """Every pair any version of the contract bills (to validate rules and decisions valid in any month)."""
    services = list(contract.services) + [s for v in contract.versions for s in v.services]
    commitments = [contract.minimum_commitment] + [v.minimum_commitment for v in contract.versions]
    return _catalogue(services, commitments)


# --------------------------------------------------------------------------- rules
@dataclass(frozen=True)
class Rule:
    """A supplier's rule: a line whose description contains `pattern` bills (service, charge); `number`
    is its 1-based position in the rules file. A rule without service names a charge whose service is
    found from the expected invoice (or is the only one having it)."""

    number: int
    pattern: re.Pattern[str]
    service: str | None
    charge: str


def fold(text: object) -> str:
    """Text without accents (NFKD, combining marks removed), casefolded: what rules and the classifier read."""
    if not isinstance(text, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A rule's regular expression, case- and accent-insensitive; `re.error` when it is broken."""
    decomposed = unicodedata.normalize("NFKD", pattern)
    return re.compile("".join(ch for ch in decomposed if not unicodedata.combining(ch)), re.IGNORECASE)


def first_rule(description: object, rules: Sequence[Rule]) -> Rule | None:
    """The first rule whose pattern matches the folded description, or None."""
    text = fold(description)
    return next((rule for rule in rules if rule.pattern.search(text)), None)


# --------------------------------------------------------------------------- service resolution
def _number(value: object) -> Decimal | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    try:
        return to_decimal(value)
    except ValueError:
        return None


def resolve_service(charge: str, candidates: Sequence[str], quantity: object, amount: object,
                    expected: pd.DataFrame | None) -> str | None:
    """The service of a line billing `charge` when several services have it: the one whose expected line
    of that charge has the line's quantity, else its amount, else the nearest amount; None when still
    ambiguous (or with no expected invoice)."""
    if len(candidates) == 1:
        return candidates[0]
    if not candidates or expected is None or expected.empty:
        return None
    rows = expected[(expected["charge"] == charge) & expected["service"].isin(candidates)]
    if rows.empty:
        return None
    services = rows["service"].tolist()
    for column, value in (("quantity", quantity), ("amount", amount)):
        wanted = _number(value)
        if wanted is None:
            continue
        hits = {s for s, v in zip(services, rows[column], strict=True) if _number(v) == wanted}
        if len(hits) == 1:
            return hits.pop()
    billed = _number(amount)
    if billed is None:
        return None
    distance: dict[str, Decimal] = {}
    for service, value in zip(services, rows["amount"], strict=True):
        number = _number(value)
        if number is not None:
            gap = abs(number - billed)
            distance[service] = min(gap, distance.get(service, gap))
    if not distance:
        return None
    nearest = min(distance.values())
    best = [s for s, gap in distance.items() if gap == nearest]
    return best[0] if len(best) == 1 else None


# --------------------------------------------------------------------------- the classifier
def _classifier_text(description: object) -> str:
    """What the classifier reads: folded text without digits and month names (the period a line bills is
    not what it bills)."""
    return " ".join(_PERIOD_NOISE.sub(" ", fold(description)).split())


@dataclass(frozen=True)
class Guess:
    """The classifier's best (service, charge) for a text; service None when the charge is billed by
    several services alike; confidence in 0–1."""

    service: str | None
    charge: str
    confidence: float
    #: probability of each service for that charge (to resolve the service)
    services: tuple[tuple[str | None, float], ...] = ()


class LineClassifier:
    """Character n-gram TF-IDF and a nearest-centroid linear model predicting (service, charge).

    Each (service, charge) seen in training has a centroid (the L2-normalised mean of its lines' TF-IDF
    vectors); a text scores its cosine similarity to each centroid (a linear function of its vector), and
    a softmax of the scores (temperature SOFTMAX_TEMPERATURE) gives each class a probability, summed over
    the services of a charge. Confidence = that probability capped by the cosine similarity of the text to
    the nearest training line of the charge: an identical text scores about 1, a text as near to two
    charges about 0.5, an unrelated one its (low) similarity. Texts are deduplicated before training and
    predicting (an invoice of 5,000 per-agent lines has few distinct texts once digits and months are
    left out). With one class the nearest line alone decides; with no training data nothing is guessed."""

    def __init__(self, training: pd.DataFrame) -> None:
        self._vectoriser: Any = None
        if training.empty:
            return
        frame = training[TRAINING_COLUMNS].copy()
        frame = frame[[isinstance(c, str) and bool(c) for c in frame["charge"]]]
        frame["text"] = frame["description"].map(_classifier_text)
        frame["label"] = [f"{s if isinstance(s, str) and s else ''}{_SEP}{c}"
                          for s, c in zip(frame["service"], frame["charge"], strict=True)]
        grouped = frame.groupby(["text", "label"], sort=True).size().reset_index(name="count")
        if grouped.empty:
            return
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        self._vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self._lines = self._vectoriser.fit_transform(grouped["text"])
        self._row_of = {text: i for i, text in enumerate(grouped["text"])}  # a text's vector, computed once
        self._labels = sorted(set(grouped["label"]))
        position = {label: k for k, label in enumerate(self._labels)}
        rows = grouped["label"].map(position).to_numpy()
        members = sparse.csr_matrix((grouped["count"].to_numpy(float), (rows, np.arange(len(grouped)))),
                                    shape=(len(self._labels), len(grouped)))
        self._centroids = normalize(members @ self._lines)
        self._line_charges = np.array([label.split(_SEP, 1)[1] for label in grouped["label"]])

    def _vectors(self, texts: list[str]) -> Any:
        """TF-IDF rows of `texts`, taken from training where a text was seen there."""
        from scipy import sparse

        known = [self._row_of.get(t) for t in texts]
        seen = [i for i, row in enumerate(known) if row is not None]
        new = [i for i, row in enumerate(known) if row is None]
        stacked = self._lines[[known[i] for i in seen]]
        if new:
            stacked = sparse.vstack([stacked, self._vectoriser.transform([texts[i] for i in new])], format="csr")
        order = np.empty(len(texts), dtype=int)
        order[seen + new] = np.arange(len(texts))
        return stacked[order]

    def predict(self, descriptions: Sequence[object]) -> list[Guess | None]:
        """The best guess for each description (None when there is no training data)."""
        if self._vectoriser is None:
            return [None] * len(descriptions)
        texts = [_classifier_text(d) for d in descriptions]
        unique = sorted(set(texts))
        vectors = self._vectors(unique)
        scores = (vectors @ self._centroids.T).toarray() / SOFTMAX_TEMPERATURE
        probability = np.exp(scores - scores.max(axis=1, keepdims=True))
        probability /= probability.sum(axis=1, keepdims=True)
        label_charges = np.array([label.split(_SEP, 1)[1] for label in self._labels])
        charges = sorted(set(label_charges))
        by_charge = np.stack([probability[:, label_charges == c].sum(axis=1) for c in charges], axis=1)
        best = by_charge.argmax(axis=1)
        nearest = np.zeros(len(unique))
        for k, charge in enumerate(charges):  # similarity to the nearest line, only of each text's best charge
            rows = np.flatnonzero(best == k)
            if len(rows):
                lines = self._lines[self._line_charges == charge]
                nearest[rows] = (vectors[rows] @ lines.T).max(axis=1).toarray().ravel()
        guesses: dict[str, Guess] = {}
        for i, text in enumerate(unique):
            charge = str(charges[best[i]])
            services = tuple(sorted(((label.split(_SEP, 1)[0] or None, float(probability[i, k]))
                                     for k, label in enumerate(self._labels) if label_charges[k] == charge),
                                    key=lambda sp: -sp[1]))
            confidence = min(float(by_charge[i, best[i]]), float(nearest[i]) if text else 0.0, 1.0)
            guesses[text] = Guess(services[0][0] if len(services) == 1 else None, charge,
                                  round(max(confidence, 0.0), 6), services)
        return [guesses[t] for t in texts]


# --------------------------------------------------------------------------- matching
def _text(value: object) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _decisions(labels: pd.DataFrame | None) -> dict[tuple[str, str, int], tuple[str | None, str]]:
    """The latest decision per (supplier, invoice_id, line): later rows win."""
    out: dict[tuple[str, str, int], tuple[str | None, str]] = {}
    if labels is None or labels.empty:
        return out
    for row in labels[["supplier", "invoice_id", "line", "service", "charge"]].itertuples(index=False):
        charge = _text(row.charge)
        if charge is None or _number(row.line) is None:
            continue
        out[(str(row.supplier), str(row.invoice_id), int(row.line))] = (_text(row.service), charge)
    return out


@dataclass
class _Match:
    service: str | None = None
    charge: str | None = None
    method: str | None = None
    confidence: float | None = None
    rule: int | None = None
    suggested_service: str | None = None
    suggested_charge: str | None = None
    decided: bool = False  # settled before the classifier (matched, or held back for review)
    ambiguous: bool = False  # the charge is known, not which of its services


def _place(match: _Match, method: str, service: str | None, charge: str, catalogue: Catalogue, line: Any,
           expected: pd.DataFrame | None, confidence: float = 1.0, *, billed_service: str | None = None,
           rule: int | None = None) -> bool:
    """Set `match` to (service, charge) when the catalogue has it, resolving a missing service (a charge
    several services bill and the expected invoice does not attribute leaves the line for review, with the
    charge suggested); False when the pair is not in the contract for this period."""
    if charge == COMMITMENT:
        service = None
    elif service is None:
        candidates = catalogue.services_of(charge)
        if billed_service in candidates:
            candidates = (billed_service,)
        if not candidates:
            return False
        service = resolve_service(charge, candidates, line.quantity, line.amount, expected)
        if service is None:
            match.suggested_charge, match.confidence = charge, confidence
            match.decided = match.ambiguous = True
            return True
    if (service, charge) not in catalogue:
        return False
    match.service, match.charge, match.method, match.confidence, match.rule = service, charge, method, confidence, rule
    match.decided = True
    return True


def _settled(lines: list[Any], catalogue: Catalogue, rules: Sequence[Rule],
             decisions: dict[tuple[str, str, int], tuple[str | None, str]],
             expected: pd.DataFrame | None) -> list[_Match]:
    """Human decisions, ids and rules, per line (the classifier's turn is what stays undecided)."""
    out = []
    for line in lines:
        match = _Match()
        out.append(match)
        billed_service, billed_charge = _text(getattr(line, "service", None)), _text(getattr(line, "charge", None))
        key = (str(getattr(line, "supplier", "")), str(line.invoice_id), int(line.line))
        if key in decisions:
            service, charge = decisions[key]
            if _place(match, "human", service, charge, catalogue, line, expected):
                continue
            match.suggested_service, match.suggested_charge, match.decided = service, charge, True
            continue
        if billed_charge is not None:
            if not _place(match, "ids", billed_service, billed_charge, catalogue, line, expected):
                match.suggested_service, match.suggested_charge = billed_service, billed_charge
                match.decided = True  # the supplier said what it bills: not in the contract, never guessed
            continue
        text = fold(line.description)
        for rule in rules:
            if rule.pattern.search(text) and _place(
                    match, "rule", rule.service, rule.charge, catalogue, line, expected,
                    billed_service=billed_service, rule=rule.number):
                break
    return out


def training_set(lines: pd.DataFrame, catalogue_for: Callable[[str], Catalogue], rules: Sequence[Rule],
                 labels: pd.DataFrame | None) -> pd.DataFrame:
    """The classifier's training data: every billed line of a supplier (any month: column `month`) matched
    by a human decision, its ids or a rule, as (description, service, charge). A charge billed by several
    services keeps service None when no expected invoice is at hand to tell which."""
    rows: list[tuple[object, str | None, str]] = []
    decisions = _decisions(labels)
    if lines.empty:
        return pd.DataFrame(columns=TRAINING_COLUMNS, dtype=object)
    for month, part in lines.groupby("month", sort=True):
        billed = list(part.itertuples(index=False))
        for line, match in zip(billed, _settled(billed, catalogue_for(str(month)), rules, decisions, None),
                               strict=True):
            charge = match.charge or (match.suggested_charge if match.ambiguous else None)
            if charge is not None:
                rows.append((line.description, match.service, charge))
    return pd.DataFrame(rows, columns=TRAINING_COLUMNS, dtype=object)


def match_lines(billed: pd.DataFrame, catalogue: Catalogue, *, rules: Sequence[Rule], labels: pd.DataFrame | None,
                training: pd.DataFrame | Callable[[], pd.DataFrame], threshold: float,
                expected: pd.DataFrame | None = None, classifier: LineClassifier | None = None) -> pd.DataFrame:
    """The billed lines of one period with how each is matched (MATCH_COLUMNS added; see the module doc).

    `expected`: the expected invoice's lines (service, charge, quantity, amount) to tell which service an
    SLA line without ids bills; `threshold`: the engagement's `match_threshold` (a fraction); `classifier`
    reuses one trained on `training`; `training` may be a function giving it, called only when some line is
    left for the classifier (a supplier whose lines all carry ids never pays for it)."""
    out = billed.copy()
    for column_name in ("service", "charge"):
        given = out[column_name] if column_name in out else pd.Series(None, index=out.index, dtype=object)
        out[f"billed_{column_name}"] = pd.Series([_text(v) for v in given], index=out.index, dtype=object)
    lines = list(billed.itertuples(index=False))
    matches = _settled(lines, catalogue, rules, _decisions(labels), expected)
    pending = [i for i, m in enumerate(matches) if not m.decided]
    if pending:
        model = classifier if classifier is not None else LineClassifier(training() if callable(training) else training)
        guesses = model.predict([lines[i].description for i in pending])
        for i, guess in zip(pending, guesses, strict=True):
            if guess is None:
                continue
            match, line = matches[i], lines[i]
            # a charge several services bill: the expected invoice tells which, not the text
            service = guess.service if len(catalogue.services_of(guess.charge)) <= 1 else None
            if guess.confidence >= threshold and _place(
                    match, "learned", service, guess.charge, catalogue, line, expected, guess.confidence,
                    billed_service=_text(getattr(line, "service", None))) and not match.ambiguous:
                continue
            match.suggested_service = guess.service or (guess.services[0][0] if guess.services else None)
            match.suggested_charge, match.confidence = guess.charge, guess.confidence
    def column(values: list[object]) -> pd.Series:
        return pd.Series(values, index=out.index, dtype=object)

    out["service"] = column([m.service for m in matches])
    out["charge"] = column([m.charge for m in matches])
    out["match_method"] = column([m.method for m in matches])
    out["match_confidence"] = column([m.confidence for m in matches])
    out["match_rule"] = column([m.rule for m in matches])
    out["suggested_service"] = column([None if m.method else m.suggested_service for m in matches])
    out["suggested_charge"] = column([None if m.method else m.suggested_charge for m in matches])
    return out
