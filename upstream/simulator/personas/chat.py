"""POST /v1/chat/completions for the gateways' chat image models (tu-zi and similar).

The answer is the free text those models send: an echo of the request, a task id, queue
and progress lines, then the pictures as markdown images (links on the simulator's expiring
CDN) with download links. `-vip` models draw four pictures; `sora_image` narrates with
emoji; `gpt-4o-all` talks; `-async` models answer with `[preview]` and `[source]` links whose
source is not ready for the first two fetches. Tags in the prompt choose a failure:
`[chat:apology]` (HTTP 200 with only an apology), `[chat:empty]` (an empty `![image]()`),
`[chat:images_api]` (an Images API body instead of a chat answer), `[chat:private_link]`
(a picture link to 127.0.0.1:6379, which a client must refuse to fetch) and
`[chat:huge_link]` (a picture link to 50 MB, sent unsized, which a client must cut off).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import anyio
from anyio import to_thread
from PIL import Image
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from upstream.gateway_models import GatewayModel, gateway_model
from upstream.simulator.api_errors import APIError, invalid, missing
from upstream.simulator.context import RequestContext, new_id, paced
from upstream.simulator.http import Incoming
from upstream.simulator.inputs import picture_from_bytes
from upstream.simulator.options import resolve
from upstream.simulator.personas import get_persona
from upstream.simulator.personas.gateway import SCOPE_KEY
from upstream.simulator.personas.links import OVERSIZED_PREFIX
from upstream.simulator.rendering import ImageTask, render
from upstream.simulator.sse import SSE_HEADERS, SSE_MEDIA_TYPE, comment

_TAG = re.compile(r"\[chat:([a-z_]+)\]")
_RATIO = re.compile(r"aspect ratio:\s*(\d+):(\d+)", re.I)
RATIO_SIZES = {"1:1": "1024x1024", "2:3": "1024x1536", "3:2": "1536x1024"}
# The gateways' own words, fullwidth punctuation included.
APOLOGY = (
    "抱歉，当前请求过多，请稍后再试。Sorry, too many requests right now; please try again later."
)
PRIVATE_LINK = "http://127.0.0.1:6379/"
SOURCE_NOT_READY_FETCHES = 2
HUGE_LINK_MEGABYTES = 50


async def chat_completions(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    await ctx.before_answer()
    body = incoming.json if isinstance(incoming.json, dict) else None
    if body is None:
        raise invalid("The request body must be a JSON object.")
    model = str(body.get("model") or "")
    if not model:
        raise missing("model")
    spec = _chat_model(request, model)
    prompt, pictures = _last_user_message(body.get("messages"))
    ctx.note_prompt(prompt)
    tags = set(_TAG.findall(prompt))
    prompt = _TAG.sub("", prompt).strip()
    await ctx.before_answer()
    answer = await _answer(ctx, spec, prompt, pictures, tags, size=_size(body, prompt))
    if "images_api" in tags:
        return JSONResponse({"created": ctx.created, "data": answer.data})
    if body.get("stream"):
        return StreamingResponse(
            _stream(ctx, model, answer.pieces), media_type=SSE_MEDIA_TYPE, headers=SSE_HEADERS
        )
    await anyio.sleep(ctx.latency)
    return JSONResponse(_completion(ctx, model, "".join(answer.pieces)))


def _chat_model(request: Request, model: str) -> GatewayModel:
    persona = get_persona(request.scope.get(SCOPE_KEY))
    if persona is None or not persona.chat_models:
        raise APIError(
            404,
            f"The model `{model}` does not exist or you do not have access to it.",
            code="model_not_found",
        )
    spec = gateway_model(model)
    if spec is None or spec.transport != "chat":
        # new-api's words when no channel serves the model for this key's group.
        raise APIError(
            503, f"当前分组 default 下对于模型 {model} 无可用渠道", type="new_api_error", code=""
        )
    return spec


def _last_user_message(messages: Any) -> tuple[str, list[Image.Image]]:
    if not isinstance(messages, list) or not messages:
        raise missing("messages")
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    if not users:
        raise invalid("messages must contain a user message.", "messages")
    content = users[-1].get("content")
    if isinstance(content, str):
        return content, []
    texts, pictures = [], []
    for part in content if isinstance(content, list) else []:
        if not isinstance(part, dict):
            continue
        if part.get("type") == "text":
            texts.append(str(part.get("text") or ""))
        elif part.get("type") == "image_url":
            picture = _picture(part.get("image_url"))
            if picture is not None:
                pictures.append(picture)
    return "\n".join(texts), pictures


def _picture(image_url: Any) -> Image.Image | None:
    url = image_url.get("url") if isinstance(image_url, dict) else image_url
    if not isinstance(url, str) or not url.startswith("data:image/"):
        return None  # a link: the real gateway would fetch it; the simulator draws without
    try:
        data = base64.b64decode(url.partition(",")[2], validate=True)
    except (binascii.Error, ValueError):
        raise invalid("Invalid image data URI.", "messages") from None
    return picture_from_bytes(data, param="messages", source="upload").image


def _size(body: dict[str, Any], prompt: str) -> str:
    if isinstance(body.get("size"), str) and "x" in body["size"]:
        return body["size"]
    found = _RATIO.search(prompt)
    return RATIO_SIZES.get(f"{found[1]}:{found[2]}", "1024x1024") if found else "1024x1024"


class _Answer:
    def __init__(self, pieces: list[str], data: list[dict[str, str]]) -> None:
        self.pieces = pieces
        self.data = data


async def _answer(
    ctx: RequestContext,
    spec: GatewayModel,
    prompt: str,
    pictures: list[Image.Image],
    tags: set[str],
    *,
    size: str,
) -> _Answer:
    if "apology" in tags:
        return _Answer([APOLOGY], [])
    options = resolve({"size": size, "quality": "low"}, model="gpt-image-1")
    base = pictures[0] if pictures else None
    count = spec.images_per_call
    tasks = [
        ImageTask(prompt, options, base=base, salt=f"chat{i}", realistic=ctx.realistic)
        for i in range(count)
    ]
    rendered = [await to_thread.run_sync(render, task) for task in tasks]
    links = ctx.state.links
    not_ready = SOURCE_NOT_READY_FETCHES if spec.asynchronous else 0
    urls = [f"{ctx.base_url}{links.put(r.png, not_ready=not_ready)}" for r in rendered]
    previews = [f"{ctx.base_url}{links.put(r.png)}" for r in rendered] if not_ready else []
    if "private_link" in tags:
        urls = [PRIVATE_LINK]
    if "huge_link" in tags:
        urls = [f"{ctx.base_url}{OVERSIZED_PREFIX}{HUGE_LINK_MEGABYTES}.png"]
    data = [{"url": url, "revised_prompt": prompt} for url in urls]
    ratio = next((r for r, s in RATIO_SIZES.items() if s == size), "1:1")
    narration = _narration(spec, prompt, ratio, urls, previews, empty="empty" in tags)
    return _Answer(narration, data)


def _narration(
    spec: GatewayModel,
    prompt: str,
    ratio: str,
    urls: list[str],
    previews: list[str],
    *,
    empty: bool,
) -> list[str]:
    echo = json.dumps({"prompt": prompt, "ratio": ratio}, ensure_ascii=False)
    task = "task_" + new_id("")[:26]
    if spec.name.startswith("gpt-4o-all"):
        pieces = ["Here is the picture you asked for.\n\n"]
    elif spec.name.startswith("sora_image"):
        pieces = [
            f"```json\n{echo}\n```\n\n",
            "> 🕐 排队中，请耐心等待...\n\n",
            "> ⚡ 开始生成...\n\n",
        ]
        pieces += [f"> 🏃 进度：{p}%\n" for p in (20, 58, 100)]
        pieces += ["\n> ✅ 生成完成\n\n"]
    else:
        pieces = [f"```\n{echo}\n```\n\n", f"> ID: `{task}`\n", "> 排队中", ".", ".\n"]
        pieces += [
            "> 生成中",
            ".",
            "..\n",
            "> 进度 **3",
            "4%**\n",
            "> 67.19%\n",
            "> 生成完成 ✅\n\n",
        ]
    if empty:
        return [*pieces, "![image]()\n"]
    if spec.asynchronous:
        return [*pieces, f"[preview]({previews[0]})\n", f"[source]({urls[0]})\n"]
    images = "".join(f"![file_{i:04d}]({url})\n" for i, url in enumerate(urls))
    downloads = " ".join(f"[下载⏬]({url.replace('/cdn/', '/cdn/download/')})" for url in urls)
    return [*pieces, images, f"\n{downloads}\n"]


async def _stream(ctx: RequestContext, model: str, pieces: list[str]) -> AsyncIterator[bytes]:
    chat_id = "chatcmpl-" + new_id("")[:29]
    step = ctx.latency / max(1, len(pieces))
    for index, piece in enumerate(pieces):
        async for chunk in paced(step, comment):
            yield chunk
        delta = {"role": "assistant", "content": piece} if index == 0 else {"content": piece}
        yield _chunk(ctx, chat_id, model, delta, None)
    yield _chunk(ctx, chat_id, model, {}, "stop", usage=_usage(pieces))
    yield b"data: [DONE]\n\n"


def _chunk(
    ctx: RequestContext,
    chat_id: str,
    model: str,
    delta: dict[str, Any],
    finish: str | None,
    usage: dict[str, int] | None = None,
) -> bytes:
    chunk: dict[str, Any] = {
        "id": chat_id,
        "object": "chat.completion.chunk",
        "created": ctx.created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if usage:
        chunk["usage"] = usage
    return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()


def _completion(ctx: RequestContext, model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-" + new_id("")[:29],
        "object": "chat.completion",
        "created": ctx.created,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": _usage([content]),
    }


def _usage(pieces: list[str]) -> dict[str, int]:
    completion = sum(len(p.split()) for p in pieces) + 1
    return {"prompt_tokens": 20, "completion_tokens": completion, "total_tokens": 20 + completion}
