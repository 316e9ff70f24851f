"""A long register's PDF drawn by the worker in parts: one file, numbered across the parts,
progress on the page, the file only for whoever asked and the branch's supervisors."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from aftercare import tick
from aftercare.paperwork import actions, parts, views
from aftercare.paperwork.choices import ExportStatus
from aftercare.paperwork.documents import Document, Table
from aftercare.paperwork.models import ExportJob
from tests.factories import UserFactory
from tests.paperwork.helpers import archived_customer, at, call

pytestmark = pytest.mark.django_db
CALLS = "跟蹤服務電話登記表"
JULY = {"from": "2026-07-01", "to": "2026-07-31"}
FOOTER = re.compile(r"(\d+) ?/ ?(\d+)")  # pdftotext may drop the spaces


def _calls(desk, count: int) -> list:
    """`count` calls of branch A spread over July 2026 (local time), oldest first."""
    zhang = archived_customer(desk.branch_a, desk.alice)
    per_day = -(-count // 31)
    made = []
    for index in range(count):
        day, slot = divmod(index, per_day)
        moment = at(2026, 7, day + 1, 8 + slot // 60, slot % 60)
        notes = f"第{index}通"
        made.append(call(zhang, desk.alice, moment, purpose="other", topics=[], notes=notes))
    return made


def _pages(text: str) -> list[str]:
    return text.split("\f")[:-1]


def _export(desk, by, captured, **extra) -> ExportJob:
    params = {"form": 3, "branch": desk.branch_a, "start": date(2026, 7, 1)}
    params |= {"end": date(2026, 7, 31), "by": by, **extra}
    with captured(execute=True):
        job = actions.start_export(**params)
    job.refresh_from_db()
    return job


def test_a_450_line_register_is_drawn_in_parts_into_one_numbered_pdf(
    client, desk, pdf_text, django_capture_on_commit_callbacks
):
    calls = _calls(desk, 450)
    job = _export(desk, desk.alice, django_capture_on_commit_callbacks)

    assert job.status == ExportStatus.DONE and job.error == ""
    assert job.lines_total == job.lines_done == 450 and job.percent == 100
    assert job.file_name == f"{CALLS}-a-20260701-20260731.pdf"
    client.force_login(desk.alice)
    response = client.get(f"/forms/exports/{job.pk}/file.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert CALLS in text
    assert calls[0].register_number in text and calls[-1].register_number in text
    # Every line once: a part's half-full last page is drawn again by the next part, not kept.
    numbers = re.findall(r"A-T-2026-\d+", text)
    assert sorted(numbers) == sorted(c.register_number for c in calls)
    pages = _pages(text)
    assert len(pages) == job.pages > 3  # more pages than parts: the parts were joined
    for number, page in enumerate(pages, start=1):
        assert "Register no." in page  # the header row on every sheet
        assert FOOTER.findall(page)[-1] == (str(number), str(len(pages)))
    assert text.count("Period: 2026-07-01 to 2026-07-31") == 1  # the title heads page 1 only
    assert "Handled by (signature)" in pages[-1]
    assert "Handled by (signature)" not in "".join(pages[:-1])


def test_parts_keep_counting_and_report_progress_after_each_part(pdf_text):
    rows = [[f"R-{n:04d}", "張三\n" * (n % 4)] for n in range(1, 61)]
    doc = Document(
        form=3, title="Follow-up call register", organisation="北豐汽車", branch="北區店",
        printed_at=datetime(2026, 8, 1, tzinfo=ZoneInfo("UTC")), tz=ZoneInfo("Asia/Shanghai"),
        filename="x", landscape=True, tables=[Table("Calls", ["Register no.", "Notes"], rows)],
    )  # fmt: skip
    seen = []
    content, pages = parts.register_pdf(doc, part_lines=25, progress=lambda *a: seen.append(a))
    assert seen[-1] == (60, 60)
    assert [done for done, _total in seen] == sorted({done for done, _total in seen})
    assert len(seen) >= 3
    text = pdf_text(content)
    assert len(_pages(text)) == pages
    for number, page in enumerate(_pages(text), start=1):
        assert FOOTER.findall(page)[-1] == (str(number), str(pages))
    for n in (1, 25, 26, 60):  # the 序號 column runs on across the parts
        assert re.search(rf"^\s*{n}\s+R-{n:04d}\b", text, re.M), n
    assert sorted(re.findall(r"R-\d{4}", text)) == [f"R-{n:04d}" for n in range(1, 61)]


def test_a_failure_is_recorded_with_its_error_and_shown(
    client, desk, settings, tmp_path, django_capture_on_commit_callbacks
):
    _calls(desk, 3)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.AFTERCARE_EXPORTS_DIR = blocker / "exports"  # cannot be made: the disk refuses
    job = _export(desk, desk.alice, django_capture_on_commit_callbacks)
    assert job.status == ExportStatus.FAILED
    assert job.error.startswith(("FileExistsError", "NotADirectoryError"))
    assert job.finished_at is not None and job.path == ""
    assert actions.run_export(job.pk) == "skipped"  # a retried task leaves it as it is
    client.force_login(desk.alice)
    html = client.get(f"/forms/exports/{job.pk}/").content.decode()
    assert "The PDF could not be drawn." in html and 'id="export-download"' not in html
    assert client.get(f"/forms/exports/{job.pk}/file.pdf").status_code == 404


def test_only_who_asked_and_the_branchs_supervisors_get_the_file(
    client, desk, django_capture_on_commit_callbacks
):
    _calls(desk, 3)
    job = _export(desk, desk.alice, django_capture_on_commit_callbacks)
    for user, status in (
        (desk.alice, 200), (desk.sam, 200),  # who asked; the supervisor of branch A
        (desk.bob, 404), (desk.carol, 404), (desk.sue, 404),  # a colleague; branch B
    ):  # fmt: skip
        client.force_login(user)
        assert client.get(f"/forms/exports/{job.pk}/").status_code == status, user
        assert client.get(f"/forms/exports/{job.pk}/file.pdf").status_code == status, user
    client.logout()
    response = client.get(f"/forms/exports/{job.pk}/file.pdf")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_pdf_link_of_a_long_register_offers_the_export_and_shows_its_progress(
    client, desk, monkeypatch, django_capture_on_commit_callbacks
):
    _calls(desk, 3)
    monkeypatch.setattr(views, "SYNC_PDF_LINES", 2)
    client.force_login(desk.alice)
    response = client.get("/forms/call-register/form3.pdf", JULY)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "This register has 3 lines: its PDF is drawn in the background" in html
    assert 'id="export-start"' in html and ExportJob.objects.count() == 0  # a GET starts nothing
    # The workbook still comes at once.
    assert client.get("/forms/call-register/form3.xlsx", JULY).status_code == 200

    form = {"form": 3, "branch": desk.branch_a.pk, "from": "2026-07-01", "to": "2026-07-31"}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/forms/exports/", form)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/forms/exports/{job.pk}/"
    assert (job.status, job.lines_total, job.lines_done) == (ExportStatus.QUEUED, 3, 0)
    assert (job.created_by, job.branch, job.start, job.end) == (
        desk.alice, desk.branch_a, date(2026, 7, 1), date(2026, 7, 31)
    )  # fmt: skip
    partial = client.get(f"/forms/exports/{job.pk}/", headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="export-progress"')
    assert 'hx-trigger="every 1s"' in html and "0 of 3 lines drawn" in html
    # A second click while it waits is the same export.
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post("/forms/exports/", form)["Location"] == f"/forms/exports/{job.pk}/"
    assert ExportJob.objects.count() == 1

    for callback in queued:  # the worker picks it up
        callback()
    html = client.get(f"/forms/exports/{job.pk}/", headers={"HX-Request": "true"}).content
    html = html.decode()
    assert 'hx-trigger="every 1s"' not in html  # polling stops
    assert 'aria-valuenow="100"' in html and "3 of 3 lines drawn" in html
    assert f'href="/forms/exports/{job.pk}/file.pdf"' in html
    index = client.get("/forms/").content.decode()
    assert 'id="my-exports"' in index and f"/forms/exports/{job.pk}/file.pdf" in index


def test_an_export_is_refused_outside_the_users_branch_or_rights(client, desk):
    _calls(desk, 2)
    form = {"form": 3, "branch": desk.branch_a.pk, "from": "2026-07-01", "to": "2026-07-31"}
    client.force_login(desk.carol)
    assert client.post("/forms/exports/", form).status_code == 404
    client.force_login(UserFactory(username="ed", branch=desk.branch_a, roles=["engineer"]))
    response = client.post("/forms/exports/", form)
    assert response.status_code == 403
    assert "You may not print this register." in response.content.decode()
    client.force_login(desk.alice)
    response = client.post("/forms/exports/", {**form, "from": "2026-08-01"})
    assert response.status_code == 422
    assert "The end of the period is before its start." in response.content.decode()
    assert ExportJob.objects.count() == 0


def test_tick_deletes_week_old_files_and_fails_jobs_whose_worker_died(
    desk, django_capture_on_commit_callbacks
):
    _calls(desk, 2)
    old = _export(desk, desk.alice, django_capture_on_commit_callbacks)
    path = actions.export_file(old)
    assert path is not None and path.is_file()
    lost = ExportJob.objects.create(
        branch=desk.branch_a, created_by=desk.bob, form=3, start=date(2026, 7, 1),
        end=date(2026, 7, 31), status=ExportStatus.RUNNING,
    )  # fmt: skip
    finished = old.finished_at
    assert tick.run(finished + timedelta(days=6))["exports_purged"] == 0
    assert path.is_file()
    assert tick.run(finished + timedelta(days=7, minutes=1))["exports_purged"] == 1
    old.refresh_from_db()
    lost.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED and not path.exists()
    assert lost.status == ExportStatus.FAILED and "did not finish" in lost.error
    assert tick.run(timezone.now() + timedelta(days=30))["exports_purged"] == 0


def test_a_letter_register_export_draws_form_4_even_when_empty(
    client, desk, pdf_text, django_capture_on_commit_callbacks
):
    job = _export(desk, desk.sam, django_capture_on_commit_callbacks, form=4)
    assert (job.status, job.lines_total, job.pages) == (ExportStatus.DONE, 0, 1)
    assert job.file_name == "跟蹤服務信函登記表-a-20260701-20260731.pdf"
    client.force_login(desk.sam)
    response = client.get(f"/forms/exports/{job.pk}/file.pdf")
    text = pdf_text(b"".join(response.streaming_content))
    assert "跟蹤服務信函登記表" in text and "No letters in this period." in text
    assert "Handled by (signature)" in text
