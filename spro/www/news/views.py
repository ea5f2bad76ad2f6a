"""Network news (/espace-pro/actualites/): the Région's announcements to the members of the network,
never to the public; the Région's staff publish them, with an attachment under the label's upload rules
(served to members only, by `attachment`). A member may subscribe to the weekly e-mail digest (`digest`,
sent by `spro echeances-reseau`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from spro.core.guards import submitted_once
from spro.labels.uploads import UploadRefused
from spro.network import resources as workflow
from spro.network.access import is_network_member
from spro.network.files import CONTENT_TYPES
from spro.network.models import DigestSubscription, NewsAttachment, NewsItem
from spro.network.workflow import Refused
from spro.www.news.forms import DigestForm, NewsForm


def _member_only(request):
    if not is_network_member(request.user):
        raise PermissionDenied("Les actualités du réseau sont réservées à ses membres.")


def _subscribed(user) -> bool:
    return DigestSubscription.objects.filter(
        user=user, consented_at__isnull=False, revoked_at__isnull=True
    ).exists()


@login_required
@require_GET
def index(request):
    _member_only(request)
    items = NewsItem.objects.published().prefetch_related("attachments")
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "news/index.html",
        {
            "page": page,
            "may_publish": request.user.is_region_staff,
            "subscribed": _subscribed(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def create(request):
    if not request.user.is_region_staff:
        raise PermissionDenied("Les actualités du réseau sont publiées par la Région.")
    form = NewsForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                workflow.publish_news(
                    form.save(commit=False), request.user, uploaded=form.cleaned_data.get("document")
                )
            except UploadRefused as refusal:
                form.add_error("document", str(refusal))
            except Refused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "L'actualité est publiée pour les membres du réseau.")
                return redirect("actualites:index")
        return render(request, "news/form.html", {"form": form}, status=422)
    return render(request, "news/form.html", {"form": form})


@login_required
@require_GET
def attachment(request, pk: int):
    """A news item's attachment, to members of the network only (a published item's)."""
    _member_only(request)
    found = get_object_or_404(NewsAttachment.objects.select_related("news"), pk=pk)
    if found.news not in NewsItem.objects.published() and not request.user.is_region_staff:
        raise Http404("Pièce inconnue")
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("Ce fichier n'est plus conservé.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=found.original_name,
        content_type=CONTENT_TYPES.get(found.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def digest(request):
    """Subscribe to, or unsubscribe from, the weekly digest of the network's news."""
    _member_only(request)
    form = DigestForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if form.cleaned_data["action"] == "abonner":
                workflow.subscribe_digest(request.user)
                messages.success(request, "Vous recevrez la lettre des actualités chaque semaine.")
            else:
                workflow.unsubscribe_digest(request.user)
                messages.success(request, "Vous êtes désabonné : la lettre ne vous sera plus envoyée.")
            return redirect("actualites:index")
        status = 422
    return render(
        request,
        "news/digest.html",
        {"form": form, "subscribed": _subscribed(request.user)},
        status=status,
    )
