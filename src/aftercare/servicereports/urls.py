from django.urls import path

from aftercare.servicereports import views

app_name = "servicereports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("generate/", views.generate, name="generate"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.pdf, name="pdf"),
    path("<int:pk>/regenerate/", views.regenerate, name="regenerate"),
]
