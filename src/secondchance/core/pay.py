"""Pay as boards publish it: a range, a currency, a period; read, shown and judged.

Pure. Amounts are whole hundredths of the currency's unit ("cents", whatever the
currency's own minor unit), so no float ever compares or stores money. Boards that
publish pay do it in structured fields (sources read them with ``pay_of``); a figure
that does not read as an amount is dropped rather than guessed.

The ``min_pay`` rule: a posting passes when the top of its range (its minimum when it
gives no maximum) reaches the floor, in the floor's currency. There is no currency
conversion: pay in another currency is not compared, and passes, saying so. Periods
are converted at full time, the way pay is quoted: 12 months, 52 weeks, 260 days or
2,080 hours a year, and the explanation says when it did. A posting that publishes
no pay passes unless ``pay_required``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

import msgspec


class Period(StrEnum):
    YEAR = "year"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"
    HOUR = "hour"


# Full-time periods in a year: how pay is quoted across periods (40 hours a week).
PER_YEAR = {Period.YEAR: 1, Period.MONTH: 12, Period.WEEK: 52, Period.DAY: 260, Period.HOUR: 2080}

# Above any pay a board publishes (a trillion a year), below what a BIGINT holds.
_LARGEST = 10**14
# A year's pay under a thousand units of any currency is no salary: a board's
# figure "in thousands" ("75.00" a year) or a typo. It is shown, not judged.
_PLAUSIBLE_YEAR = 1000 * 100


class Pay(msgspec.Struct, frozen=True, gc=False):
    """A posting's pay. ``min_cents``/``max_cents`` in hundredths of the currency's
    unit (either may be missing, never both); ``currency`` an ISO 4217 code."""

    currency: str | None = None
    min_cents: int | None = None
    max_cents: int | None = None
    period: Period | None = None

    @property
    def top(self) -> int:
        """The most it offers: the maximum, or the minimum when it gives none."""
        top = self.max_cents if self.max_cents is not None else self.min_cents
        assert top is not None  # pay_of never builds a Pay without an amount
        return top


def cents(value: object) -> int | None:
    """An amount (a number, or a number written as text: "75.00", "120000") in
    hundredths; None for anything else, zero and negatives included."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", text):
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            return None
    else:
        return None
    hundredths = int((amount * 100).to_integral_value())
    return hundredths if 0 < hundredths < _LARGEST else None


_CURRENCY = re.compile(r"[A-Za-z]{3}")


def currency_code(value: object) -> str | None:
    """An ISO 4217 code ("usd" → "USD"); None for a symbol or anything else."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text.upper() if _CURRENCY.fullmatch(text) else None


_PERIOD_WORDS = {
    "year": Period.YEAR,
    "yearly": Period.YEAR,
    "annual": Period.YEAR,
    "annually": Period.YEAR,
    "annum": Period.YEAR,
    "yr": Period.YEAR,
    "month": Period.MONTH,
    "monthly": Period.MONTH,
    "week": Period.WEEK,
    "weekly": Period.WEEK,
    "day": Period.DAY,
    "daily": Period.DAY,
    "hour": Period.HOUR,
    "hourly": Period.HOUR,
    "hr": Period.HOUR,
}


def period_of(value: object) -> Period | None:
    """The period of the spellings boards use: "year", "YEAR" (schema.org), "1 YEAR"
    (Ashby), "per-year-salary" and "per-hour-wage" (Lever), "yearly" (Personio)."""
    if not isinstance(value, str):
        return None
    words = re.split(r"[\s_-]+", value.strip().casefold())
    if words and words[0] == "1":
        words = words[1:]
    words = [w for w in words if w not in ("per", "a", "salary", "wage", "pay", "")]
    return _PERIOD_WORDS.get(words[0]) if len(words) == 1 else None


def pay_of(
    minimum: object, maximum: object, currency: object = None, period: object = None
) -> Pay | None:
    """The Pay of a board's fields, or None when it gives no amount. ``minimum`` and
    ``maximum`` may each be a number or numeric text (or already in cents: see
    ``pay_in_cents``); a reversed range is put right."""
    return _pay(cents(minimum), cents(maximum), currency, period)


def pay_in_cents(
    minimum: object, maximum: object, currency: object = None, period: object = None
) -> Pay | None:
    """``pay_of`` for boards that publish hundredths themselves (Greenhouse's
    ``min_cents``)."""
    return _pay(_whole(minimum), _whole(maximum), currency, period)


def _whole(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value < _LARGEST else None


def _pay(low: int | None, high: int | None, currency: object, period: object) -> Pay | None:
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Pay(
        currency=currency_code(currency),
        min_cents=low,
        max_cents=high,
        period=period if isinstance(period, Period) else period_of(period),
    )


def widest(pays: Iterable[Pay | None]) -> Pay | None:
    """One Pay for several ranges of a posting (tiers, zones, cities): from the lowest
    minimum to the highest maximum of those in the first one's currency and period
    (ranges in other currencies would not compare)."""
    first: Pay | None = None
    lows: list[int] = []
    highs: list[int] = []
    for pay in pays:
        if pay is None:
            continue
        if first is None:
            first = pay
        elif (pay.currency, pay.period) != (first.currency, first.period):
            continue
        lows += [pay.min_cents] if pay.min_cents is not None else []
        highs += [pay.max_cents] if pay.max_cents is not None else []
    if first is None:
        return None
    return Pay(first.currency, min(lows, default=None), max(highs, default=None), first.period)


def amount_text(hundredths: int) -> str:
    """90000_00 → "90,000"; 4550 → "45.50"."""
    units, rest = divmod(hundredths, 100)
    return f"{units:,}" if not rest else f"{units:,}.{rest:02d}"


_PER = {
    Period.YEAR: "a year",
    Period.MONTH: "a month",
    Period.WEEK: "a week",
    Period.DAY: "a day",
    Period.HOUR: "an hour",
}


def format_pay(pay: Pay) -> str:
    """One short line a phone shows whole: "USD 90,000–120,000 a year"."""
    low, high = pay.min_cents, pay.max_cents
    prefix = ""
    if low is not None and high is not None and low != high:
        amount = f"{amount_text(low)}–{amount_text(high)}"
    elif high is None or low is None:
        prefix = "from " if high is None else "up to "
        amount = amount_text(pay.top)
    else:
        amount = amount_text(low)
    if pay.currency:
        amount = f"{pay.currency} {amount}"
    period = f" {_PER[pay.period]}" if pay.period is not None else ""
    return f"{prefix}{amount}{period}"


def pay_json(pay: Pay | None) -> dict[str, object] | None:
    """Pay as ``--json`` prints it: amounts in the currency's units."""
    if pay is None:
        return None
    return {
        "min": _major(pay.min_cents),
        "max": _major(pay.max_cents),
        "currency": pay.currency,
        "period": pay.period.value if pay.period else None,
    }


def _major(hundredths: int | None) -> int | float | None:
    if hundredths is None:
        return None
    units, rest = divmod(hundredths, 100)
    return units if not rest else hundredths / 100


@dataclass(frozen=True)
class MinPay:
    """The ``min_pay`` floor of a filter."""

    cents: int
    currency: str
    period: Period = Period.YEAR

    def text(self) -> str:
        return format_pay(Pay(self.currency, self.cents, self.cents, self.period))


@dataclass(frozen=True)
class PayVerdict:
    passes: bool
    reason: str


def judge(pay: Pay | None, floor: MinPay | None, required: bool) -> PayVerdict:
    """Whether a posting's pay passes ``min_pay`` and ``pay_required``, and why."""
    if pay is None:
        if required:
            return PayVerdict(False, "no pay published, and pay_required is set")
        return PayVerdict(True, "no pay published, so let through")
    shown = format_pay(pay)
    if floor is None:
        return PayVerdict(True, f"pay {shown}")
    wanted = floor.text()
    if pay.currency is None:
        return PayVerdict(True, f"pay {shown} names no currency: not compared with {wanted}")
    if pay.currency != floor.currency:
        return PayVerdict(
            True, f"pay in {pay.currency}, not compared with {wanted} (no currency conversion)"
        )
    if pay.period is None:
        return PayVerdict(True, f"pay {shown} names no period: not compared with {wanted}")
    yearly = pay.top * PER_YEAR[pay.period]
    if yearly < _PLAUSIBLE_YEAR:
        return PayVerdict(
            True, f"pay {shown} is too low to be a full salary: not compared with {wanted}"
        )
    # Both sides as a year's pay in hundredths: exact integers, no float.
    meets = yearly >= floor.cents * PER_YEAR[floor.period]
    if pay.period is floor.period:
        said = f"pay {shown}"
    else:
        per = _per(pay.top, pay.period, floor.period)
        converted = format_pay(Pay(pay.currency, per, per, floor.period))
        said = f"pay {shown} (about {converted} at full time)"
    if meets:
        return PayVerdict(True, f"{said} reaches min_pay {wanted}")
    return PayVerdict(False, f"{said} is under min_pay {wanted}")


def _per(hundredths: int, given: Period, wanted: Period) -> int:
    """An amount per ``given`` period as one per ``wanted``, at full time, rounded."""
    divisor = PER_YEAR[wanted]
    return (hundredths * PER_YEAR[given] + divisor // 2) // divisor
