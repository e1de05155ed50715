"""`manage.py relay_outbox`: send the outbox's unsent tasks now (ops; beat does it every 30 s)."""

from django.core.management.base import BaseCommand

from academy import outbox


class Command(BaseCommand):
    help = "Send to the broker the tasks recorded in the outbox that are still unsent."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many rows.")
        parser.add_argument(
            "--all",
            action="store_true",
            help="Also rows whose retry time has not come yet (e.g. right after a broker outage).",
        )

    def handle(self, *args, limit, all, **options):
        if all:
            outbox.release_waiting()
        result = outbox.relay(limit=limit)
        count, age = outbox.backlog()
        self.stdout.write(
            f"sent {result.sent}, failed {result.failed}"
            + (", broker unavailable" if result.broker_down else "")
            + f"; {count} still unsent"
            + (f", oldest {age:.0f} s" if age is not None else "")
        )
        if result.broker_down:
            raise SystemExit(1)
