/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The setup most unit tests share (header-only): a libsriov context on a
 * fresh fixture tree (fixture.h; the standard one unless said otherwise),
 * its state directory at ROOT/state, and the last scan of it. */
#ifndef SRIOV_TEST_FXENV_H
#define SRIOV_TEST_FXENV_H

#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"
#include "sriov.h"
#include "testutil.h"

struct env {
        char *root;  /* the standard tree */
        char *state; /* ROOT/state, created on first use */
        struct sriov_ctx *ctx;
        struct sriov_inventory *inv; /* env_scan() */
};

static inline void env_close(struct env *e)
{
        if (!e)
                return;
        sriov_inventory_free(e->inv);
        sriov_ctx_free(e->ctx);
        if (e->root)
                fx_rm_rf(e->root);
        free(e->root);
        free(e->state);
        free(e);
}

/* A tree made by build (NULL: an empty one). NULL (having printed why) if
 * the tree or the context cannot be made. */
static inline struct env *env_open_tree(const char *tag, int (*build)(const char *root))
{
        struct env *e = calloc(1, sizeof(*e));
        if (!e || !(e->root = fx_tmpdir(tag)) || (build && build(e->root) < 0) ||
            asprintf(&e->state, "%s/state", e->root) < 0 || sriov_ctx_new(&e->ctx) < 0 ||
            sriov_ctx_set_sysfs_root(e->ctx, e->root) < 0 || sriov_ctx_set_state_dir(e->ctx, e->state) < 0) {
                fprintf(stderr, "env_open(%s): cannot set up the fixture tree or the context\n", tag);
                env_close(e);
                return NULL;
        }
        return e;
}

static inline struct env *env_open(const char *tag)
{
        return env_open_tree(tag, fx_tree_standard);
}

/* (Re)scans the tree into e->inv; fails the test if the scan fails. */
static inline struct sriov_inventory *env_scan(struct env *e)
{
        sriov_inventory_free(e->inv);
        e->inv = NULL;
        int r = sriov_inventory_scan(e->ctx, &e->inv);
        if (r < 0)
                fail_msg("scan of %s: %s (%s)", e->root, strerror(-r), sriov_ctx_error(e->ctx));
        return e->inv;
}

static inline int env_teardown(void **state)
{
        env_close(*state);
        return 0;
}

#endif
