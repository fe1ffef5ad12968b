"""Every malformed request of the corpus gets a 4xx with a message for the person, never a
500, and leaves nothing behind: no conversation, turn or image row, no file, no error log."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conversations.models import Conversation, Image, Turn
from tests.hardening.corpus import HTTP_CASES, BadRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(alice, studio_settings) -> Client:
    # A 500 comes back as a response, as a browser would see it, not as an exception.
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


@pytest.mark.parametrize("case", HTTP_CASES, ids=lambda case: case.name)
def test_malformed_input_gets_a_4xx_and_leaves_nothing_behind(
    api, conversation, studio_settings, caplog, case: BadRequest
):
    for name, value in case.settings.items():
        setattr(studio_settings, name, value)
    before = stored_state(studio_settings)

    response = send(api, case, conversation.pk)

    assert response.status_code == case.status, response.content[:500]
    error = response.json()["error"]
    assert case.fragment.lower() in error["message"].lower(), error
    if case.error_field:
        assert error["field"] == case.error_field
    assert stored_state(studio_settings) == before
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_corpus_covers_every_kind_of_input():
    names = [case.name for case in HTTP_CASES]
    for kind in ("upload", "mask", "options", "prompt", "title"):
        assert len([n for n in names if n.startswith(kind)]) >= 3, kind
    assert len(set(names)) == len(names) >= 30


def send(api: Client, case: BadRequest, conversation_id: int):
    path = case.path.format(conversation=conversation_id)
    if case.raw is not None or case.json is not None:
        body = case.raw if case.raw is not None else json.dumps(case.json)
        return api.generic(case.method.upper(), path, body, content_type="application/json")
    data: dict = dict(case.fields)
    for name, uploads in case.files.items():
        data[name] = [
            SimpleUploadedFile(filename, content, content_type="image/png")
            for filename, content in uploads
        ]
    return getattr(api, case.method)(path, data)


def stored_state(settings) -> tuple:
    root = settings.MEDIA_ROOT
    files = sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    conversations = list(Conversation.objects.values_list("pk", "title", "default_options"))
    return conversations, Turn.objects.count(), Image.objects.count(), files
