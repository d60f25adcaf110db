"""`valuecrm channels scorecard --as USER`: the channel scorecard in the user's scope."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from valuecrm.org.models import User
from valuecrm.scoring.channels import channel_scorecard, default_period


def acting_user(username: str) -> User:
    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise CommandError(f"No active user {username!r}.") from None


def _money(value) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _rate(value) -> str:
    return "-" if value is None else f"{value:.1%}"


class Command(BaseCommand):
    help = "Channel scorecard: conversion, revenue, cost, ROI and keep/watch/drop."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        card = sub.add_parser("scorecard", help="Per channel, within the user's data scope.")
        card.add_argument("--as", dest="username", required=True, help="Acting user.")
        card.add_argument("--from", dest="start", type=date.fromisoformat,
                          help="First day, YYYY-MM-DD (default: six months ago, the 1st).")
        card.add_argument("--to", dest="end", type=date.fromisoformat,
                          help="Last day, included (default: today).")
        card.add_argument("--trend", action="store_true", help="Also print the monthly rows.")

    def handle(self, *args, action, username, start, end, trend, **options):
        start, end = default_period(start, end)
        card = channel_scorecard(acting_user(username), start=start, end=end)
        self.stdout.write(f"{card.start} .. {card.end}  average lead->win "
                          f"{_rate(card.average_lead_to_win)}  ({card.cost_note})")
        self.stdout.write("channel\tleads\tlead->opp\tlead->win\trevenue\tavg deal\t"
                          "cost\tROI\tverdict\treason")
        for row in card.channels:
            self.stdout.write("\t".join([
                row.channel, str(row.leads), _rate(row.lead_to_opportunity),
                _rate(row.lead_to_win), _money(row.revenue), _money(row.average_deal_size),
                _money(row.cost), _rate(row.roi), row.recommendation or "-", row.reason]))
            if trend:
                for point in row.trend:
                    self.stdout.write(f"  {point.month}\t{point.leads}\t"
                                      f"{_rate(point.lead_to_opportunity)}\t"
                                      f"{_rate(point.lead_to_win)}\t{_money(point.revenue)}\t"
                                      f"\t{_money(point.cost)}\t{_rate(point.roi)}")
