from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "lantern.risk"
    label = "risk"

    def ready(self) -> None:
        from lantern.demo.analyses import ANALYSES

        ANALYSES.append(("Risk", _score_demo))


def _score_demo() -> str:
    """`lantern demo` scores its world as at the demo's last day (after resolution has run)."""
    from datetime import UTC, datetime, time

    from lantern.demo.world import ANCHOR
    from lantern.intel.services import Actor
    from lantern.risk.services import risk_recompute

    run = risk_recompute(
        actor=Actor(via="lantern demo"), as_of=datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC)
    )
    return run.summary()
