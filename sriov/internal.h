/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal interfaces shared by libsriov's modules: the context, sysfs,
 * PCI addresses, devices, config space; and, through names.h and util.h,
 * the names and formats of settings and the small helpers (cleanup, string
 * vectors, time) beneath every module. Not installed. */
#ifndef SRIOV_INTERNAL_H
#define SRIOV_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "names.h"
#include "sriov.h"
#include "util.h"

/* ---- the context -------------------------------------------------------- */

struct pcicfg;
struct sriov_nl;
struct sriov_genl;

/* The context owns the transports (libpci, rtnetlink, generic netlink) but does not know
 * them: each transport, when it opens, leaves the function that frees it
 * next to its pointer, so ctx.c includes neither nl.h nor pcicfg.c's
 * internals. */
struct sriov_ctx {
        char *sysfs_root;        /* "/sys" by default */
        int sysfs_fd;            /* O_PATH fd on sysfs_root, opened lazily */
        bool sysfs_root_explicit;
        char *pci_dump;          /* NULL: live config space through libpci */
        struct pcicfg *pcicfg;   /* libpci access, opened lazily (pcicfg.c) */
        void (*pcicfg_free)(struct pcicfg *p);
        char *error;             /* message of the first failure of the last call */
        bool error_in_state;     /* that failure was the state directory's (ctx_fail_state) */
        char **notices;          /* said once per context */
        struct sriov_nl *nl;     /* rtnetlink transport, opened lazily (nl.c) */
        void (*nl_free)(struct sriov_nl *nl);
        struct sriov_genl *genl; /* generic netlink (devlink), opened lazily (genl.c) */
        void (*genl_free)(struct sriov_genl *g);
        char *state_dir;         /* NULL: SRIOV_STATE_DIR_DEFAULT (state.c) */
        bool skip_value_checks;  /* leave value rules to the driver (vfparse.c) */
        int state_held_fd;       /* the store's lock while state_hold() holds it, else -1 */
        int state_dir_fd;        /* the state directory, checked, while state_hold() holds it, else -1 */
};

/* Reads a whole text stream (`path` names it in messages): -errno on a read
 * error, -EINVAL for a NUL byte (not a text file). */
int read_text_stream(struct sriov_ctx *ctx, FILE *in, const char *path, char **ret);

/* Record why a call failed and return r (a negative errno). The first
 * message recorded since the public entry point wins: it names what failed
 * first; callers further up add context with ctx_error_prefix(). */
int ctx_fail(struct sriov_ctx *ctx, int r, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* ctx_fail() for a failure of the state directory itself: it cannot be
 * made, opened, trusted or locked, or a state file in it read, written or
 * parsed. sriov_ctx_error_state_dir() names the directory then. */
int ctx_fail_state(struct sriov_ctx *ctx, int r, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* Marks the failure of the last call as the state directory's, when the
 * message was not there before it (`had_error`: whether it was). */
void ctx_mark_state_error(struct sriov_ctx *ctx, bool had_error);
void ctx_error_prefix(struct sriov_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void ctx_clear_error(struct sriov_ctx *ctx);
/* Closes the netlink sockets and libpci's access (opened again on next use):
 * a forked child must not share the parent's socket. */
void ctx_drop_transports(struct sriov_ctx *ctx);
/* Closes libpci access (a new root or dump, or pci.ids no longer needed);
 * it reopens on next use. */
void ctx_drop_pcicfg(struct sriov_ctx *ctx);
/* Adds a notice unless an identical one was already added. */
void ctx_notice(struct sriov_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* ---- sysfs (sysfs.c): every path is relative to ctx->sysfs_root -------- */

int sysfs_root_fd(struct sriov_ctx *ctx);
/* Reads a whole attribute (at most 4 KiB). -ENOENT if absent. */
int sysfs_read_all(struct sriov_ctx *ctx, const char *path, char **ret);
/* Reads a one-line attribute without its trailing newline. -ENOENT if absent. */
int sysfs_read_line(struct sriov_ctx *ctx, const char *path, char **ret);
/* Reads an unsigned decimal (base 10) or hex (base 16) attribute no larger
 * than max. Empty, non-numeric, negative or too large values give -EINVAL or
 * -ERANGE with a message naming the file and the value. */
int sysfs_read_u64(struct sriov_ctx *ctx, const char *path, int base, uint64_t max,
                   uint64_t *ret);
/* Reads a signed decimal attribute within [min, max]. */
int sysfs_read_s64(struct sriov_ctx *ctx, const char *path, int64_t min, int64_t max,
                   int64_t *ret);
/* The last component of a symlink's target ("igb" for driver -> ../igb). */
int sysfs_link_name(struct sriov_ctx *ctx, const char *path, char **ret);
/* The target of a symlink, resolved to a path relative to the sysfs root. */
int sysfs_realpath(struct sriov_ctx *ctx, const char *path, char **ret);
/* Sorted entry names of a directory (without . and ..), filtered by prefix. */
int sysfs_list(struct sriov_ctx *ctx, const char *dir, const char *prefix, char ***ret);
bool sysfs_exists(struct sriov_ctx *ctx, const char *path);
/* Whether a network interface of that name exists (class/net/NAME); false
 * for anything that is not an interface name. */
bool sysfs_netdev_exists(struct sriov_ctx *ctx, const char *ifname);
/* The upper devices of the netdev whose sysfs directory is `netdir`
 * (its upper_* links: macvtaps, VLANs, bridges, bonds) as "a, b";
 * "" when there are none or they cannot be listed. *ret is malloc'd. */
int sysfs_upper_names(struct sriov_ctx *ctx, const char *netdir, char **ret);
int sysfs_write(struct sriov_ctx *ctx, const char *path, const char *value);

/* ---- PCI addresses ------------------------------------------------------ */

/* Parses "DDDD:BB:SS.F" (or "BB:SS.F", domain 0). */
int pci_addr_parse(const char *s, struct sriov_pci_addr *ret);
void pci_addr_format(const struct sriov_pci_addr *a, char buf[static SRIOV_PCI_ADDR_MAX]);

/* ---- devices, for the allocation layer (vfio.c, macvtap.c) -------------- */

/* The name of the driver bound to a PCI function, malloc'd; NULL (*ret)
 * when none is bound. */
int pci_current_driver(struct sriov_ctx *ctx, const char *addr, char **ret);
/* -EBUSY when addr is bound to vfio-pci and its /dev/vfio/GROUP is open
 * (someone, a guest's QEMU above all, uses it whatever the store says),
 * with why saying so (nothing in the context: a caller picking among VFs
 * takes another); 0 otherwise, also when it cannot tell. */
int vfio_in_use(struct sriov_ctx *ctx, const char *addr, char *why, size_t size);
/* Unbinds a PCI function from its driver and binds the same driver again
 * (a VF driver takes a new admin MAC only then). */
int pci_rebind(struct sriov_ctx *ctx, const char *addr, unsigned timeout_ms);
/* The VLAN ID of a VLAN device ("eth0.2" -> 2), 0 for any other device;
 * -ENODEV if there is no such device. */
int netdev_vlan_id(struct sriov_ctx *ctx, const char *ifname, uint16_t *ret);

/* ---- the inventory (discover.c) ----------------------------------------- */

/* Frees a VF's holder (sriov_inventory_read_holders); NULL is fine. */
void vf_holder_free(struct sriov_vf_holder *h);

/* ---- config space (pcicfg.c: libpci) ------------------------------------ */

/* Reads up to 4096 bytes of a function's config space through libpci (live
 * or dump, as the context says). *ret_len is the number of bytes that could
 * be read: 4096, 256 (dump of lspci -xxx), 64 (live without root), or 0. */
int pcicfg_read(struct sriov_ctx *ctx, const struct sriov_pci_addr *addr,
                uint8_t buf[static 4096], size_t *ret_len);
/* Functions present in the dump (dump mode only); -EOPNOTSUPP when live. */
int pcicfg_dump_devices(struct sriov_ctx *ctx, struct sriov_pci_addr **ret, size_t *ret_n);
/* Vendor/device/class names from pci.ids (NULL when unknown). */
enum pci_name_kind { PCI_NAME_VENDOR, PCI_NAME_DEVICE, PCI_NAME_CLASS };
char *pcicfg_name(struct sriov_ctx *ctx, enum pci_name_kind what, uint16_t vendor,
                  uint16_t device, uint32_t class_code);
/* Frees libpci's parsed pci.ids until the next name lookup. */
void pcicfg_drop_names(struct sriov_ctx *ctx);

#endif
