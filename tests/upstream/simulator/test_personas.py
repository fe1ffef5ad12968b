"""The simulator playing LiteLLM, new-api, one-api and tu-zi in front of itself."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.factories import png_bytes
from tests.upstream.test_downloads import fake_dns
from upstream import errors
from upstream import events as ev
from upstream.chat.request import ChatTurn, build_chat_body
from upstream.client import InputFile, UpstreamClient
from upstream.downloads import DownloadFailed, LinkDownloader
from upstream.simulator.personas.gateway import long_id, short_id
from upstream.simulator.server import RunningSimulator
from upstream.stream import Completed, FinalImage

KEY = "sk-persona-test-0123456789"


@pytest.fixture
def persona(sim: RunningSimulator) -> Iterator:
    """Set the shared simulator's persona for one test; back to none afterwards."""

    def choose(name: str, **settings) -> RunningSimulator:
        sim.configure(persona=name, **settings)
        return sim

    yield choose
    sim.configure(persona="", link_ttl=3600)


def client_for(sim: RunningSimulator, **kwargs) -> UpstreamClient:
    return UpstreamClient(sim.url, KEY, max_retries=0, **kwargs)


def calls(sim: RunningSimulator, path: str) -> list[dict]:
    return [r for r in sim.requests() if r["path"] == path]


def png(size: tuple[int, int] = (1024, 1024), colour: str = "red") -> bytes:
    return png_bytes(size, colour, mode="RGB")


RESPONSES_BODY = {
    "model": "gpt-5",
    "input": "draw a red circle",
    "tools": [{"type": "image_generation", "quality": "low"}],
}


# --- settings -------------------------------------------------------------------------------


def test_the_persona_is_set_through_the_config_endpoint(sim, persona):
    with httpx.Client(base_url=sim.base) as http:
        assert http.post("/_simulator/config", json={"persona": "litellm"}).json()["persona"] == (
            "litellm"
        )
        refused = http.post("/_simulator/config", json={"persona": "azure"})
    assert refused.status_code == 400
    assert "unknown persona" in refused.json()["error"]["message"]
    assert sim.state.settings.persona == "litellm"


def test_long_ids_round_trip():
    short = "resp_" + "ab" * 24
    assert 400 <= len(long_id(short)) <= 520
    assert short_id(long_id(short)) == short
    assert short_id(short) == short


# --- LiteLLM --------------------------------------------------------------------------------


def test_litellm_replaces_response_ids_and_continuations_still_work(persona):
    sim = persona("litellm")
    with client_for(sim) as client:
        first = client.create_response(RESPONSES_BODY)
        assert len(first["id"]) > 400
        with client.stream_response({**RESPONSES_BODY, "previous_response_id": first["id"]}) as s:
            completed = list(s.progress())[-1]
    assert len(completed.response_id) > 400
    sent = calls(sim, "/v1/responses")[-1]["json"]["previous_response_id"]
    assert sent == short_id(first["id"]) and len(sent) < 60


def test_litellm_drops_options_on_generations_and_edits(persona):
    sim = persona("litellm")
    options = {"background": "opaque", "output_format": "jpeg", "moderation": "low"}
    with client_for(sim) as client:
        client.generate_images({"model": "gpt-image-1", "prompt": "a fox", **options})
        client.edit_images(
            {"model": "gpt-image-1", "prompt": "night", "input_fidelity": "high"},
            [InputFile("a.png", png((256, 256)))],
        )
    generate = calls(sim, "/v1/images/generations")[-1]["json"]
    assert not set(options) & set(generate)
    edit = calls(sim, "/v1/images/edits")[-1]["form"]
    assert "input_fidelity" not in edit and edit["prompt"] == "night"


def test_litellm_cannot_relay_a_streamed_generation_and_retries_it_itself(persona):
    sim = persona("litellm")
    with client_for(sim) as client:
        stream = client.stream_generate_images(
            {"model": "gpt-image-1", "prompt": "a fox", "partial_images": 1}
        )
        with pytest.raises(errors.InternalServerError) as failed, stream:
            list(stream)
    assert "model_dump" in failed.value.message
    assert "litellm" not in failed.value.message
    assert len(calls(sim, "/v1/images/generations")) == 3


def test_litellm_answers_a_streamed_edit_with_plain_json(persona):
    sim = persona("litellm")
    with httpx.Client(base_url=sim.url) as http:
        answer = http.post(
            "/images/edits",
            data={"model": "gpt-image-1", "prompt": "night", "stream": "true"},
            files={"image": ("a.png", png((256, 256)), "image/png")},
        )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["data"][0]["b64_json"]


def test_a_json_answer_to_a_streamed_edit_is_accepted_by_the_client(persona):
    sim = persona("litellm")
    with client_for(sim) as client:
        stream = client.stream_edit_images(
            {"model": "gpt-image-1", "prompt": "night", "n": 2},
            [InputFile("a.png", png((256, 256)))],
        )
        with stream:
            items = list(stream.progress())
    finals = [i for i in items if isinstance(i, FinalImage)]
    assert len(finals) == 2 and finals[0].size == "1024x1024"
    assert items[-1].usage["output_tokens"] > 0


def test_litellm_has_no_variations_route(persona):
    sim = persona("litellm")
    with client_for(sim) as client, pytest.raises(errors.NotFoundError):
        client.create_variation({"model": "dall-e-2"}, InputFile("a.png", png((256, 256))))
    assert calls(sim, "/v1/images/variations") == []


def test_litellm_wraps_errors_drops_retry_after_and_the_client_unwraps_them(persona):
    sim = persona("litellm")
    with httpx.Client(base_url=sim.url) as http:
        raw = http.post(
            "/images/generations",
            json={"model": "gpt-image-1", "prompt": "x"},
            headers={"X-Simulator-Fault": "rate_limit"},
        )
    assert raw.status_code == 429
    assert "retry-after" not in raw.headers
    error = raw.json()["error"]
    assert error["code"] == "429"
    assert error["message"].startswith("litellm.RateLimitError: OpenAIException - Rate limit")
    assert "Received Model Group=gpt-image-1" in error["message"]
    # The gateway tried three times before giving up.
    assert len(calls(sim, "/v1/images/generations")) == 3

    sim.clear()
    with client_for(sim) as client, pytest.raises(errors.BadRequestError) as blocked:
        client.generate_images({"model": "gpt-image-1", "prompt": "x [fault:moderation]"})
    assert blocked.value.is_moderation_block
    assert blocked.value.message.startswith("Your request was rejected by the safety system")


def test_a_failure_the_gateway_recovers_from_reaches_the_provider_twice(persona):
    sim = persona("litellm")
    sim.inject("server_error", times=1, path="/v1/images/generations")
    with client_for(sim) as client:
        result = client.generate_images({"model": "gpt-image-1", "prompt": "a fox"})
    assert len(result.images) == 1
    assert len(calls(sim, "/v1/images/generations")) == 2


# --- new-api and one-api --------------------------------------------------------------------


def test_newapi_appends_its_request_id_and_the_client_removes_it(persona):
    sim = persona("newapi")
    with httpx.Client(base_url=sim.url) as http:
        raw = http.post(
            "/images/generations", json={"model": "gpt-image-1", "prompt": "x", "n": 12}
        )
    assert raw.json()["error"]["message"].endswith(")")
    assert "(request id: " in raw.json()["error"]["message"]
    with client_for(sim) as client, pytest.raises(errors.BadRequestError) as failed:
        client.generate_images({"model": "gpt-image-1", "prompt": "x", "n": 12})
    assert "request id" not in failed.value.message
    assert failed.value.code == "integer_above_max_value"


def test_newapi_relays_responses_unchanged_and_lacks_variations_and_files(persona):
    sim = persona("newapi")
    with client_for(sim) as client:
        response = client.create_response(RESPONSES_BODY)
        assert response["id"].startswith("resp_") and len(response["id"]) < 60
        with pytest.raises(errors.APIStatusError) as variations:
            client.create_variation({"model": "dall-e-2"}, InputFile("a.png", png((256, 256))))
        with pytest.raises(errors.APIStatusError) as files:
            client.upload_file(InputFile("a.png", png((64, 64))))
    assert variations.value.status == files.value.status == 501
    assert variations.value.type == "new_api_error"


def test_oneapi_has_no_responses_and_no_edits(persona):
    sim = persona("oneapi")
    with client_for(sim) as client:
        with pytest.raises(errors.NotFoundError):
            client.create_response(RESPONSES_BODY)
        with pytest.raises(errors.APIStatusError) as edits:
            client.edit_images({"prompt": "x"}, [InputFile("a.png", png((256, 256)))])
    assert edits.value.status == 501
    assert sim.requests() == []


def test_oneapi_drops_gpt_options_and_forces_a_size(persona):
    sim = persona("oneapi")
    with client_for(sim) as client:
        client.generate_images(
            {"model": "gpt-image-1", "prompt": "a fox", "quality": "low", "background": "opaque"}
        )
    sent = calls(sim, "/v1/images/generations")[-1]["json"]
    assert sent["size"] == "1024x1024" and sent["quality"] == "low"
    assert "background" not in sent


def test_oneapi_loses_the_code_and_the_client_recognises_moderation_from_the_words(persona):
    sim = persona("oneapi")
    with client_for(sim) as client, pytest.raises(errors.BadRequestError) as blocked:
        client.generate_images({"model": "gpt-image-1", "prompt": "x [fault:moderation]"})
    assert blocked.value.body["error"]["code"] == "bad_response_status_code"
    assert blocked.value.is_moderation_block


def test_url_answers_expire(persona):
    sim = persona("newapi", link_ttl=0.3)
    with httpx.Client(base_url=sim.url) as http:
        answer = http.post("/images/generations", json={"model": "dall-e-2", "prompt": "a fox"})
        url = answer.json()["data"][0]["url"]
        assert "/cdn/" in url
        assert http.get(url).headers["content-type"] == "image/png"
        time.sleep(0.4)
        assert http.get(url).status_code == 404


# --- tu-zi: chat image models ---------------------------------------------------------------


def chat(client: UpstreamClient, model: str, prompt: str, **kwargs) -> list:
    body = build_chat_body(model=model, prompt=prompt, **kwargs)
    with client.stream_chat_images(body) as call:
        return list(call.progress())


def test_tuzi_chat_model_narrates_progress_and_names_one_picture(persona):
    sim = persona("tuzi", latency=(0.2, 0.2))
    with client_for(sim) as client:
        items = chat(client, "gpt-4o-image", "a red fox", size="1024x1536")
    stages = [(i.stage, i.percent) for i in items if isinstance(i, ev.ProgressEvent)]
    assert stages[0] == ("queued", None)
    assert ("generating", 34.0) in stages and stages[-1] == ("done", 100.0)
    finals = [i for i in items if isinstance(i, FinalImage)]
    assert [f.size for f in finals] == ["1024x1536"]
    assert isinstance(items[-1], Completed)


def test_a_vip_model_gives_four_pictures_for_one_call(persona):
    sim = persona("tuzi")
    with client_for(sim) as client:
        items = chat(client, "gpt-4o-image-vip", "four foxes")
    assert len([i for i in items if isinstance(i, FinalImage)]) == 4
    assert len(calls(sim, "/v1/chat/completions")) == 1


def test_a_follow_up_edits_the_parent_image(persona):
    sim = persona("tuzi")
    with client_for(sim) as client:
        first = [i for i in chat(client, "gpt-4o-image", "a red fox") if isinstance(i, FinalImage)]
        parent = InputFile("parent.png", first[0].data)
        items = chat(
            client,
            "gpt-4o-image",
            "make it night",
            parent_image=parent,
            history=[ChatTurn("a red fox", "done")],
        )
    assert any(isinstance(i, FinalImage) for i in items)
    sent = calls(sim, "/v1/chat/completions")[-1]["json"]
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "user"]
    assert sent["messages"][-1]["content"][1]["image_url"]["url"]["image"] is True


def test_sora_and_gpt_4o_all_formats(persona):
    sim = persona("tuzi")
    with client_for(sim) as client:
        sora = chat(client, "sora_image", "a lighthouse")
        talk = chat(client, "gpt-4o-all", "a cabin")
    assert ("generating", 58.0) in [
        (i.stage, i.percent) for i in sora if isinstance(i, ev.ProgressEvent)
    ]
    assert talk[-1].text.startswith("Here is the picture")


def test_the_apology_200_and_the_empty_link_fail_the_call(persona):
    sim = persona("tuzi")
    with client_for(sim) as client:
        with pytest.raises(errors.ResponseFailed) as apology:
            chat(client, "gpt-4o-image", "a fox [chat:apology]")
        with pytest.raises(errors.ResponseFailed) as empty:
            chat(client, "gpt-4o-image", "a fox [chat:empty]")
    assert apology.value.code == "no_image" and "too many requests" in apology.value.message
    assert empty.value.code == "empty_image_link"


def test_an_async_model_is_polled_until_its_source_is_ready(persona):
    sim = persona("tuzi")
    with client_for(sim) as client:
        client.downloader.poll_interval = 0.02
        items = chat(client, "gpt-4o-image-async", "a fox")
    kinds = [type(i).__name__ for i in items if not isinstance(i, ev.ProgressEvent)]
    assert kinds == ["PartialImage", "FinalImage", "Completed"]


def test_an_images_api_body_on_the_chat_endpoint(persona):
    sim = persona("tuzi")
    with client_for(sim) as client:
        items = chat(client, "gpt-4o-image", "a fox [chat:images_api]")
    assert len([i for i in items if isinstance(i, FinalImage)]) == 1


def test_a_link_to_redis_is_refused_when_the_provider_is_public(persona):
    sim = persona("tuzi")
    with client_for(sim) as client:
        client.downloader = LinkDownloader(
            provider_base_url="https://api.tu-zi.example/v1",
            resolve=fake_dns({"api.tu-zi.example": ["93.184.216.34"]}),
        )
        with pytest.raises(DownloadFailed) as refused:
            chat(client, "gpt-4o-image", "a fox [chat:private_link]")
    assert refused.value.code == "image_link_refused"


def test_chat_links_expire(persona):
    sim = persona("tuzi", link_ttl=0.3)
    body = build_chat_body(model="gpt-4o-image", prompt="a fox", stream=False)
    with httpx.Client(base_url=sim.url) as http:
        content = http.post("/chat/completions", json=body).json()["choices"][0]["message"]
        url = content["content"].split("![file_0000](", 1)[1].split(")", 1)[0]
        assert http.get(url).status_code == 200
        time.sleep(0.4)
        assert http.get(url).status_code == 404


def test_an_unknown_chat_model_is_a_clear_error_not_retried(persona):
    sim = persona("tuzi")
    with client_for(sim) as client, pytest.raises(errors.APIStatusError) as failed:
        chat(client, "gpt-5-image-ultra", "a fox")
    assert failed.value.code == "model_not_found"
    assert not failed.value.is_retryable
    assert "无可用渠道" in failed.value.message


def test_without_a_chat_persona_chat_image_models_do_not_exist(persona):
    sim = persona("litellm")
    with client_for(sim) as client, pytest.raises(errors.NotFoundError) as failed:
        chat(client, "gpt-4o-image", "a fox")
    assert failed.value.code == "model_not_found"


def test_the_persona_header_chooses_per_request(sim):
    body = build_chat_body(model="gpt-4o-image", prompt="a fox", stream=False)
    with httpx.Client(base_url=sim.url) as http:
        plain = http.post("/chat/completions", json=body)
        tuzi = http.post("/chat/completions", json=body, headers={"X-Simulator-Persona": "tuzi"})
    assert plain.status_code == 404
    assert tuzi.status_code == 200 and json.dumps(tuzi.json()).count("![file_") == 1


def test_a_chat_persona_lists_its_chat_image_models_and_the_others_do_not(persona):
    def listed(name: str) -> set[str]:
        with client_for(persona(name)) as client:
            return {model["id"] for model in client.list_models()}

    assert {"gpt-4o-image-vip", "sora_image", "gpt-image-2"} <= listed("tuzi")
    assert "gpt-4o-image-vip" not in listed("litellm")
