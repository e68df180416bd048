# Kaifang build. `make run` and `make test` are the two commands of the README.
PKGS      := libmicrohttpd jansson sqlite3 libpq libsodium libcurl openssl libutf8proc libxml-2.0 zbar libqrencode
DEB_PKGS  := build-essential pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev \
             libsodium-dev libcurl4-openssl-dev libssl-dev libutf8proc-dev libxml2-dev \
             libcmocka-dev libstb-dev libzbar-dev sqlite3 clang libclang-rt-14-dev ca-certificates \
             libpq-dev postgresql chromium fonts-noto-cjk libqrencode-dev unicode-data bzip2
CC        ?= cc
WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wpointer-arith -Wcast-qual -fno-common
CFLAGS    ?= -O2 -g
CFLAGS    += -std=c11 $(WARN) -D_GNU_SOURCE -Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC   := $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c))
CORE_SRC  := $(wildcard src/core/*.c)
MIGR      := $(wildcard src/store/migrations/sqlite/*.sql src/store/migrations/postgres/*.sql)
GEN       := migrations openapi rules pinyin
LIB_OBJ   := $(patsubst src/%.c,build/obj/%.o,$(LIB_SRC)) $(GEN:%=build/obj/gen/%.o)
SAN_OBJ   := $(patsubst src/%.c,build/san/%.o,$(LIB_SRC)) $(GEN:%=build/san/gen/%.o)
UNIT_SRC  := $(wildcard tests/unit/*/*_test.c)
UNIT_BIN  := $(patsubst tests/unit/%.c,build/tests/%,$(UNIT_SRC))
UNIT_SAN  := $(patsubst tests/unit/%.c,build/tests-san/%,$(UNIT_SRC))
FUZZ_SRC  := $(wildcard tests/fuzz/*_fuzz.c)
FUZZ_BIN  := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_CC   := clang

.PHONY: all deps run test check suites layers routes-doc unit unit-san api-test api-test-san e2e test-pg crash test-crash fuzz fuzz-long clean fmt
all: build/kaifangd build/kaifang

deps:
	@sh tools/deps.sh $(DEB_PKGS)

build/gen/migrations.c: tools/embed-sql.sh $(MIGR) src/store/migrations/sqlite src/store/migrations/postgres
	@mkdir -p $(dir $@)
	{ sh tools/embed-sql.sh kf_migrations_sqlite src/store/migrations/sqlite && \
	  sh tools/embed-sql.sh kf_migrations_pg src/store/migrations/postgres; } > $@.tmp && mv $@.tmp $@

build/gen/openapi.c: tools/embed-text.sh docs/openapi.json
	@mkdir -p $(dir $@)
	sh tools/embed-text.sh kf_openapi_json docs/openapi.json > $@.tmp && mv $@.tmp $@

build/gen/rules.c: tools/embed-text.sh docs/rules.md
	@mkdir -p $(dir $@)
	sh tools/embed-text.sh kf_rules_md docs/rules.md > $@.tmp && mv $@.tmp $@

build/gen/pinyin.c: tools/gen-pinyin.sh
	@mkdir -p $(dir $@)
	sh tools/gen-pinyin.sh > $@.tmp && mv $@.tmp $@

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@
build/san/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -c $< -o $@

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -c $< -o $@
build/san/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -MMD -c $< -o $@

build/libkaifang.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^
build/libkaifang-san.a: $(SAN_OBJ)
	rm -f $@ && ar rcs $@ $^

build/kaifangd: build/obj/main.o build/libkaifang.a
	$(CC) $(CFLAGS) $(filter %.o %.a,$^) $(LDLIBS) -o $@
CLI_OBJ   := $(patsubst cli/%.c,build/obj/cli/%.o,$(wildcard cli/*.c))
build/obj/cli/%.o: cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icli -MMD -c $< -o $@
build/kaifang: $(CLI_OBJ) build/libkaifang.a
	$(CC) $(CFLAGS) $(filter %.o %.a,$^) $(LDLIBS) -o $@

# The daemon and the command line built with the sanitizers, for
# `make api-test-san` (the API tests against them; part of `make check`).
build/san/kaifangd: src/main.c build/libkaifang-san.a
	$(CC) $(CFLAGS) $(SAN) $^ $(LDLIBS) -o $@
build/san/kaifang: $(wildcard cli/*.c) build/libkaifang-san.a
	$(CC) $(CFLAGS) $(SAN) -Icli $^ $(LDLIBS) -o $@

build/tests/%: tests/unit/%.c build/libkaifang.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $< build/libkaifang.a $(LDLIBS) -lcmocka -o $@
build/tests-san/%: tests/unit/%.c build/libkaifang-san.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -Itests/unit $< build/libkaifang-san.a $(LDLIBS) -lcmocka -o $@

# The route table of docs/api.md, generated from the route tables
# (tests/unit/api/routedoc_test.c fails while the document differs).
build/routes-doc: tools/routes-doc.c build/libkaifang.a
	$(CC) $(CFLAGS) $< build/libkaifang.a $(LDLIBS) -o $@
routes-doc: build/routes-doc
	@build/routes-doc docs/api.md

# Each suite prints "suite: N passed, N failed"; tools/summary.sh adds them up.
# The layer table of docs/architecture.md, checked on the includes.
layers:
	@sh tools/check-layers.sh build/results.txt
unit: $(UNIT_BIN)
	@sh tools/run-unit.sh unit $(UNIT_BIN)
unit-san: $(UNIT_SAN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  sh tools/run-unit.sh unit-asan $(UNIT_SAN)
# libFuzzer needs clang. The library is compiled once more with clang, the
# fuzzer's coverage and the sanitizers (build/fuzz-obj/, archived as
# build/libkaifang-fuzz.a); each harness links the objects it needs from it.
FUZZ_SAN  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# (clang flags SQL statements split over lines in an array as a missing comma)
FUZZ_CFLAGS := -std=c11 -g -O1 $(WARN) -Wno-string-concatenation -D_GNU_SOURCE -Isrc -Ibuild/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJ  := $(patsubst src/%.c,build/fuzz-obj/%.o,$(LIB_SRC)) $(GEN:%=build/fuzz-obj/gen/%.o)
build/fuzz-obj/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c $< -o $@
build/fuzz-obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -MMD -c $< -o $@
build/libkaifang-fuzz.a: $(FUZZ_OBJ)
	rm -f $@ && ar rcs $@ $^
build/fuzz/%: tests/fuzz/%.c build/libkaifang-fuzz.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) $< build/libkaifang-fuzz.a $(LDLIBS) -o $@
# Every harness for FUZZ_SECONDS (default 5) over its corpus in
# tests/fuzz/corpus/<name> and what earlier runs found (build/fuzz-corpus/).
fuzz: $(FUZZ_BIN)
	@sh tools/run-fuzz.sh $(FUZZ_BIN)
# The same for as long as asked: `make fuzz-long FUZZ_SECONDS=600` (each
# harness), or FUZZ_BUDGET=3600 shared out among them; FUZZ_JOBS runs
# several at once.
fuzz-long: $(FUZZ_BIN)
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} sh tools/run-fuzz.sh $(FUZZ_BIN)

api-test: build/kaifangd build/kaifang
	@sh tools/run-api.sh
# The browser tests (tests/e2e/): journeys played in headless Debian chromium
# by visible labels, in zh and en, axe-core on each page; full-page
# screenshots at 1280 and 390 px into build/screenshots/.
e2e: build/kaifangd build/kaifang
	@sh tools/run-e2e.sh
# Every API test against a daemon built with AddressSanitizer and UBSan: a
# leak or undefined behaviour makes its daemon exit non-zero, which fails
# the test that stops it. About twice as slow as api-test; `make check`
# (CI) runs it.
api-test-san: build/san/kaifangd build/san/kaifang
	@KAIFANGD=$(CURDIR)/build/san/kaifangd KAIFANG_CLI=$(CURDIR)/build/san/kaifang \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  sh tools/run-api.sh api-asan

# The engine unit tests, the API suite and the crash suite (one kaifangd,
# then three with one killed) on PostgreSQL: a throwaway cluster (initdb in
# a temporary folder, pg_ctl on a Unix socket, as the `postgres` user when
# run as root), removed afterwards.
test-pg: build/kaifangd build/kaifang build/tests/store/engines_test
	@sh tools/run-pg.sh

# Nothing lost under kill -9 (tests/crash/run.mjs): clients make
# acknowledged writes, kaifangd is killed with SIGKILL at a random moment
# and restarted on the same data; every acknowledged write and event must
# be there. `crash` is the short run of `make test` (3 rounds, about 15 s);
# `make test-crash` runs CRASH_ROUNDS (default 20). CRASH_SEED repeats a
# run; CRASH_PROCS and KAIFANG_DATABASE choose the servers (cluster.mjs).
crash: build/kaifangd build/kaifang
	@CRASH_ROUNDS=$${CRASH_ROUNDS:-3} sh tools/run-crash.sh crash
test-crash: build/kaifangd build/kaifang
	@CRASH_ROUNDS=$${CRASH_ROUNDS:-20} sh tools/run-crash.sh crash

# `make test`: every suite, then the one summary line "N passed, N failed"
# (tools/summary.sh over build/results.txt). `make check` (what CI runs,
# .ci/run) adds the API suite against the sanitizer builds and make test-pg.
test: all
	@$(MAKE) --no-print-directory suites RUN="layers unit unit-san fuzz api-test e2e crash" COUNT="layers unit unit-asan fuzz api e2e crash"
check: all
	@$(MAKE) --no-print-directory suites RUN="layers unit unit-san fuzz api-test api-test-san e2e crash test-pg" \
	  COUNT="layers unit unit-asan fuzz api api-asan e2e crash unit-pg api-pg crash-pg crash-pg3"
# RUN: the targets, each recording "suite pass fail" in build/results.txt;
# COUNT: the suites the summary adds up (one missing counts as a failure).
suites:
	@rm -f build/results.txt
	@for t in $(RUN); do $(MAKE) --no-print-directory $$t || true; done
	@sh tools/summary.sh build/results.txt $(COUNT)

run: deps all
	@sh tools/run.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# The marketplace search benchmark: bench/search/run.sh [listings] [engines]
# (default 100,000 listings on SQLite and PostgreSQL).
.PHONY: bench-search
bench-search: build/libkaifang.a
	@sh bench/search/run.sh $(BENCH_SEARCH_N)
