"""Two building owners for the portal tests: A (the hotline helper's owner, with its signed
contract) and B, another company of the SAME branch — so only the customer, never the branch,
separates what their representatives see. Each has a resolved ticket with its visit report, an
issued bill, a document in two versions, a maintenance plan awaiting confirmation and a
monthly report."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import time_machine
from django.core.files.base import ContentFile

from aftercare.agreements import actions as agreements
from aftercare.billing import actions as billing
from aftercare.billing.models import Bill
from aftercare.customers import actions as customers
from aftercare.documents import actions as documents
from aftercare.maintenance import actions as maintenance
from aftercare.sites import actions as sites
from tests.factories import UserFactory
from tests.parts.helpers import Stores, at, resolve, stores
from tests.servicedesk.helpers import png

NOW = at(2026, 6, 10, 12, 0)


def owner_of(customer, username: str, **fields):
    """An owner's login as an accepted invitation makes it."""
    user = UserFactory(username=username, branch=None, roles=["owner"], **fields)
    user.organisation_id = customer.branch.organisation_id
    user.customer = customer
    user.save()
    return user


@dataclass
class Side:
    owner: object  # the login
    customer: object
    site: object
    system: object
    ids: dict = field(default_factory=dict)


@dataclass
class Two:
    s: Stores
    a: Side
    b: Side


def _records(s: Stores, side: Side, hours: int) -> None:
    """A resolved ticket with an issued bill (the system is uncovered), a document with two
    versions, a maintenance plan awaiting the owner, and May's monthly report."""
    ticket = _call(s, side, at(2026, 6, 2, 9, hours))
    resolve(s, ticket, at(2026, 6, 2, 11, hours), minutes=60)
    bill = billing.issue(Bill.objects.get(ticket=ticket), by=s.sam, at=at(2026, 6, 3, 10, 0))
    first = documents.upload_document(
        by=s.sam, system=side.system, kind="as_built_drawing", title="竣工圖",
        file=ContentFile(b"%PDF-1.4 v1", name="drawing-v1.pdf"),
    )  # fmt: skip
    second = documents.upload_document(
        by=s.sam, system=side.system, kind="as_built_drawing", title="竣工圖",
        file=ContentFile(b"%PDF-1.4 v2", name="drawing-v2.pdf"),
    )  # fmt: skip
    site_doc = documents.upload_document(
        by=s.sam, site=side.site, kind="other", title="場地平面圖",
        file=ContentFile(b"%PDF-1.4 site", name="plan.pdf"),
    )  # fmt: skip
    plan = maintenance.create_plan(
        by=s.sam, site=side.site, engineer=s.eve, terms={
            "system_ids": [side.system.pk], "every_months": 3,
            "starts_on": date(2026, 7, 1).isoformat(), "ends_on": date(2027, 6, 30).isoformat(),
        },
    )  # fmt: skip
    agreements.submit(plan.agreement, by=s.sam)
    side.ids.update(
        ticket=ticket.pk, bill=bill.pk, document=second.pk, document_v1=first.pk,
        site_document=site_doc.pk, plan=plan.pk,
    )  # fmt: skip
    side.ids["report"] = _monthly_report(s, side)


def _call(s: Stores, side: Side, when):
    from aftercare.servicedesk import actions

    return actions.report(
        by=s.sam, site=side.site, system=side.system, caller_name="周先生",
        category="line_fault", description="火警主機故障", reported_at=when,
    )  # fmt: skip


def _monthly_report(s: Stores, side: Side):
    from aftercare.servicereports import actions as reports

    return reports.regenerate(side.site, "2026-05", by=s.sam).pk


def two_owners() -> Two:
    with time_machine.travel(NOW, tick=False):
        s = stores()
        billing.save_settings(s.h.b.org, by=s.h.b.ada, labour_rate="120.00",
                              labour_minimum="100.00", labour_rounding="hour")  # fmt: skip
        contact = customers.add_contact(s.owner, by=s.sam, name="李經理", phones=["13817001001"])
        a = Side(
            owner_of(s.owner, "owner_a", display_name="李經理", phone="+8613817001001"),
            s.owner, s.site, s.fire, {"contact": contact.pk},
        )  # fmt: skip
        other = customers.create_customer(
            branch=s.branch, by=s.sam, kind="company", name="別家置業有限公司"
        )
        site = sites.create_site(by=s.sam, customer=other, name="別家大廈")
        system = sites.add_system(by=s.sam, site=site, kind="fire_alarm", name="火災報警")
        b = Side(owner_of(other, "owner_b", display_name="周先生"), other, site, system)
        _records(s, a, 0)
        _records(s, b, 5)
    return Two(s, a, b)


def signature() -> str:
    return "data:image/png;base64," + png()


__all__ = ["NOW", "Two", "at", "owner_of", "signature", "timedelta", "two_owners"]
