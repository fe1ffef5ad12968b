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


@dataclass
class Settings:
    latency: tuple[float, float] = (0.0, 0.0)
    gateway: bool = False
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
    ) -> None:
        """Change settings; an unknown persona raises ValueError and changes nothing."""
        if persona is not None:
            get_persona(persona)
        with self.lock:
            if latency is not None:
                self.settings.latency = (float(latency[0]), float(latency[1]))
            if gateway is not None:
                self.settings.gateway = bool(gateway)
            if persona is not None:
                self.settings.persona = persona.strip().lower()
            if link_ttl is not None:
                self.links.ttl = float(link_ttl)
            if realistic is not None:
                self.settings.realistic = bool(realistic)

    def reset(self) -> None:
        """Back to a clean server: no faults, no recordings, default settings kept."""
        self.faults.clear()
        self.recorder.clear()
        self.emissions.clear()
        self.generations.clear()
