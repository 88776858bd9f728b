/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The allocation store (store.c), internal: which VF or macvtap each
 * <interface> of a guest, each pod attachment and each VF libvirt handed
 * out holds, kept in STATE/allocations.json.
 *
 * Crash safety: an attach holds the store's lock from its first look at
 * the store to its last write, and writes each record (marked pending)
 * before the change it stands for, with what is needed to undo it (the
 * VF's settings before, the driver to give back, the macvtap's name). A
 * pending record seen under the lock therefore belongs to an attach that
 * died: it is rolled back (recover.h). Parallel attaches queue on the
 * lock, so a VF is never handed out twice. Pods and libvirt's records
 * follow the same discipline. */
#ifndef SRIOV_STORE_H
#define SRIOV_STORE_H

#include "internal.h"

/* attaches queue on the lock: 32 parallel ones under TCG take a while */
#define LOCK_TIMEOUT_MS 120000
/* how long a driver's bind or a netdev is waited for when the caller gives no timeout */
#define WAIT_DEFAULT_MS 10000
/* what libvirt sets on a VF it hands out */
#define LIBVIRT_OWN (SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO)

/* A record with what only the store needs. */
struct rec {
        struct sriov_allocation a;
        char *pf_ifname; /* VF kinds: the PF's netdev, through which the VF is set */
        char *before;    /* VF kinds: its settings before the attach (`set` words) */
        bool saved_here; /* the attach made the VF's saved originals (vfcfg.c) */
        long pid;
        int ifindex;       /* macvtap: the link the attach made (0: not made, or not known) */
        int lower_ifindex; /* macvtap: its lower's */
};

struct store {
        struct rec *recs;
        size_t n;
        char **rolled_back; /* recover(): domain name of each record rolled back */
};

void rec_done(struct rec *r);
void store_done(struct store *s);

/* The store as the file has it; none yet: an empty store. Taken whole, so
 * a reader without the lock still sees a consistent one. */
int store_load(struct sriov_ctx *ctx, struct store *ret);
/* Writes s whole (no records: the file is removed). Under the lock. */
int store_save(struct sriov_ctx *ctx, const struct store *s);
/* Appends rec (taking its contents). */
int store_add(struct store *s, struct rec *rec);
/* Forgets record i (not saved until store_save). */
void store_drop(struct store *s, size_t i);

/* A VF record of PF pf (its PCI address or the netdev it was recorded by). */
bool same_pf(const struct rec *r, const char *pf);
/* The record holding VF vf of pf, NULL if none. */
const struct rec *holder_of_vf(const struct store *s, const char *pf, int vf);
/* The record holding netdev (as its VF's netdev, a macvtap, or a
 * passthru macvtap's lower), NULL if none. */
const struct rec *holder_of_netdev(const struct store *s, const char *netdev);
/* A record of domain name or uuid (either may be NULL). */
bool same_domain(const struct rec *r, const char *name, const char *uuid);
/* The PF to change a record's VF through: its PCI address as recorded
 * (a netdev name could belong to another NIC by now); the netdev name only
 * for a record without one. */
const char *rec_pf(const struct rec *rec);

/* Copies of the public part of records from..s->n-1. */
int copy_allocations(const struct store *s, size_t from, struct sriov_allocation **ret, size_t *ret_n);
/* *ret = a copy of s, or NULL when s is NULL. */
int dup_opt(const char *s, char **ret);

#endif
