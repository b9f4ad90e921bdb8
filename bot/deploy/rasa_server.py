"""The Rasa server as the project starts it: `python -m bot rasa-server [rasa run options]`.

It is Rasa's own `rasa run --enable-api`, with three things decided here rather than on a
command line anyone could forget (or read in `ps`):
- the API requires a JWT signed with RASA_JWT_SECRET (bot/deploy/credentials.py);
- it listens on RASA_INTERFACE, loopback unless a setting says otherwise;
- replacing, unloading, training or testing a model over HTTP is refused whatever the token
  says: the project never needs it, and a model Rasa downloads can run code in this process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from bot.deploy import credentials

DEFAULT_INTERFACE = "127.0.0.1"
# (method, path prefix) pairs of Rasa's API that no caller may use.
REFUSED = (("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train"),
           ("POST", "/model/test"))


def refused(method: str, path: str) -> bool:
    path = "/" + path.strip("/")
    for refused_method, prefix in REFUSED:
        if method.upper() == refused_method and (path == prefix or path.startswith(prefix + "/")):
            return True
    return False


def open_to_all(path: str) -> bool:
    """The channels' webhooks (each checks its own credentials) and Rasa's hello."""
    return path == "/" or path.startswith("/webhooks/")


def _guarded(create_app: Callable[..., Any]) -> Callable[..., Any]:
    def create(*args: Any, **kwargs: Any) -> Any:
        from sanic import response

        app = create_app(*args, **kwargs)

        async def guard(request: Any) -> Any:
            if refused(request.method, request.path):
                return response.json({"status": "failure", "reason": "Forbidden",
                                      "message": "model changes over HTTP are disabled"},
                                     status=403)
            # Rasa's API answers only the project's own callers. Checking their token here
            # first also turns a token Rasa's JWT library chokes on (alg "none", another
            # algorithm) into a plain 401 instead of a 500 with a traceback.
            if open_to_all(request.path):
                return None
            role = credentials.token_role(request.headers.get("Authorization"))
            if role is None:
                return response.json({"status": "failure", "reason": "NotAuthenticated",
                                      "message": "User is not authenticated."}, status=401)
            if role != "admin":
                return response.json({"status": "failure", "reason": "NotAuthorized",
                                      "message": "User has insufficient permissions."},
                                     status=403)
            return None

        app.register_middleware(guard, "request")
        return app

    return create


def run(rasa_arguments: list[str]) -> int:
    """Start `rasa run` in this process with the project's security settings."""
    import rasa.__main__
    import rasa.server

    rasa.server.create_app = _guarded(rasa.server.create_app)
    # The endpoints file names the action server's token as ${ACTIONS_TOKEN}.
    os.environ[credentials.ACTIONS_TOKEN] = credentials.secret(credentials.ACTIONS_TOKEN)
    interface = os.environ.get("RASA_INTERFACE") or DEFAULT_INTERFACE
    sys.argv = ["rasa", "run", "--enable-api", "--interface", interface,
                "--jwt-secret", credentials.secret(credentials.RASA_JWT_SECRET),
                "--jwt-method", credentials.JWT_METHOD, *rasa_arguments]
    rasa.__main__.main()
    return 0
