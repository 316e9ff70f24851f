"""Every event takes the moment it happened: default now, never naive, never in the future.

Paper records are entered after the fact, so deadlines are computed from the event's moment,
not from when it was typed in.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftercare.errors import InvalidInput

# Clocks of phones and PCs drift; a minute of tolerance avoids refusing "now" from a browser.
CLOCK_SKEW = timedelta(minutes=1)


def event_moment(
    at: datetime | None, *, field: str = "at", now: datetime | None = None
) -> datetime:
    now = now or timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        raise InvalidInput(
            _("The moment must include a time zone offset."),
            fields={field: [str(_("The moment must include a time zone offset."))]},
        )
    if at > now + CLOCK_SKEW:
        message = _("A moment in the future cannot be recorded.")
        raise InvalidInput(message, code="future_moment", fields={field: [str(message)]})
    return at
