#!/bin/bash
# tests/devlink/record.sh - records the kernel's devlink answers that the unit
# tests replay (tests/test-devlink.c), in the rig's guest (kernel 6.1,
# netdevsim; igb at 0000:02:00.0, NVMe at 0000:01:00.0):
#   tests/vm/run-in-vm tests/devlink/record.sh > record.out
# prints each recording between "=== NAME" and "=== end" lines; the *.rec
# files beside this script were cut out of that output, each headed with a
# comment saying what it holds.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../vm/lib.sh"
trap - EXIT
tool=$SRIOV_BUILD_DIR/tests/sriov-testtool
out=$(mktemp -d)
chmod 777 "$out"
rec() { # NAME ARGS... : sriov-testtool ARGS, its devlink exchanges appended to NAME
	local name=$1
	shift
	echo "# $*" >>"$out/$name"
	SRIOV_TESTTOOL_RECORD=$out/$name "$tool" "$@" || echo "# (exit $?)" >>"$out/$name"
}
echo "# kernel $(uname -r)"
nsim_new 1 2 >/dev/null
echo "2 2" >/sys/bus/netdevsim/new_device
wait_for 30 test -e /sys/bus/netdevsim/devices/netdevsim2/net
rig_sleep 1
devlink port show

rec legacy.rec devlink-eswitch netdevsim/netdevsim1
rec legacy.rec devlink-ports
devlink dev eswitch set netdevsim/netdevsim1 mode switchdev
wait_for 30 test -e /sys/class/net/eth3
rec switchdev.rec devlink-eswitch netdevsim/netdevsim1
rec switchdev.rec devlink-ports
devlink port show
for n in /sys/class/net/eth*; do echo "# ${n##*/} ifindex $(<"$n/ifindex") phys_port_name $(cat "$n/phys_port_name" 2>/dev/null || echo -)"; done
rec no-devlink.rec devlink-eswitch pci/0000:02:00.0
rec no-devlink.rec devlink-eswitch pci/0000:01:00.0
rec eopnotsupp.rec devlink-eswitch-set netdevsim/netdevsim1 inline-mode 3
rec erange.rec devlink-eswitch-set netdevsim/netdevsim1 mode 2
setpriv --reuid=65534 --regid=65534 --clear-groups env SRIOV_TESTTOOL_RECORD="$out/eperm.rec" \
	"$tool" devlink-eswitch netdevsim/netdevsim1 || true
rec set.rec eswitch-set netdevsim1 legacy
rec set.rec eswitch-set netdevsim1 switchdev
devlink dev eswitch show netdevsim/netdevsim1

echo "# netdevsim quirk: sriov_numvfs 0 while in switchdev mode"
echo 0 >/sys/bus/netdevsim/devices/netdevsim1/sriov_numvfs
devlink dev eswitch show netdevsim/netdevsim1
echo 2 >/sys/bus/netdevsim/devices/netdevsim1/sriov_numvfs
devlink dev eswitch show netdevsim/netdevsim1
devlink port show netdevsim/netdevsim1/128 || true

for f in "$out"/*.rec; do
	echo "=== ${f##*/}"
	cat "$f"
	echo "=== end"
done
