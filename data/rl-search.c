/* rl-search.c — the automated 1:N search of a new encounter. */
#define G_LOG_DOMAIN "rl-search"

#include "rl-search.h"

#include "rl-mid.h"
#include "rl-store-private.h"
#include "rl-template-io.h"

/* ------------------------------------------------------------ the gallery */

/* The workspace's templates, prepared once and kept in memory. Samples are
 * only ever added (ids grow), so bringing the gallery up to date is one
 * query for the samples above the highest id it holds.
 *
 * By default each RlStore keeps a gallery of its own. A server with several
 * worker connections shares ONE (rl_search_share_gallery): at a million
 * fingers a gallery is gigabytes, and every worker holding a copy of the
 * same templates multiplied that. Searches only read it, so any number run
 * at once under the read side of `lock`; adding the templates stored since
 * takes the write side for as long as the append lasts (the templates are
 * read and decoded before, under `refresh_lock` only, which also keeps two
 * workers from loading the same rows twice).
 *
 * What a look at the highest sample id cannot see: a rollback that frees
 * ids for reuse, a template replaced. A store's own gallery is then dropped
 * (rl_store_drop_search_cache). A shared gallery is only ever brought up to
 * date from outside a transaction (it then holds committed rows only, which
 * no rollback takes back), so a rollback leaves it be; a replaced template
 * empties it and the next search reloads. */
struct _RlSearchGallery {
  gint        ref_count;
  GRWLock     lock;            /* read: searching; write: appending, emptying */
  GMutex      refresh_lock;    /* one loader at a time; guards max_sample_id */
  RlGallery  *gallery;
  gint64      max_sample_id;
  /* Finger position (0 = unknown) of each gallery template, in gallery
   * order, which is ascending sample id: found by binary search. Two arrays
   * of 9 bytes a template, not a hash table of ~60 bytes an entry. */
  GArray     *ids;             /* gint64 */
  GArray     *fingers;         /* guint8 */
  guint       n_threads;       /* 0 = one per processor */
};

/* What a store keeps: its gallery, shared or its own. */
typedef struct {
  RlSearchGallery *gallery;
  gboolean         shared;
} SearchCache;

static RlSearchScanHook scan_hook;
static gpointer         scan_hook_data;

RlSearchGallery *
rl_search_gallery_new (guint n_threads)
{
  RlSearchGallery *g = g_new0 (RlSearchGallery, 1);

  g->ref_count = 1;
  g_rw_lock_init (&g->lock);
  g_mutex_init (&g->refresh_lock);
  g->gallery = rl_gallery_new ();
  g->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g->fingers = g_array_new (FALSE, FALSE, sizeof (guint8));
  g->n_threads = n_threads;
  rl_gallery_set_n_threads (g->gallery, n_threads ? n_threads : g_get_num_processors ());
  return g;
}

RlSearchGallery *
rl_search_gallery_ref (RlSearchGallery *g)
{
  g_return_val_if_fail (g != NULL, NULL);
  g_atomic_int_inc (&g->ref_count);
  return g;
}

void
rl_search_gallery_unref (RlSearchGallery *g)
{
  if (g == NULL || !g_atomic_int_dec_and_test (&g->ref_count))
    return;
  rl_gallery_free (g->gallery);
  g_array_unref (g->ids);
  g_array_unref (g->fingers);
  g_rw_lock_clear (&g->lock);
  g_mutex_clear (&g->refresh_lock);
  g_free (g);
}

guint
rl_search_gallery_get_size (RlSearchGallery *g)
{
  guint n;

  g_return_val_if_fail (g != NULL, 0);
  g_rw_lock_reader_lock (&g->lock);
  n = rl_gallery_size (g->gallery);
  g_rw_lock_reader_unlock (&g->lock);
  return n;
}

/* Empties the gallery (a template was replaced): the next search reloads. */
static void
search_gallery_empty (RlSearchGallery *g)
{
  g_mutex_lock (&g->refresh_lock);
  g_rw_lock_writer_lock (&g->lock);
  rl_gallery_free (g->gallery);
  g->gallery = rl_gallery_new ();
  rl_gallery_set_n_threads (g->gallery, g->n_threads ? g->n_threads : g_get_num_processors ());
  g_array_set_size (g->ids, 0);
  g_array_set_size (g->fingers, 0);
  g->max_sample_id = 0;
  g_rw_lock_writer_unlock (&g->lock);
  g_mutex_unlock (&g->refresh_lock);
}

static void
search_cache_free (gpointer data)
{
  SearchCache *cache = data;

  rl_search_gallery_unref (cache->gallery);
  g_free (cache);
}

static void
search_cache_changed (gpointer data, gboolean templates_replaced)
{
  SearchCache *cache = data;

  /* Only a shared gallery has this hook (see the top of this section). */
  if (templates_replaced)
    search_gallery_empty (cache->gallery);
}

static SearchCache *
search_cache_get (RlStore *store)
{
  SearchCache *cache = store->search_cache;

  if (cache == NULL)
    {
      cache = g_new0 (SearchCache, 1);
      cache->gallery = rl_search_gallery_new (0);
      store->search_cache = cache;
      store->search_cache_free = search_cache_free;
      store->search_cache_changed = NULL;
    }
  return cache;
}

void
rl_search_share_gallery (RlStore *store, RlSearchGallery *gallery)
{
  SearchCache *cache;

  g_return_if_fail (store != NULL && gallery != NULL);
  g_return_if_fail (!rl_store_is_remote (store));

  if (store->search_cache != NULL && store->search_cache_free != NULL)
    store->search_cache_free (store->search_cache);
  cache = g_new0 (SearchCache, 1);
  cache->gallery = rl_search_gallery_ref (gallery);
  cache->shared = TRUE;
  store->search_cache = cache;
  store->search_cache_free = search_cache_free;
  store->search_cache_changed = search_cache_changed;
}

void
rl_search_set_n_threads (RlStore *store, guint n_threads)
{
  SearchCache *cache;

  g_return_if_fail (store != NULL);

  cache = search_cache_get (store);
  g_rw_lock_writer_lock (&cache->gallery->lock);
  cache->gallery->n_threads = n_threads;
  rl_gallery_set_n_threads (cache->gallery->gallery, n_threads ? n_threads : g_get_num_processors ());
  g_rw_lock_writer_unlock (&cache->gallery->lock);
}

void
rl_search_set_scan_hook (RlSearchScanHook hook, gpointer data)
{
  scan_hook = hook;
  scan_hook_data = data;
}

/* Adds the templates stored since the last look. A template that cannot be
 * read is left out of the gallery (the rest must still be searched); it was
 * checked when it was stored, so this means damage, which
 * rl_store_check_integrity reports. */
static gboolean
search_gallery_refresh (RlStore *store, RlSearchGallery *g, GError **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) fingers = g_array_new (FALSE, FALSE, sizeof (guint8));
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_template_free);
  sqlite3_stmt *stmt, *max;
  gint64 max_id = 0;
  int rc;

  g_mutex_lock (&g->refresh_lock);
  if (!(stmt = rl_store_stmt (store, "SELECT id, template, finger FROM sample WHERE id > ?1 AND template IS NOT NULL ORDER BY id",
                              error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, g->max_sample_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      const guint8 *data = sqlite3_column_blob (stmt, 1);
      gsize len = sqlite3_column_bytes (stmt, 1);
      int finger = sqlite3_column_int (stmt, 2);
      guint8 finger8 = finger > 0 && finger <= G_MAXUINT8 ? (guint8) finger : 0;
      RlTemplate *tpl = rl_template_deserialize (data, len, NULL);

      if (tpl == NULL)
        {
          g_warning ("Sample %" G_GINT64_FORMAT ": stored template cannot be read; left out of searches", id);
          continue;
        }
      g_array_append_val (ids, id);
      g_array_append_val (fingers, finger8);
      g_ptr_array_add (templates, tpl);
    }
  if (rc != SQLITE_DONE)
    {
      rl_store_fail (store, error, _("Cannot load the templates to search"));
      sqlite3_reset (stmt);
      goto fail;
    }
  sqlite3_reset (stmt);
  /* ids may skip unreadable rows: the highest id seen is in the query's
   * last row, but asking again is cheaper to get right. */
  if (!(max = rl_store_stmt (store, "SELECT coalesce(max(id), 0) FROM sample", error)) ||
      !rl_store_query_int64 (store, max, &max_id, error, _("Cannot load the templates to search")))
    goto fail;
  if (ids->len > 0)
    {
      /* Searches wait only for the append (and the preparation of the new
       * templates), not for the reading above. */
      g_rw_lock_writer_lock (&g->lock);
      rl_gallery_add_many (g->gallery, (const gint64 *) ids->data, (RlTemplate *const *) templates->pdata, ids->len);
      g_array_append_vals (g->ids, ids->data, ids->len);
      g_array_append_vals (g->fingers, fingers->data, fingers->len);
      g_rw_lock_writer_unlock (&g->lock);
    }
  g->max_sample_id = MAX (max_id, g->max_sample_id);
  g_mutex_unlock (&g->refresh_lock);
  return TRUE;
fail:
  g_mutex_unlock (&g->refresh_lock);
  return FALSE;
}

static SearchCache *
search_cache_refresh (RlStore *store, GError **error)
{
  SearchCache *cache = search_cache_get (store);

  /* A shared gallery must hold committed rows only (see the top of this
   * section): inside a transaction it is searched as it is. The caller
   * that runs a search in its own transaction (the gateway) brings it up
   * to date with rl_search_refresh before beginning. */
  if (cache->shared && store->tx_depth > 0)
    return cache;
  if (!search_gallery_refresh (store, cache->gallery, error))
    return NULL;
  return cache;
}

gboolean
rl_search_refresh (RlStore *store, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rl_store_is_remote (store))
    return TRUE;
  return search_cache_refresh (store, error) != NULL;
}

/* Finger position of a gallery template, 0 when unknown. Called with the
 * gallery's read lock held. */
static int
gallery_finger (RlSearchGallery *g, gint64 sample_id)
{
  const gint64 *ids = (const gint64 *) g->ids->data;
  guint lo = 0, hi = g->ids->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (ids[mid] < sample_id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < g->ids->len && ids[lo] == sample_id ? g_array_index (g->fingers, guint8, lo) : 0;
}

/* ------------------------------------------------------------ parameters */

static gboolean
active_params (RlStore *store, RlReleaseParams *params, gint64 *release_id, GError **error)
{
  g_autoptr(GError) local = NULL;

  *release_id = 0;
  if (rl_store_get_active_release_params (store, params, release_id, &local))
    return TRUE;
  /* A workspace without an active release searches with the matcher's own
   * defaults (a new workspace, before the first release). */
  if (g_error_matches (local, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND))
    {
      rl_release_params_init_default (params);
      *release_id = 0;
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

/* --------------------------------------------------------------- probing */

typedef struct {
  RlSample   *sample;
  RlTemplate *tpl;
  GHashTable *own;        /* sample ids of the probe's encounter: not candidates */
} Probe;

static void
probe_clear (Probe *probe)
{
  g_clear_pointer (&probe->sample, rl_sample_free);
  g_clear_pointer (&probe->tpl, rl_template_free);
  g_clear_pointer (&probe->own, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Probe, probe_clear)

static gboolean
probe_load (RlStore *store, gint64 sample_id, Probe *probe, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) own = NULL;
  const guint8 *data;
  gsize len;

  if (!(probe->sample = rl_store_get_sample (store, sample_id, error)))
    return FALSE;
  if (!(bytes = rl_store_get_sample_template (store, sample_id, error)))
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                     _("Sample %" G_GINT64_FORMAT " has no template to search with"), sample_id);
      return FALSE;
    }
  data = g_bytes_get_data (bytes, &len);
  if (!(probe->tpl = rl_template_deserialize (data, len, error)))
    {
      g_prefix_error (error, _("Template of sample %" G_GINT64_FORMAT ": "), sample_id);
      return FALSE;
    }
  if (!(own = rl_store_list_samples (store, probe->sample->encounter_id, error)))
    return FALSE;
  probe->own = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (guint i = 0; i < own->len; i++)
    g_hash_table_add (probe->own, g_memdup2 (&((RlSample *) own->pdata[i])->id, sizeof (gint64)));
  return TRUE;
}

static int
probe_quality (const Probe *probe)
{
  return probe->sample->quality >= 0 ? probe->sample->quality : probe->tpl->quality;
}

/* Whether a gallery print can be the probe's finger: prints of two known,
 * different finger positions never are (a right thumb is no left index,
 * however similar its minutiae look). Read lock held. */
static gboolean
same_finger_possible (RlSearchGallery *g, const Probe *probe, gint64 sample_id)
{
  int finger;

  if (probe->sample->finger == 0)
    return TRUE;
  finger = gallery_finger (g, sample_id);
  return finger == 0 || finger == (int) probe->sample->finger;
}

/* Candidates from other encounters of the probe's finger (when known), best
 * first. The probe's own encounter is in the gallery too (its samples are
 * stored before it is searched), and so are the other fingers: asking for
 * more and dropping those keeps the list full. This is the matcher scan,
 * the long part of a search: it reads the gallery in memory and writes
 * nothing, and runs outside any transaction of rl_search_sample and
 * rl_search_encounter. */
static GArray *
find_candidates (RlStore *store, const RlReleaseParams *params, const Probe *probe, GError **error)
{
  SearchCache *cache;
  RlSearchGallery *g;
  g_autoptr(GArray) results = NULL;
  GArray *candidates = g_array_new (FALSE, FALSE, sizeof (RlCandidate));
  guint max = MAX (params->max_candidates, 1);
  guint ask = probe->sample->finger != 0 ? max * 10 : max;

  if (!(cache = search_cache_refresh (store, error)))
    {
      g_array_unref (candidates);
      return NULL;
    }
  g = cache->gallery;
  if (scan_hook)
    scan_hook (scan_hook_data);
  g_rw_lock_reader_lock (&g->lock);
  if (rl_gallery_size (g->gallery) == 0)
    {
      g_rw_lock_reader_unlock (&g->lock);
      return candidates;
    }
  results = rl_gallery_search_with (g->gallery, probe->tpl, &params->compare, ask + g_hash_table_size (probe->own),
                                    params->prefilter, NULL, error);
  if (results == NULL)
    {
      g_rw_lock_reader_unlock (&g->lock);
      g_array_unref (candidates);
      return NULL;
    }
  for (guint i = 0; i < results->len && candidates->len < max; i++)
    {
      RlCandidate *c = &g_array_index (results, RlCandidate, i);
      if (!g_hash_table_contains (probe->own, &c->id) && same_finger_possible (g, probe, c->id))
        g_array_append_val (candidates, *c);
    }
  g_rw_lock_reader_unlock (&g->lock);
  return candidates;
}

GArray *
rl_search_preview (RlStore *store, const RlReleaseParams *params, gint64 probe_sample_id, GError **error)
{
  RlReleaseParams active;
  gint64 release_id;
  Probe probe = { 0 };
  GArray *candidates;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (params == NULL)
    {
      if (!active_params (store, &active, &release_id, error))
        return NULL;
      params = &active;
    }
  if (!probe_load (store, probe_sample_id, &probe, error))
    {
      probe_clear (&probe);
      return NULL;
    }
  candidates = find_candidates (store, params, &probe, error);
  probe_clear (&probe);
  return candidates;
}

/* ------------------------------------------------------------- recording */

static gboolean
query_int64_or_zero (RlStore *store, sqlite3_stmt *stmt, gint64 *out, GError **error, const char *what)
{
  gboolean found = FALSE;
  int rc = sqlite3_step (stmt);

  *out = 0;
  if (rc == SQLITE_ROW)
    {
      *out = sqlite3_column_int64 (stmt, 0);
      found = TRUE;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return rl_store_fail (store, error, what);
  (void) found;
  return TRUE;
}

/* Identity and quality of a candidate sample as they are now (a merge may
 * have moved its encounter since it was stored). */
static gboolean
candidate_identity (RlStore *store, gint64 sample_id, gint64 *identity_id, int *quality, GError **error)
{
  sqlite3_stmt *stmt = rl_store_stmt (store,
                                      "SELECT e.identity_id, coalesce(s.quality, -1) FROM sample s "
                                      "JOIN encounter e ON e.id = s.encounter_id WHERE s.id = ?1",
                                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, sample_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *identity_id = sqlite3_column_int64 (stmt, 0);
      *quality = sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No sample with id %" G_GINT64_FORMAT), sample_id);
      return FALSE;
    }
  return rl_store_fail (store, error, _("Cannot read the candidate's identity"));
}

/* Derogatory records of the identity in force at the store's clock (an
 * expired record is history, not a reason to stop someone). */
static gboolean
identity_is_derogatory (RlStore *store, gint64 identity_id, gboolean *out, GError **error)
{
  sqlite3_stmt *stmt = rl_store_stmt (store,
                                      "SELECT count(*) FROM derogatory_record WHERE identity_id = ?1 "
                                      "AND (expires_on IS NULL OR expires_on >= date(?2, 'unixepoch'))",
                                      error);
  gint64 n = 0;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, identity_id);
  sqlite3_bind_int64 (stmt, 2, rl_store_now (store));
  if (!query_int64_or_zero (store, stmt, &n, error, _("Cannot read the identity's derogatory records")))
    return FALSE;
  *out = n > 0;
  return TRUE;
}

static gboolean
add_hit (RlStore *store, gint64 search_id, gint64 encounter_id, gint64 identity_id, float score, gint64 *hit_id,
         GError **error)
{
  sqlite3_stmt *stmt;
  gint64 candidate_id = 0;
  RlHit hit = { 0 };

  /* One hit per encounter and identity: the other fingers of the same
   * encounter matching the same person are the same news. */
  if (!(stmt = rl_store_stmt (store, "SELECT id FROM hit WHERE encounter_id = ?1 AND identity_id = ?2", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, encounter_id);
  sqlite3_bind_int64 (stmt, 2, identity_id);
  if (!query_int64_or_zero (store, stmt, hit_id, error, _("Cannot read the encounter's hits")))
    return FALSE;
  if (*hit_id != 0)
    return TRUE;

  if (!(stmt = rl_store_stmt (store, "SELECT id FROM candidate WHERE search_id = ?1 AND rank = 1", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, search_id);
  if (!query_int64_or_zero (store, stmt, &candidate_id, error, _("Cannot read the search's candidates")))
    return FALSE;

  hit = (RlHit) { .search_id = search_id, .encounter_id = encounter_id, .identity_id = identity_id,
                  .candidate_id = candidate_id, .score = score };
  return (*hit_id = rl_store_add_hit (store, &hit, error)) != 0;
}

/* One probe's scan, done before anything is written: the probe as loaded
 * and its candidates. */
typedef struct {
  Probe   probe;
  GArray *candidates;     /* RlCandidate, best first */
} Scanned;

static void
scanned_free (Scanned *scanned)
{
  probe_clear (&scanned->probe);
  g_clear_pointer (&scanned->candidates, g_array_unref);
  g_free (scanned);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scanned, scanned_free)

static Scanned *
scan_one (RlStore *store, const RlReleaseParams *params, gint64 probe_sample_id, GError **error)
{
  g_autoptr(Scanned) scanned = g_new0 (Scanned, 1);

  if (!probe_load (store, probe_sample_id, &scanned->probe, error) ||
      !(scanned->candidates = find_candidates (store, params, &scanned->probe, error)))
    return NULL;
  return g_steal_pointer (&scanned);
}

/* Stores the search of one scanned probe and routes it, without
 * multiple-identity detection (the caller runs it once per encounter).
 * Inside the caller's transaction. */
static gboolean
record_one (RlStore *store, const RlReleaseParams *params, gint64 release_id, const Scanned *scanned,
            RlSearchOutcome *out, GHashTable *matched, GError **error)
{
  const Probe *probe = &scanned->probe;
  GArray *candidates = scanned->candidates;
  g_autoptr(RlEncounter) encounter = NULL;
  g_autofree RlStoreCandidateIn *stored = NULL;
  int priority, quality;
  int best_quality = -1;
  float match_threshold;

  *out = (RlSearchOutcome) { 0 };
  /* Read again in the transaction: a merge may have moved it since the scan. */
  if (!(encounter = rl_store_get_encounter (store, probe->sample->encounter_id, error)))
    return FALSE;

  stored = g_new0 (RlStoreCandidateIn, MAX (candidates->len, 1));
  for (guint i = 0; i < candidates->len; i++)
    {
      RlCandidate *c = &g_array_index (candidates, RlCandidate, i);
      stored[i] = (RlStoreCandidateIn) { c->id, c->score };
    }
  if (candidates->len > 0)
    {
      out->best_score = stored[0].score;
      out->best_sample_id = stored[0].sample_id;
      if (!candidate_identity (store, out->best_sample_id, &out->best_identity_id, &best_quality, error))
        return FALSE;
    }

  /* Routing: a poor probe always goes to an examiner; otherwise the
   * matcher decides outside the grey zone, with the match threshold of the
   * quality bucket the pair falls in. */
  quality = probe_quality (probe);
  priority = encounter->purpose == RL_PURPOSE_ARREST_BOOKING ? 2 : 3;
  match_threshold = rl_release_params_match_threshold_for (params, quality, best_quality);
  if (quality >= 0 && quality < params->quality_threshold)
    out->status = RL_SEARCH_PENDING, out->reason = RL_SEARCH_REASON_LOW_QUALITY, priority = 2;
  else if (out->best_score >= match_threshold || out->best_score < params->no_match_threshold)
    out->status = RL_SEARCH_AUTOMATIC, out->reason = RL_SEARCH_REASON_AUTOMATIC;
  else
    out->status = RL_SEARCH_PENDING, out->reason = RL_SEARCH_REASON_GREY_ZONE;

  if (!(out->search_id = rl_store_add_search (store, probe->sample->id, release_id, out->status, out->reason,
                                              priority, stored, candidates->len, error)))
    return FALSE;

  /* The other identity this probe matches best, for multiple-identity
   * detection: only from a probe good enough for the matcher to decide,
   * and only at the match threshold of the pair's quality bucket. One per
   * probe: the matcher's impostor tail (strangers just above the threshold,
   * many of them on synthetic prints) must not fan out into links; a third
   * alias is reached through the second's own links. */
  if (!(quality >= 0 && quality < params->quality_threshold))
    for (guint i = 0; i < candidates->len; i++)
      {
        RlCandidate *c = &g_array_index (candidates, RlCandidate, i);
        gint64 identity_id = 0;
        int candidate_quality = -1;
        float *best;

        if (c->score < params->no_match_threshold)
          break;
        if (!candidate_identity (store, c->id, &identity_id, &candidate_quality, error))
          return FALSE;
        if (identity_id == encounter->identity_id)
          continue;
        if (c->score < rl_release_params_match_threshold_for (params, quality, candidate_quality))
          break;
        if ((best = g_hash_table_lookup (matched, &identity_id)) == NULL)
          {
            best = g_new (float, 1);
            *best = c->score;
            g_hash_table_insert (matched, g_memdup2 (&identity_id, sizeof identity_id), best);
          }
        else
          *best = MAX (*best, c->score);
        break;
      }

  if (out->status == RL_SEARCH_AUTOMATIC && candidates->len > 0 && out->best_score >= match_threshold)
    {
      gboolean derogatory = FALSE;

      if (!identity_is_derogatory (store, out->best_identity_id, &derogatory, error))
        return FALSE;
      if (derogatory &&
          !add_hit (store, out->search_id, encounter->id, out->best_identity_id, out->best_score, &out->hit_id, error))
        return FALSE;
    }
  return TRUE;
}

static GHashTable *
matched_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

/* Multiple-identity detection from the encounter's own search results: a
 * yellow link to each other identity its prints matched whose biographic
 * data differs (rl-mid.h explains the colours). The search's candidates are
 * the evidence, so this costs no second pass over the gallery; and it only
 * takes matches the release would decide automatically, because weak prints
 * match many strangers just above the threshold (a full scan of the
 * 100-identity demo with every print, poor ones included, made 113 links,
 * almost all false). */
static gboolean
link_identities (RlStore *store, gint64 encounter_id, GHashTable *matched, RlSearchOutcome *out, GError **error)
{
  g_autoptr(RlEncounter) encounter = NULL;
  GHashTableIter iter;
  gpointer key, value;

  out->n_links = 0;
  if (g_hash_table_size (matched) == 0)
    return TRUE;
  if (!(encounter = rl_store_get_encounter (store, encounter_id, error)))
    return FALSE;
  g_hash_table_iter_init (&iter, matched);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 other = *(gint64 *) key;
      g_autoptr(GPtrArray) others = NULL;
      gboolean differs = FALSE;

      if (!(others = rl_store_list_encounters (store, other, error)))
        return FALSE;
      for (guint i = 0; i < others->len && !differs; i++)
        differs = rl_mid_biographic_differs (encounter, others->pdata[i]);
      /* Same prints, same biographic data: a duplicate enrolment, not a
       * multiple identity. */
      if (!differs)
        continue;
      if (rl_store_add_identity_link (store, encounter->identity_id, other, *(float *) value, error) == 0)
        return FALSE;
      out->n_links++;
    }
  return TRUE;
}

/* Why the scan runs before the transaction (rl_search_sample and
 * rl_search_encounter): the scan of a large gallery takes a second or more,
 * and BEGIN IMMEDIATE takes SQLite's write lock, so a scan inside the
 * transaction made every other writer (the server's main thread recording
 * a conclusion, another worker) wait for it, up to the busy timeout. The
 * scan reads the probe and the gallery with plain reads; the results are
 * then written in one short transaction. If the gallery changed in between
 * (a sample stored by someone else, a merge) that is fine: a search is a
 * look at the gallery at one moment, as it would have been had it started a
 * little earlier, and whatever the write depends on (the candidates'
 * identities, derogatory records, existing hits) is read again inside the
 * transaction. A sample deleted meanwhile fails the write with "no sample"
 * and nothing is stored. Called inside a transaction of the caller's (the
 * gateway's enrolment), the same steps run inside that one. */
gboolean
rl_search_sample (RlStore *store, gint64 probe_sample_id, RlSearchOutcome *out, GError **error)
{
  RlReleaseParams params;
  RlSearchOutcome outcome = { 0 };
  gint64 release_id;
  g_autoptr(Scanned) scanned = NULL;
  g_autoptr(GHashTable) matched = matched_new ();

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!active_params (store, &params, &release_id, error))
    return FALSE;
  if (!(scanned = scan_one (store, &params, probe_sample_id, error)))
    return FALSE;
  if (!rl_store_begin (store, error))
    return FALSE;
  if (!record_one (store, &params, release_id, scanned, &outcome, matched, error) ||
      !link_identities (store, scanned->probe.sample->encounter_id, matched, &outcome, error) ||
      !rl_store_commit (store, error))
    {
      rl_store_rollback (store);
      return FALSE;
    }
  if (out)
    *out = outcome;
  return TRUE;
}

/* Which of two outcomes an encounter reports: a hit first, then an
 * automatic match, then the higher score. */
static gboolean
outcome_better (const RlSearchOutcome *a, const RlSearchOutcome *b)
{
  if ((a->hit_id != 0) != (b->hit_id != 0))
    return a->hit_id != 0;
  return a->best_score > b->best_score;
}

/* Records the scans of an encounter's prints in one transaction (or the
 * caller's): each probe's search, then the encounter's multiple-identity
 * links; out = the best outcome. */
static gboolean
record_encounter (RlStore *store, gint64 encounter_id, const RlReleaseParams *params, const gint64 *release_ids,
                  GPtrArray *scans, RlSearchOutcome *out, GError **error)
{
  g_autoptr(GHashTable) matched = matched_new ();
  RlSearchOutcome best = { 0 };
  gboolean any = FALSE;

  if (!rl_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < scans->len; i++)
    {
      RlSearchOutcome one;

      if (!record_one (store, &params[i], release_ids[i], scans->pdata[i], &one, matched, error))
        goto fail;
      if (!any || outcome_better (&one, &best))
        best = one;
      any = TRUE;
    }
  if (any && !link_identities (store, encounter_id, matched, &best, error))
    goto fail;
  if (!rl_store_commit (store, error))
    goto fail;
  if (out)
    *out = best;
  return TRUE;
fail:
  rl_store_rollback (store);
  return FALSE;
}

gboolean
rl_search_encounter (RlStore *store, gint64 encounter_id, RlSearchOutcome *out, GError **error)
{
  RlReleaseParams params;
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GPtrArray) scans = g_ptr_array_new_with_free_func ((GDestroyNotify) scanned_free);
  g_autofree RlReleaseParams *all_params = NULL;
  g_autofree gint64 *release_ids = NULL;
  gint64 release_id;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!active_params (store, &params, &release_id, error))
    return FALSE;
  {
    g_autoptr(RlEncounter) encounter = rl_store_get_encounter (store, encounter_id, error);
    if (encounter == NULL)
      return FALSE;
  }
  if (!(samples = rl_store_list_samples (store, encounter_id, error)))
    return FALSE;
  /* Every scan first, outside the transaction (see above rl_search_sample). */
  for (guint i = 0; i < samples->len; i++)
    {
      RlSample *s = samples->pdata[i];
      Scanned *scanned;

      if (!s->has_template)
        continue;
      if (!(scanned = scan_one (store, &params, s->id, error)))
        return FALSE;
      g_ptr_array_add (scans, scanned);
    }
  all_params = g_new (RlReleaseParams, MAX (scans->len, 1));
  release_ids = g_new (gint64, MAX (scans->len, 1));
  for (guint i = 0; i < scans->len; i++)
    all_params[i] = params, release_ids[i] = release_id;
  return record_encounter (store, encounter_id, all_params, release_ids, scans, out, error);
}

/* ------------------------------------------- prints scanned before storing */

struct _RlSearchScan {
  Scanned        *scanned;
  RlReleaseParams params;
  gint64          release_id;
};

void
rl_search_scan_free (RlSearchScan *scan)
{
  if (scan == NULL)
    return;
  g_clear_pointer (&scan->scanned, scanned_free);
  g_free (scan);
}

RlSearchScan *
rl_search_scan_print (RlStore *store, const RlTemplate *tpl, RlFingerPosition finger, int quality, GError **error)
{
  g_autoptr(RlSearchScan) scan = NULL;
  Probe *probe;

  g_return_val_if_fail (store != NULL && tpl != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  scan = g_new0 (RlSearchScan, 1);
  if (!active_params (store, &scan->params, &scan->release_id, error))
    return NULL;
  scan->scanned = g_new0 (Scanned, 1);
  probe = &scan->scanned->probe;
  /* The print is not stored yet: a sample of no encounter, whose own
   * encounter has nothing in the gallery to leave out. */
  probe->sample = g_new0 (RlSample, 1);
  probe->sample->finger = finger;
  probe->sample->quality = quality;
  probe->tpl = rl_template_copy (tpl);
  probe->own = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (!(scan->scanned->candidates = find_candidates (store, &scan->params, probe, error)))
    return NULL;
  return g_steal_pointer (&scan);
}

gboolean
rl_search_encounter_scanned (RlStore *store, gint64 encounter_id, const gint64 *sample_ids, RlSearchScan **scans,
                             guint n_scans, RlSearchOutcome *out, GError **error)
{
  g_autoptr(GPtrArray) scanned = g_ptr_array_new ();
  g_autofree RlReleaseParams *params = NULL;
  g_autofree gint64 *release_ids = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (n_scans == 0 || (sample_ids != NULL && scans != NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  params = g_new (RlReleaseParams, MAX (n_scans, 1));
  release_ids = g_new (gint64, MAX (n_scans, 1));
  for (guint i = 0; i < n_scans; i++)
    {
      Probe *probe = &scans[i]->scanned->probe;
      RlSample *stored = rl_store_get_sample (store, sample_ids[i], error);

      if (stored == NULL)
        return FALSE;
      if (stored->encounter_id != encounter_id)
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT,
                       _("Sample %" G_GINT64_FORMAT " is not a print of encounter %" G_GINT64_FORMAT),
                       sample_ids[i], encounter_id);
          rl_sample_free (stored);
          return FALSE;
        }
      /* The stored sample from now on: its id and encounter are what the
       * search row records. */
      rl_sample_free (probe->sample);
      probe->sample = stored;
      params[i] = scans[i]->params;
      release_ids[i] = scans[i]->release_id;
      g_ptr_array_add (scanned, scans[i]->scanned);
    }
  return record_encounter (store, encounter_id, params, release_ids, scanned, out, error);
}
