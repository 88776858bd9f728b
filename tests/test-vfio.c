/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sriov_vfio_bind/unbind against a fixture tree: the refusals that come
 * before any write (no device, no IOMMU group, vfio-pci not loaded, a
 * group shared with a bound device, a netdev with uppers) leave every file
 * untouched; with everything in place the writes go where the kernel wants
 * them, and since fixture files are plain files no driver ever binds: the
 * bounded wait times out and the rollback clears driver_override. */
#include "testutil.h"

#include <errno.h>

#include "fxenv.h"
#include "internal.h"

#define VF "0000:02:10.0" /* igbvf, IOMMU group 11, netdev enp2s0f0v0 */

static int setup(void **state)
{
        struct env *e = env_open("vfio");
        /* the kernel's write-only files, as plain files */
        if (!e || fx_write(e->root, "bus/pci/devices/" VF "/driver_override", "(null)\n") < 0 ||
            fx_write(e->root, "bus/pci/drivers/igbvf/unbind", "%s", "") < 0 ||
            fx_write(e->root, "bus/pci/drivers_probe", "%s", "") < 0 ||
            fx_mkdir_p(e->root, "bus/pci/drivers/vfio-pci") < 0 ||
            fx_write(e->root, "bus/pci/drivers/vfio-pci/unbind", "%s", "") < 0) {
                env_close(e);
                return -1;
        }
        *state = e;
        return 0;
}


static char *read_attr(struct env *e, const char *path)
{
        char *s = NULL;
        assert_int_equal(sysfs_read_all(e->ctx, path, &s), 0);
        return s;
}

static void assert_file(struct env *e, const char *path, const char *want)
{
        char *s = read_attr(e, path);
        if (strcmp(s, want) != 0)
                fail_msg("%s: expected \"%s\", got \"%s\"", path, want, s);
        free(s);
}

static void assert_untouched(struct env *e)
{
        assert_file(e, "bus/pci/devices/" VF "/driver_override", "(null)\n");
        assert_file(e, "bus/pci/drivers/igbvf/unbind", "");
        assert_file(e, "bus/pci/drivers_probe", "");
}

static void no_device(void **state)
{
        struct env *e = *state;
        struct sriov_vfio_binding b = {.iommu_group = 77};
        assert_int_equal(sriov_vfio_bind(e->ctx, "0000:7f:1f.7", 10, &b), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "no PCI device 0000:7f:1f.7");
        assert_int_equal(b.iommu_group, 77); /* out-param untouched */
        assert_int_equal(sriov_vfio_bind(e->ctx, "eth0", 10, &b), -EINVAL);
        assert_contains(sriov_ctx_error(e->ctx), "'eth0' is not a PCI address");
        /* short form, canonicalised */
        assert_int_equal(sriov_vfio_unbind(e->ctx, "7f:1f.7", NULL, 10, NULL), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "0000:7f:1f.7");
}

static void no_iommu_group(void **state)
{
        struct env *e = *state;
        char p[256];
        snprintf(p, sizeof(p), "%s/bus/pci/devices/" VF "/iommu_group", e->root);
        assert_int_equal(unlink(p), 0);
        struct sriov_vfio_binding b;
        assert_int_equal(sriov_vfio_bind(e->ctx, VF, 10, &b), -ENXIO);
        assert_contains(sriov_ctx_error(e->ctx), VF " has no IOMMU group");
        assert_contains(sriov_ctx_error(e->ctx), "intel_iommu=on");
        assert_untouched(e);
}

static void vfio_not_loaded(void **state)
{
        struct env *e = *state;
        char p[256];
        snprintf(p, sizeof(p), "%s/bus/pci/drivers/vfio-pci", e->root);
        assert_int_equal(fx_rm_rf(p), 0);
        struct sriov_vfio_binding b;
        assert_int_equal(sriov_vfio_bind(e->ctx, VF, 10, &b), -ENOENT);
        assert_contains(sriov_ctx_error(e->ctx), "vfio-pci is not loaded");
        assert_contains(sriov_ctx_error(e->ctx), "modprobe vfio-pci");
        assert_untouched(e);
}

static void shared_group(void **state)
{
        struct env *e = *state;
        /* the PF (igb) joins the VF's group 11 */
        assert_int_equal(fx_symlink(e->root, "kernel/iommu_groups/11/devices/0000:02:00.0",
                                    "bus/pci/devices/0000:02:00.0"), 0);
        /* a function on vfio-pci is fine */
        assert_int_equal(fx_symlink(e->root, "kernel/iommu_groups/11/devices/0000:02:10.2",
                                    "bus/pci/devices/0000:02:10.2"), 0);
        assert_int_equal(fx_symlink(e->root, "bus/pci/devices/0000:02:10.2/driver",
                                    "bus/pci/drivers/vfio-pci"), 0);
        struct sriov_vfio_binding b;
        assert_int_equal(sriov_vfio_bind(e->ctx, VF, 10, &b), -EBUSY);
        assert_contains(sriov_ctx_error(e->ctx), "IOMMU group 11 of " VF " also holds 0000:02:00.0 (igb)");
        assert_not_contains(sriov_ctx_error(e->ctx), "0000:02:10.2 (");
        assert_untouched(e);
}

static void netdev_upper(void **state)
{
        struct env *e = *state;
        assert_int_equal(fx_symlink_raw(e->root, "bus/pci/devices/" VF "/net/enp2s0f0v0/upper_macvtap3",
                                        "../../../../virtual/net/macvtap3"), 0);
        struct sriov_vfio_binding b;
        assert_int_equal(sriov_vfio_bind(e->ctx, VF, 10, &b), -EBUSY);
        assert_contains(sriov_ctx_error(e->ctx), "enp2s0f0v0 has upper devices (macvtap3)");
        assert_untouched(e);
}

static void writes_then_rollback(void **state)
{
        struct env *e = *state;
        struct sriov_vfio_binding b = {.iommu_group = 77};
        assert_int_equal(sriov_vfio_bind(e->ctx, VF, 30, &b), -ETIMEDOUT);
        assert_contains(sriov_ctx_error(e->ctx), "not bound to vfio-pci within 30 ms");
        assert_contains(sriov_ctx_error(e->ctx), "bound to igbvf");
        assert_int_equal(b.iommu_group, 77);
        /* unbound from igbvf, probed, then (rollback: igbvf still bound in
         * the fixture) driver_override cleared with "\n" over "vfio-pci" */
        assert_file(e, "bus/pci/drivers/igbvf/unbind", VF);
        assert_file(e, "bus/pci/drivers_probe", VF);
        char *o = read_attr(e, "bus/pci/devices/" VF "/driver_override");
        assert_int_equal(o[0], '\n');
        assert_string_equal(o + 1, "fio-pci"); /* "vfio-pci" was there first */
        free(o);
}

static void unbind_refusals(void **state)
{
        struct env *e = *state;
        char *d = NULL;
        /* on igbvf already: nothing to do but clear the override */
        assert_int_equal(sriov_vfio_unbind(e->ctx, VF, "igbvf", 10, &d), 0);
        assert_string_equal(d, "igbvf");
        free(d);
        assert_int_equal(sriov_vfio_unbind(e->ctx, VF, "ixgbevf", 10, NULL), -EBUSY);
        assert_contains(sriov_ctx_error(e->ctx), "bound to igbvf, not to vfio-pci (nor ixgbevf): left alone");
        assert_int_equal(sriov_vfio_unbind(e->ctx, VF, "vfio-pci", 10, NULL), -EINVAL);
        /* on vfio-pci, giving it to a driver that is not loaded */
        assert_int_equal(fx_symlink(e->root, "bus/pci/devices/" VF "/driver", "bus/pci/drivers/vfio-pci"), 0);
        assert_int_equal(sriov_vfio_unbind(e->ctx, VF, "nosuchdrv", 10, NULL), -ENOENT);
        assert_contains(sriov_ctx_error(e->ctx), "driver nosuchdrv is not loaded");
        assert_file(e, "bus/pci/drivers/vfio-pci/unbind", "");
        /* to igbvf: override names it, unbind from vfio-pci, probe, no
         * driver appears in a fixture: -ETIMEDOUT, override cleared */
        assert_int_equal(sriov_vfio_unbind(e->ctx, VF, "igbvf", 30, NULL), -ETIMEDOUT);
        assert_contains(sriov_ctx_error(e->ctx), "igbvf did not bind it within 30 ms");
        assert_file(e, "bus/pci/drivers/vfio-pci/unbind", VF);
        assert_file(e, "bus/pci/drivers_probe", VF);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(no_device, setup, env_teardown),
                cmocka_unit_test_setup_teardown(no_iommu_group, setup, env_teardown),
                cmocka_unit_test_setup_teardown(vfio_not_loaded, setup, env_teardown),
                cmocka_unit_test_setup_teardown(shared_group, setup, env_teardown),
                cmocka_unit_test_setup_teardown(netdev_upper, setup, env_teardown),
                cmocka_unit_test_setup_teardown(writes_then_rollback, setup, env_teardown),
                cmocka_unit_test_setup_teardown(unbind_refusals, setup, env_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
