"""The main navigation. A new page adds one NavItem here (and its URL name to the page list
in tests/test_access.py), so it appears in the menu and is checked for anonymous access.

`roles` says who sees an item in the menu (empty: everyone). The menu only declutters:
every page still answers everyone signed in, within their data scope."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from valuecrm.org.models import Role

LEADERS = frozenset({Role.MANAGER, Role.DEPARTMENT_HEAD, Role.ANALYST, Role.ADMIN})
DECIDERS = frozenset({Role.REP, Role.MANAGER, Role.DEPARTMENT_HEAD, Role.ADMIN})
# Who runs campaigns (org.scope.can_run_campaigns).
CAMPAIGNERS = frozenset({Role.MANAGER, Role.DEPARTMENT_HEAD, Role.ADMIN})


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    # Prefix of request paths that mark this item as the current section.
    section: str
    roles: frozenset = frozenset()
    # Further path prefixes of the same section (its tabs).
    also: tuple[str, ...] = ()

    def shown_to(self, user) -> bool:
        return not self.roles or user.is_superuser or user.role in self.roles


NAV = [
    NavItem("web:home", _("Workbench"), "/"),
    NavItem("web:lead_list", _("Leads"), "/leads/"),
    NavItem("web:customer_list", _("Customers"), "/customers/"),
    NavItem("web:contact_list", _("Contacts"), "/contacts/"),
    NavItem("web:opportunity_list", _("Opportunities"), "/opportunities/"),
    NavItem("web:kanban", _("Kanban"), "/kanban/"),
    NavItem("web:contract_list", _("Contracts"), "/contracts/"),
    NavItem("web:order_list", _("Delivery"), "/orders/", also=("/suppliers/",)),
    NavItem("web:approval_inbox", _("Approvals"), "/approvals/", roles=DECIDERS),
    NavItem("web:activity_list", _("Activities"), "/activities/"),
    NavItem("web:pool_list", _("Public pool"), "/pool/"),
    NavItem("web:metrics_explorer", _("Analysis"), "/metrics/", also=("/channels/",)),
    NavItem("web:segment_list", _("Segments"), "/segments/"),
    NavItem("web:campaign_list", _("Campaigns"), "/campaigns/", roles=CAMPAIGNERS,
            also=("/referrals/",)),
    NavItem("web:process_view", _("Process"), "/process/", roles=LEADERS),
    NavItem("web:quality_page", _("Data quality"), "/quality/", roles=LEADERS),
    NavItem("web:usage_page", _("Usage"), "/usage/", roles=LEADERS),
    NavItem("web:initiative_list", _("Initiatives"), "/initiatives/", roles=LEADERS,
            also=("/requirements/",)),
    NavItem("web:import_start", _("Import"), "/import"),
    NavItem("web:value_report", _("Value report"), "/value/"),
]
