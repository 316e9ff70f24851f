"""The owner's portal: invitations that give an owner's contact a login of their own.

An invitation names the customer (a building owner), optionally the contact it is for, and
where the link went (an e-mail address or a phone number). Only the SHA-256 of its token is
kept, like ``org.ApiToken``: the link is shown once to the member of staff who invited, and
sent; a leak of the database opens no account. It expires (``AFTERCARE_PORTAL_INVITATION_DAYS``,
7 by default), may be revoked, and is used once: accepting it makes the owner's login.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftercare.org.access import restrict


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and its digest (the token is never stored)."""
    raw = secrets.token_urlsafe(32)
    return raw, digest(raw)


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    EXPIRED = "expired", _("Expired")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


class InvitationQuerySet(models.QuerySet["OwnerInvitation"]):
    def visible_to(self, user: object) -> models.QuerySet[OwnerInvitation]:
        """The staff's read scope of invitations: the customer's branch."""
        return restrict(self, user, "portal.view_ownerinvitation", branch_field="customer__branch")


class OwnerInvitation(models.Model):
    """A link inviting an owner's contact to the portal."""

    State = InvitationState

    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="portal_invitations",
        verbose_name=_("owner"),
    )
    contact = models.ForeignKey(
        "customers.CustomerContact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_invitations",
        verbose_name=_("contact"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("invited at"))
    expires_at = models.DateTimeField(_("expires at"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    send_error = models.CharField(_("sending failed"), max_length=500, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_invitation",
        verbose_name=_("login"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("owner's invitation")
        verbose_name_plural = _("owner's invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One contact, one login: at most one accepted invitation per contact.
            models.UniqueConstraint(
                fields=["contact"],
                condition=models.Q(accepted_at__isnull=False, contact__isnull=False),
                name="owner_invitation_one_login_per_contact",
            ),
            models.CheckConstraint(
                condition=~models.Q(email="", phone=""), name="owner_invitation_has_address"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.email or self.phone}"

    def state_at(self, now: datetime) -> str:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def address(self) -> str:
        return self.email or self.phone
