"""In a real browser: the clerk prepares a campaign's letters, watches the bar fill while the
worker draws them, downloads the .docx and the PDF, and records the batch as posted."""

import io
import re
from pathlib import Path

from docx import Document
from playwright.sync_api import Page, expect

from aftercare.outreach import actions
from aftercare.outreach.models import Campaign, Letter, LetterBatch

QUEUED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_prepare_a_batch_watch_the_bar_download_and_record_it(
    page: Page, log_in, app_url, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = QUEUED  # the batch waits for the worker, played below by the test
    log_in("advisor1")
    campaign = Campaign.objects.get(name="冬季免費安全檢測週")
    page.goto(app_url(f"/campaigns/{campaign.pk}/"))
    with page.expect_navigation():
        page.click("#batch-all")
    card = page.locator(".letter-batch").first
    expect(card).to_have_attribute("data-status", "waiting")
    expect(card.locator(".batch-bar")).to_have_text("0 %")

    batch = LetterBatch.objects.get(campaign=campaign)
    assert batch.total == 4
    assert actions.run_letter_batch(batch.pk) == "done"  # the worker

    expect(card.locator(".batch-bar")).to_have_text("100 %", timeout=10_000)  # polled by HTMX
    expect(card).to_have_attribute("data-status", "done")
    with page.expect_download() as pdf:
        card.locator(".batch-pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert Path(pdf.value.path()).read_bytes()[:4] == b"%PDF"
    with page.expect_download() as docx:
        card.locator(".batch-docx").click()
    names = [t.customer.name for t in campaign.targets.select_related("customer")]
    text = "\n".join(
        p.text for p in Document(io.BytesIO(Path(docx.value.path()).read_bytes())).paragraphs
    )
    assert all(name in text for name in names)

    before = Letter.objects.count()
    with page.expect_navigation():
        card.locator(".batch-record").click()
    expect(page.locator(".letter-batch .batch-recorded").first).to_be_visible()
    assert Letter.objects.count() == before + 4
    numbers = sorted(Letter.objects.filter(campaign=campaign, kind="invitation")
                     .values_list("register_number", flat=True))  # fmt: skip
    assert [int(re.search(r"(\d+)$", n).group(1)) for n in numbers] == [2, 3, 4, 5]


def test_the_batch_panel_fits_a_phone(page: Page, log_in, app_url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    log_in("advisor1")
    campaign = Campaign.objects.get(name="冬季免費安全檢測週")
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(app_url(f"/campaigns/{campaign.pk}/"))
    with page.expect_navigation():
        page.click("#batch-all")
    expect(page.locator(".letter-batch .batch-bar").first).to_have_text("100 %")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
