from django.urls import path

from aftercare.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("preview/", views.campaign_preview, name="preview"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/schedule/", views.campaign_schedule, name="schedule"),
    path("<int:pk>/targets/<int:target_id>/", views.target_attendance, name="attendance"),
    path("<int:pk>/batches/", views.batch_new, name="batch-new"),
    path("<int:pk>/batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("<int:pk>/batches/<int:batch_id>/sent/", views.batch_sent, name="batch-sent"),
    path("<int:pk>/batches/<int:batch_id>/<str:name>/", views.batch_file, name="batch-file"),
    path("letters/", views.letter_register, name="letters"),
    path("letters/new/", views.letter_new, name="letter-new"),
    path("letters/preview.<str:fmt>", views.letter_preview, name="letter-preview"),
    path("letters/<int:pk>/", views.letter_detail, name="letter"),
    path("letters/<int:pk>/letter.<str:fmt>", views.letter_document, name="letter-document"),
]
