"""Import jobs as the user may see them: their branch's, or the organisation's for admins."""

from django.shortcuts import get_object_or_404

from aftercare.imports.models import ImportJob


def visible_jobs(user):
    """Without the file's bytes or the report: the list must stay light."""
    return (
        ImportJob.objects.visible_to(user)
        .defer("content", "errors")
        .select_related("branch", "created_by")
    )


def get_job_for(user, job_id: int) -> ImportJob:
    """The job (without the file's bytes) if the user may see it, else 404."""
    jobs = ImportJob.objects.visible_to(user).defer("content").select_related("branch")
    return get_object_or_404(jobs, pk=job_id)
