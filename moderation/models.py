"""Review cases (user flags and provider blocks), staff decisions, standing, blocked terms."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moderation.text import normalize_text


class Reason(models.TextChoices):
    SEXUAL = "sexual", _("Sexual")
    VIOLENCE = "violence", _("Violence")
    HATE = "hate", _("Hate")
    HARASSMENT = "harassment", _("Harassment")
    SELF_HARM = "self-harm", _("self-harm")
    ILLEGAL = "illegal", _("Illegal")
    OTHER = "other", _("Other")


class Case(models.Model):
    """One thing to review: a flagged image, or a turn the provider's moderation blocked."""

    class Kind(models.TextChoices):
        FLAG = "flag", _("flagged")
        BLOCKED = "blocked", _("blocked by the provider")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DECIDED = "decided", _("Decided")

    class Resolution(models.TextChoices):
        NONE = "", _("none yet")
        KEEP = "keep", _("Keep")
        HIDE = "hide", _("Hide")
        REMOVE = "remove", _("Remove")

    kind = models.CharField(max_length=10, choices=Kind)
    turn = models.ForeignKey(
        "conversations.Turn", on_delete=models.CASCADE, related_name="moderation_cases"
    )
    # The flagged image; a blocked turn's case covers every image the turn holds.
    image = models.ForeignKey(
        "conversations.Image",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_cases",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.OPEN)
    resolution = models.CharField(max_length=10, choices=Resolution, blank=True, default="")
    # What the provider said when it blocked the turn, as it said it.
    provider_code = models.CharField(max_length=120, blank=True)
    provider_message = models.TextField(blank=True)
    provider_categories = models.JSONField(default=list, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    # The last flag or decision: the queue shows recent activity first.
    updated_at = models.DateTimeField(auto_now=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("review case")
        verbose_name_plural = _("review cases")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["image"], condition=Q(kind="flag"), name="one_flag_case_per_image"
            ),
            models.UniqueConstraint(
                fields=["turn"], condition=Q(kind="blocked"), name="one_blocked_case_per_turn"
            ),
        ]
        indexes = [models.Index(fields=["status", "-updated_at"])]

    def __str__(self) -> str:
        return f"Case {self.pk}: {self.get_kind_display()} turn {self.turn_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Flag(models.Model):
    """A person's report; a second report of the same case by the same person updates it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_flags"
    )
    reason = models.CharField(max_length=20, choices=Reason)
    note = models.TextField(blank=True)
    # Where the reporter saw the image, when it was in a gallery.
    gallery_item = models.ForeignKey(
        "galleries.GalleryItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "reporter"], name="one_flag_per_reporter")
        ]

    def __str__(self) -> str:
        return f"{self.reporter} flagged case {self.case_id} as {self.reason}"


class Decision(models.Model):
    """The audit trail: who did what to which case, image and person, when, and why.

    Kept when the case goes (a deleted conversation takes its cases with it), so the ids it
    acted on are copied rather than linked.
    """

    class Action(models.TextChoices):
        KEEP = "keep", _("Keep")
        HIDE = "hide", _("Hide")
        REMOVE = "remove", _("Remove")
        WARN = "warn", _("warn the author")
        SUSPEND = "suspend", _("suspend the author")
        LIFT_SUSPENSION = "lift_suspension", _("lift the suspension")

    CONTENT_ACTIONS = (Action.KEEP, Action.HIDE, Action.REMOVE)
    AUTHOR_ACTIONS = (Action.WARN, Action.SUSPEND)

    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The person the decision is about: the author of the reviewed turn.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_decisions",
    )
    action = models.CharField(max_length=20, choices=Action)
    note = models.TextField(blank=True)
    turn_id = models.PositiveBigIntegerField(null=True, blank=True)
    image_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.actor} chose {self.action} on case {self.case_id}"


class AccountStanding(models.Model):
    """Warnings and suspension of one person; no row means a clean record."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_standing"
    )
    warned_count = models.PositiveIntegerField(default=0)
    last_warned_at = models.DateTimeField(null=True, blank=True)
    # What the person is told: the rule their content broke, never the reviewer's note.
    warning_reason = models.CharField(max_length=200, blank=True)
    warning_dismissed_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("account standing")
        verbose_name_plural = _("account standings")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        state = "suspended" if self.is_suspended else f"warned {self.warned_count}x"
        return f"{self.user} ({state})"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def shows_warning(self) -> bool:
        if self.last_warned_at is None:
            return False
        return self.warning_dismissed_at is None or self.warning_dismissed_at < self.last_warned_at


class BlockedTerm(models.Model):
    """A word or phrase refused in prompts before anything is stored or sent upstream."""

    class Match(models.TextChoices):
        WORD = "word", _("whole word")
        SUBSTRING = "substring", _("anywhere, even inside words")

    # Stored in normal form (moderation.text), so "Foo", "FOO" and fullwidth "foo" are one.
    term = models.CharField(max_length=200, unique=True)
    match = models.CharField(max_length=10, choices=Match, default=Match.WORD)
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Part of the list's version: every process rebuilds its matcher when this moves.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("blocked term")
        verbose_name_plural = _("blocked terms")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs) -> None:
        self.term = normalize_text(self.term)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Before the unique check, so "Foo" is refused when "foo" is already listed.
        self.term = normalize_text(self.term)
        if not self.term:
            raise ValidationError({"term": _("Enter a word or phrase with visible letters.")})
