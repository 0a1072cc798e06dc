from django.apps import AppConfig


class ResolutionConfig(AppConfig):
    name = "lantern.resolution"
    label = "resolution"

    def ready(self) -> None:
        from lantern.demo.analyses import ANALYSES

        ANALYSES.append(("Resolution", _resolve_demo))


def _resolve_demo() -> str:
    """`lantern demo` resolves the world's person records and addresses."""
    import logging

    from lantern.intel.services import Actor

    logging.getLogger("splink").setLevel(logging.ERROR)  # training notes are for data scientists
    from lantern.resolution.services import resolve_locations, resolve_persons

    run = resolve_persons(actor=Actor(via="lantern demo"))
    places = resolve_locations(actor=Actor(via="lantern demo"))
    return f"{run.summary()} {places.summary()}"
