/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VFs in sysfs (vfref.c), internal: a VF's PF and index from its PCI
 * address, and the bits of sysfs the allocations look at. Reads only. */
#ifndef SRIOV_VFREF_H
#define SRIOV_VFREF_H

#include "internal.h"
#include "pfref.h"

/* A VF: its PF and index, from the VF's PCI address. */
struct vf_ref {
        struct pf_ref pf;
        unsigned vf;
        char addr[SRIOV_PCI_ADDR_MAX];
};

/* what names the caller in a message. -ENOTSUP (no message) when addr
 * is not a VF; -ENODEV when its PF does not list it. */
int vf_ref_from_pci(struct sriov_ctx *ctx, const char *what, const char *addr, struct vf_ref *ret);

/* The bound driver, NULL when none (or it cannot be read: not in use). */
char *pci_driver(struct sriov_ctx *ctx, const char *addr);
/* The PCI address of the VF N of a PCI PF; -ENOENT if it has no such VF. */
int vf_addr(struct sriov_ctx *ctx, const char *pf_devdir, unsigned vf, char buf[static SRIOV_PCI_ADDR_MAX]);
/* sriov_numvfs of the PF at pf_devdir; 0 when it cannot be read. */
unsigned pf_numvfs(struct sriov_ctx *ctx, const char *pf_devdir);
/* "0000:02:10.0" of a netdev's PCI device, or -ENOENT if it has none. */
int netdev_pci(struct sriov_ctx *ctx, const char *ifname, char buf[static SRIOV_PCI_ADDR_MAX]);

#endif
