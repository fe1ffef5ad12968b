"""Concurrent streams one worker process holds, and the memory each costs: the worker's
RSS (VmRSS) idle, then with N turns streaming at once (each past its first partial image,
so its buffers exist), divided by N. Beside it, in the same run, the same at 100 streams
with glibc's default allocator settings (no MALLOC_* from `make worker`): what the
allocator settings save, measured under the same load."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time

from bench.registry import Bench, benchmark
from bench.report import Figure, at_least, at_most
from tests.integration.client import Socket, open_socket

COUNTS = (100, 200)
# Long streams: all N stay open together while the rest of them are posted.
LATENCY = (40.0, 40.0)
TARGET_STREAMS, TARGET_MB_PER_STREAM = 100, 10


def steady_rss(bench: Bench, samples: int = 5) -> int:
    readings = []
    for _ in range(samples):
        readings.append(bench.stack.worker.rss_bytes())
        time.sleep(0.2)
    return int(statistics.median(readings))


async def hold_streams(bench: Bench, count: int) -> tuple[int, int]:
    """(streams seen at once, peak RSS) with ``count`` turns started together."""
    browser, stack = bench.browser, bench.stack
    conversation_id = browser.create_conversation(f"{count} streams")
    async with open_socket(stack, browser, conversation_id) as socket:
        await socket.receive()
        turns = await asyncio.gather(
            *(
                asyncio.to_thread(
                    browser.start_turn, conversation_id, "a held fox", partial_images=3
                )
                for _ in range(count)
            )
        )
        held, peak = await wait_until_all_stream(socket, bench, count)
        # A loaded machine may time some cancels out; the next round restarts the worker.
        await asyncio.gather(
            *(asyncio.to_thread(browser.cancel_turn, t["id"]) for t in turns),
            return_exceptions=True,
        )
    return held, peak


async def wait_until_all_stream(socket: Socket, bench: Bench, count: int) -> tuple[int, int]:
    held, peak = 0, 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(TimeoutError):
            await socket.receive(timeout=1)
        streaming = [
            turn
            for turn in socket.view.turns.values()
            if turn["status"] == "streaming" and turn["partials"]
        ]
        if len(streaming) >= held:
            held, peak = len(streaming), max(peak, bench.stack.worker.rss_bytes())
        if held == count:
            break
    return held, peak


def fresh_warm_worker(bench: Bench, *, default_allocator: bool = False) -> None:
    """A new worker that ran one turn: its idle RSS then holds the code and the pools a
    first turn loads, and none of the heap that earlier benchmarks left behind."""
    env = bench.stack.env
    if default_allocator:
        env = {key: value for key, value in env.items() if not key.startswith("MALLOC_")}
    bench.restart_worker(env)
    bench.stack.simulator_latency(0.5, 0.5)
    conversation_id = bench.browser.create_conversation("Warm-up")
    turn = bench.browser.start_turn(conversation_id, "a warm fox", partial_images=3)
    bench.browser.wait_for_turn(conversation_id, turn["id"])
    bench.stack.simulator_latency(*LATENCY)


def rss_per_stream(bench: Bench, count: int, *, default_allocator: bool = False):
    """(streams held, MB per stream, a note saying the RSS idle and with them)."""
    fresh_warm_worker(bench, default_allocator=default_allocator)
    idle = steady_rss(bench)
    held, peak = asyncio.run(hold_streams(bench, count))
    per_stream_mb = (peak - idle) / max(held, 1) / 2**20
    note = f"RSS {idle / 2**20:.0f} MB idle, {peak / 2**20:.0f} MB with {held} streams"
    return held, per_stream_mb, note


@benchmark("streams per worker")
def streams_per_worker(bench: Bench) -> list[Figure]:
    figures = []
    for count in COUNTS:
        held, per_stream_mb, note = rss_per_stream(bench, count)
        if count == TARGET_STREAMS:
            figures += [
                at_least("concurrent streams in one worker", held, "", TARGET_STREAMS),
                at_most(
                    f"worker RSS per stream @{count}",
                    per_stream_mb,
                    "MB",
                    TARGET_MB_PER_STREAM,
                    note,
                ),
            ]
        else:
            figures += [
                Figure(f"concurrent streams in one worker (of {count})", held),
                Figure(f"worker RSS per stream @{count}", per_stream_mb, "MB", note=note),
            ]
    held, per_stream_mb, note = rss_per_stream(bench, TARGET_STREAMS, default_allocator=True)
    figures.append(
        Figure(
            f"  baseline: RSS per stream @{TARGET_STREAMS}, glibc defaults",
            per_stream_mb,
            "MB",
            note=f"{note}; no MALLOC_MMAP_THRESHOLD_ / MALLOC_ARENA_MAX",
        )
    )
    return figures
