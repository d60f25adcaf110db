"""The org tree keeps subtree paths right when units are added and moved."""

from valuecrm.org.models import OrgUnit


def test_paths_follow_the_parent_chain(org):
    assert org.team_a.path == f"{org.east.path}{org.team_a.pk}/"
    assert set(org.east.subtree()) == {org.east, org.team_a, org.team_b}


def test_moving_a_department_moves_its_teams_and_the_scope_follows(org, records, api):
    org.east.parent = org.west
    org.east.save()
    org.team_a.refresh_from_db()
    assert org.team_a.path.startswith(org.west.path)
    assert OrgUnit.objects.get(pk=org.west.pk).subtree().filter(pk=org.team_a.pk).exists()


def test_deep_trees_work(org):
    parent = org.team_c
    for depth in range(6):
        parent = OrgUnit.objects.create(name=f"小组{depth}", kind="team", parent=parent)
    assert parent.path.startswith(org.west.path)
    assert parent.path.count("/") == 10
