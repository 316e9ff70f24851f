from aftercare.cases.models import RaisedItem, State
from aftercare.org.access import ensure_permission, restrict
from aftercare.standard.calendar import days_span

# DS-4/DS-5: the supervisor's queue and the solution of what was escalated to them.
SOLVE_ESCALATED = "cases.solve_escalated"


def visible_items(user):
    """Raised items of the user's branch (the desk works them branch-wide); administrators see
    their organisation's."""
    qs = RaisedItem.objects.select_related("customer", "owner", "call")
    return restrict(qs, user, "cases.view_raiseditem")


def filtered_items(user, filters: dict, tz):
    """The list's filters; `from`/`to` are local dates of `tz`, both included."""
    items = visible_items(user)
    for name in ("state", "kind"):
        if filters.get(name):
            items = items.filter(**{name: filters[name]})
    if filters.get("branch"):
        items = items.filter(branch_id=filters["branch"])
    if filters.get("customer_id"):
        items = items.filter(customer_id=filters["customer_id"])
    if filters.get("open"):
        items = items.exclude(state=State.CLOSED)
    first, last = filters.get("from"), filters.get("to")
    if first or last:
        since, until = days_span(first or last, last or first, tz)
        if first:
            items = items.filter(raised_at__gte=since)
        if last:
            items = items.filter(raised_at__lt=until)
    return items


def open_items(user):
    return visible_items(user).exclude(state=State.CLOSED)


def escalation_queue(user):
    """The supervisor's queue: escalated items of their branch, oldest first."""
    ensure_permission(user, SOLVE_ESCALATED)
    return visible_items(user).filter(state=State.ESCALATED).order_by("escalated_at", "id")


# Hours between raising and closing, per database (SQLite has no interval type).
_HOURS_TO_CLOSE = {
    "postgresql": "EXTRACT(EPOCH FROM (closed_at - raised_at)) / 3600.0",
    "sqlite": "(julianday(closed_at) - julianday(raised_at)) * 24.0",
}


def items_by_kind(branch_id: int, *, start, end) -> list[dict]:
    """Items raised in [start, end) per kind: raised, closed, still open, and the mean and
    median hours to close of the closed ones — one SQL statement.

    The median is the mean of the middle one or two rows by ROW_NUMBER (portable: SQLite has
    no percentile function); `h IS NULL` sorts the open items last on both databases.
    """
    from django.db import connection

    hours = _HOURS_TO_CLOSE[connection.vendor]
    sql = f"""
        WITH items AS (
            SELECT kind, CASE WHEN closed_at IS NOT NULL THEN {hours} END AS h
            FROM cases_raiseditem
            WHERE branch_id = %s AND raised_at >= %s AND raised_at < %s
        ), ranked AS (
            SELECT kind, h,
                   ROW_NUMBER() OVER (PARTITION BY kind ORDER BY h IS NULL, h) AS rn,
                   COUNT(h) OVER (PARTITION BY kind) AS n
            FROM items
        )
        SELECT kind, COUNT(*), COUNT(h), AVG(h),
               AVG(CASE WHEN h IS NOT NULL AND rn IN ((n + 1) / 2, (n + 2) / 2) THEN h END)
        FROM ranked GROUP BY kind ORDER BY kind
    """  # noqa: S608 — `hours` is one of two constants above; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [branch_id, start, end])
        rows = cursor.fetchall()
    return [
        {
            "kind": kind,
            "raised": raised,
            "closed": closed,
            "open": raised - closed,
            "avg_hours": round(float(avg), 2) if avg is not None else None,
            "median_hours": round(float(median), 2) if median is not None else None,
        }
        for kind, raised, closed, avg, median in rows
    ]
