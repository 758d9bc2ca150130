/* rl-compare.c — 1:1 comparison: local cylinder descriptors, seeded greedy
 * consolidation with distance-dependent tolerances, overlap-normalised score.
 * See rl-compare.h for the outline. */
#define G_LOG_DOMAIN "rl-compare"

#include "rl-compare.h"
#include "rl-compare-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Descriptor geometry ------------------------------------------------
 * A cylinder is a disc of radius CYL_RADIUS around the minutia, in its own
 * frame (x axis along the minutia direction), cut into CYL_SIDE × CYL_SIDE
 * square cells (only those whose centre lies in the disc count) and
 * CYL_DIRS direction bins for the neighbour's direction relative to the
 * minutia's. A bit is set when a neighbour lies near the cell centre with a
 * direction near the bin's. Fixed at compile time so the inner loop unrolls. */
#ifndef CYL_RADIUS
#define CYL_RADIUS        70.0f
#endif
#ifndef CYL_SIDE
#define CYL_SIDE          8
#endif
#ifndef CYL_DIRS
#define CYL_DIRS          5
#endif
#define CELL_SIZE         (2.0f * CYL_RADIUS / CYL_SIDE)
/* A neighbour lights the cells whose centre is closer than this (px)... */
#ifndef CELL_REACH
#define CELL_REACH        13.0f
#endif
/* ...and the direction bins whose centre is closer than this (radians). */
#ifndef DIR_REACH
#define DIR_REACH         (G_PI / 3.0f)
#endif
/* A cell counts where the print is: within this margin (px) of the convex
 * hull of the minutiae. */
#ifndef HULL_MARGIN
#define HULL_MARGIN       35.0f
#endif
/* A cylinder with fewer valid cells than this share, or fewer neighbours,
 * says too little to be compared. */
#ifndef MIN_VALID_SHARE
#define MIN_VALID_SHARE   0.60f
#endif
#ifndef MIN_NEIGHBOURS
#define MIN_NEIGHBOURS    2
#endif

/* ---- Consolidation ------------------------------------------------------ */
#ifndef SIM_MIN
#define SIM_MIN           0.25f   /* local similarity below this is no candidate */
#endif
#ifndef N_SEEDS
#define N_SEEDS           12
#endif
#ifndef SEED_DIST_TOL
#define SEED_DIST_TOL     12.0f   /* px at the seed ... */
#endif
#ifndef SEED_DIST_GROWTH
#define SEED_DIST_GROWTH  0.10f   /* ... plus this share of the distance to it */
#endif
#ifndef ANGLE_TOL
#define ANGLE_TOL         (G_PI / 7.0f)
#endif
#ifndef FINAL_DIST_TOL
#define FINAL_DIST_TOL    12.0f
#endif
#ifndef FINAL_DIST_GROWTH
#define FINAL_DIST_GROWTH 0.07f
#endif
#ifndef OVERLAP_MARGIN
#define OVERLAP_MARGIN    10.0f
#endif
#ifndef MIN_OVERLAP
#define MIN_OVERLAP       12.0f   /* fewer minutiae in the overlap than this say little */
#endif

static guint cyl_n_cells;
static float cyl_cell_x[CYL_SIDE * CYL_SIDE];
static float cyl_cell_y[CYL_SIDE * CYL_SIDE];

static void
cylinder_geometry_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      guint n = 0;

      for (int row = 0; row < CYL_SIDE; row++)
        for (int col = 0; col < CYL_SIDE; col++)
          {
            float cx = (col + 0.5f) * CELL_SIZE - CYL_RADIUS;
            float cy = (row + 0.5f) * CELL_SIZE - CYL_RADIUS;

            if (cx * cx + cy * cy > CYL_RADIUS * CYL_RADIUS)
              continue;
            cyl_cell_x[n] = cx;
            cyl_cell_y[n] = cy;
            n++;
          }
      g_assert (n * CYL_DIRS <= RL_CYL_WORDS * 64);
      cyl_n_cells = n;
      g_once_init_leave (&initialised, 1);
    }
}

/* Angle difference folded into [0, π]. */
static inline float
angle_distance (float a, float b)
{
  float d = fabsf (a - b);

  d = fmodf (d, 2.0f * (float) G_PI);
  return d > (float) G_PI ? 2.0f * (float) G_PI - d : d;
}

static inline float
angle_wrap (float a)
{
  a = fmodf (a, 2.0f * (float) G_PI);
  return a < 0 ? a + 2.0f * (float) G_PI : a;
}

/* ---- Convex hull of the minutiae (the print's extent) ------------------- */

static float
cross (float ox, float oy, float ax, float ay, float bx, float by)
{
  return (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);
}

typedef struct { float x, y; } Point;

static int
point_cmp (const void *a, const void *b)
{
  const Point *p = a, *q = b;

  if (p->x != q->x)
    return p->x < q->x ? -1 : 1;
  if (p->y != q->y)
    return p->y < q->y ? -1 : 1;
  return 0;
}

/* Andrew's monotone chain; stores the hull's edges as normalised lines
 * (nx, ny, c) with nx·x + ny·y + c ≥ 0 inside, so that "inside the hull
 * grown by m" is "every edge value ≥ -m". */
static void
hull_build (RlPreparedTemplate *p)
{
  g_autofree Point *pts = g_new (Point, p->n);
  g_autofree Point *hull = g_new (Point, 2 * p->n + 1);
  guint n = p->n, k = 0;

  p->n_edges = 0;
  if (n < 3)
    return;
  for (guint i = 0; i < n; i++)
    pts[i] = (Point) { p->x[i], p->y[i] };
  qsort (pts, n, sizeof (Point), point_cmp);

  for (guint i = 0; i < n; i++)
    {
      while (k >= 2 && cross (hull[k - 2].x, hull[k - 2].y, hull[k - 1].x, hull[k - 1].y, pts[i].x, pts[i].y) <= 0)
        k--;
      hull[k++] = pts[i];
    }
  for (guint i = n - 1, t = k + 1; i > 0; i--)
    {
      while (k >= t && cross (hull[k - 2].x, hull[k - 2].y, hull[k - 1].x, hull[k - 1].y, pts[i - 1].x, pts[i - 1].y) <= 0)
        k--;
      hull[k++] = pts[i - 1];
    }
  /* hull[k-1] == hull[0]; counter-clockwise in (x, y-up) coordinates. */
  for (guint i = 0; i + 1 < k && p->n_edges < RL_HULL_MAX_EDGES; i++)
    {
      float ex = hull[i + 1].x - hull[i].x, ey = hull[i + 1].y - hull[i].y;
      float len = sqrtf (ex * ex + ey * ey);

      if (len < 1e-3f)
        continue;
      /* Inward normal of a counter-clockwise polygon: (-ey, ex). */
      p->edges[p->n_edges].nx = -ey / len;
      p->edges[p->n_edges].ny = ex / len;
      p->edges[p->n_edges].c = -(p->edges[p->n_edges].nx * hull[i].x + p->edges[p->n_edges].ny * hull[i].y);
      p->n_edges++;
    }
}

static inline gboolean
hull_contains (const RlPreparedTemplate *p, float x, float y, float margin)
{
  if (p->n_edges == 0)
    return TRUE;   /* too few minutiae to know the extent: don't exclude */
  for (guint e = 0; e < p->n_edges; e++)
    if (p->edges[e].nx * x + p->edges[e].ny * y + p->edges[e].c < -margin)
      return FALSE;
  return TRUE;
}

/* ---- Preparing a template ---------------------------------------------- */

typedef struct { guint16 index; guint8 reliability; } Ranked;

static int
ranked_cmp (const void *a, const void *b)
{
  const Ranked *p = a, *q = b;

  if (p->reliability != q->reliability)
    return p->reliability > q->reliability ? -1 : 1;
  return p->index - q->index;
}

static void
cylinder_build (RlPreparedTemplate *p, guint i)
{
  guint64 *bits = p->cyl + (gsize) i * RL_CYL_WORDS;
  guint64 *valid = p->valid + (gsize) i * RL_CYL_WORDS;
  float c = cosf (p->theta[i]), s = sinf (p->theta[i]);
  guint n_valid = 0, n_neighbours = 0;

  memset (bits, 0, RL_CYL_WORDS * sizeof (guint64));
  memset (valid, 0, RL_CYL_WORDS * sizeof (guint64));

  for (guint cell = 0; cell < cyl_n_cells; cell++)
    {
      float gx = p->x[i] + c * cyl_cell_x[cell] - s * cyl_cell_y[cell];
      float gy = p->y[i] + s * cyl_cell_x[cell] + c * cyl_cell_y[cell];

      if (!hull_contains (p, gx, gy, HULL_MARGIN))
        continue;
      n_valid++;
      for (guint d = 0; d < CYL_DIRS; d++)
        {
          guint bit = cell * CYL_DIRS + d;
          valid[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
        }
    }

  for (guint j = 0; j < p->n; j++)
    {
      float dx, dy, u, v, dtheta;

      if (j == i)
        continue;
      dx = p->x[j] - p->x[i];
      dy = p->y[j] - p->y[i];
      if (dx * dx + dy * dy > (CYL_RADIUS + CELL_REACH) * (CYL_RADIUS + CELL_REACH))
        continue;
      n_neighbours++;
      /* Into the minutia's frame: rotate by -theta. */
      u = c * dx + s * dy;
      v = -s * dx + c * dy;
      dtheta = angle_wrap (p->theta[j] - p->theta[i]);

      for (guint cell = 0; cell < cyl_n_cells; cell++)
        {
          float ex = u - cyl_cell_x[cell], ey = v - cyl_cell_y[cell];

          if (ex * ex + ey * ey > CELL_REACH * CELL_REACH)
            continue;
          for (guint d = 0; d < CYL_DIRS; d++)
            {
              float centre = (d + 0.5f) * 2.0f * (float) G_PI / CYL_DIRS;
              guint bit = cell * CYL_DIRS + d;

              if (angle_distance (dtheta, centre) < DIR_REACH)
                bits[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
            }
        }
    }

  for (guint w = 0; w < RL_CYL_WORDS; w++)
    bits[w] &= valid[w];
  p->matchable[i] = n_neighbours >= MIN_NEIGHBOURS && n_valid >= MIN_VALID_SHARE * cyl_n_cells;
}

RlPreparedTemplate *
rl_prepared_template_new (const RlTemplate *tpl)
{
  RlPreparedTemplate *p;
  g_autofree Ranked *ranked = NULL;
  guint n;
  gsize size;
  guint8 *block;

  g_return_val_if_fail (tpl != NULL, NULL);
  g_return_val_if_fail (tpl->n_minutiae == 0 || tpl->minutiae != NULL, NULL);

  cylinder_geometry_init ();

  /* Keep the most reliable minutiae when there are more than the
   * comparison's indices can hold (pairs store 8-bit indices internally). */
  n = MIN (tpl->n_minutiae, RL_COMPARE_MAX_MINUTIAE);
  ranked = g_new (Ranked, MAX (tpl->n_minutiae, 1));
  for (guint i = 0; i < tpl->n_minutiae; i++)
    ranked[i] = (Ranked) { (guint16) MIN (i, G_MAXUINT16), tpl->minutiae[i].reliability };
  if (tpl->n_minutiae > n)
    qsort (ranked, tpl->n_minutiae, sizeof (Ranked), ranked_cmp);

  /* One block: the struct, then the arrays, words first for alignment. */
  size = sizeof (RlPreparedTemplate)
         + 2 * (gsize) n * RL_CYL_WORDS * sizeof (guint64)
         + 3 * (gsize) n * sizeof (float)
         + (gsize) n * sizeof (guint16) * 2
         + 2 * (gsize) n;
  block = g_malloc0 (size);
  p = (RlPreparedTemplate *) block;
  p->size = size;
  p->n = n;
  block += sizeof (RlPreparedTemplate);
  p->cyl = (guint64 *) block;          block += (gsize) n * RL_CYL_WORDS * sizeof (guint64);
  p->valid = (guint64 *) block;        block += (gsize) n * RL_CYL_WORDS * sizeof (guint64);
  p->x = (float *) block;              block += n * sizeof (float);
  p->y = (float *) block;              block += n * sizeof (float);
  p->theta = (float *) block;          block += n * sizeof (float);
  p->index = (guint16 *) block;        block += n * sizeof (guint16);
  p->cyl_count = (guint16 *) block;    block += n * sizeof (guint16);
  p->kind = block;                     block += n;
  p->matchable = block;

  for (guint i = 0; i < n; i++)
    {
      const RlMinutia *m = &tpl->minutiae[ranked[i].index];

      p->index[i] = ranked[i].index;
      /* y up, so that angles (counter-clockwise on paper) and rotations
       * follow the usual mathematical conventions. */
      p->x[i] = m->x;
      p->y[i] = -m->y;
      p->theta[i] = angle_wrap (m->angle);
      p->kind[i] = m->kind;
    }

  hull_build (p);
  for (guint i = 0; i < n; i++)
    {
      guint count = 0;

      cylinder_build (p, i);
      for (guint w = 0; w < RL_CYL_WORDS; w++)
        count += __builtin_popcountll (p->cyl[(gsize) i * RL_CYL_WORDS + w]);
      p->cyl_count[i] = count;
    }
  return p;
}

void
rl_prepared_template_free (RlPreparedTemplate *prepared)
{
  g_free (prepared);
}

guint
rl_prepared_template_get_n_minutiae (const RlPreparedTemplate *prepared)
{
  g_return_val_if_fail (prepared != NULL, 0);
  return prepared->n;
}

gsize
rl_prepared_template_get_size (const RlPreparedTemplate *prepared)
{
  g_return_val_if_fail (prepared != NULL, 0);
  return prepared->size;
}

/* ---- Local similarity ---------------------------------------------------- */

/* Similarity of two cylinders over the cells valid in both:
 * 1 - |a xor b| / (|a| + |b|). Pairs whose common area is too small get 0. */
static inline float
cylinder_similarity (const RlPreparedTemplate *a, guint i, const RlPreparedTemplate *b, guint j)
{
  const guint64 *ca = a->cyl + (gsize) i * RL_CYL_WORDS, *va = a->valid + (gsize) i * RL_CYL_WORDS;
  const guint64 *cb = b->cyl + (gsize) j * RL_CYL_WORDS, *vb = b->valid + (gsize) j * RL_CYL_WORDS;
  guint n_a = 0, n_b = 0, n_x = 0, n_v = 0;

  for (guint w = 0; w < RL_CYL_WORDS; w++)
    {
      guint64 v = va[w] & vb[w];

      n_v += __builtin_popcountll (v);
      n_a += __builtin_popcountll (ca[w] & v);
      n_b += __builtin_popcountll (cb[w] & v);
      n_x += __builtin_popcountll ((ca[w] ^ cb[w]) & v);
    }
  if (n_v < MIN_VALID_SHARE * cyl_n_cells * CYL_DIRS || n_a + n_b == 0)
    return 0.0f;
  return 1.0f - (float) n_x / (float) (n_a + n_b);
}

/* ---- Consolidation ------------------------------------------------------- */

typedef struct {
  float  sim;
  guint8 a, b;
} Candidate;

static int
candidate_cmp (const void *p, const void *q)
{
  const Candidate *x = p, *y = q;

  if (x->sim != y->sim)
    return x->sim > y->sim ? -1 : 1;
  if (x->a != y->a)
    return x->a - y->a;
  return x->b - y->b;
}

typedef struct {
  float cos_r, sin_r;   /* rotation probe → candidate */
  float tx, ty;         /* then translation */
} Transform;

static inline void
transform_apply (const Transform *t, float x, float y, float *ox, float *oy)
{
  *ox = t->cos_r * x - t->sin_r * y + t->tx;
  *oy = t->sin_r * x + t->cos_r * y + t->ty;
}

typedef struct {
  guint8 a[RL_COMPARE_MAX_MINUTIAE];
  guint8 b[RL_COMPARE_MAX_MINUTIAE];
  float  sim[RL_COMPARE_MAX_MINUTIAE];
  guint  n;
  float  weight;
} Pairing;

/* Greedy pairing along one seed: candidates in order of local similarity
 * join when they land near their mate, with a tolerance that grows with the
 * distance from the seed. */
static void
consolidate_seed (const RlPreparedTemplate *a, const RlPreparedTemplate *b,
                  const Candidate *cands, guint n_cands, const Candidate *seed,
                  Pairing *out)
{
  guint8 used_a[RL_COMPARE_MAX_MINUTIAE] = { 0 }, used_b[RL_COMPARE_MAX_MINUTIAE] = { 0 };
  float rot = b->theta[seed->b] - a->theta[seed->a];
  float c = cosf (rot), s = sinf (rot);
  float ax0 = a->x[seed->a], ay0 = a->y[seed->a], bx0 = b->x[seed->b], by0 = b->y[seed->b];

  out->n = 0;
  out->weight = 0;
  for (guint k = 0; k < n_cands; k++)
    {
      const Candidate *cd = &cands[k];
      float px, py, ex, ey, rx, ry, r2, tol;

      if (used_a[cd->a] || used_b[cd->b])
        continue;
      px = c * (a->x[cd->a] - ax0) - s * (a->y[cd->a] - ay0) + bx0;
      py = s * (a->x[cd->a] - ax0) + c * (a->y[cd->a] - ay0) + by0;
      ex = px - b->x[cd->b];
      ey = py - b->y[cd->b];
      rx = b->x[cd->b] - bx0;
      ry = b->y[cd->b] - by0;
      r2 = rx * rx + ry * ry;
      tol = SEED_DIST_TOL + SEED_DIST_GROWTH * sqrtf (r2);
      if (ex * ex + ey * ey > tol * tol)
        continue;
      if (angle_distance (a->theta[cd->a] + rot, b->theta[cd->b]) > ANGLE_TOL)
        continue;
      used_a[cd->a] = used_b[cd->b] = 1;
      out->a[out->n] = cd->a;
      out->b[out->n] = cd->b;
      out->sim[out->n] = cd->sim;
      out->n++;
      out->weight += cd->sim;
    }
}

/* Least-squares rigid transform from the pairs (2-D Procrustes). */
static void
fit_transform (const RlPreparedTemplate *a, const RlPreparedTemplate *b, const Pairing *pg, Transform *t,
               float *cx_b, float *cy_b)
{
  float max = 0, may = 0, mbx = 0, mby = 0, wsum = 0, sxx = 0, sxy = 0, rot;

  for (guint k = 0; k < pg->n; k++)
    {
      float w = pg->sim[k] + 0.05f;

      max += w * a->x[pg->a[k]]; may += w * a->y[pg->a[k]];
      mbx += w * b->x[pg->b[k]]; mby += w * b->y[pg->b[k]];
      wsum += w;
    }
  max /= wsum; may /= wsum; mbx /= wsum; mby /= wsum;
  for (guint k = 0; k < pg->n; k++)
    {
      float w = pg->sim[k] + 0.05f;
      float ux = a->x[pg->a[k]] - max, uy = a->y[pg->a[k]] - may;
      float vx = b->x[pg->b[k]] - mbx, vy = b->y[pg->b[k]] - mby;

      sxx += w * (ux * vx + uy * vy);
      sxy += w * (ux * vy - uy * vx);
    }
  rot = atan2f (sxy, sxx);
  t->cos_r = cosf (rot);
  t->sin_r = sinf (rot);
  t->tx = mbx - (t->cos_r * max - t->sin_r * may);
  t->ty = mby - (t->sin_r * max + t->cos_r * may);
  *cx_b = mbx;
  *cy_b = mby;
}

typedef struct {
  float  cost;
  guint8 a, b;
} Close;

static int
close_cmp (const void *p, const void *q)
{
  const Close *x = p, *y = q;

  if (x->cost != y->cost)
    return x->cost < y->cost ? -1 : 1;
  if (x->a != y->a)
    return x->a - y->a;
  return x->b - y->b;
}

float
rl_compare_prepared (const RlPreparedTemplate *pa, const RlPreparedTemplate *pb, RlComparison **out_comparison)
{
  guint na, nb, n_cands = 0, n_close = 0, best = 0;
  g_autofree float *sim = NULL;
  g_autofree Candidate *cands = NULL;
  g_autofree Close *close = NULL;
  Pairing *pairings = NULL;
  Pairing final = { 0 };
  Transform t;
  float rot, cx, cy, score = 0.0f, ov_a = 0, ov_b = 0;
  float ta_x[RL_COMPARE_MAX_MINUTIAE], ta_y[RL_COMPARE_MAX_MINUTIAE];
  guint8 used_a[RL_COMPARE_MAX_MINUTIAE] = { 0 }, used_b[RL_COMPARE_MAX_MINUTIAE] = { 0 };

  if (out_comparison)
    *out_comparison = NULL;
  g_return_val_if_fail (pa != NULL && pb != NULL, 0.0f);

  na = pa->n;
  nb = pb->n;
  if (na < 2 || nb < 2)
    goto done;

  /* 1. Local similarities; keep the promising pairs. */
  sim = g_new (float, na * nb);
  cands = g_new (Candidate, na * nb);
  for (guint i = 0; i < na; i++)
    {
      if (!pa->matchable[i])
        {
          for (guint j = 0; j < nb; j++)
            sim[i * nb + j] = 0;
          continue;
        }
      for (guint j = 0; j < nb; j++)
        {
          float s = pb->matchable[j] ? cylinder_similarity (pa, i, pb, j) : 0.0f;

          sim[i * nb + j] = s;
          if (s >= SIM_MIN)
            cands[n_cands++] = (Candidate) { s, (guint8) i, (guint8) j };
        }
    }
  if (n_cands == 0)
    goto done;
  qsort (cands, n_cands, sizeof (Candidate), candidate_cmp);

  /* 2.–3. Consolidate each seed, keep the heaviest. */
  pairings = g_new (Pairing, 2);
  for (guint k = 0, tried = 0; k < n_cands && tried < N_SEEDS; k++)
    {
      Pairing *cur = &pairings[tried == 0 ? 0 : 1];

      consolidate_seed (pa, pb, cands, n_cands, &cands[k], cur);
      if (tried > 0 && cur->weight > pairings[0].weight)
        pairings[0] = *cur;
      tried++;
    }
  best = 0;
  if (pairings[best].n < 2)
    goto done;

  /* 4. Refine the transform on the pairs, then pair again over every
   * minutia, closest first, with a tolerance growing from the centre. */
  fit_transform (pa, pb, &pairings[best], &t, &cx, &cy);
  rot = atan2f (t.sin_r, t.cos_r);
  for (guint i = 0; i < na; i++)
    transform_apply (&t, pa->x[i], pa->y[i], &ta_x[i], &ta_y[i]);
  close = g_new (Close, na * nb);
  for (guint i = 0; i < na; i++)
    for (guint j = 0; j < nb; j++)
      {
        float ex = ta_x[i] - pb->x[j], ey = ta_y[i] - pb->y[j];
        float rx = pb->x[j] - cx, ry = pb->y[j] - cy;
        float tol = FINAL_DIST_TOL + FINAL_DIST_GROWTH * sqrtf (rx * rx + ry * ry);
        float d2 = ex * ex + ey * ey, ad;

        if (d2 > tol * tol)
          continue;
        ad = angle_distance (pa->theta[i] + rot, pb->theta[j]);
        if (ad > ANGLE_TOL)
          continue;
        close[n_close++] = (Close) { sqrtf (d2) / tol + ad / ANGLE_TOL - sim[i * nb + j], (guint8) i, (guint8) j };
      }
  qsort (close, n_close, sizeof (Close), close_cmp);
  for (guint k = 0; k < n_close; k++)
    {
      if (used_a[close[k].a] || used_b[close[k].b])
        continue;
      used_a[close[k].a] = used_b[close[k].b] = 1;
      final.a[final.n] = close[k].a;
      final.b[final.n] = close[k].b;
      final.sim[final.n] = sim[close[k].a * nb + close[k].b];
      final.weight += 0.5f + 0.5f * final.sim[final.n];
      final.n++;
    }

  /* 5. How many minutiae each print shows inside the other's extent. */
  for (guint i = 0; i < na; i++)
    ov_a += hull_contains (pb, ta_x[i], ta_y[i], OVERLAP_MARGIN);
  for (guint j = 0; j < nb; j++)
    {
      /* inverse transform of candidate minutiae into the probe's frame */
      float dx = pb->x[j] - t.tx, dy = pb->y[j] - t.ty;
      float x = t.cos_r * dx + t.sin_r * dy, y = -t.sin_r * dx + t.cos_r * dy;

      ov_b += hull_contains (pa, x, y, OVERLAP_MARGIN);
    }
  ov_a = MAX (ov_a, MIN_OVERLAP);
  ov_b = MAX (ov_b, MIN_OVERLAP);
  score = 100.0f * final.weight * final.weight / (ov_a * ov_b);
  score = MIN (score, 100.0f);

done:
  if (out_comparison)
    {
      RlComparison *c = g_new0 (RlComparison, 1);
      g_autofree guint *order = g_new (guint, MAX (final.n, 1));

      c->score = score;
      c->n_pairs = final.n;
      c->pairs = g_new0 (RlMinutiaPair, MAX (final.n, 1));
      /* strongest first: insertion sort on the local similarity */
      for (guint k = 0; k < final.n; k++)
        {
          guint p = k;

          while (p > 0 && final.sim[order[p - 1]] < final.sim[k])
            {
              order[p] = order[p - 1];
              p--;
            }
          order[p] = k;
        }
      for (guint k = 0; k < final.n; k++)
        {
          c->pairs[k].probe = pa->index[final.a[order[k]]];
          c->pairs[k].candidate = pb->index[final.b[order[k]]];
          c->pairs[k].strength = final.sim[order[k]];
        }
      *out_comparison = c;
    }
  g_free (pairings);
  return score;
}

float
rl_compare (const RlTemplate *probe, const RlTemplate *candidate, RlComparison **out_comparison)
{
  g_autoptr (RlPreparedTemplate) a = NULL;
  g_autoptr (RlPreparedTemplate) b = NULL;

  if (out_comparison)
    *out_comparison = NULL;
  g_return_val_if_fail (probe != NULL && candidate != NULL, 0.0f);

  a = rl_prepared_template_new (probe);
  b = rl_prepared_template_new (candidate);
  return rl_compare_prepared (a, b, out_comparison);
}

void
rl_comparison_free (RlComparison *c)
{
  if (c == NULL)
    return;
  g_free (c->pairs);
  g_free (c);
}
