"""Pages of the agreement workflow, shared by every kind of plan: submit, the owner's
confirmation at the screen (a drawn signature or a scanned page), the owner's return, a draft's
terms, a revision with its reason, versions side by side, and the signature files.

The kind's own page shows the panel (`sections.plan_panel`) and is where every move returns to.
A refusal shows the form again with the action's message, answering 422 or 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftercare.agreements import actions, queries
from aftercare.agreements.choices import VersionState
from aftercare.agreements.forms import ConfirmForm, ReasonForm, RejectForm
from aftercare.agreements.kinds import PlanKind, kind_of
from aftercare.agreements.models import Agreement, AgreementVersion
from aftercare.agreements.sections import may_change
from aftercare.errors import DomainError
from aftercare.formfields import local_now, refused_on_form, user_tz
from aftercare.org.http import StaffRequest


def _plan(request: StaffRequest, pk: int) -> tuple[Agreement, PlanKind]:
    """The plan if the reader may see it under its kind's permission; 404 otherwise."""
    code = Agreement.objects.filter(pk=pk).values_list("kind", flat=True).first()
    if code is None:
        raise Http404
    try:
        agreement = queries.visible_agreements(request.user, code).get(pk=pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing
    return agreement, kind_of(code)


def _back(kind: PlanKind, agreement: Agreement) -> HttpResponse:
    return redirect(kind.url(agreement))


def _context(agreement: Agreement, kind: PlanKind, **extra: Any) -> dict[str, Any]:
    latest = queries.latest_version(agreement)
    return {
        "agreement": agreement,
        "kind": kind,
        "plan_url": kind.url(agreement),
        "latest": latest,
        "rows": kind.describe(latest.terms),
        **extra,
    }


@login_required
def plan(request: StaffRequest, pk: int) -> HttpResponse:
    """A plan by its id, whatever its kind: the kind's own page."""
    agreement, kind = _plan(request, pk)
    return _back(kind, agreement)


@login_required
@require_POST
def submit(request: StaffRequest, pk: int) -> HttpResponse:
    agreement, kind = _plan(request, pk)
    try:
        version = actions.submit(agreement, by=request.user)
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Version %(n)s was submitted to the owner for confirmation.") % {"n": version.number},
        )
    return _back(kind, agreement)


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: StaffRequest, pk: int) -> HttpResponse:
    """The confirmation screen handed to the owner's representative: the terms they confirm,
    their name, and their signature drawn with a finger (or a scanned confirmation)."""
    agreement, kind = _plan(request, pk)
    if not may_change(request.user, agreement):
        raise Http404
    tz = user_tz(request.user)
    status = 200
    if request.method == "POST":
        form = ConfirmForm(request.POST, request.FILES, tz=tz)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            upload = data.get("scan")
            # The form offers "now" to the minute; left as offered it means now, so a plan
            # submitted a few seconds ago can be confirmed in the same minute.
            at = None if data["at"] == local_now(tz) else data["at"]
            try:
                version = actions.confirm(
                    agreement, by=request.user, confirmed_by=data["confirmed_by"],
                    at=at, signature_png=data["signature_png"] or None,
                    scan=upload.read() if upload else None,
                    scan_name=upload.name if upload else "",
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error, scan_base64="scan")
            else:
                messages.success(
                    request,
                    _("Version %(n)s is confirmed by %(person)s.")
                    % {"n": version.number, "person": version.confirmed_by},
                )
                return _back(kind, agreement)
    else:
        form = ConfirmForm(tz=tz, initial={"at": local_now(tz)})
    latest = queries.latest_version(agreement)
    context = _context(agreement, kind, form=form, awaiting=latest.state == VersionState.SUBMITTED)
    return render(request, "agreements/confirm.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reject(request: StaffRequest, pk: int) -> HttpResponse:
    """The owner's representative returned the submitted version, saying why."""
    agreement, kind = _plan(request, pk)
    if not may_change(request.user, agreement):
        raise Http404
    status = 200
    form = RejectForm(request.POST or None)
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                actions.reject(
                    agreement, by=request.user, person=form.cleaned_data["person"],
                    reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error)
            else:
                messages.success(request, _("The plan is a draft again, with the owner's reason."))
                return _back(kind, agreement)
    context = _context(agreement, kind, form=form)
    return render(request, "agreements/reject.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: StaffRequest, pk: int) -> HttpResponse:
    """Change the draft's terms (the kind's form)."""
    agreement, kind = _plan(request, pk)
    if not may_change(request.user, agreement):
        raise Http404
    latest = queries.latest_version(agreement)
    status = 200
    if request.method == "POST":
        form = kind.terms_form(request.POST, agreement=agreement)
        status = 422
        if form.is_valid():
            try:
                actions.edit(agreement, by=request.user, changes=form.terms())
            except DomainError as error:
                status = refused_on_form(form, error)
            else:
                messages.success(request, _("The draft is saved."))
                return _back(kind, agreement)
    else:
        form = kind.terms_form(
            initial=kind.terms_form.initial_from(latest.terms), agreement=agreement
        )
    context = _context(agreement, kind, form=form, reason_form=None, revising=False)
    return render(request, "agreements/terms.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def revise(request: StaffRequest, pk: int) -> HttpResponse:
    """A change after confirmation: the new terms and the reason; a new version to confirm."""
    agreement, kind = _plan(request, pk)
    if not may_change(request.user, agreement):
        raise Http404
    latest = queries.latest_version(agreement)
    status = 200
    if request.method == "POST":
        form = kind.terms_form(request.POST, agreement=agreement)
        reason_form = ReasonForm(request.POST)
        status = 422
        if form.is_valid() and reason_form.is_valid():
            try:
                version = actions.revise(
                    agreement, by=request.user, reason=reason_form.cleaned_data["reason"],
                    changes=form.terms(),
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(reason_form, error)
                if error.status != 403:
                    for key, texts in error.fields.items():
                        name = key.split(".")[-1]
                        if name in form.fields:
                            for text in texts:
                                form.add_error(name, text)
            else:
                messages.success(
                    request,
                    _("Version %(n)s is drafted; submit it for the owner's confirmation.")
                    % {"n": version.number},
                )
                return _back(kind, agreement)
    else:
        form = kind.terms_form(
            initial=kind.terms_form.initial_from(latest.terms), agreement=agreement
        )
        reason_form = ReasonForm()
    context = _context(agreement, kind, form=form, reason_form=reason_form, revising=True)
    return render(request, "agreements/terms.html", context, status=status)


def _number(text: str | None, default: int, last: int) -> int:
    if text and text.isdigit() and 1 <= int(text) <= last:
        return int(text)
    return default


@login_required
def compare(request: StaffRequest, pk: int) -> HttpResponse:
    """Two versions side by side (by default the one in force and the latest), the terms that
    differ marked, with each version's reason and confirmation."""
    agreement, kind = _plan(request, pk)
    versions = list(agreement.versions.order_by("number"))
    last = versions[-1].number
    in_force = queries.version_in_force(agreement)
    default_left = in_force.number if in_force and in_force.number != last else max(1, last - 1)
    left_n = _number(request.GET.get("a"), default_left, last)
    right_n = _number(request.GET.get("b"), last, last)
    left, right = versions[left_n - 1], versions[right_n - 1]
    left_rows, right_rows = kind.describe(left.terms), kind.describe(right.terms)
    labels: list[str] = []
    for label, _value in [*left_rows, *right_rows]:
        if str(label) not in labels:
            labels.append(str(label))
    left_map = {str(label): value for label, value in left_rows}
    right_map = {str(label): value for label, value in right_rows}
    rows = [
        (label, left_map.get(label, "—"), right_map.get(label, "—"),
         left_map.get(label) != right_map.get(label))
        for label in labels
    ]  # fmt: skip
    context = _context(agreement, kind, versions=versions, left=left, right=right, compared=rows)
    return render(request, "agreements/compare.html", context)


def _version(agreement: Agreement, number: int) -> AgreementVersion:
    version = agreement.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def _file(stored: FieldFile, name: str) -> FileResponse:
    if not stored:
        raise Http404
    return FileResponse(stored.open("rb"), as_attachment=False, filename=name)


@login_required
def signature(request: StaffRequest, pk: int, number: int) -> FileResponse:
    """The signature drawn by the owner's representative, as they drew it."""
    agreement, _kind = _plan(request, pk)
    version = _version(agreement, number)
    return _file(version.signature, f"plan-{agreement.pk}-v{number}-signature.png")


@login_required
def scan(request: StaffRequest, pk: int, number: int) -> FileResponse:
    """The scanned confirmation, under the name it was sent with."""
    agreement, _kind = _plan(request, pk)
    version = _version(agreement, number)
    return _file(version.scan, version.scan_name or f"plan-{agreement.pk}-v{number}")
