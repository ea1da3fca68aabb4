"""The pay keys of a filter: min_pay and pay_required, checked where they are written."""

from __future__ import annotations

from pathlib import Path

import pytest
from watchlists import line_of, minimal, problems_of, write

from secondchance.config import load
from secondchance.core.models import Posting
from secondchance.core.pay import MinPay, Pay, Period


def test_min_pay_is_read_into_each_company_s_filter(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [filter]
        min_pay = { amount = 90000, currency = "usd", period = "year" }

        [[company]]
        name = "Acme"
        greenhouse = "acme"

        [[company]]
        name = "Globex"
        lever = "globex"
        [company.filter]
        min_pay = { amount = 45.5, currency = "EUR", period = "hour" }
        pay_required = true
        """,
    )
    acme, globex = load(path).companies
    assert acme.filter.min_pay == MinPay(90000_00, "USD", Period.YEAR)
    assert not acme.filter.pay_required
    assert globex.filter.min_pay == MinPay(4550, "EUR", Period.HOUR)
    assert globex.filter.pay_required is True
    low = Posting("1", "Engineer", pay=Pay("USD", 50000_00, 60000_00, Period.YEAR))
    assert not acme.passes(low)
    assert acme.passes(Posting("2", "Engineer"))
    assert not globex.passes(Posting("2", "Engineer"))


def test_the_period_is_a_year_unless_said(tmp_path: Path) -> None:
    path = write(tmp_path, minimal('[filter]\nmin_pay = { amount = 1, currency = "GBP" }\n'))
    assert load(path).companies[0].filter.min_pay == MinPay(100, "GBP", Period.YEAR)


@pytest.mark.parametrize(
    ("table", "key", "message"),
    [
        (
            '{ amount = 90000, currency = "USD", period = "fortnight" }',
            "period",
            "invalid value 'fortnight': expected 'year' or 'month' or 'week' or 'day' or 'hour'",
        ),
        ('{ amount = -1, currency = "USD" }', "amount", "must be greater than 0"),
        ('{ amount = 0, currency = "USD" }', "amount", "must be greater than 0"),
        ('{ amount = "90k", currency = "USD" }', "amount", "expected a number, got a string"),
        (
            '{ amount = 90000, currency = "US$" }',
            "currency",
            'expected a three-letter ISO 4217 code such as "USD"',
        ),
        (
            '{ amount = 90000, currency = "dollars" }',
            "currency",
            'expected a three-letter ISO 4217 code such as "USD"',
        ),
        ("{ amount = 90000 }", "currency", "required key is missing"),
        ('{ amount = 1, currency = "USD", per = "year" }', "per", "unknown key"),
    ],
)
def test_a_bad_min_pay_names_its_file_line_and_key(
    table: str, key: str, message: str, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        minimal(f'[filter]\ninclude = ["analyst"]\nmin_pay = {table}\n')
        + f"[company.filter]\nmin_pay = {table}\n",
    )
    where = ".".join(part for part in ("min_pay", key) if part)
    line = line_of(path, "min_pay", 1)
    again = line_of(path, "min_pay", 2)
    problems = problems_of(path)
    assert problems[0].startswith(f"{path}:{line}: filter.{where}")
    assert problems[0].endswith(message)
    assert problems[1].startswith(f"{path}:{again}: company[0].filter.{where}")
    assert problems[1].endswith(message)


def test_pay_required_is_a_boolean(tmp_path: Path) -> None:
    path = write(tmp_path, minimal("[filter]\npay_required = 1\n"))
    (problem,) = problems_of(path)
    assert problem == f"{path}:2: filter.pay_required: expected true or false, got a whole number"
