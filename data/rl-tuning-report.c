/* rl-tuning-report.c — a release's evaluation report as a PDF, drawn with
 * Cairo from the metrics JSON the evaluation stored (rl-tuning.c). */
#define G_LOG_DOMAIN "rl-tuning"

#include "rl-tuning.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "rl-det-plot.h"

#define PAGE_W   595.0     /* A4, points */
#define PAGE_H   842.0
#define MARGIN   48.0
#define LINE     13.0

typedef struct {
  cairo_t *cr;
  double   y;
  guint    page;
  const char *footer;
} Doc;

static void
footer (Doc *d)
{
  g_autofree char *text = g_strdup_printf (_("%s — page %u"), d->footer, d->page);

  cairo_save (d->cr);
  cairo_set_source_rgb (d->cr, 0.4, 0.4, 0.4);
  cairo_select_font_face (d->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (d->cr, 8);
  cairo_move_to (d->cr, MARGIN, PAGE_H - MARGIN / 2);
  cairo_show_text (d->cr, text);
  cairo_restore (d->cr);
}

static void
new_page (Doc *d)
{
  footer (d);
  cairo_show_page (d->cr);
  d->page++;
  d->y = MARGIN;
}

static void
need (Doc *d, double height)
{
  if (d->y + height > PAGE_H - MARGIN)
    new_page (d);
}

static void
text_at (Doc *d, double x, const char *text, double size, gboolean bold)
{
  cairo_select_font_face (d->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (d->cr, size);
  cairo_move_to (d->cr, x, d->y);
  cairo_show_text (d->cr, text);
}

/* A paragraph, wrapped at spaces to the page's width. */
static void
line (Doc *d, const char *text, double size, gboolean bold)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr(GString) current = g_string_new (NULL);

  cairo_select_font_face (d->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (d->cr, size);
  for (guint i = 0; words[i]; i++)
    {
      g_autofree char *candidate = current->len ? g_strdup_printf ("%s %s", current->str, words[i]) : g_strdup (words[i]);
      cairo_text_extents_t ext;

      cairo_text_extents (d->cr, candidate, &ext);
      if (ext.x_advance > PAGE_W - 2 * MARGIN && current->len > 0)
        {
          need (d, size + 4);
          d->y += size + 2;
          cairo_set_source_rgb (d->cr, 0.1, 0.1, 0.1);
          text_at (d, MARGIN, current->str, size, bold);
          g_string_assign (current, words[i]);
        }
      else
        g_string_assign (current, candidate);
    }
  need (d, size + 4);
  d->y += size + 2;
  cairo_set_source_rgb (d->cr, 0.1, 0.1, 0.1);
  text_at (d, MARGIN, current->str, size, bold);
}

static void
heading (Doc *d, const char *text)
{
  need (d, 3 * LINE);
  d->y += 10;
  line (d, text, 13, TRUE);
  d->y += 4;
}

/* A table row: cells at the given x offsets (from the margin). */
static void
row (Doc *d, const double *x, guint n, const char *const *cells, gboolean header, gboolean shade)
{
  need (d, LINE + 2);
  d->y += LINE;
  if (shade)
    {
      cairo_set_source_rgb (d->cr, 0.94, 0.95, 0.97);
      cairo_rectangle (d->cr, MARGIN - 2, d->y - LINE + 3, PAGE_W - 2 * MARGIN + 4, LINE);
      cairo_fill (d->cr);
    }
  cairo_set_source_rgb (d->cr, 0.1, 0.1, 0.1);
  for (guint i = 0; i < n; i++)
    if (cells[i])
      text_at (d, MARGIN + x[i], cells[i], 8.5, header);
  if (header)
    {
      cairo_set_line_width (d->cr, 0.6);
      cairo_move_to (d->cr, MARGIN - 2, d->y + 3.5);
      cairo_line_to (d->cr, PAGE_W - MARGIN + 2, d->y + 3.5);
      cairo_stroke (d->cr);
    }
}

static double
num (JsonObject *o, const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_double (n) : 0;
}

static const char *
str (JsonObject *o, const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;
  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n) : "";
}

static JsonArray *
array (JsonObject *o, const char *member)
{
  JsonNode *n = o ? json_object_get_member (o, member) : NULL;
  return n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static char *
percent (double rate)
{
  if (rate == 0)
    return g_strdup ("0 %");
  if (rate < 0.001)
    return g_strdup_printf ("%.4f %%", rate * 100);
  return g_strdup_printf ("%.2f %%", rate * 100);
}

/* The DET curves of the "det" object: [[fmr, fnmr], …] before and after. */
static guint
det_points (JsonObject *det, const char *which, double **fmr, double **fnmr)
{
  JsonArray *a = array (det, which);
  guint n = a ? json_array_get_length (a) : 0;

  *fmr = g_new0 (double, MAX (n, 1));
  *fnmr = g_new0 (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      JsonNode *p = json_array_get_element (a, i);
      if (JSON_NODE_HOLDS_ARRAY (p) && json_array_get_length (json_node_get_array (p)) == 2)
        {
          (*fmr)[i] = json_array_get_double_element (json_node_get_array (p), 0);
          (*fnmr)[i] = json_array_get_double_element (json_node_get_array (p), 1);
        }
    }
  return n;
}

static void
draw_det (Doc *d, JsonObject *m, const char *baseline_name, const char *name)
{
  JsonNode *node = json_object_get_member (m, "det");
  JsonObject *det = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  g_autofree double *fb = NULL, *nb = NULL, *fa = NULL, *na = NULL;
  g_autofree char *lb = g_strdup_printf (_("before: %s"), baseline_name);
  g_autofree char *la = g_strdup_printf (_("after: %s"), name);
  RlDetSeries series[2] = { { lb, NULL, NULL, 0, -1 }, { la, NULL, NULL, 0, -1 } };
  double w, h, scale;

  series[0].n = det_points (det, "before", &fb, &nb);
  series[1].n = det_points (det, "after", &fa, &na);
  series[0].fmr = fb, series[0].fnmr = nb;
  series[1].fmr = fa, series[1].fnmr = na;
  rl_det_plot_get_size (&w, &h);
  scale = (PAGE_W - 2 * MARGIN) / w;
  need (d, h * scale + 8);
  cairo_save (d->cr);
  cairo_translate (d->cr, MARGIN, d->y + 6);
  cairo_scale (d->cr, scale, scale);
  rl_det_plot_draw (d->cr, _("DET on the genuine and held-out impostor pairs"), series, 2);
  cairo_restore (d->cr);
  d->y += h * scale + 8;
}

static void
draw_report (Doc *d, RlMatcherRelease *r, RlMatcherRelease *base, JsonObject *m)
{
  JsonArray *a;
  g_autofree char *title = g_strdup_printf (_("Evaluation of matcher release “%s”"), r->name);
  g_autofree char *when = NULL;
  const char *base_name = base ? base->name : _("matcher defaults");

  {
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (r->evaluated_at > 0 ? r->evaluated_at : r->created_at);
    when = g_date_time_format (dt, "%Y-%m-%d %H:%M UTC");
  }
  line (d, title, 17, TRUE);
  d->y += 4;
  {
    g_autofree char *s = g_strdup_printf (_("Compared with release “%s” (before). State: %s. Evaluated %s."),
                                          base_name, rl_release_state_to_label (r->state), when);
    g_autofree char *p = g_strdup_printf (_("%d prints: %d genuine pairs, %d impostor pairs (%d held out from tuning, "
                                            "on which every false-match rate here is measured)."),
                                          (int) num (m, "n_samples"), (int) num (m, "n_genuine"),
                                          (int) num (m, "n_impostor"), (int) num (m, "held_out_impostors"));
    g_autofree char *q = g_strdup_printf (_("Examiners decided %d of the genuine and %d of the impostor pairs "
                                            "(corrections and conclusions); the rest come from the workspace’s enrolled prints."),
                                          (int) num (m, "decided_genuine"), (int) num (m, "decided_impostor"));
    line (d, s, 9.5, FALSE);
    line (d, p, 9.5, FALSE);
    line (d, q, 9.5, FALSE);
    if (num (m, "settings_tried") > 0)
      {
        g_autofree char *t = g_strdup_printf (_("Tuning compared %d settings of the comparison’s weights and tolerances."),
                                              (int) num (m, "settings_tried"));
        line (d, t, 9.5, FALSE);
      }
  }

  heading (d, _("Operating points"));
  {
    static const double x[] = { 0, 70, 170, 250, 330, 410 };
    const char *h[] = { _("Point"), _("Threshold"), _("FMR before"), _("FMR after"), _("FNMR before"), _("FNMR after") };

    row (d, x, 6, h, TRUE, FALSE);
    a = array (m, "operating_points");
    for (guint i = 0; a && i < json_array_get_length (a); i++)
      {
        JsonObject *o = json_array_get_object_element (a, i);
        g_autofree char *t = g_strdup_printf ("%.2f → %.2f", num (o, "threshold_before"), num (o, "threshold_after"));
        g_autofree char *c2 = percent (num (o, "fmr_before")), *c3 = percent (num (o, "fmr_after"));
        g_autofree char *c4 = percent (num (o, "fnmr_before")), *c5 = percent (num (o, "fnmr_after"));
        const char *name = g_str_equal (str (o, "name"), "match") ? _("Match") : _("No match");
        const char *cells[] = { name, t, c2, c3, c4, c5 };
        row (d, x, 6, cells, FALSE, i % 2);
      }
  }
  a = array (m, "quality_thresholds");
  if (a && json_array_get_length (a) > 0)
    {
      g_autoptr(GString) s = g_string_new (_("Match threshold by the poorer print’s quality:"));
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *o = json_array_get_object_element (a, i);
          g_string_append_printf (s, "%s %s %.2f → %.2f", i ? ";" : "", str (o, "quality"), num (o, "before"), num (o, "after"));
        }
      d->y += 4;
      line (d, s->str, 9, FALSE);
    }
  d->y += 6;
  draw_det (d, m, base_name, r->name);

  heading (d, _("Corrections"));
  a = array (m, "corrections");
  if (!a || json_array_get_length (a) == 0)
    line (d, _("No corrections recorded by examiners."), 9.5, FALSE);
  else
    {
      static const double x[] = { 0, 40, 130, 190, 250, 320, 390 };
      const char *h[] = { _("Id"), _("Kind"), _("Probe"), _("Candidate"), _("Score before"), _("Score after"), _("Result") };

      row (d, x, 7, h, TRUE, FALSE);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *o = json_array_get_object_element (a, i);
          g_autofree char *id = g_strdup_printf ("%d", (int) num (o, "id"));
          g_autofree char *p = g_strdup_printf ("%d", (int) num (o, "probe_sample_id"));
          g_autofree char *c = g_strdup_printf ("%d", (int) num (o, "candidate_sample_id"));
          g_autofree char *sb = g_strdup_printf ("%.2f", num (o, "score_before"));
          g_autofree char *sa = g_strdup_printf ("%.2f", num (o, "score_after"));
          gboolean fixed = json_object_get_boolean_member_with_default (o, "fixed", FALSE);
          const char *kind = g_str_equal (str (o, "kind"), "false_match") ? _("false match") : _("missed match");
          const char *cells[] = { id, kind, p, c, sb, sa, fixed ? _("fixed") : _("not fixed") };
          row (d, x, 7, cells, FALSE, i % 2);
        }
    }

  heading (d, _("Pairs the new release gets wrong that the old one got right"));
  a = array (m, "broken");
  if (!a || json_array_get_length (a) == 0)
    line (d, _("None."), 9.5, FALSE);
  else
    {
      static const double x[] = { 0, 70, 140, 220, 300 };
      const char *h[] = { _("Kind"), _("Probe"), _("Candidate"), _("Score before"), _("Score after") };
      g_autofree char *count = g_strdup_printf (_("%d pairs (up to 50 listed, biggest change first)."), (int) num (m, "n_broken"));

      line (d, count, 9.5, FALSE);
      row (d, x, 5, h, TRUE, FALSE);
      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonObject *o = json_array_get_object_element (a, i);
          g_autofree char *p = g_strdup_printf ("%d", (int) num (o, "probe_sample_id"));
          g_autofree char *c = g_strdup_printf ("%d", (int) num (o, "candidate_sample_id"));
          g_autofree char *sb = g_strdup_printf ("%.2f", num (o, "score_before"));
          g_autofree char *sa = g_strdup_printf ("%.2f", num (o, "score_after"));
          const char *cells[] = { g_str_equal (str (o, "kind"), "genuine") ? _("genuine") : _("impostor"), p, c, sb, sa };
          row (d, x, 5, cells, FALSE, i % 2);
        }
    }

  heading (d, _("By quality and population group"));
  line (d, _("Accuracy differs across these groups: FNMR on genuine pairs, FMR on held-out impostors, at the match threshold."),
        8.5, FALSE);
  a = array (m, "breakdown");
  {
    static const double x[] = { 0, 58, 158, 200, 245, 305, 365, 425 };
    const char *h[] = { _("By"), _("Group"), _("Genuine"), _("Impostor"), _("FNMR before"), _("FNMR after"),
                        _("FMR before"), _("FMR after") };
    const char *last = NULL;

    row (d, x, 8, h, TRUE, FALSE);
    for (guint i = 0; a && i < json_array_get_length (a); i++)
      {
        JsonObject *o = json_array_get_object_element (a, i);
        g_autofree char *ng = g_strdup_printf ("%d", (int) num (o, "n_genuine"));
        g_autofree char *ni = g_strdup_printf ("%d", (int) num (o, "n_impostor"));
        g_autofree char *c4 = percent (num (o, "fnmr_before")), *c5 = percent (num (o, "fnmr_after"));
        g_autofree char *c6 = percent (num (o, "fmr_before")), *c7 = percent (num (o, "fmr_after"));
        const char *by = str (o, "by");
        const char *cells[] = { g_strcmp0 (by, last) ? by : NULL, str (o, "group"), ng, ni, c4, c5, c6, c7 };
        row (d, x, 8, cells, FALSE, i % 2);
        last = by;
      }
  }

  heading (d, _("Pairs nearest the match threshold"));
  a = array (m, "near_threshold");
  {
    static const double x[] = { 0, 70, 140, 220, 300 };
    const char *h[] = { _("Kind"), _("Probe"), _("Candidate"), _("Score"), _("Threshold") };

    row (d, x, 5, h, TRUE, FALSE);
    for (guint i = 0; a && i < json_array_get_length (a); i++)
      {
        JsonObject *o = json_array_get_object_element (a, i);
        g_autofree char *p = g_strdup_printf ("%d", (int) num (o, "probe_sample_id"));
        g_autofree char *c = g_strdup_printf ("%d", (int) num (o, "candidate_sample_id"));
        g_autofree char *s = g_strdup_printf ("%.2f", num (o, "score"));
        g_autofree char *t = g_strdup_printf ("%.2f", num (o, "threshold"));
        const char *cells[] = { g_str_equal (str (o, "kind"), "genuine") ? _("genuine") : _("impostor"), p, c, s, t };
        row (d, x, 5, cells, FALSE, i % 2);
      }
  }

  heading (d, _("Past searches run again"));
  {
    JsonNode *node = json_object_get_member (m, "rerun");
    JsonObject *rerun = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    g_autofree char *s = NULL;

    a = array (rerun, "changed");
    s = g_strdup_printf (_("%d recent searches run with both releases; %u would change (top candidate or routing)."),
                         (int) num (rerun, "n_searches"), a ? json_array_get_length (a) : 0);
    line (d, s, 9.5, FALSE);
    if (a && json_array_get_length (a) > 0)
      {
        static const double x[] = { 0, 45, 120, 240, 340 };
        const char *h[] = { _("Search"), _("Top before"), _("Top after"), _("Routing before"), _("Routing after") };

        row (d, x, 5, h, TRUE, FALSE);
        for (guint i = 0; i < json_array_get_length (a); i++)
          {
            JsonObject *o = json_array_get_object_element (a, i);
            g_autofree char *id = g_strdup_printf ("%d", (int) num (o, "search_id"));
            g_autofree char *tb = g_strdup_printf ("%d (%.2f)", (int) num (o, "top_before"), num (o, "score_before"));
            g_autofree char *ta = g_strdup_printf ("%d (%.2f)%s", (int) num (o, "top_after"), num (o, "score_after"),
                                                   num (o, "identity_before") == num (o, "identity_after") ? _(", same person") : "");
            const char *cells[] = { id, tb, ta, str (o, "routing_before"), str (o, "routing_after") };
            row (d, x, 5, cells, FALSE, i % 2);
          }
      }
  }
}

gboolean
rl_tuning_write_report_pdf (RlStore *store, gint64 release_id, const char *path, GError **error)
{
  g_autoptr(RlMatcherRelease) r = NULL;
  g_autoptr(RlMatcherRelease) base = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *foot = NULL;
  JsonNode *root;
  cairo_surface_t *surface;
  cairo_status_t status;
  Doc d = { 0 };

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!(r = rl_store_get_release (store, release_id, error)))
    return FALSE;
  if (r->metrics == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("Release “%s” has not been evaluated: run “release evaluate” first"), r->name);
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, r->metrics, -1, &local) ||
      !JSON_NODE_HOLDS_OBJECT ((root = json_parser_get_root (parser))) ||
      !json_object_has_member (json_node_get_object (root), "operating_points"))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                   _("Release “%s”: its stored evaluation is not an evaluation report%s%s (evaluate it again)"), r->name,
                   local ? ": " : "", local ? local->message : "");
      return FALSE;
    }
  {
    JsonObject *m = json_node_get_object (root);
    gint64 base_id = (gint64) num (m, "baseline_release");
    if (base_id > 0)
      base = rl_store_get_release (store, base_id, NULL);
  }

  /* Written next to the target and renamed: no half-written report. */
  tmp = g_strdup_printf ("%s.part", path);
  surface = cairo_pdf_surface_create (tmp, PAGE_W, PAGE_H);
  if ((status = cairo_surface_status (surface)) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: cannot write the report: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  {
    g_autofree char *t = g_strdup_printf (_("Evaluation of matcher release %s"), r->name);
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, t);
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Ridgeline");
  }
  d.cr = cairo_create (surface);
  d.page = 1;
  d.y = MARGIN;
  foot = g_strdup_printf (_("Ridgeline — evaluation of release “%s”"), r->name);
  d.footer = foot;
  draw_report (&d, r, base, json_node_get_object (root));
  footer (&d);
  cairo_show_page (d.cr);
  status = cairo_status (d.cr);
  cairo_destroy (d.cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s: cannot write the report: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("%s: cannot write the report: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
