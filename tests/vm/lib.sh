# tests/vm/lib.sh - helpers for test scripts that run inside the rig guest.
#
# Source it from a script started by tests/vm/run-in-vm (host bash, root, guest
# kernel):
#     #!/bin/bash
#     set -euo pipefail
#     . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Results are printed TAP style ("ok 3 - ...", "not ok 4 - ..."); at exit a
# summary is printed and the script exits 1 if any check failed (or with its own
# status if it died). Every wait is bounded and polls a condition.
#
# Guest notes: udev is not running (netdevs keep their eth* names, /dev nodes come
# from devtmpfs); the kernel does not autoload modules for you reliably: modprobe
# what you use. netdevsim.ko (with the VF-port patch) is `modprobe netdevsim`.

if [ "${RIG_IN_VM:-0}" != 1 ]; then
	echo "lib.sh: this runs inside the rig guest: tests/vm/run-in-vm ${0##*/}" >&2
	exit 2
fi

RIG_N=0
RIG_PASSED=0
RIG_FAILED=0
RIG_SKIPPED=0
RIG_T0=$EPOCHREALTIME

# ------------------------------------------------------------------ reporting
note() { echo "# $*"; }
# seconds since the script started, e.g. 12.3
rig_elapsed() {
	local us=$((${EPOCHREALTIME/./} - ${RIG_T0/./}))
	printf '%d.%d' $((us / 1000000)) $((us % 1000000 / 100000))
}
section() {
	echo
	echo "## $* [at $(rig_elapsed)s]"
}
ok() {
	RIG_N=$((RIG_N + 1))
	RIG_PASSED=$((RIG_PASSED + 1))
	echo "ok $RIG_N - $*"
}
fail() {
	RIG_N=$((RIG_N + 1))
	RIG_FAILED=$((RIG_FAILED + 1))
	echo "not ok $RIG_N - $*"
}
skip() {
	RIG_N=$((RIG_N + 1))
	RIG_SKIPPED=$((RIG_SKIPPED + 1))
	echo "ok $RIG_N - # SKIP $*"
}
# indent command output under a check
show() { sed 's/^/    | /'; }

# check DESC CMD... : passes when CMD succeeds; on failure shows its output.
check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 0 ]; then
		ok "$desc"
	else
		fail "$desc (exit $rc: $*)"
		[ -z "$out" ] || tail -n 20 <<<"$out" | show
	fi
	return 0
}
# check_fails DESC CMD... : passes when CMD fails; CHECK_OUTPUT holds its output.
check_fails() {
	local desc=$1 rc=0
	shift
	CHECK_OUTPUT=$("$@" 2>&1) || rc=$?
	if [ "$rc" != 0 ]; then
		ok "$desc"
	else
		fail "$desc (succeeded but should fail: $*)"
		[ -z "$CHECK_OUTPUT" ] || tail -n 20 <<<"$CHECK_OUTPUT" | show
	fi
	return 0
}
# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1 (expected '$2', got '$3')"
	fi
	return 0
}
# check_match DESC ERE TEXT : TEXT matches the extended regular expression ERE
check_match() {
	if [[ $3 =~ $2 ]]; then
		ok "$1"
	else
		fail "$1 (no match for /$2/)"
		tail -n 20 <<<"$3" | show
	fi
	return 0
}

rig_finish() {
	local rc=$? secs
	trap - EXIT
	secs=$(rig_elapsed)
	echo
	echo "# $RIG_N checks: $RIG_PASSED passed, $RIG_FAILED failed, $RIG_SKIPPED skipped (${secs}s)"
	if [ "$rc" != 0 ]; then
		echo "# the script stopped early with status $rc"
		exit "$rc"
	fi
	[ "$RIG_FAILED" = 0 ] || exit 1
	exit 0
}
trap rig_finish EXIT
trap 'echo "# error: \"$BASH_COMMAND\" failed (status $?) at ${BASH_SOURCE[0]##*/}:$LINENO" >&2' ERR

# ------------------------------------------------------------------ waiting
# wait_for TIMEOUT CMD... : run CMD every 0.1 s until it succeeds (0) or TIMEOUT
# seconds (decimals allowed) have passed (1).
wait_for() {
	local timeout=$1 deadline
	shift
	local int=${timeout%%.*} frac=000000
	[[ $timeout != *.* ]] || frac=${timeout#*.}000000
	deadline=$((${EPOCHREALTIME/./} + 10#${int:-0} * 1000000 + 10#${frac:0:6}))
	while true; do
		"$@" >/dev/null 2>&1 && return 0
		[ "${EPOCHREALTIME/./}" -lt "$deadline" ] || return 1
		rig_sleep 0.1
	done
}

# rig_sleep SECONDS : sleep without starting a process (a fork+exec costs
# 30-60 ms under TCG): a read with a timeout on a pipe nobody writes to.
exec {RIG_SLEEP_FD}<> <(:)
rig_sleep() { read -r -t "$1" -u "$RIG_SLEEP_FD" _ || true; }

# ------------------------------------------------------------------ PCI / SR-IOV
pci_dev() { echo "/sys/bus/pci/devices/$1"; }
# pci_find VENDOR DEVICE : addresses of physical functions (not VFs) with that ID
pci_find() {
	local d
	for d in /sys/bus/pci/devices/*; do
		if [ "$(<"$d/vendor")" = "0x$1" ] && [ "$(<"$d/device")" = "0x$2" ] && [ ! -e "$d/physfn" ]; then
			echo "${d##*/}"
		fi
	done
}
# pci_netdevs ADDR : the netdev names of a PCI function (none: empty)
pci_netdevs() {
	local n
	for n in "/sys/bus/pci/devices/$1/net/"*; do
		[ -e "$n" ] && echo "${n##*/}"
	done
	return 0
}
# pci_netdev ADDR : the first netdev of a PCI function (none: empty)
pci_netdev() {
	local n
	for n in "/sys/bus/pci/devices/$1/net/"*; do
		[ -e "$n" ] && echo "${n##*/}" && break
	done
	return 0
}
pci_driver() {
	local l
	l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) || return 0
	echo "${l##*/}"
}
# driver_is PCI_ADDR DRIVER : bound to DRIVER now (for wait_for: read each try)
driver_is() { [ "$(pci_driver "$1")" = "$2" ]; }
# vf_json PFDEV INDEX : the VF's entry of ip -j -d link, without counters
vf_json() {
	ip -j -d link show "$1" | jq -c --argjson i "$2" '.[0].vfinfo_list[] | select(.vf == $i) | del(.stats)'
}
# vf_index PF_ADDR VF_ADDR : the VF's index on its PF (none: empty)
vf_index() {
	local l
	for l in "/sys/bus/pci/devices/$1"/virtfn*; do
		[ "$(basename "$(readlink "$l")")" = "$2" ] && echo "${l##*virtfn}" && return
	done
	return 0
}
# vf_addr PF_ADDR INDEX
vf_addr() {
	local l
	l=$(readlink "/sys/bus/pci/devices/$1/virtfn$2") || return 1
	echo "${l##*/}"
}
# vf_addrs PF_ADDR : all VF addresses in VF index order
vf_addrs() {
	local i=0
	while [ -e "/sys/bus/pci/devices/$1/virtfn$i" ]; do
		vf_addr "$1" "$i"
		i=$((i + 1))
	done
}
vf_count() { # number of virtfn links of PF_ADDR
	local n=0
	while [ -e "/sys/bus/pci/devices/$1/virtfn$n" ]; do n=$((n + 1)); done
	echo "$n"
}
_vfs_are() { [ "$(vf_count "$1")" = "$2" ] && [ "$(<"/sys/bus/pci/devices/$1/sriov_numvfs")" = "$2" ]; }
_vfs_have_netdevs() {
	local vf
	for vf in $(vf_addrs "$1"); do
		[ -n "$(pci_netdevs "$vf")" ] || return 1
	done
}

# vfs_enable PF_ADDR COUNT [TIMEOUT=60] : write sriov_numvfs (via 0 when VFs
# exist) and wait until COUNT virtfn links exist.
vfs_enable() {
	local pf=$1 n=$2 timeout=${3:-60} sys
	sys=$(pci_dev "$pf")/sriov_numvfs
	if [ "$(<"$sys")" != 0 ] && [ "$(<"$sys")" != "$n" ]; then
		vfs_disable "$pf" "$timeout" || return 1
	fi
	if ! echo "$n" >"$sys"; then
		echo "vfs_enable: writing $n to $sys failed" >&2
		return 1
	fi
	wait_for "$timeout" _vfs_are "$pf" "$n" || {
		echo "vfs_enable: $pf has $(vf_count "$pf") virtfn links, not $n, after ${timeout}s" >&2
		return 1
	}
}
# vfs_disable PF_ADDR [TIMEOUT=60] : write 0 and wait until the VFs are gone
vfs_disable() {
	local pf=$1 timeout=${2:-60}
	echo 0 >"$(pci_dev "$pf")/sriov_numvfs" || {
		echo "vfs_disable: writing 0 to $pf sriov_numvfs failed" >&2
		return 1
	}
	wait_for "$timeout" _vfs_are "$pf" 0 || {
		echo "vfs_disable: $pf still has $(vf_count "$pf") VFs after ${timeout}s" >&2
		return 1
	}
}
# vfs_wait_netdevs PF_ADDR [TIMEOUT=60] : wait until every VF has a netdev
vfs_wait_netdevs() {
	local pf=$1 timeout=${2:-60}
	wait_for "$timeout" _vfs_have_netdevs "$pf" || {
		echo "vfs_wait_netdevs: not every VF of $pf has a netdev after ${timeout}s" >&2
		return 1
	}
}

# ------------------------------------------------------------------ netdevs
_has_carrier() {
	local c=
	read -r c 2>/dev/null <"/sys/class/net/$1/carrier" || true
	[ "$c" = 1 ]
}
# link_up DEV [TIMEOUT=30] : set DEV up and wait for carrier
link_up() {
	local dev=$1 timeout=${2:-30}
	ip link set "$dev" up || return 1
	wait_for "$timeout" _has_carrier "$dev" || {
		echo "link_up: $dev has no carrier after ${timeout}s" >&2
		return 1
	}
}
_netdev_exists() { [ -e "/sys/class/net/$1" ]; }
wait_netdev() { # DEV [TIMEOUT=30]
	wait_for "${2:-30}" _netdev_exists "$1" || {
		echo "wait_netdev: no netdev $1 after ${2:-30}s" >&2
		return 1
	}
}

# ------------------------------------------------------------------ igb (82576)
RIG_IGB_PF_ID=(8086 10c9)
# shellcheck disable=SC2034 # for tests
RIG_IGB_VF_ID=(8086 10ca)
_igb_pfs_ready() {
	local pf n=0
	for pf in $(pci_find "${RIG_IGB_PF_ID[@]}"); do
		[ -n "$(pci_netdevs "$pf")" ] || return 1
		n=$((n + 1))
	done
	[ "$n" = "${RIG_IGB:-2}" ]
}
# igb_load [TIMEOUT=60] : modprobe igb and igbvf, wait for every PF's netdev
igb_load() {
	local timeout=${1:-60}
	if ! modprobe igb || ! modprobe igbvf; then
		echo "igb_load: modprobe igb igbvf failed" >&2
		return 1
	fi
	wait_for "$timeout" _igb_pfs_ready || {
		echo "igb_load: expected ${RIG_IGB:-2} igb PFs with netdevs, have: $(rig_igb_pfs | tr '\n' ';')" >&2
		return 1
	}
}
# rig_igb_pfs : one line per igb PF: "ADDRESS NETDEV"
rig_igb_pfs() {
	local pf
	for pf in $(pci_find "${RIG_IGB_PF_ID[@]}"); do
		echo "$pf $(pci_netdev "$pf")"
	done
}
# rig_nvme_pfs : addresses of NVMe controllers with SR-IOV
rig_nvme_pfs() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(<"$d/class")" = 0x010802 ] && [ -e "$d/sriov_totalvfs" ] && echo "${d##*/}"
	done
	return 0
}

# ------------------------------------------------------------------ netdevsim
nsim_sys() { echo "/sys/bus/netdevsim/devices/netdevsim$1"; }
nsim_dbg() { echo "/sys/kernel/debug/netdevsim/netdevsim$1"; }
_nsim_has_netdev() { [ -n "$(ls "$(nsim_sys "$1")/net" 2>/dev/null)" ]; }
# nsim_netdev ID : netdev name of the first port of netdevsim device ID
nsim_netdev() {
	local n
	for n in "$(nsim_sys "$1")"/net/*; do
		[ -e "$n" ] && echo "${n##*/}" && return 0
	done
	return 1
}
# nsim_new ID [NUM_VFS=0] [PORTS=1] : create netdevsim device ID (loading the
# rig's patched netdevsim.ko), give it NUM_VFS VFs; prints its first netdev.
nsim_new() {
	local id=$1 vfs=${2:-0} ports=${3:-1}
	modprobe netdevsim || {
		echo "nsim_new: modprobe netdevsim failed" >&2
		return 1
	}
	echo "$id $ports" >/sys/bus/netdevsim/new_device || {
		echo "nsim_new: cannot create netdevsim$id" >&2
		return 1
	}
	wait_for 30 _nsim_has_netdev "$id" || {
		echo "nsim_new: netdevsim$id has no netdev after 30s" >&2
		return 1
	}
	[ "$vfs" = 0 ] || nsim_set_vfs "$id" "$vfs" || return 1
	nsim_netdev "$id"
}
# nsim_set_vfs ID COUNT : raise debugfs max_vfs as needed and set the VF count
nsim_set_vfs() {
	local id=$1 n=$2 sys dbg
	sys=$(nsim_sys "$id")
	dbg=$(nsim_dbg "$id")
	[ "$(<"$sys/sriov_numvfs")" = 0 ] || echo 0 >"$sys/sriov_numvfs" || return 1
	if [ "$n" -gt "$(<"$dbg/max_vfs")" ]; then
		echo "$n" >"$dbg/max_vfs" || {
			echo "nsim_set_vfs: cannot raise $dbg/max_vfs to $n" >&2
			return 1
		}
	fi
	echo "$n" >"$sys/sriov_numvfs" || {
		echo "nsim_set_vfs: cannot set $n VFs on netdevsim$id" >&2
		return 1
	}
}
# nsim_del ID : remove netdevsim device ID and wait until it is gone
nsim_del() {
	local id=$1
	echo "$id" >/sys/bus/netdevsim/del_device || return 1
	wait_for 30 test ! -e "$(nsim_sys "$id")"
}

# ------------------------------------------------------------------ sriovctl
# need_sriovctl : stop the script (failing) when the CLI is not built
need_sriovctl() {
	command -v sriovctl >/dev/null && return 0
	fail "sriovctl not found on PATH (build it: cmake -B build && cmake --build build; SRIOV_BUILD_DIR=${SRIOV_BUILD_DIR:-})"
	exit 1
}

# vf_rid_addr PF_ADDR OFFSET STRIDE INDEX : the address SR-IOV routing IDs
# give VF INDEX (PF routing ID + offset + INDEX * stride, carrying into the bus)
vf_rid_addr() {
	local dom=${1%%:*} rest=${1#*:} bus dev fn rid
	bus=$((16#${rest%%:*}))
	rest=${rest#*:}
	dev=$((16#${rest%.*}))
	fn=${rest#*.}
	rid=$(((bus << 8 | dev << 3 | fn) + $2 + $4 * $3))
	printf '%s:%02x:%02x.%x\n' "$dom" $((rid >> 8)) $(((rid >> 3) & 31)) $((rid & 7))
}

# ------------------------------------------------------------------ udev (t-udev, t-monitor)
# udevd_start [RULES...] : start the host's systemd-udevd in the guest with the
# given rules files added to /run/udev/rules.d (before it starts: rules added
# later are missed for seconds); waits until it answers. UDEVD_PID is its pid.
udevd_start() {
	local udevd=/usr/lib/systemd/systemd-udevd f
	[ -x "$udevd" ] || {
		echo "udevd_start: no $udevd (Debian package udev: scripts/install-rig-deps)" >&2
		return 1
	}
	mkdir -p /run/udev/rules.d
	for f in "$@"; do cp "$f" /run/udev/rules.d/ || return 1; done
	SYSTEMD_IGNORE_CHROOT=1 "$udevd" >/tmp/udevd.log 2>&1 &
	UDEVD_PID=$!
	wait_for 20 udevadm_ control --ping || {
		echo "udevd_start: udevd does not answer after 20s:" >&2
		tail -n 5 /tmp/udevd.log >&2
		return 1
	}
}
# udevadm_ ARGS : udevadm, which refuses to talk to udevd from a chroot
# (the guest's job runs in one) unless told
udevadm_() { SYSTEMD_IGNORE_CHROOT=1 udevadm "$@"; }
# udevd_settle [TIMEOUT=60] : wait until udevd's queue is empty
udevd_settle() { udevadm_ settle -t "${1:-60}"; }
# vfs_norm DEV : one line per VF of PF netdev DEV as ip(8) reports it:
# "vf N mac=.. vlan=.. qos=.. spoofchk=true trust=false max=100"
vfs_norm() {
	ip -j -d link show "$1" 2>/dev/null | jq -r '.[0].vfinfo_list // [] | .[] |
		"vf \(.vf) mac=\(.address) vlan=\(.vlan_list[0].vlan // 0) qos=\(.vlan_list[0].qos // 0)" +
		" spoofchk=\(.spoofchk) trust=\(.trust) max=\(.rate.max_tx // 0)"'
}
_vfs_norm_is() { [ "$(vfs_norm "$1")" = "$2" ]; }
# vfs_wait_norm DEV VAR [TIMEOUT=60] : wait until vfs_norm DEV prints what
# variable VAR holds; on timeout print the lines that differ
vfs_wait_norm() {
	local want=${!2}
	wait_for "${3:-60}" _vfs_norm_is "$1" "$want" && return 0
	echo "vfs_wait_norm: $1 after ${3:-60}s (- expected, + seen):" >&2
	diff <(echo "$want") <(vfs_norm "$1") | grep '^[-+][^-+]' | head -n 12 >&2
	return 1
}
# udevcfg_write PF_ADDR NSIM_VFS : the desired state t-udev.sh and t-monitor.sh
# put in /etc/sriov (the guest's own /etc): 7 igb VFs with MAC, VLAN, spoof
# check, trust and max rate, and netdevsim1 with NSIM_VFS VFs; sets
# UDEVCFG_IGB and UDEVCFG_NSIM to what vfs_norm prints once it is applied.
udevcfg_write() {
	local pf=$1 nvf=$2 i sp tr
	mkdir -p /etc/sriov
	UDEVCFG_IGB= UDEVCFG_NSIM=
	{
		echo "# igb PF: settings that igb accepts (no 802.1ad, link state, min rate)"
		echo "pf $pf numvfs 7"
		for i in 0 1 2 3 4 5 6; do
			sp=$([ $((i % 2)) = 0 ] && echo on || echo off)
			tr=$([ $((i % 3)) = 0 ] && echo on || echo off)
			printf 'vf %d mac 02:00:00:00:07:%02x vlan %d spoofchk %s trust %s max-rate %d\n' \
				"$i" "$i" $((10 + i)) "$sp" "$tr" $((100 + 10 * i))
			UDEVCFG_IGB+=$(printf 'vf %d mac=02:00:00:00:07:%02x vlan=%d qos=0 spoofchk=%s trust=%s max=%d' \
				"$i" "$i" $((10 + i)) "$([ "$sp" = on ] && echo true || echo false)" \
				"$([ "$tr" = on ] && echo true || echo false)" $((100 + 10 * i)))$'\n'
		done
	} >/etc/sriov/10-igb.conf
	{
		echo "pf device netdevsim1 numvfs $nvf"
		for ((i = 0; i < nvf; i++)); do
			printf 'vf %d mac 02:00:00:01:%02x:%02x vlan %d qos %d spoofchk on trust %s max-rate %d\n' \
				"$i" $((i >> 8)) $((i & 255)) $((100 + i)) $((i % 8)) "$([ $((i % 2)) = 0 ] && echo on || echo off)" \
				$((1000 + i))
			UDEVCFG_NSIM+=$(printf 'vf %d mac=02:00:00:01:%02x:%02x vlan=%d qos=%d spoofchk=true trust=%s max=%d' \
				"$i" $((i >> 8)) $((i & 255)) $((100 + i)) $((i % 8)) \
				"$([ $((i % 2)) = 0 ] && echo true || echo false)" $((1000 + i)))$'\n'
		done
	} >/etc/sriov/20-netdevsim.conf
	UDEVCFG_IGB=${UDEVCFG_IGB%$'\n'}
	UDEVCFG_NSIM=${UDEVCFG_NSIM%$'\n'}
}
# pf_netdev_settled PF_ADDR : the PF's netdev once udev has renamed it (eth*
# is the kernel's name before udev's rename)
_pf_renamed() { local n; n=$(pci_netdev "$1"); [ -n "$n" ] && [[ $n != eth* ]]; }
pf_netdev_settled() {
	wait_for "${2:-30}" _pf_renamed "$1" || {
		echo "pf_netdev_settled: $1 has netdev '$(pci_netdev "$1")' after ${2:-30}s" >&2
		return 1
	}
	pci_netdev "$1"
}
# nsim_vfs_are ID COUNT : netdevsim device ID has COUNT VFs now
nsim_vfs_are() { [ "$(cat "$(nsim_sys "$1")/sriov_numvfs" 2>/dev/null)" = "$2" ]; }

# check_nsim_recreated NUM_VFS : netdevsim1 is created, gets NUM_VFS VFs with
# the desired settings (UDEVCFG_NSIM), is deleted and re-created, and both
# come back by themselves (the monitor or the udev rules put them back).
# Sets NSDEV to its netdev.
check_nsim_recreated() {
	local nvfs=$1
	check "netdevsim1 created" nsim_new 1
	check "$nvfs VFs made" wait_for 60 nsim_vfs_are 1 "$nvfs"
	udevd_settle || true
	NSDEV=$(nsim_netdev 1)
	check "every VF's settings ($NSDEV)" vfs_wait_norm "$NSDEV" UDEVCFG_NSIM 60
	check "netdevsim1 deleted" nsim_del 1
	check "netdevsim1 re-created" nsim_new 1
	check "$nvfs VFs made again" wait_for 60 nsim_vfs_are 1 "$nvfs"
	udevd_settle || true
	NSDEV=$(nsim_netdev 1)
	check "every VF's settings come back ($NSDEV)" vfs_wait_norm "$NSDEV" UDEVCFG_NSIM 60
}

# vf_line PFDEV N : the PF's "vf N" line of `ip -d link show`, unindented
vf_line() { ip -d link show "$1" | grep -E "^ +vf $2 " | sed 's/^ *//'; }
# xml_value FILE XPATH : the string value of an XPath expression ("" if none)
xml_value() { xmllint --xpath "string($2)" "$1" 2>/dev/null || true; }

# check_igb_reloaded : igb is unloaded and loaded again with the PF $PF up;
# its 7 VFs (igb makes none by itself) and their desired settings
# (UDEVCFG_IGB) must come back by themselves. Sets PFDEV.
check_igb_reloaded() {
	check "modprobe -r igb" modprobe -r igb
	check "igb PFs gone" wait_for 60 test ! -e "/sys/bus/pci/devices/$PF/net"
	check "modprobe igb" modprobe igb
	PFDEV=$(pf_netdev_settled "$PF") && ip link set "$PFDEV" up
	check "the VF count comes back (igb made none)" wait_for 60 _vfs_are "$PF" 7
	check "every VF's settings come back" vfs_wait_norm "$PFDEV" UDEVCFG_IGB 60
}

# peer_netns NETNS PFDEV VLAN UNTAGGED_NET VLAN_NET : the far end of a guest's
# VF: PFDEV moved into NETNS with UNTAGGED_NET.2/24 on it and VLAN_NET.2/24 on
# its VLAN device vlanVLAN. One segment per interface: the untagged address
# is not answered for over the VLAN (Linux answers ARP for any local address
# on any interface otherwise).
peer_netns() {
	local ns=$1 dev=$2 vlan=$3 net_u=$4 net_v=$5
	ip netns add "$ns"
	ip link set "$dev" netns "$ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$net_u.2/24" dev "$dev"
	ip -n "$ns" link set "$dev" up
	ip -n "$ns" link add link "$dev" name "vlan$vlan" type vlan id "$vlan"
	ip -n "$ns" addr add "$net_v.2/24" dev "vlan$vlan"
	ip -n "$ns" link set "vlan$vlan" up
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.rp_filter=1
}
