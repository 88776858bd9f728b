/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sriov-vf plugin's NetConf parser (cni/netconf.c): sriov-cni's fields
 * as it documents them, each out of range or of the wrong type refused
 * with error JSON naming the field (code 7), malformed JSON (code 6), an
 * unknown cniVersion (code 1), unknown fields kept; CNI_ARGS, CNI_IFNAME
 * and CNI_CONTAINERID checks; the error JSON itself. */
#include "testutil.h"

#include <errno.h>

#include "cni.h"

#define HEAD "{\"cniVersion\":\"1.1.0\",\"name\":\"sriov-net\",\"type\":\"sriov-vf\",\"deviceID\":\"0000:02:10.0\""

static void parse_ok(const char *text, struct cni_netconf *c)
{
        struct cni_error e = {0};
        int r = cni_netconf_parse(text, c, &e);
        if (r < 0)
                fail_msg("%s: %d %s: %s", text, e.code, e.msg, e.details);
}

static void parse_bad(const char *text, int code, const char *needle)
{
        struct cni_netconf c = {.mtu = 4242};
        struct cni_error e = {0};
        assert_true(cni_netconf_parse(text, &c, &e) < 0);
        if (e.code != code)
                fail_msg("%s: code %d (%s), expected %d", text, e.code, e.details, code);
        assert_contains(e.details, needle);
        assert_int_equal(c.mtu, 4242); /* not written on failure */
        /* the error JSON carries it */
        char *j = cni_error_json(&e, "1.1.0");
        json_object *o = json_tokener_parse(j);
        assert_non_null(o);
        json_object *v;
        assert_true(json_object_object_get_ex(o, "code", &v));
        assert_int_equal(json_object_get_int(v), code);
        assert_true(json_object_object_get_ex(o, "msg", &v));
        assert_true(json_object_object_get_ex(o, "details", &v));
        assert_string_equal(json_object_get_string(v), e.details);
        json_object_put(o);
        free(j);
}

static void test_full(void **state)
{
        (void)state;
        struct cni_netconf c;
        parse_ok(HEAD ",\"vlan\":100,\"vlanQoS\":3,\"vlanProto\":\"802.1ad\",\"mac\":\"02:00:00:00:00:01\","
                      "\"spoofchk\":\"on\",\"trust\":\"off\",\"link_state\":\"enable\",\"min_tx_rate\":10,"
                      "\"max_tx_rate\":100,\"mtu\":1400,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.1.0.0/24\"},"
                      "\"someVendorField\":{\"x\":1},\"logLevel\":\"debug\"}",
                 &c);
        assert_string_equal(c.device_id, "0000:02:10.0");
        assert_true(c.has_device);
        uint32_t want = SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO | SRIOV_VF_MAC | SRIOV_VF_SPOOFCHK | SRIOV_VF_TRUST |
                        SRIOV_VF_LINK_STATE | SRIOV_VF_MIN_RATE | SRIOV_VF_MAX_RATE;
        assert_int_equal(c.vf.set, want);
        assert_int_equal(c.vf.vlan, 100);
        assert_int_equal(c.vf.qos, 3);
        assert_int_equal(c.vf.vlan_proto, SRIOV_ETH_P_8021AD);
        assert_int_equal(c.vf.mac[5], 1);
        assert_true(c.vf.spoofchk);
        assert_false(c.vf.trust);
        assert_int_equal(c.vf.link_state, SRIOV_LINK_ENABLE);
        assert_int_equal(c.vf.min_tx_rate, 10);
        assert_int_equal(c.vf.max_tx_rate, 100);
        assert_int_equal(c.mtu, 1400);
        assert_string_equal(c.ipam_type, "host-local");
        /* unknown fields are kept for the IPAM plugin and later plugins */
        json_object *v;
        assert_true(json_object_object_get_ex(c.doc, "someVendorField", &v));
        assert_true(json_object_object_get_ex(c.doc, "logLevel", &v));
        cni_netconf_done(&c);
}

static void test_minimal_and_runtime_mac(void **state)
{
        (void)state;
        struct cni_netconf c;
        parse_ok(HEAD "}", &c);
        assert_int_equal(c.vf.set, 0);
        assert_int_equal(c.mtu, 0);
        assert_null(c.ipam_type);
        cni_netconf_done(&c);
        /* runtimeConfig.mac (the "mac" capability) wins over the file's mac */
        parse_ok(HEAD ",\"mac\":\"02:00:00:00:00:01\",\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:02\"}}", &c);
        assert_int_equal(c.vf.mac[5], 2);
        cni_netconf_done(&c);
        /* vlan 0 is set (removes a port VLAN), 802.1q in any case, short PCI address */
        parse_ok("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"sriov-vf\",\"deviceID\":\"02:10.1\","
                 "\"vlan\":0,\"vlanProto\":\"802.1Q\",\"ipam\":{}}",
                 &c);
        assert_string_equal(c.device_id, "0000:02:10.1");
        assert_int_equal(c.vf.set, SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO);
        assert_int_equal(c.vf.vlan_proto, SRIOV_ETH_P_8021Q);
        assert_null(c.ipam_type);
        cni_netconf_done(&c);
        /* GC's list; no deviceID */
        parse_ok("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\",\"cni.dev/valid-attachments\":"
                 "[{\"containerID\":\"a\",\"ifname\":\"net1\"}]}",
                 &c);
        assert_false(c.has_device);
        assert_int_equal(json_object_array_length(c.valid_attachments), 1);
        cni_netconf_done(&c);
}

static void test_fields_out_of_range(void **state)
{
        (void)state;
        parse_bad(HEAD ",\"vlan\":4095}", 7, "\"vlan\": 4095 is out of range (0-4094)");
        parse_bad(HEAD ",\"vlan\":-1}", 7, "\"vlan\": -1 is out of range");
        parse_bad(HEAD ",\"vlan\":\"10\"}", 7, "\"vlan\" must be int, not string");
        parse_bad(HEAD ",\"vlan\":1.5}", 7, "\"vlan\" must be int, not double");
        parse_bad(HEAD ",\"vlan\":10,\"vlanQoS\":8}", 7, "\"vlanQoS\": 8 is out of range (0-7)");
        parse_bad(HEAD ",\"vlan\":0,\"vlanQoS\":2}", 7, "\"vlanQoS\": 2 needs a non-zero \"vlan\"");
        parse_bad(HEAD ",\"vlanQoS\":0}", 7, "\"vlanQoS\" without \"vlan\"");
        parse_bad(HEAD ",\"vlan\":10,\"vlanProto\":\"802.1x\"}", 7, "\"802.1x\" is neither");
        parse_bad(HEAD ",\"vlan\":0,\"vlanProto\":\"802.1ad\"}", 7, "802.1ad needs a non-zero \"vlan\"");
        parse_bad(HEAD ",\"mac\":\"02:00:00:00:00\"}", 7, "\"mac\": \"02:00:00:00:00\" is not a MAC address");
        parse_bad(HEAD ",\"mac\":\"02:00:00:00:00:0g\"}", 7, "is not a MAC address");
        parse_bad(HEAD ",\"mac\":\"01:00:5e:00:00:01\"}", 7, "multicast");
        parse_bad(HEAD ",\"mac\":\"00:00:00:00:00:00\"}", 7, "00:00:00:00:00:00 is no MAC");
        parse_bad(HEAD ",\"runtimeConfig\":{\"mac\":\"zz\"}}", 7, "\"runtimeConfig.mac\": \"zz\"");
        parse_bad(HEAD ",\"runtimeConfig\":[]}", 7, "\"runtimeConfig\" must be object");
        parse_bad(HEAD ",\"spoofchk\":true}", 7, "\"spoofchk\" must be string, not boolean");
        parse_bad(HEAD ",\"trust\":\"yes\"}", 7, "\"trust\": \"yes\" is neither \"on\" nor \"off\"");
        parse_bad(HEAD ",\"link_state\":\"up\"}", 7, "\"link_state\": \"up\" is not auto, enable or disable");
        parse_bad(HEAD ",\"min_tx_rate\":-5}", 7, "\"min_tx_rate\": -5 is out of range");
        parse_bad(HEAD ",\"max_tx_rate\":4294967296}", 7, "\"max_tx_rate\": 4294967296 is out of range");
        parse_bad(HEAD ",\"min_tx_rate\":200,\"max_tx_rate\":100}", 7, "\"min_tx_rate\" 200 is above");
        parse_bad(HEAD ",\"mtu\":67}", 7, "\"mtu\": 67 is out of range (68-65535)");
        parse_bad(HEAD ",\"mtu\":70000}", 7, "\"mtu\": 70000 is out of range");
        parse_bad(HEAD ",\"ipam\":{\"subnet\":\"10.0.0.0/8\"}}", 7, "ipam: \"type\" is missing");
        parse_bad(HEAD ",\"ipam\":{\"type\":\"../host-local\"}}", 7, "\"../host-local\"");
        parse_bad(HEAD ",\"ipam\":\"host-local\"}", 7, "\"ipam\" must be object");
        parse_bad("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\",\"deviceID\":\"eth0\"}", 7,
                  "\"deviceID\": \"eth0\" is not a PCI address");
        parse_bad("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\",\"deviceID\":\"0000:02:20.0\"}",
                  7, "is not a PCI address");
        parse_bad("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\",\"deviceID\":42}", 7,
                  "\"deviceID\" must be string, not int");
        parse_bad("{\"cniVersion\":\"1.1.0\",\"type\":\"sriov-vf\"}", 7, "\"name\" is missing");
        parse_bad("{\"cniVersion\":\"1.1.0\",\"name\":\"-bad\",\"type\":\"sriov-vf\"}", 7, "\"name\" \"-bad\"");
        parse_bad("{\"cniVersion\":\"1.1.0\",\"name\":\"n\"}", 7, "\"type\" is missing");
        parse_bad("{\"name\":\"n\",\"type\":\"sriov-vf\"}", 7, "\"cniVersion\" is missing");
        parse_bad("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\",\"cni.dev/valid-attachments\":"
                  "[{\"containerID\":\"a\"}]}",
                  7, "valid-attachments\"[0]");
}

static void test_decode_and_version(void **state)
{
        (void)state;
        parse_bad("", 6, "stdin is not JSON");
        parse_bad("{\"cniVersion\":\"1.1.0\",", 6, "the document ends early");
        parse_bad("{\"cniVersion\":\"1.1.0\"} x", 6, "stdin is not JSON");
        parse_bad("{\"a\":1,}", 6, "stdin is not JSON");
        parse_bad("[1,2]", 6, "is a JSON array, not an object");
        parse_bad("{\"cniVersion\":\"2.0.0\",\"name\":\"n\",\"type\":\"sriov-vf\"}", 1, "cniVersion \"2.0.0\"");
        assert_true(cni_version_cmp("0.4.0", "1.0.0") < 0);
        assert_true(cni_version_cmp("1.1.0", "1.0.0") > 0);
        assert_int_equal(cni_version_cmp("1.1.0", "1.1.0"), 0);
}

static void test_env_checks(void **state)
{
        (void)state;
        struct cni_error e = {0};
        assert_int_equal(cni_args_check(NULL, &e), 0);
        assert_int_equal(cni_args_check("IgnoreUnknown=1;K8S_POD_NAME=p", &e), 0);
        assert_int_equal(cni_args_check("A=1;;B=2;", &e), 0);
        assert_int_equal(cni_args_check("A=1;junk", &e), -EINVAL);
        assert_int_equal(e.code, 4);
        assert_contains(e.details, "pair 2 \"junk\"");
        assert_int_equal(cni_args_check("=x", &e), -EINVAL);
        assert_true(cni_ifname_valid("net1"));
        assert_false(cni_ifname_valid(""));
        assert_false(cni_ifname_valid("0123456789abcdef"));
        assert_false(cni_ifname_valid("a/b"));
        assert_false(cni_ifname_valid(".."));
        assert_false(cni_ifname_valid("a b"));
        assert_true(cni_container_id_valid("3f2a-b_c.d"));
        assert_false(cni_container_id_valid("-x"));
        assert_false(cni_container_id_valid("a/b"));
        assert_false(cni_container_id_valid(""));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_full),
                cmocka_unit_test(test_minimal_and_runtime_mac),
                cmocka_unit_test(test_fields_out_of_range),
                cmocka_unit_test(test_decode_and_version),
                cmocka_unit_test(test_env_checks),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
