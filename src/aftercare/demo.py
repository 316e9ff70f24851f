"""A realistic demo organisation: two branches, staff, customers, and 90 days of work.

Deterministic (fixed seed) relative to *now*, so worklists always show overdue, due-today,
open and upcoming work whenever the demo is loaded.
"""

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from aftercare.customers.models import Customer, Vehicle
from aftercare.obligations import actions as obligation_actions
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


def reset() -> None:
    """Remove the demo organisation and everything under it, then load it again."""
    from aftercare.obligations.models import Notification, Obligation
    from aftercare.standard.models import CalendarDay, RuleSetting

    with transaction.atomic():
        org = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
        if org is not None:
            Notification.objects.filter(obligation__organisation=org).delete()
            Obligation.objects.filter(organisation=org).delete()
            Vehicle.objects.filter(customer__branch__organisation=org).delete()
            Customer.objects.filter(branch__organisation=org).delete()
            RuleSetting.objects.filter(organisation=org).delete()
            CalendarDay.objects.filter(organisation=org).delete()
            User.objects.filter(username__in=[s[0] for s in STAFF]).delete()
            Branch.objects.filter(organisation=org).delete()
            org.delete()
    load()


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
    for username, name, branch_index, roles in STAFF:
        user = User.objects.create_user(
            username=username,
            password=settings.AFTERCARE_DEMO_PASSWORD,
            display_name=name,
            email=f"{username}@demo.aftercare.invalid",
            organisation=org,
            branch=branches[branch_index] if branch_index is not None else None,
            is_staff=Role.ADMINISTRATOR in roles,
        )
        user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
        users[username] = user
    advisors = [[users["advisor1"], users["advisor2"]], [users["advisor3"]]]

    for branch_index, branch in enumerate(branches):
        for number in range(customers_per_branch):
            advisor = advisors[branch_index][number % len(advisors[branch_index])]
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            customer = Customer.objects.create(
                branch=branch,
                name=name,
                phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                address=f"北京市{rng.choice(STREETS)}{rng.randint(1, 300)}號",
                followup_advisor=advisor,
            )
            make, model, kind = rng.choice(MODELS)
            vehicle = Vehicle.objects.create(
                customer=customer,
                plate=f"{rng.choice(PLATE_PREFIX)}{rng.randint(10000, 99999)}",
                make=make,
                model=model,
                vehicle_type=kind,
                mileage=rng.randint(3_000, 120_000),
            )
            _visit_history(rng, now, branch, advisor, customer, vehicle)
    return org


def _visit_history(rng, now, branch, advisor, customer, vehicle) -> None:
    """One visit in the last 90 days, with DS-1/2/3 opened and, mostly, done."""
    visit_at = now - timedelta(days=rng.uniform(0, 90), hours=rng.uniform(0, 6))
    pickup_at = min(visit_at + timedelta(hours=rng.uniform(2, 30)), now - timedelta(minutes=5))
    title = f"{customer.name} {vehicle.plate}"
    opened = [
        obligation_actions.open_obligation(
            rule, branch=branch, owner=advisor, event_at=visit_at, customer=customer,
            subject=vehicle, title=title,
        )
        for rule in ("DS-1", "DS-2")
    ] + [
        obligation_actions.open_obligation(
            "DS-3", branch=branch, owner=advisor, event_at=pickup_at, customer=customer,
            subject=vehicle, title=title,
        )
    ]  # fmt: skip
    for obligation in opened:
        if obligation is None:
            continue
        start = obligation.opens_at or obligation.triggered_at
        if start > now - timedelta(hours=1) or rng.random() < 0.25:
            continue  # still pending: overdue, due today, open or upcoming
        # Mostly on time, sometimes late: the dashboard needs both.
        latest = min(now, obligation.due_at + timedelta(days=rng.choice([0, 0, 0, 2])))
        done_at = start + (latest - start) * rng.uniform(0.1, 0.95)
        obligation_actions.fulfil(obligation, by=advisor, at=done_at, outcome="示範資料")
