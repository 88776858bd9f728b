#!/bin/bash
# t-inventory.sh - `sriovctl list --json` and `sriovctl show DEV --json` against the
# kernel's own view: sysfs, `lspci -vvv` (SR-IOV capability) and `ip -j -d link
# show` (per-VF settings), for the igb and NVMe PFs and a netdevsim PF; and VF
# changes made through sysfs show up in `sriovctl list`.
#   tests/vm/run-in-vm tests/vm/t-inventory.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_sriovctl

# ------------------------------------------------------------------ helpers
# json_map ARRAY < JSON : ARRAY[path] = value for every leaf ("vfs.0.link.mac");
# null prints as "null", booleans as true/false.
json_map() {
	local -n _map=$1
	local k v
	_map=()
	while IFS=$'\t' read -r k v; do
		_map["$k"]=$v
	done < <(jq -r 'paths(type != "object" and type != "array") as $p
		| [($p | map(tostring) | join(".")), (getpath($p) | tostring)] | @tsv')
}

# lspci_sriov ARRAY ADDR : the SR-IOV capability as `lspci -vvv` decodes it
lspci_sriov() {
	local -n _cap=$1
	local out
	_cap=()
	out=$(lspci -vvv -s "$2")
	[[ $out =~ Capabilities:\ \[([0-9a-f]+)\ v([0-9]+)\]\ Single\ Root\ I/O\ Virtualization ]] || return 1
	_cap["position"]=$((16#${BASH_REMATCH[1]}))
	_cap["version"]=${BASH_REMATCH[2]}
	[[ $out =~ IOVCtl:[[:space:]]+Enable([+-]).*MSE([+-])\ ARIHierarchy([+-]) ]] || return 1
	_cap["vf_enable"]=$([ "${BASH_REMATCH[1]}" = + ] && echo true || echo false)
	_cap["vf_mse"]=$([ "${BASH_REMATCH[2]}" = + ] && echo true || echo false)
	_cap["ari_capable_hierarchy"]=$([ "${BASH_REMATCH[3]}" = + ] && echo true || echo false)
	[[ $out =~ Initial\ VFs:\ ([0-9]+),\ Total\ VFs:\ ([0-9]+),\ Number\ of\ VFs:\ ([0-9]+),\ Function\ Dependency\ Link:\ ([0-9a-f]+) ]] || return 1
	_cap["initial_vfs"]=${BASH_REMATCH[1]}
	_cap["total_vfs"]=${BASH_REMATCH[2]}
	_cap["num_vfs"]=${BASH_REMATCH[3]}
	_cap["function_dependency_link"]=$((16#${BASH_REMATCH[4]}))
	[[ $out =~ VF\ offset:\ ([0-9]+),\ stride:\ ([0-9]+),\ Device\ ID:\ ([0-9a-f]+) ]] || return 1
	_cap["first_vf_offset"]=${BASH_REMATCH[1]}
	_cap["vf_stride"]=${BASH_REMATCH[2]}
	_cap["vf_device_id"]=${BASH_REMATCH[3]}
}

sysfs_or_null() { # FILE: its content, "null" when missing or -1
	local v=null
	[ -r "$1" ] && read -r v <"$1"
	[ "$v" = -1 ] && v=null
	echo "$v"
}
group_of() { # PCI_ADDR: IOMMU group number or null
	local l
	l=$(readlink "/sys/bus/pci/devices/$1/iommu_group") || {
		echo null
		return
	}
	echo "${l##*/}"
}
bool_of() { if [ "$1" = 1 ]; then echo true; else echo false; fi; }
hex_of() { # FILE holding 0x... : the hex digits
	local v
	read -r v <"$1"
	echo "${v#0x}"
}

# ------------------------------------------------------------------ PCI PFs
# check_pci_pf WHAT ADDR : JSON object of PF ADDR (on stdin) against sysfs and lspci
check_pci_pf() {
	local what=$1 pf=$2 d i n vf
	local -A P=() C=()
	json_map P
	d=$(pci_dev "$pf")
	if [ "${P[address]:-}" != "$pf" ]; then
		fail "$what: no entry for $pf"
		return 0
	fi
	local sys_netdevs json_netdevs=()
	check_eq "$what $pf: vendor_id" "$(hex_of "$d/vendor")" "${P[vendor_id]}"
	check_eq "$what $pf: device_id" "$(hex_of "$d/device")" "${P[device_id]}"
	check_eq "$what $pf: class" "$(hex_of "$d/class")" "${P[class]}"
	check_eq "$what $pf: driver" "$(pci_driver "$pf")" "${P[driver]}"
	mapfile -t sys_netdevs < <(pci_netdevs "$pf")
	for ((i = 0; ; i++)); do
		[ -n "${P[netdevs.$i]+x}" ] || break
		json_netdevs+=("${P[netdevs.$i]}")
	done
	check_eq "$what $pf: netdevs" "${sys_netdevs[*]}" "${json_netdevs[*]}"
	check_eq "$what $pf: iommu_group" "$(group_of "$pf")" "${P[iommu_group]}"
	check_eq "$what $pf: numa_node" "$(sysfs_or_null "$d/numa_node")" "${P[numa_node]}"
	local key val vendor_name='' device_name=''
	while IFS=$'\t' read -r key val; do
		case $key in
		Vendor:) vendor_name=$val ;;
		Device:) device_name=$val ;;
		esac
	done < <(lspci -vmm -s "$pf")
	check_eq "$what $pf: vendor_name (lspci -vmm)" "$vendor_name" "${P[vendor_name]}"
	check_eq "$what $pf: device_name (lspci -vmm)" "$device_name" "${P[device_name]}"

	check_eq "$what $pf: sriov.totalvfs = sysfs sriov_totalvfs" "$(<"$d/sriov_totalvfs")" "${P[sriov.totalvfs]}"
	check_eq "$what $pf: sriov.numvfs = sysfs sriov_numvfs" "$(<"$d/sriov_numvfs")" "${P[sriov.numvfs]}"
	check_eq "$what $pf: sriov.offset = sysfs sriov_offset" "$(<"$d/sriov_offset")" "${P[sriov.offset]}"
	check_eq "$what $pf: sriov.stride = sysfs sriov_stride" "$(<"$d/sriov_stride")" "${P[sriov.stride]}"
	check_eq "$what $pf: sriov.vf_device = sysfs sriov_vf_device" \
		"$(printf %04x "0x$(hex_of "$d/sriov_vf_device")")" "${P[sriov.vf_device]}"
	check_eq "$what $pf: sriov.drivers_autoprobe" "$(bool_of "$(<"$d/sriov_drivers_autoprobe")")" "${P[sriov.drivers_autoprobe]}"

	if ! lspci_sriov C "$pf"; then
		fail "$what $pf: lspci -vvv shows no SR-IOV capability"
		return 0
	fi
	local k
	for k in position initial_vfs total_vfs num_vfs first_vf_offset vf_stride vf_device_id \
		vf_enable vf_mse ari_capable_hierarchy function_dependency_link; do
		check_eq "$what $pf: capability.$k = lspci" "${C[$k]}" "${P[capability.$k]:-<missing>}"
	done

	mapfile -t vfs < <(vf_addrs "$pf")
	n=0
	while [ -n "${P[vfs.$n.index]+x}" ]; do n=$((n + 1)); done
	check_eq "$what $pf: number of vfs = virtfn links" "${#vfs[@]}" "$n"
	for ((i = 0; i < ${#vfs[@]}; i++)); do
		vf=${vfs[$i]}
		check_eq "$what $pf: vfs.$i.address = virtfn$i" "$vf" "${P[vfs.$i.address]:-}"
		check_eq "$what $pf: vfs.$i.expected_address = lspci offset/stride" \
			"$(vf_rid_addr "$pf" "${C[first_vf_offset]}" "${C[vf_stride]}" "$i")" "${P[vfs.$i.expected_address]:-}"
		local drv
		drv=$(pci_driver "$vf")
		check_eq "$what $pf: vfs.$i.driver" "${drv:-null}" "${P[vfs.$i.driver]:-}"
		check_eq "$what $pf: vfs.$i.netdevs.0" "$(pci_netdev "$vf")" "${P[vfs.$i.netdevs.0]:-}"
		check_eq "$what $pf: vfs.$i.iommu_group" "$(group_of "$vf")" "${P[vfs.$i.iommu_group]:-}"
	done
	[ -z "${P[warnings.0]:-}" ] || note "$what $pf: warnings: ${P[warnings.0]} ..."
}

# ------------------------------------------------------------------ VF settings
# check_vf_links WHAT DEV : JSON of `sriovctl show` (stdin) against ip -j -d link show DEV
check_vf_links() {
	local what=$1 dev=$2 n=0 i
	local -A P=() I=()
	json_map P
	json_map I < <(ip -j -d link show "$dev" | jq '.[0]')
	while [ -n "${I[vfinfo_list.$n.vf]+x}" ]; do n=$((n + 1)); done
	check_eq "$what: netlink_num_vf = VFs in ip -d link show $dev" "$n" "${P[netlink_num_vf]}"
	for ((i = 0; i < n; i++)); do
		local v=vfinfo_list.$i l=vfs.$i.link
		check_eq "$what: VF $i mac" "${I[$v.address]}" "${P[$l.mac]:-}"
		check_eq "$what: VF $i vlan" "${I[$v.vlan_list.0.vlan]:-0}" "${P[$l.vlan]:-}"
		check_eq "$what: VF $i qos" "${I[$v.vlan_list.0.qos]:-0}" "${P[$l.qos]:-}"
		if [ -n "${I[$v.vlan_list.0.protocol]:-}" ]; then
			check_eq "$what: VF $i vlan_proto" "${I[$v.vlan_list.0.protocol]}" "${P[$l.vlan_proto]:-}"
		elif [ "${I[$v.vlan_list.0.vlan]:-0}" != 0 ]; then
			check_eq "$what: VF $i vlan_proto" 802.1Q "${P[$l.vlan_proto]:-}"
		fi
		check_eq "$what: VF $i spoofchk" "${I[$v.spoofchk]}" "${P[$l.spoofchk]:-}"
		check_eq "$what: VF $i trust" "${I[$v.trust]}" "${P[$l.trust]:-}"
		check_eq "$what: VF $i link_state" "${I[$v.link_state]}" "${P[$l.link_state]:-}"
		check_eq "$what: VF $i max_tx_rate" "${I[$v.rate.max_tx]}" "${P[$l.max_tx_rate]:-}"
		check_eq "$what: VF $i min_tx_rate" "${I[$v.rate.min_tx]}" "${P[$l.min_tx_rate]:-}"
		[ -z "${I[$v.query_rss_en]:-}" ] ||
			check_eq "$what: VF $i query_rss" "${I[$v.query_rss_en]}" "${P[$l.query_rss]:-}"
	done
}

list_pf() { # ADDR : one PF object of `sriovctl list --json`
	jq -c --arg a "$1" '.physical_functions[] | select(.address == $a)' <<<"$LIST"
}
list_json() {
	LIST=$(sriovctl list --json) || {
		fail "sriovctl list --json exits $?"
		LIST='{"physical_functions":[]}'
	}
}

# ------------------------------------------------------------------ the tests
section "devices"
check "load igb/igbvf" igb_load
check "modprobe nvme" modprobe nvme
mapfile -t IGB < <(pci_find "${RIG_IGB_PF_ID[@]}")
mapfile -t NVME < <(rig_nvme_pfs)
note "igb PFs: ${IGB[*]:-none}; NVMe PFs: ${NVME[*]:-none}"

section "sriovctl list --json without VFs"
list_json
check_eq "sriovctl list --json has a physical_functions array" array "$(jq -r '.physical_functions | type' <<<"$LIST")"
for pf in "${IGB[@]}" "${NVME[@]}"; do
	check_pci_pf "list" "$pf" < <(list_pf "$pf")
done

section "with VFs: igb ${IGB[0]:-} (3 VFs, settings), NVMe ${NVME[0]:-} (2 VFs, no driver)"
if [ "${#IGB[@]}" -ge 1 ]; then
	pf=${IGB[0]}
	dev=$(pci_netdev "$pf")
	check "enable 3 VFs on $pf" vfs_enable "$pf" 3
	check "VF netdevs appear" vfs_wait_netdevs "$pf" 60
	check "set VF 0: mac, vlan 33 qos 2, spoofchk off, trust on" \
		ip link set "$dev" vf 0 mac 02:00:00:00:aa:01 vlan 33 qos 2 spoofchk off trust on
	check "set VF 2: mac, vlan 4000" ip link set "$dev" vf 2 mac 02:00:00:00:aa:03 vlan 4000
fi
if [ "${#NVME[@]}" -ge 1 ]; then
	echo 0 >"$(pci_dev "${NVME[0]}")/sriov_drivers_autoprobe"
	check "enable 2 NVMe VFs (drivers_autoprobe 0)" vfs_enable "${NVME[0]}" 2
fi
list_json
for pf in "${IGB[@]}" "${NVME[@]}"; do
	check_pci_pf "list" "$pf" < <(list_pf "$pf")
done
for pf in "${IGB[@]:0:1}" "${NVME[@]:0:1}"; do
	if show=$(sriovctl show "$pf" --json); then
		ok "sriovctl show $pf --json"
		check_pci_pf "show" "$pf" <<<"$show"
	else
		fail "sriovctl show $pf --json exits $?"
	fi
done
if [ "${#IGB[@]}" -ge 1 ]; then
	show=$(sriovctl show "$dev" --json) || true
	check_vf_links "show $dev" "$dev" <<<"$show"
	check_eq "show $dev --json = show ${IGB[0]} --json" \
		"$(sriovctl show "${IGB[0]}" --json | jq -S -c .)" "$(jq -S -c . <<<"$show")"
fi

section "netdevsim PF (4 VFs, varied settings)"
nsdev=$(nsim_new 21 4)
check "VF 1: mac, vlan 5 qos 3, trust on, state disable, rates 10/100" \
	ip link set "$nsdev" vf 1 mac 02:11:00:00:00:01 vlan 5 qos 3 trust on state disable min_tx_rate 10 max_tx_rate 100
check "VF 2: vlan 7 proto 802.1ad, spoofchk on" ip link set "$nsdev" vf 2 vlan 7 proto 802.1ad spoofchk on
check "VF 3: state enable, query_rss on" ip link set "$nsdev" vf 3 state enable query_rss on
list_json
declare -A NS=()
json_map NS < <(list_pf netdevsim21)
check_eq "list: netdevsim21 bus" netdevsim "${NS[bus]:-}"
check_eq "list: netdevsim21 driver" netdevsim "${NS[driver]:-}"
check_eq "list: netdevsim21 netdevs.0" "$nsdev" "${NS[netdevs.0]:-}"
check_eq "list: netdevsim21 sriov.numvfs" 4 "${NS[sriov.numvfs]:-}"
check_eq "list: netdevsim21 has 4 vfs" 3 "${NS[vfs.3.index]:-}"
if show=$(sriovctl show netdevsim21 --json); then
	ok "sriovctl show netdevsim21 --json"
	check_vf_links "show netdevsim21" "$nsdev" <<<"$show"
	check_eq "show $nsdev --json = show netdevsim21 --json" \
		"$(jq -S -c . <<<"$show")" "$(sriovctl show "$nsdev" --json | jq -S -c .)"
else
	fail "sriovctl show netdevsim21 --json exits $?"
fi
check "remove netdevsim21" nsim_del 21

section "VF changes through sysfs are seen by sriovctl list"
if [ "${#IGB[@]}" -ge 2 ]; then
	pf=${IGB[1]}
	list_json
	check_eq "list: $pf numvfs before" 0 "$(list_pf "$pf" | jq -r '.sriov.numvfs')"
	check "enable 4 VFs on $pf through sysfs" vfs_enable "$pf" 4
	list_json
	check_pci_pf "list after enable" "$pf" < <(list_pf "$pf")
	check_eq "list: $pf numvfs after enable" 4 "$(list_pf "$pf" | jq -r '.sriov.numvfs')"
	check "disable VFs on $pf through sysfs" vfs_disable "$pf"
	list_json
	check_eq "list: $pf numvfs and vfs after disable" "0 0" \
		"$(list_pf "$pf" | jq -r '"\(.sriov.numvfs) \(.vfs | length)"')"
	check_eq "list: $pf capability.vf_enable after disable" false "$(list_pf "$pf" | jq -r '.capability.vf_enable')"
else
	skip "needs two igb PFs"
fi

section "exit codes"
check_fails "show of a function without SR-IOV fails" sriovctl show 0000:00:00.0 --json
check_fails "show of a missing device fails" sriovctl show nosuchdev0 --json
rc=0
sriovctl show nosuchdev0 >/dev/null 2>&1 || rc=$?
check_eq "show of a missing device exits 3" 3 "$rc"
