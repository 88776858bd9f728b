/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resolving the PF of a VF configuration request from sysfs: a PCI address,
 * a bus device name or an interface name to the PF's device directory,
 * netdev, driver and stable name. */
#include <inttypes.h>
#include <limits.h>
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

static const char *base_name(const char *path)
{
        const char *b = strrchr(path, '/');
        return b ? b + 1 : path;
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
                           .devdir = strdup(devdir), .numvfs = SRIOV_ABSENT};
        if (!r.name || !r.ifname || !r.driver || !r.devdir) {
                pf_ref_done(&r);
                return -ENOMEM;
        }
        /* under the device's own directory: class/net/NAME could be another
         * NIC by now if names were swapped */
        _cleanup_free_ char *idx = NULL, *num = NULL;
        uint64_t v = 0;
        if (asprintf(&idx, "%s/net/%s/ifindex", devdir, ifname) < 0 ||
            asprintf(&num, "%s/sriov_numvfs", devdir) < 0) {
                pf_ref_done(&r);
                return -ENOMEM;
        }
        if (sysfs_read_u64(ctx, idx, 10, INT32_MAX, &v) < 0) {
                ctx_clear_error(ctx);
                v = 0;
        }
        r.ifindex = (int)v;
        if (sysfs_read_u64(ctx, num, 10, 65535, &v) == 0)
                r.numvfs = (int64_t)v;
        else
                ctx_clear_error(ctx);
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
        return ctx_fail(ctx, -ENODEV,
                        "%s %s has no SR-IOV capability (no sriov_numvfs in %s/%s): not an SR-IOV physical "
                        "function",
                        what, device, ctx->sysfs_root, devdir);
}

static int has_numvfs(struct sriov_ctx *ctx, const char *dir, bool *ret)
{
        _cleanup_free_ char *probe = NULL;
        if (asprintf(&probe, "%s/sriov_numvfs", dir) < 0)
                return -ENOMEM;
        *ret = sysfs_exists(ctx, probe);
        return 0;
}

static int dir_of_pci(struct sriov_ctx *ctx, const char *device, const struct sriov_pci_addr *a, char **ret)
{
        char canon[SRIOV_PCI_ADDR_MAX];
        pci_addr_format(a, canon);
        _cleanup_free_ char *dir = NULL;
        bool pf;
        int r;
        if (asprintf(&dir, "bus/pci/devices/%s", canon) < 0)
                return -ENOMEM;
        if (!sysfs_exists(ctx, dir))
                return ctx_fail(ctx, -ENODEV, "%s: no such PCI device under %s/bus/pci/devices", device,
                                ctx->sysfs_root);
        if ((r = has_numvfs(ctx, dir, &pf)) < 0)
                return r;
        if (!pf)
                return not_a_pf(ctx, canon, dir, "PCI device");
        *ret = TAKE_PTR(dir);
        return 0;
}

static int dir_of_ifname(struct sriov_ctx *ctx, const char *device, char **ret)
{
        _cleanup_free_ char *devlink = NULL, *devpath = NULL;
        bool pf;
        int r;
        if (asprintf(&devlink, "class/net/%s/device", device) < 0)
                return -ENOMEM;
        if (!sysfs_exists(ctx, devlink) || sysfs_realpath(ctx, devlink, &devpath) < 0) {
                ctx_clear_error(ctx);
                return ctx_fail(ctx, -ENODEV,
                                "network interface %s is virtual (no device behind it), not on an "
                                "SR-IOV physical function",
                                device);
        }
        if ((r = has_numvfs(ctx, devpath, &pf)) < 0)
                return r;
        if (!pf)
                return not_a_pf(ctx, device, devpath, "network interface");
        *ret = TAKE_PTR(devpath);
        return 0;
}

/* A device of a bus other than PCI by its name, as `list` prints a PF
 * whose VFs exist only in netlink (netdevsim1): bus/BUS/devices/NAME. */
static int dir_of_bus_device(struct sriov_ctx *ctx, const char *device, char **ret)
{
        _cleanup_strv_free_ char **buses = NULL;
        int r;
        if (sysfs_list(ctx, "bus", NULL, &buses) < 0)
                ctx_clear_error(ctx);
        for (char **b = buses; b && *b; b++) {
                _cleanup_free_ char *link = NULL, *dir = NULL;
                bool pf;
                if (asprintf(&link, "bus/%s/devices/%s", *b, device) < 0)
                        return -ENOMEM;
                if (!sysfs_exists(ctx, link))
                        continue;
                if ((r = sysfs_realpath(ctx, link, &dir)) < 0)
                        return r;
                if ((r = has_numvfs(ctx, dir, &pf)) < 0)
                        return r;
                if (!pf) {
                        _cleanup_free_ char *what = NULL;
                        if (asprintf(&what, "%s device", *b) < 0)
                                return -ENOMEM;
                        return not_a_pf(ctx, device, dir, what);
                }
                *ret = TAKE_PTR(dir);
                return 0;
        }
        return -ENOENT;
}

int pf_dir_resolve(struct sriov_ctx *ctx, const char *device, char **ret_dir, char **ret_ifname)
{
        int r = sysfs_root_fd(ctx);
        if (r < 0)
                return r;
        struct sriov_pci_addr a;
        char *dir = NULL, *ifname = NULL;
        if (pci_addr_parse(device, &a) == 0) {
                if ((r = dir_of_pci(ctx, device, &a, &dir)) < 0)
                        return r;
        } else {
                if (!device[0] || strlen(device) > NAME_MAX || strchr(device, '/') || strcmp(device, ".") == 0 ||
                    strcmp(device, "..") == 0)
                        return ctx_fail(ctx, -ENODEV,
                                        "'%s' is neither a PCI address (DDDD:BB:SS.F) nor an interface name "
                                        "(1-15 characters, no '/') nor a device name (netdevsim1)",
                                        device);
                _cleanup_free_ char *netdir = NULL;
                if (asprintf(&netdir, "class/net/%s", device) < 0)
                        return -ENOMEM;
                if (strlen(device) <= 15 && sysfs_exists(ctx, netdir)) {
                        if ((r = dir_of_ifname(ctx, device, &dir)) < 0)
                                return r;
                        if (!(ifname = strdup(device))) {
                                free(dir);
                                return -ENOMEM;
                        }
                } else if ((r = dir_of_bus_device(ctx, device, &dir)) == -ENOENT)
                        return ctx_fail(ctx, -ENODEV,
                                        "%s: no such PCI device or network interface, nor a device of another bus "
                                        "(netdevsim1), under %s",
                                        device, ctx->sysfs_root);
                else if (r < 0)
                        return r;
        }
        *ret_dir = dir;
        if (ret_ifname)
                *ret_ifname = ifname;
        else
                free(ifname);
        return 0;
}

int pf_ref_resolve(struct sriov_ctx *ctx, const char *device, struct pf_ref *ret)
{
        _cleanup_free_ char *dir = NULL, *ifname = NULL;
        int r = pf_dir_resolve(ctx, device, &dir, &ifname);
        if (r < 0)
                return r;
        /* by PCI address: bus/pci/devices/ADDR, whose name is the address;
         * else the resolved directory, named as `list` names the PF */
        const char *name = base_name(dir);
        if (!ifname) {
                _cleanup_free_ char *net = NULL;
                _cleanup_strv_free_ char **names = NULL;
                if (asprintf(&net, "%s/net", dir) < 0)
                        return -ENOMEM;
                if (sysfs_list(ctx, net, NULL, &names) < 0 || !names[0]) {
                        ctx_clear_error(ctx);
                        return ctx_fail(ctx, -ENODEV,
                                        "%s has no network interface: VF settings are changed through the "
                                        "PF's netdev (is a network driver bound to it?)",
                                        name);
                }
                if (!(ifname = strdup(names[0])))
                        return -ENOMEM;
        }
        return finish(ctx, dir, name, ifname, ret);
}

int pf_vf_range_fail(struct sriov_ctx *ctx, const char *ifname, unsigned vf, int64_t n)
{
        if (n <= 0)
                return ctx_fail(ctx, -ERANGE, "%s vf %u: VF index out of range: %s has no VFs enabled", ifname, vf,
                                ifname);
        return ctx_fail(ctx, -ERANGE, "%s vf %u: VF index out of range: %s has %" PRId64 " VFs (vf 0-%" PRId64 ")",
                        ifname, vf, ifname, n, n - 1);
}

int pf_ref_check_vf(struct sriov_ctx *ctx, const struct pf_ref *ref, unsigned vf)
{
        if (ref->numvfs == SRIOV_ABSENT || vf < ref->numvfs)
                return 0;
        return pf_vf_range_fail(ctx, ref->ifname, vf, ref->numvfs);
}

int pf_ref_read(struct sriov_ctx *ctx, const struct pf_ref *ref, struct vfinfo_reply *ret)
{
        return vfinfo_read_index(ctx, ref->ifname, ref->ifindex, ret);
}
