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
        /* non-NULL: sees each datagram accepted as the answer, before it is
         * parsed (recording a transport's answers for replay) */
        void (*tap)(const uint8_t *buf, size_t len, void *tap_data);
        void *tap_data;
};
int nl_request(struct sriov_ctx *ctx, struct nl_msg *msg, const struct nl_request_opts *opts,
               nl_reply_fn fn, void *userdata);

/* nl_request on a socket of any netlink protocol (genl.c's generic
 * netlink); `what` names the transport in messages ("rtnetlink"). */
int nl_sock_request(struct sriov_ctx *ctx, struct nl_sock *sk, const char *what, struct nl_msg *msg,
                    const struct nl_request_opts *opts, nl_reply_fn fn, void *userdata);

/* Walks the messages of one received datagram that answer request seq:
 * fn for each reply; 1 when the ack or NLMSG_DONE ended the request, 0 when
 * more is to come, else the kernel's errno from the ack (or fn's error),
 * negative. Shared by the sockets and genl.c's replay of recorded answers. */
int nl_dispatch(struct sriov_ctx *ctx, const char *what, const uint8_t *buf, size_t len, uint32_t seq,
                const struct nl_request_opts *opts, nl_reply_fn fn, void *userdata);

/* RTM_GETLINK of one interface by ifindex (> 0), else by name, with
 * IFLA_EXT_MASK RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS; fn sees the
 * RTM_NEWLINK. */
int nl_getlink_vfs(struct sriov_ctx *ctx, const char *ifname, int ifindex, nl_reply_fn fn, void *userdata);

/* Opens the context's socket now: it stays in the network namespace the
 * process is in at this moment (podnet.c opens one inside a pod's netns). */
int nl_open(struct sriov_ctx *ctx);

#endif
