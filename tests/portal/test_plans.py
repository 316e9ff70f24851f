"""The owner confirms or returns a plan version in the portal: their drawn signature is kept,
and the plan's timeline says who did it."""

import pytest
from django.urls import reverse

from aftercare.agreements.models import Agreement, AgreementEvent
from aftercare.agreements.queries import latest_version
from tests.portal.helpers import signature, two_owners

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _built(build_once):
    with build_once(two_owners) as built:
        yield built


@pytest.fixture
def world(db, _built):
    return _built


def test_the_owner_confirms_with_a_drawn_signature(client, world):
    plan = Agreement.objects.get(pk=world.a.ids["plan"])
    client.force_login(world.a.owner)
    page = client.get(reverse("portal:confirm", args=[plan.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial["confirmed_by"] == "李經理"
    assert "data-signature-pad" in page.content.decode()

    unsigned = client.post(reverse("portal:confirm", args=[plan.pk]), {"confirmed_by": "李經理"})
    assert unsigned.status_code == 422
    assert latest_version(plan).state == "submitted"

    response = client.post(
        reverse("portal:confirm", args=[plan.pk]),
        {"confirmed_by": "李經理", "signature_png": signature()},
    )
    assert response.status_code == 302
    version = latest_version(plan)
    assert (version.state, version.confirmed_by, version.recorded_by) == (
        "confirmed", "李經理", world.a.owner,
    )  # fmt: skip
    assert version.signature.read().startswith(b"\x89PNG")
    event = AgreementEvent.objects.filter(agreement=plan, kind="confirmed").get()
    assert (event.by, event.person) == (world.a.owner, "李經理")

    shown = client.get(reverse("portal:plan", args=[plan.pk])).content.decode()
    assert "confirmed by 李經理" in shown
    timeline = shown[shown.index('id="plan-timeline"') :]
    assert "Confirmed by the owner" in timeline and f"recorded by {world.a.owner}" in timeline
    signature_file = client.get(reverse("portal:signature", args=[plan.pk, version.number]))
    assert signature_file.status_code == 200
    # The staff's plan page shows the same confirmation.
    client.force_login(world.s.sam)
    assert "李經理" in client.get(reverse("maintenance:plan", args=[plan.pk])).content.decode()


def test_the_owner_returns_a_plan_with_a_reason(client, world):
    plan = Agreement.objects.get(pk=world.a.ids["plan"])
    client.force_login(world.a.owner)
    response = client.post(
        reverse("portal:reject", args=[plan.pk]),
        {"person": "李經理", "reason": "請把巡檢改到週末"},
    )
    assert response.status_code == 302
    assert latest_version(plan).state == "draft"
    event = AgreementEvent.objects.get(agreement=plan, kind="rejected")
    assert (event.by, event.person, event.note) == (world.a.owner, "李經理", "請把巡檢改到週末")
    page = client.get(reverse("portal:plan", args=[plan.pk])).content.decode()
    assert "請把巡檢改到週末" in page
    assert "plan-confirm" not in page  # nothing to answer any more


def test_another_owner_cannot_answer_the_plan(client, world):
    plan = Agreement.objects.get(pk=world.a.ids["plan"])
    client.force_login(world.b.owner)
    response = client.post(
        reverse("portal:confirm", args=[plan.pk]),
        {"confirmed_by": "周先生", "signature_png": signature()},
    )
    assert response.status_code == 404
    assert (
        client.post(
            reverse("portal:reject", args=[plan.pk]), {"person": "周先生", "reason": "x"}
        ).status_code
        == 404
    )
    assert latest_version(plan).state == "submitted"


def test_versions_are_compared(client, world):
    from aftercare.agreements import actions as agreements

    plan = Agreement.objects.get(pk=world.a.ids["plan"])
    agreements.confirm(plan, by=world.s.sam, confirmed_by="李經理", signature_png=signature())
    agreements.revise(plan, by=world.s.sam, reason="改為每月一次", changes={"every_months": 1})
    agreements.submit(plan, by=world.s.sam)
    client.force_login(world.a.owner)
    page = client.get(reverse("portal:plan", args=[plan.pk]))
    assert page.status_code == 200
    assert len(page.context["compared"]) > 0
    assert any(differs for _label, _a, _b, differs in page.context["compared"])
    assert "改為每月一次" in page.content.decode()
