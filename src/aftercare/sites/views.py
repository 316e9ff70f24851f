"""Pages of the installed base (thin: reads come from ``queries``, writes from ``actions``)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aftercare.sites import queries


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    sites = queries.site_list(request.user).order_by("name", "id")  # type: ignore[arg-type]
    page = Paginator(sites, 50).get_page(request.GET.get("page"))
    return render(request, "sites/list.html", {"page": page})
