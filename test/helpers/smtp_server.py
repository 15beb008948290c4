"""A real SMTP server for the email notification tests (aiosmtpd, from .venv).

STARTTLS is required before anything else, and AUTH (PLAIN or LOGIN) with the
user and password given is required before a mail is accepted, as on a
submission port. Each mail accepted is printed as one JSON line on stdout:
{"from", "to", "tls", "user", "data"}. "listening on PORT" is printed when ready.

usage: python smtp_server.py CERT KEY USER PASSWORD
"""

import json
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    async def handle_DATA(self, server, session, envelope):
        print(
            json.dumps(
                {
                    "from": envelope.mail_from,
                    "to": envelope.rcpt_tos,
                    "tls": session.ssl is not None,
                    "user": session.authenticated and session.auth_data.login.decode(),
                    "data": envelope.content.decode("utf8", "replace"),
                }
            ),
            flush=True,
        )
        return "250 OK"


def main():
    cert, key, user, password = sys.argv[1:5]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    # The controller cannot listen on port 0: take a free port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Recorder(),
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    print(f"listening on {controller.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
