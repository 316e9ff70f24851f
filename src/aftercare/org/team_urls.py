from django.urls import path

from aftercare.org import team_views

app_name = "team"
urlpatterns = [
    path("absences/", team_views.absences, name="absences"),
]
