"""Conversations are trees of turns; each turn owns the images it sent and received."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _default_profile() -> str:
    return settings.STUDIO_PROVIDER_PROFILE


class Conversation(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    title = models.CharField(max_length=200, blank=True)
    # Shared with one of the owner's teams: its viewers watch, its editors may add turns.
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    default_options = models.JSONField(default=dict, blank=True)
    provider_profile = models.CharField(max_length=40, default=_default_profile)
    # Every event a browser can see gets the next number; a reconnecting browser asks for
    # what came after the last number it saw.
    last_sequence = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return self.title or f"Conversation {self.pk}"


class Turn(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        STREAMING = "streaming", _("streaming")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")
        BLOCKED = "blocked", _("blocked")

    class ApiMode(models.TextChoices):
        RESPONSES = "responses", _("Responses API with the image tool")
        GENERATE = "generate", _("Images API: generate")
        EDIT = "edit", _("Images API: edit")
        VARIATION = "variation", _("Images API: variation")

    class Continuation(models.TextChoices):
        NONE = "", _("none")
        PREVIOUS_RESPONSE_ID = "previous_response_id", _("previous response id")
        IMAGE_CALL = "image_call", _("image call")
        RESEND_IMAGE = "resend_image", _("resent image")

    RUNNING = (Status.QUEUED, Status.STREAMING)
    FINISHED = (Status.COMPLETED, Status.FAILED, Status.CANCELLED, Status.BLOCKED)

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="turns"
    )
    prompt = models.TextField()
    # Where the turn ran; null for turns from before providers were rows.
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    api_mode = models.CharField(max_length=20, choices=ApiMode, default=ApiMode.RESPONSES)
    image_model = models.CharField(max_length=60)
    text_model = models.CharField(max_length=60, blank=True)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.QUEUED)
    sequence = models.PositiveBigIntegerField(default=0)

    # Ids are the provider's to shape: a gateway answered with a 473-character one.
    response_id = models.TextField(blank=True)
    previous_response_id = models.TextField(blank=True)
    continuation = models.CharField(max_length=30, choices=Continuation, blank=True)
    continuation_note = models.CharField(max_length=300, blank=True)
    revised_prompt = models.TextField(blank=True)
    assistant_text = models.TextField(blank=True)
    usage = models.JSONField(default=dict, blank=True)
    # The reported usage by kind, and its price (usage.pricing), as columns so totals and
    # budgets add up in SQL. A null cost means some reported tokens had no price.
    input_text_tokens = models.PositiveIntegerField(default=0)
    input_image_tokens = models.PositiveIntegerField(default=0)
    output_text_tokens = models.PositiveIntegerField(default=0)
    output_image_tokens = models.PositiveIntegerField(default=0)
    total_tokens = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True, default=0)
    # What the turn was expected to use when it started; budgets count it while it runs.
    estimated_tokens = models.PositiveIntegerField(default=0)
    estimated_cost = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    error_code = models.CharField(max_length=120, blank=True)
    # In English; error_detail is its code and values, shown in each reader's language
    # (conversations.failures).
    error_message = models.TextField(blank=True)
    error_detail = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The background response this turn streams and the sequence number of the last event
    # recorded from it (conversations.resume): a later attempt resumes after that event.
    upstream_response_id = models.CharField(max_length=600, blank=True)
    upstream_sequence = models.PositiveIntegerField(null=True, blank=True)

    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    first_partial_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Refreshed while a worker streams the turn; a stale value means its worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["conversation", "sequence"]),
            models.Index(fields=["status", "heartbeat_at"]),
            models.Index(fields=["author", "queued_at"]),
        ]

    def __str__(self) -> str:
        return f"Turn {self.pk} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING


def image_upload_path(image: Image, filename: str) -> str:
    return f"images/{image.turn.conversation_id}/{image.turn_id}/{filename}"


class ImageQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImageQuerySet:
        """Hidden images are gone for everyone but staff; removed ones have no files left."""
        if user.is_authenticated and user.is_staff:
            return self.exclude(moderation=Image.Moderation.REMOVED)
        return self.filter(moderation=Image.Moderation.VISIBLE)


class Image(models.Model):
    class Role(models.TextChoices):
        REFERENCE = "reference", _("reference image")
        MASK = "mask", _("mask")
        PARTIAL = "partial", _("partial image")
        FINAL = "final", _("final image")

    class Moderation(models.TextChoices):
        VISIBLE = "", _("visible")
        HIDDEN = "hidden", _("hidden")
        REMOVED = "removed", _("removed")

    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="images")
    role = models.CharField(max_length=20, choices=Role)
    position = models.PositiveSmallIntegerField(default=0)
    partial_index = models.PositiveSmallIntegerField(null=True, blank=True)
    image_call_id = models.TextField(blank=True)
    file = models.FileField(upload_to=image_upload_path, max_length=300)
    thumbnail = models.FileField(upload_to=image_upload_path, max_length=300, blank=True)
    # A light WebP of partials and finals for the live view (conversations.previews).
    preview = models.FileField(upload_to=image_upload_path, max_length=300, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=10)
    bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Set by a moderation decision; see ImageQuerySet.visible_to.
    moderation = models.CharField(max_length=10, choices=Moderation, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["turn_id", "role", "position", "partial_index", "id"]
        indexes = [models.Index(fields=["turn", "role"])]

    def __str__(self) -> str:
        return f"{self.role} image {self.pk} of turn {self.turn_id}"

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"
