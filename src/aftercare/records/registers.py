"""Sequence numbers of the registers the standard keeps (calls DS-8, letters DS-9, …)."""

from aftercare.org.models import Branch
from aftercare.records.models import RegisterCounter


def next_number(branch: Branch, register: str, year: int) -> str:
    """`<branch>-<register>-<year>-<n>`, gap-free per branch, register and year.

    The counter row is locked for the rest of the caller's transaction, so two advisors saving
    a call at the same moment get consecutive numbers, never the same one.
    """
    counter, _created = RegisterCounter.objects.select_for_update().get_or_create(
        branch=branch, register=register, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{branch.code.upper()}-{register}-{year}-{counter.last:06d}"
