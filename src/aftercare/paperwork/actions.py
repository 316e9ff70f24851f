"""PDF exports of long registers: asked for on a page, drawn by the worker, purged by tick.

WeasyPrint needs ~14 ms a register line (more on a busy server); a month of a busy branch
(1 000–3 000 calls) would outlast any request, so its PDF is drawn in parts by the worker while
the page polls the progress (paperwork/parts.py).
"""

import logging
import os
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftercare.errors import InvalidInput, NotAllowed
from aftercare.paperwork import parts, queries
from aftercare.paperwork.choices import ExportForm, ExportStatus
from aftercare.paperwork.forms import MAX_DAYS
from aftercare.paperwork.models import ExportJob

logger = logging.getLogger(__name__)

# A finished file is kept this long, then tick deletes it (the job row stays, expired).
KEEP_DAYS = 7
# A job still waiting or drawing after this long lost its worker (a restart, a crash).
STALE_AFTER = timedelta(hours=6)


def exports_dir() -> Path:
    """`$AFTERCARE_HOME/var/exports`, unless the `AFTERCARE_EXPORTS_DIR` setting says else."""
    configured = getattr(settings, "AFTERCARE_EXPORTS_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "exports"


def export_file(job: ExportJob) -> Path | None:
    """The drawn file of a finished job, if it is still there."""
    if job.status != ExportStatus.DONE or not job.path:
        return None
    path = exports_dir() / job.path
    return path if path.is_file() else None


@transaction.atomic
def start_export(
    *, form: int, branch, start: date, end: date, by, language: str | None = None
) -> ExportJob:
    """Queue the PDF of a register; the same register already being drawn for the same user
    is that job again (a second click does not draw it twice)."""
    from aftercare.paperwork.tasks import run_export

    if form not in ExportForm.values:
        message = _("Unknown form.")
        raise InvalidInput(message, fields={"form": [message]})
    if not by.has_perm(queries.FORM_PERMISSIONS[form]):
        raise NotAllowed(_("You may not print this register."))
    if not queries.printable_branches(by).filter(pk=branch.pk).exists():
        raise NotAllowed(_("You may only print the registers of your own branch."))
    if end < start:
        message = _("The end of the period is before its start.")
        raise InvalidInput(message, fields={"to": [message]})
    if (end - start).days >= MAX_DAYS:
        message = _("Choose at most %(days)s days at a time.") % {"days": MAX_DAYS}
        raise InvalidInput(message, fields={"to": [message]})
    pending = ExportJob.objects.filter(
        created_by=by, form=form, branch=branch, start=start, end=end,
        status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING),
    ).first()  # fmt: skip
    if pending is not None:
        return pending
    job = ExportJob.objects.create(
        branch=branch, created_by=by, form=form, start=start, end=end,
        language=language or translation.get_language() or "zh-hant",
        lines_total=queries.register_lines(by, form, branch, start, end).count(),
    )  # fmt: skip
    transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job


def run_export(job_id: int) -> str:
    """The worker's side of `start_export`. A job is claimed once: a retried task leaves a
    running or finished job alone (tick fails one whose worker died, see `purge_exports`)."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    job = ExportJob.objects.select_related("branch__organisation", "created_by").get(pk=job_id)
    with translation.override(job.language), timezone.override(job.branch.organisation.tz):
        try:
            written = _draw(job)
        except Exception as error:  # the page must say it failed, not spin for ever
            logger.exception("PDF export %s failed", job_id)
            ExportJob.objects.filter(pk=job_id).update(
                status=ExportStatus.FAILED,
                error=f"{type(error).__name__}: {error}"[:1000],
                finished_at=timezone.now(),
            )
            return ExportStatus.FAILED
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.DONE, finished_at=timezone.now(), **written
    )
    return ExportStatus.DONE


def _draw(job: ExportJob) -> dict:
    """Read the register as the user who asked may see it now, draw it, keep the file."""
    doc = queries.register_document(
        job.created_by, job.form, job.branch, job.start, job.end, at=timezone.now()
    )
    lines = len(doc.tables[0].rows)
    ExportJob.objects.filter(pk=job.pk).update(lines_total=lines, lines_done=0)

    def progress(done: int, _total: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(lines_done=done)

    content, pages = parts.register_pdf(doc, progress=progress)
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{job.pk}.pdf"
    partial = folder / f".{name}.part"
    partial.write_bytes(content)
    os.replace(partial, folder / name)  # a download never reads half a file
    return {
        "path": name,
        "file_name": f"{doc.filename}.pdf",
        "pages": pages,
        "lines_total": lines,
        "lines_done": lines,
    }


def purge_exports(now: datetime, *, keep_days: int = KEEP_DAYS) -> int:
    """Delete the files of exports finished more than `keep_days` ago (the rows stay, marked
    expired) and fail the jobs whose worker died; returns how many files went."""
    purged = 0
    old = ExportJob.objects.filter(
        status=ExportStatus.DONE, finished_at__lt=now - timedelta(days=keep_days)
    )
    for job in old.only("pk", "path"):
        if job.path:
            (exports_dir() / job.path).unlink(missing_ok=True)
        purged += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, path=""
        )
    ExportJob.objects.filter(
        status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING), created_at__lt=now - STALE_AFTER
    ).update(
        status=ExportStatus.FAILED,
        error=_("The worker did not finish this PDF; ask for it again."),
        finished_at=now,
    )
    return purged
