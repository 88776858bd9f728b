/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sriovctl-libvirt.so: the commands that read or write XML or talk to
 * libvirt (attach, detach, hook, list/show --xml), loaded the first time
 * one of them runs. libxml2 (with ICU) and libvirt (with glib, gnutls,
 * curl, ...) are some fifty shared libraries: udev starts sriovctl for
 * every PF and VF event, and none of those commands needs them.
 *
 * The module is found like a library, through sriovctl's RUNPATH (the
 * build tree, or LIBDIR/sriov-manager of the installed tree); it calls
 * back into sriovctl for the shared helpers of cli.h (sriovctl exports
 * them). */
#include <dlfcn.h>
#include <stdio.h>

#include "cli.h"

#define LIBVIRT_MODULE "sriovctl-libvirt.so"

void *libvirt_module_symbol(const char *name)
{
        static void *module;
        if (!module && !(module = dlopen(LIBVIRT_MODULE, RTLD_NOW | RTLD_LOCAL))) {
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
