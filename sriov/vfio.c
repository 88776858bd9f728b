/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Binding a PCI function to vfio-pci and giving it back, all through
 * sysfs.c: driver_override, the old driver's unbind,
 * bus/pci/drivers_probe, then a bounded wait for the driver link and
 * /dev/vfio/GROUP. The library does not load modules: a missing vfio-pci
 * is reported for the caller to load. */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

#define VFIO_WAIT_DEFAULT_MS 5000
#define VFIO_DRIVER "vfio-pci"

static bool is_char_device(const char *path)
{
        struct stat st;
        return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

/* The canonical address of an existing PCI function. */
static int resolve_addr(struct sriov_ctx *ctx, const char *address, char buf[static SRIOV_PCI_ADDR_MAX])
{
        struct sriov_pci_addr a;
        if (pci_addr_parse(address, &a) < 0)
                return ctx_fail(ctx, -EINVAL, "'%s' is not a PCI address (DDDD:BB:SS.F)", address);
        pci_addr_format(&a, buf);
        char p[64];
        snprintf(p, sizeof(p), "bus/pci/devices/%s", buf);
        if (!sysfs_exists(ctx, p))
                return ctx_fail(ctx, -ENODEV, "no PCI device %s (%s/%s does not exist)", buf, ctx->sysfs_root, p);
        return 0;
}

int pci_current_driver(struct sriov_ctx *ctx, const char *addr, char **ret)
{
        char p[64];
        snprintf(p, sizeof(p), "bus/pci/devices/%s/driver", addr);
        char *d = NULL;
        int r = sysfs_link_name(ctx, p, &d);
        if (r == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        if (r < 0)
                return ctx_fail(ctx, r, "%s/%s: %s", ctx->sysfs_root, p, strerror(-r));
        *ret = d;
        return 0;
}

static int iommu_group(struct sriov_ctx *ctx, const char *addr, int64_t *ret)
{
        char p[64];
        snprintf(p, sizeof(p), "bus/pci/devices/%s/iommu_group", addr);
        _cleanup_free_ char *g = NULL;
        int r = sysfs_link_name(ctx, p, &g);
        if (r == -ENOENT)
                return ctx_fail(ctx, -ENXIO,
                                "%s has no IOMMU group (%s/%s does not exist): the IOMMU is off or absent "
                                "(intel_iommu=on or amd_iommu=on on the kernel command line, VT-d/AMD-Vi in "
                                "the firmware); vfio-pci needs one",
                                addr, ctx->sysfs_root, p);
        if (r < 0)
                return ctx_fail(ctx, r, "%s/%s: %s", ctx->sysfs_root, p, strerror(-r));
        char *end;
        errno = 0;
        long long n = strtoll(g, &end, 10);
        if (errno || end == g || *end || n < 0)
                return ctx_fail(ctx, -EINVAL, "%s/%s: '%s' is not an IOMMU group number", ctx->sysfs_root, p, g);
        *ret = n;
        return 0;
}

/* Drivers that leave a group usable by vfio (as the kernel's
 * vfio_dev_driver_allowed and bridges). */
static bool driver_ok_in_group(const char *d)
{
        return !d || strcmp(d, VFIO_DRIVER) == 0 || strcmp(d, "pci-stub") == 0 || strcmp(d, "pcieport") == 0;
}

int vfio_in_use(struct sriov_ctx *ctx, const char *addr, char *why, size_t size)
{
        /* /dev is the live system's: a fixture tree's groups are not there */
        if (ctx->sysfs_root_explicit)
                return 0;
        char p[64];
        _cleanup_free_ char *drv = NULL, *group = NULL;
        snprintf(p, sizeof(p), "bus/pci/devices/%s/driver", addr);
        if (sysfs_link_name(ctx, p, &drv) < 0 || strcmp(drv, VFIO_DRIVER) != 0)
                return 0;
        snprintf(p, sizeof(p), "bus/pci/devices/%s/iommu_group", addr);
        if (sysfs_link_name(ctx, p, &group) < 0 || !group[0] || strspn(group, "0123456789") != strlen(group))
                return 0;
        char dev[32];
        snprintf(dev, sizeof(dev), "/dev/vfio/%.20s", group);
        /* vfio admits one open of a group at a time: EBUSY while another
         * holds it; a free group is closed again at once */
        int fd = open(dev, O_RDWR | O_CLOEXEC);
        if (fd >= 0)
                close(fd);
        if (fd >= 0 || errno != EBUSY)
                return 0;
        snprintf(why, size, "bound to vfio-pci and %s is open: a QEMU (a hot-plugged hostdev runs no hook) or "
                 "another vfio user has it", dev);
        return -EBUSY;
}

/* Every other function of the group must be vfio-pci, pci-stub, a bridge
 * or unbound, or the guest cannot use the group. */
static int check_group(struct sriov_ctx *ctx, const char *addr, int64_t group)
{
        char p[64];
        snprintf(p, sizeof(p), "kernel/iommu_groups/%lld/devices", (long long)group);
        _cleanup_strv_free_ char **devs = NULL;
        int r = sysfs_list(ctx, p, NULL, &devs);
        if (r < 0)
                return ctx_fail(ctx, r, "%s/%s: %s", ctx->sysfs_root, p, strerror(-r));
        _cleanup_free_ char *others = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&others, &len);
        if (!f)
                return -ENOMEM;
        unsigned n = 0;
        for (char **d = devs; *d; d++) {
                if (strcmp(*d, addr) == 0)
                        continue;
                _cleanup_free_ char *drv = NULL;
                if ((r = pci_current_driver(ctx, *d, &drv)) < 0) {
                        fclose(f);
                        return r;
                }
                if (driver_ok_in_group(drv))
                        continue;
                fprintf(f, "%s%s (%s)", n++ ? ", " : "", *d, drv);
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        if (n)
                return ctx_fail(ctx, -EBUSY,
                                "IOMMU group %lld of %s also holds %s: every device of a group must be bound to "
                                "vfio-pci (or to no driver) before a guest can use it; bind %s first",
                                (long long)group, addr, others, n > 1 ? "them" : "it");
        return 0;
}

/* Unbinding a NIC's driver silently removes macvtaps, VLANs and bridge
 * ports on its netdevs: refuse while any netdev has an upper device. */
static int check_netdev_uppers(struct sriov_ctx *ctx, const char *addr)
{
        char p[64];
        snprintf(p, sizeof(p), "bus/pci/devices/%s/net", addr);
        _cleanup_strv_free_ char **nets = NULL;
        int r = sysfs_list(ctx, p, NULL, &nets);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return ctx_fail(ctx, r, "%s/%s: %s", ctx->sysfs_root, p, strerror(-r));
        for (char **n = nets; *n; n++) {
                char q[96];
                snprintf(q, sizeof(q), "bus/pci/devices/%s/net/%s", addr, *n);
                _cleanup_free_ char *list = NULL;
                if ((r = sysfs_upper_names(ctx, q, &list)) < 0)
                        return r;
                if (!*list)
                        continue;
                return ctx_fail(ctx, -EBUSY,
                                "%s: its network interface %s has upper devices (%s); unbinding its driver "
                                "would remove them: delete them first",
                                addr, *n, list);
        }
        return 0;
}

/* Waits until `driver` (NULL: any driver) is bound; *ret_now: what is. */
static int wait_driver(struct sriov_ctx *ctx, const char *addr, const char *driver, int64_t deadline,
                       char **ret_now)
{
        for (;;) {
                char *d = NULL;
                int r = pci_current_driver(ctx, addr, &d);
                if (r < 0)
                        return r;
                if (d && (!driver || strcmp(d, driver) == 0)) {
                        *ret_now = d;
                        return 0;
                }
                if (monotonic_ms() >= deadline) {
                        *ret_now = d;
                        return -ETIMEDOUT;
                }
                free(d);
                sleep_ms(10);
        }
}

static int write_addr(struct sriov_ctx *ctx, const char *path, const char *addr)
{
        return sysfs_write(ctx, path, addr);
}

static int set_override(struct sriov_ctx *ctx, const char *addr, const char *value)
{
        char p[80];
        snprintf(p, sizeof(p), "bus/pci/devices/%s/driver_override", addr);
        return sysfs_write(ctx, p, value);
}

static int unbind_from(struct sriov_ctx *ctx, const char *addr, const char *driver)
{
        char p[96];
        snprintf(p, sizeof(p), "bus/pci/drivers/%s/unbind", driver);
        return write_addr(ctx, p, addr);
}

/* Hands the function to `driver` (NULL: whatever the kernel picks) and
 * leaves driver_override cleared. A named driver is put in
 * driver_override for the probe, so that it binds even when the PF's
 * sriov_drivers_autoprobe is 0, then the override is cleared. */
static int give_back(struct sriov_ctx *ctx, const char *addr, const char *driver, unsigned timeout_ms,
                     char **ret_driver)
{
        _cleanup_free_ char *cur = NULL;
        int r = pci_current_driver(ctx, addr, &cur);
        if (r < 0)
                return r;
        if (cur && strcmp(cur, VFIO_DRIVER) != 0 && (!driver || strcmp(cur, driver) == 0)) {
                /* already given back */
                if ((r = set_override(ctx, addr, "\n")) < 0)
                        return r;
                *ret_driver = TAKE_PTR(cur);
                return 0;
        }
        if (cur && strcmp(cur, VFIO_DRIVER) != 0)
                return ctx_fail(ctx, -EBUSY, "%s is bound to %s, not to vfio-pci (nor %s): left alone", addr,
                                cur, driver);
        if (driver) {
                char p[96];
                snprintf(p, sizeof(p), "bus/pci/drivers/%s", driver);
                if (!sysfs_exists(ctx, p))
                        return ctx_fail(ctx, -ENOENT,
                                        "giving %s back to %s: driver %s is not loaded (%s/%s does not exist); "
                                        "load its module first",
                                        addr, driver, driver, ctx->sysfs_root, p);
        }
        if ((r = set_override(ctx, addr, driver ? driver : "\n")) < 0)
                return r;
        if (cur && (r = unbind_from(ctx, addr, cur)) < 0)
                return r;
        int64_t deadline = monotonic_ms() + timeout_ms;
        _cleanup_free_ char *now = NULL;
        r = write_addr(ctx, "bus/pci/drivers_probe", addr);
        if (r == 0)
                r = wait_driver(ctx, addr, driver, deadline, &now);
        if (driver)
                (void)set_override(ctx, addr, "\n"); /* keeps the first error */
        if (r == -ETIMEDOUT) {
                if (driver)
                        return ctx_fail(ctx, r, "%s: %s did not bind it within %u ms after drivers_probe%s%s",
                                        addr, driver, timeout_ms, now ? "; bound now: " : " (no driver bound)",
                                        now ? now : "");
                return ctx_fail(ctx, r, "%s: no driver bound it within %u ms after drivers_probe", addr,
                                timeout_ms);
        }
        if (r < 0)
                return r;
        *ret_driver = TAKE_PTR(now);
        return 0;
}

/* Puts a function back where it was after a failed bind; the first
 * message stays. */
static void undo_bind(struct sriov_ctx *ctx, const char *addr, const char *prev, unsigned timeout_ms)
{
        if (prev) {
                _cleanup_free_ char *back = NULL;
                (void)give_back(ctx, addr, prev, timeout_ms, &back);
                return;
        }
        (void)set_override(ctx, addr, "\n");
        _cleanup_free_ char *cur = NULL;
        if (pci_current_driver(ctx, addr, &cur) == 0 && cur && strcmp(cur, VFIO_DRIVER) == 0)
                (void)unbind_from(ctx, addr, cur);
}

int sriov_vfio_bind(struct sriov_ctx *ctx, const char *address, unsigned timeout_ms, struct sriov_vfio_binding *ret)
{
        ctx_clear_error(ctx);
        char addr[SRIOV_PCI_ADDR_MAX];
        int r = resolve_addr(ctx, address, addr);
        if (r < 0)
                return r;
        if (timeout_ms == 0)
                timeout_ms = VFIO_WAIT_DEFAULT_MS;
        int64_t group = -1;
        if ((r = iommu_group(ctx, addr, &group)) < 0)
                return r;
        if (!sysfs_exists(ctx, "bus/pci/drivers/" VFIO_DRIVER))
                return ctx_fail(ctx, -ENOENT,
                                "binding %s to vfio-pci: vfio-pci is not loaded (%s/bus/pci/drivers/vfio-pci "
                                "does not exist): load the module (modprobe vfio-pci) first",
                                addr, ctx->sysfs_root);
        struct sriov_vfio_binding b = {.iommu_group = group};
        snprintf(b.address, sizeof(b.address), "%s", addr);
        snprintf(b.group_path, sizeof(b.group_path), "/dev/vfio/%lld", (long long)group);
        _cleanup_free_ char *prev = NULL;
        if ((r = pci_current_driver(ctx, addr, &prev)) < 0)
                return r;
        if (prev && strlen(prev) >= sizeof(b.previous_driver))
                return ctx_fail(ctx, -ENAMETOOLONG, "%s: driver name '%s' is too long", addr, prev);
        if ((r = check_group(ctx, addr, group)) < 0)
                return r;
        bool already = prev && strcmp(prev, VFIO_DRIVER) == 0;
        if (!already) {
                if ((r = check_netdev_uppers(ctx, addr)) < 0)
                        return r;
                snprintf(b.previous_driver, sizeof(b.previous_driver), "%s", prev ? prev : "");
        }
        /* driver_override first, so that nothing else grabs it after the unbind */
        if ((r = set_override(ctx, addr, VFIO_DRIVER)) < 0)
                return r;
        int64_t deadline = monotonic_ms() + timeout_ms;
        _cleanup_free_ char *now = NULL;
        if (!already) {
                if (prev && (r = unbind_from(ctx, addr, prev)) < 0)
                        goto undo;
                if ((r = write_addr(ctx, "bus/pci/drivers_probe", addr)) < 0)
                        goto undo;
                r = wait_driver(ctx, addr, VFIO_DRIVER, deadline, &now);
                if (r == -ETIMEDOUT) {
                        ctx_fail(ctx, r,
                                 "%s: not bound to vfio-pci within %u ms after drivers_probe (%s%s); the kernel "
                                 "log may say why",
                                 addr, timeout_ms, now ? "bound to " : "no driver bound", now ? now : "");
                        goto undo;
                }
                if (r < 0)
                        goto undo;
        }
        while (!is_char_device(b.group_path)) {
                if (monotonic_ms() >= deadline) {
                        r = ctx_fail(ctx, -ETIMEDOUT,
                                     "%s is bound to vfio-pci but %s did not appear within %u ms (is devtmpfs "
                                     "mounted on /dev, or udev running?)",
                                     addr, b.group_path, timeout_ms);
                        if (already)
                                return r;
                        goto undo;
                }
                sleep_ms(10);
        }
        *ret = b;
        return 0;
undo:
        undo_bind(ctx, addr, prev, timeout_ms);
        return r;
}

int sriov_vfio_unbind(struct sriov_ctx *ctx, const char *address, const char *driver, unsigned timeout_ms,
                      char **ret_driver)
{
        ctx_clear_error(ctx);
        char addr[SRIOV_PCI_ADDR_MAX];
        int r = resolve_addr(ctx, address, addr);
        if (r < 0)
                return r;
        if (driver && (!*driver || strchr(driver, '/') || strcmp(driver, VFIO_DRIVER) == 0))
                return ctx_fail(ctx, -EINVAL, "giving %s back: '%s' is not a driver to give it back to", addr,
                                driver);
        if (timeout_ms == 0)
                timeout_ms = VFIO_WAIT_DEFAULT_MS;
        char *d = NULL;
        if ((r = give_back(ctx, addr, driver, timeout_ms, &d)) < 0)
                return r;
        if (ret_driver)
                *ret_driver = d;
        else
                free(d);
        return 0;
}

/* Unbinds a function from its driver and binds it to the same driver
 * again: how a VF driver such as igbvf takes a new admin MAC ("Reload the
 * VF driver to make this change effective"). */
int pci_rebind(struct sriov_ctx *ctx, const char *addr, unsigned timeout_ms)
{
        _cleanup_free_ char *cur = NULL;
        int r = pci_current_driver(ctx, addr, &cur);
        if (r < 0)
                return r;
        if (!cur)
                return ctx_fail(ctx, -ENODEV, "rebinding %s: no driver is bound to it", addr);
        if ((r = set_override(ctx, addr, cur)) < 0)
                return r;
        if ((r = unbind_from(ctx, addr, cur)) == 0 && (r = write_addr(ctx, "bus/pci/drivers_probe", addr)) == 0) {
                _cleanup_free_ char *now = NULL;
                r = wait_driver(ctx, addr, cur, monotonic_ms() + (timeout_ms ? timeout_ms : VFIO_WAIT_DEFAULT_MS),
                                &now);
                if (r == -ETIMEDOUT)
                        ctx_fail(ctx, r, "rebinding %s: %s did not bind it again within %u ms", addr, cur,
                                 timeout_ms);
        }
        (void)set_override(ctx, addr, "\n");
        return r;
}
