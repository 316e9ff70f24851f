"""What a user may print: the same scope as the pages the forms come from.

A customer or call of another branch answers 404 (like its page); a register is printed for
one branch, the user's own — administrators choose any branch of their organisation.
"""

from datetime import date, datetime

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from aftercare.cases.models import RaisedItem
from aftercare.customers.models import Customer
from aftercare.customers.queries import get_customer_for
from aftercare.followups import queries as followups
from aftercare.org.access import is_signed_in, scoped, works_in
from aftercare.org.models import Branch
from aftercare.paperwork import documents
from aftercare.paperwork.choices import ExportForm
from aftercare.paperwork.models import ExportJob
from aftercare.standard.calendar import days_span
from aftercare.workshop.models import Consultation, RepairOrder

# Who may print a register: the desk the call register, whoever sees letters the letter one
# (as the pages these forms come from).
# A supervisor may fetch the register files anyone of their branch asked for.
BRANCH_EXPORTS = "paperwork.view_branch_exports"
FORM_PERMISSIONS = {
    ExportForm.CALL_REGISTER: "customers.view_customer",
    ExportForm.LETTER_REGISTER: "outreach.view_letter",
}


def printable_branches(user):
    """Branches whose registers the user may print."""
    return scoped(Branch.objects.select_related("organisation"), user, branch_field="")


def get_branch_for(user, branch_id: int | None) -> Branch:
    """The branch asked for, or the user's own (an administrator's first) when none is."""
    branches = printable_branches(user)
    if branch_id is None:
        branch = branches.filter(pk=user.branch_id).first() if user.branch_id else None
        branch = branch or branches.order_by("organisation_id", "code").first()
        if branch is None:
            raise Http404
        return branch
    return get_object_or_404(branches, pk=branch_id)


def archive_customer(user, customer_id: int) -> Customer:
    customer = get_customer_for(user, customer_id)
    return (
        Customer.objects.select_related("branch__organisation", "followup_advisor")
        .prefetch_related("phones", "vehicles")
        .get(pk=customer.pk)
    )


def service_history(customer):
    """Repair orders and consultations of the customer, oldest first as an archive reads."""
    orders = (
        RepairOrder.objects.filter(customer=customer)
        .select_related("vehicle", "advisor")
        .prefetch_related("items")
        .order_by("checked_in_at", "id")
    )
    consultations = (
        Consultation.objects.filter(customer=customer)
        .select_related("advisor")
        .order_by("occurred_at", "id")
    )
    return orders, consultations


def call_for_record(user, call_id: int):
    # In the order they were raised, as the call went.
    items = RaisedItem.objects.select_related("owner").order_by("raised_at", "id")
    return get_object_or_404(
        followups.visible_calls(user)
        .select_related("branch__organisation")
        .prefetch_related(
            "customer__phones", "amendments__amended_by", Prefetch("raised_items", items)
        ),
        pk=call_id,
    )


def call_register(user, branch, start: date, end: date):
    """Form 3's lines: the call register of `branch` from `start` to `end` (local dates)."""
    tz = branch.organisation.tz
    return (
        followups.register(user, start, end, tz)
        .filter(branch=branch)
        .prefetch_related("customer__phones")
    )


def letter_register(branch, start: date, end: date):
    """Form 4's lines: the letter register of `branch` from `start` to `end` (local dates)."""
    from aftercare.outreach.queries import letter_register as letters

    since, until = days_span(start, end, branch.organisation.tz)
    return (
        letters(branch, since, until)
        .select_related("campaign", "raised_item")
        .prefetch_related("amendments")
    )


def register_lines(user, form: int, branch, start: date, end: date):
    """The lines of Form 3 or 4 (the caller checked the form's permission)."""
    if form == ExportForm.CALL_REGISTER:
        return call_register(user, branch, start, end)
    return letter_register(branch, start, end)


def register_document(user, form: int, branch, start: date, end: date, *, at: datetime):
    """Form 3 or 4 as a Document: the page, the PDF, the workbook and the export share it."""
    lines = register_lines(user, form, branch, start, end)
    build = (
        documents.call_register if form == ExportForm.CALL_REGISTER else (documents.letter_register)
    )
    return build(branch, lines, start=start, end=end, at=at)


def may_see_export(user, job: ExportJob) -> bool:
    """The file holds a register: only who asked for it and the branch's supervisors."""
    if not is_signed_in(user) or not user.has_perm(FORM_PERMISSIONS[job.form]):
        return False
    if user.is_superuser or job.created_by_id == user.pk:
        return True
    return user.has_perm(BRANCH_EXPORTS) and works_in(user, job.branch)


def get_export_for(user, job_id: int) -> ExportJob:
    """The export if the user may see it, else 404 (ids of other branches leak nothing)."""
    job = ExportJob.objects.select_related("branch", "created_by").filter(pk=job_id).first()
    if job is None or not may_see_export(user, job):
        raise Http404
    return job


def recent_exports(user, limit: int = 10):
    """The user's own latest exports, for the forms page."""
    return ExportJob.objects.filter(created_by=user).select_related("branch")[:limit]
