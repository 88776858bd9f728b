/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The desired state (desired.c): the file format, every refusal naming
 * FILE:LINE, the word and the rule; loading a directory in name order;
 * which entry describes a PF of a fixture tree; which PF a uevent's device
 * path concerns (uevent.c); and the PF-level part of a reconcile pass
 * (autoprobe, numvfs) against the fixture's plain files. */
#include "testutil.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fxenv.h"
#include "internal.h"

#define PF_DIR "devices/pci0000:00/0000:00:03.0/0000:02:00.0"
#define VF2_DIR "devices/pci0000:00/0000:00:03.0/0000:02:10.4" /* vf 2 (offset 128, stride 2) */

static int setup(void **state)
{
        return (*state = env_open("desired")) ? 0 : -1;
}


static struct sriov_desired *parse_ok(struct env *e, const char *text)
{
        struct sriov_desired *d = NULL;
        int r = sriov_desired_parse_text(e->ctx, "t.conf", text, &d);
        if (r < 0)
                fail_msg("parse failed (%d): %s", r, sriov_ctx_error(e->ctx));
        return d;
}

/* Parsing fails with -EINVAL and a message containing every needle. */
static void parse_bad(struct env *e, const char *text, const char *a, const char *b, const char *c)
{
        struct sriov_desired *d = (struct sriov_desired *)0x1;
        int r = sriov_desired_parse_text(e->ctx, "t.conf", text, &d);
        if (r != -EINVAL)
                fail_msg("expected -EINVAL for \"%s\", got %d", text, r);
        assert_ptr_equal(d, (struct sriov_desired *)0x1); /* untouched */
        const char *msg = sriov_ctx_error(e->ctx);
        assert_contains(msg, a);
        if (b)
                assert_contains(msg, b);
        if (c)
                assert_contains(msg, c);
}

static void test_parse(void **state)
{
        struct env *e = *state;
        struct sriov_desired *d = parse_ok(e, "# comment\n"
                                              "\n"
                                              "pf 02:00.0 numvfs 7 autoprobe off   # short address\n"
                                              "vf 3 mac 02:00:00:00:00:03 vlan 10 qos 2 spoofchk on trust off max-rate 100\n"
                                              "vf 0 vlan 5 proto 802.1ad state disable min-rate 1\n"
                                              "vf 1 port-profile gold instance 6ba7b810-9dad-11d1-80b4-00c04fd430c8\n"
                                              "pf device netdevsim1 numvfs 64\n"
                                              "pf mac 52:54:00:00:10:0A\n"
                                              "vf 9 trust on\n"
                                              "pf name enp3s0 autoprobe on\n");
        assert_int_equal(d->n_pfs, 4);
        const struct sriov_desired_pf *p = &d->pfs[0];
        assert_int_equal(p->key, SRIOV_PF_KEY_ADDRESS);
        assert_string_equal(p->id, "0000:02:00.0");
        assert_int_equal(p->numvfs, 7);
        assert_int_equal(p->autoprobe, 0);
        assert_string_equal(p->origin, "t.conf:3");
        assert_int_equal(p->n_vfs, 3);
        /* ascending VF order whatever the file's order */
        assert_int_equal(p->vfs[0].vf, 0);
        assert_int_equal(p->vfs[1].vf, 1);
        assert_int_equal(p->vfs[2].vf, 3);
        assert_string_equal(p->vfs[2].origin, "t.conf:4");
        const struct sriov_vf_config *c = &p->vfs[2].config;
        assert_true(c->set & SRIOV_VF_MAC);
        assert_int_equal(c->mac[5], 3);
        assert_int_equal(c->vlan, 10);
        assert_int_equal(c->qos, 2);
        assert_true(c->spoofchk);
        assert_false(c->trust);
        assert_int_equal(c->max_tx_rate, 100);
        assert_int_equal(p->vfs[0].config.vlan_proto, SRIOV_ETH_P_8021AD);
        assert_int_equal(p->vfs[0].config.link_state, SRIOV_LINK_DISABLE);
        assert_true(p->vfs[1].has_port);
        assert_int_equal(p->vfs[1].config.set, 0);
        assert_string_equal(p->vfs[1].port.profile, "gold");
        assert_int_equal(p->vfs[1].port.request, SRIOV_PORT_ASSOCIATE);
        assert_int_equal(d->pfs[1].key, SRIOV_PF_KEY_DEVICE);
        assert_string_equal(d->pfs[1].id, "netdevsim1");
        assert_int_equal(d->pfs[1].autoprobe, -1);
        assert_int_equal(d->pfs[2].key, SRIOV_PF_KEY_MAC);
        assert_string_equal(d->pfs[2].id, "52:54:00:00:10:0a");
        assert_int_equal(d->pfs[2].numvfs, SRIOV_ABSENT);
        assert_int_equal(d->pfs[2].n_vfs, 1);
        assert_int_equal(d->pfs[3].key, SRIOV_PF_KEY_NAME);
        assert_int_equal(d->pfs[3].autoprobe, 1);

        /* show renders what parses back to the same */
        char *text = NULL, *again = NULL;
        assert_int_equal(sriov_desired_render(d, &text), 0);
        assert_contains(text, "pf 0000:02:00.0 numvfs 7 autoprobe off\n");
        assert_contains(text, "vf 3 mac 02:00:00:00:00:03 vlan 10 qos 2 spoofchk on trust off max-rate 100\n");
        assert_contains(text, "vf 0 vlan 5 qos 0 proto 802.1ad state disable min-rate 1\n");
        assert_contains(text, "pf device netdevsim1 numvfs 64\n");
        struct sriov_desired *d2 = parse_ok(e, text);
        assert_int_equal(sriov_desired_render(d2, &again), 0);
        /* only the origin comments differ */
        assert_int_equal(d2->n_pfs, 4);
        assert_int_equal(d2->pfs[0].n_vfs, 3);
        assert_contains(again, "vf 1 port-profile gold instance 6ba7b810-9dad-11d1-80b4-00c04fd430c8\n");
        free(text);
        free(again);
        sriov_desired_free(d2);
        sriov_desired_free(d);
}

/* The desired state's VF lines take ip-link(8)'s spellings too, and
 * render in ours. */
static void test_ip_link_words(void **state)
{
        struct env *e = *state;
        struct sriov_desired *d = parse_ok(e, "pf 0000:02:00.0 numvfs 4\n"
                                              "vf 0 max_tx_rate 100 min_tx_rate 10 query_rss on spoofchk off\n"
                                              "vf 1 rate 50 trust on state auto\n");
        const struct sriov_desired_pf *p = &d->pfs[0];
        assert_int_equal(p->n_vfs, 2);
        const struct sriov_vf_config *c = &p->vfs[0].config;
        assert_int_equal(c->set, SRIOV_VF_MAX_RATE | SRIOV_VF_MIN_RATE | SRIOV_VF_QUERY_RSS | SRIOV_VF_SPOOFCHK);
        assert_int_equal(c->max_tx_rate, 100);
        assert_int_equal(c->min_tx_rate, 10);
        assert_true(c->query_rss);
        assert_int_equal(p->vfs[1].config.max_tx_rate, 50);
        char *text = NULL;
        assert_int_equal(sriov_desired_render(d, &text), 0);
        assert_contains(text, "vf 0 spoofchk off min-rate 10 max-rate 100 query-rss on\n");
        free(text);
        sriov_desired_free(d);
        parse_bad(e, "pf 0000:02:00.0\nvf 0 max-rate 1 max_tx_rate 2\n", "t.conf:2:", "max-rate is given twice",
                  "max-rate and max_tx_rate");
        parse_bad(e, "pf 0000:02:00.0\nvf 0 query_rss maybe\n", "t.conf:2:", "query_rss 'maybe'", "on or off");
}

static void test_refusals(void **state)
{
        struct env *e = *state;
        parse_bad(e, "vf 0 mac 02:00:00:00:00:01\n", "t.conf:1:", "belongs to a pf line", NULL);
        parse_bad(e, "pf 0000:02:00.0\n\nvf 0 mac 02:00:00:00:00:01\nbogus\n", "t.conf:4:", "unknown word 'bogus'",
                  NULL);
        parse_bad(e, "pf eth0 numvfs 2\n", "t.conf:1:", "pf 'eth0'", "name IFNAME");
        parse_bad(e, "pf 0000:02:00.0 numvfs 2\npf 02:00.0\n", "t.conf:2:", "already described at t.conf:1",
                  NULL);
        parse_bad(e, "pf 0000:02:00.0 numvfs 2\nvf 2 trust on\n", "t.conf:2:", "vf 2: beyond numvfs 2",
                  "0-1");
        parse_bad(e, "pf 0000:02:00.0\nvf 1 trust on\nvf 1 spoofchk off\n", "t.conf:3:",
                  "already described at t.conf:2", NULL);
        parse_bad(e, "pf 0000:02:00.0 numvfs many\n", "t.conf:1:", "numvfs 'many'", "0-65535");
        parse_bad(e, "pf 0000:02:00.0 numvfs 70000\n", "t.conf:1:", "numvfs '70000'", NULL);
        parse_bad(e, "pf 0000:02:00.0 numvfs 1 numvfs 2\n", "t.conf:1:", "numvfs is given twice", NULL);
        parse_bad(e, "pf 0000:02:00.0 autoprobe yes\n", "t.conf:1:", "autoprobe 'yes'", "on or off");
        parse_bad(e, "pf 0000:02:00.0 mac 02:00:00:00:00:01\n", "t.conf:1:", "unknown word 'mac'", "vf N");
        parse_bad(e, "pf mac ff:ff:ff:ff:ff:ff\n", "t.conf:1:", "unicast", NULL);
        parse_bad(e, "pf mac 02:00:00\n", "t.conf:1:", "malformed MAC", NULL);
        parse_bad(e, "pf name this-name-is-too-long\n", "t.conf:1:", "1-15 characters", NULL);
        parse_bad(e, "pf device a/b\n", "t.conf:1:", "no '/'", NULL);
        parse_bad(e, "pf\n", "t.conf:1:", "missing the PF", NULL);
        parse_bad(e, "pf 0000:02:00.0\nvf x mac 02:00:00:00:00:01\n", "t.conf:2:", "vf 'x'", NULL);
        parse_bad(e, "pf 0000:02:00.0\nvf 0\n", "t.conf:2:", "nothing to set", NULL);
        /* the `set` grammar's own rules, with FILE:LINE in front */
        parse_bad(e, "pf 0000:02:00.0\nvf 0 vlan 4096\n", "t.conf:2:", "vlan '4096'", "0-4095");
        parse_bad(e, "pf 0000:02:00.0\nvf 0 mac 01:00:00:00:00:01\n", "t.conf:2:", "multicast", NULL);
        parse_bad(e, "pf 0000:02:00.0\nvf 0 qos 3\n", "t.conf:2:", "qos comes after vlan", NULL);
        parse_bad(e, "pf 0000:02:00.0\nvf 0 colour blue\n", "t.conf:2:", "unknown word 'colour'", NULL);
        parse_bad(e, "pf 0000:02:00.0\nvf 0 min-rate 200 max-rate 100\n", "t.conf:2:", "min", NULL);
        parse_bad(e, "pf 0000:02:00.0\nvf 0 trust on trust off\n", "t.conf:2:", "trust is given twice", NULL);
        /* port profiles */
        parse_bad(e, "pf 0000:02:00.0\nvf 0 instance 6ba7b810-9dad-11d1-80b4-00c04fd430c8\n", "t.conf:2:",
                  "instance belongs to a port-profile", NULL);
        parse_bad(e, "pf 0000:02:00.0\nvf 0 port-profile gold instance nope\n", "t.conf:2:", "vf 0", "instance");
        parse_bad(e, "pf 0000:02:00.0\nvf 0 port-profile a port-profile b\n", "t.conf:2:",
                  "port-profile is given twice", NULL);
        parse_bad(e, "pf 0000:02:00.0\nvf 0 port-profile\n", "t.conf:2:", "port-profile needs a value", NULL);
        parse_bad(e, "pf 0000:02:00.0\nvf 0 port-profile 0123456789012345678901234567890123456789\n", "t.conf:2:",
                  "vf 0", "39");
}

static void test_load_dir(void **state)
{
        struct env *e = *state;
        char dir[4096], other[4096];
        snprintf(dir, sizeof(dir), "%s/conf", e->root);
        assert_int_equal(fx_write(e->root, "conf/20-b.conf", "pf device netdevsim1 numvfs 3\n"), 0);
        assert_int_equal(fx_write(e->root, "conf/10-a.conf", "pf 0000:02:00.0 numvfs 4\nvf 0 trust on\n"), 0);
        assert_int_equal(fx_write(e->root, "conf/30-c.conf.disabled", "garbage\n"), 0);
        assert_int_equal(fx_write(e->root, "conf/.hidden.conf", "garbage\n"), 0);
        struct sriov_desired *d = NULL;
        assert_int_equal(sriov_desired_load(e->ctx, dir, &d), 0);
        assert_int_equal(d->n_pfs, 2);
        assert_string_equal(d->pfs[0].id, "0000:02:00.0"); /* 10-a before 20-b */
        assert_string_equal(d->pfs[1].id, "netdevsim1");
        assert_int_equal(strv_count(d->files), 2);
        assert_contains(d->pfs[1].origin, "conf/20-b.conf:1");
        sriov_desired_free(d);

        /* a vf line does not reach into the next file; duplicates across files */
        assert_int_equal(fx_write(e->root, "conf/25-d.conf", "vf 1 trust on\n"), 0);
        assert_int_equal(sriov_desired_load(e->ctx, dir, &d), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "25-d.conf:1: vf: a vf line belongs to a pf line");
        assert_int_equal(fx_write(e->root, "conf/25-d.conf", "# again\npf 02:00.0\n"), 0);
        assert_int_equal(sriov_desired_load(e->ctx, dir, &d), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "25-d.conf:2: pf 0000:02:00.0 is already described at");
        assert_contains(sriov_ctx_error(e->ctx), "10-a.conf:1");

        snprintf(other, sizeof(other), "%s/no-such-dir", e->root);
        assert_int_equal(sriov_desired_load(e->ctx, other, &d), -ENOENT);
        assert_contains(sriov_ctx_error(e->ctx), "no-such-dir");
        /* an empty directory: no desired state, not an error */
        assert_int_equal(fx_mkdir_p(e->root, "empty"), 0);
        snprintf(other, sizeof(other), "%s/empty", e->root);
        assert_int_equal(sriov_desired_load(e->ctx, other, &d), 0);
        assert_int_equal(d->n_pfs, 0);
        sriov_desired_free(d);
}

/* Symbolic links out of the config dir are refused; a file that is not
 * configuration never has its text in an error. */
static void test_load_links(void **state)
{
        struct env *e = *state;
        char dir[4096], link[4096], target[4096];
        snprintf(dir, sizeof(dir), "%s/conf", e->root);
        assert_int_equal(fx_write(e->root, "secret", "root:$6$s3cr3t:19000:0:99999:7:::\n"), 0);
        assert_int_equal(fx_write(e->root, "conf/10-a.conf", "pf 0000:02:00.0 numvfs 4\n"), 0);
        assert_int_equal(fx_write(e->root, "conf/parts/b.txt", "pf device netdevsim1 numvfs 3\n"), 0);
        /* a link inside the directory is fine */
        snprintf(link, sizeof(link), "%s/20-b.conf", dir);
        assert_int_equal(symlink("parts/b.txt", link), 0);
        struct sriov_desired *d = NULL;
        assert_int_equal(sriov_desired_load(e->ctx, dir, &d), 0);
        assert_int_equal(d->n_pfs, 2);
        sriov_desired_free(d);
        /* one out of it is not read, and says where it points */
        snprintf(link, sizeof(link), "%s/30-s.conf", dir);
        snprintf(target, sizeof(target), "%s/secret", e->root);
        assert_int_equal(symlink(target, link), 0);
        assert_int_equal(sriov_desired_load(e->ctx, dir, &d), -EPERM);
        assert_contains(sriov_ctx_error(e->ctx), "30-s.conf: a symbolic link to ");
        assert_contains(sriov_ctx_error(e->ctx), "/secret, outside the config directory ");
        assert_not_contains(sriov_ctx_error(e->ctx), "s3cr3t");
        unlink(link);
        assert_int_equal(symlink("../secret", link), 0); /* relative, the same */
        assert_int_equal(sriov_desired_load(e->ctx, dir, &d), -EPERM);
        assert_contains(sriov_ctx_error(e->ctx), "outside the config directory");
        unlink(link);
        /* a copy of a file that is not configuration: its text is not shown */
        assert_int_equal(fx_write(e->root, "conf/30-s.conf", "root:$6$s3cr3t:19000:0:99999:7:::\n"), 0);
        assert_int_equal(sriov_desired_load(e->ctx, dir, &d), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "30-s.conf:1: not a configuration file");
        assert_not_contains(sriov_ctx_error(e->ctx), "s3cr3t");
        /* a FIFO is refused, not waited on */
        unlink(strcat(strcpy(target, dir), "/30-s.conf"));
        assert_int_equal(mkfifo(target, 0600), 0);
        assert_int_equal(sriov_desired_load(e->ctx, dir, &d), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "30-s.conf: not a regular file");
}

static void test_find(void **state)
{
        struct env *e = *state;
        const struct sriov_desired_pf *p;
        /* the fixture's netdev addresses: 02:00:xx from the name's hash */
        char *mac = NULL;
        assert_int_equal(sysfs_read_line(e->ctx, "class/net/enp2s0f0/address", &mac), 0);
        char text[512];
        snprintf(text, sizeof(text), "pf device netdevsim1\npf mac %s numvfs 2\npf name eno1\n", mac);
        struct sriov_desired *d = parse_ok(e, text);
        assert_int_equal(sriov_desired_find(e->ctx, d, PF_DIR, &p), 0);
        assert_int_equal(p->key, SRIOV_PF_KEY_MAC);
        assert_int_equal(sriov_desired_find(e->ctx, d, "bus/pci/devices/0000:02:00.0", &p), 0);
        assert_int_equal(p->key, SRIOV_PF_KEY_MAC);
        assert_int_equal(sriov_desired_find(e->ctx, d, "devices/netdevsim1", &p), 0);
        assert_string_equal(p->id, "netdevsim1");
        assert_int_equal(sriov_desired_find(e->ctx, d, "devices/pci0000:00/0000:00:1c.0/0000:03:00.0", &p), 0);
        assert_string_equal(p->id, "eno1");
        assert_int_equal(sriov_desired_find(e->ctx, d, VF2_DIR, &p), -ENOENT);
        sriov_desired_free(d);

        /* one PF described by two names: refused when it is looked up */
        d = parse_ok(e, "pf 0000:02:00.0 numvfs 2\npf name enp2s0f0 numvfs 3\n");
        assert_int_equal(sriov_desired_find(e->ctx, d, PF_DIR, &p), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "described twice: at t.conf:1 (pf 0000:02:00.0) and at t.conf:2 "
                                                 "(pf name enp2s0f0)");
        sriov_desired_free(d);
        free(mac);
}

static void test_uevent_target(void **state)
{
        struct env *e = *state;
        char *pf = NULL;
        int vf = -2;
        assert_int_equal(sriov_uevent_target(e->ctx, "/" PF_DIR, &pf, &vf), 0);
        assert_string_equal(pf, "/" PF_DIR);
        assert_int_equal(vf, -1);
        free(pf);
        assert_int_equal(sriov_uevent_target(e->ctx, "/" VF2_DIR, &pf, &vf), 0);
        assert_string_equal(pf, "/" PF_DIR);
        assert_int_equal(vf, 2);
        free(pf);
        /* netdevs of the PF and of a VF */
        assert_int_equal(sriov_uevent_target(e->ctx, "/" PF_DIR "/net/enp2s0f0", &pf, &vf), 0);
        assert_string_equal(pf, "/" PF_DIR);
        assert_int_equal(vf, -1);
        free(pf);
        assert_int_equal(sriov_uevent_target(e->ctx, "/" VF2_DIR "/net/enp2s0f0v2", &pf, &vf), 0);
        assert_string_equal(pf, "/" PF_DIR);
        assert_int_equal(vf, 2);
        free(pf);
        /* netdevsim's port: the trigger for a non-PCI PF */
        assert_int_equal(sriov_uevent_target(e->ctx, "/devices/netdevsim1/net/eni1np1", &pf, &vf), 0);
        assert_string_equal(pf, "/devices/netdevsim1");
        free(pf);
        pf = NULL;
        /* not ours: a NIC without SR-IOV, a virtual netdev, nothing */
        assert_int_equal(sriov_uevent_target(e->ctx, "/devices/pci0000:00/0000:00:1c.0/0000:03:00.0", &pf, &vf),
                         -ENOENT);
        assert_int_equal(sriov_uevent_target(e->ctx, "/devices/virtual/net/veth0", &pf, &vf), -ENOENT);
        assert_int_equal(sriov_uevent_target(e->ctx, "/devices/gone", &pf, &vf), -ENOENT);
        assert_int_equal(sriov_uevent_target(e->ctx, "/devices/../../etc", &pf, &vf), -ENOENT);
        /* a VF whose add came before the PF's virtfn link (the kernel's order) */
        char link[4096];
        snprintf(link, sizeof(link), "%s/%s/virtfn2", e->root, PF_DIR);
        assert_int_equal(unlink(link), 0);
        assert_int_equal(sriov_uevent_target(e->ctx, "/" VF2_DIR, &pf, &vf), -ENOENT);
        assert_null(pf);
}

static char *attr(struct env *e, const char *path)
{
        char *s = NULL;
        assert_int_equal(sysfs_read_line(e->ctx, path, &s), 0);
        return s;
}

/* The fixture's attribute at path reads want. */
static void assert_attr(struct env *e, const char *path, const char *want)
{
        char *s = attr(e, path);
        assert_string_equal(s, want);
        free(s);
}

static void test_reconcile_pf_level(void **state)
{
        struct env *e = *state;
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_drivers_autoprobe", "1\n"), 0);
        struct sriov_desired *d = parse_ok(e, "pf 0000:02:00.0 numvfs 3 autoprobe off\n");
        struct sriov_reconcile_result res;
        struct sriov_reconcile_options o = {.only_vf = -1};
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "enp2s0f0", &o, &res), 0);
        assert_true(res.desired);
        assert_string_equal(res.pf, "0000:02:00.0");
        assert_string_equal(res.ifname, "enp2s0f0");
        /* autoprobe before the VFs are made */
        assert_int_equal(strv_count(res.actions), 2);
        assert_string_equal(res.actions[0], "autoprobe on -> off");
        assert_string_equal(res.actions[1], "numvfs 7 -> 3");
        assert_int_equal(strv_count(res.pending), 0);
        sriov_reconcile_result_done(&res);
        assert_attr(e, PF_DIR "/sriov_numvfs", "3");
        assert_attr(e, PF_DIR "/sriov_drivers_autoprobe", "0");
        /* a replay changes nothing; also named by devpath and address */
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "/" PF_DIR, &o, &res), 0);
        assert_int_equal(strv_count(res.actions), 0);
        sriov_reconcile_result_done(&res);
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "02:00.0", &o, &res), 0);
        assert_int_equal(strv_count(res.actions), 0);
        sriov_reconcile_result_done(&res);
        sriov_desired_free(d);

        /* more than TotalVFs: refused before writing */
        d = parse_ok(e, "pf 0000:02:00.0 numvfs 9\n");
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "0000:02:00.0", &o, &res), -ERANGE);
        assert_contains(sriov_ctx_error(e->ctx), "numvfs 9 is above the PF's sriov_totalvfs 8");
        assert_attr(e, PF_DIR "/sriov_numvfs", "3");
        sriov_desired_free(d);

        /* a PF the desired state does not describe is left alone */
        d = parse_ok(e, "pf device netdevsim1 numvfs 4\n");
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "0000:02:00.0", &o, &res), 0);
        assert_false(res.desired);
        assert_null(res.actions);
        sriov_reconcile_result_done(&res);
        /* netdevsim1, by its bus device name; its driver link dangles in the
         * fixture: no driver, so the VF count waits for a bind */
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "netdevsim1", &o, &res), 0);
        assert_true(res.desired);
        assert_int_equal(strv_count(res.actions), 0);
        assert_string_equal(res.pending[0], "numvfs 4: no driver bound to it yet");
        sriov_reconcile_result_done(&res);
        assert_int_equal(fx_mkdir_p(e->root, "bus/netdevsim/drivers/netdevsim"), 0);
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "netdevsim1", &o, &res), 0);
        assert_int_equal(strv_count(res.pending), 0);
        assert_string_equal(res.actions[0], "numvfs 2 -> 4");
        sriov_reconcile_result_done(&res);
        /* settings only (a PF's change event): the count is left alone */
        assert_int_equal(fx_write(e->root, "devices/netdevsim1/sriov_numvfs", "1\n"), 0);
        o.settings_only = true;
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "netdevsim1", &o, &res), 0);
        assert_int_equal(strv_count(res.actions), 0);
        o.settings_only = false;
        sriov_reconcile_result_done(&res);
        /* not PFs */
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "eno1", &o, &res), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "not an SR-IOV physical function");
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "nothing0", &o, &res), -ENODEV);
        sriov_desired_free(d);
}

/* Two guests hold VFs 3 and 4 of 0000:02:00.0 (7 VFs), a third one's
 * attach of VF 1 never finished: what a record in STATE/allocations.json
 * says, as attach writes it. */
static void write_allocations(struct env *e)
{
        assert_int_equal(fx_mkdir_p(e->root, "state"), 0);
        assert_int_equal(
                fx_write(e->root, "state/allocations.json",
                         "{\"allocations\":["
                         "{\"domain\":\"g3\",\"uuid\":\"c7a5fdbd-edaf-9455-926a-d65c16db1803\",\"interface\":0,"
                         "\"kind\":\"hostdev\",\"mac\":\"52:54:00:00:00:03\",\"pf\":\"0000:02:00.0\",\"vf\":3,"
                         "\"vf_address\":\"0000:02:10.6\",\"pf_ifname\":\"enp2s0f0\",\"vfio_driver\":\"igbvf\","
                         "\"config\":\"mac 52:54:00:00:00:03\"},"
                         "{\"domain\":\"g4\",\"interface\":1,\"kind\":\"vf-direct\",\"mac\":\"52:54:00:00:00:04\","
                         "\"pf\":\"0000:02:00.0\",\"vf\":4,\"pf_ifname\":\"enp2s0f0\"},"
                         "{\"domain\":\"g1\",\"interface\":0,\"kind\":\"hostdev\",\"mac\":\"52:54:00:00:00:01\","
                         "\"pf\":\"0000:02:00.0\",\"vf\":1,\"pf_ifname\":\"enp2s0f0\",\"pending\":true}]}\n"),
                0);
}

static void test_reconcile_guests_first(void **state)
{
        struct env *e = *state;
        write_allocations(e);
        struct sriov_reconcile_result res;
        struct sriov_reconcile_options o = {.only_vf = -1};
        /* lower than a held VF: refused before anything changes, naming
         * the PF, each VF and its guest */
        struct sriov_desired *d = parse_ok(e, "pf 0000:02:00.0 numvfs 3\n");
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "enp2s0f0", &o, &res), -EADDRINUSE);
        const char *msg = sriov_ctx_error(e->ctx);
        assert_contains(msg, "0000:02:00.0: numvfs 7 -> 3 refused: guests hold VFs it would remove");
        assert_contains(msg, "VF 3 (0000:02:10.6) of domain 'g3' (uuid c7a5fdbd-edaf-9455-926a-d65c16db1803)");
        assert_contains(msg, "VF 4 of domain 'g4' (interface #2, vf-direct)");
        assert_null(strstr(msg, "'g1'")); /* VF 1 stays */
        assert_attr(e, PF_DIR "/sriov_numvfs", "7");
        sriov_desired_free(d);
        /* 0 removes every VF, the pending one too */
        d = parse_ok(e, "pf 0000:02:00.0 numvfs 0\n");
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "0000:02:00.0", &o, &res), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx), "VF 1 of domain 'g1' (interface #1, hostdev, attach unfinished)");
        sriov_desired_free(d);
        /* autoprobe decides the drivers of re-created VFs: refused too */
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_drivers_autoprobe", "1\n"), 0);
        d = parse_ok(e, "pf 0000:02:00.0 autoprobe off\n");
        assert_int_equal(sriov_reconcile_pf(e->ctx, d, "0000:02:00.0", &o, &res), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx), "0000:02:00.0: autoprobe on -> off refused");
        assert_attr(e, PF_DIR "/sriov_drivers_autoprobe", "1");
        sriov_desired_free(d);
        /* down to the highest held VF + 1 is allowed (the fixture takes the
         * write; the VF settings that follow need the kernel: not here) */
        d = parse_ok(e, "pf 0000:02:00.0 numvfs 5\n");
        assert_int_not_equal(sriov_reconcile_pf(e->ctx, d, "0000:02:00.0", &o, &res), -EADDRINUSE);
        assert_attr(e, PF_DIR "/sriov_numvfs", "5");
        sriov_desired_free(d);
        /* a change event (settings only) never touches the count */
        d = parse_ok(e, "pf 0000:02:00.0 numvfs 2\n");
        o.settings_only = true;
        assert_int_not_equal(sriov_reconcile_pf(e->ctx, d, "0000:02:00.0", &o, &res), -EADDRINUSE);
        assert_attr(e, PF_DIR "/sriov_numvfs", "5");
        sriov_desired_free(d);
}

/* What an administrator runs (set, apply, restore) never touches a
 * guest's VF: refused before anything is sent. */
static void test_admin_refused_on_guests_vfs(void **state)
{
        struct env *e = *state;
        write_allocations(e);
        struct sriov_vf_config cfg = {.set = SRIOV_VF_MAC, .mac = {2, 0, 0, 0, 0, 9}};
        assert_int_equal(sriov_admin_vf_set(e->ctx, "enp2s0f0", 3, &cfg), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx), "enp2s0f0 vf 3: a change refused: VF 3 (0000:02:10.6) of domain 'g3'");
        /* the pending one too: its attach is running, or is rolled back by the next */
        assert_int_equal(sriov_admin_vf_set(e->ctx, "0000:02:00.0", 1, &cfg), -EADDRINUSE);
        struct sriov_vf_request reqs[2] = {{.device = "enp2s0f0", .vf = 2, .config = cfg},
                                           {.device = "enp2s0f0", .vf = 4, .config = cfg, .origin = "vfs.conf:2"}};
        assert_int_equal(sriov_admin_vf_apply(e->ctx, reqs, 2), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx), "vfs.conf:2: enp2s0f0 vf 4: a change refused: VF 4 of domain 'g4'");
        /* the held VFs are read per run of lines for one device: a held VF
         * after a change of device (and a spelling of the same PF) still counts */
        struct sriov_vf_request mixed[3] = {
                {.device = "enp2s0f0", .vf = 2, .config = cfg, .origin = "vfs.conf:1"},
                {.device = "0000:02:00.0", .vf = 2, .config = cfg, .origin = "vfs.conf:2"},
                {.device = "0000:02:00.0", .vf = 3, .config = cfg, .origin = "vfs.conf:3"}};
        assert_int_equal(sriov_admin_vf_apply(e->ctx, mixed, 3), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx),
                        "vfs.conf:3: 0000:02:00.0 vf 3: a change refused: VF 3 (0000:02:10.6) of domain 'g3'");
        assert_int_equal(sriov_admin_vf_restore(e->ctx, "enp2s0f0", 4, NULL), -EADDRINUSE);
        assert_contains(sriov_ctx_error(e->ctx), "enp2s0f0 vf 4: restore refused");
        /* a VF no guest holds gets as far as the kernel (not here) */
        assert_int_not_equal(sriov_admin_vf_set(e->ctx, "enp2s0f0", 2, &cfg), -EADDRINUSE);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_parse, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_ip_link_words, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_refusals, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_load_dir, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_load_links, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_find, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_uevent_target, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_reconcile_pf_level, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_reconcile_guests_first, setup, env_teardown),
                cmocka_unit_test_setup_teardown(test_admin_refused_on_guests_vfs, setup, env_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
