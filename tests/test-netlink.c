/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Netlink hardening: macvtap link info is parsed with
 * attribute policies, so a short or unterminated attribute is refused
 * instead of read past; and replies from a sender other than the one asked
 * (the kernel, or the VDP daemon's port) are dropped, so another process
 * cannot answer for them. The second needs CAP_NET_ADMIN (sending to a
 * netlink port) and is skipped without it. A PF is its netdev's ifindex
 * from sysfs, so a rename cannot point a request at another NIC. */
#include "testutil.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fxenv.h"
#include "macvtap.h"
#include "nl.h"

/* An RTM_NEWLINK for ifindex 9; what goes in is up to each case. */
enum bad { GOOD, SHORT_LINK, UNTERMINATED_NAME, SHORT_MODE, UNTERMINATED_KIND, SHORT_ADDRESS };

static struct nl_msg *newlink(enum bad bad)
{
        struct nl_msg *m = nlmsg_alloc_simple(RTM_NEWLINK, 0);
        assert_non_null(m);
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = 9};
        assert_int_equal(nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
        if (bad == UNTERMINATED_NAME)
                assert_int_equal(nla_put(m, IFLA_IFNAME, 4, "mvt0"), 0);
        else
                assert_int_equal(nla_put_string(m, IFLA_IFNAME, "mvt0"), 0);
        uint32_t lower = 7;
        assert_int_equal(nla_put(m, IFLA_LINK, bad == SHORT_LINK ? 2 : 4, &lower), 0);
        static const uint8_t mac[6] = {2, 0, 0, 0, 0x6b, 1};
        assert_int_equal(nla_put(m, IFLA_ADDRESS, bad == SHORT_ADDRESS ? 4 : 6, mac), 0);
        struct nlattr *info = nla_nest_start(m, IFLA_LINKINFO), *data;
        assert_non_null(info);
        if (bad == UNTERMINATED_KIND)
                assert_int_equal(nla_put(m, IFLA_INFO_KIND, 7, "macvtap"), 0);
        else
                assert_int_equal(nla_put_string(m, IFLA_INFO_KIND, "macvtap"), 0);
        assert_non_null(data = nla_nest_start(m, IFLA_INFO_DATA));
        uint32_t mode = MACVLAN_MODE_BRIDGE;
        assert_int_equal(nla_put(m, IFLA_MACVLAN_MODE, bad == SHORT_MODE ? 1 : 4, &mode), 0);
        nla_nest_end(m, data);
        nla_nest_end(m, info);
        return m;
}

static void test_macvtap_policy(void **state)
{
        (void)state;
        struct nl_msg *m = newlink(GOOD);
        struct link_info li;
        assert_int_equal(macvtap_link_parse(nlmsg_hdr(m), &li), 0);
        nlmsg_free(m);
        assert_int_equal(li.ifindex, 9);
        assert_string_equal(li.ifname, "mvt0");
        assert_int_equal(li.link, 7);
        assert_string_equal(li.kind, "macvtap");
        assert_true(li.has_mode);
        assert_int_equal(li.mode, MACVLAN_MODE_BRIDGE);
        assert_true(li.has_mac);
        assert_int_equal(li.mac[4], 0x6b);
        /* a 4-byte address (an ipip upper) is no MAC, and no error */
        m = newlink(SHORT_ADDRESS);
        assert_int_equal(macvtap_link_parse(nlmsg_hdr(m), &li), 0);
        nlmsg_free(m);
        assert_false(li.has_mac);
        /* short or unterminated: refused, never read past */
        static const enum bad refused[] = {SHORT_LINK, UNTERMINATED_NAME, SHORT_MODE, UNTERMINATED_KIND};
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
                m = newlink(refused[i]);
                if (macvtap_link_parse(nlmsg_hdr(m), &li) != -EBADMSG)
                        fail_msg("case %zu: not refused", i);
                nlmsg_free(m);
        }
}

static int nl_socket_bound(uint32_t *ret_port)
{
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        assert_true(fd >= 0);
        struct sockaddr_nl a = {.nl_family = AF_NETLINK};
        socklen_t len = sizeof(a);
        assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
        assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
        *ret_port = a.nl_pid;
        return fd;
}

/* An NLMSG_ERROR (error 0: an ack) for seq, from fd to port. */
static int send_error(int fd, uint32_t port, uint32_t seq, int error)
{
        struct {
                struct nlmsghdr h;
                struct nlmsgerr e;
        } m = {.h = {.nlmsg_len = sizeof(m), .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = seq},
               .e = {.error = error, .msg = {.nlmsg_len = sizeof(struct nlmsghdr), .nlmsg_seq = seq}}};
        struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_pid = port};
        return sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)sizeof(m) ? 0 : -errno;
}

static void test_foreign_sender(void **state)
{
        (void)state;
        if (geteuid() != 0)
                skip(); /* unicast to a netlink port needs CAP_NET_ADMIN */
        uint32_t daemon_port, spoof_port;
        int daemon = nl_socket_bound(&daemon_port), spoof = nl_socket_bound(&spoof_port);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                /* the "daemon" reads the request; before it answers, another
                 * socket answers for it, and for the next request (which
                 * goes to the kernel) too */
                char buf[4096];
                struct sockaddr_nl from;
                socklen_t fl = sizeof(from);
                ssize_t n = recvfrom(daemon, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
                if (n < (ssize_t)sizeof(struct nlmsghdr))
                        _exit(2);
                uint32_t seq = ((struct nlmsghdr *)buf)->nlmsg_seq;
                bool ok = send_error(spoof, from.nl_pid, seq, 0) == 0 &&
                          send_error(spoof, from.nl_pid, seq + 1, -EPERM) == 0 &&
                          send_error(daemon, from.nl_pid, seq, -EBADE) == 0;
                _exit(ok ? 0 : 3);
        }
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        struct nl_msg *m = nlmsg_alloc_simple(RTM_SETLINK, 0);
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
        assert_int_equal(nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
        struct nl_request_opts o = {.dst_pid = daemon_port, .timeout_ms = 5000};
        int r = nl_request(ctx, m, &o, NULL, NULL);
        nlmsg_free(m);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        /* the daemon's own answer, not the forged ack */
        assert_int_equal(r, -EBADE);
        /* the kernel's answer about lo, not the forged EPERM queued for it */
        uint16_t vid = 99;
        assert_int_equal(netdev_vlan_id(ctx, "lo", &vid), 0);
        assert_int_equal(vid, 0);
        sriov_ctx_free(ctx);
        close(daemon);
        close(spoof);
}

/* The PF's netdev is its ifindex from sysfs, read under the PF's device
 * directory, not its name: here the fixture's enp2s0f0 says ifindex 1
 * (lo in any network namespace), and the kernel is asked about lo. By
 * name the kernel would answer that there is no enp2s0f0. */
static void test_pf_by_ifindex(void **state)
{
        (void)state;
        struct env *e = env_open("pfindex");
        assert_non_null(e);
        assert_int_equal(fx_write(e->root, "bus/pci/devices/0000:02:00.0/net/enp2s0f0/ifindex", "1\n"), 0);
        struct sriov_vf_config cfg = {.set = SRIOV_VF_TRUST, .trust = true};
        assert_int_equal(sriov_vf_set(e->ctx, "0000:02:00.0", 0, &cfg), -ERANGE);
        assert_contains(sriov_ctx_error(e->ctx), "enp2s0f0 vf 0: VF index out of range: enp2s0f0 has no VFs");
        env_close(e);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_macvtap_policy),
                cmocka_unit_test(test_foreign_sender),
                cmocka_unit_test(test_pf_by_ifindex),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
