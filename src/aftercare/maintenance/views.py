"""Pages of preventive maintenance (thin: reads from ``queries``, writes through ``actions``):
the plan list, a new plan, a plan's page (terms, visits with BS-9, the agreement panel), the
visit's phone page (checklist, signature, moves), its PDF, and the checklists. A refusal shows
the page again with the action's message beside the field, answering 422 or 409."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftercare.agreements.models import Agreement
from aftercare.agreements.queries import latest_version
from aftercare.agreements.sections import plan_panel
from aftercare.contracts.models import Contract
from aftercare.errors import DomainError
from aftercare.formfields import local_now, refused_on_form, user_tz
from aftercare.maintenance import actions, queries, visit_report
from aftercare.maintenance.agreement import KIND
from aftercare.maintenance.choices import VisitState
from aftercare.maintenance.forms import (
    EngineerForm,
    ItemForm,
    PlanFilterForm,
    PlanForm,
    RescheduleForm,
    ResultForm,
    SiteChoiceForm,
)
from aftercare.maintenance.models import (
    ChecklistItem,
    ChecklistTemplate,
    MaintenancePlan,
    MaintenanceVisit,
)
from aftercare.obligations.choices import Status
from aftercare.obligations.models import Obligation
from aftercare.org.access import works_in
from aftercare.org.http import StaffRequest
from aftercare.org.models import Branch, User
from aftercare.paperwork.rendering import PDF_TYPE
from aftercare.paperwork.rendering import download as file_download
from aftercare.servicedesk.fieldworker import worker_response
from aftercare.sites.models import Site

VIEW = "maintenance.view_maintenanceplan"
PAGE_SIZE = 50


def _plan(request: StaffRequest, pk: int) -> MaintenancePlan:
    try:
        return queries.get_plan_for(request.user, pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def _visit(request: StaffRequest, pk: int) -> MaintenanceVisit:
    try:
        return queries.get_visit_for(request.user, pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def status_text(duty: Obligation | None) -> str:
    """BS-9's status in the reader's language (empty without one)."""
    return str(Status(duty.status_at()).label) if duty is not None else ""


def _engineers(branch: Branch) -> list[tuple[int, str]]:
    staff = User.objects.filter(
        is_active=True, branch=branch, groups__permissions__codename="record_visit"
    ).distinct().order_by("pk")  # fmt: skip
    return [(user.pk, str(user)) for user in staff]


# -- plans ----------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
def plan_list(request: StaffRequest) -> HttpResponse:
    form = PlanFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    plans = queries.visible_plans(request.user).order_by("-agreement__created_at", "-pk")
    if state:
        plans = queries.in_state(plans, state)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "maintenance/list.html", {"form": form, "page": page, "state": state})


def _prefill(contract: Contract | None, today: date) -> dict[str, Any]:
    """A contract's visits per year give the frequency (12 / visits), its systems and term."""
    if contract is None:
        return {"starts_on": today, "ends_on": date(today.year, 12, 31)}
    initial: dict[str, Any] = {
        "contract": contract.pk,
        "systems": list(contract.systems.values_list("pk", flat=True)),
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
    }
    if contract.visits_per_year:
        initial["every_months"] = max(1, 12 // contract.visits_per_year)
    return initial


@login_required
@permission_required(actions.CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def plan_new(request: StaffRequest) -> HttpResponse:
    """A new plan: first the site (or a contract, which names it), then the terms."""
    user = request.user
    sites = Site.objects.visible_to(user).select_related("branch", "customer").order_by("name")
    contract = None
    contract_id = request.GET.get("contract", "")
    if contract_id.isdigit() and len(contract_id) < 18:
        contract = Contract.objects.filter(
            pk=int(contract_id), site__in=sites
        ).select_related("site").first()  # fmt: skip
    site_id = request.GET.get("site", "")
    site = contract.site if contract is not None else None
    if site is None and site_id.isdigit() and len(site_id) < 18:
        site = sites.filter(pk=int(site_id)).first()
    if site is None:
        choose = SiteChoiceForm(
            sites=[(row.pk, f"{row.name} · {row.customer.name}") for row in sites]
        )
        return render(request, "maintenance/new.html", {"choose": choose})
    contracts = [
        (row.pk, f"#{row.pk} {row.starts_on:%Y-%m-%d}–{row.ends_on:%Y-%m-%d}")
        for row in Contract.objects.filter(site=site).order_by("-starts_on")
    ]
    probe = Agreement(organisation=site.branch.organisation, branch=site.branch, site=site)
    kwargs: dict[str, Any] = {
        "agreement": probe,
        "contracts": contracts,
        "engineers": _engineers(site.branch),
    }
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, **kwargs)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            chosen = (
                Contract.objects.filter(pk=data["contract"], site=site).first()
                if data["contract"]
                else None
            )
            engineer = (
                User.objects.filter(pk=data["engineer"]).first() if data["engineer"] else None
            )
            try:
                plan = actions.create_plan(
                    by=user, site=site, contract=chosen, engineer=engineer,
                    title=data["title"], terms=form.terms(),
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error, system_ids="systems", contract_id="contract",
                                         engineer_id="engineer")  # fmt: skip
            else:
                messages.success(request, _("Plan drafted: submit it to the owner."))
                return redirect("maintenance:plan", pk=plan.pk)
    else:
        form = PlanForm(
            initial=_prefill(contract, timezone.localdate(timezone.now(), user_tz(user))), **kwargs
        )
    context = {"form": form, "site": site, "contract": contract}
    return render(request, "maintenance/new.html", context, status=status)


def _plan_page(
    request: StaffRequest, plan: MaintenancePlan, *, engineer_form: EngineerForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = request.user
    visits = list(plan.visits.select_related("version", "engineer").order_by("scheduled_on", "id"))
    latest = latest_version(plan.agreement)
    bs9 = queries.bs9_of(visits)
    can_change = user.has_perm(actions.CHANGE) and works_in(user, plan.branch)
    context: dict[str, Any] = {
        "plan": plan,
        "latest": latest,
        "rows": KIND.describe(latest.terms),
        "visit_rows": [(visit, status_text(bs9.get(visit.pk))) for visit in visits],
        "panel": plan_panel(request, plan.agreement),
        "can_change": can_change,
    }
    if can_change:
        context["engineer_form"] = engineer_form or EngineerForm(
            engineers=_engineers(plan.branch), initial={"engineer": plan.engineer_id}
        )
    return render(request, "maintenance/plan.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def plan(request: StaffRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _plan(request, pk))


@login_required
@permission_required(actions.CHANGE, raise_exception=True)
@require_POST
def engineer(request: StaffRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = EngineerForm(request.POST, engineers=_engineers(plan.branch))
    if form.is_valid():
        chosen = form.cleaned_data["engineer"]
        person = User.objects.filter(pk=chosen).first() if chosen else None
        try:
            actions.assign_engineer(plan, by=request.user, engineer=person)
        except DomainError as error:
            status = refused_on_form(form, error, engineer_id="engineer")
            return _plan_page(request, plan, engineer_form=form, status=status)
        messages.success(request, _("The plan's engineer is saved."))
        return redirect("maintenance:plan", pk=plan.pk)
    return _plan_page(request, plan, engineer_form=form, status=422)


# -- a visit --------------------------------------------------------------------------------------


def _visit_page(
    request: StaffRequest, visit: MaintenanceVisit, *, result_form: ResultForm | None = None,
    reschedule_form: RescheduleForm | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = request.user
    tz = user_tz(user)
    planned = visit.state == VisitState.PLANNED
    may_record = user.has_perm(actions.RECORD) and works_in(user, visit.plan.branch)
    can_record = planned and may_record
    can_move = planned and user.has_perm(actions.MOVE) and works_in(user, visit.plan.branch)
    checks = list(visit.checks.select_related("system", "ticket").order_by("order", "id"))
    context: dict[str, Any] = {
        "visit": visit,
        "plan": visit.plan,
        "groups": queries.checks_by_system(visit),
        "bs9": status_text(queries.bs9_of([visit]).get(visit.pk)),
        "bs9_row": queries.bs9_of([visit]).get(visit.pk),
        "reschedules": list(visit.reschedules.select_related("by").order_by("at", "id")),
        "tickets": queries.visit_tickets(visit),
        "can_record": can_record,
        # The phone's queue of results recorded offline: shown whatever the state, so a result
        # refused after the visit was done by someone else is still shown here.
        "field_queue": may_record,
        "field_scope": _visit_scope(),
        "can_move": can_move,
    }
    if can_record:
        form = result_form or ResultForm(checks=checks, tz=tz, initial={"done_at": local_now(tz)})
        context["result_form"] = form
        context["result_rows"] = form.rows()
        context["result_api"] = reverse("api:record_result", kwargs={"visit_id": visit.pk})
    if can_move:
        context["reschedule_form"] = reschedule_form or RescheduleForm()
    return render(request, "maintenance/visit.html", context, status=status)


def _visit_scope() -> str:
    """``/maintenance/visits/``: the visit pages, the scope of their service worker."""
    return reverse("maintenance:visit_worker").rsplit("/", 1)[0] + "/"


@require_GET
def visit_worker(request: StaffRequest) -> HttpResponse:
    """The service worker of the visit pages (the field pages' worker, scoped to
    ``/maintenance/visits/``): the engineer's visit pages open without a signal. Public like
    the hotline's: it holds no user data."""
    return worker_response(
        _visit_scope(), extra_shell=("js/maintenance.js",),
        shell_cache="aftercare-visits-shell",
    )  # fmt: skip


@login_required
@permission_required(VIEW, raise_exception=True)
def visit(request: StaffRequest, pk: int) -> HttpResponse:
    return _visit_page(request, _visit(request, pk))


@login_required
@permission_required(actions.RECORD, raise_exception=True)
@require_POST
def result(request: StaffRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    checks = list(visit.checks.select_related("system").order_by("order", "id"))
    form = ResultForm(request.POST, request.FILES, checks=checks, tz=user_tz(request.user))
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        items = [
            actions.CheckInput(
                check_id=check.pk,
                result=data[f"result_{check.pk}"],
                reading=data.get(f"reading_{check.pk}"),
                note=data[f"note_{check.pk}"],
                photo=data[f"photo_{check.pk}"],
            )  # fmt: skip
            for check in checks
        ]
        try:
            actions.record_result(
                visit, by=request.user, items=items, signed_by=data["signed_by"],
                signature_png=data["signature_png"], done_at=data["done_at"],
            )  # fmt: skip
        except DomainError as error:
            status = refused_on_form(form, error)
            _rows_errors(form, checks, error)
        else:
            messages.success(request, _("The visit is recorded and signed."))
            return redirect("maintenance:visit", pk=visit.pk)
    return _visit_page(request, visit, result_form=form, status=status)


def _rows_errors(form: ResultForm, checks: list[Any], error: DomainError) -> None:
    """`items.3.reading` goes beside the reading of the fourth check."""
    for key, texts in error.fields.items():
        parts = key.split(".")
        if parts[0] == "items" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(checks):
                name = f"{parts[2]}_{checks[index].pk}"
                for text in texts:
                    form.add_error(name if name in form.fields else None, text)


@login_required
@permission_required(actions.MOVE, raise_exception=True)
@require_POST
def reschedule(request: StaffRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    form = RescheduleForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.reschedule(
                visit, by=request.user, to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            messages.success(request, _("The visit is moved."))
            return redirect("maintenance:visit", pk=visit.pk)
    return _visit_page(request, visit, reschedule_form=form, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def report_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    """The signed record of a done visit (404 before it is done)."""
    visit = _visit(request, pk)
    if visit.state != VisitState.DONE:
        raise Http404
    report = visit_report.build(visit, at=timezone.now())
    return file_download(visit_report.render(report, request=request), f"{report.filename}.pdf",
                         PDF_TYPE)  # fmt: skip


@login_required
@permission_required(VIEW, raise_exception=True)
def photo(request: StaffRequest, pk: int, check_pk: int) -> FileResponse:
    visit = _visit(request, pk)
    check = visit.checks.filter(pk=check_pk).first()
    if check is None or not check.photo:
        raise Http404
    return FileResponse(
        check.photo.open("rb"), filename=(check.photo.name or "photo").rsplit("/", 1)[-1]
    )


# -- checklists -----------------------------------------------------------------------------------


def _checklists_page(
    request: StaffRequest, *, bad_form: ItemForm | None = None, bad_key: str = "",
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = request.user
    templates = queries.visible_templates(user)
    can_change = user.has_perm(actions.TEMPLATES)
    rows = []
    for template in templates:
        items = []
        for item in template.items.order_by("order", "id"):
            key = f"item-{item.pk}"
            form = bad_form if bad_key == key else ItemForm(
                prefix=key, initial={"text": item.label, "kind": item.kind, "unit": item.unit,
                                     "low": item.low, "high": item.high, "order": item.order},
            ) if can_change else None  # fmt: skip
            items.append((item, form))
        key = f"add-{template.pk}"
        add = (bad_form if bad_key == key else ItemForm(prefix=key)) if can_change else None
        rows.append((template, items, add))
    context = {"rows": rows, "can_change": can_change}
    return render(request, "maintenance/checklists.html", context, status=status)


@login_required
@permission_required("maintenance.view_checklisttemplate", raise_exception=True)
def checklists(request: StaffRequest) -> HttpResponse:
    return _checklists_page(request)


def _item_input(form: ItemForm) -> actions.ItemInput:
    data = form.cleaned_data
    return actions.ItemInput(text=data["text"], kind=data["kind"], unit=data["unit"],
                             low=data["low"], high=data["high"], order=data["order"])  # fmt: skip


def _template(request: StaffRequest, pk: int) -> ChecklistTemplate:
    if request.user.organisation_id is None:
        raise Http404
    template = ChecklistTemplate.objects.filter(
        pk=pk, organisation_id=request.user.organisation_id
    ).first()  # fmt: skip
    if template is None:
        raise Http404
    return template


def _item(request: StaffRequest, pk: int) -> ChecklistItem:
    if request.user.organisation_id is None:
        raise Http404
    item = ChecklistItem.objects.select_related("template__organisation").filter(
        pk=pk, template__organisation_id=request.user.organisation_id
    ).first()  # fmt: skip
    if item is None:
        raise Http404
    return item


@login_required
@permission_required(actions.TEMPLATES, raise_exception=True)
@require_POST
def item_add(request: StaffRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    key = f"add-{template.pk}"
    form = ItemForm(request.POST, prefix=key)
    status = 422
    if form.is_valid():
        try:
            actions.add_item(template, by=request.user, data=_item_input(form))
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            messages.success(request, _("Item added."))
            return redirect("maintenance:checklists")
    return _checklists_page(request, bad_form=form, bad_key=key, status=status)


@login_required
@permission_required(actions.TEMPLATES, raise_exception=True)
@require_POST
def item_change(request: StaffRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    key = f"item-{item.pk}"
    form = ItemForm(request.POST, prefix=key)
    status = 422
    if form.is_valid():
        try:
            actions.change_item(item, by=request.user, data=_item_input(form))
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            messages.success(request, _("Item saved."))
            return redirect("maintenance:checklists")
    return _checklists_page(request, bad_form=form, bad_key=key, status=status)


@login_required
@permission_required(actions.TEMPLATES, raise_exception=True)
@require_POST
def item_remove(request: StaffRequest, pk: int) -> HttpResponse:
    actions.remove_item(_item(request, pk), by=request.user)
    messages.success(request, _("Item removed; visits keep their own copy."))
    return redirect("maintenance:checklists")
