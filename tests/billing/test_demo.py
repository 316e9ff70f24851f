"""The demo's billing: settings with a letterhead, one issued bill and one draft on the hotline's
demo tickets, written through the real actions; removed again by the demo's reset (before the
hotline's tickets, which the bills refer to)."""

import pytest
from django.utils import timezone

from aftercare.billing import demo
from aftercare.billing.models import Bill, BillingSettings, BillLine
from aftercare.obligations.models import Obligation
from aftercare.servicedesk import demo as hotline_demo
from aftercare.servicedesk.models import Ticket
from tests.contracts.helpers import building

pytestmark = pytest.mark.django_db


def test_demo_bills_and_their_removal():
    b = building()
    now = timezone.now()
    hotline_demo.load(b.org, now)
    demo.load(b.org, now)
    demo.load(b.org, now)  # a second run adds nothing
    settings = BillingSettings.objects.get(organisation=b.org)
    assert settings.company_name == demo.LETTERHEAD["company_name"]
    bills = Bill.objects.filter(branch__organisation=b.org).order_by("drafted_at")
    assert [bill.state for bill in bills] == ["issued", "draft"]
    issued, draft = bills
    assert issued.number.startswith("BS-B-") and issued.letterhead["company_name"]
    assert draft.number == "" and draft.total > 0
    assert Obligation.objects.filter(rule="BS-10", done_at__isnull=True).count() == 1

    demo.remove(b.org)
    assert not Bill.objects.exists() and not BillLine.objects.exists()
    assert not BillingSettings.objects.exists()
    assert not Obligation.objects.filter(rule="BS-10").exists()
    hotline_demo.remove(b.org)  # the tickets can go now
    assert not Ticket.objects.exists()


def test_no_bills_without_a_building_site(desk):
    demo.load(desk.org, timezone.now())
    assert not Bill.objects.exists()
