"""Mutable server state: settings, queued faults, recorded requests and stored objects."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

from upstream.simulator.emissions import Emissions
from upstream.simulator.faults import FaultQueue
from upstream.simulator.generations import Generations
from upstream.simulator.personas import get_persona
from upstream.simulator.personas.links import ExpiringLinks
from upstream.simulator.recording import Recorder
from upstream.simulator.store import Store


def _default_models() -> list[dict]:
    from upstream.simulator.models import default_catalogue

    return default_catalogue()


@dataclass
class Settings:
    latency: tuple[float, float] = (0.0, 0.0)
    gateway: bool = False
    # What GET /v1/models lists, with shutdown dates (upstream.simulator.models).
    models: list[dict] = field(default_factory=_default_models)
    # Pad response and image-call ids to this many characters (0: the usual ~53).
    id_length: int = 0
    # When set, requests must carry `Authorization: Bearer <api_key>` (else 401).
    api_key: str = ""
    persona: str = ""
    # Photographic detail in every picture: real-sized files, at more CPU per new picture.
    realistic: bool = False

    def pick_latency(self) -> float:
        low, high = self.latency
        return random.uniform(low, high) if high > low else low


@dataclass
class SimulatorState:
    settings: Settings = field(default_factory=Settings)
    faults: FaultQueue = field(default_factory=FaultQueue)
    recorder: Recorder = field(default_factory=Recorder)
    emissions: Emissions = field(default_factory=Emissions)
    generations: Generations = field(default_factory=Generations)
    store: Store = field(default_factory=Store)
    links: ExpiringLinks = field(default_factory=ExpiringLinks)
    # Settings are changed from test threads while the server reads them.
    lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(
        self,
        *,
        latency: tuple[float, float] | None = None,
        gateway: bool | None = None,
        persona: str | None = None,
        link_ttl: float | None = None,
        realistic: bool | None = None,
        models: list | None = None,
        id_length: int | None = None,
        api_key: str | None = None,
    ) -> None:
        """Change settings; an unknown persona raises ValueError and changes nothing.

        `models`: names or {id, shutdown_date} objects for GET /v1/models; [] restores the
        default catalogue. `id_length` pads response and image-call ids (0: off). `api_key`:
        the one key accepted ("": any)."""
        if persona is not None:
            get_persona(persona)
        from upstream.simulator.models import default_catalogue, normalise_catalogue

        catalogue = None
        if models is not None:
            catalogue = normalise_catalogue(models) if models else default_catalogue()
        with self.lock:
            if latency is not None:
                self.settings.latency = (float(latency[0]), float(latency[1]))
            if gateway is not None:
                self.settings.gateway = bool(gateway)
            if catalogue is not None:
                self.settings.models = catalogue
            if id_length is not None:
                self.settings.id_length = int(id_length)
            if api_key is not None:
                self.settings.api_key = str(api_key)
            if persona is not None:
                self.settings.persona = persona.strip().lower()
            if link_ttl is not None:
                self.links.ttl = float(link_ttl)
            if realistic is not None:
                self.settings.realistic = bool(realistic)

    def catalogue(self) -> list[dict]:
        with self.lock:
            return [dict(model) for model in self.settings.models]

    def reset(self) -> None:
        """Back to a clean server: no faults, no recordings, default settings kept."""
        self.faults.clear()
        self.recorder.clear()
        self.emissions.clear()
        self.generations.clear()
