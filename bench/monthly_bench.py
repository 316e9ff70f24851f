"""Monthly service reports at scale: one organisation with 10 000 sites under contract.

    .venv/bin/python bench/monthly_bench.py --reset                 # generate, then time
    .venv/bin/python bench/monthly_bench.py                         # time again on the kept data
    .venv/bin/python bench/monthly_bench.py --reset --sites 2000    # a smaller organisation

Database `aftercare_bench_monthly` (override with `--database-url` / BENCH_DATABASE_URL; the
name must start with `aftercare_bench`), created and migrated by `database.setup`.

What is generated (`--sites 10000`), for the month before this one and `--history` months
before it (so the tables hold more than the month read), with `bulk_create` in batches
(no actions: the figures read rows, however they were written):

- One organisation (Asia/Shanghai), 20 building-systems branches with a supervisor and an
  engineer each; an office calendar (Mon–Fri 09:00–18:00 following the holidays) and the
  built-in 24×7.
- Per site: an owner (company), a key CCTV system and a fire alarm, an equipment item, a
  signed contract over both systems for the whole year, a confirmed maintenance plan with one
  visit a month (3 checks; 1 in 20 checks a defect), 3 trainees with 3 qualifications.
- Per site and month, 0–4 tickets (2 on average): categories 60 % line fault, 20 % equipment,
  10 % software, 10 % other; 5 % emergencies; 80 % on the office calendar; the event log
  (reported, dispatched, arrived, resolved; 1 in 10 paused 15–90 minutes for a reason); BS-7
  and BS-8 (line faults and emergencies) as obligations, a quarter of them met late and 1 in
  20 tickets still open. 1 in 10 sites has a part installed and a bill issued in the month,
  1 in 100 a credit note; a visit a month, 1 in 5 done late and 1 in 10 not done.

Timed, end to end through the worker path: tick (`servicereports.tick.run` on the 1st of this
month 00:05 local: the claim and the enqueue) → `aftercare worker --batch` as a real process
(django-tasks' database backend) running `generate_reports`, while this process polls the
run's progress like the page does (each change of `done` is a chunk). Then one chunk again
in-process with its queries captured, the same statements replayed on a bare psycopg
connection: the figure's SQL time beside its Python time.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftercare_bench_monthly"
SEED = 20261204
BRANCHES = 20
TZ = ZoneInfo("Asia/Shanghai")
BATCH = 5000
OFFICE = [[["09:00", "18:00"]]] * 5 + [[], []]
CATEGORIES = ["line_fault"] * 6 + ["equipment_fault"] * 2 + ["software_fault", "other"]
PAUSE_REASONS = ["owner_access", "owner_request", "parts"]
_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f} s] {message}", flush=True)


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def months_back(first: date, n: int) -> list[date]:
    months = [first]
    for _ in range(n):
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def moment(day: date, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ) + timedelta(minutes=minutes)


def bulk(model, rows: list) -> list:
    out = []
    for index in range(0, len(rows), BATCH):
        out.extend(model.objects.bulk_create(rows[index : index + BATCH]))
    return out


# ============================================================================================
# Generation


def generate(n_sites: int, month: date, history: int) -> int:
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    from aftercare.agreements.models import Agreement, AgreementVersion
    from aftercare.billing.models import Bill, CreditNote
    from aftercare.contracts.actions import builtin_calendar
    from aftercare.contracts.models import Contract, ContractSystem, ServiceCalendar
    from aftercare.customers.models import Customer
    from aftercare.maintenance.models import MaintenancePlan, MaintenanceVisit, VisitCheck
    from aftercare.obligations.models import Obligation
    from aftercare.org.models import Branch, Organisation, User
    from aftercare.parts.models import Installation, Part
    from aftercare.servicedesk.models import Ticket, TicketEvent
    from aftercare.sites.models import Equipment, Site, System
    from aftercare.training.models import Qualification, Trainee

    rng = random.Random(SEED)
    months = months_back(month, history)
    first_day = months[0]
    org = Organisation.objects.create(name="華南弱電維保集團", time_zone=str(TZ), region="CN")
    Organisation.objects.filter(pk=org.pk).update(
        created_at=moment(first_day, 0) - timedelta(days=400)
    )
    groups = {g.name: g for g in Group.objects.filter(name__in=["supervisor", "engineer"])}
    branches, staff = [], {}
    for index in range(BRANCHES):
        branch = Branch.objects.create(
            organisation=org, code=f"m{index + 1:02d}", name=f"弱電維保{index + 1:02d}部",
            runs_dealership=False, runs_building_systems=True,
        )  # fmt: skip
        sup = User.objects.create(username=f"bench-m-sup-{index}", organisation=org, branch=branch)
        sup.groups.add(groups["supervisor"])
        eng = User.objects.create(username=f"bench-m-eng-{index}", organisation=org, branch=branch)
        eng.groups.add(groups["engineer"])
        branches.append(branch)
        staff[branch.pk] = (sup, eng)
    boss = staff[branches[0].pk][0]
    office = ServiceCalendar.objects.create(
        organisation=org, name="辦公時間", weekly=OFFICE, follows_holidays=True
    )
    always = builtin_calendar(org)
    log("organisation, branches, staff, calendars")

    customers = bulk(Customer, [
        Customer(branch=branches[i % BRANCHES], name=f"業主{i:05d}有限公司", kind="company")
        for i in range(n_sites)
    ])  # fmt: skip
    sites = bulk(Site, [
        Site(branch_id=c.branch_id, customer=c, name=f"大廈{i:05d}", address=f"中山路{i}號")
        for i, c in enumerate(customers)
    ])  # fmt: skip
    systems = bulk(System, [
        System(site=s, kind=kind, name=name, key=key)
        for s in sites for kind, name, key in (("cctv", "閉路電視", True),
                                              ("fire_alarm", "火災報警", False))
    ])  # fmt: skip
    cctv = {s.site_id: s for s in systems if s.kind == "cctv"}
    fire = {s.site_id: s for s in systems if s.kind == "fire_alarm"}
    items = bulk(Equipment, [
        Equipment(system=fire[s.pk], branch_id=s.branch_id, name="煙感探測器", serial=f"SD{s.pk}",
                  serial_key=f"SD{s.pk}")
        for s in sites
    ])  # fmt: skip
    item_of = {e.system.site_id: e for e in items}
    year_start, year_end = date(first_day.year, 1, 1), date(month.year + 1, 12, 31)
    contracts = bulk(Contract, [
        Contract(branch_id=s.branch_id, customer_id=s.customer_id, site=s, starts_on=year_start,
                 ends_on=year_end, service_calendar=office, price=Decimal("36000.00"),
                 created_by=boss, signed_on=year_start - timedelta(days=10))
        for s in sites
    ])  # fmt: skip
    bulk(ContractSystem, [
        ContractSystem(contract=c, system=system)
        for c in contracts for system in (cctv[c.site_id], fire[c.site_id])
    ])  # fmt: skip
    log(f"{n_sites:,} owners, sites, 2 systems each, equipment, signed contracts")

    drafted = moment(first_day, 0) - timedelta(days=30)
    agreements = bulk(Agreement, [
        Agreement(kind="maintenance", organisation=org, branch_id=s.branch_id,
                  customer_id=s.customer_id, site=s, title=f"{s.name} 維保計劃",
                  created_at=drafted, created_by=boss)
        for s in sites
    ])  # fmt: skip
    versions = bulk(AgreementVersion, [
        AgreementVersion(agreement=a, number=1, state="confirmed", terms={}, drafted_at=drafted,
                         drafted_by=boss, confirmed_at=drafted, confirmed_by="業主代表")
        for a in agreements
    ])  # fmt: skip
    plans = bulk(MaintenancePlan, [
        MaintenancePlan(agreement=a, site_id=a.site_id, branch_id=a.branch_id) for a in agreements
    ])  # fmt: skip
    version_of = {v.agreement_id: v for v in versions}
    visits = []
    for plan in plans:
        for first in months:
            day = first + timedelta(days=rng.randrange(0, 27))
            roll = rng.random()
            if roll < 0.1:
                state, done_at = "planned", None
            else:
                late = 2 if roll < 0.3 else 0
                state, done_at = "done", moment(day + timedelta(days=late), 600)
                if done_at.date() > month_of(first)[1] and first == month:
                    state, done_at = "planned", None
            visits.append(MaintenanceVisit(
                plan=plan, version=version_of[plan.pk], planned_on=day, scheduled_on=day,
                state=state, done_at=done_at, engineer=staff[plan.branch_id][1],
            ))  # fmt: skip
    visits = bulk(MaintenanceVisit, visits)
    site_of_plan = {p.pk: p.site_id for p in plans}
    checks = []
    for visit in visits:
        system = cctv[site_of_plan[visit.plan_id]]
        for order in range(3):
            result = ""
            if visit.state == "done":
                result = "defect" if rng.random() < 0.05 else "ok"
            checks.append(VisitCheck(visit=visit, system=system, order=order,
                                     code="cctv_image", kind="check", result=result))  # fmt: skip
    bulk(VisitCheck, checks)
    log(f"{len(visits):,} visits, {len(checks):,} checks")

    trainees = bulk(Trainee, [
        Trainee(branch_id=s.branch_id, customer_id=s.customer_id, name=f"學員{s.pk}-{k}",
                enrolled_at=drafted, enrolled_by=boss)
        for s in sites for k in range(3)
    ])  # fmt: skip
    site_of_customer = {s.customer_id: s.pk for s in sites}
    quals = [
        Qualification(trainee=t, system_id=cctv[site_of_customer[t.customer_id]].pk,
                      track="operator" if t.name.endswith(("-0", "-1")) else "manager",
                      qualified_at=drafted)
        for t in trainees
    ]  # fmt: skip
    bulk(Qualification, quals)
    log(f"{len(trainees):,} trainees and qualifications")

    ticket_type = ContentType.objects.get_for_model(Ticket)
    part = Part.objects.create(organisation=org, code="SD-200", name="光電煙感",
                               unit_cost=Decimal("180.00"), warranty_months=12)  # fmt: skip
    numbers = 0
    tickets, plans_of = [], []
    for first in months:
        last = month_of(first)[1]
        span = (last - first).days + 1
        for s in sites:
            for _ in range(rng.choice((0, 1, 2, 3, 4))):
                numbers += 1
                day = first + timedelta(days=rng.randrange(span))
                reported = moment(day, rng.randrange(0, 24 * 60))
                category = rng.choice(CATEGORIES)
                emergency = rng.random() < 0.05
                calendar = always if (emergency or rng.random() < 0.2) else office
                open_ = rng.random() < 0.05 and first == month
                arrive = reported + timedelta(minutes=rng.randrange(20, 200))
                fixed = arrive + timedelta(minutes=rng.randrange(30, 300))
                sup, eng = staff[s.branch_id]
                tickets.append(Ticket(
                    branch_id=s.branch_id, number=f"M-H-{first.year}-{numbers:07d}", site=s,
                    system=cctv[s.pk], caller_name="王先生", category=category,
                    emergency=emergency, description="監控畫面全黑", reported_at=reported,
                    recorded_by=sup, coverage="contract", calendar=calendar,
                    arrival_minutes=120, fix_minutes=240 if category == "line_fault" or emergency
                    else None, state="dispatched" if open_ else "resolved", engineer=eng,
                    arrived_at=None if open_ else arrive, resolved_at=None if open_ else fixed,
                    resolved_by=None if open_ else eng,
                ))  # fmt: skip
                plans_of.append((reported, arrive, fixed, open_, sup, eng, rng.random() < 0.1))
    tickets = bulk(Ticket, tickets)
    log(f"{len(tickets):,} tickets over {len(months)} months")
    events, obligations = [], []
    for ticket, (reported, arrive, fixed, open_, sup, eng, paused) in zip(
        tickets, plans_of, strict=True
    ):
        events.append(TicketEvent(ticket=ticket, kind="reported", at=reported, by=sup))
        events.append(TicketEvent(ticket=ticket, kind="dispatched", at=reported + timedelta(
            minutes=5), by=sup))  # fmt: skip
        if paused:
            start = reported + timedelta(minutes=10)
            events.append(TicketEvent(ticket=ticket, kind="paused", at=start, by=eng,
                                      data={"reason": rng.choice(PAUSE_REASONS)}))  # fmt: skip
            events.append(TicketEvent(ticket=ticket, kind="resumed", at=start + timedelta(
                minutes=rng.randrange(15, 90)), by=eng))  # fmt: skip
        if not open_:
            events.append(TicketEvent(ticket=ticket, kind="arrived", at=arrive, by=eng))
            events.append(TicketEvent(ticket=ticket, kind="resolved", at=fixed, by=eng))
        common = {"organisation": org, "branch_id": ticket.branch_id, "owner": eng,
                  "subject_type": ticket_type, "subject_id": ticket.pk,
                  "customer_id": ticket.site.customer_id, "triggered_at": reported}  # fmt: skip
        obligations.append(Obligation(rule="BS-7", due_at=reported + timedelta(hours=2),
                                      done_at=None if open_ else arrive, title="到場",
                                      **common))  # fmt: skip
        if ticket.fix_minutes:
            obligations.append(Obligation(rule="BS-8", due_at=reported + timedelta(hours=4),
                                          done_at=None if open_ else fixed, title="修復",
                                          **common))  # fmt: skip
    bulk(TicketEvent, events)
    bulk(Obligation, obligations)
    log(f"{len(events):,} ticket events, {len(obligations):,} clocks")

    in_month = [t for t in tickets if t.resolved_at and t.reported_at.date() >= month]
    installs, bills, notes = [], [], []
    seen = set()
    for ticket in in_month:
        if ticket.site_id in seen or rng.random() > 0.05:
            continue
        seen.add(ticket.site_id)
        installs.append(Installation(
            part=part, equipment=item_of[ticket.site_id], ticket=ticket,
            installed_at=ticket.resolved_at, by=ticket.engineer,
        ))  # fmt: skip
        bills.append(Bill(branch_id=ticket.branch_id, ticket=ticket,
                          customer_id=ticket.site.customer_id, state="issued",
                          number=f"M-B-{month.year}-{len(bills) + 1:06d}", basis="billed",
                          currency="CNY", parts_total=Decimal("180.00"),
                          labour_total=Decimal("240.00"), total=Decimal("420.00"),
                          drafted_at=ticket.resolved_at, issued_by=boss,
                          issued_at=ticket.resolved_at + timedelta(hours=20)))  # fmt: skip
    bulk(Installation, installs)
    bills = bulk(Bill, bills)
    for bill in bills[: len(bills) // 10]:
        notes.append(CreditNote(bill=bill, number=f"M-C-{month.year}-{len(notes) + 1:06d}",
                                reason="折讓", total=Decimal("40.00"), issued_by=boss,
                                issued_at=bill.issued_at + timedelta(hours=1)))  # fmt: skip
    bulk(CreditNote, notes)
    log(f"{len(installs):,} installations, {len(bills):,} bills, {len(notes):,} credit notes")
    return org.pk


# ============================================================================================
# Timing


def clear_reports() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE servicereports_monthlyreport, servicereports_reportrun")
        cur.execute("DELETE FROM django_tasks_database_dbtaskresult")


def end_to_end(url: str, now: datetime) -> dict:
    """tick → the real worker process → the run done; progress polled from here."""
    from aftercare.servicereports.models import ReportRun
    from aftercare.servicereports.tick import run as tick

    started = time.perf_counter()
    claimed = tick(now)
    tick_s = time.perf_counter() - started
    run = ReportRun.objects.get()
    env = {**os.environ, "DATABASE_URL": url}
    worker = subprocess.Popen(
        [sys.executable, "-m", "aftercare.cli", "worker", "--batch", "--no-startup-delay"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    seen, marks = -1, []
    while worker.poll() is None:
        run.refresh_from_db()
        if run.done != seen:
            seen = run.done
            marks.append((time.perf_counter() - started, run.done))
        time.sleep(0.2)
    output = worker.stdout.read() if worker.stdout else ""
    run.refresh_from_db()
    marks.append((time.perf_counter() - started, run.done))
    wall = time.perf_counter() - started
    if run.state != "done":
        print(output[-3000:])
        raise SystemExit(f"the run ended {run.state}: {run.error}")
    chunks = []
    previous_t, previous_done = None, 0
    for t, done in marks:
        if done > previous_done and previous_t is not None:
            chunks.append((done - previous_done, t - previous_t))
        if done > previous_done or previous_t is None:
            previous_t, previous_done = t, done
    return {"claimed": claimed, "tick_s": tick_s, "wall": wall, "total": run.total,
            "done": run.done, "chunks": chunks, "worker_rc": worker.returncode}  # fmt: skip


def one_chunk(bare, org_id: int, month_first: date, size: int) -> dict:
    """One chunk in-process with its queries captured, then replayed on the bare connection."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftercare.servicereports.figures import Calendars, Month, compute, sites_under_contract

    month = Month.of(month_first, TZ)
    ids = list(sites_under_contract(org_id, month).values_list("pk", flat=True)[:size])
    calendars = Calendars()
    compute(ids[:10], month, calendars=calendars)  # warm: the calendars, the content types
    with CaptureQueriesContext(connection) as captured:
        started, cpu = time.perf_counter(), time.process_time()
        compute(ids, month, calendars=calendars)
        wall, own = time.perf_counter() - started, time.process_time() - cpu
    statements = [q["sql"] for q in captured.captured_queries]
    sql_total, slowest, slowest_sql = 0.0, 0.0, ""
    for sql in statements:
        started = time.perf_counter()
        with bare.cursor() as cur:
            cur.execute(sql)
            cur.fetchall()
        spent = time.perf_counter() - started
        sql_total += spent
        if spent > slowest:
            slowest, slowest_sql = spent, sql
    return {"sites": len(ids), "wall": wall, "cpu": own, "queries": len(statements),
            "sql": sql_total, "slowest": slowest, "slowest_sql": slowest_sql[:160]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--reset", action="store_true", help="drop, migrate and generate")
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=2, help="months before the one reported")
    args = parser.parse_args()
    url = database.setup(args.database_url or DEFAULT_URL, reset=args.reset)

    from django.db import connection
    from django.utils import timezone

    from aftercare.org.models import Organisation
    from aftercare.servicereports.actions import CHUNK

    today = timezone.localtime(timezone.now(), TZ).date()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    org = Organisation.objects.filter(name="華南弱電維保集團").first()
    if org is None:
        started = time.perf_counter()
        org_id = generate(args.sites, month, args.history)
        connection.cursor().execute("VACUUM ANALYZE")
        log(f"generated in {time.perf_counter() - started:.0f} s")
    else:
        org_id = org.pk
    clear_reports()
    now = datetime(today.year, today.month, 1, 0, 5, tzinfo=TZ)
    log(f"month {month:%Y-%m}; tick at {now.isoformat()}; chunks of {CHUNK} sites")
    result = end_to_end(url, now)
    per_chunk = [seconds for _n, seconds in result["chunks"]]
    log(
        f"END TO END: {result['done']:,} of {result['total']:,} reports in {result['wall']:.1f} s "
        f"(tick {result['tick_s'] * 1000:.0f} ms, worker exit {result['worker_rc']})"
    )
    if per_chunk:
        per_chunk.sort()
        log(f"per chunk of {CHUNK}: median {per_chunk[len(per_chunk) // 2]:.2f} s, "
            f"slowest {per_chunk[-1]:.2f} s, {len(per_chunk)} chunks seen")  # fmt: skip
    bare = database.connect(url, autocommit=True)
    chunk = one_chunk(bare, org_id, month, CHUNK)
    log(
        f"ONE CHUNK in-process: {chunk['sites']} sites, figures {chunk['wall']:.2f} s "
        f"(CPU {chunk['cpu']:.2f} s), {chunk['queries']} queries; bare SQL {chunk['sql']:.2f} s "
        f"(slowest {chunk['slowest'] * 1000:.0f} ms: {chunk['slowest_sql']})"
    )
    from django.utils import translation

    from aftercare.servicereports import document
    from aftercare.servicereports.models import MonthlyReport

    busiest = max(
        MonthlyReport.objects.order_by("id")[:500], key=lambda r: r.figures["tickets"]["total"]
    )
    with translation.override("zh-hant"):
        document.render(busiest)  # warm: WeasyPrint's import and fonts
        started = time.perf_counter()
        pdf = document.render(busiest)
    log(f"PDF of one report ({busiest.figures['tickets']['total']} tickets): "
        f"{time.perf_counter() - started:.2f} s, {len(pdf) // 1024} KB")  # fmt: skip
    log(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
