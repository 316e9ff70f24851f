from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "aftercare.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from aftercare.org.roles import sync_role_groups

        # Permissions only exist after migrate has run, so the role groups are (re)built then;
        # this keeps a fresh database and an upgraded one identical.
        post_migrate.connect(sync_role_groups, dispatch_uid="aftercare.org.sync_role_groups")
