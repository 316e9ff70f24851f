"""Demo: a login to the owner's portal for the first building owner's facility manager, as if
they had accepted an invitation (``make run`` shows the portal as ``owner1``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from aftercare.customers.models import Customer, CustomerContact
from aftercare.org.models import Organisation, User
from aftercare.org.roles import Role
from aftercare.portal.models import OwnerInvitation, new_token
from aftercare.sites.demo import OWNERS

# username, display name, roles, where: printed with the other demo logins.
LOGINS = [("owner1", "李國強", [Role.OWNER], OWNERS[0][0])]


def load(organisation: Organisation, now: datetime) -> None:
    owner = Customer.objects.filter(branch__organisation=organisation, name=OWNERS[0][0]).first()
    if owner is None:  # the building-systems demo is not installed
        return
    contact = CustomerContact.objects.filter(customer=owner).order_by("position", "id").first()
    username, name, roles, _where = LOGINS[0]
    user = User.objects.create(
        username=username, password=make_password(settings.AFTERCARE_DEMO_PASSWORD),
        display_name=name, phone=contact.phones[0] if contact and contact.phones else "",
        email=contact.email if contact else "", organisation=organisation, branch=None,
        customer=owner,
    )  # fmt: skip
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    inviter = User.objects.filter(username="supervisor3").first()
    if inviter is not None:
        _token, hashed = new_token()
        OwnerInvitation.objects.create(
            customer=owner, contact=contact, email=user.email or "", phone=user.phone,
            token_hash=hashed, created_at=now - timedelta(days=2),
            expires_at=now + timedelta(days=5), invited_by=inviter,
            sent_at=now - timedelta(days=2), accepted_at=now - timedelta(days=1), user=user,
        )  # fmt: skip


def remove(organisation: Organisation) -> None:
    OwnerInvitation.objects.filter(customer__branch__organisation=organisation).delete()
    User.objects.filter(organisation=organisation, customer__isnull=False).delete()
