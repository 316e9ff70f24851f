from django.http import HttpResponse
from django.urls import path

app_name = "skeleton"


def board(request) -> HttpResponse:
    return HttpResponse("the skeleton board")


urlpatterns = [path("", board, name="board")]
