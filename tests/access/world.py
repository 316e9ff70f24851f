"""The world the access matrix is played in: two branches of one organisation, one member of
staff per role in each, an administrator of the organisation and one of another organisation,
and one record of every kind in branch A (each made through the real actions where they exist).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from aftercare import demo
from aftercare.org.models import Branch, Organisation
from aftercare.org.roles import Role
from tests.factories import OrganisationFactory, UserFactory

STAFF_ROLES = [role.value for role in Role if role not in (Role.ADMINISTRATOR, Role.OWNER)]


@dataclass
class World:
    org: Organisation
    branch_a: Branch
    branch_b: Branch
    actors: dict[str, object] = field(default_factory=dict)  # "advisor@A" … "administrator"
    ids: dict[str, object] = field(default_factory=dict)  # what the routes point at

    def user(self, name: str):
        return self.actors[name]


def build() -> World:
    from aftercare.cases import actions as cases
    from aftercare.cases.models import RaisedItem
    from aftercare.customers.models import Customer
    from aftercare.followups import actions as followups
    from aftercare.followups.models import Call, NextServicePlan
    from aftercare.imports.models import ImportJob
    from aftercare.messaging import actions as messaging
    from aftercare.messaging.choices import MessageStatus
    from aftercare.messaging.models import Message
    from aftercare.obligations.actions import open_obligation
    from aftercare.outreach import actions as outreach
    from aftercare.outreach.models import Campaign, CampaignTarget, Letter, LetterBatch
    from aftercare.outreach.targets import TargetFilters
    from aftercare.paperwork.models import ExportJob
    from aftercare.reviews.models import Review
    from aftercare.safety.models import Equipment, Place, RagBin
    from aftercare.standard import actions as standard
    from aftercare.workshop import actions as workshop
    from aftercare.workshop.models import ServiceItem

    now = timezone.now()
    org = demo.load(customers_per_branch=2)
    # The dealership's two branches (the demo also has a building-systems branch).
    a, b = Branch.objects.filter(organisation=org, code__in=["north", "south"]).order_by("code")
    world = World(org=org, branch_a=a, branch_b=b)
    world.actors["anonymous"] = AnonymousUser()
    for role in STAFF_ROLES:
        for branch, tag in ((a, "A"), (b, "B")):
            world.actors[f"{role}@{tag}"] = UserFactory(
                username=f"{role}_{tag.lower()}", branch=branch, roles=[role]
            )
    world.actors["administrator"] = UserFactory(
        username="org_admin", branch=None, organisation=org, roles=[Role.ADMINISTRATOR.value]
    )
    other = OrganisationFactory(name="別家汽車")
    world.actors["administrator@other"] = UserFactory(
        username="other_admin", branch=None, organisation=other, roles=[Role.ADMINISTRATOR.value]
    )

    advisor, supervisor = world.user("advisor@A"), world.user("supervisor@A")
    customer = Customer.objects.filter(branch=a, vehicles__isnull=False).order_by("id").first()
    vehicle = customer.vehicles.order_by("id").first()
    order = workshop.check_in(vehicle, by=advisor, at=now - timedelta(hours=2))
    call = followups.record_call(
        customer, by=advisor, direction="out", purpose="other", at=now - timedelta(hours=1),
        raised_items=[
            {"kind": "complaint", "text": "冷氣不冷"}, {"kind": "request", "text": "換雨刷"}
        ],
    )  # fmt: skip
    opened, escalated = RaisedItem.objects.filter(call=call).order_by("id")
    cases.escalate(escalated, by=advisor, at=now - timedelta(minutes=30))
    plan = NextServicePlan.objects.filter(customer__branch=a, confirmed_at__isnull=True).first()
    duty = open_obligation(
        "DS-3", branch=a, owner=advisor, event_at=now - timedelta(days=1), customer=customer,
        subject=vehicle, title="access matrix",
    )  # fmt: skip
    campaign = outreach.create_campaign(
        by=supervisor, branch=a, name="春季檢測", kind="free_inspection", content="免費檢測",
        starts_at=now + timedelta(days=40), ends_at=now + timedelta(days=42),
        address=a.address, filters=TargetFilters(customer_ids=[customer.pk]),
    )  # fmt: skip
    scheduled = Campaign.objects.filter(branch=a, scheduled_at__isnull=False).first()
    batch = LetterBatch.objects.create(
        campaign=scheduled,
        who="owed",
        kind="notice",
        customer_ids=[],
        created_by=supervisor,
        status=LetterBatch.Status.DONE,
    )
    message = Message.objects.create(
        customer=customer,
        channel="sms",
        to="+8613800000000",
        body="提醒",
        reason="matrix:1",
        status=MessageStatus.FAILED,
        queued_at=now - timedelta(hours=3),
        attempts=1,
    )
    job = ImportJob.objects.create(
        organisation=org,
        branch=a,
        created_by=advisor,
        file_name="客戶.csv",
        content=b"name\n",
    )
    export = ExportJob.objects.create(
        branch=a, created_by=advisor, form=3, start=now.date(), end=now.date()
    )
    standard.set_calendar_day(
        org, date(now.year + 1, 1, 2), kind="closure", by=world.user("administrator"), reason="盤點"
    )
    world.ids = {
        **_documents(a, supervisor=world.user("supervisor@A")),
        "customer": customer.pk,
        "vehicle": vehicle.pk,
        "order": order.pk,
        "call": Call.objects.filter(branch=a).order_by("-id").first().pk,
        "item_open": opened.pk,
        "item_escalated": escalated.pk,
        "plan": plan.pk,
        "duty": duty.pk,
        "campaign_draft": campaign.pk,
        "campaign": scheduled.pk,
        "target": CampaignTarget.objects.filter(campaign=scheduled).first().pk,
        "batch": batch.pk,
        "letter": Letter.objects.filter(branch=a).first().pk,
        "message": message.pk,
        "job": job.pk,
        "export": export.pk,
        "place": Place.objects.filter(branch=a).order_by("id").first().pk,
        "bin": RagBin.objects.filter(place__branch=a).order_by("id").first().pk,
        "equipment": Equipment.objects.filter(place__branch=a).order_by("id").first().pk,
        "review": Review.objects.filter(branch=a, finalised_at__isnull=True).first().pk,
        "day": f"{now.year + 1}-01-02",
        "feed_token": messaging.create_feed(advisor)[1],
        "advisor_a": advisor.pk,
        "followup_a": world.user("followup_advisor@A").pk,
        "branch_a": a.pk,
        "service_item": ServiceItem.objects.filter(organisation=org).order_by("id").first().pk,
    }
    world.ids.update(_building_systems(world))
    world.ids.update(_contracts(world))
    world.ids.update(_hotline(world))
    world.ids.update(_parts_and_bills(world))
    world.ids.update(_training(world))
    world.ids.update(_maintenance(world))
    world.ids.update(_agreements(world))
    world.ids.update(_servicereports(world))
    world.ids.update(_portal(world))
    return world


def _building_systems(world: World) -> dict[str, object]:
    """The installed base in branch A (issue 11): an owner with a contact, a site, a system and
    an equipment item, made through the real actions. Names are prefixed `bs_`."""
    from aftercare.customers import actions as customers
    from aftercare.sites import actions as sites

    supervisor = world.user("supervisor@A")
    owner = customers.create_customer(
        branch=world.branch_a, by=supervisor, kind="company", name="浦江置業有限公司"
    )
    contact = customers.add_contact(owner, by=supervisor, name="李經理", role="物業經理")
    site = sites.create_site(by=supervisor, customer=owner, name="浦江中心", address="浦東大道1號")
    system = sites.add_system(by=supervisor, site=site, kind="cctv", name="閉路電視", key=True)
    item = sites.add_equipment(by=supervisor, system=system, name="攝像機", serial="HK-0001")
    return {
        "bs_customer": owner.pk,
        "bs_contact": contact.pk,
        "bs_site": site.pk,
        "bs_system": system.pk,
        "bs_equipment": item.pk,
    }


# --- building-systems desk ------------------------------------------------------------------


def _documents(branch: Branch, *, supervisor) -> dict[str, object]:
    """documents: a site and a system of branch A with one archived document (handover
    incomplete, so acceptance answers 422 to allowed callers and writes nothing)."""
    from django.core.files.base import ContentFile

    from aftercare.customers.models import Customer
    from aftercare.documents import actions as documents
    from aftercare.sites import actions as sites

    owner = Customer.objects.create(branch=branch, name="環球置業有限公司", kind="company")
    site = sites.create_site(by=supervisor, customer=owner, name="環球大廈")
    system = sites.add_system(by=supervisor, site=site, kind="cctv", name="閉路電視")
    document = documents.upload_document(
        by=supervisor, system=system, kind="as_built_drawing", title="竣工圖",
        file=ContentFile(b"%PDF-1.4", name="drawing.pdf"),
    )  # fmt: skip
    return {"doc_site": site.pk, "doc_system": system.pk, "document": document.pk}


# --- contracts (building-systems desk): a site of branch A with a system, a service calendar
# and an offered contract, made through the real actions.
def _contracts(world: World) -> dict[str, object]:
    from decimal import Decimal

    from aftercare.contracts import actions as contracts
    from aftercare.customers.models import Customer
    from aftercare.sites import actions as sites

    supervisor = world.user("supervisor@A")
    owner = Customer.objects.create(branch=world.branch_a, name="宏遠置業有限公司", kind="company")
    site = sites.create_site(by=supervisor, customer=owner, name="宏遠大廈")
    system = sites.add_system(by=supervisor, site=site, kind="cctv", name="閉路電視")
    item = sites.add_equipment(by=supervisor, system=system, name="球機", serial="CAM-1")
    calendar = contracts.create_service_calendar(
        by=supervisor, organisation=world.org, name="辦公時間",
        weekly=[[["09:00", "12:00"], ["13:00", "18:00"]]] * 5 + [[], []],
    )  # fmt: skip
    today = timezone.localdate()
    contract = contracts.offer_contract(
        by=supervisor, customer=owner, site=site, systems=[system], starts_on=today,
        ends_on=today + timedelta(days=364), service_calendar=calendar,
        targets=[contracts.Target("line_fault", Decimal(2), Decimal(4))],
        emergency=contracts.Emergency(Decimal(1), Decimal(4), [(30, supervisor)]),
        price=Decimal("36000"),
    )  # fmt: skip
    return {
        "contract_owner": owner.pk,
        "contract_site": site.pk,
        "contract_system": system.pk,
        "contract_equipment": item.pk,
        "service_calendar": calendar.pk,
        "contract": contract.pk,
        "supervisor_a": supervisor.pk,
    }


# --- the hotline (building-systems desk): on branch A's building site, a ticket dispatched to
# engineer@A, a resolved one with its signed visit report, and a suspension still lasting.
def _hotline(world: World) -> dict[str, object]:
    import base64

    from aftercare.servicedesk import actions as hotline
    from aftercare.sites.models import System

    supervisor, engineer = world.user("supervisor@A"), world.user("engineer@A")
    system = System.objects.select_related("site").get(pk=world.ids["bs_system"])
    now = timezone.now()

    def call(hours_ago: int):
        return hotline.report(
            by=supervisor, site=system.site, system=system, caller_name="李經理",
            caller_phone="13800000000", category="line_fault", description="監控黑屏",
            reported_at=now - timedelta(hours=hours_ago),
        )  # fmt: skip

    open_ticket = call(3)
    hotline.dispatch(open_ticket, engineer=engineer, by=supervisor, at=now - timedelta(hours=2))
    done = call(6)
    hotline.dispatch(done, engineer=engineer, by=supervisor, at=now - timedelta(hours=5))
    hotline.arrive(done, by=engineer, at=now - timedelta(hours=4))
    one_pixel = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f2c0000000049454e44ae426082"
    )
    hotline.resolve(
        done, by=engineer, at=now - timedelta(hours=3), work_done="更換電源", labour_minutes=30,
        signed_by="李經理", signature_png=base64.b64encode(one_pixel).decode(),
    )  # fmt: skip
    suspension = hotline.declare_suspension(
        by=supervisor, branch=world.branch_a, reason="typhoon_8",
        starts_at=now - timedelta(hours=1),
    )  # fmt: skip
    return {
        "ticket": open_ticket.pk,
        "ticket_resolved": done.pk,
        "suspension": suspension.pk,
        "engineer_a": engineer.pk,
    }


# --- spare parts and bills (BS-12, BS-10): a part of the organisation with stock in branch A's
# store, a reservation for the open ticket, and bills of uncovered repairs on branch A's site:
# two drafts (one to issue, one to withdraw) and an issued one (to credit).
def _parts_and_bills(world: World) -> dict[str, object]:
    import base64

    from aftercare.billing import actions as billing
    from aftercare.billing.models import Bill
    from aftercare.parts import actions as parts
    from aftercare.servicedesk import actions as hotline
    from aftercare.servicedesk.models import Ticket
    from aftercare.sites.models import System

    clerk, supervisor = world.user("parts_clerk@A"), world.user("supervisor@A")
    engineer = world.user("engineer@A")
    part = parts.create_part(
        by=clerk, code="CAM-1", name="半球攝像機", unit_cost="350.00", warranty_months=12
    )
    parts.record_movement(by=clerk, part=part, kind="receipt", quantity=5)
    open_ticket = Ticket.objects.get(pk=world.ids["ticket"])
    reservation = parts.reserve(by=supervisor, part=part, quantity=1, ticket=open_ticket)
    system = System.objects.select_related("site").get(pk=world.ids["bs_system"])
    now = timezone.now()
    one_pixel = base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f2c0000000049454e44ae426082"
        )
    ).decode()
    bills = []
    for hours_ago in (9, 12, 15):
        ticket = hotline.report(
            by=supervisor, site=system.site, system=system, caller_name="李經理",
            category="line_fault", description="監控黑屏",
            reported_at=now - timedelta(hours=hours_ago),
        )  # fmt: skip
        hotline.dispatch(
            ticket, engineer=engineer, by=supervisor, at=now - timedelta(hours=hours_ago - 1)
        )
        hotline.resolve(
            ticket, by=engineer, at=now - timedelta(hours=hours_ago - 2), work_done="更換攝像機",
            labour_minutes=45, signed_by="李經理", signature_png=one_pixel,
            parts=[{"part_id": part.pk, "quantity": 1}],
        )  # fmt: skip
        bills.append(Bill.objects.get(ticket=ticket))  # the system is not covered: billed
    issued = billing.issue(bills[2], by=supervisor)
    return {
        "part": part.pk,
        "reservation": reservation.pk,
        "ticket_number": open_ticket.number,
        "bill": bills[0].pk,
        "bill_to_withdraw": bills[1].pk,
        "bill_issued": issued.pk,
        "bill_issued_line": issued.lines.order_by("position").first().pk,
    }


def _training(world: World) -> dict[str, object]:
    """Owner training (BS-1…BS-3, BS-11) in branch A: two of the owner's staff, an operators'
    plan for the key CCTV system confirmed by the owner, and a session both attended."""
    import base64

    from aftercare.agreements import actions as agreements
    from aftercare.customers.models import Customer
    from aftercare.sites.models import System
    from aftercare.training import actions as training

    coordinator = world.user("training_coordinator@A")
    owner = Customer.objects.get(pk=world.ids["bs_customer"])
    system = System.objects.select_related("site").get(pk=world.ids["bs_system"])
    trainee, leaving = (
        training.enrol(by=coordinator, customer=owner, name=name, education="vocational")
        for name in ("陳志明", "林家豪")
    )
    plan = training.draft_plan(by=coordinator, system=system, track="operator")
    agreements.submit(plan.agreement, by=coordinator)
    signature = base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f2c0000000049454e44ae426082"
        )
    ).decode()
    agreements.confirm(
        plan.agreement, by=coordinator, confirmed_by="李經理", signature_png=signature
    )
    session = training.hold_session(
        plan, by=coordinator, held_at=None, topics=["operator.principles"],
        trainees=[trainee, leaving], trainer="李工",
    )  # fmt: skip
    return {
        "trainee": trainee.pk,
        "trainee_leaving": leaving.pk,
        "training_plan": plan.pk,
        "training_session": session.pk,
    }


# --- preventive maintenance (BS-9): a monthly plan of branch A's site confirmed by the owner,
# its first visit done and signed (with a photo), the next one planned for engineer@A.
def _maintenance(world: World) -> dict[str, object]:
    import base64

    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftercare.agreements import actions as agreements
    from aftercare.maintenance import actions as maintenance
    from aftercare.maintenance.models import ChecklistItem
    from aftercare.sites.models import Site

    supervisor, engineer = world.user("supervisor@A"), world.user("engineer@A")
    site = Site.objects.get(pk=world.ids["bs_site"])
    today = timezone.localdate()
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f2c0000000049454e44ae426082"
    )
    signature = base64.b64encode(png).decode()
    plan = maintenance.create_plan(
        by=supervisor, site=site, engineer=engineer, terms={
            "system_ids": [world.ids["bs_system"]], "every_months": 1,
            "starts_on": (today - timedelta(days=3)).isoformat(),
            "ends_on": (today + timedelta(days=360)).isoformat(), "non_working_day": "keep",
        },
    )  # fmt: skip
    agreements.submit(plan.agreement, by=supervisor)
    agreements.confirm(
        plan.agreement, by=supervisor, confirmed_by="李經理", signature_png=signature
    )
    done, planned = plan.visits.order_by("scheduled_on")[:2]

    def items(visit, photo=False):
        rows = []
        for check in visit.checks.order_by("order"):
            reading = check.low if check.kind == "reading" else None
            upload = SimpleUploadedFile("p.png", png) if photo and not rows else None
            rows.append(maintenance.CheckInput(check.pk, "ok", reading, "", upload))
        return rows

    maintenance.record_result(
        done, by=engineer, items=items(done, photo=True), signed_by="李經理",
        signature_png=signature,
    )  # fmt: skip
    return {
        "maintenance_plan": plan.pk,
        "maintenance_visit": planned.pk,
        "maintenance_visit_done": done.pk,
        "maintenance_check_photo": done.checks.order_by("order").first().pk,
        "maintenance_signature": signature,
        "maintenance_items": [
            {"check_id": row.check_id, "result": "ok",
             "reading": None if row.reading is None else str(row.reading), "note": ""}
            for row in items(planned)
        ],  # fmt: skip
        "checklist": ChecklistItem.objects.filter(template__organisation=site.branch.organisation)
        .order_by("id").first().template_id,
        "checklist_item": ChecklistItem.objects.filter(
            template__organisation=site.branch.organisation
        ).order_by("id").first().pk,
    }  # fmt: skip


# --- plans agreed with owners (BS-4): besides the confirmed maintenance plan, one in draft and
# one awaiting the owner's confirmation, for the workflow's pages and API.


def _agreements(world: World) -> dict[str, object]:
    from aftercare.agreements import actions as agreements
    from aftercare.maintenance import actions as maintenance
    from aftercare.sites.models import Site

    supervisor = world.user("supervisor@A")
    site = Site.objects.get(pk=world.ids["bs_site"])
    today = timezone.localdate()
    terms = {
        "system_ids": [world.ids["bs_system"]], "every_months": 6,
        "starts_on": (today + timedelta(days=10)).isoformat(),
        "ends_on": (today + timedelta(days=370)).isoformat(),
    }  # fmt: skip
    draft = maintenance.create_plan(by=supervisor, site=site, terms=terms)
    submitted = maintenance.create_plan(by=supervisor, site=site, terms=terms)
    agreements.submit(submitted.agreement, by=supervisor)
    return {"plan_draft": draft.pk, "plan_submitted": submitted.pk}


# --- monthly service reports: last month's report of branch A's site and a batch of branch A.


def _servicereports(world: World) -> dict[str, object]:
    from aftercare.servicereports import actions as reports
    from aftercare.sites.models import Site

    supervisor = world.user("supervisor@A")
    site = Site.objects.get(pk=world.ids["bs_site"])
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    report = reports.regenerate(site, month, by=supervisor)
    run = reports.request_run(by=supervisor, month=month)
    return {"monthly_report": report.pk, "report_run": run.pk, "report_month": month}


# --- the owner's portal: owner@A, the representative of branch A's building owner (the
# customer of `bs_site`), and owner@B, of a building owner of branch B; a document of owner@A's
# site and a pending invitation of its company.
def _portal(world: World) -> dict[str, object]:
    from django.core.files.base import ContentFile

    from aftercare.customers.models import Customer
    from aftercare.documents import actions as documents
    from aftercare.portal import actions as portal
    from aftercare.sites import actions as sites
    from aftercare.sites.models import Site

    supervisor = world.user("supervisor@A")
    site = Site.objects.select_related("customer").get(pk=world.ids["bs_site"])
    other = Customer.objects.create(branch=world.branch_b, name="南方置業有限公司", kind="company")
    sites.create_site(by=world.user("supervisor@B"), customer=other, name="南方大廈")
    for tag, customer in (("A", site.customer), ("B", other)):
        world.actors[f"owner@{tag}"] = UserFactory(
            username=f"owner_{tag.lower()}", branch=None, organisation=world.org,
            customer=customer, roles=[Role.OWNER.value],
        )  # fmt: skip
    document = documents.upload_document(
        by=supervisor, site=site, kind="other", title="場地平面圖",
        file=ContentFile(b"%PDF-1.4", name="plan.pdf"),
    )  # fmt: skip
    invited = portal.invite_owner(by=supervisor, customer=site.customer, email="li@owner.example")
    return {
        "portal_document": document.pk,
        "invitation": invited.invitation.pk,
        "invitation_token": invited.token,
    }
