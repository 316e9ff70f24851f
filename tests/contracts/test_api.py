"""The contract API: calendars with their preview, offers, signing and coverage over HTTP;
bad input gets a translated 422 naming the field and writes nothing."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from aftercare.contracts.models import Contract, ContractTarget, EscalationStep, ServiceCalendar
from aftercare.obligations.models import Obligation
from tests.contracts.helpers import OFFICE, accept, building
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def b():
    return building()


def counts():
    return (
        ServiceCalendar.objects.count(),
        Contract.objects.count(),
        ContractTarget.objects.count(),
        EscalationStep.objects.count(),
        Obligation.objects.count(),
    )


def contract_body(b, **changes):
    body = {
        "customer_id": b.owner.pk,
        "site_id": b.site.pk,
        "system_ids": [b.cctv.pk, b.fire.pk],
        "starts_on": "2028-03-16",
        "ends_on": "2029-03-15",
        "targets": [
            {"category": "line_fault", "arrival_hours": 2, "fix_hours": 4},
            {"category": "equipment_fault", "arrival_hours": 4, "fix_hours": 24},
        ],
        "emergency": {
            "arrival_hours": 1,
            "fix_hours": 4,
            "escalation": [
                {"after_minutes": 30, "user_id": b.sam.pk},
                {"after_minutes": 60, "user_id": b.ada.pk},
            ],
        },
        "price": "36000.00",
        "parts_included": False,
        "labour_included": True,
        "visits_per_year": 4,
    }
    body.update(changes)
    return body


def test_a_calendar_with_a_lunch_break_and_its_preview(b, api_client):
    api = api_client.as_user(b.sam)
    response = api.post(
        "/service-calendars", {"name": "辦公時間", "weekly": OFFICE, "holidays": True}
    )
    assert response.status_code == 201, response.content
    calendar = response.json()
    assert calendar["weekly"][0] == [["09:00", "12:00"], ["13:00", "18:00"]]
    assert calendar["holidays"] is True
    listed = api.get("/service-calendars").json()
    assert [row["name"] for row in listed["items"]] == ["24×7", "辦公時間"]
    assert listed["items"][0]["builtin"] is True

    # Friday 2026-05-15 17:00 + 4 h: 1 h on Friday, then Monday 09:00-12:00 → Monday 12:00.
    due = api.get(
        f"/service-calendars/{calendar['id']}/due", at="2026-05-15T17:00:00+08:00", hours=4
    ).json()
    assert due["due"] == "2026-05-18T12:00:00+08:00"
    assert due["counted"] == [
        {"starts_at": "2026-05-15T17:00:00+08:00", "ends_at": "2026-05-15T18:00:00+08:00",
         "minutes": 60.0},
        {"starts_at": "2026-05-18T09:00:00+08:00", "ends_at": "2026-05-18T12:00:00+08:00",
         "minutes": 180.0},
    ]  # fmt: skip
    # A week earlier Saturday 2026-05-09 is a make-up working day: it opens with Monday's hours.
    due = api.get(
        f"/service-calendars/{calendar['id']}/due", at="2026-05-08T17:00:00+08:00", hours=4
    ).json()
    assert due["due"] == "2026-05-09T12:00:00+08:00"
    # Over lunch: Monday 11:00 + 2 h → 12:00, then 13:00-14:00.
    due = api.get(
        f"/service-calendars/{calendar['id']}/due", at="2026-05-11T11:00:00+08:00", hours=2
    ).json()
    assert due["due"] == "2026-05-11T14:00:00+08:00"
    # Following holidays: 2026-10-01..07 is the National Day holiday in mainland China, and
    # Saturday 2026-10-10 a make-up working day with Monday's hours.
    due = api.get(
        f"/service-calendars/{calendar['id']}/due", at="2026-09-30T17:00:00+08:00", hours=3
    ).json()
    assert due["due"] == "2026-10-08T11:00:00+08:00"


@pytest.mark.parametrize(
    ("weekly", "field", "message"),
    [
        (
            [[["09:00", "13:00"], ["12:00", "18:00"]]] + [[]] * 6,
            "weekly.0",
            "Monday: the intervals 09:00–13:00 and 12:00–18:00 overlap.",
        ),
        ([[]] * 2 + [[["18:00", "09:00"]]] + [[]] * 4, "weekly.2",
         "Wednesday: the interval 18:00–09:00 ends before it starts."),
        ([[]] * 6 + [[["9:00", "25:00"]]], "weekly.6",
         "Sunday: 9:00–25:00 is not a time of day (HH:MM, 00:00 to 24:00)."),
        ([[["09:00", "18:00"]]] * 6, "weekly", "Give exactly 7 days, Monday first."),
    ],
)  # fmt: skip
def test_a_bad_week_is_refused_naming_the_day(b, api_client, weekly, field, message):
    api = api_client.as_user(b.sam)
    api.get("/service-calendars")  # the built-in calendar exists before counting
    before = counts()
    response = api.post("/service-calendars", {"name": "壞", "weekly": weekly, "holidays": False})
    assert response.status_code == 422
    assert response.json()["fields"] == {field: [message]}
    assert counts() == before


def test_the_message_is_in_the_readers_language(b, client):
    client.force_login(b.sam)
    weekly = [[["09:00", "13:00"], ["12:00", "18:00"]]] + [[]] * 6
    response = client.post(
        "/api/v1/service-calendars",
        {"name": "壞", "weekly": weekly},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )
    assert response.status_code == 422
    assert response.json()["fields"]["weekly.0"] == [
        "星期一：時段 09:00–13:00 與 12:00–18:00 重疊。"
    ]


def test_offer_sign_and_ask_coverage(b, api_client):
    accept(b, b.cctv, date(2026, 3, 16))
    api = api_client.as_user(b.sam)
    response = api.post("/contracts", contract_body(b))
    assert response.status_code == 201, response.content
    offered = response.json()
    assert offered["status"] == "offered"
    assert offered["system_ids"] == sorted([b.cctv.pk, b.fire.pk])
    assert offered["service_calendar_id"] == ServiceCalendar.objects.get(builtin=True).pk
    assert offered["emergency"]["escalation"] == [
        {"after_minutes": 30, "user_id": b.sam.pk},
        {"after_minutes": 60, "user_id": b.ada.pk},
    ]
    assert offered["price"] == "36000.00"

    today = timezone.localdate(timezone.now(), b.org.tz).isoformat()
    signed = api.post(f"/contracts/{offered['id']}/sign", {"signed_on": today})
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "signed"
    again = api.post(f"/contracts/{offered['id']}/sign", {"signed_on": today})
    assert again.status_code == 409

    def cover(**query):
        return api.get("/coverage", **query).json()

    assert cover(system_id=b.cctv.pk, at="2028-03-15T23:30:00+08:00") == {
        "kind": "warranty", "until": "2028-03-15", "contract_id": None,
    }  # fmt: skip
    assert cover(system_id=b.cctv.pk, at="2028-03-16T00:10:00+08:00") == {
        "kind": "contract", "until": "2029-03-15", "contract_id": offered["id"],
    }  # fmt: skip
    assert cover(system_id=b.cctv.pk, at="2028-03-16")["kind"] == "contract"
    assert cover(system_id=b.cctv.pk, at="2029-03-16T00:00:00+08:00")["kind"] == "none"
    assert api.get("/coverage", at="2028-03-16").status_code == 422

    renewals = api.get("/obligations", rule="BS-6").json()["items"]
    renewal = next(o for o in renewals if o["due_at"].startswith("2029"))
    assert renewal["due_at"] == "2029-01-14T23:59:59.999999+08:00"
    assert renewal["title"] == (
        f"Offer the renewal of maintenance contract #{offered['id']} (宏遠大廈, ends 2029-03-15)"
    )
    offer = Obligation.objects.get(
        rule="BS-6", subject_type=ContentType.objects.get_for_model(b.cctv), subject_id=b.cctv.pk
    )
    assert offer.done_at is not None

    listed = api.get("/contracts", status="signed").json()
    assert [row["id"] for row in listed["items"]] == [offered["id"]]
    assert api.get("/contracts", status="active").json()["items"] == []
    assert api.get(f"/contracts/{offered['id']}").json()["signed_on"] == today


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2028-03-15", "starts_on": "2028-03-16"}, "ends_on"),
        ({"system_ids": "other_site"}, "system_ids"),
        ({"targets": [{"category": "flood", "arrival_hours": 2, "fix_hours": 4}]},
         "targets.0.category"),
        ({"targets": [{"category": "line_fault", "arrival_hours": -2, "fix_hours": 4}]},
         "targets.0.arrival_hours"),
        ({"emergency": "stranger"}, "emergency.escalation.0.user_id"),
        ({"price": "-1"}, "price"),
    ],
)  # fmt: skip
def test_bad_offers_are_refused_and_write_nothing(b, api_client, change, field):
    from aftercare.sites import actions as sites

    api = api_client.as_user(b.sam)
    if change.get("system_ids") == "other_site":
        elsewhere = sites.add_system(by=b.sam, site=b.other_site, kind="bms", name="BMS")
        change = {"system_ids": [b.cctv.pk, elsewhere.pk]}
    if change.get("emergency") == "stranger":
        stranger = UserFactory(username="stranger", branch=b.other_branch, roles=["supervisor"])
        change = {
            "emergency": {
                "arrival_hours": 1, "fix_hours": 4,
                "escalation": [{"after_minutes": 30, "user_id": stranger.pk}],
            }
        }  # fmt: skip
    api.get("/service-calendars")  # the built-in calendar exists before counting
    before = counts()
    response = api.post("/contracts", contract_body(b, **change))
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"], response.json()
    assert counts() == before


def test_another_branch_sees_nothing(b, api_client):
    api = api_client.as_user(b.sam)
    contract = api.post("/contracts", contract_body(b)).json()
    other = api_client.as_user(b.sue)
    assert other.get(f"/contracts/{contract['id']}").status_code == 404
    assert (
        other.post(f"/contracts/{contract['id']}/sign", {"signed_on": "2026-01-05"}).status_code
        == 404
    )
    assert other.get("/contracts").json()["items"] == []
    assert other.get("/coverage", system_id=b.cctv.pk).status_code == 404
    engineer = api_client.as_user(b.eve)
    assert engineer.get(f"/contracts/{contract['id']}").status_code == 200
    assert (
        engineer.post(f"/contracts/{contract['id']}/sign", {"signed_on": "2026-01-05"}).status_code
        == 403
    )
    assert Contract.objects.get().signed_on is None


def test_a_future_signature_is_refused(b, api_client):
    api = api_client.as_user(b.sam)
    contract = api.post("/contracts", contract_body(b)).json()
    response = api.post(f"/contracts/{contract['id']}/sign", {"signed_on": "2099-01-01"})
    assert response.status_code == 422
    assert response.json()["fields"]["signed_on"] == ["The signing date cannot be in the future."]
    assert Contract.objects.get().signed_on is None
    assert not Obligation.objects.exists()
