"""The benchmark's own PostgreSQL database: environment, creation and Django set-up.

Shared by generate.py and run.py. The bench database is separate from the test databases
(pytest-django creates `test_<name>`, and no test refers to `aftercare_bench`).
"""

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftercare_bench"
ROOT = Path(__file__).resolve().parent.parent


def configure(url: str | None = None) -> str:
    """Point Django at the bench database before django.setup(); returns the URL used."""
    url = url or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "aftercare.settings"
    # A throw-away home: the secret key and var/ of a bench run never touch a real install.
    os.environ.setdefault("AFTERCARE_HOME", tempfile.mkdtemp(prefix="aftercare-bench-"))
    # Measure what production runs: no DEBUG query log, no debug cursor.
    os.environ.setdefault("AFTERCARE_DEBUG", "0")
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    return url


def _server_url(url: str) -> tuple[str, str]:
    """(URL of the `postgres` maintenance database, name of the bench database)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def connect(url: str, **kwargs):
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), **kwargs)


def exists(url: str) -> bool:
    server, name = _server_url(url)
    with connect(server, autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def create(url: str, *, reset: bool = False) -> None:
    """CREATE DATABASE if missing; with `reset`, drop it first (WITH (FORCE) ends sessions)."""
    from psycopg import sql

    server, name = _server_url(url)
    if not name.startswith("aftercare_bench"):
        raise SystemExit(f"refusing to manage {name!r}: bench databases are aftercare_bench*")
    with connect(server, autocommit=True) as conn:
        if reset:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup(url: str | None = None, *, migrate: bool = True, reset: bool = False) -> str:
    """Configure, create the database if needed, django.setup() and migrate."""
    url = configure(url)
    create(url, reset=reset)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    return url
