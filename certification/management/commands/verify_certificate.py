"""Check a certificate PDF against the signature and the registry.

Exit status 0 only when the file is genuine (intact signature by our key, covering the whole file,
identical to the registry's copy) and the certificate is valid and current; 1 otherwise; 2 when
the file cannot be read.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certification.verification import verify_pdf


class Command(BaseCommand):
    help = "Verify a certificate PDF (signature, whole-file coverage, registry, status)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the certificate PDF")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}", returncode=2) from error
        verdict = verify_pdf(data)
        if options["json"]:
            self.stdout.write(_json(verdict.as_dict()))
        else:
            write = self.stdout.write
            style = self.style.SUCCESS if verdict.valid else self.style.ERROR
            write(style(f"{verdict.outcome.upper()}: {verdict.message}"))
            for label, ok in (
                ("signature intact", verdict.signature_intact),
                ("covers the whole file", verdict.covers_whole_file),
                ("signed by the academy's key", verdict.trusted),
                ("matches the registry", verdict.matches_registry),
            ):
                write(f"  [{'x' if ok else ' '}] {label}")
            if verdict.certificate is not None:
                c = verdict.certificate
                write(f"  serial {c.serial} · {c.holder_name} · {c.programme} · status {c.status}")
        if not verdict.valid:
            raise SystemExit(1)


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
