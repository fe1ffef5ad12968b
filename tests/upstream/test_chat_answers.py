"""The chat image answer parser against every answer format seen from the gateways."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from upstream import events as ev
from upstream.chat.answers import ChatAnswerParser, quote_text

FIXTURES = Path(__file__).parent / "fixtures" / "chat"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse_text(text: str, *, piece: int | None = None):
    """Feed the text whole, or in pieces of `piece` characters as a stream would."""
    parser = ChatAnswerParser()
    events = []
    step = piece or len(text) or 1
    for start in range(0, len(text), step):
        events += parser.feed_text(text[start : start + step])
    events += parser.end_text()
    return parser.finish(), events


def stages(events) -> list[tuple[str, float | None]]:
    return [(e.stage, e.percent) for e in events if isinstance(e, ev.ProgressEvent)]


@pytest.mark.parametrize("piece", [None, 1, 7])
def test_the_tuzi_answer_gives_progress_and_one_image_however_it_is_chunked(piece):
    answer, events = parse_text(fixture("tuzi_gpt4o_image.md"), piece=piece)

    assert stages(events) == [
        ("queued", None),
        ("generating", None),
        ("generating", 34.0),
        ("generating", 67.19),
        ("done", 100.0),
    ]
    assert answer.images == ["https://filesystem.site/cdn/20250330/ZmQxYjY2NjY1ZDBl.png"]
    assert answer.task_id == "task_01jqqs9v3ffg9b6h3ytxf5zkbw"
    assert answer.failure() is None


def test_download_links_are_not_results():
    answer, _ = parse_text(fixture("tuzi_gpt4o_image.md"))
    assert not any("/download/" in url for url in answer.images)

    only_downloads, _ = parse_text(fixture("download_links_only.md"))
    assert only_downloads.images == []
    assert only_downloads.failure().code == "no_image"


def test_a_vip_answer_has_four_images_in_order():
    answer, events = parse_text(fixture("tuzi_vip_four_images.md"))

    assert [url.rsplit("/", 1)[1] for url in answer.images] == [
        "a1.png",
        "a2.png",
        "a3.png",
        "a4.png",
    ]
    assert stages(events)[-1] == ("done", 100.0)


def test_the_sora_format_with_emoji_and_fullwidth_colons():
    answer, events = parse_text(fixture("sora_image.md"))

    assert stages(events) == [
        ("queued", None),
        ("generating", None),
        ("generating", 20.0),
        ("generating", 58.0),
        ("generating", 100.0),
        ("done", 100.0),
    ]
    assert answer.images == ["https://filesystem.site/cdn/20250601/c9b2f1.png"]


def test_words_in_the_echoed_prompt_are_not_progress():
    # The sora echo's prompt says "done in watercolour"; only the narration counts.
    _, events = parse_text(fixture("sora_image.md"))
    assert stages(events)[0] == ("queued", None)


def test_an_apology_with_status_200_is_a_failure_quoting_it():
    answer, events = parse_text(fixture("apology_rate_limit.md"))

    failure = answer.failure(request_id="req_9")
    assert failure.code == "no_image"
    assert failure.message.startswith("The image provider answered without an image: “抱歉")
    assert "too many requests" in failure.message
    assert failure.request_id == "req_9"
    assert stages(events) == []


def test_an_empty_image_link_is_a_failure():
    answer, _ = parse_text(fixture("empty_image_link.md"))

    failure = answer.failure()
    assert failure.code == "empty_image_link"
    assert "empty image link" in failure.message
    assert "生成完成" in failure.message


def test_a_refusal_naming_the_content_policy_is_a_moderation_block():
    answer, _ = parse_text(fixture("moderation_refusal.md"))

    failure = answer.failure()
    assert failure.is_moderation_block
    assert "content policy" in failure.message


def test_an_async_answer_names_a_source_to_poll_and_a_preview():
    answer, events = parse_text(fixture("async_preview_source.md"))

    assert answer.sources == ["https://cdn.example/source/7f3a21.png"]
    assert answer.previews == ["https://cdn.example/preview/7f3a21.webp"]
    assert answer.images == []
    assert answer.task_id == "task_async_7f3a21"
    assert ("generating", 88.0) in stages(events)
    assert answer.failure() is None


def test_a_conversational_answer_keeps_its_words_and_its_image():
    answer, events = parse_text(fixture("gpt4o_all_with_text.md"))

    assert answer.images == ["https://files.example/images/cabin-01.webp"]
    assert answer.text.startswith("Here is the picture you asked for")
    assert stages(events) == []


def test_a_bare_image_url_counts_when_nothing_else_names_a_picture():
    answer, _ = parse_text(fixture("bare_image_url.md"))
    assert answer.images == ["https://cdn.example/out/a6f1.jpg?sig=abc123"]


def test_an_images_api_shaped_body():
    parser = ChatAnswerParser()
    events = parser.feed_body(json.loads(fixture("images_api_body.json")))

    answer = parser.finish()
    assert answer.images == ["https://filesystem.site/cdn/20250330/data1.png"]
    assert [e.url for e in events if isinstance(e, ev.ImageLinkEvent)] == answer.images


def test_an_images_api_body_with_base64():
    parser = ChatAnswerParser()
    parser.feed_body({"created": 1, "data": [{"b64_json": "AAAA"}, {"b64_json": "BBBB"}]})

    answer = parser.finish()
    assert answer.b64_images == ["AAAA", "BBBB"]
    assert answer.failure() is None


def test_image_url_parts_in_the_message():
    parser = ChatAnswerParser()
    parser.feed_body(json.loads(fixture("image_url_parts.json")))

    answer = parser.finish()
    assert answer.images == ["https://files.example/parts/p1.png"]
    assert answer.text == "Done."
    assert answer.id == "chatcmpl-parts"


def test_an_unstreamed_completion():
    parser = ChatAnswerParser()
    events = parser.feed_body(json.loads(fixture("unstreamed_completion.json")))
    events += parser.end_text()

    answer = parser.finish()
    assert answer.images == ["https://filesystem.site/cdn/20250330/unstreamed.png"]
    assert answer.usage["total_tokens"] == 278
    assert ("generating", 51.0) in stages(events)


def test_streamed_chunks_with_split_percentages():
    parser = ChatAnswerParser()
    events = []
    for block in fixture("stream_tuzi.sse").split("\n\n"):
        data = block.removeprefix("data: ").strip()
        if data and data != "[DONE]":
            events += parser.feed_chunk(json.loads(data.replace("{base}", "https://x.example")))
    events += parser.end_text()

    answer = parser.finish()
    assert ("generating", 34.0) in stages(events)
    assert ("generating", 67.19) in stages(events)
    assert [s for s, _ in stages(events)] == [
        "queued",
        "generating",
        "generating",
        "generating",
        "done",
    ]
    assert answer.images == ["https://x.example/cdn/20250330/fox.png"]
    assert answer.id == "chatcmpl-stream1"
    assert answer.usage["completion_tokens"] == 250


def test_quotes_are_trimmed():
    long = "sorry " * 200
    quoted = quote_text(long)
    assert len(quoted) == 300 and quoted.endswith("…")
    assert quote_text('```json\n{"prompt": "x"}\n```\n> 排队中.') == "排队中."
