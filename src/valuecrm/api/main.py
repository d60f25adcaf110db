"""The /api/v1 application: authentication, error mapping and the domain routers."""

from ninja import NinjaAPI

from valuecrm.api import (
    approvals,
    assignment,
    campaigns,
    capture,
    crm,
    dataio,
    dedup,
    delivery,
    errors,
    focus,
    metrics,
    notifications,
    org,
    pool,
    process,
    quality,
    sales,
    scoring,
    search,
    segments,
    usage,
    value,
    webhooks,
)
from valuecrm.api.auth import AUTH

api = NinjaAPI(
    title="ValueCRM API",
    version="1",
    description=(
        "Every record type has list (`{items, count}` with `limit`/`offset`), detail, create, "
        "update (send `version` to refuse stale writes), and for leads, customers, contacts, "
        "opportunities and contracts soft delete and restore. Authenticate with "
        "`Authorization: Bearer <token>` (see `valuecrm token create`) or the page session."
    ),
    auth=AUTH,
    urls_namespace="api-v1",
)
errors.install(api)
# One router per domain module, in the order the OpenAPI document lists them.
for module in (org, crm, sales, pool, assignment, capture, dedup, search, scoring, focus,
               notifications, dataio, metrics, webhooks, process, delivery, quality, usage,
               approvals, value, segments, campaigns):
    api.add_router("", module.router)
api.add_router("", campaigns.public_router)
