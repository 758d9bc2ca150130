/* rl-court-chart.c — the comparison chart an examiner takes to court. */
#define G_LOG_DOMAIN "rl-court-chart"

#include "rl-court-chart.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* A4 landscape in points. */
#define PAGE_W 842.0
#define PAGE_H 595.0
#define MARGIN 36.0
#define PNG_SCALE (150.0 / 72.0)

/* Ten colours that stay apart on a grey print and in greyscale photocopies
 * (light/dark alternate), so neighbouring numbers are not confused. */
static const double palette[][3] = {
  { 0.90, 0.10, 0.10 }, { 0.00, 0.45, 0.85 }, { 0.00, 0.60, 0.25 }, { 0.85, 0.45, 0.00 },
  { 0.55, 0.15, 0.70 }, { 0.00, 0.55, 0.60 }, { 0.80, 0.10, 0.50 }, { 0.35, 0.45, 0.05 },
  { 0.15, 0.25, 0.65 }, { 0.60, 0.30, 0.10 },
};

gboolean
rl_court_chart_format_from_path (const char *path, RlCourtChartFormat *out_format, GError **error)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".pdf"))
    *out_format = RL_COURT_CHART_PDF;
  else if (g_str_has_suffix (lower, ".png"))
    *out_format = RL_COURT_CHART_PNG;
  else
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s”: a chart is written as .pdf or .png"), path);
      return FALSE;
    }
  return TRUE;
}

/* A grey print as a Cairo surface (RGB24: PDF keeps it as an image). */
static cairo_surface_t *
surface_from_image (const RlImage *image)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, image->width, image->height);
  guint8 *data;
  int stride;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *src = image->pixels + (gsize) y * image->width;
      guint32 *dst = (guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < image->width; x++)
        dst[x] = 0xFF000000u | (guint32) src[x] << 16 | (guint32) src[x] << 8 | src[x];
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
draw_text (cairo_t *cr, double x, double y, double size, gboolean bold, const char *text)
{
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
  cairo_move_to (cr, x, y);
  cairo_show_text (cr, text);
}

/* Where a print lands inside its panel: scaled to fit, centred. */
typedef struct {
  double x, y, scale;
} Placement;

static Placement
place_print (const RlImage *image, double x, double y, double w, double h)
{
  Placement p;

  p.scale = MIN (w / image->width, h / image->height);
  p.x = x + (w - image->width * p.scale) / 2;
  p.y = y + (h - image->height * p.scale) / 2;
  return p;
}

static void
draw_print (cairo_t *cr, const RlImage *image, const Placement *p)
{
  cairo_surface_t *surface = surface_from_image (image);

  cairo_save (cr);
  cairo_translate (cr, p->x, p->y);
  cairo_scale (cr, p->scale, p->scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (surface);

  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_set_line_width (cr, 0.75);
  cairo_rectangle (cr, p->x, p->y, image->width * p->scale, image->height * p->scale);
  cairo_stroke (cr);
}

/* One numbered correspondence on one print: a ring on the minutia, a tick in
 * its direction, and the number in a white-backed label beside it. */
static void
draw_marker (cairo_t *cr, const Placement *p, const RlMinutia *m, guint number)
{
  const double *rgb = palette[(number - 1) % G_N_ELEMENTS (palette)];
  double cx = p->x + m->x * p->scale;
  double cy = p->y + m->y * p->scale;
  /* Minutia angles are counter-clockwise with y up; the page's y runs down. */
  double dx = cos (m->angle), dy = -sin (m->angle);
  char label[16];
  cairo_text_extents_t ext;
  double lx, ly;

  /* show_text leaves a current point behind: start a fresh path so the ring
   * is not joined to the previous label by a line. */
  cairo_new_path (cr);
  cairo_set_line_width (cr, 1.4);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_arc (cr, cx, cy, 4.5, 0, 2 * G_PI);
  cairo_stroke (cr);
  cairo_move_to (cr, cx + dx * 4.5, cy + dy * 4.5);
  cairo_line_to (cr, cx + dx * 12, cy + dy * 12);
  cairo_stroke (cr);

  g_snprintf (label, sizeof label, "%u", number);
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 8.5);
  cairo_text_extents (cr, label, &ext);
  /* The label sits opposite the direction tick so the two never overlap. */
  lx = cx - dx * 13 - ext.width / 2;
  ly = cy - dy * 13 + ext.height / 2;
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  cairo_rectangle (cr, lx - 1.5, ly - ext.height - 1.5, ext.width + 3, ext.height + 3);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_move_to (cr, lx - ext.x_bearing, ly);
  cairo_show_text (cr, label);
  cairo_new_path (cr);
}

static void
draw_page (cairo_t *cr, const RlCourtChart *chart)
{
  const double panel_top = MARGIN + 58;
  const double panel_h = PAGE_H - panel_top - 110;
  const double panel_w = (PAGE_W - 2 * MARGIN - 24) / 2;
  Placement left, right;
  g_autofree char *today = NULL;
  g_autofree char *line = NULL;
  guint drawn = 0;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  /* Heading */
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  draw_text (cr, MARGIN, MARGIN + 14, 16, TRUE, chart->title ? chart->title : _("Fingerprint comparison chart"));
  line = g_strdup_printf (_("Case: %s"), chart->case_number ? chart->case_number : _("(none)"));
  draw_text (cr, MARGIN, MARGIN + 34, 11, FALSE, line);
  g_clear_pointer (&line, g_free);

  /* Captions and prints */
  draw_text (cr, MARGIN, panel_top - 6, 10, TRUE, chart->probe_caption ? chart->probe_caption : _("Probe"));
  draw_text (cr, MARGIN + panel_w + 24, panel_top - 6, 10, TRUE,
             chart->candidate_caption ? chart->candidate_caption : _("Candidate"));
  left = place_print (chart->probe_image, MARGIN, panel_top, panel_w, panel_h);
  right = place_print (chart->candidate_image, MARGIN + panel_w + 24, panel_top, panel_w, panel_h);
  draw_print (cr, chart->probe_image, &left);
  draw_print (cr, chart->candidate_image, &right);

  for (guint i = 0; i < chart->n_pairs; i++)
    {
      const RlMinutiaPair *pair = &chart->pairs[i];

      if (chart->probe_template == NULL || chart->candidate_template == NULL
          || pair->probe >= chart->probe_template->n_minutiae
          || pair->candidate >= chart->candidate_template->n_minutiae)
        continue;
      draw_marker (cr, &left, &chart->probe_template->minutiae[pair->probe], i + 1);
      draw_marker (cr, &right, &chart->candidate_template->minutiae[pair->candidate], i + 1);
      drawn++;
    }

  /* Details block */
  {
    double y = PAGE_H - MARGIN - 58;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    today = g_date_time_format (now, "%Y-%m-%d");
    cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
    cairo_set_line_width (cr, 0.75);
    cairo_move_to (cr, MARGIN, y - 14);
    cairo_line_to (cr, PAGE_W - MARGIN, y - 14);
    cairo_stroke (cr);
    cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);

    line = g_strdup_printf (_("Corresponding minutiae: %u"), drawn);
    draw_text (cr, MARGIN, y, 10, TRUE, line);
    g_clear_pointer (&line, g_free);
    if (chart->false_match_rate >= 0)
      line = g_strdup_printf (_("Matcher score %.1f (estimated false-match rate %.1e)"),
                              chart->score, chart->false_match_rate);
    else
      line = g_strdup_printf (_("Matcher score %.1f"), chart->score);
    draw_text (cr, MARGIN + 220, y, 10, FALSE, line);
    g_clear_pointer (&line, g_free);

    line = g_strdup_printf (_("Conclusion: %s"), chart->conclusion ? chart->conclusion : _("No conclusion recorded"));
    draw_text (cr, MARGIN, y + 16, 10, TRUE, line);
    g_clear_pointer (&line, g_free);
    line = g_strdup_printf (_("Matcher release: %s"), chart->release ? chart->release : _("unknown"));
    draw_text (cr, MARGIN + 220, y + 16, 10, FALSE, line);
    g_clear_pointer (&line, g_free);

    line = g_strdup_printf (_("Examiner: %s"), chart->examiner ? chart->examiner : _("(not recorded)"));
    draw_text (cr, MARGIN, y + 32, 10, FALSE, line);
    g_clear_pointer (&line, g_free);
    line = g_strdup_printf (_("Date: %s"), chart->date ? chart->date : today);
    draw_text (cr, MARGIN + 220, y + 32, 10, FALSE, line);
    g_clear_pointer (&line, g_free);

    draw_text (cr, PAGE_W - MARGIN - 200, y + 32, 10, FALSE, _("Signature: ______________________"));
    cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
    line = g_strdup_printf (_("Produced with Ridgeline %s. Numbers mark the same minutia on both prints."), RL_VERSION);
    draw_text (cr, MARGIN, y + 50, 7.5, FALSE, line);
  }
}

static cairo_status_t
write_to_stream (void *closure, const unsigned char *data, unsigned int length)
{
  return fwrite (data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

gboolean
rl_court_chart_write (const RlCourtChart *chart, const char *path, GError **error)
{
  RlCourtChartFormat format;
  g_autofree char *tmp_path = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  FILE *out;
  int fd;

  g_return_val_if_fail (chart != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (chart->probe_image == NULL || chart->candidate_image == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("A chart needs both prints"));
      return FALSE;
    }
  if (!rl_court_chart_format_from_path (path, &format, error))
    return FALSE;

  /* Write beside the target, then rename: a failed write leaves no half chart. */
  {
    g_autofree char *dir = g_path_get_dirname (path);
    tmp_path = g_build_filename (dir, ".rl-chart-XXXXXX", NULL);
  }
  fd = g_mkstemp (tmp_path);
  if (fd < 0 || (out = fdopen (fd, "wb")) == NULL)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot write the chart beside “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }

  if (format == RL_COURT_CHART_PDF)
    {
      surface = cairo_pdf_surface_create_for_stream (write_to_stream, out, PAGE_W, PAGE_H);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                      chart->title ? chart->title : _("Fingerprint comparison chart"));
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Ridgeline " RL_VERSION);
      if (chart->examiner)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, chart->examiner);
      cr = cairo_create (surface);
      draw_page (cr, chart);
      cairo_show_page (cr);
      cairo_destroy (cr);
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
      cairo_surface_destroy (surface);
    }
  else
    {
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (PAGE_W * PNG_SCALE),
                                            (int) ceil (PAGE_H * PNG_SCALE));
      cr = cairo_create (surface);
      cairo_scale (cr, PNG_SCALE, PNG_SCALE);
      draw_page (cr, chart);
      cairo_destroy (cr);
      status = cairo_surface_status (surface);
      if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_write_to_png_stream (surface, write_to_stream, out);
      cairo_surface_destroy (surface);
    }

  if (fclose (out) != 0 && status == CAIRO_STATUS_SUCCESS)
    status = CAIRO_STATUS_WRITE_ERROR;
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_unlink (tmp_path);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, _("Cannot write the chart “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  if (g_rename (tmp_path, path) != 0)
    {
      int saved = errno;
      g_unlink (tmp_path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("Cannot write the chart “%s”: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
