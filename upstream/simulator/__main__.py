"""`python -m upstream.simulator --port 8765 [--host H] [--latency MIN-MAX] [--gateway]
[--persona NAME] [--models FILE] [--realistic]`."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import uvicorn

from upstream.simulator.app import create_app
from upstream.simulator.personas import PERSONAS
from upstream.simulator.state import SimulatorState


def parse_latency(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return (float(low), float(high or low))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m upstream.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--latency", type=parse_latency, default=(0.0, 0.0), help="seconds, MIN-MAX"
    )
    parser.add_argument(
        "--gateway", action="store_true", help="behave like the constrained gateway"
    )
    parser.add_argument(
        "--models",
        type=Path,
        help="JSON file: the list GET /v1/models answers (names or {id, shutdown_date})",
    )
    parser.add_argument(
        "--require-key-from-env",
        metavar="VAR",
        help="accept only the API key in this environment variable (default: any key)",
    )
    parser.add_argument(
        "--persona",
        default="",
        choices=["", *PERSONAS],
        help="play a gateway in front of the provider: " + ", ".join(PERSONAS),
    )
    parser.add_argument(
        "--realistic",
        action="store_true",
        help="photographic detail: pictures weigh what real ones do (1.5-3 MB PNG at 1024x1024)",
    )
    args = parser.parse_args(argv)
    state = SimulatorState()
    models = json.loads(args.models.read_text()) if args.models else None
    api_key = os.environ.get(args.require_key_from_env, "") if args.require_key_from_env else ""
    state.configure(
        latency=args.latency,
        gateway=args.gateway,
        persona=args.persona,
        models=models,
        api_key=api_key,
        realistic=args.realistic,
    )
    persona = args.persona or "none"
    print(
        f"simulator on http://{args.host}:{args.port}/v1 (gateway={args.gateway}, "
        f"persona={persona}, realistic={args.realistic})",
        flush=True,
    )
    uvicorn.run(
        create_app(state), host=args.host, port=args.port, log_level="warning", backlog=1024
    )


if __name__ == "__main__":
    main()
