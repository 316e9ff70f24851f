"""The demo's maintenance plan: quarterly on the first building site, confirmed with the
owner's signature, its first visit done and signed with one defect (a hotline ticket), the
later visits on the engineer's work; removed again by the demo's reset."""

import pytest
import time_machine

from aftercare.agreements.models import Agreement, AgreementVersion
from aftercare.maintenance import demo
from aftercare.maintenance.models import ChecklistTemplate, MaintenancePlan, MaintenanceVisit
from aftercare.obligations.models import Obligation
from aftercare.servicedesk import demo as hotline_demo
from tests.maintenance.helpers import at, hotline

pytestmark = pytest.mark.django_db


def test_the_demo_plan_and_its_removal():
    h = hotline()
    now = at(2026, 6, 10, 9, 0)
    with time_machine.travel(now, tick=False):
        demo.load(h.org, now)
        demo.load(h.org, now)  # a second run adds nothing
    plan = MaintenancePlan.objects.get()
    assert plan.agreement.versions.get().state == "confirmed"
    done = plan.visits.get(state="done")
    assert done.signature and done.checks.filter(result="defect", ticket__isnull=False).count() == 1
    planned = plan.visits.filter(state="planned")
    assert planned.count() == 3
    assert Obligation.objects.pending().filter(rule="BS-9", owner=h.eve).count() == 3

    demo.remove(h.org)
    hotline_demo.remove(h.org)
    assert not MaintenancePlan.objects.exists() and not MaintenanceVisit.objects.exists()
    assert not Agreement.objects.exists() and not AgreementVersion.objects.exists()
    assert not ChecklistTemplate.objects.exists()
    assert not Obligation.objects.filter(rule="BS-9").exists()
