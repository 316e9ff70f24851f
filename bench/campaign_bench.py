"""Benchmark: schedule a campaign with 100 000 targets on PostgreSQL; target < 30 s.

    .venv/bin/python bench/campaign_bench.py [--customers 100000] [--runs 1]

Creates (drops first) the database of DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/aftercare_bench_campaign), migrates it, adds an
organisation, a branch, 10 follow-up advisors and the customers (INSERT … SELECT from
generate_series, every tenth without an advisor), then times the real action
`outreach.actions.schedule_campaign`: the target list computed and written by one
INSERT … SELECT, and one DS-7 obligation per target (with its history row) via
`obligations.actions.open_obligations_bulk` (one window, COPY). Prints the figures; they are
recorded by hand under "## Campaign scheduling" in bench/RESULTS.md.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftercare_bench_campaign"


def setup_django(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.startswith("aftercare_bench"):
        raise SystemExit(f"refusing to manage {name!r}: bench databases are aftercare_bench*")
    admin = psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("AFTERCARE_HOME", tempfile.mkdtemp(prefix="aftercare-bench-"))
    os.environ["AFTERCARE_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["AFTERCARE_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("AFTERCARE_DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftercare.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(customers: int):
    from django.contrib.auth.models import Group
    from django.db import connection

    from aftercare.org.models import Branch, Organisation, User

    org = Organisation.objects.create(name="北豐汽車", time_zone="Asia/Shanghai", region="CN")
    branch = Branch.objects.create(organisation=org, code="a", name="北區店")
    advisors = []
    for i in range(10):
        user = User.objects.create(username=f"advisor{i}", branch=branch, organisation=org)
        user.groups.set(Group.objects.filter(name__in=["advisor", "followup_advisor"]))
        advisors.append(user.pk)
    boss = User.objects.create(username="sam", branch=branch, organisation=org)
    boss.groups.set(Group.objects.filter(name="supervisor"))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO customers_customer (branch_id, kind, name, contact_person, address,
                email, contact_time, contact_channel, wanted_services, wanted_services_note,
                prefers_letters, consents_to_sms, consents_to_letters, followup_advisor_id,
                notes, name_key, name_pinyin, name_initials, archive_complete, created_at,
                updated_at)
            SELECT %s, 'person', '客戶' || n, '', '深圳市福田區深南大道' || n || '號', '', '',
                '', '[]'::jsonb, '', n %% 7 = 0, false, true,
                CASE WHEN n %% 10 = 0 THEN NULL ELSE (%s::bigint[])[1 + n %% 10] END,
                '', '客户' || n, 'kehu' || n, 'kh', false, now(), now()
            FROM generate_series(1, %s) AS n
            """,
            [branch.pk, advisors, customers],
        )
        cursor.execute("ANALYZE customers_customer")
    return org, branch, boss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    setup_django(args.url)

    from datetime import datetime
    from zoneinfo import ZoneInfo

    from aftercare.obligations.models import Obligation
    from aftercare.outreach import actions
    from aftercare.outreach.models import CampaignTarget
    from aftercare.outreach.targets import TargetFilters

    started = time.perf_counter()
    _org, branch, boss = populate(args.customers)
    print(f"populated {args.customers} customers in {time.perf_counter() - started:.1f} s")
    sh = ZoneInfo("Asia/Shanghai")
    campaign = actions.create_campaign(
        by=boss, branch=branch, filters=TargetFilters(), name="免費檢測週",
        kind="free_inspection", content="二十項免費檢測", address="北區店",
        starts_at=datetime(2026, 5, 20, 9, 0, tzinfo=sh),
        ends_at=datetime(2026, 5, 24, 17, 0, tzinfo=sh),
    )  # fmt: skip
    started = time.perf_counter()
    campaign = actions.schedule_campaign(
        campaign, by=boss, at=datetime(2026, 4, 1, 10, 0, tzinfo=sh)
    )
    elapsed = time.perf_counter() - started
    targets = CampaignTarget.objects.filter(campaign=campaign).count()
    notices = Obligation.objects.filter(rule="DS-7").count()
    dues = list(
        Obligation.objects.filter(rule="DS-7")
        .order_by()
        .values_list("due_at", flat=True)
        .distinct()
    )
    history = Obligation.history.filter(rule="DS-7").count()
    load = os.getloadavg()
    print(f"scheduled: {targets} targets, {notices} DS-7 obligations, {history} history rows")
    print(f"due: {[d.astimezone(sh).isoformat() for d in dues]}")
    print(f"schedule_campaign: {elapsed:.2f} s (target < 30 s)")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    assert targets == notices == history == args.customers


if __name__ == "__main__":
    main()
