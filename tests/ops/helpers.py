"""Processes, databases and a fake SMS provider for the operations tests.

Every child runs in its own process group with its output in a file (a pipe nobody reads would
fill up and stall a busy gunicorn), so a test can always stop all of them — whatever happened —
and show the last lines of the one that went wrong. Every wait has a deadline: these tests fail
in one clear line, they never hang.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

AFTERCARE = [sys.executable, "-m", "aftercare.cli"]
REPO = Path(__file__).resolve().parents[2]
CONNECT_TIMEOUT = 5  # seconds; a missing server fails the test instead of hanging it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def aftercare_env(home: Path, **settings: str) -> dict[str, str]:
    """The environment of one Aftercare process on its own "machine" (its own AFTERCARE_HOME).

    Nothing of the test run's own configuration leaks in (DATABASE_URL, AFTERCARE_TASK_BACKEND,
    DJANGO_SETTINGS_MODULE …): each child gets exactly the settings a deployment would give it.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AFTERCARE_", "DJANGO_")) and key != "DATABASE_URL"
    }
    home.mkdir(parents=True, exist_ok=True)
    env.update(AFTERCARE_HOME=str(home), AFTERCARE_LOG_LEVEL="WARNING", **settings)
    return env


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


@dataclass
class Children:
    """The processes one test started; `stop_all` ends every one of them and their groups."""

    logs: Path
    started: list[Child] = field(default_factory=list)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> Child:
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                args, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        child = Child(name, process, log)
        self.started.append(child)
        return child

    def check_alive(self, *children: Child) -> None:
        for child in children:
            if not child.alive():
                pytest.fail(
                    f"{child.name} exited with {child.process.returncode}:\n{child.tail()}",
                    pytrace=False,
                )

    def stop_all(self, grace: float = 20) -> list[int]:
        """SIGTERM to every group, a grace period, then SIGKILL to whatever is left.

        The grace is longer than `serve`'s own stop window (10 s for gunicorn to finish): killed
        earlier, `serve` could not stop the gunicorn it started.

        `serve` starts gunicorn in a group of its own, so the groups alone may not reach every
        descendant: those are listed first and any that outlive their groups are killed one by
        one and returned, so a test can fail on a leak without leaving the leak behind.
        """
        family = [pid for child in self.started for pid in descendants(child.process.pid)]
        for child in self.started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # The leader may be gone while a worker it forked is not: kill the whole group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.process.pid, signal.SIGKILL)
            child.process.wait()
        time.sleep(0.5)
        leaked = [pid for pid in family if running(pid)]
        for pid in leaked:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        return leaked


def running(pid: int) -> bool:
    """Whether `pid` still runs: a zombie has exited and only waits to be reaped.

    A gunicorn worker killed at the end of its master's graceful timeout is such a zombie once
    the master is gone, and stays one where PID 1 does not reap orphans (as in some CI
    containers); counting it as a leak would fail a test for a process that holds nothing.
    """
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`, read from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        for child in parents.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def wait_until_serving(child: Child, port: int, children: Children, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children.check_alive(child)
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/accounts/login/", timeout=5
            ) as page:
                if page.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{child.name} did not answer on port {port} within {timeout:.0f} s", pytrace=False)


# --- PostgreSQL ------------------------------------------------------------------------------


@dataclass
class Database:
    url: str
    name: str

    def connect(self, **kwargs):
        import psycopg

        return psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT, **kwargs)

    def rows(self, sql: str, params=()) -> list[tuple]:
        with self.connect(autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def value(self, sql: str, params=()):
        return self.rows(sql, params)[0][0]


def postgres_server() -> dict:
    """Where the operations tests create their databases.

    AFTERCARE_SCALE_DATABASE_URL if set (its database name is the prefix of the one created);
    else the server of DATABASE_URL when that is PostgreSQL (CI's second pass); else the local
    server at 127.0.0.1:5432 as user postgres. They need PostgreSQL even when the suite runs on
    SQLite: several machines sharing one SQLite file is not a deployment anyone should run.
    """
    import dj_database_url

    url = os.environ.get("AFTERCARE_SCALE_DATABASE_URL")
    if not url and os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:")):
        url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/aftercare_scale"
    config = dj_database_url.parse(url or "postgres://postgres@127.0.0.1:5432/aftercare_scale")
    return config


@contextlib.contextmanager
def fresh_database(purpose: str) -> Iterator[Database]:
    """A new, empty database on the PostgreSQL server, dropped afterwards whatever happens.

    Its name carries the purpose and this process's id, so parallel test workers (and other
    people's runs on a shared server) never meet.
    """
    import psycopg
    from psycopg import sql

    server = postgres_server()
    name = f"{server['NAME']}_{purpose}_{os.getpid()}"
    where = f"{server['HOST'] or 'localhost'}:{server['PORT'] or 5432}"
    try:
        admin = psycopg.connect(
            host=server["HOST"] or None, port=server["PORT"] or None,
            user=server["USER"] or None, password=server["PASSWORD"] or None,
            dbname="postgres", connect_timeout=CONNECT_TIMEOUT, autocommit=True,
        )  # fmt: skip
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL for the operations tests is not reachable at {where} "
            f"(set AFTERCARE_SCALE_DATABASE_URL): {str(error).strip().splitlines()[0]}",
            pytrace=False,
        )
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        auth = server["USER"] or ""
        if server["PASSWORD"]:
            auth += f":{server['PASSWORD']}"
        try:
            yield Database(url=f"postgres://{auth}@{where}/{name}", name=name)
        finally:
            admin.execute(drop)


# --- An SMS provider -------------------------------------------------------------------------


class SmsProvider:
    """A provider's JSON API on a local port (the shape of AFTERCARE_SMS_BACKEND=http).

    It records every text it is asked to deliver, so "sent exactly once" is checked where a
    customer would notice a duplicate: at the provider, not in Aftercare's own bookkeeping.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        lock = threading.Lock()
        texts = self.texts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the http.server API)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    texts.append(body["text"])
                    number = len(texts)
                answer = json.dumps({"id": f"provider-{number}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                """The fake provider keeps quiet: 1 000 lines of access log would bury a failure."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/send"

    def __enter__(self) -> "SmsProvider":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
