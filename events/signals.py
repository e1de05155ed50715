"""Signals the events app sends for other apps (certification counts attendance and teaching).

Both are sent inside the transaction that records the fact, while its row locks are held. A
receiver records its follow-up work with academy.outbox.enqueue, which commits (or rolls back)
with the fact, so a process that dies right after the commit loses nothing; it does no I/O of its
own.

    attendance_recorded(sender=Registration, registration, attendance, previous)
        A registration's attendance changed: checked in at the door, or set by staff to
        "attended", "partial" or "no_show" ("" when staff cleared it or undid a check-in).
        `previous` is the old value. Receivers recompute from events_attended rather than
        count signals, so a reversal needs nothing special from them.

    session_taught(sender=EventPage, event, lecturer)
        Staff closed the attendance of an event `lecturer` (a LecturerProfile) was assigned to:
        the session took place and counts as taught. Sent once per event and lecturer.

Readers that need the whole history use events.services.events_attended / sessions_taught.
"""

from django.dispatch import Signal

attendance_recorded = Signal()
session_taught = Signal()
