from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, permission needed or None); a (label, [entries]) pair is a drop-down.
# Grouped by who works there, so a supervisor's menu fits one line on a laptop screen.
MENU = [
    ("obligations:my-work", _("My work"), None),
    ("customers:list", _("Customers"), "customers.view_customer"),
    (
        _("Follow-up"),
        [
            ("followups:register", _("Call register"), "customers.view_customer"),
            ("cases:list", _("Raised items"), "customers.view_customer"),
            ("cases:queue", _("Escalations"), "obligations.view_branch_obligations"),
            ("outreach:list", _("Campaigns"), "outreach.view_campaign"),
            ("outreach:letters", _("Letter register"), "outreach.view_letter"),
            ("paperwork:index", _("Forms"), "customers.view_customer"),
        ],
    ),
    (
        _("Supervision"),
        [
            ("reviews:dashboard", _("Dashboard"), "reviews.view_review"),
            ("obligations:list", _("Obligations"), "obligations.view_branch_obligations"),
            ("reviews:list", _("Reviews"), "reviews.view_review"),
            ("team:absences", _("Absences"), "org.add_absence"),
            ("safety:register", _("Workshop safety"), "safety.view_place"),
            ("messaging:list", _("Messages"), "messaging.view_message"),
        ],
    ),
    (
        _("More"),
        [
            ("imports:list", _("Import"), "customers.add_customer"),
            ("messaging:calendar", _("Calendar feed"), None),
            ("standard:settings", _("Service standard"), "standard.view_rulesetting"),
            ("api:openapi-view", _("API"), None),
        ],
    ),
    # Setting the shop up (issue 10): administrators manage; supervisors read their staff.
    (
        _("Organisation"),
        [
            ("orgsettings:staff", _("Staff"), "org.view_user"),
            ("orgsettings:branches", _("Branches"), "org.change_branch"),
            ("catalogue:list", _("Service items"), "workshop.change_serviceitem"),
        ],
    ),
]


def _entries(user, entries, current: str) -> list[dict]:
    items = []
    for name, label, perm in entries:
        if perm and not user.has_perm(perm):
            continue
        url = reverse(name)
        items.append({"url": url, "label": label, "active": current.startswith(url)})
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    current = request.path
    items = []
    for entry in MENU:
        if len(entry) == 2:  # a drop-down: shown when the user may open something in it
            label, entries = entry
            children = _entries(user, entries, current)
            if children:
                active = any(child["active"] for child in children)
                items.append({"label": label, "children": children, "active": active})
        else:
            items.extend(_entries(user, [entry], current))
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"menu": items, "unread_notifications": unread}
