"""Pages of campaigns (DS-7) and letters (DS-9): thin — parse, call an action or query, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from aftercare.cases.models import RaisedItem
from aftercare.customers.queries import get_customer_for
from aftercare.errors import DomainError
from aftercare.formfields import filter_status, local_now, show_domain_error, user_tz
from aftercare.outreach import actions, letters, queries
from aftercare.outreach.choices import LetterKind
from aftercare.outreach.forms import (
    AmendLetterForm,
    BatchForm,
    BatchSentForm,
    CampaignForm,
    FilterPreviewForm,
    LetterForm,
    RegisterFilterForm,
)
from aftercare.outreach.models import CampaignTarget, LetterBatch
from aftercare.outreach.targets import TargetFilters
from aftercare.paperwork.rendering import PDF_TYPE, download
from aftercare.standard.calendar import days_span

VIEW = "outreach.view_campaign"
PLAN = "outreach.add_campaign"
LETTERS = "outreach.view_letter"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FILE_TYPES = {".docx": DOCX_TYPE, ".pdf": PDF_TYPE}
BATCHES_SHOWN = 5


@login_required
@permission_required(VIEW, raise_exception=True)
def campaign_list(request):
    campaigns = queries.visible_campaigns(request.user)
    page = Paginator(campaigns, 50).get_page(request.GET.get("page"))
    return render(request, "outreach/list.html", {"page": page})


def _branch_of(request):
    return request.user.branch


@login_required
@permission_required(PLAN, raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    tz = user_tz(request.user)
    branch = _branch_of(request)
    if request.method == "POST":
        form = CampaignForm(request.POST, tz=tz)
        if form.is_valid() and branch is not None:
            try:
                campaign = actions.create_campaign(
                    by=request.user, branch=branch, filters=form.target_filters(),
                    **form.campaign_fields(),
                )  # fmt: skip
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, _("Campaign saved. Schedule it to open the notices."))
                return redirect("outreach:detail", campaign.pk)
        elif branch is None:
            form.add_error(None, _("Only staff of a branch can plan its campaigns."))
    else:
        form = CampaignForm(tz=tz)
    count, first = (0, []) if branch is None else queries.preview_targets(branch, TargetFilters())
    return render(request, "outreach/new.html", {"form": form, "count": count, "first": first})


@login_required
@permission_required(PLAN, raise_exception=True)
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk: int):
    """Correct a campaign until it is scheduled (the form of a new one, filled in)."""
    campaign = queries.get_campaign_for(request.user, pk)
    tz = user_tz(request.user)
    if campaign.scheduled_at is not None or campaign.schedule_requested_at is not None:
        messages.error(request, _("A scheduled campaign cannot be changed."))
        return redirect("outreach:detail", campaign.pk)
    if request.method == "POST":
        form = CampaignForm(request.POST, tz=tz)
        if form.is_valid():
            try:
                actions.update_campaign(
                    campaign, by=request.user, filters=form.target_filters(),
                    **form.campaign_fields(),
                )  # fmt: skip
            except DomainError as error:
                show_domain_error(form, error)
            else:
                messages.success(request, _("Campaign saved."))
                return redirect("outreach:detail", campaign.pk)
    else:
        filters = TargetFilters.from_json(campaign.filters)
        initial = {name: getattr(campaign, name) for name in
                   ("name", "kind", "content", "address", "starts_at", "ends_at")}  # fmt: skip
        initial.update({name: getattr(filters, name) for name in CampaignForm.FILTER_FIELDS})
        form = CampaignForm(initial=initial, tz=tz)
    count, first = queries.preview_targets(
        campaign.branch, TargetFilters.from_json(campaign.filters)
    )
    context = {"form": form, "count": count, "first": first, "campaign": campaign}
    return render(request, "outreach/new.html", context)


@login_required
@permission_required(PLAN, raise_exception=True)
@require_POST
def campaign_preview(request):
    """The live count and the first 20 targets as the filters change (HTMX)."""
    form = FilterPreviewForm(request.POST, tz=user_tz(request.user))
    form.is_valid()
    branch = _branch_of(request)
    filters = TargetFilters(**{
        name: form.cleaned_data.get(name) or ("" if name in ("vehicle_model", "vehicle_type",
                                                             "consent") else None)
        for name in CampaignForm.FILTER_FIELDS
    })  # fmt: skip
    count, first = (0, []) if branch is None else queries.preview_targets(branch, filters)
    return render(request, "outreach/_preview.html", {"count": count, "first": first})


@login_required
@permission_required(VIEW, raise_exception=True)
def campaign_detail(request, pk: int):
    campaign = queries.get_campaign_for(request.user, pk)
    context = {"campaign": campaign, "results": queries.results(campaign)}
    if request.htmx and request.GET.get("part") == "schedule":
        return render(request, "outreach/_schedule.html", context)
    targets = queries.targets_of(campaign).order_by("customer__name", "id")
    context.update(
        batches=_batches(campaign, request.user, user_tz(request.user)),
        page=Paginator(targets, 100).get_page(request.GET.get("page")),
        can_plan=request.user.has_perm(PLAN),
        letters_due=queries.letters_due(campaign).count(),
        filters=TargetFilters.from_json(campaign.filters),
    )
    if campaign.scheduled_at is None:  # nobody is a target yet: say whom it would reach now
        context["would_reach"] = queries.preview_targets(
            campaign.branch, TargetFilters.from_json(campaign.filters)
        )[0]
    return render(request, "outreach/detail.html", context)


@login_required
@permission_required(PLAN, raise_exception=True)
@require_POST
def campaign_schedule(request, pk: int):
    campaign = queries.get_campaign_for(request.user, pk)
    try:
        campaign = actions.request_schedule(campaign, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        if campaign.scheduled_at is None:
            messages.info(
                request, _("Scheduling runs in the background; this page shows when it is done.")
            )
        elif campaign.notices_late:
            messages.warning(request, _("Scheduled late: the notices are due today."))
        else:
            messages.success(
                request, _("Scheduled: the phone notices are on the advisors' worklists.")
            )
    return redirect("outreach:detail", campaign.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def target_attendance(request, pk: int, target_id: int):
    campaign = queries.get_campaign_for(request.user, pk)
    target = get_object_or_404(CampaignTarget, campaign=campaign, pk=target_id)
    flags = {}
    for name in ("attended", "replied"):
        if name in request.POST:
            flags[name] = {"yes": True, "no": False}.get(request.POST[name])
    try:
        target = actions.record_attendance(target, by=request.user, **flags)
    except DomainError as error:
        messages.error(request, str(error.message))
    if request.htmx:
        return render(request, "outreach/_target.html", {"target": target, "campaign": campaign})
    return redirect("outreach:detail", campaign.pk)


def _batches(campaign, user, tz):
    batches = list(campaign.batches.select_related("created_by", "recorded_by")[:BATCHES_SHOWN])
    for batch in batches:
        batch.sent_form = BatchSentForm(initial={"sent_at": local_now(tz)}, tz=tz,
                                        prefix=f"b{batch.pk}")  # fmt: skip
    return batches


@login_required
@permission_required("outreach.add_letter", raise_exception=True)
@require_POST
def batch_new(request, pk: int):
    """Prepare the campaign's letters (owed, or to every target) in the background."""
    campaign = queries.get_campaign_for(request.user, pk)
    form = BatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the letters owed or every target."))
        return redirect("outreach:detail", campaign.pk)
    try:
        actions.request_letter_batch(
            campaign, by=request.user, who=form.cleaned_data["who"],
            language=request.LANGUAGE_CODE,
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect(reverse("outreach:detail", args=[campaign.pk]) + "#letter-batches")


@login_required
@permission_required(VIEW, raise_exception=True)
def batch_detail(request, pk: int, batch_id: int):
    """The batch's progress, polled by HTMX while the worker draws the letters."""
    campaign = queries.get_campaign_for(request.user, pk)
    batch = get_object_or_404(campaign.batches.select_related("created_by"), pk=batch_id)
    if not request.htmx:
        return redirect(reverse("outreach:detail", args=[campaign.pk]) + "#letter-batches")
    tz = user_tz(request.user)
    batch.sent_form = BatchSentForm(initial={"sent_at": local_now(tz)}, tz=tz,
                                    prefix=f"b{batch.pk}")  # fmt: skip
    return render(request, "outreach/_batch.html", {"batch": batch, "campaign": campaign})


@login_required
@permission_required(VIEW, raise_exception=True)
def batch_file(request, pk: int, batch_id: int, name: str):
    """A ready file of the batch, streamed from disk (a 10 000-letter PDF never sits in
    memory); only for staff who may see the campaign."""
    campaign = queries.get_campaign_for(request.user, pk)
    batch = get_object_or_404(campaign.batches, pk=batch_id, status=LetterBatch.Status.DONE)
    stored = batch.files.get(name)
    path = actions.batch_folder(batch) / stored if stored else None
    if path is None or not path.is_file():
        raise Http404
    suffix = path.suffix
    label = {"docx": "", "pdf": "", "labels": "-labels"}[name]
    filename = f"{campaign.name}-{batch.get_who_display()}{label}{suffix}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename,
                        content_type=FILE_TYPES.get(suffix))  # fmt: skip


@login_required
@permission_required("outreach.add_letter", raise_exception=True)
@require_POST
def batch_sent(request, pk: int, batch_id: int):
    """Record every letter of the batch as posted: one register line each, or none."""
    campaign = queries.get_campaign_for(request.user, pk)
    batch = get_object_or_404(campaign.batches, pk=batch_id)
    form = BatchSentForm(request.POST, tz=user_tz(request.user), prefix=f"b{batch.pk}")
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(reverse("outreach:detail", args=[campaign.pk]) + "#letter-batches")
    try:
        batch = actions.request_record_batch(
            batch, by=request.user, at=form.cleaned_data["sent_at"]
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        if batch.recorded_at is None:
            messages.info(request, _("The letters are being recorded in the background."))
            return redirect(reverse("outreach:detail", args=[campaign.pk]) + "#letter-batches")
        messages.success(request, ngettext(
            "One letter is on the register.", "%(count)d letters are on the register.",
            batch.recorded_count) % {"count": batch.recorded_count})  # fmt: skip
    return redirect(reverse("outreach:detail", args=[campaign.pk]) + "#letter-batches")


# --- letters ------------------------------------------------------------------------------


def _period(form, tz):
    today = timezone.localtime(timezone.now(), tz).date()
    data = form.cleaned_data if form.is_valid() else {}
    start = data.get("start") or today.replace(day=1)
    end = data.get("end") or today
    since, until = days_span(start, end, tz)
    return start, end, since, until, data


@login_required
@permission_required(LETTERS, raise_exception=True)
def letter_register(request):
    tz = user_tz(request.user)
    form = RegisterFilterForm(request.GET or None)
    start, end, since, until, data = _period(form, tz)
    lines = queries.visible_letters(request.user).filter(sent_at__gte=since, sent_at__lt=until)
    if data.get("kind"):
        lines = lines.filter(kind=data["kind"])
    campaign = None
    if data.get("campaign"):
        campaign = queries.get_campaign_for(request.user, data["campaign"])
        lines = lines.filter(campaign=campaign)
    lines = lines.prefetch_related("amendments").order_by("sent_at", "id")
    page = Paginator(lines, 100).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "start": start, "end": end, "campaign": campaign}
    return render(request, "outreach/register.html", context, status=filter_status(form))


@login_required
@permission_required("outreach.add_letter", raise_exception=True)
@require_http_methods(["GET", "POST"])
def letter_new(request):
    """Write one letter: for a campaign's target (?customer=&campaign=) or a raised item."""
    tz = user_tz(request.user)
    source = request.POST if request.method == "POST" else request.GET
    customer, campaign, raised_item = _letter_sources(request.user, source)
    kind = "reply" if raised_item else "notice"
    draft = letters.compose(kind, customer, campaign=campaign, raised_item=raised_item) if (
        raised_item or campaign) else None  # fmt: skip
    if request.method == "POST":
        form = LetterForm(request.POST, tz=tz)
        if form.is_valid():
            try:
                letter = actions.record_letter(
                    customer, by=request.user, kind=form.cleaned_data["kind"],
                    at=form.cleaned_data["sent_at"], campaign=campaign, raised_item=raised_item,
                    subject=form.cleaned_data["subject"], body=form.cleaned_data["body"],
                )  # fmt: skip
            except DomainError as error:
                show_domain_error(form, error, aliases={"sent_at": "sent_at"})
            else:
                messages.success(request, _("Letter %(number)s is on the register.")
                                 % {"number": letter.register_number})  # fmt: skip
                return redirect("outreach:letter", letter.pk)
    else:
        initial = {"kind": kind, "sent_at": local_now(tz)}
        if draft is not None:
            initial.update(subject=draft.subject, body=draft.body)
        form = LetterForm(initial=initial, tz=tz)
    context = {"form": form, "customer": customer, "campaign": campaign, "item": raised_item}
    return render(request, "outreach/letter_new.html", context)


def _letter_sources(user, source):
    """The customer, campaign and raised item a letter is for, each scoped to the user."""
    raised_item = campaign = None
    if source.get("raised_item"):
        raised_item = get_object_or_404(
            RaisedItem.objects.select_related("customer"), pk=_int(source["raised_item"]),
            customer__branch__in=_visible_branches(user),
        )  # fmt: skip
        customer = raised_item.customer
    else:
        customer = get_customer_for(user, _int(source.get("customer")))
    if source.get("campaign"):
        campaign = queries.get_campaign_for(user, _int(source.get("campaign")))
    return customer, campaign, raised_item


@login_required
@permission_required("outreach.add_letter", raise_exception=True)
@require_POST
def letter_preview(request, fmt: str):
    """Print a letter before it is registered: the letter-new form's text drawn as .docx or
    PDF, with no register number. It writes nothing — recording it as sent (DS-9) stays the
    separate step of the letter-new page, once the letter has really gone out."""
    if fmt not in ("pdf", "docx"):
        raise Http404
    customer, campaign, raised_item = _letter_sources(request.user, request.POST)
    kind = request.POST.get("kind", "")
    if kind not in LetterKind.values:
        form = LetterForm(request.POST, tz=user_tz(request.user))
        form.is_valid()
        context = {"form": form, "customer": customer, "campaign": campaign, "item": raised_item}
        return render(request, "outreach/letter_new.html", context, status=422)
    text = letters.compose(kind, customer, campaign=campaign, raised_item=raised_item)
    text.subject = request.POST.get("subject", "").strip()[:200] or text.subject
    text.body = request.POST.get("body", "").strip()[:20000] or text.body
    name = f"letter-draft-{customer.pk}"
    if fmt == "docx":
        return download(letters.docx([text]), f"{name}.docx", DOCX_TYPE)
    return download(letters.pdf([text]), f"{name}.pdf", PDF_TYPE)


def _int(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 0  # matches nothing: a 404


def _visible_branches(user):
    from aftercare.org.queries import branches_for

    return branches_for(user)


@login_required
@permission_required(LETTERS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def letter_detail(request, pk: int):
    letter = queries.get_letter_for(request.user, pk)
    form = AmendLetterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.amend_letter(letter, by=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            messages.success(request, _("Correction recorded; the original is kept."))
            return redirect("outreach:letter", letter.pk)
    text = letters.from_letter(letter)
    return render(request, "outreach/letter.html", {"letter": letter, "text": text, "form": form})


@login_required
@permission_required(LETTERS, raise_exception=True)
def letter_document(request, pk: int, fmt: str):
    letter = queries.get_letter_for(request.user, pk)
    text = letters.from_letter(letter)
    if fmt == "docx":
        return download(letters.docx([text]), f"{letter.register_number}.docx", DOCX_TYPE)
    if fmt == "labels":
        return download(letters.labels_pdf([text]), f"{letter.register_number}-label.pdf",
                        PDF_TYPE)  # fmt: skip
    return download(letters.pdf([text]), f"{letter.register_number}.pdf", PDF_TYPE)
