"""The error every layer raises for input it refuses; views turn it into a 4xx."""

from __future__ import annotations


class InvalidInput(ValueError):
    """Input refused before anything is stored; ``message`` is for the person."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
