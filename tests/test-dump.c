/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Discovery from `lspci -xxxx` dumps: the real pciutils dumps give the
 * README's KEY NUMBERS; generated dumps with each defect fail cleanly with
 * the file and line named; bridges and 256-byte dumps; a dump together
 * with a fixture sysfs tree. */
#include "testutil.h"

#include <errno.h>
#include <limits.h>

#include "fixture.h"
#include "internal.h"

static char *tmp;

static int setup(void **state)
{
        (void)state;
        tmp = fx_tmpdir("dump");
        return tmp ? 0 : -1;
}

static int teardown(void **state)
{
        (void)state;
        int r = fx_rm_rf(tmp);
        free(tmp);
        return r;
}

static struct sriov_pf *pf_by_addr(struct sriov_inventory *inv, const char *addr)
{
        for (size_t i = 0; i < inv->n_pfs; i++)
                if (strcmp(inv->pfs[i].address, addr) == 0)
                        return &inv->pfs[i];
        fail_msg("no PF %s among %zu", addr, inv->n_pfs);
        return NULL;
}

static struct sriov_inventory *scan_dump(struct sriov_ctx *ctx, const char *file)
{
        struct sriov_inventory *inv = NULL;
        assert_int_equal(sriov_ctx_set_pci_dump(ctx, file), 0);
        int r = sriov_inventory_scan(ctx, &inv);
        if (r < 0)
                fail_msg("scan of %s: %s (%s)", file, strerror(-r), sriov_ctx_error(ctx));
        return inv;
}

static const char *vf_addr(const char *pf, uint16_t offset, uint16_t stride, unsigned i)
{
        static char buf[SRIOV_PCI_ADDR_MAX];
        struct sriov_pci_addr a, v;
        assert_int_equal(pci_addr_parse(pf, &a), 0);
        assert_int_equal(sriov_vf_routing_id(&a, offset, stride, i, &v), 0);
        pci_addr_format(&v, buf);
        return buf;
}

/* ---- real dumps (../shared/realdata/pci/pciutils-tests) ------------------ */

struct expect {
        const char *file, *addr;
        uint16_t vendor, device;
        uint16_t total, initial, num, offset, stride, vf_device, position, control;
        uint32_t sys_page_size;
        const char *vf0, *vf_last; /* addresses of VF 0 and VF total-1 */
        bool ari_warning;
};

static const struct expect real[] = {
        /* KEY NUMBERS, README.txt */
        {"cap-pcie-2", "0000:01:00.0", 0x8086, 0x10c9, 8, 8, 1, 384, 2, 0x10ca, 0x160, 0x0009, 0x1,
         "0000:02:10.0", "0000:02:11.6", true},
        {"cap-ea-1", "0002:01:00.0", 0x177d, 0xa01e, 128, 128, 128, 1, 1, 0xa034, 0x180, 0x0019, 0x100,
         "0002:01:00.1", "0002:01:10.0", false},
        {"cap-phy32", "0000:2e:00.0", 0x144d, 0xa826, 64, 64, 0, 32, 1, 0xa826, 0x1f8, 0x0010, 0x1,
         "0000:2e:04.0", "0000:2e:0b.7", false},
        {"cap-ide", "0000:e1:00.0", 0xaaaa, 0xbbbb, 4, 4, 0, 32, 1, 0x50a5, 0x148, 0x0010, 0x1,
         "0000:e1:04.0", "0000:e1:04.3", false},
};

static void real_dump(const struct expect *x)
{
        char rel[128];
        snprintf(rel, sizeof(rel), "pci/pciutils-tests/%s", x->file);
        char *file = realdata_or_skip(rel);
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        struct sriov_inventory *inv = scan_dump(ctx, file);
        assert_int_equal(inv->n_pfs, 1);
        struct sriov_pf *pf = pf_by_addr(inv, x->addr);
        print_strv("warning", pf->warnings);
        assert_string_equal(pf->bus, "pci");
        assert_true(pf->has_ids);
        assert_int_equal(pf->vendor_id, x->vendor);
        assert_int_equal(pf->device_id, x->device);
        assert_true(pf->has_cap);
        const struct sriov_iov_cap *c = &pf->cap;
        assert_int_equal(c->position, x->position);
        assert_int_equal(c->total_vfs, x->total);
        assert_int_equal(c->initial_vfs, x->initial);
        assert_int_equal(c->num_vfs, x->num);
        assert_int_equal(c->first_vf_offset, x->offset);
        assert_int_equal(c->vf_stride, x->stride);
        assert_int_equal(c->vf_device_id, x->vf_device);
        assert_int_equal(c->control, x->control);
        assert_int_equal(c->supported_page_sizes, 0x553);
        assert_int_equal(c->system_page_size, x->sys_page_size);
        /* no sysfs: those fields stay absent, never invented */
        assert_int_equal(pf->totalvfs, SRIOV_ABSENT);
        assert_int_equal(pf->offset, SRIOV_ABSENT);
        assert_null(pf->driver);
        /* the VFs the dump implies: NumVFs of them, at offset/stride */
        assert_int_equal(pf->n_vfs, x->num);
        for (size_t i = 0; i < pf->n_vfs; i++) {
                assert_int_equal(pf->vfs[i].index, i);
                assert_string_equal(pf->vfs[i].address, "");
                assert_string_equal(pf->vfs[i].expected, vf_addr(x->addr, x->offset, x->stride, (unsigned)i));
        }
        if (pf->n_vfs)
                assert_string_equal(pf->vfs[0].expected, x->vf0);
        assert_string_equal(vf_addr(x->addr, x->offset, x->stride, 0), x->vf0);
        assert_string_equal(vf_addr(x->addr, x->offset, x->stride, x->total - 1u), x->vf_last);
        if (x->ari_warning)
                assert_warning(pf->warnings, "ARI Capable Hierarchy is off", "First VF Offset 384",
                               "bus 02, beyond the PF's bus 01");
        else
                assert_null(strv_find3(pf->warnings, "ARI", NULL, NULL));
        /* find by address, and a device that is not in the dump */
        struct sriov_pf *found = NULL;
        assert_int_equal(sriov_inventory_find(ctx, inv, x->addr, &found), 0);
        assert_ptr_equal(found, pf);
        assert_int_equal(sriov_inventory_find(ctx, inv, "0000:77:00.0", &found), -ENODEV);
        assert_contains(sriov_ctx_error(ctx), "0000:77:00.0");
        assert_contains(sriov_ctx_error(ctx), file);
        sriov_inventory_free(inv);
        sriov_ctx_free(ctx);
        free(file);
}

static void real_cap_pcie_2(void **state)
{
        (void)state;
        real_dump(&real[0]);
}

static void real_cap_ea_1(void **state)
{
        (void)state;
        real_dump(&real[1]);
}

static void real_cap_phy32(void **state)
{
        (void)state;
        real_dump(&real[2]);
}

static void real_cap_ide(void **state)
{
        (void)state;
        real_dump(&real[3]);
        /* its VF BARs: Region 0 at 000001fff8000000, Region 2 at 000002001800c000,
         * both 64-bit prefetchable (lspci -vvv) */
        char *file = realdata_or_skip("pci/pciutils-tests/cap-ide");
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        struct sriov_inventory *inv = scan_dump(ctx, file);
        struct sriov_vf_bar b[6];
        sriov_iov_cap_bars(&inv->pfs[0].cap, b);
        assert_int_equal(b[0].kind, SRIOV_BAR_MEM64);
        assert_true(b[0].prefetchable);
        assert_true(b[0].address == UINT64_C(0x000001fff8000000));
        assert_int_equal(b[1].kind, SRIOV_BAR_UPPER);
        assert_int_equal(b[2].kind, SRIOV_BAR_MEM64);
        assert_true(b[2].prefetchable);
        assert_true(b[2].address == UINT64_C(0x000002001800c000));
        assert_int_equal(b[4].kind, SRIOV_BAR_UNUSED);
        sriov_inventory_free(inv);
        sriov_ctx_free(ctx);
        free(file);
}

/* ---- generated dumps ------------------------------------------------------ */

/* The 82576-like PF without ARI at 02:00.0, as lspci -xxxx text. */
static char *pf_dump_text(size_t bytes)
{
        uint8_t cfg[FX_CFG_SIZE];
        fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
        fx_cfg_ext_cap(cfg, 0x100, 0x0001);
        fx_cfg_sriov(cfg, 0x160, &(struct fx_iov){.control = 0x0009, .initial_vfs = 8, .total_vfs = 8,
                                                  .num_vfs = 2, .offset = 384, .stride = 2,
                                                  .vf_device = 0x10ca});
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        assert_non_null(f);
        assert_int_equal(fx_dump_device(f, "02:00.0 Ethernet controller: Intel Corporation 82576 Gigabit "
                                           "Network Connection (rev 01)",
                                        cfg, bytes),
                         0);
        fclose(f);
        return buf;
}

static char *write_file(const char *name, const char *text, size_t len)
{
        assert_int_equal(fx_write_bytes(tmp, name, text, len), 0);
        char *p;
        assert_true(asprintf(&p, "%s/%s", tmp, name) > 0);
        return p;
}

/* Replaces the first `from` in text (malloc'd) by `to`. */
static char *replace(const char *text, const char *from, const char *to)
{
        const char *at = strstr(text, from);
        assert_non_null(at);
        char *s;
        assert_true(asprintf(&s, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from)) > 0);
        return s;
}

static void generated_dump_ok(void **state)
{
        (void)state;
        char *text = pf_dump_text(4096);
        char *file = write_file("ok.dump", text, strlen(text));
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        struct sriov_inventory *inv = scan_dump(ctx, file);
        struct sriov_pf *pf = pf_by_addr(inv, "0000:02:00.0");
        assert_int_equal(pf->cap.first_vf_offset, 384);
        assert_int_equal(pf->n_vfs, 2);
        assert_string_equal(pf->vfs[1].expected, "0000:03:10.2");
        assert_string_equal(sriov_ctx_error(ctx), "");
        sriov_inventory_free(inv);
        sriov_ctx_free(ctx);
        free(file);
        free(text);
}

struct defect {
        const char *name;
        int err;
        const char *says; /* in the message, besides the file name */
};

static void expect_failure(const char *name, const char *text, size_t len, const struct defect *d)
{
        char *file = write_file(name, text, len);
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        assert_int_equal(sriov_ctx_set_pci_dump(ctx, file), 0);
        for (int pass = 0; pass < 2; pass++) { /* and again: nothing half-initialised is kept */
                struct sriov_inventory *inv = (struct sriov_inventory *)0x1;
                int r = sriov_inventory_scan(ctx, &inv);
                if (r != d->err)
                        fail_msg("%s: scan gave %d (%s), expected %d; error: %s", d->name, r,
                                 r < 0 ? strerror(-r) : "ok", d->err, sriov_ctx_error(ctx));
                assert_ptr_equal(inv, (struct sriov_inventory *)0x1); /* not written */
                assert_contains(sriov_ctx_error(ctx), file);
                assert_contains(sriov_ctx_error(ctx), d->says);
        }
        print_message("%s: %s\n", d->name, sriov_ctx_error(ctx));
        sriov_ctx_free(ctx);
        free(file);
}

static void generated_dump_defects(void **state)
{
        (void)state;
        char *good = pf_dump_text(4096);
        size_t glen = strlen(good);
        char *t;

        /* truncated in the middle of the last hex line */
        expect_failure("truncated.dump", good, glen - 10,
                       &(struct defect){"truncated", -EBADMSG, "line 257 has no newline"});

        /* a -vvv text line longer than libpci's buffer */
        char longline[400];
        memset(longline, 'x', sizeof(longline));
        memcpy(longline, "\tCapabilities: ", 15);
        longline[300] = '\n';
        longline[301] = 0;
        char *hdr_end = strchr(good, '\n') + 1;
        assert_true(asprintf(&t, "%.*s%s%s", (int)(hdr_end - good), good, longline, hdr_end) > 0);
        expect_failure("longline.dump", t, strlen(t),
                       &(struct defect){"long line", -EBADMSG, "line 2 is 300 characters long"});
        free(t);

        /* malformed hex */
        t = replace(good, "00: 86 80 c9 10", "00: 86 80 cz 10");
        expect_failure("badhex.dump", t, strlen(t),
                       &(struct defect){"malformed hex", -EBADMSG, "line 2: malformed hex data"});
        free(t);

        /* an offset beyond 4096 */
        assert_true(asprintf(&t, "%.*s1000: 01 02 03 04\n\n", (int)(glen - 1), good) > 0);
        expect_failure("beyond.dump", t, strlen(t),
                       &(struct defect){"offset beyond 4096", -EBADMSG, "line 258: offset 0x1000"});
        free(t);

        /* an 8-digit offset that libpci's int would take as negative */
        assert_true(asprintf(&t, "%.*sffffffff: 00\n\n", (int)(glen - 1), good) > 0);
        expect_failure("ffffffff.dump", t, strlen(t),
                       &(struct defect){"offset ffffffff", -EBADMSG, "line 258: offset 0xffffffff"});
        free(t);

        /* no device line */
        expect_failure("nodevice.dump", hdr_end, strlen(hdr_end),
                       &(struct defect){"no device line", -ENODATA, "no device header line"});

        /* a NUL byte */
        t = strdup(good);
        assert_non_null(t);
        t[strstr(t, "10: ") - t + 5] = 0;
        expect_failure("nul.dump", t, glen, &(struct defect){"NUL byte", -EBADMSG, "line 3 contains a NUL"});
        free(t);

        /* empty */
        expect_failure("empty.dump", "", 0, &(struct defect){"empty", -ENODATA, "empty"});

        /* a device line libpci would take as slot 0x20 */
        t = replace(good, "02:00.0 Ethernet", "02:20.0 Ethernet");
        expect_failure("slot.dump", t, strlen(t), &(struct defect){"slot 20", -EBADMSG, "line 1"});
        free(t);

        /* a file that is not there, and a directory */
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        char missing[PATH_MAX];
        snprintf(missing, sizeof(missing), "%s/no-such.dump", tmp);
        assert_int_equal(sriov_ctx_set_pci_dump(ctx, missing), -ENOENT);
        assert_contains(sriov_ctx_error(ctx), missing);
        assert_int_equal(sriov_ctx_set_pci_dump(ctx, tmp), 0);
        struct sriov_inventory *inv = NULL;
        assert_true(sriov_inventory_scan(ctx, &inv) < 0);
        assert_null(inv);
        assert_contains(sriov_ctx_error(ctx), tmp);
        sriov_ctx_free(ctx);
        free(good);
}

/* lspci -xxx dumps hold 256 bytes: the extended capabilities are not there */
static void short_dump(void **state)
{
        (void)state;
        char *text = pf_dump_text(256);
        char *file = write_file("short.dump", text, strlen(text));
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        struct sriov_inventory *inv = scan_dump(ctx, file);
        assert_int_equal(inv->n_pfs, 0);
        assert_warning(inv->warnings, "0000:02:00.0", file, "only 256 bytes");
        sriov_inventory_free(inv);
        sriov_ctx_free(ctx);
        free(file);
        free(text);
}

/* A bridge in the dump whose subordinate bus is too small for the VFs. */
static void dump_bridge(void **state)
{
        (void)state;
        uint8_t cfg[FX_CFG_SIZE];
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        assert_non_null(f);
        fx_cfg_bridge(cfg, 0x8086, 0x3c08, 0, 2, 2);
        assert_int_equal(fx_dump_device(f, "00:03.0 PCI bridge: Intel Corporation Device 3c08", cfg, 256), 0);
        char *pf = pf_dump_text(4096);
        fputs(pf, f);
        /* an unrelated bridge to another bus is not taken */
        fx_cfg_bridge(cfg, 0x8086, 0x3c09, 0, 5, 9);
        assert_int_equal(fx_dump_device(f, "00:04.0 PCI bridge: Intel Corporation Device 3c09", cfg, 256), 0);
        fclose(f);
        char *file = write_file("bridge.dump", buf, size);
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        struct sriov_inventory *inv = scan_dump(ctx, file);
        assert_int_equal(inv->n_pfs, 1);
        struct sriov_pf *p = pf_by_addr(inv, "0000:02:00.0");
        assert_warning(p->warnings, "only 0 of 8 VFs fit below bridge 0000:00:03.0 (subordinate bus 02)",
                       "First VF Offset 384 and VF Stride 2", "put VF 0 on bus 03");
        assert_warning(p->warnings, "ARI Capable Hierarchy is off", NULL, NULL);
        sriov_inventory_free(inv);
        sriov_ctx_free(ctx);
        free(file);
        free(pf);
        free(buf);
}

/* A dump together with the fixture tree it was taken from: sysfs gives
 * driver, netdevs and the VFs' links; the dump the capability. */
static void dump_with_sysfs(void **state)
{
        (void)state;
        char *root = fx_tmpdir("dumpsysfs");
        assert_non_null(root);
        assert_int_equal(fx_tree_standard(root), 0);
        char cfgpath[PATH_MAX];
        snprintf(cfgpath, sizeof(cfgpath), "%s/devices/pci0000:00/0000:00:03.0/0000:02:00.0/config", root);
        size_t len;
        char *cfg = slurp(cfgpath, &len);
        assert_non_null(cfg);
        assert_int_equal(len, 4096);
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        assert_non_null(f);
        assert_int_equal(fx_dump_device(f, "0000:02:00.0 Ethernet controller: Intel 82576", (uint8_t *)cfg,
                                        4096),
                         0);
        fclose(f);
        char *file = write_file("standard.dump", buf, size);
        struct sriov_ctx *ctx;
        assert_int_equal(sriov_ctx_new(&ctx), 0);
        assert_int_equal(sriov_ctx_set_sysfs_root(ctx, root), 0);
        struct sriov_inventory *inv = scan_dump(ctx, file);
        assert_int_equal(inv->n_pfs, 1);
        struct sriov_pf *pf = pf_by_addr(inv, "0000:02:00.0");
        assert_true(pf->has_cap);
        assert_int_equal(pf->cap.num_vfs, 7);
        assert_string_equal(pf->driver, "igb");
        assert_int_equal(pf->totalvfs, 8);
        assert_int_equal(pf->n_vfs, 7);
        assert_string_equal(pf->vfs[6].address, "0000:02:11.4");
        assert_string_equal(pf->vfs[6].expected, "0000:02:11.4");
        assert_string_equal(pf->vfs[6].driver, "igbvf");
        print_strv("warning", pf->warnings);
        assert_int_equal(strv_count(pf->warnings), 0);
        sriov_inventory_free(inv);
        sriov_ctx_free(ctx);
        assert_int_equal(fx_rm_rf(root), 0);
        free(root);
        free(file);
        free(buf);
        free(cfg);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(real_cap_pcie_2),   cmocka_unit_test(real_cap_ea_1),
                cmocka_unit_test(real_cap_phy32),    cmocka_unit_test(real_cap_ide),
                cmocka_unit_test(generated_dump_ok), cmocka_unit_test(generated_dump_defects),
                cmocka_unit_test(short_dump),        cmocka_unit_test(dump_bridge),
                cmocka_unit_test(dump_with_sysfs),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
