from django.urls import path

from aftercare.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.bill_list, name="list"),
    path("bills.xlsx", views.list_xlsx, name="list_xlsx"),
    path("<int:pk>/", views.bill, name="bill"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/credit-notes/", views.credit, name="credit"),
    path("<int:pk>/bill.pdf", views.bill_pdf, name="pdf"),
    path("<int:pk>/bill.xlsx", views.bill_xlsx, name="xlsx"),
    path("settings/", views.billing_settings, name="settings"),
    path("settings/save/", views.save_settings, name="settings_save"),
]
