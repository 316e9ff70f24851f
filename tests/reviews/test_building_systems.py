"""The supervisor's dashboard of a branch running the building-systems desk: every BS rule
that opens obligations (BS-2, BS-6 … BS-12) has its row, the quiet ones with zeros, and each
figure drills down to exactly its obligations — August 2026 of the monthly report's site."""

import pytest
import time_machine

from tests.servicereports.helpers import at, august

pytestmark = pytest.mark.django_db

FIGURES = ("due", "on_time", "late", "early", "open", "overdue", "cancelled")
AUGUST = {"period": "range", "from": "2026-08-01", "to": "2026-08-31"}


def test_the_building_rules_and_their_drill_downs(client):
    a = august()
    client.force_login(a.sam)
    with time_machine.travel(at(2026, 9, 2, 10, 0), tick=False):
        page = client.get("/reviews/dashboard/", AUGUST)
        assert page.status_code == 200
        data = page.context["figures"]
        rows = {row["rule"]: tuple(row[name] for name in FIGURES) for row in data["by_rule"]}
        assert [row["rule"] for row in data["by_rule"]] == [
            "BS-2", "BS-6", "BS-7", "BS-8", "BS-9", "BS-10", "BS-11", "BS-12",
        ]  # fmt: skip
        # BS-7: T1 late, T3 on time, T2 never dispatched (overdue). BS-8: T1 on time, T3
        # late. BS-9: the visit of 08-10 done late, the one of 08-20 overdue. BS-10: the bill
        # drafted 08-09 01:00 and issued on 08-10 (3 working days).
        assert rows == {
            "BS-2": (0, 0, 0, 0, 0, 0, 0),
            "BS-6": (0, 0, 0, 0, 0, 0, 0),
            "BS-7": (3, 1, 1, 0, 0, 1, 0),
            "BS-8": (2, 1, 1, 0, 0, 0, 0),
            "BS-9": (2, 0, 1, 0, 0, 1, 0),
            "BS-10": (1, 1, 0, 0, 0, 0, 0),
            "BS-11": (0, 0, 0, 0, 0, 0, 0),
            "BS-12": (0, 0, 0, 0, 0, 0, 0),
        }
        checked = 0
        for row in [data["total"], *data["by_rule"], *data["by_owner"]]:
            for name, url in row["links"].items():
                listed = client.get(url)
                assert listed.status_code == 200
                assert listed.context["page"].paginator.count == row[name], (url, row[name])
                checked += 1
        assert checked == 7 * (1 + 8 + len(data["by_owner"]))
        html = page.content.decode()
        assert 'data-rule="BS-11"' in html and 'data-rule="BS-9"' in html


def test_a_dealership_branch_shows_no_building_rows(client):
    from tests.factories import BranchFactory, UserFactory

    branch = BranchFactory(runs_building_systems=False)
    sam = UserFactory(username="dsam", branch=branch, roles=["supervisor"])
    client.force_login(sam)
    page = client.get("/reviews/dashboard/", AUGUST)
    assert page.context["figures"]["by_rule"] == []
