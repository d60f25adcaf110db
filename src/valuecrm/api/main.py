"""The /api/v1 application: authentication, error mapping and the domain routers."""

from ninja import NinjaAPI

from valuecrm.api import crm, dedup, errors, org, pool, sales, search
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
api.add_router("", org.router)
api.add_router("", crm.router)
api.add_router("", sales.router)
api.add_router("", pool.router)
api.add_router("", search.router)
api.add_router("", dedup.router)
