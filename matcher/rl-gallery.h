/* rl-gallery.h — 1:N search of a gallery of templates held in memory.
 *
 * Templates are prepared once when added (descriptors computed, minutiae
 * sorted for the comparison's lookups) and searched on every core. With the
 * pre-filter, two cheaper scores come first, neither with an alignment:
 * a coarse one over the whole gallery (a linear scan of a compact index: the
 * probe's 48 most informative descriptors against each template's 16, the
 * five best matches summed), then, for the best 12 %, a local-similarity
 * score over every descriptor of both prints (the five best minutiae
 * matches summed); only the best share of that score plus half the coarse
 * one (3 % by default) gets the full comparison. */
#pragma once

#include <glib.h>

#include "rl-compare.h"
#include "rl-types.h"

G_BEGIN_DECLS

typedef struct _RlGallery RlGallery;

typedef struct {
  gint64 id;
  float  score;      /* rl_compare() score, 0..100 */
} RlCandidate;

RlGallery *rl_gallery_new    (void);
void       rl_gallery_add    (RlGallery *g, gint64 id, const RlTemplate *tpl);
/* Adds n templates at once, preparing them on every core. */
void       rl_gallery_add_many (RlGallery *g, const gint64 *ids, RlTemplate *const *templates, guint n);
guint      rl_gallery_size   (RlGallery *g);
/* An RlCandidate array, best first, at most max_candidates long. */
GArray    *rl_gallery_search (RlGallery *g, const RlTemplate *probe, guint max_candidates,
                              gboolean use_prefilter, GError **error);
/* The same with the comparison's parameters given (NULL = the matcher's
 * defaults) instead of the gallery's, and the number of full comparisons
 * returned in n_compared (may be NULL). It changes nothing in the gallery:
 * several threads may search one gallery at once, provided none adds to it
 * meanwhile (the caller's lock; rl_gallery_search itself records
 * last_n_compared and is not for concurrent use). */
GArray    *rl_gallery_search_with (RlGallery *g, const RlTemplate *probe, const RlCompareParams *params,
                                   guint max_candidates, gboolean use_prefilter, guint *n_compared, GError **error);
void       rl_gallery_free   (RlGallery *g);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlGallery, rl_gallery_free)

/* Bytes the gallery's templates occupy in memory (index included). */
guint64    rl_gallery_get_memory_size (RlGallery *g);
/* Threads a search uses (default: one per processor). */
void       rl_gallery_set_n_threads   (RlGallery *g, guint n_threads);
/* Share of the gallery that passes the pre-filter to the full comparison
 * (default 0.03); at least a few hundred templates always pass. */
void       rl_gallery_set_prefilter_share (RlGallery *g, double share);
/* Full comparisons the last search made (for benchmarks). */
guint      rl_gallery_get_last_n_compared (RlGallery *g);
/* The weights and tolerances of the active matcher release (NULL = the
 * matcher's defaults). */
void       rl_gallery_set_compare_params (RlGallery *g, const RlCompareParams *params);

G_END_DECLS
