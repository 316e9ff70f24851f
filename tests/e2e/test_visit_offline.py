"""A maintenance visit in a basement without a signal: in Chromium at phone width (375 px), in
Traditional Chinese, the demo's engineer opens a planned visit, loses the signal, answers every
check (one defect with a note and a photo), has the owner sign and records it: the phone keeps
it (IndexedDB) with the moment it was recorded. Back online, the queue sends it and the page
shows the visit done at that moment, not the sending one; the defect's ticket exists once.
Replaying the queue changes nothing (the result carries its idempotency key)."""

import io
from datetime import timedelta

from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from aftercare.maintenance import actions
from aftercare.maintenance.models import MaintenanceVisit, VisitCheck
from aftercare.servicedesk.models import Ticket
from tests.e2e.test_hotline import _fits_the_screen, _sign
from tests.servicedesk.helpers import png

NOTE = "二號攝像機鏡頭進水"


def _photo(tmp_path):
    """A photo as the phone's camera gives it (here 1600×1200, scaled down before queuing)."""
    path = tmp_path / "defect.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (180, 40, 40)).save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return path


def _written(visit: MaintenanceVisit) -> tuple[int, int, int]:
    return (Ticket.objects.count(), MaintenanceVisit.objects.filter(state="done").count(),
            visit.history.count())  # fmt: skip


def test_an_engineer_records_a_visit_offline_and_the_queue_sends_it_once(
    page: Page, log_in, app_url, demo_org, tmp_path
):
    visit = MaintenanceVisit.objects.filter(state="planned").order_by("scheduled_on").first()
    assert visit is not None
    engineer = visit.engineer
    checks = list(VisitCheck.objects.filter(visit=visit).order_by("system_id", "order"))
    defect = checks[0]
    recorded = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
    tickets = Ticket.objects.count()
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(engineer.username)

    page.goto(app_url(f"/maintenance/visits/{visit.pk}/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    # The visit pages' service worker takes the page over and keeps it.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    # In the basement: no signal. The page itself comes from the phone.
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#visit-site")).to_be_visible()
    expect(page.locator("#field-offline")).to_be_visible()

    page.clock.set_fixed_time(recorded)
    # A check left without a result is marked before anything is queued.
    page.fill("input[name=signed_by]", "王經理")
    _sign(page)
    page.click("#result-button")
    expect(page.locator(f"#check-{checks[-1].pk} [data-no-result]")).to_be_visible()
    expect(page.locator("#field-queue li")).to_have_count(0)

    for check in checks:
        result = "defect" if check.pk == defect.pk else "ok"
        page.check(f'input[name="result_{check.pk}"][value="{result}"]')
        if check.kind == "reading":
            low = check.low if check.low is not None else 1
            page.fill(f'input[name="reading_{check.pk}"]', str(low))
    page.fill(f'input[name="note_{defect.pk}"]', NOTE)
    page.set_input_files(f'input[name="photo_{defect.pk}"]', str(_photo(tmp_path)))
    page.click("#result-button")
    expect(page.locator("[data-no-result]")).to_have_count(0)
    queue = page.locator("#field-queue li")
    expect(queue).to_have_count(1)
    expect(queue.first).to_have_attribute("data-queue-state", "waiting")
    expect(queue.first).to_contain_text(timezone.localtime(recorded).strftime("%H:%M"))
    expect(page.locator("#result-section")).to_be_hidden()
    _fits_the_screen(page)
    visit.refresh_from_db()
    assert visit.state == "planned" and Ticket.objects.count() == tickets  # nothing sent yet

    # Back online (the real clock is 30 minutes later): sent, then the server's record.
    with page.expect_navigation():
        page.context.set_offline(False)
    expect(page.locator("#visit-signed")).to_contain_text("王經理")
    expect(page.locator("#visit-tickets a")).to_have_count(1)
    expect(page.locator("#field-queue li[data-queue-state=sent]")).to_have_count(1)
    _fits_the_screen(page)

    visit.refresh_from_db()
    assert visit.state == "done" and visit.done_by == engineer and visit.result_key is not None
    assert visit.done_at == recorded  # the moment recorded on the phone, not the sending one
    defect.refresh_from_db()
    assert defect.result == "defect" and defect.ticket is not None and defect.photo
    assert NOTE in defect.ticket.description
    assert Ticket.objects.filter(description__contains=NOTE).count() == 1
    with defect.photo.open("rb") as stored:
        image = Image.open(stored)
        assert image.format == "JPEG" and max(image.size) == 1280  # scaled on the phone

    # Replaying the whole kept queue (the same key) answers the stored visit: no change.
    before = _written(visit)
    kept = page.evaluate("FieldQueue.replay().then(() => FieldQueue.entries())")
    mine = [entry for entry in kept if entry["scope"] == f"visit:{visit.pk}"]
    assert [(entry["action"], entry["state"], entry["status"]) for entry in mine] == [
        ("result", "sent", 200)
    ]
    assert mine[0]["key"] == str(visit.result_key)
    assert _written(visit) == before


def test_a_result_queued_for_a_visit_recorded_meanwhile_is_shown_refused(
    page: Page, log_in, app_url, demo_org
):
    """Offline, the engineer records the visit; meanwhile it is recorded from the office. Back
    online the phone's result is refused: the page says so with the server's words, kept
    until dismissed, and nothing the phone recorded is written."""
    visit = MaintenanceVisit.objects.filter(state="planned").order_by("scheduled_on").first()
    assert visit is not None
    engineer = visit.engineer
    checks = list(VisitCheck.objects.filter(visit=visit).order_by("system_id", "order"))
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(engineer.username)
    page.goto(app_url(f"/maintenance/visits/{visit.pk}/"))
    page.context.set_offline(True)
    for check in checks:
        page.check(f'input[name="result_{check.pk}"][value="na"]')
    page.fill("input[name=signed_by]", "王經理")
    _sign(page)
    page.click("#result-button")
    expect(page.locator("#field-queue li[data-queue-state=waiting]")).to_have_count(1)

    actions.record_result(
        visit, by=engineer, signed_by="陳主任", signature_png=png(),
        items=[actions.CheckInput(check_id=check.pk, result="na") for check in checks],
    )  # fmt: skip
    before = _written(visit)
    page.context.set_offline(False)
    refused = page.locator("#field-queue li[data-queue-state=refused]")
    expect(refused).to_have_count(1)
    prefix = page.get_attribute("#field-queue-box", "data-text-refused")
    assert prefix and prefix in refused.inner_text()
    assert refused.inner_text().split(prefix, 1)[1].strip()  # the server's words follow
    _fits_the_screen(page)
    page.reload()  # kept on the phone until dismissed
    expect(refused).to_have_count(1)
    with page.expect_navigation():
        page.click("[data-queue-dismiss]")
    expect(page.locator("#field-queue li")).to_have_count(0)
    expect(page.locator("#visit-signed")).to_contain_text("陳主任")
    assert _written(visit) == before
