from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "safercity.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence exchange under 28 CFR Part 23"

    def ready(self) -> None:
        from safercity.accountability.registry import register, register_page
        from safercity.intelligence import measures  # registers the monthly rollup

        register(3, measures.figures)
        register_page(3, "intelligence_public:monthly")

        from safercity.core.navigation import register_tool

        group = "Intelligence"
        register_tool(group, "Intelligence", "intelligence:home", "records, search, deadlines")
        register_tool(group, "Submit a record", "intelligence:submit", "into the holding bin")
        register_tool(group, "Search", "intelligence:search", "every search logged")
        register_tool(group, "Requests", "intelligence:requests", "asked and answered on time")
        register_tool(group, "Public tips", "intelligence:tips", "triage and write back")
        register_tool(group, "Deconfliction", "intelligence:operations", "planned operations")
        register_tool(group, "Partners", "intelligence:partners", "agencies and agreements")

        from datetime import timedelta

        from safercity.core.tasks import periodic
        from safercity.intelligence.exchange import deliver_messages
        from safercity.intelligence.tasks import purge_records

        # Hourly, so a record found unreliable never outlives its business day by much.
        periodic("intelligence:purge", timedelta(hours=1), purge_records)
        # Retries of the exchange's outbox (a new message is sent at once as well).
        periodic("intelligence:exchange", timedelta(minutes=1), deliver_messages)

        from safercity.core.rollups import refresh_rollup

        periodic("rollup:intelligence", timedelta(hours=1), refresh_rollup, "intelligence:monthly")
