import pytest

from valuecrm.campaigns.actions import create_campaign
from valuecrm.crm.models import Contact, Customer
from valuecrm.segments.actions import create_segment


@pytest.fixture
def audience(org):
    """40 customers of rep_a (team_a) in 母婴, each with one contact with an email and phone."""
    contacts = []
    for i in range(40):
        customer = Customer.objects.create(name=f"母婴客户{i}", owner=org.rep_a, industry="母婴")
        contacts.append(Contact.objects.create(
            customer=customer, name=f"联系人{i}", email=f"c{i}@example.com",
            phone=f"+86138000{i:05d}"))
    return contacts


@pytest.fixture
def segment(org, audience):
    return create_segment(actor=org.manager_a, name="母婴",
                          definition={"field": "industry", "value": "母婴"})


@pytest.fixture
def make_campaign(org, segment):
    def make(**extra):
        variants = extra.pop("variants", [
            {"name": "A", "channel": "email", "subject": "Hi", "message": "Offer A"},
            {"name": "B", "channel": "sms", "message": "Offer B"}])
        return create_campaign(actor=org.manager_a, name=extra.pop("name", "春季活动"),
                               segment_id=segment.pk, variants=variants, **extra)
    return make
