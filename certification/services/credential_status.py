"""What an Open Badges credential needs besides the certificate: the holder's opaque subject id
and the certificate's bit in a W3C Bitstring Status List (docs/open-badges.md)."""

import secrets

from django.db import transaction
from django.db.models import F

from ..models import Certificate, Recipient, StatusList

# A bit set to 1 means "do not accept this credential any more": revoked, or replaced by a newer
# version (a reissue with a corrected name, a renewal). Expiry needs no bit: `validUntil` says it.
CANCELLED = (Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED)


def recipient_for(holder) -> Recipient:
    """The holder's subject id and salt, created the first time a certificate names them."""
    recipient, _ = Recipient.objects.get_or_create(holder_id=holder.pk)
    return recipient


def allocate_status_entry() -> tuple[StatusList, int]:
    """A free random position in the open status list (a new list when it is half full).

    Call it inside the transaction that creates the certificate: the list's row stays locked
    until that commits, so two issuers never draw the same position.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_status_entry() must run inside the issuing transaction")
    # The list row guards "one certificate per position": whoever holds it draws alone.
    status_list = (
        StatusList.objects.select_for_update()
        .filter(allocated__lt=StatusList.CAPACITY)
        .order_by("pk")
        .first()
    )
    if status_list is None:
        status_list = StatusList.objects.create()
        status_list = StatusList.objects.select_for_update().get(pk=status_list.pk)
    taken = Certificate.objects.filter(status_list=status_list)
    while True:
        index = secrets.randbelow(StatusList.SIZE)
        if not taken.filter(status_index=index).exists():
            break
    StatusList.objects.filter(pk=status_list.pk).update(allocated=F("allocated") + 1)
    return status_list, index


def cancelled_positions(status_list: StatusList) -> list[int]:
    """The positions whose bit is set, read from the database at the time of the request."""
    return list(
        Certificate.objects.filter(status_list=status_list, status__in=CANCELLED)
        .exclude(status_index=None)
        .values_list("status_index", flat=True)
    )
