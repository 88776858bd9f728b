#!/bin/bash
# igb-recreate.sh - the igb part of t-udev.sh on its own, for
# tests/vm/igb-hang-loop: systemd-udevd with the udev rules and a desired
# state of 7 VFs, igb loaded (the rules make the VFs and set them), igb
# unloaded and loaded again (the VFs and their settings come back). This is
# the step during which the guest used to freeze (tests/vm/README.md, "A guest
# that hangs"). Not a t-*.sh: run-suite does not run it by itself.
#   tests/vm/run-in-vm tests/vm/igb-recreate.sh
# rig: RIG_TIMEOUT=180
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_sriovctl
SRIOVCTL=$(command -v sriovctl)
mkdir -p /tmp/rules
sed "s|@SRIOVCTL@ udev-event|$SRIOVCTL udev-event|" "$REPO/udev/90-sriov.rules" >/tmp/rules/90-sriov.rules
udevcfg_write "$(pci_find "${RIG_IGB_PF_ID[@]}" | head -n 1)" 4
check "systemd-udevd runs with the rules" udevd_start /tmp/rules/90-sriov.rules

section "igb loaded: the rules make 7 VFs"
check "igb loaded" igb_load
read -r PF _ < <(rig_igb_pfs)
PFDEV=$(pf_netdev_settled "$PF")
ip link set "$PFDEV" up
check "7 VFs made through the rules" wait_for 60 _vfs_are "$PF" 7
check "every VF's settings" vfs_wait_norm "$PFDEV" UDEVCFG_IGB 60

section "igb driver reloaded"
check_igb_reloaded
