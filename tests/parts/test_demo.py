"""The demo's spare parts: seven catalogue lines with their receipts, and the last dome camera
reserved for an uncovered owner, then a covered one — the covered ticket is served, the
uncovered one waits with BS-12 for the parts clerk; removed again by the demo's reset."""

import pytest
from django.utils import timezone

from aftercare.obligations.models import Obligation
from aftercare.parts import demo
from aftercare.parts.models import Part, Reservation, StockLevel, StockMovement, Store
from aftercare.parts.queries import ledger_mismatches
from tests.parts.helpers import at, stores

pytestmark = pytest.mark.django_db


def test_demo_parts_serve_the_covered_owner_first_and_their_removal():
    s = stores()
    uncovered = s.uncovered_call(at(2026, 6, 2, 9, 0))
    covered = s.covered_call(at(2026, 6, 2, 9, 30))
    now = timezone.now()
    demo.load(s.org, now)
    demo.load(s.org, now)  # a second run adds nothing
    assert Part.objects.filter(code__in=demo.CODES).count() == 7
    assert StockMovement.objects.filter(kind="receipt").count() == 7
    assert StockMovement.objects.filter(kind="adjustment").get().reason.startswith("盤點")
    assert ledger_mismatches() == []
    served = Reservation.objects.get(ticket=covered)
    waiting = Reservation.objects.get(ticket=uncovered)
    assert (served.state, waiting.state) == ("served", "waiting")
    duty = Obligation.objects.get(rule="BS-12", subject_id=waiting.pk)
    assert duty.owner == s.pat and duty.done_at is None

    demo.remove(s.org)
    assert not Part.objects.exists() and not StockMovement.objects.exists()
    assert not Reservation.objects.exists() and not StockLevel.objects.exists()
    assert not Store.objects.exists()
    assert not Obligation.objects.filter(rule="BS-12").exists()


def test_no_demo_parts_without_a_parts_clerk():
    from tests.contracts.helpers import building

    b = building()
    demo.load(b.org, timezone.now())
    assert not Part.objects.exists()
