"""The `aftercare` command line is a contract for deployment scripts; test it as they use it."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.ops.helpers import descendants, running

AFTERCARE = [sys.executable, "-m", "aftercare.cli"]
# Each test starts `aftercare` on an SQLite home of its own: the PostgreSQL pass skips them.
pytestmark = pytest.mark.embedded


def run(args, home: Path, **env):
    environment = {
        **os.environ,
        "AFTERCARE_HOME": str(home),
        "DATABASE_URL": "",  # the embedded default: SQLite under $AFTERCARE_HOME/var/
        **env,
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        AFTERCARE + args, env=environment, capture_output=True, text=True, timeout=240
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def home(tmp_path_factory, migrated_home):
    """One demo installation under a fresh AFTERCARE_HOME (migrated), shared by the tests below."""
    path = migrated_home(tmp_path_factory.mktemp("aftercare-home"))
    result = run(["demo"], path)
    assert result.returncode == 0, result.stderr
    assert "advisor1" in result.stdout and "aftercare-demo" in result.stdout
    return path


def test_data_lives_under_aftercare_home(home):
    import sqlite3

    with sqlite3.connect(home / "var" / "aftercare.sqlite3") as db:
        users = {name for (name,) in db.execute("SELECT username FROM org_user")}
    assert {"advisor1", "supervisor1", "admin"} <= users  # the demo went there
    assert (home / "var" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_sqlite_runs_in_wal_mode(home):
    import sqlite3

    with sqlite3.connect(home / "var" / "aftercare.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_token_create_prints_the_token_as_last_word(home):
    result = run(["token", "create", "advisor1"], home)
    assert result.returncode == 0, result.stderr
    token = result.stdout.split()[-1]
    check = run(
        [
            "shell",
            "-c",
            "from aftercare.org.models import ApiToken;"
            f"print(ApiToken.objects.matching({token!r}).get().user.username)",
        ],
        home,
    )
    assert check.stdout.strip().splitlines()[-1] == "advisor1"


def test_token_for_unknown_user_fails_clearly(home):
    result = run(["token", "create", "nobody"], home)
    assert result.returncode == 2
    assert "no active user named 'nobody'" in result.stderr


def test_tick_runs_once_and_reports(home):
    result = run(["tick"], home)
    assert result.returncode == 0, result.stderr
    assert "overdue_notified=" in result.stdout
    again = run(["tick"], home).stdout.split()
    assert "overdue_notified=0" in again  # every app's figures, one `name=count` each


def test_demo_reset_is_repeatable(home):
    result = run(["demo", "--reset"], home)
    assert result.returncode == 0, result.stderr


def test_django_commands_pass_through(home):
    result = run(["check"], home)
    assert result.returncode == 0
    assert "no issues" in result.stdout


def test_production_settings_pass_check_deploy(tmp_path):
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        AFTERCARE_ENV="production",
        AFTERCARE_SECRET_KEY="x" * 30 + "-a-long-random-production-key-value-1234567890",
        AFTERCARE_ALLOWED_HOSTS="aftercare.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def start_serving(home: Path) -> tuple[subprocess.Popen, int, str]:
    """`aftercare serve` (web, worker and tick) on a free port; the process, the port and the
    sign-in page once it answers."""
    port = free_port()
    env = {**os.environ, "AFTERCARE_HOME": str(home), "DATABASE_URL": "", "AFTERCARE_DEBUG": "0"}
    proc = subprocess.Popen(
        [*AFTERCARE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as page:
                return proc, port, page.read().decode()
        except OSError:
            time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("aftercare serve did not answer within 60 s")


def test_serve_serves_pages_and_ctrl_c_stops_every_process(home):
    proc, port, body = start_serving(home)
    try:
        assert 'name="password"' in body
        # As `make run` serves: DEBUG off, static files from the source tree, no collect step.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/img/favicon.svg") as icon:
            assert b"<svg" in icon.read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page/")
        assert missing.value.code == 404
        not_found = missing.value.read().decode()
        assert 'id="error-page"' in not_found and "URLconf" not in not_found
        family = descendants(proc.pid)
        assert len(family) >= 4  # gunicorn master + workers, worker, tick
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
        assert "Demo logins" in output
        assert f"http://127.0.0.1:{port}/" in output
        time.sleep(0.5)
        left = [pid for pid in family if running(pid)]
        assert left == [], f"still running after Ctrl-C: {left}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_a_killed_serve_takes_its_children_with_it(home):
    """Killed outright (OOM killer, a hard stop), `serve` cannot stop its children; they lead
    process groups of their own, so they must notice by themselves and end."""
    proc, _port, _body = start_serving(home)
    family = descendants(proc.pid)
    try:
        assert len(family) >= 4  # gunicorn master + workers, worker, tick
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 30
        while [pid for pid in family if running(pid)] and time.monotonic() < deadline:
            time.sleep(0.3)
        left = [pid for pid in family if running(pid)]
        assert left == [], f"still running 30 s after serve was killed: {left}"
    finally:
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
