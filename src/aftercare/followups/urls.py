from django.urls import path

from aftercare.followups import views

app_name = "followups"
urlpatterns = [
    path("new/", views.call_new, name="call-new"),
    path("new/check/", views.call_check, name="call-check"),
    path("new/item-row/", views.item_row, name="item-row"),
    path("register/", views.register, name="register"),
    path("<int:pk>/", views.call_detail, name="detail"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("obligations/<int:pk>/unreachable/", views.close_unreachable, name="close-unreachable"),
    path("plans/<int:pk>/confirm/", views.plan_confirm, name="plan-confirm"),
]
