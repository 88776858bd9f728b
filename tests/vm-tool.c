/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sriov-testtool: drives libsriov's macvtap and vfio calls from the
 * real-kernel rig's scripts (tests/vm/t-macvtap-vfio.sh). Not installed.
 *
 *   sriov-testtool macvtap-add LOWER MODE MAC|- [NAME]
 *       prints "IFNAME IFINDEX TAP_PATH MAC MODE"
 *   sriov-testtool macvtap-del NAME
 *   sriov-testtool macvtap-uppers LOWER     one "IFNAME KIND MODE" per line
 *   sriov-testtool vfio-bind ADDR           prints "GROUP GROUP_PATH PREVIOUS_DRIVER|-"
 *   sriov-testtool vfio-unbind ADDR [DRIVER] prints the driver bound now
 *   sriov-testtool eswitch-set DEVICE legacy|switchdev   (sriov_eswitch_set_mode)
 *   sriov-testtool devlink-eswitch BUS/DEV  prints "MODE INLINE ENCAP" (- when absent)
 *   sriov-testtool devlink-eswitch-set BUS/DEV mode|inline-mode|encap-mode NUMBER
 *   sriov-testtool devlink-ports            one "BUS/DEV/INDEX FLAVOUR PF VF NETDEV" per port
 *
 * SRIOV_TESTTOOL_RECORD=FILE appends every devlink exchange to FILE in the
 * recording format the unit tests replay (sriov/genl.h): how the fixtures
 * in tests/devlink/ were recorded.
 * Errors: "sriov-testtool: MESSAGE (ENAME)" on stderr, exit 1; usage: 2.
 * SRIOV_TESTTOOL_SYSFS: a sysfs root other than /sys. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devlink.h"
#include "genl.h"
#include "sriov.h"

static int usage(void)
{
        fputs("usage: sriov-testtool macvtap-add LOWER MODE MAC|- [NAME] | macvtap-del NAME |\n"
              "       macvtap-uppers LOWER | vfio-bind ADDR | vfio-unbind ADDR [DRIVER] |\n"
              "       eswitch-set DEVICE legacy|switchdev | devlink-eswitch BUS/DEV | devlink-ports |\n"
              "       devlink-eswitch-set BUS/DEV mode|inline-mode|encap-mode NUMBER\n",
              stderr);
        return 2;
}

static int failed(struct sriov_ctx *ctx, int r)
{
        fprintf(stderr, "sriov-testtool: %s (%s)\n", sriov_ctx_error(ctx), sriov_errno_name(r));
        return 1;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
        unsigned v[6];
        int n = 0;
        if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &n) != 6 || s[n])
                return -1;
        for (int i = 0; i < 6; i++)
                mac[i] = (uint8_t)v[i];
        return 0;
}

int main(int argc, char **argv)
{
        if (argc < 2)
                return usage();
        struct sriov_ctx *ctx = NULL;
        if (sriov_ctx_new(&ctx) < 0)
                return 1;
        const char *root = getenv("SRIOV_TESTTOOL_SYSFS");
        int r, rc = 0;
        FILE *rec = NULL;
        if (root && (r = sriov_ctx_set_sysfs_root(ctx, root)) < 0) {
                rc = failed(ctx, r);
                goto out;
        }
        const char *record = getenv("SRIOV_TESTTOOL_RECORD");
        if (record && (!(rec = fopen(record, "ae")) || genl_record(ctx, rec) < 0)) {
                fprintf(stderr, "sriov-testtool: %s: %s\n", record, strerror(errno));
                rc = 1;
                goto out;
        }
        const char *cmd = argv[1];
        if (strcmp(cmd, "macvtap-add") == 0 && (argc == 5 || argc == 6)) {
                enum sriov_macvtap_mode mode;
                uint8_t mac[6];
                if (sriov_macvtap_mode_parse(argv[3], &mode) < 0) {
                        fprintf(stderr, "sriov-testtool: unknown mode '%s'\n", argv[3]);
                        rc = 2;
                        goto out;
                }
                bool has_mac = strcmp(argv[4], "-") != 0;
                if (has_mac && parse_mac(argv[4], mac) < 0) {
                        fprintf(stderr, "sriov-testtool: bad MAC '%s'\n", argv[4]);
                        rc = 2;
                        goto out;
                }
                struct sriov_macvtap m;
                r = sriov_macvtap_create(ctx, argv[2], mode, argc == 6 ? argv[5] : NULL, has_mac ? mac : NULL, 0,
                                         &m);
                if (r < 0) {
                        rc = failed(ctx, r);
                        goto out;
                }
                char buf[18];
                sriov_format_mac(m.mac, buf);
                printf("%s %d %s %s %s\n", m.ifname, m.ifindex, m.tap_path, buf, sriov_macvtap_mode_name(m.mode));
        } else if (strcmp(cmd, "macvtap-del") == 0 && argc == 3) {
                if ((r = sriov_macvtap_delete(ctx, argv[2])) < 0)
                        rc = failed(ctx, r);
        } else if (strcmp(cmd, "macvtap-uppers") == 0 && argc == 3) {
                struct sriov_macvtap *v = NULL;
                size_t n = 0;
                if ((r = sriov_macvtap_uppers(ctx, argv[2], &v, &n)) < 0) {
                        rc = failed(ctx, r);
                        goto out;
                }
                for (size_t i = 0; i < n; i++)
                        printf("%s %s %s\n", v[i].ifname, v[i].kind,
                               v[i].mode_known ? sriov_macvtap_mode_name(v[i].mode) : "?");
                sriov_macvtaps_free(v, n);
        } else if (strcmp(cmd, "vfio-bind") == 0 && argc == 3) {
                struct sriov_vfio_binding b;
                if ((r = sriov_vfio_bind(ctx, argv[2], 0, &b)) < 0) {
                        rc = failed(ctx, r);
                        goto out;
                }
                printf("%" PRId64 " %s %s\n", b.iommu_group, b.group_path,
                       b.previous_driver[0] ? b.previous_driver : "-");
        } else if (strcmp(cmd, "vfio-unbind") == 0 && (argc == 3 || argc == 4)) {
                char *d = NULL;
                if ((r = sriov_vfio_unbind(ctx, argv[2], argc == 4 ? argv[3] : NULL, 0, &d)) < 0) {
                        rc = failed(ctx, r);
                        goto out;
                }
                printf("%s\n", d);
                free(d);
        } else if (strcmp(cmd, "eswitch-set") == 0 && argc == 4) {
                bool sd = strcmp(argv[3], "switchdev") == 0;
                if (!sd && strcmp(argv[3], "legacy") != 0) {
                        rc = usage();
                        goto out;
                }
                struct sriov_inventory *inv = NULL;
                struct sriov_pf *pf;
                if ((r = sriov_inventory_scan(ctx, &inv)) < 0 || (r = sriov_inventory_find(ctx, inv, argv[2], &pf)) < 0 ||
                    (r = sriov_eswitch_set_mode(ctx, pf, sd ? SRIOV_ESWITCH_SWITCHDEV : SRIOV_ESWITCH_LEGACY)) < 0)
                        rc = failed(ctx, r);
                sriov_inventory_free(inv);
        } else if (strcmp(cmd, "devlink-eswitch") == 0 && argc == 3 && strchr(argv[2], '/')) {
                char *bus = strdup(argv[2]), *dev = strchr(bus, '/');
                *dev++ = 0;
                struct devlink_eswitch e;
                if ((r = devlink_eswitch_get(ctx, bus, dev, &e)) < 0)
                        rc = failed(ctx, r);
                else
                        printf("%s %s %s\n",
                               e.present & DEVLINK_ESW_F_MODE ? (e.mode ? "switchdev" : "legacy") : "-",
                               e.present & DEVLINK_ESW_F_INLINE ? devlink_inline_mode_name(e.inline_mode) : "-",
                               e.present & DEVLINK_ESW_F_ENCAP ? devlink_encap_mode_name(e.encap_mode) : "-");
                free(bus);
        } else if (strcmp(cmd, "devlink-eswitch-set") == 0 && argc == 5 && strchr(argv[2], '/')) {
                char *bus = strdup(argv[2]), *dev = strchr(bus, '/');
                *dev++ = 0;
                unsigned v = (unsigned)strtoul(argv[4], NULL, 10);
                struct devlink_eswitch e = {.mode = (uint16_t)v, .inline_mode = (uint8_t)v, .encap_mode = (uint8_t)v};
                e.present = strcmp(argv[3], "mode") == 0          ? DEVLINK_ESW_F_MODE
                            : strcmp(argv[3], "inline-mode") == 0 ? DEVLINK_ESW_F_INLINE
                            : strcmp(argv[3], "encap-mode") == 0  ? DEVLINK_ESW_F_ENCAP
                                                                  : 0;
                if (!e.present)
                        rc = usage();
                else if ((r = devlink_eswitch_set(ctx, bus, dev, &e)) < 0)
                        rc = failed(ctx, r);
                free(bus);
        } else if (strcmp(cmd, "devlink-ports") == 0 && argc == 2) {
                struct devlink_port *p = NULL;
                size_t n = 0;
                if ((r = devlink_port_dump(ctx, &p, &n)) < 0) {
                        rc = failed(ctx, r);
                        goto out;
                }
                for (size_t i = 0; i < n; i++) {
                        printf("%s/%s/%u %s", p[i].bus, p[i].dev, p[i].index, devlink_flavour_name(p[i].flavour));
                        printf(p[i].present & DEVLINK_PORT_F_PF ? " %u" : " -", p[i].pf);
                        printf(p[i].present & DEVLINK_PORT_F_VF ? " %u" : " -", p[i].vf);
                        printf(" %s\n", p[i].present & DEVLINK_PORT_F_NETDEV ? p[i].netdev : "-");
                }
                devlink_ports_free(p, n);
        } else {
                rc = usage();
        }
out:
        sriov_ctx_free(ctx);
        if (rec)
                fclose(rec);
        return rc;
}
