"""Retention of merchants' enquiries (academy/retention.py; ACADEMY_RETENTION["showcase_enquiries"]).

An enquiry keeps its figures for the report (provider, industry, city, budget, status, dates); the
merchant's name, company, contact details, need and the provider's notes are blanked."""

from __future__ import annotations

from datetime import datetime

from academy import retention

from . import services


def anonymise_enquiries(cutoff: datetime, *, dry_run: bool) -> int:
    if dry_run:
        return services.old_enquiries(cutoff).count()
    return services.anonymise_old_enquiries(cutoff=cutoff)


def register() -> None:
    retention.register(
        "showcase_enquiries",
        setting_key="showcase_enquiries",
        description="Merchants' enquiries: personal data blanked, days after they were sent.",
        apply=anonymise_enquiries,
    )
