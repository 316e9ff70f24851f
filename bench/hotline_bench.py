"""The hotline at scale: 1 000 000 tickets (100 000 open) with their clocks, events, escalations.

    .venv/bin/python bench/hotline_bench.py --reset -n 300        # generate, then time
    .venv/bin/python bench/hotline_bench.py -n 300                # time again on the kept data
    .venv/bin/python bench/hotline_bench.py --reset --scale 0.01  # smoke run (10 000 tickets)
    .venv/bin/python bench/hotline_bench.py --cases board,api     # only some cases

Database `aftercare_bench_hotline` (override with `--database-url` / BENCH_DATABASE_URL; the
name must start with `aftercare_bench`), created and migrated by `database.setup`.

What is generated (`--scale 1`):

- One organisation (Asia/Shanghai, mainland holidays, a company closure), 20 building-systems
  branches, each with a supervisor and 12 field engineers; two administrators. Service
  calendars: the built-in 24×7, "Mon–Fri 09:00–18:00" and "Mon–Sat 08:00–20:00", both
  following holidays; the organisation's hotline calendar (HotlineSettings) is Mon–Fri
  09:00–18:00, so calls no contract covers run on business hours with holidays. Typhoon and
  rainstorm suspensions (two or three per branch, one of them in the last ten days). ORM.
- 4 000 sites (200 a branch) of 800 company owners, 5 systems a site (20 000; a fifth under
  warranty until 2027-05-31), 3 equipment items a system; 1 600 signed contracts (40 % of the
  sites, all their systems, 2024-07-01 … 2027-06-30) on the three calendars, with targets for
  the four fault categories and a three-step emergency escalation chain. INSERT … SELECT.
- 1 000 000 tickets reported over the last two years (register numbers `BS01-H-2026-000123`,
  counters set), 100 000 of them open — mostly the last weeks' and months', a few old ones.
  Category line 50 % / equipment 25 % / software 15 % / other 10 %, 3 % emergencies. Each
  ticket's coverage, calendar and targets are what `servicedesk.clocks.plan` chooses; its
  life (dispatch, travel, pauses for access or parts, remote fixes, resolution; open ones
  reported / dispatched / on site, 8 % paused now) is drawn in Python and its due moments are
  read with `standard.clocks.read_clock` — the function the application uses — from its pauses
  and the branch's suspensions. Two worker processes stream one staging row per ticket with
  COPY; tickets, their event log (reported, dispatched, arrived, paused/resumed, resolved),
  their BS-7/BS-8 obligations (owner, branch, organisation, triggered, due, done or
  cancelled, overdue notices) and escalation notices are then written set-wise from it
  (INSERT … SELECT), with the secondary indexes and foreign keys of those four tables dropped
  during the load and recreated (validated) after it. VACUUM ANALYZE.
- A sample is checked against the application (`clocks.plan`, `contracts.queries.coverage`,
  `clocks.readings_of`); the bench's first recompute must move no clock.

Not generated: history rows of the obligations (simple_history), notifications, visit-report
files. Timed cases (`--cases`, default all; see RESULTS.md for the write-up):

- board: `servicedesk.queries.board(user)` evaluated plus `clocks_of` for its tickets, as the
  supervisor of a random branch; the page `GET /hotline/` when it renders something (an empty
  placeholder is reported as such); `GET /api/v1/tickets?open=true&limit=50`.
- report: `servicedesk.actions.report` of a call no contract covers (business hours with
  holidays): wall, this process's CPU (`time.process_time`), wait (wall − CPU) and the
  PostgreSQL backend's CPU (/proc); the reports are deleted afterwards.
- recompute: `clocks.recompute_open(organisation_id=…)` with nothing to move, after a closure
  is added on the day that moves the most open clocks, and after it is removed again.
- tick: `obligations.actions.mark_overdue_notified(now)` and `servicedesk.escalation.claim_due
  (now)` — the first claim (the newest 1 500 overdue clocks and 300 due steps not yet
  claimed, everything older claimed), the second, and the steady state.

Beside each: the statements it ran, replayed on a bare psycopg connection (writes inside a
transaction that is rolled back), and EXPLAIN (ANALYZE, BUFFERS) of the key statements.
"""

from __future__ import annotations

import argparse
import cProfile
import heapq
import io
import json
import math
import multiprocessing
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import database  # noqa: E402
from dashboard_bench import percentile  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftercare_bench_hotline"
SEED = 20261203
BRANCHES = 20
ENGINEERS = 12
TICKETS = 1_000_000
OPEN = 100_000
SITES = 4_000
SYSTEMS_PER_SITE = 5
ITEMS_PER_SYSTEM = 3
HISTORY_DAYS = 730
TZ_NAME = "Asia/Shanghai"
TZ_OFFSET = 8 * 3600  # Asia/Shanghai has no DST: local date = UTC + 8 h
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
CATEGORIES = (("line_fault", 0.50), ("equipment_fault", 0.25), ("software_fault", 0.15),
              ("other", 0.10))  # fmt: skip
# Contract targets (hours): arrival, fix — per category; emergency clauses 1 h / 4 h.
TARGETS = {"line_fault": (2, 4), "equipment_fault": (4, 24), "software_fault": (8, 48),
           "other": (4, 16)}  # fmt: skip
EMERGENCY_HOURS = (1, 4)
CHAIN = (30, 120, 240)  # escalation steps (minutes on the emergency clock)
LOADED = ["servicedesk_ticket", "servicedesk_ticketevent", "servicedesk_escalationnotice",
          "obligations_obligation"]  # fmt: skip
CLOCK_STOPPED_TEXT = "2999-12-31 00:00:00+00"
NULL = "\\N"

CALLERS = ["陳先生", "李小姐", "張經理", "黃工", "王主任", "劉保安", "林小姐", "吳先生",
           "鄭經理", "周師傅", "何小姐", "梁先生"]  # fmt: skip
DESCRIPTIONS = ["3樓走廊攝像機無畫面", "大堂門禁讀卡器不反應", "消防主機報通訊故障",
                "停車場道閘無法抬桿", "B2 弱電井交換機掉線", "對講分機無聲", "監控錄像機硬盤告警",
                "煙感探測器誤報", "廣播系統第5區無聲", "網絡機櫃UPS告警"]  # fmt: skip
WORK = ["更換攝像機電源", "重新壓接網線水晶頭", "更換讀卡器", "重啟交換機並更新固件",
        "更換煙感探測器", "清潔道閘光電", "更換硬盤"]  # fmt: skip
CAUSES = ["電源老化", "線路鬆脫", "設備故障", "固件缺陷", "人為損壞", ""]

_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f} s] {message}", flush=True)


@contextmanager
def step(title: str, timings: dict):
    log(f"{title} …")
    started = time.perf_counter()
    yield
    timings[title] = time.perf_counter() - started
    log(f"{title}: {timings[title]:.1f} s")


def _array(values) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


# ============================================================================================
# Generation: organisation and staff (ORM), installed base and contracts (SQL)


def build_org(branches: int) -> dict:
    from django.contrib.auth.models import Group

    from aftercare.contracts.actions import builtin_calendar
    from aftercare.contracts.models import ServiceCalendar
    from aftercare.org.models import Branch, Organisation, User
    from aftercare.servicedesk.models import HotlineSettings
    from aftercare.standard.models import CalendarDay

    org = Organisation.objects.create(name="華南弱電維保集團", time_zone=TZ_NAME, region="CN")
    groups = {g.name: g for g in Group.objects.filter(name__in=["supervisor", "engineer",
                                                               "administrator"])}  # fmt: skip
    admins = []
    for index in range(2):
        admin = User.objects.create(
            username=f"bench-hl-admin-{index + 1}",
            organisation=org,
            display_name=f"總監{index + 1}",
        )
        admin.groups.add(groups["administrator"])
        admins.append(admin.pk)
    always = builtin_calendar(org)
    business = ServiceCalendar.objects.create(
        organisation=org, name="週一至週五 09:00–18:00", follows_holidays=True,
        weekly=[[["09:00", "18:00"]]] * 5 + [[], []],
    )  # fmt: skip
    long_week = ServiceCalendar.objects.create(
        organisation=org, name="週一至週六 08:00–20:00", follows_holidays=True,
        weekly=[[["08:00", "20:00"]]] * 6 + [[]],
    )  # fmt: skip
    HotlineSettings.objects.create(organisation=org, calendar=business)
    CalendarDay.objects.create(organisation=org, day=date(2026, 1, 30), kind="closure",
                               reason="公司年會")  # fmt: skip
    rows = []
    for index in range(branches):
        branch = Branch.objects.create(
            organisation=org, code=f"bs{index + 1:02d}", name=f"弱電維保{index + 1:02d}部",
            runs_dealership=False, runs_building_systems=True,
        )  # fmt: skip
        boss = User.objects.create(
            username=f"bench-hl-sup-{index + 1:02d}", organisation=org, branch=branch,
            display_name=f"主管{index + 1:02d}",
        )  # fmt: skip
        boss.groups.add(groups["supervisor"])
        engineers = []
        for number in range(ENGINEERS):
            engineer = User.objects.create(
                username=f"bench-hl-eng-{index + 1:02d}-{number + 1:02d}", organisation=org,
                branch=branch, display_name=f"工程師{index + 1:02d}{number + 1:02d}",
            )  # fmt: skip
            engineer.groups.add(groups["engineer"])
            engineers.append(engineer.pk)
        rows.append({"id": branch.pk, "code": branch.code, "supervisor": boss.pk,
                     "engineers": engineers})  # fmt: skip
    return {"org": org, "branches": rows, "admins": admins, "always": always.pk,
            "business": business.pk, "long_week": long_week.pk}  # fmt: skip


def suspensions(org_info: dict, now: datetime) -> None:
    """Two typhoon / rainstorm suspensions a branch in the past, and a recent one in a few."""
    from aftercare.servicedesk.models import Suspension

    tz = org_info["org"].tz
    rows = []
    for index, branch in enumerate(org_info["branches"]):
        spans = [
            (datetime(2025, 9, 23, 18, tzinfo=tz), 18, "typhoon_8"),  # Ragasa
            (datetime(2026, 6, 10 + index % 5, 5, tzinfo=tz), 4, "black_rainstorm"),
        ]
        if index % 4 == 0:
            start = (now - timedelta(days=3 + index % 7)).astimezone(tz)
            spans.append((start.replace(hour=6, minute=0, second=0, microsecond=0), 5, "typhoon_8"))
        for starts_at, hours, reason in spans:
            rows.append(Suspension(
                branch_id=branch["id"], reason=reason, starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=hours), declared_by_id=branch["supervisor"],
            ))  # fmt: skip
    Suspension.objects.bulk_create(rows)


def installed_base(cur, org_info: dict, sites: int) -> None:
    branches = [b["id"] for b in org_info["branches"]]
    owners = max(len(branches), sites // 5)
    params = {"branches": branches, "nb": len(branches), "owners": owners, "sites": sites}
    cur.execute(
        """INSERT INTO customers_customer (branch_id, kind, name, contact_person, address,
               email, contact_time, contact_channel, wanted_services, wanted_services_note,
               prefers_letters, consents_to_sms, consents_to_letters, notes, name_key,
               name_pinyin, name_initials, archive_complete, created_at, updated_at)
           SELECT (%(branches)s::bigint[])[1 + i %% %(nb)s], 'company',
               '業主' || i || '物業管理有限公司', '', '深圳市', '', '', '', '[]', '', false,
               false, true, '', '业主' || i || '物业管理有限公司', '', '', false, now(), now()
           FROM generate_series(1, %(owners)s) AS i""",
        params,
    )
    cur.execute(
        """INSERT INTO sites_site (branch_id, customer_id, name, address, created_at)
           SELECT c.branch_id, c.id, '大廈' || s.i, '深圳市福田區深南大道' || s.i || '號', now()
           FROM generate_series(1, %(sites)s) AS s(i)
           JOIN (SELECT id, branch_id, row_number() OVER (ORDER BY id) - 1 AS n
                 FROM customers_customer WHERE kind = 'company') AS c
             ON c.n = s.i %% %(owners)s""",
        params,
    )
    kinds = _array(["cctv", "access_control", "fire_alarm", "intercom", "public_address"])
    cur.execute(
        f"""INSERT INTO sites_system (site_id, kind, name, key, accepted_on, accepted_by,
               warranty_starts_on, warranty_ends_on, created_at)
           SELECT s.id, ({kinds})[k], '系統' || k, k <= 3,
               CASE WHEN (s.id * 5 + k) % 5 = 0 THEN date '2025-06-01' END,
               CASE WHEN (s.id * 5 + k) % 5 = 0 THEN '業主代表' ELSE '' END,
               CASE WHEN (s.id * 5 + k) % 5 = 0 THEN date '2025-06-01' END,
               CASE WHEN (s.id * 5 + k) % 5 = 0 THEN date '2027-05-31' END, now()
           FROM sites_site s CROSS JOIN generate_series(1, {SYSTEMS_PER_SITE}) AS k
           ORDER BY s.id, k"""  # noqa: S608
    )
    cur.execute(
        f"""INSERT INTO sites_equipment (system_id, branch_id, name, model, serial, serial_key,
               location, installed_on, warranty_starts_on, warranty_ends_on, own_warranty,
               removed_on, created_at)
           SELECT y.id, s.branch_id, '設備' || n, 'M-' || (y.id % 50),
               'HLBS-' || lpad((y.id * {ITEMS_PER_SYSTEM} + n)::text, 8, '0'),
               'HLBS' || lpad((y.id * {ITEMS_PER_SYSTEM} + n)::text, 8, '0'),
               (1 + n % 30) || 'F', date '2024-05-01', y.warranty_starts_on, y.warranty_ends_on,
               false, NULL, now()
           FROM sites_system y JOIN sites_site s ON s.id = y.site_id
           CROSS JOIN generate_series(1, {ITEMS_PER_SYSTEM}) AS n ORDER BY y.id, n"""  # noqa: S608
    )


def contracts(cur, org_info: dict) -> None:
    """40 % of the sites under a signed contract for all their systems, on three calendars."""
    cur.execute(
        """INSERT INTO contracts_contract (branch_id, customer_id, site_id, starts_on, ends_on,
               service_calendar_id, price, parts_included, labour_included, visits_per_year,
               emergency_arrival_hours, emergency_fix_hours, signed_on, signed_by_id,
               created_by_id, created_at)
           SELECT s.branch_id, s.customer_id, s.id, date '2024-07-01', date '2027-06-30',
               CASE WHEN s.id %% 10 < 5 THEN %(long_week)s WHEN s.id %% 10 < 8 THEN %(business)s
                    ELSE %(always)s END,
               48000, false, true, 4, %(ea)s, %(ef)s, date '2024-06-20', u.id, u.id, now()
           FROM sites_site s
           JOIN org_user u ON u.branch_id = s.branch_id AND u.username LIKE 'bench-hl-sup-%%'
           WHERE s.id %% 5 IN (1, 2)""",
        {"long_week": org_info["long_week"], "business": org_info["business"],
         "always": org_info["always"], "ea": EMERGENCY_HOURS[0], "ef": EMERGENCY_HOURS[1]},
    )  # fmt: skip
    cur.execute(
        """INSERT INTO contracts_contractsystem (contract_id, system_id)
           SELECT c.id, y.id FROM contracts_contract c
           JOIN sites_system y ON y.site_id = c.site_id"""
    )
    for category, (arrival, fix) in TARGETS.items():
        cur.execute(
            """INSERT INTO contracts_contracttarget (contract_id, category, arrival_hours,
                   fix_hours)
               SELECT id, %s, %s, %s FROM contracts_contract""",
            [category, arrival, fix],
        )
    for order, minutes in enumerate(CHAIN, start=1):
        user = "c.signed_by_id" if order < 3 else str(org_info["admins"][0])
        cur.execute(
            f"""INSERT INTO contracts_escalationstep (contract_id, "order", after_minutes, user_id)
                SELECT c.id, %s, %s, {user} FROM contracts_contract c""",  # noqa: S608
            [order, minutes],
        )


# ============================================================================================
# Generation: tickets, in two worker processes (the globals below are set before the fork)

G: dict = {}


def _ts(seconds: int | float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(sep=" ")


def _moment(dt: datetime | None) -> str:
    return NULL if dt is None else dt.isoformat(sep=" ")


def _u(rng: random.Random, low: float, high: float) -> int:
    return int(low + (high - low) * rng.random())


def ticket_row(index: int, rng: random.Random) -> str:
    """One staging row: the ticket, its life, its due moments (read_clock) and escalations."""
    from aftercare.standard.clocks import Stop, read_clock

    now = G["now"]
    r = G["reported"][index]
    branch = G["branches"][G["branch_of"][index]]
    is_open = G["open"][index]
    site = rng.choice(branch["sites"])
    system_id, w_start, w_end, contract_id = rng.choice(G["systems"][site])
    equipment_id = rng.choice(G["items"][system_id]) if rng.random() < 0.4 else None
    x = rng.random()
    category = "other"
    for name, share in CATEGORIES:
        if x < share:
            category = name
            break
        x -= share
    emergency = rng.random() < 0.03
    day = EPOCH_ORDINAL + (r + TZ_OFFSET) // 86400
    if w_start is not None and w_start <= day <= w_end:
        coverage, contract_id = "warranty", None
    elif contract_id is not None:
        coverage = "contract"
    else:
        coverage = "none"
    # clocks.plan
    chain = ()
    if emergency:
        calendar_id = G["always"]
        arrival_m, fix_m = EMERGENCY_HOURS[0] * 60, EMERGENCY_HOURS[1] * 60
        if contract_id is None:
            arrival_m, fix_m = G["emergency_defaults"]
        else:
            chain = CHAIN
    elif contract_id is not None:
        calendar_id = G["contract_calendar"][contract_id]
        arrival_m, fix_m = TARGETS[category][0] * 60, TARGETS[category][1] * 60
    else:
        calendar_id = G["default_calendar"]
        arrival_m = G["bs7"]
        fix_m = G["bs8"] if category == "line_fault" else None
    hours = G["hours"][calendar_id]

    # The ticket's life, in whole seconds.
    engineer = rng.choice(branch["engineers"])
    d = a = p1 = q1 = ps = res = None
    p1_reason = ps_reason = ""
    remote = False
    if not is_open:
        d = r + (_u(rng, 60, 600) if emergency else _u(rng, 120, 3600))
        remote = not emergency and rng.random() < 0.02
        if remote:
            res = d + _u(rng, 600, 7200)
        elif rng.random() < 0.02:  # no access at first
            p1 = d + _u(rng, 600, 3600)
            q1 = p1 + _u(rng, 3600, 86400)
            p1_reason = "owner_access"
            a = q1 + _u(rng, 600, 3600)
            res = a + _u(rng, 1800, 18000)
        else:
            a = d + (_u(rng, 900, 3600) if emergency else _u(rng, 1200, 9000))
            if rng.random() < 0.10:  # waiting for parts
                p1 = a + _u(rng, 900, 5400)
                q1 = p1 + _u(rng, 7200, 259200)
                p1_reason = "parts"
                res = q1 + _u(rng, 1800, 14400)
            else:
                res = a + (_u(rng, 1800, 10800) if emergency else _u(rng, 1800, 18000))
        if res > now - 60:  # reported a moment ago: squeeze the life into what has passed
            scale = (now - 60 - r) / (res - r)
            d, a, p1, q1, res = (None if v is None else r + int((v - r) * scale)
                                 for v in (d, a, p1, q1, res))  # fmt: skip
        state = "resolved"
        labour = _u(rng, 20, 300)
    else:
        labour = None
        x = rng.random()
        state = "reported" if x < 0.15 else "dispatched" if x < 0.5 else "on_site"
        last = r
        if state != "reported":
            d = r + max(1, int((now - r) * (0.02 + 0.28 * rng.random())))
            last = d
            if rng.random() < 0.06:  # paused and resumed earlier
                p1 = last + max(1, int((now - last) * (0.1 + 0.3 * rng.random())))
                q1 = p1 + max(1, int((now - p1) * (0.1 + 0.4 * rng.random())))
                p1_reason = "owner_access"
                last = q1
            if state == "on_site":
                a = last + max(1, int((now - last) * (0.1 + 0.5 * rng.random())))
                last = a
            if rng.random() < 0.08:  # paused now
                ps = last + max(1, int((now - last) * (0.2 + 0.75 * rng.random())))
                ps_reason = "parts" if state == "on_site" else "owner_access"
        else:
            engineer = None

    def when(v):
        return None if v is None else datetime.fromtimestamp(v, UTC)

    r_dt = when(r)
    pauses = []
    if p1 is not None:
        pauses.append((p1, Stop(when(p1), when(q1), p1_reason)))
    if ps is not None:
        pauses.append((ps, Stop(when(ps), None, ps_reason)))
    branch_stops = G["suspensions"].get(branch["id"], ())

    def stops_before(limit):
        """The stops a recompute before `limit` saw (None: all — the clock is pending)."""
        chosen = [stop for start, stop in pauses if limit is None or start < limit]
        chosen += [stop for start, stop in branch_stops if limit is None or start < limit]
        return chosen

    arrival_done = a if a is not None else (res if remote else None)
    arrival = read_clock(r_dt, timedelta(minutes=arrival_m), hours, stops_before(arrival_done))
    arrival_due = arrival.due_at
    fix_due = None
    if fix_m is not None:
        fix_due = read_clock(r_dt, timedelta(minutes=fix_m), hours, stops_before(res)).due_at
    next_due = None
    if is_open:
        pending = [fix_due] if fix_m is not None else []
        if a is None:
            pending.append(arrival_due)
        known = [due for due in pending if due is not None]
        next_due = min(known) if known else None
    escalation = []
    if chain:
        always = G["hours"][G["always"]]
        for minutes in chain:
            due = read_clock(r_dt, timedelta(minutes=minutes), always, stops_before(res)).due_at
            notified = None
            if due is not None:
                told = due.timestamp() + rng.randint(0, 59)
                if told + 1 < (res if res is not None else now):
                    notified = _ts(told)
            escalation += [_moment(due), NULL if notified is None else notified]
    escalation += [NULL] * (6 - len(escalation))

    def text(v):
        return NULL if v is None else _ts(v)

    return "\t".join([
        str(G["ids"][index]), str(branch["id"]), G["numbers"][index], str(site), str(system_id),
        NULL if equipment_id is None else str(equipment_id), category, "t" if emergency else "f",
        _ts(r), coverage, NULL if contract_id is None else str(contract_id), str(calendar_id),
        str(arrival_m), NULL if fix_m is None else str(fix_m), state, str(branch["supervisor"]),
        NULL if engineer is None else str(engineer), text(d), text(a), text(p1), text(q1),
        p1_reason, text(ps), ps_reason, text(res), "t" if remote else "f",
        CLOCK_STOPPED_TEXT if arrival_due is None else _moment(arrival_due),
        NULL if fix_m is None else (CLOCK_STOPPED_TEXT if fix_due is None else _moment(fix_due)),
        _moment(next_due), NULL if labour is None else str(labour), *escalation,
    ])  # fmt: skip


STAGING = """CREATE UNLOGGED TABLE bench_ticket (
    id bigint, branch_id bigint, number text, site_id bigint, system_id bigint,
    equipment_id bigint, category text, emergency boolean, reported_at timestamptz,
    coverage text, contract_id bigint, calendar_id bigint, arrival_minutes int, fix_minutes int,
    state text, supervisor_id bigint, engineer_id bigint, dispatched_at timestamptz,
    arrived_at timestamptz, p1_at timestamptz, q1_at timestamptz, p1_reason text,
    paused_since timestamptz, pause_reason text, resolved_at timestamptz, remote boolean,
    arrival_due timestamptz, fix_due timestamptz, next_due_at timestamptz, labour_minutes int,
    e1_due timestamptz, e1_notified timestamptz, e2_due timestamptz, e2_notified timestamptz,
    e3_due timestamptz, e3_notified timestamptz)"""


def stage_chunk(bounds: tuple[int, int]) -> int:
    """Worker: build rows [start, end) and COPY them into the staging table."""
    start, end = bounds
    rng = random.Random(SEED * 1000 + start)
    with database.connect(G["url"]) as conn, conn.cursor() as cur:
        with cur.copy("COPY bench_ticket FROM STDIN") as copy:
            buffer = []
            for index in range(start, end):
                buffer.append(ticket_row(index, rng))
                if len(buffer) >= 5000:
                    copy.write("\n".join(buffer) + "\n")
                    buffer.clear()
            if buffer:
                copy.write("\n".join(buffer) + "\n")
        conn.commit()
    return end - start


def plan_tickets(n: int, n_open: int, now: int, nbranches: int, codes: list[str]) -> None:
    """Report moments (sorted), branches, which are open, numbers — in the parent."""
    rng = random.Random(SEED)
    span = HISTORY_DAYS * 86400
    reported = sorted(now - 300 - int(span * rng.random()) for _ in range(n))
    branch_of = [rng.randrange(nbranches) for _ in range(n)]

    def weight(age_days: float) -> float:
        if age_days < 30:
            return 100.0
        if age_days < 180:
            return 30.0
        return 0.6

    # Exactly n_open open tickets, drawn with those weights (exponential keys, smallest win).
    keys = ((-math.log(1.0 - rng.random()) / weight((now - r) / 86400), i)
            for i, r in enumerate(reported))  # fmt: skip
    chosen = {i for _key, i in heapq.nsmallest(n_open, keys)}
    is_open = bytearray(n)
    for i in chosen:
        is_open[i] = 1
    counters: dict = {}
    numbers = []
    for i, r in enumerate(reported):
        year = date.fromordinal(EPOCH_ORDINAL + (r + TZ_OFFSET) // 86400).year
        key = (branch_of[i], year)
        counters[key] = counters.get(key, 0) + 1
        numbers.append(f"{codes[branch_of[i]].upper()}-H-{year}-{counters[key]:06d}")
    G.update(reported=reported, branch_of=branch_of, open=is_open, numbers=numbers,
             ids=list(range(1, n + 1)))  # fmt: skip


def load_python_side(org_info: dict) -> None:
    """What the workers need: sites, systems, items, contracts, calendars, suspensions."""
    from django.db import connection

    from aftercare.contracts.models import Contract, ServiceCalendar
    from aftercare.servicedesk.clocks import CLOCK_RULES, _hours, hotline_settings
    from aftercare.servicedesk.models import Suspension
    from aftercare.sites.models import Equipment, Site, System
    from aftercare.standard.clocks import Stop
    from aftercare.standard.deadlines import effective_rules

    org = org_info["org"]
    sites: dict = {}
    for site_id, branch_id in Site.objects.values_list("id", "branch_id"):
        sites.setdefault(branch_id, []).append(site_id)
    contract_of = dict(
        Contract.objects.values_list("coverage__system_id", "id").filter(signed_on__isnull=False)
    )
    systems: dict = {}
    for system_id, site_id, starts, ends in System.objects.values_list(
        "id", "site_id", "warranty_starts_on", "warranty_ends_on"
    ):
        systems.setdefault(site_id, []).append((
            system_id, starts.toordinal() if starts else None, ends.toordinal() if ends else None,
            contract_of.get(system_id),
        ))  # fmt: skip
    items: dict = {}
    for item_id, system_id in Equipment.objects.values_list("id", "system_id"):
        items.setdefault(system_id, []).append(item_id)
    hours = {c.pk: c.service_hours() for c in ServiceCalendar.objects.filter(organisation=org)}
    stops: dict = {}
    for row in Suspension.objects.all():
        stops.setdefault(row.branch_id, []).append(
            (int(row.starts_at.timestamp()),
             Stop(row.starts_at, row.ends_at, f"suspension:{row.reason}"))
        )  # fmt: skip
    settings_row = hotline_settings(org)
    rules = effective_rules(org, CLOCK_RULES)
    branches = [dict(b, sites=sites.get(b["id"], [])) for b in org_info["branches"]]
    G.update(
        branches=branches, systems=systems, items=items, hours=hours, suspensions=stops,
        always=org_info["always"], default_calendar=settings_row.calendar_id,
        contract_calendar=dict(Contract.objects.values_list("id", "service_calendar_id")),
        emergency_defaults=(int(settings_row.emergency_arrival_hours * 60),
                            int(settings_row.emergency_fix_hours * 60)),
        bs7=_hours(rules["BS-7"]) * 60, bs8=_hours(rules["BS-8"]) * 60,
    )  # fmt: skip
    connection.close()  # the workers are forked: no connection may be open


def drop_secondary(conn, tables: list[str]) -> list[str]:
    """Drop FKs, unique constraints and plain indexes of `tables`; return the DDL to redo."""
    redo_constraints, drops = [], []
    for table, name, kind, definition in conn.execute(
        """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)
           FROM pg_constraint WHERE contype IN ('f', 'u') AND conrelid::regclass::text = ANY(%s)
           ORDER BY contype DESC, conname""",
        [tables],
    ):
        drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        redo_constraints.append((kind, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    redo_indexes = []
    for name, definition in conn.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        [tables],
    ):
        drops.append(f'DROP INDEX "{name}"')
        redo_indexes.append(definition)
    for statement in drops:
        conn.execute(statement)
    return (
        [ddl for kind, ddl in redo_constraints if kind == "u"]
        + redo_indexes
        + [ddl for kind, ddl in redo_constraints if kind == "f"]
    )


def write_from_staging(conn, org_info: dict, now: datetime) -> None:
    from django.contrib.contenttypes.models import ContentType

    from aftercare.obligations import texts
    from aftercare.servicedesk.actions import RESOLVED_REMOTELY
    from aftercare.servicedesk.models import Ticket

    marks = {"number": "@@N@@", "site": "@@S@@"}
    params = {
        "callers": CALLERS, "descriptions": DESCRIPTIONS, "work": WORK, "causes": CAUSES,
        "t7": texts.snapshot("ticket_arrival", marks), "t8": texts.snapshot("ticket_fix", marks),
        "reason": RESOLVED_REMOTELY, "now": now, "org": org_info["org"].pk,
        "ct": ContentType.objects.get_for_model(Ticket).pk,
    }  # fmt: skip
    timings = G["timings"]
    with step("INSERT … SELECT tickets", timings):
        conn.execute(
            """INSERT INTO servicedesk_ticket (id, number, caller_name, caller_phone, category,
                   emergency, description, reported_at, created_at, coverage, arrival_minutes,
                   fix_minutes, state, paused_since, pause_reason, next_due_at, arrived_at,
                   latitude, longitude, resolved_at, work_done, cause, labour_minutes, signed_by,
                   signature, branch_id, calendar_id, contract_id, engineer_id, equipment_id,
                   recorded_by_id, resolved_by_id, site_id, system_id)
               SELECT id, number, (%(callers)s::text[])[1 + id %% 12],
                   '+86139' || lpad((id * 7919 %% 100000000)::text, 8, '0'), category, emergency,
                   (%(descriptions)s::text[])[1 + id %% 10], reported_at, reported_at, coverage,
                   arrival_minutes, fix_minutes, state, paused_since, pause_reason, next_due_at,
                   arrived_at,
                   CASE WHEN arrived_at IS NOT NULL THEN 22.5 + (id %% 997) / 10000.0 END,
                   CASE WHEN arrived_at IS NOT NULL THEN 114.0 + (id %% 991) / 10000.0 END,
                   resolved_at,
                   CASE WHEN resolved_at IS NULL THEN '' ELSE (%(work)s::text[])[1 + id %% 7] END,
                   CASE WHEN resolved_at IS NULL THEN '' ELSE (%(causes)s::text[])[1 + id %% 6] END,
                   labour_minutes,
                   CASE WHEN resolved_at IS NULL THEN '' ELSE '業主代表' END,
                   CASE WHEN resolved_at IS NULL THEN '' ELSE 'servicedesk/signatures/'
                       || split_part(number, '-', 3) || '/' || number || '.png' END,
                   branch_id, calendar_id, contract_id, engineer_id, equipment_id, supervisor_id,
                   CASE WHEN resolved_at IS NOT NULL THEN engineer_id END, site_id, system_id
               FROM bench_ticket ORDER BY id""",
            params,
        )
    with step("INSERT … SELECT ticket events", timings):
        conn.execute(
            """INSERT INTO servicedesk_ticketevent (ticket_id, kind, at, by_id, data, recorded_at)
               SELECT ticket_id, kind, at, by_id, data, at FROM (
                 SELECT id AS ticket_id, 1 AS seq, 'reported' AS kind, reported_at AS at,
                        supervisor_id AS by_id,
                        jsonb_build_object('category', category, 'emergency', emergency) AS data
                 FROM bench_ticket
                 UNION ALL
                 SELECT id, 2, 'dispatched', dispatched_at, supervisor_id,
                        jsonb_build_object('engineer_id', engineer_id, 'previous_engineer_id', NULL)
                 FROM bench_ticket WHERE dispatched_at IS NOT NULL
                 UNION ALL
                 SELECT id, 3, 'paused', p1_at, engineer_id, jsonb_build_object('reason', p1_reason)
                 FROM bench_ticket WHERE p1_at IS NOT NULL
                 UNION ALL
                 SELECT id, 4, 'resumed', q1_at, engineer_id, '{}'::jsonb
                 FROM bench_ticket WHERE q1_at IS NOT NULL
                 UNION ALL
                 SELECT id, 5, 'arrived', arrived_at, engineer_id,
                        jsonb_build_object(
                            'latitude', (22.5 + (id % 997) / 10000.0)::numeric(9,6)::text,
                            'longitude', (114.0 + (id % 991) / 10000.0)::numeric(9,6)::text)
                 FROM bench_ticket WHERE arrived_at IS NOT NULL
                 UNION ALL
                 SELECT id, 6, 'resolved', resolved_at, engineer_id,
                        jsonb_build_object('labour_minutes', labour_minutes)
                 FROM bench_ticket WHERE resolved_at IS NOT NULL
                 UNION ALL
                 SELECT id, 7, 'paused', paused_since, engineer_id,
                        jsonb_build_object('reason', pause_reason)
                 FROM bench_ticket WHERE paused_since IS NOT NULL
               ) e ORDER BY ticket_id, at, seq""",
        )
    with step("INSERT … SELECT obligations BS-7, BS-8", timings):
        conn.execute(
            """INSERT INTO obligations_obligation (rule, subject_id, title, triggered_at, opens_at,
                   due_at, done_at, outcome, cancelled_at, cancel_reason, overdue_notified_at,
                   created_at, branch_id, customer_id, done_by_id, organisation_id, owner_id,
                   subject_type_id, title_key, title_params)
               SELECT rule, id, replace(replace(tmpl, '@@N@@', number), '@@S@@', site_name),
                   reported_at, NULL, due, done, '', cancelled, reason,
                   CASE WHEN due + interval '1 minute' < coalesce(done, cancelled, %(now)s)
                        THEN due + interval '1 minute' END,
                   reported_at, branch_id, NULL, CASE WHEN done IS NOT NULL THEN engineer_id END,
                   %(org)s, coalesce(engineer_id, supervisor_id), %(ct)s, key,
                   jsonb_build_object('number', number, 'site', site_name)
               FROM (
                 SELECT t.id, t.number, t.reported_at, t.branch_id, t.engineer_id,
                        t.supervisor_id, s.name AS site_name, 'BS-7' AS rule,
                        'ticket_arrival' AS key, %(t7)s AS tmpl, t.arrival_due AS due,
                        t.arrived_at AS done,
                        CASE WHEN t.remote THEN t.resolved_at END AS cancelled,
                        CASE WHEN t.remote THEN %(reason)s ELSE '' END AS reason
                 FROM bench_ticket t JOIN sites_site s ON s.id = t.site_id
                 UNION ALL
                 SELECT t.id, t.number, t.reported_at, t.branch_id, t.engineer_id,
                        t.supervisor_id, s.name, 'BS-8', 'ticket_fix', %(t8)s, t.fix_due,
                        t.resolved_at, NULL, ''
                 FROM bench_ticket t JOIN sites_site s ON s.id = t.site_id
                 WHERE t.fix_minutes IS NOT NULL
               ) x ORDER BY id, rule""",
            params,
        )
    with step("INSERT … SELECT escalation notices", timings):
        conn.execute(
            """INSERT INTO servicedesk_escalationnotice (ticket_id, "order", after_minutes,
                   user_id, due_at, notified_at)
               SELECT t.id, s."order", s.after_minutes, s.user_id,
                   CASE s."order" WHEN 1 THEN t.e1_due WHEN 2 THEN t.e2_due ELSE t.e3_due END,
                   CASE s."order" WHEN 1 THEN t.e1_notified WHEN 2 THEN t.e2_notified
                        ELSE t.e3_notified END
               FROM bench_ticket t JOIN contracts_escalationstep s ON s.contract_id = t.contract_id
               WHERE t.emergency
                 -- resolving deletes the steps not yet sent (servicedesk.actions.resolve)
                 AND (t.state <> 'resolved' OR CASE s."order" WHEN 1 THEN t.e1_notified
                      WHEN 2 THEN t.e2_notified ELSE t.e3_notified END IS NOT NULL)
               ORDER BY t.id, s."order" """
        )
        conn.execute(
            """INSERT INTO followups_registercounter (branch_id, register, year, last)
               SELECT branch_id, 'H', split_part(number, '-', 3)::int,
                      max(split_part(number, '-', 4)::int)
               FROM servicedesk_ticket GROUP BY 1, 3"""
        )


def generate(args, url: str) -> dict:
    from django.db import connection

    timings: dict = {}
    G["timings"] = timings
    started = time.perf_counter()
    now = datetime.now(UTC).replace(microsecond=0)
    n = round(TICKETS * args.scale)
    n_open = round(OPEN * args.scale)
    sites = max(200, round(SITES * min(1.0, args.scale * 10)))
    with step("organisation, branches, staff, calendars, suspensions (ORM)", timings):
        org_info = build_org(args.branches)
        suspensions(org_info, now)
    title = f"{sites:,} sites, systems, items, contracts (INSERT … SELECT)"
    with step(title, timings), connection.cursor() as cur:
        installed_base(cur, org_info, sites)
        contracts(cur, org_info)
        for table in ("customers_customer", "sites_site", "sites_system", "sites_equipment",
                      "contracts_contract", "contracts_contractsystem"):  # fmt: skip
            cur.execute(f"ANALYZE {table}")
    with step(f"plan {n:,} tickets (moments, branches, {n_open:,} open, numbers)", timings):
        load_python_side(org_info)
        plan_tickets(n, n_open, int(now.timestamp()), len(org_info["branches"]),
                     [b["code"] for b in org_info["branches"]])  # fmt: skip
        G["now"], G["url"] = int(now.timestamp()), url
    with database.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_ticket")
        conn.execute(STAGING)
        with step(f"tickets' lives and clocks in Python, COPY to staging ({args.workers} workers)",
                  timings):  # fmt: skip
            chunk = 20_000
            bounds = [(s, min(n, s + chunk)) for s in range(0, n, chunk)]
            with multiprocessing.get_context("fork").Pool(args.workers) as pool:
                done = 0
                for count in pool.imap_unordered(stage_chunk, bounds):
                    done += count
                    if done % 200_000 < chunk:
                        log(f"  {done:,} tickets staged")
        conn.execute("ANALYZE bench_ticket")
        conn.execute("SET work_mem = '256MB'")
        conn.execute("SET maintenance_work_mem = '512MB'")
        with step("drop secondary indexes and constraints", timings):
            redo = drop_secondary(conn, LOADED)
        write_from_staging(conn, org_info, now)
        with step(f"recreate {len(redo)} indexes and constraints", timings):
            for ddl in redo:
                conn.execute(ddl)
            for table in LOADED:
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT COALESCE(max(id), 1) FROM {table}))")  # fmt: skip
        conn.execute("DROP TABLE bench_ticket")
        with step("VACUUM ANALYZE", timings):
            for table in LOADED:
                conn.execute(f"VACUUM ANALYZE {table}")
        total = time.perf_counter() - started
        summary = counts(conn)
        summary.update(generation_seconds=round(total, 1), generated_at=now.isoformat(),
                       scale=args.scale,
                       timings=[[title, round(s, 1)] for title, s in timings.items()])  # fmt: skip
        conn.execute("DROP TABLE IF EXISTS bench_meta")
        conn.execute("CREATE TABLE bench_meta (data jsonb)")
        conn.execute("INSERT INTO bench_meta VALUES (%s)", [json.dumps(summary)])
    log(f"generated in {total / 60:.1f} min: " + ", ".join(
        f"{k} {v:,}" for k, v in summary.items() if isinstance(v, int)))  # fmt: skip
    return summary


def counts(conn) -> dict:
    queries = {
        "tickets": "SELECT count(*) FROM servicedesk_ticket",
        "open tickets": "SELECT count(*) FROM servicedesk_ticket WHERE state <> 'resolved'",
        "events": "SELECT count(*) FROM servicedesk_ticketevent",
        "clock obligations": "SELECT count(*) FROM obligations_obligation",
        "pending clocks": "SELECT count(*) FROM obligations_obligation "
        "WHERE done_at IS NULL AND cancelled_at IS NULL",
        "stopped clocks": "SELECT count(*) FROM obligations_obligation "
        "WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at >= '2999-01-01'",
        "escalation notices": "SELECT count(*) FROM servicedesk_escalationnotice",
        "sites": "SELECT count(*) FROM sites_site",
        "systems": "SELECT count(*) FROM sites_system",
        "equipment": "SELECT count(*) FROM sites_equipment",
        "contracts": "SELECT count(*) FROM contracts_contract",
        "suspensions": "SELECT count(*) FROM servicedesk_suspension",
    }
    return {label: conn.execute(sql).fetchone()[0] for label, sql in queries.items()}


def check_sample(size: int = 300) -> None:
    """Plan, coverage and due moments of a sample, as the application computes them."""
    from aftercare.contracts.queries import coverage
    from aftercare.obligations.models import PENDING_Q
    from aftercare.servicedesk import clocks
    from aftercare.servicedesk.actions import _clocks
    from aftercare.servicedesk.models import Ticket

    rng = random.Random(5)
    last = Ticket.objects.order_by("-id").values_list("id", flat=True).first()
    open_ids = list(Ticket.objects.open().values_list("id", flat=True)[:50_000])
    ids = rng.sample(open_ids, min(size, len(open_ids)))
    ids += [rng.randint(1, last) for _ in range(size)]
    problems = 0
    for ticket in Ticket.objects.filter(pk__in=ids).select_related(
        "branch__organisation", "system", "equipment", "calendar__organisation", "contract"
    ):
        covered = coverage(ticket.equipment or ticket.system, ticket.reported_at)
        plan = clocks.plan(ticket.branch.organisation, category=ticket.category,
                           emergency=ticket.emergency, contract=covered.contract)  # fmt: skip
        got = (ticket.coverage, ticket.contract_id, ticket.calendar_id, ticket.arrival_minutes,
               ticket.fix_minutes)  # fmt: skip
        want = (covered.kind, covered.contract_id, plan.calendar.pk, plan.arrival_minutes,
                plan.fix_minutes)  # fmt: skip
        if got != want:
            problems += 1
            print("plan differs", ticket.number, got, want)
        if ticket.is_open:
            readings = clocks.readings_of(ticket)
            for row in _clocks(ticket).filter(PENDING_Q):
                stored = clocks.stored_due(readings.clocks[row.rule])
                if stored != row.due_at:
                    problems += 1
                    print("due differs", ticket.number, row.rule, row.due_at, stored)
    if problems:
        raise SystemExit(f"{problems} generated tickets differ from the application's answer")
    log(f"sample of {len(ids)} tickets agrees with clocks.plan, coverage and readings_of")


# ============================================================================================
# Timing


def replay(bare, statements: list[str], *, writes: bool = False) -> tuple[float, float, str]:
    """Run `statements` on the bare connection: (total s, slowest s, slowest SQL). SELECTs only,
    or with `writes` every statement inside a transaction that is rolled back."""
    total, slowest, slowest_sql = 0.0, 0.0, ""
    if writes:
        bare.execute("BEGIN")
    try:
        for sql in statements:
            head = sql.lstrip()[:10].upper()
            if head.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")):
                continue  # the caller's transaction is the one that is rolled back
            if not writes and not head.startswith(("SELECT", "WITH")):
                continue
            started = time.perf_counter()
            with bare.cursor() as cur:
                cur.execute(sql.encode(), prepare=False)
                if cur.description is not None:
                    cur.fetchall()
            elapsed = time.perf_counter() - started
            total += elapsed
            if elapsed > slowest:
                slowest, slowest_sql = elapsed, sql
    finally:
        if writes:
            bare.execute("ROLLBACK")
    return total, slowest, slowest_sql


def explain(bare, sql: str) -> list[str]:
    rows = bare.execute(("EXPLAIN (ANALYZE, BUFFERS) " + sql).encode(), prepare=False).fetchall()
    return [row[0] for row in rows]


def plan_summary(lines: list[str]) -> str:
    """Node lines and filters of a plan, compacted to one line each."""
    keep = []
    for line in lines:
        text = line.strip().lstrip("-> ").strip()
        if any(
            key in text
            for key in (
                "Scan",
                "Join",
                "Nested",
                "Limit",
                "Sort",
                "Rows Removed",
                "Execution Time",
                "Index Cond",
                "Buffers: shared",
                "Aggregate",
                "Hash",
                "Materialize",
                "Incremental",
            )
        ):
            keep.append(line.rstrip())
    return "\n".join(keep)


def stats(values: list[float]) -> dict:
    return {"p50": statistics.median(values), "p95": percentile(values, 95)}


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:.1f}"


def backend_cpu(pid: int) -> float | None:
    """CPU seconds of a PostgreSQL backend (utime + stime), if /proc lets us read it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _pid(connection) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def timed(fn, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def case_board(n: int, rng: random.Random, bare, supervisors: list, profile: bool) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftercare.servicedesk import queries

    def run(user):
        tickets = list(queries.board(user))
        return tickets, queries.clocks_of(tickets)

    samples = [rng.choice(supervisors) for _ in range(n)]
    for user in samples[:10]:
        run(user)
    walls, cpus, sqls, slowest, sizes = [], [], [], [], []
    statements = 0
    key_sql = ""
    for user in samples:
        (tickets, _clocks), wall, cpu = timed(run, user)
        walls.append(wall)
        cpus.append(cpu)
        sizes.append(len(tickets))
        with CaptureQueriesContext(connection) as captured:
            run(user)
        total, worst, worst_sql = replay(bare, [q["sql"] for q in captured.captured_queries])
        sqls.append(total)
        slowest.append(worst)
        statements = max(statements, len(captured.captured_queries))
        key_sql = key_sql or next(
            q["sql"]
            for q in captured.captured_queries
            if "servicedesk_ticket" in q["sql"] and "ORDER BY" in q["sql"]
        )
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for user in samples[:100]:
            run(user)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
    plan = explain(bare, key_sql)
    uses = "ticket_open_due" in "\n".join(plan)
    print("board statement:", key_sql[:400], "…")
    print("EXPLAIN (ANALYZE, BUFFERS) of the board statement:\n" + "\n".join(plan))
    return [{
        "case": "board: queries.board(user) + clocks_of (in-process)",
        "wall": stats(walls), "cpu": stats(cpus), "sql": stats(sqls), "slowest": stats(slowest),
        "statements": statements, "rows": statistics.median(sizes), "target": 0.050,
        "plan": plan_summary(plan), "uses_index": uses,
    }]  # fmt: skip


def case_http(n: int, rng: random.Random, bare, clients: dict, url: str, label: str,
              target: float | None) -> dict | None:  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    branches = list(clients)
    samples = [rng.choice(branches) for _ in range(n)]
    first = clients[samples[0]].get(url)
    if first.status_code != 200:
        print(f"{label}: {url} answered {first.status_code}")
        return None
    if not first.content.strip():
        print(f"{label}: {url} answers 200 with an empty body (placeholder): not timed")
        return {"case": label, "placeholder": True}
    for branch in samples[:10]:
        clients[branch].get(url)
    walls, cpus, sqls, slowest = [], [], [], []
    statements = 0
    for branch in samples:
        response, wall, cpu = timed(clients[branch].get, url)
        assert response.status_code == 200, (url, response.status_code)
        walls.append(wall)
        cpus.append(cpu)
        with CaptureQueriesContext(connection) as captured:
            clients[branch].get(url)
        total, worst, _sql = replay(bare, [q["sql"] for q in captured.captured_queries])
        sqls.append(total)
        slowest.append(worst)
        statements = max(statements, len(captured.captured_queries))
    return {"case": label, "wall": stats(walls), "cpu": stats(cpus), "sql": stats(sqls),
            "slowest": stats(slowest), "statements": statements, "target": target,
            "bytes": len(first.content)}  # fmt: skip


def case_report(n: int, rng: random.Random, bare, profile: bool) -> dict:
    """actions.report of calls no contract covers: business hours with holidays."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftercare.obligations.models import Obligation
    from aftercare.org.models import User
    from aftercare.servicedesk import actions
    from aftercare.servicedesk.models import Ticket
    from aftercare.sites.models import Site, System

    systems = list(
        System.objects.filter(
            warranty_starts_on__isnull=True, contract_links__isnull=True
        ).values_list("id", "site_id", "site__branch_id")[:5000]
    )
    bosses = {u.branch_id: u.pk for u in User.objects.filter(username__startswith="bench-hl-sup-")}
    last_ticket = Ticket.objects.order_by("-id").values_list("id", flat=True).first()
    last_obligation = Obligation.objects.order_by("-id").values_list("id", flat=True).first()
    with connection.cursor() as cur:
        cur.execute("SELECT id, last FROM followups_registercounter WHERE register = 'H'")
        counters = cur.fetchall()

    def inputs():
        system_id, site_id, branch_id = rng.choice(systems)
        by = User.objects.get(pk=bosses[branch_id])
        by.get_all_permissions()  # as in a request: the view has checked them already
        return {
            "by": by,
            "site": Site.objects.select_related("branch__organisation").get(pk=site_id),
            "system": System.objects.get(pk=system_id),
            "caller_name": "陳先生", "caller_phone": "+8613800138000",
            "category": "line_fault", "description": "3樓走廊攝像機無畫面",
        }  # fmt: skip

    pid = _pid(connection)
    walls, cpus, calendars = [], [], set()
    for _ in range(10):  # warm-up: caches of holidays, permissions, content types
        actions.report(**inputs())
    backend_before = backend_cpu(pid)
    for _ in range(n):
        kwargs = inputs()
        ticket, wall, cpu = timed(actions.report, **kwargs)
        walls.append(wall)
        cpus.append(cpu)
        calendars.add(ticket.calendar.name)
    backend_after = backend_cpu(pid)
    sqls, counts = [], []
    for _ in range(20):
        kwargs = inputs()
        with CaptureQueriesContext(connection) as captured:
            actions.report(**kwargs)
        counts.append(len(captured.captured_queries))
        sqls.append(replay(bare, [q["sql"] for q in captured.captured_queries])[0])
    example = [q["sql"][:160] for q in captured.captured_queries]
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            actions.report(**inputs())
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())
    # Remove what the reports wrote (tickets, events, clocks and their history, counters).
    history = Obligation.history.model._meta.db_table
    with connection.cursor() as cur:
        cur.execute("DELETE FROM obligations_notification WHERE obligation_id > %s",
                    [last_obligation])  # fmt: skip
        cur.execute(f"DELETE FROM {history} WHERE id > %s", [last_obligation])  # noqa: S608
        cur.execute("DELETE FROM obligations_obligation WHERE id > %s", [last_obligation])
        cur.execute("DELETE FROM servicedesk_ticketevent WHERE ticket_id > %s", [last_ticket])
        cur.execute("DELETE FROM servicedesk_escalationnotice WHERE ticket_id > %s", [last_ticket])
        cur.execute("DELETE FROM servicedesk_ticket WHERE id > %s", [last_ticket])
        for pk, value in counters:
            cur.execute("UPDATE followups_registercounter SET last = %s WHERE id = %s", [value, pk])
    waits = [w - c for w, c in zip(walls, cpus, strict=True)]
    backend = None
    if backend_before is not None and backend_after is not None:
        backend = (backend_after - backend_before) / n
    print("report statements (one run):\n  " + "\n  ".join(example))
    return {"case": "report (actions.report, Mon–Fri 09:00–18:00 + holidays)",
            "wall": stats(walls), "cpu": stats(cpus), "wait": stats(waits), "backend": backend,
            "sql": stats(sqls), "statements": max(counts), "calendars": sorted(calendars),
            "target": 0.010}  # fmt: skip


def _closure_day(org, now: datetime) -> tuple[date, int]:
    """The weekday near today on which a closure moves the most pending clocks."""
    from django.db import connection

    from aftercare.contracts.models import ServiceCalendar
    from aftercare.standard.calendar import start_of_day

    hours = ServiceCalendar.objects.filter(organisation=org, follows_holidays=True).first()
    days = hours.service_hours().days
    today = now.astimezone(org.tz).date()
    best = (today, -1)
    with connection.cursor() as cur:
        for offset in range(-14, 4):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5 or not days.is_working_day(day):
                continue
            start = start_of_day(day, org.tz)
            cur.execute(
                """SELECT count(*) FROM obligations_obligation o
                   JOIN servicedesk_ticket t ON t.id = o.subject_id
                   JOIN contracts_servicecalendar c ON c.id = t.calendar_id
                   WHERE o.done_at IS NULL AND o.cancelled_at IS NULL AND c.follows_holidays
                     AND o.rule IN ('BS-7', 'BS-8') AND o.triggered_at < %s AND o.due_at > %s
                     AND o.due_at < '2999-01-01'""",
                [start + timedelta(hours=20), start],
            )
            count = cur.fetchone()[0]
            if count > best[1]:
                best = (day, count)
    return best


AS_IS_LINE = "tickets.filter(escalations__notified_at__isnull=True).distinct()"
PROPOSED_LINE = (
    "tickets.filter(Exists(EscalationNotice.objects.filter("
    "ticket=OuterRef('pk'), notified_at__isnull=True)))"
)


# The rest of the changes proposed in RESULTS.md for the batches themselves.
BATCH_CHANGES = (
    # DISTINCT with the model's ordering is a DISTINCT over (branch, reported_at, id): 100 000 rows
    ('tickets.values_list("branch_id", flat=True).distinct()',
     'tickets.order_by().values_list("branch_id", flat=True).distinct()'),
    # Only what the read needs: no calendar and organisation (and its weekly JSON) per ticket.
    ('Ticket.objects.filter(pk__in=chunk).select_related("calendar__organisation")',
     'Ticket.objects.filter(pk__in=chunk).order_by().only("id", "branch_id", "calendar_id", '
     '"reported_at", "arrival_minutes", "fix_minutes", "next_due_at")'),
    # The chunk is sorted: a range on (subject_type, subject_id), and no ORDER BY due_at (which
    # made PostgreSQL walk every pending obligation along obligation_pending_due per batch).
    ("subject_id__in=chunk, rule__in=CLOCK_RULES",
     "subject_id__range=(chunk[0], chunk[-1]), rule__in=CLOCK_RULES"),
    (').values_list("pk", "subject_id", "rule", "due_at")',
     ').order_by().values_list("pk", "subject_id", "rule", "due_at")'),
)  # fmt: skip


def proposed_recompute_open(*, batches: bool = False):
    """`clocks.recompute_open` with the fix proposed in RESULTS.md: its last loop re-reads, one
    by one, only the open tickets that have an unsent escalation step. As written,
    ``filter(escalations__notified_at__isnull=True)`` is a LEFT JOIN … IS NULL, which also
    matches every ticket with no escalation step at all — all open tickets but a few. With
    `batches`, the changes of BATCH_CHANGES too. Built from the module's own source (so it
    follows it); None once a line to change is gone."""
    import inspect

    from django.db.models import Exists, OuterRef

    from aftercare.servicedesk import clocks

    source = inspect.getsource(clocks.recompute_open)
    changes = [(AS_IS_LINE, PROPOSED_LINE), *(BATCH_CHANGES if batches else ())]
    for old, new in changes:
        if old not in source:
            return None
        source = source.replace(old, new)
    namespace = dict(vars(clocks), Exists=Exists, OuterRef=OuterRef)
    exec(source, namespace)  # noqa: S102
    return namespace["recompute_open"]


def case_recompute(bare, profile: bool, as_is_org: bool) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftercare.org.models import Organisation
    from aftercare.servicedesk import clocks
    from aftercare.servicedesk.models import Ticket
    from aftercare.standard.models import CalendarDay

    org = Organisation.objects.get(name="華南弱電維保集團")
    open_tickets = Ticket.objects.open().count()
    day, straddling = _closure_day(org, datetime.now(UTC))
    print(f"closure day {day}: {straddling:,} pending clocks on holiday calendars span it")
    CalendarDay.objects.filter(organisation=org, reason="bench closure").delete()
    proposed = proposed_recompute_open()
    fast = proposed or clocks.recompute_open
    variant = "with the proposed fix" if proposed else "as is"
    results = []

    def run(label, fn=fast, scope=variant, **kwargs):
        kwargs.setdefault("organisation_id", org.pk)
        moved, wall, cpu = timed(fn, **kwargs)
        tickets = (
            Ticket.objects.open().filter(branch_id=kwargs["branch_id"]).count()
            if ("branch_id" in kwargs)
            else open_tickets
        )
        print(f"recompute_open ({scope}) {label}: {tickets:,} open tickets, {moved:,} clocks "
              f"moved in {wall:.1f} s (CPU {cpu:.1f} s)")  # fmt: skip
        results.append({"case": f"recompute_open ({scope}): {label}", "wall": wall, "cpu": cpu,
                        "moved": moved, "open": tickets, "target": 30.0})  # fmt: skip
        return moved

    def close():
        CalendarDay.objects.create(
            organisation=org, day=day, kind="closure", reason="bench closure"
        )

    def reopen():
        CalendarDay.objects.filter(organisation=org, reason="bench closure").delete()

    if run("nothing changed") != 0:
        print("WARNING: the generated due moments differ from recompute_open's")
    close()
    run(f"closure added on {day}")
    reopen()
    run("closure removed again")
    # As written, on one branch (the whole organisation with --as-is-org: ~100 × slower).
    if proposed is not None:
        branch_id = Ticket.objects.open().values_list("branch_id", flat=True).first()
        scope = {} if as_is_org else {"branch_id": branch_id}
        close()
        run(f"closure added on {day}", clocks.recompute_open, "as is"
            + ("" if as_is_org else ", one branch"), **scope)  # fmt: skip
        reopen()
        fast(organisation_id=org.pk)
    # With the batch changes as well.
    every = proposed_recompute_open(batches=True)
    if every is not None:
        scope2 = "with all proposed changes"
        if run("nothing changed", every, scope2) != 0:
            print("WARNING: the proposed batch changes move clocks the application does not")
        close()
        run(f"closure added on {day}", every, scope2)
        reopen()
        run("closure removed again", every, scope2)
    # The statements of one recompute after the closure, replayed on a bare connection with
    # the closure gone again (so the UPDATEs write what they wrote), rolled back.
    close()
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        fast(organisation_id=org.pk)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())
        reopen()
        fast(organisation_id=org.pk)
        close()
    with CaptureQueriesContext(connection) as captured:
        fast(organisation_id=org.pk)
    reopen()
    fast(organisation_id=org.pk)
    statements = [q["sql"] for q in captured.captured_queries]
    reads = replay(bare, statements)
    everything = replay(bare, statements, writes=True)
    kinds: dict = {}
    for sql in statements:
        kinds[sql.split(None, 1)[0].upper()] = kinds.get(sql.split(None, 1)[0].upper(), 0) + 1
    print(f"recompute statements ({variant}): {kinds}; SELECTs replayed {reads[0]:.2f} s, "
          f"everything (rolled back) {everything[0]:.2f} s; slowest "
          f"{everything[1] * 1000:.0f} ms: {everything[2][:200]}")  # fmt: skip
    for row in results:
        row.update(day=str(day), straddling=straddling)
        if row["case"].startswith(f"recompute_open ({variant})"):
            row.update(sql_reads=reads[0], sql_all=everything[0], statements=len(statements))
    return results


TICK_NEW_CLOCKS = 1500
TICK_NEW_STEPS = 300


def prepare_tick(now: datetime) -> None:
    """Every overdue clock and due step claimed but the newest ones (what tick finds after a
    pause of an hour or so); then VACUUM ANALYZE, as autovacuum would have."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """UPDATE obligations_obligation SET overdue_notified_at = due_at + interval '1 minute'
               WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at < %s
                 AND overdue_notified_at IS NULL""",
            [now],
        )
        cur.execute(
            """UPDATE obligations_obligation SET overdue_notified_at = NULL WHERE id IN (
                 SELECT id FROM obligations_obligation
                 WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at < %s
                 ORDER BY due_at DESC LIMIT %s)""",
            [now, TICK_NEW_CLOCKS],
        )
        cur.execute(
            """UPDATE servicedesk_escalationnotice e SET notified_at = e.due_at + interval '30 s'
               FROM servicedesk_ticket t WHERE t.id = e.ticket_id AND t.state <> 'resolved'
                 AND e.notified_at IS NULL AND e.due_at <= %s""",
            [now],
        )
        cur.execute(
            """UPDATE servicedesk_escalationnotice SET notified_at = NULL WHERE id IN (
                 SELECT e.id FROM servicedesk_escalationnotice e
                 JOIN servicedesk_ticket t ON t.id = e.ticket_id
                 WHERE t.state <> 'resolved' AND e.due_at <= %s
                 ORDER BY e.due_at DESC LIMIT %s)""",
            [now, TICK_NEW_STEPS],
        )
        cur.execute("VACUUM ANALYZE obligations_obligation")
        cur.execute("VACUUM ANALYZE servicedesk_escalationnotice")


def case_tick(bare, repeat: int) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftercare.obligations.actions import mark_overdue_notified
    from aftercare.servicedesk.escalation import claim_due

    now = datetime.now(UTC)
    with connection.cursor() as cur:
        cur.execute(
            """SELECT count(*) FROM obligations_obligation
               WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at < %s""",
            [now],
        )
        overdue = cur.fetchone()[0]
        cur.execute(
            """SELECT count(*) FILTER (WHERE t.state = 'resolved'), count(*)
               FROM servicedesk_escalationnotice e JOIN servicedesk_ticket t ON t.id = e.ticket_id
               WHERE e.notified_at IS NULL AND e.due_at <= %s""",
            [now],
        )
        stale_steps, _all = cur.fetchone()
    print(f"tick: {overdue:,} pending clocks overdue; {stale_steps:,} unsent steps of resolved "
          f"tickets past due (never claimed: the ticket is resolved)")  # fmt: skip
    prepare_tick(now)
    results = []

    def one(label, fn):
        claimed, wall, cpu = timed(fn, now)
        return {"case": label, "wall": wall, "cpu": cpu, "claimed": len(claimed)}

    for round_ in ("first", "second"):
        for label, fn in (("mark_overdue_notified", mark_overdue_notified),
                          ("claim_due", claim_due)):  # fmt: skip
            results.append(one(f"tick {round_}: {label}", fn))
    steady: dict = {"mark_overdue_notified": [], "claim_due": []}
    for _ in range(repeat):
        for label, fn in (("mark_overdue_notified", mark_overdue_notified),
                          ("claim_due", claim_due)):  # fmt: skip
            steady[label].append(one(label, fn))
    for label, rows in steady.items():
        results.append({
            "case": f"tick steady state: {label}",
            "wall": stats([r["wall"] for r in rows]), "cpu": stats([r["cpu"] for r in rows]),
            "claimed": max(r["claimed"] for r in rows),
        })  # fmt: skip
    # Steady-state statements and plans.
    for label, fn in (("mark_overdue_notified", mark_overdue_notified), ("claim_due", claim_due)):
        with CaptureQueriesContext(connection) as captured:
            fn(now)
        select = next(q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT"))
        times = [replay(bare, [select])[0] for _ in range(repeat)]
        plan = explain(bare, select)
        print(f"steady {label}: {select}\n" + "\n".join(plan))
        for row in results:
            if row["case"] == f"tick steady state: {label}":
                row.update(sql=stats(times), plan=plan_summary(plan))
    # First-claim statements: claim again from the same state, capture, restore, replay.
    for label, fn in (("mark_overdue_notified", mark_overdue_notified), ("claim_due", claim_due)):
        prepare_tick(now)
        with CaptureQueriesContext(connection) as captured:
            fn(now)
        statements = [q["sql"] for q in captured.captured_queries]
        prepare_tick(now)
        select = next(sql for sql in statements if sql.startswith("SELECT"))
        plan = explain(bare, select)
        print(f"first {label}: {len(statements)} statements\n" + "\n".join(plan))
        total = replay(bare, statements, writes=True)
        for row in results:
            if row["case"] == f"tick first: {label}":
                row.update(sql=total[0], sql_select=replay(bare, [select])[0],
                           statements=len(statements), plan=plan_summary(plan))  # fmt: skip
    prepare_tick(now)
    return results


# ============================================================================================


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reset", action="store_true", help="drop, recreate and generate")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1 M tickets, 100 k open")
    parser.add_argument("--branches", type=int, default=BRANCHES)
    parser.add_argument("--workers", type=int, default=2, help="processes building tickets")
    parser.add_argument("-n", type=int, default=200, help="timed requests per board/API case")
    parser.add_argument("--reports", type=int, default=200, help="timed reports")
    parser.add_argument("--tick-repeat", type=int, default=20)
    parser.add_argument("--cases", default="board,api,page,report,recompute,tick")
    parser.add_argument("--profile", action="store_true", help="cProfile board/report/recompute")
    parser.add_argument(
        "--as-is-org",
        action="store_true",
        help="time recompute_open as written on the whole organisation (slow)",
    )
    parser.add_argument("--json", default="/tmp/hotline_bench.json", help="results file")
    args = parser.parse_args(argv)

    url = database.setup(args.database_url, reset=args.reset)
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per force_login otherwise
    from django.test import Client

    from aftercare.org.models import User

    generated = None
    if not User.objects.filter(username="bench-hl-sup-01").exists():
        generated = generate(args, url)
        check_sample()
    with connection.cursor() as cur:
        cur.execute("SELECT data FROM bench_meta")
        meta = cur.fetchone()[0]
    if isinstance(meta, str):
        meta = json.loads(meta)
    cases = set(args.cases.split(","))
    rng = random.Random(11)
    bare = database.connect(url, autocommit=True)
    supervisors = list(User.objects.filter(username__startswith="bench-hl-sup-").order_by("id"))
    clients = {}
    for boss in supervisors:
        clients[boss.branch_id] = Client()
        clients[boss.branch_id].force_login(boss)
    load_before = os.getloadavg()
    results: list[dict] = []
    if "board" in cases:
        results += case_board(args.n, rng, bare, supervisors, args.profile)
    if "page" in cases:
        page = case_http(args.n, rng, bare, clients, "/hotline/", "board page GET /hotline/", 0.050)
        if page:
            results.append(page)
    if "api" in cases:
        api = case_http(args.n, rng, bare, clients, "/api/v1/tickets?open=true&limit=50",
                        "API GET /api/v1/tickets?open=true&limit=50", 0.050)  # fmt: skip
        if api:
            results.append(api)
    if "report" in cases:
        results.append(case_report(args.reports, rng, bare, args.profile))
    if "tick" in cases:
        results += case_tick(bare, args.tick_repeat)
    if "recompute" in cases:
        results += case_recompute(bare, args.profile, args.as_is_org)
    load_after = os.getloadavg()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=database.ROOT).stdout.strip()  # fmt: skip
    header = (f"{meta.get('tickets', 0):,} tickets ({meta.get('open tickets', 0):,} open), "
              f"{meta.get('clock obligations', 0):,} clocks, {meta.get('events', 0):,} events; "
              f"PostgreSQL via {url.rsplit('/', 1)[-1]}; Python {platform.python_version()}; "
              f"load {load_before[0]:.2f} → {load_after[0]:.2f}; "
              f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; code {commit}")  # fmt: skip
    print(header)
    print_table(results)
    Path(args.json).write_text(json.dumps(
        {"header": header, "meta": meta, "generated": generated, "results": results,
         "load": [load_before, load_after]}, indent=1, default=str))  # fmt: skip
    print(f"results written to {args.json}")


def print_table(results: list[dict]) -> None:
    print("| case | p50 ms | p95 ms | target | CPU p50 | CPU p95 | SQL p50 | SQL p95"
          " | p95 ÷ SQL p95 | statements |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        if r.get("placeholder"):
            print(f"| {r['case']} | placeholder (empty 200) | | | | | | | | |")
            continue
        wall = r["wall"]
        if isinstance(wall, dict):
            sql = r.get("sql")
            sql = sql if isinstance(sql, dict) else {"p50": sql, "p95": sql}
            ratio = f"{wall['p95'] / sql['p95']:.1f}×" if sql and sql.get("p95") else "—"
            print(f"| {r['case']} | {ms(wall['p50'])} | {ms(wall['p95'])} | "
                  f"{ms(r.get('target'))} | {ms(r['cpu']['p50'])} | {ms(r['cpu']['p95'])} | "
                  f"{ms(sql.get('p50'))} | {ms(sql.get('p95'))} | {ratio} | "
                  f"{r.get('statements', '')} |")  # fmt: skip
        else:
            extra = ", ".join(f"{k} {r[k]}" for k in ("moved", "claimed") if k in r)
            sql = r.get("sql", r.get("sql_all"))
            print(f"| {r['case']} ({extra}) | {ms(wall)} | | {ms(r.get('target'))} | "
                  f"{ms(r['cpu'])} | | {ms(sql)} | | | {r.get('statements', '')} |")  # fmt: skip


if __name__ == "__main__":
    main()
