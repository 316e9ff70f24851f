"""Shared API pieces: the one error format and the responses every operation declares."""

from datetime import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


def responses(ok: dict[int, Any] | None = None, *extra: int) -> dict[int, Any]:
    """Declare the success schema(s) plus the error responses schemathesis may see.

    400 is a body that is not JSON at all; 422 is JSON that breaks the schema or a rule.
    """
    codes = {400, 401, 403, 422, *extra}
    return {**(ok or {}), **dict.fromkeys(sorted(codes), ErrorOut)}


class BoundedPagination(LimitOffsetPagination):
    """Limit/offset with upper bounds: an absurd offset is a 422, not a database overflow."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10_000_000)


# Ids are positive 64-bit integers; a larger number is refused by the schema (422) instead of
# overflowing the database driver.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _plausible_moment(moment: datetime) -> datetime:
    """A filter's moment with its offset, between the years 1900 and 2999: a moment the
    database cannot hold is a 422 here, not an error that aborts the transaction there."""
    if moment.tzinfo is None:
        raise ValueError(_("Give the moment with its offset, e.g. 2026-05-01T09:00:00+08:00."))
    if not 1900 <= moment.year <= 2999:
        raise ValueError(_("The moment is out of range (years 1900 to 2999)."))
    return moment


Moment = Annotated[datetime, AfterValidator(_plausible_moment)]
