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
 * the RlStore (or shared between connections, rl_search_share_gallery):
 * later searches only add the samples stored since (the ones with a higher
 * id), so a search costs one 1:N comparison, not a reload. The comparison
 * (the scan) runs before the search's transaction, so it does not hold
 * SQLite's write lock; the results are written in one short transaction.
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

/* The same for prints scanned BEFORE they were stored, for a caller that
 * stores them and searches them in one transaction of its own (the
 * gateway): the matcher scan, the long part, then runs before the caller
 * takes the write lock. rl_search_scan_print scans one print with the
 * active release's parameters (no transaction: call it before beginning);
 * rl_search_encounter_scanned, inside the caller's transaction once the
 * prints are stored, records the searches of encounter_id with those scans,
 * sample_ids[i] being the stored sample of scans[i]. The encounter's own
 * prints were not in the gallery when scanned, so they are never
 * candidates. */
typedef struct _RlSearchScan RlSearchScan;

RlSearchScan *rl_search_scan_print (RlStore *store, const RlTemplate *tpl, RlFingerPosition finger, int quality,
                                    GError **error);
void          rl_search_scan_free  (RlSearchScan *scan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlSearchScan, rl_search_scan_free)
gboolean      rl_search_encounter_scanned (RlStore *store, gint64 encounter_id, const gint64 *sample_ids,
                                           RlSearchScan **scans, guint n_scans, RlSearchOutcome *out,
                                           GError **error);

/* Candidates only, nothing stored: for re-running past searches with a
 * draft release (tuning) and previews. params NULL = the active release's.
 * A GArray of RlCandidate (sample id, score), best first, at most
 * params->max_candidates long, without the probe's own encounter. */
GArray  *rl_search_preview   (RlStore *store, const RlReleaseParams *params, gint64 probe_sample_id, GError **error);

/* Threads the kept gallery uses for a search (0 = one per processor). */
void     rl_search_set_n_threads (RlStore *store, guint n_threads);

/* A gallery several store connections to the SAME workspace file share
 * (the server's workers): one copy of the templates in memory instead of
 * one per connection. Searches run at once under its read lock; the
 * templates stored since the last look are appended under its write lock.
 * It is only brought up to date outside a transaction, so it never holds a
 * row that a rollback takes back. */
typedef struct _RlSearchGallery RlSearchGallery;

RlSearchGallery *rl_search_gallery_new      (guint n_threads);   /* 0 = one per processor */
RlSearchGallery *rl_search_gallery_ref      (RlSearchGallery *gallery);
void             rl_search_gallery_unref    (RlSearchGallery *gallery);
/* Templates held now. */
guint            rl_search_gallery_get_size (RlSearchGallery *gallery);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlSearchGallery, rl_search_gallery_unref)

/* From now on the store searches gallery (it takes a reference) instead of
 * one of its own. A local store only. */
void     rl_search_share_gallery (RlStore *store, RlSearchGallery *gallery);

/* Brings the store's gallery up to date with the templates stored since the
 * last search (a search does that itself). For a caller about to search
 * inside a transaction of its own on a shared gallery, which is not brought
 * up to date inside one. */
gboolean rl_search_refresh (RlStore *store, GError **error);

/* For tests: hook runs in the searching thread just before each matcher
 * scan, outside the search's own transaction, so a test can hold a search
 * there and show what others can do meanwhile. NULL to remove. */
typedef void (*RlSearchScanHook) (gpointer data);
void     rl_search_set_scan_hook (RlSearchScanHook hook, gpointer data);

G_END_DECLS
