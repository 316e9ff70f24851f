from django.urls import path

from aftercare.obligations import views

app_name = "obligations"
urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("obligations/", views.obligation_list, name="list"),
    path("obligations/<int:pk>/", views.obligation_detail, name="detail"),
    path("obligations/<int:pk>/fulfil/", views.fulfil, name="fulfil"),
    path("obligations/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("obligations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("notifications/read/", views.mark_notifications_read, name="notifications-read"),
]
