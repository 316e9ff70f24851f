"""An owner's representative (role `owner`, bound to one customer): they read their own
company's rows where a model names its customer, nothing else, and stay out of the staff pages
and API. They may report a fault of their own building and answer their own plans."""

import pytest
from django.core.exceptions import PermissionDenied

from aftercare.customers.models import Customer
from aftercare.errors import NotAllowed
from aftercare.org.access import restrict
from aftercare.servicedesk import actions as hotline
from aftercare.servicedesk.models import Ticket, TicketEvent
from aftercare.sites import actions as sites
from aftercare.sites.models import Site
from tests.contracts.helpers import at, building
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def owner_of(customer, username="owner"):
    user = UserFactory(username=username, branch=None, roles=["owner"])
    user.organisation_id = customer.branch.organisation_id
    user.customer = customer
    user.save()
    return user


@pytest.fixture
def b():
    return building()


def test_an_owner_reads_only_their_own_companys_rows(b):
    other = Customer.objects.create(branch=b.branch, name="別家置業", kind="company")
    theirs = sites.create_site(by=b.sam, customer=other, name="別家大廈")
    owner = owner_of(b.owner)
    visible = restrict(Site.objects.all(), owner, "sites.view_site", customer_field="customer")
    assert set(visible) == {b.site, b.other_site}
    assert theirs not in visible
    with pytest.raises(PermissionDenied):  # the model names no path to a customer
        restrict(Site.objects.all(), owner, "sites.view_site")


def test_an_owner_is_kept_out_of_staff_pages_and_the_staff_api(b, client):
    client.force_login(owner_of(b.owner))
    assert client.get("/").headers["Location"] == "/portal/"
    # Signing in lands on My work (LOGIN_REDIRECT_URL): an owner is taken on to the portal.
    assert client.get("/work/").headers["Location"] == "/portal/"
    for path in ("/sites/", f"/sites/{b.site.pk}/", "/messages/calendar/"):
        assert client.get(path).status_code == 403, path
    answer = client.get("/api/v1/sites")
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"
    assert client.get("/accounts/password_change/").status_code in (200, 404)


def test_an_owner_reports_a_fault_of_their_own_building_only(b):
    owner = owner_of(b.owner)
    ticket = hotline.report(
        by=owner, site=b.site, system=b.cctv, caller_name="陳經理", category="equipment_fault",
        description="大堂攝像機無畫面", reported_at=at(2026, 8, 4, 9, 10),
    )  # fmt: skip
    assert ticket.recorded_by == owner
    event = TicketEvent.objects.get(ticket=ticket)
    assert event.data["via"] == "portal"
    other = Customer.objects.create(branch=b.branch, name="別家置業", kind="company")
    theirs = sites.create_site(by=b.sam, customer=other, name="別家大廈")
    system = sites.add_system(by=b.sam, site=theirs, kind="cctv", name="監控")
    with pytest.raises(NotAllowed):
        hotline.report(
            by=owner, site=theirs, system=system, caller_name="陳經理",
            category="equipment_fault", description="x",
        )  # fmt: skip
    assert Ticket.objects.count() == 1


def test_the_owner_role_is_never_given_to_staff(b, client):
    from aftercare.errors import Errors
    from aftercare.org.actions import _check_roles

    errors = Errors()
    _check_roles(["owner"], b.branch, errors)
    assert "roles" in errors
