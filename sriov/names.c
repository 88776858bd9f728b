/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names and text forms of settings (names.h): errno names, MAC addresses,
 * VLAN protocols, link states, BAR kinds, UUIDs, port profile requests and
 * responses, allocation kinds and VF holders. Pure functions without I/O, beneath every module that reads,
 * sets or prints those settings. */
#include <errno.h>
#include <linux/devlink.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "util.h"

const char *sriov_errno_name(int err)
{
        static __thread char buf[16];
        if (err < 0)
                err = -err;
        const char *n = strerrorname_np(err);
        if (n)
                return n;
        snprintf(buf, sizeof(buf), "E%d", err);
        return buf;
}

/* ---- VF settings --------------------------------------------------------- */

void sriov_format_mac(const uint8_t mac[6], char buf[static 18])
{
        snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                 mac[5]);
}

int vf_mac_parse(const char *s, uint8_t ret[6])
{
        uint8_t mac[6];
        for (int i = 0; i < 6; i++) {
                int v = 0;
                for (int j = 0; j < 2; j++) {
                        char c = *s++;
                        int d = c >= '0' && c <= '9'   ? c - '0'
                                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                       : -1;
                        if (d < 0)
                                return -EINVAL;
                        v = v * 16 + d;
                }
                mac[i] = (uint8_t)v;
                if (i < 5 && *s++ != ':')
                        return -EINVAL;
        }
        if (*s)
                return -EINVAL;
        memcpy(ret, mac, 6);
        return 0;
}

const char *vf_proto_name(uint16_t proto)
{
        return proto == SRIOV_ETH_P_8021AD ? "802.1ad" : proto == SRIOV_ETH_P_8021Q ? "802.1Q" : "unknown";
}

const char *sriov_eswitch_mode_name(const struct sriov_eswitch *e)
{
        switch (e->state) {
        case SRIOV_ESWITCH_NO_DEVLINK:
                return "no-devlink";
        case SRIOV_ESWITCH_NO_ESWITCH:
                return "no-eswitch";
        case SRIOV_ESWITCH_READ:
                return e->mode == SRIOV_ESWITCH_LEGACY      ? "legacy"
                       : e->mode == SRIOV_ESWITCH_SWITCHDEV ? "switchdev"
                                                            : "unknown";
        case SRIOV_ESWITCH_UNREAD:
        case SRIOV_ESWITCH_FAILED:
                break;
        }
        return NULL;
}

const char *devlink_flavour_name(uint16_t flavour)
{
        static const char *const names[] = {
                [DEVLINK_PORT_FLAVOUR_PHYSICAL] = "physical", [DEVLINK_PORT_FLAVOUR_CPU] = "cpu",
                [DEVLINK_PORT_FLAVOUR_DSA] = "dsa",           [DEVLINK_PORT_FLAVOUR_PCI_PF] = "pcipf",
                [DEVLINK_PORT_FLAVOUR_PCI_VF] = "pcivf",      [DEVLINK_PORT_FLAVOUR_VIRTUAL] = "virtual",
                [DEVLINK_PORT_FLAVOUR_UNUSED] = "unused",     [DEVLINK_PORT_FLAVOUR_PCI_SF] = "pcisf",
        };
        return flavour < ELEMENTSOF(names) && names[flavour] ? names[flavour] : "unknown";
}

const char *devlink_inline_mode_name(uint8_t m)
{
        static const char *const names[] = {
                [DEVLINK_ESWITCH_INLINE_MODE_NONE] = "none",
                [DEVLINK_ESWITCH_INLINE_MODE_LINK] = "link",
                [DEVLINK_ESWITCH_INLINE_MODE_NETWORK] = "network",
                [DEVLINK_ESWITCH_INLINE_MODE_TRANSPORT] = "transport",
        };
        return m < ELEMENTSOF(names) ? names[m] : NULL;
}

const char *devlink_encap_mode_name(uint8_t m)
{
        static const char *const names[] = {
                [DEVLINK_ESWITCH_ENCAP_MODE_NONE] = "none",
                [DEVLINK_ESWITCH_ENCAP_MODE_BASIC] = "basic",
        };
        return m < ELEMENTSOF(names) ? names[m] : NULL;
}

const char *sriov_link_state_name(enum sriov_link_state s)
{
        switch (s) {
        case SRIOV_LINK_AUTO:
                return "auto";
        case SRIOV_LINK_ENABLE:
                return "enable";
        case SRIOV_LINK_DISABLE:
                return "disable";
        }
        return "unknown";
}

/* ---- PCI ----------------------------------------------------------------- */

const char *bar_kind_name(enum sriov_bar_kind k)
{
        switch (k) {
        case SRIOV_BAR_MEM32:
                return "mem32";
        case SRIOV_BAR_MEM64:
                return "mem64";
        default:
                return NULL;
        }
}

/* ---- port profiles ------------------------------------------------------- */

int sriov_uuid_parse(const char *s, uint8_t ret[16])
{
        uint8_t u[16];
        size_t n = 0;
        for (size_t i = 0; i < 36; i++) {
                if (i == 8 || i == 13 || i == 18 || i == 23) {
                        if (s[i] != '-')
                                return -EINVAL;
                        continue;
                }
                char c = s[i];
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0)
                        return -EINVAL;
                if (n % 2 == 0)
                        u[n / 2] = (uint8_t)(d << 4);
                else
                        u[n / 2] |= (uint8_t)d;
                n++;
        }
        if (s[36])
                return -EINVAL;
        memcpy(ret, u, 16);
        return 0;
}

void sriov_uuid_format(const uint8_t u[16], char buf[static 37])
{
        snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
                 u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

const char *sriov_port_request_name(enum sriov_port_request r)
{
        switch (r) {
        case SRIOV_PORT_PREASSOCIATE:
                return "preassociate";
        case SRIOV_PORT_PREASSOCIATE_RR:
                return "preassociate-rr";
        case SRIOV_PORT_ASSOCIATE:
                return "associate";
        case SRIOV_PORT_DISASSOCIATE:
                return "disassociate";
        }
        return "unknown";
}

/* Each response code with its name (the kernel's, spelled right) and what
 * it means. */
struct port_response {
        uint16_t code;
        const char *name;
        const char *message;
};
static const struct port_response port_responses[] = {
        {PORT_VDP_RESPONSE_SUCCESS, "PORT_VDP_RESPONSE_SUCCESS",
         "the bridge accepted the VSI (802.1Qbg VDP success)"},
        {PORT_VDP_RESPONSE_INVALID_FORMAT, "PORT_VDP_RESPONSE_INVALID_FORMAT",
         "the bridge found the VDP request malformed"},
        {PORT_VDP_RESPONSE_INSUFFICIENT_RESOURCES, "PORT_VDP_RESPONSE_INSUFFICIENT_RESOURCES",
         "the bridge has no resources left for this VSI"},
        {PORT_VDP_RESPONSE_UNUSED_VTID, "PORT_VDP_RESPONSE_UNUSED_VTID",
         "the bridge does not know this VSI type (typeid/typeidversion) for this manager"},
        {PORT_VDP_RESPONSE_VTID_VIOLATION, "PORT_VDP_RESPONSE_VTID_VIOLATION",
         "the VSI type ID is not allowed for this VSI or port"},
        {PORT_VDP_RESPONSE_VTID_VERSION_VIOALTION, "PORT_VDP_RESPONSE_VTID_VERSION_VIOLATION",
         "the bridge does not support this VSI type version"},
        {PORT_VDP_RESPONSE_OUT_OF_SYNC, "PORT_VDP_RESPONSE_OUT_OF_SYNC",
         "the station and the bridge VDP state machines are out of sync"},
        {PORT_PROFILE_RESPONSE_SUCCESS, "PORT_PROFILE_RESPONSE_SUCCESS",
         "the switch applied the port profile"},
        {PORT_PROFILE_RESPONSE_INPROGRESS, "PORT_PROFILE_RESPONSE_INPROGRESS",
         "the switch has not finished the request yet"},
        {PORT_PROFILE_RESPONSE_INVALID, "PORT_PROFILE_RESPONSE_INVALID",
         "the switch rejected the request as invalid (unknown port profile or bad parameters)"},
        {PORT_PROFILE_RESPONSE_BADSTATE, "PORT_PROFILE_RESPONSE_BADSTATE",
         "the request does not fit the port's current state (e.g. associate while associated)"},
        {PORT_PROFILE_RESPONSE_INSUFFICIENT_RESOURCES, "PORT_PROFILE_RESPONSE_INSUFFICIENT_RESOURCES",
         "the switch or adapter has no resources left for this port"},
        {PORT_PROFILE_RESPONSE_ERROR, "PORT_PROFILE_RESPONSE_ERROR",
         "the switch or adapter failed the request"},
};

/* The entry of response code r; NULL for a code this program does not know. */
static const struct port_response *port_response_find(uint16_t r)
{
        for (size_t i = 0; i < ELEMENTSOF(port_responses); i++)
                if (port_responses[i].code == r)
                        return &port_responses[i];
        return NULL;
}

const char *sriov_port_response_name(uint16_t r)
{
        const struct port_response *p = port_response_find(r);
        return p ? p->name : "unknown response";
}

const char *sriov_port_response_message(uint16_t r)
{
        const struct port_response *p = port_response_find(r);
        return p ? p->message : "a response code this program does not know";
}

static const char *const alloc_kind_names[] = {
        [SRIOV_ALLOC_HOSTDEV] = "hostdev",
        [SRIOV_ALLOC_VF_DIRECT] = "vf-direct",
        [SRIOV_ALLOC_MACVTAP] = "macvtap",
        [SRIOV_ALLOC_POD] = "pod",
};

const char *sriov_alloc_kind_name(enum sriov_alloc_kind k)
{
        return (unsigned)k < ELEMENTSOF(alloc_kind_names) ? alloc_kind_names[k] : "unknown";
}

int alloc_kind_parse(const char *s, enum sriov_alloc_kind *ret)
{
        for (size_t k = 0; k < ELEMENTSOF(alloc_kind_names); k++)
                if (strcmp(s, alloc_kind_names[k]) == 0) {
                        *ret = (enum sriov_alloc_kind)k;
                        return 0;
                }
        return -EINVAL;
}

const char *sriov_holder_type_name(const struct sriov_vf_holder *h)
{
        static const char *const names[] = {
                [SRIOV_HOLDER_GUEST] = "guest",
                [SRIOV_HOLDER_LIBVIRT_GUEST] = "libvirt-guest",
                [SRIOV_HOLDER_LIBVIRT_NETWORK] = "libvirt-network",
                [SRIOV_HOLDER_POD] = "pod",
        };
        if (!h)
                return "free";
        return (unsigned)h->type < ELEMENTSOF(names) ? names[h->type] : "unknown";
}
