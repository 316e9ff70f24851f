"""Shared API pieces: the one error format and the responses every operation declares."""

from ninja import Schema


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
