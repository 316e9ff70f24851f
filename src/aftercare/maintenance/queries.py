"""Reads of the maintenance app, each through one read scope shared by the pages and the API:
``visible_plans`` and ``visible_visits`` (the user's branches, under
``maintenance.view_maintenanceplan``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, QuerySet, Subquery

from aftercare.agreements.models import AgreementVersion
from aftercare.maintenance.models import ChecklistTemplate, MaintenancePlan, MaintenanceVisit
from aftercare.obligations.models import Obligation
from aftercare.org.access import ensure_permission, restrict
from aftercare.org.models import User
from aftercare.servicedesk.models import Ticket
from aftercare.sites.choices import SystemKind

VIEW = "maintenance.view_maintenanceplan"


def visible_plans(user: User) -> QuerySet[MaintenancePlan]:
    """Plans of the user's branches, each with its latest version's number and state."""
    latest = AgreementVersion.objects.filter(agreement_id=OuterRef("pk")).order_by("-number")
    return (
        MaintenancePlan.objects.visible_to(user)
        .select_related("agreement", "site__customer", "contract", "branch", "engineer")
        .annotate(
            latest_state=Subquery(latest.values("state")[:1]),
            latest_number=Subquery(latest.values("number")[:1]),
        )
    )


def in_state(plans: QuerySet[MaintenancePlan], state: str) -> QuerySet[MaintenancePlan]:
    """`visible_plans` whose latest version is in `state` (the list's filter)."""
    return plans.filter(**{"latest_state": state})


def get_plan_for(user: User, pk: int) -> MaintenancePlan:
    return visible_plans(user).get(pk=pk)


def visible_visits(user: User) -> QuerySet[MaintenanceVisit]:
    visits = restrict(
        MaintenanceVisit.objects.all(), user, VIEW, branch_field="plan__branch",
        customer_field="plan__agreement__customer",
    )  # fmt: skip
    return visits.select_related(
        "plan__agreement", "plan__site__customer", "plan__branch__organisation", "version",
        "engineer", "done_by",
    )  # fmt: skip


def get_visit_for(user: User, pk: int) -> MaintenanceVisit:
    return visible_visits(user).get(pk=pk)


def bs9_of(visits: Iterable[MaintenanceVisit]) -> dict[int, Obligation]:
    """The current BS-9 of each visit: the pending one, else the latest (done or cancelled)."""
    ids = [visit.pk for visit in visits]
    rows = Obligation.objects.filter(
        rule="BS-9",
        subject_type=ContentType.objects.get_for_model(MaintenanceVisit),
        subject_id__in=ids,
    ).order_by("id")
    found: dict[int, Obligation] = {}
    for row in rows:
        assert row.subject_id is not None
        key = int(row.subject_id)
        current = found.get(key)
        if current is None or current.cancelled_at is not None or row.cancelled_at is None:
            found[key] = row
    return found


def visit_tickets(visit: MaintenanceVisit) -> list[Ticket]:
    """The hotline tickets opened for the visit's defects, in the order of their checks."""
    ids = list(
        visit.checks.filter(ticket__isnull=False)
        .order_by("order")
        .values_list("ticket_id", flat=True)
    )
    tickets = {row.pk: row for row in Ticket.objects.filter(pk__in=ids)}
    return [tickets[pk] for pk in dict.fromkeys(ids)]


def checks_by_system(visit: MaintenanceVisit) -> list[tuple[Any, list[Any]]]:
    """The visit's checks grouped by system, in checklist order (the phone page, the PDF)."""
    groups: dict[int, tuple[Any, list[Any]]] = {}
    for check in visit.checks.select_related("system", "ticket").order_by("order", "id"):
        groups.setdefault(check.system_id, (check.system, []))[1].append(check)
    return list(groups.values())


def visible_templates(user: User) -> list[ChecklistTemplate]:
    """The checklists of the user's organisation, one per kind of system (the shipped ones
    are created on first need)."""
    from aftercare.maintenance.actions import ensure_templates

    ensure_permission(user, "maintenance.view_checklisttemplate")
    organisation = user.organisation
    if organisation is None:
        return []
    found = ensure_templates(organisation)
    return [found[kind] for kind in SystemKind.values]
