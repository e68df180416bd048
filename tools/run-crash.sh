#!/bin/sh
# The crash suite (tests/crash/run.mjs): kill -9 under load, restart,
# nothing acknowledged lost. Records "SUITE PASSED FAILED" (one per round)
# in build/results.txt like the other suites.
# usage: tools/run-crash.sh [suite-name]   (CRASH_* and KAIFANG_DATABASE: see run.mjs)
suite=${1:-crash}
mkdir -p build
out=build/$suite.log
KAIFANGD=${KAIFANGD:-$(pwd)/build/kaifangd} KAIFANG_CLI=${KAIFANG_CLI:-$(pwd)/build/kaifang} CRASH_SUITE=$suite \
	timeout -k 30 "${CRASH_TIMEOUT:-1800}" node tests/crash/run.mjs > "$out" 2>&1
rc=$?
cat "$out"
line=$(sed -n "s/^$suite: \([0-9]*\) passed, \([0-9]*\) failed\$/\1 \2/p" "$out" | tail -n 1)
set -- $line
pass=${1:-0}
fail=${2:-0}
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	fail=1
fi
[ -n "$line" ] || echo "$suite: did not finish"
echo "$suite $pass $fail" >> build/results.txt
[ "$fail" -eq 0 ]
