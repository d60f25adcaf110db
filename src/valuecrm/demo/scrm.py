"""The demo company's segmentation and campaigns, made after its history through the
segments and campaigns apps' own actions, so the demo shows what their rules (scope,
assignment, hold-out, opt-outs, frequency cap, conversions, screenshot review) make of it.

What the data digest covers does not depend on the wall clock: every definition that a
campaign or a tag rule uses is free of "N days" (those are evaluated against today), the
campaigns are sent and replied to at fixed moments before the anchor, and their assignment
seeds derive from the demo's seed. Only the review's own times (an upload, a decision) are
the build's.
Conversions are the demo's own later history (contracts, opportunities, leads of the
contacts' customers); only replies, which the history has no notion of, are generated here,
more often to the variant with an offer.
"""

import io
import random
from datetime import timedelta

from django.test.utils import override_settings
from PIL import Image, ImageDraw

from valuecrm.campaigns.actions import (
    create_campaign,
    measure_conversions,
    opt_out,
    record_response,
    schedule_campaign,
    send_campaign,
)
from valuecrm.campaigns.assignment import unit_interval
from valuecrm.campaigns.gateways import DEFAULT_GATEWAY
from valuecrm.campaigns.models import (
    Campaign,
    Channel,
    OptOut,
    Participant,
    Send,
    Submission,
)
from valuecrm.campaigns.referrals import decide_submission, poster_png, submit_screenshot
from valuecrm.crm.models import Tag, TagGroup
from valuecrm.demo import params
from valuecrm.segments.actions import apply_tag_rule, create_segment, create_tag_rule
from valuecrm.segments.models import Segment, TagChange, TagRule
from valuecrm.segments.queries import segment_contacts

EAST = [label for _, label, dept, _ in params.CITIES if dept == "east"]
BIG = ["large", "enterprise"]
# Share of the messages of each variant of the A/B campaign that get a reply.
REPLY_RATES = {"A": 0.03, "B": 0.12}


def build_scrm_demo(*, seed: int, timeline, users) -> dict[str, int]:
    """Segments, tag rules (run once at the anchor) and three sent campaigns; returns the
    row counts of what it made."""
    admin = users["admin"]
    group = TagGroup.objects.create(name="营销标签")
    high_value = Tag.objects.create(group=group, name="高价值客户", color="#ee6666")
    win_back = Tag.objects.create(group=group, name="挽回对象", color="#73c0de")

    for name, tag, definition in [
        ("累计签约满 30 万", high_value,
         {"metric": "contract_amount", "op": "gte", "value": 300000}),
        ("流失的大客户", win_back, {"all": [
            {"field": "lifecycle_stage", "value": "churned"},
            {"field": "size_tier", "op": "in", "value": BIG}]}),
    ]:
        rule = create_tag_rule(actor=admin, name=name, tag_id=tag.pk, definition=definition)
        apply_tag_rule(actor=admin, rule=rule, when=timeline.cutoff)

    segments = {name: create_segment(actor=admin, name=name, description=description,
                                     definition=definition)
                for name, description, definition in [
        ("华东重点客户", "上海、江浙、安徽的大型和集团客户",
         {"all": [{"field": "region", "op": "in", "value": EAST},
                  {"field": "size_tier", "op": "in", "value": BIG}]}),
        ("90 天未跟进", "仍在合作或跟进中、90 天没有任何活动的客户",
         {"all": [{"not": {"field": "lifecycle_stage", "value": "churned"}},
                  {"inactive_days": 90}]}),
        ("购买过软件订阅", "签过含软件订阅产品的合同",
         {"purchased": {"category": "软件订阅"}}),
        ("近一年签约", "最近 365 天内签过合同", {"purchased": {"within_days": 365}}),
        ("在用客户", "生命周期为活跃的客户", {"field": "lifecycle_stage", "value": "active"}),
        ("未流失客户", "除已流失外的全部客户",
         {"not": {"field": "lifecycle_stage", "value": "churned"}}),
        ("高价值客户", "由规则“累计签约满 30 万”打标", {"tag": high_value.pk}),
    ]}

    # The demo never hands a message to a gateway configured for production.
    with override_settings(CAMPAIGN_GATEWAYS=dict.fromkeys(Channel.values, DEFAULT_GATEWAY)):
        _ab_email(seed, timeline, admin, segments["未流失客户"])
        _sms(seed, timeline, users["south-head"], segments["在用客户"])
        _referral(seed, timeline, users["east-head"], segments["华东重点客户"])
    return {label: model.objects.count() for label, model in [
        ("segments.Segment", Segment), ("segments.TagRule", TagRule),
        ("segments.TagChange", TagChange), ("campaigns.Campaign", Campaign),
        ("campaigns.OptOut", OptOut), ("campaigns.Send", Send),
        ("campaigns.Participant", Participant), ("campaigns.Submission", Submission)]}


def _send(actor, campaign: Campaign, when) -> Campaign:
    schedule_campaign(actor=actor, campaign_id=campaign.pk, when=when)
    return send_campaign(campaign_id=campaign.pk, when=when)


def _ab_email(seed, timeline, admin, segment) -> None:
    """An upsell email in two versions with a 20% hold-out, sent 100 days before the anchor
    with a 30-day window: finished, with conversions in every group."""
    when = timeline.working(timeline.at(timeline.anchor - timedelta(days=100), 10),
                            random.Random(seed))
    campaign = _send(admin, create_campaign(
        actor=admin, name="增值模块推广（A/B）", segment_id=segment.pk,
        seed=f"demo-{seed}-upsell", holdout_percent=20, window_days=30, variants=[
            {"name": "A", "channel": Channel.EMAIL, "subject": "BI 分析模块上线",
             "message": "您好，价值云 CRM 新增 BI 分析模块，欢迎预约演示。"},
            {"name": "B", "channel": Channel.EMAIL, "subject": "老客户专享：BI 模块首年 8 折",
             "message": "您好，感谢一直以来的支持，BI 分析模块老客户首年 8 折。",
             "offer": "回复本邮件预约演示即享优惠"}]), when)
    sent = campaign.sends.filter(status=Send.Status.SENT).select_related("variant").order_by(
        "pk")
    for row in sent:
        if unit_interval(f"demo-{seed}-reply", row.contact_id) < REPLY_RATES[row.variant.name]:
            delay = timedelta(hours=2 + 70 * unit_interval(f"demo-{seed}-delay", row.contact_id))
            record_response(actor=admin, send_id=row.pk, when=when + delay)
    measure_conversions(campaign=campaign)


def _sms(seed, timeline, head, segment) -> None:
    """A renewal reminder by SMS from the south's head (so it reaches the south only),
    three days after the email: contacts who opted out of SMS, and those who got the email
    (a cap of one message a week), are not sent to."""
    when = timeline.working(timeline.at(timeline.anchor - timedelta(days=97), 15),
                            random.Random(seed))
    audience = segment_contacts(head, segment).values_list("pk", flat=True)
    # One in twenty (at least one) had replied TD to an earlier SMS.
    opted = sorted(audience, key=lambda pk: unit_interval(f"demo-{seed}-opt-out", pk))
    for contact_id in opted[:max(1, len(opted) // 20)]:
        opt_out(actor=head, contact_id=contact_id, channel=Channel.SMS, reason="回复 TD 退订")
    campaign = _send(head, create_campaign(
        actor=head, name="华南续约提醒（短信）", segment_id=segment.pk,
        seed=f"demo-{seed}-renewal", holdout_percent=10, window_days=30, cap_messages=1,
        cap_days=7, variants=[
            {"name": "短信", "channel": Channel.SMS,
             "message": "【价值云】您的 CRM 服务即将到期，续约请联系您的客户经理。回 TD 退订"}]),
        when)
    measure_conversions(campaign=campaign)


def _referral(seed, timeline, head, segment) -> None:
    """A referral campaign from the east's head, pushed through the messaging webhook (so
    every contact, with or without an email, gets a poster) three weeks before the anchor
    (its window still open), and two participants' screenshots in every state of the
    review: accepted, the other participant's poster, a copy of an earlier screenshot, no
    code (one decided by the head, one left in the queue)."""
    when = timeline.working(timeline.at(timeline.anchor - timedelta(days=21), 10),
                            random.Random(seed))
    campaign = _send(head, create_campaign(
        actor=head, name="老客户推荐有礼", kind=Campaign.Kind.REFERRAL, segment_id=segment.pk,
        seed=f"demo-{seed}-referral", holdout_percent=0, window_days=30,
        reward="推荐成功赠送一年 BI 分析模块", variants=[
            {"name": "海报", "channel": Channel.WEBHOOK, "subject": "推荐好友，双方得好礼",
             "message": "分享您的专属海报，好友扫码登记即为推荐成功。"}]), when)
    measure_conversions(campaign=campaign)
    people = list(campaign.participants.select_related("campaign").order_by("pk")[:2])
    if len(people) < 2:  # a tiny build may have too few customers in the segment
        return
    first, second = people
    shot = _screenshot(poster_png(first), look=0)
    uploads = [
        (first, shot), (second, _screenshot(poster_png(first), look=1)),
        (second, _screenshot(poster_png(second), look=2)), (first, _screenshot(None, look=3)),
        (second, _screenshot(None, look=4)), (second, shot)]
    submissions = [submit_screenshot(upload_key=p.upload_key, data=data,
                                     filename=f"share-{i}.jpg")
                   for i, (p, data) in enumerate(uploads)]
    decide_submission(actor=head, submission_id=submissions[3].pk, accept=True)


def _screenshot(poster: bytes | None, *, look: int) -> bytes:
    """A phone screen (chat bubbles) showing the poster, or without one: each `look` a
    different layout, so the review's reuse check sees different pictures."""
    rng = random.Random(look)
    screen = Image.new("RGB", (540, 960), tuple(rng.randint(215, 250) for _ in range(3)))
    draw = ImageDraw.Draw(screen)
    draw.rectangle((0, 0, 540, 70), fill=tuple(rng.randint(30, 90) for _ in range(3)))
    for _ in range(rng.randint(4, 8)):
        x, y = rng.randint(0, 340), rng.randint(80, 860)
        draw.rounded_rectangle((x, y, x + rng.randint(100, 200), y + rng.randint(40, 90)),
                               radius=12, fill=tuple(rng.randint(120, 255) for _ in range(3)))
    if poster is not None:
        image = Image.open(io.BytesIO(poster)).convert("RGB")
        width = rng.randint(380, 480)
        image = image.resize((width, width * image.height // image.width))
        screen.paste(image, (rng.randint(0, 540 - width), rng.randint(80, 960 - image.height)))
    out = io.BytesIO()
    screen.save(out, format="JPEG", quality=85)
    return out.getvalue()
