"""The demo's contracts: on building-systems sites only, one active and one offered; nothing
but the calendars where no such site exists."""

import pytest
from django.utils import timezone

from aftercare.contracts import demo
from aftercare.contracts.models import Contract, ServiceCalendar
from aftercare.sites import actions as sites
from tests.contracts.helpers import building
from tests.factories import BranchFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_active_and_an_offered_contract():
    b = building()
    sites.add_system(by=b.sam, site=b.other_site, kind="bms", name="樓宇自控")
    now = timezone.now()
    demo.load(b.org, now)
    demo.load(b.org, now)  # a second run adds nothing
    today = timezone.localdate(now, b.org.tz)
    statuses = sorted(c.status_on(today) for c in Contract.objects.all())
    assert statuses == ["active", "offered"]
    active = Contract.objects.get(signed_on__isnull=False)
    assert active.coverage.count() == 2
    assert active.targets.get(category="line_fault").arrival_hours == 2
    assert active.targets.get(category="line_fault").fix_hours == 4
    assert active.escalation.count() == 2
    assert set(ServiceCalendar.objects.values_list("name", flat=True)) == {"24×7", demo.OFFICE_NAME}
    demo.remove(b.org)
    assert not Contract.objects.exists()
    assert not ServiceCalendar.objects.exists()


def test_no_building_sites_no_contracts():
    org = OrganisationFactory()
    branch = BranchFactory(organisation=org)
    UserFactory(branch=None, organisation=org, roles=["administrator"])
    UserFactory(branch=branch, roles=["supervisor"])
    demo.load(org, timezone.now())
    assert not Contract.objects.exists()
    assert ServiceCalendar.objects.filter(organisation=org).count() == 2


def test_a_pending_offer_stays_pending():
    """The system whose contract offer is due soon keeps its BS-6 on the worklist."""
    from datetime import date

    from tests.contracts.helpers import accept

    b = building()
    duty = accept(b, b.cctv, date(2025, 1, 6))
    demo.load(b.org, timezone.now())
    contract = Contract.objects.get(site=b.site)
    assert list(contract.systems.all()) == [b.fire]
    duty.refresh_from_db()
    assert duty.done_at is None
