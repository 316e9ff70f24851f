"""A supervisor reassigns or cancels one obligation from a page (no JavaScript needed); an
advisor is refused; a missing reason is a form error; stale notices leave My work."""

import pytest

from aftercare.obligations import actions
from aftercare.obligations.models import Notification, Obligation
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty(desk):
    return actions.open_obligation(
        "DS-1", branch=desk.branch_a, owner=desk.alice, event_at=at(2026, 11, 2, 10)
    )


def state(o):
    o.refresh_from_db()
    return (o.owner.username, o.cancelled_at is not None, o.cancel_reason)


def test_the_list_and_my_work_link_each_row_to_its_changes(client, desk, duty):
    client.force_login(desk.sam)
    listed = client.get("/work/obligations/").content.decode()
    assert f'href="/work/obligations/{duty.pk}/?next=/work/obligations/"' in listed
    page = client.get(f"/work/obligations/{duty.pk}/")
    html = page.content.decode()
    assert 'id="reassign-form"' in html and 'id="cancel-form"' in html
    assert f'<option value="{desk.bob.pk}"' in html  # a colleague of branch A
    assert f'<option value="{desk.carol.pk}"' not in html  # branch B is not offered
    client.force_login(desk.alice)
    assert "edit-obligation" not in client.get("/work/").content.decode()
    own = client.get(f"/work/obligations/{duty.pk}/").content.decode()
    assert 'id="reassign-form"' not in own and 'id="cancel-form"' not in own


def test_supervisor_reassigns_with_a_reason_and_returns_to_the_list(client, desk, duty):
    client.force_login(desk.sam)
    response = client.post(
        f"/work/obligations/{duty.pk}/reassign/",
        {"owner": desk.bob.pk, "reason": "alice 休假", "next": "/work/obligations/"},
    )
    assert (response.status_code, response["Location"]) == (302, "/work/obligations/")
    assert state(duty) == ("bob", False, "")
    assert duty.history.first().history_change_reason == "alice 休假"
    client.force_login(desk.bob)
    assert f'data-id="{duty.pk}"' in client.get("/work/").content.decode()


def test_supervisor_cancels_with_a_reason(client, desk, duty):
    client.force_login(desk.sam)
    response = client.post(f"/work/obligations/{duty.pk}/cancel/", {"reason": "客戶已賣車"})
    assert response.status_code == 302
    assert state(duty) == ("alice", True, "客戶已賣車")
    assert "客戶已賣車" in client.get(response["Location"]).content.decode()


def test_a_missing_reason_is_a_form_error_and_changes_nothing(client, desk, duty):
    client.force_login(desk.sam)
    response = client.post(f"/work/obligations/{duty.pk}/cancel/", {"reason": "  "})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert state(duty) == ("alice", False, "")
    outsider = client.post(f"/work/obligations/{duty.pk}/reassign/", {"owner": desk.carol.pk})
    assert outsider.status_code == 422  # carol works at branch B: not a choice
    assert state(duty) == ("alice", False, "")


def test_an_advisor_is_refused_and_nothing_changes(client, desk, duty):
    client.force_login(desk.alice)  # the owner: she sees the work but may not change it
    refused = client.post(f"/work/obligations/{duty.pk}/cancel/", {"reason": "不想做"})
    assert refused.status_code == 403
    assert client.post(f"/work/obligations/{duty.pk}/cancel/", {}).status_code == 403
    reassigned = client.post(
        f"/work/obligations/{duty.pk}/reassign/", {"owner": desk.bob.pk, "reason": "x"}
    )
    assert reassigned.status_code == 403
    assert state(duty) == ("alice", False, "")
    client.force_login(desk.sue)  # branch B's supervisor does not see it at all
    assert client.post(f"/work/obligations/{duty.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert state(duty) == ("alice", False, "")


def test_done_work_is_refused_with_the_message(client, desk, duty):
    actions.fulfil(duty, by=desk.alice, at=at(2026, 11, 3, 10))
    client.force_login(desk.sam)
    response = client.post(f"/work/obligations/{duty.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 409  # the page again, with the reason it cannot be done
    assert "This obligation is already done." in response.content.decode()
    assert Obligation.objects.get(pk=duty.pk).cancelled_at is None


def test_notices_of_work_done_since_leave_my_work(client, desk):
    """sam was told of two overdue pieces of work; alice has since done one of them."""
    done, still = (
        actions.open_obligation("DS-1", branch=desk.branch_a, owner=desk.alice,
                                event_at=at(2026, 11, day, 10), title=title)
        for day, title in ((2, "已完成的工作"), (3, "仍未完成的工作"))
    )  # fmt: skip
    actions.notify_overdue(done)
    actions.notify_overdue(still)
    actions.fulfil(done, by=desk.alice, at=at(2026, 11, 20, 10))
    client.force_login(desk.sam)
    html = client.get("/work/").content.decode()
    assert "仍未完成的工作" in html and "已完成的工作" not in html
    assert f'data-obligation="{still.pk}"' in html and "Overdue</span>" in html
    assert Notification.objects.filter(recipient=desk.sam).count() == 2  # kept, not shown
