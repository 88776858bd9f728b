#!/bin/bash
# t-readback.sh - reading every VF back past the 16-bit IFLA_VFINFO_LIST wrap
# (netdevsim, 256, 1024 and 4096 VFs): sriovctl reads all of them (256 fit
# without stats; past that the wrap is confirmed and every entry recovered)
# where ip(8) silently lists a short list (34, 138, 110); set/apply verify VFs beyond the wrap; port states that follow a
# wrapped list are still read.
#   tests/vm/run-in-vm tests/vm/t-readback.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_sriovctl
export SRIOV_STATE_DIR=/run/sriov-test

run() {
	RC=0
	OUT=$("$@" 2>&1) || RC=$?
}

NS=$(nsim_new 1 0)
for n in 256 1024 4096; do
	section "netdevsim with $n VFs"
	check "$n VFs" nsim_set_vfs 1 "$n"
	: >/tmp/all.conf
	for ((i = 0; i < n; i++)); do
		printf '%s vf %d mac 02:00:00:%02x:%02x:%02x vlan %d\n' "$NS" "$i" $((i >> 16)) $(((i >> 8) & 255)) $((i & 255)) \
			$((i % 4000 + 1)) >>/tmp/all.conf
	done
	run sriovctl apply /tmp/all.conf
	check_eq "apply a distinct MAC and VLAN to all $n VFs (read back and verified)" 0 "$RC"
	[ "$RC" = 0 ] || show <<<"$OUT"
	run sriovctl show "$NS" --json
	check_eq "sriovctl show --json: exit 0" 0 "$RC"
	printf '%s\n' "$OUT" >/tmp/show.json
	listed=$(jq '.vfs | length' /tmp/show.json)
	read_ok=$(jq '[.vfs[] | select(.link != null)] | length' /tmp/show.json)
	right=$(jq -r '.vfs[] | "\(.index) \(.link.mac) \(.link.vlan)"' /tmp/show.json |
		awk '{ i = $1; m = sprintf("02:00:00:%02x:%02x:%02x", int(i / 65536), int(i / 256) % 256, i % 256)
		       if ($2 == m && $3 == i % 4000 + 1) ok++ } END { print ok + 0 }')
	check_eq "sriovctl lists all $n VFs" "$n" "$listed"
	check_eq "... with the settings of all $n read over rtnetlink" "$n" "$read_ok"
	check_eq "... each VF's MAC and VLAN as applied" "$n" "$right"
	check_eq "IFLA_NUM_VF says $n" "$n" "$(jq .netlink_num_vf /tmp/show.json)"
	if [ "$n" = 256 ]; then
		# RTEXT_FILTER_SKIP_STATS leaves out IFLA_VF_STATS: 256 entries fit in
		# 64 KiB for sriovctl, while ip(8) asks with stats and wraps at 222
		check_eq "256 VFs without stats fit in IFLA_VFINFO_LIST: no wrap, no warning" "" \
			"$(jq -r '.warnings[]' /tmp/show.json | grep wrapped || true)"
	else
		check_match "a warning says the list wrapped and every entry was recovered" \
			"wrapped its 16-bit length at $n VFs; all entries were read past the declared length" \
			"$(jq -r '.warnings[]' /tmp/show.json)"
	fi
	unread=$(jq -r '.warnings[]' /tmp/show.json | grep -c "did not carry" || true)
	check_eq "no VF is reported unreadable" 0 "$unread"
	ipn=$(ip -d link show "$NS" 2>/dev/null | grep -c '^ *vf [0-9]' || true)
	note "n=$n: sriovctl read $read_ok of $n VFs; ip -d link show lists $ipn (exit 0, no warning)"
	last=$((n - 1))
	run sriovctl set "$NS" vf "$last" vlan 99 qos 4 trust on
	check_eq "set vf $last (beyond the wrap), read back and verified: exit 0" 0 "$RC"
	check_eq "... sriovctl show reads it" "99 4 true" \
		"$(sriovctl show "$NS" --json | jq -r ".vfs[$last].link | \"\(.vlan) \(.qos) \(.trust)\"")"
	run sriovctl restore "$NS" vf all
	check_eq "restore all $n VFs: exit 0" 0 "$RC"
	check_eq "... every VF back to MAC 00:00:00:00:00:00" "$n" \
		"$(sriovctl show "$NS" --json | jq '[.vfs[] | select(.link.mac == "00:00:00:00:00:00" and .link.vlan == 0)] | length')"
done

section "port state after a wrapped IFLA_VFINFO_LIST (1024 VFs)"
check "1024 VFs" nsim_set_vfs 1 1024
run sriovctl port-profile "$NS" vf 1000 associate --profile far-away --instance 11111111-2222-3333-4444-555555555555
check_eq "associate vf 1000: exit 0 (its response is read after the wrapped list)" 0 "$RC"
run sriovctl port-profile "$NS" vf 1000 status
check_match "status of vf 1000" "vf 1000: request associate, response PORT_PROFILE_RESPONSE_SUCCESS.*profile far-away" "$OUT"
run sriovctl port-profile "$NS" self associate --profile self-too
run sriovctl port-profile "$NS" self status
check_match "IFLA_PORT_SELF, after both lists" "self: request associate.*profile self-too" "$OUT"
nsim_del 1
