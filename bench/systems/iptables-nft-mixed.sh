#!/bin/bash
# System "iptables-nft-mixed" for the shared benchmark harness: the system's
# iptables-nft with bpfw's mixed-ACL scenario (bench/gen-mixed-acl.sh), the
# yardstick for bpfw-mixed.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
nsx() { nsenter --net="/run/netns/$FWB_NS" "$@"; }
case "${1:-}" in
supports) [ "${FWB_N:-0}" -le 20000 ] ;;
prepare) "$here/bench/gen-mixed-acl.sh" "$FWB_N" >"$FWB_WORK/nft-mixed.rules" ;;
expect) echo pass ;;
kind) echo reference ;;
setup) nsx iptables-nft-restore <"$FWB_WORK/nft-mixed.rules" ;;
teardown) nsx iptables-nft -F; nsx iptables-nft -X ;;
*) exit 3 ;;
esac
