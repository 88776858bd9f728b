#!/bin/bash
# libsriov's macvtap links and vfio-pci binding against the real kernel,
# through build/tests/sriov-testtool: all four macvtap modes on dummy and
# veth, passthru refused next to another macvtap, a macvtap on an igb VF
# netdev, an igb VF to vfio-pci and back to igbvf, the error messages, and
# a vfio VF whose group is open (a hot-plugged hostdev) refused by attach,
# the qemu hook and a CNI ADD.
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

	section "vfio-pci: a VF whose /dev/vfio/GROUP is open is not handed out"
	# A hostdev hot-plugged with virsh attach-device runs no hook, so no
	# record says QEMU has the VF: only its open group does (vfio lets
	# one process open a group at a time, the next open answers EBUSY).
	need_sriovctl
	export SRIOV_STATE_DIR=/run/sriov-vfio
	W=/tmp/t-vfio
	rm -rf "$W" "$SRIOV_STATE_DIR"
	mkdir -p "$W"
	PLUGIN=$SRIOV_BUILD_DIR/cni/sriov-vf
	cni_add() { CNI_COMMAND=ADD CNI_CONTAINERID=vm1 CNI_IFNAME=net1 CNI_NETNS=/var/run/netns/vfio1 "$PLUGIN" <<<"$1"; }
	cni_del() { CNI_COMMAND=DEL CNI_CONTAINERID=vm1 CNI_IFNAME=net1 CNI_NETNS=/var/run/netns/vfio1 "$PLUGIN" <<<"$1"; }
	conf=$(printf '{"cniVersion":"1.1.0","name":"vfio-net","type":"sriov-vf","deviceID":"%s"}' "$vf1")
	ip netns add vfio1
	addr_el="<address type='pci' domain='0x${vf1:0:4}' bus='0x${vf1:5:2}' slot='0x${vf1:8:2}' function='0x${vf1:11:1}'/>"
	src="<source>$addr_el</source>"
	cat >"$W/g.xml" <<EOX
<domain type='kvm'><name>g-vfio</name><uuid>16161616-0000-4000-8000-0000000000f1</uuid><memory>1</memory><os><type>hvm</type></os><devices>
<interface type='hostdev' managed='yes'>$src</interface>
</devices></domain>
EOX
	cat >"$W/hd.xml" <<EOX
<domain type='kvm'><name>g-hd</name><uuid>16161616-0000-4000-8000-0000000000f2</uuid><memory>1</memory><os><type>hvm</type></os><devices>
<hostdev mode='subsystem' type='pci' managed='yes'>$src</hostdev>
</devices></domain>
EOX
	cat >"$W/port.xml" <<EOX
<hookData><network><name>pool</name><uuid>8b7a7d9c-0000-4000-8000-00000000c0de</uuid>
<forward mode='hostdev' managed='yes'><pf dev='$pfdev'/></forward></network>
<networkport><uuid>5d744f21-ba4a-4d6e-bdb2-30a35ff3207d</uuid>
<owner><name>g-port</name><uuid>16161616-0000-4000-8000-0000000000f3</uuid></owner>
<mac address='52:54:00:7b:35:93'/>
<plug type='hostdev-pci' managed='yes'><driver name='vfio'/>$addr_el</plug>
</networkport></hookData>
EOX
	n_allocs() { sriovctl allocations --json | jq '.allocations | length'; }
	group=$(basename "$(readlink "/sys/bus/pci/devices/$vf1/iommu_group")")
	check "vfio-bind $vf1" tool vfio-bind "$vf1"
	# QEMU's open of the group, held by a process of our own
	sleep 600 9<>"/dev/vfio/$group" &
	holder=$!
	check "the holder has /dev/vfio/$group open" wait_for 5 test -e "/proc/$holder/fd/9"
	check_fails "a second open of /dev/vfio/$group is refused" sh -c "exec 8<>/dev/vfio/$group"
	check_match "... with EBUSY" "[Bb]usy" "$CHECK_OUTPUT"
	check_fails "attach of $vf1 refused" sriovctl attach --domain "$W/g.xml" -o "$W/g.out"
	check_match "the refusal names the open group" "$vf1.*/dev/vfio/$group is open" "$CHECK_OUTPUT"
	rc=0; out=$(cni_add "$conf" 2>/dev/null) || rc=$?
	check_eq "CNI ADD of $vf1: exit 1" 1 "$rc"
	check_eq "CNI ADD of $vf1: code 101 (VF held or in use)" 101 "$(jq -r .code <<<"$out" 2>/dev/null)"
	check_match "CNI ADD names the open group" "$vf1.*/dev/vfio/$group is open" "$(jq -r .details <<<"$out" 2>/dev/null)"
	cni_del "$conf" >/dev/null 2>&1 || true # what an ADD that was let through took
	check_fails "qemu hook prepare of a <hostdev> $vf1 refused" sh -c "sriovctl hook qemu g-hd prepare begin - <'$W/hd.xml'"
	check_match "the refusal names the open group" "$vf1.*/dev/vfio/$group is open" "$CHECK_OUTPUT"
	sriovctl hook qemu g-hd release end - </dev/null >/dev/null 2>&1 || true
	check_fails "network hook port-created of $vf1 (a hostdev pool) refused" sh -c "sriovctl hook network pool port-created begin - <'$W/port.xml'"
	check_match "the refusal names the open group" "$vf1.*/dev/vfio/$group is open" "$CHECK_OUTPUT"
	sriovctl hook network pool port-deleted begin - <"$W/port.xml" >/dev/null 2>&1 || true
	check_eq "nothing recorded" 0 "$(n_allocs)"
	check_eq "$vf1 stays on vfio-pci" vfio-pci "$(pci_driver "$vf1")"
	kill "$holder"
	wait "$holder" 2>/dev/null || true
	check "with the group closed, the qemu hook records $vf1" sh -c "sriovctl hook qemu g-hd prepare begin - <'$W/hd.xml'"
	check_eq "one record" 1 "$(n_allocs)"
	check "the qemu hook's release gives it back" sh -c "sriovctl hook qemu g-hd release end - </dev/null"
	check_eq "no record" 0 "$(n_allocs)"
	out=$(cni_add "$conf" 2>/dev/null) && ok "with the group closed, CNI ADD of $vf1" || fail "CNI ADD of $vf1: $out"
	check_eq "result: pciID" "$vf1" "$(jq -r '.interfaces[0].pciID' <<<"$out" 2>/dev/null)"
	check "CNI DEL" cni_del "$conf"
	check_eq "no record" 0 "$(n_allocs)"
	# attach hands out no VF another user bound to vfio-pci, open or not
	check_fails "attach of $vf1 (vfio-pci, group closed) still refused" sriovctl attach --domain "$W/g.xml" -o "$W/g.out"
	check_match "... as bound to vfio-pci outside sriovctl" "bound to vfio-pci outside sriovctl" "$CHECK_OUTPUT"
	ip netns del vfio1
	unset SRIOV_STATE_DIR
	check_eq "vfio-unbind $vf1 igbvf" igbvf "$(tool vfio-unbind "$vf1" igbvf 2>&1)"

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
