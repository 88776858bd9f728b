/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VFs allocations hold (alloc.c), internal: what the store tells a
 * reconcile pass and an administrator's guarded change, the VFs of a PF
 * that guests and pods hold, which outrank every desired state. */
#ifndef SRIOV_ALLOC_H
#define SRIOV_ALLOC_H

#include "internal.h"

struct held_vf {
        unsigned vf;
        char vf_address[SRIOV_PCI_ADDR_MAX]; /* "" when the record has none */
        char *domain_name;
        char *domain_uuid;                   /* "" when the domain has none */
        unsigned iface;                      /* the guest's <interface>, 0-based */
        enum sriov_alloc_kind kind;          /* MACVTAP: a macvtap on the VF's netdev */
        bool pending;        /* an attach in flight, or killed: not ours to touch */
        bool vfio;           /* the allocation bound it to vfio-pci */
        bool libvirt;        /* libvirt handed it out (the hooks' record): its MAC and VLAN are libvirt's */
        bool has_config;     /* config: what the allocation set on the VF */
        struct sriov_vf_config config;
};

/* The VFs of PF `pf` (its PCI address or device name, as the store keys
 * it) that allocations hold, sorted by VF index (a VF may appear twice:
 * a hostdev and a macvtap on it cannot both exist, but records can say
 * so). Read without the store's lock: it is replaced whole. */
int alloc_held_vfs(struct sriov_ctx *ctx, const char *pf, struct held_vf **ret, size_t *ret_n);
void held_vfs_free(struct held_vf *h, size_t n);
/* "VF 3 (0000:02:10.6) of domain 'g3' (uuid ...)" for messages. */
void held_vf_describe(const struct held_vf *h, char *buf, size_t size);

#endif
