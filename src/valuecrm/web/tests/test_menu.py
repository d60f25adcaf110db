"""The main menu by role: every role sees the record lists, approvals are for those who
decide, the analysis pages for managers, heads, analysts and administrators."""

import pytest
from django.urls import reverse

ANALYSIS = ["web:process_view", "web:quality_page", "web:usage_page", "web:initiative_list"]


def _menu(client) -> str:
    page = client.get(reverse("web:home")).content.decode()
    return page[page.index('class="main-nav"'):page.index("</nav>")]


@pytest.mark.parametrize("role, analysis, approvals", [
    ("rep_a", False, True), ("manager_a", True, True), ("head_east", True, True),
    ("analyst", True, False), ("admin", True, True)])
def test_the_menu_fits_the_role(client, org, role, analysis, approvals):
    client.force_login(getattr(org, role))
    menu = _menu(client)
    assert reverse("web:order_list") in menu
    assert (reverse("web:approval_inbox") in menu) is approvals
    for name in ANALYSIS:
        assert (reverse(name) in menu) is analysis, name


def test_tabs_keep_their_section_current(client, org):
    client.force_login(org.manager_a)
    page = client.get(reverse("web:supplier_list")).content.decode()
    menu = page[page.index('class="main-nav"'):page.index("</nav>")]
    assert f'href="{reverse("web:order_list")}" aria-current="page"' in menu
