import logging
from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from spro.accounts import invitations, proconnect, second_factor, throttling
from spro.accounts.forms import (
    InvitationAccountForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    SecondFactorDisableForm,
    SecondFactorForm,
    SecondFactorSetupForm,
)
from spro.accounts.models import RecoveryCodeDevice, User
from spro.core.text import text_problem

logger = logging.getLogger(__name__)


def safe_next(request, default: str | None = None) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if text_problem(target) or any(ord(c) < 32 for c in target):
        target = ""  # cannot go in a Location header
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(proconnect_enabled=proconnect.is_enabled(), **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        throttling.clear(user.email)
        if second_factor.must_give_second_factor(user):
            second_factor.start_pending_login(
                self.request, user, backend=user.backend, extra={"next": self.get_redirect_url()}
            )
            return redirect(second_factor_url(user))
        return super().form_valid(form)


def second_factor_url(user) -> str:
    return reverse("accounts:second_factor" if user.has_second_factor else "accounts:second_factor_setup")


def _next_after_login(request) -> str:
    data = second_factor.pending_login(request) or {}
    return safe_next(request, default=data.get("next") or None)


def second_factor_view(request):
    """Second step of the login: a TOTP code or a recovery code."""
    user = second_factor.user_to_verify(request)
    if user is None:
        if request.user.is_authenticated:
            return redirect(safe_next(request))
        messages.info(request, "Votre connexion a expiré : saisissez à nouveau votre mot de passe.")
        return redirect("accounts:login")
    if not user.has_second_factor:
        return redirect(_with_next(reverse("accounts:second_factor_setup"), request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = second_factor.throttled_seconds(user)
        device = None if wait else second_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            target = _next_after_login(request)
            second_factor.finish_login(request, user, device)
            if isinstance(device, RecoveryCodeDevice):
                messages.warning(
                    request,
                    "Vous vous êtes connecté avec un code de secours. "
                    f"Il vous en reste {device.remaining()} : régénérez-les depuis « Mon compte » si besoin.",
                )
            return redirect(target)
        if wait:
            form.add_error(
                "code", f"Trop de codes incorrects. Patientez {wait} secondes avant un nouvel essai."
            )
        else:
            form.add_error("code", "Ce code n'est pas valide ou a déjà été utilisé.")
    return render(request, "accounts/second_factor.html", {"form": form, "next": request.GET.get("next", "")})


def second_factor_setup(request):
    """Enrol a TOTP application: secret shown as text and otpauth URI, confirmed with a first code."""
    user = second_factor.user_to_verify(request)
    if user is None and request.user.is_authenticated:
        user = request.user  # verified, or a member without second factor who chooses to enable it
        if user.has_second_factor:
            messages.info(request, "La double authentification est déjà activée sur votre compte.")
            return redirect("accounts:account")
    if user is None:
        return redirect("accounts:login")
    if user.has_second_factor and not (request.user.is_authenticated and request.user.is_verified()):
        # Replacing a device requires the current one: a password alone must not be enough.
        return redirect(_with_next(reverse("accounts:second_factor"), request))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)
    if request.method == "POST" and request.POST.get("action") == "renvoyer":
        if second_factor.send_enrolment_code(request, user):
            messages.info(request, f"Un nouveau code a été envoyé à {user.email}.")
        else:
            messages.error(
                request, "Un code vient d'être envoyé : patientez une minute avant d'en demander un autre."
            )
        return redirect(_with_next(reverse("accounts:second_factor_setup"), request))
    if not second_factor.enrolment_code_pending(request, user):
        second_factor.send_enrolment_code(request, user)
    form = SecondFactorSetupForm(None if request.POST.get("action") else request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not second_factor.check_enrolment_code(request, user, form.cleaned_data["email_code"]):
            form.add_error(
                "email_code",
                "Ce code ne correspond pas au dernier code envoyé par courriel, ou il a expiré : "
                "vérifiez-le, ou demandez un nouveau code.",
            )
        elif device.verify_token(form.cleaned_data["code"]):
            codes = second_factor.confirm_totp(user, device)
            second_factor.finish_enrolment(request)
            target = _next_after_login(request)
            second_factor.finish_login(request, user, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": target})
        form.add_error("code", "Ce code ne correspond pas. Vérifiez l'heure de votre téléphone et réessayez.")
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "otpauth_uri": device.config_url,
        "required": user.requires_second_factor,
        "email": user.email,
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/second_factor_setup.html", context)


def _with_next(url: str, request) -> str:
    from urllib.parse import urlencode

    nxt = request.GET.get("next")
    return f"{url}?{urlencode({'next': nxt})}" if nxt else url


@login_required
@require_POST
def second_factor_disable(request):
    user = request.user
    if user.requires_second_factor:
        messages.error(request, "La double authentification est obligatoire pour votre compte.")
        return redirect("accounts:account")
    form = SecondFactorDisableForm(request.POST, user=user)
    if not form.is_valid():
        return _account_page(request, disable_form=form)
    second_factor.disable(user)
    messages.success(request, "La double authentification est désactivée.")
    return redirect("accounts:account")


@login_required
@require_POST
def recovery_codes_regenerate(request):
    device = RecoveryCodeDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        messages.error(request, "Activez d'abord la double authentification.")
        return redirect("accounts:account")
    codes = device.regenerate()
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse("accounts:account")}
    )


@login_required
def account(request):
    form = _profile_form(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.user.first_name = form.cleaned_data["first_name"].strip()
        request.user.last_name = form.cleaned_data["last_name"].strip()
        request.user.save(update_fields=["first_name", "last_name"])
        messages.success(request, "Vos informations sont enregistrées.")
        return redirect("accounts:account")
    return _account_page(request, form=form)


def _profile_form(user, data=None):
    return ProfileForm(data, initial={"first_name": user.first_name, "last_name": user.last_name})


def _account_page(request, form=None, disable_form=None):
    """ "Mon compte": the profile form and, for an optional second factor, the form that disables it."""
    recovery = RecoveryCodeDevice.objects.filter(user=request.user, confirmed=True).first()
    context = {
        "form": form or _profile_form(request.user),
        "disable_form": disable_form or SecondFactorDisableForm(user=request.user),
        "memberships": request.user.memberships.select_related("structure").order_by("structure__name"),
        "has_second_factor": request.user.has_second_factor,
        "recovery_remaining": recovery.remaining() if recovery else 0,
    }
    return render(request, "accounts/account.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"

    def get_success_url(self):
        return reverse("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return response


def logout(request):
    """Log out (POST); a ProConnect session is also ended at the provider."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    id_token = request.session.get("proconnect_id_token")
    auth.logout(request)
    if id_token:
        url = proconnect.logout_url(request, id_token)
        if url:
            return redirect(url)
    messages.success(request, "Vous êtes déconnecté.")
    return redirect(settings.LOGOUT_REDIRECT_URL)


PROCONNECT_FAILED = (
    "La connexion avec ProConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre adresse "
    "électronique et votre mot de passe."
)


def proconnect_login(request):
    if not proconnect.is_enabled():
        raise Http404("ProConnect n'est pas activé.")
    try:
        url = proconnect.authorization_url(request)
    except (OSError, ValueError, KeyError):
        logger.exception("ProConnect discovery failed")
        messages.error(request, PROCONNECT_FAILED)
        return redirect("accounts:login")
    return redirect(url)


def proconnect_callback(request):
    if not proconnect.is_enabled():
        raise Http404("ProConnect n'est pas activé.")
    try:
        claims = proconnect.complete(request)
    except (proconnect.ProConnectError, OSError, ValueError, KeyError) as exc:
        logger.warning("ProConnect login failed: %s", exc)
        messages.error(request, PROCONNECT_FAILED)
        return redirect("accounts:login")
    email = (claims.get("email") or "").strip().lower()
    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None:
        messages.error(
            request,
            "Aucun compte actif ne correspond à l'adresse transmise par ProConnect. Les comptes sont créés "
            "par l'administrateur de votre structure ou par la Région : contactez-les.",
        )
        return redirect("accounts:login")
    backend = "django.contrib.auth.backends.ModelBackend"
    extra = {"proconnect_id_token": claims["id_token"]}
    if second_factor.must_give_second_factor(user):
        second_factor.start_pending_login(request, user, backend=backend, extra=extra)
        return redirect(second_factor_url(user))
    auth.login(request, user, backend=backend)
    request.session.update(extra)
    return redirect(settings.LOGIN_REDIRECT_URL)


def invitation(request, token):
    """The link of an invitation: accept it (logged in as the invited account), or create the account."""
    found = invitations.find(token)
    context = {"invitation": found}
    if found is None or found.status != found.Status.SENT:
        return render(request, "accounts/invitation.html", {**context, "state": "invalid"}, status=404)
    account = invitations.account_for(found)
    me = request.user if request.user.is_authenticated else None
    if account is not None and not account.is_active:
        return render(request, "accounts/invitation.html", {**context, "state": "inactive"}, status=403)
    if me is not None and (account is None or me.pk != account.pk):
        return render(request, "accounts/invitation.html", {**context, "state": "other_account"}, status=403)
    if account is not None and me is None:
        login_url = f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"
        return render(
            request, "accounts/invitation.html", {**context, "state": "login", "login_url": login_url}
        )
    form = None
    if account is None:
        form = InvitationAccountForm(request.POST or None, email=found.email)
    if request.method == "POST":
        try:
            if form is None:
                invitations.accept(found, me)
            elif form.is_valid():
                user = invitations.accept_with_new_account(
                    found,
                    form.cleaned_data["first_name"],
                    form.cleaned_data["last_name"],
                    form.cleaned_data["password1"],
                )
                auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except invitations.InvitationError as error:
            return render(
                request,
                "accounts/invitation.html",
                {**context, "state": "invalid", "error": str(error)},
                status=409,
            )
        if form is None or form.is_valid():
            messages.success(request, f"Vous êtes maintenant membre de « {found.structure.name} ».")
            return redirect("structures:detail", pk=found.structure_id)
    return render(
        request,
        "accounts/invitation.html",
        {**context, "state": "accept" if form is None else "new_account", "form": form},
    )
