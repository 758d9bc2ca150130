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
                   "no ridge area found in the %d × %d image: it is blank or holds no print",
                   image->width, image->height);
      return NULL;
    }
  rl_enhance_period (c);
  rl_enhance_gabor (c);
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
