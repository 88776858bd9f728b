/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pure PCI parsers: extended capability walk and SR-IOV capability,
 * VF routing IDs, VF BARs, PCI addresses and lspci dump text. */
#include "testutil.h"

#include <errno.h>

#include "fixture.h"
#include "internal.h"
#include "pciparse.h"

/* ---- sriov_iov_cap_parse -------------------------------------------------- */

static uint8_t cfg[FX_CFG_SIZE];
static char why[256];

static void build_82576(void)
{
        fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
        fx_cfg_ext_cap(cfg, 0x100, 0x0001);
        fx_cfg_ext_cap(cfg, 0x140, 0x0003);
        fx_cfg_ext_cap(cfg, 0x150, 0x000e);
        fx_cfg_sriov(cfg, 0x160,
                     &(struct fx_iov){.control = 0x0009, .initial_vfs = 8, .total_vfs = 8, .num_vfs = 1,
                                      .offset = 384, .stride = 2, .vf_device = 0x10ca,
                                      .vf_bar = {0xe0000004 | 8, 0x1, 0xe0400000}});
}

static void cap_found(void **state)
{
        (void)state;
        build_82576();
        struct sriov_iov_cap c;
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), 0);
        assert_int_equal(c.position, 0x160);
        assert_int_equal(c.version, 1);
        assert_int_equal(c.control, 0x0009);
        assert_int_equal(c.initial_vfs, 8);
        assert_int_equal(c.total_vfs, 8);
        assert_int_equal(c.num_vfs, 1);
        assert_int_equal(c.first_vf_offset, 384);
        assert_int_equal(c.vf_stride, 2);
        assert_int_equal(c.vf_device_id, 0x10ca);
        assert_int_equal(c.supported_page_sizes, 0x553);
        assert_int_equal(c.system_page_size, 1);
        assert_int_equal(c.vf_bar[0], 0xe000000c);
        assert_int_equal(c.vf_bar[1], 1);
        assert_int_equal(c.vf_bar[2], 0xe0400000);
        /* first in the list, and why may be NULL */
        fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
        fx_cfg_sriov(cfg, 0x100, &(struct fx_iov){.total_vfs = 4, .offset = 1, .stride = 1});
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, NULL, 0), 0);
        assert_int_equal(c.position, 0x100);
        assert_int_equal(c.total_vfs, 4);
        /* last place it fits: 0xfc0 + 0x40 == 4096 */
        fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
        fx_cfg_ext_cap(cfg, 0x100, 0x0001);
        fx_cfg_sriov(cfg, 0xfc0, &(struct fx_iov){.total_vfs = 2, .offset = 1, .stride = 1});
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), 0);
        assert_int_equal(c.position, 0xfc0);
}

static void cap_not_found(void **state)
{
        (void)state;
        struct sriov_iov_cap c = {.position = 0x1234};
        /* no extended capabilities at all */
        fx_cfg_header(cfg, 0x8086, 0x10d3, 0x020000);
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ENOENT);
        assert_contains(why, "0x10");
        /* all-ones at 0x100 (a function that does not decode it) */
        memset(cfg + 0x100, 0xff, 4);
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ENOENT);
        /* a list without ID 0x10 */
        fx_cfg_header(cfg, 0x8086, 0x10d3, 0x020000);
        fx_cfg_ext_cap(cfg, 0x100, 0x0001);
        fx_cfg_ext_cap(cfg, 0x140, 0x0003);
        fx_cfg_ext_cap(cfg, 0x150, 0x000e);
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ENOENT);
        assert_contains(why, "list ends at 0x150");
        assert_int_equal(c.position, 0x1234); /* untouched on failure */
}

static void put32(unsigned pos, uint32_t v)
{
        for (int i = 0; i < 4; i++)
                cfg[pos + i] = (uint8_t)(v >> (8 * i));
}

static void cap_loop(void **state)
{
        (void)state;
        struct sriov_iov_cap c;
        /* 0x100 -> 0x140 -> 0x100 */
        fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
        put32(0x100, 0x0001 | 1u << 16 | 0x140u << 20);
        put32(0x140, 0x0003 | 1u << 16 | 0x100u << 20);
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ELOOP);
        assert_contains(why, "0x140 points back to 0x100");
        /* a capability pointing at itself */
        fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
        put32(0x100, 0x0001 | 1u << 16 | 0x180u << 20);
        put32(0x180, 0x000e | 1u << 16 | 0x180u << 20);
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ELOOP);
        /* a long list visiting every dword once is not a loop */
        fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
        for (unsigned pos = 0x100; pos < 0xffc; pos += 4)
                put32(pos, 0x0001 | 1u << 16 | (pos + 4) << 20);
        put32(0xffc, 0x0001 | 1u << 16);
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ENOENT);
}

static void cap_pointer_outside(void **state)
{
        (void)state;
        struct sriov_iov_cap c;
        /* into the legacy space */
        fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
        put32(0x100, 0x0001 | 1u << 16 | 0x040u << 20);
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ERANGE);
        assert_contains(why, "0x100 points to 0x40");
        /* past the last dword */
        put32(0x100, 0x0001 | 1u << 16 | 0xffdu << 20);
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ERANGE);
        put32(0x100, 0x0001 | 1u << 16 | 0xfffu << 20);
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ERANGE);
        /* misaligned */
        put32(0x100, 0x0001 | 1u << 16 | 0x142u << 20);
        assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ERANGE);
}

static void cap_short_read(void **state)
{
        (void)state;
        struct sriov_iov_cap c;
        build_82576();
        assert_int_equal(sriov_iov_cap_parse(cfg, 256, &c, why, sizeof(why)), -ENODATA);
        assert_contains(why, "only 256 bytes");
        assert_int_equal(sriov_iov_cap_parse(cfg, 64, &c, why, sizeof(why)), -ENODATA);
        assert_contains(why, "only 64 bytes");
        assert_int_equal(sriov_iov_cap_parse(cfg, 0, &c, why, sizeof(why)), -ENODATA);
        assert_int_equal(sriov_iov_cap_parse(cfg, 4095, &c, NULL, 0), -ENODATA);
}

static void cap_past_end(void **state)
{
        (void)state;
        struct sriov_iov_cap c;
        static const uint16_t positions[] = {0xfc4, 0xff0, 0xffc};
        for (size_t i = 0; i < ELEMENTSOF(positions); i++) {
                fx_cfg_header(cfg, 0x8086, 0x10c9, 0x020000);
                put32(0x100, 0x0001 | 1u << 16 | (uint32_t)positions[i] << 20);
                put32(positions[i], 0x0010 | 1u << 16);
                assert_int_equal(sriov_iov_cap_parse(cfg, sizeof(cfg), &c, why, sizeof(why)), -ERANGE);
                assert_contains(why, "runs past the end of config space");
        }
}

/* ---- sriov_vf_routing_id -------------------------------------------------- */

static const char *rid(const char *pf, uint16_t offset, uint16_t stride, unsigned i)
{
        static char buf[SRIOV_PCI_ADDR_MAX];
        struct sriov_pci_addr a, v;
        assert_int_equal(pci_addr_parse(pf, &a), 0);
        int r = sriov_vf_routing_id(&a, offset, stride, i, &v);
        if (r < 0) {
                snprintf(buf, sizeof(buf), "%s", strerror(-r));
                return r == -ERANGE ? "ERANGE" : buf;
        }
        pci_addr_format(&v, buf);
        return buf;
}

static void routing_id(void **state)
{
        (void)state;
        /* 82576-like PF with ARI: offset 128 stride 2 -> 02:10.0, 10.2, ..., 11.4 */
        static const char *const igb[] = {"0000:02:10.0", "0000:02:10.2", "0000:02:10.4", "0000:02:10.6",
                                          "0000:02:11.0", "0000:02:11.2", "0000:02:11.4"};
        for (unsigned i = 0; i < ELEMENTSOF(igb); i++)
                assert_string_equal(rid("0000:02:00.0", 128, 2, i), igb[i]);
        /* carry into the bus: 82576 without ARI, offset 384 */
        assert_string_equal(rid("0000:01:00.0", 384, 2, 0), "0000:02:10.0");
        assert_string_equal(rid("0000:01:00.0", 384, 2, 7), "0000:02:11.6");
        /* X550 PF 05:00.1 offset 128 stride 2 -> 05:10.1, 05:10.3 */
        assert_string_equal(rid("0000:05:00.1", 128, 2, 0), "0000:05:10.1");
        assert_string_equal(rid("0000:05:00.1", 128, 2, 1), "0000:05:10.3");
        /* ConnectX-4 Lx PF 08:00.1 offset 2 stride 1 -> 08:00.3, 08:00.4 */
        assert_string_equal(rid("0000:08:00.1", 2, 1, 0), "0000:08:00.3");
        /* ThunderX: 128 VFs at offset 1 stride 1 from 01:00.0 -> last is 01:10.0 */
        assert_string_equal(rid("0002:01:00.0", 1, 1, 127), "0002:01:10.0");
        /* function carries into slot, slot into bus */
        assert_string_equal(rid("0000:0a:1f.7", 1, 1, 0), "0000:0b:00.0");
        /* last routing ID, then one past bus ff */
        assert_string_equal(rid("0000:fe:1f.7", 256, 1, 0), "0000:ff:1f.7");
        assert_string_equal(rid("0000:ff:00.0", 255, 1, 0), "0000:ff:1f.7");
        assert_string_equal(rid("0000:ff:00.0", 256, 1, 0), "ERANGE");
        assert_string_equal(rid("0000:ff:1f.7", 1, 0, 0), "ERANGE");
        assert_string_equal(rid("0000:f0:00.0", 1, 0xffff, 1), "ERANGE");
        assert_string_equal(rid("0000:00:00.0", 0xffff, 0xffff, 0xffffffffu), "ERANGE");
        /* 16-bit offset and stride with VF index 65535 must not wrap 32 bits */
        assert_string_equal(rid("0000:ff:1f.7", 0xffff, 0xffff, 0xffff), "ERANGE");
        assert_string_equal(rid("0000:00:00.0", 0, 0x10000 - 1, 0x10001), "ERANGE");
        /* the domain is the PF's */
        assert_string_equal(rid("abcd:10:00.0", 8, 1, 300), "abcd:11:06.4");
}

/* ---- sriov_iov_cap_bars --------------------------------------------------- */

static void vf_bars(void **state)
{
        (void)state;
        struct sriov_iov_cap c = {0};
        struct sriov_vf_bar b[6];
        /* cap-ide's VF BARs: two 64-bit prefetchable pairs */
        c.vf_bar[0] = 0xf800000c;
        c.vf_bar[1] = 0x000001ff;
        c.vf_bar[2] = 0x1800c00c;
        c.vf_bar[3] = 0x00000200;
        sriov_iov_cap_bars(&c, b);
        assert_int_equal(b[0].kind, SRIOV_BAR_MEM64);
        assert_true(b[0].prefetchable);
        assert_true(b[0].address == UINT64_C(0x000001fff8000000));
        assert_int_equal(b[1].kind, SRIOV_BAR_UPPER);
        assert_int_equal(b[2].kind, SRIOV_BAR_MEM64);
        assert_true(b[2].address == UINT64_C(0x000002001800c000));
        assert_int_equal(b[3].kind, SRIOV_BAR_UPPER);
        assert_int_equal(b[4].kind, SRIOV_BAR_UNUSED);
        assert_int_equal(b[5].kind, SRIOV_BAR_UNUSED);
        /* 32-bit, non-prefetchable, then a 64-bit pair whose upper half is 0 */
        memset(&c, 0, sizeof(c));
        c.vf_bar[0] = 0xe0000000;
        c.vf_bar[1] = 0xe0400008;
        c.vf_bar[2] = 0x88408004;
        c.vf_bar[3] = 0;
        sriov_iov_cap_bars(&c, b);
        assert_int_equal(b[0].kind, SRIOV_BAR_MEM32);
        assert_false(b[0].prefetchable);
        assert_true(b[0].address == 0xe0000000);
        assert_int_equal(b[1].kind, SRIOV_BAR_MEM32);
        assert_true(b[1].prefetchable);
        assert_true(b[1].address == 0xe0400000);
        assert_int_equal(b[2].kind, SRIOV_BAR_MEM64);
        assert_false(b[2].prefetchable);
        assert_true(b[2].address == 0x88408000);
        assert_int_equal(b[3].kind, SRIOV_BAR_UPPER);
        /* a 64-bit BAR in the last register has no upper half to pair with */
        memset(&c, 0, sizeof(c));
        c.vf_bar[5] = 0x10000004;
        sriov_iov_cap_bars(&c, b);
        assert_int_equal(b[4].kind, SRIOV_BAR_UNUSED);
        assert_int_not_equal(b[5].kind, SRIOV_BAR_MEM64);
        assert_true(b[5].address == 0x10000000);
}

/* ---- PCI addresses -------------------------------------------------------- */

static void addr_parse_format(void **state)
{
        (void)state;
        struct sriov_pci_addr a;
        char buf[SRIOV_PCI_ADDR_MAX];
        static const struct {
                const char *in, *out;
        } good[] = {
                {"0000:02:10.2", "0000:02:10.2"}, {"02:10.2", "0000:02:10.2"},
                {"ffff:ff:1f.7", "ffff:ff:1f.7"}, {"0000:AF:00.0", "0000:af:00.0"},
                {"0002:01:00.0", "0002:01:00.0"}, {"abcd:0:1.3", "abcd:00:01.3"},
        };
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                assert_int_equal(pci_addr_parse(good[i].in, &a), 0);
                pci_addr_format(&a, buf);
                assert_string_equal(buf, good[i].out);
        }
        static const char *const bad[] = {
                "",              "0000:02:00",     "0000:02:00.0 ", " 0000:02:00.0", "0000: 02:00.0",
                "+000:02:00.0",  "0000:+2:00.0",   "0000:-2:00.0",  "0000:02:-0.0",  "0000:02:00.-1",
                "0000:02:00.+1", "0x00:02:00.0",   "0000:02:00.0x", "0000:02:00.0.", "eth0",
                "0000:02:00.0\n", "0000_02:00.0",  "0000:02.00.0",  "0000:02:00:0",  "g000:02:00.0",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                a = (struct sriov_pci_addr){.domain = 0x4242};
                if (pci_addr_parse(bad[i], &a) == 0)
                        fail_msg("accepted '%s'", bad[i]);
                assert_int_equal(a.domain, 0x4242); /* not written */
        }
        /* out of range: slot > 1f, function > 7, bus > ff, domain > ffff */
        assert_int_equal(pci_addr_parse("0000:02:20.0", &a), -ERANGE);
        assert_int_equal(pci_addr_parse("0000:02:1f.8", &a), -ERANGE);
        assert_int_equal(pci_addr_parse("0000:02:00.9", &a), -ERANGE);
        assert_int_equal(pci_addr_parse("0000:100:00.0", &a), -ERANGE);
        assert_int_equal(pci_addr_parse("10000:02:00.0", &a), -ERANGE);
        assert_int_equal(pci_addr_parse("02:20.0", &a), -ERANGE);
        /* round trip over every slot and function */
        for (unsigned s = 0; s < 32; s++)
                for (unsigned f = 0; f < 8; f++) {
                        struct sriov_pci_addr in = {.domain = 0x10, .bus = 0xa2, .slot = (uint8_t)s,
                                                    .function = (uint8_t)f},
                                              out;
                        pci_addr_format(&in, buf);
                        assert_int_equal(pci_addr_parse(buf, &out), 0);
                        assert_true(in.domain == out.domain && in.bus == out.bus &&
                                    in.slot == out.slot && in.function == out.function);
                }
}

/* ---- pci_dump_check -------------------------------------------------------- */

/* A valid dump of the 82576-like PF (4096 bytes), as text. */
static char *dump_text(size_t *len, size_t bytes)
{
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        assert_non_null(f);
        build_82576();
        assert_int_equal(fx_dump_device(f, "02:00.0 Ethernet controller: Intel Corporation 82576 "
                                           "Gigabit Network Connection (rev 01)",
                                        cfg, bytes),
                         0);
        assert_int_equal(fclose(f), 0);
        *len = size;
        return buf;
}

static int check(const char *text)
{
        return pci_dump_check(text, strlen(text), why, sizeof(why));
}

static void dump_check_valid(void **state)
{
        (void)state;
        size_t len;
        char *t = dump_text(&len, 4096);
        assert_int_equal(pci_dump_check(t, len, why, sizeof(why)), 0);
        free(t);
        t = dump_text(&len, 256);
        assert_int_equal(pci_dump_check(t, len, why, sizeof(why)), 0);
        free(t);
        /* lspci -vvv text between header and hex, CRLF, domain forms */
        assert_int_equal(check("0000:02:00.0 Ethernet controller: X\r\n"
                               "\tSubsystem: Intel Corporation Device a03c\r\n"
                               "00: 86 80 c9 10\r\n\r\n"
                               "10000:00:01.0 Bridge\n00: 86 80 00 00\n"),
                         0);
        /* hex lines outside a device block are ignored, as libpci does */
        assert_int_equal(check("00: zz\n02:00.0 X\n00: 86 80\n"), 0);
        /* a line of exactly 253 characters is fine */
        char line[300];
        memset(line, 'x', sizeof(line));
        memcpy(line, "02:00.0 ", 8);
        line[253] = '\n';
        line[254] = 0;
        assert_int_equal(check(line), 0);
        /* the highest offset that still fits: ff0 + 16 bytes */
        assert_int_equal(check("02:00.0 X\nff0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"), 0);
}

static void dump_check_defects(void **state)
{
        (void)state;
        /* truncated: the last line has no newline */
        assert_int_equal(check("02:00.0 X\n00: 86 80 c9"), -EBADMSG);
        assert_contains(why, "line 2 has no newline");
        /* a line longer than libpci's buffer */
        char line[300];
        memset(line, 'x', sizeof(line));
        memcpy(line, "02:00.0 ", 8);
        line[254] = '\n';
        line[255] = 0;
        assert_int_equal(check(line), -EBADMSG);
        assert_contains(why, "line 1 is 254 characters long");
        /* malformed hex */
        assert_int_equal(check("02:00.0 X\n00: 86 8g c9 10\n"), -EBADMSG);
        assert_contains(why, "line 2: malformed hex data at column 8");
        assert_int_equal(check("02:00.0 X\n00: 86  80\n"), -EBADMSG);
        assert_int_equal(check("02:00.0 X\n00: 868\n"), -EBADMSG);
        /* an offset beyond the 4096-byte config space */
        assert_int_equal(check("02:00.0 X\nff8: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"),
                         -EBADMSG);
        assert_contains(why, "line 2: offset 0xff8 + 16 bytes is beyond");
        assert_int_equal(check("02:00.0 X\n1000: 00\n"), -EBADMSG);
        /* 8 hex digits: libpci's int would go negative and index before its buffer */
        assert_int_equal(check("02:00.0 X\nffffffff: 00\n"), -EBADMSG);
        assert_contains(why, "offset 0xffffffff");
        assert_int_equal(check("02:00.0 X\n80000000: 00\n"), -EBADMSG);
        assert_int_equal(check("02:00.0 X\nfffffffc: 00 00 00 00\n"), -EBADMSG);
        /* no device line */
        assert_int_equal(check("00: 86 80 c9 10\n10: 00 00\n"), -ENODATA);
        assert_contains(why, "no device header line");
        assert_int_equal(check("\n\n"), -ENODATA);
        assert_int_equal(pci_dump_check("", 0, why, sizeof(why)), -ENODATA);
        assert_contains(why, "empty");
        /* NUL bytes */
        static const char nul[] = "02:00.0 Eth\0ernet\n00: 86 80\n";
        assert_int_equal(pci_dump_check(nul, sizeof(nul) - 1, why, sizeof(why)), -EBADMSG);
        assert_contains(why, "line 1 contains a NUL byte");
        static const char nul2[] = "02:00.0 X\n00: 86 80\n\0\n";
        assert_int_equal(pci_dump_check(nul2, sizeof(nul2) - 1, why, sizeof(why)), -EBADMSG);
        assert_contains(why, "line 3");
        /* device lines with slot > 1f or function > 7 */
        assert_int_equal(check("02:20.0 X\n"), -EBADMSG);
        assert_contains(why, "02:20.0");
        assert_int_equal(check("0000:02:00.8 X\n"), -EBADMSG);
        /* why may be NULL */
        assert_int_equal(pci_dump_check("x", 1, NULL, 0), -EBADMSG);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(cap_found),        cmocka_unit_test(cap_not_found),
                cmocka_unit_test(cap_loop),         cmocka_unit_test(cap_pointer_outside),
                cmocka_unit_test(cap_short_read),   cmocka_unit_test(cap_past_end),
                cmocka_unit_test(routing_id),       cmocka_unit_test(vf_bars),
                cmocka_unit_test(addr_parse_format), cmocka_unit_test(dump_check_valid),
                cmocka_unit_test(dump_check_defects),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
