/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state store trusts only what nobody else can steer: a state
 * directory, a directory under it or a file owned by another user or writable by group or others is refused with a message
 * naming it and the rule; symbolic links and FIFOs are never opened; what
 * the store makes is 0700 / 0600; temporary files left by a killed writer
 * are swept under the lock; under the lock the directory is the one it was
 * taken in. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "state.h"

struct st {
        char *root; /* a private temporary directory */
        char dir[300]; /* ROOT/state */
        struct sriov_ctx *ctx;
};

static int setup(void **state)
{
        struct st *s = calloc(1, sizeof(*s));
        if (!s || !(s->root = fx_tmpdir("state")) || sriov_ctx_new(&s->ctx) < 0)
                return -1;
        snprintf(s->dir, sizeof(s->dir), "%s/state", s->root);
        if (sriov_ctx_set_state_dir(s->ctx, s->dir) < 0)
                return -1;
        *state = s;
        return 0;
}

static int teardown(void **state)
{
        struct st *s = *state;
        sriov_ctx_free(s->ctx);
        fx_rm_rf(s->root);
        free(s->root);
        free(s);
        return 0;
}

static json_object *doc(void)
{
        json_object *o = json_object_new_object();
        json_object_object_add(o, "vfs", json_object_new_object());
        return o;
}

/* The calls under test, each with a fresh error message (a context keeps
 * the first one). */
static int save(struct st *s, const char *rel)
{
        ctx_clear_error(s->ctx);
        json_object *o = doc();
        int r = state_save(s->ctx, rel, o);
        json_object_put(o);
        return r;
}

static int load(struct st *s, const char *rel, json_object **ret)
{
        ctx_clear_error(s->ctx);
        return state_load(s->ctx, rel, ret);
}

static int take_lock(struct st *s, int *ret)
{
        ctx_clear_error(s->ctx);
        return state_lock(s->ctx, 100, ret);
}

static int rm(struct st *s, const char *rel)
{
        ctx_clear_error(s->ctx);
        return state_remove(s->ctx, rel);
}

static unsigned mode_of(const char *root, const char *rel)
{
        char p[400];
        snprintf(p, sizeof(p), "%s/%s", root, rel);
        struct stat st;
        assert_int_equal(lstat(p, &st), 0);
        return (unsigned)(st.st_mode & 07777);
}

/* Made private: 0700 directories, 0600 files, the lock too. */
static void test_modes(void **state)
{
        struct st *s = *state;
        int lock = -1;
        assert_int_equal(take_lock(s, &lock), 0);
        assert_int_equal(save(s, "vfs/x.json"), 0);
        assert_int_equal(save(s, "allocations.json"), 0);
        state_unlock(lock);
        assert_int_equal(mode_of(s->root, "state"), 0700);
        assert_int_equal(mode_of(s->root, "state/vfs"), 0700);
        assert_int_equal(mode_of(s->root, "state/vfs/x.json"), 0600);
        assert_int_equal(mode_of(s->root, "state/allocations.json"), 0600);
        assert_int_equal(mode_of(s->root, "state/lock"), 0600);
}

/* Each way in refuses a directory writable by group or others, naming it
 * and its mode; nothing is written there. */
static void test_writable_dir(void **state)
{
        struct st *s = *state;
        assert_int_equal(save(s, "vfs/x.json"), 0);
        assert_int_equal(chmod(s->dir, 0775), 0);
        json_object *back = NULL;
        int lock = -1;
        char want[400];
        snprintf(want, sizeof(want), "state directory %s is writable by group or others (mode 0775)", s->dir);
        assert_int_equal(take_lock(s, &lock), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), want);
        assert_int_equal(load(s, "vfs/x.json", &back), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), want);
        assert_int_equal(save(s, "vfs/y.json"), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), want);
        assert_int_equal(rm(s, "vfs/x.json"), -EPERM);
        assert_int_equal(access(strcat(strcpy(want, s->dir), "/vfs/x.json"), F_OK), 0);

        /* a directory under it, the same */
        assert_int_equal(chmod(s->dir, 0700), 0);
        snprintf(want, sizeof(want), "%s/vfs", s->dir);
        assert_int_equal(chmod(want, 0757), 0);
        assert_int_equal(load(s, "vfs/x.json", &back), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), "/state/vfs is writable by group or others (mode 0757)");
        /* and a file */
        assert_int_equal(chmod(want, 0700), 0);
        strcat(want, "/x.json");
        assert_int_equal(chmod(want, 0620), 0);
        assert_int_equal(load(s, "vfs/x.json", &back), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), "state file ");
        assert_contains(sriov_ctx_error(s->ctx), "/vfs/x.json is writable by group or others (mode 0620)");
        /* read-only is fine: only writing steers the store */
        assert_int_equal(chmod(want, 0444), 0);
        assert_int_equal(chmod(s->dir, 0755), 0);
        assert_int_equal(load(s, "vfs/x.json", &back), 0);
        json_object_put(back);
}

/* As another user: root's store can be read, not written (the lock is a
 * write). */
static bool reads_not_writes(void *arg)
{
        struct st *s = arg;
        json_object *o = NULL;
        int r = load(s, "vfs/x.json", &o);
        json_object_put(o);
        int l = -1;
        int w = take_lock(s, &l);
        return r == 0 && w == -EPERM && strstr(sriov_ctx_error(s->ctx), "owned by uid 0, not by the effective uid 4242");
}

/* Another user's directory or file: refused by writers; a reader also
 * trusts root's (a listing of the system's store by a user). */
static void test_foreign_owner(void **state)
{
        struct st *s = *state;
        if (geteuid() != 0)
                skip(); /* chown needs root */
        assert_int_equal(save(s, "vfs/x.json"), 0);
        assert_int_equal(chown(s->dir, 4242, 4242), 0);
        int lock = -1;
        json_object *back = NULL;
        assert_int_equal(take_lock(s, &lock), -EPERM);
        char want[400];
        snprintf(want, sizeof(want), "state directory %s is owned by uid 4242, not by the effective uid 0", s->dir);
        assert_contains(sriov_ctx_error(s->ctx), want);
        assert_int_equal(load(s, "vfs/x.json", &back), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), want);
        assert_int_equal(chown(s->dir, 0, 0), 0);
        snprintf(want, sizeof(want), "%s/vfs/x.json", s->dir);
        assert_int_equal(chown(want, 4242, 0), 0);
        assert_int_equal(load(s, "vfs/x.json", &back), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), "/vfs/x.json is owned by uid 4242");

        /* a user reading root's store (fork: the effective uid changes) */
        assert_int_equal(chown(want, 0, 0), 0);
        assert_int_equal(chmod(want, 0644), 0);
        assert_int_equal(chmod(s->dir, 0755), 0);
        snprintf(want, sizeof(want), "%s/vfs", s->dir);
        assert_int_equal(chmod(want, 0755), 0);
        assert_int_equal(chmod(s->root, 0755), 0);
        assert_as_user(4242, reads_not_writes, s);
}

/* Symbolic links and FIFOs in the store are never followed or opened. */
static void test_links_and_fifos(void **state)
{
        struct st *s = *state;
        assert_int_equal(save(s, "vfs/x.json"), 0);
        char p[400], target[400];
        json_object *back = NULL;
        /* a file elsewhere, linked in */
        assert_int_equal(fx_write(s->root, "elsewhere.json", "{\"vfs\":{\"0\":\"mac 02:00:00:00:00:01\"}}\n"), 0);
        snprintf(p, sizeof(p), "%s/allocations.json", s->dir);
        snprintf(target, sizeof(target), "%s/elsewhere.json", s->root);
        assert_int_equal(symlink(target, p), 0);
        assert_int_equal(load(s, "allocations.json", &back), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), "allocations.json is a symbolic link: not trusted");
        /* a save replaces the link itself, never writes through it */
        assert_int_equal(save(s, "allocations.json"), 0);
        assert_int_equal(mode_of(s->root, "state/allocations.json") & 0600, 0600);
        struct stat st;
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        size_t len;
        char *text = slurp(target, &len);
        assert_contains(text, "02:00:00:00:00:01");
        free(text);

        /* a directory under it linked elsewhere */
        snprintf(p, sizeof(p), "%s/drivers", s->dir);
        assert_int_equal(symlink(s->root, p), 0);
        assert_int_equal(load(s, "drivers/elsewhere.json", &back), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), "/state/drivers: a symbolic link, not a directory: not trusted");
        assert_int_equal(save(s, "drivers/igb.json"), -EPERM);

        /* a FIFO would block a reader that opens it */
        snprintf(p, sizeof(p), "%s/vfs/fifo.json", s->dir);
        assert_int_equal(mkfifo(p, 0600), 0);
        assert_int_equal(load(s, "vfs/fifo.json", &back), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), "/vfs/fifo.json is not a regular file: not trusted");
        /* the lock too */
        snprintf(p, sizeof(p), "%s/lock", s->dir);
        unlink(p);
        assert_int_equal(symlink(target, p), 0);
        int lock = -1;
        assert_int_equal(take_lock(s, &lock), -EPERM);
        assert_contains(sriov_ctx_error(s->ctx), "/state/lock is a symbolic link: not trusted");
}

/* A temporary file of a writer that was killed is removed under the lock
 * (in the store and the directories under it); a live writer's stays. */
static void test_sweep(void **state)
{
        struct st *s = *state;
        assert_int_equal(save(s, "vfs/x.json"), 0);
        pid_t dead = fork();
        if (dead == 0)
                _exit(0);
        assert_int_equal(waitpid(dead, NULL, 0), dead);
        char a[128], b[128], live[128];
        snprintf(a, sizeof(a), "state/.allocations.json.tmp-%ld-0", (long)dead);
        snprintf(b, sizeof(b), "state/vfs/.x.json.tmp-%ld-3", (long)dead);
        snprintf(live, sizeof(live), "state/vfs/.x.json.tmp-1-0"); /* init never dies */
        assert_int_equal(fx_write(s->root, a, "{\"allocations\":"), 0);
        assert_int_equal(fx_write(s->root, b, "{"), 0);
        assert_int_equal(fx_write(s->root, live, "{"), 0);
        assert_int_equal(fx_write(s->root, "state/vfs/.x.json.tmp-x-1", "not ours"), 0);
        int lock = -1;
        assert_int_equal(take_lock(s, &lock), 0);
        state_unlock(lock);
        char p[400];
        snprintf(p, sizeof(p), "%s/%s", s->root, a);
        assert_int_equal(access(p, F_OK), -1);
        snprintf(p, sizeof(p), "%s/%s", s->root, b);
        assert_int_equal(access(p, F_OK), -1);
        snprintf(p, sizeof(p), "%s/%s", s->root, live);
        assert_int_equal(access(p, F_OK), 0);
        snprintf(p, sizeof(p), "%s/state/vfs/.x.json.tmp-x-1", s->root);
        assert_int_equal(access(p, F_OK), 0);
        char want[64];
        const char *w = want;
        snprintf(want, sizeof(want), "left by pid %ld, which was killed", (long)dead);
        assert_warning(sriov_ctx_notices(s->ctx), "/state/vfs/.x.json.tmp-", w, NULL);
        assert_warning(sriov_ctx_notices(s->ctx), "/state/.allocations.json.tmp-", w, NULL);
        json_object *back = NULL;
        assert_int_equal(load(s, "vfs/x.json", &back), 0);
        json_object_put(back);
}

/* Under state_hold() every file is read and written in the directory the
 * lock was taken in (opened and checked once); after state_release() the
 * path is followed again. */
static void test_held_dir(void **state)
{
        struct st *s = *state;
        assert_int_equal(save(s, "vfs/x.json"), 0);
        assert_int_equal(state_hold(s->ctx, 1000), 0);
        char old[400];
        snprintf(old, sizeof(old), "%s/state.old", s->root);
        assert_int_equal(rename(s->dir, old), 0);
        assert_int_equal(mkdir(s->dir, 0700), 0);
        assert_int_equal(save(s, "vfs/y.json"), 0);
        json_object *back = NULL;
        assert_int_equal(load(s, "vfs/x.json", &back), 0);
        json_object_put(back);
        state_release(s->ctx);
        char p[450];
        snprintf(p, sizeof(p), "%s/vfs/y.json", old);
        assert_int_equal(access(p, F_OK), 0);
        snprintf(p, sizeof(p), "%s/vfs/y.json", s->dir);
        assert_int_equal(access(p, F_OK), -1);
        assert_int_equal(load(s, "vfs/x.json", &back), -ENOENT);
        assert_int_equal(save(s, "vfs/z.json"), 0);
        snprintf(p, sizeof(p), "%s/vfs/z.json", s->dir);
        assert_int_equal(access(p, F_OK), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
                cmocka_unit_test_setup_teardown(test_writable_dir, setup, teardown),
                cmocka_unit_test_setup_teardown(test_foreign_owner, setup, teardown),
                cmocka_unit_test_setup_teardown(test_links_and_fifos, setup, teardown),
                cmocka_unit_test_setup_teardown(test_sweep, setup, teardown),
                cmocka_unit_test_setup_teardown(test_held_dir, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
