/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A guest's attach: every <interface> planned (plan.h), a VF or macvtap
 * picked and set up for each, record first (store.h), and the domain XML
 * rewritten to use them; on failure everything undone, newest first. */
#include <string.h>
#include <unistd.h>

#include "macvtap.h"
#include "pfref.h"
#include "plan.h"
#include "podnet.h"
#include "recover.h"
#include "state.h"
#include "vfcfg.h"
#include "vfinfo.h"
#include "vfref.h"

/* The netdev of a PCI function ("" if none). */
static void pci_netdev(struct sriov_ctx *ctx, const char *addr, char buf[static SRIOV_IFNAME_MAX])
{
        char p[64];
        snprintf(p, sizeof(p), "bus/pci/devices/%s/net", addr);
        _cleanup_strv_free_ char **names = NULL;
        buf[0] = 0;
        if (sysfs_list(ctx, p, NULL, &names) == 0 && names[0])
                snprintf(buf, SRIOV_IFNAME_MAX, "%s", names[0]);
        ctx_clear_error(ctx);
}

struct attach_run {
        struct store store;
        size_t first_new; /* records from here on were made by this attach */
        unsigned timeout_ms;
};

/* Why VF vf of pf cannot be handed out now ("" if it can). */
static void vf_busy(struct sriov_ctx *ctx, const struct store *s, const char *pf, const char *addr, int vf,
                    char *why, size_t size)
{
        why[0] = 0;
        const struct rec *h = holder_of_vf(s, pf, vf);
        if (h) {
                snprintf(why, size, "held by domain '%s'", h->a.domain_name);
                return;
        }
        _cleanup_free_ char *drv = pci_driver(ctx, addr);
        if (drv && strcmp(drv, "vfio-pci") == 0) {
                if (vfio_in_use(ctx, addr, why, size) == 0)
                        snprintf(why, size, "bound to vfio-pci outside sriovctl");
                return;
        }
        char nd[SRIOV_IFNAME_MAX], dir[64];
        pci_netdev(ctx, addr, nd);
        if (nd[0]) {
                _cleanup_free_ char *up = NULL;
                snprintf(dir, sizeof(dir), "class/net/%s", nd);
                if (sysfs_upper_names(ctx, dir, &up) < 0)
                        snprintf(why, size, "its netdev %s could not be checked: out of memory", nd);
                else if (up[0])
                        snprintf(why, size, "its netdev %s has upper devices (%.100s)", nd, up);
                else if ((h = holder_of_netdev(s, nd)))
                        snprintf(why, size, "its netdev %s is held by domain '%s'", nd, h->a.domain_name);
        }
}

/* Picks a VF (or pool device) for w; -ENOSPC when none is free. */
static int pick(struct sriov_ctx *ctx, struct attach_run *run, const struct want *w, struct cand *ret,
                char *vf_address)
{
        char why[160];
        if (w->pool == POOL_PF) {
                struct pf_ref pf;
                int r = pf_ref_resolve(ctx, w->pf, &pf);
                if (r < 0)
                        return r;
                unsigned n = pf_numvfs(ctx, pf.devdir);
                struct sriov_pci_addr pa;
                bool pci = pci_addr_parse(pf.name, &pa) == 0;
                unsigned busy = 0;
                for (unsigned vf = 0; vf < n; vf++) {
                        char addr[SRIOV_PCI_ADDR_MAX];
                        if (vf_addr(ctx, pf.devdir, vf, addr) < 0) {
                                if (!pci || holder_of_vf(&run->store, pf.name, (int)vf))
                                        continue;
                                r = ctx_fail(ctx, -ENODEV,
                                             "%s: VF %u of %s (%s) has neither a PCI function nor a netdev "
                                             "(%s): it cannot be handed to a guest",
                                             w->what, vf, pf.name, pf.ifname, pf.driver);
                                pf_ref_done(&pf);
                                return r;
                        }
                        vf_busy(ctx, &run->store, pf.name, addr, (int)vf, why, sizeof(why));
                        char nd[SRIOV_IFNAME_MAX];
                        if (!why[0] && w->kind == SRIOV_ALLOC_VF_DIRECT && (pci_netdev(ctx, addr, nd), !nd[0]))
                                snprintf(why, sizeof(why), "no netdev (not bound to a network driver)");
                        if (why[0]) {
                                busy++;
                                continue;
                        }
                        *ret = (struct cand){.pf = TAKE_PTR(pf.name), .vf = vf};
                        snprintf(vf_address, SRIOV_PCI_ADDR_MAX, "%s", addr);
                        pf_ref_done(&pf);
                        return 0;
                }
                if (n && !pci) {
                        r = ctx_fail(ctx, -ENODEV,
                                     "%s: the VFs of %s (%s, driver %s) have neither a PCI function nor a netdev: "
                                     "they cannot be handed to a guest",
                                     w->what, pf.name, pf.ifname, pf.driver);
                        pf_ref_done(&pf);
                        return r;
                }
                r = ctx_fail(ctx, -ENOSPC, "%s: no free VF on PF %s (%s): %u VF%s enabled, %u in use", w->what,
                             pf.name, pf.ifname, n, n == 1 ? "" : "s", busy);
                pf_ref_done(&pf);
                return r;
        }
        for (size_t k = 0; k < w->n_cands; k++) {
                const struct cand *c = &w->cands[k];
                if (!c->pf) {
                        /* a whole netdev of a passthrough pool */
                        char dir[64];
                        _cleanup_free_ char *up = NULL;
                        snprintf(dir, sizeof(dir), "class/net/%s", c->dev);
                        if (sysfs_upper_names(ctx, dir, &up) < 0)
                                return -ENOMEM;
                        if (up[0] || holder_of_netdev(&run->store, c->dev))
                                continue;
                        *ret = (struct cand){.vf = 0};
                        snprintf(ret->dev, sizeof(ret->dev), "%s", c->dev);
                        vf_address[0] = 0;
                        return 0;
                }
                struct pf_ref pf;
                int r = pf_ref_resolve(ctx, c->pf, &pf);
                if (r < 0)
                        return r;
                char addr[SRIOV_PCI_ADDR_MAX];
                r = vf_addr(ctx, pf.devdir, c->vf, addr);
                pf_ref_done(&pf);
                if (r < 0)
                        continue;
                vf_busy(ctx, &run->store, c->pf, addr, (int)c->vf, why, sizeof(why));
                if (why[0]) {
                        if (w->fixed)
                                /* a guest's (status 5) or someone else's */
                                return ctx_fail(ctx, holder_of_vf(&run->store, c->pf, (int)c->vf) ? -EADDRINUSE : -EBUSY,
                                                "%s: VF %u of %s (%s) is in use: %s", w->what, c->vf, c->pf, addr, why);
                        continue;
                }
                *ret = (struct cand){.vf = c->vf};
                if (!(ret->pf = strdup(c->pf)))
                        return -ENOMEM;
                snprintf(vf_address, SRIOV_PCI_ADDR_MAX, "%s", addr);
                return 0;
        }
        return ctx_fail(ctx, -ENOSPC, "%s: no free device in the pool: all %zu are in use", w->what, w->n_cands);
}

/* The lowest macvtapN that neither exists nor is recorded. */
static void pick_macvtap_name(struct sriov_ctx *ctx, const struct store *s, char buf[static SRIOV_IFNAME_MAX])
{
        for (unsigned n = 0;; n++) {
                snprintf(buf, SRIOV_IFNAME_MAX, "macvtap%u", n);
                if (!sysfs_netdev_exists(ctx, buf) && !holder_of_netdev(s, buf))
                        return;
        }
}

static struct rec *new_rec(struct attach_run *run)
{
        return &run->store.recs[run->store.n - 1];
}

/* Saves the store with the attach's newest step recorded. */
static int checkpoint(struct sriov_ctx *ctx, struct attach_run *run)
{
        return store_save(ctx, &run->store);
}

struct made_ctx {
        struct sriov_ctx *ctx;
        struct attach_run *run;
};

/* The macvtap exists: its ifindex is recorded before the next step, so
 * only this link is ever deleted for the record. */
static int macvtap_made(int ifindex, int lower_ifindex, void *userdata)
{
        struct made_ctx *mc = userdata;
        struct rec *rec = new_rec(mc->run);
        rec->ifindex = ifindex;
        rec->lower_ifindex = lower_ifindex;
        return checkpoint(mc->ctx, mc->run);
}

static int attach_macvtap(struct sriov_ctx *ctx, struct attach_run *run, const struct want *w, const char *lower,
                          enum sriov_macvtap_mode mode)
{
        struct rec *rec = new_rec(run);
        rec->a.kind = SRIOV_ALLOC_MACVTAP;
        rec->a.macvtap_mode = mode;
        char name[SRIOV_IFNAME_MAX];
        pick_macvtap_name(ctx, &run->store, name);
        if (!(rec->a.lower = strdup(lower)) || !(rec->a.netdev = strdup(name)))
                return -ENOMEM;
        /* recorded before it exists: a kill after the create leaves a
         * record naming what to delete */
        int r = checkpoint(ctx, run);
        if (r < 0)
                return r;
        struct sriov_macvtap mv;
        struct made_ctx mc = {.ctx = ctx, .run = run};
        r = macvtap_create(ctx, lower, mode, name, w->mac, run->timeout_ms, macvtap_made, &mc, &mv);
        if (r < 0) {
                /* the create undid what it made (or made nothing, as on
                 * EEXIST): the record names no link to delete */
                rec = new_rec(run);
                rec->ifindex = 0;
                free(rec->a.netdev);
                rec->a.netdev = NULL;
                ctx_error_prefix(ctx, "%s", w->what);
                return r;
        }
        rec = new_rec(run);
        snprintf(rec->a.tap_path, sizeof(rec->a.tap_path), "%s", mv.tap_path);
        if (w->has_port) {
                rec->a.port_profile = true;
                if ((r = checkpoint(ctx, run)) < 0)
                        return r;
                r = sriov_port_set(ctx, lower, SRIOV_PORT_SELF, &w->port, PORT_TIMEOUT_MS, NULL);
                if (r < 0) {
                        ctx_error_prefix(ctx, "%s: port profile on %s", w->what, lower);
                        return r;
                }
        }
        return checkpoint(ctx, run);
}

/* The VF's netdev must carry the admin MAC before a macvtap passthru is
 * made on it (the macvtap takes its lower's MAC, and with trust off the
 * VF may not change it itself): the same wait as a pod's VF netdev. */
static int vf_netdev_take_mac(struct sriov_ctx *ctx, const struct want *w, const char *addr, unsigned timeout_ms,
                              char nd[static SRIOV_IFNAME_MAX])
{
        int r = podnet_take_mac(ctx, addr, w->mac, timeout_ms, nd);
        if (r < 0)
                ctx_error_prefix(ctx, "%s", w->what);
        return r;
}

static int attach_vf(struct sriov_ctx *ctx, struct attach_run *run, const struct want *w, const struct cand *c,
                     const char *addr)
{
        struct rec *rec = new_rec(run);
        struct pf_ref pf;
        int r = pf_ref_resolve(ctx, c->pf, &pf);
        if (r < 0)
                return r;
        rec->a.kind = w->kind;
        rec->a.vf = (int)c->vf;
        snprintf(rec->a.vf_address, sizeof(rec->a.vf_address), "%s", addr);
        /* what to put back, before the first change */
        struct vfinfo_reply now = {0};
        r = pf_ref_read(ctx, &pf, &now);
        rec->a.pf = TAKE_PTR(pf.name);
        rec->pf_ifname = TAKE_PTR(pf.ifname);
        pf_ref_done(&pf);
        rec->a.config = w->cfg;
        if (r < 0)
                return r;
        if (c->vf >= now.n || !now.seen[c->vf]) {
                vfinfo_reply_done(&now);
                return ctx_fail(ctx, -EIO, "%s: the kernel did not report VF %u of %s", w->what, c->vf,
                                rec->pf_ifname);
        }
        r = vf_link_to_words(&now.vfs[c->vf], &rec->before);
        vfinfo_reply_done(&now);
        if (r < 0)
                return r;
        unsigned *saved = NULL;
        size_t n_saved = 0;
        if ((r = sriov_vf_saved(ctx, rec_pf(rec), &saved, &n_saved)) < 0)
                return r;
        rec->saved_here = true;
        for (size_t k = 0; k < n_saved; k++)
                if (saved[k] == c->vf)
                        rec->saved_here = false;
        free(saved);
        if ((r = checkpoint(ctx, run)) < 0)
                return r;

        if ((r = sriov_vf_set(ctx, rec_pf(rec), c->vf, &w->cfg)) < 0) {
                ctx_error_prefix(ctx, "%s: VF %u of %s", w->what, c->vf, rec->pf_ifname);
                return r;
        }
        if (w->has_port) {
                rec->a.port_profile = true;
                if ((r = checkpoint(ctx, run)) < 0)
                        return r;
                if ((r = sriov_port_set(ctx, rec_pf(rec), (int)c->vf, &w->port, PORT_TIMEOUT_MS, NULL)) < 0) {
                        ctx_error_prefix(ctx, "%s: port profile of VF %u of %s", w->what, c->vf, rec->pf_ifname);
                        return r;
                }
        }
        if (w->kind == SRIOV_ALLOC_HOSTDEV && w->vfio) {
                _cleanup_free_ char *drv = pci_driver(ctx, addr);
                if (!(rec->a.vfio_driver = strdup(drv ? drv : "")))
                        return -ENOMEM;
                if ((r = checkpoint(ctx, run)) < 0)
                        return r;
                struct sriov_vfio_binding b;
                if ((r = sriov_vfio_bind(ctx, addr, run->timeout_ms, &b)) < 0) {
                        ctx_error_prefix(ctx, "%s", w->what);
                        return r;
                }
        }
        if (w->kind == SRIOV_ALLOC_VF_DIRECT) {
                char nd[SRIOV_IFNAME_MAX];
                if ((r = vf_netdev_take_mac(ctx, w, addr, run->timeout_ms, nd)) < 0)
                        return r;
                if (!(new_rec(run)->a.netdev = strdup(nd)))
                        return -ENOMEM;
        }
        return checkpoint(ctx, run);
}

static int attach_one(struct sriov_ctx *ctx, struct attach_run *run, const struct sriov_xml_domain *d,
                      const struct want *w)
{
        struct rec rec = {.a.iface = (unsigned)w->i, .a.pending = true, .a.vf = -1, .pid = (long)getpid()};
        memcpy(rec.a.mac, w->mac, 6);
        rec.a.domain_name = strdup(d->name);
        rec.a.domain_uuid = strdup(d->uuid ? d->uuid : "");
        if (!rec.a.domain_name || !rec.a.domain_uuid || store_add(&run->store, &rec) < 0) {
                rec_done(&rec);
                return -ENOMEM;
        }
        if (w->kind == SRIOV_ALLOC_MACVTAP)
                return attach_macvtap(ctx, run, w, w->lower, w->mode);
        struct cand c = {0};
        char addr[SRIOV_PCI_ADDR_MAX] = "";
        int r = pick(ctx, run, w, &c, addr);
        if (r == -ENOSPC && w->fallback) {
                struct pf_ref pf;
                if ((r = pf_ref_resolve(ctx, w->pf, &pf)) < 0)
                        return r;
                ctx_clear_error(ctx);
                ctx_notice(ctx, "%s: no free VF on %s: falling back to a macvtap passthru on %s", w->what,
                           pf.name, pf.ifname);
                r = attach_macvtap(ctx, run, w, pf.ifname, SRIOV_MACVTAP_PASSTHRU);
                pf_ref_done(&pf);
                return r;
        }
        if (r < 0)
                return r;
        if (!c.pf) {
                /* a whole device of a passthrough pool: libvirt makes the macvtap */
                struct rec *nr = new_rec(run);
                nr->a.kind = SRIOV_ALLOC_VF_DIRECT;
                if (!(nr->a.netdev = strdup(c.dev)))
                        return -ENOMEM;
                return checkpoint(ctx, run);
        }
        r = attach_vf(ctx, run, w, &c, addr);
        free(c.pf);
        return r;
}

static int rewrite_iface(struct sriov_ctx *ctx, struct sriov_xml_domain *d, const struct want *w,
                         const struct rec *rec)
{
        if (!w->rewrite)
                return 0;
        struct sriov_xml_rewrite rw = {.mac = w->mac};
        if (w->has_eff) {
                rw.vlan = &w->eff.vlan;
                rw.vport = &w->eff.vport;
        }
        switch (rec->a.kind) {
        case SRIOV_ALLOC_HOSTDEV: {
                rw.as = SRIOV_XML_AS_HOSTDEV;
                if (pci_addr_parse(rec->a.vf_address, &rw.pci) < 0)
                        return -EINVAL;
                break;
        }
        case SRIOV_ALLOC_VF_DIRECT:
                rw.as = SRIOV_XML_AS_DIRECT_VF;
                rw.dev = rec->a.netdev;
                break;
        case SRIOV_ALLOC_POD:
                return 0; /* never made by an attach */
        case SRIOV_ALLOC_MACVTAP:
                rw.as = SRIOV_XML_AS_MACVTAP;
                rw.dev = rec->a.lower;
                rw.target = rec->a.netdev;
                rw.mode = (enum sriov_xml_mode[]){SRIOV_XML_MODE_VEPA, SRIOV_XML_MODE_BRIDGE, SRIOV_XML_MODE_PRIVATE,
                                                  SRIOV_XML_MODE_PASSTHROUGH}[rec->a.macvtap_mode];
                break;
        }
        return sriov_xml_domain_rewrite(ctx, d, w->i, &rw);
}

int sriov_attach(struct sriov_ctx *ctx, struct sriov_xml_domain *d, struct sriov_xml_network *const *nets,
                 size_t n_nets, const struct sriov_attach_options *o, struct sriov_allocation **ret, size_t *ret_n)
{
        ctx_clear_error(ctx);
        static const struct sriov_attach_options defaults = {0};
        if (!o)
                o = &defaults;
        unsigned timeout_ms = o->timeout_ms ? o->timeout_ms : WAIT_DEFAULT_MS;
        int r = sysfs_root_fd(ctx);
        if (r < 0)
                return r;

        /* every interface checked before anything changes */
        struct want *wants = calloc(d->n_ifaces ? d->n_ifaces : 1, sizeof(*wants));
        size_t n_wants = 0;
        if (!wants)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_ifaces; i++) {
                r = plan_iface(ctx, d, i, nets, n_nets, o, &wants[n_wants]);
                if (r == -EINVAL)
                        /* nothing has changed yet: a rule of the XML was broken,
                         * not a driver's EINVAL */
                        r = -EBADMSG;
                if (r < 0) {
                        want_done(&wants[n_wants]);
                        goto out_wants;
                }
                if (r == 0)
                        n_wants++;
                else
                        want_done(&wants[n_wants]);
        }

        struct attach_run run = {.timeout_ms = timeout_ms};
        if ((r = open_store(ctx, timeout_ms, &run.store)) < 0)
                goto out_wants;
        for (size_t i = 0; i < run.store.n; i++)
                if (same_domain(&run.store.recs[i], d->name, d->uuid)) {
                        r = ctx_fail(ctx, -EEXIST,
                                     "domain '%s' already holds allocations (interface #%u: %s): detach it first",
                                     d->name, run.store.recs[i].a.iface + 1,
                                     sriov_alloc_kind_name(run.store.recs[i].a.kind));
                        goto out_store;
                }
        run.first_new = run.store.n;
        for (size_t k = 0; k < n_wants && r == 0; k++)
                r = attach_one(ctx, &run, d, &wants[k]);
        for (size_t k = 0; k < n_wants && r == 0; k++)
                r = rewrite_iface(ctx, d, &wants[k], &run.store.recs[run.first_new + k]);
        if (r == 0) {
                for (size_t i = run.first_new; i < run.store.n; i++)
                        run.store.recs[i].a.pending = false;
                r = store_save(ctx, &run.store);
        }
        if (r == 0 && ret)
                r = copy_allocations(&run.store, run.first_new, ret, ret_n);
        if (r < 0) {
                /* undo, newest first; the undo steps are public calls that
                 * start a new message: the first failure's is put back */
                _cleanup_free_ char *why = strdup(sriov_ctx_error(ctx));
                while (run.store.n > run.first_new) {
                        int u = undo_rec(ctx, &run.store.recs[run.store.n - 1], timeout_ms);
                        /* not every step leaves a message: then the errno says it */
                        if (u < 0)
                                ctx_notice(ctx, "undoing %s interface #%u: %s", d->name,
                                           run.store.recs[run.store.n - 1].a.iface + 1,
                                           *sriov_ctx_error(ctx) ? sriov_ctx_error(ctx) : strerror(-u));
                        store_drop(&run.store, run.store.n - 1);
                }
                (void)store_save(ctx, &run.store);
                ctx_clear_error(ctx);
                if (why && *why)
                        ctx_fail(ctx, r, "%s", why);
        }
out_store:
        store_done(&run.store);
        state_release(ctx);
out_wants:
        for (size_t k = 0; k < n_wants; k++)
                want_done(&wants[k]);
        free(wants);
        return r;
}
