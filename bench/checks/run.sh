#!/bin/sh
# Listing check benchmark (not a test): median time of every automated
# listing check on a full listing (text rules with 2,000-term lists, both
# logos (the icon also scanned for QR codes), 5 desktop and 5 mobile previews with the duplicate check; URLs
# excluded) over N listings, against decoding the same pictures once with
# stb_image in the same run.
# usage: bench/checks/run.sh [listings]
set -eu
cd "$(dirname "$0")/../.."
N=${1:-100}
make -s build/libkaifang.a >/dev/null
mkdir -p build/bench
CC=${CC:-cc}
$CC -std=c11 -O2 -D_GNU_SOURCE -Isrc bench/checks/checks_bench.c build/libkaifang.a \
	$(pkg-config --cflags --libs libutf8proc libxml-2.0 libcurl openssl zbar) -lm -o build/bench/checks
build/bench/checks "$N"
