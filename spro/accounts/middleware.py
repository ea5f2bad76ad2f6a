"""Second factor enforcement for the whole site.

The login view never opens a session for someone who must give a second factor before they gave it
(see `views.LoginView`), but a session can also be opened elsewhere (the Django admin's own login form,
ProConnect, a future view). This middleware is the safety net: an authenticated person who must use a
second factor (Région staff, technical staff, or anyone who enabled it) and whose session is not verified
can only reach the second-factor pages and log out; every other page redirects there. So `/region/…`
and `/admin/…` pages need nothing of their own.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

# Paths an unverified session may still reach: the second-factor pages, logout, assets.
ALLOWED_PREFIXES = ("/static/", "/media/", "/favicon")


def allowed_paths() -> set[str]:
    return {
        reverse("accounts:second_factor"),
        reverse("accounts:second_factor_setup"),
        reverse("accounts:logout"),
    }


def needs_verification(user) -> bool:
    """True when this authenticated session must give its second factor before going anywhere."""
    if not user.is_authenticated or user.is_verified():
        return False
    return user.requires_second_factor or user.has_second_factor


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(ALLOWED_PREFIXES) and needs_verification(request.user):
            if path not in allowed_paths():
                target = reverse("accounts:second_factor")
                if not request.user.has_second_factor:
                    target = reverse("accounts:second_factor_setup")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
