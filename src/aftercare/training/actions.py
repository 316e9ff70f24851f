"""The only writers of owner training (BS-1, BS-2, BS-3, BS-11). One transaction each; the
actor first.

Who is *qualified* for a system × track is kept in `Qualification` by the actions that can
change it — a session's attendance, an assessment, a departure — so coverage (BS-2) is one
count. After each of them the system's coverage is checked again (`recheck`): below two opens a
`CoverageGap` and BS-2 for the training coordinator; two or more closes it and fulfils BS-2.
A qualified trainee who leaves opens one `Retraining` (BS-11) per qualification lost; it is
fulfilled when the named replacement — else anyone else of the owner — qualifies there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.agreements import actions as agreements
from aftercare.agreements.models import Agreement
from aftercare.agreements.queries import deliverable_version, latest_version
from aftercare.customers.models import Customer
from aftercare.errors import Conflict, Errors, InvalidInput
from aftercare.moments import event_moment, plausible_year
from aftercare.obligations.actions import first_supervisor, fulfil_pending, open_obligation
from aftercare.org.access import ensure_allowed
from aftercare.org.models import Branch, User
from aftercare.org.roles import Role
from aftercare.sites.models import System
from aftercare.standard.calendar import start_of_day
from aftercare.training import agreement as terms_of
from aftercare.training.choices import STANDARD_TOPICS, Education, EnglishLevel, Track
from aftercare.training.models import (
    Assessment,
    Attendance,
    CoverageGap,
    Qualification,
    Retraining,
    Trainee,
    TrainingPlan,
    TrainingSession,
)

COVERAGE_RULE = "BS-2"
RETRAIN_RULE = "BS-11"
NEEDED = 2  # BS-2: two qualified people per key system and track


# -- input --------------------------------------------------------------------------------------


def _text(value: Any, *, field: str, errors: Errors, max_length: int, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.add(field, _("This field is required."))
    elif len(text) > max_length:
        errors.add(field, _("At most %(n)s characters.") % {"n": max_length})
    return text


def _choice(value: Any, values: Sequence[str], field: str, errors: Errors) -> str:
    if value in (None, ""):
        return values[0]
    if value not in values:
        errors.add(field, _("Choose one of the values offered."))
        return values[0]
    return str(value)


def _phones(value: Any, errors: Errors) -> list[str]:
    phones = []
    for item in value or ():
        text = str(item).strip()
        if not text:
            continue
        if len(text) > 30:
            errors.add("phones", _("At most %(n)s characters.") % {"n": 30})
        elif text not in phones:
            phones.append(text)
    if len(phones) > 5:
        errors.add("phones", _("At most %(n)s phone numbers.") % {"n": 5})
    return phones


def coordinator(branch: Branch) -> User | None:
    """Who owns BS-2 and BS-11: the branch's first training coordinator, else its supervisor."""
    found = (
        User.objects.filter(
            is_active=True, branch_id=branch.pk, groups__name=Role.TRAINING_COORDINATOR
        )
        .order_by("pk")
        .first()
    )
    return found or first_supervisor(branch)


# -- trainees -----------------------------------------------------------------------------------


@transaction.atomic
def enrol(
    *,
    by: User,
    customer: Customer,
    name: Any,
    role: Any = "",
    phones: Iterable[Any] = (),
    education: Any = Education.NONE,
    technical_background: Any = "",
    english_level: Any = EnglishLevel.NONE,
    at: datetime | None = None,
) -> Trainee:
    """Enrol one of the owner's staff with what BS-1 records. Someone below a plan's levels is
    flagged on that plan, never refused."""
    branch = customer.branch
    ensure_allowed(by, "training.add_trainee", branch)
    moment = event_moment(at)
    errors = Errors()
    trainee = Trainee(
        branch=branch,
        customer=customer,
        name=_text(name, field="name", errors=errors, max_length=100, required=True),
        role=_text(role, field="role", errors=errors, max_length=100, required=False),
        phones=_phones(phones, errors),
        education=_choice(education, Education.values, "education", errors),
        technical_background=_text(
            technical_background,
            field="technical_background",
            errors=errors,
            max_length=2000,
            required=False,
        ),  # fmt: skip
        english_level=_choice(english_level, EnglishLevel.values, "english_level", errors),
        enrolled_at=moment,
        enrolled_by=by,
    )
    errors.raise_if_any(_("The trainee cannot be enrolled."))
    trainee.save()
    return trainee


# -- plans --------------------------------------------------------------------------------------


def plan_title(system: System, track: str) -> str:
    return f"{system.site.name} {system.name} · {Track(track).label}"[:200]


@transaction.atomic
def draft_plan(
    *,
    by: User,
    system: System,
    track: Any,
    topics: Sequence[str] | None = None,
    min_education: Any = None,
    min_english_level: Any = None,
    hours: Any = "",
    place: Any = "",
    at: datetime | None = None,
) -> TrainingPlan:
    """A system's training plan for one track (BS-3: it covers the track's standard topics and
    may add more), drafted through the shared plan workflow: submitted to and confirmed by the
    owner there (BS-4). One plan per system and track; later changes are its versions."""
    site = system.site
    ensure_allowed(by, "training.add_trainingplan", site.branch)
    if track in Track.values:
        System.objects.select_for_update().filter(pk=system.pk).first()
        if TrainingPlan.objects.filter(system=system, track=track).exists():
            message = _("This system already has a plan for this track: revise that one.")
            raise Conflict(message, code="plan_exists")
    terms = {
        **terms_of.default_terms(str(track)), "track": track, "min_education": min_education,
        "min_english_level": min_english_level, "hours": hours, "place": place,
    }  # fmt: skip
    if topics is not None:
        terms["topics"] = list(topics)
    agreement = agreements.draft(
        "training", by=by, branch=site.branch, customer=site.customer, site=site,
        title=plan_title(system, str(track)), terms=terms, at=at,
    )  # fmt: skip
    return TrainingPlan.objects.create(agreement=agreement, system=system, track=track)


# -- sessions -----------------------------------------------------------------------------------


@transaction.atomic
def hold_session(
    plan: TrainingPlan,
    *,
    by: User,
    held_at: datetime | None,
    topics: Sequence[str],
    trainees: Sequence[Trainee],
    place: Any = "",
    trainer: Any = "",
    trainer_user: User | None = None,
) -> TrainingSession:
    """Record a session and who attended. Only on the version the owner confirmed (BS-4): while
    a version awaits confirmation nothing is written (409). Topics come from that version;
    attendees are the owner's staff still with it at the session."""
    agreement = plan.agreement
    ensure_allowed(by, "training.add_trainingsession", agreement.branch)
    # Serialised with the plan's workflow moves: a revision cannot slip in between.
    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
    moment = event_moment(held_at, field="held_at")
    version = deliverable_version(agreement)
    if version is None:
        number = latest_version(agreement).number
        raise Conflict(
            _(
                "Version %(n)s of the plan awaits the owner's confirmation: "
                "no session can be held on it yet."
            )
            % {"n": number},
            code="plan_not_confirmed",
        )
    errors = Errors()
    allowed = list(version.terms.get("topics", []))
    chosen = [t for t in allowed if t in set(topics)]
    unknown = [t for t in topics if t not in allowed]
    if unknown:
        errors.add(
            "topics",
            _("Not a topic of the confirmed plan: %(topics)s") % {"topics": ", ".join(unknown)},
        )
    elif not chosen:
        errors.add("topics", _("Choose the topics taught."))
    if not trainees:
        errors.add("trainee_ids", _("Choose who attended."))
    local_day = timezone.localtime(moment, agreement.organisation.tz).date()
    for trainee in trainees:
        if trainee.customer_id != agreement.customer_id:
            errors.add(
                "trainee_ids", _("%(name)s is not the owner's staff.") % {"name": trainee.name}
            )
        elif trainee.left_on is not None and trainee.left_on < local_day:
            errors.add(
                "trainee_ids",
                _("%(name)s had left on %(day)s.") % {"name": trainee.name, "day": trainee.left_on},
            )
    trainer_name = trainer_user.get_full_name() or trainer_user.username if trainer_user else ""
    trainer_text = _text(
        trainer or trainer_name, field="trainer", errors=errors, max_length=100, required=True
    )
    place_text = _text(place, field="place", errors=errors, max_length=200, required=False)
    errors.raise_if_any(_("The session cannot be recorded."))
    session = TrainingSession.objects.create(
        plan=plan, version=version, held_at=moment, place=place_text, trainer=trainer_text,
        trainer_user=trainer_user, topics=chosen, recorded_at=timezone.now(), recorded_by=by,
    )  # fmt: skip
    unique = {trainee.pk: trainee for trainee in trainees}
    Attendance.objects.bulk_create(
        [Attendance(session=session, trainee=trainee) for trainee in unique.values()]
    )
    for trainee in unique.values():
        _requalify(trainee, plan.system, plan.track, by=by, at=moment)
    return session


# -- assessments --------------------------------------------------------------------------------


@transaction.atomic
def assess(
    trainee: Trainee,
    *,
    by: User,
    system: System,
    track: Any,
    passed: bool,
    at: datetime | None = None,
    note: Any = "",
) -> Assessment:
    """A trainee's assessment for a system's track; the latest one counts. Passing after
    attending every standard topic of the track qualifies the trainee there."""
    ensure_allowed(by, "training.add_assessment", trainee.branch)
    moment = event_moment(at)
    errors = Errors()
    if track not in Track.values:
        errors.add("track", _("Choose the operators' or the managers' track."))
    if system.site.customer_id != trainee.customer_id:
        errors.add("system_id", _("Choose a system of the trainee's own owner."))
    note_text = _text(note, field="note", errors=errors, max_length=2000, required=False)
    errors.raise_if_any(_("The assessment cannot be recorded."))
    if trainee.left_on is not None:
        raise Conflict(_("%(name)s has left the owner.") % {"name": trainee.name}, code="left")
    assessment = Assessment.objects.create(
        trainee=trainee, system=system, track=track, passed=bool(passed), at=moment, by=by,
        note=note_text,
    )  # fmt: skip
    _requalify(trainee, system, str(track), by=by, at=moment)
    return assessment


def attended_topics(trainee: Trainee, system: System, track: str) -> set[str]:
    """Every topic the trainee attended in sessions of the system's plan for the track."""
    rows = TrainingSession.objects.filter(
        plan__system=system, plan__track=track, attendance__trainee=trainee
    ).values_list("topics", flat=True)
    return {topic for topics in rows for topic in topics}


def is_qualified(trainee: Trainee, system: System, track: str) -> bool:
    """Attended every standard topic of the track, passed the latest assessment, still there."""
    if trainee.left_on is not None:
        return False
    latest = (
        Assessment.objects.filter(trainee=trainee, system=system, track=track)
        .order_by("-at", "-id")
        .values_list("passed", flat=True)
        .first()
    )
    if not latest:
        return False
    return set(STANDARD_TOPICS[track]) <= attended_topics(trainee, system, track)


def _requalify(trainee: Trainee, system: System, track: str, *, by: User, at: datetime) -> None:
    current = Qualification.objects.filter(
        trainee=trainee, system=system, track=track, lost_at__isnull=True
    ).first()
    qualified = is_qualified(trainee, system, track)
    if qualified and current is None:
        current = Qualification.objects.create(
            trainee=trainee, system=system, track=track, qualified_at=at
        )
        _retrained(current, by=by)
    elif not qualified and current is not None:
        current.lost_at = at
        current.save(update_fields=["lost_at"])
    recheck(system, track, by=by, at=at)


def _retrained(qualification: Qualification, *, by: User) -> None:
    """BS-11: the retrainings this qualification answers (the named replacement's, else any
    of the owner's after the departure)."""
    trainee = qualification.trainee
    open_ones = (
        Retraining.objects.select_for_update()
        .filter(
            system_id=qualification.system_id,
            track=qualification.track,
            done_at__isnull=True,
            departed__customer_id=trainee.customer_id,
            opened_at__lte=qualification.qualified_at,
        )  # fmt: skip
        .exclude(departed=trainee)
    )
    for retraining in open_ones:
        if retraining.replacement_id not in (None, trainee.pk):
            continue
        _close_retraining(retraining, trainee, by=by, at=qualification.qualified_at)


def _close_retraining(retraining: Retraining, trainee: Trainee, *, by: User, at: datetime) -> None:
    retraining.done_at, retraining.done_with = at, trainee
    retraining.save(update_fields=["done_at", "done_with"])
    fulfil_pending(RETRAIN_RULE, by=by, at=at, subject=retraining)


# -- departures (BS-11) -------------------------------------------------------------------------


@transaction.atomic
def depart(
    trainee: Trainee,
    *,
    by: User,
    left_on: date,
    replaced_by: Trainee | None = None,
) -> list[Retraining]:
    """A trainee left the owner (or was replaced): their qualifications are lost, each opens a
    retraining (BS-11, due 30 days from the day they left) and coverage is checked again."""
    ensure_allowed(by, "training.change_trainee", trainee.branch)
    trainee = (
        Trainee.objects.select_for_update()
        .select_related("branch__organisation")
        .get(pk=trainee.pk)
    )
    tz = trainee.branch.organisation.tz
    if trainee.left_on is not None:
        raise Conflict(
            _("%(name)s left on %(day)s already.") % {"name": trainee.name, "day": trainee.left_on},
            code="already_left",
        )
    errors = Errors()
    if not plausible_year(left_on):
        errors.add("left_on", _("Choose a date between 2000 and 2100."))
    elif left_on > timezone.localdate(timezone.now(), tz):
        errors.add("left_on", _("A departure in the future cannot be recorded."))
    if replaced_by is not None:
        if replaced_by.pk == trainee.pk:
            errors.add("replaced_by_id", _("A trainee cannot replace themselves."))
        elif replaced_by.customer_id != trainee.customer_id:
            errors.add("replaced_by_id", _("Choose one of the owner's own staff."))
        elif replaced_by.left_on is not None:
            errors.add("replaced_by_id", _("%(name)s has left too.") % {"name": replaced_by.name})
    errors.raise_if_any(_("The departure cannot be recorded."))
    event = start_of_day(left_on, tz)
    trainee.left_on, trainee.replaced_by = left_on, replaced_by
    trainee.save(update_fields=["left_on", "replaced_by"])
    opened = []
    lost = list(
        Qualification.objects.select_related("system__site__branch__organisation")
        .select_related("system__site__customer")
        .filter(trainee=trainee, lost_at__isnull=True)
    )
    for qualification in lost:
        qualification.lost_at = event
        qualification.save(update_fields=["lost_at"])
        system = qualification.system
        retraining = Retraining.objects.create(
            departed=trainee, replacement=replaced_by, system=system,
            track=qualification.track, opened_at=event,
        )  # fmt: skip
        opened.append(retraining)
        owner = coordinator(system.site.branch)
        if owner is not None:
            open_obligation(
                RETRAIN_RULE, branch=system.site.branch, owner=owner, event_at=event,
                customer=system.site.customer, subject=retraining,
                title_key="training_retrain", title_params={
                    "track": qualification.track, "system": system.name,
                    "site": system.site.name, "name": trainee.name,
                },
            )  # fmt: skip
        if (
            replaced_by is not None
            and Qualification.objects.filter(
                trainee=replaced_by, system=system, track=qualification.track, lost_at__isnull=True
            ).exists()
        ):
            # The named replacement is qualified there already: nothing to retrain.
            _close_retraining(retraining, replaced_by, by=by, at=event)
    for qualification in lost:
        recheck(qualification.system, qualification.track, by=by, at=event)
    return opened


# -- coverage (BS-2) ----------------------------------------------------------------------------


def qualified_count(system: System, track: str) -> int:
    return Qualification.objects.filter(
        system=system, track=track, lost_at__isnull=True, trainee__left_on__isnull=True
    ).count()


def open_gap(system: System, track: str, *, at: datetime, count: int) -> CoverageGap:
    """A key system's track below two: the gap and its BS-2 for the training coordinator."""
    site = system.site
    gap = CoverageGap.objects.create(system=system, track=track, opened_at=at)
    owner = coordinator(site.branch)
    if owner is not None:
        open_obligation(
            COVERAGE_RULE, branch=site.branch, owner=owner, event_at=at, customer=site.customer,
            subject=gap, title_key="training_coverage", title_params={
                "track": track, "system": system.name, "site": site.name, "count": count,
            },
        )  # fmt: skip
    return gap


def recheck(system: System, track: str, *, by: User, at: datetime) -> CoverageGap | None:
    """Coverage of one key system's track, checked again after a change: below two opens a gap
    (BS-2) unless one is open; two or more closes the open one and fulfils its BS-2."""
    system = System.objects.select_related("site__branch__organisation", "site__customer").get(
        pk=system.pk
    )
    gap = (
        CoverageGap.objects.select_for_update()
        .filter(system=system, track=track, closed_at__isnull=True)
        .first()
    )
    count = qualified_count(system, track)
    if count < NEEDED and gap is None and system.key:
        return open_gap(system, track, at=at, count=count)
    if count >= NEEDED and gap is not None:
        gap.closed_at = at
        gap.save(update_fields=["closed_at"])
        fulfil_pending(COVERAGE_RULE, by=by, at=at, subject=gap)
    return gap


def recheck_system(system: System, *, by: User, at: datetime | None = None) -> None:
    """Both tracks of a system (e.g. just marked key)."""
    moment = event_moment(at)
    for track in Track.values:
        recheck(system, track, by=by, at=moment)


def check_input(errors: Errors) -> None:
    """Raise the accumulated problems as one 422 (the API's lookups share it)."""
    if errors:
        raise InvalidInput(_("Please correct the marked fields."), fields=dict(errors))
