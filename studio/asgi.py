"""ASGI entry point: HTTP through Django, websockets through Channels."""

from __future__ import annotations

import asyncio
import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
# Django must be set up before anything imports models (the consumers do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from conversations import dispatch, events, sweep  # noqa: E402
from conversations.routing import websocket_urlpatterns  # noqa: E402
from providers.timer import ensure_embedded_refresher  # noqa: E402
from studio.origins import SameOriginWebsockets  # noqa: E402


class ServerProcess:
    """What this process needs once it serves: the event publisher learns the loop that
    serves its websockets, and in the embedded mode, which has no Celery beat, the
    stuck-turn sweeper starts on the first request (not at import, which tests do too)."""

    def __init__(self, app):
        self.app = app
        self.serving = False

    async def __call__(self, scope, receive, send):
        events.bind_server_loop(asyncio.get_running_loop())
        if not self.serving:
            self.serving = True
            if settings.TURN_DISPATCH == "in_process":
                sweep.start_embedded_sweeper(redispatch=dispatch.dispatch_turn)
                ensure_embedded_refresher()
        return await self.app(scope, receive, send)


application = ServerProcess(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": SameOriginWebsockets(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
