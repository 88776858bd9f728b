#!/bin/bash
# t-vfcfg.sh - `sriovctl set`, `apply` and `restore` against the kernel: every
# VF attribute round-trips on netdevsim and matches `ip -d link show`, by each
# name `list` prints for it (netdevsim1 too, which has no PCI identity); on igb
# the attributes the driver refuses (802.1ad, link state, min rate, query_rss)
# are named with its errno and nothing is changed, the others are applied;
# bad input changes nothing, a VF index out of range and a VF twice in a file
# are refused before any netlink request; a value read back differently is
# an error; batch apply sends one RTM_SETLINK per PF and restores every VF
# changed on a failure; saved originals survive a kill -9 at any point and
# restore puts them back.
#   tests/vm/run-in-vm tests/vm/t-vfcfg.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_sriovctl
export SRIOV_STATE_DIR=/run/sriov-test
STATE=$SRIOV_STATE_DIR

# ipvf DEV N : VF N's settings as ip(8) reports them, one normalized line
ipvf() {
	ip -j -d link show "$1" | jq -r --argjson n "$2" '.[0].vfinfo_list[] | select(.vf == $n) |
		"mac=\(.address) vlan=\(.vlan_list[0].vlan // 0) qos=\(.vlan_list[0].qos // 0)" +
		" proto=\(if (.vlan_list[0].vlan // 0) == 0 then "-" else .vlan_list[0].protocol // "802.1Q" end)" +
		" spoofchk=\(.spoofchk) trust=\(.trust) state=\(.link_state)" +
		" min=\(.rate.min_tx // 0) max=\(.rate.max_tx // 0) rss=\(.query_rss_en // "-")"'
}
# ipvfs DEV : every VF's settings (for "nothing changed" comparisons)
ipvfs() { ip -j -d link show "$1" | jq -c '[.[0].vfinfo_list[] | del(.stats)]'; }
# notify_count IFINDEX : counts the kernel's RTM_NEWLINK notifications for
# IFINDEX (rtnetlink group RTMGRP_LINK) until notify_stop; prints the count.
# ip monitor cannot: its 16 KiB buffer truncates a notification listing 64 VFs.
NOTIFY_PY='
import socket, struct, sys, os
ifindex, stop, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE
s.bind((0, 1))                                  # RTMGRP_LINK
s.settimeout(0.1)
open(ready, "w").close()
n = 0
while not os.path.exists(stop):
    try:
        data = s.recv(1 << 24)
    except socket.timeout:
        continue
    off = 0
    while off + 24 <= len(data):
        ln, typ = struct.unpack_from("=IH", data, off)
        if typ == 16 and struct.unpack_from("=i", data, off + 20)[0] == ifindex:
            n += 1
        off += (ln + 3) & ~3
print(n)
'
notify_start() {
	rm -f /tmp/notify.stop /tmp/notify.ready
	/usr/bin/python3 -c "$NOTIFY_PY" "$(<"/sys/class/net/$1/ifindex")" /tmp/notify.stop /tmp/notify.ready >/tmp/notify.out &
	NOTIFY_PID=$!
	wait_for 20 test -e /tmp/notify.ready
}
notify_stop() { # sets N_NOTIFY (not in a subshell: it waits for the listener)
	rig_sleep 0.3
	: >/tmp/notify.stop
	wait "$NOTIFY_PID" || true
	N_NOTIFY=$(cat /tmp/notify.out)
}
# run CMD... : RC and OUT of a command expected to fail or succeed
run() {
	RC=0
	OUT=$("$@" 2>&1) || RC=$?
}

# ------------------------------------------------------------------ netdevsim
section "netdevsim: each attribute round-trips and matches ip -d link show"
NS=$(nsim_new 1 8)
note "netdevsim1 netdev $NS, 8 VFs"
ORIG0=$(ipvf "$NS" 0)
run sriovctl set "$NS" vf 0 mac 02:00:00:00:00:10
check_eq "set mac: exit 0" 0 "$RC"
check_match "mac reads back in ip" "mac=02:00:00:00:00:10 " "$(ipvf "$NS" 0)"
run sriovctl set "$NS" vf 0 vlan 10 qos 3
check_match "vlan 10 qos 3 (802.1Q)" "vlan=10 qos=3 proto=802.1Q " "$(ipvf "$NS" 0)"
run sriovctl set "$NS" vf 0 vlan 20 qos 5 proto 802.1ad
check_match "vlan 20 qos 5 proto 802.1ad" "vlan=20 qos=5 proto=802.1ad " "$(ipvf "$NS" 0)"
run sriovctl set "$NS" vf 0 spoofchk on
check_match "spoofchk on" "spoofchk=true " "$(ipvf "$NS" 0)"
run sriovctl set "$NS" vf 0 trust on
check_match "trust on" "trust=true " "$(ipvf "$NS" 0)"
for s in enable disable auto; do
	run sriovctl set "$NS" vf 0 state "$s"
	check_match "state $s" "state=$s " "$(ipvf "$NS" 0)"
done
run sriovctl set "$NS" vf 0 min-rate 100 max-rate 1000
check_match "min-rate 100 max-rate 1000" "min=100 max=1000 " "$(ipvf "$NS" 0)"
run sriovctl set "$NS" vf 0 max-rate 50 min-rate 20
check_match "lowering both rates below the old minimum (min is set first)" "min=20 max=50 " "$(ipvf "$NS" 0)"
check_eq "... exit 0" 0 "$RC"
run sriovctl set "$NS" vf 0 query-rss on
check_match "query-rss on" "rss=true$" "$(ipvf "$NS" 0)"
run sriovctl set "$NS" vf 1 mac 02:00:00:00:01:01 vlan 4095 qos 7 proto 802.1Q spoofchk off trust on state disable \
	min-rate 1 max-rate 65535 query-rss on
check_eq "all attributes in one set: exit 0" 0 "$RC"
check_eq "all attributes in one set match ip -d link show" \
	"mac=02:00:00:00:01:01 vlan=4095 qos=7 proto=802.1Q spoofchk=false trust=true state=disable min=1 max=65535 rss=true" \
	"$(ipvf "$NS" 1)"
run sriovctl set "$NS" vf 1 trust on
check_match "a set that changes nothing says so" "already set as requested" "$OUT"

section "netdevsim: a value the kernel silently ignores is an error"
before=$(ipvfs "$NS")
run sriovctl set "$NS" vf 2 mac 02:00:00:00:02:02 max-rate 70000
check_eq "max-rate 70000 (netdevsim keeps 16 bits): exit 1" 1 "$RC"
check_match "... names the value and what was read back" \
	"vf 2: max-rate 70000 was accepted by netdevsim but reads back as 4464" "$OUT"
check_match "... and says nothing was changed" "nothing was changed" "$OUT"
check_eq "... and nothing was changed (the mac set with it was rolled back)" "$before" "$(ipvfs "$NS")"

section "netdevsim: saved originals and restore"
check "state file holds the originals" test -s "$STATE/vfs/netdevsim1.json"
check_match "vf 0's original is saved in the words of set" '"0":"mac 00:00:00:00:00:00 vlan 0 qos 0 ' \
	"$(cat "$STATE/vfs/netdevsim1.json")"
check "restore vf 0" sriovctl restore "$NS" vf 0
check_eq "vf 0 is back to its original settings" "$ORIG0" "$(ipvf "$NS" 0)"
check_match "vf 0 is forgotten, vf 1 still saved" '^[^0]*"1":' "$(jq -c .vfs "$STATE/vfs/netdevsim1.json")"
run sriovctl restore "$NS" vf 0
check_match "restoring it again: nothing saved, exit 0" "0:.*no saved settings" "$RC:$OUT"
check "restore vf all" sriovctl restore "$NS" vf all
check_eq "vf 1 is back to its original settings" "$ORIG0" "$(ipvf "$NS" 1 | sed 's/mac=[^ ]*/mac=00:00:00:00:00:00/')"
check "no state file is left" test ! -e "$STATE/vfs/netdevsim1.json"

section "bad input: a message naming the field and the rule, nothing changed"
sriovctl set "$NS" vf 3 mac 02:00:00:00:03:03 vlan 3 >/dev/null
before=$(ipvfs "$NS")
# bad_input EXIT ERE ARGS... : sriovctl ARGS fails with EXIT, says ERE, changes nothing
bad_input() {
	local want=$1 re=$2
	shift 2
	run sriovctl "$@"
	if [ "$RC" = "$want" ] && [[ $OUT =~ $re ]] && [ "$(ipvfs "$NS")" = "$before" ]; then
		ok "sriovctl $* -> exit $want, /$re/"
	else
		fail "sriovctl $* -> exit $RC (want $want), output: $OUT"
	fi
}
bad_input 3 "nosuch0: no such PCI device or network interface" set nosuch0 vf 0 mac 02:00:00:00:00:01
bad_input 3 "0000:7f:00.0: no such PCI device" set 0000:7f:00.0 vf 0 mac 02:00:00:00:00:01
bad_input 3 "lo is virtual" set lo vf 0 mac 02:00:00:00:00:01
bad_input 4 "vf 8: VF index out of range: $NS has 8 VFs \(vf 0-7\)" set "$NS" vf 8 mac 02:00:00:00:00:01
bad_input 4 "mac 01:00:5e:00:00:01: a VF MAC address must be unicast" set "$NS" vf 3 mac 01:00:5e:00:00:01
bad_input 4 "mac ff:ff:ff:ff:ff:ff: .*unicast.*broadcast" set "$NS" vf 3 mac ff:ff:ff:ff:ff:ff
bad_input 4 "mac '02:00:00:00:03': malformed MAC address" set "$NS" vf 3 mac 02:00:00:00:03
bad_input 4 "vlan '4096': a VLAN ID must be 0-4095" set "$NS" vf 3 vlan 4096
bad_input 4 "qos '8': a QoS \(802.1p priority\) must be 0-7" set "$NS" vf 3 vlan 3 qos 8
bad_input 4 "min-rate 500 is above max-rate 100" set "$NS" vf 3 min-rate 500 max-rate 100
bad_input 4 "proto '802.1x'" set "$NS" vf 3 vlan 3 proto 802.1x
bad_input 4 "state 'up': the link state must be auto, enable or disable" set "$NS" vf 3 state up
bad_input 4 "nothing to set" set "$NS" vf 3
printf '%s vf 0 mac 02:00:00:00:00:01\n# comment\n%s vf 1 vlan 5000\n' "$NS" "$NS" >/tmp/bad.conf
bad_input 4 "/tmp/bad.conf:3: vlan '5000': a VLAN ID must be 0-4095" apply /tmp/bad.conf
printf '%s vf 0 mac 02:00:00:00:00:01\n%s vf 99 vlan 5\n' "$NS" "$NS" >/tmp/bad.conf
bad_input 4 "/tmp/bad.conf:2: $NS vf 99: VF index out of range" apply /tmp/bad.conf
printf '%s vf 0 mac 02:00:00:00:00:01\nnosuch0 vf 1 vlan 5\n' "$NS" >/tmp/bad.conf
bad_input 3 "/tmp/bad.conf:2: nosuch0: no such" apply /tmp/bad.conf
printf '%s vf 0 mac 02:00:00:00:00:01\nnetdevsim1 vf 0 vlan 5\n' "$NS" >/tmp/bad.conf
bad_input 4 "/tmp/bad.conf:2: netdevsim1 vf 0 is already configured at /tmp/bad.conf:1 \(as $NS vf 0, the same VF of netdevsim1\)" \
	apply /tmp/bad.conf
sriovctl restore "$NS" vf all >/dev/null

section "netdevsim: each name list prints for the PF is a DEVICE of every command"
check_eq "list --json: netdevsim1 on bus netdevsim, netdev $NS" "netdevsim1 netdevsim $NS" \
	"$(sriovctl list --json | jq -r '.physical_functions[] | select(.bus == "netdevsim") | "\(.address) \(.bus) \(.netdevs[0])"')"
mkdir -p /tmp/no-desired
for d in netdevsim1 "$NS"; do
	before=$(ipvfs "$NS")
	run sriovctl show "$d"
	check_match "show $d: exit 0, PF netdevsim1" "^0:.*PF +netdevsim1" "$RC:$OUT"
	run sriovctl set "$d" vf 5 trust on
	check_eq "set $d vf 5 trust on: exit 0" "0 trust=true" "$RC $(ipvf "$NS" 5 | grep -o 'trust=[a-z]*')"
	printf '%s vf 6 spoofchk off\n' "$d" >/tmp/one.conf
	run sriovctl apply /tmp/one.conf
	check_eq "apply '$d vf 6 spoofchk off': exit 0" "0 spoofchk=false" "$RC $(ipvf "$NS" 6 | grep -o 'spoofchk=[a-z]*')"
	run sriovctl port-profile "$d" vf 0 status
	check_match "port-profile $d vf 0 status: the port is asked about (state, or none reported)" \
		"^(0:|1:.*reports no 802\.1Qbh port state)" "$RC:$OUT"
	run sriovctl --config-dir /tmp/no-desired udev-event "$d"
	check_eq "udev-event $d: exit 0" 0 "$RC"
	run sriovctl restore "$d" vf all
	check_eq "restore $d vf all: exit 0, the VFs as before" "0 $before" "$RC $(ipvfs "$NS")"
done

# ------------------------------------------------------------------ batch
section "netdevsim: apply sends one RTM_SETLINK for all VFs of a PF"
nsim_set_vfs 1 64
: >/tmp/ok.conf
for ((i = 0; i < 64; i++)); do
	printf '%s vf %d mac 02:00:00:00:10:%02x vlan %d qos %d spoofchk on\n' "$NS" "$i" "$i" $((i + 100)) $((i % 8)) >>/tmp/ok.conf
done
if [ -x /usr/bin/python3 ]; then
	# the kernel notifies VF changes only for an interface that is up
	check "$NS up" ip link set "$NS" up
	notify_start "$NS"
	run sriovctl apply /tmp/ok.conf
	notify_stop
	check_eq "apply of 64 VFs: exit 0" 0 "$RC"
	check_eq "the kernel sent one link notification for the 64 VFs (one RTM_SETLINK)" 1 "$N_NOTIFY"
	sed "s/^$NS/link set $NS/; s/ spoofchk on/ spoofchk off/" /tmp/ok.conf >/tmp/ok.batch
	notify_start "$NS"
	ip -batch /tmp/ok.batch
	notify_stop
	check_eq "ip -batch of the same 64 VFs: 64 notifications, each listing every VF" 64 "$N_NOTIFY"
	check "ip -batch spoofchk off" test "$(ipvf "$NS" 5 | grep -c spoofchk=false)" = 1
	run sriovctl apply /tmp/ok.conf
else
	skip "no /usr/bin/python3 to count notifications"
	run sriovctl apply /tmp/ok.conf
	check_eq "apply of 64 VFs: exit 0" 0 "$RC"
fi
bad=0
for i in 0 1 31 63; do
	[[ $(ipvf "$NS" "$i") == "mac=02:00:00:00:10:$(printf %02x "$i") vlan=$((i + 100)) qos=$((i % 8)) proto=802.1Q spoofchk=true "* ]] || bad=$((bad + 1))
done
check_eq "VFs 0, 1, 31 and 63 read back in ip as the file says" 0 "$bad"
check_eq "all 64 VFs saved as originals" 64 "$(jq '.vfs | length' "$STATE/vfs/netdevsim1.json")"
check_match "show lists the VFs with saved originals" \
	"Original settings saved before sriovctl changed them \(.sriovctl restore $NS vf N\|all.\): vf 0-63" \
	"$(sriovctl show "$NS")"

section "netdevsim: a broadcast MAC refused at line 40 restores every VF changed"
before=$(ipvfs "$NS")
: >/tmp/fail.conf
for ((i = 0; i < 64; i++)); do
	if [ "$i" = 39 ]; then
		printf '%s vf %d mac ff:ff:ff:ff:ff:ff vlan 9\n' "$NS" "$i" >>/tmp/fail.conf
	else
		printf '%s vf %d mac 02:00:00:00:20:%02x vlan 9 trust on\n' "$NS" "$i" "$i" >>/tmp/fail.conf
	fi
done
run sriovctl apply /tmp/fail.conf
check_eq "sriovctl's own check refuses it first: exit 4" 4 "$RC"
check_match "... naming file, line, field and rule" "/tmp/fail.conf:40: mac ff:ff:ff:ff:ff:ff: .*unicast" "$OUT"
run sriovctl --no-value-checks apply /tmp/fail.conf
check_eq "left to the driver (--no-value-checks): exit 1" 1 "$RC"
check_match "... names file:line, PF, VF, attribute, driver and errno" \
	"/tmp/fail.conf:40: $NS vf 39: mac ff:ff:ff:ff:ff:ff refused by netdevsim: Invalid argument \(EINVAL\)" "$OUT"
check_match "... and says the 39 VFs before it were restored" "the 39 VFs changed before it were restored: nothing was changed" "$OUT"
check_eq "every VF is as before the run" "$before" "$(ipvfs "$NS")"
check_eq "the originals saved before are kept (64 VFs)" 64 "$(jq '.vfs | length' "$STATE/vfs/netdevsim1.json")"
check "restore vf all" sriovctl restore "$NS" vf all
check_eq "after restore, every VF has its original MAC 00:00:00:00:00:00" 64 \
	"$(ip -j -d link show "$NS" | jq '[.[0].vfinfo_list[] | select(.address == "00:00:00:00:00:00")] | length')"

# ------------------------------------------------------------------ igb
section "igb: refused attributes are named with the driver's errno; nothing changes"
if [ "$RIG_IGB" = 0 ]; then
	skip "igb disabled (RIG_IGB=0)"
else
	check "modprobe igb igbvf" igb_load
	read -r PF IG < <(rig_igb_pfs)
	check "3 VFs on $PF ($IG)" vfs_enable "$PF" 3
	check "$IG up with carrier (igb takes max-rate only with link)" link_up "$IG" 30
	IGORIG=$(ipvfs "$IG")
	run sriovctl set "$IG" vf 0 mac 02:00:00:00:aa:01 vlan 10 qos 2 proto 802.1ad trust on state enable min-rate 10 \
		max-rate 100 query-rss on
	note "$OUT"
	check_eq "set with attributes igb refuses: exit 1" 1 "$RC"
	check_match "proto 802.1ad: EPROTONOSUPPORT" \
		"$IG vf 0: vlan 10 qos 2 proto 802.1ad refused by igb: Protocol not supported \(EPROTONOSUPPORT\)" "$OUT"
	check_match "min-rate: EINVAL" "min-rate 10 refused by igb: Invalid argument \(EINVAL\)" "$OUT"
	check_match "link state: EOPNOTSUPP" "state enable refused by igb: Operation not supported \(EOPNOTSUPP\)" "$OUT"
	check_match "query-rss: EOPNOTSUPP" "query-rss on refused by igb: Operation not supported \(EOPNOTSUPP\)" "$OUT"
	check_match "... and says nothing was changed" "; nothing was changed$" "$OUT"
	check_eq "nothing was changed (mac, trust, max-rate rolled back)" "$IGORIG" "$(ipvfs "$IG")"
	run sriovctl set "$IG" vf 0 mac 02:00:00:00:aa:01 vlan 10 qos 2 trust on spoofchk off max-rate 100
	check_eq "the accepted attributes alone: exit 0" 0 "$RC"
	check_match "... applied, as ip -d link show reports" \
		"mac=02:00:00:00:aa:01 vlan=10 qos=2 proto=802.1Q spoofchk=false trust=true state=auto min=0 max=100 " \
		"$(ipvf "$IG" 0)"
	run sriovctl show "$IG"
	check_match "show prints what igb refused before" \
		"proto +refused: EPROTONOSUPPORT .*value 802.1ad" "$OUT"
	check_match "... and what it accepted" "max-rate +accepted \(value 100\)" "$OUT"
	check_match "the record is in the state dir" '"state":\{"value":"enable","result":"EOPNOTSUPP"' \
		"$(cat "$STATE/drivers/igb.json")"

	section "igb: checked before any netlink request (exit 4): a VF beyond sriov_numvfs, one VF twice"
	before=$(ipvfs "$IG")
	# no_netlink CMD... : CMD opens no netlink socket (strace, where the rig has it)
	no_netlink() {
		if ! command -v strace >/dev/null; then
			skip "no strace to see that $* asks no netlink question"
			return 0
		fi
		strace -f -qq -e trace=socket -o /tmp/socket.trace "$@" >/dev/null 2>&1 || true
		check_fails "... no netlink socket opened" grep -q AF_NETLINK /tmp/socket.trace
	}
	run sriovctl set "$IG" vf 99999 trust on
	check_match "set $IG vf 99999: exit 4, out of range" "^4:.*$IG vf 99999: VF index out of range: $IG has 3 VFs \(vf 0-2\)" \
		"$RC:$OUT"
	no_netlink sriovctl set "$IG" vf 99999 trust on
	run sriovctl --sysfs-root /sys set "$PF" vf 3 trust on
	check_match "--sysfs-root /sys set $PF vf 3: exit 4, out of range" "^4:.*$IG vf 3: VF index out of range" "$RC:$OUT"
	run sriovctl restore "$PF" vf 99
	check_match "restore $PF vf 99: exit 4, out of range (not 'nothing to restore')" \
		"^4:.*$IG vf 99: VF index out of range: $IG has 3 VFs" "$RC:$OUT"
	printf '%s vf 1 trust on\n# the PF by its address\n%s vf 1 trust off\n' "$IG" "$PF" >/tmp/dup.conf
	run sriovctl apply /tmp/dup.conf
	check_match "apply naming vf 1 as $IG and as $PF: exit 4, both lines named" \
		"^4:.*/tmp/dup.conf:3: $PF vf 1 is already configured at /tmp/dup.conf:1 \(as $IG vf 1, the same VF of $PF\)" \
		"$RC:$OUT"
	no_netlink sriovctl apply /tmp/dup.conf
	check_eq "nothing changed" "$before" "$(ipvfs "$IG")"

	section "igb: batch apply refused at VF 2 restores VFs 0 and 1"
	before=$(ipvfs "$IG")
	printf '%s vf 0 mac 02:00:00:00:bb:00\n%s vf 1 mac 02:00:00:00:bb:01 trust on\n%s vf 2 mac 02:00:00:00:bb:02 vlan 5 proto 802.1ad\n' \
		"$IG" "$IG" "$PF" >/tmp/igb.conf
	run sriovctl apply /tmp/igb.conf
	check_eq "exit 1" 1 "$RC"
	check_match "names line 3, VF 2, the protocol and EPROTONOSUPPORT" \
		"/tmp/igb.conf:3: $IG vf 2: vlan 5 qos 0 proto 802.1ad refused by igb: Protocol not supported \(EPROTONOSUPPORT\)" "$OUT"
	check_match "... and the restore of the 2 VFs before it" "the 2 VFs changed before it were restored" "$OUT"
	check_eq "VFs 0-2 are as before" "$before" "$(ipvfs "$IG")"

	section "two PFs in one file: a failure on the second restores the first"
	nsbefore=$(ipvfs "$NS")
	printf '%s vf 0 mac 02:00:00:00:cc:00\n%s vf 1 mac 02:00:00:00:cc:01\n%s vf 1 state enable\n' "$NS" "$NS" "$IG" >/tmp/two.conf
	run sriovctl apply /tmp/two.conf
	check_match "igb's EOPNOTSUPP on line 3" "/tmp/two.conf:3: $IG vf 1: state enable refused by igb: Operation not supported \(EOPNOTSUPP\)" "$OUT"
	check_eq "the netdevsim VFs are restored" "$nsbefore" "$(ipvfs "$NS")"
	printf '%s vf 2 mac 02:00:00:00:cc:02 vlan 7\n%s vf 2 mac 02:00:00:00:dd:02 vlan 7\n' "$NS" "$IG" >/tmp/two.conf
	check "both PFs in one apply" sriovctl apply /tmp/two.conf
	check_match "netdevsim vf 2 applied" "mac=02:00:00:00:cc:02 vlan=7 " "$(ipvf "$NS" 2)"
	check_match "igb vf 2 applied" "mac=02:00:00:00:dd:02 vlan=7 " "$(ipvf "$IG" 2)"
	check "restore igb vf all (by PCI address)" sriovctl restore "$PF" vf all
	check_eq "igb VFs are back to their originals" "$IGORIG" "$(ipvfs "$IG")"
	sriovctl restore "$NS" vf all >/dev/null

	section "igb: the PF is its netdev's ifindex from sysfs, not a name another NIC may have by now"
	# A sysfs root where $PF's netdev is still called by the name the other
	# PF has now (as when the two were swapped between the sysfs read and
	# the request): the change must go to $PF's own netdev (its ifindex)
	read -r PF1 IG1 < <(rig_igb_pfs | sed -n 2p)
	F=/tmp/fake-sys
	rm -rf "$F"
	mkdir -p "$F/bus/pci/devices/$PF/net/$IG1"
	for e in /sys/bus/pci/devices/"$PF"/*; do
		[ "${e##*/}" = net ] || ln -s "$(readlink -f "$e")" "$F/bus/pci/devices/$PF/${e##*/}"
	done
	cat "/sys/class/net/$IG/ifindex" >"$F/bus/pci/devices/$PF/net/$IG1/ifindex"
	ig1before=$(ip -d link show "$IG1")
	run sriovctl --sysfs-root "$F" set "$PF" vf 0 mac 02:00:00:00:ee:01
	check_eq "set through the stale name: exit 0" 0 "$RC"
	[ "$RC" = 0 ] || note "$OUT"
	check_match "$PF's own vf 0 got the MAC" "mac=02:00:00:00:ee:01 " "$(ipvf "$IG" 0)"
	check_eq "$IG1 (the other PF, which has the name now) is untouched" "$ig1before" "$(ip -d link show "$IG1")"
	check "restore it (by the real sysfs)" sriovctl restore "$PF" vf all
	check_eq "igb VFs are back to their originals" "$IGORIG" "$(ipvfs "$IG")"
	rm -rf "$F"
fi

# ------------------------------------------------------------------ kill -9
section "kill -9 at any point: restore brings back the originals"
nsim_set_vfs 1 1024
ORIGALL=$(ip -j -d link show "$NS" | jq -c '[.[0].vfinfo_list[] | del(.stats)]') # the first 138 (ip's short list)
: >/tmp/big.conf
for ((i = 0; i < 1024; i++)); do
	printf '%s vf %d mac 02:00:00:%02x:%02x:01 vlan %d spoofchk on trust on\n' "$NS" "$i" $((i / 256)) $((i % 256)) $((i % 4000 + 1)) >>/tmp/big.conf
done
bad=0
for delay in 0.01 0.03 0.06 0.1 0.2 0.4; do
	sriovctl apply /tmp/big.conf >/dev/null 2>&1 &
	pid=$!
	rig_sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if [ -e "$STATE/vfs/netdevsim1.json" ] && ! jq -e .vfs "$STATE/vfs/netdevsim1.json" >/dev/null; then
		fail "state file unreadable after kill -9 at ${delay}s"
		bad=$((bad + 1))
	fi
	run sriovctl restore "$NS" vf all
	[ "$RC" = 0 ] || {
		fail "restore after kill -9 at ${delay}s: $OUT"
		bad=$((bad + 1))
	}
	if [ "$(ip -j -d link show "$NS" | jq -c '[.[0].vfinfo_list[] | del(.stats)]')" != "$ORIGALL" ]; then
		fail "VFs not back to the originals after kill -9 at ${delay}s and restore"
		bad=$((bad + 1))
	fi
done
check_eq "6 kills at 10-400 ms into a 1024-VF apply: state readable, restore complete" 0 "$bad"
check_eq "every VF reads back with MAC 00:00:00:00:00:00 (sriovctl show, all 1024)" 1024 \
	"$(sriovctl show "$NS" --json | jq '[.vfs[] | select(.link.mac == "00:00:00:00:00:00")] | length')"
check "no saved state is left" test ! -e "$STATE/vfs/netdevsim1.json"
nsim_del 1
