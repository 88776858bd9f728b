#!/bin/bash
# t-udev.sh - the udev rules (udev/90-sriov.rules, with this build's sriovctl
# substituted) keep VF counts and VF settings at the desired state in
# /etc/sriov, with systemd-udevd running in the guest: after the igb driver
# is reloaded (igb creates no VFs by itself), after sriov_numvfs goes to 0
# and back, after the netdevsim device is deleted and re-created (its netdev's
# appearance is the trigger). A replayed event changes nothing.
#   tests/vm/run-in-vm tests/vm/t-udev.sh
# A run takes under a minute; a guest that hangs (seen once in about ten
# runs, in the kernel or the emulated igb while VFs are re-created) fails
# after 5 minutes instead of 10.
# rig: RIG_TIMEOUT=300
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_sriovctl
NSIM_VFS=${NSIM_VFS:-64}
ELOG=/tmp/udev-event.log

section "the rules, udevd, the desired state"
# the rule runs THIS build's sriovctl, through a wrapper that keeps its output
SRIOVCTL=$(command -v sriovctl)
cat >/run/sriov-udev-event <<WRAP
#!/bin/bash
echo "+ \$EPOCHREALTIME \$ACTION \$DEVPATH" >>$ELOG
exec $SRIOVCTL udev-event >>$ELOG 2>&1
WRAP
chmod +x /run/sriov-udev-event
mkdir -p /tmp/rules
sed 's|@SRIOVCTL@ udev-event|/run/sriov-udev-event|' "$REPO/udev/90-sriov.rules" >/tmp/rules/90-sriov.rules
check "the generated rule runs this build's sriovctl" grep -q 'RUN+="/run/sriov-udev-event"' /tmp/rules/90-sriov.rules
: >"$ELOG"
# the desired state before anything appears (as on a host at boot)
udevcfg_write "$(pci_find "${RIG_IGB_PF_ID[@]}" | head -n 1)" "$NSIM_VFS"
check "config check accepts the desired state" sriovctl config check
check "systemd-udevd runs with the rules" udevd_start /tmp/rules/90-sriov.rules

section "igb loaded: the PF's bind sets the VF count"
check "igb loaded" igb_load
read -r PF _ < <(rig_igb_pfs)
PFDEV=$(pf_netdev_settled "$PF")
note "igb PF $PF netdev $PFDEV"
ip link set "$PFDEV" up
check "7 VFs made through the rules" wait_for 60 _vfs_are "$PF" 7
check "every VF's settings (ip -d link show)" vfs_wait_norm "$PFDEV" UDEVCFG_IGB 60

section "igb driver reloaded with 7 VFs configured"
check_igb_reloaded

section "sriov_numvfs to 0 and back"
udevd_settle || true
MARK=$(wc -l <"$ELOG")
note "numvfs 0 at $EPOCHREALTIME"
check "numvfs 0" vfs_disable "$PF"
udevd_settle || true
check_eq "the rules leave an admin's VF count alone" 0 "$(<"/sys/bus/pci/devices/$PF/sriov_numvfs")"
tail -n +$((MARK + 1)) "$ELOG" | grep -v "^+ .* /devices/.*/net/\|already as desired" | head -n 20 | show || true
check "numvfs 7" vfs_enable "$PF" 7
check "every VF's settings come back" vfs_wait_norm "$PFDEV" UDEVCFG_IGB 60

section "netdevsim deleted and re-created ($NSIM_VFS VFs)"
check_nsim_recreated "$NSIM_VFS"

section "a replayed event changes nothing"
check "udevd idle" udevd_settle
MARK=$(wc -l <"$ELOG")
udevadm_ trigger --action=bind "/sys/bus/pci/devices/$PF"
udevadm_ trigger --action=add "/sys/class/net/$NSDEV"
udevadm_ trigger --action=change "$(readlink -f "/sys/bus/pci/devices/$PF/virtfn3")"
check "udevd idle again" udevd_settle
NEW=$(tail -n +$((MARK + 1)) "$ELOG")
check_eq "three events ran the rule" 3 "$(grep -c '^+ ' <<<"$NEW" || true)"
check_eq "each said: already as desired" 3 "$(grep -c 'already as desired: nothing changed' <<<"$NEW" || true)"
check_eq "nothing else was said" "" "$(grep -v -e '^+ ' -e 'already as desired' <<<"$NEW" || true)"
check_eq "igb settings unchanged" "$UDEVCFG_IGB" "$(vfs_norm "$PFDEV")"
check_eq "netdevsim settings unchanged" "$UDEVCFG_NSIM" "$(vfs_norm "$NSDEV")"

note "the rule ran $(grep -c '^+ ' "$ELOG") times; errors logged: $(grep -c 'sriovctl: udev-event' "$ELOG" || true)"
grep 'sriovctl: udev-event' "$ELOG" | head -n 5 | show || true
