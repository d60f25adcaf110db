"""Precision and recall of the referral screenshot review on generated screenshots.

Posters (campaign + participant QR links) are composited into phone-screen images with
noise, blur, JPEG compression, scaling and cropping (campaigns/tests/screens.py). Cases:
genuine shares (the uploader's own poster of this campaign: should be accepted), another
participant's poster, a poster of another campaign, screens without a poster, and earlier
genuine screenshots sent again (re-encoded, rescaled, trimmed). Each image is reviewed in a
shuffled order against the perceptual hashes of the images reviewed before it, exactly as
`submit_screenshot` does, but in memory (the database holds nothing the review needs).

Accepting is the positive class: precision = right accepts / all accepts, recall = right
accepts / genuine shares. The reference figure is the time to decode the same images with
OpenCV alone (the review's floor).

    .venv/bin/python bench/bench_referral_review.py [--genuine 200 --each 50 --seed 1]
"""

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    os.environ.setdefault("VALUECRM_HOME", str(ROOT / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "valuecrm.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--genuine", type=int, default=200)
    parser.add_argument("--each", type=int, default=50, help="images of each negative kind")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup()

    from valuecrm.campaigns import imagecheck, referrals
    from valuecrm.campaigns.tests.screens import resubmitted, screenshot

    def person(campaign_id, pk):
        campaign = SimpleNamespace(pk=campaign_id, name=f"Campaign {campaign_id}",
                                   reward="50 CNY")
        return SimpleNamespace(pk=pk, campaign_id=campaign_id, campaign=campaign)

    rng = random.Random(args.seed)
    uploaders = [person(1, pk) for pk in range(1, 11)]
    posters = {(p.campaign_id, p.pk): referrals.poster_png(p)
               for p in [*uploaders, *(person(2, pk) for pk in range(11, 16))]}
    cases = []  # (uploader, image bytes, expected kind)
    genuine = []
    for i in range(args.genuine):
        uploader = rng.choice(uploaders)
        data = screenshot(posters[(1, uploader.pk)], seed=args.seed * 100_000 + i)
        cases.append((uploader, data, "genuine"))
        genuine.append((uploader, data))
    for i in range(args.each):
        uploader, other = rng.sample(uploaders, 2)
        cases.append((uploader, screenshot(posters[(1, other.pk)], seed=10**6 + i),
                      "other_participant"))
        cases.append((uploader, screenshot(posters[(2, rng.randint(11, 15))], seed=2 * 10**6 + i),
                      "wrong_campaign"))
        cases.append((rng.choice(uploaders), screenshot(None, seed=3 * 10**6 + i), "no_code"))
    rng.shuffle(cases)
    # Resubmissions come after their originals.
    cases += [(u, resubmitted(d, 4 * 10**6 + i), "reused")
              for i, (u, d) in enumerate(rng.sample(genuine, min(args.each, len(genuine))))]

    seen: list[str] = []
    outcomes = Counter()
    started = time.perf_counter()
    for uploader, data, kind in cases:
        image = imagecheck.load(data)
        image_hash = imagecheck.perceptual_hash(image)
        codes = imagecheck.decode_qr(image)
        copy = next((h for h in seen if imagecheck.distance(h, image_hash)
                     <= referrals.REUSE_DISTANCE), None)
        status, reason = referrals.review(uploader, codes, copy)
        seen.append(image_hash)
        outcomes[(kind, str(status), str(reason))] += 1
    ours = time.perf_counter() - started

    started = time.perf_counter()
    for _, data, _ in cases:
        imagecheck.decode_qr(imagecheck.load(data))
    reference = time.perf_counter() - started

    accepted = sum(n for (kind, status, _), n in outcomes.items() if status == "accepted")
    right = sum(n for (kind, status, _), n in outcomes.items()
                if status == "accepted" and kind == "genuine")
    manual = sum(n for (kind, status, _), n in outcomes.items() if status == "manual")
    print(f"{len(cases)} screenshots ({args.genuine} genuine, {args.each} of each other kind)")
    for (kind, status, reason), n in sorted(outcomes.items()):
        print(f"  {kind:18} -> {status:9} {reason:18} {n}")
    print(f"precision {right / accepted:.3f}  recall {right / args.genuine:.3f}  "
          f"manual queue {manual / len(cases):.1%}")
    per = len(cases)
    print(f"review: valuecrm {ours / per * 1000:.1f} ms/image | QR decoding alone "
          f"{reference / per * 1000:.1f} ms/image | ratio {ours / reference:.2f}")


if __name__ == "__main__":
    main()
