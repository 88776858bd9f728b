#!/bin/bash
# A real container runtime drives the sriov-vf CNI plugin: Debian 12's
# podman 4 with its CNI backend (libcni inside), crun and conmon, a private
# --root/--runroot, no image (--rootfs with a static busybox). A network
# pinned to one igb VF (deviceID) with host-local: `podman run` ADDs it
# (VERSION first, the runtime's own CNI_ARGS: --mac-address becomes MAC=),
# a second container on the pinned VF is refused and its removal frees
# nothing, `podman rm` DELs it and the VF comes home as it was.
# rig: RIG_IGB=1 RIG_TIMEOUT=900
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_sriovctl

W=/tmp/t-podman
export SRIOV_STATE_DIR=/run/sriov-podman
rm -rf "$W" "$SRIOV_STATE_DIR"
mkdir -p "$W/bin" "$W/net.d" "$W/rootfs/bin"
cp "$SRIOV_BUILD_DIR/cni/sriov-vf" /usr/lib/cni/host-local /usr/lib/cni/loopback "$W/bin/"
cp /bin/busybox "$W/rootfs/bin/"
cat >"$W/containers.conf" <<EOF
[network]
network_backend = "cni"
cni_plugin_dirs = ["$W/bin"]
network_config_dir = "$W/net.d"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$W/events.log"
runtime = "crun"
EOF
export CONTAINERS_CONF=$W/containers.conf
pm() { podman --root "$W/root" --runroot "$W/runroot" --storage-driver vfs "$@"; }
n_pods() { sriovctl allocations --json | jq '[.allocations[] | select(.kind == "pod")] | length'; }
pod_rec() { sriovctl allocations --json | jq -c '[.allocations[] | select(.kind == "pod")][0] // empty'; }
run_c() { # NAME [PODMAN RUN OPTIONS] : a container on sriov-pod, sleeping
	local name=$1
	shift
	pm run -d --name "$name" --network sriov-pod "$@" --rootfs "$W/rootfs" /bin/busybox sleep 600
}

section "setup: igb, 2 VFs, cgroup2, a network pinned to VF0"
check "cgroup2 on /sys/fs/cgroup (crun needs it)" mount -t cgroup2 none /sys/fs/cgroup
check "load igb" igb_load
read -r pf pfdev < <(rig_igb_pfs)
check "2 VFs on $pf" vfs_enable "$pf" 2
check "netdevs of the VFs" vfs_wait_netdevs "$pf"
check "$pfdev up with carrier" link_up "$pfdev"
vf0=$(vf_addr "$pf" 0)
nd0=$(pci_netdev "$vf0")
mac0=$(cat "/sys/class/net/$nd0/address")
line0=$(vf_line "$pfdev" 0)
note "VF0 $vf0 netdev $nd0 mac $mac0: $line0"
cat >"$W/net.d/sriov-pod.conflist" <<EOF
{"cniVersion":"1.0.0","name":"sriov-pod","plugins":[{"type":"sriov-vf","deviceID":"$vf0","vlan":21,
 "ipam":{"type":"host-local","ranges":[[{"subnet":"10.61.0.0/24","gateway":"10.61.0.1"}]],"dataDir":"/run/cni-ipam-podman"}}]}
EOF
check "podman sees the network" eval 'pm network ls --format "{{.Name}}" | grep -qx sriov-pod'

section "podman run: ADD through libcni, --mac-address as CNI_ARGS MAC="
t0=$EPOCHREALTIME
check "podman run c1 --mac-address 02:16:00:00:00:71" run_c c1 --mac-address 02:16:00:00:00:71
note "podman run took $(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 )) ms"
id1=$(pm inspect -f '{{.Id}}' c1)
sb1=$(pm inspect -f '{{.NetworkSettings.SandboxKey}}' c1)
note "c1 $id1 netns $sb1"
rec=$(pod_rec)
check_eq "the record: podman's container ID, eth0, its netns, the network" "$id1 eth0 $sb1 sriov-pod false" \
	"$(jq -r '[.pod.container_id, .pod.ifname, .pod.netns, .pod.network, .pending] | map(tostring) | join(" ")' <<<"$rec")"
check_eq "the record holds VF0" "$vf0" "$(jq -r .vf_address <<<"$rec")"
link=$(nsenter --net="$sb1" ip -j -d link show eth0)
check_eq "eth0 in c1's netns is VF0 (parent device)" "$vf0" "$(jq -r '.[0].parentdev // empty' <<<"$link")"
check_eq "eth0 has the MAC podman was given" 02:16:00:00:00:71 "$(jq -r '.[0].address' <<<"$link")"
check_match "eth0 has a host-local address" 'inet 10\.61\.0\.[0-9]+/24' "$(nsenter --net="$sb1" ip -4 addr show eth0)"
check_match "VF0: that MAC as admin MAC, vlan 21" 'link/ether 02:16:00:00:00:71 .*vlan 21' "$(vf_line "$pfdev" 0)"
check_eq "$nd0 gone from the host" "" "$(pci_netdev "$vf0")"
check_match "podman reports the address" '^10\.61\.0\.[0-9]+$' \
	"$(pm inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' c1)"

section "a second container on the pinned VF is refused"
rc=0; out=$(run_c c2 2>&1) || rc=$?
check_eq "podman run c2 fails" 1 "$(( rc != 0 ))"
check_match "podman's error carries the plugin's: the VF is held by c1" "held by container '$id1'" "$out"
pm rm -f c2 >/dev/null 2>&1 || true
check_eq "c1 still holds VF0 after c2 is gone" "$id1" "$(pod_rec | jq -r .pod.container_id)"
check "eth0 still in c1's netns" nsenter --net="$sb1" ip link show eth0

section "podman rm: DEL, the VF home as it was"
check "podman rm -f c1" pm rm -f c1
check_eq "no pod record" 0 "$(n_pods)"
check_eq "$nd0 back in the host under its name" "$nd0" "$(pci_netdev "$vf0")"
check_eq "its MAC back" "$mac0" "$(cat "/sys/class/net/$nd0/address")"
now=$(vf_line "$pfdev" 0)
check_eq "VF0's vlan back" "$(grep -o 'vlan [0-9]*' <<<"$line0" || true)" "$(grep -o 'vlan [0-9]*' <<<"$now" || true)"
check_eq "host-local released the address" 0 "$(find /run/cni-ipam-podman/sriov-pod -name '10.*' 2>/dev/null | wc -l)"
check "a container runs on VF0 again" run_c c3
check_eq "c3 holds it" "$(pm inspect -f '{{.Id}}' c3)" "$(pod_rec | jq -r .pod.container_id)"
check "podman rm -f c3" pm rm -f c3
check_eq "no pod record" 0 "$(n_pods)"
