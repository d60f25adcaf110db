"""The bell: unread count on every page, the list, marking read."""

from valuecrm.notifications.models import Notification


def test_bell_counts_unread_and_reading_follows_the_link(org, client):
    mine = Notification.objects.create(user=org.rep_a, kind="assigned", title="新线索：王五",
                                       url="/leads/")
    Notification.objects.create(user=org.rep_b, kind="assigned", title="别人的")
    client.force_login(org.rep_a)
    assert 'data-unread="1"' in client.get("/").content.decode()
    page = client.get("/notifications/")
    assert [n.title for n in page.context["notifications"]] == ["新线索：王五"]
    response = client.post(f"/notifications/{mine.pk}/read/")
    assert response["Location"] == "/leads/"
    assert 'data-unread' not in client.get("/").content.decode()
    assert list(client.get("/notifications/?unread=1").context["notifications"]) == []


def test_read_all_and_others_notices_are_404(org, client):
    other = Notification.objects.create(user=org.rep_b, kind="assigned", title="x")
    Notification.objects.create(user=org.rep_a, kind="assigned", title="a")
    client.force_login(org.rep_a)
    assert client.post(f"/notifications/{other.pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(user=org.rep_a, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None
