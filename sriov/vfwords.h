/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The words of the VF settings grammar (vfwords.c), internal: their
 * indexes in sriov_vf_words(), for the parser (vfparse.c). */
#ifndef SRIOV_VFWORDS_H
#define SRIOV_VFWORDS_H

#include "sriov.h"

enum vf_word {
        VF_WORD_MAC,
        VF_WORD_VLAN,
        VF_WORD_QOS,
        VF_WORD_PROTO,
        VF_WORD_SPOOFCHK,
        VF_WORD_TRUST,
        VF_WORD_STATE,
        VF_WORD_MIN_RATE,
        VF_WORD_MAX_RATE,
        VF_WORD_QUERY_RSS,
        N_VF_WORDS
};

#endif
