#!/bin/bash
# t-portprofile.sh - `sriovctl port-profile` against the rig's kernel-side
# peer (netdevsim with the enic-like VF-port patch, debugfs vf_port_response):
# 802.1Qbh requests round-trip (profile sent as exactly 40 bytes), responses
# become messages (success, error, a timeout that disassociates again,
# EOPNOTSUPP), bad input is refused before anything is sent, igb says it has
# no port profiles; 802.1Qbg parameters are validated and go to a VDP daemon:
# none running, a stale pid, one that refuses, one that never answers, and a
# fake lldpad that accepts.
#   tests/vm/run-in-vm tests/vm/t-portprofile.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_sriovctl
export SRIOV_STATE_DIR=/run/sriov-test
U1=11111111-2222-3333-4444-555555555555
U2=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee

run() {
	RC=0
	OUT=$("$@" 2>&1) || RC=$?
}
# expect EXIT ERE DESC CMD... : CMD exits EXIT and prints ERE
expect() {
	local want=$1 re=$2 desc=$3
	shift 3
	run "$@"
	if [ "$RC" = "$want" ] && [[ $OUT =~ $re ]]; then
		ok "$desc"
	else
		fail "$desc (exit $RC, want $want; no /$re/ or wrong exit)"
		show <<<"$OUT"
	fi
}
port_line() { vfport get "$NS" | grep -E "^port $1( |$)" || true; }

section "802.1Qbh on netdevsim (enic-like peer)"
NS=$(nsim_new 1 4)
DBG=$(nsim_dbg 1)
expect 0 "vf 1: no port profile state" "status of a VF never set: no state, exit 0" \
	sriovctl port-profile "$NS" vf 1 status
check_eq "status --json of a VF never set: not reported, the note says why" "1 false null true" \
	"$(sriovctl port-profile "$NS" vf 1 status --json | jq -r '[.vf, .reported, .request, (.note | test("no port profile state"))] | map(tostring) | join(" ")')"
expect 0 "request associate, response PORT_PROFILE_RESPONSE_SUCCESS \(0x100\)" \
	"associate vf 1 --profile gold --instance --host" \
	sriovctl port-profile "$NS" vf 1 associate --profile gold --instance "$U1" --host "$U2"
check_eq "the peer stored it: profile sent as exactly 40 bytes, both UUIDs" \
	"port vf=1 request=2 response=0x100(success) profile=gold profile_len=40 instance=$U1 host=$U2" "$(port_line vf=1)"
run sriovctl port-profile "$NS" vf 1 status
check_match "status reads it back (IFLA_VF_PORTS)" \
	"vf 1: request associate, response PORT_PROFILE_RESPONSE_SUCCESS.*profile gold.*instance $U1.*host $U2" "$OUT"
check_eq "status --json: the same as one object" \
	"1 true associate PORT_PROFILE_RESPONSE_SUCCESS 256 gold $U1 $U2 null null" \
	"$(sriovctl port-profile "$NS" vf 1 status --json | jq -r '[.vf, .reported, .request, .response.name, .response.code, .profile, .instance, .host, .managerid, .note] | map(tostring) | join(" ")')"
check_fails "the peer refuses a strlen+1 (5-byte) profile, as enic does" \
	vfport set "$NS" 3 associate profile gold profile-len 5
check_match "... with EINVAL" EINVAL "$CHECK_OUTPUT"
NAME39=$(printf 'p%.0s' {1..39})
expect 0 "SUCCESS" "a 39-character profile is accepted" \
	sriovctl port-profile "$NS" vf 3 associate --profile "$NAME39"
check_eq "... stored whole (39 characters + NUL in 40 bytes)" \
	"port vf=3 request=2 response=0x100(success) profile=$NAME39 profile_len=40" "$(port_line vf=3)"
expect 0 "request disassociate" "disassociate vf 1" sriovctl port-profile "$NS" vf 1 disassociate
check_eq "the peer replaced the whole state (no profile, no UUIDs)" \
	"port vf=1 request=3 response=0x100(success)" "$(port_line vf=1)"
expect 0 "self: request associate" "associate the PF's own port (IFLA_PORT_SELF)" \
	sriovctl port-profile "$NS" self associate --profile pf-own
check_eq "IFLA_PORT_SELF round-trips" "port self request=2 response=0x100(success) profile=pf-own profile_len=40" \
	"$(port_line self)"

section "bad input is refused before anything is sent"
before=$(vfport get "$NS")
expect 4 "profile '${NAME39}p': a port profile name is at most 39 characters .*this one has 40" \
	"a 40-character profile: exit 4, names the field and the rule" \
	sriovctl port-profile "$NS" vf 2 associate --profile "${NAME39}p"
expect 4 "instance '1111-2222': malformed UUID" "a malformed instance UUID: exit 4" \
	sriovctl port-profile "$NS" vf 2 associate --profile gold --instance 1111-2222
expect 4 "host '$U1-0': malformed UUID" "a malformed host UUID: exit 4" \
	sriovctl port-profile "$NS" vf 2 associate --profile gold --host "$U1-0"
expect 4 "associate needs a port profile name" "associate without a profile: exit 4" \
	sriovctl port-profile "$NS" vf 2 associate
expect 4 "vf 4: VF index out of range: $NS has 4 VFs" "vf 4 of 4: exit 4" \
	sriovctl port-profile "$NS" vf 4 associate --profile gold
expect 3 "nosuch0: no such" "unknown device: exit 3" sriovctl port-profile nosuch0 vf 0 associate --profile gold
expect 2 "request 'attach'" "unknown request: usage error" sriovctl port-profile "$NS" vf 0 attach --profile gold
check_eq "nothing reached the peer" "$before" "$(vfport get "$NS")"

section "responses: error, timeout, EOPNOTSUPP"
echo error >"$DBG/vf_port_response"
expect 1 "vf 2: associate of profile 'red' failed: netdevsim answered PORT_PROFILE_RESPONSE_ERROR \(0x105\): the switch or adapter failed the request" \
	"PORT_PROFILE_RESPONSE_ERROR becomes a message, exit 1" \
	sriovctl port-profile "$NS" vf 2 associate --profile red
echo inprogress >"$DBG/vf_port_response"
t0=$EPOCHREALTIME
expect 1 "vf 2: no final answer to associate within 800 ms \(the driver reports PORT_PROFILE_RESPONSE_INPROGRESS\): disassociated again" \
	"an answer that stays INPROGRESS times out (--timeout 800) and disassociates" \
	sriovctl port-profile "$NS" vf 2 associate --profile red --timeout 800
took=$(awk -v s="$t0" -v e="$EPOCHREALTIME" 'BEGIN { printf "%d", (e - s) * 1000 }')
check "... after at least 800 ms and well before 5 s (took ${took} ms)" test "$took" -ge 800 -a "$took" -lt 5000
check_match "... the peer got the disassociate" "^port vf=2 request=3 " "$(port_line vf=2)"
echo eopnotsupp >"$DBG/vf_port_response"
before=$(vfport get "$NS")
expect 1 "vf 2: port profile associate refused by netdevsim: Operation not supported \(EOPNOTSUPP\)" \
	"a driver refusal is named with its errno" sriovctl port-profile "$NS" vf 2 associate --profile blue
check_eq "... and changed nothing" "$before" "$(vfport get "$NS")"
echo success >"$DBG/vf_port_response"
expect 1 "port profile preassociate refused by netdevsim: Operation not supported \(EOPNOTSUPP\)" \
	"preassociate: enic-like peers answer EOPNOTSUPP" sriovctl port-profile "$NS" vf 2 preassociate --profile red
expect 1 "port profile preassociate-rr refused by netdevsim: Operation not supported \(EOPNOTSUPP\)" \
	"preassociate-rr likewise" sriovctl port-profile "$NS" vf 2 preassociate-rr --profile red

section "igb has no port profiles"
if [ "$RIG_IGB" = 0 ]; then
	skip "igb disabled (RIG_IGB=0)"
else
	check "modprobe igb igbvf" igb_load
	read -r PF IG < <(rig_igb_pfs)
	check "2 VFs on $PF" vfs_enable "$PF" 2
	expect 1 "refused by igb: Operation not supported \(EOPNOTSUPP\): the driver does not implement 802.1Qbh port profiles" \
		"associate on igb: EOPNOTSUPP, explained" sriovctl port-profile "$IG" vf 0 associate --profile gold
	expect 1 "igb reports no 802.1Qbh port state at all \(no IFLA_VF_PORTS\)" "status on igb" \
		sriovctl port-profile "$PF" vf 0 status
fi

section "802.1Qbg: validated, and answered by a VDP daemon (lldpad) or not at all"
QBG=(--managerid 12 --typeid 1193046 --typeidversion 7 --instance "$U1")
expect 4 "802.1Qbg needs managerid, typeid, typeidversion and an instance UUID: typeid is missing" \
	"typeid missing: exit 4" sriovctl port-profile "$NS" self associate --managerid 12 --typeidversion 7 --instance "$U1"
expect 4 "typeid '16777216': a VSI type ID is a number 0-16777215 \(24 bits\)" "typeid over 24 bits: exit 4" \
	sriovctl port-profile "$NS" self associate --managerid 12 --typeid 16777216 --typeidversion 7 --instance "$U1"
expect 4 "managerid '256': a VSI manager ID is a number 0-255" "managerid over 8 bits: exit 4" \
	sriovctl port-profile "$NS" self associate --managerid 256 --typeid 1 --typeidversion 7 --instance "$U1"
expect 4 "profile is 802.1Qbh but managerid/typeid/typeidversion are 802.1Qbg" "mixing both: exit 4" \
	sriovctl port-profile "$NS" self associate --profile gold "${QBG[@]}"
rm -f /run/lldpad.pid /var/run/lldpad.pid
expect 1 "802.1Qbg \(VDP\) requests are answered by a VDP daemon \(lldpad\), and none is running: no pid in /run/lldpad.pid" \
	"no VDP daemon: the error says so" sriovctl port-profile "$NS" self associate "${QBG[@]}"
sleep 60 &
SLEEPER=$!
echo "$SLEEPER" >/run/lldpad.pid
expect 1 "no VDP daemon answers: /run/lldpad.pid names pid $SLEEPER, which has no netlink socket \(ECONNREFUSED\)" \
	"a stale pid file: no VDP daemon answers" sriovctl port-profile "$NS" self associate "${QBG[@]}"
kill "$SLEEPER"

# a fake lldpad: binds a NETLINK_ROUTE socket at its pid, records the request,
# answers with an ack (0), an errno, or not at all
FAKE_LLDPAD='
import socket, struct, sys, os
mode, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
s.bind((os.getpid(), 0))
open("/run/lldpad.pid", "w").write("%d\n" % os.getpid())
data, (peer, _) = s.recvfrom(65536)
ln, typ, flags, seq, pid = struct.unpack_from("=IHHII", data, 0)
out = ["type=%d" % typ]
def attrs(buf, off, end):
    while off + 4 <= end:
        l, t = struct.unpack_from("=HH", buf, off)
        if l < 4: break
        yield t & 0x3fff, off + 4, off + l
        off += (l + 3) & ~3
for t, b, e in attrs(data, 32, ln):
    if t == 3: out.append("ifname=" + data[b:e].rstrip(b"\0").decode())
    if t == 24:
        for pt, pb, pe in attrs(data, b, e):
            for ft, fb, fe in attrs(data, pb, pe):
                if ft == 3: out.append("vsi=%d,%02x%02x%02x,%d" % (data[fb], data[fb+3], data[fb+2], data[fb+1], data[fb+4]))
                if ft == 4: out.append("instance=" + data[fb:fe].hex())
                if ft == 6: out.append("request=%d" % data[fb])
                if ft == 1: out.append("vf=%d" % struct.unpack_from("=I", data, fb)[0])
open(log, "w").write(" ".join(out) + "\n")
if mode != "silent":
    err = 0 if mode == "ack" else -22
    s.sendto(struct.pack("=IHHIIi", 36, 2, 0, seq, os.getpid(), err) + data[:16], (peer, 0))
'
fake_lldpad() { # MODE : start the fake daemon, wait for its pid file
	rm -f /run/lldpad.pid /tmp/lldpad.log
	/usr/bin/python3 -c "$FAKE_LLDPAD" "$1" /tmp/lldpad.log &
	FAKE=$!
	wait_for 20 test -s /run/lldpad.pid
}
if [ -x /usr/bin/python3 ]; then
	fake_lldpad ack
	expect 0 "" "a VDP daemon that acknowledges: exit 0" sriovctl port-profile "$NS" self associate "${QBG[@]}"
	wait "$FAKE" || true
	check_eq "it got RTM_SETLINK with the name, VSI manager/type/version, instance UUID and request" \
		"type=19 ifname=$NS vsi=12,123456,7 instance=${U1//-/} request=2" "$(cat /tmp/lldpad.log)"
	fake_lldpad ack
	expect 0 "" "the same for vf 2 (IFLA_PORT_VF)" sriovctl port-profile "$NS" vf 2 preassociate "${QBG[@]}"
	wait "$FAKE" || true
	check_match "... carries vf=2 and request 0 (preassociate)" "vf=2 .*request=0$" "$(cat /tmp/lldpad.log)"
	fake_lldpad einval
	expect 1 "the VDP daemon \(pid $FAKE\) refused the associate request: Invalid argument \(EINVAL\)" \
		"a VDP daemon that refuses: named with its errno" sriovctl port-profile "$NS" self associate "${QBG[@]}"
	wait "$FAKE" || true
	fake_lldpad silent
	expect 1 "no VDP daemon answered within 500 ms \(pid $FAKE from /run/lldpad.pid\)" \
		"a VDP daemon that never answers: timeout" sriovctl port-profile "$NS" self associate "${QBG[@]}" --timeout 500
	wait "$FAKE" || true
	rm -f /run/lldpad.pid
else
	skip "no /usr/bin/python3 for a fake VDP daemon"
fi
nsim_del 1
