# mtqg-report build. Two build flavours share one source list:
#   build/rel  optimised, what `make run` and `make bench` use
#   build/san  AddressSanitizer + UndefinedBehaviorSanitizer, what tests use
# Run `make deps` (scripts/install-deps.sh) once on a fresh machine.

CC      ?= cc
STD      = -std=c17 -D_GNU_SOURCE
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
INCS     = -I/usr/include/iniparser -Isrc
LIBS     = -lxlsxwriter -lhpdf -lcsv -liniparser -lunistring -lfreexl -lminizip -lexpat -ldeflate -lz -lcrypto -lm -pthread
TEST_LIBS = -lcmocka
REL_CFLAGS = -O2 -g $(STD) $(WARN) $(INCS) -pthread -MMD -MP
SAN_CFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined $(STD) $(WARN) $(INCS) -pthread -MMD -MP
SAN_LDFLAGS = -fsanitize=address,undefined

LIB_SRC  = $(sort $(filter-out src/cli/main.c,$(wildcard src/*/*.c)))
MAIN_SRC = src/cli/main.c
TEST_SRC = $(sort $(wildcard tests/unit/test_*.c))

REL_OBJ  = $(LIB_SRC:%.c=build/rel/%.o)
SAN_OBJ  = $(LIB_SRC:%.c=build/san/%.o)
TESTS    = $(TEST_SRC:tests/unit/%.c=build/san/tests/%)

BIN      = build/rel/mtqg-report
SAN_BIN  = build/san/mtqg-report
CONFIG  ?= reports.ini

.PHONY: all run test bench bench-peers deps clean install fuzz

PREFIX  ?= /usr/local

all: $(BIN)

deps:
	sh scripts/install-deps.sh

$(BIN): $(REL_OBJ) build/rel/src/cli/main.o
	$(CC) -o $@ $^ $(LIBS)

$(SAN_BIN): $(SAN_OBJ) build/san/src/cli/main.o
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(LIBS)

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -c -o $@ $<

SUPPORT_OBJ = build/san/tests/support/testutil.o build/san/tests/support/xlsx_read.o \
              build/san/tests/support/smtp_harness.o

build/san/tests/%: tests/unit/%.c $(SAN_OBJ) $(SUPPORT_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -Itests/support -o $@ $< $(SAN_OBJ) $(SUPPORT_OBJ) $(SAN_LDFLAGS) $(LIBS) $(TEST_LIBS)

# Main job on the shipped sample: installs what is missing, builds, runs.
run:
	@sh scripts/install-deps.sh --quiet
	@$(MAKE) --no-print-directory $(BIN)
	$(BIN) --config $(CONFIG)

# Every unit and whole-run test under ASan+UBSan.
test:
	@sh scripts/install-deps.sh --quiet
	@$(MAKE) --no-print-directory $(BIN) $(SAN_BIN) $(TESTS)
	sh tests/run-tests.sh $(TESTS)

bench:
	@sh scripts/install-deps.sh --quiet
	@$(MAKE) --no-print-directory $(BIN) build/rel/bench/gen-bench build/rel/bench/peak build/rel/bench/csv2xlsx
	sh bench/run.sh

# The peers the bench compares with (pandas, DuckDB); optional, see bench/run.sh.
bench-peers:
	sh bench/setup-peers.sh

build/rel/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(REL_CFLAGS) -o $@ $< $(LIBS)

# The program, its man pages, the shipped templates (found by the program
# as PREFIX/share/mtqg-report/templates, relative to its own bin/), the
# docs and a working example (config and sample inputs), the systemd units.
DOCDIR   = $(DESTDIR)$(PREFIX)/share/doc/mtqg-report
UNITDIR  = $(DESTDIR)$(PREFIX)/lib/systemd/system

install: $(BIN)
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mtqg-report
	install -D -m 644 docs/mtqg-report.1 $(DESTDIR)$(PREFIX)/share/man/man1/mtqg-report.1
	install -D -m 644 docs/mtqg-report.ini.5 $(DESTDIR)$(PREFIX)/share/man/man5/mtqg-report.ini.5
	rm -rf $(DESTDIR)$(PREFIX)/share/mtqg-report/templates
	mkdir -p $(DESTDIR)$(PREFIX)/share/mtqg-report $(DOCDIR)/examples
	cp -R templates $(DESTDIR)$(PREFIX)/share/mtqg-report/
	install -m 644 README.md $(DOCDIR)/
	cp -R docs/. $(DOCDIR)/
	install -m 644 reports.ini ke-hoach.ini $(DOCDIR)/examples/
	rm -rf $(DOCDIR)/examples/input && cp -R input $(DOCDIR)/examples/
	# examples/*.ini point at the working copy (../input, ../templates); installed
	# beside the sample input, they use it and the installed templates.
	for f in examples/*.ini; do \
	    sed -e '/^templates_dir/d' -e 's|= \.\./input$$|= input|' -e 's|= \.\./output$$|= output|' \
	        "$$f" > $(DOCDIR)/examples/$$(basename "$$f"); done
	install -m 644 examples/bang-chuyen-doi-99.csv $(DOCDIR)/examples/
	rm -rf $(DOCDIR)/examples/input-2026 && cp -R examples/input-2026 $(DOCDIR)/examples/
	mkdir -p $(UNITDIR)
	sed 's|@BINDIR@|$(PREFIX)/bin|g' contrib/systemd/mtqg-report.service.in > $(UNITDIR)/mtqg-report.service
	install -m 644 contrib/systemd/mtqg-report.timer $(UNITDIR)/mtqg-report.timer

# libFuzzer targets (clang), each run for FUZZ_SECONDS from its seed corpus
# in fuzz/corpus/<name>; new inputs go to a scratch folder, crashes to
# build/fuzz/ (keep the minimised ones in the corpus once fixed).
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
              $(STD) -I/usr/include/iniparser -Isrc
FUZZ_TARGETS = csv xlsx decode xml_scan

build/fuzz/fuzz_%: fuzz/fuzz_%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRC) $(LIBS)

fuzz:
	@command -v clang >/dev/null || { echo "make fuzz cần clang: apt-get install clang libclang-rt-14-dev"; exit 1; }
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p build/fuzz/work-$$t; \
	    echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
	    build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build/fuzz/ \
	        build/fuzz/work-$$t fuzz/corpus/$$t > build/fuzz/$$t.log 2>&1; st=$$?; \
	    tail -1 build/fuzz/$$t.log; \
	    [ $$st -eq 0 ] || { echo "fuzz_$$t found a failure: build/fuzz/$$t.log"; exit 1; }; \
	done

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
