"""Issue 11's acceptance, the contract part: accepted 2026-03-16 → warranty through 2028-03-15,
BS-6 due 2028-01-15 end of day; a signed contract fulfils it; coverage warranty → contract →
none; the renewal offer falls due 60 days before the contract's last day."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType

from aftercare.contracts import actions
from aftercare.contracts.models import Contract
from aftercare.contracts.queries import coverage
from aftercare.obligations.models import Obligation
from tests.contracts.helpers import accept, at, building, end, offer

pytestmark = pytest.mark.django_db


def test_a_signed_contract_takes_over_from_the_warranty():
    b = building()
    offer_duty = accept(b, b.cctv, date(2026, 3, 16))
    b.cctv.refresh_from_db()
    assert b.cctv.warranty_ends_on == date(2028, 3, 15)
    assert offer_duty.due_at == end(2028, 1, 15)
    assert offer_duty.owner == b.sam

    contract = offer(b)
    assert contract.status_on(date(2028, 1, 10)) == "offered"
    signed = actions.sign_contract(
        by=b.sam, contract=contract, signed_on=date(2028, 1, 10), now=at(2028, 1, 10, 15, 30)
    )

    offer_duty.refresh_from_db()
    assert offer_duty.done_at == at(2028, 1, 10, 15, 30)
    assert offer_duty.done_by == b.sam
    assert offer_duty.status_at(at(2028, 1, 10, 16, 0)) == "done_on_time"
    assert signed.status_on(date(2028, 1, 10)) == "signed"
    assert signed.status_on(date(2028, 3, 16)) == "active"
    assert signed.status_on(date(2029, 3, 16)) == "expired"

    # The last evening of the warranty in Shanghai is 15:30 UTC: still warranty.
    last_evening = at(2028, 3, 15, 23, 30)
    found = coverage(b.cctv, last_evening)
    assert (found.kind, found.until, found.contract_id) == ("warranty", date(2028, 3, 15), None)
    just_after = at(2028, 3, 16, 0, 10)
    found = coverage(b.cctv, just_after)
    assert (found.kind, found.until, found.contract_id) == (
        "contract",
        date(2029, 3, 15),
        contract.pk,
    )
    assert found.contract == contract
    assert coverage(b.cctv, date(2029, 3, 15)).kind == "contract"
    assert coverage(b.cctv, date(2029, 3, 16)).kind == "none"
    assert coverage(b.cctv, at(2029, 3, 16, 0, 0)).until is None
    # The fire alarm is not in the contract and was never accepted.
    assert coverage(b.fire, just_after).kind == "none"

    renewal = Obligation.objects.get(
        rule="BS-6",
        subject_type=ContentType.objects.get_for_model(Contract),
        subject_id=contract.pk,
    )
    assert renewal.due_at == end(2029, 1, 14)
    assert renewal.owner == b.sam
    assert renewal.done_at is None
    assert renewal.customer_id == b.owner.pk


def test_a_renewal_fulfils_the_previous_contracts_renewal_offer():
    b = building()
    first = offer(b)
    actions.sign_contract(by=b.sam, contract=first, signed_on=date(2028, 1, 10),
                          now=at(2028, 1, 10, 10, 0))  # fmt: skip
    second = offer(b, starts_on=date(2029, 3, 16), ends_on=date(2030, 3, 15))
    actions.sign_contract(by=b.sam, contract=second, signed_on=date(2028, 12, 20),
                          now=at(2028, 12, 21, 9, 0))  # fmt: skip
    contract_type = ContentType.objects.get_for_model(Contract)
    previous = Obligation.objects.get(rule="BS-6", subject_type=contract_type, subject_id=first.pk)
    # Entered the morning after: counted at the end of the signing day, on time.
    assert previous.done_at == end(2028, 12, 20)
    assert previous.status_at(at(2029, 1, 1, 0, 0)) == "done_on_time"
    latest = Obligation.objects.get(rule="BS-6", subject_type=contract_type, subject_id=second.pk)
    assert latest.done_at is None
    assert latest.due_at == end(2030, 1, 14)
    assert coverage(b.cctv, date(2029, 3, 16)).contract_id == second.pk


def test_equipment_with_its_own_warranty_is_covered_by_it_first():
    from aftercare.sites import actions as sites

    b = building()
    accept(b, b.cctv, date(2026, 3, 16))
    camera = sites.add_equipment(by=b.sam, system=b.cctv, name="球機", serial="SN-1")
    camera.warranty_starts_on, camera.warranty_ends_on = date(2026, 3, 16), date(2028, 3, 15)
    camera.save()
    spare = sites.replace_equipment(
        by=b.sam, old=camera, name="球機", serial="SN-2", installed_on=date(2027, 6, 1)
    )
    assert spare.warranty_ends_on == date(2029, 5, 31)
    contract = offer(b)
    actions.sign_contract(by=b.sam, contract=contract, signed_on=date(2028, 1, 10),
                          now=at(2028, 1, 10, 10, 0))  # fmt: skip
    found = coverage(spare, at(2028, 6, 1, 12, 0))
    assert (found.kind, found.until) == ("warranty", date(2029, 5, 31))
    found = coverage(camera, at(2028, 6, 1, 12, 0))
    assert (found.kind, found.contract_id) == ("contract", contract.pk)
    assert coverage(spare, date(2029, 6, 1)).kind == "none"
    assert coverage(camera, date(2027, 1, 1)) == coverage(b.cctv, date(2027, 1, 1))


def test_coverage_takes_two_queries_at_most(django_assert_max_num_queries):
    b = building()
    accept(b, b.cctv, date(2026, 3, 16))
    contract = offer(b)
    actions.sign_contract(by=b.sam, contract=contract, signed_on=date(2028, 1, 10),
                          now=at(2028, 1, 10, 10, 0))  # fmt: skip
    with django_assert_max_num_queries(1):
        assert coverage(b.cctv, at(2027, 1, 1, 9, 0)).kind == "warranty"
    with django_assert_max_num_queries(2):
        assert coverage(b.cctv, at(2028, 5, 1, 9, 0)).kind == "contract"


def test_an_offer_covers_nothing():
    b = building()
    offer(b)
    assert coverage(b.cctv, date(2028, 6, 1)).kind == "none"
