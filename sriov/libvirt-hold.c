/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VFs libvirt hands out, recorded for the hooks (libvirt-hold.h, hook.c):
 * in the same store as sriovctl's own allocations, so neither hands out
 * a VF the other holds. */
#include <string.h>
#include <unistd.h>

#include "libvirt-hold.h"
#include "recover.h"
#include "state.h"
#include "vfcfg.h"
#include "vfinfo.h"
#include "vfref.h"

/* libvirtd waits for its hooks (holding locks of its own): a hook waits
 * this long at most, then fails naming the lock's holder */
#define HOOK_LOCK_MS 5000

/* A record of libvirt's, and of the same guest: the VF is libvirt's to
 * give that guest (a port made again when libvirtd restarts, a start
 * after the port was made). */
static bool libvirt_same_holder(const struct rec *h, const struct alloc_libvirt_vf *x)
{
        return h->a.source && strcmp(h->a.domain_name, x->domain_name) == 0;
}

static int refuse_held(struct sriov_ctx *ctx, const struct rec *h, const struct alloc_libvirt_vf *x,
                       const struct vf_ref *v)
{
        char by[160];
        if (h->a.source)
                snprintf(by, sizeof(by), "given out by libvirt (%s%s%s%s)", h->a.source,
                         h->a.network ? ", network '" : "", h->a.network ? h->a.network : "",
                         h->a.network ? "'" : "");
        else
                snprintf(by, sizeof(by), "given out by sriovctl attach");
        return ctx_fail(ctx, -EADDRINUSE,
                        "VF %u (%s) of %s is held by domain '%s'%s%s%s (interface #%u, %s), %s: libvirt must not "
                        "give it to domain '%s' too (sriovctl allocations lists the holders; take the VF out of the "
                        "pool or detach the holder)",
                        v->vf, v->addr, v->pf.name, h->a.domain_name, h->a.domain_uuid[0] ? " (uuid " : "",
                        h->a.domain_uuid, h->a.domain_uuid[0] ? ")" : "", h->a.iface + 1,
                        sriov_alloc_kind_name(h->a.kind), by, x->domain_name);
}

/* What to put back: the record's VF's settings now, into rec->before;
 * without MAC and VLAN once libvirt may have set them (!first). */
static int libvirt_snapshot(struct sriov_ctx *ctx, struct rec *rec, bool first)
{
        struct vfinfo_reply now = {0};
        int r = vfinfo_read(ctx, rec->pf_ifname, &now);
        if (r < 0)
                return r;
        unsigned vf = (unsigned)rec->a.vf;
        if (vf >= now.n || !now.seen[vf])
                r = ctx_fail(ctx, -EIO, "the kernel did not report VF %u of %s", vf, rec->pf_ifname);
        else {
                struct sriov_vf_link l = now.vfs[vf];
                if (!first)
                        l.present &= ~(uint32_t)LIBVIRT_OWN;
                r = vf_link_to_words(&l, &rec->before);
        }
        vfinfo_reply_done(&now);
        return r;
}

/* Puts cfg on the record's VF, with what to put back on disk first. */
static int libvirt_apply(struct sriov_ctx *ctx, struct store *s, struct rec *rec, const struct sriov_vf_config *cfg)
{
        int r;
        unsigned vf = (unsigned)rec->a.vf;
        if (!rec->before && (r = libvirt_snapshot(ctx, rec, false)) < 0)
                return r;
        if (!rec->saved_here) {
                /* the VF's originals (vfcfg.c) are this record's if this
                 * change is the one that saves them */
                unsigned *saved = NULL;
                size_t n_saved = 0;
                if ((r = sriov_vf_saved(ctx, rec->pf_ifname, &saved, &n_saved)) < 0)
                        return r;
                rec->saved_here = true;
                for (size_t k = 0; k < n_saved; k++)
                        if (saved[k] == vf)
                                rec->saved_here = false;
                free(saved);
        }
        rec->a.pending = true;
        if ((r = store_save(ctx, s)) < 0)
                return r;
        if ((r = sriov_vf_set(ctx, rec->pf_ifname, vf, cfg)) < 0)
                ctx_error_prefix(ctx, "VF %d (%s) of %s", rec->a.vf, rec->a.vf_address, rec->pf_ifname);
        return r;
}

void alloc_config_merge(struct sriov_vf_config *base, const struct sriov_vf_config *cfg)
{
        struct sriov_vf_config m = *base;
        if (cfg->set & SRIOV_VF_MAC)
                memcpy(m.mac, cfg->mac, 6);
        if (cfg->set & SRIOV_VF_VLAN) {
                m.vlan = cfg->vlan;
                m.qos = cfg->qos;
        }
        if (cfg->set & SRIOV_VF_VLAN_PROTO)
                m.vlan_proto = cfg->vlan_proto;
        if (cfg->set & SRIOV_VF_SPOOFCHK)
                m.spoofchk = cfg->spoofchk;
        if (cfg->set & SRIOV_VF_TRUST)
                m.trust = cfg->trust;
        if (cfg->set & SRIOV_VF_LINK_STATE)
                m.link_state = cfg->link_state;
        if (cfg->set & SRIOV_VF_MIN_RATE)
                m.min_tx_rate = cfg->min_tx_rate;
        if (cfg->set & SRIOV_VF_MAX_RATE)
                m.max_tx_rate = cfg->max_tx_rate;
        if (cfg->set & SRIOV_VF_QUERY_RSS)
                m.query_rss = cfg->query_rss;
        m.set |= cfg->set;
        *base = m;
}

static int libvirt_new_rec(const struct alloc_libvirt_vf *x, struct vf_ref *v, struct rec *ret)
{
        struct rec rec = {.a.iface = x->iface, .a.kind = x->kind, .a.vf = (int)v->vf, .pid = (long)getpid()};
        memcpy(rec.a.mac, x->mac, 6);
        snprintf(rec.a.vf_address, sizeof(rec.a.vf_address), "%s", v->addr);
        rec.a.pf = TAKE_PTR(v->pf.name);
        rec.pf_ifname = TAKE_PTR(v->pf.ifname);
        if (dup_opt(x->domain_name, &rec.a.domain_name) < 0 ||
            dup_opt(x->domain_uuid ? x->domain_uuid : "", &rec.a.domain_uuid) < 0 ||
            dup_opt(x->source, &rec.a.source) < 0 || dup_opt(x->network, &rec.a.network) < 0 ||
            dup_opt(x->port, &rec.a.port) < 0) {
                rec_done(&rec);
                return -ENOMEM;
        }
        *ret = rec;
        return 0;
}

int alloc_libvirt_hold(struct sriov_ctx *ctx, const struct alloc_libvirt_vf *x, enum alloc_libvirt_result *ret)
{
        ctx_clear_error(ctx);
        int r = sysfs_root_fd(ctx);
        if (r < 0)
                return r;
        struct vf_ref v;
        if ((r = vf_ref_from_pci(ctx, x->domain_name, x->vf_address, &v)) < 0)
                return r; /* -ENOTSUP: not a VF, none of ours */
        struct store s;
        if ((r = open_store_within(ctx, HOOK_LOCK_MS, WAIT_DEFAULT_MS, &s)) < 0) {
                pf_ref_done(&v.pf);
                return r;
        }
        enum alloc_libvirt_result res = ALLOC_LIBVIRT_NEW;
        char in_use[160];
        struct rec *rec = (struct rec *)holder_of_vf(&s, v.pf.name, (int)v.vf);
        if (rec && !libvirt_same_holder(rec, x)) {
                if (!rec->a.source && (strcmp(rec->a.domain_name, x->domain_name) == 0 ||
                                       (x->domain_uuid && *x->domain_uuid &&
                                        strcasecmp(rec->a.domain_uuid, x->domain_uuid) == 0)))
                        res = ALLOC_LIBVIRT_ATTACHED; /* the XML sriovctl attach wrote for this guest */
                else
                        r = refuse_held(ctx, rec, x, &v);
                rec = NULL;
        } else if (rec) {
                res = ALLOC_LIBVIRT_KEPT;
                /* a port made again (libvirtd restarted) keeps what the first
                 * one recorded, the settings before included */
                if (x->port && (!rec->a.port || strcmp(rec->a.port, x->port) != 0)) {
                        free(rec->a.port);
                        if (!(rec->a.port = strdup(x->port)))
                                r = -ENOMEM;
                        res = ALLOC_LIBVIRT_UPDATED;
                }
        } else if (vfio_in_use(ctx, x->vf_address, in_use, sizeof(in_use)) < 0) {
                /* unrecorded, yet someone has it: not libvirt's to give */
                r = ctx_fail(ctx, -EBUSY, "VF %s: %s", x->vf_address, in_use);
        } else {
                struct rec nr;
                if ((r = libvirt_new_rec(x, &v, &nr)) == 0 && (r = store_add(&s, &nr)) < 0)
                        rec_done(&nr);
                if (r == 0)
                        rec = &s.recs[s.n - 1];
        }
        pf_ref_done(&v.pf);
        if (r == 0 && rec) {
                struct sriov_vf_config want = rec->a.config;
                alloc_config_merge(&want, &x->config);
                struct sriov_vf_config change = x->config;
                change.set &= ~x->deferred;
                if (res != ALLOC_LIBVIRT_NEW && !x->force && memcmp(&want, &rec->a.config, sizeof(want)) == 0)
                        change.set = 0; /* as recorded: nothing to send */
                if (x->iface_known && rec->a.iface != x->iface) {
                        rec->a.iface = x->iface;
                        if (res == ALLOC_LIBVIRT_KEPT)
                                res = ALLOC_LIBVIRT_UPDATED;
                }
                if (res == ALLOC_LIBVIRT_NEW && (r = libvirt_snapshot(ctx, rec, true)) < 0 && !change.set) {
                        /* taken now, before libvirt sets the VF's MAC and
                         * VLAN, though nothing is sent yet; failing that, at
                         * the first change, without the MAC and VLAN (then
                         * libvirt's, never put back) */
                        ctx_notice(ctx, "VF %s: its settings cannot be read now (%s): they are read before the "
                                        "first change",
                                   rec->a.vf_address, *sriov_ctx_error(ctx) ? sriov_ctx_error(ctx) : strerror(-r));
                        ctx_clear_error(ctx);
                        r = 0;
                }
                /* recorded with the change, so that undoing it knows what to put back */
                struct sriov_vf_config had = rec->a.config;
                rec->a.config = want;
                if (r == 0 && change.set) {
                        if ((r = libvirt_apply(ctx, &s, rec, &change)) == 0 && res == ALLOC_LIBVIRT_KEPT)
                                res = ALLOC_LIBVIRT_UPDATED;
                }
                if (r == 0) {
                        rec->a.pending = false;
                        r = store_save(ctx, &s);
                } else if (res == ALLOC_LIBVIRT_NEW) {
                        /* nothing of this one is kept: what was set goes back */
                        _cleanup_free_ char *why = strdup(sriov_ctx_error(ctx));
                        int u = undo_rec(ctx, rec, WAIT_DEFAULT_MS);
                        if (u < 0)
                                ctx_notice(ctx, "putting VF %s back: %s", rec->a.vf_address,
                                           *sriov_ctx_error(ctx) ? sriov_ctx_error(ctx) : strerror(-u));
                        store_drop(&s, s.n - 1);
                        (void)store_save(ctx, &s);
                        ctx_clear_error(ctx);
                        if (why && *why)
                                ctx_fail(ctx, r, "%s", why);
                } else {
                        rec->a.config = had; /* sriov_vf_set rolled back what it refused */
                        rec->a.pending = false;
                        (void)store_save(ctx, &s);
                }
        }
        store_done(&s);
        state_release(ctx);
        if (r == 0 && ret)
                *ret = res;
        return r;
}

int alloc_libvirt_vf_of(struct sriov_ctx *ctx, const char *domain, const uint8_t mac[6],
                        char ret[static SRIOV_PCI_ADDR_MAX], struct sriov_vf_config *ret_config)
{
        struct store s;
        int r = store_load(ctx, &s);
        if (r < 0)
                return r;
        r = -ENOENT;
        for (size_t i = 0; i < s.n; i++) {
                const struct rec *rec = &s.recs[i];
                if (rec->a.source && rec->a.vf_address[0] && strcmp(rec->a.domain_name, domain) == 0 &&
                    memcmp(rec->a.mac, mac, 6) == 0) {
                        snprintf(ret, SRIOV_PCI_ADDR_MAX, "%s", rec->a.vf_address);
                        *ret_config = rec->a.config;
                        r = 0;
                        break;
                }
        }
        store_done(&s);
        return r;
}

int alloc_libvirt_release(struct sriov_ctx *ctx, const char *port, const char *domain, unsigned *ret_freed)
{
        ctx_clear_error(ctx);
        int r = sysfs_root_fd(ctx);
        if (r < 0)
                return r;
        struct store s;
        if ((r = open_store_within(ctx, HOOK_LOCK_MS, WAIT_DEFAULT_MS, &s)) < 0)
                return r;
        unsigned freed = 0;
        int first = 0;
        for (size_t i = s.n; i-- > 0;) {
                struct rec *rec = &s.recs[i];
                if (!rec->a.source || (port && (!rec->a.port || strcmp(rec->a.port, port) != 0)) ||
                    (domain && strcmp(rec->a.domain_name, domain) != 0))
                        continue;
                _cleanup_free_ char *name = strdup(rec->a.domain_name);
                unsigned iface = rec->a.iface;
                char addr[SRIOV_PCI_ADDR_MAX];
                snprintf(addr, sizeof(addr), "%s", rec->a.vf_address);
                if ((r = undo_rec(ctx, rec, WAIT_DEFAULT_MS)) < 0) {
                        /* kept: the VF stays out of attach's hands until
                         * `sriovctl detach` gives it back */
                        if (!first) {
                                _cleanup_free_ char *why = strdup(sriov_ctx_error(ctx));
                                ctx_clear_error(ctx);
                                first = ctx_fail(ctx, r,
                                                 "domain '%s' interface #%u: VF %s: %s; its record is kept "
                                                 "(sriovctl detach '%s' tries again)",
                                                 name ? name : "?", iface + 1, addr,
                                                 why && *why ? why : strerror(-r), name ? name : "?");
                        }
                        continue;
                }
                store_drop(&s, i);
                freed++;
        }
        r = freed ? store_save(ctx, &s) : 0;
        store_done(&s);
        state_release(ctx);
        if (first < 0)
                return first;
        if (r == 0 && ret_freed)
                *ret_freed = freed;
        return r;
}
