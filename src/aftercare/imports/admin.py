from django.contrib import admin

from aftercare.adminsite import ArchiveAdmin
from aftercare.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ArchiveAdmin):
    list_display = ["file_name", "branch", "created_by", "status", "total_rows", "valid_rows"]
    exclude = ["content"]
