"""Endpoints for machines rather than people."""

from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """For load balancers and the demo launcher: the app is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
