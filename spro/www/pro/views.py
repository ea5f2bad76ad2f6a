from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """Home of the professional space: who I am, then each feature's partial (structures, orientations,
    Région), which decides itself what to show for this person."""
    memberships = request.user.memberships.select_related("structure").order_by("structure__name")
    return render(request, "pro/home.html", {"memberships": memberships})
