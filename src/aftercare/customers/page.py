"""What the customer page shows (the whole archive), read once each and only the columns shown.

Every list is read here, not by the template, as rows (`.values()`: no model instances, no
joins beyond the names shown) with what the template prints already worked out: labels of
choices, staff names, a call's "amended" flag (a subquery of the calls' own statement).
The lists of the customer (visible, so are its rows) are statements compiled once
(`aftercare.statements.Prepared`): turning a queryset into SQL costs Django more than
PostgreSQL takes to answer a customer's few rows. So is the customer itself, once per kind of
reader's scope (`org.access.read_scope`, which `visible_to` applies too), and so are its
obligations (`obligations.models.reader_scope` and `visible_condition`, as `visible_to`).
"""

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Exists, F, Model, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from aftercare.apps import DESK_DEALERSHIP
from aftercare.cases.models import RaisedItem
from aftercare.customers import archive
from aftercare.customers.choices import WantedService
from aftercare.customers.models import VIEW_CUSTOMER, Customer, Vehicle
from aftercare.customers.queries import VEHICLE_COLUMNS, vehicle_row
from aftercare.followups.choices import PlanTopic, Topic
from aftercare.followups.models import Call, CallAmendment, NextServicePlan
from aftercare.obligations.models import (
    OWN_WORK,
    Obligation,
    cancel_reason_text,
    reader_scope,
    status_of,
    visible_condition,
)
from aftercare.org.access import Scope, read_scope
from aftercare.org.queries import StaffNames, desks_of, staff_columns
from aftercare.standard.rules import RULES
from aftercare.statements import Prepared
from aftercare.workshop.models import Consultation, RepairOrder

CALL_COLUMNS = (
    "id", "register_number", "occurred_at", "purpose", "direction", "reached", "topics",
    "other_topics", "notes",
)  # fmt: skip
PLAN_COLUMNS = ("id", "suggested_topics", "topics", "note", "planned_contact_at", "confirmed_at")
ORDER_COLUMNS = (
    "id", "checked_in_at", "mileage", "description", "extra_items", "picked_up_at",
    "vehicle__plate",
)  # fmt: skip
OBLIGATION_COLUMNS = (
    "id", "rule", "opens_at", "due_at", "done_at", "cancelled_at", "cancel_reason",
)  # fmt: skip


def labelled(
    codes: Iterable[str], choices: Iterable[tuple[str, Any]] | dict[str, Any]
) -> list[str]:
    names = choices if isinstance(choices, dict) else dict(choices)
    return [str(names.get(code, code)) for code in codes]


VEHICLES = Prepared(
    lambda customer: Vehicle.objects.filter(customer_id=customer).values(*VEHICLE_COLUMNS),
    customer=int,
)
# A row per catalogue item of each visit, in the catalogue's order (one for a visit without).
ORDERS = Prepared(
    lambda customer: (
        RepairOrder.objects.filter(customer_id=customer)
        .order_by("-checked_in_at", "-id", "items__kind", "items__code")
        .values(*ORDER_COLUMNS, *staff_columns("advisor"), item=F("items__name"))
    ),
    customer=int,
)
CONSULTATIONS = Prepared(
    lambda customer: Consultation.objects.filter(customer_id=customer).values(
        "occurred_at", "channel", "notes", *staff_columns("advisor")
    ),
    customer=int,
)
CALLS = Prepared(
    lambda customer: Call.objects.filter(customer_id=customer).values(
        *CALL_COLUMNS,
        *staff_columns("advisor"),
        amended=Exists(CallAmendment.objects.filter(call=OuterRef("pk"))),
    ),
    customer=int,
)
RAISED_ITEMS = Prepared(
    lambda customer: RaisedItem.objects.filter(customer_id=customer).values(
        "id", "kind", "text", "state", "raised_at", *staff_columns("owner")
    ),
    customer=int,
)
LATEST_PLAN = Prepared(
    lambda customer: NextServicePlan.objects.filter(customer_id=customer).values(
        *PLAN_COLUMNS, *staff_columns("confirmed_by")
    )[:1],
    customer=int,
)


@functools.lru_cache(maxsize=8)
def _customer_statement(boundary: str) -> Prepared[Customer]:
    """The customer, if in the reader's scope, with its numbers: a row per number (one for a
    customer without any); compiled once per kind of scope."""

    def build(customer: int, scope: int | None = None) -> QuerySet[Customer]:
        customers = Scope(boundary, scope).applied_to(Customer.objects.filter(pk=customer))
        return (
            customers.select_related("branch", "followup_advisor")
            .annotate(number=F("phones__number"))
            .order_by("phones__position", "phones__id")
        )

    return Prepared(build, customer=int, **Scope(boundary).kinds)


def customer_page(user: Any, pk: int) -> dict[str, Any]:
    """The page's context; 404 when `user` may not see the customer."""
    scope = read_scope(user, VIEW_CUSTOMER)  # as Customer.objects.visible_to
    rows = _customer_statement(scope.boundary).run(customer=pk, **scope.values)
    if not rows:
        raise Http404
    customer = rows[0]
    phones = [row.number for row in rows if row.number is not None]
    staff = StaffNames()
    vehicles = [vehicle_row(row) for row in VEHICLES.run(customer=customer.pk)]
    dealership = DESK_DEALERSHIP in desks_of(user)
    return {
        "customer": customer,
        "phones": phones,
        "wanted_labels": labelled(customer.wanted_services, WantedService.choices),
        "missing": archive.labels(archive.missing_of(customer, bool(phones), vehicles)),
        "vehicles": vehicles,
        "orders": _orders(customer.pk, staff) if dealership else [],
        "consultations": _consultations(customer.pk, staff) if dealership else [],
        "calls": _calls(customer.pk, staff),
        "items": _raised_items(customer.pk, staff),
        "obligations": _obligations(user, customer.pk, staff),
        "plan": _plan(customer.pk, staff),
        "contacts": (
            list(customer.contacts.all()) if customer.kind == Customer.Kind.COMPANY else []
        ),
        "can_change_customer": user.has_perm("customers.change_customer"),
        # A building-systems branch's customers are site owners: no cars, no workshop.
        "dealership": dealership,
    }


class _Choices:
    """What `get_<field>_display` shows for a value of a field with choices."""

    def __init__(self, model: type[Model], field: str) -> None:
        self._labels = dict(model._meta.get_field(field).flatchoices)

    def __call__(self, value: Any) -> str:
        return str(self._labels.get(value, value))


def _calls(customer_id: int, staff: StaffNames) -> list[dict[str, Any]]:
    rows = CALLS.run(customer=customer_id)
    purposes, directions = _Choices(Call, "purpose"), _Choices(Call, "direction")
    topics = dict(Topic.choices)
    for row in rows:
        row["advisor"] = staff.name(row, "advisor")
        row["purpose_label"] = purposes(row["purpose"])
        row["direction_label"] = directions(row["direction"])
        row["topic_labels"] = labelled(row["topics"], topics)
    return rows


def _plan(customer_id: int, staff: StaffNames) -> dict[str, Any] | None:
    for plan in LATEST_PLAN.run(customer=customer_id):
        plan["confirmed_by"] = staff.name(plan, "confirmed_by")
        plan["suggested_labels"] = labelled(plan["suggested_topics"], PlanTopic.choices)
        plan["topic_labels"] = labelled(plan["topics"], PlanTopic.choices)
        # The form's checkboxes: (value, label, checked, suggested) of every topic.
        plan["choices"] = [
            (value, label, value in plan["topics"], value in plan["suggested_topics"])
            for value, label in PlanTopic.choices
        ]
        return plan
    return None


def _obligations(user: Any, customer_id: int, staff: StaffNames) -> list[dict[str, Any]]:
    """The customer's obligations as far as `user` may see them, with their status now."""
    now = timezone.now()
    scope = reader_scope(user)
    if scope is None:
        return []
    values = {"now": now} if scope.boundary == OWN_WORK else {}
    rows = _obligations_statement(scope.boundary).run(
        customer=customer_id, **scope.values, **values
    )
    for row in rows:
        rule = RULES.get(row["rule"])
        row["rule_title"] = rule.title if rule else ""
        row["owner"] = staff.name(row, "owner")
        status = status_of(row["cancelled_at"], row["done_at"], row["opens_at"], row["due_at"], now)
        row["status"], row["status_label"] = status.value, status.label
        row["cancel_reason_text"] = cancel_reason_text(row["cancel_reason"])
    return rows


@functools.lru_cache(maxsize=8)
def _obligations_statement(boundary: str) -> Prepared[Obligation]:
    """A customer's obligations as far as a reader of this kind of scope sees them."""

    def build(
        customer: int, scope: int | None = None, now: datetime | None = None
    ) -> QuerySet[Obligation, dict[str, Any]]:
        visible = visible_condition(Scope(boundary, scope), now)
        return (
            Obligation.objects.filter(visible, customer_id=customer)
            .order_by("due_at", "id")
            .values(*OBLIGATION_COLUMNS, *staff_columns("owner"))
        )

    kinds: dict[str, type] = {"now": datetime} if boundary == OWN_WORK else {}
    return Prepared(build, customer=int, **Scope(boundary).kinds, **kinds)


def _orders(customer_id: int, staff: StaffNames) -> list[dict[str, Any]]:
    """The repair history, newest first (the customer is visible, so are its orders), with
    the names of its catalogue items: a row per item (one for an order without any)."""
    orders: dict[int, dict[str, Any]] = {}
    for row in ORDERS.run(customer=customer_id):
        item = row.pop("item")
        order = orders.get(row["id"])
        if order is None:
            order = orders[row["id"]] = row
            row["advisor"] = staff.name(row, "advisor")
            row["plate"] = row.pop("vehicle__plate")
            row["item_names"] = []
        if item is not None:
            order["item_names"].append(item)
    for order in orders.values():
        # As RepairOrder.item_names: catalogue items by name, then the free-text ones.
        order["item_names"] += order["extra_items"] or []
    return list(orders.values())


def _consultations(customer_id: int, staff: StaffNames) -> list[dict[str, Any]]:
    rows = CONSULTATIONS.run(customer=customer_id)
    channels = _Choices(Consultation, "channel")
    for row in rows:
        row["advisor"] = staff.name(row, "advisor")
        row["channel_label"] = channels(row["channel"])
    return rows


def _raised_items(customer_id: int, staff: StaffNames) -> list[dict[str, Any]]:
    rows = RAISED_ITEMS.run(customer=customer_id)
    kinds, states = _Choices(RaisedItem, "kind"), _Choices(RaisedItem, "state")
    for row in rows:
        row["owner"] = staff.name(row, "owner")
        row["kind_label"] = kinds(row["kind"])
        row["state_label"] = states(row["state"])
    return rows
