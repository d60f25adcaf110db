"""Web-to-lead: leads submitted on the company's own website arrive with their channel.

A public form posts to the channel's capture key. The lead is created as the system user
with no owner, so it passes through the same path as any other new lead (assignment rules
now; cleaning and duplicate checks where configured) and is never silently dropped. The
honeypot is the exception: a filled hidden field is a bot, answered as if accepted.
"""

import logging
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from valuecrm.core.errors import NotFound
from valuecrm.crm.actions import create_lead
from valuecrm.crm.models import Channel, Lead
from valuecrm.org.actions import system_user

log = logging.getLogger(__name__)

CAPTURED_FIELDS = ("name", "company_name", "phone", "email", "region", "industry")


def new_capture_key() -> str:
    return secrets.token_urlsafe(18)


@transaction.atomic
def capture_lead(*, channel_key: str, fields: dict, honeypot: str = "") -> Lead | None:
    """Create a lead from a public form. None when the honeypot caught a bot."""
    try:
        channel = Channel.objects.get(capture_key=channel_key, is_active=True)
    except Channel.DoesNotExist:
        raise NotFound(_("This form is not accepting submissions.")) from None
    if honeypot.strip():
        log.warning("web-to-lead honeypot filled on channel %s; submission ignored", channel.pk)
        return None
    data = {name: (fields.get(name) or "").strip() for name in CAPTURED_FIELDS}
    return create_lead(
        actor=system_user(), data={**data, "channel_id": channel.pk, "owner_id": None}
    )
