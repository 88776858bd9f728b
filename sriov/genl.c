/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generic netlink transport: libnl-genl builds the messages and connects
 * the socket; nl.c's request loop reads the answers (the kernel's errno
 * from the ack is kept). Or, instead of the socket, recorded answers of a
 * real kernel, replayed (genl.h describes the recording). */
#include <ctype.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <string.h>
#include <sys/socket.h>

#include "genl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* One recorded request and the datagrams that answered it. */
struct exchange {
        uint16_t type, flags;
        uint8_t *payload;
        size_t payload_len;
        uint8_t **datagrams;
        size_t *lens;
        size_t n;
};

struct family {
        char name[GENL_NAMSIZ];
        uint16_t id; /* 0: the kernel has none (no family has id 0) */
};

struct sriov_genl {
        struct nl_sock *sk; /* the kernel; NULL until used, and always with a replay */
        bool replay;        /* answers come from exchanges[] only */
        struct exchange *exchanges;
        size_t n_exchanges;
        uint32_t replay_seq;
        FILE *record; /* borrowed */
        struct family families[4];
        size_t n_families;
        unsigned requests;
};

static void exchange_done(struct exchange *x)
{
        free(x->payload);
        for (size_t i = 0; i < x->n; i++)
                free(x->datagrams[i]);
        free(x->datagrams);
        free(x->lens);
}

void sriov_genl_free(struct sriov_genl *g)
{
        if (!g)
                return;
        nl_socket_free(g->sk);
        for (size_t i = 0; i < g->n_exchanges; i++)
                exchange_done(&g->exchanges[i]);
        free(g->exchanges);
        free(g);
}

static int genl_get(struct sriov_ctx *ctx, struct sriov_genl **ret)
{
        if (!ctx->genl) {
                struct sriov_genl *g = calloc(1, sizeof(*g));
                if (!g)
                        return -ENOMEM;
                ctx->genl = g;
                ctx->genl_free = sriov_genl_free;
        }
        *ret = ctx->genl;
        return 0;
}

/* The context's socket, connected on first use. */
static int genl_socket(struct sriov_ctx *ctx, struct sriov_genl *g, struct nl_sock **ret)
{
        if (!g->sk) {
                struct nl_sock *sk = nl_socket_alloc();
                if (!sk)
                        return -ENOMEM;
                if (genl_connect(sk) < 0) {
                        int r = errno ? -errno : -EIO;
                        nl_socket_free(sk);
                        return ctx_fail(ctx, r, "generic netlink socket: %s", strerror(-r));
                }
                int one = 1;
                /* ask for the kernel's reason with each error (best effort) */
                (void)setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
                g->sk = sk;
        }
        *ret = g->sk;
        return 0;
}

static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%02x", p[i]);
        fputc('\n', f);
}

static void record_datagram(const uint8_t *buf, size_t len, void *userdata)
{
        FILE *f = userdata;
        fputs("< ", f);
        put_hex(f, buf, len);
}

/* The recorded exchange that answers req, or NULL. */
static const struct exchange *replay_find(const struct sriov_genl *g, const struct nlmsghdr *req)
{
        size_t len = req->nlmsg_len - NLMSG_HDRLEN;
        for (size_t i = 0; i < g->n_exchanges; i++) {
                const struct exchange *x = &g->exchanges[i];
                if (x->type == req->nlmsg_type && x->flags == req->nlmsg_flags && x->payload_len == len &&
                    memcmp(x->payload, NLMSG_DATA(req), len) == 0)
                        return x;
        }
        return NULL;
}

static int replay(struct sriov_ctx *ctx, struct sriov_genl *g, const struct nlmsghdr *req, nl_reply_fn fn,
                  void *userdata)
{
        const struct exchange *x = replay_find(g, req);
        if (!x)
                return ctx_fail(ctx, -ENOMSG, "generic netlink replay: no recorded answer to request type 0x%x "
                                              "flags 0x%x (%u bytes)",
                                req->nlmsg_type, req->nlmsg_flags, req->nlmsg_len);
        for (size_t i = 0; i < x->n; i++) {
                _cleanup_free_ uint8_t *buf = malloc(x->lens[i] ? x->lens[i] : 1);
                if (!buf)
                        return -ENOMEM;
                memcpy(buf, x->datagrams[i], x->lens[i]);
                /* answers carry the sequence number they were recorded with */
                int rem = (int)x->lens[i];
                for (struct nlmsghdr *h = (struct nlmsghdr *)buf; nlmsg_ok(h, rem); h = nlmsg_next(h, &rem))
                        h->nlmsg_seq = req->nlmsg_seq;
                int r = nl_dispatch(ctx, "generic netlink", buf, x->lens[i], req->nlmsg_seq, NULL, fn, userdata);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
        return ctx_fail(ctx, -EBADMSG, "generic netlink replay: the recorded answer ends without an ack");
}

struct nl_msg *genl_request_new(uint16_t family, uint8_t cmd, int flags)
{
        struct nl_msg *msg = nlmsg_alloc();
        if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, 1)) {
                nlmsg_free(msg);
                return NULL;
        }
        return msg;
}

int genl_transact(struct sriov_ctx *ctx, struct nl_msg *msg, nl_reply_fn fn, void *userdata)
{
        struct sriov_genl *g;
        int r = genl_get(ctx, &g);
        if (r < 0)
                return r;
        g->requests++;
        struct nlmsghdr *req = nlmsg_hdr(msg);
        req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        if (g->record) {
                fprintf(g->record, "> %04x %04x ", req->nlmsg_type, req->nlmsg_flags);
                put_hex(g->record, NLMSG_DATA(req), req->nlmsg_len - NLMSG_HDRLEN);
        }
        if (g->replay) {
                req->nlmsg_seq = ++g->replay_seq;
                return replay(ctx, g, req, fn, userdata);
        }
        struct nl_sock *sk = NULL;
        r = genl_socket(ctx, g, &sk);
        if (r < 0)
                return r;
        struct nl_request_opts opts = {.timeout_ms = -1};
        if (g->record) {
                opts.tap = record_datagram;
                opts.tap_data = g->record;
        }
        return nl_sock_request(ctx, sk, "generic netlink", msg, &opts, fn, userdata);
}

static int family_reply(const struct nlmsghdr *nlh, void *userdata)
{
        static struct nla_policy policy[CTRL_ATTR_MAX + 1] = {
                [CTRL_ATTR_FAMILY_ID] = {.type = NLA_U16},
        };
        struct nlattr *tb[CTRL_ATTR_MAX + 1];
        if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, CTRL_ATTR_MAX, policy) < 0 || !tb[CTRL_ATTR_FAMILY_ID])
                return -EBADMSG;
        *(int *)userdata = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
        return 0;
}

int genl_family(struct sriov_ctx *ctx, const char *name, uint16_t *ret)
{
        struct sriov_genl *g;
        int r = genl_get(ctx, &g);
        if (r < 0)
                return r;
        for (size_t i = 0; i < g->n_families; i++)
                if (strcmp(g->families[i].name, name) == 0) {
                        if (!g->families[i].id)
                                return ctx_fail(ctx, -ENOENT, "the kernel has no generic netlink family %s", name);
                        *ret = g->families[i].id;
                        return 0;
                }
        if (strlen(name) >= GENL_NAMSIZ)
                return -EINVAL;
        struct nl_msg *msg = genl_request_new(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
        if (!msg)
                return -ENOMEM;
        int id = -1;
        r = nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name) < 0 ? -ENOMEM : genl_transact(ctx, msg, family_reply, &id);
        nlmsg_free(msg);
        if (r == -EBADMSG)
                return ctx_fail(ctx, r, "generic netlink: malformed answer to the lookup of family %s", name);
        if (r < 0 && r != -ENOENT)
                return ctx_fail(ctx, r, "generic netlink family %s: %s", name, strerror(-r));
        if (r == 0 && id <= 0)
                return ctx_fail(ctx, -EBADMSG, "generic netlink: no id in the answer for family %s", name);
        /* remembered either way: a kernel without the family is asked once */
        if (g->n_families < ELEMENTSOF(g->families)) {
                struct family *f = &g->families[g->n_families++];
                snprintf(f->name, sizeof(f->name), "%s", name);
                f->id = r == 0 ? (uint16_t)id : 0;
        }
        if (r == -ENOENT)
                return ctx_fail(ctx, r, "the kernel has no generic netlink family %s", name);
        *ret = (uint16_t)id;
        return 0;
}

int genl_record(struct sriov_ctx *ctx, FILE *f)
{
        struct sriov_genl *g;
        int r = genl_get(ctx, &g);
        if (r < 0)
                return r;
        g->record = f;
        return 0;
}

unsigned genl_requests(const struct sriov_ctx *ctx)
{
        return ctx->genl ? ctx->genl->requests : 0;
}

/* ---- loading recordings ------------------------------------------------- */

/* Decodes the hex digits of s (up to its end or a blank) into a new buffer. */
static int unhex(const char *s, uint8_t **ret, size_t *ret_len)
{
        size_t n = 0;
        while (isxdigit((unsigned char)s[n]))
                n++;
        if (n % 2 || (s[n] && !isspace((unsigned char)s[n])))
                return -EINVAL;
        uint8_t *b = malloc(n / 2 ? n / 2 : 1);
        if (!b)
                return -ENOMEM;
        for (size_t i = 0; i < n / 2; i++) {
                unsigned v;
                sscanf(s + 2 * i, "%2x", &v);
                b[i] = (uint8_t)v;
        }
        *ret = b;
        *ret_len = n / 2;
        return 0;
}

static int add_datagram(struct exchange *x, uint8_t *buf, size_t len)
{
        uint8_t **d = realloc(x->datagrams, (x->n + 1) * sizeof(*d));
        if (!d)
                return -ENOMEM;
        x->datagrams = d;
        size_t *l = realloc(x->lens, (x->n + 1) * sizeof(*l));
        if (!l)
                return -ENOMEM;
        x->lens = l;
        d[x->n] = buf;
        l[x->n++] = len;
        return 0;
}

static int load_file(struct sriov_ctx *ctx, struct sriov_genl *g, const char *file)
{
        FILE *f = fopen(file, "re");
        if (!f)
                return ctx_fail(ctx, -errno, "recording %s: %s", file, strerror(errno));
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        unsigned lineno = 0;
        int r = 0;
        while (r == 0 && getline(&line, &size, f) >= 0) {
                lineno++;
                if (line[0] == '#' || line[0] == '\n')
                        continue;
                uint8_t *buf = NULL;
                size_t len = 0;
                unsigned type, flags;
                int off = 0;
                if (line[0] == '>' && sscanf(line, "> %x %x %n", &type, &flags, &off) == 2 && off &&
                    type <= 0xffff && flags <= 0xffff && (r = unhex(line + off, &buf, &len)) == 0) {
                        struct exchange *x = realloc(g->exchanges, (g->n_exchanges + 1) * sizeof(*x));
                        if (!x) {
                                free(buf);
                                r = -ENOMEM;
                                break;
                        }
                        g->exchanges = x;
                        g->exchanges[g->n_exchanges++] = (struct exchange){
                                .type = (uint16_t)type, .flags = (uint16_t)flags, .payload = buf, .payload_len = len};
                } else if (line[0] == '<' && line[1] == ' ' && g->n_exchanges &&
                           (r = unhex(line + 2, &buf, &len)) == 0) {
                        r = add_datagram(&g->exchanges[g->n_exchanges - 1], buf, len);
                        if (r < 0)
                                free(buf);
                } else if (r != -ENOMEM)
                        r = ctx_fail(ctx, -EINVAL, "recording %s line %u: expected '> TYPE FLAGS HEX', or '< HEX' "
                                                   "after a request (an even number of hex digits)",
                                     file, lineno);
        }
        fclose(f);
        return r;
}

int genl_replay_load(struct sriov_ctx *ctx, const char *const *files)
{
        struct sriov_genl *g;
        int r = genl_get(ctx, &g);
        if (r < 0)
                return r;
        nl_socket_free(g->sk);
        g->sk = NULL;
        g->replay = true;
        g->n_families = 0; /* ids come from the recordings' own lookups */
        for (size_t i = 0; files[i]; i++)
                if ((r = load_file(ctx, g, files[i])) < 0)
                        return r;
        return 0;
}
