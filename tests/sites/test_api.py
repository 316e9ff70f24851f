"""The installed base over the API: sites, systems, equipment; scope and bad input."""

from datetime import date

from aftercare.sites.models import Equipment, Site, System


def _site(api, owner, name="浦江大廈"):
    response = api.post("/sites", {"customer_id": owner.pk, "name": name, "address": "浦東大道1號"})
    assert response.status_code == 201, response.content
    return response.json()


def test_a_supervisor_records_a_site_its_systems_and_equipment(api_client, building):
    api = api_client.as_user(building.vera)
    site = _site(api, building.owner_a)
    assert site["branch_id"] == building.branch_a.pk
    assert site["customer_id"] == building.owner_a.pk
    system = api.post("/systems", {"site_id": site["id"], "kind": "fire_alarm", "name": "火警",
                                   "key": True})  # fmt: skip
    assert system.status_code == 201, system.content
    assert system.json()["key"] is True and system.json()["warranty_ends_on"] is None
    item = api.post("/equipment", {
        "system_id": system.json()["id"], "name": "煙感探測器", "model": "JTY-GD-G3",
        "serial": "sd-2024 0001", "location": "B1 機房", "installed_on": "2026-03-02",
    })  # fmt: skip
    assert item.status_code == 201, item.content
    body = item.json()
    assert body["installed_on"] == "2026-03-02"
    assert body["warranty_starts_on"] is None and body["warranty_ends_on"] is None
    # Found by a prefix of the serial, typed without the space and in lower case.
    found = api.get("/equipment", serial="SD2024-00").json()
    assert [row["id"] for row in found["items"]] == [body["id"]]
    assert api.get("/equipment", serial="SD2025").json()["items"] == []
    assert api.get(f"/sites/{site['id']}").json()["name"] == "浦江大廈"
    assert api.get(f"/systems/{system.json()['id']}").json()["kind"] == "fire_alarm"
    assert api.get("/systems", site_id=site["id"]).json()["count"] == 1


def test_equipment_added_after_acceptance_carries_the_systems_warranty(api_client, building):
    api = api_client.as_user(building.vera)
    site = _site(api, building.owner_a)
    system = api.post("/systems", {"site_id": site["id"], "kind": "cctv", "name": "閉路電視"})
    # Acceptance is the documents app's action; here the system is set as accepted directly.
    System.objects.filter(pk=system.json()["id"]).update(
        accepted_on=date(2026, 3, 16),
        warranty_starts_on=date(2026, 3, 16),
        warranty_ends_on=date(2028, 3, 15),
    )
    item = api.post("/equipment", {"system_id": system.json()["id"], "name": "攝像機"}).json()
    assert (item["warranty_starts_on"], item["warranty_ends_on"]) == ("2026-03-16", "2028-03-15")


def test_lists_filter_by_owner_and_text_and_stay_in_the_branch(api_client, building):
    api = api_client.as_user(building.vera)
    _site(api, building.owner_a, "浦江大廈")
    _site(api, building.owner_a, "陸家嘴商場")
    api_client.as_user(building.walt)
    _site(api, building.owner_b, "西湖醫院門診樓")
    api_client.as_user(building.vera)
    names = [row["name"] for row in api.get("/sites").json()["items"]]
    assert sorted(names) == ["浦江大廈", "陸家嘴商場"]
    assert [r["name"] for r in api.get("/sites", q="商場").json()["items"]] == ["陸家嘴商場"]
    assert api.get("/sites", q="浦江置業").json()["count"] == 2  # the owner's name
    assert api.get("/sites", customer_id=building.owner_b.pk).json()["count"] == 0
    api_client.as_user(building.ada)
    assert api.get("/sites").json()["count"] == 3


def test_bad_input_is_refused_and_nothing_is_written(api_client, building):
    api = api_client.as_user(building.vera)
    site = _site(api, building.owner_a)
    sites, systems = Site.objects.count(), System.objects.count()

    person = api.post("/sites", {"customer_id": building.person_a.pk, "name": "張宅"})
    assert person.status_code == 422
    assert "customer_id" in person.json()["fields"]
    elsewhere = api.post("/sites", {"customer_id": building.owner_b.pk, "name": "別家"})
    assert elsewhere.status_code == 404
    kind = api.post("/systems", {"site_id": site["id"], "kind": "elevator", "name": "電梯"})
    assert kind.status_code == 422 and "kind" in kind.json()["fields"]
    blank = api.post("/systems", {"site_id": site["id"], "kind": "bms", "name": ""})
    assert blank.status_code == 422

    api_client.as_user(building.walt)
    other = api.post("/systems", {"site_id": site["id"], "kind": "bms", "name": "樓控"})
    assert other.status_code == 404
    assert api.get(f"/sites/{site['id']}").status_code == 404
    assert (Site.objects.count(), System.objects.count()) == (sites, systems)


def test_an_engineer_adds_equipment_but_no_sites(api_client, building):
    api = api_client.as_user(building.vera)
    site = _site(api, building.owner_a)
    system = api.post("/systems", {"site_id": site["id"], "kind": "bms", "name": "樓控"}).json()
    api_client.as_user(building.eric)
    refused = api.post("/sites", {"customer_id": building.owner_a.pk, "name": "另一座"})
    assert refused.status_code == 403
    added = api.post("/equipment", {"system_id": system["id"], "name": "DDC 控制器"})
    assert added.status_code == 201
    api_client.as_user(building.tina)
    assert api.post("/equipment", {"system_id": system["id"], "name": "x"}).status_code == 403
    assert Equipment.objects.count() == 1
    assert Site.objects.count() == 1
