#!/bin/bash
# System "bpfw" for the shared benchmark harness (../shared/bench, see its
# README "System interface"): the rule file is loaded with bpfw's
# iptables-restore into the receiver namespace, where bpfw attaches its
# programs to every interface; "add" is bpfw's iptables -A.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${BPFW_BIN:-$here/build}
nsx() { nsenter --net="/run/netns/$FWB_NS" "$@"; }
case "${1:-}" in
supports | prepare) exit 0 ;;
expect) echo pass ;;
kind) echo firewall ;;
setup) nsx "$bin/iptables-restore" <"$FWB_RULES_SAVE" ;;
add)
	# shellcheck disable=SC2086  # FWB_RULE is an iptables argument list
	nsx "$bin/iptables" $FWB_RULE
	;;
teardown)
	nsx "$bin/iptables" -F
	nsx "$bin/iptables" -X
	nsx "$bin/iptables" -P INPUT ACCEPT
	;;
*) exit 3 ;;
esac
