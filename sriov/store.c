/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The allocation store (store.h): its records, the file they are kept in
 * (JSON), and the lookups of who holds a VF or netdev. Nothing here
 * changes a device; the lock is taken by whoever changes the store. */
#include <json-c/json.h>
#include <string.h>

#include "state.h"
#include "store.h"
#include "vfcfg.h"

#define STORE_FILE "allocations.json"

int dup_opt(const char *s, char **ret)
{
        *ret = NULL;
        if (s && !(*ret = strdup(s)))
                return -ENOMEM;
        return 0;
}

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

void rec_done(struct rec *r)
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

void store_done(struct store *s)
{
        for (size_t i = 0; i < s->n; i++)
                rec_done(&s->recs[i]);
        free(s->recs);
        strv_free(s->rolled_back);
        *s = (struct store){0};
}

/* ---- the store as JSON -------------------------------------------------- */

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
                _cleanup_free_ char *words = vf_config_words(&a->config, a->config.set);
                if (!words)
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

static int rec_from_json(struct sriov_ctx *ctx, json_object *o, size_t index, struct rec *ret)
{
        struct rec rec = {.a.vf = -1};
        const char *kind = get_str(o, "kind"), *mac = get_str(o, "mac"), *domain = get_str(o, "domain");
        int64_t iface = 0, vf = -1, pid = 0;
        bool ok = kind && mac && domain && get_int(o, "interface", &iface) && iface >= 0 &&
                  vf_mac_parse(mac, rec.a.mac) == 0 && alloc_kind_parse(kind, &rec.a.kind) == 0;
        if (ok && rec.a.kind != SRIOV_ALLOC_MACVTAP)
                ok = get_int(o, "vf", &vf) && vf >= -1 && vf <= INT32_MAX && (vf < 0 || get_str(o, "pf_ifname"));
        if (ok && rec.a.kind == SRIOV_ALLOC_MACVTAP)
                ok = get_str(o, "lower") && get_str(o, "netdev") && get_str(o, "mode") &&
                     sriov_macvtap_mode_parse(get_str(o, "mode"), &rec.a.macvtap_mode) == 0;
        if (!ok)
                return ctx_fail_state(ctx, -EBADMSG, "%s/%s: record #%zu is malformed", state_dir(ctx), STORE_FILE,
                                index + 1);
        (void)get_int(o, "pid", &pid);
        int64_t ifindex = 0, lower_ifindex = 0;
        if (rec.a.kind == SRIOV_ALLOC_MACVTAP && get_int(o, "ifindex", &ifindex) &&
            (ifindex <= 0 || ifindex > INT32_MAX || !get_int(o, "lower_ifindex", &lower_ifindex) ||
             lower_ifindex <= 0 || lower_ifindex > INT32_MAX))
                return ctx_fail_state(ctx, -EBADMSG, "%s/%s: record #%zu: bad ifindex or lower_ifindex", state_dir(ctx),
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
                r = ctx_fail_state(ctx, r, "%s/%s: record #%zu: a pod record without its attachment", state_dir(ctx),
                             STORE_FILE, index + 1);
        const char *cfg = get_str(o, "config");
        if (r == 0 && cfg && *cfg && rec.pf_ifname &&
            vf_words_to_config(ctx, rec.pf_ifname, (unsigned)(vf < 0 ? 0 : vf), cfg, &rec.a.config) < 0)
                r = ctx_fail_state(ctx, -EBADMSG, "%s/%s: record #%zu: bad config '%s'", state_dir(ctx), STORE_FILE,
                             index + 1, cfg);
        if (r < 0) {
                rec_done(&rec);
                return r;
        }
        *ret = rec;
        return 0;
}

int store_load(struct sriov_ctx *ctx, struct store *ret)
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
                r = ctx_fail_state(ctx, -EBADMSG, "%s/%s: no \"allocations\" array", state_dir(ctx), STORE_FILE);
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

int store_save(struct sriov_ctx *ctx, const struct store *s)
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

/* ---- records, and who holds what ------------------------------------- */

int store_add(struct store *s, struct rec *rec)
{
        struct rec *n = realloc(s->recs, (s->n + 1) * sizeof(*n));
        if (!n)
                return -ENOMEM;
        s->recs = n;
        s->recs[s->n++] = *rec;
        *rec = (struct rec){0};
        return 0;
}

void store_drop(struct store *s, size_t i)
{
        rec_done(&s->recs[i]);
        memmove(&s->recs[i], &s->recs[i + 1], (s->n - i - 1) * sizeof(*s->recs));
        s->n--;
}

bool same_pf(const struct rec *r, const char *pf)
{
        return r->a.kind != SRIOV_ALLOC_MACVTAP &&
               ((r->a.pf && strcmp(r->a.pf, pf) == 0) || (r->pf_ifname && strcmp(r->pf_ifname, pf) == 0));
}

const struct rec *holder_of_vf(const struct store *s, const char *pf, int vf)
{
        for (size_t i = 0; i < s->n; i++)
                if (s->recs[i].a.vf == vf && vf >= 0 && same_pf(&s->recs[i], pf))
                        return &s->recs[i];
        return NULL;
}

const struct rec *holder_of_netdev(const struct store *s, const char *netdev)
{
        for (size_t i = 0; i < s->n; i++)
                if ((s->recs[i].a.netdev && strcmp(s->recs[i].a.netdev, netdev) == 0) ||
                    (s->recs[i].a.kind == SRIOV_ALLOC_MACVTAP && s->recs[i].a.macvtap_mode == SRIOV_MACVTAP_PASSTHRU &&
                     s->recs[i].a.lower && strcmp(s->recs[i].a.lower, netdev) == 0))
                        return &s->recs[i];
        return NULL;
}

/* The PF to change a record's VF through: its PCI address as recorded,
 * resolved anew to whatever its netdev is called now (a name could belong
 * to another NIC by then); the netdev name only for a record without one. */
const char *rec_pf(const struct rec *rec)
{
        struct sriov_pci_addr a;
        return rec->a.pf && pci_addr_parse(rec->a.pf, &a) == 0 ? rec->a.pf : rec->pf_ifname;
}

bool same_domain(const struct rec *r, const char *name, const char *uuid)
{
        return (name && strcmp(r->a.domain_name, name) == 0) ||
               (uuid && *uuid && r->a.domain_uuid && strcasecmp(r->a.domain_uuid, uuid) == 0);
}

/* ---- the records as the public calls list them ----------------------- */

int copy_allocations(const struct store *s, size_t from, struct sriov_allocation **ret, size_t *ret_n)
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
        char *s = r == 0 ? strdup(json_object_to_json_string_ext(doc, SRIOV_JSON_TEXT_FLAGS))
                         : NULL;
        json_object_put(doc);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
