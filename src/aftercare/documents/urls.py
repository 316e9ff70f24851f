from django.urls import path

from aftercare.documents import views

app_name = "documents"
urlpatterns = [
    path("systems/<int:pk>/", views.handover, name="handover"),
    path("systems/<int:pk>/upload/", views.upload, name="upload"),
    path("systems/<int:pk>/equipment-list/", views.equipment_list, name="equipment-list"),
    path("systems/<int:pk>/acceptance/", views.acceptance, name="acceptance"),
    path("systems/<int:pk>/handover-list/", views.handover_list, name="handover-list"),
    path(
        "systems/<int:pk>/handover-list.pdf",
        views.handover_list,
        {"fmt": "pdf"},
        name="handover-list-pdf",
    ),
    path("<int:pk>/file/", views.download, name="file"),
]
