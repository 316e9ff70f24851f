"""The supervisor's monthly and yearly review (DS-11): a summary and the period's figures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.errors import Conflict
from aftercare.reviews.choices import ReviewKind, ReviewStatus

FROZEN_MESSAGE = _("This review is finalised: its figures and text can no longer change.")


class Review(models.Model):
    """A branch's review of a month ("2026-07") or a year ("2026").

    While a draft, `figures` is the snapshot of its last save; finalising stores the figures
    and the text as they are, and from then on the row refuses every save and delete (DS-11),
    so late data changes the live dashboard, never the archived review.
    """

    branch = models.ForeignKey(
        "org.Branch", on_delete=models.PROTECT, related_name="reviews", verbose_name=_("branch")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ReviewKind.choices)
    period = models.CharField(_("period"), max_length=7)
    summary = models.TextField(_("summary"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finalised by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["branch_id", "-period", "kind"]
        permissions = [("finalise_review", _("Can write and finalise the branch's reviews"))]
        constraints = [
            # One review per branch and period: the tick that drafts it may run any number of
            # times (and twice at once).
            models.UniqueConstraint(
                fields=["branch", "kind", "period"], name="review_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"

    def save(self, *args, **kwargs):
        # The row in the database decides, not this instance: a stale copy loaded before
        # finalising must not overwrite the archived review either.
        if self._stored_as_finalised():
            raise Conflict(FROZEN_MESSAGE, code="review_finalised")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_as_finalised():
            raise Conflict(FROZEN_MESSAGE, code="review_finalised")
        return super().delete(*args, **kwargs)

    @property
    def is_finalised(self) -> bool:
        return self.status == ReviewStatus.FINALISED

    def _stored_as_finalised(self) -> bool:
        return (
            self.pk is not None
            and Review.objects.filter(pk=self.pk, status=ReviewStatus.FINALISED).exists()
        )
