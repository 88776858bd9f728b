/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 802.1Qbh / 802.1Qbg port profiles without a kernel: the request
 * messages (the profile attribute is exactly 40 bytes, NUL-padded), the
 * field rules, response codes turned into words, and IFLA_VF_PORTS /
 * IFLA_PORT_SELF read out of RTM_NEWLINK messages (enic's u16 request, a
 * port list whose 16-bit length wrapped). */
#include "testutil.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "portprofile.h"
#include "vfinfo.h"

#define U1 "11111111-2222-3333-4444-555555555555"
#define U2 "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"

static struct sriov_ctx *new_ctx(void)
{
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        return ctx;
}

static struct sriov_port qbh(struct sriov_ctx *ctx, const char *request, const char *profile)
{
        struct sriov_port p = {0};
        assert_int_equal(sriov_port_parse_field(ctx, &p, "request", request), 0);
        if (profile)
                assert_int_equal(sriov_port_parse_field(ctx, &p, "profile", profile), 0);
        return p;
}

static void test_uuid(void **state)
{
        (void)state;
        uint8_t u[16];
        char buf[37];
        assert_int_equal(sriov_uuid_parse(U1, u), 0);
        assert_int_equal(u[0], 0x11);
        assert_int_equal(u[15], 0x55);
        sriov_uuid_format(u, buf);
        assert_string_equal(buf, U1);
        assert_int_equal(sriov_uuid_parse("AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE", u), 0);
        sriov_uuid_format(u, buf);
        assert_string_equal(buf, U2);
        static const char *const bad[] = {"", "11111111222233334444555555555555", U1 "0",
                                          "11111111-2222-3333-4444-55555555555", "1111111-22222-3333-4444-555555555555",
                                          "g1111111-2222-3333-4444-555555555555"};
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(sriov_uuid_parse(bad[i], u), -EINVAL);
}

static void test_fields(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = new_ctx();
        struct sriov_port p = {0};
        char name39[40], name40[41];
        memset(name39, 'p', 39);
        name39[39] = 0;
        memset(name40, 'p', 40);
        name40[40] = 0;
        assert_int_equal(sriov_port_parse_field(ctx, &p, "profile", name39), 0);
        assert_string_equal(p.profile, name39);
        assert_int_equal(sriov_port_parse_field(ctx, &p, "profile", name40), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "at most 39 characters");
        assert_contains(sriov_ctx_error(ctx), "this one has 40");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "profile", ""), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "must not be empty");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "instance", "not-a-uuid"), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "instance 'not-a-uuid': malformed UUID");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "host", U1 "x"), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "host '");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "managerid", "256"), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "managerid '256': a VSI manager ID is a number 0-255");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "typeid", "16777216"), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "0-16777215 (24 bits)");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "typeid", "-1"), -EINVAL);
        assert_int_equal(sriov_port_parse_field(ctx, &p, "typeidversion", "1000"), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "typeidversion '1000'");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "request", "attach"), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "request 'attach'");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "vlan", "3"), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "unknown port profile field 'vlan'");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "typeid", "16777215"), 0);
        assert_int_equal(p.typeid, 0xffffff);
        for (int r = SRIOV_PORT_PREASSOCIATE; r <= SRIOV_PORT_DISASSOCIATE; r++) {
                assert_int_equal(sriov_port_parse_field(ctx, &p, "request",
                                                        sriov_port_request_name((enum sriov_port_request)r)),
                                 0);
                assert_int_equal(p.request, r);
        }
        sriov_ctx_free(ctx);
}

static void test_validate(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = new_ctx();
        struct sriov_port p = {0};
        assert_int_equal(sriov_port_validate(ctx, &p), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "no request");
        p = qbh(ctx, "associate", NULL);
        assert_int_equal(sriov_port_validate(ctx, &p), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "associate needs a port profile name");
        p = qbh(ctx, "disassociate", NULL);
        assert_int_equal(sriov_port_validate(ctx, &p), 0);
        p = qbh(ctx, "preassociate-rr", "gold");
        assert_int_equal(sriov_port_validate(ctx, &p), 0);
        /* 802.1Qbg: all of it, and nothing of 802.1Qbh */
        p = qbh(ctx, "associate", NULL);
        assert_int_equal(sriov_port_parse_field(ctx, &p, "managerid", "12"), 0);
        assert_int_equal(sriov_port_parse_field(ctx, &p, "typeid", "1193046"), 0);
        assert_int_equal(sriov_port_validate(ctx, &p), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "typeidversion is missing");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "typeidversion", "1"), 0);
        assert_int_equal(sriov_port_validate(ctx, &p), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "instance (instanceid) is missing");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "instanceid", U1), 0);
        assert_int_equal(sriov_port_validate(ctx, &p), 0);
        assert_int_equal(sriov_port_parse_field(ctx, &p, "profile", "gold"), 0);
        assert_int_equal(sriov_port_validate(ctx, &p), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "profile is 802.1Qbh");
        /* API callers: a profile filling all 40 bytes has no NUL */
        p = qbh(ctx, "associate", NULL);
        memset(p.profile, 'x', sizeof(p.profile));
        p.present |= SRIOV_PORT_F_PROFILE;
        assert_int_equal(sriov_port_validate(ctx, &p), -EINVAL);
        sriov_ctx_free(ctx);
}

/* The port nest of a built message: IFLA_PORT_SELF or the one IFLA_VF_PORT. */
static struct nlattr *port_nest(struct nl_msg *m, bool self)
{
        struct nlmsghdr *h = nlmsg_hdr(m);
        assert_int_equal(h->nlmsg_type, RTM_SETLINK);
        struct nlattr *a = nlmsg_find_attr(h, sizeof(struct ifinfomsg), self ? IFLA_PORT_SELF : IFLA_VF_PORTS);
        assert_non_null(a);
        if (self) {
                assert_null(nlmsg_find_attr(h, sizeof(struct ifinfomsg), IFLA_VF_PORTS));
                return a;
        }
        struct nlattr *port = nla_find(nla_data(a), nla_len(a), IFLA_VF_PORT);
        assert_non_null(port);
        assert_int_equal(NLA_ALIGN(port->nla_len) + NLA_HDRLEN, a->nla_len); /* exactly one port */
        return port;
}

static void test_build_qbh(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = new_ctx();
        struct sriov_port p = qbh(ctx, "associate", "gold");
        assert_int_equal(sriov_port_parse_field(ctx, &p, "instance", U1), 0);
        assert_int_equal(sriov_port_parse_field(ctx, &p, "host", U2), 0);
        struct nl_msg *m;
        assert_int_equal(port_build_setlink(17, "enp2s0", 3, &p, &m), 0);
        struct ifinfomsg *ifi = nlmsg_data(nlmsg_hdr(m));
        assert_int_equal(ifi->ifi_index, 17);
        /* the kernel finds the PF by index: no name for 802.1Qbh */
        assert_null(nlmsg_find_attr(nlmsg_hdr(m), sizeof(*ifi), IFLA_IFNAME));
        struct nlattr *port = port_nest(m, false), *tb[IFLA_PORT_MAX + 1];
        assert_int_equal(nla_parse_nested(tb, IFLA_PORT_MAX, port, NULL), 0);
        assert_int_equal(nla_get_u32(tb[IFLA_PORT_VF]), 3);
        /* exactly PORT_PROFILE_MAX bytes, NUL-padded: enic refuses strlen+1 */
        assert_int_equal(nla_len(tb[IFLA_PORT_PROFILE]), 40);
        char want[40] = "gold";
        assert_memory_equal(nla_data(tb[IFLA_PORT_PROFILE]), want, 40);
        assert_int_equal(nla_len(tb[IFLA_PORT_INSTANCE_UUID]), 16);
        assert_int_equal(((uint8_t *)nla_data(tb[IFLA_PORT_INSTANCE_UUID]))[0], 0x11);
        assert_int_equal(nla_len(tb[IFLA_PORT_HOST_UUID]), 16);
        assert_int_equal(((uint8_t *)nla_data(tb[IFLA_PORT_HOST_UUID]))[15], 0xee);
        assert_int_equal(nla_len(tb[IFLA_PORT_REQUEST]), 1); /* NLA_U8 in the kernel's policy */
        assert_int_equal(nla_get_u8(tb[IFLA_PORT_REQUEST]), PORT_REQUEST_ASSOCIATE);
        assert_null(tb[IFLA_PORT_VSI_TYPE]);
        nlmsg_free(m);

        /* a 39-character profile still ends in a NUL within the 40 bytes */
        char name39[40];
        memset(name39, 'z', 39);
        name39[39] = 0;
        assert_int_equal(sriov_port_parse_field(ctx, &p, "profile", name39), 0);
        assert_int_equal(port_build_setlink(17, "enp2s0", 0, &p, &m), 0);
        assert_int_equal(nla_parse_nested(tb, IFLA_PORT_MAX, port_nest(m, false), NULL), 0);
        assert_int_equal(nla_len(tb[IFLA_PORT_PROFILE]), 40);
        assert_int_equal(((char *)nla_data(tb[IFLA_PORT_PROFILE]))[39], 0);
        nlmsg_free(m);

        /* the PF's own port: IFLA_PORT_SELF, no IFLA_PORT_VF */
        p = qbh(ctx, "disassociate", NULL);
        assert_int_equal(port_build_setlink(17, "enp2s0", SRIOV_PORT_SELF, &p, &m), 0);
        assert_int_equal(nla_parse_nested(tb, IFLA_PORT_MAX, port_nest(m, true), NULL), 0);
        assert_null(tb[IFLA_PORT_VF]);
        assert_null(tb[IFLA_PORT_PROFILE]);
        assert_int_equal(nla_get_u8(tb[IFLA_PORT_REQUEST]), PORT_REQUEST_DISASSOCIATE);
        nlmsg_free(m);
        sriov_ctx_free(ctx);
}

static void test_build_qbg(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = new_ctx();
        struct sriov_port p = qbh(ctx, "preassociate", NULL);
        assert_int_equal(sriov_port_parse_field(ctx, &p, "managerid", "12"), 0);
        assert_int_equal(sriov_port_parse_field(ctx, &p, "typeid", "1193046"), 0); /* 0x123456 */
        assert_int_equal(sriov_port_parse_field(ctx, &p, "typeidversion", "7"), 0);
        assert_int_equal(sriov_port_parse_field(ctx, &p, "instance", U1), 0);
        struct nl_msg *m;
        assert_int_equal(port_build_setlink(17, "enp2s0", SRIOV_PORT_SELF, &p, &m), 0);
        /* for the VDP daemon, as libvirt sends it: the name, and VF ports even for self */
        struct nlattr *name = nlmsg_find_attr(nlmsg_hdr(m), sizeof(struct ifinfomsg), IFLA_IFNAME);
        assert_non_null(name);
        assert_string_equal(nla_data(name), "enp2s0");
        struct nlattr *tb[IFLA_PORT_MAX + 1];
        assert_int_equal(nla_parse_nested(tb, IFLA_PORT_MAX, port_nest(m, false), NULL), 0);
        assert_null(tb[IFLA_PORT_VF]);
        assert_null(tb[IFLA_PORT_PROFILE]);
        const struct ifla_port_vsi *vsi = nla_data(tb[IFLA_PORT_VSI_TYPE]);
        assert_int_equal(nla_len(tb[IFLA_PORT_VSI_TYPE]), sizeof(*vsi));
        assert_int_equal(vsi->vsi_mgr_id, 12);
        assert_int_equal(vsi->vsi_type_id[0], 0x56);
        assert_int_equal(vsi->vsi_type_id[1], 0x34);
        assert_int_equal(vsi->vsi_type_id[2], 0x12);
        assert_int_equal(vsi->vsi_type_version, 7);
        assert_int_equal(nla_get_u8(tb[IFLA_PORT_REQUEST]), PORT_REQUEST_PREASSOCIATE);
        /* parsed back the same */
        struct sriov_port back;
        int64_t vf;
        vfinfo_parse_port(port_nest(m, false), &back, &vf);
        assert_int_equal(vf, -1);
        assert_int_equal(back.typeid, 0x123456);
        assert_int_equal(back.managerid, 12);
        assert_int_equal(back.typeidversion, 7);
        nlmsg_free(m);
        sriov_ctx_free(ctx);
}

static void test_responses(void **state)
{
        (void)state;
        static const struct {
                uint16_t code;
                const char *name, *words;
                int err;
        } r[] = {
                {PORT_PROFILE_RESPONSE_SUCCESS, "PORT_PROFILE_RESPONSE_SUCCESS", "applied the port profile", 0},
                {PORT_PROFILE_RESPONSE_INPROGRESS, "PORT_PROFILE_RESPONSE_INPROGRESS", "not finished", -EINPROGRESS},
                {PORT_PROFILE_RESPONSE_INVALID, "PORT_PROFILE_RESPONSE_INVALID", "unknown port profile", -EINVAL},
                {PORT_PROFILE_RESPONSE_BADSTATE, "PORT_PROFILE_RESPONSE_BADSTATE", "current state", -EBUSY},
                {PORT_PROFILE_RESPONSE_INSUFFICIENT_RESOURCES, "PORT_PROFILE_RESPONSE_INSUFFICIENT_RESOURCES",
                 "no resources", -ENOSPC},
                {PORT_PROFILE_RESPONSE_ERROR, "PORT_PROFILE_RESPONSE_ERROR", "failed the request", -EREMOTEIO},
                {PORT_VDP_RESPONSE_SUCCESS, "PORT_VDP_RESPONSE_SUCCESS", "accepted the VSI", 0},
                {PORT_VDP_RESPONSE_INVALID_FORMAT, "PORT_VDP_RESPONSE_INVALID_FORMAT", "malformed", -EINVAL},
                {PORT_VDP_RESPONSE_INSUFFICIENT_RESOURCES, "PORT_VDP_RESPONSE_INSUFFICIENT_RESOURCES", "no resources",
                 -ENOSPC},
                {PORT_VDP_RESPONSE_UNUSED_VTID, "PORT_VDP_RESPONSE_UNUSED_VTID", "VSI type", -ENOENT},
                {PORT_VDP_RESPONSE_VTID_VIOLATION, "PORT_VDP_RESPONSE_VTID_VIOLATION", "not allowed", -EACCES},
                {PORT_VDP_RESPONSE_VTID_VERSION_VIOALTION, "PORT_VDP_RESPONSE_VTID_VERSION_VIOLATION", "version",
                 -EINVAL},
                {PORT_VDP_RESPONSE_OUT_OF_SYNC, "PORT_VDP_RESPONSE_OUT_OF_SYNC", "out of sync", -EREMOTEIO},
                {0x1ff, "unknown response", "does not know", -EPROTO},
        };
        for (size_t i = 0; i < ELEMENTSOF(r); i++) {
                assert_string_equal(sriov_port_response_name(r[i].code), r[i].name);
                assert_contains(sriov_port_response_message(r[i].code), r[i].words);
                assert_int_equal(port_response_errno(r[i].code), r[i].err);
        }
}

/* ---- reading ports out of RTM_NEWLINK ------------------------------------ */

/* A raw RTM_NEWLINK: IFLA_NUM_VF, an IFLA_VFINFO_LIST of MAC entries,
 * IFLA_VF_PORTS with a port for every `every`-th VF (lengths written as
 * the kernel does, truncated to 16 bits), IFLA_PORT_SELF, then IFLA_MTU. */
struct buf {
        uint8_t *p;
        size_t len, cap;
};

static size_t put(struct buf *b, uint16_t type, const void *data, size_t len)
{
        size_t need = NLA_ALIGN(NLA_HDRLEN + len);
        if (b->len + need > b->cap) {
                b->cap = (b->len + need) * 2;
                b->p = realloc(b->p, b->cap);
        }
        size_t at = b->len;
        struct nlattr *a = (struct nlattr *)(b->p + at);
        a->nla_type = type;
        a->nla_len = (uint16_t)(NLA_HDRLEN + len);
        memset(b->p + at + NLA_HDRLEN, 0, need - NLA_HDRLEN);
        if (len)
                memcpy(b->p + at + NLA_HDRLEN, data, len);
        b->len += need;
        return at;
}

static void end_nest(struct buf *b, size_t at)
{
        ((struct nlattr *)(b->p + at))->nla_len = (uint16_t)(b->len - at); /* wraps like the kernel's */
}

static struct nlmsghdr *newlink(unsigned num_vf, unsigned every, bool u16_request)
{
        struct buf b = {0};
        struct nlmsghdr h = {.nlmsg_type = RTM_NEWLINK};
        struct ifinfomsg ifi = {.ifi_index = 5};
        b.cap = 4096;
        b.p = calloc(1, b.cap);
        memcpy(b.p, &h, sizeof(h));
        memcpy(b.p + NLMSG_HDRLEN, &ifi, sizeof(ifi));
        b.len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifi));
        put(&b, IFLA_IFNAME, "eth0", 5);
        uint32_t n = num_vf;
        put(&b, IFLA_NUM_VF, &n, 4);
        size_t list = put(&b, IFLA_VFINFO_LIST, NULL, 0);
        for (unsigned vf = 0; vf < num_vf; vf++) {
                size_t e = put(&b, IFLA_VF_INFO, NULL, 0);
                struct ifla_vf_mac mac = {.vf = vf, .mac = {2, 0, 0, 0, (uint8_t)(vf >> 8), (uint8_t)vf}};
                put(&b, IFLA_VF_MAC, &mac, sizeof(mac));
                end_nest(&b, e);
        }
        end_nest(&b, list);
        size_t ports = put(&b, IFLA_VF_PORTS, NULL, 0);
        for (unsigned vf = 0; vf < num_vf; vf += every) {
                size_t e = put(&b, IFLA_VF_PORT, NULL, 0);
                uint32_t v = vf;
                put(&b, IFLA_PORT_VF, &v, 4);
                uint16_t req = PORT_REQUEST_ASSOCIATE, resp = PORT_PROFILE_RESPONSE_SUCCESS;
                if (u16_request)
                        put(&b, IFLA_PORT_REQUEST, &req, 2);
                else
                        put(&b, IFLA_PORT_REQUEST, &req, 1);
                put(&b, IFLA_PORT_RESPONSE, &resp, 2);
                char profile[40] = {0};
                snprintf(profile, sizeof(profile), "p%u", vf);
                put(&b, IFLA_PORT_PROFILE, profile, 40);
                uint8_t uuid[16];
                memset(uuid, (int)vf, 16);
                put(&b, IFLA_PORT_INSTANCE_UUID, uuid, 16);
                end_nest(&b, e);
        }
        end_nest(&b, ports);
        size_t self = put(&b, IFLA_PORT_SELF, NULL, 0);
        uint16_t req = PORT_REQUEST_DISASSOCIATE, resp = PORT_PROFILE_RESPONSE_INPROGRESS;
        put(&b, IFLA_PORT_REQUEST, &req, 2);
        put(&b, IFLA_PORT_RESPONSE, &resp, 2);
        end_nest(&b, self);
        uint32_t mtu = 1500;
        put(&b, IFLA_MTU, &mtu, 4);
        ((struct nlmsghdr *)b.p)->nlmsg_len = (uint32_t)b.len;
        return (struct nlmsghdr *)b.p;
}

static void test_read_ports(void **state)
{
        (void)state;
        struct nlmsghdr *h = newlink(4, 2, true);
        struct vfinfo_reply r;
        assert_int_equal(vfinfo_parse(h, &r), 0);
        assert_int_equal(r.ifindex, 5);
        assert_true(r.has_vf_ports);
        assert_int_equal(r.n_ports, 2);
        assert_int_equal(r.port_vf[0], 0);
        assert_int_equal(r.port_vf[1], 2);
        const struct sriov_port *p = &r.ports[1];
        assert_int_equal(p->request, SRIOV_PORT_ASSOCIATE); /* enic's u16 */
        assert_int_equal(p->response, PORT_PROFILE_RESPONSE_SUCCESS);
        assert_string_equal(p->profile, "p2");
        assert_true(p->present & SRIOV_PORT_F_INSTANCE);
        assert_false(p->present & SRIOV_PORT_F_HOST);
        assert_true(r.has_port_self);
        assert_int_equal(r.port_self.request, SRIOV_PORT_DISASSOCIATE);
        assert_int_equal(r.port_self.response, PORT_PROFILE_RESPONSE_INPROGRESS);
        assert_false(r.ports_unread);
        vfinfo_reply_done(&r);
        free(h);
        h = newlink(3, 1, false); /* the uapi's u8 */
        assert_int_equal(vfinfo_parse(h, &r), 0);
        assert_int_equal(r.n_ports, 3);
        assert_int_equal(r.ports[2].request, SRIOV_PORT_ASSOCIATE);
        vfinfo_reply_done(&r);
        free(h);
}

static void test_read_ports_wrapped(void **state)
{
        (void)state;
        /* 1600 VFs: both lists pass 64 KiB (44 and 104 bytes an entry) */
        struct nlmsghdr *h = newlink(1600, 1, true);
        struct vfinfo_reply r;
        assert_int_equal(vfinfo_parse(h, &r), 0);
        assert_true(r.wrapped);
        assert_true(r.recovered);
        assert_int_equal(r.n_seen, 1600);
        assert_int_equal(r.n_ports, 1600);
        assert_int_equal(r.port_vf[1599], 1599);
        assert_string_equal(r.ports[1599].profile, "p1599");
        assert_false(r.ports_unread);
        /* and what follows was still found */
        assert_true(r.has_port_self);
        assert_int_equal(r.port_self.response, PORT_PROFILE_RESPONSE_INPROGRESS);
        vfinfo_reply_done(&r);
        free(h);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_uuid),       cmocka_unit_test(test_fields),
                cmocka_unit_test(test_validate),   cmocka_unit_test(test_build_qbh),
                cmocka_unit_test(test_build_qbg),  cmocka_unit_test(test_responses),
                cmocka_unit_test(test_read_ports), cmocka_unit_test(test_read_ports_wrapped),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
