"""The demo's handover archives: loaded through the actions for the building-systems sites the
sites demo made; nothing where there are none."""

from datetime import timedelta

from django.utils import timezone

from aftercare.documents import demo
from aftercare.documents.models import DocumentVersion
from aftercare.obligations.models import Obligation
from aftercare.sites import actions as sites
from aftercare.standard import calendar as cal


def test_nothing_without_building_systems_sites(desk):
    demo.load(desk.org, timezone.now())
    assert DocumentVersion.objects.count() == 0


def test_most_systems_complete_one_accepted_22_months_ago_one_in_handover(building):
    more = sites.add_system(by=building.sam, site=building.site, kind="fire_alarm", name="火警")
    last = sites.add_system(by=building.sam, site=building.site, kind="bms", name="樓宇自控")
    now = timezone.now()
    demo.load(building.org, now)
    today = cal.local_date(now, building.org.tz)
    building.system.refresh_from_db()
    more.refresh_from_db()
    last.refresh_from_db()
    assert building.system.accepted_on is not None and more.accepted_on is not None
    assert last.accepted_on is None
    assert not DocumentVersion.objects.filter(system=last, kind="om_manual").exists()
    # The offer of the oldest acceptance falls due within a fortnight.
    offer = Obligation.objects.filter(rule="BS-6").order_by("due_at").first()
    due = cal.local_date(offer.due_at, building.org.tz)
    assert today <= due <= today + timedelta(days=14)
    demo.load(building.org, now)  # twice: nothing more
    count = DocumentVersion.objects.count()
    demo.load(building.org, now)
    assert DocumentVersion.objects.count() == count
    demo.remove(building.org)
    assert DocumentVersion.objects.count() == 0
