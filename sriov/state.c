/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The crash-safe store: JSON documents under the state directory (default
 * /run/sriov), each replaced by write + fsync + rename + fsync of the
 * directory, so that a reader (or a later run after a kill) sees either the
 * old or the new document, never a torn one. Writers hold an exclusive flock
 * on STATE/lock; a reconcile pass holds it shared (passes on different PFs
 * run side by side, none beside an attach) plus its PF's STATE/pf-locks/PF.
 *
 * What the store says decides which VF is handed to a guest and what is put
 * back on it, so it is trusted only when nobody else can steer it: the
 * directory, each directory under it and each file must belong to the
 * effective user (a reader also accepts root's) and must not be writable by
 * group or others. Everything is opened relative to the directory checked
 * (openat), never through a symbolic link, so a path swapped after the
 * check cannot point elsewhere. What the store makes is 0700 / 0600. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "state.h"

/* temporary files of state_save: ".NAME.tmp-PID-N" */
#define TMP_MARK ".tmp-"

const char *state_dir(const struct sriov_ctx *ctx)
{
        return ctx->state_dir ? ctx->state_dir : SRIOV_STATE_DIR_DEFAULT;
}

const char *sriov_ctx_error_state_dir(const struct sriov_ctx *ctx)
{
        return ctx->error && ctx->error_in_state ? state_dir(ctx) : NULL;
}

int sriov_ctx_set_state_dir(struct sriov_ctx *ctx, const char *dir)
{
        ctx_clear_error(ctx);
        if (!dir || !dir[0])
                return ctx_fail_state(ctx, -EINVAL, "state directory: the path is empty");
        char *copy = strdup(dir);
        if (!copy)
                return -ENOMEM;
        free(ctx->state_dir);
        ctx->state_dir = copy;
        if (ctx->state_dir_fd >= 0)
                close(ctx->state_dir_fd);
        ctx->state_dir_fd = -1;
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

/* ---- trust -------------------------------------------------------------- */

int check_trusted(struct sriov_ctx *ctx, const char *what, const char *path, const struct stat *st,
                         bool reading)
{
        uid_t euid = geteuid();
        if (st->st_uid != euid && !(reading && st->st_uid == 0))
                return ctx_fail(ctx, -EPERM, "%s %s is owned by uid %u, not by the effective uid %u: not trusted", what,
                                path, (unsigned)st->st_uid, (unsigned)euid);
        if (st->st_mode & (S_IWGRP | S_IWOTH))
                return ctx_fail(ctx, -EPERM, "%s %s is writable by group or others (mode %04o): not trusted", what,
                                path, (unsigned)(st->st_mode & 07777));
        return 0;
}

/* check_trusted() of the state directory or a file in it: its failure is
 * the state directory's. */
static int trusted_state(struct sriov_ctx *ctx, const char *what, const char *path, const struct stat *st,
                         bool reading)
{
        bool had_error = ctx->error;
        int r = check_trusted(ctx, what, path, st, reading);
        if (r < 0)
                ctx_mark_state_error(ctx, had_error);
        return r;
}

/* The parents of the state directory, as mkdir -p would make them (0755:
 * only the state directory itself is private). */
static int mkdir_parents(struct sriov_ctx *ctx, const char *path)
{
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        char *last = strrchr(p, '/');
        if (!last || last == p)
                return 0;
        *last = 0;
        for (char *s = p + 1;; s++) {
                if (*s != '/' && *s != 0)
                        continue;
                char saved = *s;
                *s = 0;
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return ctx_fail_state(ctx, -errno, "state directory: cannot create %s: %s", p, strerror(errno));
                *s = saved;
                if (!saved)
                        break;
        }
        return 0;
}

/* Opens the state directory (made 0700 if missing and `create`) and checks
 * it. -ENOENT without a message when it is missing and not created. */
static int open_state_dir(struct sriov_ctx *ctx, bool create, bool reading, int *ret_fd)
{
        const char *dir = state_dir(ctx);
        if (ctx->state_dir_fd >= 0) {
                /* under the lock: the directory it was taken in, checked
                 * then as a writer's (the strictest check); a CNI ADD opens
                 * it six times otherwise, each a mkdir -p, open and fstat */
                int fd = fcntl(ctx->state_dir_fd, F_DUPFD_CLOEXEC, 0);
                if (fd < 0)
                        return ctx_fail_state(ctx, -errno, "state directory %s: %s", dir, strerror(errno));
                *ret_fd = fd;
                return 0;
        }
        if (create) {
                int r = mkdir_parents(ctx, dir);
                if (r < 0)
                        return r;
                if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                        return ctx_fail_state(ctx, -errno, "state directory: cannot create %s: %s", dir, strerror(errno));
        }
        /* the path itself may be a symbolic link: what is checked is the
         * directory reached, and everything is opened relative to it */
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT && !create)
                        return -ENOENT;
                if (errno == ENOTDIR)
                        return ctx_fail_state(ctx, -ENOTDIR, "state directory %s is not a directory", dir);
                return ctx_fail_state(ctx, -errno, "state directory %s: %s", dir, strerror(errno));
        }
        struct stat st;
        if (fstat(fd, &st) < 0)
                return ctx_fail_state(ctx, -errno, "state directory %s: %s", dir, strerror(errno));
        int r = trusted_state(ctx, "state directory", dir, &st, reading);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* Opens the directory of relpath under the state directory (each component
 * made 0700 if missing and `create`, none a symbolic link, each checked)
 * and points *ret_base at relpath's last component. */
static int open_parent(struct sriov_ctx *ctx, const char *relpath, bool create, bool reading, int *ret_fd,
                       const char **ret_base)
{
        _cleanup_close_ int fd = -1;
        int r = open_state_dir(ctx, create, reading, &fd);
        if (r < 0)
                return r;
        _cleanup_free_ char *rel = strdup(relpath);
        if (!rel)
                return -ENOMEM;
        char *comp = rel, *slash;
        while ((slash = strchr(comp, '/'))) {
                *slash = 0;
                if (create && mkdirat(fd, comp, 0700) < 0 && errno != EEXIST)
                        return ctx_fail_state(ctx, -errno, "state directory: cannot create %s/%.*s: %s", state_dir(ctx),
                                        (int)(slash - rel), relpath, strerror(errno));
                _cleanup_close_ int sub = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0 && errno == ENOENT && !create)
                        return -ENOENT;
                if (sub < 0) {
                        int e = errno;
                        struct stat lst;
                        bool link = (e == ELOOP || e == ENOTDIR) && fstatat(fd, comp, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
                                    S_ISLNK(lst.st_mode);
                        return ctx_fail_state(ctx, e == ELOOP || e == ENOTDIR ? -EPERM : -e, "state directory %s/%.*s: %s",
                                        state_dir(ctx), (int)(slash - rel), relpath,
                                        link            ? "a symbolic link, not a directory: not trusted"
                                        : e == ENOTDIR ? "not a directory: not trusted"
                                                        : strerror(e));
                }
                struct stat st;
                if (fstat(sub, &st) < 0)
                        return -errno;
                char path[PATH_MAX];
                snprintf(path, sizeof(path), "%s/%.*s", state_dir(ctx), (int)(slash - rel), relpath);
                if ((r = trusted_state(ctx, "state directory", path, &st, reading)) < 0)
                        return r;
                close(fd);
                fd = TAKE_FD(sub);
                comp = slash + 1;
        }
        *ret_base = relpath + (comp - rel);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* Opens a file of the store: never through a symbolic link, never blocking
 * on a FIFO someone put there, and only a regular file that passes
 * check_trusted. -ENOENT without a message when it does not exist. */
static int open_file(struct sriov_ctx *ctx, int dirfd, const char *name, const char *path, int flags, bool reading,
                     int *ret_fd)
{
        _cleanup_close_ int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
        if (fd < 0) {
                if (errno == ENOENT)
                        return -ENOENT;
                if (errno == ELOOP)
                        return ctx_fail_state(ctx, -EPERM, "state file %s is a symbolic link: not trusted", path);
                return ctx_fail_state(ctx, -errno, "state file %s: %s", path, strerror(errno));
        }
        struct stat st;
        if (fstat(fd, &st) < 0)
                return ctx_fail_state(ctx, -errno, "state file %s: %s", path, strerror(errno));
        if (!S_ISREG(st.st_mode))
                return ctx_fail_state(ctx, -EPERM, "state file %s is not a regular file: not trusted", path);
        int r = trusted_state(ctx, "state file", path, &st, reading);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int full_path(struct sriov_ctx *ctx, const char *relpath, char **ret)
{
        if (asprintf(ret, "%s/%s", state_dir(ctx), relpath) < 0)
                return -ENOMEM;
        return 0;
}

/* ---- temporary files left by a kill ------------------------------------- */

/* The writer's pid of a temporary file name of state_save, or 0. */
static long tmp_file_pid(const char *name)
{
        const char *m = name[0] == '.' ? strstr(name, TMP_MARK) : NULL;
        if (!m)
                return 0;
        char *end;
        long pid = strtol(m + strlen(TMP_MARK), &end, 10);
        if (pid <= 0 || *end != '-' || !end[1])
                return 0;
        for (const char *s = end + 1; *s; s++)
                if (*s < '0' || *s > '9')
                        return 0;
        return pid;
}

static bool pid_alive(long pid)
{
        return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* Removes the temporary files of writers that are gone from dirfd and the
 * directories directly under it. Called under the lock, where no other
 * writer of the store runs; the pid check keeps a live writer's file even
 * so. Best effort: the store is still whole without it. */
static void sweep(struct sriov_ctx *ctx, int dirfd, const char *path, bool descend)
{
        int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *dh = fd >= 0 ? fdopendir(fd) : NULL;
        if (!dh) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        struct dirent *de;
        while ((de = readdir(dh))) {
                if (de->d_type == DT_DIR && descend && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
                        _cleanup_close_ int sub =
                                openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        _cleanup_free_ char *subpath = strdup_printf("%s/%s", path, de->d_name);
                        if (sub >= 0 && subpath)
                                sweep(ctx, sub, subpath, false);
                        continue;
                }
                long pid = tmp_file_pid(de->d_name);
                if (pid && pid != (long)getpid() && !pid_alive(pid) && unlinkat(dirfd, de->d_name, 0) == 0)
                        ctx_notice(ctx, "state directory: removed %s/%s, left by pid %ld, which was killed while it "
                                        "wrote it",
                                   path, de->d_name, pid);
        }
        closedir(dh);
}

/* ---- the lock ----------------------------------------------------------- */

/* " (sriovctl monitor)": what process pid runs, its command line cut at
 * 60 characters ("" when it cannot be read). */
static void pid_command(long pid, char *buf, size_t size)
{
        char path[64], cmd[61];
        snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, cmd, sizeof(cmd) - 1) : -1;
        buf[0] = 0;
        if (n <= 0)
                return;
        for (ssize_t i = 0; i < n; i++)
                if (cmd[i] == 0 || cmd[i] == '\n')
                        cmd[i] = ' ';
        while (n > 0 && cmd[n - 1] == ' ')
                n--;
        cmd[n] = 0;
        snprintf(buf, size, " (%s)", cmd);
}

/* "pid 123 (sriovctl monitor), pid 456 (...)": the processes holding the
 * lock on fd's file as /proc/locks lists them (shared holders too), else
 * the pid the last exclusive holder wrote into it; "" if neither says. */
static void lock_holders(int fd, char *buf, size_t size)
{
        struct stat st;
        size_t len = 0;
        buf[0] = 0;
        _cleanup_fclose_ FILE *f = fstat(fd, &st) == 0 ? fopen("/proc/locks", "re") : NULL;
        char line[256];
        while (f && fgets(line, sizeof(line), f) && len + 1 < size) {
                /* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; waiters' lines have "->" */
                char type[16];
                long pid;
                unsigned maj, min;
                unsigned long long ino;
                if (strstr(line, "->") ||
                    sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%llu", type, &pid, &maj, &min, &ino) != 5 ||
                    strcmp(type, "FLOCK") != 0 || ino != (unsigned long long)st.st_ino ||
                    makedev(maj, min) != st.st_dev)
                        continue;
                char cmd[72];
                pid_command(pid, cmd, sizeof(cmd));
                len += (size_t)snprintf(buf + len, size - len, "%spid %ld%s", len ? ", " : "", pid, cmd);
        }
        if (len)
                return;
        char pid[32] = "";
        ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
        pid[n > 0 ? n : 0] = 0;
        pid[strcspn(pid, "\n")] = 0;
        if (pid[0]) {
                char cmd[72];
                pid_command(strtol(pid, NULL, 10), cmd, sizeof(cmd));
                snprintf(buf, size, "pid %s%s", pid, cmd);
        }
}

/* flock(op) on STATE/relpath (made if missing, through the same checks as
 * every file of the store), waiting at most timeout_ms: polling, so that a
 * signal's default action still ends a process that waits. ret_dirfd (may
 * be NULL): the directory of relpath, kept open. */
static int lock_file(struct sriov_ctx *ctx, const char *relpath, int op, unsigned timeout_ms, int *ret_fd,
                     int *ret_dirfd)
{
        _cleanup_close_ int dfd = -1;
        const char *base;
        int r = open_parent(ctx, relpath, true, false, &dfd, &base);
        if (r < 0)
                return r;
        _cleanup_free_ char *path = NULL;
        if (full_path(ctx, relpath, &path) < 0)
                return -ENOMEM;
        _cleanup_close_ int fd = -1;
        if ((r = open_file(ctx, dfd, base, path, O_RDWR | O_CREAT, false, &fd)) < 0)
                return r == -ENOENT ? ctx_fail_state(ctx, r, "state lock %s: %s", path, strerror(-r)) : r;
        for (unsigned waited = 0;; waited += 10) {
                if (flock(fd, op | LOCK_NB) == 0)
                        break;
                if (errno != EWOULDBLOCK && errno != EINTR)
                        return ctx_fail_state(ctx, -errno, "state lock %s: %s", path, strerror(errno));
                if (waited >= timeout_ms) {
                        char who[512];
                        lock_holders(fd, who, sizeof(who));
                        return ctx_fail_state(ctx, -ETIMEDOUT, "state lock %s is held by %s for more than %u ms", path,
                                        who[0] ? who : "another process", timeout_ms);
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
        if (op == LOCK_EX && base == relpath)
                /* the store's own lock, exclusive: no other writer runs */
                sweep(ctx, dfd, state_dir(ctx), true);
        *ret_fd = TAKE_FD(fd);
        if (ret_dirfd)
                *ret_dirfd = TAKE_FD(dfd);
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
                        return ctx_fail_state(ctx, -errno, "state lock: %s", strerror(errno));
                *ret_fd = fd;
                return 0;
        }
        return lock_file(ctx, "lock", LOCK_EX, timeout_ms, ret_fd, NULL);
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
        int fd, dfd;
        int r = lock_file(ctx, "lock", op, timeout_ms, &fd, &dfd);
        if (r < 0)
                return r;
        ctx->state_held_fd = fd;
        ctx->state_dir_fd = dfd;
        return 0;
}

int state_hold(struct sriov_ctx *ctx, unsigned timeout_ms) { return hold(ctx, LOCK_EX, timeout_ms); }

int state_hold_shared(struct sriov_ctx *ctx, unsigned timeout_ms) { return hold(ctx, LOCK_SH, timeout_ms); }

void state_release(struct sriov_ctx *ctx)
{
        state_unlock(ctx->state_held_fd);
        ctx->state_held_fd = -1;
        if (ctx->state_dir_fd >= 0)
                close(ctx->state_dir_fd);
        ctx->state_dir_fd = -1;
}

int state_lock_pf(struct sriov_ctx *ctx, const char *pf, unsigned timeout_ms, int *ret_fd)
{
        char name[128], rel[160];
        state_name(pf, name, sizeof(name));
        snprintf(rel, sizeof(rel), "pf-locks/%s", name);
        return lock_file(ctx, rel, LOCK_EX, timeout_ms, ret_fd, NULL);
}

/* ---- documents ---------------------------------------------------------- */

int state_load(struct sriov_ctx *ctx, const char *relpath, json_object **ret)
{
        _cleanup_free_ char *path = NULL;
        int r = full_path(ctx, relpath, &path);
        if (r < 0)
                return r;
        _cleanup_close_ int dfd = -1, fd = -1;
        const char *base;
        if ((r = open_parent(ctx, relpath, false, true, &dfd, &base)) < 0 ||
            (r = open_file(ctx, dfd, base, path, O_RDONLY, true, &fd)) < 0)
                return r;
        struct stat st;
        if (fstat(fd, &st) < 0)
                return ctx_fail_state(ctx, -errno, "state file %s: %s", path, strerror(errno));
        if (st.st_size > 64 * 1024 * 1024)
                return ctx_fail_state(ctx, -EFBIG, "state file %s: %lld bytes is not a state file", path,
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
                        return ctx_fail_state(ctx, -errno, "state file %s: %s", path, strerror(errno));
                if (n == 0)
                        break;
                have += (size_t)n;
        }
        text[have] = 0;
        enum json_tokener_error jerr = json_tokener_success;
        json_object *obj = json_tokener_parse_verbose(text, &jerr);
        if (!obj || !json_object_is_type(obj, json_type_object)) {
                json_object_put(obj);
                return ctx_fail_state(ctx, -EBADMSG, "state file %s: not a JSON object (%s)", path,
                                obj ? "another JSON type" : json_tokener_error_desc(jerr));
        }
        *ret = obj;
        return 0;
}

static int write_all(int fd, const char *text, size_t len)
{
        for (size_t done = 0; done < len;) {
                ssize_t n = write(fd, text + done, len - done);
                if (n < 0 && errno != EINTR)
                        return -errno;
                if (n > 0)
                        done += (size_t)n;
        }
        return 0;
}

int state_save(struct sriov_ctx *ctx, const char *relpath, json_object *obj)
{
        _cleanup_free_ char *path = NULL;
        int r = full_path(ctx, relpath, &path);
        if (r < 0)
                return r;
        _cleanup_close_ int dfd = -1, fd = -1;
        const char *base;
        if ((r = open_parent(ctx, relpath, true, false, &dfd, &base)) < 0)
                return r;
        /* the writer's pid in the name: the sweep under the lock removes it
         * once that process is gone */
        char tmp[NAME_MAX + 1];
        static unsigned counter;
        for (unsigned tries = 0;; tries++) {
                snprintf(tmp, sizeof(tmp), ".%.200s" TMP_MARK "%ld-%u", base, (long)getpid(), counter++);
                fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd >= 0 || errno != EEXIST || tries >= 100)
                        break;
        }
        if (fd < 0)
                return ctx_fail_state(ctx, -errno, "state file %s: cannot create a temporary file: %s", path,
                                strerror(errno));
        /* the document and its newline in one write; stored compact (what
         * the programs print is SRIOV_JSON_TEXT_FLAGS's style) */
        _cleanup_free_ char *text = strdup_printf("%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
        r = text ? write_all(fd, text, strlen(text)) : -ENOMEM;
        if (r == 0 && (fchmod(fd, 0600) < 0 || fsync(fd) < 0))
                r = -errno;
        if (r == 0 && close(TAKE_FD(fd)) < 0)
                r = -errno;
        if (r == 0 && renameat(dfd, tmp, dfd, base) < 0)
                r = -errno;
        if (r < 0) {
                (void)unlinkat(dfd, tmp, 0);
                return ctx_fail_state(ctx, r, "state file %s: %s", path, strerror(-r));
        }
        /* the rename itself must survive a crash */
        if (fsync(dfd) < 0) {
                *strrchr(path, '/') = 0;
                return ctx_fail_state(ctx, -errno, "state directory %s: fsync: %s", path, strerror(errno));
        }
        return 0;
}

int state_remove(struct sriov_ctx *ctx, const char *relpath)
{
        _cleanup_free_ char *path = NULL;
        int r = full_path(ctx, relpath, &path);
        if (r < 0)
                return r;
        _cleanup_close_ int dfd = -1;
        const char *base;
        if ((r = open_parent(ctx, relpath, false, false, &dfd, &base)) == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (unlinkat(dfd, base, 0) < 0) {
                if (errno == ENOENT)
                        return 0;
                return ctx_fail_state(ctx, -errno, "state file %s: cannot remove: %s", path, strerror(errno));
        }
        if (fsync(dfd) < 0) {
                *strrchr(path, '/') = 0;
                return ctx_fail_state(ctx, -errno, "state directory %s: fsync: %s", path, strerror(errno));
        }
        return 0;
}
