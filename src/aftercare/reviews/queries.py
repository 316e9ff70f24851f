"""Read side of reviews: who sees which branch, the dashboard's figures and the snapshot a
review stores. Every count comes from a GROUP BY in the apps' own queries; only the handful of
group rows they return is arranged here."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.cases.queries import items_by_kind
from aftercare.errors import InvalidInput
from aftercare.followups.queries import calls_by_purpose
from aftercare.obligations.models import Obligation
from aftercare.obligations.queries import (
    FIGURE_NAMES,
    Figures,
    bucket,
    compliance,
    figures_grouped,
)
from aftercare.org.access import is_signed_in, restrict
from aftercare.org.models import Branch, User
from aftercare.reviews import periods
from aftercare.reviews.choices import ReviewKind
from aftercare.reviews.models import Review
from aftercare.standard.calendar import start_of_day
from aftercare.standard.rules import rulebook_order

VIEW = "reviews.view_review"
FINALISE = "reviews.finalise_review"
TREND_MONTHS = 12
# The building-systems rules that open obligations, shown on the dashboard of a branch that
# runs that desk even in a quiet period (BS-5 is a warranty's term, not a duty; BS-13's
# emergencies run on the BS-7/BS-8 clocks; BS-1, BS-3, BS-4, BS-14 have no deadline).
BUILDING_RULES = ("BS-2", "BS-6", "BS-7", "BS-8", "BS-9", "BS-10", "BS-11", "BS-12")


def visible_branches(user):
    """Administrators: every branch of the organisation; supervisors: their own; else none."""
    qs = Branch.objects.select_related("organisation").order_by("code")
    return restrict(qs, user, VIEW, branch_field="")


def get_branch_for(user, branch_id: int | None) -> Branch:
    """The branch asked for, or the user's own; 404 when it is not theirs to see."""
    branches = visible_branches(user)
    if branch_id is None:
        branch = branches.filter(pk=user.branch_id).first() or branches.first()
        if branch is None:
            raise Http404
        return branch
    return get_object_or_404(branches, pk=branch_id)


def visible_reviews(user):
    return Review.objects.filter(branch__in=visible_branches(user)).select_related(
        "branch", "branch__organisation", "finalised_by"
    )


def get_review_for(user, review_id: int) -> Review:
    return get_object_or_404(visible_reviews(user), pk=review_id)


def can_write(user, branch) -> bool:
    """DS-11: the branch's own supervisor writes and finalises its reviews."""
    return is_signed_in(user) and user.has_perm(FINALISE) and user.branch_id == branch.pk


# ---------------------------------------------------------------------------- figures


def _row(figures: Figures, **key) -> dict:
    row = {**key, **{name: getattr(figures, name) for name in FIGURE_NAMES}}
    row["on_time_rate"] = figures.on_time_rate
    return row


def _owner_names(ids) -> dict[int, str]:
    return {user.pk: str(user) for user in User.objects.filter(pk__in=list(ids))}


def branch_obligations(branch):
    return Obligation.objects.filter(branch_id=branch.pk)


def compliance_rows(branch, period: periods.Period, *, group_by: str, now) -> list[dict]:
    """Per rule or per owner; the API and the page share it."""
    groups = compliance(
        branch_obligations(branch), start=period.start, end=period.end, group_by=group_by, now=now
    )
    if group_by == "rule":
        return [_row(f, rule=f.key["rule"]) for f in groups]
    names = _owner_names(f.key["owner_id"] for f in groups)
    rows = [
        _row(f, owner_id=f.key["owner_id"], owner=names.get(f.key["owner_id"], "")) for f in groups
    ]
    return sorted(rows, key=lambda row: (row["owner"], row["owner_id"]))


WEEKS_SHOWN = 26  # the weekly chart shows at most the last half year of a long range


def _week_starts(period: periods.Period, today: date) -> list[date]:
    """Mondays of the weeks the period touches (at most the last WEEKS_SHOWN up to this week
    for a range that runs into the future), then the next Monday."""
    last = min(period.last, today) if period.first <= today else period.last
    last_monday = last - timedelta(days=last.weekday())
    first_monday = max(
        period.first - timedelta(days=period.first.weekday()),
        last_monday - timedelta(weeks=WEEKS_SHOWN - 1),
    )
    count = (last_monday - first_monday).days // 7 + 2
    return [first_monday + timedelta(weeks=n) for n in range(count)]


def _month_starts(first: date, last: date) -> list[date]:
    """First days of the months from `first`'s to `last`'s, then of the month after."""
    starts = [first.replace(day=1)]
    while starts[-1] <= last:
        starts.append((starts[-1] + timedelta(days=32)).replace(day=1))
    return starts


def _figures(rows) -> Figures:
    """The sum of group rows SQL counted (a rule's figures add up across owners and weeks)."""
    return Figures(key={}, **{name: sum(row[name] for row in rows) for name in FIGURE_NAMES})


def _by(rows, field) -> dict:
    groups: dict = {}
    for row in rows:
        groups.setdefault(row[field], []).append(row)
    return groups


def _cube(branch, period: periods.Period, now, *, weeks=None, months=None) -> list[dict]:
    """One GROUP BY over the obligations of the branch: rule × owner × inside the period ×
    week of the period × month of `months` (a list of month starts), with every figure."""
    tz = period.tz
    start, end = period.start, period.end
    keys = {"inside": Case(When(due_at__gte=start, due_at__lt=end, then=Value(1)), default=Value(0),
                           output_field=IntegerField())}  # fmt: skip
    if weeks:
        keys["week"] = bucket("due_at", [start_of_day(day, tz) for day in weeks])
    if months:
        bounds = [start_of_day(day, tz) for day in months]
        keys["month"] = bucket("due_at", bounds)
        start, end = min(start, bounds[0]), max(end, bounds[-1])
    return figures_grouped(
        branch_obligations(branch), start=start, end=end, fields=["rule", "owner_id"],
        keys=keys, now=now,
    )  # fmt: skip


def _rule_rows(rows) -> list[dict]:
    groups = _by(rows, "rule")
    return [_row(_figures(groups[rule]), rule=rule) for rule in sorted(groups, key=rulebook_order)]


def _owner_rows(rows) -> list[dict]:
    groups = _by(rows, "owner_id")
    names = _owner_names(groups)
    out = [_row(_figures(g), owner_id=pk, owner=names.get(pk, "")) for pk, g in groups.items()]
    return sorted(out, key=lambda row: (row["owner"], row["owner_id"]))


def _bucket_rows(rows, field, starts: list[date], label) -> list[dict]:
    """One row per bucket that has obligations, in order, labelled by its first day."""
    groups = _by([row for row in rows if row[field] is not None], field)
    return [_row(_figures(groups[i]), start=label(starts[i])) for i in sorted(groups)]


def snapshot(branch, period: periods.Period, *, kind: str | None = None, now=None) -> dict:
    """Every figure of a period as plain JSON: what a review stores and the page shows."""
    return _snapshot(branch, period, kind=kind, now=now)[0]


def _snapshot(branch, period, *, kind=None, now=None, trend=False):
    now = now or timezone.now()
    months = _month_starts(period.first, period.last) if kind == ReviewKind.YEARLY else None
    weeks = trend_months = None
    if trend:
        today = local_today(period.tz, now)
        weeks = _week_starts(period, today)
        window = trend_window(period, today)
        months = trend_months = _month_starts(window.first, window.last)
    rows = _cube(branch, period, now, weeks=weeks, months=months)
    inside = [row for row in rows if row["inside"]]
    data = {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "computed_at": timezone.localtime(now, period.tz).isoformat(),
        "total": _row(_figures(inside)),
        "by_rule": _rule_rows(inside),
        "by_owner": _owner_rows(inside),
        "items": items_by_kind(branch.pk, start=period.start, end=period.end),
        "calls": calls_by_purpose(branch.pk, start=period.start, end=period.end),
    }
    if kind == ReviewKind.YEARLY:  # every month, the quiet ones with zeros
        groups = _by([row for row in inside if row["month"] is not None], "month")
        data["months"] = [
            {"month": f"{day:%Y-%m}", **_row(_figures(groups.get(index, [])))}
            for index, day in enumerate(months[:-1])
        ]
    extra = {}
    if trend:
        extra["weekly"] = _bucket_rows(inside, "week", weeks, date.isoformat)
        extra["monthly"] = _bucket_rows(rows, "month", trend_months, date.isoformat)
    return data, extra


def trend_window(period: periods.Period, today: date | None = None) -> periods.Period:
    """The twelve months up to the period's last month (or this month, for a range that runs
    into the future): the monthly chart's range."""
    last_day = min(period.last, today) if today and period.first <= today else period.last
    last = periods.month_of(last_day, period.tz)
    first = last.first
    for _step in range(TREND_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return periods.Period(first, last.last, period.tz)


# ---------------------------------------------------------------------------- drill-downs


def obligations_url(branch, period: periods.Period, **filters) -> str:
    params = {"branch": branch.pk, "due_from": period.first, "due_to": period.last}
    params.update({k: v for k, v in filters.items() if v not in (None, "")})
    return f"{reverse('obligations:list')}?{urlencode(params)}"


def calls_url(branch, period: periods.Period, **filters) -> str:
    params = {"branch": branch.pk, "from": period.first, "to": period.last, **filters}
    return f"{reverse('followups:register')}?{urlencode(params)}"


def items_url(branch, period: periods.Period, **filters) -> str:
    params = {"branch": branch.pk, "from": period.first, "to": period.last, **filters}
    return f"{reverse('cases:list')}?{urlencode(params)}"


def with_links(data: dict, branch, period: periods.Period) -> dict:
    """Attach a drill-down URL to every figure: `links[figure]` on each row."""

    def links(**filters):
        return {
            name: obligations_url(branch, period, figure=name, **filters) for name in FIGURE_NAMES
        }

    data["total"]["links"] = links()
    for row in data["by_rule"]:
        row["links"] = links(rule=row["rule"])
    for row in data["by_owner"]:
        row["links"] = links(owner=row["owner_id"])
    for row in data["items"]:
        row["link"] = items_url(branch, period, kind=row["kind"])
        row["open_link"] = items_url(branch, period, kind=row["kind"], open="on")
    for row in data["calls"]:
        row["link"] = calls_url(branch, period, purpose=row["purpose"], direction=row["direction"])
    for row in data.get("months", []):
        month = periods.review_period(ReviewKind.MONTHLY, row["month"], period.tz)
        row["links"] = {name: obligations_url(branch, month, figure=name) for name in FIGURE_NAMES}
    return data


# ---------------------------------------------------------------------------- frozen vs live


def differences(frozen: dict, live: dict) -> list[dict]:
    """What changed since a review was finalised: per rule and in total, per figure."""
    out = []

    def compare(group: str, old: dict, new: dict):
        for name in [*FIGURE_NAMES, "on_time_rate"]:
            if old.get(name) != new.get(name):
                out.append({"group": group, "figure": name, "frozen": old.get(name),
                            "live": new.get(name)})  # fmt: skip

    compare("total", frozen.get("total", {}), live.get("total", {}))
    old_rules = {row["rule"]: row for row in frozen.get("by_rule", [])}
    new_rules = {row["rule"]: row for row in live.get("by_rule", [])}
    for rule in sorted(set(old_rules) | set(new_rules)):
        compare(rule, old_rules.get(rule, {}), new_rules.get(rule, {}))
    old_calls = sum(row["calls"] for row in frozen.get("calls", []))
    new_calls = sum(row["calls"] for row in live.get("calls", []))
    if old_calls != new_calls:
        out.append({"group": "calls", "figure": "calls", "frozen": old_calls, "live": new_calls})
    return out


def finalised_review_of(branch, period: periods.Period) -> Review | None:
    """The finalised review that covers exactly this period, if any."""
    for kind in (ReviewKind.MONTHLY, ReviewKind.YEARLY):
        try:
            if periods.review_period(kind, periods.label(kind, period), period.tz) == period:
                return Review.objects.filter(
                    branch=branch, kind=kind, period=periods.label(kind, period),
                    status="finalised",
                ).first()  # fmt: skip
        except InvalidInput:  # a year outside the reviews' range: no review
            continue
    return None


def local_today(tz, now=None) -> date:
    return timezone.localtime(now or timezone.now(), tz).date()


def _with_desk_rules(data: dict, branch) -> dict:
    """A branch running the building-systems desk sees every one of its rules (zeros for the
    quiet ones), so a rule nobody worked on is seen as quiet rather than missing. Only the page
    does this: reviews store what fell due, as before."""
    if not branch.runs_building_systems:
        return data
    present = {row["rule"] for row in data["by_rule"]}
    quiet = [
        {**_row(_figures([]), rule=rule), "quiet": True}
        for rule in BUILDING_RULES
        if rule not in present
    ]
    data["by_rule"] = sorted(
        [*data["by_rule"], *quiet], key=lambda row: rulebook_order(row["rule"])
    )
    return data


def _without_quiet(figures: dict) -> dict:
    return {**figures, "by_rule": [row for row in figures["by_rule"] if not row.get("quiet")]}


def dashboard(branch, period: periods.Period, *, now=None) -> dict:
    """Everything the dashboard page shows for a branch and period, drill-down links included;
    where a finalised review covers exactly this period, what changed since it was frozen."""
    now = now or timezone.now()
    data, trends = _snapshot(branch, period, now=now, trend=True)
    figures = with_links(_with_desk_rules(data, branch), branch, period)
    today = local_today(period.tz, now)
    weekly = _mark_partial(trends["weekly"], today - timedelta(days=today.weekday()))
    monthly = _mark_partial(trends["monthly"], today.replace(day=1))
    for row in monthly:
        row["label"] = _partial_label(row["start"][:7], row["partial"])
    review = finalised_review_of(branch, period)
    return {
        "figures": figures,
        "weekly": weekly,
        "monthly": monthly,
        "partial": period.first <= today <= period.last,
        "today": today,
        "chart": {
            "weekly": {
                "labels": [row["label"] for row in weekly],
                "rates": [_percent(row["on_time_rate"]) for row in weekly],
                "partial": [row["partial"] for row in weekly],
            },
            "monthly": {
                "labels": [row["label"] for row in monthly],
                "rates": [_percent(row["on_time_rate"]) for row in monthly],
                "partial": [row["partial"] for row in monthly],
            },
        },  # fmt: skip
        "review": review,
        "differences": differences(review.figures, _without_quiet(figures)) if review else [],
    }


def _mark_partial(rows, current_start: date) -> list[dict]:
    """The week or month that holds today is not over: its point is marked `partial` and its
    label says "so far", so a half-done month is not read as a collapse."""
    for row in rows:
        row["partial"] = row["start"] == current_start.isoformat()
        row["label"] = _partial_label(row["start"], row["partial"])
    return rows


def _partial_label(label: str, partial: bool) -> str:
    return _("%(period)s (so far)") % {"period": label} if partial else label


def _percent(rate) -> float | None:
    return None if rate is None else round(rate * 100, 2)
