"""A dashboard seen in the middle of a month: work due later in the month changes no rate.

November 2026 at branch A, seen on Monday 16 November 10:00 Asia/Shanghai (issue 10: on
3 December, obligations due on the 31st counted as due made the month 21.2 % on time).
"""

from datetime import UTC

import pytest
from django.utils import timezone

from aftercare.obligations import actions
from tests.obligations.helpers import at

pytestmark = pytest.mark.django_db

TODAY = at(2026, 11, 16, 10)


def make(owner, rule, event_at, *, done_at=None, cancel_by=None):
    o = actions.open_obligation(rule, branch=owner.branch, owner=owner, event_at=event_at)
    if done_at is not None:
        actions.fulfil(o, by=owner, at=done_at)
    if cancel_by is not None:
        actions.cancel(o, by=cancel_by, reason="重複", at=event_at)
    return o


@pytest.fixture
def november(desk):
    alice, bob = desk.alice, desk.bob
    make(alice, "DS-1", at(2026, 11, 2, 10), done_at=at(2026, 11, 3, 10))  # due 11-04: on time
    make(alice, "DS-1", at(2026, 11, 3, 10), done_at=at(2026, 11, 6, 10))  # due 11-05: late
    make(bob, "DS-1", at(2026, 11, 9, 10))  # due 11-11: overdue
    make(bob, "DS-1", at(2026, 11, 10, 10), done_at=at(2026, 11, 11, 10))  # due 11-12: on time
    make(alice, "DS-3", at(2026, 11, 2, 10), done_at=at(2026, 11, 3, 10))  # opens 11-05: early
    make(bob, "DS-1", at(2026, 11, 4, 10), cancel_by=desk.sam)  # cancelled
    # Pending and due later in the month: not part of any rate.
    make(alice, "DS-1", at(2026, 11, 15, 10))  # due 11-17
    make(bob, "DS-3", at(2026, 11, 14, 10))  # opens 11-17, due 11-21: not open yet
    make(alice, "DS-1", at(2026, 11, 16, 9))  # due 11-18


def dashboard(client, desk, monkeypatch):
    """The page as it looks on TODAY ("this month" is the default period)."""
    monkeypatch.setattr(timezone, "now", lambda: TODAY.astimezone(UTC))
    client.force_login(desk.sam)
    response = client.get("/reviews/dashboard/")
    assert response.status_code == 200
    return response


FIGURES = ("due", "on_time", "late", "early", "open", "overdue", "cancelled", "on_time_rate")


def figures(row):
    return tuple(row[name] for name in FIGURES)


def test_work_due_later_in_the_month_changes_no_rate(client, desk, november, monkeypatch):
    page = dashboard(client, desk, monkeypatch)
    data = page.context["figures"]
    assert (data["from"], data["to"]) == ("2026-11-01", "2026-11-30")
    # Before issue 10 the three due later counted as due: 8 due, 2 on time, 25.0 %.
    assert figures(data["total"]) == (5, 2, 1, 1, 3, 1, 1, 0.4)
    rules = {row["rule"]: figures(row) for row in data["by_rule"]}
    assert rules == {"DS-1": (4, 2, 1, 0, 2, 1, 1, 0.5), "DS-3": (1, 0, 0, 1, 1, 0, 0, 0.0)}
    owners = {row["owner"]: figures(row) for row in data["by_owner"]}
    assert owners == {"alice": (3, 1, 1, 1, 2, 0, 0, 0.3333),
                      "bob": (2, 1, 0, 0, 1, 1, 1, 0.5)}  # fmt: skip
    html = page.content.decode()
    assert "Due later" in html and "Due or done" in html and "40.0%" in html
    assert 'id="dashboard-partial"' in html

    # Ten more pieces of work due later this month: every rate and `due` stay as they were.
    for day in range(17, 27):
        make(desk.alice, "DS-1", at(2026, 11, day - 2, 11))
    monkeypatch.undo()
    data = dashboard(client, desk, monkeypatch).context["figures"]
    assert figures(data["total"]) == (5, 2, 1, 1, 13, 1, 1, 0.4)
    assert {row["rule"]: row["on_time_rate"] for row in data["by_rule"]} == {
        "DS-1": 0.5, "DS-3": 0.0,
    }  # fmt: skip


def test_the_current_week_and_month_are_marked_so_far(client, desk, november, monkeypatch):
    context = dashboard(client, desk, monkeypatch).context
    monthly = context["chart"]["monthly"]
    assert monthly["labels"] == ["2026-11 (so far)"]
    assert monthly["rates"] == [40.0] and monthly["partial"] == [True]
    weekly = context["chart"]["weekly"]
    # The weeks with work (26 October's has none) up to this week, which has only work due
    # later: no rate yet rather than 0 %.
    assert weekly["labels"] == ["2026-11-02", "2026-11-09", "2026-11-16 (so far)"]
    assert weekly["rates"] == [50.0, 33.33, None]
    assert weekly["partial"] == [False, False, True]
    assert [(row["due"], row["open"]) for row in context["weekly"]] == [(2, 0), (3, 0), (0, 3)]
    html = dashboard(client, desk, monkeypatch).content.decode()
    assert "2026-11-16 (so far)" in html and 'id="trend-tables"' in html


def test_every_figure_drills_down_to_exactly_its_rows_mid_month(
    client, desk, november, monkeypatch
):
    """The link behind each figure lists as many obligations as the figure counts."""
    data = dashboard(client, desk, monkeypatch).context["figures"]
    checked = 0
    for row in [data["total"], *data["by_rule"], *data["by_owner"]]:
        for name, url in row["links"].items():
            assert client.get(url).context["page"].paginator.count == row[name], (url, name)
            checked += 1
    assert checked == 5 * 7


def test_a_review_seen_in_another_language_says_so_far(client, desk, november, monkeypatch):
    dashboard(client, desk, monkeypatch)
    page = client.get("/reviews/dashboard/", headers={"accept-language": "zh-hant"})
    assert page.context["chart"]["monthly"]["labels"] == ["2026-11（截至今日）"]
