/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The crash-safe store: JSON documents under the state directory (default
 * /run/sriov), each replaced by write + fsync + rename + fsync of the
 * directory, so that a reader (or a later run after a kill) sees either the
 * old or the new document, never a torn one. Writers hold an exclusive flock
 * on STATE/lock; a reconcile pass holds it shared (passes on different PFs
 * run side by side, none beside an attach) plus its PF's STATE/pf-locks/PF. */
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "state.h"

const char *state_dir(const struct sriov_ctx *ctx)
{
        return ctx->state_dir ? ctx->state_dir : SRIOV_STATE_DIR_DEFAULT;
}

int sriov_ctx_set_state_dir(struct sriov_ctx *ctx, const char *dir)
{
        ctx_clear_error(ctx);
        if (!dir || !dir[0])
                return ctx_fail(ctx, -EINVAL, "state directory: the path is empty");
        char *copy = strdup(dir);
        if (!copy)
                return -ENOMEM;
        free(ctx->state_dir);
        ctx->state_dir = copy;
        return 0;
}

void state_name(const char *s, char *buf, size_t size)
{
        size_t i = 0;
        for (; s[i] && i + 1 < size; i++) {
                char c = s[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          c == '.' || c == '_' || c == ':' || c == '-';
                buf[i] = ok && !(i == 0 && c == '.') ? c : '_';
        }
        buf[i] = 0;
}

/* mkdir -p; the message names the directory that could not be made. */
static int mkdir_p(struct sriov_ctx *ctx, const char *path)
{
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1;; s++) {
                if (*s != '/' && *s != 0)
                        continue;
                char saved = *s;
                *s = 0;
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return ctx_fail(ctx, -errno, "state directory: cannot create %s: %s", p,
                                        strerror(errno));
                *s = saved;
                if (!saved)
                        break;
        }
        struct stat st;
        if (stat(path, &st) < 0)
                return ctx_fail(ctx, -errno, "state directory %s: %s", path, strerror(errno));
        if (!S_ISDIR(st.st_mode))
                return ctx_fail(ctx, -ENOTDIR, "state directory %s is not a directory", path);
        return 0;
}

/* flock(op) on STATE/relpath, waiting at most timeout_ms (polling, so a
 * signal's default action still ends the process while it waits). */
static int lock_file(struct sriov_ctx *ctx, const char *relpath, int op, unsigned timeout_ms, int *ret_fd)
{
        const char *dir = state_dir(ctx);
        int r = mkdir_p(ctx, dir);
        if (r < 0)
                return r;
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, relpath) < 0)
                return -ENOMEM;
        char *slash = strrchr(path, '/');
        if (slash > path + strlen(dir)) {
                *slash = 0;
                r = mkdir_p(ctx, path);
                *slash = '/';
                if (r < 0)
                        return r;
        }
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return ctx_fail(ctx, -errno, "state lock %s: %s", path, strerror(errno));
        for (unsigned waited = 0;; waited += 10) {
                if (flock(fd, op | LOCK_NB) == 0)
                        break;
                if (errno != EWOULDBLOCK && errno != EINTR)
                        return ctx_fail(ctx, -errno, "state lock %s: %s", path, strerror(errno));
                if (waited >= timeout_ms) {
                        char pid[32] = "";
                        ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
                        pid[n > 0 ? n : 0] = 0;
                        pid[strcspn(pid, "\n")] = 0;
                        return ctx_fail(ctx, -ETIMEDOUT,
                                        "state lock %s is held by another process%s%s%s for more than "
                                        "%u ms",
                                        path, pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "", timeout_ms);
                }
                sleep_ms(10);
        }
        if (op == LOCK_EX) {
                /* who holds it, for the message of a process that waits in vain */
                char buf[32];
                int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
                if (ftruncate(fd, 0) == 0)
                        (void)!pwrite(fd, buf, (size_t)n, 0);
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int state_lock(struct sriov_ctx *ctx, unsigned timeout_ms, int *ret_fd)
{
        if (ctx->state_held_fd >= 0) {
                /* held for a longer operation (state_hold): a second open()
                 * and flock() would wait for ourselves; a dup shares the
                 * lock, and closing it leaves the lock held */
                int fd = fcntl(ctx->state_held_fd, F_DUPFD_CLOEXEC, 0);
                if (fd < 0)
                        return ctx_fail(ctx, -errno, "state lock: %s", strerror(errno));
                *ret_fd = fd;
                return 0;
        }
        return lock_file(ctx, "lock", LOCK_EX, timeout_ms, ret_fd);
}

void state_unlock(int fd)
{
        /* no LOCK_UN: fd may be a dup of a lock state_hold() keeps; closing
         * the last descriptor of the lock file releases it */
        if (fd >= 0)
                close(fd);
}

static int hold(struct sriov_ctx *ctx, int op, unsigned timeout_ms)
{
        if (ctx->state_held_fd >= 0)
                return -EALREADY;
        int fd;
        int r = lock_file(ctx, "lock", op, timeout_ms, &fd);
        if (r < 0)
                return r;
        ctx->state_held_fd = fd;
        return 0;
}

int state_hold(struct sriov_ctx *ctx, unsigned timeout_ms) { return hold(ctx, LOCK_EX, timeout_ms); }

int state_hold_shared(struct sriov_ctx *ctx, unsigned timeout_ms) { return hold(ctx, LOCK_SH, timeout_ms); }

void state_release(struct sriov_ctx *ctx)
{
        state_unlock(ctx->state_held_fd);
        ctx->state_held_fd = -1;
}

int state_lock_pf(struct sriov_ctx *ctx, const char *pf, unsigned timeout_ms, int *ret_fd)
{
        char name[128], rel[160];
        state_name(pf, name, sizeof(name));
        snprintf(rel, sizeof(rel), "pf-locks/%s", name);
        return lock_file(ctx, rel, LOCK_EX, timeout_ms, ret_fd);
}

static int full_path(struct sriov_ctx *ctx, const char *relpath, char **ret)
{
        if (asprintf(ret, "%s/%s", state_dir(ctx), relpath) < 0)
                return -ENOMEM;
        return 0;
}

int state_load(struct sriov_ctx *ctx, const char *relpath, json_object **ret)
{
        _cleanup_free_ char *path = NULL;
        int r = full_path(ctx, relpath, &path);
        if (r < 0)
                return r;
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT)
                        return -ENOENT;
                return ctx_fail(ctx, -errno, "state file %s: %s", path, strerror(errno));
        }
        struct stat st;
        if (fstat(fd, &st) < 0)
                return ctx_fail(ctx, -errno, "state file %s: %s", path, strerror(errno));
        if (st.st_size > 64 * 1024 * 1024)
                return ctx_fail(ctx, -EFBIG, "state file %s: %lld bytes is not a state file", path,
                                (long long)st.st_size);
        _cleanup_free_ char *text = malloc((size_t)st.st_size + 1);
        if (!text)
                return -ENOMEM;
        size_t have = 0;
        while (have < (size_t)st.st_size) {
                ssize_t n = read(fd, text + have, (size_t)st.st_size - have);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return ctx_fail(ctx, -errno, "state file %s: %s", path, strerror(errno));
                if (n == 0)
                        break;
                have += (size_t)n;
        }
        text[have] = 0;
        enum json_tokener_error jerr = json_tokener_success;
        json_object *obj = json_tokener_parse_verbose(text, &jerr);
        if (!obj || !json_object_is_type(obj, json_type_object)) {
                json_object_put(obj);
                return ctx_fail(ctx, -EBADMSG, "state file %s: not a JSON object (%s)", path,
                                obj ? "another JSON type" : json_tokener_error_desc(jerr));
        }
        *ret = obj;
        return 0;
}

static int fsync_dir(const char *dir)
{
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) < 0)
                return -errno;
        return 0;
}

int state_save(struct sriov_ctx *ctx, const char *relpath, json_object *obj)
{
        _cleanup_free_ char *path = NULL, *dir = NULL, *tmp = NULL;
        int r = full_path(ctx, relpath, &path);
        if (r < 0)
                return r;
        dir = strdup(path);
        if (!dir)
                return -ENOMEM;
        *strrchr(dir, '/') = 0;
        if ((r = mkdir_p(ctx, dir)) < 0)
                return r;
        const char *base = strrchr(path, '/') + 1;
        if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0)
                return -ENOMEM;
        _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return ctx_fail(ctx, -errno, "state file %s: cannot create a temporary file: %s", path,
                                strerror(errno));
        const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
        size_t len = strlen(text), done = 0;
        r = 0;
        while (done < len && r == 0) {
                ssize_t n = write(fd, text + done, len - done);
                if (n < 0 && errno != EINTR)
                        r = -errno;
                else if (n > 0)
                        done += (size_t)n;
        }
        if (r == 0 && (write(fd, "\n", 1) != 1 || fchmod(fd, 0644) < 0))
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (r == 0 && close(TAKE_FD(fd)) < 0)
                r = -errno;
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                (void)unlink(tmp);
                return ctx_fail(ctx, r, "state file %s: %s", path, strerror(-r));
        }
        /* the rename itself must survive a crash */
        if ((r = fsync_dir(dir)) < 0)
                return ctx_fail(ctx, r, "state directory %s: fsync: %s", dir, strerror(-r));
        return 0;
}

int state_remove(struct sriov_ctx *ctx, const char *relpath)
{
        _cleanup_free_ char *path = NULL;
        int r = full_path(ctx, relpath, &path);
        if (r < 0)
                return r;
        if (unlink(path) < 0) {
                if (errno == ENOENT)
                        return 0;
                return ctx_fail(ctx, -errno, "state file %s: cannot remove: %s", path, strerror(errno));
        }
        *strrchr(path, '/') = 0;
        if ((r = fsync_dir(path)) < 0)
                return ctx_fail(ctx, r, "state directory %s: fsync: %s", path, strerror(-r));
        return 0;
}
