from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "lantern.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from lantern.governance import signals  # noqa: F401 - connects the sign-in receivers

        _admin_behind_lanterns_sign_in()


def _admin_behind_lanterns_sign_in() -> None:
    """Django's admin signs in through Lantern's own pages (password, then the one-time code)."""
    from django.contrib import admin
    from django.contrib.auth.views import redirect_to_login

    from lantern.governance.access import redirect_to_second_factor
    from lantern.governance.two_factor import is_verified, needs_second_factor

    site = admin.site
    plain = site.has_permission

    def has_permission(request) -> bool:
        user = request.user
        return plain(request) and not (needs_second_factor(user) and not is_verified(user))

    def login(request, extra_context=None):
        if (
            request.user.is_authenticated
            and needs_second_factor(request.user)
            and not is_verified(request.user)
        ):
            return redirect_to_second_factor(request, request.GET.get("next") or "/admin/")
        return redirect_to_login(request.GET.get("next") or "/admin/")

    site.has_permission = has_permission
    site.login = login
