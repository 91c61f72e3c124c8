#!/usr/bin/env python3
"""A local HTTP server for the `dagda db update` tests.

Serves the files under ROOT (read in place) at /<path relative to ROOT>, with
validators: ETag (the sha256 of the content, quoted) and Last-Modified (the
file's mtime); a matching If-None-Match or If-Modified-Since gets 304.

Behaviour switches are files in CONTROL_DIR, read on every request, so a test
can change them between runs without restarting the server:
  drop      one URL path a line: send the headers (with the full
            Content-Length) and half of the body, then close the connection.
  status    lines "PATH CODE": answer PATH with that HTTP status.
  badmeta   one URL path a line: an NVD .meta that names a wrong sha256.
An NVD 1.1 feed's .meta (PATH.meta beside PATH.json.gz) is made from the real
.json.gz in NIST's layout: lastModifiedDate, size, gzSize, sha256 (of the
uncompressed JSON).
Every request is appended to CONTROL_DIR/requests.log as
"METHOD PATH STATUS if-none-match=... if-modified-since=...".

Usage: feed_server.py ROOT CONTROL_DIR   (prints nothing; writes the port to CONTROL_DIR/port)
"""
import email.utils
import gzip
import hashlib
import http.server
import os
import sys
import threading
import urllib.parse

ROOT = os.path.realpath(sys.argv[1])
CONTROL = sys.argv[2]
_lock = threading.Lock()
_etags = {}


def control_lines(name):
    try:
        with open(os.path.join(CONTROL, name)) as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return []


def etag_of(path):
    st = os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size)
    with _lock:
        if key not in _etags:
            h = hashlib.sha256()
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            _etags[key] = '"' + h.hexdigest() + '"'
        return _etags[key]


def nvd_meta(gz_path, wrong):
    h = hashlib.sha256()
    size = 0
    with gzip.open(gz_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    digest = h.hexdigest().upper()
    if wrong:
        digest = hashlib.sha256(digest.encode()).hexdigest().upper()
    modified = email.utils.formatdate(os.stat(gz_path).st_mtime, usegmt=True)
    return ("lastModifiedDate:%s\r\nsize:%d\r\ngzSize:%d\r\nsha256:%s\r\n" % (
        modified, size, os.path.getsize(gz_path), digest)).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def log_request_line(self, status):
        with _lock, open(os.path.join(CONTROL, "requests.log"), "a") as f:
            f.write("%s %s %s if-none-match=%s if-modified-since=%s\n" % (
                self.command, self.path, status, self.headers.get("If-None-Match", ""),
                self.headers.get("If-Modified-Since", "")))

    def answer(self, status, body=b"", headers=()):
        self.log_request_line(status)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        for line in control_lines("status"):
            p, _, code = line.partition(" ")
            if p == path:
                return self.answer(int(code), b"status forced by the test\n")
        rel = urllib.parse.unquote(path).lstrip("/")
        full = os.path.realpath(os.path.join(ROOT, rel))
        if full.endswith(".meta") and os.path.isfile(full[:-5] + ".json.gz") and full.startswith(ROOT + os.sep):
            return self.answer(200, nvd_meta(full[:-5] + ".json.gz", path in control_lines("badmeta")))
        if not full.startswith(ROOT + os.sep) or not os.path.isfile(full):
            return self.answer(404, b"not found\n")
        etag = etag_of(full)
        mtime = os.stat(full).st_mtime
        last_modified = email.utils.formatdate(mtime, usegmt=True)
        validators = [("ETag", etag), ("Last-Modified", last_modified)]
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if inm is not None:
            if etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
                return self.answer(304, b"", validators)
        elif ims is not None:
            try:
                if int(mtime) <= email.utils.parsedate_to_datetime(ims).timestamp():
                    return self.answer(304, b"", validators)
            except (TypeError, ValueError):
                pass
        size = os.path.getsize(full)
        if path in control_lines("drop"):
            self.log_request_line("200-dropped")
            self.send_response(200)
            for k, v in validators:
                self.send_header(k, v)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            with open(full, "rb") as f:
                self.wfile.write(f.read(size // 2))
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.log_request_line(200)
        self.send_response(200)
        for k, v in validators:
            self.send_header(k, v)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if self.command == "HEAD":
            return
        with open(full, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                self.wfile.write(chunk)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = os.path.join(CONTROL, "port.tmp")
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, os.path.join(CONTROL, "port"))
    server.serve_forever()


if __name__ == "__main__":
    main()
