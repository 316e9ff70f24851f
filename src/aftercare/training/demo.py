"""Demo owner training, written through the real actions: four of the first demo owner's
staff (one below the plan's English requirement, flagged), an operators' plan for its first
key system confirmed by the owner, a session covering every topic and the assessments — two
operators qualified, so that system's operators are green and the other key system is red
(BS-2 open for the training coordinator). Nothing without a building-systems branch with a
training coordinator and a key system."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType

from aftercare.agreements import actions as agreements
from aftercare.agreements.models import Agreement, AgreementEvent, AgreementVersion
from aftercare.obligations.models import Obligation
from aftercare.org.models import Organisation, User
from aftercare.org.roles import Role
from aftercare.sites.models import System
from aftercare.training import actions
from aftercare.training.choices import STANDARD_TOPICS, Track
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

# A 1×1 PNG: the owner's signature drawn on the demo's confirmation.
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
).decode()

# name, job title, education, English, background
STAFF = [
    ("陳志明", "弱電值班主管", "associate", "reading", "十年大廈機電運維經驗"),
    ("林家豪", "消防值班員", "vocational", "basic", "持消防設施操作員證"),
    ("黃偉傑", "監控值班員", "secondary", "none", "保安轉崗"),
    ("吳美玲", "工程部經理", "bachelor", "fluent", "電氣工程學士"),
]


def load(organisation: Organisation, now: datetime) -> None:
    if Trainee.objects.filter(branch__organisation=organisation).exists():
        return
    coordinator = (
        User.objects.filter(
            is_active=True,
            organisation=organisation,
            groups__name=Role.TRAINING_COORDINATOR,
            branch__runs_building_systems=True,
        )
        .order_by("pk")
        .first()
    )
    if coordinator is None or coordinator.branch is None:
        return
    key_systems = list(
        System.objects.filter(site__branch=coordinator.branch, key=True)
        .select_related("site__customer", "site__branch__organisation")
        .order_by("site_id", "id")
    )
    if not key_systems:
        return
    system = key_systems[0]
    owner = system.site.customer
    start = now - timedelta(days=30)
    people = [
        actions.enrol(
            by=coordinator,
            customer=owner,
            name=name,
            role=role,
            phones=[],
            education=education,
            technical_background=background,
            english_level=english,
            at=start,
        )  # fmt: skip
        for name, role, education, english, background in STAFF
    ]
    plan = actions.draft_plan(
        by=coordinator, system=system, track=Track.OPERATOR,
        topics=[*STANDARD_TOPICS[Track.OPERATOR], "火警聯動測試演練"],
        min_education="vocational", min_english_level="basic", hours="2 × 半天",
        place="大廈 B1 消防控制室", at=start + timedelta(hours=1),
    )  # fmt: skip
    agreements.submit(plan.agreement, by=coordinator, at=start + timedelta(days=1))
    agreements.confirm(
        plan.agreement, by=coordinator, confirmed_by=owner.name[:20] + " 工程部",
        signature_png=SIGNATURE, at=start + timedelta(days=3),
    )  # fmt: skip
    plan.refresh_from_db()
    operators = people[:3]
    actions.hold_session(
        plan, by=coordinator, held_at=start + timedelta(days=10),
        topics=list(STANDARD_TOPICS[Track.OPERATOR]), trainees=operators,
        place="大廈 B1 消防控制室", trainer=coordinator.get_full_name() or coordinator.username,
    )  # fmt: skip
    for person, passed in zip(operators, (True, True, False), strict=True):
        actions.assess(
            person, by=coordinator, system=system, track=Track.OPERATOR, passed=passed,
            at=start + timedelta(days=12),
        )  # fmt: skip
    for other in key_systems[1:2]:
        actions.recheck_system(other, by=coordinator, at=now - timedelta(days=1))


def remove(organisation: Organisation) -> None:
    """The demo's training rows, their BS-2/BS-11 duties and their plans' agreements."""
    trainees = Trainee.objects.filter(branch__organisation=organisation)
    systems = System.objects.filter(site__branch__organisation=organisation)
    gaps = CoverageGap.objects.filter(system__in=systems)
    retrainings = Retraining.objects.filter(system__in=systems)
    for model, rows in ((CoverageGap, gaps), (Retraining, retrainings)):
        Obligation.objects.filter(
            subject_type=ContentType.objects.get_for_model(model),
            subject_id__in=list(rows.values_list("pk", flat=True)),
        ).delete()
    retrainings.delete()
    gaps.delete()
    Qualification.objects.filter(system__in=systems).delete()
    Assessment.objects.filter(system__in=systems).delete()
    plans = TrainingPlan.objects.filter(system__in=systems)
    sessions = TrainingSession.objects.filter(plan__in=plans)
    Attendance.objects.filter(session__in=sessions).delete()
    TrainingSession.history.filter(plan_id__in=plans.values("pk")).delete()
    sessions.delete()
    agreement_ids = list(plans.values_list("pk", flat=True))
    TrainingPlan.history.filter(agreement_id__in=agreement_ids).delete()
    plans.delete()
    # The plan workflow's rows refuse deletion one by one; the demo's reset removes them whole.
    AgreementEvent.objects.filter(agreement_id__in=agreement_ids).delete()
    AgreementVersion.objects.filter(agreement_id__in=agreement_ids).delete()
    Agreement.objects.filter(pk__in=agreement_ids).delete()
    Trainee.objects.filter(branch__organisation=organisation, replaced_by__isnull=False).update(
        replaced_by=None
    )
    Trainee.history.filter(branch_id__in=trainees.values("branch_id")).delete()
    trainees.delete()
