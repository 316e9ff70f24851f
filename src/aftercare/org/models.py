"""Organisation, branches, staff, absences (DS-10) and API tokens."""

import hashlib
import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Region(models.TextChoices):
    """Where public holidays and make-up working days come from."""

    MAINLAND = "CN", _("Mainland China")
    TAIWAN = "TW", _("Taiwan")
    HONG_KONG = "HK", _("Hong Kong")


TIME_ZONE_CHOICES = [
    ("Asia/Shanghai", "Asia/Shanghai"),
    ("Asia/Taipei", "Asia/Taipei"),
    ("Asia/Hong_Kong", "Asia/Hong_Kong"),
    ("Asia/Macau", "Asia/Macau"),
    ("Asia/Singapore", "Asia/Singapore"),
    ("UTC", "UTC"),
]


class Organisation(models.Model):
    """The service department that the standard binds; its time zone decides every deadline."""

    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Shanghai"
    )
    region = models.CharField(
        _("holiday region"), max_length=2, choices=Region.choices, default=Region.MAINLAND
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class Branch(models.Model):
    """A shop or office of the organisation; visibility is scoped by branch."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="branches"
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Which desks of the standard the branch runs: a 4S shop, an ELV integrator's service
    # department, or both under one roof. Menus and pages follow the user's branch.
    runs_dealership = models.BooleanField(_("runs the dealership desk"), default=True)
    runs_building_systems = models.BooleanField(_("runs the building-systems desk"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["organisation_id", "code"]
        # Administrators work in every branch of their organisation (org.access.ANY_BRANCH).
        permissions = [("act_in_any_branch", _("Can work in every branch of the organisation"))]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="branch_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def desks(self) -> frozenset[str]:
        """Rule-id prefixes of the desks run here ("DS", "BS")."""
        run = {"DS": self.runs_dealership, "BS": self.runs_building_systems}
        return frozenset(desk for desk, on in run.items() if on)


def new_access_stamp() -> str:
    return secrets.token_hex(8)


class User(AbstractUser):
    """A member of staff; roles are Django groups named by `Role` codes."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("organisation"),
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("branch"),
    )
    # An owner's representative (role `owner`) belongs to one customer — a building owner —
    # instead of a branch: the portal shows them that company's records and nothing else.
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="logins",
        verbose_name=_("owner (customer)"),
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The language chosen in the switcher: what the calendar feed and e-mails are written in,
    # since those are read away from a page. Empty: the site's default (zh-hant).
    language = models.CharField(
        _("language"), max_length=10, blank=True, default="", choices=settings.LANGUAGES
    )
    # Replaced by a new random value whenever the user's roles or permissions change
    # (`org.permissions`): the cached permission set is keyed by it, so no process can serve a
    # set from before the change — the row is read on every request anyway, the set is not.
    # Random rather than a counter: SQLite reuses the id of a rolled-back row, and a counter
    # would start again at the same value for somebody else.
    access_stamp = models.CharField(max_length=32, default=new_access_stamp, editable=False)
    # Roles are groups: their history is kept with the user's, so a role change is on record.
    history = HistoricalRecords(m2m_fields=["groups"])

    class Meta(AbstractUser.Meta):
        # django-stubs types AbstractUser.Meta's names as str; Django takes lazy text as well.
        verbose_name = _("staff member")  # type: ignore[assignment]
        verbose_name_plural = _("staff")  # type: ignore[assignment]
        permissions = [
            ("manage_branch_staff", _("Can plan stand-ins and hand on work for the branch's staff"))
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A plain save of a stored user never writes `access_stamp`: only the statements of
        `org.permissions` raise it, and an object read before a change of roles must not put
        the old value back (its cached permissions would be served again)."""
        plain = not args and not any(
            kwargs.get(name) for name in ("force_insert", "force_update", "update_fields")
        )
        if plain and not self._state.adding and self.pk is not None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "access_stamp"
            ]
        super().save(*args, **kwargs)

    @property
    def role_codes(self) -> list[str]:
        """The user's roles, read with their permissions in one cached step."""
        from aftercare.org.permissions import access_of

        return list(access_of(self).roles)


class AbsenceQuerySet(models.QuerySet["Absence"]):
    def active(self, at: datetime) -> "AbsenceQuerySet":
        return self.filter(starts_at__lte=at, ends_at__gt=at, cancelled_at__isnull=True)


class Absence(models.Model):
    """DS-10: while an advisor is away, the named stand-in carries their open work."""

    # Not stored: set by queries.absences_around for the team page.
    current: bool
    open_work: int

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="absences", verbose_name=_("absent staff")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    stand_in = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="stand_ins", verbose_name=_("stand-in")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["stand_in", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(stand_in=F("user")), name="absence_stand_in_is_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.stand_in}"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def matching(self, raw: str) -> "ApiTokenQuerySet":
        return self.filter(digest=_digest(raw), revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token for integrations; only its SHA-256 is stored, so a leak of the DB is not."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(raw: str) -> str:
        """What is stored of a token: its SHA-256."""
        return _digest(raw)

    @staticmethod
    def generate() -> tuple[str, str, str]:
        raw = "ac_" + secrets.token_urlsafe(32)
        return raw, raw[:10], _digest(raw)
