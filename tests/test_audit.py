import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from safercity.core.actors import SystemActor
from safercity.core.audit import audit_read, audit_verify, audit_write
from safercity.core.auditchain import GENESIS
from safercity.core.guards import remove_audit_guard
from safercity.core.models import AppendOnlyError, AuditEntry, AuditHead, City

pytestmark = pytest.mark.django_db


def _entries(count, actor=None):
    actor = actor or SystemActor("tests")
    return [audit_write(actor=actor, action="test.write", detail={"n": n}) for n in range(count)]


def test_each_entry_links_to_the_one_before_it():
    first, second, third = _entries(3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert AuditHead.objects.get().last_hash == third.hash
    verdict = audit_verify()
    assert verdict.ok and verdict.checked == 3


def test_reads_of_sensitive_records_are_logged_with_who_read_them(alice_admin):
    city = City.objects.create(name="Test City", state="MO")
    entry = audit_read(actor=alice_admin, action="intelligence.view", obj=city)
    assert entry.kind == AuditEntry.Kind.READ
    assert (entry.actor, entry.object_type, entry.object_id) == ("alice", "core.City", str(city.pk))
    assert audit_verify().ok


def test_details_with_dates_and_decimals_verify_after_a_round_trip():
    from datetime import date
    from decimal import Decimal

    audit_write(
        actor=SystemActor("t"), action="x", detail={"d": date(2020, 1, 2), "v": Decimal("263.5")}
    )
    assert audit_verify().ok


def test_an_entry_cannot_be_changed_or_deleted_through_the_orm():
    [entry] = _entries(1)
    entry.action = "something else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(action="x")


def test_the_database_itself_refuses_to_change_or_delete_an_entry():
    [entry] = _entries(1)
    for sql in (
        "UPDATE core_auditentry SET action = 'edited' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            connection.cursor().execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.write"


def _disable_guard():
    """What an attacker with the database owner's rights could do."""
    remove_audit_guard(connection)


def test_verification_names_the_first_entry_whose_content_was_tampered_with():
    entries = _entries(5)
    _disable_guard()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET actor = 'mallory' WHERE id IN (%s, %s)",
            [entries[2].pk, entries[4].pk],
        )
    verdict = audit_verify()
    assert not verdict.ok
    assert verdict.first_broken_id == entries[2].pk
    assert verdict.checked == 2
    assert "content" in verdict.reason


def test_verification_notices_an_entry_removed_from_the_middle_or_the_end():
    entries = _entries(4)
    _disable_guard()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[3].pk])
    verdict = audit_verify()
    assert not verdict.ok and "removed" in verdict.reason
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    verdict = audit_verify()
    assert verdict.first_broken_id == entries[2].pk
    assert "previous-hash" in verdict.reason


def test_the_verify_command_exits_non_zero_and_names_the_entry(capsys):
    entries = _entries(3)
    call_command("audit_verify")
    assert "3 entries verified" in capsys.readouterr().out
    _disable_guard()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET detail = '{}' WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError, match=f"entry #{entries[1].pk}") as error:
        call_command("audit_verify")
    assert error.value.returncode == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    errors = []

    def writer(name):
        try:
            for n in range(15):
                audit_write(actor=SystemActor(name), action="test.concurrent", detail={"n": n})
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    verdict = audit_verify()
    assert verdict.ok and verdict.checked == AuditEntry.objects.count() == 60


def test_a_write_that_fails_leaves_no_audit_entry(alice_admin, carl_call_taker):
    from safercity.core.services import boundaries_import

    with pytest.raises(PermissionDenied):
        boundaries_import(actor=carl_call_taker, layer="neighborhoods", features=[])
    assert AuditEntry.objects.count() == 0
