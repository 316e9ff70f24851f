"""Durations in the unit a reader takes in: minutes, hours or days (issue 10: "0.03 hours")."""

import pytest
from django.utils import translation

from aftercare.reviews import actions
from aftercare.reviews.exports import duration_text
from tests.obligations.helpers import at


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (None, "—"),
        (0.0, "0 min"),
        (0.005, "under 1 min"),
        (0.03, "2 min"),  # the complaint of issue 10: 1.8 minutes
        (0.99, "59 min"),
        (1.0, "1.0 h"),
        (3.5, "3.5 h"),
        (23.9, "23.9 h"),
        (24.0, "1.0 d"),
        (50.4, "2.1 d"),
    ],
)
def test_duration_text(hours, text):
    with translation.override("en"):
        assert duration_text(hours) == text


def test_duration_text_is_translated():
    with translation.override("zh-hant"):
        assert [duration_text(h) for h in (0.03, 3.5, 50.4)] == ["2 分鐘", "3.5 小時", "2.1 天"]
    with translation.override("zh-hans"):
        assert [duration_text(h) for h in (0.03, 3.5, 50.4)] == ["2 分钟", "3.5 小时", "2.1 天"]


@pytest.mark.django_db
def test_dashboard_and_review_show_durations_through_the_filter(client, desk, july):
    """July's complaints closed in a median 34 h and an average 28 h; the wish at once."""
    client.force_login(desk.sam)
    html = client.get("/reviews/dashboard/", {"period": "range", "from": "2026-07-01",
                                              "to": "2026-07-31"}).content.decode()  # fmt: skip
    assert "Median time to close" in html and "hours to close" not in html
    row = html.split('data-kind="complaint"')[1].split("</tr>")[0]
    assert '<td class="text-end">1.4 d</td><td class="text-end">1.2 d</td>' in row
    assert '<td class="text-end">0 min</td>' in html.split('data-kind="wish"')[1]
    review, _ = actions.draft_review(
        desk.branch_a, kind="monthly", period="2026-07", now=at(2026, 8, 20, 9)
    )
    for url in (f"/reviews/{review.pk}/", f"/reviews/{review.pk}/print/"):
        page = client.get(url).content.decode()
        assert '<td class="num">1.4 d</td><td class="num">1.2 d</td>' in page, url
