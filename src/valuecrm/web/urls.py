from django.contrib.auth import views as auth_views
from django.urls import path

from valuecrm.web.lists import list_view
from valuecrm.web.views import (
    account,
    bulk,
    dataio,
    kanban,
    metrics,
    notifications,
    pool,
    records,
    saved_views,
    search,
    system,
    value,
    workbench,
)

app_name = "web"
urlpatterns = [
    path("", workbench.home, name="home"),
    path("healthz", system.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", account.profile, name="profile"),
    path("profile/tokens/", account.create_token, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", account.revoke_token, name="token_revoke"),
    # Lists
    path("leads/", list_view("lead"), name="lead_list"),
    path("customers/", list_view("customer"), name="customer_list"),
    path("contacts/", list_view("contact"), name="contact_list"),
    path("opportunities/", list_view("opportunity"), name="opportunity_list"),
    path("contracts/", list_view("contract"), name="contract_list"),
    path("activities/", list_view("activity"), name="activity_list"),
    path("leads/bulk/", bulk.bulk_view("lead"), name="lead_bulk"),
    path("customers/bulk/", bulk.bulk_view("customer"), name="customer_bulk"),
    path("views/<str:kind>/save/", saved_views.saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/delete/", saved_views.saved_view_delete, name="saved_view_delete"),
    # Records
    path("leads/new/", records.lead_create, name="lead_create"),
    path("leads/<int:pk>/", records.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/edit/", records.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/convert/", records.lead_convert, name="lead_convert"),
    path("customers/new/", records.customer_create, name="customer_create"),
    path("customers/<int:pk>/", records.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", records.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/release/", pool.customer_release, name="customer_release"),
    path("customers/<int:customer_pk>/contacts/new/", records.contact_create,
         name="contact_create"),
    path("customers/<int:customer_pk>/opportunities/new/", records.opportunity_create,
         name="opportunity_create"),
    path("contacts/<int:pk>/", records.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", records.contact_edit, name="contact_edit"),
    path("opportunities/<int:pk>/", records.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", records.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/move/", kanban.move, name="opportunity_move"),
    path("kanban/", kanban.kanban, name="kanban"),
    path("value/", value.value_report_page, name="value_report"),
    path("contracts/<int:pk>/", records.contract_detail, name="contract_detail"),
    path("<str:target>/<int:pk>/activities/new/", records.activity_create,
         name="activity_create"),
    # Public pool
    path("pool/", pool.pool_list, name="pool_list"),
    path("pool/<int:pk>/claim/", pool.pool_claim, name="pool_claim"),
    # Search and duplicate check
    path("search/", search.search, name="search"),
    path("duplicates/<str:kind>/", search.duplicate_check, name="duplicate_check"),
    # Notifications
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", notifications.notification_read,
         name="notification_read"),
    path("notifications/read-all/", notifications.notification_read_all,
         name="notification_read_all"),
    # Import and export
    path("import/", dataio.import_start, name="import_start"),
    path("import/<str:token>/", dataio.import_map, name="import_map"),
    path("imports/<int:pk>/", dataio.import_result, name="import_result"),
    path("imports/<int:pk>/errors.csv", dataio.import_errors, name="import_errors"),
    path("export/<str:kind>/", dataio.export, name="export"),
    # Metrics
    path("metrics/", metrics.explorer, name="metrics_explorer"),
    path("metrics/targets/", metrics.targets, name="metrics_targets"),
    path("metrics/trees/", metrics.trees, name="metrics_trees"),
    path("metrics/funnel/", metrics.funnel, name="metrics_funnel"),
    path("channels/", metrics.channels, name="channel_scorecard"),
]
