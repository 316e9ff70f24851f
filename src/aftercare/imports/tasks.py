"""Thin task wrapper around the import action (run by the worker)."""

from django_tasks import task

from aftercare.imports import actions


@task()
def run_import(job_id: int) -> str:
    return actions.run_import(job_id)
