"""The installed base at scale: 20 000 sites, 200 000 systems, 2 000 000 equipment items.

    .venv/bin/python bench/sites_bench.py --reset              # generate, then time
    .venv/bin/python bench/sites_bench.py -n 200               # time again on the kept database
    .venv/bin/python bench/sites_bench.py --reset --scale 0.1  # a tenth (2 000 sites, 200 k items)

One organisation (Asia/Shanghai), `--branches` building-systems branches with a supervisor
each, 2 000 company owners; sites spread evenly over the branches, 10 systems a site (the six
kinds of the demo and more, fire alarm / CCTV / access control marked key), 10 items a system
with serials like `HKDS-2024-0001234` (serial_key as the model computes it), a location and an
installation date; a quarter of the systems accepted with their warranty. Written set-wise by
INSERT … SELECT generate_series after migrate (no history rows), then VACUUM ANALYZE.

Timed in-process with django.test.Client (DEBUG off), each request by the supervisor of the
site's branch, inputs drawn at random from real rows; p50/p95 over `-n` requests after warm-up.
Beside each, the SQL the request ran, replayed on a bare psycopg connection (total, slowest).

- site page: `GET /sites/<id>/` (owner, contacts, systems with their equipment counts);
- serial search: `GET /api/v1/equipment?serial=<prefix>` — the first 12 characters of a real
  serial typed with a dash and in lower case (a prefix match on `serial_key`, a handful of
  hits), and the same search on the Sites page (`GET /sites/?serial=`);
- coverage lookup: `contracts.queries.coverage(item, at)` for a random equipment item now —
  a quarter of the systems are under warranty, half of the sites under a signed contract for
  all their systems (10 000 contracts, 100 000 covered systems), the rest uncovered, so the
  lookup answers warranty, contract and none; beside it the statements it ran, replayed.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import database  # noqa: E402
from dashboard_bench import percentile, replay  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftercare_bench_sites"
SYSTEMS_PER_SITE = 10
ITEMS_PER_SYSTEM = 10
OWNERS = 2_000
KINDS = ["cctv", "access_control", "fire_alarm", "bms", "public_address", "cabling",
         "intercom", "parking", "other", "cctv"]  # fmt: skip
PREFIXES = ["HKDS", "ZKAC", "GSTS", "HWDC", "TOAS", "AMPP", "DHIC", "PKSN", "MISC", "UNVC"]


def build_staff(branches: int):
    from django.contrib.auth.models import Group

    from aftercare.org.models import Branch, Organisation, User

    org = Organisation.objects.create(name="華東弱電集團", time_zone="Asia/Shanghai", region="CN")
    supervisor = Group.objects.get(name="supervisor")
    rows = []
    for index in range(branches):
        branch = Branch.objects.create(
            organisation=org, code=f"elv{index + 1:02d}", name=f"弱電工程{index + 1:02d}部",
            runs_dealership=False, runs_building_systems=True,
        )  # fmt: skip
        boss = User.objects.create(
            username=f"bench-bs-{index + 1:02d}", organisation=org, branch=branch
        )
        boss.groups.add(supervisor)
        rows.append(branch.pk)
    return org, rows


CONTRACT_TABLES: tuple[str, ...] = ()


def _contracts_installed() -> bool:
    from django.apps import apps

    return apps.is_installed("aftercare.contracts")


def _has_contracts() -> bool:
    from aftercare.contracts.models import Contract

    return Contract.objects.exists()


def generate_contracts(org) -> None:
    """Half the sites under a signed maintenance contract for all their systems (2026–2027):
    with the quarter under warranty, coverage answers warranty, contract and none in mix."""
    from django.db import connection

    from aftercare.contracts.models import ServiceCalendar

    global CONTRACT_TABLES
    CONTRACT_TABLES = ("contracts_contract", "contracts_contractsystem")
    calendar = ServiceCalendar.objects.create(
        organisation=org, name="24×7", weekly=[[["00:00", "24:00"]]] * 7
    )
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO contracts_contract (branch_id, customer_id, site_id, starts_on,
                   ends_on, service_calendar_id, price, parts_included, labour_included,
                   visits_per_year, emergency_arrival_hours, emergency_fix_hours, signed_on,
                   signed_by_id, created_by_id, created_at)
               SELECT s.branch_id, s.customer_id, s.id, date '2026-01-01', date '2027-12-31',
                   %s, 36000, false, true, 4, 1, 4, date '2025-12-20', u.id, u.id, now()
               FROM sites_site s
               JOIN org_user u ON u.branch_id = s.branch_id AND u.username LIKE 'bench-bs-%%'
               WHERE s.id %% 4 IN (1, 2)""",
            [calendar.pk],
        )
        cur.execute(
            """INSERT INTO contracts_contractsystem (contract_id, system_id)
               SELECT c.id, y.id FROM contracts_contract c
               JOIN sites_system y ON y.site_id = c.site_id"""
        )


def generate(args) -> None:
    from django.db import connection, transaction

    started = time.perf_counter()
    sites = round(20_000 * args.scale)
    _org, branches = build_staff(args.branches)
    params = {"branches": branches, "nb": len(branches), "owners": OWNERS, "sites": sites}
    kinds = "ARRAY[" + ",".join(f"'{k}'" for k in KINDS) + "]"
    prefixes = "ARRAY[" + ",".join(f"'{p}'" for p in PREFIXES) + "]"
    with transaction.atomic(), connection.cursor() as cur:
        # Owners: company customers, evenly over the branches, each with one contact.
        cur.execute(
            """INSERT INTO customers_customer (branch_id, kind, name, contact_person, address,
                   email, contact_time, contact_channel, wanted_services, wanted_services_note,
                   prefers_letters, consents_to_sms, consents_to_letters, notes, name_key,
                   name_pinyin, name_initials, archive_complete, created_at, updated_at)
               SELECT (%(branches)s::bigint[])[1 + i %% %(nb)s], 'company',
                   '業主' || i || '置業有限公司', '', '上海市', '', '', '', '[]', '', false,
                   false, true, '', '业主' || i || '置业有限公司', '', '', false, now(), now()
               FROM generate_series(1, %(owners)s) AS i""",
            params,
        )
        cur.execute(
            """INSERT INTO customers_customercontact (customer_id, name, role, phones, email,
                   position, created_at)
               SELECT id, '李經理', '物業經理', '["+8613800138000"]', '', 0, now()
               FROM customers_customer WHERE kind = 'company'"""
        )
        # Sites: site i belongs to owner i % owners (so to that owner's branch).
        cur.execute(
            """INSERT INTO sites_site (branch_id, customer_id, name, address, created_at)
               SELECT c.branch_id, c.id, '大廈' || s.i,
                   '上海市浦東新區世紀大道' || s.i || '號', now()
               FROM generate_series(1, %(sites)s) AS s(i)
               JOIN (SELECT id, branch_id, row_number() OVER (ORDER BY id) - 1 AS n
                     FROM customers_customer WHERE kind = 'company') AS c
                 ON c.n = s.i %% %(owners)s""",
            params,
        )
        cur.execute(
            f"""INSERT INTO sites_system (site_id, kind, name, key, accepted_on, accepted_by,
                   warranty_starts_on, warranty_ends_on, created_at)
               SELECT s.id, ({kinds})[k], '系統' || k, ({kinds})[k] IN
                   ('fire_alarm', 'cctv', 'access_control'),
                   CASE WHEN s.id % 4 = 0 THEN date '2025-06-01' END,
                   CASE WHEN s.id % 4 = 0 THEN '業主代表' ELSE '' END,
                   CASE WHEN s.id % 4 = 0 THEN date '2025-06-01' END,
                   CASE WHEN s.id % 4 = 0 THEN date '2027-05-31' END, now()
               FROM sites_site s CROSS JOIN generate_series(1, {SYSTEMS_PER_SITE}) AS k"""  # noqa: S608
        )
        cur.execute(
            f"""INSERT INTO sites_equipment (system_id, branch_id, name, model, serial, serial_key,
                   location, installed_on, warranty_starts_on, warranty_ends_on, own_warranty,
                   removed_on, created_at)
               SELECT y.id, s.branch_id, '設備' || n, 'M-' || (y.id % 50),
                   ({prefixes})[1 + y.id % 10] || '-' || (2020 + y.id % 6) || '-'
                       || lpad((y.id * {ITEMS_PER_SYSTEM} + n)::text, 7, '0'),
                   ({prefixes})[1 + y.id % 10] || (2020 + y.id % 6)
                       || lpad((y.id * {ITEMS_PER_SYSTEM} + n)::text, 7, '0'),
                   (1 + n % 30) || 'F 電梯廳', date '2025-05-01' + (n % 20),
                   y.warranty_starts_on, y.warranty_ends_on, false, NULL, now()
               FROM sites_system y JOIN sites_site s ON s.id = y.site_id
               CROSS JOIN generate_series(1, {ITEMS_PER_SYSTEM}) AS n"""  # noqa: S608
        )
    if _contracts_installed():
        generate_contracts(_org)
    with connection.cursor() as cur:
        for table in ("customers_customer", "customers_customercontact", "sites_site",
                      "sites_system", "sites_equipment", *CONTRACT_TABLES):  # fmt: skip
            cur.execute(f"VACUUM ANALYZE {table}")
    print(f"generated {sites:,} sites in {time.perf_counter() - started:.1f} s", flush=True)


def check_serial_keys() -> None:
    """The SQL's serial_key must be what the model computes, or the bench measures nothing."""
    from aftercare.sites.models import Equipment, serial_key

    for item in Equipment.objects.order_by("?")[:200]:
        assert item.serial_key == serial_key(item.serial), (item.serial, item.serial_key)


def time_coverage(n: int, rng: random.Random, bare) -> dict | None:
    """The contracts app's coverage function, where it is installed (after the merge)."""
    from django.apps import apps
    from django.utils import timezone

    if not apps.is_installed("aftercare.contracts"):
        return None
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.module_loading import import_string

    from aftercare.sites.models import Equipment

    coverage = import_string("aftercare.contracts.queries.coverage")
    last = Equipment.objects.order_by("-id").values_list("id", flat=True).first() or 1
    at = timezone.now()
    times, counts = [], []
    sqls, kinds = [], {}
    for index in range(n + 5):
        item = Equipment.objects.filter(pk__gte=rng.randint(1, last)).order_by("pk").first()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            answer = coverage(item, at)
            elapsed = time.perf_counter() - started
        if index >= 5:
            times.append(elapsed)
            counts.append(len(captured.captured_queries))
            sqls.append(replay(bare, [q["sql"] for q in captured.captured_queries])[0])
            kinds[answer.kind] = kinds.get(answer.kind, 0) + 1
    print("coverage answers:", kinds, flush=True)
    return {
        "url": "coverage lookup",
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "sql": statistics.median(sqls),
        "sql95": percentile(sqls, 95),
        "slowest": None,
        "queries": max(counts),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reset", action="store_true", help="drop, recreate and generate")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 20 000 sites, 2 M items")
    parser.add_argument("--branches", type=int, default=10)
    parser.add_argument("-n", type=int, default=200, help="timed requests per case")
    parser.add_argument(
        "--cases", default="site,api,page,coverage", help="which cases to time (comma-separated)"
    )
    args = parser.parse_args(argv)

    url = database.setup(args.database_url, reset=args.reset)
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.test import Client

    from aftercare.org.models import User
    from aftercare.sites.models import Equipment, Site, System

    if not User.objects.filter(username="bench-bs-01").exists():
        generate(args)
    elif _contracts_installed() and not _has_contracts():
        from django.db import connection

        from aftercare.org.models import Organisation

        generate_contracts(Organisation.objects.get(name="華東弱電集團"))
        with connection.cursor() as cur:
            for table in CONTRACT_TABLES:
                cur.execute(f"VACUUM ANALYZE {table}")
    check_serial_keys()
    counts = (Site.objects.count(), System.objects.count(), Equipment.objects.count())
    rng = random.Random(11)
    bosses = {u.branch_id: u for u in User.objects.filter(username__startswith="bench-bs-")}
    clients = {}
    for branch_id, boss in bosses.items():
        clients[branch_id] = Client()
        clients[branch_id].force_login(boss)
    bare = database.connect(url, autocommit=True)
    site_ids = list(Site.objects.values_list("id", "branch_id"))
    last_item = Equipment.objects.order_by("-id").values_list("id", flat=True).first()

    def random_item():
        return (
            Equipment.objects.filter(pk__gte=rng.randint(1, last_item))
            .order_by("pk")
            .values_list("serial", "system__site__branch_id")
            .first()
        )

    def typed(serial: str) -> str:
        """What a person types: the first 12 characters, lower case, dashes kept."""
        return serial[:12].lower()

    load_before = os.getloadavg()
    results = []
    # Each request by the supervisor of the site's branch: one measure() per sample.
    cases = set(args.cases.split(","))
    site_samples = [rng.choice(site_ids) for _ in range(args.n)]
    if "site" in cases:
        sites = [(b, f"/sites/{s}/") for s, b in site_samples]
        results.append(_pooled(clients, sites, bare, "site page"))
    serials = [random_item() for _ in range(args.n)]
    if "api" in cases:
        api = [(b, f"/api/v1/equipment?serial={typed(s)}") for s, b in serials]
        results.append(_pooled(clients, api, bare, "serial search (API)"))
    if "page" in cases:
        page = [(b, f"/sites/?serial={typed(s)}") for s, b in serials]
        results.append(_pooled(clients, page, bare, "serial search (Sites page)"))
    coverage = time_coverage(args.n, rng, bare) if "coverage" in cases else None
    if coverage is not None:
        results.append(coverage)
    load_after = os.getloadavg()
    print(
        f"{counts[0]:,} sites, {counts[1]:,} systems, {counts[2]:,} equipment items; "
        f"PostgreSQL via {url.rsplit('/', 1)[-1]}; Python {platform.python_version()}; "
        f"load {load_before[0]:.2f} → {load_after[0]:.2f}; {datetime.now():%Y-%m-%d %H:%M}"
    )
    print("| case | p50 ms | p95 ms | SQL replayed p50 ms | SQL p95 ms | slowest statement p50 ms"
          " | statements |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        sql = "—" if r["sql"] is None else f"{r['sql'] * 1000:.1f}"
        sql95 = "—" if r.get("sql95") is None else f"{r['sql95'] * 1000:.1f}"
        slow = "—" if r["slowest"] is None else f"{r['slowest'] * 1000:.1f}"
        print(
            f"| {r['url']} | {r['p50'] * 1000:.1f} | {r['p95'] * 1000:.1f} | {sql} | {sql95} "
            f"| {slow} | {r['queries']} |"
        )
    if coverage is None:
        print("coverage lookup: skipped (aftercare.contracts is not installed)")


def _pooled(clients, requests, bare, label: str) -> dict:
    """measure() for one request each, pooled: p50/p95 over all of them."""
    times, sqls, slowest, statements = [], [], [], 0
    for branch_id, url in requests[:5]:  # warm-up
        clients[branch_id].get(url)
    for branch_id, url in requests:
        one = measure_once(clients[branch_id], url, bare)
        times.append(one["time"])
        sqls.append(one["sql"])
        slowest.append(one["slowest"])
        statements = max(statements, one["queries"])
    return {
        "url": label,
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "sql": statistics.median(sqls),
        "sql95": percentile(sqls, 95),
        "slowest": statistics.median(slowest),
        "queries": statements,
    }


def measure_once(client, url: str, bare) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    total, worst, _sql = replay(bare, [q["sql"] for q in captured.captured_queries])
    return {"time": elapsed, "sql": total, "slowest": worst,
            "queries": len(captured.captured_queries)}  # fmt: skip


if __name__ == "__main__":
    main()
