/* rl-det-plot.c — DET curves with Cairo. */
#define G_LOG_DOMAIN "rl-eval"

#include "rl-det-plot.h"
#include "rl-types.h"

#include <cairo.h>
#include <cairo-svg.h>
#include <math.h>

#define PLOT_W      720
#define PLOT_H      560
#define MARGIN_L    78
#define MARGIN_R    24
#define MARGIN_T    48
#define MARGIN_B    64
#define DECADE_MIN  -4      /* axes run from 10^-4 to 1 */
#define FLOOR       1e-4    /* a zero rate is drawn on the axis */

/* Colours a reader tells apart, also in grey print. */
static const double palette[][3] = {
  { 0.11, 0.38, 0.70 }, { 0.80, 0.25, 0.15 }, { 0.20, 0.55, 0.25 },
  { 0.55, 0.35, 0.65 }, { 0.85, 0.55, 0.05 }, { 0.30, 0.30, 0.30 },
};

static double
to_x (double fmr)
{
  double l = log10 (MAX (fmr, FLOOR));

  return MARGIN_L + (l - DECADE_MIN) / -DECADE_MIN * (PLOT_W - MARGIN_L - MARGIN_R);
}

static double
to_y (double fnmr)
{
  double l = log10 (MAX (fnmr, FLOOR));

  return PLOT_H - MARGIN_B - (l - DECADE_MIN) / -DECADE_MIN * (PLOT_H - MARGIN_T - MARGIN_B);
}

static void
draw_text (cairo_t *cr, double x, double y, double align_x, double align_y, const char *text)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  cairo_move_to (cr, x - align_x * ext.width - ext.x_bearing, y - align_y * ext.height - ext.y_bearing);
  cairo_show_text (cr, text);
}

static void
draw_axes (cairo_t *cr, const char *title)
{
  static const char *labels[] = { "0.01 %", "0.1 %", "1 %", "10 %", "100 %" };

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);

  /* grid: decades and the 2…9 subdivisions */
  cairo_set_line_width (cr, 1);
  for (int d = DECADE_MIN; d <= 0; d++)
    for (int m = 1; m <= (d < 0 ? 9 : 1); m++)
      {
        double v = m * pow (10, d);

        cairo_set_source_rgb (cr, m == 1 ? 0.78 : 0.92, m == 1 ? 0.78 : 0.92, m == 1 ? 0.78 : 0.92);
        cairo_move_to (cr, round (to_x (v)) + 0.5, MARGIN_T);
        cairo_line_to (cr, round (to_x (v)) + 0.5, PLOT_H - MARGIN_B);
        cairo_move_to (cr, MARGIN_L, round (to_y (v)) + 0.5);
        cairo_line_to (cr, PLOT_W - MARGIN_R, round (to_y (v)) + 0.5);
        cairo_stroke (cr);
      }
  /* FMR = FNMR: where the EER lies */
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  {
    const double dash[] = { 4, 4 };

    cairo_set_dash (cr, dash, 2, 0);
    cairo_move_to (cr, to_x (FLOOR), to_y (FLOOR));
    cairo_line_to (cr, to_x (1), to_y (1));
    cairo_stroke (cr);
    cairo_set_dash (cr, NULL, 0, 0);
  }
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  cairo_rectangle (cr, MARGIN_L + 0.5, MARGIN_T + 0.5, PLOT_W - MARGIN_L - MARGIN_R - 1, PLOT_H - MARGIN_T - MARGIN_B - 1);
  cairo_stroke (cr);

  cairo_set_font_size (cr, 12);
  for (int d = DECADE_MIN; d <= 0; d++)
    {
      const char *label = labels[d - DECADE_MIN];

      draw_text (cr, to_x (pow (10, d)), PLOT_H - MARGIN_B + 8, 0.5, 0, label);
      draw_text (cr, MARGIN_L - 8, to_y (pow (10, d)), 1, 0.5, label);
    }
  cairo_set_font_size (cr, 13);
  draw_text (cr, (MARGIN_L + PLOT_W - MARGIN_R) / 2.0, PLOT_H - 18, 0.5, 1,
             "False match rate (impostors accepted)");
  cairo_save (cr);
  cairo_translate (cr, 18, (MARGIN_T + PLOT_H - MARGIN_B) / 2.0);
  cairo_rotate (cr, -G_PI / 2);
  draw_text (cr, 0, 0, 0.5, 0.5, "False non-match rate (mates missed)");
  cairo_restore (cr);
  cairo_set_font_size (cr, 15);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  draw_text (cr, MARGIN_L, MARGIN_T - 16, 0, 1, title ? title : "DET curve");
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
}

static void
draw_series (cairo_t *cr, const RlDetSeries *s, guint index)
{
  const double *c = palette[index % G_N_ELEMENTS (palette)];
  double lx = PLOT_W - MARGIN_R - 12, ly = MARGIN_T + 18 + index * 20;

  cairo_set_source_rgb (cr, c[0], c[1], c[2]);
  cairo_set_line_width (cr, 2.2);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  /* a DET curve is a staircase: each threshold step moves one rate */
  for (guint k = 0; k < s->n; k++)
    {
      double x = to_x (s->fmr[k]), y = to_y (s->fnmr[k]);

      if (k == 0)
        cairo_move_to (cr, x, y);
      else
        {
          cairo_line_to (cr, x, to_y (s->fnmr[k - 1]));
          cairo_line_to (cr, x, y);
        }
    }
  cairo_stroke (cr);
  if (s->eer >= 0)
    {
      cairo_arc (cr, to_x (s->eer), to_y (s->eer), 4.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  /* legend, top right */
  cairo_set_font_size (cr, 12);
  if (s->label)
    {
      cairo_text_extents_t ext;

      cairo_text_extents (cr, s->label, &ext);
      cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
      cairo_rectangle (cr, lx - ext.width - 34, ly - 9, ext.width + 40, 18);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, c[0], c[1], c[2]);
      cairo_move_to (cr, lx - ext.width - 30, ly);
      cairo_line_to (cr, lx - ext.width - 8, ly);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      draw_text (cr, lx, ly, 1, 0.5, s->label);
    }
}

void
rl_det_plot_get_size (double *width, double *height)
{
  if (width)
    *width = PLOT_W;
  if (height)
    *height = PLOT_H;
}

void
rl_det_plot_draw (cairo_t *cr, const char *title, const RlDetSeries *series, guint n_series)
{
  g_return_if_fail (cr != NULL);
  g_return_if_fail (n_series == 0 || series != NULL);

  cairo_save (cr);
  /* the plot paints its own white background: only over its own area */
  cairo_rectangle (cr, 0, 0, PLOT_W, PLOT_H);
  cairo_clip (cr);
  draw_axes (cr, title);
  cairo_rectangle (cr, MARGIN_L, MARGIN_T, PLOT_W - MARGIN_L - MARGIN_R, PLOT_H - MARGIN_T - MARGIN_B);
  cairo_clip (cr);
  for (guint k = 0; k < n_series; k++)
    draw_series (cr, &series[k], k);
  cairo_restore (cr);
}

gboolean
rl_det_plot_write (const char *path, const char *title, const RlDetSeries *series, guint n_series, GError **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  gboolean svg;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (n_series == 0 || series != NULL, FALSE);

  svg = g_str_has_suffix (path, ".svg");
  if (!svg && !g_str_has_suffix (path, ".png"))
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID,
                   "%s: a DET plot is written as .svg or .png", path);
      return FALSE;
    }
  surface = svg ? cairo_svg_surface_create (path, PLOT_W, PLOT_H)
                : cairo_image_surface_create (CAIRO_FORMAT_RGB24, PLOT_W, PLOT_H);
  cr = cairo_create (surface);
  rl_det_plot_draw (cr, title, series, n_series);
  cairo_destroy (cr);

  status = svg ? CAIRO_STATUS_SUCCESS : cairo_surface_write_to_png (surface, path);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO,
                   "%s: could not write the DET plot: %s", path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
