#!/bin/bash
# t-switchdev.sh - eswitch modes and VF representors in `sriovctl list` and
# `show` (JSON, text, XML) against the kernel's own view: `devlink dev eswitch
# show`, `devlink port show`, sysfs phys_port_name and `ip -d link` portname,
# on netdevsim (devlink, eswitch legacy/switchdev, a port netdev per VF in
# switchdev mode) and igb (no devlink). Legacy, then switchdev with VFs
# (representors matched to VFs), then back to legacy, by iproute2's devlink
# and by the library's own ESWITCH_SET (sriov-testtool); the devlink requests
# `list` costs; a user without CAP_NET_ADMIN.
#   tests/vm/run-in-vm tests/vm/t-switchdev.sh
# rig: RIG_NVME=0 RIG_IGB=1
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_sriovctl
TOOL=$SRIOV_BUILD_DIR/tests/sriov-testtool
DL=netdevsim/netdevsim1

# pf_json DEVICE : the PF's object in `sriovctl list --json`
pf_json() { sriovctl list --json | jq -c --arg a "$1" '.physical_functions[] | select(.address == $a)'; }
# dl_mode : the eswitch mode iproute2's devlink reports for netdevsim1
dl_mode() { devlink -j dev eswitch show "$DL" | jq -r --arg d "$DL" '.dev[$d].mode'; }
# dl_reps : "VF NETDEV PORTINDEX" for each pcivf port of netdevsim1, by VF
dl_reps() {
	devlink -j port show | jq -r --arg d "$DL/" '.port | to_entries[]
		| select((.key | startswith($d)) and .value.flavour == "pcivf")
		| "\(.value.vfnum) \(.value.netdev) \(.key | ltrimstr($d))"' | sort -n
}
# sctl_reps : the same triples from `sriovctl show netdevsim1 --json`
sctl_reps() {
	sriovctl show netdevsim1 --json | jq -r '.vfs[] | select(.devlink_port != null)
		| "\(.index) \(.representor) \(.devlink_port.index)"' | sort -n
}
_reps_are() { [ "$(dl_reps | wc -l)" = "$1" ]; }

igb=$(pci_find "${RIG_IGB_PF_ID[@]}" | head -n1)
NS=$(nsim_new 1 2)
note "netdevsim1 port $NS, igb PF $igb"

section "legacy mode"
check_eq "devlink says legacy" legacy "$(dl_mode)"
J=$(pf_json netdevsim1)
check_eq "list --json: eswitch_mode legacy" legacy "$(jq -r .eswitch_mode <<<"$J")"
check_eq "list --json: devlink handle" "$DL" "$(jq -r .devlink <<<"$J")"
check_eq "list --json: no representor on any VF" "null null" "$(jq -r '[.vfs[].representor] | map(tostring) | join(" ")' <<<"$J")"
J=$(pf_json "$igb")
check_fails "devlink has no instance for the igb PF" devlink dev eswitch show "pci/$igb"
check_match "... and the kernel says ENODEV" "No such device" "$CHECK_OUTPUT"
check_eq "list --json: igb is no-devlink (ENODEV)" "no-devlink ENODEV null" \
	"$(jq -r '"\(.eswitch_mode) \(.eswitch_error) \(.devlink)"' <<<"$J")"
T=$(sriovctl list)
check_match "list: ESWITCH column" "ESWITCH" "$T"
check_match "list: netdevsim1 legacy" $'\n''netdevsim1 +netdevsim +[^ ]+( +[^ ]+){7} +legacy' "$T"
check_match "list: igb no-devlink" "$igb .* no-devlink" "$T"
T=$(sriovctl show "$igb")
check_match "show: igb says why there is no eswitch" "eswitch +none: no devlink instance \(ENODEV\)" "$T"

section "switchdev mode with 2 VFs (iproute2's devlink)"
check "devlink dev eswitch set $DL mode switchdev" devlink dev eswitch set "$DL" mode switchdev
check "a representor per VF appears" wait_for 30 _reps_are 2
check_eq "devlink says switchdev" switchdev "$(dl_mode)"
check_eq "sriovctl show: representors and ports are devlink's, by VF" "$(dl_reps)" "$(sctl_reps)"
J=$(sriovctl show netdevsim1 --json)
check_eq "show --json: eswitch_mode switchdev" switchdev "$(jq -r .eswitch_mode <<<"$J")"
check_eq "show --json: the PF's netdev is its port, not the representors" "[\"$NS\"]" "$(jq -c .netdevs <<<"$J")"
while read -r vf rep port; do
	ppn=$(<"/sys/class/net/$rep/phys_port_name")
	check_eq "VF $vf: sysfs phys_port_name of $rep" "pf0vf$vf" "$ppn"
	check_eq "VF $vf: sriovctl's phys_port_name" "$ppn" \
		"$(jq -r --argjson v "$vf" '.vfs[] | select(.index == $v) | .devlink_port.phys_port_name' <<<"$J")"
	check_eq "VF $vf: ip -d link portname of $rep" "$ppn" "$(ip -j -d link show "$rep" | jq -r '.[0].phys_port_name')"
	check_eq "VF $vf: devlink port $port is pf 0 vf $vf" "0 $vf" \
		"$(devlink -j port show "$DL/$port" | jq -r '.port[] | "\(.pfnum) \(.vfnum)"')"
done < <(dl_reps)
check_eq "show --json: no warning" "[]" "$(jq -c .warnings <<<"$J")"
T=$(sriovctl show netdevsim1)
check_match "show: eswitch row" $'\n''eswitch +switchdev' "$T"
check_match "show: representors block" "Representors \(eswitch switchdev, devlink $DL\)" "$T"
rep0=$(dl_reps | awk '$1 == 0 {print $2}')
check_match "show: VF 0's representor row" $'\n''  0 +'"$rep0"' +'"$DL"'/128 +pf0vf0' "$T"
X=$(sriovctl list --xml)
check_match "list --xml: eswitch element" "<eswitch mode=\"switchdev\" devlink=\"$DL\"/>" "$X"
check_match "list --xml: VF 0's representor" "<representor netdev=\"$rep0\" port=\"128\" pf=\"0\" vf=\"0\" phys_port_name=\"pf0vf0\"/>" "$X"
check_match "list --json: representors not listed as macvtap lower devices" "^$" \
	"$(sriovctl list --json | jq -r --arg r "$rep0" '.macvtap_lower_devices[] | select(.name == $r) | .name')"

section "devlink requests of list and show"
# the generic netlink requests a command sends, from strace (which, in the
# guest, prints the family ids as numbers): "LOOKUPS GETS DUMPS" = family
# lookups (nlctrl, 0x10), DEVLINK_CMD_ESWITCH_GET (cmd 0x1d) and port dumps
# (DEVLINK_CMD_PORT_GET, cmd 0x05: sriovctl sends it only as a dump)
genl_sends() {
	local t
	t=$(strace -f -qq -e trace=sendto -e signal=none "$@" 2>&1 >/dev/null | grep 'sendto(.*AF_NETLINK' || true)
	echo "$(grep -c 'nlmsg_type=\(0x10\|nlctrl\)[ ,]' <<<"$t") $(grep -c '}, "\\x1d\\x01' <<<"$t")" \
		"$(grep -c '}, "\\x05\\x01' <<<"$t")"
}
check_eq "list: one family lookup, one ESWITCH_GET per PF (netdevsim1, igb), one port dump" "1 2 1" \
	"$(genl_sends sriovctl list --json)"
check_eq "show: one ESWITCH_GET, one port dump" "1 1 1" "$(genl_sends sriovctl show netdevsim1 --json)"
check_eq "show of the igb PF: its ESWITCH_GET only" "1 1 0" "$(genl_sends sriovctl show "$igb")"

section "without CAP_NET_ADMIN"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups sriovctl list --json 2>/tmp/nobody.err)
check_eq "eswitch_mode null, eswitch_error EPERM" "null EPERM" \
	"$(jq -r '.physical_functions[] | select(.address == "netdevsim1") | "\(.eswitch_mode) \(.eswitch_error)"' <<<"$out")"
check_match "a notice says why" "CAP_NET_ADMIN" "$(cat /tmp/nobody.err)"

section "the library's ESWITCH_SET (sriov-testtool eswitch-set)"
check "eswitch-set netdevsim1 legacy" "$TOOL" eswitch-set netdevsim1 legacy
check_eq "devlink says legacy" legacy "$(dl_mode)"
check "the representors are gone" wait_for 30 _reps_are 0
check_eq "list --json: legacy, no representors" "legacy null null" \
	"$(pf_json netdevsim1 | jq -r '"\(.eswitch_mode) " + ([.vfs[].representor] | map(tostring) | join(" "))')"
check "eswitch-set netdevsim1 switchdev" "$TOOL" eswitch-set netdevsim1 switchdev
check "the representors are back" wait_for 30 _reps_are 2
check_eq "sriovctl show: matched to the VFs again" "$(dl_reps)" "$(sctl_reps)"
check_fails "eswitch-set of the igb PF fails" "$TOOL" eswitch-set "$igb" switchdev
check_match "... with the kernel's ENODEV" "ENODEV" "$CHECK_OUTPUT"

section "back to legacy (iproute2's devlink), VFs kept"
check "devlink dev eswitch set $DL mode legacy" devlink dev eswitch set "$DL" mode legacy
check "the representors are gone" wait_for 30 _reps_are 0
J=$(pf_json netdevsim1)
check_eq "list --json: legacy" legacy "$(jq -r .eswitch_mode <<<"$J")"
check_eq "the 2 VFs stay, without representors" "2 0" \
	"$(jq -r '"\(.vfs | length) \([.vfs[] | select(.representor != null)] | length)"' <<<"$J")"
check_eq "the PF's netdev" "[\"$NS\"]" "$(jq -c .netdevs <<<"$J")"

# netdevsim (6.1) changes the mode with VFs present either way (no need for
# sriov_numvfs 0 first); but writing sriov_numvfs 0 in switchdev mode drops
# the eswitch back to legacy (nsim_drv_configure_vfs), and VFs created after
# that have no representors until the mode is set again.
section "netdevsim: sriov_numvfs 0 in switchdev mode means legacy"
check "switchdev again" devlink dev eswitch set "$DL" mode switchdev
check "representors" wait_for 30 _reps_are 2
check "sriov_numvfs 0" nsim_set_vfs 1 0
check_eq "devlink says legacy" legacy "$(dl_mode)"
check_eq "so does sriovctl" legacy "$(pf_json netdevsim1 | jq -r .eswitch_mode)"
check "sriov_numvfs 2" nsim_set_vfs 1 2
check_eq "still legacy, no representors" "legacy 0" "$(dl_mode) $(dl_reps | wc -l)"
