"""Interconnaissance (espace pro, /espace-pro/professionnels/): the directory of the professionals who
agreed to be known, each one's card (only what they chose to show), one's own profile, each structure's
"qui appeler pour ceci" and its référent SPRO; the Région's list of référents (/region/professionnels/).

Members of a structure and the Région's staff only: anonymous people go to the login page, anyone else
gets a 403; a profile not listed is a 404 for everyone but its owner.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from spro.core.guards import submitted_once
from spro.directory import permissions
from spro.directory.codes import Need, Public
from spro.directory.models import Membership, Structure
from spro.network import workflow
from spro.network.access import is_network_member
from spro.network.codes import NEEDS, PUBLICS, ProfileField
from spro.network.models import ProfessionalProfile, SproReferent
from spro.www.professionals.forms import ProfileForm, ReferentForm, SearchForm

PAGE_SIZE = 30


def _member_only(request):
    if not is_network_member(request.user):
        raise PermissionDenied("L'annuaire des professionnels est réservé aux membres du réseau.")


def _listed():
    memberships = Membership.objects.filter(structure__is_active=True).select_related("structure__network")
    return (
        ProfessionalProfile.objects.listed()
        .select_related("user")
        .prefetch_related(Prefetch("user__memberships", queryset=memberships), "sites")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _cards(profiles):
    cards = []
    for profile in profiles:
        card = profile.visible_card()
        card["profile"] = profile
        card["structures"] = [m.structure for m in profile.user.memberships.all()]
        card["need_labels"] = [NEEDS.get(code, code) for code in card.get("needs", [])]
        card["public_labels"] = [PUBLICS.get(code, code) for code in card.get("publics", [])]
        cards.append(card)
    return cards


@login_required
@require_GET
def directory(request):
    _member_only(request)
    form = SearchForm(request.GET or None)
    profiles = _listed()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            words = Q()
            for word in data["q"].split()[:5]:
                words &= (
                    Q(user__first_name__icontains=word)
                    | Q(user__last_name__icontains=word)
                    # A function is searched only where its owner shows it.
                    | Q(function__icontains=word, shown__icontains=f'"{ProfileField.FUNCTION}"')
                )
            profiles = profiles.filter(words)
        if data["territoire"]:
            profiles = profiles.filter(territories_index__contains=f"|{data['territoire']}|")
        if data["reseau"]:
            profiles = profiles.filter(
                user__memberships__structure__network__code=data["reseau"],
                user__memberships__structure__is_active=True,
            )
        if data["specialite"]:
            kind, _, code = data["specialite"].partition(":")
            index = "needs_index" if kind == "besoin" else "publics_index"
            profiles = profiles.filter(**{f"{index}__contains": f"|{code}|"})
    page = Paginator(profiles.distinct(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    own = ProfessionalProfile.objects.filter(user=request.user).first()
    return render(
        request,
        "professionals/directory.html",
        {
            "form": form,
            "page": page,
            "cards": _cards(page.object_list),
            "query": query.urlencode(),
            "own_profile": own,
            "my_structures": request.user.structures().order_by("name"),
        },
    )


@login_required
@require_GET
def profile(request, pk: int):
    _member_only(request)
    found = get_object_or_404(ProfessionalProfile.objects.select_related("user"), pk=pk)
    if found.user_id != request.user.pk and not _listed().filter(pk=pk).exists():
        raise Http404("Ce professionnel n'est pas dans l'annuaire.")
    card = _cards([found])[0]
    return render(
        request, "professionals/profile.html", {"card": card, "is_own": found.user_id == request.user.pk}
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_profile(request):
    if not request.user.is_structure_member_anywhere:
        raise PermissionDenied("Le profil professionnel est celui des membres d'une structure.")
    own = ProfessionalProfile.objects.filter(user=request.user).first() or ProfessionalProfile(
        user=request.user
    )
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=own, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save(commit=False)
            workflow.save_profile(
                saved, form.cleaned_data["consent"], request.user, sites=form.cleaned_data["sites"]
            )
            if saved.is_listed:
                messages.success(
                    request, "Votre profil est enregistré : il est visible des membres du réseau."
                )
            else:
                messages.success(request, "Votre profil est enregistré : il n'est visible de personne.")
            return redirect("professionnels:my_profile")
        return render(request, "professionals/my_profile.html", {"form": form, "profile": own}, status=422)
    return render(request, "professionals/my_profile.html", {"form": form, "profile": own})


@login_required
@require_GET
def structure(request, pk: int):
    """A structure's page for the network: its référent SPRO and who to call for what."""
    _member_only(request)
    found = get_object_or_404(Structure.objects.select_related("network"), pk=pk, is_active=True)
    referent = SproReferent.objects.filter(structure=found).select_related("user").first()
    cards = _cards(_listed().filter(user__memberships__structure=found))
    by_need = []
    for code, label in Need.choices:
        people = [card for card in cards if code in card.get("needs", [])]
        if people:
            by_need.append((label, people))
    by_public = []
    for code, label in Public.choices:
        people = [card for card in cards if code in card.get("publics", [])]
        if people:
            by_public.append((label, people))
    return render(
        request,
        "professionals/structure.html",
        {
            "structure": found,
            "referent": referent,
            "cards": cards,
            "by_need": by_need,
            "by_public": by_public,
            "may_designate": permissions.can_edit_structure(request.user, found),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submitted_once
def referent(request, pk: int):
    """The structure's administrators (and the Région's) designate its référent SPRO."""
    found = get_object_or_404(Structure, pk=pk, is_active=True)
    if not permissions.can_view_structure(request.user, found):
        raise Http404("Structure inconnue")
    if not permissions.can_edit_structure(request.user, found):
        raise PermissionDenied("Seuls les administrateurs de la structure désignent son référent SPRO.")
    current = SproReferent.objects.filter(structure=found).first()
    form = ReferentForm(
        request.POST if request.method == "POST" else None,
        instance=current or SproReferent(structure=found),
        structure=found,
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                workflow.designate_referent(found, data["user"], data["email"], data["phone"], request.user)
            except workflow.Refused as refusal:
                form.add_error("user", str(refusal))
            else:
                messages.success(request, f"{data['user']} est le référent SPRO de {found.name}.")
                return redirect("professionnels:structure", pk=found.pk)
        return render(request, "professionals/referent.html", {"form": form, "structure": found}, status=422)
    return render(request, "professionals/referent.html", {"form": form, "structure": found})


@login_required
@require_GET
def region_referents(request):
    """The Région's view: every active structure and its référent SPRO, those without one first."""
    if not permissions.can_use_back_office(request.user):
        raise PermissionDenied
    structures = (
        Structure.objects.filter(is_active=True)
        .select_related("network", "spro_referent__user")
        .order_by(F("spro_referent").asc(nulls_first=True), "name")
    )
    missing = structures.filter(spro_referent__isnull=True).count()
    page = Paginator(structures, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "professionals/region_referents.html",
        {"page": page, "missing": missing, "listed": ProfessionalProfile.objects.listed().count()},
    )
