"""The action server as the project starts it: `python -m bot actions-server --port N`.

rasa-sdk's own server listens on every interface and answers anyone; a tracker posted to it
by hand returns any owner's tickets. Here it listens on ACTIONS_INTERFACE (loopback unless a
setting says otherwise) and answers only calls carrying ACTIONS_TOKEN in the header Rasa
sends from the endpoints file (bot/deploy/engines.py). Its health check stays open.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from bot.deploy import credentials

DEFAULT_INTERFACE = "127.0.0.1"
OPEN_PATHS = {"/health"}


def make_app(actions_package: str = "actions") -> Any:
    from rasa_sdk.endpoint import create_app
    from sanic import response

    app = create_app(actions_package, cors_origins=None)

    async def require_token(request: Any) -> Any:
        if request.path in OPEN_PATHS:
            return None
        if not credentials.actions_token_matches(
                request.headers.get(credentials.ACTIONS_TOKEN_HEADER)):
            return response.json({"error": "not authenticated"}, status=401)
        return None

    app.register_middleware(require_token, "request")
    return app


def run(port: int, actions_package: str = "actions") -> int:
    from rasa_sdk import utils

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    utils.update_sanic_log_level()
    credentials.secret(credentials.ACTIONS_TOKEN)  # created before Rasa first calls
    host = os.environ.get("ACTIONS_INTERFACE") or DEFAULT_INTERFACE
    app = make_app(actions_package)
    print(f"action server on http://{host}:{port}/webhook", flush=True)
    app.run(host, port, workers=1, access_log=False)
    return 0
