/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* devlink over generic netlink (devlink.c), internal: a device's eswitch
 * (get, set the mode) and the dump of every device's ports. */
#ifndef SRIOV_DEVLINK_H
#define SRIOV_DEVLINK_H

#include <linux/netlink.h>
#include <net/if.h>

#include "internal.h"

/* A device's eswitch as DEVLINK_CMD_ESWITCH_GET answers it. */
enum {
        DEVLINK_ESW_F_MODE = 1u << 0,
        DEVLINK_ESW_F_INLINE = 1u << 1,
        DEVLINK_ESW_F_ENCAP = 1u << 2,
};
struct devlink_eswitch {
        uint32_t present; /* DEVLINK_ESW_F_* */
        uint16_t mode;
        uint8_t inline_mode;
        uint8_t encap_mode;
};

/* bus "pci", dev "0000:02:00.0" (the handle pci/0000:02:00.0). The
 * kernel's errno: ENODEV when no devlink instance has that handle,
 * EOPNOTSUPP when its driver has no eswitch, EPERM without CAP_NET_ADMIN;
 * ENOENT when the kernel has no devlink. */
int devlink_eswitch_get(struct sriov_ctx *ctx, const char *bus, const char *dev, struct devlink_eswitch *ret);
/* DEVLINK_CMD_ESWITCH_SET of what e->present names (the kernel applies
 * mode, then inline, then encap mode, and stops at the first refusal:
 * EOPNOTSUPP for one its driver cannot set). */
int devlink_eswitch_set(struct sriov_ctx *ctx, const char *bus, const char *dev, const struct devlink_eswitch *e);
/* devlink_eswitch_set of the mode only. */
int devlink_eswitch_set_mode(struct sriov_ctx *ctx, const char *bus, const char *dev, uint16_t mode);

/* One devlink port of a DEVLINK_CMD_PORT_GET dump. */
enum {
        DEVLINK_PORT_F_FLAVOUR = 1u << 0,
        DEVLINK_PORT_F_PF = 1u << 1,
        DEVLINK_PORT_F_VF = 1u << 2,
        DEVLINK_PORT_F_NETDEV = 1u << 3, /* ifindex and name */
        DEVLINK_PORT_F_CONTROLLER = 1u << 4,
        DEVLINK_PORT_F_NUMBER = 1u << 5,
};
struct devlink_port {
        char *bus, *dev;  /* the device's handle */
        uint32_t index;
        uint32_t present; /* DEVLINK_PORT_F_* */
        uint16_t flavour; /* DEVLINK_PORT_FLAVOUR_* */
        uint16_t pf, vf;
        uint32_t controller;
        bool external; /* a VF of another host (the controller), not this one's */
        uint32_t number; /* a physical port's number */
        uint32_t ifindex;
        char netdev[IFNAMSIZ];
};

/* Every device's ports (kernel 6.1 does not narrow a port dump to one
 * device; the caller picks). */
int devlink_port_dump(struct sriov_ctx *ctx, struct devlink_port **ret, size_t *ret_n);
void devlink_ports_free(struct devlink_port *p, size_t n);

/* The parsers, on one reply each: -EBADMSG for a message the policy refuses
 * (short, unterminated, a handle missing). */
int devlink_eswitch_parse(const struct nlmsghdr *nlh, struct devlink_eswitch *ret);
int devlink_port_parse(const struct nlmsghdr *nlh, struct devlink_port *ret);

#endif
