/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Discovery over fixture sysfs trees: the 82576-like PF and its VFs, the
 * macvtap lower devices, netdevsim, broken attribute values, routing-ID and
 * bridge cross-checks, sriov_inventory_find, and the E810 tree from the
 * real-world data. */
#include "testutil.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>

#include "fxenv.h"
#include "internal.h"

#define PF_DIR "devices/pci0000:00/0000:00:03.0/0000:02:00.0"

static int setup_standard(void **state) { return (*state = env_open("discover")) ? 0 : -1; }
static int setup_empty(void **state) { return (*state = env_open_tree("discover", NULL)) ? 0 : -1; }

static struct sriov_pf *pf_by_addr(struct sriov_inventory *inv, const char *addr)
{
        for (size_t i = 0; i < inv->n_pfs; i++)
                if (strcmp(inv->pfs[i].address, addr) == 0)
                        return &inv->pfs[i];
        fail_msg("no PF %s among %zu", addr, inv->n_pfs);
        return NULL;
}

static const struct sriov_netdev *lower(const struct sriov_inventory *inv, const char *name)
{
        for (size_t i = 0; i < inv->n_lowers; i++)
                if (strcmp(inv->lowers[i].name, name) == 0)
                        return &inv->lowers[i];
        return NULL;
}

/* ---- the standard tree --------------------------------------------------- */

static void standard_pf(void **state)
{
        struct env *e = *state;
        struct sriov_inventory *inv = env_scan(e);
        assert_int_equal(inv->n_pfs, 2);
        struct sriov_pf *pf = pf_by_addr(inv, "0000:02:00.0");
        print_strv("warning", pf->warnings);
        assert_int_equal(strv_count(pf->warnings), 0);
        assert_string_equal(pf->bus, "pci");
        assert_true(pf->has_ids);
        assert_int_equal(pf->vendor_id, 0x8086);
        assert_int_equal(pf->device_id, 0x10c9);
        assert_int_equal(pf->class_code, 0x020000);
        assert_string_equal(pf->driver, "igb");
        assert_int_equal(strv_count(pf->netdevs), 1);
        assert_string_equal(pf->netdevs[0], "enp2s0f0");
        assert_int_equal(pf->numa_node, 0);
        assert_int_equal(pf->iommu_group, 10);
        assert_string_equal(pf->link_speed, "2.5 GT/s PCIe");
        assert_int_equal(pf->link_width, 4);
        assert_int_equal(pf->totalvfs, 8);
        assert_int_equal(pf->numvfs, 7);
        assert_int_equal(pf->offset, 128);
        assert_int_equal(pf->stride, 2);
        assert_int_equal(pf->vf_device, 0x10ca);
        assert_int_equal(pf->drivers_autoprobe, 1);
        assert_int_equal(pf->netlink_num_vf, SRIOV_ABSENT);
        /* config space agrees */
        assert_true(pf->has_cap);
        assert_int_equal(pf->cap.position, 0x160);
        assert_int_equal(pf->cap.total_vfs, 8);
        assert_int_equal(pf->cap.num_vfs, 7);
        assert_int_equal(pf->cap.first_vf_offset, 128);
        assert_int_equal(pf->cap.vf_stride, 2);
        assert_int_equal(pf->cap.vf_device_id, 0x10ca);
        assert_int_equal(pf->cap.control, 0x0019);
}

static void standard_vfs(void **state)
{
        struct env *e = *state;
        struct sriov_pf *pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        static const char *const addrs[] = {"0000:02:10.0", "0000:02:10.2", "0000:02:10.4", "0000:02:10.6",
                                            "0000:02:11.0", "0000:02:11.2", "0000:02:11.4"};
        assert_int_equal(pf->n_vfs, 7);
        for (unsigned i = 0; i < 7; i++) {
                const struct sriov_vf *vf = &pf->vfs[i];
                char ifname[32];
                snprintf(ifname, sizeof(ifname), "enp2s0f0v%u", i);
                assert_int_equal(vf->index, i);
                assert_string_equal(vf->address, addrs[i]);
                assert_string_equal(vf->expected, addrs[i]);
                assert_string_equal(vf->driver, "igbvf");
                assert_int_equal(strv_count(vf->netdevs), 1);
                assert_string_equal(vf->netdevs[0], ifname);
                assert_int_equal(vf->iommu_group, 11 + i);
                assert_false(vf->has_link);
        }
}

/* virtfn10 sorts after virtfn9 by number, not by name */
static void many_vfs_sorted(void **state)
{
        struct env *e = *state;
        const char *dir = e->root;
        uint8_t cfg[FX_CFG_SIZE];
        fx_cfg_header(cfg, 0x8086, 0x1563, 0x020000);
        fx_cfg_sriov(cfg, 0x160, &(struct fx_iov){.control = 0x19, .initial_vfs = 64, .total_vfs = 64,
                                                  .num_vfs = 12, .offset = 128, .stride = 2,
                                                  .vf_device = 0x1565});
        struct fx_pci pf = {.addr = "0000:05:00.0", .parent = "pci0000:00/0000:00:02.0", .vendor = 0x8086,
                            .device = 0x1563, .class_code = 0x020000, .driver = "ixgbe",
                            .iommu_group = FX_NONE, .numa_node = FX_NONE, .config = cfg,
                            .config_len = sizeof(cfg)};
        assert_int_equal(fx_sriov_pf(dir, &pf, &(struct fx_sriov){.total = 64, .num = 12, .offset = 128,
                                                                  .stride = 2, .vf_device = 0x1565,
                                                                  .vf_iommu_group = FX_NONE}),
                         0);
        struct sriov_pf *p = pf_by_addr(env_scan(e), "0000:05:00.0");
        assert_int_equal(p->n_vfs, 12);
        for (unsigned i = 0; i < 12; i++)
                assert_int_equal(p->vfs[i].index, i);
        /* X550: PF 05:00.0 -> VFs 05:10.0, 05:10.2 */
        assert_string_equal(p->vfs[0].address, "0000:05:10.0");
        assert_string_equal(p->vfs[1].address, "0000:05:10.2");
        assert_string_equal(p->vfs[11].address, "0000:05:12.6"); /* 0x500 + 128 + 22 */
        assert_null(p->vfs[0].driver);
        assert_int_equal(p->vfs[0].iommu_group, SRIOV_ABSENT);
        assert_int_equal(p->numa_node, SRIOV_ABSENT);
        assert_int_equal(p->iommu_group, SRIOV_ABSENT);
        assert_int_equal(strv_count(p->warnings), 0);
}

static void macvtap_lowers(void **state)
{
        struct env *e = *state;
        struct sriov_inventory *inv = env_scan(e);
        const struct sriov_netdev *l = lower(inv, "eno1");
        assert_non_null(l);
        assert_string_equal(l->kind, "physical");
        assert_string_equal(l->driver, "e1000e");
        assert_string_equal(l->address, "0000:03:00.0");
        l = lower(inv, "veth0");
        assert_non_null(l);
        assert_string_equal(l->kind, "veth");
        assert_null(l->driver);
        assert_null(l->address);
        /* not: loopback (not Ethernet), the PF's and VFs' netdevs, netdevsim's */
        static const char *const not_lowers[] = {"lo", "enp2s0f0", "enp2s0f0v0", "enp2s0f0v6", "eni1np1"};
        for (size_t i = 0; i < ELEMENTSOF(not_lowers); i++)
                if (lower(inv, not_lowers[i]))
                        fail_msg("%s listed as a macvtap lower device", not_lowers[i]);
        assert_int_equal(inv->n_lowers, 2);
        /* macvlan/macvtap devices are not lower devices either */
        assert_int_equal(fx_netdev(e->root, NULL, "macvtap0", "macvtap", 1), 0);
        assert_int_equal(fx_netdev(e->root, NULL, "dummy0", "dummy", 1), 0);
        inv = env_scan(e);
        assert_null(lower(inv, "macvtap0"));
        assert_non_null(lower(inv, "dummy0"));
        assert_string_equal(lower(inv, "dummy0")->kind, "dummy");
}

static void netdevsim_pf(void **state)
{
        struct env *e = *state;
        struct sriov_pf *pf = pf_by_addr(env_scan(e), "netdevsim1");
        assert_string_equal(pf->bus, "netdevsim");
        assert_false(pf->has_ids);
        assert_false(pf->has_cap);
        assert_int_equal(pf->totalvfs, 4);
        assert_int_equal(pf->numvfs, 2);
        assert_int_equal(pf->offset, SRIOV_ABSENT);
        assert_int_equal(pf->stride, SRIOV_ABSENT);
        assert_string_equal(pf->driver, "netdevsim");
        assert_int_equal(strv_count(pf->netdevs), 1);
        assert_string_equal(pf->netdevs[0], "eni1np1");
        assert_int_equal(pf->n_vfs, 2);
        assert_string_equal(pf->vfs[1].address, "");
        assert_string_equal(pf->vfs[1].expected, "");
        assert_int_equal(pf->vfs[1].index, 1);
        assert_int_equal(strv_count(pf->warnings), 0);
}

static void empty_tree(void **state)
{
        struct env *e = *state;
        struct sriov_inventory *inv = env_scan(e);
        assert_int_equal(inv->n_pfs, 0);
        assert_int_equal(inv->n_lowers, 0);
        /* a root that does not exist */
        assert_int_equal(sriov_ctx_set_sysfs_root(e->ctx, "/nonexistent/sriov-sysfs"), -ENOENT);
        assert_contains(sriov_ctx_error(e->ctx), "/nonexistent/sriov-sysfs");
}

/* ---- broken attribute values -------------------------------------------- */

static void broken_values(void **state)
{
        struct env *e = *state;
        static const struct {
                const char *file;
                const char *good;
                size_t field; /* offsetof in struct sriov_pf */
        } attrs[] = {
                {"sriov_totalvfs", "8\n", offsetof(struct sriov_pf, totalvfs)},
                {"sriov_numvfs", "7\n", offsetof(struct sriov_pf, numvfs)},
                {"sriov_offset", "128\n", offsetof(struct sriov_pf, offset)},
                {"sriov_stride", "2\n", offsetof(struct sriov_pf, stride)},
                {"sriov_vf_device", "10ca\n", offsetof(struct sriov_pf, vf_device)},
                {"sriov_drivers_autoprobe", "1\n", offsetof(struct sriov_pf, drivers_autoprobe)},
        };
        static const struct {
                const char *value, *says;
        } bad[] = {
                {"", "empty"},
                {"\n", "empty"},
                {"xyz\n", "'xyz'"},
                {"12xyz\n", "'12xyz'"},
                {" 8\n", "' 8'"},
                {"-1\n", "'-1'"},
                {"-128\n", "'-128'"},
                {"65536\n", "'65536'"},
                {"4294967296\n", "'4294967296'"},
                {"18446744073709551615\n", "'18446744073709551615'"},
                {"18446744073709551616\n", "'18446744073709551616'"},
                {"99999999999999999999999999999999\n", "'99999999999999999999999999999999'"},
        };
        for (size_t a = 0; a < ELEMENTSOF(attrs); a++) {
                char path[256];
                snprintf(path, sizeof(path), PF_DIR "/%s", attrs[a].file);
                for (size_t b = 0; b < ELEMENTSOF(bad); b++) {
                        assert_int_equal(fx_write(e->root, path, "%s", bad[b].value), 0);
                        struct sriov_pf *pf = pf_by_addr(env_scan(e), "0000:02:00.0");
                        int64_t v = *(int64_t *)((char *)pf + attrs[a].field);
                        if (v != SRIOV_ABSENT)
                                fail_msg("%s = '%s' gave %" PRId64 ", not absent", attrs[a].file,
                                         bad[b].value, v);
                        /* the warning names the file and the value */
                        char full[PATH_MAX];
                        snprintf(full, sizeof(full), "%s/bus/pci/devices/0000:02:00.0/%s", e->root,
                                 attrs[a].file);
                        assert_warning(pf->warnings, full, bad[b].says, NULL);
                        /* everything else is still read */
                        assert_int_equal(pf->n_vfs, 7);
                        assert_true(pf->has_cap);
                        assert_string_equal(pf->driver, "igb");
                }
                assert_int_equal(fx_write(e->root, path, "%s", attrs[a].good), 0);
        }
        /* values in range but at the limits are kept */
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_totalvfs", "65535\n"), 0);
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_vf_device", "0x10CA\n"), 0);
        struct sriov_pf *pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_int_equal(pf->totalvfs, 65535);
        assert_int_equal(pf->vf_device, 0x10ca);
        /* hex vf_device with digits a decimal parser would stop at */
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_vf_device", "1889\n"), 0);
        assert_int_equal(pf_by_addr(env_scan(e), "0000:02:00.0")->vf_device, 0x1889);
        /* autoprobe is 0 or 1 */
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_drivers_autoprobe", "2\n"), 0);
        pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_int_equal(pf->drivers_autoprobe, SRIOV_ABSENT);
        assert_warning(pf->warnings, "sriov_drivers_autoprobe", "'2'", NULL);
}

static void broken_other_attrs(void **state)
{
        struct env *e = *state;
        assert_int_equal(fx_write(e->root, PF_DIR "/numa_node", "node0\n"), 0);
        assert_int_equal(fx_write(e->root, PF_DIR "/current_link_width", "-4\n"), 0);
        assert_int_equal(fx_write(e->root, PF_DIR "/vendor", "0xfffff\n"), 0);
        struct sriov_pf *pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_int_equal(pf->numa_node, SRIOV_ABSENT);
        assert_warning(pf->warnings, "numa_node", "'node0'", NULL);
        assert_int_equal(pf->link_width, SRIOV_ABSENT);
        assert_warning(pf->warnings, "current_link_width", "'-4'", NULL);
        assert_warning(pf->warnings, "vendor", "'0xfffff'", NULL);
        /* the IDs then come from config space */
        assert_true(pf->has_ids);
        assert_int_equal(pf->vendor_id, 0x8086);
        /* -1 is what the kernel writes for "no NUMA affinity": kept, no warning */
        assert_int_equal(fx_write(e->root, PF_DIR "/numa_node", "-1\n"), 0);
        pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_int_equal(pf->numa_node, -1);
        assert_null(strv_find3(pf->warnings, "numa_node", NULL, NULL));
        /* an attribute too long to be a value */
        char big[5000];
        memset(big, '1', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_numvfs", "%s", big), 0);
        pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_int_equal(pf->numvfs, SRIOV_ABSENT);
        assert_warning(pf->warnings, "sriov_numvfs", NULL, NULL);
}

/* Trees no kernel writes: link loops, dangling links, files where
 * directories belong, odd virtfn names. The scan copes and says what. */
static void hostile_tree(void **state)
{
        struct env *e = *state;
        const char *r = e->root;
        assert_int_equal(fx_symlink_raw(r, "class/net/loop0", "loop0"), 0);
        assert_int_equal(fx_symlink_raw(r, "class/net/loop1", "../../class/net/loop2"), 0);
        assert_int_equal(fx_symlink_raw(r, "class/net/loop2", "../../class/net/loop1"), 0);
        assert_int_equal(fx_symlink_raw(r, "bus/pci/devices/0000:07:00.0", "../nowhere"), 0);
        assert_int_equal(fx_symlink_raw(r, "bus/pci/devices/not-an-address", "../nowhere"), 0);
        assert_int_equal(fx_mkdir_p(r, PF_DIR "/virtfn7"), 0); /* a directory, not a link */
        assert_int_equal(fx_write(r, PF_DIR "/virtfn99999999999", "x"), 0);
        assert_int_equal(fx_write(r, PF_DIR "/virtfnx", "x"), 0);
        assert_int_equal(fx_write(r, PF_DIR "/virtfn", "x"), 0);
        assert_int_equal(fx_symlink_raw(r, PF_DIR "/iommu_group", "../../../../kernel/iommu_groups/-5"), 0);
        assert_int_equal(fx_symlink_raw(r, PF_DIR "/driver", "/"), 0);
        assert_int_equal(fx_netdev(r, NULL, "weird", NULL, 1), 0);
        assert_int_equal(fx_write(r, "devices/virtual/net/weird/type", "ether\n"), 0);
        assert_int_equal(fx_symlink_raw(r, "devices/netdevsim1/net/eni1np1/device", "../../../../../../.."), 0);
        struct sriov_inventory *inv = env_scan(e);
        struct sriov_pf *pf = pf_by_addr(inv, "0000:02:00.0");
        print_strv("warning", pf->warnings);
        print_strv("inventory warning", inv->warnings);
        assert_int_equal(pf->n_vfs, 8); /* virtfn0..7; the junk names are not VFs */
        assert_string_equal(pf->vfs[7].address, "");
        assert_warning(pf->warnings, "virtfn7", "not a link to a PCI function", NULL);
        assert_int_equal(pf->iommu_group, SRIOV_ABSENT);
        assert_int_equal(pf->vfs[6].iommu_group, 17);
        assert_warning(inv->warnings, "loop0", NULL, NULL);
        assert_warning(inv->warnings, "weird/type", "'ether'", NULL);
        assert_null(lower(inv, "loop0"));
        assert_null(lower(inv, "weird"));
        assert_non_null(lower(inv, "eno1"));
}

/* ---- cross-checks ------------------------------------------------------- */

static void routing_mismatch(void **state)
{
        struct env *e = *state;
        assert_int_equal(fx_symlink_raw(e->root, PF_DIR "/virtfn3", "../0000:02:13.0"), 0);
        struct sriov_pf *pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_string_equal(pf->vfs[3].address, "0000:02:13.0");
        assert_string_equal(pf->vfs[3].expected, "0000:02:10.6");
        assert_warning(pf->warnings, "VF 3 is 0000:02:13.0 (virtfn3)",
                       "First VF Offset 128 + 3 * VF Stride 2 gives 0000:02:10.6", NULL);
        assert_int_equal(strv_count(pf->warnings), 1);
        /* a link that is not to a PCI function at all */
        assert_int_equal(fx_symlink_raw(e->root, PF_DIR "/virtfn3", "../garbage"), 0);
        pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_string_equal(pf->vfs[3].address, "");
        assert_warning(pf->warnings, "virtfn3", "not a link to a PCI function", NULL);
        /* sysfs and config space disagree on the offset */
        assert_int_equal(fx_symlink_raw(e->root, PF_DIR "/virtfn3", "../0000:02:10.6"), 0);
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_offset", "384\n"), 0);
        pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_warning(pf->warnings, "sysfs sriov_offset is 384", "First VF Offset 128", NULL);
        /* without config space, sysfs's offset and stride give the expectation */
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_offset", "128\n"), 0);
        char cfg[PATH_MAX];
        snprintf(cfg, sizeof(cfg), "%s/" PF_DIR "/config", e->root);
        assert_int_equal(unlink(cfg), 0);
        assert_int_equal(fx_symlink_raw(e->root, PF_DIR "/virtfn6", "../0000:02:1f.0"), 0);
        pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_false(pf->has_cap);
        assert_warning(pf->warnings, "VF 6 is 0000:02:1f.0",
                       "First VF Offset 128 + 6 * VF Stride 2 gives 0000:02:11.4", NULL);
        /* the context says once why the capability fields come from sysfs */
        assert_non_null(strv_find3(sriov_ctx_notices(e->ctx), "config space", NULL, NULL));
}

/* PF 0000:02:00.0 below bridge 0000:00:03.0 with buses 02-02, and an
 * SR-IOV capability with the given offset/stride/ARI. */
static void bridge_tree(struct env *e, uint16_t control, unsigned offset, unsigned stride)
{
        const char *dir = e->root;
        assert_int_equal(fx_bridge(dir, "0000:00:03.0", "pci0000:00", 2, 2), 0);
        uint8_t cfg[FX_CFG_SIZE];
        fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
        fx_cfg_sriov(cfg, 0x160, &(struct fx_iov){.control = control, .initial_vfs = 8, .total_vfs = 8,
                                                  .num_vfs = 8, .offset = (uint16_t)offset,
                                                  .stride = (uint16_t)stride, .vf_device = 0x10ca});
        struct fx_pci pf = {.addr = "0000:02:00.0", .parent = "pci0000:00/0000:00:03.0", .vendor = 0x8086,
                            .device = 0x10c9, .class_code = 0x020000, .driver = "igb",
                            .iommu_group = FX_NONE, .numa_node = FX_NONE, .config = cfg,
                            .config_len = sizeof(cfg)};
        assert_int_equal(fx_sriov_pf(dir, &pf, &(struct fx_sriov){.total = 8, .num = 8, .offset = offset,
                                                                  .stride = stride, .vf_device = 0x10ca,
                                                                  .vf_iommu_group = FX_NONE}),
                         0);
}

static void bridge_subordinate(void **state)
{
        struct env *e = *state;
        /* ARI on, offset 200 stride 8: VFs 0..6 on bus 02, VF 7 at 03:00.0 */
        bridge_tree(e, 0x0019, 200, 8);
        struct sriov_pf *pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_string_equal(pf->vfs[7].address, "0000:03:00.0");
        assert_string_equal(pf->vfs[7].expected, "0000:03:00.0");
        assert_warning(pf->warnings, "only 7 of 8 VFs fit below bridge 0000:00:03.0 (subordinate bus 02)",
                       "First VF Offset 200 and VF Stride 8 put VF 7 on bus 03", NULL);
        assert_null(strv_find3(pf->warnings, "ARI", NULL, NULL));
        assert_int_equal(strv_count(pf->warnings), 1);
}

static void bridge_ari_off(void **state)
{
        struct env *e = *state;
        /* the 82576 without ARI: offset 384 puts every VF on bus 03 */
        bridge_tree(e, 0x0009, 384, 2);
        struct sriov_pf *pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_string_equal(pf->vfs[0].expected, "0000:03:10.0");
        assert_warning(pf->warnings, "only 0 of 8 VFs fit below bridge 0000:00:03.0 (subordinate bus 02)",
                       "put VF 0 on bus 03", NULL);
        assert_warning(pf->warnings, "ARI Capable Hierarchy is off",
                       "First VF Offset 384 and VF Stride 2", "bus 03, beyond the PF's bus 02");
}

static void bridge_fits(void **state)
{
        struct env *e = *state;
        bridge_tree(e, 0x0019, 128, 2);
        struct sriov_pf *pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        print_strv("warning", pf->warnings);
        assert_int_equal(strv_count(pf->warnings), 0);
        /* sysfs disagreeing with config space is said, config space wins */
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_stride", "4\n"), 0);
        pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_warning(pf->warnings, "sysfs sriov_stride is 4", "VF Stride 2", NULL);
        assert_string_equal(pf->vfs[1].expected, "0000:02:10.2");
        /* without config space, an offset that runs past bus ff */
        char cfg[PATH_MAX];
        snprintf(cfg, sizeof(cfg), "%s/" PF_DIR "/config", e->root);
        assert_int_equal(unlink(cfg), 0);
        assert_int_equal(fx_write(e->root, PF_DIR "/sriov_offset", "65530\n"), 0);
        pf = pf_by_addr(env_scan(e), "0000:02:00.0");
        assert_false(pf->has_cap);
        assert_warning(pf->warnings, "VF 0", "First VF Offset 65530", "runs past bus ff");
        assert_string_equal(pf->vfs[0].expected, "");
        assert_string_equal(pf->vfs[0].address, "0000:02:10.0");
}

/* ---- sriov_inventory_find ------------------------------------------------ */

static void find(void **state)
{
        struct env *e = *state;
        struct sriov_inventory *inv = env_scan(e);
        struct sriov_pf *pf = NULL;
        static const struct {
                const char *query, *addr;
        } hits[] = {
                {"0000:02:00.0", "0000:02:00.0"}, {"02:00.0", "0000:02:00.0"},
                {"enp2s0f0", "0000:02:00.0"},     {"eni1np1", "netdevsim1"},
                {"netdevsim1", "netdevsim1"},
        };
        for (size_t i = 0; i < ELEMENTSOF(hits); i++) {
                pf = NULL;
                assert_int_equal(sriov_inventory_find(e->ctx, inv, hits[i].query, &pf), 0);
                assert_non_null(pf);
                assert_string_equal(pf->address, hits[i].addr);
                assert_string_equal(sriov_ctx_error(e->ctx), "");
        }
        /* a VF: says whose */
        pf = NULL;
        assert_int_equal(sriov_inventory_find(e->ctx, inv, "0000:02:10.2", &pf), -ENODEV);
        assert_null(pf);
        assert_contains(sriov_ctx_error(e->ctx), "0000:02:10.2 is a VF of 0000:02:00.0");
        assert_int_equal(sriov_inventory_find(e->ctx, inv, "02:11.4", &pf), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "0000:02:11.4 is a VF of 0000:02:00.0");
        /* a PCI device without SR-IOV, by address and by interface */
        assert_int_equal(sriov_inventory_find(e->ctx, inv, "0000:03:00.0", &pf), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "0000:03:00.0 has no SR-IOV capability");
        assert_int_equal(sriov_inventory_find(e->ctx, inv, "eno1", &pf), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "eno1");
        assert_int_equal(sriov_inventory_find(e->ctx, inv, "enp2s0f0v1", &pf), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "enp2s0f0v1");
        /* nothing of that name */
        assert_int_equal(sriov_inventory_find(e->ctx, inv, "0000:09:00.0", &pf), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "0000:09:00.0");
        assert_contains(sriov_ctx_error(e->ctx), e->root);
        assert_int_equal(sriov_inventory_find(e->ctx, inv, "nosuch0", &pf), -ENODEV);
        assert_contains(sriov_ctx_error(e->ctx), "nosuch0");
        /* not interface names: nothing under class/net is looked up for them */
        static const char *const not_names[] = {"", ".", "..", "../../devices", "virtual/net"};
        for (size_t i = 0; i < ELEMENTSOF(not_names); i++)
                if (sriov_inventory_find(e->ctx, inv, not_names[i], &pf) != -ENODEV)
                        fail_msg("'%s': %s", not_names[i], sriov_ctx_error(e->ctx));
        assert_null(pf);
        /* success clears the last error */
        assert_int_equal(sriov_inventory_find(e->ctx, inv, "enp2s0f0", &pf), 0);
        assert_string_equal(sriov_ctx_error(e->ctx), "");
}

/* ---- the E810 tree from the real-world data ---------------------------- */

static void check_e810(struct sriov_inventory *inv)
{
        assert_int_equal(inv->n_pfs, 1);
        struct sriov_pf *pf = pf_by_addr(inv, "0000:a2:00.0");
        print_strv("E810 warning", pf->warnings);
        assert_int_equal(pf->totalvfs, 128);
        assert_int_equal(pf->numvfs, 0);
        assert_int_equal(pf->offset, 8);
        assert_int_equal(pf->stride, 1);
        assert_int_equal(pf->vf_device, 0x1889);
        assert_int_equal(pf->drivers_autoprobe, 1);
        assert_string_equal(pf->driver, "ice");
        assert_int_equal(strv_count(pf->netdevs), 1);
        assert_string_equal(pf->netdevs[0], "enp162s0f0np0");
        assert_true(pf->has_ids);
        assert_int_equal(pf->vendor_id, 0x8086);
        assert_int_equal(pf->device_id, 0x159b);
        assert_int_equal(pf->numa_node, 1);
        assert_string_equal(pf->link_speed, "16.0 GT/s PCIe");
        assert_int_equal(pf->link_width, 8);
        assert_false(pf->has_cap); /* no config file in the fixture */
        assert_int_equal(pf->n_vfs, 0);
        /* the first VF it would get: a2:00.0 + 8 */
        struct sriov_pci_addr a, v;
        char buf[SRIOV_PCI_ADDR_MAX];
        assert_int_equal(pci_addr_parse(pf->address, &a), 0);
        assert_int_equal(sriov_vf_routing_id(&a, (uint16_t)pf->offset, (uint16_t)pf->stride, 0, &v), 0);
        pci_addr_format(&v, buf);
        assert_string_equal(buf, "0000:a2:01.0");
}

/* The collected tree: its attribute files, read with the root at
 * fixtures/sys, carry the numbers. */
static void e810_tree(void **state)
{
        struct env *e = *state;
        char *tree = realdata_or_skip("sysfs/procfs-fixture_E810_tree");
        char root[PATH_MAX];
        snprintf(root, sizeof(root), "%s/fixtures/sys", tree);
        free(tree);
        assert_int_equal(sriov_ctx_set_sysfs_root(e->ctx, root), 0);
        static const struct {
                const char *name;
                int base;
                uint64_t want;
        } attrs[] = {
                {"sriov_totalvfs", 10, 128}, {"sriov_numvfs", 10, 0},       {"sriov_offset", 10, 8},
                {"sriov_stride", 10, 1},     {"sriov_vf_device", 16, 0x1889}, {"sriov_drivers_autoprobe", 10, 1},
        };
        for (size_t i = 0; i < ELEMENTSOF(attrs); i++) {
                char path[256];
                uint64_t v;
                snprintf(path, sizeof(path), "devices/pci0000:a2/0000:a2:00.0/%s", attrs[i].name);
                assert_int_equal(sysfs_read_u64(e->ctx, path, attrs[i].base, 0xffff, &v), 0);
                assert_true(v == attrs[i].want);
        }
        /* sriov_vf_total_msix (4294967033) is over a 16-bit limit: refused with a message */
        uint64_t v;
        assert_int_equal(sysfs_read_u64(e->ctx, "devices/pci0000:a2/0000:a2:00.0/sriov_vf_total_msix", 10,
                                        0xffff, &v),
                         -ERANGE);
        assert_contains(sriov_ctx_error(e->ctx), "'4294967033'");
        ctx_clear_error(e->ctx);
        struct stat st;
        char link[PATH_MAX];
        snprintf(link, sizeof(link), "%s/bus/pci/devices/0000:a2:00.0", root);
        assert_int_equal(lstat(link, &st), 0);
        if (S_ISLNK(st.st_mode)) {
                check_e810(env_scan(e));
                return;
        }
        /* The unpacked copy stores each symlink as a regular file holding
         * the link text (bus/pci/devices/0000:a2:00.0, driver, subsystem,
         * net/.../device), so it is not a sysfs layout: a scan must cope
         * without finding the PF; e810_ttar checks discovery on the same
         * data rebuilt with real links. */
        print_message("note: %s is a regular file, not a symlink: the E810 tree's links are flattened; "
                      "discovery is checked on the tree rebuilt from the .ttar\n",
                      link);
        struct sriov_inventory *inv = env_scan(e);
        assert_int_equal(inv->n_pfs, 0);
}

/* Writes a ttar archive (prometheus/procfs's text tar) into dir with the
 * fixture builder: directories, files and symlinks as recorded. */
static void ttar_extract(const char *ttar, const char *dir)
{
        size_t len;
        char *text = slurp(ttar, &len);
        assert_non_null(text);
        char *save = NULL, *path = NULL;
        size_t files = 0, links = 0;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (strncmp(line, "Directory: ", 11) == 0) {
                        assert_int_equal(fx_mkdir_p(dir, line + 11), 0);
                } else if (strncmp(line, "Path: ", 6) == 0) {
                        path = line + 6;
                } else if (path && strncmp(line, "SymlinkTo: ", 11) == 0) {
                        assert_int_equal(fx_symlink_raw(dir, path, line + 11), 0);
                        links++;
                        path = NULL;
                } else if (path && strncmp(line, "Lines: ", 7) == 0) {
                        unsigned long n = strtoul(line + 7, NULL, 10);
                        char *body = NULL;
                        size_t size = 0;
                        FILE *f = open_memstream(&body, &size);
                        assert_non_null(f);
                        /* strtok_r skips empty lines; walk the raw text instead */
                        char *p = save;
                        for (unsigned long i = 0; i < n; i++) {
                                char *nl = strchr(p, '\n');
                                size_t l = nl ? (size_t)(nl - p) : strlen(p);
                                bool eof = l >= 3 && strncmp(p + l - 3, "EOF", 3) == 0 && i + 1 == n;
                                fprintf(f, "%.*s%s", (int)(eof ? l - 3 : l), p, eof ? "" : "\n");
                                p = nl ? nl + 1 : p + l;
                        }
                        fclose(f);
                        save = p;
                        assert_int_equal(fx_write_bytes(dir, path, body, size), 0);
                        free(body);
                        files++;
                        path = NULL;
                }
        }
        free(text);
        print_message("ttar: %zu files, %zu symlinks\n", files, links);
        assert_true(files > 10 && links >= 3);
}

static void e810_ttar(void **state)
{
        struct env *e = *state;
        char *ttar = realdata_or_skip("sysfs/procfs-fixture_E810_0000-a2-00.0.ttar");
        ttar_extract(ttar, e->root);
        free(ttar);
        char root[PATH_MAX];
        snprintf(root, sizeof(root), "%s/fixtures/sys", e->root);
        assert_int_equal(sriov_ctx_set_sysfs_root(e->ctx, root), 0);
        struct sriov_inventory *inv = env_scan(e);
        check_e810(inv);
        struct sriov_pf *pf = NULL;
        assert_int_equal(sriov_inventory_find(e->ctx, inv, "enp162s0f0np0", &pf), 0);
        assert_string_equal(pf->address, "0000:a2:00.0");
        assert_int_equal(sriov_inventory_find(e->ctx, inv, "a2:00.0", &pf), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(standard_pf, setup_standard, env_teardown),
                cmocka_unit_test_setup_teardown(standard_vfs, setup_standard, env_teardown),
                cmocka_unit_test_setup_teardown(many_vfs_sorted, setup_empty, env_teardown),
                cmocka_unit_test_setup_teardown(macvtap_lowers, setup_standard, env_teardown),
                cmocka_unit_test_setup_teardown(netdevsim_pf, setup_standard, env_teardown),
                cmocka_unit_test_setup_teardown(empty_tree, setup_empty, env_teardown),
                cmocka_unit_test_setup_teardown(broken_values, setup_standard, env_teardown),
                cmocka_unit_test_setup_teardown(broken_other_attrs, setup_standard, env_teardown),
                cmocka_unit_test_setup_teardown(hostile_tree, setup_standard, env_teardown),
                cmocka_unit_test_setup_teardown(routing_mismatch, setup_standard, env_teardown),
                cmocka_unit_test_setup_teardown(bridge_subordinate, setup_empty, env_teardown),
                cmocka_unit_test_setup_teardown(bridge_ari_off, setup_empty, env_teardown),
                cmocka_unit_test_setup_teardown(bridge_fits, setup_empty, env_teardown),
                cmocka_unit_test_setup_teardown(find, setup_standard, env_teardown),
                cmocka_unit_test_setup_teardown(e810_tree, setup_empty, env_teardown),
                cmocka_unit_test_setup_teardown(e810_ttar, setup_empty, env_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
