"""The installed-base pages: list and search, a new site, the site, system and equipment
pages, replacing a part, QR labels; and owner contacts on the customer page."""

import base64
import re
from datetime import date

from aftercare.customers import actions as customers
from aftercare.customers.models import CustomerContact
from aftercare.sites import actions
from aftercare.sites.models import Equipment, Site


def _tower(building):
    site = actions.create_site(
        by=building.vera, customer=building.owner_a, name="浦江中心大廈", address="浦東大道1號"
    )
    cctv = actions.add_system(by=building.vera, site=site, kind="cctv", name="閉路電視", key=True)
    actions.add_system(by=building.vera, site=site, kind="cabling", name="綜合布線")
    for n in range(3):
        actions.add_equipment(
            by=building.vera, system=cctv, name="半球攝像機", model="DS-2CD3",
            serial=f"HK-2026-{n:04}", location=f"{n + 1}F 電梯廳", installed_on=date(2026, 3, 2),
        )  # fmt: skip
    return site, cctv


def test_a_supervisor_creates_a_site_for_a_company_owner(client, building):
    client.force_login(building.vera)
    page = client.get("/sites/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert building.owner_a.name in html
    assert building.person_a.name not in html and building.owner_b.name not in html
    response = client.post(
        "/sites/new/", {"customer": building.owner_a.pk, "name": "浦江中心大廈", "address": "浦東"}
    )
    site = Site.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sites/{site.pk}/"
    assert (site.branch, site.customer) == (building.branch_a, building.owner_a)


def test_a_site_without_a_name_is_refused_with_the_form_and_nothing_written(client, building):
    client.force_login(building.vera)
    response = client.post("/sites/new/", {"customer": building.owner_a.pk, "name": " "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Site.objects.count() == 0


def test_the_site_page_shows_owner_contacts_and_systems(client, building):
    customers.add_contact(
        building.owner_a, by=building.vera, name="李經理", role="物業經理",
        phones=["13800138000"], email="li@pujiang.example",
    )  # fmt: skip
    site, cctv = _tower(building)
    client.force_login(building.eric)
    html = client.get(f"/sites/{site.pk}/").content.decode()
    assert "李經理" in html and "物業經理" in html and "tel:+8613800138000" in html
    assert "閉路電視" in html and "綜合布線" in html
    row = re.search(rf'data-id="{cctv.pk}">(.*?)</tr>', html, re.S).group(1)
    assert "key" in row and "Not accepted yet" in row and ">3<" in row.replace(" ", "")


def test_the_list_searches_sites_and_equipment_by_serial(client, building):
    site, _cctv = _tower(building)
    client.force_login(building.eric)
    html = client.get("/sites/", {"q": "浦江置業"}).content.decode()  # the owner's name
    assert "浦江中心大廈" in html
    assert "浦江中心大廈" not in client.get("/sites/", {"q": "醫院"}).content.decode()
    found = client.get("/sites/", {"serial": "hk 2026 000"}).content.decode()
    section = found.split('id="serial-results"')[1].split("</section>")[0]
    assert section.count("HK-2026-000") == 3
    one = client.get("/sites/", {"serial": "HK20260002"}).content.decode()
    section = one.split('id="serial-results"')[1].split("</section>")[0]
    assert "HK-2026-0002" in section and "HK-2026-0001" not in section


def test_an_engineer_adds_equipment_on_the_system_page(client, building):
    _site, cctv = _tower(building)
    client.force_login(building.eric)
    page = client.get(f"/sites/systems/{cctv.pk}/").content.decode()
    assert page.count('class="item') == 3 and "HK-2026-0001" in page
    assert f'href="/documents/systems/{cctv.pk}/"' in page  # the handover archive (BS-14)
    response = client.post(
        f"/sites/systems/{cctv.pk}/equipment/new/",
        {
            "name": "NVR",
            "serial": "NVR-01",
            "location": "B1 監控中心",
            "installed_on": "2026-03-05",
        },
    )
    assert response.status_code == 302
    item = Equipment.objects.get(serial="NVR-01")
    assert (item.system, item.installed_on) == (cctv, date(2026, 3, 5))
    bad = client.post(f"/sites/systems/{cctv.pk}/equipment/new/", {"name": "", "serial": "X"})
    assert bad.status_code == 200 and "This field is required." in bad.content.decode()
    assert Equipment.objects.count() == 4


def test_a_coordinator_reads_but_adds_nothing(client, building):
    _site, cctv = _tower(building)
    client.force_login(building.tina)
    page = client.get(f"/sites/systems/{cctv.pk}/").content.decode()
    assert 'id="equipment-form"' not in page
    refused = client.post(f"/sites/systems/{cctv.pk}/equipment/new/", {"name": "NVR"})
    assert refused.status_code == 403
    assert client.get("/sites/new/").status_code == 403
    assert Equipment.objects.count() == 3


def test_a_site_without_systems_shows_its_owner_and_branch_and_says_so(client, building):
    """The site page reads the site with its systems; a site with none is read on its own."""
    site = actions.create_site(
        by=building.vera, customer=building.owner_a, name="新建大廈", address="浦東南路8號"
    )
    client.force_login(building.vera)
    html = client.get(f"/sites/{site.pk}/").content.decode()
    assert "新建大廈" in html and "浦東南路8號" in html and building.owner_a.name in html
    assert building.branch_a.name in html and "No systems yet." in html
    client.force_login(building.walt)
    assert client.get(f"/sites/{site.pk}/").status_code == 404


def test_another_branch_meets_404(client, building):
    site, cctv = _tower(building)
    item = cctv.equipment.first()
    client.force_login(building.walt)
    for url in (f"/sites/{site.pk}/", f"/sites/systems/{cctv.pk}/",
                f"/sites/equipment/{item.pk}/", f"/sites/equipment/{item.pk}/label/",
                f"/sites/systems/{cctv.pk}/labels/"):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_replacing_a_part_keeps_the_old_item_and_starts_its_own_warranty(client, building):
    _site, cctv = _tower(building)
    old = cctv.equipment.get(serial="HK-2026-0001")
    client.force_login(building.eric)
    response = client.post(
        f"/sites/equipment/{old.pk}/replace/",
        {"name": "半球攝像機", "model": "DS-2CD5", "serial": "HK-2027-0100",
         "installed_on": "2026-06-10"},
    )  # fmt: skip
    new = Equipment.objects.get(serial="HK-2027-0100")
    assert response["Location"] == f"/sites/equipment/{new.pk}/"
    old.refresh_from_db()
    assert old.removed_on == date(2026, 6, 10)
    assert (new.warranty_starts_on, new.warranty_ends_on) == (date(2026, 6, 10), date(2028, 6, 9))
    assert new.location == old.location and new.replaces == old
    page = client.get(f"/sites/equipment/{old.pk}/").content.decode()
    assert "Replaced on 2026-06-10" in page and f"/sites/equipment/{new.pk}/" in page
    again = client.post(
        f"/sites/equipment/{old.pk}/replace/", {"name": "x", "installed_on": "2026-06-11"}
    )
    assert again.status_code == 200 and "already replaced" in again.content.decode()
    assert Equipment.objects.count() == 4


def test_a_qr_label_encodes_the_items_absolute_address(client, building):
    _site, cctv = _tower(building)
    item = cctv.equipment.get(serial="HK-2026-0002")
    client.force_login(building.eric)
    html = client.get(f"/sites/equipment/{item.pk}/label/").content.decode()
    url = f"http://testserver/sites/equipment/{item.pk}/"
    assert f'data-url="{url}"' in html
    uri = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    assert base64.b64decode(uri).startswith(b"<svg")
    assert "HK-2026-0002" in html and "3F 電梯廳" in html
    sheet = client.get(f"/sites/systems/{cctv.pk}/labels/").content.decode()
    assert sheet.count('class="qr-label"') == 3
    # The label leads to the item's page.
    assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_contacts_are_added_and_corrected_on_a_company_customer(client, building):
    client.force_login(building.vera)
    response = client.post(
        f"/customers/{building.owner_a.pk}/contacts/new/",
        {"name": "王工", "role": "保安主任", "phones": "13900139000\n021-63005678", "email": ""},
    )
    assert response.status_code == 302
    contact = CustomerContact.objects.get()
    assert contact.phones == ["+8613900139000", "+862163005678"]
    page = client.get(f"/customers/{building.owner_a.pk}/").content.decode()
    assert "王工" in page and "保安主任" in page
    client.post(
        f"/customers/contacts/{contact.pk}/edit/",
        {"name": "王工", "role": "保安經理", "phones": "13900139000"},
    )
    contact.refresh_from_db()
    assert contact.role == "保安經理" and contact.history.count() == 2
    bad = client.post(
        f"/customers/{building.owner_a.pk}/contacts/new/", {"name": "趙", "phones": "12"}
    )
    assert bad.status_code == 200 and CustomerContact.objects.count() == 1
    person = client.post(f"/customers/{building.person_a.pk}/contacts/new/", {"name": "趙"})
    assert "company customers" in person.content.decode()
    assert CustomerContact.objects.count() == 1
