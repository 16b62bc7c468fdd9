#!/usr/bin/env bash
# Match modules with real traffic: multiport lists and ranges (as fail2ban
# writes them), and limit (a burst of pings answered, the rest dropped).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

section "topology: client 10.99.1.2 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 80 443 8080 8443 || e2e_finish

section "multiport: fail2ban's jump for ssh, http and https, and a range"
ipt_ok server -N f2b-web
ipt_ok server -A f2b-web -s 10.99.1.2 -j DROP
ipt_ok server -A f2b-web -j RETURN
ipt_ok server -I INPUT -p tcp -m multiport --dports ssh,http,https -j f2b-web
ipt_ok server -A INPUT -p udp -m multiport ! --dports 8000:8100 -j DROP
assert_eq "iptables -S prints ports as numbers" \
	"-A INPUT -p tcp -m multiport --dports 22,80,443 -j f2b-web" \
	"$(ipt server -S INPUT | sed -n 2p)"
expect drop client tcp 10.99.1.1 22
expect drop client tcp 10.99.1.1 443
expect accept client tcp 10.99.1.1 8443
expect accept client tcp 10.99.1.1 22 10.99.1.3
expect drop client udp 10.99.1.1 8443
ipt_ok server -D INPUT 1
ipt_ok server -D INPUT 1

section "limit: a burst of 3 pings a minute, the rest dropped"
ipt_ok server -A INPUT -p icmp -m limit --limit 3/min --limit-burst 3 -j ACCEPT
ipt_ok server -A INPUT -p icmp -j DROP
assert_eq "iptables -L says it as iptables does" "limit: avg 3/min burst 3" \
	"$(ipt server -L INPUT -n | awk '/limit/ { sub(/.*limit:/, "limit:"); print; exit }')"
got=$(in_ns client ping -n -q -c 6 -i 0.2 -W 1 10.99.1.1 2>/dev/null |
      awk '/received/ { print $4 }')
assert_eq "6 pings, 3 answers" 3 "${got:-none}"
expect accept client tcp 10.99.1.1 80

e2e_finish
