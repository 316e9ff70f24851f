"""The rulebook's windows for an organisation: defaults, overrides, calendars (STANDARD.md)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from aftercare.standard import actions
from aftercare.standard.deadlines import add_months, effective_rule, window
from aftercare.standard.models import CalendarDay
from aftercare.standard.rules import DEFAULT_RULES, RULES, default_rule

SH = ZoneInfo("Asia/Shanghai")
TP = ZoneInfo("Asia/Taipei")


def at(*args, tz=SH):
    return datetime(*args, tzinfo=tz)


def end(y, m, d, tz=SH):
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=tz)


def test_every_rule_of_the_standard_is_data():
    ids = [rule.id for rule in DEFAULT_RULES]
    # Our own rules (DS-2M, DS-4E, DS-7L) sit after the rule they serve.
    assert ids[:16] == [
        "DS-1", "DS-2", "DS-2M", "DS-3", "DS-4", "DS-4E", "DS-5", "DS-6", "DS-7", "DS-7L",
        *(f"DS-{n}" for n in range(8, 14)),
    ]  # fmt: skip
    assert ids[16:] == [f"BS-{n}" for n in range(1, 15)]


def test_maintenance_reminder_is_counted_back_a_week():
    """DS-2M (ours, not the seed's): the reminder falls due 7 days before maintenance."""
    assert default_rule("DS-2M").due_after == -7


@pytest.mark.django_db
def test_ds3_first_follow_up_window_after_pickup(desk):
    """DS-3: opens 3 days after pick-up (start of day), due 7 days after (end of day)."""
    win = window(desk.org, "DS-3", at(2026, 1, 29, 18, 30))
    assert win.opens_at == at(2026, 2, 1, 0, 0)
    assert win.due_at == end(2026, 2, 5)


@pytest.mark.django_db
def test_ds1_due_two_calendar_days_after_check_in(desk):
    assert window(desk.org, "DS-1", at(2026, 1, 30, 14, 0)).due_at == end(2026, 2, 1)


@pytest.mark.django_db
def test_utc_event_counts_on_the_organisations_local_date(desk):
    """2026-01-29T17:00Z is 2026-01-30 01:00 in Shanghai."""
    event = datetime(2026, 1, 29, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert window(desk.org, "DS-1", event).due_at == end(2026, 2, 1)


@pytest.mark.django_db
def test_organisation_in_taipei_counts_taipei_days(desk):
    desk.org.time_zone = "Asia/Taipei"
    desk.org.region = "TW"
    desk.org.save()
    event = datetime(2026, 3, 31, 16, 30, tzinfo=ZoneInfo("UTC"))  # 2026-04-01 00:30 Taipei
    assert window(desk.org, "DS-1", event).due_at == end(2026, 4, 3, tz=TP)


@pytest.mark.django_db
def test_working_day_override_skips_national_day_week(desk):
    actions.set_rule_setting(
        desk.org, "DS-4", by=desk.ada, opens_after=None, due_after=2, day_count="working"
    )
    assert effective_rule(desk.org, "DS-4").day_count == "working"
    assert window(desk.org, "DS-4", at(2026, 9, 30, 15, 0)).due_at == end(2026, 10, 9)
    assert window(desk.org, "DS-4", at(2026, 10, 9, 10, 0)).due_at == end(2026, 10, 12)


@pytest.mark.django_db
def test_organisation_closure_and_extra_working_day_shift_working_deadlines(desk):
    actions.set_rule_setting(
        desk.org, "DS-4", by=desk.ada, opens_after=None, due_after=1, day_count="working"
    )
    # Friday 2026-11-27 + 1 working day = Monday 30th; closing Monday pushes it to Tuesday.
    assert window(desk.org, "DS-4", at(2026, 11, 27, 10)).due_at == end(2026, 11, 30)
    actions.set_calendar_day(
        desk.org, date(2026, 11, 30), kind=CalendarDay.Kind.CLOSURE, by=desk.ada
    )
    assert window(desk.org, "DS-4", at(2026, 11, 27, 10)).due_at == end(2026, 12, 1)
    actions.set_calendar_day(
        desk.org, date(2026, 11, 28), kind=CalendarDay.Kind.WORKING, by=desk.ada
    )
    assert window(desk.org, "DS-4", at(2026, 11, 27, 10)).due_at == end(2026, 11, 28)


@pytest.mark.django_db
def test_campaign_notice_is_due_fourteen_days_before_the_start(desk):
    """DS-7 counts back from the campaign's start."""
    assert window(desk.org, "DS-7", at(2026, 5, 20, 9, 0)).due_at == end(2026, 5, 6)


@pytest.mark.django_db
def test_monthly_review_due_five_days_after_month_end_in_leap_february(desk):
    """DS-11: the period ends 2028-02-29 (leap year) → due 2028-03-05."""
    assert window(desk.org, "DS-11", at(2028, 2, 29, 23, 59)).due_at == end(2028, 3, 5)


@pytest.mark.django_db
def test_hotline_on_site_target_counts_hours(desk):
    """BS-7: 2 hours on the default 24×7 service calendar."""
    assert window(desk.org, "BS-7", at(2026, 3, 1, 23, 0)).due_at == at(2026, 3, 2, 1, 0)


@pytest.mark.django_db
def test_warranty_runs_two_years_clamped_at_month_end(desk):
    """BS-5: accepted 2024-02-29 → warranty ends 2026-02-28 (no 29th in 2026)."""
    assert window(desk.org, "BS-5", at(2024, 2, 29, 10)).due_at == end(2026, 2, 28)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 15), 2) == date(2028, 2, 15)
    assert add_months(date(2028, 3, 31), -1) == date(2028, 2, 29)


@pytest.mark.django_db
def test_rules_without_deadline_refuse_a_window(desk):
    with pytest.raises(ValueError):
        window(desk.org, "DS-8", at(2026, 1, 1, 9))
    assert not RULES["DS-8"].tracked


@pytest.mark.django_db
def test_override_is_per_organisation(desk):
    from tests.factories import OrganisationFactory

    other = OrganisationFactory()
    actions.set_rule_setting(desk.org, "DS-3", by=desk.ada, opens_after=2, due_after=5)
    assert window(desk.org, "DS-3", at(2026, 1, 29, 18, 30)).due_at == end(2026, 2, 3)
    assert window(other, "DS-3", at(2026, 1, 29, 18, 30)).due_at == end(2026, 2, 5)


@pytest.mark.django_db
def test_invalid_override_is_refused_and_changes_nothing(desk):
    from aftercare.errors import InvalidInput
    from aftercare.standard.models import RuleSetting

    with pytest.raises(InvalidInput) as refused:
        actions.set_rule_setting(desk.org, "DS-3", by=desk.ada, opens_after=9, due_after=5)
    assert "opens_after" in refused.value.fields
    assert not RuleSetting.objects.exists()


@pytest.mark.django_db
def test_only_administrators_change_the_rulebook(desk):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.set_rule_setting(desk.org, "DS-3", by=desk.sam, opens_after=1, due_after=2)
