"""OpenAI's error envelope (protocol §5) as an exception the routes turn into a response."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

MODERATION_MESSAGE = (
    "Your request was rejected by the safety system. If you believe this is an error, "
    "contact us at help.openai.com and include the request ID {request_id}. "
    "safety_violations=[{categories}]."
)


class APIError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        error = {"message": self.message, "type": self.type, "param": self.param, "code": self.code}
        return {"error": {**error, **self.extra}}

    def response(self, request_id: str) -> JSONResponse:
        return JSONResponse(
            self.body(),
            status_code=self.status,
            headers={"x-request-id": request_id, **self.headers},
        )


def invalid(message: str, param: str | None = None, code: str | None = None) -> APIError:
    return APIError(400, message, param=param, code=code)


def missing(param: str) -> APIError:
    return invalid(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")


def unknown_parameter(param: str) -> APIError:
    return invalid(f"Unknown parameter: '{param}'.", param, "unknown_parameter")


def invalid_value(param: str, value: Any, allowed: str) -> APIError:
    return invalid(
        f"Invalid value: '{value}'. Supported values are: {allowed}.", param, "invalid_value"
    )


def not_found(message: str, param: str | None = None, code: str | None = None) -> APIError:
    return APIError(404, message, param=param, code=code)


def moderation_blocked(request_id: str, stage: str = "input") -> APIError:
    categories = ["sexual"]
    return APIError(
        400,
        MODERATION_MESSAGE.format(request_id=request_id, categories=", ".join(categories)),
        type="image_generation_user_error",
        code="moderation_blocked",
        extra={"moderation_details": {"moderation_stage": stage, "categories": categories}},
    )
