"""The request type of pages and API operations behind a login."""

from django.http import HttpRequest

from aftercare.org.models import User


class StaffRequest(HttpRequest):
    """A request whose user is a member of staff, never anonymous.

    Only for type checkers: ``login_required`` and the API's auth guarantee it at run time, and
    Django's own type says "a user or AnonymousUser".
    """

    user: User
