/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure parsers of PCI data: addresses, the extended capability list, the
 * SR-IOV capability, VF routing IDs and the text of `lspci -xxxx` dumps.
 * No I/O here: these take bytes and are what the fuzz harness drives. */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "internal.h"
#include "pciparse.h"

#define PCI_CFG_SPACE 256
#define PCI_CFG_SPACE_EXP 4096
#define PCI_EXT_CAP_ID_SRIOV 0x10
#define SRIOV_CAP_SIZE 0x40

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static void say(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t size, const char *fmt, ...)
{
        if (!why || !size)
                return;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, size, fmt, ap);
        va_end(ap);
}

int pci_addr_parse(const char *s, struct sriov_pci_addr *ret)
{
        unsigned dom = 0, bus, slot, fn;
        int n = 0;
        if (sscanf(s, "%x:%x:%x.%u%n", &dom, &bus, &slot, &fn, &n) != 4 || s[n]) {
                dom = 0;
                n = 0;
                if (sscanf(s, "%x:%x.%u%n", &bus, &slot, &fn, &n) != 3 || s[n])
                        return -EINVAL;
        }
        /* sscanf accepts signs and spaces; a PCI address has neither */
        for (const char *p = s; *p; p++)
                if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
                        return -EINVAL;
        if (dom > 0xffff || bus > 0xff || slot > 0x1f || fn > 7)
                return -ERANGE;
        *ret = (struct sriov_pci_addr){.domain = dom, .bus = (uint8_t)bus, .slot = (uint8_t)slot,
                                       .function = (uint8_t)fn};
        return 0;
}

void pci_addr_format(const struct sriov_pci_addr *a, char buf[static SRIOV_PCI_ADDR_MAX])
{
        snprintf(buf, SRIOV_PCI_ADDR_MAX, "%04" PRIx32 ":%02x:%02x.%x", a->domain & 0xffff, a->bus,
                 a->slot, a->function);
}

int pci_ext_cap_find(const uint8_t *cfg, size_t len, uint16_t id, uint16_t *ret, char *why,
                     size_t why_size)
{
        if (len < PCI_CFG_SPACE_EXP) {
                say(why, why_size,
                    "only %zu bytes of config space are readable; the extended capabilities "
                    "start at 0x100 and need all 4096",
                    len);
                return -ENODATA;
        }
        /* A list can visit each dword at most once: anything more is a loop. */
        uint8_t seen[(PCI_CFG_SPACE_EXP - PCI_CFG_SPACE) / 4 / 8] = {0};
        unsigned pos = PCI_CFG_SPACE;
        for (;;) {
                uint32_t hdr = le32(cfg + pos);
                /* all-ones or all-zero at 0x100: no extended capabilities */
                if (hdr == 0 || hdr == 0xffffffff) {
                        say(why, why_size, "no extended capability with ID 0x%02x (list ends at 0x%x)",
                            id, pos);
                        return -ENOENT;
                }
                if ((hdr & 0xffff) == id) {
                        *ret = (uint16_t)pos;
                        return 0;
                }
                unsigned idx = (pos - PCI_CFG_SPACE) / 4;
                seen[idx / 8] |= (uint8_t)(1u << (idx % 8));
                unsigned next = hdr >> 20;
                if (next == 0) {
                        say(why, why_size, "no extended capability with ID 0x%02x (list ends at 0x%x)",
                            id, pos);
                        return -ENOENT;
                }
                if (next < PCI_CFG_SPACE || next > PCI_CFG_SPACE_EXP - 4 || (next & 3)) {
                        say(why, why_size,
                            "extended capability at 0x%x points to 0x%x, outside the extended "
                            "config space 0x100..0xffc",
                            pos, next);
                        return -ERANGE;
                }
                idx = (next - PCI_CFG_SPACE) / 4;
                if (seen[idx / 8] & (1u << (idx % 8))) {
                        say(why, why_size,
                            "extended capability list loops: 0x%x points back to 0x%x", pos, next);
                        return -ELOOP;
                }
                pos = next;
        }
}

int sriov_iov_cap_parse(const uint8_t *cfg, size_t len, struct sriov_iov_cap *ret, char *why,
                        size_t why_size)
{
        uint16_t pos;
        int r = pci_ext_cap_find(cfg, len, PCI_EXT_CAP_ID_SRIOV, &pos, why, why_size);
        if (r < 0)
                return r;
        if (pos + SRIOV_CAP_SIZE > PCI_CFG_SPACE_EXP) {
                say(why, why_size,
                    "SR-IOV capability at 0x%x needs 0x%x bytes and runs past the end of config "
                    "space",
                    pos, SRIOV_CAP_SIZE);
                return -ERANGE;
        }
        const uint8_t *c = cfg + pos;
        struct sriov_iov_cap cap = {
                .position = pos,
                .version = (uint8_t)((le32(c) >> 16) & 0xf),
                .capabilities = le32(c + 0x04),
                .control = le16(c + 0x08),
                .status = le16(c + 0x0a),
                .initial_vfs = le16(c + 0x0c),
                .total_vfs = le16(c + 0x0e),
                .num_vfs = le16(c + 0x10),
                .function_dependency_link = c[0x12],
                .first_vf_offset = le16(c + 0x14),
                .vf_stride = le16(c + 0x16),
                .vf_device_id = le16(c + 0x1a),
                .supported_page_sizes = le32(c + 0x1c),
                .system_page_size = le32(c + 0x20),
                .migration_state_array = le32(c + 0x3c),
        };
        for (unsigned i = 0; i < 6; i++)
                cap.vf_bar[i] = le32(c + 0x24 + 4 * i);
        *ret = cap;
        return 0;
}

void sriov_iov_cap_bars(const struct sriov_iov_cap *cap, struct sriov_vf_bar ret[6])
{
        for (unsigned i = 0; i < 6; i++) {
                uint32_t v = cap->vf_bar[i];
                ret[i] = (struct sriov_vf_bar){.kind = SRIOV_BAR_UNUSED};
                if (v == 0)
                        continue;
                /* VF BARs are memory BARs only; bits 2:1 = 10b is 64-bit. */
                bool is64 = ((v >> 1) & 3) == 2;
                ret[i].prefetchable = v & 8;
                ret[i].address = v & ~UINT32_C(0xf);
                if (is64 && i < 5) {
                        ret[i].kind = SRIOV_BAR_MEM64;
                        ret[i].address |= (uint64_t)cap->vf_bar[i + 1] << 32;
                        ret[i + 1] = (struct sriov_vf_bar){.kind = SRIOV_BAR_UPPER};
                        i++;
                } else
                        ret[i].kind = SRIOV_BAR_MEM32;
        }
}

int sriov_vf_routing_id(const struct sriov_pci_addr *pf, uint16_t offset, uint16_t stride,
                        unsigned i, struct sriov_pci_addr *ret)
{
        /* 64 bits: VF 65535 at stride 65535 would wrap a 32-bit sum */
        uint64_t rid = ((uint64_t)pf->bus << 8 | (uint64_t)pf->slot << 3 | pf->function) + offset +
                       (uint64_t)i * stride;
        if (rid > 0xffff)
                return -ERANGE;
        *ret = (struct sriov_pci_addr){.domain = pf->domain, .bus = (uint8_t)(rid >> 8),
                                       .slot = (uint8_t)((rid >> 3) & 0x1f),
                                       .function = (uint8_t)(rid & 7)};
        return 0;
}

/* ---- lspci -xxxx dump text --------------------------------------------- */

/* libpci's dump reader uses a 256-byte fgets buffer. */
#define DUMP_LINE_MAX 253

static int hexval(char c)
{
        return isdigit((unsigned char)c) ? c - '0' : (tolower((unsigned char)c) - 'a' + 10);
}

static bool is_hex_run(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (!isxdigit((unsigned char)s[i]))
                        return false;
        return true;
}

/* "bb:ss.f " or "dddd:bb:ss.f " (4 or 5 domain digits) at the line start */
static bool is_device_line(const char *s, size_t len, unsigned *slot, unsigned *fn)
{
        for (size_t dom = 0; dom <= 5; dom++) {
                if (dom != 0 && dom != 4 && dom != 5)
                        continue;
                size_t o = dom ? dom + 1 : 0;
                if (len < o + 8)
                        continue;
                if (dom && (!is_hex_run(s, dom) || s[dom] != ':'))
                        continue;
                const char *p = s + o;
                if (is_hex_run(p, 2) && p[2] == ':' && is_hex_run(p + 3, 2) && p[5] == '.' &&
                    isxdigit((unsigned char)p[6]) && p[7] == ' ') {
                        *slot = (unsigned)(hexval(p[3]) << 4 | hexval(p[4]));
                        *fn = isdigit((unsigned char)p[6]) ? (unsigned)(p[6] - '0') : 99;
                        return true;
                }
        }
        return false;
}

int pci_dump_check(const char *text, size_t len, char *why, size_t why_size)
{
        size_t lineno = 0, devices = 0;
        bool in_device = false;
        const char *p = text, *end = text + len;
        if (len == 0) {
                say(why, why_size, "the file is empty");
                return -ENODATA;
        }
        while (p < end) {
                lineno++;
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                if (!nl) {
                        say(why, why_size, "line %zu has no newline: the file is truncated", lineno);
                        return -EBADMSG;
                }
                size_t n = (size_t)(nl - p);
                if (n > 0 && p[n - 1] == '\r')
                        n--;
                if (memchr(p, 0, n)) {
                        say(why, why_size, "line %zu contains a NUL byte: not a text dump", lineno);
                        return -EBADMSG;
                }
                if (n > DUMP_LINE_MAX) {
                        say(why, why_size, "line %zu is %zu characters long (libpci reads at most %d)",
                            lineno, n, DUMP_LINE_MAX);
                        return -EBADMSG;
                }
                unsigned slot, fn;
                if (is_device_line(p, n, &slot, &fn)) {
                        if (slot > 31 || fn > 7) {
                                say(why, why_size, "line %zu: device %.*s has slot > 0x1f or function > 7",
                                    lineno, (int)(memchr(p, ' ', n) ? (char *)memchr(p, ' ', n) - p : (long)n), p);
                                return -EBADMSG;
                        }
                        in_device = true;
                        devices++;
                } else if (n == 0) {
                        in_device = false;
                } else if (in_device) {
                        /* a hex line: "OFFSET: xx xx ..." with 2 to 8 offset digits */
                        size_t d = 0;
                        while (d < n && isxdigit((unsigned char)p[d]))
                                d++;
                        if (d >= 2 && d <= 8 && d + 1 < n && p[d] == ':' && p[d + 1] == ' ') {
                                unsigned long off = strtoul(p, NULL, 16);
                                size_t i = d + 2, count = 0;
                                /* byte tokens "xx" separated by single spaces, as libpci reads them */
                                while (i + 2 <= n && is_hex_run(p + i, 2) && (i + 2 == n || p[i + 2] == ' ')) {
                                        count++;
                                        i += i + 2 == n ? 2 : 3;
                                }
                                if (i < n) {
                                        say(why, why_size,
                                            "line %zu: malformed hex data at column %zu: '%.*s'",
                                            lineno, i + 1, (int)(n - i > 16 ? 16 : n - i), p + i);
                                        return -EBADMSG;
                                }
                                if (off + count > PCI_CFG_SPACE_EXP) {
                                        say(why, why_size,
                                            "line %zu: offset 0x%lx + %zu bytes is beyond the 4096-byte "
                                            "config space",
                                            lineno, off, count);
                                        return -EBADMSG;
                                }
                        }
                }
                p = nl + 1;
        }
        if (devices == 0) {
                say(why, why_size, "no device header line (like '02:00.0 Ethernet controller: ...')");
                return -ENODATA;
        }
        return 0;
}
