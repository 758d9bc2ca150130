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
#define CYL_DIRS          4
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
#define N_SEEDS           10
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
/* What a pair adds to an alignment's weight: alike neighbourhoods count more. */
#ifndef PAIR_WEIGHT
#define PAIR_WEIGHT(sim)  (0.2f + (sim))
#endif
#ifndef MIN_OVERLAP
#define MIN_OVERLAP       12.0f   /* fewer minutiae in the overlap than this say little */
#endif

static guint cyl_n_cells;
static float cyl_cell_x[CYL_SIDE * CYL_SIDE];
static float cyl_cell_y[CYL_SIDE * CYL_SIDE];
static int   cyl_cell_at[CYL_SIDE][CYL_SIDE];     /* row, col → cell or -1 */
/* 1 / k for the bit counts of two descriptors: no division in the loop */
static float reciprocal[2 * RL_CYL_WORDS * 64 + 1];

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

            cyl_cell_at[row][col] = -1;
            if (cx * cx + cy * cy > CYL_RADIUS * CYL_RADIUS)
              continue;
            cyl_cell_at[row][col] = n;
            cyl_cell_x[n] = cx;
            cyl_cell_y[n] = cy;
            n++;
          }
      g_assert (n * CYL_DIRS <= RL_CYL_WORDS * 64);
      cyl_n_cells = n;
      reciprocal[0] = 0;
      for (guint k = 1; k < G_N_ELEMENTS (reciprocal); k++)
        reciprocal[k] = 1.0f / k;
      g_once_init_leave (&initialised, 1);
    }
}

/* Angle difference folded into [0, π], for angles within (-4π, 4π). */
static inline float
angle_distance (float a, float b)
{
  float d = fabsf (a - b);

  while (d > 2.0f * (float) G_PI)
    d -= 2.0f * (float) G_PI;
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
  g_autofree Point *pts = g_new (Point, MAX (p->n, 1));
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
  /* hull[k-1] == hull[0]; counter-clockwise in (x, y-up) coordinates.
   * A hull with more edges than we keep loses its shortest ones' corners:
   * keep every edge while there is room, then only the longer ones. */
  for (guint i = 0; i + 1 < k && p->n_edges < RL_HULL_MAX_EDGES; i++)
    {
      float ex = hull[i + 1].x - hull[i].x, ey = hull[i + 1].y - hull[i].y;
      float len = sqrtf (ex * ex + ey * ey);

      if (len < 1e-3f || (k - 1 > RL_HULL_MAX_EDGES && len < 8.0f))
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
  for (guint e = 0; e < p->n_edges; e++)
    if (p->edges[e].nx * x + p->edges[e].ny * y + p->edges[e].c < -margin)
      return FALSE;
  return TRUE;   /* also with too few minutiae to know the extent */
}

/* ---- Preparing a template ---------------------------------------------- */

typedef struct { guint16 index; guint8 reliability; float y; } Ranked;

static int
ranked_by_reliability (const void *a, const void *b)
{
  const Ranked *p = a, *q = b;

  if (p->reliability != q->reliability)
    return p->reliability > q->reliability ? -1 : 1;
  return p->index - q->index;
}

static int
ranked_by_y (const void *a, const void *b)
{
  const Ranked *p = a, *q = b;

  if (p->y != q->y)
    return p->y < q->y ? -1 : 1;
  return p->index - q->index;
}

static inline void
set_bit (guint64 *bits, guint bit)
{
  bits[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
}

static void
cylinder_build (RlPreparedTemplate *p, guint i)
{
  guint64 bits[RL_CYL_WORDS] = { 0 };
  guint64 valid[RL_CYL_WORDS] = { 0 };
  float c = cosf (p->theta[i]), s = sinf (p->theta[i]);
  guint n_valid = 0, n_neighbours = 0, count = 0;

  /* The cells that lie on the print. */
  for (guint cell = 0; cell < cyl_n_cells; cell++)
    {
      float gx = p->x[i] + c * cyl_cell_x[cell] - s * cyl_cell_y[cell];
      float gy = p->y[i] + s * cyl_cell_x[cell] + c * cyl_cell_y[cell];

      if (!hull_contains (p, gx, gy, HULL_MARGIN))
        continue;
      n_valid++;
      for (guint d = 0; d < CYL_DIRS; d++)
        set_bit (valid, cell * CYL_DIRS + d);
    }

  for (guint j = 0; j < p->n; j++)
    {
      float dx, dy, u, v, dtheta;
      int col0, col1, row0, row1;

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

      /* only the cells within reach */
      col0 = MAX (0, (int) floorf ((u - CELL_REACH + CYL_RADIUS) / CELL_SIZE));
      col1 = MIN (CYL_SIDE - 1, (int) floorf ((u + CELL_REACH + CYL_RADIUS) / CELL_SIZE));
      row0 = MAX (0, (int) floorf ((v - CELL_REACH + CYL_RADIUS) / CELL_SIZE));
      row1 = MIN (CYL_SIDE - 1, (int) floorf ((v + CELL_REACH + CYL_RADIUS) / CELL_SIZE));
      for (int row = row0; row <= row1; row++)
        for (int col = col0; col <= col1; col++)
          {
            int cell = cyl_cell_at[row][col];
            float ex, ey;

            if (cell < 0)
              continue;
            ex = u - cyl_cell_x[cell];
            ey = v - cyl_cell_y[cell];
            if (ex * ex + ey * ey > CELL_REACH * CELL_REACH)
              continue;
            for (guint d = 0; d < CYL_DIRS; d++)
              if (angle_distance (dtheta, (d + 0.5f) * 2.0f * (float) G_PI / CYL_DIRS) < DIR_REACH)
                set_bit (bits, cell * CYL_DIRS + d);
          }
    }

  for (guint w = 0; w < RL_CYL_WORDS; w++)
    {
      bits[w] &= valid[w];
      count += __builtin_popcountll (bits[w]);
      RL_CYL_WORD (p, i, w) = bits[w];
    }
  /* A descriptor that says too little is not compared (count 0). */
  if (n_neighbours < MIN_NEIGHBOURS || n_valid < MIN_VALID_SHARE * cyl_n_cells)
    count = 0;
  p->cyl_count[i] = count;
}

#define HEADER_SIZE ((sizeof (RlPreparedTemplate) + 63) / 64 * 64)

RlPreparedTemplate *
rl_prepared_template_new (const RlTemplate *tpl)
{
  RlPreparedTemplate *p;
  g_autofree Ranked *ranked = NULL;
  guint n, n_padded;
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
    ranked[i] = (Ranked) { (guint16) MIN (i, G_MAXUINT16), tpl->minutiae[i].reliability, -tpl->minutiae[i].y };
  if (tpl->n_minutiae > n)
    qsort (ranked, tpl->n_minutiae, sizeof (Ranked), ranked_by_reliability);
  qsort (ranked, n, sizeof (Ranked), ranked_by_y);

  /* One block: the struct, then the arrays, descriptor words first and on
   * a cache-line boundary (the similarity loop loads 64 bytes at a time). */
  n_padded = RL_CYL_PADDED (n);
  size = HEADER_SIZE
         + (gsize) n_padded * RL_CYL_WORDS * sizeof (guint64)
         + 3 * (gsize) n * sizeof (float)
         + (gsize) n * sizeof (guint16)
         + (gsize) n_padded * sizeof (guint16)
         + (gsize) n;
  block = g_aligned_alloc0 (1, size, 64);
  p = (RlPreparedTemplate *) block;
  p->size = size;
  p->n = n;
  block += HEADER_SIZE;
  p->cyl = (guint64 *) block;          block += (gsize) n_padded * RL_CYL_WORDS * sizeof (guint64);
  p->x = (float *) block;              block += n * sizeof (float);
  p->y = (float *) block;              block += n * sizeof (float);
  p->theta = (float *) block;          block += n * sizeof (float);
  p->index = (guint16 *) block;        block += n * sizeof (guint16);
  p->cyl_count = (guint16 *) block;    block += n_padded * sizeof (guint16);
  p->kind = block;

  for (guint i = 0; i < n; i++)
    {
      const RlMinutia *m = &tpl->minutiae[ranked[i].index];

      p->index[i] = ranked[i].index;
      /* y up, so that angles (counter-clockwise on paper) and rotations
       * follow the usual mathematical conventions. */
      p->x[i] = isfinite (m->x) ? m->x : 0.0f;
      p->y[i] = isfinite (m->y) ? -m->y : 0.0f;
      p->theta[i] = isfinite (m->angle) ? angle_wrap (m->angle) : 0.0f;
      p->kind[i] = m->kind;
    }

  hull_build (p);
  for (guint i = 0; i < n; i++)
    cylinder_build (p, i);
  return p;
}

void
rl_prepared_template_free (RlPreparedTemplate *prepared)
{
  g_aligned_free (prepared);
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

typedef struct {
  float  sim;
  guint8 a, b;
} Candidate;

G_STATIC_ASSERT (RL_CYL_WORDS == 4);

/* The AVX-512 path's candidate pairs (each probe minutia's two most alike
 * candidate minutiae, when alike enough) side by side, structure of arrays,
 * for the vector forms below: where both minutiae are and how they point,
 * the local similarity, the indices and the rank key (see cand_emit). Vector
 * stores write whole vectors of 16: room for one more past the last. */
#define CAND_MAX (2 * RL_COMPARE_MAX_MINUTIAE)
#define CAND_ROOM (CAND_MAX + 16)

typedef struct {
  _Alignas (64) float ax[CAND_ROOM];
  float   ay[CAND_ROOM], ath[CAND_ROOM];
  float   bx[CAND_ROOM], by[CAND_ROOM], bth[CAND_ROOM];
  float   sim[CAND_ROOM];
  guint32 a[CAND_ROOM], b[CAND_ROOM];
  guint64 key[CAND_ROOM];
  guint   n;
} CandGeometry;

/* Stride (floats) between two candidate minutiae's columns of the AVX-512
 * path's similarity matrix, which is stored column by column. */
#define SIM_T_STRIDE(na) (((na) + 15u) / 16u * 16u)

/* Similarity of every probe descriptor with every candidate descriptor,
 * 1 - |a xor b| / (|a| + |b|), into sim (na × nb); each probe minutia's two
 * most alike candidate minutiae into top (the first of equals wins). This is
 * the hot loop: four xor + popcount per pair, no division. The portable
 * version; similarities_avx512() below computes the same, bit for bit. */
#define SIMILARITY_BODY                                                              \
  for (guint i = 0; i < a->n; i++)                                                   \
    {                                                                                \
      guint64 a0 = RL_CYL_WORD (a, i, 0), a1 = RL_CYL_WORD (a, i, 1);                \
      guint64 a2 = RL_CYL_WORD (a, i, 2), a3 = RL_CYL_WORD (a, i, 3);                \
      guint na = a->cyl_count[i];                                                    \
      float *row = sim + (gsize) i * b->n, best = 0, second = 0;                     \
      guint arg = 0, arg2 = 0;                                                       \
                                                                                     \
      for (guint j = 0; j < b->n; j++)                                               \
        {                                                                            \
          guint x = __builtin_popcountll (a0 ^ RL_CYL_WORD (b, j, 0))                \
                    + __builtin_popcountll (a1 ^ RL_CYL_WORD (b, j, 1))              \
                    + __builtin_popcountll (a2 ^ RL_CYL_WORD (b, j, 2))              \
                    + __builtin_popcountll (a3 ^ RL_CYL_WORD (b, j, 3));             \
          guint nb = b->cyl_count[j];                                                \
          float s = (na && nb) ? 1.0f - x * reciprocal[na + nb] : 0.0f;              \
                                                                                     \
          row[j] = s;                                                                \
          if (s > second)                                                            \
            {                                                                        \
              if (s > best)                                                          \
                second = best, arg2 = arg, best = s, arg = j;                        \
              else                                                                   \
                second = s, arg2 = j;                                                \
            }                                                                        \
        }                                                                            \
      top[2 * i] = (Candidate) { best, (guint8) i, (guint8) arg };                   \
      top[2 * i + 1] = (Candidate) { second, (guint8) i, (guint8) arg2 };            \
    }

static void
similarities_generic (const RlPreparedTemplate *a, const RlPreparedTemplate *b,
                      float *sim, Candidate *top)
{
  SIMILARITY_BODY
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RL_HAVE_X86_DISPATCH 1
#include <immintrin.h>

/* The same loop compiled for the POPCNT instruction, chosen at run time:
 * without it every popcount is a dozen instructions. */
__attribute__ ((target ("popcnt")))
static void
similarities_popcnt (const RlPreparedTemplate *a, const RlPreparedTemplate *b,
                     float *sim, Candidate *top)
{
  SIMILARITY_BODY
}

/* For CPUs with AVX2 but not AVX-512: the similarity loop of
 * similarities_avx512() on 8 probe minutiae (one block) per vector, each
 * lane keeping its own top-2 the same way; there is no vector popcount, so
 * the bits are counted a nibble at a time with a table lookup (VPSHUFB) and
 * summed per 64-bit word with VPSADBW (exact integers, so the same counts).
 * The float steps are the portable loop's, in the same order. Fills the
 * transposed matrix (sim[j · SIM_T_STRIDE (na) + i]) and the portable top-2
 * list (top[2i], top[2i + 1]), so the rest runs the portable code. */
__attribute__ ((target ("avx2,popcnt")))
static inline __m256i
popcount_bytes_avx2 (__m256i x)
{
  const __m256i table = _mm256_setr_epi8 (0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                          0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low4 = _mm256_set1_epi8 (0x0f);

  return _mm256_add_epi8 (_mm256_shuffle_epi8 (table, _mm256_and_si256 (x, low4)),
                          _mm256_shuffle_epi8 (table, _mm256_and_si256 (_mm256_srli_epi16 (x, 4), low4)));
}

__attribute__ ((target ("avx2,popcnt")))
static void
similarities_avx2 (const RlPreparedTemplate *a, const RlPreparedTemplate *b, float *sim, Candidate *top)
{
  const guint nb = b->n, stride = SIM_T_STRIDE (a->n);
  const guint n_blocks = (a->n + RL_CYL_LANES - 1) / RL_CYL_LANES;
  const __m256 one = _mm256_set1_ps (1.0f), zero = _mm256_setzero_ps ();
  const __m256i izero = _mm256_setzero_si256 ();
  /* the two halves' word sums, interleaved by the OR below, back in lane order */
  const __m256i unzip = _mm256_setr_epi32 (0, 2, 4, 6, 1, 3, 5, 7);

  for (guint blk = 0; blk < n_blocks; blk++)
    {
      const guint64 *c = a->cyl + (gsize) blk * RL_CYL_BLOCK;
      /* word w of lanes 0–3 and of lanes 4–7 */
      const __m256i lo0 = _mm256_load_si256 ((const __m256i *) c), hi0 = _mm256_load_si256 ((const __m256i *) (c + 4));
      const __m256i lo1 = _mm256_load_si256 ((const __m256i *) (c + 8)), hi1 = _mm256_load_si256 ((const __m256i *) (c + 12));
      const __m256i lo2 = _mm256_load_si256 ((const __m256i *) (c + 16)), hi2 = _mm256_load_si256 ((const __m256i *) (c + 20));
      const __m256i lo3 = _mm256_load_si256 ((const __m256i *) (c + 24)), hi3 = _mm256_load_si256 ((const __m256i *) (c + 28));
      const __m256i na8 = _mm256_cvtepu16_epi32 (_mm_loadu_si128 ((const __m128i *) (a->cyl_count + blk * RL_CYL_LANES)));
      /* an empty probe descriptor (and the padding) is similar to nothing */
      const __m256 a_nonempty = _mm256_castsi256_ps (_mm256_xor_si256 (_mm256_cmpeq_epi32 (na8, izero),
                                                                       _mm256_set1_epi32 (-1)));
      __m256 m1 = zero, m2 = zero;
      __m256i i1 = izero, i2 = izero;
      float *col = sim + blk * RL_CYL_LANES;
      float v1[8], v2[8];
      guint32 j1[8], j2[8];

      for (guint j = 0; j < nb; j++, col += stride)
        {
          const guint nbj = b->cyl_count[j];
          __m256i w, cl, ch, x, jv;
          __m256 r, s, gt1, gt2;

          if (nbj == 0)
            {
              /* similar to nothing; 0 never beats a lane's best or second */
              _mm256_storeu_ps (col, zero);
              continue;
            }
          w = _mm256_set1_epi64x ((long long) RL_CYL_WORD (b, j, 0));
          cl = popcount_bytes_avx2 (_mm256_xor_si256 (lo0, w));
          ch = popcount_bytes_avx2 (_mm256_xor_si256 (hi0, w));
          w = _mm256_set1_epi64x ((long long) RL_CYL_WORD (b, j, 1));
          cl = _mm256_add_epi8 (cl, popcount_bytes_avx2 (_mm256_xor_si256 (lo1, w)));
          ch = _mm256_add_epi8 (ch, popcount_bytes_avx2 (_mm256_xor_si256 (hi1, w)));
          w = _mm256_set1_epi64x ((long long) RL_CYL_WORD (b, j, 2));
          cl = _mm256_add_epi8 (cl, popcount_bytes_avx2 (_mm256_xor_si256 (lo2, w)));
          ch = _mm256_add_epi8 (ch, popcount_bytes_avx2 (_mm256_xor_si256 (hi2, w)));
          w = _mm256_set1_epi64x ((long long) RL_CYL_WORD (b, j, 3));
          cl = _mm256_add_epi8 (cl, popcount_bytes_avx2 (_mm256_xor_si256 (lo3, w)));
          ch = _mm256_add_epi8 (ch, popcount_bytes_avx2 (_mm256_xor_si256 (hi3, w)));
          /* ≤ 32 per byte; summed per 64-bit lane: ≤ 256 each */
          cl = _mm256_sad_epu8 (cl, izero);
          ch = _mm256_sad_epu8 (ch, izero);
          x = _mm256_permutevar8x32_epi32 (_mm256_or_si256 (cl, _mm256_slli_epi64 (ch, 32)), unzip);
          r = _mm256_div_ps (one, _mm256_cvtepi32_ps (_mm256_add_epi32 (na8, _mm256_set1_epi32 ((int) nbj))));
          s = _mm256_and_ps (_mm256_sub_ps (one, _mm256_mul_ps (_mm256_cvtepi32_ps (x), r)), a_nonempty);
          _mm256_storeu_ps (col, s);
          /* the portable loop's top-2 per lane (see similarities_avx512) */
          jv = _mm256_set1_epi32 ((int) j);
          gt1 = _mm256_cmp_ps (s, m1, _CMP_GT_OQ);
          gt2 = _mm256_cmp_ps (s, m2, _CMP_GT_OQ);
          i2 = _mm256_castps_si256 (_mm256_blendv_ps (_mm256_castsi256_ps (i2),
                                                      _mm256_blendv_ps (_mm256_castsi256_ps (jv), _mm256_castsi256_ps (i1), gt1),
                                                      gt2));
          i1 = _mm256_castps_si256 (_mm256_blendv_ps (_mm256_castsi256_ps (i1), _mm256_castsi256_ps (jv), gt1));
          m2 = _mm256_max_ps (m2, _mm256_min_ps (m1, s));
          m1 = _mm256_max_ps (m1, s);
        }
      _mm256_storeu_ps (v1, m1);
      _mm256_storeu_ps (v2, m2);
      _mm256_storeu_si256 ((__m256i *) j1, i1);
      _mm256_storeu_si256 ((__m256i *) j2, i2);
      for (guint l = 0; l < RL_CYL_LANES && blk * RL_CYL_LANES + l < a->n; l++)
        {
          guint i = blk * RL_CYL_LANES + l;

          top[2 * i] = (Candidate) { v1[l], (guint8) i, (guint8) j1[l] };
          top[2 * i + 1] = (Candidate) { v2[l], (guint8) i, (guint8) j2[l] };
        }
    }
}

#define AVX512_TARGET "avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq,popcnt"

__attribute__ ((target (AVX512_TARGET)))
static inline float
hmax256 (__m256 v)
{
  __m128 m = _mm_max_ps (_mm256_castps256_ps128 (v), _mm256_extractf128_ps (v, 1));

  m = _mm_max_ps (m, _mm_movehl_ps (m, m));
  m = _mm_max_ss (m, _mm_movehdup_ps (m));
  return _mm_cvtss_f32 (m);
}

/* Appends the lanes of k (probe minutiae aidx, candidate minutiae bidx,
 * similarity simv) to the candidate pairs, with their geometry and rank
 * key: candidate_before() as one integer — similarity first, descending (a
 * non-negative float's bits order like its value, reversed here), then
 * probe and candidate index. */
__attribute__ ((target (AVX512_TARGET)))
static inline void
cand_emit (CandGeometry *g, __mmask16 k, __m512 simv, __m512i aidx, __m512i bidx,
           __m512 ax, __m512 ay, __m512 ath, const RlPreparedTemplate *b)
{
  const guint n = g->n;
  __m512i ca, cb, ab, rev;

  if (k == 0)
    return;
  _mm512_storeu_ps (g->sim + n, _mm512_maskz_compress_ps (k, simv));
  _mm512_storeu_ps (g->ax + n, _mm512_maskz_compress_ps (k, ax));
  _mm512_storeu_ps (g->ay + n, _mm512_maskz_compress_ps (k, ay));
  _mm512_storeu_ps (g->ath + n, _mm512_maskz_compress_ps (k, ath));
  _mm512_storeu_ps (g->bx + n, _mm512_maskz_compress_ps (k, _mm512_mask_i32gather_ps (_mm512_setzero_ps (), k, bidx, b->x, 4)));
  _mm512_storeu_ps (g->by + n, _mm512_maskz_compress_ps (k, _mm512_mask_i32gather_ps (_mm512_setzero_ps (), k, bidx, b->y, 4)));
  _mm512_storeu_ps (g->bth + n, _mm512_maskz_compress_ps (k, _mm512_mask_i32gather_ps (_mm512_setzero_ps (), k, bidx, b->theta, 4)));
  ca = _mm512_maskz_compress_epi32 (k, aidx);
  cb = _mm512_maskz_compress_epi32 (k, bidx);
  _mm512_storeu_si512 (g->a + n, ca);
  _mm512_storeu_si512 (g->b + n, cb);
  ab = _mm512_or_si512 (_mm512_slli_epi32 (ca, 8), cb);
  rev = _mm512_xor_si512 (_mm512_castps_si512 (_mm512_maskz_compress_ps (k, simv)), _mm512_set1_epi32 (-1));
  _mm512_storeu_si512 (g->key + n,
                       _mm512_or_si512 (_mm512_slli_epi64 (_mm512_cvtepu32_epi64 (_mm512_castsi512_si256 (rev)), 16),
                                        _mm512_cvtepu32_epi64 (_mm512_castsi512_si256 (ab))));
  _mm512_storeu_si512 (g->key + n + 8,
                       _mm512_or_si512 (_mm512_slli_epi64 (_mm512_cvtepu32_epi64 (_mm512_extracti64x4_epi64 (rev, 1)), 16),
                                        _mm512_cvtepu32_epi64 (_mm512_extracti64x4_epi64 (ab, 1))));
  g->n = n + __builtin_popcount (k);
}

/* The same similarities and top-2 with the loops' roles swapped: 16 probe
 * minutiae side by side (two blocks of RL_CYL_LANES: one 512-bit load holds
 * the same word of 8 probe descriptors) against one candidate descriptor at
 * a time, broadcast. Each lane is one probe minutia and keeps its running
 * top-2 over the candidates in order, exactly as the portable loop keeps
 * the row's, so no reduction across lanes is needed at the end of a row
 * (that epilogue cost about as much as the row itself). The similarity is
 * computed with the same operations, in the same order (1 - x · (1/(na +
 * nb)), the reciprocal correctly rounded), and the matcher is compiled
 * without floating-point contraction, so the values are identical. The
 * matrix is stored transposed: sim[j · SIM_T_STRIDE (na) + i].
 * Instead of the top-2 list, the candidate pairs whose similarity reaches
 * sim_min go straight into g (in another order than the portable path's
 * list: the AVX-512 consolidation does not depend on it, see
 * consolidate_avx512). */
__attribute__ ((target (AVX512_TARGET)))
static void
similarities_avx512 (const RlPreparedTemplate *a, const RlPreparedTemplate *b,
                     float sim_min, float *sim, CandGeometry *g)
{
  const __m512i iota = _mm512_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512 gate = _mm512_set1_ps (sim_min);
  static const _Alignas (64) guint64 empty_block[RL_CYL_BLOCK] = { 0 };
  static const guint16 empty_counts[RL_CYL_LANES] = { 0 };
  const guint nb = b->n, stride = SIM_T_STRIDE (a->n);
  const guint n_blocks = (a->n + RL_CYL_LANES - 1) / RL_CYL_LANES;
  const __m512 one = _mm512_set1_ps (1.0f), zero = _mm512_setzero_ps ();

  g->n = 0;
  for (guint blk = 0; blk < n_blocks; blk += 2)
    {
      /* probe minutiae blk·8 … blk·8+15; a missing second block is empty */
      const guint64 *c0 = a->cyl + (gsize) blk * RL_CYL_BLOCK;
      const guint64 *c1 = blk + 1 < n_blocks ? c0 + RL_CYL_BLOCK : empty_block;
      const guint16 *n1 = blk + 1 < n_blocks ? a->cyl_count + (blk + 1) * RL_CYL_LANES : empty_counts;
      const __m512i p0 = _mm512_load_si512 (c0), p1 = _mm512_load_si512 (c0 + 8);
      const __m512i p2 = _mm512_load_si512 (c0 + 16), p3 = _mm512_load_si512 (c0 + 24);
      const __m512i q0 = _mm512_load_si512 (c1), q1 = _mm512_load_si512 (c1 + 8);
      const __m512i q2 = _mm512_load_si512 (c1 + 16), q3 = _mm512_load_si512 (c1 + 24);
      const __m512i na16 = _mm512_inserti64x4 (
          _mm512_castsi256_si512 (_mm256_cvtepu16_epi32 (_mm_loadu_si128 ((const __m128i *) (a->cyl_count + blk * RL_CYL_LANES)))),
          _mm256_cvtepu16_epi32 (_mm_loadu_si128 ((const __m128i *) n1)), 1);
      /* an empty probe descriptor (and the padding) is similar to nothing */
      const __mmask16 a_nonempty = _mm512_test_epi32_mask (na16, na16);
      __m512 m1 = zero, m2 = zero;
      __m512i i1 = _mm512_setzero_si512 (), i2 = _mm512_setzero_si512 ();
      float *col = sim + blk * RL_CYL_LANES;
      const guint first = blk * RL_CYL_LANES;
      const __mmask16 valid = a->n - first >= 16 ? 0xffff : (__mmask16) ((1u << (a->n - first)) - 1);
      __m512 ax, ay, ath;
      __m512i aidx;

      if (blk + 1 < n_blocks)
        {
        for (guint j = 0; j < nb; j++, col += stride)
          {
            const guint nbj = b->cyl_count[j];
            const __m512i w0 = _mm512_set1_epi64 ((long long) RL_CYL_WORD (b, j, 0));
            const __m512i w1 = _mm512_set1_epi64 ((long long) RL_CYL_WORD (b, j, 1));
            const __m512i w2 = _mm512_set1_epi64 ((long long) RL_CYL_WORD (b, j, 2));
            const __m512i w3 = _mm512_set1_epi64 ((long long) RL_CYL_WORD (b, j, 3));
            __m512i x, y, jv;
            __m512 r, sv;
            __mmask16 gt1, gt2;

            if (nbj == 0)
              {
                /* an empty candidate descriptor is similar to nothing; 0 never
                 * beats a lane's best or second (both ≥ 0) */
                _mm512_storeu_ps (col, zero);
                continue;
              }
            x = _mm512_popcnt_epi64 (_mm512_xor_si512 (p0, w0));
            y = _mm512_popcnt_epi64 (_mm512_xor_si512 (q0, w0));
            x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (p1, w1)));
            y = _mm512_add_epi64 (y, _mm512_popcnt_epi64 (_mm512_xor_si512 (q1, w1)));
            x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (p2, w2)));
            y = _mm512_add_epi64 (y, _mm512_popcnt_epi64 (_mm512_xor_si512 (q2, w2)));
            x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (p3, w3)));
            y = _mm512_add_epi64 (y, _mm512_popcnt_epi64 (_mm512_xor_si512 (q3, w3)));
            x = _mm512_inserti64x4 (_mm512_castsi256_si512 (_mm512_cvtepi64_epi32 (x)), _mm512_cvtepi64_epi32 (y), 1);
            r = _mm512_div_ps (one, _mm512_cvtepi32_ps (_mm512_add_epi32 (na16, _mm512_set1_epi32 ((int) nbj))));
            sv = _mm512_maskz_sub_ps (a_nonempty, one, _mm512_mul_ps (_mm512_cvtepi32_ps (x), r));
            _mm512_storeu_ps (col, sv);
            /* per lane as in the portable loop: a value larger than the best
             * takes its place (the old best becomes second), one larger than
             * the second only the second's; equals keep the first. Values are
             * ≥ 0 and never NaN, so max/min give the same values. */
            jv = _mm512_set1_epi32 ((int) j);
            gt1 = _mm512_cmp_ps_mask (sv, m1, _CMP_GT_OQ);
            gt2 = _mm512_cmp_ps_mask (sv, m2, _CMP_GT_OQ);
            i2 = _mm512_mask_mov_epi32 (i2, gt2, _mm512_mask_mov_epi32 (jv, gt1, i1));
            i1 = _mm512_mask_mov_epi32 (i1, gt1, jv);
            m2 = _mm512_max_ps (m2, _mm512_min_ps (m1, sv));
            m1 = _mm512_max_ps (m1, sv);
          }
        }
      else
        {
          /* the last of an odd number of blocks: the same steps on its 8
           * lanes alone (half the work of 16 with 8 empty) */
          const __m256i na8 = _mm512_castsi512_si256 (na16);
          const __mmask8 a_nonempty8 = (__mmask8) a_nonempty;
          const __m256 one8 = _mm256_set1_ps (1.0f), zero8 = _mm256_setzero_ps ();
          __m256 h1 = zero8, h2 = zero8;
          __m256i k1 = _mm256_setzero_si256 (), k2 = _mm256_setzero_si256 ();

          for (guint j = 0; j < nb; j++, col += stride)
            {
              const guint nbj = b->cyl_count[j];
              __m512i x;
              __m256i jv;
              __m256 r, sv;
              __mmask8 gt1, gt2;

              if (nbj == 0)
                {
                  _mm256_storeu_ps (col, zero8);
                  continue;
                }
              x = _mm512_popcnt_epi64 (_mm512_xor_si512 (p0, _mm512_set1_epi64 ((long long) RL_CYL_WORD (b, j, 0))));
              x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (p1, _mm512_set1_epi64 ((long long) RL_CYL_WORD (b, j, 1)))));
              x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (p2, _mm512_set1_epi64 ((long long) RL_CYL_WORD (b, j, 2)))));
              x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (p3, _mm512_set1_epi64 ((long long) RL_CYL_WORD (b, j, 3)))));
              r = _mm256_div_ps (one8, _mm256_cvtepi32_ps (_mm256_add_epi32 (na8, _mm256_set1_epi32 ((int) nbj))));
              sv = _mm256_maskz_sub_ps (a_nonempty8, one8, _mm256_mul_ps (_mm256_cvtepi32_ps (_mm512_cvtepi64_epi32 (x)), r));
              _mm256_storeu_ps (col, sv);
              jv = _mm256_set1_epi32 ((int) j);
              gt1 = _mm256_cmp_ps_mask (sv, h1, _CMP_GT_OQ);
              gt2 = _mm256_cmp_ps_mask (sv, h2, _CMP_GT_OQ);
              k2 = _mm256_mask_mov_epi32 (k2, gt2, _mm256_mask_mov_epi32 (jv, gt1, k1));
              k1 = _mm256_mask_mov_epi32 (k1, gt1, jv);
              h2 = _mm256_max_ps (h2, _mm256_min_ps (h1, sv));
              h1 = _mm256_max_ps (h1, sv);
            }
          m1 = _mm512_zextps256_ps512 (h1);
          m2 = _mm512_zextps256_ps512 (h2);
          i1 = _mm512_zextsi256_si512 (k1);
          i2 = _mm512_zextsi256_si512 (k2);
        }
      /* each lane's best, then its second, if alike enough */
      aidx = _mm512_add_epi32 (_mm512_set1_epi32 ((int) first), iota);
      ax = _mm512_maskz_loadu_ps (valid, a->x + first);
      ay = _mm512_maskz_loadu_ps (valid, a->y + first);
      ath = _mm512_maskz_loadu_ps (valid, a->theta + first);
      cand_emit (g, valid & _mm512_cmp_ps_mask (m1, gate, _CMP_GE_OQ), m1, aidx, i1, ax, ay, ath, b);
      cand_emit (g, valid & _mm512_cmp_ps_mask (m2, gate, _CMP_GE_OQ), m2, aidx, i2, ax, ay, ath, b);
    }
  /* the padding of the last vector: zeros, not what the stack held */
  _mm512_storeu_ps (g->ax + g->n, zero);
  _mm512_storeu_ps (g->ay + g->n, zero);
  _mm512_storeu_ps (g->ath + g->n, zero);
  _mm512_storeu_ps (g->bx + g->n, zero);
  _mm512_storeu_ps (g->by + g->n, zero);
  _mm512_storeu_ps (g->bth + g->n, zero);
}
#endif

/* ---- Consolidation ------------------------------------------------------- */

/* Shell sorts for the short lists below (a few dozen to a few hundred
 * entries): qsort's indirect calls and scratch allocation cost more than
 * the sorting itself here. */
static const guint shell_gaps[] = { 57, 23, 10, 4, 1 };

#define SHELL_SORT(type, array, n, before)                                           \
  for (guint g_ = 0; g_ < G_N_ELEMENTS (shell_gaps); g_++)                           \
    for (guint i_ = shell_gaps[g_]; i_ < (n); i_++)                                  \
      {                                                                              \
        type v_ = (array)[i_];                                                       \
        guint j_ = i_;                                                               \
                                                                                     \
        for (; j_ >= shell_gaps[g_] && before (&v_, &(array)[j_ - shell_gaps[g_]]); j_ -= shell_gaps[g_]) \
          (array)[j_] = (array)[j_ - shell_gaps[g_]];                                \
        (array)[j_] = v_;                                                            \
      }

typedef struct {
  float  cost;
  guint8 a, b;
} Match;

typedef struct {
  guint8 a[RL_COMPARE_MAX_MINUTIAE];
  guint8 b[RL_COMPARE_MAX_MINUTIAE];
  float  sim[RL_COMPARE_MAX_MINUTIAE];
  guint  n;
  float  weight;
} Pairing;

/* A rigid motion of the probe into the candidate's frame. */
typedef struct {
  float cos_r, sin_r, rot;
  float tx, ty;
} Transform;

static inline void
transform_apply (const Transform *t, float x, float y, float *ox, float *oy)
{
  *ox = t->cos_r * x - t->sin_r * y + t->tx;
  *oy = t->sin_r * x + t->cos_r * y + t->ty;
}

/* First candidate minutia with y ≥ v (they are sorted by y). */
static inline guint
lower_bound (const float *y, guint n, float v)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (y[mid] < v)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

typedef struct {
  const RlPreparedTemplate *a, *b;
  const float *sim;
  /* sim[i · sim_si + j · sim_sj]: row by row (portable and POPCNT loops) or
   * column by column (the vector loops: sim_si 1, sim_sj SIM_T_STRIDE) */
  guint sim_si, sim_sj;
  float ax[RL_COMPARE_MAX_MINUTIAE], ay[RL_COMPARE_MAX_MINUTIAE];   /* probe, moved */
  Match matches[4 * RL_COMPARE_MAX_MINUTIAE];
  guint64 match_keys[4 * RL_COMPARE_MAX_MINUTIAE];   /* the vector pair_up's, match_key() */
  guint64 match_sorted[4 * RL_COMPARE_MAX_MINUTIAE];
} Scratch;

static inline gboolean
match_before (const Match *x, const Match *y)
{
  if (x->cost != y->cost)
    return x->cost < y->cost;
  if (x->a != y->a)
    return x->a < y->a;
  return x->b < y->b;
}

/* Pairs probe minutiae, moved by t, with candidate minutiae that lie within
 * a tolerance growing with the distance from (cx, cy) — skin stretches more
 * far from where it is pressed — and point the same way; closest and most
 * alike first, each minutia at most once. */
static void
pair_up (Scratch *s, const Transform *t, float cx, float cy, float tol0, float growth, float sim_gate,
         const RlCompareParams *params, Pairing *out)
{
  const RlPreparedTemplate *a = s->a, *b = s->b;
  const double angle_tol = params->angle_tol;
  const float weight_floor = params->pair_weight_floor;
  guint8 used_a[RL_COMPARE_MAX_MINUTIAE] = { 0 }, used_b[RL_COMPARE_MAX_MINUTIAE] = { 0 };
  guint n_matches = 0;

  out->n = 0;
  out->weight = 0;
  for (guint i = 0; i < a->n; i++)
    {
      float px, py, rx, ry, tol, theta;

      transform_apply (t, a->x[i], a->y[i], &px, &py);
      s->ax[i] = px;
      s->ay[i] = py;
      rx = px - cx;
      ry = py - cy;
      tol = tol0 + growth * sqrtf (rx * rx + ry * ry);
      theta = a->theta[i] + t->rot;
      for (guint j = lower_bound (b->y, b->n, py - tol); j < b->n && b->y[j] <= py + tol; j++)
        {
          float ex = px - b->x[j], ey = py - b->y[j], d2 = ex * ex + ey * ey, ad, sm;

          if (d2 > tol * tol)
            continue;
          ad = angle_distance (theta, b->theta[j]);
          if (ad > angle_tol)
            continue;
          sm = s->sim[i * s->sim_si + j * s->sim_sj];
          if (sm < sim_gate)
            continue;
          if (n_matches < G_N_ELEMENTS (s->matches))
            s->matches[n_matches++] = (Match) { sqrtf (d2) / tol + ad / angle_tol - 2.0f * sm, (guint8) i, (guint8) j };
        }
    }
  SHELL_SORT (Match, s->matches, n_matches, match_before);
  for (guint k = 0; k < n_matches; k++)
    {
      const Match *m = &s->matches[k];
      float sm;

      if (used_a[m->a] || used_b[m->b])
        continue;
      used_a[m->a] = used_b[m->b] = 1;
      sm = s->sim[m->a * s->sim_si + m->b * s->sim_sj];
      out->a[out->n] = m->a;
      out->b[out->n] = m->b;
      out->sim[out->n] = sm;
      out->weight += weight_floor + sm;
      out->n++;
    }
}

/* Least-squares rigid transform from the pairs (2-D Procrustes), weighted
 * by local similarity; (cx, cy) gets the pairs' centre in the candidate. */
static void
fit_transform (const RlPreparedTemplate *a, const RlPreparedTemplate *b, const Pairing *pg, Transform *t,
               float *cx, float *cy)
{
  float max = 0, may = 0, mbx = 0, mby = 0, wsum = 0, sxx = 0, sxy = 0;

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
  t->rot = atan2f (sxy, sxx);
  t->cos_r = cosf (t->rot);
  t->sin_r = sinf (t->rot);
  t->tx = mbx - (t->cos_r * max - t->sin_r * may);
  t->ty = mby - (t->sin_r * max + t->cos_r * may);
  *cx = mbx;
  *cy = mby;
}

static inline gboolean
candidate_before (const Candidate *x, const Candidate *y)
{
  if (x->sim != y->sim)
    return x->sim > y->sim;
  if (x->a != y->a)
    return x->a < y->a;
  return x->b < y->b;
}

/* Greedy pairing along one seed over the candidate pairs (each probe
 * minutia's two most alike), in order of local similarity: a pair joins
 * when it lands near its mate, within a tolerance that grows with the
 * distance from the seed. Cheap: it only tells which seed is right. */
static void
consolidate_seed (const RlPreparedTemplate *a, const RlPreparedTemplate *b,
                  const Candidate *cands, guint n_cands, const Candidate *seed,
                  const RlCompareParams *params, Pairing *out)
{
  const float tol0 = params->seed_dist_tol, growth = params->seed_dist_growth;
  const float weight_floor = params->pair_weight_floor;
  const double angle_tol = params->angle_tol;
  guint8 used_a[RL_COMPARE_MAX_MINUTIAE] = { 0 }, used_b[RL_COMPARE_MAX_MINUTIAE] = { 0 };
  float rot = b->theta[seed->b] - a->theta[seed->a];
  float c = cosf (rot), s = sinf (rot);
  float ax0 = a->x[seed->a], ay0 = a->y[seed->a], bx0 = b->x[seed->b], by0 = b->y[seed->b];

  out->n = 0;
  out->weight = 0;
  for (guint k = 0; k < n_cands; k++)
    {
      const Candidate *cd = &cands[k];
      float ux, uy, ex, ey, rx, ry, tol;

      if (used_a[cd->a] || used_b[cd->b])
        continue;
      ux = a->x[cd->a] - ax0;
      uy = a->y[cd->a] - ay0;
      rx = b->x[cd->b] - bx0;
      ry = b->y[cd->b] - by0;
      ex = c * ux - s * uy - rx;
      ey = s * ux + c * uy - ry;
      tol = tol0 + growth * sqrtf (rx * rx + ry * ry);
      if (ex * ex + ey * ey > tol * tol)
        continue;
      if (angle_distance (a->theta[cd->a] + rot, b->theta[cd->b]) > angle_tol)
        continue;
      used_a[cd->a] = used_b[cd->b] = 1;
      out->a[out->n] = cd->a;
      out->b[out->n] = cd->b;
      out->sim[out->n] = cd->sim;
      out->n++;
      out->weight += weight_floor + cd->sim;
    }
}

#ifdef RL_HAVE_X86_DISPATCH
/* angle_distance() for 16 angle pairs, same operations: |difference| < 4π
 * (plus rounding) here, so at most two turns off, then folded into [0, π]. */
__attribute__ ((target (AVX512_TARGET)))
static inline __m512
angle_distance16 (__m512 a, __m512 b)
{
  const __m512 two_pi = _mm512_set1_ps (2.0f * (float) G_PI), pi = _mm512_set1_ps ((float) G_PI);
  __m512 d = _mm512_and_ps (_mm512_sub_ps (a, b), _mm512_castsi512_ps (_mm512_set1_epi32 (0x7fffffff)));

  d = _mm512_mask_sub_ps (d, _mm512_cmp_ps_mask (d, two_pi, _CMP_GT_OQ), d, two_pi);
  d = _mm512_mask_sub_ps (d, _mm512_cmp_ps_mask (d, two_pi, _CMP_GT_OQ), d, two_pi);
  return _mm512_mask_sub_ps (d, _mm512_cmp_ps_mask (d, pi, _CMP_GT_OQ), two_pi, d);
}

/* The most keys sorted at once: the final pairing's matches (up to 512 in
 * a dense print, not only the candidate pairs' 256). */
#define SORT_KEYS_MAX (4 * RL_COMPARE_MAX_MINUTIAE)
G_STATIC_ASSERT (CAND_ROOM <= SORT_KEYS_MAX);
G_STATIC_ASSERT (sizeof (((Scratch *) NULL)->match_keys) <= SORT_KEYS_MAX * sizeof (guint64));

/* Writes the n keys (n ≤ SORT_KEYS_MAX) to sorted, in ascending order,
 * without a branch on their values: a key's place is how many keys are
 * smaller, or equal and earlier (8 comparisons per instruction). O(n²/8),
 * and n is a handful to a few dozen here. */
__attribute__ ((target (AVX512_TARGET)))
static inline void
sort_keys_avx512 (const guint64 *keys, guint n, guint64 *sorted)
{
  __m512i v[SORT_KEYS_MAX / 8];
  const guint nv = (n + 7) / 8;

  for (guint q = 0; q < nv; q++)
    {
      guint left = n - 8 * q;

      /* the padding: the largest key, counted as later than any */
      v[q] = _mm512_mask_loadu_epi64 (_mm512_set1_epi64 (-1), left >= 8 ? 0xff : (__mmask8) ((1u << left) - 1), keys + 8 * q);
    }
  for (guint k = 0; k < n; k++)
    {
      const __m512i kk = _mm512_set1_epi64 ((long long) keys[k]);
      guint rank = 0;

      for (guint q = 0; q < nv; q++)
        {
          /* the lanes before key k */
          guint earlier = k >= 8 * q + 8 ? 0xff : k > 8 * q ? (1u << (k - 8 * q)) - 1 : 0;

          rank += __builtin_popcount (_mm512_cmplt_epu64_mask (v[q], kk)
                                      | (_mm512_cmpeq_epu64_mask (v[q], kk) & earlier));
        }
      sorted[rank] = keys[k];
    }
}

/* consolidate_seed() over the candidate pairs in any order: the geometric
 * test — where a pair lands and how it points, seen from the seed — for 16
 * pairs per step with the same operations in the same order (so the same
 * decisions); only the pairs that pass (a handful) are put in rank order
 * (their keys) and go through the sequential part, which keeps each minutia
 * to one pair. The same pairing as consolidate_seed() on the sorted list,
 * without sorting the whole list for every comparison. */
__attribute__ ((target (AVX512_TARGET)))
static void
consolidate_avx512 (const CandGeometry *g, guint seed, const RlCompareParams *params, Pairing *out)
{
  const guint n_cands = g->n;
  const float weight_floor = params->pair_weight_floor;
  guint8 used_a[RL_COMPARE_MAX_MINUTIAE] = { 0 }, used_b[RL_COMPARE_MAX_MINUTIAE] = { 0 };
  const float rot = g->bth[seed] - g->ath[seed];
  const __m512 c = _mm512_set1_ps (cosf (rot)), s = _mm512_set1_ps (sinf (rot)), vrot = _mm512_set1_ps (rot);
  const __m512 ax0 = _mm512_set1_ps (g->ax[seed]), ay0 = _mm512_set1_ps (g->ay[seed]);
  const __m512 bx0 = _mm512_set1_ps (g->bx[seed]), by0 = _mm512_set1_ps (g->by[seed]);
  const __m512 tol0 = _mm512_set1_ps (params->seed_dist_tol), growth = _mm512_set1_ps (params->seed_dist_growth);
  const __m512 angle_tol = _mm512_set1_ps (params->angle_tol);
  guint64 pass_keys[CAND_ROOM], sorted[CAND_ROOM];
  guint n_pass = 0;

  for (guint k0 = 0; k0 < n_cands; k0 += 16)
    {
      __m512 ux = _mm512_sub_ps (_mm512_load_ps (g->ax + k0), ax0);
      __m512 uy = _mm512_sub_ps (_mm512_load_ps (g->ay + k0), ay0);
      __m512 rx = _mm512_sub_ps (_mm512_load_ps (g->bx + k0), bx0);
      __m512 ry = _mm512_sub_ps (_mm512_load_ps (g->by + k0), by0);
      __m512 ex = _mm512_sub_ps (_mm512_sub_ps (_mm512_mul_ps (c, ux), _mm512_mul_ps (s, uy)), rx);
      __m512 ey = _mm512_sub_ps (_mm512_add_ps (_mm512_mul_ps (s, ux), _mm512_mul_ps (c, uy)), ry);
      __m512 tol = _mm512_add_ps (tol0, _mm512_mul_ps (growth, _mm512_sqrt_ps (_mm512_add_ps (_mm512_mul_ps (rx, rx),
                                                                                             _mm512_mul_ps (ry, ry)))));
      __m512 e2 = _mm512_add_ps (_mm512_mul_ps (ex, ex), _mm512_mul_ps (ey, ey));
      __m512 d = angle_distance16 (_mm512_add_ps (_mm512_load_ps (g->ath + k0), vrot), _mm512_load_ps (g->bth + k0));
      __mmask16 pass = n_cands - k0 >= 16 ? 0xffff : (__mmask16) ((1u << (n_cands - k0)) - 1);

      pass &= _mm512_cmp_ps_mask (e2, _mm512_mul_ps (tol, tol), _CMP_NGT_UQ);
      pass &= _mm512_cmp_ps_mask (d, angle_tol, _CMP_NGT_UQ);
      /* the passing pairs' keys, packed (a key holds all the sequential
       * part needs: similarity, probe and candidate index) */
      _mm512_storeu_si512 (pass_keys + n_pass, _mm512_maskz_compress_epi64 ((__mmask8) pass, _mm512_load_si512 (g->key + k0)));
      n_pass += __builtin_popcount (pass & 0xff);
      _mm512_storeu_si512 (pass_keys + n_pass, _mm512_maskz_compress_epi64 ((__mmask8) (pass >> 8), _mm512_load_si512 (g->key + k0 + 8)));
      n_pass += __builtin_popcount (pass >> 8);
    }
  sort_keys_avx512 (pass_keys, n_pass, sorted);

  out->n = 0;
  out->weight = 0;
  for (guint p = 0; p < n_pass; p++)
    {
      const guint ia = (sorted[p] >> 8) & 0xff, ib = sorted[p] & 0xff;
      const guint32 bits = ~(guint32) (sorted[p] >> 16);
      float sim;

      if (used_a[ia] || used_b[ib])
        continue;
      used_a[ia] = used_b[ib] = 1;
      memcpy (&sim, &bits, sizeof sim);
      out->a[out->n] = (guint8) ia;
      out->b[out->n] = (guint8) ib;
      out->sim[out->n] = sim;
      out->n++;
      out->weight += weight_floor + sim;
    }
}

/* A match's place in pair_up()'s order (match_before) as one integer: the
 * cost's bits made to order like its value (negative ones reversed; a zero
 * of either sign as +0, which compares equal to -0), then probe and
 * candidate index. */
static inline guint64
match_key (float cost, guint a, guint b)
{
  guint32 bits;

  cost += 0.0f;   /* -0 → +0 */
  memcpy (&bits, &cost, sizeof bits);
  bits = (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
  return ((guint64) bits << 16) | (a << 8) | b;
}

/* pair_up() with the search for each probe minutia's mates done 16
 * candidate minutiae at a time: every probe minutia moved, its tolerance
 * and window computed 16 at a time first (the same operations, so the same
 * values), then the same window in y, the same distance and angle tests
 * against the blocks of 16 candidate minutiae that reach into the window.
 * The pairs that pass get
 * their cost exactly as pair_up() computes it, in the same order, and are
 * ordered as pair_up() orders them, by an integer key (match_key). */
__attribute__ ((target (AVX512_TARGET)))
static void
pair_up_avx512 (Scratch *s, const Transform *t, float cx, float cy, float tol0, float growth, float sim_gate,
                const RlCompareParams *params, Pairing *out)
{
  const RlPreparedTemplate *a = s->a, *b = s->b;
  const double angle_tol = params->angle_tol;
  const __m512 vangle_tol = _mm512_set1_ps (params->angle_tol);
  const float weight_floor = params->pair_weight_floor;
  guint8 used_a[RL_COMPARE_MAX_MINUTIAE] = { 0 }, used_b[RL_COMPARE_MAX_MINUTIAE] = { 0 };
  _Alignas (64) float tol_of[RL_COMPARE_MAX_MINUTIAE + 16], theta_of[RL_COMPARE_MAX_MINUTIAE + 16];
  guint64 *keys = s->match_keys, *sorted = s->match_sorted;
  const guint na = a->n, nb = b->n;
  guint n_matches = 0;

  out->n = 0;
  out->weight = 0;
  {
    const __m512 c = _mm512_set1_ps (t->cos_r), sn = _mm512_set1_ps (t->sin_r);
    const __m512 tx = _mm512_set1_ps (t->tx), ty = _mm512_set1_ps (t->ty), rot = _mm512_set1_ps (t->rot);
    const __m512 vcx = _mm512_set1_ps (cx), vcy = _mm512_set1_ps (cy);
    const __m512 vtol0 = _mm512_set1_ps (tol0), vgrowth = _mm512_set1_ps (growth);

    for (guint i0 = 0; i0 < na; i0 += 16)
      {
        const __mmask16 m = na - i0 >= 16 ? 0xffff : (__mmask16) ((1u << (na - i0)) - 1);
        const __m512 x = _mm512_maskz_loadu_ps (m, a->x + i0), y = _mm512_maskz_loadu_ps (m, a->y + i0);
        /* transform_apply(), then the tolerance as in pair_up() */
        const __m512 px = _mm512_add_ps (_mm512_sub_ps (_mm512_mul_ps (c, x), _mm512_mul_ps (sn, y)), tx);
        const __m512 py = _mm512_add_ps (_mm512_add_ps (_mm512_mul_ps (sn, x), _mm512_mul_ps (c, y)), ty);
        const __m512 rx = _mm512_sub_ps (px, vcx), ry = _mm512_sub_ps (py, vcy);
        const __m512 tol = _mm512_add_ps (vtol0, _mm512_mul_ps (vgrowth, _mm512_sqrt_ps (_mm512_add_ps (_mm512_mul_ps (rx, rx),
                                                                                                   _mm512_mul_ps (ry, ry)))));

        _mm512_storeu_ps (s->ax + i0, px);
        _mm512_storeu_ps (s->ay + i0, py);
        _mm512_store_ps (tol_of + i0, tol);
        _mm512_store_ps (theta_of + i0, _mm512_add_ps (_mm512_maskz_loadu_ps (m, a->theta + i0), rot));
      }
  }

  for (guint i = 0; i < na; i++)
    {
      const float px = s->ax[i], py = s->ay[i], tol = tol_of[i], theta = theta_of[i];
      const __m512 vpx = _mm512_set1_ps (px), vpy = _mm512_set1_ps (py), vtheta = _mm512_set1_ps (theta);
      const __m512 lo = _mm512_set1_ps (py - tol), hi = _mm512_set1_ps (py + tol), tol2 = _mm512_set1_ps (tol * tol);

      for (guint j0 = 0; j0 < nb; j0 += 16)
        {
          __mmask16 pass = nb - j0 >= 16 ? 0xffff : (__mmask16) ((1u << (nb - j0)) - 1);
          __m512 by, bx, ex, ey, d2;

          /* b is sorted by y: skip blocks below the window, stop above it */
          if (b->y[MIN (j0 + 15, nb - 1)] < py - tol)
            continue;
          if (b->y[j0] > py + tol)
            break;
          by = _mm512_maskz_loadu_ps (pass, b->y + j0);
          bx = _mm512_maskz_loadu_ps (pass, b->x + j0);
          ex = _mm512_sub_ps (vpx, bx);
          ey = _mm512_sub_ps (vpy, by);
          d2 = _mm512_add_ps (_mm512_mul_ps (ex, ex), _mm512_mul_ps (ey, ey));

          pass = _mm512_mask_cmp_ps_mask (pass, by, lo, _CMP_GE_OQ);
          pass = _mm512_mask_cmp_ps_mask (pass, by, hi, _CMP_LE_OQ);
          pass = _mm512_mask_cmp_ps_mask (pass, d2, tol2, _CMP_NGT_UQ);
          pass = _mm512_mask_cmp_ps_mask (pass, angle_distance16 (vtheta, _mm512_maskz_loadu_ps (pass, b->theta + j0)),
                                          vangle_tol, _CMP_NGT_UQ);
          for (; pass; pass &= pass - 1)
            {
              guint j = j0 + __builtin_ctz (pass);
              float exs = px - b->x[j], eys = py - b->y[j], d2s = exs * exs + eys * eys;
              float ad = angle_distance (theta, b->theta[j]);
              float sm = s->sim[j * s->sim_sj + i];

              if (sm < sim_gate)
                continue;
              if (n_matches < G_N_ELEMENTS (s->match_keys))
                keys[n_matches++] = match_key (sqrtf (d2s) / tol + ad / angle_tol - 2.0f * sm, i, j);
            }
        }
    }
  sort_keys_avx512 (keys, n_matches, sorted);
  for (guint k = 0; k < n_matches; k++)
    {
      const guint ia = (sorted[k] >> 8) & 0xff, ib = sorted[k] & 0xff;
      float sm;

      if (used_a[ia] || used_b[ib])
        continue;
      used_a[ia] = used_b[ib] = 1;
      sm = s->sim[ib * s->sim_sj + ia];
      out->a[out->n] = (guint8) ia;
      out->b[out->n] = (guint8) ib;
      out->sim[out->n] = sm;
      out->weight += weight_floor + sm;
      out->n++;
    }
}

/* ---- AVX2 forms of consolidation and final pairing --------------------------
 * The AVX-512 forms above, 8 lanes wide, for CPUs without AVX-512: the same
 * operations in the same order, so the same decisions and the same scores
 * (test compare-simd). AVX2 has neither mask registers nor compress: lane
 * masks are compare results turned into bits (VMOVMSKPS), and the pairs
 * that pass are picked out of those bits. */

/* The candidate pairs' geometry and keys from the portable top-2 list (what
 * the AVX-512 similarity loop writes directly); padded with zeros. */
static void
cand_geometry_fill (CandGeometry *g, const RlPreparedTemplate *a, const RlPreparedTemplate *b,
                    const Candidate *cands, guint n_cands)
{
  for (guint k = 0; k < n_cands; k++)
    {
      const Candidate *c = &cands[k];
      guint32 bits;

      g->ax[k] = a->x[c->a];
      g->ay[k] = a->y[c->a];
      g->ath[k] = a->theta[c->a];
      g->bx[k] = b->x[c->b];
      g->by[k] = b->y[c->b];
      g->bth[k] = b->theta[c->b];
      g->sim[k] = c->sim;
      g->a[k] = c->a;
      g->b[k] = c->b;
      /* as cand_emit() makes it */
      memcpy (&bits, &c->sim, sizeof bits);
      g->key[k] = ((guint64) ~bits << 16) | ((guint64) c->a << 8) | c->b;
    }
  for (guint k = n_cands; k < n_cands + 16; k++)
    g->ax[k] = g->ay[k] = g->ath[k] = g->bx[k] = g->by[k] = g->bth[k] = 0.0f;
  g->n = n_cands;
}

/* Insertion sort into sorted (a handful of keys, distinct). */
static inline void
sort_keys_scalar (const guint64 *keys, guint n, guint64 *sorted)
{
  for (guint i = 0; i < n; i++)
    {
      guint64 k = keys[i];
      guint j = i;

      for (; j > 0 && sorted[j - 1] > k; j--)
        sorted[j] = sorted[j - 1];
      sorted[j] = k;
    }
}

/* angle_distance16() 8 lanes wide. */
__attribute__ ((target ("avx2,popcnt")))
static inline __m256
angle_distance8 (__m256 a, __m256 b)
{
  const __m256 two_pi = _mm256_set1_ps (2.0f * (float) G_PI), pi = _mm256_set1_ps ((float) G_PI);
  __m256 d = _mm256_and_ps (_mm256_sub_ps (a, b), _mm256_castsi256_ps (_mm256_set1_epi32 (0x7fffffff)));

  d = _mm256_blendv_ps (d, _mm256_sub_ps (d, two_pi), _mm256_cmp_ps (d, two_pi, _CMP_GT_OQ));
  d = _mm256_blendv_ps (d, _mm256_sub_ps (d, two_pi), _mm256_cmp_ps (d, two_pi, _CMP_GT_OQ));
  return _mm256_blendv_ps (d, _mm256_sub_ps (two_pi, d), _mm256_cmp_ps (d, pi, _CMP_GT_OQ));
}

/* consolidate_avx512(), 8 candidate pairs per step. */
__attribute__ ((target ("avx2,popcnt")))
static void
consolidate_avx2 (const CandGeometry *g, guint seed, const RlCompareParams *params, Pairing *out)
{
  const guint n_cands = g->n;
  const float weight_floor = params->pair_weight_floor;
  guint8 used_a[RL_COMPARE_MAX_MINUTIAE] = { 0 }, used_b[RL_COMPARE_MAX_MINUTIAE] = { 0 };
  const float rot = g->bth[seed] - g->ath[seed];
  const __m256 c = _mm256_set1_ps (cosf (rot)), s = _mm256_set1_ps (sinf (rot)), vrot = _mm256_set1_ps (rot);
  const __m256 ax0 = _mm256_set1_ps (g->ax[seed]), ay0 = _mm256_set1_ps (g->ay[seed]);
  const __m256 bx0 = _mm256_set1_ps (g->bx[seed]), by0 = _mm256_set1_ps (g->by[seed]);
  const __m256 tol0 = _mm256_set1_ps (params->seed_dist_tol), growth = _mm256_set1_ps (params->seed_dist_growth);
  const __m256 angle_tol = _mm256_set1_ps (params->angle_tol);
  guint64 pass_keys[CAND_ROOM], sorted[CAND_ROOM];
  guint n_pass = 0;

  for (guint k0 = 0; k0 < n_cands; k0 += 8)
    {
      __m256 ux = _mm256_sub_ps (_mm256_load_ps (g->ax + k0), ax0);
      __m256 uy = _mm256_sub_ps (_mm256_load_ps (g->ay + k0), ay0);
      __m256 rx = _mm256_sub_ps (_mm256_load_ps (g->bx + k0), bx0);
      __m256 ry = _mm256_sub_ps (_mm256_load_ps (g->by + k0), by0);
      __m256 ex = _mm256_sub_ps (_mm256_sub_ps (_mm256_mul_ps (c, ux), _mm256_mul_ps (s, uy)), rx);
      __m256 ey = _mm256_sub_ps (_mm256_add_ps (_mm256_mul_ps (s, ux), _mm256_mul_ps (c, uy)), ry);
      __m256 tol = _mm256_add_ps (tol0, _mm256_mul_ps (growth, _mm256_sqrt_ps (_mm256_add_ps (_mm256_mul_ps (rx, rx),
                                                                                             _mm256_mul_ps (ry, ry)))));
      __m256 e2 = _mm256_add_ps (_mm256_mul_ps (ex, ex), _mm256_mul_ps (ey, ey));
      __m256 d = angle_distance8 (_mm256_add_ps (_mm256_load_ps (g->ath + k0), vrot), _mm256_load_ps (g->bth + k0));
      guint pass = n_cands - k0 >= 8 ? 0xff : (1u << (n_cands - k0)) - 1;

      pass &= (guint) _mm256_movemask_ps (_mm256_and_ps (_mm256_cmp_ps (e2, _mm256_mul_ps (tol, tol), _CMP_NGT_UQ),
                                                         _mm256_cmp_ps (d, angle_tol, _CMP_NGT_UQ)));
      for (; pass; pass &= pass - 1)
        pass_keys[n_pass++] = g->key[k0 + __builtin_ctz (pass)];
    }
  sort_keys_scalar (pass_keys, n_pass, sorted);

  out->n = 0;
  out->weight = 0;
  for (guint p = 0; p < n_pass; p++)
    {
      const guint ia = (sorted[p] >> 8) & 0xff, ib = sorted[p] & 0xff;
      const guint32 bits = ~(guint32) (sorted[p] >> 16);
      float sim;

      if (used_a[ia] || used_b[ib])
        continue;
      used_a[ia] = used_b[ib] = 1;
      memcpy (&sim, &bits, sizeof sim);
      out->a[out->n] = (guint8) ia;
      out->b[out->n] = (guint8) ib;
      out->sim[out->n] = sim;
      out->n++;
      out->weight += weight_floor + sim;
    }
}

/* Lanes 0 … n-1 of 8, as the integer mask _mm256_maskload_ps wants. */
__attribute__ ((target ("avx2,popcnt")))
static inline __m256i
first_lanes8 (guint n)
{
  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) MIN (n, 8u)), _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7));
}

/* pair_up_avx512(), 8 candidate minutiae per step. */
__attribute__ ((target ("avx2,popcnt")))
static void
pair_up_avx2 (Scratch *s, const Transform *t, float cx, float cy, float tol0, float growth, float sim_gate,
              const RlCompareParams *params, Pairing *out)
{
  const RlPreparedTemplate *a = s->a, *b = s->b;
  const double angle_tol = params->angle_tol;
  const __m256 vangle_tol = _mm256_set1_ps (params->angle_tol);
  const float weight_floor = params->pair_weight_floor;
  guint8 used_a[RL_COMPARE_MAX_MINUTIAE] = { 0 }, used_b[RL_COMPARE_MAX_MINUTIAE] = { 0 };
  _Alignas (32) float tol_of[RL_COMPARE_MAX_MINUTIAE + 8], theta_of[RL_COMPARE_MAX_MINUTIAE + 8];
  guint64 *keys = s->match_keys, *sorted = s->match_sorted;
  const guint na = a->n, nb = b->n;
  guint n_matches = 0;

  out->n = 0;
  out->weight = 0;
  {
    const __m256 c = _mm256_set1_ps (t->cos_r), sn = _mm256_set1_ps (t->sin_r);
    const __m256 tx = _mm256_set1_ps (t->tx), ty = _mm256_set1_ps (t->ty), rot = _mm256_set1_ps (t->rot);
    const __m256 vcx = _mm256_set1_ps (cx), vcy = _mm256_set1_ps (cy);
    const __m256 vtol0 = _mm256_set1_ps (tol0), vgrowth = _mm256_set1_ps (growth);

    for (guint i0 = 0; i0 < na; i0 += 8)
      {
        const __m256i m = first_lanes8 (na - i0);
        const __m256 x = _mm256_maskload_ps (a->x + i0, m), y = _mm256_maskload_ps (a->y + i0, m);
        const __m256 px = _mm256_add_ps (_mm256_sub_ps (_mm256_mul_ps (c, x), _mm256_mul_ps (sn, y)), tx);
        const __m256 py = _mm256_add_ps (_mm256_add_ps (_mm256_mul_ps (sn, x), _mm256_mul_ps (c, y)), ty);
        const __m256 rx = _mm256_sub_ps (px, vcx), ry = _mm256_sub_ps (py, vcy);
        const __m256 tol = _mm256_add_ps (vtol0, _mm256_mul_ps (vgrowth, _mm256_sqrt_ps (_mm256_add_ps (_mm256_mul_ps (rx, rx),
                                                                                                   _mm256_mul_ps (ry, ry)))));

        _mm256_storeu_ps (s->ax + i0, px);
        _mm256_storeu_ps (s->ay + i0, py);
        _mm256_store_ps (tol_of + i0, tol);
        _mm256_store_ps (theta_of + i0, _mm256_add_ps (_mm256_maskload_ps (a->theta + i0, m), rot));
      }
  }

  for (guint i = 0; i < na; i++)
    {
      const float px = s->ax[i], py = s->ay[i], tol = tol_of[i], theta = theta_of[i];
      const __m256 vpx = _mm256_set1_ps (px), vpy = _mm256_set1_ps (py), vtheta = _mm256_set1_ps (theta);
      const __m256 lo = _mm256_set1_ps (py - tol), hi = _mm256_set1_ps (py + tol), tol2 = _mm256_set1_ps (tol * tol);

      for (guint j0 = 0; j0 < nb; j0 += 8)
        {
          const __m256i in = first_lanes8 (nb - j0);
          __m256 by, bx, ex, ey, d2, ok;
          guint pass;

          /* b is sorted by y: skip blocks below the window, stop above it */
          if (b->y[MIN (j0 + 7, nb - 1)] < py - tol)
            continue;
          if (b->y[j0] > py + tol)
            break;
          by = _mm256_maskload_ps (b->y + j0, in);
          bx = _mm256_maskload_ps (b->x + j0, in);
          ex = _mm256_sub_ps (vpx, bx);
          ey = _mm256_sub_ps (vpy, by);
          d2 = _mm256_add_ps (_mm256_mul_ps (ex, ex), _mm256_mul_ps (ey, ey));
          ok = _mm256_and_ps (_mm256_cmp_ps (by, lo, _CMP_GE_OQ), _mm256_cmp_ps (by, hi, _CMP_LE_OQ));
          ok = _mm256_and_ps (ok, _mm256_cmp_ps (d2, tol2, _CMP_NGT_UQ));
          ok = _mm256_and_ps (ok, _mm256_cmp_ps (angle_distance8 (vtheta, _mm256_maskload_ps (b->theta + j0, in)),
                                                 vangle_tol, _CMP_NGT_UQ));
          pass = (guint) _mm256_movemask_ps (_mm256_and_ps (ok, _mm256_castsi256_ps (in)));
          for (; pass; pass &= pass - 1)
            {
              guint j = j0 + __builtin_ctz (pass);
              float exs = px - b->x[j], eys = py - b->y[j], d2s = exs * exs + eys * eys;
              float ad = angle_distance (theta, b->theta[j]);
              float sm = s->sim[j * s->sim_sj + i];

              if (sm < sim_gate)
                continue;
              if (n_matches < G_N_ELEMENTS (s->match_keys))
                keys[n_matches++] = match_key (sqrtf (d2s) / tol + ad / angle_tol - 2.0f * sm, i, j);
            }
        }
    }
  sort_keys_scalar (keys, n_matches, sorted);
  for (guint k = 0; k < n_matches; k++)
    {
      const guint ia = (sorted[k] >> 8) & 0xff, ib = sorted[k] & 0xff;
      float sm;

      if (used_a[ia] || used_b[ib])
        continue;
      used_a[ia] = used_b[ib] = 1;
      sm = s->sim[ib * s->sim_sj + ia];
      out->a[out->n] = (guint8) ia;
      out->b[out->n] = (guint8) ib;
      out->sim[out->n] = sm;
      out->weight += weight_floor + sm;
      out->n++;
    }
}

/* How many of the n points (x, y) lie inside p's hull grown by margin:
 * hull_contains() for 16 points at a time, same operations. */
__attribute__ ((target (AVX512_TARGET)))
static guint
count_inside_avx512 (const RlPreparedTemplate *p, const float *x, const float *y, guint n, float margin)
{
  const __m512 neg_margin = _mm512_set1_ps (-margin);
  guint count = 0;

  for (guint i0 = 0; i0 < n; i0 += 16)
    {
      __mmask16 inside = n - i0 >= 16 ? 0xffff : (__mmask16) ((1u << (n - i0)) - 1);
      __m512 vx = _mm512_maskz_loadu_ps (inside, x + i0), vy = _mm512_maskz_loadu_ps (inside, y + i0);

      for (guint e = 0; e < p->n_edges && inside; e++)
        {
          __m512 v = _mm512_add_ps (_mm512_add_ps (_mm512_mul_ps (_mm512_set1_ps (p->edges[e].nx), vx),
                                                   _mm512_mul_ps (_mm512_set1_ps (p->edges[e].ny), vy)),
                                    _mm512_set1_ps (p->edges[e].c));

          inside &= _mm512_cmp_ps_mask (v, neg_margin, _CMP_NLT_UQ);
        }
      count += __builtin_popcount (inside);
    }
  return count;
}
#endif

/* Which loops run the comparison: 0 portable, 1 with POPCNT, 2 AVX-512
 * (VPOPCNTQ and the vector forms of consolidation, pairing and overlap),
 * 3 AVX2 similarity loop, the rest as 1; -1 not chosen yet. The numbers
 * are RlCompareLoops. */
static int simd_level = -1;

static int
compare_simd_level (void)
{
  int level = g_atomic_int_get (&simd_level);

  if (G_UNLIKELY (level < 0))
    {
      level = 0;
#ifdef RL_HAVE_X86_DISPATCH
      __builtin_cpu_init ();
      if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512vl")
          && __builtin_cpu_supports ("avx512bw") && __builtin_cpu_supports ("avx512dq")
          && __builtin_cpu_supports ("avx512vpopcntdq"))
        level = 2;
      else if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("popcnt"))
        level = 3;
      else if (__builtin_cpu_supports ("popcnt"))
        level = 1;
#endif
      g_atomic_int_set (&simd_level, level);
    }
  return level;
}

static RlComparison *
comparison_new (const RlPreparedTemplate *pa, const RlPreparedTemplate *pb, const Pairing *pg, float score)
{
  RlComparison *c = g_new0 (RlComparison, 1);
  guint order[RL_COMPARE_MAX_MINUTIAE];

  c->score = score;
  c->n_pairs = pg->n;
  c->pairs = g_new0 (RlMinutiaPair, MAX (pg->n, 1));
  /* strongest first: insertion sort on the local similarity */
  for (guint k = 0; k < pg->n; k++)
    {
      guint p = k;

      while (p > 0 && pg->sim[order[p - 1]] < pg->sim[k])
        {
          order[p] = order[p - 1];
          p--;
        }
      order[p] = k;
    }
  for (guint k = 0; k < pg->n; k++)
    {
      c->pairs[k].probe = pa->index[pg->a[order[k]]];
      c->pairs[k].candidate = pb->index[pg->b[order[k]]];
      c->pairs[k].strength = CLAMP (pg->sim[order[k]], 0.0f, 1.0f);
    }
  return c;
}

void
rl_compare_params_init_default (RlCompareParams *params)
{
  g_return_if_fail (params != NULL);

  /* field by field over zeroed memory, so that two default sets compare
   * equal byte for byte (padding included) */
  memset (params, 0, sizeof *params);
  params->sim_min = SIM_MIN;
  params->seed_dist_tol = SEED_DIST_TOL;
  params->seed_dist_growth = SEED_DIST_GROWTH;
  params->angle_tol = ANGLE_TOL;
  params->final_dist_tol = FINAL_DIST_TOL;
  params->final_dist_growth = FINAL_DIST_GROWTH;
  params->pair_weight_floor = PAIR_WEIGHT (0.0f);
  params->min_overlap = MIN_OVERLAP;
}

float
rl_compare_prepared (const RlPreparedTemplate *pa, const RlPreparedTemplate *pb, RlComparison **out_comparison)
{
  return rl_compare_prepared_with (pa, pb, NULL, out_comparison);
}

float
rl_compare_prepared_with (const RlPreparedTemplate *pa, const RlPreparedTemplate *pb,
                          const RlCompareParams *params, RlComparison **out_comparison)
{
  static RlCompareParams defaults;
  static gsize defaults_ready;
  /* 64-byte aligned: the AVX-512 path stores whole vectors into it */
  _Alignas (64) float sim_stack[64 * 64];
  g_autofree float *sim_heap = NULL;
  Scratch scratch_;
  Scratch *scratch = &scratch_;
  float *sim;
  Candidate top[CAND_MAX];
#ifdef RL_HAVE_X86_DISPATCH
  CandGeometry geometry;
#endif
  guint n_cands = 0;
  gsize n_sim;
  int level;
  Pairing pairings[2], *cur = &pairings[0], *best = &pairings[1], final = { 0 };
  Transform t;
  float cx, cy, score = 0.0f, ov_a = 0, ov_b = 0;

  if (out_comparison)
    *out_comparison = NULL;
  g_return_val_if_fail (pa != NULL && pb != NULL, 0.0f);

  if (params == NULL)
    {
      if (g_once_init_enter (&defaults_ready))
        {
          rl_compare_params_init_default (&defaults);
          g_once_init_leave (&defaults_ready, 1);
        }
      params = &defaults;
    }
  if (pa->n < 2 || pb->n < 2)
    goto done;

  /* 1. Local similarities, and each probe minutia's two best mates. */
  level = compare_simd_level ();
  /* the AVX-512 path's matrix has a column per candidate minutia, each
   * padded to whole vectors of 16 (SIM_T_STRIDE), stored whole */
  n_sim = (gsize) SIM_T_STRIDE (pa->n) * pb->n;
  sim = n_sim <= G_N_ELEMENTS (sim_stack) ? sim_stack : (sim_heap = g_new (float, n_sim));
#ifdef RL_HAVE_X86_DISPATCH
  if (level == 2)
    {
      similarities_avx512 (pa, pb, params->sim_min, sim, &geometry);
      n_cands = geometry.n;
    }
  else
#endif
    {
#ifdef RL_HAVE_X86_DISPATCH
      if (level == 3)
        similarities_avx2 (pa, pb, sim, top);
      else if (level == 1)
        similarities_popcnt (pa, pb, sim, top);
      else
#endif
        similarities_generic (pa, pb, sim, top);
      for (guint k = 0; k < 2u * pa->n; k++)
        if (top[k].sim >= params->sim_min)
          top[n_cands++] = top[k];
    }
  if (n_cands == 0)
    goto done;

  /* 2.–3. The most alike pairs seed alignments; keep the heaviest.
   * 4. Refine the transform on those pairs and pair again, now every
   * minutia, whatever its local similarity. The AVX-512 branch makes the
   * same decisions as the portable one (test compare-simd), faster. */
  best->n = 0;
  best->weight = 0;
  scratch->a = pa;
  scratch->b = pb;
  scratch->sim = sim;
  scratch->sim_si = level >= 2 ? 1 : pb->n;
  scratch->sim_sj = level >= 2 ? SIM_T_STRIDE (pa->n) : 1;
#ifdef RL_HAVE_X86_DISPATCH
  if (level == 2 || level == 3)
    {
      guint64 seed_keys[N_SEEDS];
      guint16 seeds[N_SEEDS];
      guint n_seeds = 0;

      if (level == 3)
        cand_geometry_fill (&geometry, pa, pb, top, n_cands);

      /* the N_SEEDS best candidate pairs, in rank order, without sorting
       * them all (see consolidate_avx512) */
      for (guint k = 0; k < n_cands; k++)
        {
          const guint64 key = geometry.key[k];

          if (n_seeds < N_SEEDS || key < seed_keys[n_seeds - 1])
            {
              guint p = MIN (n_seeds, N_SEEDS - 1);

              for (; p > 0 && seed_keys[p - 1] > key; p--)
                {
                  seed_keys[p] = seed_keys[p - 1];
                  seeds[p] = seeds[p - 1];
                }
              seed_keys[p] = key;
              seeds[p] = k;
              n_seeds = MIN (n_seeds + 1, N_SEEDS);
            }
        }
      for (guint k = 0; k < n_seeds; k++)
        {
          if (level == 2)
            consolidate_avx512 (&geometry, seeds[k], params, cur);
          else
            consolidate_avx2 (&geometry, seeds[k], params, cur);
          if (cur->weight > best->weight)
            {
              Pairing *swap = best;

              best = cur;
              cur = swap;
            }
        }
      if (best->n < 2)
        goto done;
      fit_transform (pa, pb, best, &t, &cx, &cy);
      if (level == 2)
        pair_up_avx512 (scratch, &t, cx, cy, params->final_dist_tol, params->final_dist_growth, -1.0f, params, &final);
      else
        pair_up_avx2 (scratch, &t, cx, cy, params->final_dist_tol, params->final_dist_growth, -1.0f, params, &final);
    }
  else
#endif
    {
      SHELL_SORT (Candidate, top, n_cands, candidate_before);
      for (guint k = 0; k < MIN (n_cands, N_SEEDS); k++)
        {
          consolidate_seed (pa, pb, top, n_cands, &top[k], params, cur);
          if (cur->weight > best->weight)
            {
              Pairing *swap = best;

              best = cur;
              cur = swap;
            }
        }
      if (best->n < 2)
        goto done;
      fit_transform (pa, pb, best, &t, &cx, &cy);
      pair_up (scratch, &t, cx, cy, params->final_dist_tol, params->final_dist_growth, -1.0f, params, &final);
    }

  /* 5. How many minutiae each print shows inside the other's extent: the
   * pairs count against those, not against all minutiae, so that a partial
   * print is not penalised for what it cannot show. */
#ifdef RL_HAVE_X86_DISPATCH
  if (level == 2)
    {
      float bx[RL_COMPARE_MAX_MINUTIAE], by[RL_COMPARE_MAX_MINUTIAE];

      for (guint j = 0; j < pb->n; j++)
        {
          float dx = pb->x[j] - t.tx, dy = pb->y[j] - t.ty;

          bx[j] = t.cos_r * dx + t.sin_r * dy;
          by[j] = -t.sin_r * dx + t.cos_r * dy;
        }
      ov_a = count_inside_avx512 (pb, scratch->ax, scratch->ay, pa->n, OVERLAP_MARGIN);
      ov_b = count_inside_avx512 (pa, bx, by, pb->n, OVERLAP_MARGIN);
    }
  else
#endif
    {
      for (guint i = 0; i < pa->n; i++)
        ov_a += hull_contains (pb, scratch->ax[i], scratch->ay[i], OVERLAP_MARGIN);
      for (guint j = 0; j < pb->n; j++)
        {
          float dx = pb->x[j] - t.tx, dy = pb->y[j] - t.ty;
          float x = t.cos_r * dx + t.sin_r * dy, y = -t.sin_r * dx + t.cos_r * dy;

          ov_b += hull_contains (pa, x, y, OVERLAP_MARGIN);
        }
    }
  ov_a = MAX (ov_a, params->min_overlap);
  ov_b = MAX (ov_b, params->min_overlap);
  score = MIN (100.0f * final.weight * final.weight / (ov_a * ov_b), 100.0f);

done:
  if (out_comparison)
    *out_comparison = comparison_new (pa, pb, &final, score);
  return score;
}

void
rl_compare_set_portable (gboolean portable)
{
  g_atomic_int_set (&simd_level, portable ? 0 : -1);
}

gboolean
rl_compare_set_loops (RlCompareLoops loops)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (loops >= RL_COMPARE_LOOPS_BEST && loops <= RL_COMPARE_LOOPS_AVX2, FALSE);

  g_atomic_int_set (&simd_level, -1);
  if (loops == RL_COMPARE_LOOPS_BEST || loops == RL_COMPARE_LOOPS_PORTABLE)
    {
      g_atomic_int_set (&simd_level, loops);
      return TRUE;
    }
#ifdef RL_HAVE_X86_DISPATCH
  __builtin_cpu_init ();
  if (!__builtin_cpu_supports ("popcnt"))
    ok = FALSE;
  else if (loops == RL_COMPARE_LOOPS_AVX2)
    ok = __builtin_cpu_supports ("avx2");
  else if (loops == RL_COMPARE_LOOPS_AVX512)
    ok = compare_simd_level () == 2;
#else
  ok = FALSE;
#endif
  g_atomic_int_set (&simd_level, ok ? (int) loops : -1);
  return ok;
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

/* ---- Pre-filter ------------------------------------------------------------ */

/* The up-to-`max` descriptors with the most bits set (the most neighbours
 * on the print: they say the most); returns their indices, how many. */
static guint
most_informative (const RlPreparedTemplate *t, guint max, guint *chosen_index)
{
  guint8 chosen[RL_COMPARE_MAX_MINUTIAE] = { 0 };
  guint n = 0;

  while (n < max)
    {
      guint best = G_MAXUINT, best_count = 0;

      for (guint i = 0; i < t->n; i++)
        if (!chosen[i] && t->cyl_count[i] > best_count)
          best = i, best_count = t->cyl_count[i];
      if (best == G_MAXUINT)
        break;
      chosen[best] = 1;
      chosen_index[n++] = best;
    }
  return n;
}

void
rl_prefilter_probe_init (RlPrefilterProbe *q, const RlPreparedTemplate *probe)
{
  guint chosen[RL_PREFILTER_MINUTIAE];

  g_return_if_fail (q != NULL && probe != NULL);
  cylinder_geometry_init ();
  memset (q, 0, sizeof *q);
  q->n = most_informative (probe, RL_PREFILTER_MINUTIAE, chosen);
  for (guint m = 0; m < q->n; m++)
    {
      for (guint w = 0; w < RL_CYL_WORDS; w++)
        {
          q->cyl[m * RL_CYL_WORDS + w] = RL_CYL_WORD (probe, chosen[m], w);
          q->lanes[w * RL_PREFILTER_MINUTIAE + m] = RL_CYL_WORD (probe, chosen[m], w);
        }
      q->count[m] = probe->cyl_count[chosen[m]];
    }
}

void
rl_prefilter_entry_init (RlPrefilterEntry *e, const RlPreparedTemplate *tpl)
{
  guint chosen[RL_PREFILTER_ENTRY], n;

  g_return_if_fail (e != NULL && tpl != NULL);
  memset (e, 0, sizeof *e);
  n = most_informative (tpl, RL_PREFILTER_ENTRY, chosen);
  for (guint k = 0; k < n; k++)
    {
      for (guint w = 0; w < RL_CYL_WORDS; w++)
        e->cyl[(k / RL_CYL_LANES) * RL_CYL_BLOCK + w * RL_CYL_LANES + k % RL_CYL_LANES] = RL_CYL_WORD (tpl, chosen[k], w);
      e->count[k] = tpl->cyl_count[chosen[k]];
    }
}

/* The sum of the k largest of v[0..n) (k ≤ 16), largest first: the same
 * value whichever loops computed v. */
static float
sum_of_top (const float *v, guint n, guint k)
{
  float top[16] = { 0 }, total = 0;

  for (guint i = 0; i < n; i++)
    {
      guint p = k;

      if (v[i] <= top[k - 1])
        continue;
      for (; p > 1 && top[p - 2] < v[i]; p--)
        top[p - 1] = top[p - 2];
      top[p - 1] = v[i];
    }
  for (guint i = 0; i < k; i++)
    total += top[i];
  return total;
}

/* Coarse score: for each of the probe's chosen descriptors, its best match
 * among the entry's, summed; empty slots score 0. */
#define ENTRY_BODY                                                                   \
  float bests[RL_PREFILTER_MINUTIAE];                                                \
                                                                                     \
  for (guint m = 0; m < q->n; m++)                                                   \
    {                                                                                \
      guint64 a0 = q->cyl[m * 4], a1 = q->cyl[m * 4 + 1], a2 = q->cyl[m * 4 + 2], a3 = q->cyl[m * 4 + 3]; \
      guint na = q->count[m];                                                        \
      float best = 0;                                                                \
                                                                                     \
      for (guint j = 0; j < RL_PREFILTER_ENTRY; j++)                                 \
        {                                                                            \
          const guint64 *cb = e->cyl + (j / RL_CYL_LANES) * RL_CYL_BLOCK + j % RL_CYL_LANES; \
          guint x = __builtin_popcountll (a0 ^ cb[0]) + __builtin_popcountll (a1 ^ cb[RL_CYL_LANES]) \
                    + __builtin_popcountll (a2 ^ cb[2 * RL_CYL_LANES])               \
                    + __builtin_popcountll (a3 ^ cb[3 * RL_CYL_LANES]);              \
          guint nb = e->count[j];                                                    \
          float s = nb ? 1.0f - x * reciprocal[na + nb] : 0.0f;                      \
                                                                                     \
          best = MAX (best, s);                                                      \
        }                                                                            \
      bests[m] = best;                                                               \
    }                                                                                \
  return sum_of_top (bests, q->n, RL_PREFILTER_TOP);

static float
entry_generic (const RlPrefilterProbe *q, const RlPrefilterEntry *e)
{
  ENTRY_BODY
}

#ifdef RL_HAVE_X86_DISPATCH
__attribute__ ((target ("popcnt")))
static float
entry_popcnt (const RlPrefilterProbe *q, const RlPrefilterEntry *e)
{
  ENTRY_BODY
}

G_STATIC_ASSERT (RL_PREFILTER_ENTRY == 2 * RL_CYL_LANES);
G_STATIC_ASSERT (RL_PREFILTER_MINUTIAE % 16 == 0);   /* groups of 16 lanes in entry_avx512 */
G_STATIC_ASSERT (RL_PREFILTER_TOP <= 16);

/* sum_of_top (v, 16, RL_PREFILTER_TOP) for 16 values ≥ 0 in a vector,
 * without a branch on them: each lane's place among the values (larger
 * ones, and equal ones in earlier lanes, before it), then the values at
 * places 0, 1, … added in that order, as sum_of_top() adds them. */
__attribute__ ((target (AVX512_TARGET)))
static inline float
sum_of_top16_avx512 (__m512 v)
{
  float vals[16];
  __m512i place = _mm512_setzero_si512 ();
  const __m512i one = _mm512_set1_epi32 (1);
  float total = 0;

  _mm512_storeu_ps (vals, v);
  for (guint m = 0; m < 16; m++)
    {
      const __m512 vm = _mm512_set1_ps (vals[m]);
      const __mmask16 later = (__mmask16) (0xffffu << (m + 1));

      place = _mm512_mask_add_epi32 (place, _mm512_cmp_ps_mask (vm, v, _CMP_GT_OQ)
                                            | (_mm512_cmp_ps_mask (vm, v, _CMP_EQ_OQ) & later), place, one);
    }
  for (guint r = 0; r < RL_PREFILTER_TOP; r++)
    total += _mm512_cvtss_f32 (_mm512_maskz_compress_ps (_mm512_cmpeq_epi32_mask (place, _mm512_set1_epi32 ((int) r)), v));
  return total;
}

/* The same with the roles swapped: the probe's 16 descriptors side by side
 * (one lane each, see RlPrefilterProbe.lanes) against each of the entry's
 * descriptors in turn, broadcast; each lane keeps its running best, so no
 * reduction across lanes per probe descriptor. Same operations per pair as
 * ENTRY_BODY, and max is exact, so the same score. */
__attribute__ ((target (AVX512_TARGET)))
static float
entry_avx512 (const RlPrefilterProbe *q, const RlPrefilterEntry *e)
{
  const __m512 one = _mm512_set1_ps (1.0f);
  float bests[RL_PREFILTER_MINUTIAE];

  /* The probe's descriptors in groups of 16, one lane each. */
  for (guint g = 0; g < RL_PREFILTER_MINUTIAE; g += 16)
    {
      const guint64 *lanes = q->lanes + g;
      const __m512i p0 = _mm512_loadu_si512 (lanes), r0 = _mm512_loadu_si512 (lanes + 8);
      const __m512i p1 = _mm512_loadu_si512 (lanes + RL_PREFILTER_MINUTIAE);
      const __m512i r1 = _mm512_loadu_si512 (lanes + RL_PREFILTER_MINUTIAE + 8);
      const __m512i p2 = _mm512_loadu_si512 (lanes + 2 * RL_PREFILTER_MINUTIAE);
      const __m512i r2 = _mm512_loadu_si512 (lanes + 2 * RL_PREFILTER_MINUTIAE + 8);
      const __m512i p3 = _mm512_loadu_si512 (lanes + 3 * RL_PREFILTER_MINUTIAE);
      const __m512i r3 = _mm512_loadu_si512 (lanes + 3 * RL_PREFILTER_MINUTIAE + 8);
      const __m512i na = _mm512_cvtepu16_epi32 (_mm256_loadu_si256 ((const __m256i *) (q->count + g)));
      __m512 best = _mm512_setzero_ps ();

      if (g >= q->n)
        {
          memset (bests + g, 0, sizeof (float) * (RL_PREFILTER_MINUTIAE - g));
          break;
        }
      for (guint j = 0; j < RL_PREFILTER_ENTRY; j++)
        {
          const guint64 *cb = e->cyl + (j / RL_CYL_LANES) * RL_CYL_BLOCK + j % RL_CYL_LANES;
          const guint nbj = e->count[j];
          __m512i w, x, y;
          __m512 r, s;

          /* an empty slot scores 0, which never beats a best (≥ 0) */
          if (nbj == 0)
            continue;
          w = _mm512_set1_epi64 ((long long) cb[0]);
          x = _mm512_popcnt_epi64 (_mm512_xor_si512 (p0, w));
          y = _mm512_popcnt_epi64 (_mm512_xor_si512 (r0, w));
          w = _mm512_set1_epi64 ((long long) cb[RL_CYL_LANES]);
          x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (p1, w)));
          y = _mm512_add_epi64 (y, _mm512_popcnt_epi64 (_mm512_xor_si512 (r1, w)));
          w = _mm512_set1_epi64 ((long long) cb[2 * RL_CYL_LANES]);
          x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (p2, w)));
          y = _mm512_add_epi64 (y, _mm512_popcnt_epi64 (_mm512_xor_si512 (r2, w)));
          w = _mm512_set1_epi64 ((long long) cb[3 * RL_CYL_LANES]);
          x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (p3, w)));
          y = _mm512_add_epi64 (y, _mm512_popcnt_epi64 (_mm512_xor_si512 (r3, w)));
          r = _mm512_div_ps (one, _mm512_cvtepi32_ps (_mm512_add_epi32 (na, _mm512_set1_epi32 ((int) nbj))));
          s = _mm512_cvtepi32_ps (_mm512_inserti64x4 (_mm512_castsi256_si512 (_mm512_cvtepi64_epi32 (x)),
                                                       _mm512_cvtepi64_epi32 (y), 1));
          best = _mm512_max_ps (best, _mm512_sub_ps (one, _mm512_mul_ps (s, r)));
        }
      /* the probe's descriptors past n are not in the sum (0 never enters it) */
      if (q->n - g < 16)
        best = _mm512_maskz_mov_ps ((__mmask16) ((1u << (q->n - g)) - 1), best);
      if (RL_PREFILTER_MINUTIAE == 16)
        return sum_of_top16_avx512 (best);
      _mm512_storeu_ps (bests + g, best);
    }
  /* More than 16 values: the portable code's sum (same values, same order). */
  return sum_of_top (bests, RL_PREFILTER_MINUTIAE, RL_PREFILTER_TOP);
}
#endif

float
rl_prefilter_entry_score (const RlPrefilterProbe *q, const RlPrefilterEntry *e)
{
  switch (compare_simd_level ())
    {
#ifdef RL_HAVE_X86_DISPATCH
    case 2:
      return entry_avx512 (q, e);
    case 1:
    case 3:
      return entry_popcnt (q, e);
#endif
    default:
      return entry_generic (q, e);
    }
}

/* ---- Local similarity score (the pre-filter's second stage) --------------- */

/* Each probe minutia's best local similarity with any candidate minutia;
 * the score sums the RL_LOCAL_SCORE_TOP best of those (after Cappelli et
 * al.'s "local similarity sort"): no alignment, a fraction of a full
 * comparison, but every descriptor of both prints. */
#define ROWMAX_BODY                                                                  \
  for (guint i = 0; i < a->n; i++)                                                   \
    {                                                                                \
      guint64 a0 = RL_CYL_WORD (a, i, 0), a1 = RL_CYL_WORD (a, i, 1);                \
      guint64 a2 = RL_CYL_WORD (a, i, 2), a3 = RL_CYL_WORD (a, i, 3);                \
      guint na = a->cyl_count[i];                                                    \
      float best = 0;                                                                \
                                                                                     \
      for (guint j = 0; na && j < b->n; j++)                                         \
        {                                                                            \
          guint x = __builtin_popcountll (a0 ^ RL_CYL_WORD (b, j, 0))                \
                    + __builtin_popcountll (a1 ^ RL_CYL_WORD (b, j, 1))              \
                    + __builtin_popcountll (a2 ^ RL_CYL_WORD (b, j, 2))              \
                    + __builtin_popcountll (a3 ^ RL_CYL_WORD (b, j, 3));             \
          guint nb = b->cyl_count[j];                                                \
          float s = nb ? 1.0f - x * reciprocal[na + nb] : 0.0f;                      \
                                                                                     \
          best = MAX (best, s);                                                      \
        }                                                                            \
      row_best[i] = best;                                                            \
    }

static void
rowmax_generic (const RlPreparedTemplate *a, const RlPreparedTemplate *b, float *row_best)
{
  ROWMAX_BODY
}

#ifdef RL_HAVE_X86_DISPATCH
__attribute__ ((target ("popcnt")))
static void
rowmax_popcnt (const RlPreparedTemplate *a, const RlPreparedTemplate *b, float *row_best)
{
  ROWMAX_BODY
}

__attribute__ ((target (AVX512_TARGET)))
static void
rowmax_avx512 (const RlPreparedTemplate *a, const RlPreparedTemplate *b, float *row_best)
{
  const __m256 one = _mm256_set1_ps (1.0f);

  for (guint i = 0; i < a->n; i++)
    {
      const __m512i a0 = _mm512_set1_epi64 ((long long) RL_CYL_WORD (a, i, 0));
      const __m512i a1 = _mm512_set1_epi64 ((long long) RL_CYL_WORD (a, i, 1));
      const __m512i a2 = _mm512_set1_epi64 ((long long) RL_CYL_WORD (a, i, 2));
      const __m512i a3 = _mm512_set1_epi64 ((long long) RL_CYL_WORD (a, i, 3));
      const __m256i na8 = _mm256_set1_epi32 (a->cyl_count[i]);
      __m256 vmax = _mm256_setzero_ps ();

      for (guint j = 0; a->cyl_count[i] && j < b->n; j += RL_CYL_LANES)
        {
          const guint64 *cb = b->cyl + (gsize) (j / RL_CYL_LANES) * RL_CYL_BLOCK;
          __m512i x = _mm512_popcnt_epi64 (_mm512_xor_si512 (a0, _mm512_load_si512 (cb)));
          __m256i nb8 = _mm256_cvtepu16_epi32 (_mm_loadu_si128 ((const __m128i *) (b->cyl_count + j)));
          __m256 r, s;

          x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (a1, _mm512_load_si512 (cb + 8))));
          x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (a2, _mm512_load_si512 (cb + 16))));
          x = _mm512_add_epi64 (x, _mm512_popcnt_epi64 (_mm512_xor_si512 (a3, _mm512_load_si512 (cb + 24))));
          r = _mm256_div_ps (one, _mm256_cvtepi32_ps (_mm256_add_epi32 (na8, nb8)));
          s = _mm256_sub_ps (one, _mm256_mul_ps (_mm256_cvtepi32_ps (_mm512_cvtepi64_epi32 (x)), r));
          s = _mm256_maskz_mov_ps (_mm256_cmpneq_epi32_mask (nb8, _mm256_setzero_si256 ()), s);
          vmax = _mm256_max_ps (vmax, s);
        }
      row_best[i] = hmax256 (vmax);
    }
}
#endif

float
rl_local_similarity_score (const RlPreparedTemplate *probe, const RlPreparedTemplate *candidate)
{
  float row_best[RL_COMPARE_MAX_MINUTIAE];

  g_return_val_if_fail (probe != NULL && candidate != NULL, 0.0f);

  switch (compare_simd_level ())
    {
#ifdef RL_HAVE_X86_DISPATCH
    case 2:
      rowmax_avx512 (probe, candidate, row_best);
      break;
    case 1:
    case 3:
      rowmax_popcnt (probe, candidate, row_best);
      break;
#endif
    default:
      rowmax_generic (probe, candidate, row_best);
    }
  return sum_of_top (row_best, probe->n, RL_LOCAL_SCORE_TOP);
}
