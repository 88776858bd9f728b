/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Renderings of a scanned fixture tree: JSON parsed back with json-c (the
 * documented keys, null for absent values), XML parsed back with libxml2,
 * aligned tables, and text that needs escaping. */
#include "testutil.h"

#include <errno.h>
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "fxenv.h"
#include "internal.h"
#include "sriov-libvirt.h"

#define PF_DIR "devices/pci0000:00/0000:00:03.0/0000:02:00.0"

static int setup(void **state) { return (*state = env_open("output")) ? 0 : -1; }
/* a root whose path needs escaping in JSON and XML */
static int setup_odd(void **state) { return (*state = env_open("o&d<d>\"q'")) ? 0 : -1; }

/* Gives a VF of the PF link settings, as sriov_pf_read_vf_links would. */
static void give_link(struct sriov_inventory *inv)
{
        struct sriov_vf *vf = &inv->pfs[0].vfs[1];
        vf->has_link = true;
        vf->link = (struct sriov_vf_link){
                .present = SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_VLAN_PROTO | SRIOV_VF_SPOOFCHK |
                           SRIOV_VF_LINK_STATE | SRIOV_VF_RATE,
                .mac = {0x02, 0x00, 0x5e, 0x00, 0x01, 0x02},
                .vlan = 128,
                .qos = 3,
                .vlan_proto = 0x88a8,
                .spoofchk = true,
                .link_state = SRIOV_LINK_DISABLE,
                .min_tx_rate = 0,
                .max_tx_rate = 1000,
        };
        inv->pfs[0].netlink_num_vf = 7;
}

/* ---- JSON ---------------------------------------------------------------- */

static json_object *get(json_object *o, const char *key)
{
        json_object *v = NULL;
        if (!json_object_object_get_ex(o, key, &v))
                fail_msg("no key \"%s\" in %s", key, json_object_to_json_string(o));
        return v;
}

static void expect_null(json_object *o, const char *key)
{
        json_object *v = get(o, key);
        if (v)
                fail_msg("\"%s\" is %s, not null", key, json_object_to_json_string(v));
}

static void expect_str(json_object *o, const char *key, const char *want)
{
        json_object *v = get(o, key);
        if (!json_object_is_type(v, json_type_string))
                fail_msg("\"%s\" is not a string", key);
        assert_string_equal(json_object_get_string(v), want);
}

static void expect_int(json_object *o, const char *key, int64_t want)
{
        json_object *v = get(o, key);
        if (!json_object_is_type(v, json_type_int))
                fail_msg("\"%s\" is %s, not an int", key, json_object_to_json_string(v));
        assert_int_equal(json_object_get_int64(v), want);
}

static void expect_bool(json_object *o, const char *key, bool want)
{
        json_object *v = get(o, key);
        if (!json_object_is_type(v, json_type_boolean))
                fail_msg("\"%s\" is not a boolean", key);
        assert_int_equal(json_object_get_boolean(v), want);
}

static json_object *expect_array(json_object *o, const char *key, size_t n)
{
        json_object *v = get(o, key);
        if (!json_object_is_type(v, json_type_array))
                fail_msg("\"%s\" is not an array", key);
        assert_int_equal(json_object_array_length(v), n);
        return v;
}

static json_object *parse_json(const char *text)
{
        enum json_tokener_error err;
        json_object *o = json_tokener_parse_verbose(text, &err);
        if (!o)
                fail_msg("JSON does not parse (%s):\n%s", json_tokener_error_desc(err), text);
        return o;
}

static void check_igb_pf(json_object *pf)
{
        expect_str(pf, "address", "0000:02:00.0");
        expect_str(pf, "bus", "pci");
        expect_str(pf, "vendor_id", "8086");
        expect_str(pf, "device_id", "10c9");
        expect_str(pf, "class", "020000");
        get(pf, "vendor_name");
        get(pf, "device_name");
        get(pf, "class_name");
        expect_str(pf, "driver", "igb");
        json_object *nd = expect_array(pf, "netdevs", 1);
        assert_string_equal(json_object_get_string(json_object_array_get_idx(nd, 0)), "enp2s0f0");
        expect_int(pf, "numa_node", 0);
        expect_int(pf, "iommu_group", 10);
        expect_str(pf, "link_speed", "2.5 GT/s PCIe");
        expect_int(pf, "link_width", 4);
        json_object *s = get(pf, "sriov");
        expect_int(s, "totalvfs", 8);
        expect_int(s, "numvfs", 7);
        expect_int(s, "offset", 128);
        expect_int(s, "stride", 2);
        expect_str(s, "vf_device", "10ca");
        expect_bool(s, "drivers_autoprobe", true);
        json_object *c = get(pf, "capability");
        assert_non_null(c);
        expect_int(c, "position", 0x160);
        expect_int(c, "version", 1);
        get(c, "capabilities");
        expect_int(c, "control", 0x19);
        expect_bool(c, "vf_enable", true);
        expect_bool(c, "vf_mse", true);
        expect_bool(c, "ari_capable_hierarchy", true);
        get(c, "status");
        expect_int(c, "initial_vfs", 8);
        expect_int(c, "total_vfs", 8);
        expect_int(c, "num_vfs", 7);
        expect_int(c, "function_dependency_link", 0);
        expect_int(c, "first_vf_offset", 128);
        expect_int(c, "vf_stride", 2);
        expect_str(c, "vf_device_id", "10ca");
        expect_int(c, "supported_page_sizes", 0x553);
        expect_int(c, "system_page_size", 1);
        json_object *bars = expect_array(c, "vf_bars", 2);
        json_object *b0 = json_object_array_get_idx(bars, 0);
        expect_int(b0, "index", 0);
        expect_str(b0, "type", "mem64");
        expect_bool(b0, "prefetchable", true);
        expect_str(b0, "address", "0xe0000000");
        json_object *b1 = json_object_array_get_idx(bars, 1);
        expect_int(b1, "index", 3);
        expect_str(b1, "type", "mem64");
        expect_str(b1, "address", "0xe0400000");
        json_object *vfs = expect_array(pf, "vfs", 7);
        static const char *const addrs[] = {"0000:02:10.0", "0000:02:10.2", "0000:02:10.4", "0000:02:10.6",
                                            "0000:02:11.0", "0000:02:11.2", "0000:02:11.4"};
        for (size_t i = 0; i < 7; i++) {
                json_object *vf = json_object_array_get_idx(vfs, i);
                expect_int(vf, "index", (int64_t)i);
                expect_str(vf, "address", addrs[i]);
                expect_str(vf, "expected_address", addrs[i]);
                expect_str(vf, "driver", "igbvf");
                expect_array(vf, "netdevs", 1);
                expect_int(vf, "iommu_group", 11 + (int64_t)i);
        }
        expect_array(pf, "warnings", 0);
}

static void json_list(void **state)
{
        struct env *e = *state;
        struct sriov_inventory *inv = env_scan(e);
        char *text = NULL;
        assert_int_equal(sriov_render_json(inv, NULL, &text), 0);
        json_object *root = parse_json(text);
        json_object *pfs = expect_array(root, "physical_functions", 2);
        check_igb_pf(json_object_array_get_idx(pfs, 0));
        /* netdevsim: no IDs, no capability, no offset: null, not invented */
        json_object *ns = json_object_array_get_idx(pfs, 1);
        expect_str(ns, "address", "netdevsim1");
        expect_str(ns, "bus", "netdevsim");
        expect_null(ns, "vendor_id");
        expect_null(ns, "device_id");
        expect_null(ns, "class");
        expect_null(ns, "numa_node");
        expect_null(ns, "iommu_group");
        expect_null(ns, "link_speed");
        expect_null(ns, "link_width");
        expect_null(ns, "capability");
        expect_null(ns, "netlink_num_vf");
        json_object *s = get(ns, "sriov");
        expect_int(s, "totalvfs", 4);
        expect_int(s, "numvfs", 2);
        expect_null(s, "offset");
        expect_null(s, "stride");
        expect_null(s, "vf_device");
        expect_null(s, "drivers_autoprobe");
        json_object *vfs = expect_array(ns, "vfs", 2);
        json_object *vf = json_object_array_get_idx(vfs, 1);
        expect_int(vf, "index", 1);
        expect_null(vf, "address");
        expect_null(vf, "expected_address");
        expect_null(vf, "driver");
        expect_null(vf, "iommu_group");
        expect_null(vf, "link");
        json_object *lowers = expect_array(root, "macvtap_lower_devices", 2);
        json_object *l0 = json_object_array_get_idx(lowers, 0);
        expect_str(l0, "name", "eno1");
        expect_str(l0, "kind", "physical");
        expect_str(l0, "driver", "e1000e");
        expect_str(l0, "device", "0000:03:00.0");
        json_object *l1 = json_object_array_get_idx(lowers, 1);
        expect_str(l1, "name", "veth0");
        expect_str(l1, "kind", "veth");
        expect_null(l1, "driver");
        expect_null(l1, "device");
        expect_array(root, "warnings", 0);
        json_object_put(root);
        free(text);
}

static void json_show(void **state)
{
        struct env *e = *state;
        struct sriov_inventory *inv = env_scan(e);
        give_link(inv);
        char *text = NULL;
        assert_int_equal(sriov_render_json(inv, &inv->pfs[0], &text), 0);
        json_object *pf = parse_json(text);
        check_igb_pf(pf);
        expect_int(pf, "netlink_num_vf", 7);
        json_object *vfs = get(pf, "vfs");
        expect_null(json_object_array_get_idx(vfs, 0), "link");
        json_object *l = get(json_object_array_get_idx(vfs, 1), "link");
        assert_non_null(l);
        expect_str(l, "mac", "02:00:5e:00:01:02");
        expect_int(l, "vlan", 128);
        expect_int(l, "qos", 3);
        expect_str(l, "vlan_proto", "802.1ad");
        expect_bool(l, "spoofchk", true);
        expect_null(l, "trust");
        expect_str(l, "link_state", "disable");
        expect_int(l, "min_tx_rate", 0);
        expect_int(l, "max_tx_rate", 1000);
        expect_null(l, "query_rss");
        json_object_put(pf);
        free(text);
}

/* Broken sysfs values: null in JSON, the warning carried as a string. */
static void json_broken_values(void **state)
{
        struct env *e = *state;
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_totalvfs", "-1\n"), 0);
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_stride", "18446744073709551616\n"), 0);
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_vf_device", "\n"), 0);
        struct sriov_inventory *inv = env_scan(e);
        char *text = NULL;
        assert_int_equal(sriov_render_json(inv, NULL, &text), 0);
        json_object *root = parse_json(text);
        json_object *pf = json_object_array_get_idx(get(root, "physical_functions"), 0);
        json_object *s = get(pf, "sriov");
        expect_null(s, "totalvfs");
        expect_null(s, "stride");
        expect_null(s, "vf_device");
        expect_int(s, "numvfs", 7);
        json_object *w = expect_array(pf, "warnings", 3);
        assert_contains(json_object_get_string(json_object_array_get_idx(w, 0)), "sriov_totalvfs");
        json_object_put(root);
        free(text);
}

/* ---- XML ------------------------------------------------------------------ */

static xmlDocPtr parse_xml(const char *text)
{
        xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "sriov.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!doc) {
                const xmlError *err = xmlGetLastError();
                fail_msg("XML is not well-formed (%s):\n%s", err ? err->message : "?", text);
        }
        return doc;
}

/* The string value of an XPath expression. */
static char *xpath(xmlDocPtr doc, const char *expr)
{
        xmlXPathContextPtr x = xmlXPathNewContext(doc);
        assert_non_null(x);
        xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, x);
        assert_non_null(o);
        xmlChar *s = xmlXPathCastToString(o);
        char *r = strdup((const char *)s);
        xmlFree(s);
        xmlXPathFreeObject(o);
        xmlXPathFreeContext(x);
        return r;
}

static void expect_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
        char *got = xpath(doc, expr);
        if (strcmp(got, want) != 0)
                fail_msg("%s is \"%s\", expected \"%s\"", expr, got, want);
        free(got);
}

static void xml_list(void **state)
{
        struct env *e = *state;
        struct sriov_inventory *inv = env_scan(e);
        give_link(inv);
        char *text = NULL;
        assert_int_equal(sriov_render_xml(inv, NULL, &text), 0);
        xmlDocPtr doc = parse_xml(text);
        expect_xpath(doc, "name(/*)", "sriov");
        expect_xpath(doc, "count(/sriov/pf)", "2");
        expect_xpath(doc, "/sriov/pf[1]/@address", "0000:02:00.0");
        expect_xpath(doc, "/sriov/pf[1]/@bus", "pci");
        expect_xpath(doc, "/sriov/pf[1]/vendor/@id", "8086");
        expect_xpath(doc, "/sriov/pf[1]/driver", "igb");
        expect_xpath(doc, "/sriov/pf[1]/netdev", "enp2s0f0");
        expect_xpath(doc, "/sriov/pf[1]/iommu_group", "10");
        expect_xpath(doc, "/sriov/pf[1]/sriov/@totalvfs", "8");
        expect_xpath(doc, "/sriov/pf[1]/sriov/@vf_device", "10ca");
        expect_xpath(doc, "/sriov/pf[1]/capability/@first_vf_offset", "128");
        expect_xpath(doc, "/sriov/pf[1]/capability/@vf_stride", "2");
        expect_xpath(doc, "/sriov/pf[1]/capability/@ari_capable_hierarchy", "yes");
        expect_xpath(doc, "count(/sriov/pf[1]/capability/vf_bar)", "2");
        expect_xpath(doc, "count(/sriov/pf[1]/vf)", "7");
        expect_xpath(doc, "/sriov/pf[1]/vf[7]/@address", "0000:02:11.4");
        expect_xpath(doc, "/sriov/pf[1]/vf[7]/@expected_address", "0000:02:11.4");
        expect_xpath(doc, "/sriov/pf[1]/vf[2]/link/@mac", "02:00:5e:00:01:02");
        expect_xpath(doc, "/sriov/pf[1]/vf[2]/link/@vlan_proto", "802.1ad");
        expect_xpath(doc, "count(/sriov/pf[1]/vf[2]/link/@trust)", "0"); /* absent: not written */
        expect_xpath(doc, "count(/sriov/pf[1]/vf[1]/link)", "0");
        /* netdevsim: absent values are absent attributes */
        expect_xpath(doc, "/sriov/pf[2]/@address", "netdevsim1");
        expect_xpath(doc, "count(/sriov/pf[2]/sriov/@offset)", "0");
        expect_xpath(doc, "/sriov/pf[2]/sriov/@numvfs", "2");
        expect_xpath(doc, "count(/sriov/pf[2]/capability)", "0");
        expect_xpath(doc, "count(/sriov/pf[2]/vf)", "2");
        expect_xpath(doc, "count(/sriov/pf[2]/vf[1]/@address)", "0");
        expect_xpath(doc, "count(/sriov/macvtap_lower)", "2");
        expect_xpath(doc, "/sriov/macvtap_lower[1]/@name", "eno1");
        expect_xpath(doc, "/sriov/macvtap_lower[2]/@kind", "veth");
        xmlFreeDoc(doc);
        free(text);
        /* one PF: <pf> is the root */
        assert_int_equal(sriov_render_xml(inv, &inv->pfs[1], &text), 0);
        doc = parse_xml(text);
        expect_xpath(doc, "name(/*)", "pf");
        expect_xpath(doc, "/pf/@address", "netdevsim1");
        xmlFreeDoc(doc);
        free(text);
}

/* ---- text needing escapes ------------------------------------------------ */

/* The root path holds & < > " ': warnings naming files must survive both
 * renderings. */
static void escaping(void **state)
{
        struct env *e = *state;
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_numvfs", "<7>&\"\n"), 0);
        struct sriov_inventory *inv = env_scan(e);
        const char *w = strv_find3(inv->pfs[0].warnings, "sriov_numvfs", NULL, NULL);
        assert_non_null(w);
        assert_contains(w, e->root);
        char *text = NULL;
        assert_int_equal(sriov_render_json(inv, NULL, &text), 0);
        json_object *root = parse_json(text);
        json_object *pf = json_object_array_get_idx(get(root, "physical_functions"), 0);
        json_object *ws = get(pf, "warnings");
        bool found = false;
        for (size_t i = 0; i < json_object_array_length(ws); i++)
                found |= strcmp(json_object_get_string(json_object_array_get_idx(ws, i)), w) == 0;
        assert_true(found);
        json_object_put(root);
        free(text);
        assert_int_equal(sriov_render_xml(inv, NULL, &text), 0);
        xmlDocPtr doc = parse_xml(text);
        char *got = xpath(doc, "/sriov/pf[1]/warning[contains(., 'sriov_numvfs')]");
        assert_string_equal(got, w);
        free(got);
        xmlFreeDoc(doc);
        free(text);
}

/* Bytes that are not text in a sysfs value: the renderings stay valid
 * UTF-8 / well-formed XML. */
static void binary_values(void **state)
{
        struct env *e = *state;
        static const char *const values[] = {
                "\xff\xfe\n",                 /* not UTF-8 */
                "\x01\x02\x1b[31m\n",         /* control characters (not allowed in XML 1.0) */
                "a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\n", /* cut mid-character */
        };
        for (size_t i = 0; i < ELEMENTSOF(values); i++) {
                assert_int_equal(fx_write(e->root, PF_DIR "/sriov_totalvfs", "%s", values[i]), 0);
                struct sriov_inventory *inv = env_scan(e);
                assert_int_equal(inv->pfs[0].totalvfs, SRIOV_ABSENT);
                assert_warning(inv->pfs[0].warnings, "sriov_totalvfs", NULL, NULL);
                if (i == 0) /* the value is quoted with its bytes escaped */
                        assert_warning(inv->pfs[0].warnings, "sriov_totalvfs", "'\\xff\\xfe'", NULL);
                char *text = NULL;
                assert_int_equal(sriov_render_xml(inv, NULL, &text), 0);
                xmlDocPtr doc = parse_xml(text);
                xmlFreeDoc(doc);
                free(text);
                assert_int_equal(sriov_render_json(inv, NULL, &text), 0);
                enum json_tokener_error err;
                struct json_tokener *tok = json_tokener_new();
                json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
                json_object *o = json_tokener_parse_ex(tok, text, (int)strlen(text));
                err = json_tokener_get_error(tok);
                if (!o)
                        fail_msg("value %zu: JSON does not parse strictly (%s)", i,
                                 json_tokener_error_desc(err));
                json_object_put(o);
                json_tokener_free(tok);
                free(text);
        }
}

/* Interface names may hold any byte but '/', ':' and whitespace (the
 * kernel's dev_valid_name): JSON and XML stay valid, valid UTF-8 names are
 * kept as they are. */
static void odd_interface_names(void **state)
{
        struct env *e = *state;
        assert_int_equal(fx_netdev(e->root, NULL, "e\xff", NULL, 1), 0);
        assert_int_equal(fx_netdev(e->root, NULL, "t\xe2\x82", NULL, 1), 0);
        assert_int_equal(fx_netdev(e->root, NULL, "c\x01", NULL, 1), 0);
        assert_int_equal(fx_netdev(e->root, NULL, "\xc3\xbc" "0", NULL, 1), 0); /* "ü0" */
        struct sriov_inventory *inv = env_scan(e);
        assert_int_equal(inv->n_lowers, 6);
        char *text = NULL;
        assert_int_equal(sriov_render_xml(inv, NULL, &text), 0);
        xmlDocPtr doc = parse_xml(text);
        expect_xpath(doc, "count(/sriov/macvtap_lower)", "6");
        expect_xpath(doc, "count(/sriov/macvtap_lower[@name='\xc3\xbc" "0'])", "1");
        xmlFreeDoc(doc);
        free(text);
        assert_int_equal(sriov_render_json(inv, NULL, &text), 0);
        struct json_tokener *tok = json_tokener_new();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        json_object *o = json_tokener_parse_ex(tok, text, (int)strlen(text));
        if (!o)
                fail_msg("JSON is not strict UTF-8 JSON (%s)", json_tokener_error_desc(json_tokener_get_error(tok)));
        assert_contains(text, "\"\xc3\xbc" "0\"");
        json_object_put(o);
        json_tokener_free(tok);
        free(text);
}

/* ---- tables ---------------------------------------------------------------- */

/* Every block of the table text: rows line up under the header's columns. */
static void check_aligned(const char *text)
{
        char *copy = strdup(text), *save = NULL;
        assert_non_null(copy);
        size_t starts[32], n_starts = 0, blocks = 0, rows = 0;
        bool in_block = false;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                size_t len = strlen(line);
                /* titles ("VFs of ...:") end with ':' and have no column gap */
                bool title = len && line[len - 1] == ':' && !strstr(line, "  ");
                if (title) {
                        in_block = false;
                        continue;
                }
                if (!in_block) {
                        /* a header: columns start after two spaces (or at the indent) */
                        n_starts = 0;
                        size_t i = 0;
                        while (line[i] == ' ')
                                i++;
                        starts[n_starts++] = i;
                        for (; i + 2 < len && n_starts < 32; i++)
                                if (line[i] == ' ' && line[i + 1] == ' ' && line[i + 2] != ' ')
                                        starts[n_starts++] = i + 2;
                        assert_true(n_starts >= 4);
                        in_block = true;
                        blocks++;
                        continue;
                }
                rows++;
                for (size_t c = 0; c < n_starts; c++) {
                        size_t s = starts[c];
                        if (s >= len || line[s] == ' ' || (s >= 2 && (line[s - 1] != ' ' || line[s - 2] != ' ')))
                                fail_msg("column %zu (at %zu) not aligned in:\n%s\n---\n%s", c, s, line, text);
                }
        }
        /* PF table, two VF tables, the lower devices */
        assert_int_equal(blocks, 4);
        assert_true(rows >= 2 + 7 + 2 + 2);
        free(copy);
}

static void table(void **state)
{
        struct env *e = *state;
        struct sriov_inventory *inv = env_scan(e);
        char *text = NULL;
        assert_int_equal(sriov_render_table(inv, &text), 0);
        print_message("%s", text);
        check_aligned(text);
        assert_contains(text, "0000:02:00.0");
        assert_contains(text, "0000:02:11.4");
        assert_contains(text, "netdevsim1");
        assert_contains(text, "veth0");
        free(text);
        /* long and absent values still line up */
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_totalvfs", "x\n"), 0);
        assert_int_equal(fx_netdev(e->root, NULL, "a-very-long-name0", "dummy", 1), 0);
        inv = env_scan(e);
        assert_int_equal(sriov_render_table(inv, &text), 0);
        check_aligned(text);
        free(text);
        /* nothing at all */
        struct sriov_inventory empty = {0};
        assert_int_equal(sriov_render_table(&empty, &text), 0);
        assert_contains(text, "no SR-IOV physical functions");
        free(text);
}

static void detail(void **state)
{
        struct env *e = *state;
        struct sriov_inventory *inv = env_scan(e);
        give_link(inv);
        char *text = NULL;
        assert_int_equal(sriov_render_pf_detail(&inv->pfs[0], &text), 0);
        print_message("%s", text);
        assert_contains(text, "0000:02:00.0");
        assert_contains(text, "0000:02:11.4");
        assert_contains(text, "02:00:5e:00:01:02");
        assert_contains(text, "128");
        free(text);
        assert_int_equal(sriov_render_pf_detail(&inv->pfs[1], &text), 0);
        assert_contains(text, "netdevsim1");
        free(text);
}

static const char *jstr(json_object *o, const char *key)
{
        json_object *v;
        if (!json_object_object_get_ex(o, key, &v))
                fail_msg("no \"%s\"", key);
        return v ? json_object_get_string(v) : NULL;
}

/* port-profile ... status --json: every field present, null when not reported */
static void json_port(void **state)
{
        (void)state;
        struct sriov_port p = {.present = SRIOV_PORT_F_REQUEST | SRIOV_PORT_F_RESPONSE | SRIOV_PORT_F_PROFILE |
                                          SRIOV_PORT_F_INSTANCE,
                               .request = SRIOV_PORT_ASSOCIATE,
                               .response = 0x100,
                               .profile = "gold"};
        assert_int_equal(sriov_uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8", p.instance_uuid), 0);
        char *text;
        assert_int_equal(sriov_render_port_json("enp2s0", 1, &p, NULL, &text), 0);
        json_object *o = json_tokener_parse(text), *v;
        if (!o)
                fail_msg("not JSON: %s", text);
        assert_string_equal(jstr(o, "device"), "enp2s0");
        assert_int_equal(json_object_get_int(json_object_object_get(o, "vf")), 1);
        assert_true(json_object_get_boolean(json_object_object_get(o, "reported")));
        assert_string_equal(jstr(o, "request"), "associate");
        assert_true(json_object_object_get_ex(o, "response", &v) && v);
        assert_int_equal(json_object_get_int(json_object_object_get(v, "code")), 0x100);
        assert_string_equal(jstr(v, "name"), "PORT_PROFILE_RESPONSE_SUCCESS");
        assert_non_null(jstr(v, "message"));
        assert_string_equal(jstr(o, "profile"), "gold");
        assert_string_equal(jstr(o, "instance"), "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        static const char *const nulls[] = {"host", "managerid", "typeid", "typeidversion", "note"};
        for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
                if (jstr(o, nulls[i]))
                        fail_msg("\"%s\" should be null: %s", nulls[i], text);
        json_object_put(o);
        free(text);
        /* nothing reported for the PF's own port: the note says why */
        assert_int_equal(sriov_render_port_json("enp2s0", SRIOV_PORT_SELF, NULL, "enp2s0 self: no port profile state",
                                                &text),
                         0);
        o = json_tokener_parse(text);
        assert_non_null(o);
        assert_string_equal(jstr(o, "vf"), "self");
        assert_false(json_object_get_boolean(json_object_object_get(o, "reported")));
        assert_null(jstr(o, "request"));
        assert_null(jstr(o, "response"));
        assert_string_equal(jstr(o, "note"), "enp2s0 self: no port profile state");
        json_object_put(o);
        free(text);
}

/* ---- who holds each VF, and JSON and XML carrying the same facts --------- */

#define PORT "9d0d5a3e-1111-2222-3333-444455556666"
#define CID "0123456789abcdef0123456789abcdef"

/* A record of each kind in STATE/allocations.json, as attach, the CNI
 * plugin and libvirt's hooks write them; driver answers and saved VFs as
 * set writes them. */
static void write_state(struct env *e)
{
        assert_int_equal(
                fx_write(e->root, "state/allocations.json", "%s",
                         "{\"allocations\":["
                         "{\"domain\":\"web\",\"uuid\":\"7c1b6b9e-2d7a-4f0e-9a59-0d6f1c2e3a4b\",\"interface\":0,"
                         "\"kind\":\"hostdev\",\"mac\":\"52:54:00:00:00:01\",\"pf\":\"0000:02:00.0\",\"vf\":1,"
                         "\"vf_address\":\"0000:02:10.2\",\"pf_ifname\":\"enp2s0f0\",\"config\":\"\",\"pending\":false},"
                         "{\"domain\":\"cni:sriov-net/" CID "/net1\",\"interface\":0,\"kind\":\"pod\","
                         "\"mac\":\"02:00:00:00:00:02\",\"pf\":\"0000:02:00.0\",\"vf\":2,\"vf_address\":\"0000:02:10.4\","
                         "\"pf_ifname\":\"enp2s0f0\",\"config\":\"\",\"pod\":{\"container_id\":\"" CID "\","
                         "\"ifname\":\"net1\",\"netns\":\"/var/run/netns/p\",\"network\":\"sriov-net\",\"vfio\":false},"
                         "\"pending\":false},"
                         "{\"domain\":\"db\",\"uuid\":\"\",\"interface\":1,\"kind\":\"hostdev\",\"mac\":\"52:54:00:00:00:03\","
                         "\"pf\":\"0000:02:00.0\",\"vf\":3,\"vf_address\":\"0000:02:10.6\",\"pf_ifname\":\"enp2s0f0\","
                         "\"config\":\"\",\"pending\":true,\"source\":\"libvirt-network\",\"network\":\"pool\","
                         "\"port\":\"" PORT "\"},"
                         "{\"domain\":\"app\",\"uuid\":\"\",\"interface\":2,\"kind\":\"macvtap\","
                         "\"mac\":\"52:54:00:00:00:04\",\"netdev\":\"macvtap0\",\"lower\":\"enp2s0f0v4\","
                         "\"mode\":\"bridge\",\"pending\":false},"
                         "{\"domain\":\"vm2\",\"uuid\":\"\",\"interface\":0,\"kind\":\"vf-direct\","
                         "\"mac\":\"52:54:00:00:00:05\",\"pf\":\"0000:02:00.0\",\"vf\":5,\"vf_address\":\"0000:02:11.2\","
                         "\"pf_ifname\":\"enp2s0f0\",\"netdev\":\"enp2s0f0v5\",\"config\":\"\",\"pending\":false,"
                         "\"source\":\"libvirt-domain\"},"
                         "{\"domain\":\"cni:n2/c2/net2\",\"interface\":0,\"kind\":\"pod\",\"mac\":\"02:00:00:00:00:06\","
                         "\"pf\":\"netdevsim1\",\"vf\":1,\"pf_ifname\":\"eni1np1\",\"config\":\"\","
                         "\"pod\":{\"container_id\":\"c2\",\"ifname\":\"net2\",\"network\":\"n2\",\"vfio\":true},"
                         "\"pending\":false}]}\n"),
                0);
        assert_int_equal(fx_write(e->root, "state/drivers/igb.json", "%s",
                                  "{\"driver\":\"igb\",\"attributes\":{"
                                  "\"proto\":{\"value\":\"802.1ad\",\"result\":\"EPROTONOSUPPORT\",\"errno\":93},"
                                  "\"max-rate\":{\"value\":\"100\",\"result\":\"ok\",\"errno\":0}}}\n"),
                         0);
        assert_int_equal(fx_write(e->root, "state/vfs/0000:02:00.0.json", "%s",
                                  "{\"pf\":\"0000:02:00.0\",\"vfs\":{\"4\":\"vlan 0\",\"1\":\"mac 02:00:00:00:00:01\"}}\n"),
                         0);
}

/* Every VF setting reported, on VF 1. */
static void give_full_link(struct sriov_inventory *inv)
{
        give_link(inv);
        struct sriov_vf_link *l = &inv->pfs[0].vfs[1].link;
        l->present |= SRIOV_VF_TRUST | SRIOV_VF_QUERY_RSS;
        l->trust = true;
}

static const char *holder_json_type(json_object *vfs, size_t i)
{
        json_object *h = get(json_object_array_get_idx(vfs, i), "holder");
        assert_non_null(h);
        return json_object_get_string(get(h, "type"));
}

static void holders(void **state)
{
        struct env *e = *state;
        write_state(e);
        struct sriov_inventory *inv = env_scan(e);
        give_full_link(inv);
        /* not read: no column, null */
        char *text = NULL;
        assert_int_equal(sriov_render_table(inv, &text), 0);
        assert_not_contains(text, "HOLDER");
        free(text);
        assert_int_equal(sriov_render_json(inv, &inv->pfs[0], &text), 0);
        json_object *pf = parse_json(text);
        expect_null(json_object_array_get_idx(get(pf, "vfs"), 0), "holder");
        json_object_put(pf);
        free(text);

        assert_int_equal(sriov_inventory_read_holders(e->ctx, inv), 0);
        assert_int_equal(sriov_render_pf_detail(&inv->pfs[0], &text), 0);
        assert_contains(text, "RATE(min/max)  HOLDER\n");
        assert_contains(text, "0/1000 Mbit/s  guest web interface #1 (hostdev)\n");
        assert_contains(text, "  pod 0123456789ab net1 network sriov-net\n");
        assert_contains(text, "  libvirt network pool port " PORT " (guest db) [unfinished]\n");
        assert_contains(text, "  guest app interface #3 (macvtap macvtap0)\n");
        assert_contains(text, "  libvirt guest vm2 interface #1 (vf-direct)\n");
        const char *last = strstr(text, "\n6   0000:02:11.4");
        assert_non_null(last);
        assert_true(strncmp(strchr(last + 1, '\n') - 6, "  free", 6) == 0);
        free(text);
        assert_int_equal(sriov_render_table(inv, &text), 0);
        assert_contains(text, "  VF  ADDRESS       DRIVER  NETDEV      IOMMU  HOLDER\n");
        assert_contains(text, "  0   0000:02:10.0  igbvf   enp2s0f0v0  11     free\n");
        assert_contains(text, "  1   -        -       -       -      pod c2 net2 network n2\n");
        free(text);

        assert_int_equal(sriov_render_json(inv, &inv->pfs[0], &text), 0);
        pf = parse_json(text);
        json_object *vfs = get(pf, "vfs");
        assert_string_equal(holder_json_type(vfs, 0), "free");
        json_object *h = get(json_object_array_get_idx(vfs, 1), "holder");
        expect_str(h, "type", "guest");
        expect_str(h, "kind", "hostdev");
        expect_str(h, "domain", "web");
        expect_str(h, "uuid", "7c1b6b9e-2d7a-4f0e-9a59-0d6f1c2e3a4b");
        expect_int(h, "interface", 0);
        expect_bool(h, "pending", false);
        h = get(json_object_array_get_idx(vfs, 2), "holder");
        expect_str(h, "type", "pod");
        expect_str(h, "container_id", CID);
        expect_str(h, "ifname", "net1");
        expect_str(h, "network", "sriov-net");
        h = get(json_object_array_get_idx(vfs, 3), "holder");
        expect_str(h, "type", "libvirt-network");
        expect_str(h, "network", "pool");
        expect_str(h, "port", PORT);
        expect_str(h, "domain", "db");
        expect_null(h, "uuid");
        expect_bool(h, "pending", true);
        h = get(json_object_array_get_idx(vfs, 4), "holder");
        expect_str(h, "kind", "macvtap");
        expect_str(h, "netdev", "macvtap0");
        assert_string_equal(holder_json_type(vfs, 5), "libvirt-guest");
        assert_string_equal(holder_json_type(vfs, 6), "free");
        json_object_put(pf);
        free(text);

        assert_int_equal(sriov_render_xml(inv, NULL, &text), 0);
        xmlDocPtr doc = parse_xml(text);
        expect_xpath(doc, "/sriov/pf[1]/vf[1]/holder/@type", "free");
        expect_xpath(doc, "/sriov/pf[1]/vf[3]/holder/@container_id", CID);
        expect_xpath(doc, "/sriov/pf[1]/vf[4]/holder/@port", PORT);
        expect_xpath(doc, "/sriov/pf[1]/vf[4]/holder/@pending", "yes");
        expect_xpath(doc, "/sriov/pf[2]/vf[2]/holder/@type", "pod");
        xmlFreeDoc(doc);
        free(text);

        /* two records for one VF: the first, and a warning naming both */
        assert_int_equal(fx_write(e->root, "state/allocations.json", "%s",
                                  "{\"allocations\":["
                                  "{\"domain\":\"a\",\"interface\":0,\"kind\":\"hostdev\",\"mac\":\"52:54:00:00:00:01\","
                                  "\"pf\":\"0000:02:00.0\",\"vf\":1,\"pf_ifname\":\"enp2s0f0\",\"pending\":false},"
                                  "{\"domain\":\"b\",\"interface\":0,\"kind\":\"macvtap\",\"mac\":\"52:54:00:00:00:02\","
                                  "\"netdev\":\"macvtap1\",\"lower\":\"enp2s0f0v1\",\"mode\":\"bridge\",\"pending\":false}]}\n"),
                         0);
        assert_int_equal(sriov_inventory_read_holders(e->ctx, inv), 0);
        assert_string_equal(inv->pfs[0].vfs[1].holder->domain, "a");
        assert_null(inv->pfs[0].vfs[2].holder);
        assert_warning(inv->pfs[0].warnings, "VF 1 is recorded as held twice: by guest 'a' and by guest 'b'", NULL,
                       NULL);
        /* a store that cannot be read: an error, nothing shown as free */
        assert_int_equal(fx_write(e->root, "state/allocations.json", "%s", "{\"allocations\": 3}\n"), 0);
        inv = env_scan(e);
        assert_int_equal(sriov_inventory_read_holders(e->ctx, inv), -EBADMSG);
        assert_contains(sriov_ctx_error(e->ctx), "allocations.json");
        assert_false(inv->pfs[0].holders_read);
}

/* JSON's value v and XML's text x say the same: booleans yes/no, numbers
 * in any base XML writes them (0x160 is 352). */
static bool same_fact(json_object *v, const char *x)
{
        if (!x)
                return false;
        switch (json_object_get_type(v)) {
        case json_type_boolean:
                return strcmp(x, json_object_get_boolean(v) ? "yes" : "no") == 0;
        case json_type_int: {
                char *end;
                errno = 0;
                long long n = strtoll(x, &end, strncmp(x, "0x", 2) == 0 ? 16 : 10);
                return !errno && !*end && end != x && n == json_object_get_int64(v);
        }
        default:
                return strcmp(x, json_object_get_string(v)) == 0;
        }
}

static xmlNodePtr child(xmlNodePtr x, const char *name, size_t nth)
{
        for (xmlNodePtr c = x->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0 && nth-- == 0)
                        return c;
        return NULL;
}

static size_t count_children(xmlNodePtr x, const char *name)
{
        size_t n = 0;
        while (child(x, name, n))
                n++;
        return n;
}

/* Where XML puts a JSON key that is not an attribute or element of its
 * own name: the element, and its attribute (NULL: its text). */
static const struct {
        const char *key, *element, *attribute;
} placed[] = {
        {"vendor_id", "vendor", "id"},   {"vendor_name", "vendor", NULL}, {"device_id", "device", "id"},
        {"device_name", "device", NULL}, {"class", "class", "id"},        {"class_name", "class", NULL},
        {"link_speed", "link", "speed"}, {"link_width", "link", "width"},
        {"devlink", "eswitch", "devlink"}, {"eswitch_mode", "eswitch", "mode"},
        {"eswitch_inline_mode", "eswitch", "inline_mode"}, {"eswitch_encap_mode", "eswitch", "encap_mode"},
        {"eswitch_error", "eswitch", "error"}, {"representor", "representor", "netdev"},
};
/* devlink_port is the attributes of <representor>: its index is @port, its
 * netdev @port_netdev when that differs from the representor, else
 * @netdev (the representor, which devlink's netdev was confirmed as). */
static const char *devlink_port_attribute(xmlNodePtr x, const char *key)
{
        if (strcmp(key, "index") == 0)
                return "port";
        if (strcmp(key, "netdev") == 0 && xmlHasProp(x, BAD_CAST "port_netdev"))
                return "port_netdev";
        return key;
}
/* Arrays: each item an element of the key's singular name, directly in
 * the parent or in a wrapper element named as the key; these by name. */
static const struct {
        const char *key, *item;
} items[] = {{"physical_functions", "pf"}, {"macvtap_lower_devices", "macvtap_lower"}};

static char *xml_text(xmlNodePtr x, const char *attribute)
{
        xmlChar *v = attribute ? xmlGetProp(x, BAD_CAST attribute) : xmlNodeGetContent(x);
        char *s = v ? strdup((const char *)v) : NULL;
        xmlFree(v);
        return s;
}

static void expect_fact(json_object *v, xmlNodePtr x, const char *attribute, const char *path)
{
        char *got = xml_text(x, attribute);
        if (!same_fact(v, got))
                fail_msg("%s: JSON %s, XML <%s%s%s> says \"%s\"", path, json_object_to_json_string(v), x->name,
                         attribute ? " @" : "", attribute ? attribute : "", got ? got : "(absent)");
        free(got);
}

static void walk(json_object *o, xmlNodePtr x, const char *path, size_t *n_keys);

/* One JSON array item: an object is walked, a scalar is its element's
 * text or single attribute. */
static void walk_item(json_object *v, xmlNodePtr e, const char *path, size_t *n_keys)
{
        if (json_object_is_type(v, json_type_object)) {
                walk(v, e, path, n_keys);
                return;
        }
        const char *attribute = e->properties && !e->properties->next ? (const char *)e->properties->name : NULL;
        expect_fact(v, e, attribute, path);
}

/* Every non-null key of o has its counterpart in x, with the same value. */
static void walk(json_object *o, xmlNodePtr x, const char *path, size_t *n_keys)
{
        json_object_object_foreach(o, key, v)
        {
                char where[512];
                snprintf(where, sizeof(where), "%s.%s", path, key);
                if (!v)
                        continue; /* null: not reported, absent in XML */
                ++*n_keys;
                const char *element = key, *attribute = key;
                for (size_t i = 0; i < ELEMENTSOF(placed); i++)
                        if (strcmp(key, placed[i].key) == 0) {
                                element = placed[i].element;
                                attribute = placed[i].attribute;
                        }
                if (json_object_is_type(v, json_type_array)) {
                        char item[64];
                        snprintf(item, sizeof(item), "%.*s", (int)strlen(key) - 1, key);
                        for (size_t i = 0; i < ELEMENTSOF(items); i++)
                                if (strcmp(key, items[i].key) == 0)
                                        snprintf(item, sizeof(item), "%s", items[i].item);
                        xmlNodePtr in = child(x, key, 0) ? child(x, key, 0) : x;
                        size_t n = json_object_array_length(v);
                        if (count_children(in, item) != n)
                                fail_msg("%s: %zu in JSON, %zu <%s> in XML <%s>", where, n, count_children(in, item),
                                         item, in->name);
                        for (size_t i = 0; i < n; i++) {
                                char at[600];
                                snprintf(at, sizeof(at), "%s[%zu]", where, i);
                                walk_item(json_object_array_get_idx(v, i), child(in, item, i), at, n_keys);
                        }
                        continue;
                }
                if (json_object_is_type(v, json_type_object)) {
                        xmlNodePtr c = child(x, strcmp(key, "devlink_port") == 0 ? "representor" : key, 0);
                        if (!c)
                                fail_msg("%s: no <%s> in XML <%s>", where, key, x->name);
                        walk(v, c, where, n_keys);
                        continue;
                }
                /* a scalar: an attribute of this name, else an element */
                const char *in = strrchr(path, '.');
                if (in && strcmp(in, ".devlink_port") == 0)
                        expect_fact(v, x, devlink_port_attribute(x, key), where);
                else if (element == key && xmlHasProp(x, BAD_CAST key))
                        expect_fact(v, x, key, where);
                else if (element != key && child(x, element, 0))
                        expect_fact(v, child(x, element, 0), attribute, where);
                else if (child(x, key, 0))
                        expect_fact(v, child(x, key, 0), NULL, where);
                else
                        fail_msg("%s: neither an attribute nor an element of XML <%s>", where, x->name);
        }
}

/* What devlink reports on a live host, which fixture trees do not have:
 * the first PF's eswitch in switchdev mode, VF 0's port confirmed as its
 * representor, VF 1's port with a netdev sysfs did not confirm; the
 * second PF's eswitch not read (EPERM). */
static void give_eswitch(struct sriov_inventory *inv)
{
        struct sriov_pf *pf = &inv->pfs[0];
        assert_true(pf->n_vfs >= 2 && inv->n_pfs >= 2);
        pf->eswitch = (struct sriov_eswitch){.state = SRIOV_ESWITCH_READ,
                                             .devlink = strdup("pci/0000:02:00.0"),
                                             .present = SRIOV_ESWITCH_F_INLINE | SRIOV_ESWITCH_F_ENCAP,
                                             .mode = SRIOV_ESWITCH_SWITCHDEV,
                                             .inline_mode = 1,
                                             .encap_mode = 1};
        for (unsigned i = 0; i < 2; i++) {
                struct sriov_vf *vf = &pf->vfs[i];
                vf->port = (struct sriov_vf_port){.present = true, .index = 128 + i, .pf = 0, .vf = (uint16_t)i};
                assert_true(asprintf(&vf->port.netdev, "eth%u", 3 + i) > 0);
                assert_true(asprintf(&vf->port.phys_port_name, "pf0vf%u", i) > 0);
        }
        pf->vfs[0].representor = strdup("eth3");
        inv->pfs[1].eswitch = (struct sriov_eswitch){.state = SRIOV_ESWITCH_UNREAD, .error = EPERM};
}

/* show --json and show --xml of one PF with everything reported: every
 * JSON key has its XML attribute or element, saying the same; list too. */
static void json_xml_same_facts(void **state)
{
        struct env *e = *state;
        write_state(e);
        struct sriov_inventory *inv = env_scan(e);
        give_full_link(inv);
        give_eswitch(inv);
        assert_int_equal(sriov_inventory_read_holders(e->ctx, inv), 0);
        struct sriov_driver_answer *answers;
        unsigned *saved;
        struct sriov_show_state st = {.read = true};
        assert_int_equal(sriov_driver_answers(e->ctx, "igb", &answers, &st.n_answers), 0);
        assert_int_equal(sriov_vf_saved(e->ctx, "enp2s0f0", &saved, &st.n_saved), 0);
        assert_int_equal(st.n_answers, 2);
        assert_int_equal(st.n_saved, 2);
        st.answers = answers;
        st.saved_vfs = saved;
        char *json = NULL, *xml = NULL;
        assert_int_equal(sriov_render_show_json(&inv->pfs[0], &st, &json), 0);
        assert_int_equal(sriov_render_show_xml(&inv->pfs[0], &st, &xml), 0);
        json_object *o = parse_json(json);
        xmlDocPtr doc = parse_xml(xml);
        size_t n_keys = 0;
        walk(o, xmlDocGetRootElement(doc), "show", &n_keys);
        print_message("show: %zu JSON keys found in XML\n", n_keys);
        assert_true(n_keys > 150);
        /* the keys asked for by name */
        expect_xpath(doc, "/pf/capability/@version", "1");
        expect_xpath(doc, "/pf/netlink_num_vf", "7");
        expect_xpath(doc, "/pf/sriov/@drivers_autoprobe", "yes");
        expect_xpath(doc, "/pf/vf[2]/link/@spoofchk", "yes");
        expect_xpath(doc, "/pf/vf[2]/link/@trust", "yes");
        expect_xpath(doc, "/pf/vf[2]/link/@query_rss", "no");
        expect_xpath(doc, "/pf/driver_answers/driver_answer[1]/@error", "EPROTONOSUPPORT");
        expect_xpath(doc, "/pf/driver_answers/driver_answer[2]/@accepted", "yes");
        expect_xpath(doc, "/pf/saved_vfs/saved_vf[2]/@index", "4");
        expect_xpath(doc, "/pf/eswitch/@mode", "switchdev");
        expect_xpath(doc, "/pf/vf[1]/representor/@port", "128");
        expect_xpath(doc, "/pf/vf[2]/representor/@port_netdev", "eth4");
        /* XML's booleans: yes or no, nothing else */
        expect_xpath(doc, "count(//@*[. = 'on' or . = 'off' or . = 'true' or . = 'false'])", "0");
        json_object_put(o);
        xmlFreeDoc(doc);
        free(json);
        free(xml);
        /* not read: null in JSON, absent in XML */
        assert_int_equal(sriov_render_show_xml(&inv->pfs[0], NULL, &xml), 0);
        doc = parse_xml(xml);
        expect_xpath(doc, "count(/pf/driver_answers | /pf/saved_vfs)", "0");
        xmlFreeDoc(doc);
        free(xml);
        /* list: the whole inventory */
        assert_int_equal(sriov_render_json(inv, NULL, &json), 0);
        assert_int_equal(sriov_render_xml(inv, NULL, &xml), 0);
        o = parse_json(json);
        doc = parse_xml(xml);
        n_keys = 0;
        walk(o, xmlDocGetRootElement(doc), "list", &n_keys);
        print_message("list: %zu JSON keys found in XML\n", n_keys);
        json_object_put(o);
        xmlFreeDoc(doc);
        free(json);
        free(xml);
        sriov_driver_answers_free(answers, st.n_answers);
        free(saved);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(json_list, setup, env_teardown),
                cmocka_unit_test_setup_teardown(json_show, setup, env_teardown),
                cmocka_unit_test_setup_teardown(json_broken_values, setup, env_teardown),
                cmocka_unit_test_setup_teardown(xml_list, setup, env_teardown),
                cmocka_unit_test_setup_teardown(escaping, setup_odd, env_teardown),
                cmocka_unit_test_setup_teardown(binary_values, setup, env_teardown),
                cmocka_unit_test_setup_teardown(odd_interface_names, setup, env_teardown),
                cmocka_unit_test_setup_teardown(table, setup, env_teardown),
                cmocka_unit_test_setup_teardown(detail, setup, env_teardown),
                cmocka_unit_test(json_port),
                cmocka_unit_test_setup_teardown(holders, setup, env_teardown),
                cmocka_unit_test_setup_teardown(json_xml_same_facts, setup, env_teardown),
        };
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        xmlCleanupParser();
        return r;
}
