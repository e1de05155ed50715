from django.core.management.base import BaseCommand

from academy import search


class Command(BaseCommand):
    help = "Rebuild the Chinese-aware site search index from everything registered with academy.search."

    def handle(self, *args, **options):
        count = search.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} documents."))
