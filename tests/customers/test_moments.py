"""`|minute`, `|day` and `|input_minute` print what `|date` prints with their formats."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

FORMATS = {"minute": "Y-m-d H:i", "day": "Y-m-d", "input_minute": r"Y-m-d\TH:i"}


def _both(filters):
    """A template printing `ours=django` for each filter, separated by |."""
    pairs = (f"{{{{ v|{ours} }}}}={{{{ v|date:'{FORMATS[ours]}' }}}}" for ours in filters)
    return Template("{% load moments %}" + "|".join(pairs))


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Taipei", "UTC", "America/New_York"])
@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_the_filters_print_what_date_prints(zone, language):
    rng = random.Random(17)
    start = datetime(1999, 12, 31, 15, 59, tzinfo=UTC)
    moments = [start + timedelta(minutes=rng.randrange(20_000_000)) for _ in range(200)]
    cases = [(_both(FORMATS), [*moments, None, ""]), (_both(["day"]), [m.date() for m in moments])]
    with timezone.override(zone), translation.override(language):
        for template, values in cases:
            for value in values:
                for pair in template.render(Context({"v": value})).split("|"):
                    ours, django = pair.split("=")
                    assert ours == django, (value, pair)
