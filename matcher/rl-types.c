#define G_LOG_DOMAIN "rl-matcher"

#include "rl-types.h"

#include <string.h>

G_DEFINE_QUARK (rl-matcher-error-quark, rl_matcher_error)

RlImage *
rl_image_new (int width, int height, int ppi)
{
  RlImage *image;

  if (width <= 0 || height <= 0 || width > 4 * RL_IMAGE_MAX_SIDE || height > 4 * RL_IMAGE_MAX_SIDE)
    return NULL;

  image = g_new0 (RlImage, 1);
  image->width = width;
  image->height = height;
  image->ppi = ppi;
  image->pixels = g_malloc0 ((gsize) width * (gsize) height);
  return image;
}

RlImage *
rl_image_copy (const RlImage *image)
{
  RlImage *copy;

  g_return_val_if_fail (image != NULL, NULL);

  copy = rl_image_new (image->width, image->height, image->ppi);
  memcpy (copy->pixels, image->pixels, (gsize) image->width * (gsize) image->height);
  return copy;
}

void
rl_image_free (RlImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

RlTemplate *
rl_template_new (guint n_minutiae, guint n_singularities)
{
  RlTemplate *tpl = g_new0 (RlTemplate, 1);

  tpl->n_minutiae = n_minutiae;
  tpl->minutiae = n_minutiae ? g_new0 (RlMinutia, n_minutiae) : NULL;
  tpl->n_singularities = n_singularities;
  tpl->singularities = n_singularities ? g_new0 (RlSingularity, n_singularities) : NULL;
  return tpl;
}

RlTemplate *
rl_template_copy (const RlTemplate *tpl)
{
  RlTemplate *copy;

  g_return_val_if_fail (tpl != NULL, NULL);

  copy = g_new0 (RlTemplate, 1);
  *copy = *tpl;
  copy->minutiae = tpl->n_minutiae ? g_memdup2 (tpl->minutiae, tpl->n_minutiae * sizeof (RlMinutia)) : NULL;
  copy->singularities = tpl->n_singularities
    ? g_memdup2 (tpl->singularities, tpl->n_singularities * sizeof (RlSingularity)) : NULL;
  return copy;
}

void
rl_template_free (RlTemplate *tpl)
{
  if (tpl == NULL)
    return;
  g_free (tpl->minutiae);
  g_free (tpl->singularities);
  g_free (tpl);
}
