"""Batch jobs (the beat's daily and periodic sweeps) handle each item on its own.

One holder whose PDF cannot be signed, one event whose waitlist hits a bad row, one mail server
error must not stop the rest of the batch (nor the steps of the job that come after it). The item
that failed is logged with its traceback and left as it was, so the next run of the job tries it
again: every sweep selects its items by their state (unsent, unpublished, overdue), never by
"what the last run did".

Each item's work opens its own transaction (a failure rolls back that item only). A Celery soft
time limit is not an item's failure: it stops the batch, whose remaining items the next run finds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from celery.exceptions import SoftTimeLimitExceeded

logger = logging.getLogger(__name__)
T = TypeVar("T")


class _Failed:
    def __repr__(self) -> str:
        return "FAILED"


# What `each` yields for an item whose work raised.
FAILED: Any = _Failed()


def each(
    items: Iterable[T],
    work: Callable[[T], Any],
    *,
    job: str,
    expected: tuple[type[BaseException], ...] = (),
) -> Iterator[tuple[T, Any]]:
    """Run `work` on every item; yield (item, what it returned) or (item, FAILED).

    `expected` errors (a rule saying no) are logged in one line; any other error with its
    traceback. Either way the batch goes on.
    """
    for item in items:
        try:
            outcome = work(item)
        except SoftTimeLimitExceeded:
            raise
        except expected as exc:
            logger.warning("%s: %r refused: %s", job, item, exc)
            outcome = FAILED
        except Exception:  # noqa: BLE001 — one item's failure must not stop the batch
            logger.exception("%s: %r failed; left for the next run", job, item)
            outcome = FAILED
        yield item, outcome


@dataclass
class BatchResult:
    done: int = 0  # items whose work returned something true (did something)
    failed: list = field(default_factory=list)


def run(
    items: Iterable, work: Callable[[Any], Any], *, job: str, expected: tuple = ()
) -> BatchResult:
    """`each` to the end, counting what was done and which items failed."""
    result = BatchResult()
    for item, outcome in each(items, work, job=job, expected=expected):
        if outcome is FAILED:
            result.failed.append(item)
        elif outcome:
            result.done += 1
    if result.failed:
        logger.error("%s: %d item(s) failed: %r", job, len(result.failed), result.failed[:20])
    return result
