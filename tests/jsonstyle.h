/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one JSON text style (header-only, for the tests of what sriovctl and
 * sriov-vf print): a document is exactly what json-c writes with
 * SRIOV_JSON_TEXT_FLAGS, then a newline. */
#ifndef SRIOV_TEST_JSONSTYLE_H
#define SRIOV_TEST_JSONSTYLE_H

#include <json-c/json.h>

#include "sriov.h"
#include "testutil.h"

/* Fails the test unless text (what a program printed; `what` names it) is
 * one JSON document in the one style. */
static inline void assert_json_style(const char *what, const char *text)
{
        json_object *o = json_tokener_parse(text);
        if (!o)
                fail_msg("%s: not JSON: %s", what, text);
        const char *want = json_object_to_json_string_ext(o, SRIOV_JSON_TEXT_FLAGS);
        size_t n = strlen(want);
        if (strncmp(text, want, n) != 0 || strcmp(text + n, "\n") != 0)
                fail_msg("%s: not in the one JSON style; printed:\n%s\nexpected:\n%s\n", what, text, want);
        json_object_put(o);
}

#endif
