"""Pages of bills (thin: reads from ``queries``, writes through ``actions``): the list with its
filters and totals (and as .xlsx), one bill with its review, issue, withdrawal and credit
notes, its PDF and .xlsx, and the organisation's billing settings. Every POST is its own route;
a refused action shows the page again with the translated message (422, 409 for a conflict)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftercare.billing import actions, documents, queries
from aftercare.billing.choices import Basis, BillState
from aftercare.billing.forms import (
    BillFilterForm,
    CreditNoteForm,
    ReviewForm,
    SettingsForm,
    WithdrawForm,
)
from aftercare.billing.models import Bill
from aftercare.errors import DomainError, NotAllowed
from aftercare.formfields import filter_status, refused_on_form, user_tz
from aftercare.org.http import StaffRequest
from aftercare.paperwork.rendering import PDF_TYPE, XLSX_TYPE, download

VIEW = "billing.view_bill"
CHANGE = "billing.change_bill"
ISSUE = "billing.issue_bill"
VIEW_SETTINGS = "billing.view_billingsettings"
CHANGE_SETTINGS = "billing.change_billingsettings"
PAGE_SIZE = 50
LABOUR_BILLED = (Basis.UNCOVERED, Basis.CONTRACT_LABOUR, Basis.CONTRACT_NONE)


def _bill(request: StaffRequest, pk: int) -> Bill:
    try:
        return queries.get_bill_for(request.user, pk)
    except ObjectDoesNotExist:
        raise Http404 from None


# -- the list -------------------------------------------------------------------------------------


def _filtered(request: StaffRequest) -> tuple[BillFilterForm, QuerySet[Bill] | None, int]:
    """The filter form, the bills it selects (None when a date was refused) and the status."""
    form = BillFilterForm(request.GET or None)
    status = filter_status(form)
    if status != 200:
        return form, None, status
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    chosen = queries.BillFilter(
        state=data.get("state") or "",
        issued_from=data.get("issued_from"),
        issued_to=data.get("issued_to"),
        q=data.get("q") or "",
    )
    bills = queries.filtered(request.user, chosen, user_tz(request.user))
    if ticket := (data.get("ticket") or "").strip():
        bills = bills.filter(ticket__number__istartswith=ticket)
    return form, bills, status


def _totals_text(totals: queries.Totals) -> dict[str, str]:
    return {
        name: documents.money(getattr(totals, name))
        for name in ("parts", "labour", "total", "credited", "net")
    }


def _query_without_page(request: StaffRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def bill_list(request: StaffRequest) -> HttpResponse:
    form, bills, status = _filtered(request)
    page = None
    totals = None
    if bills is not None:
        totals = queries.totals(bills)
        page = Paginator(documents.with_credited(bills), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    rows = [
        (row, documents.money(row.total), documents.money(getattr(row, "credited", Decimal(0))))
        for row in (page or [])
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "totals": totals,
        "totals_text": _totals_text(totals) if totals is not None else None,
        "query": _query_without_page(request),
        "can_settings": request.user.has_perm(VIEW_SETTINGS),
    }
    return render(request, "billing/list.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def list_xlsx(request: StaffRequest) -> HttpResponse:
    """The filtered list as .xlsx, with the totals of the whole list."""
    form, bills, status = _filtered(request)
    if bills is None:
        return render(
            request,
            "billing/list.html",
            {"form": form, "page": None, "totals": None, "query": ""},
            status=status,
        )
    tz = user_tz(request.user)
    today = timezone.localdate(timezone.now(), tz)
    content = documents.list_xlsx(
        documents.with_credited(bills),
        queries.totals(bills),
        tz=tz,
        title=f"{_('Bills')} · {today:%Y-%m-%d}",
    )
    return download(content, f"{_('Bills')}-{today:%Y%m%d}.xlsx", XLSX_TYPE)


# -- one bill -------------------------------------------------------------------------------------


def _bill_page(
    request: StaffRequest,
    bill: Bill,
    *,
    review_form: ReviewForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    credit_form: CreditNoteForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    doc = documents.build(bill, at=timezone.now())
    is_draft = bill.state == BillState.DRAFT
    is_issued = bill.state == BillState.ISSUED
    can_review = is_draft and user.has_perm(CHANGE)
    can_issue = is_draft and user.has_perm(ISSUE)
    can_credit = is_issued and user.has_perm(ISSUE)
    context: dict[str, Any] = {
        "bill": bill,
        "doc": doc,
        "is_draft": is_draft,
        "is_issued": is_issued,
        "can_review": can_review,
        "can_issue": can_issue,
        "can_credit": can_credit,
        "labour_billed": bill.basis in LABOUR_BILLED,
        "net": documents.money(bill.total - doc.credited),
        "credited": documents.money(doc.credited),
        "error": error,
    }
    if can_review:
        context["review_form"] = review_form or ReviewForm(
            initial={"note": bill.note, "labour_minutes": bill.labour_minutes}
        )
    if can_issue:
        context["withdraw_form"] = withdraw_form or WithdrawForm()
    if can_credit:
        lines = bill.lines.order_by("position")
        context["credit_form"] = credit_form or CreditNoteForm(lines=lines)
    return render(request, "billing/bill.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def bill(request: StaffRequest, pk: int) -> HttpResponse:
    return _bill_page(request, _bill(request, pk))


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def review(request: StaffRequest, pk: int) -> HttpResponse:
    """Save the review of a draft: the note, the labour time (the fee is computed again)."""
    bill = _bill(request, pk)
    form = ReviewForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        minutes = data["labour_minutes"]
        try:
            actions.update_draft(
                bill,
                by=request.user,
                note=data["note"],
                # Labour that is not billed is not asked for; an empty field changes nothing.
                labour_minutes=minutes if bill.basis in LABOUR_BILLED else None,
            )
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("billing:bill", pk=bill.pk)
    return _bill_page(request, _bill(request, pk), review_form=form, status=status)


@login_required
@permission_required(ISSUE, raise_exception=True)
@require_POST
def issue(request: StaffRequest, pk: int) -> HttpResponse:
    bill = _bill(request, pk)
    try:
        bill = actions.issue(bill, by=request.user)
    except NotAllowed:
        raise
    except DomainError as error:
        return _bill_page(
            request, _bill(request, pk), error=str(error.message), status=error.status
        )
    messages.success(request, _("Bill %(number)s issued.") % {"number": bill.number})
    return redirect("billing:bill", pk=bill.pk)


@login_required
@permission_required(ISSUE, raise_exception=True)
@require_POST
def withdraw(request: StaffRequest, pk: int) -> HttpResponse:
    bill = _bill(request, pk)
    form = WithdrawForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.withdraw(bill, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            messages.success(request, _("The draft is withdrawn."))
            return redirect("billing:bill", pk=bill.pk)
    return _bill_page(request, _bill(request, pk), withdraw_form=form, status=status)


_LINE_FIELD = re.compile(r"^lines\[(\d+)\]\.(quantity|amount)$")


@login_required
@permission_required(ISSUE, raise_exception=True)
@require_POST
def credit(request: StaffRequest, pk: int) -> HttpResponse:
    """A credit note against the issued bill; the bill stays as issued."""
    bill = _bill(request, pk)
    form = CreditNoteForm(request.POST, lines=bill.lines.order_by("position"))
    status = 422
    if form.is_valid():
        lines = form.credit_lines()
        try:
            note = actions.credit(
                bill, by=request.user, reason=form.cleaned_data["reason"], lines=lines
            )
        except NotAllowed:
            raise
        except DomainError as error:
            status = error.status
            form.add_error(None, str(error.message))
            for key, texts in error.fields.items():
                # lines[2].amount → the amount field of the third line given.
                match = _LINE_FIELD.match(key)
                target: str | None = key if key in form.fields else None
                if match and int(match[1]) < len(lines):
                    target = f"{match[2]}_{lines[int(match[1])]['bill_line_id']}"
                for text in texts:
                    form.add_error(target, text)
        else:
            messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
            return redirect("billing:bill", pk=bill.pk)
    return _bill_page(request, _bill(request, pk), credit_form=form, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def bill_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    doc = documents.build(_bill(request, pk), at=timezone.now())
    return download(documents.pdf(doc, request=request), f"{doc.filename}.pdf", PDF_TYPE)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def bill_xlsx(request: StaffRequest, pk: int) -> HttpResponse:
    doc = documents.build(_bill(request, pk), at=timezone.now())
    return download(documents.bill_xlsx(doc), f"{doc.filename}.xlsx", XLSX_TYPE)


# -- settings -------------------------------------------------------------------------------------


def _settings_page(
    request: StaffRequest, form: SettingsForm | None = None, status: int = 200
) -> HttpResponse:
    organisation = request.user.organisation
    if organisation is None:
        raise Http404
    if form is None:
        current = actions.billing_settings(organisation)
        form = SettingsForm(
            initial={
                name: getattr(current, name) for name in SettingsForm.base_fields
            }  # money shows as it is stored: two decimals
        )
    context = {"form": form, "can_change": request.user.has_perm(CHANGE_SETTINGS)}
    return render(request, "billing/settings.html", context, status=status)


@login_required
@permission_required(VIEW_SETTINGS, raise_exception=True)
@require_GET
def billing_settings(request: StaffRequest) -> HttpResponse:
    """The labour fee (per hour or flat, minimum, rounding), the currency and the letterhead."""
    return _settings_page(request)


@login_required
@permission_required(CHANGE_SETTINGS, raise_exception=True)
@require_POST
def save_settings(request: StaffRequest) -> HttpResponse:
    organisation = request.user.organisation
    if organisation is None:
        raise Http404
    form = SettingsForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.save_settings(organisation, by=request.user, **form.cleaned_data)
        except DomainError as error:
            status = refused_on_form(form, error)
        else:
            messages.success(request, _("Billing settings saved."))
            return redirect("billing:settings")
    return _settings_page(request, form, status)
