/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl attach, detach and allocations. */
#include <stdio.h>

#include "cli.h"

int cmd_attach(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        (void)ctx, (void)o, (void)args, (void)nargs;
        fprintf(stderr, "sriovctl: attach: not implemented yet\n");
        return EXIT_FAIL;
}

int cmd_detach(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        (void)ctx, (void)o, (void)args, (void)nargs;
        fprintf(stderr, "sriovctl: detach: not implemented yet\n");
        return EXIT_FAIL;
}

int cmd_allocations(struct sriov_ctx *ctx, const struct options *o, char **args, int nargs)
{
        (void)ctx, (void)o, (void)args, (void)nargs;
        fprintf(stderr, "sriovctl: allocations: not implemented yet\n");
        return EXIT_FAIL;
}
