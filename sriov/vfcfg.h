/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF configuration internals (vfcfg.c): netlink messages, attribute
 * descriptions, read-back, save and restore; shared with the modules above
 * it and the tests. */
#ifndef SRIOV_VFCFG_H
#define SRIOV_VFCFG_H

#include <netlink/msg.h>

#include "internal.h"

/* The largest IFLA_VFINFO_LIST: nla_len is 16 bits. */
#define VFINFO_LIST_MAX 65535

/* One VF's entry in an RTM_SETLINK: the attributes in cfg.set with the
 * values of cfg. SRIOV_VF_MIN_RATE or SRIOV_VF_MAX_RATE sends IFLA_VF_RATE
 * with both cfg.min_tx_rate and cfg.max_tx_rate (the kernel sets the pair);
 * SRIOV_VF_VLAN sends IFLA_VF_VLAN for 802.1Q and IFLA_VF_VLAN_LIST for
 * 802.1ad. */
struct vf_change {
        unsigned vf;
        struct sriov_vf_config cfg;
};

/* Bytes the IFLA_VF_INFO entry of c takes in an IFLA_VFINFO_LIST. */
size_t vf_change_size(const struct vf_change *c);
/* One RTM_SETLINK (NLM_F_REQUEST) for ifindex with an IFLA_VFINFO_LIST
 * holding as many of changes[0..n) as fit in `limit` bytes of list
 * (limit <= VFINFO_LIST_MAX); *ret_used is how many (at least 1). -EMSGSIZE
 * if not even one fits. */
int vf_build_setlink(int ifindex, const struct vf_change *changes, size_t n, size_t limit,
                     struct nl_msg **ret, size_t *ret_used);

/* The config that would put a VF back to `link` (every reported field). */
void vf_config_from_link(const struct sriov_vf_link *link, struct sriov_vf_config *ret);
/* "mac 02:00:00:00:00:01", "vlan 10 qos 3 proto 802.1ad", "state enable",
 * "min-rate 100": attribute bit (one of cfg's) described with its value. */
void vf_attr_describe(uint32_t bit, const struct sriov_vf_config *cfg, char *buf, size_t size);
/* The words of `set` for the attributes of cfg that are in bits, in
 * set's order ("mac ... vlan 10 spoofchk on max-rate 100"; "" for none);
 * NULL when out of memory. */
char *vf_config_words(const struct sriov_vf_config *cfg, uint32_t bits);
/* The capability-record key and value of an attribute bit ("proto",
 * "802.1ad"). */
const char *vf_attr_key(uint32_t bit, const struct sriov_vf_config *cfg);
void vf_attr_value(uint32_t bit, const struct sriov_vf_config *cfg, char *buf, size_t size);

/* Bits of cfg->set that `link` reports with a different value (mismatch)
 * or does not report at all (unverified). */
void vf_compare(const struct sriov_vf_config *want, const struct sriov_vf_link *link, uint32_t *ret_mismatch,
                uint32_t *ret_unverified);
/* The change that brings a VF from `cur` to `want`: only what differs (or
 * is not reported); rates carry the pair to send. */
void vf_plan(const struct sriov_vf_config *want, const struct sriov_vf_link *cur, struct sriov_vf_config *ret);

/* Saved settings in the state file: the words of `set` that put them back
 * ("mac 02:00:00:00:00:01 vlan 0 qos 0 spoofchk on ..."), every field the
 * kernel reported; and back into the config restore sends. */
int vf_link_to_words(const struct sriov_vf_link *link, char **ret);
int vf_words_to_config(struct sriov_ctx *ctx, const char *device, unsigned vf, const char *text,
                       struct sriov_vf_config *ret);

/* sriov_vf_set(), saving the VF's originals first only if save_first
 * (false: a putting back that must leave none behind). */
int vf_set(struct sriov_ctx *ctx, const char *device, unsigned vf, const struct sriov_vf_config *cfg,
           bool save_first);
/* sriov_vf_restore() putting back only the attributes in bits (SRIOV_VF_*)
 * of the saved settings; all of them are forgotten. */
int vf_restore_some(struct sriov_ctx *ctx, const char *device, unsigned vf, uint32_t bits, unsigned *ret_restored);

struct vfinfo_reply;
/* The read-back after a restore, for VF vf: 0 when it has `want`; 1 with
 * *ret_why (malloc'd, "IFNAME vf N: ...") naming what differs, or saying
 * the kernel did not report the VF (its PF has fewer VFs than at the
 * first read): never a read past the reply's VFs. */
int vf_restore_verify(const struct vfinfo_reply *after, unsigned vf, const struct sriov_vf_config *want,
                      const char *ifname, const char *driver, char **ret_why);

#endif
