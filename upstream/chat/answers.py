"""Reading the answers of chat-completions image models (tu-zi and similar gateways).

The answer is free text, streamed in chunks or sent whole. It narrates the task (an echo of
the prompt, a task id, "排队中..", "生成中...", "进度 **34%**", "生成完成 ✅") and names the
pictures as markdown images. Only markdown images are results: `[下载⏬](...)` links are the
same pictures again. Asynchronous models name a `[preview](...)` and a `[source](...)` link
instead, the source to be polled until it is ready. Some gateways answer this endpoint with
an Images API body (`{"data": [{"url": ...}]}`), and some put pictures in `image_url` parts.

`ChatAnswerParser` is pure: text and JSON in, typed events (ProgressEvent, ImageLinkEvent)
and a `ChatAnswer` out. Fetching the links is the stream's job (upstream.chat.stream).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from upstream import events as ev
from upstream.errors import ResponseFailed
from upstream.messages import UserMessage

QUOTE_LIMIT = 300

_MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_MARKDOWN_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_BARE_IMAGE_URL = re.compile(
    r"https?://[^\s<>()\"'`\]]+?\.(?:png|jpe?g|webp)(?:\?[^\s<>()\"'`]*)?", re.I
)
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*%")
# The colon may be the fullwidth one of Chinese text.
_TASK_ID = re.compile(r"(?<![A-Za-z])ID\s*[:\uff1a]\s*`?([A-Za-z0-9][\w\-.]{3,})`?", re.I)
_PROMPT_ECHO = re.compile(r"```(?:json)?\s*\{.*?\}\s*```", re.S)

_QUEUED = re.compile(r"排队|等待|queue|waiting|pending", re.I)
_GENERATING = re.compile(
    r"生成中|开始生成|进度|绘制|处理中|generating|progress|processing|running", re.I
)
_DONE = re.compile(r"生成完成|已完成|✅|\bcompleted?\b|\bdone\b|\bfinished\b", re.I)
_SOURCE_LABEL = re.compile(r"source|原图|高清|full", re.I)
_PREVIEW_LABEL = re.compile(r"preview|预览", re.I)
_MODERATION_WORDS = re.compile(
    r"safety|content polic|moderation|violat|违规|违反|敏感|审核|不当内容|inappropriate", re.I
)


@dataclass
class ChatAnswer:
    """Everything an answer said, once it has ended."""

    id: str | None = None
    text: str = ""
    images: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    previews: list[str] = field(default_factory=list)
    b64_images: list[str] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    empty_link: bool = False
    task_id: str | None = None

    @property
    def has_pictures(self) -> bool:
        return bool(self.images or self.sources or self.b64_images)

    def failure(self, *, request_id: str | None = None) -> ResponseFailed | None:
        """A failed turn when the answer holds no picture, quoting the gateway's words."""
        if self.has_pictures:
            return None
        quote = quote_text(self.text)
        code, said = (
            ("empty_image_link", "chat_empty_link")
            if self.empty_link
            else ("no_image", "chat_no_image")
        )
        if _MODERATION_WORDS.search(self.text):
            code = "moderation_blocked"
        message = UserMessage(f"{said}_saying", {"quote": quote}) if quote else UserMessage(said)
        return ResponseFailed(said=message, code=code, type="no_image", request_id=request_id)


def quote_text(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The gateway's words for a message: no prompt echo, no blank runs, at most `limit`."""
    text = _PROMPT_ECHO.sub(" ", text)
    text = _MARKDOWN_IMAGE.sub(" ", text)
    text = " ".join(line.strip(" >") for line in text.splitlines() if line.strip(" >"))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ChatAnswerParser:
    """Feeds on an answer's text and JSON; emits progress as it appears (see module doc)."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._line = ""
        self._stage: str | None = None
        self._percent: float | None = None
        self._task_id: str | None = None
        self._answer = ChatAnswer()
        self._extra_parts: list[str] = []

    # --- input ----------------------------------------------------------------------------

    def feed_text(self, delta: str) -> list[ev.Event]:
        """A piece of the answer's text, as streamed."""
        if not delta:
            return []
        self._text.append(delta)
        out: list[ev.Event] = []
        *complete, self._line = (self._line + delta).split("\n")
        for line in complete:
            out.extend(self._progress_from(line))
        # An unfinished line may already say its stage ("排队中." grows dots).
        out.extend(self._progress_from(self._line, partial=True))
        return out

    def feed_chunk(self, chunk: dict[str, Any]) -> list[ev.Event]:
        """One `chat.completion.chunk` of a stream."""
        self._answer.id = self._answer.id or _str(chunk.get("id"))
        if isinstance(chunk.get("usage"), dict):
            self._answer.usage = chunk["usage"]
        out: list[ev.Event] = []
        for choice in _list(chunk.get("choices")):
            delta = choice.get("delta") or choice.get("message") or {}
            if isinstance(delta, dict):
                out.extend(self._feed_message(delta))
        if isinstance(chunk.get("data"), list):
            out.extend(self._feed_images_api(chunk))
        return out

    def feed_body(self, body: dict[str, Any]) -> list[ev.Event]:
        """A whole answer: a chat completion, or an Images API body."""
        if isinstance(body.get("data"), list) and not body.get("choices"):
            self._answer.id = _str(body.get("id"))
            if isinstance(body.get("usage"), dict):
                self._answer.usage = body["usage"]
            return self._feed_images_api(body)
        return self.feed_chunk(body)

    def _feed_message(self, message: dict[str, Any]) -> list[ev.Event]:
        out: list[ev.Event] = []
        content = message.get("content")
        if isinstance(content, str):
            out.extend(self.feed_text(content))
        for part in _list(content) + _list(message.get("images")):
            if part.get("type") == "text" and isinstance(part.get("text"), str):
                out.extend(self.feed_text(part["text"]))
            url = _image_part_url(part)
            if url:
                out.append(self._link(url, "image", "", extra=True))
        return out

    def _feed_images_api(self, body: dict[str, Any]) -> list[ev.Event]:
        out: list[ev.Event] = []
        for datum in _list(body.get("data")):
            if isinstance(datum.get("b64_json"), str) and datum["b64_json"]:
                self._answer.b64_images.append(datum["b64_json"])
            elif isinstance(datum.get("url"), str) and datum["url"]:
                out.append(self._link(datum["url"], "image", "", extra=True))
            if isinstance(datum.get("revised_prompt"), str):
                self._text.append(datum["revised_prompt"])
        return out

    # --- output ---------------------------------------------------------------------------

    def end_text(self) -> list[ev.Event]:
        """Progress on the answer's last line, which no newline ended."""
        line, self._line = self._line, ""
        return self._progress_from(line)

    def finish(self) -> ChatAnswer:
        """The answer as a whole: progress lines were emitted, pictures are listed here."""
        answer = self._answer
        answer.text = "".join(self._text).strip()
        answer.task_id = self._task_id
        self._collect_links(answer)
        return answer

    def final_events(self) -> list[ev.Event]:
        """Link events for the pictures found, after `finish`."""
        answer = self._answer
        return [
            *(self._link(url, "preview", "") for url in answer.previews),
            *(self._link(url, "source", "") for url in answer.sources),
            *(self._link(url, "image", "") for url in answer.images),
        ]

    def _collect_links(self, answer: ChatAnswer) -> None:
        text = answer.text
        images = []
        for match in _MARKDOWN_IMAGE.finditer(text):
            url = match[2].strip()
            if _usable(url):
                images.append(url)
            else:
                answer.empty_link = True
        for match in _MARKDOWN_LINK.finditer(text):
            label, url = match[1], match[2].strip()
            if not _usable(url):
                continue
            if _SOURCE_LABEL.search(label):
                answer.sources.append(url)
            elif _PREVIEW_LABEL.search(label):
                answer.previews.append(url)
        if not images and not answer.sources:
            images = self._bare_image_urls(text)
        answer.images = _unique([*self._extra_parts, *images])
        answer.sources = _unique(answer.sources)
        answer.previews = _unique(answer.previews)
        if answer.sources:
            # An asynchronous task's markdown image is its preview; the source is the result.
            answer.previews = _unique([*answer.previews, *answer.images])
            answer.images = []

    def _bare_image_urls(self, text: str) -> list[str]:
        # Links in markdown link syntax are downloads or previews, not results.
        linked = {m[2] for m in _MARKDOWN_LINK.finditer(text)}
        stripped = _MARKDOWN_LINK.sub(" ", text)
        return [url for url in _BARE_IMAGE_URL.findall(stripped) if url not in linked]

    def _link(self, url: str, role: str, alt: str, *, extra: bool = False) -> ev.ImageLinkEvent:
        if extra:
            self._extra_parts.append(url)
        return ev.ImageLinkEvent(
            type="image_link", raw={"url": url[:200], "role": role}, url=url, role=role, alt=alt
        )

    def _progress_from(self, line: str, *, partial: bool = False) -> list[ev.Event]:
        if line.strip(" >").startswith(("{", "```", '"')):
            return []  # the echo of the request, whose prompt may say anything
        task = _TASK_ID.search(line)
        if task and not partial:
            self._task_id = task[1]
        if _MARKDOWN_IMAGE.search(line) or _MARKDOWN_LINK.search(line):
            return []
        stage, percent = self._stage, None
        if _DONE.search(line):
            stage = "done"
        elif _GENERATING.search(line):
            stage = "generating"
        elif _QUEUED.search(line):
            stage = "queued"
        found = _PERCENT.search(line)
        if found and not partial:
            percent = min(100.0, float(found[1]))
            stage = "done" if percent >= 100 and stage == "done" else (stage or "generating")
            if stage == "queued":
                stage = "generating"
        return self._emit(stage, percent)

    def _emit(self, stage: str | None, percent: float | None) -> list[ev.Event]:
        if stage is None:
            return []
        advanced = percent is not None and (self._percent is None or percent > self._percent)
        if stage == self._stage and not advanced:
            return []
        if _STAGE_ORDER[stage] < _STAGE_ORDER.get(self._stage or "", -1):
            return []
        self._stage = stage
        if advanced:
            self._percent = percent
        if stage == "done":
            self._percent = 100.0
        event_percent = self._percent if (advanced or stage == "done") else None
        return [
            ev.ProgressEvent(
                type="progress",
                raw={"stage": stage, "percent": event_percent, "task_id": self._task_id},
                stage=stage,
                percent=event_percent,
                task_id=self._task_id,
            )
        ]


_STAGE_ORDER = {stage: index for index, stage in enumerate(ev.STAGES)}


def _usable(url: str) -> bool:
    return url.startswith(("http://", "https://", "data:image/"))


def _image_part_url(part: dict[str, Any]) -> str | None:
    if part.get("type") not in ("image_url", "output_image", "image"):
        return None
    image_url = part.get("image_url")
    url = image_url.get("url") if isinstance(image_url, dict) else image_url
    url = url or part.get("url")
    return url if isinstance(url, str) and _usable(url) else None


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _unique(urls: list[str]) -> list[str]:
    return list(dict.fromkeys(urls))
