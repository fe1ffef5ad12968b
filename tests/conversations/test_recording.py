from __future__ import annotations

import pytest
from django.db import transaction

from conversations import imaging
from conversations.models import Image, Turn
from conversations.recording import (
    delete_files,
    discard_attempt_output,
    keeping_files_on_commit,
    store_image,
    store_upload,
)
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def turn(conversation, alice):
    return Turn.objects.create(
        conversation=conversation, author=alice, prompt="a fox", image_model="gpt-image-1"
    )


def test_a_stored_final_image_has_its_file_and_a_thumbnail(turn):
    image = store_image(turn, png_bytes((96, 64)), role=Image.Role.FINAL)

    assert (image.width, image.height, image.format) == (96, 64, "png")
    assert image.file.storage.exists(image.file.name)
    assert image.thumbnail and image.thumbnail.storage.exists(image.thumbnail.name)


def test_a_partial_preview_gets_no_thumbnail(turn):
    image = store_image(turn, png_bytes(), role=Image.Role.PARTIAL, partial_index=0)

    assert not image.thumbnail


def test_an_upload_is_stored_with_what_its_check_found(turn):
    checked = imaging.check_upload(
        png_bytes((80, 40)), max_bytes=10**6, max_pixels=10**6, label="reference", mask_for=None
    )

    image = store_upload(turn, checked, role=Image.Role.REFERENCE, position=2)

    assert (image.width, image.height, image.position) == (80, 40, 2)
    assert image.sha256 == checked.info.sha256
    assert image.thumbnail.read() == checked.thumbnail


def test_files_written_in_a_transaction_that_fails_are_deleted(turn):
    with pytest.raises(RuntimeError), keeping_files_on_commit() as stored:
        image = store_image(turn, png_bytes(), role=Image.Role.FINAL)
        stored.append(image)
        raise RuntimeError("the write failed")

    assert not image.file.storage.exists(image.file.name)
    assert not Image.objects.filter(turn=turn).exists()


def test_an_attempts_output_is_discarded_but_its_inputs_kept(
    turn, django_capture_on_commit_callbacks
):
    reference = store_image(turn, png_bytes(), role=Image.Role.REFERENCE)
    final = store_image(turn, png_bytes(), role=Image.Role.FINAL)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        discard_attempt_output(turn)

    assert list(turn.images.all()) == [reference]
    assert not final.file.storage.exists(final.file.name)


def test_deleting_files_that_are_already_gone_is_harmless(turn):
    image = store_image(turn, png_bytes(), role=Image.Role.FINAL)
    delete_files([image])
    delete_files([image])

    assert not image.file.storage.exists(image.file.name)
