from django.db import models
from django.utils.translation import gettext_lazy as _

from aftercare.org.models import Branch


class RegisterCounter(models.Model):
    """The last sequence number of a branch's register (calls, letters, …) for a year.

    Row-locked while a number is drawn (``registers.next_number``). The table keeps the name it
    had when only the call register used it.
    """

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    register = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "followups_registercounter"
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "register", "year"], name="register_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch_id}-{self.register}-{self.year}: {self.last}"


class Amendment(models.Model):
    """Columns every amendment shares: which field, its value before and after, and why.

    A record that is an archive (a call, a register line) is never overwritten; a correction is
    a row of a concrete subclass that points at the record and names who made it and when.
    """

    field = models.CharField(_("field"), max_length=40)
    old_value = models.JSONField(_("original"))
    new_value = models.JSONField(_("correction"))
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        abstract = True
