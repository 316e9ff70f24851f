"""Owner training (BS-1, BS-2, BS-3, BS-11).

A `Trainee` is one of the owner's staff. A `TrainingPlan` is one system × track, agreed with the
owner through the shared plan workflow (its primary key is its `agreements.Agreement`'s). A
`TrainingSession` is held on the version the owner confirmed; its `Attendance` rows and the
append-only `Assessment` rows decide who is *qualified*. `Qualification` keeps that answer
(written by the actions), so coverage (BS-2) is one query; a `CoverageGap` is the subject of an
open BS-2 and a `Retraining` the subject of a BS-11.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.errors import Conflict
from aftercare.org.access import restrict
from aftercare.training.choices import Education, EnglishLevel, Track

ARCHIVED = _("Training records are kept as written.")


class TraineeQuerySet(models.QuerySet["Trainee"]):
    def visible_to(self, user: object) -> models.QuerySet[Trainee]:
        return restrict(self, user, "training.view_trainee", customer_field="customer")

    def present(self) -> models.QuerySet[Trainee]:
        """Still with the owner."""
        return self.filter(left_on__isnull=True)


class Trainee(models.Model):
    """One of the owner's staff enrolled for training, with what BS-1 asks to record."""

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="trainees",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("job title"), max_length=100, blank=True)
    phones = models.JSONField(_("phones"), default=list, blank=True)
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, default=Education.NONE
    )
    technical_background = models.TextField(_("technical background"), blank=True)
    english_level = models.CharField(
        _("English level"), max_length=20, choices=EnglishLevel.choices, default=EnglishLevel.NONE
    )
    enrolled_at = models.DateTimeField(_("enrolled at"))
    enrolled_by = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("enrolled by")
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    history = HistoricalRecords()

    objects = TraineeQuerySet.as_manager()

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["customer_id", "name", "id"]
        indexes = [models.Index(fields=["branch", "customer"], name="trainee_branch_owner")]

    def __str__(self) -> str:
        return self.name


class TrainingPlanQuerySet(models.QuerySet["TrainingPlan"]):
    def visible_to(self, user: object) -> models.QuerySet[TrainingPlan]:
        return restrict(
            self,
            user,
            "training.view_trainingplan",
            branch_field="agreement__branch",
            customer_field="agreement__customer",
        )


class TrainingPlan(models.Model):
    """The training of one system's track (BS-3), agreed with the owner (BS-4): the terms —
    topics, the requirement levels (BS-1) — live in the agreement's versions."""

    agreement = models.OneToOneField(
        "agreements.Agreement",
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="training_plan",
        verbose_name=_("plan"),
    )
    system = models.ForeignKey(
        "sites.System",
        on_delete=models.PROTECT,
        related_name="training_plans",
        verbose_name=_("system"),
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    history = HistoricalRecords()

    objects = TrainingPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["system_id", "track"]
        constraints = [
            models.UniqueConstraint(fields=["system", "track"], name="training_plan_unique")
        ]

    def __str__(self) -> str:
        return str(self.agreement)


class TrainingSession(models.Model):
    """A session held on the confirmed version of a plan: when, where, who taught what."""

    plan = models.ForeignKey(
        TrainingPlan, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("plan")
    )
    version = models.ForeignKey(
        "agreements.AgreementVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("plan version"),
    )
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    trainer = models.CharField(_("trainer"), max_length=100)
    trainer_user = models.ForeignKey(
        "org.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trainer (staff)"),
    )
    topics = models.JSONField(_("topics"), default=list)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    trainees = models.ManyToManyField(
        Trainee, through="Attendance", related_name="sessions", verbose_name=_("attendance")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.held_at:%Y-%m-%d}"


class Attendance(models.Model):
    """A trainee present at a session (the 培訓簽到表's line)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="attendance")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="attendance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.trainee} @ {self.session}"


class Assessment(models.Model):
    """A trainee's assessment for a system's track: append-only, the latest one counts."""

    trainee = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("trainee")
    )
    system = models.ForeignKey(
        "sites.System", on_delete=models.PROTECT, related_name="+", verbose_name=_("system")
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    passed = models.BooleanField(_("passed"))
    at = models.DateTimeField(_("assessed at"))
    by = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.trainee} {self.track} {self.passed}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(ARCHIVED, code="assessment_archived")
        super().save(*args, **kwargs)


class Qualification(models.Model):
    """A trainee qualified for a system × track (attended every standard topic, passed the
    latest assessment, still with the owner) from `qualified_at` until `lost_at`."""

    trainee = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, related_name="qualifications", verbose_name=_("trainee")
    )
    system = models.ForeignKey(
        "sites.System",
        on_delete=models.PROTECT,
        related_name="training_qualifications",
        verbose_name=_("system"),
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    qualified_at = models.DateTimeField(_("qualified at"))
    lost_at = models.DateTimeField(_("lost at"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["qualified_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "system", "track"],
                condition=models.Q(lost_at__isnull=True),
                name="qualification_current_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["system", "track"],
                condition=models.Q(lost_at__isnull=True),
                name="qualification_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee} {self.system_id} {self.track}"


class CoverageGap(models.Model):
    """A key system's track with fewer than two qualified people (BS-2's subject)."""

    system = models.ForeignKey(
        "sites.System",
        on_delete=models.PROTECT,
        related_name="training_gaps",
        verbose_name=_("system"),
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("coverage gap")
        verbose_name_plural = _("coverage gaps")
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "track"],
                condition=models.Q(closed_at__isnull=True),
                name="coverage_gap_open_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.system_id} {self.track}"


class Retraining(models.Model):
    """A qualified trainee left or was replaced: train someone for that system × track
    (BS-11's subject), the named replacement if there is one."""

    departed = models.ForeignKey(
        Trainee, on_delete=models.PROTECT, related_name="retrainings", verbose_name=_("left")
    )
    replacement = models.ForeignKey(
        Trainee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replacement"),
    )
    system = models.ForeignKey(
        "sites.System", on_delete=models.PROTECT, related_name="+", verbose_name=_("system")
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    opened_at = models.DateTimeField(_("opened at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_with = models.ForeignKey(
        Trainee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("qualified in their place"),
    )

    class Meta:
        verbose_name = _("retraining")
        verbose_name_plural = _("retrainings")
        ordering = ["opened_at", "id"]

    def __str__(self) -> str:
        return f"{self.departed} {self.system_id} {self.track}"
