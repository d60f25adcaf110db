"""`valuecrm search_reindex`: recompute the search text of every record, after imports
or other set-based writes that bypass `save()`."""

from django.core.management.base import BaseCommand

from valuecrm.core.search import refresh_search_text
from valuecrm.search.queries import SEARCHABLE


class Command(BaseCommand):
    help = "Recompute search_text for leads, customers, contacts and opportunities."

    def handle(self, *args, **options):
        for kind, spec in SEARCHABLE.items():
            changed = refresh_search_text(spec.model.all_objects.all())
            self.stdout.write(f"{kind}: {changed} updated")
