"""Images API (protocol §3): generations, edits and variations, as JSON or an SSE stream."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio import to_thread
from PIL import Image
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from upstream.simulator import api_errors, usage
from upstream.simulator.api_errors import APIError, invalid, missing, unknown_parameter
from upstream.simulator.context import CutConnection, RequestContext, new_id, paced
from upstream.simulator.drawing import with_insets
from upstream.simulator.faults import strip_fault_tags
from upstream.simulator.http import Incoming
from upstream.simulator.inputs import (
    InputPicture,
    image_error,
    picture_from_bytes,
    picture_from_ref,
)
from upstream.simulator.models import check_model
from upstream.simulator.options import GPT_ONLY_OPTIONS, ImageOptions, as_int, is_dalle, resolve
from upstream.simulator.rendering import ImageTask, Rendered, preview, render
from upstream.simulator.responses import revised_prompt
from upstream.simulator.sse import SSE_HEADERS, SSE_MEDIA_TYPE, Sequencer, comment

PROMPT_LIMITS = {"dall-e-2": 1000, "dall-e-3": 4000}
MAX_DALLE_UPLOAD = 4 * 1024 * 1024
NUMERIC = ("n", "partial_images", "output_compression")


@dataclass
class ImagesJob:
    kind: str  # generation | edit | variation
    prompt: str
    options: ImageOptions
    params: dict[str, Any]
    tasks: list[ImageTask] = field(default_factory=list)
    inputs: list[InputPicture] = field(default_factory=list)

    @property
    def event_prefix(self) -> str:
        return "image_edit" if self.kind == "edit" else "image_generation"

    @property
    def gpt(self) -> bool:
        return not is_dalle(self.options.model)


# --- routes -----------------------------------------------------------------------------------


async def generations(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    await ctx.before_answer()
    params = _json_params(incoming)
    prompt, model = _prompt_and_model(params, ctx)
    await ctx.before_answer()
    options = resolve(params, model=model, gateway=ctx.gateway)
    job = ImagesJob("generation", prompt, options, params)
    job.tasks = [
        ImageTask(prompt, options, salt=str(i), realistic=ctx.realistic)
        for i in range(_count(params, ctx, model))
    ]
    return await answer(job, ctx)


async def edits(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    await ctx.before_answer()
    params = _form_params(incoming) if incoming.is_multipart else _json_params(incoming)
    prompt, model = _prompt_and_model(params, ctx)
    await ctx.before_answer()
    pictures, mask = _edit_inputs(incoming, params, ctx)
    base, mask = _edit_base(model, pictures, mask)
    options = resolve(params, model=model, base_size=base.size, gateway=ctx.gateway)
    job = ImagesJob("edit", prompt, options, params, inputs=pictures)
    count = _count(params, ctx, model)
    job.tasks = [
        ImageTask(prompt, options, base=base, mask=mask, salt=str(i), realistic=ctx.realistic)
        for i in range(count)
    ]
    return await answer(job, ctx)


async def variations(request: Request, ctx: RequestContext, incoming: Incoming) -> Response:
    await ctx.before_answer()
    params = _form_params(incoming)
    model = str(params.get("model") or "dall-e-2")
    check_model(ctx, model)
    if model != "dall-e-2":
        raise invalid(
            "Invalid model. The only model supported for variations is dall-e-2.",
            "model",
            "invalid_value",
        )
    uploads = incoming.uploads("image")
    if not uploads:
        raise missing("image")
    picture = _dalle_png(uploads[0].data, "image")
    options = resolve(params, model=model, gateway=ctx.gateway)
    job = ImagesJob("variation", "", options, params, inputs=[picture])
    job.tasks = [
        ImageTask("", options, base=picture.image, variation_index=i, realistic=ctx.realistic)
        for i in range(_count(params, ctx, model))
    ]
    return await answer(job, ctx)


# --- request reading --------------------------------------------------------------------------


def _json_params(incoming: Incoming) -> dict[str, Any]:
    if not isinstance(incoming.json, dict):
        raise invalid("The request body must be a JSON object.")
    return incoming.json


def _form_params(incoming: Incoming) -> dict[str, Any]:
    params: dict[str, Any] = {k: incoming.field(k) for k in incoming.fields}
    for name in NUMERIC:
        if params.get(name) not in (None, ""):
            params[name] = as_int(params[name], name)
    if "stream" in params:
        params["stream"] = str(params["stream"]).lower() in ("true", "1")
    return params


def _prompt_and_model(params: dict[str, Any], ctx: RequestContext) -> tuple[str, str]:
    prompt = params.get("prompt")
    if not prompt or not isinstance(prompt, str):
        raise missing("prompt")
    ctx.note_prompt(prompt)
    gpt_hint = any(params.get(k) not in (None, "") for k in GPT_ONLY_OPTIONS)
    gpt_hint = gpt_hint or params.get("quality") in ("low", "medium", "high")
    model = str(params.get("model") or ("gpt-image-1" if gpt_hint else "dall-e-2"))
    check_model(ctx, model)
    limit = PROMPT_LIMITS.get(model, 32000)
    if len(prompt) > limit:
        raise invalid(
            f"Invalid 'prompt': string too long. Expected a string with maximum length {limit}, "
            f"but got a string with length {len(prompt)} instead.",
            "prompt",
            "string_above_max_length",
        )
    _check_model_params(params, model, ctx)
    return strip_fault_tags(prompt), model


def _check_model_params(params: dict[str, Any], model: str, ctx: RequestContext) -> None:
    if is_dalle(model):
        for name in (
            "stream",
            "partial_images",
            "background",
            "output_compression",
            "input_fidelity",
        ):
            if params.get(name) not in (None, "", False, 0):
                raise unknown_parameter(name)
    elif params.get("response_format") and not ctx.gateway:
        raise unknown_parameter("response_format")
    if params.get("style") is not None and model != "dall-e-3":
        raise unknown_parameter("style")


def _count(params: dict[str, Any], ctx: RequestContext, model: str) -> int:
    n = as_int(params.get("n") if params.get("n") is not None else 1, "n")
    if not 1 <= n <= 10:
        code = "integer_below_min_value" if n < 1 else "integer_above_max_value"
        raise invalid(
            f"Invalid 'n': expected a value from 1 to 10, but got {n} instead.", "n", code
        )
    if model == "dall-e-3" and n != 1:
        raise invalid("You must provide n=1 for this model.", "n", "invalid_value")
    # The gateway silently answers one image whatever n says (protocol §7).
    return 1 if ctx.gateway else n


def _edit_inputs(
    incoming: Incoming, params: dict[str, Any], ctx: RequestContext
) -> tuple[list[InputPicture], InputPicture | None]:
    store = ctx.state.store
    if incoming.is_multipart:
        uploads = incoming.uploads("image", "image[]")
        pictures = [picture_from_bytes(u.data, param="image", source="upload") for u in uploads]
        masks = incoming.uploads("mask")
        mask = picture_from_bytes(masks[0].data, param="mask", source="upload") if masks else None
    else:
        refs = params.get("images") or []
        if not isinstance(refs, list):
            raise invalid("Invalid 'images': expected an array.", "images", "invalid_type")
        pictures = [
            picture_from_ref(store, r, param=f"images[{i}]")
            for i, r in enumerate(refs)
            if isinstance(r, dict)
        ]
        ref = params.get("mask")
        mask = picture_from_ref(store, ref, param="mask") if isinstance(ref, dict) else None
    if not pictures:
        raise missing("image")
    if len(pictures) > 16:
        raise invalid("Too many images: at most 16 are allowed.", "image", "array_above_max_length")
    return pictures, mask


def _edit_base(
    model: str, pictures: list[InputPicture], mask: InputPicture | None
) -> tuple[Image.Image, Image.Image | None]:
    """The picture to edit (more images appear as small insets) and the keep-mask."""
    first = pictures[0]
    if model == "dall-e-2":
        first = _dalle_png(first.data, "image")
        if mask is None:
            if first.image.mode not in ("RGBA", "LA", "PA"):
                raise image_error(
                    "Invalid input image - format must be in ['RGBA', 'LA', 'L'], "
                    f"got {first.image.mode}.",
                    "image",
                )
            # Without a mask, dall-e-2 edits where the image itself is transparent.
            return first.image, first.image.convert("RGBA")
    if mask is not None and mask.size != first.size:
        raise image_error(
            f"Invalid mask image: the mask ({mask.size[0]}x{mask.size[1]}) must be the same size "
            f"as the image ({first.size[0]}x{first.size[1]}).",
            "mask",
            "invalid_mask_image_size",
        )
    base = first.image
    if len(pictures) > 1 and mask is None:
        base = with_insets(base, [p.image for p in pictures[1:]])
    return base, mask.image if mask else None


def _dalle_png(data: bytes, param: str) -> InputPicture:
    picture = picture_from_bytes(data, param=param, source="upload")
    if picture.image.format != "PNG" or len(data) >= MAX_DALLE_UPLOAD:
        raise image_error("Uploaded image must be a PNG and less than 4 MB.", param)
    if picture.image.width != picture.image.height:
        raise image_error("Invalid input image - image must be square.", param)
    return picture


# --- answering --------------------------------------------------------------------------------


async def answer(job: ImagesJob, ctx: RequestContext) -> Response:
    if job.params.get("stream") and job.gpt:
        return StreamingResponse(stream(job, ctx), media_type=SSE_MEDIA_TYPE, headers=SSE_HEADERS)
    await anyio.sleep(ctx.latency)
    if ctx.fault == "moderation_stream":
        raise api_errors.moderation_blocked(ctx.request_id, stage="output")
    rendered = [await to_thread.run_sync(render, t) for t in job.tasks]
    body = images_response(job, ctx, rendered)
    if ctx.fault == "cut":
        return _cut_json(body)
    return JSONResponse(body)


def images_response(
    job: ImagesJob, ctx: RequestContext, rendered: list[Rendered]
) -> dict[str, Any]:
    body: dict[str, Any] = {"created": ctx.created, "data": [_datum(job, ctx, r) for r in rendered]}
    if job.gpt:
        body.update(job.options.echo())
        body["usage"] = _usage(job, len(rendered))
    return body


def _datum(job: ImagesJob, ctx: RequestContext, rendered: Rendered) -> dict[str, Any]:
    fmt = job.params.get("response_format") or (
        "url" if is_dalle(job.options.model) else "b64_json"
    )
    datum: dict[str, Any] = {}
    if fmt == "url" and job.gpt:
        # The gateway answers response_format=url with a data: URI (protocol §7).
        datum["url"] = f"data:image/{job.options.output_format};base64,{rendered.b64}"
    elif fmt == "url":
        name = new_id("img_") + ".png"
        ctx.state.store.blobs.put(name, ("image/png", rendered.png))
        datum["url"] = f"{ctx.base_url}/_simulator/images/{name}"
    elif fmt == "b64_json":
        datum["b64_json"] = rendered.b64
    else:
        raise api_errors.invalid_value("response_format", fmt, "'url' and 'b64_json'")
    if job.options.model == "dall-e-3":
        datum["revised_prompt"] = revised_prompt(job.prompt, edit=False)
    return datum


def _usage(job: ImagesJob, count: int) -> dict[str, Any]:
    return usage.image_usage(
        prompt=job.prompt,
        input_sizes=[p.size for p in job.inputs],
        options=job.options,
        count=count,
    )


def _cut_json(body: dict[str, Any]) -> Response:
    raw = json.dumps(body).encode()

    async def half() -> AsyncIterator[bytes]:
        yield raw[: len(raw) // 2]
        raise CutConnection

    return StreamingResponse(half(), media_type="application/json")


async def stream(job: ImagesJob, ctx: RequestContext) -> AsyncIterator[bytes]:
    """Images API SSE (protocol §3.5): no sequence_number; keepalives are comments."""
    seq = Sequencer(numbered=False)
    pauses = max(1, len(job.tasks) * (job.options.partial_images + 1))
    step = ctx.latency / pauses
    prefix = job.event_prefix
    echo = {"created_at": ctx.created, **job.options.echo()}
    for task in job.tasks:
        rendered = await to_thread.run_sync(render, task)
        if ctx.fault in ("moderation_stream", "stream_error"):
            yield _error_event(seq, ctx)
            return
        partials = rendered.partials_b64 or (
            [preview(task, rendered)] if ctx.fault == "cut" else []
        )
        if ctx.gateway:
            partials = [*partials, rendered.b64]
        for index, b64 in enumerate(partials):
            async for chunk in paced(step, comment):
                yield chunk
            event = seq.event(
                f"{prefix}.partial_image", b64_json=b64, partial_image_index=index, **echo
            )
            # Images streams carry no ids: the request id stands in for the response's.
            ctx.state.emissions.partial_image(
                response_id=ctx.request_id, item_id="", partial_index=index
            )
            yield event
            if ctx.fault == "cut":
                raise CutConnection
        async for chunk in paced(step, comment):
            yield chunk
        yield seq.event(
            f"{prefix}.completed", b64_json=rendered.b64, **echo, usage=_stream_usage(job)
        )


def _stream_usage(job: ImagesJob) -> dict[str, Any]:
    full = _usage(job, 1)
    return {
        k: full[k]
        for k in ("input_tokens", "input_tokens_details", "output_tokens", "total_tokens")
    }


def _error_event(seq: Sequencer, ctx: RequestContext) -> bytes:
    if ctx.fault == "moderation_stream":
        blocked = api_errors.moderation_blocked(ctx.request_id, stage="output")
        error = blocked.body()["error"]
    else:
        error = APIError(
            500, "The server had an error.", type="server_error", code="server_error"
        ).body()["error"]
    # Flat and nested forms in one object, as for Responses streams (protocol §2.4).
    return seq.event(
        "error", code=error["code"], message=error["message"], param=error["param"], error=error
    )
