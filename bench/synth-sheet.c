/* synth-sheet — save a contact sheet PNG of synthetic fingers: per row one
 * finger's master ridge pattern, its neutral print and random impressions.
 *
 *   synth-sheet OUT.png [FIRST_SEED] [FINGERS] [IMPRESSIONS] [SCALE]
 *
 * With SYNTH_SHEET_MINUTIAE set, the ground-truth minutiae are drawn on the
 * master and the first impression.
 */
#include <cairo.h>
#include <glib.h>
#include <math.h>
#include <stdlib.h>

#include "rl-synth.h"

static void
paint_image (cairo_t *cr, const RlImage *img, double x, double y, double scale)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, img->width, img->height);
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);

  cairo_surface_flush (s);
  for (int j = 0; j < img->height; j++)
    for (int i = 0; i < img->width; i++)
      {
        guint8 v = img->pixels[j * img->width + i];
        guint32 *p = (guint32 *) (data + j * stride) + i;
        *p = 0xff000000u | (guint32) v << 16 | (guint32) v << 8 | v;
      }
  cairo_surface_mark_dirty (s);
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, s, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (s);
}

/* Ground-truth minutiae: endings red, bifurcations blue, with a tick in their direction. */
static void
paint_minutiae (cairo_t *cr, const RlTemplate *tpl, double ox, double oy, double scale)
{
  cairo_set_line_width (cr, 1.2);
  for (guint i = 0; i < tpl->n_minutiae; i++)
    {
      const RlMinutia *m = &tpl->minutiae[i];
      double x = ox + m->x * scale, y = oy + m->y * scale;
      if (m->kind == RL_MINUTIA_ENDING)
        cairo_set_source_rgb (cr, 0.9, 0.1, 0.1);
      else
        cairo_set_source_rgb (cr, 0.1, 0.3, 1.0);
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, 3, 0, 2 * G_PI);
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + 9 * cos (m->angle), y - 9 * sin (m->angle));
      cairo_stroke (cr);
    }
}

int
main (int argc, char **argv)
{
  const char *out;
  guint64 first;
  int fingers, impressions, cols;
  double scale = 0.5, cw, ch;
  gboolean show_minutiae;
  cairo_surface_t *sheet;
  cairo_t *cr;

  if (argc < 2)
    {
      g_printerr ("usage: %s OUT.png [FIRST_SEED] [FINGERS] [IMPRESSIONS] [SCALE]\n", argv[0]);
      return 2;
    }
  out = argv[1];
  first = argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 1;
  fingers = argc > 3 ? atoi (argv[3]) : 4;
  impressions = argc > 4 ? atoi (argv[4]) : 3;
  scale = argc > 5 ? g_ascii_strtod (argv[5], NULL) : 0.5;
  show_minutiae = g_getenv ("SYNTH_SHEET_MINUTIAE") != NULL;
  fingers = CLAMP (fingers, 1, 20);
  impressions = CLAMP (impressions, 0, 10);
  cols = 2 + impressions;
  cw = RL_SYNTH_WIDTH * scale + 4;
  ch = RL_SYNTH_HEIGHT * scale + 18;
  sheet = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (cols * cw), (int) (fingers * ch));
  cr = cairo_create (sheet);
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.7);
  cairo_paint (cr);

  for (int f = 0; f < fingers; f++)
    {
      guint64 seed = first + (guint64) f;
      RlSynthFinger *finger = rl_synth_finger_new (seed, (RlFingerPosition) (1 + f % 10));
      char *label = g_strdup_printf ("seed %" G_GUINT64_FORMAT ": %s, period %.1f",
                                                seed, rl_synth_class_to_string (rl_synth_finger_get_class (finger)),
                                                rl_synth_finger_get_ridge_period (finger));
      RlImage *master = rl_synth_finger_render_master (finger);
      RlImage *neutral = rl_synth_render (finger, NULL, NULL);
      guint n_sing;
      const RlSingularity *sing = rl_synth_finger_get_singularities (finger, &n_sing);

      paint_image (cr, master, 0, f * ch + 16, scale);
      if (show_minutiae)
        {
          RlTemplate *tpl = rl_synth_finger_get_template (finger);
          paint_minutiae (cr, tpl, 0, f * ch + 16, scale);
          g_free (label);
          label = g_strdup_printf ("seed %" G_GUINT64_FORMAT ": %s, period %.1f, %u minutiae",
                                   seed, rl_synth_class_to_string (rl_synth_finger_get_class (finger)),
                                   rl_synth_finger_get_ridge_period (finger), tpl->n_minutiae);
          rl_template_free (tpl);
        }
      paint_image (cr, neutral, cw, f * ch + 16, scale);
      for (guint i = 0; i < n_sing; i++)
        {
          if (sing[i].kind == RL_SINGULARITY_CORE)
            cairo_set_source_rgb (cr, 1, 0, 0);
          else
            cairo_set_source_rgb (cr, 0, 0.6, 0);
          cairo_new_sub_path (cr);
          cairo_arc (cr, sing[i].x * scale, f * ch + 16 + sing[i].y * scale, 4, 0, 2 * G_PI);
          cairo_stroke (cr);
        }
      cairo_new_path (cr);
      for (int i = 0; i < impressions; i++)
        {
          RlSynthImpression imp;
          RlImage *img;
          rl_synth_impression_random (seed * 100 + (guint64) i, &imp);
          img = rl_synth_render (finger, &imp, NULL);
          paint_image (cr, img, (2 + i) * cw, f * ch + 16, scale);
          if (i == 0 && show_minutiae)
            {
              RlTemplate *tpl = rl_synth_impression_get_template (finger, &imp);
              paint_minutiae (cr, tpl, (2 + i) * cw, f * ch + 16, scale);
              rl_template_free (tpl);
            }
          rl_image_free (img);
        }
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_move_to (cr, 4, f * ch + 12);
      cairo_set_font_size (cr, 11);
      cairo_show_text (cr, label);
      g_free (label);
      rl_image_free (master);
      rl_image_free (neutral);
      rl_synth_finger_free (finger);
    }
  cairo_destroy (cr);
  if (cairo_surface_write_to_png (sheet, out) != CAIRO_STATUS_SUCCESS)
    {
      g_printerr ("cannot write %s\n", out);
      return 1;
    }
  cairo_surface_destroy (sheet);
  return 0;
}
