/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resolving the PF of a VF configuration request from sysfs: a PCI address
 * or an interface name to the PF's netdev, driver and stable name. */
#include <string.h>

#include "pfref.h"
#include "vfinfo.h"

void pf_ref_done(struct pf_ref *r)
{
        free(r->name);
        free(r->ifname);
        free(r->driver);
        free(r->devdir);
        *r = (struct pf_ref){0};
}

static int finish(struct sriov_ctx *ctx, const char *devdir, const char *name, const char *ifname,
                  struct pf_ref *ret)
{
        _cleanup_free_ char *link = NULL;
        if (asprintf(&link, "%s/driver", devdir) < 0)
                return -ENOMEM;
        char *driver = NULL;
        if (sysfs_link_name(ctx, link, &driver) < 0) {
                ctx_clear_error(ctx);
                driver = strdup("unknown");
        }
        struct pf_ref r = {.name = strdup(name), .ifname = strdup(ifname), .driver = driver,
                           .devdir = strdup(devdir)};
        if (!r.name || !r.ifname || !r.driver || !r.devdir) {
                pf_ref_done(&r);
                return -ENOMEM;
        }
        /* under the device's own directory: class/net/NAME could be another
         * NIC by now if names were swapped */
        _cleanup_free_ char *idx = NULL;
        uint64_t ifindex = 0;
        if (asprintf(&idx, "%s/net/%s/ifindex", devdir, ifname) < 0) {
                pf_ref_done(&r);
                return -ENOMEM;
        }
        if (sysfs_read_u64(ctx, idx, 10, INT32_MAX, &ifindex) < 0)
                ctx_clear_error(ctx);
        r.ifindex = (int)ifindex;
        *ret = r;
        return 0;
}

static int not_a_pf(struct sriov_ctx *ctx, const char *device, const char *devdir, const char *what)
{
        _cleanup_free_ char *physfn = NULL, *pf = NULL;
        if (asprintf(&physfn, "%s/physfn", devdir) < 0)
                return -ENOMEM;
        if (sysfs_link_name(ctx, physfn, &pf) == 0)
                return ctx_fail(ctx, -ENODEV,
                                "%s is a VF of %s, not an SR-IOV physical function: VF settings are "
                                "changed through the PF",
                                device, pf);
        ctx_clear_error(ctx);
        return ctx_fail(ctx, -ENODEV, "%s %s has no SR-IOV capability (no sriov_numvfs in %s/%s)",
                        what, device, ctx->sysfs_root, devdir);
}

static int resolve_pci(struct sriov_ctx *ctx, const char *device, const struct sriov_pci_addr *a,
                       struct pf_ref *ret)
{
        char canon[SRIOV_PCI_ADDR_MAX];
        pci_addr_format(a, canon);
        _cleanup_free_ char *dir = NULL, *probe = NULL, *net = NULL;
        if (asprintf(&dir, "bus/pci/devices/%s", canon) < 0 ||
            asprintf(&probe, "%s/sriov_numvfs", dir) < 0 || asprintf(&net, "%s/net", dir) < 0)
                return -ENOMEM;
        if (!sysfs_exists(ctx, dir))
                return ctx_fail(ctx, -ENODEV, "%s: no such PCI device under %s/bus/pci/devices",
                                device, ctx->sysfs_root);
        if (!sysfs_exists(ctx, probe))
                return not_a_pf(ctx, canon, dir, "PCI device");
        _cleanup_strv_free_ char **names = NULL;
        if (sysfs_list(ctx, net, NULL, &names) < 0 || !names[0]) {
                ctx_clear_error(ctx);
                return ctx_fail(ctx, -ENODEV,
                                "%s has no network interface: VF settings are changed through the "
                                "PF's netdev (is a network driver bound to it?)",
                                canon);
        }
        return finish(ctx, dir, canon, names[0], ret);
}

static int resolve_ifname(struct sriov_ctx *ctx, const char *device, struct pf_ref *ret)
{
        if (!device[0] || strlen(device) > 15 || strchr(device, '/') || strcmp(device, ".") == 0 ||
            strcmp(device, "..") == 0)
                return ctx_fail(ctx, -ENODEV,
                                "'%s' is neither a PCI address (DDDD:BB:SS.F) nor an interface name "
                                "(1-15 characters, no '/')",
                                device);
        _cleanup_free_ char *dir = NULL, *devlink = NULL, *devpath = NULL, *probe = NULL;
        if (asprintf(&dir, "class/net/%s", device) < 0 || asprintf(&devlink, "%s/device", dir) < 0)
                return -ENOMEM;
        if (!sysfs_exists(ctx, dir))
                return ctx_fail(ctx, -ENODEV, "%s: no such PCI device or network interface under %s",
                                device, ctx->sysfs_root);
        if (!sysfs_exists(ctx, devlink) || sysfs_realpath(ctx, devlink, &devpath) < 0) {
                ctx_clear_error(ctx);
                return ctx_fail(ctx, -ENODEV,
                                "network interface %s is virtual (no device behind it), not on an "
                                "SR-IOV physical function",
                                device);
        }
        if (asprintf(&probe, "%s/sriov_numvfs", devpath) < 0)
                return -ENOMEM;
        if (!sysfs_exists(ctx, probe))
                return not_a_pf(ctx, device, devpath, "network interface");
        const char *base = strrchr(devpath, '/');
        return finish(ctx, devpath, base ? base + 1 : devpath, device, ret);
}

int pf_ref_resolve(struct sriov_ctx *ctx, const char *device, struct pf_ref *ret)
{
        int r = sysfs_root_fd(ctx);
        if (r < 0)
                return r;
        struct sriov_pci_addr a;
        if (pci_addr_parse(device, &a) == 0)
                return resolve_pci(ctx, device, &a, ret);
        return resolve_ifname(ctx, device, ret);
}

int pf_ref_read(struct sriov_ctx *ctx, const struct pf_ref *ref, struct vfinfo_reply *ret)
{
        return vfinfo_read_index(ctx, ref->ifname, ref->ifindex, ret);
}
