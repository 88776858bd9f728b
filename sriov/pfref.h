/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A PF named by the user, resolved straight from sysfs (pfref.c), internal:
 * what changing VF settings needs, without scanning the whole inventory.
 * It takes every name `sriovctl list` prints for a PF. */
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
        int64_t numvfs; /* sysfs sriov_numvfs when resolved; SRIOV_ABSENT if unreadable */
};

/* The device directory (relative to the sysfs root) of the SR-IOV PF that
 * device names: a PCI address ("0000:02:00.0", "02:00.0"), one of its
 * interfaces, or the device name of a PF on another bus (netdevsim1, as
 * `list` prints it). *ret_ifname (may be NULL): the interface when device
 * is one, else NULL. -ENODEV with a message saying what the device is
 * instead: missing, a VF, virtual, or without SR-IOV. */
int pf_dir_resolve(struct sriov_ctx *ctx, const char *device, char **ret_dir, char **ret_ifname);
/* pf_dir_resolve(), and the PF's netdev (the one named, else its first).
 * -ENODEV also when it has no netdev. */
int pf_ref_resolve(struct sriov_ctx *ctx, const char *device, struct pf_ref *ret);
/* -ERANGE unless vf is below the sriov_numvfs read at resolving: the
 * check before any netlink request (the kernel's answer is checked again
 * after it). 0 when sysfs had no readable count: the answer decides. */
int pf_ref_check_vf(struct sriov_ctx *ctx, const struct pf_ref *ref, unsigned vf);
/* -ERANGE: "IFNAME vf N: VF index out of range: IFNAME has n VFs (vf 0-n-1)". */
int pf_vf_range_fail(struct sriov_ctx *ctx, const char *ifname, unsigned vf, int64_t n);
void pf_ref_done(struct pf_ref *r);

struct vfinfo_reply;
/* RTM_GETLINK of the PF's netdev by its ifindex (by name when it has
 * none), and vfinfo_parse of the answer, which must be about that ifindex:
 * a rename between the sysfs read and the request cannot point at another
 * NIC. The message names the interface. */
int pf_ref_read(struct sriov_ctx *ctx, const struct pf_ref *ref, struct vfinfo_reply *ret);

#endif
