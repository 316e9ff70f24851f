"""The maintenance pages in Traditional Chinese and English: the list, a new plan from a site
(a contract's visits per year prefill the frequency), the plan page with its visits and the
agreement panel, the engineer's phone page whose posted checklist records the visit, moving a
visit, and the checklists (edited items keep their own words)."""

import pytest
import time_machine
from django.urls import reverse

from aftercare.maintenance.models import ChecklistItem, MaintenancePlan, MaintenanceVisit
from aftercare.servicedesk.models import Ticket
from tests.maintenance.helpers import at, bs9, confirm, draft, hotline, png, visits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        yield


@pytest.fixture
def confirmed():
    h = hotline()
    plan = draft(h, systems=[h.cctv, h.fire])
    confirm(h, plan)
    return h, plan


@pytest.mark.parametrize(("language", "words"), [("zh-hant", "維護"), ("en", "Maintenance")])
def test_the_pages_render_in_both_languages(client, confirmed, language, words):
    h, plan = confirmed
    client.force_login(h.sam)
    client.cookies.load({"django_language": language})
    visit = visits(plan)[0]
    for name, args in (
        ("maintenance:list", []),
        ("maintenance:new", []),
        ("maintenance:plan", [plan.pk]),
        ("maintenance:visit", [visit.pk]),
        ("maintenance:checklists", []),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    page = client.get(reverse("maintenance:plan", args=[plan.pk])).content.decode()
    assert "2026-04-15" in page and 'data-state="planned"' in page
    assert "王經理" in page  # the agreement panel shows who confirmed
    menu = client.get(reverse("maintenance:list")).content.decode()
    assert reverse("maintenance:list") in menu


def test_a_new_plan_from_a_contract_prefills_the_frequency_and_posting_drafts_it(client):
    h = hotline()
    h.contract.visits_per_year = 4
    h.contract.save()
    client.force_login(h.sam)
    choose = client.get(reverse("maintenance:new"))
    assert 'id="site-form"' in choose.content.decode()
    form = client.get(reverse("maintenance:new"), {"contract": h.contract.pk}).content.decode()
    assert 'name="every_months" value="3"' in form
    url = reverse("maintenance:new") + f"?site={h.site.pk}"
    bad = client.post(url, {"systems": [], "every_months": "3", "starts_on": "2026-01-15",
                            "ends_on": "2026-12-31", "non_working_day": "previous"})  # fmt: skip
    assert bad.status_code == 422 and not MaintenancePlan.objects.exists()
    response = client.post(url, {
        "title": "", "contract": str(h.contract.pk), "engineer": str(h.eve.pk),
        "systems": [str(h.cctv.pk)], "every_months": "3", "dates": "",
        "starts_on": "2026-01-15", "ends_on": "2026-12-31", "non_working_day": "previous",
    })  # fmt: skip
    plan = MaintenancePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "maintenance:plan", args=[plan.pk]
    )
    assert plan.engineer == h.eve and plan.contract == h.contract
    assert plan.agreement.versions.get().terms["system_ids"] == [h.cctv.pk]


def test_posting_the_checklist_records_the_visit_with_its_defect(client, confirmed):
    h, plan = confirmed
    visit = visits(plan)[0]
    client.force_login(h.eve)
    page = client.get(reverse("maintenance:visit", args=[visit.pk])).content.decode()
    assert "data-signature-pad" in page and "js/hotline.js" in page
    data = {"done_at": "2026-01-15T10:30", "signed_by": "李經理",
            "signature_png": "data:image/png;base64," + png()}  # fmt: skip
    checks = list(visit.checks.order_by("order"))
    for check in checks:
        data[f"result_{check.pk}"] = "ok"
        if check.kind == "reading":
            data[f"reading_{check.pk}"] = str(check.low if check.low is not None else check.high)
    missing = client.post(reverse("maintenance:result", args=[visit.pk]),
                          {**data, "signature_png": ""})  # fmt: skip
    assert missing.status_code == 422
    assert MaintenanceVisit.objects.get(pk=visit.pk).state == "planned"
    alarm = next(check for check in checks if check.code == "fa_panel")
    data[f"result_{alarm.pk}"] = "defect"
    data[f"note_{alarm.pk}"] = "主機顯示迴路故障"
    response = client.post(reverse("maintenance:result", args=[visit.pk]), data)
    assert response.status_code == 302
    visit = MaintenanceVisit.objects.get(pk=visit.pk)
    assert visit.state == "done" and visit.signed_by == "李經理" and visit.signature
    ticket = Ticket.objects.get()
    assert ticket.system == h.fire and "主機顯示迴路故障" in ticket.description
    assert bs9(visit)[0].done_at == at(2026, 1, 15, 10, 30)
    done = client.get(reverse("maintenance:visit", args=[visit.pk])).content.decode()
    assert ticket.number in done and reverse("maintenance:report_pdf", args=[visit.pk]) in done


def test_moving_a_visit_on_its_page(client, confirmed):
    h, plan = confirmed
    visit = visits(plan)[1]
    client.force_login(h.eve)
    url = reverse("maintenance:reschedule", args=[visit.pk])
    assert client.post(url, {"to": "2026-04-20", "reason": ""}).status_code == 422
    assert client.post(url, {"to": "2026-04-20", "reason": "業主要求"}).status_code == 302
    page = client.get(reverse("maintenance:visit", args=[visit.pk])).content.decode()
    assert "2026-04-15 → 2026-04-20" in page and "業主要求" in page


def test_a_checklist_item_is_edited_added_and_removed_and_visits_keep_their_copy(client, confirmed):
    h, plan = confirmed
    visit = visits(plan)[0]
    client.force_login(h.sam)
    client.get(reverse("maintenance:checklists"))
    lens = ChecklistItem.objects.get(code="cctv_lens")
    prefix = f"item-{lens.pk}"
    response = client.post(reverse("maintenance:item_change", args=[lens.pk]), {
        f"{prefix}-text": "鏡頭及防護罩清潔（含除霧）", f"{prefix}-kind": "check",
        f"{prefix}-order": "20",
    })  # fmt: skip
    assert response.status_code == 302
    lens.refresh_from_db()
    assert lens.label == "鏡頭及防護罩清潔（含除霧）"
    template = lens.template
    add = f"add-{template.pk}"
    client.post(reverse("maintenance:item_add", args=[template.pk]), {
        f"{add}-text": "UPS 輸出電壓", f"{add}-kind": "reading", f"{add}-unit": "V",
        f"{add}-low": "210", f"{add}-high": "230",
    })  # fmt: skip
    assert template.items.filter(text="UPS 輸出電壓", unit="V").exists()
    refused = client.post(reverse("maintenance:item_add", args=[template.pk]), {
        f"{add}-text": "x", f"{add}-kind": "reading", f"{add}-low": "5", f"{add}-high": "1",
    })  # fmt: skip
    assert refused.status_code == 422
    client.post(reverse("maintenance:item_remove", args=[lens.pk]))
    assert not ChecklistItem.objects.filter(pk=lens.pk).exists()
    assert visit.checks.filter(code="cctv_lens").exists()  # the visit keeps its copy
    client.force_login(h.eve)
    assert client.post(reverse("maintenance:item_remove", args=[template.items.first().pk])
                       ).status_code == 403  # fmt: skip
