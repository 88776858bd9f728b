/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl-libvirt.so: the commands that read or write XML or talk to
 * libvirt (attach, detach, hook, list/show --xml), loaded the first time
 * one of them runs. libxml2 (with ICU) and libvirt (with glib, gnutls,
 * curl, ...) are some fifty shared libraries: udev starts sriovctl for
 * every PF and VF event, and none of those commands needs them.
 *
 * The module is looked for beside sriovctl (the build tree), then in
 * LIBDIR/sriov-manager relative to it (the installed tree, wherever
 * DESTDIR or the prefix put it): by path, not through dlopen's search,
 * which under ASan's dlopen interceptor no longer sees sriovctl's
 * RUNPATH. It calls back into sriovctl for the shared helpers of cli.h
 * (sriovctl exports them). */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define LIBVIRT_MODULE "sriovctl-libvirt.so"

#ifndef SRIOV_BIN_TO_MODULE
#define SRIOV_BIN_TO_MODULE "../lib/sriov-manager"
#endif

static void *open_module(void)
{
        char exe[PATH_MAX], path[PATH_MAX + 64];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n > 0) {
                exe[n] = 0;
                char *slash = strrchr(exe, '/');
                if (slash)
                        *slash = 0;
                const char *const dirs[] = {"", "/" SRIOV_BIN_TO_MODULE};
                for (size_t i = 0; i < ELEMENTS(dirs); i++) {
                        snprintf(path, sizeof(path), "%s%s/%s", exe, dirs[i], LIBVIRT_MODULE);
                        if (access(path, R_OK) == 0)
                                return dlopen(path, RTLD_NOW | RTLD_LOCAL);
                }
        }
        return dlopen(LIBVIRT_MODULE, RTLD_NOW | RTLD_LOCAL); /* its error names the module */
}

void *libvirt_module_symbol(const char *name)
{
        static void *module;
        if (!module && !(module = open_module())) {
                fprintf(stderr, "sriovctl: %s needs %s (libxml2, libvirt): %s\n", current_command, LIBVIRT_MODULE,
                        dlerror());
                return NULL;
        }
        void *sym = dlsym(module, name);
        if (!sym)
                fprintf(stderr, "sriovctl: %s: %s has no %s: %s\n", current_command, LIBVIRT_MODULE, name,
                        dlerror());
        return sym;
}
