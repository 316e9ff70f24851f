"""Shared API pieces: the one error format and the responses every operation declares."""

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


def responses(ok: dict | None = None, *extra: int) -> dict:
    """Declare the success schema(s) plus the error responses schemathesis may see."""
    codes = {401, 403, 422, *extra}
    return {**(ok or {}), **dict.fromkeys(sorted(codes), ErrorOut)}
