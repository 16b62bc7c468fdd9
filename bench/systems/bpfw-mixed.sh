#!/bin/bash
# System "bpfw-mixed" for the shared benchmark harness (../shared/bench):
# bpfw with bpfw's own mixed-ACL scenario (bench/gen-mixed-acl.sh, N =
# FWB_N) instead of the harness's rules.  The harness's check of its last
# rule does not apply, so the system calls itself a reference; the traffic
# must still pass.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${BPFW_BIN:-$here/build}
nsx() { nsenter --net="/run/netns/$FWB_NS" "$@"; }
case "${1:-}" in
supports) [ "${FWB_N:-0}" -le 20000 ] ;;
prepare) "$here/bench/gen-mixed-acl.sh" "$FWB_N" >"$FWB_WORK/bpfw-mixed.rules" ;;
expect) echo pass ;;
kind) echo reference ;;
setup) nsx "$bin/iptables-restore" <"$FWB_WORK/bpfw-mixed.rules" ;;
teardown)
	nsx "$bin/iptables" -F
	nsx "$bin/iptables" -X
	;;
*) exit 3 ;;
esac
