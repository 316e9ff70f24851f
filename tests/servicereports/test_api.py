"""GET /api/v1/monthly-reports and /monthly-reports/{id}: the latest versions through the
same read scope as the pages, and one report's frozen figures."""

import pytest

pytestmark = pytest.mark.django_db


def test_list_and_detail(reported, api_client):
    a, report = reported
    api = api_client.as_user(a.sam)
    listed = api.get("/monthly-reports", site_id=a.site.pk, month="2026-08")
    assert listed.status_code == 200
    [row] = listed.json()["items"]
    assert (row["id"], row["site_name"], row["month"], row["version"]) == (
        report.pk, "宏遠大廈", "2026-08-01", 1,
    )  # fmt: skip
    detail = api.get(f"/monthly-reports/{report.pk}")
    assert detail.status_code == 200
    figures = detail.json()["figures"]
    assert figures["tickets"]["total"] == 3
    assert figures["tickets"]["clocks"]["arrival"]["breaches"] == 2
    assert api.get("/monthly-reports", month="2026-13").status_code == 422
    assert len(api.get("/monthly-reports").json()["items"]) == 1


def test_refused_outside_the_scope(reported, api_client):
    a, report = reported
    assert api_client.as_user(a.sue).get(f"/monthly-reports/{report.pk}").status_code == 404
    assert api_client.as_user(a.eve).get("/monthly-reports").status_code == 403
