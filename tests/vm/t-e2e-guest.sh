#!/bin/bash
# End to end: guests boot with working network cards that sriovctl
# gave them. Inside the rig guest a nested QEMU (KVM where the rig guest has
# it, else TCG) boots the same kernel with
# tests/vm/inner-init, which reports what its NICs do (see that file).
#
#   1. examples/e2e-guest.xml (direct passthrough on igb PF0, fixed MAC, VLAN 42)
#      -> sriovctl attach -> the VF address read from the written XML ->
#      nested guest with -device vfio-pci,host=ADDRESS: igbvf reports the MAC of
#      the XML; a peer on VLAN 42 answers, an untagged peer does not (both in
#      the peer namespace on igb PF1, across the QEMU-internal hub) ->
#      poweroff -> sriovctl detach: VF back on igbvf, MAC/VLAN as before.
#   2. examples/e2e-guest2.xml: the same passthrough with another MAC (the same
#      VF must be handed out again and the guest must see the new MAC) plus a
#      direct bridge interface on a veth (a NIC without SR-IOV) -> macvtap ->
#      the nested guest gets /dev/tapN as -netdev tap,fd=N (virtio-net) and
#      reaches a peer namespace through it -> detach removes the macvtap.
# Two nested boots (seconds under KVM in the rig guest, ~1.5 min under TCG).
# The rig guest keeps its default 2048 MiB: with 3072 MiB Linux puts the
# VFs' 64-bit prefetchable BARs above 4 GiB (0xc020000000), where QEMU 10's
# emulated 82576 VF does not answer (reads are 0), so the nested igbvf never
# completes its mailbox handshake ("PF still in reset state"); below 4 GiB
# (0xfe800000) it works.
#     tests/vm/run-suite t-e2e-guest
# rig: RIG_TIMEOUT=900
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_sriovctl

VLAN=42
NET_U=192.168.77   # untagged on PF1: must not answer the VF
NET_V=192.168.42   # VLAN 42 on PF1: must answer
NET_M=192.168.90   # behind the veth the macvtap sits on
PEER=e2epeer       # namespace holding igb PF1
MPEER=e2emvt       # namespace holding the far end of the veth
E2E=/tmp/e2e
mkdir -p "$E2E"

# The nested QEMU runs under KVM when the rig guest has it: TCG's -cpu max
# emulates AMD SVM, so kvm-amd works in the rig guest and a nested boot takes
# seconds; TCG inside TCG takes about a minute and a half. E2E_ACCEL=tcg forces it.
E2E_ACCEL=${E2E_ACCEL:-auto}
if [ "$E2E_ACCEL" = auto ]; then
	E2E_ACCEL=tcg
	if modprobe kvm-amd 2>/dev/null && [ -c /dev/kvm ]; then E2E_ACCEL=kvm; fi
fi
if [ "$E2E_ACCEL" = kvm ]; then
	INNER_TIMEOUT=${E2E_INNER_TIMEOUT:-180} # seconds for one nested guest, boot to poweroff
else
	INNER_TIMEOUT=${E2E_INNER_TIMEOUT:-420}
fi
note "nested guests run with -accel $E2E_ACCEL (bounded by ${INNER_TIMEOUT}s each)"

QEMU=$RIG_CACHE/qemu/root/usr/bin/qemu-system-x86_64
INNER_KERNEL=$RIG_CACHE/current/vmlinux
INNER_INITRD=$RIG_CACHE/current/inner.cpio
for f in "$QEMU" "$INNER_KERNEL" "$INNER_INITRD"; do
	[ -s "$f" ] || {
		fail "missing $f (tests/vm/build makes it)"
		exit 1
	}
done

# ------------------------------------------------------------------ helpers

_has_netdev() { [ -n "$(pci_netdev "$1")" ]; }

# console_tail NAME : the nested guest's console, last 40 lines
console_tail() {
	echo "    ----- nested guest $1: last 40 console lines ($E2E/$1.console) -----"
	tr -d '\r' <"$E2E/$1.console" | tail -n 40 | show
	if [ -s "$E2E/$1.qemu" ]; then
		echo "    ----- its QEMU's messages -----"
		tail -n 10 "$E2E/$1.qemu" | show
	fi
}

# nested_boot NAME APPEND QEMU-ARGS... : boot the nested guest, wait (bounded)
# until it powers off. Its console is $E2E/NAME.console; E2E lines land in
# $E2E/NAME.e2e. Fails (and shows the console) if it did not power off cleanly.
nested_boot() {
	local name=$1 append=$2 t0 rc=0 con=$E2E/$1.console
	shift 2
	: >"$con"
	t0=$EPOCHREALTIME
	QEMU_MODULE_DIR=$RIG_CACHE/qemu/root/usr/lib/x86_64-linux-gnu/qemu \
		timeout -k 5 "$INNER_TIMEOUT" "$QEMU" -L "$RIG_CACHE/qemu/firmware" \
		-name "$name" -nodefaults -no-user-config -no-reboot -display none -monitor none \
		-accel "$E2E_ACCEL" -cpu max -machine q35 -m 256 -smp 1 \
		-kernel "$INNER_KERNEL" -initrd "$INNER_INITRD" \
		-append "console=ttyS0 panic=-1 quiet rdinit=/init mitigations=off cryptomgr.notests $append" \
		-serial "file:$con" "$@" >"$E2E/$name.qemu" 2>&1 </dev/null || rc=$?
	NESTED_SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	tr -d '\r' <"$con" | grep '^E2E ' >"$E2E/$name.e2e" || true
	local init
	init=$(sed -n 's/^E2E init \([0-9.]*\)$/\1/p' "$E2E/$name.e2e")
	note "nested guest $name: QEMU exited with $rc after ${NESTED_SECS}s (its /init at uptime ${init:-?}s)"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "nested guest $name powers off within ${INNER_TIMEOUT}s (killed)"
		console_tail "$name"
		return 1
	fi
	if [ "$rc" != 0 ] || ! grep -q '^E2E done ' "$E2E/$name.e2e"; then
		fail "nested guest $name ran its checks and powered off (QEMU exit $rc)"
		console_tail "$name"
		return 1
	fi
	ok "nested guest $name booted, ran its checks and powered off (${NESTED_SECS}s)"
}

# e2e_field NAME KEY : the rest of the E2E line "E2E KEY ..." of guest NAME
e2e_line() { sed -n "s/^E2E $2 //p" "$E2E/$1.e2e" | head -n1; }
# e2e_check NAME DESC ERE KEY : the nested guest's line for KEY matches ERE
e2e_check() {
	local line
	line=$(e2e_line "$1" "$4")
	if [[ $line =~ $3 ]]; then
		ok "$2 ($line)"
	else
		fail "$2 (nested guest said: '${line:-nothing}')"
		E2E_FAILED=1
	fi
}

# attach NAME XML : sriovctl attach -> $E2E/NAME.out.xml, checked by virt-xml-validate
attach() {
	local name=$1 xml=$2 rc=0
	sriovctl attach --domain "$xml" -o "$E2E/$name.out.xml" >"$E2E/$name.attach.out" 2>&1 || rc=$?
	if [ "$rc" != 0 ] || [ ! -s "$E2E/$name.out.xml" ]; then
		fail "sriovctl attach --domain $xml -o $E2E/$name.out.xml (exit $rc)"
		show <"$E2E/$name.attach.out"
		return 1
	fi
	ok "sriovctl attach --domain ${xml##*/}: $(tr '\n' ' ' <"$E2E/$name.attach.out" | cut -c1-200)"
	if command -v virt-xml-validate >/dev/null; then
		check "virt-xml-validate: the written domain is valid libvirt XML" \
			virt-xml-validate "$E2E/$name.out.xml" domain
	else
		skip "virt-xml-validate not installed (libvirt-clients)"
	fi
}

# hostdev_of OUTXML MAC : "DOMAIN:BUS:SLOT.FN" of the hostdev interface with MAC
hostdev_of() {
	local x="//devices/interface[@type='hostdev'][mac/@address='$2']/source/address"
	local d b s f
	d=$(xml_value "$1" "$x/@domain")
	b=$(xml_value "$1" "$x/@bus")
	s=$(xml_value "$1" "$x/@slot")
	f=$(xml_value "$1" "$x/@function")
	[ -n "$d" ] && [ -n "$b" ] && [ -n "$s" ] && [ -n "$f" ] || return 0
	printf '%04x:%02x:%02x.%x\n' "$((d))" "$((b))" "$((s))" "$((f))"
}

# check_hostdev OUTXML MAC : the written hostdev interface and the VF it names;
# sets VF, VFI (its index on PF0)
check_hostdev() {
	local out=$1 mac=$2 i="//devices/interface[mac/@address='$2']"
	check_eq "the interface with MAC $mac is now type='hostdev'" hostdev "$(xml_value "$out" "$i/@type")"
	check_eq "... managed='yes'" yes "$(xml_value "$out" "$i/@managed")"
	check_eq "... keeps <vlan><tag id='$VLAN'/>" "$VLAN" "$(xml_value "$out" "$i/vlan/tag/@id")"
	VF=$(hostdev_of "$out" "$mac")
	VFI=$(vf_index "$PF0" "$VF")
	if [ -z "$VF" ] || [ -z "$VFI" ]; then
		fail "the written <source><address> ('${VF:-none}') is a VF of $PF0"
		show <"$out"
		return 1
	fi
	ok "the written <source><address> is $VF, VF $VFI of $PF0"
	check_eq "$VF is bound to vfio-pci" vfio-pci "$(pci_driver "$VF")"
	local group
	group=$(basename "$(readlink "/sys/bus/pci/devices/$VF/iommu_group")")
	check "/dev/vfio/$group exists" test -c "/dev/vfio/$group"
	local j
	j=$(vf_json "$PF0DEV" "$VFI")
	check_eq "$PF0DEV vf $VFI admin MAC is $mac (ip -j -d link)" "$mac" "$(jq -r .address <<<"$j")"
	check_eq "$PF0DEV vf $VFI port VLAN is $VLAN (ip -j -d link)" "$VLAN" "$(jq -r '.vlan_list[0].vlan // 0' <<<"$j")"
	check_match "ip -d link show $PF0DEV: vf $VFI" "vf $VFI .*link/ether $mac.*vlan $VLAN" "$(vf_line "$PF0DEV" "$VFI")"
	check_match "sriovctl allocations lists $VF" "$VF|${VF#0000:}" "$(sriovctl allocations 2>&1)"
}

# check_given_back VF VFI : after detach, the VF is as it was before attach
check_given_back() {
	local vf=$1 vfi=$2
	check "$vf is back on igbvf (within 10 s)" wait_for 10 driver_is "$vf" igbvf
	check_eq "$vf: driver_override cleared" "(null)" "$(cat "/sys/bus/pci/devices/$vf/driver_override")"
	check "$vf has an igbvf netdev again (within 10 s)" wait_for 10 _has_netdev "$vf"
	check_eq "$PF0DEV vf $vfi as before attach (ip -j -d link: MAC, VLAN, spoofchk, trust...)" \
		"${ORIG_JSON[$vfi]}" "$(vf_json "$PF0DEV" "$vfi")"
	check_eq "$PF0DEV vf $vfi as before attach (ip -d link show)" "${ORIG_LINE[$vfi]}" "$(vf_line "$PF0DEV" "$vfi")"
}

# ------------------------------------------------------------------ setup
section "rig: igb PF0 with VFs, PF1 in a peer namespace with VLAN $VLAN"
check "load igb" igb_load
for m in vfio-pci 8021q macvlan macvtap tap tun veth; do
	modprobe "$m" || fail "modprobe $m"
done
{
	read -r PF0 PF0DEV
	read -r PF1 PF1DEV
} < <(rig_igb_pfs)
note "PF0 $PF0 ($PF0DEV), PF1 $PF1 ($PF1DEV)"
ip link set "$PF0DEV" up
peer_netns "$PEER" "$PF1DEV" "$VLAN" "$NET_U" "$NET_V"
check "2 VFs on $PF0" vfs_enable "$PF0" 2
check "VFs bound to igbvf with netdevs" vfs_wait_netdevs "$PF0"
declare -A ORIG_JSON ORIG_LINE
for i in 0 1; do
	ORIG_JSON[$i]=$(vf_json "$PF0DEV" "$i")
	ORIG_LINE[$i]=$(vf_line "$PF0DEV" "$i")
	note "before attach: ${ORIG_LINE[$i]}"
done

# the examples name the rig's usual PF0 netdev; follow it if it differs
sed "s/dev='eth0'/dev='$PF0DEV'/" "$REPO/examples/e2e-guest.xml" >"$E2E/g1.xml"
sed "s/dev='eth0'/dev='$PF0DEV'/" "$REPO/examples/e2e-guest2.xml" >"$E2E/g2.xml"
MAC1=$(xml_value "$E2E/g1.xml" "//interface[@type='direct']/mac/@address")
MAC2=$(xml_value "$E2E/g2.xml" "//interface[@type='direct'][source/@mode='passthrough']/mac/@address")
MAC3=$(xml_value "$E2E/g2.xml" "//interface[@type='direct'][source/@mode='bridge']/mac/@address")
MVT_LOWER=$(xml_value "$E2E/g2.xml" "//interface[@type='direct'][source/@mode='bridge']/source/@dev")
note "guest 1: $MAC1 passthrough; guest 2: $MAC2 passthrough, $MAC3 bridge on $MVT_LOWER"

# ------------------------------------------------------------------ guest 1
section "guest 1: attach a VF (passthrough, MAC $MAC1, VLAN $VLAN), boot, detach"
if attach g1 "$E2E/g1.xml" && check_hostdev "$E2E/g1.out.xml" "$MAC1"; then
	VF1=$VF
	VFI1=$VFI
	E2E_FAILED=0
	if nested_boot g1 "e2e.nics=1 e2e.drv1=igbvf e2e.addr1=$NET_U.20/24,$NET_V.20/24 e2e.ping1=$NET_V.2 e2e.noping1=$NET_U.2" \
		-device "vfio-pci,host=$VF1"; then
		e2e_check g1 "nested guest 1: igbvf reports the MAC of the domain XML, link up" \
			"^dev=[^ ]+ driver=igbvf mac=$MAC1 carrier=1 " nic1
		e2e_check g1 "nested guest 1: the peer on VLAN $VLAN ($NET_V.2) answers" "^$NET_V.2 ok " ping1
		e2e_check g1 "nested guest 1: the untagged peer ($NET_U.2) does not answer" "^$NET_U.2 no-reply$" noping1
		[ "$E2E_FAILED" = 0 ] || console_tail g1
	fi
	check_match "the peer's VLAN $VLAN interface received the guest's frames" '[1-9]' \
		"$(ip -n "$PEER" -j -s link show "vlan$VLAN" | jq '.[0].stats64.rx.packets')"

	section "guest 1: detach gives the VF back"
	check "sriovctl detach --domain g1.xml" sriovctl detach --domain "$E2E/g1.xml"
	check_given_back "$VF1" "$VFI1"
	check_fails "sriovctl allocations no longer lists $VF1" grep -q -e "$VF1" -e "${VF1#0000:}" \
		<<<"$(sriovctl allocations 2>&1)"
else
	VF1=
fi

# ------------------------------------------------------------------ guest 2
section "guest 2: the same VF with MAC $MAC2, and a macvtap (bridge) on $MVT_LOWER"
ip link add "$MVT_LOWER" type veth peer name e2emvp
ip netns add "$MPEER"
ip link set e2emvp netns "$MPEER"
ip -n "$MPEER" link set lo up
ip -n "$MPEER" addr add "$NET_M.2/24" dev e2emvp
ip -n "$MPEER" link set e2emvp up
ip link set "$MVT_LOWER" up
check "$MVT_LOWER has no SR-IOV" test ! -e "/sys/class/net/$MVT_LOWER/device/sriov_totalvfs"
if attach g2 "$E2E/g2.xml" && check_hostdev "$E2E/g2.out.xml" "$MAC2"; then
	VF2=$VF
	VFI2=$VFI
	if [ -n "$VF1" ]; then
		check_eq "the same VF is handed out again" "$VF1" "$VF2"
	fi
	out=$E2E/g2.out.xml
	i="//devices/interface[mac/@address='$MAC3']"
	check_eq "the bridge interface ($MAC3) is now type='ethernet'" ethernet "$(xml_value "$out" "$i/@type")"
	check_eq "... with <target managed='no'>" no "$(xml_value "$out" "$i/target/@managed")"
	MVT=$(xml_value "$out" "$i/target/@dev")
	if [ -n "$MVT" ] && [ -e "/sys/class/net/$MVT" ]; then
		ok "the written <target dev='$MVT'> exists"
		TAP=/dev/tap$(<"/sys/class/net/$MVT/ifindex")
		d=$(ip -d link show "$MVT")
		check_match "ip -d link show $MVT: macvtap mode bridge on $MVT_LOWER" "@$MVT_LOWER:.*macvtap +mode bridge" "$(tr '\n' ' ' <<<"$d")"
		check_match "$MVT is up" "<[^>]*UP[^>]*>" "$d"
		check_eq "$MVT has MAC $MAC3" "$MAC3" "$(<"/sys/class/net/$MVT/address")"
		check "$TAP is a char device" test -c "$TAP"
	else
		fail "the written <target dev='${MVT:-}'> is a macvtap that exists"
		show <"$out"
		TAP=
	fi
	if [ -n "$TAP" ] && exec 3<>"$TAP"; then
		E2E_FAILED=0
		if nested_boot g2 "e2e.nics=2 e2e.drv1=igbvf e2e.addr1=$NET_U.21/24,$NET_V.21/24 e2e.ping1=$NET_V.2 e2e.noping1=$NET_U.2 e2e.drv2=virtio_net e2e.addr2=$NET_M.21/24 e2e.ping2=$NET_M.2" \
			-device "vfio-pci,host=$VF2" \
			-netdev tap,id=mvt,fd=3 -device "virtio-net-pci,netdev=mvt,mac=$MAC3"; then
			e2e_check g2 "nested guest 2: igbvf reports the new MAC $MAC2, link up" \
				"^dev=[^ ]+ driver=igbvf mac=$MAC2 carrier=1 " nic1
			e2e_check g2 "nested guest 2: the peer on VLAN $VLAN answers" "^$NET_V.2 ok " ping1
			e2e_check g2 "nested guest 2: the untagged peer does not answer" "^$NET_U.2 no-reply$" noping1
			e2e_check g2 "nested guest 2: virtio-net on $TAP has MAC $MAC3, link up" \
				"^dev=[^ ]+ driver=virtio_net mac=$MAC3 carrier=1 " nic2
			e2e_check g2 "nested guest 2: the peer behind the macvtap ($NET_M.2) answers" "^$NET_M.2 ok " ping2
			[ "$E2E_FAILED" = 0 ] || console_tail g2
		fi
		exec 3>&-
	fi

	section "guest 2: detach gives the VF back and removes the macvtap"
	check "sriovctl detach --domain g2.xml" sriovctl detach --domain "$E2E/g2.xml"
	check_given_back "$VF2" "$VFI2"
	[ -z "$MVT" ] || check "$MVT is gone" test ! -e "/sys/class/net/$MVT"
	check_fails "sriovctl allocations lists nothing of guest 2" grep -q -e "$VF2" -e "${MVT:-nomacvtap}" \
		<<<"$(sriovctl allocations 2>&1)"
fi
