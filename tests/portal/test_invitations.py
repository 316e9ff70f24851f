"""Invitations: a supervisor invites an owner's contact by e-mail or phone; the link expires,
works once, and only its SHA-256 is stored. Accepting it makes the owner's login."""

import hashlib
import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from aftercare.errors import Conflict, NotAllowed
from aftercare.org.models import User
from aftercare.portal import actions
from aftercare.portal.models import OwnerInvitation
from tests.portal.helpers import NOW, two_owners

pytestmark = pytest.mark.django_db

LINK = "https://aftercare.example/portal/invite/{token}/"


@pytest.fixture(scope="module")
def _built(build_once):
    with build_once(two_owners) as built:
        yield built


@pytest.fixture
def world(db, _built):
    return _built


def test_an_invitation_by_email_is_stored_hashed_and_accepted_once(client, world):
    from aftercare.customers.models import CustomerContact

    contact = CustomerContact.objects.create(
        customer=world.a.customer, name="陳曉燕", email="chen@pujiang.example"
    )
    client.force_login(world.s.sam)
    response = client.post(reverse("portal:invitations"), {
        "customer": world.a.customer.pk, "contact": contact.pk, "email": "", "phone": "",
    })  # fmt: skip
    assert response.status_code == 200
    link = response.context["link"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = OwnerInvitation.objects.get(contact=contact)
    assert invitation.email == "chen@pujiang.example"
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps(list(OwnerInvitation.objects.values()), default=str)
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    assert invitation.sent_at is not None

    anonymous = type(client)()
    page = anonymous.get(reverse("portal:accept", args=[token]))
    assert page.status_code == 200 and "chen@pujiang.example" in page.content.decode()
    weak = anonymous.post(reverse("portal:accept", args=[token]),
                          {"password1": "123", "password2": "123"})  # fmt: skip
    assert weak.status_code == 422
    done = anonymous.post(
        reverse("portal:accept", args=[token]),
        {"password1": "a-long-Secret-2026", "password2": "a-long-Secret-2026"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("portal:home")
    user = User.objects.get(username="chen@pujiang.example")
    assert (user.customer, user.branch, user.organisation) == (
        world.a.customer, None, world.a.customer.branch.organisation,
    )  # fmt: skip
    assert list(user.groups.values_list("name", flat=True)) == ["owner"]
    assert user.get_all_permissions() == set()
    assert anonymous.get(reverse("portal:home")).status_code == 200  # signed in
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.user == user

    used = type(client)().post(
        reverse("portal:accept", args=[token]),
        {"password1": "b-long-Secret-2026", "password2": "b-long-Secret-2026"},
    )
    assert used.status_code == 410
    assert User.objects.filter(customer=world.a.customer).count() == 2  # owner_a and the new one
    # One contact, one login.
    with pytest.raises(Conflict):
        actions.invite_owner(by=world.s.sam, customer=world.a.customer, contact=contact,
                             email="other@pujiang.example")  # fmt: skip


def test_an_expired_or_revoked_link_answers_410(client, world):
    with time_machine.travel(NOW, tick=False):
        old = actions.invite_owner(by=world.s.sam, customer=world.a.customer,
                                   email="old@pujiang.example", link=LINK)  # fmt: skip
        revoked = actions.invite_owner(by=world.s.sam, customer=world.a.customer,
                                       phone="13817009999", link=LINK)  # fmt: skip
    assert revoked.invitation.phone == "+8613817009999"
    assert old.invitation.expires_at == NOW + timedelta(days=7)
    actions.revoke(revoked.invitation, by=world.s.sam)
    with time_machine.travel(NOW + timedelta(days=7, minutes=1), tick=False):
        for token in (old.token, revoked.token, "not-a-token"):
            page = client.get(reverse("portal:accept", args=[token]))
            assert page.status_code == 410
            posted = client.post(reverse("portal:accept", args=[token]),
                                 {"password1": "a-long-Secret-2026",
                                  "password2": "a-long-Secret-2026"})  # fmt: skip
            assert posted.status_code == 410
        assert "expired" in client.get(reverse("portal:accept", args=[old.token])).content.decode()
    assert not User.objects.filter(username__in=["old@pujiang.example", "+8613817009999"]).exists()


def test_an_invitation_by_phone_goes_by_sms(world, settings, tmp_path):
    log = tmp_path / "sms.log"
    settings.AFTERCARE_SMS_BACKEND, settings.AFTERCARE_SMS_LOG = "file", str(log)
    invited = actions.invite_owner(by=world.s.sam, customer=world.a.customer,
                                   phone="138 1700 8888", link=LINK)  # fmt: skip
    line = json.loads(log.read_text().splitlines()[-1])
    assert line["to"] == "+8613817008888"
    assert LINK.format(token=invited.token) in line["text"]


def test_who_may_invite(client, world):
    with pytest.raises(NotAllowed):
        actions.invite_owner(by=world.s.eve, customer=world.a.customer, email="x@y.example")
    with pytest.raises(NotAllowed):
        actions.invite_owner(by=world.a.owner, customer=world.a.customer, email="x@y.example")
    client.force_login(world.s.eve)
    assert client.get(reverse("portal:invitations")).status_code == 403


def test_the_staff_list_shows_states_and_revokes(client, world):
    with time_machine.travel(NOW, tick=False):
        invited = actions.invite_owner(by=world.s.sam, customer=world.b.customer,
                                       email="zhou@other.example")  # fmt: skip
    client.force_login(world.s.sam)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        page = client.get(reverse("portal:invitations")).content.decode()
        assert 'data-state="pending"' in page
        response = client.post(reverse("portal:revoke", args=[invited.invitation.pk]))
        assert response.status_code == 302
        assert 'data-state="revoked"' in client.get(reverse("portal:invitations")).content.decode()
    client.force_login(world.s.sue)  # a supervisor of another branch
    assert client.post(reverse("portal:revoke", args=[invited.invitation.pk])).status_code == 404
