from django.urls import path

from aftercare.training import views

app_name = "training"
urlpatterns = [
    path("", views.home, name="list"),
    path("trainees/", views.trainee_list, name="trainees"),
    path("trainees/new/", views.trainee_new, name="trainee_new"),
    path("trainees/<int:pk>/", views.trainee, name="trainee"),
    path("trainees/<int:pk>/assessment/", views.assessment, name="assessment"),
    path("trainees/<int:pk>/departure/", views.departure, name="departure"),
    path("trainees/<int:pk>/record.pdf", views.trainee_record_pdf, name="trainee_record"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/sheet.pdf", views.attendance_sheet_pdf, name="attendance_sheet"),
    path("sites/<int:pk>/", views.coverage, name="coverage"),
    path("sites/<int:pk>/record.pdf", views.site_record_pdf, name="site_record"),
]
