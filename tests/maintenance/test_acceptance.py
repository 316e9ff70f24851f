"""Acceptance of preventive maintenance (BS-9): a confirmed plan schedules its visits, dates
move off days not worked (mainland holidays, make-up Saturdays), months clamp to their end
without drift, BS-9 falls due at the end of each date, a revision holds the later visits back
until it is confirmed, a defect opens a hotline ticket linked back, and moving a visit keeps
the date it was planned on."""

import subprocess
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from aftercare.agreements import actions as agreements
from aftercare.errors import Conflict, InvalidInput
from aftercare.maintenance import actions
from aftercare.maintenance.models import MaintenanceVisit, VisitReschedule
from aftercare.obligations.models import Obligation
from aftercare.servicedesk.models import Ticket
from tests.maintenance.helpers import (
    at,
    bs9,
    confirm,
    day,
    do,
    draft,
    end,
    everything_ok,
    hotline,
    visits,
)

pytestmark = pytest.mark.django_db

NOW = at(2026, 12, 1, 9, 0)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def scheduled(plan):
    return [visit.scheduled_on for visit in visits(plan) if visit.state == "planned"]


def test_a_quarterly_plan_confirmed_schedules_four_visits_each_with_bs9_due_at_the_end_of_its_day():
    h = hotline()
    plan = draft(h)
    assert plan.pk == plan.agreement.pk and not plan.visits.exists()  # nothing before confirmation
    confirm(h, plan)
    assert scheduled(plan) == [date(2026, 1, 15), date(2026, 4, 15), date(2026, 7, 15),
                               date(2026, 10, 15)]  # fmt: skip
    for visit in visits(plan):
        (duty,) = bs9(visit)
        assert duty.owner == h.eve and duty.done_at is None and duty.cancelled_at is None
        assert duty.due_at == end(visit.scheduled_on.year, visit.scheduled_on.month,
                                  visit.scheduled_on.day)  # fmt: skip
        assert duty.title_key == "maintenance_visit" and duty.customer == h.owner
    assert visits(plan)[0].checks.filter(system=h.cctv).count() == 7  # the CCTV checklist


def test_a_monthly_plan_moves_sunday_to_friday_and_february_to_the_make_up_saturday():
    h = hotline()
    plan = draft(h, every_months=1)
    confirm(h, plan)
    assert scheduled(plan) == [
        day("2026-01-15"), day("2026-02-14"),  # 15 Feb is Sunday; 14 Feb a make-up Saturday
        day("2026-03-13"), day("2026-04-15"), day("2026-05-15"), day("2026-06-15"),
        day("2026-07-15"), day("2026-08-14"), day("2026-09-15"), day("2026-10-15"),
        day("2026-11-13"),  # Sunday 15 November → Friday 13 November
        day("2026-12-15"),
    ]  # fmt: skip
    november = plan.visits.get(scheduled_on=date(2026, 11, 13))
    assert november.planned_on == date(2026, 11, 13)
    assert bs9(november)[0].due_at == end(2026, 11, 13)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("previous", [day("2026-09-30"), day("2026-10-10")]),
        ("next", [day("2026-10-08"), day("2026-10-10")]),
        ("keep", [day("2026-10-05"), day("2026-10-10")]),
    ],
)
def test_national_day_moves_as_the_plan_says_and_the_make_up_saturday_is_kept(setting, expected):
    h = hotline()
    # Monday 5 October is National Day (observed); Saturday 10 October is worked instead of 7th.
    plan = draft(h, dates=["2026-10-05", "2026-10-10"], non_working_day=setting)
    confirm(h, plan)
    assert scheduled(plan) == expected


def test_the_month_end_is_clamped_from_the_start_without_drift():
    h = hotline()
    plan = draft(h, starts_on="2026-01-31", ends_on="2026-06-30", every_months=1,
                 non_working_day="keep")  # fmt: skip
    confirm(h, plan, submitted_at=at(2026, 1, 6, 9, 0), confirmed_at=at(2026, 1, 8, 10, 0))
    assert scheduled(plan) == [
        day("2026-01-31"), day("2026-02-28"), day("2026-03-31"), day("2026-04-30"),
        day("2026-05-31"), day("2026-06-30"),
    ]  # fmt: skip
    shifted = draft(h, starts_on="2026-01-31", ends_on="2026-06-30", every_months=1)
    confirm(h, shifted)
    assert scheduled(shifted) == [
        day("2026-01-30"), day("2026-02-28"),  # Saturday 28 Feb is a make-up working day
        day("2026-03-31"), day("2026-04-30"), day("2026-05-29"), day("2026-06-30"),
    ]  # fmt: skip


def test_a_revision_after_the_second_visit_holds_the_later_ones_until_it_is_confirmed():
    h = hotline()
    plan = draft(h)
    confirm(h, plan)
    first, second, third, fourth = visits(plan)
    do(h, first, at(2026, 1, 15, 10, 0))
    do(h, second, at(2026, 4, 15, 11, 0))
    version = agreements.revise(
        plan.agreement, by=h.sam, reason="業主要求改為雙月保養", changes={"every_months": 2},
        at=at(2026, 5, 10, 9, 0),
    )  # fmt: skip
    assert version.number == 2 and version.state == "draft"
    for visit in (third, fourth):
        visit.refresh_from_db()
        assert visit.state == "on_hold"
        (duty,) = bs9(visit)
        assert duty.cancelled_at == at(2026, 5, 10, 9, 0) and "雙月" in duty.cancel_reason_text
    assert not Obligation.objects.pending().filter(rule="BS-9").exists()
    for visit, done_at in ((first, at(2026, 1, 15, 10, 0)), (second, at(2026, 4, 15, 11, 0))):
        visit.refresh_from_db()
        assert (visit.state, visit.done_at, visit.version.number) == ("done", done_at, 1)

    confirm(h, plan, submitted_at=at(2026, 5, 11, 9, 0), confirmed_at=at(2026, 5, 12, 10, 0))
    third.refresh_from_db()
    assert third.state == "cancelled"
    new = [visit for visit in visits(plan) if visit.state == "planned"]
    assert [visit.scheduled_on for visit in new] == [
        day("2026-05-15"), day("2026-07-15"), day("2026-09-15"), day("2026-11-13"),
    ]  # fmt: skip
    assert {visit.version.number for visit in new} == {2}
    for visit in new:
        (duty,) = bs9(visit)
        assert duty.done_at is None and duty.cancelled_at is None
        assert duty.due_at == end(visit.scheduled_on.year, visit.scheduled_on.month,
                                  visit.scheduled_on.day)  # fmt: skip
    assert [visit.state for visit in visits(plan)][:2] == ["done", "done"]


def test_a_defect_opens_a_ticket_linked_to_the_visit_and_shown_on_the_ticket_page(client):
    h = hotline()
    plan = draft(h, systems=[h.cctv, h.fire])
    confirm(h, plan)
    visit = visits(plan)[0]
    lens = visit.checks.get(system=h.cctv, code="cctv_lens")
    do(h, visit, at(2026, 1, 15, 10, 30), {lens.pk: {"result": "defect", "note": "鏡頭起霧"}})
    lens.refresh_from_db()
    ticket = lens.ticket
    assert ticket is not None and Ticket.objects.count() == 1
    assert (ticket.category, ticket.site, ticket.system) == ("equipment_fault", h.site, h.cctv)
    assert ticket.reported_at == at(2026, 1, 15, 10, 30) and "鏡頭起霧" in ticket.description
    visit.refresh_from_db()
    assert visit.state == "done" and bs9(visit)[0].done_at == at(2026, 1, 15, 10, 30)
    client.force_login(h.sam)
    page = client.get(reverse("servicedesk:ticket", args=[ticket.pk])).content.decode()
    assert reverse("maintenance:visit", args=[visit.pk]) in page
    assert 'id="ticket-maintenance"' in page


def test_the_visit_report_shows_the_title_the_checks_and_the_signature(client, pdf_text, tmp_path):
    h = hotline()
    plan = draft(h)
    confirm(h, plan)
    visit = visits(plan)[0]
    retention = visit.checks.get(code="cctv_retention")
    do(h, visit, at(2026, 1, 15, 10, 30),
       {retention.pk: {"result": "defect", "reading": "12", "note": "需擴容"}})  # fmt: skip
    client.force_login(h.sam)
    client.cookies.load({"django_language": "zh-hant"})
    response = client.get(reverse("maintenance:report_pdf", args=[visit.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for fact in ("定期維護保養記錄", "宏遠大廈", "閉路電視", "李經理", "需擴容", "2026-01-15 10:30",
                 Ticket.objects.get().number):  # fmt: skip
        assert fact in text, fact
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                             check=True).stdout  # fmt: skip
    images = [line for line in listing.splitlines()[2:] if line.split()[2] == "image"]
    assert len(images) == 1 and images[0].split()[3:5] == ["1", "1"]  # the signature drawn


def test_moving_a_visit_needs_a_reason_keeps_the_planned_date_and_moves_bs9():
    h = hotline()
    plan = draft(h)
    confirm(h, plan)
    visit = visits(plan)[1]
    with pytest.raises(InvalidInput) as refused:
        actions.reschedule(visit, by=h.eve, to=date(2026, 4, 20), reason=" ",
                           at=at(2026, 4, 10, 9, 0))  # fmt: skip
    assert "reason" in refused.value.fields and not VisitReschedule.objects.exists()
    actions.reschedule(visit, by=h.eve, to=date(2026, 4, 20), reason="業主大堂裝修",
                       at=at(2026, 4, 10, 9, 0))  # fmt: skip
    visit.refresh_from_db()
    assert (visit.planned_on, visit.scheduled_on) == (date(2026, 4, 15), date(2026, 4, 20))
    old, new = bs9(visit)
    assert old.cancelled_at == at(2026, 4, 10, 9, 0)
    assert old.cancel_reason_text == "The visit moved to 2026-04-20: 業主大堂裝修"
    assert new.due_at == end(2026, 4, 20) and new.done_at is None
    (move,) = VisitReschedule.objects.all()
    assert (move.from_day, move.to_day, move.by) == (date(2026, 4, 15), date(2026, 4, 20), h.eve)


def test_a_done_visit_is_frozen_and_cannot_be_recorded_twice():
    h = hotline()
    plan = draft(h)
    confirm(h, plan)
    visit = visits(plan)[0]
    do(h, visit, at(2026, 1, 15, 10, 0))
    with pytest.raises(Conflict):
        do(h, MaintenanceVisit.objects.get(pk=visit.pk), at(2026, 1, 15, 11, 0))
    visit = MaintenanceVisit.objects.get(pk=visit.pk)
    visit.signed_by = "改名"
    with pytest.raises(Conflict):
        visit.save()
    check = visit.checks.first()
    check.note = "補充"
    with pytest.raises(Conflict):
        check.save()


def test_every_check_needs_a_result_a_reading_and_a_signature_or_nothing_is_written():
    h = hotline()
    plan = draft(h)
    confirm(h, plan)
    visit = visits(plan)[0]
    retention = visit.checks.get(code="cctv_retention")
    items = [item for item in everything_ok(visit) if item.check_id != retention.pk]
    items.append(actions.CheckInput(check_id=retention.pk, result="ok"))
    with pytest.raises(InvalidInput) as refused:
        actions.record_result(visit, by=h.eve, items=items[1:], signed_by="", signature_png="",
                              done_at=at(2026, 1, 15, 10, 0))  # fmt: skip
    fields = refused.value.fields
    assert {"items", "signed_by", "signature_png"} <= set(fields)
    assert any(key.endswith(".reading") for key in fields)
    visit.refresh_from_db()
    assert visit.state == "planned" and bs9(visit)[0].done_at is None
    assert not visit.checks.exclude(result="").exists() and not Ticket.objects.exists()


def test_a_reading_out_of_range_is_marked_but_the_engineer_decides():
    h = hotline()
    plan = draft(h)
    confirm(h, plan)
    visit = visits(plan)[0]
    retention = visit.checks.get(code="cctv_retention")  # at least 30 days
    do(h, visit, at(2026, 1, 15, 10, 0), {retention.pk: {"result": "ok", "reading": "21"}})
    retention.refresh_from_db()
    assert retention.out_of_range and retention.result == "ok" and retention.ticket is None
