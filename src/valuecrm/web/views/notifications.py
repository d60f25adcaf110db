"""The notifications bell: unread count in the top bar, the list, marking read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from valuecrm.notifications.actions import mark_read
from valuecrm.notifications.models import Notification
from valuecrm.web.htmx import render_page
from valuecrm.web.views.forms import go_to

PER_PAGE = 50


@login_required
def notification_list(request):
    mine = Notification.objects.filter(user=request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        mine = mine.filter(read_at__isnull=True)
    return render_page(request, "web/notifications/list.html", {
        "notifications": mine[:PER_PAGE], "unread_only": unread_only,
    })


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one read and follow its link (its own list when it has none)."""
    notice = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
    mark_read(actor=request.user, notification_id=notice.pk)
    return go_to(request, notice.url or reverse("web:notification_list"))


@login_required
@require_POST
def notification_read_all(request):
    mark_read(actor=request.user)
    return go_to(request, reverse("web:notification_list"))
