/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Undoing allocation records (recover.h): what a record stands for given
 * back, step by step, and the records of attaches that died rolled back
 * whenever the store is opened for a change. */
#include <string.h>

#include "macvtap.h"
#include "podnet.h"
#include "recover.h"
#include "state.h"
#include "vfcfg.h"
#include "vfref.h"

static void first_error(int *first, int r)
{
        if (r < 0 && *first == 0)
                *first = r;
}

static bool vf_exists(struct sriov_ctx *ctx, const struct rec *rec)
{
        if (!rec->a.vf_address[0])
                return false;
        char p[64];
        snprintf(p, sizeof(p), "bus/pci/devices/%s/physfn", rec->a.vf_address);
        return sysfs_exists(ctx, p);
}

/* A VF libvirt handed out, as before the guest: what sriovctl set, from
 * its saved originals, and MAC and VLAN as the record's snapshot has them
 * (taken before libvirt set them; a later one leaves them out, and they
 * stay as libvirt put them back). libvirt's own putting back runs first
 * and cannot be relied on for the MAC: igbvf, bound again without an
 * admin MAC, registers a random one, which the PF then reports. */
static int libvirt_put_back(struct sriov_ctx *ctx, const struct rec *rec)
{
        unsigned vf = (unsigned)rec->a.vf;
        struct sriov_vf_config cfg;
        int r = vf_words_to_config(ctx, rec_pf(rec), vf, rec->before, &cfg);
        if (r < 0)
                return r;
        uint32_t ours = rec->a.config.set & ~(uint32_t)LIBVIRT_OWN;
        if (rec->saved_here) {
                if ((r = vf_restore_some(ctx, rec_pf(rec), vf, ours, NULL)) < 0)
                        return r;
                cfg.set &= LIBVIRT_OWN;
        } else
                cfg.set &= ours | LIBVIRT_OWN;
        return cfg.set ? vf_set(ctx, rec_pf(rec), vf, &cfg, false) : 0;
}

/* Undoes what a record stands for: port profile, vfio binding, then the
 * VF's settings. The driver is given back before the settings: igbvf,
 * bound without an admin MAC, registers a random MAC of its own with the
 * PF, and the PF would then report that instead of the original. Steps
 * already undone or never done are skipped; the first failure is
 * returned, the other steps are still tried. */
int undo_rec(struct sriov_ctx *ctx, const struct rec *rec, unsigned timeout_ms)
{
        int first = 0, r;
        const struct sriov_allocation *a = &rec->a;
        if (a->kind == SRIOV_ALLOC_MACVTAP) {
                if (a->port_profile) {
                        struct sriov_port p = {.present = SRIOV_PORT_F_REQUEST, .request = SRIOV_PORT_DISASSOCIATE};
                        first_error(&first, sriov_port_set(ctx, a->lower, SRIOV_PORT_SELF, &p, PORT_TIMEOUT_MS, NULL));
                }
                /* only the link this attach made: a finished record from
                 * before ifindexes were kept is found by name; a pending one
                 * without an ifindex never got to make its link (refused
                 * with EEXIST, or killed before): whatever has the name now
                 * is someone else's */
                if (a->netdev && (rec->ifindex > 0 || !a->pending))
                        first_error(&first, macvtap_delete_made(ctx, a->netdev, rec->ifindex, a->lower,
                                                                rec->lower_ifindex));
                else if (a->netdev && sysfs_netdev_exists(ctx, a->netdev))
                        ctx_notice(ctx, "%s: left alone: the unfinished attach of domain '%s' had not recorded "
                                        "making it, so it may be someone else's; if it is a leftover no guest uses, "
                                        "ip link del %s removes it",
                                   a->netdev, a->domain_name, a->netdev);
                return first;
        }
        if (!vf_exists(ctx, rec) && a->vf_address[0])
                return 0; /* the VF is gone (VFs disabled): nothing left to give back */
        if (a->port_profile && a->vf >= 0) {
                struct sriov_port p = {.present = SRIOV_PORT_F_REQUEST, .request = SRIOV_PORT_DISASSOCIATE};
                first_error(&first, sriov_port_set(ctx, rec_pf(rec), a->vf, &p, PORT_TIMEOUT_MS, NULL));
        }
        if (a->vfio_driver && a->vf_address[0]) {
                /* no driver: killed between the unbind and vfio-pci's probe */
                _cleanup_free_ char *cur = pci_driver(ctx, a->vf_address);
                if (!cur || strcmp(cur, "vfio-pci") == 0)
                        first_error(&first, sriov_vfio_unbind(ctx, a->vf_address,
                                                              a->vfio_driver[0] ? a->vfio_driver : NULL, timeout_ms,
                                                              NULL));
        }
        /* a pod's netdev comes home before its VF's settings go back */
        if (a->kind == SRIOV_ALLOC_POD && !a->pod.vfio)
                first_error(&first, podnet_return(ctx, a, timeout_ms));
        if (a->vf >= 0 && rec->before && a->source)
                first_error(&first, libvirt_put_back(ctx, rec));
        else if (a->vf >= 0 && rec->before) {
                if (rec->saved_here)
                        r = sriov_vf_restore(ctx, rec_pf(rec), (unsigned)a->vf, NULL);
                else {
                        struct sriov_vf_config cfg;
                        r = vf_words_to_config(ctx, rec_pf(rec), (unsigned)a->vf, rec->before, &cfg);
                        if (r == 0)
                                r = sriov_vf_set(ctx, rec_pf(rec), (unsigned)a->vf, &cfg);
                }
                first_error(&first, r);
        }
        /* after the admin MAC went back: igb refuses a VF's own MAC change
         * while the PF's admin MAC is set */
        if (a->kind == SRIOV_ALLOC_POD && !a->pod.vfio)
                first_error(&first, podnet_reset(ctx, a, timeout_ms));
        return first;
}

/* Rolls back the records of attaches that died half-way. Called under
 * the lock: whoever wrote a pending record is gone. */
static int recover(struct sriov_ctx *ctx, struct store *s, unsigned timeout_ms)
{
        bool changed = false;
        for (size_t i = 0; i < s->n;) {
                struct rec *rec = &s->recs[i];
                if (!rec->a.pending) {
                        i++;
                        continue;
                }
                int r = undo_rec(ctx, rec, timeout_ms);
                if (r < 0) {
                        ctx_notice(ctx, "rolling back the unfinished attach of domain '%s' (pid %ld) failed: %s; "
                                        "its record is kept for the next try",
                                   rec->a.domain_name, rec->pid,
                                   *sriov_ctx_error(ctx) ? sriov_ctx_error(ctx) : strerror(-r));
                        ctx_clear_error(ctx);
                        i++;
                        continue;
                }
                ctx_notice(ctx, "rolled back the unfinished attach of domain '%s' interface #%u (pid %ld was killed "
                                "before it finished)",
                           rec->a.domain_name, rec->a.iface + 1, rec->pid);
                if (strv_push(&s->rolled_back, rec->a.domain_name) < 0)
                        return -ENOMEM;
                store_drop(s, i);
                changed = true;
        }
        return changed ? store_save(ctx, s) : 0;
}

/* Takes the lock (waiting lock_ms at most), loads the store and rolls
 * back dead attaches. */
int open_store_within(struct sriov_ctx *ctx, unsigned lock_ms, unsigned timeout_ms, struct store *ret)
{
        int r = state_hold(ctx, lock_ms);
        if (r < 0)
                return r;
        struct store s = {0};
        if ((r = store_load(ctx, &s)) == 0)
                r = recover(ctx, &s, timeout_ms);
        if (r < 0) {
                store_done(&s);
                state_release(ctx);
                return r;
        }
        *ret = s;
        return 0;
}

int open_store(struct sriov_ctx *ctx, unsigned timeout_ms, struct store *ret)
{
        return open_store_within(ctx, LOCK_TIMEOUT_MS, timeout_ms, ret);
}
