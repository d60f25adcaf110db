"""A refused variant is named by its position, as the API's own schema errors are, so a
caller (the campaign form, an API client) knows which variant to fix; nothing is saved."""

from valuecrm.campaigns.models import Campaign


def test_a_refused_variant_is_named_by_its_position(org, segment, api):
    response = api(org.manager_a).post("/campaigns", {
        "name": "春季", "segment": segment.pk,
        "variants": [{"name": "A", "message": "A!"}, {"name": "B", "message": "B!", "weight": 0},
                     {"name": "A", "message": "again"}]})
    assert response.status_code == 422, response.content
    # The first refusal stops the action (one atomic write): B's weight.
    assert list(response.json()["errors"]) == ["variants.1.weight"]
    response = api(org.manager_a).post("/campaigns", {
        "name": "春季", "segment": segment.pk,
        "variants": [{"name": "A", "message": "A!"}, {"name": "A", "message": "again"}]})
    assert response.json()["errors"] == {
        "variants.1": ["Another variant of this campaign has this name."]}
    assert not Campaign.objects.exists()
