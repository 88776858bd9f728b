/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The words of the VF settings grammar (`sriovctl set`, apply files, the
 * desired state) and the other spellings taken for them: one table, read
 * by the parser (vfparse.c) and by what describes the grammar (sriovctl's
 * help, its man page and its shell completion, which build this file
 * alone: data only, nothing else linked). */
#include "vfwords.h"

/* ip-link(8) spells mac, vlan, qos, proto, spoofchk, trust and state as we
 * do; its max_tx_rate, min_tx_rate and query_rss, and its older `rate`
 * (the kernel's IFLA_VF_TX_RATE: the maximum, the minimum kept), are
 * taken for ours. */
static const struct sriov_vf_word words[N_VF_WORDS + 1] = {
        [VF_WORD_MAC] = {"mac", {NULL}, "ADDR", NULL},
        [VF_WORD_VLAN] = {"vlan", {NULL}, "ID", NULL},
        [VF_WORD_QOS] = {"qos", {NULL}, "Q", "vlan"},
        [VF_WORD_PROTO] = {"proto", {NULL}, "802.1Q|802.1ad", "vlan"},
        [VF_WORD_SPOOFCHK] = {"spoofchk", {NULL}, "on|off", NULL},
        [VF_WORD_TRUST] = {"trust", {NULL}, "on|off", NULL},
        [VF_WORD_STATE] = {"state", {NULL}, "auto|enable|disable", NULL},
        [VF_WORD_MIN_RATE] = {"min-rate", {"min_tx_rate", NULL}, "MBPS", NULL},
        [VF_WORD_MAX_RATE] = {"max-rate", {"max_tx_rate", "rate", NULL}, "MBPS", NULL},
        [VF_WORD_QUERY_RSS] = {"query-rss", {"query_rss", NULL}, "on|off", NULL},
        [N_VF_WORDS] = {NULL, {NULL}, NULL, NULL},
};

const struct sriov_vf_word *sriov_vf_words(void)
{
        return words;
}
