from django.urls import path

from aftercare.org import settings_views as views

app_name = "orgsettings"
urlpatterns = [
    path("branches/", views.branches, name="branches"),
    path("branches/<int:pk>/", views.branch_edit, name="branch-edit"),
    path("staff/", views.staff, name="staff"),
    path("staff/new/", views.staff_new, name="staff-new"),
    path("staff/<int:pk>/", views.staff_edit, name="staff-edit"),
    path("staff/<int:pk>/active/", views.staff_active, name="staff-active"),
    path("staff/<int:pk>/password/", views.staff_password, name="staff-password"),
]
