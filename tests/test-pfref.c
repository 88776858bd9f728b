/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Naming a PF: every name the inventory (`sriovctl list`) shows for a PF
 * is one the commands that change VFs resolve, to the same PF, and the
 * other names it shows are refused saying what they are; and the checks
 * that need no kernel (a VF index beyond sriov_numvfs, one VF named twice
 * in an apply file) come before any netlink request: the context never
 * opens its rtnetlink socket. */
#include "testutil.h"

#include <errno.h>

#include "fxenv.h"
#include "internal.h"
#include "pfref.h"

/* No netlink request was made through the context (nl.c opens its
 * socket on the first one). */
#define assert_no_netlink(ctx) assert_null((ctx)->nl)

static void expect_pf(struct sriov_ctx *ctx, const char *name, const char *want_name, const char *want_ifname)
{
        struct pf_ref ref;
        ctx_clear_error(ctx); /* as a public call starts */
        int r = pf_ref_resolve(ctx, name, &ref);
        if (r < 0)
                fail_msg("%s: %s (%s)", name, strerror(-r), sriov_ctx_error(ctx));
        assert_string_equal(ref.name, want_name);
        assert_string_equal(ref.ifname, want_ifname);
        pf_ref_done(&ref);
        /* udev-event DEVICE: reconciled (not desired: nothing to do) */
        struct sriov_desired none = {0};
        struct sriov_reconcile_result res;
        r = sriov_reconcile_pf(ctx, &none, name, NULL, &res);
        if (r < 0)
                fail_msg("reconcile %s: %s (%s)", name, strerror(-r), sriov_ctx_error(ctx));
        assert_string_equal(res.pf, want_name);
        sriov_reconcile_result_done(&res);
}

static void expect_refused(struct sriov_ctx *ctx, const char *name, const char *why)
{
        struct pf_ref ref;
        ctx_clear_error(ctx);
        assert_int_equal(pf_ref_resolve(ctx, name, &ref), -ENODEV);
        assert_contains(sriov_ctx_error(ctx), name);
        assert_contains(sriov_ctx_error(ctx), why);
        struct sriov_desired none = {0};
        struct sriov_reconcile_result res;
        assert_int_equal(sriov_reconcile_pf(ctx, &none, name, NULL, &res), -ENODEV);
        assert_contains(sriov_ctx_error(ctx), why);
}

/* Each PF of the standard tree (a PCI PF and netdevsim1, a PF with no
 * PCI identity) by each name the inventory lists for it. */
static void test_listed_names_resolve(void **state)
{
        (void)state;
        struct env *e = env_open("pfref");
        assert_non_null(e);
        struct sriov_inventory *inv = env_scan(e);
        assert_int_equal(inv->n_pfs, 2);
        for (size_t i = 0; i < inv->n_pfs; i++) {
                const struct sriov_pf *pf = &inv->pfs[i];
                assert_non_null(pf->netdevs[0]);
                expect_pf(e->ctx, pf->address, pf->address, pf->netdevs[0]);
                for (char **n = pf->netdevs; *n; n++)
                        expect_pf(e->ctx, *n, pf->address, *n);
                /* and what show finds is that PF */
                struct sriov_pf *found;
                assert_int_equal(sriov_inventory_find(e->ctx, inv, pf->address, &found), 0);
                assert_ptr_equal(found, pf);
                /* the names of its VFs say they are VFs */
                for (size_t j = 0; j < pf->n_vfs; j++) {
                        if (pf->vfs[j].address[0])
                                expect_refused(e->ctx, pf->vfs[j].address, "is a VF of");
                        for (char **n = pf->vfs[j].netdevs; n && *n; n++)
                                expect_refused(e->ctx, *n, "is a VF of");
                }
        }
        assert_string_equal(inv->pfs[1].address, "netdevsim1");
        assert_string_equal(inv->pfs[1].bus, "netdevsim");
        /* a short PCI address is the same PF */
        expect_pf(e->ctx, "02:00.0", "0000:02:00.0", "enp2s0f0");
        /* the macvtap lower devices list prints, and names of nothing */
        expect_refused(e->ctx, "eno1", "not an SR-IOV physical function");
        expect_refused(e->ctx, "0000:03:00.0", "has no SR-IOV capability");
        expect_refused(e->ctx, "veth0", "is virtual");
        expect_refused(e->ctx, "nosuch0", "no such PCI device or network interface, nor a device of another bus");
        expect_refused(e->ctx, "0000:7f:00.0", "no such PCI device");
        expect_refused(e->ctx, "a/b", "neither a PCI address");
        /* a bus device without SR-IOV */
        assert_int_equal(fx_write(e->root, "devices/netdevsim2/uevent", "DRIVER=netdevsim\n"), 0);
        assert_int_equal(fx_symlink(e->root, "bus/netdevsim/devices/netdevsim2", "devices/netdevsim2"), 0);
        expect_refused(e->ctx, "netdevsim2", "netdevsim device netdevsim2 has no SR-IOV capability");
        /* netdevsim1 without a netdev: resolved, but nothing to set VFs through */
        env_close(e);
        e = env_open("pfref-nonet");
        assert_non_null(e);
        char path[4096];
        snprintf(path, sizeof(path), "%s/devices/netdevsim1/net", e->root);
        assert_int_equal(fx_rm_rf(path), 0);
        struct pf_ref ref;
        ctx_clear_error(e->ctx);
        assert_int_equal(pf_ref_resolve(e->ctx, "netdevsim1", &ref), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "netdevsim1 has no network interface");
        char *dir = NULL;
        assert_int_equal(pf_dir_resolve(e->ctx, "netdevsim1", &dir, NULL), 0);
        assert_string_equal(dir, "devices/netdevsim1");
        free(dir);
        assert_no_netlink(e->ctx);
        env_close(e);
}

/* A VF index beyond sysfs sriov_numvfs (7 for the PCI PF, 2 for
 * netdevsim1) is refused before netlink, by every call that takes one. */
static void test_vf_range_before_netlink(void **state)
{
        (void)state;
        struct env *e = env_open("pfrange");
        assert_non_null(e);
        struct sriov_vf_config cfg = {.set = SRIOV_VF_TRUST, .trust = true};
        static const char *const names[] = {"enp2s0f0", "0000:02:00.0", "02:00.0"};
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                assert_int_equal(sriov_vf_set(e->ctx, names[i], 99999, &cfg), -ERANGE);
                assert_string_equal(sriov_ctx_error(e->ctx),
                                    "enp2s0f0 vf 99999: VF index out of range: enp2s0f0 has 7 VFs (vf 0-6)");
                assert_int_equal(sriov_admin_vf_set(e->ctx, names[i], 7, &cfg), -ERANGE);
                assert_contains(sriov_ctx_error(e->ctx), "enp2s0f0 vf 7: VF index out of range");
                unsigned restored = 1;
                assert_int_equal(sriov_vf_restore(e->ctx, names[i], 99, &restored), -ERANGE);
                assert_string_equal(sriov_ctx_error(e->ctx),
                                    "enp2s0f0 vf 99: VF index out of range: enp2s0f0 has 7 VFs (vf 0-6)");
                assert_int_equal(restored, 1);
                assert_int_equal(sriov_admin_vf_restore(e->ctx, names[i], 99, &restored), -ERANGE);
                struct sriov_port p;
                assert_int_equal(sriov_port_get(e->ctx, names[i], 8, &p), -ERANGE);
                assert_contains(sriov_ctx_error(e->ctx), "enp2s0f0 vf 8: VF index out of range");
        }
        assert_int_equal(sriov_vf_set(e->ctx, "netdevsim1", 2, &cfg), -ERANGE);
        assert_string_equal(sriov_ctx_error(e->ctx),
                            "eni1np1 vf 2: VF index out of range: eni1np1 has 2 VFs (vf 0-1)");
        assert_int_equal(sriov_vf_restore(e->ctx, "eni1np1", 5, NULL), -ERANGE);
        /* no VFs enabled */
        assert_int_equal(fx_write(e->root, "devices/netdevsim1/sriov_numvfs", "0\n"), 0);
        assert_int_equal(sriov_vf_set(e->ctx, "netdevsim1", 0, &cfg), -ERANGE);
        assert_string_equal(sriov_ctx_error(e->ctx), "eni1np1 vf 0: VF index out of range: eni1np1 has no VFs enabled");
        assert_no_netlink(e->ctx);
        /* a VF index within sriov_numvfs goes on to the kernel (which has
         * no enp2s0f0 here) */
        assert_int_equal(sriov_vf_set(e->ctx, "enp2s0f0", 6, &cfg), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "RTM_GETLINK");
        env_close(e);
}

/* restore of a VF beyond sriov_numvfs that has saved settings (the PF had
 * more VFs then): not refused, its settings are dropped after the kernel
 * is asked. */
static void test_restore_stale_saved(void **state)
{
        (void)state;
        struct env *e = env_open("pfstale");
        assert_non_null(e);
        assert_int_equal(fx_write(e->root, "state/vfs/0000:02:00.0.json",
                                  "{\"pf\":\"0000:02:00.0\",\"vfs\":{\"9\":\"mac 02:00:00:00:00:09\"}}\n"),
                         0);
        char path[4096];
        snprintf(path, sizeof(path), "%s/state", e->root);
        assert_int_equal(chmod(path, 0700), 0);
        snprintf(path, sizeof(path), "%s/state/vfs", e->root);
        assert_int_equal(chmod(path, 0700), 0);
        /* the kernel is asked (and has no enp2s0f0 here) */
        assert_int_equal(sriov_vf_restore(e->ctx, "enp2s0f0", 9, NULL), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "RTM_GETLINK enp2s0f0");
        assert_non_null(e->ctx->nl);
        env_close(e);
}

/* One VF twice in an apply file through two names of its PF: refused
 * before netlink, naming both lines. */
static void test_apply_duplicates_before_netlink(void **state)
{
        (void)state;
        struct env *e = env_open("pfdup");
        assert_non_null(e);
        static const struct {
                const char *text, *error;
        } cases[] = {
                {"enp2s0f0 vf 1 trust on\n# comment\n0000:02:00.0 vf 1 trust off\n",
                 "f.conf:3: 0000:02:00.0 vf 1 is already configured at f.conf:1 (as enp2s0f0 vf 1, the same VF of "
                 "0000:02:00.0): one request per VF"},
                {"02:00.0 vf 0 trust on\nenp2s0f0 vf 3 trust on\neni1np1 vf 1 trust on\nnetdevsim1 vf 1 trust off\n"
                 "enp2s0f0 vf 0 trust off\n",
                 "f.conf:4: netdevsim1 vf 1 is already configured at f.conf:3 (as eni1np1 vf 1, the same VF of "
                 "netdevsim1)"},
                {"enp2s0f0 vf 1 trust on\nenp2s0f0 vf 7 trust on\n",
                 "f.conf:2: enp2s0f0 vf 7: VF index out of range: enp2s0f0 has 7 VFs (vf 0-6)"},
                {"enp2s0f0 vf 1 trust on\nnetdevsim1 vf 2 trust on\n",
                 "f.conf:2: eni1np1 vf 2: VF index out of range: eni1np1 has 2 VFs"},
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct sriov_vf_request *q;
                size_t n;
                assert_int_equal(sriov_apply_parse_text(e->ctx, "f.conf", cases[i].text, &q, &n), 0);
                int r = sriov_admin_vf_apply(e->ctx, q, n);
                assert_true(r == -EBADMSG || r == -ERANGE);
                assert_contains(sriov_ctx_error(e->ctx), cases[i].error);
                sriov_vf_requests_free(q, n);
        }
        /* the same word twice is the parser's to refuse */
        struct sriov_vf_request *q;
        size_t n;
        assert_int_equal(sriov_apply_parse_text(e->ctx, "f.conf", "enp2s0f0 vf 1 trust on\nenp2s0f0 vf 1 trust off\n",
                                                &q, &n),
                         -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "f.conf:2: enp2s0f0 vf 1 is already configured at f.conf:1");
        assert_no_netlink(e->ctx);
        env_close(e);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_listed_names_resolve),
                cmocka_unit_test(test_vf_range_before_netlink),
                cmocka_unit_test(test_restore_stale_saved),
                cmocka_unit_test(test_apply_duplicates_before_netlink),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
