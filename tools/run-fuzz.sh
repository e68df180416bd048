#!/bin/sh
# Short libFuzzer runs of every harness over its committed corpus (plus
# what it finds, kept in build/). A crash fails the suite; it then becomes a
# unit test named after it.
secs=${FUZZ_SECONDS:-10}
pass=0
fail=0
for h in "$@"; do
	name=$(basename "$h" _fuzz)
	work=build/fuzz-corpus/$name
	mkdir -p "$work"
	if "$h" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 -print_final_stats=0 \
		"$work" "tests/fuzz/corpus/$name" > "build/fuzz-$name.log" 2>&1; then
		pass=$((pass + 1))
	else
		tail -n 30 "build/fuzz-$name.log"
		echo "fuzz: FAILED $name"
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
echo "fuzz $pass $fail" >> build/results.txt
