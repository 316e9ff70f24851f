"""Pages of reviews: the supervisor's dashboard, the reviews, their print, PDF and .xlsx."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftercare.errors import DomainError
from aftercare.formfields import filter_status
from aftercare.paperwork.rendering import PDF_TYPE, XLSX_TYPE, download, render_pdf
from aftercare.reviews import actions, exports, periods, queries
from aftercare.reviews.forms import DashboardForm, SummaryForm

VIEW = queries.VIEW


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def dashboard(request):
    branches = list(queries.visible_branches(request.user))
    form = DashboardForm(request.GET or None, branches=branches)
    chosen = form.cleaned_data.get("branch") if form.is_valid() else None
    branch = queries.get_branch_for(request.user, chosen)
    tz = branch.organisation.tz
    kind, period = form.chosen(queries.local_today(tz), tz)
    context = {
        "form": form,
        "branch": branch,
        "branches": branches if len(branches) > 1 else [],
        "period": period,
        "period_kind": kind,
        **queries.dashboard(branch, period),
    }
    context["trend_tables"] = [(context["weekly"], _("Week")), (context["monthly"], _("Month"))]
    return render(request, "reviews/dashboard.html", context, status=filter_status(form))


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def review_list(request):
    reviews = queries.visible_reviews(request.user).order_by("-period", "kind", "branch__code")
    return render(request, "reviews/list.html", {"reviews": reviews})


def _detail(request, review, *, form=None, error=None, status=200):
    can_write = queries.can_write(request.user, review.branch) and not review.is_finalised
    live = None
    if review.is_finalised:
        period = periods.review_period(review.kind, review.period, review.branch.organisation.tz)
        live = queries.snapshot(review.branch, period, kind=review.kind)
    context = {
        "review": review,
        "figures": review.figures,
        "form": form or SummaryForm(initial={"summary": review.summary}),
        "can_write": can_write,
        "error": error,
        "differences": queries.differences(review.figures, live) if live else [],
    }
    return render(request, "reviews/detail.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def review_detail(request, pk: int):
    return _detail(request, queries.get_review_for(request.user, pk))


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def review_save(request, pk: int):
    """Save the draft's summary, or (with `finalise`) save and freeze it."""
    review = queries.get_review_for(request.user, pk)
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return _detail(request, review, form=form, status=422)
    summary = form.cleaned_data["summary"]
    try:
        if "finalise" in request.POST:
            actions.finalise_review(review, by=request.user, summary=summary)
            messages.success(request, _("The review is finalised."))
        else:
            actions.update_review(review, by=request.user, summary=summary)
            messages.success(request, _("The draft is saved."))
    except DomainError as error:
        for field, errors in error.fields.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, str(message))
        review.refresh_from_db()
        return _detail(request, review, form=form, error=error.message, status=error.status)
    return redirect("reviews:detail", pk=review.pk)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def review_print(request, pk: int):
    review = queries.get_review_for(request.user, pk)
    return render(request, "reviews/print.html", exports.print_context(review))


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def review_pdf(request, pk: int):
    review = queries.get_review_for(request.user, pk)
    content = render_pdf("reviews/print.html", exports.print_context(review), request=request)
    return download(content, f"{exports.filename(review)}.pdf", PDF_TYPE)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def review_xlsx(request, pk: int):
    review = queries.get_review_for(request.user, pk)
    return download(exports.xlsx(review), f"{exports.filename(review)}.xlsx", XLSX_TYPE)
