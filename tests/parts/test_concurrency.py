"""Twenty engineers at once (PostgreSQL: real row locks): the last unit goes to exactly one,
stock never goes below zero, and issued bills are numbered without a gap."""

import threading
from decimal import Decimal

import pytest
from django.db import connections

from aftercare.errors import DomainError
from aftercare.parts import actions
from aftercare.parts.models import StockLevel, StockMovement
from aftercare.parts.queries import ledger_mismatches
from tests.parts.helpers import at, stores

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(count, work):
    """Run `work(i)` in `count` threads released together; answers what each returned."""
    start = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            start.wait(timeout=30)
            results[i] = work(i)
        except DomainError as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a thread never finished (a lock held forever?)"
    return results


def test_twenty_parallel_issues_of_the_last_unit_give_it_to_exactly_one():
    s = stores()
    s.receive(s.camera_part, 1, at=at(2026, 6, 1, 9, 0))
    tickets = [s.uncovered_call(at(2026, 6, 2, 9, i)) for i in range(20)]

    def issue(i):
        return actions.record_movement(
            by=s.pat, part=s.camera_part, kind="issue", quantity=1, ticket=tickets[i],
            at=at(2026, 6, 2, 10, 0),
        )  # fmt: skip

    results = race(20, issue)
    issued = [r for r in results if isinstance(r, StockMovement)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(issued), len(refused)) == (1, 19), results
    assert all(error.status == 422 for error in refused)
    assert StockLevel.objects.get(part=s.camera_part).on_hand == Decimal(0)
    assert StockMovement.objects.filter(part=s.camera_part, quantity__lt=0).count() == 1
    assert ledger_mismatches() == []


def test_twenty_parallel_bill_issues_are_numbered_without_a_gap():
    from aftercare.billing import actions as billing
    from aftercare.billing.models import Bill
    from tests.parts.helpers import resolve

    s = stores()
    drafts = []
    for i in range(20):
        ticket = s.uncovered_call(at(2026, 6, 2, 9, i))
        resolve(s, ticket, at(2026, 6, 2, 11, i), minutes=30)
        drafts.append(Bill.objects.get(ticket=ticket))

    results = race(20, lambda i: billing.issue(drafts[i], by=s.sam))
    assert not [r for r in results if isinstance(r, DomainError)], results
    numbers = sorted(Bill.objects.values_list("number", flat=True))
    year = numbers[0].split("-")[2]
    assert numbers == [f"BS-B-{year}-{n:06d}" for n in range(1, 21)]
