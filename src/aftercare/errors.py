"""Domain errors with stable codes: the API returns the code, pages show the translated message."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    """A business rule refused the action; nothing was written."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: StrOrPromise | None = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        status: int | None = None,
    ) -> None:
        self.message = message if message is not None else _("The request was refused.")
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class NotAllowed(DomainError, PermissionDenied):
    """The actor may not do this (role or branch). A PermissionDenied too, so a page that does
    not catch it still answers 403 rather than 500."""

    status = 403
    code = "forbidden"


class Errors(dict[str, list[str]]):
    """Field → messages, raised as one InvalidInput so the user sees every problem at once."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(str(message))

    def raise_if_any(self, message: str | None = None) -> None:
        if self:
            raise InvalidInput(
                message or gettext("Please correct the marked fields."), fields=dict(self)
            )
