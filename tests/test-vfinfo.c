/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vfinfo_parse over RTM_NEWLINK messages built in memory with libnl, shaped
 * like the kernel's (rtnl_fill_vfinfo, 6.1: 296 bytes per VF with stats):
 * small lists, the kernel's "-1" settings, 16-bit IFLA_VFINFO_LIST
 * lengths that wrap (256 and 1024 VFs), and wraps that cannot be
 * confirmed. */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "vfinfo.h"

#define UNREPORTED 0xffffffffu /* the kernel's -1 before ndo_get_vf_config */
#define VF_ENTRY_SIZE 296

/* What a VF entry carries; derived from the VF number unless overridden. */
struct vf_spec {
        uint32_t vf;       /* number written into every per-VF struct */
        uint32_t spoofchk, trust, rss, link_state;
        uint16_t proto;
};

static void vf_mac(uint32_t vf, uint8_t mac[6])
{
        const uint8_t m[6] = {0x02, 0x00, 0x5e, (uint8_t)(vf >> 16), (uint8_t)(vf >> 8), (uint8_t)vf};
        memcpy(mac, m, 6);
}

static struct vf_spec spec_for(uint32_t vf)
{
        return (struct vf_spec){.vf = vf, .spoofchk = vf % 2, .trust = (vf / 2) % 2, .rss = 0,
                                .link_state = vf % 3, .proto = ETH_P_8021Q};
}

static void put_vf(struct nl_msg *m, const struct vf_spec *s)
{
        struct nlattr *info = nla_nest_start(m, IFLA_VF_INFO);
        assert_non_null(info);
        struct ifla_vf_mac mac = {.vf = s->vf};
        vf_mac(s->vf, mac.mac);
        struct ifla_vf_broadcast bc;
        memset(bc.broadcast, 0xff, sizeof(bc.broadcast));
        struct ifla_vf_vlan vlan = {.vf = s->vf, .vlan = s->vf % 4095, .qos = s->vf % 8};
        struct ifla_vf_rate rate = {.vf = s->vf, .min_tx_rate = s->vf, .max_tx_rate = 1000 + s->vf};
        struct ifla_vf_tx_rate txr = {.vf = s->vf, .rate = 1000 + s->vf};
        struct ifla_vf_spoofchk sc = {.vf = s->vf, .setting = s->spoofchk};
        struct ifla_vf_link_state ls = {.vf = s->vf, .link_state = s->link_state};
        struct ifla_vf_rss_query_en rss = {.vf = s->vf, .setting = s->rss};
        struct ifla_vf_trust tr = {.vf = s->vf, .setting = s->trust};
        /* the kernel's order */
        assert_int_equal(nla_put(m, IFLA_VF_MAC, sizeof(mac), &mac), 0);
        assert_int_equal(nla_put(m, IFLA_VF_BROADCAST, sizeof(bc), &bc), 0);
        assert_int_equal(nla_put(m, IFLA_VF_VLAN, sizeof(vlan), &vlan), 0);
        assert_int_equal(nla_put(m, IFLA_VF_RATE, sizeof(rate), &rate), 0);
        assert_int_equal(nla_put(m, IFLA_VF_TX_RATE, sizeof(txr), &txr), 0);
        assert_int_equal(nla_put(m, IFLA_VF_SPOOFCHK, sizeof(sc), &sc), 0);
        assert_int_equal(nla_put(m, IFLA_VF_LINK_STATE, sizeof(ls), &ls), 0);
        assert_int_equal(nla_put(m, IFLA_VF_RSS_QUERY_EN, sizeof(rss), &rss), 0);
        assert_int_equal(nla_put(m, IFLA_VF_TRUST, sizeof(tr), &tr), 0);
        struct nlattr *vl = nla_nest_start(m, IFLA_VF_VLAN_LIST);
        struct ifla_vf_vlan_info vi = {.vf = s->vf, .vlan = vlan.vlan, .qos = vlan.qos,
                                       .vlan_proto = htons(s->proto)};
        assert_int_equal(nla_put(m, IFLA_VF_VLAN_INFO, sizeof(vi), &vi), 0);
        nla_nest_end(m, vl);
        struct nlattr *st = nla_nest_start(m, IFLA_VF_STATS);
        static const int stats[] = {IFLA_VF_STATS_RX_PACKETS, IFLA_VF_STATS_TX_PACKETS,
                                    IFLA_VF_STATS_RX_BYTES,   IFLA_VF_STATS_TX_BYTES,
                                    IFLA_VF_STATS_BROADCAST,  IFLA_VF_STATS_MULTICAST,
                                    IFLA_VF_STATS_RX_DROPPED, IFLA_VF_STATS_TX_DROPPED};
        for (size_t i = 0; i < ELEMENTSOF(stats); i++)
                assert_int_equal(nla_put_u64(m, stats[i], (uint64_t)s->vf * 1000 + i), 0);
        nla_nest_end(m, st);
        nla_nest_end(m, info);
}

/* Closes a nest the way the kernel's nla_nest_end does: the length is
 * stored in 16 bits, whatever it is. */
static void nest_end_truncating(struct nl_msg *m, struct nlattr *start, uint16_t *len_set)
{
        size_t len = (size_t)((char *)nlmsg_tail(nlmsg_hdr(m)) - (char *)start);
        start->nla_len = (uint16_t)(len % 65536);
        if (len_set)
                *len_set = start->nla_len;
}

struct msg_opts {
        unsigned n_entries;
        int64_t num_vf;          /* IFLA_NUM_VF; SRIOV_ABSENT: not sent */
        unsigned wrong_at;       /* entry with VF number 1000 + its index; 0: none */
        int list_len_delta;      /* added to the (truncated) list length */
        bool ifname_after;       /* IFLA_IFNAME after the list (else before) */
        bool unreported;         /* spoofchk/trust/rss = -1 */
};

static struct nl_msg *build(const struct msg_opts *o, uint16_t *list_len)
{
        struct nl_msg *m = nlmsg_alloc_size(o->n_entries * VF_ENTRY_SIZE + 4096);
        assert_non_null(m);
        struct nlmsghdr *h = nlmsg_put(m, 0, 0, RTM_NEWLINK, sizeof(struct ifinfomsg), 0);
        assert_non_null(h);
        struct ifinfomsg *ifi = nlmsg_data(h);
        memset(ifi, 0, sizeof(*ifi));
        ifi->ifi_family = AF_UNSPEC;
        ifi->ifi_index = 7;
        ifi->ifi_type = 1;
        if (!o->ifname_after)
                assert_int_equal(nla_put_string(m, IFLA_IFNAME, "enp2s0f0"), 0);
        assert_int_equal(nla_put_u32(m, IFLA_MTU, 1500), 0);
        if (o->num_vf != SRIOV_ABSENT)
                assert_int_equal(nla_put_u32(m, IFLA_NUM_VF, (uint32_t)o->num_vf), 0);
        struct nlattr *list = nla_nest_start(m, IFLA_VFINFO_LIST);
        assert_non_null(list);
        for (unsigned i = 0; i < o->n_entries; i++) {
                struct vf_spec s = spec_for(i);
                if (o->wrong_at && i == o->wrong_at)
                        s.vf = 1000 + i;
                if (o->unreported)
                        s.spoofchk = s.trust = s.rss = UNREPORTED;
                put_vf(m, &s);
        }
        nest_end_truncating(m, list, list_len);
        list->nla_len = (uint16_t)(list->nla_len + o->list_len_delta);
        if (list_len)
                *list_len = list->nla_len;
        /* what follows the list in the kernel's message: IFLA_VF_PORTS, whose
         * IFLA_VF_PORT entries have type 1 like IFLA_VF_INFO */
        struct nlattr *ports = nla_nest_start(m, IFLA_VF_PORTS);
        for (unsigned i = 0; i < 2; i++) {
                struct nlattr *port = nla_nest_start(m, IFLA_VF_PORT);
                assert_int_equal(nla_put_u32(m, IFLA_PORT_VF, o->n_entries + i), 0);
                assert_int_equal(nla_put_string(m, IFLA_PORT_PROFILE, "trap"), 0);
                nla_nest_end(m, port);
        }
        nla_nest_end(m, ports);
        if (o->ifname_after)
                assert_int_equal(nla_put_string(m, IFLA_IFNAME, "enp2s0f0"), 0);
        return m;
}

static void assert_vf(const struct vfinfo_reply *r, uint32_t i)
{
        if (i >= r->n || !r->seen[i])
                fail_msg("VF %u not seen (n %zu)", i, r->n);
        const struct sriov_vf_link *l = &r->vfs[i];
        struct vf_spec s = spec_for(i);
        uint8_t mac[6];
        vf_mac(i, mac);
        assert_memory_equal(l->mac, mac, 6);
        assert_true(l->present & SRIOV_VF_MAC);
        assert_true(l->present & SRIOV_VF_VLAN);
        assert_int_equal(l->vlan, i % 4095);
        assert_int_equal(l->qos, i % 8);
        assert_true(l->present & SRIOV_VF_VLAN_PROTO);
        assert_int_equal(l->vlan_proto, ETH_P_8021Q);
        assert_true(l->present & SRIOV_VF_RATE);
        assert_int_equal(l->min_tx_rate, i);
        assert_int_equal(l->max_tx_rate, 1000 + i);
        assert_true(l->present & SRIOV_VF_LINK_STATE);
        assert_int_equal(l->link_state, s.link_state);
        assert_true(l->present & SRIOV_VF_SPOOFCHK);
        assert_int_equal(l->spoofchk, s.spoofchk);
        assert_true(l->present & SRIOV_VF_TRUST);
        assert_int_equal(l->trust, s.trust);
        assert_true(l->present & SRIOV_VF_QUERY_RSS);
        assert_false(l->query_rss);
}

static void parse(struct nl_msg *m, struct vfinfo_reply *r)
{
        memset(r, 0xa5, sizeof(*r));
        assert_int_equal(vfinfo_parse(nlmsg_hdr(m), r), 0);
}

/* ---- the entry layout ---------------------------------------------------- */

static void entry_size(void **state)
{
        (void)state;
        uint16_t len;
        struct nl_msg *m = build(&(struct msg_opts){.n_entries = 1, .num_vf = 1}, &len);
        assert_int_equal(len, NLA_HDRLEN + VF_ENTRY_SIZE); /* as on 6.1 with stats */
        nlmsg_free(m);
        /* 221 entries fit the 16-bit length; 222 do not */
        assert_true(NLA_HDRLEN + 221 * VF_ENTRY_SIZE < 65536);
        assert_true(NLA_HDRLEN + 222 * VF_ENTRY_SIZE > 65535);
}

/* ---- small lists ---------------------------------------------------------- */

static void small(void **state)
{
        (void)state;
        struct vfinfo_reply r;
        struct nl_msg *m = build(&(struct msg_opts){.n_entries = 7, .num_vf = 7}, NULL);
        parse(m, &r);
        assert_int_equal(r.num_vf, 7);
        assert_int_equal(r.n, 7);
        assert_int_equal(r.n_seen, 7);
        assert_false(r.wrapped);
        assert_false(r.recovered);
        assert_string_equal(r.ifname, "enp2s0f0");
        for (uint32_t i = 0; i < 7; i++)
                assert_vf(&r, i);
        vfinfo_reply_done(&r);
        nlmsg_free(m);

        /* no VFs */
        m = build(&(struct msg_opts){.n_entries = 0, .num_vf = 0}, NULL);
        parse(m, &r);
        assert_int_equal(r.num_vf, 0);
        assert_int_equal(r.n, 0);
        assert_int_equal(r.n_seen, 0);
        vfinfo_reply_done(&r);
        nlmsg_free(m);

        /* no IFLA_NUM_VF (and the ifname after the list): entries give the count */
        m = build(&(struct msg_opts){.n_entries = 3, .num_vf = SRIOV_ABSENT, .ifname_after = true}, NULL);
        parse(m, &r);
        assert_int_equal(r.num_vf, SRIOV_ABSENT);
        assert_int_equal(r.n, 3);
        assert_int_equal(r.n_seen, 3);
        assert_string_equal(r.ifname, "enp2s0f0");
        assert_vf(&r, 2);
        vfinfo_reply_done(&r);
        nlmsg_free(m);

        /* IFLA_NUM_VF without a list (a driver that reports no VF config) */
        struct nl_msg *n = nlmsg_alloc_simple(RTM_NEWLINK, 0);
        struct ifinfomsg ifi = {0};
        assert_int_equal(nlmsg_append(n, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
        assert_int_equal(nla_put_u32(n, IFLA_NUM_VF, 4), 0);
        parse(n, &r);
        assert_int_equal(r.num_vf, 4);
        assert_int_equal(r.n, 4);
        assert_int_equal(r.n_seen, 0);
        for (size_t i = 0; i < r.n; i++)
                assert_false(r.seen[i]);
        vfinfo_reply_done(&r);
        nlmsg_free(n);
}

static void unreported_settings(void **state)
{
        (void)state;
        struct vfinfo_reply r;
        struct nl_msg *m = build(&(struct msg_opts){.n_entries = 4, .num_vf = 4, .unreported = true}, NULL);
        parse(m, &r);
        for (uint32_t i = 0; i < 4; i++) {
                const struct sriov_vf_link *l = &r.vfs[i];
                assert_true(r.seen[i]);
                assert_false(l->present & SRIOV_VF_SPOOFCHK);
                assert_false(l->present & SRIOV_VF_TRUST);
                assert_false(l->present & SRIOV_VF_QUERY_RSS);
                assert_false(l->spoofchk);
                assert_false(l->trust);
                /* the rest is there */
                assert_true(l->present & SRIOV_VF_MAC);
                assert_true(l->present & SRIOV_VF_RATE);
                assert_true(l->present & SRIOV_VF_LINK_STATE);
        }
        vfinfo_reply_done(&r);
        nlmsg_free(m);
}

/* A single entry with odd values: 802.1ad, an unknown link state, short
 * attributes. */
static void odd_entry(void **state)
{
        (void)state;
        struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
        struct ifinfomsg ifi = {0};
        assert_int_equal(nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
        assert_int_equal(nla_put_u32(m, IFLA_NUM_VF, 2), 0);
        struct nlattr *list = nla_nest_start(m, IFLA_VFINFO_LIST);
        struct vf_spec s = spec_for(0);
        s.proto = ETH_P_8021AD;
        s.link_state = 3; /* not auto/enable/disable */
        put_vf(m, &s);
        /* VF 1: only a MAC, and a spoofchk attribute too short to read */
        struct nlattr *info = nla_nest_start(m, IFLA_VF_INFO);
        struct ifla_vf_mac mac = {.vf = 1, .mac = {0x52, 0x54, 0, 0, 0, 1}};
        assert_int_equal(nla_put(m, IFLA_VF_MAC, sizeof(mac), &mac), 0);
        assert_int_equal(nla_put_u32(m, IFLA_VF_SPOOFCHK, 1), 0);
        assert_int_equal(nla_put(m, IFLA_VF_VLAN, 4, &mac), 0);
        nla_nest_end(m, info);
        nla_nest_end(m, list);
        struct vfinfo_reply r;
        parse(m, &r);
        assert_int_equal(r.n_seen, 2);
        assert_int_equal(r.vfs[0].vlan_proto, ETH_P_8021AD);
        assert_false(r.vfs[0].present & SRIOV_VF_LINK_STATE);
        assert_int_equal(r.vfs[1].present, SRIOV_VF_MAC);
        assert_int_equal(r.vfs[1].mac[5], 1);
        vfinfo_reply_done(&r);
        nlmsg_free(m);
}

static void not_newlink(void **state)
{
        (void)state;
        struct vfinfo_reply r = {.n = 42};
        struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWADDR, 0);
        struct ifinfomsg ifi = {0};
        assert_int_equal(nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
        assert_int_equal(vfinfo_parse(nlmsg_hdr(m), &r), -EBADMSG);
        assert_int_equal(r.n, 42); /* not written */
        nlmsg_free(m);
        /* too short for an ifinfomsg */
        m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
        assert_int_equal(vfinfo_parse(nlmsg_hdr(m), &r), -EBADMSG);
        nlmsg_free(m);
}

/* ---- wrapped lists ------------------------------------------------------- */

static void wrapped(unsigned n)
{
        uint16_t len;
        struct nl_msg *m = build(&(struct msg_opts){.n_entries = n, .num_vf = n, .ifname_after = true}, &len);
        size_t total = NLA_HDRLEN + (size_t)n * VF_ENTRY_SIZE;
        assert_int_equal(len, total % 65536);
        assert_true(total > 65535);
        struct vfinfo_reply r;
        parse(m, &r);
        assert_int_equal(r.num_vf, n);
        assert_int_equal(r.n, n);
        assert_int_equal(r.n_seen, n);
        assert_true(r.wrapped);
        assert_true(r.recovered);
        for (uint32_t i = 0; i < n; i++)
                assert_vf(&r, i);
        /* parsing went on after the list, at the right place */
        assert_string_equal(r.ifname, "enp2s0f0");
        vfinfo_reply_done(&r);
        nlmsg_free(m);
}

static void wrapped_222(void **state)
{
        (void)state;
        wrapped(222);
}

static void wrapped_256(void **state)
{
        (void)state;
        wrapped(256);
}

static void wrapped_1024(void **state)
{
        (void)state;
        wrapped(1024);
}

/* IFLA_NUM_VF says more VFs than there are entries: the wrap cannot be
 * confirmed. */
static void unconfirmed_num_vf(void **state)
{
        (void)state;
        struct vfinfo_reply r;
        struct nl_msg *m =
                build(&(struct msg_opts){.n_entries = 256, .num_vf = 260, .ifname_after = true}, NULL);
        parse(m, &r);
        assert_int_equal(r.num_vf, 260);
        assert_int_equal(r.n, 260);
        assert_true(r.wrapped);
        assert_false(r.recovered);
        for (uint32_t i = 0; i < 256; i++)
                if (r.seen[i])
                        assert_vf(&r, i);
        for (uint32_t i = 256; i < 260; i++)
                assert_false(r.seen[i]);
        assert_true(r.n_seen <= 256);
        /* nothing after the list was parsed: not IFLA_VF_PORTS, not the name */
        assert_string_equal(r.ifname, "");
        vfinfo_reply_done(&r);
        nlmsg_free(m);
        /* the same without a wrap (8 entries, 10 announced) */
        m = build(&(struct msg_opts){.n_entries = 8, .num_vf = 10, .ifname_after = true}, NULL);
        parse(m, &r);
        assert_int_equal(r.n, 10);
        assert_int_equal(r.n_seen, 8);
        assert_false(r.recovered);
        assert_false(r.seen[8]);
        assert_false(r.seen[9]);
        assert_vf(&r, 7);
        assert_string_equal(r.ifname, "");
        vfinfo_reply_done(&r);
        nlmsg_free(m);
}

/* Entry 100 carries VF number 1100: the walk past the declared length
 * stops there, and VFs 100..255 stay unseen. */
static void unconfirmed_wrong_vf(void **state)
{
        (void)state;
        struct vfinfo_reply r;
        struct nl_msg *m = build(
                &(struct msg_opts){.n_entries = 256, .num_vf = 256, .wrong_at = 100, .ifname_after = true},
                NULL);
        parse(m, &r);
        assert_true(r.wrapped);
        assert_false(r.recovered);
        assert_int_equal(r.n, 256);
        assert_int_equal(r.n_seen, 100);
        for (uint32_t i = 0; i < 100; i++)
                assert_vf(&r, i);
        for (uint32_t i = 100; i < 256; i++)
                if (r.seen[i])
                        fail_msg("VF %u seen after the entry that broke the sequence", i);
        assert_string_equal(r.ifname, "");
        vfinfo_reply_done(&r);
        nlmsg_free(m);
}

/* All entries there, but the declared length is not total % 65536. */
static void unconfirmed_length(void **state)
{
        (void)state;
        struct vfinfo_reply r;
        struct nl_msg *m = build(&(struct msg_opts){.n_entries = 256, .num_vf = 256, .list_len_delta = -4,
                                                    .ifname_after = true},
                                 NULL);
        parse(m, &r);
        assert_true(r.wrapped);
        assert_false(r.recovered);
        assert_string_equal(r.ifname, "");
        vfinfo_reply_done(&r);
        nlmsg_free(m);
}

/* A message cut short inside the list: no entry is read past the end. */
static void truncated_message(void **state)
{
        (void)state;
        struct nl_msg *m = build(&(struct msg_opts){.n_entries = 256, .num_vf = 256}, NULL);
        struct nlmsghdr *h = nlmsg_hdr(m);
        size_t full = h->nlmsg_len;
        size_t after = 4 + 2 * (4 + 8 + 12); /* IFLA_VF_PORTS after the list */
        struct vfinfo_reply ok;
        h->nlmsg_len = (uint32_t)(full - after); /* ends right after the list: all there */
        parse(m, &ok);
        assert_true(ok.recovered);
        assert_int_equal(ok.n_seen, 256);
        vfinfo_reply_done(&ok);
        for (size_t cut = full - after - 1; cut > full - after - 3 * VF_ENTRY_SIZE; cut -= 97) {
                h->nlmsg_len = (uint32_t)cut;
                struct vfinfo_reply r;
                parse(m, &r);
                assert_false(r.recovered);
                assert_true(r.n_seen < 256);
                for (uint32_t i = 0; i < r.n_seen; i++)
                        assert_vf(&r, i);
                vfinfo_reply_done(&r);
        }
        nlmsg_free(m);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(entry_size),         cmocka_unit_test(small),
                cmocka_unit_test(unreported_settings), cmocka_unit_test(odd_entry),
                cmocka_unit_test(not_newlink),        cmocka_unit_test(wrapped_222),
                cmocka_unit_test(wrapped_256),        cmocka_unit_test(wrapped_1024),
                cmocka_unit_test(unconfirmed_num_vf), cmocka_unit_test(unconfirmed_wrong_vf),
                cmocka_unit_test(unconfirmed_length), cmocka_unit_test(truncated_message),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
