"""An issued bill and its lines refuse every save and delete, whatever instance is at hand."""

import pytest

from aftercare.billing import actions
from aftercare.billing.models import Bill
from aftercare.errors import Conflict
from tests.parts.helpers import at, resolve, stores

pytestmark = pytest.mark.django_db


def test_an_issued_bill_and_its_lines_refuse_changes_while_a_draft_takes_them():
    s = stores()
    ticket = s.uncovered_call(at(2026, 6, 2, 9, 0))
    resolve(s, ticket, at(2026, 6, 2, 11, 0), minutes=30)
    bill = Bill.objects.get(ticket=ticket)
    line = bill.lines.get()
    stale = Bill.objects.get(pk=bill.pk)  # loaded while still a draft
    line.description = "labour_hours"
    line.save()  # a draft's line may change
    actions.issue(bill, by=s.sam)
    for row in (stale, line):
        with pytest.raises(Conflict):
            row.save()
        with pytest.raises(Conflict):
            row.delete()
    assert Bill.objects.get(pk=bill.pk).number.startswith("BS-B-")
