#!/bin/bash
# t-rig.sh - self-test of the VM rig: the guest hardware and kernel features that
# the project's real-kernel tests rely on. Does not need sriovctl.
#   tests/vm/run-in-vm tests/vm/t-rig.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

U1=11111111-2222-3333-4444-555555555555
U2=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee

# sriov_cap ADDR : "TOTAL OFFSET STRIDE VFDEVICE" from lspci -vvv
sriov_cap() {
	local out
	out=$(lspci -vvv -s "$1")
	[[ $out =~ Total\ VFs:\ ([0-9]+) ]] || return 1
	local total=${BASH_REMATCH[1]}
	[[ $out =~ VF\ offset:\ ([0-9]+),\ stride:\ ([0-9]+),\ Device\ ID:\ ([0-9a-f]+) ]] || return 1
	echo "$total ${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
}

# check_vf_layout PF COUNT : virtfn links, physfn links, addresses from lspci
check_vf_layout() {
	local pf=$1 n=$2 cap off stride i vf
	mapfile -t vfs < <(vf_addrs "$pf")
	check_eq "$pf has $n virtfn links" "$n" "${#vfs[@]}"
	cap=$(sriov_cap "$pf") || {
		fail "$pf: no SR-IOV capability in lspci -vvv"
		return 0
	}
	read -r _ off stride _ <<<"$cap"
	for ((i = 0; i < ${#vfs[@]}; i++)); do
		vf=${vfs[$i]}
		check_eq "VF $i of $pf is at PF + offset $off + $i * stride $stride" \
			"$(vf_rid_addr "$pf" "$off" "$stride" "$i")" "$vf"
		check_eq "VF $vf physfn link points to $pf" "$pf" "$(basename "$(readlink "$(pci_dev "$vf")/physfn")")"
	done
}

# test_vfio_bind VF : move an igbvf-bound VF to vfio-pci and back
test_vfio_bind() {
	local vf=$1 group
	check "modprobe vfio-pci" modprobe vfio-pci
	check "unbind $vf from igbvf" sh -c "echo $vf > /sys/bus/pci/devices/$vf/driver/unbind"
	check "driver_override=vfio-pci + drivers_probe" \
		sh -c "echo vfio-pci > /sys/bus/pci/devices/$vf/driver_override && echo $vf > /sys/bus/pci/drivers_probe"
	check_eq "$vf is bound to vfio-pci" vfio-pci "$(pci_driver "$vf")"
	group=$(basename "$(readlink "$(pci_dev "$vf")/iommu_group")")
	check "/dev/vfio/$group exists (char device)" test -c "/dev/vfio/$group"
	check "give $vf back to igbvf" sh -c "echo > /sys/bus/pci/devices/$vf/driver_override &&
		echo $vf > /sys/bus/pci/drivers/vfio-pci/unbind && echo $vf > /sys/bus/pci/drivers_probe"
	check_eq "$vf is bound to igbvf again" igbvf "$(pci_driver "$vf")"
}

test_igb() {
	section "igb (emulated 82576) PFs"
	if [ "$RIG_IGB" = 0 ]; then
		skip "igb disabled (RIG_IGB=0)"
		return
	fi
	check "modprobe igb igbvf; every igb PF gets a netdev" igb_load
	mapfile -t pfs < <(rig_igb_pfs)
	check_eq "number of igb PFs" "$RIG_IGB" "${#pfs[@]}"
	local line pf dev
	for line in "${pfs[@]}"; do
		read -r pf dev <<<"$line"
		check_eq "$pf sriov_totalvfs (the igb driver caps 8 to 7)" 7 "$(<"$(pci_dev "$pf")/sriov_totalvfs")"
		check_eq "$pf lspci SR-IOV: Total VFs 8, offset 128, stride 2, VF device 10ca" \
			"8 128 2 10ca" "$(sriov_cap "$pf" || true)"
		check_eq "$pf netdev $dev has no VFs yet" 0 "$(ip -d link show "$dev" | grep -c '^ *vf [0-9]' || true)"
	done

	read -r pf dev <<<"${pfs[0]}"
	section "igb: VFs through sysfs on $pf ($dev)"
	check "enable 2 VFs (echo 2 > sriov_numvfs)" vfs_enable "$pf" 2
	check_vf_layout "$pf" 2
	check "every VF gets an igbvf netdev" vfs_wait_netdevs "$pf" 60
	local vf vf_netdevs=() groups=()
	for vf in $(vf_addrs "$pf"); do
		check_eq "VF $vf driver" igbvf "$(pci_driver "$vf")"
		vf_netdevs+=("$(pci_netdevs "$vf")")
		groups+=("$(basename "$(readlink "$(pci_dev "$vf")/iommu_group")")")
	done
	if [ "$RIG_IOMMU" = 1 ]; then
		check_eq "each VF has its own IOMMU group" 2 "$(printf '%s\n' "${groups[@]}" | sort -u | wc -l)"
	fi
	check_eq "ip -d link show $dev lists 2 VFs" 2 "$(ip -d link show "$dev" | grep -c '^ *vf [0-9]')"
	check "PF sets VF 0 MAC and VLAN (ip link set $dev vf 0 ...)" \
		ip link set "$dev" vf 0 mac 02:00:00:00:aa:01 vlan 33
	check_match "ip -d link show reports VF 0 MAC and VLAN" \
		"vf 0 +link/ether 02:00:00:00:aa:01.*vlan 33" "$(ip -d link show "$dev")"

	section "vfio-pci: bind an igb VF via driver_override"
	if [ "$RIG_IOMMU" = 1 ]; then
		test_vfio_bind "$(vf_addr "$pf" 1)"
	else
		skip "vfio-pci needs the IOMMU (RIG_IOMMU=0)"
	fi

	section "igb: disabling VFs"
	check "disable VFs (echo 0 > sriov_numvfs)" vfs_disable "$pf"
	check_eq "no virtfn links left" 0 "$(vf_count "$pf")"
	local n gone=0
	for n in "${vf_netdevs[@]}"; do [ -e "/sys/class/net/$n" ] || gone=$((gone + 1)); done
	check_eq "the VF netdevs are gone" "${#vf_netdevs[@]}" "$gone"

	[ "${#pfs[@]}" -ge 2 ] || return 0
	section "QEMU-internal hub: traffic between the two igb PFs"
	local dev1
	read -r _ dev1 <<<"${pfs[1]}"
	check "move $dev1 into netns rigpeer" sh -c "ip netns add rigpeer && ip link set $dev1 netns rigpeer"
	check "address + carrier on $dev" sh -c "ip addr add 192.0.2.1/24 dev $dev && ip link set $dev up"
	check "address + carrier on $dev1 (rigpeer)" \
		ip netns exec rigpeer sh -c "ip addr add 192.0.2.2/24 dev $dev1 && ip link set $dev1 up"
	check "carrier on $dev" wait_for 30 _has_carrier "$dev"
	check "ping 192.0.2.2 over the hub" wait_for 30 ping -c 1 -W 1 -I "$dev" 192.0.2.2
	ip netns del rigpeer || true
}

test_nvme() {
	section "NVMe PF with SR-IOV"
	if [ "$RIG_NVME" = 0 ]; then
		skip "NVMe disabled (RIG_NVME=0)"
		return
	fi
	check "modprobe nvme" modprobe nvme
	mapfile -t nv < <(rig_nvme_pfs)
	check_eq "one NVMe PF with SR-IOV" 1 "${#nv[@]}"
	[ "${#nv[@]}" -ge 1 ] || return 0
	local pf=${nv[0]}
	check_eq "$pf sriov_totalvfs" "$RIG_NVME_VFS" "$(<"$(pci_dev "$pf")/sriov_totalvfs")"
	check_eq "$pf lspci SR-IOV: Total VFs, offset 1, stride 1, VF device 0010" \
		"$RIG_NVME_VFS 1 1 0010" "$(sriov_cap "$pf" || true)"
	# the VFs have no queue resources assigned: keep the nvme driver off them
	echo 0 >"$(pci_dev "$pf")/sriov_drivers_autoprobe"
	check "enable 2 NVMe VFs" vfs_enable "$pf" 2
	check_vf_layout "$pf" 2
	check "disable NVMe VFs" vfs_disable "$pf"
	echo 1 >"$(pci_dev "$pf")/sriov_drivers_autoprobe"
}

test_netdevsim_many_vfs() {
	section "netdevsim: many VFs"
	local dev n listed
	dev=$(nsim_new 10) || {
		fail "create netdevsim10"
		return 0
	}
	for n in 64 256 1024; do
		check "netdevsim with $n VFs" nsim_set_vfs 10 "$n"
		check_eq "IFLA_NUM_VF of $dev is $n (raw netlink)" "$n" "$(vfport get "$dev" | sed -n 's/^num_vf //p')"
		listed=$(ip -d link show "$dev" | grep -c '^ *vf [0-9]' || true)
		if [ "$n" -le 64 ]; then
			check_eq "ip -d link show $dev lists all $n VFs" "$n" "$listed"
		else
			note "ip -d link show lists $listed of $n VFs (IFLA_VFINFO_LIST has a 16-bit length)"
		fi
	done
	check "remove netdevsim10" nsim_del 10
}

test_netdevsim_vf_ports() {
	section "netdevsim: 802.1Qbh VF ports (tests/vm/netdevsim-vfport.patch)"
	local dev dbg out
	dev=$(nsim_new 11 4) || {
		fail "create netdevsim11 with 4 VFs"
		return 0
	}
	dbg=$(nsim_dbg 11)
	check_eq "debugfs vf_port_response defaults to success" success "$(<"$dbg/vf_port_response")"
	out=$(vfport get "$dev")
	check_match "a fresh device reports no VF ports" $'num_vf 4\nvf_ports 0$' "$out"

	check "associate VF 1 (40-byte profile, instance and host UUID)" \
		vfport set "$dev" 1 associate profile gold instance "$U1" host "$U2"
	out=$(vfport get "$dev")
	check_match "VF 1 reports request, SUCCESS, profile and UUIDs" \
		"port vf=1 request=2 response=0x100\(success\) profile=gold profile_len=40 instance=$U1 host=$U2" "$out"
	check_match "VFs never set are left out of IFLA_VF_PORTS" "vf_ports 1$" "$out"

	check_fails "a set without IFLA_PORT_REQUEST is refused" vfport set "$dev" 2 associate profile x no-request
	check_match "... with EINVAL" "EINVAL" "$CHECK_OUTPUT"
	check_fails "a 7-byte (strlen+1) profile is refused" vfport set "$dev" 2 associate profile silver profile-len 7
	check_match "... with EINVAL" "EINVAL" "$CHECK_OUTPUT"
	check_fails "PREASSOCIATE is refused" vfport set "$dev" 2 preassociate profile x
	check_match "... with EOPNOTSUPP" "EOPNOTSUPP" "$CHECK_OUTPUT"
	check_fails "VF 4 of 4 is refused" vfport set "$dev" 4 associate profile x
	check_match "... with EINVAL" "EINVAL" "$CHECK_OUTPUT"

	check "disassociate VF 1 without a profile" vfport set "$dev" 1 disassociate
	check_match "the set replaced the whole state (no profile, no UUIDs)" \
		"port vf=1 request=3 response=0x100\(success\)"$'\n' "$(vfport get "$dev")"

	check "debugfs vf_port_response=error" sh -c "echo error > $dbg/vf_port_response"
	check "associate VF 2" vfport set "$dev" 2 associate profile red
	check_match "VF 2 answers PORT_PROFILE_RESPONSE_ERROR" "port vf=2 request=2 response=0x105\(error\)" "$(vfport get "$dev")"
	check "debugfs vf_port_response=inprogress" sh -c "echo inprogress > $dbg/vf_port_response"
	check "associate VF 2 again" vfport set "$dev" 2 associate profile red
	check_match "VF 2 answers INPROGRESS" "port vf=2 request=2 response=0x101\(inprogress\)" "$(vfport get "$dev")"
	check_match "... and stays INPROGRESS" "port vf=2 request=2 response=0x101\(inprogress\)" "$(vfport get "$dev")"
	check "debugfs vf_port_response=eopnotsupp" sh -c "echo eopnotsupp > $dbg/vf_port_response"
	check_fails "set answers EOPNOTSUPP" vfport set "$dev" 2 associate profile blue
	check_match "... with EOPNOTSUPP" "EOPNOTSUPP" "$CHECK_OUTPUT"
	check_match "... and changed nothing" "port vf=2 request=2 response=0x101\(inprogress\) profile=red" "$(vfport get "$dev")"
	check_fails "debugfs vf_port_response refuses an unknown mode" sh -c "echo bogus > $dbg/vf_port_response"
	check "debugfs vf_port_response=success" sh -c "echo success > $dbg/vf_port_response"

	check "associate the PF's own port (IFLA_PORT_SELF)" vfport set "$dev" self associate profile pf-own
	check_match "IFLA_PORT_SELF round-trips" "port self request=2 response=0x100\(success\) profile=pf-own" "$(vfport get "$dev")"
	check "disable and re-enable the VFs" sh -c "echo 0 > $(nsim_sys 11)/sriov_numvfs && echo 4 > $(nsim_sys 11)/sriov_numvfs"
	check_match "re-created VFs have no port state" "vf_ports 0$" "$(vfport get "$dev")"
	check "remove netdevsim11" nsim_del 11
}

test_macvtap() {
	section "macvtap on dummy and veth"
	check "modprobe dummy veth macvtap tun" sh -c "modprobe dummy && modprobe veth && modprobe macvtap && modprobe tun"
	check "create dummy rigd0 and veth rigv0/rigv1" sh -c "ip link add rigd0 type dummy &&
		ip link add rigv0 type veth peer name rigv1 && ip link set rigd0 up && ip link set rigv0 up"
	local low mode name idx
	for low in rigd0 rigv0; do
		for mode in vepa bridge private passthru; do
			name=mt${low#rig}${mode:0:4}
			check "macvtap $name mode $mode on $low" ip link add link "$low" name "$name" type macvtap mode "$mode"
			idx=$(<"/sys/class/net/$name/ifindex") || continue
			check "/dev/tap$idx (devtmpfs) for $name" test -c "/dev/tap$idx"
			check_match "ip -d link show: macvtap mode $mode" "macvtap +mode $mode" "$(ip -d link show "$name")"
			ip link del "$name"
		done
	done
	check "macvtap bridge on rigv0" ip link add link rigv0 name mtbr type macvtap mode bridge
	check_fails "passthru must be the only macvtap on its lower device" \
		ip link add link rigv0 name mtpt type macvtap mode passthru
	ip link del mtbr 2>/dev/null || true
	ip link del rigd0 2>/dev/null || true
	ip link del rigv0 2>/dev/null || true
}

note "guest kernel $(uname -r), $(ip -V)"
test_igb
test_nvme
test_netdevsim_many_vfs
test_netdevsim_vf_ports
test_macvtap
