/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsriov: SR-IOV inventory and VF management for KVM/libvirt hosts.
 *
 * Conventions (every call):
 *  - returns 0 or a negative errno (the kernel's own errno from netlink acks);
 *  - out-parameters come last and are written only on success;
 *  - on failure, sriov_ctx_error() says what failed first, naming the device,
 *    file or value and the rule it broke. The library never prints or exits.
 *  - the environment is injectable through the context: the sysfs root, the
 *    libpci access method (a dump file) and the netlink transport.
 */
#ifndef SRIOV_H
#define SRIOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sriov_ctx;

int sriov_ctx_new(struct sriov_ctx **ret);
struct sriov_ctx *sriov_ctx_free(struct sriov_ctx *ctx);
/* Directory that stands for /sys (fixture trees in tests). */
int sriov_ctx_set_sysfs_root(struct sriov_ctx *ctx, const char *dir);
/* Read config space from an `lspci -xxxx` dump (libpci's dump method)
 * instead of the live devices. -ENOENT/-EACCES if it cannot be opened. */
int sriov_ctx_set_pci_dump(struct sriov_ctx *ctx, const char *file);
/* Why the last failing call failed ("" if nothing failed). */
const char *sriov_ctx_error(const struct sriov_ctx *ctx);
/* Things said once per context that are not errors, e.g. that extended
 * config space is unreadable without root. NULL-terminated. */
char *const *sriov_ctx_notices(const struct sriov_ctx *ctx);

/* ---- values ------------------------------------------------------------- */

/* A sysfs or kernel value that was not reported is SRIOV_ABSENT, never
 * invented. */
#define SRIOV_ABSENT INT64_C(-1)

#define SRIOV_PCI_ADDR_MAX 16 /* "dddd:bb:ss.f" + NUL, domain up to 0xffff */

struct sriov_pci_addr {
        uint32_t domain;
        uint8_t bus;
        uint8_t slot;     /* 0..31 */
        uint8_t function; /* 0..7 */
};

/* The SR-IOV extended capability (ID 0x10) as read from config space. */
struct sriov_iov_cap {
        uint16_t position; /* offset of the capability in config space */
        uint8_t version;
        uint32_t capabilities;
        uint16_t control;
        uint16_t status;
        uint16_t initial_vfs;
        uint16_t total_vfs;
        uint16_t num_vfs;
        uint8_t function_dependency_link;
        uint16_t first_vf_offset;
        uint16_t vf_stride;
        uint16_t vf_device_id;
        uint32_t supported_page_sizes;
        uint32_t system_page_size;
        uint32_t vf_bar[6];
        uint32_t migration_state_array;
};

#define SRIOV_IOV_CTRL_VF_ENABLE 0x0001
#define SRIOV_IOV_CTRL_VF_MSE 0x0008
#define SRIOV_IOV_CTRL_ARI 0x0010

/* One decoded VF BAR. A 64-bit BAR takes two registers; the upper one is
 * reported as kind SRIOV_BAR_UPPER. */
enum sriov_bar_kind { SRIOV_BAR_UNUSED, SRIOV_BAR_MEM32, SRIOV_BAR_MEM64, SRIOV_BAR_UPPER };
struct sriov_vf_bar {
        enum sriov_bar_kind kind;
        bool prefetchable;
        uint64_t address;
};
void sriov_iov_cap_bars(const struct sriov_iov_cap *cap, struct sriov_vf_bar ret[6]);

/* Walks the extended capability list of `len` bytes of config space and
 * decodes the SR-IOV capability. -ENODATA if fewer than 4096 bytes were
 * readable, -ENOENT if the list has no SR-IOV capability, -ELOOP if the
 * list loops, -ERANGE if a pointer leaves config space. `why` (may be NULL)
 * receives the numbers behind a failure. */
int sriov_iov_cap_parse(const uint8_t *cfg, size_t len, struct sriov_iov_cap *ret,
                        char *why, size_t why_size);

/* Routing ID of VF i (0-based): PF routing ID + First VF Offset + i * VF
 * Stride, carrying into the bus number. -ERANGE past bus 255. */
int sriov_vf_routing_id(const struct sriov_pci_addr *pf, uint16_t offset, uint16_t stride,
                        unsigned i, struct sriov_pci_addr *ret);

/* ---- VF settings as the kernel reports them (rtnetlink) ----------------- */

enum sriov_vf_field {
        SRIOV_VF_MAC = 1u << 0,
        SRIOV_VF_VLAN = 1u << 1, /* vlan + qos */
        SRIOV_VF_VLAN_PROTO = 1u << 2,
        SRIOV_VF_SPOOFCHK = 1u << 3,
        SRIOV_VF_TRUST = 1u << 4,
        SRIOV_VF_LINK_STATE = 1u << 5,
        SRIOV_VF_RATE = 1u << 6, /* min_tx_rate + max_tx_rate */
        SRIOV_VF_QUERY_RSS = 1u << 7,
};

enum sriov_link_state { SRIOV_LINK_AUTO = 0, SRIOV_LINK_ENABLE = 1, SRIOV_LINK_DISABLE = 2 };

struct sriov_vf_link {
        uint32_t present; /* SRIOV_VF_* bits the kernel reported */
        uint8_t mac[6];
        uint16_t vlan;
        uint8_t qos;
        uint16_t vlan_proto; /* ETH_P_8021Q or ETH_P_8021AD, host order */
        bool spoofchk;
        bool trust;
        bool query_rss;
        enum sriov_link_state link_state;
        uint32_t min_tx_rate; /* Mbps */
        uint32_t max_tx_rate;
};

/* ---- inventory ---------------------------------------------------------- */

struct sriov_vf {
        unsigned index;
        char address[SRIOV_PCI_ADDR_MAX];  /* from the virtfnN link; "" if none */
        char expected[SRIOV_PCI_ADDR_MAX]; /* from offset/stride; "" if unknown */
        char *driver;                      /* NULL: no driver bound */
        char **netdevs;                    /* NULL-terminated, may be empty */
        int64_t iommu_group;
        bool has_link;                     /* link below was read over rtnetlink */
        struct sriov_vf_link link;
};

struct sriov_pf {
        char *address;  /* "0000:02:00.0", or the device name for non-PCI PFs */
        char *bus;      /* "pci", "netdevsim", ... */
        bool has_ids;
        uint16_t vendor_id;
        uint16_t device_id;
        uint32_t class_code; /* 24 bits: class, subclass, prog-if */
        char *vendor_name;   /* NULL when pci.ids does not know it */
        char *device_name;
        char *class_name;
        char *driver;
        char **netdevs;
        int64_t numa_node;
        int64_t iommu_group;
        char *link_speed; /* "2.5 GT/s PCIe" */
        int64_t link_width;
        /* sysfs attributes, SRIOV_ABSENT when not reported */
        int64_t totalvfs, numvfs, offset, stride, vf_device, drivers_autoprobe;
        bool has_cap; /* cap below was read from config space */
        struct sriov_iov_cap cap;
        struct sriov_vf *vfs;
        size_t n_vfs;
        int64_t netlink_num_vf; /* IFLA_NUM_VF, when read over rtnetlink */
        char **warnings;        /* NULL-terminated */
};

/* A network device without SR-IOV: usable as a macvtap lower device. */
struct sriov_netdev {
        char *name;
        char *driver;   /* NULL for virtual devices without a driver */
        char *address;  /* parent PCI address, NULL for virtual devices */
        char *kind;     /* "physical" or the rtnl kind from uevent (veth, dummy, ...) */
};

struct sriov_inventory {
        struct sriov_pf *pfs;
        size_t n_pfs;
        struct sriov_netdev *lowers;
        size_t n_lowers;
        char **warnings; /* about devices that are not listed as PFs */
};

/* Scans the sysfs root (and the dump, if one is set) for SR-IOV physical
 * functions and macvtap-capable network devices. */
int sriov_inventory_scan(struct sriov_ctx *ctx, struct sriov_inventory **ret);
void sriov_inventory_free(struct sriov_inventory *inv);
/* Finds a PF by PCI address or network interface name. -ENODEV if no such
 * device exists, -ENOTSUP if it exists but is not an SR-IOV PF. */
int sriov_inventory_find(struct sriov_ctx *ctx, struct sriov_inventory *inv, const char *device,
                         struct sriov_pf **ret);
/* Reads every VF's settings of a PF over rtnetlink (RTM_GETLINK on its
 * netdev) into pf->vfs[i].link; adds VFs not visible in sysfs (netdevsim).
 * VFs the kernel's reply could not carry are named in a warning. */
int sriov_pf_read_vf_links(struct sriov_ctx *ctx, struct sriov_pf *pf);

/* ---- renderings (output.c): strings the caller prints ----------------- */

int sriov_render_table(const struct sriov_inventory *inv, char **ret);
int sriov_render_pf_detail(const struct sriov_pf *pf, char **ret);
int sriov_render_json(const struct sriov_inventory *inv, const struct sriov_pf *only, char **ret);
int sriov_render_xml(const struct sriov_inventory *inv, const struct sriov_pf *only, char **ret);

/* ---- small formatting helpers ------------------------------------------ */
void sriov_format_mac(const uint8_t mac[6], char buf[static 18]);
const char *sriov_link_state_name(enum sriov_link_state s);

#ifdef __cplusplus
}
#endif
#endif
