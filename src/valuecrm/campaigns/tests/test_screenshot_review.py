"""The automatic review of share screenshots, case by case, and its precision and recall on
a generated set (lower bounds; the full measurement: bench/referral_review.py)."""

import pytest

from valuecrm.campaigns.actions import create_campaign
from valuecrm.campaigns.models import Campaign, Submission
from valuecrm.campaigns.referrals import (
    decide_submission,
    enrol,
    poster_png,
    record_signup,
    referral_token,
    submit_screenshot,
)
from valuecrm.campaigns.tests.screens import resubmitted, screenshot
from valuecrm.core.errors import ValidationError

pytestmark = pytest.mark.usefixtures("isolated_uploads")


@pytest.fixture
def isolated_uploads(settings, tmp_path):
    settings.HOME = tmp_path


@pytest.fixture
def referral(org, segment, audience):
    def make(name):
        campaign = create_campaign(actor=org.manager_a, name=name, segment_id=segment.pk,
                                   kind=Campaign.Kind.REFERRAL, reward="50 元券",
                                   variants=[{"name": "A", "message": "Share!"}])
        return campaign, enrol(campaign, audience[:3])
    return make


def _participants(referral):
    campaign, people = referral("老带新")
    return campaign, list(people.values())


def test_this_campaigns_code_of_the_uploader_is_accepted_and_rewarded(referral):
    _campaign, (alice, _bob, _carol) = _participants(referral)
    submission = submit_screenshot(upload_key=alice.upload_key,
                                   data=screenshot(poster_png(alice), seed=1))
    assert (submission.status, submission.reason) == ("accepted", "own_code")
    assert submission.rewarded_at is not None
    second = submit_screenshot(upload_key=alice.upload_key,
                               data=screenshot(poster_png(alice), seed=2))
    assert second.status == "accepted" and second.rewarded_at is None  # rewarded once


def test_another_participants_code_is_rejected(referral):
    _campaign, (alice, bob, _carol) = _participants(referral)
    submission = submit_screenshot(upload_key=alice.upload_key,
                                   data=screenshot(poster_png(bob), seed=3))
    assert (submission.status, submission.reason) == ("rejected", "other_participant")
    assert submission.rewarded_at is None


def test_a_code_of_another_campaign_is_rejected(referral):
    _campaign, people = referral("一月")
    _other, other_people = referral("二月")
    alice = next(iter(people.values()))
    twin = other_people[alice.contact_id]  # the same person in the other campaign
    submission = submit_screenshot(upload_key=alice.upload_key,
                                   data=screenshot(poster_png(twin), seed=4))
    assert (submission.status, submission.reason) == ("rejected", "wrong_campaign")


def test_a_reused_image_is_rejected(referral):
    _campaign, (alice, bob, _carol) = _participants(referral)
    original = screenshot(poster_png(alice), seed=5)
    assert submit_screenshot(upload_key=alice.upload_key, data=original).status == "accepted"
    again = submit_screenshot(upload_key=alice.upload_key, data=resubmitted(original, 6))
    assert (again.status, again.reason) == ("rejected", "reused")
    stolen = submit_screenshot(upload_key=bob.upload_key, data=original)
    assert (stolen.status, stolen.reason) == ("rejected", "reused")


def test_a_screenshot_without_a_code_goes_to_the_manual_queue(org, referral):
    _campaign, (alice, _bob, _carol) = _participants(referral)
    submission = submit_screenshot(upload_key=alice.upload_key, data=screenshot(None, seed=7))
    assert (submission.status, submission.reason) == ("manual", "no_code")
    decided = decide_submission(actor=org.manager_a, submission_id=submission.pk, accept=True)
    assert decided.status == "accepted" and decided.rewarded_at is not None
    assert decided.reviewed_by == org.manager_a


def test_reps_and_other_teams_cannot_decide(org, referral):
    from valuecrm.core.errors import Forbidden, NotFound

    _campaign, (alice, _bob, _carol) = _participants(referral)
    submission = submit_screenshot(upload_key=alice.upload_key, data=screenshot(None, seed=8))
    with pytest.raises(Forbidden):
        decide_submission(actor=org.rep_a, submission_id=submission.pk, accept=True)
    from valuecrm.org.models import Role, User
    other = User.objects.create_user(username="manager_c", role=Role.MANAGER, unit=org.team_c)
    with pytest.raises(NotFound):
        decide_submission(actor=other, submission_id=submission.pk, accept=True)


def test_files_that_are_not_images_are_refused(referral):
    _campaign, (alice, _bob, _carol) = _participants(referral)
    with pytest.raises(ValidationError):
        submit_screenshot(upload_key=alice.upload_key, data=b"not an image")
    assert not Submission.objects.exists()


def test_sign_ups_are_credited_to_the_referrer(referral):
    _campaign, (alice, _bob, _carol) = _participants(referral)
    referral_row = record_signup(token=referral_token(alice),
                                 data={"name": "新朋友", "phone": "13900001111"})
    assert referral_row.participant == alice and referral_row.lead.phone.endswith("13900001111")


def test_precision_and_recall_on_generated_screenshots(referral):
    """24 screenshots: 8 genuine, 4 of another participant's poster, 4 resubmissions,
    4 without a poster, 4 genuine again (different screens). Accepting is the positive
    class: precision = right accepts / accepts, recall = right accepts / genuine."""
    _campaign, (alice, bob, _carol) = _participants(referral)
    posters = {p.pk: poster_png(p) for p in (alice, bob)}
    cases, genuine = [], []
    for i in range(12):
        data = screenshot(posters[alice.pk], seed=100 + i)
        cases.append((data, True))
        genuine.append(data)
    cases += [(screenshot(posters[bob.pk], seed=200 + i), False) for i in range(4)]
    cases += [(screenshot(None, seed=300 + i), False) for i in range(4)]
    cases += [(resubmitted(genuine[i], 400 + i), False) for i in range(4)]
    accepted_right = accepted = 0
    for data, should in cases:
        verdict = submit_screenshot(upload_key=alice.upload_key, data=data).status
        accepted += verdict == "accepted"
        accepted_right += verdict == "accepted" and should
    precision, recall = accepted_right / accepted, accepted_right / 12
    assert precision >= 0.95 and recall >= 0.8, (precision, recall)
