/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VF settings grammar: the words of `sriovctl set`, of each line of an
 * apply file and of the desired state's VF lines (one grammar, one parser,
 * its words in vfwords.c), and the rules a value must meet. Pure
 * functions: no sysfs, no netlink. */
#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include "vfparse.h"
#include "vfwords.h"

void sriov_vf_request_done(struct sriov_vf_request *r)
{
        if (!r)
                return;
        free(r->device);
        free(r->origin);
        r->device = r->origin = NULL;
}

void sriov_vf_requests_free(struct sriov_vf_request *reqs, size_t n)
{
        for (size_t i = 0; i < n; i++)
                sriov_vf_request_done(&reqs[i]);
        free(reqs);
}

/* A decimal number, whole string, no sign, at most max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *ret)
{
        if (!*s)
                return -EINVAL;
        uint64_t v = 0;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                if (v > (UINT64_MAX - 9) / 10)
                        return -ERANGE;
                v = v * 10 + (uint64_t)(*p - '0');
        }
        if (v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int sriov_vf_config_validate(struct sriov_ctx *ctx, const struct sriov_vf_config *c)
{
        ctx_clear_error(ctx);
        const uint32_t known = SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO | SRIOV_VF_SPOOFCHK |
                               SRIOV_VF_TRUST | SRIOV_VF_LINK_STATE | SRIOV_VF_MIN_RATE | SRIOV_VF_MAX_RATE |
                               SRIOV_VF_QUERY_RSS;
        uint32_t set = c->set;
        if (set & SRIOV_VF_RATE) /* both halves */
                set = (set & ~(uint32_t)SRIOV_VF_RATE) | SRIOV_VF_MIN_RATE | SRIOV_VF_MAX_RATE;
        if (set & ~known)
                return ctx_fail(ctx, -EINVAL, "unknown bits 0x%x in the set mask", set & ~known);
        if (!set)
                return ctx_fail(ctx, -EINVAL,
                                "nothing to set: give at least one of mac, vlan, spoofchk, trust, state, "
                                "min-rate, max-rate, query-rss");
        char mac[18];
        if ((set & SRIOV_VF_MAC) && (c->mac[0] & 1) && !ctx->skip_value_checks) {
                sriov_format_mac(c->mac, mac);
                return ctx_fail(ctx, -EINVAL,
                                "mac %s: a VF MAC address must be unicast (the multicast bit 01:00:00:00:00:00 "
                                "is set%s)",
                                mac, memcmp(c->mac, "\xff\xff\xff\xff\xff\xff", 6) == 0 ? "; this is broadcast" : "");
        }
        if ((set & SRIOV_VF_VLAN) && !ctx->skip_value_checks) {
                if (c->vlan > 4095)
                        return ctx_fail(ctx, -EINVAL, "vlan %u: a VLAN ID must be 0-4095 (0: no port VLAN)",
                                        c->vlan);
                if (c->qos > 7)
                        return ctx_fail(ctx, -EINVAL, "qos %u: a QoS (802.1p priority) must be 0-7", c->qos);
        }
        if (!(set & SRIOV_VF_VLAN) && c->qos)
                return ctx_fail(ctx, -EINVAL, "qos %u: qos needs a vlan in the same request (vlan ID qos Q)",
                                c->qos);
        if (set & SRIOV_VF_VLAN_PROTO) {
                if (!(set & SRIOV_VF_VLAN))
                        return ctx_fail(ctx, -EINVAL,
                                        "proto %s: proto needs a vlan in the same request (vlan ID proto P)",
                                        vf_proto_name(c->vlan_proto));
                if (c->vlan_proto != SRIOV_ETH_P_8021Q && c->vlan_proto != SRIOV_ETH_P_8021AD)
                        return ctx_fail(ctx, -EINVAL, "proto 0x%04x: the VLAN protocol must be 802.1Q or 802.1ad",
                                        c->vlan_proto);
        }
        if ((set & SRIOV_VF_LINK_STATE) && c->link_state != SRIOV_LINK_AUTO &&
            c->link_state != SRIOV_LINK_ENABLE && c->link_state != SRIOV_LINK_DISABLE)
                return ctx_fail(ctx, -EINVAL, "state %d: the link state must be auto, enable or disable",
                                (int)c->link_state);
        if ((set & SRIOV_VF_MIN_RATE) && (set & SRIOV_VF_MAX_RATE) && c->max_tx_rate &&
            c->min_tx_rate > c->max_tx_rate && !ctx->skip_value_checks)
                return ctx_fail(ctx, -EINVAL,
                                "min-rate %" PRIu32 " is above max-rate %" PRIu32
                                ": the minimum rate must not exceed the maximum (max-rate 0: no limit)",
                                c->min_tx_rate, c->max_tx_rate);
        return 0;
}

/* The word at k of sriov_vf_words() that w spells (ours or another
 * spelling of it); N_VF_WORDS when none. */
static enum vf_word find_word(const char *w)
{
        const struct sriov_vf_word *t = sriov_vf_words();
        for (size_t k = 0; k < N_VF_WORDS; k++) {
                if (strcmp(w, t[k].word) == 0)
                        return (enum vf_word)k;
                for (const char *const *a = t[k].aliases; *a; a++)
                        if (strcmp(w, *a) == 0)
                                return (enum vf_word)k;
        }
        return N_VF_WORDS;
}

/* "mac, vlan, ... or query-rss; or ip link's min_tx_rate, ... or
 * query_rss": the words an unknown one could have been. */
static void expected_words(char *buf, size_t size)
{
        const struct sriov_vf_word *t = sriov_vf_words();
        const char *others[2 * N_VF_WORDS];
        size_t n_others = 0, len = 0;
        buf[0] = 0;
#define ADD(...) (len += (size_t)snprintf(buf + len, len < size ? size - len : 0, __VA_ARGS__))
        for (size_t k = 0; k < N_VF_WORDS; k++) {
                ADD("%s%s", k == 0 ? "" : k + 1 == N_VF_WORDS ? " or " : ", ", t[k].word);
                for (const char *const *a = t[k].aliases; *a && n_others < ELEMENTSOF(others); a++)
                        others[n_others++] = *a;
        }
        for (size_t i = 0; i < n_others; i++)
                ADD("%s%s", i == 0 ? "; or ip link's " : i + 1 == n_others ? " or " : ", ", others[i]);
#undef ADD
}

static int parse_onoff(struct sriov_ctx *ctx, const char *word, const char *v, bool *ret)
{
        if (strcmp(v, "on") == 0)
                *ret = true;
        else if (strcmp(v, "off") == 0)
                *ret = false;
        else
                return ctx_fail(ctx, -EINVAL, "%s '%s': must be on or off", word, v);
        return 0;
}

int vf_words_parse(struct sriov_ctx *ctx, const char *device, unsigned vf, char *const *words, size_t n,
                   struct sriov_vf_config *ret)
{
        struct sriov_vf_config c = {.vlan_proto = SRIOV_ETH_P_8021Q};
        const char *seen[N_VF_WORDS] = {0}; /* each word as it was spelled */
        for (size_t i = 0; i < n; i += 2) {
                const char *w = words[i];
                enum vf_word k = find_word(w);
                if (k == N_VF_WORDS) {
                        char expected[512];
                        expected_words(expected, sizeof(expected));
                        return ctx_fail(ctx, -EINVAL, "%s vf %u: unknown word '%s' (expected %s)", device, vf, w,
                                        expected);
                }
                if (seen[k] && strcmp(seen[k], w) == 0)
                        return ctx_fail(ctx, -EINVAL, "%s vf %u: %s is given twice", device, vf, w);
                if (seen[k])
                        return ctx_fail(ctx, -EINVAL, "%s vf %u: %s is given twice: %s and %s are one attribute",
                                        device, vf, sriov_vf_words()[k].word, seen[k], w);
                seen[k] = w;
                if (i + 1 >= n)
                        return ctx_fail(ctx, -EINVAL, "%s vf %u: %s needs a value", device, vf, w);
                const char *v = words[i + 1];
                uint64_t u;
                int r = 0;
                switch (k) {
                case VF_WORD_MAC:
                        if (vf_mac_parse(v, c.mac) < 0)
                                return ctx_fail(ctx, -EINVAL,
                                                "mac '%s': malformed MAC address (six hex pairs "
                                                "XX:XX:XX:XX:XX:XX)",
                                                v);
                        c.set |= SRIOV_VF_MAC;
                        break;
                case VF_WORD_VLAN:
                        if (parse_uint(v, 4095, &u) < 0)
                                return ctx_fail(ctx, -EINVAL, "vlan '%s': a VLAN ID must be 0-4095 (0: no port VLAN)",
                                                v);
                        c.vlan = (uint16_t)u;
                        c.set |= SRIOV_VF_VLAN;
                        break;
                case VF_WORD_QOS:
                        if (!seen[VF_WORD_VLAN])
                                return ctx_fail(ctx, -EINVAL, "qos %s: qos comes after vlan (vlan ID qos Q)", v);
                        if (parse_uint(v, 7, &u) < 0)
                                return ctx_fail(ctx, -EINVAL, "qos '%s': a QoS (802.1p priority) must be 0-7", v);
                        c.qos = (uint8_t)u;
                        break;
                case VF_WORD_PROTO:
                        if (!seen[VF_WORD_VLAN])
                                return ctx_fail(ctx, -EINVAL, "proto %s: proto comes after vlan (vlan ID proto P)",
                                                v);
                        if (strcasecmp(v, "802.1Q") == 0)
                                c.vlan_proto = SRIOV_ETH_P_8021Q;
                        else if (strcasecmp(v, "802.1ad") == 0)
                                c.vlan_proto = SRIOV_ETH_P_8021AD;
                        else
                                return ctx_fail(ctx, -EINVAL, "proto '%s': the VLAN protocol must be 802.1Q or 802.1ad",
                                                v);
                        c.set |= SRIOV_VF_VLAN_PROTO;
                        break;
                case VF_WORD_SPOOFCHK:
                        r = parse_onoff(ctx, w, v, &c.spoofchk);
                        c.set |= SRIOV_VF_SPOOFCHK;
                        break;
                case VF_WORD_TRUST:
                        r = parse_onoff(ctx, w, v, &c.trust);
                        c.set |= SRIOV_VF_TRUST;
                        break;
                case VF_WORD_QUERY_RSS:
                        r = parse_onoff(ctx, w, v, &c.query_rss);
                        c.set |= SRIOV_VF_QUERY_RSS;
                        break;
                case VF_WORD_STATE:
                        if (strcmp(v, "auto") == 0)
                                c.link_state = SRIOV_LINK_AUTO;
                        else if (strcmp(v, "enable") == 0)
                                c.link_state = SRIOV_LINK_ENABLE;
                        else if (strcmp(v, "disable") == 0)
                                c.link_state = SRIOV_LINK_DISABLE;
                        else
                                return ctx_fail(ctx, -EINVAL, "state '%s': the link state must be auto, enable or disable",
                                                v);
                        c.set |= SRIOV_VF_LINK_STATE;
                        break;
                case VF_WORD_MIN_RATE:
                case VF_WORD_MAX_RATE:
                        if (parse_uint(v, UINT32_MAX, &u) < 0)
                                return ctx_fail(ctx, -EINVAL, "%s '%s': a rate is a decimal number of Mbps, 0-%" PRIu32,
                                                w, v, UINT32_MAX);
                        if (k == VF_WORD_MIN_RATE) {
                                c.min_tx_rate = (uint32_t)u;
                                c.set |= SRIOV_VF_MIN_RATE;
                        } else {
                                c.max_tx_rate = (uint32_t)u;
                                c.set |= SRIOV_VF_MAX_RATE;
                        }
                        break;
                case N_VF_WORDS:
                        break;
                }
                if (r < 0)
                        return r;
        }
        int r = sriov_vf_config_validate(ctx, &c);
        if (r < 0) {
                if (!c.set)
                        ctx_error_prefix(ctx, "%s vf %u", device, vf);
                return r;
        }
        *ret = c;
        return 0;
}

int sriov_vf_request_parse(struct sriov_ctx *ctx, char *const *words, size_t n, struct sriov_vf_request *ret)
{
        ctx_clear_error(ctx);
        if (n < 1 || !words[0][0])
                return ctx_fail(ctx, -EINVAL, "missing device: expected DEVICE vf N [mac ADDR] ...");
        const char *device = words[0];
        if (n < 2 || strcmp(words[1], "vf") != 0)
                return ctx_fail(ctx, -EINVAL, "%s: expected 'vf N' after the device, got %s%s%s", device,
                                n < 2 ? "nothing" : "'", n < 2 ? "" : words[1], n < 2 ? "" : "'");
        if (n < 3)
                return ctx_fail(ctx, -EINVAL, "%s vf: missing VF number", device);
        uint64_t vf;
        if (parse_uint(words[2], INT_MAX - 1, &vf) < 0)
                return ctx_fail(ctx, -EINVAL, "%s vf '%s': a VF number must be a decimal number 0-%d", device,
                                words[2], INT_MAX - 1);
        struct sriov_vf_config c;
        int r = vf_words_parse(ctx, device, (unsigned)vf, words + 3, n - 3, &c);
        if (r < 0)
                return r;
        char *dev = strdup(device);
        if (!dev)
                return -ENOMEM;
        *ret = (struct sriov_vf_request){.device = dev, .vf = (unsigned)vf, .config = c};
        return 0;
}

/* ---- apply files -------------------------------------------------------- */

struct key {
        const char *device;
        unsigned vf;
        size_t index;
};

static int cmp_key(const void *a, const void *b)
{
        const struct key *x = a, *y = b;
        int c = strcmp(x->device, y->device);
        if (c)
                return c;
        if (x->vf != y->vf)
                return x->vf < y->vf ? -1 : 1;
        return (x->index > y->index) - (x->index < y->index);
}

int split_words(char *line, char ***ret, size_t *ret_n)
{
        char *hash = strchr(line, '#');
        if (hash)
                *hash = 0;
        char **words = NULL;
        size_t n = 0, cap = 0;
        char *save = NULL;
        for (char *w = strtok_r(line, " \t\r\v\f", &save); w; w = strtok_r(NULL, " \t\r\v\f", &save)) {
                if (n + 1 >= cap) {
                        cap = cap ? cap * 2 : 16;
                        char **nw = realloc(words, cap * sizeof(char *));
                        if (!nw) {
                                free(words);
                                return -ENOMEM;
                        }
                        words = nw;
                }
                words[n++] = w;
        }
        *ret = words;
        *ret_n = n;
        return 0;
}

int sriov_apply_parse_text(struct sriov_ctx *ctx, const char *name, const char *text,
                           struct sriov_vf_request **ret, size_t *ret_n)
{
        ctx_clear_error(ctx);
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        struct sriov_vf_request *reqs = NULL;
        size_t n = 0, cap = 0;
        int r = 0;
        unsigned lineno = 0;
        char *save = NULL;
        /* strtok_r would merge empty lines and lose their numbers: walk by hand */
        for (char *line = copy; line; line = save) {
                lineno++;
                char *nl = strchr(line, '\n');
                save = nl ? nl + 1 : NULL;
                if (nl)
                        *nl = 0;
                _cleanup_free_ char **words = NULL;
                size_t nw = 0;
                if ((r = split_words(line, &words, &nw)) < 0)
                        goto fail;
                if (nw == 0)
                        continue;
                if (n == 0 && (nw < 2 || strcmp(words[1], "vf") != 0)) {
                        /* not an apply file at all (a secret, a file of
                         * someone else's): its text stays out of the
                         * message, which may end up in a log others read */
                        r = ctx_fail(ctx, -EINVAL,
                                     "%s:%u: not an apply file: its first line is not DEVICE vf N ... (the text is "
                                     "not shown)",
                                     name, lineno);
                        goto fail;
                }
                if (n == cap) {
                        cap = cap ? cap * 2 : 64;
                        struct sriov_vf_request *nr = realloc(reqs, cap * sizeof(*nr));
                        if (!nr) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        reqs = nr;
                }
                r = sriov_vf_request_parse(ctx, words, nw, &reqs[n]);
                if (r < 0) {
                        ctx_error_prefix(ctx, "%s:%u", name, lineno);
                        goto fail;
                }
                n++;
                if (asprintf(&reqs[n - 1].origin, "%s:%u", name, lineno) < 0) {
                        reqs[n - 1].origin = NULL;
                        r = -ENOMEM;
                        goto fail;
                }
        }
        /* a VF named twice (as the same device word) is a mistake in the file */
        if (n > 1) {
                _cleanup_free_ struct key *keys = calloc(n, sizeof(*keys));
                if (!keys) {
                        r = -ENOMEM;
                        goto fail;
                }
                for (size_t i = 0; i < n; i++)
                        keys[i] = (struct key){reqs[i].device, reqs[i].vf, i};
                qsort(keys, n, sizeof(*keys), cmp_key);
                for (size_t i = 1; i < n; i++)
                        if (strcmp(keys[i].device, keys[i - 1].device) == 0 && keys[i].vf == keys[i - 1].vf) {
                                const struct sriov_vf_request *a = &reqs[keys[i - 1].index], *b = &reqs[keys[i].index];
                                r = ctx_fail(ctx, -EINVAL, "%s: %s vf %u is already configured at %s: one line per VF",
                                             b->origin, b->device, b->vf, a->origin);
                                goto fail;
                        }
        }
        *ret = reqs;
        *ret_n = n;
        return 0;
fail:
        sriov_vf_requests_free(reqs, n);
        return r;
}

int sriov_apply_parse_file(struct sriov_ctx *ctx, const char *path, struct sriov_vf_request **ret,
                           size_t *ret_n)
{
        ctx_clear_error(ctx);
        _cleanup_fclose_ FILE *f = strcmp(path, "-") == 0 ? NULL : fopen(path, "re");
        FILE *in = strcmp(path, "-") == 0 ? stdin : f;
        if (!in)
                return ctx_fail(ctx, -errno, "%s: %s", path, strerror(errno));
        _cleanup_free_ char *text = NULL;
        int r = read_text_stream(ctx, in, path, &text);
        if (r < 0)
                return r;
        return sriov_apply_parse_text(ctx, strcmp(path, "-") == 0 ? "<stdin>" : path, text, ret, ret_n);
}
