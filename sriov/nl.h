/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rtnetlink transport (nl.c), internal. */
#ifndef SRIOV_NL_H
#define SRIOV_NL_H

#include <linux/netlink.h>
#include <netlink/msg.h>

#include "internal.h"

struct sriov_nl;

void sriov_nl_free(struct sriov_nl *nl);

/* Called for each reply message that is not an ack or NLMSG_DONE. */
typedef int (*nl_reply_fn)(const struct nlmsghdr *nlh, void *userdata);

/* Sends msg (completing its header) and reads replies until the kernel's
 * ack or error. Returns the kernel's own errno from the ack, negative; the
 * kernel's extended-ack text, if any, goes into ctx's error message. */
int nl_transact(struct sriov_ctx *ctx, struct nl_msg *msg, nl_reply_fn fn, void *userdata);

/* nl_transact with choices: where the request goes and how long to wait. */
struct nl_request_opts {
        uint32_t dst_pid; /* 0: the kernel; else a userspace netlink socket (a VDP daemon) */
        int timeout_ms;   /* < 0: wait for the answer as long as it takes; else -ETIMEDOUT */
        char *extack;     /* non-NULL: the kernel's extended-ack text goes here ("" if
                           * none) instead of into ctx's error message */
        size_t extack_size;
};
int nl_request(struct sriov_ctx *ctx, struct nl_msg *msg, const struct nl_request_opts *opts,
               nl_reply_fn fn, void *userdata);

/* RTM_GETLINK of one interface by ifindex (> 0), else by name, with
 * IFLA_EXT_MASK RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS; fn sees the
 * RTM_NEWLINK. */
int nl_getlink_vfs(struct sriov_ctx *ctx, const char *ifname, int ifindex, nl_reply_fn fn, void *userdata);

/* Opens the context's socket now: it stays in the network namespace the
 * process is in at this moment (podnet.c opens one inside a pod's netns). */
int nl_open(struct sriov_ctx *ctx);

#endif
