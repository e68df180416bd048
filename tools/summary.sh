#!/bin/sh
# Add up the suites' counts into the one closing line of `make test` and
# `make check`. A suite that recorded nothing (it did not build) counts as
# one failure.
# usage: tools/summary.sh RESULTS [SUITE...]   (default: layers unit unit-asan fuzz api)
f=$1
shift
[ $# -gt 0 ] || set -- layers unit unit-asan fuzz api
pass=0
fail=0
for s in "$@"; do
	line=$(grep "^$s " "$f" 2>/dev/null | tail -n 1)
	if [ -z "$line" ]; then
		echo "$s: did not run (build failed?)"
		fail=$((fail + 1))
		continue
	fi
	set -- $line
	pass=$((pass + $2))
	fail=$((fail + $3))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
