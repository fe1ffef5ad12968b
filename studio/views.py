from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.api import api_view
from common.errors import InvalidInput
from common.ids import is_id
from common.shortcuts import found_or_404
from conversations.models import Turn
from conversations.selectors import get_conversation_for_user
from moderation.models import Reason
from moderation.policy import moderation_setting
from providers.presenters import present_options
from studio.health import check_all
from upstream.profiles import get_profile


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("conversations:studio")
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("conversations:studio")
    return render(request, "registration/signup.html", {"form": form})


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    report = check_all()
    return JsonResponse(report, status=200 if report["ok"] else 503)


@api_view(["GET"])
def capabilities(request: HttpRequest) -> JsonResponse:
    """What the studio page may offer: the apps' choices together (docs/api.md)."""
    try:
        profile = get_profile(request.GET.get("profile") or settings.STUDIO_PROVIDER_PROFILE)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="profile") from None
    # A shared conversation offers what its team may use.
    conversation = _conversation_from_query(request)
    return JsonResponse(
        {
            "profile": profile.name,
            **present_options(conversation.team if conversation else None),
            "api_modes": [{"value": v, "label": label} for v, label in Turn.ApiMode.choices],
            # Read-only: the site or the conversation's team decides (docs/api.md).
            "moderation": moderation_setting(),
            "flag_reasons": [{"value": v, "label": label} for v, label in Reason.choices],
        }
    )


def _conversation_from_query(request: HttpRequest):
    raw = request.GET.get("conversation", "")
    if not raw:
        return None
    if not is_id(raw):
        raise InvalidInput(gettext("conversation must be a conversation id."), field="conversation")
    return found_or_404(get_conversation_for_user(request.user, raw))
