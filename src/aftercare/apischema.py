"""Shared API pieces: the one error format and the responses every operation declares."""

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


def responses(ok: dict | None = None, *extra: int) -> dict:
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
