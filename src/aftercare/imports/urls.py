from django.urls import path

from aftercare.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.new, name="new"),
    path("template/", views.template, name="template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/errors.csv", views.error_report, name="errors"),
    path("<int:pk>/import-valid/", views.import_valid, name="import-valid"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
]
