/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF configuration without a kernel: the `set` grammar and its rules, the
 * apply-file parser, the RTM_SETLINK messages (layout, 64 KiB split), what
 * a change plans and how a read-back compares, saved settings as words,
 * and the crash-safe state store in a temporary directory. */
#include "testutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/wait.h>

#include "state.h"
#include "vfcfg.h"
#include "vfinfo.h"

static struct sriov_ctx *new_ctx(void)
{
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        return ctx;
}

/* Parses a line of words separated by single blanks. */
static int parse_line(struct sriov_ctx *ctx, const char *line, struct sriov_vf_request *ret)
{
        char *copy = strdup(line), *words[64], *save = NULL;
        size_t n = 0;
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
                words[n++] = w;
        int r = sriov_vf_request_parse(ctx, words, n, ret);
        free(copy);
        return r;
}

/* ---- grammar and rules ----------------------------------------------- */

static void test_parse_full(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = new_ctx();
        struct sriov_vf_request q;
        assert_int_equal(parse_line(ctx,
                                    "enp2s0 vf 3 mac 02:aa:BB:cc:00:03 vlan 10 qos 3 proto 802.1ad spoofchk off "
                                    "trust on state disable min-rate 100 max-rate 1000 query-rss on",
                                    &q),
                         0);
        assert_string_equal(q.device, "enp2s0");
        assert_int_equal(q.vf, 3);
        const struct sriov_vf_config *c = &q.config;
        assert_int_equal(c->set, SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO | SRIOV_VF_SPOOFCHK |
                                         SRIOV_VF_TRUST | SRIOV_VF_LINK_STATE | SRIOV_VF_MIN_RATE |
                                         SRIOV_VF_MAX_RATE | SRIOV_VF_QUERY_RSS);
        assert_memory_equal(c->mac, "\x02\xaa\xbb\xcc\x00\x03", 6);
        assert_int_equal(c->vlan, 10);
        assert_int_equal(c->qos, 3);
        assert_int_equal(c->vlan_proto, SRIOV_ETH_P_8021AD);
        assert_false(c->spoofchk);
        assert_true(c->trust);
        assert_int_equal(c->link_state, SRIOV_LINK_DISABLE);
        assert_int_equal(c->min_tx_rate, 100);
        assert_int_equal(c->max_tx_rate, 1000);
        assert_true(c->query_rss);
        assert_null(q.origin);
        sriov_vf_request_done(&q);

        /* a VLAN without protocol is 802.1Q; one attribute is enough */
        assert_int_equal(parse_line(ctx, "0000:02:00.0 vf 0 vlan 4095", &q), 0);
        assert_int_equal(q.config.set, SRIOV_VF_VLAN);
        assert_int_equal(q.config.vlan, 4095);
        assert_int_equal(q.config.vlan_proto, SRIOV_ETH_P_8021Q);
        sriov_vf_request_done(&q);
        /* the zero MAC clears an admin MAC: allowed */
        assert_int_equal(parse_line(ctx, "eth0 vf 1 mac 00:00:00:00:00:00", &q), 0);
        sriov_vf_request_done(&q);
        sriov_ctx_free(ctx);
}

struct bad {
        const char *line;
        const char *needle1, *needle2;
};

static void test_parse_rules(void **state)
{
        (void)state;
        static const struct bad bad[] = {
                {"eth0 vf 0 mac 01:00:5e:00:00:01", "mac 01:00:5e:00:00:01", "must be unicast"},
                {"eth0 vf 0 mac ff:ff:ff:ff:ff:ff", "unicast", "broadcast"},
                {"eth0 vf 0 mac 02:00:00:00:00", "mac '02:00:00:00:00'", "malformed MAC"},
                {"eth0 vf 0 mac 02:00:00:00:00:0g", "malformed MAC", "XX:XX:XX:XX:XX:XX"},
                {"eth0 vf 0 mac 02:00:00:00:00:001", "malformed MAC", NULL},
                {"eth0 vf 0 vlan 4096", "vlan '4096'", "0-4095"},
                {"eth0 vf 0 vlan -1", "vlan '-1'", "0-4095"},
                {"eth0 vf 0 vlan 10 qos 8", "qos '8'", "0-7"},
                {"eth0 vf 0 qos 3", "qos 3", "after vlan"},
                {"eth0 vf 0 proto 802.1ad", "proto 802.1ad", "after vlan"},
                {"eth0 vf 0 vlan 10 proto 802.1x", "proto '802.1x'", "802.1Q or 802.1ad"},
                {"eth0 vf 0 min-rate 500 max-rate 100", "min-rate 500 is above max-rate 100", "must not exceed"},
                {"eth0 vf 0 max-rate 4294967296", "max-rate '4294967296'", "Mbps"},
                {"eth0 vf 0 state up", "state 'up'", "auto, enable or disable"},
                {"eth0 vf 0 spoofchk yes", "spoofchk 'yes'", "on or off"},
                {"eth0 vf 0 trust 1", "trust '1'", "on or off"},
                {"eth0 vf 0 query-rss", "query-rss needs a value", NULL},
                {"eth0 vf 0 macaddr 02:00:00:00:00:01", "unknown word 'macaddr'", "expected mac"},
                {"eth0 vf 0 mac 02:00:00:00:00:01 mac 02:00:00:00:00:02", "mac is given twice", NULL},
                {"eth0 vf 0", "nothing to set", "eth0 vf 0"},
                {"eth0 vf", "missing VF number", NULL},
                {"eth0 vf x1 mac 02:00:00:00:00:01", "vf 'x1'", "decimal number"},
                {"eth0 vf 2147483647 mac 02:00:00:00:00:01", "vf '2147483647'", "0-2147483646"},
                {"eth0 port 1 mac 02:00:00:00:00:01", "expected 'vf N'", "'port'"},
        };
        struct sriov_ctx *ctx = new_ctx();
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct sriov_vf_request q = {0};
                int r = parse_line(ctx, bad[i].line, &q);
                if (r != -EINVAL)
                        fail_msg("'%s': expected -EINVAL, got %d", bad[i].line, r);
                assert_contains(sriov_ctx_error(ctx), bad[i].needle1);
                if (bad[i].needle2)
                        assert_contains(sriov_ctx_error(ctx), bad[i].needle2);
                assert_null(q.device); /* nothing returned */
        }
        struct sriov_vf_request q;
        assert_int_equal(sriov_vf_request_parse(ctx, NULL, 0, &q), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "missing device");
        sriov_ctx_free(ctx);
}

/* ip-link(8)'s spellings are aliases of ours, in `set` and apply files
 * alike: the same config, and the same attribute given twice is named. */
static void test_ip_link_words(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = new_ctx();
        struct sriov_vf_request ours, ip;
        assert_int_equal(parse_line(ctx, "enp2s0 vf 1 spoofchk on trust off state enable min-rate 10 max-rate 100 "
                                         "query-rss on", &ours), 0);
        assert_int_equal(parse_line(ctx, "enp2s0 vf 1 spoofchk on trust off state enable min_tx_rate 10 "
                                         "max_tx_rate 100 query_rss on", &ip), 0);
        assert_int_equal(ours.config.set, ip.config.set);
        assert_memory_equal(&ours.config, &ip.config, sizeof(ours.config));
        sriov_vf_request_done(&ip);
        /* ip's older `rate` is the maximum */
        assert_int_equal(parse_line(ctx, "enp2s0 vf 1 rate 100", &ip), 0);
        assert_int_equal(ip.config.set, SRIOV_VF_MAX_RATE);
        assert_int_equal(ip.config.max_tx_rate, 100);
        sriov_vf_request_done(&ip);
        sriov_vf_request_done(&ours);
        static const struct bad bad[] = {
                {"eth0 vf 0 max-rate 10 max_tx_rate 20", "max-rate is given twice", "max-rate and max_tx_rate"},
                {"eth0 vf 0 max_tx_rate 10 rate 20", "max-rate is given twice", "max_tx_rate and rate"},
                {"eth0 vf 0 query_rss on query-rss off", "query-rss is given twice", NULL},
                {"eth0 vf 0 min_tx_rate 1 min_tx_rate 2", "min_tx_rate is given twice", NULL},
                {"eth0 vf 0 max_tx_rate fast", "max_tx_rate 'fast'", "Mbps"},
                {"eth0 vf 0 query_rss yes", "query_rss 'yes'", "on or off"},
                {"eth0 vf 0 min_tx_rate 500 max_tx_rate 100", "min-rate 500 is above max-rate 100", NULL},
                {"eth0 vf 0 tx_rate 1", "unknown word 'tx_rate'", "or ip link's min_tx_rate, max_tx_rate, rate or query_rss"},
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct sriov_vf_request q = {0};
                if (parse_line(ctx, bad[i].line, &q) != -EINVAL)
                        fail_msg("'%s': expected -EINVAL", bad[i].line);
                assert_contains(sriov_ctx_error(ctx), bad[i].needle1);
                if (bad[i].needle2)
                        assert_contains(sriov_ctx_error(ctx), bad[i].needle2);
        }
        /* an apply file in ip's words */
        struct sriov_vf_request *q;
        size_t n;
        assert_int_equal(sriov_apply_parse_text(ctx, "ip.conf",
                                                "enp2s0 vf 0 max_tx_rate 100 min_tx_rate 10\n"
                                                "enp2s0 vf 1 query_rss off spoofchk off rate 50\n",
                                                &q, &n),
                         0);
        assert_int_equal(n, 2);
        assert_int_equal(q[0].config.set, SRIOV_VF_MAX_RATE | SRIOV_VF_MIN_RATE);
        assert_int_equal(q[0].config.max_tx_rate, 100);
        assert_int_equal(q[0].config.min_tx_rate, 10);
        assert_int_equal(q[1].config.set, SRIOV_VF_QUERY_RSS | SRIOV_VF_SPOOFCHK | SRIOV_VF_MAX_RATE);
        assert_false(q[1].config.query_rss);
        assert_int_equal(q[1].config.max_tx_rate, 50);
        sriov_vf_requests_free(q, n);
        assert_int_equal(sriov_apply_parse_text(ctx, "ip.conf", "enp2s0 vf 0 max_tx_rate 100\nenp2s0 vf 1 rate x\n", &q,
                                                &n),
                         -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "ip.conf:2: rate 'x'");
        /* the table: every word once, each alias unknown to the others */
        const struct sriov_vf_word *t = sriov_vf_words();
        size_t k = 0;
        for (; t[k].word; k++)
                for (size_t j = 0; j < k; j++) {
                        assert_string_not_equal(t[k].word, t[j].word);
                        for (const char *const *a = t[j].aliases; *a; a++)
                                assert_string_not_equal(t[k].word, *a);
                }
        assert_int_equal(k, 10);
        sriov_ctx_free(ctx);
}

static void test_validate_struct(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = new_ctx();
        struct sriov_vf_config c = {.set = SRIOV_VF_VLAN, .vlan = 5000};
        assert_int_equal(sriov_vf_config_validate(ctx, &c), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "vlan 5000: a VLAN ID must be 0-4095");
        c = (struct sriov_vf_config){.set = SRIOV_VF_SPOOFCHK, .qos = 2};
        assert_int_equal(sriov_vf_config_validate(ctx, &c), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "qos needs a vlan");
        c = (struct sriov_vf_config){.set = SRIOV_VF_VLAN_PROTO, .vlan_proto = SRIOV_ETH_P_8021AD};
        assert_int_equal(sriov_vf_config_validate(ctx, &c), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "proto needs a vlan");
        c = (struct sriov_vf_config){.set = SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO, .vlan_proto = 0x0800};
        assert_int_equal(sriov_vf_config_validate(ctx, &c), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "proto 0x0800");
        c = (struct sriov_vf_config){.set = SRIOV_VF_LINK_STATE, .link_state = (enum sriov_link_state)7};
        assert_int_equal(sriov_vf_config_validate(ctx, &c), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "state 7");
        c = (struct sriov_vf_config){.set = 1u << 20};
        assert_int_equal(sriov_vf_config_validate(ctx, &c), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "unknown bits");
        c = (struct sriov_vf_config){0};
        assert_int_equal(sriov_vf_config_validate(ctx, &c), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "nothing to set");
        /* SRIOV_VF_RATE stands for both halves */
        c = (struct sriov_vf_config){.set = SRIOV_VF_RATE, .min_tx_rate = 10, .max_tx_rate = 5};
        assert_int_equal(sriov_vf_config_validate(ctx, &c), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "min-rate 10 is above max-rate 5");
        c.max_tx_rate = 0; /* no limit */
        assert_int_equal(sriov_vf_config_validate(ctx, &c), 0);
        /* without value checks, the driver judges a broadcast MAC */
        c = (struct sriov_vf_config){.set = SRIOV_VF_MAC};
        memset(c.mac, 0xff, 6);
        assert_int_equal(sriov_vf_config_validate(ctx, &c), -EINVAL);
        sriov_ctx_set_value_checks(ctx, false);
        assert_int_equal(sriov_vf_config_validate(ctx, &c), 0);
        struct sriov_vf_request q;
        assert_int_equal(parse_line(ctx, "eth0 vf 0 mac ff:ff:ff:ff:ff:ff", &q), 0);
        sriov_vf_request_done(&q);
        sriov_ctx_free(ctx);
}

/* ---- apply files ------------------------------------------------------- */

static void test_apply_text(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = new_ctx();
        const char *text = "# VFs of two PFs\n"
                           "\n"
                           "enp2s0 vf 0 mac 02:00:00:00:00:01 vlan 10   # tenant a\n"
                           "\t enp2s0 vf 1 spoofchk off trust on\r\n"
                           "enp3s0 vf 0 max-rate 100\n"
                           "   # indented comment\n"
                           "enp2s0 vf 2 state auto"; /* no final newline */
        struct sriov_vf_request *q;
        size_t n;
        assert_int_equal(sriov_apply_parse_text(ctx, "vfs.conf", text, &q, &n), 0);
        assert_int_equal(n, 4);
        assert_string_equal(q[0].origin, "vfs.conf:3");
        assert_int_equal(q[0].config.vlan, 10);
        assert_string_equal(q[1].origin, "vfs.conf:4");
        assert_true(q[1].config.trust);
        assert_string_equal(q[2].device, "enp3s0");
        assert_string_equal(q[2].origin, "vfs.conf:5");
        assert_string_equal(q[3].origin, "vfs.conf:7");
        sriov_vf_requests_free(q, n);

        assert_int_equal(sriov_apply_parse_text(ctx, "empty", "# nothing\n\n", &q, &n), 0);
        assert_int_equal(n, 0);
        sriov_vf_requests_free(q, n);
        sriov_ctx_free(ctx);
}

static void test_apply_errors(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = new_ctx();
        struct sriov_vf_request *q = NULL;
        size_t n = 0;
        /* the bad line is named by its number, comments and blanks counted */
        assert_int_equal(sriov_apply_parse_text(ctx, "f.conf",
                                                "# header\n\nenp2s0 vf 0 vlan 10\nenp2s0 vf 1 vlan 10 qos 9\n", &q, &n),
                         -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "f.conf:4: ");
        assert_contains(sriov_ctx_error(ctx), "qos '9': a QoS (802.1p priority) must be 0-7");
        assert_null(q);
        assert_int_equal(sriov_apply_parse_text(ctx, "f.conf", "enp2s0 vf 0\n", &q, &n), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "f.conf:1: enp2s0 vf 0: nothing to set");
        assert_int_equal(sriov_apply_parse_text(ctx, "f.conf", "a vf 0 mac 02:00:00:00:00:01\nvf 0 mac 02:00:00:00:00:02\n",
                                                &q, &n),
                         -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "f.conf:2: vf: expected 'vf N' after the device");
        /* one line per VF */
        assert_int_equal(sriov_apply_parse_text(ctx, "f.conf",
                                                "a vf 1 vlan 1\nb vf 1 vlan 2\n# x\na vf 1 trust on\n", &q, &n),
                         -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "f.conf:4: a vf 1 is already configured at f.conf:1");
        /* a file */
        char path[] = "/tmp/sriov-test-apply-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        const char *body = "x vf 0 mac 02:00:00:00:00:01\nx vf 1 vlan 4096\n";
        assert_int_equal(write(fd, body, strlen(body)), (ssize_t)strlen(body));
        close(fd);
        assert_int_equal(sriov_apply_parse_file(ctx, path, &q, &n), -EINVAL);
        char want[128];
        snprintf(want, sizeof(want), "%s:2: vlan '4096'", path);
        assert_contains(sriov_ctx_error(ctx), want);
        unlink(path);
        assert_int_equal(sriov_apply_parse_file(ctx, path, &q, &n), -ENOENT);
        assert_contains(sriov_ctx_error(ctx), path);
        sriov_ctx_free(ctx);
}

/* ---- RTM_SETLINK --------------------------------------------------------- */

/* The IFLA_VFINFO_LIST of a built message, checked for the header. */
static struct nlattr *vfinfo_list(struct nl_msg *m, int ifindex)
{
        struct nlmsghdr *h = nlmsg_hdr(m);
        assert_int_equal(h->nlmsg_type, RTM_SETLINK);
        assert_true(h->nlmsg_flags & NLM_F_REQUEST);
        struct ifinfomsg *ifi = nlmsg_data(h);
        assert_int_equal(ifi->ifi_index, ifindex);
        struct nlattr *list = nlmsg_find_attr(h, sizeof(*ifi), IFLA_VFINFO_LIST);
        assert_non_null(list);
        /* the list is the only attribute */
        assert_int_equal(nlmsg_attrlen(h, sizeof(*ifi)), NLA_ALIGN(list->nla_len));
        return list;
}

static void test_setlink_layout(void **state)
{
        (void)state;
        struct vf_change ch[2] = {
                {.vf = 7,
                 .cfg = {.set = SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO | SRIOV_VF_MIN_RATE | SRIOV_VF_SPOOFCHK |
                                SRIOV_VF_TRUST | SRIOV_VF_LINK_STATE | SRIOV_VF_QUERY_RSS,
                         .mac = {2, 0, 0, 0, 0, 7},
                         .vlan = 100,
                         .qos = 5,
                         .vlan_proto = SRIOV_ETH_P_8021AD,
                         .spoofchk = true,
                         .trust = true,
                         .link_state = SRIOV_LINK_ENABLE,
                         .min_tx_rate = 10,
                         .max_tx_rate = 900,
                         .query_rss = false}},
                {.vf = 8, .cfg = {.set = SRIOV_VF_VLAN, .vlan = 9, .vlan_proto = SRIOV_ETH_P_8021Q}},
        };
        struct nl_msg *m;
        size_t used;
        assert_int_equal(vf_build_setlink(42, ch, 2, VFINFO_LIST_MAX, &m, &used), 0);
        assert_int_equal(used, 2);
        struct nlattr *list = vfinfo_list(m, 42), *e;
        int rem, i = 0;
        size_t total = NLA_HDRLEN;
        nla_for_each_nested(e, list, rem)
        {
                assert_int_equal(nla_type(e), IFLA_VF_INFO);
                assert_int_equal(NLA_ALIGN(e->nla_len), vf_change_size(&ch[i]));
                total += NLA_ALIGN(e->nla_len);
                struct nlattr *tb[IFLA_VF_MAX + 1];
                assert_int_equal(nla_parse_nested(tb, IFLA_VF_MAX, e, NULL), 0);
                if (i == 0) {
                        const struct ifla_vf_mac *mac = nla_data(tb[IFLA_VF_MAC]);
                        assert_int_equal(mac->vf, 7);
                        assert_memory_equal(mac->mac, ch[0].cfg.mac, 6);
                        /* 802.1ad goes as a VLAN list, never as IFLA_VF_VLAN */
                        assert_null(tb[IFLA_VF_VLAN]);
                        struct nlattr *vi = nla_find(nla_data(tb[IFLA_VF_VLAN_LIST]), nla_len(tb[IFLA_VF_VLAN_LIST]),
                                                     IFLA_VF_VLAN_INFO);
                        assert_non_null(vi);
                        const struct ifla_vf_vlan_info *v = nla_data(vi);
                        assert_int_equal(v->vf, 7);
                        assert_int_equal(v->vlan, 100);
                        assert_int_equal(v->qos, 5);
                        assert_int_equal(ntohs(v->vlan_proto), SRIOV_ETH_P_8021AD);
                        /* one rate bit sends the pair */
                        const struct ifla_vf_rate *rt = nla_data(tb[IFLA_VF_RATE]);
                        assert_int_equal(rt->min_tx_rate, 10);
                        assert_int_equal(rt->max_tx_rate, 900);
                        assert_int_equal(((struct ifla_vf_spoofchk *)nla_data(tb[IFLA_VF_SPOOFCHK]))->setting, 1);
                        assert_int_equal(((struct ifla_vf_trust *)nla_data(tb[IFLA_VF_TRUST]))->setting, 1);
                        assert_int_equal(((struct ifla_vf_link_state *)nla_data(tb[IFLA_VF_LINK_STATE]))->link_state,
                                         IFLA_VF_LINK_STATE_ENABLE);
                        assert_int_equal(((struct ifla_vf_rss_query_en *)nla_data(tb[IFLA_VF_RSS_QUERY_EN]))->setting, 0);
                } else {
                        assert_null(tb[IFLA_VF_MAC]);
                        assert_null(tb[IFLA_VF_VLAN_LIST]);
                        assert_null(tb[IFLA_VF_RATE]);
                        const struct ifla_vf_vlan *v = nla_data(tb[IFLA_VF_VLAN]);
                        assert_int_equal(v->vf, 8);
                        assert_int_equal(v->vlan, 9);
                        assert_int_equal(v->qos, 0);
                }
                i++;
        }
        assert_int_equal(i, 2);
        assert_int_equal(list->nla_len, total);
        nlmsg_free(m);
}

static void test_setlink_split(void **state)
{
        (void)state;
        /* MAC + VLAN for 2500 VFs: 60 bytes an entry, 1092 in a 64 KiB list */
        size_t n = 2500;
        struct vf_change *ch = calloc(n, sizeof(*ch));
        for (size_t i = 0; i < n; i++) {
                ch[i].vf = (unsigned)i;
                ch[i].cfg = (struct sriov_vf_config){.set = SRIOV_VF_MAC | SRIOV_VF_VLAN,
                                                     .mac = {2, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i},
                                                     .vlan = (uint16_t)(i % 4095 + 1),
                                                     .vlan_proto = SRIOV_ETH_P_8021Q};
        }
        assert_int_equal(vf_change_size(&ch[0]), 60);
        size_t off = 0, msgs = 0;
        unsigned next_vf = 0;
        while (off < n) {
                struct nl_msg *m;
                size_t used;
                assert_int_equal(vf_build_setlink(3, ch + off, n - off, VFINFO_LIST_MAX, &m, &used), 0);
                struct nlattr *list = vfinfo_list(m, 3), *e;
                assert_true(list->nla_len <= 65535);
                /* full messages: the next entry would not have fit */
                if (off + used < n)
                        assert_true(list->nla_len + 60 > 65535);
                int rem;
                size_t k = 0;
                nla_for_each_nested(e, list, rem)
                {
                        struct nlattr *mac = nla_find(nla_data(e), nla_len(e), IFLA_VF_MAC);
                        assert_int_equal(((struct ifla_vf_mac *)nla_data(mac))->vf, next_vf);
                        next_vf++;
                        k++;
                }
                assert_int_equal(rem, 0);
                assert_int_equal(k, used);
                if (msgs == 0)
                        assert_int_equal(used, (65535 - NLA_HDRLEN) / 60);
                off += used;
                msgs++;
                nlmsg_free(m);
        }
        assert_int_equal(msgs, 3);
        assert_int_equal(next_vf, n);
        /* a small limit splits early; one that fits nothing is an error */
        struct nl_msg *m;
        size_t used;
        assert_int_equal(vf_build_setlink(3, ch, n, NLA_HDRLEN + 3 * 60, &m, &used), 0);
        assert_int_equal(used, 3);
        nlmsg_free(m);
        assert_int_equal(vf_build_setlink(3, ch, n, 50, &m, &used), -EMSGSIZE);
        free(ch);
}

/* ---- plans, read-back comparison, saved words ------------------------------ */

static struct sriov_vf_link link_of(void)
{
        return (struct sriov_vf_link){.present = SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO | SRIOV_VF_SPOOFCHK |
                                                 SRIOV_VF_TRUST | SRIOV_VF_LINK_STATE | SRIOV_VF_RATE,
                                      .mac = {2, 0, 0, 0, 0, 1},
                                      .vlan = 10,
                                      .qos = 1,
                                      .vlan_proto = SRIOV_ETH_P_8021Q,
                                      .spoofchk = true,
                                      .link_state = SRIOV_LINK_AUTO,
                                      .min_tx_rate = 0,
                                      .max_tx_rate = 500};
}

static void test_plan_and_compare(void **state)
{
        (void)state;
        struct sriov_vf_link cur = link_of();
        struct sriov_vf_config want = {.set = SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_SPOOFCHK,
                                       .mac = {2, 0, 0, 0, 0, 1},
                                       .vlan = 10,
                                       .qos = 1,
                                       .spoofchk = true};
        struct sriov_vf_config plan;
        vf_plan(&want, &cur, &plan);
        assert_int_equal(plan.set, 0); /* already so: nothing to send */
        uint32_t m, u;
        vf_compare(&want, &cur, &m, &u);
        assert_int_equal(m | u, 0);

        /* only a new min rate: the pair keeps the current max */
        want = (struct sriov_vf_config){.set = SRIOV_VF_MIN_RATE, .min_tx_rate = 100};
        vf_plan(&want, &cur, &plan);
        assert_int_equal(plan.set, SRIOV_VF_MIN_RATE);
        assert_int_equal(plan.min_tx_rate, 100);
        assert_int_equal(plan.max_tx_rate, 500);

        /* a protocol change alone is a VLAN change */
        want = (struct sriov_vf_config){.set = SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO, .vlan = 10, .qos = 1,
                                        .vlan_proto = SRIOV_ETH_P_8021AD};
        vf_plan(&want, &cur, &plan);
        assert_int_equal(plan.set, SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO);
        vf_compare(&want, &cur, &m, &u);
        assert_int_equal(m, SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO);

        /* no VLAN: the reported protocol means nothing (netdevsim says 0) */
        cur.vlan = 0;
        cur.qos = 0;
        cur.vlan_proto = 0;
        want = (struct sriov_vf_config){.set = SRIOV_VF_VLAN, .vlan = 0};
        vf_compare(&want, &cur, &m, &u);
        assert_int_equal(m | u, 0);

        /* what the driver does not report cannot be verified */
        cur.present &= ~(uint32_t)(SRIOV_VF_TRUST | SRIOV_VF_RATE);
        want = (struct sriov_vf_config){.set = SRIOV_VF_TRUST | SRIOV_VF_MAX_RATE, .trust = true, .max_tx_rate = 9};
        vf_compare(&want, &cur, &m, &u);
        assert_int_equal(m, 0);
        assert_int_equal(u, SRIOV_VF_TRUST | SRIOV_VF_MAX_RATE);
        vf_plan(&want, &cur, &plan); /* and is sent */
        assert_int_equal(plan.set, SRIOV_VF_TRUST | SRIOV_VF_MAX_RATE);
        assert_int_equal(plan.min_tx_rate, 0);

        /* a value read back differently (silently ignored) */
        cur = link_of();
        want = (struct sriov_vf_config){.set = SRIOV_VF_MAX_RATE, .max_tx_rate = 70000};
        cur.max_tx_rate = 70000 & 0xffff; /* netdevsim keeps 16 bits */
        vf_compare(&want, &cur, &m, &u);
        assert_int_equal(m, SRIOV_VF_MAX_RATE);
}

static void test_describe(void **state)
{
        (void)state;
        char buf[96];
        struct sriov_vf_config c = {.mac = {2, 0, 0, 0, 0, 0xab}, .vlan = 10, .qos = 2, .vlan_proto = SRIOV_ETH_P_8021AD,
                                    .set = SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO, .link_state = SRIOV_LINK_ENABLE,
                                    .min_tx_rate = 100};
        vf_attr_describe(SRIOV_VF_VLAN, &c, buf, sizeof(buf));
        assert_string_equal(buf, "vlan 10 qos 2 proto 802.1ad");
        assert_string_equal(vf_attr_key(SRIOV_VF_VLAN, &c), "proto");
        vf_attr_describe(SRIOV_VF_MAC, &c, buf, sizeof(buf));
        assert_string_equal(buf, "mac 02:00:00:00:00:ab");
        vf_attr_describe(SRIOV_VF_LINK_STATE, &c, buf, sizeof(buf));
        assert_string_equal(buf, "state enable");
        vf_attr_describe(SRIOV_VF_MIN_RATE, &c, buf, sizeof(buf));
        assert_string_equal(buf, "min-rate 100");
        c.set = SRIOV_VF_VLAN;
        c.vlan_proto = SRIOV_ETH_P_8021Q;
        vf_attr_describe(SRIOV_VF_VLAN, &c, buf, sizeof(buf));
        assert_string_equal(buf, "vlan 10 qos 2");
        assert_string_equal(vf_attr_key(SRIOV_VF_VLAN, &c), "vlan");
        assert_string_equal(sriov_errno_name(-EOPNOTSUPP), "EOPNOTSUPP");
        assert_string_equal(sriov_errno_name(EPROTONOSUPPORT), "EPROTONOSUPPORT");
}

/* restore's read-back when the VF count shrank between its two reads:
 * the VF is "not reported", never read past the reply */
static void test_restore_verify(void **state)
{
        (void)state;
        struct sriov_vf_link *vfs = calloc(2, sizeof(*vfs));
        bool *seen = calloc(2, sizeof(*seen));
        vfs[0] = vfs[1] = link_of();
        seen[0] = seen[1] = true;
        struct vfinfo_reply after = {.num_vf = 2, .vfs = vfs, .seen = seen, .n = 2, .n_seen = 2};
        struct sriov_vf_config want;
        vf_config_from_link(&vfs[1], &want);
        char *why = NULL;
        assert_int_equal(vf_restore_verify(&after, 1, &want, "eth0", "igb", &why), 0);
        assert_null(why);
        assert_int_equal(vf_restore_verify(&after, 5, &want, "eth0", "igb", &why), 1);
        assert_string_equal(why, "eth0 vf 5: not reported by the kernel after the restore (eth0 reports 2 VFs now)");
        free(why);
        want.vlan = 7;
        assert_int_equal(vf_restore_verify(&after, 0, &want, "eth0", "igb", &why), 1);
        assert_contains(why, "eth0 vf 0: vlan 7");
        assert_contains(why, "was accepted by igb but reads back as vlan");
        free(why);
        vfinfo_reply_done(&after);
}

static void test_saved_words(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = new_ctx();
        struct sriov_vf_link l = link_of();
        l.present |= SRIOV_VF_QUERY_RSS;
        l.vlan_proto = SRIOV_ETH_P_8021AD;
        char *words;
        assert_int_equal(vf_link_to_words(&l, &words), 0);
        assert_string_equal(words, "mac 02:00:00:00:00:01 vlan 10 qos 1 proto 802.1ad spoofchk on trust off state auto "
                                   "min-rate 0 max-rate 500 query-rss off");
        struct sriov_vf_config c;
        assert_int_equal(vf_words_to_config(ctx, "eth0", 3, words, &c), 0);
        uint32_t m, u;
        vf_compare(&c, &l, &m, &u);
        assert_int_equal(m | u, 0);
        assert_int_equal(c.set & (SRIOV_VF_MIN_RATE | SRIOV_VF_MAX_RATE), SRIOV_VF_MIN_RATE | SRIOV_VF_MAX_RATE);
        free(words);
        /* a multicast MAC the kernel reported is put back as it was */
        l = (struct sriov_vf_link){.present = SRIOV_VF_MAC, .mac = {0x33, 0x33, 0, 0, 0, 1}};
        assert_int_equal(vf_link_to_words(&l, &words), 0);
        assert_int_equal(vf_words_to_config(ctx, "eth0", 3, words, &c), 0);
        free(words);
        /* netdevsim's protocol 0 (no VLAN ever) is not saved */
        l = (struct sriov_vf_link){.present = SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO};
        assert_int_equal(vf_link_to_words(&l, &words), 0);
        assert_string_equal(words, "vlan 0 qos 0");
        free(words);
        assert_true(vf_words_to_config(ctx, "eth0", 3, "vlan 0 bogus 1", &c) < 0);
        sriov_ctx_free(ctx);
}

/* ---- the state store ---------------------------------------------------------- */

static char *temp_dir(void)
{
        char *d = strdup("/tmp/sriov-test-state-XXXXXX");
        assert_non_null(mkdtemp(d));
        return d;
}

static void rm_rf(const char *d)
{
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
        assert_int_equal(system(cmd), 0);
}

static void test_state_roundtrip(void **state)
{
        (void)state;
        char *root = temp_dir(), dir[300];
        snprintf(dir, sizeof(dir), "%s/deep/state", root); /* created on first use */
        struct sriov_ctx *ctx = new_ctx();
        assert_string_equal(state_dir(ctx), SRIOV_STATE_DIR_DEFAULT);
        assert_int_equal(sriov_ctx_set_state_dir(ctx, ""), -EINVAL);
        assert_int_equal(sriov_ctx_set_state_dir(ctx, dir), 0);
        int lock = -1;
        assert_int_equal(state_lock(ctx, 100, &lock), 0);
        json_object *o = json_object_new_object(), *back = NULL;
        json_object_object_add(o, "pf", json_object_new_string("0000:02:00.0"));
        json_object_object_add(o, "vfs", json_object_new_object());
        assert_int_equal(state_load(ctx, "vfs/x.json", &back), -ENOENT);
        assert_int_equal(state_save(ctx, "vfs/x.json", o), 0);
        assert_int_equal(state_load(ctx, "vfs/x.json", &back), 0);
        assert_string_equal(json_object_get_string(json_object_object_get(back, "pf")), "0000:02:00.0");
        json_object_put(back);
        /* replaced whole, no temporary file left behind */
        json_object_object_add(o, "pf", json_object_new_string("netdevsim1"));
        assert_int_equal(state_save(ctx, "vfs/x.json", o), 0);
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "test $(ls -A '%s/vfs' | wc -l) = 1", dir);
        assert_int_equal(system(cmd), 0);
        assert_int_equal(state_load(ctx, "vfs/x.json", &back), 0);
        assert_string_equal(json_object_get_string(json_object_object_get(back, "pf")), "netdevsim1");
        json_object_put(back);
        json_object_put(o);
        assert_int_equal(state_remove(ctx, "vfs/x.json"), 0);
        assert_int_equal(state_remove(ctx, "vfs/x.json"), 0);
        assert_int_equal(state_load(ctx, "vfs/x.json", &back), -ENOENT);
        /* a torn or foreign file is named */
        char path[400];
        snprintf(path, sizeof(path), "%s/vfs/bad.json", dir);
        FILE *f = fopen(path, "w");
        fputs("{\"pf\": ", f);
        fclose(f);
        assert_int_equal(state_load(ctx, "vfs/bad.json", &back), -EBADMSG);
        assert_contains(sriov_ctx_error(ctx), path);
        assert_contains(sriov_ctx_error(ctx), "not a JSON object");
        state_unlock(lock);
        sriov_ctx_free(ctx);
        rm_rf(root);
        free(root);
}

static void test_state_lock(void **state)
{
        (void)state;
        char *root = temp_dir();
        struct sriov_ctx *ctx = new_ctx();
        assert_int_equal(sriov_ctx_set_state_dir(ctx, root), 0);
        int lock = -1;
        assert_int_equal(state_lock(ctx, 100, &lock), 0);
        /* another process waits in vain and is told who holds it */
        pid_t pid = fork();
        if (pid == 0) {
                struct sriov_ctx *c2;
                sriov_ctx_free(ctx); /* the parent's, inherited */
                if (sriov_ctx_new(&c2) < 0 || sriov_ctx_set_state_dir(c2, root) < 0)
                        _exit(2);
                free(root);
                int l2 = -1;
                int r = state_lock(c2, 50, &l2);
                char want[64];
                snprintf(want, sizeof(want), "held by pid %ld (", (long)getppid());
                bool good = r == -ETIMEDOUT && strstr(sriov_ctx_error(c2), want);
                sriov_ctx_free(c2);
                _exit(good ? 0 : 1);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        state_unlock(lock);
        /* and gets it once it is free */
        assert_int_equal(state_lock(ctx, 100, &lock), 0);
        state_unlock(lock);
        sriov_ctx_free(ctx);
        rm_rf(root);
        free(root);
}

static void test_driver_answers(void **state)
{
        (void)state;
        char *root = temp_dir(), path[300];
        struct sriov_ctx *ctx = new_ctx();
        assert_int_equal(sriov_ctx_set_state_dir(ctx, root), 0);
        struct sriov_driver_answer *a;
        size_t n;
        assert_int_equal(sriov_driver_answers(ctx, "igb", &a, &n), -ENOENT);
        snprintf(path, sizeof(path), "%s/drivers", root);
        mkdir(path, 0755);
        snprintf(path, sizeof(path), "%s/drivers/igb.json", root);
        FILE *f = fopen(path, "w");
        fputs("{\"driver\":\"igb\",\"attributes\":{\"state\":{\"value\":\"enable\",\"result\":\"EOPNOTSUPP\",\"errno\":95},"
              "\"mac\":{\"value\":\"02:00:00:00:00:01\",\"result\":\"ok\",\"errno\":0},\"junk\":3}}",
              f);
        fclose(f);
        assert_int_equal(sriov_driver_answers(ctx, "igb", &a, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(a[0].attribute, "state");
        assert_string_equal(a[0].value, "enable");
        assert_int_equal(a[0].error, EOPNOTSUPP);
        assert_string_equal(a[1].attribute, "mac");
        assert_int_equal(a[1].error, 0);
        sriov_driver_answers_free(a, n);
        sriov_ctx_free(ctx);
        rm_rf(root);
        free(root);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_full),       cmocka_unit_test(test_parse_rules),
                cmocka_unit_test(test_ip_link_words),
                cmocka_unit_test(test_validate_struct),  cmocka_unit_test(test_apply_text),
                cmocka_unit_test(test_apply_errors),     cmocka_unit_test(test_setlink_layout),
                cmocka_unit_test(test_setlink_split),    cmocka_unit_test(test_plan_and_compare),
                cmocka_unit_test(test_describe),         cmocka_unit_test(test_saved_words),
                cmocka_unit_test(test_restore_verify),
                cmocka_unit_test(test_state_roundtrip),  cmocka_unit_test(test_state_lock),
                cmocka_unit_test(test_driver_answers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
