"""Owner A sees their own company's records on every portal page and file, and nothing of
owner B — a company of the same branch — whose ids answer 404 like missing ones. Staff are
refused the owner's pages; owners are refused the staff's."""

import pytest
import time_machine
from django.urls import reverse

from tests.portal.helpers import NOW, two_owners

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _built(build_once):
    with build_once(two_owners) as built:
        yield built


@pytest.fixture
def world(db, _built):
    return _built


RECORD_ROUTES = [
    ("portal:ticket", ["ticket"]),
    ("portal:visit_report", ["ticket"]),
    ("portal:plan", ["plan"]),
    ("portal:confirm", ["plan"]),
    ("portal:reject", ["plan"]),
    ("portal:document", ["document"]),
    ("portal:document", ["document_v1"]),
    ("portal:document", ["site_document"]),
    ("portal:bill_pdf", ["bill"]),
    ("portal:report_pdf", ["report"]),
]


def _url(name, keys, ids):
    return reverse(name, args=[ids[key] for key in keys])


@pytest.mark.parametrize(("name", "keys"), RECORD_ROUTES)
def test_each_owner_opens_their_own_record_and_never_the_others(client, world, name, keys):
    client.force_login(world.a.owner)
    with time_machine.travel(NOW, tick=False):
        own = client.get(_url(name, keys, world.a.ids))
        theirs = client.get(_url(name, keys, world.b.ids))
    assert own.status_code == 200, (name, own.status_code)
    assert theirs.status_code == 404, (name, theirs.status_code)
    client.force_login(world.b.owner)
    assert client.get(_url(name, keys, world.b.ids)).status_code == 200
    assert client.get(_url(name, keys, world.a.ids)).status_code == 404


def test_files_are_the_owners_own(client, world):
    client.force_login(world.a.owner)
    document = client.get(reverse("portal:document", args=[world.a.ids["document_v1"]]))
    assert b"".join(document.streaming_content) == b"%PDF-1.4 v1"
    for name in ("portal:visit_report", "portal:bill_pdf", "portal:report_pdf"):
        key = {"portal:visit_report": "ticket", "portal:bill_pdf": "bill"}.get(name, "report")
        response = client.get(reverse(name, args=[world.a.ids[key]]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_guessing_ids_serves_nothing_of_another_owner(client, world):
    """Every document id there is, tried by owner A: only A's are served."""
    from aftercare.documents.models import DocumentVersion

    client.force_login(world.a.owner)
    served = {
        pk for pk in DocumentVersion.objects.values_list("pk", flat=True)
        if client.get(reverse("portal:document", args=[pk])).status_code == 200
    }  # fmt: skip
    theirs = DocumentVersion.objects.filter(
        system__site__customer=world.a.customer
    ) | DocumentVersion.objects.filter(site__customer=world.a.customer)
    assert served == set(theirs.values_list("pk", flat=True))
    assert served and not served & {world.b.ids["document"], world.b.ids["site_document"]}


LISTS = [
    "portal:home", "portal:tickets", "portal:plans", "portal:equipment", "portal:documents",
    "portal:training", "portal:bills", "portal:reports", "portal:report",
]  # fmt: skip


@pytest.mark.parametrize("name", LISTS)
def test_lists_show_nothing_of_the_other_owner(client, world, name):
    client.force_login(world.a.owner)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse(name))
    text = page.content.decode()
    assert page.status_code == 200
    assert "別家" not in text  # B's company, site and records are named 別家…
    assert world.b.site.name not in text


def test_the_pages_show_the_owners_records(client, world):
    client.force_login(world.a.owner)
    with time_machine.travel(NOW, tick=False):
        documents = client.get(reverse("portal:documents")).content.decode()
        bills = client.get(reverse("portal:bills")).content.decode()
        equipment = client.get(reverse("portal:equipment")).content.decode()
        plans = client.get(reverse("portal:plans")).content.decode()
        home = client.get(reverse("portal:home")).content.decode()
        reports = client.get(reverse("portal:reports")).content.decode()
    assert "竣工圖" in documents and "Earlier versions" in documents and "場地平面圖" in documents
    assert f'data-bill="{world.a.ids["bill"]}"' in bills
    # The CCTV system is under the signed contract, the fire alarm is not covered.
    assert "Maintenance contract until 2027-12-31" in equipment and "Not covered" in equipment
    assert "HK-0001" in equipment
    assert f'data-plan="{world.a.ids["plan"]}"' in plans and "Awaiting" in plans
    assert f'data-plan="{world.a.ids["plan"]}"' in home  # awaiting their confirmation
    assert f'data-report="{world.a.ids["report"]}"' in reports


def test_drafts_are_never_shown(client, world):
    from aftercare.billing.models import Bill

    s = world.s
    with time_machine.travel(NOW, tick=False):
        ticket = s.uncovered_call(NOW)
        from tests.parts.helpers import resolve

        resolve(s, ticket, NOW, minutes=30)
    draft = Bill.objects.get(ticket=ticket)
    client.force_login(world.a.owner)
    assert f'data-bill="{draft.pk}"' not in client.get(reverse("portal:bills")).content.decode()
    assert client.get(reverse("portal:bill_pdf", args=[draft.pk])).status_code == 404


def test_staff_are_refused_the_owners_pages_and_owners_the_staffs(client, world):
    client.force_login(world.s.sam)
    for name in LISTS:
        assert client.get(reverse(name)).status_code == 403, name
    client.force_login(world.a.owner)
    assert (
        client.get(reverse("servicedesk:ticket", args=[world.a.ids["ticket"]])).status_code == 403
    )
    assert client.get(reverse("documents:file", args=[world.a.ids["document"]])).status_code == 403
    assert client.get(reverse("messaging:calendar")).status_code == 403  # no staff feed
    assert client.get(reverse("portal:invitations")).status_code == 403
    assert client.get("/api/v1/tickets").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_signing_in_lands_on_the_portal(client, world):
    world.a.owner.set_password("a-long-Secret-2026")
    world.a.owner.save()
    response = client.post(
        reverse("login"), {"username": "owner_a", "password": "a-long-Secret-2026"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/portal/"
    assert response.status_code == 200
