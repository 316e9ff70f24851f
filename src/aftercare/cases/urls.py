from django.urls import path

from aftercare.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("queue/", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:action>/", views.move, name="move"),
]
