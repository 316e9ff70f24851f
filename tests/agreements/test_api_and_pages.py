"""The workflow's API and pages, on the test kind: the moves, the confirmation screen with a
drawn signature, versions side by side, and the read scope."""

import base64

import pytest
from django.utils import translation

from aftercare.agreements import actions
from aftercare.agreements.models import AgreementEvent
from tests.agreements.test_workflow import b, confirmed, drafted, states  # noqa: F401  (fixture)
from tests.contracts.helpers import at
from tests.servicedesk.helpers import png

pytestmark = pytest.mark.django_db


def test_the_api_moves_a_plan_through_submit_confirm_and_revise(b, api_client):  # noqa: F811
    plan = drafted(b)
    api = api_client.as_user(b.sam)
    answer = api.post(f"/plans/maintenance/{plan.pk}/submit", {"at": "2026-03-02T10:00:00+08:00"})
    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == "submitted"
    answer = api.post(
        f"/plans/maintenance/{plan.pk}/confirm",
        {"confirmed_by": "陳經理", "at": "2026-03-03T15:00:00+08:00", "signature_png": png()},
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["state"], body["version_in_force"]) == ("confirmed", 1)
    assert body["versions"][0]["confirmed_by"] == "陳經理"
    assert body["versions"][0]["signed"] is True
    answer = api.post(
        f"/plans/maintenance/{plan.pk}/revise",
        {"reason": "業主增加課時", "changes": {"hours": 10}, "at": "2026-05-01T09:00:00+08:00"},
    )
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert (body["state"], body["version_in_force"]) == ("draft", 1)
    assert [v["terms"]["hours"] for v in body["versions"]] == [8, 10]
    assert [e["kind"] for e in body["events"]] == ["drafted", "submitted", "confirmed", "revised"]


def test_the_api_refuses_bad_moves_with_a_clear_answer_and_writes_nothing(b, api_client):  # noqa: F811
    plan = drafted(b)
    api = api_client.as_user(b.sam)
    before = AgreementEvent.objects.count()
    answer = api.post(
        f"/plans/maintenance/{plan.pk}/confirm", {"confirmed_by": "陳經理", "signature_png": png()}
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "invalid_transition"
    api.post(f"/plans/maintenance/{plan.pk}/submit", {})
    answer = api.post(f"/plans/maintenance/{plan.pk}/confirm", {"confirmed_by": "陳經理"})
    assert answer.status_code == 422
    assert "signature_png" in answer.json()["fields"]
    answer = api.post(
        f"/plans/maintenance/{plan.pk}/confirm",
        {"confirmed_by": "陳經理", "scan_base64": "***", "scan_name": "x.pdf"},
    )
    assert answer.status_code == 422
    assert "scan_base64" in answer.json()["fields"]
    assert AgreementEvent.objects.count() == before + 1  # only the submit
    assert states(plan) == [(1, "submitted")]


def test_a_plan_is_found_only_under_its_own_kind_and_branch(b, api_client):  # noqa: F811
    plan = drafted(b)
    assert api_client.as_user(b.sam).get(f"/plans/maintenance/{plan.pk}").status_code == 200
    assert api_client.as_user(b.sam).get(f"/plans/training/{plan.pk}").status_code in (404, 422)
    assert api_client.as_user(b.sue).get(f"/plans/maintenance/{plan.pk}").status_code == 404
    answer = api_client.as_user(b.sue).post(f"/plans/maintenance/{plan.pk}/submit", {})
    assert answer.status_code == 404
    assert states(plan) == [(1, "draft")]


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_owner_confirms_at_the_screen_with_a_drawn_signature(b, client, language):  # noqa: F811
    plan = drafted(b)
    actions.submit(plan, by=b.sam, at=at(2026, 3, 2, 10, 0))
    client.force_login(b.sam)
    with translation.override(language):
        page = client.get(f"/plans/{plan.pk}/confirm/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    text = page.content.decode()
    assert "data-signature-canvas" in text
    assert ("業主確認" if language == "zh-hant" else "Owner's confirmation") in text
    refused = client.post(
        f"/plans/{plan.pk}/confirm/", {"confirmed_by": "陳經理", "at": "2026-03-03T15:00"}
    )
    assert refused.status_code == 422
    assert states(plan) == [(1, "submitted")]
    done = client.post(
        f"/plans/{plan.pk}/confirm/",
        {"confirmed_by": "陳經理", "at": "2026-03-03T15:00",
         "signature_png": "data:image/png;base64," + png()},
    )  # fmt: skip
    assert done.status_code == 302
    assert states(plan) == [(1, "confirmed")]
    version = plan.versions.get()
    assert version.confirmed_at == at(2026, 3, 3, 15, 0)  # read in the organisation's zone
    image = client.get(f"/plans/{plan.pk}/versions/1/signature/")
    assert b"".join(image.streaming_content) == base64.b64decode(png())


def test_a_revision_from_its_page_and_the_versions_side_by_side(b, client):  # noqa: F811
    plan = confirmed(b)
    client.force_login(b.sam)
    form = client.get(f"/plans/{plan.pk}/revise/").content.decode()
    assert 'name="hours" value="8"' in form  # the form starts from the confirmed terms
    refused = client.post(f"/plans/{plan.pk}/revise/", {"hours": "10", "reason": ""})
    assert refused.status_code == 422
    assert states(plan) == [(1, "confirmed")]
    done = client.post(f"/plans/{plan.pk}/revise/", {"hours": "10", "reason": "業主增加課時"})
    assert done.status_code == 302
    assert states(plan) == [(1, "confirmed"), (2, "draft")]
    page = client.get(f"/plans/{plan.pk}/compare/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-changed="true"' in text
    assert "業主增加課時" in text
    assert client.get(f"/plans/{plan.pk}/").status_code == 302


def test_another_branch_gets_no_page_of_the_plan(b, client):  # noqa: F811
    plan = confirmed(b)
    client.force_login(b.sue)
    for path in ("", "confirm/", "compare/", "revise/", "versions/1/signature/"):
        assert client.get(f"/plans/{plan.pk}/{path}").status_code == 404, path
