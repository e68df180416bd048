#!/bin/sh
# Black-box API tests: Node's test runner; each test file starts its own
# kaifangd on a free loopback port with a fresh data directory. A test that
# hangs fails after 10 minutes, and the whole run after 30, rather than
# holding up everything after it.
# usage: tools/run-api.sh [suite-name]   (KAIFANGD / KAIFANG_CLI choose the binaries)
suite=${1:-api}
mkdir -p build
out=build/$suite-tests.tap
KAIFANGD=${KAIFANGD:-$(pwd)/build/kaifangd} KAIFANG_CLI=${KAIFANG_CLI:-$(pwd)/build/kaifang} \
	timeout -k 30 1800 node --test --test-reporter=tap --test-concurrency=2 --test-timeout=600000 tests/api/ > "$out" 2>&1
rc=$?
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n 1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n 1)
pass=${pass:-0}
fail=${fail:-0}
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	fail=1
fi
if [ "$fail" -ne 0 ]; then
	grep -B2 -A30 '^not ok\|^    not ok\|^        not ok' "$out" | head -n 300
fi
echo "$suite: $pass passed, $fail failed"
echo "$suite $pass $fail" >> build/results.txt
