#!/usr/bin/env python3
"""A server that answers the dagda client (agent, --server) badly, for remote_test.sh:
the last segment of the request path (the agent's --name, vuln's id) picks the answer,
or the one before a last "fp" (fp list's image). Every
answer is one a broken or hostile server could give; the client must turn each into
one clear error line, without a crash or a hang."""
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlparse

port = int(sys.argv[1])

REPORT = {"schema": "dagda.scan/v1", "packages": [], "suppressed": [], "warnings": []}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="application/json", length=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        segments = urlparse(self.path).path.rstrip("/").split("/")
        mode = unquote(segments[-2] if segments[-1] == "fp" else segments[-1])
        if mode == "history":  # the agent's first request, checking the server and the token
            self.send(200, json.dumps({"entries": []}).encode())
        elif mode == "notjson":
            self.send(201, b"<html>hello</html>", "text/html")
        elif mode == "html500":
            self.send(500, b"<html>Internal Server Error</html>", "text/html")
        elif mode == "badschema":
            self.send(201, json.dumps({"schema": "other/v9", "findings": []}).encode())
        elif mode == "wrongtypes":
            doc = dict(REPORT, findings=[{"kind": "vuln", "id": 7, "package": "x"}])
            self.send(201, json.dumps(doc).encode())
        elif mode == "deep":
            self.send(201, b"[" * 200000)
        elif mode == "cut":
            # Announces more than it sends, then closes.
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"schema": "dagda.scan/v1", "findings": [')
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        elif mode == "vulnbadschema":
            self.send(200, json.dumps({"schema": "other/v9", "query": {"cve": mode}}).encode())
        elif mode == "vulnwrongtypes":
            doc = {"schema": "dagda.vuln/v1", "query": {"cve": mode}, "records": [{"copies": 1, "published": "", "withdrawn": False, "source": 7, "id": []}],
                   "exploits": [], "kev": [], "epss": [], "bugtraq": [], "affected": [], "related_advisories": []}
            self.send(200, json.dumps(doc).encode())
        elif mode == "vulnmissing":
            self.send(200, json.dumps({"schema": "dagda.vuln/v1", "query": {"product": mode}}).encode())
        elif mode == "markswrong":
            self.send(200, json.dumps({"marks": [{"image": 1, "product": None}]}).encode())
        elif mode == "marksnone":
            self.send(200, json.dumps({"entries": []}).encode())
        elif mode == "oddstatus":
            self.send(418, json.dumps({"error": {"code": "teapot", "message": "\x1b[31mred\x1b[0m"}}).encode())
        else:
            self.send(404, b"{}")

    do_GET = do_POST = do_PATCH = do_DELETE = answer


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("ready", flush=True)
server.serve_forever()  # until the test kills it
