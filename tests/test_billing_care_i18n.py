"""i18n.billing_care: every registered code (repeat definitions, policy checks), every reason, method,
heading and sentence has words in Spanish and in English."""

import pytest

from ccanalysis.billing_care import discounts, drivers
from ccanalysis.i18n import LANGS
from ccanalysis.i18n import billing_care as words


@pytest.mark.parametrize("lang", LANGS)
def test_every_registered_code_has_words(lang):
    for name in drivers.REPEAT_DEFINITIONS.names():
        assert words.repeat_name(name, lang) and words.repeat_definition(name, lang)
    for name in discounts.POLICY_CHECKS.names():
        assert words.check_name(name, lang)
    for method in ("raw", "matched", "ipw"):
        assert words.method_name(method, lang) and words.method_short(method, lang)


def test_every_catalogue_entry_has_both_languages():
    for catalogue in (words.REASON_WORDS, words.REPEAT_WORDS, words.CHECK_WORDS, words.METHOD_WORDS, words.METHOD_SHORT,
                      words.HEADINGS, words.SENTENCES, words.BASIS_WORDS):
        for key, entry in catalogue.items():
            assert set(entry) == set(LANGS), key


def test_sentences_have_the_same_fields_in_both_languages():
    import string

    def fields(text):
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for catalogue in (words.SENTENCES, words.HEADINGS):
        for key, entry in catalogue.items():
            assert fields(entry["es"]) == fields(entry["en"]), key
    for key, entry in words.CHECK_WORDS.items():
        assert fields(entry["es"][1]) <= {"agent", "customer", "value", "limit", "day", "reason", "previous_day",
                                          "months"}, key
        assert fields(entry["es"][1]) == fields(entry["en"][1]), key


def test_a_clients_own_reason_code_shows_as_it_is():
    assert words.reason_name("FACT-99", "es") == "FACT-99"
    assert words.reason_name("cancellation_threat", "es") == "amenaza de baja"
