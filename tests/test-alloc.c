/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The allocation layer (alloc.c) on a fixture tree: what is refused before
 * anything changes, what is left to libvirt, the store's records (listing,
 * lookups for udev, a malformed store) and the rollback of a pending
 * record. Kernel work (VF settings, vfio, macvtaps) is tested in the rig
 * (tests/vm/t-attach.sh); here the kernel is absent, so an attach that
 * gets as far as netlink fails, which also shows it leaves nothing behind. */
#include <errno.h>

#include "fxenv.h"
#include "testutil.h"
#include "sriov-libvirt.h"

static int setup(void **state)
{
        return (*state = env_open("alloc")) ? 0 : -1;
}


static struct sriov_xml_domain *domain(struct env *e, const char *ifaces)
{
        char *xml;
        assert_true(asprintf(&xml,
                             "<domain type='kvm'><name>g</name><uuid>11111111-0000-4000-8000-0000000000aa</uuid>"
                             "<devices>%s</devices></domain>",
                             ifaces) > 0);
        struct sriov_xml_domain *d = NULL;
        int r = sriov_xml_domain_parse(e->ctx, "g.xml", xml, strlen(xml), &d);
        free(xml);
        if (r < 0)
                fail_msg("%s", sriov_ctx_error(e->ctx));
        return d;
}

static size_t n_records(struct env *e)
{
        struct sriov_allocation *a = NULL;
        size_t n = 99;
        assert_int_equal(sriov_allocations(e->ctx, &a, &n), 0);
        sriov_allocations_free(a, n);
        return n;
}

static void test_refused_before_anything(void **state)
{
        struct env *e = *state;
        static const struct {
                const char *ifaces;
                int err;
                const char *msg;
        } cases[] = {
                {"<interface type='direct'><source dev='enp2s0f0' mode='passthrough'/></interface>"
                 "<interface type='direct'><source dev='nosuch0' mode='bridge'/></interface>",
                 -ENODEV, "<interface> #2: <source dev='nosuch0'>: no such network device"},
                {"<interface type='hostdev' managed='yes'><source><address type='pci' domain='0' bus='0x7f' "
                 "slot='0' function='0'/></source></interface>",
                 -ENODEV, "0000:7f:00.0: no such PCI device"},
                {"<interface type='network'><source network='pool'/></interface>", -ENOENT,
                 "<source network='pool'>: no such network among the network XML given"},
                {"<interface type='direct'><source dev='enp2s0f0' mode='passthrough'/>"
                 "<vlan trunk='yes'><tag id='3'/><tag id='4'/></vlan></interface>",
                 -EBADMSG, "a VF takes one port VLAN through its PF"},
                {"<interface type='hostdev' managed='yes'><source><address type='pci' domain='0' bus='2' "
                 "slot='0x10' function='0'/></source><vlan trunk='yes'><tag id='3' nativeMode='untagged'/>"
                 "<tag id='5'/></vlan></interface>",
                 -EBADMSG, "<vlan trunk='yes'> with 2 tags: a VF takes one port VLAN"},
                {"<interface type='direct'><source dev='eno1' mode='bridge'/><vlan><tag id='3'/></vlan></interface>",
                 -EBADMSG, "a macvtap cannot tag; use a VLAN device (such as eno1.3)"},
                {"<interface type='direct'><source dev='enp2s0f0' mode='passthrough'/><virtualport "
                 "type='802.1Qbg'><parameters managerid='1' typeid='2' typeidversion='3'/></virtualport></interface>",
                 -EBADMSG, "802.1Qbg'> needs a non-zero VLAN ID: give the VF one with <vlan>"},
                {"<interface type='direct'><source dev='enp2s0f0' mode='passthrough'/><virtualport "
                 "type='openvswitch'/></interface>",
                 -EBADMSG, "only 802.1Qbg and 802.1Qbh apply"},
                {"<interface type='direct'><source dev='enp2s0f0' mode='passthrough'/><virtualport "
                 "type='802.1Qbh'/></interface>",
                 -EBADMSG, "802.1Qbh'> needs <parameters profileid=...>"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct sriov_xml_domain *d = domain(e, cases[i].ifaces);
                struct sriov_allocation *a = NULL;
                size_t n = 0;
                int r = sriov_attach(e->ctx, d, NULL, 0, NULL, &a, &n);
                if (r != cases[i].err)
                        fail_msg("case %zu: %d (%s), expected %d", i, r, sriov_ctx_error(e->ctx), cases[i].err);
                assert_contains(sriov_ctx_error(e->ctx), cases[i].msg);
                assert_null(a);
                sriov_xml_domain_free(d);
                /* nothing was even locked: no store was written */
                char p[512];
                snprintf(p, sizeof(p), "%s/allocations.json", e->state);
                assert_int_equal(access(p, F_OK), -1);
        }
}

static void test_not_ours_left_untouched(void **state)
{
        struct env *e = *state;
        struct sriov_xml_domain *d = domain(e, "<interface type='bridge'><source bridge='br0'/></interface>"
                                               "<interface type='user'/>");
        struct sriov_allocation *a = NULL;
        size_t n = 99;
        assert_int_equal(sriov_attach(e->ctx, d, NULL, 0, NULL, &a, &n), 0);
        assert_int_equal(n, 0);
        assert_warning(sriov_ctx_notices(e->ctx), "#1: type='bridge' is not handled by sriovctl: left untouched",
                       NULL, NULL);
        assert_warning(sriov_ctx_notices(e->ctx), "#2: type='user'", NULL, NULL);
        sriov_allocations_free(a, n);
        char *out = NULL;
        assert_int_equal(sriov_xml_domain_format(e->ctx, d, &out), 0);
        assert_contains(out, "<source bridge=\"br0\"/>");
        free(out);
        sriov_xml_domain_free(d);
        assert_int_equal(n_records(e), 0);
}

/* A macvtap attach reaches the kernel, which has no eno1 here: it fails
 * after its record was written, and the record is gone again. */
static void test_failure_leaves_nothing(void **state)
{
        struct env *e = *state;
        struct sriov_xml_domain *d = domain(e, "<interface type='direct'><mac address='52:54:00:00:00:01'/>"
                                               "<source dev='eno1' mode='bridge'/></interface>");
        int r = sriov_attach(e->ctx, d, NULL, 0, NULL, NULL, NULL);
        assert_true(r < 0);
        assert_contains(sriov_ctx_error(e->ctx), "domain 'g': <interface> #1");
        sriov_xml_domain_free(d);
        assert_int_equal(n_records(e), 0);
}

static void write_store(struct env *e, const char *json)
{
        assert_int_equal(fx_write(e->root, "state/allocations.json", "%s", json), 0);
}

static void test_records(void **state)
{
        struct env *e = *state;
        write_store(e, "{\"allocations\":["
                       "{\"domain\":\"g1\",\"uuid\":\"u1\",\"interface\":0,\"kind\":\"hostdev\","
                       "\"mac\":\"52:54:00:00:00:01\",\"pf\":\"0000:02:00.0\",\"pf_ifname\":\"enp2s0f0\","
                       "\"vf\":3,\"vf_address\":\"0000:02:10.6\",\"config\":\"mac 52:54:00:00:00:01 vlan 10\","
                       "\"vfio_driver\":\"igbvf\",\"pending\":false},"
                       "{\"domain\":\"g2\",\"interface\":1,\"kind\":\"macvtap\",\"mac\":\"52:54:00:00:00:02\","
                       "\"lower\":\"eno1\",\"mode\":\"bridge\",\"netdev\":\"macvtap0\",\"tap\":\"/dev/tap9\","
                       "\"pending\":false}]}");
        struct sriov_allocation *a = NULL;
        size_t n = 0;
        assert_int_equal(sriov_allocations(e->ctx, &a, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(a[0].domain_name, "g1");
        assert_int_equal(a[0].kind, SRIOV_ALLOC_HOSTDEV);
        assert_int_equal(a[0].vf, 3);
        assert_string_equal(a[0].vf_address, "0000:02:10.6");
        assert_string_equal(a[0].vfio_driver, "igbvf");
        assert_int_equal(a[0].config.vlan, 10);
        assert_int_equal(a[1].kind, SRIOV_ALLOC_MACVTAP);
        assert_int_equal(a[1].macvtap_mode, SRIOV_MACVTAP_BRIDGE);
        assert_string_equal(a[1].tap_path, "/dev/tap9");
        assert_int_equal(a[1].vf, -1);

        char *json = NULL;
        assert_int_equal(sriov_render_allocations_json(a, n, &json), 0);
        assert_contains(json, "\"config\": \"mac 52:54:00:00:00:01 vlan 10\"");
        assert_contains(json, "\"tap\": \"/dev/tap9\"");
        assert_not_contains(json, "pf_ifname"); /* the store's own fields stay inside */
        free(json);
        sriov_allocations_free(a, n);

        /* what udev puts back after VF 3 is re-created; by PF address or netdev */
        struct sriov_vf_config cfg;
        assert_int_equal(sriov_allocation_vf_config(e->ctx, "0000:02:00.0", 3, &cfg), 0);
        assert_true(cfg.set & SRIOV_VF_MAC);
        assert_int_equal(cfg.mac[5], 1);
        assert_int_equal(cfg.vlan, 10);
        assert_int_equal(sriov_allocation_vf_config(e->ctx, "enp2s0f0", 3, &cfg), 0);
        assert_int_equal(sriov_allocation_vf_config(e->ctx, "0000:02:00.0", 2, &cfg), -ENOENT);

        /* the macvtap is gone already (no such link here): detach just frees it */
        unsigned freed = 0;
        assert_int_equal(sriov_detach(e->ctx, "g2", 0, &freed), 0);
        assert_int_equal(freed, 1);
        assert_int_equal(sriov_detach(e->ctx, "g2", 0, &freed), -ENOENT);
        assert_contains(sriov_ctx_error(e->ctx), "domain 'g2' holds no allocations");
        assert_int_equal(n_records(e), 1);
}

static void test_pending_rolled_back(void **state)
{
        struct env *e = *state;
        /* an attach killed after recording its macvtap (never made) */
        write_store(e, "{\"allocations\":[{\"domain\":\"k\",\"interface\":0,\"kind\":\"macvtap\","
                       "\"mac\":\"52:54:00:00:00:03\",\"lower\":\"eno1\",\"mode\":\"vepa\",\"netdev\":\"macvtap5\","
                       "\"pending\":true,\"pid\":4242}]}");
        /* a listing shows it as pending and leaves it (and the store) alone */
        struct sriov_allocation *a = NULL;
        size_t n = 0;
        assert_int_equal(sriov_allocations(e->ctx, &a, &n), 0);
        assert_int_equal(n, 1);
        assert_true(a[0].pending);
        sriov_allocations_free(a, n);
        assert_null(sriov_ctx_notices(e->ctx)[0]);
        char p[400];
        snprintf(p, sizeof(p), "%s/lock", e->state);
        assert_int_equal(access(p, F_OK), -1); /* not even the lock was made */
        /* attach and detach roll it back; a detach of that domain has
         * given it back then */
        unsigned freed = 0;
        assert_int_equal(sriov_detach(e->ctx, "k", 0, &freed), 0);
        assert_int_equal(freed, 1);
        assert_warning(sriov_ctx_notices(e->ctx), "rolled back the unfinished attach of domain 'k' interface #1",
                       "pid 4242", NULL);
        assert_int_equal(n_records(e), 0);
}

static bool lists_g2(void *arg)
{
        struct env *e = arg;
        struct sriov_allocation *l = NULL;
        size_t k = 0;
        int r = sriov_allocations(e->ctx, &l, &k);
        bool good = r == 0 && k == 1 && strcmp(l[0].domain_name, "g2") == 0;
        sriov_allocations_free(l, k);
        return good;
}

/* A listing is a read: no write access needed, no lock taken. */
static void test_list_read_only(void **state)
{
        struct env *e = *state;
        write_store(e, "{\"allocations\":[{\"domain\":\"g2\",\"interface\":1,\"kind\":\"macvtap\","
                       "\"mac\":\"52:54:00:00:00:02\",\"lower\":\"eno1\",\"mode\":\"bridge\","
                       "\"netdev\":\"macvtap0\",\"pending\":false}]}");
        /* no store at all: nothing allocated, and nothing made */
        struct sriov_ctx *other;
        char p[400];
        snprintf(p, sizeof(p), "%s/none", e->root);
        assert_int_equal(sriov_ctx_new(&other), 0);
        assert_int_equal(sriov_ctx_set_state_dir(other, p), 0);
        struct sriov_allocation *a = NULL;
        size_t n = 9;
        assert_int_equal(sriov_allocations(other, &a, &n), 0);
        assert_int_equal(n, 0);
        sriov_allocations_free(a, n);
        sriov_ctx_free(other);
        assert_int_equal(access(p, F_OK), -1);
        if (geteuid() != 0)
                return; /* the rest reads root's store as another user */
        /* root's store, readable by all (the store itself makes it 0700) */
        assert_int_equal(chmod(e->root, 0755), 0);
        assert_int_equal(chmod(e->state, 0755), 0);
        snprintf(p, sizeof(p), "%s/allocations.json", e->state);
        assert_int_equal(chmod(p, 0644), 0);
        assert_as_user(4242, lists_g2, e);
}

/* Pods: the CNI plugin's records in the same store. A VF a
 * guest holds is refused to a pod and a pod's VF to another pod, before
 * anything changes; a DEL or GC for an attachment the store does not hold
 * touches nothing; the record round-trips. */
static void test_pod_records(void **state)
{
        struct env *e = *state;
        write_store(e, "{\"allocations\":["
                       "{\"domain\":\"g1\",\"uuid\":\"u1\",\"interface\":0,\"kind\":\"hostdev\","
                       "\"mac\":\"52:54:00:00:00:01\",\"pf\":\"0000:02:00.0\",\"pf_ifname\":\"enp2s0f0\","
                       "\"vf\":3,\"vf_address\":\"0000:02:10.6\",\"config\":\"mac 52:54:00:00:00:01\",\"pending\":false},"
                       "{\"domain\":\"cni:net-a/c1/net1\",\"interface\":0,\"kind\":\"pod\","
                       "\"mac\":\"02:00:00:00:00:04\",\"pf\":\"0000:02:00.0\",\"pf_ifname\":\"enp2s0f0\","
                       "\"vf\":1,\"vf_address\":\"0000:02:10.2\",\"config\":\"vlan 42\",\"netdev\":\"enp2s0f0v1\","
                       "\"pod\":{\"container_id\":\"c1\",\"ifname\":\"net1\",\"netns\":\"/var/run/netns/p1\","
                       "\"network\":\"net-a\",\"vfio\":false,\"netdev_mac\":\"02:aa:00:00:00:01\",\"netdev_mtu\":1500},"
                       "\"pending\":false}]}");
        struct sriov_allocation *a = NULL;
        size_t n = 0;
        assert_int_equal(sriov_allocations(e->ctx, &a, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(a[1].kind, SRIOV_ALLOC_POD);
        assert_string_equal(a[1].pod.container_id, "c1");
        assert_string_equal(a[1].pod.ifname, "net1");
        assert_string_equal(a[1].pod.netns, "/var/run/netns/p1");
        assert_string_equal(a[1].pod.network, "net-a");
        assert_int_equal(a[1].pod.netdev_mtu, 1500);
        assert_int_equal(a[1].pod.netdev_mac[0], 0x02);
        char *json = NULL;
        assert_int_equal(sriov_render_allocations_json(a, n, &json), 0);
        assert_contains(json, "\"kind\": \"pod\"");
        assert_contains(json, "\"container_id\": \"c1\"");
        assert_contains(json, "\"netdev_mtu\": 1500");
        free(json);
        sriov_allocations_free(a, n);
        /* a reconcile pass sees the pod's VF as held */
        struct sriov_vf_config cfg;
        assert_int_equal(sriov_allocation_vf_config(e->ctx, "0000:02:00.0", 1, &cfg), 0);
        assert_int_equal(cfg.vlan, 42);

        struct sriov_pod_request req = {.container_id = "c2", .ifname = "net1", .netns = "/proc/self/ns/net",
                                        .network = "net-a", .vf_address = "0000:02:10.6"};
        assert_int_equal(sriov_pod_add(e->ctx, &req, 0, NULL, NULL, NULL), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx), "is held by domain 'g1'");
        req.vf_address = "0000:02:10.2";
        assert_int_equal(sriov_pod_add(e->ctx, &req, 0, NULL, NULL, NULL), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx), "is held by container 'c1' (ifname net1, network 'net-a')");
        req.container_id = "c1";
        assert_int_equal(sriov_pod_add(e->ctx, &req, 0, NULL, NULL, NULL), -EEXIST);
        req.vf_address = "0000:02:00.0";
        assert_int_equal(sriov_pod_add(e->ctx, &req, 0, NULL, NULL, NULL), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "is not an SR-IOV VF");

        /* a late DEL (another container), a GC of another network: nothing touched */
        bool found = true;
        assert_int_equal(sriov_pod_del(e->ctx, "c0", "net1", 0, &found), 0);
        assert_false(found);
        assert_int_equal(sriov_pod_del(e->ctx, "c1", "net2", 0, &found), 0);
        assert_false(found);
        unsigned released = 9;
        assert_int_equal(sriov_pod_gc(e->ctx, "net-b", NULL, 0, 0, &released), 0);
        assert_int_equal(released, 0);
        struct sriov_pod_key keep = {"c1", "net1"};
        assert_int_equal(sriov_pod_gc(e->ctx, "net-a", &keep, 1, 0, &released), 0);
        assert_int_equal(released, 0);
        assert_int_equal(n_records(e), 2);

        /* a pod record that does not name its attachment */
        write_store(e, "{\"allocations\":[{\"domain\":\"cni:x\",\"interface\":0,\"kind\":\"pod\","
                       "\"mac\":\"02:00:00:00:00:04\",\"pf_ifname\":\"enp2s0f0\",\"vf\":1}]}");
        assert_int_equal(sriov_allocations(e->ctx, &a, &n), -EBADMSG);
        assert_contains(sriov_ctx_error(e->ctx), "record #1: a pod record without its attachment");
}

static void test_bad_store(void **state)
{
        struct env *e = *state;
        write_store(e, "{\"allocations\":[{\"domain\":\"g\",\"kind\":\"teleport\"}]}");
        struct sriov_allocation *a = NULL;
        size_t n = 0;
        assert_int_equal(sriov_allocations(e->ctx, &a, &n), -EBADMSG);
        assert_contains(sriov_ctx_error(e->ctx), "allocations.json: record #1 is malformed");
        write_store(e, "[1,2]");
        assert_int_equal(sriov_allocations(e->ctx, &a, &n), -EBADMSG);
        assert_null(a);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_refused_before_anything, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_not_ours_left_untouched, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_failure_leaves_nothing, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_records, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_pending_rolled_back, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_list_read_only, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_pod_records, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_bad_store, setup, env_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
