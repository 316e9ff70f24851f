from django.urls import path

from aftercare.paperwork import views

app_name = "paperwork"


def _three(route: str, view, name: str, stem: str) -> list:
    """The page, its PDF and its workbook (`…/form1.pdf`, `…/form1.xlsx`)."""
    return [
        path(route, view, name=name),
        path(f"{route}{stem}.pdf", view, {"fmt": "pdf"}, name=f"{name}-pdf"),
        path(f"{route}{stem}.xlsx", view, {"fmt": "xlsx"}, name=f"{name}-xlsx"),
    ]


urlpatterns = [
    path("", views.index, name="index"),
    *_three("customers/<int:pk>/", views.customer_archive, "form1", "form1"),
    *_three("calls/<int:pk>/", views.call_record, "form2", "form2"),
    *_three("call-register/", views.call_register, "form3", "form3"),
    *_three("letter-register/", views.letter_register, "form4", "form4"),
    path("exports/", views.start_export, name="export-start"),
    path("exports/<int:pk>/", views.export, name="export"),
    path("exports/<int:pk>/file.pdf", views.export_download, name="export-file"),
]
