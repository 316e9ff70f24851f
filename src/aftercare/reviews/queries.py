"""Read side of reviews: who sees which branch, the dashboard's figures and the snapshot a
review stores. Every count comes from a GROUP BY in the apps' own queries; only the handful of
group rows they return is arranged here."""

from datetime import date, timedelta
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from aftercare.cases.queries import items_by_kind
from aftercare.errors import InvalidInput
from aftercare.followups.queries import calls_by_purpose
from aftercare.obligations.models import Obligation
from aftercare.obligations.queries import (
    FIGURE_NAMES,
    Figures,
    compliance,
    compliance_by_period,
)
from aftercare.org.models import Branch, User
from aftercare.reviews import periods
from aftercare.reviews.choices import ReviewKind
from aftercare.reviews.models import Review

VIEW = "reviews.view_review"
FINALISE = "reviews.finalise_review"
TREND_MONTHS = 12


def visible_branches(user):
    """Administrators: every branch of the organisation; supervisors: their own; else none."""
    qs = Branch.objects.select_related("organisation").order_by("code")
    if user.is_superuser:
        return qs
    if not user.has_perm(VIEW):
        return qs.none()
    if user.is_administrator:
        return qs.filter(organisation_id=user.organisation_id)
    return qs.filter(pk=user.branch_id)


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
    return user.has_perm(FINALISE) and user.branch_id == branch.pk


# ---------------------------------------------------------------------------- figures


def _row(figures: Figures, **key) -> dict:
    row = {**key, **{name: getattr(figures, name) for name in FIGURE_NAMES}}
    row["on_time_rate"] = figures.on_time_rate
    return row


def _total(groups: list[Figures]) -> Figures:
    """Sum of the group counts SQL returned (a rule's figures add up across owners)."""
    sums = {name: sum(getattr(f, name) for f in groups) for name in FIGURE_NAMES}
    return Figures(key={}, **sums)


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


def trend(branch, period: periods.Period, *, by: str, now) -> list[dict]:
    buckets = compliance_by_period(
        branch_obligations(branch), start=period.start, end=period.end, period=by,
        tz=period.tz, now=now,
    )  # fmt: skip
    return [_row(figures, start=day.isoformat()) for day, figures in buckets]


def snapshot(branch, period: periods.Period, *, kind: str | None = None, now=None) -> dict:
    """Every figure of a period as plain JSON: what a review stores and the page shows."""
    now = now or timezone.now()
    by_rule = compliance_rows(branch, period, group_by="rule", now=now)
    by_owner = compliance_rows(branch, period, group_by="owner", now=now)
    total = _total([Figures(key={}, **{n: r[n] for n in FIGURE_NAMES}) for r in by_rule])
    data = {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "computed_at": timezone.localtime(now, period.tz).isoformat(),
        "total": _row(total),
        "by_rule": by_rule,
        "by_owner": by_owner,
        "items": items_by_kind(branch.pk, start=period.start, end=period.end),
        "calls": calls_by_purpose(branch.pk, start=period.start, end=period.end),
    }
    if kind == ReviewKind.YEARLY:
        found = {row["start"][:7]: row for row in trend(branch, period, by="month", now=now)}
        empty = _row(Figures(key={}, **dict.fromkeys(FIGURE_NAMES, 0)))
        data["months"] = []
        for month in periods.months_in(period):  # every month, the quiet ones with zeros
            label = periods.label(ReviewKind.MONTHLY, month)
            row = {k: v for k, v in found.get(label, empty).items() if k != "start"}
            data["months"].append({"month": label, **row})
    return data


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


def calls_url(period: periods.Period, **filters) -> str:
    params = {"from": period.first, "to": period.last, **filters}
    return f"{reverse('followups:register')}?{urlencode(params)}"


def items_url(period: periods.Period, **filters) -> str:
    params = {"from": period.first, "to": period.last, **filters}
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
        row["link"] = items_url(period, kind=row["kind"])
        row["open_link"] = items_url(period, kind=row["kind"], open="1")
    for row in data["calls"]:
        row["link"] = calls_url(period, purpose=row["purpose"], direction=row["direction"])
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


def dashboard(branch, period: periods.Period, *, now=None) -> dict:
    """Everything the dashboard page shows for a branch and period, drill-down links included;
    where a finalised review covers exactly this period, what changed since it was frozen."""
    now = now or timezone.now()
    figures = with_links(snapshot(branch, period, now=now), branch, period)
    weekly = trend(branch, period, by="week", now=now)
    months = trend_window(period, local_today(period.tz, now))
    monthly = trend(branch, months, by="month", now=now)
    review = finalised_review_of(branch, period)
    return {
        "figures": figures,
        "weekly": weekly,
        "monthly": monthly,
        "chart": {
            "weekly": {
                "labels": [row["start"] for row in weekly],
                "rates": [_percent(row["on_time_rate"]) for row in weekly],
            },
            "monthly": {
                "labels": [row["start"][:7] for row in monthly],
                "rates": [_percent(row["on_time_rate"]) for row in monthly],
            },
        },  # fmt: skip
        "review": review,
        "differences": differences(review.figures, figures) if review else [],
    }


def _percent(rate) -> float | None:
    return None if rate is None else round(rate * 100, 2)
