/* rl-compare-private.h — the prepared template's layout, shared by the
 * comparison and the gallery (not part of the public API). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pairs index minutiae with 8 bits in the inner loop. */
#define RL_COMPARE_MAX_MINUTIAE 128
/* 64-bit words per cylinder descriptor. */
#define RL_CYL_WORDS 4
/* Descriptors are stored in blocks of RL_CYL_LANES minutiae, word-major
 * inside a block (word 0 of the 8 minutiae, then word 1, …): one 512-bit
 * load gives the same word of 8 candidates, so the similarity loop xors and
 * counts 8 pairs per instruction. The last block is padded with empty
 * descriptors (count 0, never similar). */
#define RL_CYL_LANES 8
#define RL_CYL_BLOCK (RL_CYL_WORDS * RL_CYL_LANES)
#define RL_CYL_PADDED(n) (((n) + RL_CYL_LANES - 1) / RL_CYL_LANES * RL_CYL_LANES)
#define RL_HULL_MAX_EDGES 24

typedef struct {
  float nx, ny, c;
} RlHullEdge;

/* One block: this header, then the per-minutia arrays. Minutiae are kept
 * sorted by y so that a comparison finds the ones near a point with a
 * binary search instead of a scan. */
struct _RlPreparedTemplate {
  guint32     size;          /* bytes of the whole block */
  guint16     n;             /* minutiae kept (≤ RL_COMPARE_MAX_MINUTIAE) */
  guint16     n_edges;
  RlHullEdge  edges[RL_HULL_MAX_EDGES];
  guint64    *cyl;           /* descriptor bits, in blocks (RL_CYL_WORD) */
  float      *x, *y;         /* y up; sorted by y */
  float      *theta;         /* radians [0, 2π) */
  guint16    *index;         /* into the source template's minutiae */
  guint16    *cyl_count;     /* bits set in each descriptor, 0 = not matchable;
                              * RL_CYL_PADDED (n) entries, the padding 0 */
  guint8     *kind;
};

/* Word w of minutia i's descriptor. */
#define RL_CYL_WORD(p, i, w) \
  ((p)->cyl[(gsize) ((i) / RL_CYL_LANES) * RL_CYL_BLOCK + (w) * RL_CYL_LANES + (i) % RL_CYL_LANES])

/* For tests: TRUE makes the comparison use its portable loops only (no
 * SIMD), so that a test can check both give the same scores. */
void rl_compare_set_portable (gboolean portable);

/* For tests and benchmarks: which loops the comparison runs (the numbers
 * are the levels inside rl-compare.c). FALSE, and the best loops chosen
 * again, when this CPU cannot run those. */
typedef enum {
  RL_COMPARE_LOOPS_BEST = -1,     /* the fastest this CPU runs (default) */
  RL_COMPARE_LOOPS_PORTABLE = 0,
  RL_COMPARE_LOOPS_POPCNT = 1,
  RL_COMPARE_LOOPS_AVX512 = 2,
  RL_COMPARE_LOOPS_AVX2 = 3,      /* AVX2 similarity loop, the rest as POPCNT */
} RlCompareLoops;

gboolean rl_compare_set_loops (RlCompareLoops loops);


/* The pre-filter works in two stages before the full comparison:
 *  1. coarse, over the whole gallery: the probe's most informative
 *     descriptors against each template's index entry (below), best mate
 *     each, summed — a linear scan of one contiguous array;
 *  2. local similarity, over the best share of stage 1: every probe
 *     descriptor against every descriptor of the template, the best local
 *     similarities summed (rl_local_similarity_score), no alignment;
 * and the full comparison for the best share of stage 2. */

/* The pre-filter's view of a probe: its most informative descriptors.
 * 48 covers every minutia of most probes: with 16, a probe that overlaps its
 * mate only partly often had none of its 16 among the mate's index entry's
 * 16, and the mate fell out at stage 1 (bench-search --diagnose; 3 × the
 * stage-1 work, docs/benchmarks.md). */
#ifndef RL_PREFILTER_MINUTIAE
#define RL_PREFILTER_MINUTIAE 48
#endif

typedef struct {
  guint   n;
  guint64 cyl[RL_PREFILTER_MINUTIAE * RL_CYL_WORDS];   /* minutia after minutia */
  /* the same words side by side: word w of every descriptor at
   * lanes[w · RL_PREFILTER_MINUTIAE …] (the vector loop's layout); 0 past n */
  guint64 lanes[RL_CYL_WORDS * RL_PREFILTER_MINUTIAE];
  guint16 count[RL_PREFILTER_MINUTIAE];
} RlPrefilterProbe;

void  rl_prefilter_probe_init (RlPrefilterProbe *q, const RlPreparedTemplate *probe);

/* The coarse score sums the best matches of this many of the probe's
 * descriptors (the ones that found the best), in [0, RL_PREFILTER_TOP]. */
#ifndef RL_PREFILTER_TOP
#define RL_PREFILTER_TOP 5
#endif

/* A gallery template's entry in the pre-filter index: its most informative
 * descriptors, in one contiguous record so a scan streams through memory;
 * in blocks of RL_CYL_LANES like a prepared template's (RL_CYL_WORD). */
#define RL_PREFILTER_ENTRY 16

typedef struct {
  guint64 cyl[RL_PREFILTER_ENTRY * RL_CYL_WORDS];
  guint16 count[RL_PREFILTER_ENTRY];   /* 0 = empty slot */
} RlPrefilterEntry;

void  rl_prefilter_entry_init (RlPrefilterEntry *e, const RlPreparedTemplate *tpl);
float rl_prefilter_entry_score (const RlPrefilterProbe *q, const RlPrefilterEntry *e);

/* Stage 2: the sum of the RL_LOCAL_SCORE_TOP best local similarities of the
 * probe's minutiae (each its best mate), in [0, RL_LOCAL_SCORE_TOP]. */
#ifndef RL_LOCAL_SCORE_TOP
#define RL_LOCAL_SCORE_TOP 5
#endif
float rl_local_similarity_score (const RlPreparedTemplate *probe, const RlPreparedTemplate *candidate);

G_END_DECLS
