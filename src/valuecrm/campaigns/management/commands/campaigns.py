"""`valuecrm campaigns list|send-due|results|queue|decide|poster|submit`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from valuecrm.campaigns import actions, queries, referrals
from valuecrm.campaigns.models import Participant
from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.org.models import User


def _user(username):
    user = User.objects.filter(username=username).first() if username else \
        User.objects.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise CommandError(f"No such user: {username}")
    return user


class Command(BaseCommand):
    help = "Campaigns: scheduled sending, results with A/B verdicts, the screenshot review."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Campaigns in a person's scope.")
        listing.add_argument("--as", dest="username")
        sub.add_parser("send-due", help="Send scheduled campaigns whose time has come and "
                                        "measure open conversion windows (also the worker's).")
        results = sub.add_parser("results", help="Per variant: conversion, lift, verdict.")
        results.add_argument("campaign", type=int)
        results.add_argument("--as", dest="username")
        results.add_argument("--format", choices=["table", "json"], default="table")
        queue = sub.add_parser("queue", help="Screenshots waiting for manual review.")
        queue.add_argument("--as", dest="username")
        decide = sub.add_parser("decide", help="Accept or reject a queued screenshot.")
        decide.add_argument("submission", type=int)
        decide.add_argument("verdict", choices=["accept", "reject"])
        decide.add_argument("--as", dest="username", required=True)
        poster = sub.add_parser("poster", help="Write a participant's poster (PNG).")
        poster.add_argument("participant", type=int)
        poster.add_argument("-o", "--output", required=True)
        submit = sub.add_parser("submit", help="Submit a screenshot for a participant.")
        submit.add_argument("participant", type=int)
        submit.add_argument("image")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(options)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}"
                                         for k, v in exc.message_dict.items())) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _list(self, options):
        for c in queries.campaigns_for(_user(options["username"])):
            self.stdout.write(f"{c.pk}\t{c.name}\t{c.kind}\t{c.status}\t{c.segment}\t"
                              f"{c.sent_at or c.scheduled_at or '-'}")

    def _send_due(self, options):
        sent = actions.send_due_campaigns()
        self.stdout.write(f"{len(sent)} campaigns sent: {sent}")

    def _results(self, options):
        result = queries.campaign_results(_user(options["username"]), options["campaign"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, default=str, ensure_ascii=False, indent=2))
            return
        self.stdout.write("group\treached\tconverted\trate\tlift\tp\tverdict")
        for g in result["groups"]:
            rate = "-" if g["rate"] is None else f"{g['rate']:.1%}"
            lift = "-" if g["lift"] is None else f"{g['lift']:+.1%}"
            p = "-" if g["p_value"] is None else f"{g['p_value']:.3f}"
            self.stdout.write(f"{g['group']}\t{g['reached']}\t{g['converted']}\t{rate}\t"
                              f"{lift}\t{p}\t{g['verdict']}")
        if result["campaign"]["maturing"]:
            self.stdout.write("(the conversion window is still open: figures may grow)")

    def _queue(self, options):
        for s in queries.review_queue(_user(options["username"])):
            self.stdout.write(f"{s.pk}\t{s.participant.campaign}\t{s.participant.contact}\t"
                              f"{s.created_at:%Y-%m-%d %H:%M}")

    def _decide(self, options):
        s = referrals.decide_submission(actor=_user(options["username"]),
                                        submission_id=options["submission"],
                                        accept=options["verdict"] == "accept")
        self.stdout.write(f"submission {s.pk}: {s.status}")

    def _participant(self, pk):
        participant = Participant.objects.select_related("campaign").filter(pk=pk).first()
        if participant is None:
            raise CommandError(f"No such participant: {pk}")
        return participant

    def _poster(self, options):
        participant = self._participant(options["participant"])
        Path(options["output"]).write_bytes(referrals.poster_png(participant))
        self.stdout.write(referrals.referral_link(participant))

    def _submit(self, options):
        participant = self._participant(options["participant"])
        s = referrals.submit_screenshot(upload_key=participant.upload_key,
                                        data=Path(options["image"]).read_bytes(),
                                        filename=Path(options["image"]).name)
        self.stdout.write(f"submission {s.pk}: {s.status} ({s.reason})")
