/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Guest allocations: which VF or macvtap each <interface> of a
 * guest holds, kept in STATE/allocations.json.
 *
 * Crash safety: an attach holds the store's lock from its first look at
 * the store to its last write, and writes each record (marked pending)
 * before the change it stands for, with what is needed to undo it (the
 * VF's settings before, the driver to give back, the macvtap's name). A
 * pending record seen under the lock therefore belongs to an attach that
 * died: it is rolled back. Parallel attaches queue on the lock, so a VF is
 * never handed out twice. */
#include <json-c/json.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "macvtap.h"
#include "pfref.h"
#include "podnet.h"
#include "state.h"
#include "vfcfg.h"
#include "vfinfo.h"

#define STORE_FILE "allocations.json"
/* attaches queue on the lock: 32 parallel ones under TCG take a while */
#define LOCK_TIMEOUT_MS 120000
/* libvirtd waits for its hooks (holding locks of its own): a hook waits
 * this long at most, then fails naming the lock's holder */
#define HOOK_LOCK_MS 5000
#define WAIT_DEFAULT_MS 10000
#define PORT_TIMEOUT_MS 10000
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

static void pod_fields_free(struct sriov_allocation *a);

static void rec_done(struct rec *r)
{
        free(r->a.domain_name);
        free(r->a.domain_uuid);
        free(r->a.pf);
        free(r->a.netdev);
        free(r->a.lower);
        free(r->a.vfio_driver);
        pod_fields_free(&r->a);
        free(r->pf_ifname);
        free(r->before);
        free(r->a.source);
        free(r->a.network);
        free(r->a.port);
        *r = (struct rec){0};
}

struct store {
        struct rec *recs;
        size_t n;
        char **rolled_back; /* recover(): domain name of each record rolled back */
};

static void store_done(struct store *s)
{
        for (size_t i = 0; i < s->n; i++)
                rec_done(&s->recs[i]);
        free(s->recs);
        strv_free(s->rolled_back);
        *s = (struct store){0};
}

static const char *const kind_names[] = {
        [SRIOV_ALLOC_HOSTDEV] = "hostdev",
        [SRIOV_ALLOC_VF_DIRECT] = "vf-direct",
        [SRIOV_ALLOC_MACVTAP] = "macvtap",
        [SRIOV_ALLOC_POD] = "pod",
};

const char *sriov_alloc_kind_name(enum sriov_alloc_kind k)
{
        return (unsigned)k < ELEMENTSOF(kind_names) ? kind_names[k] : "unknown";
}

/* ---- the store as JSON -------------------------------------------------- */

/* The words of `set` that give cfg (the fields in cfg->set). */
static int config_words(const struct sriov_vf_config *cfg, char **ret)
{
        static const uint32_t bits[] = {SRIOV_VF_MAC,       SRIOV_VF_VLAN,      SRIOV_VF_SPOOFCHK,
                                        SRIOV_VF_TRUST,     SRIOV_VF_LINK_STATE, SRIOV_VF_MIN_RATE,
                                        SRIOV_VF_MAX_RATE,  SRIOV_VF_QUERY_RSS};
        char *s = strdup("");
        for (size_t i = 0; s && i < ELEMENTSOF(bits); i++) {
                if (!(cfg->set & bits[i]))
                        continue;
                char w[96];
                vf_attr_describe(bits[i], cfg, w, sizeof(w));
                char *t = strdup_printf("%s%s%s", s, *s ? " " : "", w);
                free(s);
                s = t;
        }
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static int add_str(json_object *o, const char *key, const char *v)
{
        if (!v)
                return 0;
        json_object *j = json_object_new_string(v);
        return j && json_object_object_add(o, key, j) == 0 ? 0 : -ENOMEM;
}

static int add_int(json_object *o, const char *key, int64_t v)
{
        json_object *j = json_object_new_int64(v);
        return j && json_object_object_add(o, key, j) == 0 ? 0 : -ENOMEM;
}

static int add_bool(json_object *o, const char *key, bool v)
{
        json_object *j = json_object_new_boolean(v);
        return j && json_object_object_add(o, key, j) == 0 ? 0 : -ENOMEM;
}

static int pod_to_json(const struct sriov_allocation *a, json_object *o);

/* The public part of a record, as `allocations --json` prints it too. */
static int allocation_to_json(const struct sriov_allocation *a, json_object *o)
{
        char mac[18];
        sriov_format_mac(a->mac, mac);
        int r = 0;
        r |= add_str(o, "domain", a->domain_name);
        r |= add_str(o, "uuid", a->domain_uuid);
        r |= add_int(o, "interface", a->iface);
        r |= add_str(o, "kind", sriov_alloc_kind_name(a->kind));
        r |= add_str(o, "mac", mac);
        if (a->kind != SRIOV_ALLOC_MACVTAP) {
                r |= add_str(o, "pf", a->pf);
                r |= add_int(o, "vf", a->vf);
                r |= add_str(o, "vf_address", a->vf_address[0] ? a->vf_address : NULL);
                _cleanup_free_ char *words = NULL;
                if (config_words(&a->config, &words) < 0)
                        return -ENOMEM;
                r |= add_str(o, "config", words);
        } else {
                r |= add_str(o, "lower", a->lower);
                r |= add_str(o, "mode", sriov_macvtap_mode_name(a->macvtap_mode));
                r |= add_str(o, "tap", a->tap_path[0] ? a->tap_path : NULL);
        }
        r |= add_str(o, "netdev", a->netdev);
        if (a->kind == SRIOV_ALLOC_POD)
                r |= pod_to_json(a, o);
        r |= add_str(o, "vfio_driver", a->vfio_driver);
        r |= add_bool(o, "port_profile", a->port_profile);
        r |= add_bool(o, "pending", a->pending);
        /* absent for sriovctl's own records: older stores read the same */
        r |= add_str(o, "source", a->source);
        r |= add_str(o, "network", a->network);
        r |= add_str(o, "port", a->port);
        return r ? -ENOMEM : 0;
}

static int rec_to_json(const struct rec *rec, json_object **ret)
{
        json_object *o = json_object_new_object();
        if (!o)
                return -ENOMEM;
        int r = allocation_to_json(&rec->a, o);
        if (r == 0 && (add_str(o, "pf_ifname", rec->pf_ifname) < 0 || add_str(o, "before", rec->before) < 0 ||
                       add_bool(o, "saved_here", rec->saved_here) < 0 || add_int(o, "pid", rec->pid) < 0 ||
                       (rec->ifindex > 0 && (add_int(o, "ifindex", rec->ifindex) < 0 ||
                                             add_int(o, "lower_ifindex", rec->lower_ifindex) < 0))))
                r = -ENOMEM;
        if (r < 0) {
                json_object_put(o);
                return r;
        }
        *ret = o;
        return 0;
}

static const char *get_str(json_object *o, const char *key)
{
        json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v)
                       : NULL;
}

static bool get_int(json_object *o, const char *key, int64_t *ret)
{
        json_object *v;
        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
                return false;
        *ret = json_object_get_int64(v);
        return true;
}

static bool get_bool(json_object *o, const char *key)
{
        json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static int dup_opt(const char *s, char **ret)
{
        *ret = NULL;
        if (s && !(*ret = strdup(s)))
                return -ENOMEM;
        return 0;
}

static int pod_from_json(json_object *o, struct sriov_allocation *a);

static int rec_from_json(struct sriov_ctx *ctx, json_object *o, size_t index, struct rec *ret)
{
        struct rec rec = {.a.vf = -1};
        const char *kind = get_str(o, "kind"), *mac = get_str(o, "mac"), *domain = get_str(o, "domain");
        int64_t iface = 0, vf = -1, pid = 0;
        bool ok = kind && mac && domain && get_int(o, "interface", &iface) && iface >= 0 &&
                  vf_mac_parse(mac, rec.a.mac) == 0;
        for (size_t k = 0; ok && k < ELEMENTSOF(kind_names); k++)
                if (strcmp(kind, kind_names[k]) == 0)
                        rec.a.kind = (enum sriov_alloc_kind)k;
        ok = ok && strcmp(kind, sriov_alloc_kind_name(rec.a.kind)) == 0;
        if (ok && rec.a.kind != SRIOV_ALLOC_MACVTAP)
                ok = get_int(o, "vf", &vf) && vf >= -1 && vf <= INT32_MAX && (vf < 0 || get_str(o, "pf_ifname"));
        if (ok && rec.a.kind == SRIOV_ALLOC_MACVTAP)
                ok = get_str(o, "lower") && get_str(o, "netdev") && get_str(o, "mode") &&
                     sriov_macvtap_mode_parse(get_str(o, "mode"), &rec.a.macvtap_mode) == 0;
        if (!ok)
                return ctx_fail(ctx, -EBADMSG, "%s/%s: record #%zu is malformed", state_dir(ctx), STORE_FILE,
                                index + 1);
        (void)get_int(o, "pid", &pid);
        int64_t ifindex = 0, lower_ifindex = 0;
        if (rec.a.kind == SRIOV_ALLOC_MACVTAP && get_int(o, "ifindex", &ifindex) &&
            (ifindex <= 0 || ifindex > INT32_MAX || !get_int(o, "lower_ifindex", &lower_ifindex) ||
             lower_ifindex <= 0 || lower_ifindex > INT32_MAX))
                return ctx_fail(ctx, -EBADMSG, "%s/%s: record #%zu: bad ifindex or lower_ifindex", state_dir(ctx),
                                STORE_FILE, index + 1);
        rec.ifindex = (int)ifindex;
        rec.lower_ifindex = (int)lower_ifindex;
        rec.a.iface = (unsigned)iface;
        rec.a.vf = (int)vf;
        rec.a.port_profile = get_bool(o, "port_profile");
        rec.a.pending = get_bool(o, "pending");
        rec.saved_here = get_bool(o, "saved_here");
        rec.pid = (long)pid;
        snprintf(rec.a.vf_address, sizeof(rec.a.vf_address), "%s",
                 get_str(o, "vf_address") ? get_str(o, "vf_address") : "");
        snprintf(rec.a.tap_path, sizeof(rec.a.tap_path), "%s", get_str(o, "tap") ? get_str(o, "tap") : "");
        int r = 0;
        if (dup_opt(domain, &rec.a.domain_name) < 0 ||
            dup_opt(get_str(o, "uuid") ? get_str(o, "uuid") : "", &rec.a.domain_uuid) < 0 ||
            dup_opt(get_str(o, "pf"), &rec.a.pf) < 0 || dup_opt(get_str(o, "netdev"), &rec.a.netdev) < 0 ||
            dup_opt(get_str(o, "lower"), &rec.a.lower) < 0 ||
            dup_opt(get_str(o, "vfio_driver"), &rec.a.vfio_driver) < 0 ||
            dup_opt(get_str(o, "pf_ifname"), &rec.pf_ifname) < 0 || dup_opt(get_str(o, "before"), &rec.before) < 0 ||
            dup_opt(get_str(o, "source"), &rec.a.source) < 0 || dup_opt(get_str(o, "network"), &rec.a.network) < 0 ||
            dup_opt(get_str(o, "port"), &rec.a.port) < 0)
                r = -ENOMEM;
        if (r == 0 && rec.a.kind == SRIOV_ALLOC_POD && (r = pod_from_json(o, &rec.a)) == -EBADMSG)
                r = ctx_fail(ctx, r, "%s/%s: record #%zu: a pod record without its attachment", state_dir(ctx),
                             STORE_FILE, index + 1);
        const char *cfg = get_str(o, "config");
        if (r == 0 && cfg && *cfg && rec.pf_ifname &&
            vf_words_to_config(ctx, rec.pf_ifname, (unsigned)(vf < 0 ? 0 : vf), cfg, &rec.a.config) < 0)
                r = ctx_fail(ctx, -EBADMSG, "%s/%s: record #%zu: bad config '%s'", state_dir(ctx), STORE_FILE,
                             index + 1, cfg);
        if (r < 0) {
                rec_done(&rec);
                return r;
        }
        *ret = rec;
        return 0;
}

static int store_load(struct sriov_ctx *ctx, struct store *ret)
{
        json_object *doc = NULL;
        int r = state_load(ctx, STORE_FILE, &doc);
        if (r == -ENOENT) {
                ctx_clear_error(ctx);
                *ret = (struct store){0};
                return 0;
        }
        if (r < 0)
                return r;
        struct store s = {0};
        json_object *list;
        if (!json_object_object_get_ex(doc, "allocations", &list) || !json_object_is_type(list, json_type_array))
                r = ctx_fail(ctx, -EBADMSG, "%s/%s: no \"allocations\" array", state_dir(ctx), STORE_FILE);
        size_t n = r == 0 ? json_object_array_length(list) : 0;
        if (n && !(s.recs = calloc(n, sizeof(*s.recs))))
                r = -ENOMEM;
        for (size_t i = 0; r == 0 && i < n; i++)
                if ((r = rec_from_json(ctx, json_object_array_get_idx(list, i), i, &s.recs[s.n])) == 0)
                        s.n++;
        json_object_put(doc);
        if (r < 0) {
                store_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

static int store_save(struct sriov_ctx *ctx, const struct store *s)
{
        if (s->n == 0)
                return state_remove(ctx, STORE_FILE);
        json_object *doc = json_object_new_object(), *list = json_object_new_array();
        int r = doc && list && json_object_object_add(doc, "allocations", list) == 0 ? 0 : -ENOMEM;
        if (r < 0)
                json_object_put(list);
        for (size_t i = 0; r == 0 && i < s->n; i++) {
                json_object *o;
                if ((r = rec_to_json(&s->recs[i], &o)) == 0 && json_object_array_add(list, o) < 0) {
                        json_object_put(o);
                        r = -ENOMEM;
                }
        }
        if (r == 0)
                r = state_save(ctx, STORE_FILE, doc);
        json_object_put(doc);
        return r;
}

/* Appends rec (taking its contents). */
static int store_add(struct store *s, struct rec *rec)
{
        struct rec *n = realloc(s->recs, (s->n + 1) * sizeof(*n));
        if (!n)
                return -ENOMEM;
        s->recs = n;
        s->recs[s->n++] = *rec;
        *rec = (struct rec){0};
        return 0;
}

static void store_drop(struct store *s, size_t i)
{
        rec_done(&s->recs[i]);
        memmove(&s->recs[i], &s->recs[i + 1], (s->n - i - 1) * sizeof(*s->recs));
        s->n--;
}

static bool same_pf(const struct rec *r, const char *pf)
{
        return r->a.kind != SRIOV_ALLOC_MACVTAP &&
               ((r->a.pf && strcmp(r->a.pf, pf) == 0) || (r->pf_ifname && strcmp(r->pf_ifname, pf) == 0));
}

static const struct rec *holder_of_vf(const struct store *s, const char *pf, int vf)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->recs[i].a.vf == vf && vf >= 0 && same_pf(&s->recs[i], pf))
                        return &s->recs[i];
        return NULL;
}

static const struct rec *holder_of_netdev(const struct store *s, const char *netdev)
{
        for (size_t i = 0; i < s->n; i++)
                if ((s->recs[i].a.netdev && strcmp(s->recs[i].a.netdev, netdev) == 0) ||
                    (s->recs[i].a.kind == SRIOV_ALLOC_MACVTAP && s->recs[i].a.macvtap_mode == SRIOV_MACVTAP_PASSTHRU &&
                     s->recs[i].a.lower && strcmp(s->recs[i].a.lower, netdev) == 0))
                        return &s->recs[i];
        return NULL;
}

/* ---- devices in sysfs --------------------------------------------------- */

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

/* The bound driver, NULL when none (or it cannot be read: not in use). */
static char *pci_driver(struct sriov_ctx *ctx, const char *addr)
{
        char *d = NULL;
        if (pci_current_driver(ctx, addr, &d) < 0)
                ctx_clear_error(ctx);
        return d;
}


/* The PCI address of the VF N of a PCI PF; -ENOENT if it has no such VF. */
static int vf_addr(struct sriov_ctx *ctx, const char *pf_devdir, unsigned vf, char buf[static SRIOV_PCI_ADDR_MAX])
{
        char p[256];
        snprintf(p, sizeof(p), "%s/virtfn%u", pf_devdir, vf);
        _cleanup_free_ char *name = NULL;
        int r = sysfs_link_name(ctx, p, &name);
        if (r < 0) {
                ctx_clear_error(ctx);
                return -ENOENT;
        }
        snprintf(buf, SRIOV_PCI_ADDR_MAX, "%s", name);
        return 0;
}

static unsigned pf_numvfs(struct sriov_ctx *ctx, const char *pf_devdir)
{
        char p[256];
        snprintf(p, sizeof(p), "%s/sriov_numvfs", pf_devdir);
        uint64_t n = 0;
        if (sysfs_read_u64(ctx, p, 10, 65535, &n) < 0)
                ctx_clear_error(ctx);
        return (unsigned)n;
}

/* A VF: its PF and index, from the VF's PCI address. */
struct vf_ref {
        struct pf_ref pf;
        unsigned vf;
        char addr[SRIOV_PCI_ADDR_MAX];
};

static int vf_ref_from_pci(struct sriov_ctx *ctx, const char *what, const char *addr, struct vf_ref *ret)
{
        char p[96];
        snprintf(p, sizeof(p), "bus/pci/devices/%s/physfn", addr);
        _cleanup_free_ char *pf = NULL;
        if (sysfs_link_name(ctx, p, &pf) < 0) {
                ctx_clear_error(ctx);
                return -ENOTSUP; /* not a VF */
        }
        struct vf_ref v = {0};
        int r = pf_ref_resolve(ctx, pf, &v.pf);
        if (r < 0) {
                ctx_error_prefix(ctx, "%s: the PF of VF %s", what, addr);
                return r;
        }
        unsigned n = pf_numvfs(ctx, v.pf.devdir);
        for (unsigned i = 0; i < n; i++) {
                char a[SRIOV_PCI_ADDR_MAX];
                if (vf_addr(ctx, v.pf.devdir, i, a) == 0 && strcmp(a, addr) == 0) {
                        v.vf = i;
                        snprintf(v.addr, sizeof(v.addr), "%s", addr);
                        *ret = v;
                        return 0;
                }
        }
        pf_ref_done(&v.pf);
        return ctx_fail(ctx, -ENODEV, "%s: %s names %s as its PF, but %s lists no virtfn link to it", what, addr,
                        pf, pf);
}

/* "0000:02:10.0" of a netdev's PCI device, or -ENOENT if it has none. */
static int netdev_pci(struct sriov_ctx *ctx, const char *ifname, char buf[static SRIOV_PCI_ADDR_MAX])
{
        char p[64];
        snprintf(p, sizeof(p), "class/net/%s/device", ifname);
        _cleanup_free_ char *real = NULL;
        if (sysfs_realpath(ctx, p, &real) < 0) {
                ctx_clear_error(ctx);
                return -ENOENT;
        }
        const char *base = strrchr(real, '/');
        base = base ? base + 1 : real;
        struct sriov_pci_addr a;
        if (!strstr(real, "/pci") || pci_addr_parse(base, &a) < 0)
                return -ENOENT;
        pci_addr_format(&a, buf);
        return 0;
}

static bool netdev_is_pf(struct sriov_ctx *ctx, const char *ifname)
{
        char p[80];
        snprintf(p, sizeof(p), "class/net/%s/device/sriov_totalvfs", ifname);
        if (sysfs_exists(ctx, p))
                return true;
        snprintf(p, sizeof(p), "class/net/%s/device/sriov_numvfs", ifname); /* netdevsim */
        return sysfs_exists(ctx, p);
}

/* ---- planning: what each interface needs, checked before any change ----- */

enum pool_kind {
        POOL_NONE,   /* a macvtap, no VF */
        POOL_PF,     /* any VF of pf */
        POOL_LIST,   /* one of the listed devices (a single one: a fixed VF) */
};

struct cand {
        char *pf;           /* the VF's PF (PCI address or device name); NULL: a whole netdev */
        unsigned vf;
        char dev[SRIOV_IFNAME_MAX]; /* a whole netdev of a passthrough pool */
};

struct want {
        size_t i; /* interface index */
        char what[96];
        enum sriov_alloc_kind kind;
        enum pool_kind pool;
        char *pf;             /* POOL_PF */
        struct cand *cands;   /* POOL_LIST */
        size_t n_cands;
        bool fixed;           /* one VF named by the interface itself */
        bool fallback;        /* no free VF: macvtap passthru on the PF */
        char *lower;          /* macvtap */
        enum sriov_macvtap_mode mode;
        uint8_t mac[6];
        struct sriov_vf_config cfg;
        bool has_port;
        struct sriov_port port;
        bool vfio;
        bool rewrite;         /* a hostdev interface with its VF's address stays as it is */
        struct sriov_xml_effective eff;
        bool has_eff;
};

static void want_done(struct want *w)
{
        free(w->pf);
        for (size_t k = 0; k < w->n_cands; k++)
                free(w->cands[k].pf);
        free(w->cands);
        free(w->lower);
        if (w->has_eff)
                sriov_xml_effective_done(&w->eff);
        *w = (struct want){0};
}

static int add_cand(struct want *w, const char *pf, unsigned vf, const char *dev)
{
        struct cand *n = realloc(w->cands, (w->n_cands + 1) * sizeof(*n));
        if (!n)
                return -ENOMEM;
        w->cands = n;
        struct cand c = {.vf = vf};
        if (pf && !(c.pf = strdup(pf)))
                return -ENOMEM;
        if (dev)
                snprintf(c.dev, sizeof(c.dev), "%s", dev);
        w->cands[w->n_cands++] = c;
        return 0;
}

/* A VF's port VLAN: one tag. */
static int plan_vlan(struct sriov_ctx *ctx, struct want *w, const struct sriov_xml_vlan *v)
{
        if (!v || !v->present)
                return 0;
        if (w->kind == SRIOV_ALLOC_MACVTAP)
                return ctx_fail(ctx, -EINVAL,
                                "%s: <vlan> on a macvtap interface: a macvtap cannot tag; use a VLAN device "
                                "(such as %s.%u) as its source instead",
                                w->what, w->lower, v->n_tags ? v->tags[0].id : 0);
        if (v->trunk || v->n_tags != 1)
                return ctx_fail(ctx, -EINVAL,
                                "%s: <vlan%s> with %zu tags: a VF takes one port VLAN through its PF; VF "
                                "trunks are not offered by any driver over rtnetlink",
                                w->what, v->trunk ? " trunk='yes'" : "", v->n_tags);
        if (v->tags[0].native != SRIOV_XML_NATIVE_NONE)
                return ctx_fail(ctx, -EINVAL,
                                "%s: <tag id='%u' nativeMode=...>: nativeMode needs a trunk, and a VF takes "
                                "one port VLAN",
                                w->what, v->tags[0].id);
        w->cfg.set |= SRIOV_VF_VLAN;
        w->cfg.vlan = v->tags[0].id;
        return 0;
}

static bool vport_is_qbg(const struct sriov_xml_vport *vp)
{
        return vp->type == SRIOV_XML_VPORT_8021QBG ||
               (vp->type == SRIOV_XML_VPORT_UNTYPED &&
                (vp->set & (SRIOV_XML_VP_MANAGERID | SRIOV_XML_VP_TYPEID | SRIOV_XML_VP_TYPEIDVERSION)));
}

/* <virtualport>: 802.1Qbh through the PF (or PORT_SELF of a macvtap's
 * lower device), 802.1Qbg to lldpad with a VLAN source device. */
static int plan_vport(struct sriov_ctx *ctx, struct want *w, const struct sriov_xml_vport *vp, const char *source,
                      const char *uuid)
{
        if (!vp || !vp->present)
                return 0;
        if (vp->type == SRIOV_XML_VPORT_OPENVSWITCH || vp->type == SRIOV_XML_VPORT_MIDONET)
                return ctx_fail(ctx, -EINVAL, "%s: <virtualport type='%s'>: only 802.1Qbg and 802.1Qbh apply to a "
                                "VF or macvtap", w->what, sriov_xml_vport_type_name(vp->type));
        struct sriov_port p = {.present = SRIOV_PORT_F_REQUEST, .request = SRIOV_PORT_ASSOCIATE};
        if (vport_is_qbg(vp)) {
                /* VDP names the VSI by its VLAN: a macvtap's source must be a
                 * VLAN device; a VF is tagged through its PF (<vlan>), as
                 * libvirt does for hostdev interfaces */
                uint16_t vid = w->kind != SRIOV_ALLOC_MACVTAP && (w->cfg.set & SRIOV_VF_VLAN) ? w->cfg.vlan : 0;
                int r = source && w->kind == SRIOV_ALLOC_MACVTAP ? netdev_vlan_id(ctx, source, &vid) : 0;
                if (r < 0)
                        return r;
                if (vid == 0 && w->kind == SRIOV_ALLOC_MACVTAP)
                        return ctx_fail(ctx, -EINVAL,
                                        "%s: <virtualport type='802.1Qbg'> needs a source device with a non-zero "
                                        "VLAN ID (a VLAN device such as %s.2); '%s' is not one",
                                        w->what, source, source);
                if (vid == 0)
                        return ctx_fail(ctx, -EINVAL,
                                        "%s: <virtualport type='802.1Qbg'> needs a non-zero VLAN ID: give the VF "
                                        "one with <vlan><tag id='N'/></vlan>",
                                        w->what);
                p.present |= SRIOV_PORT_F_QBG | SRIOV_PORT_F_INSTANCE;
                p.managerid = vp->managerid;
                p.typeid = vp->typeid;
                p.typeidversion = vp->typeidversion;
                memcpy(p.instance_uuid, vp->instanceid, 16);
                if (!(vp->set & SRIOV_XML_VP_INSTANCEID) && uuid && sriov_uuid_parse(uuid, p.instance_uuid) < 0)
                        memset(p.instance_uuid, 0, 16);
                if ((vp->set & (SRIOV_XML_VP_MANAGERID | SRIOV_XML_VP_TYPEID | SRIOV_XML_VP_TYPEIDVERSION)) !=
                    (SRIOV_XML_VP_MANAGERID | SRIOV_XML_VP_TYPEID | SRIOV_XML_VP_TYPEIDVERSION))
                        return ctx_fail(ctx, -EINVAL,
                                        "%s: <virtualport type='802.1Qbg'> needs managerid, typeid and "
                                        "typeidversion in <parameters>", w->what);
        } else {
                if (!(vp->set & SRIOV_XML_VP_PROFILEID))
                        return ctx_fail(ctx, -EINVAL,
                                        "%s: <virtualport type='802.1Qbh'> needs <parameters profileid=...>",
                                        w->what);
                p.present |= SRIOV_PORT_F_PROFILE;
                snprintf(p.profile, sizeof(p.profile), "%s", vp->profileid);
                /* the instance is the guest, as libvirt sends it */
                if (vp->set & SRIOV_XML_VP_INSTANCEID) {
                        memcpy(p.instance_uuid, vp->instanceid, 16);
                        p.present |= SRIOV_PORT_F_INSTANCE;
                } else if (uuid && sriov_uuid_parse(uuid, p.instance_uuid) == 0)
                        p.present |= SRIOV_PORT_F_INSTANCE;
        }
        int r = sriov_port_validate(ctx, &p);
        if (r < 0) {
                ctx_error_prefix(ctx, "%s: <virtualport>", w->what);
                return r;
        }
        w->has_port = true;
        w->port = p;
        return 0;
}

/* A direct interface's source dev, or a VF named by PCI address. */
static int plan_fixed_vf(struct sriov_ctx *ctx, struct want *w, const char *addr)
{
        struct vf_ref v;
        int r = vf_ref_from_pci(ctx, w->what, addr, &v);
        if (r < 0)
                return r;
        r = add_cand(w, v.pf.name, v.vf, NULL);
        pf_ref_done(&v.pf);
        if (r < 0)
                return r;
        w->pool = POOL_LIST;
        w->fixed = true;
        return 0;
}

static int plan_pf_pool(struct sriov_ctx *ctx, struct want *w, const char *dev)
{
        struct pf_ref pf;
        int r = pf_ref_resolve(ctx, dev, &pf);
        if (r < 0) {
                ctx_error_prefix(ctx, "%s", w->what);
                return r;
        }
        /* kept as given: a non-PCI PF (netdevsim1) resolves by its netdev */
        pf_ref_done(&pf);
        if (!(w->pf = strdup(dev)))
                return -ENOMEM;
        w->pool = POOL_PF;
        return 0;
}

static int plan_direct(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, const struct sriov_xml_iface *f,
                       const struct sriov_attach_options *o, struct want *w)
{
        const char *dev = f->source_dev;
        if (!dev || !sysfs_netdev_exists(ctx, dev))
                return ctx_fail(ctx, -ENODEV, "%s: <source dev='%s'>: no such network device", w->what,
                                dev ? dev : "");
        char addr[SRIOV_PCI_ADDR_MAX];
        int r;
        if (f->mode == SRIOV_XML_MODE_PASSTHROUGH && netdev_pci(ctx, dev, addr) == 0 &&
            (r = plan_fixed_vf(ctx, w, addr)) != -ENOTSUP) {
                if (r < 0)
                        return r;
                w->kind = o->keep_direct ? SRIOV_ALLOC_VF_DIRECT : SRIOV_ALLOC_HOSTDEV;
        } else if (f->mode == SRIOV_XML_MODE_PASSTHROUGH && netdev_is_pf(ctx, dev)) {
                if ((r = plan_pf_pool(ctx, w, dev)) < 0)
                        return r;
                w->kind = o->keep_direct ? SRIOV_ALLOC_VF_DIRECT : SRIOV_ALLOC_HOSTDEV;
                w->fallback = o->fallback_macvtap;
        } else {
                /* libvirt's own behaviour: a macvtap in the mode asked for; on
                 * a NIC without SR-IOV, passthrough is a macvtap passthru */
                w->kind = SRIOV_ALLOC_MACVTAP;
                static const enum sriov_macvtap_mode modes[] = {
                        [SRIOV_XML_MODE_NONE] = SRIOV_MACVTAP_VEPA,
                        [SRIOV_XML_MODE_VEPA] = SRIOV_MACVTAP_VEPA,
                        [SRIOV_XML_MODE_BRIDGE] = SRIOV_MACVTAP_BRIDGE,
                        [SRIOV_XML_MODE_PRIVATE] = SRIOV_MACVTAP_PRIVATE,
                        [SRIOV_XML_MODE_PASSTHROUGH] = SRIOV_MACVTAP_PASSTHRU,
                };
                if ((unsigned)f->mode >= ELEMENTSOF(modes))
                        return ctx_fail(ctx, -EINVAL, "%s: <source mode='%s'>: vepa, bridge, private or passthrough",
                                        w->what, sriov_xml_mode_name(f->mode));
                w->mode = modes[f->mode];
                if (!(w->lower = strdup(dev)))
                        return -ENOMEM;
        }
        w->vfio = w->kind == SRIOV_ALLOC_HOSTDEV && !o->no_vfio;
        w->rewrite = true;
        if ((r = plan_vlan(ctx, w, &f->vlan)) < 0)
                return r;
        return plan_vport(ctx, w, &f->vport, w->kind == SRIOV_ALLOC_MACVTAP ? dev : NULL, d->uuid);
}

static int plan_hostdev(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, const struct sriov_xml_iface *f,
                        const struct sriov_attach_options *o, struct want *w)
{
        if (!f->has_pci)
                return 1;
        char addr[SRIOV_PCI_ADDR_MAX], p[64];
        pci_addr_format(&f->pci, addr);
        snprintf(p, sizeof(p), "bus/pci/devices/%s", addr);
        if (!sysfs_exists(ctx, p))
                return ctx_fail(ctx, -ENODEV, "%s: <source><address> %s: no such PCI device", w->what, addr);
        int r = plan_fixed_vf(ctx, w, addr);
        if (r == -ENOTSUP) {
                ctx_notice(ctx, "%s: %s is not a VF: left to libvirt", w->what, addr);
                return 1;
        }
        if (r < 0)
                return r;
        w->kind = SRIOV_ALLOC_HOSTDEV;
        w->vfio = f->managed == 1 && !o->no_vfio;
        if ((r = plan_vlan(ctx, w, &f->vlan)) < 0)
                return r;
        return plan_vport(ctx, w, &f->vport, NULL, d->uuid);
}

static int plan_network(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, const struct sriov_xml_iface *f,
                        struct sriov_xml_network *const *nets, size_t n_nets, const struct sriov_attach_options *o,
                        struct want *w)
{
        const struct sriov_xml_network *net = NULL;
        for (size_t k = 0; k < n_nets && !net; k++)
                if (f->network && strcmp(nets[k]->name, f->network) == 0)
                        net = nets[k];
        if (!net)
                return ctx_fail(ctx, -ENOENT,
                                "%s: <source network='%s'>: no such network among the network XML given "
                                "(--network FILE)",
                                w->what, f->network ? f->network : "");
        if (net->mode != SRIOV_XML_MODE_HOSTDEV && net->mode != SRIOV_XML_MODE_PASSTHROUGH) {
                ctx_notice(ctx, "%s: network '%s' has <forward mode='%s'>: libvirt's own, left untouched", w->what,
                           net->name, net->forward_mode_name ? net->forward_mode_name : "");
                return 1;
        }
        int r = sriov_xml_merge(ctx, f, net, &w->eff);
        if (r < 0)
                return r;
        w->has_eff = true;
        bool hostdev = net->mode == SRIOV_XML_MODE_HOSTDEV;
        w->kind = hostdev ? SRIOV_ALLOC_HOSTDEV : SRIOV_ALLOC_VF_DIRECT;
        w->vfio = hostdev && net->managed != 0 && !o->no_vfio;
        w->rewrite = true;
        if (net->pfs && net->pfs[0]) {
                if ((r = plan_pf_pool(ctx, w, net->pfs[0])) < 0)
                        return r;
        } else if (net->devs && net->devs[0]) {
                w->pool = POOL_LIST;
                for (char **dv = net->devs; *dv; dv++) {
                        char addr[SRIOV_PCI_ADDR_MAX];
                        struct vf_ref v;
                        if (!sysfs_netdev_exists(ctx, *dv)) {
                                ctx_notice(ctx, "network '%s': <interface dev='%s'>: no such device, skipped",
                                           net->name, *dv);
                                continue;
                        }
                        if (netdev_pci(ctx, *dv, addr) == 0 && (r = vf_ref_from_pci(ctx, w->what, addr, &v)) == 0) {
                                r = add_cand(w, v.pf.name, v.vf, NULL);
                                pf_ref_done(&v.pf);
                        } else if (r == -ENOTSUP || r == 0) {
                                if (hostdev)
                                        return ctx_fail(ctx, -EINVAL,
                                                        "network '%s': <interface dev='%s'> is not a VF: a "
                                                        "hostdev pool hands out VFs",
                                                        net->name, *dv);
                                r = add_cand(w, NULL, 0, *dv);
                        }
                        if (r < 0)
                                return r;
                }
        } else if (net->n_addrs) {
                w->pool = POOL_LIST;
                for (size_t k = 0; k < net->n_addrs; k++) {
                        char addr[SRIOV_PCI_ADDR_MAX];
                        pci_addr_format(&net->addrs[k], addr);
                        struct vf_ref v;
                        if ((r = vf_ref_from_pci(ctx, w->what, addr, &v)) == -ENOTSUP)
                                r = ctx_fail(ctx, -EINVAL, "network '%s': <address> %s is not a VF", net->name,
                                             addr);
                        if (r < 0)
                                return r;
                        r = add_cand(w, v.pf.name, v.vf, NULL);
                        pf_ref_done(&v.pf);
                        if (r < 0)
                                return r;
                }
        } else
                return ctx_fail(ctx, -EINVAL, "network '%s': <forward mode='%s'> has no <pf>, <interface> or "
                                "<address> pool", net->name, net->forward_mode_name);
        if ((r = plan_vlan(ctx, w, &w->eff.vlan)) < 0)
                return r;
        return plan_vport(ctx, w, &w->eff.vport, NULL, d->uuid);
}

/* 0: handled (w filled), 1: not ours (left untouched), < 0: bad input. */
static int plan_iface(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, size_t i,
                      struct sriov_xml_network *const *nets, size_t n_nets, const struct sriov_attach_options *o,
                      struct want *w)
{
        const struct sriov_xml_iface *f = &d->ifaces[i];
        *w = (struct want){.i = i};
        snprintf(w->what, sizeof(w->what), "domain '%s': <interface> #%zu", d->name, i + 1);
        int r;
        switch (f->type) {
        case SRIOV_XML_IFACE_DIRECT:
                r = plan_direct(ctx, d, f, o, w);
                break;
        case SRIOV_XML_IFACE_HOSTDEV:
                r = plan_hostdev(ctx, d, f, o, w);
                break;
        case SRIOV_XML_IFACE_NETWORK:
                r = plan_network(ctx, d, f, nets, n_nets, o, w);
                break;
        default:
                ctx_notice(ctx, "%s: type='%s' is not handled by sriovctl: left untouched", w->what,
                           f->type_name ? f->type_name : "");
                r = 1;
        }
        if (r != 0)
                return r;
        if (f->has_mac)
                memcpy(w->mac, f->mac, 6);
        else if ((r = sriov_xml_random_mac(w->mac)) < 0)
                return ctx_fail(ctx, r, "%s: no random bytes for a MAC", w->what);
        if (w->kind != SRIOV_ALLOC_MACVTAP) {
                w->cfg.set |= SRIOV_VF_MAC;
                memcpy(w->cfg.mac, w->mac, 6);
                if ((r = sriov_vf_config_validate(ctx, &w->cfg)) < 0) {
                        ctx_error_prefix(ctx, "%s", w->what);
                        return r;
                }
        }
        return 0;
}

/* ---- undoing a record: detach, rollback, recovery ---------------------- */

static void first_error(int *first, int r)
{
        if (r < 0 && *first == 0)
                *first = r;
}

/* The PF to change a record's VF through: its PCI address as recorded,
 * resolved anew to whatever its netdev is called now (a name could belong
 * to another NIC by then); the netdev name only for a record without one. */
static const char *rec_pf(const struct rec *rec)
{
        struct sriov_pci_addr a;
        return rec->a.pf && pci_addr_parse(rec->a.pf, &a) == 0 ? rec->a.pf : rec->pf_ifname;
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
static int undo_rec(struct sriov_ctx *ctx, const struct rec *rec, unsigned timeout_ms)
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

/* ---- attach ------------------------------------------------------------- */

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

static bool same_domain(const struct rec *r, const char *name, const char *uuid)
{
        return (name && strcmp(r->a.domain_name, name) == 0) ||
               (uuid && *uuid && r->a.domain_uuid && strcasecmp(r->a.domain_uuid, uuid) == 0);
}

static int pod_fields_dup(struct sriov_allocation *a, const struct sriov_allocation *src);

static int copy_allocations(const struct store *s, size_t from, struct sriov_allocation **ret, size_t *ret_n)
{
        size_t n = s->n - from;
        struct sriov_allocation *a = calloc(n ? n : 1, sizeof(*a));
        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const struct sriov_allocation *src = &s->recs[from + i].a;
                a[i] = *src;
                a[i].domain_name = a[i].domain_uuid = a[i].pf = a[i].netdev = a[i].lower = a[i].vfio_driver = NULL;
                a[i].pod.container_id = a[i].pod.ifname = a[i].pod.netns = a[i].pod.network = NULL;
                a[i].source = a[i].network = a[i].port = NULL;
                if (dup_opt(src->source, &a[i].source) < 0 || dup_opt(src->network, &a[i].network) < 0 ||
                    dup_opt(src->port, &a[i].port) < 0 || dup_opt(src->domain_name, &a[i].domain_name) < 0 ||
                    dup_opt(src->domain_uuid, &a[i].domain_uuid) < 0 || dup_opt(src->pf, &a[i].pf) < 0 ||
                    dup_opt(src->netdev, &a[i].netdev) < 0 || dup_opt(src->lower, &a[i].lower) < 0 ||
                    dup_opt(src->vfio_driver, &a[i].vfio_driver) < 0 || pod_fields_dup(&a[i], src) < 0) {
                        sriov_allocations_free(a, i + 1);
                        return -ENOMEM;
                }
        }
        *ret = a;
        *ret_n = n;
        return 0;
}

/* Takes the lock (waiting lock_ms at most), loads the store and rolls
 * back dead attaches. */
static int open_store_within(struct sriov_ctx *ctx, unsigned lock_ms, unsigned timeout_ms, struct store *ret)
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

static int open_store(struct sriov_ctx *ctx, unsigned timeout_ms, struct store *ret)
{
        return open_store_within(ctx, LOCK_TIMEOUT_MS, timeout_ms, ret);
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

/* ---- detach, listing, lookups ------------------------------------------ */

int sriov_detach(struct sriov_ctx *ctx, const char *domain, unsigned timeout_ms, unsigned *ret_freed)
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
        unsigned freed = 0, failed = 0;
        int first = 0;
        for (size_t i = s.n; i-- > 0;) {
                if (!same_domain(&s.recs[i], domain, domain))
                        continue;
                char *kept = NULL;
                r = undo_rec(ctx, &s.recs[i], timeout_ms);
                if (r < 0) {
                        /* keep going: give back everything that can be */
                        failed++;
                        if (!first) {
                                first = r;
                                kept = strdup(sriov_ctx_error(ctx));
                        }
                        ctx_clear_error(ctx);
                        if (kept) {
                                ctx_fail(ctx, r, "domain '%s' interface #%u: %s", domain, s.recs[i].a.iface + 1,
                                         kept);
                                free(kept);
                        }
                        continue;
                }
                store_drop(&s, i);
                freed++;
        }
        /* what a killed attach of this domain held was given back already */
        for (char **d = s.rolled_back; d && *d; d++)
                freed += strcmp(*d, domain) == 0;
        if (!freed && !failed)
                first = ctx_fail(ctx, -ENOENT, "domain '%s' holds no allocations", domain);
        r = freed ? store_save(ctx, &s) : 0;
        store_done(&s);
        state_release(ctx);
        if (first < 0)
                return first;
        if (r < 0)
                return r;
        if (ret_freed)
                *ret_freed = freed;
        return 0;
}

int sriov_allocations(struct sriov_ctx *ctx, struct sriov_allocation **ret, size_t *ret_n)
{
        ctx_clear_error(ctx);
        /* no lock and no recovery: a listing must work for whoever may read
         * the store, and must not wait behind (or undo) an attach that is
         * still running; the store is replaced whole, so this is a
         * consistent view, and a pending record is shown as pending */
        struct store s;
        int r = store_load(ctx, &s);
        if (r < 0)
                return r;
        r = copy_allocations(&s, 0, ret, ret_n);
        store_done(&s);
        return r;
}

void sriov_allocations_free(struct sriov_allocation *a, size_t n)
{
        for (size_t i = 0; a && i < n; i++) {
                free(a[i].domain_name);
                free(a[i].domain_uuid);
                free(a[i].pf);
                free(a[i].netdev);
                free(a[i].lower);
                free(a[i].vfio_driver);
                pod_fields_free(&a[i]);
                free(a[i].source);
                free(a[i].network);
                free(a[i].port);
        }
        free(a);
}

static int held_add(struct held_vf **v, size_t *n, const struct rec *rec, unsigned vf, const char *addr)
{
        struct held_vf *nv = realloc(*v, (*n + 1) * sizeof(*nv));
        if (!nv)
                return -ENOMEM;
        *v = nv;
        const struct sriov_allocation *a = &rec->a;
        struct held_vf h = {
                .vf = vf,
                .iface = a->iface,
                .kind = a->kind,
                .pending = a->pending,
                .vfio = a->kind == SRIOV_ALLOC_HOSTDEV && a->vfio_driver,
                .libvirt = a->source != NULL,
                .has_config = a->kind != SRIOV_ALLOC_MACVTAP,
                .config = a->config,
                .domain_name = strdup(a->domain_name ? a->domain_name : ""),
                .domain_uuid = strdup(a->domain_uuid ? a->domain_uuid : ""),
        };
        snprintf(h.vf_address, sizeof(h.vf_address), "%s", addr);
        nv[(*n)++] = h;
        return h.domain_name && h.domain_uuid ? 0 : -ENOMEM;
}

static int cmp_held(const void *a, const void *b)
{
        unsigned x = ((const struct held_vf *)a)->vf, y = ((const struct held_vf *)b)->vf;
        return (x > y) - (x < y);
}

void held_vfs_free(struct held_vf *h, size_t n)
{
        for (size_t i = 0; h && i < n; i++) {
                free(h[i].domain_name);
                free(h[i].domain_uuid);
        }
        free(h);
}

int alloc_held_vfs(struct sriov_ctx *ctx, const char *pf, struct held_vf **ret, size_t *ret_n)
{
        struct store s;
        int r = store_load(ctx, &s);
        if (r < 0)
                return r;
        struct held_vf *v = NULL;
        size_t n = 0;
        for (size_t i = 0; r == 0 && i < s.n; i++) {
                const struct rec *rec = &s.recs[i];
                if (rec->a.kind != SRIOV_ALLOC_MACVTAP) {
                        if (rec->a.vf >= 0 && same_pf(rec, pf))
                                r = held_add(&v, &n, rec, (unsigned)rec->a.vf, rec->a.vf_address);
                        continue;
                }
                /* a macvtap on a VF's netdev dies with the VF */
                char addr[SRIOV_PCI_ADDR_MAX];
                struct vf_ref ref;
                if (!rec->a.lower || netdev_pci(ctx, rec->a.lower, addr) < 0 ||
                    vf_ref_from_pci(ctx, "", addr, &ref) < 0) {
                        ctx_clear_error(ctx);
                        continue;
                }
                if (strcmp(ref.pf.name, pf) == 0)
                        r = held_add(&v, &n, rec, ref.vf, addr);
                pf_ref_done(&ref.pf);
        }
        store_done(&s);
        if (r < 0) {
                held_vfs_free(v, n);
                return r;
        }
        if (n)
                qsort(v, n, sizeof(*v), cmp_held);
        *ret = v;
        *ret_n = n;
        return 0;
}

void held_vf_describe(const struct held_vf *h, char *buf, size_t size)
{
        snprintf(buf, size, "VF %u%s%s%s of domain '%s'%s%s%s (interface #%u, %s%s)", h->vf,
                 h->vf_address[0] ? " (" : "", h->vf_address, h->vf_address[0] ? ")" : "", h->domain_name,
                 h->domain_uuid[0] ? " (uuid " : "", h->domain_uuid, h->domain_uuid[0] ? ")" : "", h->iface + 1,
                 sriov_alloc_kind_name(h->kind), h->pending ? ", attach unfinished" : "");
}

int sriov_allocation_vf_config(struct sriov_ctx *ctx, const char *pf, unsigned vf, struct sriov_vf_config *ret)
{
        ctx_clear_error(ctx);
        struct held_vf *h;
        size_t n;
        int r = alloc_held_vfs(ctx, pf, &h, &n);
        if (r < 0)
                return r;
        r = -ENOENT;
        for (size_t i = 0; i < n; i++)
                if (h[i].vf == vf && !h[i].pending && h[i].has_config) {
                        *ret = h[i].config;
                        r = 0;
                        break;
                }
        held_vfs_free(h, n);
        return r;
}

int sriov_render_allocations_json(const struct sriov_allocation *a, size_t n, char **ret)
{
        json_object *doc = json_object_new_object(), *list = json_object_new_array();
        int r = doc && list && json_object_object_add(doc, "allocations", list) == 0 ? 0 : -ENOMEM;
        if (r < 0)
                json_object_put(list);
        for (size_t i = 0; r == 0 && i < n; i++) {
                json_object *o = json_object_new_object();
                if (!o || (r = allocation_to_json(&a[i], o)) < 0 || json_object_array_add(list, o) < 0) {
                        json_object_put(o);
                        r = -ENOMEM;
                }
        }
        char *s = r == 0 ? strdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                                              JSON_C_TO_STRING_NOSLASHESCAPE))
                         : NULL;
        json_object_put(doc);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* ---- an administrator's set, apply and restore ------------------------- */

/* The held VFs of the PF a user names (interface or PCI address). */
static int held_of_device(struct sriov_ctx *ctx, const char *device, struct held_vf **ret, size_t *ret_n)
{
        struct pf_ref pf;
        int r = pf_ref_resolve(ctx, device, &pf);
        if (r < 0)
                return r;
        r = alloc_held_vfs(ctx, pf.name, ret, ret_n);
        pf_ref_done(&pf);
        return r;
}

/* -EADDRINUSE naming the guest if one of h (device's held VFs) is VF vf.
 * Under the store's lock, so no attach takes it meanwhile. */
static int refuse_held_vf(struct sriov_ctx *ctx, const struct held_vf *h, size_t n, const char *device, unsigned vf,
                          const char *what)
{
        for (size_t i = 0; i < n; i++)
                if (h[i].vf == vf) {
                        char who[256];
                        held_vf_describe(&h[i], who, sizeof(who));
                        return ctx_fail(ctx, -EADDRINUSE, "%s vf %u: %s refused: %s holds it (detach it first)",
                                        device, vf, what, who);
                }
        return 0;
}

static int refuse_if_held(struct sriov_ctx *ctx, const char *device, unsigned vf, const char *what)
{
        struct held_vf *h;
        size_t n;
        int r = held_of_device(ctx, device, &h, &n);
        if (r < 0)
                return r;
        r = refuse_held_vf(ctx, h, n, device, vf, what);
        held_vfs_free(h, n);
        return r;
}

/* The store's lock for a change an administrator asked for. */
static int admin_hold(struct sriov_ctx *ctx)
{
        ctx_clear_error(ctx);
        int r = state_hold(ctx, LOCK_TIMEOUT_MS);
        if (r < 0)
                ctx_error_prefix(ctx, "original VF settings cannot be kept safe, so nothing is changed");
        return r;
}

int sriov_admin_vf_set(struct sriov_ctx *ctx, const char *device, unsigned vf, const struct sriov_vf_config *cfg)
{
        int r = admin_hold(ctx);
        if (r < 0)
                return r;
        if ((r = refuse_if_held(ctx, device, vf, "a change")) == 0)
                r = sriov_vf_set(ctx, device, vf, cfg);
        state_release(ctx);
        return r;
}

int sriov_admin_vf_apply(struct sriov_ctx *ctx, const struct sriov_vf_request *reqs, size_t n)
{
        int r = admin_hold(ctx);
        if (r < 0)
                return r;
        /* the store and the PF are read once per run of requests for one
         * device (a file lists a PF's VFs together), not once per line */
        struct held_vf *h = NULL;
        size_t n_held = 0;
        for (size_t i = 0; r == 0 && i < n; i++) {
                if (i == 0 || strcmp(reqs[i].device, reqs[i - 1].device) != 0) {
                        held_vfs_free(h, n_held);
                        h = NULL;
                        n_held = 0;
                        r = held_of_device(ctx, reqs[i].device, &h, &n_held);
                }
                if (r == 0)
                        r = refuse_held_vf(ctx, h, n_held, reqs[i].device, reqs[i].vf, "a change");
                if (r < 0 && reqs[i].origin)
                        ctx_error_prefix(ctx, "%s", reqs[i].origin);
        }
        held_vfs_free(h, n_held);
        if (r == 0)
                r = sriov_vf_apply(ctx, reqs, n);
        state_release(ctx);
        return r;
}

int sriov_admin_vf_restore(struct sriov_ctx *ctx, const char *device, unsigned vf, unsigned *ret_restored)
{
        int r = admin_hold(ctx);
        if (r < 0)
                return r;
        if (vf != SRIOV_VF_ALL) {
                if ((r = refuse_if_held(ctx, device, vf, "restore")) == 0)
                        r = sriov_vf_restore(ctx, device, vf, ret_restored);
                state_release(ctx);
                return r;
        }
        /* all: in one batch when no guest holds a VF of the PF (the usual
         * case, and 4096 VFs one by one would read all 4096 each time);
         * else those no guest holds, one by one (a guest's VF keeps what
         * its allocation set until it is detached, which restores it) */
        struct held_vf *h = NULL;
        size_t n_held = 0;
        r = held_of_device(ctx, device, &h, &n_held);
        if (r == 0 && n_held == 0) {
                held_vfs_free(h, n_held);
                r = sriov_vf_restore(ctx, device, SRIOV_VF_ALL, ret_restored);
                state_release(ctx);
                return r;
        }
        unsigned *saved = NULL, total = 0;
        size_t n_saved = 0;
        if (r < 0 || (r = sriov_vf_saved(ctx, device, &saved, &n_saved)) < 0) {
                held_vfs_free(h, n_held);
                state_release(ctx);
                return r;
        }
        _cleanup_strv_free_ char **skipped = NULL;
        for (size_t i = 0; r == 0 && i < n_saved; i++) {
                unsigned one = 0;
                if ((r = refuse_held_vf(ctx, h, n_held, device, saved[i], "restore")) == -EADDRINUSE) {
                        r = strv_push(&skipped, sriov_ctx_error(ctx));
                        ctx_clear_error(ctx);
                        continue;
                }
                if (r == 0 && (r = sriov_vf_restore(ctx, device, saved[i], &one)) == 0)
                        total += one;
        }
        free(saved);
        held_vfs_free(h, n_held);
        state_release(ctx);
        if (r < 0)
                return r;
        if (!n_saved)
                ctx_notice(ctx, "%s: no VF has saved settings: nothing to restore", device);
        for (char **s = skipped; s && *s; s++)
                ctx_notice(ctx, "%s", *s);
        if (ret_restored)
                *ret_restored = total;
        return 0;
}

/* ---- pods: VFs a CNI ADD gave a container ------------------------------
 * The same store, lock and pending-first discipline as attach: a record of
 * kind "pod" names the attachment (container ID + ifname, the netns and
 * the network), the VF, what to put back (`before`, the netdev's host
 * name, MAC and MTU). DEL and GC find what to give back by the attachment,
 * never by the VF a configuration names, so a late DEL of a container that
 * no longer holds a VF leaves it alone. */

static void pod_fields_free(struct sriov_allocation *a)
{
        free(a->pod.container_id);
        free(a->pod.ifname);
        free(a->pod.netns);
        free(a->pod.network);
        a->pod.container_id = a->pod.ifname = a->pod.netns = a->pod.network = NULL;
}

static int pod_fields_dup(struct sriov_allocation *a, const struct sriov_allocation *src)
{
        if (dup_opt(src->pod.container_id, &a->pod.container_id) < 0 || dup_opt(src->pod.ifname, &a->pod.ifname) < 0 ||
            dup_opt(src->pod.netns, &a->pod.netns) < 0 || dup_opt(src->pod.network, &a->pod.network) < 0)
                return -ENOMEM;
        return 0;
}

static int pod_to_json(const struct sriov_allocation *a, json_object *o)
{
        json_object *p = json_object_new_object();
        if (!p || json_object_object_add(o, "pod", p) < 0) {
                json_object_put(p);
                return -ENOMEM;
        }
        int r = 0;
        r |= add_str(p, "container_id", a->pod.container_id);
        r |= add_str(p, "ifname", a->pod.ifname);
        r |= add_str(p, "netns", a->pod.netns);
        r |= add_str(p, "network", a->pod.network);
        r |= add_bool(p, "vfio", a->pod.vfio);
        if (a->pod.netdev_mtu) {
                char mac[18];
                sriov_format_mac(a->pod.netdev_mac, mac);
                r |= add_str(p, "netdev_mac", mac);
                r |= add_int(p, "netdev_mtu", a->pod.netdev_mtu);
        }
        return r ? -ENOMEM : 0;
}

/* -EBADMSG when the record does not name its attachment. */
static int pod_from_json(json_object *o, struct sriov_allocation *a)
{
        json_object *p;
        if (!json_object_object_get_ex(o, "pod", &p) || !json_object_is_type(p, json_type_object) ||
            !get_str(p, "container_id") || !get_str(p, "ifname"))
                return -EBADMSG;
        int64_t mtu = 0;
        const char *mac = get_str(p, "netdev_mac");
        if (get_int(p, "netdev_mtu", &mtu) && mtu > 0 && mtu <= UINT32_MAX && mac &&
            vf_mac_parse(mac, a->pod.netdev_mac) == 0)
                a->pod.netdev_mtu = (uint32_t)mtu;
        a->pod.vfio = get_bool(p, "vfio");
        if (dup_opt(get_str(p, "container_id"), &a->pod.container_id) < 0 ||
            dup_opt(get_str(p, "ifname"), &a->pod.ifname) < 0 || dup_opt(get_str(p, "netns"), &a->pod.netns) < 0 ||
            dup_opt(get_str(p, "network"), &a->pod.network) < 0)
                return -ENOMEM;
        return 0;
}

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

/* ---- VFs libvirt hands out (the hooks, hook.c) ------------------------- */

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
