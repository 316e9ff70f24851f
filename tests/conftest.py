import shutil
import subprocess
from dataclasses import dataclass

import pytest
from django.conf import settings

from tests.factories import BranchFactory, OrganisationFactory, UserFactory


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


def pytest_collection_modifyitems(items):
    """A test that reads a PDF's text is a `pdf` test: `make test` leaves those out, in one
    line, where the font or pdftotext is missing."""
    for item in items:
        if "pdf_text" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.pdf)


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


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Unit tests run tasks in-process; the worker itself is tested in test_worker.py."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "en"
    # The production hasher costs ~0.3 s per user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
