"""Recompute finished turns' tokens and cost from their stored usage at today's prices.

For turns recorded before usage was priced, and after correcting STUDIO_PRICES.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Count, Q

from conversations.models import Image, Turn
from usage.pricing import price_usage


class Command(BaseCommand):
    help = "Recompute the tokens and cost of finished turns from their stored usage."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--model", help="only turns of this image model")

    def handle(self, *args, model: str | None = None, **options) -> None:
        turns = Turn.objects.filter(status__in=Turn.FINISHED).annotate(
            finals=Count("images", filter=Q(images__role=Image.Role.FINAL))
        )
        if model:
            turns = turns.filter(image_model=model)
        changed = 0
        for turn in turns.iterator(chunk_size=500):
            spend = price_usage(
                turn.usage,
                api_mode=turn.api_mode,
                image_model=turn.image_model,
                text_model=turn.text_model,
                options=turn.options,
                images=turn.finals if turn.status == Turn.Status.COMPLETED else 0,
            )
            changed += Turn.objects.filter(pk=turn.pk).update(**spend.turn_fields())
        self.stdout.write(f"Priced {changed} turns.")
