from django.urls import path

from aftercare.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report_fault, name="report"),
    path("tickets/", views.tickets, name="tickets"),
    path("tickets/<int:pk>/", views.ticket, name="ticket"),
    path("tickets/<int:pk>/visit-report.pdf", views.visit_report_pdf, name="visit_report"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("plans/<int:pk>/reject/", views.reject, name="reject"),
    path("plans/<int:pk>/versions/<int:number>/signature/", views.signature, name="signature"),
    path("equipment/", views.equipment, name="equipment"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("training/", views.training, name="training"),
    path("bills/", views.bills, name="bills"),
    path("bills/<int:pk>/pdf/", views.bill_pdf, name="bill_pdf"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("invite/<str:token>/", views.accept, name="accept"),
]
