/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names and text forms of settings (names.h): errno names, MAC addresses,
 * VLAN protocols, link states, BAR kinds, UUIDs, port profile requests and
 * responses. Pure functions without I/O, beneath every module that reads,
 * sets or prints those settings. */
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>

#include "names.h"

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

const char *sriov_port_response_name(uint16_t r)
{
        switch (r) {
        case PORT_VDP_RESPONSE_SUCCESS:
                return "PORT_VDP_RESPONSE_SUCCESS";
        case PORT_VDP_RESPONSE_INVALID_FORMAT:
                return "PORT_VDP_RESPONSE_INVALID_FORMAT";
        case PORT_VDP_RESPONSE_INSUFFICIENT_RESOURCES:
                return "PORT_VDP_RESPONSE_INSUFFICIENT_RESOURCES";
        case PORT_VDP_RESPONSE_UNUSED_VTID:
                return "PORT_VDP_RESPONSE_UNUSED_VTID";
        case PORT_VDP_RESPONSE_VTID_VIOLATION:
                return "PORT_VDP_RESPONSE_VTID_VIOLATION";
        case PORT_VDP_RESPONSE_VTID_VERSION_VIOALTION:
                return "PORT_VDP_RESPONSE_VTID_VERSION_VIOLATION";
        case PORT_VDP_RESPONSE_OUT_OF_SYNC:
                return "PORT_VDP_RESPONSE_OUT_OF_SYNC";
        case PORT_PROFILE_RESPONSE_SUCCESS:
                return "PORT_PROFILE_RESPONSE_SUCCESS";
        case PORT_PROFILE_RESPONSE_INPROGRESS:
                return "PORT_PROFILE_RESPONSE_INPROGRESS";
        case PORT_PROFILE_RESPONSE_INVALID:
                return "PORT_PROFILE_RESPONSE_INVALID";
        case PORT_PROFILE_RESPONSE_BADSTATE:
                return "PORT_PROFILE_RESPONSE_BADSTATE";
        case PORT_PROFILE_RESPONSE_INSUFFICIENT_RESOURCES:
                return "PORT_PROFILE_RESPONSE_INSUFFICIENT_RESOURCES";
        case PORT_PROFILE_RESPONSE_ERROR:
                return "PORT_PROFILE_RESPONSE_ERROR";
        }
        return "unknown response";
}

const char *sriov_port_response_message(uint16_t r)
{
        switch (r) {
        case PORT_VDP_RESPONSE_SUCCESS:
                return "the bridge accepted the VSI (802.1Qbg VDP success)";
        case PORT_VDP_RESPONSE_INVALID_FORMAT:
                return "the bridge found the VDP request malformed";
        case PORT_VDP_RESPONSE_INSUFFICIENT_RESOURCES:
                return "the bridge has no resources left for this VSI";
        case PORT_VDP_RESPONSE_UNUSED_VTID:
                return "the bridge does not know this VSI type (typeid/typeidversion) for this manager";
        case PORT_VDP_RESPONSE_VTID_VIOLATION:
                return "the VSI type ID is not allowed for this VSI or port";
        case PORT_VDP_RESPONSE_VTID_VERSION_VIOALTION:
                return "the bridge does not support this VSI type version";
        case PORT_VDP_RESPONSE_OUT_OF_SYNC:
                return "the station and the bridge VDP state machines are out of sync";
        case PORT_PROFILE_RESPONSE_SUCCESS:
                return "the switch applied the port profile";
        case PORT_PROFILE_RESPONSE_INPROGRESS:
                return "the switch has not finished the request yet";
        case PORT_PROFILE_RESPONSE_INVALID:
                return "the switch rejected the request as invalid (unknown port profile or bad parameters)";
        case PORT_PROFILE_RESPONSE_BADSTATE:
                return "the request does not fit the port's current state (e.g. associate while associated)";
        case PORT_PROFILE_RESPONSE_INSUFFICIENT_RESOURCES:
                return "the switch or adapter has no resources left for this port";
        case PORT_PROFILE_RESPONSE_ERROR:
                return "the switch or adapter failed the request";
        }
        return "a response code this program does not know";
}
