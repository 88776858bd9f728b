#!/bin/bash
# t-guest-safety.sh - a VF a guest holds outranks the desired state (issue
# 13), against the real kernel with igb VFs on vfio-pci:
#   - udev-event (as the udev rule runs it) and a starting monitor refuse a
#     VF count that would remove or re-create a held VF (lower, or 0 then N
#     because igb answers EBUSY), and an autoprobe change, with exit status 5
#     and a message naming the PF, each VF and its guest; nothing changes;
#   - once the guests are detached the same desired state goes through;
#   - a guest's VF re-created by a driver reload comes back on vfio-pci with
#     the guest's MAC;
#   - attach and reconcile passes run concurrently, many times: every guest
#     keeps its MAC, every free VF gets the desired one.
#   tests/vm/run-in-vm tests/vm/t-guest-safety.sh
# rig: RIG_TIMEOUT=600 RIG_SMP=2
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_sriovctl

export SRIOV_STATE_DIR=/run/sriov-gs SRIOV_CONFIG_DIR=/tmp/gs-conf
W=/tmp/t-gs
RACE_ROUNDS=${RACE_ROUNDS:-12}
rm -rf "$W" "$SRIOV_STATE_DIR" "$SRIOV_CONFIG_DIR"
mkdir -p "$W" "$SRIOV_CONFIG_DIR"

# guest NAME N : a domain with one passthrough interface on the PF (it gets
# a hostdev VF on vfio-pci), MAC 52:54:00:5a:00:N, UUID ...-0000000000N
guest() {
	printf '%s\n' "<domain type='kvm'><name>$1</name><uuid>11111111-0000-4000-8000-0000000000$2</uuid>" \
		"<memory>1</memory><os><type>hvm</type></os><devices>" \
		"<interface type='direct'><mac address='52:54:00:5a:00:$2'/><source dev='$PFDEV' mode='passthrough'/></interface>" \
		"</devices></domain>" >"$W/$1.xml"
}
desired() { printf '%s\n' "$@" >"$SRIOV_CONFIG_DIR/10-gs.conf"; }
# drivers PF : "ADDR DRIVER" of every VF
drivers() { local a; for a in $(vf_addrs "$1"); do echo "$a $(pci_driver "$a")"; done; }
n_allocations() { sriovctl allocations --json | jq '.allocations | length'; }
# udev_event ACTION : runs it as the udev rule does; RC and OUT
udev_event() {
	RC=0
	OUT=$(sriovctl udev-event --action "$1" "$PF" 2>&1) || RC=$?
}

section "setup: igb, 5 VFs, five guests on vfio-pci"
check "load igb" igb_load
read -r PF PFDEV < <(rig_igb_pfs | head -1)
ip link set "$PFDEV" up
check "modprobe vfio-pci" modprobe vfio-pci
check "5 VFs on $PF" vfs_enable "$PF" 5
check "VF netdevs" vfs_wait_netdevs "$PF"
for i in 0 1 2 3 4; do
	guest "g$i" "0$i"
	check "attach g$i" sriovctl attach --domain "$W/g$i.xml" -o "$W/g$i.out.xml"
done
BEFORE=$(drivers "$PF")
check_eq "every VF on vfio-pci" 5 "$(grep -c ' vfio-pci$' <<<"$BEFORE")"
check_eq "five allocations" 5 "$(n_allocations)"
VF3=$(vf_addr "$PF" 3)
# the state every refusal must leave: VF count, drivers, allocations, MACs
snapshot() { echo "$(<"/sys/bus/pci/devices/$PF/sriov_numvfs")"; drivers "$PF"; sriovctl allocations --json; ip -d link show "$PFDEV" | grep -E '^ +vf '; }
SNAP=$(snapshot)

section "udev-event: a lower VF count is refused"
desired "pf $PF numvfs 3"
udev_event add
check_eq "exit status 5 (a guest holds it)" 5 "$RC"
check_match "names the PF, the change and the rule" "$PF: numvfs 5 -> 3 refused: guests hold VFs it would remove" "$OUT"
check_match "names VF 3, its address and its guest with UUID" \
	"VF 3 \($VF3\) of domain 'g3' \(uuid 11111111-0000-4000-8000-000000000003\)" "$OUT"
check_match "and VF 4's guest" "VF 4 \([0-9a-f:.]+\) of domain 'g4'" "$OUT"
check_eq "nothing changed: count, drivers, allocations, VF settings" "$SNAP" "$(snapshot)"

section "udev-event: a higher VF count (igb: EBUSY, 0 then N) is refused"
desired "pf $PF numvfs 7"
udev_event add
check_eq "exit status 5" 5 "$RC"
check_match "says it would go through 0" "numvfs 5 -> 0 -> 7 \(.* changes a non-zero VF count only through 0\) refused" "$OUT"
check_match "names every guest" "domain 'g0'.*domain 'g1'.*domain 'g2'.*domain 'g3'.*domain 'g4'" "$OUT"
check_eq "nothing changed" "$SNAP" "$(snapshot)"
udev_event bind
check_eq "bind: exit status 5 too" 5 "$RC"
check_eq "nothing changed" "$SNAP" "$(snapshot)"

section "udev-event: autoprobe off is refused"
desired "pf $PF autoprobe off"
udev_event add
check_eq "exit status 5" 5 "$RC"
check_match "names the change" "$PF: autoprobe on -> off refused" "$OUT"
check_eq "autoprobe still on" 1 "$(<"/sys/bus/pci/devices/$PF/sriov_drivers_autoprobe")"

section "set, apply and restore refuse a guest's VF"
RC=0
OUT=$(sriovctl set "$PFDEV" vf 3 mac 02:00:00:00:0d:03 2>&1) || RC=$?
check_eq "set on g3's VF: exit 5" 5 "$RC"
check_match "names the guest" "vf 3: a change refused: VF 3 \($VF3\) of domain 'g3'" "$OUT"
printf 'vf 4 mac 02:00:00:00:0d:04\n' | sed "s/^/$PFDEV /" >"$W/vfs.conf"
RC=0
OUT=$(sriovctl apply "$W/vfs.conf" 2>&1) || RC=$?
check_eq "apply on g4's VF: exit 5" 5 "$RC"
check_match "names FILE:LINE and the guest" "vfs.conf:1: .*vf 4: a change refused: .*domain 'g4'" "$OUT"
RC=0
OUT=$(sriovctl restore "$PFDEV" vf all 2>&1) || RC=$?
check_eq "restore vf all: exit 0" 0 "$RC"
check_match "skips the guests' VFs, naming them" "vf 0: restore refused: VF 0 .*domain 'g0'" "$OUT"
check_eq "nothing changed" "$SNAP" "$(snapshot)"

section "a change event (VF settings only) leaves the count and the guests alone"
desired "pf $PF numvfs 3"
udev_event change
check_eq "exit status 0" 0 "$RC"
check_eq "nothing changed" "$SNAP" "$(snapshot)"

section "a starting monitor refuses too"
LOG=$W/monitor.log
sriovctl monitor >"$LOG" 2>&1 &
MON=$!
check "the first pass is refused and logged" wait_for 60 grep -q "numvfs 5 -> 3 refused" "$LOG"
check_match "not retried" "error $PF .*not retried" "$(grep refused "$LOG")"
rig_sleep 1
check_eq "nothing changed" "$SNAP" "$(snapshot)"
kill -TERM "$MON"
check "SIGTERM stops it within 5 s" wait_for 5 eval "! kill -0 $MON"
wait "$MON" || true

section "SIGTERM while a pass waits for the store's lock"
exec {LOCKFD}>"$SRIOV_STATE_DIR/lock"
check "the store's lock held (as by a long attach)" flock -x -n "$LOCKFD"
LOG2=$W/monitor2.log
sriovctl monitor >"$LOG2" 2>&1 &
MON=$!
check "the monitor started" wait_for 30 grep -q "monitoring pci and net uevents" "$LOG2"
_worker_waits() { pgrep -P "$MON" >/dev/null; }
check "its first pass (a worker) waits for the lock" wait_for 10 _worker_waits
rig_sleep 1
check "still waiting" _worker_waits
T0=${EPOCHREALTIME/./}
kill -TERM "$MON"
check "SIGTERM stops monitor and worker within 5 s (the unit's TimeoutStopSec is 10 s)" wait_for 5 eval "! kill -0 $MON"
note "stopped after $(((${EPOCHREALTIME/./} - T0) / 1000)) ms"
RC=0
wait "$MON" || RC=$?
check_eq "exit status 0" 0 "$RC"
check_eq "no worker left" "" "$(pgrep -f 'sriovctl monitor' || true)"
exec {LOCKFD}>&-
check_eq "nothing changed" "$SNAP" "$(snapshot)"

section "detached guests let go"
for i in 3 4; do check "detach g$i" sriovctl detach "g$i"; done
udev_event add
check_eq "three guests left: still refused (igb goes through 0)" 5 "$RC"
check_match "names only g0-g2" "domain 'g0'.*domain 'g1'.*domain 'g2'" "$OUT"
check_eq "g3 and g4 not named" "" "$(grep -oE "domain 'g[34]'" <<<"$OUT" || true)"
for i in 0 1 2; do check "detach g$i" sriovctl detach "g$i"; done
udev_event add
check_eq "no guest: exit 0" 0 "$RC"
check_match "numvfs 5 -> 0 -> 3" "numvfs 5 -> 0 -> 3" "$OUT"
check "3 VFs" wait_for 30 _vfs_are "$PF" 3

section "a guest's VF re-created by a driver reload comes back on vfio-pci"
desired "pf $PF numvfs 7" "vf 1 mac 02:00:00:00:0b:01"
udev_event add
check_eq "numvfs 3 -> 0 -> 7: exit 0" 0 "$RC"
check "VF netdevs" vfs_wait_netdevs "$PF"
guest gr 10
check "attach gr" sriovctl attach --domain "$W/gr.xml" -o "$W/gr.out.xml"
VF0=$(vf_addr "$PF" 0)
check_eq "gr holds VF 0 on vfio-pci" vfio-pci "$(pci_driver "$VF0")"
check "modprobe -r igb (the kernel removes every VF)" modprobe -r igb
check "VFs gone" wait_for 60 test ! -e "/sys/bus/pci/devices/$VF0"
check "modprobe igb" modprobe igb
check "PF netdev back" wait_for 60 eval "[ -n \"\$(pci_netdev $PF)\" ]"
PFDEV=$(pci_netdev "$PF")
ip link set "$PFDEV" up
udev_event add
check_eq "the PF's add event: exit 0" 0 "$RC"
check_match "numvfs 0 -> 7" "numvfs 0 -> 7" "$OUT"
check_match "vf 0 went back to vfio-pci for gr" "vf 0: [a-z]+ -> vfio-pci \(/dev/vfio/[0-9]+, as domain 'gr' was given it\)" "$OUT"
check_eq "VF 0 is on vfio-pci again" vfio-pci "$(pci_driver "$VF0")"
check_match "VF 0 has gr's MAC" "vf 0 +link/ether 52:54:00:5a:00:10 " "$(vf_line "$PFDEV" 0)"
check_match "VF 1 has the desired MAC" "vf 1 +link/ether 02:00:00:00:0b:01 " "$(vf_line "$PFDEV" 1)"
udev_event add
check_match "a replay changes nothing" "already as desired" "$OUT"
check "detach gr" sriovctl detach gr

section "no desired state at all: a guest's VF still comes back"
mv "$SRIOV_CONFIG_DIR" "$SRIOV_CONFIG_DIR.away"
check "attach gr" sriovctl attach --domain "$W/gr.xml" -o "$W/gr.out.xml"
check_eq "gr holds VF 0 on vfio-pci" vfio-pci "$(pci_driver "$VF0")"
check "the admin writes 0 to sriov_numvfs" vfs_disable "$PF"
check "and 7" vfs_enable "$PF" 7
check_eq "VF 0 came back on its default driver" igbvf "$(pci_driver "$VF0")"
RC=0
OUT=$(sriovctl udev-event --action change "$(readlink -f "/sys/bus/pci/devices/$VF0" | sed 's|^/sys||')" 2>&1) || RC=$?
check_eq "VF 0's change event, no config dir: exit 0" 0 "$RC"
check_match "vf 0 went back to vfio-pci" "vf 0: igbvf -> vfio-pci" "$OUT"
check_eq "VF 0 is on vfio-pci" vfio-pci "$(pci_driver "$VF0")"
check_match "VF 0 has gr's MAC" "vf 0 +link/ether 52:54:00:5a:00:10 " "$(vf_line "$PFDEV" 0)"
check "detach gr" sriovctl detach gr
mv "$SRIOV_CONFIG_DIR.away" "$SRIOV_CONFIG_DIR"

section "attach and reconcile race ($RACE_ROUNDS rounds)"
check "VF netdevs" vfs_wait_netdevs "$PF"
conf=("pf $PF numvfs 7")
for i in 0 1 2 3 4 5 6; do conf+=("vf $i mac 02:00:00:00:0c:0$i"); done
desired "${conf[@]}"
udev_event add
check_eq "the desired MACs: exit 0" 0 "$RC"
guest ra 20
guest rb 21
lost=0 failed=0
for ((k = 1; k <= RACE_ROUNDS; k++)); do
	rc=()
	sriovctl attach --domain "$W/ra.xml" -o /dev/null >"$W/ra.log" 2>&1 & a1=$!
	sriovctl udev-event --action change "$PF" >"$W/u1.log" 2>&1 & u1=$!
	sriovctl attach --domain "$W/rb.xml" -o /dev/null >"$W/rb.log" 2>&1 & a2=$!
	sriovctl udev-event --action change "$PF" >"$W/u2.log" 2>&1 & u2=$!
	for p in $a1 $u1 $a2 $u2; do wait "$p" && rc+=(0) || rc+=($?); done
	[ "${rc[*]}" = "0 0 0 0" ] || { failed=$((failed + 1)); note "round $k: exit statuses ${rc[*]}"; cat "$W"/*.log | show; }
	json=$(sriovctl allocations --json)
	for g in ra:20 rb:21; do
		vf=$(jq -r --arg d "${g%:*}" '.allocations[] | select(.domain == $d) | .vf' <<<"$json")
		line=$(vf_line "$PFDEV" "$vf")
		[[ $line == *"52:54:00:5a:00:${g#*:} "* ]] || { lost=$((lost + 1)); note "round $k: ${g%:*} on VF $vf: $line"; }
	done
	sriovctl detach ra >/dev/null 2>&1 & a1=$!
	sriovctl udev-event --action change "$PF" >/dev/null 2>&1 & u1=$!
	sriovctl detach rb >/dev/null 2>&1 & a2=$!
	for p in $a1 $u1 $a2; do wait "$p" || failed=$((failed + 1)); done
	for i in 0 1 2 3 4 5 6; do
		[[ $(vf_line "$PFDEV" "$i") == *"02:00:00:00:0c:0$i "* ]] || { lost=$((lost + 1)); note "round $k: free VF $i: $(vf_line "$PFDEV" "$i")"; }
	done
done
check_eq "every command succeeded" 0 "$failed"
check_eq "no guest MAC and no desired MAC lost" 0 "$lost"
check_eq "no allocation left" 0 "$(n_allocations)"
