#!/bin/sh
# The layer rules of docs/architecture.md as a check: every #include "dir/…"
# of a module must name a directory that module may use. Prints one line per
# breach and the suite's summary line; exits non-zero on a breach.
# usage: tools/check-layers.sh [results-file]
cd "$(dirname "$0")/.." || exit 2
results=${1:-}

# module: the directories (or single headers) it may include from, besides
# its own
allowed() {
	case $1 in
	core) echo "util/mem.h" ;;
	util) echo "core" ;;
	proto) echo "core util" ;;
	web) echo "core util" ;;
	store) echo "core util" ;;
	http) echo "core util store" ;;
	notify) echo "core util store" ;;
	push) echo "core util store proto" ;;
	api) echo "core util store proto http push notify web" ;;
	*) echo "-" ;;
	esac
}

pass=0
fail=0
for dir in src/*/; do
	mod=$(basename "$dir")
	ok=$(allowed "$mod")
	if [ "$ok" = "-" ]; then
		echo "layers: src/$mod is not described in docs/architecture.md"
		fail=$((fail + 1))
		continue
	fi
	bad=0
	for f in "$dir"*.c "$dir"*.h; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's/^#include "\([a-z_]*\/[a-z_]*\.h\)".*/\1/p' "$f" | sort -u); do
			used=${inc%%/*}
			[ "$used" = "$mod" ] && continue
			case " $ok " in
			*" $used "* | *" $inc "*) ;;
			*)
				echo "layers: $f includes $inc, which $mod/ may not use"
				bad=1
				;;
			esac
		done
		# The process headers: ctx.h (the shared context) serves the layers
		# that run in the process (http, notify, push, api); worker.h and
		# ops.h only api and the top level; the pure layers none.
		case $mod in
		api) procs="" ;;
		http | notify | push) procs="worker ops" ;;
		*) procs="ctx config worker ops" ;;
		esac
		for h in $procs; do
			if grep -q "^#include \"$h\.h\"" "$f"; then
				echo "layers: $f includes $h.h, which $mod/ may not use"
				bad=1
			fi
		done
	done
	if [ $bad -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "layers: $pass passed, $fail failed"
[ -n "$results" ] && echo "layers $pass $fail" >> "$results"
[ $fail -eq 0 ]
