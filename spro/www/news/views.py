"""Network news (/espace-pro/actualites/): the Région's announcements to the members of the network,
never to the public; the Région's staff publish them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from spro.core.guards import submitted_once
from spro.network.access import is_network_member
from spro.network.models import NewsItem
from spro.network.workflow import log
from spro.www.news.forms import NewsForm


@login_required
@require_GET
def index(request):
    if not is_network_member(request.user):
        raise PermissionDenied("Les actualités du réseau sont réservées à ses membres.")
    page = Paginator(NewsItem.objects.published(), 20).get_page(request.GET.get("page"))
    return render(request, "news/index.html", {"page": page, "may_publish": request.user.is_region_staff})


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def create(request):
    if not request.user.is_region_staff:
        raise PermissionDenied("Les actualités du réseau sont publiées par la Région.")
    form = NewsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                item = form.save(commit=False)
                item.author = request.user
                item.save()
                log("actualite", item.pk, "publication", by=request.user)
            messages.success(request, "L'actualité est publiée pour les membres du réseau.")
            return redirect("actualites:index")
        return render(request, "news/form.html", {"form": form}, status=422)
    return render(request, "news/form.html", {"form": form})
