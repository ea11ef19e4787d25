from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits 1 and names the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = audit_verify()
        if not verdict.ok:
            where = (
                f"entry #{verdict.first_broken_id}"
                if verdict.first_broken_id is not None
                else "the end of the log"
            )
            raise CommandError(
                f"audit log broken at {where}: {verdict.reason} "
                f"({verdict.checked} entries before it verified)",
                returncode=1,
            )
        self.stdout.write(f"audit log intact: {verdict.checked} entries verified")
