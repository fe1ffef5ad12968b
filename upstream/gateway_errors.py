"""Taking the provider's own error out of a gateway's envelope.

LiteLLM wraps it: `litellm.BadRequestError: OpenAIException - <message or the provider's
JSON>. Received Model Group=gpt-image-1\\nAvailable Model Group Fallbacks=None`, and puts
the HTTP status where the code was ("400"). new-api keeps OpenAI's shape but appends
` (request id: 2025...)` to the message, and its own errors have types such as
`new_api_error` or `upstream_error` with codes of its own. When the code is lost this way,
moderation, quota and unknown-model errors are still recognised from the words.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from typing import Any

MODERATION = "moderation_blocked"
QUOTA = "insufficient_quota"
UNKNOWN_MODEL = "model_not_found"

# Gateway codes that mean one of ours.
_CODE_ALIASES = {
    "sensitive_words_detected": MODERATION,
    "prompt_blocked": MODERATION,
    "content_policy_violation": MODERATION,
    "insufficient_user_quota": QUOTA,
    "pre_consume_token_quota_failed": QUOTA,
    "quota_exceeded": QUOTA,
}
# Codes that say nothing about the cause: the words are read instead.
_VAGUE_CODES = frozenset(
    {
        "upstream_error",
        "bad_response_status_code",
        "bad_response",
        "unknown_error",
        "do_request_failed",
    }
)

_NEW_API_REQUEST_ID = re.compile(r"\s*\(request id: ([^)\s]+)\)\s*$", re.I)
_LITELLM_PREFIX = re.compile(r"^\s*litellm\.(\w+):\s*")
_CLASS_PREFIX = re.compile(r"^\s*(?:\w+Error|\w*Exception)\s*(?::|-)\s*")
_MODEL_GROUP = re.compile(r"\.?\s*Received Model Group=.*$", re.S)
_FALLBACKS = re.compile(r"\s*Available Model Group Fallbacks=.*$", re.S)
_ERROR_CODE_PREFIX = re.compile(r"^Error code:\s*(\d{3})\s*-\s*", re.I)
_RETRY_IN = re.compile(r"try again in\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?)\b", re.I)

_MODERATION_WORDS = re.compile(
    r"moderation_blocked|safety system|content[ _]policy|content_filter|sensitive[ _]words|"
    r"prompt_blocked|safety_violations|违规|敏感词|内容安全|审核未通过",
    re.I,
)
_QUOTA_WORDS = re.compile(
    r"insufficient_quota|exceeded your current quota|insufficient_user_quota|"
    r"pre_consume_token_quota|quota (?:is )?(?:exceeded|not enough|insufficient)|"
    r"额度不足|余额不足|credit balance is too low|payment required",
    re.I,
)
_UNKNOWN_MODEL_WORDS = re.compile(
    r"model_not_found|model [`'\"]?[\w.\-/]+[`'\"]? does not exist|无可用渠道|"
    r"invalid model|unknown model|no such model|model (?:is )?not found|模型.{0,40}不存在",
    re.I,
)


@dataclass(frozen=True)
class Unwrapped:
    message: str
    code: str | None
    type: str | None
    request_id: str | None = None
    retry_after: float | None = None


def unwrap(message: str, *, code: Any = None, type: Any = None) -> Unwrapped:
    """The provider's message, code and type from inside a gateway's envelope."""
    text = message or ""
    request_id = None
    found = _NEW_API_REQUEST_ID.search(text)
    if found:
        request_id, text = found[1], text[: found.start()]
    litellm_class = None
    prefix = _LITELLM_PREFIX.match(text)
    if prefix:
        litellm_class, text = prefix[1], text[prefix.end() :]
        text = _MODEL_GROUP.sub("", _FALLBACKS.sub("", text))
        while _CLASS_PREFIX.match(text):
            text = _CLASS_PREFIX.sub("", text, count=1)
        text = _end_sentence(text.strip())
    inner = _inner_error(text)
    code_text = _code(code)
    type_text = _str(type)
    if inner:
        text = inner.get("message") or text
        code_text = _code(inner.get("code")) or code_text
        type_text = _str(inner.get("type")) or type_text
    text = text.strip()
    code_text = _recognised_code(code_text, text, litellm_class)
    return Unwrapped(
        message=text.strip() or (message or "").strip(),
        code=code_text,
        type=type_text,
        request_id=request_id,
        retry_after=_retry_after(text),
    )


def _inner_error(text: str) -> dict[str, Any] | None:
    """The provider's error object, when the wrapped text is its JSON (or a Python repr)."""
    body = _ERROR_CODE_PREFIX.sub("", text.strip(), count=1).strip()
    if not body.startswith("{"):
        return None
    parsed: Any = None
    try:
        parsed = json.loads(body)
    except ValueError:
        try:
            parsed = ast.literal_eval(body)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
        parsed = parsed["error"]
    if not isinstance(parsed, dict):
        return None
    message = parsed.get("message")
    return {
        "message": message.strip() if isinstance(message, str) else None,
        "code": parsed.get("code"),
        "type": parsed.get("type"),
    }


def _recognised_code(code: str | None, message: str, litellm_class: str | None) -> str | None:
    if code in _CODE_ALIASES:
        return _CODE_ALIASES[code]
    if code and code not in _VAGUE_CODES:
        return code
    if litellm_class == "ContentPolicyViolationError" or _MODERATION_WORDS.search(message):
        return MODERATION
    if _QUOTA_WORDS.search(message):
        return QUOTA
    if _UNKNOWN_MODEL_WORDS.search(message):
        return UNKNOWN_MODEL
    return code


def _end_sentence(text: str) -> str:
    # Cutting "Received Model Group" took the sentence's full stop with it.
    return text if not text or text[-1] in ".!?。\uff01\uff1f}…" else f"{text}."


def _code(value: Any) -> str | None:
    """A code as text; a bare HTTP status in the code field (LiteLLM) is no code."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    text = str(value).strip()
    return None if text.isdigit() else text or None


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _retry_after(message: str) -> float | None:
    found = _RETRY_IN.search(message)
    if not found:
        return None
    seconds = float(found[1])
    return seconds / 1000 if found[2].lower() == "ms" else seconds
