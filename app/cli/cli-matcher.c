#define G_LOG_DOMAIN "ridgeline-cli"

/* ridgeline-cli extract IMAGE [--ppi N] [--json] [-o TEMPLATE] [--dump-dir DIR] */

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rl-cli.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-template-io.h"

static const char *
kind_name (int kind)
{
  return kind == RL_MINUTIA_ENDING ? "ending" : kind == RL_MINUTIA_BIFURCATION ? "bifurcation" : "other";
}

static double
degrees (float radians)
{
  return radians * 180.0 / G_PI;
}

/* The orientation field as an image: a short dark line per block on white. */
static RlImage *
draw_orientation (RlExtraction *ex)
{
  const RlImage *base = rl_extraction_get_image (ex);
  int bs, cols, rows;
  const float *o = rl_extraction_get_orientation (ex, &bs, &cols, &rows);
  RlImage *img = rl_image_new (base->width, base->height, 500);

  memset (img->pixels, 255, (gsize) img->width * img->height);
  for (int r = 0; r < rows; r += 2)
    for (int c = 0; c < cols; c += 2)
      {
        float a = o[r * cols + c];
        float cx = c * bs + bs / 2.0f, cy = r * bs + bs / 2.0f;
        if (isnan (a))
          continue;
        for (float t = -bs * 0.9f; t <= bs * 0.9f; t += 0.5f)
          {
            int x = (int) lrintf (cx + t * cosf (a));
            int y = (int) lrintf (cy - t * sinf (a));   /* the angle has y up */
            if (x >= 0 && y >= 0 && x < img->width && y < img->height)
              img->pixels[(gsize) y * img->width + x] = 0;
          }
      }
  return img;
}

/* The ridge period per block as grey: 4 px black … 16 px white. */
static RlImage *
draw_period (RlExtraction *ex)
{
  const RlImage *base = rl_extraction_get_image (ex);
  int bs, cols, rows;
  const float *t = rl_extraction_get_ridge_period (ex, &bs, &cols, &rows);
  RlImage *img = rl_image_new (base->width, base->height, 500);

  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width; x++)
      {
        float v = t[(y / bs) * cols + x / bs];
        img->pixels[(gsize) y * img->width + x] = isnan (v) ? 0 : (uint8_t) CLAMP ((v - 4) * 255 / 12, 1, 255);
      }
  return img;
}

/* The print with its minutiae drawn: a square for an ending, a circle for a
 * bifurcation, a tail along the direction; cores and deltas as crosses. */
static RlImage *
draw_minutiae (RlExtraction *ex)
{
  const RlImage *base = rl_extraction_get_image (ex);
  const RlTemplate *tpl = rl_extraction_get_template (ex);
  RlImage *img = rl_image_copy (base);
  int w = img->width, h = img->height;

  /* Fade the print so the marks stand out. */
  for (gsize i = 0; i < (gsize) w * h; i++)
    img->pixels[i] = (uint8_t) (150 + img->pixels[i] * 105 / 255);

#define PUT(X, Y) G_STMT_START { int px_ = (X), py_ = (Y); \
    if (px_ >= 0 && py_ >= 0 && px_ < w && py_ < h) img->pixels[(gsize) py_ * w + px_] = 0; } G_STMT_END

  for (guint i = 0; i < tpl->n_minutiae; i++)
    {
      const RlMinutia *m = &tpl->minutiae[i];
      int x = (int) m->x, y = (int) m->y;
      if (m->kind == RL_MINUTIA_ENDING)
        for (int k = -3; k <= 3; k++)
          {
            PUT (x + k, y - 3); PUT (x + k, y + 3); PUT (x - 3, y + k); PUT (x + 3, y + k);
          }
      else
        for (int k = 0; k < 24; k++)
          PUT ((int) lrintf (x + 3.5f * cosf (k * G_PI / 12)), (int) lrintf (y + 3.5f * sinf (k * G_PI / 12)));
      for (float t = 4; t <= 14; t += 0.5f)
        PUT ((int) lrintf (x + t * cosf (m->angle)), (int) lrintf (y - t * sinf (m->angle)));
    }
  for (guint i = 0; i < tpl->n_singularities; i++)
    {
      const RlSingularity *s = &tpl->singularities[i];
      int x = (int) s->x, y = (int) s->y;
      for (int k = -8; k <= 8; k++)
        {
          PUT (x + k, y + k); PUT (x + k, y - k);
          if (s->kind == RL_SINGULARITY_CORE)
            {
              PUT (x + k, y); PUT (x, y + k);
            }
        }
    }
#undef PUT
  return img;
}

static gboolean
dump_intermediates (RlExtraction *ex, const char *dir, GError **error)
{
  g_autoptr(RlImage) orient = draw_orientation (ex);
  g_autoptr(RlImage) marked = draw_minutiae (ex);
  g_autoptr(RlImage) period = draw_period (ex);
  const struct { const char *name; const RlImage *img; } files[] = {
    { "image.png", rl_extraction_get_image (ex) },
    { "mask.png", rl_extraction_get_mask (ex) },
    { "orientation.png", orient },
    { "period.png", period },
    { "enhanced.png", rl_extraction_get_enhanced (ex) },
    { "skeleton.png", rl_extraction_get_skeleton (ex) },
    { "quality.png", NULL },
    { "minutiae.png", marked },
  };
  g_autoptr(RlImage) quality = rl_image_copy (rl_extraction_get_quality_map (ex));

  /* 0..100 → 0..250 so the map is visible. */
  for (gsize i = 0; i < (gsize) quality->width * quality->height; i++)
    quality->pixels[i] = (uint8_t) (quality->pixels[i] * 5 / 2);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                   _("cannot create the folder “%s”: %s"), dir, g_strerror (e));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i].name, NULL);
      if (!rl_image_save (files[i].img ? files[i].img : quality, path, error))
        return FALSE;
    }
  return TRUE;
}

static void
print_json (RlExtraction *ex, const char *path)
{
  const RlTemplate *tpl = rl_extraction_get_template (ex);
  g_autoptr(GString) s = g_string_new ("{\n");
  g_autofree char *escaped = g_strescape (path, NULL);

  g_string_append_printf (s, "  \"image\": \"%s\",\n", escaped);
  g_string_append_printf (s, "  \"width\": %u,\n  \"height\": %u,\n", tpl->width, tpl->height);
  g_string_append_printf (s, "  \"quality\": %u,\n", tpl->quality);
  g_string_append_printf (s, "  \"time_ms\": %.2f,\n", rl_extraction_get_elapsed_ms (ex));
  g_string_append (s, "  \"minutiae\": [");
  for (guint i = 0; i < tpl->n_minutiae; i++)
    {
      const RlMinutia *m = &tpl->minutiae[i];
      g_string_append_printf (s, "%s\n    {\"x\": %.1f, \"y\": %.1f, \"angle_deg\": %.1f, \"kind\": \"%s\", \"reliability\": %u}",
                              i ? "," : "", m->x, m->y, degrees (m->angle), kind_name (m->kind), m->reliability);
    }
  g_string_append (s, tpl->n_minutiae ? "\n  ],\n" : "],\n");
  g_string_append (s, "  \"singularities\": [");
  for (guint i = 0; i < tpl->n_singularities; i++)
    {
      const RlSingularity *g = &tpl->singularities[i];
      g_string_append_printf (s, "%s\n    {\"x\": %.1f, \"y\": %.1f, \"angle_deg\": %.1f, \"kind\": \"%s\", \"reliability\": %u}",
                              i ? "," : "", g->x, g->y, degrees (g->angle),
                              g->kind == RL_SINGULARITY_CORE ? "core" : "delta", g->reliability);
    }
  g_string_append (s, tpl->n_singularities ? "\n  ]\n}\n" : "]\n}\n");
  fputs (s->str, stdout);
}

static void
print_text (RlExtraction *ex, const char *path)
{
  const RlTemplate *tpl = rl_extraction_get_template (ex);
  guint endings = 0, bifurcations = 0, cores = 0, deltas = 0;

  for (guint i = 0; i < tpl->n_minutiae; i++)
    {
      if (tpl->minutiae[i].kind == RL_MINUTIA_ENDING)
        endings++;
      else if (tpl->minutiae[i].kind == RL_MINUTIA_BIFURCATION)
        bifurcations++;
    }
  for (guint i = 0; i < tpl->n_singularities; i++)
    {
      if (tpl->singularities[i].kind == RL_SINGULARITY_CORE)
        cores++;
      else
        deltas++;
    }
  printf (_("Image:      %s (%u × %u at 500 ppi)\n"), path, tpl->width, tpl->height);
  printf (_("Quality:    %u / 100\n"), tpl->quality);
  printf (_("Minutiae:   %u (%u endings, %u bifurcations)\n"), tpl->n_minutiae, endings, bifurcations);
  printf (_("Cores:      %u\n"), cores);
  printf (_("Deltas:     %u\n"), deltas);
  for (guint i = 0; i < tpl->n_singularities; i++)
    {
      const RlSingularity *g = &tpl->singularities[i];
      printf ("  %-6s at (%.0f, %.0f), direction %.0f°\n",
              g->kind == RL_SINGULARITY_CORE ? _("core") : _("delta"), g->x, g->y, degrees (g->angle));
    }
  printf (_("Time:       %.1f ms\n"), rl_extraction_get_elapsed_ms (ex));
}

int
rl_cli_extract (int argc, char **argv)
{
  int ppi = 0;
  gboolean json = FALSE;
  g_autofree char *output = NULL;
  g_autofree char *dump_dir = NULL;
  g_auto(GStrv) rest = NULL;
  GOptionEntry entries[] = {
    { "ppi", 0, 0, G_OPTION_ARG_INT, &ppi, N_("Resolution of the image in pixels per inch (default 500)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the template as JSON"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the template to FILE (.iso: ISO/IEC 19794-2, .ansi: ANSI 378, else Ridgeline's own)"), N_("FILE") },
    { "dump-dir", 0, 0, G_OPTION_ARG_FILENAME, &dump_dir, N_("Write the intermediate images (mask, orientation, period, enhanced, skeleton, quality, minutiae) as PNG into DIR"), N_("DIR") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, N_("IMAGE") },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("IMAGE — extract minutiae, cores/deltas and quality from a print"));
  g_autoptr(GError) error = NULL;
  g_autoptr(RlImage) image = NULL;
  g_autoptr(RlExtraction) ex = NULL;

  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "ridgeline-cli extract: %s\n", error->message);
      return 2;
    }
  if (rest == NULL || rest[0] == NULL || rest[1] != NULL)
    {
      fprintf (stderr, _("Usage: ridgeline-cli extract IMAGE [--ppi N] [--json] [-o TEMPLATE] [--dump-dir DIR]\n"));
      return 2;
    }
  if (ppi < 0)
    return rl_cli_fail (_("--ppi must be positive, not %d"), ppi);

  image = rl_image_load (rest[0], ppi, &error);
  if (image == NULL)
    return rl_cli_fail_error (error);
  ex = rl_extract (image, &error);
  if (ex == NULL)
    return rl_cli_fail ("%s: %s", rest[0], error->message);

  if (json)
    print_json (ex, rest[0]);
  else
    print_text (ex, rest[0]);

  if (output != NULL)
    {
      RlTemplateFormat format = RL_TEMPLATE_FORMAT_RIDGELINE;
      if (g_str_has_suffix (output, ".iso"))
        format = RL_TEMPLATE_FORMAT_ISO19794_2;
      else if (g_str_has_suffix (output, ".ansi"))
        format = RL_TEMPLATE_FORMAT_ANSI378;
      if (!rl_template_save (rl_extraction_get_template (ex), output, format, &error))
        return rl_cli_fail_error (error);
    }
  if (dump_dir != NULL && !dump_intermediates (ex, dump_dir, &error))
    return rl_cli_fail_error (error);
  return 0;
}
