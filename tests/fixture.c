/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fixture builder: sysfs-shaped trees and lspci dumps (see fixture.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(int r, const char *what, const char *root, const char *path)
{
        fprintf(stderr, "fixture: %s %s/%s: %s\n", what, root, path, strerror(-r));
        return r;
}

char *fx_tmpdir(const char *tag)
{
        /* $TMPDIR, else /dev/shm: trees of thousands of small files are
         * written and removed an order of magnitude faster on tmpfs */
        const char *tmp = getenv("TMPDIR");
        if (!tmp || !*tmp)
                tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
        char *dir;
        if (asprintf(&dir, "%s/sriov-%s-XXXXXX", tmp, tag) < 0)
                return NULL;
        if (!mkdtemp(dir)) {
                fprintf(stderr, "fixture: mkdtemp %s: %s\n", dir, strerror(errno));
                free(dir);
                return NULL;
        }
        return dir;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st;
        (void)ftw;
        if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT) {
                fprintf(stderr, "fixture: removing %s: %s\n", path, strerror(errno));
                return -1;
        }
        return 0;
}

int fx_rm_rf(const char *dir)
{
        if (!dir)
                return 0;
        if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
                return errno == ENOENT ? 0 : -errno;
        return 0;
}

/* root/path, malloc'd */
static char *join(const char *root, const char *path)
{
        char *s;
        return asprintf(&s, "%s/%s", root, path) < 0 ? NULL : s;
}

int fx_mkdir_p(const char *root, const char *path)
{
        char *full = join(root, path);
        if (!full)
                return -ENOMEM;
        size_t skip = strlen(root) + 1;
        for (char *p = full + skip;; p++) {
                if (*p != '/' && *p != 0)
                        continue;
                char c = *p;
                *p = 0;
                if (mkdir(full, 0755) < 0 && errno != EEXIST) {
                        int r = -errno;
                        fprintf(stderr, "fixture: mkdir %s: %s\n", full, strerror(errno));
                        free(full);
                        return r;
                }
                *p = c;
                if (!c)
                        break;
        }
        free(full);
        return 0;
}

static int mkparent(const char *root, const char *path)
{
        const char *slash = strrchr(path, '/');
        if (!slash)
                return 0;
        char *dir = strndup(path, (size_t)(slash - path));
        if (!dir)
                return -ENOMEM;
        int r = fx_mkdir_p(root, dir);
        free(dir);
        return r;
}

int fx_write_bytes(const char *root, const char *path, const void *data, size_t len)
{
        int r = mkparent(root, path);
        if (r < 0)
                return r;
        char *full = join(root, path);
        if (!full)
                return -ENOMEM;
        int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        free(full);
        if (fd < 0)
                return fail(-errno, "creating", root, path);
        const char *p = data;
        while (len) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        r = -errno;
                        close(fd);
                        return fail(r, "writing", root, path);
                }
                p += n;
                len -= (size_t)n;
        }
        close(fd);
        return 0;
}

int fx_write(const char *root, const char *path, const char *fmt, ...)
{
        char *s;
        va_list ap;
        va_start(ap, fmt);
        int n = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        int r = fx_write_bytes(root, path, s, (size_t)n);
        free(s);
        return r;
}

int fx_symlink_raw(const char *root, const char *link, const char *text)
{
        int r = mkparent(root, link);
        if (r < 0)
                return r;
        char *full = join(root, link);
        if (!full)
                return -ENOMEM;
        (void)unlink(full);
        r = symlink(text, full) < 0 ? -errno : 0;
        free(full);
        return r < 0 ? fail(r, "symlink", root, link) : 0;
}

/* Splits a tree path into at most `max` components in place. */
static size_t split(char *s, char **comp, size_t max)
{
        size_t n = 0;
        char *save = NULL;
        for (char *c = strtok_r(s, "/", &save); c && n < max; c = strtok_r(NULL, "/", &save))
                comp[n++] = c;
        return n;
}

int fx_symlink(const char *root, const char *link, const char *target)
{
        char *l = strdup(link), *t = strdup(target), *text = NULL;
        char *lc[64], *tc[64];
        int r = -ENOMEM;
        if (!l || !t)
                goto out;
        size_t ln = split(l, lc, 64), tn = split(t, tc, 64);
        if (ln == 0) {
                r = -EINVAL;
                goto out;
        }
        ln--; /* the link's own name */
        size_t common = 0;
        while (common < ln && common < tn && strcmp(lc[common], tc[common]) == 0)
                common++;
        if (common == tn && common > 0)
                common--; /* a link to an ancestor names it: "../../../0000:02:00.0" */
        size_t size = 1;
        for (size_t i = common; i < ln; i++)
                size += 3;
        for (size_t i = common; i < tn; i++)
                size += strlen(tc[i]) + 1;
        text = calloc(1, size);
        if (!text)
                goto out;
        for (size_t i = common; i < ln; i++)
                strcat(text, "../");
        for (size_t i = common; i < tn; i++) {
                strcat(text, tc[i]);
                if (i + 1 < tn)
                        strcat(text, "/");
        }
        r = fx_symlink_raw(root, link, text);
out:
        free(l);
        free(t);
        free(text);
        return r;
}

/* ---- config space ---------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
        for (int i = 0; i < 4; i++)
                p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
        return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

void fx_cfg_header(uint8_t cfg[FX_CFG_SIZE], uint16_t vendor, uint16_t device, uint32_t class_code)
{
        memset(cfg, 0, FX_CFG_SIZE);
        put16(cfg, vendor);
        put16(cfg + 2, device);
        put16(cfg + 4, 0x0406); /* Mem, BusMaster */
        put16(cfg + 6, 0x0010); /* capability list */
        cfg[0x08] = 0x01;       /* revision */
        cfg[0x09] = (uint8_t)class_code;
        cfg[0x0a] = (uint8_t)(class_code >> 8);
        cfg[0x0b] = (uint8_t)(class_code >> 16);
}

void fx_cfg_bridge(uint8_t cfg[FX_CFG_SIZE], uint16_t vendor, uint16_t device, uint8_t primary,
                   uint8_t secondary, uint8_t subordinate)
{
        fx_cfg_header(cfg, vendor, device, 0x060400);
        cfg[0x0e] = 0x01; /* header type 1 */
        cfg[0x18] = primary;
        cfg[0x19] = secondary;
        cfg[0x1a] = subordinate;
}

void fx_cfg_ext_cap(uint8_t cfg[FX_CFG_SIZE], uint16_t pos, uint16_t id)
{
        uint32_t hdr = id | 1u << 16;
        if (pos != 0x100) {
                /* append: find the last capability of the list at 0x100 */
                unsigned at = 0x100;
                if (get32(cfg + at) == 0) {
                        /* empty list: a placeholder Null capability heads it */
                        put32(cfg + at, 0x0001u << 16);
                }
                for (unsigned hops = 0; get32(cfg + at) >> 20 && hops < 1024; hops++)
                        at = get32(cfg + at) >> 20;
                put32(cfg + at, (get32(cfg + at) & 0xfffff) | (uint32_t)pos << 20);
        }
        put32(cfg + pos, hdr);
}

void fx_cfg_sriov(uint8_t cfg[FX_CFG_SIZE], uint16_t pos, const struct fx_iov *iov)
{
        fx_cfg_ext_cap(cfg, pos, 0x10);
        uint8_t *c = cfg + pos;
        put16(c + 0x08, iov->control);
        put16(c + 0x0c, iov->initial_vfs);
        put16(c + 0x0e, iov->total_vfs);
        put16(c + 0x10, iov->num_vfs);
        put16(c + 0x14, iov->offset);
        put16(c + 0x16, iov->stride);
        put16(c + 0x1a, iov->vf_device);
        put32(c + 0x1c, iov->supported_page_sizes ? iov->supported_page_sizes : 0x553);
        put32(c + 0x20, iov->system_page_size ? iov->system_page_size : 1);
        for (int i = 0; i < 6; i++)
                put32(c + 0x24 + 4 * i, iov->vf_bar[i]);
}

int fx_dump_device(FILE *f, const char *header_line, const uint8_t *cfg, size_t len)
{
        fprintf(f, "%s\n", header_line);
        for (size_t off = 0; off + 16 <= len; off += 16) {
                fprintf(f, off < 0x100 ? "%02zx:" : "%03zx:", off);
                for (size_t i = 0; i < 16; i++)
                        fprintf(f, " %02x", cfg[off + i]);
                fputc('\n', f);
        }
        fputc('\n', f);
        return ferror(f) ? -EIO : 0;
}

/* ---- devices --------------------------------------------------------------- */

char *fx_pci_dir(const struct fx_pci *d)
{
        char *s;
        return asprintf(&s, "devices/%s/%s", d->parent, d->addr) < 0 ? NULL : s;
}

#define TRY(expr)                                                              \
        do {                                                                   \
                int _r = (expr);                                               \
                if (_r < 0) {                                                  \
                        r = _r;                                                \
                        goto out;                                              \
                }                                                              \
        } while (0)

#define PATHF(var, ...)                                                        \
        do {                                                                   \
                free(var);                                                     \
                if (asprintf(&(var), __VA_ARGS__) < 0) {                       \
                        (var) = NULL;                                          \
                        r = -ENOMEM;                                           \
                        goto out;                                              \
                }                                                              \
        } while (0)

int fx_netdev(const char *root, const char *devdir, const char *ifname, const char *devtype,
              unsigned type)
{
        int r = 0;
        char *dir = NULL, *p = NULL, *cls = NULL;
        if (devdir)
                PATHF(dir, "%s/net/%s", devdir, ifname);
        else
                PATHF(dir, "devices/virtual/net/%s", ifname);
        TRY(fx_mkdir_p(root, dir));
        PATHF(p, "%s/type", dir);
        TRY(fx_write(root, p, "%u\n", type));
        PATHF(p, "%s/address", dir);
        unsigned h = 0;
        for (const char *c = ifname; *c; c++)
                h = h * 31 + (unsigned char)*c;
        TRY(fx_write(root, p, "02:00:%02x:%02x:%02x:%02x\n", h >> 24 & 0xff, h >> 16 & 0xff, h >> 8 & 0xff,
                     h & 0xff));
        PATHF(p, "%s/uevent", dir);
        TRY(fx_write(root, p, "%s%s%sINTERFACE=%s\nIFINDEX=%u\n", devtype ? "DEVTYPE=" : "",
                     devtype ? devtype : "", devtype ? "\n" : "", ifname, (h % 1000) + 2));
        PATHF(p, "%s/subsystem", dir);
        TRY(fx_symlink(root, p, "class/net"));
        if (devdir) {
                PATHF(p, "%s/device", dir);
                TRY(fx_symlink(root, p, devdir));
        }
        PATHF(cls, "class/net/%s", ifname);
        TRY(fx_symlink(root, cls, dir));
out:
        free(dir);
        free(p);
        free(cls);
        return r;
}

int fx_pci_device(const char *root, const struct fx_pci *d)
{
        int r = 0;
        char *dir = fx_pci_dir(d), *p = NULL, *q = NULL;
        if (!dir)
                return -ENOMEM;
        TRY(fx_mkdir_p(root, dir));
        PATHF(p, "%s/vendor", dir);
        TRY(fx_write(root, p, "0x%04x\n", d->vendor));
        PATHF(p, "%s/device", dir);
        TRY(fx_write(root, p, "0x%04x\n", d->device));
        PATHF(p, "%s/class", dir);
        TRY(fx_write(root, p, "0x%06x\n", d->class_code));
        PATHF(p, "%s/uevent", dir);
        TRY(fx_write(root, p, "%s%s%sPCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n",
                     d->driver ? "DRIVER=" : "", d->driver ? d->driver : "", d->driver ? "\n" : "",
                     d->class_code, d->vendor, d->device, d->addr));
        if (d->numa_node != FX_NONE) {
                PATHF(p, "%s/numa_node", dir);
                TRY(fx_write(root, p, "%d\n", d->numa_node));
        }
        PATHF(p, "%s/subsystem", dir);
        TRY(fx_symlink(root, p, "bus/pci"));
        PATHF(p, "bus/pci/devices/%s", d->addr);
        TRY(fx_symlink(root, p, dir));
        if (d->driver) {
                PATHF(q, "bus/pci/drivers/%s/%s", d->driver, d->addr);
                TRY(fx_symlink(root, q, dir));
                PATHF(p, "%s/driver", dir);
                PATHF(q, "bus/pci/drivers/%s", d->driver);
                TRY(fx_symlink(root, p, q));
        }
        if (d->iommu_group != FX_NONE) {
                PATHF(q, "kernel/iommu_groups/%d/devices/%s", d->iommu_group, d->addr);
                TRY(fx_symlink(root, q, dir));
                PATHF(p, "%s/iommu_group", dir);
                PATHF(q, "kernel/iommu_groups/%d", d->iommu_group);
                TRY(fx_symlink(root, p, q));
        }
        if (d->config) {
                PATHF(p, "%s/config", dir);
                TRY(fx_write_bytes(root, p, d->config, d->config_len));
        }
        if (d->netdev)
                TRY(fx_netdev(root, dir, d->netdev, NULL, 1));
out:
        free(dir);
        free(p);
        free(q);
        return r;
}

int fx_bridge(const char *root, const char *addr, const char *parent, uint8_t secondary,
              uint8_t subordinate)
{
        uint8_t *cfg = malloc(FX_CFG_SIZE);
        if (!cfg)
                return -ENOMEM;
        fx_cfg_bridge(cfg, 0x8086, 0x3c08, 0, secondary, subordinate);
        struct fx_pci b = {.addr = addr, .parent = parent, .vendor = 0x8086, .device = 0x3c08,
                           .class_code = 0x060400, .driver = "pcieport", .iommu_group = FX_NONE,
                           .numa_node = FX_NONE, .config = cfg, .config_len = FX_CFG_SIZE};
        int r = fx_pci_device(root, &b);
        free(cfg);
        return r;
}

static int parse_addr(const char *s, unsigned *dom, unsigned *bus, unsigned *slot, unsigned *fn)
{
        return sscanf(s, "%x:%x:%x.%u", dom, bus, slot, fn) == 4 ? 0 : -EINVAL;
}

int fx_sriov_pf(const char *root, const struct fx_pci *pf, const struct fx_sriov *s)
{
        int r = 0;
        char *dir = NULL, *p = NULL, *vdir = NULL, *ifname = NULL;
        unsigned dom, bus, slot, fn;
        if (parse_addr(pf->addr, &dom, &bus, &slot, &fn) < 0)
                return fail(-EINVAL, "PF address", root, pf->addr);
        TRY(fx_pci_device(root, pf));
        dir = fx_pci_dir(pf);
        if (!dir)
                return -ENOMEM;
        static const char *const names[] = {"sriov_totalvfs", "sriov_numvfs", "sriov_offset",
                                            "sriov_stride"};
        const unsigned values[] = {s->total, s->num, s->offset, s->stride};
        for (size_t i = 0; i < 4; i++) {
                PATHF(p, "%s/%s", dir, names[i]);
                TRY(fx_write(root, p, "%u\n", values[i]));
        }
        PATHF(p, "%s/sriov_vf_device", dir);
        TRY(fx_write(root, p, "%x\n", s->vf_device));
        PATHF(p, "%s/sriov_drivers_autoprobe", dir);
        TRY(fx_write(root, p, "1\n"));
        unsigned rid0 = bus << 8 | slot << 3 | fn;
        for (unsigned i = 0; i < s->num; i++) {
                unsigned rid = rid0 + s->offset + i * s->stride;
                char vaddr[32];
                snprintf(vaddr, sizeof(vaddr), "%04x:%02x:%02x.%x", dom, rid >> 8 & 0xff, rid >> 3 & 0x1f,
                         rid & 7);
                free(ifname);
                ifname = NULL;
                if (s->vf_netdev_fmt && asprintf(&ifname, s->vf_netdev_fmt, i) < 0) {
                        ifname = NULL;
                        r = -ENOMEM;
                        goto out;
                }
                struct fx_pci vf = {.addr = vaddr, .parent = pf->parent, .vendor = pf->vendor,
                                    .device = s->vf_device, .class_code = pf->class_code,
                                    .driver = s->vf_driver,
                                    .iommu_group = s->vf_iommu_group == FX_NONE ? FX_NONE
                                                                                : s->vf_iommu_group + (int)i,
                                    .numa_node = pf->numa_node, .netdev = ifname};
                TRY(fx_pci_device(root, &vf));
                free(vdir);
                vdir = fx_pci_dir(&vf);
                if (!vdir) {
                        r = -ENOMEM;
                        goto out;
                }
                PATHF(p, "%s/physfn", vdir);
                TRY(fx_symlink(root, p, dir));
                PATHF(p, "%s/virtfn%u", dir, i);
                TRY(fx_symlink(root, p, vdir));
        }
out:
        free(dir);
        free(p);
        free(vdir);
        free(ifname);
        return r;
}

/* ---- ready-made trees ------------------------------------------------------ */

int fx_tree_standard(const char *root)
{
        int r = 0;
        uint8_t *cfg = calloc(1, FX_CFG_SIZE);
        if (!cfg)
                return -ENOMEM;
        TRY(fx_mkdir_p(root, "bus/pci/devices"));
        TRY(fx_mkdir_p(root, "class/net"));
        TRY(fx_bridge(root, "0000:00:03.0", "pci0000:00", 0x02, 0x02));
        fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
        fx_cfg_ext_cap(cfg, 0x100, 0x0001); /* AER */
        fx_cfg_ext_cap(cfg, 0x140, 0x0003); /* serial number */
        fx_cfg_ext_cap(cfg, 0x150, 0x000e); /* ARI */
        fx_cfg_sriov(cfg, 0x160,
                     &(struct fx_iov){.control = 0x0019, .initial_vfs = 8, .total_vfs = 8,
                                      .num_vfs = 7, .offset = 128, .stride = 2, .vf_device = 0x10ca,
                                      .vf_bar = {0xe0000004 | 8, 0, 0, 0xe0400004, 0, 0}});
        struct fx_pci pf = {.addr = "0000:02:00.0", .parent = "pci0000:00/0000:00:03.0",
                            .vendor = 0x8086, .device = 0x10c9, .class_code = 0x020000,
                            .driver = "igb", .iommu_group = 10, .numa_node = 0,
                            .netdev = "enp2s0f0", .config = cfg, .config_len = FX_CFG_SIZE};
        TRY(fx_sriov_pf(root, &pf,
                        &(struct fx_sriov){.total = 8, .num = 7, .offset = 128, .stride = 2,
                                           .vf_device = 0x10ca, .vf_driver = "igbvf",
                                           .vf_iommu_group = 11, .vf_netdev_fmt = "enp2s0f0v%u"}));
        TRY(fx_write(root, "devices/pci0000:00/0000:00:03.0/0000:02:00.0/current_link_speed",
                     "2.5 GT/s PCIe\n"));
        TRY(fx_write(root, "devices/pci0000:00/0000:00:03.0/0000:02:00.0/current_link_width", "4\n"));
        TRY(fx_bridge(root, "0000:00:1c.0", "pci0000:00", 0x03, 0x03));
        struct fx_pci nic = {.addr = "0000:03:00.0", .parent = "pci0000:00/0000:00:1c.0",
                             .vendor = 0x8086, .device = 0x10d3, .class_code = 0x020000,
                             .driver = "e1000e", .iommu_group = 20, .numa_node = 0,
                             .netdev = "eno1"};
        TRY(fx_pci_device(root, &nic));
        TRY(fx_netdev(root, NULL, "veth0", "veth", 1));
        TRY(fx_netdev(root, NULL, "lo", NULL, 772));
        /* netdevsim: /sys/bus/netdevsim/devices/netdevsim1 -> ../../../devices/netdevsim1 */
        TRY(fx_write(root, "devices/netdevsim1/sriov_totalvfs", "4\n"));
        TRY(fx_write(root, "devices/netdevsim1/sriov_numvfs", "2\n"));
        TRY(fx_write(root, "devices/netdevsim1/uevent", "DRIVER=netdevsim\n"));
        TRY(fx_symlink(root, "devices/netdevsim1/subsystem", "bus/netdevsim"));
        TRY(fx_symlink(root, "devices/netdevsim1/driver", "bus/netdevsim/drivers/netdevsim"));
        TRY(fx_symlink(root, "bus/netdevsim/devices/netdevsim1", "devices/netdevsim1"));
        TRY(fx_netdev(root, "devices/netdevsim1", "eni1np1", NULL, 1));
out:
        free(cfg);
        return r;
}

int fx_tree_scale(const char *root, unsigned n_pfs, unsigned n_vfs)
{
        if (n_pfs > 64 || n_vfs > 504) {
                fprintf(stderr, "fixture: at most 64 PFs of 504 VFs\n");
                return -ERANGE;
        }
        int r = 0;
        uint8_t *cfg = malloc(FX_CFG_SIZE);
        if (!cfg)
                return -ENOMEM;
        TRY(fx_mkdir_p(root, "bus/pci/devices"));
        TRY(fx_mkdir_p(root, "class/net"));
        for (unsigned i = 0; i < n_pfs; i++) {
                unsigned bus = 0x10 + 2 * i;
                char baddr[16], bparent[64], addr[16], ifname[16], vfname[24];
                snprintf(baddr, sizeof(baddr), "0000:00:%02x.0", i + 1);
                snprintf(bparent, sizeof(bparent), "pci0000:00/%s", baddr);
                snprintf(addr, sizeof(addr), "0000:%02x:00.0", bus);
                snprintf(ifname, sizeof(ifname), "ens%up0", i);
                snprintf(vfname, sizeof(vfname), "ens%up0v%%u", i);
                TRY(fx_bridge(root, baddr, "pci0000:00", (uint8_t)bus, (uint8_t)(bus + 1)));
                fx_cfg_header(cfg, 0x8086, 0x159b, 0x020000);
                fx_cfg_ext_cap(cfg, 0x100, 0x0001);
                fx_cfg_ext_cap(cfg, 0x150, 0x000e);
                fx_cfg_sriov(cfg, 0x160,
                             &(struct fx_iov){.control = 0x0019, .initial_vfs = 504,
                                              .total_vfs = 504, .num_vfs = (uint16_t)n_vfs,
                                              .offset = 8, .stride = 1, .vf_device = 0x1889});
                struct fx_pci pf = {.addr = addr, .parent = bparent, .vendor = 0x8086,
                                    .device = 0x159b, .class_code = 0x020000, .driver = "ice",
                                    .iommu_group = (int)(i * 1024), .numa_node = (int)(i % 2),
                                    .netdev = ifname, .config = cfg, .config_len = FX_CFG_SIZE};
                TRY(fx_sriov_pf(root, &pf,
                                &(struct fx_sriov){.total = 504, .num = n_vfs, .offset = 8,
                                                   .stride = 1, .vf_device = 0x1889,
                                                   .vf_driver = "iavf",
                                                   .vf_iommu_group = (int)(i * 1024 + 1),
                                                   .vf_netdev_fmt = vfname}));
        }
out:
        free(cfg);
        return r;
}
