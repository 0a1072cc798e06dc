from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "lantern.orders"
    label = "orders"

    def ready(self) -> None:
        from lantern.demo.analyses import ANALYSES

        ANALYSES.append(("Screening", _screen_demo))


def _screen_demo() -> str:
    """`lantern demo` screens its month of reads against the world's orders."""
    from lantern.intel.services import Actor
    from lantern.orders.screening import screen

    run = screen(actor=Actor(via="lantern demo"))
    return (
        f"{run.reads:,} reads and {run.fixes:,} GPS fixes screened in {run.seconds:.1f} s; "
        f"{run.alerts_new} new potential breach alert(s), {run.alerts_updated} updated."
    )
