/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A PF named by the user, resolved straight from sysfs (pfref.c), internal:
 * what changing VF settings needs, without scanning the whole inventory. */
#ifndef SRIOV_PFREF_H
#define SRIOV_PFREF_H

#include "internal.h"

struct pf_ref {
        char *name;   /* PCI address or bus device name ("netdevsim1"): the state key */
        char *ifname; /* the PF's netdev, through which VFs are configured */
        char *driver; /* the PF's driver; "unknown" when none is bound */
        char *devdir; /* its device directory, relative to the sysfs root */
        int ifindex;  /* ifname's ifindex, read under devdir (so it is this device's
                       * netdev even if names change); 0 when sysfs has none */
};

/* device: a PCI address ("0000:02:00.0", "02:00.0") or an interface name.
 * -ENODEV with a message saying what the device is instead: missing, a VF,
 * without SR-IOV, or without a netdev. */
int pf_ref_resolve(struct sriov_ctx *ctx, const char *device, struct pf_ref *ret);
void pf_ref_done(struct pf_ref *r);

struct vfinfo_reply;
/* RTM_GETLINK of the PF's netdev by its ifindex (by name when it has
 * none), and vfinfo_parse of the answer, which must be about that ifindex:
 * a rename between the sysfs read and the request cannot point at another
 * NIC. The message names the interface. */
int pf_ref_read(struct sriov_ctx *ctx, const struct pf_ref *ref, struct vfinfo_reply *ret);

#endif
