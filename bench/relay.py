"""Relay latency: from the simulator handing a partial image to its connection to a
websocket client receiving the matching turn.partial_image event, at 1, 50, 100 and 200
concurrent streams of realistic pictures (a 1024x1024 PNG partial of about 2.4 MB), beside
an httpx client reading the same kind of stream straight from the simulator. Also the bytes
of each websocket event, the worker's CPU per image, and the time to the first partial.

Both ends are on this machine, so the simulator's wall clock (its /_simulator/emissions)
and the client's time.time() are comparable; a partial is matched by its image call id and
partial index.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from channels_redis.core import RedisChannelLayer

from bench.registry import Bench, benchmark
from bench.report import Figure, at_most, mean, percentile
from conversations.events import group_name
from tests.integration.client import FINISHED, Socket, open_socket
from upstream.sse import iter_events

CONCURRENCY = (1, 50, 100, 200)
TARGET_STREAMS = 100
# Turns run one after another at 1 stream, for more than three samples.
SEQUENTIAL_TURNS = 10
# Long enough that every stream of a round overlaps the others while the round is posted.
LATENCY = {1: (2.0, 2.0), 50: (10.0, 12.0), 100: (12.0, 14.0), 200: (16.0, 18.0)}
PROMPTS = ["a fox in snow", "a lighthouse at dusk", "a kite over dunes", "a boat at night"]
P50_TARGET_MS, P99_TARGET_MS = 25, 150


@dataclass
class Frame:
    at: float  # time.time() when the frame came off the socket
    size: int
    message: dict


@dataclass
class Round:
    frames: list[Frame] = field(default_factory=list)
    posted_at: dict[int, float] = field(default_factory=dict)
    emitted: dict[tuple[str, int], float] = field(default_factory=dict)
    # When a listener on the conversation's channel group got each partial: the worker's
    # share of the relay (read, store, commit, publish), without Daphne's.
    published: dict[tuple[str, int], float] = field(default_factory=dict)

    def relay_ms(self) -> list[float]:
        received = {
            partial_key(frame.message): frame.at
            for frame in self.frames
            if frame.message["type"] == "turn.partial_image"
        }
        return self._since_emitted(received)

    def images(self) -> int:
        """Partial and final images the round's sockets were told of."""
        kinds = {"turn.partial_image": 1}
        return sum(
            kinds.get(frame.message["type"], len(frame.message.get("images") or []))
            for frame in self.frames
            if frame.message["type"] in ("turn.partial_image", "turn.completed")
        )

    def publish_ms(self) -> list[float]:
        return self._since_emitted(self.published)

    def _since_emitted(self, times: dict[tuple[str, int], float]) -> list[float]:
        return [(at - self.emitted[key]) * 1000 for key, at in times.items() if key in self.emitted]

    def merge(self, other: Round) -> None:
        self.frames += other.frames
        for mine, theirs in (
            (self.posted_at, other.posted_at),
            (self.emitted, other.emitted),
            (self.published, other.published),
        ):
            mine.update(theirs)


def partial_key(event: dict) -> tuple[str, int]:
    return (event["image"]["image_call_id"], event["image"]["partial_index"])


async def listen_to_groups(redis_url: str, conversation_ids: list[int], into: Round) -> None:
    """Until cancelled: join the conversations' groups as one more socket would, and note
    when each partial image event arrives there."""
    layer = RedisChannelLayer(hosts=[redis_url])
    channel = await layer.new_channel()
    for conversation_id in conversation_ids:
        await layer.group_add(group_name(conversation_id), channel)
    try:
        while True:
            event = (await layer.receive(channel))["event"]
            if event["type"] == "turn.partial_image":
                into.published[partial_key(event)] = time.time()
    finally:
        await layer.flush()


# --- through Studio -------------------------------------------------------------------------


async def stream_through_studio(bench: Bench, count: int) -> Round:
    """``count`` turns at once, each in its own conversation with its own socket."""
    stack, browser = bench.stack, bench.browser
    conversation_ids = [browser.create_conversation(f"Relay {count} #{i}") for i in range(count)]
    stack.simulator_latency(*LATENCY[count])
    stack.clear_simulator_records()
    result = Round()
    async with AsyncExitStack() as opened:
        sockets = [
            await opened.enter_async_context(open_socket(stack, browser, conversation_id))
            for conversation_id in conversation_ids
        ]
        for socket in sockets:
            await socket.receive()
        listener = asyncio.create_task(listen_to_groups(stack.redis_url, conversation_ids, result))
        await asyncio.sleep(0.2)  # joined before the first event
        receivers = [asyncio.create_task(collect_one_turn(socket, result)) for socket in sockets]

        async def post(index: int, conversation_id: int) -> None:
            posted = time.time()
            prompt = PROMPTS[index % len(PROMPTS)]
            turn = await asyncio.to_thread(
                browser.start_turn, conversation_id, prompt, partial_images=3
            )
            result.posted_at[turn["id"]] = posted

        await asyncio.gather(*(post(i, cid) for i, cid in enumerate(conversation_ids)))
        async with asyncio.timeout(120):
            await asyncio.gather(*receivers)
        listener.cancel()
    result.emitted = emission_times(stack.simulator_emissions())
    return result


async def collect_one_turn(socket: Socket, into: Round) -> None:
    while True:
        raw = await socket.connection.recv()
        frame = Frame(time.time(), len(raw.encode() if isinstance(raw, str) else raw), {})
        frame.message = socket.view.apply_raw(raw)
        into.frames.append(frame)
        if frame.message["type"] in FINISHED:
            return


def emission_times(emissions: list[dict]) -> dict[tuple[str, int], float]:
    return {(e["item_id"], e["partial_index"]): e["time"] for e in emissions}


def studio_round(bench: Bench, count: int) -> Round:
    if count > 1:
        return asyncio.run(stream_through_studio(bench, count))
    merged = Round()
    for _ in range(SEQUENTIAL_TURNS):
        merged.merge(asyncio.run(stream_through_studio(bench, 1)))
    return merged


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- straight from the simulator ------------------------------------------------------------


def stream_directly(bench: Bench, count: int) -> list[float]:
    """The same streams read by plain httpx clients, one thread each, as the worker reads."""
    stack = bench.stack
    stack.simulator_latency(*LATENCY[count])
    runs = SEQUENTIAL_TURNS if count == 1 else 1
    received: list[tuple[str, int, float]] = []
    emitted: dict[tuple[str, int], float] = {}
    for _ in range(runs):
        stack.clear_simulator_records()
        with ThreadPoolExecutor(max_workers=count) as pool:
            for found in pool.map(read_one_stream, [stack.simulator_url] * count, range(count)):
                received += found
        emitted.update(emission_times(stack.simulator_emissions()))
    return [
        (at - emitted[(item_id, index)]) * 1000
        for item_id, index, at in received
        if (item_id, index) in emitted
    ]


def read_one_stream(simulator_url: str, index: int) -> list[tuple[str, int, float]]:
    body = {
        "model": "gpt-5",
        "input": PROMPTS[index % len(PROMPTS)],
        "stream": True,
        "tools": [{"type": "image_generation", "partial_images": 3}],
    }
    found = []
    with (
        httpx.Client(timeout=60) as http,
        http.stream("POST", f"{simulator_url}/v1/responses", json=body) as response,
    ):
        for event in iter_events(response.iter_bytes()):
            if event.event.endswith(".partial_image"):
                at = time.time()
                data = json.loads(event.data)
                found.append((data["item_id"], data["partial_image_index"], at))
    return found


# --- the benchmarks -------------------------------------------------------------------------


@benchmark("relay latency")
def relay_latency(bench: Bench) -> list[Figure]:
    figures = []
    busiest: Round | None = None
    for count in CONCURRENCY:
        cpu_before = cpu_seconds(bench.stack.worker.pid)
        studio = studio_round(bench, count)
        worker_cpu = cpu_seconds(bench.stack.worker.pid) - cpu_before
        relay = studio.relay_ms()
        direct = stream_directly(bench, count)
        p50, p99 = percentile(relay, 0.5), percentile(relay, 0.99)
        direct_p50 = percentile(direct, 0.5)
        samples = f"{len(relay)} partials"
        if count == TARGET_STREAMS:
            figures += [
                at_most(f"relay p50 @{count} streams", p50, "ms", P50_TARGET_MS, samples),
                at_most(f"relay p99 @{count} streams", p99, "ms", P99_TARGET_MS, samples),
            ]
            busiest = studio
        else:
            figures += [
                Figure(f"relay p50 @{count} streams", p50, "ms", note=samples),
                Figure(f"relay p99 @{count} streams", p99, "ms", note=samples),
            ]
        published = studio.publish_ms()
        figures.append(
            Figure(
                f"  of which worker p50 @{count} streams",
                percentile(published, 0.5),
                "ms",
                note=f"p99 {percentile(published, 0.99):.1f} ms: simulator to channel layer",
            )
        )
        figures += [
            Figure(
                f"direct httpx p50 @{count} streams",
                direct_p50,
                "ms",
                note=f"p99 {percentile(direct, 0.99):.1f} ms, {len(direct)} partials",
            ),
            Figure(f"relay / direct p50 @{count} streams", p50 / max(direct_p50, 0.001), "x"),
            Figure(
                f"worker CPU per image @{count} streams",
                worker_cpu * 1000 / max(1, studio.images()),
                "ms",
                note=f"{studio.images()} partials and finals; the whole process, all threads",
            ),
        ]
    return figures + bytes_per_event(busiest)


def bytes_per_event(studio: Round) -> list[Figure]:
    sizes: dict[str, list[int]] = defaultdict(list)
    for frame in studio.frames:
        sizes[frame.message["type"]].append(frame.size)
    events = [size for kind, found in sizes.items() if kind.startswith("turn.") for size in found]
    figures = [Figure("bytes per websocket event (mean)", mean(events), "B")]
    for kind in ("turn.started", "turn.partial_image", "turn.revised_prompt", "turn.completed"):
        if sizes.get(kind):
            figures.append(Figure(f"bytes per {kind}", mean(sizes[kind]), "B"))
    return figures


@benchmark("time to first partial")
def time_to_first_partial(bench: Bench) -> list[Figure]:
    """From posting a turn to its first partial on the socket, with a simulator that
    answers at once: what Studio itself adds before a person sees anything."""
    stack = bench.stack
    conversation_id = bench.browser.create_conversation("First partials")
    stack.simulator_latency(0.0, 0.0)
    waits = []

    async def one_turn(socket: Socket) -> float:
        posted = time.time()
        turn = await asyncio.to_thread(
            bench.browser.start_turn, conversation_id, "a quick fox", partial_images=3
        )
        first = None
        while True:
            message = await socket.receive(timeout=30)
            if message.get("turn_id") != turn["id"]:
                continue
            if message["type"] == "turn.partial_image" and first is None:
                first = time.time() - posted
            if message["type"] in FINISHED:
                return first

    async def scenario() -> None:
        async with open_socket(stack, bench.browser, conversation_id) as socket:
            await socket.receive()
            for _ in range(SEQUENTIAL_TURNS * 2):
                waits.append(await one_turn(socket) * 1000)

    asyncio.run(scenario())
    return [
        Figure("time to first partial p50", percentile(waits, 0.5), "ms", note="simulator at 0 s"),
        Figure("time to first partial p99", percentile(waits, 0.99), "ms"),
    ]
