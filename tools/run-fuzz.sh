#!/bin/sh
# libFuzzer runs of every harness over its committed corpus
# (tests/fuzz/corpus/<name>) plus what earlier runs found (kept in
# build/fuzz-corpus/<name>). A crash, a broken property (abort), a leak or a
# sanitizer report fails the suite; the input is saved as
# build/fuzz-crash/<name>-crash-<sha1> and then becomes a unit test named
# after it.
#   FUZZ_SECONDS  seconds per harness (default 5: `make fuzz`, part of
#                 `make test`)
#   FUZZ_BUDGET   total seconds instead, shared out evenly (overrides
#                 FUZZ_SECONDS; each harness gets at least 1)
#   FUZZ_JOBS     harnesses run at once (default 1)
# usage: tools/run-fuzz.sh build/fuzz/<name>_fuzz...
secs=${FUZZ_SECONDS:-5}
if [ -n "${FUZZ_BUDGET:-}" ]; then
	secs=$((FUZZ_BUDGET * ${FUZZ_JOBS:-1} / $#))
	[ "$secs" -ge 1 ] || secs=1
fi
jobs=${FUZZ_JOBS:-1}
mkdir -p build/fuzz-crash build/fuzz-logs
start=$(date +%s)

# one harness; its verdict goes to build/fuzz-logs/<name>.rc
run_one() {
	h=$1
	name=$(basename "$h" _fuzz)
	work=build/fuzz-corpus/$name
	mkdir -p "$work"
	"$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="build/fuzz-crash/$name-" \
		"$work" "tests/fuzz/corpus/$name" > "build/fuzz-logs/$name.log" 2>&1
	echo $? > "build/fuzz-logs/$name.rc"
}

running=0
for h in "$@"; do
	run_one "$h" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

pass=0
fail=0
for h in "$@"; do
	name=$(basename "$h" _fuzz)
	if [ "$(cat "build/fuzz-logs/$name.rc" 2>/dev/null)" = 0 ]; then
		pass=$((pass + 1))
	else
		tail -n 30 "build/fuzz-logs/$name.log"
		echo "fuzz: FAILED $name (log build/fuzz-logs/$name.log, input in build/fuzz-crash/)"
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed (${secs}s each, $(( $(date +%s) - start ))s in all)"
echo "fuzz $pass $fail" >> build/results.txt
