"""POST /v1/responses: plan the turn, then answer it as one JSON object or an SSE stream."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from anyio import to_thread

from upstream.simulator import api_errors, usage
from upstream.simulator.api_errors import APIError, invalid, missing
from upstream.simulator.context import CutConnection, RequestContext, new_id, paced
from upstream.simulator.drawing import with_insets
from upstream.simulator.faults import strip_fault_tags
from upstream.simulator.inputs import (
    InputPicture,
    picture_from_image_call,
    picture_from_ref,
)
from upstream.simulator.models import check_model
from upstream.simulator.options import ImageOptions, resolve
from upstream.simulator.rendering import ImageTask, Rendered, preview, render
from upstream.simulator.sse import Sequencer
from upstream.simulator.store import StoredImageCall, StoredResponse

TOOL_DEFAULTS = {
    "background": "auto",
    "model": "gpt-image-1",
    "moderation": "auto",
    "n": 1,
    "output_compression": 100,
    "output_format": "png",
    "partial_images": 0,
    "quality": "auto",
    "size": "auto",
}
_NUMBERS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}
_MANY = re.compile(
    r"\b(two|three|four|2|3|4)\s+(?:different\s+)?(images|pictures|versions|variations|options)\b"
)
REASONING_MODELS = ("gpt-5", "o1", "o3", "o4")
# Input items that name an earlier item by id; the constrained gateway stores nothing.
REFERENCE_ITEMS = ("image_generation_call", "item_reference")


@dataclass
class ResponsePlan:
    id: str
    body: dict[str, Any]
    model: str
    prompt: str
    instructions: str | None
    previous_response_id: str | None
    store: bool
    stream: bool
    tools: list[dict[str, Any]]
    background: bool = False
    options: ImageOptions | None = None
    tasks: list[ImageTask] = field(default_factory=list)
    item_ids: list[str] = field(default_factory=list)
    input_pictures: list[InputPicture] = field(default_factory=list)

    @property
    def reasoning(self) -> bool:
        return self.model.startswith(REASONING_MODELS)


def plan_response(body: Any, ctx: RequestContext) -> ResponsePlan:
    """Validate the request (gateway rules first, as the gateway answers before the model)."""
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    if ctx.gateway:
        _gateway_rules(body)
    if not body.get("model"):
        raise missing("model")
    check_model(ctx, str(body["model"]))
    previous = _previous(body, ctx)
    if body.get("input") is None and previous is None:
        raise missing("input")
    items = _items(body.get("input"))
    prompt = _prompt(items)
    ctx.note_prompt(prompt)
    prompt = strip_fault_tags(prompt)
    pictures = _pictures(items, ctx)
    tool = _image_tool(body)
    plan = ResponsePlan(
        id=new_id("resp_", ctx.state.settings.id_length),
        body=body,
        model=str(body["model"]),
        prompt=prompt,
        instructions=body.get("instructions"),
        previous_response_id=previous.id if previous else None,
        store=body.get("store") is not False,
        stream=bool(body.get("stream")),
        tools=_echo_tools(body.get("tools") or []),
        input_pictures=pictures,
        background=bool(body.get("background")),
    )
    if plan.background and not plan.store:
        raise invalid(
            "Background responses must be stored: 'background' requires 'store' to be true.",
            "store",
        )
    if tool is not None and body.get("tool_choice") != "none":
        _plan_images(plan, tool, previous, ctx)
    return plan


def _gateway_rules(body: dict[str, Any]) -> None:
    if not body.get("instructions"):
        raise invalid("Instructions are required", "instructions")
    if not isinstance(body.get("input"), list):
        raise invalid("Input must be a list", "input")
    if not body.get("stream"):
        raise APIError(
            500,
            "Non-streaming requests are not supported.",
            type="server_error",
            code="server_error",
        )
    if body.get("previous_response_id"):
        raise invalid(
            "previous_response_id is not supported on this endpoint.",
            "previous_response_id",
            "unsupported_parameter",
        )
    for item in body["input"]:
        if isinstance(item, dict) and item.get("type") in REFERENCE_ITEMS:
            raise invalid(
                f"{item['type']} input items are not supported.",
                "input",
                "unsupported_parameter",
            )


def _previous(body: dict[str, Any], ctx: RequestContext) -> StoredResponse | None:
    previous_id = body.get("previous_response_id")
    if not previous_id:
        return None
    if body.get("conversation"):
        raise invalid(
            "Mutually exclusive parameters: 'previous_response_id' and 'conversation'.",
            "previous_response_id",
            "mutually_exclusive_parameters",
        )
    stored = ctx.state.store.responses.get(str(previous_id))
    if stored is None:
        raise invalid(
            f"Previous response with id '{previous_id}' not found.",
            "previous_response_id",
            "previous_response_not_found",
        )
    return stored


def _items(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [{"type": "message", "role": "user", "content": raw}]
    if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
        raise invalid(
            "Invalid 'input': expected a string or a list of input items.", "input", "invalid_type"
        )
    return raw


def _parts(item: dict[str, Any]) -> list[dict[str, Any]]:
    content = item.get("content")
    if isinstance(content, str):
        return [{"type": "input_text", "text": content}]
    return [p for p in content or [] if isinstance(p, dict)]


def _prompt(items: list[dict[str, Any]]) -> str:
    """The text of the last user message: what this turn asks for."""
    for item in reversed(items):
        if item.get("role") == "user":
            texts = [
                p.get("text", "") for p in _parts(item) if p.get("type") in ("input_text", "text")
            ]
            if any(texts):
                return " ".join(t for t in texts if t)
    return ""


def _pictures(items: list[dict[str, Any]], ctx: RequestContext) -> list[InputPicture]:
    """Pictures in the input, in order: input_image parts and image_generation_call items."""
    found: list[InputPicture] = []
    for index, item in enumerate(items):
        param = f"input[{index}]"
        if item.get("type") == "image_generation_call":
            found.append(picture_from_image_call(ctx.state.store, item, param=param))
            continue
        if item.get("type") == "item_reference" and str(item.get("id", "")).startswith("ig_"):
            found.append(picture_from_image_call(ctx.state.store, item, param=param))
            continue
        for part in _parts(item):
            if part.get("type") == "input_image":
                found.append(picture_from_ref(ctx.state.store, part, param=f"{param}.content"))
    return found


def _image_tool(body: dict[str, Any]) -> dict[str, Any] | None:
    for tool in body.get("tools") or []:
        if isinstance(tool, dict) and tool.get("type") == "image_generation":
            return tool
    return None


def _echo_tools(tools: list[Any]) -> list[Any]:
    """`response.tools` echoes the image tool with defaults filled in, plus n: 1 (observed)."""
    echoed = []
    for tool in tools:
        if isinstance(tool, dict) and tool.get("type") == "image_generation":
            tool = {
                "type": "image_generation",
                **TOOL_DEFAULTS,
                **{k: v for k, v in tool.items() if v is not None},
            }
        echoed.append(tool)
    return echoed


def _plan_images(
    plan: ResponsePlan, tool: dict[str, Any], previous: StoredResponse | None, ctx: RequestContext
) -> None:
    # As the provider documents it, the first input image is the one edited (and the one a
    # mask applies to); further images are references, drawn as small insets when unmasked.
    base = plan.input_pictures[0].image if plan.input_pictures else None
    if base is None and previous is not None:
        stored = ctx.state.store.latest_image_of(previous.id)
        base = _decode(stored.png) if stored else None
    action = tool.get("action") or "auto"
    if action == "edit" and base is None:
        raise invalid(
            "There is no image in the context to edit.", "tools[0].action", "invalid_action"
        )
    if action == "generate":
        base = None
    model = str(tool.get("model") or "gpt-image-1")
    check_model(ctx, model)
    plan.options = resolve(
        tool, model=model, base_size=base.size if base else None, gateway=ctx.gateway
    )
    mask = _mask(tool, base, ctx)
    if base is not None and mask is None and len(plan.input_pictures) > 1:
        base = with_insets(base, [p.image for p in plan.input_pictures[1:]])
    match = _MANY.search(plan.prompt.lower())
    count = _NUMBERS[match.group(1)] if match else 1
    for index in range(count):
        plan.tasks.append(
            ImageTask(
                plan.prompt,
                plan.options,
                base=base,
                mask=mask,
                salt=str(index),
                realistic=ctx.realistic,
            )
        )
        plan.item_ids.append(new_id("ig_", ctx.state.settings.id_length))


def _mask(tool: dict[str, Any], base: Any, ctx: RequestContext) -> Any:
    ref = tool.get("input_image_mask")
    if not ref:
        return None
    if base is None:
        raise invalid(
            "input_image_mask requires an input image to edit.", "tools[0].input_image_mask"
        )
    mask = picture_from_ref(ctx.state.store, ref, param="tools[0].input_image_mask").image
    if mask.size != base.size:
        raise invalid(
            f"The mask ({mask.width}x{mask.height}) must be the same size as the image "
            f"({base.width}x{base.height}).",
            "tools[0].input_image_mask",
            "invalid_mask_size",
        )
    return mask


def _decode(png: bytes) -> Any:
    from upstream.simulator.drawing import decode

    return decode(png)


# --- the Response object ----------------------------------------------------------------------


def revised_prompt(prompt: str, *, edit: bool) -> str:
    """A longer, more descriptive prompt, like the model's rewrite."""
    core = prompt.strip().rstrip(".") or "An abstract composition"
    lead = "An edited version of the previous image: " if edit else ""
    return (
        f"{lead}{core}. A detailed digital illustration with a balanced composition, "
        "soft natural lighting, crisp outlines and a harmonious colour palette."
    )


def image_item(plan: ResponsePlan, index: int, rendered: Rendered | None) -> dict[str, Any]:
    task = plan.tasks[index]
    item: dict[str, Any] = {"id": plan.item_ids[index], "type": "image_generation_call"}
    if rendered is None:
        return {**item, "status": "in_progress", "result": None}
    assert plan.options is not None
    return {
        **item,
        "status": "completed",
        "result": rendered.b64,
        "revised_prompt": revised_prompt(task.prompt, edit=task.base is not None),
        **plan.options.echo(),
        "action": "edit" if task.base is not None else "generate",
    }


def reasoning_item(plan: ResponsePlan) -> dict[str, Any]:
    return {"id": "rs_" + plan.id[5:], "type": "reasoning", "summary": []}


def reply_text(plan: ResponsePlan) -> str:
    if not plan.tasks:
        return f"(simulated reply) You said: {plan.prompt or '…'}"
    noun = "image" if len(plan.tasks) == 1 else f"{len(plan.tasks)} images"
    return f"Here is the {noun}: {plan.prompt.strip()[:80]}"


def message_item(plan: ResponsePlan, text: str | None) -> dict[str, Any]:
    content = [] if text is None else [{"type": "output_text", "text": text, "annotations": []}]
    status = "in_progress" if text is None else "completed"
    return {
        "id": "msg_" + plan.id[5:],
        "type": "message",
        "role": "assistant",
        "status": status,
        "content": content,
    }


def response_object(
    plan: ResponsePlan,
    ctx: RequestContext,
    *,
    status: str,
    output: list[dict[str, Any]],
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    done = status == "completed"
    body = plan.body
    response: dict[str, Any] = {
        "id": plan.id,
        "object": "response",
        "created_at": ctx.created,
        "status": status,
        "background": plan.background,
        "completed_at": int(time.time()) if done else None,
        "error": error,
        "incomplete_details": None,
        "instructions": plan.instructions,
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": None,
        "model": plan.model,
        "output": output,
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": plan.previous_response_id,
        "reasoning": {"effort": "medium" if plan.reasoning else None, "summary": None},
        "service_tier": "default",
        "store": plan.store,
        "temperature": body.get("temperature", 1.0),
        "text": body.get("text") or {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": plan.tools,
        "top_p": body.get("top_p", 1.0),
        "truncation": body.get("truncation", "disabled"),
        "usage": _text_usage(plan, output) if done else None,
        "user": body.get("user"),
        "metadata": body.get("metadata") or {},
    }
    if done and plan.tasks and plan.options is not None:
        # The installed SDK's ToolUsage requires every tool family, zero when unused.
        response["tool_usage"] = {
            "image_gen": _image_usage(plan),
            "web_search": {"num_requests": 0},
        }
    return response


def _text_usage(plan: ResponsePlan, output: list[dict[str, Any]]) -> dict[str, Any]:
    # Text-model tokens only; image tokens are reported in tool_usage.image_gen.
    prompt_tokens = usage.text_tokens(f"{plan.instructions or ''} {plan.prompt}") + 180
    prompt_tokens += 85 * len(plan.input_pictures)
    texts = [p.get("text", "") for i in output if i["type"] == "message" for p in i["content"]]
    reasoning = 64 * len(plan.tasks) if plan.reasoning else 0
    output_tokens = usage.text_tokens(" ".join(texts)) + 40 * len(plan.tasks) + reasoning
    return {
        "input_tokens": prompt_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": prompt_tokens + output_tokens,
    }


def _image_usage(plan: ResponsePlan) -> dict[str, Any]:
    assert plan.options is not None
    sizes = [p.size for p in plan.input_pictures]
    if not sizes and plan.tasks and plan.tasks[0].base is not None:
        sizes = [plan.tasks[0].base.size]
    return usage.image_usage(
        prompt=revised_prompt(plan.prompt, edit=bool(sizes)),
        input_sizes=sizes,
        options=plan.options,
        count=len(plan.tasks),
    )


def remember(
    plan: ResponsePlan, ctx: RequestContext, response: dict[str, Any], rendered: list[Rendered]
) -> None:
    """Store the response and its image calls (only with store: true, like the real API)."""
    if not plan.store:
        return
    store = ctx.state.store
    for index, item_id in enumerate(plan.item_ids[: len(rendered)]):
        item = next(i for i in response["output"] if i.get("id") == item_id)
        store.image_calls.put(
            item_id, StoredImageCall(item_id, rendered[index].png, item, plan.prompt)
        )
    store.responses.put(
        plan.id, StoredResponse(plan.id, response, list(plan.item_ids), plan.prompt)
    )


def stored_view(stored: StoredResponse) -> dict[str, Any]:
    """GET /v1/responses/{id}: image items come back with result null (reported behaviour)."""
    return retrieved_view(stored.body)


def retrieved_view(body: dict[str, Any]) -> dict[str, Any]:
    output = [
        {**item, "result": None} if item.get("type") == "image_generation_call" else item
        for item in body.get("output") or []
    ]
    return {**body, "output": output}


# --- answering --------------------------------------------------------------------------------


async def render_all(plan: ResponsePlan) -> list[Rendered]:
    return [await to_thread.run_sync(render, task) for task in plan.tasks]


async def complete(plan: ResponsePlan, ctx: RequestContext) -> dict[str, Any]:
    """The non-streaming answer: wait out the latency, then the whole Response object."""
    import anyio

    ctx.state.generations.started(plan.id, prompt=plan.prompt, background=plan.background)
    await anyio.sleep(ctx.latency)
    if ctx.fault == "moderation_stream":
        return response_object(plan, ctx, status="failed", output=[], error=_moderation_error(ctx))
    rendered = await render_all(plan)
    output = [reasoning_item(plan)] if plan.reasoning else []
    output += [image_item(plan, i, r) for i, r in enumerate(rendered)]
    output.append(message_item(plan, reply_text(plan)))
    response = response_object(plan, ctx, status="completed", output=output)
    remember(plan, ctx, response, rendered)
    return response


def _moderation_error(ctx: RequestContext) -> dict[str, Any]:
    blocked = api_errors.moderation_blocked(ctx.request_id, stage="output")
    return {"code": blocked.code, "message": blocked.message}


async def stream(
    plan: ResponsePlan, ctx: RequestContext, seq: Sequencer | None = None
) -> AsyncIterator[bytes]:
    """The SSE stream in the order of protocol §2.2, with latency spread between events.

    A background response is first `queued` (with a `response.queued` event), as OpenAI's
    are; `seq` may observe the events (see background.py).
    """
    seq = seq or Sequencer(numbered=True)
    ctx.state.generations.started(plan.id, prompt=plan.prompt, background=plan.background)
    # One pause before each image, one per partial, one before it completes, one before the text.
    pauses = sum(t.options.partial_images + 2 for t in plan.tasks) + 1
    step = ctx.latency / pauses

    def keepalive() -> bytes:
        return seq.event("keepalive")

    first = "queued" if plan.background else "in_progress"
    yield seq.event(
        "response.created", response=response_object(plan, ctx, status=first, output=[])
    )
    if plan.background:
        queued = response_object(plan, ctx, status="queued", output=[])
        yield seq.event("response.queued", response=queued)
    yield seq.event(
        "response.in_progress", response=response_object(plan, ctx, status="in_progress", output=[])
    )
    if ctx.fault == "stream_error":
        yield _error_event(seq)
        return
    output: list[dict[str, Any]] = []
    if plan.reasoning:
        item = reasoning_item(plan)
        yield seq.event("response.output_item.added", output_index=0, item=item)
        yield seq.event("response.output_item.done", output_index=0, item=item)
        output.append(item)
    rendered_all: list[Rendered] = []
    for index, task in enumerate(plan.tasks):
        async for chunk in paced(step, keepalive):
            yield chunk
        events = _image_events(
            plan, ctx, seq, index, task, len(output), step, keepalive, rendered_all
        )
        async for chunk in events:
            yield chunk
        if ctx.fault == "moderation_stream":
            return
        output.append(image_item(plan, index, rendered_all[index]))
    async for chunk in paced(step, keepalive):
        yield chunk
    async for chunk in _text_events(plan, seq, len(output), reply_text(plan)):
        yield chunk
    output.append(message_item(plan, reply_text(plan)))
    response = response_object(plan, ctx, status="completed", output=output)
    remember(plan, ctx, response, rendered_all)
    yield seq.event("response.completed", response=response)


async def _image_events(
    plan: ResponsePlan,
    ctx: RequestContext,
    seq: Sequencer,
    index: int,
    task: ImageTask,
    output_index: int,
    step: float,
    keepalive: Any,
    rendered_all: list[Rendered],
) -> AsyncIterator[bytes]:
    item_id = plan.item_ids[index]
    ids = {"item_id": item_id, "output_index": output_index}
    yield seq.event(
        "response.output_item.added", output_index=output_index, item=image_item(plan, index, None)
    )
    yield seq.event("response.image_generation_call.in_progress", **ids)
    yield seq.event("response.image_generation_call.generating", **ids)
    rendered = await to_thread.run_sync(render, task)
    if ctx.fault == "moderation_stream":
        error = _moderation_error(ctx)
        yield seq.event(
            "response.failed",
            response=response_object(plan, ctx, status="failed", output=[], error=error),
        )
        return
    partials = rendered.partials_b64 or ([preview(task, rendered)] if ctx.fault == "cut" else [])
    extra = task.options.echo()
    for number, b64 in enumerate(partials):
        async for chunk in paced(step, keepalive):
            yield chunk
        event = seq.event(
            "response.image_generation_call.partial_image",
            **ids,
            partial_image_index=number,
            partial_image_b64=b64,
            **extra,
        )
        ctx.state.emissions.partial_image(
            response_id=plan.id, item_id=item_id, partial_index=number
        )
        yield event
        if ctx.fault == "cut":
            # Half-way: some events and a partial went out; now drop the connection.
            raise CutConnection
    if ctx.gateway:
        # The gateway also sends the finished picture as one more partial_image event.
        yield seq.event(
            "response.image_generation_call.partial_image",
            **ids,
            partial_image_index=len(partials),
            partial_image_b64=rendered.b64,
            **extra,
        )
    async for chunk in paced(step, keepalive):
        yield chunk
    rendered_all.append(rendered)
    yield seq.event("response.image_generation_call.completed", **ids)
    yield seq.event(
        "response.output_item.done",
        output_index=output_index,
        item=image_item(plan, index, rendered),
    )


async def _text_events(
    plan: ResponsePlan, seq: Sequencer, output_index: int, text: str
) -> AsyncIterator[bytes]:
    """The assistant's short message (protocol §2.3)."""
    item_id = "msg_" + plan.id[5:]
    ids = {"item_id": item_id, "output_index": output_index, "content_index": 0}
    empty = {"type": "output_text", "text": "", "annotations": []}
    yield seq.event(
        "response.output_item.added", output_index=output_index, item=message_item(plan, None)
    )
    yield seq.event("response.content_part.added", **ids, part=empty)
    words = text.split(" ")
    for i in range(0, len(words), 4):
        delta = " ".join(words[i : i + 4]) + (" " if i + 4 < len(words) else "")
        yield seq.event("response.output_text.delta", **ids, delta=delta, logprobs=[])
    yield seq.event("response.output_text.done", **ids, text=text, logprobs=[])
    yield seq.event("response.content_part.done", **ids, part={**empty, "text": text})
    yield seq.event(
        "response.output_item.done", output_index=output_index, item=message_item(plan, text)
    )


def _error_event(seq: Sequencer) -> bytes:
    # Both forms in one object (protocol §2.4): the flat SDK type and the nested live form.
    error = {
        "type": "server_error",
        "code": "server_error",
        "message": "The server had an error.",
        "param": None,
    }
    return seq.event("error", code=error["code"], message=error["message"], param=None, error=error)
