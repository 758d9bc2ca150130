/* rl-compare-private.h — the prepared template's layout, shared by the
 * comparison and the gallery (not part of the public API). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pairs index minutiae with 8 bits in the inner loop. */
#define RL_COMPARE_MAX_MINUTIAE 128
/* 64-bit words per cylinder descriptor: one cache line holds two. */
#define RL_CYL_WORDS 4
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
  guint64    *cyl;           /* n × RL_CYL_WORDS: descriptor bits */
  float      *x, *y;         /* y up; sorted by y */
  float      *theta;         /* radians [0, 2π) */
  guint16    *index;         /* into the source template's minutiae */
  guint16    *cyl_count;     /* bits set in each descriptor; 0 = not matchable */
  guint8     *kind;
};

G_END_DECLS

G_BEGIN_DECLS

/* The pre-filter's view of a probe: its most informative descriptors. */
#define RL_PREFILTER_MINUTIAE 8

typedef struct {
  guint   n;
  guint64 cyl[RL_PREFILTER_MINUTIAE * RL_CYL_WORDS];
  guint16 count[RL_PREFILTER_MINUTIAE];
} RlPrefilterProbe;

void  rl_prefilter_probe_init (RlPrefilterProbe *q, const RlPreparedTemplate *probe);
/* Coarse similarity: for each of the probe's chosen descriptors, its best
 * match among the candidate's, summed. No alignment: a fraction of a full
 * comparison's cost. */
float rl_prefilter_score (const RlPrefilterProbe *q, const RlPreparedTemplate *candidate);

/* A gallery template's entry in the pre-filter index: its most informative
 * descriptors, in one contiguous record so a scan streams through memory. */
#define RL_PREFILTER_ENTRY 16

typedef struct {
  guint64 cyl[RL_PREFILTER_ENTRY * RL_CYL_WORDS];
  guint16 count[RL_PREFILTER_ENTRY];   /* 0 = empty slot */
} RlPrefilterEntry;

void  rl_prefilter_entry_init (RlPrefilterEntry *e, const RlPreparedTemplate *tpl);
float rl_prefilter_entry_score (const RlPrefilterProbe *q, const RlPrefilterEntry *e);

G_END_DECLS
