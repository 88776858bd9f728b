#!/bin/bash
# sriovctl attach / detach / allocations against the real kernel:
# igb VFs handed out as hostdevs (vfio-pci) and as direct VF netdevs, VFs
# named by the domain, network pools, macvtap in all four modes on a NIC
# without SR-IOV, the 802.1Qbg/802.1Qbh rules, netdevsim VFs refused, 32
# parallel attaches for 7 VFs, kill -9 during attach, and detach restoring
# what `ip -d link show` printed before. Every output is checked with
# virt-xml-validate.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_sriovctl

export SRIOV_STATE_DIR=/run/sriov-attach
W=/tmp/t-attach
rm -rf "$W" "$SRIOV_STATE_DIR"
mkdir -p "$W"

# domain NAME UUID INTERFACES... : a domain XML in $W/NAME.xml
domain() {
	local name=$1 uuid=$2
	shift 2
	{
		echo "<domain type='kvm'><name>$name</name><uuid>$uuid</uuid><memory>1</memory><os><type>hvm</type></os><devices>"
		printf '%s\n' "$@"
		echo "</devices></domain>"
	} >"$W/$name.xml"
}
validates() { virt-xml-validate "$1" "${2:-domain}"; }
hostdev_addr() { # FILE [N=1] : "DDDD:BB:SS.F" of the Nth hostdev interface
	local f=$1 n=${2:-1} p
	p="(//interface[@type='hostdev'])[$n]/source/address"
	printf '%04x:%02x:%02x.%x\n' "$(xml_value "$f" "$p/@domain")" "$(xml_value "$f" "$p/@bus")" \
		"$(xml_value "$f" "$p/@slot")" "$(xml_value "$f" "$p/@function")"
}
n_allocations() { sriovctl allocations --json | jq '.allocations | length'; }

section "setup: igb with 7 VFs on PF0, vfio-pci, macvtap"
check "load igb" igb_load
read -r pf pfdev < <(rig_igb_pfs | head -1)
read -r pf1 pf1dev < <(rig_igb_pfs | sed -n 2p)
ip link set "$pfdev" up
check "7 VFs on $pf" vfs_enable "$pf" 7
check "VF netdevs" vfs_wait_netdevs "$pf"
check "modprobe vfio-pci macvlan macvtap tun dummy veth 8021q" sh -c \
	"modprobe vfio-pci && modprobe macvlan && modprobe macvtap && modprobe tun && modprobe dummy && modprobe veth && modprobe 8021q"
before=()
for i in 0 1 2 3 4 5 6; do before[i]=$(vf_line "$pfdev" "$i"); done
note "PF $pf ($pfdev); vf 0 before: ${before[0]}"

section "direct passthrough on a PF -> hostdev VF on vfio-pci"
domain g1 11111111-0000-4000-8000-000000000001 \
	"<interface type='direct'><mac address='52:54:00:6a:00:01'/><source dev='$pfdev' mode='passthrough'/><vlan><tag id='33'/></vlan><model type='virtio'/></interface>" \
	"<interface type='bridge'><source bridge='br0'/></interface>"
check "attach g1" sriovctl attach --domain "$W/g1.xml" -o "$W/g1.out.xml"
check "g1's output validates" validates "$W/g1.out.xml"
addr=$(hostdev_addr "$W/g1.out.xml")
check_eq "the hostdev is VF 0 of $pf (its real address)" "$(vf_addr "$pf" 0)" "$addr"
check_eq "managed='yes'" yes "$(xml_value "$W/g1.out.xml" "//interface[@type='hostdev']/@managed")"
check_eq "the MAC is kept" 52:54:00:6a:00:01 "$(xml_value "$W/g1.out.xml" "//interface[@type='hostdev']/mac/@address")"
check_eq "the VLAN is kept" 33 "$(xml_value "$W/g1.out.xml" "//interface[@type='hostdev']/vlan/tag/@id")"
check_eq "the bridge interface is left as it was" br0 "$(xml_value "$W/g1.out.xml" "//interface[@type='bridge']/source/@bridge")"
check_eq "$addr is on vfio-pci" vfio-pci "$(pci_driver "$addr")"
group=$(basename "$(readlink "/sys/bus/pci/devices/$addr/iommu_group")")
check "/dev/vfio/$group exists" test -c "/dev/vfio/$group"
check_match "ip -d link show: vf 0 has the guest's MAC and VLAN 33" "vf 0 +link/ether 52:54:00:6a:00:01 .*vlan 33," "$(vf_line "$pfdev" 0)"
json=$(sriovctl allocations --json)
check_eq "allocations --json: one hostdev record for g1" "g1 hostdev 0000:02:00.0 0 $addr igbvf false" \
	"$(jq -r '.allocations[] | "\(.domain) \(.kind) \(.pf) \(.vf) \(.vf_address) \(.vfio_driver) \(.pending)"' <<<"$json" | sed "s/$pf/0000:02:00.0/")"
check_match "allocations (table) names the VF" "domain 'g1' interface #1: VF 0 of $pf at $addr, bound to vfio-pci \(was igbvf\)" "$(sriovctl allocations)"
check_fails "attaching g1 again is refused" sriovctl attach --domain "$W/g1.xml"
check_match "... because it holds allocations" "domain 'g1' already holds allocations" "$CHECK_OUTPUT"
check "detach g1 by its XML" sriovctl detach --domain "$W/g1.xml"
check_eq "$addr is back on igbvf" igbvf "$(pci_driver "$addr")"
check_eq "ip -d link show: vf 0 as before the attach" "${before[0]}" "$(vf_line "$pfdev" 0)"
check_eq "no allocations left" 0 "$(n_allocations)"
check_fails "detaching g1 again" sriovctl detach g1
check_match "... says it holds nothing" "domain 'g1' holds no allocations" "$CHECK_OUTPUT"

section "an attach whose XML cannot be written gives everything back"
if sriovctl attach --domain "$W/g1.xml" >/dev/full 2>"$W/full.err"; then fail "attach g1 >/dev/full succeeded"
else ok "attach g1 >/dev/full fails"; fi
check_match "... naming standard output and the error" "sriovctl: writing standard output: No space left on device" "$(<"$W/full.err")"
check_eq "... once (the check at sriovctl's end says nothing more)" 1 "$(grep -c "writing standard output" "$W/full.err")"
check_match "... and says it gave back what it made" "domain 'g1': 1 allocation given back" "$(<"$W/full.err")"
check_eq "nothing is recorded" 0 "$(n_allocations)"
check_eq "VF 0 is back on igbvf" igbvf "$(pci_driver "$(vf_addr "$pf" 0)")"
check_eq "ip -d link show: vf 0 as before the attach" "${before[0]}" "$(vf_line "$pfdev" 0)"
check_fails "the same with -o into a missing directory" sriovctl attach --domain "$W/g1.xml" -o /nonexistent/g1.xml
check_match "... naming the file" "writing /nonexistent/g1.xml: No such file or directory" "$CHECK_OUTPUT"
check_eq "nothing is recorded" 0 "$(n_allocations)"
check_eq "VF 0 is back on igbvf" igbvf "$(pci_driver "$(vf_addr "$pf" 0)")"

section "--keep-direct: a VF netdev for libvirt's macvtap passthru"
domain g2 11111111-0000-4000-8000-000000000002 \
	"<interface type='direct'><mac address='52:54:00:6a:00:02'/><source dev='$pfdev' mode='passthrough'/></interface>"
check "attach g2 --keep-direct" sriovctl attach --keep-direct --domain "$W/g2.xml" -o "$W/g2.out.xml"
check "g2's output validates" validates "$W/g2.out.xml"
vfdev=$(xml_value "$W/g2.out.xml" "//interface[@type='direct']/source/@dev")
check_eq "mode passthrough" passthrough "$(xml_value "$W/g2.out.xml" "//interface[@type='direct']/source/@mode")"
check_eq "the source is VF 0's netdev" "$(pci_netdev "$(vf_addr "$pf" 0)")" "$vfdev"
check_eq "$vfdev carries the guest's MAC (igbvf rebound to take the admin MAC)" 52:54:00:6a:00:02 "$(cat "/sys/class/net/$vfdev/address")"
check "libvirt's step: a passthru macvtap on $vfdev" ip link add link "$vfdev" name g2tap type macvtap mode passthru
check_eq "the macvtap has the guest's MAC without the guest changing it (trust off)" 52:54:00:6a:00:02 "$(cat /sys/class/net/g2tap/address)"
check "the next guest does not get g2's VF 0" sriovctl attach --domain "$W/g1.xml" -o "$W/g1b.out.xml"
check_eq "g1 got VF 1" "$(vf_addr "$pf" 1)" "$(hostdev_addr "$W/g1b.out.xml")"
ip link del g2tap
check "detach g1 by name, g2 by UUID" sh -c "sriovctl detach g1 && sriovctl detach 11111111-0000-4000-8000-000000000002"
check_eq "ip -d link show: vf 0 as before" "${before[0]}" "$(vf_line "$pfdev" 0)"
check_eq "ip -d link show: vf 1 as before" "${before[1]}" "$(vf_line "$pfdev" 1)"

section "VFs the domain names itself; VFs in use outside sriovctl"
vf2=$(vf_addr "$pf" 2)
vf2dev=$(pci_netdev "$vf2")
IFS=: read -r d b sf <<<"$vf2"
vf2xml="<address type='pci' domain='0x$d' bus='0x$b' slot='0x${sf%.*}' function='0x${sf#*.}'/>"
domain g3 11111111-0000-4000-8000-000000000003 \
	"<interface type='hostdev' managed='yes'><mac address='52:54:00:6a:00:03'/><source>$vf2xml</source></interface>" \
	"<interface type='direct'><mac address='52:54:00:6a:00:04'/><source dev='$(pci_netdev "$(vf_addr "$pf" 3)")' mode='passthrough'/></interface>"
check "attach g3 (a hostdev VF and a VF netdev as direct source)" sriovctl attach --domain "$W/g3.xml" -o "$W/g3.out.xml"
check "g3's output validates" validates "$W/g3.out.xml"
check_eq "the hostdev VF is on vfio-pci" vfio-pci "$(pci_driver "$vf2")"
check_eq "the named VF netdev became a hostdev with its own address" "$(vf_addr "$pf" 3)" "$(hostdev_addr "$W/g3.out.xml" 2)"
check_match "vf 2 has g3's MAC" "vf 2 +link/ether 52:54:00:6a:00:03" "$(vf_line "$pfdev" 2)"
domain g4 11111111-0000-4000-8000-000000000004 \
	"<interface type='hostdev' managed='yes'><source>$vf2xml</source></interface>"
check_fails "a VF another guest holds is refused" sriovctl attach --domain "$W/g4.xml"
check_match "... naming the holder" "is in use: held by domain 'g3'" "$CHECK_OUTPUT"
RC=0
sriovctl attach --domain "$W/g4.xml" >/dev/null 2>&1 || RC=$?
check_eq "... with exit status 5 (a guest holds it)" 5 "$RC"
check "detach g3" sriovctl detach g3
check_eq "vf 2 back on igbvf" igbvf "$(pci_driver "$vf2")"
# outside sriovctl: VF 0 bound to vfio-pci by hand, a macvtap on VF 1
echo vfio-pci >"/sys/bus/pci/devices/$(vf_addr "$pf" 0)/driver_override"
echo "$(vf_addr "$pf" 0)" >/sys/bus/pci/drivers/igbvf/unbind
echo "$(vf_addr "$pf" 0)" >/sys/bus/pci/drivers_probe
wait_for 10 driver_is "$(vf_addr "$pf" 0)" igbvf || true
# igbvf, bound without an admin MAC, registers a random MAC with the PF
rig_sleep 1
before[0]=$(vf_line "$pfdev" 0)
ip link add link "$(pci_netdev "$(vf_addr "$pf" 1)")" name outside0 type macvtap mode bridge
check "attach g1 with VF 0 on vfio-pci and VF 1 under a macvtap" sriovctl attach --domain "$W/g1.xml" -o "$W/g1c.out.xml"
check_eq "g1 got VF 2, the first VF not in use" "$vf2" "$(hostdev_addr "$W/g1c.out.xml")"
check "detach g1" sriovctl detach g1
ip link del outside0
echo "$(vf_addr "$pf" 0)" >/sys/bus/pci/drivers/vfio-pci/unbind
echo >"/sys/bus/pci/devices/$(vf_addr "$pf" 0)/driver_override"
echo "$(vf_addr "$pf" 0)" >/sys/bus/pci/drivers_probe
wait_for 10 driver_is "$(vf_addr "$pf" 0)" igbvf || true
# igbvf, bound without an admin MAC, registers a random MAC with the PF
rig_sleep 1
before[0]=$(vf_line "$pfdev" 0)

section "networks: a hostdev pool on the PF, a passthrough pool of VF netdevs, portgroup VLANs"
cat >"$W/net-hd.xml" <<EOF
<network><name>hdpool</name><forward mode='hostdev' managed='yes'><pf dev='$pfdev'/></forward>
<portgroup name='blue' default='yes'><vlan><tag id='42'/></vlan></portgroup>
<portgroup name='red'><vlan><tag id='43'/></vlan></portgroup></network>
EOF
cat >"$W/net-pt.xml" <<EOF
<network><name>ptpool</name><forward mode='passthrough'>
<interface dev='$(pci_netdev "$(vf_addr "$pf" 5)")'/><interface dev='$(pci_netdev "$(vf_addr "$pf" 6)")'/></forward>
<vlan><tag id='50'/></vlan></network>
EOF
check "the networks validate" sh -c "virt-xml-validate $W/net-hd.xml network && virt-xml-validate $W/net-pt.xml network"
domain g5 11111111-0000-4000-8000-000000000005 \
	"<interface type='network'><mac address='52:54:00:6a:00:51'/><source network='hdpool'/></interface>" \
	"<interface type='network'><mac address='52:54:00:6a:00:52'/><source network='hdpool' portgroup='red'/></interface>" \
	"<interface type='network'><mac address='52:54:00:6a:00:53'/><source network='ptpool'/></interface>"
check "attach g5 with both networks" sriovctl attach --domain "$W/g5.xml" --network "$W/net-hd.xml" --network "$W/net-pt.xml" -o "$W/g5.out.xml"
check "g5's output validates" validates "$W/g5.out.xml"
check_match "vf 0: default portgroup VLAN 42" "vf 0 +link/ether 52:54:00:6a:00:51 .*vlan 42," "$(vf_line "$pfdev" 0)"
check_match "vf 1: portgroup red's VLAN 43" "vf 1 +link/ether 52:54:00:6a:00:52 .*vlan 43," "$(vf_line "$pfdev" 1)"
check_match "vf 5: the passthrough pool's first device, network VLAN 50" "vf 5 +link/ether 52:54:00:6a:00:53 .*vlan 50," "$(vf_line "$pfdev" 5)"
check_eq "the pool interface is direct on the VF netdev" "$(pci_netdev "$(vf_addr "$pf" 5)")" \
	"$(xml_value "$W/g5.out.xml" "//interface[@type='direct']/source/@dev")"
check_fails "a network not given is refused" sriovctl attach --domain "$W/g5.xml" --network "$W/net-hd.xml"
check "detach g5" sriovctl detach g5
for i in 0 1 5; do check_eq "ip -d link show: vf $i as before" "${before[i]}" "$(vf_line "$pfdev" "$i")"; done

section "macvtap in all four modes on a NIC without SR-IOV (veth)"
ip link add mv0 type veth peer name mv0p
ip link add mv1 type veth peer name mv1p
ip link set mv0 up
ip link set mv1 up
domain g6 11111111-0000-4000-8000-000000000006 \
	"<interface type='direct'><mac address='52:54:00:6a:00:61'/><source dev='mv0'/><model type='virtio'/></interface>" \
	"<interface type='direct'><mac address='52:54:00:6a:00:62'/><source dev='mv0' mode='bridge'/></interface>" \
	"<interface type='direct'><mac address='52:54:00:6a:00:63'/><source dev='mv0' mode='private'/></interface>" \
	"<interface type='direct'><mac address='52:54:00:6a:00:64'/><source dev='mv1' mode='passthrough'/></interface>"
check "attach g6" sriovctl attach --domain "$W/g6.xml" -o "$W/g6.out.xml"
check "g6's output validates" validates "$W/g6.out.xml"
i=0
for mode in vepa bridge private passthru; do
	i=$((i + 1))
	tgt=$(xml_value "$W/g6.out.xml" "(//interface)[$i]/target/@dev")
	check_eq "interface #$i is type ethernet, managed='no'" "ethernet no" \
		"$(xml_value "$W/g6.out.xml" "(//interface)[$i]/@type") $(xml_value "$W/g6.out.xml" "(//interface)[$i]/target/@managed")"
	check_match "ip -d link show $tgt: macvtap mode $mode, up" "UP.*macvtap +mode $mode" "$(ip -d link show "$tgt" | tr '\n' ' ')"
	check_eq "$tgt has the guest's MAC" "52:54:00:6a:00:6$i" "$(cat "/sys/class/net/$tgt/address")"
	check "/dev/tap$(cat "/sys/class/net/$tgt/ifindex") exists" test -c "/dev/tap$(cat "/sys/class/net/$tgt/ifindex")"
done
check_match "allocations lists the taps" "macvtap[0-9]+ \(/dev/tap[0-9]+\) on mv1, mode passthru" "$(sriovctl allocations)"
domain g7 11111111-0000-4000-8000-000000000007 \
	"<interface type='direct'><source dev='mv1' mode='bridge'/></interface>"
check_fails "bridge next to g6's passthru macvtap is refused" sriovctl attach --domain "$W/g7.xml"
check_match "... saying why" "passthru" "$CHECK_OUTPUT"
check "detach g6" sriovctl detach g6
check_eq "no macvtap left" "" "$(ip -o link show type macvtap)"

section "a rollback or detach deletes only the macvtap its attach made"
# g8's macvtap is deleted behind sriovctl's back and another one takes its
# name on the same lower: detach must leave that one alone
domain g8 11111111-0000-4000-8000-000000000008 \
	"<interface type='direct'><mac address='52:54:00:6a:00:81'/><source dev='mv0' mode='bridge'/></interface>"
check "attach g8" sriovctl attach --domain "$W/g8.xml" -o "$W/g8.out.xml"
tgt=$(xml_value "$W/g8.out.xml" "//interface/target/@dev")
check_eq "the store records $tgt's ifindex" "$(cat "/sys/class/net/$tgt/ifindex")" "$(jq '.allocations[0].ifindex' "$SRIOV_STATE_DIR/allocations.json")"
ip link del "$tgt"
ip link add link mv0 name "$tgt" type macvtap mode bridge
theirs=$(cat "/sys/class/net/$tgt/ifindex")
check "detach g8 (its macvtap, by ifindex, is gone already)" sriovctl detach g8
check_eq "the other $tgt (ifindex $theirs) is still there" "$theirs" "$(cat "/sys/class/net/$tgt/ifindex" 2>&1)"
check_eq "nothing is recorded" 0 "$(n_allocations)"
# an attach killed before it recorded making its macvtap (a pending record
# without an ifindex, as it leaves it) and a macvtap of that name made by
# someone else: the rollback must not delete it
mkdir -p "$SRIOV_STATE_DIR"
printf '{"allocations":[{"domain":"k9","uuid":"","interface":0,"kind":"macvtap","mac":"52:54:00:6a:00:91","lower":"mv0","mode":"bridge","netdev":"%s","pending":true,"pid":999999}]}\n' "$tgt" >"$SRIOV_STATE_DIR/allocations.json"
chmod 0600 "$SRIOV_STATE_DIR/allocations.json"
out=$(sriovctl detach k9 2>&1) || true
check_match "the rollback of k9 says it left $tgt alone" "$tgt: left alone: the unfinished attach of domain 'k9' had not recorded making it" "$out"
check_match "... and rolled back the record" "rolled back the unfinished attach of domain 'k9'" "$out"
check_eq "the other $tgt (ifindex $theirs) survived" "$theirs" "$(cat "/sys/class/net/$tgt/ifindex" 2>&1)"
check_eq "nothing is recorded" 0 "$(n_allocations)"
# a finished record whose link is not a macvtap any more (someone's veth
# took the name): left alone too
ip link del "$tgt"
ip link add "$tgt" type veth peer name "${tgt}p"
printf '{"allocations":[{"domain":"g9","uuid":"","interface":0,"kind":"macvtap","mac":"52:54:00:6a:00:92","lower":"mv0","mode":"bridge","netdev":"%s","pending":false}]}\n' "$tgt" >"$SRIOV_STATE_DIR/allocations.json"
chmod 0600 "$SRIOV_STATE_DIR/allocations.json"
if out=$(sriovctl detach g9 2>&1); then ok "detach g9"; else fail "detach g9: $out"; fi
check_match "... leaves the veth $tgt alone" "$tgt.*left alone: $tgt .* is a veth" "$out"
check "the veth $tgt is still there" test -e "/sys/class/net/$tgt"
ip link del "$tgt"

section "fallback: no free VF, --fallback macvtap"
for i in 1 2 3 4 5 6 7; do
	domain "f$i" "22222222-0000-4000-8000-00000000000$i" "<interface type='direct'><source dev='$pfdev' mode='passthrough'/></interface>"
done
for i in 1 2 3 4 5 6 7; do sriovctl attach --domain "$W/f$i.xml" -o /dev/null 2>/dev/null || true; done
check_eq "7 guests hold the 7 VFs" 7 "$(n_allocations)"
domain f8 22222222-0000-4000-8000-000000000008 "<interface type='direct'><source dev='$pfdev' mode='passthrough'/></interface>"
check_fails "an 8th guest gets no VF" sriovctl attach --domain "$W/f8.xml"
check_match "... and is told so" "no free VF on PF $pf \($pfdev\): 7 VFs enabled, 7 in use" "$CHECK_OUTPUT"
check "with --fallback macvtap it gets a passthru macvtap on $pfdev" sriovctl attach --fallback macvtap --domain "$W/f8.xml" -o "$W/f8.out.xml"
check_match "ip -d link show: a passthru macvtap on $pfdev" "macvtap +mode passthru" "$(ip -d link show "$(xml_value "$W/f8.out.xml" "//interface/target/@dev")")"
for i in 1 2 3 4 5 6 7 8; do sriovctl detach "f$i" 2>/dev/null || fail "detach f$i"; done
check_eq "no allocations left" 0 "$(n_allocations)"

section "port profiles: 802.1Qbg needs a VLAN source, 802.1Qbh on a macvtap lower (PORT_SELF)"
domain q1 11111111-0000-4000-8000-000000000011 \
	"<interface type='direct'><source dev='mv0' mode='vepa'/><virtualport type='802.1Qbg'><parameters managerid='11' typeid='1193047' typeidversion='2' instanceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f'/></virtualport></interface>"
check_fails "802.1Qbg on mv0 (no VLAN) is refused" sriovctl attach --domain "$W/q1.xml"
check_match "... naming the rule" "802.1Qbg'> needs a source device with a non-zero VLAN ID.*'mv0' is not one" "$CHECK_OUTPUT"
ip link add link mv0 name mv0.2 type vlan id 2
ip link set mv0.2 up
sed -i "s/dev='mv0'/dev='mv0.2'/" "$W/q1.xml"
check_fails "802.1Qbg on mv0.2 goes to lldpad (none runs here)" sriovctl attach --domain "$W/q1.xml"
check_match "... and says so" "lldpad" "$CHECK_OUTPUT"
check_eq "nothing was left behind (no macvtap)" "" "$(ip -o link show type macvtap)"
check_eq "nothing was recorded" 0 "$(n_allocations)"
nsdev=$(nsim_new 11 4)
ip link set "$nsdev" up
domain q2 11111111-0000-4000-8000-000000000012 \
	"<interface type='direct'><source dev='$nsdev' mode='bridge'/><virtualport type='802.1Qbh'><parameters profileid='web-tier'/></virtualport></interface>"
check "802.1Qbh on a macvtap over $nsdev (netdevsim's enic-like port)" sriovctl attach --domain "$W/q2.xml" -o "$W/q2.out.xml"
check_match "the PF's own port is associated with the profile" "self: request associate, response PORT_PROFILE_RESPONSE_SUCCESS.*profile web-tier.*instance 11111111-0000-4000-8000-000000000012" \
	"$(sriovctl port-profile "$nsdev" self status | tr '\n' ' ')"
check "q2's output validates" validates "$W/q2.out.xml"
check "detach q2" sriovctl detach q2
check_match "detach disassociated it" "request disassociate" "$(sriovctl port-profile "$nsdev" self status | tr '\n' ' ')"

section "netdevsim VFs cannot be handed to a guest"
domain n1 11111111-0000-4000-8000-000000000021 \
	"<interface type='direct'><source dev='$nsdev' mode='passthrough'/></interface>"
check_fails "passthrough on a netdevsim PF" sriovctl attach --domain "$W/n1.xml"
check_match "... says why" "neither a PCI function nor a netdev.*cannot be handed to a guest" "$CHECK_OUTPUT"
check_eq "nothing was recorded" 0 "$(n_allocations)"
nsim_del 11 || true

section "bad input changes nothing"
printf '<domain><name>bad</name><devices><interface type="direct">' >"$W/bad1.xml"
domain bad2 11111111-0000-4000-8000-000000000031 \
	"<interface type='direct'><source dev='$pfdev' mode='passthrough'/></interface>" \
	"<interface type='direct'><source dev='nosuch0' mode='bridge'/></interface>"
domain bad3 11111111-0000-4000-8000-000000000032 \
	"<interface type='direct'><source dev='$pfdev' mode='passthrough'/><vlan trunk='yes'><tag id='3'/><tag id='4'/></vlan></interface>"
check_fails "malformed XML" sriovctl attach --domain "$W/bad1.xml"
check_match "... named with the line" "bad1.xml: line [0-9]+: not well-formed" "$CHECK_OUTPUT"
check_fails "an unknown source device (after a good interface)" sriovctl attach --domain "$W/bad2.xml"
check_match "... named" "<interface> #2: <source dev='nosuch0'>: no such network device" "$CHECK_OUTPUT"
RC=0
OUT=$(sriovctl attach --domain "$W/bad3.xml" 2>&1) || RC=$?
check_eq "a VLAN trunk on a VF: exit status 4 (bad input)" 4 "$RC"
check_match "... with the rule" "a VF takes one port VLAN" "$OUT"
check_eq "nothing was recorded" 0 "$(n_allocations)"
for i in 0 1 2 3 4 5 6; do check_eq "ip -d link show: vf $i as before" "${before[i]}" "$(vf_line "$pfdev" "$i")"; done

section "libvirt's own test XML as input (../shared/realdata/libvirt)"
real=$REPO/../shared/realdata/libvirt
if [ -f "$real/qemuxml2argvdata/net-hostdev-vfio.xml" ]; then
	vf4=$(vf_addr "$pf" 4)
	IFS=: read -r d b sf <<<"$vf4"
	sed "s/bus='0x06' slot='0x12' function='0x1'/bus='0x$b' slot='0x${sf%.*}' function='0x${sf#*.}'/" \
		"$real/qemuxml2argvdata/net-hostdev-vfio.xml" >"$W/real1.xml"
	check_fails "net-hostdev-vfio.xml (a VF with 802.1Qbg on VLAN 42): sent to lldpad, which is not running" \
		sriovctl attach --domain "$W/real1.xml"
	check_match "... says so" "lldpad" "$CHECK_OUTPUT"
	check_eq "... and vf 4 is as before" "${before[4]}" "$(vf_line "$pfdev" 4)"
	sed '/<virtualport/,/<\/virtualport>/d' "$W/real1.xml" >"$W/real2.xml"
	check "the same without its <virtualport>" sriovctl attach --domain "$W/real2.xml" -o "$W/real2.out.xml"
	check "its output validates" validates "$W/real2.out.xml"
	check_match "vf 4 has its MAC and VLAN 42" "vf 4 +link/ether 00:11:22:33:44:55 .*vlan 42," "$(vf_line "$pfdev" 4)"
	check_eq "VF 4 is on vfio-pci" vfio-pci "$(pci_driver "$vf4")"
	check "detach QEMUGuest1" sriovctl detach QEMUGuest1
	sed "s/dev='eth2'/dev='$pfdev'/" "$real/networkxml2xmlin/hostdev-pf-driver-model.xml" >"$W/real-net.xml"
	domain r3 11111111-0000-4000-8000-000000000051 \
		"<interface type='network'><source network='hostdev'/><mac address='52:54:00:6a:00:91'/></interface>"
	check "a domain on hostdev-pf-driver-model.xml's pool" sriovctl attach --domain "$W/r3.xml" --network "$W/real-net.xml" -o "$W/r3.out.xml"
	check "its output validates" validates "$W/r3.out.xml"
	check "detach r3" sriovctl detach r3
	for i in 0 4; do check_eq "ip -d link show: vf $i as before" "${before[i]}" "$(vf_line "$pfdev" "$i")"; done
else
	skip "../shared/realdata/libvirt is absent (outside this workplace)"
fi

section "32 parallel attaches for 7 VFs"
for i in $(seq 1 32); do
	domain "p$i" "$(printf '33333333-0000-4000-8000-%012d' "$i")" \
		"<interface type='direct'><mac address='$(printf '52:54:00:6b:00:%02x' "$i")'/><source dev='$pfdev' mode='passthrough'/></interface>"
done
t0=$EPOCHREALTIME
for i in $(seq 1 32); do
	sriovctl attach --domain "$W/p$i.xml" -o "$W/p$i.out.xml" >"$W/p$i.log" 2>&1 &
done
wait || true
note "32 attaches took $(((${EPOCHREALTIME/./} - ${t0/./}) / 1000)) ms"
won=$(grep -l "bound to vfio-pci" "$W"/p*.log | wc -l)
lost=$(grep -l "no free VF on PF $pf" "$W"/p*.log | wc -l)
check_eq "exactly 7 attaches got a VF" 7 "$won"
check_eq "the other 25 were told there is no free VF" 25 "$lost"
check_eq "7 distinct VFs were handed out" 7 "$(cat "$W"/p*.out.xml 2>/dev/null | grep -o "slot=\"0x1[01]\" function=\"0x[0-7]\"" | sort -u | wc -l)"
check_eq "the store holds 7 records, none pending" "7 0" "$(sriovctl allocations --json | jq -r '[.allocations | length, (map(select(.pending)) | length)] | join(" ")')"
check_eq "7 VFs on vfio-pci" 7 "$(for i in 0 1 2 3 4 5 6; do pci_driver "$(vf_addr "$pf" "$i")"; echo; done | grep -c vfio-pci)"
for i in $(seq 1 32); do sriovctl detach "p$i" >/dev/null 2>&1 || true; done
check_eq "all given back" 0 "$(n_allocations)"
check_eq "7 VFs back on igbvf" 7 "$(for i in 0 1 2 3 4 5 6; do pci_driver "$(vf_addr "$pf" "$i")"; echo; done | grep -c igbvf)"

section "kill -9 during attach: the next run rolls the half-done attach back"
# Deterministic: the last interface's 802.1Qbh association on netdevsim
# answers "in progress", so the attach waits for the switch with the VF
# and the macvtap already made; it is killed there.
nsdev=$(nsim_new 12)
ip link set "$nsdev" up
echo inprogress >"$(nsim_dbg 12)/vf_port_response"
domain k1 11111111-0000-4000-8000-000000000041 \
	"<interface type='direct'><mac address='52:54:00:6a:00:71'/><source dev='$pfdev' mode='passthrough'/><vlan><tag id='71'/></vlan></interface>" \
	"<interface type='direct'><mac address='52:54:00:6a:00:72'/><source dev='$pfdev' mode='passthrough'/><vlan><tag id='72'/></vlan></interface>" \
	"<interface type='direct'><mac address='52:54:00:6a:00:73'/><source dev='$nsdev' mode='bridge'/><virtualport type='802.1Qbh'><parameters profileid='slow-switch'/></virtualport></interface>"
_pending3() { [ "$(jq '[.allocations[] | select(.pending)] | length' "$SRIOV_STATE_DIR/allocations.json" 2>/dev/null)" = 3 ]; }
sriovctl attach --domain "$W/k1.xml" -o /dev/null >"$W/k1.log" 2>&1 &
pid=$!
if wait_for 60 _pending3; then
	ok "the attach recorded 3 pending interfaces and waits for the switch"
	check_eq "meanwhile VF 0 is on vfio-pci with the guest's MAC" "vfio-pci" "$(pci_driver "$(vf_addr "$pf" 0)")"
	check_match "... and a macvtap exists on $nsdev" "macvtap" "$(ip -o -d link show type macvtap)"
else
	fail "the attach did not reach the port association within 60 s"
	show <"$W/k1.log"
fi
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
echo success >"$(nsim_dbg 12)/vf_port_response"
# a listing only reads: it shows the records as pending and changes nothing
chmod 0755 "$SRIOV_STATE_DIR"; chmod 0644 "$SRIOV_STATE_DIR/allocations.json"
check_eq "allocations --json shows 3 pending records" 3 "$(sriovctl allocations --json | jq '[.allocations[] | select(.pending)] | length')"
check_match "allocations (table) marks them pending" "\[PENDING: its attach has not finished" "$(sriovctl allocations)"
check_eq "a user who can read the store lists them too" 3 "$(setpriv --reuid=65534 --regid=65534 --clear-groups sriovctl allocations --json | jq '.allocations | length')"
check_eq "... and the listings undid nothing: VF 0 still on vfio-pci" "vfio-pci" "$(pci_driver "$(vf_addr "$pf" 0)")"
if out=$(sriovctl detach k1 2>&1); then ok "detach k1 after the kill succeeds"; else fail "detach k1 after the kill: $out"; fi
check_match "it says it rolled back" "rolled back the unfinished attach of domain 'k1' interface #3 \(pid [0-9]+ was killed" "$out"
check_eq "... all 3 interfaces" 3 "$(grep -c 'rolled back the unfinished attach' <<<"$out")"
check_match "... and counts them as given back" "domain 'k1': 3 allocations given back" "$out"
check_eq "nothing is recorded" 0 "$(n_allocations)"
for i in 0 1; do check_eq "ip -d link show: vf $i as before" "${before[i]}" "$(vf_line "$pfdev" "$i")"; done
check_eq "VF 0 and 1 back on igbvf" "igbvf igbvf" "$(pci_driver "$(vf_addr "$pf" 0)") $(pci_driver "$(vf_addr "$pf" 1)")"
check_eq "no macvtap left" "" "$(ip -o link show type macvtap)"
check_match "the port profile was disassociated" "request disassociate" "$(sriovctl port-profile "$nsdev" self status | tr '\n' ' ')"
check "k1 attaches cleanly afterwards" sriovctl attach --domain "$W/k1.xml" -o "$W/k1.out.xml"
check "k1's output validates" validates "$W/k1.out.xml"
check "detach k1" sriovctl detach k1

# and at random points of a plain attach: whatever was done is undone
domain k2 11111111-0000-4000-8000-000000000042 \
	"<interface type='direct'><mac address='52:54:00:6a:00:81'/><source dev='$pfdev' mode='passthrough'/><vlan><tag id='81'/></vlan></interface>" \
	"<interface type='direct'><mac address='52:54:00:6a:00:82'/><source dev='mv0' mode='bridge'/></interface>"
for delay in 0.1 0.2 0.3 0.4 0.6; do
	sriovctl attach --domain "$W/k2.xml" -o /dev/null >/dev/null 2>&1 &
	pid=$!
	rig_sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	out=$(sriovctl detach k2 2>&1) || true
	if [[ $out == *"rolled back"* ]]; then note "killed after ${delay}s: mid-attach, rolled back"
	elif [[ $out == *"allocations given back"* ]]; then note "killed after ${delay}s: finished"
	elif [[ $out == *"holds no allocations"* ]]; then note "killed after ${delay}s: before its first record"
	else fail "killed after ${delay}s: detach k2: $out"; fi
	check_eq "killed after ${delay}s: vf 0 as before, on igbvf, no macvtap" "${before[0]} igbvf " \
		"$(vf_line "$pfdev" 0) $(pci_driver "$(vf_addr "$pf" 0)") $(ip -o link show type macvtap)"
done
nsim_del 12 || true

section "detach finds the PF by its recorded PCI address, whatever its netdev is called now"
domain r1 11111111-0000-4000-8000-0000000000a1 \
	"<interface type='direct'><mac address='52:54:00:6a:00:a1'/><source dev='$pfdev' mode='passthrough'/><vlan><tag id='61'/></vlan></interface>"
check "attach r1" sriovctl attach --domain "$W/r1.xml" -o "$W/r1.out.xml"
check_match "vf 0 of $pf has r1's MAC" "vf 0 +link/ether 52:54:00:6a:00:a1 .*vlan 61," "$(vf_line "$pfdev" 0)"
# the two PFs swap their names between attach and detach
swap_names() {
	ip link set "$pfdev" down && ip link set "$pf1dev" down &&
		ip link set "$pfdev" name rigswap0 && ip link set "$pf1dev" name "$pfdev" && ip link set rigswap0 name "$pf1dev" &&
		ip link set "$pfdev" up && ip link set "$pf1dev" up
}
check "swap the names of $pfdev and $pf1dev" swap_names
check_eq "$pf's netdev is now $pf1dev" "$pf1dev" "$(pci_netdevs "$pf")"
pf1vfs=$(ip -d link show "$pfdev" | grep ' vf ' || true)
check "detach r1" sriovctl detach r1
check_eq "vf 0 of $pf (now $pf1dev) as before the attach" "${before[0]}" "$(vf_line "$pf1dev" 0)"
check_eq "... back on igbvf" igbvf "$(pci_driver "$(vf_addr "$pf" 0)")"
check_eq "the other PF's VFs (now $pfdev) are untouched" "$pf1vfs" "$(ip -d link show "$pfdev" | grep ' vf ' || true)"
check "swap the names back" swap_names
check "$pfdev up with carrier" link_up "$pfdev" 30

rm -rf "$SRIOV_STATE_DIR"
