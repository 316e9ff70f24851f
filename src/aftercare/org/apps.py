from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from aftercare.apps import MORE, ORGANISATION, SUPERVISION, AftercareApp, MenuEntry, UrlMount
from aftercare.org.roles import Role


class OrgConfig(AftercareApp):
    name = "aftercare.org"
    label = "org"
    verbose_name = _("Organisation")

    urls = (
        UrlMount("accounts/", "aftercare.org.urls"),
        UrlMount("team/", "aftercare.org.team_urls"),
        UrlMount("i18n/", "aftercare.org.language_urls"),
        # Setting the shop up (issue 10): branches and staff.
        UrlMount("settings/", "aftercare.org.settings_urls"),
    )
    api_router = "aftercare.org.api.router"
    menu = (
        MenuEntry("team:absences", _("Absences"), "org.add_absence", 40, SUPERVISION),
        # The API's own docs; org holds the API tokens that open it.
        MenuEntry("api:openapi-view", _("API"), None, 90, MORE),
        # Administrators manage; supervisors read their branch's staff list.
        MenuEntry("orgsettings:staff", _("Staff"), "org.view_user", 10, ORGANISATION),
        MenuEntry("orgsettings:branches", _("Branches"), "org.change_branch", 20, ORGANISATION),
    )
    role_permissions = {
        Role.SUPERVISOR: [
            "org.view_user",
            "org.manage_branch_staff",
            "org.view_absence",
            "org.add_absence",
            "org.change_absence",
        ],
        Role.ADMINISTRATOR: [
            "org.act_in_any_branch",
            "org.manage_branch_staff",
            "org.view_user",
            "org.add_user",
            "org.change_user",
            "org.view_absence",
            "org.add_absence",
            "org.change_absence",
            "org.change_organisation",
            "org.add_branch",
            "org.change_branch",
        ],
    }

    def ready(self) -> None:
        from aftercare import postgres
        from aftercare.org import permissions
        from aftercare.org.roles import sync_role_groups

        permissions.connect()
        # org is the base every app builds on, so its ready() wires the project-wide hooks.
        postgres.connect()

        # Permissions only exist after migrate has run, so the role groups are (re)built then;
        # this keeps a fresh database and an upgraded one identical.
        post_migrate.connect(sync_role_groups, dispatch_uid="aftercare.org.sync_role_groups")
