#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A local receiver for the demo app of `make run` (docs/api.md, "Develop
locally"): listens on 127.0.0.1:9000, answers every push with "success",
echoes the echostr of a callback verification, and prints for each push
the `kaifang msg decrypt` command that opens it (the verify ticket among
them). Only the standard library; no decryption of its own.

  python3 tools/demo-receiver.py --appid kf… --token kaifangDemo --key <AES key>
"""
import argparse
import re
import shlex
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ENCRYPT = re.compile(rb"<Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)\]\]></Encrypt>")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen", default="127.0.0.1:9000", help="address:port (default 127.0.0.1:9000)")
    ap.add_argument("--appid", default="APPID", help="the demo app's id (printed by demo load)")
    ap.add_argument("--token", default="kaifangDemo", help="the message token")
    ap.add_argument("--key", default="KEY", help="the AES key (printed by demo load)")
    ap.add_argument("--kaifang", default="./build/kaifang", help="path of the kaifang command")
    args = ap.parse_args()
    host, _, port = args.listen.rpartition(":")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, body):
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            # the echo handshake of POST /v1/apps/{id}/endpoints:verify (APP-8)
            q = parse_qs(urlsplit(self.path).query)
            self._answer(q.get("echostr", [""])[0])

        def do_POST(self):
            url = urlsplit(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            m = ENCRYPT.search(body)
            print(f"\n== push to {url.path} (event {self.headers.get('X-Kaifang-Event-Id', '?')})", flush=True)
            if m and all(k in q for k in ("timestamp", "nonce", "msg_signature")):
                cmd = [args.kaifang, "msg", "decrypt", "--token", args.token, "--key", args.key,
                       "--appid", args.appid, "--timestamp", q["timestamp"], "--nonce", q["nonce"],
                       "--signature", q["msg_signature"]]
                print("open it with:", flush=True)
                print(f"  printf %s {m.group(1).decode()} | {shlex.join(cmd)}", flush=True)
            else:
                sys.stdout.write(body.decode("utf-8", "replace") + "\n")
                sys.stdout.flush()
            self._answer("success")

        def log_message(self, fmt, *a):
            pass

    srv = ThreadingHTTPServer((host or "127.0.0.1", int(port)), Handler)
    print(f"demo receiver on http://{args.listen} (Ctrl-C stops it)", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
