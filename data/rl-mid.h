/* rl-mid.h — multiple-identity detection and identity merges.
 *
 * When an enrolled or imported encounter's prints match prints held under
 * another identity whose biographic data differs, the two identities get a
 * yellow link for an analyst to review (white: same person, green: different
 * people, red: identity fraud), as the EU's multiple-identity detector does.
 * Merging keeps every encounter (they move to the surviving identity), can
 * be undone, and is audited; a split moves chosen encounters to a new
 * identity. */
#pragma once

#include "rl-store.h"

G_BEGIN_DECLS

/* Score (rl_compare, 0..100) at or above which two prints are taken to be of
 * the same finger for link creation: a false-match rate of about 1e-5. */
float   rl_mid_default_threshold (void);

/* Whether two encounters' biographic data differ in a way an analyst must
 * look at (family or given names, date of birth, nationality; unknown
 * fields do not count as different). */
gboolean rl_mid_biographic_differs (const RlEncounter *a, const RlEncounter *b);

/* Compares every sample with a template of encounter_id with every template
 * held under other identities (not merged away). For each other identity
 * with a print at or above threshold and an encounter whose biographic data
 * differs from this encounter's, adds a yellow link (or keeps the existing
 * one). Returns the number of links created or found, -1 on error.
 * threshold <= 0: rl_mid_default_threshold(). */
int      rl_mid_check_encounter (RlStore *store, gint64 encounter_id, float threshold, GError **error);

/* Moves every encounter, derogatory record and hit of `from` to `into`,
 * marks `from` merged into `into`, notes what moved (for undoing) and audits
 * it on both identities (reason required; analysts and supervisors).
 * Returns the number of encounters moved, -1 on error. */
int      rl_store_merge_identities (RlStore *store, gint64 from, gint64 into, const char *reason, GError **error);

/* Undoes the latest merge of merged_identity_id: what that merge moved and
 * is still under the identity it went into goes back, and the identity is
 * live again. Refused when the surviving identity has itself been merged
 * since (undo that first). Audited on both (reason required; analysts and
 * supervisors). Returns the number of encounters moved back, -1 on error. */
int      rl_store_undo_merge       (RlStore *store, gint64 merged_identity_id, const char *reason, GError **error);

/* Separates encounters wrongly attached to identity_id into a new identity:
 * the chosen encounters move (with their biographic data and prints, which
 * belong to the encounter); every other encounter, the derogatory records
 * and hits stay. Each encounter must belong to identity_id and at least one
 * must stay. Audited on both identities (reason required; analysts and
 * supervisors). Returns the new identity's id, 0 on error. */
gint64   rl_store_split_identity   (RlStore *store, gint64 identity_id, const gint64 *encounter_ids,
                                    guint n_encounter_ids, const char *reason, GError **error);

G_END_DECLS
