/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bringing one PF to its desired state, changing only what differs, so that
 * running it again (a replayed uevent) changes nothing: the drivers'
 * autoprobe, the VF count, then every VF's attributes in one batch
 * (sriov_vf_apply: one RTM_SETLINK per PF, verified), then port profiles. */
#include <inttypes.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "pfref.h"
#include "state.h"
#include "vfcfg.h"
#include "vfinfo.h"

#define POLL_MS 20
#define PORT_TIMEOUT_MS 10000
/* an attach holds the store for a while (32 queued ones under TCG) */
#define LOCK_TIMEOUT_MS 120000
#define VFIO_TIMEOUT_MS 5000

/* The VFs guests hold on the PF of this pass, read under its locks. */
struct held {
        struct held_vf *v;
        size_t n;
};

void sriov_reconcile_result_done(struct sriov_reconcile_result *r)
{
        free(r->pf);
        free(r->ifname);
        strv_free(r->actions);
        strv_free(r->pending);
        *r = (struct sriov_reconcile_result){0};
}

static void result_freep(struct sriov_reconcile_result *r) { sriov_reconcile_result_done(r); }

/* ---- which device ------------------------------------------------------------- */

/* The PF's device directory relative to the sysfs root: a device path as
 * udev gives it (a netdev's leads to its device), or whatever names a PF
 * for the other commands (pf_dir_resolve). */
static int resolve_devdir(struct sriov_ctx *ctx, const char *device, char **ret)
{
        _cleanup_free_ char *path = NULL, *dir = NULL, *probe = NULL;
        int r;
        if (device[0] != '/') {
                /* resolved as the path udev's events carry for it */
                if ((r = pf_dir_resolve(ctx, device, &path, NULL)) < 0 || (r = sysfs_realpath(ctx, path, &dir)) < 0)
                        return r;
                *ret = TAKE_PTR(dir);
                return 0;
        }
        while (*device == '/')
                device++;
        if (strstr(device, "/net/")) {
                if (asprintf(&path, "%s/device", device) < 0)
                        return -ENOMEM;
        } else if (!(path = strdup(device)))
                return -ENOMEM;
        if (!sysfs_exists(ctx, path))
                return ctx_fail(ctx, -ENODEV, "%s: no such device under %s", device, ctx->sysfs_root);
        if ((r = sysfs_realpath(ctx, path, &dir)) < 0)
                return r;
        if (asprintf(&probe, "%s/sriov_numvfs", dir) < 0)
                return -ENOMEM;
        if (!sysfs_exists(ctx, probe))
                return ctx_fail(ctx, -ENODEV, "%s is not an SR-IOV physical function (no sriov_numvfs in %s/%s)",
                                device, ctx->sysfs_root, dir);
        *ret = TAKE_PTR(dir);
        return 0;
}

static int first_netdev(struct sriov_ctx *ctx, const char *devdir, char **ret)
{
        _cleanup_free_ char *netdir = NULL;
        if (asprintf(&netdir, "%s/net", devdir) < 0)
                return -ENOMEM;
        _cleanup_strv_free_ char **names = NULL;
        if (sysfs_list(ctx, netdir, NULL, &names) < 0 || !names || !names[0]) {
                ctx_clear_error(ctx);
                return -ENOENT;
        }
        char *n = strdup(names[0]);
        if (!n)
                return -ENOMEM;
        *ret = n;
        return 0;
}

/* ---- PF level ------------------------------------------------------------------ */

static int read_attr(struct sriov_ctx *ctx, const char *devdir, const char *name, uint64_t max, uint64_t *ret)
{
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/%s", devdir, name) < 0)
                return -ENOMEM;
        return sysfs_read_u64(ctx, path, 10, max, ret);
}

static int write_attr(struct sriov_ctx *ctx, const char *devdir, const char *name, uint64_t value)
{
        _cleanup_free_ char *path = NULL;
        char v[24];
        snprintf(v, sizeof(v), "%" PRIu64, value);
        if (asprintf(&path, "%s/%s", devdir, name) < 0)
                return -ENOMEM;
        return sysfs_write(ctx, path, v);
}

/* Refuses a PF-level change (-EADDRINUSE), naming every held VF from
 * from_vf on and its guest: changing the VF count destroys VFs, so a
 * running guest would lose its NIC and the store would point at VFs that
 * are gone. */
static int refuse_held(struct sriov_ctx *ctx, const struct held *h, unsigned from_vf, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static int refuse_held(struct sriov_ctx *ctx, const struct held *h, unsigned from_vf, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        _cleanup_free_ char *what = strdup_vprintf(fmt, ap);
        va_end(ap);
        char list[1024] = "";
        size_t len = 0;
        unsigned n = 0;
        for (size_t i = 0; i < h->n; i++) {
                if (h->v[i].vf < from_vf)
                        continue;
                char one[256];
                held_vf_describe(&h->v[i], one, sizeof(one));
                if (len < sizeof(list))
                        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", n ? "; " : "", one);
                n++;
        }
        return ctx_fail(ctx, -EADDRINUSE, "%s refused: %s: %s (detach %s first, or change the desired state)",
                        what ? what : "change", n == 1 ? "a guest holds a VF it would remove" :
                                                         "guests hold VFs it would remove",
                        list, n == 1 ? "it" : "them");
}

static int set_autoprobe(struct sriov_ctx *ctx, const char *devdir, const char *name, int want, const struct held *h,
                         char ***actions)
{
        uint64_t cur;
        int r = read_attr(ctx, devdir, "sriov_drivers_autoprobe", 1, &cur);
        if (r < 0)
                return r;
        if ((int)cur == want)
                return 0;
        if (h->n)
                /* it decides the drivers of re-created VFs, which the guests' VFs are not to become */
                return refuse_held(ctx, h, 0, "%s: autoprobe %s -> %s", name, cur ? "on" : "off", want ? "on" : "off");
        if ((r = write_attr(ctx, devdir, "sriov_drivers_autoprobe", (uint64_t)want)) < 0) {
                ctx_error_prefix(ctx, "%s: autoprobe %s", name, want ? "on" : "off");
                return r;
        }
        return strv_pushf(actions, "autoprobe %s -> %s", cur ? "on" : "off", want ? "on" : "off");
}

/* netdevsim (the kernel's test driver) refuses more VFs than its debugfs
 * max_vfs, which a re-created device resets to 4; raise it as the admin
 * who created the device would. Only where that file exists. */
static void netdevsim_max_vfs(struct sriov_ctx *ctx, const char *name, int64_t want)
{
        _cleanup_free_ char *path = NULL;
        uint64_t cur;
        if (asprintf(&path, "kernel/debug/netdevsim/%s/max_vfs", name) < 0)
                return;
        if (sysfs_exists(ctx, path) && sysfs_read_u64(ctx, path, 10, UINT32_MAX, &cur) == 0 && (int64_t)cur < want) {
                char v[24];
                snprintf(v, sizeof(v), "%" PRId64, want);
                (void)sysfs_write(ctx, path, v);
        }
        ctx_clear_error(ctx);
}

static int set_numvfs(struct sriov_ctx *ctx, const char *devdir, const char *name, int64_t want, const struct held *h,
                      char ***actions)
{
        uint64_t cur, total;
        int r = read_attr(ctx, devdir, "sriov_numvfs", UINT32_MAX, &cur);
        if (r < 0)
                return r;
        if ((int64_t)cur == want)
                return 0; /* matching: not touched, its VFs keep running */
        _cleanup_free_ char *tpath = NULL;
        if (asprintf(&tpath, "%s/sriov_totalvfs", devdir) < 0)
                return -ENOMEM;
        if (sysfs_exists(ctx, tpath) && read_attr(ctx, devdir, "sriov_totalvfs", UINT32_MAX, &total) == 0 &&
            want > (int64_t)total)
                return ctx_fail(ctx, -ERANGE, "%s: numvfs %" PRId64 " is above the PF's sriov_totalvfs %" PRIu64, name,
                                want, total);
        ctx_clear_error(ctx);
        if (h->n && h->v[h->n - 1].vf >= (uint64_t)want)
                return refuse_held(ctx, h, (unsigned)want, "%s: numvfs %" PRIu64 " -> %" PRId64, name, cur, want);
        netdevsim_max_vfs(ctx, name, want);
        r = write_attr(ctx, devdir, "sriov_numvfs", (uint64_t)want);
        bool via_zero = false;
        if (r == -EBUSY && cur != 0 && want != 0) {
                /* the PCI core (and most drivers) change a non-zero count only
                 * through 0: the VFs are destroyed and made again */
                ctx_clear_error(ctx);
                if (h->n)
                        return refuse_held(ctx, h, 0, "%s: numvfs %" PRIu64 " -> 0 -> %" PRId64 " (%s changes a "
                                                      "non-zero VF count only through 0)",
                                           name, cur, want, name);
                if ((r = write_attr(ctx, devdir, "sriov_numvfs", 0)) == 0)
                        r = write_attr(ctx, devdir, "sriov_numvfs", (uint64_t)want);
                via_zero = true;
        }
        if (r < 0) {
                ctx_error_prefix(ctx, "%s: numvfs %" PRIu64 " -> %" PRId64, name, cur, want);
                return r;
        }
        return strv_pushf(actions, "numvfs %" PRIu64 " -> %s%" PRId64, cur, via_zero ? "0 -> " : "", want);
}

/* ---- VF level ------------------------------------------------------------------ */

/* The fields src sets replace those of dst. */
static void config_overlay(struct sriov_vf_config *dst, const struct sriov_vf_config *src)
{
        uint32_t s = src->set;
        if (s & SRIOV_VF_RATE)
                s = (s & ~(uint32_t)SRIOV_VF_RATE) | SRIOV_VF_MIN_RATE | SRIOV_VF_MAX_RATE;
        if (s & SRIOV_VF_MAC)
                memcpy(dst->mac, src->mac, 6);
        if (s & SRIOV_VF_VLAN) {
                dst->vlan = src->vlan;
                dst->qos = src->qos;
                dst->vlan_proto = src->vlan_proto;
                dst->set &= ~(uint32_t)SRIOV_VF_VLAN_PROTO;
                dst->set |= s & SRIOV_VF_VLAN_PROTO;
        }
        if (s & SRIOV_VF_SPOOFCHK)
                dst->spoofchk = src->spoofchk;
        if (s & SRIOV_VF_TRUST)
                dst->trust = src->trust;
        if (s & SRIOV_VF_QUERY_RSS)
                dst->query_rss = src->query_rss;
        if (s & SRIOV_VF_LINK_STATE)
                dst->link_state = src->link_state;
        if (s & SRIOV_VF_MIN_RATE)
                dst->min_tx_rate = src->min_tx_rate;
        if (s & SRIOV_VF_MAX_RATE)
                dst->max_tx_rate = src->max_tx_rate;
        if (dst->set & SRIOV_VF_RATE)
                dst->set = (dst->set & ~(uint32_t)SRIOV_VF_RATE) | SRIOV_VF_MIN_RATE | SRIOV_VF_MAX_RATE;
        dst->set |= s;
}

static const uint32_t describe_order[] = {
        SRIOV_VF_MAC,       SRIOV_VF_VLAN,     SRIOV_VF_SPOOFCHK, SRIOV_VF_TRUST,
        SRIOV_VF_LINK_STATE, SRIOV_VF_MIN_RATE, SRIOV_VF_MAX_RATE, SRIOV_VF_QUERY_RSS,
};

static int describe_plan(const struct sriov_vf_config *plan, const struct sriov_vf_config *want, unsigned vf,
                         bool allocated, char ***actions)
{
        char line[512];
        size_t len = (size_t)snprintf(line, sizeof(line), "vf %u:", vf);
        uint32_t set = plan->set;
        if (set & SRIOV_VF_VLAN_PROTO)
                set |= SRIOV_VF_VLAN;
        for (size_t i = 0; i < ELEMENTSOF(describe_order) && len < sizeof(line); i++) {
                if (!(set & describe_order[i]))
                        continue;
                char buf[96];
                vf_attr_describe(describe_order[i], want, buf, sizeof(buf));
                len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", buf);
        }
        if (allocated && len < sizeof(line))
                snprintf(line + len, sizeof(line) - len, " (its allocation's settings)");
        return strv_push(actions, line);
}

struct vf_want {
        unsigned vf;
        struct sriov_vf_config config;
        const struct sriov_desired_vf *desired; /* NULL: only allocated */
        bool allocated;
};

/* Reads the PF's VFs, waiting (bounded) until the kernel reports every VF
 * up to `need` (after a VF count change the list follows the PCI core). */
static int read_vfs(struct sriov_ctx *ctx, const char *ifname, int64_t need, unsigned wait_ms,
                    struct vfinfo_reply *ret)
{
        int64_t deadline = monotonic_ms() + wait_ms;
        for (;;) {
                struct vfinfo_reply cur = {0};
                int r = vfinfo_read(ctx, ifname, &cur);
                if (r < 0)
                        return r;
                int64_t have = cur.num_vf == SRIOV_ABSENT ? 0 : cur.num_vf;
                if (have >= need || monotonic_ms() >= deadline) {
                        *ret = cur;
                        return 0;
                }
                vfinfo_reply_done(&cur);
                sleep_ms(POLL_MS);
        }
}

static bool port_matches(const struct sriov_port *want, const struct sriov_port *st)
{
        if (!(st->present & SRIOV_PORT_F_REQUEST) || st->request != SRIOV_PORT_ASSOCIATE)
                return false;
        if (!(st->present & SRIOV_PORT_F_PROFILE) || strcmp(st->profile, want->profile) != 0)
                return false;
        if ((want->present & SRIOV_PORT_F_INSTANCE) &&
            (!(st->present & SRIOV_PORT_F_INSTANCE) || memcmp(st->instance_uuid, want->instance_uuid, 16) != 0))
                return false;
        if ((want->present & SRIOV_PORT_F_HOST) &&
            (!(st->present & SRIOV_PORT_F_HOST) || memcmp(st->host_uuid, want->host_uuid, 16) != 0))
                return false;
        return true;
}

static bool has_carrier(struct sriov_ctx *ctx, const char *ifname)
{
        _cleanup_free_ char *path = NULL;
        uint64_t v = 0;
        if (asprintf(&path, "class/net/%s/carrier", ifname) < 0)
                return false;
        /* reading carrier of a netdev that is down is EINVAL */
        bool up = sysfs_read_u64(ctx, path, 10, 1, &v) == 0 && v == 1;
        ctx_clear_error(ctx);
        return up;
}

#define RATES (SRIOV_VF_RATE | SRIOV_VF_MIN_RATE | SRIOV_VF_MAX_RATE)

/* One sriov_vf_apply batch. igb refuses VF rates (EINVAL) while the PF has
 * no link, which is how a PF comes back after its driver is reloaded: then
 * the rates go in a second batch, so that everything else is in place
 * anyway, and rates still refused wait (wait_ms) for the link, else stay
 * pending. */
static int apply_batch(struct sriov_ctx *ctx, const char *ifname, struct sriov_vf_request *reqs, size_t n,
                       unsigned wait_ms, struct sriov_reconcile_result *res, bool *ret_rates_pending)
{
        bool any_rate = false;
        for (size_t i = 0; i < n; i++)
                any_rate |= (reqs[i].config.set & RATES) != 0;
        if (!any_rate || has_carrier(ctx, ifname)) {
                int r = sriov_vf_apply(ctx, reqs, n);
                if (r == 0)
                        res->vfs_set = (unsigned)n;
                return r;
        }
        _cleanup_free_ struct sriov_vf_request *first = calloc(n, sizeof(*first)), *rates = calloc(n, sizeof(*rates));
        if (!first || !rates)
                return -ENOMEM;
        size_t n_first = 0, n_rates = 0;
        for (size_t i = 0; i < n; i++) {
                if (reqs[i].config.set & ~(uint32_t)RATES) {
                        first[n_first] = reqs[i];
                        first[n_first++].config.set &= ~(uint32_t)RATES;
                }
                if (reqs[i].config.set & RATES) {
                        /* only the rates: a qos without its vlan would be refused */
                        const struct sriov_vf_config *c = &reqs[i].config;
                        rates[n_rates] = reqs[i];
                        rates[n_rates++].config = (struct sriov_vf_config){.set = c->set & RATES,
                                                                           .vlan_proto = SRIOV_ETH_P_8021Q,
                                                                           .min_tx_rate = c->min_tx_rate,
                                                                           .max_tx_rate = c->max_tx_rate};
                }
        }
        int r = n_first ? sriov_vf_apply(ctx, first, n_first) : 0;
        if (r < 0)
                return r;
        res->vfs_set = (unsigned)n_first;
        int64_t deadline = monotonic_ms() + wait_ms;
        _cleanup_free_ char *msg = NULL;
        for (;;) {
                r = sriov_vf_apply(ctx, rates, n_rates);
                if (r == 0) {
                        res->vfs_set = (unsigned)n;
                        return 0;
                }
                free(msg);
                msg = strdup(sriov_ctx_error(ctx));
                if (r != -EINVAL || has_carrier(ctx, ifname) || monotonic_ms() >= deadline)
                        break;
                while (!has_carrier(ctx, ifname) && monotonic_ms() < deadline)
                        sleep_ms(50);
        }
        ctx_clear_error(ctx);
        if (r != -EINVAL)
                return ctx_fail(ctx, r, "%s", msg ? msg : "");
        *ret_rates_pending = true;
        r = strv_pushf(&res->pending, "rates of %zu VF%s refused while %s has no link: %s", n_rates,
                       n_rates == 1 ? "" : "s", ifname, msg ? msg : "");
        return r;
}

/* A held VF that the allocation bound to vfio-pci and that is now on
 * another driver was re-created (numvfs 0 -> N, a driver reload) and
 * probed by its default driver: it goes back to vfio-pci, as it was given
 * to the guest. After its settings: igbvf takes the admin MAC set through
 * the PF only when it binds, and vfio-pci does not care. */
static int rebind_vfio(struct sriov_ctx *ctx, const char *devdir, const struct held *h, int only_vf,
                       struct sriov_reconcile_result *res)
{
        for (size_t i = 0; i < h->n; i++) {
                const struct held_vf *v = &h->v[i];
                if (!v->vfio || v->pending || (only_vf >= 0 && v->vf != (unsigned)only_vf))
                        continue;
                _cleanup_free_ char *link = NULL, *addr = NULL, *drv = NULL;
                if (asprintf(&link, "%s/virtfn%u", devdir, v->vf) < 0)
                        return -ENOMEM;
                if (sysfs_link_name(ctx, link, &addr) < 0) {
                        ctx_clear_error(ctx);
                        continue; /* not there (yet): its add event comes */
                }
                if (v->vf_address[0] && strcmp(addr, v->vf_address) != 0) {
                        int r = strv_pushf(&res->pending, "vf %u: at %s now, not at %s where domain '%s' got it: "
                                                          "left on its driver",
                                           v->vf, addr, v->vf_address, v->domain_name);
                        if (r < 0)
                                return r;
                        continue;
                }
                int r = pci_current_driver(ctx, addr, &drv);
                if (r < 0)
                        return r;
                if (drv && strcmp(drv, "vfio-pci") == 0)
                        continue;
                struct sriov_vfio_binding b;
                if ((r = sriov_vfio_bind(ctx, addr, VFIO_TIMEOUT_MS, &b)) < 0) {
                        ctx_error_prefix(ctx, "vf %u (%s) of domain '%s': back to vfio-pci", v->vf, addr,
                                         v->domain_name);
                        return r;
                }
                if ((r = strv_pushf(&res->actions, "vf %u: %s -> vfio-pci (%s, as domain '%s' was given it)", v->vf,
                                    drv ? drv : "no driver", b.group_path, v->domain_name)) < 0)
                        return r;
        }
        return 0;
}

static const struct held_vf *held_find(const struct held *h, unsigned vf)
{
        for (size_t i = 0; i < h->n; i++)
                if (h->v[i].vf == vf)
                        return &h->v[i];
        return NULL;
}

static int set_vfs(struct sriov_ctx *ctx, const struct sriov_desired_pf *dpf, const char *name, const char *ifname,
                   const struct held *h, const struct sriov_reconcile_options *o, struct sriov_reconcile_result *res)
{
        /* the VFs this pass looks at: desired ones, and allocated ones */
        int64_t need = 0;
        for (size_t i = 0; i < dpf->n_vfs; i++)
                if (o->only_vf < 0 || dpf->vfs[i].vf == (unsigned)o->only_vf)
                        need = (int64_t)dpf->vfs[i].vf + 1 > need ? (int64_t)dpf->vfs[i].vf + 1 : need;
        for (size_t i = 0; i < h->n; i++)
                if (o->only_vf < 0 || h->v[i].vf == (unsigned)o->only_vf)
                        need = (int64_t)h->v[i].vf + 1 > need ? (int64_t)h->v[i].vf + 1 : need;
        if (dpf->numvfs != SRIOV_ABSENT && need > dpf->numvfs)
                need = dpf->numvfs;
        _cleanup_(vfinfo_reply_done) struct vfinfo_reply cur = {0};
        int r = read_vfs(ctx, ifname, need, o->wait_ms, &cur);
        if (r < 0)
                return r;
        int64_t have = cur.num_vf == SRIOV_ABSENT ? 0 : cur.num_vf;
        _cleanup_free_ struct vf_want *wants = calloc((size_t)have + dpf->n_vfs + 1, sizeof(*wants));
        if (!wants)
                return -ENOMEM;
        size_t n_wants = 0;
        size_t di = 0;
        for (int64_t vf = 0; vf < have; vf++) {
                if (o->only_vf >= 0 && vf != o->only_vf)
                        continue;
                while (di < dpf->n_vfs && dpf->vfs[di].vf < (unsigned)vf)
                        di++;
                const struct sriov_desired_vf *dv = di < dpf->n_vfs && dpf->vfs[di].vf == (unsigned)vf ? &dpf->vfs[di]
                                                                                                       : NULL;
                struct vf_want w = {.vf = (unsigned)vf, .desired = dv, .config = {.vlan_proto = SRIOV_ETH_P_8021Q}};
                if (dv)
                        w.config = dv->config;
                const struct held_vf *hv = held_find(h, (unsigned)vf);
                if (hv && (hv->pending || !hv->has_config)) {
                        /* an attach in flight (or killed: attach and detach
                         * roll it back), or a macvtap on the VF's netdev:
                         * whatever is set now is the guest's */
                        ctx_notice(ctx, "%s vf %u: left as it is: %s", ifname, (unsigned)vf,
                                   hv->pending ? "an attach of it has not finished" : "a guest's macvtap is on it");
                        continue;
                }
                if (hv) {
                        /* a guest holds this VF: its settings win; libvirt
                         * set the MAC and VLAN of one it handed out */
                        if (hv->libvirt)
                                w.config.set &= ~(uint32_t)(SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO);
                        config_overlay(&w.config, &hv->config);
                        w.allocated = true;
                }
                if (w.desired || w.allocated)
                        wants[n_wants++] = w;
        }
        /* desired VFs the PF does not have (yet) */
        for (size_t i = 0; i < dpf->n_vfs; i++) {
                const struct sriov_desired_vf *dv = &dpf->vfs[i];
                if ((int64_t)dv->vf < have || (o->only_vf >= 0 && dv->vf != (unsigned)o->only_vf))
                        continue;
                if (dpf->numvfs != SRIOV_ABSENT)
                        r = strv_pushf(&res->pending, "vf %u: %s reports %" PRId64 " VFs, not yet %" PRId64, dv->vf,
                                       ifname, have, dpf->numvfs);
                else {
                        ctx_notice(ctx, "%s vf %u (%s): the PF has %" PRId64 " VFs and the desired state sets no numvfs",
                                   name, dv->vf, dv->origin, have);
                        r = 0;
                }
                if (r < 0)
                        return r;
        }
        /* only what differs, in one batch */
        _cleanup_free_ struct sriov_vf_request *reqs = calloc(n_wants + 1, sizeof(*reqs));
        _cleanup_free_ struct sriov_vf_config *plans = calloc(n_wants + 1, sizeof(*plans));
        _cleanup_free_ const struct vf_want **wants_of = calloc(n_wants + 1, sizeof(*wants_of));
        if (!reqs || !plans || !wants_of)
                return -ENOMEM;
        size_t n_reqs = 0;
        for (size_t i = 0; i < n_wants; i++) {
                const struct vf_want *w = &wants[i];
                if (!w->config.set)
                        continue;
                if (w->vf >= cur.n || !cur.seen[w->vf]) {
                        if ((r = strv_pushf(&res->pending, "vf %u: the kernel's reply did not carry its settings",
                                            w->vf)) < 0)
                                return r;
                        continue;
                }
                struct sriov_vf_config plan;
                vf_plan(&w->config, &cur.vfs[w->vf], &plan);
                if (!plan.set)
                        continue;
                plans[n_reqs] = plan;
                wants_of[n_reqs] = w;
                reqs[n_reqs++] = (struct sriov_vf_request){.device = (char *)ifname,
                                                           .vf = w->vf,
                                                           .config = w->config,
                                                           .origin = w->desired ? w->desired->origin : NULL};
        }
        bool rates_pending = false;
        if (n_reqs && (r = apply_batch(ctx, ifname, reqs, n_reqs, o->wait_ms, res, &rates_pending)) < 0)
                return r;
        /* what changed: without the rates when they are still pending */
        for (size_t i = 0; i < n_reqs; i++) {
                if (rates_pending)
                        plans[i].set &= ~(uint32_t)RATES;
                if (plans[i].set &&
                    (r = describe_plan(&plans[i], &wants_of[i]->config, wants_of[i]->vf, wants_of[i]->allocated,
                                       &res->actions)) < 0)
                        return r;
        }
        /* 802.1Qbh port profiles, one request each (the driver answers per VF) */
        for (size_t i = 0; i < n_wants; i++) {
                const struct sriov_desired_vf *dv = wants[i].desired;
                if (!dv || !dv->has_port || wants[i].allocated)
                        continue; /* a guest's VF keeps the port its attach set */
                struct sriov_port st = {0};
                r = sriov_port_get(ctx, ifname, (int)dv->vf, &st);
                if (r == 0 && port_matches(&dv->port, &st))
                        continue;
                if (r < 0 && r != -ENODATA)
                        return r;
                r = sriov_port_set(ctx, ifname, (int)dv->vf, &dv->port,
                                   o->port_timeout_ms ? o->port_timeout_ms : PORT_TIMEOUT_MS, NULL);
                if (r < 0) {
                        ctx_error_prefix(ctx, "%s", dv->origin);
                        return r;
                }
                if ((r = strv_pushf(&res->actions, "vf %u: port-profile %s associated", dv->vf, dv->port.profile)) < 0)
                        return r;
        }
        return 0;
}

static void held_done(struct held *h)
{
        held_vfs_free(h->v, h->n);
        *h = (struct held){0};
}

/* The PF's lock, then the store's (shared): attaches, detaches and
 * set/apply/restore wait for this pass and it waits for them, so what it
 * reads of the store stays true until it ends. */
static int lock_pass(struct sriov_ctx *ctx, const char *pf, int *ret_pf_lock, bool *ret_store_held)
{
        int fd;
        int r = state_lock_pf(ctx, pf, LOCK_TIMEOUT_MS, &fd);
        if (r < 0)
                return r;
        r = state_hold_shared(ctx, LOCK_TIMEOUT_MS);
        if (r < 0 && r != -EALREADY) {
                state_unlock(fd);
                return r;
        }
        *ret_store_held = r == 0; /* -EALREADY: the caller holds it */
        *ret_pf_lock = fd;
        return 0;
}

static int reconcile_locked(struct sriov_ctx *ctx, const struct sriov_desired_pf *dpf, const char *devdir,
                            const struct held *h, const struct sriov_reconcile_options *o,
                            struct sriov_reconcile_result *res)
{
        int r = 0;
        if (o->only_vf < 0 && !o->settings_only) {
                /* autoprobe first: it decides whether the VFs made next get a driver */
                if (dpf->autoprobe >= 0 && (r = set_autoprobe(ctx, devdir, res->pf, dpf->autoprobe, h, &res->actions)) < 0)
                        return r;
                _cleanup_free_ char *drv = NULL;
                if (asprintf(&drv, "%s/driver", devdir) < 0)
                        return -ENOMEM;
                if (dpf->numvfs == SRIOV_ABSENT)
                        ;
                else if (!sysfs_exists(ctx, drv))
                        /* the PF's driver makes the VFs (sriov_configure): a PF
                         * announced before its driver bound gets them on bind */
                        r = strv_pushf(&res->pending, "numvfs %" PRId64 ": no driver bound to it yet", dpf->numvfs);
                else
                        r = set_numvfs(ctx, devdir, res->pf, dpf->numvfs, h, &res->actions);
                if (r < 0)
                        return r;
        }
        if (dpf->n_vfs == 0 && h->n == 0) {
                (void)first_netdev(ctx, devdir, &res->ifname);
                return 0;
        }
        /* VF settings go through the PF's netdev, which may not be
         * registered yet (netdevsim's device comes before its port) */
        int64_t deadline = monotonic_ms() + o->wait_ms;
        while ((r = first_netdev(ctx, devdir, &res->ifname)) == -ENOENT && monotonic_ms() < deadline)
                sleep_ms(POLL_MS);
        if (r == -ENOENT)
                r = strv_pushf(&res->pending, "no netdev yet: its VF settings wait for it");
        else if (r == 0 && (r = set_vfs(ctx, dpf, res->pf, res->ifname, h, o, res)) == 0)
                r = rebind_vfio(ctx, devdir, h, o->only_vf, res);
        if (r < 0 && res->actions[0])
                ctx_error_prefix(ctx, "%s (after %s)", res->pf, res->actions[0]);
        return r;
}

int sriov_reconcile_pf(struct sriov_ctx *ctx, const struct sriov_desired *d, const char *device,
                       const struct sriov_reconcile_options *o, struct sriov_reconcile_result *ret)
{
        ctx_clear_error(ctx);
        static const struct sriov_reconcile_options defaults = {.only_vf = -1};
        /* a PF no desired entry names: only its guests' VFs are looked at */
        static const struct sriov_desired_pf undesired = {.numvfs = SRIOV_ABSENT, .autoprobe = -1};
        if (!o)
                o = &defaults;
        _cleanup_free_ char *devdir = NULL;
        int r = resolve_devdir(ctx, device, &devdir);
        if (r < 0)
                return r;
        _cleanup_(result_freep) struct sriov_reconcile_result res = {0};
        const char *base = strrchr(devdir, '/');
        if (!(res.pf = strdup(base ? base + 1 : devdir)))
                return -ENOMEM;
        const struct sriov_desired_pf *dpf;
        r = sriov_desired_find(ctx, d, devdir, &dpf);
        if (r < 0 && r != -ENOENT)
                return r;
        res.desired = r == 0;
        if (!res.desired) {
                dpf = &undesired;
                ctx_clear_error(ctx);
        }
        _cleanup_(held_done) struct held h = {0};
        if (!res.desired) {
                /* not ours unless a guest holds one of its VFs */
                if ((r = alloc_held_vfs(ctx, res.pf, &h.v, &h.n)) < 0)
                        return r;
                if (!h.n) {
                        (void)first_netdev(ctx, devdir, &res.ifname);
                        *ret = res;
                        res = (struct sriov_reconcile_result){0};
                        return 0;
                }
                held_done(&h);
        }
        if (!(res.actions = calloc(1, sizeof(char *))) || !(res.pending = calloc(1, sizeof(char *))))
                return -ENOMEM;
        _cleanup_state_unlock_ int pf_lock = -1;
        bool store_held = false;
        if ((r = lock_pass(ctx, res.pf, &pf_lock, &store_held)) < 0)
                return r;
        if ((r = alloc_held_vfs(ctx, res.pf, &h.v, &h.n)) == 0)
                r = reconcile_locked(ctx, dpf, devdir, &h, o, &res);
        if (store_held)
                state_release(ctx);
        if (r < 0)
                return r;
        *ret = res;
        res = (struct sriov_reconcile_result){0};
        return 0;
}
