"""Campaign results: per variant and the hold-out, conversion rates, lift against the
hold-out and a two-proportion z-test (the value report's own), with a verdict that says
when the sample is too small to decide."""

from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from valuecrm.campaigns.models import Campaign, Participant, Referral, Send, Submission
from valuecrm.value.config import SIGNIFICANCE, min_sample
from valuecrm.value.stats import two_proportion_z_test

# Below this many expected conversions in a group the normal approximation of the z-test
# does not hold (the usual n*p >= 5 rule), whatever the group's size.
MIN_EXPECTED_CONVERSIONS = 5


def campaigns_for(user):
    return Campaign.objects.visible_to(user)


@dataclass
class GroupResult:
    group: str
    variant_id: int | None
    channel: str
    audience: int
    suppressed: dict
    reached: int  # sent (variants) or held out: the denominator of the rate
    delivered: int
    responded: int
    converted: int
    by_conversion: dict
    rate: float | None
    lift: float | None = None
    z: float | None = None
    p_value: float | None = None
    verdict: str = ""  # better, worse, no_difference, too_small, baseline


def _verdict(group: GroupResult, holdout: GroupResult) -> str:
    if group.variant_id is None:
        return "baseline"
    pooled_n = group.reached + holdout.reached
    pooled = (group.converted + holdout.converted) / pooled_n if pooled_n else 0
    small = min(group.reached, holdout.reached) < min_sample() or min(
        group.reached, holdout.reached) * min(pooled, 1 - pooled) < MIN_EXPECTED_CONVERSIONS
    if small:
        return "too_small"
    if group.p_value is None or group.p_value >= SIGNIFICANCE:
        return "no_difference"
    return "better" if group.rate > holdout.rate else "worse"


def campaign_results(user, campaign_id: int) -> dict:
    campaign = Campaign.objects.get_visible(user, campaign_id)
    rows = Send.objects.filter(campaign=campaign)
    counts = rows.values("variant_id", "status", "conversion").annotate(
        n=Count("pk"), delivered=Count("pk", filter=Q(delivered_at__isnull=False)),
        responded=Count("pk", filter=Q(responded_at__isnull=False)))
    groups = {None: GroupResult("holdout", None, "", 0, {}, 0, 0, 0, 0, {}, None)}
    for variant in campaign.variants.all():
        groups[variant.pk] = GroupResult(variant.name, variant.pk, variant.channel, 0, {}, 0,
                                         0, 0, 0, {}, None)
    for row in counts:
        group = groups[row["variant_id"]]
        group.audience += row["n"]
        if row["status"] in (Send.Status.SENT, Send.Status.HOLDOUT):
            group.reached += row["n"]
            group.delivered += row["delivered"]
            group.responded += row["responded"]
            if row["conversion"]:
                group.converted += row["n"]
                group.by_conversion[row["conversion"]] = (
                    group.by_conversion.get(row["conversion"], 0) + row["n"])
        else:
            group.suppressed[row["status"]] = group.suppressed.get(row["status"], 0) + row["n"]
    holdout = groups[None]
    for group in groups.values():
        group.rate = group.converted / group.reached if group.reached else None
        if group.variant_id is not None:
            if group.rate is not None and holdout.rate:
                group.lift = (group.rate - holdout.rate) / holdout.rate
            test = two_proportion_z_test(holdout.converted, holdout.reached, group.converted,
                                         group.reached)
            group.z, group.p_value = test.z, test.p_value
        group.verdict = _verdict(group, holdout)
    window_ends = campaign.sent_at + timedelta(days=campaign.window_days) \
        if campaign.sent_at else None
    result = {
        "campaign": {"id": campaign.pk, "name": campaign.name, "kind": campaign.kind,
                     "status": campaign.status, "sent_at": campaign.sent_at,
                     "window_days": campaign.window_days, "window_ends": window_ends,
                     "maturing": bool(window_ends and window_ends > timezone.now())},
        "groups": [asdict(g) for g in [*[g for k, g in groups.items() if k], holdout]],
    }
    if campaign.kind == Campaign.Kind.REFERRAL:
        result["referral"] = referral_results(campaign)
    return result


def referral_results(campaign: Campaign) -> dict:
    """The review's effect: submissions by verdict, the share rejected, participants who
    submitted again after a rejection, referred sign-ups, rewards."""
    submissions = Submission.objects.filter(participant__campaign=campaign)
    by_status = dict(submissions.values_list("status").annotate(n=Count("pk")).order_by())
    by_reason = dict(submissions.values_list("reason").annotate(n=Count("pk")).order_by())
    total = sum(by_status.values())
    rejected_people = submissions.filter(status=Submission.Status.REJECTED).values(
        "participant_id")
    resubmitted = (submissions.filter(participant_id__in=rejected_people)
                   .values("participant_id").annotate(n=Count("pk")).filter(n__gt=1).count())
    return {
        "participants": Participant.objects.filter(campaign=campaign).count(),
        "submissions": total, "by_status": by_status, "by_reason": by_reason,
        "rejected_share": by_status.get(Submission.Status.REJECTED, 0) / total if total else None,
        "resubmitted_after_rejection": resubmitted,
        "rewarded": submissions.filter(rewarded_at__isnull=False).count(),
        "referred_signups": Referral.objects.filter(participant__campaign=campaign).count(),
    }


def review_queue(user):
    """Screenshots waiting for a person, oldest first, within the reviewer's scope."""
    return (Submission.objects.visible_to(user).filter(status=Submission.Status.MANUAL)
            .select_related("participant__contact", "participant__campaign")
            .order_by("created_at", "pk"))
