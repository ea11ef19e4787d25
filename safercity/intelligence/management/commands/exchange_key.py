"""`safercity exchange_key`: this installation's key id and public key, to give partners."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safercity.intelligence.exchange import own_key_id, own_public_key_pem


class Command(BaseCommand):
    help = "Print this installation's exchange key id and Ed25519 public key (PEM)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"key id: {own_key_id()}")
        self.stdout.write(own_public_key_pem())
