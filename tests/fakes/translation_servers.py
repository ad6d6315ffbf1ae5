"""Local HTTP servers speaking the LibreTranslate and DeepL protocols, for the real clients.

Each "translates" by tagging the text with the target language ("[ar] …"), keeping
HTML tags, so a test can see which text went where. ``mode`` switches a server to
one of the provider's error answers; ``requests`` records what arrived.
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


def tag(text: str, target: str) -> str:
    """The fake translation: each text run between tags gets the target's prefix."""
    if "<" not in text:
        return f"[{target}] {text}"
    return re.sub(r">([^<>]+)<", lambda m: f">[{target}] {m.group(1)}<", text)


class _Handler(BaseHTTPRequestHandler):
    server_version = "fake"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))


class LibreTranslateHandler(_Handler):
    """POST /translate with form fields q, source, target[, api_key] → {"translatedText"}."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        fields = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
        self.server.requests.append({"path": self.path, **fields})
        mode = self.server.mode
        if self.path.rstrip("/") != "/translate":
            return self._send(404, {"error": "Not Found"})
        wrong_key = self.server.api_key and fields.get("api_key") != self.server.api_key
        if mode == "bad_key" or wrong_key:
            return self._send(403, {"error": "Invalid API key"})
        if mode == "quota":
            return self._send(429, {"error": "Too many request limits violations"})
        if mode == "broken":
            return self._send(500, {"error": "Cannot translate text: model not loaded"})
        if not fields.get("q") or not fields.get("target"):
            return self._send(400, {"error": "Invalid request: missing q parameter"})
        return self._send(200, {"translatedText": tag(fields["q"], fields["target"])})


class DeepLHandler(_Handler):
    """POST /v2/translate (JSON, "Authorization: DeepL-Auth-Key …") → {"translations": [...]}.

    ``mode`` "hostile" appends script, a javascript: link and control characters."""

    def do_POST(self) -> None:  # noqa: N802
        raw = self._body()
        body = json.loads(raw or b"{}")  # the official client sends JSON
        self.server.requests.append({"path": self.path, **body})
        key = (self.headers.get("Authorization") or "").removeprefix("DeepL-Auth-Key ")
        mode = self.server.mode
        if self.path != "/v2/translate":
            return self._send(404, {"message": "Not found"})
        if mode == "bad_key" or key != self.server.api_key:
            return self._send(403, {"message": "Wrong endpoint. Use https://api.deepl.com"})
        if mode == "quota":
            return self._send(456, {"message": "Quota Exceeded"})
        target = body["target_lang"].lower().split("-")[0]
        texts = body["text"]
        if mode == "hostile":  # a compromised or broken service
            texts = [
                t + '<script>alert(1)</script><a href="javascript:x">x</a>\u202e\x07' for t in texts
            ]
        source = body.get("source_lang", "DE")
        answers = [
            {
                "detected_source_language": source,
                "text": tag(t, target),
                "billed_characters": len(t),
            }
            for t in texts
        ]
        self._send(200, {"translations": answers})


@contextmanager
def serve(handler: type[_Handler], api_key: str = "", mode: str = ""):
    """A running server on 127.0.0.1; yields it (``.url``, ``.mode``, ``.requests``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.api_key = api_key
    server.mode = mode
    server.requests = []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
