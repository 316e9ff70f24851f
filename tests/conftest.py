import contextlib
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from tests.factories import BranchFactory, OrganisationFactory, UserFactory

T = TypeVar("T")


def pytest_configure(config):
    """Fail in one clear line, not a hang, when the configured PostgreSQL is not there."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return
    import psycopg

    try:
        psycopg.connect(
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as error:
        pytest.exit(
            f"PostgreSQL from DATABASE_URL is not reachable ({db.get('HOST')}:{db.get('PORT')}): "
            f"{str(error).strip().splitlines()[0]}",
            returncode=3,
        )


def pytest_collection_modifyitems(config, items):
    """A test that reads a PDF's text is a `pdf` test: `make test` leaves those out, in one
    line, where the font or pdftotext is missing. A `postgres` test (twenty transactions racing
    for one row lock) runs in the PostgreSQL pass (`.ci/run`); on SQLite, which has no row
    locks, it is left out with one line saying so."""
    for item in items:
        if "pdf_text" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.pdf)
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    left_out = [item for item in items if item.get_closest_marker("postgres")]
    if left_out:
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
        config.hook.pytest_deselected(items=left_out)
        print(  # noqa: T201 (the one line the contract asks for)
            f"\n{len(left_out)} concurrency tests need PostgreSQL: they run in the PostgreSQL "
            "pass (DATABASE_URL=postgres://…), not on SQLite."
        )


@pytest.fixture
def pdf_text():
    """The text of a PDF as pdftotext reads it: proof the Chinese is drawn, not boxes."""
    from aftercare.paperwork.rendering import cjk_font_available

    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext not found: apt-get install poppler-utils", pytrace=False)
    if not cjk_font_available():
        pytest.fail("No CJK font: apt-get install fonts-noto-cjk", pytrace=False)

    def extract(content: bytes) -> str:
        assert content.startswith(b"%PDF"), content[:40]
        result = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        )
        return result.stdout.decode("utf-8")

    return extract


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    """Uploaded files (handover documents) go to the test run's temporary folder."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


TEST_SETTINGS = {
    # Unit tests run tasks in-process; the worker itself is tested in test_worker.py.
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LANGUAGE_CODE": "en",
    # The production hasher costs ~0.3 s per user; tests create many users.
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)


@pytest.fixture(scope="session")
def build_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """Data built once for a whole module, which each of its tests starts from.

    `with build_once(make) as built:` in a module-scoped fixture. The build runs in a
    transaction kept open across the module; each test's own transaction (the `db` fixture) is
    a savepoint inside it, so every test sees exactly what was built and its writes are undone
    after it, as if it had built the data itself. For modules that would otherwise build the
    same large world (the demo, the access matrix's) for each of dozens of tests. Under
    xdist each worker builds it once for the run of the module's tests it is given (not
    `--dist loadgroup`: schemathesis gives all its cases one node id, and that mode would run
    one of them). Transactional tests cannot use it.
    """
    media = tmp_path_factory.getbasetemp() / "media"

    @contextlib.contextmanager
    def build(make: Callable[[], T], **overrides: object) -> Iterator[T]:
        with django_db_blocker.unblock(), transaction.atomic():
            with override_settings(**{**TEST_SETTINGS, "MEDIA_ROOT": media, **overrides}):
                built = make()
            yield built
            transaction.set_rollback(True)

    return build


@dataclass
class Desk:
    """Two branches of one organisation (Asia/Shanghai) with named staff."""

    org: object
    branch_a: object
    branch_b: object
    alice: object  # advisor, branch A
    bob: object  # advisor, branch A
    sam: object  # supervisor, branch A
    carol: object  # advisor, branch B
    sue: object  # supervisor, branch B
    ada: object  # administrator


@pytest.fixture
def desk(db) -> Desk:
    org = OrganisationFactory(name="北豐汽車", time_zone="Asia/Shanghai")
    a = BranchFactory(organisation=org, code="a", name="北區店")
    b = BranchFactory(organisation=org, code="b", name="南區店")
    adv = ["advisor", "followup_advisor"]
    return Desk(
        org=org,
        branch_a=a,
        branch_b=b,
        alice=UserFactory(username="alice", branch=a, roles=adv),
        bob=UserFactory(username="bob", branch=a, roles=adv),
        sam=UserFactory(username="sam", branch=a, roles=["supervisor"]),
        carol=UserFactory(username="carol", branch=b, roles=adv),
        sue=UserFactory(username="sue", branch=b, roles=["supervisor"]),
        ada=UserFactory(username="ada", branch=None, organisation=org, roles=["administrator"]),
    )


@pytest.fixture
def api_client(client):
    """A Django test client speaking JSON to /api/v1/ as a given user."""

    class Api:
        def __init__(self):
            self.user = None

        def as_user(self, user):
            client.force_login(user)
            self.user = user
            return self

        def get(self, path, **params):
            return client.get(f"/api/v1{path}", params)

        def post(self, path, body=None):
            return client.post(f"/api/v1{path}", body or {}, content_type="application/json")

        def patch(self, path, body=None):
            return client.patch(f"/api/v1{path}", body or {}, content_type="application/json")

    return Api()


@pytest.fixture(scope="session")
def migrated_home(tmp_path_factory, worker_id):
    """`new_home = migrated_home(path)`: an AFTERCARE_HOME whose SQLite database is migrated.

    Tests that start `aftercare` as a process (serve, demo, setup, production mode) would each
    spend ~45 s migrating a fresh database. The first of them in the run (any xdist worker,
    under a file lock) runs the real `aftercare migrate` once; every home gets a copy, in
    rollback-journal mode so that the WAL a test sees is the one `aftercare` switched on. The
    commands still run `migrate` themselves (finding nothing to do).
    """
    import fcntl
    import os
    import sqlite3
    import sys

    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    template = shared / "migrated.sqlite3"

    with open(shared / "migrated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            home = shared / "migrated-home"
            environment = {**os.environ, "AFTERCARE_HOME": str(home), "DATABASE_URL": ""}
            environment.pop("DJANGO_SETTINGS_MODULE", None)
            migrated = subprocess.run(
                [sys.executable, "-m", "aftercare.cli", "migrate", "--noinput", "-v", "0"],
                env=environment, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert migrated.returncode == 0, migrated.stdout + migrated.stderr
            with sqlite3.connect(home / "var" / "aftercare.sqlite3") as source:
                source.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                source.execute("PRAGMA journal_mode=DELETE")
            partial = shared / "migrated.sqlite3.partial"
            shutil.copyfile(home / "var" / "aftercare.sqlite3", partial)
            partial.rename(template)

    def new_home(path):
        (path / "var").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path / "var" / "aftercare.sqlite3")
        return path

    return new_home
