/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* devlink over generic netlink, on the kernel's own answers: recordings
 * from the rig (tests/devlink/NAME.rec: kernel 6.1, netdevsim, igb, NVMe)
 * replayed through the context's transport. The protocol (eswitch get and
 * set, the port dump, the kernel's errnos and extended acks), the replay
 * itself, the parsers' policy on messages built in memory, and the
 * inventory's eswitch modes and representors over fixture trees, as text,
 * JSON and XML. */
#include "testutil.h"

#include <errno.h>
#include <json-c/json.h>
#include <linux/devlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "devlink.h"
#include "fxenv.h"
#include "genl.h"
#include "internal.h"
#include "render.h"
#include "sriov-libvirt.h"

#define REC(name) SRIOV_SOURCE_DIR "/tests/devlink/" name ".rec"

/* Fails unless some line of text starts with `label` and then, after
 * blanks only, has `value` (an aligned table's row). */
static void assert_row(const char *text, const char *label, const char *value)
{
        size_t l = strlen(label);
        for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                if (strncmp(p, label, l) != 0 || p[l] != ' ')
                        continue;
                const char *v = p + l + strspn(p + l, " ");
                if (strncmp(v, value, strlen(value)) == 0)
                        return;
        }
        fail_msg("no row \"%s ... %s\" in \"%s\"", label, value, text);
}

static struct sriov_ctx *replay_ctx(const char *const *files)
{
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        int r = genl_replay_load(ctx, files);
        if (r < 0)
                fail_msg("replay: %s", sriov_ctx_error(ctx));
        return ctx;
}

/* ---- the protocol, replayed -------------------------------------------- */

static void test_eswitch_get(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = replay_ctx((const char *[]){REC("legacy"), NULL});
        struct devlink_eswitch e;
        assert_int_equal(devlink_eswitch_get(ctx, "netdevsim", "netdevsim1", &e), 0);
        /* netdevsim has eswitch_mode_get only */
        assert_int_equal(e.present, DEVLINK_ESW_F_MODE);
        assert_int_equal(e.mode, DEVLINK_ESWITCH_MODE_LEGACY);
        sriov_ctx_free(ctx);

        ctx = replay_ctx((const char *[]){REC("switchdev"), NULL});
        assert_int_equal(devlink_eswitch_get(ctx, "netdevsim", "netdevsim1", &e), 0);
        assert_int_equal(e.mode, DEVLINK_ESWITCH_MODE_SWITCHDEV);
        /* the family is looked up once per context */
        assert_int_equal(devlink_eswitch_get(ctx, "netdevsim", "netdevsim1", &e), 0);
        assert_int_equal(genl_requests(ctx), 3);
        sriov_ctx_free(ctx);
}

static void test_port_dump(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = replay_ctx((const char *[]){REC("switchdev"), NULL});
        struct devlink_port *p;
        size_t n;
        assert_int_equal(devlink_port_dump(ctx, &p, &n), 0);
        assert_int_equal(n, 5); /* every device's ports: 6.1 does not filter a dump */
        assert_string_equal(p[0].bus, "netdevsim");
        assert_string_equal(p[0].dev, "netdevsim1");
        assert_int_equal(p[0].index, 0);
        assert_int_equal(p[0].flavour, DEVLINK_PORT_FLAVOUR_PHYSICAL);
        assert_true(p[0].present & DEVLINK_PORT_F_NUMBER);
        assert_int_equal(p[0].number, 1);
        assert_string_equal(p[0].netdev, "eth0");
        for (unsigned vf = 0; vf < 2; vf++) {
                const struct devlink_port *v = &p[1 + vf];
                assert_string_equal(v->dev, "netdevsim1");
                assert_int_equal(v->index, 128 + vf);
                assert_int_equal(v->flavour, DEVLINK_PORT_FLAVOUR_PCI_VF);
                assert_true((v->present & (DEVLINK_PORT_F_PF | DEVLINK_PORT_F_VF | DEVLINK_PORT_F_NETDEV |
                                           DEVLINK_PORT_F_CONTROLLER)) ==
                            (DEVLINK_PORT_F_PF | DEVLINK_PORT_F_VF | DEVLINK_PORT_F_NETDEV | DEVLINK_PORT_F_CONTROLLER));
                assert_int_equal(v->pf, 0);
                assert_int_equal(v->vf, vf);
                assert_int_equal(v->controller, 0);
                assert_false(v->external);
                assert_int_equal(v->ifindex, 5 + vf);
                assert_string_equal(v->netdev, vf ? "eth4" : "eth3");
                assert_string_equal(devlink_flavour_name(v->flavour), "pcivf");
        }
        assert_string_equal(p[3].dev, "netdevsim2");
        assert_string_equal(p[4].netdev, "eth2");
        devlink_ports_free(p, n);
        sriov_ctx_free(ctx);

        /* legacy: physical ports only */
        ctx = replay_ctx((const char *[]){REC("legacy"), NULL});
        assert_int_equal(devlink_port_dump(ctx, &p, &n), 0);
        assert_int_equal(n, 3);
        for (size_t i = 0; i < n; i++)
                assert_int_equal(p[i].flavour, DEVLINK_PORT_FLAVOUR_PHYSICAL);
        devlink_ports_free(p, n);
        sriov_ctx_free(ctx);
}

/* The kernel's errnos come through as they are, with its extended ack. */
static void test_kernel_errors(void **state)
{
        (void)state;
        struct devlink_eswitch e;
        struct sriov_ctx *ctx = replay_ctx((const char *[]){REC("no-devlink"), NULL});
        assert_int_equal(devlink_eswitch_get(ctx, "pci", "0000:02:00.0", &e), -ENODEV);
        assert_contains(sriov_ctx_error(ctx), "devlink pci/0000:02:00.0: eswitch: No such device");
        ctx_clear_error(ctx);
        assert_int_equal(devlink_eswitch_get(ctx, "pci", "0000:01:00.0", &e), -ENODEV);
        sriov_ctx_free(ctx);

        ctx = replay_ctx((const char *[]){REC("eopnotsupp"), NULL});
        const struct devlink_eswitch inl = {.present = DEVLINK_ESW_F_INLINE,
                                            .inline_mode = DEVLINK_ESWITCH_INLINE_MODE_TRANSPORT};
        assert_int_equal(devlink_eswitch_set(ctx, "netdevsim", "netdevsim1", &inl), -EOPNOTSUPP);
        sriov_ctx_free(ctx);

        ctx = replay_ctx((const char *[]){REC("erange"), NULL});
        assert_int_equal(devlink_eswitch_set_mode(ctx, "netdevsim", "netdevsim1", 2), -ERANGE);
        assert_contains(sriov_ctx_error(ctx), "devlink netdevsim/netdevsim1: eswitch set: ");
        assert_contains(sriov_ctx_error(ctx), "(integer out of range)");
        sriov_ctx_free(ctx);

        ctx = replay_ctx((const char *[]){REC("eperm"), NULL});
        assert_int_equal(devlink_eswitch_get(ctx, "netdevsim", "netdevsim1", &e), -EPERM);
        sriov_ctx_free(ctx);

        ctx = replay_ctx((const char *[]){REC("no-eswitch"), NULL});
        assert_int_equal(devlink_eswitch_get(ctx, "pci", "0000:02:00.0", &e), -EOPNOTSUPP);
        sriov_ctx_free(ctx);
}

static void test_set_mode(void **state)
{
        (void)state;
        struct env *e = env_open("devlink-set");
        assert_non_null(e);
        assert_int_equal(genl_replay_load(e->ctx, (const char *[]){REC("set"), NULL}), 0);
        struct sriov_pf *pf;
        assert_int_equal(sriov_inventory_find(e->ctx, env_scan(e), "netdevsim1", &pf), 0);
        assert_int_equal(sriov_eswitch_set_mode(e->ctx, pf, SRIOV_ESWITCH_LEGACY), 0);
        assert_int_equal(sriov_eswitch_set_mode(e->ctx, pf, SRIOV_ESWITCH_SWITCHDEV), 0);
        assert_int_equal(genl_requests(e->ctx), 3);
        /* refused before any request */
        assert_int_equal(sriov_eswitch_set_mode(e->ctx, pf, (enum sriov_eswitch_mode)2), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "neither legacy (0) nor switchdev (1)");
        assert_int_equal(genl_requests(e->ctx), 3);
        env_close(e);
}

/* ---- the replay itself ----------------------------------------------------- */

static void test_replay_strict(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = replay_ctx((const char *[]){REC("legacy"), NULL});
        struct devlink_eswitch e;
        /* a request nobody recorded is not answered, and no socket is opened */
        assert_int_equal(devlink_eswitch_get(ctx, "netdevsim", "netdevsim2", &e), -ENOMSG);
        assert_contains(sriov_ctx_error(ctx), "no recorded answer");
        sriov_ctx_free(ctx);

        char *dir = fx_tmpdir("devlink-rec");
        assert_non_null(dir);
        assert_int_equal(fx_write(dir, "bad.rec", "# a comment\n> 0015 0005 1d01\n< 12345\n"), 0);
        char path[4096];
        snprintf(path, sizeof(path), "%s/bad.rec", dir);
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        assert_int_equal(genl_replay_load(ctx, (const char *[]){path, NULL}), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "bad.rec line 3");
        sriov_ctx_free(ctx);
        assert_int_equal(fx_write(dir, "orphan.rec", "< 00\n"), 0);
        snprintf(path, sizeof(path), "%s/orphan.rec", dir);
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        assert_int_equal(genl_replay_load(ctx, (const char *[]){path, NULL}), -EINVAL);
        assert_contains(sriov_ctx_error(ctx), "orphan.rec line 1");
        sriov_ctx_free(ctx);
        /* an answer without its ack */
        assert_int_equal(fx_write(dir, "cut.rec", "> 0010 0005 030100000c0002006465766c696e6b00\n"), 0);
        snprintf(path, sizeof(path), "%s/cut.rec", dir);
        ctx = replay_ctx((const char *[]){path, NULL});
        uint16_t id;
        assert_int_equal(genl_family(ctx, "devlink", &id), -EBADMSG);
        sriov_ctx_free(ctx);
        /* a dump that the kernel stopped says so in its NLMSG_DONE */
        assert_int_equal(fx_write(dir, "stopped.rec", "> 0015 0305 05010000\n"
                                                      "< 14000000030002000000000000000000a6ffffff\n"), 0);
        snprintf(path, sizeof(path), "%s/stopped.rec", dir);
        ctx = replay_ctx((const char *[]){path, REC("legacy"), NULL});
        struct devlink_port *p;
        size_t n;
        assert_int_equal(devlink_port_dump(ctx, &p, &n), -EMSGSIZE);
        assert_contains(sriov_ctx_error(ctx), "devlink */*: port dump: generic netlink: the dump stopped");
        sriov_ctx_free(ctx);
        fx_rm_rf(dir);
        free(dir);
}

/* What is recorded replays as it was answered: a recording made of a
 * replay is the same exchange. */
static void test_record_replayed(void **state)
{
        (void)state;
        struct sriov_ctx *ctx = replay_ctx((const char *[]){REC("switchdev"), NULL});
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        assert_int_equal(genl_record(ctx, f), 0);
        struct devlink_eswitch e;
        assert_int_equal(devlink_eswitch_get(ctx, "netdevsim", "netdevsim1", &e), 0);
        fclose(f);
        assert_contains(text, "> 0010 0005 030100000c0002006465766c696e6b00\n");
        assert_contains(text, "> 0015 0005 1d0100000e0001006e657464657673696d0000000f0002006e657464657673696d310000\n");
        free(text);
        sriov_ctx_free(ctx);
}

/* ---- the parsers' policy, on messages built in memory ----------------------- */

enum bad { GOOD, NO_MODE, SHORT_MODE, NO_HANDLE, UNTERMINATED_NETDEV, LONG_NETDEV };

static struct nl_msg *reply(uint8_t cmd, enum bad bad)
{
        struct nl_msg *m = genl_request_new(0x15, cmd, 0);
        assert_non_null(m);
        if (bad != NO_HANDLE) {
                assert_int_equal(nla_put_string(m, DEVLINK_ATTR_BUS_NAME, "pci"), 0);
                assert_int_equal(nla_put_string(m, DEVLINK_ATTR_DEV_NAME, "0000:02:00.0"), 0);
        }
        if (cmd == DEVLINK_CMD_ESWITCH_GET) {
                uint16_t mode = DEVLINK_ESWITCH_MODE_SWITCHDEV;
                if (bad != NO_MODE)
                        assert_int_equal(nla_put(m, DEVLINK_ATTR_ESWITCH_MODE, bad == SHORT_MODE ? 1 : 2, &mode), 0);
                assert_int_equal(nla_put_u8(m, DEVLINK_ATTR_ESWITCH_INLINE_MODE, DEVLINK_ESWITCH_INLINE_MODE_TRANSPORT), 0);
                assert_int_equal(nla_put_u8(m, DEVLINK_ATTR_ESWITCH_ENCAP_MODE, DEVLINK_ESWITCH_ENCAP_MODE_BASIC), 0);
        } else {
                assert_int_equal(nla_put_u32(m, DEVLINK_ATTR_PORT_INDEX, 7), 0);
                assert_int_equal(nla_put_u16(m, DEVLINK_ATTR_PORT_FLAVOUR, DEVLINK_PORT_FLAVOUR_PCI_VF), 0);
                assert_int_equal(nla_put_u16(m, DEVLINK_ATTR_PORT_PCI_PF_NUMBER, 1), 0);
                assert_int_equal(nla_put_u16(m, DEVLINK_ATTR_PORT_PCI_VF_NUMBER, 3), 0);
                assert_int_equal(nla_put_u8(m, DEVLINK_ATTR_PORT_EXTERNAL, 1), 0);
                assert_int_equal(nla_put_u32(m, DEVLINK_ATTR_PORT_NETDEV_IFINDEX, 42), 0);
                if (bad == UNTERMINATED_NETDEV)
                        assert_int_equal(nla_put(m, DEVLINK_ATTR_PORT_NETDEV_NAME, 4, "rep3"), 0);
                else if (bad == LONG_NETDEV)
                        assert_int_equal(nla_put_string(m, DEVLINK_ATTR_PORT_NETDEV_NAME, "a-name-of-sixteen"), 0);
                else
                        assert_int_equal(nla_put_string(m, DEVLINK_ATTR_PORT_NETDEV_NAME, "enp2s0f0npf1vf3"), 0);
        }
        return m;
}

static void test_parse_policy(void **state)
{
        (void)state;
        struct nl_msg *m = reply(DEVLINK_CMD_ESWITCH_GET, GOOD);
        struct devlink_eswitch e;
        assert_int_equal(devlink_eswitch_parse(nlmsg_hdr(m), &e), 0);
        nlmsg_free(m);
        assert_int_equal(e.present, DEVLINK_ESW_F_MODE | DEVLINK_ESW_F_INLINE | DEVLINK_ESW_F_ENCAP);
        assert_string_equal(devlink_inline_mode_name(e.inline_mode), "transport");
        assert_string_equal(devlink_encap_mode_name(e.encap_mode), "basic");
        /* devlink without eswitch ops answers with the handle alone */
        m = reply(DEVLINK_CMD_ESWITCH_GET, NO_MODE);
        assert_int_equal(devlink_eswitch_parse(nlmsg_hdr(m), &e), 0);
        nlmsg_free(m);
        assert_false(e.present & DEVLINK_ESW_F_MODE);

        struct devlink_port p;
        m = reply(DEVLINK_CMD_PORT_GET, GOOD);
        assert_int_equal(devlink_port_parse(nlmsg_hdr(m), &p), 0);
        nlmsg_free(m);
        assert_int_equal(p.pf, 1);
        assert_int_equal(p.vf, 3);
        assert_true(p.external);
        assert_string_equal(p.netdev, "enp2s0f0npf1vf3");
        free(p.bus);
        free(p.dev);

        static const struct {
                uint8_t cmd;
                enum bad bad;
        } refused[] = {{DEVLINK_CMD_ESWITCH_GET, SHORT_MODE},
                       {DEVLINK_CMD_ESWITCH_GET, NO_HANDLE},
                       {DEVLINK_CMD_PORT_GET, NO_HANDLE},
                       {DEVLINK_CMD_PORT_GET, UNTERMINATED_NETDEV},
                       {DEVLINK_CMD_PORT_GET, LONG_NETDEV}};
        for (size_t i = 0; i < ELEMENTSOF(refused); i++) {
                m = reply(refused[i].cmd, refused[i].bad);
                int r = refused[i].cmd == DEVLINK_CMD_PORT_GET ? devlink_port_parse(nlmsg_hdr(m), &p)
                                                                : devlink_eswitch_parse(nlmsg_hdr(m), &e);
                if (r != -EBADMSG)
                        fail_msg("case %zu: %d, not refused", i, r);
                nlmsg_free(m);
        }
}

/* ---- the inventory ----------------------------------------------------------- */

/* The standard tree (igb PF 0000:02:00.0, netdevsim1 with 2 VFs) with
 * netdevsim1's representors as the recording saw them: eth3 (ifindex 5,
 * pf0vf0) and eth4 (ifindex 6, pf0vf1) under the device. */
static int tree_switchdev(const char *root)
{
        int r = fx_tree_standard(root);
        if (r < 0)
                return r;
        static const char *const names[] = {"eth3", "eth4"};
        for (unsigned i = 0; i < 2 && r == 0; i++) {
                char p[128];
                r = fx_netdev(root, "devices/netdevsim1", names[i], NULL, 1);
                snprintf(p, sizeof(p), "devices/netdevsim1/net/%s/ifindex", names[i]);
                if (r == 0)
                        r = fx_write(root, p, "%u\n", 5 + i);
                snprintf(p, sizeof(p), "devices/netdevsim1/net/%s/phys_port_name", names[i]);
                if (r == 0)
                        r = fx_write(root, p, "pf0vf%u\n", i);
        }
        return r;
}

static struct env *open_replayed(const char *tag, int (*tree)(const char *), const char *const *files)
{
        struct env *e = env_open_tree(tag, tree);
        assert_non_null(e);
        int r = genl_replay_load(e->ctx, files);
        if (r < 0)
                fail_msg("replay: %s", sriov_ctx_error(e->ctx));
        env_scan(e);
        return e;
}

static struct sriov_pf *pf_named(struct env *e, const char *name)
{
        struct sriov_pf *pf;
        assert_int_equal(sriov_inventory_find(e->ctx, e->inv, name, &pf), 0);
        return pf;
}

static void test_inventory_switchdev(void **state)
{
        (void)state;
        struct env *e = open_replayed("devlink-sd", tree_switchdev,
                                      (const char *[]){REC("switchdev"), REC("no-devlink"), NULL});
        struct sriov_pf *ns = pf_named(e, "netdevsim1"), *igb = pf_named(e, "0000:02:00.0");
        /* representors sit under the device as the PF's netdev does */
        assert_int_equal(strv_count(ns->netdevs), 3);
        assert_int_equal(sriov_inventory_read_eswitch(e->ctx, e->inv, NULL), 0);
        /* family, one ESWITCH_GET per PF, one port dump */
        assert_int_equal(genl_requests(e->ctx), 4);
        assert_int_equal(igb->eswitch.state, SRIOV_ESWITCH_NO_DEVLINK);
        assert_int_equal(igb->eswitch.error, ENODEV);
        assert_string_equal(igb->eswitch.devlink, "pci/0000:02:00.0");
        assert_string_equal(sriov_eswitch_mode_name(&igb->eswitch), "no-devlink");
        for (size_t i = 0; i < igb->n_vfs; i++)
                assert_null(igb->vfs[i].representor);
        assert_int_equal(ns->eswitch.state, SRIOV_ESWITCH_READ);
        assert_string_equal(sriov_eswitch_mode_name(&ns->eswitch), "switchdev");
        assert_string_equal(ns->eswitch.devlink, "netdevsim/netdevsim1");
        assert_int_equal(ns->n_vfs, 2);
        for (unsigned i = 0; i < 2; i++) {
                const struct sriov_vf *vf = &ns->vfs[i];
                assert_string_equal(vf->representor, i ? "eth4" : "eth3");
                assert_true(vf->port.present);
                assert_int_equal(vf->port.index, 128 + i);
                assert_int_equal(vf->port.vf, i);
                assert_string_equal(vf->port.phys_port_name, i ? "pf0vf1" : "pf0vf0");
        }
        /* the representors are the eswitch's ports, not the PF's netdevs */
        assert_int_equal(strv_count(ns->netdevs), 1);
        assert_string_equal(ns->netdevs[0], "eni1np1");
        print_strv("warning", ns->warnings);
        assert_int_equal(strv_count(ns->warnings), 0);

        /* JSON */
        char *text;
        assert_int_equal(sriov_render_json(e->inv, NULL, &text), 0);
        json_object *doc = json_tokener_parse(text);
        free(text);
        assert_non_null(doc);
        json_object *pfs = json_object_object_get(doc, "physical_functions");
        for (size_t i = 0; i < json_object_array_length(pfs); i++) {
                json_object *pf = json_object_array_get_idx(pfs, i);
                const char *addr = json_object_get_string(json_object_object_get(pf, "address"));
                json_object *vfs = json_object_object_get(pf, "vfs");
                json_object *vf0 = json_object_array_get_idx(vfs, 0);
                if (strcmp(addr, "netdevsim1") == 0) {
                        assert_string_equal(json_object_get_string(json_object_object_get(pf, "eswitch_mode")), "switchdev");
                        assert_string_equal(json_object_get_string(json_object_object_get(pf, "devlink")),
                                            "netdevsim/netdevsim1");
                        assert_string_equal(json_object_get_string(json_object_object_get(vf0, "representor")), "eth3");
                        json_object *port = json_object_object_get(vf0, "devlink_port");
                        assert_int_equal(json_object_get_int(json_object_object_get(port, "index")), 128);
                        assert_string_equal(json_object_get_string(json_object_object_get(port, "phys_port_name")),
                                            "pf0vf0");
                } else {
                        assert_string_equal(json_object_get_string(json_object_object_get(pf, "eswitch_mode")), "no-devlink");
                        assert_string_equal(json_object_get_string(json_object_object_get(pf, "eswitch_error")), "ENODEV");
                        assert_true(json_object_object_get_ex(pf, "devlink", NULL));
                        assert_null(json_object_object_get(pf, "devlink"));
                        assert_true(json_object_object_get_ex(vf0, "representor", NULL));
                        assert_null(json_object_object_get(vf0, "representor"));
                }
        }
        json_object_put(doc);

        /* text: a column in list, rows and the representors in show */
        assert_int_equal(sriov_render_table(e->inv, &text), 0);
        assert_contains(text, "ESWITCH");
        assert_contains(text, "no-devlink");
        assert_contains(text, "Representors (eswitch switchdev, devlink netdevsim/netdevsim1):");
        assert_row(text, "    0", "eth3         netdevsim/netdevsim1/128  pf0vf0");
        free(text);
        assert_int_equal(sriov_render_pf_detail(ns, &text), 0);
        assert_row(text, "eswitch", "switchdev");
        assert_row(text, "devlink", "netdevsim/netdevsim1");
        assert_row(text, "  1", "eth4         netdevsim/netdevsim1/129  pf0vf1");
        free(text);
        assert_int_equal(sriov_render_pf_detail(igb, &text), 0);
        assert_contains(text, "none: no devlink instance (ENODEV)");
        assert_not_contains(text, "Representors");
        free(text);

        /* XML */
        assert_int_equal(sriov_render_xml(e->inv, NULL, &text), 0);
        assert_contains(text, "<eswitch mode=\"switchdev\" devlink=\"netdevsim/netdevsim1\"/>");
        assert_contains(text, "<eswitch mode=\"no-devlink\" devlink=\"pci/0000:02:00.0\" error=\"ENODEV\"/>");
        assert_contains(text, "<representor netdev=\"eth3\" port=\"128\" pf=\"0\" vf=\"0\" phys_port_name=\"pf0vf0\"/>");
        free(text);
        env_close(e);
}

static void test_inventory_legacy(void **state)
{
        (void)state;
        struct env *e = open_replayed("devlink-lg", fx_tree_standard,
                                      (const char *[]){REC("legacy"), REC("no-devlink"), NULL});
        assert_int_equal(sriov_inventory_read_eswitch(e->ctx, e->inv, NULL), 0);
        /* no PF in switchdev mode: no port dump */
        assert_int_equal(genl_requests(e->ctx), 3);
        struct sriov_pf *ns = pf_named(e, "netdevsim1");
        assert_string_equal(sriov_eswitch_mode_name(&ns->eswitch), "legacy");
        for (size_t i = 0; i < ns->n_vfs; i++)
                assert_false(ns->vfs[i].port.present);
        char *text;
        assert_int_equal(sriov_render_pf_detail(ns, &text), 0);
        assert_row(text, "eswitch", "legacy");
        assert_not_contains(text, "Representors");
        free(text);
        env_close(e);

        /* show reads only its PF */
        e = open_replayed("devlink-lg1", fx_tree_standard, (const char *[]){REC("legacy"), NULL});
        ns = pf_named(e, "netdevsim1");
        assert_int_equal(sriov_inventory_read_eswitch(e->ctx, e->inv, ns), 0);
        assert_int_equal(genl_requests(e->ctx), 2);
        assert_int_equal(pf_named(e, "0000:02:00.0")->eswitch.state, SRIOV_ESWITCH_UNREAD);
        env_close(e);
}

/* phys_port_name disagrees: said, the representor kept (devlink's port
 * names it); a netdev whose ifindex is not devlink's: said, no representor. */
static int tree_mismatch(const char *root)
{
        int r = tree_switchdev(root);
        if (r == 0)
                r = fx_write(root, "devices/netdevsim1/net/eth4/phys_port_name", "pf0vf7\n");
        if (r == 0)
                r = fx_write(root, "devices/netdevsim1/net/eth3/ifindex", "9\n");
        return r;
}

static void test_inventory_mismatch(void **state)
{
        (void)state;
        struct env *e = open_replayed("devlink-mm", tree_mismatch, (const char *[]){REC("switchdev"), NULL});
        struct sriov_pf *ns = pf_named(e, "netdevsim1");
        assert_int_equal(sriov_inventory_read_eswitch(e->ctx, e->inv, ns), 0);
        print_strv("warning", ns->warnings);
        assert_null(ns->vfs[0].representor);
        assert_true(ns->vfs[0].port.present);
        assert_string_equal(ns->vfs[0].port.netdev, "eth3");
        assert_warning(ns->warnings, "VF 0: devlink port netdevsim/netdevsim1/128 names netdev eth3 (ifindex 5)",
                       "has ifindex 9", NULL);
        assert_string_equal(ns->vfs[1].representor, "eth4");
        assert_warning(ns->warnings, "VF 1: representor eth4", "has phys_port_name 'pf0vf7', not 'pf0vf1'", NULL);
        /* eth3 stays among the PF's netdevs: nothing confirmed it a representor */
        assert_non_null(strv_find3(ns->netdevs, "eth3", NULL, NULL));
        assert_null(strv_find3(ns->netdevs, "eth4", NULL, NULL));
        char *text;
        assert_int_equal(sriov_render_pf_detail(ns, &text), 0);
        assert_row(text, "  0", "-            netdevsim/netdevsim1/128");
        free(text);
        env_close(e);
}

/* The VF numbers name VFs the PF does not have (numvfs 1 in sysfs). */
static int tree_fewer_vfs(const char *root)
{
        int r = tree_switchdev(root);
        return r ? r : fx_write(root, "devices/netdevsim1/sriov_numvfs", "1\n");
}

static void test_inventory_unknown_vf(void **state)
{
        (void)state;
        struct env *e = open_replayed("devlink-uv", tree_fewer_vfs, (const char *[]){REC("switchdev"), NULL});
        struct sriov_pf *ns = pf_named(e, "netdevsim1");
        assert_int_equal(sriov_inventory_read_eswitch(e->ctx, e->inv, ns), 0);
        assert_int_equal(ns->n_vfs, 1);
        assert_string_equal(ns->vfs[0].representor, "eth3");
        assert_warning(ns->warnings, "devlink port netdevsim/netdevsim1/129 is VF 1's", "has no VF 1", NULL);
        env_close(e);
}

static void test_inventory_refusals(void **state)
{
        (void)state;
        /* without CAP_NET_ADMIN: not read, and said once */
        struct env *e = open_replayed("devlink-ep", fx_tree_standard, (const char *[]){REC("eperm"), NULL});
        struct sriov_pf *ns = pf_named(e, "netdevsim1");
        assert_int_equal(sriov_inventory_read_eswitch(e->ctx, e->inv, ns), 0);
        assert_int_equal(ns->eswitch.state, SRIOV_ESWITCH_UNREAD);
        assert_int_equal(ns->eswitch.error, EPERM);
        assert_null(sriov_eswitch_mode_name(&ns->eswitch));
        assert_non_null(strv_find3(sriov_ctx_notices(e->ctx), "CAP_NET_ADMIN", NULL, NULL));
        assert_int_equal(strv_count(ns->warnings), 0);
        char *text;
        assert_int_equal(sriov_render_json(e->inv, ns, &text), 0);
        assert_contains(text, "\"eswitch_mode\": null");
        assert_contains(text, "\"eswitch_error\": \"EPERM\"");
        free(text);
        env_close(e);

        /* devlink without an eswitch */
        e = open_replayed("devlink-ne", fx_tree_standard, (const char *[]){REC("no-eswitch"), NULL});
        struct sriov_pf *igb = pf_named(e, "0000:02:00.0");
        assert_int_equal(sriov_inventory_read_eswitch(e->ctx, e->inv, igb), 0);
        assert_int_equal(igb->eswitch.state, SRIOV_ESWITCH_NO_ESWITCH);
        assert_int_equal(igb->eswitch.error, EOPNOTSUPP);
        assert_int_equal(sriov_render_pf_detail(igb, &text), 0);
        assert_contains(text, "none: devlink, but no eswitch (EOPNOTSUPP)");
        free(text);
        assert_int_equal(sriov_render_json(e->inv, igb, &text), 0);
        assert_contains(text, "\"eswitch_mode\": \"no-eswitch\"");
        assert_contains(text, "\"devlink\": \"pci/0000:02:00.0\"");
        free(text);
        /* anything else is a failure, named in a warning */
        ns = pf_named(e, "netdevsim1");
        assert_int_equal(sriov_inventory_read_eswitch(e->ctx, e->inv, ns), 0);
        assert_int_equal(ns->eswitch.state, SRIOV_ESWITCH_FAILED);
        assert_warning(ns->warnings, "devlink netdevsim/netdevsim1: eswitch", "no recorded answer", NULL);
        env_close(e);

        /* a kernel without devlink: one lookup for all PFs */
        char *dir = fx_tmpdir("devlink-nf");
        assert_non_null(dir);
        /* CTRL_CMD_GETFAMILY devlink answered ENOENT: the ack of a kernel
         * built without devlink (6.18, recorded with sriov-testtool) */
        assert_int_equal(fx_write(dir, "nofamily.rec",
                                  "> 0010 0005 030100000c0002006465766c696e6b00\n"
                                  "< 34000000020000009a53176bdb0ac07dfeffffff20000000100005009a53176bdb0ac07d"
                                  "030100000c0002006465766c696e6b00\n"),
                         0);
        char path[4096];
        snprintf(path, sizeof(path), "%s/nofamily.rec", dir);
        e = open_replayed("devlink-nf2", fx_tree_standard, (const char *[]){path, NULL});
        assert_int_equal(sriov_inventory_read_eswitch(e->ctx, e->inv, NULL), 0);
        assert_int_equal(genl_requests(e->ctx), 1);
        for (size_t i = 0; i < e->inv->n_pfs; i++) {
                assert_int_equal(e->inv->pfs[i].eswitch.state, SRIOV_ESWITCH_NO_DEVLINK);
                assert_int_equal(e->inv->pfs[i].eswitch.error, ENOENT);
        }
        assert_int_equal(sriov_render_pf_detail(pf_named(e, "netdevsim1"), &text), 0);
        assert_contains(text, "none: the kernel has no devlink");
        free(text);
        env_close(e);
        fx_rm_rf(dir);
        free(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_eswitch_get),
                cmocka_unit_test(test_port_dump),
                cmocka_unit_test(test_kernel_errors),
                cmocka_unit_test(test_set_mode),
                cmocka_unit_test(test_replay_strict),
                cmocka_unit_test(test_record_replayed),
                cmocka_unit_test(test_parse_policy),
                cmocka_unit_test(test_inventory_switchdev),
                cmocka_unit_test(test_inventory_legacy),
                cmocka_unit_test(test_inventory_mismatch),
                cmocka_unit_test(test_inventory_unknown_vf),
                cmocka_unit_test(test_inventory_refusals),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
