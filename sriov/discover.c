/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The inventory: SR-IOV PFs and their VFs from sysfs, cross-checked with the
 * SR-IOV capability in config space; network devices usable for macvtap. */
#include <inttypes.h>
#include <string.h>

#include "internal.h"
#include "pciparse.h"

#define PCI_DEVICES "bus/pci/devices"
#define VF_MAX 65535

/* ---- freeing ---------------------------------------------------------- */

void vf_holder_free(struct sriov_vf_holder *h)
{
        if (!h)
                return;
        free(h->domain);
        free(h->uuid);
        free(h->container_id);
        free(h->ifname);
        free(h->network);
        free(h->port);
        free(h->netdev);
        free(h);
}

static void vf_done(struct sriov_vf *vf)
{
        free(vf->driver);
        strv_free(vf->netdevs);
        free(vf->port.netdev);
        free(vf->port.phys_port_name);
        free(vf->representor);
        vf_holder_free(vf->holder);
}

static void pf_done(struct sriov_pf *pf)
{
        free(pf->address);
        free(pf->bus);
        free(pf->vendor_name);
        free(pf->device_name);
        free(pf->class_name);
        free(pf->driver);
        strv_free(pf->netdevs);
        free(pf->link_speed);
        for (size_t i = 0; i < pf->n_vfs; i++)
                vf_done(&pf->vfs[i]);
        free(pf->vfs);
        strv_free(pf->warnings);
        free(pf->eswitch.devlink);
}

void sriov_inventory_free(struct sriov_inventory *inv)
{
        if (!inv)
                return;
        for (size_t i = 0; i < inv->n_pfs; i++)
                pf_done(&inv->pfs[i]);
        free(inv->pfs);
        for (size_t i = 0; i < inv->n_lowers; i++) {
                free(inv->lowers[i].name);
                free(inv->lowers[i].driver);
                free(inv->lowers[i].address);
                free(inv->lowers[i].kind);
        }
        free(inv->lowers);
        strv_free(inv->warnings);
        free(inv);
}

static void inventory_freep(struct sriov_inventory **inv) { sriov_inventory_free(*inv); }

/* ---- attribute helpers: a bad value becomes a warning and is absent ----- */

/* Moves the context's error message into a warning list. */
static void warn_from_ctx(struct sriov_ctx *ctx, char ***warnings)
{
        if (ctx->error)
                (void)strv_push(warnings, ctx->error);
        ctx_clear_error(ctx);
}

static int64_t attr_u64(struct sriov_ctx *ctx, char ***warnings, const char *dir, const char *name,
                        int base, uint64_t max)
{
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return SRIOV_ABSENT;
        uint64_t v;
        int r = sysfs_read_u64(ctx, path, base, max, &v);
        if (r == -ENOENT)
                return SRIOV_ABSENT;
        if (r < 0) {
                ctx_fail(ctx, r, "%s/%s: %s", ctx->sysfs_root, path, strerror(-r));
                warn_from_ctx(ctx, warnings);
                return SRIOV_ABSENT;
        }
        return (int64_t)v;
}

static char *attr_link(struct sriov_ctx *ctx, const char *dir, const char *name)
{
        _cleanup_free_ char *path = NULL;
        char *s = NULL;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return NULL;
        return sysfs_link_name(ctx, path, &s) < 0 ? NULL : s;
}

static int64_t iommu_group(struct sriov_ctx *ctx, const char *dir)
{
        _cleanup_free_ char *g = attr_link(ctx, dir, "iommu_group");
        char *end;
        if (!g)
                return SRIOV_ABSENT;
        long v = strtol(g, &end, 10);
        return *end || v < 0 ? SRIOV_ABSENT : v;
}

static char **netdevs_of(struct sriov_ctx *ctx, const char *dir)
{
        _cleanup_free_ char *path = NULL;
        char **names = NULL;
        if (asprintf(&path, "%s/net", dir) < 0)
                return NULL;
        if (sysfs_list(ctx, path, NULL, &names) < 0)
                names = calloc(1, sizeof(char *));
        return names;
}

/* ---- VFs ---------------------------------------------------------------- */

static int cmp_virtfn(const void *a, const void *b)
{
        unsigned long x = strtoul(*(char *const *)a + 6, NULL, 10);
        unsigned long y = strtoul(*(char *const *)b + 6, NULL, 10);
        return (x > y) - (x < y);
}

/* VFs from the virtfnN links of a PF's sysfs directory. */
static int read_vfs(struct sriov_ctx *ctx, struct sriov_pf *pf, const char *dir)
{
        _cleanup_strv_free_ char **links = NULL;
        int r = sysfs_list(ctx, dir, "virtfn", &links);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        size_t n = strv_length(links);
        qsort(links, n, sizeof(char *), cmp_virtfn);
        if (!n)
                return 0;
        pf->vfs = calloc(n, sizeof(*pf->vfs));
        if (!pf->vfs)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                struct sriov_vf *vf = &pf->vfs[pf->n_vfs];
                char *end;
                unsigned long idx = strtoul(links[i] + 6, &end, 10);
                if (*end || links[i][6] == 0 || idx > VF_MAX)
                        continue;
                *vf = (struct sriov_vf){.index = (unsigned)idx, .iommu_group = SRIOV_ABSENT};
                pf->n_vfs++;
                _cleanup_free_ char *target = attr_link(ctx, dir, links[i]);
                struct sriov_pci_addr a;
                if (!target || pci_addr_parse(target, &a) < 0) {
                        (void)strv_pushf(&pf->warnings, "%s/%s/%s: not a link to a PCI function",
                                         ctx->sysfs_root, dir, links[i]);
                        continue;
                }
                pci_addr_format(&a, vf->address);
                _cleanup_free_ char *vdir = NULL;
                if (asprintf(&vdir, PCI_DEVICES "/%s", vf->address) < 0)
                        return -ENOMEM;
                vf->driver = attr_link(ctx, vdir, "driver");
                vf->netdevs = netdevs_of(ctx, vdir);
                vf->iommu_group = iommu_group(ctx, vdir);
        }
        return 0;
}

/* The VFs an `lspci -xxxx` dump implies: NumVFs of them at offset/stride. */
static int dump_vfs(struct sriov_pf *pf)
{
        if (!pf->has_cap || !pf->cap.num_vfs)
                return 0;
        unsigned n = pf->cap.num_vfs;
        if (n > pf->cap.total_vfs) {
                /* the device could not have enabled more than TotalVFs */
                n = pf->cap.total_vfs;
                int r = strv_pushf(&pf->warnings, "%s: NumVFs %u is larger than TotalVFs %u", pf->address,
                                   pf->cap.num_vfs, pf->cap.total_vfs);
                if (r < 0)
                        return r;
        }
        if (!n)
                return 0;
        pf->vfs = calloc(n, sizeof(*pf->vfs));
        if (!pf->vfs)
                return -ENOMEM;
        for (unsigned i = 0; i < n; i++)
                pf->vfs[i] = (struct sriov_vf){.index = i, .iommu_group = SRIOV_ABSENT};
        pf->n_vfs = n;
        return 0;
}

/* ---- config space cross-checks ---------------------------------------- */

static const char *bus_range(char *buf, size_t size, unsigned first, unsigned last)
{
        if (first == last)
                snprintf(buf, size, "bus %02x", first);
        else
                snprintf(buf, size, "buses %02x-%02x", first, last);
        return buf;
}

/* The subordinate bus of the bridge above the PF, or -1. */
static int subordinate_bus(struct sriov_ctx *ctx, const struct sriov_pci_addr *pf, char *bridge_name)
{
        struct sriov_pci_addr bridge;
        bool found = false;
        if (ctx->pci_dump) {
                /* the dump's bridge whose secondary bus is the PF's */
                _cleanup_free_ struct sriov_pci_addr *devs = NULL;
                size_t n = 0;
                if (pcicfg_dump_devices(ctx, &devs, &n) < 0)
                        return -1;
                for (size_t i = 0; i < n && !found; i++) {
                        uint8_t cfg[4096];
                        size_t len;
                        if (devs[i].domain != pf->domain || pcicfg_read(ctx, &devs[i], cfg, &len) < 0 ||
                            len < 64 || (cfg[0x0e] & 0x7f) != 1 || cfg[0x19] != pf->bus)
                                continue;
                        bridge = devs[i];
                        found = true;
                }
        } else {
                char addr[SRIOV_PCI_ADDR_MAX];
                _cleanup_free_ char *path = NULL, *real = NULL;
                pci_addr_format(pf, addr);
                if (asprintf(&path, PCI_DEVICES "/%s", addr) < 0 || sysfs_realpath(ctx, path, &real) < 0)
                        return -1;
                char *slash = strrchr(real, '/');
                if (!slash)
                        return -1;
                *slash = 0;
                slash = strrchr(real, '/');
                found = pci_addr_parse(slash ? slash + 1 : real, &bridge) == 0;
        }
        if (!found)
                return -1;
        uint8_t cfg[4096];
        size_t len;
        if (pcicfg_read(ctx, &bridge, cfg, &len) < 0 || len < 64 || (cfg[0x0e] & 0x7f) != 1)
                return -1;
        pci_addr_format(&bridge, bridge_name);
        return cfg[0x1a];
}

/* Expected VF addresses from First VF Offset / VF Stride, checked against
 * the virtfn links, the bridge's bus range and the ARI setting. */
static void check_routing(struct sriov_ctx *ctx, struct sriov_pf *pf, const struct sriov_pci_addr *pa)
{
        int64_t offset = pf->has_cap ? pf->cap.first_vf_offset : pf->offset;
        int64_t stride = pf->has_cap ? pf->cap.vf_stride : pf->stride;
        int64_t total = pf->has_cap ? pf->cap.total_vfs : pf->totalvfs;
        if (offset == SRIOV_ABSENT || stride == SRIOV_ABSENT)
                return;
        if (pf->has_cap && pf->offset != SRIOV_ABSENT && pf->offset != offset)
                (void)strv_pushf(&pf->warnings,
                                 "%s: sysfs sriov_offset is %" PRId64 " but config space says First "
                                 "VF Offset %" PRId64,
                                 pf->address, pf->offset, offset);
        if (pf->has_cap && pf->stride != SRIOV_ABSENT && pf->stride != stride)
                (void)strv_pushf(&pf->warnings,
                                 "%s: sysfs sriov_stride is %" PRId64 " but config space says VF "
                                 "Stride %" PRId64,
                                 pf->address, pf->stride, stride);
        for (size_t i = 0; i < pf->n_vfs; i++) {
                struct sriov_vf *vf = &pf->vfs[i];
                struct sriov_pci_addr e;
                if (sriov_vf_routing_id(pa, (uint16_t)offset, (uint16_t)stride, vf->index, &e) < 0) {
                        (void)strv_pushf(&pf->warnings,
                                         "%s: VF %u and later: First VF Offset %" PRId64 " + %u * VF "
                                         "Stride %" PRId64 " runs past bus ff",
                                         pf->address, vf->index, offset, vf->index, stride);
                        break;
                }
                pci_addr_format(&e, vf->expected);
                if (vf->address[0] && strcmp(vf->address, vf->expected) != 0)
                        (void)strv_pushf(&pf->warnings,
                                         "%s: VF %u is %s (virtfn%u) but First VF Offset %" PRId64
                                         " + %u * VF Stride %" PRId64 " gives %s",
                                         pf->address, vf->index, vf->address, vf->index, offset,
                                         vf->index, stride, vf->expected);
        }
        if (total <= 0 || !pa)
                return;
        struct sriov_pci_addr first, last;
        if (sriov_vf_routing_id(pa, (uint16_t)offset, (uint16_t)stride, 0, &first) < 0)
                return;
        bool last_ok = sriov_vf_routing_id(pa, (uint16_t)offset, (uint16_t)stride,
                                           (unsigned)total - 1, &last) == 0;
        unsigned last_bus = last_ok ? last.bus : 0x100;
        char range[32], bridge[SRIOV_PCI_ADDR_MAX];
        int sub = subordinate_bus(ctx, pa, bridge);
        if (sub >= 0 && last_bus > (unsigned)sub) {
                unsigned fit = 0;
                struct sriov_pci_addr v;
                while (fit < total && sriov_vf_routing_id(pa, (uint16_t)offset, (uint16_t)stride, fit, &v) == 0 &&
                       v.bus <= sub)
                        fit++;
                (void)strv_pushf(&pf->warnings,
                                 "%s: only %u of %" PRId64 " VFs fit below bridge %s (subordinate bus "
                                 "%02x): First VF Offset %" PRId64 " and VF Stride %" PRId64
                                 " put VF %u on bus %02x",
                                 pf->address, fit, total, bridge, sub, offset, stride, fit,
                                 fit < total && sriov_vf_routing_id(pa, (uint16_t)offset, (uint16_t)stride, fit, &v) == 0
                                         ? v.bus
                                         : 0x100);
        }
        if (pf->has_cap && !(pf->cap.control & SRIOV_IOV_CTRL_ARI) && last_bus > pa->bus)
                (void)strv_pushf(&pf->warnings,
                                 "%s: ARI Capable Hierarchy is off: First VF Offset %" PRId64
                                 " and VF Stride %" PRId64 " put its %" PRId64
                                 " VFs on %s, beyond the PF's bus %02x; with ARI on, a device may "
                                 "report a smaller offset (the 82599ES reports 128 with ARI, 384 "
                                 "without)",
                                 pf->address, offset, stride, total,
                                 bus_range(range, sizeof(range), first.bus, last_bus), pa->bus);
}

/* Reads config space and decodes the SR-IOV capability into pf->cap. */
static void read_cap(struct sriov_ctx *ctx, struct sriov_pf *pf, const struct sriov_pci_addr *a,
                     bool sysfs_says_sriov)
{
        uint8_t cfg[4096];
        size_t len = 0;
        if (pcicfg_read(ctx, a, cfg, &len) < 0) {
                warn_from_ctx(ctx, &pf->warnings);
                return;
        }
        if (len < 4096 && !ctx->pci_dump && sysfs_says_sriov) {
                /* the kernel gives non-root readers the 64-byte header only */
                if (len == 64)
                        ctx_notice(ctx, "extended PCI config space is readable only by root: SR-IOV "
                                        "capability fields come from sysfs (run as root, or use "
                                        "--pci-dump)");
                else
                        ctx_notice(ctx, "PCI config space is not readable under %s/bus/pci: SR-IOV "
                                        "capability fields come from sysfs",
                                   ctx->sysfs_root);
                return;
        }
        char why[200];
        int r = sriov_iov_cap_parse(cfg, len, &pf->cap, why, sizeof(why));
        if (r == 0) {
                pf->has_cap = true;
                return;
        }
        if (r == -ENOENT && !sysfs_says_sriov)
                return;
        (void)strv_pushf(&pf->warnings, "%s: config space%s%s: %s", pf->address,
                         ctx->pci_dump ? " in " : "", ctx->pci_dump ? ctx->pci_dump : "", why);
}

static void ids_from_config(struct sriov_ctx *ctx, struct sriov_pf *pf, const struct sriov_pci_addr *a)
{
        uint8_t cfg[4096];
        size_t len;
        if (pcicfg_read(ctx, a, cfg, &len) < 0 || len < 64)
                return;
        pf->vendor_id = (uint16_t)(cfg[0] | cfg[1] << 8);
        pf->device_id = (uint16_t)(cfg[2] | cfg[3] << 8);
        pf->class_code = (uint32_t)(cfg[0x09] | cfg[0x0a] << 8 | cfg[0x0b] << 16);
        pf->has_ids = true;
}

/* Names from pci.ids. libpci parses the whole file (~2 MB of memory) on
 * the first lookup: PFs of one model take the names of the first one, and
 * the parsed list is dropped after each lookup so it is not held while the
 * VFs are read. */
static void lookup_names(struct sriov_ctx *ctx, const struct sriov_inventory *inv, struct sriov_pf *pf)
{
        if (!pf->has_ids)
                return;
        for (size_t i = 0; i < inv->n_pfs; i++) {
                const struct sriov_pf *o = &inv->pfs[i];
                if (o == pf || !o->has_ids || o->vendor_id != pf->vendor_id ||
                    o->device_id != pf->device_id || o->class_code != pf->class_code)
                        continue;
                pf->vendor_name = strdup_or_null(o->vendor_name);
                pf->device_name = strdup_or_null(o->device_name);
                pf->class_name = strdup_or_null(o->class_name);
                return;
        }
        pf->vendor_name = pcicfg_name(ctx, PCI_NAME_VENDOR, pf->vendor_id, 0, 0);
        pf->device_name = pcicfg_name(ctx, PCI_NAME_DEVICE, pf->vendor_id, pf->device_id, 0);
        pf->class_name = pcicfg_name(ctx, PCI_NAME_CLASS, 0, 0, pf->class_code);
        pcicfg_drop_names(ctx);
        ctx_clear_error(ctx); /* names are optional */
}

/* Fills what sysfs knows about the device at `dir` into pf. */
static void read_sysfs_attrs(struct sriov_ctx *ctx, struct sriov_pf *pf, const char *dir)
{
        char ***w = &pf->warnings;
        int64_t vendor = attr_u64(ctx, w, dir, "vendor", 16, 0xffff);
        int64_t device = attr_u64(ctx, w, dir, "device", 16, 0xffff);
        int64_t cls = attr_u64(ctx, w, dir, "class", 16, 0xffffff);
        if (vendor != SRIOV_ABSENT && device != SRIOV_ABSENT) {
                pf->vendor_id = (uint16_t)vendor;
                pf->device_id = (uint16_t)device;
                pf->class_code = cls == SRIOV_ABSENT ? 0 : (uint32_t)cls;
                pf->has_ids = true;
        }
        free(pf->driver);
        pf->driver = attr_link(ctx, dir, "driver");
        strv_free(pf->netdevs);
        pf->netdevs = netdevs_of(ctx, dir);
        pf->iommu_group = iommu_group(ctx, dir);
        _cleanup_free_ char *path = NULL;
        int64_t node;
        if (asprintf(&path, "%s/numa_node", dir) >= 0) {
                int r = sysfs_read_s64(ctx, path, -1, 65535, &node);
                if (r == 0)
                        pf->numa_node = node; /* -1: no NUMA affinity, which is what it says */
                else if (r != -ENOENT)
                        warn_from_ctx(ctx, w);
        }
        free(path);
        path = NULL;
        if (asprintf(&path, "%s/current_link_speed", dir) >= 0 &&
            sysfs_read_line(ctx, path, &pf->link_speed) < 0)
                pf->link_speed = NULL;
        ctx_clear_error(ctx);
        pf->link_width = attr_u64(ctx, w, dir, "current_link_width", 10, 64);
        pf->totalvfs = attr_u64(ctx, w, dir, "sriov_totalvfs", 10, VF_MAX);
        pf->numvfs = attr_u64(ctx, w, dir, "sriov_numvfs", 10, VF_MAX);
        pf->offset = attr_u64(ctx, w, dir, "sriov_offset", 10, 0xffff);
        pf->stride = attr_u64(ctx, w, dir, "sriov_stride", 10, 0xffff);
        pf->vf_device = attr_u64(ctx, w, dir, "sriov_vf_device", 16, 0xffff);
        pf->drivers_autoprobe = attr_u64(ctx, w, dir, "sriov_drivers_autoprobe", 10, 1);
}

static void pf_init(struct sriov_pf *pf)
{
        *pf = (struct sriov_pf){.numa_node = SRIOV_ABSENT,
                                .iommu_group = SRIOV_ABSENT,
                                .link_width = SRIOV_ABSENT,
                                .totalvfs = SRIOV_ABSENT,
                                .numvfs = SRIOV_ABSENT,
                                .offset = SRIOV_ABSENT,
                                .stride = SRIOV_ABSENT,
                                .vf_device = SRIOV_ABSENT,
                                .drivers_autoprobe = SRIOV_ABSENT,
                                .netlink_num_vf = SRIOV_ABSENT};
}

static int add_pf(struct sriov_inventory *inv, struct sriov_pf **ret)
{
        struct sriov_pf *pfs = realloc(inv->pfs, (inv->n_pfs + 1) * sizeof(*pfs));
        if (!pfs)
                return -ENOMEM;
        inv->pfs = pfs;
        pf_init(&pfs[inv->n_pfs]);
        *ret = &pfs[inv->n_pfs++];
        return 0;
}

/* A PCI PF found in sysfs. */
static int scan_pci_pf(struct sriov_ctx *ctx, struct sriov_inventory *inv, const char *name)
{
        struct sriov_pci_addr a;
        if (pci_addr_parse(name, &a) < 0)
                return 0;
        _cleanup_free_ char *dir = NULL, *probe = NULL;
        if (asprintf(&dir, PCI_DEVICES "/%s", name) < 0 || asprintf(&probe, "%s/sriov_totalvfs", dir) < 0)
                return -ENOMEM;
        if (!sysfs_exists(ctx, probe))
                return 0;
        struct sriov_pf *pf;
        int r = add_pf(inv, &pf);
        if (r < 0)
                return r;
        pf->address = strdup(name);
        pf->bus = strdup("pci");
        if (!pf->address || !pf->bus)
                return -ENOMEM;
        read_sysfs_attrs(ctx, pf, dir);
        read_cap(ctx, pf, &a, true);
        if (!pf->has_ids)
                ids_from_config(ctx, pf, &a);
        lookup_names(ctx, inv, pf);
        r = read_vfs(ctx, pf, dir);
        if (r < 0)
                return r;
        check_routing(ctx, pf, &a);
        return 0;
}

/* A PF found in an lspci dump (by its SR-IOV capability). */
static int scan_dump_pf(struct sriov_ctx *ctx, struct sriov_inventory *inv, const struct sriov_pci_addr *a)
{
        uint8_t cfg[4096];
        size_t len;
        int r = pcicfg_read(ctx, a, cfg, &len);
        if (r < 0)
                return r;
        char addr[SRIOV_PCI_ADDR_MAX], why[200];
        pci_addr_format(a, addr);
        struct sriov_iov_cap cap;
        r = sriov_iov_cap_parse(cfg, len, &cap, why, sizeof(why));
        if (r == -ENOENT || (r == -ENODATA && len == 0))
                return 0;
        if (r < 0)
                return strv_pushf(&inv->warnings, "%s in %s: %s", addr, ctx->pci_dump, why);
        struct sriov_pf *pf;
        r = add_pf(inv, &pf);
        if (r < 0)
                return r;
        pf->address = strdup(addr);
        pf->bus = strdup("pci");
        if (!pf->address || !pf->bus)
                return -ENOMEM;
        pf->cap = cap;
        pf->has_cap = true;
        _cleanup_free_ char *dir = NULL;
        if (asprintf(&dir, PCI_DEVICES "/%s", addr) < 0)
                return -ENOMEM;
        /* sysfs data only from a fixture tree given for this dump */
        bool in_sysfs = ctx->sysfs_root_explicit && sysfs_exists(ctx, dir);
        if (in_sysfs)
                read_sysfs_attrs(ctx, pf, dir);
        if (!pf->has_ids)
                ids_from_config(ctx, pf, a);
        lookup_names(ctx, inv, pf);
        r = in_sysfs ? read_vfs(ctx, pf, dir) : 0;
        if (r == 0 && pf->n_vfs == 0)
                r = dump_vfs(pf);
        if (r < 0)
                return r;
        check_routing(ctx, pf, a);
        return 0;
}

/* A non-PCI device with SR-IOV (netdevsim): its VFs exist only in netlink. */
static int scan_netdev_pf(struct sriov_ctx *ctx, struct sriov_inventory *inv, const char *devpath,
                          const char *ifname)
{
        for (size_t i = 0; i < inv->n_pfs; i++) {
                struct sriov_pf *pf = &inv->pfs[i];
                if (pf->address && strcmp(pf->address, strrchr(devpath, '/') ? strrchr(devpath, '/') + 1 : devpath) == 0)
                        return 0;
        }
        struct sriov_pf *pf;
        int r = add_pf(inv, &pf);
        if (r < 0)
                return r;
        const char *base = strrchr(devpath, '/');
        pf->address = strdup(base ? base + 1 : devpath);
        _cleanup_free_ char *subsys_link = NULL;
        if (asprintf(&subsys_link, "%s/subsystem", devpath) < 0)
                return -ENOMEM;
        if (sysfs_link_name(ctx, subsys_link, &pf->bus) < 0)
                pf->bus = strdup("unknown");
        if (!pf->address || !pf->bus)
                return -ENOMEM;
        read_sysfs_attrs(ctx, pf, devpath);
        if (!pf->netdevs || !pf->netdevs[0]) {
                strv_free(pf->netdevs);
                pf->netdevs = NULL;
                r = strv_push(&pf->netdevs, ifname);
        }
        if (r == 0 && pf->numvfs > 0) {
                pf->vfs = calloc((size_t)pf->numvfs, sizeof(*pf->vfs));
                if (!pf->vfs)
                        return -ENOMEM;
                for (int64_t i = 0; i < pf->numvfs; i++)
                        pf->vfs[i] = (struct sriov_vf){.index = (unsigned)i, .iommu_group = SRIOV_ABSENT};
                pf->n_vfs = (size_t)pf->numvfs;
        }
        return r;
}

static int cmp_name(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The interface names of the inventory's PFs and VFs, sorted for bsearch
 * (borrowed pointers): one lookup per netdev instead of a walk over every
 * function, which was quadratic with thousands of VFs. NULL: no memory. */
static const char **owned_names(const struct sriov_inventory *inv, size_t *ret_n)
{
        size_t n = 0;
        for (size_t i = 0; i < inv->n_pfs; i++) {
                const struct sriov_pf *pf = &inv->pfs[i];
                n += strv_length(pf->netdevs);
                for (size_t j = 0; j < pf->n_vfs; j++)
                        n += strv_length(pf->vfs[j].netdevs);
        }
        const char **v = malloc((n + 1) * sizeof(*v));
        if (!v)
                return NULL;
        n = 0;
        for (size_t i = 0; i < inv->n_pfs; i++) {
                const struct sriov_pf *pf = &inv->pfs[i];
                for (char **name = pf->netdevs; name && *name; name++)
                        v[n++] = *name;
                for (size_t j = 0; j < pf->n_vfs; j++)
                        for (char **name = pf->vfs[j].netdevs; name && *name; name++)
                                v[n++] = *name;
        }
        qsort(v, n, sizeof(*v), cmp_name);
        *ret_n = n;
        return v;
}

static bool owned_by_inventory(const char **owned, size_t n, const char *ifname)
{
        return bsearch(&ifname, owned, n, sizeof(*owned), cmp_name) != NULL;
}

/* "DEVTYPE=veth" from a netdev's uevent file, or NULL. */
static char *uevent_devtype(struct sriov_ctx *ctx, const char *dir)
{
        _cleanup_free_ char *path = NULL, *text = NULL;
        if (asprintf(&path, "%s/uevent", dir) < 0 || sysfs_read_all(ctx, path, &text) < 0)
                return NULL;
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if (strncmp(line, "DEVTYPE=", 8) == 0)
                        return strdup(line + 8);
        return NULL;
}

static int scan_netdevs(struct sriov_ctx *ctx, struct sriov_inventory *inv, bool find_pfs)
{
        _cleanup_strv_free_ char **names = NULL;
        int r = sysfs_list(ctx, "class/net", NULL, &names);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return ctx_fail(ctx, r, "%s/class/net: %s", ctx->sysfs_root, strerror(-r));
        _cleanup_free_ const char **owned = NULL;
        size_t n_owned = 0;
        if (!(owned = owned_names(inv, &n_owned)))
                return -ENOMEM;
        for (char **n = names; *n; n++) {
                /* The netdevs of the PCI PFs and VFs found so far: their
                 * device is a PCI function, so neither a non-PCI PF nor a
                 * lower device; skipped before resolving their links (a
                 * dozen readlinkat calls each). */
                if (owned_by_inventory(owned, n_owned, *n))
                        continue;
                _cleanup_free_ char *dir = NULL, *devlink = NULL, *devpath = NULL, *subsys = NULL;
                if (asprintf(&dir, "class/net/%s", *n) < 0 || asprintf(&devlink, "%s/device", dir) < 0)
                        return -ENOMEM;
                bool has_dev = sysfs_realpath(ctx, devlink, &devpath) == 0 && sysfs_exists(ctx, devlink);
                if (has_dev) {
                        _cleanup_free_ char *l = NULL;
                        if (asprintf(&l, "%s/subsystem", devpath) < 0)
                                return -ENOMEM;
                        (void)sysfs_link_name(ctx, l, &subsys);
                }
                if (find_pfs) {
                        _cleanup_free_ char *probe = NULL;
                        if (asprintf(&probe, "%s/sriov_numvfs", devpath ? devpath : "") < 0)
                                return -ENOMEM;
                        if (has_dev && (!subsys || strcmp(subsys, "pci") != 0) && sysfs_exists(ctx, probe)) {
                                r = scan_netdev_pf(ctx, inv, devpath, *n);
                                if (r < 0)
                                        return r;
                        }
                        continue;
                }
                int64_t type = attr_u64(ctx, &inv->warnings, dir, "type", 10, 0xffff);
                if (type != 1) /* ARPHRD_ETHER: macvtap needs an Ethernet lower device */
                        continue;
                /* a VF whose PF's virtfn link is broken is still a VF */
                _cleanup_free_ char *physfn = NULL;
                if (has_dev && asprintf(&physfn, "%s/physfn", devlink) >= 0 && sysfs_exists(ctx, physfn))
                        continue;
                _cleanup_free_ char *devtype = uevent_devtype(ctx, dir);
                if (devtype && (strcmp(devtype, "macvlan") == 0 || strcmp(devtype, "macvtap") == 0))
                        continue;
                struct sriov_netdev *l = realloc(inv->lowers, (inv->n_lowers + 1) * sizeof(*l));
                if (!l)
                        return -ENOMEM;
                inv->lowers = l;
                l = &l[inv->n_lowers++];
                *l = (struct sriov_netdev){.name = strdup(*n)};
                if (has_dev) {
                        l->driver = attr_link(ctx, devlink, "driver");
                        const char *base = strrchr(devpath, '/');
                        l->address = strdup(base ? base + 1 : devpath);
                        l->kind = strdup("physical");
                } else
                        l->kind = strdup(devtype ? devtype : "virtual");
                if (!l->name || !l->kind)
                        return -ENOMEM;
        }
        return 0;
}

static int inventory_scan(struct sriov_ctx *ctx, struct sriov_inventory **ret);

int sriov_inventory_scan(struct sriov_ctx *ctx, struct sriov_inventory **ret)
{
        ctx_clear_error(ctx);
        int r = inventory_scan(ctx, ret);
        /* names are copied out: drop libpci's parsed pci.ids (~2 MB) now
         * rather than hold it while the caller renders the inventory */
        ctx_drop_pcicfg(ctx);
        return r;
}

static int inventory_scan(struct sriov_ctx *ctx, struct sriov_inventory **ret)
{
        _cleanup_(inventory_freep) struct sriov_inventory *inv = calloc(1, sizeof(*inv));
        if (!inv)
                return -ENOMEM;
        int r = sysfs_root_fd(ctx);
        if (r < 0)
                return r;
        if (ctx->pci_dump) {
                _cleanup_free_ struct sriov_pci_addr *devs = NULL;
                size_t n;
                r = pcicfg_dump_devices(ctx, &devs, &n);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < n; i++)
                        if ((r = scan_dump_pf(ctx, inv, &devs[i])) < 0)
                                return r;
                *ret = TAKE_PTR(inv);
                return 0;
        }
        _cleanup_strv_free_ char **names = NULL;
        r = sysfs_list(ctx, PCI_DEVICES, NULL, &names);
        if (r < 0 && r != -ENOENT)
                return ctx_fail(ctx, r, "%s/" PCI_DEVICES ": %s", ctx->sysfs_root, strerror(-r));
        for (char **n = names; n && *n; n++)
                if ((r = scan_pci_pf(ctx, inv, *n)) < 0)
                        return r;
        if ((r = scan_netdevs(ctx, inv, true)) < 0 || (r = scan_netdevs(ctx, inv, false)) < 0)
                return r;
        *ret = TAKE_PTR(inv);
        return 0;
}

int sriov_inventory_find(struct sriov_ctx *ctx, struct sriov_inventory *inv, const char *device,
                         struct sriov_pf **ret)
{
        ctx_clear_error(ctx);
        struct sriov_pci_addr a;
        char canon[SRIOV_PCI_ADDR_MAX] = "";
        if (pci_addr_parse(device, &a) == 0)
                pci_addr_format(&a, canon);
        for (size_t i = 0; i < inv->n_pfs; i++) {
                struct sriov_pf *pf = &inv->pfs[i];
                bool match = strcmp(pf->address, device) == 0 || (canon[0] && strcmp(pf->address, canon) == 0);
                for (char **n = pf->netdevs; !match && n && *n; n++)
                        match = strcmp(*n, device) == 0;
                if (match) {
                        *ret = pf;
                        return 0;
                }
        }
        /* Not a PF: say what it is instead, if it exists at all. */
        _cleanup_free_ char *path = NULL;
        if (canon[0] && asprintf(&path, PCI_DEVICES "/%s", canon) >= 0 && sysfs_exists(ctx, path)) {
                _cleanup_free_ char *physfn = NULL, *pfname = NULL;
                if (asprintf(&physfn, "%s/physfn", path) >= 0 && sysfs_link_name(ctx, physfn, &pfname) == 0)
                        return ctx_fail(ctx, -ENODEV, "%s is a VF of %s, not an SR-IOV physical function",
                                        canon, pfname);
                return ctx_fail(ctx, -ENODEV, "%s has no SR-IOV capability (no sriov_totalvfs in %s/%s)",
                                canon, ctx->sysfs_root, path);
        }
        free(path);
        path = NULL;
        /* an interface name is one path component: "", "..", "a/b" name no interface */
        bool ifname = device[0] && !strchr(device, '/') && strcmp(device, ".") != 0 &&
                      strcmp(device, "..") != 0;
        if (!canon[0] && ifname && asprintf(&path, "class/net/%s", device) >= 0 && sysfs_exists(ctx, path))
                return ctx_fail(ctx, -ENODEV, "network interface %s is not on an SR-IOV physical function",
                                device);
        if (ctx->pci_dump)
                return ctx_fail(ctx, -ENODEV, "%s: no such device with an SR-IOV capability in %s", device,
                                ctx->pci_dump);
        return ctx_fail(ctx, -ENODEV, "%s: no such PCI device or network interface under %s", device,
                        ctx->sysfs_root);
}
