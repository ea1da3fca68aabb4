"""Pay read from a board's fields, shown on one line, and judged by min_pay."""

from __future__ import annotations

import msgspec
import pytest

from secondchance.core.board import BoardState
from secondchance.core.drafts import of_change
from secondchance.core.filters import Filter, compile_filter, merge
from secondchance.core.models import Change, ChangeKind, Posting, SourceRef
from secondchance.core.pay import (
    MinPay,
    Pay,
    Period,
    cents,
    currency_code,
    format_pay,
    judge,
    pay_in_cents,
    pay_json,
    pay_of,
    period_of,
)

USD_YEAR = MinPay(90_000_00, "USD", Period.YEAR)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (120000, 120000_00),
        (45.5, 4550),
        ("75.00", 7500),
        ("175000.0", 175000_00),
        ("120,000", 120000_00),
        (" 90000 ", 90000_00),
        (0.1 + 0.2, 30),  # no float drift into the cents
        ("0.0", None),
        (0, None),
        (-5, None),
        ("-5", None),
        ("$100k", None),
        ("", None),
        (None, None),
        (True, None),
        (float("nan"), None),
        (float("inf"), None),
        (10**30, None),
        ({"value": 1}, None),
    ],
)
def test_cents(value: object, expected: int | None) -> None:
    assert cents(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("year", Period.YEAR),
        ("YEAR", Period.YEAR),
        ("1 YEAR", Period.YEAR),
        ("per-year-salary", Period.YEAR),
        ("yearly", Period.YEAR),
        ("annual", Period.YEAR),
        ("1 MONTH", Period.MONTH),
        ("monthly", Period.MONTH),
        ("per-month-salary", Period.MONTH),
        ("WEEK", Period.WEEK),
        ("per-day-wage", Period.DAY),
        ("per-hour-wage", Period.HOUR),
        ("HOUR", Period.HOUR),
        ("hourly", Period.HOUR),
        ("NONE", None),
        ("one-time", None),
        ("2 YEAR", None),
        ("", None),
        (None, None),
        (12, None),
    ],
)
def test_periods_as_boards_spell_them(value: object, expected: Period | None) -> None:
    assert period_of(value) == expected


def test_currency_codes() -> None:
    assert currency_code("usd") == "USD"
    assert currency_code(" EUR ") == "EUR"
    assert currency_code("£") is None
    assert currency_code("US$") is None
    assert currency_code(None) is None


def test_pay_of_reads_a_range_and_puts_a_reversed_one_right() -> None:
    assert pay_of("75.00", "95.00", "USD", "year") == Pay("USD", 7500, 9500, Period.YEAR)
    assert pay_of(200, 100, "eur", "1 MONTH") == Pay("EUR", 100_00, 200_00, Period.MONTH)
    assert pay_of(None, 120000, None, None) == Pay(None, None, 120000_00, None)
    assert pay_of(None, None, "USD", "year") is None
    assert pay_of("0.0", "0.0", None, None) is None
    assert pay_in_cents(13000000, 15000000, "USD") == Pay("USD", 130000_00, 150000_00)
    assert pay_in_cents("13000000", 1.5, "USD") is None


def test_pay_is_a_hashable_msgspec_value_on_a_posting() -> None:
    pay = Pay("USD", 1, 2, Period.HOUR)
    posting = Posting(id="1", title="Engineer", pay=pay)
    assert hash(posting) == hash(Posting(id="1", title="Engineer", pay=Pay("USD", 1, 2, "hour")))  # type: ignore[arg-type]
    encoded = msgspec.json.encode(posting)
    assert msgspec.json.decode(encoded, type=Posting) == posting


@pytest.mark.parametrize(
    ("pay", "text"),
    [
        (Pay("USD", 90000_00, 120000_00, Period.YEAR), "USD 90,000–120,000 a year"),
        (Pay("EUR", 4550, 6000, Period.HOUR), "EUR 45.50–60 an hour"),
        (Pay("GBP", 100000_00, None, Period.YEAR), "from GBP 100,000 a year"),
        (Pay("USD", None, 5000_00, Period.MONTH), "up to USD 5,000 a month"),
        (Pay("USD", 800_00, 800_00, Period.DAY), "USD 800 a day"),
        (Pay(None, 120000_00, 150000_00, None), "120,000–150,000"),
        (Pay(None, 50_00, None, Period.WEEK), "from 50 a week"),
    ],
)
def test_format_pay_fits_a_phone(pay: Pay, text: str) -> None:
    assert format_pay(pay) == text


def test_pay_json_is_in_the_currency_units() -> None:
    assert pay_json(Pay("USD", 90000_00, 120050, Period.YEAR)) == {
        "min": 90000,
        "max": 1200.5,
        "currency": "USD",
        "period": "year",
    }
    assert pay_json(None) is None


@pytest.mark.parametrize(
    ("pay", "required", "passes", "says"),
    [
        (None, False, True, "no pay published, so let through"),
        (None, True, False, "pay_required"),
        (Pay("USD", 80000_00, 120000_00, Period.YEAR), False, True, "reaches min_pay"),
        # The top of the range decides; without one, the minimum.
        (Pay("USD", 60000_00, 90000_00, Period.YEAR), False, True, "reaches"),
        (Pay("USD", 60000_00, 89999_99, Period.YEAR), False, False, "is under min_pay"),
        (Pay("USD", 95000_00, None, Period.YEAR), False, True, "reaches"),
        (Pay("USD", 85000_00, None, Period.YEAR), False, False, "under"),
        # No currency conversion: another currency passes and says so.
        (Pay("EUR", 10_00, 20_00, Period.YEAR), True, True, "no currency conversion"),
        (Pay(None, 10_00, 20_00, Period.YEAR), False, True, "names no currency"),
        (Pay("USD", 10_00, 20_00, None), False, True, "names no period"),
        # Full-time conversion: 2,080 hours, 12 months.
        (Pay("USD", 40_00, 45_00, Period.HOUR), False, True, "about USD 93,600 a year"),
        (Pay("USD", 40_00, 43_00, Period.HOUR), False, False, "about USD 89,440 a year"),
        (Pay("USD", 7000_00, 7500_00, Period.MONTH), False, True, "about USD 90,000 a year"),
        # "75.00" a year (Recruitee's thousands): shown, never judged.
        (Pay("USD", 75_00, 95_00, Period.YEAR), False, True, "too low to be a full salary"),
    ],
)
def test_judge(pay: Pay | None, required: bool, passes: bool, says: str) -> None:
    verdict = judge(pay, USD_YEAR, required)
    assert verdict.passes is passes
    assert says in verdict.reason


def test_an_hourly_floor_judges_a_yearly_salary_at_full_time() -> None:
    floor = MinPay(50_00, "USD", Period.HOUR)
    assert judge(Pay("USD", None, 104000_00, Period.YEAR), floor, False).passes
    verdict = judge(Pay("USD", None, 103000_00, Period.YEAR), floor, False)
    assert not verdict.passes
    assert "about USD 49.52 an hour" in verdict.reason


def test_pay_required_alone_asks_for_any_pay() -> None:
    assert judge(Pay("JPY", 1, 2, None), None, True).passes
    assert not judge(None, None, True).passes


def _posting(pay: Pay | None) -> Posting:
    return Posting(id="1", title="Data Analyst", locations=("Berlin",), pay=pay)


@pytest.mark.parametrize(
    "pay",
    [
        None,
        Pay("USD", 1, 2, Period.YEAR),
        Pay("USD", 100000_00, None, Period.YEAR),
        Pay("EUR", 1, 2, Period.YEAR),
        Pay("USD", 50_00, None, Period.HOUR),
    ],
)
@pytest.mark.parametrize("required", [False, True])
def test_the_filter_and_its_explanation_agree_on_pay(pay: Pay | None, required: bool) -> None:
    f = compile_filter(Filter(include=("analyst",), min_pay=USD_YEAR, pay_required=required))
    verdict = f.explain(_posting(pay))
    assert verdict.passes is f.passes(_posting(pay))
    if not verdict.passes:
        assert verdict.rule == "pay"
    else:
        assert verdict.reason.startswith("include matched 'Analyst'; ")


def test_the_text_rules_decide_before_pay() -> None:
    f = compile_filter(Filter(exclude=("analyst",), min_pay=USD_YEAR))
    verdict = f.explain(_posting(Pay("USD", 1000000_00, None, Period.YEAR)))
    assert (verdict.passes, verdict.rule) == (False, "exclude")


def test_a_company_pay_rule_replaces_the_global_one_key_by_key() -> None:
    eur = MinPay(60000_00, "EUR")
    merged = merge(Filter(min_pay=USD_YEAR, pay_required=True), Filter(min_pay=eur))
    assert merged.min_pay == eur
    assert merged.pay_required is True
    assert merge(Filter(pay_required=True), Filter(pay_required=False)).pay_required is False


def test_an_alert_about_a_posting_carries_its_pay_as_one_line() -> None:
    board = BoardState(id=1, company="Acme", kind="lever", board="acme", attempts=3)
    ref = SourceRef("Acme", "lever", "acme")
    paid = Posting("1", "Engineer", pay=Pay("USD", 90000_00, 120000_00, Period.YEAR))
    draft = of_change(board, Change(ChangeKind.NEW, ref, paid, extra={"context": "x"}), ["a"])
    assert draft.extra == {"context": "x", "pay": "USD 90,000–120,000 a year"}
    unpaid = of_change(board, Change(ChangeKind.NEW, ref, Posting("2", "Analyst")), ["a"])
    assert "pay" not in unpaid.extra
