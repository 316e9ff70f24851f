"""The only writers of the monthly service reports.

- ``start_month_runs`` (tick): on or after the 1st, local time, one ``ReportRun`` per
  organisation running the building-systems desk for last month. The claim is the partial
  unique constraint ``reportrun_one_tick_run`` (an INSERT in a savepoint: of two ticks, one
  wins); the task is enqueued in the same transaction, so with the database backend both land
  or neither.
- ``request_run`` ("generate now"): a supervisor's batch of an ended month for their branch
  (an administrator: the organisation); every site gets a new version.
- ``process_run`` (the worker): the sites under contract in that month, in chunks of
  ``CHUNK`` sites; each chunk is one transaction that locks the run and the chunk's sites,
  computes the figures set-based (``figures.compute``) and writes the reports with
  ``bulk_create``. A retried task continues where it stopped: sites that already have a report
  of this run are skipped (and ``monthlyreport_run_site`` stands behind it).
- ``regenerate``: one site's month again, as version n+1 (earlier versions are kept).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from aftercare.errors import InvalidInput
from aftercare.org.access import ensure_allowed, ensure_allowed_in, works_in
from aftercare.org.models import Branch, Organisation, User
from aftercare.servicereports.choices import RunState
from aftercare.servicereports.figures import (
    Calendars,
    Month,
    compute,
    previous_month,
    sites_under_contract,
)
from aftercare.servicereports.models import MonthlyReport, ReportRun
from aftercare.servicereports.tasks import generate_reports
from aftercare.sites.models import Site

logger = logging.getLogger(__name__)

GENERATE = "servicereports.generate_monthlyreport"
CHUNK = 500  # sites per transaction: a handful of GROUP BY-sized queries each

# chunk index, sites in it, seconds spent on figures, seconds in all (the benchmark reads it)
ChunkTiming = Callable[[int, int, float, float], None]


def start_month_runs(now: datetime | None = None) -> int:
    """Tick: last month's batch for every organisation that has none yet (see the module)."""
    now = now or timezone.now()
    started = 0
    organisations = Organisation.objects.filter(branches__runs_building_systems=True).distinct()
    for organisation in organisations:
        month = previous_month(now, organisation.tz)
        if organisation.created_at >= month.end:  # it owes no report of before its time
            continue
        if ReportRun.objects.filter(
            organisation=organisation, month=month.first, requested_by__isnull=True
        ).exists():
            continue
        try:
            with transaction.atomic():
                run = ReportRun.objects.create(
                    organisation=organisation, month=month.first, created_at=now
                )
                generate_reports.enqueue(run.pk)
        except IntegrityError:  # another tick claimed it first
            continue
        started += 1
    return started


def _ended_month(value: str | date, organisation: Organisation, now: datetime) -> Month:
    if isinstance(value, str):
        try:
            day = date.fromisoformat(f"{value}-01")
        except ValueError:
            day = None
        if day is None or not 2000 <= day.year <= 2100:
            message = _("Give the month as YYYY-MM.")
            raise InvalidInput(message, fields={"month": [message]})
    else:
        day = value
    month = Month.of(day, organisation.tz)
    if month.end > now:
        message = _("A month is reported once it has ended.")
        raise InvalidInput(message, fields={"month": [message]})
    return month


@transaction.atomic
def request_run(*, by: User, month: str | date, branch: Branch | None = None) -> ReportRun:
    """A supervisor's "generate now": the month's reports of their branch (an administrator
    may leave the branch out: every site of the organisation), drawn by the worker."""
    now = timezone.now()
    organisation = by.organisation
    if branch is None:
        ensure_allowed_in(by, GENERATE, organisation)
        if not by.has_perm("org.act_in_any_branch"):
            branch = by.branch
    if branch is not None:
        ensure_allowed(by, GENERATE, branch)
        organisation = branch.organisation
    if organisation is None:
        raise InvalidInput(_("You belong to no organisation."))
    found = _ended_month(month, organisation, now)
    run = ReportRun.objects.create(
        organisation=organisation, branch=branch, month=found.first, requested_by=by,
        created_at=now,
    )  # fmt: skip
    # Enqueued in the same transaction: with the database backend both land or neither.
    generate_reports.enqueue(run.pk)
    return run


def _next_versions(site_ids: Sequence[int], month: date) -> dict[int, int]:
    latest = (
        MonthlyReport.objects.filter(site_id__in=site_ids, month=month)
        .values("site_id")
        .annotate(last=Max("version"))
        .values_list("site_id", "last")
    )
    found = dict(latest)
    return {site_id: found.get(site_id, 0) + 1 for site_id in site_ids}


def _write(
    site_ids: Sequence[int],
    month: Month,
    *,
    run: ReportRun | None,
    by: User | None,
    calendars: Calendars,
    now: datetime,
) -> tuple[list[MonthlyReport], float]:
    """The reports of these sites (their rows locked by the caller's transaction)."""
    started = time.perf_counter()
    figures = compute(site_ids, month, calendars=calendars)
    spent = time.perf_counter() - started
    versions = _next_versions(site_ids, month.first)
    reports = [
        MonthlyReport(
            site_id=site_id,
            branch_id=data["branch"]["id"],
            customer_id=data["owner"]["id"],
            month=month.first,
            version=versions[site_id],
            generated_at=now,
            generated_by=by,
            figures=data,
            run=run,
        )  # fmt: skip
        for site_id, data in figures.items()
    ]
    return MonthlyReport.objects.bulk_create(reports), spent


def process_run(run_id: int, *, chunk: int = CHUNK, timing: ChunkTiming | None = None) -> str:
    """The worker's side of a batch (see the module). Answers the run's final state."""
    claimed = ReportRun.objects.filter(pk=run_id).exclude(state=RunState.DONE)
    if not claimed.update(state=RunState.RUNNING, started_at=timezone.now(), error=""):
        return "skipped"
    run = ReportRun.objects.select_related("organisation").get(pk=run_id)
    month = Month.of(run.month, run.organisation.tz)
    try:
        site_ids = list(
            sites_under_contract(run.organisation_id, month, branch_id=run.branch_id)
            .values_list("pk", flat=True)
        )  # fmt: skip
        ReportRun.objects.filter(pk=run_id).update(total=len(site_ids))
        calendars = Calendars()
        for index in range(0, len(site_ids), chunk):
            began = time.perf_counter()
            with transaction.atomic():
                ReportRun.objects.select_for_update().filter(pk=run_id).get()
                part = site_ids[index : index + chunk]
                written = set(
                    MonthlyReport.objects.filter(run_id=run_id, site_id__in=part).values_list(
                        "site_id", flat=True
                    )
                )
                todo = [site_id for site_id in part if site_id not in written]
                # Lock the sites: a "generate again" of one of them waits, so versions stay
                # gap-free and unique.
                list(Site.objects.select_for_update().filter(pk__in=todo).values_list("pk"))
                now = timezone.now()
                _reports, spent = _write(
                    todo, month, run=run, by=run.requested_by, calendars=calendars, now=now
                )
                done = MonthlyReport.objects.filter(run_id=run_id).count()
                ReportRun.objects.filter(pk=run_id).update(done=done)
            if timing is not None:
                timing(index // chunk, len(todo), spent, time.perf_counter() - began)
    except Exception as error:  # the page must say it failed, not spin for ever
        logger.exception("Monthly reports run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            state=RunState.FAILED,
            error=f"{type(error).__name__}: {error}"[:1000],
            finished_at=timezone.now(),
        )
        return RunState.FAILED
    ReportRun.objects.filter(pk=run_id).update(state=RunState.DONE, finished_at=timezone.now())
    return RunState.DONE


@transaction.atomic
def regenerate(site: Site, month: str | date, *, by: User) -> MonthlyReport:
    """One site's month again: version n+1 beside the earlier ones (which stay)."""
    ensure_allowed(by, GENERATE, site.branch)
    locked = Site.objects.select_for_update().select_related("branch__organisation").get(pk=site.pk)
    found = _ended_month(month, locked.branch.organisation, timezone.now())
    [report], _spent = _write(
        [locked.pk], found, run=None, by=by, calendars=Calendars(), now=timezone.now()
    )
    return report


def can_generate(user: Any, branch: Branch) -> bool:
    return bool(user.has_perm(GENERATE)) and works_in(user, branch)
