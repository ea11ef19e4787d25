from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.actors import command_actor
from safercity.core.inputs import InputRefused
from safercity.equity import hsds
from safercity.equity.models import Service


class Command(BaseCommand):
    help = (
        "The service directory in Open Referral's HSDS 3.0: `hsds import FILE.json` stores "
        "the file's services (all or nothing; every bad record listed), `hsds export "
        "[--out FILE]` writes every service fully nested."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        read = actions.add_parser("import", help="services from an HSDS JSON file")
        read.add_argument("file", type=Path)
        write = actions.add_parser("export", help="every service, fully nested, as JSON")
        write.add_argument("--out", type=Path, help="write here (default: the terminal)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            services = hsds.with_relations(Service.objects.order_by("name", "id"))
            text = json.dumps([hsds.service_json(s) for s in services], indent=1)
            if options["out"]:
                options["out"].write_text(text + "\n", encoding="utf-8")
                self.stdout.write(f"wrote {services.count()} services to {options['out']}")
            else:
                self.stdout.write(text)
            return
        try:
            data = options["file"].read_bytes()
        except OSError as problem:
            raise CommandError(f"cannot read {options['file']}: {problem.strerror}") from None
        try:
            report = hsds.hsds_import(actor=command_actor("hsds import"), data=data,
                                      name=options["file"].name)  # fmt: skip
        except InputRefused as refused:
            raise CommandError(str(refused)) from None
        if not report.saved:
            for r in report.rejected[:200]:
                self.stderr.write(f"{r.where}: {r.reason}")
            raise CommandError(f"nothing imported: {len(report.rejected)} problems in "
                               f"{report.services} services")  # fmt: skip
        self.stdout.write(f"{report.services} services: {report.created} new, "
                          f"{report.updated} updated, {report.unchanged} unchanged")  # fmt: skip
