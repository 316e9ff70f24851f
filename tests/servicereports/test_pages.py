"""The pages: the list by month and site, the report with its charts and versions, the PDF,
"generate now" with its progress page, "generate again"; in zh-Hant and English."""

import pytest
import time_machine
from django.urls import reverse

from aftercare.servicereports.models import MonthlyReport, ReportRun
from aftercare.servicereports.queries import reports_for_customer
from aftercare.tick import run as tick
from tests.servicereports.helpers import at, august

pytestmark = pytest.mark.django_db


def test_the_list_finds_the_report_by_month_and_site(reported, client):
    a, report = reported
    client.force_login(a.sam)
    client.cookies.load({"django_language": "en"})
    page = client.get(reverse("servicereports:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-report="{report.pk}"' in html and "宏遠大廈" in html
    assert 'id="generate-form"' in html and 'id="run-list"' in html
    assert (
        client.get(reverse("servicereports:list"), {"month": "2026-08", "q": "宏遠"})
        .context["page"]
        .paginator.count
        == 1
    )
    assert (
        client.get(reverse("servicereports:list"), {"q": "不存在"}).context["page"].paginator.count
        == 0
    )
    assert (
        client.get(reverse("servicereports:list"), {"month": "2026-07"})
        .context["page"]
        .paginator.count
        == 0
    )


def test_the_report_page_shows_the_figures_and_the_charts_in_chinese_and_english(reported, client):
    a, report = reported
    client.force_login(a.sam)
    for language, words in (("en", "Tickets by category"), ("zh-hant", "月度服務報告")):
        client.cookies.load({"django_language": language})
        page = client.get(reverse("servicereports:report", args=[report.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert words in html
        for chart in ("chart-tickets", "chart-clocks", "chart-visits"):
            assert f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart}"' in html
        assert f'data-ticket="{a.t1.number}"' in html and "鏡頭起霧" in html
        assert 'id="regenerate"' in html and 'id="report-versions"' not in html
    assert ' style="' not in html  # CSP: no inline styles, charts use presentation attributes


def test_generate_again_adds_a_version_and_keeps_the_first(reported, client):
    a, report = reported
    client.force_login(a.sam)
    response = client.post(reverse("servicereports:regenerate", args=[report.pk]))
    second = MonthlyReport.objects.get(site=a.site, month=report.month, version=2)
    assert response.status_code == 302 and response["Location"].endswith(f"/{second.pk}/")
    html = client.get(reverse("servicereports:report", args=[report.pk])).content.decode()
    assert 'id="report-versions"' in html and 'id="not-latest"' in html
    listed = client.get(reverse("servicereports:list"), {"month": "2026-08"}).context["page"]
    assert [row.pk for row in listed] == [second.pk]  # the latest version only


def test_generate_now_runs_the_batch_and_shows_its_progress(reported, client):
    a, report = reported
    client.force_login(a.sam)
    response = client.post(reverse("servicereports:generate"), {"month": "2026-08"})
    run = ReportRun.objects.get(requested_by=a.sam)
    assert response.status_code == 302 and response["Location"] == reverse(
        "servicereports:run", args=[run.pk]
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="run-progress"' in html and "hx-get" not in html  # done: no more polling
    assert "1 of 1 sites reported" in html
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="run-progress"')
    # A month not over yet is refused on the form.
    refused = client.post(reverse("servicereports:generate"), {"month": "2026-09"})
    assert refused.status_code == 422


def test_who_may_see_and_generate(reported, client):
    a, report = reported
    client.force_login(a.eve)  # engineers do not read the monthly reports
    assert client.get(reverse("servicereports:report", args=[report.pk])).status_code == 403
    client.force_login(a.sue)  # the supervisor of the other branch
    assert client.get(reverse("servicereports:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("servicereports:pdf", args=[report.pk])).status_code == 404
    assert client.post(reverse("servicereports:regenerate", args=[report.pk])).status_code == 404
    client.force_login(a.ada)  # the administrator: the whole organisation
    assert client.get(reverse("servicereports:report", args=[report.pk])).status_code == 200
    assert MonthlyReport.objects.filter(site=a.site, month=report.month).count() == 1


def test_the_owner_portal_reads_its_own_reports():
    a = august()
    with time_machine.travel(at(2026, 9, 1, 0, 5), tick=False):
        tick()
    assert [(r.site, f"{r.month:%Y-%m}") for r in reports_for_customer(a.owner)] == [
        (a.site, "2026-08"),
    ]  # fmt: skip
    assert list(reports_for_customer(a.other_site.customer).exclude(customer=a.owner)) == []
