"""Pages of bills (thin: reads from ``queries``, writes through ``actions``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse

from aftercare.org.http import StaffRequest


@login_required
@permission_required("billing.view_bill", raise_exception=True)
def bill_list(request: StaffRequest) -> HttpResponse:
    return HttpResponse("")


@login_required
@permission_required("billing.view_bill", raise_exception=True)
def bill(request: StaffRequest, pk: int) -> HttpResponse:
    return HttpResponse("")
