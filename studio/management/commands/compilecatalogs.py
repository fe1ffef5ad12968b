from __future__ import annotations

from django.core.management.base import BaseCommand

from studio.catalogs import compile_catalogs


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo in Python (no GNU gettext needed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="rebuild every .mo")

    def handle(self, *args, force: bool = False, **options) -> None:
        for path in compile_catalogs(force=force):
            self.stdout.write(f"compiled {path}")
