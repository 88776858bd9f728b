/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VFs in sysfs (vfref.h): which PF a VF belongs to and at which index,
 * a PCI function's driver, a netdev's PCI function. */
#include <string.h>

#include "vfref.h"

/* The bound driver, NULL when none (or it cannot be read: not in use). */
char *pci_driver(struct sriov_ctx *ctx, const char *addr)
{
        char *d = NULL;
        if (pci_current_driver(ctx, addr, &d) < 0)
                ctx_clear_error(ctx);
        return d;
}

/* The PCI address of the VF N of a PCI PF; -ENOENT if it has no such VF. */
int vf_addr(struct sriov_ctx *ctx, const char *pf_devdir, unsigned vf, char buf[static SRIOV_PCI_ADDR_MAX])
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

unsigned pf_numvfs(struct sriov_ctx *ctx, const char *pf_devdir)
{
        char p[256];
        snprintf(p, sizeof(p), "%s/sriov_numvfs", pf_devdir);
        uint64_t n = 0;
        if (sysfs_read_u64(ctx, p, 10, 65535, &n) < 0)
                ctx_clear_error(ctx);
        return (unsigned)n;
}

int vf_ref_from_pci(struct sriov_ctx *ctx, const char *what, const char *addr, struct vf_ref *ret)
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
int netdev_pci(struct sriov_ctx *ctx, const char *ifname, char buf[static SRIOV_PCI_ADDR_MAX])
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
