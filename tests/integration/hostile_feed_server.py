#!/usr/bin/env python3
"""A hostile local HTTP server for the `dagda db update` bounds tests (issue 16, item 4).

Binds 127.0.0.1 on a free port, written to CONTROL_DIR/port. Every answer is made here:
  /retry-after/N       503 with "Retry-After: N"
  /trickle             200, Content-Length 1,000,000, then 2 bytes a second
  /encoded-bomb.json   200, "Content-Encoding: gzip", a gzip body (2 MB) that expands to 2 GiB of JSON
  /bomb.json.gz        200, the same gzip bytes as a plain .json.gz file
  /large               200, Content-Length 8 GiB (no body is ever sent past the headers)
  /endless             200, no Content-Length, zeros until the client gives up
  /ok.json             200, a small JSON document
Each request is appended to CONTROL_DIR/requests.log as "PATH".

Usage: hostile_feed_server.py CONTROL_DIR
"""
import http.server
import os
import struct
import sys
import threading
import time
import zlib

CONTROL = sys.argv[1]
_lock = threading.Lock()


def make_bomb(pieces=32):
    """One gzip member of JSON: the start of a feed, then pieces x 64 MiB of spaces (2 GiB;
    the file is about 2 MB). After a full flush the deflate state is reset, so every further
    64 MiB compresses to the same bytes: two pieces are compressed, the rest repeated, and
    the trailer (CRC-32, size) written by hand."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = b'{"vulnerabilities": ['
    spaces = b" " * (64 << 20)
    first = c.compress(head + spaces) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(spaces) + c.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(pieces):
        crc = zlib.crc32(spaces, crc)
    final_empty_block = b"\x03\x00"
    size = len(head) + pieces * len(spaces)
    return first + again * (pieces - 1) + final_empty_block + struct.pack("<II", crc, size & 0xFFFFFFFF)


BOMB = make_bomb()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def head(self, status, length=None, extra=()):
        self.send_response(status)
        for k, v in extra:
            self.send_header(k, v)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def do_GET(self):
        with _lock, open(os.path.join(CONTROL, "requests.log"), "a") as f:
            f.write(self.path + "\n")
        p = self.path
        try:
            if p.startswith("/retry-after/"):
                body = b"busy, come back later\n"
                self.head(503, len(body), [("Retry-After", p.rsplit("/", 1)[1])])
                self.wfile.write(body)
            elif p == "/trickle":
                self.head(200, 1000000)
                for _ in range(1000000 // 2):
                    self.wfile.write(b"[ ")
                    self.wfile.flush()
                    time.sleep(1)
            elif p == "/encoded-bomb.json":
                self.head(200, len(BOMB), [("Content-Encoding", "gzip"), ("Content-Type", "application/json")])
                self.wfile.write(BOMB)
            elif p == "/bomb.json.gz":
                self.head(200, len(BOMB), [("Content-Type", "application/gzip")])
                self.wfile.write(BOMB)
            elif p == "/large":
                self.head(200, 8 << 30)
                time.sleep(30)
            elif p == "/endless":
                self.send_response(200)
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = bytes(1 << 20)
                while True:
                    self.wfile.write(chunk)
            elif p == "/ok.json":
                body = b'{"ok": true}\n'
                self.head(200, len(body))
                self.wfile.write(body)
            else:
                self.head(404, 0)
        except (BrokenPipeError, ConnectionResetError):
            pass


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
