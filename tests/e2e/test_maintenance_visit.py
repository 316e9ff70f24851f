"""In a real browser at phone width (375 px), in Traditional Chinese: the demo's engineer does a
preventive maintenance visit on the phone — every check answered, readings typed, one defect
with a note, the owner's signature drawn — and the defect becomes a hotline ticket linked to the
visit; the record 定期維護保養記錄 prints with the signature (BS-9)."""

import subprocess

from playwright.sync_api import Page, expect

from aftercare.maintenance.models import MaintenanceVisit, VisitCheck
from aftercare.obligations.models import Obligation
from tests.e2e.test_hotline import _fits_the_screen, _sign


def test_an_engineer_does_a_visit_on_the_phone_and_a_defect_goes_to_the_hotline(
    page: Page, log_in, app_url, demo_org, tmp_path
):
    visit = MaintenanceVisit.objects.filter(state="planned").order_by("scheduled_on").first()
    assert visit is not None
    engineer = visit.engineer
    checks = list(VisitCheck.objects.filter(visit=visit).order_by("system_id", "order"))
    defect = checks[0]
    page.set_viewport_size({"width": 375, "height": 812})
    log_in(engineer.username)
    page.goto(app_url(f"/maintenance/visits/{visit.pk}/"))
    _fits_the_screen(page)

    for check in checks:
        result = "defect" if check.pk == defect.pk else "ok"
        page.check(f'input[name="result_{check.pk}"][value="{result}"]')
        if check.kind == "reading":
            low = check.low if check.low is not None else 1
            page.fill(f'input[name="reading_{check.pk}"]', str(low))
    page.fill(f'input[name="note_{defect.pk}"]', "三號攝像機畫面模糊")
    page.fill("input[name=signed_by]", "王經理")
    _sign(page)
    with page.expect_navigation():
        page.click("#result-button")
    expect(page.locator("#visit-signed")).to_contain_text("王經理")
    expect(page.locator("#visit-tickets a")).to_have_count(1)
    _fits_the_screen(page)

    visit.refresh_from_db()
    assert visit.state == "done"
    defect.refresh_from_db()
    assert defect.result == "defect" and defect.ticket is not None
    assert defect.ticket.category == "equipment_fault"
    assert "三號攝像機畫面模糊" in defect.ticket.description
    duty = Obligation.objects.get(rule="BS-9", subject_id=visit.pk, cancelled_at__isnull=True)
    assert duty.done_at is not None

    # The record prints with the Chinese title and the drawn signature.
    with page.expect_download() as download:
        page.click("#report-link")
    pdf = tmp_path / "visit.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "定期維護保養記錄" in text
    assert "王經理" in text
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    assert len(images.stdout.strip().splitlines()) >= 3  # the header lines and the signature
