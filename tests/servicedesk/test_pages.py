"""The hotline pages: the call form (prefilled from an item's QR label), the ticket page with
its clocks explained, dispatch and correction, the engineer's phone pages, suspensions, the
settings, and who is refused. Each page reads through queries and writes through the actions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from aftercare.servicedesk import actions
from aftercare.servicedesk.models import HotlineSettings, Suspension, Ticket, TicketEvent
from tests.factories import UserFactory
from tests.servicedesk.helpers import at, hotline, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def h():
    return hotline()


def text(response) -> str:
    return response.content.decode()


def call_form(h, **changes):
    data = {
        "site": h.site.pk,
        "system": h.cctv.pk,
        "caller_name": "王先生",
        "caller_phone": "13800138000",
        "category": "line_fault",
        "description": "三樓監控畫面全黑",
        "reported_at": "2026-04-30T16:30",
    }
    data.update(changes)
    return data


def dispatched(h, reported_at=None):
    ticket = h.call(reported_at or at(2026, 6, 2, 16, 0))
    return actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 16, 5))


# -- the call ---------------------------------------------------------------------------------


def test_the_equipment_page_links_to_the_call_form_prefilled_from_its_qr_label(h, client):
    client.force_login(h.sam)
    item_page = text(client.get(reverse("sites:equipment", args=[h.camera.pk])))
    assert f'href="/hotline/new/?equipment={h.camera.pk}"' in item_page

    page = client.get(reverse("servicedesk:new"), {"equipment": h.camera.pk})
    assert page.status_code == 200
    body = text(page)
    assert "半球攝像機" in body and "HK-0001" in body
    assert f'<option value="{h.cctv.pk}" selected>' in body
    assert f'<option value="{h.site.pk}" selected>' in body
    assert f'name="equipment" value="{h.camera.pk}"' in body
    assert "No open ticket for this item." in body

    response = client.post(
        reverse("servicedesk:new"), call_form(h, equipment=h.camera.pk, system="")
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("servicedesk:ticket", args=[ticket.pk])
    assert (ticket.system, ticket.equipment, ticket.caller_name) == (h.cctv, h.camera, "王先生")
    assert ticket.number == "BS-H-2026-000001"
    # Opened again from the label, the form names the open ticket, so it is not reported twice.
    again = text(client.get(reverse("servicedesk:new"), {"equipment": h.camera.pk}))
    assert "BS-H-2026-000001" in again and "Open tickets of this item:" in again


def test_a_site_or_system_prefills_and_an_unknown_id_is_not_found(h, client):
    client.force_login(h.sam)
    body = text(client.get(reverse("servicedesk:new"), {"system": h.fire.pk}))
    assert f'<option value="{h.fire.pk}" selected>' in body
    body = text(client.get(reverse("servicedesk:new"), {"site": h.site.pk}))
    assert f'<option value="{h.site.pk}" selected>' in body
    assert client.get(reverse("servicedesk:new"), {"equipment": 999999}).status_code == 404
    client.force_login(h.sue)  # the other branch does not see the item
    assert client.get(reverse("servicedesk:new"), {"equipment": h.camera.pk}).status_code == 404


def test_bad_input_is_shown_translated_with_422_and_nothing_typed_is_lost(h, client):
    client.force_login(h.sam)
    response = client.post(
        reverse("servicedesk:new"), call_form(h, system=h.b.fire.pk, equipment=h.camera.pk)
    )
    assert response.status_code == 422
    body = text(response)
    assert "This item is not part of the chosen system." in body
    assert 'value="13800138000"' in body and "三樓監控畫面全黑" in body
    assert Ticket.objects.count() == 0

    response = client.post(reverse("servicedesk:new"), call_form(h, caller_name="", system=""))
    assert response.status_code == 422
    assert "This field is required." in text(response)

    client.cookies.load({"django_language": "zh-hant"})
    response = client.post(
        reverse("servicedesk:new"), call_form(h, system=h.fire.pk, equipment=h.camera.pk)
    )
    assert response.status_code == 422
    assert 'lang="zh-Hant"' in text(response)
    assert Ticket.objects.count() == 0


# -- the ticket page --------------------------------------------------------------------------


def test_the_ticket_page_explains_each_clock_across_the_may_day_holidays(h, client):
    ticket = h.call(at(2026, 4, 30, 16, 30))
    client.force_login(h.sam)
    body = text(client.get(reverse("servicedesk:ticket", args=[ticket.pk])))
    assert "BS-H-2026-000001" in body
    assert "reported 2026-04-30 16:30" in body
    assert "1 h 30 min on 2026-04-30 (Thu), 16:30–18:00" in body
    assert (
        "not counted: holidays and closures 2026-05-01–05-05 (2026-04-30 18:00–2026-05-06 09:00)"
        in body
    )
    assert "30 min on 2026-05-06 (Wed), 09:00–09:30" in body
    assert "due 2026-05-06 09:30" in body  # BS-7, 2 h
    assert "due 2026-05-06 11:30" in body  # BS-8, 4 h
    # Coverage: the contract, with its emergency clauses and escalation chain.
    assert f'href="/contracts/{h.contract.pk}/"' in body
    assert "on site within 1 h, fixed within 4 h, around the clock." in body
    assert "after 30 minutes:" in body
    assert "Handover documents of the system" in body


def test_a_pause_is_named_in_the_explanation_and_a_paused_clock_shows_stopped(h, client):
    ticket = dispatched(h)
    actions.pause(ticket, by=h.eve, reason="parts", at=at(2026, 6, 2, 17, 0))
    client.force_login(h.sam)
    body = text(client.get(reverse("servicedesk:ticket", args=[ticket.pk])))
    assert 'data-clock-state="stopped"' in body
    assert "stopped since 2026-06-02 17:00 (paused: Waiting for parts)" in body
    board = text(client.get(reverse("servicedesk:board")))
    assert "BS-H-2026-000001" in board and "paused" in board

    actions.resume(ticket, by=h.eve, at=at(2026, 6, 3, 10, 0))
    body = text(client.get(reverse("servicedesk:ticket", args=[ticket.pk])))
    assert "not counted: paused: Waiting for parts (2026-06-02 17:00–2026-06-03 10:00)" in body
    assert "due 2026-06-03 11:00" in body  # BS-7: 1 h before the pause, 1 h after it
    assert [row.kind for row in TicketEvent.objects.filter(ticket=ticket)] == [
        "reported", "dispatched", "paused", "resumed",
    ]  # fmt: skip
    assert "Waiting for parts" in body and "Dispatched" in body


def test_the_supervisor_dispatches_and_corrects_the_category_on_the_ticket_page(h, client):
    ticket = h.call(at(2026, 6, 2, 16, 0))
    client.force_login(h.sam)
    page = text(client.get(reverse("servicedesk:ticket", args=[ticket.pk])))
    assert 'id="dispatch-form"' in page and ">eve<" in page and ">kim<" in page

    response = client.post(
        reverse("servicedesk:dispatch", args=[ticket.pk]), {"engineer": h.kim.pk}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.engineer, ticket.state) == (h.kim, "dispatched")
    again = client.post(reverse("servicedesk:dispatch", args=[ticket.pk]), {"engineer": h.kim.pk})
    assert again.status_code == 409
    assert "This engineer is already dispatched." in text(again)

    response = client.post(
        reverse("servicedesk:change", args=[ticket.pk]),
        {"category": "equipment_fault", "emergency": "on"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.category, ticket.emergency) == ("equipment_fault", True)
    body = text(client.get(reverse("servicedesk:ticket", args=[ticket.pk])))
    assert "Category changed" in body and "Emergency changed" in body
    assert "Ordinary line fault → Equipment fault" in body


def test_the_engineer_may_not_dispatch_and_the_other_branch_does_not_see_the_ticket(h, client):
    ticket = h.call(at(2026, 6, 2, 16, 0))
    client.force_login(h.eve)
    page = text(client.get(reverse("servicedesk:ticket", args=[ticket.pk])))
    assert 'id="dispatch-form"' not in page
    before = TicketEvent.objects.count()
    response = client.post(
        reverse("servicedesk:dispatch", args=[ticket.pk]), {"engineer": h.eve.pk}
    )
    assert response.status_code == 403
    client.force_login(h.sue)
    assert client.get(reverse("servicedesk:ticket", args=[ticket.pk])).status_code == 404
    assert client.get(reverse("servicedesk:field_ticket", args=[ticket.pk])).status_code == 404
    assert TicketEvent.objects.count() == before
    client.logout()
    response = client.get(reverse("servicedesk:board"))
    assert response.status_code == 302 and "/login/" in response["Location"]


# -- the engineer's phone pages -------------------------------------------------------------


def test_the_engineer_arrives_pauses_resumes_and_resolves_on_the_phone_page(h, client):
    ticket = dispatched(h)
    client.force_login(h.eve)
    mine = text(client.get(reverse("servicedesk:field")))
    assert reverse("servicedesk:field_ticket", args=[ticket.pk]) in mine
    page = text(client.get(reverse("servicedesk:field_ticket", args=[ticket.pk])))
    assert 'href="tel:13800138000"' in page and "中山路1號" in page
    assert 'id="arrive-form"' in page and "js/hotline.js" in page

    url = lambda name: reverse(f"servicedesk:{name}", args=[ticket.pk])  # noqa: E731
    response = client.post(url("arrive"), {"latitude": "31.2304", "longitude": "121.4737"})
    assert response.status_code == 302 and response["Location"] == url("field_ticket")
    ticket.refresh_from_db()
    assert ticket.state == "on_site" and ticket.latitude == Decimal("31.230400")

    assert client.post(url("pause"), {"reason": ""}).status_code == 422
    assert client.post(url("pause"), {"reason": "owner_access"}).status_code == 302
    paused = text(client.get(url("field_ticket")))
    assert "No access to the site" in paused and 'id="resume-form"' in paused
    assert client.post(url("resume")).status_code == 302
    again = client.post(url("resume"))
    assert again.status_code == 409 and "This ticket is not paused." in text(again)

    typed = {"work_done": "更換電源適配器", "cause": "電源老化", "labour_minutes": "45",
             "signed_by": "李經理"}  # fmt: skip
    refused = client.post(url("resolve"), {**typed, "signature_png": ""})
    assert refused.status_code == 422
    body = text(refused)
    assert "The owner&#x27;s signature is required." in body
    assert "更換電源適配器" in body and 'value="李經理"' in body
    response = client.post(
        url("resolve"), {**typed, "signature_png": "data:image/png;base64," + png()}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.state, ticket.signed_by, ticket.labour_minutes) == ("resolved", "李經理", 45)
    assert ticket.signature.name.endswith(".png")

    client.force_login(h.sam)
    body = text(client.get(reverse("servicedesk:ticket", args=[ticket.pk])))
    assert reverse("servicedesk:report_pdf", args=[ticket.pk]) in body
    assert "Done late" in body  # met today, months after June's due moments


def test_someone_else_may_not_work_a_ticket_dispatched_to_another(h, client):
    ticket = dispatched(h)
    client.force_login(h.kim)
    before = TicketEvent.objects.count()
    response = client.post(reverse("servicedesk:arrive", args=[ticket.pk]))
    assert response.status_code == 403
    assert TicketEvent.objects.count() == before
    assert reverse("servicedesk:field_ticket", args=[ticket.pk]) not in text(
        client.get(reverse("servicedesk:field"))
    )


# -- the board, suspensions, settings ---------------------------------------------------------


def test_the_board_orders_by_next_due_and_lists_breaches_and_who_is_where(h, client):
    late = h.call(at(2026, 6, 2, 16, 0))
    actions.dispatch(late, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 16, 5))
    actions.arrive(late, by=h.eve, at=at(2026, 6, 2, 17, 0))
    earlier = h.call(at(2026, 5, 8, 17, 0), category="software_fault")
    client.force_login(h.sam)
    body = text(client.get(reverse("servicedesk:board")))
    assert body.index(earlier.number) < body.index(late.number)
    assert 'id="breaches"' in body and "Be on site for hotline ticket" in body
    assert "on site" in body and ">eve<" in body
    filtered = text(client.get(reverse("servicedesk:board"), {"state": "on_site"}))
    board_part = filtered.split('id="board"')[1].split("</table>")[0]
    assert late.number in board_part and earlier.number not in board_part


def test_a_supervisor_declares_and_ends_a_suspension(h, client):
    client.force_login(h.sam)
    page = text(client.get(reverse("servicedesk:suspensions")))
    assert 'id="suspension-form"' in page
    url = reverse("servicedesk:declare_suspension")
    refused = client.post(url, {"branch": h.branch.pk, "reason": "other",
                                "starts_at": "2026-07-20T08:00"})  # fmt: skip
    assert refused.status_code == 422
    assert "Say what the suspension is for." in text(refused)
    response = client.post(
        url, {"branch": h.branch.pk, "reason": "typhoon_8", "starts_at": "2026-07-20T08:00"}
    )
    assert response.status_code == 302
    row = Suspension.objects.get()
    page = text(client.get(reverse("servicedesk:suspensions")))
    assert "Typhoon signal No. 8" in page and f'id="end-form-{row.pk}"' in page
    end = reverse("servicedesk:end_suspension", args=[row.pk])
    early = client.post(end, {f"end{row.pk}-ends_at": "2026-07-19T08:00"})
    assert early.status_code == 422 and "The end must not be before the start." in text(early)
    assert client.post(end, {f"end{row.pk}-ends_at": "2026-07-20T20:00"}).status_code == 302
    row.refresh_from_db()
    assert row.ends_at == at(2026, 7, 20, 20, 0)

    client.force_login(h.eve)  # reads, may not declare
    assert "Typhoon signal No. 8" in text(client.get(reverse("servicedesk:suspensions")))
    assert client.post(url, {"branch": h.branch.pk}).status_code == 403


def test_the_hotline_settings_are_saved_and_checked(h, client):
    client.force_login(h.ada)
    page = client.get(reverse("servicedesk:settings"))
    assert page.status_code == 200
    assert 'value="2"' in text(page) and 'value="4"' in text(page)
    url = reverse("servicedesk:settings")
    bad = client.post(url, {"calendar": h.office.pk, "emergency_arrival_hours": "0",
                            "emergency_fix_hours": "1.234"})  # fmt: skip
    assert bad.status_code == 422
    assert "Give between 0.01 and 999.99 hours." in text(bad)
    assert "Give the hours with at most two decimals." in text(bad)
    assert not HotlineSettings.objects.exists()
    response = client.post(url, {"calendar": h.office.pk, "emergency_arrival_hours": "1.5",
                                 "emergency_fix_hours": "10"})  # fmt: skip
    assert response.status_code == 302
    row = HotlineSettings.objects.get()
    assert (row.calendar, row.emergency_arrival_hours, row.emergency_fix_hours) == (
        h.office, Decimal("1.50"), Decimal("10.00"),
    )  # fmt: skip
    assert 'value="10"' in text(client.get(url))
    clerk = UserFactory(username="parts", branch=h.branch, roles=["parts_clerk"])
    client.force_login(clerk)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("language", "word"), [("zh-hant", "熱線"), ("zh-hans", "热线"),
                                                ("en", "Hotline")])  # fmt: skip
def test_every_page_renders_in_each_language(h, client, language, word):
    ticket = dispatched(h)
    client.force_login(h.sam)
    client.cookies.load({"django_language": language})
    for url in (
        reverse("servicedesk:board"),
        reverse("servicedesk:new"),
        reverse("servicedesk:ticket", args=[ticket.pk]),
        reverse("servicedesk:field"),
        reverse("servicedesk:field_ticket", args=[ticket.pk]),
        reverse("servicedesk:suspensions"),
        reverse("servicedesk:settings"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    del word  # the words themselves are checked by the language walk once translated


def test_who_is_where_counts_the_tickets_of_each_engineer_and_the_board_says_how_many_more(
    h, client
):
    from aftercare.servicedesk import queries

    for minute in range(3):
        ticket = h.call(at(2026, 6, 2, 9, minute))
        actions.dispatch(ticket, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 9, 10))
        actions.arrive(ticket, by=h.eve, at=at(2026, 6, 2, 10, minute))
    waiting = h.call(at(2026, 6, 2, 11, 0))
    actions.dispatch(waiting, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 11, 5))
    h.call(at(2026, 6, 2, 11, 30))
    client.force_login(h.sam)
    body = text(client.get(reverse("servicedesk:board")))
    who = body.split('id="who-is-where"')[1].split("</ul>")[0]
    assert who.count("BS-H-2026-00000") == 2  # the first two on site are named
    assert "and 1 more ticket on site" in who
    assert "1 ticket dispatched" in who
    assert 'id="board-count"' not in body  # all five fit on the board
    lines = queries.who_is_where(h.sam)
    assert [(str(line.engineer), line.on_site_count, line.travelling) for line in lines] == [
        ("eve", 3, 1)
    ]
    assert len(list(queries.board(h.sam, limit=2))) == 2
    assert queries.open_count(h.sam) == 5


def test_the_board_reads_the_same_few_statements_however_many_tickets_and_escapes_names(
    h, client, django_assert_max_num_queries
):
    """The board's rows are built in Python (views.board_rows): they must still escape what
    users typed, and the page must not read per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    h.b.site.name = '<b>Tower "A"</b>'
    h.b.site.save()
    first = h.call(at(2026, 6, 2, 9, 0))
    actions.dispatch(first, engineer=h.eve, by=h.sam, at=at(2026, 6, 2, 9, 5))
    client.force_login(h.sam)
    url = reverse("servicedesk:board")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for minute in range(6):
        ticket = h.call(at(2026, 6, 2, 10, minute), emergency=minute == 0)
        engineer = h.eve if minute % 2 else h.kim
        actions.dispatch(ticket, engineer=engineer, by=h.sam, at=at(2026, 6, 2, 10, 30))
        if minute % 3 == 0:
            actions.arrive(ticket, by=engineer, at=at(2026, 6, 2, 11, minute))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = text(client.get(url))
    board = body.split('id="board"')[1].split("</table>")[0]
    assert board.count("<tr data-ticket=") == 7
    assert "&lt;b&gt;Tower &quot;A&quot;&lt;/b&gt;" in board and "<b>Tower" not in body
    assert board.count("data-emergency") == 1 and ">kim<" in board
