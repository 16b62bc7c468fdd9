#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS]: build the libFuzzer targets with clang and the
# sanitizers, seed them from ../shared/conformance, run each for SECONDS
# (default 60), and report. A crash leaves its input in build/fuzz/ and
# makes the script fail.
# tests/fuzz/run.sh --regressions: only run the inputs of tests/fuzz/regressions/
# (every crash found so far) through the sanitized targets; ends with
# "N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-60}
regress=0
[ "$secs" = --regressions ] && regress=1
out=build/fuzz
shared=../shared/conformance/iptables
mkdir -p "$out"
# the iptables parsers and what they need (not the nft front end, which
# lists through compat/, nor the libnftnl import)
srcs=$(ls lib/*.c frontend/*.c compiler/*.c compat/ipt_*.c | grep -v '^frontend/nft_')
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-std=gnu11 -D_GNU_SOURCE -Iinclude"

seed() { # the rule columns of the .t files, and the dumps
	local dir=$1 mode=$2 i=0 pre='\001'
	[ "$mode" = verify ] && pre=''
	mkdir -p "$dir"
	for t in "$shared"/extensions/*.t; do
		grep -v '^[#:@%*]' "$t" | cut -d';' -f1 | while IFS= read -r rule; do
			[ -n "$rule" ] || continue
			i=$((i + 1))
			if [ "$mode" = argv ]; then
				printf -- '-A INPUT %s' "$rule" >"$dir/$(basename "$t").$i"
			else
				printf "$pre"'*filter\n-A INPUT %s\nCOMMIT\n' "$rule" >"$dir/$(basename "$t").$i"
			fi
		done
	done
	if [ "$mode" != argv ]; then
		for d in "$shared"/dumps/*; do
			{ [ "$mode" = restore ] && printf '\003'; cat "$d"; } >"$dir/$(basename "$d")"
		done
	fi
}

# The sources compiled once, two at a time, for every target: objects with
# the sanitizers' instrumentation, linked with each target's own file.
objs() { # the object of each source given, in build/fuzz/obj
	local obj=$out/obj src
	mkdir -p "$obj"
	# shellcheck disable=SC2086  # word lists
	printf '%s\n' "$@" | xargs -P2 -I{} sh -c \
		'o="$1/$(printf %s "$2" | tr / _).o"; [ "$o" -nt "$2" ] || clang $3 -c "$2" -o "$o"' \
		sh "$obj" {} "$(printf '%s' "$flags" | sed 's/fuzzer,/fuzzer-no-link,/')" || return 1
	for src in "$@"; do
		printf '%s ' "$obj/$(printf %s "$src" | tr / _).o"
	done
}
rm -rf "$out/obj"	# made again each run: a header's change reaches every object
status=0 passed=0 failed=0
# target: argv and restore (the parsers, the save text, the compiler) run
# anywhere; verify (compiled programs through the kernel's verifier) as root.
targets="argv restore"
[ "$(id -u)" = 0 ] && targets="$targets verify"
for target in $targets; do
	if [ $regress = 1 ] && ! compgen -G "tests/fuzz/regressions/$target-*" >/dev/null; then
		continue
	fi
	case $target in
	verify)
		bin=$out/fuzz_cgen_verify
		# shellcheck disable=SC2086  # word lists
		clang $flags -o "$bin" tests/fuzz/fuzz_cgen_verify.c $(objs $srcs bpf/*.c) \
			$(pkg-config --libs libbpf libelf libmnl 2>/dev/null ||
			  echo -lbpf -lelf -lz -lmnl) || exit 2 ;;
	*)
		bin=$out/fuzz_ipt_$target
		# shellcheck disable=SC2086  # word lists
		clang $flags -o "$bin" "tests/fuzz/fuzz_ipt_$target.c" $(objs $srcs) || exit 2 ;;
	esac
	if [ $regress = 1 ]; then
		for f in tests/fuzz/regressions/"$target"-*; do
			[ -e "$f" ] || continue
			if "$bin" -runs=1 "$f" >"$out/regress.log" 2>&1; then
				passed=$((passed + 1))
				echo "ok   $f"
			else
				failed=$((failed + 1))
				echo "FAIL $f"
				grep -E 'ERROR|SUMMARY' "$out/regress.log" | head -n 3
			fi
		done
		continue
	fi
	corpus=$out/corpus-$target
	[ -d "$corpus" ] || seed "$corpus" "$target"
	echo "== $(basename "$bin"): ${secs}s, corpus $(ls "$corpus" | wc -l) inputs"
	if ! "$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 \
		-artifact_prefix="$out/crash-$target-" "$corpus" 2>"$out/$target.log"; then
		echo "FAIL $(basename "$bin"): see $out/$target.log"
		status=1
	fi
	grep -E '^(#[0-9]+ +DONE|Done)' "$out/$target.log" | tail -n1
done
if [ $regress = 1 ]; then
	echo "$passed passed, $failed failed"
	[ $failed = 0 ]
	exit
fi
exit $status
