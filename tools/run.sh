#!/bin/sh
# `make run`: a data directory in ./var, migrations, demo data (printed
# once), then kaifangd in the foreground on 127.0.0.1:8080. Callbacks may
# reach loopback addresses here only (callback-allow), so the demo app's
# receiver on 127.0.0.1:9000 (tools/demo-receiver.py) gets its pushes; the
# default of kaifangd refuses them (SSRF guard).
set -eu
mkdir -p var
./build/kaifang --data-dir var db migrate
./build/kaifang --data-dir var demo load
echo
echo "Kaifang is starting at http://127.0.0.1:8080  (API description: /v1/openapi.json; stop with Ctrl-C)"
exec ./build/kaifangd --listen 127.0.0.1:8080 --data-dir var --callback-allow 127.0.0.0/8,::1
