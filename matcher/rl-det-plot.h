/* rl-det-plot.h — a DET curve (FNMR against FMR, both on log scales) drawn
 * with Cairo into an SVG or PNG file. The only Cairo user in the matcher. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char   *label;       /* legend, e.g. "FVC2002_DB1_B (EER 0.71 %)" */
  const double *fmr;         /* n points */
  const double *fnmr;
  guint         n;
  double        eer;         /* marked on the curve; < 0 for none */
} RlDetSeries;

/* Format from the extension: ".svg" or ".png". */
gboolean rl_det_plot_write (const char *path, const char *title,
                            const RlDetSeries *series, guint n_series,
                            GError **error);

/* Draws the same plot into cr, from (0, 0) over the plot's own size (for a
 * report that places it on a page: scale and translate cr first). */
void     rl_det_plot_draw     (cairo_t *cr, const char *title,
                               const RlDetSeries *series, guint n_series);
void     rl_det_plot_get_size (double *width, double *height);

G_END_DECLS
