"""What `notebooks/explore.ipynb` shows, on a tiny engagement with hand-computed figures: KPIs over any dates
with overrides (`Engagement.kpis`), a what-if contract (`Contract.with_changes`) priced on the same month, a
day's staffing (`workbook.day_staffing`), and the short reprs and escaped HTML of what a user gets back.

The tiny engagement: one service `care` counting service level on offered contacts at 20 s, billed by a
graduated price per handled contact (the first 2 at 1.00, the rest at 0.80). Five contacts in September 2026:

    id  day         queue_s  answered
    c1  2026-09-10  10       yes
    c2  2026-09-10  25       yes
    c3  2026-09-10  28       yes
    c4  2026-09-20  40       yes
    c5  2026-09-20  15       no (abandoned)

Each answered contact talks 60 s. Offered 5, handled 4.
"""

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import nbformat
import pytest

from ccanalysis import workbook
from ccanalysis.engagement import load
from ccanalysis.errors import ContractError, InputError, UnknownNameError, UsageError
from ccanalysis.invoice import totals
from tests.engagements import activity_row, contract, write_engagement

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"
TIERS = [{"up_to": 2, "unit_price": "1.00"}, {"up_to": None, "unit_price": "0.80"}]
PATH = "services.care.charges.care_contacts.tiers.1.unit_price"


def _contact(contact_id, start, queue_s, answered=True):
    return {"contact_id": contact_id, "supplier": "acme", "service": "care", "start": start, "queue_s": queue_s,
            "answered": answered, "abandoned": not answered, "talk_s": 60 if answered else 0, "hold_s": 0,
            "acw_s": 0}


CONTACTS = [_contact("c1", "2026-09-10 10:00:00", 10), _contact("c2", "2026-09-10 10:05:00", 25),
            _contact("c3", "2026-09-10 10:10:00", 28), _contact("c4", "2026-09-20 11:00:00", 40),
            _contact("c5", "2026-09-20 11:05:00", 15, answered=False)]


def _tiny_contract(**changes):
    c = contract(**changes)
    service = c["services"][0]
    service["kpis"] = {"service_level": {"variant": "offered", "threshold_s": 20}}
    service["charges"] = [{"id": "care_contacts", "description": "Contacto atendido", "unit": "handled_contact",
                           "model": "graduated", "tiers": TIERS}]
    return c


@pytest.fixture
def eng(tmp_path):
    write_engagement(tmp_path, contracts=[_tiny_contract()], tables={"contacts/c.csv": CONTACTS})
    return load("tiny", root=tmp_path)


def _row(table, kpi):
    rows = table[table["kpi"] == kpi]
    assert len(rows) == 1, table
    return rows.iloc[0]


# ---------------------------------------------------------------------------------------------- KPIs
def test_kpis_under_the_contract_definition(eng):
    table = eng.kpis("acme", "care", "2026-09-01", "2026-09-30")
    sl = _row(table, "service_level")
    # answered within 20 s: c1 only; offered 5
    assert (sl["variant"], sl["value"], sl["threshold_s"], sl["unit"]) == ("offered", Fraction(1, 5), 20, "fraction")
    assert sl["defined_by"] == "contract"
    aht = _row(table, "aht_s")  # 4 answered × 60 s ÷ 4 handled
    assert (aht["value"], aht["unit"], aht["defined_by"]) == (Fraction(60), "seconds", "default")
    assert list(table.columns[:5]) == ["kpi", "variant", "value", "value_float", "unit"]


def test_another_threshold_and_variant(eng):
    table = eng.kpis("acme", "care", date(2026, 9, 1), date(2026, 9, 30), service_level={"threshold_s": 30},
                     abandonment_rate={"variant": "offered"})
    sl = _row(table, "service_level")
    # within 30 s: c1, c2, c3 of 5 offered; the contract's variant kept
    assert (sl["variant"], sl["value"], sl["threshold_s"], sl["defined_by"]) == ("offered", Fraction(3, 5), 30,
                                                                                "override")
    assert _row(table, "abandonment_rate")["value"] == Fraction(1, 5)  # c5 of 5 offered
    handled = eng.kpis("acme", "care", "2026-09-01", "2026-09-30",
                       service_level={"threshold_s": 30, "variant": "handled"})
    assert _row(handled, "service_level")["value"] == Fraction(3, 4)  # 3 of 4 handled


def test_any_date_range(eng):
    tenth = eng.kpis("acme", "care", "2026-09-10", "2026-09-10")
    assert _row(tenth, "service_level")["value"] == Fraction(1, 3)  # c1 of c1..c3
    twentieth = eng.kpis("acme", "care", "2026-09-20", date(2026, 9, 20), service_level={"threshold_s": 30})
    assert _row(twentieth, "service_level")["value"] == Fraction(0)  # c4 after 40 s, c5 abandoned
    # the loaded contract is not changed by an override
    assert eng.kpis("acme", "care", "2026-09-10", "2026-09-10").loc[0, "threshold_s"] == 20


@pytest.mark.parametrize("overrides, name, known", [
    ({"speed": {"variant": "x"}}, "speed", "service_level"),
    ({"service_level": {"treshold_s": 30}}, "treshold_s", "threshold_s"),
    ({"service_level": {"variant": "answered"}}, "answered", "handled_plus_late_abandons"),
])
def test_an_unknown_kpi_option_or_variant_names_the_known_ones(eng, overrides, name, known):
    with pytest.raises(UnknownNameError) as info:
        eng.kpis("acme", "care", "2026-09-01", "2026-09-30", **overrides)
    assert info.value.name == name and known in info.value.known and known in str(info.value)
    assert isinstance(info.value, UsageError)


@pytest.mark.parametrize("call", [
    lambda e: e.kpis("acme", "care", "2026-09-31", "2026-09-30"),
    lambda e: e.kpis("acme", "care", "09/01/2026", "2026-09-30"),
    lambda e: e.kpis("acme", "care", "2026-09-30", "2026-09-01"),
    lambda e: e.kpis("acme", "sales", "2026-09-01", "2026-09-30"),
    lambda e: e.kpis("acme", "care", "2026-09-01", "2026-09-30", service_level={"threshold_s": -1}),
    lambda e: e.kpis("acme", "care", "2026-09-01", "2026-09-30", service_level=30),
])
def test_bad_arguments_are_usage_errors(eng, call):
    with pytest.raises(UsageError):
        call(eng)


def test_a_threshold_daily_rows_were_not_counted_at_is_an_input_error(tmp_path):
    rows = [activity_row("2026-09-10", 10, 9, abandoned=1, answered_within_sl=8, sl_threshold_s=20, talk_s=540)]
    write_engagement(tmp_path, contracts=[_tiny_contract()], tables={"activity/a.csv": rows})
    eng = load("tiny", root=tmp_path)
    assert _row(eng.kpis("acme", "care", "2026-09-01", "2026-09-30"), "service_level")["value"] == Fraction(8, 10)
    with pytest.raises(InputError, match="threshold_s 30"):
        eng.kpis("acme", "care", "2026-09-01", "2026-09-30", service_level={"threshold_s": 30})


# ---------------------------------------------------------------------------------------------- what-if
def test_a_price_change_moves_the_expected_invoice_by_quantity_times_difference(eng):
    base = workbook.expected_invoice(eng, "acme", "2026-09")
    assert totals(base).net == Decimal("3.60")  # 2 × 1.00 + 2 × 0.80
    original = eng.contract("acme")
    cheaper = original.with_changes({PATH: "0.50"})
    what_if = workbook.expected_invoice(eng, "acme", "2026-09", contract=cheaper)
    assert totals(what_if).net - totals(base).net == 2 * (Decimal("0.50") - Decimal("0.80"))  # −0.60
    # a new contract: the loaded one, and the engagement's invoice, are unchanged
    assert cheaper is not original and Decimal(original.services[0].charges[0]["tiers"][1]["unit_price"]) == Decimal("0.80")
    assert eng.contract("acme") is original
    assert totals(workbook.expected_invoice(eng, "acme", "2026-09")).net == Decimal("3.60")


def test_changes_by_index_by_id_and_on_a_model_field(eng):
    changed = eng.contract("acme").with_changes({"services.0.charges.care_contacts.tiers.0.up_to": 3,
                                                 "services.care.kpis.service_level.threshold_s": 30,
                                                 "tax_rate": "0.10"})
    assert changed.services[0].charges[0]["tiers"][0]["up_to"] == 3
    assert changed.services[0].kpis["service_level"].threshold_s == 30 and changed.tax_rate == Decimal("0.10")
    lines = workbook.expected_invoice(eng, "acme", "2026-09", contract=changed)
    assert totals(lines).net == Decimal("3.80")  # 3 × 1.00 + 1 × 0.80
    assert totals(lines).tax == Decimal("0.38")


@pytest.mark.parametrize("path, where, known", [
    ("services.support.name", "services", ("care", "0..0")),
    ("services.care.charges.care_contacts.tiers.2.unit_price", "services.care.charges.care_contacts.tiers",
     ("0..1",)),
    ("services.care.chargez.care_contacts", "services.care", ("id", "name", "charges", "kpis")),
    ("suplier.name", "contract", ("supplier", "services", "tax_rate")),
])
def test_a_wrong_path_names_the_keys_that_exist_where_it_failed(eng, path, where, known):
    with pytest.raises(UnknownNameError) as info:
        eng.contract("acme").with_changes({path: "1"})
    error = info.value
    assert error.name == path and error.where == where and set(known) <= set(error.known)
    assert path in str(error) and all(k in str(error) for k in known)


def test_an_invalid_change_is_a_contract_error_naming_the_key(eng):
    with pytest.raises(ContractError) as info:
        eng.contract("acme").with_changes({"tax_rate": "21"})
    assert info.value.path == "tax_rate" and "0.21" in str(info.value)


def test_a_contract_of_another_supplier_is_refused(eng):
    other = eng.contract("acme").with_changes({"supplier": "other"})
    with pytest.raises(UsageError, match="'other'"):
        workbook.expected_invoice(eng, "acme", "2026-09", contract=other)


# ---------------------------------------------------------------------------------------------- staffing
def test_day_staffing_by_hand(eng):
    # 3 contacts on 10 September, AHT 60 s, spread evenly over 12 opening hours: 24 half-hours of 0.125
    # contacts, 0.125 × 60 ÷ 1800 = 1/240 Erlang. One agent answers 1 − (1/240)·e^(−(1 − 1/240)·20/60) ≈ 99.7 %
    # within 20 s (target 80 %), and at 30 % shrinkage ⌈1 ÷ 0.7⌉ = 2 are scheduled: 2 × 0.5 h × 24 = 24 h.
    needs = workbook.day_staffing(eng, "acme", "care", "2026-09-10")
    assert len(needs) == 24 and set(needs["raw_agents"]) == {1} and set(needs["agents"]) == {2}
    assert sum(needs["staffed_hours"]) == Decimal(24) and sum(needs["productive_hours"]) == Decimal(12)
    assert workbook.day_staffing(eng, "acme", "care", date(2026, 9, 11)).empty  # no contacts that day


# ---------------------------------------------------------------------------------------------- reprs
@pytest.fixture
def awkward(tmp_path):
    """Names that HTML must escape."""
    write_engagement(tmp_path, settings={"client": "Cliente <b>& Co</b>"},
                     contracts=[_tiny_contract(name="Acme <script>alert(1)</script>")],
                     tables={"contacts/c.csv": CONTACTS})
    return load("tiny", root=tmp_path)


def _short(text):
    assert "\n" not in text and len(text) < 200, text
    return text


def test_engagement_and_contract_reprs_are_one_short_line(awkward):
    text = _short(repr(awkward))
    assert text.startswith("<Engagement tiny:") and "acme" in text and "2026-09" in text and "contacts 5" in text
    text = _short(repr(awkward.contract("acme")))
    assert "acme" in text and "EUR" in text and "care (care_contacts)" in text and "versions none" in text


def test_html_reprs_escape_text(awkward):
    page = awkward._repr_html_()
    assert "Cliente &lt;b&gt;&amp; Co&lt;/b&gt;" in page and "<b>&" not in page
    assert "<td style=\"text-align:left\">5</td>" in page  # the contacts table's rows
    page = awkward.contract("acme")._repr_html_()
    assert "&lt;script&gt;" in page and "<script>" not in page and "care_contacts" in page


def test_invoice_and_audit_reprs(eng):
    lines = workbook.invoice_lines(eng, "acme", "2026-09")
    assert [_short(repr(line)) for line in lines] == [
        "<Line care/care_contacts tier 1 charge: 2 handled_contact × 1.00 = 2.00>",
        "<Line care/care_contacts tier 2 charge: 2 handled_contact × 0.80 = 1.60>"]
    result = totals(workbook.expected_invoice(eng, "acme", "2026-09"))
    assert _short(repr(result)) == "<Totals net 3.60 tax 0.76 gross 4.36>"  # 21 % of 3.60 = 0.756 → 0.76
    assert "<th style=\"text-align:left\">gross</th><td style=\"text-align:left\">4.36</td>" in result._repr_html_()
    audit = workbook.audit(eng, "acme", "2026-09")
    text = _short(repr(audit))
    assert text.startswith("<AuditResult acme 2026-09: no invoice, expected 3.60")
    assert "<table>" in audit._repr_html_()


def test_a_long_repr_is_cut(tmp_path):
    many = [f"supplier{i:02d}" for i in range(30)]
    contracts = [_tiny_contract(supplier=s, name="N" * 300) for s in many]
    write_engagement(tmp_path, settings={"suppliers": many}, contracts=contracts)
    eng = load("tiny", root=tmp_path)
    assert _short(repr(eng)).endswith("…>") or "(+" in repr(eng)
    assert _short(repr(eng.contract("supplier00"))).endswith("…>")


# ---------------------------------------------------------------------------------------------- the notebook
def test_the_explore_notebook_is_thin_and_stripped():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    for cell in code:
        assert "def " not in cell.source and "class " not in cell.source and "open(" not in cell.source
        assert not cell.get("outputs") and cell.get("execution_count") is None
    source = "\n".join(c.source for c in code)
    for call in ("eng.kpis(", ".with_changes(", "contract=cheaper", "day_staffing(", "expected_invoice("):
        assert call in source


def test_the_explore_notebook_is_what_the_builder_writes():
    from tools.make_notebooks import NOTEBOOK_BUILDERS

    built = NOTEBOOK_BUILDERS["explore.ipynb"]()
    written = nbformat.read(NOTEBOOK, as_version=4)
    assert [c.source for c in built.cells] == [c.source for c in written.cells]
