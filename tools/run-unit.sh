#!/bin/sh
# Run cmocka test programs and record "SUITE PASSED FAILED" in
# build/results.txt. A program that dies without cmocka's summary (a
# sanitizer report, a crash) counts as one failure.
suite=$1
shift
pass=0
fail=0
mkdir -p build
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out"
		echo "$suite: FAILED $t"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$suite: $pass passed, $fail failed"
echo "$suite $pass $fail" >> build/results.txt
