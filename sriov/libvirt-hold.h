/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VFs libvirt hands out, recorded for the hooks (libvirt-hold.c, hook.c),
 * internal. */
#ifndef SRIOV_LIBVIRT_HOLD_H
#define SRIOV_LIBVIRT_HOLD_H

#include "internal.h"

#define ALLOC_SOURCE_LIBVIRT_NETWORK "libvirt-network"
#define ALLOC_SOURCE_LIBVIRT_DOMAIN "libvirt-domain"

struct alloc_libvirt_vf {
        const char *source;      /* ALLOC_SOURCE_* */
        const char *domain_name;
        const char *domain_uuid; /* NULL or "" when not known */
        const char *network;     /* libvirt-network: the network's name */
        const char *port;        /* libvirt-network: the port's UUID */
        unsigned iface;
        uint8_t mac[6];
        const char *vf_address;  /* the VF libvirt picked */
        enum sriov_alloc_kind kind;
        struct sriov_vf_config config; /* what sriovctl sets on top of libvirt */
        uint32_t deferred;       /* bits of config recorded, not sent now (a VLAN priority
                                  * libvirt's own VLAN setting would overwrite: sent at start) */
        bool force;              /* send config even when the record says so already */
        bool iface_known;        /* iface is the guest's <interface> (a port does not say) */
};

enum alloc_libvirt_result {
        ALLOC_LIBVIRT_NEW,      /* recorded now */
        ALLOC_LIBVIRT_KEPT,     /* recorded already, as asked: nothing changed */
        ALLOC_LIBVIRT_UPDATED,  /* recorded already; settings (or the port) added */
        ALLOC_LIBVIRT_ATTACHED, /* sriovctl attach gave this guest the VF: its record stands */
};

/* Records, under the store's lock, that libvirt gave VF vf_address to
 * the guest, and puts x->config on it (the settings before are kept for
 * alloc_libvirt_release). A record of the same guest (by name) that
 * libvirt made is kept and added to (a port made again when libvirtd
 * restarts: idempotent). A VF that another guest holds, or that sriovctl
 * attach gave to anyone else, is refused: -EADDRINUSE naming the holder.
 * -ENOTSUP (no message) when vf_address is not a VF. */
int alloc_libvirt_hold(struct sriov_ctx *ctx, const struct alloc_libvirt_vf *x, enum alloc_libvirt_result *ret);
/* The VF a libvirt record of `domain` holds for MAC mac. -ENOENT if none.
 * Read without the lock (the store is replaced whole). */
int alloc_libvirt_vf_of(struct sriov_ctx *ctx, const char *domain, const uint8_t mac[6],
                        char ret[static SRIOV_PCI_ADDR_MAX], struct sriov_vf_config *ret_config);
/* over's fields over base's (a VLAN with its priority and protocol). */
void alloc_config_merge(struct sriov_vf_config *base, const struct sriov_vf_config *over);
/* Gives back and forgets libvirt's records: of network port `port` (its
 * UUID), or every one of `domain` (NULL: not a criterion). The VF's
 * settings before go back first; a record that cannot be given back is
 * kept and the first failure returned (the others are still tried).
 * *ret_freed (may be NULL): records dropped; 0 is not an error. */
int alloc_libvirt_release(struct sriov_ctx *ctx, const char *port, const char *domain, unsigned *ret_freed);

#endif
