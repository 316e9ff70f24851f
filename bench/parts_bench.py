"""Spare parts at scale (BS-12): 10 000 parts, 5 000 000 stock ledger lines in 20 stores.

    .venv/bin/python bench/parts_bench.py --reset -n 300        # generate, then time
    .venv/bin/python bench/parts_bench.py -n 300                # time again on the kept data
    .venv/bin/python bench/parts_bench.py --reset --scale 0.01  # smoke run (50 000 lines)
    .venv/bin/python bench/parts_bench.py --cases stock,api     # only some cases

Database `aftercare_bench_parts` (override with `--database-url` / BENCH_DATABASE_URL; the
name must start with `aftercare_bench`), created and migrated by `database.setup`.

What is generated (`--scale 1`):

- One organisation (Asia/Shanghai), 20 building-systems branches, each with its default store
  (`Store`, `is_default`) and a parts clerk; one administrator (every store of the
  organisation); a supervisor in the first branch. ORM.
- 10 000 catalogue parts (cameras, readers, detectors, cable by the metre …; unit cost, own
  warranty 0/6/12/24 months) with their simple_history creation rows. INSERT … SELECT.
- 5 000 000 ledger lines over 200 000 (part, store) pairs — every part in every store, a part's
  demand Zipf-like (s = 0.8 over shuffled ranks, times a store factor 0.5–1.5: the most used
  part ~188 000 lines, 6 000–14 000 a store; the least used 2–10 a store), spread over the last
  three years and inserted in time order (a pair's lines are scattered over the table, as a live
  ledger is). Each pair's ledger is a saw-tooth: a receipt restocks to the pair's top level
  (34–63), then 11 lines go down — issues of 1–3 (one in 17 an adjustment "盤點差異"), now and then
  a return or positive adjustment of 1, always followed by an issue, so a cycle ends lower than
  it began and every restock is a positive receipt. The balances are chosen first (never
  negative by construction), the signed quantity is the difference to the previous line (window
  `lag`), `balance_after` is the running balance. Ticket null. One INSERT … SELECT from a
  staging row per pair (generate_series, two windows), with the ledger's and the levels'
  secondary indexes and foreign keys dropped during the load and recreated after it; VACUUM
  ANALYZE.
- `StockLevel` per pair: on_hand = the last line's balance (DISTINCT ON), reserved 0 —
  except the hottest part of the first branch's store, which gets 24 tickets (reported through
  `servicedesk.actions.report`, half under the system's warranty) and a reservation each
  (`parts.actions.reserve`: served in the application's order, the rest waiting with BS-12).
- Checked set-wise after the load: every level = the ledger's sum = the last balance, every
  balance_after = the running sum of the quantities, none negative.

Timed cases (`--cases`, default all); beside each, its statements replayed on a bare psycopg
connection (writes inside a transaction that is rolled back):

- stock: `parts.queries.stock_of(user, part)` as a branch's parts clerk and as the
  administrator (20 stores), random parts — target p95 < 20 ms; the same figure as the
  ledger's SUM (random parts, and the most used part) for comparison; a check of 200 random
  (part, store) pairs: level == SUM(ledger) == last balance_after (`ledger_mismatches`' test,
  on the sample only).
- move: `parts.actions.record_movement` (a receipt of 5) on the most used part in the first
  branch's store (the longest ledger, with its 24 reservations): wall, CPU, statements. These
  receipts are committed: each run adds 2 × `--moves` + 5 lines to that ledger (warm-up,
  timed and captured calls).
- ledger: `queries.ledger(user, part)[:50]` (the part page's ledger) and
  `queries.reservation_queue(user, part)`.
- api: `GET /api/v1/parts/{id}` through django.test.Client (force_login), random parts,
  clerks of random branches and the administrator.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import database  # noqa: E402
from hotline_bench import (  # noqa: E402
    drop_secondary,
    explain,
    log,
    ms,
    plan_summary,
    replay,
    stats,
    step,
    timed,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftercare_bench_parts"
SEED = 20261213
BRANCHES = 20
PARTS = 10_000
LINES = 5_000_000
CYCLE = 12  # a receipt, then 11 lines going down
ZIPF = 0.8
HISTORY_DAYS = 1095
TZ_NAME = "Asia/Shanghai"
RESERVATIONS = 24
LOADED = ["parts_stockmovement", "parts_stocklevel"]

NAMES = ["半球攝像機", "槍式攝像機", "門禁讀卡器", "煙感探測器", "溫感探測器", "手動報警按鈕",
         "道閘電機", "對講分機", "硬盤錄像機", "接入交換機", "UPS電池", "聲光報警器",
         "廣播揚聲器", "電源適配器", "光纖收發器", "電磁鎖"]  # fmt: skip
CABLES = ["六類網線", "RVVP屏蔽線", "光纜", "消防電纜"]


# ============================================================================================
# Generation


def build_org(branches: int) -> dict:
    from django.contrib.auth.models import Group

    from aftercare.org.models import Branch, Organisation, User
    from aftercare.parts.models import Store

    org = Organisation.objects.create(name="華南弱電備件中心", time_zone=TZ_NAME, region="CN")
    groups = {g.name: g for g in Group.objects.filter(name__in=["supervisor", "parts_clerk",
                                                               "administrator"])}  # fmt: skip
    admin = User.objects.create(username="bench-pt-admin", organisation=org, display_name="總監")
    admin.groups.add(groups["administrator"])
    rows = []
    for index in range(branches):
        branch = Branch.objects.create(
            organisation=org, code=f"bs{index + 1:02d}", name=f"弱電維保{index + 1:02d}部",
            runs_dealership=False, runs_building_systems=True,
        )  # fmt: skip
        store = Store.objects.create(branch=branch, is_default=True)
        clerk = User.objects.create(
            username=f"bench-pt-clerk-{index + 1:02d}", organisation=org, branch=branch,
            display_name=f"倉管{index + 1:02d}",
        )  # fmt: skip
        clerk.groups.add(groups["parts_clerk"])
        if index == 0:
            boss = User.objects.create(
                username="bench-pt-sup-01", organisation=org, branch=branch, display_name="主管01"
            )
            boss.groups.add(groups["supervisor"])
        rows.append({"id": branch.pk, "store": store.pk, "clerk": clerk.pk})
    return {"org": org, "branches": rows, "admin": admin.pk}


def insert_parts(cur, org_id: int, n: int) -> None:
    """The catalogue: a tenth cable by the metre, the rest pieces; costs 8.50 … 2 400.00."""
    cur.execute(
        """INSERT INTO parts_part (organisation_id, code, name, unit, unit_cost, warranty_months,
               active, created_at)
           SELECT %(org)s, 'P' || lpad(i::text, 6, '0'),
               CASE WHEN i %% 10 = 0 THEN (%(cables)s::text[])[1 + i / 10 %% 4]
                    ELSE (%(names)s::text[])[1 + i %% 16] || ' 型號' || (100 + i %% 900) END,
               CASE WHEN i %% 10 = 0 THEN 'metre' ELSE 'piece' END,
               CASE WHEN i %% 10 = 0 THEN 2.50 + (i %% 13) ELSE 8.50 + (i * 37 %% 2392) END,
               (ARRAY[0, 6, 12, 12, 24])[1 + i %% 5], i %% 50 <> 0, now() - interval '3 years'
           FROM generate_series(1, %(n)s) AS i ORDER BY i""",
        {"org": org_id, "n": n, "names": NAMES, "cables": CABLES},
    )
    cur.execute(
        """INSERT INTO parts_historicalpart (id, code, name, unit, unit_cost, warranty_months,
               active, created_at, history_date, history_change_reason, history_type,
               history_user_id, organisation_id)
           SELECT id, code, name, unit, unit_cost, warranty_months, active, created_at,
               created_at, NULL, '+', NULL, organisation_id
           FROM parts_part ORDER BY id"""
    )


def plan_pairs(conn, org_info: dict, lines: int) -> tuple[int, int]:
    """A staging row per (part, store): lines n (Zipf over the parts' shuffled ranks, times a
    store factor, at least 1, summing to `lines` exactly), top level, clerk, unit cost."""
    rng = random.Random(SEED)
    parts = [row[0] for row in conn.execute("SELECT id FROM parts_part ORDER BY id")]
    costs = dict(conn.execute("SELECT id, unit_cost FROM parts_part").fetchall())
    ranks = list(range(1, len(parts) + 1))
    rng.shuffle(ranks)
    pairs = []
    for part, rank in zip(parts, ranks, strict=True):
        weight = rank**-ZIPF
        for branch in org_info["branches"]:
            pairs.append([part, branch["store"], branch["clerk"], weight * (0.5 + rng.random())])
    total = sum(p[3] for p in pairs)
    exact = [lines * p[3] / total for p in pairs]
    counts = [max(1, int(x)) for x in exact]
    left = lines - sum(counts)
    order = sorted(range(len(pairs)), key=lambda i: exact[i] - int(exact[i]), reverse=left < 0)
    step_ = 1 if left > 0 else -1
    index = 0
    while left:
        i = order[index % len(order)]
        if counts[i] + step_ >= 1:
            counts[i] += step_
            left -= step_
        index += 1
    conn.execute("DROP TABLE IF EXISTS bench_pair")
    conn.execute(
        """CREATE UNLOGGED TABLE bench_pair (pair_no int, part_id bigint, store_id bigint,
               by_id bigint, n int, top int, unit_cost numeric(12, 2))"""
    )
    with conn.cursor() as cur, cur.copy("COPY bench_pair FROM STDIN") as copy:
        buffer = io.StringIO()
        for number, ((part, store, clerk, _w), n) in enumerate(zip(pairs, counts, strict=True)):
            top = 34 + (part * 7 + store * 3) % 30
            buffer.write(f"{number + 1}\t{part}\t{store}\t{clerk}\t{n}\t{top}\t{costs[part]}\n")
        copy.write(buffer.getvalue())
    conn.execute("ANALYZE bench_pair")
    return len(pairs), max(counts)


def insert_ledger(conn, now: datetime) -> None:
    """Every line from the staging rows in one INSERT … SELECT, in time order.

    d = the drop of a line within its cycle (0 at the receipt; 1–3 an issue or adjustment;
    −1 a return or positive adjustment, only at odd positions before the last, so each pair
    of positions drops ≥ 0 and the cycle's last line drops ≥ 1); balance = top − the cycle's
    running drop (never negative: at most 33 < top); quantity = balance − previous balance
    (the first receipt brings the top; a restock = top − the last cycle's end ≥ 1)."""
    conn.execute(
        """INSERT INTO parts_stockmovement (part_id, store_id, kind, quantity, balance_after,
               unit_cost, ticket_id, reason, at, by_id, recorded_at)
           SELECT part_id, store_id,
               CASE WHEN k = 0 THEN 'receipt'
                    WHEN d < 0 THEN CASE WHEN h / 12 %% 3 = 0 THEN 'adjustment' ELSE 'return' END
                    WHEN h %% 17 = 0 THEN 'adjustment' ELSE 'issue' END,
               quantity, balance, unit_cost, NULL,
               CASE WHEN k = 0 THEN '採購入庫'
                    WHEN d < 0 AND h / 12 %% 3 = 0 THEN '盤點差異：多出'
                    WHEN d > 0 AND h %% 17 = 0 THEN '盤點差異：短少' ELSE '' END,
               at, by_id, at
           FROM (
             SELECT *, balance - lag(balance, 1, 0) OVER (PARTITION BY pair_no ORDER BY i)
                       AS quantity
             FROM (
               SELECT *, top - sum(d) OVER (PARTITION BY pair_no, c ORDER BY i) AS balance
               FROM (
                 SELECT p.pair_no, p.part_id, p.store_id, p.by_id, p.top, p.unit_cost, s.i,
                     (s.i - 1) %% %(cycle)s AS k, (s.i - 1) / %(cycle)s AS c, h,
                     CASE WHEN (s.i - 1) %% %(cycle)s = 0 THEN 0
                          WHEN (s.i - 1) %% 2 = 1 AND (s.i - 1) %% %(cycle)s < %(cycle)s - 1
                               AND h %% 12 = 0 THEN -1
                          ELSE 1 + h %% 3 END AS d,
                     %(start)s::timestamptz + %(span)s * ((s.i - 0.5 + (h %% 1000) / 2500.0)
                         / p.n) * interval '1 second' AS at
                 FROM bench_pair p
                 CROSS JOIN LATERAL generate_series(1, p.n) AS s(i)
                 CROSS JOIN LATERAL (SELECT abs(hashint8(p.pair_no::bigint * 1000003 + s.i))
                                     AS h) AS r
               ) lines
             ) balances
           ) moves
           ORDER BY at, pair_no, i""",
        {"cycle": CYCLE, "start": now - timedelta(days=HISTORY_DAYS),
         "span": (HISTORY_DAYS * 86400) - 3600},
    )  # fmt: skip


def insert_levels(conn) -> None:
    conn.execute(
        """INSERT INTO parts_stocklevel (part_id, store_id, on_hand, reserved)
           SELECT part_id, store_id, balance_after, 0 FROM (
             SELECT DISTINCT ON (part_id, store_id) part_id, store_id, balance_after
             FROM parts_stockmovement ORDER BY part_id, store_id, id DESC) last
           ORDER BY part_id, store_id"""
    )


def check_all(conn) -> dict:
    """The invariants over the whole load, set-wise (the application's `ledger_mismatches`
    answers the same per level row, one query each: too slow for 200 000 rows)."""
    level_vs_ledger = conn.execute(
        """SELECT count(*) FROM parts_stocklevel l
           FULL JOIN (SELECT part_id, store_id, sum(quantity) AS total, count(*) AS lines
                      FROM parts_stockmovement GROUP BY part_id, store_id) s
             USING (part_id, store_id)
           LEFT JOIN LATERAL (SELECT balance_after FROM parts_stockmovement m
                              WHERE m.part_id = l.part_id AND m.store_id = l.store_id
                              ORDER BY id DESC LIMIT 1) last ON true
           WHERE l.on_hand IS DISTINCT FROM s.total
              OR l.on_hand IS DISTINCT FROM last.balance_after"""
    ).fetchone()[0]
    running, negative, zero = conn.execute(
        """SELECT count(*) FILTER (WHERE balance_after <> running),
                  count(*) FILTER (WHERE balance_after < 0), count(*) FILTER (WHERE quantity = 0)
           FROM (SELECT balance_after, quantity, sum(quantity) OVER (
                   PARTITION BY part_id, store_id ORDER BY id) AS running
                 FROM parts_stockmovement) r"""
    ).fetchone()
    found = {"levels differing from the ledger": level_vs_ledger,
             "lines whose balance is not the running sum": running,
             "negative balances": negative, "zero quantities": zero}  # fmt: skip
    if any(found.values()):
        raise SystemExit(f"generated ledger is inconsistent: {found}")
    log(f"ledger checked: {found}")
    return found


def reservations(org_info: dict, hot_part: int, hot_store: int, now: datetime) -> int:
    """24 tickets in the first branch (half under the system's warranty) and a reservation of
    the hot part for each, through the application (serving order, BS-12 for the waiting)."""
    from aftercare.customers.models import Customer
    from aftercare.org.models import User
    from aftercare.parts import actions as parts
    from aftercare.parts.models import Part
    from aftercare.servicedesk import actions as desk
    from aftercare.sites import actions as sites

    boss = User.objects.get(username="bench-pt-sup-01")
    clerk = User.objects.get(pk=org_info["branches"][0]["clerk"])
    owner = Customer.objects.create(branch=boss.branch, name="宏遠置業有限公司", kind="company")
    site = sites.create_site(by=boss, customer=owner, name="宏遠大廈", address="深南大道1號")
    cctv = sites.add_system(by=boss, site=site, kind="cctv", name="閉路電視", key=True)
    cctv.warranty_starts_on = (now - timedelta(days=200)).date()
    cctv.warranty_ends_on = (now + timedelta(days=500)).date()
    cctv.save()
    access = sites.add_system(by=boss, site=site, kind="access_control", name="門禁")
    part = Part.objects.get(pk=hot_part)
    rng = random.Random(SEED + 1)
    for index in range(RESERVATIONS):
        at = now - timedelta(hours=RESERVATIONS - index, minutes=rng.randrange(50))
        ticket = desk.report(
            by=boss, site=site, system=cctv if index % 2 else access, caller_name="王先生",
            caller_phone="13800138000", category="equipment_fault",
            description="監控畫面全黑", reported_at=at,
        )  # fmt: skip
        parts.reserve(by=clerk, part=part, quantity=1 + rng.randrange(4), ticket=ticket,
                      at=at + timedelta(minutes=20))  # fmt: skip
    assert part.levels.get(store_id=hot_store).store_id == hot_store
    return RESERVATIONS


def generate(args, url: str) -> dict:
    from django.db import connection

    timings: dict = {}
    started = time.perf_counter()
    load_before = os.getloadavg()
    now = datetime.now(UTC).replace(microsecond=0)
    n_parts = max(100, round(PARTS * args.scale))
    n_lines = round(LINES * args.scale)
    with step("organisation, branches, stores, clerks (ORM)", timings):
        org_info = build_org(args.branches)
    with database.connect(url, autocommit=True) as conn:
        conn.execute("SET work_mem = '256MB'")
        conn.execute("SET maintenance_work_mem = '512MB'")
        with step(f"{n_parts:,} parts and their history rows (INSERT … SELECT)", timings):
            insert_parts(conn.cursor(), org_info["org"].pk, n_parts)
        with step(f"plan {n_lines:,} lines over the (part, store) pairs, COPY staging", timings):
            pairs, longest = plan_pairs(conn, org_info, n_lines)
        with step("drop secondary indexes and constraints", timings):
            redo = drop_secondary(conn, LOADED)
        with step(f"INSERT … SELECT {n_lines:,} ledger lines (windows, time order)", timings):
            insert_ledger(conn, now)
        with step(f"INSERT … SELECT {pairs:,} stock levels (last balance)", timings):
            insert_levels(conn)
        with step(f"recreate {len(redo)} indexes and constraints", timings):
            for ddl in redo:
                conn.execute(ddl)
            for table in (*LOADED, "parts_part"):
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT COALESCE(max(id), 1) FROM {table}))")  # fmt: skip
        with step("VACUUM ANALYZE", timings):
            for table in (*LOADED, "parts_part", "parts_historicalpart", "parts_store"):
                conn.execute(f"VACUUM ANALYZE {table}")
        first = org_info["branches"][0]
        hot_part = conn.execute(
            "SELECT part_id FROM bench_pair WHERE store_id = %s ORDER BY n DESC LIMIT 1",
            [first["store"]],
        ).fetchone()[0]
        with step("level = sum = last balance, running balances, none negative", timings):
            checked = check_all(conn)
        conn.execute("DROP TABLE bench_pair")
    connection.close()
    with step(f"{RESERVATIONS} tickets and reservations of the hot part (application)", timings):
        reservations(org_info, hot_part, first["store"], now)
    total = time.perf_counter() - started
    load_after = os.getloadavg()
    with database.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE parts_stocklevel")
        summary = counts(conn)
        hot = conn.execute(
            """SELECT count(*), count(*) FILTER (WHERE store_id = %s) FROM parts_stockmovement
               WHERE part_id = %s""",
            [first["store"], hot_part],
        ).fetchone()
        summary.update(
            hot_part=hot_part, hot_store=first["store"], hot_part_lines=hot[0],
            hot_pair_lines=hot[1], longest_pair=longest, pairs=pairs,
            generation_seconds=round(total, 1), generated_at=now.isoformat(), scale=args.scale,
            load=[round(load_before[0], 2), round(load_after[0], 2)], checked=checked,
            timings=[[title, round(s, 1)] for title, s in timings.items()],
        )  # fmt: skip
        conn.execute("DROP TABLE IF EXISTS bench_meta")
        conn.execute("CREATE TABLE bench_meta (data jsonb)")
        conn.execute("INSERT INTO bench_meta VALUES (%s)", [json.dumps(summary)])
    log(f"generated in {total / 60:.1f} min (load {load_before[0]:.2f} → {load_after[0]:.2f}): "
        + ", ".join(f"{k} {v:,}" for k, v in summary.items() if isinstance(v, int)))  # fmt: skip
    return summary


def counts(conn) -> dict:
    queries = {
        "parts": "SELECT count(*) FROM parts_part",
        "stores": "SELECT count(*) FROM parts_store",
        "ledger lines": "SELECT count(*) FROM parts_stockmovement",
        "stock levels": "SELECT count(*) FROM parts_stocklevel",
        "reservations": "SELECT count(*) FROM parts_reservation",
        "ledger MB": "SELECT pg_total_relation_size('parts_stockmovement') / 1048576",
    }
    return {label: conn.execute(sql).fetchone()[0] for label, sql in queries.items()}


# ============================================================================================
# Timing


def measure(label: str, calls: list, bare, *, target: float | None = None, writes=False) -> dict:
    """Time each (fn, args) call, then run it again under CaptureQueriesContext and replay
    its statements on the bare connection."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for fn, args in calls[:5]:  # warm-up
        fn(*args)
    walls, cpus, sqls = [], [], []
    statements = 0
    last_sql: list[str] = []
    for fn, args in calls:
        _result, wall, cpu = timed(fn, *args)
        walls.append(wall)
        cpus.append(cpu)
        with CaptureQueriesContext(connection) as captured:
            fn(*args)
        last_sql = [q["sql"] for q in captured.captured_queries]
        sqls.append(replay(bare, last_sql, writes=writes)[0])
        statements = max(statements, len(last_sql))
    row = {"case": label, "wall": stats(walls), "cpu": stats(cpus), "sql": stats(sqls),
           "statements": statements, "target": target, "n": len(calls)}  # fmt: skip
    log(f"{label}: p50 {ms(row['wall']['p50'])} ms, p95 {ms(row['wall']['p95'])} ms, "
        f"SQL p95 {ms(row['sql']['p95'])} ms, {statements} statements")  # fmt: skip
    row["last_sql"] = last_sql
    return row


def ledger_sum(user, part):
    """On hand as the ledger's SUM over the user's stores (what the kept level replaces)."""
    from django.db.models import Sum

    from aftercare.parts.models import StockMovement
    from aftercare.parts.queries import visible_stores

    return StockMovement.objects.filter(part=part, store__in=visible_stores(user)).aggregate(
        on_hand=Sum("quantity")
    )["on_hand"]


def check_pairs(pairs: list[tuple[int, int]]) -> list[tuple]:
    """`queries.ledger_mismatches`' test on the given (part, store) pairs only: the kept
    level against the ledger's sum and the last line's running balance."""
    from django.db.models import Sum

    from aftercare.parts.models import StockLevel, StockMovement

    problems = []
    for part_id, store_id in pairs:
        level = StockLevel.objects.get(part_id=part_id, store_id=store_id)
        lines = StockMovement.objects.filter(part_id=part_id, store_id=store_id)
        total = lines.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
        last = lines.order_by("-id").values_list("balance_after", flat=True).first()
        if total != level.on_hand or (last is not None and last != level.on_hand):
            problems.append((part_id, store_id, level.on_hand, total, last))
    return problems


def case_stock(n: int, rng: random.Random, bare, users: dict, meta: dict) -> list[dict]:
    from aftercare.parts import queries
    from aftercare.parts.models import Part, StockLevel

    ids = list(Part.objects.values_list("id", flat=True))
    parts = Part.objects.in_bulk(rng.sample(ids, min(n, len(ids))))
    sample = list(parts.values())
    clerks, admin = users["clerks"], users["admin"]
    results = []
    as_clerk = [(queries.stock_of, (rng.choice(clerks), part)) for part in sample]
    as_admin = [(queries.stock_of, (admin, part)) for part in sample]
    results.append(measure("stock_of(user, part), branch clerk", as_clerk, bare, target=0.020))
    results.append(measure("stock_of(user, part), administrator (20 stores)", as_admin, bare,
                           target=0.020))  # fmt: skip
    # The plans of the on-hand query.
    for row, who in ((results[0], "clerk"), (results[1], "administrator")):
        sql = next(s for s in row["last_sql"] if "parts_stocklevel" in s)
        plan = explain(bare, sql)
        row.update(plan=plan_summary(plan), plan_full=plan, key_sql=sql)
        print(f"on-hand statement ({who}): {sql}\n" + "\n".join(plan))
    # The same figure as the ledger's SUM: random parts, then the most used part.
    hot = Part.objects.get(pk=meta["hot_part"])
    sums_clerk = [(ledger_sum, (rng.choice(clerks), part)) for part in sample]
    sums_admin = [(ledger_sum, (admin, part)) for part in sample]
    results.append(measure("for comparison: SUM(ledger), branch clerk", sums_clerk, bare))
    results.append(measure("for comparison: SUM(ledger), administrator", sums_admin, bare))
    hot_calls = [(ledger_sum, (admin, hot))] * max(10, n // 10)
    results.append(measure(f"for comparison: SUM(ledger), administrator, most used part "
                           f"({meta['hot_part_lines']:,} lines)", hot_calls, bare))  # fmt: skip
    hot_level = [(queries.stock_of, (admin, hot))] * max(10, n // 10)
    results.append(measure("stock_of(user, part), administrator, most used part", hot_level,
                           bare, target=0.020))  # fmt: skip
    sql = next(s for s in results[-2]["last_sql"] if "parts_stockmovement" in s)
    plan = explain(bare, sql)
    results[-2].update(plan=plan_summary(plan), key_sql=sql)
    print(f"SUM statement (most used part, administrator): {sql}\n" + "\n".join(plan))
    # Level == SUM(ledger) == last balance on 200 random pairs.
    pairs = list(StockLevel.objects.values_list("part_id", "store_id").order_by("?")[:200])
    problems, wall, cpu = timed(check_pairs, pairs)
    log(f"check of {len(pairs)} random (part, store) pairs: {len(problems)} mismatches "
        f"({wall:.2f} s)")  # fmt: skip
    if problems:
        print("MISMATCHES:", problems[:20])
    results.append({"case": f"check: level == SUM(ledger) == last balance_after, {len(pairs)} "
                            f"random (part, store) pairs", "wall": wall, "cpu": cpu,
                    "mismatches": len(problems), "target": None})  # fmt: skip
    return results


def case_move(moves: int, bare, users: dict, meta: dict) -> list[dict]:
    from aftercare.parts import actions, queries
    from aftercare.parts.models import Part, StockLevel, Store

    hot = Part.objects.get(pk=meta["hot_part"])
    store = Store.objects.get(pk=meta["hot_store"])
    clerk = users["clerk_of"][store.branch_id]

    def receipt():
        # As a view calls it: the actor and part fetched by the request, the store defaulted.
        return actions.record_movement(by=clerk, part=hot, kind="receipt", quantity=5,
                                       reason="採購入庫 bench")  # fmt: skip

    calls = [(receipt, ())] * moves
    row = measure(f"record_movement (receipt of 5), most used part, its store "
                  f"({meta['hot_pair_lines']:,}+ lines, {meta['reservations']} reservations)",
                  calls, bare, writes=True)  # fmt: skip
    kinds: dict = {}
    for sql in row["last_sql"]:
        word = sql.split(None, 1)[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
    row["kinds"] = kinds
    print("record_movement statements:\n" + "\n".join(s[:160] for s in row["last_sql"]))
    problems = check_pairs([(hot.pk, store.pk)])
    level = StockLevel.objects.get(part=hot, store=store)
    print(f"after the receipts: on hand {level.on_hand}, reserved {level.reserved}; "
          f"level == SUM == last balance: {not problems}")  # fmt: skip
    row["consistent_after"] = not problems
    row["queue"] = [(line.position, line.reservation.state)
                    for line in queries.reservation_queue(clerk, hot)]  # fmt: skip
    return [row]


def case_ledger(n: int, rng: random.Random, bare, users: dict, meta: dict) -> list[dict]:
    from aftercare.parts import queries
    from aftercare.parts.models import Part, Store

    hot = Part.objects.get(pk=meta["hot_part"])
    clerk = users["clerk_of"][Store.objects.get(pk=meta["hot_store"]).branch_id]
    admin = users["admin"]
    ids = list(Part.objects.values_list("id", flat=True))
    sample = list(Part.objects.in_bulk(rng.sample(ids, min(n, len(ids)))).values())

    def page(user, part):
        return list(queries.ledger(user, part)[:50])

    reps = max(20, n // 5)
    plans = {
        "branch clerk, random parts": [(page, (rng.choice(users["clerks"]), p)) for p in sample],
        "administrator, random parts": [(page, (admin, p)) for p in sample],
        "branch clerk, most used part": [(page, (clerk, hot))] * reps,
        "administrator, most used part": [(page, (admin, hot))] * reps,
    }
    results = [
        measure(f"ledger(user, part)[:50], {who}", calls, bare) for who, calls in plans.items()
    ]
    for row in results:
        sql = next(s for s in row["last_sql"] if "parts_stockmovement" in s)
        plan = explain(bare, sql)
        row.update(plan=plan_summary(plan), key_sql=sql)
        print(f"{row['case']}: {sql}\n" + "\n".join(plan))
    queue = [(queries.reservation_queue, (clerk, hot))] * reps
    results.append(measure(f"reservation_queue(user, part), branch clerk, most used part "
                           f"({meta['reservations']} open)", queue, bare))  # fmt: skip
    queue_admin = [(queries.reservation_queue, (admin, hot))] * reps
    results.append(measure("reservation_queue(user, part), administrator, most used part",
                           queue_admin, bare))  # fmt: skip
    random_queue = [(queries.reservation_queue, (admin, p)) for p in sample]
    results.append(measure("reservation_queue(user, part), administrator, random parts (none)",
                           random_queue, bare))  # fmt: skip
    return results


def case_api(n: int, rng: random.Random, bare, users: dict) -> list[dict]:
    from django.test import Client

    from aftercare.parts.models import Part

    clients = {}
    for user in [*users["clerks"], users["admin"]]:
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    ids = list(Part.objects.values_list("id", flat=True))

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response

    clerk_calls = [(get, (clients[rng.choice(users["clerks"]).pk], f"/api/v1/parts/{pk}"))
                   for pk in rng.sample(ids, min(n, len(ids)))]  # fmt: skip
    admin_calls = [(get, (clients[users["admin"].pk], f"/api/v1/parts/{pk}"))
                   for pk in rng.sample(ids, min(n, len(ids)))]  # fmt: skip
    sample = get(*clerk_calls[0][1])
    print("GET /api/v1/parts/{id}:", sample.content.decode()[:300])
    return [
        measure("API GET /api/v1/parts/{id}, branch clerk", clerk_calls, bare),
        measure("API GET /api/v1/parts/{id}, administrator", admin_calls, bare),
    ]


# ============================================================================================


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reset", action="store_true", help="drop, recreate and generate")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10 000 parts, 5 M lines")
    parser.add_argument("--branches", type=int, default=BRANCHES)
    parser.add_argument("-n", type=int, default=300, help="timed calls per case")
    parser.add_argument("--moves", type=int, default=100, help="timed (committed) receipts")
    parser.add_argument("--cases", default="stock,move,ledger,api")
    parser.add_argument("--json", default="/tmp/parts_bench.json", help="results file")
    args = parser.parse_args(argv)

    url = database.setup(args.database_url, reset=args.reset)
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per force_login otherwise
    from aftercare.org.models import User

    generated = None
    if not User.objects.filter(username="bench-pt-admin").exists():
        generated = generate(args, url)
    with connection.cursor() as cur:
        cur.execute("SELECT data FROM bench_meta")
        meta = cur.fetchone()[0]
    if isinstance(meta, str):
        meta = json.loads(meta)
    meta["reservations"] = meta.get("reservations", RESERVATIONS)
    cases = set(args.cases.split(","))
    rng = random.Random(13)
    bare = database.connect(url, autocommit=True)
    clerks = list(User.objects.filter(username__startswith="bench-pt-clerk-").order_by("id"))
    users = {"clerks": clerks, "clerk_of": {u.branch_id: u for u in clerks},
             "admin": User.objects.get(username="bench-pt-admin")}  # fmt: skip
    load_before = os.getloadavg()
    results: list[dict] = []
    if "stock" in cases:
        results += case_stock(args.n, rng, bare, users, meta)
    if "ledger" in cases:
        results += case_ledger(args.n, rng, bare, users, meta)
    if "api" in cases:
        results += case_api(args.n, rng, bare, users)
    if "move" in cases:
        results += case_move(args.moves, bare, users, meta)
    load_after = os.getloadavg()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=database.ROOT).stdout.strip()  # fmt: skip
    header = (f"{meta.get('parts', 0):,} parts, {meta.get('ledger lines', 0):,} ledger lines, "
              f"{meta.get('stock levels', 0):,} levels in {meta.get('stores', 0)} stores; "
              f"PostgreSQL via {url.rsplit('/', 1)[-1]}; Python {platform.python_version()}; "
              f"load {load_before[0]:.2f} → {load_after[0]:.2f}; "
              f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; code {commit}")  # fmt: skip
    print(header)
    print_table(results)
    for row in results:
        row.pop("last_sql", None)
    Path(args.json).write_text(json.dumps(
        {"header": header, "meta": meta, "generated": generated, "results": results,
         "load": [load_before, load_after]}, indent=1, default=str))  # fmt: skip
    print(f"results written to {args.json}")


def print_table(results: list[dict]) -> None:
    print("| case | p50 ms | p95 ms | CPU p50 | CPU p95 | SQL p50 | SQL p95 | p95 ÷ SQL p95"
          " | statements | target |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        wall = r["wall"]
        target = r.get("target")
        if not isinstance(wall, dict):
            verdict = f"{r.get('mismatches', 0)} mismatches"
            print(f"| {r['case']} | {ms(wall)} (all) | | {ms(r['cpu'])} | | | | | | {verdict} |")
            continue
        sql = r["sql"]
        ratio = f"{wall['p95'] / sql['p95']:.1f}×" if sql.get("p95") else "—"
        verdict = "—" if target is None else (
            f"< {target * 1000:.0f} ms {'✅' if wall['p95'] < target else '❌'}")  # fmt: skip
        print(f"| {r['case']} | {ms(wall['p50'])} | {ms(wall['p95'])} | {ms(r['cpu']['p50'])} | "
              f"{ms(r['cpu']['p95'])} | {ms(sql['p50'])} | {ms(sql['p95'])} | {ratio} | "
              f"{r.get('statements', '')} | {verdict} |")  # fmt: skip


if __name__ == "__main__":
    main()
