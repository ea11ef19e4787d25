import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from safercity.core.actors import SystemActor
from safercity.core.audit import audit_read, audit_verify, audit_write, checkpoint_write
from safercity.core.auditchain import GENESIS, entry_hash
from safercity.core.guards import remove_audit_guard
from safercity.core.models import (
    AppendOnlyError,
    AuditCheckpoint,
    AuditEntry,
    AuditHead,
    City,
)

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


# Signed checkpoints: what the chain alone cannot show.


@pytest.fixture
def signed(settings, tmp_path):
    settings.SAFERCITY_AUDIT_KEY = "k" * 40
    settings.SAFERCITY_AUDIT_CHECKPOINTS = str(tmp_path / "checkpoints.jsonl")
    return tmp_path / "checkpoints.jsonl"


def _rewrite(sql_steps):
    _disable_guard()
    with connection.cursor() as cursor:
        for sql, params in sql_steps:
            cursor.execute(sql, params)


def test_a_checkpoint_is_signed_and_kept_in_the_database_and_in_a_file(signed):
    _entries(3)
    point = checkpoint_write()
    assert point is not None and point.entries == 3 and point.holds_signature(b"k" * 40)
    assert not point.holds_signature(b"another key")
    assert AuditCheckpoint.objects.count() == 1
    assert signed.read_text().count("\n") == 1 and point.mac in signed.read_text()
    assert checkpoint_write() is None, "nothing new to sign"
    verdict = audit_verify()
    assert verdict.ok and "1 checkpoints held" in verdict.reason
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        connection.cursor().execute("DELETE FROM core_auditcheckpoint")


def test_the_head_row_only_moves_forward():
    _entries(2)
    for sql in (
        "UPDATE core_audithead SET last_id = 0",
        "DELETE FROM core_audithead",
    ):
        with pytest.raises(Exception, match="only moves forward"), transaction.atomic():
            connection.cursor().execute(sql)


def test_a_cut_tail_with_the_head_reset_is_caught_by_the_checkpoint(signed):
    entries = _entries(4)
    checkpoint_write()
    _rewrite(
        [
            ("DELETE FROM core_auditentry WHERE id >= %s", [entries[2].pk]),
            (
                "UPDATE core_audithead SET last_id = %s, last_hash = %s",
                [entries[1].pk, entries[1].hash],
            ),
        ]
    )
    verdict = audit_verify()
    assert not verdict.ok and f"entry #{entries[3].pk}" in verdict.reason


def test_a_wiped_log_is_caught_even_with_the_database_checkpoints_gone(signed):
    _entries(3)
    checkpoint_write()
    _rewrite(
        [
            ("DELETE FROM core_auditentry", []),
            ("DELETE FROM core_auditcheckpoint", []),
            ("DELETE FROM core_audithead", []),
        ]
    )
    verdict = audit_verify()
    assert not verdict.ok and "cut, wiped or rewritten" in verdict.reason


def test_a_chain_rewritten_with_fresh_hashes_is_caught(signed):
    entries = _entries(3)
    checkpoint_write()
    # Recompute every hash after changing an entry: the chain itself verifies again.
    _disable_guard()
    prev = GENESIS
    for entry in AuditEntry.objects.order_by("id"):
        content = entry.content() | ({"actor": "mallory"} if entry.pk == entries[0].pk else {})
        new_hash = entry_hash(prev, content)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditentry SET actor = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [content["actor"], prev, new_hash, entry.pk],
            )
        prev = new_hash
    AuditHead.objects.filter(pk=1).update(last_hash=prev)
    assert verify_chain_only().ok, "the chain alone cannot tell"
    verdict = audit_verify()
    assert not verdict.ok and "missing or different" in verdict.reason


def test_an_altered_checkpoint_file_is_reported(signed, capsys):
    _entries(2)
    checkpoint_write()
    signed.write_text(signed.read_text().replace('"entries":2', '"entries":1'))
    with pytest.raises(CommandError, match="valid signature"):
        call_command("audit_verify")
    signed.write_text("not json\n")
    with pytest.raises(CommandError, match="valid signature"):
        call_command("audit_verify")


def test_an_off_machine_copy_can_be_checked_and_no_key_is_said_plainly(
    signed, settings, tmp_path, capsys
):
    _entries(2)
    checkpoint_write()
    copy = tmp_path / "copy.jsonl"
    copy.write_text(signed.read_text())
    call_command("audit_verify", "--checkpoints", str(copy))
    assert "checkpoints held" in capsys.readouterr().out
    settings.SAFERCITY_AUDIT_KEY = ""
    call_command("audit_verify")
    assert "cannot be told from an intact one" in capsys.readouterr().out


def verify_chain_only():
    from safercity.core.auditchain import ChainLink, verify_chain

    links = [ChainLink(e.pk, e.prev_hash, e.hash, e.content()) for e in AuditEntry.objects.all()]
    return verify_chain(links, AuditHead.objects.get().last_hash)


def test_each_later_checkpoint_counts_on_from_the_one_before(signed):
    _entries(3)
    first = checkpoint_write()
    _entries(2)
    second = checkpoint_write()
    assert (first.entries, second.entries) == (3, AuditEntry.objects.count()) == (3, 5)
    assert audit_verify().ok
