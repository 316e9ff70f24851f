"""Fill a PostgreSQL database with a dealership group at scale, in minutes.

    .venv/bin/python bench/generate.py --reset              # 1 M customers, 5 M repair orders
    .venv/bin/python bench/generate.py --reset --scale 0.01  # smoke run (seconds)

Organisation, branches and staff go through the ORM (a few hundred rows). Customers, phones
and vehicles are built in Python, because their search keys must be exactly what
`aftercare.customers.names` / `identifiers` compute, and streamed with COPY. Repair orders,
obligations and calls are derived from those rows set-wise inside PostgreSQL
(INSERT … SELECT): moving 23 M rows through Python would only add time. Their deadlines use
SQL date arithmetic equivalent to `standard.calendar` for calendar-day rules; a sample is
checked against `standard.deadlines.window` at the end, so a drift fails loudly.

Secondary indexes, unique and foreign-key constraints of the loaded tables are dropped before
the load and recreated (and validated) afterwards; then VACUUM ANALYZE.
"""

import argparse
import bisect
import itertools
import json
import multiprocessing
import random
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import database  # noqa: E402

SEED = 20260512
BRANCHES = 20
ADVISORS_PER_BRANCH = 10
HISTORY_DAYS = 4 * 365  # repair orders spread over the last four years
LOADED_TABLES = [
    "customers_customer",
    "customers_customerphone",
    "customers_vehicle",
    "workshop_repairorder",
    "obligations_obligation",
    "followups_call",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤單陳張黃劉"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "上官", "诸葛", "司徒", "歐陽"]
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉玉萍红鹏飞宇浩然子涵梓轩欣怡"
    "雨桐佳琪思远嘉豪俊杰志强海燕春梅晓东晨阳婷婷丹凤雪琳晶鑫博文一鸣天佑宏图世昌永福德胜立新"
    "长江金凤淑珍美玲慧敏家豪國華偉傑麗"
)
COMPANY_CITIES = ["深圳", "广州", "东莞", "佛山", "珠海", "惠州"]
COMPANY_WORDS = ["鹏程", "华信", "恒达", "粤运", "顺通", "金盛", "远航", "腾飞", "安捷", "宏远"]
COMPANY_TRADES = ["物流", "租车", "建材", "贸易", "电子", "旅游", "出租汽车", "餐饮"]
DISTRICTS = ["福田区", "南山区", "罗湖区", "宝安区", "龙岗区", "天河区", "越秀区", "海珠区"]
STREETS = ["深南大道", "滨海大道", "北环大道", "中山路", "人民路", "解放路", "建设路", "新华路"]
MAKES = [
    ("丰田", ["凯美瑞", "卡罗拉", "汉兰达", "RAV4"]),
    ("本田", ["雅阁", "思域", "CR-V"]),
    ("大众", ["帕萨特", "迈腾", "途观L"]),
    ("别克", ["君越", "英朗", "GL8"]),
    ("比亚迪", ["汉", "秦PLUS", "宋PLUS"]),
    ("日产", ["天籁", "轩逸", "奇骏"]),
]
VEHICLE_TYPES = ["轎車", "轎車", "SUV", "SUV", "MPV"]
PROVINCES = "粤" * 12 + "湘赣桂闽川鄂豫京沪"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
MOBILE_PREFIXES = [
    "138",
    "139",
    "135",
    "136",
    "137",
    "150",
    "151",
    "152",
    "158",
    "159",
    "186",
    "187",
    "188",
    "189",
    "130",
    "131",
    "177",
    "199",
]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
CANCEL_REASONS = ["客户已出售车辆", "客户要求不再联系", "重复工单"]


_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f} s] {message}", flush=True)


@contextmanager
def step(title: str, timings: dict):
    log(f"{title} …")
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    timings[title] = elapsed
    log(f"{title}: {elapsed:.1f} s")


def ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(sep=" ")


# --------------------------------------------------------------------------------------------
# Names: a pool of distinct names, each keyed by aftercare.customers.names itself.


def _keys(name: str) -> tuple[str, str, str, str]:
    from aftercare.customers.names import name_key, pinyin_keys

    full, initials = pinyin_keys(name)
    return name, name_key(name), full, initials


def name_pool(rng: random.Random, size: int) -> list[tuple[str, str, str, str]]:
    """`size` distinct person names plus some company names, with their exact search keys."""
    names: set[str] = set()
    while len(names) < size:
        surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
        given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
        names.add(surname + given)
    people = sorted(names)
    rng.shuffle(people)
    companies = sorted(
        {
            f"{city}市{word}{trade}有限公司"
            for city, word, trade in itertools.product(
                COMPANY_CITIES, COMPANY_WORDS, COMPANY_TRADES
            )
        }
    )
    # pinyin_keys costs ~0.25 ms a name: use both cores while PostgreSQL idles. The workers
    # are forked, so no database connection may be open at that moment.
    from django.db import connection

    import aftercare.customers.names  # noqa: F401  (loaded once, shared by the workers)

    connection.close()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        keyed = pool.map(_keys, people + companies, chunksize=2000)
    return keyed


# --------------------------------------------------------------------------------------------
# Rows built in Python and streamed with COPY (text format).


def copy_rows(conn, table: str, columns: list[str], rows) -> int:
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with conn.cursor() as cur, cur.copy(statement) as copy:
        buffer = []
        for row in rows:
            buffer.append("\t".join(row))
            count += 1
            if len(buffer) >= 20000:
                copy.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            copy.write("\n".join(buffer) + "\n")
    return count


NULL = "\\N"


def vin(rng: random.Random) -> str:
    from aftercare.customers.identifiers import vin_check_digit

    body = "L" + "".join(rng.choices(VIN_CHARS, k=16))
    return body[:8] + vin_check_digit(body[:8] + "0" + body[9:]) + body[9:]


def plate(rng: random.Random) -> str:
    """A mainland plate in its canonical form (what normalise_plate stores)."""
    head = rng.choice(PROVINCES) + rng.choice(PLATE_LETTERS)
    if rng.random() < 0.12:  # new-energy: D/F + 5
        return head + rng.choice("DF") + f"{rng.randrange(100_000):05d}"
    tail = rng.choices("0123456789", k=5)
    if rng.random() < 0.4:
        tail[rng.randrange(5)] = rng.choice(PLATE_LETTERS)
    return head + "".join(tail)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


# --------------------------------------------------------------------------------------------
# Schema handling around the load.


def analyze(conn, *tables: str) -> None:
    for table in tables:
        conn.execute(f"ANALYZE {table}")


def drop_secondary(conn) -> list[str]:
    """Drop FKs, unique constraints and plain indexes of the loaded tables; return DDL to redo."""
    tables = list(LOADED_TABLES)
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
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
           ORDER BY i.tablename, i.indexname""",
        [tables],
    ):
        drops.append(f'DROP INDEX "{name}"')
        redo_indexes.append(definition)
    for statement in drops:
        conn.execute(statement)
    # Unique constraints first (their index), then plain indexes, then FKs (validated).
    return (
        [ddl for kind, ddl in redo_constraints if kind == "u"]
        + redo_indexes
        + [ddl for kind, ddl in redo_constraints if kind == "f"]
    )


# --------------------------------------------------------------------------------------------


def build_staff(rng: random.Random):
    """Organisation, branches, advisors (with uneven workloads), supervisors, an administrator."""
    from django.contrib.auth.models import Group

    from aftercare.org.models import Branch, Organisation, User

    org = Organisation.objects.create(name="北丰汽车集团", time_zone="Asia/Shanghai", region="CN")
    advisor_groups = list(Group.objects.filter(name__in=["advisor", "followup_advisor"]))
    supervisor = Group.objects.get(name="supervisor")
    admin = User.objects.create(username="bench-admin", organisation=org, display_name="管理员")
    admin.set_unusable_password()
    admin.save()
    admin.groups.add(Group.objects.get(name="administrator"))
    branches, advisors = [], {}
    for number in range(1, BRANCHES + 1):
        city = COMPANY_CITIES[number % len(COMPANY_CITIES)]
        branch = Branch.objects.create(
            organisation=org, code=f"b{number:02d}", name=f"{city}{number:02d}店"
        )
        branches.append(branch)
        boss = User.objects.create(
            username=f"sup-b{number:02d}", organisation=org, branch=branch, display_name="主管"
        )
        boss.groups.add(supervisor)
        staff = []
        for index in range(ADVISORS_PER_BRANCH):
            user = User(
                username=f"adv-b{number:02d}-{index + 1:02d}",
                organisation=org,
                branch=branch,
                display_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(*advisor_groups)
            # Workloads differ: weights 0.25 … 1.75 give worklists of roughly 20 to 200.
            staff.append((user.pk, 0.25 + 1.5 * index / (ADVISORS_PER_BRANCH - 1)))
        advisors[branch.pk] = staff
    User.objects.exclude(pk=admin.pk).update(password="!")
    return org, branches, advisors


def slots(advisors: dict) -> list[tuple[int, int, int]]:
    """(branch, slot 0..99, advisor) so SQL can pick a weighted advisor with one join."""
    rows = []
    for branch_id, staff in advisors.items():
        total = sum(weight for _, weight in staff)
        cumulative = list(itertools.accumulate(weight / total for _, weight in staff))
        for slot in range(100):
            index = min(bisect.bisect_right(cumulative, (slot + 0.5) / 100), len(staff) - 1)
            rows.append((branch_id, slot, staff[index][0]))
    return rows


def generate(args) -> None:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    scale = args.scale
    n_customers = max(1000, int(1_000_000 * scale))
    n_vehicles = int(n_customers * 1.5)
    n_orders = int(n_customers * 5)
    rng = random.Random(SEED)

    with step("database and migrations", timings):
        url = database.setup(args.database_url, reset=args.reset)
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone

    from aftercare.customers.choices import ContactChannel, ContactTime, WantedService
    from aftercare.customers.models import Customer
    from aftercare.standard.rules import DayCount, Unit, default_rule
    from aftercare.workshop.models import RepairOrder

    if Customer.objects.exists():
        raise SystemExit(f"{url} already holds data: run with --reset to rebuild it")
    rules = {rule_id: default_rule(rule_id) for rule_id in ("DS-1", "DS-2", "DS-3")}
    for rule in rules.values():  # the SQL below implements calendar days only
        assert rule.unit == Unit.DAYS and rule.day_count == DayCount.CALENDAR, rule

    with step("organisation, 20 branches, staff (ORM)", timings):
        org, branches, advisors = build_staff(rng)
    now = timezone.now().replace(microsecond=0)
    start = now - timedelta(days=HISTORY_DAYS)
    branch_ids = [branch.pk for branch in branches]

    with step(f"name pool ({max(2000, int(150_000 * scale))} names, pinyin keys)", timings):
        pool = name_pool(rng, max(2000, int(150_000 * scale)))
    people = [row for row in pool if not row[0].endswith("公司")]
    companies = [row for row in pool if row[0].endswith("公司")]
    # A few names are very common (张伟 …), most are rare: Zipf-like weights.
    cum_weights = list(itertools.accumulate(1 / (rank + 10) ** 0.9 for rank in range(len(people))))

    connection.ensure_connection()
    conn = connection.connection  # the psycopg connection Django opened
    conn.autocommit = True
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute("SET work_mem = '256MB'")
    with step("drop secondary indexes and constraints", timings):
        redo = drop_secondary(conn)

    with step(f"COPY {n_customers:,} customers", timings):
        contact_times = [c.value for c in ContactTime]
        channels = [c.value for c in ContactChannel]
        wanted = [w.value for w in WantedService]
        chosen = rng.choices(people, cum_weights=cum_weights, k=n_customers)

        # Per-row work is the bottleneck: draw from small precomputed pools where it is free.
        service_sets = [json.dumps(rng.sample(wanted, rng.randrange(1, 3))) for _ in range(64)]
        moments = [ts(start - timedelta(days=rng.random() * 400)) for _ in range(4096)]
        advisor_cum = {
            b: list(itertools.accumulate(w for _, w in staff)) for b, staff in advisors.items()
        }

        def customers():
            for cid in range(1, n_customers + 1):
                branch_id = rng.choice(branch_ids)
                company = rng.random() < 0.03
                name, key, full, initials = rng.choice(companies) if company else chosen[cid - 1]
                address = ""
                if rng.random() < 0.85:
                    street = rng.choice(DISTRICTS) + rng.choice(STREETS)
                    address = f"广东省深圳市{street}{rng.randrange(1, 999)}号"
                services = rng.choice(service_sets) if rng.random() < 0.8 else "[]"
                advisor = NULL
                if rng.random() < 0.5:
                    staff = advisors[branch_id]
                    advisor = str(rng.choices(staff, cum_weights=advisor_cum[branch_id])[0][0])
                created = rng.choice(moments)
                yield (
                    str(cid), "company" if company else "person", name,
                    rng.choice(people)[0] if company else "", address, "",
                    rng.choice(contact_times), rng.choice(channels),
                    services, "", "f", "t" if rng.random() < 0.6 else "f", "t", "",
                    key, full, initials, "t" if address and services != "[]" else "f",
                    created, created, str(branch_id), advisor,
                )  # fmt: skip

        copy_rows(
            conn,
            "customers_customer",
            ["id", "kind", "name", "contact_person", "address", "email", "contact_time",
             "contact_channel", "wanted_services", "wanted_services_note", "prefers_letters",
             "consents_to_sms", "consents_to_letters", "notes", "name_key", "name_pinyin",
             "name_initials", "archive_complete", "created_at", "updated_at", "branch_id",
             "followup_advisor_id"],
            customers(),
        )  # fmt: skip

    with step(f"COPY ~{int(n_customers * 1.2):,} phones", timings):

        def phones():
            pid = 0
            for cid in range(1, n_customers + 1):
                numbers = [mobile(rng)]
                if rng.random() < 0.2:
                    numbers.append(mobile(rng))
                    if numbers[1] == numbers[0]:
                        numbers.pop()
                for position, national in enumerate(numbers):
                    pid += 1
                    label = "mobile" if position == 0 else rng.choice(["home", "work", "mobile"])
                    yield (str(pid), "+86" + national, national, national[-4:], label,
                           str(position), str(cid))  # fmt: skip

        count = copy_rows(
            conn,
            "customers_customerphone",
            ["id", "number", "national", "last4", "label", "position", "customer_id"],
            phones(),
        )
        log(f"  {count:,} phones")

    with step(f"COPY {n_vehicles:,} vehicles", timings):
        plates: set[str] = set()

        today = now.date()
        days = {n: (today - timedelta(days=n)).isoformat() for n in range(-400, 3001)}

        def vehicles():
            for vid in range(1, n_vehicles + 1):
                cid = vid if vid <= n_customers else rng.randrange(1, n_customers + 1)
                number = plate(rng)
                while number in plates:
                    number = plate(rng)
                plates.add(number)
                make, models_ = rng.choice(MAKES)
                bought = rng.randrange(30, 3000)
                last = rng.randrange(1, 200)
                km = rng.randrange(1000, 200_000)
                yield (
                    str(vid), number, number, vin(rng) if rng.random() < 0.7 else "", make,
                    rng.choice(models_), rng.choice(VEHICLE_TYPES), days[bought], str(km),
                    days[last], "6", "10000", days[last], str(km),
                    days[last - 182], str(km + 10000), "f", days[bought] + " 00:00:00+08", str(cid),
                )  # fmt: skip

        copy_rows(
            conn,
            "customers_vehicle",
            ["id", "plate", "plate_key", "vin", "make", "model", "vehicle_type", "purchase_date",
             "mileage", "mileage_on", "maintenance_months", "maintenance_km",
             "last_maintenance_on", "last_maintenance_km", "next_maintenance_on",
             "next_maintenance_km", "next_maintenance_overridden", "created_at", "customer_id"],
            vehicles(),
        )  # fmt: skip
        plates.clear()

    with step(f"INSERT … SELECT {n_orders:,} repair orders", timings):
        conn.execute("DROP TABLE IF EXISTS bench_slot")
        conn.execute("CREATE UNLOGGED TABLE bench_slot (branch_id bigint, slot int, user_id int8)")
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO bench_slot VALUES (%s, %s, %s)", slots(advisors))
        # Fresh tables have no statistics: without them the planner joins customers with
        # bench_slot first (100 M rows) instead of probing three hash tables.
        analyze(conn, "bench_slot", "customers_customer", "customers_vehicle")
        conn.execute("SELECT setseed(%s)", [0.4242])
        conn.execute(
            """
            INSERT INTO workshop_repairorder (id, checked_in_at, mileage, description,
                extra_items, shop_order_number,
                picked_up_at, created_at, advisor_id, branch_id, customer_id, vehicle_id)
            SELECT r.g, r.cin, NULL, '', '[]'::jsonb, '',
                   CASE WHEN r.cin + r.stay > %(now)s THEN NULL ELSE r.cin + r.stay END,
                   r.cin, COALESCE(c.followup_advisor_id, s.user_id), c.branch_id, c.id, v.id
            FROM (
                SELECT g,
                       %(start)s + (g - 1 + random()) * %(step)s AS cin,
                       1 + floor(random() * %(nv)s)::bigint AS vid,
                       floor(random() * 100)::int AS slot,
                       make_interval(mins => (60 + random() * 420)::int) AS stay
                FROM generate_series(1, %(n)s) AS g
                OFFSET 0
            ) r
            JOIN customers_vehicle v ON v.id = r.vid
            JOIN customers_customer c ON c.id = v.customer_id
            JOIN bench_slot s ON s.branch_id = c.branch_id AND s.slot = r.slot
            """,
            {
                "now": now,
                "start": start,
                "step": (now - timedelta(minutes=30) - start) / n_orders,
                "nv": n_vehicles,
                "n": n_orders,
            },
        )

    analyze(conn, "workshop_repairorder")
    ro_type = ContentType.objects.get_for_model(RepairOrder).pk
    with step("INSERT … SELECT obligations DS-1, DS-2, DS-3", timings):
        sql_window = """
            WITH rules (k, rule, on_pickup, opens_after, due_after) AS (VALUES
                (1, 'DS-1', false, %(o1)s::int, %(d1)s::int),
                (2, 'DS-2', false, %(o2)s::int, %(d2)s::int),
                (3, 'DS-3', true, %(o3)s::int, %(d3)s::int))
            INSERT INTO obligations_obligation (rule, subject_id, title, triggered_at, opens_at,
                due_at, done_at, outcome, cancelled_at, cancel_reason, overdue_notified_at,
                created_at, branch_id, customer_id, done_by_id, organisation_id, owner_id,
                subject_type_id, title_key, title_params)
            SELECT w.rule, w.ro_id, w.title, w.t, w.o, w.d,
                   CASE w.fate
                     WHEN 'on_time' THEN w.base + (LEAST(w.d, %(now)s) - w.base) * w.u2
                     WHEN 'late' THEN LEAST(%(now)s, w.d + interval '1 hour'
                                                     + interval '4 days' * w.u2)
                   END,
                   '',
                   CASE WHEN w.fate = 'cancelled' THEN w.t + (w.d - w.t) * w.u2 END,
                   CASE WHEN w.fate = 'cancelled' THEN %(reason)s ELSE '' END,
                   CASE WHEN w.fate IN ('late', 'overdue') AND w.d + interval '1 minute' < %(now)s
                        THEN w.d + interval '1 minute' END,
                   w.t, w.branch_id, w.customer_id,
                   CASE WHEN w.fate IN ('on_time', 'late') THEN w.owner_id END,
                   %(org)s, w.owner_id, %(ro_type)s,
                   'customer_vehicle', w.title_params
            FROM (
                SELECT x.*,
                       COALESCE(x.o, x.t) AS base,
                       CASE
                         WHEN x.d >= %(now)s THEN
                           CASE WHEN x.o > %(now)s THEN 'pending'
                                WHEN x.u < CASE WHEN x.o IS NULL THEN 0.3 ELSE 0.25 END
                                THEN 'pending'
                                ELSE 'on_time' END
                         WHEN x.d > %(now)s - interval '30 days' AND x.u < 0.01 THEN 'overdue'
                         WHEN x.u < 0.015 THEN 'cancelled'
                         WHEN x.u < 0.07 THEN 'late'
                         ELSE 'on_time'
                       END AS fate
                FROM (
                    SELECT ro.id AS ro_id, r.rule, ro.branch_id, ro.customer_id,
                           COALESCE(c.followup_advisor_id, ro.advisor_id) AS owner_id,
                           c.name || ' ' || v.plate AS title,
                           jsonb_build_object('customer', c.name, 'plate', v.plate)
                             AS title_params,
                           e.t,
                           CASE WHEN r.opens_after IS NOT NULL THEN
                             ((e.t AT TIME ZONE %(tz)s)::date + r.opens_after)::timestamp
                               AT TIME ZONE %(tz)s END AS o,
                           (((e.t AT TIME ZONE %(tz)s)::date + r.due_after + 1)::timestamp
                               AT TIME ZONE %(tz)s) - interval '1 microsecond' AS d,
                           (hashint8(ro.id * 8 + r.k) & 2147483647)::float8 / 2147483648 AS u,
                           (hashint8(ro.id * 8 + r.k + 4) & 2147483647)::float8 / 2147483648
                             AS u2
                    FROM workshop_repairorder ro
                    JOIN customers_customer c ON c.id = ro.customer_id
                    JOIN customers_vehicle v ON v.id = ro.vehicle_id
                    CROSS JOIN rules r
                    CROSS JOIN LATERAL (SELECT CASE WHEN r.on_pickup THEN ro.picked_up_at
                                                    ELSE ro.checked_in_at END AS t) e
                    WHERE e.t IS NOT NULL
                    OFFSET 0  -- evaluate each window once, not once per reference
                ) x
                OFFSET 0
            ) w
        """
        params = {"now": now, "tz": org.time_zone, "org": org.pk, "ro_type": ro_type}
        params["reason"] = CANCEL_REASONS[0]
        for index, rule in enumerate(rules.values(), start=1):
            params[f"o{index}"] = rule.opens_after
            params[f"d{index}"] = rule.due_after
        conn.execute(sql_window, params)

    analyze(conn, "obligations_obligation")
    with step("INSERT … SELECT calls (first follow-ups that fulfilled DS-3)", timings):
        conn.execute(
            """
            INSERT INTO followups_call (id, register_number, direction, purpose, occurred_at,
                reached, topics, other_topics, notes, phone_number, recorded_at, advisor_id,
                branch_id, customer_id, vehicle_id)
            SELECT row_number() OVER (ORDER BY z.occurred_at, z.obligation_id),
                   upper(z.code) || '-T-' || z.year || '-' || lpad(z.n::text, 6, '0'),
                   'out', 'first_followup', z.occurred_at, true,
                   '["usage_and_opinion", "new_needs", "new_services"]', '', '', '',
                   z.occurred_at, z.advisor_id, z.branch_id, z.customer_id, z.vehicle_id
            FROM (
                SELECT y.*, row_number() OVER (PARTITION BY y.branch_id, y.year
                                               ORDER BY y.occurred_at, y.obligation_id) AS n
                FROM (
                    SELECT o.id AS obligation_id, o.done_at AS occurred_at,
                           o.done_by_id AS advisor_id,
                           o.branch_id, o.customer_id, ro.vehicle_id, b.code,
                           extract(year FROM o.done_at AT TIME ZONE %(tz)s)::int AS year
                    FROM obligations_obligation o
                    JOIN workshop_repairorder ro ON ro.id = o.subject_id
                    JOIN org_branch b ON b.id = o.branch_id
                    WHERE o.rule = 'DS-3' AND o.done_at IS NOT NULL
                      AND (hashint8(o.subject_id * 8 + 7) & 2147483647)::float8 / 2147483648
                          < 0.66
                ) y
            ) z
            """,
            {"tz": org.time_zone},
        )
        conn.execute(
            """INSERT INTO followups_registercounter (branch_id, register, year, last)
               SELECT branch_id, 'T', split_part(register_number, '-', 3)::int,
                      max(split_part(register_number, '-', 4)::int)
               FROM followups_call GROUP BY 1, 3"""
        )
        conn.execute("DROP TABLE bench_slot")

    with step(f"recreate {len(redo)} indexes and constraints", timings):
        for ddl in redo:
            t0 = time.perf_counter()
            conn.execute(ddl)
            if time.perf_counter() - t0 > 5:
                log(f"  {time.perf_counter() - t0:5.1f} s  {ddl[:110]}")
        for table in LOADED_TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(max(id), 1) FROM {table}))"
            )

    with step("VACUUM ANALYZE", timings):
        for table in LOADED_TABLES:
            conn.execute(f"VACUUM ANALYZE {table}")

    with step("check a sample against the application's own functions", timings):
        check(org, n_customers)

    total = time.perf_counter() - started
    summary = counts(conn)
    summary["generation_seconds"] = round(total)
    summary["scale"] = scale
    summary["generated_at"] = now.isoformat()
    summary["timings"] = [[title, round(seconds)] for title, seconds in timings.items()]
    conn.execute("DROP TABLE IF EXISTS bench_meta")
    conn.execute("CREATE TABLE bench_meta (data jsonb)")
    conn.execute("INSERT INTO bench_meta VALUES (%s)", [json.dumps(summary)])
    log("rows: " + ", ".join(f"{k} {v:,}" for k, v in summary.items() if isinstance(v, int)))
    log(f"done in {total / 60:.1f} min ({url})")


def counts(conn) -> dict:
    result = {}
    for label, table in [
        ("customers", "customers_customer"),
        ("phones", "customers_customerphone"),
        ("vehicles", "customers_vehicle"),
        ("repair_orders", "workshop_repairorder"),
        ("obligations", "obligations_obligation"),
        ("calls", "followups_call"),
    ]:
        result[label] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    result["pending_obligations"] = conn.execute(
        "SELECT count(*) FROM obligations_obligation WHERE done_at IS NULL AND cancelled_at IS NULL"
    ).fetchone()[0]
    per_owner = conn.execute(
        """SELECT min(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n), max(n) FROM (
             SELECT u.id, count(o.id) AS n FROM org_user u
             JOIN auth_group g ON g.name = 'advisor'
             JOIN org_user_groups ug ON ug.user_id = u.id AND ug.group_id = g.id
             LEFT JOIN obligations_obligation o ON o.owner_id = u.id
                  AND o.done_at IS NULL AND o.cancelled_at IS NULL
             GROUP BY u.id) s"""
    ).fetchone()
    result["worklist_min"], result["worklist_median"], result["worklist_max"] = per_owner
    return result


def check(org, n_customers: int) -> None:
    """Generated keys and deadlines must be what the application itself would store."""
    from aftercare.customers.identifiers import normalise_phone, normalise_plate
    from aftercare.customers.models import Customer, CustomerPhone, Vehicle
    from aftercare.customers.names import name_key, pinyin_keys
    from aftercare.obligations.models import Obligation
    from aftercare.standard.deadlines import window
    from aftercare.standard.rules import default_rule

    sample = random.Random(1).sample(range(1, n_customers + 1), 200)
    for customer in Customer.objects.filter(pk__in=sample):
        assert customer.name_key == name_key(customer.name), customer.name
        assert (customer.name_pinyin, customer.name_initials) == pinyin_keys(customer.name)
    for phone in CustomerPhone.objects.filter(customer_id__in=sample):
        parsed = normalise_phone(phone.number)
        assert (parsed.e164, parsed.national, parsed.last4) == (
            phone.number, phone.national, phone.last4,
        ), phone.number  # fmt: skip
    for vehicle in Vehicle.objects.filter(customer_id__in=sample):
        parsed = normalise_plate(vehicle.plate)
        assert (parsed.display, parsed.key) == (vehicle.plate, vehicle.plate_key), vehicle.plate
    rules = {rule_id: default_rule(rule_id) for rule_id in ("DS-1", "DS-2", "DS-3")}
    checked = 0
    for obligation in Obligation.objects.filter(customer_id__in=sample)[:600]:
        win = window(org, obligation.rule, obligation.triggered_at, rule=rules[obligation.rule])
        assert (win.opens_at, win.due_at) == (obligation.opens_at, obligation.due_at), (
            obligation.pk, win, obligation.opens_at, obligation.due_at,
        )  # fmt: skip
        checked += 1
    assert checked, "no obligations in the sample"
    log(f"  200 customers, their phones, plates and {checked} obligation windows match")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1 M customers")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"default $BENCH_DATABASE_URL or {database.DEFAULT_URL}",
    )
    args = parser.parse_args(argv)
    generate(args)


if __name__ == "__main__":
    main()
