/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sriov-vf plugin's NetConf parser (cni/netconf.c): sriov-cni's fields
 * as it documents them, each out of range or of the wrong type refused
 * with error JSON naming the field (code 7), malformed JSON (code 6), an
 * unknown cniVersion (code 1), unknown fields kept; CNI_ARGS, CNI_IFNAME
 * and CNI_CONTAINERID checks; the error JSON itself. The plugin itself
 * (posix_spawn) where no VF is needed: VERSION, CHECK's version floor, GC
 * over a store whose VFs do not exist. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <time.h>

#include "cni.h"
#include "fixture.h"
#include "ipam.h"
#include "jsonstyle.h"

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
        /* the kernel reads '%' as a pattern (eth%d: the first free ethN) */
        assert_false(cni_ifname_valid("eth%d"));
        assert_false(cni_ifname_valid("net%"));
        assert_false(cni_ifname_valid("a\tb"));
        assert_false(cni_ifname_valid("a\x01"));
        assert_false(cni_ifname_valid("a\x7f"));
        assert_true(cni_ifname_valid("net-1_a.b"));
        assert_true(cni_container_id_valid("3f2a-b_c.d"));
        assert_false(cni_container_id_valid("-x"));
        assert_false(cni_container_id_valid("a/b"));
        assert_false(cni_container_id_valid(""));
}

/* The runtime's MAC in CNI_ARGS (MAC=, as podman sends --mac-address):
 * over the NetConf's "mac", under runtimeConfig.mac (sriov-cni's order). */
static void test_args_mac(void **state)
{
        (void)state;
        struct cni_netconf c;
        struct cni_error e = {0};
        const char *args = "IgnoreUnknown=1;K8S_POD_NAME=p;MAC=02:00:00:00:00:09";
        parse_ok(HEAD "}", &c);
        assert_int_equal(cni_netconf_take_args(&c, args, &e), 0);
        assert_int_equal(c.vf.set, SRIOV_VF_MAC);
        assert_int_equal(c.vf.mac[5], 9);
        cni_netconf_done(&c);
        parse_ok(HEAD ",\"mac\":\"02:00:00:00:00:01\"}", &c);
        assert_int_equal(cni_netconf_take_args(&c, args, &e), 0);
        assert_int_equal(c.vf.mac[5], 9);
        cni_netconf_done(&c);
        parse_ok(HEAD ",\"runtimeConfig\":{\"mac\":\"02:00:00:00:00:02\"}}", &c);
        assert_int_equal(cni_netconf_take_args(&c, args, &e), 0);
        assert_int_equal(c.vf.mac[5], 2);
        cni_netconf_done(&c);
        /* none, or empty: the NetConf's stays */
        parse_ok(HEAD ",\"mac\":\"02:00:00:00:00:01\"}", &c);
        assert_int_equal(cni_netconf_take_args(&c, "IgnoreUnknown=1;MAC=", &e), 0);
        assert_int_equal(cni_netconf_take_args(&c, NULL, &e), 0);
        assert_int_equal(cni_netconf_take_args(&c, "XMAC=02:00:00:00:00:07", &e), 0);
        assert_int_equal(c.vf.mac[5], 1);
        assert_int_equal(cni_netconf_take_args(&c, "MAC=zz", &e), -EINVAL);
        assert_int_equal(e.code, CNI_ERR_ENV);
        assert_contains(e.details, "CNI_ARGS: MAC: \"zz\" is not a MAC address");
        assert_int_equal(cni_netconf_take_args(&c, "MAC=01:00:5e:00:00:01", &e), -EINVAL);
        assert_contains(e.details, "multicast");
        assert_int_equal(c.vf.mac[5], 1);
        cni_netconf_done(&c);
        char *v = NULL;
        assert_int_equal(cni_args_get("A=1;K8S_POD_NAME=web-0;B=2", "K8S_POD_NAME", &v), 0);
        assert_string_equal(v, "web-0");
        free(v);
        assert_int_equal(cni_args_get("A=1", "K8S_POD_NAME", &v), -ENOENT);
}

/* GC's two keys, each checked the same. */
static void test_gc_lists(void **state)
{
        (void)state;
        struct cni_netconf c;
        parse_ok("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\",\"cni.dev/attachments\":"
                 "[{\"containerID\":\"a\",\"ifname\":\"net1\"},{\"containerID\":\"b\",\"ifname\":\"net1\"}]}",
                 &c);
        assert_null(c.valid_attachments);
        assert_int_equal(json_object_array_length(c.attachments), 2);
        cni_netconf_done(&c);
        parse_ok("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\"}", &c);
        assert_null(c.valid_attachments);
        assert_null(c.attachments);
        cni_netconf_done(&c);
        parse_bad("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\",\"cni.dev/attachments\":"
                  "[{\"containerID\":\"a\",\"ifname\":1}]}",
                  7, "\"cni.dev/attachments\"[0] is not");
        parse_bad("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\",\"cni.dev/attachments\":{}}",
                  7, "\"cni.dev/attachments\" must be array");
}

static void result_bad(const char *text, const char *needle)
{
        json_object *o = json_tokener_parse(text);
        assert_non_null(o);
        struct cni_error e = {0};
        if (ipam_result_check(o, &e) != -EBADMSG)
                fail_msg("%s: accepted", text);
        assert_int_equal(e.code, CNI_ERR_IPAM);
        assert_contains(e.details, needle);
        json_object_put(o);
}

/* Every member the plugin reads has the spec's JSON type, or the result
 * is refused (json-c asserts on an array call of a non-array). */
static void test_ipam_result_types(void **state)
{
        (void)state;
        struct cni_error e = {0};
        json_object *o = json_tokener_parse(
                "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.2/24\",\"gateway\":\"10.0.0.1\"}],"
                "\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"10.1.0.0/16\",\"gw\":\"10.0.0.9\"}],"
                "\"dns\":{\"nameservers\":[\"10.0.0.53\"]},\"vendor\":[1]}");
        assert_int_equal(ipam_result_check(o, &e), 0);
        json_object_put(o);
        o = json_tokener_parse("{\"cniVersion\":\"1.0.0\"}");
        assert_int_equal(ipam_result_check(o, &e), 0);
        json_object_put(o);
        result_bad("[1,2]", "the result is a JSON array, not an object");
        result_bad("\"x\"", "the result is a JSON string");
        result_bad("{\"ips\":{\"address\":\"10.0.0.2/24\"}}", "\"ips\" is a JSON object, not array");
        result_bad("{\"ips\":[\"10.0.0.2/24\"]}", "ips[0] is a JSON string, not an object");
        result_bad("{\"ips\":[{\"gateway\":\"10.0.0.1\"}]}", "ips[0] has no \"address\"");
        result_bad("{\"ips\":[{\"address\":42}]}", "ips[0]: \"address\" is a JSON int, not string");
        result_bad("{\"ips\":[{\"address\":\"10.0.0.2/24\",\"gateway\":[]}]}", "ips[0]: \"gateway\" is a JSON array");
        result_bad("{\"routes\":\"10.0.0.0/8\"}", "\"routes\" is a JSON string, not array");
        result_bad("{\"routes\":[{\"dst\":\"10.0.0.0/8\",\"gw\":1}]}", "routes[0]: \"gw\" is a JSON int");
        result_bad("{\"dns\":[]}", "\"dns\" is a JSON array, not object");
}

/* An IPAM plugin that never answers is killed, with what it started, at
 * the deadline; one that answers is read whole even past the pipe's
 * buffer while its input is still being written. */
static void test_ipam_timeout(void **state)
{
        (void)state;
        char *dir = fx_tmpdir("cni");
        assert_non_null(dir);
        static const char hang[] = "#!/bin/sh\n(sleep 600; echo late) &\necho $! >\"$0.pid\"\nexec sleep 600\n";
        static const char echo[] = "#!/bin/sh\nexec cat\n";
        assert_int_equal(fx_write_bytes(dir, "hang", hang, sizeof(hang) - 1), 0);
        assert_int_equal(fx_write_bytes(dir, "echo", echo, sizeof(echo) - 1), 0);
        char p[4200];
        snprintf(p, sizeof(p), "%s/hang", dir);
        assert_int_equal(chmod(p, 0755), 0);
        snprintf(p, sizeof(p), "%s/echo", dir);
        assert_int_equal(chmod(p, 0755), 0);
        struct cni_error e = {0};
        char *out = NULL;
        int status = -1;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(ipam_exec("hang", dir, "ADD", "{}", 300, &out, &status, &e), -ETIMEDOUT);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        assert_true(ms >= 300 && ms < 5000);
        assert_null(out);
        assert_int_equal(e.code, CNI_ERR_IPAM);
        assert_contains(e.details, "hang ADD did not answer within 300 ms");
        /* its background child went with it (same process group) */
        snprintf(p, sizeof(p), "%s/hang.pid", dir);
        char *pid = slurp(p, NULL);
        assert_non_null(pid);
        pid_t bg = (pid_t)atoi(pid);
        free(pid);
        for (int i = 0; i < 100 && kill(bg, 0) == 0; i++)
                usleep(20000);
        assert_int_equal(kill(bg, 0), -1);

        size_t big = 256 * 1024;
        char *in = malloc(big + 1);
        assert_non_null(in);
        memset(in, 'x', big);
        in[big] = 0;
        assert_int_equal(ipam_exec("echo", dir, "ADD", in, 10000, &out, &status, &e), 0);
        assert_int_equal(status, 0);
        assert_int_equal(strlen(out), big);
        free(out);
        free(in);
        assert_int_equal(fx_rm_rf(dir), 0);
        free(dir);
}

/* ---- the plugin itself ------------------------------------------------- */

extern char **environ;

struct plugin_result {
        int code;          /* exit status */
        char *out, *err;
        json_object *json; /* stdout parsed, or NULL */
};

static void plugin_result_done(struct plugin_result *r)
{
        free(r->out);
        free(r->err);
        json_object_put(r->json);
}

/* Runs the plugin with env (NULL-terminated "K=V", on top of nothing but
 * PATH) and input on stdin. */
static struct plugin_result plugin(const char *dir, const char *const *env, const char *input)
{
        char in[4096], out[4096], err[4096];
        snprintf(in, sizeof(in), "%s/stdin", dir);
        snprintf(out, sizeof(out), "%s/stdout", dir);
        snprintf(err, sizeof(err), "%s/stderr", dir);
        assert_int_equal(fx_write_bytes(dir, "stdin", input, strlen(input)), 0);
        posix_spawn_file_actions_t fa;
        assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
        assert_int_equal(posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644), 0);
        char *const argv[] = {(char *)"sriov-vf", NULL};
        pid_t pid;
        int r = posix_spawn(&pid, SRIOV_CNI_PLUGIN, &fa, NULL, argv, (char *const *)env);
        posix_spawn_file_actions_destroy(&fa);
        if (r != 0)
                fail_msg("spawning %s: %s", SRIOV_CNI_PLUGIN, strerror(r));
        int status;
        while (waitpid(pid, &status, 0) < 0)
                assert_int_equal(errno, EINTR);
        struct plugin_result res = {.out = slurp(out, NULL), .err = slurp(err, NULL)};
        assert_non_null(res.out);
        assert_non_null(res.err);
        if (!WIFEXITED(status))
                fail_msg("sriov-vf: killed by signal %d\nstderr: %s", WTERMSIG(status), res.err);
        res.code = WEXITSTATUS(status);
        res.json = json_tokener_parse(res.out);
        return res;
}

static int64_t json_int_at(json_object *o, const char *key)
{
        json_object *v = NULL;
        if (!o || !json_object_object_get_ex(o, key, &v))
                fail_msg("no \"%s\" in %s", key, o ? json_object_to_json_string(o) : "(not JSON)");
        return json_object_get_int64(v);
}

static const char *json_str_at(json_object *o, const char *key)
{
        json_object *v = NULL;
        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                fail_msg("no string \"%s\" in %s", key, o ? json_object_to_json_string(o) : "(not JSON)");
        return json_object_get_string(v);
}

#define expect_exit(res, want)                                                                    \
        do {                                                                                      \
                if ((res).code != (want))                                                         \
                        fail_msg("exit %d, expected %d\nstdout: %s\nstderr: %s", (res).code, (want), \
                                 (res).out, (res).err);                                           \
        } while (0)

/* VERSION answers with the request's cniVersion (spec: "cniVersion: the
 * value of cniVersion specified on input"). */
static void test_plugin_version(void **state)
{
        (void)state;
        char *dir = fx_tmpdir("cni");
        assert_non_null(dir);
        const char *env[] = {"CNI_COMMAND=VERSION", NULL};
        static const char *const asked[] = {"0.3.1", "0.4.0", "1.0.0", "1.1.0"};
        for (size_t i = 0; i < 4; i++) {
                char in[64];
                snprintf(in, sizeof(in), "{\"cniVersion\":\"%s\"}", asked[i]);
                struct plugin_result r = plugin(dir, env, in);
                expect_exit(r, 0);
                assert_json_style("VERSION", r.out);
                assert_string_equal(json_str_at(r.json, "cniVersion"), asked[i]);
                json_object *l;
                assert_true(json_object_object_get_ex(r.json, "supportedVersions", &l));
                assert_int_equal(json_object_array_length(l), 4);
                plugin_result_done(&r);
        }
        /* no cniVersion to echo: the plugin's own */
        struct plugin_result r = plugin(dir, env, "");
        expect_exit(r, 0);
        assert_string_equal(json_str_at(r.json, "cniVersion"), CNI_SPEC_VERSION);
        plugin_result_done(&r);
        assert_int_equal(fx_rm_rf(dir), 0);
        free(dir);
}

/* CHECK exists from 0.4.0 on: an older configuration is refused with the
 * incompatible-version code before anything is looked at. */
static void test_plugin_check_version(void **state)
{
        (void)state;
        char *dir = fx_tmpdir("cni");
        assert_non_null(dir);
        char sd[4200];
        snprintf(sd, sizeof(sd), "SRIOV_STATE_DIR=%s/state", dir);
        const char *env[] = {"CNI_COMMAND=CHECK", "CNI_CONTAINERID=c1", "CNI_IFNAME=net1",
                             "CNI_NETNS=/proc/self/ns/net", "CNI_PATH=/nonexistent", sd, NULL};
        struct plugin_result r = plugin(dir, env, "{\"cniVersion\":\"0.3.1\",\"name\":\"n\",\"type\":\"sriov-vf\","
                                                  "\"deviceID\":\"0000:7f:1f.7\"}");
        expect_exit(r, 1);
        assert_json_style("an error", r.out);
        assert_int_equal(json_int_at(r.json, "code"), CNI_ERR_VERSION);
        assert_contains(json_str_at(r.json, "details"), "0.3.1");
        assert_string_equal(json_str_at(r.json, "cniVersion"), "0.3.1");
        plugin_result_done(&r);
        assert_int_equal(fx_rm_rf(dir), 0);
        free(dir);
}

/* A pod record of network n for container id, its VF an address no host
 * has (giving it back touches nothing). */
#define POD_REC(id, addr)                                                                                   \
        "{\"domain\":\"cni:n/" id "/net1\",\"interface\":0,\"kind\":\"pod\",\"mac\":\"00:00:00:00:00:00\","      \
        "\"vf\":-1,\"vf_address\":\"" addr "\",\"pod\":{\"container_id\":\"" id "\",\"ifname\":\"net1\","              \
        "\"network\":\"n\",\"vfio\":true}}"

/* The container IDs of the store's pod records, in order, joined by ','. */
static void store_pods(const char *dir, char *buf, size_t size)
{
        char p[4200];
        snprintf(p, sizeof(p), "%s/state/allocations.json", dir);
        buf[0] = 0;
        json_object *doc = json_object_from_file(p), *l, *pod, *id;
        if (!doc)
                return; /* no store: no records */
        assert_true(json_object_object_get_ex(doc, "allocations", &l));
        for (size_t i = 0; i < json_object_array_length(l); i++)
                if (json_object_object_get_ex(json_object_array_get_idx(l, i), "pod", &pod) &&
                    json_object_object_get_ex(pod, "container_id", &id))
                        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "," : "",
                                 json_object_get_string(id));
        json_object_put(doc);
}

#define KEY(id) "{\"containerID\":\"" id "\",\"ifname\":\"net1\"}"

/* A GC of network n with lists (JSON members) succeeds and leaves the
 * pods named. */
static void gc_keeps(const char *dir, const char *lists, const char *want)
{
        char sd[4200], in[1024], pods[256];
        snprintf(sd, sizeof(sd), "SRIOV_STATE_DIR=%s/state", dir);
        snprintf(in, sizeof(in), "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\",%s}", lists);
        const char *env[] = {"CNI_COMMAND=GC", sd, NULL};
        struct plugin_result r = plugin(dir, env, in);
        expect_exit(r, 0);
        plugin_result_done(&r);
        store_pods(dir, pods, sizeof(pods));
        assert_string_equal(pods, want);
}

/* GC frees what the runtime's list leaves out, read from either key (the
 * spec's cni.dev/valid-attachments, and cni.dev/attachments, the name
 * spec 1.1.0's text had, which libcni sends too); a GC with neither
 * names no attachment at all and frees nothing. */
static void test_plugin_gc_keys(void **state)
{
        (void)state;
        char *dir = fx_tmpdir("cni");
        assert_non_null(dir);
        assert_int_equal(fx_mkdir_p(dir, "state"), 0);
        assert_int_equal(chmod(dir, 0700), 0);
        static const char store[] = "{\"allocations\":[" POD_REC("a", "0000:7f:1f.6") "," POD_REC("b", "0000:7f:1f.7")
                                    "," POD_REC("c", "0000:7f:1f.5") "]}";
        assert_int_equal(fx_write_bytes(dir, "state/allocations.json", store, sizeof(store) - 1), 0);
        char sd[4200], pods[256];
        snprintf(sd, sizeof(sd), "SRIOV_STATE_DIR=%s/state", dir);
        const char *env[] = {"CNI_COMMAND=GC", sd, NULL};
        store_pods(dir, pods, sizeof(pods));
        assert_string_equal(pods, "a,b,c");

        struct plugin_result r = plugin(dir, env, "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\"}");
        expect_exit(r, 1);
        assert_int_equal(json_int_at(r.json, "code"), CNI_ERR_CONFIG);
        assert_contains(json_str_at(r.json, "details"), "cni.dev/valid-attachments");
        plugin_result_done(&r);
        store_pods(dir, pods, sizeof(pods));
        assert_string_equal(pods, "a,b,c");

        gc_keeps(dir, "\"cni.dev/attachments\":[" KEY("b") "," KEY("c") "]", "b,c");
        /* both keys (what libcni sends): an attachment either lists is kept */
        gc_keeps(dir, "\"cni.dev/valid-attachments\":[" KEY("c") "],\"cni.dev/attachments\":[" KEY("c") "]", "c");
        /* an empty list is a list: nothing is valid */
        gc_keeps(dir, "\"cni.dev/attachments\":[]", "");
        assert_int_equal(fx_rm_rf(dir), 0);
        free(dir);
}

/* A state directory that cannot be used is named as the reason, not
 * blamed on the kernel; the stderr line says the command once. */
static void test_plugin_state_dir_named(void **state)
{
        (void)state;
        char *dir = fx_tmpdir("cni");
        assert_non_null(dir);
        assert_int_equal(fx_write(dir, "file", "%s", "not a directory\n"), 0);
        char sd[4200], want[4400];
        snprintf(sd, sizeof(sd), "SRIOV_STATE_DIR=%s/file/state", dir);
        static const char gc[] = "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"sriov-vf\","
                                 "\"cni.dev/attachments\":[]}";
        const char *env[] = {"CNI_COMMAND=GC", sd, NULL};
        struct plugin_result r = plugin(dir, env, gc);
        expect_exit(r, 1);
        assert_int_equal(json_int_at(r.json, "code"), CNI_ERR_FAILED);
        snprintf(want, sizeof(want), "state directory %s/file/state cannot be used", dir);
        assert_string_equal(json_str_at(r.json, "msg"), want);
        assert_contains(json_str_at(r.json, "details"), "Not a directory");
        snprintf(want, sizeof(want), "sriov-vf: state directory %s/file/state cannot be used: GC: ", dir);
        if (strncmp(r.err, want, strlen(want)) != 0)
                fail_msg("stderr: %s\nexpected it to start with: %s", r.err, want);
        plugin_result_done(&r);
        /* DEL: its details name the attachment, the command once */
        const char *del[] = {"CNI_COMMAND=DEL", "CNI_CONTAINERID=c1", "CNI_IFNAME=net1", sd, NULL};
        r = plugin(dir, del, gc);
        expect_exit(r, 1);
        snprintf(want, sizeof(want), "sriov-vf: state directory %s/file/state cannot be used: DEL for container c1",
                 dir);
        if (strncmp(r.err, want, strlen(want)) != 0)
                fail_msg("stderr: %s\nexpected it to start with: %s", r.err, want);
        plugin_result_done(&r);
        /* STATUS names it too; other failures keep their words */
        assert_int_equal(fx_mkdir_p(dir, "open"), 0);
        snprintf(want, sizeof(want), "%s/open", dir);
        assert_int_equal(chmod(want, 0777), 0);
        snprintf(sd, sizeof(sd), "SRIOV_STATE_DIR=%s/open", dir);
        const char *status[] = {"CNI_COMMAND=STATUS", sd, NULL};
        r = plugin(dir, status, gc);
        expect_exit(r, 1);
        assert_int_equal(json_int_at(r.json, "code"), CNI_ERR_NOT_AVAILABLE);
        snprintf(want, sizeof(want), "the allocation store in %s/open is not usable", dir);
        assert_string_equal(json_str_at(r.json, "msg"), want);
        assert_contains(json_str_at(r.json, "details"), "writable by group or others");
        plugin_result_done(&r);
        assert_int_equal(fx_rm_rf(dir), 0);
        free(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_full),
                cmocka_unit_test(test_minimal_and_runtime_mac),
                cmocka_unit_test(test_fields_out_of_range),
                cmocka_unit_test(test_decode_and_version),
                cmocka_unit_test(test_env_checks),
                cmocka_unit_test(test_args_mac),
                cmocka_unit_test(test_gc_lists),
                cmocka_unit_test(test_ipam_result_types),
                cmocka_unit_test(test_ipam_timeout),
                cmocka_unit_test(test_plugin_version),
                cmocka_unit_test(test_plugin_check_version),
                cmocka_unit_test(test_plugin_gc_keys),
                cmocka_unit_test(test_plugin_state_dir_named),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
