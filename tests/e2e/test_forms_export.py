"""In a real browser: the PDF of a long call register is drawn by the worker in parts; the
page shows the bar fill while it works, then the download link."""

import re
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import Page, expect

from aftercare.org.models import User
from aftercare.paperwork import actions, parts, views
from aftercare.paperwork.models import ExportJob

QUEUED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_a_long_register_pdf_fills_its_bar_and_downloads(
    page: Page, log_in, app_url, settings, tmp_path, monkeypatch, pdf_text
):
    settings.AFTERCARE_EXPORTS_DIR = tmp_path / "exports"
    settings.TASKS = QUEUED  # the export waits for the worker, played below by the test
    monkeypatch.setattr(views, "SYNC_PDF_LINES", 3)  # the demo's register counts as long
    monkeypatch.setattr(parts, "PART_LINES", 4)  # and is drawn in several parts
    log_in("advisor1")
    tz = User.objects.get(username="advisor1").organisation.tz
    today = timezone.localtime(timezone.now(), tz).date()
    page.goto(app_url("/forms/"))
    page.fill("#form3-from", (today - timedelta(days=100)).isoformat())
    page.fill("#form3-to", today.isoformat())
    with page.expect_navigation():
        page.click("#form3-pdf")
    expect(page.locator("#export-explained")).to_be_visible()
    with page.expect_navigation():
        page.click("#export-start")
    progress = page.locator("#export-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    expect(page.locator("#export-bar")).to_have_text("0 %")
    expect(page.locator("#export-download")).to_have_count(0)

    job = ExportJob.objects.get()
    assert job.lines_total > 3
    assert actions.run_export(job.pk) == "done"  # the worker

    expect(page.locator("#export-bar")).to_have_text("100 %", timeout=10_000)  # polled by HTMX
    expect(progress).to_have_attribute("data-status", "done")
    with page.expect_download() as download:
        page.click("#export-download")
    assert download.value.suggested_filename.startswith("跟蹤服務電話登記表-")
    text = pdf_text(Path(download.value.path()).read_bytes())
    pages = text.split("\f")[:-1]
    assert "跟蹤服務電話登記表" in pages[0]
    footers = [re.findall(r"(\d+) ?/ ?(\d+)", p)[-1:] for p in pages]
    assert footers == [[(str(n), str(len(pages)))] for n in range(1, len(pages) + 1)], footers

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    expect(page.locator("#export-download")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
