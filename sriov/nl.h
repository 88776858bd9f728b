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

/* RTM_GETLINK of one interface by name with IFLA_EXT_MASK
 * RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS; fn sees the RTM_NEWLINK. */
int nl_getlink_vfs(struct sriov_ctx *ctx, const char *ifname, nl_reply_fn fn, void *userdata);

#endif
