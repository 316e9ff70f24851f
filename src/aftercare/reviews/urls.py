from django.urls import path

from aftercare.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/save/", views.review_save, name="save"),
    path("<int:pk>/print/", views.review_print, name="print"),
    path("<int:pk>/pdf/", views.review_pdf, name="pdf"),
    path("<int:pk>/xlsx/", views.review_xlsx, name="xlsx"),
]
