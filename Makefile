# bpfw - an eBPF firewall with the iptables command line.
#
#   make          build build/bpfw and the iptables links
#   make deps     install the Debian packages bpfw needs
#   make check    every test (unit, verdict, end to end, parity, conformance)
#   make stress   the long forms of the fault, load and leak tests
#   make demo     a firewall on its own namespaces with real traffic

CC	?= gcc
BUILD	:= build
OBJDIR	:= $(BUILD)/obj

PKGS	:= libbpf libelf zlib libmnl libnftnl
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 \
	   -D_GNU_SOURCE -Iinclude
CFLAGS	+= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# SAN: sanitizer flags for a separate build, e.g. BUILD=build/asan SAN=-fsanitize=address
CFLAGS	+= $(SAN)
LDFLAGS	+= $(SAN)
LDLIBS	+= $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lbpf -lelf -lz -lmnl -lnftnl)
LDLIBS	+= -lreadline

# Every module's sources; compat/main.c holds main() and stays out of the library.
LIB_SRCS  := $(wildcard lib/*.c frontend/*.c compiler/*.c bpf/*.c compat/*.c)
LIB_SRCS  := $(filter-out compat/main.c,$(LIB_SRCS))
LIB_OBJS  := $(LIB_SRCS:%.c=$(OBJDIR)/%.o)
LIBBPFW   := $(BUILD)/libbpfw.a

LINKS	:= iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore ipset

UNIT_SRCS    := $(wildcard tests/unit/test_*.c)
UNIT_BINS    := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
VERDICT_SRCS := $(wildcard tests/verdict/test_*.c)
VERDICT_BINS := $(VERDICT_SRCS:tests/verdict/%.c=$(BUILD)/tests/verdict/%)
TEST_LIB_SRCS := $(wildcard tests/lib/*.c)
TEST_LIB_OBJS := $(TEST_LIB_SRCS:%.c=$(OBJDIR)/%.o)

DEB_PKGS := gcc make pkg-config libbpf-dev libelf-dev zlib1g-dev libmnl-dev libnftnl-dev \
	    libreadline-dev libcunit1-dev iproute2 iptables nftables iputils-ping \
	    python3 bpftool tmux clang valgrind ufw ipset

BENCH_PKGS := xdp-tools gnuplot-nox clang llvm bpftool iptables nftables util-linux
BENCH	:= ../shared/bench
BENCH_SYS := $(CURDIR)/bench/systems/bpfw.sh
BENCH_OUT := $(CURDIR)/build/bench

.PHONY: all deps check demo clean format lint tests bench bench-deps fuzz stress

all: $(BUILD)/bpfw $(addprefix $(BUILD)/,$(LINKS))

$(OBJDIR)/%.o: %.c $(wildcard include/bpfw/*.h */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(LIBBPFW): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/bpfw: $(OBJDIR)/compat/main.o $(LIBBPFW)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(addprefix $(BUILD)/,$(LINKS)): $(BUILD)/bpfw
	ln -sf bpfw $@

$(BUILD)/tests/unit/%: tests/unit/%.c $(TEST_LIB_OBJS) $(LIBBPFW)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/lib -o $@ $^ $(LDLIBS) -lcunit

$(BUILD)/tests/verdict/%: tests/verdict/%.c $(TEST_LIB_OBJS) $(LIBBPFW)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/lib -o $@ $^ $(LDLIBS) -lcunit

tests: all $(UNIT_BINS) $(VERDICT_BINS)

# Install what is missing; a no-op on a machine that has everything.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || \
			missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

check: tests
	tests/run.sh

demo: all
	tests/demo.sh

# The long forms of the fault, load and leak tests (minutes, not seconds).
stress: tests
	tests/stress.sh

# The shared harness with bpfw plugged in beside iptables, nft and xdp-filter;
# QUICK=1 for the short run.  Writes doc/perf/results.md and its plot.
bench-deps:
	@$(MAKE) -s deps DEB_PKGS="$(BENCH_PKGS)"

bench: all bench-deps
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf	# xdp-filter pins there
	rm -rf $(BENCH_OUT)
	$(BENCH)/run.sh $(if $(QUICK),--quick) --out $(BENCH_OUT) \
		--systems none,none-b,iptables-nft,iptables-legacy,nft,nft-set,xdp-filter,xdp-pass,$(BENCH_SYS) \
		--update-systems iptables-legacy,iptables-nft,nft,nft-set,$(BENCH_SYS)
	$(BENCH)/bench-pps.sh --scenarios chain --rules 100,1000,10000 \
		$(if $(QUICK),--rounds 3 --duration 0.15) --out $(BENCH_OUT)/mixed \
		--systems none-b,$(CURDIR)/bench/systems/bpfw-mixed.sh,$(CURDIR)/bench/systems/iptables-nft-mixed.sh
	$(if $(QUICK),PAIRS=1) bench/testrun.sh $(BENCH_OUT)/bpfw-testrun.tsv $(if $(QUICK),100 10000)
	$(if $(QUICK),,bench/memory.sh $(BENCH_OUT)/memory.tsv 100000)
	bench/report.sh $(BENCH_OUT) doc/perf

# libFuzzer targets under ASan/UBSan, FUZZ_SECS each (default 300).
fuzz:
	tests/fuzz/run.sh $(or $(FUZZ_SECS),300)

clean:
	rm -rf $(BUILD)

format:
	clang-format -i $(wildcard include/bpfw/*.h lib/*.c frontend/*.c compiler/*.c bpf/*.c compat/*.c)

# libbpf's option macros are spelled out for cppcheck; its cross-file null
# checks cannot see that ipt_cmd_show() substitutes an empty table.
lint:
	cppcheck --quiet --enable=warning,portability --error-exitcode=1 -Iinclude \
		"-DLIBBPF_OPTS(t,n,...)=struct t n = {0}" \
		"-DDECLARE_LIBBPF_OPTS(t,n,...)=struct t n = {0}" \
		--suppress=ctunullpointer lib frontend compiler bpf compat
