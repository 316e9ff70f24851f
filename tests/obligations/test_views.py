"""My work and the obligations list as pages; nothing of another branch shows or changes."""

import pytest

from aftercare.obligations import actions
from aftercare.obligations.models import Obligation
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(desk):
    kw = {"event_at": at(2026, 3, 1, 9)}
    return {
        "alice": actions.open_obligation(
            "DS-1", branch=desk.branch_a, owner=desk.alice, title="張三 京A12345", **kw
        ),
        "carol": actions.open_obligation(
            "DS-1", branch=desk.branch_b, owner=desk.carol, title="李四 京B54321", **kw
        ),
    }


def test_my_work_lists_own_overdue_work(client, desk, work):
    client.force_login(desk.alice)
    page = client.get("/work/").content.decode()
    assert "張三 京A12345" in page
    assert "李四 京B54321" not in page


def test_mark_done_from_my_work(client, desk, work):
    client.force_login(desk.alice)
    response = client.post(f"/work/obligations/{work['alice'].pk}/fulfil/", {"outcome": "已建檔"})
    assert response.status_code == 302
    done = Obligation.objects.get(pk=work["alice"].pk)
    assert (done.done_by, done.outcome) == (desk.alice, "已建檔")


def test_cannot_mark_another_branchs_work_done(client, desk, work):
    client.force_login(desk.sam)
    response = client.post(f"/work/obligations/{work['carol'].pk}/fulfil/", {})
    assert response.status_code == 404
    assert Obligation.objects.get(pk=work["carol"].pk).done_at is None


def test_supervisor_list_shows_own_branch_only(client, desk, work):
    client.force_login(desk.sam)
    page = client.get("/work/obligations/").content.decode()
    assert "張三 京A12345" in page and "李四 京B54321" not in page
    filtered = client.get("/work/obligations/", {"rule": "DS-3"}).content.decode()
    assert "張三 京A12345" not in filtered


def test_advisor_cannot_open_the_branch_list(client, desk, work):
    client.force_login(desk.alice)
    assert client.get("/work/obligations/").status_code == 403


def test_settings_page_for_administrators_only(client, desk):
    client.force_login(desk.sam)
    assert client.get("/settings/standard/").status_code == 403
    client.force_login(desk.ada)
    page = client.get("/settings/standard/").content.decode()
    assert 'id="rule-DS-3"' in page and 'id="rule-BS-14"' in page


def test_administrator_changes_a_rule_and_bad_input_changes_nothing(client, desk):
    from aftercare.standard.models import RuleSetting

    client.force_login(desk.ada)
    client.post(
        "/settings/standard/rules/DS-3/",
        {"opens_after": "9", "due_after": "5", "day_count": "calendar", "enabled": "on"},
    )
    assert not RuleSetting.objects.exists()
    client.post(
        "/settings/standard/rules/DS-3/",
        {"opens_after": "2", "due_after": "10", "day_count": "working", "enabled": "on"},
    )
    setting = RuleSetting.objects.get()
    assert (setting.opens_after, setting.due_after, setting.day_count) == (2, 10, "working")


def test_supervisor_gets_notifications_on_my_work(client, desk, work):
    from aftercare import tick

    tick.run(now=at(2026, 3, 10))
    client.force_login(desk.sam)
    page = client.get("/work/").content.decode()
    assert 'id="notifications"' in page and "張三 京A12345" in page
    unread = desk.sam.notifications.filter(read_at__isnull=True).count()
    assert unread >= 1
    # Every page's menu bar says how many are new, in the reader's language.
    customers = client.get("/customers/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="unread-notifications"' in customers
    assert f"{unread} new notice" in customers
    client.force_login(desk.bob)  # nothing for him
    assert 'id="unread-notifications"' not in client.get("/customers/").content.decode()
    client.force_login(desk.sam)
    client.post("/work/notifications/read/")
    page = client.get("/work/").content.decode()
    assert 'id="notifications"' not in page and 'id="unread-notifications"' not in page


def test_call_work_is_one_click_from_my_work(client, desk):
    from tests.factories import CustomerFactory

    customer = CustomerFactory(branch=desk.branch_a, name="王五")
    ds3 = actions.open_obligation(
        "DS-3",
        branch=desk.branch_a,
        owner=desk.alice,
        event_at=at(2026, 3, 1, 9),
        customer=customer,
    )
    client.force_login(desk.alice)
    page = client.get("/work/").content.decode()
    assert f'href="/calls/new/?customer={customer.pk}&amp;obligation={ds3.pk}"' in page
    assert f'action="/work/obligations/{ds3.pk}/fulfil/"' not in page


def test_work_without_a_customer_links_to_where_it_is_recorded(client, desk):
    """DS-11 → its review (or the list), DS-12/DS-13 → the safety register."""
    for rule in ("DS-11", "DS-13"):
        actions.open_obligation(
            rule, branch=desk.branch_a, owner=desk.sam, event_at=at(2026, 10, 31, 0, 0)
        )
    client.force_login(desk.sam)
    page = client.get("/work/").content.decode()
    assert 'href="/reviews/"' in page and "Write the summary" in page
    assert 'href="/safety/"' in page and "Record the inspection" in page


def test_settings_page_shows_units_and_day_counting_in_words(client, desk):
    """Issue 10: the page showed the stored code `calendar`."""

    def row(page, rule):
        start = page.index(f'id="rule-{rule}"')
        return page[start : page.index("</tr>", start)]

    client.force_login(desk.ada)
    page = client.get("/settings/standard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="small">days</span>' in row(page, "DS-3")
    assert "calendar" not in row(page, "DS-8")  # a structural rule counts no days
    assert "<td>calendar</td>" not in page
    client.cookies["django_language"] = "zh-hant"
    page = client.get("/settings/standard/").content.decode()
    assert '<span class="small">天</span>' in row(page, "DS-3")


def test_the_menu_and_the_page_call_the_queue_the_same(client, desk):
    client.force_login(desk.sam)
    page = client.get("/items/queue/").content.decode()
    assert page.count("Escalation queue") >= 2  # the menu entry and the heading
    assert "Escalations<" not in page and "Supervisor's queue" not in page
