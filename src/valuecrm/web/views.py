"""Pages. The workbench and record pages arrive with the web interface issue; until then the
home page points people to the admin back office and the API."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


def home(request):
    return render(request, "web/home.html")


def healthz(request):
    """For load balancers and the demo launcher: the app is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
