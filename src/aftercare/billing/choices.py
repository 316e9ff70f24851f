from django.db import models
from django.utils.translation import gettext_lazy as _


class LabourMode(models.TextChoices):
    PER_HOUR = "per_hour", _("per hour")
    FLAT = "flat", _("flat fee per repair")


class LabourRounding(models.TextChoices):
    """How worked minutes become billed time (per hour only)."""

    STARTED_HOUR = "hour", _("per started hour")
    STARTED_HALF_HOUR = "half_hour", _("per started half hour")
    STARTED_QUARTER = "quarter", _("per started quarter hour")
    MINUTE = "minute", _("by the minute")


ROUNDING_MINUTES = {
    LabourRounding.STARTED_HOUR: 60,
    LabourRounding.STARTED_HALF_HOUR: 30,
    LabourRounding.STARTED_QUARTER: 15,
    LabourRounding.MINUTE: 1,
}


class BillState(models.TextChoices):
    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")
    VOID = "void", _("withdrawn draft")


class LineKind(models.TextChoices):
    PART = "part", _("part")
    LABOUR = "labour", _("labour")


class Basis(models.TextChoices):
    """Why a repair is (or is not) billed: the coverage of the item at the fault (BS-10)."""

    WARRANTY = "warranty", _("in warranty: nothing is billed")
    CONTRACT_ALL = "contract_all", _("under contract, parts and labour included: nothing is billed")
    CONTRACT_PARTS = "contract_parts", _("under contract, labour included: parts are billed")
    CONTRACT_LABOUR = "contract_labour", _("under contract, parts included: labour is billed")
    CONTRACT_NONE = (
        "contract_none",
        _("under contract, neither included: parts and labour are billed"),
    )
    UNCOVERED = "uncovered", _("not covered: parts at cost and labour are billed")
