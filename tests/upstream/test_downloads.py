from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image

from tests.factories import png_bytes
from tests.upstream.loopback import LoopbackServer, Reply
from upstream.downloads import DownloadFailed, LinkDownloader, is_public_address

PUBLIC_GATEWAY = "https://gateway.example/v1"


def image_reply(data: bytes | None = None) -> Reply:
    return Reply(
        chunks=[data or png_bytes((8, 8), "red", mode="RGB")], headers={"content-type": "image/png"}
    )


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    running = LoopbackServer()
    yield running
    running.stop()


def fake_dns(table: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host in table:
            return table[host]
        return [host]  # literal addresses resolve to themselves

    return resolve


def public_downloader(**kwargs) -> LinkDownloader:
    return LinkDownloader(
        provider_base_url=PUBLIC_GATEWAY,
        resolve=fake_dns({"gateway.example": ["93.184.216.34"]}),
        **kwargs,
    )


def test_a_link_from_a_provider_on_loopback_is_downloaded(server):
    server.add(image_reply(png_bytes((12, 10))))
    downloader = LinkDownloader(provider_base_url=server.url)

    image = downloader.fetch_image(f"{server.base}/cdn/a.png")

    assert (image.format, image.width, image.height) == ("png", 12, 10)
    assert server.received[0].path == "/cdn/a.png"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/a.png",
        "http://[::ffff:127.0.0.1]/a.png",
        "http://10.1.2.3/a.png",
        "http://100.64.0.1/a.png",
        "http://0.0.0.0/a.png",
    ],
)
def test_private_and_local_links_are_refused_for_a_public_provider(url):
    with pytest.raises(DownloadFailed) as refused:
        public_downloader().fetch_image(url)

    assert refused.value.code == "image_link_refused"
    assert "private or local network address" in refused.value.message


def test_a_name_resolving_to_any_private_address_is_refused():
    downloader = LinkDownloader(
        provider_base_url=PUBLIC_GATEWAY,
        resolve=fake_dns(
            {"gateway.example": ["93.184.216.34"], "cdn.example": ["93.184.216.35", "10.0.0.7"]}
        ),
    )

    with pytest.raises(DownloadFailed, match=r"10\.0\.0\.7"):
        downloader.fetch_image("https://cdn.example/a.png")


def test_the_connection_goes_to_the_checked_address_with_the_original_host_name(server):
    # "cdn.invalid" exists only in this resolver: the request can only arrive if the
    # downloader connects to the address it checked rather than resolving the name again.
    port = server.base.rsplit(":", 1)[1]
    server.add(image_reply())
    downloader = LinkDownloader(
        provider_base_url=server.url, resolve=fake_dns({"cdn.invalid": ["127.0.0.1"]})
    )

    downloader.fetch_image(f"http://cdn.invalid:{port}/x.png")

    assert server.received[0].headers["Host"] == f"cdn.invalid:{port}"


@pytest.mark.parametrize("url", ["ftp://gateway.example/a.png", "file:///etc/passwd", "a.png"])
def test_only_http_links_are_fetched(url):
    with pytest.raises(DownloadFailed, match="not an http or https address"):
        public_downloader().fetch_image(url)


def test_a_redirect_to_a_private_address_is_refused():
    hops: list[str] = []

    def cdn(request: httpx.Request) -> httpx.Response:
        hops.append(str(request.url))
        return httpx.Response(302, headers={"location": "http://169.254.169.254/latest/"})

    downloader = LinkDownloader(
        provider_base_url=PUBLIC_GATEWAY,
        resolve=fake_dns({"gateway.example": ["93.184.216.34"], "cdn.example": ["93.184.216.35"]}),
        transport=httpx.MockTransport(cdn),
    )

    with pytest.raises(DownloadFailed, match=r"169\.254\.169\.254"):
        downloader.fetch_image("https://cdn.example/a.png")
    assert hops == ["https://93.184.216.35/a.png"]


def test_a_50_mb_body_is_cut_off(server):
    megabyte = b"\x00" * 1_048_576
    server.add(Reply(chunks=[megabyte] * 50, headers={"content-type": "image/png"}))
    downloader = LinkDownloader(provider_base_url=server.url)

    with pytest.raises(DownloadFailed, match="larger than 25 MB"):
        downloader.fetch_image(f"{server.base}/huge.png")


def test_a_declared_length_over_the_cap_is_refused_before_reading(server):
    server.add(image_reply())
    downloader = LinkDownloader(provider_base_url=server.url, max_bytes=10)

    with pytest.raises(DownloadFailed, match="larger than 0 MB"):
        downloader.fetch_image(f"{server.base}/a.png")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html><body>Not found</body></html>", "web page"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
        (b'{"status": "processing"}', "JSON"),
        ("gif", "GIF"),
    ],
)
def test_a_non_image_is_refused(server, body, reason):
    if body == "gif":
        buffer = io.BytesIO()
        Image.new("P", (4, 4)).save(buffer, format="GIF")
        body = buffer.getvalue()
    server.add(Reply(chunks=[body], headers={"content-type": "image/png"}))
    downloader = LinkDownloader(provider_base_url=server.url)

    with pytest.raises(DownloadFailed, match=f"did not lead to a picture: .*{reason}"):
        downloader.fetch_image(f"{server.base}/a.png")


def test_an_expired_link_says_so(server):
    server.add(Reply.json(404, {"error": "expired"}))
    downloader = LinkDownloader(provider_base_url=server.url)

    with pytest.raises(DownloadFailed, match="HTTP 404; it may have expired"):
        downloader.fetch_image(f"{server.base}/old.png")


def test_a_slow_server_hits_the_time_limit(server):
    server.add(Reply(chunks=[b"\x89PNG", 2.0, b"rest"], headers={"content-type": "image/png"}))
    downloader = LinkDownloader(provider_base_url=server.url, timeout=0.5)

    with pytest.raises(DownloadFailed, match="took longer than"):
        downloader.fetch_image(f"{server.base}/slow.png")


def test_a_source_link_that_is_not_ready_is_polled(server):
    server.add(Reply.json(404, {}), Reply.json(202, {"status": "processing"}), image_reply())
    naps: list[float] = []
    downloader = LinkDownloader(provider_base_url=server.url, sleep=naps.append)

    image = downloader.fetch_image(f"{server.base}/source.png", wait_until_ready=30)

    assert image.format == "png"
    assert len(server.received) == 3
    assert naps == [downloader.poll_interval] * 2


def test_polling_gives_up_at_its_deadline(server):
    server.add(Reply.json(404, {}), Reply.json(404, {}))
    downloader = LinkDownloader(
        provider_base_url=server.url, poll_interval=0.01, sleep=lambda s: None
    )

    with pytest.raises(DownloadFailed, match="HTTP 404"):
        downloader.fetch_image(f"{server.base}/never.png", wait_until_ready=0.015)


def test_public_addresses():
    assert is_public_address("93.184.216.34")
    assert is_public_address("2606:2800:220:1:248:1893:25c8:1946")
    for address in ("127.0.0.1", "169.254.169.254", "192.168.1.1", "fe80::1", "fc00::1", "::"):
        assert not is_public_address(address)
