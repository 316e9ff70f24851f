"""Read side of obligations: worklists, filtered lists and compliance figures, all in SQL."""

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from aftercare.obligations.choices import Status
from aftercare.obligations.models import (
    Notification,
    Obligation,
    ObligationQuerySet,
    pending_status,
)
from aftercare.org.models import User
from aftercare.org.queries import absent_colleagues, acting_owners, cover_of
from aftercare.statements import Prepared, counted_page, page_length


def worklist(
    user: User, now: datetime | None = None, *, covered: Sequence[int] | None = None
) -> ObligationQuerySet:
    """The user's own pending obligations plus those of colleagues they stand in for (DS-10)
    (`covered`, when the caller has read them already)."""
    now = now or timezone.now()
    if covered is None:
        covered = absent_colleagues(user, now)
    return (
        Obligation.objects.pending()
        .filter(Q(owner=user) | Q(owner_id__in=covered))
        .with_status(now)
        .select_related("owner", "customer", "branch")
        .order_by("due_at", "id")
    )


@dataclass(frozen=True)
class WorklistPage:
    rows: list[dict[str, Any]]  # `fields` of each obligation, its status, who carries it now
    count: int  # of the whole worklist


def worklist_page(
    user: User, fields: Sequence[str], *, limit: int, offset: int, now: datetime | None = None
) -> WorklistPage:
    """One page of `worklist` as rows, in two statements: who stands in for whom (both ways),
    then the page with the worklist's length beside each row (a window count, not a second
    query). Rows are pending by definition, so their status is read from their moments."""
    now = now or timezone.now()
    cover = cover_of(user, now)
    owners = {"user": user.pk, **{f"c{i}": pk for i, pk in enumerate(cover.colleagues)}}
    statement = _worklist_statement(tuple(fields), len(cover.colleagues), limit, offset)
    rows = statement.run(**owners)
    count = page_length(rows, offset, _pending_of(user.pk, cover.colleagues).count)
    for row in rows:
        row["status"] = pending_status(row["opens_at"], row["due_at"], now)
        row["acting_owner_id"] = cover.acting.get(row["owner_id"], row["owner_id"])
    return WorklistPage(rows, count)


def _pending_of(user: int, colleagues: Sequence[int]) -> ObligationQuerySet:
    return (
        Obligation.objects.pending()
        .filter(Q(owner_id=user) | Q(owner_id__in=list(colleagues)))
        .order_by("due_at", "id")
    )


@functools.lru_cache(maxsize=64)
def _worklist_statement(
    fields: tuple[str, ...], colleagues: int, limit: int, offset: int
) -> Prepared[Obligation]:
    """The page statement of one shape (how many colleagues are covered, which page),
    compiled once: the worklist is the most frequent request."""

    def build(user: int, **carried: int) -> QuerySet[Obligation, dict[str, Any]]:
        pending = _pending_of(user, [carried[f"c{i}"] for i in range(colleagues)])
        rows = pending.values(*fields, "opens_at", "due_at", "owner_id")
        return counted_page(rows, limit=limit, offset=offset)

    return Prepared(build, user=int, **{f"c{i}": int for i in range(colleagues)})


def with_acting_owner(
    obligations: Iterable[Obligation], now: datetime | None = None
) -> list[Obligation]:
    """Attach `acting_owner_id`: the stand-in who carries a pending obligation right now."""
    now = now or timezone.now()
    rows = list(obligations)
    stand_ins = acting_owners(sorted({row.owner_id for row in rows}), now)
    for row in rows:
        row.acting_owner_id = stand_ins.get(row.owner_id, row.owner_id) if row.is_pending else None
    return rows


def search(
    user: User,
    *,
    now: datetime | None = None,
    customer_id: int | None = None,
    rule: str | None = None,
    status: str | None = None,
    owner_id: int | None = None,
    branch_id: int | None = None,
    figure: str | None = None,
    due_from: datetime | None = None,
    due_until: datetime | None = None,
) -> ObligationQuerySet:
    """`figure` and the due range [due_from, due_until) are the dashboard's drill-downs."""
    now = now or timezone.now()
    qs = Obligation.objects.visible_to(user, now).with_status(now)
    if figure:
        # `status` is with_status's annotation (a Q: the type checker knows fields only).
        qs = qs.filter(Q(status__in=FIGURE_STATUSES[figure]))
    if due_from is not None:
        qs = qs.filter(due_at__gte=due_from)
    if due_until is not None:
        qs = qs.filter(due_at__lt=due_until)
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if rule:
        qs = qs.filter(rule=rule)
    if status:
        qs = qs.filter(Q(status=status))
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if branch_id is not None:
        qs = qs.filter(branch_id=branch_id)
    return qs.select_related("owner", "customer").order_by("due_at", "id")


@dataclass(frozen=True)
class Figures:
    """Compliance figures of one group (a rule, an owner, or a rule × owner pair)."""

    key: dict[str, Any]
    due: int
    on_time: int
    late: int
    early: int
    open: int
    overdue: int
    cancelled: int

    @property
    def on_time_rate(self) -> float | None:
        """On-time share of what is due or done (cancelled ones excluded); None when nothing is.

        Work due later in the period (`open`, shown as "due later") is not in `due`: counting
        it made a month look 21 % on time on its 3rd day (issue 10)."""
        return round(self.on_time / self.due, 4) if self.due else None


# Which derived statuses each figure counts: the drill-down from a figure lists exactly these.
# `due` is what is due or done by now: on time + late + early + overdue. `open` (labelled "Due
# later") is pending work not due yet; the key stays `open` because finalised reviews store
# their figures as JSON under these names, and for a period that has ended `open` is 0, so
# their frozen `due` means the same under both definitions.
FIGURE_STATUSES = {
    "due": [Status.DONE_ON_TIME, Status.DONE_LATE, Status.DONE_EARLY, Status.OVERDUE],
    "on_time": [Status.DONE_ON_TIME],
    "late": [Status.DONE_LATE],
    "early": [Status.DONE_EARLY],
    "open": [Status.OPEN, Status.UPCOMING],
    "overdue": [Status.OVERDUE],
    "cancelled": [Status.CANCELLED],
}
FIGURE_NAMES = list(FIGURE_STATUSES)


def figure_filters(now: datetime) -> dict[str, Q]:
    """The figures as plain conditions on the timestamps, equivalent to FIGURE_STATUSES.

    Cheaper than comparing `status_expression` (a 7-branch CASE evaluated once per figure and
    row): on 1 M rows the by-rule figures take ~380 ms instead of ~580 (bench/RESULTS.md).
    Since opens_at ≤ due_at (a constraint), done after due is never early and overdue is never
    upcoming, so the conditions stay this short.
    """
    live = Q(cancelled_at__isnull=True)
    pending = live & Q(done_at__isnull=True)
    not_early = Q(opens_at__isnull=True) | Q(done_at__gte=F("opens_at"))
    return {
        "due": live & (Q(done_at__isnull=False) | Q(due_at__lt=now)),
        "on_time": live & Q(done_at__lte=F("due_at")) & not_early,
        "late": live & Q(done_at__gt=F("due_at")),
        "early": live & Q(opens_at__isnull=False, done_at__lt=F("opens_at")),
        "open": pending & Q(due_at__gte=now),
        "overdue": pending & Q(due_at__lt=now),
        "cancelled": Q(cancelled_at__isnull=False),
    }


def figure_counts(now: datetime) -> dict[str, Count]:
    return {name: Count("id", filter=q) for name, q in figure_filters(now).items()}


def bucket(field: str, bounds: list[datetime]) -> Case | Value:
    """The index i of [bounds[i], bounds[i+1]) holding `field`, else NULL: buckets cut at
    moments computed in Python (local midnights of the organisation), so no per-row time-zone
    conversion is needed and SQLite and PostgreSQL agree."""
    if len(bounds) < 2:
        return Value(None, output_field=IntegerField())
    whens = [
        When(**{f"{field}__gte": bounds[0], f"{field}__lt": upper}, then=Value(index))
        for index, upper in enumerate(bounds[1:])
    ]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def figures_grouped(
    obligations: QuerySet[Obligation],
    *,
    start: datetime,
    end: datetime,
    fields: Sequence[str] = (),
    keys: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Figures for obligations falling due in [start, end) per combination of model `fields`
    and `keys` (name → expression), in one GROUP BY: the dashboard asks once for rule × owner
    × week × month and adds up the few hundred group rows it gets back."""
    now = now or timezone.now()
    keys = keys or {}
    return list(
        obligations.filter(due_at__gte=start, due_at__lt=end)
        .annotate(**keys)
        .values(*fields, *keys)
        .annotate(**figure_counts(now))
        .order_by()
    )


GROUP_FIELDS = {"rule": ["rule"], "owner": ["owner_id"], "rule_owner": ["rule", "owner_id"]}


def compliance(
    obligations: QuerySet[Obligation],
    *,
    start: datetime,
    end: datetime,
    group_by: str = "rule",
    now: datetime | None = None,
) -> list[Figures]:
    """Figures for obligations falling due in [start, end), grouped in one SQL query.

    `due` counts what is due or done and was not cancelled: on_time + late + early + overdue;
    `open` is the pending work due later in the period, outside the rate.
    """
    now = now or timezone.now()
    fields = GROUP_FIELDS[group_by]
    rows = (
        obligations.filter(due_at__gte=start, due_at__lt=end)
        .values(*fields)
        .annotate(**figure_counts(now))
        .order_by(*fields)
    )
    return [
        Figures(
            key={field: row[field] for field in fields},
            **{name: row[name] for name in Figures.__dataclass_fields__ if name != "key"},
        )
        for row in rows
    ]


def compliance_by_period(
    obligations: QuerySet[Obligation],
    *,
    start: datetime,
    end: datetime,
    period: str,
    tz: tzinfo,
    now: datetime | None = None,
) -> list[tuple[date, Figures]]:
    """Figures per local week (Monday) or month of the due moment in [start, end), one query.

    The buckets are cut in `tz` (the organisation's time zone), so an obligation due at
    23:59:59.999999 local on the last day of a month counts in that month.
    """
    now = now or timezone.now()
    trunc = {"week": TruncWeek, "month": TruncMonth}[period]
    rows: Iterable[Mapping[str, Any]] = (
        obligations.filter(due_at__gte=start, due_at__lt=end)
        .annotate(bucket=trunc("due_at", tzinfo=tz))
        .values("bucket")
        .annotate(**figure_counts(now))
        .order_by("bucket")
    )
    return [
        (
            timezone.localtime(row["bucket"], tz).date()
            if isinstance(row["bucket"], datetime)
            else row["bucket"],
            Figures(key={}, **{name: row[name] for name in FIGURE_NAMES}),
        )
        for row in rows
    ]


@dataclass
class WorklistSections:
    overdue: list[Obligation]
    today: list[Obligation]
    open: list[Obligation]
    upcoming: list[Obligation]

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.open) + len(self.upcoming)


def worklist_sections(
    user: User, now: datetime | None = None, tz: tzinfo | None = None
) -> WorklistSections:
    """My work, split the way an advisor plans a day: overdue, due today, open, not yet open."""
    now = now or timezone.now()
    tz = tz or timezone.get_current_timezone()
    today = timezone.localtime(now, tz).date()
    sections = WorklistSections([], [], [], [])
    for row in with_acting_owner(worklist(user, now), now):
        if row.status == Status.OVERDUE:
            sections.overdue.append(row)
        elif row.status == Status.UPCOMING:
            sections.upcoming.append(row)
        elif timezone.localtime(row.due_at, tz).date() == today:
            sections.today.append(row)
        else:
            sections.open.append(row)
    return sections


def open_work_by_owner(user_ids: Iterable[int]) -> dict[int, int]:
    """Pending obligations per owner: what moves to a stand-in while they are away (DS-10)."""
    rows = (
        Obligation.objects.pending()
        .filter(owner_id__in=list(user_ids))
        .values("owner_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["owner_id"]: row["n"] for row in rows}


NOTICES_SHOWN = 20


def live_notifications(user: User) -> list[Notification]:
    """The user's unread notices whose work is still pending, newest first.

    A notice asks for action; once its work is done or cancelled there is nothing left to do,
    so it leaves My work (issue 10: supervisor1's overdue notices listed work done since). The
    row stays in the database, and the work with its outcome stays on the obligations list.
    """
    return list(
        user.notifications.filter(
            read_at__isnull=True,
            obligation__done_at__isnull=True,
            obligation__cancelled_at__isnull=True,
        ).select_related("obligation", "obligation__owner")[:NOTICES_SHOWN]
    )
