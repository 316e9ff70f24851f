"""Reads of owner training, each through one read scope that pages and the API share:
trainees (`training.view_trainee`, their branch), plans (`training.view_trainingplan`, the
agreement's branch), a site's coverage (the same permission, the site's branch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aftercare.agreements.models import AgreementVersion
from aftercare.agreements.queries import latest_version, version_in_force
from aftercare.obligations.models import Obligation
from aftercare.org.access import restrict
from aftercare.org.models import User
from aftercare.sites.models import Site, System
from aftercare.training.choices import Education, EnglishLevel, Track, rank, topic_label
from aftercare.training.models import (
    Assessment,
    CoverageGap,
    Qualification,
    Retraining,
    Trainee,
    TrainingPlan,
    TrainingSession,
)

VIEW_PLAN = "training.view_trainingplan"
NEEDED = 2


def visible_trainees(user: User) -> QuerySet[Trainee]:
    return Trainee.objects.visible_to(user).select_related("customer", "branch", "replaced_by")


def get_trainee_for(user: User, pk: int) -> Trainee:
    return visible_trainees(user).get(pk=pk)


def visible_plans(user: User) -> QuerySet[TrainingPlan]:
    return TrainingPlan.objects.visible_to(user).select_related(
        "agreement__branch__organisation", "agreement__customer", "system__site"
    )


def get_plan_for(user: User, pk: int) -> TrainingPlan:
    return visible_plans(user).get(pk=pk)


def visible_sites(user: User) -> QuerySet[Site]:
    return restrict(Site.objects.all(), user, VIEW_PLAN).select_related("customer", "branch")


def visible_systems(user: User) -> QuerySet[System]:
    return restrict(System.objects.all(), user, VIEW_PLAN, branch_field="site__branch")


def plan_terms(plan: TrainingPlan) -> tuple[AgreementVersion, dict[str, Any]]:
    """The version whose terms apply now: the one in force, else the latest (a draft)."""
    version = version_in_force(plan.agreement) or latest_version(plan.agreement)
    return version, dict(version.terms)


# -- BS-1: below the plan's requirement is flagged, never refused ---------------------------------


def flags(trainee: Trainee, terms: dict[str, Any]) -> list[str]:
    """What a trainee lacks against a plan's requirement levels, in the reader's language."""
    found = []
    need = terms.get("min_education", Education.NONE)
    if rank(Education, trainee.education) < rank(Education, need):
        found.append(
            _("Education below the plan's requirement (%(has)s; %(need)s asked).")
            % {"has": trainee.get_education_display(), "need": Education(need).label}
        )
    need = terms.get("min_english_level", EnglishLevel.NONE)
    if rank(EnglishLevel, trainee.english_level) < rank(EnglishLevel, need):
        found.append(
            _("English below the plan's requirement (%(has)s; %(need)s asked).")
            % {"has": trainee.get_english_level_display(), "need": EnglishLevel(need).label}
        )
    return found


def plan_flags(plan: TrainingPlan) -> list[tuple[Trainee, list[str]]]:
    """The owner's staff still with it who are below this plan's levels."""
    _version, terms = plan_terms(plan)
    rows = []
    for trainee in Trainee.objects.filter(customer_id=plan.agreement.customer_id).present():
        problems = flags(trainee, terms)
        if problems:
            rows.append((trainee, problems))
    return rows


def trainee_flags(user: User, trainee: Trainee) -> list[tuple[TrainingPlan, list[str]]]:
    """Each plan of the trainee's owner whose levels the trainee is below."""
    rows = []
    plans = visible_plans(user).filter(agreement__customer_id=trainee.customer_id)
    for plan in plans:
        problems = flags(trainee, plan_terms(plan)[1])
        if problems:
            rows.append((plan, problems))
    return rows


# -- one trainee --------------------------------------------------------------------------------


def sessions_of(trainee: Trainee) -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.filter(attendance__trainee=trainee)
        .select_related("plan__system__site", "version")
        .order_by("held_at", "id")
    )


def assessments_of(trainee: Trainee) -> QuerySet[Assessment]:
    return trainee.assessments.select_related("system__site", "by").order_by("at", "id")


def qualifications_of(trainee: Trainee) -> QuerySet[Qualification]:
    return trainee.qualifications.select_related("system__site").order_by("qualified_at", "id")


def retrainings_of(trainee: Trainee) -> QuerySet[Retraining]:
    return trainee.retrainings.select_related("system__site", "replacement", "done_with")


def systems_of_owner(trainee: Trainee) -> QuerySet[System]:
    return System.objects.filter(site__customer_id=trainee.customer_id).select_related("site")


def topic_labels(topics: list[str]) -> list[str]:
    return [str(topic_label(topic)) for topic in topics]


# -- coverage (BS-2) ----------------------------------------------------------------------------


@dataclass
class Cell:
    track: str
    names: list[Trainee] = field(default_factory=list)
    obligation: Obligation | None = None

    @property
    def count(self) -> int:
        return len(self.names)

    @property
    def ok(self) -> bool:
        return self.count >= NEEDED

    @property
    def track_label(self) -> str:
        return str(Track(self.track).label)


@dataclass
class Row:
    system: System
    cells: list[Cell]


def coverage(site: Site) -> list[Row]:
    """Key systems of the site × tracks: the qualified people still with the owner, and the
    pending BS-2 where an open gap has one. Three queries whatever the size."""
    systems = list(System.objects.filter(site=site, key=True).order_by("kind", "name", "id"))
    qualified = (
        Qualification.objects.filter(
            system__in=systems, lost_at__isnull=True, trainee__left_on__isnull=True
        )
        .select_related("trainee")
        .order_by("trainee__name", "trainee_id")
    )
    by_cell: dict[tuple[int, str], list[Trainee]] = {}
    for row in qualified:
        by_cell.setdefault((row.system_id, row.track), []).append(row.trainee)
    gaps = {
        (gap.system_id, gap.track): gap.pk
        for gap in CoverageGap.objects.filter(system__in=systems, closed_at__isnull=True)
    }
    pending = {
        obligation.subject_id: obligation
        for obligation in Obligation.objects.pending().filter(
            rule="BS-2",
            subject_type=ContentType.objects.get_for_model(CoverageGap),
            subject_id__in=list(gaps.values()),
        )
    }
    rows = []
    for system in systems:
        cells = []
        for track in Track.values:
            gap = gaps.get((system.pk, track))
            cells.append(
                Cell(
                    track,
                    by_cell.get((system.pk, track), []),
                    pending.get(gap) if gap is not None else None,
                )  # fmt: skip
            )
        rows.append(Row(system, cells))
    return rows


def short_counts(sites: list[Site]) -> dict[int, int]:
    """Per site: how many key system × track cells are below two (the training home's badge)."""
    from django.db.models import Count, Q

    systems = (
        System.objects.filter(site__in=sites, key=True)
        .annotate(
            operators=Count(
                "training_qualifications",
                filter=Q(
                    training_qualifications__track=Track.OPERATOR,
                    training_qualifications__lost_at__isnull=True,
                    training_qualifications__trainee__left_on__isnull=True,
                ),
            ),
            managers=Count(
                "training_qualifications",
                filter=Q(
                    training_qualifications__track=Track.MANAGER,
                    training_qualifications__lost_at__isnull=True,
                    training_qualifications__trainee__left_on__isnull=True,
                ),
            ),
        )
        .values("site_id", "operators", "managers")
    )
    short: dict[int, int] = {site.pk: 0 for site in sites}
    for row in systems:
        short[row["site_id"]] += (row["operators"] < NEEDED) + (row["managers"] < NEEDED)
    return short
