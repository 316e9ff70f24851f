"""Per-organisation overrides of the rulebook, and the organisation's own calendar days."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftercare.standard.rules import RULES, DayCount

RULE_CHOICES = [(rule_id, rule_id) for rule_id in RULES]


class RuleSetting(models.Model):
    """An organisation's own durations for one rule; empty fields keep the standard's default."""

    organisation = models.ForeignKey(
        "org.Organisation", on_delete=models.CASCADE, related_name="rule_settings"
    )
    rule_id = models.CharField(_("rule"), max_length=8, choices=RULE_CHOICES)
    opens_after = models.IntegerField(_("opens after"), null=True, blank=True)
    due_after = models.IntegerField(_("due after"), null=True, blank=True)
    day_count = models.CharField(
        _("day counting"), max_length=10, choices=DayCount.choices, blank=True
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "rule_id"], name="rule_setting_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} @ {self.organisation}"


class CalendarDay(models.Model):
    """A closure (shop shut) or an extra make-up working day of the organisation."""

    class Kind(models.TextChoices):
        CLOSURE = "closure", _("Closed")
        WORKING = "working", _("Extra working day")

    organisation = models.ForeignKey(
        "org.Organisation", on_delete=models.CASCADE, related_name="calendar_days"
    )
    day = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "day"], name="calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"
