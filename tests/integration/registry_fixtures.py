#!/usr/bin/env python3
"""Servers for tests/integration/registry_test.sh.

token-issuer: the token service of the registry's `token` auth (the Docker registry
    token specification): checks HTTP basic credentials, answers {"token": JWT} signed
    RS256 with an x5c chain the registry trusts; logs each request (method, path,
    account, whether credentials came) to --log.

faulty: a registry (plain HTTP, API v2) serving a real OCI image layout, with the faults a
    real registry cannot be made to show, chosen by repository name:
        ok/...        serves the image (requires basic auth when --user is given)
        e403, e404, e429, e500   answer that status to every manifest request
        big           a 100 MB manifest
        redirect      blobs are 307-redirected to --other (another host name)
        redirect401   the same, and the other host demands credentials it never gets
        truncated     blobs announce their length but stop half way
        wrongdigest   blobs are served with one byte changed

other: the host blobs are redirected to; logs whether an Authorization header came.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import socketserver
import ssl
import sys
import threading
import time


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def log_line(log_path, **fields):
    with open(log_path, "a") as f:
        f.write(json.dumps(fields) + "\n")


def token_issuer(a):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key = serialization.load_pem_private_key(open(a.signing_key, "rb").read(), password=None)
    cert = x509.load_pem_x509_certificate(open(a.signing_cert, "rb").read())
    x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
    users = dict(u.split(":", 1) for u in a.user)

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            from urllib.parse import urlparse, parse_qs
            q = parse_qs(urlparse(self.path).query)
            auth = self.headers.get("Authorization", "")
            account = None
            if auth.startswith("Basic "):
                try:
                    user, pw = base64.b64decode(auth[6:]).decode().split(":", 1)
                except Exception:
                    user, pw = None, None
                if user not in users or users[user] != pw:
                    log_line(a.log, path=urlparse(self.path).path, account=user, credentials=True, granted=False)
                    self.send_response(401)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                account = user
            access = []
            for scope in q.get("scope", []):
                parts = scope.split(":")
                if len(parts) == 3 and parts[0] == "repository":
                    # Anonymous callers get nothing; known accounts get what they ask for.
                    actions = parts[2].split(",") if account else []
                    access.append({"type": "repository", "name": parts[1], "actions": actions})
            now = int(time.time())
            claims = {"iss": a.issuer, "sub": account or "", "aud": q.get("service", [""])[0], "exp": now + 300,
                      "nbf": now - 10, "iat": now, "jti": hashlib.sha256(os.urandom(16)).hexdigest(), "access": access}
            header = {"typ": "JWT", "alg": "RS256", "x5c": x5c}
            signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
            sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
            token = signing_input + "." + b64url(sig)
            log_line(a.log, path=urlparse(self.path).path, account=account, credentials=bool(auth), granted=True,
                     scopes=q.get("scope", []))
            body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = Server(("127.0.0.1", a.port), H)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()


def faulty(a):
    layout = a.layout
    index = json.load(open(os.path.join(layout, "index.json")))
    manifest_digest = index["manifests"][0]["digest"]
    blobs = os.path.join(layout, "blobs", "sha256")

    def blob(digest):
        return open(os.path.join(blobs, digest.split(":", 1)[1]), "rb").read()

    manifest = blob(manifest_digest)
    media = json.loads(manifest).get("mediaType", "application/vnd.oci.image.manifest.v1+json")

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, body=b"", ctype="application/json", extra=None):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def error(self, status, code, extra=None):
            body = json.dumps({"errors": [{"code": code, "message": code.lower().replace("_", " ")}]}).encode()
            self.send(status, body, extra=extra)

        def authorised(self):
            if not a.user:
                return True
            want = "Basic " + base64.b64encode(a.user.encode()).decode()
            if self.headers.get("Authorization") == want:
                return True
            self.error(401, "UNAUTHORIZED", {"WWW-Authenticate": 'Basic realm="dagda-faulty"'})
            return False

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            log_line(a.log, path=self.path, authorization=bool(self.headers.get("Authorization")))
            parts = self.path.split("/")
            if self.path == "/v2/" or self.path == "/v2":
                if self.authorised():
                    self.send(200, b"{}")
                return
            # /v2/<repo>/<manifests|blobs>/<ref>
            if len(parts) < 5 or parts[1] != "v2":
                return self.error(404, "NAME_UNKNOWN")
            repo, kind, ref = "/".join(parts[2:-2]), parts[-2], parts[-1]
            mode = repo.split("/")[0]  # the fault: the repository's first component
            if not self.authorised():
                return
            if kind == "manifests":
                for code, name in ((403, "DENIED"), (404, "MANIFEST_UNKNOWN"), (429, "TOOMANYREQUESTS"),
                                   (500, "UNKNOWN")):
                    if mode == f"e{code}":
                        return self.error(code, name, {"Retry-After": "0"} if code == 429 else None)
                if mode == "big":
                    size = 100 << 20
                    self.send_response(200)
                    self.send_header("Content-Type", media)
                    self.send_header("Content-Length", str(size))
                    self.end_headers()
                    chunk = b" " * (1 << 20)
                    try:
                        for _ in range(100):
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                return self.send(200, manifest, media, {"Docker-Content-Digest": manifest_digest})
            if kind == "blobs":
                try:
                    data = blob(ref)
                except OSError:
                    return self.error(404, "BLOB_UNKNOWN")
                if mode.startswith("redirect") and ref != json.loads(manifest)["config"]["digest"]:
                    where = f"http://localhost:{a.other}/{mode}/{ref}"
                    self.send_response(307)
                    self.send_header("Location", where)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if mode == "truncated" and len(data) > 1024:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if mode == "wrongdigest" and len(data) > 1024:
                    data = bytearray(data)
                    data[len(data) // 2] ^= 0xFF
                    data = bytes(data)
                return self.send(200, data, "application/octet-stream")
            self.error(404, "UNSUPPORTED")

    class Other(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            log_line(a.other_log, path=self.path, authorization=bool(self.headers.get("Authorization")))
            repo, digest = self.path.strip("/").split("/", 1)
            if repo == "redirect401":
                body = b'{"errors":[{"code":"UNAUTHORIZED"}]}'
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="elsewhere"')
            else:
                body = blob(digest)
                self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    other = Server(("127.0.0.1", a.other), Other)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    Server(("127.0.0.1", a.port), H).serve_forever()


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("token-issuer")
    t.add_argument("--port", type=int, required=True)
    t.add_argument("--cert", required=True)
    t.add_argument("--key", required=True)
    t.add_argument("--signing-cert", required=True)
    t.add_argument("--signing-key", required=True)
    t.add_argument("--issuer", required=True)
    t.add_argument("--user", action="append", default=[])
    t.add_argument("--log", required=True)
    f = sub.add_parser("faulty")
    f.add_argument("--port", type=int, required=True)
    f.add_argument("--other", type=int, required=True)
    f.add_argument("--layout", required=True)
    f.add_argument("--user", default="")
    f.add_argument("--log", required=True)
    f.add_argument("--other-log", required=True)
    a = p.parse_args()
    if a.cmd == "token-issuer":
        token_issuer(a)
    else:
        faulty(a)


if __name__ == "__main__":
    sys.exit(main())
