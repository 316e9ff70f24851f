from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, permission needed or None)
MENU = [
    ("obligations:my-work", _("My work"), None),
    ("customers:list", _("Customers"), "customers.view_customer"),
    ("followups:register", _("Call register"), "customers.view_customer"),
    ("cases:list", _("Raised items"), "customers.view_customer"),
    ("cases:queue", _("Escalations"), "obligations.view_branch_obligations"),
    ("obligations:list", _("Obligations"), "obligations.view_branch_obligations"),
    ("outreach:list", _("Campaigns"), "outreach.view_campaign"),
    ("outreach:letters", _("Letter register"), "outreach.view_letter"),
    ("paperwork:index", _("Forms"), "customers.view_customer"),
    ("reviews:dashboard", _("Dashboard"), "reviews.view_review"),
    ("reviews:list", _("Reviews"), "reviews.view_review"),
    ("team:absences", _("Absences"), "org.add_absence"),
    ("imports:list", _("Import"), "customers.add_customer"),
    ("safety:register", _("Workshop safety"), "safety.view_place"),
    ("messaging:list", _("Messages"), "messaging.view_message"),
    ("messaging:calendar", _("Calendar feed"), None),
    ("standard:settings", _("Service standard"), "standard.view_rulesetting"),
    ("api:openapi-view", _("API"), None),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    current = request.path
    items = []
    for name, label, perm in MENU:
        if perm and not user.has_perm(perm):
            continue
        url = reverse(name)
        items.append({"url": url, "label": label, "active": current.startswith(url)})
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"menu": items, "unread_notifications": unread}
