"""Apply ACADEMY_RETENTION now (the daily beat job does the same): print what each rule removed,
or with --dry-run what it would remove, touching nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand

from academy import retention


class Command(BaseCommand):
    help = "Remove the data ACADEMY_RETENTION says is due; --dry-run only counts it."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, remove nothing.")

    def handle(self, *args, dry_run=False, **options):
        outcomes = retention.apply_all(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for outcome in outcomes:
            if outcome.days is None:
                kept = settings.ACADEMY_RETENTION.get(outcome.rule.setting_key)
                self.stdout.write(f"{outcome.rule.name}: not applied ({kept!r})")
            else:
                self.stdout.write(
                    f"{outcome.rule.name}: {verb} {outcome.count} (older than {outcome.days} days)"
                )
        registered = {rule.setting_key for rule in retention.rules()}
        for key, value in settings.ACADEMY_RETENTION.items():
            if key not in registered:
                self.stdout.write(f"{key}: {value if value is not None else 'kept'} (no rule)")
