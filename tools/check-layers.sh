#!/bin/sh
# The layer rules of docs/architecture.md as a check: every #include "dir/…"
# of a module must name a directory that module may use; only the modules
# that hold a connection may include store/db.h; no SQL statement is
# prepared outside src/store/. Prints one line per breach and the suite's
# summary line; exits non-zero on a breach.
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
	http) echo "core util" ;;
	notify) echo "core util store" ;;
	push) echo "core util store proto" ;;
	pipeline) echo "core util store push" ;;
	api) echo "core util store proto http push notify web pipeline" ;;
	console) echo "core util http web api/api.h api/common.h" ;;
	*) echo "-" ;;
	esac
}

# store/db.h is the SQL layer itself (statements, transactions, the pool):
# store/ uses all of it; the modules that own a connection (take it from
# the pool, begin and commit) include it for that; everyone else reaches
# the database through the store/<aggregate>.h functions only. (The top
# level and cli/ own connections too; they are not src/*/ modules.)
db_h_allowed() {
	case $1 in
	store | api | push | pipeline) return 0 ;;
	*) return 1 ;;
	esac
}

pass=0
fail=0
bad=0
breach() {
	echo "layers: $*"
	bad=1
}

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
			*) breach "$f includes $inc, which $mod/ may not use" ;;
			esac
		done
		if [ "$mod" != store ] && ! db_h_allowed "$mod" && grep -q '^#include "store/db\.h"' "$f"; then
			breach "$f includes store/db.h, which $mod/ may not use (call a store/<aggregate>.h function)"
		fi
		# The process headers: ctx.h (the shared context) serves the layers
		# that run in the process (http, notify, push, api); worker.h and
		# ops.h only api and the top level; the pure layers none.
		case $mod in
		api) procs="" ;;
		http | notify | push | pipeline | console) procs="worker ops" ;;
		*) procs="ctx config worker ops" ;;
		esac
		for h in $procs; do
			if grep -q "^#include \"$h\.h\"" "$f"; then
				breach "$f includes $h.h, which $mod/ may not use"
			fi
		done
	done
	if [ $bad -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done

# The top level (src/*.c: the process) may use every layer, but only
# main.c wires the API into the server: the worker and the operator
# commands run without it. cli/ may use core, store, util, proto and ops.h.
bad=0
for f in src/*.c src/*.h; do
	case $f in src/main.c) continue ;; esac
	if grep -q '^#include "api/' "$f"; then
		breach "$f includes $(sed -n 's/^#include "\(api\/[^"]*\)".*/\1/p' "$f" | head -1), which only src/main.c may use"
	fi
done
for f in cli/*.c cli/*.h; do
	[ -f "$f" ] || continue
	for inc in $(sed -n 's/^#include "\([a-z_]*\/[a-z_]*\.h\)".*/\1/p' "$f" | sort -u); do
		case ${inc%%/*} in
		core | store | util | proto) ;;
		*) breach "$f includes $inc, which cli/ may not use" ;;
		esac
	done
	for h in $(sed -n 's/^#include "\([a-z_]*\.h\)".*/\1/p' "$f" | sort -u); do
		case $h in
		ops.h) ;;
		*) [ -f "cli/$h" ] || breach "$f includes $h, which cli/ may not use" ;;
		esac
	done
done
if [ $bad -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi

# All SQL lives in src/store/: nothing else prepares, steps or reads a
# statement, runs a script or asks about the last statement's effects.
bad=0
sql_api='kf_db_prepare\|kf_stmt_[a-z_]*\|kf_db_exec_script\|kf_db_delete_before\|kf_db_last_id\|kf_db_changes\|kf_db_is_constraint_error'
for f in $(grep -rl "$sql_api" src cli 2>/dev/null | grep -v '^src/store/'); do
	breach "$f uses the statement API ($(grep -o "$sql_api" "$f" | sort -u | tr '\n' ' ')), which only src/store/ may use"
done
if [ $bad -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi

# No include cycle between modules (a module is a .c and its .h): every
# '#include "…"' of a file is an edge from its module to the included one,
# and tsort refuses a graph with a loop (it names the modules in it).
bad=0
edges=$(for f in $(find src -name '*.[ch]' | sort); do
	m=${f%.[ch]}
	sed -n 's/^#include "\([^"]*\.h\)".*/\1/p' "$f" | while read -r inc; do
		[ -f "src/$inc" ] || continue
		t=src/${inc%.h}
		[ "$t" = "$m" ] || echo "$m $t"
	done
done | sort -u)
if ! loop=$(echo "$edges" | tsort 2>&1 >/dev/null) || [ -n "$loop" ]; then
	breach "include cycle between modules: $(echo "$loop" | sed -n 's/^tsort: //p' | grep -v 'input contains a loop' | tr '\n' ' ')"
fi
if [ $bad -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi

# Every error code the server answers has a text for the pages in both
# languages (src/web/errtext.c); the script lists the codes without one.
if sh tools/check-errtext.sh; then pass=$((pass + 1)); else fail=$((fail + 1)); fi

echo "layers: $pass passed, $fail failed"
[ -n "$results" ] && echo "layers $pass $fail" >> "$results"
[ $fail -eq 0 ]
