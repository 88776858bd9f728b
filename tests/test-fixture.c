/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fixture builder lays trees out the way sysfs does: the exact link
 * texts, links that resolve, and the bench tree discovered without
 * warnings. */
#include "testutil.h"

#include <errno.h>
#include <limits.h>

#include "fixture.h"
#include "internal.h"

static char *root;

static int setup(void **state)
{
        (void)state;
        root = fx_tmpdir("fixture");
        return root && fx_tree_standard(root) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
        (void)state;
        int r = fx_rm_rf(root);
        free(root);
        return r;
}

static void assert_link(const char *path, const char *text)
{
        char full[PATH_MAX], buf[PATH_MAX];
        snprintf(full, sizeof(full), "%s/%s", root, path);
        ssize_t n = readlink(full, buf, sizeof(buf) - 1);
        if (n < 0)
                fail_msg("readlink %s: %s", full, strerror(errno));
        buf[n] = 0;
        assert_string_equal(buf, text);
        /* and the kernel resolves it inside the tree */
        struct stat st;
        if (stat(full, &st) < 0)
                fail_msg("%s -> %s does not resolve: %s", path, text, strerror(errno));
}

#define PF "devices/pci0000:00/0000:00:03.0/0000:02:00.0"
#define VF0 "devices/pci0000:00/0000:00:03.0/0000:02:10.0"

static void link_texts(void **state)
{
        (void)state;
        assert_link("bus/pci/devices/0000:02:00.0", "../../../" PF);
        assert_link("bus/pci/devices/0000:02:11.4", "../../../devices/pci0000:00/0000:00:03.0/0000:02:11.4");
        assert_link(PF "/virtfn0", "../0000:02:10.0");
        assert_link(PF "/virtfn6", "../0000:02:11.4");
        assert_link(VF0 "/physfn", "../0000:02:00.0");
        assert_link(PF "/driver", "../../../../bus/pci/drivers/igb");
        assert_link(VF0 "/driver", "../../../../bus/pci/drivers/igbvf");
        assert_link(PF "/iommu_group", "../../../../kernel/iommu_groups/10");
        assert_link(PF "/subsystem", "../../../../bus/pci");
}

static void link_texts_more(void **state)
{
        (void)state;
        assert_link("bus/pci/drivers/igb/0000:02:00.0", "../../../../" PF);
        assert_link("kernel/iommu_groups/11/devices/0000:02:10.0", "../../../../" VF0);
        assert_link("class/net/enp2s0f0", "../../" PF "/net/enp2s0f0");
        assert_link(PF "/net/enp2s0f0/device", "../../../0000:02:00.0");
        assert_link(PF "/net/enp2s0f0/subsystem", "../../../../../../class/net");
        assert_link("class/net/veth0", "../../devices/virtual/net/veth0");
        assert_link("bus/netdevsim/devices/netdevsim1", "../../../devices/netdevsim1");
        assert_link("devices/netdevsim1/subsystem", "../../bus/netdevsim");
        assert_link("class/net/eni1np1", "../../devices/netdevsim1/net/eni1np1");
        assert_link("devices/netdevsim1/net/eni1np1/device", "../../../netdevsim1");
        /* a bridge without a group has no iommu_group link */
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/devices/pci0000:00/0000:00:03.0/iommu_group", root);
        assert_int_equal(access(p, F_OK), -1);
}

static void attribute_files(void **state)
{
        (void)state;
        static const struct {
                const char *path, *text;
        } files[] = {
                {PF "/sriov_totalvfs", "8\n"},     {PF "/sriov_numvfs", "7\n"},
                {PF "/sriov_offset", "128\n"},     {PF "/sriov_stride", "2\n"},
                {PF "/sriov_vf_device", "10ca\n"}, {PF "/sriov_drivers_autoprobe", "1\n"},
                {PF "/vendor", "0x8086\n"},        {PF "/device", "0x10c9\n"},
                {PF "/class", "0x020000\n"},       {VF0 "/device", "0x10ca\n"},
                {PF "/net/enp2s0f0/type", "1\n"},  {"devices/virtual/net/lo/type", "772\n"},
        };
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                char p[PATH_MAX];
                snprintf(p, sizeof(p), "%s/%s", root, files[i].path);
                char *t = slurp(p, NULL);
                if (!t)
                        fail_msg("%s: %s", p, strerror(errno));
                assert_string_equal(t, files[i].text);
                free(t);
        }
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/devices/virtual/net/veth0/uevent", root);
        char *t = slurp(p, NULL);
        assert_non_null(t);
        assert_contains(t, "DEVTYPE=veth\n");
        free(t);
        /* config: 4096 bytes, SR-IOV capability at 0x160 */
        size_t len = 0;
        snprintf(p, sizeof(p), "%s/" PF "/config", root);
        t = slurp(p, &len);
        assert_non_null(t);
        assert_int_equal(len, 4096);
        struct sriov_iov_cap c;
        assert_int_equal(sriov_iov_cap_parse((uint8_t *)t, len, &c, NULL, 0), 0);
        assert_int_equal(c.position, 0x160);
        assert_int_equal(c.first_vf_offset, 128);
        free(t);
        /* the bridge: header type 1, buses 02-02 */
        snprintf(p, sizeof(p), "%s/devices/pci0000:00/0000:00:03.0/config", root);
        t = slurp(p, &len);
        assert_non_null(t);
        assert_int_equal((uint8_t)t[0x0e], 1);
        assert_int_equal((uint8_t)t[0x19], 2);
        assert_int_equal((uint8_t)t[0x1a], 2);
        free(t);
}

static void symlink_relative_paths(void **state)
{
        (void)state;
        assert_int_equal(fx_mkdir_p(root, "a/x/y"), 0);
        assert_int_equal(fx_mkdir_p(root, "a/b/c"), 0);
        assert_int_equal(fx_symlink(root, "a/b/c/link", "a/x/y"), 0);
        assert_link("a/b/c/link", "../../x/y");
        assert_int_equal(fx_symlink(root, "toplink", "a/x/y"), 0);
        assert_link("toplink", "a/x/y");
        assert_int_equal(fx_symlink(root, "a/b/sib", "a/b/c"), 0);
        assert_link("a/b/sib", "c");
        /* replaces an existing link */
        assert_int_equal(fx_symlink(root, "a/b/sib", "a/x"), 0);
        assert_link("a/b/sib", "../x");
        /* to an ancestor: up past it and name it, as sysfs does */
        assert_int_equal(fx_symlink(root, "a/b/c/up", "a/b"), 0);
        assert_link("a/b/c/up", "../../b");
}

/* The bench tree: VFs that cross into the PF's second bus, no warnings. */
static void scale_tree(void **state)
{
        (void)state;
        char *dir = fx_tmpdir("scale");
        assert_non_null(dir);
        assert_int_equal(fx_tree_scale(dir, 2, 252), 0);
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        assert_int_equal(sriov_ctx_set_sysfs_root(ctx, dir), 0);
        struct sriov_inventory *inv;
        assert_int_equal(sriov_inventory_scan(ctx, &inv), 0);
        assert_int_equal(inv->n_pfs, 2);
        assert_string_equal(inv->pfs[1].address, "0000:12:00.0");
        for (size_t i = 0; i < inv->n_pfs; i++) {
                const struct sriov_pf *pf = &inv->pfs[i];
                print_strv("warning", pf->warnings);
                assert_int_equal(strv_count(pf->warnings), 0);
                assert_true(pf->has_cap);
                assert_int_equal(pf->n_vfs, 252);
                assert_string_equal(pf->driver, "ice");
                assert_string_equal(pf->vfs[251].driver, "iavf");
                for (size_t j = 0; j < pf->n_vfs; j++)
                        assert_string_equal(pf->vfs[j].address, pf->vfs[j].expected);
        }
        /* VF 248 is the first on the second bus: 0x1000 + 8 + 248 = 0x1100 */
        assert_string_equal(inv->pfs[0].vfs[247].address, "0000:10:1f.7");
        assert_string_equal(inv->pfs[0].vfs[248].address, "0000:11:00.0");
        assert_int_equal(inv->n_lowers, 0);
        sriov_inventory_free(inv);
        sriov_ctx_free(ctx);
        assert_int_equal(fx_tree_scale(dir, 65, 1), -ERANGE);
        assert_int_equal(fx_rm_rf(dir), 0);
        assert_int_equal(access(dir, F_OK), -1);
        free(dir);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(link_texts),      cmocka_unit_test(link_texts_more),
                cmocka_unit_test(attribute_files), cmocka_unit_test(symlink_relative_paths),
                cmocka_unit_test(scale_tree),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
