"""Importing the shop's existing customer archive: upload, check every row, then write.

Rows are cleaned by the customer actions' own rules (`validate_customer_row`, `build_*`), so
an imported customer is indistinguishable from one typed in. Importing the archive is not a
visit: no obligation is opened.
"""

import logging
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftercare.customers.models import Customer, CustomerPhone, Vehicle
from aftercare.errors import Conflict, InvalidInput
from aftercare.imports import checking, files, writing
from aftercare.imports.checking import advisor_key
from aftercare.imports.columns import BY_KEY, match_headers
from aftercare.imports.models import KIND_PERMISSIONS, ImportJob
from aftercare.org.access import ensure_allowed
from aftercare.org.models import User

logger = logging.getLogger(__name__)

WRITE_BATCH = 2000  # customers per bulk insert
READ_APART_BYTES = 1 << 20  # a workbook bigger than this is read in a process of its own
MAX_REPORTED_ERRORS = 10_000  # a file of garbage should not make a 100 MB report
Status = ImportJob.Status


def ensure_can_import(user, branch, kind: str = ImportJob.Kind.CUSTOMERS) -> None:
    ensure_allowed(user, KIND_PERMISSIONS[kind], branch)


def _format_of(file_name: str) -> str:
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".xlsx":
        return ImportJob.Format.XLSX
    if suffix == ".csv":
        return ImportJob.Format.CSV
    message = _("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")
    raise InvalidInput(message, fields={"file": [message]})


def _check_header(content: bytes, file_format: str, kind: str = "customers") -> int | None:
    """Refuse a file whose header row we do not understand; return about how many rows follow."""
    try:
        header, estimated = files.read_head(content, file_format)
    except files.UnreadableFile:
        message = _("The file cannot be read: is it really a %(format)s file?") % {
            "format": file_format.upper()
        }
        raise InvalidInput(message, fields={"file": [message]}) from None
    if kind == ImportJob.Kind.EQUIPMENT:
        from aftercare.sites.importing import match_headers as match_equipment_headers

        _found, unknown, missing = match_equipment_headers(header)
    else:
        _found, unknown, missing = match_headers(header)
    problems = []
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": "、".join(missing)})
    if unknown:
        problems.append(
            _("Unknown or repeated columns: %(names)s. Use the headers of the template.")
            % {"names": "、".join(unknown)}
        )
    if problems:
        raise InvalidInput(_("The header row does not match the template."), fields={
            "file": problems
        })  # fmt: skip
    return estimated


@transaction.atomic
def start_import(
    *, branch, by, file_name: str, content: bytes, mode: str = ImportJob.Mode.ALL_OR_NOTHING,
    language: str | None = None, kind: str = ImportJob.Kind.CUSTOMERS, system=None,
) -> ImportJob:  # fmt: skip
    """Keep the upload and queue the check; the worker does the rest.

    An equipment list (`kind="equipment"`) goes into `system`, in the system's branch.
    """
    from aftercare.imports.tasks import run_import

    if kind == ImportJob.Kind.EQUIPMENT:
        if system is None:
            raise InvalidInput(
                _("Choose the system."), fields={"system": [_("Choose the system.")]}
            )
        branch = system.site.branch
    elif kind not in ImportJob.Kind.values:
        raise InvalidInput(_("Unknown import kind."), fields={"kind": [_("Unknown import kind.")]})
    ensure_can_import(by, branch, kind)
    if mode not in ImportJob.Mode.values:
        raise InvalidInput(_("Unknown import mode."), fields={"mode": [_("Unknown import mode.")]})
    file_format = _format_of(file_name)
    estimated = _check_header(content, file_format, kind)
    job = ImportJob.objects.create(
        kind=kind,
        system=system if kind == ImportJob.Kind.EQUIPMENT else None,
        organisation_id=branch.organisation_id,
        branch=branch,
        created_by=by,
        file_name=PurePath(file_name).name[:255],
        content=content,
        format=file_format,
        mode=mode,
        language=language or translation.get_language() or "zh-hant",
        total_rows=estimated or 0,
    )
    # Enqueued in the same transaction: with the database backend both land or neither.
    run_import.enqueue(job.pk)
    return job


@transaction.atomic
def import_valid_rows(job: ImportJob, *, by) -> ImportJob:
    """The user chose to import the valid rows of a file that has errors."""
    from aftercare.imports.tasks import run_import

    ensure_can_import(by, job.branch, job.kind)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != Status.VALIDATED:
        raise Conflict(_("This import is not waiting for a decision."))
    if not job.valid_rows:
        raise Conflict(_("No row of this file is valid."))
    job.mode, job.status, job.confirmed_by = ImportJob.Mode.VALID_ONLY, Status.IMPORTING, by
    job.processed_rows = job.written_rows = 0
    job.save(update_fields=["mode", "status", "confirmed_by", "processed_rows", "written_rows"])
    run_import.enqueue(job.pk)
    return job


@transaction.atomic
def cancel_import(job: ImportJob, *, by) -> ImportJob:
    ensure_can_import(by, job.branch, job.kind)
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != Status.VALIDATED:
        raise Conflict(_("Only an import waiting for a decision can be cancelled."))
    job.status, job.finished_at = Status.CANCELLED, timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job


# --- the worker's side -------------------------------------------------------------------


@dataclass
class Check:
    total: int = 0
    valid: checking.ValidRows = field(default_factory=checking.ValidRows)
    errors: list[dict] = field(default_factory=list)
    error_rows: int = 0
    advisors: dict[str, User | None] = field(default_factory=dict)


def run_import(job_id: int) -> str:
    """Check the file, then import it if it is clean or the user wants only the valid rows.

    Safe to run twice: a finished job is left alone, and `done` is written in the same
    transaction as the customers, so a crash half-way leaves nothing behind to duplicate.
    """
    jobs = ImportJob.objects.select_related("branch__organisation").defer("content")
    job = jobs.filter(pk=job_id).first()  # the file is read when checked
    if job is None or job.status not in (Status.UPLOADED, Status.VALIDATING, Status.IMPORTING):
        return job.status if job else "missing"
    organisation = job.branch.organisation
    with translation.override(job.language), timezone.override(organisation.tz):
        try:
            return _run(job)
        except files.UnreadableFile:
            _fail(job, _("The file cannot be read."))
        except Exception:
            logger.exception("import %s failed", job.pk)
            _fail(job, _("An unexpected error stopped the import; nothing was imported."))
    return Status.FAILED


def _fail(job: ImportJob, reason: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.FAILED, failure=reason, finished_at=timezone.now()
    )


def _run(job: ImportJob) -> str:
    importing = job.status == Status.IMPORTING
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.IMPORTING if importing else Status.VALIDATING,
        started_at=job.started_at or now,
        processed_rows=0,
        written_rows=0,
    )
    equipment = job.kind == ImportJob.Kind.EQUIPMENT
    check = check_equipment_rows(job) if equipment else check_rows(job)
    job.total_rows, job.valid_rows = check.total, len(check.valid)
    job.error_rows, job.errors = check.error_rows, check.errors
    job.processed_rows, job.validated_at = check.total, timezone.now()
    proceed = importing or job.mode == ImportJob.Mode.VALID_ONLY or not check.error_rows
    if not check.valid:
        proceed = False
    job.status = Status.IMPORTING if proceed else Status.VALIDATED
    if not check.total:
        job.status, job.finished_at = Status.DONE, job.validated_at  # an empty file
    job.save(update_fields=[
        "total_rows", "valid_rows", "error_rows", "errors", "processed_rows", "validated_at",
        "status", "finished_at",
    ])  # fmt: skip
    if proceed:
        (write_equipment_rows if equipment else write_rows)(job, check.valid)
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


def check_equipment_rows(job: ImportJob):
    """An equipment list, checked by the sites app's rules against its system."""
    from aftercare.sites import importing

    rows = files.read_rows(bytes(job.content), job.format)
    try:
        return importing.check_rows(job.system, rows, progress=lambda n: _progress(job, n))
    except ValueError:
        raise files.UnreadableFile("header") from None


def write_equipment_rows(job: ImportJob, rows: list) -> None:
    from aftercare.sites import importing

    by = job.confirmed_by or job.created_by
    reason = _("Imported from %(file)s (import #%(id)d)") % {"file": job.file_name, "id": job.pk}
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != Status.IMPORTING:
            return  # another run finished or the user cancelled meanwhile
        done = importing.write_rows(job.system, rows, by=by, reason=reason)
        locked.status, locked.finished_at = Status.DONE, timezone.now()
        locked.imported_equipment, locked.processed_rows = done, locked.total_rows
        locked.save(update_fields=["status", "finished_at", "imported_equipment", "processed_rows"])


def _progress(job: ImportJob, processed: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)


def _advisors(branch) -> dict[str, User | None]:
    """Colleagues by what a sheet may call them: the user name, or the name people use (林小美,
    in either script). A name two colleagues share maps to None: the row must say which."""
    staff = User.objects.filter(organisation_id=branch.organisation_id, is_active=True)
    by_key: dict[str, User | None] = {}
    for user in staff:
        if user.branch_id not in (branch.pk, None):
            continue
        for name in {user.display_name, user.get_full_name()} - {""}:
            key = advisor_key(name)
            by_key[key] = None if key in by_key and by_key[key] != user else user
    for user in staff:  # a user name is unique: it wins over a colleague's display name
        if user.branch_id in (branch.pk, None):
            by_key[user.username.lower()] = user
    return by_key


def _existing_customers(branch) -> set[tuple[str, str]]:
    first_phones = dict(
        CustomerPhone.objects.filter(customer__branch=branch, position=0).values_list(
            "customer_id", "number"
        )
    )
    return {
        (key, first_phones.get(pk, ""))
        for pk, key in Customer.objects.filter(branch=branch).values_list("pk", "name_key")
    }


def _filled(values) -> bool:
    return any(v is not None and str(v).strip() for v in values)


def check_rows(job: ImportJob, *, workers: int | None = None) -> Check:
    """Every row is cleaned and checked against the file and the branch; nothing is written.

    The rows are cleaned by `checking` (over all the cores for a big file) as the file is read;
    the checks that need the whole file or the archive run here, in row order, so the report
    is the same however many processes did the cleaning. The valid rows are kept packed
    (`checking.ValidRows`), not as the file's cells.
    """
    branch = job.branch
    check = Check(advisors=_advisors(branch))
    sheet = checking.Sheet(
        branch=branch,
        advisors=check.advisors,
        language=job.language,
        time_zone=str(branch.organisation.tz),
    )
    content = bytes(ImportJob.objects.values_list("content", flat=True).get(pk=job.pk))
    # A big workbook is read in a process of its own (calamine holds all of it while reading),
    # started first, while this process is small and has no other thread.
    big = job.format == ImportJob.Format.XLSX and len(content) > READ_APART_BYTES
    source = files.open_rows(content, job.format, apart=checking.process_context() if big else None)
    del content
    try:
        positions, _unknown, missing = match_headers(source.header)
        if missing:
            raise files.UnreadableFile("header")
        headers = {column.key: str(source.header[pos]).strip() for pos, column in positions.items()}
        if source.count is not None and source.count != job.total_rows:
            ImportJob.objects.filter(pk=job.pk).update(total_rows=source.count)  # a closer guess
        if workers is None:
            workers = checking.workers_for(job.total_rows if source.count is None else source.count)
        existing_customers = _existing_customers(branch)
        existing_plates = set(
            Vehicle.objects.filter(customer__branch=branch).values_list("plate_key", flat=True)
        )
        plates_seen: dict[str, int] = {}
        numbered = ((number, values) for number, values in enumerate(source.rows, start=2)
                    if _filled(values))  # blank lines are not rows  # fmt: skip
        with checking.Checker(sheet, workers=workers) as checker:
            for chunk in checker.check(positions, numbered):
                refused = set()
                for number, problems, key, plate in chunk.rows:
                    if key is not None:
                        found = _duplicates(
                            number, key, plate, existing_customers, existing_plates, plates_seen
                        )
                        if found:
                            problems = (*problems, *found)
                            refused.add(number)
                    if not problems:
                        check.valid.add(key)
                        continue
                    check.error_rows += 1
                    for column_key, message in problems:
                        if len(check.errors) < MAX_REPORTED_ERRORS:
                            column = headers.get(column_key) or (
                                BY_KEY[column_key].header if column_key in BY_KEY else column_key
                            )
                            check.errors.append({"row": number, "column": column,
                                                 "message": message})  # fmt: skip
                check.valid.add_chunk(chunk.accepted, refused)
                check.total += len(chunk.rows)
                _progress(job, check.total)
    finally:
        source.rows.close()  # a workbook read apart: its process stops
    return check


def _duplicates(
    number: int, key: tuple[str, str], plate: str | None, existing_customers, existing_plates,
    plates_seen,
) -> list[tuple[str, str]]:  # fmt: skip
    found = []
    if key in existing_customers:
        found.append(
            ("name", _("This customer (same name and first phone) is already in the archive."))
        )
    if plate is not None:
        if plate in existing_plates:
            found.append(("plate", _("This number plate is already in the archive.")))
        elif plate in plates_seen:
            found.append((
                "plate", _("The same number plate is on row %(row)d.") % {"row": plates_seen[plate]}
            ))  # fmt: skip
        else:
            plates_seen[plate] = number
    return found


def write_rows(job: ImportJob, rows: checking.ValidRows) -> None:
    """One transaction for the whole file; the customer's details come from its first row.

    The rows arrive with their derived fields computed (`checking`): only what depends on
    the whole customer (merged phones, archive completeness) is done here. The job's page
    shows how many rows are written as each batch is (`writing.WriteProgress`).
    """
    by = job.confirmed_by or job.created_by
    reason = _("Imported from %(file)s (import #%(id)d)") % {"file": job.file_name, "id": job.pk}
    with writing.WriteProgress(job) as progress, transaction.atomic():
        locked = progress.lock()
        if locked.status != Status.IMPORTING:
            return  # another run finished or the user cancelled meanwhile
        customers, vehicles = writing.write_customers(
            rows.by_customer(), user=by, reason=reason[:100], at=timezone.now(),
            batch_size=WRITE_BATCH, progress=progress,
        )  # fmt: skip
        locked.status, locked.finished_at = Status.DONE, timezone.now()
        locked.imported_customers, locked.imported_vehicles = customers, vehicles
        locked.processed_rows = locked.total_rows
        locked.save(update_fields=[
            "status", "finished_at", "imported_customers", "imported_vehicles", "processed_rows"
        ])  # fmt: skip
