/* rl-search.h — the automated 1:N search of a new encounter, as production
 * runs it.
 *
 * A probe sample is searched against every enrolled sample of the other
 * encounters with the ACTIVE matcher release's parameters (comparison
 * weights, per-quality-bucket match thresholds). The search and its
 * candidates are stored and routed: an automatic match or no-match needs no
 * examiner; a best score in the grey zone between the two thresholds, or a
 * probe below the quality threshold, goes to the examiners' queue. An
 * automatic match to an identity with derogatory records is a hit for the
 * analysts' queue, and every other identity the encounter's prints match
 * (automatically decidable matches only) whose biographic data differs gets
 * a yellow multiple-identity link (rl-mid.h).
 *
 * The gallery is loaded from the store on the first search and kept with
 * the RlStore: later searches only add the samples stored since (the ones
 * with a higher id), so a search costs one 1:N comparison, not a reload.
 */
#pragma once

#include <glib.h>

#include "rl-gallery.h"
#include "rl-release-params.h"
#include "rl-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64         search_id;         /* 0 when nothing was searched (no template) */
  RlSearchStatus status;
  RlSearchReason reason;
  float          best_score;        /* 0 when there are no candidates */
  gint64         best_identity_id;  /* identity of the best candidate, 0 when none */
  gint64         best_sample_id;
  gint64         hit_id;            /* 0 = no hit */
  guint          n_links;           /* multiple-identity links created or found */
} RlSearchOutcome;

/* Searches one probe sample (it needs a template), stores the search and its
 * candidates, routes it, creates the hit when the automatic match is an
 * identity with derogatory records (one hit per encounter and identity),
 * and links the identities the probe matched whose biographic data differs
 * (multiple-identity detection). All in one store transaction. */
gboolean rl_search_sample    (RlStore *store, gint64 probe_sample_id, RlSearchOutcome *out, GError **error);

/* Searches every sample with a template of the encounter (one stored search
 * each); out is the outcome of the best of them (a hit first, then the
 * highest score), with n_links counted over the encounter. An encounter
 * without templates is no error: out->search_id is 0. */
gboolean rl_search_encounter (RlStore *store, gint64 encounter_id, RlSearchOutcome *out, GError **error);

/* Candidates only, nothing stored: for re-running past searches with a
 * draft release (tuning) and previews. params NULL = the active release's.
 * A GArray of RlCandidate (sample id, score), best first, at most
 * params->max_candidates long, without the probe's own encounter. */
GArray  *rl_search_preview   (RlStore *store, const RlReleaseParams *params, gint64 probe_sample_id, GError **error);

/* Threads the kept gallery uses for a search (0 = one per processor). */
void     rl_search_set_n_threads (RlStore *store, guint n_threads);

G_END_DECLS
