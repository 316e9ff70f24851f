"""A realistic demo organisation: two branches, staff, customers, and 90 days of work.

Deterministic (fixed seed) relative to *now*, so worklists always show overdue, due-today,
open and upcoming work whenever the demo is loaded.
"""

import random
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from aftercare.apps import demo_loaders, demo_removers
from aftercare.customers.models import Customer, Vehicle
from aftercare.org.models import Branch, Organisation, User
from aftercare.org.roles import Role

DEMO_ORGANISATION = "北豐汽車4S店"

STAFF = [
    # username, display name, branch index (None = organisation-wide), roles
    ("admin", "系統管理員", None, [Role.ADMINISTRATOR]),
    ("supervisor1", "陳主管", 0, [Role.SUPERVISOR]),
    ("advisor1", "林小美", 0, [Role.ADVISOR, Role.FOLLOWUP_ADVISOR]),
    ("advisor2", "王大明", 0, [Role.ADVISOR, Role.FOLLOWUP_ADVISOR]),
    ("supervisor2", "黃主管", 1, [Role.SUPERVISOR]),
    ("advisor3", "張志豪", 1, [Role.ADVISOR, Role.FOLLOWUP_ADVISOR]),
]

SURNAMES = "張王李趙劉陳楊黃周吳徐孫胡朱高林何郭馬羅"
GIVEN = ["偉", "芳", "娜", "秀英", "敏", "靜", "麗", "強", "磊", "軍", "洋", "勇", "艷", "傑",
         "娟", "濤", "明", "超", "秀蘭", "霞", "平", "剛", "桂英", "三", "志強"]  # fmt: skip
MODELS = [("豐田", "凱美瑞", "轎車"), ("豐田", "RAV4", "SUV"), ("本田", "雅閣", "轎車"),
          ("日產", "軒逸", "轎車"), ("大眾", "途觀", "SUV"), ("別克", "GL8", "MPV")]  # fmt: skip
PLATE_PREFIX = ["京A", "京B", "京N", "京Q", "冀A"]
STREETS = ["朝陽區建國路", "海淀區中關村大街", "豐台區南三環西路", "通州區新華大街"]


def any_organisation() -> bool:
    return Organisation.objects.exists()


def is_loaded() -> bool:
    return Organisation.objects.filter(name=DEMO_ORGANISATION).exists()


def print_logins() -> None:
    password = settings.AFTERCARE_DEMO_PASSWORD
    print(f"Demo logins (password for all: {password}):")
    for username, name, branch, roles in STAFF:
        where = "all branches" if branch is None else f"branch {branch + 1}"
        print(f"  {username:<12} {name}  ({', '.join(r.value for r in roles)}; {where})")
    # Apps whose demo adds staff list them as LOGINS beside their loader.
    for loader in demo_loaders():
        module = import_module(loader.rsplit(".", 1)[0])
        for username, name, roles, where in getattr(module, "LOGINS", ()):
            print(f"  {username:<12} {name}  ({', '.join(r.value for r in roles)}; {where})")


def reset() -> None:
    """Remove the demo organisation and everything under it, then load it again.

    Only for the demo: real archives (calls, registers) are never deleted.
    """
    from aftercare.cases.models import ItemEvent, RaisedItem
    from aftercare.customers.models import CustomerPhone
    from aftercare.followups.models import Call, CallAmendment, NextServicePlan
    from aftercare.obligations.models import Notification, Obligation
    from aftercare.org.models import Absence, ApiToken
    from aftercare.records.models import RegisterCounter
    from aftercare.reviews.models import Review
    from aftercare.standard.models import CalendarDay, RuleSetting
    from aftercare.workshop.models import Consultation, RepairOrder, ServiceItem

    with transaction.atomic():
        org = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
        if org is not None:
            # Apps declare how their own demo rows go (AftercareApp.demo_remover).
            for remover in demo_removers():
                import_string(remover)(org)
            by_branch = {"branch__organisation": org}
            by_customer = {"customer__branch__organisation": org}
            for model, scope in [
                *_outreach_models(org),
                (ItemEvent, {"item__branch__organisation": org}),
                (RaisedItem, by_branch),
                (CallAmendment, {"call__branch__organisation": org}),
                (Call, by_branch),
                (RegisterCounter, by_branch),
                (NextServicePlan, by_customer),
                (Review, by_branch),
                *_messaging_models(org),
                (RepairOrder, by_branch),
                (Consultation, by_branch),
                (ServiceItem, {"organisation": org}),
                *_safety_models(org),
                (Notification, {"obligation__organisation": org}),
                (Obligation, {"organisation": org}),
                (CustomerPhone, by_customer),
                (Vehicle, by_customer),
                (Customer, by_branch),
                (RuleSetting, {"organisation": org}),
                (CalendarDay, {"organisation": org}),
                (Absence, {"user__organisation": org}),
                (ApiToken, {"user__organisation": org}),
                (User, {"organisation": org}),
                (Branch, {"organisation": org}),
            ]:
                model.objects.filter(**scope).delete()
            org.delete()
    load()


def _messaging_models(org) -> list:
    """Messages, reminders and calendar feeds of the demo, before what they point to."""
    from aftercare.messaging import models as messaging

    by_customer = {"customer__branch__organisation": org}
    return [
        (messaging.MaintenanceReminder, {"vehicle__customer__branch__organisation": org}),
        (messaging.Message, by_customer),
        (messaging.OptOut, by_customer),
        (messaging.MaintenanceScan, {"organisation": org}),
        (messaging.CalendarFeed, {"user__organisation": org}),
    ]


@transaction.atomic
def load(now=None, customers_per_branch: int = 24) -> Organisation:
    now = now or timezone.now()
    rng = random.Random(2026)
    org = Organisation.objects.create(name=DEMO_ORGANISATION, time_zone="Asia/Shanghai")
    branches = [
        Branch.objects.create(organisation=org, code="north", name="北豐汽車 北區店",
                              address="北京市朝陽區建國路88號", phone="010-65001234"),
        Branch.objects.create(organisation=org, code="south", name="北豐汽車 南區店",
                              address="北京市豐台區南三環西路16號", phone="010-63005678"),
    ]  # fmt: skip
    users = {}
    # One hash for every demo user: the password hasher is slow on purpose.
    password = make_password(settings.AFTERCARE_DEMO_PASSWORD)
    for username, name, branch_index, roles in STAFF:
        user = User.objects.create(
            username=username,
            password=password,
            display_name=name,
            email=f"{username}@demo.aftercare.invalid",
            organisation=org,
            branch=branches[branch_index] if branch_index is not None else None,
            is_staff=Role.ADMINISTRATOR in roles,
        )
        user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
        users[username] = user
    advisors = [[users["advisor1"], users["advisor2"]], [users["advisor3"]]]

    catalogue = _catalogue(org)
    for branch_index, branch in enumerate(branches):
        for number in range(customers_per_branch):
            advisor = advisors[branch_index][number % len(advisors[branch_index])]
            _customer_with_history(rng, now, branch, advisor, catalogue, number)
    _reviews(now, branches[0], users)
    _workshop_safety(now, branches[0], users)
    _outreach(now, branches[0], users)
    # Apps declare their own demo data (AftercareApp.demo_loader); today's apps are above.
    for loader in demo_loaders():
        import_string(loader)(org, now)
    return org


def _outreach_models(org) -> list:
    """Campaigns and letters of the demo, before the calls and customers they point to."""
    from aftercare.outreach import models as outreach

    by_campaign = {"campaign__organisation": org}
    return [
        (outreach.LetterAmendment, {"letter__branch__organisation": org}),
        (outreach.Letter, {"branch__organisation": org}),
        (outreach.LetterBatch, by_campaign),
        (outreach.NoticeCall, {"target__campaign__organisation": org}),
        (outreach.CampaignTarget, by_campaign),
        (outreach.Campaign, {"organisation": org}),
    ]


def _outreach(now, branch, users) -> None:
    """An upcoming free-inspection week (DS-7) with four targets: one letter-preferring customer
    reached by phone (DS-7L opens) and the letter recorded on the register (DS-9)."""
    from aftercare.customers import actions as customers
    from aftercare.followups import actions as followups
    from aftercare.outreach import actions as outreach
    from aftercare.outreach.targets import TargetFilters

    supervisor = users["supervisor1"]
    people = list(Customer.objects.filter(branch=branch).exclude(address="").order_by("id")[:4])
    reader = next((c for c in people if c.prefers_letters), people[0])
    if not reader.prefers_letters:
        reader = customers.update_customer(reader, by=supervisor, prefers_letters=True,
                                           at=now - timedelta(days=2))  # fmt: skip
    starts = timezone.localtime(now + timedelta(days=30), branch.organisation.tz).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    campaign = outreach.create_campaign(
        by=supervisor, branch=branch, name="冬季免費安全檢測週", kind="free_inspection",
        content="免費檢測煞車、輪胎、電瓶等二十項，另贈洗車一次。", starts_at=starts,
        ends_at=starts + timedelta(days=4, hours=8), address=branch.address,
        filters=TargetFilters(customer_ids=[c.pk for c in people]),
    )  # fmt: skip
    campaign = outreach.schedule_campaign(campaign, by=supervisor, at=now - timedelta(days=1))
    advisor = reader.followup_advisor or users["advisor1"]
    followups.record_call(
        reader, by=advisor, direction="out", purpose="campaign_notice", reached=True,
        at=now - timedelta(hours=3), campaign=campaign, notes="客戶希望收到書面通知",
    )  # fmt: skip
    outreach.record_letter(reader, by=advisor, kind="notice", at=now - timedelta(hours=1),
                           campaign=campaign)  # fmt: skip


def _catalogue(org):
    from aftercare.workshop.models import ServiceItem

    items = [
        ("oil", "機油及機濾更換", ServiceItem.Kind.MAINTENANCE),
        ("pkg-10k", "10,000 公里定期保養套餐", ServiceItem.Kind.PACKAGE),
        ("pkg-20k", "20,000 公里定期保養套餐", ServiceItem.Kind.PACKAGE),
        ("brake", "煞車片更換", ServiceItem.Kind.REPAIR),
        ("aircon", "冷氣系統檢修", ServiceItem.Kind.REPAIR),
        ("tyre", "輪胎更換及定位", ServiceItem.Kind.REPAIR),
        ("check", "免費安全檢測", ServiceItem.Kind.INSPECTION),
    ]
    return [
        ServiceItem.objects.create(organisation=org, code=code, name=name, kind=kind)
        for code, name, kind in items
    ]


def _customer_with_history(rng, now, branch, advisor, catalogue, number) -> None:
    """A customer with a car and one visit in the last 90 days, followed up as a desk would."""
    from aftercare.customers import actions as customers
    from aftercare.customers.choices import WantedService
    from aftercare.followups import actions as followups
    from aftercare.workshop import actions as workshop

    # A third of the visits are in the last 10 days, so today's and upcoming work shows; older
    # work is mostly done (on time or late), leaving a few overdue items for the supervisor.
    days_ago = rng.uniform(0, 10) if number % 3 == 0 else rng.uniform(10, 90)
    recent = days_ago < 10
    diligent = rng.random() < (0.5 if recent else 0.9)
    complete = number % 4 != 0  # some archives miss the address until completed later
    customer = customers.create_customer(
        branch=branch,
        by=advisor,
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        phones=[f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"],
        address=f"北京市{rng.choice(STREETS)}{rng.randint(1, 300)}號" if complete else "",
        wanted_services=rng.sample(list(WantedService.values), 2),
        contact_time=rng.choice(["morning", "afternoon", "evening", "any"]),
        contact_channel="phone",
        consents_to_sms=rng.random() < 0.7,
        prefers_letters=rng.random() < 0.15,
        followup_advisor=advisor,
    )
    make, model, kind = rng.choice(MODELS)
    tz = customer.branch.organisation.tz
    visit_at = _office_hours(now - timedelta(days=days_ago, hours=rng.uniform(0, 6)), now, tz)
    vehicle = customers.add_vehicle(
        customer,
        by=advisor,
        plate=f"{rng.choice(PLATE_PREFIX)}{rng.randint(10000, 99999)}",
        make=make,
        model=model,
        vehicle_type=kind,
        maintenance_months=6,
        maintenance_km=5000,
        last_maintenance_on=(visit_at - timedelta(days=180)).date(),
        last_maintenance_km=rng.randint(3_000, 60_000),
        at=visit_at,
    )
    items = [rng.choice(catalogue[:3]).code, rng.choice(catalogue[3:]).code]
    order = workshop.check_in(
        vehicle, by=advisor, at=visit_at, mileage=(vehicle.last_maintenance_km or 0) + 4_800,
        items=items, description="定期保養，客戶反映冷氣不夠冷",
    )  # fmt: skip
    pickup_at = min(visit_at + timedelta(hours=rng.uniform(3, 30)), now - timedelta(minutes=5))
    workshop.record_pickup(order, by=advisor, at=pickup_at)
    plan = customer.plans.first()
    if not complete and diligent:
        completed_at = min(
            visit_at + timedelta(hours=rng.uniform(2, 70)), now - timedelta(minutes=1)
        )
        customers.update_customer(
            customer, by=advisor, at=completed_at,
            address=f"北京市{rng.choice(STREETS)}{rng.randint(1, 300)}號",
        )  # fmt: skip
    if plan is not None and diligent:
        confirm_at = min(visit_at + timedelta(hours=rng.uniform(1, 60)), now - timedelta(minutes=1))
        followups.confirm_plan(plan, by=advisor, at=confirm_at)
    first_window = _office_hours(pickup_at + timedelta(days=rng.uniform(3, 9)), now, tz)
    if first_window < now and diligent:
        raised = []
        if rng.random() < 0.3:
            raised = [
                {"kind": "complaint", "text": "保養後冷氣仍不夠冷", "answered_in_call": False}
            ]
        elif rng.random() < 0.3:
            raised = [{"kind": "wish", "text": "希望提供代步車", "answered_in_call": True}]
        call = followups.record_call(
            customer, by=advisor, direction="out", purpose="first_followup", at=first_window,
            reached=True, topics=["usage_and_opinion", "new_needs", "car_care_tips"],
            notes="客戶對服務滿意", raised_items=raised,
        )  # fmt: skip
        _handle_items(rng, now, call, advisor)
        second_at = _office_hours(first_window + timedelta(days=rng.uniform(7, 15)), now, tz)
        if second_at < now and rng.random() < 0.85:
            followups.record_call(
                customer, by=advisor, direction="out", purpose="second_followup", at=second_at,
                reached=True, topics=["new_services", "events_and_offers"],
                notes="介紹本月保養優惠",
            )  # fmt: skip


def _office_hours(moment, now, tz):
    """The same local day between 09:00 and 17:59, so demo calls and visits look like a
    shop's day (a call at 02:08 would not); left alone where that would be in the future."""
    local = timezone.localtime(moment, tz)
    moved = local.replace(hour=9 + local.hour % 9)
    return moved if moved < now else moment


def _handle_items(rng, now, call, advisor) -> None:
    """Complaints are escalated and solved, mostly in time; some wait in the queue."""
    from aftercare.cases import actions as cases
    from aftercare.org.roles import Role

    supervisor = User.objects.filter(branch=call.branch, groups__name=Role.SUPERVISOR).first()
    for item in call.raised_items.filter(state="open"):
        escalate_at = call.occurred_at + timedelta(hours=rng.uniform(2, 40))
        if escalate_at >= now:
            continue
        cases.escalate(item, by=advisor, at=escalate_at, note="需主管協助")
        solved_at = escalate_at + timedelta(hours=rng.uniform(4, 48))
        if solved_at >= now or rng.random() < 0.3:
            continue  # waiting in the supervisor's queue
        cases.record_solution(item, by=supervisor, at=solved_at, text="安排免費複檢並更換冷媒")
        informed_at = solved_at + timedelta(hours=rng.uniform(0.5, 6))
        if informed_at < now:
            cases.inform_customer(item, by=advisor, at=informed_at, satisfied=rng.random() < 0.8)


def _reviews(now, branch, users) -> None:
    """DS-11: the month before last finalised by the supervisor, last month still a draft."""
    from aftercare.reviews import actions as reviews
    from aftercare.reviews import periods

    tz = branch.organisation.tz
    last = periods.month_of(periods.local_date(now, tz).replace(day=1) - timedelta(days=1), tz)
    before = periods.month_of(last.first - timedelta(days=1), tz)
    earlier, _ = reviews.draft_review(
        branch, kind="monthly", period=periods.label("monthly", before), now=now
    )
    reviews.finalise_review(
        earlier, by=users["supervisor1"],
        summary="本月跟蹤電話大致準時；冷氣投訴兩宗，均已於當週解決並回覆客戶。",
    )  # fmt: skip
    reviews.draft_review(branch, kind="monthly", period=periods.label("monthly", last), now=now)


def _safety_models(org) -> list:
    """Workshop safety rows of the demo, in the order they can be deleted."""
    from aftercare.safety import models as safety

    scope = {"place__branch__organisation": org}
    safety.Equipment.objects.filter(**scope).update(replaced_by=None)
    return [
        (safety.Clearance, {"bin__place__branch__organisation": org}),
        (safety.Inspection, {"equipment__place__branch__organisation": org}),
        (safety.BinPeriod, {"bin__place__branch__organisation": org}),
        (safety.EquipmentDue, {"equipment__place__branch__organisation": org}),
        (safety.RagBin, scope),
        (safety.Equipment, scope),
        (safety.Place, {"branch__organisation": org}),
    ]


def _workshop_safety(now, branch, users) -> None:
    """Two places with bins and extinguishers (DS-12, DS-13): one short of its minimum, one
    item expiring soon, yesterday's bin cleared and today's still to do."""
    from datetime import date, time
    from decimal import Decimal

    from aftercare.safety import actions as safety
    from aftercare.standard.calendar import local_date

    supervisor, advisor = users["supervisor1"], users["advisor1"]
    today = local_date(now, branch.organisation.tz)
    yesterday = today - timedelta(days=1)
    workshop = safety.add_place(
        branch=branch, by=supervisor, name="維修車間東側", keeper=supervisor, min_count=2,
        min_capacity=Decimal("8"),
    )  # fmt: skip
    paint = safety.add_place(branch=branch, by=supervisor, name="油漆房", keeper=supervisor,
                             min_count=2)  # fmt: skip
    installed = date(today.year - 1, 3, 1)
    for place, label, kind, capacity, expires in [
        (workshop, "MFZ-4-001", "powder", "4", date(today.year + 4, 3, 1)),
        (workshop, "MFZ-4-002", "powder", "4", today + timedelta(days=20)),
        (workshop, "MT-3-001", "co2", "3", date(today.year + 4, 3, 1)),
        (paint, "MPZ-6-001", "foam", "6", date(today.year + 3, 9, 1)),
    ]:
        safety.add_equipment(
            place=place, by=supervisor, kind=kind, label=label, capacity=Decimal(capacity),
            unit="L" if kind == "foam" else "kg", installed_on=installed, expires_on=expires,
            now=now,
        )  # fmt: skip
    for place, label in [(workshop, "廢布桶 A"), (paint, "廢布桶 B")]:
        bin_ = safety.add_bin(
            place=place, by=supervisor, label=label, owner=advisor, starts_on=yesterday,
            clear_at=time(17, 30), now=now - timedelta(days=1),
        )  # fmt: skip
        safety.open_bin_period(bin_, now=now)
        if place is workshop:
            safety.log_clearance(bin_, by=advisor, at=now - timedelta(days=1), note="已清空")
