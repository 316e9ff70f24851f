"""The only writers of the portal: invite an owner's contact, revoke an invitation, and accept
one (which makes the owner's login). The owner's own moves — reporting a fault, confirming or
returning a plan — are the hotline's and the plan workflow's actions, called with their login.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftercare.customers.identifiers import normalise_phone
from aftercare.customers.models import Customer, CustomerContact
from aftercare.errors import Conflict, Errors, InvalidInput
from aftercare.messaging.gateways import DeliveryError, configured_gateway
from aftercare.moments import event_moment
from aftercare.org.access import ensure_allowed
from aftercare.org.models import User
from aftercare.org.roles import Role
from aftercare.portal.models import InvitationState, OwnerInvitation, digest, new_token

log = logging.getLogger(__name__)

INVITE = "portal.add_ownerinvitation"
REVOKE = "portal.change_ownerinvitation"


def invitation_days() -> int:
    return int(getattr(settings, "AFTERCARE_PORTAL_INVITATION_DAYS", 7))


@dataclass(frozen=True)
class Invited:
    """An invitation made, with its link's token (shown once; only its digest is kept)."""

    invitation: OwnerInvitation
    token: str


def _has_login(contact: CustomerContact) -> bool:
    return OwnerInvitation.objects.filter(
        contact=contact, accepted_at__isnull=False, user__is_active=True
    ).exists()


def invite_owner(
    *,
    by: User,
    customer: Customer,
    contact: CustomerContact | None = None,
    email: str = "",
    phone: str = "",
    link: str = "",
    at: datetime | None = None,
) -> Invited:
    """Invite a contact of a building owner to the portal: a link valid for
    ``AFTERCARE_PORTAL_INVITATION_DAYS`` days, sent by e-mail or SMS to the address given (or
    the contact's own). `link` is the accept page's URL with ``{token}`` in it (the page builds
    it from the request); the member of staff is shown the link too, to copy.

    One contact, one login: a contact whose login exists is refused; a newer invitation of the
    same contact replaces the pending one (it is revoked)."""
    ensure_allowed(by, INVITE, customer.branch)
    moment = event_moment(at)
    errors = Errors()
    email, phone = (email or "").strip().lower(), (phone or "").strip()
    if contact is not None:
        if contact.customer_id != customer.pk:
            errors.add("contact", _("The contact is not one of this owner's."))
        elif not email and not phone:
            email = (contact.email or "").lower()
            phone = str(contact.phones[0]) if contact.phones else ""
            if email:
                phone = ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email", _("Enter a valid e-mail address."))
    if phone:
        try:
            phone = normalise_phone(phone, customer.branch.organisation.region).e164
        except ValueError as error:
            errors.add("phone", str(error))
    if not email and not phone:
        errors.add("email", _("Give an e-mail address or a mobile number to send the link to."))
    username = email or phone
    if username and User.objects.filter(username__iexact=username).exists():
        errors.add(
            "email" if email else "phone",
            _("A login with this e-mail address or phone number exists already."),
        )
    if contact is not None and not errors and _has_login(contact):
        raise Conflict(_("This contact has a login to the portal already."), code="has_login")
    errors.raise_if_any(_("The invitation cannot be sent."))
    token, hashed = new_token()
    with transaction.atomic():
        if contact is not None:
            OwnerInvitation.objects.filter(
                contact=contact, accepted_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=moment, revoked_by=by)
        invitation = OwnerInvitation.objects.create(
            customer=customer, contact=contact, email=email, phone="" if email else phone,
            token_hash=hashed, created_at=moment,
            expires_at=moment + timedelta(days=invitation_days()), invited_by=by,
        )  # fmt: skip
    if link:
        _send(invitation, link.replace("{token}", token), moment)
    return Invited(invitation, token)


def _text(invitation: OwnerInvitation, url: str) -> tuple[str, str]:
    """Subject and text of the invitation, in the inviting organisation's shipped language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your login to %(company)s's owner portal") % {
            "company": invitation.customer.branch.organisation.name
        }
        body = _(
            "%(company)s invites you to its owner portal for %(owner)s: report faults, follow "
            "your tickets, confirm plans and download your documents. Choose your password "
            "here (the link works until %(until)s): %(url)s"
        ) % {
            "company": invitation.customer.branch.organisation.name,
            "owner": invitation.customer.name,
            "until": timezone.localtime(
                invitation.expires_at, invitation.customer.branch.organisation.tz
            ).strftime("%Y-%m-%d %H:%M"),
            "url": url,
        }
    return subject, body


def _send(invitation: OwnerInvitation, url: str, moment: datetime) -> None:
    """Send the link by e-mail (Django mail) or SMS (the messaging app's gateway). The link
    is not kept in any message row: only the invitation's digest is stored. A failure is
    recorded on the invitation; the link shown to the member of staff still works."""
    subject, body = _text(invitation, url)
    try:
        if invitation.email:
            send_mail(subject, body, None, [invitation.email], fail_silently=False)
        else:
            configured_gateway().send(invitation.phone, body)
    except (smtplib.SMTPException, OSError, DeliveryError) as error:
        log.warning("owner invitation %s not sent: %s", invitation.pk, error)
        invitation.send_error = f"{type(error).__name__}: {error}"[:500]
        invitation.save(update_fields=["send_error"])
        return
    invitation.sent_at = moment
    invitation.save(update_fields=["sent_at"])


@transaction.atomic
def revoke(invitation: OwnerInvitation, *, by: User, at: datetime | None = None) -> OwnerInvitation:
    """Withdraw a pending invitation: its link stops working. A used one is kept as it is
    (the login it made is switched off on the staff page instead)."""
    ensure_allowed(by, REVOKE, invitation.customer.branch)
    moment = event_moment(at)
    invitation = OwnerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation was used already."), code="invitation_used")
    if invitation.revoked_at is None:
        invitation.revoked_at, invitation.revoked_by = moment, by
        invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


class Gone(Conflict):
    """The link no longer opens anything: expired, revoked or used (the page answers 410)."""

    status = 410
    code = "invitation_gone"


@transaction.atomic
def accept(token: str, *, password: str, at: datetime | None = None) -> User:
    """Use an invitation: the owner's login (username: the e-mail address or phone number the
    link went to; role owner; the customer; the customer's organisation), with the password
    chosen (Django's validators). The invitation is used once."""
    moment = event_moment(at)
    invitation = (
        OwnerInvitation.objects.select_for_update(of=("self",))
        .select_related("customer__branch", "contact")
        .filter(token_hash=digest(token or ""))
        .first()
    )
    if invitation is None or invitation.state_at(moment) != InvitationState.PENDING:
        raise Gone(_("This invitation link is no longer valid."))
    username = invitation.address
    user = User(
        username=username,
        email=invitation.email,
        phone=invitation.phone,
        display_name=invitation.contact.name if invitation.contact is not None else "",
        organisation_id=invitation.customer.branch.organisation_id,
        branch=None,
        customer=invitation.customer,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(
            _("Choose another password."), fields={"password1": list(error.messages)}
        ) from error
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("A login with this e-mail address or phone number exists already."))
    if invitation.contact is not None and _has_login(invitation.contact):
        raise Conflict(_("This contact has a login to the portal already."), code="has_login")
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name=Role.OWNER.value))
    invitation.accepted_at, invitation.user = moment, user
    invitation.save(update_fields=["accepted_at", "user"])
    return user
