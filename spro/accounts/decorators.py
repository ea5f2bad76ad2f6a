"""Access decorators for views. The second factor itself is enforced for every page by
`spro.accounts.middleware.SecondFactorMiddleware`; these check the role."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def _role_required(check, message):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied(message)
            if not request.user.is_verified():  # the middleware redirects before; never rely on it alone
                raise PermissionDenied("Double authentification requise.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


region_staff_required = _role_required(
    lambda user: user.is_region_staff, "Page réservée aux agents de la Région."
)
region_admin_required = _role_required(
    lambda user: user.is_region_admin, "Page réservée aux administrateurs de la Région."
)
