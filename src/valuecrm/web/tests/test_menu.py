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


def test_the_new_pages_speak_chinese(client, org, records):
    client.force_login(org.manager_a)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}
    menu = client.get(reverse("web:home"), **zh).content.decode()
    assert "流程分析" in menu and "数据质量" in menu and "举措" in menu
    inbox = client.get(reverse("web:approval_inbox"), **zh).content.decode()
    assert "待我审批" in inbox and "超过时限的审批" in inbox
    orders = client.get(reverse("web:order_list"), **zh).content.decode()
    assert "销售订单" in orders and "显示列" in orders
