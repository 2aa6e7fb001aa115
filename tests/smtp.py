"""A real SMTP server on loopback for the tests: just enough of the protocol to accept messages."""
from __future__ import annotations

import socketserver
import threading


class SmtpHandler(socketserver.StreamRequestHandler):
    """One SMTP conversation over a socket; each message's text is appended to ``server.messages``."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 test SMTP ready")
        data = None
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if data is not None:
                if line == ".":
                    self.server.messages.append("\n".join(data))
                    data = None
                    self.reply("250 queued")
                else:
                    data.append(line[1:] if line.startswith("..") else line)
                continue
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test")
            elif verb == "DATA":
                data = []
                self.reply("354 go ahead")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def start_smtp_server() -> socketserver.ThreadingTCPServer:
    """An SMTP server on 127.0.0.1 (a free port), serving in a daemon thread; shut it down when done."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpHandler)
    server.daemon_threads = True
    server.messages = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
