/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VFs allocations hold (alloc.h): per PF, from the store, for a
 * reconcile pass and an administrator's guarded changes, and the settings
 * an allocation gave a VF. */
#include <string.h>

#include "alloc.h"
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
