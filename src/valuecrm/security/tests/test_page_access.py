"""Access control of every page URL, for every role.

Every URL Django serves is discovered from the resolver and must belong to a known part:
the API (checked route by route in test_api_access), the admin site (staff only), the
language switch, or a web page listed in web/tests/test_access.PAGES (whose own test makes
every new web page be listed there). For the web pages, each role is then checked here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from valuecrm.org.scope import can_run_campaigns
from valuecrm.security.tests.conftest import (
    SCOPED_ROLES,
    add_out_of_scope_data,
    fingerprint,
)
from valuecrm.web.tests.test_access import PAGES
from valuecrm.web.tests.test_access import PUBLIC as PUBLIC_PAGES
from valuecrm.web.tests.test_access import RECORD_PAGES as WEB_RECORD_PAGES

# Pages about one business record (the web tests' own definition: pages whose arguments are
# a token, a saved view, an import job or a kind are checked in their own test files).
RECORD_PAGES = sorted(WEB_RECORD_PAGES)
PLAIN_PAGES = sorted(n for n, args in PAGES.items() if not args and n != "logout")
HIDDEN_NAMES = {"rep_a": ["rep_a2", "rep_b", "rep_c", "rep_west_new"],
                "manager_a": ["rep_b", "rep_c", "rep_west_new"],
                "head_east": ["rep_c", "rep_west_new"]}


def _walk(patterns, namespace=None, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, entry.namespace or namespace,
                             prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield namespace, entry.name, prefix + str(entry.pattern)


def test_every_url_belongs_to_a_checked_part():
    unknown = []
    for namespace, name, route in _walk(get_resolver().url_patterns):
        if namespace in ("api-v1", "admin"):
            continue
        if namespace == "web" and (name in PAGES or name in PUBLIC_PAGES):
            continue
        if name == "set_language":
            continue
        unknown.append(f"{namespace}:{name} ({route})")
    assert not unknown, f"decide who may open these URLs and list them: {unknown}"


def _url(name, records, owner):
    build = PAGES[name]
    return reverse(f"web:{name}", kwargs=build(records[owner]) if build else None)


def test_out_of_scope_record_pages_answer_404_and_change_nothing(records, org, client):
    problems = []
    for role, scope in SCOPED_ROLES.items():
        client.force_login(getattr(org, role))
        for name in RECORD_PAGES:
            url = _url(name, records, scope["outside"])
            before = fingerprint()
            got = client.get(url).status_code, client.post(url, {"name": "越权"}).status_code
            if got[0] not in (404, 405) or got[1] != 404:
                problems.append(f"{role} {name}: {got}")
            if fingerprint() != before:
                problems.append(f"{role} {name}: data changed")
    assert not problems, problems


def test_analysts_open_record_pages_but_change_nothing(records, org, client):
    client.force_login(org.analyst)
    problems = []
    for name in RECORD_PAGES:
        url = _url(name, records, "rep_c")
        before = fingerprint()
        if client.get(url).status_code not in (200, 403, 405):
            problems.append(f"GET {name}")
        client.post(url, {"name": "分析师改名", "reason": "x"})
        if fingerprint() != before:
            problems.append(f"POST {name} changed data")
    assert not problems, problems


def _refused(name, user) -> bool:
    """Pages a role may not use at all (the rule is org/scope.py's): 403, nothing shown."""
    return name == "campaign_create" and not can_run_campaigns(user)


@pytest.mark.parametrize("role", list(SCOPED_ROLES))
def test_pages_name_nobody_out_of_scope(records, org, channel, product, client, role):
    add_out_of_scope_data(org, channel, product)
    client.force_login(getattr(org, role))
    problems = []
    for name in PLAIN_PAGES:
        response = client.get(_url(name, records, "rep_a"))
        if response.status_code == 405:
            continue
        text = response.content.decode()
        leaked = [n for n in HIDDEN_NAMES[role] if n in text]
        expected = 403 if _refused(name, getattr(org, role)) else 200
        if response.status_code != expected or leaked:
            problems.append(f"{name}: {response.status_code} {leaked}")
    assert not problems, problems


def test_the_admin_site_is_for_staff_only(org, client):
    index = reverse("admin:index")
    assert client.get(index).status_code == 302
    for role in (*SCOPED_ROLES, "analyst"):
        client.force_login(getattr(org, role))
        response = client.get(index)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role
    client.force_login(org.admin)
    assert client.get(index).status_code == 200
