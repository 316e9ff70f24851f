from django.urls import path

from aftercare.maintenance import views

app_name = "maintenance"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("<int:pk>/", views.plan, name="plan"),
    path("<int:pk>/engineer/", views.engineer, name="engineer"),
    path("visits/sw.js", views.visit_worker, name="visit_worker"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("visits/<int:pk>/result/", views.result, name="result"),
    path("visits/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("visits/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("visits/<int:pk>/checks/<int:check_pk>/photo/", views.photo, name="photo"),
    path("checklists/", views.checklists, name="checklists"),
    path("checklists/<int:pk>/items/", views.item_add, name="item_add"),
    path("checklists/items/<int:pk>/", views.item_change, name="item_change"),
    path("checklists/items/<int:pk>/remove/", views.item_remove, name="item_remove"),
]
