"""The blocked-terms list: matching, normal forms, live edits, refusal before any upstream call."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.errors import InvalidInput
from conversations.models import Turn
from conversations.planning import TurnRequest
from conversations.services import start_turn
from moderation.blocked_terms import find_blocked_term
from moderation.models import BlockedTerm

pytestmark = pytest.mark.django_db

WORD = BlockedTerm.Match.WORD
SUBSTRING = BlockedTerm.Match.SUBSTRING


def test_whole_word_terms_match_words_not_parts_of_words():
    BlockedTerm.objects.create(term="cat")
    assert find_blocked_term("a Cat on a mat") == "cat"
    assert find_blocked_term("cat.") == "cat"
    assert find_blocked_term("concatenate the catalogue") is None


def test_substring_terms_match_inside_words():
    BlockedTerm.objects.create(term="cat", match=SUBSTRING)
    assert find_blocked_term("concatenate") == "cat"


def test_look_alike_spellings_are_caught():
    term = BlockedTerm.objects.create(term="  Red   Panda ")
    assert term.term == "red panda"
    for prompt in (
        "a RED PANDA",
        "a \uff52\uff45\uff44 \uff50\uff41\uff4e\uff44\uff41",  # fullwidth letters
        "a r\u00e9d  p\u00e4nda",  # accents and a double space
        "a re\u200bd\npanda",  # a zero-width space and a line break
    ):
        assert find_blocked_term(prompt) == "red panda", prompt
    assert find_blocked_term("a red pandemic") is None


def test_inactive_terms_are_ignored():
    BlockedTerm.objects.create(term="owl", active=False)
    assert find_blocked_term("an owl") is None


def test_edits_take_effect_at_once():
    term = BlockedTerm.objects.create(term="owl")
    assert find_blocked_term("an owl") == "owl"
    term.active = False
    term.save()
    assert find_blocked_term("an owl") is None
    # Bulk updates (the admin's activate action) move updated_at themselves.
    BlockedTerm.objects.filter(pk=term.pk).update(active=True, updated_at=timezone.now())
    assert find_blocked_term("an owl") == "owl"
    term.delete()
    assert find_blocked_term("an owl") is None


def test_a_term_is_listed_once_in_its_normal_form():
    BlockedTerm.objects.create(term="owl")
    with pytest.raises(ValidationError):
        BlockedTerm(term="OWL").full_clean()
    with pytest.raises(ValidationError):
        BlockedTerm(term="\u200b").full_clean()


def test_start_turn_refuses_a_blocked_term_before_storing_or_sending(conversation, alice, sim):
    BlockedTerm.objects.create(term="forbidden thing")

    with pytest.raises(InvalidInput) as refused:
        start_turn(
            TurnRequest(conversation=conversation, author=alice, prompt="Draw a FORBIDDEN  thing")
        )

    assert refused.value.field == "prompt"
    assert "“forbidden thing”" in refused.value.message
    assert "not allowed" in refused.value.message
    assert not Turn.objects.exists()
    assert sim.requests() == []


def test_the_refusal_never_repeats_the_prompt(client, alice, conversation):
    BlockedTerm.objects.create(term="forbidden")
    client.force_login(alice)
    prompt = "forbidden " + "<script>x</script> " * 1500

    answer = client.post(
        f"/api/conversations/{conversation.pk}/turns/",
        {"prompt": prompt},
        content_type="application/json",
    )

    assert answer.status_code == 400
    message = answer.json()["error"]["message"]
    assert "forbidden" in message and "<script>" not in message and len(message) < 200
