#!/bin/bash
# The sriov-vf CNI plugin against the real kernel: igb VFs moved
# into real network namespaces (ip netns), the real host-local IPAM plugin
# (Debian's containernetworking-plugins), ADD/CHECK/DEL/GC/STATUS/VERSION,
# DEL twice, a late DEL of a container that no longer holds the VF
# (sriov-cni#219), DEL after `ip netns del`, a kill mid-ADD rolled back, two
# pods racing for one VF, 16 parallel ADDs on distinct VFs, a VF on vfio-pci
# (KubeVirt) configured through the PF only, a pod and a guest on one PF;
# GC without an attachments list, an ifname the netns has, IPAM results of
# the wrong JSON type, CHECK before 0.4.0, CNI_ARGS' MAC, a FIFO as netns,
# an IPAM plugin that never answers, a failed last store save, ifname
# patterns, and a pod that renamed or moved the VF before DEL.
# rig: RIG_IGB=3 RIG_TIMEOUT=1200
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_sriovctl

PLUGIN=$SRIOV_BUILD_DIR/cni/sriov-vf
export SRIOV_STATE_DIR=/run/sriov-cni
W=/tmp/t-cni
rm -rf "$W" "$SRIOV_STATE_DIR" /var/lib/cni/networks
mkdir -p "$W/bin"
cp /usr/lib/cni/host-local "$W/bin/"
export CNI_PATH=$W/bin

# cni COMMAND CONTAINER IFNAME NETNS CONF : the plugin's stdout; its status
cni() {
	CNI_COMMAND=$1 CNI_CONTAINERID=$2 CNI_IFNAME=$3 CNI_NETNS=$4 "$PLUGIN" <<<"$5"
}
# conf DEVICE [MORE JSON] : a NetConf for network sriov-net
conf() { printf '{"cniVersion":"1.1.0","name":"sriov-net","type":"sriov-vf","deviceID":"%s"%s}' "$1" "${2:-}"; }
ipam='"ipam":{"type":"host-local","ranges":[[{"subnet":"10.56.0.0/24","gateway":"10.56.0.1"}]],"routes":[{"dst":"10.57.0.0/16"}],"dataDir":"/run/cni-ipam"}'
nsx() { ip netns exec "$@"; }
n_pods() { sriovctl allocations --json | jq '[.allocations[] | select(.kind == "pod")] | length'; }
host_mac() { cat "/sys/class/net/$1/address"; }
code_of() { jq -r .code <<<"$1"; }
ns_has_pids() { [ -n "$(ip netns pids "$1" 2>/dev/null)" ]; }
# vf0_back : VF0's line as before the ADD. The MAC the PF reports may be the
# netdev's own one: igb reports a VF's MAC once its driver registers it,
# which the DEL's putting back of the netdev's MAC does.
vf0_back() {
	local now
	now=$(vf_line "$pfdev" 0)
	[ "${now/link\/ether * brd/MAC brd}" = "${line0/link\/ether * brd/MAC brd}" ] || { echo "$now"; return 1; }
	[[ $now == *"link/ether 00:00:00:00:00:00 "* || $now == *"link/ether $mac0 "* ]] || { echo "$now"; return 1; }
}

section "setup: igb, 7 VFs on each of 3 PFs"
check "load igb" igb_load
mapfile -t PFS < <(rig_igb_pfs | cut -d' ' -f1)
mapfile -t PFDEVS < <(rig_igb_pfs | cut -d' ' -f2)
for p in "${PFS[@]}"; do check "7 VFs on $p" vfs_enable "$p" 7; check "netdevs of $p's VFs" vfs_wait_netdevs "$p"; done
# igb refuses VF rates while its PF has no link
for d in "${PFDEVS[@]}"; do check "$d up with carrier" link_up "$d"; done
pf=${PFS[0]} pfdev=${PFDEVS[0]}
mapfile -t VFS < <(vf_addrs "$pf")
vf0=${VFS[0]}
nd0=$(pci_netdev "$vf0")
mac0=$(host_mac "$nd0")
mtu0=$(<"/sys/class/net/$nd0/mtu")
line0=$(vf_line "$pfdev" 0)
note "VF0 $vf0 netdev $nd0 mac $mac0 mtu $mtu0: $line0"

section "VERSION, STATUS, bad input changes nothing"
out=$(CNI_COMMAND=VERSION "$PLUGIN" <<<'{"cniVersion":"1.1.0"}')
check_eq "VERSION lists 1.1.0" true "$(jq '.supportedVersions | index("1.1.0") != null' <<<"$out")"
check "STATUS" cni STATUS x net1 "" "$(conf "$vf0")"
ip netns add pod1
rc=0; out=$(cni ADD c1 net1 /var/run/netns/pod1 "$(conf "$vf0" ',"vlan":4095')") || rc=$?
check_eq "vlan 4095: exit 1" 1 "$rc"
check_eq "vlan 4095: code 7" 7 "$(code_of "$out")"
check_match "vlan 4095: names the field" '"vlan\\": 4095 is out of range' "$out"
rc=0; out=$(cni ADD c1 net1 /var/run/netns/pod1 '{"cniVersion":"1.1.0",') || rc=$?
check_eq "malformed JSON: code 6" 6 "$(code_of "$out")"
rc=0; out=$(CNI_COMMAND=ADD CNI_CONTAINERID=c1 CNI_NETNS=/var/run/netns/pod1 "$PLUGIN" <<<"$(conf "$vf0")") || rc=$?
check_eq "no CNI_IFNAME: code 4" 4 "$(code_of "$out")"
rc=0; out=$(cni ADD c1 net1 /var/run/netns/nope "$(conf "$vf0")") || rc=$?
check_eq "netns that does not exist: code 3" 3 "$(code_of "$out")"
rc=0; out=$(cni ADD c1 net1 /var/run/netns/pod1 "$(conf "${PFS[0]}")") || rc=$?
check_eq "deviceID a PF: code 102" 102 "$(code_of "$out")"
check_eq "nothing recorded" 0 "$(n_pods)"
check_eq "VF0 untouched" "$line0" "$(vf_line "$pfdev" 0)"
check_eq "its netdev still $nd0" "$nd0" "$(pci_netdev "$vf0")"

section "ADD / CHECK / DEL in netdev mode, with host-local"
full=$(conf "$vf0" ",\"vlan\":42,\"vlanQoS\":3,\"mac\":\"02:16:00:00:00:01\",\"spoofchk\":\"off\",\"trust\":\"on\",\"max_tx_rate\":100,\"mtu\":1400,$ipam")
t0=$EPOCHREALTIME
check "ADD c1 net1" eval 'cni ADD c1 net1 /var/run/netns/pod1 "$full" >"$W/add-c1.json"'
check_eq "result: net1 in pod1, pciID VF0" "net1 /var/run/netns/pod1 $vf0 1400" \
	"$(jq -r '.interfaces[0] | [.name, .sandbox, .pciID, .mtu] | map(tostring) | join(" ")' "$W/add-c1.json")"
check_match "result: ips from host-local" '^10\.56\.0\.[0-9]+/24 10\.56\.0\.1 0$' \
	"$(jq -r '.ips[0] | [.address, .gateway, .interface] | map(tostring) | join(" ")' "$W/add-c1.json")"
out=$(cni ADD c1b net1 /var/run/netns/pod1 "$full" 2>/dev/null || true)
note "ADD took $(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 )) ms (with host-local)"
check_eq "the same VF again (another container): code 101" 101 "$(code_of "$out")"
check "net1 is in pod1" nsx pod1 ip link show net1
check_eq "net1 is VF0 (parent device)" "$vf0" "$(nsx pod1 ip -j -d link show net1 | jq -r '.[0].parentdev // empty')"
check_eq "net1 has the MAC" 02:16:00:00:00:01 "$(nsx pod1 cat /sys/class/net/net1/address)"
check_eq "net1 mtu 1400" 1400 "$(nsx pod1 cat /sys/class/net/net1/mtu)"
check_match "net1 is up" "UP" "$(nsx pod1 ip link show net1)"
check_match "net1 has 10.56.0.x/24" 'inet 10\.56\.0\.[0-9]+/24' "$(nsx pod1 ip -4 addr show net1)"
check_match "route 10.57.0.0/16 via 10.56.0.1" '10\.57\.0\.0/16 via 10\.56\.0\.1 dev net1' "$(nsx pod1 ip route)"
check_eq "$nd0 gone from the host" "" "$(pci_netdev "$vf0")"
check_match "VF0: vlan 42 qos 3, spoof off, trust on, max rate 100" 'vlan 42, qos 3.*max_tx_rate 100Mbps.*spoof checking off.*trust on' "$(vf_line "$pfdev" 0)"
rec=$(sriovctl allocations --json | jq -c '.allocations[] | select(.kind == "pod")')
check_eq "one pod record, finished" "c1 net1 /var/run/netns/pod1 sriov-net false" \
	"$(jq -r '[.pod.container_id, .pod.ifname, .pod.netns, .pod.network, .pending] | join(" ")' <<<"$rec")"
check "CHECK c1" cni CHECK c1 net1 /var/run/netns/pod1 "$full"
addres=$(<"$W/add-c1.json")
check "CHECK c1 with ADD's result as prevResult" cni CHECK c1 net1 /var/run/netns/pod1 "${full%\}},\"prevResult\":$addres}"
rc=0; out=$(cni CHECK c1 net2 /var/run/netns/pod1 "${full%\}},\"prevResult\":$addres}") || rc=$?
check_eq "CHECK of an ifname the prevResult does not list: code 103" 103 "$(code_of "$out")"
ip link set dev "$pfdev" vf 0 vlan 7
rc=0; out=$(cni CHECK c1 net1 /var/run/netns/pod1 "$full") || rc=$?
check_eq "CHECK after the VLAN changed behind its back: code 103" 103 "$(code_of "$out")"
check_match "CHECK names the VLAN" 'vlan 42' "$out"
ip link set dev "$pfdev" vf 0 vlan 42 qos 3
check "DEL c1" cni DEL c1 net1 /var/run/netns/pod1 "$full"
check_eq "$nd0 back in the host under its name" "$nd0" "$(pci_netdev "$vf0")"
check_eq "$nd0 MAC back" "$mac0" "$(host_mac "$nd0")"
check_eq "$nd0 mtu back" "$mtu0" "$(<"/sys/class/net/$nd0/mtu")"
check "VF0 settings back" vf0_back
check_eq "no pod record" 0 "$(n_pods)"
check_eq "host-local released the address" 0 "$(find /run/cni-ipam/sriov-net -name '10.*' 2>/dev/null | wc -l)"
check "DEL c1 again: success" cni DEL c1 net1 /var/run/netns/pod1 "$full"
check "DEL without netns: success" cni DEL c1 net1 "" "$full"

section "a late DEL of a container that no longer holds the VF (sriov-cni#219)"
ip netns add pod2
check "ADD c2 VF0 vlan 10, a MAC, trust off" cni ADD c2 net1 /var/run/netns/pod2 "$(conf "$vf0" ',"vlan":10,"mac":"02:16:00:00:00:02"')"
# igbvf with trust off takes an admin MAC only when it binds: the plugin rebinds it
check_eq "net1 in pod2 has the MAC" 02:16:00:00:00:02 "$(nsx pod2 cat /sys/class/net/net1/address)"
check "late DEL of c1 naming VF0" cni DEL c1 net1 /var/run/netns/pod1 "$(conf "$vf0" ',"vlan":10')"
check "c2's net1 still in pod2" nsx pod2 ip link show net1
check_match "VF0 still vlan 10" 'vlan 10' "$(vf_line "$pfdev" 0)"
check "CHECK c2" cni CHECK c2 net1 /var/run/netns/pod2 "$(conf "$vf0" ',"vlan":10')"

section "DEL after ip netns del"
check "ip netns del pod2" ip netns del pod2
check "DEL c2 (netns gone)" cni DEL c2 net1 /var/run/netns/pod2 "$(conf "$vf0" ',"vlan":10')"
check_eq "$nd0 back under its name" "$nd0" "$(pci_netdev "$vf0")"
check_eq "$nd0 MAC back" "$mac0" "$(host_mac "$nd0")"
check "VF0 settings back" vf0_back
check_eq "no pod record" 0 "$(n_pods)"

section "DEL while a process still holds the removed netns"
ip netns add pod3
check "ADD c3 VF0" cni ADD c3 net1 /var/run/netns/pod3 "$(conf "$vf0")"
ip netns exec pod3 sleep 600 &
holder=$!
check "the sleep is in pod3" wait_for 10 ns_has_pids pod3
check "ip netns del pod3 (the sleep keeps the namespace)" ip netns del pod3
rc=0; out=$(cni DEL c3 net1 /var/run/netns/pod3 "$(conf "$vf0")" 2>/dev/null) || rc=$?
check_eq "DEL: try again later (code 11)" 11 "$(code_of "$out")"
check_match "it says why" 'still holds the namespace' "$out"
check_eq "the record is kept" 1 "$(n_pods)"
kill "$holder" || true
wait "$holder" 2>/dev/null || true
check "DEL again once the namespace has ended" cni DEL c3 net1 /var/run/netns/pod3 "$(conf "$vf0")"
check_eq "$nd0 back under its name" "$nd0" "$(pci_netdev "$vf0")"
check_eq "no pod record" 0 "$(n_pods)"

section "DEL when the VF's host name was taken meanwhile"
# The kernel moves a netdev home under its pod name and renames it after:
# (a) the pod name is free in the host, the VF's old name is not: it stays
# under the pod name; (b) both are taken: the kernel picks devN. Either way
# DEL succeeds (a failing DEL is retried by the runtime forever), the VF's
# settings are back and the record is gone.
# vf0_home NAME : VF0's netdev renamed back to $nd0 after the dummy is gone
vf0_home() {
	ip link del "$nd0"
	[ "$1" = "$nd0" ] || ip link set dev "$1" name "$nd0"
}
for taken in "$nd0" "$nd0 net1"; do
	ip netns add pod4
	check "ADD c4 VF0" cni ADD c4 net1 /var/run/netns/pod4 "$(conf "$vf0" ',"vlan":11')"
	for t in $taken; do ip link add "$t" type dummy; done
	rc=0; err=$(cni DEL c4 net1 /var/run/netns/pod4 "$(conf "$vf0" ',"vlan":11')" 2>&1 >/dev/null) || rc=$?
	check_eq "DEL with $taken taken in the host: exit 0" 0 "$rc"
	now=$(pci_netdev "$vf0")
	if [ "$taken" = "$nd0" ]; then
		check_eq "VF0's netdev home under its pod name" net1 "$now"
	else
		check_match "VF0's netdev home as the kernel named it" '^dev[0-9]+$' "$now"
		ip link del net1
	fi
	check_match "DEL says so" "the host has another netdev named $nd0 now: the VF's netdev is back as $now" "$err"
	check_eq "its MAC back" "$mac0" "$(host_mac "$now")"
	check "VF0 settings back" vf0_back
	check_eq "no pod record" 0 "$(n_pods)"
	check "$nd0 is the dummy still" test -d "/sys/class/net/$nd0" -a ! -e "/sys/class/net/$nd0/device"
	vf0_home "$now"
	check_eq "$nd0 is VF0's again" "$nd0" "$(pci_netdev "$vf0")"
	ip netns del pod4
done

section "GC with cni.dev/valid-attachments"
for i in 1 2 3; do
	ip netns add gc$i
	check "ADD g$i" cni ADD g$i net1 /var/run/netns/gc$i "$(conf "${VFS[$i]}")"
done
gc='{"cniVersion":"1.1.0","name":"sriov-net","type":"sriov-vf","cni.dev/valid-attachments":[{"containerID":"g2","ifname":"net1"}]}'
check "GC keeping g2" env CNI_COMMAND=GC "$PLUGIN" <<<"$gc"
check_eq "one pod record left: g2" g2 "$(sriovctl allocations --json | jq -r '[.allocations[] | select(.kind == "pod") | .pod.container_id] | join(",")')"
check_eq "g1's VF back in the host" 1 "$(pci_netdevs "${VFS[1]}" | wc -l)"
check "g2's VF still in gc2" nsx gc2 ip link show net1
gcother='{"cniVersion":"1.1.0","name":"other-net","type":"sriov-vf","cni.dev/valid-attachments":[]}'
check "GC of another network" env CNI_COMMAND=GC "$PLUGIN" <<<"$gcother"
check_eq "g2 kept (another network's GC)" 1 "$(n_pods)"
check "DEL g2" cni DEL g2 net1 /var/run/netns/gc2 "$(conf "${VFS[2]}")"

section "a kill mid-ADD is rolled back by the next call"
cat >"$W/bin/slow-ipam" <<EOS
#!/bin/sh
[ "\$CNI_COMMAND" = VERSION ] && { echo '{"cniVersion":"1.1.0","supportedVersions":["1.0.0","1.1.0"]}'; exit 0; }
[ "\$CNI_COMMAND" = ADD ] && { echo \$\$ >"$W/slow-ipam.pid"; exec sleep 600; }
exit 0
EOS
chmod +x "$W/bin/slow-ipam"
rm -f "$W/slow-ipam.pid"
ip netns add kill1
kconf=$(conf "$vf0" ',"vlan":77,"ipam":{"type":"slow-ipam"}')
CNI_COMMAND=ADD CNI_CONTAINERID=k1 CNI_IFNAME=net1 CNI_NETNS=/var/run/netns/kill1 "$PLUGIN" <<<"$kconf" >/dev/null 2>&1 &
kpid=$!
check "ADD k1 reached IPAM (VF0 in kill1)" wait_for 30 test -s "$W/slow-ipam.pid"
check "net1 in kill1" nsx kill1 ip link show net1
check "kill -9 the plugin mid-ADD" kill -9 "$kpid"
wait "$kpid" 2>/dev/null || true
kill "$(<"$W/slow-ipam.pid")" 2>/dev/null || true
check_eq "its record is pending" true "$(jq '.allocations[0].pending' "$SRIOV_STATE_DIR/allocations.json")"
check "STATUS (the next call)" cni STATUS x net1 "" "$(conf "$vf0")"
check_eq "rolled back: no record" 0 "$(n_pods)"
check_eq "$nd0 back under its name" "$nd0" "$(pci_netdev "$vf0")"
check "VF0 settings back" vf0_back

section "two pods race for one VF"
ip netns add ra; ip netns add rb
cni ADD ra net1 /var/run/netns/ra "$(conf "$vf0")" >"$W/ra.out" 2>/dev/null & pa=$!
cni ADD rb net1 /var/run/netns/rb "$(conf "$vf0")" >"$W/rb.out" 2>/dev/null & pb=$!
ra=0; wait $pa || ra=$?; rb=0; wait $pb || rb=$?
check_eq "exactly one won" 1 "$(( (ra == 0) + (rb == 0) ))"
loser=$W/rb.out; [ "$rb" = 0 ] && loser=$W/ra.out
check_eq "the other got error JSON code 101" 101 "$(jq .code "$loser")"
check_match "it names the holder" 'held by container' "$(jq -r .details "$loser")"
check_eq "one record" 1 "$(n_pods)"
cni DEL ra net1 /var/run/netns/ra "$(conf "$vf0")" >/dev/null
cni DEL rb net1 /var/run/netns/rb "$(conf "$vf0")" >/dev/null
check_eq "both DELs: VF0 home" "$nd0" "$(pci_netdev "$vf0")"

section "16 parallel ADDs on distinct VFs (3 PFs)"
mapfile -t ALL < <(for p in "${PFS[@]}"; do vf_addrs "$p"; done)
pids=()
t0=$EPOCHREALTIME
for i in $(seq 0 15); do
	ip netns add p$i
	cni ADD p$i eth1 /var/run/netns/p$i "$(conf "${ALL[$i]}" ",\"vlan\":$((100 + i)),$ipam")" >"$W/p$i.out" 2>"$W/p$i.err" &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
note "16 ADDs in $(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 )) ms"
check_eq "all 16 succeeded" 0 "$fails"
check_eq "16 records" 16 "$(n_pods)"
check_eq "16 distinct addresses" 16 "$(cat "$W"/p*.out | jq -r '.ips[0].address' | sort -u | wc -l)"
ok16=0
for i in $(seq 0 15); do nsx p$i ip link show eth1 >/dev/null 2>&1 && ok16=$((ok16 + 1)); done
check_eq "each netns has its eth1" 16 "$ok16"
for i in $(seq 0 15); do
	cni DEL p$i eth1 /var/run/netns/p$i "$(conf "${ALL[$i]}" ",$ipam")" >/dev/null 2>&1 &
	pids[i]=$!
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check_eq "16 parallel DELs succeeded" 0 "$fails"
check_eq "no pod record" 0 "$(n_pods)"
home=0
for i in $(seq 0 15); do [ -n "$(pci_netdev "${ALL[$i]}")" ] && home=$((home + 1)); done
check_eq "16 netdevs back in the host" 16 "$home"

section "a VF on vfio-pci (KubeVirt, DPDK): configured through the PF only"
modprobe vfio-pci
vfv=${VFS[5]}
echo vfio-pci >"/sys/bus/pci/devices/$vfv/driver_override"
echo "$vfv" >"/sys/bus/pci/devices/$vfv/driver/unbind"
echo "$vfv" >/sys/bus/pci/drivers_probe
check_eq "VF5 on vfio-pci" vfio-pci "$(pci_driver "$vfv")"
line5=$(vf_line "$pfdev" 5)
ip netns add vm1
out=$(cni ADD vm1 net1 /var/run/netns/vm1 "$(conf "$vfv" ',"vlan":55,"mac":"02:16:00:00:00:55"')")
check_eq "result: pciID" "$vfv" "$(jq -r '.interfaces[0].pciID' <<<"$out")"
check_eq "result: the MAC" 02:16:00:00:00:55 "$(jq -r '.interfaces[0].mac' <<<"$out")"
check_match "VF5: vlan 55, the MAC" 'link/ether 02:16:00:00:00:55.*vlan 55' "$(vf_line "$pfdev" 5)"
check_eq "still on vfio-pci" vfio-pci "$(pci_driver "$vfv")"
check "CHECK vm1" cni CHECK vm1 net1 /var/run/netns/vm1 "$(conf "$vfv" ',"vlan":55,"mac":"02:16:00:00:00:55"')"
check "DEL vm1" cni DEL vm1 net1 /var/run/netns/vm1 "$(conf "$vfv")"
check_eq "VF5 settings back" "$line5" "$(vf_line "$pfdev" 5)"
check_eq "still on vfio-pci" vfio-pci "$(pci_driver "$vfv")"

section "a pod and a guest on one PF"
ip netns add mix
check "ADD pod on VF0" cni ADD mix net1 /var/run/netns/mix "$(conf "$vf0")"
cat >"$W/g.xml" <<EOX
<domain type='kvm'><name>g-mix</name><uuid>16161616-0000-4000-8000-000000000001</uuid><memory>1</memory><os><type>hvm</type></os><devices>
<interface type='hostdev' managed='no'><source><address type='pci' domain='0x${vf0:0:4}' bus='0x${vf0:5:2}' slot='0x${vf0:8:2}' function='0x${vf0:11:1}'/></source></interface>
</devices></domain>
EOX
check_fails "attach of the pod's VF refused" sriovctl attach --domain "$W/g.xml" -o "$W/g.out"
check_match "names the pod" "held by domain 'cni:sriov-net/mix/net1'" "$CHECK_OUTPUT"
cat >"$W/g2.xml" <<EOX
<domain type='kvm'><name>g-mix2</name><uuid>16161616-0000-4000-8000-000000000002</uuid><memory>1</memory><os><type>hvm</type></os><devices>
<interface type='direct'><source dev='$pfdev' mode='passthrough'/><mac address='52:54:00:16:00:02'/></interface>
</devices></domain>
EOX
check "attach a guest to a free VF of that PF" sriovctl attach --domain "$W/g2.xml" -o "$W/g2.out" --no-vfio
gvf=$(sriovctl allocations --json | jq -r '.allocations[] | select(.domain == "g-mix2") | .vf_address')
check_match "the guest did not get VF0" '^0000:' "$gvf"
[ "$gvf" != "$vf0" ] && ok "guest VF $gvf is not the pod's" || fail "guest got the pod's VF"
ip netns add mix2
rc=0; out=$(cni ADD mix2 net1 /var/run/netns/mix2 "$(conf "$gvf")") || rc=$?
check_eq "ADD of the guest's VF: code 101" 101 "$(code_of "$out")"
check_match "names the guest" "held by domain 'g-mix2'" "$out"
check "detach the guest" sriovctl detach g-mix2
check "DEL the pod" cni DEL mix net1 /var/run/netns/mix "$(conf "$vf0")"
check_eq "store empty" 0 "$(sriovctl allocations --json | jq '.allocations | length')"

# pods_clear : gives back what a section left behind, so that a failure
# there does not spill into the next one
pods_clear() {
	local d
	for d in $(sriovctl allocations --json | jq -r '.allocations[] | select(.kind == "pod") | .domain'); do
		sriovctl detach "$d" >/dev/null 2>&1 || true
	done
}

section "GC without an attachments list frees nothing; cni.dev/attachments is read too"
for i in 1 2; do
	ip netns add gk$i
	check "ADD gk$i" cni ADD gk$i net1 /var/run/netns/gk$i "$(conf "${VFS[$i]}")"
done
gcnone='{"cniVersion":"1.1.0","name":"sriov-net","type":"sriov-vf"}'
rc=0; out=$(CNI_COMMAND=GC "$PLUGIN" <<<"$gcnone" 2>/dev/null) || rc=$?
check_eq "GC with neither key: exit 1" 1 "$rc"
check_eq "GC with neither key: code 7" 7 "$(code_of "$out")"
check_eq "both pods kept" 2 "$(n_pods)"
check "gk1's VF still in gk1" nsx gk1 ip link show net1
gcatt='{"cniVersion":"1.1.0","name":"sriov-net","type":"sriov-vf","cni.dev/attachments":[{"containerID":"gk2","ifname":"net1"}]}'
check "GC with cni.dev/attachments keeping gk2" env CNI_COMMAND=GC "$PLUGIN" <<<"$gcatt"
check_eq "one pod record left: gk2" gk2 "$(sriovctl allocations --json | jq -r '[.allocations[] | select(.kind == "pod") | .pod.container_id] | join(",")')"
check_eq "gk1's VF back in the host" 1 "$(pci_netdevs "${VFS[1]}" | wc -l)"
check "DEL gk2" cni DEL gk2 net1 /var/run/netns/gk2 "$(conf "${VFS[2]}")"
ip netns del gk1; ip netns del gk2

pods_clear

section "an ifname the pod's netns has already is not 'VF held'"
ip netns add pe
ip -n pe link add net1 type dummy
rc=0; out=$(cni ADD pe net1 /var/run/netns/pe "$(conf "$vf0" ',"vlan":13')" 2>/dev/null) || rc=$?
check_eq "ADD as net1 where net1 exists: code 100" 100 "$(code_of "$out")"
check_match "it names the name" 'net1.*exists|exists.*net1' "$out"
check_eq "$nd0 still in the host" "$nd0" "$(pci_netdev "$vf0")"
check_eq "the pod's own net1 (the dummy) is still there" dummy "$(nsx pe ip -j -d link show net1 | jq -r '.[0].linkinfo.info_kind')"
check "VF0 settings back" vf0_back
check_eq "nothing recorded" 0 "$(n_pods)"
ip netns del pe

pods_clear

section "IPAM output of the wrong JSON type is refused, the ADD undone, the lease released"
cat >"$W/bin/bad-ipam" <<EOS2
#!/bin/sh
echo "\$CNI_COMMAND" >>"$W/bad-ipam.log"
case "\$CNI_COMMAND" in
VERSION) echo '{"cniVersion":"1.1.0","supportedVersions":["1.0.0","1.1.0"]}' ;;
ADD) cat "$W/bad-ipam.result" ;;
esac
exit 0
EOS2
chmod +x "$W/bin/bad-ipam"
ip netns add pb
bad_ipam() { # DEVICE RESULT WHAT
	printf '%s' "$2" >"$W/bad-ipam.result"
	: >"$W/bad-ipam.log"
	rc=0; out=$(cni ADD pb net1 /var/run/netns/pb "$(conf "$1" ',"vlan":14,"ipam":{"type":"bad-ipam"}')" 2>/dev/null) || rc=$?
	check_eq "$3: exit 1 with error JSON" "1 104" "$rc $(code_of "$out")"
	check_eq "$3: the lease released (IPAM DEL)" 1 "$(grep -c '^DEL$' "$W/bad-ipam.log")"
	check_eq "$3: nothing recorded" 0 "$(n_pods)"
}
bad_ipam "$vf0" '{"cniVersion":"1.1.0","ips":{"address":"10.58.0.2/24"}}' "ips an object"
check_eq "$nd0 back in the host" "$nd0" "$(pci_netdev "$vf0")"
check "VF0 settings back" vf0_back
bad_ipam "$vf0" '{"cniVersion":"1.1.0","ips":[{"address":"10.58.0.2/24"}],"routes":"10.0.0.0/8"}' "routes a string"
bad_ipam "$vf0" '{"cniVersion":"1.1.0","ips":["10.58.0.2/24"]}' "ips[0] a string"
bad_ipam "$vf0" '{"cniVersion":"1.1.0","ips":[{"address":42}]}' "an address a number"
bad_ipam "$vf0" '{"cniVersion":"1.1.0","dns":[]}' "dns an array"
bad_ipam "$vf0" '[1,2]' "the result an array"
check_eq "$nd0 back in the host" "$nd0" "$(pci_netdev "$vf0")"
bad_ipam "$vfv" '{"cniVersion":"1.1.0","ips":{"address":"10.58.0.2/24"}}' "vfio-pci VF, ips an object"
check_eq "VF5 settings back" "$line5" "$(vf_line "$pfdev" 5)"
ip netns del pb

pods_clear

section "CHECK of a configuration before 0.4.0; VERSION echoes the request's cniVersion"
ip netns add pc
check "ADD pc" cni ADD pc net1 /var/run/netns/pc "$(conf "$vf0")"
old=$(conf "$vf0"); old=${old/1.1.0/0.3.1}
rc=0; out=$(cni CHECK pc net1 /var/run/netns/pc "$old" 2>/dev/null) || rc=$?
check_eq "CHECK with cniVersion 0.3.1: code 1" 1 "$(code_of "$out")"
out=$(CNI_COMMAND=VERSION "$PLUGIN" <<<'{"cniVersion":"0.4.0"}')
check_eq "VERSION answers cniVersion 0.4.0" 0.4.0 "$(jq -r .cniVersion <<<"$out")"
check "DEL pc" cni DEL pc net1 /var/run/netns/pc "$(conf "$vf0")"
ip netns del pc

pods_clear

section "the runtime's MAC from CNI_ARGS (MAC=), runtimeConfig.mac first"
ip netns add pm
args='IgnoreUnknown=1;K8S_POD_NAME=pm;MAC=02:16:00:00:00:61'
check "ADD with CNI_ARGS MAC=02:16:00:00:00:61" env CNI_ARGS="$args" CNI_COMMAND=ADD CNI_CONTAINERID=pm CNI_IFNAME=net1 CNI_NETNS=/var/run/netns/pm "$PLUGIN" <<<"$(conf "$vf0" ',"mac":"02:16:00:00:00:60"')"
check_eq "net1 has CNI_ARGS' MAC (over the NetConf's)" 02:16:00:00:00:61 "$(nsx pm cat /sys/class/net/net1/address)"
check_match "VF0's admin MAC is it" 'link/ether 02:16:00:00:00:61' "$(vf_line "$pfdev" 0)"
check "DEL pm" cni DEL pm net1 /var/run/netns/pm "$(conf "$vf0")"
check_eq "$nd0 MAC back" "$mac0" "$(host_mac "$nd0")"
check "ADD with CNI_ARGS MAC and runtimeConfig.mac" env CNI_ARGS="$args" CNI_COMMAND=ADD CNI_CONTAINERID=pm CNI_IFNAME=net1 CNI_NETNS=/var/run/netns/pm "$PLUGIN" <<<"$(conf "$vf0" ',"runtimeConfig":{"mac":"02:16:00:00:00:62"}')"
check_eq "net1 has runtimeConfig's MAC" 02:16:00:00:00:62 "$(nsx pm cat /sys/class/net/net1/address)"
check "DEL pm" cni DEL pm net1 /var/run/netns/pm "$(conf "$vf0")"
rc=0; out=$(CNI_ARGS='MAC=zz' cni ADD pm net1 /var/run/netns/pm "$(conf "$vf0")" 2>/dev/null) || rc=$?
check_eq "CNI_ARGS MAC=zz: code 4" 4 "$(code_of "$out")"
check_eq "nothing recorded" 0 "$(n_pods)"
check "VF0 settings back" vf0_back
ip netns del pm

pods_clear

section "a FIFO as CNI_NETNS does not hang the lock holder"
mkfifo "$W/fifo"
rc=0; out=$(timeout 60 env CNI_COMMAND=ADD CNI_CONTAINERID=pf CNI_IFNAME=net1 CNI_NETNS="$W/fifo" "$PLUGIN" <<<"$(conf "$vf0")" 2>/dev/null) || rc=$?
check_eq "ADD with a FIFO netns: exit 1 (not killed by timeout)" 1 "$rc"
check_match "it answers with error JSON" '"code"' "$out"
check "the lock is free: STATUS" timeout 20 env CNI_COMMAND=STATUS "$PLUGIN" <<<"$(conf "$vf0")"
check_eq "$nd0 still in the host" "$nd0" "$(pci_netdev "$vf0")"
check_eq "nothing recorded" 0 "$(n_pods)"

pods_clear

section "an IPAM plugin that never answers is bounded"
rm -f "$W/slow-ipam.pid"
ip netns add ph
t0=$EPOCHREALTIME
rc=0; out=$(timeout 120 env CNI_COMMAND=ADD CNI_CONTAINERID=ph CNI_IFNAME=net1 CNI_NETNS=/var/run/netns/ph "$PLUGIN" <<<"$(conf "$vf0" ',"ipam":{"type":"slow-ipam"}')" 2>/dev/null) || rc=$?
note "the ADD ended after $(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 )) ms"
check_eq "ADD: exit 1, code 104 (not killed by timeout)" "1 104" "$rc $(code_of "$out")"
check_match "it says the IPAM plugin did not answer" 'did not answer' "$out"
check "the IPAM plugin was killed" eval '! kill -0 "$(cat "$W/slow-ipam.pid")" 2>/dev/null'
kill "$(cat "$W/slow-ipam.pid" 2>/dev/null)" 2>/dev/null || true
check_eq "$nd0 back in the host" "$nd0" "$(pci_netdev "$vf0")"
check_eq "nothing recorded" 0 "$(n_pods)"
ip netns del ph

pods_clear

section "the ADD's last store save fails: the ADD is undone, the lease released"
small=/run/sriov-small
mkdir -p "$small"
mount -t tmpfs -o size=64k,mode=0700 none "$small"
cat >"$W/bin/fill-ipam" <<EOS2
#!/bin/sh
echo "\$CNI_COMMAND" >>"$W/fill-ipam.log"
case "\$CNI_COMMAND" in
VERSION) echo '{"cniVersion":"1.1.0","supportedVersions":["1.0.0","1.1.0"]}' ;;
ADD) dd if=/dev/zero of=$small/fill bs=4k 2>/dev/null; echo '{"cniVersion":"1.1.0","ips":[{"address":"10.59.0.2/24"}]}' ;;
DEL) rm -f $small/fill ;;
esac
exit 0
EOS2
chmod +x "$W/bin/fill-ipam"
: >"$W/fill-ipam.log"
ip netns add ps
rc=0; out=$(SRIOV_STATE_DIR=$small cni ADD ps net1 /var/run/netns/ps "$(conf "$vf0" ',"ipam":{"type":"fill-ipam"}')" 2>/dev/null) || rc=$?
check_eq "ADD: exit 1 (the store could not be written)" 1 "$rc"
check_eq "$nd0 back in the host right away" "$nd0" "$(pci_netdev "$vf0")"
check_eq "the lease released (IPAM DEL)" 1 "$(grep -c '^DEL$' "$W/fill-ipam.log")"
rm -f "$small/fill"
check_eq "no finished record" 0 "$(SRIOV_STATE_DIR=$small sriovctl allocations --json | jq '[.allocations[] | select(.pending | not)] | length')"
umount "$small"
ip netns del ps

pods_clear

section "CNI_IFNAME patterns refused; DEL finds the VF by its PCI parent"
ip netns add pn
rc=0; out=$(cni ADD pn 'eth%d' /var/run/netns/pn "$(conf "$vf0")" 2>/dev/null) || rc=$?
check_eq "CNI_IFNAME eth%d: code 4" 4 "$(code_of "$out")"
check_eq "nothing but lo in pn" lo "$(nsx pn ls /sys/class/net | tr '\n' ' ' | sed 's/ $//')"
check_eq "$nd0 still in the host" "$nd0" "$(pci_netdev "$vf0")"
check_eq "nothing recorded" 0 "$(n_pods)"
check "ADD pn net1" cni ADD pn net1 /var/run/netns/pn "$(conf "$vf0" ',"vlan":15')"
check "the pod renames net1" eval 'nsx pn ip link set net1 down && nsx pn ip link set net1 name renamed0'
check "DEL after the pod renamed net1" cni DEL pn net1 /var/run/netns/pn "$(conf "$vf0")"
check_eq "$nd0 home under its name" "$nd0" "$(pci_netdev "$vf0")"
check_eq "nothing but lo in pn" lo "$(nsx pn ls /sys/class/net | tr '\n' ' ' | sed 's/ $//')"
check "VF0 settings back" vf0_back
check_eq "no pod record" 0 "$(n_pods)"
check "ADD pn net1 again" cni ADD pn net1 /var/run/netns/pn "$(conf "$vf0")"
ip netns add inner
check "the pod moves net1 into another netns" nsx pn ip link set net1 netns inner
rc=0; out=$(cni DEL pn net1 /var/run/netns/pn "$(conf "$vf0")" 2>/dev/null) || rc=$?
check_eq "DEL while the pod moved the VF into a netns DEL cannot see: code 11" 11 "$(code_of "$out")"
check_eq "the record is kept" 1 "$(n_pods)"
check "and back" nsx inner ip link set net1 netns pn
check "DEL once it is back in the pod" cni DEL pn net1 /var/run/netns/pn "$(conf "$vf0")"
check_eq "$nd0 home under its name" "$nd0" "$(pci_netdev "$vf0")"
check_eq "no pod record" 0 "$(n_pods)"
ip netns del inner; ip netns del pn
pods_clear
