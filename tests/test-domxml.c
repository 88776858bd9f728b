/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt domain/network XML (domxml.c): the real files of
 * ../shared/realdata/libvirt, one inline document per value rule, the
 * libvirt-style merge, and rewritten interfaces parsed back. */
#include "testutil.h"

#include <glob.h>
#include <limits.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "internal.h"
#include "sriov-libvirt.h"

static struct sriov_ctx *ctx;

static int setup(void **state)
{
        (void)state;
        return sriov_ctx_new(&ctx);
}

static int teardown(void **state)
{
        (void)state;
        sriov_ctx_free(ctx);
        return 0;
}

static char *real(const char *rel, size_t *len)
{
        _cleanup_free_ char *p = NULL;
        char rel2[256]; /* not malloc'd: realdata_or_skip() may longjmp out (skip) */
        snprintf(rel2, sizeof(rel2), "libvirt/%s", rel);
        p = realdata_or_skip(rel2);
        char *s = slurp(p, len);
        assert_non_null(s);
        return s;
}

static struct sriov_xml_domain *real_domain(const char *rel)
{
        size_t len;
        _cleanup_free_ char *s = real(rel, &len);
        struct sriov_xml_domain *d = NULL;
        int r = sriov_xml_domain_parse(ctx, rel, s, len, &d);
        if (r < 0)
                fail_msg("%s: %s", rel, sriov_ctx_error(ctx));
        return d;
}

static struct sriov_xml_network *real_network(const char *rel)
{
        size_t len;
        _cleanup_free_ char *s = real(rel, &len);
        struct sriov_xml_network *n = NULL;
        int r = sriov_xml_network_parse(ctx, rel, s, len, &n);
        if (r < 0)
                fail_msg("%s: %s", rel, sriov_ctx_error(ctx));
        return n;
}

static void assert_mac(const uint8_t m[6], const char *want)
{
        char buf[18];
        sriov_format_mac(m, buf);
        assert_string_equal(buf, want);
}

static void assert_uuid(const uint8_t u[16], const char *want)
{
        char buf[37];
        sriov_uuid_format(u, buf);
        assert_string_equal(buf, want);
}

static void assert_pci(const struct sriov_pci_addr *a, unsigned dom, unsigned bus, unsigned slot, unsigned fn)
{
        assert_int_equal(a->domain, dom);
        assert_int_equal(a->bus, bus);
        assert_int_equal(a->slot, slot);
        assert_int_equal(a->function, fn);
}

static void assert_qbg(const struct sriov_xml_vport *v, unsigned mgr, unsigned tid, unsigned ver, const char *inst)
{
        assert_true(v->present);
        assert_int_equal(v->type, SRIOV_XML_VPORT_8021QBG);
        assert_int_equal(v->managerid, mgr);
        assert_int_equal(v->typeid, tid);
        assert_int_equal(v->typeidversion, ver);
        if (inst) {
                assert_true(v->set & SRIOV_XML_VP_INSTANCEID);
                assert_uuid(v->instanceid, inst);
        }
}

/* ---- real domains ----------------------------------------------------- */

static void test_net_hostdev(void **state)
{
        (void)state;
        struct sriov_xml_domain *d = real_domain("qemuxml2argvdata/net-hostdev.xml");
        assert_string_equal(d->name, "QEMUGuest1");
        assert_string_equal(d->uuid, "c7a5fdbd-edaf-9455-926a-d65c16db1809");
        assert_int_equal(d->n_ifaces, 1);
        const struct sriov_xml_iface *f = &d->ifaces[0];
        assert_int_equal(f->type, SRIOV_XML_IFACE_HOSTDEV);
        assert_int_equal(f->managed, 1);
        assert_true(f->has_mac);
        assert_mac(f->mac, "00:11:22:33:44:55");
        assert_true(f->has_pci);
        assert_pci(&f->pci, 0, 0x03, 0x07, 1);
        assert_true(f->vlan.present);
        assert_int_equal(f->vlan.n_tags, 1);
        assert_int_equal(f->vlan.tags[0].id, 42);
        assert_false(f->vlan.trunk);
        assert_qbg(&f->vport, 11, 1193047, 2, "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f");
        assert_string_equal(f->model_type, "rtl8139");
        assert_null(f->driver_name);
        sriov_xml_domain_free(d);

        d = real_domain("qemuxml2argvdata/net-hostdev-vfio.xml");
        assert_pci(&d->ifaces[0].pci, 0, 0x06, 0x12, 1);
        assert_string_equal(d->ifaces[0].driver_name, "vfio");
        sriov_xml_domain_free(d);
}

static void test_net_portgroup_domain(void **state)
{
        (void)state;
        struct sriov_xml_domain *d = real_domain("qemuxml2argvdata/net-virtio-network-portgroup.xml");
        assert_int_equal(d->n_ifaces, 3);
        const struct sriov_xml_iface *f = d->ifaces;
        for (size_t i = 0; i < 3; i++)
                assert_int_equal(f[i].type, SRIOV_XML_IFACE_NETWORK);
        assert_string_equal(f[0].network, "rednet");
        assert_string_equal(f[0].portgroup, "bob");
        assert_int_equal(f[0].vlan.tags[0].id, 4095);
        assert_qbg(&f[0].vport, 11, 1193047, 2, "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f");
        assert_string_equal(f[1].network, "blue");
        assert_string_equal(f[1].portgroup, "sam");
        assert_int_equal(f[1].vport.type, SRIOV_XML_VPORT_UNTYPED);
        assert_int_equal(f[1].vport.set, SRIOV_XML_VP_INSTANCEID | SRIOV_XML_VP_INTERFACEID);
        assert_uuid(f[1].vport.interfaceid, "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f");
        assert_mac(f[1].mac, "10:11:22:33:44:55");
        assert_int_equal(f[2].vport.type, SRIOV_XML_VPORT_8021QBH);
        assert_string_equal(f[2].vport.profileid, "testhis99");
        assert_false(f[2].vlan.present);
        sriov_xml_domain_free(d);
}

static void test_other_domains(void **state)
{
        (void)state;
        struct sriov_xml_domain *d = real_domain("qemuxml2argvdata/net-midonet.xml");
        assert_int_equal(d->n_ifaces, 1);
        assert_int_equal(d->ifaces[0].type, SRIOV_XML_IFACE_OTHER);
        assert_string_equal(d->ifaces[0].type_name, "bridge");
        assert_int_equal(d->ifaces[0].vport.type, SRIOV_XML_VPORT_MIDONET);
        assert_uuid(d->ifaces[0].vport.interfaceid, "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f");
        sriov_xml_domain_free(d);

        d = real_domain("lxcconf2xmldata/lxcconf2xml-macvlannetwork.xml");
        assert_string_equal(d->name, "migrate_test");
        assert_int_equal(d->n_ifaces, 1);
        assert_int_equal(d->ifaces[0].type, SRIOV_XML_IFACE_DIRECT);
        assert_string_equal(d->ifaces[0].source_dev, "eth0");
        assert_int_equal(d->ifaces[0].mode, SRIOV_XML_MODE_VEPA);
        assert_mac(d->ifaces[0].mac, "02:00:15:8f:05:c1");
        sriov_xml_domain_free(d);

        d = real_domain("virt-manager-tests/change-nics-in.xml");
        assert_string_equal(d->name, "TestGuest");
        assert_int_equal(d->n_ifaces, 5);
        assert_string_equal(d->ifaces[0].type_name, "user");
        assert_int_equal(d->ifaces[1].type, SRIOV_XML_IFACE_NETWORK);
        assert_string_equal(d->ifaces[1].network, "default");
        assert_null(d->ifaces[1].portgroup);
        assert_string_equal(d->ifaces[1].model_type, "e1000");
        assert_int_equal(d->ifaces[2].type, SRIOV_XML_IFACE_OTHER);
        assert_int_equal(d->ifaces[3].type, SRIOV_XML_IFACE_OTHER);
        const struct sriov_xml_iface *f = &d->ifaces[4];
        assert_int_equal(f->type, SRIOV_XML_IFACE_DIRECT);
        assert_string_equal(f->source_dev, "eth0.1");
        assert_int_equal(f->mode, SRIOV_XML_MODE_VEPA);
        assert_qbg(&f->vport, 12, 1193046, 1, "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa3b");
        sriov_xml_domain_free(d);

        d = real_domain("virt-manager-tests/change-nics-out.xml");
        assert_mac(d->ifaces[0].mac, "aa:aa:aa:aa:aa:aa");
        assert_int_equal(d->ifaces[1].type, SRIOV_XML_IFACE_OTHER);
        assert_int_equal(d->ifaces[4].mode, SRIOV_XML_MODE_BRIDGE);
        assert_string_equal(d->ifaces[4].driver_name, "vhost");
        assert_qbg(&d->ifaces[4].vport, 11, 1193047, 2, NULL);
        sriov_xml_domain_free(d);
}

/* <networkport> documents are neither: refused, saying what they are */
static void test_networkport_refused(void **state)
{
        (void)state;
        const char *files[] = {"virnetworkportxml2xmldata/plug-direct.xml",
                               "virnetworkportxml2xmldata/plug-hostdev-pci.xml"};
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                size_t len;
                _cleanup_free_ char *s = real(files[i], &len);
                struct sriov_xml_domain *d = NULL;
                struct sriov_xml_network *n = NULL;
                assert_int_equal(sriov_xml_domain_parse(ctx, files[i], s, len, &d), -EINVAL);
                assert_contains(sriov_ctx_error(ctx), "root element is <networkport>, not <domain>");
                assert_null(d);
                assert_int_equal(sriov_xml_network_parse(ctx, files[i], s, len, &n), -EINVAL);
                assert_contains(sriov_ctx_error(ctx), "not <network>");
        }
}

/* ---- real networks ---------------------------------------------------- */

static void test_networks(void **state)
{
        (void)state;
        struct sriov_xml_network *n = real_network("networkxml2xmlin/hostdev.xml");
        assert_string_equal(n->name, "hostdev");
        assert_int_equal(n->mode, SRIOV_XML_MODE_HOSTDEV);
        assert_int_equal(n->managed, 1);
        assert_int_equal(n->n_addrs, 4);
        for (unsigned i = 0; i < 4; i++)
                assert_pci(&n->addrs[i], 0, 3, 0, i + 1);
        assert_null(n->pfs);
        sriov_xml_network_free(n);

        n = real_network("networkxml2xmlin/hostdev-pf-driver-model.xml");
        assert_string_equal(n->pfs[0], "eth2");
        assert_null(n->pfs[1]);
        assert_string_equal(n->driver_model, "vfio-pci-igb");
        sriov_xml_network_free(n);

        n = real_network("networkxml2xmlin/passthrough-address-crash.xml");
        assert_int_equal(n->mode, SRIOV_XML_MODE_PASSTHROUGH);
        assert_int_equal(n->n_addrs, 1);
        assert_pci(&n->addrs[0], 0, 0x11, 0x10, 1);
        sriov_xml_network_free(n);

        n = real_network("networkxml2xmlin/passthrough-pf.xml");
        assert_int_equal(n->mode, SRIOV_XML_MODE_PASSTHROUGH);
        assert_string_equal(n->pfs[0], "eth0");
        assert_int_equal(strv_count(n->devs), 2);
        assert_string_equal(n->devs[0], "eth10");
        assert_string_equal(n->devs[1], "eth11");
        sriov_xml_network_free(n);

        n = real_network("networkxml2xmlin/8021Qbh-net.xml");
        assert_int_equal(n->mode, SRIOV_XML_MODE_PRIVATE);
        assert_string_equal(n->forward_dev, "eth1");
        assert_int_equal(strv_count(n->devs), 5);
        assert_int_equal(n->vlan.tags[0].id, 549);
        assert_int_equal(n->vport.type, SRIOV_XML_VPORT_8021QBH);
        assert_string_equal(n->vport.profileid, "spongebob24");
        sriov_xml_network_free(n);

        n = real_network("networkxml2xmlin/vepa-net.xml");
        assert_int_equal(n->mode, SRIOV_XML_MODE_VEPA);
        assert_int_equal(strv_count(n->devs), 3);
        assert_qbg(&n->vport, 11, 1193047, 2, "b153fa89-1b87-9719-ec12-99e0054fb844");
        assert_int_equal(n->n_portgroups, 2);
        assert_string_equal(n->portgroups[0].name, "bob");
        assert_true(n->portgroups[0].is_default);
        assert_qbg(&n->portgroups[0].vport, 12, 2193047, 3, "5d00e0ba-e15c-959c-fbb6-b595b0655735");
        assert_false(n->portgroups[1].is_default);
        assert_qbg(&n->portgroups[1].vport, 13, 3193047, 4, NULL);
        sriov_xml_network_free(n);

        n = real_network("virt-manager-tests/network-vf-pool-in.xml");
        assert_string_equal(n->name, "passthrough");
        assert_null(n->uuid);
        assert_int_equal(n->mode, SRIOV_XML_MODE_HOSTDEV);
        assert_int_equal(n->managed, 1);
        assert_string_equal(n->pfs[0], "eth3");
        sriov_xml_network_free(n);

        n = real_network("virt-manager-tests/network-multi-in.xml");
        assert_int_equal(n->mode, SRIOV_XML_MODE_OTHER);
        assert_string_equal(n->forward_mode_name, "nat");
        assert_int_equal(n->n_portgroups, 2);
        assert_true(n->portgroups[0].is_default);
        assert_string_equal(n->portgroups[0].vport.profileid, "test");
        assert_string_equal(n->portgroups[1].vport.profileid, "salestest");
        sriov_xml_network_free(n);
}

/* ---- merge -------------------------------------------------------------- */

#define DOM_HEAD "<domain type='kvm'><name>g</name><devices>"
#define DOM_TAIL "</devices></domain>"

static struct sriov_xml_domain *inline_domain(const char *xml)
{
        struct sriov_xml_domain *d = NULL;
        if (sriov_xml_domain_parse(ctx, "inline", xml, strlen(xml), &d) < 0)
                fail_msg("%s", sriov_ctx_error(ctx));
        return d;
}

static struct sriov_xml_network *inline_network(const char *xml)
{
        struct sriov_xml_network *n = NULL;
        if (sriov_xml_network_parse(ctx, "inline-net", xml, strlen(xml), &n) < 0)
                fail_msg("%s", sriov_ctx_error(ctx));
        return n;
}

static void test_merge_vepa_net(void **state)
{
        (void)state;
        struct sriov_xml_network *n = real_network("networkxml2xmlin/vepa-net.xml");
        /* network and portgroup both give managerid (11, 12): libvirt refuses */
        struct sriov_xml_domain *d = inline_domain(
                DOM_HEAD "<interface type='network'><source network='vepa-net' portgroup='alice'/></interface>" DOM_TAIL);
        struct sriov_xml_effective e;
        assert_int_equal(sriov_xml_merge(ctx, &d->ifaces[0], n, &e), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "managerid='11'> of network 'vepa-net'");
        assert_contains(sriov_ctx_error(ctx), "managerid='13'> of portgroup 'alice'");
        sriov_xml_domain_free(d);

        /* the default portgroup (bob) is the one taken without a name */
        d = inline_domain(DOM_HEAD "<interface type='network'><source network='vepa-net'/></interface>" DOM_TAIL);
        assert_int_equal(sriov_xml_merge(ctx, &d->ifaces[0], n, &e), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "portgroup 'bob'");
        sriov_xml_domain_free(d);

        d = inline_domain(DOM_HEAD "<interface type='network'><source network='vepa-net' portgroup='carol'/></interface>" DOM_TAIL);
        assert_int_equal(sriov_xml_merge(ctx, &d->ifaces[0], n, &e), -ENOENT);
        assert_contains(sriov_ctx_error(ctx), "portgroup='carol'");
        sriov_xml_domain_free(d);
        sriov_xml_network_free(n);
}

static void test_merge_fields(void **state)
{
        (void)state;
        struct sriov_xml_network *n = inline_network(
                "<network><name>pool</name><forward mode='hostdev' managed='yes'><pf dev='eth3'/></forward>"
                "<vlan><tag id='549'/></vlan>"
                "<virtualport type='802.1Qbg'><parameters managerid='11' typeid='0x123456'/></virtualport>"
                "<portgroup name='eng' default='yes'><vlan trunk='yes'><tag id='10' nativeMode='untagged'/><tag id='20'/></vlan>"
                "<virtualport><parameters typeidversion='2'/></virtualport></portgroup>"
                "<portgroup name='ops'/></network>");
        struct sriov_xml_domain *d = inline_domain(
                DOM_HEAD
                "<interface type='network'><source network='pool'/>"
                "<virtualport><parameters instanceid='09b11c538b5c4eeb8f00d84eaa0aaa4f'/></virtualport></interface>"
                "<interface type='network'><source network='pool' portgroup='ops'/><vlan><tag id='7'/></vlan></interface>"
                "<interface type='network'><source network='pool'/>"
                "<virtualport type='802.1Qbg'><parameters managerid='12'/></virtualport></interface>"
                "<interface type='network'><source network='pool'/>"
                "<virtualport type='802.1Qbh'/></interface>" DOM_TAIL);
        struct sriov_xml_effective e;
        assert_int_equal(sriov_xml_merge(ctx, &d->ifaces[0], n, &e), 0);
        assert_string_equal(e.portgroup->name, "eng");
        assert_true(e.vlan.trunk);
        assert_int_equal(e.vlan.n_tags, 2);
        assert_int_equal(e.vlan.tags[0].native, SRIOV_XML_NATIVE_UNTAGGED);
        assert_qbg(&e.vport, 11, 0x123456, 2, "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f");
        sriov_xml_effective_done(&e);

        assert_int_equal(sriov_xml_merge(ctx, &d->ifaces[1], n, &e), 0);
        assert_string_equal(e.portgroup->name, "ops");
        assert_int_equal(e.vlan.tags[0].id, 7);
        assert_int_equal(e.vport.set, SRIOV_XML_VP_MANAGERID | SRIOV_XML_VP_TYPEID);
        sriov_xml_effective_done(&e);

        assert_int_equal(sriov_xml_merge(ctx, &d->ifaces[2], n, &e), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "managerid='12'> of the interface");
        assert_contains(sriov_ctx_error(ctx), "managerid='11'> of network 'pool'");

        assert_int_equal(sriov_xml_merge(ctx, &d->ifaces[3], n, &e), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "type='802.1Qbh'");
        assert_contains(sriov_ctx_error(ctx), "same type");
        sriov_xml_domain_free(d);

        /* a network with no vlan/virtualport and the real 8021Qbh-net */
        sriov_xml_network_free(n);
}

static void test_merge_8021qbh_net(void **state)
{
        (void)state;
        struct sriov_xml_network *n = real_network("networkxml2xmlin/8021Qbh-net.xml");
        struct sriov_xml_domain *d = inline_domain(
                DOM_HEAD "<interface type='network'><source network='8021Qbh-net'/></interface>" DOM_TAIL);
        struct sriov_xml_effective e;
        assert_int_equal(sriov_xml_merge(ctx, &d->ifaces[0], n, &e), 0);
        assert_null(e.portgroup);
        assert_int_equal(e.vlan.tags[0].id, 549);
        assert_int_equal(e.vport.type, SRIOV_XML_VPORT_8021QBH);
        assert_string_equal(e.vport.profileid, "spongebob24");
        sriov_xml_effective_done(&e);
        sriov_xml_domain_free(d);
        sriov_xml_network_free(n);
}

/* ---- one document per value rule --------------------------------------- */

static void expect_bad(const char *iface, int err, const char *a, const char *b)
{
        _cleanup_free_ char *xml = NULL;
        assert_true(asprintf(&xml, DOM_HEAD "<interface type='user'/>%s" DOM_TAIL, iface) > 0);
        struct sriov_xml_domain *d = NULL;
        int r = sriov_xml_domain_parse(ctx, "bad.xml", xml, strlen(xml), &d);
        if (r != err)
                fail_msg("%s: got %d (%s), want %d", iface, r, sriov_ctx_error(ctx), err);
        assert_null(d);
        assert_contains(sriov_ctx_error(ctx), "bad.xml: <interface> #2");
        assert_contains(sriov_ctx_error(ctx), a);
        if (b)
                assert_contains(sriov_ctx_error(ctx), b);
}

#define QBG(params) "<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'><parameters " params "/></virtualport></interface>"

static void test_rules(void **state)
{
        (void)state;
        expect_bad("<interface type='direct'><mac address='00:11:22:33:44'/><source dev='eth0'/></interface>",
                   -EINVAL, "<mac address='00:11:22:33:44'>", "xx:xx:xx:xx:xx:xx");
        expect_bad("<interface type='direct'><mac address='00:11:22:33:44:5g'/><source dev='eth0'/></interface>",
                   -EINVAL, "not a MAC address", NULL);
        expect_bad("<interface type='direct'><mac address='01:00:5e:00:00:01'/><source dev='eth0'/></interface>",
                   -EINVAL, "<mac address='01:00:5e:00:00:01'>: multicast", "unicast");
        expect_bad("<interface type='hostdev'><source><address type='pci' bus='2'/></source><vlan><tag id='4096'/></vlan></interface>",
                   -ERANGE, "<tag id='4096'>", "0 to 4095");
        expect_bad("<interface type='hostdev'><source><address type='pci' bus='2'/></source><vlan><tag id='-1'/></vlan></interface>",
                   -EINVAL, "<tag id='-1'>", NULL);
        expect_bad("<interface type='hostdev'><source><address type='pci' bus='2'/></source><vlan/></interface>",
                   -EINVAL, "<vlan>", "at least one tag");
        expect_bad("<interface type='hostdev'><source><address type='pci' bus='2'/></source><vlan trunk='no'><tag id='1'/><tag id='2'/></vlan></interface>",
                   -EINVAL, "trunk='no'", "trunk");
        expect_bad(QBG("managerid='256'"), -ERANGE, "<parameters managerid='256'>", "uint8");
        expect_bad(QBG("managerid='0x100'"), -ERANGE, "managerid='0x100'", "0 to 255");
        expect_bad(QBG("typeid='0x1000000'"), -ERANGE, "<parameters typeid='0x1000000'>", "uint24");
        expect_bad(QBG("typeid='16777216'"), -ERANGE, "typeid='16777216'", NULL);
        expect_bad(QBG("typeidversion='300'"), -ERANGE, "typeidversion='300'", "uint8");
        expect_bad(QBG("typeidversion='two'"), -EINVAL, "typeidversion='two'", "not a number");
        expect_bad(QBG("managerid='011'"), -EINVAL, "managerid='011'", "octal");
        expect_bad(QBG("instanceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4'"), -EINVAL,
                   "instanceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4'", "not a UUID");
        expect_bad(QBG("instanceid='09b11c53x8b5c-4eeb-8f00-d84eaa0aaa4f'"), -EINVAL, "not a UUID", NULL);
        expect_bad(QBG("profileid='x'"), -EINVAL, "802.1Qbg virtualport does not take profileid", NULL);
        expect_bad("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbh'><parameters "
                   "profileid='0123456789012345678901234567890123456789'/></virtualport></interface>",
                   -EINVAL, "profileid='0123456789012345678901234567890123456789'>: 40 characters", "1 to 39");
        expect_bad("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbz'/></interface>",
                   -EINVAL, "<virtualport type='802.1Qbz'>: unknown type", NULL);
        expect_bad("<interface type='bridge'><source bridge='br0'/><virtualport type='midonet'/></interface>",
                   -EINVAL, "midonet needs", NULL);
        expect_bad("<interface type='hostdev'><source><address type='pci' slot='0x20'/></source></interface>",
                   -ERANGE, "<address slot='0x20'>", "at most 0x1f");
        expect_bad("<interface type='hostdev'><source><address type='pci' slot='32'/></source></interface>",
                   -ERANGE, "slot='32'", NULL);
        expect_bad("<interface type='hostdev'><source><address type='pci' function='8'/></source></interface>",
                   -ERANGE, "function='8'", "at most 7");
        expect_bad("<interface type='hostdev'><source><address type='pci' domain='0x10000'/></source></interface>",
                   -ERANGE, "domain='0x10000'", "0xffff");
        expect_bad("<interface type='hostdev'><source><address type='pci' bus='0x100'/></source></interface>",
                   -ERANGE, "bus='0x100'", "0xff");
        expect_bad("<interface type='hostdev'><source><address type='pci' bus='1f'/></source></interface>",
                   -EINVAL, "bus='1f'", "not a number");
        expect_bad("<interface type='hostdev' managed='maybe'><source><address type='pci'/></source></interface>",
                   -EINVAL, "managed='maybe'", "'yes' or 'no'");
        expect_bad("<interface type='direct'><source dev='eth0' mode='bogus'/></interface>", -EINVAL,
                   "<source dev='eth0' mode='bogus'>: unknown mode", "passthrough");
        expect_bad("<interface type='direct'/>", -EINVAL, "no <source dev=...>", NULL);

        /* MAC: uniMacAddr (basictypes.rng) */
        expect_bad("<interface type='direct'><mac address='52:54:00:00:00:0'/><source dev='eth0'/></interface>",
                   -EINVAL, "<mac address='52:54:00:00:00:0'>: not a MAC address", "xx:xx:xx:xx:xx:xx");
        expect_bad("<interface type='direct'><mac address='52-54-00-00-00-01'/><source dev='eth0'/></interface>",
                   -EINVAL, "<mac address='52-54-00-00-00-01'>: not a MAC address", "separated by colons");
        expect_bad("<interface type='direct'><mac address='52:54:00:00:00:01:02'/><source dev='eth0'/></interface>",
                   -EINVAL, "<mac address='52:54:00:00:00:01:02'>: not a MAC address", NULL);
        expect_bad("<interface type='direct'><mac address=''/><source dev='eth0'/></interface>", -EINVAL,
                   "<mac address=''>: not a MAC address", NULL);
        expect_bad("<interface type='direct'><mac/><source dev='eth0'/></interface>", -EINVAL,
                   "<mac>: no address attribute", NULL);
        expect_bad("<interface type='network'><mac address='FF:FF:FF:FF:FF:FF'/><source network='n'/></interface>",
                   -EINVAL, "<mac address='FF:FF:FF:FF:FF:FF'>: multicast MAC", "lowest bit of the first byte");
        expect_bad("<interface type='hostdev'><mac address='33:33:00:00:00:01'/><source><address type='pci'/></source></interface>",
                   -EINVAL, "<mac address='33:33:00:00:00:01'>: multicast MAC", "unicast");
        /* VLAN: unsignedInt, at most 4095 (networkcommon.rng) */
        expect_bad("<interface type='hostdev'><source><address type='pci'/></source><vlan><tag id='99999999999999999999'/></vlan></interface>",
                   -ERANGE, "<tag id='99999999999999999999'>: out of range", "0 to 4095");
        expect_bad("<interface type='hostdev'><source><address type='pci'/></source><vlan><tag id='0x10'/></vlan></interface>",
                   -EINVAL, "<tag id='0x10'>: not a decimal number", "0 to 4095");
        expect_bad("<interface type='hostdev'><source><address type='pci'/></source><vlan><tag id=''/></vlan></interface>",
                   -EINVAL, "<tag id=''>: not a decimal number", NULL);
        expect_bad("<interface type='hostdev'><source><address type='pci'/></source><vlan><tag/></vlan></interface>",
                   -EINVAL, "<vlan><tag>: no id attribute", NULL);
        expect_bad("<interface type='network'><source network='n'/><vlan trunk='yes'><tag id='1' nativeMode='tagged'/>"
                   "<tag id='4096'/></vlan></interface>",
                   -ERANGE, "<tag id='4096'>: out of range", "0 to 4095");
        expect_bad("<interface type='network'><source network='n'/><vlan><tag id='1' nativeMode='both'/></vlan></interface>",
                   -EINVAL, "<tag id='1' nativeMode='both'>", "'tagged' or 'untagged'");
        /* 802.1Qbg parameters: uint8 / uint24 (basictypes.rng), UUID */
        expect_bad(QBG("managerid='1000'"), -ERANGE, "<parameters managerid='1000'>: out of range", "0 to 255");
        expect_bad(QBG("managerid='0x0ff'"), -EINVAL, "<parameters managerid='0x0ff'>", "1 to 2 hex digits");
        expect_bad(QBG("managerid='0X1'"), -EINVAL, "<parameters managerid='0X1'>", "lowercase x");
        expect_bad(QBG("managerid='-1'"), -EINVAL, "<parameters managerid='-1'>: not a number", "0 to 255");
        expect_bad(QBG("managerid=''"), -EINVAL, "<parameters managerid=''>: not a number", NULL);
        expect_bad(QBG("managerid='0x'"), -EINVAL, "<parameters managerid='0x'>: not a number", NULL);
        expect_bad(QBG("typeid='0x1000000'"), -ERANGE, "typeid='0x1000000'>: out of range", "0x0 to 0xffffff");
        expect_bad(QBG("typeid='99999999999999999999999'"), -ERANGE, "typeid='99999999999999999999999'>: out of range",
                   "uint24");
        expect_bad(QBG("typeid='0x0000001'"), -EINVAL, "<parameters typeid='0x0000001'>", "1 to 6 hex digits");
        expect_bad(QBG("typeid='12ab'"), -EINVAL, "<parameters typeid='12ab'>: not a number", "uint24");
        expect_bad(QBG("typeidversion='256'"), -ERANGE, "<parameters typeidversion='256'>: out of range", "0 to 255");
        expect_bad(QBG("typeidversion='0x100'"), -ERANGE, "typeidversion='0x100'>: out of range", "0x0 to 0xff");
        expect_bad(QBG("instanceid='09b11c538b5c4eeb8f00d84eaa0aaa4'"), -EINVAL,
                   "<parameters instanceid='09b11c538b5c4eeb8f00d84eaa0aaa4'>: not a UUID", "32 hex digits");
        expect_bad(QBG("instanceid='{09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f}'"), -EINVAL,
                   "instanceid='{09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f}'>: not a UUID", "8-4-4-4-12");
        expect_bad(QBG("instanceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4g'"), -EINVAL,
                   "instanceid='09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4g'>: not a UUID", NULL);
        expect_bad(QBG("instanceid='09b11c538-b5c-4eeb-8f00-d84eaa0aaa4f'"), -EINVAL,
                   "instanceid='09b11c538-b5c-4eeb-8f00-d84eaa0aaa4f'>: not a UUID", NULL);
        expect_bad(QBG("instanceid=''"), -EINVAL, "instanceid=''>: not a UUID", NULL);
        /* 802.1Qbh / openvswitch: virtualPortProfileID is at most 39 characters */
        expect_bad("<interface type='network'><source network='n'/><virtualport type='802.1Qbh'><parameters "
                   "profileid='a-port-profile-name-that-is-too-long-for-it'/></virtualport></interface>",
                   -EINVAL, "<parameters profileid='a-port-profile-name-that-is-too-long-for-it'>: 43 characters",
                   "a profileid has 1 to 39");
        expect_bad("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbh'><parameters "
                   "profileid=''/></virtualport></interface>",
                   -EINVAL, "<parameters profileid=''>: 0 characters", "1 to 39");
        expect_bad("<interface type='bridge'><source bridge='br0'/><virtualport type='openvswitch'><parameters "
                   "interfaceid='not-a-uuid'/></virtualport></interface>",
                   -EINVAL, "<parameters interfaceid='not-a-uuid'>: not a UUID", NULL);
        expect_bad("<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbh'><parameters "
                   "managerid='1'/></virtualport></interface>",
                   -EINVAL, "<virtualport type='802.1Qbh'><parameters managerid='1'>", "does not take managerid");
        /* source names: deviceName (basictypes.rng) */
        expect_bad("<interface type='direct'><source dev='eth 0'/></interface>", -EINVAL,
                   "<source dev='eth 0'>: not a device name", "letters, digits");
        expect_bad("<interface type='direct'><source dev=''/></interface>", -EINVAL, "<source dev=''>: not a device name",
                   NULL);
        expect_bad("<interface type='network'><source network='n' portgroup='a b'/></interface>", -EINVAL,
                   "<source network='n' portgroup='a b'>: not a portgroup name", NULL);
        expect_bad("<interface type='network'><source/></interface>", -EINVAL, "no <source network=...>", NULL);

        /* accepted spellings */
        struct sriov_xml_domain *e = inline_domain(
                DOM_HEAD "<interface type='direct'><mac address='FE:54:00:AB:cd:01'/><source dev='enp2s0f0.100'/>"
                "<virtualport type='802.1Qbh'><parameters profileid='012345678901234567890123456789012345678'/>"
                "</virtualport></interface>"
                "<interface type='hostdev'><source><address type='pci'/></source><vlan><tag id='4095'/></vlan></interface>"
                QBG("managerid='0x0' typeid='0xabcdef' typeidversion='0xff' instanceid='09b11c53-8B5C-4eeb-8f00-d84eaa0aaa4f'")
                DOM_TAIL);
        assert_mac(e->ifaces[0].mac, "fe:54:00:ab:cd:01");
        assert_int_equal(strlen(e->ifaces[0].vport.profileid), 39);
        assert_int_equal(e->ifaces[1].vlan.tags[0].id, 4095);
        assert_qbg(&e->ifaces[2].vport, 0, 0xabcdef, 255, "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f");
        sriov_xml_domain_free(e);
        struct sriov_xml_domain *d = inline_domain(
                DOM_HEAD QBG("managerid='0xff' typeid='16777215' typeidversion='0' instanceid='09B11C538B5C4EEB8F00D84EAA0AAA4F'")
                "<interface type='hostdev'><source><address type='pci' domain='65535' bus='255' slot='31' function='7'/></source></interface>"
                "<interface type='direct'><source dev='eth0' mode='passthrough'/></interface>" DOM_TAIL);
        assert_qbg(&d->ifaces[0].vport, 255, 16777215, 0, "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f");
        assert_pci(&d->ifaces[1].pci, 0xffff, 0xff, 0x1f, 7);
        assert_int_equal(d->ifaces[1].managed, -1);
        assert_int_equal(d->ifaces[2].mode, SRIOV_XML_MODE_PASSTHROUGH);
        sriov_xml_domain_free(d);
}

static void test_bad_documents(void **state)
{
        (void)state;
        struct sriov_xml_domain *d = NULL;
        const char *x = "<domain><name>g</name><devices><interface type='direct'></devices></domain>";
        assert_int_equal(sriov_xml_domain_parse(ctx, "broken.xml", x, strlen(x), &d), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "broken.xml: line 1: not well-formed XML");
        x = "<domain><devices/></domain>";
        assert_int_equal(sriov_xml_domain_parse(ctx, "noname.xml", x, strlen(x), &d), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "no <name>");
        x = "<domain><name>g</name><uuid>nope</uuid></domain>";
        assert_int_equal(sriov_xml_domain_parse(ctx, "u.xml", x, strlen(x), &d), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "<uuid>nope</uuid>: not a UUID");
        assert_null(d);

        struct sriov_xml_network *n = NULL;
        x = "<network><name>n</name><portgroup name='a' default='yes'/><portgroup name='b' default='yes'/></network>";
        assert_int_equal(sriov_xml_network_parse(ctx, "n.xml", x, strlen(x), &n), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "<portgroup name='b'>");
        x = "<network><name>n</name><forward mode='hostdev'><address type='pci' slot='0x40'/></forward></network>";
        assert_int_equal(sriov_xml_network_parse(ctx, "n.xml", x, strlen(x), &n), -ERANGE);
        assert_contains(sriov_ctx_error(ctx), "<forward mode='hostdev'> <address> #1: <address slot='0x40'>");
        x = "<network><name>n</name><forward mode='hostdev'><pf dev='a'/><pf dev='b'/></forward></network>";
        assert_int_equal(sriov_xml_network_parse(ctx, "n.xml", x, strlen(x), &n), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "only one <pf>");
        assert_null(n);
}

/* The same value rules in networks: the error names the network or the
 * portgroup, and nothing is returned. */
static void expect_bad_net(const char *body, int err, const char *a, const char *b)
{
        _cleanup_free_ char *xml = NULL;
        assert_true(asprintf(&xml, "<network><name>pool</name>%s</network>", body) > 0);
        struct sriov_xml_network *n = NULL;
        int r = sriov_xml_network_parse(ctx, "net.xml", xml, strlen(xml), &n);
        if (r != err)
                fail_msg("%s: got %d (%s), want %d", body, r, sriov_ctx_error(ctx), err);
        assert_null(n);
        assert_contains(sriov_ctx_error(ctx), "net.xml: ");
        assert_contains(sriov_ctx_error(ctx), a);
        if (b)
                assert_contains(sriov_ctx_error(ctx), b);
}

static void test_network_rules(void **state)
{
        (void)state;
        expect_bad_net("<uuid>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f</uuid>", -EINVAL,
                       "<uuid>0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f</uuid>: not a UUID", "8-4-4-4-12");
        expect_bad_net("<vlan><tag id='4096'/></vlan>", -ERANGE, "network 'pool': <tag id='4096'>: out of range",
                       "0 to 4095");
        expect_bad_net("<virtualport type='802.1Qbg'><parameters managerid='256'/></virtualport>", -ERANGE,
                       "network 'pool': <parameters managerid='256'>: out of range", "0 to 255");
        expect_bad_net("<virtualport type='802.1Qbg'><parameters typeid='16777216'/></virtualport>", -ERANGE,
                       "network 'pool': <parameters typeid='16777216'>: out of range", "0 to 16777215");
        expect_bad_net("<virtualport type='802.1Qbg'><parameters typeidversion='0x0ff'/></virtualport>", -EINVAL,
                       "network 'pool': <parameters typeidversion='0x0ff'>", "1 to 2 hex digits");
        expect_bad_net("<virtualport type='802.1Qbg'><parameters instanceid='xyz'/></virtualport>", -EINVAL,
                       "network 'pool': <parameters instanceid='xyz'>: not a UUID", NULL);
        expect_bad_net("<portgroup name='gold'><virtualport type='802.1Qbh'><parameters "
                       "profileid='0123456789012345678901234567890123456789'/></virtualport></portgroup>",
                       -EINVAL, "<portgroup name='gold'>: <parameters profileid=", "1 to 39");
        expect_bad_net("<portgroup name='gold'><vlan><tag id='5000'/></vlan></portgroup>", -ERANGE,
                       "<portgroup name='gold'>: <tag id='5000'>", "0 to 4095");
        expect_bad_net("<portgroup name='gold'/><portgroup name='gold'/>", -EINVAL, "<portgroup name='gold'>",
                       "names must be unique");
        expect_bad_net("<portgroup/>", -EINVAL, "<portgroup name=''>", "every portgroup needs one");
        expect_bad_net("<forward mode='passthrough'><interface dev='eth 1'/></forward>", -EINVAL,
                       "<forward mode='passthrough'> <interface> #1: dev='eth 1': not a device name", NULL);
        expect_bad_net("<forward mode='hostdev'><pf/></forward>", -EINVAL, "<pf> #1: dev='': not a device name", NULL);
        expect_bad_net("<forward mode='hostdev'><address type='usb'/></forward>", -EINVAL,
                       "<address> #1: type='usb'", "type='pci'");
        expect_bad_net("<forward mode='hostdev' managed='1'/>", -EINVAL, "<forward managed='1'>", "'yes' or 'no'");
}

/* ---- DTDs and entities ---------------------------------------------------- */

static int loads;
static xmlExternalEntityLoader default_loader;

static xmlParserInputPtr counting_loader(const char *url, const char *id, xmlParserCtxtPtr pc)
{
        loads++;
        print_message("libxml2 was asked to load %s\n", url ? url : "(null)");
        return default_loader(url, id, pc);
}

/* Parses xml as a domain and as a network; both must refuse it with `msg`,
 * without a single load through libxml2's entity loader. */
static void expect_refused(const char *xml, size_t len, const char *msg)
{
        struct sriov_xml_domain *d = NULL;
        struct sriov_xml_network *n = NULL;
        default_loader = xmlGetExternalEntityLoader();
        xmlSetExternalEntityLoader(counting_loader);
        loads = 0;
        int64_t t0 = monotonic_ms();
        int rd = sriov_xml_domain_parse(ctx, "evil.xml", xml, len, &d);
        _cleanup_free_ char *ed = strdup(sriov_ctx_error(ctx) ? sriov_ctx_error(ctx) : "");
        int rn = sriov_xml_network_parse(ctx, "evil.xml", xml, len, &n);
        int64_t took = monotonic_ms() - t0;
        xmlSetExternalEntityLoader(default_loader);
        assert_int_equal(rd, -EINVAL);
        assert_null(d);
        assert_contains(ed, msg);
        assert_int_equal(rn, -EINVAL);
        assert_null(n);
        assert_contains(sriov_ctx_error(ctx), msg);
        assert_int_equal(loads, 0);
        /* nothing was expanded: a billion laughs would take far longer */
        assert_true(took < 2000);
}

#define REFUSED "DTDs and entities are refused (never fetched, never expanded)"

static void test_dtd_refused(void **state)
{
        (void)state;
        /* a file the external entity names: never read */
        char path[] = "/tmp/sriov-xxe-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "secret", 6), 6);
        close(fd);
        char buf[1024];

        /* XXE: an external general entity */
        snprintf(buf, sizeof(buf),
                 "<?xml version='1.0'?>\n<!DOCTYPE domain [<!ENTITY x SYSTEM 'file://%s'>]>\n"
                 "<domain><name>&x;</name><devices/></domain>", path);
        expect_refused(buf, strlen(buf), "evil.xml: line 2: <!DOCTYPE domain [...]>: " REFUSED);
        /* external parameter entity */
        snprintf(buf, sizeof(buf),
                 "<!DOCTYPE network [<!ENTITY %% p SYSTEM 'file://%s'> %%p;]><network><name>n</name></network>",
                 path);
        expect_refused(buf, strlen(buf), "evil.xml: line 1: <!DOCTYPE network [...]>: " REFUSED);
        /* external DTDs, on the network and on disk */
        const char *ext = "<!DOCTYPE domain SYSTEM 'http://127.0.0.1:9/domain.dtd'><domain><name>g</name></domain>";
        expect_refused(ext, strlen(ext), "<!DOCTYPE domain SYSTEM \"http://127.0.0.1:9/domain.dtd\">: " REFUSED);
        snprintf(buf, sizeof(buf), "<!-- a comment -->\n\n<!DOCTYPE network PUBLIC '-//x//y' 'file://%s'>\n"
                                   "<network><name>n</name></network>", path);
        char want[256];
        snprintf(want, sizeof(want), "line 3: <!DOCTYPE network PUBLIC \"-//x//y\" \"file://%s\">: " REFUSED, path);
        expect_refused(buf, strlen(buf), want);
        /* a doctype without anything in it is refused all the same */
        const char *empty = "<!DOCTYPE domain><domain><name>g</name></domain>";
        expect_refused(empty, strlen(empty), "<!DOCTYPE domain>: " REFUSED);
        /* billion laughs: 10^9 "lol" if expanded */
        const char *lol =
                "<?xml version='1.0'?>\n<!DOCTYPE domain [\n <!ENTITY lol 'lol'>\n"
                " <!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>\n"
                " <!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>\n"
                " <!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>\n"
                " <!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>\n"
                " <!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>\n"
                " <!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>\n"
                " <!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>\n"
                " <!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>\n"
                " <!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>\n"
                "]>\n<domain><name>&lol9;</name><devices><interface type='direct'>"
                "<source dev='eth0'/><virtualport type='802.1Qbh'><parameters profileid='&lol9;'/>"
                "</virtualport></interface></devices></domain>";
        expect_refused(lol, strlen(lol), "evil.xml: line 2: <!DOCTYPE domain [...]>: " REFUSED);
        /* quadratic blowup: one 20 KB entity referenced 20000 times */
        size_t qlen = 20000 + 20000 * 4 + 256;
        _cleanup_free_ char *q = malloc(qlen);
        assert_non_null(q);
        size_t o = (size_t)sprintf(q, "<!DOCTYPE domain [<!ENTITY a '");
        memset(q + o, 'a', 20000);
        o += 20000;
        o += (size_t)sprintf(q + o, "'>]><domain><name>");
        for (int i = 0; i < 20000; i++)
                o += (size_t)sprintf(q + o, "&a;");
        o += (size_t)sprintf(q + o, "</name></domain>");
        assert_true(o < qlen);
        expect_refused(q, o, "<!DOCTYPE domain [...]>: " REFUSED);
        /* UTF-16 with a byte order mark: the parser's callback sees it, a
         * byte scan for "<!DOCTYPE" would not */
        const char *u8 = "<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE domain [<!ENTITY n 'x'>]>"
                         "<domain><name>&n;</name></domain>";
        char u16[512];
        size_t ul = 0;
        u16[ul++] = (char)0xff;
        u16[ul++] = (char)0xfe;
        for (const char *c = u8; *c; c++) {
                u16[ul++] = *c;
                u16[ul++] = 0;
        }
        expect_refused(u16, ul, "<!DOCTYPE domain [...]>: " REFUSED);
        /* a control character in the system literal is not copied into the message */
        const char *ctl = "<!DOCTYPE domain SYSTEM 'a\nb'><domain/>";
        expect_refused(ctl, strlen(ctl), "<!DOCTYPE domain SYSTEM \"a?b\">");
        unlink(path);

        /* without a DTD only the predefined entities exist */
        const char *undecl = "<domain><name>g</name>\n<devices><interface type='direct'>"
                             "<source dev='&eth;'/></interface></devices></domain>";
        struct sriov_xml_domain *d = NULL;
        assert_int_equal(sriov_xml_domain_parse(ctx, "u.xml", undecl, strlen(undecl), &d), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "u.xml: line 2: &eth;: not well-formed XML");
        assert_contains(sriov_ctx_error(ctx), "entities are refused");
        undecl = "<domain><name>&x;</name></domain>";
        assert_int_equal(sriov_xml_domain_parse(ctx, "u.xml", undecl, strlen(undecl), &d), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "u.xml: line 1: &x;: not well-formed XML");
        assert_null(d);
        d = inline_domain("<domain><name>a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;</name><devices>"
                          "<interface type='direct'><source dev='eth&#48;'/></interface></devices></domain>");
        assert_string_equal(d->name, "a&b<>\"'AB");
        assert_string_equal(d->ifaces[0].source_dev, "eth0");
        sriov_xml_domain_free(d);
}

/* Why the DTD is refused and not merely left unexpanded: the installed
 * libxml2, given the very options read_doc() uses (NONET, no NOENT, no
 * DTDLOAD), still expands internal entities whenever an attribute or the
 * content of an element is read. External ones it does not load. */
static void test_libxml2_entities(void **state)
{
        (void)state;
        const char *x = "<!DOCTYPE domain [<!ENTITY n 'expanded'><!ENTITY e SYSTEM 'file:///etc/hostname'>]>"
                        "<domain a='&n;'><name>&n;</name><title>&e;</title></domain>";
        default_loader = xmlGetExternalEntityLoader();
        xmlSetExternalEntityLoader(counting_loader);
        loads = 0;
        xmlParserCtxtPtr pc = xmlNewParserCtxt();
        assert_non_null(pc);
        xmlDoc *doc = xmlCtxtReadMemory(pc, x, (int)strlen(x), "plain.xml", NULL,
                                        XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING);
        xmlFreeParserCtxt(pc);
        xmlSetExternalEntityLoader(default_loader);
        assert_non_null(doc);
        xmlNode *top = xmlDocGetRootElement(doc);
        xmlChar *a = xmlGetProp(top, BAD_CAST "a");
        xmlChar *name = xmlNodeGetContent(top->children);
        xmlChar *title = xmlNodeGetContent(top->children->next);
        print_message("libxml2 %s: attribute '%s', <name> '%s', <title> '%s', %d loads\n", xmlParserVersion,
                      (const char *)a, (const char *)name, (const char *)title, loads);
        bool expanded = a && name && strcmp((const char *)a, "expanded") == 0 &&
                        strcmp((const char *)name, "expanded") == 0;
        bool external_empty = title && !*title;
        xmlFree(a);
        xmlFree(name);
        xmlFree(title);
        xmlFreeDoc(doc);
        assert_true(expanded);
        assert_true(external_empty);
        assert_int_equal(loads, 0);

        /* our reader refuses the same document */
        struct sriov_xml_domain *d = NULL;
        assert_int_equal(sriov_xml_domain_parse(ctx, "plain.xml", x, strlen(x), &d), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "plain.xml: line 1: <!DOCTYPE domain [...]>: " REFUSED);
        assert_null(d);
}

static struct sriov_xml_domain *reparse(struct sriov_xml_domain *d, char **out)
{
        assert_int_equal(sriov_xml_domain_format(ctx, d, out), 0);
        return inline_domain(*out);
}

/* Documents in other encodings (found by fuzz_xml): output is UTF-8 (a
 * UTF-16 document used to come back as UTF-16 cut at its first NUL byte),
 * and a conversion error is a message, not libxml2 printing to stderr. */
static void test_encodings(void **state)
{
        (void)state;
        const char *u8 = "<?xml version='1.0' encoding='UTF-16'?><domain><name>g\xc3\xa9</name><devices>"
                         "<interface type='direct'><source dev='eth0'/></interface></devices></domain>";
        char u16[512];
        size_t ul = 0;
        u16[ul++] = (char)0xff;
        u16[ul++] = (char)0xfe;
        for (const unsigned char *c = (const unsigned char *)u8; *c; c++) {
                /* é (U+00E9) as one UTF-16 unit, ASCII as is */
                if (c[0] == 0xc3 && c[1] == 0xa9) {
                        u16[ul++] = (char)0xe9;
                        c++;
                } else {
                        u16[ul++] = (char)*c;
                }
                u16[ul++] = 0;
        }
        struct sriov_xml_domain *d = NULL;
        assert_int_equal(sriov_xml_domain_parse(ctx, "u16.xml", u16, ul, &d), 0);
        assert_string_equal(d->name, "g\xc3\xa9");
        _cleanup_free_ char *out = NULL;
        struct sriov_xml_domain *b = reparse(d, &out);
        assert_contains(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        assert_contains(out, "<name>g\xc3\xa9</name>");
        assert_string_equal(b->ifaces[0].source_dev, "eth0");
        sriov_xml_domain_free(b);
        sriov_xml_domain_free(d);

        const char *latin = "<?xml version='1.0' encoding='ISO-8859-1'?><domain><name>caf\xe9</name></domain>";
        assert_int_equal(sriov_xml_domain_parse(ctx, "l1.xml", latin, strlen(latin), &d), 0);
        _cleanup_free_ char *out2 = NULL;
        assert_int_equal(sriov_xml_domain_format(ctx, d, &out2), 0);
        assert_contains(out2, "<name>caf\xc3\xa9</name>");
        sriov_xml_domain_free(d);
        d = NULL;

        /* invalid Shift_JIS: the error says so, and stderr stays empty */
        const char *sj = "<?xml version='1.0' encoding='SHIFT_JIS'?><domain><name>\x81\x20</name></domain>";
        fflush(stderr);
        int saved = dup(STDERR_FILENO);
        FILE *tmp = tmpfile();
        assert_non_null(tmp);
        dup2(fileno(tmp), STDERR_FILENO);
        int r = sriov_xml_domain_parse(ctx, "sj.xml", sj, strlen(sj), &d);
        fflush(stderr);
        dup2(saved, STDERR_FILENO);
        close(saved);
        long printed = ftell(tmp) < 0 ? -1 : (fseek(tmp, 0, SEEK_END), ftell(tmp));
        fclose(tmp);
        assert_int_equal(r, -EINVAL);
        assert_null(d);
        assert_contains(sriov_ctx_error(ctx), "sj.xml: line 1: not well-formed XML: input conversion failed");
        assert_int_equal(printed, 0);
}

/* ---- rewrites, parsed back --------------------------------------------- */

static void test_rewrite_hostdev(void **state)
{
        (void)state;
        struct sriov_xml_network *n = real_network("networkxml2xmlin/8021Qbh-net.xml");
        struct sriov_xml_domain *d = inline_domain(
                DOM_HEAD "<disk type='file'/>"
                "<interface type='network' trustGuestRxFilters='yes'><source network='8021Qbh-net'/>"
                "<model type='virtio'/><driver name='vhost' queues='4'/><target dev='vnet7'/>"
                "<bandwidth><inbound average='1000'/></bandwidth><boot order='1'/></interface>" DOM_TAIL);
        struct sriov_xml_effective e;
        assert_int_equal(sriov_xml_merge(ctx, &d->ifaces[0], n, &e), 0);
        struct sriov_xml_rewrite rw = {.as = SRIOV_XML_AS_HOSTDEV,
                                       .pci = {.domain = 0, .bus = 2, .slot = 0x10, .function = 0},
                                       .vlan = &e.vlan,
                                       .vport = &e.vport};
        assert_int_equal(sriov_xml_domain_rewrite(ctx, d, 0, &rw), 0);
        sriov_xml_effective_done(&e);
        /* the struct follows the document */
        assert_int_equal(d->ifaces[0].type, SRIOV_XML_IFACE_HOSTDEV);
        assert_true(d->ifaces[0].has_mac);
        assert_int_equal(d->ifaces[0].mac[0], 0x52);
        assert_int_equal(d->ifaces[0].mac[1], 0x54);
        assert_int_equal(d->ifaces[0].mac[2], 0x00);
        assert_warning(sriov_ctx_notices(ctx), "dropped <model>", NULL, NULL);
        assert_warning(sriov_ctx_notices(ctx), "dropped <driver>", NULL, NULL);
        assert_warning(sriov_ctx_notices(ctx), "dropped <bandwidth>", NULL, NULL);

        _cleanup_free_ char *out = NULL;
        struct sriov_xml_domain *b = reparse(d, &out);
        assert_contains(out, "<address type=\"pci\" domain=\"0x0000\" bus=\"0x02\" slot=\"0x10\" function=\"0x0\"/>");
        assert_contains(out, "<interface type=\"hostdev\" managed=\"yes\">");
        assert_contains(out, "<disk type=\"file\"/>");
        assert_contains(out, "<boot order=\"1\"/>");
        assert_not_contains(out, "model");
        assert_not_contains(out, "vnet7");
        assert_not_contains(out, "vhost");
        assert_not_contains(out, "network=");
        assert_not_contains(out, "trustGuestRxFilters");
        const struct sriov_xml_iface *f = &b->ifaces[0];
        assert_int_equal(f->type, SRIOV_XML_IFACE_HOSTDEV);
        assert_int_equal(f->managed, 1);
        assert_pci(&f->pci, 0, 2, 0x10, 0);
        assert_memory_equal(f->mac, d->ifaces[0].mac, 6);
        assert_int_equal(f->vlan.tags[0].id, 549);
        assert_int_equal(f->vport.type, SRIOV_XML_VPORT_8021QBH);
        assert_string_equal(f->vport.profileid, "spongebob24");
        sriov_xml_domain_free(b);
        sriov_xml_domain_free(d);
        sriov_xml_network_free(n);
}

static void test_rewrite_real_hostdev(void **state)
{
        (void)state;
        /* a hostdev interface given a new VF keeps its mac, vlan and virtualport */
        struct sriov_xml_domain *d = real_domain("qemuxml2argvdata/net-hostdev-vfio.xml");
        struct sriov_xml_rewrite rw = {.as = SRIOV_XML_AS_HOSTDEV, .pci = {0, 2, 0x10, 0}};
        assert_int_equal(sriov_xml_domain_rewrite(ctx, d, 0, &rw), 0);
        _cleanup_free_ char *out = NULL;
        struct sriov_xml_domain *b = reparse(d, &out);
        assert_mac(b->ifaces[0].mac, "00:11:22:33:44:55");
        assert_pci(&b->ifaces[0].pci, 0, 2, 0x10, 0);
        assert_string_equal(b->ifaces[0].driver_name, "vfio");
        assert_int_equal(b->ifaces[0].vlan.tags[0].id, 42);
        assert_qbg(&b->ifaces[0].vport, 11, 1193047, 2, "09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f");
        assert_null(b->ifaces[0].model_type);
        assert_string_equal(b->name, "QEMUGuest1");
        sriov_xml_domain_free(b);
        sriov_xml_domain_free(d);
}

static void test_rewrite_direct(void **state)
{
        (void)state;
        struct sriov_xml_domain *d = inline_domain(
                DOM_HEAD "<interface type='hostdev' managed='yes'><mac address='02:00:00:00:00:07'/>"
                "<driver name='vfio'/><source><address type='pci' bus='3'/></source><vlan><tag id='5'/></vlan>"
                "<model type='virtio'/></interface>"
                "<interface type='direct'><source dev='eth0' mode='vepa'/><target dev='old0'/>"
                "<virtualport type='802.1Qbh'><parameters profileid='p1'/></virtualport></interface>" DOM_TAIL);
        struct sriov_xml_rewrite rw = {.as = SRIOV_XML_AS_DIRECT_VF, .dev = "enp2s0f0v3"};
        assert_int_equal(sriov_xml_domain_rewrite(ctx, d, 0, &rw), 0);
        assert_warning(sriov_ctx_notices(ctx), "dropped <vlan>", "tag the VF", NULL);
        struct sriov_xml_rewrite mv = {.as = SRIOV_XML_AS_MACVTAP, .dev = "eno1", .mode = SRIOV_XML_MODE_BRIDGE,
                                       .target = "macvtap0"};
        assert_int_equal(sriov_xml_domain_rewrite(ctx, d, 1, &mv), 0);
        assert_warning(sriov_ctx_notices(ctx), "<virtualport> was associated on eno1 by sriovctl", NULL, NULL);

        _cleanup_free_ char *out = NULL;
        struct sriov_xml_domain *b = reparse(d, &out);
        assert_not_contains(out, "managed=\"yes\"");
        assert_not_contains(out, "vfio");
        assert_not_contains(out, "old0");
        assert_contains(out, "<interface type=\"ethernet\">");
        assert_contains(out, "<target dev=\"macvtap0\" managed=\"no\"/>");
        assert_not_contains(out, "virtualport");
        assert_not_contains(out, "eno1");
        const struct sriov_xml_iface *f = &b->ifaces[0];
        assert_int_equal(f->type, SRIOV_XML_IFACE_DIRECT);
        assert_string_equal(f->source_dev, "enp2s0f0v3");
        assert_int_equal(f->mode, SRIOV_XML_MODE_PASSTHROUGH);
        assert_mac(f->mac, "02:00:00:00:00:07");
        assert_false(f->vlan.present);
        assert_string_equal(f->model_type, "virtio");
        f = &b->ifaces[1];
        assert_int_equal(f->type, SRIOV_XML_IFACE_OTHER);
        assert_string_equal(f->type_name, "ethernet");
        assert_true(f->has_mac);
        assert_int_equal(f->mac[0], 0x52);
        sriov_xml_domain_free(b);

        /* bad requests change nothing */
        struct sriov_xml_rewrite bad1 = {.as = SRIOV_XML_AS_DIRECT_VF, .dev = "eth 0"};
        assert_int_equal(sriov_xml_domain_rewrite(ctx, d, 0, &bad1), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "<source dev='eth 0'>");
        assert_int_equal(sriov_xml_domain_rewrite(ctx, d, 5, &bad1), -ERANGE);
        struct sriov_xml_rewrite bad2 = {.as = SRIOV_XML_AS_HOSTDEV, .pci = {0, 0, 0x20, 0}};
        assert_int_equal(sriov_xml_domain_rewrite(ctx, d, 0, &bad2), -EINVAL);
        _cleanup_free_ char *out2 = NULL;
        assert_int_equal(sriov_xml_domain_format(ctx, d, &out2), 0);
        assert_string_equal(out, out2);
        sriov_xml_domain_free(d);
}

static void test_random_mac(void **state)
{
        (void)state;
        uint8_t a[6], b[6];
        assert_int_equal(sriov_xml_random_mac(a), 0);
        assert_int_equal(sriov_xml_random_mac(b), 0);
        assert_memory_equal(a, "\x52\x54\x00", 3);
        /* 2^-24 chance of a false failure */
        assert_memory_not_equal(a + 3, b + 3, 3);
}

static bool have_virt_xml_validate(void)
{
        return system("command -v virt-xml-validate >/dev/null 2>&1") == 0;
}

/* virt-xml-validate FILE KIND (domain, network): 0 when libvirt's schema
 * accepts it; otherwise its complaint is printed. */
static int validate_file(const char *path, const char *kind)
{
        char cmd[PATH_MAX + 64];
        snprintf(cmd, sizeof(cmd), "virt-xml-validate '%s' %s >/dev/null 2>&1", path, kind);
        int r = system(cmd);
        if (r != 0) {
                snprintf(cmd, sizeof(cmd), "virt-xml-validate '%s' %s", path, kind);
                (void)!system(cmd);
        }
        return r;
}

static int validate_text(const char *text, const char *kind)
{
        char path[] = "/tmp/sriov-domxml-XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
        int r = validate_file(path, kind);
        if (r != 0)
                print_message("%s\n", text);
        unlink(path);
        return r;
}

/* virt-xml-validate on the rewritten documents, when libvirt's client
 * tools are installed */
static void test_virt_xml_validate(void **state)
{
        (void)state;
        if (!have_virt_xml_validate()) {
                print_message("SKIP: virt-xml-validate is not installed (Debian: libvirt-clients)\n");
                skip();
        }
        struct sriov_xml_domain *d = real_domain("qemuxml2argvdata/net-virtio-network-portgroup.xml");
        struct sriov_xml_rewrite rws[] = {
                {.as = SRIOV_XML_AS_HOSTDEV, .pci = {0, 2, 0x10, 0}},
                {.as = SRIOV_XML_AS_DIRECT_VF, .dev = "enp2s0f0v1"},
                {.as = SRIOV_XML_AS_MACVTAP, .dev = "eno1", .target = "macvtap0"},
        };
        for (size_t i = 0; i < ELEMENTSOF(rws); i++)
                assert_int_equal(sriov_xml_domain_rewrite(ctx, d, i, &rws[i]), 0);
        _cleanup_free_ char *out = NULL;
        assert_int_equal(sriov_xml_domain_format(ctx, d, &out), 0);
        assert_int_equal(validate_text(out, "domain"), 0);
        sriov_xml_domain_free(d);
}

/* ---- examples/ ------------------------------------------------------------ */

#define EXAMPLES SRIOV_SOURCE_DIR "/examples"
#define MAX_EXAMPLE_NETS 8

/* The rewrite sriovctl attach would make of interface i of an example. */
static void rewrite_example(struct sriov_xml_domain *d, size_t i, struct sriov_xml_network *const *nets,
                            size_t n_nets)
{
        const struct sriov_xml_iface *f = &d->ifaces[i];
        struct sriov_xml_rewrite rw = {.as = SRIOV_XML_AS_HOSTDEV, .pci = {0, 3, 0x10, (unsigned)i % 8}};
        struct sriov_xml_effective e = {0};
        bool merged = false;
        char target[16];
        snprintf(target, sizeof(target), "macvtap%zu", i);
        switch (f->type) {
        case SRIOV_XML_IFACE_DIRECT:
                if (f->mode == SRIOV_XML_MODE_PASSTHROUGH) {
                        rw.as = i % 2 ? SRIOV_XML_AS_DIRECT_VF : SRIOV_XML_AS_HOSTDEV;
                        rw.dev = "enp2s0f0v3";
                } else {
                        rw = (struct sriov_xml_rewrite){.as = SRIOV_XML_AS_MACVTAP, .dev = f->source_dev,
                                                        .mode = f->mode, .target = target};
                }
                break;
        case SRIOV_XML_IFACE_HOSTDEV:
                break;
        case SRIOV_XML_IFACE_NETWORK: {
                const struct sriov_xml_network *net = NULL;
                for (size_t k = 0; k < n_nets; k++)
                        if (strcmp(nets[k]->name, f->network) == 0)
                                net = nets[k];
                if (!net)
                        fail_msg("%s: <interface> #%zu: network '%s' is not among examples/net-*.xml", d->name,
                                 i + 1, f->network);
                if (sriov_xml_merge(ctx, f, net, &e) < 0)
                        fail_msg("%s: %s", d->name, sriov_ctx_error(ctx));
                merged = true;
                if (net->mode == SRIOV_XML_MODE_PASSTHROUGH) {
                        rw.as = SRIOV_XML_AS_DIRECT_VF;
                        rw.dev = net->devs[0];
                }
                rw.vlan = &e.vlan;
                rw.vport = &e.vport;
                break;
        }
        case SRIOV_XML_IFACE_OTHER:
                fail_msg("%s: <interface> #%zu type='%s' is not one sriovctl handles", d->name, i + 1, f->type_name);
        }
        if (sriov_xml_domain_rewrite(ctx, d, i, &rw) < 0)
                fail_msg("%s: %s", d->name, sriov_ctx_error(ctx));
        if (merged)
                sriov_xml_effective_done(&e);
}

/* Every examples/domain-*.xml and examples/net-*.xml parses with our reader
 * and is valid for libvirt, and so is what attach would boot each domain
 * with. */
static void test_examples(void **state)
{
        (void)state;
        bool validate = have_virt_xml_validate();
        glob_t gn, gd;
        assert_int_equal(glob(EXAMPLES "/net-*.xml", 0, NULL, &gn), 0);
        assert_int_equal(glob(EXAMPLES "/domain-*.xml", 0, NULL, &gd), 0);
        assert_true(gn.gl_pathc >= 2 && gn.gl_pathc <= MAX_EXAMPLE_NETS);
        assert_true(gd.gl_pathc >= 4);
        struct sriov_xml_network *nets[MAX_EXAMPLE_NETS] = {0};
        for (size_t i = 0; i < gn.gl_pathc; i++) {
                const char *path = gn.gl_pathv[i];
                size_t len = 0;
                _cleanup_free_ char *s = slurp(path, &len);
                assert_non_null(s);
                if (sriov_xml_network_parse(ctx, path, s, len, &nets[i]) < 0)
                        fail_msg("%s", sriov_ctx_error(ctx));
                assert_true(nets[i]->mode == SRIOV_XML_MODE_HOSTDEV || nets[i]->mode == SRIOV_XML_MODE_PASSTHROUGH);
                if (validate && validate_file(path, "network") != 0)
                        fail_msg("%s: virt-xml-validate refuses it", path);
        }
        unsigned kinds = 0; /* which interface types and modes the examples show */
        for (size_t i = 0; i < gd.gl_pathc; i++) {
                const char *path = gd.gl_pathv[i];
                size_t len = 0;
                _cleanup_free_ char *s = slurp(path, &len);
                assert_non_null(s);
                struct sriov_xml_domain *d = NULL;
                if (sriov_xml_domain_parse(ctx, path, s, len, &d) < 0)
                        fail_msg("%s", sriov_ctx_error(ctx));
                assert_true(d->n_ifaces > 0);
                if (validate && validate_file(path, "domain") != 0)
                        fail_msg("%s: virt-xml-validate refuses it", path);
                for (size_t k = 0; k < d->n_ifaces; k++) {
                        kinds |= 1u << (d->ifaces[k].type * 8 + d->ifaces[k].mode);
                        assert_true(d->ifaces[k].has_mac);
                        rewrite_example(d, k, nets, gn.gl_pathc);
                }
                _cleanup_free_ char *out = NULL;
                assert_int_equal(sriov_xml_domain_format(ctx, d, &out), 0);
                struct sriov_xml_domain *back = inline_domain(out);
                assert_int_equal(back->n_ifaces, d->n_ifaces);
                sriov_xml_domain_free(back);
                if (validate && validate_text(out, "domain") != 0)
                        fail_msg("%s: what attach would write is refused by virt-xml-validate", path);
                sriov_xml_domain_free(d);
        }
        for (size_t i = 0; i < gn.gl_pathc; i++)
                sriov_xml_network_free(nets[i]);
        globfree(&gn);
        globfree(&gd);
        const enum sriov_xml_mode direct_modes[] = {SRIOV_XML_MODE_VEPA, SRIOV_XML_MODE_BRIDGE,
                                                    SRIOV_XML_MODE_PRIVATE, SRIOV_XML_MODE_PASSTHROUGH};
        for (size_t m = 0; m < ELEMENTSOF(direct_modes); m++)
                assert_true(kinds & (1u << (SRIOV_XML_IFACE_DIRECT * 8 + direct_modes[m])));
        assert_true(kinds & (1u << (SRIOV_XML_IFACE_HOSTDEV * 8)));
        assert_true(kinds & (1u << (SRIOV_XML_IFACE_NETWORK * 8)));
        if (!validate) {
                print_message("SKIP: examples parsed, but virt-xml-validate is not installed (Debian: "
                              "libvirt-clients) to check them against libvirt's schemas\n");
                skip();
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_net_hostdev),
                cmocka_unit_test(test_net_portgroup_domain),
                cmocka_unit_test(test_other_domains),
                cmocka_unit_test(test_networkport_refused),
                cmocka_unit_test(test_networks),
                cmocka_unit_test(test_merge_vepa_net),
                cmocka_unit_test(test_merge_fields),
                cmocka_unit_test(test_merge_8021qbh_net),
                cmocka_unit_test(test_rules),
                cmocka_unit_test(test_bad_documents),
                cmocka_unit_test(test_network_rules),
                cmocka_unit_test(test_dtd_refused),
                cmocka_unit_test(test_libxml2_entities),
                cmocka_unit_test(test_encodings),
                cmocka_unit_test(test_rewrite_hostdev),
                cmocka_unit_test(test_rewrite_real_hostdev),
                cmocka_unit_test(test_rewrite_direct),
                cmocka_unit_test(test_random_mac),
                cmocka_unit_test(test_virt_xml_validate),
                cmocka_unit_test(test_examples),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
