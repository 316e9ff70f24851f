from django.contrib import admin

from aftercare.adminsite import ArchiveAdmin
from aftercare.paperwork.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ArchiveAdmin):
    list_display = ["form", "branch", "start", "end", "status", "created_by"]
