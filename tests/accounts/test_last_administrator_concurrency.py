"""A structure keeps at least one administrator even when two changes race (PostgreSQL, real threads).

Each thread has its own connection, so the rows must be committed: the fixture writes them from a thread of
its own (autocommit, outside the test's transaction) and deletes them afterwards, instead of
`transactional_db`, which would empty the referential every other test relies on (tests/conftest.py).
The first change keeps its transaction open while the second one runs, so the race happens every time.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from spro.accounts import members
from spro.accounts.models import User
from spro.directory.models import ChangeRecord, Membership, Network, Structure

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]

ADMIN, ADVISER = Membership.Role.ADMIN, Membership.Role.ADVISER


def committed(action):
    """Run `action` in a thread of its own, on its own connection: what it writes is committed."""
    result = {}

    def run():
        try:
            result["value"] = action()
        except BaseException as error:  # re-raised in the test's thread
            result["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if "error" in result:
        raise result["error"]
    return result.get("value")


@pytest.fixture
def two_admins():
    """A committed structure with two administrators; removed afterwards."""

    def create():
        network = Network.objects.create(code="concurrence-test", label="Réseau de test")
        structure = Structure.objects.create(
            name="Structure des courses", network=network, membership_kind=network.membership_kind
        )
        people = [User.objects.create_user(f"admin{i}@courses.test", None) for i in (1, 2)]
        return structure, [Membership.objects.create(user=p, structure=structure, role=ADMIN) for p in people]

    def delete():
        ChangeRecord.objects.filter(object_type="structure", object_id=structure.pk).delete()
        Structure.objects.filter(pk=structure.pk).delete()
        User.objects.filter(email__endswith="@courses.test").delete()
        Network.objects.filter(code="concurrence-test").delete()

    structure, pair = committed(create)
    try:
        yield structure, pair
    finally:
        committed(delete)


def race(first, second):
    """Run `first` in a transaction held open while `second` runs in another thread; their outcomes."""
    held, release = threading.Event(), threading.Event()
    outcomes = {}

    def run(name, action, hold):
        try:
            with transaction.atomic():
                action()
                if hold:
                    held.set()
                    release.wait(10)
            outcomes[name] = "done"
        except members.MembershipError as error:
            outcomes[name] = str(error)
        finally:
            held.set()
            connections.close_all()

    one = threading.Thread(target=run, args=("first", first, True))
    one.start()
    assert held.wait(10)
    two = threading.Thread(target=run, args=("second", second, False))
    two.start()
    time.sleep(0.5)  # the second change reads the administrators while the first is not committed
    release.set()
    one.join(15)
    two.join(15)
    return outcomes


def active_admins(structure) -> int:
    return committed(
        lambda: Membership.objects.filter(structure=structure, role=ADMIN, user__is_active=True).count()
    )


def test_two_concurrent_demotions_leave_one_administrator(two_admins):
    structure, (a, b) = two_admins
    outcomes = race(
        lambda: members.change_role(a, ADVISER, None), lambda: members.change_role(b, ADVISER, None)
    )
    assert outcomes["first"] == "done"
    assert "au moins un administrateur" in outcomes["second"]
    assert active_admins(structure) == 1


def test_two_concurrent_removals_leave_one_administrator(two_admins):
    structure, (a, b) = two_admins
    outcomes = race(lambda: members.remove_member(a, None), lambda: members.remove_member(b, None))
    assert outcomes["first"] == "done"
    assert "au moins un administrateur" in outcomes["second"]
    assert active_admins(structure) == 1


def test_a_demotion_racing_a_deactivation_leaves_one_administrator(two_admins):
    structure, (a, b) = two_admins
    outcomes = race(lambda: members.change_role(a, ADVISER, None), lambda: members.deactivate_user(b.user))
    assert outcomes["first"] == "done"
    assert "seul administrateur" in outcomes["second"]
    assert active_admins(structure) == 1
