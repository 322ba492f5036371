"""i18n.simulation: every code the simulator emits has words in Spanish and English, and every header and
sentence exists in both languages with the same placeholders."""

from __future__ import annotations

import string
from decimal import Decimal as D

import pytest

from ccanalysis.i18n import simulation as w
from ccanalysis.simulation import breakeven, clauses, compare

#: The codes of the simulation modules (issue 13, brief H13 item 3).
EMITTED = {
    "client", "shared", "supplier", "commitment_shared", "volume", "aht", "shrinkage", "price", "in_band",
    "linear_gap", "linear_clipped", "sla_no_data", "sla_no_band", "sla_zero", "adjustment", "cap",
    "variant_not_computable", "penalty_cap", "bonus_cap", "charge_minimum", "charge_maximum", "minimum_commitment",
    "other_services", "assessed", "none", "own", "leakage", "activity_rows_only", "no_contact_records", "positive",
    "negative", "zero", "historic", "forecast", "erlang_c", "erlang_a", "linear", "bisection",
}


def test_the_codes_the_modules_return_are_in_the_list():
    # risk bearers from elasticities 1, 1/2 and 0 (≥ 2/3 client, ≤ 1/3 supplier, else shared)
    assert {compare.risk(D(1)), compare.risk(D("0.5")), compare.risk(D(0))} == {"client", "shared", "supplier"}
    assert set(breakeven.DRIVERS) <= EMITTED
    assert {clauses._sign(D(1)), clauses._sign(D(-1)), clauses._sign(D(0))} == {"positive", "negative", "zero"}


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("code", sorted(EMITTED))
def test_every_code_has_words_in_both_languages(code, lang):
    assert w.code(code, lang).strip()


def test_no_code_is_missing_a_language_and_unknown_codes_are_errors():
    for code, entry in w.CODES.items():
        assert set(entry) == {"es", "en"}, code
    assert w.code(None, "es") == ""
    with pytest.raises(KeyError, match="no words for simulation code 'nonsense'"):
        w.code("nonsense", "en")


def test_headers_and_sentences_exist_in_both_languages_with_the_same_placeholders():
    for key, entry in w.WORDS.items():
        assert set(entry) == {"es", "en"} and all(v.strip() for v in entry.values()), key
    for key, entry in w.SENTENCES.items():
        fields = {lang: {f for _, f, _, _ in string.Formatter().parse(text) if f} for lang, text in entry.items()}
        assert set(entry) == {"es", "en"} and fields["es"] == fields["en"], key


def test_spanish_words_are_spanish():
    assert w.code("shared", "es") == "compartido" and w.code("client", "en") == "client"
    assert w.word("p_cheapest", "es") == "Prob. de ser el más barato"
    assert "cheapest" not in w.sentence("summary_basis", "es", months="", cheapest="", total="", draws="",
                                        recommended="", mean="", p5="", p95="", p_cheapest="", risk_volume="",
                                        risk_aht="")
