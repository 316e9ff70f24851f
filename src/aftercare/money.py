"""Money: ``Decimal`` with two places, never float; the currencies an organisation may bill in.

Amounts arrive from forms and JSON as text or numbers. A third decimal place is refused rather
than rounded away (the user typed something the bill cannot show), and so is anything that is
not a plain number ("1e3", "NaN", "350,00").
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftercare.errors import Errors

CENT = Decimal("0.01")
LARGEST = Decimal("9999999999.99")


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan (CNY)")
    TWD = "TWD", _("New Taiwan dollar (TWD)")
    HKD = "HKD", _("Hong Kong dollar (HKD)")


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from what a form or JSON gave, else None (bool and floats' noise
    excluded: a float is read through its shortest text, 0.1 → "0.1")."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or "e" in str(value).lower():
        return None
    return number


def parse_money(value: Any, *, field: str, errors: Errors, allow_zero: bool = True) -> Decimal:
    """An amount with at most two decimal places, 0 (or more than 0) to 9 999 999 999.99.

    Answers ``Decimal(0)`` after adding the field's error, so a caller collects every error
    before raising them together."""
    number = to_decimal(value)
    if number is None:
        errors.add(field, str(_("Give an amount such as 350.00.")))
        return Decimal(0)
    if number.as_tuple().exponent < -2 and number != number.quantize(CENT):  # type: ignore[operator]
        errors.add(field, str(_("An amount has at most two decimal places.")))
        return Decimal(0)
    if number < 0 or (number == 0 and not allow_zero) or number > LARGEST:
        errors.add(
            field,
            str(
                _("Give an amount from 0.00 to 9999999999.99.")
                if allow_zero
                else _("Give an amount above 0.00.")
            ),
        )
        return Decimal(0)
    return number.quantize(CENT)


def round_cents(value: Decimal) -> Decimal:
    """Half up to the cent: how a computed amount (hours × rate) is written on a bill."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
