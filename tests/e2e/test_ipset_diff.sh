#!/usr/bin/env bash
# ipset's contract, differentially: the same command lines (good ones and
# malformed ones) through the system's ipset 7.17 in one namespace and
# through bpfw's ipset in another; stdout, stderr and the exit status must
# be the same.  What differs by nature is left out of the comparison: the
# hash seed ("initval") and "Size in memory" (the kernel's own figures),
# and the order of members and saved elements (a hash's), which are sorted.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
ipt_is_system && { info "bpfw only: compares bpfw's ipset with the system's"; e2e_finish; }
IPSET="$IPT_DIR/ipset"
SYS_IPSET=/usr/sbin/ipset
[ -x "$IPSET" ] || { info "no $IPSET"; e2e_finish; }
[ -x "$SYS_IPSET" ] || { info "no system ipset ($SYS_IPSET): apt-get install ipset"; e2e_finish; }

ns_add sys bpfw || { fail "cannot make the namespaces"; e2e_finish; }

# Normalise one command's output: the seed and the kernel's sizes out, members sorted.
norm() {
	sed -e 's/initval 0x[0-9a-f]*/initval SEED/' -e 's/^Size in memory: .*/Size in memory: N/' |
		awk '/^Members:$/ { print; m = 1; next }
		     m && /^$/ { m = 0 }
		     m || /^add / { print | "sort"; next }
		     { close("sort"); print }
		     END { close("sort") }'
}

# run WHERE ARGS...: one ipset command; prints its normalised output, then its status.
run() {
	local n=$1 bin out err rc
	shift
	bin=$IPSET
	[ "$n" = sys ] && bin=$SYS_IPSET
	out=$(in_ns "$n" "$bin" "$@" 2>"$E2E_TMP/err.$n")
	rc=$?
	printf '%s\n' "$out" | norm
	sed -e 's/^ipset v7.17 (bpfw)/ipset v7.17/' "$E2E_TMP/err.$n"
	echo "exit $rc"
}

# same ARGS...: the command through both; records PASS or FAIL.
same() {
	local a b
	a=$(run sys "$@")
	b=$(run bpfw "$@")
	assert_eq "ipset $*" "$a" "$b"
}

# same_sorted ARGS...: a command with -s, whose order is compared too.
same_sorted() {
	local a b
	a=$(in_ns sys "$SYS_IPSET" "$@" 2>&1; echo "exit $?")
	b=$(in_ns bpfw "$IPSET" "$@" 2>&1; echo "exit $?")
	a=$(sed -e 's/initval 0x[0-9a-f]*/initval SEED/' -e 's/^Size in memory: .*/Size: N/' <<<"$a")
	b=$(sed -e 's/initval 0x[0-9a-f]*/initval SEED/' -e 's/^Size in memory: .*/Size: N/' <<<"$b")
	assert_eq "ipset $* (in order)" "$a" "$b"
}

# same_restore FILE-TEXT: ipset restore of the text, through both.
same_restore() {
	local a b
	printf '%b' "$1" >"$E2E_TMP/restore"
	a=$(in_ns sys "$SYS_IPSET" restore <"$E2E_TMP/restore" 2>&1; echo "exit $?")
	b=$(in_ns bpfw "$IPSET" restore <"$E2E_TMP/restore" 2>&1; echo "exit $?")
	assert_eq "ipset restore: $(printf '%b' "$1" | tr '\n' ';')" "$a" "$b"
}

section "version, no command, unknown commands"
same -v
same version
same
same bogus
same -exist

section "create"
same create ips hash:ip
same create nets hash:net family inet hashsize 100 maxelem 1000
same create svc hash:ip,port timeout 600
same create six hash:ip family inet6
same create ips hash:ip
same create ips hash:ip -exist
same -exist create ips hash:ip hashsize 4096
same create ips hash:ip maxelem 10 -exist
same create ips hash:net -exist
same create
same create x
same create x hash:foo
same create x hash:ip family inet7
same create x hash:ip timeout -1
same create x hash:ip timeout 4294967296
same create x hash:ip timeout
same create x hash:ip bogus 1
same create 0123456789012345678901234567890123 hash:ip

section "add, del, test"
same add ips 10.0.0.1
same add ips 10.0.0.1
same add ips 10.0.0.1 -exist
same add ips 10.0.2.0/30
same add ips 300.1.1.1
same add ips ::1
same add ips 1.2.3.4,80
same add ips 10.0.0.9 timeout 5
same add ips 10.0.0.9 bogus
same add ips
same add
same add nosuch 10.0.0.1
same add nets 10.1.2.3/16
same add nets 10.9.9.9
same add nets 10.9.9.9/32
same add nets 10.1.2.3/0
same add nets 10.1.2.3/33
same add nets 300.1.2.3/8
same add ips 10.0.3.9-10.0.3.5
same add ips 10.0.3.6-10.0.3.12
same add ips 10.0.3.6-10.0.3.12 -exist
same del ips 10.0.3.5-10.0.3.7
same add nets 10.2.0.1-10.2.0.10
same add nets 10.3.0.0/24 nomatch
same add nets 10.3.0.0/16
same add nets 10.3.0.0/24
same add nets 10.3.0.0/24 -exist
same add nets 10.3.0.0/24 nomatch -exist
same test nets 10.3.0.5
same test nets 10.3.0.0/24
same test nets 10.3.1.5
same del nets 10.3.0.0/24 nomatch
same add ips 10.0.0.1 nomatch
same add svc 10.0.0.1,80 nomatch
same add svc 10.0.0.1,tcp:80
same add svc 10.0.0.1,udp:53 timeout 0
same add svc 10.0.0.1,53
same add svc 10.0.0.1,icmp:ping
same add svc 10.0.0.1,icmp:3/1
same add svc 10.0.0.2,tcp:1-3
same add svc 10.0.0.1
same add svc 10.0.0.1,foo:1
same add svc 10.0.0.1,99999
same add six 2001:db8::1
same add six 10.0.0.1
same test ips 10.0.0.1
same test ips 10.0.0.2
same test ips 10.0.2.1
same test svc 10.0.0.1,80
same test svc 10.0.0.1,udp:80
same test nets 10.1.0.0/16
same test nets 10.1.0.0/24
same del ips 10.0.0.1
same del ips 10.0.0.1
same del ips 10.0.0.1 -exist
same del nets 10.9.9.9

section "list and save"
same list ips
same list nets
same list six
same list -t svc
same list -n
same list -n ips
same list nosuch
same list ips nets
same save ips
same save nets
same save nosuch
same list -o save nets
same list -t

section "sorted"
same create srt hash:net
for a in 10.0.0.0/8 9.1.0.0/16 10.0.0.0/16 1.2.3.4 200.1.1.1 10.0.0.5; do
	same add srt $a
done
same_sorted list -s srt
same create srtp hash:ip,port
for a in 1.1.1.1,udp:53 1.1.1.1,tcp:80 1.1.1.1,tcp:22 1.1.1.0,icmp:ping 1.1.1.1,sctp:5; do
	same add srtp $a
done
same_sorted save -s srtp
same destroy srt
same destroy srtp

section "flush, rename, swap, destroy"
same flush ips
same list ips
same flush nosuch
same rename ips ips2
same rename ips2 nets
same rename nosuch x
same rename ips2
same swap ips2 nets
same swap ips2 nosuch
same swap nosuch ips2
same create ips3 hash:ip
same add ips3 10.0.0.3
same swap ips2 ips3
same list ips2
same destroy nosuch
same -exist destroy nosuch
same -exist flush nosuch
same destroy ips2 extra
same destroy ips2
same list -n
same destroy
same list -n

section "restore"
same_restore 'create a hash:ip\nadd a 1.1.1.1\nadd b 1.1.1.1\n'
same_restore 'create c hash:ip\nbogus c\n'
same_restore '# a comment\n\ncreate d hash:net\nadd d 10.0.0.0/8\n'
same list d
same_restore 'create a hash:ip\n'
same_restore 'create e hash:ip\nadd e 10.0.0.5\ncreate f hash:net\ncreate e hash:ip\n'
same list -n
same list e

# same_ipt ARGS...: an iptables command through the system's and bpfw's, with the sets above.
same_ipt() {
	local a b
	a=$(in_ns sys /usr/sbin/iptables "$@" 2>&1; echo "exit $?")
	b=$(in_ns bpfw "$IPT_DIR/iptables" "$@" 2>&1; echo "exit $?")
	assert_eq "iptables $*" "${a//(nf_tables)/(bpfw)}" "$b"
}

section "files"
same save -f "$E2E_TMP/saved.no/x"
same -f
same restore -f "$E2E_TMP/none"
for n in sys bpfw; do
	b=$IPSET
	[ $n = sys ] && b=$SYS_IPSET
	in_ns $n "$b" save d -f "$E2E_TMP/save.$n"
done
assert_eq "save -f writes the file" "$(norm <"$E2E_TMP/save.sys")" "$(norm <"$E2E_TMP/save.bpfw")"
sed -i 's/^create d /create d2 /; s/^add d /add d2 /' "$E2E_TMP/save.sys"
same restore -f "$E2E_TMP/save.sys"
same list d2

section "family inet6"
same create n6 hash:net family inet6
same add n6 2001:db8::/32
same add n6 2001:db8:1::5
same add n6 2001:db8:1::5/128
same add n6 10.0.0.0/8
same test n6 2001:db8::1
same list n6
same create p6 hash:ip,port family inet6
same add p6 ::1,icmpv6:128/0
same add p6 ::1,icmpv6:echo-request
same add p6 2001:db8::9,udp:53
same save p6
same create i6 hash:ip family inet6 timeout 30
same add i6 2001:db8::1 timeout 0
same list i6

section "iptables -m set against the system"
same create used hash:ip
same create pairs hash:ip,port
same_ipt -A INPUT -m set --match-set used src -j DROP
same_ipt -A INPUT -m set ! --match-set pairs src,dst -j ACCEPT
same_ipt -A INPUT -m set --match-set used src,dst,src,dst,src,dst -j DROP
same_ipt -S INPUT
same_ipt -L INPUT -n
same_ipt -C INPUT -m set --match-set used src -j DROP
same_ipt -D INPUT -m set --match-set used src,dst,src,dst,src,dst -j DROP
same_ipt -A INPUT -m set --match-set nosuch src -j DROP
same_ipt -A INPUT -m set --match-set used -j DROP
same_ipt -A INPUT -m set --match-set used
same_ipt -A INPUT -m set --match-set used -s 1.2.3.4
same_ipt -A INPUT -m set --match-set used bogus -j DROP
same_ipt -A INPUT -m set --match-set used src,dst,src,dst,src,dst,src -j DROP
same_ipt -A INPUT -m set --match-set 0123456789012345678901234567890123 src -j DROP
same_ipt -A INPUT -m set --match-set used src --match-set used dst -j DROP
same_ipt -A INPUT -m set -j DROP
same_ipt -A INPUT -m set --match-set n6 src -j DROP
same_ipt -A INPUT -m set --set used dst -j DROP
same_ipt -D INPUT -m set --match-set used dst -j DROP

# same_ip6t ARGS...: the same through ip6tables.
same_ip6t() {
	local a b
	a=$(in_ns sys /usr/sbin/ip6tables "$@" 2>&1; echo "exit $?")
	b=$(in_ns bpfw "$IPT_DIR/ip6tables" "$@" 2>&1; echo "exit $?")
	assert_eq "ip6tables $*" "${a//(nf_tables)/(bpfw)}" "$b"
}

same_ip6t -A INPUT -m set --match-set n6 src -j DROP
same_ip6t -A INPUT -m set ! --match-set p6 dst,dst -j DROP
same_ip6t -A INPUT -m set --match-set used src -j DROP
same_ip6t -S INPUT
same list -t pairs
same list -t used
same destroy used
same rename used other
same destroy

section "as nobody: the kernel's refusal"
# same_nobody ARGS...: the command as nobody through both.
same_nobody() {
	local a b
	a=$(in_ns sys setpriv --reuid=65534 --regid=65534 --clear-groups "$SYS_IPSET" "$@" 2>&1
	    echo "exit $?")
	b=$(in_ns bpfw setpriv --reuid=65534 --regid=65534 --clear-groups "$IPSET" "$@" 2>&1
	    echo "exit $?")
	assert_eq "ipset $* as nobody" "$a" "$b"
}

if in_ns bpfw setpriv --reuid=65534 --regid=65534 --clear-groups "$IPSET" help >/dev/null 2>&1
then
	same_nobody list
	same_nobody -v
	same_nobody add used 10.0.0.1
	same_nobody create x hash:ip
else
	info "nobody cannot run $IPSET here (a private directory): skipped"
fi

e2e_finish
