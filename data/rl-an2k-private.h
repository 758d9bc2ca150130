/* rl-an2k-private.h — shared between rl-an2k.c and rl-an2k-xml.c. */
#pragma once

#include "rl-an2k.h"

G_BEGIN_DECLS

/* Takes message. */
void rl_an2k_transaction_add_warning (RlAn2kTransaction *transaction, char *message);
/* Adds the binary header fields a Type-3..8 record lacks, with defaults. */
void rl_an2k_record_complete_header  (RlAn2kRecord *record);

G_END_DECLS
