/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pods: VFs a CNI ADD gave a container (sriov_pod_add/del/check/gc/status).
 * The same store, lock and pending-first discipline as attach: a record of
 * kind "pod" names the attachment (container ID + ifname, the netns and
 * the network), the VF, what to put back (`before`, the netdev's host
 * name, MAC and MTU). DEL and GC find what to give back by the attachment,
 * never by the VF a configuration names, so a late DEL of a container that
 * no longer holds a VF leaves it alone. */
#include <string.h>
#include <unistd.h>

#include "podnet.h"
#include "recover.h"
#include "state.h"
#include "vfcfg.h"
#include "vfinfo.h"
#include "vfref.h"

static bool same_attachment(const struct rec *r, const char *container_id, const char *ifname)
{
        return r->a.kind == SRIOV_ALLOC_POD && strcmp(r->a.pod.container_id, container_id) == 0 &&
               strcmp(r->a.pod.ifname, ifname) == 0;
}

/* "pod 'ID' (ifname net1, network N)" or "domain 'g1'", for messages. */
static void holder_describe(const struct rec *h, char *buf, size_t size)
{
        if (h->a.kind == SRIOV_ALLOC_POD)
                snprintf(buf, size, "container '%s' (ifname %s, network '%s')%s", h->a.pod.container_id,
                         h->a.pod.ifname, h->a.pod.network ? h->a.pod.network : "",
                         h->a.pending ? ", ADD unfinished" : "");
        else
                snprintf(buf, size, "domain '%s'%s", h->a.domain_name, h->a.pending ? ", attach unfinished" : "");
}

/* Every check of sriov_pod_add that comes before the first change. */
static int pod_plan(struct sriov_ctx *ctx, const struct store *s, const struct sriov_pod_request *req,
                    const struct vf_ref *v, struct rec *rec)
{
        char why[320];
        for (size_t i = 0; i < s->n; i++)
                if (same_attachment(&s->recs[i], req->container_id, req->ifname))
                        return ctx_fail(ctx, -EEXIST, "container '%s' already holds VF %s as %s (DEL it first)",
                                        req->container_id, s->recs[i].a.vf_address, req->ifname);
        const struct rec *h = holder_of_vf(s, v->pf.name, (int)v->vf);
        if (h) {
                holder_describe(h, why, sizeof(why));
                return ctx_fail(ctx, -EADDRINUSE, "VF %u (%s) of %s is held by %s", v->vf, v->addr, v->pf.name, why);
        }
        _cleanup_free_ char *drv = pci_driver(ctx, v->addr);
        rec->a.pod.vfio = drv && strcmp(drv, "vfio-pci") == 0;
        if (rec->a.pod.vfio && vfio_in_use(ctx, v->addr, why, sizeof(why)) < 0)
                return ctx_fail(ctx, -EBUSY, "VF %s: %s", v->addr, why);
        if (!rec->a.pod.vfio) {
                char nd[SRIOV_IFNAME_MAX], dir[64];
                podnet_host_netdev(ctx, v->addr, nd);
                if (!nd[0])
                        return ctx_fail(ctx, -ENODEV,
                                        "VF %s has no netdev in the host namespace (driver %s): in use elsewhere, "
                                        "or bind it to a network driver (netdev mode) or vfio-pci",
                                        v->addr, drv ? drv : "none");
                _cleanup_free_ char *up = NULL;
                snprintf(dir, sizeof(dir), "class/net/%s", nd);
                if (sysfs_upper_names(ctx, dir, &up) < 0)
                        return -ENOMEM;
                if (up[0])
                        return ctx_fail(ctx, -EBUSY, "VF %s: its netdev %s has upper devices (%s): in use", v->addr,
                                        nd, up);
                if ((h = holder_of_netdev(s, nd))) {
                        holder_describe(h, why, sizeof(why));
                        return ctx_fail(ctx, -EADDRINUSE, "VF %s: its netdev %s is held by %s", v->addr, nd, why);
                }
                int r = podnet_host_link(ctx, nd, rec->a.pod.netdev_mac, &rec->a.pod.netdev_mtu);
                if (r < 0)
                        return r;
                if (!(rec->a.netdev = strdup(nd)))
                        return -ENOMEM;
        }
        if (access(req->netns, F_OK) < 0)
                return ctx_fail(ctx, -errno, "network namespace %s: %s", req->netns, strerror(errno));
        return 0;
}

static int pod_req_check(struct sriov_ctx *ctx, const struct sriov_pod_request *req)
{
        if (!req->container_id || !req->container_id[0] || !sriov_ifname_valid(req->ifname) || !req->netns ||
            !req->netns[0] || !req->vf_address)
                return ctx_fail(ctx, -EINVAL, "a pod attachment needs a container ID, an interface name (1-15 "
                                "characters, no '/', ':', '%%', blanks or control characters), a netns and a VF");
        return 0;
}

/* The VF of a pod request, from its PCI address. */
static int pod_vf(struct sriov_ctx *ctx, const char *addr, struct vf_ref *ret)
{
        char p[64];
        snprintf(p, sizeof(p), "bus/pci/devices/%s", addr);
        if (!sysfs_exists(ctx, p))
                return ctx_fail(ctx, -ENODEV, "deviceID %s: no such PCI device", addr);
        int r = vf_ref_from_pci(ctx, "deviceID", addr, ret);
        if (r == -ENOTSUP)
                return ctx_fail(ctx, -ENODEV, "deviceID %s is not an SR-IOV VF", addr);
        return r;
}

/* Undoes a failed ADD (its record is the newest); r's message is kept. */
static void pod_add_undo(struct sriov_ctx *ctx, struct store *s, const struct sriov_pod_request *req,
                         unsigned timeout_ms, int r)
{
        /* the undo steps are public calls that start a new message: the
         * first failure's is put back */
        _cleanup_free_ char *why = strdup(sriov_ctx_error(ctx));
        if (s->n && s->recs[s->n - 1].a.pending && same_attachment(&s->recs[s->n - 1], req->container_id, req->ifname)) {
                int u = undo_rec(ctx, &s->recs[s->n - 1], timeout_ms);
                if (u < 0)
                        ctx_notice(ctx, "undoing the ADD of container '%s': %s (its record is kept: the next call "
                                        "retries)", req->container_id,
                                   *sriov_ctx_error(ctx) ? sriov_ctx_error(ctx) : strerror(-u));
                else
                        store_drop(s, s->n - 1);
                (void)store_save(ctx, s);
        }
        ctx_clear_error(ctx);
        if (why && *why)
                ctx_fail(ctx, r, "%s", why);
}

int sriov_pod_add(struct sriov_ctx *ctx, const struct sriov_pod_request *req, unsigned timeout_ms,
                  sriov_pod_configure_fn configure, void *userdata, struct sriov_pod_iface *ret)
{
        ctx_clear_error(ctx);
        if (!timeout_ms)
                timeout_ms = WAIT_DEFAULT_MS;
        int r = sysfs_root_fd(ctx);
        if (r < 0 || (r = pod_req_check(ctx, req)) < 0)
                return r;
        if (req->config.set && (r = sriov_vf_config_validate(ctx, &req->config)) < 0)
                return r;
        struct vf_ref v;
        if ((r = pod_vf(ctx, req->vf_address, &v)) < 0)
                return r;
        struct store s;
        if ((r = open_store(ctx, timeout_ms, &s)) < 0) {
                pf_ref_done(&v.pf);
                return r;
        }
        struct rec rec = {.a.kind = SRIOV_ALLOC_POD, .a.pending = true, .a.vf = (int)v.vf, .pid = (long)getpid()};
        snprintf(rec.a.vf_address, sizeof(rec.a.vf_address), "%s", v.addr);
        rec.a.config = req->config;
        if ((r = pod_plan(ctx, &s, req, &v, &rec)) < 0)
                goto out;
        if (asprintf(&rec.a.domain_name, "cni:%s/%s/%s", req->network ? req->network : "", req->container_id,
                     req->ifname) < 0) {
                rec.a.domain_name = NULL;
                r = -ENOMEM;
                goto out;
        }
        rec.a.pf = TAKE_PTR(v.pf.name);
        rec.pf_ifname = TAKE_PTR(v.pf.ifname);
        if (!(rec.a.domain_uuid = strdup("")) || !(rec.a.pod.container_id = strdup(req->container_id)) ||
            !(rec.a.pod.ifname = strdup(req->ifname)) || !(rec.a.pod.netns = strdup(req->netns)) ||
            dup_opt(req->network, &rec.a.pod.network) < 0) {
                r = -ENOMEM;
                goto out;
        }
        if (req->config.set & SRIOV_VF_MAC)
                memcpy(rec.a.mac, req->config.mac, 6);

        /* what to put back, before the first change; nothing set through
         * the PF leaves nothing to put back there (no PF read-back then) */
        if (req->config.set) {
                struct vfinfo_reply now = {0};
                if ((r = vfinfo_read(ctx, rec.pf_ifname, &now)) < 0)
                        goto out;
                if ((unsigned)rec.a.vf >= now.n || !now.seen[rec.a.vf]) {
                        vfinfo_reply_done(&now);
                        r = ctx_fail(ctx, -EIO, "the kernel did not report VF %d of %s", rec.a.vf, rec.pf_ifname);
                        goto out;
                }
                r = vf_link_to_words(&now.vfs[rec.a.vf], &rec.before);
                vfinfo_reply_done(&now);
                unsigned *saved = NULL;
                size_t n_saved = 0;
                if (r < 0 || (r = sriov_vf_saved(ctx, rec.pf_ifname, &saved, &n_saved)) < 0)
                        goto out;
                rec.saved_here = true;
                for (size_t k = 0; k < n_saved; k++)
                        if (saved[k] == (unsigned)rec.a.vf)
                                rec.saved_here = false;
                free(saved);
        }
        if ((r = store_add(&s, &rec)) < 0 || (r = store_save(ctx, &s)) < 0)
                goto undo;

        struct rec *nr = &s.recs[s.n - 1];
        struct sriov_pod_iface io = {.vfio = nr->a.pod.vfio};
        snprintf(io.vf_address, sizeof(io.vf_address), "%s", nr->a.vf_address);
        if (req->config.set && (r = sriov_vf_set(ctx, rec_pf(nr), (unsigned)nr->a.vf, &req->config)) < 0) {
                ctx_error_prefix(ctx, "VF %d (%s) of %s", nr->a.vf, nr->a.vf_address, nr->pf_ifname);
                goto undo;
        }
        if (!nr->a.pod.vfio) {
                char nd[SRIOV_IFNAME_MAX];
                snprintf(nd, sizeof(nd), "%s", nr->a.netdev);
                if ((req->config.set & SRIOV_VF_MAC) &&
                    (r = podnet_take_mac(ctx, nr->a.vf_address, req->config.mac, timeout_ms, nd)) < 0)
                        goto undo;
                if ((r = podnet_move_in(ctx, nd, req->netns, req->ifname, req->mtu, &io)) < 0)
                        goto undo;
        } else if (req->config.set & SRIOV_VF_MAC) {
                memcpy(io.mac, req->config.mac, 6);
                io.has_mac = true;
        }
        if (configure && (r = configure(ctx, &io, userdata)) < 0)
                goto undo;
        s.recs[s.n - 1].a.pending = false;
        if ((r = store_save(ctx, &s)) < 0) {
                /* not committed: undone like any failed step */
                s.recs[s.n - 1].a.pending = true;
                goto undo;
        }
        if (ret)
                *ret = io;
        goto out;
undo:
        pod_add_undo(ctx, &s, req, timeout_ms, r);
out:
        rec_done(&rec);
        pf_ref_done(&v.pf);
        store_done(&s);
        state_release(ctx);
        return r;
}

/* Undoes and drops record i; on failure the record stays for the next DEL. */
static int pod_release(struct sriov_ctx *ctx, struct store *s, size_t i, unsigned timeout_ms)
{
        int r = undo_rec(ctx, &s->recs[i], timeout_ms);
        if (r < 0) {
                ctx_error_prefix(ctx, "giving back VF %s of container '%s' (%s)", s->recs[i].a.vf_address,
                                 s->recs[i].a.pod.container_id, s->recs[i].a.pod.ifname);
                return r;
        }
        store_drop(s, i);
        return 0;
}

int sriov_pod_del(struct sriov_ctx *ctx, const char *container_id, const char *ifname, unsigned timeout_ms,
                  bool *ret_found)
{
        ctx_clear_error(ctx);
        if (!timeout_ms)
                timeout_ms = WAIT_DEFAULT_MS;
        if (!container_id || !ifname)
                return ctx_fail(ctx, -EINVAL, "DEL needs the container ID and the interface name");
        int r = sysfs_root_fd(ctx);
        if (r < 0)
                return r;
        struct store s;
        if ((r = open_store(ctx, timeout_ms, &s)) < 0)
                return r;
        bool found = false;
        for (size_t i = s.n; i-- > 0 && r == 0;)
                if (same_attachment(&s.recs[i], container_id, ifname)) {
                        found = true;
                        if ((r = pod_release(ctx, &s, i, timeout_ms)) == 0)
                                r = store_save(ctx, &s);
                }
        store_done(&s);
        state_release(ctx);
        if (r == 0 && ret_found)
                *ret_found = found;
        return r;
}

int sriov_pod_check(struct sriov_ctx *ctx, const struct sriov_pod_request *req)
{
        ctx_clear_error(ctx);
        int r = sysfs_root_fd(ctx);
        if (r < 0 || (r = pod_req_check(ctx, req)) < 0)
                return r;
        struct store s;
        if ((r = open_store(ctx, WAIT_DEFAULT_MS, &s)) < 0)
                return r;
        const struct rec *rec = NULL;
        for (size_t i = 0; i < s.n && !rec; i++)
                if (same_attachment(&s.recs[i], req->container_id, req->ifname))
                        rec = &s.recs[i];
        if (!rec)
                r = ctx_fail(ctx, -ENOENT, "container '%s' holds no VF as %s", req->container_id, req->ifname);
        else if (strcmp(rec->a.vf_address, req->vf_address) != 0)
                r = ctx_fail(ctx, -EIO, "container '%s' holds VF %s as %s, not deviceID %s", req->container_id,
                             rec->a.vf_address, req->ifname, req->vf_address);
        else if (rec->a.pod.netns && strcmp(rec->a.pod.netns, req->netns) != 0)
                r = ctx_fail(ctx, -EIO, "container '%s': %s was moved into %s, not %s", req->container_id,
                             req->ifname, rec->a.pod.netns, req->netns);
        if (r == 0 && rec->a.config.set) {
                struct vfinfo_reply now = {0};
                if ((r = vfinfo_read(ctx, rec->pf_ifname, &now)) == 0) {
                        uint32_t mismatch = 0, unverified = 0;
                        if ((unsigned)rec->a.vf < now.n && now.seen[rec->a.vf])
                                vf_compare(&rec->a.config, &now.vfs[rec->a.vf], &mismatch, &unverified);
                        else
                                r = ctx_fail(ctx, -EIO, "the kernel does not report VF %d of %s", rec->a.vf,
                                             rec->pf_ifname);
                        for (uint32_t bit = 1; r == 0 && mismatch && bit; bit <<= 1)
                                if (mismatch & bit) {
                                        char w[96];
                                        vf_attr_describe(bit, &rec->a.config, w, sizeof(w));
                                        r = ctx_fail(ctx, -EIO, "VF %s: %s was set at ADD, the kernel now reports "
                                                     "otherwise", rec->a.vf_address, w);
                                }
                        vfinfo_reply_done(&now);
                }
        }
        if (r == 0 && !rec->a.pod.vfio) {
                struct podnet_link l;
                if ((r = podnet_probe(ctx, req->netns, req->ifname, &l)) == 0 && l.parent[0] &&
                    strcmp(l.parent, rec->a.vf_address) != 0)
                        r = ctx_fail(ctx, -EIO, "%s in %s is %s, not VF %s", req->ifname, req->netns, l.parent,
                                     rec->a.vf_address);
                if (r == 0 && req->mtu && l.mtu != req->mtu)
                        r = ctx_fail(ctx, -EIO, "%s in %s has mtu %u, not %u", req->ifname, req->netns, l.mtu,
                                     req->mtu);
        }
        store_done(&s);
        state_release(ctx);
        return r;
}

int sriov_pod_gc(struct sriov_ctx *ctx, const char *network, const struct sriov_pod_key *valid, size_t n,
                 unsigned timeout_ms, unsigned *ret_released)
{
        ctx_clear_error(ctx);
        if (!timeout_ms)
                timeout_ms = WAIT_DEFAULT_MS;
        int r = sysfs_root_fd(ctx);
        if (r < 0)
                return r;
        struct store s;
        if ((r = open_store(ctx, timeout_ms, &s)) < 0)
                return r;
        unsigned released = 0;
        int first = 0;
        for (size_t i = s.n; i-- > 0;) {
                const struct rec *rec = &s.recs[i];
                if (rec->a.kind != SRIOV_ALLOC_POD || !rec->a.pod.network || !network ||
                    strcmp(rec->a.pod.network, network) != 0)
                        continue;
                bool keep = false;
                for (size_t k = 0; k < n && !keep; k++)
                        keep = same_attachment(rec, valid[k].container_id, valid[k].ifname);
                if (keep)
                        continue;
                /* keep going: release everything that can be */
                if ((r = pod_release(ctx, &s, i, timeout_ms)) < 0) {
                        if (!first)
                                first = r;
                        continue;
                }
                released++;
        }
        r = released ? store_save(ctx, &s) : 0;
        store_done(&s);
        state_release(ctx);
        if (first < 0)
                return first;
        if (r < 0)
                return r;
        if (ret_released)
                *ret_released = released;
        return 0;
}

int sriov_pod_status(struct sriov_ctx *ctx, unsigned timeout_ms)
{
        ctx_clear_error(ctx);
        if (!timeout_ms)
                timeout_ms = WAIT_DEFAULT_MS;
        int r = sysfs_root_fd(ctx);
        if (r < 0)
                return r;
        struct store s;
        if ((r = open_store(ctx, timeout_ms, &s)) < 0)
                return r;
        store_done(&s);
        state_release(ctx);
        return 0;
}
