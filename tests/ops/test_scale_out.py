"""Multi-machine Aftercare on one box: 2 × `serve --web-only`, 2 × `worker`, 2 × `tick`.

The deployment in docs/operations.md is N web processes behind a load balancer, M workers and
one tick, all on one PostgreSQL. This test runs that shape as real processes, each with its own
AFTERCARE_HOME (its own "machine": nothing shared but the database and the secret key), and
checks what an operator would notice if it were wrong:

0. **No sticky sessions.** Signed in through one web process, a browser stays signed in on the
   other: sessions live in the database and every machine has the same secret key.
1. **Work enqueued through any web process runs exactly once, on whichever worker.** A
   supervisor presses *Retry* on 1 000 failed SMS through the public API
   (`POST /api/v1/messages/{id}/retry`, permission `messaging.retry_message`), half through each
   web process. That is a real operation whose only effect is one task per call, so it needs no
   test-only door into the web processes. (The failed messages themselves are written by
   tests/ops/scale_seed.py, as a provider outage leaves them.) Each call enqueues one
   `send_message` task in the database queue; the two workers share them. Exactly once is
   checked three ways: the SMS provider received each text once (what a customer would notice),
   every message is `sent` after one more attempt, and every task result was claimed by exactly
   one worker — with both workers having taken some.
2. **Two ticks at once still notify each overdue obligation once.** With N obligations past
   their deadline, two `aftercare tick` processes are held at a table lock until both wait on
   it, then released together, so they really race on the claim (a conditional UPDATE in
   obligations/actions.py). The lock lets both read the full list of candidates first, so only
   the UPDATE's own `overdue_notified_at IS NULL` stops the second from claiming them again:
   without it this test fails with claims [200, 200]. The ticks' `overdue_notified` counts add
   up to N, exactly N `notify_overdue` tasks were enqueued (the Notification table's unique
   constraint would hide a double enqueue, so the queue is counted too) and N notifications
   reached the supervisor.

Runs on PostgreSQL whatever the suite's DATABASE_URL (see helpers.postgres_server); without a
reachable server it fails in one line. Web processes run with DEBUG off, as in production but
without AFTERCARE_ENV=production, whose collectstatic step is broken until issue 9 part 4 lands
(whitenoise MissingFileError); switch them over then.
"""

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.ops.helpers import (
    AFTERCARE,
    REPO,
    Children,
    Database,
    SmsProvider,
    aftercare_env,
    free_port,
    fresh_database,
    wait_until_serving,
)
from tests.ops.scale_seed import PASSWORD

pytestmark = pytest.mark.scale

MESSAGES = 1000
OVERDUE = 200
SEND = "aftercare.messaging.tasks.send_message"
NOTIFY = "aftercare.obligations.tasks.notify_overdue"


def post(port: int, path: str, token: str) -> int:
    """One API call as a load balancer would pass it on (TLS terminated in front)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=b"",
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def task_counts(db: Database, task_path: str) -> dict[str, int]:
    return dict(
        db.rows(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = %s GROUP BY status",
            [task_path],
        )
    )


def wait_for_tasks(db, task_path, expected, children, timeout=240) -> float:
    """Poll the queue until `expected` tasks finished; print progress; fail on a deadline."""
    started = time.monotonic()
    shown = -1
    while True:
        counts = task_counts(db, task_path)
        finished = counts.get("SUCCESSFUL", 0) + counts.get("FAILED", 0)
        if finished != shown:
            print(f"  {task_path.rsplit('.', 1)[1]}: {finished}/{expected} {counts}", flush=True)
            shown = finished
        if finished >= expected and not counts.get("READY") and not counts.get("RUNNING"):
            return time.monotonic() - started
        children.check_alive(*[c for c in children.started if c.name.startswith("worker")])
        if time.monotonic() - started > timeout:
            pytest.fail(
                f"only {finished} of {expected} {task_path} tasks finished within {timeout} s: "
                f"{counts}",
                pytrace=False,
            )
        time.sleep(0.5)


def test_two_web_two_workers_run_each_task_once_and_two_ticks_notify_once(tmp_path):
    children = Children(tmp_path)
    with SmsProvider() as provider, fresh_database("scale") as db:
        settings = {
            "DATABASE_URL": db.url,
            "AFTERCARE_SECRET_KEY": "scale-out-" + "shared-by-every-machine-" * 3,
            "AFTERCARE_DEBUG": "0",
            "AFTERCARE_ALLOWED_HOSTS": "127.0.0.1",
            "AFTERCARE_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
            "AFTERCARE_SMS_BACKEND": "http",
            "AFTERCARE_SMS_URL": provider.url,
            "AFTERCARE_QUIET_HOURS": "",  # the test must not depend on the time of day
        }
        try:
            seeded = subprocess.run(
                [sys.executable, "-m", "tests.ops.scale_seed", str(MESSAGES), str(OVERDUE)],
                env=aftercare_env(tmp_path / "seed", **settings),
                cwd=REPO, capture_output=True, text=True, timeout=180,
            )  # fmt: skip
            assert seeded.returncode == 0, seeded.stdout + seeded.stderr
            seed = json.loads(seeded.stdout.strip().splitlines()[-1])
            token, message_ids = seed["token"], seed["message_ids"]

            ports = [free_port(), free_port()]
            webs = [
                children.start(
                    f"web{n}",
                    [
                        *AFTERCARE,
                        "serve",
                        "--web-only",
                        "--no-demo",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--workers",
                        "2",
                    ],
                    aftercare_env(tmp_path / f"web{n}", **settings),
                )  # fmt: skip
                for n, port in enumerate(ports, 1)
            ]
            workers = [
                children.start(
                    f"worker{n}",
                    [*AFTERCARE, "worker"],
                    aftercare_env(tmp_path / f"worker{n}", **settings),
                )
                for n in (1, 2)
            ]
            for web, port in zip(webs, ports, strict=True):
                wait_until_serving(web, port, children)
            children.check_alive(*workers)

            # 0. No sticky sessions needed: signed in through one web process, the browser is
            # signed in on the other (shared database for sessions, shared secret key).
            browser = requests.Session()
            login_url = f"http://127.0.0.1:{ports[0]}/accounts/login/"
            form = browser.get(login_url, timeout=30).text
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
            signed_in = browser.post(
                login_url,
                data={"username": "scale-supervisor", "password": PASSWORD,
                      "csrfmiddlewaretoken": csrf},
                allow_redirects=False, timeout=30,
            )  # fmt: skip
            assert signed_in.status_code == 302, signed_in.text[:500]
            elsewhere = browser.get(
                f"http://127.0.0.1:{ports[1]}/work/", allow_redirects=False, timeout=30
            )
            assert elsewhere.status_code == 200, (elsewhere.status_code, elsewhere.headers)

            # 1. 1 000 retries through the two web processes, eight callers at a time.
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=8) as pool:
                statuses = list(
                    pool.map(
                        lambda n: (
                            ports[n % 2],
                            post(ports[n % 2], f"/api/v1/messages/{message_ids[n]}/retry", token),
                        ),
                        range(MESSAGES),
                    )
                )
            enqueue_seconds = time.monotonic() - started
            answers = {port: sorted({s for p, s in statuses if p == port}) for port in ports}
            assert answers == {ports[0]: [200], ports[1]: [200]}, answers
            drain_seconds = wait_for_tasks(db, SEND, MESSAGES, children)
            total_seconds = time.monotonic() - started

            expected_texts = {f"scale-out message {n:04d}" for n in range(MESSAGES)}
            assert len(provider.texts) == MESSAGES
            assert set(provider.texts) == expected_texts  # each text once: none twice, none lost
            assert db.rows(
                "SELECT status, attempts, count(*) FROM messaging_message GROUP BY 1, 2"
            ) == [("sent", 2, MESSAGES)]
            results = db.rows(
                "SELECT status, worker_ids, args_kwargs FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = %s",
                [SEND],
            )
            assert len(results) == MESSAGES
            assert {status for status, _, _ in results} == {"SUCCESSFUL"}
            assert sorted(args["args"][0] for _, _, args in results) == sorted(message_ids)
            assert {len(worker_ids) for _, worker_ids, _ in results} == {1}
            per_worker: dict[str, int] = {}
            for _, (worker_id,), _ in results:
                per_worker[worker_id] = per_worker.get(worker_id, 0) + 1
            assert len(per_worker) == 2, per_worker  # both workers took their share
            print(
                f"scale-out: {MESSAGES} tasks via 2 web processes in {enqueue_seconds:.1f} s, "
                f"all done {total_seconds:.1f} s after the first call (queue drained "
                f"{drain_seconds:.1f} s after the last); per worker {sorted(per_worker.values())}"
            )

            # 2. Two ticks released at the same moment.
            with db.connect() as gate:
                gate.execute("LOCK TABLE obligations_obligation IN EXCLUSIVE MODE")
                ticks = [
                    children.start(
                        f"tick{n}",
                        [*AFTERCARE, "tick"],
                        aftercare_env(tmp_path / f"tick{n}", **settings),
                    )
                    for n in (1, 2)
                ]
                deadline = time.monotonic() + 90
                while (
                    db.value(
                        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                        "WHERE c.relname = 'obligations_obligation' AND NOT l.granted "
                        "AND l.database = (SELECT oid FROM pg_database "
                        "WHERE datname = current_database())"
                    )
                    < 2
                ):
                    children.check_alive(*ticks)  # a tick that finished never waited: no race
                    assert time.monotonic() < deadline, "the two ticks never both reached the claim"
                    time.sleep(0.1)
                gate.commit()  # both go at once
            for tick in ticks:
                assert tick.process.wait(timeout=120) == 0, tick.tail()
            claimed = [
                int(re.search(r"overdue_notified=(\d+)", tick.output()).group(1)) for tick in ticks
            ]
            assert sum(claimed) == OVERDUE, claimed
            wait_for_tasks(db, NOTIFY, OVERDUE, children)
            assert task_counts(db, NOTIFY) == {"SUCCESSFUL": OVERDUE}
            assert db.rows(
                "SELECT count(*), count(DISTINCT n.obligation_id), min(u.username), "
                "max(u.username) FROM obligations_notification n "
                "JOIN org_user u ON u.id = n.recipient_id"
            ) == [(OVERDUE, OVERDUE, "scale-supervisor", "scale-supervisor")]
            assert (
                db.value(
                    "SELECT count(*) FROM obligations_obligation "
                    "WHERE id = ANY(%s) AND overdue_notified_at IS NOT NULL",
                    [seed["obligation_ids"]],
                )
                == OVERDUE
            )
            print(f"ticks: {OVERDUE} overdue, claimed {claimed}, {OVERDUE} notifications")
        finally:
            leaked = children.stop_all()
    assert [c.name for c in children.started if c.alive()] == []
    assert leaked == [], f"processes outlived their groups (killed now): {leaked}"
