/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsriov-libvirt: the libvirt layer over libsriov (sriov.h): libvirt's
 * domain and network XML, its client library, its hooks, guest attach,
 * and the inventory as XML. The only part of sriov-manager that needs
 * libxml2 and libvirt: programs that do not read or write XML (the CNI
 * plugin, sriovctl udev-event, set, apply, ...) link libsriov alone.
 * The conventions of sriov.h hold here too.
 */
#ifndef SRIOV_LIBVIRT_H
#define SRIOV_LIBVIRT_H

#include "sriov.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- libvirt domain and network XML (domxml.c) -------------------------- */

/* Turns libvirt XML into plain requests and writes the guest's interface
 * back; knows nothing of netlink or sysfs. Values are checked as libvirt's
 * schemas say (basictypes.rng, networkcommon.rng); -EINVAL names the
 * document, the element, the attribute, the value and the rule. Numbers
 * are decimal or 0x hex; a decimal with a leading zero that libvirt would
 * read as octal with a different value is refused. */

enum sriov_xml_iface_type {
        SRIOV_XML_IFACE_OTHER,   /* not ours: bridge, user, ethernet, ... */
        SRIOV_XML_IFACE_DIRECT,  /* macvtap */
        SRIOV_XML_IFACE_HOSTDEV, /* PCI passthrough of a VF */
        SRIOV_XML_IFACE_NETWORK, /* from a libvirt network (pool) */
};

/* <source mode=> of a direct interface, <forward mode=> of a network */
enum sriov_xml_mode {
        SRIOV_XML_MODE_NONE,  /* not given (network: no <forward>) */
        SRIOV_XML_MODE_VEPA,  /* libvirt's default for a direct <source> */
        SRIOV_XML_MODE_BRIDGE,
        SRIOV_XML_MODE_PRIVATE,
        SRIOV_XML_MODE_PASSTHROUGH,
        SRIOV_XML_MODE_HOSTDEV, /* networks only */
        SRIOV_XML_MODE_OTHER,   /* networks only: nat, route, open, ... */
};

enum sriov_xml_native { SRIOV_XML_NATIVE_NONE, SRIOV_XML_NATIVE_TAGGED, SRIOV_XML_NATIVE_UNTAGGED };

struct sriov_xml_vlan_tag {
        uint16_t id; /* 0-4095 */
        enum sriov_xml_native native;
};

struct sriov_xml_vlan {
        bool present;
        bool trunk;
        struct sriov_xml_vlan_tag *tags;
        size_t n_tags;
};

enum sriov_xml_vport_type {
        SRIOV_XML_VPORT_UNTYPED, /* <virtualport> without type: any field */
        SRIOV_XML_VPORT_8021QBG,
        SRIOV_XML_VPORT_8021QBH,
        SRIOV_XML_VPORT_OPENVSWITCH,
        SRIOV_XML_VPORT_MIDONET,
};

enum sriov_xml_vport_field {
        SRIOV_XML_VP_MANAGERID = 1u << 0,
        SRIOV_XML_VP_TYPEID = 1u << 1,
        SRIOV_XML_VP_TYPEIDVERSION = 1u << 2,
        SRIOV_XML_VP_INSTANCEID = 1u << 3,
        SRIOV_XML_VP_PROFILEID = 1u << 4,
        SRIOV_XML_VP_INTERFACEID = 1u << 5,
};

struct sriov_xml_vport {
        bool present;
        enum sriov_xml_vport_type type;
        uint32_t set; /* SRIOV_XML_VP_* given */
        uint8_t managerid;
        uint32_t typeid; /* 24 bits */
        uint8_t typeidversion;
        uint8_t instanceid[16];
        char profileid[SRIOV_PORT_PROFILE_MAX]; /* at most 39 characters */
        uint8_t interfaceid[16];
};

struct sriov_xml_iface {
        unsigned index;            /* position among <devices>/<interface> */
        char *type_name;           /* type= as written */
        enum sriov_xml_iface_type type;
        bool has_mac;
        uint8_t mac[6];
        char *source_dev;          /* direct */
        enum sriov_xml_mode mode;  /* direct: VEPA when <source> has no mode */
        bool has_pci;              /* hostdev: <source><address type='pci'> */
        struct sriov_pci_addr pci;
        int managed;               /* hostdev: 1 yes, 0 no, -1 not given */
        char *network;             /* network: <source network= portgroup=> */
        char *portgroup;
        struct sriov_xml_vlan vlan;
        struct sriov_xml_vport vport;
        char *driver_name;         /* <driver name=> */
        char *model_type;          /* <model type=> */
        void *node;                /* its xmlNodePtr, owned by the document */
};

struct sriov_xml_domain {
        char *name;
        char *uuid; /* as written */
        struct sriov_xml_iface *ifaces;
        size_t n_ifaces;
        void *doc; /* xmlDocPtr, owned */
};

/* `what` names the document in messages (a file name). -EINVAL for XML
 * that is not well-formed, not a <domain>, or breaks a value rule. */
int sriov_xml_domain_parse(struct sriov_ctx *ctx, const char *what, const char *xml, size_t len,
                           struct sriov_xml_domain **ret);
struct sriov_xml_domain *sriov_xml_domain_free(struct sriov_xml_domain *d);

struct sriov_xml_portgroup {
        char *name;
        bool is_default;
        struct sriov_xml_vlan vlan;
        struct sriov_xml_vport vport;
};

struct sriov_xml_network {
        char *name;
        char *uuid;
        char *forward_mode_name;   /* as written; "nat" when <forward> has no mode */
        enum sriov_xml_mode mode;
        int managed;               /* <forward managed=>: 1, 0, -1 not given */
        char *forward_dev;         /* <forward dev=> */
        char *driver_name;         /* <forward><driver name= model=> */
        char *driver_model;
        char **pfs;                /* <pf dev=>, NULL-terminated */
        char **devs;               /* <interface dev=>, NULL-terminated */
        struct sriov_pci_addr *addrs; /* <address type='pci'> */
        size_t n_addrs;
        struct sriov_xml_vlan vlan;
        struct sriov_xml_vport vport;
        struct sriov_xml_portgroup *portgroups;
        size_t n_portgroups;
};

int sriov_xml_network_parse(struct sriov_ctx *ctx, const char *what, const char *xml, size_t len,
                            struct sriov_xml_network **ret);
struct sriov_xml_network *sriov_xml_network_free(struct sriov_xml_network *n);

/* What a type='network' interface gets, as libvirt computes it: the
 * interface's own <vlan>, else its portgroup's (the named one, else the
 * network's default portgroup), else the network's; the <virtualport>s of
 * interface, network and portgroup merged field by field (a field given in
 * two places must agree, and so must typed virtualports' types). A named
 * portgroup the network lacks is an error (-ENOENT; libvirt ignores it). */
struct sriov_xml_effective {
        const struct sriov_xml_portgroup *portgroup; /* NULL: none used */
        struct sriov_xml_vlan vlan;
        struct sriov_xml_vport vport;
};
int sriov_xml_merge(struct sriov_ctx *ctx, const struct sriov_xml_iface *iface,
                    const struct sriov_xml_network *net, struct sriov_xml_effective *ret);
void sriov_xml_effective_done(struct sriov_xml_effective *e);
void sriov_xml_vlan_done(struct sriov_xml_vlan *v);

/* Rewriting interface i of the document for the guest. */
enum sriov_xml_as {
        SRIOV_XML_AS_HOSTDEV,   /* type='hostdev' managed='yes', <source><address pci> */
        SRIOV_XML_AS_DIRECT_VF, /* type='direct', <source dev=VF mode='passthrough'> */
        SRIOV_XML_AS_MACVTAP,   /* a macvtap made already: type='ethernet', <target dev=.. managed='no'> */
};
struct sriov_xml_rewrite {
        enum sriov_xml_as as;
        struct sriov_pci_addr pci;     /* HOSTDEV */
        const char *dev;               /* DIRECT_VF: the VF's netdev; MACVTAP: lower device */
        enum sriov_xml_mode mode;      /* MACVTAP: VEPA, BRIDGE, PRIVATE (NONE: VEPA) */
        const char *target;            /* MACVTAP: "macvtap0" */
        const uint8_t *mac;            /* written when the interface has no <mac>
                                        * (NULL: a random 52:54:00 one) */
        /* written instead of the interface's own when not NULL (the merged
         * ones of a type='network' interface) */
        const struct sriov_xml_vlan *vlan;
        const struct sriov_xml_vport *vport;
};
/* Rewrites interface i in d's document and re-reads d->ifaces[i]. Keeps
 * <mac> (a generated 52:54:00:xx:xx:xx one is added when there is none),
 * <virtualport>, and <vlan> on a hostdev (a direct interface cannot carry
 * one: dropped, with a notice saying the VF must be tagged instead). Drops
 * what the new type does not take (<model>, <target>, <driver> other than
 * vfio/kvm/xen, <bandwidth>, ... on a hostdev), each named in a notice. */
int sriov_xml_domain_rewrite(struct sriov_ctx *ctx, struct sriov_xml_domain *d, size_t i,
                             const struct sriov_xml_rewrite *rw);
/* The whole document, indented. */
int sriov_xml_domain_format(struct sriov_ctx *ctx, const struct sriov_xml_domain *d, char **ret);
/* A random 52:54:00:xx:xx:xx (QEMU's OUI, as libvirt generates). */
int sriov_xml_random_mac(uint8_t ret[6]);
const char *sriov_xml_mode_name(enum sriov_xml_mode m);
const char *sriov_xml_vport_type_name(enum sriov_xml_vport_type t);

/* ---- libvirt as the source of networks and domains (virt.c) ------------ */

/* A read-only connection to libvirt (its client library). Lookups only:
 * never used by the hook commands, since a libvirt hook that calls back
 * into libvirtd deadlocks it. */
struct sriov_virt;
/* uri NULL or "": LIBVIRT_DEFAULT_URI, else libvirt's own default.
 * -ECONNREFUSED (with libvirt's reason) when it cannot connect. */
int sriov_virt_open(struct sriov_ctx *ctx, const char *uri, struct sriov_virt **ret);
struct sriov_virt *sriov_virt_close(struct sriov_virt *v);
/* The URI connected to, as libvirt names it. */
const char *sriov_virt_uri(const struct sriov_virt *v);
/* A network by name: its live XML when active, else the persistent one.
 * -ENOENT when libvirt has no such network. */
int sriov_virt_network(struct sriov_ctx *ctx, struct sriov_virt *v, const char *name,
                       struct sriov_xml_network **ret);
/* A domain by name or UUID: its persistent (inactive) XML. -ENOENT when
 * libvirt has none. */
int sriov_virt_domain(struct sriov_ctx *ctx, struct sriov_virt *v, const char *name_or_uuid,
                      struct sriov_xml_domain **ret);
/* The networks that d's type='network' interfaces name and `have` (the
 * --network files) does not, each looked up in libvirt (each once). *conn
 * is opened to uri on the first one needed (NULL stays NULL when none is
 * missing); the caller closes it. A network neither has: -ENOENT, saying
 * where it looked. *ret: malloc'd array, free with sriov_xml_networks_free. */
int sriov_virt_resolve_networks(struct sriov_ctx *ctx, struct sriov_virt **conn, const char *uri,
                                const struct sriov_xml_domain *d, struct sriov_xml_network *const *have,
                                size_t n_have, struct sriov_xml_network ***ret, size_t *ret_n);
void sriov_xml_networks_free(struct sriov_xml_network **nets, size_t n);

/* ---- libvirt's hooks (hook.c) ------------------------------------------- */

/* The namespace of sriovctl's element in a network's or domain's
 * <metadata>: <sriov:vf xmlns:sriov=SRIOV_LIBVIRT_XMLNS spoofchk='on'
 * trust='off' state='auto|enable|disable' min-rate='MBPS' max-rate='MBPS'
 * query-rss='on|off' vlan-qos='0-7' vlan-proto='802.1Q|802.1ad'
 * [mac='ADDR']/>: what libvirt cannot set on a VF (doc/libvirt.md). */
#define SRIOV_LIBVIRT_XMLNS "urn:x-sriov-manager:libvirt:1"

struct sriov_hook_options {
        const char *config_dir; /* the desired state (NULL: SRIOV_CONFIG_DIR_DEFAULT) */
};
/* One run of libvirt's network hook: NETWORK OP SUBOP as libvirt passes
 * them, xml its stdin (<hookData>). port-created records the VF a port
 * hands out (idempotent: it runs again when libvirtd restarts) and sets
 * what the desired state and the network's <metadata> ask beyond MAC and
 * VLAN; a VF sriovctl attach gave away is refused (-EADDRINUSE, naming
 * the holder). port-deleted gives that back. Other operations: nothing.
 * Never calls libvirt. *ret_actions: one line per thing done, may be
 * empty, NULL-terminated. Messages and actions do not repeat the hook,
 * NETWORK and OP: the caller says them once, as it knows them. */
int sriov_hook_network(struct sriov_ctx *ctx, const char *network, const char *op, const char *subop,
                       const char *xml, size_t len, const struct sriov_hook_options *o, char ***ret_actions);
/* One run of libvirt's qemu hook (DOMAIN OP SUBOP, xml: the domain XML).
 * prepare records the VFs the guest's XML names itself (refusing ones
 * another guest holds); start sends what must follow libvirt's own VF
 * setup (a VLAN priority or protocol) for those and for the ports its
 * network hook recorded (matched by MAC), with the domain <metadata>'s
 * settings; release gives back every libvirt record of the domain (a
 * failure keeps the record and is returned). Other operations: nothing.
 * Messages and actions as for sriov_hook_network(). */
int sriov_hook_qemu(struct sriov_ctx *ctx, const char *domain, const char *op, const char *subop,
                    const char *xml, size_t len, const struct sriov_hook_options *o, char ***ret_actions);

/* ---- guest attach (guest allocations in sriov.h) ------------------------ */

struct sriov_attach_options {
        bool keep_direct;      /* passthrough on a PF: type='direct' on the VF's netdev,
                                * not type='hostdev' */
        bool fallback_macvtap; /* passthrough with no free VF: macvtap passthru on the PF */
        bool no_vfio;          /* leave vfio-pci binding of hostdevs to libvirt */
        unsigned timeout_ms;   /* each bounded wait (0: 10 s) */
};

/* Allocates what every handled <interface> of the domain needs and
 * rewrites the document for the guest (sriov_xml_domain_format() then
 * gives the XML to boot with). Interfaces of other types are left
 * untouched, each named in a notice. Everything is checked before the
 * first change; if any step fails, everything this call did is undone and
 * the VFs' previous settings are restored. The whole attach runs under the
 * store's lock: parallel attaches never hand out a VF twice; when none is
 * left the error says "no free VF on PF X". A domain that already holds
 * allocations is refused (-EEXIST); the domain or a network breaking a
 * rule is -EBADMSG (named, before any change); a VF the domain names that
 * another guest holds is -EADDRINUSE, one in use otherwise -EBUSY. nets: the libvirt networks that
 * type='network' interfaces may name. *ret (may be NULL): the records made. */
int sriov_attach(struct sriov_ctx *ctx, struct sriov_xml_domain *d, struct sriov_xml_network *const *nets,
                 size_t n_nets, const struct sriov_attach_options *o, struct sriov_allocation **ret,
                 size_t *ret_n);

/* ---- the inventory as XML ----------------------------------------------- */

/* list --xml (only NULL) and one PF: <pf> carries what JSON's PF object
 * does (README.md's schema), as attributes and elements of the same names;
 * booleans are yes or no. */
int sriov_render_xml(const struct sriov_inventory *inv, const struct sriov_pf *only, char **ret);
/* show --xml: the PF, and as sriov_render_show_json() adds them
 * <driver_answers> and <saved_vfs> (absent when st is NULL or not read). */
int sriov_render_show_xml(const struct sriov_pf *pf, const struct sriov_show_state *st, char **ret);

#ifdef __cplusplus
}
#endif
#endif
