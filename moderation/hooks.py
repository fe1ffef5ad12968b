"""What moderation adds to conversations: admission checks, the level, blocked turns' cases.

Registered from ModerationConfig.ready() (conversations.admission, .outcomes, .presenters),
so conversations never imports this app.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from conversations import admission, outcomes, presenters, pruning
from conversations.admission import Applicant, Candidate, Contribution, Stage, TurnRefused
from moderation.blocked_terms import find_blocked_term
from moderation.intake import open_blocked_turn_case
from moderation.models import Case
from moderation.policy import moderation_level, moderation_setting
from moderation.standing import is_suspended
from upstream.capabilities import get_model

SUSPENDED_MESSAGE = gettext_lazy(
    "Your account is suspended, so you cannot start or retry images. You can still look at "
    "your conversations; ask the site's staff if you think this is a mistake."
)


def refuse_suspended_authors(applicant: Applicant) -> None:
    if is_suspended(applicant.author):
        raise TurnRefused(str(SUSPENDED_MESSAGE), status=403)


def refuse_blocked_terms(applicant: Applicant) -> None:
    term = find_blocked_term(applicant.prompt)
    if term is not None:
        # The term comes from the staff's list, never from the prompt, so it is safe to name.
        raise TurnRefused(
            gettext("The prompt contains “%(term)s”, which is not allowed here; rephrase it.")
            % {"term": term},
            field="prompt",
        )


def add_moderation_level(candidate: Candidate) -> Contribution | None:
    """GPT image models take the site's or the team's level; other models have none."""
    spec = candidate.model_spec or get_model(candidate.model)
    if not spec.is_gpt_image:
        return None
    return Contribution(options={"moderation": moderation_level(candidate.conversation)})


def keep_what_is_under_review(turn_ids, image_ids) -> str | None:
    """A turn or image a case is about stays, for the staff's review and its record."""
    cases = Case.objects.filter(Q(turn__in=turn_ids) | Q(image__in=image_ids))
    if cases.exists():
        return gettext("This is part of a moderation case, so it is kept for the site's staff.")
    return None


def register() -> None:
    admission.register(Stage.REQUEST, refuse_suspended_authors)
    admission.register(Stage.REQUEST, refuse_blocked_terms)
    admission.register(Stage.PLAN, add_moderation_level)
    outcomes.register_blocked_handler(open_blocked_turn_case)
    presenters.register_conversation_field("moderation", moderation_setting)
    pruning.register_guard(keep_what_is_under_review)
