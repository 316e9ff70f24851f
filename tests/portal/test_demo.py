"""The demo has a login to the owner's portal (owner1, the demo password) for the first
building owner, and removes it again."""

import pytest
from django.conf import settings

from aftercare import demo
from aftercare.org.models import User
from aftercare.portal.models import OwnerInvitation

pytestmark = pytest.mark.django_db


def test_the_demo_owner_signs_in_to_the_portal(client):
    org = demo.load(customers_per_branch=2)
    owner = User.objects.get(username="owner1")
    assert owner.customer.name == "上海浦江置業有限公司" and owner.branch is None
    assert owner.organisation == org
    assert OwnerInvitation.objects.get(user=owner).accepted_at is not None
    assert owner.check_password(settings.AFTERCARE_DEMO_PASSWORD)
    client.force_login(owner)
    page = client.get("/portal/")
    assert page.status_code == 200 and "浦江國際金融大廈" in page.content.decode()
    from aftercare.portal import demo as portal_demo

    portal_demo.remove(org)
    assert not User.objects.filter(customer__isnull=False).exists()
