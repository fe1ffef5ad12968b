"""ASGI entry point: HTTP through Django, websockets through Channels."""

from __future__ import annotations

import asyncio
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
# Django must be set up before anything imports models (the consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from conversations import dispatch, events  # noqa: E402
from conversations.routing import websocket_urlpatterns  # noqa: E402
from providers.timer import ensure_embedded_refresher  # noqa: E402


class BindServerLoop:
    """Tells the event publisher which loop serves this process's websockets."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        events.bind_server_loop(asyncio.get_running_loop())
        dispatch.ensure_embedded_sweeper()
        ensure_embedded_refresher()
        return await self.app(scope, receive, send)


application = BindServerLoop(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
