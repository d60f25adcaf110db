"""`one_parameter` passes a lookup's values as one array on PostgreSQL; it must match
exactly the rows that the plain IN list matches."""

import pytest

from valuecrm.core.sql import one_parameter
from valuecrm.crm.models import Lead

pytestmark = pytest.mark.django_db


def test_one_parameter_matches_what_the_in_list_matches():
    field = Lead._meta.get_field("company_name")
    long_name = "x" * field.max_length
    leads = [Lead.objects.create(name=f"n{i}", company_name=name)
             for i, name in enumerate(["甲公司", "乙公司", long_name, ""])]
    # A value longer than the column, whose first max_length characters equal a stored
    # name: a cast to varchar(n) would cut it and match; the IN list does not.
    wanted = ["甲公司", "丙公司", "", long_name + "y"]
    by_list = set(Lead.objects.filter(company_name__in=wanted).values_list("pk", flat=True))
    by_array = set(Lead.objects.filter(
        company_name__in=one_parameter(wanted, field)).values_list("pk", flat=True))
    assert by_array == by_list == {leads[0].pk, leads[3].pk}


def test_one_parameter_works_for_keys_and_references():
    first, second = Lead.objects.create(name="a"), Lead.objects.create(name="b")
    pks = one_parameter([first.pk, second.pk + 1000], Lead._meta.pk)
    assert list(Lead.objects.filter(pk__in=pks).values_list("pk", flat=True)) == [first.pk]
