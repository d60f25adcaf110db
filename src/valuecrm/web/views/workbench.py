"""The home page after signing in: a workbench that depends on the person's role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "web/workbench.html", {})
