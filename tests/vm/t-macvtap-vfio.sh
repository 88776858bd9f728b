#!/bin/bash
# libsriov's macvtap links and vfio-pci binding against the real
# kernel, through build/tests/sriov-testtool: all four macvtap modes on dummy
# and veth, passthru refused next to another macvtap, a macvtap on an igb VF
# netdev, an igb VF to vfio-pci and back to igbvf, and the error messages.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TOOL=${SRIOV_BUILD_DIR:-$REPO/build}/tests/sriov-testtool
if [ ! -x "$TOOL" ]; then
	fail "sriov-testtool not built ($TOOL): cmake --build build"
	exit 1
fi
tool() { "$TOOL" "$@"; }

# add_and_check LOWER MODE MAC : create through the library, check ip's view
add_and_check() {
	local low=$1 mode=$2 mac=$3 out name idx tap got
	if ! out=$(tool macvtap-add "$low" "$mode" "$mac" 2>&1); then
		fail "macvtap $mode on $low: $out"
		return 0
	fi
	read -r name idx tap got _ <<<"$out"
	ok "macvtap $mode on $low: $name ifindex $idx $tap"
	local d
	d=$(ip -d link show "$name")
	check_match "ip -d link show $name: macvtap mode $mode" "macvtap +mode $mode" "$d"
	check_match "$name is up" "<[^>]*UP[^>]*>" "$d"
	check_eq "$name's tap path is /dev/tap<ifindex>" "/dev/tap$(<"/sys/class/net/$name/ifindex")" "$tap"
	check "$tap is a char device" test -c "$tap"
	if [ "$mac" != - ]; then
		check_eq "$name has MAC $mac (library)" "$mac" "$got"
		check_eq "$name has MAC $mac (sysfs)" "$mac" "$(<"/sys/class/net/$name/address")"
	fi
	LAST_NAME=$name
}

section "macvtap in all four modes on dummy and veth"
check "modprobe dummy veth macvlan macvtap tun" sh -c "modprobe dummy && modprobe veth && modprobe macvlan && modprobe macvtap && modprobe tun"
ip link add rigd0 type dummy
ip link add rigv0 type veth peer name rigv1
ip link set rigd0 up
ip link set rigv0 up
ip link set rigv1 up
i=0
for low in rigd0 rigv0; do
	for mode in vepa bridge private passthru; do
		i=$((i + 1))
		mac=02:00:00:00:6a:$(printf %02x "$i")
		LAST_NAME=
		add_and_check "$low" "$mode" "$mac"
		[ -z "$LAST_NAME" ] || check "delete $LAST_NAME" tool macvtap-del "$LAST_NAME"
		[ -z "$LAST_NAME" ] || check "$LAST_NAME is gone" test ! -e "/sys/class/net/$LAST_NAME"
	done
done

section "a caller-given name, uppers, passthru next to another macvtap"
check "macvtap bridge named mtbr on rigd0" tool macvtap-add rigd0 bridge 02:00:00:00:6b:01 mtbr
check_eq "uppers of rigd0" "mtbr macvtap bridge" "$(tool macvtap-uppers rigd0)"
check_fails "passthru on rigd0 next to mtbr is refused" tool macvtap-add rigd0 passthru - mtpt
check_match "the refusal names mtbr and the rule" "mtbr \(macvtap bridge\).*passthru macvtap must be the only one" "$CHECK_OUTPUT"
check "nothing named mtpt was left" test ! -e /sys/class/net/mtpt
check_fails "the name mtbr again is refused" tool macvtap-add rigd0 vepa - mtbr
check_match "the refusal says the name exists" "mtbr already exists" "$CHECK_OUTPUT"
check "a second bridge macvtap joins" tool macvtap-add rigd0 bridge - mtbr2
check "delete mtbr" tool macvtap-del mtbr
check "delete mtbr2" tool macvtap-del mtbr2
check "passthru macvtap mtpt on rigd0 alone" tool macvtap-add rigd0 passthru - mtpt
check_fails "vepa next to a passthru is refused" tool macvtap-add rigd0 vepa -
check_match "the refusal names the passthru upper" "already has a passthru upper device \(mtpt" "$CHECK_OUTPUT"
check "delete mtpt" tool macvtap-del mtpt
check_fails "deleting a veth as a macvtap is refused" tool macvtap-del rigv1
check_match "the refusal says what it is" "it is a veth, not a macvtap" "$CHECK_OUTPUT"
check "rigv1 still exists" test -e /sys/class/net/rigv1
check_fails "macvtap on a missing lower device" tool macvtap-add nosuch0 vepa -
check_match "the refusal names the device" "no network interface nosuch0" "$CHECK_OUTPUT"
check_fails "a multicast MAC is refused" tool macvtap-add rigd0 vepa 01:00:5e:00:00:01
check_match "the refusal names the MAC" "01:00:5e:00:00:01 is not a unicast" "$CHECK_OUTPUT"

section "igb: macvtap on a VF netdev, then vfio-pci"
check "load igb" igb_load
read -r pf pfdev < <(rig_igb_pfs)
check "2 VFs on $pf" vfs_enable "$pf" 2
check "VF netdevs" vfs_wait_netdevs "$pf"
vf0=$(vf_addr "$pf" 0)
vf1=$(vf_addr "$pf" 1)
vf0dev=$(pci_netdev "$vf0")
note "PF $pf ($pfdev), VF0 $vf0 ($vf0dev), VF1 $vf1"
ip link set "$pfdev" up
ip link set "$vf0dev" up
out=$(tool macvtap-add "$vf0dev" passthru - mtvf 2>&1) && ok "passthru macvtap mtvf on $vf0dev: $out" || fail "passthru macvtap on $vf0dev: $out"
check_match "ip -d link show mtvf: macvtap mode passthru" "macvtap +mode passthru" "$(ip -d link show mtvf 2>&1)"
check_eq "mtvf took $vf0dev's MAC" "$(<"/sys/class/net/$vf0dev/address")" "$(cat /sys/class/net/mtvf/address 2>&1)"
check_eq "uppers of $vf0dev" "mtvf macvtap passthru" "$(tool macvtap-uppers "$vf0dev")"
if [ "${RIG_IOMMU:-1}" = 1 ]; then
	check "modprobe vfio-pci" modprobe vfio-pci
	check_fails "vfio-bind of $vf0 while mtvf sits on its netdev is refused" tool vfio-bind "$vf0"
	check_match "the refusal names mtvf" "$vf0dev has upper devices \(mtvf\)" "$CHECK_OUTPUT"
	check_eq "$vf0 still on igbvf" igbvf "$(pci_driver "$vf0")"
fi
check "delete mtvf" tool macvtap-del mtvf
# libvirt's passthru sequence (create, then set the macvtap's MAC) against a
# VF whose PF set an admin MAC: igb refuses it with trust off
check "admin MAC on $pfdev vf 0, trust off" ip link set "$pfdev" vf 0 mac 02:00:00:00:6d:01 trust off
# igbvf takes an admin MAC only when it is bound again
echo "$vf0" >/sys/bus/pci/drivers/igbvf/unbind
echo "$vf0" >/sys/bus/pci/drivers/igbvf/bind
check "$vf0 has a netdev again" wait_for 10 test -n "$(pci_netdev "$vf0")"
vf0dev=$(pci_netdev "$vf0")
ip link set "$vf0dev" up
check_eq "$vf0dev carries the admin MAC" 02:00:00:00:6d:01 "$(<"/sys/class/net/$vf0dev/address")"
check_fails "passthru with another MAC on $vf0dev, trust off" tool macvtap-add "$vf0dev" passthru 02:00:00:00:6d:02 mtvf
check_match "the refusal names the MAC and says trust" "setting MAC 02:00:00:00:6d:02 refused.*trust" "$CHECK_OUTPUT"
check "no mtvf was left behind" test ! -e /sys/class/net/mtvf
check "trust on for $pfdev vf 0" ip link set "$pfdev" vf 0 trust on
check "passthru with that MAC on $vf0dev, trust on" tool macvtap-add "$vf0dev" passthru 02:00:00:00:6d:02 mtvf
check_eq "mtvf has the MAC" 02:00:00:00:6d:02 "$(cat /sys/class/net/mtvf/address 2>&1)"
check "delete mtvf" tool macvtap-del mtvf
ip link set "$pfdev" vf 0 trust off
check "bridge macvtap on $vf0dev with a MAC" tool macvtap-add "$vf0dev" bridge 02:00:00:00:6c:01 mtvfb
check_eq "mtvfb's MAC" 02:00:00:00:6c:01 "$(cat /sys/class/net/mtvfb/address 2>&1)"
check "delete mtvfb" tool macvtap-del mtvfb

if [ "${RIG_IOMMU:-1}" = 1 ]; then
	section "vfio-pci: bind an igb VF and give it back"
	group=$(basename "$(readlink "/sys/bus/pci/devices/$vf1/iommu_group")")
	out=$(tool vfio-bind "$vf1" 2>&1) && ok "vfio-bind $vf1: $out" || fail "vfio-bind $vf1: $out"
	check_eq "the library reports group, path and previous driver" "$group /dev/vfio/$group igbvf" "$out"
	check_eq "$vf1 is bound to vfio-pci" vfio-pci "$(pci_driver "$vf1")"
	check "/dev/vfio/$group is a char device" test -c "/dev/vfio/$group"
	check_match "lspci -k says vfio-pci" "Kernel driver in use: vfio-pci" "$(lspci -k -s "$vf1")"
	check_eq "driver_override says vfio-pci" vfio-pci "$(<"/sys/bus/pci/devices/$vf1/driver_override")"
	check_eq "binding again is a no-op" "$group /dev/vfio/$group -" "$(tool vfio-bind "$vf1" 2>&1)"
	check_eq "vfio-unbind $vf1 igbvf gives it back" igbvf "$(tool vfio-unbind "$vf1" igbvf 2>&1)"
	check_eq "$vf1 is bound to igbvf" igbvf "$(pci_driver "$vf1")"
	check_match "lspci -k says igbvf" "Kernel driver in use: igbvf" "$(lspci -k -s "$vf1")"
	check_eq "driver_override is cleared" "(null)" "$(<"/sys/bus/pci/devices/$vf1/driver_override")"
	check "$vf1 has a netdev again" wait_for 10 test -n "$(pci_netdev "$vf1")"

	section "vfio-pci: with sriov_drivers_autoprobe 0, the named driver still binds"
	echo 0 >"/sys/bus/pci/devices/$pf/sriov_drivers_autoprobe"
	check "vfio-bind $vf1" tool vfio-bind "$vf1"
	check_eq "vfio-unbind $vf1 igbvf" igbvf "$(tool vfio-unbind "$vf1" igbvf 2>&1)"
	check_eq "$vf1 is bound to igbvf" igbvf "$(pci_driver "$vf1")"
	echo 1 >"/sys/bus/pci/devices/$pf/sriov_drivers_autoprobe"
	check "vfio-bind $vf1 again" tool vfio-bind "$vf1"
	check_eq "vfio-unbind $vf1 (any driver)" igbvf "$(tool vfio-unbind "$vf1" 2>&1)"

	section "vfio-pci: refusals"
	check_fails "binding a nonexistent address" tool vfio-bind 0000:7f:1f.7
	check_match "the refusal names the address" "no PCI device 0000:7f:1f.7" "$CHECK_OUTPUT"
	check_fails "binding a non-address" tool vfio-bind eth0
	check_match "the refusal says it is not an address" "'eth0' is not a PCI address" "$CHECK_OUTPUT"
	check_fails "giving back a function on igbvf to another driver" tool vfio-unbind "$vf1" nosuchdrv
	check_match "... says where it is" "bound to igbvf, not to vfio-pci \(nor nosuchdrv\): left alone" "$CHECK_OUTPUT"
	check "vfio-bind $vf1" tool vfio-bind "$vf1"
	check_fails "giving back to a driver that is not loaded" tool vfio-unbind "$vf1" nosuchdrv
	check_match "... names the driver" "driver nosuchdrv is not loaded" "$CHECK_OUTPUT"
	check_eq "$vf1 stays on vfio-pci" vfio-pci "$(pci_driver "$vf1")"
	check_eq "vfio-unbind $vf1 igbvf" igbvf "$(tool vfio-unbind "$vf1" igbvf 2>&1)"
	check "modprobe -r vfio-pci" modprobe -r vfio-pci
	check_fails "binding without vfio-pci loaded" tool vfio-bind "$vf1"
	check_match "the refusal says vfio-pci is not loaded" "vfio-pci is not loaded" "$CHECK_OUTPUT"
	check_eq "$vf1 untouched" igbvf "$(pci_driver "$vf1")"
else
	section "vfio-pci without an IOMMU"
	check "modprobe vfio-pci" modprobe vfio-pci
	check_fails "binding a VF without IOMMU groups" tool vfio-bind "$vf1"
	check_match "the refusal says there is no IOMMU group" "has no IOMMU group" "$CHECK_OUTPUT"
fi
