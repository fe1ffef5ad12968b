"""JSON endpoints shared by the studio page and scripts (docs/api.md), and access-checked media.

Views parse, call a service or selector, and answer. Outsiders get 404, bad input 4xx with a
message a person understands.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from common.api import api_view, json_body
from common.errors import InvalidInput
from common.rate_limits import check_creation_rate
from common.shortcuts import found_or_404
from conversations import pruning, services
from conversations.export import export_conversation, export_filename
from conversations.media import serve_image
from conversations.models import Turn
from conversations.planning import TurnRequest, Upload
from conversations.presenters import present_conversation
from conversations.selectors import (
    can_add_turns,
    conversation_permissions,
    conversation_snapshot,
    get_conversation_for_user,
    get_image_for_staff,
    get_image_for_user,
    get_turn_for_user,
    list_conversations,
    present_turn_for_user,
)

MAX_REFERENCES = 16


@login_required
@ensure_csrf_cookie
def studio_page(request: HttpRequest, conversation_id: int | None = None) -> HttpResponse:
    if (
        conversation_id is not None
        and get_conversation_for_user(request.user, conversation_id) is None
    ):
        raise Http404
    return render(request, "conversations/studio.html", {"conversation_id": conversation_id})


@api_view(["GET", "POST"])
def conversations_collection(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        query = request.GET.get("q", "")[:200]
        items = list_conversations(request.user, query=query)[:200]
        return JsonResponse({"conversations": [present_conversation(c) for c in items]})
    body = json_body(request)
    check_creation_rate(request.user, "conversation")
    conversation = services.create_conversation(
        owner=request.user,
        title=body.get("title", ""),
        default_options=body.get("default_options") or {},
    )
    return JsonResponse(present_conversation(conversation), status=201)


@api_view(["GET", "PATCH", "DELETE"])
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = found_or_404(get_conversation_for_user(request.user, conversation_id))
    if request.method == "GET":
        snapshot = conversation_snapshot(conversation, user=request.user)
        snapshot["permissions"] = conversation_permissions(request.user, conversation)
        return JsonResponse(snapshot)
    if conversation.owner_id != request.user.pk:
        raise InvalidInput(
            gettext("Only the owner can change or delete this conversation."), status=403
        )
    if request.method == "DELETE":
        services.delete_conversation(conversation=conversation)
        return HttpResponse(status=204)
    body = json_body(request)
    if "title" in body:
        services.rename_conversation(conversation=conversation, title=body["title"])
    if "team_id" in body:
        services.share_conversation(conversation=conversation, team_id=body["team_id"])
    return JsonResponse(present_conversation(conversation))


@api_view(["POST"])
def turns_collection(request: HttpRequest, conversation_id: int) -> JsonResponse:
    conversation = found_or_404(get_conversation_for_user(request.user, conversation_id))
    _check_can_add_turns(request, conversation)
    fields = _turn_fields(request)
    parent = None
    if fields["parent_id"] is not None:
        parent = get_turn_for_user(request.user, fields["parent_id"])
        if parent is None:
            raise InvalidInput(
                gettext("That earlier turn does not exist."), field="parent_id", status=404
            )
    turn = services.start_turn(
        TurnRequest(
            conversation=conversation,
            author=request.user,
            prompt=fields["prompt"],
            parent=parent,
            api_mode=fields["api_mode"],
            options=fields["options"],
            references=_uploads(request, "references"),
            mask=_mask(request),
        )
    )
    return JsonResponse(present_turn_for_user(request.user, turn), status=201)


@api_view(["GET", "DELETE"])
def turn_detail(request: HttpRequest, turn_id: int) -> HttpResponse:
    turn = found_or_404(get_turn_for_user(request.user, turn_id))
    if request.method == "DELETE":
        _check_can_add_turns(request, turn.conversation)
        pruning.delete_turn(turn=turn, user=request.user)
        return HttpResponse(status=204)
    return JsonResponse(present_turn_for_user(request.user, turn))


@api_view(["DELETE"])
def image_detail(request: HttpRequest, image_id: int) -> HttpResponse:
    image = found_or_404(get_image_for_user(request.user, image_id))
    _check_can_add_turns(request, image.turn.conversation)
    pruning.delete_image(image=image, user=request.user)
    return HttpResponse(status=204)


@api_view(["GET"])
def conversation_export(request: HttpRequest, conversation_id: int) -> FileResponse:
    conversation = found_or_404(get_conversation_for_user(request.user, conversation_id))
    archive = export_conversation(conversation, user=request.user)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=export_filename(conversation),
        content_type="application/zip",
    )


@api_view(["POST"])
def cancel_turn(request: HttpRequest, turn_id: int) -> JsonResponse:
    turn = found_or_404(get_turn_for_user(request.user, turn_id))
    _check_can_add_turns(request, turn.conversation)
    turn = services.cancel_turn(turn=turn)
    return JsonResponse(present_turn_for_user(request.user, turn))


@api_view(["POST"])
def retry_turn(request: HttpRequest, turn_id: int) -> JsonResponse:
    turn = found_or_404(get_turn_for_user(request.user, turn_id))
    _check_can_add_turns(request, turn.conversation)
    turn = services.retry_turn(turn=turn, author=request.user)
    return JsonResponse(present_turn_for_user(request.user, turn), status=201)


@require_GET
def image_file(request: HttpRequest, image_id: int) -> FileResponse:
    return serve_image(request, found_or_404(get_image_for_user(request.user, image_id)))


@require_GET
def staff_image_file(request: HttpRequest, image_id: int) -> FileResponse:
    """Any image for staff, hidden ones too; 404 for everyone else, signed in or not."""
    return serve_image(request, found_or_404(get_image_for_staff(request.user, image_id)))


# --- parsing ------------------------------------------------------------------------------


def _check_can_add_turns(request: HttpRequest, conversation) -> None:
    if not can_add_turns(request.user, conversation):
        raise InvalidInput(
            gettext(
                "You can watch this conversation but not add to it; ask a team owner to make "
                "you an editor."
            ),
            status=403,
        )


def _turn_fields(request: HttpRequest) -> dict:
    """A turn comes as multipart (with files) or as JSON (without)."""
    if request.content_type == "application/json":
        body = json_body(request)
    else:
        body = {key: request.POST.get(key) for key in request.POST}
        if body.get("options"):
            try:
                body["options"] = json.loads(body["options"])
            except (ValueError, RecursionError):
                raise InvalidInput(
                    gettext("The options are not valid JSON."), field="options"
                ) from None
    parent_id = body.get("parent_id")
    if parent_id in ("", None):
        parent_id = None
    elif isinstance(parent_id, bool) or not str(parent_id).isdigit():
        raise InvalidInput(gettext("parent_id must be a turn id."), field="parent_id")
    return {
        "prompt": body.get("prompt") or "",
        "api_mode": body.get("api_mode") or Turn.ApiMode.RESPONSES,
        "options": body.get("options") or {},
        "parent_id": parent_id,
    }


def _uploads(request: HttpRequest, name: str) -> list[Upload]:
    files = request.FILES.getlist(name)
    if len(files) > MAX_REFERENCES:
        raise InvalidInput(
            gettext("Send at most %(count)s reference images.") % {"count": MAX_REFERENCES},
            field=name,
        )
    uploads = []
    for upload in files:
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise InvalidInput(
                gettext("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "name": upload.name,
                    "size": f"{upload.size / 1_048_576:.1f}",
                    "limit": f"{settings.UPLOAD_MAX_BYTES / 1_048_576:.0f}",
                },
                field=name,
                status=413,
            )
        uploads.append(Upload(upload.name, upload.read()))
    return uploads


def _mask(request: HttpRequest) -> Upload | None:
    masks = _uploads(request, "mask")
    if len(masks) > 1:
        raise InvalidInput(gettext("Send one mask."), field="mask")
    return masks[0] if masks else None
