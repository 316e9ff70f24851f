"""Generated titles are stored as a code and data and worded in the reader's language: on the
pages, in the API (Accept-Language), in the calendar feed (the owner's language) and in
overdue e-mails (the recipient's language). Names, plates and places stay as they were typed.
"""

from datetime import date, time

import pytest
from icalendar import Calendar

from aftercare.messaging.feeds import render_feed
from aftercare.obligations import actions
from aftercare.obligations.models import Obligation
from aftercare.org.models import User
from aftercare.reviews import actions as reviews
from aftercare.safety import actions as safety
from aftercare.safety import tick as safety_tick
from tests.obligations.helpers import at, end
from tests.safety.helpers import extinguisher, place

pytestmark = pytest.mark.django_db

REPLACE = {
    "en": "Replace Extinguisher, dry powder E-1 at 油漆房",
    "zh-hant": "更換 油漆房 的 滅火器（乾粉） E-1",
    "zh-hans": "更换 油漆房 的 干粉灭火器 E-1",
}


@pytest.fixture
def replacement(desk):
    """DS-13: the powder extinguisher E-1 at 油漆房 expires on 15 March; its replacement opens
    30 days ahead, owned by the place's keeper (sam, supervisor of branch A)."""
    extinguisher(desk, place(desk), expires_on=date(2026, 3, 15), now=at(2026, 1, 10, 9))
    safety_tick.run(at(2026, 2, 14, 0, 0))
    return Obligation.objects.get(rule="DS-13", title_key="equipment_replacement")


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans", "en"])
def test_one_obligation_in_all_three_languages_on_the_page_and_in_the_api(
    client, desk, replacement, language
):
    """The same row, read in three languages; nothing of the other two leaks in."""
    client.force_login(desk.sam)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    page = client.get("/work/obligations/", **headers).text
    one = client.get(f"/api/v1/obligations/{replacement.pk}", **headers).json()
    listed = client.get("/api/v1/obligations", {"rule": "DS-13"}, **headers).json()["items"]
    worklist = client.get("/api/v1/worklist", **headers).json()["items"]

    assert REPLACE[language] in page
    assert one["title"] == REPLACE[language]
    for rows in (listed, worklist):
        assert [row["title"] for row in rows if row["id"] == replacement.pk] == [REPLACE[language]]
    for other, text in REPLACE.items():
        if other != language:
            assert text not in page


def test_the_stored_title_is_a_snapshot_not_what_is_shown(desk, replacement):
    """The old column keeps a readable text (search, admin, history); the code and data are
    what the pages word."""
    assert replacement.title_params == {"kind": "powder", "label": "E-1", "place": "油漆房"}
    assert replacement.title == REPLACE["en"]  # the site's default language in tests


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Clear the rag bin 油漆房 · 廢布桶 1 (usual time 17:30, due end of day)"),
        ("zh-hant", "清理廢棉紗/抹布存放點 油漆房 · 廢布桶 1（慣常 17:30 清理，當日內完成）"),
        ("zh-hans", "清理废棉纱/抹布存放点 油漆房 · 廢布桶 1（惯常 17:30 清理，当日内完成）"),
    ],
)
def test_the_rag_bin_title_does_not_pretend_that_17_30_is_the_deadline(desk, language, expected):
    """DS-12 falls due at the end of the day: the title gives 17:30 as the usual time and says
    the duty is due at the end of the day, never "by 17:30" (於 17:30 前) next to 23:59."""
    from django.utils import translation

    bin_ = safety.add_bin(
        place=place(desk), by=desk.sam, label="廢布桶 1", owner=desk.alice,
        starts_on=date(2026, 3, 2), clear_at=time(17, 30), now=at(2026, 3, 2, 8),
    )  # fmt: skip
    obligation = Obligation.objects.get(rule="DS-12", subject_id__in=bin_.periods.values("pk"))
    assert obligation.due_at == end(2026, 3, 2)
    with translation.override(language):
        assert obligation.display_title == expected
    assert "by 17:30" not in expected and "於 17:30 前" not in expected


@pytest.mark.parametrize(
    ("kind", "period", "language", "expected"),
    [
        ("monthly", "2026-11", "en", "November 2026 review: write the summary"),
        ("monthly", "2026-11", "zh-hant", "2026年11月 月度總結：撰寫總結"),
        ("monthly", "2026-11", "zh-hans", "2026年11月 月度总结：撰写总结"),
        ("yearly", "2025", "en", "2025 yearly review: write the summary"),
        ("yearly", "2025", "zh-hant", "2025年 年度總結：撰寫總結"),
    ],
)
def test_review_duty_names_its_period_in_the_readers_words(desk, kind, period, language, expected):
    from django.utils import translation

    review, _created = reviews.draft_review(
        desk.branch_a, kind=kind, period=period, now=at(2026, 12, 3, 9)
    )
    duty = Obligation.objects.get(rule="DS-11", subject_id=review.pk)
    with translation.override(language):
        assert duty.display_title == expected


def test_the_calendar_feed_is_in_its_owners_language(client, desk, replacement):
    """A phone fetches the feed without a session: it follows the language sam chose in the
    switcher, whatever the request's Accept-Language says."""
    client.force_login(desk.sam)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/work/"})
    desk.sam.refresh_from_db()
    assert desk.sam.language == "zh-hans"

    def descriptions(user):
        calendar = Calendar.from_ical(render_feed(user, base_url="http://x", now=at(2026, 2, 20)))
        return [str(e.get("description")) for e in calendar.walk("VEVENT")]

    assert REPLACE["zh-hans"] in descriptions(desk.sam)
    User.objects.filter(pk=desk.sam.pk).update(language="en")
    desk.sam.refresh_from_db()
    assert REPLACE["en"] in descriptions(desk.sam)


def test_the_switcher_stores_only_known_languages_and_only_for_signed_in_people(client, desk):
    client.post("/i18n/setlang/", {"language": "en"})  # signed out: a cookie, nothing stored
    client.force_login(desk.alice)
    client.post("/i18n/setlang/", {"language": "fr"})
    desk.alice.refresh_from_db()
    assert desk.alice.language == ""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/work/"})
    assert response.status_code == 302
    desk.alice.refresh_from_db()
    assert desk.alice.language == "en"


def test_an_overdue_email_is_in_each_recipients_language(desk, replacement, mailoutbox, settings):
    """sam chose English; a second supervisor never chose: they get the organisation's
    default, Traditional Chinese."""
    from aftercare.org.roles import Role

    settings.LANGUAGE_CODE = "zh-hant"
    other = User.objects.create_user(
        "sara", email="sara@example.com", organisation=desk.org, branch=desk.branch_a
    )
    other.groups.add(*desk.sam.groups.filter(name=Role.SUPERVISOR))
    User.objects.filter(pk=desk.sam.pk).update(language="en", email="sam@example.com")
    Obligation.objects.filter(pk=replacement.pk).update(owner=desk.alice)  # both supervisors'

    actions.notify_overdue(Obligation.objects.get(pk=replacement.pk))

    by_recipient = {mail.to[0]: mail for mail in mailoutbox}
    assert by_recipient["sam@example.com"].subject == f"Overdue: DS-13 {REPLACE['en']}"
    assert by_recipient["sara@example.com"].subject == f"逾期：DS-13 {REPLACE['zh-hant']}"
    assert "尚未完成" in by_recipient["sara@example.com"].body


def test_overdue_notices_on_my_work_follow_the_page_language(client, desk, replacement):
    """A notice is a link to the obligation, not a text: it reads in the page's language."""
    Obligation.objects.filter(pk=replacement.pk).update(owner=desk.alice)
    actions.notify_overdue(Obligation.objects.get(pk=replacement.pk))
    client.force_login(desk.sam)
    for language in ("zh-hans", "en"):
        page = client.get("/work/", HTTP_ACCEPT_LANGUAGE=language).text
        notices = page.split('id="notifications"', 1)[1].split("</ul>", 1)[0]
        assert f"DS-13 {REPLACE[language]}" in notices
