"""The main navigation. A new page adds one NavItem here (and its URL name to the page list
in tests/test_access.py), so it appears in the menu and is checked for anonymous access."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    # Prefix of request paths that mark this item as the current section.
    section: str


NAV = [
    NavItem("web:home", _("Workbench"), "/"),
    NavItem("web:lead_list", _("Leads"), "/leads/"),
    NavItem("web:customer_list", _("Customers"), "/customers/"),
    NavItem("web:contact_list", _("Contacts"), "/contacts/"),
    NavItem("web:opportunity_list", _("Opportunities"), "/opportunities/"),
    NavItem("web:kanban", _("Kanban"), "/kanban/"),
    NavItem("web:contract_list", _("Contracts"), "/contracts/"),
    NavItem("web:activity_list", _("Activities"), "/activities/"),
    NavItem("web:pool_list", _("Public pool"), "/pool/"),
    NavItem("web:segment_list", _("Segments"), "/segments/"),
    NavItem("web:campaign_list", _("Campaigns"), "/campaigns/"),
    NavItem("web:metrics_explorer", _("Analysis"), "/metrics/"),
    NavItem("web:import_start", _("Import"), "/import"),
    NavItem("web:value_report", _("Value report"), "/value/"),
]
