"""Pages of owner training (thin: reads from ``queries``, writes through ``actions``): the
training home (plans, sites and their coverage), trainees (list, new, page with BS-1 flags,
assessment, departure), plans (new, page with the shared agreement panel, a session), the
coverage matrix of a site (BS-2) and the printed forms: 培訓簽到表 and the training record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aftercare.agreements.queries import deliverable_version, latest_version
from aftercare.agreements.sections import plan_panel
from aftercare.customers.models import Customer
from aftercare.errors import DomainError
from aftercare.formfields import local_now, refused_on_form, user_tz
from aftercare.org.http import StaffRequest
from aftercare.paperwork.rendering import PDF_TYPE, download, render_pdf
from aftercare.sites.models import Site
from aftercare.training import actions, queries
from aftercare.training.choices import STANDARD_TOPICS, Education, EnglishLevel, Track, topic_label
from aftercare.training.forms import (
    AssessmentForm,
    DepartureForm,
    PlanForm,
    SessionForm,
    TraineeForm,
)
from aftercare.training.models import Trainee, TrainingPlan, TrainingSession

VIEW_PLAN = "training.view_trainingplan"
VIEW_TRAINEE = "training.view_trainee"
ATTENDANCE_TITLE = "培訓簽到表"
RECORD_TITLE = "培訓記錄表"


def _trainee(request: StaffRequest, pk: int) -> Trainee:
    try:
        return queries.get_trainee_for(request.user, pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def _plan(request: StaffRequest, pk: int) -> TrainingPlan:
    try:
        return queries.get_plan_for(request.user, pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def _site(request: StaffRequest, pk: int) -> Site:
    try:
        return queries.visible_sites(request.user).get(pk=pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


# -- home ---------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def home(request: StaffRequest) -> HttpResponse:
    """Plans by site, and the sites with key systems and how many of their cells are short."""
    plans = list(queries.visible_plans(request.user).order_by("system__site__name", "system_id"))
    versions = {plan.pk: latest_version(plan.agreement) for plan in plans}
    sites = list(
        queries.visible_sites(request.user).filter(systems__key=True).distinct().order_by("name")
    )
    short = queries.short_counts(sites)
    context = {
        "plans": [(plan, versions[plan.pk]) for plan in plans],
        "sites": [(site, short.get(site.pk, 0)) for site in sites],
    }
    return render(request, "training/home.html", context)


# -- trainees -----------------------------------------------------------------------------------


@login_required
@permission_required(VIEW_TRAINEE, raise_exception=True)
def trainee_list(request: StaffRequest) -> HttpResponse:
    trainees = list(queries.visible_trainees(request.user).order_by("customer__name", "name"))
    return render(request, "training/trainees.html", {"trainees": trainees})


def _owners(request: StaffRequest) -> Any:
    site_owners = queries.visible_sites(request.user).values("customer_id")
    return Customer.objects.filter(pk__in=site_owners).order_by("name")


@login_required
@permission_required("training.add_trainee", raise_exception=True)
@require_http_methods(["GET", "POST"])
def trainee_new(request: StaffRequest) -> HttpResponse:
    owners = _owners(request)
    status = 200
    if request.method == "POST":
        form = TraineeForm(request.POST, owners=owners)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                trainee = actions.enrol(
                    by=request.user, customer=data["customer"], name=data["name"],
                    role=data["role"], phones=data["phones"].splitlines(),
                    education=data["education"],
                    technical_background=data["technical_background"],
                    english_level=data["english_level"],
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error)
            else:
                messages.success(request, _("%(name)s enrolled.") % {"name": trainee.name})
                return redirect("training:trainee", pk=trainee.pk)
    else:
        form = TraineeForm(owners=owners, initial={"customer": request.GET.get("owner")})
    return render(request, "training/trainee_new.html", {"form": form}, status=status)


@login_required
@permission_required(VIEW_TRAINEE, raise_exception=True)
def trainee(request: StaffRequest, pk: int) -> HttpResponse:
    person = _trainee(request, pk)
    return render(request, "training/trainee.html", _trainee_context(request, person))


def _trainee_context(request: StaffRequest, person: Trainee) -> dict[str, Any]:
    sessions = [
        (session, queries.topic_labels(session.topics)) for session in queries.sessions_of(person)
    ]
    return {
        "trainee": person,
        "flags": queries.trainee_flags(request.user, person)
        if request.user.has_perm(VIEW_PLAN)
        else [],
        "sessions": sessions,
        "assessments": list(queries.assessments_of(person)),
        "qualifications": list(queries.qualifications_of(person)),
        "retrainings": list(queries.retrainings_of(person)),
    }


@login_required
@permission_required("training.add_assessment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def assessment(request: StaffRequest, pk: int) -> HttpResponse:
    person = _trainee(request, pk)
    tz = user_tz(request.user)
    systems = queries.systems_of_owner(person)
    status = 200
    if request.method == "POST":
        form = AssessmentForm(request.POST, tz=tz, systems=systems)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.assess(
                    person, by=request.user, system=data["system"], track=data["track"],
                    passed=data["passed"], at=data["at"], note=data["note"],
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error, system_id="system")
            else:
                messages.success(request, _("Assessment recorded."))
                return redirect("training:trainee", pk=person.pk)
    else:
        form = AssessmentForm(tz=tz, systems=systems, initial={"at": local_now(tz)})
    context = {"trainee": person, "form": form}
    return render(request, "training/assessment.html", context, status=status)


@login_required
@permission_required("training.change_trainee", raise_exception=True)
@require_http_methods(["GET", "POST"])
def departure(request: StaffRequest, pk: int) -> HttpResponse:
    person = _trainee(request, pk)
    colleagues = (
        queries.visible_trainees(request.user)
        .filter(customer_id=person.customer_id, left_on__isnull=True)
        .exclude(pk=person.pk)
    )
    status = 200
    if request.method == "POST":
        form = DepartureForm(request.POST, colleagues=colleagues)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                opened = actions.depart(
                    person, by=request.user, left_on=data["left_on"],
                    replaced_by=data["replaced_by"],
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error, replaced_by_id="replaced_by")
            else:
                messages.success(
                    request,
                    _("Departure recorded; %(n)s retraining(s) opened.") % {"n": len(opened)},
                )
                return redirect("training:trainee", pk=person.pk)
    else:
        form = DepartureForm(
            colleagues=colleagues,
            initial={"left_on": timezone.localdate(timezone.now(), user_tz(request.user))},
        )
    context = {"trainee": person, "form": form}
    return render(request, "training/departure.html", context, status=status)


# -- plans --------------------------------------------------------------------------------------


@login_required
@permission_required("training.add_trainingplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def plan_new(request: StaffRequest) -> HttpResponse:
    systems = (
        queries.visible_systems(request.user)
        .select_related("site")
        .order_by("site__name", "kind", "name")
    )
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST, systems=systems)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            extras = [line.strip() for line in data["extra_topics"].splitlines() if line.strip()]
            try:
                plan = actions.draft_plan(
                    by=request.user, system=data["system"], track=data["track"],
                    topics=[*STANDARD_TOPICS[data["track"]], *extras],
                    min_education=data["min_education"],
                    min_english_level=data["min_english_level"], hours=data["hours"],
                    place=data["place"],
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error, extra_topics="topics")
            else:
                messages.success(request, _("Plan drafted: submit it to the owner to confirm."))
                return redirect("training:plan", pk=plan.pk)
    else:
        form = PlanForm(systems=systems, initial={"system": request.GET.get("system")})
    templates = [
        (track, [str(topic_label(code)) for code in codes])
        for track, codes in STANDARD_TOPICS.items()
    ]
    context = {"form": form, "templates": templates}
    return render(request, "training/plan_new.html", context, status=status)


@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def plan(request: StaffRequest, pk: int) -> HttpResponse:
    found = _plan(request, pk)
    version, terms = queries.plan_terms(found)
    latest = latest_version(found.agreement)
    sessions = [
        (session, queries.topic_labels(session.topics), list(session.trainees.all()))
        for session in found.sessions.select_related("version").prefetch_related("trainees")
    ]
    context = {
        "plan": found,
        "version": version,
        "latest": latest,
        "deliverable": deliverable_version(found.agreement) is not None,
        "terms": terms,
        "min_education_label": Education(terms.get("min_education", "none")).label,
        "min_english_label": EnglishLevel(terms.get("min_english_level", "none")).label,
        "topics": [
            (code, topic_label(code), code in STANDARD_TOPICS[found.track])
            for code in terms.get("topics", [])
        ],
        "flagged": queries.plan_flags(found),
        "sessions": sessions,
        "panel": plan_panel(request, found.agreement),
    }
    return render(request, "training/plan.html", context)


@login_required
@permission_required("training.add_trainingsession", raise_exception=True)
@require_http_methods(["GET", "POST"])
def session_new(request: StaffRequest, pk: int) -> HttpResponse:
    found = _plan(request, pk)
    tz = user_tz(request.user)
    version = deliverable_version(found.agreement)
    latest = latest_version(found.agreement)
    topics = [
        (code, str(topic_label(code))) for code in (version or latest).terms.get("topics", [])
    ]
    trainees = Trainee.objects.filter(
        customer_id=found.agreement.customer_id, left_on__isnull=True
    ).order_by("name")
    kwargs = {"tz": tz, "topics": topics, "trainees": trainees}
    status = 200
    if request.method == "POST":
        form = SessionForm(request.POST, **kwargs)  # type: ignore[arg-type]
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.hold_session(
                    found, by=request.user, held_at=data["held_at"], topics=data["topics"],
                    trainees=list(data["trainees"]), place=data["place"],
                    trainer=data["trainer"], trainer_user=None if data["trainer"] else request.user,
                )  # fmt: skip
            except DomainError as error:
                status = refused_on_form(form, error, trainee_ids="trainees")
            else:
                messages.success(request, _("Session recorded."))
                return redirect("training:plan", pk=found.pk)
    else:
        form = SessionForm(
            initial={"held_at": local_now(tz), "topics": [code for code, _label in topics]},
            **kwargs,  # type: ignore[arg-type]
        )
    context = {"plan": found, "form": form, "deliverable": version is not None, "latest": latest}
    return render(request, "training/session_new.html", context, status=status)


# -- coverage (BS-2) ----------------------------------------------------------------------------


@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def coverage(request: StaffRequest, pk: int) -> HttpResponse:
    site = _site(request, pk)
    context = {"site": site, "rows": queries.coverage(site), "tracks": Track.choices}
    return render(request, "training/coverage.html", context)


# -- printed forms ------------------------------------------------------------------------------


def _local(moment: Any, tz: Any) -> str:
    return timezone.localtime(moment, tz).strftime("%Y-%m-%d %H:%M") if moment else "—"


@login_required
@permission_required(VIEW_PLAN, raise_exception=True)
def attendance_sheet_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    """培訓簽到表: one session's facts and a line per trainee with room to sign."""
    try:
        session = (
            TrainingSession.objects.filter(plan__in=queries.visible_plans(request.user))
            .select_related(
                "plan__system__site__customer", "plan__agreement__branch__organisation", "version"
            )
            .get(pk=pk)
        )
    except ObjectDoesNotExist as missing:
        raise Http404 from missing
    tz = user_tz(request.user)
    doc = {
        "title_zh": ATTENDANCE_TITLE,
        "subtitle": _("Training attendance sheet"),
        "session": session,
        "plan": session.plan,
        "organisation": session.plan.agreement.organisation.name,
        "held_at": _local(session.held_at, tz),
        "printed": _local(timezone.now(), tz),
        "topics": queries.topic_labels(session.topics),
        "trainees": list(session.trainees.order_by("name")),
    }
    content = render_pdf("training/attendance_sheet.html", {"doc": doc}, request=request)
    return download(content, f"{ATTENDANCE_TITLE}-{session.pk}.pdf", PDF_TYPE)


def _record_rows(trainee: Trainee, tz: Any) -> dict[str, Any]:
    return {
        "trainee": trainee,
        "sessions": [
            (s, _local(s.held_at, tz), queries.topic_labels(s.topics))
            for s in queries.sessions_of(trainee)
        ],
        "assessments": [(a, _local(a.at, tz)) for a in queries.assessments_of(trainee)],
        "qualifications": [
            (q, _local(q.qualified_at, tz), _local(q.lost_at, tz) if q.lost_at else "")
            for q in queries.qualifications_of(trainee)
        ],
    }


def _record(
    request: StaffRequest, trainees: list[Trainee], heading: str, filename: str
) -> HttpResponse:
    tz = user_tz(request.user)
    organisation = request.user.organisation
    doc = {
        "title_zh": RECORD_TITLE,
        "subtitle": _("Training record"),
        "heading": heading,
        "organisation": organisation.name if organisation else "",
        "printed": _local(timezone.now(), tz),
        "people": [_record_rows(t, tz) for t in trainees],
    }
    content = render_pdf("training/record.html", {"doc": doc}, request=request)
    return download(content, f"{RECORD_TITLE}-{filename}.pdf", PDF_TYPE)


@login_required
@permission_required(VIEW_TRAINEE, raise_exception=True)
def trainee_record_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    """培訓記錄表 of one trainee: sessions and topics, assessments, qualifications."""
    person = _trainee(request, pk)
    return _record(request, [person], f"{person.customer.name} · {person.name}", str(person.pk))


@login_required
@permission_required(VIEW_TRAINEE, raise_exception=True)
def site_record_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    """培訓記錄表 of a site's owner: every trainee, with the same sections."""
    site = _site(request, pk)
    people = list(
        queries.visible_trainees(request.user).filter(customer_id=site.customer_id).order_by("name")
    )
    return _record(request, people, f"{site.customer.name} · {site.name}", f"site-{site.pk}")
