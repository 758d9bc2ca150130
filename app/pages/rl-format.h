/* rl-format.h — how the pages write times, fingers and ids. */
#pragma once

#include <glib.h>

#include "rl-types.h"

G_BEGIN_DECLS

/* "2026-11-23 14:05" in local time; "" for 0. */
char       *rl_format_time   (gint64 unix_time);
/* "2026-11-23" in local time; "" for 0. */
char       *rl_format_date   (gint64 unix_time);
/* Translated "Right index" etc. */
const char *rl_format_finger (RlFingerPosition finger);
/* "0.734" or "" when score is 0 (no candidate). */
char       *rl_format_score  (float score);
/* A person's name as recorded: "Given Family", either alone when the other
 * is empty, "" when both are. */
char       *rl_format_name   (const char *given_names, const char *family_name);
/* "P-000034 (Ada Okonkwo)", or "P-000034" when no name is recorded. */
char       *rl_format_person (const char *reference, const char *given_names, const char *family_name);

G_END_DECLS
