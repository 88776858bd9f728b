/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every sysfs access, relative to the context's sysfs root (openat on a
 * directory fd), so tests point the library at fixture trees. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* Attributes of interest are short; anything longer is not a value. */
#define SYSFS_VALUE_MAX 4096

int sysfs_root_fd(struct sriov_ctx *ctx)
{
        if (ctx->sysfs_fd < 0) {
                ctx->sysfs_fd = open(ctx->sysfs_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (ctx->sysfs_fd < 0)
                        return ctx_fail(ctx, -errno, "sysfs root %s: %s", ctx->sysfs_root,
                                        strerror(errno));
        }
        return ctx->sysfs_fd;
}

bool sysfs_exists(struct sriov_ctx *ctx, const char *path)
{
        int root = sysfs_root_fd(ctx);
        return root >= 0 && faccessat(root, path, F_OK, 0) == 0;
}

bool sysfs_netdev_exists(struct sriov_ctx *ctx, const char *ifname)
{
        char p[64];
        if (!ifname || !*ifname || strlen(ifname) >= SRIOV_IFNAME_MAX || strchr(ifname, '/'))
                return false;
        snprintf(p, sizeof(p), "class/net/%s", ifname);
        return sysfs_exists(ctx, p);
}

int sysfs_upper_names(struct sriov_ctx *ctx, const char *netdir, char **ret)
{
        _cleanup_strv_free_ char **ups = NULL;
        if (sysfs_list(ctx, netdir, "upper_", &ups) < 0) {
                ctx_clear_error(ctx); /* no such netdev now: nothing above it */
                ups = NULL;
        }
        _cleanup_free_ char *list = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&list, &len);
        if (!f)
                return -ENOMEM;
        for (char **u = ups; u && *u; u++)
                fprintf(f, "%s%s", u == ups ? "" : ", ", *u + strlen("upper_"));
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(list);
        return 0;
}

int sysfs_read_all(struct sriov_ctx *ctx, const char *path, char **ret)
{
        int root = sysfs_root_fd(ctx);
        if (root < 0)
                return root;
        _cleanup_close_ int fd = openat(root, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno; /* callers decide whether absence is an error */
        _cleanup_free_ char *buf = malloc(SYSFS_VALUE_MAX + 1);
        if (!buf)
                return -ENOMEM;
        size_t len = 0;
        for (;;) {
                ssize_t n = read(fd, buf + len, SYSFS_VALUE_MAX - len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return ctx_fail(ctx, -errno, "%s/%s: %s", ctx->sysfs_root, path,
                                        strerror(errno));
                }
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len == SYSFS_VALUE_MAX)
                        return ctx_fail(ctx, -EFBIG, "%s/%s: value longer than %d bytes",
                                        ctx->sysfs_root, path, SYSFS_VALUE_MAX);
        }
        buf[len] = 0;
        *ret = TAKE_PTR(buf);
        return 0;
}

int sysfs_read_line(struct sriov_ctx *ctx, const char *path, char **ret)
{
        char *buf;
        int r = sysfs_read_all(ctx, path, &buf);
        if (r < 0)
                return r;
        buf[strcspn(buf, "\n")] = 0;
        *ret = buf;
        return 0;
}

/* Parses an unsigned number in the given base, whole string, no sign. */
static int parse_u64(const char *s, int base, uint64_t *ret)
{
        if (!*s)
                return -EINVAL;
        if (base == 16 && (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0))
                s += 2;
        uint64_t v = 0;
        for (const char *p = s; *p; p++) {
                int d;
                if (*p >= '0' && *p <= '9')
                        d = *p - '0';
                else if (base == 16 && *p >= 'a' && *p <= 'f')
                        d = *p - 'a' + 10;
                else if (base == 16 && *p >= 'A' && *p <= 'F')
                        d = *p - 'A' + 10;
                else
                        return -EINVAL;
                if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
                        return -ERANGE;
                v = v * (uint64_t)base + (uint64_t)d;
        }
        if (s[0] == 0)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* A value as quoted in messages: its first 64 bytes, printable ASCII as is
 * and any other byte as \xNN, so messages stay valid UTF-8 text (they end
 * up in JSON and XML) whatever the file holds. */
#define QUOTE_MAX 64
static const char *quote(const char *s, char buf[static QUOTE_MAX * 4 + 4])
{
        char *p = buf;
        size_t i = 0;
        for (; s[i] && i < QUOTE_MAX; i++) {
                unsigned char c = (unsigned char)s[i];
                if (c >= 0x20 && c < 0x7f && c != '\\')
                        *p++ = (char)c;
                else
                        p += sprintf(p, "\\x%02x", c);
        }
        if (s[i])
                p += sprintf(p, "...");
        *p = 0;
        return buf;
}

int sysfs_read_u64(struct sriov_ctx *ctx, const char *path, int base, uint64_t max, uint64_t *ret)
{
        _cleanup_free_ char *s = NULL;
        int r = sysfs_read_line(ctx, path, &s);
        if (r < 0)
                return r;
        uint64_t v;
        char q[QUOTE_MAX * 4 + 4];
        r = parse_u64(s, base, &v);
        if (r == -EINVAL && !*s)
                return ctx_fail(ctx, -EINVAL, "%s/%s: empty value, expected a number",
                                ctx->sysfs_root, path);
        if (r == -EINVAL && s[0] == '-')
                return ctx_fail(ctx, -ERANGE, "%s/%s: value '%s' is negative", ctx->sysfs_root,
                                path, quote(s, q));
        if (r == -EINVAL)
                return ctx_fail(ctx, -EINVAL, "%s/%s: value '%s' is not a %s number",
                                ctx->sysfs_root, path, quote(s, q), base == 16 ? "hexadecimal" : "decimal");
        if (r < 0 || v > max)
                return ctx_fail(ctx, -ERANGE, "%s/%s: value '%s' is larger than %" PRIu64,
                                ctx->sysfs_root, path, quote(s, q), max);
        *ret = v;
        return 0;
}

int sysfs_read_s64(struct sriov_ctx *ctx, const char *path, int64_t min, int64_t max, int64_t *ret)
{
        _cleanup_free_ char *s = NULL;
        int r = sysfs_read_line(ctx, path, &s);
        if (r < 0)
                return r;
        bool neg = s[0] == '-';
        uint64_t mag;
        char q[QUOTE_MAX * 4 + 4];
        r = parse_u64(s + neg, 10, &mag);
        if (r == -EINVAL)
                return ctx_fail(ctx, -EINVAL, "%s/%s: value '%s' is not a decimal number",
                                ctx->sysfs_root, path, quote(s, q));
        if (r < 0 || mag > (uint64_t)INT64_MAX || (neg ? -(int64_t)mag < min : (int64_t)mag > max))
                return ctx_fail(ctx, -ERANGE,
                                "%s/%s: value '%s' is outside %" PRId64 "..%" PRId64,
                                ctx->sysfs_root, path, quote(s, q), min, max);
        *ret = neg ? -(int64_t)mag : (int64_t)mag;
        return 0;
}

static int read_link(int root, const char *path, char **ret)
{
        char buf[PATH_MAX];
        ssize_t n = readlinkat(root, path, buf, sizeof(buf) - 1);
        if (n < 0)
                return -errno;
        buf[n] = 0;
        char *s = strdup(buf);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int sysfs_link_name(struct sriov_ctx *ctx, const char *path, char **ret)
{
        int root = sysfs_root_fd(ctx);
        if (root < 0)
                return root;
        _cleanup_free_ char *target = NULL;
        int r = read_link(root, path, &target);
        if (r < 0)
                return r;
        const char *slash = strrchr(target, '/');
        char *name = strdup(slash ? slash + 1 : target);
        if (!name)
                return -ENOMEM;
        *ret = name;
        return 0;
}

/* Appends the components of `rel` to the resolved path `out` (relative to
 * the root, no leading slash), following symlinks; ".." never leaves the
 * root, as in a chroot. */
static int resolve(int root, char *out, size_t size, const char *rel, unsigned *hops)
{
        _cleanup_free_ char *copy = strdup(rel);
        if (!copy)
                return -ENOMEM;
        char *save = NULL;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (strcmp(c, ".") == 0)
                        continue;
                if (strcmp(c, "..") == 0) {
                        char *slash = strrchr(out, '/');
                        if (slash)
                                *slash = 0;
                        else
                                out[0] = 0;
                        continue;
                }
                size_t len = strlen(out);
                if (len + 1 + strlen(c) + 1 > size)
                        return -ENAMETOOLONG;
                size_t mark = len;
                if (len)
                        out[len++] = '/';
                strcpy(out + len, c);
                _cleanup_free_ char *target = NULL;
                int r = read_link(root, out, &target);
                if (r == -EINVAL || r == -ENOENT)
                        continue; /* not a symlink (or absent: resolved as named) */
                if (r < 0)
                        return r;
                if (++*hops > 40)
                        return -ELOOP;
                if (target[0] == '/')
                        out[0] = 0;
                else
                        out[mark] = 0;
                r = resolve(root, out, size, target, hops);
                if (r < 0)
                        return r;
        }
        return 0;
}

int sysfs_realpath(struct sriov_ctx *ctx, const char *path, char **ret)
{
        int root = sysfs_root_fd(ctx);
        if (root < 0)
                return root;
        char buf[PATH_MAX] = "";
        unsigned hops = 0;
        int r = resolve(root, buf, sizeof(buf), path, &hops);
        if (r < 0)
                return r;
        char *s = strdup(buf);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int sysfs_list(struct sriov_ctx *ctx, const char *dir, const char *prefix, char ***ret)
{
        int root = sysfs_root_fd(ctx);
        if (root < 0)
                return root;
        /* Grown geometrically, not with strv_push (which walks the vector
         * each time): bus/pci/devices and class/net have thousands of
         * entries on a host with many VFs. Always NULL-terminated. Starts
         * at one name: most lists (a VF's net/) have one or none, and
         * thousands of them stay in the inventory. */
        size_t n = 0, size = 2;
        _cleanup_strv_free_ char **names = calloc(size, sizeof(char *));
        if (!names)
                return -ENOMEM;
        int fd = openat(root, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                int r = -errno;
                close(fd);
                return r;
        }
        int r = 0;
        size_t plen = prefix ? strlen(prefix) : 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (plen && strncmp(de->d_name, prefix, plen) != 0)
                        continue;
                if (n + 2 > size) {
                        char **nv = realloc(names, 2 * size * sizeof(char *));
                        if (!nv) {
                                r = -ENOMEM;
                                break;
                        }
                        names = nv;
                        size *= 2;
                }
                names[n] = strdup(de->d_name);
                if (!names[n]) {
                        r = -ENOMEM;
                        break;
                }
                names[++n] = NULL;
        }
        closedir(d);
        if (r < 0)
                return r;
        strv_sort(names);
        *ret = TAKE_PTR(names);
        return 0;
}

int sysfs_write(struct sriov_ctx *ctx, const char *path, const char *value)
{
        int root = sysfs_root_fd(ctx);
        if (root < 0)
                return root;
        _cleanup_close_ int fd = openat(root, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return ctx_fail(ctx, -errno, "%s/%s: %s", ctx->sysfs_root, path, strerror(errno));
        size_t len = strlen(value);
        ssize_t n = write(fd, value, len);
        if (n < 0)
                return ctx_fail(ctx, -errno, "writing '%s' to %s/%s: %s", value, ctx->sysfs_root,
                                path, strerror(errno));
        if ((size_t)n != len)
                return ctx_fail(ctx, -EIO, "writing '%s' to %s/%s: short write", value,
                                ctx->sysfs_root, path);
        return 0;
}
