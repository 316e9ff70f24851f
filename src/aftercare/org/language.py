"""The language switcher, remembering a signed-in person's choice.

Pages follow the session's language already; the calendar feed and overdue e-mails are read
away from any page (a phone fetching the feed carries no session), so they need the choice
stored on the user (`User.language`, written by `org.actions.set_language`).
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import check_for_language
from django.views import i18n


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's `set_language`, then the choice stored for whoever is signed in."""
    from aftercare.org import actions

    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if request.method == "POST" and user.is_authenticated and check_for_language(language):
        actions.set_language(user, language=language)
    return response
