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

int ipam_exec(const char *type, const char *cni_path, const char *command, const char *input, char **ret_out,
              int *ret_status, struct cni_error *err)
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
                dup2(in[0], 0);
                dup2(out[1], 1);
                setenv("CNI_COMMAND", command, 1);
                execl(path, type, (char *)NULL);
                _exit(127);
        }
        close(in[0]);
        close(out[1]);
        /* a plugin that exits without reading must not kill us with SIGPIPE */
        struct sigaction ign = {.sa_handler = SIG_IGN}, old;
        sigaction(SIGPIPE, &ign, &old);
        size_t len = strlen(input), done = 0;
        while (done < len) {
                ssize_t n = write(in[1], input + done, len - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                done += (size_t)n;
        }
        close(in[1]);
        sigaction(SIGPIPE, &old, NULL);
        char *buf = NULL;
        size_t have = 0, cap = 0;
        for (;;) {
                if (have + 4096 + 1 > cap) {
                        char *nb = realloc(buf, cap = (cap ? cap * 2 : 8192));
                        if (!nb)
                                break;
                        buf = nb;
                }
                ssize_t n = read(out[0], buf + have, cap - have - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                have += (size_t)n;
        }
        close(out[0]);
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (!buf) {
                free(path);
                return -ENOMEM;
        }
        buf[have] = 0;
        free(path);
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
        int r = ipam_exec(type, cni_path, command, input, &out, &status, err);
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
                for (size_t i = 0; i < json_object_array_length(list) && !yes; i++)
                        yes = strcmp(json_object_get_string(json_object_array_get_idx(list, i)), version) == 0;
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
                        const char *v = json_object_get_string(json_object_array_get_idx(list, i));
                        if (v && strlen(v) < 16 && cni_version_cmp(v, want) <= 0 &&
                            (!buf[0] || cni_version_cmp(v, buf) > 0))
                                snprintf(buf, 16, "%s", v);
                }
        json_object_put(o);
        return buf[0] ? 0 : -ENOENT;
}
