/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt's hooks (hook.c, alloc.c's libvirt records) fed what libvirt
 * gives them: <hookData> of a network hook as libvirt 9.0 writes it for
 * a hostdev pool, domain XML for the qemu hook. On the fixture tree: a
 * hook that only records needs no kernel; one that must set something
 * reaches netlink (absent here), fails, and leaves nothing behind. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <time.h>

#include "alloc.h"
#include "fxenv.h"
#include "state.h"
#include "testutil.h"
#include "sriov-libvirt.h"

static int setup(void **state)
{
        return (*state = env_open("hook")) ? 0 : -1;
}

#define PORT_UUID "5d744f21-ba4a-4d6e-bdb2-30a35ff3207d"
#define OWNER_UUID "d54df46f-1ab5-4a22-8618-4560ef5fac2c"

/* hookData of port-created: the network, then the port (VF 0 of the
 * fixture's igb PF, 0000:02:10.0) */
static char *hookdata(const char *metadata, const char *plug)
{
        char *s;
        assert_true(asprintf(&s,
                             "<hookData>\n"
                             "  <network>\n"
                             "    <name>pool</name>\n"
                             "    <uuid>8b7a7d9c-0000-4000-8000-00000000c0de</uuid>\n%s"
                             "    <forward mode='hostdev' managed='yes'>\n"
                             "      <pf dev='enp2s0f0'/>\n"
                             "      <address type='pci' domain='0x0000' bus='0x02' slot='0x10' function='0x0'/>\n"
                             "      <address type='pci' domain='0x0000' bus='0x02' slot='0x10' function='0x2'/>\n"
                             "    </forward>\n"
                             "  </network>\n"
                             "  <networkport>\n"
                             "    <uuid>" PORT_UUID "</uuid>\n"
                             "    <owner>\n"
                             "      <name>g</name>\n"
                             "      <uuid>" OWNER_UUID "</uuid>\n"
                             "    </owner>\n"
                             "    <mac address='52:54:00:7b:35:93'/>\n"
                             "    <vlan>\n"
                             "      <tag id='42'/>\n"
                             "    </vlan>\n%s"
                             "  </networkport>\n"
                             "</hookData>\n",
                             metadata ? metadata : "",
                             plug ? plug
                                  : "    <plug type='hostdev-pci' managed='yes'>\n"
                                    "      <driver name='vfio'/>\n"
                                    "      <address domain='0x0000' bus='0x02' slot='0x10' function='0x0'/>\n"
                                    "    </plug>\n") > 0);
        return s;
}

/* Overwrites the first `what` in s with `with` (same length). */
static void patch(char *s, const char *what, const char *with)
{
        char *p = strstr(s, what);
        assert_non_null(p);
        assert_int_equal(strlen(what), strlen(with));
        memcpy(p, with, strlen(with));
}

static int net_hook(struct env *e, const char *op, const char *xml, char ***ret)
{
        struct sriov_hook_options o = {.config_dir = "/nonexistent/sriov-config"};
        char **actions = NULL;
        int r = sriov_hook_network(e->ctx, "pool", op, "begin", xml, strlen(xml), &o, &actions);
        if (ret)
                *ret = actions;
        else
                strv_free(actions);
        return r;
}

static int qemu_hook(struct env *e, const char *domain, const char *op, const char *xml, char ***ret)
{
        struct sriov_hook_options o = {.config_dir = "/nonexistent/sriov-config"};
        char **actions = NULL;
        int r = sriov_hook_qemu(e->ctx, domain, op, "begin", xml, strlen(xml), &o, &actions);
        if (ret)
                *ret = actions;
        else
                strv_free(actions);
        return r;
}

static struct sriov_allocation *records(struct env *e, size_t *n)
{
        struct sriov_allocation *a = NULL;
        assert_int_equal(sriov_allocations(e->ctx, &a, n), 0);
        return a;
}

static void write_store(struct env *e, const char *json)
{
        assert_int_equal(fx_write(e->root, "state/allocations.json", "%s", json), 0);
}

/* port-created records the VF for the port's owner; run again (libvirtd
 * restarted: networkNotifyPort) it changes nothing; port-deleted gives it
 * back, and again finds nothing to do. */
static void test_port_recorded_idempotent(void **state)
{
        struct env *e = *state;
        char *xml = hookdata(NULL, NULL), **actions = NULL;
        assert_int_equal(net_hook(e, "port-created", xml, &actions), 0);
        assert_non_null(actions[0]);
        assert_contains(actions[0], "network 'pool' port " PORT_UUID ": VF 0000:02:10.0 for domain 'g' (MAC "
                                    "52:54:00:7b:35:93): recorded");
        strv_free(actions);
        size_t n;
        struct sriov_allocation *a = records(e, &n);
        assert_int_equal(n, 1);
        assert_string_equal(a[0].domain_name, "g");
        assert_string_equal(a[0].domain_uuid, OWNER_UUID);
        assert_string_equal(a[0].source, "libvirt-network");
        assert_string_equal(a[0].network, "pool");
        assert_string_equal(a[0].port, PORT_UUID);
        assert_string_equal(a[0].pf, "0000:02:00.0");
        assert_int_equal(a[0].vf, 0);
        assert_int_equal(a[0].kind, SRIOV_ALLOC_HOSTDEV);
        assert_int_equal(a[0].mac[5], 0x93);
        assert_false(a[0].pending);
        char *json = NULL;
        assert_int_equal(sriov_render_allocations_json(a, n, &json), 0);
        assert_contains(json, "\"source\": \"libvirt-network\"");
        assert_contains(json, "\"port\": \"" PORT_UUID "\"");
        free(json);
        sriov_allocations_free(a, n);

        /* a reconcile pass sees it as held */
        struct held_vf *h = NULL;
        size_t nh = 0;
        assert_int_equal(alloc_held_vfs(e->ctx, "0000:02:00.0", &h, &nh), 0);
        assert_int_equal(nh, 1);
        assert_int_equal(h[0].vf, 0);
        assert_string_equal(h[0].domain_name, "g");
        assert_true(h[0].libvirt); /* its MAC and VLAN are libvirt's */
        held_vfs_free(h, nh);

        assert_int_equal(net_hook(e, "port-created", xml, &actions), 0);
        assert_contains(actions[0], "recorded already, nothing changed");
        strv_free(actions);
        a = records(e, &n);
        assert_int_equal(n, 1);
        sriov_allocations_free(a, n);

        assert_int_equal(net_hook(e, "port-deleted", xml, &actions), 0);
        assert_contains(actions[0], "network 'pool' port " PORT_UUID ": VF given back");
        strv_free(actions);
        a = records(e, &n);
        assert_int_equal(n, 0);
        sriov_allocations_free(a, n);
        assert_int_equal(net_hook(e, "port-deleted", xml, &actions), 0);
        assert_null(actions[0]);
        strv_free(actions);
        free(xml);
}

/* sriovctl attach gave VF 0 to another guest: the port is refused with
 * the holder named (exit 5 from the hook: libvirt's start fails). */
static void test_port_refused_when_attached(void **state)
{
        struct env *e = *state;
        write_store(e, "{\"allocations\":[{\"domain\":\"other\",\"uuid\":\"u1\",\"interface\":0,\"kind\":\"hostdev\","
                       "\"mac\":\"52:54:00:00:00:01\",\"pf\":\"0000:02:00.0\",\"pf_ifname\":\"enp2s0f0\","
                       "\"vf\":0,\"vf_address\":\"0000:02:10.0\",\"config\":\"mac 52:54:00:00:00:01\","
                       "\"vfio_driver\":\"igbvf\",\"pending\":false}]}");
        char *xml = hookdata(NULL, NULL);
        assert_int_equal(net_hook(e, "port-created", xml, NULL), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx),
                        "network 'pool' port " PORT_UUID " for domain 'g': VF 0 (0000:02:10.0) of 0000:02:00.0 is "
                        "held by domain 'other' (uuid u1) (interface #1, hostdev), given out by sriovctl attach: "
                        "libvirt must not give it to domain 'g' too");
        size_t n;
        struct sriov_allocation *a = records(e, &n);
        assert_int_equal(n, 1);
        assert_null(a[0].source);
        sriov_allocations_free(a, n);
        free(xml);

        /* the same guest's own attach (virsh create of the XML attach wrote) stands */
        write_store(e, "{\"allocations\":[{\"domain\":\"g\",\"interface\":0,\"kind\":\"hostdev\","
                       "\"mac\":\"52:54:00:00:00:01\",\"pf\":\"0000:02:00.0\",\"pf_ifname\":\"enp2s0f0\","
                       "\"vf\":4,\"vf_address\":\"0000:02:11.0\",\"pending\":false}]}");
        static const char dom[] =
                "<domain type='kvm'><name>g</name><devices><interface type='hostdev' managed='yes'>"
                "<mac address='52:54:00:00:00:01'/><source><address type='pci' domain='0x0000' bus='0x02' "
                "slot='0x11' function='0x0'/></source></interface></devices></domain>";
        char **actions = NULL;
        assert_int_equal(qemu_hook(e, "g", "prepare", dom, &actions), 0);
        assert_contains(actions[0], "given to this guest by sriovctl attach: its record stands");
        strv_free(actions);
        /* and another guest naming that VF is refused at prepare */
        char *dom2 = strdup(dom);
        patch(dom2, "<name>g<", "<name>h<");
        assert_int_equal(qemu_hook(e, "h", "prepare", dom2, NULL), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx), "domain 'h': <interface> #1: VF 4 (0000:02:11.0) of 0000:02:00.0 "
                                                 "is held by domain 'g'");
        free(dom2);
        /* release leaves sriovctl's own records to detach */
        assert_int_equal(qemu_hook(e, "g", "release", "<domain/>", NULL), 0);
        a = records(e, &n);
        assert_int_equal(n, 1);
        sriov_allocations_free(a, n);
}

/* Ports that are not a VF (a NAT network's bridge plug) are libvirt's. */
static void test_port_not_a_vf(void **state)
{
        struct env *e = *state;
        char *xml = hookdata(NULL, "    <plug type='network' bridge='virbr0'/>\n"), **actions = NULL;
        assert_int_equal(net_hook(e, "port-created", xml, &actions), 0);
        assert_null(actions[0]);
        strv_free(actions);
        free(xml);
        /* a passthrough pool's macvtap on the PF itself: not a VF either */
        xml = hookdata(NULL, "    <plug type='direct' dev='enp2s0f0' mode='passthrough'/>\n");
        assert_int_equal(net_hook(e, "port-created", xml, NULL), 0);
        free(xml);
        /* ... on a VF's netdev: recorded as vf-direct */
        xml = hookdata(NULL, "    <plug type='direct' dev='enp2s0f0v1' mode='passthrough'/>\n");
        assert_int_equal(net_hook(e, "port-created", xml, NULL), 0);
        free(xml);
        size_t n;
        struct sriov_allocation *a = records(e, &n);
        assert_int_equal(n, 1);
        assert_int_equal(a[0].kind, SRIOV_ALLOC_VF_DIRECT);
        assert_int_equal(a[0].vf, 1);
        sriov_allocations_free(a, n);
        /* operations the hook has nothing to do for */
        assert_int_equal(net_hook(e, "started", "<network><name>pool</name></network>", NULL), 0);
}

/* Settings from the network's <metadata>: checked as the words of `set`;
 * sending them needs the kernel (absent): nothing is kept. */
static void test_network_metadata(void **state)
{
        struct env *e = *state;
        char *xml = hookdata("    <metadata>\n      <sriov:vf xmlns:sriov='" SRIOV_LIBVIRT_XMLNS
                             "' trust='on' spoofchk='off' max-rate='100' vlan-qos='3'/>\n    </metadata>\n",
                             NULL);
        assert_true(net_hook(e, "port-created", xml, NULL) < 0);
        assert_contains(sriov_ctx_error(e->ctx), "RTM_GETLINK enp2s0f0");
        size_t n;
        struct sriov_allocation *a = records(e, &n);
        assert_int_equal(n, 0);
        sriov_allocations_free(a, n);
        free(xml);

        static const struct {
                const char *attrs, *msg;
        } bad[] = {
                {"trust='maybe'", "network 'pool': <metadata>: "},
                {"vlan='5'", "<sriov:vf vlan=...>: not one of spoofchk, trust, state, min-rate, max-rate, query-rss, "
                             "vlan-qos, vlan-proto, mac (MAC address and VLAN ID are libvirt's own"},
                {"vlan-qos='9'", "qos"},
                {"vlan-proto='802.1x'", "proto"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char *m = NULL;
                assert_true(asprintf(&m, "<metadata><s:vf xmlns:s='" SRIOV_LIBVIRT_XMLNS "' %s/></metadata>",
                                     bad[i].attrs) > 0);
                xml = hookdata(m, NULL);
                assert_int_equal(net_hook(e, "port-created", xml, NULL), -EINVAL);
                assert_contains(sriov_ctx_error(e->ctx), bad[i].msg);
                free(xml);
                free(m);
        }
        /* another namespace's element is not ours */
        xml = hookdata("<metadata><x:vf xmlns:x='urn:other' trust='maybe'/></metadata>", NULL);
        assert_int_equal(net_hook(e, "port-created", xml, NULL), 0);
        free(xml);
}

/* The <metadata> block of an examples/ file, as it stands there. */
static char *example_metadata(const char *name)
{
        char path[512];
        snprintf(path, sizeof(path), "%s/examples/%s", SRIOV_SOURCE_DIR, name);
        size_t len = 0;
        _cleanup_free_ char *s = slurp(path, &len);
        assert_non_null(s);
        const char *body = strstr(s, "-->"); /* after the leading comment, which names it too */
        const char *a = body ? strstr(body, "<metadata>") : NULL, *b = a ? strstr(a, "</metadata>") : NULL;
        if (!b)
                fail_msg("%s: no <metadata> block", path);
        char *m = strndup(a, (size_t)(b - a) + strlen("</metadata>"));
        assert_non_null(m);
        return m;
}

/* The metadata the examples show is what the hooks take: it gets as far
 * as the kernel (absent here); one value spoilt in it is refused, naming
 * where. */
static void test_examples_metadata(void **state)
{
        struct env *e = *state;
        char *m = example_metadata("net-hostdev-pool.xml");
        char *xml = hookdata(m, NULL);
        assert_true(net_hook(e, "port-created", xml, NULL) < 0);
        assert_contains(sriov_ctx_error(e->ctx), "RTM_GETLINK enp2s0f0");
        patch(xml, "max-rate='1000'", "max-rate='10x0'");
        assert_int_equal(net_hook(e, "port-created", xml, NULL), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "network 'pool': <metadata>: ");
        assert_contains(sriov_ctx_error(e->ctx), "10x0");
        free(xml);
        free(m);

        m = example_metadata("domain-network.xml");
        char *dom = NULL;
        assert_true(asprintf(&dom,
                             "<domain type='kvm'><name>app-worker-3</name>%s<devices>"
                             "<interface type='hostdev' managed='yes'><mac address='52:54:00:19:e2:40'/><source>"
                             "<address type='pci' domain='0x0000' bus='0x02' slot='0x10' function='0x6'/></source>"
                             "</interface></devices></domain>",
                             m) > 0);
        assert_true(qemu_hook(e, "app-worker-3", "prepare", dom, NULL) < 0);
        assert_contains(sriov_ctx_error(e->ctx), "RTM_GETLINK enp2s0f0");
        patch(dom, "vlan-qos='3'", "vlan-qos='9'");
        assert_int_equal(qemu_hook(e, "app-worker-3", "prepare", dom, NULL), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "domain 'app-worker-3': <metadata>: ");
        size_t n;
        struct sriov_allocation *a = records(e, &n);
        assert_int_equal(n, 0); /* nothing kept of either */
        sriov_allocations_free(a, n);
        free(dom);
        free(m);
}

/* Malformed input is refused before anything is read or written. */
static void test_bad_hookdata(void **state)
{
        struct env *e = *state;
        /* the hook, network and operation are the caller's to say, once
         * (sriovctl prefixes "hook network pool port-created: ") */
        assert_int_equal(net_hook(e, "port-created", "<hookData><network>", NULL), -EINVAL);
        assert_string_equal(sriov_ctx_error(e->ctx), "<hookData>: not well-formed XML");
        assert_int_equal(qemu_hook(e, "web", "prepare", "<domain>", NULL), -EINVAL);
        assert_string_equal(sriov_ctx_error(e->ctx), "the domain XML: not well-formed XML");
        assert_int_equal(net_hook(e, "port-created", "<hookData><network/></hookData>", NULL), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "no <networkport>");
        char *xml = hookdata(NULL, "    <plug type='hostdev-pci'><address bus='0x102' slot='0' function='0'/></plug>\n");
        assert_int_equal(net_hook(e, "port-created", xml, NULL), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "<address bus='0x102'>: not a PCI address field");
        free(xml);
        assert_int_equal(qemu_hook(e, "g", "prepare", "<!DOCTYPE d [<!ENTITY x 'y'>]><domain/>", NULL), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "a DTD is not taken");
}

/* The qemu hook: a guest's own <interface type='hostdev'> and <hostdev>
 * naming VFs are recorded at prepare and given back at release; start
 * finds the port a network hook recorded by its MAC. */
static void test_qemu_prepare_start_release(void **state)
{
        struct env *e = *state;
        static const char dom[] =
                "<domain type='kvm'><name>q</name><uuid>" OWNER_UUID "</uuid><devices>"
                "<interface type='hostdev' managed='yes'><mac address='52:54:00:00:00:0a'/><source>"
                "<address type='pci' domain='0x0000' bus='0x02' slot='0x10' function='0x6'/></source></interface>"
                "<interface type='network'><mac address='52:54:00:00:00:09'/><source network='pool'/></interface>"
                "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x02' "
                "slot='0x11' function='0x2'/></source></hostdev>"
                "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x03' "
                "slot='0x00' function='0x0'/></source></hostdev>"
                "</devices></domain>";
        char **actions = NULL;
        assert_int_equal(qemu_hook(e, "q", "prepare", dom, &actions), 0);
        assert_contains(actions[0], "domain 'q': <interface> #1: VF 0000:02:10.6: recorded");
        assert_contains(actions[1], "domain 'q': <hostdev> #1: VF 0000:02:11.2: recorded");
        assert_null(actions[2]); /* 0000:03:00.0 is not a VF */
        strv_free(actions);
        size_t n;
        struct sriov_allocation *a = records(e, &n);
        assert_int_equal(n, 2);
        assert_string_equal(a[0].source, "libvirt-domain");
        assert_int_equal(a[0].vf, 3);
        assert_int_equal(a[0].iface, 0);
        assert_int_equal(a[1].vf, 5);
        assert_int_equal(a[1].iface, 2); /* after the interfaces */
        sriov_allocations_free(a, n);
        /* sriovctl attach does not hand them out */
        static const char want[] =
                "<domain><name>z</name><devices><interface type='hostdev' managed='yes'><source><address "
                "type='pci' domain='0' bus='2' slot='0x10' function='6'/></source></interface></devices></domain>";
        struct sriov_xml_domain *d = NULL;
        assert_int_equal(sriov_xml_domain_parse(e->ctx, "z.xml", want, strlen(want), &d), 0);
        assert_int_equal(sriov_attach(e->ctx, d, NULL, 0, NULL, NULL, NULL), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx), "is in use: held by domain 'q'");
        sriov_xml_domain_free(d);

        /* start: nothing more to send, nothing said */
        assert_int_equal(qemu_hook(e, "q", "start", dom, &actions), 0);
        assert_null(actions[0]);
        strv_free(actions);
        /* prepare again (a second start after a failed one): kept */
        assert_int_equal(qemu_hook(e, "q", "prepare", dom, NULL), 0);
        a = records(e, &n);
        assert_int_equal(n, 2);
        sriov_allocations_free(a, n);

        /* a port recorded for another interface of q is matched by MAC at start */
        char *xml = hookdata(NULL, NULL);
        patch(xml, "<name>g</name>", "<name>q</name>");
        patch(xml, "52:54:00:7b:35:93", "52:54:00:00:00:09");
        assert_int_equal(net_hook(e, "port-created", xml, NULL), 0);
        free(xml);
        assert_int_equal(qemu_hook(e, "q", "start", dom, &actions), 0);
        assert_contains(actions[0], "domain 'q': <interface> #2: VF 0000:02:10.0: recorded already, added to");
        strv_free(actions);
        a = records(e, &n);
        assert_int_equal(n, 3);
        assert_string_equal(a[2].source, "libvirt-network"); /* the port's record, now knowing its interface */
        assert_int_equal(a[2].iface, 1);
        sriov_allocations_free(a, n);

        assert_int_equal(qemu_hook(e, "q", "release", "<domain/>", &actions), 0);
        assert_contains(actions[0], "domain 'q': 3 VFs given back");
        strv_free(actions);
        a = records(e, &n);
        assert_int_equal(n, 0);
        sriov_allocations_free(a, n);
        /* operations with nothing to do */
        assert_int_equal(qemu_hook(e, "q", "stopped", "<domain/>", NULL), 0);
        assert_int_equal(qemu_hook(e, "q", "reconnect", "<domain/>", NULL), 0);
}

/* A VF whose settings cannot be put back at release keeps its record,
 * and the failure says so (the hook logs it). */
static void test_release_failure_kept(void **state)
{
        struct env *e = *state;
        write_store(e, "{\"allocations\":[{\"domain\":\"q\",\"interface\":0,\"kind\":\"hostdev\","
                       "\"mac\":\"52:54:00:00:00:01\",\"pf\":\"0000:02:00.0\",\"pf_ifname\":\"enp2s0f0\","
                       "\"vf\":0,\"vf_address\":\"0000:02:10.0\",\"config\":\"trust on\","
                       "\"before\":\"mac 00:00:00:00:00:00 vlan 0 spoofchk on trust off\",\"saved_here\":false,"
                       "\"source\":\"libvirt-domain\",\"pending\":false}]}");
        assert_true(qemu_hook(e, "q", "release", "<domain/>", NULL) < 0);
        assert_contains(sriov_ctx_error(e->ctx), "domain 'q' interface #1: VF 0000:02:10.0: ");
        assert_contains(sriov_ctx_error(e->ctx), "its record is kept (sriovctl detach 'q' tries again)");
        size_t n;
        struct sriov_allocation *a = records(e, &n);
        assert_int_equal(n, 1);
        assert_true(a[0].config.trust);
        sriov_allocations_free(a, n);
}

/* A record whose snapshot was taken after libvirt set the MAC and VLAN
 * has none of them: a VF whose only setting of sriovctl's was a VLAN
 * priority then has nothing to put back (no kernel needed). */
static void test_release_leaves_libvirt_mac_vlan(void **state)
{
        struct env *e = *state;
        write_store(e, "{\"allocations\":[{\"domain\":\"q\",\"interface\":0,\"kind\":\"hostdev\","
                       "\"mac\":\"52:54:00:7e:aa:01\",\"pf\":\"0000:02:00.0\",\"pf_ifname\":\"enp2s0f0\","
                       "\"vf\":0,\"vf_address\":\"0000:02:10.0\",\"config\":\"vlan 42 qos 3\","
                       "\"before\":\"spoofchk on trust off\","
                       "\"saved_here\":false,\"source\":\"libvirt-network\",\"network\":\"pool\","
                       "\"port\":\"" PORT_UUID "\",\"pending\":false}]}");
        char **actions = NULL;
        assert_int_equal(qemu_hook(e, "q", "release", "<domain/>", &actions), 0);
        assert_contains(actions[0], "domain 'q': 1 VF given back");
        strv_free(actions);
        size_t n;
        struct sriov_allocation *a = records(e, &n);
        assert_int_equal(n, 0);
        sriov_allocations_free(a, n);
}

/* ---- the hook scripts as libvirt runs them ------------------------------- */

extern char **environ;

/* hooks/DIR/sriov-manager.in as installed, naming the sriovctl built here
 * with the fixture's tree, state and no desired state: ROOT/DIR.hook. */
static char *hook_script(struct env *e, const char *dir)
{
        char src[512];
        snprintf(src, sizeof(src), "%s/hooks/%s/sriov-manager.in", SRIOV_SOURCE_DIR, dir);
        _cleanup_free_ char *text = slurp(src, NULL);
        assert_non_null(text);
        char *at = strstr(text, "@SRIOVCTL@");
        assert_non_null(at);
        *at = 0;
        char *path = NULL;
        assert_true(asprintf(&path, "%s/%s.hook", e->root, dir) > 0);
        assert_int_equal(fx_write(e->root, strrchr(path, '/') + 1,
                                  "%s'%s' --sysfs-root '%s' --state-dir '%s' --config-dir /nonexistent/sriov-config%s",
                                  text, SRIOVCTL_PATH, e->root, e->state, at + strlen("@SRIOVCTL@")),
                      0);
        return path;
}

/* Runs a hook script as libvirt does (OBJECT OPERATION SUB-OPERATION
 * EXTRA, the XML on stdin); its exit status, stderr in *ret_err. */
static int run_hook(struct env *e, const char *script, const char *object, const char *op, const char *subop,
                    const char *xml, char **ret_err)
{
        char in[512], err[512];
        snprintf(in, sizeof(in), "%s/hook.in", e->root);
        snprintf(err, sizeof(err), "%s/hook.err", e->root);
        assert_int_equal(fx_write(e->root, "hook.in", "%s", xml), 0);
        posix_spawn_file_actions_t fa;
        assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
        char *argv[] = {"sh", (char *)script, (char *)object, (char *)op, (char *)subop, "-", NULL};
        pid_t pid;
        int r = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        assert_int_equal(r, 0);
        int status;
        while (waitpid(pid, &status, 0) < 0)
                assert_int_equal(errno, EINTR);
        *ret_err = slurp(err, NULL);
        assert_non_null(*ret_err);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

/* Runs a hook script that must succeed; the records after it. */
static struct sriov_allocation *hook_ok(struct env *e, const char *script, const char *name, const char *op,
                                        const char *subop, const char *xml, size_t *n)
{
        char *err = NULL;
        int rc = run_hook(e, script, name, op, subop, xml, &err);
        if (rc != 0)
                fail_msg("%s '%s' %s: exit %d: %s", script, name, op, rc, err);
        free(err);
        return records(e, n);
}

/* libvirt's names may hold anything but a newline: each goes through the
 * real hook scripts as a name, never as an option of sriovctl. */
static void test_hook_names_verbatim(void **state)
{
        struct env *e = *state;
        static const char *const names[] = {"-web", "--help", "--state-dir=/x", "a b", "\xc3\xbc", "--", "-"};
        _cleanup_free_ char *net = hook_script(e, "network.d"), *qemu = hook_script(e, "qemu.d");
        _cleanup_free_ char *xml = hookdata(NULL, NULL);
        static const char dom[] =
                "<domain type='kvm'><name>n</name><devices><hostdev mode='subsystem' type='pci' managed='yes'>"
                "<source><address domain='0x0000' bus='0x02' slot='0x10' function='0x6'/></source></hostdev>"
                "</devices></domain>";
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                const char *name = names[i];
                size_t n;
                struct sriov_allocation *a = hook_ok(e, net, name, "port-created", "begin", xml, &n);
                if (n != 1 || strcmp(a[0].network, name) != 0 || strcmp(a[0].domain_name, "g") != 0)
                        fail_msg("network '%s' port-created: %zu records (network '%s')", name, n,
                                 n ? a[0].network : "");
                sriov_allocations_free(a, n);
                a = hook_ok(e, net, name, "port-deleted", "begin", xml, &n);
                assert_int_equal(n, 0);
                sriov_allocations_free(a, n);

                a = hook_ok(e, qemu, name, "prepare", "begin", dom, &n);
                if (n != 1 || strcmp(a[0].domain_name, name) != 0 || strcmp(a[0].source, "libvirt-domain") != 0)
                        fail_msg("domain '%s' prepare: %zu records (domain '%s')", name, n,
                                 n ? a[0].domain_name : "");
                sriov_allocations_free(a, n);
                a = hook_ok(e, qemu, name, "release", "end", dom, &n);
                assert_int_equal(n, 0);
                sriov_allocations_free(a, n);
        }
}

static int64_t now_ms(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* libvirtd waits for its hooks: one never waits long for the store's
 * lock, and says who holds it. */
static void test_hook_lock_wait_bounded(void **state)
{
        struct env *e = *state;
        struct sriov_ctx *holder = NULL;
        assert_int_equal(sriov_ctx_new(&holder), 0);
        assert_int_equal(sriov_ctx_set_state_dir(holder, e->state), 0);
        int fd = -1;
        assert_int_equal(state_lock(holder, 1000, &fd), 0);
        int64_t t0 = now_ms();
        assert_int_equal(qemu_hook(e, "q", "release", "<domain/>", NULL), -ETIMEDOUT);
        int64_t waited = now_ms() - t0;
        if (waited > 10000)
                fail_msg("the hook waited %lld ms for the lock", (long long)waited);
        char pid[64];
        snprintf(pid, sizeof(pid), "held by pid %ld (", (long)getpid());
        assert_contains(sriov_ctx_error(e->ctx), pid);
        assert_contains(sriov_ctx_error(e->ctx), "test-hook");
        state_unlock(fd);
        sriov_ctx_free(holder);
        /* free again: the hook runs */
        assert_int_equal(qemu_hook(e, "q", "release", "<domain/>", NULL), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_port_recorded_idempotent, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_port_refused_when_attached, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_port_not_a_vf, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_network_metadata, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_examples_metadata, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_bad_hookdata, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_qemu_prepare_start_release, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_release_failure_kept, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_release_leaves_libvirt_mac_vlan, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_hook_names_verbatim, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_hook_lock_wait_bounded, setup, env_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
