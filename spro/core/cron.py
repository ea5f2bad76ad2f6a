"""The loop of the daily cron commands (`spro echeances-reseau`, …): act on each due row, once.

These commands are idempotent and may run on several servers at once (each has its crontab, and an
operator may run one by hand the same morning). Listing the due rows does not make them ours: between
the list and the act, another run may have acted on a row already. So each row is locked again
(`select_for_update`) in its own transaction and checked again under the lock: a run that comes second
waits for the first one's commit, then finds the row no longer due and does nothing. One transaction
per row, so that a row that fails rolls back alone and the rows acted on before it stay done.

A callback rather than a generator yielding inside `transaction.atomic()`: a caller leaving such a
loop early (`break`, `return`) would close the generator inside the transaction, and roll back
silently the row it had just acted on.
"""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Model, QuerySet


def for_each_locked(
    due: QuerySet,
    still_due: Callable[[Model], bool],
    act: Callable[[Model], int],
    *,
    select_related: Iterable[str] = (),
) -> int:
    """`act(row)` on each row of `due` still due (`still_due(row)`) once locked, each in its own
    transaction; the sum of what `act` returned (how many things it did).

    `due` is evaluated once, for its primary keys; `select_related` names what the locked row is read
    with (locked with it on PostgreSQL). A row deleted since the list is skipped."""
    model = due.model
    locked = model._default_manager.select_for_update()
    if select_related:
        locked = locked.select_related(*select_related)
    done = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            row = locked.filter(pk=pk).first()
            if row is not None and still_due(row):
                done += act(row)
    return done
