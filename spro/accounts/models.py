import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models, transaction
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin

from spro.directory.models import Membership


class UserQuerySet(models.QuerySet):
    def region_staff(self):
        return self.filter(
            is_active=True, region_role__in=[User.RegionRole.ADMIN, User.RegionRole.INSTRUCTOR]
        )

    def members_of(self, structure):
        return self.filter(is_active=True, memberships__structure=structure).distinct()


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("region_role", User.RegionRole.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A professional or a Région agent; the public never has an account."""

    class RegionRole(models.TextChoices):
        NONE = "", "Aucun"
        ADMIN = "administrateur", "Administrateur Région"
        INSTRUCTOR = "instructeur", "Instructeur Région"

    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    region_role = models.CharField(
        "rôle à la Région", max_length=20, choices=RegionRole.choices, blank=True, default=""
    )
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_region_admin(self) -> bool:
        return self.is_active and self.region_role == self.RegionRole.ADMIN

    @property
    def is_region_instructor(self) -> bool:
        return self.is_active and self.region_role == self.RegionRole.INSTRUCTOR

    @property
    def is_region_staff(self) -> bool:
        """Administrators and instructors of the Région."""
        return self.is_active and self.region_role in {self.RegionRole.ADMIN, self.RegionRole.INSTRUCTOR}

    # Structures (spro.directory.Membership: administrateur | conseiller).

    def structures(self):
        """Active structures this person belongs to, whatever the role."""
        from spro.directory.models import Structure

        return Structure.objects.filter(memberships__user=self, is_active=True).distinct()

    def administered_structures(self):
        from spro.directory.models import Membership, Structure

        return Structure.objects.filter(
            memberships__user=self, memberships__role=Membership.Role.ADMIN, is_active=True
        ).distinct()

    def structure_role(self, structure) -> str | None:
        """'administrateur', 'conseiller' or None."""
        if not self.is_active:
            return None
        membership = self.memberships.filter(structure=structure).only("role").first()
        return membership.role if membership else None

    def is_structure_member(self, structure) -> bool:
        return self.structure_role(structure) is not None

    def is_structure_admin(self, structure) -> bool:
        from spro.directory.models import Membership

        return self.structure_role(structure) == Membership.Role.ADMIN

    @property
    def is_structure_member_anywhere(self) -> bool:
        return self.is_active and self.memberships.exists()

    # Second factor.

    @property
    def requires_second_factor(self) -> bool:
        """Région staff and technical staff must use a second factor; members may choose to."""
        return self.is_region_staff or self.is_staff

    def totp_device(self):
        """The confirmed TOTP device, if the person has enabled two-factor authentication."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return TOTPDevice.objects.filter(user=self, confirmed=True).first()

    @property
    def has_second_factor(self) -> bool:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return TOTPDevice.objects.filter(user=self, confirmed=True).exists()


class LoginAttempt(models.Model):
    """Failed logins, kept briefly to throttle brute force per email and per address."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "tentative de connexion échouée"
        verbose_name_plural = "tentatives de connexion échouées"

    def __str__(self):
        return f"{self.email} {self.attempted_at:%d/%m/%Y %H:%M}"


RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to read them back


def normalize_recovery_code(code: str) -> str:
    return "".join(c for c in (code or "").lower() if c.isalnum())


def hash_recovery_code(code: str) -> str:
    # Codes carry about 50 random bits: a fast hash is enough, and no secret key ties them to one deployment.
    return hashlib.sha256(normalize_recovery_code(code).encode()).hexdigest()


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """Single-use recovery codes (stored hashed), a django-otp device so they verify a session like TOTP."""

    class Meta:
        verbose_name = "codes de secours"
        verbose_name_plural = "codes de secours"

    def get_throttle_factor(self):
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    @transaction.atomic
    def regenerate(self) -> list[str]:
        """Replace every code by new ones; returns them in clear, shown once."""
        self.codes.all().delete()
        codes = []
        for _ in range(RECOVERY_CODE_COUNT):
            raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
            codes.append(f"{raw[:5]}-{raw[5:]}")
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=self, code_hash=hash_recovery_code(c)) for c in codes
        )
        return codes

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        # Marking it used in the same UPDATE makes a code usable exactly once, even under concurrent requests.
        used = self.codes.filter(code_hash=hash_recovery_code(token), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "code de secours"

    def __str__(self):
        return f"{self.device.user} ({'utilisé' if self.used_at else 'disponible'})"


INVITATION_DAYS = 7


class Invitation(models.Model):
    """An invitation to join a structure, sent by one of its administrators; the person accepts it from the
    link received by e-mail. Only a hash of the link's token is stored (spro.accounts.invitations)."""

    class Status(models.TextChoices):
        SENT = "envoyee", "Envoyée"
        ACCEPTED = "acceptee", "Acceptée"
        CANCELLED = "annulee", "Annulée"
        EXPIRED = "expiree", "Expirée"

    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.CASCADE, related_name="invitations", verbose_name="structure"
    )
    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=20, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.SENT)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="invitée par",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)
    expires_at = models.DateTimeField("valable jusqu'au")
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="acceptée par",
    )

    class Meta:
        verbose_name = "invitation"
        constraints = [
            # One pending invitation per address and structure: inviting again sends a new link instead.
            models.UniqueConstraint(
                fields=["structure", "email"],
                condition=models.Q(status="envoyee"),
                name="one_pending_invitation",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.structure} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.SENT and self.expires_at > timezone.now()


class InvitationEvent(models.Model):
    """Each transition of an invitation: who, when."""

    class Action(models.TextChoices):
        SENT = "envoi", "Envoi"
        RESENT = "renvoi", "Nouvel envoi"
        ACCEPTED = "acceptation", "Acceptation"
        CANCELLED = "annulation", "Annulation"
        EXPIRED = "expiration", "Expiration"

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "étape d'une invitation"
        verbose_name_plural = "étapes des invitations"

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"
