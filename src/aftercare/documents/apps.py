from django.utils.translation import gettext_lazy as _

from aftercare.apps import AftercareApp, UrlMount
from aftercare.org.roles import Role

# Everyone of the building-systems desk reads the archive; engineers and supervisors upload.
# Recording acceptance (BS-5) asks for sites.change_system (supervisors, administrators).
_READ = ["documents.view_documentversion"]
_UPLOAD = [*_READ, "documents.add_documentversion"]


class DocumentsConfig(AftercareApp):
    """The handover archive (BS-14) and final acceptance with warranty (BS-5, opens BS-6)."""

    name = "aftercare.documents"
    label = "documents"
    verbose_name = _("Handover documents")

    urls = (UrlMount("documents/", "aftercare.documents.urls"),)
    api_router = "aftercare.documents.api.router"
    role_permissions = {
        Role.SUPERVISOR: _UPLOAD,
        Role.ADMINISTRATOR: _UPLOAD,
        Role.ENGINEER: _UPLOAD,
        Role.TRAINING_COORDINATOR: _READ,
        Role.PARTS_CLERK: _READ,
    }
    # No next step: BS-6 is done by recording a contract, the contracts app's page.
    title_messages = "aftercare.documents.texts.TITLES"
    demo_loader = "aftercare.documents.demo.load"
    demo_remover = "aftercare.documents.demo.remove"
