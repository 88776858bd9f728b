#!/bin/bash
# rig: RIG_TIMEOUT=900
# libvirt itself is the client: a real libvirtd (Debian 12's
# libvirt 9.0, monolithic daemon, qemu and network drivers) in the rig
# guest, sriov-manager's hooks installed by `cmake --install`, the rig's
# QEMU 10 as <emulator>, and the nested guest of t-e2e-guest.sh (its inner
# initramfs reports its NICs on the serial console, which libvirt writes
# to a file).
#
#   a. a hostdev-pool network on igb PF0 (<metadata>: trust on), a domain
#      with <interface type='network'> (VLAN 42, <metadata>: max-rate 100)
#      and the desired state (spoofchk off for the VF): `virsh start` boots
#      it with a VF; the network hook recorded it (sriovctl allocations),
#      the VF has the MAC, VLAN, trust, spoof check and rate (ip -d link);
#      in the guest igbvf has the domain's MAC and the peer on VLAN 42
#      answers; `virsh destroy` gives everything back.
#   c. (while a's guest runs) libvirtd restarted: port-created runs again,
#      the allocation and the VF's settings stay as they were.
#   h. (while a's guest runs) a pod (a CNI ADD) and a guest of `sriovctl
#      attach` take the other two VFs of the PF: show, list, --json and
#      --xml name each VF's holder, all three at once.
#   b. `sriovctl attach NAME` reads the persistent domain from libvirt (the
#      pool network too), the XML it wrote is started with `virsh create`,
#      boots the same way; after `virsh destroy`, `sriovctl detach` gives
#      the VF back.
#   d. sriovctl attach holds the VF libvirt's pool would hand out next:
#      `virsh start` fails with the hook's message in virsh's error.
#   e. a metadata-free pool of VF 1 (no desired state for it), a guest with
#      MAC and VLAN 42 there and only vlan-qos in its <metadata>: while it
#      runs, a desired state naming VF 1's MAC and VLAN is put through
#      udev-event and a starting monitor (libvirt's MAC and VLAN stay);
#      after `virsh destroy` VF 1 is as before the start.
#   f. names that look like options: a network '-pool' starts, a domain
#      '-web' on it starts and is recorded under its name, destroy gives
#      its VF back.
#   g. the store's lock held by another process: `virsh start` fails
#      within seconds, naming the holder.
#     tests/vm/run-suite t-libvirt
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_sriovctl
# the hooks use sriovctl's defaults (libvirt runs them with a clean
# environment): so does this test
unset SRIOV_STATE_DIR SRIOV_CONFIG_DIR

VLAN=42
NET_U=192.168.77 # untagged on PF1: must not answer the VF
NET_V=192.168.42 # VLAN 42 on PF1: must answer
PEER=lvpeer
LT=/tmp/lt
NS=urn:x-sriov-manager:libvirt:1
mkdir -p "$LT"
QEMU=$RIG_CACHE/qemu/root/usr/bin/qemu-system-x86_64
QEMU_MODULES=$RIG_CACHE/qemu/root/usr/lib/x86_64-linux-gnu/qemu
INNER_KERNEL=$RIG_CACHE/current/vmlinux
INNER_INITRD=$RIG_CACHE/current/inner.cpio
for f in "$QEMU" "$INNER_KERNEL" "$INNER_INITRD" /usr/sbin/libvirtd; do
	[ -e "$f" ] || {
		fail "missing $f (tests/vm/build, scripts/install-rig-deps)"
		exit 1
	}
done
V() { virsh -q -c qemu:///system "$@"; }

# ------------------------------------------------------------------ helpers
# check_given_back DOMAIN VF VFI : the guest let go: its VF is on igbvf, not
# recorded, and as before the guest started
check_given_back() {
	check "$2 is back on igbvf (within 10 s)" wait_for 10 driver_is "$2" igbvf
	check_eq "sriovctl allocations: $1 holds nothing" "[]" "$(alloc_of "$1")"
	check_eq "vf $3 as before the start (ip -j -d link: MAC, VLAN, spoof check, trust, rate)" \
		"${ORIG[$3]}" "$(vf_json "$PF0DEV" "$3")"
}
# live_vf DOMAIN MAC : the PCI address libvirt gave the interface with MAC
live_vf() {
	local x="//devices/interface[mac/@address='$2']/source/address" d b s f
	V dumpxml --domain="$1" >"$LT/$1.live.xml" 2>/dev/null || return 0
	d=$(xml_value "$LT/$1.live.xml" "$x/@domain")
	b=$(xml_value "$LT/$1.live.xml" "$x/@bus")
	s=$(xml_value "$LT/$1.live.xml" "$x/@slot")
	f=$(xml_value "$LT/$1.live.xml" "$x/@function")
	[ -n "$b" ] && [ -n "$s" ] && [ -n "$f" ] || return 0
	printf '%04x:%02x:%02x.%x\n' "$((${d:-0}))" "$((b))" "$((s))" "$((f))"
}
_console_has() { tr -d '\r' <"$LT/$1.console" 2>/dev/null | grep -q "^E2E $2"; }
console_line() { tr -d '\r' <"$LT/$1.console" | sed -n "s/^E2E $2 //p" | head -n1; }
console_tail() {
	echo "    ----- nested guest $1: last 30 console lines -----"
	tr -d '\r' <"$LT/$1.console" 2>/dev/null | tail -n 30 | show
	tail -n 5 "/var/log/libvirt/qemu/$1.log" 2>/dev/null | show
}
# guest_checks NAME MAC : the nested guest's igbvf has MAC, VLAN traffic flows
guest_checks() {
	if ! check "nested guest $1: igbvf up and pinged VLAN $VLAN (within ${INNER_WAIT}s)" \
		wait_for "$INNER_WAIT" _console_has "$1" "ping1 $NET_V.2 "; then
		console_tail "$1"
		return 1
	fi
	check_match "nested guest $1: igbvf reports the domain's MAC $2, link up" \
		"^dev=[^ ]+ driver=igbvf mac=$2 carrier=1 " "$(console_line "$1" nic1)"
	check_match "nested guest $1: the peer on VLAN $VLAN ($NET_V.2) answers" "^$NET_V.2 ok " \
		"$(console_line "$1" ping1)"
}
alloc_of() { sriovctl allocations --json | jq -c --arg d "$1" '[.allocations[] | select(.domain == $d)]'; }
libvirtd_start() {
	local t0=$EPOCHREALTIME
	rm -f /run/libvirt/libvirt-sock
	libvirtd -d
	# `virsh list` answers once the drivers have started (not `virsh
	# version`: it asks for the default emulator, and the rig has none)
	wait_for 30 test -S /run/libvirt/libvirt-sock && wait_for 60 V list --all >/dev/null 2>&1 || return 1
	echo "# libvirtd answers after $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s" >&2
}
libvirtd_stop() {
	local pid
	pid=$(cat /run/libvirtd.pid 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	wait_for 30 bash -c "! kill -0 $pid 2>/dev/null"
}
# domain_xml NAME MAC CMDLINE-EXTRA INTERFACE-XML [SRIOV-ATTRS] : a guest booting
# the inner initramfs (<sriov:vf> attributes: max-rate 100 unless given)
domain_xml() {
	cat <<EOF
<domain type='$ACCEL'>
  <name>$1</name>
  <metadata><sriov:vf xmlns:sriov='$NS' ${5:-max-rate='100'}/></metadata>
  <memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$INNER_KERNEL</kernel><initrd>$INNER_INITRD</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet rdinit=/init mitigations=off cryptomgr.notests e2e.nics=1 e2e.drv1=igbvf e2e.addr1=$NET_U.$3/24,$NET_V.$3/24 e2e.ping1=$NET_V.2,192.0.2.99 e2e.noping1=$NET_U.2 e2e.wait=$HOLD</cmdline>
  </os>
  <features><acpi/></features>
  <cpu mode='maximum'/>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <emulator>/usr/local/bin/qemu-rig</emulator>
    $4
    <serial type='file'><source path='$LT/$1.console'/></serial>
  </devices>
</domain>
EOF
}
# pool_iface MAC [NETWORK=pool]
pool_iface() { echo "<interface type='network'><mac address='$1'/><source network='${2:-pool}'/><vlan><tag id='$VLAN'/></vlan></interface>"; }

# ------------------------------------------------------------------ setup
section "rig: igb PF0 with VFs, PF1 in a peer namespace with VLAN $VLAN"
check "load igb" igb_load
for m in vfio-pci 8021q tun; do modprobe "$m" || fail "modprobe $m"; done
ACCEL=qemu
if modprobe kvm-amd 2>/dev/null && [ -c /dev/kvm ]; then ACCEL=kvm; fi
# a nested guest boots in ~10 s under KVM; it pings an address nobody has
# for HOLD seconds after its checks, so it still runs while libvirtd restarts
# and h looks at the holders (every guest is destroyed before that runs out:
# a longer HOLD costs no time)
if [ "$ACCEL" = kvm ]; then HOLD=150 INNER_WAIT=120; else HOLD=300 INNER_WAIT=300; fi
note "nested guests: <domain type='$ACCEL'>"
{
	read -r PF0 PF0DEV
	read -r PF1 PF1DEV
} < <(rig_igb_pfs)
ip link set "$PF0DEV" up
peer_netns "$PEER" "$PF1DEV" "$VLAN" "$NET_U" "$NET_V"
check "3 VFs on $PF0" vfs_enable "$PF0" 3
check "VFs bound to igbvf with netdevs" vfs_wait_netdevs "$PF0"
declare -A ORIG
for i in 0 1 2; do ORIG[$i]=$(vf_json "$PF0DEV" "$i"); done

section "rig: sriov-manager installed (cmake --install), libvirtd with its hooks"
if cmake --install "$SRIOV_BUILD_DIR" >"$LT/install.log" 2>&1; then
	ok "cmake --install $SRIOV_BUILD_DIR"
else
	fail "cmake --install $SRIOV_BUILD_DIR"
	show <"$LT/install.log"
fi
export PATH=/usr/local/bin:$PATH # the installed sriovctl, as the hooks run it
HOOKS=/usr/local/etc/libvirt/hooks
for d in network.d qemu.d; do
	mkdir -p "/etc/libvirt/hooks/$d"
	check "installed hook $d/sriov-manager copied into /etc/libvirt/hooks" cp "$HOOKS/$d/sriov-manager" "/etc/libvirt/hooks/$d/"
done
# QEMU 10 with its own modules and firmware; its built-in module directory is
# where Debian's QEMU 7.2 keeps its modules, which QEMU 10 would load too
# (and abort: "Only modules from the same build can be loaded")
cat >/usr/local/bin/qemu-rig <<EOF
#!/bin/sh
export QEMU_MODULE_DIR=$QEMU_MODULES
exec $QEMU -L $RIG_CACHE/qemu/firmware "\$@"
EOF
chmod +x /usr/local/bin/qemu-rig
mount --bind "$QEMU_MODULES" /usr/lib/x86_64-linux-gnu/qemu
# libvirtd probes every qemu-system-* on PATH at its start; Debian's 7.2
# ones cannot run without their modules now: make them fail at once
for q in /usr/bin/qemu-system-x86_64 /usr/bin/qemu-system-i386; do
	[ ! -e "$q" ] || mount --bind /bin/false "$q"
done
# no cgroups, no namespaces, no security driver, no virtlogd in the rig
cat >>/etc/libvirt/qemu.conf <<EOF
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
EOF
cat >>/etc/libvirt/libvirtd.conf <<EOF
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "1:file:$LT/libvirtd.log"
log_filters = "1:util.command 3:*"
EOF
mkdir -p /var/lib/libvirt/qemu /var/log/libvirt/qemu /var/cache/libvirt /run/libvirt
# the desired state adds spoof check off for VF 0 of PF0 (libvirt has no setting for it)
mkdir -p /etc/sriov
printf 'pf %s\nvf 0 spoofchk off\n' "$PF0" >/etc/sriov/10-pool.conf
check "sriovctl config check" sriovctl config check
if libvirtd_start; then ok "libvirtd starts (hooks found at its start)"; else fail "libvirtd starts"; fi
check_match "virsh version: libvirt 9.0" "Using library: libvirt 9\.0" "$(V version 2>&1)"
cat >"$LT/pool.xml" <<EOF
<network>
  <name>pool</name>
  <metadata><sriov:vf xmlns:sriov='$NS' trust='on'/></metadata>
  <forward mode='hostdev' managed='yes'><pf dev='$PF0DEV'/></forward>
</network>
EOF
check "virsh net-define pool.xml (hostdev pool on $PF0DEV)" V net-define "$LT/pool.xml"
check "virsh net-start pool" V net-start pool

# ------------------------------------------------------------------ a
section "a: virsh start of a guest with <interface type='network'> on the pool"
MAC1=52:54:00:15:00:01
domain_xml lg1 "$MAC1" 31 "$(pool_iface "$MAC1")" >"$LT/lg1.xml"
check "virsh define lg1.xml" V define "$LT/lg1.xml"
if V start lg1 >"$LT/lg1.start" 2>&1; then
	ok "virsh start lg1"
else
	fail "virsh start lg1"
	show <"$LT/lg1.start"
fi
VF=$(live_vf lg1 "$MAC1")
VFI=$(vf_index "$PF0" "${VF:-none}")
if [ -n "$VFI" ]; then
	ok "the live XML names VF $VFI of $PF0 ($VF) for $MAC1"
	a=$(alloc_of lg1)
	check_eq "sriovctl allocations: lg1 holds $VF, recorded by the network hook" \
		"1 $VF libvirt-network pool hostdev" \
		"$(jq -r '"\(length) \(.[0].vf_address) \(.[0].source) \(.[0].network) \(.[0].kind)"' <<<"$a")"
	check_match "sriovctl allocations (table) says so" "domain 'lg1' interface #1: VF $VFI of $PF0 at $VF.*\[libvirt network 'pool', port [0-9a-f-]+\]" \
		"$(sriovctl allocations)"
	line=$(vf_line "$PF0DEV" "$VFI")
	note "$line"
	check_match "ip -d link: vf $VFI has MAC $MAC1 and VLAN $VLAN (libvirt's)" "link/ether $MAC1 .*vlan $VLAN" "$line"
	check_match "ip -d link: vf $VFI trust on (network <metadata>)" "trust on" "$line"
	check_match "ip -d link: vf $VFI spoof checking off (desired state)" "spoof checking off" "$line"
	check_match "ip -d link: vf $VFI max_tx_rate 100Mbps (domain <metadata>)" "max_tx_rate 100Mbps" "$line"
	check_eq "$VF is on vfio-pci (libvirt's managed hostdev)" vfio-pci "$(pci_driver "$VF")"
	guest_checks lg1 "$MAC1"

	section "c: libvirtd restarted while lg1 runs"
	before=$(alloc_of lg1)
	vfbefore=$(vf_json "$PF0DEV" "$VFI")
	n0=$(grep -c "port-created: network 'pool' port" "$LT/libvirtd.log" || true)
	check "libvirtd stops" libvirtd_stop
	if libvirtd_start; then ok "libvirtd starts again"; else fail "libvirtd starts again"; fi
	check_eq "lg1 still running" running "$(V domstate lg1 2>&1)"
	check "the network hook ran port-created again (networkNotifyPort)" wait_for 20 \
		bash -c "[ \$(grep -c \"port-created: network 'pool' port\" '$LT/libvirtd.log') -gt $n0 ]"
	check_match "... and changed nothing" "recorded already, nothing changed" \
		"$(grep "port-created: network 'pool' port" "$LT/libvirtd.log" | tail -n1)"
	check_eq "lg1's allocation is as before" "$before" "$(alloc_of lg1)"
	check_eq "vf $VFI settings are as before (ip -j -d link)" "$vfbefore" "$(vf_json "$PF0DEV" "$VFI")"

	section "h: show and list name the holder of each VF of $PF0: lg1's port, a pod, a guest of sriovctl attach"
	# the pod takes the last VF lg1 does not hold, attach the one left
	PODI=2
	[ "$VFI" != 2 ] || PODI=1
	VFP=$(vf_addr "$PF0" "$PODI")
	podmac=$(cat "/sys/class/net/$(pci_netdev "$VFP")/address")
	ip netns add lvpod
	hconf='{"cniVersion":"1.1.0","name":"hnet","type":"sriov-vf","deviceID":"'$VFP'"}'
	hcni() { CNI_COMMAND=$1 CNI_CONTAINERID=hc1 CNI_IFNAME=net1 CNI_NETNS=/var/run/netns/lvpod "$SRIOV_BUILD_DIR/cni/sriov-vf" <<<"$hconf"; }
	check "CNI ADD: pod hc1 gets vf $PODI ($VFP) as net1" hcni ADD
	MACH=52:54:00:15:00:08
	domain_xml lgh "$MACH" 38 "$(pool_iface "$MACH")" >"$LT/lgh.xml"
	check "sriovctl attach --domain lgh.xml (not started: the record is what counts)" \
		sriovctl attach --domain "$LT/lgh.xml" -o "$LT/lgh.out.xml"
	ATTI=$(vf_index "$PF0" "$(alloc_of lgh | jq -r '.[0].vf_address // "none"')")
	out=$(sriovctl show "$PF0")
	# row N : VF N's row of show's VF table
	row() { grep -E "^$1 +[0-9a-f]{4}:" <<<"$out" | sed 's/  */ /g'; }
	note "show: $(row "$VFI") | $(row "$PODI") | $(row "${ATTI:-x}")"
	check_match "show: vf $VFI held by network pool's port for guest lg1; max-rate 100 in Mbit/s" \
		" 0/100 Mbit/s libvirt network pool port [0-9a-f-]{36} \(guest lg1\)$" "$(row "$VFI")"
	check_match "show: vf $PODI held by pod hc1 as net1 on network hnet" " pod hc1 net1 network hnet$" "$(row "$PODI")"
	check_match "show: vf ${ATTI:-?} held by guest lgh (sriovctl attach)" " guest lgh interface #1 \(hostdev\)$" \
		"$(row "${ATTI:-x}")"
	out=$(sriovctl list | sed 's/^  //') # list indents each PF's VF table
	check_eq "list: the same three holders" "libvirt network pool|pod hc1 net1 network hnet|guest lgh interface #1 (hostdev)" \
		"$(row "$VFI" | grep -o 'libvirt network pool')|$(row "$PODI" | grep -o 'pod .*')|$(row "${ATTI:-x}" | grep -o 'guest .*')"
	check_eq "show --json: the holders of vf $VFI, $PODI, ${ATTI:-?}" "libvirt-network lg1 pool; pod hc1 hnet; guest lgh null" \
		"$(sriovctl show "$PF0" --json | jq -r --argjson a "$VFI" --argjson b "$PODI" --argjson c "${ATTI:-0}" \
			'[.vfs[$a].holder, .vfs[$b].holder, .vfs[$c].holder] | map("\(.type) \(.domain // .container_id) \(.network)") | join("; ")')"
	sriovctl show "$PF0" --xml >"$LT/holders.xml"
	h="/pf/vf[@index='$PODI']/holder"
	check_eq "show --xml: the pod's <holder>" "pod hc1 net1 hnet" \
		"$(xml_value "$LT/holders.xml" "concat($h/@type, ' ', $h/@container_id, ' ', $h/@ifname, ' ', $h/@network)")"
	check "CNI DEL: pod hc1" hcni DEL
	check "sriovctl detach lgh" sriovctl detach lgh
	ip netns del lvpod
	check_eq "after DEL and detach only lg1 holds a VF" "lg1" "$(sriovctl allocations --json | jq -r '[.allocations[].domain] | join(" ")')"
	check_eq "vf ${ATTI:-?} as before lgh (ip -j -d link)" "${ORIG[${ATTI:-0}]}" "$(vf_json "$PF0DEV" "${ATTI:-0}")"
	# the pod's VF as before, but for the MAC when igb reports the netdev's
	# own one: it does once igbvf registers it (t-cni.sh's vf0_back)
	now=$(vf_json "$PF0DEV" "$PODI")
	nomac() { jq -c 'del(.address)' <<<"$1"; }
	if [ "$(nomac "$now")" = "$(nomac "${ORIG[$PODI]}")" ] &&
		[[ $(jq -r .address <<<"$now") == "$(jq -r .address <<<"${ORIG[$PODI]}")" || $(jq -r .address <<<"$now") == "$podmac" ]]; then
		ok "vf $PODI as before the pod (ip -j -d link; the MAC the PF reports: as before or the netdev's own)"
		ORIG[$PODI]=$now
	else
		fail "vf $PODI as before the pod (expected '${ORIG[$PODI]}', got '$now')"
	fi

	section "a: virsh destroy gives everything back"
	check "virsh destroy lg1" V destroy lg1
	check_given_back lg1 "$VF" "$VFI"
else
	fail "the live XML of lg1 names a VF of $PF0 for $MAC1 (got '${VF:-}')"
	show <"$LT/lg1.live.xml" 2>/dev/null || true
	V destroy lg1 >/dev/null 2>&1 || true
fi

# ------------------------------------------------------------------ b
section "b: sriovctl attach reads lg2 (and the pool) from libvirt; virsh create of what it wrote"
MAC2=52:54:00:15:00:02
domain_xml lg2 "$MAC2" 32 "$(pool_iface "$MAC2")" >"$LT/lg2.xml"
check "virsh define lg2.xml" V define "$LT/lg2.xml"
if sriovctl attach lg2 --connect qemu:///system -o "$LT/lg2.out.xml" >"$LT/lg2.attach" 2>&1; then
	ok "sriovctl attach lg2 --connect qemu:///system: $(tr '\n' ' ' <"$LT/lg2.attach" | cut -c1-200)"
else
	fail "sriovctl attach lg2 --connect qemu:///system"
	show <"$LT/lg2.attach"
fi
i="//devices/interface[mac/@address='$MAC2']"
check_eq "the written interface is type='hostdev'" hostdev "$(xml_value "$LT/lg2.out.xml" "$i/@type")"
a=$(alloc_of lg2)
VF2=$(jq -r '.[0].vf_address // empty' <<<"$a")
VFI2=$(vf_index "$PF0" "${VF2:-none}")
check_eq "sriovctl allocations: lg2 holds one VF of $PF0, sriovctl's own record" "1 null" \
	"$(jq -r '"\(length) \(.[0].source)"' <<<"$a")"
if [ -n "$VFI2" ] && V create "$LT/lg2.out.xml" >"$LT/lg2.start" 2>&1; then
	ok "virsh create lg2.out.xml"
	check_eq "the live XML names $VF2 for $MAC2" "$VF2" "$(live_vf lg2 "$MAC2")"
	check_match "the qemu hook left attach's record alone" "given to this guest by sriovctl attach" \
		"$(grep "hook qemu lg2 prepare" "$LT/libvirtd.log" | tail -n1)"
	check_match "ip -d link: vf $VFI2 has MAC $MAC2 and VLAN $VLAN" "link/ether $MAC2 .*vlan $VLAN" \
		"$(vf_line "$PF0DEV" "$VFI2")"
	guest_checks lg2 "$MAC2"
	check "virsh destroy lg2" V destroy lg2
	check_eq "after destroy, sriovctl still records lg2 (detach gives it back)" 1 "$(alloc_of lg2 | jq length)"
	check "sriovctl detach lg2" sriovctl detach lg2
	check_given_back lg2 "$VF2" "$VFI2"
else
	fail "virsh create lg2.out.xml"
	show <"$LT/lg2.start" 2>/dev/null || true
	sriovctl detach lg2 >/dev/null 2>&1 || true
fi

# ------------------------------------------------------------------ d
section "d: a VF sriovctl gave away is refused when libvirt's pool hands it out"
MAC3=52:54:00:15:00:03
domain_xml lg3 "$MAC3" 33 "$(pool_iface "$MAC3")" >"$LT/lg3.xml"
check "sriovctl attach --domain lg3.xml (pool from libvirt)" sriovctl attach --domain "$LT/lg3.xml" -o "$LT/lg3.out.xml"
VF3=$(alloc_of lg3 | jq -r '.[0].vf_address // empty')
note "lg3 holds ${VF3:-nothing}; libvirt's pool hands out the first VF without a connection of its own"
rc=0
V start lg1 >"$LT/lg1.refused" 2>&1 || rc=$?
check_fails "virsh start lg1 fails" test "$rc" = 0
msg=$(tr '\n' ' ' <"$LT/lg1.refused")
note "virsh: $msg"
check_match "virsh's error carries the hook's message (holder named)" \
	"sriovctl: hook network pool port-created: .*held by domain 'lg3'.*given out by sriovctl attach: libvirt must not give it to domain 'lg1' too" "$msg"
check_fails "lg1 is not running" test "$(V domstate lg1 2>&1)" = running
check_eq "lg1 holds nothing" "[]" "$(alloc_of lg1)"
check_eq "lg3 still holds $VF3" "$VF3" "$(alloc_of lg3 | jq -r '.[0].vf_address')"
check_match "... with its MAC" "link/ether $MAC3" "$(vf_line "$PF0DEV" "$(vf_index "$PF0" "$VF3")")"
check "sriovctl detach lg3" sriovctl detach lg3
check_eq "no allocations left" "[]" "$(sriovctl allocations --json | jq -c .allocations)"
for i in 0 1 2; do
	check_eq "vf $i as at the start (ip -j -d link)" "${ORIG[$i]}" "$(vf_json "$PF0DEV" "$i")"
done

# ------------------------------------------------------------------ e
section "e: a metadata-free pool, vlan-qos in the domain: VF 1 goes back as it came"
VFB=$(vf_addr "$PF0" 1)
read -r bd bb bs bf < <(sed 's/[:.]/ /g' <<<"$VFB")
cat >"$LT/bare.xml" <<EOF
<network>
  <name>bare</name>
  <forward mode='hostdev' managed='yes'><address type='pci' domain='0x$bd' bus='0x$bb' slot='0x$bs' function='0x$bf'/></forward>
</network>
EOF
check "virsh net-define bare.xml (VF 1, $VFB, alone; no <metadata>)" V net-define "$LT/bare.xml"
check "virsh net-start bare" V net-start bare
MAC4=52:54:00:7e:aa:01
domain_xml lg4 "$MAC4" 34 "$(pool_iface "$MAC4" bare)" "vlan-qos='3'" >"$LT/lg4.xml"
check "virsh define lg4.xml (<sriov:vf vlan-qos='3'/> only)" V define "$LT/lg4.xml"
if V start lg4 >"$LT/lg4.start" 2>&1; then
	ok "virsh start lg4"
	check_eq "the live XML names VF 1 ($VFB) for $MAC4" "$VFB" "$(live_vf lg4 "$MAC4")"
	line=$(vf_line "$PF0DEV" 1)
	note "$line"
	check_match "ip -d link: vf 1 has MAC $MAC4, VLAN $VLAN (libvirt's) with qos 3 (domain <metadata>)" \
		"link/ether $MAC4 .*vlan $VLAN, qos 3" "$line"
	running=$(vf_json "$PF0DEV" 1)

	section "e: the desired state names VF 1's MAC and VLAN while lg4 holds it"
	mkdir -p "$LT/conf-e"
	printf 'pf %s\nvf 1 mac 02:00:00:de:5e:00 vlan 77\n' "$PF0" >"$LT/conf-e/10-e.conf"
	check "sriovctl config check (conf-e)" sriovctl --config-dir "$LT/conf-e" config check
	rc=0
	out=$(sriovctl --config-dir "$LT/conf-e" udev-event --action change "$PF0" 2>&1) || rc=$?
	note "udev-event: $(tr '\n' ' ' <<<"$out")"
	check_eq "udev-event --action change $PF0 exits 0" 0 "$rc"
	check_eq "vf 1 after udev-event: as libvirt set it (ip -j -d link)" "$running" "$(vf_json "$PF0DEV" 1)"
	sriovctl --config-dir "$LT/conf-e" monitor >"$LT/monitor-e.log" 2>&1 &
	mon=$!
	check "the monitor's first pass on $PF0 (within 60 s)" wait_for 60 \
		grep -qE " $PF0 \(.*\) (pass done|already as desired)" "$LT/monitor-e.log"
	check_eq "vf 1 after the monitor's start: as libvirt set it (ip -j -d link)" "$running" "$(vf_json "$PF0DEV" 1)"
	kill -TERM "$mon" 2>/dev/null || true
	wait "$mon" 2>/dev/null || true
	grep -E "$PF0|vf 1" "$LT/monitor-e.log" | tail -n 4 | sed 's/^/# monitor: /' || true

	section "e: virsh destroy lg4"
	check "virsh destroy lg4" V destroy lg4
	check_given_back lg4 "$VFB" 1
else
	fail "virsh start lg4"
	show <"$LT/lg4.start"
fi
V net-destroy bare >/dev/null 2>&1 || true

# ------------------------------------------------------------------ f
section "f: a network '-pool' and a domain '-web': names, not options"
sed 's|<name>pool</name>|<name>-pool</name>|; /<metadata>/d' "$LT/pool.xml" >"$LT/dash-pool.xml"
check "virsh net-define (network '-pool')" V net-define "$LT/dash-pool.xml"
rc=0
V net-start --network=-pool >"$LT/dash-pool.start" 2>&1 || rc=$?
check_eq "virsh net-start --network=-pool exits 0" 0 "$rc"
[ "$rc" = 0 ] || show <"$LT/dash-pool.start"
MAC5=52:54:00:15:00:05
domain_xml -web "$MAC5" 35 "$(pool_iface "$MAC5" -pool)" >"$LT/dash-web.xml"
check "virsh define (domain '-web' on '-pool')" V define "$LT/dash-web.xml"
if V start --domain=-web >"$LT/dash-web.start" 2>&1; then
	ok "virsh start --domain=-web"
	VFW=$(live_vf -web "$MAC5")
	check_eq "sriovctl allocations: '-web' holds $VFW, a port of network '-pool'" "1 $VFW -pool" \
		"$(alloc_of -web | jq -r '"\(length) \(.[0].vf_address) \(.[0].network)"')"
	check "virsh destroy --domain=-web" V destroy --domain=-web
	check_given_back -web "$VFW" "$(vf_index "$PF0" "$VFW")"
else
	fail "virsh start --domain=-web"
	show <"$LT/dash-web.start"
fi
V net-destroy --network=-pool >/dev/null 2>&1 || true

# ------------------------------------------------------------------ g
section "g: the store's lock held elsewhere: a hook gives up within seconds"
flock --no-fork /run/sriov/lock sleep 300 &
holder=$!
rig_sleep 0.5
t0=$EPOCHREALTIME
rc=0
V start lg1 >"$LT/lg1.locked" 2>&1 || rc=$?
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
msg=$(tr '\n' ' ' <"$LT/lg1.locked")
note "virsh start lg1 took $took s: $msg"
check_fails "virsh start lg1 fails" test "$rc" = 0
check "... within 30 s" test "$took" -le 30
check_match "virsh's error names the lock's holder (pid, command)" \
	"held by pid $holder \(sleep 300\)" "$msg"
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
V destroy lg1 >/dev/null 2>&1 || true
check_eq "nothing recorded meanwhile" "[]" "$(sriovctl allocations --json | jq -c .allocations)"
for i in 0 1 2; do
	check_eq "vf $i as at the start (ip -j -d link)" "${ORIG[$i]}" "$(vf_json "$PF0DEV" "$i")"
done
# libvirtd's errors other than the expected ones (no dnsmasq, no D-Bus, the
# failed probes of Debian's QEMU 7.2, the refusal of d)
grep -E ' error : ' "$LT/libvirtd.log" | grep -v -e dnsmasq -e GDBus -e qemuMonitorIORead -e 'could not find capabilities' \
	-e 'suitable emulator' -e 'held by domain' -e 'for probing' | tail -n 12 | sed 's/^/# libvirtd: /' || true
check "libvirtd stops" libvirtd_stop
