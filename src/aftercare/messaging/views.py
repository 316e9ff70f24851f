"""Pages of messaging/: the messages list (supervisors) and each user's calendar feed."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftercare.errors import DomainError
from aftercare.messaging import actions, queries
from aftercare.messaging.choices import MessageStatus
from aftercare.messaging.feeds import render_feed
from aftercare.messaging.forms import StatusFilterForm
from aftercare.messaging.models import CalendarFeed

PER_PAGE = 50
NEW_FEED_KEY = "messaging_new_feed_url"


@login_required
@permission_required("messaging.view_message", raise_exception=True)
@require_GET
def message_list(request):
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(queries.messages_for(request.user, status), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "status": status,
        "page": page,
        "settings": queries.delivery_settings(),
        "can_retry": request.user.has_perm("messaging.retry_message"),
        "FAILED": MessageStatus.FAILED,
    }
    template = "messaging/_rows.html" if request.htmx else "messaging/list.html"
    return render(request, template, context)


@login_required
@permission_required("messaging.retry_message", raise_exception=True)
@require_POST
def retry(request, pk: int):
    message = queries.get_message_for(request.user, pk)
    try:
        message = actions.retry_message(message, by=request.user)
    except DomainError as error:
        flash.error(request, str(error.message))
    else:
        flash.success(request, _("The message is queued again."))
    if request.htmx:
        message = queries.get_message_for(request.user, pk)
        return render(request, "messaging/_row.html", {"message": message, "can_retry": True})
    status = request.POST.get("status", "")
    return redirect(reverse("messaging:list") + (f"?status={status}" if status else ""))


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    """Create, replace or revoke the private feed URL; the token is shown this once only.

    The new URL crosses the redirect in the session and is dropped from it when shown, so a
    reload neither shows it again nor makes (and silently revokes) another one.
    """
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            actions.revoke_feed(request.user)
            flash.success(request, _("The calendar link no longer works."))
        else:
            _feed, raw = actions.create_feed(request.user)
            request.session[NEW_FEED_KEY] = request.build_absolute_uri(
                reverse("messaging:feed", args=[raw])
            )
        return redirect("messaging:calendar")
    new_url = request.session.pop(NEW_FEED_KEY, None)
    active = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(request, "messaging/calendar.html", {"active": active, "new_url": new_url})


@require_GET
def calendar_feed(request, token: str):
    """No login: the token is the key. Unknown or revoked tokens answer 404."""
    feed, user = queries.feed_owner(token)
    actions.record_feed_use(feed)
    base_url = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(render_feed(user, base_url=base_url), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="aftercare.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
