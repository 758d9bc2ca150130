/* rl-gallery.c — 1:N search on every core, with a coarse pre-filter. */
#define G_LOG_DOMAIN "rl-gallery"

#include "rl-gallery.h"
#include "rl-compare.h"
#include "rl-compare-private.h"

#include <string.h>

#define DEFAULT_PREFILTER_SHARE 0.03
/* Below this many templates the pre-filter passes everything: a full
 * comparison of a small gallery is fast anyway, and exact. */
#define PREFILTER_MIN_PASS      300
/* Stage 1 (coarse) passes this many times what stage 2 (local
 * similarity) passes to the full comparison: 4 × 3 % = 12 % of the gallery
 * by default. Measured with bench-search (docs/benchmarks.md): stage 1
 * alone at 3 % lost 11 points of rank-1 on our templates; 4 × keeps all but
 * ~3 for a fifth of a full comparison's cost per template. */
#define LOCAL_STAGE_FACTOR      4
/* Which templates get the full comparison: stage 2's score plus half the
 * coarse one. The two look at the prints differently (the index entry's 16
 * most informative descriptors against 48 of the probe; every descriptor
 * against every one) and a mate that one of them ranks poorly in a partial
 * overlap is often well placed by the other (bench-search --diagnose: mates
 * at local-similarity rank 700–1,000 of 10,000 were in the best 110 by the
 * coarse score). 0.5 and 1 gave the same rank-1 on the tuning sets. */
#define LOCAL_COARSE_WEIGHT     0.5f

struct _RlGallery {
  GPtrArray *templates;      /* RlPreparedTemplate*, owned */
  GArray    *ids;            /* gint64 */
  GArray    *index;          /* RlPrefilterEntry, one per template */
  guint64    bytes;
  guint      n_threads;
  double     prefilter_share;
  guint      last_n_compared;
  gboolean   has_compare_params;
  RlCompareParams compare_params;   /* a release's weights and tolerances */
};

RlGallery *
rl_gallery_new (void)
{
  RlGallery *g = g_new0 (RlGallery, 1);

  g->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) rl_prepared_template_free);
  g->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g->index = g_array_new (FALSE, FALSE, sizeof (RlPrefilterEntry));
  g->n_threads = MAX (1, g_get_num_processors ());
  g->prefilter_share = DEFAULT_PREFILTER_SHARE;
  return g;
}

void
rl_gallery_free (RlGallery *g)
{
  if (g == NULL)
    return;
  g_ptr_array_unref (g->templates);
  g_array_unref (g->ids);
  g_array_unref (g->index);
  g_free (g);
}

static void
gallery_append (RlGallery *g, gint64 id, RlPreparedTemplate *p)
{
  RlPrefilterEntry e;

  rl_prefilter_entry_init (&e, p);
  g_ptr_array_add (g->templates, p);
  g_array_append_val (g->ids, id);
  g_array_append_val (g->index, e);
  g->bytes += rl_prepared_template_get_size (p) + sizeof (gpointer) + sizeof (gint64) + sizeof (RlPrefilterEntry);
}

void
rl_gallery_add (RlGallery *g, gint64 id, const RlTemplate *tpl)
{
  RlPreparedTemplate *p;

  g_return_if_fail (g != NULL && tpl != NULL);
  g_return_if_fail (g->templates->len < G_MAXUINT32 - 1);

  p = rl_prepared_template_new (tpl);
  gallery_append (g, id, p);
}

typedef struct {
  RlTemplate *const   *templates;
  RlPreparedTemplate **out;
  guint                begin, end;
} PrepareSlice;

static gpointer
prepare_worker (gpointer data)
{
  PrepareSlice *s = data;

  for (guint i = s->begin; i < s->end; i++)
    s->out[i] = rl_prepared_template_new (s->templates[i]);
  return NULL;
}

void
rl_gallery_add_many (RlGallery *g, const gint64 *ids, RlTemplate *const *templates, guint n)
{
  guint n_threads;
  g_autofree PrepareSlice *slices = NULL;
  g_autofree GThread **threads = NULL;
  g_autofree RlPreparedTemplate **out = NULL;

  g_return_if_fail (g != NULL);
  g_return_if_fail (n == 0 || (ids != NULL && templates != NULL));
  g_return_if_fail (g->templates->len + (guint64) n < G_MAXUINT32 - 1);

  for (guint i = 0; i < n; i++)
    g_return_if_fail (templates[i] != NULL);
  n_threads = MIN (g->n_threads, MAX (1, n / 64));
  slices = g_new0 (PrepareSlice, n_threads);
  threads = g_new0 (GThread *, n_threads);
  out = g_new0 (RlPreparedTemplate *, MAX (n, 1));
  for (guint t = 0; t < n_threads; t++)
    {
      slices[t] = (PrepareSlice) { templates, out, (guint) ((guint64) n * t / n_threads),
                                   (guint) ((guint64) n * (t + 1) / n_threads) };
      if (t > 0)
        threads[t] = g_thread_new ("rl-gallery-add", prepare_worker, &slices[t]);
    }
  prepare_worker (&slices[0]);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
  for (guint i = 0; i < n; i++)
    gallery_append (g, ids[i], out[i]);
}

guint
rl_gallery_size (RlGallery *g)
{
  g_return_val_if_fail (g != NULL, 0);
  return g->templates->len;
}

guint64
rl_gallery_get_memory_size (RlGallery *g)
{
  g_return_val_if_fail (g != NULL, 0);
  return g->bytes;
}

void
rl_gallery_set_n_threads (RlGallery *g, guint n_threads)
{
  g_return_if_fail (g != NULL);
  g->n_threads = CLAMP (n_threads, 1, 256);
}

void
rl_gallery_set_prefilter_share (RlGallery *g, double share)
{
  g_return_if_fail (g != NULL);
  g->prefilter_share = CLAMP (share, 0.0, 1.0);
}

guint
rl_gallery_get_last_n_compared (RlGallery *g)
{
  g_return_val_if_fail (g != NULL, 0);
  return g->last_n_compared;
}

/* ---- Top-K: a min-heap on the score, ties broken by id ------------------- */

static gboolean
worse (const RlCandidate *a, const RlCandidate *b)
{
  return a->score < b->score || (a->score == b->score && a->id > b->id);
}

static void
heap_offer (RlCandidate *heap, guint *n, guint k, RlCandidate c)
{
  guint i;

  if (*n < k)
    {
      i = (*n)++;
      while (i > 0 && worse (&c, &heap[(i - 1) / 2]))
        {
          heap[i] = heap[(i - 1) / 2];
          i = (i - 1) / 2;
        }
      heap[i] = c;
      return;
    }
  if (!worse (&heap[0], &c))
    return;
  i = 0;
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;
      const RlCandidate *mc = &c;

      if (l < k && worse (&heap[l], mc))
        m = l, mc = &heap[l];
      if (r < k && worse (&heap[r], mc))
        m = r;
      if (m == i)
        break;
      heap[i] = heap[m];
      i = m;
    }
  heap[i] = c;
}

static int
candidate_order (gconstpointer a, gconstpointer b)
{
  const RlCandidate *x = a, *y = b;

  return worse (x, y) ? 1 : worse (y, x) ? -1 : 0;
}

/* ---- The search ------------------------------------------------------------ */

typedef struct {
  RlGallery                *g;
  const RlPreparedTemplate *probe;
  const RlPrefilterProbe   *coarse;
  const RlCompareParams    *params;         /* NULL = the matcher's defaults */
  guint                     begin, end;     /* gallery slice */
  float                    *coarse_scores;  /* the whole gallery's, shared */
  float                     coarse_cut;     /* stage 2 when coarse ≥ this */
  float                    *local_scores;   /* stage 2's, shared; -1 = not reached */
  float                     cut;            /* full comparison when local ≥ cut */
  guint                     k;
  RlCandidate              *heap;
  guint                     n_heap;
  guint                     n_compared;
} Slice;

static gpointer
coarse_worker (gpointer data)
{
  Slice *s = data;

  const RlPrefilterEntry *index = (const RlPrefilterEntry *) s->g->index->data;

  for (guint i = s->begin; i < s->end; i++)
    s->coarse_scores[i] = rl_prefilter_entry_score (s->coarse, &index[i]);
  return NULL;
}

static gpointer
local_worker (gpointer data)
{
  Slice *s = data;

  for (guint i = s->begin; i < s->end; i++)
    s->local_scores[i] = s->coarse_scores[i] >= s->coarse_cut
                         ? rl_local_similarity_score (s->probe, g_ptr_array_index (s->g->templates, i)) + LOCAL_COARSE_WEIGHT * s->coarse_scores[i]
                         : -1.0f;
  return NULL;
}

static gpointer
full_worker (gpointer data)
{
  Slice *s = data;

  for (guint i = s->begin; i < s->end; i++)
    {
      RlCandidate c;

      if (s->local_scores && s->local_scores[i] < s->cut)
        continue;
      c.id = g_array_index (s->g->ids, gint64, i);
      c.score = rl_compare_prepared_with (s->probe, g_ptr_array_index (s->g->templates, i), s->params, NULL);
      s->n_compared++;
      heap_offer (s->heap, &s->n_heap, s->k, c);
    }
  return NULL;
}

static void
run_slices (Slice *slices, guint n, GThreadFunc func)
{
  g_autofree GThread **threads = g_new0 (GThread *, n);

  /* the calling thread takes the first slice itself */
  for (guint t = 1; t < n; t++)
    threads[t] = g_thread_new ("rl-gallery", func, &slices[t]);
  func (&slices[0]);
  for (guint t = 1; t < n; t++)
    g_thread_join (threads[t]);
}

/* The score that about `pass` templates reach: a histogram of the scores
 * (they lie in [0, max]) read from the top. Ties at the cut all pass, so at
 * least `pass` templates do. */
#define CUT_BINS 4096

static float
score_cut (const float *scores, guint n, guint pass, float max)
{
  g_autofree guint *hist = g_new0 (guint, CUT_BINS);
  const float scale = CUT_BINS / max;
  guint total = 0;

  for (guint i = 0; i < n; i++)
    if (scores[i] >= 0)
      hist[CLAMP ((int) (scores[i] * scale), 0, CUT_BINS - 1)]++;
  for (int b = CUT_BINS - 1; b >= 0; b--)
    {
      total += hist[b];
      if (total >= pass)
        return b / scale;
    }
  return -1.0f;
}

GArray *
rl_gallery_search (RlGallery *g, const RlTemplate *probe, guint max_candidates, gboolean use_prefilter, GError **error)
{
  guint n_compared = 0;
  GArray *result;

  g_return_val_if_fail (g != NULL, NULL);
  result = rl_gallery_search_with (g, probe, g->has_compare_params ? &g->compare_params : NULL, max_candidates,
                                   use_prefilter, &n_compared, error);
  g->last_n_compared = n_compared;
  return result;
}

/* Reads the gallery only (the slices write their own heaps and the score
 * arrays made here), so that several threads may search one gallery at
 * once as long as nobody adds to it meanwhile. */
GArray *
rl_gallery_search_with (RlGallery *g, const RlTemplate *probe, const RlCompareParams *params, guint max_candidates,
                        gboolean use_prefilter, guint *n_compared, GError **error)
{
  g_autoptr (RlPreparedTemplate) prepared = NULL;
  g_autofree Slice *slices = NULL;
  g_autofree float *coarse_scores = NULL;
  g_autofree float *local_scores = NULL;
  RlPrefilterProbe coarse;
  float cut;
  GArray *result;
  guint n, n_threads, pass, local_pass;

  g_return_val_if_fail (g != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (probe == NULL || max_candidates == 0)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID,
                   probe == NULL ? "no probe template to search" : "a search must ask for at least one candidate");
      return NULL;
    }

  result = g_array_new (FALSE, FALSE, sizeof (RlCandidate));
  n = g->templates->len;
  if (n_compared)
    *n_compared = 0;
  if (n == 0)
    return result;

  prepared = rl_prepared_template_new (probe);
  n_threads = MIN (g->n_threads, MAX (1, n / 64));
  slices = g_new0 (Slice, n_threads);
  for (guint t = 0; t < n_threads; t++)
    {
      slices[t].g = g;
      slices[t].probe = prepared;
      slices[t].params = params;
      slices[t].begin = (guint) ((guint64) n * t / n_threads);
      slices[t].end = (guint) ((guint64) n * (t + 1) / n_threads);
      slices[t].k = max_candidates;
      slices[t].heap = g_new (RlCandidate, max_candidates);
    }

  pass = MAX ((guint) (g->prefilter_share * n), MAX (PREFILTER_MIN_PASS, 4 * max_candidates));
  if (use_prefilter && pass < n)
    {
      rl_prefilter_probe_init (&coarse, prepared);
      coarse_scores = g_new (float, n);
      local_scores = g_new (float, n);
      for (guint t = 0; t < n_threads; t++)
        {
          slices[t].coarse = &coarse;
          slices[t].coarse_scores = coarse_scores;
          slices[t].local_scores = local_scores;
        }
      run_slices (slices, n_threads, coarse_worker);
      local_pass = (guint) MIN ((guint64) n, (guint64) pass * LOCAL_STAGE_FACTOR);
      cut = score_cut (coarse_scores, n, local_pass, RL_PREFILTER_TOP);
      for (guint t = 0; t < n_threads; t++)
        slices[t].coarse_cut = cut;
      run_slices (slices, n_threads, local_worker);
      cut = score_cut (local_scores, n, pass, RL_LOCAL_SCORE_TOP + LOCAL_COARSE_WEIGHT * RL_PREFILTER_TOP);
      for (guint t = 0; t < n_threads; t++)
        slices[t].cut = cut;
    }
  run_slices (slices, n_threads, full_worker);

  for (guint t = 0; t < n_threads; t++)
    {
      g_array_append_vals (result, slices[t].heap, slices[t].n_heap);
      if (n_compared)
        *n_compared += slices[t].n_compared;
      g_free (slices[t].heap);
    }
  g_array_sort (result, candidate_order);
  if (result->len > max_candidates)
    g_array_set_size (result, max_candidates);
  return result;
}

void
rl_gallery_set_compare_params (RlGallery *g, const RlCompareParams *params)
{
  g_return_if_fail (g != NULL);

  g->has_compare_params = params != NULL;
  if (params != NULL)
    g->compare_params = *params;
}
