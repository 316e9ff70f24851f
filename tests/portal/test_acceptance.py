"""The issue's acceptance: an owner reports a fault at 2026-08-04 09:10 from the portal; BS-7 is
due on the contract's calendar from 09:10, the hotline sees the ticket at once, the owner sees
the due moment and, after the engineer's arrival, "on site"."""

import pytest
import time_machine
from django.urls import reverse

from aftercare.servicedesk import actions as hotline
from aftercare.servicedesk.models import Ticket, TicketEvent
from tests.portal.helpers import owner_of
from tests.servicedesk.helpers import at, clocks
from tests.servicedesk.helpers import hotline as make_hotline

pytestmark = pytest.mark.django_db


def test_a_fault_reported_in_the_portal_runs_on_the_contracts_calendar(client):
    h = make_hotline()
    owner = owner_of(h.owner, "owner_a", display_name="李經理", phone="+8613817001001")
    client.force_login(owner)
    with time_machine.travel(at(2026, 8, 4, 9, 10), tick=False):  # a Tuesday
        form = client.get(reverse("portal:report"))
        assert form.status_code == 200
        assert form.context["form"].initial["caller_name"] == "李經理"
        response = client.post(reverse("portal:report"), {
            "site": h.site.pk, "system": h.cctv.pk, "category": "line_fault",
            "description": "大堂攝像機無畫面", "caller_name": "李經理",
            "caller_phone": "13817001001",
        })  # fmt: skip
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:ticket", args=[ticket.pk])
    assert ticket.reported_at == at(2026, 8, 4, 9, 10)
    assert ticket.recorded_by == owner and ticket.contract == h.contract
    assert TicketEvent.objects.get(ticket=ticket).data["via"] == "portal"
    # Two hours on Mon–Fri 09:00–18:00 from 09:10.
    assert clocks(ticket)["BS-7"].due_at == at(2026, 8, 4, 11, 10)

    # The hotline's board lists it at once.
    staff = type(client)()
    staff.force_login(h.sam)
    with time_machine.travel(at(2026, 8, 4, 9, 11), tick=False):
        assert ticket.number in staff.get(reverse("servicedesk:board")).content.decode()
        page = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
        home = client.get(reverse("portal:home")).content.decode()
    assert "Engineer due on site by 11:10" in page
    assert "2026-08-04 11:10" in page  # the clocks table, in the organisation's zone
    assert "Engineer due on site by 11:10" in home

    hotline.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 8, 4, 9, 20))
    hotline.arrive(ticket, by=h.eve, at=at(2026, 8, 4, 10, 20))
    with time_machine.travel(at(2026, 8, 4, 10, 25), tick=False):
        page = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
        listed = client.get(reverse("portal:tickets")).content.decode()
    assert "On site since 10:20" in page and "On site since 10:20" in listed
    assert "Engineer due on site" not in page
    assert "Fix due by 13:10" in page  # the line fault's four hours run on


def test_a_pause_shows_why_the_clock_stopped(client):
    h = make_hotline()
    client.force_login(owner_of(h.owner, "owner_a"))
    ticket = h.call(at(2026, 8, 4, 9, 10))
    hotline.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 8, 4, 9, 20))
    hotline.arrive(ticket, by=h.eve, at=at(2026, 8, 4, 10, 0))
    hotline.pause(ticket, by=h.eve, reason="owner_access", at=at(2026, 8, 4, 10, 30))
    with time_machine.travel(at(2026, 8, 4, 10, 40), tick=False):
        page = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "Clock stopped: No access to the site" in page
