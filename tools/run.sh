#!/bin/sh
# `make run`: a data directory in ./var, migrations, demo data (printed
# once), then kaifangd in the foreground on 127.0.0.1:8080.
set -eu
mkdir -p var
./build/kaifang --data-dir var db migrate
./build/kaifang --data-dir var demo load
echo
echo "Kaifang is starting at http://127.0.0.1:8080  (API description: /v1/openapi.json; stop with Ctrl-C)"
exec ./build/kaifangd --listen 127.0.0.1:8080 --data-dir var
