/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mkfixture: writes a fixture sysfs tree (see fixture.h) into DIR.
 *
 *   mkfixture DIR                   the standard tree the unit tests use
 *   mkfixture --pfs N --vfs M DIR   N SR-IOV PFs with M VFs each (benchmarks)
 *
 * Then: sriovctl --sysfs-root DIR list */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"

static int number(const char *s, unsigned max, unsigned *ret)
{
        char *end;
        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (!*s || *end || errno || v > max || s[0] == '-')
                return -1;
        *ret = (unsigned)v;
        return 0;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                {"pfs", required_argument, NULL, 'p'},
                {"vfs", required_argument, NULL, 'v'},
                {"help", no_argument, NULL, 'h'},
                {0},
        };
        unsigned pfs = 0, vfs = 0;
        bool scale = false;
        int c;
        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                switch (c) {
                case 'p':
                        if (number(optarg, 64, &pfs) < 0) {
                                fprintf(stderr, "mkfixture: --pfs takes 0..64, got '%s'\n", optarg);
                                return 2;
                        }
                        scale = true;
                        break;
                case 'v':
                        if (number(optarg, 504, &vfs) < 0) {
                                fprintf(stderr, "mkfixture: --vfs takes 0..504, got '%s'\n", optarg);
                                return 2;
                        }
                        scale = true;
                        break;
                case 'h':
                        printf("Usage: mkfixture [--pfs N --vfs M] DIR\n"
                               "Writes a sysfs-shaped fixture tree into DIR (created if needed):\n"
                               "the standard test tree, or N PFs with M VFs each.\n");
                        return 0;
                default:
                        return 2;
                }
        }
        if (optind + 1 != argc) {
                fprintf(stderr, "mkfixture: expected one directory; try --help\n");
                return 2;
        }
        const char *dir = argv[optind];
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                fprintf(stderr, "mkfixture: %s: %s\n", dir, strerror(errno));
                return 1;
        }
        int r = scale ? fx_tree_scale(dir, pfs, vfs) : fx_tree_standard(dir);
        if (r < 0) {
                fprintf(stderr, "mkfixture: %s: %s\n", dir, strerror(-r));
                return 1;
        }
        return 0;
}
