/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF settings through the PF's rtnetlink: set with read-back, per-attribute
 * refusal reports, a one-message-per-PF batch, save and restore of the
 * original settings, and what each driver answered. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <string.h>
#include <time.h>

#include "nl.h"
#include "pfref.h"
#include "state.h"
#include "vfcfg.h"
#include "vfinfo.h"
#include "vfparse.h"

#define LOCK_TIMEOUT_MS 30000

/* The attributes in the order the kernel's do_setvfinfo applies them. */
static const uint32_t attr_order[] = {
        SRIOV_VF_MAC,      SRIOV_VF_VLAN,       SRIOV_VF_MIN_RATE, SRIOV_VF_MAX_RATE,
        SRIOV_VF_SPOOFCHK, SRIOV_VF_LINK_STATE, SRIOV_VF_QUERY_RSS, SRIOV_VF_TRUST,
};
#define RATE_BITS (SRIOV_VF_MIN_RATE | SRIOV_VF_MAX_RATE)
#define VLAN_BITS (SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO)

void sriov_ctx_set_value_checks(struct sriov_ctx *ctx, bool on)
{
        ctx->skip_value_checks = !on;
}

/* ---- attributes ---------------------------------------------------------- */

static uint32_t normalized_set(const struct sriov_vf_config *c)
{
        uint32_t set = c->set;
        if (set & SRIOV_VF_RATE)
                set = (set & ~(uint32_t)SRIOV_VF_RATE) | RATE_BITS;
        return set;
}

static uint16_t want_proto(const struct sriov_vf_config *c)
{
        return (c->set & SRIOV_VF_VLAN_PROTO) ? c->vlan_proto : SRIOV_ETH_P_8021Q;
}

static const char *onoff(bool b) { return b ? "on" : "off"; }

void vf_attr_value(uint32_t bit, const struct sriov_vf_config *c, char *buf, size_t size)
{
        char mac[18];
        switch (bit) {
        case SRIOV_VF_MAC:
                sriov_format_mac(c->mac, mac);
                snprintf(buf, size, "%s", mac);
                break;
        case SRIOV_VF_VLAN:
        case SRIOV_VF_VLAN_PROTO:
                if (want_proto(c) == SRIOV_ETH_P_8021AD)
                        snprintf(buf, size, "%s", vf_proto_name(c->vlan_proto));
                else
                        snprintf(buf, size, "%u", c->vlan);
                break;
        case SRIOV_VF_MIN_RATE:
                snprintf(buf, size, "%" PRIu32, c->min_tx_rate);
                break;
        case SRIOV_VF_MAX_RATE:
                snprintf(buf, size, "%" PRIu32, c->max_tx_rate);
                break;
        case SRIOV_VF_SPOOFCHK:
                snprintf(buf, size, "%s", onoff(c->spoofchk));
                break;
        case SRIOV_VF_TRUST:
                snprintf(buf, size, "%s", onoff(c->trust));
                break;
        case SRIOV_VF_QUERY_RSS:
                snprintf(buf, size, "%s", onoff(c->query_rss));
                break;
        case SRIOV_VF_LINK_STATE:
                snprintf(buf, size, "%s", sriov_link_state_name(c->link_state));
                break;
        default:
                snprintf(buf, size, "?");
        }
}

const char *vf_attr_key(uint32_t bit, const struct sriov_vf_config *c)
{
        switch (bit) {
        case SRIOV_VF_MAC:
                return "mac";
        case SRIOV_VF_VLAN:
        case SRIOV_VF_VLAN_PROTO:
                /* 802.1Q goes as IFLA_VF_VLAN, 802.1ad as IFLA_VF_VLAN_LIST:
                 * drivers answer them differently */
                return want_proto(c) == SRIOV_ETH_P_8021AD ? "proto" : "vlan";
        case SRIOV_VF_MIN_RATE:
                return "min-rate";
        case SRIOV_VF_MAX_RATE:
                return "max-rate";
        case SRIOV_VF_SPOOFCHK:
                return "spoofchk";
        case SRIOV_VF_TRUST:
                return "trust";
        case SRIOV_VF_QUERY_RSS:
                return "query-rss";
        case SRIOV_VF_LINK_STATE:
                return "state";
        }
        return "?";
}

void vf_attr_describe(uint32_t bit, const struct sriov_vf_config *c, char *buf, size_t size)
{
        char mac[18];
        switch (bit) {
        case SRIOV_VF_MAC:
                sriov_format_mac(c->mac, mac);
                snprintf(buf, size, "mac %s", mac);
                break;
        case SRIOV_VF_VLAN:
        case SRIOV_VF_VLAN_PROTO:
                snprintf(buf, size, "vlan %u qos %u proto %s", c->vlan, c->qos, vf_proto_name(want_proto(c)));
                if (want_proto(c) != SRIOV_ETH_P_8021AD) /* the short form, as typed */
                        snprintf(buf, size, c->qos ? "vlan %u qos %u" : "vlan %u", c->vlan, c->qos);
                break;
        default: {
                char v[32];
                vf_attr_value(bit, c, v, sizeof(v));
                snprintf(buf, size, "%s %s", vf_attr_key(bit, c), v);
        }
        }
}

char *vf_config_words(const struct sriov_vf_config *cfg, uint32_t bits)
{
        static const uint32_t order[] = {SRIOV_VF_MAC,       SRIOV_VF_VLAN,      SRIOV_VF_SPOOFCHK,
                                         SRIOV_VF_TRUST,     SRIOV_VF_LINK_STATE, SRIOV_VF_MIN_RATE,
                                         SRIOV_VF_MAX_RATE,  SRIOV_VF_QUERY_RSS};
        char *s = strdup("");
        for (size_t i = 0; s && i < ELEMENTSOF(order); i++) {
                if (!(cfg->set & bits & order[i]))
                        continue;
                char w[96];
                vf_attr_describe(order[i], cfg, w, sizeof(w));
                char *t = strdup_printf("%s%s%s", s, *s ? " " : "", w);
                free(s);
                s = t;
        }
        return s;
}

void vf_config_from_link(const struct sriov_vf_link *l, struct sriov_vf_config *ret)
{
        struct sriov_vf_config c = {.vlan_proto = SRIOV_ETH_P_8021Q};
        if (l->present & SRIOV_VF_MAC) {
                memcpy(c.mac, l->mac, 6);
                c.set |= SRIOV_VF_MAC;
        }
        if (l->present & SRIOV_VF_VLAN) {
                c.vlan = l->vlan;
                c.qos = l->qos;
                c.set |= SRIOV_VF_VLAN;
                if ((l->present & SRIOV_VF_VLAN_PROTO) && l->vlan_proto == SRIOV_ETH_P_8021AD) {
                        c.vlan_proto = SRIOV_ETH_P_8021AD;
                        c.set |= SRIOV_VF_VLAN_PROTO;
                }
        }
        if (l->present & SRIOV_VF_RATE) {
                c.min_tx_rate = l->min_tx_rate;
                c.max_tx_rate = l->max_tx_rate;
                c.set |= RATE_BITS;
        }
        if (l->present & SRIOV_VF_SPOOFCHK) {
                c.spoofchk = l->spoofchk;
                c.set |= SRIOV_VF_SPOOFCHK;
        }
        if (l->present & SRIOV_VF_TRUST) {
                c.trust = l->trust;
                c.set |= SRIOV_VF_TRUST;
        }
        if (l->present & SRIOV_VF_QUERY_RSS) {
                c.query_rss = l->query_rss;
                c.set |= SRIOV_VF_QUERY_RSS;
        }
        if (l->present & SRIOV_VF_LINK_STATE) {
                c.link_state = l->link_state;
                c.set |= SRIOV_VF_LINK_STATE;
        }
        *ret = c;
}

void vf_compare(const struct sriov_vf_config *w, const struct sriov_vf_link *l, uint32_t *ret_mismatch,
                uint32_t *ret_unverified)
{
        uint32_t set = normalized_set(w), m = 0, u = 0;
        if (set & SRIOV_VF_MAC) {
                if (!(l->present & SRIOV_VF_MAC))
                        u |= SRIOV_VF_MAC;
                else if (memcmp(l->mac, w->mac, 6) != 0)
                        m |= SRIOV_VF_MAC;
        }
        if (set & SRIOV_VF_VLAN) {
                uint32_t bits = set & VLAN_BITS;
                if (!(l->present & SRIOV_VF_VLAN))
                        u |= bits;
                else if (l->vlan != w->vlan || l->qos != w->qos)
                        m |= bits;
                else if (!w->vlan && !w->qos)
                        ; /* no VLAN: the protocol means nothing */
                else if (l->present & SRIOV_VF_VLAN_PROTO) {
                        if (l->vlan_proto != want_proto(w))
                                m |= bits;
                } else if (want_proto(w) != SRIOV_ETH_P_8021Q)
                        u |= SRIOV_VF_VLAN_PROTO;
        }
        if (set & RATE_BITS) {
                if (!(l->present & SRIOV_VF_RATE))
                        u |= set & RATE_BITS;
                else {
                        if ((set & SRIOV_VF_MIN_RATE) && l->min_tx_rate != w->min_tx_rate)
                                m |= SRIOV_VF_MIN_RATE;
                        if ((set & SRIOV_VF_MAX_RATE) && l->max_tx_rate != w->max_tx_rate)
                                m |= SRIOV_VF_MAX_RATE;
                }
        }
#define CMP(bit, field)                                                                            \
        if (set & (bit)) {                                                                         \
                if (!(l->present & (bit)))                                                         \
                        u |= (bit);                                                                \
                else if (l->field != w->field)                                                     \
                        m |= (bit);                                                                \
        }
        CMP(SRIOV_VF_SPOOFCHK, spoofchk)
        CMP(SRIOV_VF_TRUST, trust)
        CMP(SRIOV_VF_QUERY_RSS, query_rss)
        CMP(SRIOV_VF_LINK_STATE, link_state)
#undef CMP
        *ret_mismatch = m;
        *ret_unverified = u;
}

void vf_plan(const struct sriov_vf_config *want, const struct sriov_vf_link *cur, struct sriov_vf_config *ret)
{
        uint32_t m, u;
        vf_compare(want, cur, &m, &u);
        uint32_t diff = m | u;
        struct sriov_vf_config p = *want;
        p.set = 0;
        uint32_t set = normalized_set(want);
        if (diff & SRIOV_VF_MAC)
                p.set |= SRIOV_VF_MAC;
        if (diff & VLAN_BITS) {
                p.set |= set & VLAN_BITS;
                p.vlan_proto = want_proto(want);
        }
        if (diff & RATE_BITS) {
                bool have = cur->present & SRIOV_VF_RATE;
                p.min_tx_rate = (set & SRIOV_VF_MIN_RATE) ? want->min_tx_rate : have ? cur->min_tx_rate : 0;
                p.max_tx_rate = (set & SRIOV_VF_MAX_RATE) ? want->max_tx_rate : have ? cur->max_tx_rate : 0;
                p.set |= diff & RATE_BITS;
        }
        p.set |= diff & (SRIOV_VF_SPOOFCHK | SRIOV_VF_TRUST | SRIOV_VF_QUERY_RSS | SRIOV_VF_LINK_STATE);
        *ret = p;
}

/* The config that puts back what `bits` changed, from the settings read
 * before: a rate goes back as the pair, a VLAN with its protocol. */
static void restore_cfg(const struct sriov_vf_link *before, uint32_t bits, struct sriov_vf_config *ret)
{
        vf_config_from_link(before, ret);
        uint32_t want = bits;
        if (want & RATE_BITS)
                want |= RATE_BITS;
        if (want & VLAN_BITS)
                want |= VLAN_BITS;
        ret->set &= want;
}

/* ---- RTM_SETLINK messages ------------------------------------------------ */

#define ATTR_SPACE(payload) NLA_ALIGN(NLA_HDRLEN + (payload))

size_t vf_change_size(const struct vf_change *c)
{
        uint32_t set = normalized_set(&c->cfg);
        size_t n = NLA_HDRLEN;
        if (set & SRIOV_VF_MAC)
                n += ATTR_SPACE(sizeof(struct ifla_vf_mac));
        if (set & SRIOV_VF_VLAN)
                n += want_proto(&c->cfg) == SRIOV_ETH_P_8021AD
                             ? NLA_HDRLEN + ATTR_SPACE(sizeof(struct ifla_vf_vlan_info))
                             : ATTR_SPACE(sizeof(struct ifla_vf_vlan));
        if (set & RATE_BITS)
                n += ATTR_SPACE(sizeof(struct ifla_vf_rate));
        if (set & SRIOV_VF_SPOOFCHK)
                n += ATTR_SPACE(sizeof(struct ifla_vf_spoofchk));
        if (set & SRIOV_VF_LINK_STATE)
                n += ATTR_SPACE(sizeof(struct ifla_vf_link_state));
        if (set & SRIOV_VF_QUERY_RSS)
                n += ATTR_SPACE(sizeof(struct ifla_vf_rss_query_en));
        if (set & SRIOV_VF_TRUST)
                n += ATTR_SPACE(sizeof(struct ifla_vf_trust));
        return n;
}

static int put_entry(struct nl_msg *m, const struct vf_change *ch)
{
        const struct sriov_vf_config *c = &ch->cfg;
        uint32_t set = normalized_set(c), vf = ch->vf;
        struct nlattr *info = nla_nest_start(m, IFLA_VF_INFO);
        if (!info)
                return -EMSGSIZE;
        int r = 0;
        if (set & SRIOV_VF_MAC) {
                struct ifla_vf_mac v = {.vf = vf};
                memcpy(v.mac, c->mac, 6);
                r |= nla_put(m, IFLA_VF_MAC, sizeof(v), &v);
        }
        if ((set & SRIOV_VF_VLAN) && want_proto(c) == SRIOV_ETH_P_8021AD) {
                struct nlattr *list = nla_nest_start(m, IFLA_VF_VLAN_LIST);
                struct ifla_vf_vlan_info v = {.vf = vf, .vlan = c->vlan, .qos = c->qos,
                                              .vlan_proto = htons(SRIOV_ETH_P_8021AD)};
                r |= !list || nla_put(m, IFLA_VF_VLAN_INFO, sizeof(v), &v);
                if (list)
                        nla_nest_end(m, list);
        } else if (set & SRIOV_VF_VLAN) {
                struct ifla_vf_vlan v = {.vf = vf, .vlan = c->vlan, .qos = c->qos};
                r |= nla_put(m, IFLA_VF_VLAN, sizeof(v), &v);
        }
        if (set & RATE_BITS) {
                struct ifla_vf_rate v = {.vf = vf, .min_tx_rate = c->min_tx_rate, .max_tx_rate = c->max_tx_rate};
                r |= nla_put(m, IFLA_VF_RATE, sizeof(v), &v);
        }
        if (set & SRIOV_VF_SPOOFCHK) {
                struct ifla_vf_spoofchk v = {.vf = vf, .setting = c->spoofchk};
                r |= nla_put(m, IFLA_VF_SPOOFCHK, sizeof(v), &v);
        }
        if (set & SRIOV_VF_LINK_STATE) {
                struct ifla_vf_link_state v = {.vf = vf, .link_state = (uint32_t)c->link_state};
                r |= nla_put(m, IFLA_VF_LINK_STATE, sizeof(v), &v);
        }
        if (set & SRIOV_VF_QUERY_RSS) {
                struct ifla_vf_rss_query_en v = {.vf = vf, .setting = c->query_rss};
                r |= nla_put(m, IFLA_VF_RSS_QUERY_EN, sizeof(v), &v);
        }
        if (set & SRIOV_VF_TRUST) {
                struct ifla_vf_trust v = {.vf = vf, .setting = c->trust};
                r |= nla_put(m, IFLA_VF_TRUST, sizeof(v), &v);
        }
        if (r)
                return -EMSGSIZE;
        nla_nest_end(m, info);
        return 0;
}

int vf_build_setlink(int ifindex, const struct vf_change *changes, size_t n, size_t limit, struct nl_msg **ret,
                     size_t *ret_used)
{
        if (limit > VFINFO_LIST_MAX)
                limit = VFINFO_LIST_MAX;
        size_t used = 0, bytes = NLA_HDRLEN;
        while (used < n) {
                size_t sz = vf_change_size(&changes[used]);
                if (bytes + sz > limit)
                        break;
                bytes += sz;
                used++;
        }
        if (!used)
                return -EMSGSIZE;
        struct nl_msg *m = nlmsg_alloc_size(NLMSG_SPACE(sizeof(struct ifinfomsg)) + bytes + 256);
        if (!m)
                return -ENOMEM;
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
        struct nlattr *list;
        if (!nlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, RTM_SETLINK, 0, NLM_F_REQUEST) ||
            nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 || !(list = nla_nest_start(m, IFLA_VFINFO_LIST)))
                goto toobig;
        for (size_t i = 0; i < used; i++)
                if (put_entry(m, &changes[i]) < 0)
                        goto toobig;
        if (nla_nest_end(m, list) < 0)
                goto toobig;
        *ret = m;
        *ret_used = used;
        return 0;
toobig:
        nlmsg_free(m);
        return -EMSGSIZE;
}

/* ---- saved settings --------------------------------------------------------- */

int vf_link_to_words(const struct sriov_vf_link *l, char **ret)
{
        char buf[256], mac[18];
        size_t n = 0;
#define ADD(...) n += (size_t)snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, __VA_ARGS__)
        if (l->present & SRIOV_VF_MAC) {
                sriov_format_mac(l->mac, mac);
                ADD("mac %s ", mac);
        }
        if (l->present & SRIOV_VF_VLAN) {
                ADD("vlan %u qos %u ", l->vlan, l->qos);
                /* netdevsim reports protocol 0 for a VF that never had a VLAN */
                if ((l->present & SRIOV_VF_VLAN_PROTO) &&
                    (l->vlan_proto == SRIOV_ETH_P_8021Q || l->vlan_proto == SRIOV_ETH_P_8021AD))
                        ADD("proto %s ", vf_proto_name(l->vlan_proto));
        }
        if (l->present & SRIOV_VF_SPOOFCHK)
                ADD("spoofchk %s ", onoff(l->spoofchk));
        if (l->present & SRIOV_VF_TRUST)
                ADD("trust %s ", onoff(l->trust));
        if (l->present & SRIOV_VF_LINK_STATE)
                ADD("state %s ", sriov_link_state_name(l->link_state));
        if (l->present & SRIOV_VF_RATE)
                ADD("min-rate %" PRIu32 " max-rate %" PRIu32 " ", l->min_tx_rate, l->max_tx_rate);
        if (l->present & SRIOV_VF_QUERY_RSS)
                ADD("query-rss %s ", onoff(l->query_rss));
#undef ADD
        if (n >= sizeof(buf))
                return -ENOBUFS;
        if (n)
                buf[n - 1] = 0; /* the last blank */
        char *s = strdup(buf);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int vf_words_to_config(struct sriov_ctx *ctx, const char *device, unsigned vf, const char *text,
                       struct sriov_vf_config *ret)
{
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        char *words[32];
        size_t n = 0;
        char *save = NULL;
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                if (n == ELEMENTSOF(words))
                        return -EBADMSG;
                words[n++] = w;
        }
        /* what the kernel reported is put back as it was */
        bool checks = ctx->skip_value_checks;
        ctx->skip_value_checks = true;
        int r = vf_words_parse(ctx, device, vf, words, n, ret);
        ctx->skip_value_checks = checks;
        return r;
}

/* ---- messages ------------------------------------------------------------ */

/* A message built in pieces. */
struct text {
        char *s;
        int err;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(struct text *t, const char *fmt, ...)
{
        if (t->err)
                return;
        va_list ap;
        va_start(ap, fmt);
        _cleanup_free_ char *piece = strdup_vprintf(fmt, ap);
        va_end(ap);
        char *joined = NULL;
        if (!piece || asprintf(&joined, "%s%s", t->s ? t->s : "", piece) < 0) {
                t->err = -ENOMEM;
                return;
        }
        free(t->s);
        t->s = joined;
}

static void text_done(struct text *t)
{
        free(t->s);
        t->s = NULL;
}

/* For best-effort steps: moves the current error message aside so that the
 * step's own failure is recorded (first message wins), and back after. */
static char *error_aside(struct sriov_ctx *ctx)
{
        char *kept = ctx->error;
        ctx->error = NULL;
        return kept;
}

static void error_back(struct sriov_ctx *ctx, char *kept, const char *what)
{
        if (ctx->error)
                ctx_notice(ctx, "%s: %s", what, ctx->error);
        ctx_clear_error(ctx);
        ctx->error = kept;
}

/* ---- what drivers answered ------------------------------------------------ */

struct answers {
        char driver[128];
        json_object *doc; /* {"driver": NAME, "attributes": {KEY: {"value", "result", "errno"}}} */
        bool dirty;
};

static void answers_relpath(const char *driver, char *buf, size_t size)
{
        char name[128];
        state_name(driver, name, sizeof(name));
        snprintf(buf, size, "drivers/%s.json", name);
}

static void answers_open(struct sriov_ctx *ctx, struct answers *a, const char *driver)
{
        *a = (struct answers){0};
        snprintf(a->driver, sizeof(a->driver), "%s", driver);
        char rel[160];
        answers_relpath(driver, rel, sizeof(rel));
        json_object *doc = NULL;
        int r = state_load(ctx, rel, &doc);
        if (r < 0) {
                /* a broken record is rebuilt, never a reason to refuse work */
                ctx_clear_error(ctx);
                doc = json_object_new_object();
        }
        if (doc) {
                json_object_object_add(doc, "driver", json_object_new_string(driver));
                json_object *attrs;
                if (!json_object_object_get_ex(doc, "attributes", &attrs) ||
                    !json_object_is_type(attrs, json_type_object))
                        json_object_object_add(doc, "attributes", json_object_new_object());
        }
        a->doc = doc;
}

static void answers_record(struct answers *a, uint32_t bit, const struct sriov_vf_config *c, int err)
{
        if (!a->doc)
                return;
        json_object *attrs, *old;
        if (!json_object_object_get_ex(a->doc, "attributes", &attrs))
                return;
        const char *key = vf_attr_key(bit, c);
        char value[32];
        vf_attr_value(bit, c, value, sizeof(value));
        const char *result = err ? sriov_errno_name(err) : "ok";
        json_object *v, *res;
        if (json_object_object_get_ex(attrs, key, &old) && json_object_object_get_ex(old, "result", &res) &&
            json_object_object_get_ex(old, "value", &v) && strcmp(json_object_get_string(res), result) == 0 &&
            strcmp(json_object_get_string(v), value) == 0)
                return; /* nothing new */
        json_object *e = json_object_new_object();
        if (!e)
                return;
        json_object_object_add(e, "value", json_object_new_string(value));
        json_object_object_add(e, "result", json_object_new_string(result));
        json_object_object_add(e, "errno", json_object_new_int(err < 0 ? -err : err));
        json_object_object_add(e, "message", json_object_new_string(err ? strerror(err < 0 ? -err : err) : "accepted"));
        json_object_object_add(attrs, key, e);
        a->dirty = true;
}

static void answers_close(struct sriov_ctx *ctx, struct answers *a)
{
        if (a->doc && a->dirty) {
                char rel[160];
                answers_relpath(a->driver, rel, sizeof(rel));
                /* best effort: the record informs, it never fails a change */
                char *kept = error_aside(ctx);
                (void)state_save(ctx, rel, a->doc);
                error_back(ctx, kept, "what the driver answered was not recorded");
        }
        json_object_put(a->doc);
        a->doc = NULL;
}

int sriov_driver_answers(struct sriov_ctx *ctx, const char *driver, struct sriov_driver_answer **ret,
                         size_t *ret_n)
{
        ctx_clear_error(ctx);
        char rel[160];
        answers_relpath(driver, rel, sizeof(rel));
        json_object *doc = NULL;
        int r = state_load(ctx, rel, &doc);
        if (r < 0)
                return r;
        json_object *attrs;
        struct sriov_driver_answer *a = NULL;
        size_t n = 0;
        if (json_object_object_get_ex(doc, "attributes", &attrs) && json_object_is_type(attrs, json_type_object)) {
                json_object_object_foreach(attrs, key, val)
                {
                        json_object *v, *e;
                        if (!json_object_is_type(val, json_type_object) ||
                            !json_object_object_get_ex(val, "value", &v) || !json_object_object_get_ex(val, "errno", &e))
                                continue;
                        struct sriov_driver_answer *na = realloc(a, (n + 1) * sizeof(*na));
                        if (!na) {
                                r = -ENOMEM;
                                break;
                        }
                        a = na;
                        a[n] = (struct sriov_driver_answer){.attribute = strdup(key),
                                                            .value = strdup(json_object_get_string(v)),
                                                            .error = json_object_get_int(e)};
                        n++;
                        if (!a[n - 1].attribute || !a[n - 1].value) {
                                r = -ENOMEM;
                                break;
                        }
                }
        }
        json_object_put(doc);
        if (r < 0) {
                sriov_driver_answers_free(a, n);
                return r;
        }
        *ret = a;
        *ret_n = n;
        return 0;
}

void sriov_driver_answers_free(struct sriov_driver_answer *a, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(a[i].attribute);
                free(a[i].value);
        }
        free(a);
}

/* ---- a PF during one operation --------------------------------------------- */

struct pf_run {
        struct pf_ref ref;
        struct vfinfo_reply cur; /* read back before any change */
        char relpath[160];       /* STATE/vfs/NAME.json */
        json_object *doc;        /* its content, NULL until loaded */
        unsigned *added;         /* VFs whose originals this run saved */
        size_t n_added;
        struct vf_change *changes; /* apply: what this PF gets, in request order */
        const struct sriov_vf_request **change_req;
        size_t n_changes;
        size_t n_sent;           /* changes the kernel has accepted */
};

static void pf_run_done(struct pf_run *p)
{
        pf_ref_done(&p->ref);
        vfinfo_reply_done(&p->cur);
        json_object_put(p->doc);
        free(p->added);
        free(p->changes);
        free(p->change_req);
        *p = (struct pf_run){0};
}

static int pf_run_open(struct sriov_ctx *ctx, const char *device, struct pf_run *ret)
{
        struct pf_run p = {0};
        int r = pf_ref_resolve(ctx, device, &p.ref);
        if (r < 0)
                return r;
        char name[128];
        state_name(p.ref.name, name, sizeof(name));
        snprintf(p.relpath, sizeof(p.relpath), "vfs/%s.json", name);
        *ret = p;
        return 0;
}

static int64_t num_vf(const struct pf_run *p)
{
        return p->cur.num_vf == SRIOV_ABSENT ? 0 : p->cur.num_vf;
}

static int pf_run_read(struct sriov_ctx *ctx, struct pf_run *p)
{
        vfinfo_reply_done(&p->cur);
        return pf_ref_read(ctx, &p->ref, &p->cur);
}

/* A VF that exists and whose settings the kernel's reply carried. */
static int check_vf(struct sriov_ctx *ctx, const struct pf_run *p, unsigned vf)
{
        int64_t n = num_vf(p);
        if (vf >= n)
                return pf_vf_range_fail(ctx, p->ref.ifname, vf, n);
        if (vf >= p->cur.n || !p->cur.seen[vf])
                return ctx_fail(ctx, -EIO,
                                "%s vf %u: the kernel's RTM_NEWLINK did not carry this VF's settings (%s): they "
                                "cannot be saved or verified, so nothing is changed",
                                p->ref.ifname, vf,
                                p->cur.wrapped ? "IFLA_VFINFO_LIST's 16-bit length wrapped and the entries "
                                                 "after it could not be confirmed"
                                               : "the driver did not report it");
        return 0;
}

/* ---- saving originals ------------------------------------------------------ */

static int load_doc(struct sriov_ctx *ctx, struct pf_run *p)
{
        if (p->doc)
                return 0;
        int r = state_load(ctx, p->relpath, &p->doc);
        if (r == -ENOENT) {
                p->doc = json_object_new_object();
                if (!p->doc)
                        return -ENOMEM;
                json_object_object_add(p->doc, "pf", json_object_new_string(p->ref.name));
                json_object_object_add(p->doc, "vfs", json_object_new_object());
                r = 0;
        }
        if (r < 0)
                return r;
        json_object *vfs;
        if (!json_object_object_get_ex(p->doc, "vfs", &vfs) || !json_object_is_type(vfs, json_type_object)) {
                return ctx_fail(ctx, -EBADMSG, "state file %s/%s: no \"vfs\" object", state_dir(ctx), p->relpath);
        }
        /* kept current for humans reading the file */
        json_object_object_add(p->doc, "ifname", json_object_new_string(p->ref.ifname));
        json_object_object_add(p->doc, "driver", json_object_new_string(p->ref.driver));
        return 0;
}

static json_object *doc_vfs(struct pf_run *p)
{
        json_object *vfs = NULL;
        json_object_object_get_ex(p->doc, "vfs", &vfs);
        return vfs;
}

/* Whether doc (NULL: none) keeps saved settings of vf. */
static bool saved_has(json_object *doc, unsigned vf)
{
        json_object *vfs;
        char key[16];
        snprintf(key, sizeof(key), "%u", vf);
        return doc && json_object_object_get_ex(doc, "vfs", &vfs) && json_object_is_type(vfs, json_type_object) &&
               json_object_object_get_ex(vfs, key, NULL);
}

static int write_doc(struct sriov_ctx *ctx, struct pf_run *p)
{
        if (json_object_object_length(doc_vfs(p)) == 0)
                return state_remove(ctx, p->relpath);
        return state_save(ctx, p->relpath, p->doc);
}

/* Saves the current settings of the VFs (those not saved yet) as their
 * originals, in one atomic write, before anything changes them. */
static int save_originals(struct sriov_ctx *ctx, struct pf_run *p, const unsigned *vfs, size_t n)
{
        int r = load_doc(ctx, p);
        if (r < 0)
                return r;
        json_object *saved = doc_vfs(p);
        char key[16], when[32];
        free(p->added);
        p->added = calloc(n ? n : 1, sizeof(unsigned));
        p->n_added = 0;
        if (!p->added)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                snprintf(key, sizeof(key), "%u", vfs[i]);
                if (json_object_object_get_ex(saved, key, NULL))
                        continue;
                _cleanup_free_ char *words = NULL;
                if ((r = vf_link_to_words(&p->cur.vfs[vfs[i]], &words)) < 0)
                        return r;
                json_object *o = json_object_new_string(words);
                if (!o)
                        return -ENOMEM;
                json_object_object_add(saved, key, o);
                p->added[p->n_added++] = vfs[i];
        }
        if (!p->n_added)
                return 0;
        time_t now = time(NULL);
        struct tm tm;
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
        json_object_object_add(p->doc, "updated", json_object_new_string(when));
        r = state_save(ctx, p->relpath, p->doc);
        if (r < 0)
                ctx_error_prefix(ctx, "%s: original VF settings could not be saved, so nothing is changed",
                                 p->ref.ifname);
        return r;
}

/* After a complete rollback: the originals saved by this run are the
 * current settings again; forget them. Best effort. */
static void forget_added(struct sriov_ctx *ctx, struct pf_run *p)
{
        if (!p->n_added || !p->doc)
                return;
        char key[16];
        for (size_t i = 0; i < p->n_added; i++) {
                snprintf(key, sizeof(key), "%u", p->added[i]);
                json_object_object_del(doc_vfs(p), key);
        }
        p->n_added = 0;
        char *kept = error_aside(ctx);
        (void)write_doc(ctx, p);
        error_back(ctx, kept, "saved originals of VFs put back could not be forgotten");
}

/* ---- sending --------------------------------------------------------------- */

struct refusal {
        uint32_t bit;
        struct sriov_vf_config cfg;
        int err;
        char extack[256];
};

static int send_changes(struct sriov_ctx *ctx, int ifindex, const struct vf_change *ch, size_t n, size_t *ret_sent,
                        int *ret_err, char *extack, size_t extack_size)
{
        size_t sent = 0;
        *ret_err = 0;
        while (sent < n) {
                struct nl_msg *m;
                size_t used;
                int r = vf_build_setlink(ifindex, ch + sent, n - sent, VFINFO_LIST_MAX, &m, &used);
                if (r < 0)
                        return ctx_fail(ctx, r, "building RTM_SETLINK: %s", strerror(-r));
                struct nl_request_opts o = {.timeout_ms = -1, .extack = extack, .extack_size = extack_size};
                r = nl_request(ctx, m, &o, NULL, NULL);
                nlmsg_free(m);
                if (r < 0) {
                        /* the kernel applied entries in order up to the one it refused */
                        *ret_err = r;
                        *ret_sent = sent;
                        return 0;
                }
                sent += used;
        }
        *ret_sent = sent;
        return 0;
}

static int send_one(struct sriov_ctx *ctx, int ifindex, unsigned vf, const struct sriov_vf_config *cfg, int *ret_err,
                    char *extack, size_t extack_size)
{
        struct vf_change ch = {.vf = vf, .cfg = *cfg};
        size_t sent;
        return send_changes(ctx, ifindex, &ch, 1, &sent, ret_err, extack, extack_size);
}

static void describe_refusals(struct text *t, const char *driver, const struct refusal *ref, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                char what[96];
                vf_attr_describe(ref[i].bit, &ref[i].cfg, what, sizeof(what));
                text_add(t, "%s%s refused by %s: %s (%s)%s%s", i ? "; " : "", what, driver, strerror(-ref[i].err),
                         sriov_errno_name(ref[i].err), ref[i].extack[0] ? ": " : "", ref[i].extack);
        }
}

/* The steps of one VF's change, one attribute each, in the kernel's order.
 * Two rates become two steps, ordered so that min never passes max. */
static size_t plan_steps(const struct sriov_vf_config *plan, const struct sriov_vf_link *cur,
                         struct sriov_vf_config steps[8], uint32_t bits[8])
{
        size_t n = 0;
        uint32_t set = plan->set;
        bool have = cur->present & SRIOV_VF_RATE;
        uint32_t cur_min = have ? cur->min_tx_rate : 0, cur_max = have ? cur->max_tx_rate : 0;
        bool min_first = plan->max_tx_rate && plan->max_tx_rate < cur_min;
        for (size_t i = 0; i < ELEMENTSOF(attr_order); i++) {
                uint32_t bit = attr_order[i];
                if (bit == SRIOV_VF_MIN_RATE && (set & RATE_BITS) == RATE_BITS) {
                        uint32_t first = min_first ? SRIOV_VF_MIN_RATE : SRIOV_VF_MAX_RATE;
                        uint32_t second = first ^ RATE_BITS;
                        steps[n] = *plan;
                        steps[n].set = first;
                        if (min_first)
                                steps[n].max_tx_rate = cur_max;
                        else
                                steps[n].min_tx_rate = cur_min;
                        bits[n++] = first;
                        steps[n] = *plan;
                        steps[n].set = second;
                        bits[n++] = second;
                        continue;
                }
                if (bit == SRIOV_VF_MAX_RATE && (set & RATE_BITS) == RATE_BITS)
                        continue;
                if (!(set & bit))
                        continue;
                steps[n] = *plan;
                steps[n].set = bit == SRIOV_VF_VLAN ? set & VLAN_BITS : bit;
                bits[n++] = bit;
        }
        return n;
}

/* One VF, attribute by attribute. Records every refusal; with rollback,
 * puts back the attributes that were applied when any was refused.
 * *ret_applied: the bits changed and left changed. */
static int set_steps(struct sriov_ctx *ctx, struct pf_run *p, struct answers *ans, unsigned vf,
                     const struct sriov_vf_config *plan, bool rollback, struct refusal *ref, size_t *ret_n_ref,
                     uint32_t *ret_applied, bool *ret_rolled_back)
{
        const struct sriov_vf_link *cur = &p->cur.vfs[vf];
        struct sriov_vf_config steps[8];
        uint32_t bits[8], applied = 0;
        size_t n = plan_steps(plan, cur, steps, bits), n_ref = 0;
        bool first_rate_refused = false;
        for (size_t i = 0; i < n; i++) {
                /* the second rate step keeps what the first one left */
                if (i > 0 && (bits[i] & RATE_BITS) && (bits[i - 1] & RATE_BITS) && first_rate_refused) {
                        bool have = cur->present & SRIOV_VF_RATE;
                        if (bits[i] == SRIOV_VF_MIN_RATE)
                                steps[i].max_tx_rate = have ? cur->max_tx_rate : 0;
                        else
                                steps[i].min_tx_rate = have ? cur->min_tx_rate : 0;
                }
                int err;
                char extack[256];
                int r = send_one(ctx, p->cur.ifindex, vf, &steps[i], &err, extack, sizeof(extack));
                if (r < 0)
                        return r;
                answers_record(ans, bits[i], &steps[i], err);
                if (err) {
                        ref[n_ref] = (struct refusal){.bit = bits[i], .cfg = steps[i], .err = err};
                        snprintf(ref[n_ref].extack, sizeof(ref[n_ref].extack), "%s", extack);
                        n_ref++;
                        if (bits[i] & RATE_BITS)
                                first_rate_refused = true;
                } else
                        applied |= bits[i] == SRIOV_VF_VLAN ? steps[i].set : bits[i];
        }
        *ret_n_ref = n_ref;
        *ret_rolled_back = false;
        if (n_ref && rollback && applied) {
                /* reverse order, one group per message, as they went */
                static const uint32_t groups[] = {SRIOV_VF_TRUST,    SRIOV_VF_QUERY_RSS, SRIOV_VF_LINK_STATE,
                                                  SRIOV_VF_SPOOFCHK, RATE_BITS,          VLAN_BITS,
                                                  SRIOV_VF_MAC};
                for (size_t i = 0; i < ELEMENTSOF(groups); i++) {
                        if (!(applied & groups[i]))
                                continue;
                        struct sriov_vf_config back;
                        restore_cfg(cur, groups[i], &back);
                        if (!(back.set & ~(uint32_t)SRIOV_VF_VLAN_PROTO))
                                continue; /* not reported before: nothing known to go back to */
                        int err;
                        char extack[256];
                        int r = send_one(ctx, p->cur.ifindex, vf, &back, &err, extack, sizeof(extack));
                        if (r < 0)
                                return r;
                        if (!err)
                                applied &= ~groups[i];
                }
                *ret_rolled_back = applied == 0;
        }
        *ret_applied = applied;
        return 0;
}

/* ---- sriov_vf_set -------------------------------------------------------------- */

static int lock_state(struct sriov_ctx *ctx, int *fd)
{
        int r = state_lock(ctx, LOCK_TIMEOUT_MS, fd);
        if (r < 0)
                ctx_error_prefix(ctx, "original VF settings cannot be kept safe, so nothing is changed");
        return r;
}

static void unverified_notice(struct sriov_ctx *ctx, const struct pf_run *p, unsigned vf, uint32_t bits,
                              const struct sriov_vf_config *c)
{
        struct text t = {0};
        for (size_t i = 0; i < ELEMENTSOF(attr_order); i++)
                if (bits & attr_order[i])
                        text_add(&t, "%s%s", t.s ? ", " : "", vf_attr_key(attr_order[i], c));
        if (bits & SRIOV_VF_VLAN_PROTO && !(bits & SRIOV_VF_VLAN))
                text_add(&t, "%sproto", t.s ? ", " : "");
        if (t.s)
                ctx_notice(ctx, "%s vf %u: %s does not report %s: applied but not verified", p->ref.ifname, vf,
                           p->ref.driver, t.s);
        text_done(&t);
}

static void describe_mismatch(struct text *t, uint32_t m, const struct sriov_vf_config *want,
                              const struct sriov_vf_link *got, const char *driver)
{
        unsigned said = 0;
        struct sriov_vf_config seen;
        vf_config_from_link(got, &seen);
        for (size_t i = 0; i < ELEMENTSOF(attr_order); i++) {
                uint32_t bit = attr_order[i];
                if (!(m & bit) && !(bit == SRIOV_VF_VLAN && (m & SRIOV_VF_VLAN_PROTO)))
                        continue;
                char a[96], b[96];
                vf_attr_describe(bit, want, a, sizeof(a));
                if (bit == SRIOV_VF_VLAN) {
                        snprintf(b, sizeof(b), "vlan %u qos %u proto %s", got->vlan, got->qos,
                                 vf_proto_name(got->present & SRIOV_VF_VLAN_PROTO ? got->vlan_proto : SRIOV_ETH_P_8021Q));
                } else {
                        char v[32];
                        vf_attr_value(bit, &seen, v, sizeof(v));
                        snprintf(b, sizeof(b), "%s", v);
                }
                text_add(t, "%s%s was accepted by %s but reads back as %s", said++ ? "; " : "", a, driver, b);
        }
}

int sriov_vf_set(struct sriov_ctx *ctx, const char *device, unsigned vf, const struct sriov_vf_config *cfg)
{
        return vf_set(ctx, device, vf, cfg, true);
}

int vf_set(struct sriov_ctx *ctx, const char *device, unsigned vf, const struct sriov_vf_config *cfg,
           bool save_first)
{
        ctx_clear_error(ctx);
        int r = sriov_vf_config_validate(ctx, cfg);
        if (r < 0) {
                ctx_error_prefix(ctx, "%s vf %u", device, vf);
                return r;
        }
        _cleanup_(pf_run_done) struct pf_run p = {0};
        if ((r = pf_run_open(ctx, device, &p)) < 0 || (r = pf_ref_check_vf(ctx, &p.ref, vf)) < 0)
                return r;
        _cleanup_state_unlock_ int lock = -1;
        if ((r = lock_state(ctx, &lock)) < 0 || (r = pf_run_read(ctx, &p)) < 0 || (r = check_vf(ctx, &p, vf)) < 0)
                return r;
        struct sriov_vf_config plan;
        vf_plan(cfg, &p.cur.vfs[vf], &plan);
        const char *ifname = p.ref.ifname, *driver = p.ref.driver;
        if (!plan.set) {
                ctx_notice(ctx, "%s vf %u: already set as requested: nothing to change", ifname, vf);
                return 0;
        }
        if (save_first && (r = save_originals(ctx, &p, &vf, 1)) < 0)
                return r;
        struct answers ans;
        answers_open(ctx, &ans, driver);
        struct refusal ref[8];
        size_t n_ref = 0;
        uint32_t applied = 0;
        bool rolled_back = false;
        r = set_steps(ctx, &p, &ans, vf, &plan, true, ref, &n_ref, &applied, &rolled_back);
        answers_close(ctx, &ans);
        if (r < 0)
                return r;
        struct text t = {0};
        if (n_ref) {
                text_add(&t, "%s vf %u: ", ifname, vf);
                describe_refusals(&t, driver, ref, n_ref);
                if (!applied) {
                        text_add(&t, "; nothing was changed");
                        forget_added(ctx, &p);
                } else
                        text_add(&t, "; rolling back failed: the VF is left partly changed (sriovctl restore %s vf %u "
                                     "puts back the saved original)",
                                 ifname, vf);
                r = t.err ? t.err : ctx_fail(ctx, ref[0].err, "%s", t.s);
                text_done(&t);
                return r;
        }
        /* read back: a value the kernel reports differently was ignored */
        struct vfinfo_reply after = {0};
        if ((r = pf_ref_read(ctx, &p.ref, &after)) < 0)
                return r;
        uint32_t m = 0, u = 0;
        if (vf < after.n && after.seen[vf])
                vf_compare(cfg, &after.vfs[vf], &m, &u);
        else
                u = normalized_set(cfg);
        if (m) {
                text_add(&t, "%s vf %u: ", ifname, vf);
                describe_mismatch(&t, m, cfg, &after.vfs[vf], driver);
                vfinfo_reply_done(&after);
                /* put back everything this call changed */
                answers_open(ctx, &ans, driver);
                struct sriov_vf_config back;
                restore_cfg(&p.cur.vfs[vf], plan.set, &back);
                int err = 0;
                char extack[256];
                r = send_one(ctx, p.cur.ifindex, vf, &back, &err, extack, sizeof(extack));
                answers_close(ctx, &ans);
                if (r < 0) {
                        text_done(&t);
                        return r;
                }
                if (err)
                        text_add(&t, "; rolling back failed (%s): sriovctl restore %s vf %u puts back the saved original",
                                 sriov_errno_name(err), ifname, vf);
                else {
                        text_add(&t, "; the driver silently ignored the value, nothing was changed");
                        forget_added(ctx, &p);
                }
                r = t.err ? t.err : ctx_fail(ctx, -EIO, "%s", t.s);
                text_done(&t);
                return r;
        }
        vfinfo_reply_done(&after);
        unverified_notice(ctx, &p, vf, u, cfg);
        return 0;
}

/* ---- sriov_vf_apply ---------------------------------------------------------------- */

static const char *origin_prefix(const struct sriov_vf_request *q, char *buf, size_t size)
{
        if (q->origin)
                snprintf(buf, size, "%s: ", q->origin);
        else
                buf[0] = 0;
        return buf;
}

/* Restores the given changes of one PF to the settings read before the
 * run (one message per 64 KiB); falls back to one VF at a time. */
static int undo_changes(struct sriov_ctx *ctx, struct pf_run *p, size_t count)
{
        if (!count)
                return 0;
        _cleanup_free_ struct vf_change *back = calloc(count, sizeof(*back));
        if (!back)
                return -ENOMEM;
        for (size_t i = 0; i < count; i++) {
                const struct vf_change *c = &p->changes[i];
                struct sriov_vf_config b;
                restore_cfg(&p->cur.vfs[c->vf], normalized_set(&c->cfg), &b);
                back[i] = (struct vf_change){.vf = c->vf, .cfg = b};
        }
        size_t sent;
        int err;
        char extack[256];
        int r = send_changes(ctx, p->cur.ifindex, back, count, &sent, &err, extack, sizeof(extack));
        if (r < 0 || !err)
                return r;
        /* one VF refused its old settings: do the rest one by one */
        int first = err;
        for (size_t i = sent; i < count; i++) {
                r = send_changes(ctx, p->cur.ifindex, &back[i], 1, &sent, &err, extack, sizeof(extack));
                if (r < 0)
                        return r;
        }
        return first;
}

/* The first change among [from, to) that the PF does not show applied. */
static size_t find_refused(const struct pf_run *p, const struct vfinfo_reply *now, size_t from, size_t to)
{
        for (size_t i = from; i < to; i++) {
                const struct vf_change *c = &p->changes[i];
                if (c->vf >= now->n || !now->seen[c->vf])
                        return i;
                uint32_t m, u;
                vf_compare(&c->cfg, &now->vfs[c->vf], &m, &u);
                if (m)
                        return i;
        }
        return from;
}

/* The kernel refused one RTM_SETLINK of run `pi`: name the VF and its
 * refused attributes, and restore every VF changed in this run. */
static int apply_failed(struct sriov_ctx *ctx, struct pf_run *runs, size_t n_runs, size_t pi, int kerr,
                        const char *kextack)
{
        struct pf_run *p = &runs[pi];
        struct vfinfo_reply now = {0};
        size_t failing = p->n_sent;
        /* the refused message held changes [n_sent, next split); the kernel
         * applied its entries in order, so the first one not applied is it */
        size_t end = p->n_sent;
        {
                size_t used = 0;
                struct nl_msg *m;
                if (vf_build_setlink(p->cur.ifindex, p->changes + p->n_sent, p->n_changes - p->n_sent, VFINFO_LIST_MAX, &m,
                                     &used) == 0)
                        nlmsg_free(m);
                end = p->n_sent + used;
        }
        if (pf_ref_read(ctx, &p->ref, &now) == 0)
                failing = find_refused(p, &now, p->n_sent, end);
        vfinfo_reply_done(&now);
        ctx_clear_error(ctx);
        const struct vf_change *fc = &p->changes[failing];
        const struct sriov_vf_request *fq = p->change_req[failing];

        /* restore: every earlier PF in full, this one up to the failing VF */
        size_t n_restored = 0;
        int undo_err = 0;
        for (size_t i = 0; i <= pi; i++) {
                size_t count = i < pi ? runs[i].n_changes : failing + 1;
                int r = undo_changes(ctx, &runs[i], count);
                if (r < 0 && !undo_err)
                        undo_err = r;
                n_restored += i < pi ? count : failing;
        }
        /* what exactly did the driver refuse? its attributes one at a time */
        struct answers ans;
        answers_open(ctx, &ans, p->ref.driver);
        struct refusal ref[8];
        size_t n_ref = 0;
        uint32_t applied = 0;
        bool rolled_back = false;
        int r = set_steps(ctx, p, &ans, fc->vf, &fc->cfg, true, ref, &n_ref, &applied, &rolled_back);
        answers_close(ctx, &ans);
        if (r < 0)
                return r;
        if (!n_ref && applied) {
                /* every attribute went in alone: the batch failed for another
                 * reason; this VF is put back like the others */
                struct sriov_vf_config back;
                restore_cfg(&p->cur.vfs[fc->vf], applied, &back);
                int err;
                char extack[256];
                if ((r = send_one(ctx, p->cur.ifindex, fc->vf, &back, &err, extack, sizeof(extack))) < 0)
                        return r;
                if (!err)
                        applied = 0;
        }
        /* check that the restore took */
        bool all_back = !undo_err && !applied;
        for (size_t i = 0; i <= pi && all_back; i++) {
                if (pf_ref_read(ctx, &runs[i].ref, &now) < 0) {
                        ctx_clear_error(ctx);
                        all_back = false;
                        break;
                }
                size_t count = i < pi ? runs[i].n_changes : failing + 1;
                for (size_t k = 0; k < count && all_back; k++) {
                        const struct vf_change *c = &runs[i].changes[k];
                        struct sriov_vf_config b;
                        restore_cfg(&runs[i].cur.vfs[c->vf], normalized_set(&c->cfg), &b);
                        uint32_t m = 0, u = 0;
                        if (c->vf < now.n && now.seen[c->vf])
                                vf_compare(&b, &now.vfs[c->vf], &m, &u);
                        all_back = m == 0;
                }
                vfinfo_reply_done(&now);
        }
        if (all_back)
                for (size_t i = 0; i < n_runs; i++)
                        forget_added(ctx, &runs[i]);

        char pre[256];
        struct text t = {0};
        text_add(&t, "%s%s vf %u: ", origin_prefix(fq, pre, sizeof(pre)), p->ref.ifname, fc->vf);
        if (n_ref)
                describe_refusals(&t, p->ref.driver, ref, n_ref);
        else
                text_add(&t, "the kernel refused the batch with %s (%s)%s%s, but accepts this VF's attributes one by "
                             "one",
                         strerror(-kerr), sriov_errno_name(kerr), kextack[0] ? ": " : "", kextack);
        if (all_back && n_restored)
                text_add(&t, "; the %zu VF%s changed before it %s restored: nothing was changed", n_restored,
                         n_restored == 1 ? "" : "s", n_restored == 1 ? "was" : "were");
        else if (all_back)
                text_add(&t, "; nothing was changed");
        else
                text_add(&t, "; restoring the VFs changed before it failed%s%s: `sriovctl restore DEVICE vf all` puts "
                             "back the saved originals",
                         undo_err ? ": " : "", undo_err ? sriov_errno_name(undo_err) : "");
        r = t.err ? t.err : ctx_fail(ctx, n_ref ? ref[0].err : kerr, "%s", t.s);
        text_done(&t);
        return r;
}

static int add_change(struct pf_run *p, const struct sriov_vf_request *q, const struct sriov_vf_config *plan,
                      size_t *cap)
{
        if (p->n_changes == *cap) {
                *cap = *cap ? *cap * 2 : 64;
                struct vf_change *c = realloc(p->changes, *cap * sizeof(*c));
                if (!c)
                        return -ENOMEM;
                p->changes = c;
                const struct sriov_vf_request **cr = realloc(p->change_req, *cap * sizeof(*cr));
                if (!cr)
                        return -ENOMEM;
                p->change_req = cr;
        }
        p->changes[p->n_changes] = (struct vf_change){.vf = q->vf, .cfg = *plan};
        p->change_req[p->n_changes++] = q;
        return 0;
}

struct apply_ctx {
        struct pf_run *runs;
        size_t n_runs;
        size_t *run_of; /* per request */
};

static void apply_ctx_done(struct apply_ctx *a)
{
        for (size_t i = 0; i < a->n_runs; i++)
                pf_run_done(&a->runs[i]);
        free(a->runs);
        free(a->run_of);
}

/* Each request's values follow the rules, before anything is looked up. */
static int apply_validate(struct sriov_ctx *ctx, const struct sriov_vf_request *reqs, size_t n)
{
        char pre[256];
        int r;
        for (size_t i = 0; i < n; i++)
                if ((r = sriov_vf_config_validate(ctx, &reqs[i].config)) < 0) {
                        ctx_error_prefix(ctx, "%s%s vf %u", origin_prefix(&reqs[i], pre, sizeof(pre)), reqs[i].device,
                                         reqs[i].vf);
                        return r;
                }
        return 0;
}

/* One run per PF: each device word resolved once, words naming the same
 * PF share a run. */
static int apply_resolve(struct sriov_ctx *ctx, struct apply_ctx *a, const struct sriov_vf_request *reqs, size_t n)
{
        int r;
        a->run_of = calloc(n, sizeof(size_t));
        if (!a->run_of)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                /* a device word seen before shares its run: the one on the
                 * line before (a file lists a PF's VFs together), or the
                 * first with that word. (Written as a search for `seen`:
                 * clang 14 -O2 compiled the earlier form, a loop ending on
                 * the match, as if every later word matched the first.) */
                size_t seen = i;
                if (i > 0 && strcmp(reqs[i].device, reqs[i - 1].device) == 0)
                        seen = i - 1;
                for (size_t j = 0; seen == i && j < i; j++)
                        if (strcmp(reqs[j].device, reqs[i].device) == 0)
                                seen = j;
                if (seen < i) {
                        a->run_of[i] = a->run_of[seen];
                        continue;
                }
                struct pf_run p;
                if ((r = pf_run_open(ctx, reqs[i].device, &p)) < 0) {
                        ctx_error_prefix(ctx, "%s", reqs[i].origin ? reqs[i].origin : reqs[i].device);
                        return r;
                }
                size_t k;
                for (k = 0; k < a->n_runs && strcmp(a->runs[k].ref.name, p.ref.name) != 0; k++)
                        ;
                if (k < a->n_runs) {
                        pf_run_done(&p);
                } else {
                        struct pf_run *nr = realloc(a->runs, (a->n_runs + 1) * sizeof(*nr));
                        if (!nr) {
                                pf_run_done(&p);
                                return -ENOMEM;
                        }
                        a->runs = nr;
                        a->runs[a->n_runs++] = p;
                }
                a->run_of[i] = k;
        }
        return 0;
}

struct vf_slot {
        size_t run;
        unsigned vf;
        size_t index; /* of the request */
};

static int cmp_slot(const void *x, const void *y)
{
        const struct vf_slot *a = x, *b = y;
        if (a->run != b->run)
                return a->run < b->run ? -1 : 1;
        if (a->vf != b->vf)
                return a->vf < b->vf ? -1 : 1;
        return (a->index > b->index) - (a->index < b->index);
}

/* Before any netlink request: each VF index is below its PF's
 * sriov_numvfs, and each VF is named once, also through two names of one
 * PF ("enp2s0" and its address). */
static int apply_precheck(struct sriov_ctx *ctx, struct apply_ctx *a, const struct sriov_vf_request *reqs, size_t n)
{
        char pre[256];
        int r;
        for (size_t i = 0; i < n; i++)
                if ((r = pf_ref_check_vf(ctx, &a->runs[a->run_of[i]].ref, reqs[i].vf)) < 0) {
                        if (reqs[i].origin)
                                ctx_error_prefix(ctx, "%s", reqs[i].origin);
                        return r;
                }
        _cleanup_free_ struct vf_slot *slots = calloc(n ? n : 1, sizeof(*slots));
        if (!slots)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                slots[i] = (struct vf_slot){a->run_of[i], reqs[i].vf, i};
        qsort(slots, n, sizeof(*slots), cmp_slot);
        /* of all the repeats, the one the file reaches first */
        const struct vf_slot *dup = NULL;
        for (size_t i = 1; i < n; i++)
                if (slots[i].run == slots[i - 1].run && slots[i].vf == slots[i - 1].vf &&
                    (!dup || slots[i].index < dup->index))
                        dup = &slots[i];
        if (!dup)
                return 0;
        const struct sriov_vf_request *later = &reqs[dup->index], *first = &reqs[(dup - 1)->index];
        return ctx_fail(ctx, -EBADMSG, "%s%s vf %u is already configured at %s (as %s vf %u, the same VF of %s): one "
                        "request per VF",
                        origin_prefix(later, pre, sizeof(pre)), later->device, later->vf,
                        first->origin ? first->origin : "an earlier request", first->device, first->vf,
                        a->runs[dup->run].ref.name);
}

/* Every VF exists and is readable, as the kernel answers now. */
static int apply_check_vfs(struct sriov_ctx *ctx, struct apply_ctx *a, const struct sriov_vf_request *reqs,
                           size_t n)
{
        int r;
        for (size_t i = 0; i < n; i++) {
                struct pf_run *p = &a->runs[a->run_of[i]];
                if ((r = check_vf(ctx, p, reqs[i].vf)) < 0) {
                        if (reqs[i].origin)
                                ctx_error_prefix(ctx, "%s", reqs[i].origin);
                        return r;
                }
        }
        return 0;
}

/* What differs from now, per PF in request order. */
static int apply_plan(struct apply_ctx *a, const struct sriov_vf_request *reqs, size_t n)
{
        int r;
        _cleanup_free_ size_t *caps = calloc(a->n_runs, sizeof(size_t));
        if (!caps)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                struct pf_run *p = &a->runs[a->run_of[i]];
                struct sriov_vf_config plan;
                vf_plan(&reqs[i].config, &p->cur.vfs[reqs[i].vf], &plan);
                if (plan.set && (r = add_change(p, &reqs[i], &plan, &caps[a->run_of[i]])) < 0)
                        return r;
        }
        return 0;
}

/* The originals, before the first change. */
static int apply_save_originals(struct sriov_ctx *ctx, struct apply_ctx *a)
{
        int r;
        for (size_t k = 0; k < a->n_runs; k++) {
                struct pf_run *p = &a->runs[k];
                if (!p->n_changes)
                        continue;
                _cleanup_free_ unsigned *vfs = calloc(p->n_changes, sizeof(unsigned));
                if (!vfs)
                        return -ENOMEM;
                for (size_t i = 0; i < p->n_changes; i++)
                        vfs[i] = p->changes[i].vf;
                if ((r = save_originals(ctx, p, vfs, p->n_changes)) < 0) {
                        for (size_t j = 0; j < k; j++)
                                forget_added(ctx, &a->runs[j]);
                        return r;
                }
        }
        return 0;
}

/* One RTM_SETLINK per PF (per 64 KiB). */
static int apply_send(struct sriov_ctx *ctx, struct apply_ctx *a)
{
        int r;
        for (size_t k = 0; k < a->n_runs; k++) {
                struct pf_run *p = &a->runs[k];
                int err;
                char extack[256];
                if ((r = send_changes(ctx, p->cur.ifindex, p->changes, p->n_changes, &p->n_sent, &err, extack,
                                      sizeof(extack))) < 0)
                        return r;
                if (err)
                        return apply_failed(ctx, a->runs, a->n_runs, k, err, extack);
        }
        return 0;
}

/* Reads back every PF once: a value reported differently was ignored, and
 * every VF of the run is put back. */
static int apply_verify(struct sriov_ctx *ctx, struct apply_ctx *a)
{
        char pre[256];
        int r;
        struct text t = {0};
        for (size_t k = 0; k < a->n_runs && !t.s; k++) {
                struct pf_run *p = &a->runs[k];
                if (!p->n_changes)
                        continue;
                struct vfinfo_reply after = {0};
                if ((r = pf_ref_read(ctx, &p->ref, &after)) < 0)
                        return r;
                uint32_t unverified = 0;
                size_t n_unverified = 0;
                for (size_t i = 0; i < p->n_changes; i++) {
                        const struct sriov_vf_request *q = p->change_req[i];
                        uint32_t m = 0, u = 0;
                        if (q->vf < after.n && after.seen[q->vf])
                                vf_compare(&q->config, &after.vfs[q->vf], &m, &u);
                        else
                                u = normalized_set(&q->config);
                        if (u) {
                                unverified |= u;
                                n_unverified++;
                        }
                        if (m) {
                                text_add(&t, "%s%s vf %u: ", origin_prefix(q, pre, sizeof(pre)), p->ref.ifname, q->vf);
                                describe_mismatch(&t, m, &q->config, &after.vfs[q->vf], p->ref.driver);
                                break;
                        }
                }
                vfinfo_reply_done(&after);
                if (unverified && !t.s) {
                        struct text w = {0};
                        for (size_t b = 0; b < ELEMENTSOF(attr_order); b++)
                                if (unverified & attr_order[b])
                                        text_add(&w, "%s%s", w.s ? ", " : "", vf_attr_key(attr_order[b], &p->changes[0].cfg));
                        if (w.s)
                                ctx_notice(ctx, "%s: %s does not report %s for %zu VF%s: applied but not verified",
                                           p->ref.ifname, p->ref.driver, w.s, n_unverified, n_unverified == 1 ? "" : "s");
                        text_done(&w);
                }
        }
        if (t.s) {
                int undo_err = 0;
                for (size_t k = 0; k < a->n_runs; k++) {
                        int e = undo_changes(ctx, &a->runs[k], a->runs[k].n_changes);
                        if (e < 0 && !undo_err)
                                undo_err = e;
                }
                if (!undo_err) {
                        text_add(&t, "; the driver silently ignored the value, every VF of this run was restored");
                        for (size_t k = 0; k < a->n_runs; k++)
                                forget_added(ctx, &a->runs[k]);
                } else
                        text_add(&t, "; restoring failed (%s): `sriovctl restore DEVICE vf all` puts back the saved originals",
                                 sriov_errno_name(undo_err));
                r = t.err ? t.err : ctx_fail(ctx, -EIO, "%s", t.s);
                text_done(&t);
                return r;
        }
        return 0;
}

/* What the drivers accepted. */
static void apply_record_answers(struct sriov_ctx *ctx, struct apply_ctx *a)
{
        for (size_t k = 0; k < a->n_runs; k++) {
                struct pf_run *p = &a->runs[k];
                if (!p->n_changes)
                        continue;
                struct answers ans;
                answers_open(ctx, &ans, p->ref.driver);
                uint32_t done = 0;
                for (size_t i = 0; i < p->n_changes; i++) {
                        uint32_t set = normalized_set(&p->changes[i].cfg);
                        for (size_t b = 0; b < ELEMENTSOF(attr_order); b++) {
                                uint32_t bit = attr_order[b];
                                uint32_t key = bit == SRIOV_VF_VLAN && want_proto(&p->changes[i].cfg) == SRIOV_ETH_P_8021AD
                                                       ? SRIOV_VF_VLAN_PROTO
                                                       : bit;
                                if ((set & bit) && !(done & key)) {
                                        answers_record(&ans, bit, &p->changes[i].cfg, 0);
                                        done |= key;
                                }
                        }
                }
                answers_close(ctx, &ans);
        }
}

int sriov_vf_apply(struct sriov_ctx *ctx, const struct sriov_vf_request *reqs, size_t n)
{
        ctx_clear_error(ctx);
        int r;
        if ((r = apply_validate(ctx, reqs, n)) < 0)
                return r;
        if (!n)
                return 0;
        _cleanup_(apply_ctx_done) struct apply_ctx a = {0};
        if ((r = apply_resolve(ctx, &a, reqs, n)) < 0 || (r = apply_precheck(ctx, &a, reqs, n)) < 0)
                return r;
        _cleanup_state_unlock_ int lock = -1;
        if ((r = lock_state(ctx, &lock)) < 0)
                return r;
        for (size_t k = 0; k < a.n_runs; k++)
                if ((r = pf_run_read(ctx, &a.runs[k])) < 0)
                        return r;
        if ((r = apply_check_vfs(ctx, &a, reqs, n)) < 0 || (r = apply_plan(&a, reqs, n)) < 0 ||
            (r = apply_save_originals(ctx, &a)) < 0 || (r = apply_send(ctx, &a)) < 0 ||
            (r = apply_verify(ctx, &a)) < 0)
                return r;
        apply_record_answers(ctx, &a);
        return 0;
}

static int cmp_unsigned(const void *a, const void *b)
{
        unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
        return (x > y) - (x < y);
}

int sriov_vf_saved(struct sriov_ctx *ctx, const char *device, unsigned **ret, size_t *ret_n)
{
        ctx_clear_error(ctx);
        _cleanup_(pf_run_done) struct pf_run p = {0};
        int r = pf_run_open(ctx, device, &p);
        if (r < 0)
                return r;
        /* no lock: the file is only ever replaced whole */
        r = state_load(ctx, p.relpath, &p.doc);
        if (r == -ENOENT) {
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        if (r < 0 || (r = load_doc(ctx, &p)) < 0)
                return r;
        json_object *saved = doc_vfs(&p);
        size_t n = 0, cap = (size_t)json_object_object_length(saved);
        unsigned *vfs = calloc(cap ? cap : 1, sizeof(*vfs));
        if (!vfs)
                return -ENOMEM;
        json_object_object_foreach(saved, key, val)
        {
                (void)val;
                char *end;
                unsigned long v = strtoul(key, &end, 10);
                if (!*end && *key && v <= INT32_MAX && n < cap)
                        vfs[n++] = (unsigned)v;
        }
        qsort(vfs, n, sizeof(*vfs), cmp_unsigned);
        *ret = vfs;
        *ret_n = n;
        return 0;
}

/* ---- sriov_vf_restore -------------------------------------------------------- */

/* The VFs restore puts back (vf, or all with SRIOV_VF_ALL) and their saved
 * settings; saved settings of VFs that are gone are dropped from the doc. */
struct restore_targets {
        struct sriov_vf_config *wants;
        unsigned *targets;
        size_t n, cap;
        bool doc_changed;
};

static void restore_targets_done(struct restore_targets *rt)
{
        free(rt->wants);
        free(rt->targets);
}

static int restore_targets(struct sriov_ctx *ctx, struct pf_run *p, json_object *saved, unsigned vf,
                           struct restore_targets *rt)
{
        int r;
        _cleanup_strv_free_ char **keys = NULL;
        {
                json_object_object_foreach(saved, vfkey, vfval)
                {
                        (void)vfval;
                        if ((r = strv_push(&keys, vfkey)) < 0)
                                return r;
                }
        }
        for (char **k = keys; k && *k; k++) {
                char *end;
                unsigned long v = strtoul(*k, &end, 10);
                json_object *val = NULL;
                json_object_object_get_ex(saved, *k, &val);
                if (*end || !**k || v > INT32_MAX)
                        return ctx_fail(ctx, -EBADMSG, "state file %s/%s: \"%s\" is not a VF number", state_dir(ctx),
                                        p->relpath, *k);
                if (vf != SRIOV_VF_ALL && v != vf)
                        continue;
                struct sriov_vf_config want;
                if (!json_object_is_type(val, json_type_string) ||
                    vf_words_to_config(ctx, p->ref.ifname, (unsigned)v, json_object_get_string(val), &want) < 0) {
                        ctx_clear_error(ctx);
                        return ctx_fail(ctx, -EBADMSG, "state file %s/%s: the saved settings of vf %s are malformed",
                                        state_dir(ctx), p->relpath, *k);
                }
                if ((int64_t)v >= num_vf(p)) {
                        ctx_notice(ctx, "%s vf %lu: no longer exists (%s has %" PRId64 " VFs): its saved settings are dropped",
                                   p->ref.ifname, v, p->ref.ifname, num_vf(p));
                        json_object_object_del(saved, *k);
                        rt->doc_changed = true;
                        continue;
                }
                if ((r = check_vf(ctx, p, (unsigned)v)) < 0)
                        return r;
                if (rt->n == rt->cap) {
                        rt->cap = rt->cap ? rt->cap * 2 : 16;
                        void *a = realloc(rt->wants, rt->cap * sizeof(*rt->wants)), *b;
                        if (!a)
                                return -ENOMEM;
                        rt->wants = a;
                        if (!(b = realloc(rt->targets, rt->cap * sizeof(*rt->targets))))
                                return -ENOMEM;
                        rt->targets = b;
                }
                rt->wants[rt->n] = want;
                rt->targets[rt->n++] = (unsigned)v;
        }
        return 0;
}

/* The driver refused an old value in the batch: put back what it takes,
 * VF by VF, naming each refusal in t; the first goes to all_ref. */
static int restore_one_by_one(struct sriov_ctx *ctx, struct pf_run *p, const struct restore_targets *rt,
                              struct text *t, struct refusal *all_ref, size_t *n_all_ref)
{
        int r;
        struct answers ans;
        answers_open(ctx, &ans, p->ref.driver);
        struct vfinfo_reply now = {0};
        if ((r = pf_ref_read(ctx, &p->ref, &now)) < 0) {
                answers_close(ctx, &ans);
                return r;
        }
        vfinfo_reply_done(&p->cur);
        p->cur = now;
        for (size_t i = 0; i < rt->n; i++) {
                struct sriov_vf_config plan;
                if (rt->targets[i] >= p->cur.n || !p->cur.seen[rt->targets[i]])
                        continue; /* gone meanwhile: the read-back after says so */
                vf_plan(&rt->wants[i], &p->cur.vfs[rt->targets[i]], &plan);
                if (!plan.set)
                        continue;
                struct refusal ref[8];
                size_t n_ref = 0;
                uint32_t applied;
                bool rb;
                if ((r = set_steps(ctx, p, &ans, rt->targets[i], &plan, false, ref, &n_ref, &applied, &rb)) < 0) {
                        answers_close(ctx, &ans);
                        return r;
                }
                if (n_ref) {
                        text_add(t, "%s%s vf %u: ", t->s ? "; " : "", p->ref.ifname, rt->targets[i]);
                        describe_refusals(t, p->ref.driver, ref, n_ref);
                        if (!*n_all_ref)
                                all_ref[(*n_all_ref)++] = ref[0];
                }
        }
        answers_close(ctx, &ans);
        return 0;
}

int vf_restore_verify(const struct vfinfo_reply *after, unsigned vf, const struct sriov_vf_config *want,
                      const char *ifname, const char *driver, char **ret_why)
{
        struct text t = {0};
        if (vf >= after->n || !after->seen[vf]) {
                /* the VF count shrank since the first read: there is no
                 * entry to compare with (nor to read past) */
                text_add(&t, "%s vf %u: not reported by the kernel after the restore (%s reports %zu VFs now)",
                         ifname, vf, ifname, after->n_seen);
        } else {
                uint32_t m = 0, u = 0;
                vf_compare(want, &after->vfs[vf], &m, &u);
                if (!m)
                        return 0;
                text_add(&t, "%s vf %u: ", ifname, vf);
                describe_mismatch(&t, m, want, &after->vfs[vf], driver);
        }
        if (t.err)
                return t.err;
        *ret_why = t.s;
        return 1;
}

int sriov_vf_restore(struct sriov_ctx *ctx, const char *device, unsigned vf, unsigned *ret_restored)
{
        return vf_restore_some(ctx, device, vf, UINT32_MAX, ret_restored);
}

int vf_restore_some(struct sriov_ctx *ctx, const char *device, unsigned vf, uint32_t bits, unsigned *ret_restored)
{
        ctx_clear_error(ctx);
        _cleanup_(pf_run_done) struct pf_run p = {0};
        int r = pf_run_open(ctx, device, &p);
        if (r < 0)
                return r;
        _cleanup_state_unlock_ int lock = -1;
        if ((r = state_lock(ctx, LOCK_TIMEOUT_MS, &lock)) < 0)
                return r;
        r = state_load(ctx, p.relpath, &p.doc);
        /* a VF beyond sriov_numvfs is a mistake, unless it has saved
         * settings (the VFs were fewer since): those are dropped below */
        if (vf != SRIOV_VF_ALL && (r == 0 || r == -ENOENT) && !saved_has(p.doc, vf)) {
                int e = pf_ref_check_vf(ctx, &p.ref, vf);
                if (e < 0)
                        return e;
        }
        if (r == -ENOENT) {
                if (vf == SRIOV_VF_ALL)
                        ctx_notice(ctx, "%s: no VF has saved settings: nothing to restore", p.ref.ifname);
                else
                        ctx_notice(ctx, "%s vf %u: no saved settings: nothing to restore", p.ref.ifname, vf);
                if (ret_restored)
                        *ret_restored = 0;
                return 0;
        }
        if (r < 0 || (r = load_doc(ctx, &p)) < 0 || (r = pf_run_read(ctx, &p)) < 0)
                return r;
        json_object *saved = doc_vfs(&p);
        /* the VFs to restore and what to put back */
        _cleanup_(restore_targets_done) struct restore_targets rt = {0};
        struct sriov_vf_request dummy = {0};
        if ((r = restore_targets(ctx, &p, saved, vf, &rt)) < 0)
                return r;
        for (size_t i = 0; i < rt.n; i++)
                rt.wants[i].set &= bits;
        struct sriov_vf_config *wants = rt.wants;
        unsigned *targets = rt.targets;
        size_t n_targets = rt.n;
        bool doc_changed = rt.doc_changed;
        if (vf != SRIOV_VF_ALL && !n_targets && !doc_changed)
                ctx_notice(ctx, "%s vf %u: no saved settings: nothing to restore", p.ref.ifname, vf);
        /* one batch of what differs */
        size_t change_cap = 0;
        for (size_t i = 0; i < n_targets; i++) {
                struct sriov_vf_config plan;
                vf_plan(&wants[i], &p.cur.vfs[targets[i]], &plan);
                if (plan.set && (r = add_change(&p, &dummy, &plan, &change_cap)) < 0)
                        return r;
                if (plan.set)
                        p.changes[p.n_changes - 1].vf = targets[i];
        }
        int err = 0;
        char extack[256];
        if (p.n_changes && (r = send_changes(ctx, p.cur.ifindex, p.changes, p.n_changes, &p.n_sent, &err, extack,
                                             sizeof(extack))) < 0)
                return r;
        struct refusal all_ref[8];
        size_t n_all_ref = 0;
        struct text t = {0};
        if (err) {
                /* the driver refused an old value: put back what it takes, VF by VF */
                if ((r = restore_one_by_one(ctx, &p, &rt, &t, all_ref, &n_all_ref)) < 0)
                        return r;
        }
        /* verify and forget what is back */
        struct vfinfo_reply after = {0};
        if ((r = pf_ref_read(ctx, &p.ref, &after)) < 0) {
                text_done(&t);
                return r;
        }
        unsigned restored = 0;
        char key[16];
        for (size_t i = 0; i < n_targets; i++) {
                unsigned v = targets[i];
                _cleanup_free_ char *why = NULL;
                if ((r = vf_restore_verify(&after, v, &wants[i], p.ref.ifname, p.ref.driver, &why)) < 0) {
                        vfinfo_reply_done(&after);
                        text_done(&t);
                        return r;
                }
                if (r > 0) {
                        if (!err)
                                text_add(&t, "%s%s", t.s ? "; " : "", why);
                        continue;
                }
                snprintf(key, sizeof(key), "%u", v);
                json_object_object_del(saved, key);
                doc_changed = true;
                restored++;
        }
        vfinfo_reply_done(&after);
        if (doc_changed && (r = write_doc(ctx, &p)) < 0) {
                text_done(&t);
                return r;
        }
        if (t.s) {
                text_add(&t, "; %u of %zu VFs restored, the others keep their saved settings for another try", restored,
                         n_targets);
                r = t.err ? t.err : ctx_fail(ctx, n_all_ref ? all_ref[0].err : -EIO, "%s", t.s);
                text_done(&t);
                return r;
        }
        if (ret_restored)
                *ret_restored = restored;
        return 0;
}
