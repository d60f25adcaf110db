"""`valuecrm pool sweep` (for cron) and `valuecrm pool status`."""

from django.core.management.base import BaseCommand
from django.db.models import Count, Q

from valuecrm.pool.actions import sweep_pools
from valuecrm.pool.models import Pool


class Command(BaseCommand):
    help = "Sweep the public pools now, or show how full they are."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sweep", help="Apply every active recycle rule once (idempotent).")
        sub.add_parser("status", help="Customers waiting in each pool.")

    def handle(self, *args, action, **options):
        if action == "sweep":
            result = sweep_pools()
            for rule_id, count in sorted(result.recycled.items()):
                self.stdout.write(f"rule {rule_id}: {count} customers recycled")
            self.stdout.write(f"recycled {result.total} customers at {result.at.isoformat()}")
            return
        pools = Pool.objects.annotate(
            waiting=Count("customers", filter=Q(customers__owner__isnull=True,
                                                customers__deleted_at__isnull=True))
        )
        for pool in pools:
            state = "active" if pool.is_active else "inactive"
            self.stdout.write(f"{pool.pk}\t{pool.name}\t{pool.unit}\t{state}\t"
                              f"{pool.waiting} waiting")
