"""The language follows the browser at first, then the person's choice: cookie and profile."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import Profile
from galleries.models import Gallery, PublicLink
from teams.models import Team

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("accept", "language", "log_in"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans", "登录"),
        ("zh-SG", "zh-hans", "登录"),
        ("zh", "zh-hans", "登录"),
        ("zh-TW,zh;q=0.9", "zh-hant", "登入"),
        ("zh-HK", "zh-hant", "登入"),
        ("zh-Hant", "zh-hant", "登入"),
        ("fr-FR,fr;q=0.9", "en", "Log in"),
        ("", "en", "Log in"),
    ],
)
def test_first_visit_follows_accept_language(client, accept, language, log_in):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
    assert html_lang(response) == language
    assert f">{log_in}</h1>" in response.content.decode()
    assert response["Content-Language"] == language


def test_anonymous_choice_is_kept_in_the_cookie(client):
    response = client.post(
        reverse("set_language"), {"language": "zh-hant", "next": reverse("signup")}
    )
    assert response.status_code == 302
    assert response.url == reverse("signup")
    assert response.cookies[COOKIE].value == "zh-hant"
    # The cookie outranks the browser's own preference from now on.
    page = client.get(reverse("signup"), HTTP_ACCEPT_LANGUAGE="en")
    assert "建立你的帳號" in page.content.decode()


def test_the_menu_is_on_every_page_and_needs_no_script(client):
    page = client.get(reverse("login")).content.decode()
    menu = page.split('id="language-menu"', 1)[1].split("</details>", 1)[0]
    assert f'action="{reverse("set_language")}"' in menu
    assert 'value="zh-hans" lang="zh-hans"' in menu and "简体中文" in menu
    assert 'value="zh-hant" lang="zh-hant"' in menu and "繁體中文" in menu
    assert "<script" not in menu and "onclick" not in menu and "onchange" not in menu


def test_a_logged_in_choice_is_saved_on_the_profile(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert Profile.objects.get(user=alice).language == "zh-hans"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert Profile.objects.get(user=alice).language == "en"


def test_an_unknown_language_changes_nothing(client, alice):
    client.force_login(alice)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert COOKIE not in response.cookies
    assert not Profile.objects.filter(user=alice).exists()


def test_login_brings_back_the_remembered_language_in_a_new_browser(alice):
    Profile.objects.create(user=alice, language="zh-hant")
    browser = Client()
    response = browser.post(
        reverse("login"),
        {"username": "alice", "password": "correct-horse-9"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "zh-hant"
    page = browser.get(reverse("teams:list"), HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(page) == "zh-hant"
    assert "你的團隊" in page.content.decode()


def test_a_choice_made_before_logging_in_becomes_the_profiles(alice):
    browser = Client()
    browser.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    browser.post(reverse("login"), {"username": "alice", "password": "correct-horse-9"})
    assert Profile.objects.get(user=alice).language == "zh-hans"


def test_signing_up_keeps_the_language_chosen_on_the_way(django_user_model):
    browser = Client()
    browser.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    browser.post(
        reverse("signup"),
        {
            "username": "dora",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    dora = django_user_model.objects.get(username="dora")
    assert Profile.objects.get(user=dora).language == "zh-hant"


def test_public_gallery_links_follow_the_visitors_language(alice):
    team = Team.objects.create(name="Harbour")
    gallery = Gallery.objects.create(team=team, name="Foxes", created_by=alice)
    link = PublicLink.objects.create(gallery=gallery, created_by=alice)
    url = reverse("galleries:public", args=[link.token])
    assert "/zh" not in url and "lang" not in url

    english = Client().get(url, HTTP_ACCEPT_LANGUAGE="en-GB")
    assert "Search prompts and captions" in english.content.decode()
    taiwan = Client().get(url, HTTP_ACCEPT_LANGUAGE="zh-TW")
    page = taiwan.content.decode()
    assert html_lang(taiwan) == "zh-hant"
    assert "搜尋提示詞和說明" in page and 'id="language-menu"' in page
    assert "Accept-Language" in taiwan["Vary"]


def test_the_javascript_catalog_names_its_language_and_is_cached(client):
    response = client.get(reverse("javascript-catalog", args=["zh-hant"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "US$%(amount)s" in body and "django.gettext" in body
    assert "max-age=86400" in response["Cache-Control"]
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert f'src="{reverse("javascript-catalog", args=["zh-hant"])}"' in page
