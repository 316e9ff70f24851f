"""Small filters of the portal's templates."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def lines_of(lines: dict[int, Any], pk: int) -> Any:
    """The clock lines of one ticket from ``queries.clock_lines``."""
    return lines.get(pk, [])


@register.filter
def coverage_text(coverage: Any) -> str:
    """What covers an item today, as ``contracts.queries.coverage`` answers it."""
    from django.utils.translation import gettext as _

    from aftercare.contracts.choices import CoverageKind

    if coverage.kind == CoverageKind.WARRANTY and coverage.until is not None:
        return _("Under warranty until %(day)s") % {"day": coverage.until.isoformat()}
    if coverage.kind == CoverageKind.CONTRACT and coverage.until is not None:
        return _("Maintenance contract until %(day)s") % {"day": coverage.until.isoformat()}
    return _("Not covered")
