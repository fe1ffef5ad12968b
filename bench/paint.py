"""End to end in a real Chromium: from the simulator handing a partial image to its
connection to the picture painted in the studio page (its image loaded and decoded, and the
next animation frame after it went on screen), with 1 and with 20 browsers watching the
conversation. Also the bytes the live view downloads per partial and per turn (every image
request until the final is shown), beside what it would download if it showed the full
images.

The page's clock (performance.timeOrigin + now()) and the simulator's (time.time()) are the
same machine's wall clock, so the two are comparable.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench.registry import Bench, benchmark
from bench.report import Figure, at_most, percentile

CHROMIUM = Path("/usr/bin/chromium")
WATCHERS = (1, 20)
TURNS = {1: 8, 20: 4}
# Seconds per generation, its three partials spread over it. Real generations take 20-60 s;
# 2 s keeps the one-browser round short. With 20 pages, a partial is painted only if its
# preview arrives before the next partial replaces it, so partials come 2 s apart there.
LATENCY = {1: (2.0, 2.0), 20: (8.0, 8.0)}
PROMPTS = ["a fox in snow", "a lighthouse at dusk", "a kite over dunes", "a boat at night"]
P50_TARGET_MS, P99_TARGET_MS, PARTIAL_BYTES_TARGET = 120, 400, 150_000
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    # Twenty pages of one browser: Chromium treats all but one as background pages and
    # throttles their timers and renderers, which would measure its throttling, not Studio.
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
)
# Every image layer the thread puts on screen, with when it was first painted.
PAINT_SCRIPT = """
window.__painted = [];
new MutationObserver((records) => {
  for (const record of records) for (const node of record.addedNodes) {
    if (node.nodeType !== 1 || !node.matches("img.layer")) continue;
    const id = Number(node.dataset.imageId);
    const note = () => window.__painted.push({id, at: performance.timeOrigin + performance.now()});
    // A page the browser does not show gets no animation frames: it counts once decoded.
    node.decode().catch(() => {}).then(() =>
      document.visibilityState === "visible" ? requestAnimationFrame(note) : note());
  }
}).observe(document, {childList: true, subtree: true});
"""
IMAGE_REQUESTS = """
() => performance.getEntriesByType("resource")
  .filter((entry) => entry.name.includes("/media/images/"))
  .map((entry) => ({url: entry.name, bytes: entry.encodedBodySize, ms: entry.duration}))
"""


@benchmark("browser paint")
def browser_paint(bench: Bench) -> list[Figure]:
    if not CHROMIUM.exists():
        return [Figure("painted in the browser", None, note=f"{CHROMIUM} is missing")]
    from playwright.sync_api import sync_playwright

    figures = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[*CHROMIUM_ARGS],
        )
        try:
            for watchers in WATCHERS:
                figures += watch_turns(bench, chromium, watchers)
        finally:
            chromium.close()
    return figures


def watch_turns(bench: Bench, chromium, watchers: int) -> list[Figure]:
    stack, browser = bench.stack, bench.browser
    conversation_id = browser.create_conversation(f"Painted with {watchers} watching")
    pages = [open_page(bench, chromium, conversation_id) for _ in range(watchers)]
    stack.simulator_latency(*LATENCY[watchers])
    stack.clear_simulator_records()
    for index in range(TURNS[watchers]):
        turn = browser.start_turn(conversation_id, PROMPTS[index % len(PROMPTS)], partial_images=3)
        browser.wait_for_turn(conversation_id, turn["id"], timeout=60)
        time.sleep(1.0)  # the last paints and downloads settle
    emitted = {(e["item_id"], e["partial_index"]): e["time"] for e in stack.simulator_emissions()}
    images = {
        image["id"]: (turn["id"], image)
        for turn in browser.snapshot(conversation_id)["turns"]
        for image in turn["images"]
    }
    paints, downloads = [], []
    for page in pages:
        for painted in page.evaluate("window.__painted"):
            _, image = images.get(painted["id"], (None, None))
            if image and image["role"] == "partial":
                key = (image["image_call_id"], image["partial_index"])
                if key in emitted:
                    paints.append(painted["at"] - emitted[key] * 1000)
        downloads.append(page.evaluate(IMAGE_REQUESTS))
    for page in pages:
        page.context.close()
    shown = f"{len(paints)} of {len(emitted) * watchers} partials painted"
    fetches = [r["ms"] for requests in downloads for r in requests if "preview=1" in r["url"]]
    if fetches:
        shown += f"; preview fetch p50 {percentile(fetches, 0.5):.0f} ms"
    return paint_figures(watchers, paints, shown) + byte_figures(watchers, downloads[0], images)


def open_page(bench: Bench, chromium, conversation_id: int):
    context = chromium.new_context(viewport={"width": 1280, "height": 860})
    cookies = bench.browser.http.cookies.items()
    context.add_cookies([{"name": k, "value": v, "url": bench.stack.base_url} for k, v in cookies])
    context.add_init_script(PAINT_SCRIPT)
    page = context.new_page()
    page.goto(f"{bench.stack.base_url}/c/{conversation_id}/")
    page.wait_for_selector("#live-status[data-state=live]", timeout=30_000)
    return page


def paint_figures(watchers: int, paints: list[float], samples: str) -> list[Figure]:
    """p50 and p99 of the partials painted; ``samples`` says how many of all there were
    (a page skips a partial whose preview arrives after the next partial's event)."""
    if not paints:
        return [Figure(f"painted @{watchers} browsers", None, note=samples)]
    p50, p99 = percentile(paints, 0.5), percentile(paints, 0.99)
    if watchers == 1:
        return [
            at_most("painted p50 @1 browser", p50, "ms", P50_TARGET_MS, samples),
            Figure("painted p99 @1 browser", p99, "ms", note=samples),
        ]
    return [
        Figure(f"painted p50 @{watchers} browsers", p50, "ms", note=samples),
        at_most(f"painted p99 @{watchers} browsers", p99, "ms", P99_TARGET_MS, samples),
    ]


def byte_figures(watchers: int, requests: list[dict], images: dict) -> list[Figure]:
    """What one watching page downloaded, per partial and per turn, beside the full files."""
    if watchers != 1:
        return []
    by_id = {}
    for request in requests:
        image_id = int(request["url"].split("/media/images/")[1].split("/")[0])
        by_id[image_id] = by_id.get(image_id, 0) + request["bytes"]
    partial_bytes = [n for i, n in by_id.items() if images[i][1]["role"] == "partial"]
    turns: dict[int, int] = {}
    full: dict[int, int] = {}
    for image_id, (turn_id, image) in images.items():
        if image["role"] in ("partial", "final"):
            turns[turn_id] = turns.get(turn_id, 0) + by_id.get(image_id, 0)
            full[turn_id] = full.get(turn_id, 0) + image["bytes"]
    per_turn = statistics.median(turns.values())
    full_turn = statistics.median(full.values())
    return [
        at_most(
            "bytes downloaded per partial (live view)",
            statistics.median(partial_bytes) / 1000,
            "KB",
            PARTIAL_BYTES_TARGET / 1000,
            f"max {max(partial_bytes) / 1000:.0f} KB over {len(partial_bytes)} partials",
        ),
        Figure(
            "bytes downloaded per turn (live view)",
            per_turn / 1000,
            "KB",
            note=f"3 partials and the final; full images would be {full_turn / 1e6:.1f} MB "
            f"({full_turn / max(per_turn, 1):.0f}x)",
        ),
    ]
