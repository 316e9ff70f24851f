"""Shared API pieces: the base of every request body, the moment and date types, ids, the one
error format and the responses every operation declares.

Input rules (docs/architecture.md, "API"):

- every request body is an `Input`: a JSON object (an array is a 422), no unknown fields (a
  422 naming them, so a misspelt `phone` is not silently dropped), JSON types taken as they
  are (`"5"` is not a number, `0` is not a boolean, a number is not a moment), and no NUL
  character in any text (PostgreSQL cannot store it; SQLite would);
- every moment is a `Moment`: text with an offset, years 2000 to 2100;
- every date is a `Day`: text, years 1900 (old cars) to 2100;
- `null` is accepted only where the field is declared nullable.
"""

import re
import types
from abc import abstractmethod
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from aftercare import moments


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


def responses(ok: dict[int, Any] | None = None, *extra: int) -> dict[int, Any]:
    """Declare the success schema(s) plus the error responses schemathesis may see.

    400 is a body that is not JSON at all; 413 a body over the size limit; 415 a body that is
    not declared as JSON; 422 is JSON that breaks the schema or a rule.
    """
    codes = {400, 401, 403, 413, 415, 422, *extra}
    return {**(ok or {}), **dict.fromkeys(sorted(codes), ErrorOut)}


class BoundedPagination(LimitOffsetPagination):
    """Limit/offset with upper bounds: an absurd offset is a 422, not a database overflow."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10_000_000)


class RowPagination(BoundedPagination):
    """A page a query function reads itself (its count and rows in a few statements) instead
    of ninja slicing a queryset twice; the endpoint returns what `page` needs to read it."""

    @abstractmethod
    def page(self, source: Any, request: HttpRequest, *, limit: int, offset: int) -> Any:
        """`{"count": …, "items": […]}` for the endpoint's `source` (ninja's PaginationBase
        is an ABC: a subclass without `page` cannot be instantiated)."""

    def paginate_queryset(
        self,
        queryset: Any,
        pagination: LimitOffsetPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        return self.page(queryset, request, limit=pagination.limit, offset=pagination.offset)


# Ids are positive 64-bit integers; a larger number is refused by the schema (422) instead of
# overflowing the database driver.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


_DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_NUMBER_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def _number_text(value: Any) -> Any:
    """An exact number travels as text ("350.00") or a JSON number; no other text."""
    if isinstance(value, bool) or (isinstance(value, str) and not _NUMBER_TEXT.match(value)):
        raise PydanticCustomError("number_text", _("Give a number such as 2 or 350.00."))
    return value


Number = Annotated[
    Decimal,
    BeforeValidator(_number_text),
    WithJsonSchema(
        {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _NUMBER_TEXT.pattern}]}
    ),
]
"""Quantities and money: exact decimals, sent as "350.00" (or a JSON number); the action
checks places and ranges with its own message."""


def _text_only(kind: str) -> Callable[[Any], Any]:
    """Moments and dates travel as text; pydantic would also read a number as a Unix time."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and kind == "date" and not _DATE_TEXT.match(value):
            # pydantic would read "0" as a Unix time; a date is written YYYY-MM-DD.
            raise PydanticCustomError("date_type", _("Give the date as text, e.g. 2026-05-01."))
        if isinstance(value, str | datetime | date):
            return value
        if kind == "moment":
            message = _("Give the moment as text, e.g. 2026-05-01T09:00:00+08:00.")
        else:
            message = _("Give the date as text, e.g. 2026-05-01.")
        raise PydanticCustomError(f"{kind}_type", message)

    return check


def _plausible_moment(moment: datetime) -> datetime:
    problem = moments.moment_problem(moment)
    if problem:
        raise PydanticCustomError("moment_range", problem)
    return moment


def _plausible_day(day: date) -> date:
    if not 1900 <= day.year <= moments.LAST_YEAR:
        raise PydanticCustomError("date_range", _("Choose a date between 1900 and 2100."))
    return day


Moment = Annotated[
    datetime,
    BeforeValidator(_text_only("moment")),
    AfterValidator(_plausible_moment),
    Field(description="RFC 3339 with its offset, years 2000 to 2100"),
]
"""The one type of every moment the API reads, in bodies and in query filters."""

Day = Annotated[
    date,
    BeforeValidator(_text_only("date")),
    AfterValidator(_plausible_day),
    Field(description="YYYY-MM-DD, years 1900 to 2100"),
]
"""The one type of every date the API reads (purchase dates may be older than 2000)."""


def nul_message() -> str:
    return _("Text must not contain the NUL character (\\u0000).")


def contains_nul(value: Any) -> bool:
    """Whether a NUL hides anywhere in a JSON value (keys included)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    return False


def _json_integer(value: Any) -> bool:
    """JSON Schema's integer: 5 and 5.0 (no fraction), never "5" or true."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _wrong_json_type(annotation: Any, value: Any) -> str | None:
    """Why `value` (as JSON decoded it) does not have the JSON type `annotation` declares.

    pydantic's lax mode would turn "5" into 5 and 0 into False; the schema says integer and
    boolean, so such input is refused like any other schema violation (schemathesis's
    negative-data check sends exactly these).
    """
    origin = get_origin(annotation)
    if origin is Annotated:
        return _wrong_json_type(get_args(annotation)[0], value)
    if origin in (Union, types.UnionType):
        if value is None:
            return None  # pydantic decides whether null is allowed
        options = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _wrong_json_type(options[0], value) if len(options) == 1 else None
    if origin is list:
        if not isinstance(value, list):
            return _("Give a list.")
        (item,) = get_args(annotation) or (Any,)
        for element in value:
            problem = _wrong_json_type(item, element)
            if problem:
                return problem
        return None
    if value is None:
        return None
    if annotation is bool and not isinstance(value, bool):
        return _("Give true or false.")
    if annotation is int and not _json_integer(value):
        return _("Give a whole number.")
    if annotation is float and (isinstance(value, bool) or not isinstance(value, int | float)):
        return _("Give a number.")
    if annotation is Decimal and (  # decimal text keeps the digits exact: "2.5"
        isinstance(value, bool) or not isinstance(value, int | float | str)
    ):
        return _("Give a number.")
    if annotation is str and not isinstance(value, str):
        return _("Give a text.")
    if (
        isinstance(annotation, type)
        and issubclass(annotation, Enum)
        and (isinstance(value, bool) or not isinstance(value, str | int))
    ):
        return _("Choose one of the listed values.")
    return None


def _holds_input(annotation: Any) -> bool:
    """Whether a field's type is, or contains, a nested `Input`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return issubclass(annotation, Input)
    return any(_holds_input(arg) for arg in get_args(annotation))


def _is_moment(annotation: Any, metadata: list[Any]) -> bool:
    validators = [*metadata]
    if get_origin(annotation) is Annotated:
        validators += list(annotation.__metadata__)
    return any(getattr(v, "func", None) is _plausible_moment for v in validators)


def _bare_datetimes(annotation: Any, metadata: list[Any]) -> bool:
    """Whether a field would read a datetime that is not a `Moment` (a mistake to catch early)."""
    if annotation is datetime:
        return not _is_moment(annotation, metadata)
    origin = get_origin(annotation)
    if origin is Annotated:
        inner = get_args(annotation)[0]
        return (
            inner is datetime
            and not _is_moment(annotation, metadata)
            or (inner is not datetime and _bare_datetimes(inner, []))
        )
    return any(_bare_datetimes(arg, []) for arg in get_args(annotation))


class Input(BaseModel):
    """The base of every request body.

    A plain pydantic model (not ninja's Schema, which reads any object attribute by
    attribute, so an array body passed as "an object without fields"), closed to unknown
    fields, with JSON types checked before pydantic's lax conversions.
    """

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        for name, field in cls.model_fields.items():
            if _bare_datetimes(field.annotation, field.metadata):
                raise TypeError(f"{cls.__name__}.{name}: use apischema.Moment, not datetime")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise PydanticCustomError("object_type", _("Send a JSON object."))
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _json_types(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields[str(info.field_name)]
        # A nested Input checks its own fields, which names the exact one (raised_items.0.text).
        if not _holds_input(field.annotation) and contains_nul(value):
            raise PydanticCustomError("nul_character", nul_message())
        problem = _wrong_json_type(field.annotation, value)
        if problem:
            raise PydanticCustomError("json_type", problem)
        return value

    def dict(self, **kwargs: Any) -> dict[str, Any]:
        """What ninja's Schema offers; the API modules call it."""
        return self.model_dump(**kwargs)
