"""Benchmark of the dealership desk on the generated database, in one run.

    .venv/bin/python bench/run.py                    # 200 requests each after 20 warm-up
    .venv/bin/python bench/run.py -n 50 --no-write   # quick look, RESULTS.md untouched

For each case the full Django stack (middleware, session, auth, view, serialisation) is timed
in-process with django.test.Client, minus the network. Beside it, the SQL that the same
request ran (captured with CaptureQueriesContext) is replayed with a bare psycopg connection:
"SQL" is the time of all of a request's statements, "key" the slowest one of them.
"""

import argparse
import os
import platform
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import database  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
NOTES = "<!-- notes below are kept by run.py -->"
# Issue 17: p95 at most this many ms and at most this many times its bare SQL p95.
TARGETS = {"worklist": (10, 4), "search": (25, 3), "customer page": (45, 3)}


@dataclass
class Case:
    name: str
    group: str  # which target applies
    requests: list  # (user, url)
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # this process's CPU: load-independent
    sql: list[float] = field(default_factory=list)
    key: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    key_sql: str = ""


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the value below which p % of the samples fall."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def with_separator(plate: str) -> str:
    """粤B12345 → 粤B·12345, the way plates are painted and often typed."""
    return f"{plate[:2]}·{plate[2:]}"


def build_cases(rng: random.Random, total: int) -> list[Case]:
    """Inputs drawn from real rows, each asked by an advisor of the customer's branch."""
    from django.db import connection

    from aftercare.org.models import User

    advisors = list(
        User.objects.filter(groups__name="advisor", branch__isnull=False).order_by("pk")
    )
    by_branch: dict[int, list] = {}
    for user in advisors:
        by_branch.setdefault(user.branch_id, []).append(user)
    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM customers_customer")
        (max_id,) = cur.fetchone()
        ids = rng.sample(range(1, max_id + 1), min(max_id, total * 4))
        cur.execute(
            """SELECT c.id, c.branch_id, c.kind, c.name, c.name_pinyin, c.name_initials,
                      (SELECT p.last4 FROM customers_customerphone p
                       WHERE p.customer_id = c.id ORDER BY p.position LIMIT 1),
                      (SELECT v.plate FROM customers_vehicle v
                       WHERE v.customer_id = c.id ORDER BY v.id LIMIT 1)
               FROM customers_customer c WHERE c.id = ANY(%s) ORDER BY c.id""",
            [ids],
        )
        customers = cur.fetchall()
    rng.shuffle(customers)
    people = [row for row in customers if row[2] == "person"][:total]

    def asker(row):
        return rng.choice(by_branch[row[1]])

    def search(text):
        from urllib.parse import urlencode

        return "/api/v1/customers?" + urlencode({"q": text})

    cases = [
        Case("worklist", "worklist", [(rng.choice(advisors), "/api/v1/worklist")
                                      for _ in range(total)]),
        Case("search: name prefix (张伟 → 张伟…)", "search",
             [(asker(r), search(r[3][:2])) for r in people]),
        Case("search: full pinyin", "search", [(asker(r), search(r[4])) for r in people]),
        Case("search: initials", "search", [(asker(r), search(r[5])) for r in people]),
        Case("search: phone last 4", "search", [(asker(r), search(r[6])) for r in people]),
        Case("search: plate with separator", "search",
             [(asker(r), search(with_separator(r[7]))) for r in people]),
        Case("customer page", "customer page",
             [(asker(r), customer_page_url(r[0])) for r in customers[:total]]),
    ]  # fmt: skip
    return cases


def customer_page_url(customer_id: int) -> str:
    return (
        f"/customers/{customer_id}/" if html_page_exists() else f"/api/v1/customers/{customer_id}"
    )


def html_page_exists() -> bool:
    """Whether the HTML customer page is wired up yet (another engineer is building it)."""
    from django.urls import Resolver404, resolve

    try:
        resolve("/customers/1/")
    except Resolver404:
        return False
    return True


class Clients:
    """One test client per user: pages carry a real session cookie; API requests carry the
    user's bearer token (what an integration or the phone app sends) unless `--api-auth
    session` asks for the browser's way."""

    api_auth = "bearer"

    def __init__(self):
        self._clients = {}
        self._tokens = {}

    def get(self, user):
        from django.test import Client

        if user.pk not in self._clients:
            client = Client()
            client.force_login(user)
            self._clients[user.pk] = client
        return self._clients[user.pk]

    def headers(self, user, url: str) -> dict:
        if not url.startswith("/api/") or self.api_auth != "bearer":
            return {}
        if user.pk not in self._tokens:
            from aftercare.org.models import ApiToken

            raw, prefix, digest = ApiToken.generate()
            from django.utils import timezone

            # A token in use: "last used" was written within the minute (it is not rewritten).
            ApiToken.objects.create(
                user=user, name="bench", prefix=prefix, digest=digest,
                last_used_at=timezone.now(),
            )  # fmt: skip
            self._tokens[user.pk] = raw
        return {"Authorization": f"Bearer {self._tokens[user.pk]}"}

    def fetch(self, user, url: str):
        from django.test import Client

        if url.startswith("/api/") and self.api_auth == "bearer":
            headers = self.headers(user, url)
            self._bare = getattr(self, "_bare", None) or Client()
            return self._bare.get(url, headers=headers)
        return self.get(user).get(url)


def request(clients: Clients, user, url: str):
    response = clients.fetch(user, url)
    if response.status_code != 200:
        raise SystemExit(f"{url} as {user.username}: HTTP {response.status_code}")
    return response


def replay(bare, statements: list[str]) -> tuple[float, float, str, int]:
    """Time the request's SELECTs on a bare psycopg connection: (total, slowest, its SQL, n)."""
    total, slowest, slowest_sql, count = 0.0, 0.0, "", 0
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        started = time.perf_counter()
        with bare.cursor() as cur:
            cur.execute(sql.encode(), prepare=False)
            cur.fetchall()
        elapsed = time.perf_counter() - started
        total += elapsed
        count += 1
        if elapsed > slowest:
            slowest, slowest_sql = elapsed, sql
    return total, slowest, slowest_sql, count


def measure(case: Case, clients: Clients, bare, warmup: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for user, url in case.requests:  # sessions and tokens made before anything is timed
        clients.get(user)
        clients.headers(user, url)
    for user, url in case.requests[:warmup]:
        request(clients, user, url)
    measured = case.requests[warmup:]
    slowest = 0.0
    for user, url in measured:
        # Its SQL first, captured and replayed: the timed request then finds the rows its
        # statements read in memory as the replay did (a first read from disk would count
        # in one and not the other, and is no overhead of the application's).
        with CaptureQueriesContext(connection) as captured:
            request(clients, user, url)
        total, key, key_sql, count = replay(bare, [q["sql"] for q in captured.captured_queries])
        case.sql.append(total)
        case.key.append(key)
        case.queries.append(count)
        # The full stack, nothing else running in the process.
        started, cpu_started = time.perf_counter(), time.process_time()
        response = request(clients, user, url)
        case.wall.append(time.perf_counter() - started)
        case.cpu.append(time.process_time() - cpu_started)
        if response["Content-Type"].startswith("application/json"):
            body = response.json()
            case.rows.append(body["count"] if isinstance(body, dict) and "count" in body else 1)
        if key > slowest:
            slowest, case.key_sql = key, key_sql


def profile(case: Case, clients: Clients, warmup: int, count: int) -> None:
    """Where one case's time goes: cProfile over `count` requests, heaviest 30 by own time
    and by cumulative time, and the statements of one request."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for user, url in case.requests[:warmup]:
        request(clients, user, url)
    measured = case.requests[warmup : warmup + count]
    for user, url in measured:  # signing in is not the request's cost
        clients.get(user)
        clients.headers(user, url)
    profiler = cProfile.Profile()
    profiler.enable()
    for user, url in measured:
        request(clients, user, url)
    profiler.disable()
    print(f"\n===== {case.name}: {len(measured)} requests =====")
    stats = pstats.Stats(profiler)
    if os.environ.get("BENCH_PROFILE_DIR"):  # for snakeviz, pstats or a diff of two commits
        slug = re.sub(r"\W+", "-", case.name).strip("-")
        stats.dump_stats(os.path.join(os.environ["BENCH_PROFILE_DIR"], f"{slug}.prof"))
    if not os.environ.get("BENCH_FULL_PATHS"):
        stats = stats.strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(60)
    if os.environ.get("BENCH_CALLERS"):
        stats.print_callers(os.environ["BENCH_CALLERS"])
    user, url = measured[0]
    with CaptureQueriesContext(connection) as captured:
        request(clients, user, url)
    for query in captured.captured_queries:
        print(f"  [{float(query['time']) * 1000:.1f} ms] {query['sql'][:220]}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def table(cases: list[Case]) -> list[str]:
    """p95 beside its bare SQL p95 and their ratio, each against the issue's targets."""
    lines = [
        "| case | p50 ms | p95 ms | SQL p50 | SQL p95 | ratio p95 ÷ SQL p95 | target "
        "| CPU p50 | CPU p95 | key p95 | queries | hits (median) |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        limit, ratio_limit = TARGETS.get(case.group, (None, None))
        p95 = percentile(case.wall, 95) * 1000
        sql95 = percentile(case.sql, 95) * 1000
        ratio = p95 / sql95 if sql95 else float("inf")
        if limit is None:
            target = "–"
        else:
            met = p95 <= limit and ratio <= ratio_limit
            target = f"≤ {limit} ms, ≤ {ratio_limit}× {'✅' if met else '❌'}"
        hits = f"{statistics.median(case.rows):.0f}" if case.rows else "–"
        lines.append(
            f"| {case.name} | {ms(percentile(case.wall, 50))} | {p95:.1f} "
            f"| {ms(percentile(case.sql, 50))} | {sql95:.1f} | {ratio:.1f}× | {target} "
            f"| {ms(percentile(case.cpu, 50))} | {ms(percentile(case.cpu, 95))} "
            f"| {ms(percentile(case.key, 95))} | {statistics.median(case.queries):.0f} | {hits} |"
        )
    return lines


def dataset(bare) -> dict:
    try:
        row = bare.execute("SELECT data FROM bench_meta").fetchone()
    except Exception:  # noqa: BLE001 - a database made before bench_meta existed
        bare.rollback()
        return {}
    return row[0] if row else {}


def write_results(sections: dict[str, list[str]]) -> None:
    """Replace (or append) only our own `## ` sections; other sections stay as they are."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    parts = re.split(r"(?m)^(?=## )", text)
    head, body = parts[0], parts[1:]
    titles = [part.splitlines()[0] for part in body]
    for title, lines in sections.items():
        content = "\n".join([title, "", *lines]).rstrip() + "\n\n"
        if title in titles:
            old = body[titles.index(title)]
            if NOTES in old:  # hand-written analysis below the marker survives re-runs
                content += old[old.index(NOTES) :].rstrip() + "\n\n"
            body[titles.index(title)] = content
        else:
            body.append(content)
            titles.append(title)
    if not head.endswith("\n\n"):
        head = head.rstrip("\n") + "\n\n"
    RESULTS.write_text((head + "".join(body)).rstrip() + "\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--requests", type=int, default=200, help="measured per case")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument("--case", default="", help="only cases whose name contains this")
    parser.add_argument(
        "--api-auth", choices=["bearer", "session"], default="bearer",
        help="how API cases sign in (pages always use the session)",
    )  # fmt: skip
    parser.add_argument(
        "--cache-url", default=os.environ.get("AFTERCARE_CACHE_URL", "redis://127.0.0.1:6379/15"),
        help="the shared cache production runs with (sessions, permissions); '' for none",
    )  # fmt: skip
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N",
        help="print a cProfile of N requests of each case instead of timing them",
    )  # fmt: skip
    # -- building-systems desk (bench/bs_cases.py) -------------------------------------------
    parser.add_argument(
        "--desk",
        choices=("ds", "bs", "all"),
        default="ds",
        help="dealership desk (ds), building-systems desk (bs) or both",
    )
    parser.add_argument(
        "--bs-database-url",
        default=None,
        help="bs: default aftercare_bench_hotline (hotline_bench.py)",
    )
    args = parser.parse_args(argv)
    if args.desk != "ds":
        import bs_cases

        given = list(argv if argv is not None else sys.argv[1:])
        if args.desk == "all":  # two databases: each desk in its own process
            return bs_cases.both_desks(given)
        return bs_cases.main(args, given, sys.modules[__name__])
    # -- end of the building-systems hook ----------------------------------------------------

    if args.cache_url:  # read by settings: before django.setup()
        os.environ["AFTERCARE_CACHE_URL"] = args.cache_url
    else:
        os.environ.pop("AFTERCARE_CACHE_URL", None)
    url = database.setup(args.database_url)
    bare = database.connect(url, autocommit=True)
    meta = dataset(bare)
    if not meta:
        raise SystemExit(f"{url} holds no generated data: run bench/generate.py first")
    load_before = os.getloadavg()
    rng = random.Random(args.seed)
    cases = build_cases(rng, args.requests + args.warmup)
    if args.case:
        cases = [case for case in cases if args.case in case.name]
        args.no_write = True  # a partial run never replaces the recorded figures
    clients = Clients()
    if args.profile:
        for case in cases:
            profile(case, clients, args.warmup, args.profile)
        return
    started = time.perf_counter()
    for case in cases:
        print(f"{case.name} …", flush=True)
        measure(case, clients, bare, args.warmup)
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()

    lines = table(cases)
    print("\n".join(lines))
    page = "HTML page GET /customers/<id>/" if html_page_exists() else (
        "JSON GET /api/v1/customers/<id> (the HTML page /customers/<id>/ did not exist yet)"
    )  # fmt: skip
    print(f"customer page measured: {page}")
    if args.no_write:
        return
    command = " ".join(["bench/run.py", *(argv if argv is not None else sys.argv[1:])]).strip()
    desk = [
        f"Run {datetime.now(UTC).date().isoformat()} (UTC) on {platform.node() or 'this machine'}: "
        f"{os.cpu_count()} cores, PostgreSQL {bare.info.server_version // 10000}, "
        f"Python {platform.python_version()}, in-process `django.test.Client` (DEBUG off), "
        f"{args.requests} requests per case after {args.warmup} warm-up, "
        f"{elapsed:.0f} s in all.",
        f"Load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
        "(other engineers' test runs share the 2 cores; higher load inflates every figure).",
        "",
        "Command: `.venv/bin/python " + command + "`",
        "",
        *lines,
        "",
        "- p50/p95: whole request through Django (middleware, session, auth, view, JSON/HTML); "
        f"API cases signed in with {'a bearer token' if args.api_auth == 'bearer' else 'a session'}"
        ", pages with the session; cache: "
        f"{'Redis (' + args.cache_url + '), sessions cached_db' if args.cache_url else 'none'}.",
        "- CPU: this Python process's CPU time for the request (excludes time waiting for the "
        "database or for a core): what the request costs whatever the machine's load.",
        "- SQL: the same request's SELECTs, captured and replayed on a bare psycopg connection "
        "just before the timed request (both find the same rows in memory), summed; "
        "key: the slowest single statement. p50/p95 over the requests.",
        "- queries: statements per request; hits: median `count` of the search result.",
        f"- customer page: {page}.",
        "",
        "Slowest key statement of each case (column list elided, first 300 characters):",
        "",
    ]
    for case in cases:
        sql = case.key_sql
        start = sql.find(" FROM ")
        shown = ("SELECT … " + sql[start + 1 :]) if sql.startswith("SELECT") and start > 0 else sql
        desk.append(f"- {case.name}: `{shown[:300]}`")
    data = [
        f"Generated {meta.get('generated_at', '?')[:16]} by `bench/generate.py "
        f"--scale {meta.get('scale')}` in {meta.get('generation_seconds', 0) / 60:.1f} min.",
        "",
        "Command: `.venv/bin/python bench/generate.py --reset` (smoke run first: "
        "`--scale 0.01 --database-url …/aftercare_bench_smoke`). Other engineers' test suites "
        "ran at the same time (load average 3–6), so generation on an idle machine is faster.",
        "",
        "| table | rows |",
        "|---|---:|",
    ]
    for key in ("customers", "phones", "vehicles", "repair_orders", "obligations", "calls",
                "pending_obligations"):  # fmt: skip
        data.append(f"| {key.replace('_', ' ')} | {meta.get(key, 0):,} |")
    timings = meta.get("timings", {})
    if timings:
        steps = timings.items() if isinstance(timings, dict) else timings
        data += ["", "Generation steps (s): " + "; ".join(f"{k} {v}" for k, v in steps) + "."]
    data += [
        "",
        f"1 organisation, 20 branches, 10 advisors each. Pending obligations per advisor: "
        f"min {meta.get('worklist_min')}, median {meta.get('worklist_median')}, "
        f"max {meta.get('worklist_max')}.",
    ]
    write_results(
        {
            "## Dataset": data,
            "## Dealership desk (worklist, search, customer page)": desk,
        }
    )
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
