"""Titles of the review duty (DS-11), worded when shown (obligations/texts.py)."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from aftercare.obligations.texts import Message


def _month(params: Mapping[str, Any]) -> dict[str, Any]:
    """A month as the reader writes it: "November 2026", "2026年11月"."""
    first = date(int(params["year"]), int(params["month"]), 1)
    return {**params, "period": formats.date_format(first, "YEAR_MONTH_FORMAT")}


# Keys are stored with the obligations: never rename one.
TITLES = {
    "review_monthly": Message(_("%(period)s review: write the summary"), _month),
    "review_yearly": Message(_("%(year)s yearly review: write the summary")),
}
