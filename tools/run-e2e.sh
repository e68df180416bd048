#!/bin/sh
# Browser tests (tests/e2e/): Node's test runner, one file at a time (each
# starts its own kaifangd and one headless Debian chromium, driven by
# playwright-core); axe-core on the pages; screenshots into build/screenshots/.
# A test that hangs fails after 5 minutes, and the whole run after 20.
# usage: tools/run-e2e.sh [suite-name]   (KAIFANGD / KAIFANG_CLI choose the binaries)
suite=${1:-e2e}
mkdir -p build
out=build/$suite-tests.tap
if [ ! -x "${KF_CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "$suite: no chromium at ${KF_CHROMIUM:-/usr/bin/chromium} (make deps installs it)"
	echo "$suite: 0 passed, 1 failed"
	echo "$suite 0 1" >> build/results.txt
	exit 0
fi
rm -rf build/screenshots
KAIFANGD=${KAIFANGD:-$(pwd)/build/kaifangd} KAIFANG_CLI=${KAIFANG_CLI:-$(pwd)/build/kaifang} \
	timeout -k 30 1200 node --test --test-reporter=tap --test-concurrency=1 --test-timeout=300000 tests/e2e/ > "$out" 2>&1
rc=$?
pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n 1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n 1)
pass=${pass:-0}
fail=${fail:-0}
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	fail=1
fi
if [ "$fail" -ne 0 ]; then
	grep -B2 -A40 '^not ok\|^    not ok\|^        not ok' "$out" | head -n 300
fi
echo "$suite: $pass passed, $fail failed ($(ls build/screenshots 2>/dev/null | wc -l) screenshots in build/screenshots/)"
echo "$suite $pass $fail" >> build/results.txt
