from __future__ import annotations

import pytest

from upstream.chat.request import ChatTurn, build_chat_body, ratio_for_size
from upstream.client import InputFile
from upstream.errors import InvalidRequest

PNG = InputFile("a.png", b"\x89PNG-bytes", "image/png")


def test_a_first_turn_is_one_user_message_with_the_ratio_in_words():
    body = build_chat_body(model="gpt-4o-image", prompt=" a red fox ", size="1024x1536")

    assert body["model"] == "gpt-4o-image" and body["stream"] is True
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "a red fox\n\nAspect ratio: 2:3"}]}
    ]
    assert "size" not in body


def test_a_follow_up_sends_the_parent_image_first_and_the_earlier_turns():
    body = build_chat_body(
        model="gpt-4o-image-vip",
        prompt="make it night",
        parent_image=PNG,
        references=["https://example.com/ref.png"],
        history=[ChatTurn("a red fox", "> 生成完成 ✅")],
        size="1536x1024",
        size_param=True,
    )

    user, assistant, latest = body["messages"]
    assert user == {"role": "user", "content": "a red fox"}
    assert assistant == {"role": "assistant", "content": "> 生成完成 ✅"}
    parts = latest["content"]
    assert parts[0]["text"].endswith("Aspect ratio: 3:2")
    assert parts[1]["image_url"]["url"].startswith("data:image/png;base64,")
    assert parts[2]["image_url"]["url"] == "https://example.com/ref.png"
    assert body["size"] == "1536x1024"


def test_more_than_ten_images_are_refused_before_sending():
    with pytest.raises(InvalidRequest, match="at most 10 images") as refused:
        build_chat_body(model="m", prompt="x", parent_image=PNG, references=[PNG] * 10)
    assert refused.value.param == "references"


def test_an_empty_prompt_is_refused():
    with pytest.raises(InvalidRequest):
        build_chat_body(model="m", prompt="  ")


@pytest.mark.parametrize(
    ("size", "ratio"),
    [
        ("1024x1024", "1:1"),
        ("1024x1536", "2:3"),
        ("1536x1024", "3:2"),
        ("1920x1080", "3:2"),
        ("1080x1920", "2:3"),
        ("3:2", "3:2"),
        ("auto", None),
        (None, None),
    ],
)
def test_ratios(size, ratio):
    assert ratio_for_size(size) == ratio


def test_a_link_reference_must_be_http():
    with pytest.raises(InvalidRequest):
        build_chat_body(model="m", prompt="x", references=["file:///etc/passwd"])
