"""One INSTALLED_APPS line wires an app into the menu, the pages, the API, tick and My work.

`tests/skeleton_app` declares everything an app can declare and nothing else; no central module
names it. The URLconf and the NinjaAPI are built when their modules are imported, so the
fixture rebuilds both after changing INSTALLED_APPS (and again after restoring it), exactly
as a server start would.
"""

import importlib
import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import clear_url_caches

import aftercare.api
import aftercare.urls
from aftercare import tick
from aftercare.apps import next_steps, role_permissions
from tests.skeleton_app import demo as skeleton_demo
from tests.skeleton_app import tick as skeleton_tick


def _rebuild_routes() -> None:
    clear_url_caches()
    importlib.reload(aftercare.api)
    importlib.reload(aftercare.urls)


@pytest.fixture
def skeleton_installed():
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "tests.skeleton_app"]):
        _rebuild_routes()
        try:
            yield
        finally:
            skeleton_tick.runs.clear()
            skeleton_demo.loaded.clear()
    _rebuild_routes()


def _menu_labels(page: str) -> list[str]:
    return re.findall(r'class="(?:nav-link|dropdown-item)[^"]*"[^>]*>\s*([^<]+?)\s*<', page)


def test_menu_shows_the_apps_entries_in_their_declared_places(client, desk, skeleton_installed):
    client.force_login(desk.sam)
    page = client.get("/work/", HTTP_ACCEPT_LANGUAGE="en").text
    labels = _menu_labels(page)
    # Top level at order 25: after Customers (20), before the Follow-up drop-down (30).
    assert labels.index("Skeleton board") == labels.index("Customers") + 1
    # In the Supervision drop-down at order 15: after Dashboard (10), before Obligations (20).
    assert labels.index("Skeleton figures") == labels.index("Obligations") - 1
    assert client.get("/skeleton/").text == "the skeleton board"


def test_api_mounts_the_apps_router(api_client, desk, skeleton_installed):
    schema = aftercare.api.api.get_openapi_schema()
    assert schema["paths"]["/api/v1/skeleton/ping"]["get"]["operationId"] == "skeleton_ping"
    response = api_client.as_user(desk.alice).get("/skeleton/ping")
    assert response.status_code == 200, response.content
    assert response.json() == {"pong": True}


def test_tick_runs_the_apps_step_with_the_others(desk, skeleton_installed):
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    result = tick.run(now)
    assert skeleton_tick.runs == [now]
    assert result["skeleton_ticks"] == 1
    assert {"safety_opened", "overdue_notified", "reviews_drafted"} <= set(result)


def test_demo_loads_and_removes_the_apps_data(db, skeleton_installed):
    from aftercare import demo

    org = demo.load(customers_per_branch=8)
    assert skeleton_demo.loaded == [org.name]
    demo.reset()  # removes the app's rows first, then loads everything again
    assert skeleton_demo.loaded == [org.name]


def test_role_permissions_and_next_steps_are_merged(skeleton_installed):
    assert "skeleton.view_board" in role_permissions()["engineer"]
    assert "obligations.view_obligation" in role_permissions()["engineer"]
    assert next_steps()["SK-1"].url(None, None) == "/skeleton/"


def test_without_the_line_the_app_is_nowhere(client, desk):
    client.force_login(desk.sam)
    assert "Skeleton" not in client.get("/work/").text
    assert client.get("/skeleton/").status_code == 404
    assert "/api/v1/skeleton/ping" not in aftercare.api.api.get_openapi_schema()["paths"]
    assert "SK-1" not in next_steps()
