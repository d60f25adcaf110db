"""The organisation tree, its people and their API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class OrgUnit(models.Model):
    """A node of the org tree: company -> departments -> teams, to any depth.

    `path` is a materialised path ("/1/4/9/") so "this unit and everything below it" is one
    indexed prefix match instead of a recursive query.
    """

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        DEPARTMENT = "department", _("Department")
        TEAM = "team", _("Team")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived from the parent chain, so it is kept right here, where every
        # write of a unit (admin, actions, demo) passes; a move rewrites the subtree's paths
        # in one UPDATE.
        super().save(*args, **kwargs)
        new_path = self.compute_path()
        if new_path != self.path:
            old_path, self.path = self.path, new_path
            OrgUnit.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                )

    def clean(self):
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("A unit cannot be moved under itself.")})

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"

    def subtree(self):
        return OrgUnit.objects.filter(path__startswith=self.path)


class Role(models.TextChoices):
    REP = "rep", _("Sales rep")
    MANAGER = "manager", _("Team manager")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    ANALYST = "analyst", _("Ops analyst")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REP)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The team of a rep or manager, the department of a department head."),
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in (Role.ANALYST, Role.ADMIN)

    @property
    def manages_subtree(self) -> bool:
        return self.role in (Role.MANAGER, Role.DEPARTMENT_HEAD)

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.ANALYST and not self.is_superuser


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A per-user bearer token. Only its SHA-256 is stored.

    Tokens are 256 random bits, so a fast unsalted hash is enough: there is nothing to
    brute-force, and an indexed lookup by hash keeps authentication one query.
    """

    PREFIX = "vcrm_"

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False, help_text=_("First characters"))
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(
        _("scope"), max_length=10, choices=Scope.choices, default=Scope.WRITE,
        help_text=_("A read-only token can list, read and export, never change anything."),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def generate_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
