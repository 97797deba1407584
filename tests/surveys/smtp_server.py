"""A tiny scripted SMTP server on 127.0.0.1 for tests of transient and permanent failures.

Django's real SMTP backend talks to it over a socket, so smtplib raises its real exceptions.
`script` is a list of outcomes, one per delivery attempt: "ok", "421" (transient, server closes),
"450" (mailbox busy), "550" (recipient refused permanently), "554" (message rejected).
"""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes


class _Handler(socketserver.StreamRequestHandler):
    def send(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def handle(self) -> None:
        server: ScriptedSMTPServer = self.server  # type: ignore[assignment]
        self.send("220 test.invalid ESMTP")
        outcome = None
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                self.send("250 test.invalid")
            elif verb == "MAIL":
                outcome = server.next_outcome()
                if outcome == "421":
                    self.send("421 4.3.2 Service not available, closing channel")
                    return
                self.send("250 2.1.0 Ok")
            elif verb == "RCPT":
                if outcome == "450":
                    self.send("450 4.2.1 Mailbox busy, try later")
                elif outcome == "550":
                    self.send("550 5.1.1 No such user")
                else:
                    self.send("250 2.1.5 Ok")
            elif verb == "DATA":
                self.send("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in {b".\r\n", b".\n", b""}:
                        break
                    lines.append(line)
                if outcome == "554":
                    self.send("554 5.7.1 Message rejected")
                else:
                    server.delivered.append(message_from_bytes(b"".join(lines)))
                    self.send("250 2.0.0 Ok: queued")
            elif verb == "RSET":
                self.send("250 Ok")
            elif verb == "QUIT":
                self.send("221 Bye")
                return
            else:
                self.send("250 Ok")


class ScriptedSMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, script: list[str] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = list(script or [])
        self.delivered: list = []
        self._lock = threading.Lock()

    def next_outcome(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else "ok"

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self) -> ScriptedSMTPServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
