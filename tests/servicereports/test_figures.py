"""Every figure of August 2026 for the site with a known month (helpers.py), checked exactly,
through the tick's batch (1 September 00:05 in Shanghai), "generate again" and the archive."""

from datetime import date

import pytest
import time_machine

from aftercare.errors import Conflict, InvalidInput, NotAllowed
from aftercare.servicereports import actions
from aftercare.servicereports.figures import Month, compute
from aftercare.servicereports.models import MonthlyReport, ReportRun
from aftercare.tick import run as tick
from tests.servicereports.helpers import SH, at, august

pytestmark = pytest.mark.django_db


def figures_of(a):
    return compute([a.site.pk, a.other_site.pk], Month.of(date(2026, 8, 1), SH))


def test_tickets_by_category_clocks_breaches_and_pauses():
    a = august()
    f = figures_of(a)[a.site.pk]
    assert (f["month"], f["from"], f["to"]) == ("2026-08", "2026-08-01", "2026-08-31")
    assert f["site"]["name"] == "宏遠大廈" and f["owner"]["name"] == "宏遠置業有限公司"
    tickets = f["tickets"]
    assert tickets["total"] == 3
    assert {r["category"]: r["count"] for r in tickets["by_category"]} == {
        "line_fault": 2, "equipment_fault": 1, "software_fault": 0, "other": 0,
    }  # fmt: skip
    assert tickets["emergencies"] == 1
    assert tickets["clocks"]["arrival"] == {
        "clocks": 3, "on_time": 1, "late": 1, "breached": 1, "open": 0, "stopped": 0,
        "not_counted": 0, "breaches": 2,
    }  # fmt: skip
    assert tickets["clocks"]["fix"] == {
        "clocks": 2, "on_time": 1, "late": 1, "breached": 0, "open": 0, "stopped": 0,
        "not_counted": 0, "breaches": 1,
    }  # fmt: skip
    assert tickets["paused"] == {
        "tickets": 1, "minutes": 30,
        "by_reason": [{"reason": "owner_access", "pauses": 1, "minutes": 30}],
    }  # fmt: skip
    rows = {row["number"]: row for row in f["ticket_rows"]}
    assert [row["number"] for row in f["ticket_rows"]] == [a.t1.number, a.t3.number, a.t2.number]
    t1 = rows[a.t1.number]
    # On site: 3 h after the report less the 30-minute pause = 150 min of 120: late.
    assert t1["arrival"] == {
        "target_minutes": 120, "used_minutes": 150, "due_at": "2026-08-03T12:30:00+08:00",
        "done_at": "2026-08-03T13:00:00+08:00", "verdict": "late", "breach": True,
    }  # fmt: skip
    assert t1["fix"] == {
        "target_minutes": 240, "used_minutes": 210, "due_at": "2026-08-03T14:30:00+08:00",
        "done_at": "2026-08-03T14:00:00+08:00", "verdict": "on_time", "breach": False,
    }  # fmt: skip
    assert t1["pauses"] == [{"reason": "owner_access", "from": "2026-08-03T10:30:00+08:00",
                             "to": "2026-08-03T11:00:00+08:00", "minutes": 30}]  # fmt: skip
    t3 = rows[a.t3.number]  # the emergency on 24×7: 1 h 30 min on site, 5 h to fix
    assert (t3["emergency"], t3["category"]) == (True, "line_fault")
    assert (t3["arrival"]["used_minutes"], t3["arrival"]["verdict"]) == (90, "on_time")
    assert (t3["fix"]["used_minutes"], t3["fix"]["verdict"]) == (300, "late")
    assert t3["fix"]["due_at"] == "2026-08-09T00:00:00+08:00"
    t2 = rows[a.t2.number]  # never dispatched: still open past its due moment at month end
    assert t2["arrival"]["verdict"] == "breached" and t2["arrival"]["done_at"] is None
    assert t2["arrival"]["due_at"] == "2026-08-12T12:00:00+08:00"
    # The office calendar's service time to the month's end: 8 h + 2 × 9 h + 10 × 9 h + 9 h.
    assert t2["arrival"]["used_minutes"] == 125 * 60
    assert t2["fix"] is None  # no fix target for an equipment fault under this contract


def test_visits_defects_training_parts_and_bills():
    a = august()
    f = figures_of(a)[a.site.pk]
    visits = f["visits"]
    assert {k: visits[k] for k in ("planned", "done", "done_on_time", "done_late", "missed")} == {
        "planned": 2, "done": 1, "done_on_time": 0, "done_late": 1, "missed": 1,
    }  # fmt: skip
    assert [(v["scheduled_on"], v["verdict"], v["done_at"]) for v in visits["rows"]] == [
        ("2026-08-10", "done_late", "2026-08-12T10:00:00+08:00"),
        ("2026-08-20", "missed", None),
    ]
    [defect] = f["defects"]
    assert (defect["system"], defect["note"], defect["ticket_number"]) == (
        "閉路電視", "鏡頭起霧", a.t2.number,
    )  # fmt: skip
    assert f["training"]["below"] == 1
    assert [(c["track"], c["count"], c["names"], c["below"]) for c in f["training"]["cells"]] == [
        ("operator", 1, ["林一"], True),
        ("manager", 2, ["張三", "陳二"], False),
    ]
    [part] = f["parts"]
    assert (part["code"], part["name"], part["quantity"], part["item"], part["item_serial"],
            part["installed_at"], part["ticket_number"]) == (
        "SD-200", "光電煙感", 1, "煙感探測器", "SD-01", "2026-08-09T01:00:00+08:00", a.t3.number,
    )  # fmt: skip
    a.bill.refresh_from_db()
    assert f["bills"]["bills"] == [{
        "number": "BS-B-2026-000001", "issued_at": "2026-08-10T10:00:00+08:00",
        "total": "420.00", "currency": "CNY", "ticket_number": a.t3.number,
    }]  # fmt: skip
    assert str(a.bill.total) == "420.00"
    assert f["bills"]["totals"] == [
        {"currency": "CNY", "billed": "420.00", "credited": "0.00", "net": "420.00"}
    ]


def test_a_quiet_site_and_another_month_have_zeros():
    a = august()
    quiet = figures_of(a)[a.other_site.pk]
    assert quiet["tickets"]["total"] == 0 and quiet["visits"]["planned"] == 0
    assert quiet["parts"] == [] and quiet["bills"]["bills"] == []
    july = compute([a.site.pk], Month.of(date(2026, 7, 1), SH))[a.site.pk]
    assert july["tickets"]["total"] == 0 and july["defects"] == []


def test_the_tick_on_the_first_writes_last_months_reports_once():
    a = august()
    with time_machine.travel(at(2026, 8, 31, 23, 55), tick=False):
        assert tick()["report_runs"] == 1  # July's (the organisation began on 20 July)
        assert tick()["report_runs"] == 0  # August has not ended
    with time_machine.travel(at(2026, 9, 1, 0, 5), tick=False):
        assert tick()["report_runs"] == 1
        assert tick()["report_runs"] == 0
    july, run = ReportRun.objects.order_by("month")
    assert july.month == date(2026, 7, 1)
    assert (run.month, run.state, run.total, run.done, run.branch) == (
        date(2026, 8, 1), "done", 1, 1, None,
    )  # fmt: skip
    # Only the site under contract in August (the mall has none).
    [report] = MonthlyReport.objects.filter(run=run)
    assert (report.site, report.month, report.version, report.run) == (
        a.site, date(2026, 8, 1), 1, run,
    )  # fmt: skip
    assert report.figures == figures_of(a)[a.site.pk]
    # A retried task finds the run done and writes nothing.
    assert actions.process_run(run.pk) == "skipped"
    assert MonthlyReport.objects.filter(month=date(2026, 8, 1)).count() == 1


def test_a_retried_batch_continues_without_duplicates():
    a = august()
    with time_machine.travel(at(2026, 9, 2, 9, 0), tick=False):
        run = ReportRun.objects.create(
            organisation=a.org,
            month=date(2026, 8, 1),
            created_at=at(2026, 9, 2, 9, 0),
            state="running",
        )
        # A chunk written before the worker died: the retried task skips its sites.
        actions.process_run(run.pk, chunk=1)
        run.refresh_from_db()
        ReportRun.objects.filter(pk=run.pk).update(state="running", done=0)
        assert actions.process_run(run.pk, chunk=1) == "done"
    run.refresh_from_db()
    assert (run.state, run.total, run.done) == ("done", 1, 1)
    assert MonthlyReport.objects.filter(run=run).count() == 1


def test_generating_again_makes_version_two_and_keeps_version_one():
    a = august()
    with time_machine.travel(at(2026, 9, 1, 0, 5), tick=False):
        tick()
    first = MonthlyReport.objects.get(month=date(2026, 8, 1))
    with time_machine.travel(at(2026, 9, 3, 10, 0), tick=False):
        second = actions.regenerate(a.site, first.month, by=a.sam)
    assert (second.version, second.run, second.generated_by) == (2, None, a.sam)
    assert MonthlyReport.objects.filter(site=a.site, month=date(2026, 8, 1)).count() == 2
    assert second.figures == first.figures  # the records of August did not change
    assert list(MonthlyReport.objects.filter(month=date(2026, 8, 1)).latest_versions()) == [second]
    with pytest.raises(Conflict):
        first.save()
    with pytest.raises(Conflict):
        first.delete()
    assert MonthlyReport.objects.filter(pk=first.pk).exists()


def test_generating_is_the_supervisors_and_only_for_ended_months():
    a = august()
    with time_machine.travel(at(2026, 8, 20, 10, 0), tick=False):
        with pytest.raises(InvalidInput):
            actions.regenerate(a.site, date(2026, 8, 1), by=a.sam)
        with pytest.raises(InvalidInput):
            actions.request_run(by=a.sam, month="2026-08")
    with time_machine.travel(at(2026, 9, 2, 10, 0), tick=False):
        with pytest.raises(NotAllowed):
            actions.regenerate(a.site, date(2026, 8, 1), by=a.eve)
        with pytest.raises(NotAllowed):
            actions.regenerate(a.site, date(2026, 8, 1), by=a.sue)  # the other branch
        run = actions.request_run(by=a.sam, month="2026-08")
    run.refresh_from_db()
    assert (run.branch, run.requested_by, run.state, run.done) == (a.branch, a.sam, "done", 1)
    assert MonthlyReport.objects.get().generated_by == a.sam
