from django.urls import path

from aftercare.agreements import views

app_name = "agreements"

urlpatterns = [
    path("<int:pk>/", views.plan, name="plan"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/versions/<int:number>/signature/", views.signature, name="signature"),
    path("<int:pk>/versions/<int:number>/scan/", views.scan, name="scan"),
]
