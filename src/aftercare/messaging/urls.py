from django.urls import path

from aftercare.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.message_list, name="list"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="feed"),
]
