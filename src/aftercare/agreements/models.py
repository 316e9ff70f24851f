"""Plans agreed with the owner (BS-4, BS-9): one workflow for maintenance and training plans.

An `Agreement` is the plan itself (who it is with, what kind); its `AgreementVersion` rows hold
the terms as the owner saw them. A version's terms are frozen once it is submitted, and the
whole version once the owner confirmed it: a change after that is a new version with a reason,
confirmed again. `AgreementEvent` is the one timeline of every move. The kind's own app keeps
the plan's other records (visits, sessions) and reads the terms through `kinds.PlanKind`.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftercare.agreements.choices import EventKind, PlanKindCode, VersionState
from aftercare.errors import Conflict
from aftercare.org.access import restrict

FROZEN_MESSAGE = _(
    "A confirmed version is kept as the owner confirmed it; revise the plan instead."
)


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def visible_to(self, user: object, permission: str) -> models.QuerySet[Agreement]:
        """The read scope of plans: the branch's (the kind's view permission decides)."""
        return restrict(self, user, permission, customer_field="customer")


class Agreement(models.Model):
    """A plan agreed with an owner. Its kind's app keeps a row whose primary key is this one,
    so a maintenance plan's id and a training plan's id are the agreement's."""

    kind = models.CharField(_("kind"), max_length=20, choices=PlanKindCode.choices)
    organisation = models.ForeignKey(
        "org.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="agreements", verbose_name=_("branch")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("owner"),
    )
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        related_name="agreements",
        null=True,
        blank=True,
        verbose_name=_("site"),
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["branch", "kind"], name="agreement_branch_kind")]

    def __str__(self) -> str:
        return self.title


class AgreementVersion(models.Model):
    """One version of a plan's terms, as submitted to and confirmed by the owner."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=20, choices=VersionState.choices, default=VersionState.DRAFT
    )
    terms = models.JSONField(_("terms"), default=dict)
    reason = models.TextField(_("reason for the change"), blank=True)
    drafted_at = models.DateTimeField(_("drafted at"))
    drafted_by = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.CharField(_("confirmed by"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        "org.User",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("confirmation recorded by"),
    )
    signature = models.FileField(
        _("signature"), upload_to="agreements/signatures/%Y/", max_length=200, blank=True
    )
    scan = models.FileField(
        _("scanned confirmation"), upload_to="agreements/scans/%Y/", max_length=200, blank=True
    )
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreement_version_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="confirmed") | models.Q(confirmed_at__isnull=False),
                name="agreement_version_confirmed_has_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Once confirmed, a version only ever becomes superseded: its terms, who confirmed it,
        # when and the signature stay as the owner gave them (BS-4).
        if not self._state.adding:
            stored = AgreementVersion.objects.filter(pk=self.pk).values("state").first()
            if stored and stored["state"] in (VersionState.CONFIRMED, VersionState.SUPERSEDED):
                fields = kwargs.get("update_fields")
                if fields is None or not set(fields) <= {"state", "superseded_at"}:
                    raise Conflict(FROZEN_MESSAGE, code="version_confirmed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Conflict(FROZEN_MESSAGE, code="version_confirmed")


class AgreementEvent(models.Model):
    """The plan's timeline: append-only, one row per move of any of its versions."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="events", verbose_name=_("plan")
    )
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="events", verbose_name=_("version")
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=EventKind.choices)
    from_state = models.CharField(
        _("from"), max_length=20, choices=VersionState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=VersionState.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    person = models.CharField(_("owner's representative"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.version.number}: {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise Conflict(_("The timeline of a plan is never changed."), code="timeline_archived")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Conflict(_("The timeline of a plan is never changed."), code="timeline_archived")
