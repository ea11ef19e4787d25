from datetime import timedelta

from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "safercity.emergency"
    label = "emergency"
    verbose_name = "911: calls, queue, callbacks"

    def ready(self) -> None:
        from safercity.accountability.registry import register, register_page
        from safercity.emergency.measures import clinician_figures, figures

        register(4, figures)
        register(8, clinician_figures)
        register_page(8, "emergency_public:crisis")

        from safercity.core.navigation import register_tool

        register_tool("911", "Call-taker workstation", "emergency:desk", "take and triage calls")
        register_tool("911", "Dispatch", "emergency:dispatch", "send units, track them to clear")
        register_tool("911", "Crisis outcomes", "emergency:crisis", "what came of eligible calls")
        register_tool("911", "Supervisor board", "emergency:board", "callers waiting, positions")
        register_tool("911", "Callbacks", "emergency:callbacks", "abandoned calls to call back")
        register_tool(
            "911", "Answer times (NENA)", "emergency:nena", "any period, both definitions"
        )

        from safercity.core.rollups import refresh_rollup
        from safercity.core.tasks import periodic

        periodic("rollup:crisis", timedelta(minutes=15), refresh_rollup, "crisis:monthly")

        from django.conf import settings

        from safercity.core.tasks import every_few_seconds
        from safercity.emergency.services.queue import queue_tick

        every_few_seconds("911 queue", settings.SAFERCITY_QUEUE_TICK_S, queue_tick)
