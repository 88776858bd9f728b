/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rtnetlink transport: libnl builds messages and owns the socket; replies
 * are received here so that (1) the buffer is sized from MSG_PEEK|MSG_TRUNC
 * (a PF with 1024 VFs answers with ~300 KB in one datagram) and (2) the
 * kernel's errno from the ack is kept, which libnl's nl_recvmsgs flattens. */
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/socket.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

struct sriov_nl {
        struct nl_sock *sk;
};

void sriov_nl_free(struct sriov_nl *nl)
{
        if (!nl)
                return;
        nl_socket_free(nl->sk);
        free(nl);
}

static int nl_get(struct sriov_ctx *ctx, struct sriov_nl **ret)
{
        if (ctx->nl) {
                *ret = ctx->nl;
                return 0;
        }
        struct sriov_nl *nl = calloc(1, sizeof(*nl));
        if (!nl)
                return -ENOMEM;
        nl->sk = nl_socket_alloc();
        if (!nl->sk) {
                free(nl);
                return -ENOMEM;
        }
        if (nl_connect(nl->sk, NETLINK_ROUTE) < 0) {
                int r = -errno ? -errno : -EIO;
                sriov_nl_free(nl);
                return ctx_fail(ctx, r, "rtnetlink socket: %s", strerror(-r));
        }
        /* libnl's nl_connect leaves 32 KiB buffers: a PF with 256 VFs answers
         * with 76 KB, the kernel then drops its ack and the next recv says
         * ENOBUFS; a 1024-VF RTM_SETLINK is 60 KB. Root may pass rmem_max. */
        int fd = nl_socket_get_fd(nl->sk), rcv = 16 << 20, snd = 4 << 20;
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
                (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
                (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
        int one = 1;
        /* ask for the kernel's reason with each error (best effort) */
        (void)setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
        ctx->nl = nl;
        ctx->nl_free = sriov_nl_free;
        *ret = nl;
        return 0;
}

/* Receives one datagram into a buffer of exactly its size; *ret_sender is
 * the sending port (0: the kernel). */
static int recv_datagram(int fd, uint8_t **ret, size_t *ret_len, uint32_t *ret_sender)
{
        for (;;) {
                ssize_t n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
                if (!buf)
                        return -ENOMEM;
                struct sockaddr_nl from = {0};
                socklen_t fromlen = sizeof(from);
                ssize_t m = recvfrom(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, &fromlen);
                if (m < 0) {
                        int r = -errno;
                        free(buf);
                        if (r == -EINTR)
                                continue;
                        return r;
                }
                *ret = buf;
                *ret_len = (size_t)m;
                *ret_sender = fromlen >= sizeof(from) && from.nl_family == AF_NETLINK ? from.nl_pid : UINT32_MAX;
                return 0;
        }
}

/* The extended ack's message attribute, if the kernel sent one. */
static const char *ext_ack_message(const struct nlmsghdr *nlh)
{
        const struct nlmsgerr *e = NLMSG_DATA(nlh);
        if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
                return NULL;
        size_t off = sizeof(*e);
        if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
                off += e->msg.nlmsg_len - NLMSG_HDRLEN;
        if (NLMSG_HDRLEN + off > nlh->nlmsg_len)
                return NULL;
        int rem = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - off);
        struct nlattr *a;
        int left;
        nla_for_each_attr(a, (struct nlattr *)((const uint8_t *)e + off), rem, left)
        {
                if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 0 &&
                    ((const char *)nla_data(a))[nla_len(a) - 1] == 0)
                        return nla_data(a);
        }
        return NULL;
}

int nl_dispatch(struct sriov_ctx *ctx, const char *what, const uint8_t *buf, size_t len, uint32_t seq,
                const struct nl_request_opts *opts, nl_reply_fn fn, void *userdata)
{
        int rem = (int)len;
        for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; nlmsg_ok(h, rem);
             h = nlmsg_next((struct nlmsghdr *)h, &rem)) {
                if (h->nlmsg_seq != seq)
                        continue; /* a stale reply to an earlier request */
                if (h->nlmsg_type == NLMSG_DONE) {
                        /* a dump's NLMSG_DONE carries its errno (0: complete) */
                        int e = 0;
                        if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(e)))
                                memcpy(&e, NLMSG_DATA(h), sizeof(e));
                        return e < 0 ? ctx_fail(ctx, e, "%s: the dump stopped: %s", what, strerror(-e)) : 1;
                }
                if (h->nlmsg_type == NLMSG_ERROR) {
                        if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
                                return ctx_fail(ctx, -EBADMSG, "%s: short error message", what);
                        const struct nlmsgerr *e = NLMSG_DATA(h);
                        if (e->error == 0)
                                return 1;
                        const char *why = ext_ack_message(h);
                        if (why && opts && opts->extack && opts->extack_size)
                                snprintf(opts->extack, opts->extack_size, "%s", why);
                        else if (why)
                                ctx_fail(ctx, e->error, "%s (%s)", strerror(-e->error), why);
                        return e->error;
                }
                if (fn) {
                        int r = fn(h, userdata);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

int nl_sock_request(struct sriov_ctx *ctx, struct nl_sock *sk, const char *what, struct nl_msg *msg,
                    const struct nl_request_opts *opts, nl_reply_fn fn, void *userdata)
{
        if (opts && opts->extack && opts->extack_size)
                opts->extack[0] = 0;
        struct nlmsghdr *req = nlmsg_hdr(msg);
        req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
        nl_complete_msg(sk, msg);
        uint32_t seq = req->nlmsg_seq;
        int fd = nl_socket_get_fd(sk);
        struct sockaddr_nl dst = {.nl_family = AF_NETLINK, .nl_pid = opts ? opts->dst_pid : 0};
        if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
                if (dst.nl_pid)
                        return -errno; /* the caller names the peer */
                return ctx_fail(ctx, -errno, "%s send: %s", what, strerror(errno));
        }
        for (;;) {
                if (opts && opts->timeout_ms >= 0) {
                        struct pollfd p = {.fd = fd, .events = POLLIN};
                        int n = poll(&p, 1, opts->timeout_ms);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n < 0)
                                return ctx_fail(ctx, -errno, "%s poll: %s", what, strerror(errno));
                        if (n == 0)
                                return -ETIMEDOUT;
                }
                _cleanup_free_ uint8_t *buf = NULL;
                size_t len = 0;
                uint32_t sender = UINT32_MAX;
                int r = recv_datagram(fd, &buf, &len, &sender);
                if (r < 0)
                        return ctx_fail(ctx, r, "%s receive: %s", what, strerror(-r));
                /* any local process with CAP_NET_ADMIN can send to this
                 * port: only the one asked answers (a forged ack would
                 * pass for the kernel's) */
                if (sender != dst.nl_pid)
                        continue;
                if (opts && opts->tap)
                        opts->tap(buf, len, opts->tap_data);
                r = nl_dispatch(ctx, what, buf, len, seq, opts, fn, userdata);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
}

int nl_request(struct sriov_ctx *ctx, struct nl_msg *msg, const struct nl_request_opts *opts,
               nl_reply_fn fn, void *userdata)
{
        struct sriov_nl *nl = NULL;
        int r = nl_get(ctx, &nl);
        if (r < 0)
                return r;
        return nl_sock_request(ctx, nl->sk, "rtnetlink", msg, opts, fn, userdata);
}

int nl_transact(struct sriov_ctx *ctx, struct nl_msg *msg, nl_reply_fn fn, void *userdata)
{
        return nl_request(ctx, msg, NULL, fn, userdata);
}

int nl_getlink_vfs(struct sriov_ctx *ctx, const char *ifname, int ifindex, nl_reply_fn fn, void *userdata)
{
        /* the kernel looks a link up by ifi_index when it is set, and
         * only then by IFLA_IFNAME */
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex > 0 ? ifindex : 0};
        struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
        if (!msg)
                return -ENOMEM;
        int r = -ENOMEM;
        if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
            (ifindex <= 0 && nla_put_string(msg, IFLA_IFNAME, ifname) < 0) ||
            nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS) < 0)
                goto out;
        r = nl_transact(ctx, msg, fn, userdata);
out:
        nlmsg_free(msg);
        return r;
}

int nl_open(struct sriov_ctx *ctx)
{
        struct sriov_nl *nl;
        return nl_get(ctx, &nl);
}
