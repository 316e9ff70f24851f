"""Every rule of STANDARD.md as data: the defaults an organisation may override.

`opens_after` and `due_after` count from the rule's trigger; negative values count backwards
(DS-7 is due 14 days *before* the campaign starts). A rule without `due_after` has no deadline
of its own: the software enforces it structurally (an append-only register, a check before an
action) instead of putting it on a worklist.
"""

from dataclasses import dataclass, replace
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from aftercare.org.roles import Role


class Unit(models.TextChoices):
    DAYS = "days", _("days")
    HOURS = "hours", _("hours")
    MONTHS = "months", _("months")


class DayCount(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class Desk(models.TextChoices):
    DEALERSHIP = "DS", _("Dealership")
    BUILDING_SYSTEMS = "BS", _("Building systems")


@dataclass(frozen=True)
class Rule:
    id: str
    title: StrOrPromise
    trigger: StrOrPromise
    owner_role: str
    due_after: int | None
    opens_after: int | None = None
    unit: str = Unit.DAYS
    day_count: str = DayCount.CALENDAR
    enabled: bool = True

    @property
    def desk(self) -> str:
        return self.id.split("-")[0]

    @property
    def unit_label(self) -> str:
        """The unit in the reader's language ("days", 天, 天)."""
        return str(Unit(self.unit).label)

    @property
    def day_count_label(self) -> str:
        """How days are counted, in the reader's language (never the stored code)."""
        return str(DayCount(self.day_count).label)

    @property
    def tracked(self) -> bool:
        """Whether the rule puts obligations on worklists (it has a deadline)."""
        return self.due_after is not None

    def with_overrides(self, **changes: Any) -> "Rule":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


R = Role
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("DS-1", _("Archive the customer"), _("vehicle checked in, or consultation visit ended"),
         R.FOLLOWUP_ADVISOR, due_after=2),
    Rule("DS-2", _("Plan the next service"), _("vehicle checked in, or consultation visit ended"),
         R.FOLLOWUP_ADVISOR, due_after=2),
    Rule("DS-2M", _("Maintenance reminder"),
         _("a vehicle's next maintenance approaches (counted back)"),
         R.FOLLOWUP_ADVISOR, due_after=-7),
    Rule("DS-3", _("First follow-up call"), _("vehicle picked up, or consultation visit ended"),
         R.FOLLOWUP_ADVISOR, opens_after=3, due_after=7),
    Rule("DS-4", _("Raised item answered or escalated"),
         _("a call records a request, wish or complaint"), R.FOLLOWUP_ADVISOR, due_after=2),
    Rule("DS-4E", _("Escalation answered by the supervisor"), _("an item is escalated"),
         R.SUPERVISOR, due_after=1, day_count=DayCount.WORKING),
    Rule("DS-5", _("Tell the customer the solution"), _("a solution is recorded"),
         R.FOLLOWUP_ADVISOR, due_after=0),
    Rule("DS-6", _("Second follow-up call"), _("the first follow-up call is completed"),
         R.FOLLOWUP_ADVISOR, opens_after=7, due_after=14),
    Rule("DS-7", _("Campaign notice by phone"),
         _("a campaign is scheduled (counted back from its start)"),
         R.FOLLOWUP_ADVISOR, due_after=-14),
    Rule("DS-7L", _("Campaign notice by letter"),
         _("a notice call reaches a letter-preferring customer, or the third attempt fails"),
         R.FOLLOWUP_ADVISOR, due_after=2),
    Rule("DS-8", _("Every call is registered"), _("any call, outbound or inbound"),
         R.FOLLOWUP_ADVISOR, due_after=None),
    Rule("DS-9", _("Every letter is registered"), _("any letter sent"),
         R.FOLLOWUP_ADVISOR, due_after=None),
    Rule("DS-10", _("Stand-in when absent"), _("an absence is recorded"),
         R.SUPERVISOR, due_after=None),
    Rule("DS-11", _("Monthly and yearly review"), _("end of each month and year"),
         R.SUPERVISOR, due_after=5),
    Rule("DS-12", _("Rags cleared"), _("recurring, by the bin's frequency"), R.ADVISOR,
         due_after=0),
    Rule("DS-13", _("Fire equipment inspected"), _("recurring, monthly per item; before expiry"),
         R.SUPERVISOR, due_after=0),
    Rule("BS-1", _("Trainee requirements recorded"), _("a trainee is enrolled"),
         R.TRAINING_COORDINATOR, due_after=None),
    Rule("BS-2", _("Two trained people per key system"), _("coverage of a key subsystem below 2"),
         R.TRAINING_COORDINATOR, due_after=30),
    Rule("BS-3", _("Curricula by track"), _("a training plan is drafted"),
         R.TRAINING_COORDINATOR, due_after=None),
    Rule("BS-4", _("Plan confirmed by the owner"), _("a plan is submitted"),
         R.TRAINING_COORDINATOR, due_after=None),
    Rule("BS-5", _("Warranty from acceptance"), _("final acceptance is recorded"),
         R.SUPERVISOR, due_after=24, unit=Unit.MONTHS),
    Rule("BS-6", _("Offer a maintenance contract"), _("warranty end approaches (counted back)"),
         R.SUPERVISOR, due_after=-60),
    Rule("BS-7", _("On site within 2 hours"), _("a fault is reported to the hotline"),
         R.ENGINEER, due_after=2, unit=Unit.HOURS),
    Rule("BS-8", _("Line fault fixed within 4 hours"), _("an ordinary line fault is reported"),
         R.ENGINEER, due_after=4, unit=Unit.HOURS),
    Rule("BS-9", _("Preventive maintenance visit"), _("a planned visit's scheduled date"),
         R.ENGINEER, due_after=0),
    Rule("BS-10", _("Bill after warranty"), _("a repair outside warranty and contract"),
         R.SUPERVISOR, due_after=3, day_count=DayCount.WORKING),
    Rule("BS-11", _("Retrain on staff change"), _("a trained operator leaves or is replaced"),
         R.TRAINING_COORDINATOR, due_after=30),
    Rule("BS-12", _("Priority spare parts"), _("a reserved part cannot be served from stock"),
         R.PARTS_CLERK, due_after=2, day_count=DayCount.WORKING),
    Rule("BS-13", _("Emergency targets apply"), _("a fault is reported as an emergency"),
         R.ENGINEER, due_after=None),
    Rule("BS-14", _("Documentation archive complete"), _("commissioning handover"),
         R.SUPERVISOR, due_after=None),
)  # fmt: skip

RULES: dict[str, Rule] = {rule.id: rule for rule in DEFAULT_RULES}
_POSITION = {rule.id: index for index, rule in enumerate(DEFAULT_RULES)}


def rulebook_order(rule_id: str) -> tuple[int, str]:
    """Sort key: the rulebook's order (DS-2 before DS-11), unknown ids last."""
    return (_POSITION.get(rule_id, len(_POSITION)), rule_id)


def default_rule(rule_id: str) -> Rule:
    try:
        return RULES[rule_id]
    except KeyError:
        raise LookupError(f"Unknown rule id {rule_id!r}") from None
