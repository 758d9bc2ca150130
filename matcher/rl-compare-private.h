/* rl-compare-private.h — the prepared template's layout, shared by the
 * comparison and the gallery (not part of the public API). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pairs index minutiae with 8 bits in the inner loop. */
#define RL_COMPARE_MAX_MINUTIAE 128
/* 64-bit words per cylinder descriptor. */
#define RL_CYL_WORDS 5
#define RL_HULL_MAX_EDGES 32

typedef struct {
  float nx, ny, c;
} RlHullEdge;

struct _RlPreparedTemplate {
  gsize       size;          /* bytes of the whole block */
  guint       n;             /* minutiae kept (≤ RL_COMPARE_MAX_MINUTIAE) */
  guint       n_edges;
  RlHullEdge  edges[RL_HULL_MAX_EDGES];
  guint64    *cyl;           /* n × RL_CYL_WORDS: descriptor bits */
  guint64    *valid;         /* n × RL_CYL_WORDS: bits inside the print */
  float      *x, *y;         /* y up */
  float      *theta;         /* radians [0, 2π) */
  guint16    *index;         /* into the source template's minutiae */
  guint16    *cyl_count;
  guint8     *kind;
  guint8     *matchable;
};

G_END_DECLS
