# encl: plain Make, everything lands in build/.
#
#   make          libraries, build/bin/encl, build/bin/encl-cc, the runtimes
#   make demo     install missing packages, build, run the main job on examples/test-c
#   make check    install missing packages, build, run the whole test suite
#   make bench    build and run the benchmarks in bench/
#   make install  install into $(DESTDIR)$(PREFIX) (default /usr/local); make uninstall
#   make deb      build/encl_VERSION_ARCH.deb, with dpkg-deb
#   make fuzz     run each tests/fuzz harness FUZZ_SECONDS (60) with libFuzzer (clang)
#
# Sources are picked up by directory, so adding a file needs no Makefile edit:
#   sgx/ image/ policy/          -> build/lib/libencl.a      (host side, no I/O in sgx/)
#   host/ (all but host/main.c)  -> build/lib/libencl-host.a (untrusted runtime)
#   enclave/*/                   -> build/lib/libencl-enclave.a (trusted runtime, musl)
#   cas/                         -> build/lib/libencl-cas.a  (the attestation service)
#   tools/encl/                  -> build/bin/encl
#   tests/unit/NAME.c            -> build/tests/NAME and build/asan/tests/NAME
#   tests/double/*.c             -> linked into every unit test (test doubles)
#   tests/fuzz/fuzz_NAME.c       -> build/asan/fuzz/fuzz_NAME (replay, gcc) and
#                                   build/fuzz/bin/fuzz_NAME (libFuzzer, clang; make fuzz)
#   tests/*.h                    -> helpers the unit tests include (harness.h, testutil.h)

CC       ?= gcc
MUSL_CC  ?= musl-gcc
B        := build

CFLAGS_COMMON := -std=gnu11 -Wall -Wextra -Werror -I. -D_GNU_SOURCE
CFLAGS   ?= -O2 -g
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDLIBS   := -lssl -lcrypto -lyaml
# The attestation service (cas/) in the encl tool and the unit tests.
CAS_LDLIBS := -lssl -lsqlite3 -lpthread

# What `encl --version` names: the release (VERSION), the commit built and
# the musl the trusted runtime was built against. Only the encl tool carries
# them; the measured enclave image must not change with the commit.
ENCL_VERSION := $(shell cat VERSION)
ENCL_COMMIT  := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
MUSL_VERSION := $(shell /usr/lib/x86_64-linux-musl/libc.so 2>&1 | sed -n 's/^Version //p')
# The enclave's C library is built from Debian's source of this version.
MUSL_DEB_VERSION := $(shell dpkg-query -W -f='$${Version}' musl-dev 2>/dev/null)
MUSL_LIB := $(B)/lib/musl/libc.a
MBEDTLS_LIB      := $(B)/lib/mbedtls/libmbedcrypto.a
MBEDTLS_HOST_LIB := $(B)/lib/mbedtls-host/libmbedcrypto.a

# The trusted runtime is compiled against musl's headers, position independent,
# with nothing that would need a loader or a host-side runtime. It is part of
# every MRENCLAVE, so the folder it is built in must not appear in it: paths
# in __FILE__ and in the debug information (the compiler's and, for .S, the
# assembler's) are relative to this directory.
ENCLAVE_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -I. -O2 -g -fPIE \
	-fno-stack-protector -fstack-clash-protection -fno-plt -mno-red-zone -ffreestanding -fno-builtin \
	-ffile-prefix-map=$(CURDIR)=. -Wa,--debug-prefix-map,$(CURDIR)=.

LIB_SRCS     := $(wildcard abi/*.c sgx/*.c image/*.c policy/*.c)
HOST_SRCS    := $(filter-out host/main.c,$(wildcard host/*.c host/*/*.c))
HOST_ASM     := $(wildcard host/*.S host/*/*.S)
TOOL_SRCS    := $(wildcard tools/encl/*.c)
CAS_SRCS     := $(wildcard cas/*.c)
UNIT_SRCS    := $(wildcard tests/unit/*.c)
DOUBLE_SRCS  := $(wildcard tests/double/*.c)
TEST_HDRS    := $(wildcard tests/*.h tests/double/*.h)
ENCLAVE_SRCS := $(wildcard enclave/*/*.c)
ENCLAVE_ASM  := $(wildcard enclave/*/*.S)

obj = $(patsubst %.c,$(1)/obj/%.o,$(patsubst %.S,$(1)/obj/%.o,$(2)))

LIB_OBJS      := $(call obj,$(B),$(LIB_SRCS))
HOST_OBJS     := $(call obj,$(B),$(HOST_SRCS) $(HOST_ASM))
TOOL_OBJS     := $(call obj,$(B),$(TOOL_SRCS))
ENCLAVE_OBJS  := $(patsubst %,$(B)/enclave-obj/%.o,$(basename $(ENCLAVE_SRCS) $(ENCLAVE_ASM)))
ASAN_LIB_OBJS := $(call obj,$(B)/asan,$(LIB_SRCS))
ASAN_HOST_OBJS:= $(call obj,$(B)/asan,$(HOST_SRCS) $(HOST_ASM))
CAS_OBJS      := $(call obj,$(B),$(CAS_SRCS))
ASAN_CAS_OBJS := $(call obj,$(B)/asan,$(CAS_SRCS))

UNIT_TESTS      := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))
ASAN_UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/asan/tests/%,$(UNIT_SRCS))

LIBS      := $(B)/lib/libencl-host.a $(B)/lib/libencl.a
ASAN_LIBS := $(B)/asan/lib/libencl-host.a $(B)/asan/lib/libencl.a
CAS_LIB      := $(B)/lib/libencl-cas.a
ASAN_CAS_LIB := $(B)/asan/lib/libencl-cas.a

FUZZ_NAMES    := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY   := $(patsubst %,$(B)/asan/fuzz/%,$(FUZZ_NAMES))
FUZZ_BINS     := $(patsubst %,$(B)/fuzz/bin/%,$(FUZZ_NAMES))
FUZZ_LIB_OBJS := $(call obj,$(B)/fuzz,$(LIB_SRCS))

all: $(B)/bin/encl $(B)/bin/encl-cc $(B)/lib/host-main.o $(LIBS) $(B)/lib/libencl-enclave.a \
	$(MUSL_LIB) $(MBEDTLS_LIB)

tests: all $(UNIT_TESTS) $(ASAN_UNIT_TESTS) $(FUZZ_REPLAY)

.PHONY: all tests deps demo check bench fuzz clean install uninstall deb FORCE

deps:
	@scripts/install-deps

demo: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory -C examples/test-c run

check: deps
	@$(MAKE) --no-print-directory tests
	@tests/run

bench: all
	@$(MAKE) --no-print-directory -C bench run

clean:
	rm -rf $(B)

# ---- host side -------------------------------------------------------------

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/obj/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -MMD -MP -c $< -o $@

$(B)/asan/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -MMD -MP -c $< -o $@

$(B)/asan/obj/%.o: %.S
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -MMD -MP -c $< -o $@

$(B)/lib/libencl.a: $(LIB_OBJS)
$(B)/lib/libencl-host.a: $(HOST_OBJS)
$(B)/asan/lib/libencl.a: $(ASAN_LIB_OBJS)
$(B)/asan/lib/libencl-host.a: $(ASAN_HOST_OBJS)
$(CAS_LIB): $(CAS_OBJS)
$(ASAN_CAS_LIB): $(ASAN_CAS_OBJS)
%.a:
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(B)/lib/host-main.o: $(B)/obj/host/main.o
	@mkdir -p $(@D)
	cp $< $@

$(B)/bin/encl: $(TOOL_OBJS) $(CAS_LIB) $(LIBS)
	@mkdir -p $(@D)
	$(CC) -o $@ $(TOOL_OBJS) $(CAS_LIB) $(LIBS) $(LDLIBS) $(CAS_LDLIBS)

# Rewritten only when a value changes, so that a new commit rebuilds version.o.
$(B)/gen/version.h: FORCE
	@mkdir -p $(@D)
	@printf '#define ENCL_VERSION "%s"\n#define ENCL_COMMIT "%s"\n#define ENCL_MUSL_VERSION "%s"\n' \
		'$(ENCL_VERSION)' '$(ENCL_COMMIT)' '$(or $(MUSL_VERSION),unknown)' >$@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi
$(B)/obj/tools/encl/version.o: $(B)/gen/version.h
$(B)/obj/tools/encl/version.o: CFLAGS_COMMON += -I$(B)/gen
FORCE:

$(B)/bin/encl-cc: tools/encl-cc
	@mkdir -p $(@D)
	cp $< $@
	chmod +x $@

# Some unit tests include trusted-runtime or tool sources (test_emm,
# test_iago, test_getopt):
# any change there rebuilds them.
UNIT_DEPS := $(TEST_HDRS) $(DOUBLE_SRCS) $(wildcard enclave/*/*.[ch] abi/*.h tools/encl/*.[ch])

$(B)/tests/%: tests/unit/%.c $(CAS_LIB) $(LIBS) $(UNIT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS) -o $@ $< $(DOUBLE_SRCS) $(CAS_LIB) $(LIBS) $(LDLIBS) \
		$(CAS_LDLIBS)

$(B)/asan/tests/%: tests/unit/%.c $(ASAN_CAS_LIB) $(ASAN_LIBS) $(UNIT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -o $@ $< $(DOUBLE_SRCS) $(ASAN_CAS_LIB) $(ASAN_LIBS) \
		$(LDLIBS) $(CAS_LDLIBS)

# ---- fuzzing ----------------------------------------------------------------
# Each harness is built twice: with gcc's ASan+UBSan and tests/fuzz/replay.c as
# its main(), which `make check` runs over the saved inputs (tests/e2e/fuzz.sh),
# and with clang's libFuzzer for `make fuzz`, whose new inputs stay in build/.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(B)/asan/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(ASAN_LIBS) $(UNIT_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(SANFLAGS) -o $@ $< tests/fuzz/replay.c $(ASAN_LIBS) $(LDLIBS)

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS_COMMON) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(B)/fuzz/lib/libencl.a: $(FUZZ_LIB_OBJS)

$(B)/fuzz/bin/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(B)/fuzz/lib/libencl.a $(UNIT_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CFLAGS_COMMON) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(B)/fuzz/lib/libencl.a $(LDLIBS)

fuzz: deps $(FUZZ_BINS)
	@tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_NAMES)

# ---- enclave side ----------------------------------------------------------

$(B)/enclave-obj/%.o: %.c | $(MBEDTLS_LIB)
	@mkdir -p $(@D)
	$(MUSL_CC) $(ENCLAVE_CFLAGS) -MMD -MP -c $< -o $@

# Attestation (enclave/attest/) uses mbed TLS's headers, from its enclave build.
$(B)/enclave-obj/enclave/attest/%.o: ENCLAVE_CFLAGS += -isystem $(B)/lib/mbedtls/include \
	'-DMBEDTLS_CONFIG_FILE=<mbedtls/encl_config.h>'

$(B)/enclave-obj/%.o: %.S
	@mkdir -p $(@D)
	$(MUSL_CC) $(ENCLAVE_CFLAGS) -MMD -MP -c $< -o $@

$(B)/lib/libencl-enclave.a: $(ENCLAVE_OBJS)

# The enclave's C library (docs/libc.md): Debian's musl source of the
# installed musl-dev's version, with encl's system-call layer (musl/), built
# once into $(B)/lib/musl and rebuilt only when musl/ or the version
# changes. $(B)/musl-work keeps the downloaded source.
$(B)/gen/musl-version: FORCE
	@mkdir -p $(@D)
	@echo '$(MUSL_DEB_VERSION)' >$@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

$(MUSL_LIB): $(B)/gen/musl-version $(wildcard musl/*) scripts/debian-source
	musl/build '$(MUSL_DEB_VERSION)' $(B)/lib/musl $(B)/musl-work

# mbed TLS (docs/attestation.md): libmbedcrypto.a from Debian's source
# package, built once for the enclave (musl-gcc, the trusted runtime's
# code-generation flags) into $(B)/lib/mbedtls, and once with gcc into
# $(B)/lib/mbedtls-host for the unit tests that run enclave/attest/ on the
# host. encl-cc links the enclave's copy only into programs that attest.
MBEDTLS_ENCLAVE_CFLAGS := -fPIE -fno-stack-protector -fstack-clash-protection -fno-plt -mno-red-zone

$(MBEDTLS_LIB): mbedtls/build mbedtls/encl_config.h scripts/debian-source
	mbedtls/build $(MUSL_CC) $(B)/lib/mbedtls $(B)/mbedtls-work $(MBEDTLS_ENCLAVE_CFLAGS)

# One after the other: both unpack the same downloaded source.
$(MBEDTLS_HOST_LIB): mbedtls/build mbedtls/encl_config.h scripts/debian-source | $(MBEDTLS_LIB)
	mbedtls/build $(CC) $(B)/lib/mbedtls-host $(B)/mbedtls-work -fPIC

# test_attest runs enclave/attest/ on the host, with mbed TLS's host build.
$(B)/tests/test_attest $(B)/asan/tests/test_attest: $(MBEDTLS_HOST_LIB)
$(B)/tests/test_attest $(B)/asan/tests/test_attest: private LDLIBS := $(MBEDTLS_HOST_LIB) $(LDLIBS)
$(B)/tests/test_attest $(B)/asan/tests/test_attest: private CFLAGS_COMMON := $(CFLAGS_COMMON) \
	-isystem $(B)/lib/mbedtls-host/include '-DMBEDTLS_CONFIG_FILE=<mbedtls/encl_config.h>'

# ---- install and package ---------------------------------------------------
#
# The layout encl-cc expects when installed: the runtime in ../lib/encl from
# its own folder, encl next to it (tools/encl-cc). Man pages and completions
# are generated from the tools' --help texts, so that they cannot drift.

VERSION := $(ENCL_VERSION)
PREFIX  ?= /usr/local
DESTDIR ?=

bindir    := $(PREFIX)/bin
encllib   := $(PREFIX)/lib/encl
pcdir     := $(PREFIX)/lib/pkgconfig
man1dir   := $(PREFIX)/share/man/man1
compdir   := $(PREFIX)/share/bash-completion/completions
docdir    := $(PREFIX)/share/doc/encl

TOOLS     := encl encl-cc
RUNTIME   := host-main.o libencl-host.a libencl.a libencl-enclave.a
DOCS      := README.md $(wildcard docs/*.md)
MANPAGES  := $(TOOLS:%=$(B)/man/%.1)
COMPS     := $(TOOLS:%=$(B)/completion/%)
INSTALLED := $(TOOLS:%=$(bindir)/%) $(RUNTIME:%=$(encllib)/%) $(pcdir)/encl.pc \
	$(TOOLS:%=$(man1dir)/%.1) $(TOOLS:%=$(compdir)/%) $(DOCS:%=$(docdir)/%)

SUMMARY_encl    := sign, inspect and check SGX enclave executables
SUMMARY_encl-cc := compile and link a C program into a signed SGX enclave executable

$(B)/man/%.1: $(B)/bin/% packaging/help2roff packaging/helptext.sh
	@mkdir -p $(@D)
	packaging/help2roff $< "$(SUMMARY_$*)" $(VERSION) > $@.tmp && mv $@.tmp $@

$(B)/completion/%: $(B)/bin/% packaging/help2completion packaging/helptext.sh
	@mkdir -p $(@D)
	packaging/help2completion $< > $@.tmp && mv $@.tmp $@

install: all $(MANPAGES) $(COMPS)
	install -d $(addprefix $(DESTDIR),$(bindir) $(encllib) $(pcdir) $(man1dir) $(compdir) $(docdir)/docs)
	install -m 0755 $(TOOLS:%=$(B)/bin/%) $(DESTDIR)$(bindir)
	install -m 0644 $(RUNTIME:%=$(B)/lib/%) $(DESTDIR)$(encllib)
	install -d $(DESTDIR)$(encllib)/musl
	install -m 0644 $(B)/lib/musl/* $(DESTDIR)$(encllib)/musl
	install -d $(DESTDIR)$(encllib)/mbedtls
	install -m 0644 $(MBEDTLS_LIB) $(DESTDIR)$(encllib)/mbedtls
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' packaging/encl.pc.in > $(DESTDIR)$(pcdir)/encl.pc
	install -m 0644 $(MANPAGES) $(DESTDIR)$(man1dir)
	install -m 0644 $(COMPS) $(DESTDIR)$(compdir)
	install -m 0644 $(filter-out docs/%,$(DOCS)) $(DESTDIR)$(docdir)
	install -m 0644 $(filter docs/%,$(DOCS)) $(DESTDIR)$(docdir)/docs

# The files, then the folders that only encl uses; shared ones such as
# PREFIX/bin stay, even when empty.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rm -rf $(DESTDIR)$(encllib)/musl $(DESTDIR)$(encllib)/mbedtls
	rmdir --ignore-fail-on-non-empty $(addprefix $(DESTDIR),$(docdir)/docs $(docdir) $(encllib)) 2>/dev/null || true

DEB := $(B)/encl_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null).deb

deb: $(DEB)
$(DEB): all $(MANPAGES) $(COMPS) packaging/mkdeb
	rm -rf $(B)/deb
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(B)/deb PREFIX=/usr
	packaging/mkdeb $(B)/deb $(VERSION) $@
	rm -rf $(B)/deb

# The compilers' dependency files; not those of the real programs that
# tests/e2e/real_programs.sh builds in $(B)/real (docs/real_programs.md).
-include $(shell find $(B) -path $(B)/real -prune -o -name '*.d' -type f -print 2>/dev/null)
