#define G_LOG_DOMAIN "rl-extract"

#include "rl-extract.h"

#include <math.h>
#include <string.h>

#include "rl-extract-private.h"
#include "rl-image-io.h"

struct _RlExtraction {
  RlExtractCtx ctx;
  RlImage     *image;       /* 500 ppi */
  RlTemplate  *tpl;
  double       elapsed_ms;
  /* Display images, made on first request. */
  RlImage     *mask_img;
  RlImage     *enh_img;
  RlImage     *skel_img;
  RlImage     *quality_img;
  float       *orient_api;
  float       *period_api;
};

static void
ctx_clear (RlExtractCtx *c)
{
  g_free (c->norm);
  g_free (c->contrast);
  g_free (c->energy);
  g_free (c->orient);
  g_free (c->coherence);
  g_free (c->flow);
  g_free (c->period);
  g_free (c->period_raw);
  g_free (c->bmask);
  g_free (c->mask);
  g_free (c->border_dist);
  g_free (c->enh);
  g_free (c->ridge);
  g_free (c->skel);
  g_free (c->bquality);
}

void
rl_extraction_free (RlExtraction *ex)
{
  if (ex == NULL)
    return;
  ctx_clear (&ex->ctx);
  rl_image_free (ex->image);
  rl_template_free (ex->tpl);
  rl_image_free (ex->mask_img);
  rl_image_free (ex->enh_img);
  rl_image_free (ex->skel_img);
  rl_image_free (ex->quality_img);
  g_free (ex->orient_api);
  g_free (ex->period_api);
  g_free (ex);
}

/* A blank (or all-black, or all-white) image has no grey variation at all;
 * say so plainly rather than "no ridge area". */
static gboolean
is_flat (const RlImage *img, int *level)
{
  gsize n = (gsize) img->width * img->height;
  int lo = 255, hi = 0;
  for (gsize i = 0; i < n; i += 7)
    {
      lo = MIN (lo, img->pixels[i]);
      hi = MAX (hi, img->pixels[i]);
    }
  *level = (lo + hi) / 2;
  return hi - lo < 16;
}

/* What segmentation calls contrast enough (rl_enhance_segment's floor). */
#define RIDGE_CONTRAST_MIN 7.0

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;
  return (x > y) - (x < y);
}

static double
contrast_percentile (const RlExtractCtx *c, double q)
{
  int nb = c->bw * c->bh;
  g_autofree float *v = g_memdup2 (c->contrast, sizeof (float) * nb);
  qsort (v, nb, sizeof (float), cmp_float);
  return v[CLAMP ((int) (nb * q), 0, nb - 1)];
}

/* Pure noise (sensor noise, a scrambled file, noise of any grain up to a
 * ridge's width) has enough contrast to pass segmentation, and used to come
 * out as an empty template of quality ~6, which a search then ran on. A
 * print's ridges keep their direction over several periods; noise does not.
 * Measured with the 56-pixel-window coherence (rl_enhance_orientation's
 * `flow`), the share of the textured area where it exceeds 0.3 is 0.33 on
 * the poorest of the 320 real prints of the four FVC sets (FVC2002_DB3_B
 * 110_3; the next 0.49) and at most 0.10 on white, Gaussian, binary and
 * blurred noise up to a grain of σ ≈ 5 pixels (0.23 at σ ≈ 6, and noise
 * coarser than that is a wavy texture, not noise, to this measure): the
 * rule sits between them. */
#define FLOW_COHERENT 0.3f
#define FLOW_SHARE_MIN 0.20

static gboolean
has_ridge_flow (const RlExtractCtx *c, GError **error)
{
  int nb = c->bw * c->bh, nfg = 0, ncoh = 0;
  double share;

  for (int k = 0; k < nb; k++)
    if (c->bmask[k])
      {
        nfg++;
        ncoh += c->flow[k] > FLOW_COHERENT;
      }
  share = (double) ncoh / MAX (nfg, 1);
  g_debug ("ridge flow: %.3f of %d textured blocks coherent", share, nfg);
  if (share >= FLOW_SHARE_MIN)
    return TRUE;
  g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_NO_PRINT,
               "no ridge structure found: only %.0f %% of the textured area (%d × %d pixels at 500 ppi) "
               "has a consistent ridge direction, a print has %.0f %% or more; the image looks like noise",
               100 * share, c->w, c->h, 100 * FLOW_SHARE_MIN);
  return FALSE;
}

/* A smooth image (a photograph's gradients and soft shapes) has a steady
 * direction but no ridges of a fingerprint's period: the Gabor filters,
 * tuned to 5–15 pixel periods, then explain little of it. The correlation
 * between the normalised image and its enhancement over the print area is
 * 0.50 or more on all 320 real prints of the four FVC sets, 0.09 on a
 * smooth pattern of 30–45 pixel waves. */
#define CLARITY_MIN 0.3

static gboolean
has_ridges (const RlExtractCtx *c, GError **error)
{
  double sne = 0, snn = 0, see = 0, clarity;

  for (gsize i = 0; i < (gsize) c->w * c->h; i++)
    if (c->mask[i])
      {
        sne += (double) c->norm[i] * c->enh[i];
        snn += (double) c->norm[i] * c->norm[i];
        see += (double) c->enh[i] * c->enh[i];
      }
  clarity = (snn > 0 && see > 0) ? sne / sqrt (snn * see) : 0;
  if (clarity >= CLARITY_MIN)
    return TRUE;
  g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_NO_PRINT,
               "no ridge structure found: ridges of a print's spacing (5–15 pixels at 500 ppi) explain "
               "only %.2f of the image's grey pattern (correlation; a print gives %.2f or more); "
               "it varies too smoothly to hold ridges",
               clarity, CLARITY_MIN);
  return FALSE;
}

RlExtraction *
rl_extract (const RlImage *image, GError **error)
{
  g_autoptr(RlExtraction) ex = NULL;
  RlExtractCtx *c;
  gint64 t0 = g_get_monotonic_time ();
  int level;
  g_autoptr(GArray) minutiae = NULL;
  g_autoptr(GArray) sings = NULL;

  g_return_val_if_fail (image != NULL && image->pixels != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (image->width < RL_IMAGE_MIN_SIDE || image->height < RL_IMAGE_MIN_SIDE ||
      image->width > RL_IMAGE_MAX_SIDE || image->height > RL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, RL_MATCHER_ERROR,
                   image->width < RL_IMAGE_MIN_SIDE || image->height < RL_IMAGE_MIN_SIDE
                     ? RL_MATCHER_ERROR_TOO_SMALL : RL_MATCHER_ERROR_TOO_LARGE,
                   "a %d × %d image is outside the sizes a print can have (%d to %d pixels a side)",
                   image->width, image->height, RL_IMAGE_MIN_SIDE, RL_IMAGE_MAX_SIDE);
      return NULL;
    }

  ex = g_new0 (RlExtraction, 1);
  ex->image = rl_image_resample (image, 500);
  if (ex->image == NULL || ex->image->width > RL_IMAGE_MAX_SIDE || ex->image->height > RL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_LARGE,
                   "the image (%d × %d at %d ppi) would be over %d pixels a side at 500 ppi",
                   image->width, image->height, image->ppi, RL_IMAGE_MAX_SIDE);
      return NULL;
    }
  if (ex->image->width < RL_IMAGE_MIN_SIDE || ex->image->height < RL_IMAGE_MIN_SIDE)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_SMALL,
                   "the image (%d × %d at %d ppi) is too small at 500 ppi",
                   image->width, image->height, image->ppi);
      return NULL;
    }
  if (is_flat (ex->image, &level))
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_NO_PRINT,
                   "the image is uniformly %s: there is no print in it",
                   level < 64 ? "black" : level > 192 ? "white" : "grey");
      return NULL;
    }

  c = &ex->ctx;
  c->w = ex->image->width;
  c->h = ex->image->height;
  c->bw = (c->w + RL_BLOCK - 1) / RL_BLOCK;
  c->bh = (c->h + RL_BLOCK - 1) / RL_BLOCK;
  c->grey = ex->image->pixels;

  rl_enhance_normalise (c);
  rl_enhance_orientation (c);
  if (!rl_enhance_segment (c))
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_NO_PRINT,
                   "no ridge structure found: the local grey-level spread of the %d × %d image is %.1f at "
                   "most (standard deviation over 17 × 17 pixels, two ridge periods; a print's ridges give "
                   "%.0f or more over at least 64 × 64 pixels); it is blank, too smooth, or holds no print",
                   image->width, image->height, contrast_percentile (c, 0.95), RIDGE_CONTRAST_MIN);
      return NULL;
    }
  if (!has_ridge_flow (c, error))
    return NULL;
  rl_enhance_period (c);
  rl_enhance_gabor (c);
  if (!has_ridges (c, error))
    return NULL;
  rl_enhance_binarise_and_thin (c);
  rl_quality_blocks (c);
  minutiae = rl_minutiae_detect (c);
  sings = rl_singularities_detect (c);

  ex->tpl = rl_template_new (MIN (minutiae->len, 255), sings->len);
  ex->tpl->width = (uint16_t) c->w;
  ex->tpl->height = (uint16_t) c->h;
  ex->tpl->quality = (uint8_t) rl_quality_score (c);
  if (minutiae->len > 255)
    {
      /* ISO 19794-2 holds at most 255 minutiae: keep the most reliable. */
      GArray *m = minutiae;
      for (guint i = 0; i < m->len; i++)
        for (guint j = i + 1; j < m->len; j++)
          if (g_array_index (m, RlMinutia, j).reliability > g_array_index (m, RlMinutia, i).reliability)
            {
              RlMinutia t = g_array_index (m, RlMinutia, i);
              g_array_index (m, RlMinutia, i) = g_array_index (m, RlMinutia, j);
              g_array_index (m, RlMinutia, j) = t;
            }
    }
  if (ex->tpl->n_minutiae)
    memcpy (ex->tpl->minutiae, minutiae->data, sizeof (RlMinutia) * ex->tpl->n_minutiae);
  if (sings->len)
    memcpy (ex->tpl->singularities, sings->data, sizeof (RlSingularity) * sings->len);

  /* The finer fields are only needed for display; keep what the getters use. */
  g_clear_pointer (&c->ridge, g_free);
  ex->elapsed_ms = (g_get_monotonic_time () - t0) / 1000.0;
  return g_steal_pointer (&ex);
}

RlTemplate *
rl_extract_template (const RlImage *image, GError **error)
{
  g_autoptr(RlExtraction) ex = rl_extract (image, error);
  return ex ? rl_template_copy (ex->tpl) : NULL;
}

const RlTemplate *
rl_extraction_get_template (RlExtraction *ex)
{
  g_return_val_if_fail (ex != NULL, NULL);
  return ex->tpl;
}

const RlImage *
rl_extraction_get_image (RlExtraction *ex)
{
  g_return_val_if_fail (ex != NULL, NULL);
  return ex->image;
}

const RlImage *
rl_extraction_get_mask (RlExtraction *ex)
{
  g_return_val_if_fail (ex != NULL, NULL);
  if (ex->mask_img == NULL)
    {
      const RlExtractCtx *c = &ex->ctx;
      ex->mask_img = rl_image_new (c->w, c->h, 500);
      for (gsize i = 0; i < (gsize) c->w * c->h; i++)
        ex->mask_img->pixels[i] = c->mask[i] ? 255 : 0;
    }
  return ex->mask_img;
}

const RlImage *
rl_extraction_get_enhanced (RlExtraction *ex)
{
  g_return_val_if_fail (ex != NULL, NULL);
  if (ex->enh_img == NULL)
    {
      const RlExtractCtx *c = &ex->ctx;
      ex->enh_img = rl_image_new (c->w, c->h, 500);
      for (gsize i = 0; i < (gsize) c->w * c->h; i++)
        {
          float v = 128.0f - 100.0f * c->enh[i];
          ex->enh_img->pixels[i] = c->mask[i] ? (uint8_t) CLAMP (lrintf (v), 0, 255) : 255;
        }
    }
  return ex->enh_img;
}

const RlImage *
rl_extraction_get_skeleton (RlExtraction *ex)
{
  g_return_val_if_fail (ex != NULL, NULL);
  if (ex->skel_img == NULL)
    {
      const RlExtractCtx *c = &ex->ctx;
      ex->skel_img = rl_image_new (c->w, c->h, 500);
      for (gsize i = 0; i < (gsize) c->w * c->h; i++)
        ex->skel_img->pixels[i] = c->skel[i] ? 0 : 255;
    }
  return ex->skel_img;
}

const RlImage *
rl_extraction_get_quality_map (RlExtraction *ex)
{
  g_return_val_if_fail (ex != NULL, NULL);
  if (ex->quality_img == NULL)
    {
      const RlExtractCtx *c = &ex->ctx;
      ex->quality_img = rl_image_new (c->w, c->h, 500);
      for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++)
          ex->quality_img->pixels[(gsize) y * c->w + x] = c->bquality[(y / RL_BLOCK) * c->bw + x / RL_BLOCK];
    }
  return ex->quality_img;
}

const float *
rl_extraction_get_orientation (RlExtraction *ex, int *block_size, int *cols, int *rows)
{
  const RlExtractCtx *c;

  g_return_val_if_fail (ex != NULL, NULL);
  c = &ex->ctx;
  if (ex->orient_api == NULL)
    {
      ex->orient_api = g_new (float, c->bw * c->bh);
      for (int k = 0; k < c->bw * c->bh; k++)
        /* Stored with y down; the API measures with y up like minutiae. */
        ex->orient_api[k] = c->bmask[k] ? rl_wrap_pi ((float) G_PI - c->orient[k]) : NAN;
    }
  if (block_size)
    *block_size = RL_BLOCK;
  if (cols)
    *cols = c->bw;
  if (rows)
    *rows = c->bh;
  return ex->orient_api;
}

const float *
rl_extraction_get_ridge_period (RlExtraction *ex, int *block_size, int *cols, int *rows)
{
  const RlExtractCtx *c;

  g_return_val_if_fail (ex != NULL, NULL);
  c = &ex->ctx;
  if (ex->period_api == NULL)
    {
      ex->period_api = g_new (float, c->bw * c->bh);
      for (int k = 0; k < c->bw * c->bh; k++)
        ex->period_api[k] = c->bmask[k] ? c->period[k] : NAN;
    }
  if (block_size)
    *block_size = RL_BLOCK;
  if (cols)
    *cols = c->bw;
  if (rows)
    *rows = c->bh;
  return ex->period_api;
}

double
rl_extraction_get_elapsed_ms (RlExtraction *ex)
{
  g_return_val_if_fail (ex != NULL, 0);
  return ex->elapsed_ms;
}
