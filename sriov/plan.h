/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Planning a guest's attach (plan.c), internal: what each <interface> of
 * the domain XML needs, checked before anything changes. Needs libvirt's
 * domain and network XML (domxml.c). */
#ifndef SRIOV_PLAN_H
#define SRIOV_PLAN_H

#include "internal.h"
#include "sriov-libvirt.h"

enum pool_kind {
        POOL_NONE,   /* a macvtap, no VF */
        POOL_PF,     /* any VF of pf */
        POOL_LIST,   /* one of the listed devices (a single one: a fixed VF) */
};

struct cand {
        char *pf;           /* the VF's PF (PCI address or device name); NULL: a whole netdev */
        unsigned vf;
        char dev[SRIOV_IFNAME_MAX]; /* a whole netdev of a passthrough pool */
};

struct want {
        size_t i; /* interface index */
        char what[96];
        enum sriov_alloc_kind kind;
        enum pool_kind pool;
        char *pf;             /* POOL_PF */
        struct cand *cands;   /* POOL_LIST */
        size_t n_cands;
        bool fixed;           /* one VF named by the interface itself */
        bool fallback;        /* no free VF: macvtap passthru on the PF */
        char *lower;          /* macvtap */
        enum sriov_macvtap_mode mode;
        uint8_t mac[6];
        struct sriov_vf_config cfg;
        bool has_port;
        struct sriov_port port;
        bool vfio;
        bool rewrite;         /* a hostdev interface with its VF's address stays as it is */
        struct sriov_xml_effective eff;
        bool has_eff;
};

void want_done(struct want *w);

/* Interface i of d: 0: handled (w filled), 1: not ours (left untouched),
 * < 0: bad input. w is to be want_done() whatever is returned. */
int plan_iface(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, size_t i,
               struct sriov_xml_network *const *nets, size_t n_nets, const struct sriov_attach_options *o,
               struct want *w);

#endif
