"""`manage.py sweep_certificates`: run the certificate sweeps now (ops; beat runs them daily and
hourly), e.g. once the signing keys or the mail server are fixed after an incident."""

from django.core.management.base import BaseCommand

from certification.services import issuing, programmes


class Command(BaseCommand):
    help = (
        "Queue issuing for everyone who meets a programme without its certificate, and the "
        "completion of certificates that lack their signed PDF or e-mail."
    )

    def handle(self, *args, **options):
        issues = programmes.sweep_programmes()
        completions = issuing.complete_certificates()
        self.stdout.write(f"queued {issues} issue(s), {completions} completion(s)")
