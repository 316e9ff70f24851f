from django.contrib import admin

from aftercare.adminsite import ArchiveAdmin
from aftercare.reviews.models import Review


@admin.register(Review)
class ReviewAdmin(ArchiveAdmin):
    """A finalised review (DS-11) is frozen; drafts are written by the supervisor in the pages."""

    list_display = ["branch", "kind", "period", "status", "finalised_at"]
    list_filter = ["branch", "kind", "status"]
