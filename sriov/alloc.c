/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VFs allocations hold (alloc.h): per PF, from the store, for a
 * reconcile pass and an administrator's guarded changes, and the settings
 * an allocation gave a VF. */
#include <string.h>

#include "alloc.h"
#include "state.h"
#include "store.h"
#include "vfref.h"

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

/* ---- holders in the inventory (show, list) ------------------------------- */

static int holder_of_rec(const struct rec *rec, struct sriov_vf_holder **ret)
{
        const struct sriov_allocation *a = &rec->a;
        struct sriov_vf_holder *h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        h->kind = a->kind;
        h->iface = a->iface;
        h->pending = a->pending;
        if (a->kind == SRIOV_ALLOC_POD)
                h->type = SRIOV_HOLDER_POD;
        else if (!a->source)
                h->type = SRIOV_HOLDER_GUEST;
        else
                h->type = strcmp(a->source, "libvirt-network") == 0 ? SRIOV_HOLDER_LIBVIRT_NETWORK
                                                                     : SRIOV_HOLDER_LIBVIRT_GUEST;
        int r = 0;
        if (h->type == SRIOV_HOLDER_POD)
                r = dup_opt(a->pod.container_id, &h->container_id) < 0 || dup_opt(a->pod.ifname, &h->ifname) < 0 ||
                    dup_opt(a->pod.network, &h->network) < 0;
        else
                r = dup_opt(a->domain_name, &h->domain) < 0 ||
                    dup_opt(a->domain_uuid ? a->domain_uuid : "", &h->uuid) < 0 ||
                    (h->type == SRIOV_HOLDER_LIBVIRT_NETWORK &&
                     (dup_opt(a->network, &h->network) < 0 || dup_opt(a->port, &h->port) < 0)) ||
                    (a->kind == SRIOV_ALLOC_MACVTAP && dup_opt(a->netdev, &h->netdev) < 0);
        if (r) {
                vf_holder_free(h);
                return -ENOMEM;
        }
        *ret = h;
        return 0;
}

/* The VF a record holds, among the inventory's: by PF and index, or a
 * macvtap's by its lower device, a VF's netdev. NULL if none. */
static struct sriov_vf *vf_of_rec(struct sriov_inventory *inv, const struct rec *rec, struct sriov_pf **ret_pf)
{
        for (size_t i = 0; i < inv->n_pfs; i++) {
                struct sriov_pf *pf = &inv->pfs[i];
                if (rec->a.kind != SRIOV_ALLOC_MACVTAP) {
                        bool match = rec->a.vf >= 0 && same_pf(rec, pf->address);
                        for (char **n = pf->netdevs; !match && rec->a.vf >= 0 && !rec->a.pf && n && *n; n++)
                                match = same_pf(rec, *n);
                        if (match && (size_t)rec->a.vf < pf->n_vfs) {
                                *ret_pf = pf;
                                return &pf->vfs[rec->a.vf];
                        }
                        continue;
                }
                for (size_t j = 0; rec->a.lower && j < pf->n_vfs; j++)
                        for (char **n = pf->vfs[j].netdevs; n && *n; n++)
                                if (strcmp(*n, rec->a.lower) == 0) {
                                        *ret_pf = pf;
                                        return &pf->vfs[j];
                                }
        }
        return NULL;
}

int sriov_inventory_read_holders(struct sriov_ctx *ctx, struct sriov_inventory *inv)
{
        ctx_clear_error(ctx);
        struct store s;
        int r = store_load(ctx, &s);
        if (r < 0)
                return r;
        for (size_t i = 0; i < inv->n_pfs; i++)
                for (size_t j = 0; j < inv->pfs[i].n_vfs; j++) {
                        vf_holder_free(inv->pfs[i].vfs[j].holder);
                        inv->pfs[i].vfs[j].holder = NULL;
                }
        for (size_t i = 0; r == 0 && i < s.n; i++) {
                struct sriov_pf *pf = NULL;
                struct sriov_vf *vf = vf_of_rec(inv, &s.recs[i], &pf);
                if (!vf)
                        continue;
                struct sriov_vf_holder *h;
                if ((r = holder_of_rec(&s.recs[i], &h)) < 0)
                        break;
                if (!vf->holder) {
                        vf->holder = h;
                        continue;
                }
                /* records can say so, although a VF cannot be held twice */
                r = strv_pushf(&pf->warnings, "VF %u is recorded as held twice: by %s '%s' and by %s '%s' (%s/%s)",
                               vf->index, sriov_holder_type_name(vf->holder),
                               vf->holder->domain ? vf->holder->domain : vf->holder->container_id,
                               sriov_holder_type_name(h), h->domain ? h->domain : h->container_id, state_dir(ctx),
                               "allocations.json");
                vf_holder_free(h);
        }
        store_done(&s);
        if (r < 0)
                return r;
        for (size_t i = 0; i < inv->n_pfs; i++)
                inv->pfs[i].holders_read = true;
        return 0;
}
