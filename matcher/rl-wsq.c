/* rl-wsq.c — WSQ fingerprint image decoder and encoder.
 *
 * Written from the FBI WSQ Gray-scale Fingerprint Image Compression
 * Specification (IAFIS-IC-0110 v3). Outline of a WSQ file:
 *
 *   SOI  FF A0                      start of image
 *   COM  FF A8 len text             comments (NIST_COM carries the PPI)
 *   DTT  FF A4 len L0 L1 coeffs     the analysis filters (lowpass L0 taps, highpass L1)
 *   DQT  FF A5 len C {Q_k Z_k}x64   bin centre, bin widths and zero-bin widths
 *   DHT  FF A6 len {id BITS VALS}   Huffman tables (JPEG-style canonical codes)
 *   SOF  FF A2 len A B Y X M R Ec S frame: size, mean shift M and scale R
 *   SOB  FF A3 len table            a block of entropy-coded coefficients follows
 *   EOI  FF A1                      end of image
 *
 * The image is normalised ((p - M) / R), split into 64 subbands by a fixed
 * tree of 2-D wavelet decompositions (20 of them), each subband quantised
 * with its own bin width Q_k (Q_k = 0: subband not sent) and the integers
 * Huffman coded in three blocks (subbands 0-18, 19-51, 52-59; 60-63 are
 * never sent).
 *
 * Bad input never crashes and never allocates more than the declared image
 * size (itself limited to RL_IMAGE_MAX_SIDE): every read is bounds checked
 * and every error names the byte offset and the field.
 */
#define G_LOG_DOMAIN "rl-wsq"

#include "rl-wsq.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Markers (second byte; the first is always FF). */
enum {
  WSQ_SOI = 0xA0,
  WSQ_EOI = 0xA1,
  WSQ_SOF = 0xA2,
  WSQ_SOB = 0xA3,
  WSQ_DTT = 0xA4,
  WSQ_DQT = 0xA5,
  WSQ_DHT = 0xA6,
  WSQ_DRT = 0xA7,
  WSQ_COM = 0xA8,
  WSQ_RST0 = 0xB0,   /* restart markers RST0-RST7 inside coded data */
  WSQ_RST7 = 0xB7,
};

#define WSQ_N_SUBBANDS    64   /* in the DQT */
#define WSQ_N_CODED       60   /* subbands 60-63 are never sent */
#define WSQ_N_NODES       20   /* 2-D decompositions in the tree */
#define WSQ_MAX_HALF_TAPS 16   /* filters up to 31 taps */
#define WSQ_N_HUFF_TABLES 8
#define WSQ_MAX_HUFF_LEN  16

/* First subband of each Huffman block. */
static const int wsq_block_start[4] = { 0, 19, 52, 60 };

/* ------------------------------------------------------------------ */
/* Errors                                                              */

static gboolean wsq_fail (GError **error, RlMatcherError code, gsize offset,
                          const char *format, ...) G_GNUC_PRINTF (4, 5);

static gboolean
wsq_fail (GError **error, RlMatcherError code, gsize offset, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, RL_MATCHER_ERROR, code, "WSQ, byte %" G_GSIZE_FORMAT ": %s", offset, message);
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* The decomposition tree                                              */

/* A rectangle of the coefficient plane. rw / cl: the decomposition of this
 * region puts the highpass half first along rows (x) / columns (y) — the
 * spec's spectral inversion of regions that are themselves highpass. */
typedef struct {
  int x, y, w, h;
  guint8 rw, cl;
} WsqRegion;

typedef struct {
  WsqRegion nodes[WSQ_N_NODES];   /* pre-order: parents before children */
  int       n_nodes;
  WsqRegion bands[WSQ_N_CODED];   /* subbands 0-59 in the spec's order */
  int       n_bands;
} WsqTree;

/* The spec's fixed tree, pre-order: N = a region split into four quadrants
 * (top-left, top-right, bottom-left, bottom-right; their shapes follow),
 * L = a subband, X = a region that is dropped (subbands 60-63). Leaves come
 * out numbered 0-59 in the order the spec numbers them. */
#define WSQ_SPLIT16 "N" "NLLLL" "NLLLL" "NLLLL" "NLLLL"
static const char wsq_tree_shape[] =
  "N"                                   /* whole image */
    "N"                                 /* its lowpass quadrant */
      "N"                               /*   its lowpass quadrant: subbands 0-18 */
        "N" "NLLLL" "LLL"               /*     0-3 and 4-6 */
        "NLLLL" "NLLLL" "NLLLL"         /*     7-18 */
      WSQ_SPLIT16                       /*   19-34 */
      WSQ_SPLIT16                       /*   35-50 */
      "L"                               /*   51 */
    "NLLLL"                             /* 52-55 */
    "NLLLL"                             /* 56-59 */
    "X";                                /* 60-63, never coded */

/* Lowpass halves get the extra sample of an odd length; a region that is
 * inverted along an axis has its highpass half first. */
static void
wsq_split_region (const WsqRegion *p, WsqRegion q[4])
{
  int left = p->rw ? p->w / 2 : (p->w + 1) / 2;
  int top = p->cl ? p->h / 2 : (p->h + 1) / 2;

  q[0] = (WsqRegion) { p->x, p->y, left, top, 0, 0 };
  q[1] = (WsqRegion) { p->x + left, p->y, p->w - left, top, 1, 0 };
  q[2] = (WsqRegion) { p->x, p->y + top, left, p->h - top, 0, 1 };
  q[3] = (WsqRegion) { p->x + left, p->y + top, p->w - left, p->h - top, 1, 1 };
}

static const char *
wsq_tree_walk (WsqTree *tree, const WsqRegion *region, const char *shape)
{
  char c = *shape++;

  if (c == 'N')
    {
      WsqRegion q[4];

      tree->nodes[tree->n_nodes++] = *region;
      wsq_split_region (region, q);
      for (int i = 0; i < 4; i++)
        shape = wsq_tree_walk (tree, &q[i], shape);
    }
  else if (c == 'L')
    tree->bands[tree->n_bands++] = *region;
  return shape;
}

static void
wsq_tree_build (WsqTree *tree, int width, int height)
{
  WsqRegion image = { 0, 0, width, height, 0, 0 };

  memset (tree, 0, sizeof *tree);
  wsq_tree_walk (tree, &image, wsq_tree_shape);
  g_assert (tree->n_nodes == WSQ_N_NODES && tree->n_bands == WSQ_N_CODED);
}

/* ------------------------------------------------------------------ */
/* The wavelet transform                                               */

/* Both filters are odd-length and symmetric; we keep their centre tap and
 * one side: lo[0..n_lo), hi[0..n_hi). The lowpass is centred on even
 * samples, the highpass on odd ones; the signal is extended by whole-sample
 * symmetry at both ends, which makes each subband symmetric too, so the
 * synthesis can look up any out-of-range coefficient by mirroring its
 * position. */
typedef struct {
  int   n_lo, n_hi;
  float lo[WSQ_MAX_HALF_TAPS];
  float hi[WSQ_MAX_HALF_TAPS];
  int   reach;                                  /* max (n_lo, n_hi) - 1 */
  /* Synthesis kernels over the interleaved (low at even, high at odd)
   * coefficients, one for even output samples and one for odd ones. */
  float synth[2][2 * WSQ_MAX_HALF_TAPS - 1];
} WsqFilters;

static void
wsq_filters_prepare (WsqFilters *f)
{
  f->reach = MAX (f->n_lo, f->n_hi) - 1;
  memset (f->synth, 0, sizeof f->synth);
  for (int parity = 0; parity < 2; parity++)
    for (int j = -f->reach; j <= f->reach; j++)
      {
        int a = ABS (j);
        gboolean from_low = ((parity + j) & 1) == 0;
        float sign = (a & 1) ? -1.0f : 1.0f;
        float tap = 0.0f;

        /* The synthesis lowpass is the modulated analysis highpass and
         * vice versa: g0(j) = (-1)^j h1(j), g1(j) = (-1)^j h0(j). */
        if (from_low && a < f->n_hi)
          tap = sign * f->hi[a];
        else if (!from_low && a < f->n_lo)
          tap = sign * f->lo[a];
        f->synth[parity][j + f->reach] = tap;
      }
}

static inline int
wsq_mirror (int p, int n)
{
  int period;

  if (n == 1)
    return 0;
  period = 2 * (n - 1);
  p = ABS (p) % period;
  return p >= n ? period - p : p;
}

/* One line of analysis: x[0..n) → low half then high half (or high first
 * when inverted). ext needs n + 2 * reach floats. */
static void
wsq_analyse_line (const float *x, float *out, int n, gboolean inverted,
                  const WsqFilters *f, float *ext)
{
  int r = f->reach;
  int n_low = (n + 1) / 2, n_high = n / 2;
  float *low = inverted ? out + n_high : out;
  float *high = inverted ? out : out + n_low;

  for (int p = -r; p < n + r; p++)
    ext[p + r] = x[wsq_mirror (p, n)];
  for (int i = 0; i < n; i++)
    {
      const float *c = ext + i + r;
      float s;

      if ((i & 1) == 0)
        {
          s = f->lo[0] * c[0];
          for (int k = 1; k < f->n_lo; k++)
            s += f->lo[k] * (c[k] + c[-k]);
          low[i / 2] = s;
        }
      else
        {
          s = f->hi[0] * c[0];
          for (int k = 1; k < f->n_hi; k++)
            s += f->hi[k] * (c[k] + c[-k]);
          high[i / 2] = s;
        }
    }
}

/* One line of synthesis, the inverse of wsq_analyse_line. */
static void
wsq_synthesise_line (const float *in, float *x, int n, gboolean inverted,
                     const WsqFilters *f, float *ext)
{
  int r = f->reach;
  int n_low = (n + 1) / 2, n_high = n / 2;
  const float *low = inverted ? in + n_high : in;
  const float *high = inverted ? in : in + n_low;

  for (int p = -r; p < n + r; p++)
    {
      int m = wsq_mirror (p, n);
      ext[p + r] = (m & 1) ? high[m / 2] : low[m / 2];
    }
  for (int i = 0; i < n; i++)
    {
      const float *k = f->synth[i & 1];
      const float *c = ext + i;
      float s = 0.0f;

      for (int j = 0; j <= 2 * r; j++)
        s += c[j] * k[j];
      x[i] = s;
    }
}

typedef struct {
  float        *out, *ext;      /* one line */
  float        *rows;           /* a whole region, for the column passes */
  const float **src;            /* the (mirrored) source row of each position */
} WsqScratch;

static void
wsq_scratch_init (WsqScratch *s, int width, int height, const WsqFilters *f)
{
  int n = MAX (width, height);

  s->out = g_new (float, n);
  s->ext = g_new (float, n + 2 * f->reach);
  s->rows = g_new (float, (gsize) width * (gsize) height);
  s->src = g_new (const float *, n + 2 * f->reach);
}

static void
wsq_scratch_clear (WsqScratch *s)
{
  g_clear_pointer (&s->out, g_free);
  g_clear_pointer (&s->ext, g_free);
  g_clear_pointer (&s->rows, g_free);
  g_clear_pointer (&s->src, g_free);
}

/* The column passes work on whole rows at a time (the same sums, in the
 * same order, as the line functions), which keeps memory access sequential
 * instead of striding down each column. */

static void
wsq_analyse_columns (float *plane, int stride, const WsqRegion *rg,
                     const WsqFilters *f, WsqScratch *s)
{
  int r = f->reach, n = rg->h, w = rg->w;
  int n_low = (n + 1) / 2, n_high = n / 2;
  int low_at = rg->cl ? n_high : 0, high_at = rg->cl ? 0 : n_low;
  const float **src = s->src + r;   /* src[p] for p in [-r, n + r) */
  float *base = plane + (gsize) rg->y * stride + rg->x;

  for (int p = -r; p < n + r; p++)
    src[p] = base + (gsize) wsq_mirror (p, n) * stride;
  for (int i = 0; i < n; i++)
    {
      gboolean even = (i & 1) == 0;
      const float *taps = even ? f->lo : f->hi;
      int n_taps = even ? f->n_lo : f->n_hi;
      float *out = s->rows + (gsize) ((even ? low_at : high_at) + i / 2) * w;
      const float *c = src[i];

      for (int x = 0; x < w; x++)
        out[x] = taps[0] * c[x];
      for (int k = 1; k < n_taps; k++)
        {
          const float *a = src[i + k], *b = src[i - k];
          float t = taps[k];
          for (int x = 0; x < w; x++)
            out[x] += t * (a[x] + b[x]);
        }
    }
  for (int y = 0; y < n; y++)
    memcpy (base + (gsize) y * stride, s->rows + (gsize) y * w, sizeof (float) * w);
}

static void
wsq_synthesise_columns (float *plane, int stride, const WsqRegion *rg,
                        const WsqFilters *f, WsqScratch *s)
{
  int r = f->reach, n = rg->h, w = rg->w;
  int n_low = (n + 1) / 2, n_high = n / 2;
  int low_at = rg->cl ? n_high : 0, high_at = rg->cl ? 0 : n_low;
  const float **src = s->src + r;
  float *base = plane + (gsize) rg->y * stride + rg->x;

  for (int p = -r; p < n + r; p++)
    {
      int m = wsq_mirror (p, n);
      src[p] = base + (gsize) ((m & 1) ? high_at + m / 2 : low_at + m / 2) * stride;
    }
  for (int i = 0; i < n; i++)
    {
      const float *k = f->synth[i & 1];
      float *out = s->rows + (gsize) i * w;

      memset (out, 0, sizeof (float) * w);
      for (int j = 0; j <= 2 * r; j++)
        {
          const float *c = src[i - r + j];
          float t = k[j];

          if (t == 0.0f)
            continue;
          for (int x = 0; x < w; x++)
            out[x] += c[x] * t;
        }
    }
  for (int y = 0; y < n; y++)
    memcpy (base + (gsize) y * stride, s->rows + (gsize) y * w, sizeof (float) * w);
}

/* Splits a region in place: rows first, then columns. */
static void
wsq_analyse_region (float *plane, int stride, const WsqRegion *rg,
                    const WsqFilters *f, WsqScratch *s)
{
  for (int y = 0; y < rg->h; y++)
    {
      float *row = plane + (gsize) (rg->y + y) * stride + rg->x;
      wsq_analyse_line (row, s->out, rg->w, rg->rw, f, s->ext);
      memcpy (row, s->out, sizeof (float) * rg->w);
    }
  wsq_analyse_columns (plane, stride, rg, f, s);
}

/* Joins a region's four quadrants in place: columns first, then rows. */
static void
wsq_synthesise_region (float *plane, int stride, const WsqRegion *rg,
                       const WsqFilters *f, WsqScratch *s)
{
  wsq_synthesise_columns (plane, stride, rg, f, s);
  for (int y = 0; y < rg->h; y++)
    {
      float *row = plane + (gsize) (rg->y + y) * stride + rg->x;
      wsq_synthesise_line (row, s->out, rg->w, rg->rw, f, s->ext);
      memcpy (row, s->out, sizeof (float) * rg->w);
    }
}

/* ------------------------------------------------------------------ */
/* Scaled numbers: the format stores reals as an integer and a power of  */
/* ten to divide it by.                                                  */

static double
wsq_unscale (guint32 value, guint scale)
{
  double v = value;

  /* Dividing step by step keeps the decoder's values identical to the
   * ones the encoder worked with. */
  for (guint i = 0; i < scale && v != 0.0; i++)
    v /= 10.0;
  return v;
}

/* Finds the largest power of ten (at most max_scale) that keeps v * 10^s
 * below limit, so the stored value loses the least precision. */
static void
wsq_scale (double v, double limit, guint max_scale, guint8 *scale, guint32 *value)
{
  guint s = 0;
  double r;

  v = fabs (v);
  if (v > 0.0)
    while (s < max_scale && v * pow (10.0, s + 1) < limit)
      s++;
  r = round (v * pow (10.0, s));
  *scale = s;
  *value = (guint32) MIN (r, limit);
}

/* ------------------------------------------------------------------ */
/* Decoder                                                             */

typedef struct {
  const guint8 *data;
  gsize         len;
  gsize         pos;
} WsqReader;

static gboolean
wsq_need (WsqReader *r, gsize n, const char *field, GError **error)
{
  if (r->len - r->pos < n)
    return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, r->pos,
                     "the data ends inside %s (%" G_GSIZE_FORMAT " bytes needed, %"
                     G_GSIZE_FORMAT " left)", field, n, r->len - r->pos);
  return TRUE;
}

static gboolean
wsq_u8 (WsqReader *r, const char *field, guint *out, GError **error)
{
  if (!wsq_need (r, 1, field, error))
    return FALSE;
  *out = r->data[r->pos++];
  return TRUE;
}

static gboolean
wsq_u16 (WsqReader *r, const char *field, guint *out, GError **error)
{
  if (!wsq_need (r, 2, field, error))
    return FALSE;
  *out = ((guint) r->data[r->pos] << 8) | r->data[r->pos + 1];
  r->pos += 2;
  return TRUE;
}

static gboolean
wsq_u32 (WsqReader *r, const char *field, guint32 *out, GError **error)
{
  if (!wsq_need (r, 4, field, error))
    return FALSE;
  *out = ((guint32) r->data[r->pos] << 24) | ((guint32) r->data[r->pos + 1] << 16) |
         ((guint32) r->data[r->pos + 2] << 8) | r->data[r->pos + 3];
  r->pos += 4;
  return TRUE;
}

/* A scale byte then a 16-bit value. */
static gboolean
wsq_scaled16 (WsqReader *r, const char *field, double *out, GError **error)
{
  guint scale, value;

  if (!wsq_u8 (r, field, &scale, error) || !wsq_u16 (r, field, &value, error))
    return FALSE;
  *out = wsq_unscale (value, scale);
  return TRUE;
}

typedef struct {
  gboolean defined;
  guint8   bits[WSQ_MAX_HUFF_LEN];         /* number of codes of length 1..16 */
  guint8   values[256];
  int      mincode[WSQ_MAX_HUFF_LEN + 1];
  int      maxcode[WSQ_MAX_HUFF_LEN + 1];  /* -1: no code of that length */
  int      valptr[WSQ_MAX_HUFF_LEN + 1];
} WsqHuffTable;

typedef struct {
  WsqReader    r;
  WsqFilters   filters;
  gboolean     have_dtt, have_dqt, have_sof;
  double       bin_center;
  float        q[WSQ_N_SUBBANDS], z[WSQ_N_SUBBANDS];
  WsqHuffTable huff[WSQ_N_HUFF_TABLES];
  int          width, height;
  double       m_shift, r_scale;
  int          ppi;
} WsqDecoder;

/* Reads a segment's length field and returns a reader limited to it. */
static gboolean
wsq_segment (WsqDecoder *d, const char *name, gsize min_len, WsqReader *seg, GError **error)
{
  gsize start = d->r.pos;
  guint len;

  if (!wsq_u16 (&d->r, name, &len, error))
    return FALSE;
  if (len < min_len)
    return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, start,
                     "%s length field is %u, less than the %" G_GSIZE_FORMAT " bytes it must hold",
                     name, len, min_len);
  if (len > d->r.len - start)
    return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, start,
                     "%s length field is %u but only %" G_GSIZE_FORMAT " bytes are left",
                     name, len, d->r.len - start);
  *seg = (WsqReader) { d->r.data, start + len, d->r.pos };
  d->r.pos = start + len;
  return TRUE;
}

static gboolean
wsq_segment_end (const WsqReader *seg, const char *name, GError **error)
{
  if (seg->pos != seg->len)
    return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, seg->pos,
                     "%s length field leaves %" G_GSIZE_FORMAT " bytes that are not part of it",
                     name, seg->len - seg->pos);
  return TRUE;
}

static gboolean
wsq_read_dtt (WsqDecoder *d, GError **error)
{
  WsqReader seg;
  guint len_lo, len_hi;
  WsqFilters *f = &d->filters;

  if (!wsq_segment (d, "DTT (transform table)", 4, &seg, error))
    return FALSE;
  if (!wsq_u8 (&seg, "DTT lowpass filter length", &len_lo, error) ||
      !wsq_u8 (&seg, "DTT highpass filter length", &len_hi, error))
    return FALSE;
  for (int band = 0; band < 2; band++)
    {
      guint taps = band == 0 ? len_lo : len_hi;
      const char *what = band == 0 ? "lowpass" : "highpass";

      if (taps == 0 || taps > 2 * WSQ_MAX_HALF_TAPS - 1)
        return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, seg.pos - 2 + band,
                         "DTT %s filter length %u is out of range (1-%d)",
                         what, taps, 2 * WSQ_MAX_HALF_TAPS - 1);
      if (taps % 2 == 0)
        return wsq_fail (error, RL_MATCHER_ERROR_FORMAT, seg.pos - 2 + band,
                         "DTT %s filter has an even length (%u): only odd-length "
                         "(symmetric) filters such as the FBI's 9/7 are supported", what, taps);
      if (band == 0)
        f->n_lo = (taps + 1) / 2;
      else
        f->n_hi = (taps + 1) / 2;
    }
  for (int band = 0; band < 2; band++)
    {
      int n = band == 0 ? f->n_lo : f->n_hi;
      float *half = band == 0 ? f->lo : f->hi;

      for (int i = 0; i < n; i++)
        {
          guint sign, scale;
          guint32 value;
          double c;

          if (!wsq_u8 (&seg, "DTT coefficient sign", &sign, error) ||
              !wsq_u8 (&seg, "DTT coefficient scale", &scale, error) ||
              !wsq_u32 (&seg, "DTT coefficient", &value, error))
            return FALSE;
          if (sign > 1)
            return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, seg.pos - 6,
                             "DTT coefficient sign byte is %u (must be 0 or 1)", sign);
          c = wsq_unscale (value, scale);
          half[i] = (float) (sign ? -c : c);
        }
    }
  if (!wsq_segment_end (&seg, "DTT", error))
    return FALSE;
  wsq_filters_prepare (f);
  d->have_dtt = TRUE;
  return TRUE;
}

static gboolean
wsq_read_dqt (WsqDecoder *d, GError **error)
{
  WsqReader seg;

  if (!wsq_segment (d, "DQT (quantisation table)", 2 + 3 + 6 * WSQ_N_SUBBANDS, &seg, error))
    return FALSE;
  if (!wsq_scaled16 (&seg, "DQT bin centre", &d->bin_center, error))
    return FALSE;
  for (int k = 0; k < WSQ_N_SUBBANDS; k++)
    {
      double q, z;

      if (!wsq_scaled16 (&seg, "DQT bin width", &q, error) ||
          !wsq_scaled16 (&seg, "DQT zero-bin width", &z, error))
        return FALSE;
      d->q[k] = (float) q;
      d->z[k] = (float) z;
    }
  if (!wsq_segment_end (&seg, "DQT", error))
    return FALSE;
  d->have_dqt = TRUE;
  return TRUE;
}

/* Builds the canonical code ranges of a table (as in JPEG) and checks that
 * its code lengths describe a possible prefix code. */
static gboolean
wsq_huff_prepare (WsqHuffTable *t, gsize offset, guint id, GError **error)
{
  int code = 0, k = 0;

  for (int len = 1; len <= WSQ_MAX_HUFF_LEN; len++)
    {
      int n = t->bits[len - 1];

      t->valptr[len] = k;
      t->mincode[len] = code;
      t->maxcode[len] = n ? code + n - 1 : -1;
      code += n;
      k += n;
      if (code > (1 << len))
        return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, offset,
                         "DHT table %u declares more codes of length %d than can exist", id, len);
      code <<= 1;
    }
  return TRUE;
}

static gboolean
wsq_read_dht (WsqDecoder *d, GError **error)
{
  WsqReader seg;

  if (!wsq_segment (d, "DHT (Huffman table)", 2 + 1 + 16, &seg, error))
    return FALSE;
  /* One segment may hold several tables. */
  while (seg.pos < seg.len)
    {
      gsize start = seg.pos;
      guint id, n_values = 0;
      WsqHuffTable table = { 0 };

      if (!wsq_u8 (&seg, "DHT table id", &id, error))
        return FALSE;
      if (id >= WSQ_N_HUFF_TABLES)
        return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, start,
                         "DHT table id %u is out of range (0-%d)", id, WSQ_N_HUFF_TABLES - 1);
      if (!wsq_need (&seg, WSQ_MAX_HUFF_LEN, "DHT code counts", error))
        return FALSE;
      for (int i = 0; i < WSQ_MAX_HUFF_LEN; i++)
        {
          table.bits[i] = seg.data[seg.pos++];
          n_values += table.bits[i];
        }
      if (n_values == 0 || n_values > 256)
        return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, start + 1,
                         "DHT table %u declares %u codes (must be 1-256)", id, n_values);
      if (!wsq_need (&seg, n_values, "DHT symbol values", error))
        return FALSE;
      memcpy (table.values, seg.data + seg.pos, n_values);
      seg.pos += n_values;
      if (!wsq_huff_prepare (&table, start + 1, id, error))
        return FALSE;
      table.defined = TRUE;
      d->huff[id] = table;
    }
  d->r.pos = seg.len;
  return TRUE;
}

static gboolean
wsq_read_com (WsqDecoder *d, GError **error)
{
  WsqReader seg;
  g_autofree char *text = NULL;
  const char *ppi;

  if (!wsq_segment (d, "COM (comment)", 2, &seg, error))
    return FALSE;
  text = g_strndup ((const char *) seg.data + seg.pos, seg.len - seg.pos);
  /* NIST's comment carries the resolution as a "PPI n" line. */
  if (g_str_has_prefix (text, "NIST_COM") && (ppi = strstr (text, "\nPPI ")) != NULL)
    {
      gint64 v = g_ascii_strtoll (ppi + 5, NULL, 10);
      if (v > 0 && v <= 100000)
        d->ppi = (int) v;
    }
  return TRUE;
}

static gboolean
wsq_read_sof (WsqDecoder *d, GError **error)
{
  WsqReader seg;
  guint black, white, height, width, encoder, software;
  gsize size_at;

  if (!wsq_segment (d, "SOF (frame header)", 17, &seg, error))
    return FALSE;
  if (!wsq_u8 (&seg, "SOF black level", &black, error) ||
      !wsq_u8 (&seg, "SOF white level", &white, error))
    return FALSE;
  size_at = seg.pos;
  if (!wsq_u16 (&seg, "SOF height", &height, error) ||
      !wsq_u16 (&seg, "SOF width", &width, error) ||
      !wsq_scaled16 (&seg, "SOF mean shift M", &d->m_shift, error) ||
      !wsq_scaled16 (&seg, "SOF scale R", &d->r_scale, error) ||
      !wsq_u8 (&seg, "SOF encoder number", &encoder, error) ||
      !wsq_u16 (&seg, "SOF software number", &software, error))
    return FALSE;
  if (!wsq_segment_end (&seg, "SOF", error))
    return FALSE;
  if (width == 0 || height == 0)
    return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, size_at,
                     "SOF declares an empty image (%u × %u)", width, height);
  if (width > RL_IMAGE_MAX_SIDE || height > RL_IMAGE_MAX_SIDE)
    return wsq_fail (error, RL_MATCHER_ERROR_TOO_LARGE, size_at,
                     "SOF declares a %u × %u image, over the %d-pixel limit",
                     width, height, RL_IMAGE_MAX_SIDE);
  d->width = (int) width;
  d->height = (int) height;
  d->have_sof = TRUE;
  return TRUE;
}

/* Reads the next marker; the file must have one here. */
static gboolean
wsq_marker (WsqDecoder *d, guint *marker, GError **error)
{
  gsize at = d->r.pos;
  guint m;

  if (d->r.pos >= d->r.len)
    return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, at,
                     "the data ends before the end-of-image marker (FF A1)");
  if (!wsq_u16 (&d->r, "a marker", &m, error))
    return FALSE;
  if ((m >> 8) != 0xFF || (m & 0xFF) < WSQ_SOI || (m & 0xFF) > WSQ_COM)
    return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, at,
                     "expected a WSQ marker (FF A0-A8), found %02X %02X", m >> 8, m & 0xFF);
  *marker = m & 0xFF;
  return TRUE;
}

static gboolean
wsq_read_table (WsqDecoder *d, guint marker, GError **error)
{
  switch (marker)
    {
    case WSQ_DTT: return wsq_read_dtt (d, error);
    case WSQ_DQT: return wsq_read_dqt (d, error);
    case WSQ_DHT: return wsq_read_dht (d, error);
    case WSQ_COM: return wsq_read_com (d, error);
    case WSQ_DRT:
      {
        /* The interval only tells an encoder where to put restart markers;
         * the decoder resynchronises at each one it meets. */
        WsqReader seg;
        guint interval;

        return wsq_segment (d, "DRT (restart interval)", 4, &seg, error) &&
               wsq_u16 (&seg, "DRT restart interval", &interval, error) &&
               wsq_segment_end (&seg, "DRT", error);
      }
    default:
      return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, d->r.pos - 2,
                       "marker FF %02X is not allowed here", marker);
    }
}

/* Where the next decoded coefficient goes: subband and index in it. */
typedef struct {
  const WsqTree *tree;
  const float   *q, *z;
  float          bin_center;
  float         *plane;
  int            stride;
  int            band;       /* WSQ_N_CODED when every coefficient is in */
  gsize          index;
} WsqCursor;

static void
wsq_cursor_settle (WsqCursor *c)
{
  while (c->band < WSQ_N_CODED)
    {
      const WsqRegion *b = &c->tree->bands[c->band];
      if (c->q[c->band] != 0.0f && c->index < (gsize) b->w * (gsize) b->h)
        break;
      c->band++;
      c->index = 0;
    }
}

static gboolean
wsq_cursor_skip (WsqCursor *c, guint64 n, gsize offset, GError **error)
{
  while (n > 0)
    {
      const WsqRegion *b;
      gsize room;

      if (c->band >= WSQ_N_CODED)
        return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, offset,
                         "the coded data holds more coefficients than the image has");
      b = &c->tree->bands[c->band];
      room = (gsize) b->w * (gsize) b->h - c->index;
      if (n < room)
        {
          c->index += n;
          n = 0;
        }
      else
        {
          n -= room;
          c->index += room;
        }
      wsq_cursor_settle (c);
    }
  return TRUE;
}

static gboolean
wsq_cursor_put (WsqCursor *c, int value, gsize offset, GError **error)
{
  const WsqRegion *b;
  float q, z, v = 0.0f;
  int row, col;

  if (c->band >= WSQ_N_CODED)
    return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, offset,
                     "the coded data holds more coefficients than the image has");
  b = &c->tree->bands[c->band];
  q = c->q[c->band];
  z = c->z[c->band];
  /* Reconstruct at the bin's centre, C bin widths in from its inner edge. */
  if (value > 0)
    v = q * ((float) value - c->bin_center) + z / 2.0f;
  else if (value < 0)
    v = q * ((float) value + c->bin_center) - z / 2.0f;
  row = (int) (c->index / (gsize) b->w);
  col = (int) (c->index % (gsize) b->w);
  c->plane[(gsize) (b->y + row) * c->stride + b->x + col] = v;
  c->index++;
  wsq_cursor_settle (c);
  return TRUE;
}

typedef struct {
  WsqReader *r;
  guint      byte;
  int        left;   /* bits of byte not yet used */
} WsqBits;

enum { WSQ_BITS_MARKER = -1, WSQ_BITS_END = -2 };

/* The next bit of entropy-coded data; WSQ_BITS_MARKER when the next byte is
 * a marker (the reader stays on it), WSQ_BITS_END at the end of the data.
 * An FF data byte is followed by a stuffed 00. */
static int
wsq_bit (WsqBits *b)
{
  if (b->left == 0)
    {
      WsqReader *r = b->r;
      guint c;

      if (r->pos >= r->len)
        return WSQ_BITS_END;
      c = r->data[r->pos];
      if (c == 0xFF)
        {
          if (r->pos + 1 >= r->len)
            return WSQ_BITS_END;
          if (r->data[r->pos + 1] != 0x00)
            return WSQ_BITS_MARKER;
          r->pos += 2;
        }
      else
        r->pos++;
      b->byte = c;
      b->left = 8;
    }
  b->left--;
  return (b->byte >> b->left) & 1;
}

static gboolean
wsq_bits (WsqBits *b, int n, guint *out, GError **error)
{
  guint v = 0;

  for (int i = 0; i < n; i++)
    {
      int bit = wsq_bit (b);
      if (bit < 0)
        return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, b->r->pos,
                         bit == WSQ_BITS_END ? "the coded data is truncated inside an escape value"
                                             : "a marker interrupts an escape value");
      v = (v << 1) | (guint) bit;
    }
  *out = v;
  return TRUE;
}

/* At a restart marker (RST0-7) the coded data starts afresh on a byte
 * boundary: skip the marker and drop what is left of the current byte. */
static gboolean
wsq_skip_restart (WsqBits *b)
{
  WsqReader *r = b->r;

  if (r->pos + 1 < r->len && r->data[r->pos] == 0xFF &&
      r->data[r->pos + 1] >= WSQ_RST0 && r->data[r->pos + 1] <= WSQ_RST7)
    {
      r->pos += 2;
      b->left = 0;
      return TRUE;
    }
  return FALSE;
}

/* Decodes one block's entropy-coded data, up to the next marker. */
static gboolean
wsq_decode_block (WsqDecoder *d, const WsqHuffTable *t, WsqCursor *cursor, GError **error)
{
  WsqBits bits = { &d->r, 0, 0 };

  for (;;)
    {
      gsize at = d->r.pos;
      int bit = wsq_bit (&bits);
      int code, len = 1;
      guint symbol, extra;

      if (bit == WSQ_BITS_MARKER && wsq_skip_restart (&bits))
        continue;
      if (bit == WSQ_BITS_MARKER)
        return TRUE;
      if (bit == WSQ_BITS_END)
        return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, d->r.pos,
                         "the coded data ends without an end-of-image marker");
      code = bit;
      while (code > t->maxcode[len])
        {
          if (len == WSQ_MAX_HUFF_LEN)
            return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, at,
                             "invalid Huffman code (no code of up to 16 bits matches)");
          bit = wsq_bit (&bits);
          /* A marker inside a code: the rest was the last byte's padding. */
          if (bit == WSQ_BITS_MARKER)
            break;
          if (bit == WSQ_BITS_END)
            return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, d->r.pos,
                             "the coded data ends without an end-of-image marker");
          code = (code << 1) | bit;
          len++;
        }
      if (bit == WSQ_BITS_MARKER)
        {
          if (wsq_skip_restart (&bits))
            continue;
          return TRUE;
        }
      symbol = t->values[t->valptr[len] + code - t->mincode[len]];

      if (symbol >= 1 && symbol <= 100)
        {
          if (!wsq_cursor_skip (cursor, symbol, at, error))
            return FALSE;
        }
      else if (symbol >= 107 && symbol <= 254)
        {
          if (!wsq_cursor_put (cursor, (int) symbol - 180, at, error))
            return FALSE;
        }
      else if (symbol >= 101 && symbol <= 104)
        {
          if (!wsq_bits (&bits, symbol <= 102 ? 8 : 16, &extra, error))
            return FALSE;
          if (!wsq_cursor_put (cursor, (symbol % 2) ? (int) extra : -(int) extra, at, error))
            return FALSE;
        }
      else if (symbol == 105 || symbol == 106)
        {
          if (!wsq_bits (&bits, symbol == 105 ? 8 : 16, &extra, error))
            return FALSE;
          if (!wsq_cursor_skip (cursor, extra, at, error))
            return FALSE;
        }
      else
        return wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, at,
                         "Huffman symbol %u is not a valid WSQ coefficient category", symbol);
    }
}

gboolean
rl_wsq_has_magic (const guint8 *data, gsize len)
{
  return data != NULL && len >= 2 && data[0] == 0xFF && data[1] == WSQ_SOI;
}

static RlImage *
wsq_to_image (const float *plane, int width, int height, double m_shift, double r_scale, int ppi)
{
  RlImage *image = rl_image_new (width, height, ppi);
  float m = (float) m_shift, r = (float) r_scale;

  for (gsize i = 0; i < (gsize) width * (gsize) height; i++)
    {
      float p = plane[i] * r + m + 0.5f;
      /* Absurd filters or bin widths can overflow to inf or NaN: clamp
       * (NaN fails both comparisons, hence the order). */
      image->pixels[i] = p >= 255.0f ? 255 : p >= 0.0f ? (guint8) p : 0;
    }
  return image;
}

RlImage *
rl_wsq_decode (const guint8 *data, gsize len, GError **error)
{
  g_autofree WsqDecoder *d = NULL;
  g_autofree float *plane = NULL;
  WsqTree tree;
  WsqCursor cursor;
  WsqScratch scratch = { 0 };
  guint marker;
  gboolean have_block = FALSE;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!rl_wsq_has_magic (data, len))
    {
      wsq_fail (error, RL_MATCHER_ERROR_FORMAT, 0,
                "not a WSQ file (it must start with the marker FF A0)");
      return NULL;
    }
  d = g_new0 (WsqDecoder, 1);
  d->r = (WsqReader) { data, len, 2 };
  d->ppi = 500;

  /* Tables and comments, then the frame header. */
  for (;;)
    {
      if (!wsq_marker (d, &marker, error))
        return NULL;
      if (marker == WSQ_SOF)
        break;
      if (!wsq_read_table (d, marker, error))
        return NULL;
    }
  if (!wsq_read_sof (d, error))
    return NULL;

  wsq_tree_build (&tree, d->width, d->height);
  plane = g_try_new0 (float, (gsize) d->width * (gsize) d->height);
  if (plane == NULL)
    {
      wsq_fail (error, RL_MATCHER_ERROR_TOO_LARGE, d->r.pos,
                "not enough memory for a %d × %d image", d->width, d->height);
      return NULL;
    }

  /* Blocks of coded coefficients, with tables allowed between them. */
  for (;;)
    {
      gsize block_at;
      guint table_id;
      WsqReader seg;

      if (!wsq_marker (d, &marker, error))
        return NULL;
      if (marker == WSQ_EOI)
        break;
      if (marker != WSQ_SOB)
        {
          if (!wsq_read_table (d, marker, error))
            return NULL;
          continue;
        }
      block_at = d->r.pos - 2;
      if (!wsq_segment (d, "SOB (block header)", 3, &seg, error) ||
          !wsq_u8 (&seg, "SOB Huffman table id", &table_id, error) ||
          !wsq_segment_end (&seg, "SOB", error))
        return NULL;
      if (!d->have_dtt || !d->have_dqt)
        {
          wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, block_at,
                    "a block starts before the %s table is defined",
                    d->have_dtt ? "quantisation (DQT)" : "transform (DTT)");
          return NULL;
        }
      if (table_id >= WSQ_N_HUFF_TABLES || !d->huff[table_id].defined)
        {
          wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, seg.pos - 1,
                    "SOB uses Huffman table %u, which is not defined", table_id);
          return NULL;
        }
      if (!have_block)
        {
          for (int k = 0; k < WSQ_N_SUBBANDS; k++)
            if (!(d->q[k] >= 0.0f && d->z[k] >= 0.0f))
              {
                wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, block_at,
                          "DQT bin widths of subband %d are invalid", k);
                return NULL;
              }
          cursor = (WsqCursor) { &tree, d->q, d->z, (float) d->bin_center, plane, d->width, 0, 0 };
          wsq_cursor_settle (&cursor);
          have_block = TRUE;
        }
      if (!wsq_decode_block (d, &d->huff[table_id], &cursor, error))
        return NULL;
    }

  if (!d->have_dtt || !d->have_dqt)
    {
      wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, d->r.pos - 2,
                "the file ends without a %s table",
                d->have_dtt ? "quantisation (DQT)" : "transform (DTT)");
      return NULL;
    }
  if (!have_block)
    {
      /* No blocks: fine only if every subband was dropped (a blank image). */
      cursor = (WsqCursor) { &tree, d->q, d->z, (float) d->bin_center, plane, d->width, 0, 0 };
      wsq_cursor_settle (&cursor);
    }
  if (cursor.band < WSQ_N_CODED)
    {
      wsq_fail (error, RL_MATCHER_ERROR_CORRUPT, d->r.pos - 2,
                "the coded data stops in subband %d: the image is incomplete", cursor.band);
      return NULL;
    }

  wsq_scratch_init (&scratch, d->width, d->height, &d->filters);
  for (int i = WSQ_N_NODES - 1; i >= 0; i--)
    wsq_synthesise_region (plane, d->width, &tree.nodes[i], &d->filters, &scratch);
  wsq_scratch_clear (&scratch);

  return wsq_to_image (plane, d->width, d->height, d->m_shift, d->r_scale, d->ppi);
}

/* ------------------------------------------------------------------ */
/* Encoder                                                             */

/* The FBI's 9/7 analysis filters as the reference encoder stores them
 * (centre tap first, then one side). */
static const double wsq_fbi_lowpass[5] = {
  0.852698573, 0.3774028186, -0.1106243994, -0.02384946381, 0.03782845235,
};
static const double wsq_fbi_highpass[4] = {
  0.788485632, -0.4180923187, -0.04068942234, 0.0645388851,
};

typedef struct {
  GByteArray *out;
} WsqWriter;

static void
put_u8 (WsqWriter *w, guint v)
{
  guint8 b = (guint8) v;
  g_byte_array_append (w->out, &b, 1);
}

static void
put_u16 (WsqWriter *w, guint v)
{
  put_u8 (w, v >> 8);
  put_u8 (w, v & 0xFF);
}

static void
put_u32 (WsqWriter *w, guint32 v)
{
  put_u16 (w, v >> 16);
  put_u16 (w, v & 0xFFFF);
}

/* Writes v as scale + 16-bit value and returns what a decoder will read. */
static double
put_scaled16 (WsqWriter *w, double v)
{
  guint8 scale;
  guint32 value;

  wsq_scale (v, 65535.0, 9, &scale, &value);
  put_u8 (w, scale);
  put_u16 (w, value);
  return wsq_unscale (value, scale);
}

/* Variance of each subband, over its central part: the borders carry the
 * symmetric-extension artefacts and, in a print, often the background. */
static void
wsq_subband_variances (const float *plane, int stride, const WsqTree *tree, double var[WSQ_N_CODED])
{
  double total = 0.0;

  for (int pass = 0; pass < 2; pass++)
    {
      for (int k = 0; k < WSQ_N_CODED; k++)
        {
          const WsqRegion *b = &tree->bands[k];
          int x0 = 0, y0 = 0, w = b->w, h = b->h;
          double sum = 0.0, ssq = 0.0, n;

          if (pass == 0)
            {
              x0 = b->w / 8;
              y0 = (9 * b->h) / 32;
              w = (3 * b->w) / 4;
              h = (7 * b->h) / 16;
            }
          n = (double) w * h;
          if (n < 2)
            {
              var[k] = 0.0;
              continue;
            }
          for (int y = 0; y < h; y++)
            {
              const float *row = plane + (gsize) (b->y + y0 + y) * stride + b->x + x0;
              for (int x = 0; x < w; x++)
                {
                  sum += row[x];
                  ssq += (double) row[x] * row[x];
                }
            }
          var[k] = (ssq - sum * sum / n) / (n - 1.0);
          total += var[k];
        }
      /* A nearly blank image: the central parts say too little; use the
       * whole subbands. */
      if (pass == 0 && total >= 20000.0)
        break;
    }
}

/* The bin widths of the spec's encoder (Part 3): relative widths from each
 * subband's variance, scaled by one factor q chosen for the bitrate; bands
 * whose bin would be wider than 5 standard deviations carry nothing and are
 * dropped, and q is recomputed without them. */
static void
wsq_bin_widths (const double var[WSQ_N_CODED], double bitrate, double q_out[WSQ_N_SUBBANDS])
{
  double rel[WSQ_N_CODED], sigma[WSQ_N_CODED], area[WSQ_N_CODED];
  gboolean keep[WSQ_N_CODED];
  double q = 1.0;

  for (int k = 0; k < WSQ_N_CODED; k++)
    {
      /* Weights of the last eight subbands (the spec's A_k). */
      static const double a_high[8] = { 1.32, 1.08, 1.42, 1.08, 1.32, 1.42, 1.08, 1.08 };
      double a = k >= 52 ? a_high[k - 52] : 1.0;

      keep[k] = var[k] >= 1.01;
      sigma[k] = sqrt (MAX (var[k], 0.0));
      rel[k] = k < 4 ? 1.0 : (keep[k] ? 10.0 / (a * log (var[k])) : 0.0);
      /* Fraction of the image's area each subband holds. */
      area[k] = k < 4 ? 1.0 / 1024 : k < 51 ? 1.0 / 256 : 1.0 / 16;
    }

  for (;;)
    {
      double s = 0.0, log_p = 0.0;
      gboolean dropped = FALSE;

      for (int k = 0; k < WSQ_N_CODED; k++)
        if (keep[k])
          {
            s += area[k];
            log_p += area[k] * log (sigma[k] / rel[k]);
          }
      if (s <= 0.0)
        break;
      q = (pow (2.0, bitrate / s - 1.0) / 2.5) / exp (log_p / s);
      /* Only a handful of tiny subbands left (a nearly blank image): the
       * formula overflows; any fine quantiser will do. */
      if (!isfinite (q) || q <= 0.0)
        q = 1e6;
      for (int k = 0; k < WSQ_N_CODED; k++)
        if (keep[k] && rel[k] / q >= 5.0 * sigma[k])
          {
            keep[k] = FALSE;
            dropped = TRUE;
          }
      if (!dropped)
        break;
    }

  /* Bands left out of q's computation are still sent, with their own
   * (wide) bins: only bands with no variance to speak of are dropped. This
   * is what NIST's reference encoder does, and the wide bins cost little. */
  for (int k = 0; k < WSQ_N_SUBBANDS; k++)
    q_out[k] = (k < WSQ_N_CODED && var[k] >= 1.01) ? MAX (rel[k] / q, 0.05) : 0.0;
}

/* Huffman symbol with its extra bits. */
typedef struct {
  guint8  symbol;
  guint8  n_extra;
  guint16 extra;
} WsqSymbol;

static void
wsq_push (GArray *symbols, guint symbol, guint n_extra, guint extra)
{
  WsqSymbol s = { (guint8) symbol, (guint8) n_extra, (guint16) extra };
  g_array_append_val (symbols, s);
}

static void
wsq_push_zero_run (GArray *symbols, guint64 run)
{
  while (run > 0)
    {
      guint n = (guint) MIN (run, 0xFFFF);

      if (n <= 100)
        wsq_push (symbols, n, 0, 0);
      else if (n <= 0xFF)
        wsq_push (symbols, 105, 8, n);
      else
        wsq_push (symbols, 106, 16, n);
      run -= n;
    }
}

static void
wsq_push_value (GArray *symbols, int v)
{
  guint mag = (guint) MIN (ABS (v), 0xFFFF);

  if (v >= -73 && v <= 74)
    wsq_push (symbols, (guint) (v + 180), 0, 0);
  else if (mag <= 0xFF)
    wsq_push (symbols, v > 0 ? 101 : 102, 8, mag);
  else
    wsq_push (symbols, v > 0 ? 103 : 104, 16, mag);
}

typedef struct {
  guint8 bits[WSQ_MAX_HUFF_LEN];
  guint8 values[256];
  guint  n_values;
  guint  code[256];
  guint8 size[256];
} WsqHuffCode;

/* Code lengths from symbol counts (the JPEG method, Annex K of ITU T.81):
 * repeatedly merge the two least frequent trees, with one reserved extra
 * symbol so that no code is all ones; then cut lengths to 16 bits. */
static void
wsq_huff_build (const guint64 freq_in[256], WsqHuffCode *hc)
{
  guint64 freq[257];
  int codesize[257], others[257];
  int count[33] = { 0 };
  int order[256], n_order = 0;

  memset (hc, 0, sizeof *hc);
  for (int i = 0; i < 256; i++)
    freq[i] = freq_in[i];
  freq[256] = 1;
  for (int i = 0; i < 257; i++)
    {
      codesize[i] = 0;
      others[i] = -1;
    }

  for (;;)
    {
      int c1 = -1, c2 = -1;

      /* c1: least frequent; c2: next least. Ties go to the larger index so
       * the reserved symbol ends up longest. */
      for (int i = 0; i < 257; i++)
        if (freq[i] && (c1 < 0 || freq[i] <= freq[c1]))
          c1 = i;
      for (int i = 0; i < 257; i++)
        if (freq[i] && i != c1 && (c2 < 0 || freq[i] <= freq[c2]))
          c2 = i;
      if (c2 < 0)
        break;
      freq[c1] += freq[c2];
      freq[c2] = 0;
      for (;;)
        {
          codesize[c1]++;
          if (others[c1] < 0)
            break;
          c1 = others[c1];
        }
      others[c1] = c2;
      for (;;)
        {
          codesize[c2]++;
          if (others[c2] < 0)
            break;
          c2 = others[c2];
        }
    }

  for (int i = 0; i < 257; i++)
    if (codesize[i])
      count[MIN (codesize[i], 32)]++;

  /* Limit to 16 bits: move pairs of the longest codes up a level and
   * lengthen one shorter code to make room. */
  for (int i = 32; i > WSQ_MAX_HUFF_LEN; i--)
    while (count[i] > 0)
      {
        int j = i - 2;
        while (count[j] == 0)
          j--;
        count[i] -= 2;
        count[i - 1]++;
        count[j + 1] += 2;
        count[j]--;
      }
  /* Drop the reserved symbol from the longest length. */
  for (int i = WSQ_MAX_HUFF_LEN; i > 0; i--)
    if (count[i] > 0)
      {
        count[i]--;
        break;
      }

  /* Symbols by original code length, then by value. */
  for (int len = 1; len <= 32; len++)
    for (int i = 0; i < 256; i++)
      if (codesize[i] == len)
        order[n_order++] = i;

  {
    int k = 0, code = 0;

    for (int len = 1; len <= WSQ_MAX_HUFF_LEN; len++)
      {
        hc->bits[len - 1] = (guint8) count[len];
        for (int n = 0; n < count[len]; n++, k++)
          {
            int sym = order[k];
            hc->values[k] = (guint8) sym;
            hc->code[sym] = (guint) code++;
            hc->size[sym] = (guint8) len;
          }
        code <<= 1;
      }
    hc->n_values = (guint) k;
  }
}

typedef struct {
  WsqWriter *w;
  guint32    acc;
  int        n;
} WsqBitWriter;

static void
wsq_put_bits (WsqBitWriter *bw, guint value, int n)
{
  for (int i = n - 1; i >= 0; i--)
    {
      bw->acc = (bw->acc << 1) | ((value >> i) & 1);
      if (++bw->n == 8)
        {
          put_u8 (bw->w, bw->acc & 0xFF);
          if ((bw->acc & 0xFF) == 0xFF)
            put_u8 (bw->w, 0x00);
          bw->acc = 0;
          bw->n = 0;
        }
    }
}

static void
wsq_flush_bits (WsqBitWriter *bw)
{
  /* Pad with ones: no code is all ones, so the padding decodes to nothing. */
  while (bw->n != 0)
    wsq_put_bits (bw, 1, 1);
}

static void
wsq_put_dht (WsqWriter *w, guint id, const WsqHuffCode *hc)
{
  put_u8 (w, 0xFF);
  put_u8 (w, WSQ_DHT);
  put_u16 (w, 2 + 1 + WSQ_MAX_HUFF_LEN + hc->n_values);
  put_u8 (w, id);
  for (int i = 0; i < WSQ_MAX_HUFF_LEN; i++)
    put_u8 (w, hc->bits[i]);
  for (guint i = 0; i < hc->n_values; i++)
    put_u8 (w, hc->values[i]);
}

static void
wsq_put_block (WsqWriter *w, guint id, const WsqHuffCode *hc, const GArray *symbols)
{
  WsqBitWriter bw = { w, 0, 0 };

  put_u8 (w, 0xFF);
  put_u8 (w, WSQ_SOB);
  put_u16 (w, 3);
  put_u8 (w, id);
  for (guint i = 0; i < symbols->len; i++)
    {
      const WsqSymbol *s = &g_array_index (symbols, WsqSymbol, i);
      wsq_put_bits (&bw, hc->code[s->symbol], hc->size[s->symbol]);
      if (s->n_extra)
        wsq_put_bits (&bw, s->extra, s->n_extra);
    }
  wsq_flush_bits (&bw);
}

static void
wsq_put_dtt (WsqWriter *w, WsqFilters *f)
{
  put_u8 (w, 0xFF);
  put_u8 (w, WSQ_DTT);
  put_u16 (w, 2 + 2 + 6 * (G_N_ELEMENTS (wsq_fbi_lowpass) + G_N_ELEMENTS (wsq_fbi_highpass)));
  put_u8 (w, 2 * G_N_ELEMENTS (wsq_fbi_lowpass) - 1);
  put_u8 (w, 2 * G_N_ELEMENTS (wsq_fbi_highpass) - 1);
  f->n_lo = G_N_ELEMENTS (wsq_fbi_lowpass);
  f->n_hi = G_N_ELEMENTS (wsq_fbi_highpass);
  for (int band = 0; band < 2; band++)
    {
      const double *c = band == 0 ? wsq_fbi_lowpass : wsq_fbi_highpass;
      float *half = band == 0 ? f->lo : f->hi;
      int n = band == 0 ? f->n_lo : f->n_hi;

      for (int i = 0; i < n; i++)
        {
          guint8 scale;
          guint32 value;
          double stored;

          wsq_scale (c[i], 4294967295.0, 30, &scale, &value);
          put_u8 (w, c[i] < 0.0 ? 1 : 0);
          put_u8 (w, scale);
          put_u32 (w, value);
          /* Transform with exactly the coefficients a decoder reads. */
          stored = wsq_unscale (value, scale);
          half[i] = (float) (c[i] < 0.0 ? -stored : stored);
        }
    }
  wsq_filters_prepare (f);
}

GBytes *
rl_wsq_encode (const RlImage *image, float bitrate, GError **error)
{
  g_autofree float *plane = NULL;
  g_autoptr (GByteArray) out = NULL;
  GArray *symbols[3] = { NULL, NULL, NULL };
  g_autofree char *comment = NULL;
  WsqWriter w;
  WsqFilters filters;
  WsqTree tree;
  WsqScratch scratch = { 0 };
  WsqHuffCode codes[2];
  double var[WSQ_N_CODED], q_raw[WSQ_N_SUBBANDS];
  float q[WSQ_N_SUBBANDS], z[WSQ_N_SUBBANDS];
  double sum = 0.0, mean, r_exact, bin_center;
  gsize n_pixels;
  int lo = 255, hi = 0, width, height;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  width = image->width;
  height = image->height;
  if (image->pixels == NULL || width <= 0 || height <= 0)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID,
                   "WSQ: cannot encode an empty image (%d × %d)", width, height);
      return NULL;
    }
  if (width > RL_IMAGE_MAX_SIDE || height > RL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_LARGE,
                   "WSQ: a %d × %d image is over the %d-pixel limit",
                   width, height, RL_IMAGE_MAX_SIDE);
      return NULL;
    }
  if (!(bitrate > 0.0f && bitrate <= 8.0f))
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID,
                   "WSQ: bitrate %g is out of range (more than 0, at most 8 bits per pixel)",
                   (double) bitrate);
      return NULL;
    }

  out = g_byte_array_new ();
  w.out = out;
  n_pixels = (gsize) width * (gsize) height;

  /* Normalise to about ±128 around the mean: M and R. */
  for (gsize i = 0; i < n_pixels; i++)
    {
      sum += image->pixels[i];
      lo = MIN (lo, image->pixels[i]);
      hi = MAX (hi, image->pixels[i]);
    }
  mean = sum / (double) n_pixels;
  r_exact = MAX (hi - mean, mean - lo) / 128.0;
  if (r_exact <= 0.0)
    r_exact = 1.0;   /* a blank image: every coefficient is zero anyway */

  /* Normalise with the exact mean and range; the header stores them to
   * four or five significant digits, which changes the decoded grey levels
   * by far less than one level. (Normalising with the stored values instead
   * measures the same to 0.001 dB; this way our bin widths are the ones
   * NIST's reference encoder picks.) */
  plane = g_new (float, n_pixels);
  for (gsize i = 0; i < n_pixels; i++)
    plane[i] = (float) ((image->pixels[i] - mean) / r_exact);

  /* SOI, then the comment with the resolution, as NIST's encoder does. */
  put_u8 (&w, 0xFF);
  put_u8 (&w, WSQ_SOI);
  comment = g_strdup_printf ("NIST_COM 9\nPIX_WIDTH %d\nPIX_HEIGHT %d\nPIX_DEPTH 8\nPPI %d\n"
                             "LOSSY 1\nCOLORSPACE GRAY\nCOMPRESSION WSQ\nWSQ_BITRATE %f",
                             width, height, image->ppi > 0 ? image->ppi : 500, (double) bitrate);
  put_u8 (&w, 0xFF);
  put_u8 (&w, WSQ_COM);
  put_u16 (&w, 2 + (guint) strlen (comment));
  g_byte_array_append (out, (const guint8 *) comment, (guint) strlen (comment));

  wsq_put_dtt (&w, &filters);

  /* Forward transform, parents before children. */
  wsq_tree_build (&tree, width, height);
  wsq_scratch_init (&scratch, width, height, &filters);
  for (int i = 0; i < WSQ_N_NODES; i++)
    wsq_analyse_region (plane, width, &tree.nodes[i], &filters, &scratch);
  wsq_scratch_clear (&scratch);

  wsq_subband_variances (plane, width, &tree, var);
  wsq_bin_widths (var, bitrate, q_raw);

  /* DQT: bin centre 0.44, then Q_k and Z_k = 1.2 Q_k for all 64. */
  put_u8 (&w, 0xFF);
  put_u8 (&w, WSQ_DQT);
  put_u16 (&w, 2 + 3 + 6 * WSQ_N_SUBBANDS);
  bin_center = put_scaled16 (&w, 0.44);
  for (int k = 0; k < WSQ_N_SUBBANDS; k++)
    {
      q[k] = (float) put_scaled16 (&w, q_raw[k]);
      z[k] = (float) put_scaled16 (&w, 1.2 * q_raw[k]);
      if (q[k] == 0.0f)
        z[k] = 0.0f;
    }
  (void) bin_center;

  /* SOF. */
  put_u8 (&w, 0xFF);
  put_u8 (&w, WSQ_SOF);
  put_u16 (&w, 17);
  put_u8 (&w, 0);
  put_u8 (&w, 255);
  put_u16 (&w, (guint) height);
  put_u16 (&w, (guint) width);
  put_scaled16 (&w, mean);
  put_scaled16 (&w, r_exact);
  put_u8 (&w, 2);
  put_u16 (&w, 0);

  /* Quantise each block's subbands into Huffman symbols. */
  for (int block = 0; block < 3; block++)
    {
      guint64 run = 0;

      symbols[block] = g_array_new (FALSE, FALSE, sizeof (WsqSymbol));
      for (int k = wsq_block_start[block]; k < wsq_block_start[block + 1]; k++)
        {
          const WsqRegion *b = &tree.bands[k];
          float half_zero = z[k] / 2.0f;

          if (q[k] == 0.0f)
            continue;
          for (int y = 0; y < b->h; y++)
            {
              const float *row = plane + (gsize) (b->y + y) * width + b->x;
              for (int x = 0; x < b->w; x++)
                {
                  float c = row[x];
                  int v;

                  if (c >= -half_zero && c <= half_zero)
                    {
                      run++;
                      continue;
                    }
                  if (c > 0.0f)
                    v = (int) MIN ((c - half_zero) / q[k] + 1.0f, 65535.0f);
                  else
                    v = (int) MAX ((c + half_zero) / q[k] - 1.0f, -65535.0f);
                  wsq_push_zero_run (symbols[block], run);
                  run = 0;
                  wsq_push_value (symbols[block], v);
                }
            }
        }
      wsq_push_zero_run (symbols[block], run);
    }

  /* Table 0 codes block 1; table 1 blocks 2 and 3. */
  for (int t = 0; t < 2; t++)
    {
      guint64 freq[256] = { 0 };

      for (int block = t; block < (t == 0 ? 1 : 3); block++)
        for (guint i = 0; i < symbols[block]->len; i++)
          freq[g_array_index (symbols[block], WsqSymbol, i).symbol]++;
      wsq_huff_build (freq, &codes[t]);
    }
  {
    gboolean table_written[2] = { FALSE, FALSE };

    for (int block = 0; block < 3; block++)
      {
        int t = block == 0 ? 0 : 1;

        /* A block whose subbands were all dropped has nothing to send. */
        if (symbols[block]->len == 0)
          continue;
        if (!table_written[t])
          {
            wsq_put_dht (&w, (guint) t, &codes[t]);
            table_written[t] = TRUE;
          }
        wsq_put_block (&w, (guint) t, &codes[t], symbols[block]);
      }
  }

  for (int block = 0; block < 3; block++)
    g_array_unref (symbols[block]);

  put_u8 (&w, 0xFF);
  put_u8 (&w, WSQ_EOI);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
