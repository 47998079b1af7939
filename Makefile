# Portcullis top-level Makefile.
#
# `make` builds portcullisd and portcullis-keygen; `make run` serves on
# 127.0.0.1:2222 for the invoking user; `make check` runs every test.
# Missing Debian packages are installed by build-aux/deps.sh, which says
# what it installs.  configure (from configure.ac) writes config.mk.

SHELL := /bin/bash
TOP := $(CURDIR)

-include config.mk

CC ?= cc
WARN = -Wall -Wextra -Wformat=2 -Wpointer-arith -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
WERROR ?=
OPT ?= -O2 -g
BASE_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(OPT) $(WARN) $(WERROR) -fno-strict-aliasing \
	-D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE -MMD -MP
INCS = -I$(TOP) -I$(TOP)/tests/common -I$(TOP)/lib -I$(TOP)/crypto -I$(TOP)/transport \
	-I$(TOP)/auth -I$(TOP)/channels -I$(TOP)/policy -I$(TOP)/daemon
ALL_CFLAGS = $(BASE_CFLAGS) $(CFLAGS_CONF) $(CFLAGS) $(INCS) \
	$(CPPFLAGS_CONF) $(CPPFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now $(LDFLAGS_CONF) $(LDFLAGS)

# Sanitizer build of the unit tests (part of make check).
SAN_CC ?= $(shell command -v clang >/dev/null 2>&1 && echo clang || echo $(CC))
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -O1 -g
# libFuzzer targets (tests/fuzz/fuzz_*.c): the code under test is built
# with coverage instrumentation, each target links libFuzzer's main and
# the test helpers (tests/common, built the same way).
# -DPC_FUZZ_CHEAP, in these objects only, compiles in the shortcuts of
# lib/fuzzcheap.h: a target may switch on fixed randomness (a fixed
# ephemeral kex key and KEXINIT cookie, so a recorded client stream
# replays), fake host-key signatures, userauth signatures that are bad
# without being checked, and MACs that are not checked (so mutations of a
# recorded encrypted stream reach the messages).  They stay off unless a
# target turns them on (fuzz_preauth does); every other build compiles
# none of it.
FUZZ_FLAGS = -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g \
	-DPC_FUZZING -DPC_FUZZ_CHEAP
FUZZ_SECONDS ?= 5
PYTHON ?= /usr/bin/python3
BENCH_ARGS ?=

MODULES = lib crypto transport auth channels policy
CORE_SRCS = $(sort $(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
MAINS = daemon/main.c daemon/keygen_main.c
DAEMON_SRCS = $(sort $(filter-out $(MAINS),$(wildcard daemon/*.c)))
TEST_SRCS = $(sort $(wildcard tests/unit/*.c tests/kat/*.c tests/inproc/*.c))
TEST_HELPERS = $(sort $(wildcard tests/common/*.c))
FUZZ_SRCS = $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRCS = $(sort $(wildcard tests/bench/*.c))

OBJ = build/obj
SAN = build/san
FUZZ = build/fuzz
CORE_OBJS = $(CORE_SRCS:%.c=$(OBJ)/%.o)
DAEMON_OBJS = $(DAEMON_SRCS:%.c=$(OBJ)/%.o)
TEST_BINS = $(TEST_SRCS:%.c=build/%)
SAN_TEST_BINS = $(TEST_SRCS:%.c=build/san-%)
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz-bin/%)

PROGS = portcullisd portcullis-keygen

.PHONY: all deps deps-check run check check-unit test-bins san-test-bins \
	fuzz-bins fuzz bench bench-quick install clean distclean ct-check
all: $(PROGS)

deps:
	@build-aux/deps.sh build
deps-check:
	@build-aux/deps.sh check

configure: configure.ac
	@build-aux/deps.sh build
	autoreconf -fi >/dev/null
	@touch configure

config.mk config.h: configure config.mk.in
	./configure --sysconfdir=/etc/ssh $(CONFIGURE_FLAGS) >/dev/null
	@touch config.mk config.h

$(OBJ)/%.o: %.c config.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(SAN)/%.o: %.c config.h
	@mkdir -p $(dir $@)
	$(SAN_CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(ALL_CFLAGS)) $(SAN_FLAGS) \
		$(CMOCKA_CFLAGS) -c -o $@ $<

build/libcore.a: $(CORE_OBJS)
	@rm -f $@
	ar rcs $@ $^
build/san-libcore.a: $(CORE_SRCS:%.c=$(SAN)/%.o) $(DAEMON_SRCS:%.c=$(SAN)/%.o)
	@rm -f $@
	ar rcs $@ $^

# The fuzz flags are in this file: a change to them rebuilds the objects.
$(FUZZ)/%.o: %.c config.h Makefile
	@mkdir -p $(dir $@)
	$(SAN_CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(ALL_CFLAGS)) \
		$(FUZZ_FLAGS) -c -o $@ $<
build/fuzz-libcore.a: $(CORE_SRCS:%.c=$(FUZZ)/%.o) $(DAEMON_SRCS:%.c=$(FUZZ)/%.o)
	@rm -f $@
	ar rcs $@ $^
build/fuzz-bin/%: tests/fuzz/%.c $(TEST_HELPERS:%.c=$(FUZZ)/%.o) \
    build/fuzz-libcore.a
	@mkdir -p $(dir $@)
	$(SAN_CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(ALL_CFLAGS)) \
		$(subst fuzzer-no-link,fuzzer,$(FUZZ_FLAGS)) -o $@ \
		$(filter %.c %.o %.a,$^) $(LIBS_CONF)

portcullisd: $(OBJ)/daemon/main.o $(DAEMON_OBJS) build/libcore.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_CONF)
portcullis-keygen: $(OBJ)/daemon/keygen_main.o $(DAEMON_OBJS) build/libcore.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_CONF)

build/tests/%: tests/%.c $(TEST_HELPERS:%.c=$(OBJ)/%.o) $(DAEMON_OBJS) build/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) $(ALL_LDFLAGS) -o $@ \
		$(filter %.c %.o %.a,$^) $(CMOCKA_LIBS) $(LIBS_CONF)
build/san-tests/%: tests/%.c $(TEST_HELPERS:%.c=$(SAN)/%.o) build/san-libcore.a
	@mkdir -p $(dir $@)
	$(SAN_CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(ALL_CFLAGS)) $(SAN_FLAGS) \
		$(CMOCKA_CFLAGS) -o $@ $(filter %.c %.o %.a,$^) \
		$(CMOCKA_LIBS) $(LIBS_CONF)

# A PAM module for the PAM tests only (see tests/pam/pam_pctest.c), loaded
# through pam_wrapper by test_authpam and tests/integration/pamtest.py.
PAM_TEST_MODULE = build/tests/pam/pam_pctest.so
$(PAM_TEST_MODULE): tests/pam/pam_pctest.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -O2 -g $(WARN) $(WERROR) -fPIC -shared \
		-o $@ $< -lpam
build/tests/unit/test_authpam build/san-tests/unit/test_authpam: \
	$(PAM_TEST_MODULE)

# Secret-independence of ML-KEM under valgrind memcheck (tests/ct/ct_mlkem.c):
# any branch or address computed from the secret key is an error.
# crypto/mlkem.c is compiled in with MLKEM_CT_VALGRIND (see there).
build/ct/ct_mlkem: tests/ct/ct_mlkem.c crypto/mlkem.c $(DAEMON_OBJS) \
    build/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DMLKEM_CT_VALGRIND $(ALL_LDFLAGS) -o $@ \
		$(filter %.c %.o %.a,$^) $(LIBS_CONF)
ct-check: build/ct/ct_mlkem
	@if command -v valgrind >/dev/null 2>&1; then \
		valgrind -q --error-exitcode=1 --track-origins=yes \
		    build/ct/ct_mlkem; \
	else \
		echo "ct-check: valgrind not installed, skipped"; \
	fi

# A daemon for the integration tests only (tests/integration/test_privsep.py):
# its daemon/ objects are compiled with -DPC_TEST_HOOKS, which lets
# PC_TEST_HOOK=forbidden-syscall in its environment make the sandboxed
# network process try a system call the seccomp filter forbids.  Never
# installed; portcullisd itself is built without the hook.
HOOKS = build/obj-hooks
HOOKS_BIN = build/test-hooks/portcullisd
$(HOOKS)/%.o: %.c config.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DPC_TEST_HOOKS -c -o $@ $<
$(HOOKS_BIN): $(HOOKS)/daemon/main.o $(DAEMON_SRCS:%.c=$(HOOKS)/%.o) \
    build/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBS_CONF)

test-bins: $(TEST_BINS) $(HOOKS_BIN)
san-test-bins: $(SAN_TEST_BINS)
fuzz-bins: $(FUZZ_BINS)

# Benchmarks: one core, in process, bounded in time (tests/bench/).
# The test helpers' objects are kept, or every make bench relinks kex_bench.
.SECONDARY: $(TEST_HELPERS:%.c=$(OBJ)/%.o)
build/bench/%: tests/bench/%.c $(TEST_HELPERS:%.c=$(OBJ)/%.o) $(DAEMON_OBJS) build/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.c %.o %.a,$^) \
		$(LIBS_CONF)
# Then Portcullis against OpenSSH's sshd side by side (tests/bench/sshbench.py:
# login latency, throughput, CPU per GiB, idle memory); table on stdout,
# build/bench/results.csv and results.png.  make bench BENCH_ARGS=--quick
# for a smoke run; BENCH_ARGS=--help lists the options.
bench: all $(BENCH_SRCS:tests/bench/%.c=build/bench/%)
	@build-aux/deps.sh bench
	@build/bench/kex_bench
	@$(PYTHON) tests/bench/sshbench.py $(BENCH_ARGS)
bench-quick:
	@$(MAKE) --no-print-directory bench BENCH_ARGS="--quick $(BENCH_ARGS)"

# Run every fuzz target for FUZZ_SECONDS each (make fuzz FUZZ_SECONDS=600),
# over its seed corpus tests/fuzz/corpus/NAME first.  The targets that
# record their seeds from real sessions write them again with
#   PC_FUZZ_WRITE_SEEDS=tests/fuzz/corpus/NAME build/fuzz-bin/fuzz_NAME -runs=0
# (see tests/fuzz/fuzzseed.h).
fuzz: fuzz-bins
	@build-aux/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BINS)

run: deps all
	@build-aux/run.sh

# Every test: unit, known-answer and in-process tests (normal and under
# ASan+UBSan), then the integration suite against the real daemon.
check: deps-check
	@$(MAKE) --no-print-directory all test-bins WERROR=-Werror
	@$(MAKE) --no-print-directory san-test-bins fuzz-bins WERROR=-Werror
	@$(MAKE) --no-print-directory ct-check WERROR=-Werror
	@PC_FUZZ_SECONDS=$(FUZZ_SECONDS) build-aux/run-tests.sh $(TEST_BINS) \
		-- $(SAN_TEST_BINS) -- $(FUZZ_BINS)

check-unit: all test-bins
	@build-aux/run-tests.sh --no-integration $(TEST_BINS) --

install: all
	install -d $(DESTDIR)$(sbindir) $(DESTDIR)$(bindir) \
		$(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man5 \
		$(DESTDIR)$(mandir)/man8 $(DESTDIR)/lib/systemd/system \
		$(DESTDIR)$(PC_SYSCONFDIR)
	install -m 0755 portcullisd $(DESTDIR)$(sbindir)/portcullisd
	install -m 0755 portcullis-keygen $(DESTDIR)$(bindir)/portcullis-keygen
	install -m 0644 docs/portcullisd.8 $(DESTDIR)$(mandir)/man8/
	install -m 0644 docs/portcullisd_config.5 $(DESTDIR)$(mandir)/man5/
	install -m 0644 docs/portcullis-keygen.1 $(DESTDIR)$(mandir)/man1/
	sed 's|/usr/sbin/portcullisd|$(sbindir)/portcullisd|g' \
		etc/portcullisd.service > build/portcullisd.service
	install -m 0644 build/portcullisd.service \
		$(DESTDIR)/lib/systemd/system/portcullisd.service
	install -d $(DESTDIR)/etc/pam.d
	test -e $(DESTDIR)/etc/pam.d/portcullisd || \
		install -m 0644 etc/pam.d/portcullisd \
		$(DESTDIR)/etc/pam.d/portcullisd
	test -e $(DESTDIR)$(PC_SYSCONFDIR)/sshd_config || \
		install -m 0644 etc/sshd_config \
		$(DESTDIR)$(PC_SYSCONFDIR)/sshd_config

clean:
	rm -rf build $(PROGS)
distclean: clean
	rm -rf config.mk config.h config.h.in config.log config.status configure \
		autom4te.cache aclocal.m4 state

-include $(shell find build -name '*.d' 2>/dev/null)
