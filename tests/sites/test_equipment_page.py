"""The equipment list's page statement, compiled once per shape (`queries.equipment_page`),
answers as the equipment queryset does: for each reader's scope, each filter and each page,
with values that differ from the ones it was compiled with."""

import pytest
from django.core.exceptions import PermissionDenied

from aftercare.sites import actions, queries
from aftercare.sites.models import Equipment, serial_key
from tests.factories import UserFactory

COLUMNS = ["id", "system_id", "name", "serial"]


@pytest.fixture
def installed(building):
    """Two sites in branch A, one in branch B; serials that share their first characters."""

    def system(by, owner, site_name, kind):
        site = actions.create_site(by=by, customer=owner, name=site_name)
        return actions.add_system(by=by, site=site, kind=kind, name=site_name)

    a1 = system(building.vera, building.owner_a, "浦江大廈", "fire_alarm")
    a2 = system(building.vera, building.owner_a, "陸家嘴商場", "cctv")
    b1 = system(building.walt, building.owner_b, "西湖醫院", "fire_alarm")
    for by, sys, serials in [
        (building.vera, a1, ["SD-2024 0001", "SD-2024 0002", "SD-2025 0001"]),
        (building.vera, a2, ["CAM-01", "CAM-02", ""]),
        (building.walt, b1, ["SD-2024 0003", "CAM-03"]),
    ]:
        for n, serial in enumerate(serials):
            actions.add_equipment(by=by, system=sys, name=f"item {n}", serial=serial)
    return {"a1": a1, "a2": a2, "b1": b1}


def by_queryset(user, system_id=None, serial=None):
    items = Equipment.objects.visible_to(user)
    if system_id is not None:
        items = items.filter(system_id=system_id)
    if serial is not None:
        key = serial_key(serial)
        items = items.filter(serial_key__startswith=key) if key else items.none()
        items = items.order_by("serial_key", "id")
    else:
        items = items.order_by("id")
    return list(items.values(*COLUMNS))


def by_page(user, *, limit=50, offset=0, **filters):
    page = queries.equipment_page(user, COLUMNS, limit=limit, offset=offset, **filters)
    return page.rows, page.count


@pytest.mark.parametrize("reader", ["vera", "walt", "ada", "eric"])
def test_each_reader_and_filter_gets_what_the_queryset_gives(building, installed, reader):
    user = getattr(building, reader)
    for filters in [
        {},
        {"serial": "sd2024"},  # dashes, spaces and case ignored
        {"serial": "SD-2025"},
        {"serial": "cam"},
        {"serial": "--"},  # nothing searchable: nothing found
        {"serial": "ZZ"},
        {"system_id": installed["a1"].pk},
        {"system_id": installed["b1"].pk},
        {"system_id": installed["a1"].pk, "serial": "SD-2024"},
    ]:
        expected = by_queryset(user, **filters)
        assert by_page(user, **filters) == (expected, len(expected)), filters
    if reader == "vera":  # branch A only, in the serial's order
        serials = [row["serial"] for row in by_page(user, serial="sd")[0]]
        assert serials == ["SD-2024 0001", "SD-2024 0002", "SD-2025 0001"]
    if reader == "ada":  # the organisation: both branches
        assert by_page(user, serial="SD-2024")[1] == 3


def test_pages_past_the_end_still_count(building, installed):
    everything = by_queryset(building.ada)
    assert len(everything) == 8
    assert by_page(building.ada, limit=3, offset=3) == (everything[3:6], 8)
    assert by_page(building.ada, limit=3, offset=30) == ([], 8)
    assert by_page(building.ada, serial="cam", limit=2, offset=10) == ([], 3)


def test_readers_without_the_installed_base_are_refused(building, installed):
    clerk = UserFactory(username="clerk", branch=building.branch_a, roles=[])
    with pytest.raises(PermissionDenied):
        queries.equipment_page(clerk, COLUMNS, limit=50, offset=0)


def test_the_api_answers_with_the_page(api_client, building, installed):
    api = api_client.as_user(building.vera)
    body = api.get("/equipment", serial="sd 2024", limit=1).json()
    assert body["count"] == 2 and [row["serial"] for row in body["items"]] == ["SD-2024 0001"]
    body = api.get("/equipment", system_id=installed["a2"].pk).json()
    assert body["count"] == 3 and {row["system_id"] for row in body["items"]} == {
        installed["a2"].pk
    }
    assert api.get("/equipment", system_id=installed["b1"].pk).json() == {"items": [], "count": 0}
