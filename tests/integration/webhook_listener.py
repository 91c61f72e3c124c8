#!/usr/bin/env python3
"""A webhook receiver for the server tests: accepts POSTs on 127.0.0.1 (a free
port, written to PORTFILE), saves each body as OUTDIR/NNN.json with the status
it answered in OUTDIR/NNN.status. While OUTDIR/fail-next holds a number above 0,
a POST is answered 500 and the number lowered: a receiver that fails, then recovers."""
import http.server
import os
import sys
import threading

PORTFILE, OUTDIR = sys.argv[1], sys.argv[2]
lock = threading.Lock()
count = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(min(length, 1 << 20))
        with lock:
            count += 1
            n = count
            status = 200
            fail_file = os.path.join(OUTDIR, "fail-next")
            if os.path.exists(fail_file):
                left = int(open(fail_file).read().strip() or "0")
                if left > 0:
                    status = 500
                    with open(fail_file, "w") as f:
                        f.write(str(left - 1))
            with open(os.path.join(OUTDIR, "%03d.json" % n), "wb") as f:
                f.write(body)
            with open(os.path.join(OUTDIR, "%03d.status" % n), "w") as f:
                f.write("%d %s\n" % (status, self.headers.get("Content-Type", "")))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
