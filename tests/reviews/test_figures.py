"""Every figure of July 2026 at branch A, three ways: the dashboard page, the compliance API
and the monthly review (DS-11) — they must agree with the known activity to the unit."""

import pytest

from aftercare.obligations.models import Obligation
from aftercare.obligations.queries import compliance_by_period
from aftercare.reviews import actions, periods
from aftercare.reviews.models import Review
from tests.obligations.helpers import SH, at
from tests.reviews.conftest import (
    FIGURES,
    JULY_BY_OWNER,
    JULY_BY_RULE,
    JULY_CALLS,
    JULY_ITEMS,
    JULY_TOTAL,
    JULY_WEEKS,
    figures,
)

pytestmark = pytest.mark.django_db


def by_rule(rows):
    return {row["rule"]: figures(row) for row in rows}


def by_owner(rows, desk):
    names = {desk.alice.pk: "alice", desk.bob.pk: "bob", desk.sam.pk: "sam"}
    return {names[row["owner_id"]]: figures(row) for row in rows}


def test_dashboard_page_shows_every_figure_of_july(client, desk, july):
    client.force_login(desk.sam)
    response = client.get("/reviews/dashboard/", {"period": "range", "from": "2026-07-01",
                                                   "to": "2026-07-31"})  # fmt: skip
    assert response.status_code == 200
    context = response.context
    assert context["branch"] == desk.branch_a
    data = context["figures"]
    assert by_rule(data["by_rule"]) == JULY_BY_RULE
    # In the rulebook's order (DS before BS, DS-2 before DS-11), not the strings' order.
    rules = ["DS-1", "DS-3", "DS-4", "DS-4E", "DS-5", "BS-7"]
    assert [row["rule"] for row in data["by_rule"]] == rules
    assert figures(data["total"]) == JULY_TOTAL
    assert by_owner(data["by_owner"], desk) == JULY_BY_OWNER
    assert [{k: row[k] for k in JULY_ITEMS[0]} for row in data["items"]] == JULY_ITEMS
    assert [{k: row[k] for k in JULY_CALLS[0]} for row in data["calls"]] == JULY_CALLS
    weeks = {row["start"]: (row["due"], row["on_time"], row["on_time_rate"])
             for row in context["weekly"]}  # fmt: skip
    assert weeks == JULY_WEEKS
    monthly = {row["start"][:7]: (row["due"], row["on_time"]) for row in context["monthly"]}
    assert monthly == {"2026-06": (1, 1), "2026-07": (15, 9)}  # twelve months up to July
    assert context["chart"]["weekly"]["rates"] == [66.67, 62.5, 0.0, 100.0, 50.0]
    assert context["chart"]["monthly"]["labels"] == ["2026-06", "2026-07"]
    html = response.content.decode()
    assert 'id="chart-weekly"' in html and "vendor/chartjs/chart.umd.min.js" in html


def test_every_figure_drills_down_to_exactly_its_obligations(client, desk, july):
    """The link behind a figure lists as many obligations as the figure says."""
    client.force_login(desk.sam)
    page = client.get("/reviews/dashboard/", {"period": "range", "from": "2026-07-01",
                                               "to": "2026-07-31"})  # fmt: skip
    data = page.context["figures"]
    checked = 0
    for row in [data["total"], *data["by_rule"], *data["by_owner"]]:
        for name, url in row["links"].items():
            listed = client.get(url)
            assert listed.status_code == 200
            assert listed.context["page"].paginator.count == row[name], (url, row[name])
            checked += 1
    assert checked == 10 * 7  # total, 6 rules, 3 owners
    late_ds3 = next(r for r in data["by_rule"] if r["rule"] == "DS-3")["links"]["late"]
    html = client.get(late_ds3).content.decode()
    assert html.count('data-rule="DS-3"') == 2
    assert "2026-07-01" in html and "2026-07-31" in html  # the range is said on the list


def test_compliance_api_by_rule_and_by_owner(api_client, desk, july):
    api = api_client.as_user(desk.sam)
    july_range = {"from": "2026-07-01", "to": "2026-07-31"}
    rows = api.get("/compliance", branch_id=desk.branch_a.pk, **july_range).json()
    assert by_rule(rows) == JULY_BY_RULE
    assert set(rows[0]) == {"rule", "owner_id", "owner", *FIGURES}
    rows = api.get("/compliance", group_by="owner", **{"from": "2026-07-01", "to": "2026-07-31"})
    assert rows.status_code == 200
    assert by_owner(rows.json(), desk) == JULY_BY_OWNER
    assert {row["owner"] for row in rows.json()} == {"alice", "bob", "sam"}


def test_compliance_api_day_bounds_are_local(api_client, desk, july):
    """`to` is included up to 23:59:59.999999 local; 1 August 00:00 local is August."""
    api = api_client.as_user(desk.sam)
    last_day = by_rule(api.get("/compliance", **{"from": "2026-07-31", "to": "2026-07-31"}).json())
    assert last_day == {"BS-7": (1, 1, 0, 0, 0, 0, 0, 1.0), "DS-1": (1, 0, 0, 0, 0, 1, 0, 0.0)}
    first = by_rule(api.get("/compliance", **{"from": "2026-08-01", "to": "2026-08-01"}).json())
    assert first == {"BS-7": (1, 0, 0, 0, 0, 1, 0, 0.0)}


def test_compliance_api_refuses_reversed_and_absurd_ranges(api_client, desk):
    api = api_client.as_user(desk.sam)
    reversed_ = api.get("/compliance", **{"from": "2026-07-31", "to": "2026-07-01"})
    assert reversed_.status_code == 422
    assert reversed_.json()["fields"] == {"to": ["The end comes before the start."]}
    assert api.get("/compliance", **{"from": "0001-01-01"}).status_code == 422
    assert api.get("/compliance", group_by="branch").status_code == 422


def test_monthly_review_stores_every_figure(desk, july):
    review, created = actions.draft_review(
        desk.branch_a, kind="monthly", period="2026-07", now=at(2026, 8, 20, 9)
    )
    assert created
    data = review.figures
    assert (data["from"], data["to"]) == ("2026-07-01", "2026-07-31")
    assert by_rule(data["by_rule"]) == JULY_BY_RULE
    assert figures(data["total"]) == JULY_TOTAL
    assert by_owner(data["by_owner"], desk) == JULY_BY_OWNER
    assert data["items"] == JULY_ITEMS
    assert data["calls"] == JULY_CALLS
    assert "months" not in data


def test_open_is_what_has_not_fallen_due_yet(desk, july):
    """Seen on 31 July at noon, bob's DS-1 due that night is due later (`open`), not overdue,
    and stays out of the rate: 1 of 1 on time, not 1 of 2."""
    review, _ = actions.draft_review(
        desk.branch_a, kind="monthly", period="2026-06", now=at(2026, 7, 31, 12)
    )
    assert review.period == "2026-06"
    from aftercare.reviews.queries import snapshot

    live = snapshot(desk.branch_a, periods.month(2026, 7, SH), now=at(2026, 7, 31, 12))
    assert figures(next(r for r in live["by_rule"] if r["rule"] == "DS-1")) == (
        1, 1, 0, 0, 1, 0, 0, 1.0,
    )  # fmt: skip


def test_months_are_cut_at_local_midnight(desk, july):
    rows = compliance_by_period(
        Obligation.objects.filter(branch=desk.branch_a), start=at(2026, 6, 1),
        end=at(2026, 9, 1), period="month", tz=SH, now=at(2026, 9, 1),
    )  # fmt: skip
    assert [(day.isoformat(), f.due, f.on_time, f.overdue) for day, f in rows] == [
        ("2026-06-01", 1, 1, 0),
        ("2026-07-01", 15, 9, 3),
        ("2026-08-01", 1, 0, 1),  # BS-7 due 08-01 00:00+08
    ]
    assert Review.objects.count() == 0


def test_trends_of_a_range_into_the_future_stop_at_this_week(client, desk, july):
    """A chosen range to 2099 still charts the weeks and months up to now, not empty 2099."""
    client.force_login(desk.sam)
    page = client.get("/reviews/dashboard/", {"period": "range", "from": "2026-07-01",
                                               "to": "2099-12-31"})  # fmt: skip
    weeks = [row["start"] for row in page.context["weekly"]]
    months = [row["start"][:7] for row in page.context["monthly"]]
    assert months == ["2026-06", "2026-07", "2026-08"]  # twelve months up to this one
    assert "2026-07-27" in weeks and all(w < "2099" for w in weeks)
