/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* macvtap links (macvtap.c), internal: what the allocation layer needs to
 * delete only the macvtap it made. */
#ifndef SRIOV_MACVTAP_H
#define SRIOV_MACVTAP_H

#include <linux/netlink.h>
#include <net/if.h>

#include "internal.h"

/* One link as RTM_NEWLINK describes it. */
struct link_info {
        int ifindex;
        int link; /* IFLA_LINK: the lower's ifindex, 0 if none */
        unsigned flags;
        char ifname[IFNAMSIZ];
        char kind[SRIOV_IFNAME_MAX]; /* "" if the link has no IFLA_INFO_KIND */
        bool has_mode;
        uint32_t mode; /* IFLA_MACVLAN_MODE */
        bool has_mac;
        uint8_t mac[6];
        uint16_t vlan_id; /* IFLA_VLAN_ID of a "vlan" link, else 0 */
};

/* An nl_reply_fn: an RTM_NEWLINK into the struct link_info at userdata,
 * every attribute read checked against a policy (length, a string's NUL):
 * -EBADMSG for a message that does not pass. Other messages are skipped. */
int macvtap_link_parse(const struct nlmsghdr *nlh, void *userdata);

/* Called once the macvtap exists, with its ifindex and its lower's, before
 * anything else can fail; a negative return undoes the create. */
typedef int (*macvtap_made_fn)(int ifindex, int lower_ifindex, void *userdata);

/* sriov_macvtap_create(), telling `made` (may be NULL) which link it made. */
int macvtap_create(struct sriov_ctx *ctx, const char *lower, enum sriov_macvtap_mode mode, const char *name,
                   const uint8_t *mac, unsigned timeout_ms, macvtap_made_fn made, void *userdata,
                   struct sriov_macvtap *ret);

/* Deletes the macvtap made as ifindex on lower (lower_ifindex; <= 0: look
 * the lower up by name), found by ifindex (<= 0: by name). 0 when it is
 * gone already; 0 with a notice, deleting nothing, when the link is not a
 * macvtap or not on that lower (someone else's that took the name). */
int macvtap_delete_made(struct sriov_ctx *ctx, const char *name, int ifindex, const char *lower, int lower_ifindex);

#endif
