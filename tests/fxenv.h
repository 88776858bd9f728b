/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The setup most unit tests share (header-only): a libsriov context on a
 * fresh standard fixture tree (fixture.h), its state directory at
 * ROOT/state. */
#ifndef SRIOV_TEST_FXENV_H
#define SRIOV_TEST_FXENV_H

#include <stdio.h>
#include <stdlib.h>

#include "fixture.h"
#include "sriov.h"

struct env {
        char *root;  /* the standard tree */
        char *state; /* ROOT/state, created on first use */
        struct sriov_ctx *ctx;
};

static inline void env_close(struct env *e)
{
        if (!e)
                return;
        sriov_ctx_free(e->ctx);
        if (e->root)
                fx_rm_rf(e->root);
        free(e->root);
        free(e->state);
        free(e);
}

/* NULL (having printed why) if the tree or the context cannot be made. */
static inline struct env *env_open(const char *tag)
{
        struct env *e = calloc(1, sizeof(*e));
        if (!e || !(e->root = fx_tmpdir(tag)) || fx_tree_standard(e->root) < 0 ||
            asprintf(&e->state, "%s/state", e->root) < 0 || sriov_ctx_new(&e->ctx) < 0 ||
            sriov_ctx_set_sysfs_root(e->ctx, e->root) < 0 || sriov_ctx_set_state_dir(e->ctx, e->state) < 0) {
                fprintf(stderr, "env_open(%s): cannot set up the fixture tree or the context\n", tag);
                env_close(e);
                return NULL;
        }
        return e;
}

static inline int env_teardown(void **state)
{
        env_close(*state);
        return 0;
}

#endif
