"""Desks per branch (issue 11): menus, My work, the dashboard, the customer list, the branch
settings and `aftercare setup --desks` follow what the user's branch runs."""

import io

import pytest
from django.core.management import call_command

from aftercare.customers import actions as customers
from aftercare.org.models import Branch
from aftercare.org.queries import desks_of
from tests.factories import UserFactory


def _menu(client, user) -> dict[str, list[str]]:
    """Top-level label → the URLs under it (a link's own URL for a plain entry)."""
    client.force_login(user)
    response = client.get("/work/")
    assert response.status_code == 200
    return {
        str(item["label"]): [c["url"] for c in item.get("children", [])] or [item.get("url")]
        for item in response.context["menu"]
    }


def test_a_building_systems_supervisor_sees_sites_and_no_dealership_menus(client, building):
    menu = _menu(client, building.vera)
    assert "/sites/" in menu["Building systems"]
    assert "Follow-up" not in menu and "Workshop" not in menu
    urls = [url for urls in menu.values() for url in urls]
    assert "/safety/" not in urls


def test_a_dealership_advisor_sees_no_building_systems(client, desk):
    menu = _menu(client, desk.alice)
    assert "Building systems" not in menu
    assert "Follow-up" in menu


def test_my_work_and_the_dashboard_open_for_a_building_systems_branch(client, building):
    client.force_login(building.vera)
    assert client.get("/work/").status_code == 200
    dashboard = client.get("/reviews/dashboard/")
    assert dashboard.status_code == 200
    assert "DS-3" not in dashboard.content.decode()
    client.force_login(building.eric)
    assert client.get("/work/").status_code == 200


def test_the_customer_list_of_a_building_systems_branch_shows_companies(client, building):
    client.force_login(building.vera)
    html = client.get("/customers/").content.decode()
    assert building.owner_a.name in html and building.person_a.name not in html
    form = client.get("/customers/new/").content.decode()
    assert 'value="company" selected' in form


def test_a_branch_that_runs_both_desks_shows_both(client, building):
    both = Branch.objects.create(
        organisation=building.org, code="both", name="綜合部",
        runs_dealership=True, runs_building_systems=True,
    )  # fmt: skip
    supervisor = UserFactory(username="bo", branch=both, roles=["supervisor"])
    assert desks_of(supervisor) == frozenset({"DS", "BS"})
    menu = _menu(client, supervisor)
    assert "Building systems" in menu and "Follow-up" in menu
    customers.create_customer(branch=both, by=supervisor, kind="person", name="李四")
    assert "李四" in client.get("/customers/").content.decode()


def test_the_branch_settings_page_sets_the_desks(client, building):
    client.force_login(building.ada)
    page = client.get(f"/settings/branches/{building.branch_a.pk}/").content.decode()
    assert 'name="runs_building_systems"' in page and 'name="runs_dealership"' in page
    client.post(
        f"/settings/branches/{building.branch_a.pk}/",
        {"name": "弱電工程部", "runs_dealership": "on", "runs_building_systems": "on"},
    )
    building.branch_a.refresh_from_db()
    assert building.branch_a.desks == frozenset({"DS", "BS"})
    refused = client.post(f"/settings/branches/{building.branch_a.pk}/", {"name": "弱電工程部"})
    assert "A branch runs at least one desk." in refused.content.decode()
    building.branch_a.refresh_from_db()
    assert building.branch_a.desks == frozenset({"DS", "BS"})
    client.post("/settings/branches/", {"code": "elv-c", "name": "弱電三部",
                                        "runs_building_systems": "on"})  # fmt: skip
    assert Branch.objects.get(code="elv-c").desks == frozenset({"BS"})


FLAGS = [
    "--organisation", "華東弱電", "--time-zone", "Asia/Shanghai", "--region", "CN",
    "--branch-code", "elv", "--branch-name", "弱電工程部",
    "--admin-username", "boss", "--admin-password", "a-long-Secret-2026", "--no-input",
]  # fmt: skip


@pytest.mark.parametrize(
    ("desks", "expected"),
    [(None, {"DS"}), ("BS", {"BS"}), ("both", {"DS", "BS"})],
)
def test_setup_sets_the_desks_of_the_first_branch(db, desks, expected):
    flags = [*FLAGS, *(["--desks", desks] if desks else [])]
    out = io.StringIO()
    call_command("setup", *flags, stdout=out)
    assert Branch.objects.get().desks == frozenset(expected)


def test_the_customer_page_of_a_site_owner_shows_sites_not_cars(client, building):
    from aftercare.sites import actions

    site = actions.create_site(by=building.vera, customer=building.owner_a, name="浦江中心")
    client.force_login(building.vera)
    page = client.get(f"/customers/{building.owner_a.pk}/").content.decode()
    assert f"/sites/{site.pk}/" in page and 'id="contacts"' in page
    assert 'id="vehicles"' not in page and 'id="log-call"' not in page
