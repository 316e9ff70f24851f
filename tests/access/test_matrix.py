"""The access matrix: every page route and every API operation, called by everyone.

The routes are enumerated at run time (the URL resolver and the OpenAPI document), so a new
route without a row in `table.py` fails `test_every_route_has_a_row`. Each row is then called
by the signed-out visitor, each role of branch A, the same role of branch B, the organisation's
administrator and the administrator of another organisation. An allowed call must not be
refused; a refused call must be refused (login, 401, 403 or 404) and leave every business table
exactly as it was. Each call runs in a savepoint that is rolled back, so every caller meets the
same world.
"""

import hashlib
import re
from collections import defaultdict
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import user_logged_in
from django.contrib.auth.models import update_last_login
from django.db import connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from aftercare.api import api
from aftercare.org.roles import Role, role_permissions
from tests.access import table, world

# Tables whose rows are the shop's records (and their history), the task queue and the roles.
BUSINESS_APPS = {
    "auth", "org", "standard", "customers", "obligations", "workshop", "followups", "cases",
    "imports", "outreach", "messaging", "safety", "reviews", "paperwork", "django_tasks_db",
    "sites", "documents", "contracts", "servicedesk", "parts", "billing", "training",
    "maintenance", "servicereports", "portal",
}  # fmt: skip
API_PREFIX = "/api/v1"
ACTORS = [
    "anonymous",
    *(f"{role}@A" for role in world.STAFF_ROLES),
    *(f"{role}@B" for role in world.STAFF_ROLES),
    "administrator",
    "administrator@other",
    "owner@A",  # the representative of branch A's building owner (`bs_site`'s customer)
    "owner@B",  # the representative of a building owner of branch B
]


def page_routes() -> dict[str, str]:
    """Every named URL pattern of the site: name → route."""
    found: dict[str, str] = {}

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            else:
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                found[name] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns)
    return found


def api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path.removeprefix(API_PREFIX)}"
        for path, item in schema["paths"].items()
        for method in item
    }


def test_every_route_has_a_row(db):
    routes = page_routes()
    pages = {name for name in routes if not name.startswith(("admin:", "api:"))}
    assert not pages - set(table.PAGES), (
        f"page routes without a row: {sorted(pages - set(table.PAGES))}"
    )
    assert not set(table.PAGES) - pages, (
        f"rows for routes that do not exist: {sorted(set(table.PAGES) - pages)}"
    )
    api_site = {name for name in routes if name.startswith("api:")}
    operations = api_operations()
    # ninja names each operation's URL after its view; those are checked through the OpenAPI.
    unlisted = {name for name in api_site - set(table.API_SITE) if not _is_operation_url(name)}
    assert not unlisted, f"API site routes without a row: {sorted(unlisted)}"
    assert not operations - set(table.API), (
        f"operations without a row: {sorted(operations - set(table.API))}"
    )
    assert not set(table.API) - operations, (
        f"rows for missing operations: {sorted(set(table.API) - operations)}"
    )
    assert all(name in routes for name in table.ADMIN_SITE_SAMPLES)


def _is_operation_url(name: str) -> bool:
    """ninja names an operation's URL after its view function; the OpenAPI lists them all."""
    views = {
        operation.view_func.__name__
        for router_path, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }
    return name.removeprefix("api:") in views


def test_every_role_permission_exists(db):
    """A permission misspelt in the role table would be dropped silently when groups sync."""
    from django.contrib.auth.models import Permission

    existing = {
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }
    missing = {
        role: sorted(set(names) - existing)
        for role, names in role_permissions().items()
        if set(names) - existing
    }
    assert not missing


# ------------------------------------------------------------------------------- the calls


def writes_so_far() -> int:
    """Rows written on this connection so far: a cheap first look before the full snapshot.

    SQLite counts every row changed since the connection opened; PostgreSQL counts the rows
    this transaction inserted, updated or deleted, per table.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
        return int(cursor.fetchone()[0])


def snapshot() -> str:
    """A digest of every business table, row by row."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.app_label not in BUSINESS_APPS:
            continue
        digest.update(model._meta.label.encode())
        for row in model._base_manager.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def expectation(row: table.Row, actor: str) -> str:
    role, _, where = actor.partition("@")
    if role == Role.OWNER.value:
        # An owner works in the portal only: refused on every staff route, public or not; on
        # a portal route that names owner@A's record, owner@B is refused (404).
        if role not in row.roles:
            return "refused"
        return "refused" if where == "B" and row.on_record and not row.public else "allowed"
    if row.public:
        return "allowed"
    if actor == "anonymous":
        return "refused"
    role, _, where = actor.partition("@")
    if role not in row.roles:
        return "refused"
    if where in ("B", "other") and row.on_record:
        return "refused"
    return "elsewhere" if where == "other" else "allowed"


def _page_request(client, name, call, ids):
    url = call.path or reverse(name, kwargs=call.kwargs(ids) if call.kwargs else None)
    if call.query:
        url = f"{url}?{urlencode(call.query(ids), doseq=True)}"
    data = call.data(ids) if call.data else {}
    if call.method == "GET":
        return client.get(url)
    return client.post(url, data)


def _api_request(client, key, call, ids):
    method, path = key.split(" ", 1)
    if call.kwargs:
        path = path.format(**call.kwargs(ids))
    url = API_PREFIX + path
    if call.query:
        url = f"{url}?{urlencode(call.query(ids), doseq=True)}"
    body = call.data(ids) if call.data else {}
    if method == "GET":
        return client.get(url)
    if call.multipart:  # an upload: form fields and files, as a browser or curl -F sends them
        return client.post(url, body)
    return client.generic(
        method, url, data=__import__("json").dumps(body), content_type="application/json"
    )


LOGIN = "/accounts/login/"


def verdict(response, expected: str, row: table.Row, is_api: bool) -> str | None:
    """None when the answer matches the expectation, else what went wrong."""
    status = response.status_code
    location = response.get("Location", "")
    to_login = status == 302 and "/login/" in location  # the site's or the admin's
    if status >= 500:
        return f"answered {status}"
    if status == 405:
        return "the table calls a method the route does not answer (405)"
    if expected == "refused":
        if to_login or status in (401, 403, 404):
            return None
        return f"was let through ({status} {location})".strip()
    if (to_login and not row.public) or status in (401, 403):
        return f"was refused ({status} {location})".strip()
    if status == 404 and not (row.allowed_may_miss or expected == "elsewhere"):
        return "was refused (404)"
    return None


def groups() -> dict[str, list[tuple[str, str]]]:
    """Rows grouped by app, so the matrix spreads over test workers with one world each."""
    grouped: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in table.PAGES:
        grouped[f"page:{name.split(':')[0]}"].append(("page", name))
    for name in table.API_SITE:
        grouped["page:api"].append(("page", name))
    for key in table.API:
        segment = re.split(r"[/{]", key.split(" ", 1)[1])[1]
        grouped[f"api:{segment}"].append(("api", key))
    grouped["page:admin"] = [("admin", name) for name in table.ADMIN_SITE_SAMPLES]
    return dict(grouped)


GROUPS = groups()


# Refused or not, nothing here should reach a worker: queued tasks are kept, not run.
QUEUED_NOT_RUN = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(scope="module")
def _built_world(build_once):
    """The world, built once for the module; each test rolls back to it (build_once)."""
    with build_once(world.build, TASKS=QUEUED_NOT_RUN) as built:
        yield built


@pytest.fixture
def matrix_world(db, settings, _built_world):
    settings.TASKS = QUEUED_NOT_RUN
    # Logging in writes last_login on the user; that is not the route writing.
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    try:
        yield _built_world
    finally:
        user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_access_matrix(matrix_world, group):
    ids = matrix_world.ids
    clients = {}
    for actor in ACTORS:  # one session per caller, opened before the world is photographed
        clients[actor] = Client()
        if matrix_world.actors[actor].is_authenticated:
            clients[actor].force_login(matrix_world.actors[actor])
    before = snapshot()
    failures = []
    calls = 0
    for kind, key in GROUPS[group]:
        row = {"page": table.PAGES, "api": table.API}.get(kind, {}).get(key)
        if kind == "admin":
            row = table.ADMIN_SITE
        elif row is None:
            row = table.API_SITE[key]
        for actor in ACTORS:
            expected = expectation(row, actor)
            for call in row.calls:
                client = clients[actor]
                with transaction.atomic():
                    written = writes_so_far()
                    if kind == "api":
                        response = _api_request(client, key, call, ids)
                    else:
                        response = _page_request(client, key, call, ids)
                    problem = verdict(response, expected, row, kind == "api")
                    if (
                        problem is None
                        and expected == "refused"
                        and writes_so_far() != written
                        and snapshot() != before
                    ):
                        problem = "was refused but wrote to the database"
                    transaction.set_rollback(True)
                # A logout must not leak into the next call: sign in again if it ended the session.
                cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
                if matrix_world.actors[actor].is_authenticated and not (cookie and cookie.value):
                    client.force_login(matrix_world.actors[actor])
                calls += 1
                if problem:
                    failures.append(f"{call.method} {key} as {actor}: {problem}")
    assert calls > 0
    assert not failures, "\n".join(failures)


def test_the_engineer_cannot_log_a_call(matrix_world):
    """Issue 9's finding: an engineer of branch A wrote a call-register line over the API."""
    from aftercare.followups.models import Call

    client = Client()
    client.force_login(matrix_world.user("engineer@A"))
    before = Call.objects.count()
    response = client.post(
        f"{API_PREFIX}/calls",
        {"customer_id": matrix_world.ids["customer"], "direction": "out", "purpose": "other"},
        content_type="application/json",
    )
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "forbidden"
    assert Call.objects.count() == before


def test_roles_listed_are_the_roles_there_are():
    assert set(world.STAFF_ROLES) | {Role.ADMINISTRATOR.value, Role.OWNER.value} == {
        r.value for r in Role
    }
