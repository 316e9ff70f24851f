"""A field page that works in a basement plant room: in Chromium at phone width (375 px), in
Traditional Chinese, engineer1 opens a dispatched ticket, loses the signal, records the arrival,
a pause and the resolve with the owner's signature; the phone keeps them (IndexedDB) with the
moments they were tapped. Back online, the queue sends them in order: the ticket shows the
arrival at the moment tapped (on time), the pause and the signature. Replaying the queue
changes nothing (each action carries its idempotency key)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from aftercare.org.models import User
from aftercare.servicedesk import actions
from aftercare.servicedesk.models import FieldReceipt, Ticket, TicketEvent
from aftercare.sites.models import Equipment
from tests.e2e.test_hotline import _fits_the_screen, _sign


def _ticket(demo_org, now) -> Ticket:
    """A call about a camera of the demo's office tower, reported 50 minutes ago, dispatched
    to engineer1 45 minutes ago."""
    supervisor = User.objects.get(username="supervisor3")
    item = (
        Equipment.objects.filter(
            system__site__branch__organisation=demo_org,
            system__site__name="浦江國際金融大廈",
            system__kind="cctv",
            name="半球攝像機",
        )
        .order_by("id")
        .last()
    )
    ticket = actions.report(
        by=supervisor, site=item.system.site, equipment=item, caller_name="李國強",
        caller_phone="13817001001", category="line_fault", description="B2 機房攝像機無畫面",
        reported_at=now - timedelta(minutes=50),
    )  # fmt: skip
    return actions.dispatch(
        ticket, engineer=User.objects.get(username="engineer1"), by=supervisor,
        at=now - timedelta(minutes=45),
    )  # fmt: skip


def _written(ticket: Ticket) -> tuple[int, int]:
    return (TicketEvent.objects.filter(ticket=ticket).count(),
            FieldReceipt.objects.filter(ticket=ticket).count())  # fmt: skip


def test_an_engineer_works_a_ticket_offline_and_the_queue_sends_it_once(
    page: Page, log_in, app_url, demo_org
):
    now = timezone.now().replace(second=0, microsecond=0)
    ticket = _ticket(demo_org, now)
    arrived, paused, signed = (now - timedelta(minutes=m) for m in (30, 25, 20))
    page.set_viewport_size({"width": 375, "height": 812})
    log_in("engineer1")

    page.goto(app_url(f"/hotline/field/{ticket.pk}/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    # The service worker takes the field pages over and keeps this one.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # In the basement: no signal. The page itself comes from the phone.
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#ticket-number")).to_have_text(ticket.number)
    expect(page.locator("#field-offline")).to_be_visible()

    page.clock.set_fixed_time(arrived)
    page.click("#arrive-button")
    queue = page.locator("#field-queue li")
    expect(queue).to_have_count(1)
    expect(queue.first).to_have_attribute("data-queue-state", "waiting")
    expect(queue.first).to_contain_text(timezone.localtime(arrived).strftime("%H:%M"))
    expect(page.locator("#arrive-form")).to_be_hidden()

    page.clock.set_fixed_time(paused)
    page.select_option("#pause-form select[name=reason]", "parts")
    page.click("#pause-button")
    expect(queue).to_have_count(2)
    expect(page.locator("#resume-form")).to_be_visible()  # shown by the queue, not the server

    page.clock.set_fixed_time(signed)
    page.fill("textarea[name=work_done]", "更換攝像機電源適配器，畫面恢復")
    page.fill("input[name=labour_minutes]", "45")
    page.fill("input[name=signed_by]", "李國強")
    _sign(page)
    _fits_the_screen(page)
    page.click("#resolve-button")
    expect(queue).to_have_count(3)
    expect(page.locator("#field-queue li[data-queue-state=waiting]")).to_have_count(3)
    expect(page.locator("#resolve-section")).to_be_hidden()
    _fits_the_screen(page)
    assert _written(ticket) == (2, 0)  # reported and dispatched: nothing reached the server

    # Back online (the real clock is 20 minutes later): the queue sends, then the page shows
    # the server's record.
    with page.expect_navigation():
        page.context.set_offline(False)
    expect(page.locator("#ticket-badges [data-state]")).to_have_attribute("data-state", "resolved")
    expect(page.locator("#field-queue li[data-queue-state=sent]")).to_have_count(3)  # confirmed
    ticket.refresh_from_db()
    assert ticket.arrived_at == arrived and ticket.resolved_at == signed
    assert ticket.signed_by == "李國強" and ticket.signature
    log = list(ticket.events.order_by("at", "id").values_list("kind", "at", "data"))
    assert [(kind, at) for kind, at, _ in log[-4:]] == [
        ("arrived", arrived), ("paused", paused), ("resumed", signed), ("resolved", signed),
    ]  # fmt: skip
    assert log[-3][2] == {"reason": "parts"}

    # The supervisor's full page (engineer1 may read it too): the moments as tapped, on time.
    page.goto(app_url(f"/hotline/{ticket.pk}/"))
    events = page.locator("#ticket-events")
    expect(events.locator("tr[data-kind=arrived]")).to_contain_text(
        timezone.localtime(arrived).strftime("%Y-%m-%d %H:%M")
    )
    expect(events.locator("tr[data-kind=paused]")).to_have_count(1)
    expect(page.locator("#clocks [data-rule='BS-7'] [data-status]")).to_have_attribute(
        "data-status", "done_on_time"
    )
    expect(page.locator("#ticket-report")).to_contain_text("李國強")

    # Replaying the whole kept queue (the same keys) answers the stored answers: no change.
    before = _written(ticket)
    page.goto(app_url(f"/hotline/field/{ticket.pk}/"))
    kept = page.evaluate("FieldQueue.replay().then(() => FieldQueue.entries())")
    mine = [entry for entry in kept if entry["scope"] == f"ticket:{ticket.pk}"]
    assert [(entry["action"], entry["state"], entry["status"]) for entry in mine] == [
        ("arrival", "sent", 200), ("pause", "sent", 200), ("resolve", "sent", 200),
    ]  # fmt: skip
    assert {str(key) for key in FieldReceipt.objects.values_list("key", flat=True)} == {
        entry["key"] for entry in mine
    }
    assert _written(ticket) == before


def test_an_action_queued_on_a_ticket_sent_to_someone_else_meanwhile_is_shown_refused(
    page: Page, log_in, app_url, demo_org
):
    """Offline, engineer1 taps Arrived; meanwhile the supervisor sends engineer2. Back online
    the arrival is refused: the phone says so (in Chinese, kept until dismissed) and the
    supervisor's board and ticket page show what the engineer did."""
    now = timezone.now().replace(second=0, microsecond=0)
    ticket = _ticket(demo_org, now)
    page.set_viewport_size({"width": 375, "height": 812})
    log_in("engineer1")
    page.goto(app_url(f"/hotline/field/{ticket.pk}/"))
    page.context.set_offline(True)
    page.clock.set_fixed_time(now - timedelta(minutes=20))
    page.click("#arrive-button")
    expect(page.locator("#field-queue li[data-queue-state=waiting]")).to_have_count(1)

    supervisor = User.objects.get(username="supervisor3")
    other = (
        User.objects.filter(organisation=demo_org, groups__name="engineer", branch=ticket.branch)
        .exclude(username="engineer1")
        .order_by("pk")
        .first()
    )
    actions.dispatch(ticket, engineer=other, by=supervisor, at=now - timedelta(minutes=10))

    page.context.set_offline(False)
    refused = page.locator("#field-queue li[data-queue-state=refused]")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("此工單已派給其他人")
    assert not ticket.events.filter(kind="arrived").exists()
    conflict = ticket.field_conflicts.get()
    assert (conflict.reason, conflict.at) == ("redispatched", now - timedelta(minutes=20))
    page.reload()
    expect(refused).to_have_count(1)  # kept on the phone until dismissed
    with page.expect_navigation():
        refused.locator("[data-queue-dismiss]").click()
    expect(refused).to_have_count(0)
    _fits_the_screen(page)

    page.context.clear_cookies()
    log_in("supervisor3")
    page.goto(app_url("/hotline/"))
    expect(page.locator("#board-conflicts")).to_contain_text(ticket.number)
    page.goto(app_url(f"/hotline/{ticket.pk}/"))
    expect(page.locator("#ticket-conflicts [data-conflict=redispatched]")).to_have_count(1)
