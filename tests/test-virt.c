/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Networks and domains from libvirt (virt.c), on libvirt's test driver:
 * test:///default (its NAT network 'default' and domain 'test') and a
 * test driver file of our own with a hostdev pool on the fixture tree's
 * igb PF, and a guest using it. In-process: no libvirtd. */
#include <errno.h>

#include "fxenv.h"
#include "testutil.h"
#include "sriov-libvirt.h"

static const char pool_net[] =
        "<network><name>pool</name><uuid>8b7a7d9c-0000-4000-8000-00000000c0de</uuid>"
        "<forward mode='hostdev' managed='yes'><pf dev='enp2s0f0'/></forward>"
        "<vlan><tag id='42'/></vlan></network>";

/* the guest: many devices, four NAT interfaces, a bridge, an
 * ethernet, a vhostuser, and one interface from the SR-IOV pool */
static const char guest_devices[] =
        "<emulator>/usr/bin/qemu-system-x86_64</emulator>"
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/g.qcow2'/>"
        "<target dev='vda' bus='virtio'/></disk>"
        "<controller type='usb' model='qemu-xhci'/>"
        "<interface type='network'><mac address='52:54:00:00:00:01'/><source network='default'/>"
        "<model type='virtio'/></interface>"
        "<interface type='network'><source network='default'/><model type='e1000e'/></interface>"
        "<interface type='network'><source network='default'/></interface>"
        "<interface type='network'><source network='default'/><model type='virtio'/></interface>"
        "<interface type='bridge'><source bridge='br0'/><model type='virtio'/></interface>"
        "<interface type='ethernet'><target dev='tap9' managed='no'/></interface>"
        "<interface type='vhostuser'><source type='unix' path='/run/vu.sock' mode='client'/>"
        "<model type='virtio'/></interface>"
        "%s"
        "<serial type='pty'/><console type='pty'/><video><model type='vga'/></video>";

static const char pool_iface[] =
        "<interface type='network'><mac address='52:54:00:15:00:01'/><source network='pool'/></interface>";

struct venv {
        struct env *e;
        char *uri; /* test:///ROOT/libvirt.xml */
};

static int setup(void **state)
{
        struct venv *v = calloc(1, sizeof(*v));
        if (!v || !(v->e = env_open("virt")))
                return -1;
        char *devs = NULL;
        if (asprintf(&devs, guest_devices, pool_iface) < 0)
                return -1;
        /* a test driver file: <node> with the objects it starts with */
        int r = fx_write(v->e->root, "libvirt.xml",
                         "<node>%s"
                         "<network><name>nat</name><forward mode='nat'/><bridge name='virbr9'/>"
                         "<ip address='192.168.99.1' netmask='255.255.255.0'/></network>"
                         "<domain type='test'><name>pooled</name><uuid>11111111-0000-4000-8000-000000000015</uuid>"
                         "<memory>1048576</memory><os><type>hvm</type></os><devices>%s</devices></domain>"
                         "</node>",
                         pool_net, devs);
        free(devs);
        if (r < 0 || asprintf(&v->uri, "test://%s/libvirt.xml", v->e->root) < 0)
                return -1;
        *state = v;
        return 0;
}

static int teardown(void **state)
{
        struct venv *v = *state;
        env_close(v->e);
        free(v->uri);
        free(v);
        return 0;
}

static struct sriov_xml_domain *parse_domain(struct env *e, const char *name, const char *extra)
{
        char *devs = NULL, *xml = NULL;
        assert_true(asprintf(&devs, guest_devices, extra) > 0);
        assert_true(asprintf(&xml,
                             "<domain type='kvm'><name>%s</name><uuid>11111111-0000-4000-8000-0000000000aa</uuid>"
                             "<memory>1048576</memory><os><type arch='x86_64' machine='q35'>hvm</type></os>"
                             "<devices>%s</devices></domain>",
                             name, devs) > 0);
        struct sriov_xml_domain *d = NULL;
        if (sriov_xml_domain_parse(e->ctx, "g.xml", xml, strlen(xml), &d) < 0)
                fail_msg("%s", sriov_ctx_error(e->ctx));
        free(devs);
        free(xml);
        return d;
}

/* test:///default's 'default' is NAT: looked up once for four
 * interfaces, and left to libvirt; the rest of the guest is not ours. */
static void test_default_nat(void **state)
{
        struct env *e = ((struct venv *)*state)->e;
        struct sriov_xml_domain *d = parse_domain(e, "g", "");
        struct sriov_virt *conn = NULL;
        struct sriov_xml_network **nets = NULL;
        size_t n = 99;
        assert_int_equal(sriov_virt_resolve_networks(e->ctx, &conn, "test:///default", d, NULL, 0, &nets, &n), 0);
        assert_non_null(conn);
        assert_string_equal(sriov_virt_uri(conn), "test:///default");
        assert_int_equal(n, 1);
        assert_string_equal(nets[0]->name, "default");
        assert_int_equal(nets[0]->mode, SRIOV_XML_MODE_OTHER);
        assert_string_equal(nets[0]->forward_mode_name, "nat");

        struct sriov_allocation *a = NULL;
        size_t na = 99;
        assert_int_equal(sriov_attach(e->ctx, d, nets, n, NULL, &a, &na), 0);
        assert_int_equal(na, 0);
        assert_warning(sriov_ctx_notices(e->ctx), "#4: network 'default' has <forward mode='nat'>: libvirt's own",
                       NULL, NULL);
        assert_warning(sriov_ctx_notices(e->ctx), "#7: type='vhostuser' is not handled", NULL, NULL);
        sriov_allocations_free(a, na);
        sriov_xml_networks_free(nets, n);
        sriov_virt_close(conn);
        sriov_xml_domain_free(d);
}

/* The pool comes from the driver file; the attach gets past every check
 * and fails only where the kernel starts (none here). */
static void test_pool_from_libvirt(void **state)
{
        struct venv *v = *state;
        struct env *e = v->e;
        struct sriov_xml_domain *d = parse_domain(e, "g", pool_iface);
        struct sriov_virt *conn = NULL;
        struct sriov_xml_network **nets = NULL;
        size_t n = 0;
        assert_int_equal(sriov_virt_resolve_networks(e->ctx, &conn, v->uri, d, NULL, 0, &nets, &n), -ENOENT);
        /* the driver file has no 'default': said with where it looked */
        assert_contains(sriov_ctx_error(e->ctx), "#1: <source network='default'>: no such network: no --network "
                                                 "file was given, and libvirt 'test://");
        assert_null(nets);

        /* 'default' as a file: only the pool is looked up */
        struct sriov_xml_network *file = NULL;
        static const char nat[] = "<network><name>default</name><forward mode='nat'/></network>";
        assert_int_equal(sriov_xml_network_parse(e->ctx, "default.xml", nat, strlen(nat), &file), 0);
        assert_int_equal(sriov_virt_resolve_networks(e->ctx, &conn, v->uri, d, &file, 1, &nets, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(nets[0]->name, "pool");
        assert_int_equal(nets[0]->mode, SRIOV_XML_MODE_HOSTDEV);
        assert_string_equal(nets[0]->pfs[0], "enp2s0f0");
        assert_true(nets[0]->vlan.present);

        struct sriov_xml_network *all[] = {file, nets[0]};
        int r = sriov_attach(e->ctx, d, all, 2, NULL, NULL, NULL);
        assert_true(r < 0);
        assert_not_contains(sriov_ctx_error(e->ctx), "no such network");
        assert_contains(sriov_ctx_error(e->ctx), "RTM_GETLINK enp2s0f0"); /* VF 0 picked: its settings read */
        sriov_xml_networks_free(nets, n);
        sriov_xml_network_free(file);
        sriov_virt_close(conn);
        sriov_xml_domain_free(d);
}

/* Every network named by a file: libvirt is never asked (a bad URI is
 * not even opened). */
static void test_files_need_no_libvirt(void **state)
{
        struct env *e = ((struct venv *)*state)->e;
        struct sriov_xml_domain *d = parse_domain(e, "g", pool_iface);
        struct sriov_xml_network *files[2] = {0};
        static const char nat[] = "<network><name>default</name><forward mode='nat'/></network>";
        assert_int_equal(sriov_xml_network_parse(e->ctx, "default.xml", nat, strlen(nat), &files[0]), 0);
        assert_int_equal(sriov_xml_network_parse(e->ctx, "pool.xml", pool_net, strlen(pool_net), &files[1]), 0);
        struct sriov_virt *conn = NULL;
        struct sriov_xml_network **nets = NULL;
        size_t n = 99;
        assert_int_equal(
                sriov_virt_resolve_networks(e->ctx, &conn, "test:///no/such/file.xml", d, files, 2, &nets, &n), 0);
        assert_null(conn);
        assert_int_equal(n, 0);
        sriov_xml_networks_free(nets, n);
        sriov_xml_network_free(files[0]);
        sriov_xml_network_free(files[1]);

        /* one missing: the connection is tried and its failure named */
        n = 99;
        assert_int_equal(sriov_virt_resolve_networks(e->ctx, &conn, "test:///no/such/file.xml", d, NULL, 0, &nets,
                                                     &n),
                         -ECONNREFUSED);
        assert_contains(sriov_ctx_error(e->ctx), "<source network='default'> is not among the --network files: "
                                                 "cannot connect to libvirt at 'test:///no/such/file.xml'");
        assert_null(conn);
        assert_int_equal(n, 99);
        sriov_xml_domain_free(d);
}

/* attach NAME|UUID: the persistent XML from libvirt. */
static void test_domain_from_libvirt(void **state)
{
        struct venv *v = *state;
        struct env *e = v->e;
        struct sriov_virt *conn = NULL;
        assert_int_equal(sriov_virt_open(e->ctx, v->uri, &conn), 0);
        struct sriov_xml_domain *d = NULL;
        assert_int_equal(sriov_virt_domain(e->ctx, conn, "pooled", &d), 0);
        assert_string_equal(d->name, "pooled");
        assert_int_equal(d->n_ifaces, 8);
        assert_int_equal(d->ifaces[7].type, SRIOV_XML_IFACE_NETWORK);
        assert_string_equal(d->ifaces[7].network, "pool");
        sriov_xml_domain_free(d);
        d = NULL;
        assert_int_equal(sriov_virt_domain(e->ctx, conn, "11111111-0000-4000-8000-000000000015", &d), 0);
        assert_string_equal(d->name, "pooled");
        sriov_xml_domain_free(d);
        d = NULL;
        assert_int_equal(sriov_virt_domain(e->ctx, conn, "nosuch", &d), -ENOENT);
        assert_contains(sriov_ctx_error(e->ctx), "has no domain named 'nosuch' (by name or UUID)");
        assert_null(d);
        assert_int_equal(sriov_virt_domain(e->ctx, conn, "11111111-0000-4000-8000-00000000dead", &d), -ENOENT);
        struct sriov_xml_network *net = NULL;
        assert_int_equal(sriov_virt_network(e->ctx, conn, "nat", &net), 0);
        assert_int_equal(net->mode, SRIOV_XML_MODE_OTHER);
        sriov_xml_network_free(net);
        net = NULL;
        assert_int_equal(sriov_virt_network(e->ctx, conn, "default", &net), -ENOENT);
        assert_contains(sriov_ctx_error(e->ctx), "has no network 'default'");
        sriov_virt_close(conn);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_default_nat, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pool_from_libvirt, setup, teardown),
                cmocka_unit_test_setup_teardown(test_files_need_no_libvirt, setup, teardown),
                cmocka_unit_test_setup_teardown(test_domain_from_libvirt, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
