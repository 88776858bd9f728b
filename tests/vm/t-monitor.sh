#!/bin/bash
# t-monitor.sh - `sriovctl monitor` (a libudev monitor on udev's pci and net
# events, systemd-udevd running in the guest) keeps VF counts and VF settings
# at the desired state in /etc/sriov: at start-up; after the igb driver is
# reloaded (igb creates no VFs by itself); after sriov_numvfs goes to 0 and
# back; after the netdevsim device is deleted and re-created (its VF count
# changes send no uevents: its netdev's appearance is the trigger). Bursts
# make few passes; a replayed event changes nothing; SIGTERM stops it.
#   tests/vm/run-in-vm tests/vm/t-monitor.sh
# A run takes under a minute; a guest that hangs (seen once in about ten
# runs, in the kernel or the emulated igb while VFs are re-created) fails
# after 5 minutes instead of 10.
# rig: RIG_TIMEOUT=300
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_sriovctl
NSIM_VFS=${NSIM_VFS:-64}
LOG=/tmp/monitor.log

section "udevd, igb, the desired state"
check "systemd-udevd runs in the guest" udevd_start
check "igb loaded" igb_load
udevd_settle || true
read -r PF _ < <(rig_igb_pfs)
PFDEV=$(pf_netdev_settled "$PF")
note "igb PF $PF netdev $PFDEV"
udevcfg_write "$PF" "$NSIM_VFS"
check "config check accepts the desired state" sriovctl config check
# what a host's network configuration does: the PF up (igb takes VF rates only with link)
ip link set "$PFDEV" up

section "start-up: the monitor's first pass"
sriovctl monitor >"$LOG" 2>&1 &
MON=$!
check "the monitor started" wait_for 20 grep -q "monitoring pci and net uevents" "$LOG"
check "7 VFs made at start-up" wait_for 60 _vfs_are "$PF" 7
check "every VF's settings at start-up (ip -d link show)" vfs_wait_norm "$PFDEV" UDEVCFG_IGB 60

# passes_of PF : number of passes logged for a PF so far
passes_of() { grep -cE " $1 \(.*\) (pass done|already as desired)" "$LOG" || true; }

section "igb driver reloaded with 7 VFs configured"
P0=$(passes_of "$PF")
check_igb_reloaded
udevd_settle || true
rig_sleep 1.5
P1=$(passes_of "$PF")
EV=0
for n in $(grep -E " $PF \(" "$LOG" | sed -n 's/.*after \([0-9]*\) events\{0,1\}.*/\1/p; s/.*(\([0-9]*\) events\{0,1\})$/\1/p' |
	tail -n $((P1 - P0))); do
	EV=$((EV + n))
done
note "driver reload: $((P1 - P0)) passes for $EV events"
check "bursts coalesce: fewer passes than events ($((P1 - P0)) < $EV)" test "$((P1 - P0))" -lt "${EV:-0}"

section "sriov_numvfs to 0 and back"
check "numvfs 0" vfs_disable "$PF"
check "numvfs 7" vfs_enable "$PF" 7
check "every VF's settings come back" vfs_wait_norm "$PFDEV" UDEVCFG_IGB 60

section "a VF allocated to a guest gets the guest's settings back"
modprobe vfio-pci
cat >/tmp/mon-guest.xml <<EOF
<domain type='kvm'><name>mg</name><uuid>11111111-0000-4000-8000-0000000000e1</uuid><devices>
<interface type='direct'><mac address='52:54:00:7a:00:01'/><source dev='$PFDEV' mode='passthrough'/><vlan><tag id='200'/></vlan></interface>
</devices></domain>
EOF
check "attach a guest: a VF with MAC 52:54:00:7a:00:01, VLAN 200" sriovctl attach --domain /tmp/mon-guest.xml -o /tmp/mon-guest.out.xml
AVF=$(sriovctl allocations --json | jq -r '.allocations[0].vf')
note "the guest holds VF $AVF"
_guest_vf() { vfs_norm "$PFDEV" | grep -q "^vf $AVF mac=52:54:00:7a:00:01 vlan=200 "; }
check "vf $AVF has the guest's settings" _guest_vf
check "numvfs 0" vfs_disable "$PF"
check "numvfs 7" vfs_enable "$PF" 7
check "vf $AVF gets the guest's MAC and VLAN back (its allocation wins)" wait_for 60 _guest_vf
_others_desired() { [ "$(vfs_norm "$PFDEV" | grep -v "^vf $AVF ")" = "$(grep -v "^vf $AVF " <<<"$UDEVCFG_IGB")" ]; }
check "the other VFs get the desired state" wait_for 30 _others_desired
check "detach the guest" sriovctl detach mg
check "vf $AVF is back to its desired state" vfs_wait_norm "$PFDEV" UDEVCFG_IGB 30

section "netdevsim deleted and re-created ($NSIM_VFS VFs)"
check_nsim_recreated "$NSIM_VFS"

section "a replayed event changes nothing"
udevd_settle || true
rig_sleep 2
MARK=$(wc -l <"$LOG")
udevadm_ trigger --action=change "/sys/bus/pci/devices/$PF"
udevadm_ trigger --action=add "/sys/class/net/$NSDEV"
udevadm_ trigger --action=change "$(readlink -f "/sys/bus/pci/devices/$PF/virtfn3")"
_replayed() { tail -n +$((MARK + 1)) "$LOG" | grep -q " $PF (.*already as desired" &&
	tail -n +$((MARK + 1)) "$LOG" | grep -q " netdevsim1 (.*already as desired"; }
check "both PFs: already as desired" wait_for 10 _replayed
NEW=$(tail -n +$((MARK + 1)) "$LOG")
check_eq "no change logged for the replay" "" "$(grep ' change ' <<<"$NEW" || true)"
[ -z "$NEW" ] || show <<<"$NEW"
OUT=$(sriovctl udev-event --action add "$(readlink -f "/sys/class/net/$PFDEV" | sed 's|^/sys||')" 2>&1)
check_match "udev-event replayed by hand: nothing changed" "already as desired: nothing changed" "$OUT"
check_eq "settings unchanged" "$UDEVCFG_IGB" "$(vfs_norm "$PFDEV")"

section "SIGTERM stops the monitor"
T0=${EPOCHREALTIME/./}
kill -TERM "$MON"
check "gone within 5 s" wait_for 5 eval "! kill -0 $MON"
RC=0
wait "$MON" || RC=$?
note "stopped after $(((${EPOCHREALTIME/./} - T0) / 1000)) ms"
check_eq "exit status 0" 0 "$RC"
check "said so" grep -q "info stopping" "$LOG"

section "a bad desired state is refused with FILE:LINE"
mkdir -p /tmp/bad
printf 'pf %s numvfs 7\nvf 7 mac 02:00:00:00:00:01\n' "$PF" >/tmp/bad/10-bad.conf
RC=0
OUT=$(sriovctl --config-dir /tmp/bad config check 2>&1) || RC=$?
check_eq "config check exits 4" 4 "$RC"
check_match "names FILE:LINE, the VF and the rule" "/tmp/bad/10-bad.conf:2: vf 7: beyond numvfs 7" "$OUT"
printf 'pf %s numvfs 8\n' "$PF" >/tmp/bad/10-bad.conf
RC=0
OUT=$(sriovctl --config-dir /tmp/bad config check 2>&1) || RC=$?
check_eq "more VFs than the PF has: exit 4" 4 "$RC"
check_match "names FILE:LINE and the PF's limit" "10-bad.conf:1: numvfs 8: $PF has sriov_totalvfs 7" "$OUT"

note "monitor log: $(wc -l <"$LOG") lines; errors and pending:"
grep -E " error |pending" "$LOG" | cut -c1-400 | tail -n 12 | show || true
