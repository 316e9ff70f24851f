"""The supervisor's dashboard and the compliance API on a branch with 1 M obligations in a month.

    .venv/bin/python bench/dashboard_bench.py --reset          # generate (about a minute), time
    .venv/bin/python bench/dashboard_bench.py -n 20            # time again on the kept database

One organisation, one branch (a supervisor, 20 advisors). Obligations are written set-wise by
INSERT … SELECT generate_series after migrate: `--month-rows` (1 M) fall due in July 2026
(local, Asia/Shanghai), `--neighbour-rows` in June and in August each; a rule mix of DS-1 …
DS-6 with windows for DS-3/DS-6, and outcomes on time / late / early / overdue / cancelled.
Calls and raised items (tens of thousands) feed the other two tables of the page.

Timed in-process with django.test.Client (DEBUG off) as the supervisor: the page for July,
the API grouped by rule and by owner; p50/p95 over `-n` requests after 2 warm-ups. Beside it,
the SQL each request ran, replayed on a bare psycopg connection (total and slowest statement).
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftercare_bench_dashboard"
ADVISORS = 20
RULES = ["DS-1", "DS-2", "DS-3", "DS-4", "DS-5", "DS-6"]
JULY = ("2026-07-01", "2026-07-31")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def build_staff():
    from django.contrib.auth.models import Group

    from aftercare.customers.models import Customer
    from aftercare.org.models import Branch, Organisation, User

    org = Organisation.objects.create(name="北丰汽车集团", time_zone="Asia/Shanghai", region="CN")
    branch = Branch.objects.create(organisation=org, code="big", name="深圳旗舰店")
    boss = User.objects.create(username="bench-sup", organisation=org, branch=branch)
    boss.groups.add(Group.objects.get(name="supervisor"))
    advisor_groups = list(Group.objects.filter(name__in=["advisor", "followup_advisor"]))
    advisors = []
    for index in range(ADVISORS):
        user = User.objects.create(
            username=f"bench-adv-{index + 1:02d}", organisation=org, branch=branch,
            display_name=f"顧問{index + 1:02d}",
        )  # fmt: skip
        user.groups.add(*advisor_groups)
        advisors.append(user.pk)
    customer = Customer.objects.create(branch=branch, name="批量客戶")
    return org, branch, boss, advisors, customer


def obligations_sql(n: int, first_day: str, days: int) -> str:
    """n obligations due evenly over `days` local days from `first_day` (Asia/Shanghai).

    i % 100 picks the outcome: 0–59 on time, 60–69 late, 70–74 early (DS-3/DS-6 only have a
    window; elsewhere on time), 75–79 cancelled, 80–99 never done (overdue by now).
    """
    rules = "ARRAY[" + ",".join(f"'{r}'" for r in RULES) + "]"
    return f"""
    INSERT INTO obligations_obligation (rule, organisation_id, branch_id, title, owner_id,
        triggered_at, opens_at, due_at, done_at, done_by_id, outcome, cancelled_at,
        cancel_reason, created_at)
    SELECT r, %(org)s, %(branch)s, '', owner, due - interval '2 days',
           CASE WHEN r IN ('DS-3', 'DS-6') THEN due - interval '4 days' END, due,
           CASE WHEN k < 60 THEN due - interval '1 day'
                WHEN k < 70 THEN due + interval '1 day'
                WHEN k < 75 THEN due - interval '5 days' END,
           CASE WHEN k < 75 THEN owner END, '',
           CASE WHEN k BETWEEN 75 AND 79 THEN due - interval '1 day' END, '', now()
    FROM (
        SELECT i %% 100 AS k,
               ({rules})[1 + (i / 7) %% {len(RULES)}] AS r,
               (%(advisors)s::bigint[])[1 + i %% {ADVISORS}] AS owner,
               (timestamp '{first_day} 23:59:59.999999' AT TIME ZONE 'Asia/Shanghai')
                   + ((i %% {days}) * interval '1 day') AS due
        FROM generate_series(1, {n}) AS i
    ) AS g
    """  # noqa: S608 — constants of this script only


def generate(args) -> None:
    from django.db import connection

    started = time.perf_counter()
    org, branch, boss, advisors, customer = build_staff()
    params = {"org": org.pk, "branch": branch.pk, "advisors": advisors}
    with connection.cursor() as cur:
        cur.execute(obligations_sql(args.month_rows, "2026-07-01", 31), params)
        cur.execute(obligations_sql(args.neighbour_rows, "2026-06-01", 30), params)
        cur.execute(obligations_sql(args.neighbour_rows, "2026-08-01", 31), params)
        cur.execute(
            """INSERT INTO followups_call (branch_id, register_number, customer_id, advisor_id,
                   direction, purpose, occurred_at, reached, topics, other_topics, notes,
                   phone_number, recorded_at)
               SELECT %(branch)s, 'BENCH-T-' || i, %(customer)s,
                   (%(advisors)s::bigint[])[1 + i %% 20],
                   CASE WHEN i %% 5 = 0 THEN 'in' ELSE 'out' END,
                   (ARRAY['first_followup','second_followup','campaign_notice','other',
                          'consultation'])[1 + i %% 5],
                   timestamptz '2026-06-01 00:00+08' + (i %% 92) * interval '1 day'
                       + (i %% 600) * interval '1 minute',
                   i %% 4 <> 0, '[]', '', '', '', now()
               FROM generate_series(1, %(calls)s) AS i""",
            {**params, "customer": customer.pk, "calls": args.calls},
        )
        cur.execute(
            """INSERT INTO cases_raiseditem (call_id, customer_id, branch_id, kind, text,
                   answered_in_call, state, owner_id, raised_at, solution, closed_at)
               SELECT c.id, c.customer_id, c.branch_id,
                   (ARRAY['request','wish','complaint'])[1 + c.id %% 3], '', c.id %% 2 = 0,
                   CASE WHEN c.id %% 7 = 0 THEN 'open' ELSE 'closed' END, c.advisor_id,
                   c.occurred_at, '',
                   CASE WHEN c.id %% 7 <> 0
                        THEN c.occurred_at + (c.id %% 97) * interval '1 hour' END
               FROM followups_call c WHERE c.branch_id = %(branch)s AND c.id %% 3 = 0""",
            params,
        )
    with connection.cursor() as cur:
        for table in ("obligations_obligation", "followups_call", "cases_raiseditem"):
            cur.execute(f"VACUUM ANALYZE {table}")
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)


def replay(bare, statements: list[str]) -> tuple[float, float, str]:
    total, slowest, slowest_sql = 0.0, 0.0, ""
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        started = time.perf_counter()
        with bare.cursor() as cur:
            cur.execute(sql.encode(), prepare=False)
            cur.fetchall()
        elapsed = time.perf_counter() - started
        total += elapsed
        if elapsed > slowest:
            slowest, slowest_sql = elapsed, sql
    return total, slowest, slowest_sql


def measure(client, url: str, n: int, bare) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        assert client.get(url).status_code == 200, url
    times, sql_totals, slowest = [], [], []
    for _ in range(n):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        total, worst, _sql = replay(bare, [q["sql"] for q in captured.captured_queries])
        sql_totals.append(total)
        slowest.append(worst)
    return {
        "url": url,
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "sql": statistics.median(sql_totals),
        "slowest": statistics.median(slowest),
        "queries": len(captured.captured_queries),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reset", action="store_true", help="drop, recreate and generate")
    parser.add_argument("--month-rows", type=int, default=1_000_000)
    parser.add_argument("--neighbour-rows", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=60_000)
    parser.add_argument("-n", type=int, default=20, help="timed requests per case")
    args = parser.parse_args(argv)

    url = database.setup(args.database_url, reset=args.reset)
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.test import Client

    from aftercare.obligations.models import Obligation
    from aftercare.org.models import User

    if not User.objects.filter(username="bench-sup").exists():
        generate(args)
    boss = User.objects.get(username="bench-sup")
    rows = Obligation.objects.filter(branch_id=boss.branch_id).count()
    client = Client()
    client.force_login(boss)
    bare = database.connect(url, autocommit=True)
    load_before = os.getloadavg()
    since, until = JULY
    results = [
        measure(client, f"/reviews/dashboard/?period=range&from={since}&to={until}", args.n, bare),
        measure(client, f"/api/v1/compliance?from={since}&to={until}&group_by=rule", args.n, bare),
        measure(client, f"/api/v1/compliance?from={since}&to={until}&group_by=owner", args.n, bare),
    ]
    load_after = os.getloadavg()
    print(
        f"{rows:,} obligations in the branch; PostgreSQL via {url.rsplit('/', 1)[-1]}; "
        f"Python {platform.python_version()}; load {load_before[0]:.2f} → {load_after[0]:.2f}"
    )
    print("| request | p50 ms | p95 ms | SQL replayed ms | slowest statement ms | statements |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| `{r['url']}` | {r['p50'] * 1000:.0f} | {r['p95'] * 1000:.0f} | "
            f"{r['sql'] * 1000:.0f} | {r['slowest'] * 1000:.0f} | {r['queries']} |"
        )


if __name__ == "__main__":
    main()
