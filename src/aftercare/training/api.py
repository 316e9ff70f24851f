"""API of owner training (BS-1, BS-2, BS-3, BS-11): trainees, plans, sessions, assessments,
departures and a site's coverage. Submitting, confirming and revising a plan go through the
shared plan API (`/plans/training/{id}/…`): a plan's id is its agreement's."""

from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from aftercare.agreements.queries import latest_version
from aftercare.apischema import BoundedPagination, Day, Id, Input, Moment, responses
from aftercare.customers.models import Customer
from aftercare.errors import InvalidInput
from aftercare.org.access import ensure_permission, scoped
from aftercare.org.http import StaffRequest
from aftercare.org.models import User
from aftercare.sites.models import System
from aftercare.training import actions, queries
from aftercare.training.choices import Education, EnglishLevel, Topic, Track, topic_label
from aftercare.training.models import (
    Assessment,
    Qualification,
    Trainee,
    TrainingPlan,
    TrainingSession,
)

router = Router(tags=["training"])


def _unknown(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _system(user: User, pk: int) -> System:
    system = (
        queries.visible_systems(user)
        .select_related("site__branch__organisation", "site__customer")
        .filter(pk=pk)
        .first()
    )
    if system is None:
        raise _unknown("system_id", _("Unknown system."))
    return system


def _trainees(user: User, ids: list[int], field: str) -> list[Trainee]:
    found = {t.pk: t for t in queries.visible_trainees(user).filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise _unknown(field, _("Unknown trainee: %(ids)s") % {"ids": ", ".join(missing)})
    return [found[pk] for pk in ids]


# -- trainees -----------------------------------------------------------------------------------


class TraineeIn(Input):
    customer_id: Id = Field(..., description="The owner (a company) whose staff this is.")
    name: str = Field(..., min_length=1, max_length=100)
    role: str = Field("", max_length=100, description="Job title at the owner.")
    phones: list[str] = Field(default_factory=list, max_length=5)
    education: Education = Education.NONE
    technical_background: str = Field("", max_length=2000)
    english_level: EnglishLevel = EnglishLevel.NONE


class TrainingFlagOut(Schema):
    plan_id: int
    problems: list[str] = Field(..., description="BS-1: below this plan's requirement.")


class TraineeOut(Schema):
    id: int
    customer_id: int
    customer_name: str
    name: str
    role: str
    phones: list[str]
    education: Education
    technical_background: str
    english_level: EnglishLevel
    left_on: date | None
    replaced_by_id: int | None
    flagged: bool = Field(..., description="BS-1: below the requirement of one of its plans.")
    flags: list[TrainingFlagOut]


def _trainee_out(user: User, trainee: Trainee) -> dict[str, Any]:
    flags = [
        {"plan_id": plan.pk, "problems": problems}
        for plan, problems in queries.trainee_flags(user, trainee)
    ]
    return {
        "id": trainee.pk, "customer_id": trainee.customer_id,
        "customer_name": trainee.customer.name, "name": trainee.name, "role": trainee.role,
        "phones": list(trainee.phones), "education": trainee.education,
        "technical_background": trainee.technical_background,
        "english_level": trainee.english_level, "left_on": trainee.left_on,
        "replaced_by_id": trainee.replaced_by_id, "flagged": bool(flags), "flags": flags,
    }  # fmt: skip


class TrainingSessionLineOut(Schema):
    session_id: int
    plan_id: int
    system_id: int
    track: Track
    held_at: datetime
    topics: list[str]


class TrainingAssessmentOut(Schema):
    id: int
    trainee_id: int
    system_id: int
    track: Track
    passed: bool
    at: datetime
    note: str
    qualified: bool = Field(..., description="Qualified for the system × track after it.")


class TrainingQualificationOut(Schema):
    system_id: int
    system_name: str
    site_id: int
    track: Track
    qualified_at: datetime
    lost_at: datetime | None


class TraineeDetailOut(TraineeOut):
    sessions: list[TrainingSessionLineOut]
    assessments: list[TrainingAssessmentOut]
    qualifications: list[TrainingQualificationOut]


def _assessment_out(row: Assessment, qualified: bool) -> dict[str, Any]:
    return {
        "id": row.pk, "trainee_id": row.trainee_id, "system_id": row.system_id,
        "track": row.track, "passed": row.passed, "at": row.at, "note": row.note,
        "qualified": qualified,
    }  # fmt: skip


def _qualification_out(row: Qualification) -> dict[str, Any]:
    return {
        "system_id": row.system_id, "system_name": row.system.name,
        "site_id": row.system.site_id, "track": row.track, "qualified_at": row.qualified_at,
        "lost_at": row.lost_at,
    }  # fmt: skip


def _current(trainee: Trainee) -> set[tuple[int, str]]:
    return {(q.system_id, q.track) for q in trainee.qualifications.filter(lost_at__isnull=True)}


@router.post("/trainees", response=responses({201: TraineeOut}, 404))
def enrol(request: StaffRequest, payload: TraineeIn) -> Status[dict[str, Any]]:
    """Enrol one of an owner's staff with education, technical background and English (BS-1).
    Someone below a plan's requirement is flagged (`flags`), never refused."""
    user = request.user
    ensure_permission(user, "training.add_trainee")
    customer = (
        scoped(Customer.objects.select_related("branch"), user)
        .filter(pk=payload.customer_id)
        .first()
    )
    if customer is None:
        raise _unknown("customer_id", _("Unknown owner."))
    trainee = actions.enrol(
        by=user, customer=customer, name=payload.name, role=payload.role,
        phones=payload.phones, education=payload.education,
        technical_background=payload.technical_background,
        english_level=payload.english_level,
    )  # fmt: skip
    return Status(201, _trainee_out(user, trainee))


@router.get("/trainees", response=responses({200: list[TraineeOut]}))
@paginate(BoundedPagination)
def list_trainees(
    request: StaffRequest, customer_id: Id | None = None, present: bool | None = None
) -> Any:
    """The owners' staff, by owner and name; `present=true` leaves out who has left."""
    rows = queries.visible_trainees(request.user)
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    if present is not None:
        rows = rows.filter(left_on__isnull=present)
    return _Page(request.user, rows)


class _Page:
    """A lazily sliced trainee list whose rows carry their BS-1 flags."""

    def __init__(self, user: User, rows: Any) -> None:
        self.user, self.rows = user, rows

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_trainee_out(self.user, trainee) for trainee in self.rows[item]]

    def count(self) -> int:
        return int(self.rows.count())

    def __len__(self) -> int:
        return self.count()


@router.get("/trainees/{trainee_id}", response=responses({200: TraineeDetailOut}, 404))
def get_trainee(request: StaffRequest, trainee_id: Id) -> dict[str, Any]:
    """One trainee with their sessions, assessments and qualifications (current and lost)."""
    trainee = queries.get_trainee_for(request.user, trainee_id)
    current = _current(trainee)
    return {
        **_trainee_out(request.user, trainee),
        "sessions": [
            {
                "session_id": s.pk,
                "plan_id": s.plan_id,
                "system_id": s.plan.system_id,
                "track": s.plan.track,
                "held_at": s.held_at,
                "topics": s.topics,
            }  # fmt: skip
            for s in queries.sessions_of(trainee)
        ],
        "assessments": [
            _assessment_out(a, (a.system_id, a.track) in current)
            for a in queries.assessments_of(trainee)
        ],
        "qualifications": [_qualification_out(q) for q in queries.qualifications_of(trainee)],
    }


class TrainingAssessmentIn(Input):
    system_id: Id
    track: Track
    passed: bool
    at: Moment | None = None
    note: str = Field("", max_length=2000)


@router.post(
    "/trainees/{trainee_id}/assessments", response=responses({201: TrainingAssessmentOut}, 404, 409)
)
def assess(
    request: StaffRequest, trainee_id: Id, payload: TrainingAssessmentIn
) -> Status[dict[str, Any]]:
    """An assessment for a system's track; passing after attending every standard topic of the
    track qualifies the trainee (and may restore coverage, BS-2, or answer a retraining, BS-11)."""
    user = request.user
    ensure_permission(user, "training.add_assessment")
    trainee = queries.get_trainee_for(user, trainee_id)
    system = _system(user, payload.system_id)
    row = actions.assess(
        trainee, by=user, system=system, track=payload.track, passed=payload.passed,
        at=payload.at, note=payload.note,
    )  # fmt: skip
    return Status(201, _assessment_out(row, (row.system_id, row.track) in _current(trainee)))


class TrainingDepartureIn(Input):
    left_on: Day
    replaced_by_id: Id | None = None


class TrainingRetrainingOut(Schema):
    id: int
    system_id: int
    track: Track
    replacement_id: int | None
    done_at: datetime | None


class TrainingDepartureOut(Schema):
    trainee: TraineeOut
    retrainings: list[TrainingRetrainingOut]


@router.post(
    "/trainees/{trainee_id}/departure", response=responses({201: TrainingDepartureOut}, 404, 409)
)
def depart(
    request: StaffRequest, trainee_id: Id, payload: TrainingDepartureIn
) -> Status[dict[str, Any]]:
    """The trainee left the owner or was replaced (BS-11): each qualification lost opens a
    retraining due 30 days after, and coverage (BS-2) is checked again."""
    user = request.user
    ensure_permission(user, "training.change_trainee")
    trainee = queries.get_trainee_for(user, trainee_id)
    replacement = None
    if payload.replaced_by_id is not None:
        [replacement] = _trainees(user, [payload.replaced_by_id], "replaced_by_id")
    opened = actions.depart(trainee, by=user, left_on=payload.left_on, replaced_by=replacement)
    trainee.refresh_from_db()
    return Status(
        201,
        {
            "trainee": _trainee_out(user, trainee),
            "retrainings": [
                {
                    "id": r.pk,
                    "system_id": r.system_id,
                    "track": r.track,
                    "replacement_id": r.replacement_id,
                    "done_at": r.done_at,
                }  # fmt: skip
                for r in opened
            ],
        },
    )


# -- plans --------------------------------------------------------------------------------------


class TrainingPlanIn(Input):
    system_id: Id
    track: Track
    topics: list[str] | None = Field(
        None,
        max_length=40,
        description="Standard topic codes of the track (all required, BS-3) and the plan's "
        "own topics as text. Default: the track's template.",
    )
    min_education: Education = Education.NONE
    min_english_level: EnglishLevel = EnglishLevel.NONE
    hours: str = Field("", max_length=200)
    place: str = Field("", max_length=200)


class TrainingTopicOut(Schema):
    key: str
    label: str
    standard: bool


class TrainingFlaggedOut(Schema):
    trainee_id: int
    name: str
    problems: list[str]


class TrainingSessionOut(Schema):
    id: int
    plan_id: int
    version: int
    held_at: datetime
    place: str
    trainer: str
    topics: list[str]
    trainee_ids: list[int]


class TrainingPlanOut(Schema):
    id: int = Field(
        ..., description="The agreement's id: submit and confirm at /plans/training/{id}/…."
    )
    system_id: int
    site_id: int
    customer_id: int
    track: Track
    title: str
    version: int
    state: str = Field(..., description="State of the latest version (BS-4).")
    deliverable: bool = Field(..., description="Sessions may be held (latest version confirmed).")
    topics: list[TrainingTopicOut]
    min_education: Education
    min_english_level: EnglishLevel
    hours: str
    place: str
    flagged: list[TrainingFlaggedOut] = Field(
        ..., description="BS-1: the owner's staff below its levels."
    )


class TrainingPlanDetailOut(TrainingPlanOut):
    sessions: list[TrainingSessionOut]


def _plan_out(plan: TrainingPlan) -> dict[str, Any]:
    latest = latest_version(plan.agreement)
    _version, terms = queries.plan_terms(plan)
    return {
        "id": plan.pk, "system_id": plan.system_id, "site_id": plan.system.site_id,
        "customer_id": plan.agreement.customer_id, "track": plan.track,
        "title": plan.agreement.title, "version": latest.number, "state": latest.state,
        "deliverable": latest.state == "confirmed",
        "topics": [
            {"key": t, "label": str(topic_label(t)), "standard": t in Topic.values}
            for t in terms.get("topics", [])
        ],
        "min_education": terms.get("min_education", Education.NONE),
        "min_english_level": terms.get("min_english_level", EnglishLevel.NONE),
        "hours": terms.get("hours", ""), "place": terms.get("place", ""),
        "flagged": [
            {"trainee_id": t.pk, "name": t.name, "problems": problems}
            for t, problems in queries.plan_flags(plan)
        ],
    }  # fmt: skip


def _session_out(session: TrainingSession) -> dict[str, Any]:
    return {
        "id": session.pk, "plan_id": session.plan_id, "version": session.version.number,
        "held_at": session.held_at, "place": session.place, "trainer": session.trainer,
        "topics": session.topics,
        "trainee_ids": sorted(a.trainee_id for a in session.attendance.all()),
    }  # fmt: skip


@router.post("/training-plans", response=responses({201: TrainingPlanOut}, 409))
def draft_plan(request: StaffRequest, payload: TrainingPlanIn) -> Status[dict[str, Any]]:
    """A system's plan for one track, drafted for the owner's confirmation (BS-4). It must
    cover the track's standard topics (BS-3: a 422 names each missing one) and may add more."""
    user = request.user
    ensure_permission(user, "training.add_trainingplan")
    system = _system(user, payload.system_id)
    plan = actions.draft_plan(
        by=user, system=system, track=payload.track, topics=payload.topics,
        min_education=payload.min_education, min_english_level=payload.min_english_level,
        hours=payload.hours, place=payload.place,
    )  # fmt: skip
    return Status(201, _plan_out(queries.get_plan_for(user, plan.pk)))


@router.get("/training-plans", response=responses({200: list[TrainingPlanOut]}))
@paginate(BoundedPagination)
def list_plans(
    request: StaffRequest, site_id: Id | None = None, system_id: Id | None = None
) -> Any:
    rows = queries.visible_plans(request.user).order_by("agreement__site__name", "system_id")
    if site_id is not None:
        rows = rows.filter(system__site_id=site_id)
    if system_id is not None:
        rows = rows.filter(system_id=system_id)
    return _PlanPage(rows)


class _PlanPage:
    def __init__(self, rows: Any) -> None:
        self.rows = rows

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_plan_out(plan) for plan in self.rows[item]]

    def count(self) -> int:
        return int(self.rows.count())

    def __len__(self) -> int:
        return self.count()


@router.get("/training-plans/{plan_id}", response=responses({200: TrainingPlanDetailOut}, 404))
def get_plan(request: StaffRequest, plan_id: Id) -> dict[str, Any]:
    plan = queries.get_plan_for(request.user, plan_id)
    sessions = plan.sessions.select_related("version").prefetch_related("attendance")
    return {**_plan_out(plan), "sessions": [_session_out(s) for s in sessions]}


# -- sessions -----------------------------------------------------------------------------------


class TrainingSessionIn(Input):
    plan_id: Id
    held_at: Moment | None = None
    topics: list[str] = Field(..., min_length=1, max_length=40)
    trainee_ids: list[Id] = Field(..., min_length=1, max_length=200)
    place: str = Field("", max_length=200)
    trainer: str = Field("", max_length=100, description="Default: the one recording it.")


@router.post("/training-sessions", response=responses({201: TrainingSessionOut}, 404, 409))
def hold_session(request: StaffRequest, payload: TrainingSessionIn) -> Status[dict[str, Any]]:
    """A session on the plan's confirmed version (409 while a version awaits the owner's
    confirmation, nothing written), its topics from that version, and who attended."""
    user = request.user
    ensure_permission(user, "training.add_trainingsession")
    plan = queries.get_plan_for(user, payload.plan_id)
    trainees = _trainees(user, payload.trainee_ids, "trainee_ids")
    session = actions.hold_session(
        plan, by=user, held_at=payload.held_at, topics=payload.topics, trainees=trainees,
        place=payload.place, trainer=payload.trainer,
        trainer_user=None if payload.trainer else user,
    )  # fmt: skip
    return Status(201, _session_out(session))


# -- coverage -----------------------------------------------------------------------------------


class TrainingPersonOut(Schema):
    id: int
    name: str


class TrainingCellOut(Schema):
    track: Track
    count: int
    ok: bool = Field(..., description="BS-2: at least two qualified people.")
    people: list[TrainingPersonOut]
    obligation_id: int | None = Field(..., description="The pending BS-2 where below two.")
    due_at: datetime | None


class TrainingSystemCoverageOut(Schema):
    system_id: int
    name: str
    kind: str
    tracks: list[TrainingCellOut]


class TrainingCoverageOut(Schema):
    site_id: int
    site_name: str
    systems: list[TrainingSystemCoverageOut]


@router.get(
    "/sites/{site_id}/training-coverage", response=responses({200: TrainingCoverageOut}, 404)
)
def coverage(request: StaffRequest, site_id: Id) -> dict[str, Any]:
    """Key systems × tracks: who is qualified and still with the owner (BS-2 wants two)."""
    site = queries.visible_sites(request.user).get(pk=site_id)
    return {
        "site_id": site.pk,
        "site_name": site.name,
        "systems": [
            {
                "system_id": row.system.pk,
                "name": row.system.name,
                "kind": row.system.kind,
                "tracks": [
                    {
                        "track": cell.track,
                        "count": cell.count,
                        "ok": cell.ok,
                        "people": [{"id": t.pk, "name": t.name} for t in cell.names],
                        "obligation_id": cell.obligation.pk if cell.obligation else None,
                        "due_at": cell.obligation.due_at if cell.obligation else None,
                    }  # fmt: skip
                    for cell in row.cells
                ],
            }  # fmt: skip
            for row in queries.coverage(site)
        ],
    }
