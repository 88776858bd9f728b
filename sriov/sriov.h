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
#include <stdio.h>

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
/* Directory of the crash-safe state (saved original VF settings, what
 * drivers answered); default /run/sriov. Created on first use. */
int sriov_ctx_set_state_dir(struct sriov_ctx *ctx, const char *dir);
/* Off: leave the value rules that drivers enforce themselves (unicast MAC,
 * min rate not above max rate) to the driver, so that its own answer can be
 * seen (testing drivers). On by default. */
void sriov_ctx_set_value_checks(struct sriov_ctx *ctx, bool on);
/* Why the last failing call failed ("" if nothing failed). */
const char *sriov_ctx_error(const struct sriov_ctx *ctx);
/* The state directory, when what the last failing call failed on first is
 * that directory (it cannot be made, opened, trusted or locked, or a state
 * file in it read, written or parsed); NULL otherwise, e.g. when the
 * kernel refused. For callers whose answer names the failing resource
 * apart from the message (the CNI plugin's error "msg"). */
const char *sriov_ctx_error_state_dir(const struct sriov_ctx *ctx);
/* Things said once per context that are not errors, e.g. that extended
 * config space is unreadable without root. NULL-terminated. */
char *const *sriov_ctx_notices(const struct sriov_ctx *ctx);
/* Forgets the notices (a long-running caller, after printing them). */
void sriov_ctx_clear_notices(struct sriov_ctx *ctx);

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
        /* in a config's `set` mask (sriov_vf_config), the two halves of
         * SRIOV_VF_RATE: each rate can be changed on its own */
        SRIOV_VF_MIN_RATE = 1u << 8,
        SRIOV_VF_MAX_RATE = 1u << 9,
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

/* A VF's port on its PF's eswitch (devlink, flavour pcivf), present in
 * switchdev mode; its netdev is the VF's representor. */
struct sriov_vf_port {
        bool present;
        uint32_t index;       /* devlink port index */
        uint16_t pf, vf;      /* the port's PCI PF and VF numbers */
        char *netdev;         /* the port's netdev as devlink names it; NULL if none */
        char *phys_port_name; /* read from sysfs for that netdev; NULL if unreadable */
};

/* What devlink says about a PF's eswitch (sriov_inventory_read_eswitch). */
enum sriov_eswitch_state {
        SRIOV_ESWITCH_UNREAD = 0,  /* not asked (a fixture tree, a dump), or the kernel refused
                                    * to say (error: EPERM without CAP_NET_ADMIN) */
        SRIOV_ESWITCH_NO_DEVLINK,  /* no devlink instance for the PF (error: ENODEV; ENOENT:
                                    * the kernel has no devlink at all) */
        SRIOV_ESWITCH_NO_ESWITCH,  /* devlink, but its driver has no eswitch (error: EOPNOTSUPP,
                                    * or 0: the answer carries no mode) */
        SRIOV_ESWITCH_READ,        /* mode (and what else is present) below */
        SRIOV_ESWITCH_FAILED,      /* asking failed otherwise (error); a warning says why */
};
/* devlink's values (DEVLINK_ESWITCH_*) */
enum sriov_eswitch_mode { SRIOV_ESWITCH_LEGACY = 0, SRIOV_ESWITCH_SWITCHDEV = 1 };
enum {
        SRIOV_ESWITCH_F_INLINE = 1u << 0,
        SRIOV_ESWITCH_F_ENCAP = 1u << 1,
};
struct sriov_eswitch {
        enum sriov_eswitch_state state;
        int error;        /* the kernel's errno (positive) behind the state, 0 if none */
        char *devlink;    /* the handle asked: "pci/0000:02:00.0", "netdevsim/netdevsim1" */
        uint32_t present; /* SRIOV_ESWITCH_F_* besides the mode */
        uint16_t mode;    /* enum sriov_eswitch_mode, or a newer kernel's value */
        uint8_t inline_mode; /* DEVLINK_ESWITCH_INLINE_MODE_* */
        uint8_t encap_mode;  /* DEVLINK_ESWITCH_ENCAP_MODE_* */
};

struct sriov_vf_holder; /* who holds a VF: the allocation store's part, below */

struct sriov_vf {
        unsigned index;
        char address[SRIOV_PCI_ADDR_MAX];  /* from the virtfnN link; "" if none */
        char expected[SRIOV_PCI_ADDR_MAX]; /* from offset/stride; "" if unknown */
        char *driver;                      /* NULL: no driver bound */
        char **netdevs;                    /* NULL-terminated, may be empty */
        int64_t iommu_group;
        bool has_link;                     /* link below was read over rtnetlink */
        struct sriov_vf_link link;
        /* switchdev: the VF's devlink port, and its netdev once checked
         * against sysfs (same ifindex); NULL when there is none */
        struct sriov_vf_port port;
        char *representor;
        struct sriov_vf_holder *holder;    /* who holds it (sriov_inventory_read_holders);
                                            * NULL: free, or not read (the PF's holders_read) */
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
        struct sriov_eswitch eswitch; /* sriov_inventory_read_eswitch */
        bool holders_read;      /* each VF's holder was read from the allocation store */
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
 * device exists or it is not an SR-IOV PF (the message says which; the
 * same errno as everywhere a device is not found, and not EOPNOTSUPP,
 * which is a driver's refusal). */
int sriov_inventory_find(struct sriov_ctx *ctx, struct sriov_inventory *inv, const char *device,
                         struct sriov_pf **ret);
/* Reads every VF's settings of a PF over rtnetlink (RTM_GETLINK on its
 * netdev) into pf->vfs[i].link; adds VFs not visible in sysfs (netdevsim).
 * VFs the kernel's reply could not carry are named in a warning. */
int sriov_pf_read_vf_links(struct sriov_ctx *ctx, struct sriov_pf *pf);

/* ---- switchdev (devlink) ------------------------------------------------ */

/* Reads the eswitch of each PF (only that one, if `only` is set) over
 * devlink into pf->eswitch: one DEVLINK_CMD_ESWITCH_GET per PF, whose answer
 * says whether the PF has devlink and an eswitch at all. For PFs in
 * switchdev mode, one port dump (for all of them) finds each VF's port:
 * the port's PF and VF numbers name the VF, its netdev is the representor
 * once sysfs confirms it (the same ifindex) and its phys_port_name is read;
 * a mismatch is a warning, never a guess. Representors are taken out of
 * pf->netdevs (they are the eswitch's ports, not the PF's netdev). Fails
 * only for lack of memory: what devlink could not say is in the states and
 * warnings. */
int sriov_inventory_read_eswitch(struct sriov_ctx *ctx, struct sriov_inventory *inv, struct sriov_pf *only);
/* Sets a PF's eswitch mode (DEVLINK_CMD_ESWITCH_SET), nothing else: no VF
 * is created, removed or rebound here. The kernel's errno (EOPNOTSUPP: no
 * eswitch or not this mode; ENODEV: no devlink; EBUSY, EINVAL from the
 * driver), its extended-ack text in the context's message. */
int sriov_eswitch_set_mode(struct sriov_ctx *ctx, const struct sriov_pf *pf, enum sriov_eswitch_mode mode);
/* "legacy", "switchdev"; "no-devlink", "no-eswitch" for those states;
 * NULL when unread or failed (rendered as null / "-"). */
const char *sriov_eswitch_mode_name(const struct sriov_eswitch *e);

/* ---- VF configuration (vfparse.c, vfcfg.c) ----------------------------- */

#define SRIOV_ETH_P_8021Q 0x8100
#define SRIOV_ETH_P_8021AD 0x88a8

/* What to change on one VF: only the fields whose SRIOV_VF_* bit is in
 * `set`. Rates are SRIOV_VF_MIN_RATE and SRIOV_VF_MAX_RATE (SRIOV_VF_RATE is
 * both); SRIOV_VF_VLAN_PROTO and a non-zero qos need SRIOV_VF_VLAN, because
 * the kernel sets VLAN, QoS and protocol together (no protocol: 802.1Q). */
struct sriov_vf_config {
        uint32_t set;
        uint8_t mac[6];       /* unicast; 00:00:00:00:00:00 clears the admin MAC */
        uint16_t vlan;        /* 0-4095; 0: no port VLAN */
        uint8_t qos;          /* 0-7 */
        uint16_t vlan_proto;  /* SRIOV_ETH_P_8021Q or SRIOV_ETH_P_8021AD */
        bool spoofchk;
        bool trust;
        bool query_rss;
        enum sriov_link_state link_state;
        uint32_t min_tx_rate; /* Mbps; 0: no minimum */
        uint32_t max_tx_rate; /* Mbps; 0: no limit */
};

/* One VF and what to set on it: the words of `sriovctl set`, or one line
 * of an apply file. */
struct sriov_vf_request {
        char *device; /* the PF as given: interface name or PCI address */
        unsigned vf;
        struct sriov_vf_config config;
        char *origin; /* "FILE:LINE" for apply files, NULL otherwise */
};
void sriov_vf_request_done(struct sriov_vf_request *r);
void sriov_vf_requests_free(struct sriov_vf_request *reqs, size_t n);

/* Checks a config's values: -EINVAL naming the field and the rule (multicast
 * MAC, VLAN above 4095, QoS above 7, QoS or protocol without a VLAN, an
 * unknown protocol or link state, min rate above max rate, nothing set). */
int sriov_vf_config_validate(struct sriov_ctx *ctx, const struct sriov_vf_config *cfg);

/* Parses and validates the words "DEVICE vf N [mac ADDR] [vlan ID [qos Q]
 * [proto 802.1Q|802.1ad]] [spoofchk on|off] [trust on|off]
 * [state auto|enable|disable] [min-rate MBPS] [max-rate MBPS]
 * [query-rss on|off]": the grammar of `sriovctl set`, of apply files and
 * of the desired state's VF lines, where ip-link(8)'s spellings
 * max_tx_rate, min_tx_rate, query_rss and rate are taken too (see
 * sriov_vf_words). -EINVAL naming the word and the rule. */
int sriov_vf_request_parse(struct sriov_ctx *ctx, char *const *words, size_t n_words,
                           struct sriov_vf_request *ret);

/* One word of that grammar (vfwords.c): sriovctl's spelling; the other
 * spellings taken for it, NULL-terminated (ip-link(8)'s max_tx_rate,
 * min_tx_rate and query_rss, and its older rate for max-rate); its value
 * ("MBPS"; alternatives separated by '|': "on|off"); and the word it
 * must follow in the same request, or NULL (qos and proto follow vlan). */
struct sriov_vf_word {
        const char *word;
        const char *aliases[3];
        const char *value;
        const char *after;
};
/* Every word, in the order of the grammar above; the last entry's word is
 * NULL. Static data: the parser's own table, for help and completion. */
const struct sriov_vf_word *sriov_vf_words(void);

/* Parses an apply file: one request per line in the grammar above, '#'
 * starts a comment, blank lines are skipped. Every line is checked before
 * anything is returned; the first bad one is reported as "FILE:LINE: ..."
 * (-EINVAL), as is a VF named twice. *ret_n may be 0. */
int sriov_apply_parse_file(struct sriov_ctx *ctx, const char *path, struct sriov_vf_request **ret,
                           size_t *ret_n);
/* The same for text in memory; `name` stands for the file in messages. */
int sriov_apply_parse_text(struct sriov_ctx *ctx, const char *name, const char *text,
                           struct sriov_vf_request **ret, size_t *ret_n);

/* Sets one VF's attributes through its PF. Bad input changes nothing:
 * unknown device or not an SR-IOV PF with a netdev (-ENODEV), VF out of
 * range (-ERANGE: against sysfs sriov_numvfs before any netlink request,
 * then against the kernel's answer), bad values (-EINVAL). device is any
 * name `sriovctl list` prints for the PF: its PCI address or bus device
 * name (netdevsim1), or one of its interfaces. Before the first change to a VF,
 * its settings are saved in the state directory (see sriov_vf_restore).
 * Each attribute goes in its own RTM_SETLINK, because the kernel stops at
 * the first refused one; if the driver refuses any, the applied ones are
 * rolled back and the error names every refused attribute with the
 * driver's errno (the first is returned). Every value is then read back: a
 * value the kernel reports differently was silently ignored (rolled back,
 * -EIO). Values the driver does not report are named in a notice. */
int sriov_vf_set(struct sriov_ctx *ctx, const char *device, unsigned vf,
                 const struct sriov_vf_config *cfg);

/* Applies many requests over one socket: per PF, one RTM_SETLINK carrying
 * all its VFs (split only where an IFLA_VFINFO_LIST would pass 64 KiB),
 * then one read-back per PF to verify. Every device and VF number is
 * checked before anything changes, and before any netlink request each
 * VF index against sysfs (-ERANGE) and each VF named once, also through
 * two names of its PF (-EBADMSG, naming both origins); originals are saved as for
 * sriov_vf_set. If the kernel refuses a VF, every VF changed in this run is
 * restored and the error names the request's origin, the VF, the refused
 * attributes and the driver's errno. */
int sriov_vf_apply(struct sriov_ctx *ctx, const struct sriov_vf_request *reqs, size_t n);

/* Puts back the settings saved before a VF's first change and forgets
 * them: VF vf, or every saved VF of the PF with SRIOV_VF_ALL. A VF with
 * nothing saved is not an error (a notice says so), a VF beyond the PF's
 * sriov_numvfs is (-ERANGE), unless it has saved settings, which are then
 * dropped (the PF had more VFs when they were saved). *ret_restored (may be
 * NULL) is the number of VFs restored. */
#define SRIOV_VF_ALL UINT32_MAX
int sriov_vf_restore(struct sriov_ctx *ctx, const char *device, unsigned vf, unsigned *ret_restored);

/* What a driver answered to each VF attribute, learned from earlier
 * requests and kept in STATE/drivers/DRIVER.json. */
struct sriov_driver_answer {
        char *attribute; /* "mac", "vlan", "proto", "spoofchk", "trust", "state",
                          * "min-rate", "max-rate", "query-rss" */
        char *value;     /* the value last sent, as typed ("802.1ad", "enable", "100") */
        int error;       /* 0: accepted; else the driver's errno (positive) */
};
/* -ENOENT (no message) when nothing was learned about the driver yet. */
int sriov_driver_answers(struct sriov_ctx *ctx, const char *driver, struct sriov_driver_answer **ret,
                         size_t *ret_n);
void sriov_driver_answers_free(struct sriov_driver_answer *a, size_t n);
/* "EOPNOTSUPP" for EOPNOTSUPP (positive or negative), "E123" if unknown. */
const char *sriov_errno_name(int err);
/* The VFs of a PF whose original settings are saved (changed by set or
 * apply, not restored yet), ascending; *ret_n may be 0. */
int sriov_vf_saved(struct sriov_ctx *ctx, const char *device, unsigned **ret, size_t *ret_n);

/* ---- 802.1Qbh / 802.1Qbg port profiles (portprofile.c) ------------------ */

#define SRIOV_PORT_PROFILE_MAX 40 /* sent as exactly 40 bytes, NUL-padded */
#define SRIOV_PORT_SELF (-1)      /* the PF's own port (IFLA_PORT_SELF) */

enum sriov_port_request { /* PORT_REQUEST_* */
        SRIOV_PORT_PREASSOCIATE = 0,
        SRIOV_PORT_PREASSOCIATE_RR = 1,
        SRIOV_PORT_ASSOCIATE = 2,
        SRIOV_PORT_DISASSOCIATE = 3,
};

enum sriov_port_field {
        SRIOV_PORT_F_REQUEST = 1u << 0,
        SRIOV_PORT_F_RESPONSE = 1u << 1, /* status only */
        SRIOV_PORT_F_PROFILE = 1u << 2,  /* 802.1Qbh */
        SRIOV_PORT_F_INSTANCE = 1u << 3, /* 802.1Qbh instance (VM) UUID / 802.1Qbg instanceid */
        SRIOV_PORT_F_HOST = 1u << 4,     /* 802.1Qbh */
        SRIOV_PORT_F_MANAGERID = 1u << 5, /* 802.1Qbg VSI manager ID, 0-255 */
        SRIOV_PORT_F_TYPEID = 1u << 6,    /* 802.1Qbg VSI type ID, 0-16777215 */
        SRIOV_PORT_F_TYPEIDVERSION = 1u << 7, /* 802.1Qbg VSI type version, 0-255 */
};
#define SRIOV_PORT_F_QBG (SRIOV_PORT_F_MANAGERID | SRIOV_PORT_F_TYPEID | SRIOV_PORT_F_TYPEIDVERSION)

/* A port profile request, or a port's state as the driver reports it. */
struct sriov_port {
        uint32_t present; /* SRIOV_PORT_F_* */
        enum sriov_port_request request;
        uint16_t response; /* PORT_PROFILE_RESPONSE_* (802.1Qbh) or PORT_VDP_RESPONSE_* */
        char profile[SRIOV_PORT_PROFILE_MAX]; /* at most 39 characters + NUL */
        uint8_t instance_uuid[16];
        uint8_t host_uuid[16];
        uint8_t managerid;
        uint32_t typeid;
        uint8_t typeidversion;
};

/* "8-4-4-4-12" hex digits; -EINVAL otherwise. */
int sriov_uuid_parse(const char *s, uint8_t ret[16]);
void sriov_uuid_format(const uint8_t uuid[16], char buf[static 37]);
/* Parses one field of a request given as text: "request" (associate,
 * preassociate, preassociate-rr, disassociate), "profile", "instance",
 * "host", "managerid", "typeid", "typeidversion". -EINVAL naming the
 * field and the rule. */
int sriov_port_parse_field(struct sriov_ctx *ctx, struct sriov_port *p, const char *field,
                           const char *value);
/* A request is 802.1Qbg when it has any of managerid/typeid/typeidversion
 * (then it needs all three and an instance UUID, and no profile or host);
 * otherwise 802.1Qbh, and every request but disassociate needs a profile. */
int sriov_port_validate(struct sriov_ctx *ctx, const struct sriov_port *p);
/* Sends an 802.1Qbh request for VF vf (or SRIOV_PORT_SELF) to the PF's
 * driver and polls IFLA_PORT_RESPONSE until a final answer or timeout_ms
 * (then an (pre)associate is disassociated again, -ETIMEDOUT). A final
 * answer other than success is an error naming the response. An 802.1Qbg
 * request goes to the VDP daemon (lldpad) instead; without one the error
 * says so. *ret (may be NULL) receives the last state read. */
int sriov_port_set(struct sriov_ctx *ctx, const char *device, int vf, const struct sriov_port *p,
                   unsigned timeout_ms, struct sriov_port *ret);
/* The port's state as the driver reports it. -ENODATA: the driver reports
 * nothing for it (never set); -EOPNOTSUPP: no port profile support. */
int sriov_port_get(struct sriov_ctx *ctx, const char *device, int vf, struct sriov_port *ret);
const char *sriov_port_request_name(enum sriov_port_request r);
/* "PORT_PROFILE_RESPONSE_ERROR" and what it means, for any response code. */
const char *sriov_port_response_name(uint16_t response);
const char *sriov_port_response_message(uint16_t response);

/* ---- macvtap links (macvtap.c) ----------------------------------------- */

enum sriov_macvtap_mode {
        SRIOV_MACVTAP_VEPA,
        SRIOV_MACVTAP_BRIDGE,
        SRIOV_MACVTAP_PRIVATE,
        SRIOV_MACVTAP_PASSTHRU, /* the only macvlan/macvtap on its lower device */
};

#define SRIOV_IFNAME_MAX 16 /* IFNAMSIZ: 15 characters + NUL */

/* Whether the kernel takes name as it is for a netdev: 1-15 bytes, not "."
 * or "..", no '/', ':', blanks or control characters (dev_valid_name), and
 * no '%', which the kernel reads as a pattern ("eth%d": the first free
 * ethN, a name nobody asked for). */
bool sriov_ifname_valid(const char *name);

/* A macvtap (or, among a lower device's uppers, a macvlan). */
struct sriov_macvtap {
        char ifname[SRIOV_IFNAME_MAX];
        char lower[SRIOV_IFNAME_MAX];
        char kind[SRIOV_IFNAME_MAX]; /* "macvtap" or "macvlan" */
        int ifindex;
        enum sriov_macvtap_mode mode;
        bool mode_known;   /* false: a mode this library has no name for (source) */
        uint8_t mac[6];
        char tap_path[32]; /* "/dev/tapN" (N = ifindex); "" for a macvlan */
};

/* "vepa", "bridge", "private", "passthru"; parse also takes libvirt's
 * "passthrough". -EINVAL (no message) for anything else. */
const char *sriov_macvtap_mode_name(enum sriov_macvtap_mode m);
int sriov_macvtap_mode_parse(const char *s, enum sriov_macvtap_mode *ret);

/* Creates a macvtap on `lower` over rtnetlink, brings it up and waits
 * (timeout_ms, 0: 5 s) for its /dev/tapN char device. `name` NULL or "":
 * the lowest free macvtapN. `mac` NULL: the kernel's (random; passthru:
 * the lower's). passthru takes the lower's MAC at creation; a different
 * `mac` is then set on the macvtap, as libvirt does (an igb VF with an
 * admin MAC and trust off refuses that). Refused before anything is made
 * (-EBUSY, naming them) when passthru would join other macvlan/macvtap
 * uppers of `lower` or another mode would join a passthru one; -ENODEV
 * for no such lower; otherwise the kernel's errno. A failure leaves no
 * link behind. */
int sriov_macvtap_create(struct sriov_ctx *ctx, const char *lower, enum sriov_macvtap_mode mode,
                         const char *name, const uint8_t *mac, unsigned timeout_ms,
                         struct sriov_macvtap *ret);
/* Deletes a macvtap by name; -ENODEV if there is none, -EINVAL (left
 * alone) if the interface is not a macvtap. */
int sriov_macvtap_delete(struct sriov_ctx *ctx, const char *name);
/* The macvlan and macvtap upper devices of `lower` (its sysfs upper_*
 * links that rtnetlink reports as such), in name order; *ret_n may be 0.
 * For refusing passthru next to others, or a VF whose netdev carries one. */
int sriov_macvtap_uppers(struct sriov_ctx *ctx, const char *lower, struct sriov_macvtap **ret,
                         size_t *ret_n);
void sriov_macvtaps_free(struct sriov_macvtap *v, size_t n);

/* ---- vfio-pci binding (vfio.c) ------------------------------------------ */

struct sriov_vfio_binding {
        char address[SRIOV_PCI_ADDR_MAX];
        char previous_driver[64]; /* what to give it back to; "" if none was bound
                                   * (or it already was on vfio-pci) */
        int64_t iommu_group;
        char group_path[32];      /* "/dev/vfio/N" */
};

/* Binds a PCI function to vfio-pci: driver_override, unbind from its
 * driver, bus/pci/drivers_probe, then waits (timeout_ms, 0: 5 s) for the
 * driver link and /dev/vfio/GROUP. Already on vfio-pci: only the wait.
 * Checked before anything changes: -ENODEV no such function, -ENXIO no
 * IOMMU group (no IOMMU), -ENOENT vfio-pci not loaded (the library loads
 * no modules), -EBUSY another function of the IOMMU group is bound to a
 * driver other than vfio-pci/pci-stub/pcieport (named), or a netdev of
 * the function has upper devices such as macvtaps (named). A failure
 * after the first change gives the function back to its driver. */
int sriov_vfio_bind(struct sriov_ctx *ctx, const char *address, unsigned timeout_ms,
                    struct sriov_vfio_binding *ret);
/* Gives a function back: clears driver_override, unbinds it from vfio-pci,
 * probes and waits for a driver. `driver` (e.g. the binding's
 * previous_driver) must be the one that binds; it is named in
 * driver_override for that probe (so it binds even with the PF's
 * sriov_drivers_autoprobe 0), then the override is cleared. NULL: any.
 * Already bound to `driver`: nothing to do. *ret_driver (may be NULL):
 * the driver bound now, malloc'd. */
int sriov_vfio_unbind(struct sriov_ctx *ctx, const char *address, const char *driver,
                      unsigned timeout_ms, char **ret_driver);

/* ---- guest allocations (store.c, attach.c, detach.c, admin.c) ---------- */

/* What an <interface> of a guest got. */
enum sriov_alloc_kind {
        SRIOV_ALLOC_HOSTDEV,   /* a VF handed to the guest as a PCI device */
        SRIOV_ALLOC_VF_DIRECT, /* a VF's netdev, for the macvtap passthru libvirt makes */
        SRIOV_ALLOC_MACVTAP,   /* a macvtap the manager made (guest opens its tap) */
        SRIOV_ALLOC_POD,       /* a VF a CNI ADD gave a container (sriov_pod_add) */
};

/* One record of the allocation store (STATE/allocations.json). */
struct sriov_allocation {
        char *domain_name;
        char *domain_uuid;               /* "" when the domain XML has none */
        unsigned iface;                  /* the <interface>'s position, 0-based */
        enum sriov_alloc_kind kind;
        uint8_t mac[6];                  /* the guest's MAC */
        char *pf;                        /* VF kinds: the PF (PCI address or device name) */
        int vf;                          /* VF kinds: its index; -1 for a macvtap */
        char vf_address[SRIOV_PCI_ADDR_MAX]; /* VF kinds: its PCI address */
        char *netdev;                    /* VF_DIRECT: the VF's netdev; MACVTAP: the macvtap */
        char *lower;                     /* MACVTAP: its lower device */
        enum sriov_macvtap_mode macvtap_mode;
        char tap_path[32];               /* MACVTAP: "/dev/tapN" */
        char *vfio_driver;               /* HOSTDEV bound to vfio-pci by the manager: the
                                          * driver to give back ("" none); NULL not bound */
        bool port_profile;               /* an 802.1Qbh association to undo */
        struct sriov_vf_config config;   /* VF kinds: what the allocation set on the VF */
        bool pending;                    /* attach did not finish (running, or killed:
                                          * the next attach or detach rolls it back) */
        struct {                         /* POD: the CNI attachment (domain_name is
                                          * "cni:NETWORK/CONTAINERID/IFNAME") */
                char *container_id;      /* CNI_CONTAINERID */
                char *ifname;            /* CNI_IFNAME, the VF netdev's name in the netns */
                char *netns;             /* CNI_NETNS */
                char *network;           /* the NetConf's name: what GC sweeps */
                bool vfio;               /* on vfio-pci: configured through the PF only */
                uint8_t netdev_mac[6];   /* netdev mode: the netdev's own MAC and MTU */
                uint32_t netdev_mtu;     /* before the ADD (0: not read) */
        } pod;
        /* who handed the VF out: NULL for sriovctl attach;
         * "libvirt-network" for a port libvirt's network driver made (its
         * network hook), "libvirt-domain" for a VF a libvirt guest's own XML
         * names (its qemu hook). libvirt then owns MAC, VLAN and driver;
         * config is only what sriovctl set on top. */
        char *source;
        char *network;                   /* libvirt-network: the network */
        char *port;                      /* libvirt-network: the port's UUID */
};

/* sriov_vf_set(), sriov_vf_apply() and sriov_vf_restore() as an administrator runs them
 * (sriovctl set, apply, restore): under the store's lock, a VF a guest
 * holds is refused (-EADDRINUSE, naming the guest) before anything
 * changes; restoring all VFs skips the guests' VFs, each named in a
 * notice (detach restores them). */
int sriov_admin_vf_set(struct sriov_ctx *ctx, const char *device, unsigned vf, const struct sriov_vf_config *cfg);
int sriov_admin_vf_apply(struct sriov_ctx *ctx, const struct sriov_vf_request *reqs, size_t n);
int sriov_admin_vf_restore(struct sriov_ctx *ctx, const char *device, unsigned vf, unsigned *ret_restored);

/* Frees what a domain (name or UUID) holds: restores each VF's MAC, VLAN,
 * trust and spoof settings, disassociates port profiles, gives vfio-bound
 * VFs back to their driver, deletes macvtaps, then drops the records.
 * -ENOENT if the domain holds nothing. *ret_freed (may be NULL): records
 * freed. */
int sriov_detach(struct sriov_ctx *ctx, const char *domain, unsigned timeout_ms, unsigned *ret_freed);
/* Every record, as the store has it now. Read-only: takes no lock, writes
 * nothing and works for any user who can read the store; records of an
 * attach that has not finished (still running, or killed) are returned with
 * `pending` set, and only attach and detach roll killed ones back. */
int sriov_allocations(struct sriov_ctx *ctx, struct sriov_allocation **ret, size_t *ret_n);
void sriov_allocations_free(struct sriov_allocation *a, size_t n);
/* Who holds a VF, from its record in the allocation store. */
enum sriov_holder_type {
        SRIOV_HOLDER_GUEST,           /* sriovctl attach gave it to a guest's <interface> */
        SRIOV_HOLDER_LIBVIRT_GUEST,   /* a libvirt guest's own XML names it (the qemu hook's record) */
        SRIOV_HOLDER_LIBVIRT_NETWORK, /* libvirt's network driver gave it out as a port (the network hook's) */
        SRIOV_HOLDER_POD,             /* a CNI ADD gave it to a container (the sriov-vf plugin) */
};
struct sriov_vf_holder {
        enum sriov_holder_type type;
        enum sriov_alloc_kind kind; /* how: hostdev, vf-direct, pod, or a macvtap on the VF's netdev */
        char *domain;               /* the guest (every type but POD) */
        char *uuid;                 /* its UUID; "" when the record has none */
        unsigned iface;             /* its <interface>, 0-based */
        char *container_id;         /* POD: CNI_CONTAINERID */
        char *ifname;               /* POD: the VF's name in the container */
        char *network;              /* POD: the NetConf's name; LIBVIRT_NETWORK: the network */
        char *port;                 /* LIBVIRT_NETWORK: the port's UUID */
        char *netdev;               /* MACVTAP: the macvtap on the VF's netdev */
        bool pending;               /* its attach, ADD or hook has not finished (or died) */
};
/* Fills pf->vfs[i].holder of every PF (holders_read set) from the store,
 * read as sriov_allocations() reads it: without the lock, for whoever may
 * read the store. A VF two records claim gets the first, and a warning on
 * its PF names both. */
int sriov_inventory_read_holders(struct sriov_ctx *ctx, struct sriov_inventory *inv);
/* "guest", "libvirt-guest", "libvirt-network", "pod"; "free" for NULL. */
const char *sriov_holder_type_name(const struct sriov_vf_holder *h);

/* The VF settings an allocation put on VF vf of PF pf (PCI address or
 * device name), for putting them back after the VF was re-created (udev).
 * -ENOENT (no message) when that VF is not allocated. */
int sriov_allocation_vf_config(struct sriov_ctx *ctx, const char *pf, unsigned vf,
                               struct sriov_vf_config *ret);
const char *sriov_alloc_kind_name(enum sriov_alloc_kind k);
/* {"allocations": [...]}: the records as the store keeps them (without its
 * private fields). Schema in doc/json.md. */
int sriov_render_allocations_json(const struct sriov_allocation *a, size_t n, char **ret);

/* ---- pods: VFs handed to containers by the CNI plugin (pod.c, podnet.c) */

/* A CNI ADD (the sriov-vf plugin). */
struct sriov_pod_request {
        const char *container_id;      /* CNI_CONTAINERID */
        const char *ifname;            /* CNI_IFNAME */
        const char *netns;             /* CNI_NETNS: a path (/var/run/netns/NAME, /proc/PID/ns/net) */
        const char *network;           /* the NetConf's name */
        const char *vf_address;        /* deviceID: the VF's PCI address */
        struct sriov_vf_config config; /* set on the VF through its PF (set 0: nothing) */
        uint32_t mtu;                  /* netdev mode; 0: left as it is */
};

/* What the container got. */
struct sriov_pod_iface {
        char ifname[SRIOV_IFNAME_MAX]; /* in the netns (netdev mode) */
        int ifindex;                   /* in the netns; 0 in vfio mode */
        uint8_t mac[6];                /* the netdev's MAC (netdev mode), else the admin MAC set */
        bool has_mac;
        uint32_t mtu;
        bool vfio;                     /* the VF is on vfio-pci: nothing moved */
        char vf_address[SRIOV_PCI_ADDR_MAX];
};

/* Called by sriov_pod_add with the VF in place and its record still
 * pending, under the store's lock (IP configuration through IPAM): a
 * failure, or a kill, undoes the whole ADD. */
typedef int (*sriov_pod_configure_fn)(struct sriov_ctx *ctx, const struct sriov_pod_iface *iface,
                                      void *userdata);

/* Gives a container the VF req->vf_address, recorded in the same store
 * and under the same lock as sriov_attach, so a VF a guest holds is never
 * given to a pod and the other way round. Each step is recorded (pending)
 * before it is made: the VF's settings through its PF (saved first), then
 * in netdev mode the VF's netdev moved into the netns and renamed ifname
 * in one RTM_SETLINK, its MTU, up. A VF on vfio-pci (KubeVirt, DPDK) is
 * only configured through its PF. Refused before any change: not a VF
 * (-ENODEV), held by a guest or another pod (-EADDRINUSE, naming it), in
 * use outside the manager (-EBUSY: uppers; no netdev in the host
 * namespace: -ENODEV), the attachment already exists (-EEXIST), the netns
 * cannot be opened (-ENOENT). Any failure after that undoes every step.
 * configure (may be NULL) runs last. *ret (may be NULL) what was made. */
int sriov_pod_add(struct sriov_ctx *ctx, const struct sriov_pod_request *req, unsigned timeout_ms,
                  sriov_pod_configure_fn configure, void *userdata, struct sriov_pod_iface *ret);
/* Gives back what the attachment (container_id, ifname) holds: the netdev
 * moved back to the host namespace under its old name (when the netns is
 * gone the kernel has already moved it: it is waited for, at most
 * timeout_ms), the VF's settings as they were, the netdev's MAC and MTU.
 * Nothing held by that attachment is not an error and touches nothing:
 * *ret_found (may be NULL) is then false. Only the record's own VF is
 * ever touched, never one named by a later configuration. */
int sriov_pod_del(struct sriov_ctx *ctx, const char *container_id, const char *ifname, unsigned timeout_ms,
                  bool *ret_found);
/* CNI CHECK: the attachment exists, finished, its netdev is in the netns
 * as ifname and is that VF, and the VF's settings are still those set.
 * -ENOENT (no such attachment), -EIO naming what differs. */
int sriov_pod_check(struct sriov_ctx *ctx, const struct sriov_pod_request *req);
/* CNI GC: releases every attachment of `network` not among valid[0..n)
 * (as sriov_pod_del). *ret_released (may be NULL): how many. */
struct sriov_pod_key {
        const char *container_id;
        const char *ifname;
};
int sriov_pod_gc(struct sriov_ctx *ctx, const char *network, const struct sriov_pod_key *valid, size_t n,
                 unsigned timeout_ms, unsigned *ret_released);

/* CNI STATUS: the store can be locked, read and written; ADDs and attaches
 * whose process died half-way are rolled back (as by every call that
 * takes the store's lock; a listing does not). */
int sriov_pod_status(struct sriov_ctx *ctx, unsigned timeout_ms);

/* IP configuration inside a network namespace (the plugin's IPAM
 * results): an address (family AF_INET or AF_INET6, addr in network
 * order, prefix length) on ifindex, and a route (dst/dst_len; gw NULL
 * for on-link). The kernel's errno (EEXIST for an address or route that
 * exists). */
int sriov_netns_addr_add(struct sriov_ctx *ctx, const char *netns, int ifindex, int family, const uint8_t *addr,
                         unsigned prefix);
int sriov_netns_route_add(struct sriov_ctx *ctx, const char *netns, int ifindex, int family, const uint8_t *dst,
                          unsigned dst_len, const uint8_t *gw);

/* ---- desired state, put back when udev reports a PF or VF -------------- */
/* (desired.c: the configuration; reconcile.c: one PF brought to it;
 * uevent.c: which PF a uevent concerns, and the long-running monitor) */

#define SRIOV_CONFIG_DIR_DEFAULT "/etc/sriov"

/* How a `pf` line names its PF: stable names only. */
enum sriov_pf_key {
        SRIOV_PF_KEY_ADDRESS, /* pf 0000:02:00.0       PCI address */
        SRIOV_PF_KEY_DEVICE,  /* pf device netdevsim1  bus device name (non-PCI PFs) */
        SRIOV_PF_KEY_MAC,     /* pf mac 52:54:00:..    permanent MAC of the PF's netdev */
        SRIOV_PF_KEY_NAME,    /* pf name enp2s0        interface name */
};

struct sriov_desired_vf {
        unsigned vf;
        struct sriov_vf_config config; /* config.set 0: no VF attribute, only a port */
        bool has_port;                 /* an 802.1Qbh port profile to associate */
        struct sriov_port port;
        char *origin;                  /* "FILE:LINE" */
};

struct sriov_desired_pf {
        enum sriov_pf_key key;
        char *id;      /* canonical: "0000:02:00.0", "netdevsim1", "52:54:00:00:10:00", "enp2s0" */
        int64_t numvfs; /* SRIOV_ABSENT: left as it is */
        int autoprobe;  /* sriov_drivers_autoprobe: 1 on, 0 off, -1 left as it is */
        struct sriov_desired_vf *vfs; /* ascending VF number */
        size_t n_vfs;
        char *origin;   /* "FILE:LINE" of the pf line */
};

struct sriov_desired {
        char **files; /* the files read, in order, NULL-terminated */
        struct sriov_desired_pf *pfs;
        size_t n_pfs;
};

/* Reads DIR/ *.conf (dir NULL: SRIOV_CONFIG_DIR_DEFAULT) in name order.
 * Line based, '#' comments:
 *     pf 0000:02:00.0|device NAME|mac ADDR|name IFNAME [numvfs N] [autoprobe on|off]
 *     vf N [the words of `sriovctl set`] [port-profile NAME [instance UUID] [host UUID]]
 * `vf` lines belong to the pf line before them. Everything is checked before
 * anything is returned; -EINVAL names FILE:LINE, the word and the rule (a
 * PF named twice, a VF named twice or beyond numvfs, a bad value).
 * -ENOENT (with a message) when dir does not exist. No files: empty. */
int sriov_desired_load(struct sriov_ctx *ctx, const char *dir, struct sriov_desired **ret);
/* The same for one file's text; `name` stands for the file in messages. */
int sriov_desired_parse_text(struct sriov_ctx *ctx, const char *name, const char *text,
                             struct sriov_desired **ret);
struct sriov_desired *sriov_desired_free(struct sriov_desired *d);
/* The desired state in the file format, normalized (config show). */
int sriov_desired_render(const struct sriov_desired *d, char **ret);
/* The desired PF that describes the PF in sysfs device directory `devdir`
 * (relative to the sysfs root, "devices/pci0000:00/.../0000:02:00.0").
 * -ENOENT (no message) when none does; -EINVAL when two entries do (by
 * different names). */
int sriov_desired_find(struct sriov_ctx *ctx, const struct sriov_desired *d, const char *devdir,
                       const struct sriov_desired_pf **ret);

struct sriov_reconcile_options {
        unsigned wait_ms; /* how long to wait for the PF's netdev and its VFs to be
                           * reported (0: not at all: what is missing is `pending`) */
        int only_vf;      /* -1: the whole PF; else only this VF's settings */
        bool settings_only; /* leave autoprobe and the VF count alone: the VF count
                             * is set when the PF appears or binds (or at start),
                             * not on every change, so an admin may still change it */
        unsigned port_timeout_ms; /* port profile answers (0: 10000) */
};

struct sriov_reconcile_result {
        char *pf;        /* PCI address or device name */
        char *ifname;    /* its netdev; NULL when it has none (yet) */
        bool desired;    /* a desired PF describes it (else nothing was done) */
        char **actions;  /* what changed, one line each ("numvfs 0 -> 7", "vf 3: mac
                          * 02:00:00:00:00:03 vlan 10"), NULL-terminated; empty: it
                          * already matched */
        char **pending;  /* what could not be done yet and why ("no netdev yet"),
                          * NULL-terminated: try again on the next event */
        unsigned vfs_set;   /* VFs changed by the one batch */
};
void sriov_reconcile_result_done(struct sriov_reconcile_result *r);

/* Brings one PF (PCI address, device name, interface name, or a sysfs
 * device path "/devices/...") to its desired state, changing only what
 * differs: sriov_drivers_autoprobe, then the VF count (0 first only when
 * the driver answers EBUSY; a PF whose count matches is not touched), then
 * every VF's attributes in one sriov_vf_apply() batch, then port profiles
 * (o NULL: the whole PF, no waiting).
 * A VF a guest holds (an allocation in the store, sriov_attach()) outranks
 * the desired state: a VF count or autoprobe change that would remove or
 * re-create a held VF (below the highest held VF + 1, or through 0 while
 * any VF is held) is refused before anything changes, -EADDRINUSE with a
 * message naming the PF, each VF and its guest; a held VF gets its
 * allocation's settings over the desired ones, one whose attach did not
 * finish (or a guest's macvtap on it) is left as it is, and one the
 * allocation bound to vfio-pci is bound to it again after its re-creation.
 * The pass holds the PF's lock and the store's lock (shared) throughout,
 * so it never interleaves with sriov_attach()/sriov_detach() or VF
 * changes; passes on other PFs run beside it. A PF no desired entry
 * describes: only its guests' VFs are looked at (0, r->desired false). */
int sriov_reconcile_pf(struct sriov_ctx *ctx, const struct sriov_desired *d, const char *device,
                       const struct sriov_reconcile_options *o, struct sriov_reconcile_result *ret);

/* Which PF a uevent concerns: devpath ("/devices/...", as udev gives it)
 * of a PCI PF or VF, or of the netdev of one. *ret_pf: the PF's device path
 * (malloc'd); *ret_vf: the VF's number, -1 for the PF itself. Errors, each
 * with a message naming devpath: -EINVAL for a path that cannot name a
 * device (empty, or with ".."), -ENOENT when nothing is there (the device
 * is gone, or never was), -ENODEV for any other device, and for a VF whose
 * PF does not list it yet (the kernel sends its add first: the change or
 * bind that follows finds it). */
int sriov_uevent_target(struct sriov_ctx *ctx, const char *devpath, char **ret_pf, int *ret_vf);

/* The long-running monitor (sriovctl monitor): a libudev monitor ("udev"
 * source: after udev's rules, so VF netdevs already have their names and
 * MACs) on pci and net. Events are collected until quiet_ms pass without
 * one (at most max_delay_ms after the first), then each PF touched gets one
 * sriov_reconcile_pf() pass with no waiting; what was pending is retried
 * with a growing delay for up to retry_ms. The desired state is re-read
 * before each round (a bad one keeps the last good one, logged). Each pass
 * runs in a child process (fork), at most one per PF at a time, so a PF
 * whose VF count takes seconds to change does not delay the others; log
 * is called from those children too (each line whole, stdout flushed). A
 * refused pass (-EADDRINUSE: a guest holds a VF) is not retried until the
 * PF's next event. Returns 0 when stop_fd becomes readable (a signalfd for
 * SIGTERM/SIGINT), after sending running passes SIGTERM (SIGKILL after
 * 5 s) and reaping them. */
enum sriov_monitor_level { SRIOV_MONITOR_INFO, SRIOV_MONITOR_CHANGE, SRIOV_MONITOR_ERROR };
struct sriov_monitor_options {
        const char *config_dir; /* NULL: SRIOV_CONFIG_DIR_DEFAULT */
        unsigned quiet_ms;      /* 0: 150 */
        unsigned max_delay_ms;  /* 0: 1000 */
        unsigned retry_ms;      /* 0: 30000 */
        bool initial_pass;      /* reconcile every desired PF present at start */
        int stop_fd;            /* < 0: none */
        /* one line per action: the PF, what happened */
        void (*log)(void *userdata, enum sriov_monitor_level level, const char *pf, const char *message);
        void *userdata;
};
int sriov_monitor_run(struct sriov_ctx *ctx, const struct sriov_monitor_options *o);

/* ---- renderings (output.c): strings the caller prints ----------------- */

/* The one text style of every JSON document sriovctl and sriov-vf print:
 * json-c's flags for json_object_to_json_string_ext() (include
 * <json-c/json.h> to use it): two-space indents, "key": value. */
#define SRIOV_JSON_TEXT_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

int sriov_render_table(const struct sriov_inventory *inv, char **ret);
int sriov_render_pf_detail(const struct sriov_pf *pf, char **ret);
int sriov_render_json(const struct sriov_inventory *inv, const struct sriov_pf *only, char **ret);
/* The same JSON written to f as it is rendered, one PF at a time, so that
 * memory does not grow with the size of the whole document. */
int sriov_write_json(FILE *f, const struct sriov_inventory *inv, const struct sriov_pf *only);
/* Whether everything written to f got out: flushes it (close_it: and
 * closes it), 0 or the negative errno of the failure. stdio keeps only an
 * error flag after a failed write, so an earlier failure is named by errno
 * as the caller left it (-EIO when that is 0). What a program's standard
 * output lost fails the program: sriovctl and sriov-vf check it here, at
 * their end. */
int sriov_stream_done(FILE *f, bool close_it);
/* What `show` adds from the state directory (sriov_driver_answers(),
 * sriov_vf_saved()); read false: not read (a fixture tree or a dump with
 * the default state directory, which describes the live host). */
struct sriov_show_state {
        bool read;
        const struct sriov_driver_answer *answers;
        size_t n_answers;
        const unsigned *saved_vfs;
        size_t n_saved;
};
/* show --json: one PF object as sriov_render_json() renders it, plus
 * "driver_answers" and "saved_vfs" (null when st is NULL or not read). */
int sriov_render_show_json(const struct sriov_pf *pf, const struct sriov_show_state *st, char **ret);
/* port-profile ... status --json: one object; p NULL when the driver
 * reports nothing for the port, `none` then says so ("note"). */
int sriov_render_port_json(const char *device, int vf, const struct sriov_port *p, const char *none, char **ret);

/* ---- small formatting helpers ------------------------------------------ */
void sriov_format_mac(const uint8_t mac[6], char buf[static 18]);
const char *sriov_link_state_name(enum sriov_link_state s);

#ifdef __cplusplus
}
#endif
#endif
