/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPAM delegation (CNI spec: "Delegated plugins"): the IPAM plugin named
 * by ipam.type is found in CNI_PATH and run with the same environment and
 * the same network configuration on stdin; its stdout is its result or its
 * error JSON. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipam.h"

static int find_plugin(const char *type, const char *cni_path, char **ret, struct cni_error *err)
{
        if (!cni_path || !cni_path[0]) {
                cni_error_set(err, CNI_ERR_ENV, "CNI_PATH is not set",
                              "CNI_PATH names the directories of the IPAM plugin '%s'", type);
                return -EINVAL;
        }
        for (const char *p = cni_path; *p;) {
                size_t n = strcspn(p, ":");
                char *cand;
                if (n && asprintf(&cand, "%.*s/%s", (int)n, p, type) >= 0) {
                        if (access(cand, X_OK) == 0) {
                                *ret = cand;
                                return 0;
                        }
                        free(cand);
                }
                p += n;
                if (*p == ':')
                        p++;
        }
        cni_error_set(err, CNI_ERR_IPAM, "IPAM plugin not found", "ipam.type '%s': no executable of that name in "
                      "CNI_PATH %s", type, cni_path);
        return -ENOENT;
}

static int64_t now_ms(void)
{
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Feeds input to the child's stdin and reads its stdout until EOF, both
 * at once (a plugin may answer before it has read everything), until the
 * deadline: -ETIMEDOUT then. */
static int exchange(int in, int out, const char *input, int64_t deadline, char **ret, size_t *ret_len)
{
        size_t len = strlen(input), done = 0, have = 0, cap = 8192;
        char *buf = malloc(cap);
        if (!buf)
                return -ENOMEM;
        int r = 0;
        while (out >= 0) {
                struct pollfd p[2] = {{.fd = out, .events = POLLIN}, {.fd = in, .events = POLLOUT}};
                int64_t left = deadline - now_ms();
                if (left <= 0) {
                        r = -ETIMEDOUT;
                        break;
                }
                int n = poll(p, in >= 0 ? 2 : 1, (int)left);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                if (in >= 0 && p[1].revents) {
                        ssize_t w = (p[1].revents & POLLOUT) ? write(in, input + done, len - done) : -1;
                        if (w > 0)
                                done += (size_t)w;
                        if ((w < 0 && errno != EINTR && errno != EAGAIN) || done == len) {
                                close(in); /* all of it, or the plugin stopped reading */
                                in = -1;
                        }
                }
                if (p[0].revents) {
                        if (have + 4096 + 1 > cap) {
                                char *nb = realloc(buf, cap *= 2);
                                if (!nb) {
                                        r = -ENOMEM;
                                        break;
                                }
                                buf = nb;
                        }
                        ssize_t got = read(out, buf + have, cap - have - 1);
                        if (got < 0 && errno == EINTR)
                                continue;
                        if (got <= 0)
                                out = -1; /* EOF (the caller closes it) */
                        else
                                have += (size_t)got;
                }
        }
        if (in >= 0)
                close(in);
        if (r < 0) {
                free(buf);
                return r;
        }
        buf[have] = 0;
        *ret = buf;
        *ret_len = have;
        return 0;
}

int ipam_exec(const char *type, const char *cni_path, const char *command, const char *input, unsigned timeout_ms,
              char **ret_out, int *ret_status, struct cni_error *err)
{
        char *path = NULL;
        int r = find_plugin(type, cni_path, &path, err);
        if (r < 0)
                return r;
        int in[2], out[2];
        if (pipe2(in, O_CLOEXEC) < 0)
                goto sys;
        if (pipe2(out, O_CLOEXEC) < 0) {
                close(in[0]);
                close(in[1]);
                goto sys;
        }
        pid_t pid = fork();
        if (pid < 0) {
                close(in[0]), close(in[1]), close(out[0]), close(out[1]);
                goto sys;
        }
        if (pid == 0) {
                /* its own process group: a timeout kills what it started too */
                setpgid(0, 0);
                dup2(in[0], 0);
                dup2(out[1], 1);
                setenv("CNI_COMMAND", command, 1);
                execl(path, type, (char *)NULL);
                _exit(127);
        }
        setpgid(pid, pid); /* as the child does: whichever runs first */
        close(in[0]);
        close(out[1]);
        (void)fcntl(in[1], F_SETFL, O_NONBLOCK);
        /* a plugin that exits without reading must not kill us with SIGPIPE */
        struct sigaction ign = {.sa_handler = SIG_IGN}, old;
        sigaction(SIGPIPE, &ign, &old);
        int64_t deadline = now_ms() + timeout_ms;
        char *buf = NULL;
        size_t have = 0;
        r = exchange(in[1], out[0], input, deadline, &buf, &have);
        close(out[0]);
        sigaction(SIGPIPE, &old, NULL);
        /* stdout closed is not exited: the wait is bounded too */
        int status = 0;
        for (;;) {
                if (r < 0)
                        kill(-pid, SIGKILL);
                pid_t w = waitpid(pid, &status, r < 0 ? 0 : WNOHANG);
                if (w == pid || (w < 0 && errno != EINTR))
                        break;
                if (w == 0 && now_ms() >= deadline)
                        r = -ETIMEDOUT;
                else if (w == 0)
                        poll(NULL, 0, 10);
        }
        if (r == -ETIMEDOUT)
                cni_error_set(err, CNI_ERR_IPAM, "the IPAM plugin did not answer",
                              "%s %s did not answer within %u ms: killed", type, command, timeout_ms);
        else if (r < 0)
                cni_error_set(err, CNI_ERR_IO, "cannot run the IPAM plugin", "%s: %s", path, strerror(-r));
        free(path);
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret_out = buf;
        *ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return 0;
sys:
        r = -errno;
        cni_error_set(err, CNI_ERR_IO, "cannot run the IPAM plugin", "%s: %s", path, strerror(errno));
        free(path);
        return r;
}

int ipam_call(const char *type, const char *cni_path, const char *command, const char *input, json_object **ret,
              struct cni_error *err)
{
        char *out = NULL;
        int status = 0;
        int r = ipam_exec(type, cni_path, command, input, IPAM_TIMEOUT_MS, &out, &status, err);
        if (r < 0)
                return r;
        json_object *o = out[0] ? json_tokener_parse(out) : NULL;
        if (status != 0) {
                json_object *v;
                const char *msg = o && json_object_object_get_ex(o, "msg", &v) ? json_object_get_string(v) : NULL;
                const char *det = o && json_object_object_get_ex(o, "details", &v) ? json_object_get_string(v) : NULL;
                int code = o && json_object_object_get_ex(o, "code", &v) ? json_object_get_int(v) : 0;
                cni_error_set(err, CNI_ERR_IPAM, "the IPAM plugin failed", "%s %s (exit %d, code %d): %s%s%s", type,
                              command, status, code, msg ? msg : out, det ? ": " : "", det ? det : "");
                json_object_put(o);
                free(out);
                return -EIO;
        }
        if (!o && out[0]) {
                cni_error_set(err, CNI_ERR_IPAM, "the IPAM plugin's result is not JSON", "%s %s printed: %.200s",
                              type, command, out);
                free(out);
                return -EBADMSG;
        }
        free(out);
        if (ret)
                *ret = o;
        else
                json_object_put(o);
        return 0;
}

bool ipam_speaks(const char *type, const char *cni_path, const char *version)
{
        struct cni_error err;
        json_object *o = NULL;
        char in[64];
        snprintf(in, sizeof(in), "{\"cniVersion\":\"%s\"}", version);
        if (ipam_call(type, cni_path, "VERSION", in, &o, &err) < 0 || !o)
                return false;
        json_object *list;
        bool yes = false;
        if (json_object_object_get_ex(o, "supportedVersions", &list) && json_object_is_type(list, json_type_array))
                for (size_t i = 0; i < json_object_array_length(list) && !yes; i++) {
                        json_object *v = json_object_array_get_idx(list, i);
                        yes = json_object_is_type(v, json_type_string) &&
                              strcmp(json_object_get_string(v), version) == 0;
                }
        json_object_put(o);
        return yes;
}

int ipam_pick_version(const char *type, const char *cni_path, const char *want, char buf[static 16])
{
        struct cni_error err;
        json_object *o = NULL, *list;
        char in[64];
        snprintf(in, sizeof(in), "{\"cniVersion\":\"%s\"}", want);
        if (ipam_call(type, cni_path, "VERSION", in, &o, &err) < 0 || !o)
                return -ENOENT;
        buf[0] = 0;
        if (json_object_object_get_ex(o, "supportedVersions", &list) && json_object_is_type(list, json_type_array))
                for (size_t i = 0; i < json_object_array_length(list); i++) {
                        json_object *o2 = json_object_array_get_idx(list, i);
                        const char *v = json_object_is_type(o2, json_type_string) ? json_object_get_string(o2) : NULL;
                        if (v && strlen(v) < 16 && cni_version_cmp(v, want) <= 0 &&
                            (!buf[0] || cni_version_cmp(v, buf) > 0))
                                snprintf(buf, 16, "%s", v);
                }
        json_object_put(o);
        return buf[0] ? 0 : -ENOENT;
}

/* Member key of o, when present (and not null): of type t, else a
 * message naming where. */
static int typed(json_object *o, const char *where, const char *key, json_type t, bool required, json_object **ret,
                 struct cni_error *err)
{
        json_object *v = NULL;
        *ret = NULL;
        if (!json_object_object_get_ex(o, key, &v) || !v) {
                if (!required)
                        return 0;
                cni_error_set(err, CNI_ERR_IPAM, "the IPAM plugin's result is not usable", "%s has no \"%s\"", where,
                              key);
                return -EBADMSG;
        }
        if (!json_object_is_type(v, t)) {
                cni_error_set(err, CNI_ERR_IPAM, "the IPAM plugin's result is not usable",
                              "%s: \"%s\" is a JSON %s, not %s", where, key,
                              json_type_to_name(json_object_get_type(v)), json_type_to_name(t));
                return -EBADMSG;
        }
        *ret = v;
        return 0;
}

/* Every element of list an object with the string members named. */
static int objects_with(json_object *list, const char *name, const char *req, const char *opt,
                        struct cni_error *err)
{
        for (size_t i = 0; list && i < json_object_array_length(list); i++) {
                json_object *e = json_object_array_get_idx(list, i), *v;
                char where[48];
                snprintf(where, sizeof(where), "%s[%zu]", name, i);
                if (!json_object_is_type(e, json_type_object)) {
                        cni_error_set(err, CNI_ERR_IPAM, "the IPAM plugin's result is not usable",
                                      "%s is a JSON %s, not an object", where,
                                      json_type_to_name(json_object_get_type(e)));
                        return -EBADMSG;
                }
                int r;
                if ((r = typed(e, where, req, json_type_string, true, &v, err)) < 0 ||
                    (r = typed(e, where, opt, json_type_string, false, &v, err)) < 0)
                        return r;
        }
        return 0;
}

int ipam_result_check(json_object *res, struct cni_error *err)
{
        if (!json_object_is_type(res, json_type_object)) {
                cni_error_set(err, CNI_ERR_IPAM, "the IPAM plugin's result is not usable",
                              "the result is a JSON %s, not an object", json_type_to_name(json_object_get_type(res)));
                return -EBADMSG;
        }
        json_object *ips, *routes, *dns;
        int r;
        if ((r = typed(res, "the result", "ips", json_type_array, false, &ips, err)) < 0 ||
            (r = typed(res, "the result", "routes", json_type_array, false, &routes, err)) < 0 ||
            (r = typed(res, "the result", "dns", json_type_object, false, &dns, err)) < 0 ||
            (r = objects_with(ips, "ips", "address", "gateway", err)) < 0 ||
            (r = objects_with(routes, "routes", "dst", "gw", err)) < 0)
                return r;
        return 0;
}
