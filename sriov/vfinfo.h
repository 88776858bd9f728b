/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading VF settings out of an RTM_NEWLINK message (vfinfo.c), internal. */
#ifndef SRIOV_VFINFO_H
#define SRIOV_VFINFO_H

#include <linux/netlink.h>

#include "internal.h"

struct vfinfo_reply {
        int64_t num_vf;            /* IFLA_NUM_VF, SRIOV_ABSENT if not sent */
        struct sriov_vf_link *vfs; /* indexed by VF number, n entries */
        bool *seen;                /* seen[i]: VF i was in the list */
        size_t n;                  /* max(num_vf, highest VF index + 1) */
        size_t n_seen;
        bool wrapped;              /* the 16-bit list length wrapped ... */
        bool recovered;            /* ... and every entry was still read */
        char ifname[64];
        int ifindex;
        /* 802.1Qbh/Qbg ports: IFLA_VF_PORTS (only VFs the driver reports)
         * and IFLA_PORT_SELF, parsed only when the list before them was
         * read whole; ports_unread says they could not be reached. */
        bool has_vf_ports;
        struct sriov_port *ports; /* n_ports entries ... */
        int *port_vf;             /* ... and the VF number of each */
        size_t n_ports;
        bool has_port_self;
        struct sriov_port port_self;
        bool ports_unread;
};

void vfinfo_reply_done(struct vfinfo_reply *r);

/* Parses one RTM_NEWLINK. IFLA_VFINFO_LIST's length is 16 bits: past about
 * 221 VFs the kernel's nla_len wraps. The entries are all there, each with
 * its own correct length, so they are read on while they are IFLA_VF_INFO
 * entries carrying the next VF number and the bytes walked add up to the
 * declared length plus a multiple of 65536; when that cannot be confirmed,
 * the VFs not read are left unseen and nothing after the list is parsed. */
int vfinfo_parse(const struct nlmsghdr *nlh, struct vfinfo_reply *ret);

/* One IFLA_VF_PORT / IFLA_PORT_SELF nest into *ret; *ret_vf gets
 * IFLA_PORT_VF (-1 if absent). IFLA_PORT_REQUEST is read as u8 or u16
 * (enic replies with u16 though the policy says u8). */
void vfinfo_parse_port(const struct nlattr *nest, struct sriov_port *ret, int64_t *ret_vf);

/* RTM_GETLINK of ifname and vfinfo_parse of the answer; the message names
 * the interface. */
int vfinfo_read(struct sriov_ctx *ctx, const char *ifname, struct vfinfo_reply *ret);
/* The same by ifindex (> 0; else by name), checked against the reply's:
 * -EBADMSG naming both if the kernel answered about another link. */
int vfinfo_read_index(struct sriov_ctx *ctx, const char *ifname, int ifindex, struct vfinfo_reply *ret);

#endif
