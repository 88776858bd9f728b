/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fixture builder: writes sysfs-shaped trees and `lspci -xxxx` dumps at test
 * time, laid out the way the kernel lays out /sys:
 *
 *   bus/pci/devices/ADDR           -> ../../../devices/pci0000:00/.../ADDR
 *   devices/.../ADDR/driver        -> ../../../../bus/pci/drivers/DRV
 *   devices/.../ADDR/iommu_group   -> ../../../../kernel/iommu_groups/N
 *   devices/.../ADDR/subsystem     -> ../../../../bus/pci
 *   devices/.../PF/virtfnN         -> ../VF        devices/.../VF/physfn -> ../PF
 *   devices/.../ADDR/net/IFNAME/   (type, address, uevent; device -> ../../../ADDR)
 *   class/net/IFNAME               -> ../../devices/.../ADDR/net/IFNAME
 *   devices/.../ADDR/config        (binary config space, when one is given)
 *
 * Symlinks are always relative and computed from the two tree paths, as in
 * sysfs. Every path argument is relative to the tree root (no leading '/').
 * Every int function returns 0 or a negative errno and, on failure, prints
 * what failed to stderr. Used by the unit tests and by bench/ (link
 * tests/fixture.c, or run the tests/mkfixture program).
 */
#ifndef SRIOV_TEST_FIXTURE_H
#define SRIOV_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- files ---------------------------------------------------------------- */

/* A fresh directory under $TMPDIR (else /dev/shm, else /tmp) named
 * sriov-TAG-XXXXXX; malloc'd, NULL on failure. */
char *fx_tmpdir(const char *tag);
/* Removes a tree (no symlink is followed). Missing is not an error. */
int fx_rm_rf(const char *dir);
int fx_mkdir_p(const char *root, const char *path);
/* Writes a file (creating its parent directories), contents from printf. */
int fx_write(const char *root, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int fx_write_bytes(const char *root, const char *path, const void *data, size_t len);
/* Symlink at `link` pointing at `target`, both tree paths; the link text is
 * the relative path from link's directory, like sysfs's. Replaces an
 * existing link. */
int fx_symlink(const char *root, const char *link, const char *target);
/* Symlink with literal link text (for wrong or dangling links). */
int fx_symlink_raw(const char *root, const char *link, const char *text);

/* ---- config space --------------------------------------------------------- */

#define FX_CFG_SIZE 4096

/* Type-0 header: vendor, device, class (24 bits), capability list bit set. */
void fx_cfg_header(uint8_t cfg[FX_CFG_SIZE], uint16_t vendor, uint16_t device, uint32_t class_code);
/* Type-1 (bridge) header with the bus numbers. */
void fx_cfg_bridge(uint8_t cfg[FX_CFG_SIZE], uint16_t vendor, uint16_t device, uint8_t primary,
                   uint8_t secondary, uint8_t subordinate);
/* Appends an extended capability header (version 1) at `pos` to the list
 * starting at 0x100 (the first one goes at 0x100). */
void fx_cfg_ext_cap(uint8_t cfg[FX_CFG_SIZE], uint16_t pos, uint16_t id);

struct fx_iov {
        uint16_t control; /* SRIOV_IOV_CTRL_* */
        uint16_t initial_vfs, total_vfs, num_vfs;
        uint16_t offset, stride, vf_device;
        uint32_t supported_page_sizes, system_page_size; /* 0: 0x553 and 1 */
        uint32_t vf_bar[6];
};
/* Writes an SR-IOV capability (ID 0x10) at pos and links it into the list. */
void fx_cfg_sriov(uint8_t cfg[FX_CFG_SIZE], uint16_t pos, const struct fx_iov *iov);

/* Appends one device to an `lspci -xxxx` dump: the header line ("02:00.0
 * Ethernet controller: ..."), then `len` bytes as "OFF: xx xx ..." lines of
 * 16 (len a multiple of 16: 64, 256 or 4096), then a blank line. */
int fx_dump_device(FILE *f, const char *header_line, const uint8_t *cfg, size_t len);

/* ---- devices -------------------------------------------------------------- */

#define FX_NONE (-1) /* iommu_group / numa_node: not written */

struct fx_pci {
        const char *addr;   /* "0000:02:00.0" */
        const char *parent; /* its parent under devices/: "pci0000:00/0000:00:03.0" */
        uint16_t vendor, device;
        uint32_t class_code;
        const char *driver; /* NULL: no driver bound */
        int iommu_group;    /* FX_NONE or >= 0 */
        int numa_node;      /* FX_NONE, -1 is written as -1 only via fx_write */
        const char *netdev; /* NULL: no network interface */
        const uint8_t *config; /* NULL: no config file */
        size_t config_len;
};

/* The device directory of a PCI function: "devices/<parent>/<addr>". malloc'd. */
char *fx_pci_dir(const struct fx_pci *d);
/* A PCI function with its attributes, bus/pci/devices link, driver,
 * iommu_group and netdev (see fx_netdev). */
int fx_pci_device(const char *root, const struct fx_pci *d);
/* A network interface: devdir NULL makes a virtual one under
 * devices/virtual/net/ (devtype goes into uevent, e.g. "veth"); `type` is
 * the ARPHRD type (1 = Ethernet). Adds class/net/IFNAME. */
int fx_netdev(const char *root, const char *devdir, const char *ifname, const char *devtype,
              unsigned type);
/* A PCI bridge (header type 1, config file written) with the bus range. */
int fx_bridge(const char *root, const char *addr, const char *parent, uint8_t secondary,
              uint8_t subordinate);

struct fx_sriov {
        unsigned total, num, offset, stride;
        uint16_t vf_device;
        const char *vf_driver;      /* NULL: VFs unbound */
        int vf_iommu_group;         /* first VF's group, +1 per VF; FX_NONE */
        const char *vf_netdev_fmt;  /* "enp2s0f0v%u" (VF index) or NULL */
};
/* An SR-IOV PF: fx_pci_device(pf) plus sriov_* attributes, and `num` VFs
 * at the addresses First VF Offset/VF Stride give, each a PCI function
 * under the PF's parent with physfn, the PF's virtfnN links, vendor, the
 * VF device ID, driver, IOMMU group and netdev. */
int fx_sriov_pf(const char *root, const struct fx_pci *pf, const struct fx_sriov *s);

/* ---- ready-made trees ----------------------------------------------------- */

/*
 * The standard tree (addresses and names are the tests' expectations):
 *  - bridge 0000:00:03.0, buses 02-02;
 *  - Intel 82576-like PF 0000:02:00.0 (8086:10c9, igb, enp2s0f0, IOMMU group
 *    10, NUMA 0), config space with SR-IOV at 0x160 (ARI on, total 8,
 *    NumVFs 7, offset 128, stride 2, VF device 10ca); 7 VFs 02:10.0, 10.2,
 *    10.4, 10.6, 11.0, 11.2, 11.4 (igbvf, enp2s0f0v0.., groups 11..17);
 *  - NIC without SR-IOV 0000:03:00.0 (8086:10d3, e1000e, eno1, group 20)
 *    below bridge 0000:00:1c.0 (buses 03-03);
 *  - veth0 (virtual, DEVTYPE=veth) and lo (type 772: not Ethernet);
 *  - netdevsim1 on bus netdevsim: sriov_totalvfs 4, sriov_numvfs 2,
 *    netdev eni1np1.
 */
int fx_tree_standard(const char *root);
/* A bench tree: n_pfs PFs (0000:BB:00.0, BB = 0x10 + 2 * i, below bridges
 * 0000:00:(i+1).0 with buses BB..BB+1), each with n_vfs VFs at offset 8,
 * stride 1, ice/iavf, netdevs, IOMMU groups, config space. n_vfs <= 504. */
int fx_tree_scale(const char *root, unsigned n_pfs, unsigned n_vfs);

#endif
