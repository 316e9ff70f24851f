from django.urls import path

from aftercare.sites import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="list"),
    path("new/", views.site_create, name="create"),
    path("<int:pk>/", views.site_detail, name="site"),
    path("<int:pk>/systems/new/", views.system_add, name="system-add"),
    path("systems/<int:pk>/", views.system_detail, name="system"),
    path("systems/<int:pk>/equipment/new/", views.equipment_add, name="equipment-add"),
    path("systems/<int:pk>/labels/", views.system_labels, name="system-labels"),
    path("systems/<int:pk>/import/", views.equipment_import, name="equipment-import"),
    path("equipment/<int:pk>/", views.equipment_detail, name="equipment"),
    path("equipment/<int:pk>/replace/", views.equipment_replace, name="equipment-replace"),
    path("equipment/<int:pk>/label/", views.equipment_label, name="equipment-label"),
]
