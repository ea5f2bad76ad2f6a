"""Who may open the orientation pages: structure members (pro pages), Région staff (Région pages).

Anonymous people are sent to the login page; logged-in people without the right role get 403; a record
of another structure is 404 (its existence is not disclosed).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def _requires(test, message):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


member_required = _requires(
    lambda user: user.is_active and user.memberships.exists(),
    "Cette page est réservée aux membres d'une structure du réseau.",
)
region_staff_required = _requires(lambda user: user.is_region_staff, "Cette page est réservée à la Région.")
region_admin_required = _requires(
    lambda user: user.is_region_admin, "Cette page est réservée aux administrateurs de la Région."
)
