"""In a real browser, on a phone-width screen: a supervisor uploads a system's five handover
documents on its handover page, records the acceptance (BS-5, refused until the handover is
complete, BS-14) and opens the handover list 竣工資料移交清單 — in zh-Hant and in English."""

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import Page, expect

from aftercare.customers.models import Customer
from aftercare.documents.models import DocumentVersion
from aftercare.obligations.models import Obligation
from aftercare.org.models import Branch, User
from aftercare.sites import actions as sites
from tests.e2e.conftest import ARTIFACTS_DIR

PHONE = {"width": 375, "height": 812}
KINDS = {
    "as_built_drawing": "竣工圖",
    "software_doc": "軟件說明書",
    "hardware_doc": "硬件說明書",
    "om_manual": "操作及維護手冊",
    "equipment_list": "設備清單",
}


@pytest.fixture
def system(demo_org):
    """A site with a CCTV system in supervisor1's branch, made through the sites actions."""
    supervisor = User.objects.get(username="supervisor1")
    Branch.objects.filter(pk=supervisor.branch_id).update(runs_building_systems=True)
    supervisor.refresh_from_db()
    owner = Customer.objects.create(
        branch=supervisor.branch, name="環球置業有限公司", kind=Customer.Kind.COMPANY
    )
    site = sites.create_site(
        by=supervisor, customer=owner, name="環球大廈", address="世紀大道100號"
    )
    system = sites.add_system(by=supervisor, site=site, kind="cctv", name="閉路電視", key=True)
    sites.add_equipment(by=supervisor, system=system, name="球機", serial="CAM-1", location="B1")
    return system


def _offers(system):
    """The system's BS-6 offers (the demo has offers of its own building-systems branch)."""
    return Obligation.objects.filter(
        rule="BS-6", subject_type=ContentType.objects.get_for_model(system), subject_id=system.pk
    )


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _upload(page: Page, kind: str, title: str, content: bytes) -> None:
    form = page.locator("#upload-form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=file]").set_input_files(
        {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": content}
    )
    with page.expect_navigation():
        page.click("#upload-submit")


def _accept(page: Page) -> None:
    page.fill("input[name=accepted_on]", "2026-03-16")
    page.fill("input[name=accepted_by]", "業主代表 周先生")
    with page.expect_navigation():
        page.click("#acceptance-submit")


def test_a_supervisor_hands_over_accepts_and_prints_in_chinese(page: Page, log_in, app_url, system):
    page.set_viewport_size(PHONE)
    log_in("supervisor1")
    page.goto(app_url(f"/documents/systems/{system.pk}/"))
    expect(page.locator("#checklist-title")).to_have_text("竣工資料檢查表（BS-14）")
    _fits(page)
    for kind, title in list(KINDS.items())[:4]:
        _upload(page, kind, title, f"{kind} 第一版".encode())
        expect(page.locator(f"#kind-{kind}")).to_have_attribute("data-present", "yes")
    _fits(page)

    # The equipment list is still missing: acceptance is refused and writes nothing.
    _accept(page)
    expect(page.locator("#acceptance-form .alert-danger")).to_contain_text("equipment_list")
    assert not _offers(system).exists()

    _upload(page, "equipment_list", "設備清單", b"list")
    expect(page.locator("#handover-state")).to_have_attribute("data-complete", "yes")
    _accept(page)
    expect(page.locator("#warranty")).to_have_text("2026-03-16 – 2028-03-15")
    system.refresh_from_db()
    assert system.accepted_on == date(2026, 3, 16)
    assert [offer.owner.username for offer in _offers(system)] == ["supervisor1"]
    _fits(page)
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS_DIR / "handover-page-375.png", full_page=True)

    with page.expect_navigation():
        page.click("#print-list")
    expect(page.locator("#form-title")).to_have_text("竣工資料移交清單")
    expect(page.locator("#form-subtitle")).to_have_count(0)  # zh-Hant: the title is its name
    expect(page.locator("#handover-table .record")).to_have_count(5)
    expect(page.locator("#signatures")).to_contain_text("接收人（業主代表，簽字）")
    page.screenshot(path=ARTIFACTS_DIR / "handover-list-375.png", full_page=True)


def test_the_same_in_english_with_a_corrected_version(page: Page, log_in, app_url, system):
    log_in("supervisor1")
    page.goto(app_url(f"/documents/systems/{system.pk}/"))
    with page.expect_navigation():  # the switcher is in the menu bar, folded away on a phone
        page.select_option("#language-select", "en")
    page.set_viewport_size(PHONE)
    expect(page.locator("#checklist-title")).to_have_text("Handover checklist (BS-14)")
    for kind, title in KINDS.items():
        if kind == "equipment_list":
            with page.expect_navigation():
                page.click("#equipment-list-form button")
        else:
            _upload(page, kind, title, b"first")
    _upload(page, "om_manual", KINDS["om_manual"], b"corrected")
    manual = page.locator("#kind-om_manual .version")
    expect(manual).to_have_count(2)
    expect(manual.first).to_have_attribute("data-version", "2")
    assert DocumentVersion.objects.filter(system=system, kind="om_manual").count() == 2
    _accept(page)
    expect(page.locator("#warranty")).to_have_text("2026-03-16 – 2028-03-15")
    _fits(page)
    with page.expect_navigation():
        page.click("#print-list")
    expect(page.locator("#form-title")).to_have_text("竣工資料移交清單")
    expect(page.locator("#form-subtitle")).to_have_text("Handover list of as-built documents")
    expect(page.locator("#list-state")).to_have_text(
        "Every required document has been handed over."
    )
