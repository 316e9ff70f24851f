from django.urls import path

from aftercare.servicedesk import views

app_name = "servicedesk"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.new_ticket, name="new"),
    path("<int:pk>/", views.ticket, name="ticket"),
    path("<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("<int:pk>/change/", views.change, name="change"),
    path("<int:pk>/report.pdf", views.visit_report_pdf, name="report_pdf"),
    path("field/", views.field, name="field"),
    path("field/sw.js", views.field_worker, name="field_worker"),
    path("field/<int:pk>/", views.field_ticket, name="field_ticket"),
    path("field/<int:pk>/arrive/", views.arrive, name="arrive"),
    path("field/<int:pk>/pause/", views.pause, name="pause"),
    path("field/<int:pk>/resume/", views.resume, name="resume"),
    path("field/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("suspensions/", views.suspensions, name="suspensions"),
    path("suspensions/declare/", views.declare_suspension, name="declare_suspension"),
    path("suspensions/<int:pk>/end/", views.end_suspension, name="end_suspension"),
    path("settings/", views.hotline_settings, name="settings"),
]
