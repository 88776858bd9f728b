/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A pod's VF netdev across network namespaces (podnet.c), internal: the
 * moves and renames of the CNI plugin's netdev mode, over rtnetlink. */
#ifndef SRIOV_PODNET_H
#define SRIOV_PODNET_H

#include "internal.h"

/* The netdev of PCI function addr in the host namespace ("" if none). */
void podnet_host_netdev(struct sriov_ctx *ctx, const char *addr, char buf[static SRIOV_IFNAME_MAX]);
/* Its MAC and MTU as sysfs says. */
int podnet_host_link(struct sriov_ctx *ctx, const char *ifname, uint8_t mac[6], uint32_t *mtu);
/* The VF netdev carries `mac` (its admin MAC, set through the PF): set on
 * the netdev, and where the VF driver refuses (igbvf with trust off takes
 * an admin MAC only when it binds) the driver rebound. nd: the netdev's
 * name now (a rebind may change it). */
int podnet_take_mac(struct sriov_ctx *ctx, const char *addr, const uint8_t mac[6], unsigned timeout_ms,
                    char nd[static SRIOV_IFNAME_MAX]);
/* Moves host netdev `host_ifname` into the netns and names it `ifname`
 * (one RTM_SETLINK), then in the netns: MTU (when mtu), up. Fills
 * io->ifname, ifindex, mac, mtu. */
int podnet_move_in(struct sriov_ctx *ctx, const char *host_ifname, const char *netns, const char *ifname,
                   uint32_t mtu, struct sriov_pod_iface *io);
/* Brings a pod's netdev home as a->netdev: out of the netns if it is
 * still there, else (netns gone: the kernel moves physical netdevs back
 * to the host namespace itself, asynchronously) waited for in the host
 * namespace for at most timeout_ms and renamed. A VF without a netdev
 * anywhere is a notice (its driver was unbound). */
int podnet_return(struct sriov_ctx *ctx, const struct sriov_allocation *a, unsigned timeout_ms);
/* The netdev's MAC and MTU back to the record's (host namespace); a VF
 * driver that refuses its own MAC is rebound (timeout_ms) and asked again. */
int podnet_reset(struct sriov_ctx *ctx, const struct sriov_allocation *a, unsigned timeout_ms);

/* ifname in the netns: its ifindex, MTU and the parent device (the VF's
 * PCI address, IFLA_PARENT_DEV_NAME; "" when the kernel does not say). */
struct podnet_link {
        int ifindex;
        char name[SRIOV_IFNAME_MAX];
        uint32_t mtu;
        uint8_t mac[6];
        char parent[64];
};
int podnet_probe(struct sriov_ctx *ctx, const char *netns, const char *ifname, struct podnet_link *ret);

#endif
