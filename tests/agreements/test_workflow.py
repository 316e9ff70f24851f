"""The one agreement workflow (BS-4), with a kind of its own so that what is tested is the
workflow: versions, the owner's confirmation, returns, revisions, the timeline, and that a
confirmed version is never changed."""

import base64

import pytest

from aftercare.agreements import actions
from aftercare.agreements.models import Agreement, AgreementEvent, AgreementVersion
from aftercare.errors import Conflict, InvalidInput, NotAllowed
from tests.agreements import kind as note
from tests.contracts.helpers import at, building
from tests.servicedesk.helpers import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def b(monkeypatch):
    monkeypatch.setattr(
        "aftercare.apps.agreement_kinds", lambda: {"maintenance": "tests.agreements.kind.KIND"}
    )
    note.CALLS.clear()
    return building()


DRAFTED_AT = at(2026, 3, 2, 9, 0)


def drafted(b, hours=8, when=DRAFTED_AT):
    return actions.draft(
        "maintenance", by=b.sam, branch=b.branch, customer=b.owner, site=b.site,
        title="宏遠大廈 保養計劃", terms={"hours": hours}, at=when,
    )  # fmt: skip


def confirmed(b):
    plan = drafted(b)
    actions.submit(plan, by=b.sam, at=at(2026, 3, 2, 10, 0))
    actions.confirm(
        plan, by=b.sam, confirmed_by="陳經理", at=at(2026, 3, 3, 15, 0), signature_png=png()
    )
    return plan


def states(plan):
    return list(plan.versions.order_by("number").values_list("number", "state"))


def kinds(plan):
    return list(AgreementEvent.objects.filter(agreement=plan).values_list("kind", flat=True))


def test_a_plan_is_drafted_submitted_and_confirmed_with_the_drawn_signature(b):
    plan = confirmed(b)
    version = plan.versions.get()
    assert version.state == "confirmed"
    assert version.terms == {"hours": 8, "topics": []}
    assert version.confirmed_by == "陳經理"
    assert version.confirmed_at == at(2026, 3, 3, 15, 0)
    assert version.recorded_by == b.sam
    assert version.signature.read() == base64.b64decode(png())
    assert kinds(plan) == ["drafted", "submitted", "confirmed"]
    assert note.CALLS == [("confirmed", 1)]


def test_a_confirmation_without_a_signature_or_a_scan_is_refused_and_changes_nothing(b):
    plan = drafted(b)
    actions.submit(plan, by=b.sam, at=at(2026, 3, 2, 10, 0))
    with pytest.raises(InvalidInput) as refused:
        actions.confirm(plan, by=b.sam, confirmed_by="陳經理", at=at(2026, 3, 3, 15, 0))
    assert "signature_png" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        actions.confirm(plan, by=b.sam, confirmed_by=" ", signature_png=png())
    assert "confirmed_by" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        actions.confirm(plan, by=b.sam, confirmed_by="陳經理", signature_png="bm90IGEgcG5n")
    assert refused.value.fields["signature_png"] == ["The signature is not a PNG image."]
    assert states(plan) == [(1, "submitted")]
    assert kinds(plan) == ["drafted", "submitted"]
    assert note.CALLS == []


def test_a_plan_cannot_be_confirmed_before_it_was_submitted(b):
    plan = drafted(b)
    with pytest.raises(Conflict):
        actions.confirm(plan, by=b.sam, confirmed_by="陳經理", signature_png=png())
    actions.submit(plan, by=b.sam, at=at(2026, 3, 2, 10, 0))
    with pytest.raises(InvalidInput) as refused:
        actions.confirm(
            plan, by=b.sam, confirmed_by="陳經理", at=at(2026, 3, 2, 9, 30), signature_png=png()
        )
    assert "at" in refused.value.fields
    assert states(plan) == [(1, "submitted")]


def test_a_scanned_confirmation_is_kept_under_its_name_and_other_files_are_refused(b):
    plan = drafted(b)
    actions.submit(plan, by=b.sam, at=at(2026, 3, 2, 10, 0))
    with pytest.raises(InvalidInput) as refused:
        actions.confirm(plan, by=b.sam, confirmed_by="陳經理", scan=b"hello", scan_name="a.txt")
    assert "scan" in refused.value.fields
    pdf = b"%PDF-1.4\n%scan of the signed page\n"
    version = actions.confirm(
        plan, by=b.sam, confirmed_by="陳經理", scan=pdf, scan_name="確認函.pdf"
    )
    version.refresh_from_db()
    assert version.scan.read() == pdf
    assert version.scan_name == "確認函.pdf"
    assert not version.signature


def test_the_owner_returns_a_version_with_a_reason_and_it_is_a_draft_again(b):
    plan = drafted(b)
    actions.submit(plan, by=b.sam, at=at(2026, 3, 2, 10, 0))
    with pytest.raises(InvalidInput):
        actions.reject(plan, by=b.sam, person="陳經理", reason="")
    actions.reject(plan, by=b.sam, person="陳經理", reason="週六不便進場", at=at(2026, 3, 2, 11))
    assert states(plan) == [(1, "draft")]
    event = AgreementEvent.objects.filter(agreement=plan).last()
    assert (event.kind, event.person, event.note) == ("rejected", "陳經理", "週六不便進場")
    actions.edit(plan, by=b.sam, changes={"hours": 6}, at=at(2026, 3, 2, 12))
    assert plan.versions.get().terms["hours"] == 6
    assert kinds(plan) == ["drafted", "submitted", "rejected", "edited"]


def test_a_revision_is_a_new_version_with_its_reason_and_supersedes_only_once_confirmed(b):
    plan = confirmed(b)
    with pytest.raises(InvalidInput) as refused:
        actions.revise(plan, by=b.sam, reason="", changes={"hours": 10})
    assert "reason" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        actions.revise(plan, by=b.sam, reason="加一節", changes={"hours": 8})
    assert refused.value.fields["reason"] == ["The new version would be the same as version 1."]
    with pytest.raises(InvalidInput) as refused:
        actions.revise(plan, by=b.sam, reason="加一節", changes={"hour": 10})
    assert "changes.hour" in refused.value.fields
    assert states(plan) == [(1, "confirmed")]

    actions.revise(
        plan, by=b.sam, reason="業主增加課時", changes={"hours": 10}, at=at(2026, 5, 1, 9)
    )
    assert states(plan) == [(1, "confirmed"), (2, "draft")]
    v2 = plan.versions.get(number=2)
    assert (v2.reason, v2.terms["hours"]) == ("業主增加課時", 10)
    with pytest.raises(Conflict):  # a draft is changed, not revised again
        actions.revise(plan, by=b.sam, reason="again", changes={"hours": 12})
    actions.submit(plan, by=b.sam, at=at(2026, 5, 1, 10))
    actions.confirm(
        plan, by=b.sam, confirmed_by="陳經理", at=at(2026, 5, 2, 9), signature_png=png()
    )
    assert states(plan) == [(1, "superseded"), (2, "confirmed")]
    assert plan.versions.get(number=1).superseded_at == at(2026, 5, 2, 9)
    assert note.CALLS == [("confirmed", 1), ("revised", 2), ("confirmed", 2)]
    assert kinds(plan)[-4:] == ["revised", "submitted", "confirmed", "superseded"]


def test_a_confirmed_version_and_the_timeline_are_never_changed(b):
    plan = confirmed(b)
    version = AgreementVersion.objects.get(agreement=plan)
    version.terms = {"hours": 99, "topics": []}
    with pytest.raises(Conflict):
        version.save()
    with pytest.raises(Conflict):
        version.delete()
    event = AgreementEvent.objects.filter(agreement=plan).first()
    event.note = "changed"
    with pytest.raises(Conflict):
        event.save()
    with pytest.raises(Conflict):
        event.delete()
    assert AgreementVersion.objects.get(agreement=plan).terms["hours"] == 8


def test_only_the_branch_with_the_permission_moves_a_plan(b):
    plan = drafted(b)
    engineer = b.eve  # may read sites, not change them
    with pytest.raises(NotAllowed):
        actions.submit(plan, by=engineer)
    with pytest.raises(NotAllowed):
        actions.submit(plan, by=b.sue)  # a supervisor of another branch
    with pytest.raises(NotAllowed):
        actions.draft(
            "maintenance", by=b.sue, branch=b.branch, customer=b.owner, site=b.site,
            title="x", terms={"hours": 1},
        )  # fmt: skip
    assert states(plan) == [(1, "draft")]
    assert Agreement.objects.count() == 1


def test_an_unknown_kind_is_refused(b):
    with pytest.raises(InvalidInput):
        actions.draft(
            "catering", by=b.sam, branch=b.branch, customer=b.owner, site=b.site, title="x",
            terms={},
        )  # fmt: skip
    assert not Agreement.objects.exists()


def test_bad_terms_are_refused_by_the_kind_before_anything_is_written(b):
    with pytest.raises(InvalidInput) as refused:
        drafted(b, hours=0)
    assert "hours" in refused.value.fields
    assert not Agreement.objects.exists()
