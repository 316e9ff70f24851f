"""DS-11: drafted when a period ends, written and finalised by the branch's supervisor, then
frozen — late data changes the dashboard, never the archived review."""

from datetime import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from aftercare import tick
from aftercare.errors import Conflict, NotAllowed
from aftercare.followups import actions as followups
from aftercare.obligations.models import Obligation
from aftercare.org.models import Organisation
from aftercare.reviews import actions
from aftercare.reviews.models import Review
from tests.obligations.helpers import at, end
from tests.reviews.conftest import JULY_BY_RULE, JULY_TOTAL, figures

pytestmark = pytest.mark.django_db


def started(desk, moment: datetime) -> None:
    """The organisation began using Aftercare at `moment` (tick drafts nothing before it)."""
    Organisation.objects.filter(pk=desk.org.pk).update(created_at=moment)
    desk.org.refresh_from_db()


def ds11(review):
    return Obligation.objects.get(rule="DS-11", subject_id=review.pk)


@pytest.fixture
def july_review(desk, july):
    review, _ = actions.draft_review(
        desk.branch_a, kind="monthly", period="2026-07", now=at(2026, 8, 1, 0, 5)
    )
    return review


# ------------------------------------------------------------------------------------ tick


def test_tick_drafts_the_month_that_ended_for_every_branch_once(desk):
    started(desk, at(2026, 6, 15))
    result = tick.run(at(2026, 8, 1, 0, 1))
    assert result["reviews_drafted"] == 2  # July for A and for B; 2025 predates the start
    reviews = Review.objects.order_by("branch__code")
    assert [(r.branch.code, r.kind, r.period, r.status) for r in reviews] == [
        ("a", "monthly", "2026-07", "draft"),
        ("b", "monthly", "2026-07", "draft"),
    ]
    obligation = ds11(reviews[0])
    assert (obligation.owner, obligation.branch) == (desk.sam, desk.branch_a)
    assert obligation.triggered_at == end(2026, 7, 31)
    assert obligation.due_at == end(2026, 8, 5)  # 5 days after the period (a setting)
    assert ds11(reviews[1]).owner == desk.sue
    assert tick.run(at(2026, 8, 1, 0, 2))["reviews_drafted"] == 0
    assert tick.run(at(2026, 8, 20, 9))["reviews_drafted"] == 0
    assert Obligation.objects.filter(rule="DS-11").count() == 2


def test_tick_still_in_july_local_drafts_june_only(desk):
    """31 July 23:59 local is 15:59 UTC: the month of July has not ended yet."""
    started(desk, at(2026, 5, 1))
    tick.run(at(2026, 7, 31, 23, 59))
    assert set(Review.objects.values_list("period", flat=True)) == {"2026-06"}


def test_year_end_drafts_december_and_the_year_with_month_by_month_figures(desk):
    started(desk, at(2025, 1, 1))
    from aftercare.obligations.actions import fulfil, open_obligation

    on_time = open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.alice, event_at=at(2025, 12, 29, 10)
    )  # due 2025-12-31 23:59:59.999999
    fulfil(on_time, by=desk.alice, at=at(2025, 12, 30, 9))
    open_obligation(
        "BS-7", branch=desk.branch_a, owner=desk.alice, event_at=at(2025, 12, 31, 22)
    )  # due 2026-01-01 00:00: next year
    open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.bob, event_at=at(2025, 3, 10, 10)
    )  # due 03-12, never done
    # fmt: skip
    tick.run(at(2026, 1, 1, 0, 1))
    yearly = Review.objects.get(branch=desk.branch_a, kind="yearly")
    monthly = Review.objects.get(branch=desk.branch_a, kind="monthly")
    assert (yearly.period, monthly.period) == ("2025", "2025-12")
    assert ds11(yearly).due_at == ds11(monthly).due_at == end(2026, 1, 5)
    months = yearly.figures["months"]
    assert [m["month"] for m in months] == [f"2025-{n:02d}" for n in range(1, 13)]
    assert figures(months[2]) == (1, 0, 0, 0, 0, 1, 0, 0.0)  # March: overdue
    assert figures(months[11]) == (1, 1, 0, 0, 0, 0, 0, 1.0)  # December: on time
    assert figures(months[0]) == (0, 0, 0, 0, 0, 0, 0, None)
    assert figures(yearly.figures["total"]) == (2, 1, 0, 0, 0, 1, 0, 0.5)
    assert figures(monthly.figures["total"]) == (1, 1, 0, 0, 0, 0, 0, 1.0)
    assert tick.run(at(2026, 1, 3, 12))["reviews_drafted"] == 0


# ------------------------------------------------------------------------ write and freeze


def test_finalised_review_keeps_its_figures_when_a_late_call_arrives(desk, july, july_review):
    actions.update_review(july_review, by=desk.sam, summary="七月：跟蹤電話準時率偏低。")
    review = actions.finalise_review(july_review, by=desk.sam)
    assert review.status == "finalised" and review.finalised_by == desk.sam
    assert ds11(review).done_by == desk.sam and ds11(review).done_at == review.finalised_at
    frozen = Review.objects.get(pk=review.pk).figures
    assert by_rule(frozen) == JULY_BY_RULE
    # In August the first follow-up of 20 July is entered: July's DS-3 is now done late.
    followups.record_call(
        july.late_customer, by=desk.alice, direction="out", purpose="first_followup",
        at=at(2026, 7, 20, 10), reached=True, topics=["usage_and_opinion"],
    )  # fmt: skip
    july.overdue_ds3.refresh_from_db()
    assert july.overdue_ds3.done_at == at(2026, 7, 20, 10)
    stored = Review.objects.get(pk=review.pk)
    assert stored.figures == frozen
    assert stored.summary == "七月：跟蹤電話準時率偏低。"
    assert figures(stored.figures["total"]) == JULY_TOTAL


def by_rule(data):
    return {row["rule"]: figures(row) for row in data["by_rule"]}


def test_a_finalised_review_refuses_every_change(desk, july_review):
    review = actions.finalise_review(july_review, by=desk.sam, summary="完成")
    with pytest.raises(Conflict):
        actions.update_review(review, by=desk.sam, summary="改")
    with pytest.raises(Conflict):
        actions.finalise_review(review, by=desk.sam)
    stale = Review.objects.get(pk=review.pk)
    stale.summary = "偷偷改"
    with pytest.raises(Conflict):
        stale.save()  # even outside the actions
    with pytest.raises(Conflict):
        stale.delete()
    assert Review.objects.get(pk=review.pk).summary == "完成"


def test_finalising_needs_a_summary_and_the_branchs_own_supervisor(desk, july_review):
    with pytest.raises(NotAllowed):
        actions.finalise_review(july_review, by=desk.sue, summary="B 的主管")
    with pytest.raises(NotAllowed):
        actions.finalise_review(july_review, by=desk.ada, summary="管理員")
    with pytest.raises(NotAllowed):
        actions.update_review(july_review, by=desk.alice, summary="顧問")
    from aftercare.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        actions.finalise_review(july_review, by=desk.sam, summary="  ")
    assert refused.value.fields == {"summary": ["Write the summary before finalising."]}
    july_review.refresh_from_db()
    assert (july_review.status, july_review.summary) == ("draft", "")


def test_a_review_of_a_period_not_ended_is_refused(desk):
    from aftercare.errors import InvalidInput

    with pytest.raises(InvalidInput):
        actions.create_review(desk.branch_a, by=desk.sam, kind="monthly", period="2999-01")
    with pytest.raises(InvalidInput):
        actions.create_review(desk.branch_a, by=desk.sam, kind="monthly", period="2026-13")
    assert not Review.objects.exists()


# ------------------------------------------------------------------------------------ API


def test_api_create_read_patch_finalise_then_409(api_client, desk, july):
    api = api_client.as_user(desk.sam)
    created = api.post("/reviews", {"branch_id": desk.branch_a.pk, "kind": "monthly",
                                    "period": "2026-07", "summary": "草稿"})  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["period"], body["summary"]) == ("draft", "2026-07", "草稿")
    assert by_rule(body["figures"]) == JULY_BY_RULE
    pk = body["id"]
    again = api.post("/reviews", {"branch_id": desk.branch_a.pk, "kind": "monthly",
                                  "period": "2026-07"})  # fmt: skip
    assert again.status_code == 409
    patched = api.patch(f"/reviews/{pk}", {"summary": "七月總結"})
    assert patched.status_code == 200 and patched.json()["summary"] == "七月總結"
    done = api.post(f"/reviews/{pk}/finalise")
    assert done.status_code == 200
    assert done.json()["status"] == "finalised"
    assert done.json()["finalised_at"].endswith("+08:00")
    refused = api.patch(f"/reviews/{pk}", {"summary": "改"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "review_finalised"
    assert api.post(f"/reviews/{pk}/finalise").status_code == 409
    assert api.get(f"/reviews/{pk}").json()["summary"] == "七月總結"
    listed = api.get("/reviews", status="finalised").json()
    assert [row["id"] for row in listed["items"]] == [pk]


def test_api_scopes_reviews_and_figures_by_branch(api_client, desk, july_review):
    sue = api_client.as_user(desk.sue)
    assert sue.get(f"/reviews/{july_review.pk}").status_code == 404
    assert sue.post(f"/reviews/{july_review.pk}/finalise").status_code == 404
    assert sue.get("/compliance", branch_id=desk.branch_a.pk).status_code == 404
    assert sue.post("/reviews", {"branch_id": desk.branch_a.pk, "kind": "monthly",
                                 "period": "2026-06"}).status_code == 404  # fmt: skip
    alice = api_client.as_user(desk.alice)
    assert alice.get("/compliance").status_code == 403
    assert alice.get("/reviews").status_code == 403
    ada = api_client.as_user(desk.ada)
    assert ada.get("/compliance", branch_id=desk.branch_b.pk).status_code == 200
    assert ada.post(f"/reviews/{july_review.pk}/finalise", {"summary": "x"}).status_code == 403
    july_review.refresh_from_db()
    assert july_review.status == "draft"


# ---------------------------------------------------------------------------------- pages


def test_pages_write_finalise_and_refuse_with_the_message(client, desk, july_review):
    client.force_login(desk.sam)
    page = client.get(f"/reviews/{july_review.pk}/")
    assert page.status_code == 200 and 'id="review-form"' in page.content.decode()
    saved = client.post(f"/reviews/{july_review.pk}/save/", {"summary": "七月總結", "save": "1"})
    assert saved.status_code == 302
    done = client.post(f"/reviews/{july_review.pk}/save/", {"summary": "七月總結", "finalise": "1"})
    assert done.status_code == 302
    july_review.refresh_from_db()
    assert july_review.is_finalised and july_review.summary == "七月總結"
    refused = client.post(f"/reviews/{july_review.pk}/save/", {"summary": "改"})
    assert refused.status_code == 409
    assert "This review is finalised: its figures and text can no longer change." in (
        refused.content.decode()
    )
    july_review.refresh_from_db()
    assert july_review.summary == "七月總結"
    listed = client.get("/reviews/").content.decode()
    assert f'data-id="{july_review.pk}"' in listed


def test_refusal_is_shown_translated(client, desk, july_review):
    actions.finalise_review(july_review, by=desk.sam, summary="完成")
    client.force_login(desk.sam)
    client.post("/i18n/setlang/", {"language": "zh-hant"})
    refused = client.post(f"/reviews/{july_review.pk}/save/", {"summary": "改"},
                          HTTP_ACCEPT_LANGUAGE="zh-hant")  # fmt: skip
    assert refused.status_code == 409
    assert 'id="review-error"' in refused.content.decode()


def test_dashboard_shows_what_changed_since_the_review_was_frozen(client, desk, july, july_review):
    actions.finalise_review(july_review, by=desk.sam, summary="完成")
    followups.record_call(
        july.late_customer, by=desk.alice, direction="out", purpose="first_followup",
        at=at(2026, 7, 20, 10), reached=True, topics=["usage_and_opinion"],
    )  # fmt: skip
    client.force_login(desk.sam)
    page = client.get("/reviews/dashboard/", {"period": "range", "from": "2026-07-01",
                                               "to": "2026-07-31"})  # fmt: skip
    assert page.context["review"] == july_review
    changes = {(d["group"], d["figure"]): (d["frozen"], d["live"])
               for d in page.context["differences"]}  # fmt: skip
    assert changes == {
        ("total", "late"): (2, 3),
        ("total", "overdue"): (3, 2),
        ("DS-3", "late"): (2, 3),
        ("DS-3", "overdue"): (1, 0),
        ("calls", "calls"): (5, 6),
    }
    assert 'id="frozen-differences"' in page.content.decode()
    detail = client.get(f"/reviews/{july_review.pk}/")
    assert len(detail.context["differences"]) == 5


def test_dashboard_permissions(client, desk):
    client.force_login(desk.alice)
    assert client.get("/reviews/dashboard/").status_code == 403
    client.force_login(desk.sue)
    assert client.get("/reviews/dashboard/").context["branch"] == desk.branch_b
    assert client.get("/reviews/dashboard/", {"branch": desk.branch_a.pk}).status_code in (200,)
    # a supervisor has no branch choice: the parameter is ignored, B stays B
    assert (
        client.get("/reviews/dashboard/", {"branch": desk.branch_a.pk}).context["branch"]
        == desk.branch_b
    )
    client.force_login(desk.ada)
    page = client.get("/reviews/dashboard/", {"branch": desk.branch_b.pk})
    assert page.context["branch"] == desk.branch_b
    assert len(page.context["branches"]) == 2


def test_review_pdf_draws_the_chinese_text(client, desk, july_review, pdf_text):
    actions.finalise_review(july_review, by=desk.sam, summary="七月跟蹤服務總結")
    client.force_login(desk.sam)
    response = client.get(f"/reviews/{july_review.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "七月跟蹤服務總結" in text
    assert "北區店" in text
    assert "DS-3" in text


def test_review_xlsx_has_the_header_row_and_one_row_per_group(client, desk, july_review):
    actions.finalise_review(july_review, by=desk.sam, summary="完成")
    client.force_login(desk.sam)
    response = client.get(f"/reviews/{july_review.pk}/xlsx/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Monthly review 2026-07 — 北區店"
    assert list(rows[1]) == ["Group", "Name", "Due or done", "On time", "Late", "Early",
                             "Due later", "Overdue", "Cancelled", "On-time rate"]  # fmt: skip
    assert [row[0] for row in rows[2:8]] == ["DS-1", "DS-3", "DS-4", "DS-4E", "DS-5", "BS-7"]
    assert list(rows[3][2:]) == [6, 2, 2, 1, 0, 1, 0, "33.3%"]
    assert rows[8][0] == "Total" and rows[8][2] == 15
    assert [row[1] for row in rows[9:]] == ["alice", "bob", "sam"]
    client.force_login(desk.sue)
    assert client.get(f"/reviews/{july_review.pk}/xlsx/").status_code == 404
