#!/usr/bin/env python3
"""A TCP proxy for server_test.sh: forwards 127.0.0.1:LISTEN to 127.0.0.1:TARGET, but
holds every connection made while the file STALL exists until it is removed, so a
worker can be killed while it is certainly in the middle of a job."""
import os
import socket
import sys
import threading
import time

listen_port, target_port, stall = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


def pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client):
    if os.path.exists(stall):
        print("stalled a connection", flush=True)
        while os.path.exists(stall):
            time.sleep(0.1)
    try:
        upstream = socket.create_connection(("127.0.0.1", target_port))
    except OSError:
        client.close()
        return
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()


srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", listen_port))
srv.listen(64)
print("listening", flush=True)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
