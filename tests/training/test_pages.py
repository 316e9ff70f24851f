"""The training pages in zh-Hant and English: home, trainees, a plan with its flags and
sessions, the session form refusing an unconfirmed version, assessment, departure, and the
coverage matrix (red below two, green from two, the BS-2 link)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from aftercare.obligations.models import Obligation
from aftercare.training import actions
from aftercare.training.models import Assessment, Qualification, TrainingSession
from tests.training.helpers import at, confirmed_plan, qualify, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    with time_machine.travel(at(2026, 8, 20, 9, 0), tick=False):
        yield world()


def page(client, name, *args, language="en", **kw):
    return client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE=language, **kw)


def test_the_pages_read_in_english_and_chinese(w, client):
    plan = confirmed_plan(w, min_english_level="fluent")
    qualify(w, plan, w.staff[:2], at(2026, 8, 10, 9, 0))
    client.force_login(w.cora)
    home = page(client, "training:list")
    assert home.status_code == 200
    text = home.content.decode()
    assert "Owner training" in text and w.b.site.name in text and "below two" in text
    chinese = page(client, "training:list", language="zh-hant").content.decode()
    assert 'lang="zh-Hant"' in chinese and w.b.site.name in chinese
    trainees = page(client, "training:trainees").content.decode()
    assert all(t.name in trainees for t in w.staff)
    plan_page = page(client, "training:plan", plan.pk).content.decode()
    assert "Reading and amending the as-built drawings" in plan_page
    assert "Below the requirement" in plan_page and "陳志明" in plan_page
    assert "Version 1: Confirmed" in plan_page
    zh_plan = page(client, "training:plan", plan.pk, language="zh-hant").content.decode()
    assert 'lang="zh-Hant"' in zh_plan and "陳志明" in zh_plan
    person = page(client, "training:trainee", w.staff[0].pk).content.decode()
    assert "Qualifications" in person and "current" in person and "Below a plan" in person
    for name, args in [
        ("training:trainee_new", ()), ("training:plan_new", ()),
        ("training:session_new", (plan.pk,)), ("training:assessment", (w.staff[0].pk,)),
        ("training:departure", (w.staff[0].pk,)), ("training:coverage", (w.b.site.pk,)),
    ]:  # fmt: skip
        for language in ("en", "zh-hant"):
            assert page(client, name, *args, language=language).status_code == 200, name


def test_the_matrix_is_red_below_two_and_green_from_two_with_the_bs2_link(w, client):
    plan = confirmed_plan(w)
    qualify(w, plan, w.staff[:2], at(2026, 8, 10, 9, 0))
    actions.recheck_system(w.b.cctv, by=w.cora)
    client.force_login(w.b.sam)
    html = page(client, "training:coverage", w.b.site.pk).content.decode()
    green = '<td class="table-success" data-track="operator" data-count="2">'
    assert green in html and "2 qualified" in html and "陳志明" in html
    assert 'class="table-danger" data-track="manager" data-count="0"' in html
    assert "Below two: 0 qualified" in html
    gap = Obligation.objects.filter(rule="BS-2", title_params__system=w.b.cctv.name).first()
    assert gap is not None and reverse("obligations:detail", args=[gap.pk]) in html
    assert w.b.fire.name not in html  # not a key system


def test_forms_record_a_session_an_assessment_and_a_departure(w, client):
    draft = actions.draft_plan(by=w.cora, system=w.b.cctv, track="operator")
    client.force_login(w.cora)
    first = w.staff[0]
    form = {
        "held_at": "2026-08-19T09:00", "place": "B1 消防控制室", "trainer": "李工",
        "topics": ["operator.principles", "operator.equipment", "operator.maintenance",
                   "operator.drawings"],
        "trainees": [first.pk, w.staff[1].pk],
    }  # fmt: skip
    refused = client.post(reverse("training:session_new", args=[draft.pk]), form)
    assert refused.status_code == 409
    assert "awaits the owner" in refused.content.decode()
    assert not TrainingSession.objects.exists()
    plan = confirmed_plan(w, when=at(2026, 8, 3, 9, 0))
    done = client.post(reverse("training:session_new", args=[plan.pk]), form)
    assert done.status_code == 302, done.content.decode()[:2000]
    assert TrainingSession.objects.get().place == "B1 消防控制室"
    for person in (first, w.staff[1]):
        response = client.post(reverse("training:assessment", args=[person.pk]), {
            "system": w.alarm.pk, "track": "operator", "passed": "yes",
            "at": "2026-08-19T12:00", "note": "",
        })  # fmt: skip
        assert response.status_code == 302
    assert Assessment.objects.count() == 2
    assert Qualification.objects.filter(lost_at__isnull=True).count() == 2
    bad = client.post(reverse("training:departure", args=[first.pk]), {"left_on": "2026-12-01"})
    assert bad.status_code == 422 and "future" in bad.content.decode()
    left = client.post(
        reverse("training:departure", args=[first.pk]),
        {"left_on": "2026-08-20", "replaced_by": w.staff[2].pk},
    )
    assert left.status_code == 302
    first.refresh_from_db()
    assert first.left_on == date(2026, 8, 20) and first.replaced_by == w.staff[2]
    assert Obligation.objects.filter(rule="BS-11").count() == 1
    person = page(client, "training:trainee", first.pk).content.decode()
    assert "Left the owner on 2026-08-20" in person and "Retraining" in person


def test_a_plan_drafted_on_the_page_has_the_standard_topics_and_the_extra_ones(w, client):
    client.force_login(w.cora)
    response = client.post(reverse("training:plan_new"), {
        "system": w.alarm.pk, "track": "manager", "extra_topics": "消防聯動邏輯\n",
        "min_education": "bachelor", "min_english_level": "reading", "hours": "", "place": "",
    })  # fmt: skip
    assert response.status_code == 302
    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Setting and changing key system parameters" in html and "消防聯動邏輯" in html
    assert "Sessions wait until the owner confirms" in html
    again = client.post(reverse("training:plan_new"), {
        "system": w.alarm.pk, "track": "manager", "min_education": "none",
        "min_english_level": "none",
    })  # fmt: skip
    assert again.status_code == 409


def test_engineers_read_but_do_not_change_and_another_branch_gets_404(w, client):
    plan = confirmed_plan(w)
    client.force_login(w.b.eve)
    assert page(client, "training:plan", plan.pk).status_code == 200
    assert page(client, "training:trainee_new").status_code == 403
    assert client.post(reverse("training:departure", args=[w.staff[0].pk]),
                       {"left_on": "2026-08-19"}).status_code == 403  # fmt: skip
    client.force_login(w.b.sue)
    assert page(client, "training:plan", plan.pk).status_code == 404
    assert page(client, "training:trainee", w.staff[0].pk).status_code == 404
    assert page(client, "training:coverage", w.b.site.pk).status_code == 404


def test_the_shared_revise_page_uses_the_training_terms_and_the_plan_page_shows_the_panel(
    w, client
):
    plan = confirmed_plan(w)
    client.force_login(w.cora)
    html = page(client, "training:plan", plan.pk).content.decode()
    assert reverse("agreements:revise", args=[plan.pk]) in html  # the shared panel
    form = page(client, "agreements:revise", plan.pk)
    assert form.status_code == 200 and 'name="track"' in form.content.decode()
    response = client.post(reverse("agreements:revise", args=[plan.pk]), {
        "reason": "業主要求增加聯動測試", "track": "operator", "extra_topics": "聯動測試",
        "min_education": "vocational", "min_english_level": "basic", "hours": "", "place": "",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = plan.agreement.versions.order_by("-number").first()
    assert latest.number == 2 and latest.terms["topics"][-1] == "聯動測試"
    assert latest.terms["topics"][:4] == [
        "operator.principles", "operator.equipment", "operator.maintenance", "operator.drawings",
    ]  # fmt: skip
    moved = client.post(reverse("agreements:revise", args=[plan.pk]), {
        "reason": "換軌道", "track": "manager", "extra_topics": "", "min_education": "none",
        "min_english_level": "none",
    })  # fmt: skip
    assert moved.status_code in (409, 422)
    assert plan.agreement.versions.count() == 2
