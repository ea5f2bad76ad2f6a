"""Professional editing of a structure, its sites (lieux d'accueil) and their services.

Permission rules live in `spro.directory.permissions`; every write goes through
`spro.directory.history` so that the record and its history are saved together.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from spro.accounts import invitations
from spro.accounts import members as members_domain
from spro.accounts.models import Invitation
from spro.core.guards import submitted_once
from spro.core.text import local_path
from spro.directory import history, permissions
from spro.directory.codes import SiteKind
from spro.directory.models import Membership, Service, Site, Structure
from spro.directory.stale import stale_records
from spro.territories.lookup import search_communes
from spro.www.structures.forms import (
    EDITOR_SENT,
    MemberForm,
    RemoteSiteForm,
    ServiceForm,
    SiteForm,
    StructureForm,
    hours_preview,
)
from spro.www.structures.hours import HoursEditorForm, compose


def _structure_for(request, pk, need="view") -> Structure:
    """The structure if the user may `need` ("view", "content", "structure") it; else 404 or 403."""
    structure = get_object_or_404(Structure.objects.select_related("network", "parent"), pk=pk)
    user = request.user
    if not permissions.can_view_structure(user, structure):
        raise Http404("Structure inconnue")
    allowed = {
        "view": True,
        "content": permissions.can_edit_content(user, structure),
        "structure": permissions.can_edit_structure(user, structure),
    }[need]
    if not allowed:
        raise PermissionDenied
    return structure


def _site_for(request, pk, need="content") -> Site:
    site = get_object_or_404(Site.objects.select_related("structure__network", "commune"), pk=pk)
    _structure_for(request, site.structure_id, need)
    return site


def _service_for(request, pk, need="content") -> Service:
    service = get_object_or_404(Service.objects.select_related("site__structure", "site__commune"), pk=pk)
    _structure_for(request, service.site.structure_id, need)
    return service


@login_required
@require_GET
def structure_list(request):
    structures = (
        Structure.objects.filter(memberships__user=request.user).select_related("network").order_by("name")
    )
    stale = permissions.mark_confirmable(stale_records(structures), request.user)
    return render(
        request,
        "structures/list.html",
        {"structures": structures, "stale": stale},
    )


@login_required
@require_GET
def structure_detail(request, pk):
    structure = _structure_for(request, pk)
    sites = (
        structure.sites.select_related("commune").prefetch_related("services").order_by("-is_active", "name")
    )
    return render(
        request,
        "structures/detail.html",
        {
            "structure": structure,
            "sites": sites,
            "stale": permissions.mark_confirmable(
                stale_records(Structure.objects.filter(pk=structure.pk)), request.user
            ),
            "can_edit_content": permissions.can_edit_content(request.user, structure),
            "can_edit_structure": permissions.can_edit_structure(request.user, structure),
        },
    )


@login_required
def structure_edit(request, pk):
    structure = _structure_for(request, pk, "structure")
    before = history.snapshot(structure)
    form = StructureForm(request.POST or None, instance=structure, user=request.user)
    if request.method == "POST" and form.is_valid():
        record = history.save_with_history(form.save(commit=False), before, request.user)
        messages.success(
            request, "La structure a été mise à jour." if record else "Aucune modification à enregistrer."
        )
        return redirect("structures:detail", pk=structure.pk)
    return render(request, "structures/structure_form.html", {"structure": structure, "form": form})


@login_required
@require_GET
def structure_history(request, pk):
    structure = _structure_for(request, pk)
    records = list(history.structure_history(structure)[:200])
    for record in records:
        record.lines = history.change_lines(record)
        record.type_label = history.OBJECT_TYPE_LABELS.get(record.object_type, record.object_type)
    return render(
        request,
        "structures/history.html",
        {"structure": structure, "records": records},
    )


@login_required
@submitted_once
def site_create(request, pk):
    structure = _structure_for(request, pk, "content")
    form = SiteForm(request.POST or None, instance=Site(structure=structure))
    if request.method == "POST" and form.is_valid():
        site = form.save(commit=False)
        history.create_with_history(site, request.user)
        messages.success(request, f"Le lieu « {site.name} » a été créé. Ajoutez-lui ses services.")
        return redirect("structures:service_create", pk=site.pk)
    return _site_form(request, structure, form, None)


@login_required
@submitted_once
def remote_create(request, pk):
    """A remote-only entry of the structure: a phone line, a chat, a website (no reception address)."""
    structure = _structure_for(request, pk, "content")
    form = RemoteSiteForm(request.POST or None, instance=Site(structure=structure, kind=SiteKind.A_DISTANCE))
    if request.method == "POST" and form.is_valid():
        site = form.save(commit=False)
        history.create_with_history(site, request.user)
        messages.success(
            request, f"Le service à distance « {site.name} » a été créé. Ajoutez-lui ses services."
        )
        return redirect("structures:service_create", pk=site.pk)
    return _remote_form(request, structure, form, None)


def _remote_form(request, structure, form, site):
    return render(
        request, "structures/remote_form.html", {"structure": structure, "form": form, "site": site}
    )


@login_required
def site_edit(request, pk):
    """The form of a reception site, or of a remote-only entry (same address, its own fields)."""
    site = _site_for(request, pk)
    before = history.snapshot(site)
    if site.is_remote:
        form = RemoteSiteForm(request.POST or None, instance=site)
        if request.method == "POST" and form.is_valid():
            record = history.save_with_history(form.save(commit=False), before, request.user)
            messages.success(
                request,
                "Le service à distance a été mis à jour." if record else "Aucune modification à enregistrer.",
            )
            return redirect("structures:detail", pk=site.structure_id)
        return _remote_form(request, site.structure, form, site)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        record = history.save_with_history(form.save(commit=False), before, request.user)
        messages.success(
            request, "Le lieu a été mis à jour." if record else "Aucune modification à enregistrer."
        )
        return redirect("structures:detail", pk=site.structure_id)
    return _site_form(request, site.structure, form, site)


def _site_form(request, structure, form, site):
    # The live feedback (communes of the postal code, hours preview) is the form's: beside its fields.
    return render(request, "structures/site_form.html", {"structure": structure, "form": form, "site": site})


def _wanted_state(request, current: bool) -> bool:
    """The state the button asks for ("actif": "oui" or "non"), so that a second click changes nothing;
    a post without it switches the state, as before; any other value is refused (400), nothing changes."""
    asked = request.POST.get("actif", "")
    if asked and asked not in ("oui", "non"):
        raise BadRequest("État demandé inconnu.")
    return {"oui": True, "non": False}.get(asked, not current)


@login_required
@require_POST
def site_toggle(request, pk):
    """Deactivate a site (it leaves the public directory) or reactivate it."""
    site = _site_for(request, pk)
    before = history.snapshot(site)
    wanted = _wanted_state(request, site.is_active)
    if wanted == site.is_active:
        state = "visible dans l'annuaire" if wanted else "désactivé"
        messages.info(request, f"Le lieu « {site.name} » était déjà {state} : rien n'a changé.")
        return redirect("structures:detail", pk=site.structure_id)
    site.is_active = wanted
    # A person's choice: a later import of the site's source no longer reactivates it on its own.
    site.absent_from_source_since = None
    history.save_with_history(site, before, request.user)
    if site.is_active:
        messages.success(request, f"Le lieu « {site.name} » est de nouveau visible dans l'annuaire.")
    else:
        messages.success(
            request, f"Le lieu « {site.name} » a été désactivé : il n'apparaît plus dans l'annuaire."
        )
    return redirect("structures:detail", pk=site.structure_id)


@login_required
@submitted_once
def service_create(request, pk):
    site = _site_for(request, pk)
    form = ServiceForm(request.POST or None, instance=Service(site=site))
    if request.method == "POST" and form.is_valid():
        service = form.save(commit=False)
        history.create_with_history(service, request.user)
        messages.success(request, f"Le service « {service.name} » a été ajouté au lieu « {site.name} ».")
        return redirect("structures:detail", pk=site.structure_id)
    return render(
        request,
        "structures/service_form.html",
        {"structure": site.structure, "site": site, "form": form, "service": None},
    )


@login_required
def service_edit(request, pk):
    service = _service_for(request, pk)
    before = history.snapshot(service)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        record = history.save_with_history(form.save(commit=False), before, request.user)
        messages.success(
            request, "Le service a été mis à jour." if record else "Aucune modification à enregistrer."
        )
        return redirect("structures:detail", pk=service.site.structure_id)
    return render(
        request,
        "structures/service_form.html",
        {"structure": service.site.structure, "site": service.site, "form": form, "service": service},
    )


@login_required
@require_POST
def service_toggle(request, pk):
    service = _service_for(request, pk)
    before = history.snapshot(service)
    wanted = _wanted_state(request, service.is_active)
    if wanted == service.is_active:
        state = "actif" if wanted else "désactivé"
        messages.info(request, f"Le service « {service.name} » était déjà {state} : rien n'a changé.")
        return redirect("structures:detail", pk=service.site.structure_id)
    service.is_active = wanted
    history.save_with_history(service, before, request.user)
    state = "réactivé" if service.is_active else "désactivé"
    messages.success(request, f"Le service « {service.name} » a été {state}.")
    return redirect("structures:detail", pk=service.site.structure_id)


CONFIRMABLE = {"structure": Structure, "lieu": Site, "service": Service}


@login_required
@require_POST
def confirm(request, kind, pk):
    """ "Toujours exact": one click records that the information was checked today."""
    model = CONFIRMABLE.get(kind)
    if model is None:
        raise Http404
    obj = get_object_or_404(model, pk=pk)
    structure = permissions.structure_of(obj)
    _structure_for(request, structure.pk, "structure" if model is Structure else "content")
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=obj.pk)  # a concurrent double click waits here
        already = history.recent_confirmation(obj)
        if already is None:
            history.confirm(obj, request.user)
    if already is not None:
        messages.info(request, f"« {obj} » était déjà confirmé comme toujours exact : rien n'a changé.")
    else:
        messages.success(request, f"Merci : « {obj} » est confirmé comme toujours exact.")
    next_url = local_path(request.POST.get("next"))
    if next_url:
        return redirect(next_url)
    return redirect("structures:detail", pk=structure.pk)


@login_required
@require_GET
def postal_code_communes(request):
    """htmx fragment: the communes of the postal code typed, offered to the commune field."""
    code = request.GET.get("postal_code", "").strip().replace(" ", "")[:5]
    communes = []
    if len(code) == 5 and code.isdigit():
        communes = [c for c in search_communes(code, limit=60) if code in c.postal_code_list]
    return render(
        request,
        "structures/_postal_code_communes.html",
        {"communes": communes, "code": code if len(code) == 5 else ""},
    )


@login_required
@require_GET
def hours_preview_view(request):
    """htmx fragment: the opening hours typed so far, in words, or what is wrong with them."""
    if EDITOR_SENT in request.GET:  # the French editor: the string it composes
        editor = HoursEditorForm(request.GET)
        if not editor.is_valid():
            errors = [error for errors in editor.errors.values() for error in errors]
            return render(request, "structures/_hours_preview.html", {"preview": {"error": errors[0]}})
        value = compose(editor.week)
        return render(
            request,
            "structures/_hours_preview.html",
            {"preview": {**hours_preview(value), "composed": value}},
        )
    value = request.GET.get("opening_hours", "")[:500]
    return render(request, "structures/_hours_preview.html", {"preview": hours_preview(value)})


def _post_by_managers_only(view):
    """Only those who manage the structure may post: 403 before anything else, the one-time token too."""

    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        if request.method == "POST":
            if not permissions.can_edit_structure(request.user, _structure_for(request, pk)):
                raise PermissionDenied
        return view(request, pk, *args, **kwargs)

    return wrapper


@login_required
@_post_by_managers_only
@submitted_once
def members(request, pk):
    """Members of the structure; its administrators (and the Région's) invite, change and remove them.

    Inviting answers the same whether the address has an account or not (spro.accounts.invitations)."""
    structure = _structure_for(request, pk)
    can_manage = permissions.can_edit_structure(request.user, structure)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                sent = invitations.invite(
                    structure, form.cleaned_data["email"], form.cleaned_data["role"], request.user
                )
            except invitations.InvitationError as error:
                form.add_error("email", str(error))
            else:
                messages.success(request, _invitation_sent(sent))
                return redirect("structures:members", pk=structure.pk)
    memberships = structure.memberships.select_related("user").order_by("user__email")
    pending = []
    if can_manage:
        invitations.expire_due(structure)
        pending = invitations.pending_for(structure)
    return render(
        request,
        "structures/members.html",
        {
            "structure": structure,
            "memberships": memberships,
            "invitations": pending,
            "form": form,
            "can_manage": can_manage,
            "roles": Membership.Role.choices,
        },
    )


def _invitation_sent(invitation) -> str:
    return (
        f"Invitation envoyée à {invitation.email}. La personne rejoindra la structure en suivant le lien "
        f"reçu, valable jusqu'au {date_format(timezone.localtime(invitation.expires_at), 'j F Y')}."
    )


@login_required
@require_POST
def invitation_change(request, pk):
    """Send a pending or expired invitation again (a new link), or cancel it."""
    invitation = get_object_or_404(Invitation.objects.select_related("structure"), pk=pk)
    _structure_for(request, invitation.structure_id, "structure")
    action = request.POST.get("action")
    try:
        if action == "renvoyer":
            messages.success(request, _invitation_sent(invitations.resend(invitation, request.user)))
        elif action == "annuler":
            invitations.cancel(invitation, request.user)
            messages.success(request, f"L'invitation de {invitation.email} est annulée.")
        else:
            messages.error(request, "Action inconnue.")
    except invitations.InvitationError as error:
        messages.error(request, str(error))
    return redirect("structures:members", pk=invitation.structure_id)


@login_required
@require_POST
def member_change(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("user", "structure"), pk=pk)
    _structure_for(request, membership.structure_id, "structure")
    try:
        if request.POST.get("action") == "retirer":
            members_domain.remove_member(membership, request.user)
            messages.success(request, f"{membership.user.email} ne fait plus partie de la structure.")
        else:
            role = request.POST.get("role", "")
            if role not in Membership.Role.values:
                messages.error(request, "Rôle inconnu.")
            else:
                members_domain.change_role(membership, role, request.user)
                messages.success(request, f"Le rôle de {membership.user.email} a été mis à jour.")
    except members_domain.MembershipError as error:
        messages.error(request, str(error))
    return redirect("structures:members", pk=membership.structure_id)
