/* rl-release-view.c — a matcher release and its evaluation report. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "rl-release-view.h"
#include "rl-comparison-view.h"
#include "rl-compare.h"
#include "rl-det-plot.h"
#include "rl-format.h"
#include "rl-image-io.h"
#include "rl-template-io.h"

struct _RlReleaseView {
  AdwBin parent_instance;

  RlSession  *session;
  gint64      release_id;
  JsonParser *metrics;          /* NULL when the release has no report */
  GArray     *det_before;       /* double pairs: fmr, fnmr */
  GArray     *det_after;
  char       *det_before_label;
  char       *det_after_label;

  /* template children */
  GtkStack  *stack;
  GtkLabel  *title_label;
  GtkLabel  *state_label;
  GtkLabel  *meta_label;
  GtkLabel  *comment_label;
  GtkLabel  *hint_label;
  GtkBox    *report_box;
};

G_DEFINE_FINAL_TYPE (RlReleaseView, rl_release_view, ADW_TYPE_BIN)

/* ------------------------------------------------------------ formatting */

char *
rl_release_view_format_rate (double rate)
{
  double pct;
  int decimals;

  if (!isfinite (rate) || rate < 0)
    return g_strdup ("—");
  if (rate == 0)
    return g_strdup ("0 %");
  pct = rate * 100;
  /* Two significant digits, whatever the size: 12 %, 4.1 %, 0.041 %. */
  decimals = pct >= 10 ? 1 : pct >= 1 ? 2 : CLAMP (1 - (int) floor (log10 (pct)), 2, 5);
  return g_strdup_printf ("%.*f %%", decimals, pct);
}

static char *
format_score (JsonObject *o, const char *member)
{
  JsonNode *node = o ? json_object_get_member (o, member) : NULL;

  if (node == NULL || json_node_is_null (node))
    return g_strdup ("—");
  return g_strdup_printf ("%.2f", json_node_get_double (node));
}

static char *
format_rate_member (JsonObject *o, const char *member)
{
  JsonNode *node = o ? json_object_get_member (o, member) : NULL;

  if (node == NULL || json_node_is_null (node))
    return g_strdup ("—");
  return rl_release_view_format_rate (json_node_get_double (node));
}

static gint64
int_member (JsonObject *o, const char *member)
{
  JsonNode *node = o ? json_object_get_member (o, member) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
}

static double
double_member (JsonObject *o, const char *member)
{
  JsonNode *node = o ? json_object_get_member (o, member) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : NAN;
}

static const char *
string_member (JsonObject *o, const char *member)
{
  JsonNode *node = o ? json_object_get_member (o, member) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

static JsonArray *
array_member (JsonObject *o, const char *member)
{
  JsonNode *node = o ? json_object_get_member (o, member) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static char *
user_name (RlStore *store, gint64 user_id)
{
  g_autoptr(RlUser) user = NULL;

  if (user_id == 0)
    return g_strdup (_("Ridgeline"));
  user = rl_store_get_user (store, user_id, NULL);
  return user ? g_strdup (user->display_name) : g_strdup_printf (_("user %d"), (int) user_id);
}

static const char *
routing_label (const char *routing)
{
  if (g_strcmp0 (routing, "automatic-match") == 0)
    return _("automatic match");
  if (g_strcmp0 (routing, "automatic-no-match") == 0)
    return _("automatic no-match");
  if (g_strcmp0 (routing, "grey-zone") == 0)
    return _("grey zone");
  if (g_strcmp0 (routing, "low-quality") == 0)
    return _("low quality");
  return routing ? routing : "—";
}

static const char *
breakdown_label (const char *by)
{
  if (g_strcmp0 (by, "quality") == 0)
    return _("By Print Quality (poorer print of the pair)");
  if (g_strcmp0 (by, "age_group") == 0)
    return _("By Age Group (at the probe's encounter)");
  if (g_strcmp0 (by, "sex") == 0)
    return _("By Sex");
  if (g_strcmp0 (by, "region") == 0)
    return _("By Region (recorded nationality)");
  return by;
}

/* ------------------------------------------------------------ building blocks */

static GtkWidget *
section_new (RlReleaseView *self, const char *title, const char *subtitle)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (title);

  gtk_widget_add_css_class (box, "report-section");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-4");
  gtk_box_append (GTK_BOX (box), heading);
  if (subtitle)
    {
      GtkWidget *sub = gtk_label_new (subtitle);
      gtk_label_set_xalign (GTK_LABEL (sub), 0);
      gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
      gtk_widget_add_css_class (sub, "dim-label");
      gtk_box_append (GTK_BOX (box), sub);
    }
  gtk_box_append (self->report_box, box);
  return box;
}

/* A table in a card: a header row, then rows added by table_add_row. */
static GtkGrid *
table_new (GtkWidget *section, const char *const *headers, guint n, guint numeric_from)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *grid = gtk_grid_new ();

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "report-card");
  gtk_widget_add_css_class (grid, "report-table");
  gtk_grid_set_column_spacing (GTK_GRID (grid), 0);
  for (guint c = 0; c < n; c++)
    {
      GtkWidget *label = gtk_label_new (headers[c]);

      gtk_label_set_xalign (GTK_LABEL (label), c >= numeric_from ? 1 : 0);
      gtk_widget_add_css_class (label, "report-header");
      gtk_widget_set_hexpand (label, c == 0);
      gtk_grid_attach (GTK_GRID (grid), label, (int) c, 0, 1, 1);
    }
  g_object_set_data (G_OBJECT (grid), "numeric-from", GUINT_TO_POINTER (numeric_from));
  gtk_box_append (GTK_BOX (card), grid);
  gtk_box_append (GTK_BOX (section), card);
  return GTK_GRID (grid);
}

static int
table_n_rows (GtkGrid *grid)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (grid), "rows")) + 1;
}

/* Appends a row of cells (NULL-terminated); a cell may start with "!" to be
 * marked as a worse figure. Returns the row. */
static int
table_add_row (GtkGrid *grid, const char *first, ...)
{
  guint numeric_from = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (grid), "numeric-from"));
  int row = table_n_rows (grid);
  va_list args;
  guint c = 0;

  va_start (args, first);
  for (const char *text = first; text != NULL; text = va_arg (args, const char *), c++)
    {
      gboolean worse = text[0] == '!';
      GtkWidget *label = gtk_label_new (worse ? text + 1 : text);

      gtk_label_set_xalign (GTK_LABEL (label), c >= numeric_from ? 1 : 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_can_focus (label, FALSE);
      gtk_widget_add_css_class (label, "report-cell");
      if (c >= numeric_from)
        gtk_widget_add_css_class (label, "numeric");
      if (worse)
        gtk_widget_add_css_class (label, "report-worse");
      if (row % 2 == 0)
        gtk_widget_add_css_class (label, "report-odd");
      gtk_grid_attach (grid, label, (int) c, row, 1, 1);
    }
  va_end (args);
  g_object_set_data (G_OBJECT (grid), "rows", GINT_TO_POINTER (row));
  return row;
}

/* A "Compare" button for a pair at the end of a row. */
static void
table_add_compare (GtkGrid *grid, int row, int column, gint64 probe, gint64 candidate)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("view-dual-symbolic");
  GtkWidget *cell = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  g_autofree char *a = g_strdup_printf ("S-%06" G_GINT64_FORMAT, probe);
  g_autofree char *b = g_strdup_printf ("S-%06" G_GINT64_FORMAT, candidate);
  g_autofree char *tip = g_strdup_printf (_("Compare %s with %s"), a, b);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, tip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "release.compare");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xx)", probe, candidate);
  gtk_widget_add_css_class (cell, "report-cell");
  gtk_widget_add_css_class (cell, "report-button-cell");
  if (row % 2 == 0)
    gtk_widget_add_css_class (cell, "report-odd");
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_set_hexpand (button, TRUE);
  gtk_box_append (GTK_BOX (cell), button);
  gtk_grid_attach (grid, cell, column, row, 1, 1);
}

static char *
pair_text (JsonObject *o)
{
  return g_strdup_printf ("S-%06" G_GINT64_FORMAT " ↔ S-%06" G_GINT64_FORMAT,
                          int_member (o, "probe_sample_id"), int_member (o, "candidate_sample_id"));
}

/* A figure with its label, and before → after under it. */
static void
add_stat (GtkWidget *flow, const char *title, const char *value, const char *detail, const char *css)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *t = gtk_label_new (title);
  GtkWidget *v = gtk_label_new (value);

  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "report-stat");
  gtk_label_set_xalign (GTK_LABEL (t), 0);
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_widget_add_css_class (t, "caption-heading");
  gtk_widget_add_css_class (t, "dim-label");
  gtk_widget_add_css_class (v, "title-2");
  gtk_widget_add_css_class (v, "numeric");
  if (css)
    gtk_widget_add_css_class (v, css);
  gtk_box_append (GTK_BOX (box), t);
  gtk_box_append (GTK_BOX (box), v);
  if (detail)
    {
      GtkWidget *d = gtk_label_new (detail);
      gtk_label_set_xalign (GTK_LABEL (d), 0);
      gtk_widget_add_css_class (d, "caption");
      gtk_widget_add_css_class (d, "numeric");
      gtk_box_append (GTK_BOX (box), d);
    }
  gtk_flow_box_append (GTK_FLOW_BOX (flow), box);
}

static GtkWidget *
empty_note (GtkWidget *section, const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "report-note");
  gtk_box_append (GTK_BOX (section), label);
  return label;
}

/* ------------------------------------------------------------ the DET plot */

static void
det_read (JsonArray *points, GArray *out)
{
  g_array_set_size (out, 0);
  for (guint i = 0; points && i < json_array_get_length (points); i++)
    {
      JsonArray *p = json_array_get_array_element (points, i);
      double fmr, fnmr;

      if (p == NULL || json_array_get_length (p) < 2)
        continue;
      fmr = json_array_get_double_element (p, 0);
      fnmr = json_array_get_double_element (p, 1);
      g_array_append_val (out, fmr);
      g_array_append_val (out, fnmr);
    }
}

static void
det_draw (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  RlReleaseView *self = data;
  g_autofree double *xs[2] = { NULL, NULL };
  g_autofree double *ys[2] = { NULL, NULL };
  RlDetSeries series[2];
  GArray *curves[2] = { self->det_before, self->det_after };
  const char *labels[2] = { self->det_before_label, self->det_after_label };
  double pw, ph, scale;
  guint n = 0;

  for (guint s = 0; s < 2; s++)
    {
      guint k = curves[s]->len / 2;

      if (k == 0)
        continue;
      xs[s] = g_new (double, k);
      ys[s] = g_new (double, k);
      for (guint i = 0; i < k; i++)
        {
          xs[s][i] = g_array_index (curves[s], double, 2 * i);
          ys[s][i] = g_array_index (curves[s], double, 2 * i + 1);
        }
      series[n++] = (RlDetSeries) { labels[s], xs[s], ys[s], k, -1 };
    }
  /* The plot has its own size: scale it into the area, centred, white paper. */
  rl_det_plot_get_size (&pw, &ph);
  scale = MIN (width / pw, height / ph);
  cairo_translate (cr, (width - pw * scale) / 2, (height - ph * scale) / 2);
  cairo_scale (cr, scale, scale);
  rl_det_plot_draw (cr, NULL, series, n);
}

/* ------------------------------------------------------------ the report */

static void
build_summary (RlReleaseView *self, JsonObject *m)
{
  GtkWidget *flow = gtk_flow_box_new ();
  JsonArray *points = array_member (m, "operating_points");
  JsonArray *corrections = array_member (m, "corrections");
  JsonObject *match = NULL;
  JsonObject *rerun = json_object_get_member (m, "rerun") ? json_object_get_object_member (m, "rerun") : NULL;
  guint n_fixed = 0, n_broken;
  g_autofree char *thr = NULL, *thr_detail = NULL, *fmr = NULL, *fmr_detail = NULL;
  g_autofree char *fnmr = NULL, *fnmr_detail = NULL, *fixed = NULL, *broken = NULL, *searches = NULL;
  g_autofree char *searches_detail = NULL, *sets = NULL, *sets_detail = NULL;
  g_autofree char *fb = NULL, *fa = NULL;

  for (guint i = 0; points && i < json_array_get_length (points); i++)
    {
      JsonObject *o = json_array_get_object_element (points, i);
      if (g_strcmp0 (string_member (o, "name"), "match") == 0)
        match = o;
    }
  for (guint i = 0; corrections && i < json_array_get_length (corrections); i++)
    if (json_object_get_boolean_member_with_default (json_array_get_object_element (corrections, i), "fixed", FALSE))
      n_fixed++;
  n_broken = json_object_has_member (m, "n_broken") ? (guint) int_member (m, "n_broken")
             : array_member (m, "broken") ? json_array_get_length (array_member (m, "broken")) : 0;

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 3);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 6);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 12);
  gtk_widget_add_css_class (flow, "report-summary");

  thr = format_score (match, "threshold_after");
  {
    g_autofree char *before = format_score (match, "threshold_before");
    thr_detail = g_strdup_printf (_("was %s"), before);
  }
  add_stat (flow, _("Match Threshold"), thr, thr_detail, NULL);

  fmr = format_rate_member (match, "fmr_after");
  fb = format_rate_member (match, "fmr_before");
  fmr_detail = g_strdup_printf (_("was %s · held-out impostors"), fb);
  add_stat (flow, _("False Matches (FMR)"), fmr, fmr_detail,
            double_member (match, "fmr_after") > double_member (match, "fmr_before") ? "error" : NULL);

  fnmr = format_rate_member (match, "fnmr_after");
  fa = format_rate_member (match, "fnmr_before");
  fnmr_detail = g_strdup_printf (_("was %s · genuine pairs"), fa);
  add_stat (flow, _("Missed Matches (FNMR)"), fnmr, fnmr_detail,
            double_member (match, "fnmr_after") > double_member (match, "fnmr_before") ? "warning" : NULL);

  fixed = g_strdup_printf ("%u / %u", n_fixed, corrections ? json_array_get_length (corrections) : 0);
  add_stat (flow, _("Corrections Fixed"), fixed, _("confirmed false and missed matches"),
            corrections && n_fixed == json_array_get_length (corrections) ? "success" : "warning");

  broken = g_strdup_printf ("%u", n_broken);
  add_stat (flow, _("Decisions Broken"), broken, _("decided right before, wrong after"),
            n_broken > 0 ? "error" : "success");

  searches = g_strdup_printf ("%" G_GINT64_FORMAT, rerun && array_member (rerun, "changed")
                              ? (gint64) json_array_get_length (array_member (rerun, "changed")) : 0);
  searches_detail = g_strdup_printf (ngettext ("of %d past search re-run would change",
                                               "of %d past searches re-run would change",
                                               (gulong) int_member (rerun, "n_searches")),
                                     (int) int_member (rerun, "n_searches"));
  add_stat (flow, _("Searches Changed"), searches, searches_detail, NULL);

  gtk_box_append (self->report_box, flow);

  sets = g_strdup_printf (_("Measured on %d genuine pairs and %d impostor pairs (%d held out for the false-match rates)."),
                          (int) int_member (m, "n_genuine"), (int) int_member (m, "n_impostor"),
                          (int) int_member (m, "held_out_impostors"));
  sets_detail = g_strdup (sets);
  {
    GtkWidget *label = gtk_label_new (sets_detail);
    gtk_label_set_xalign (GTK_LABEL (label), 0);
    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    gtk_widget_add_css_class (label, "dim-label");
    gtk_widget_add_css_class (label, "report-set-size");
    gtk_box_append (self->report_box, label);
  }
}

static void
build_det_and_points (RlReleaseView *self, JsonObject *m, const char *baseline_name, const char *name)
{
  GtkWidget *section = section_new (self, _("Accuracy Before and After"),
                                    _("DET curves: missed matches against false matches, genuine pairs against the held-out impostors. Lower and further left is better."));
  /* The plot across the page; the two tables under it, side by side when
   * there is room. */
  GtkWidget *row = gtk_flow_box_new ();
  GtkWidget *qbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *area = gtk_drawing_area_new ();
  GtkWidget *right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  JsonObject *det = json_object_has_member (m, "det") ? json_object_get_object_member (m, "det") : NULL;
  JsonArray *points = array_member (m, "operating_points");
  JsonArray *qualities = array_member (m, "quality_thresholds");
  static const char *const headers[] = { N_("Operating Point"), N_("Threshold"), N_("FMR"), N_("FNMR") };
  const char *h[G_N_ELEMENTS (headers)];
  GtkGrid *grid;

  det_read (det ? array_member (det, "before") : NULL, self->det_before);
  det_read (det ? array_member (det, "after") : NULL, self->det_after);
  g_free (self->det_before_label);
  g_free (self->det_after_label);
  self->det_before_label = g_strdup_printf (_("Before: %s"), baseline_name);
  self->det_after_label = g_strdup_printf (_("After: %s"), name);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "report-det");
  gtk_widget_set_size_request (area, 400, 420);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), det_draw, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("DET curves before and after"), -1);
  gtk_widget_set_overflow (card, GTK_OVERFLOW_HIDDEN);
  gtk_box_append (GTK_BOX (card), area);
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (row), GTK_SELECTION_NONE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (row), 1);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (row), 2);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (row), 18);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (row), 12);
  gtk_box_append (GTK_BOX (section), card);

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    h[i] = _(headers[i]);
  gtk_widget_set_hexpand (right, TRUE);
  {
    GtkWidget *heading = gtk_label_new (_("Operating points (thresholds before → after)"));
    gtk_label_set_xalign (GTK_LABEL (heading), 0);
    gtk_widget_add_css_class (heading, "heading");
    gtk_box_append (GTK_BOX (right), heading);
  }
  grid = table_new (right, h, G_N_ELEMENTS (h), 1);
  for (guint i = 0; points && i < json_array_get_length (points); i++)
    {
      JsonObject *o = json_array_get_object_element (points, i);
      const char *pname = string_member (o, "name");
      /* a target is a round figure: 0.001 %, not 0.0010 % */
      g_autofree char *target = g_strdup_printf ("%g %%", double_member (o, "fmr_target") * 100);
      g_autofree char *label = g_strdup_printf (g_strcmp0 (pname, "match") == 0 ? _("Match (FMR target %s)")
                                                : g_strcmp0 (pname, "no_match") == 0 ? _("No-match (FMR target %s)")
                                                : "%s", g_strcmp0 (pname, "match") == 0 || g_strcmp0 (pname, "no_match") == 0
                                                ? target : pname);
      g_autofree char *tb = format_score (o, "threshold_before"), *ta = format_score (o, "threshold_after");
      g_autofree char *mb = format_rate_member (o, "fmr_before"), *ma = format_rate_member (o, "fmr_after");
      g_autofree char *nb = format_rate_member (o, "fnmr_before"), *na = format_rate_member (o, "fnmr_after");
      g_autofree char *t = g_strdup_printf ("%s → %s", tb, ta);
      g_autofree char *f = g_strdup_printf ("%s%s → %s", double_member (o, "fmr_after") > double_member (o, "fmr_before") ? "!" : "", mb, ma);
      g_autofree char *n = g_strdup_printf ("%s%s → %s", double_member (o, "fnmr_after") > double_member (o, "fnmr_before") ? "!" : "", nb, na);

      table_add_row (grid, label, t, f, n, NULL);
    }
  if (qualities && json_array_get_length (qualities) > 0)
    {
      static const char *const qheaders[] = { N_("Poorer Print's Quality"), N_("Match Threshold Before"), N_("After") };
      const char *qh[3] = { _(qheaders[0]), _(qheaders[1]), _(qheaders[2]) };
      GtkGrid *qgrid;
      GtkWidget *heading = gtk_label_new (_("Match threshold by quality"));

      gtk_label_set_xalign (GTK_LABEL (heading), 0);
      gtk_widget_add_css_class (heading, "heading");
      gtk_box_append (GTK_BOX (qbox), heading);
      qgrid = table_new (qbox, qh, 3, 1);
      for (guint i = 0; i < json_array_get_length (qualities); i++)
        {
          JsonObject *o = json_array_get_object_element (qualities, i);
          JsonNode *q = json_object_get_member (o, "quality");
          g_autofree char *ql = q && JSON_NODE_HOLDS_VALUE (q) && json_node_get_value_type (q) == G_TYPE_STRING
                                ? g_strdup (json_node_get_string (q))
                                : g_strdup_printf (_("%d and up"), (int) int_member (o, "quality"));
          g_autofree char *b = format_score (o, "before"), *a = format_score (o, "after");
          table_add_row (qgrid, ql, b, a, NULL);
        }
    }
  gtk_widget_set_size_request (right, 380, -1);
  gtk_widget_set_size_request (qbox, 300, -1);
  gtk_flow_box_append (GTK_FLOW_BOX (row), right);
  if (gtk_widget_get_first_child (qbox))
    gtk_flow_box_append (GTK_FLOW_BOX (row), qbox);
  else
    {
      g_object_ref_sink (qbox);   /* never shown: no quality groups */
      g_object_unref (qbox);
    }
  gtk_widget_set_margin_top (row, 6);
  gtk_box_append (GTK_BOX (section), row);
}

static void
build_corrections (RlReleaseView *self, JsonObject *m)
{
  JsonArray *corrections = array_member (m, "corrections");
  JsonArray *broken = array_member (m, "broken");
  GtkWidget *section = section_new (self, _("Corrections"),
                                    _("Confirmed false matches and missed matches the examiners recorded, scored with both releases."));
  const char *h[] = { _("Pair"), _("Kind"), _("Reported By"), _("Score Before"), _("Score After"), _("Threshold"), _("Result"), "" };
  GtkGrid *grid;

  if (!corrections || json_array_get_length (corrections) == 0)
    empty_note (section, _("No corrections were used: the draft was tuned from conclusions and baseline pairs only."));
  else
    {
      grid = table_new (section, h, G_N_ELEMENTS (h), 3);
      for (guint i = 0; i < json_array_get_length (corrections); i++)
        {
          JsonObject *o = json_array_get_object_element (corrections, i);
          gboolean fixed = json_object_get_boolean_member_with_default (o, "fixed", FALSE);
          gboolean fixed_before = json_object_get_boolean_member_with_default (o, "fixed_before", FALSE);
          g_autofree char *pair = pair_text (o);
          g_autofree char *sb = format_score (o, "score_before"), *sa = format_score (o, "score_after");
          g_autofree char *thr = format_score (o, "threshold_after");
          g_autofree char *who = json_object_has_member (o, "reported_by") && int_member (o, "reported_by") > 0
                                 ? user_name (rl_session_get_store (self->session), int_member (o, "reported_by"))
                                 : g_strdup ("—");
          const char *kind = g_strcmp0 (string_member (o, "kind"), "false_match") == 0 ? _("False match") : _("Missed match");
          /* "!" marks the cell as a worse figure (table_add_row). */
          g_autofree char *result = fixed ? g_strdup (fixed_before ? _("Right before and after") : _("Fixed"))
                                          : g_strconcat ("!", _("Still wrong"), NULL);
          int row = table_add_row (grid, pair, kind, who, sb, sa, thr, result, NULL);

          table_add_compare (grid, row, 7, int_member (o, "probe_sample_id"), int_member (o, "candidate_sample_id"));
        }
    }

  {
    GtkWidget *heading = gtk_label_new (_("Decisions the draft would break"));
    gtk_label_set_xalign (GTK_LABEL (heading), 0);
    gtk_widget_add_css_class (heading, "heading");
    gtk_widget_set_margin_top (heading, 12);
    gtk_box_append (GTK_BOX (section), heading);
  }
  if (!broken || json_array_get_length (broken) == 0)
    empty_note (section, _("None: every pair decided right before is still right."));
  else
    {
      const char *bh[] = { _("Pair"), _("Kind"), _("Decided By"), _("Score Before"), _("Score After"), "" };
      grid = table_new (section, bh, G_N_ELEMENTS (bh), 3);
      for (guint i = 0; i < json_array_get_length (broken); i++)
        {
          JsonObject *o = json_array_get_object_element (broken, i);
          g_autofree char *pair = pair_text (o);
          g_autofree char *sb = format_score (o, "score_before"), *sa = format_score (o, "score_after");
          g_autofree char *who = int_member (o, "decided_by") > 0
                                 ? user_name (rl_session_get_store (self->session), int_member (o, "decided_by"))
                                 : g_strdup (_("baseline pair"));
          const char *kind = g_strcmp0 (string_member (o, "kind"), "genuine") == 0 ? _("Genuine") : _("Impostor");
          int row = table_add_row (grid, pair, kind, who, sb, sa, NULL);

          table_add_compare (grid, row, 5, int_member (o, "probe_sample_id"), int_member (o, "candidate_sample_id"));
        }
    }
}

static void
build_breakdown (RlReleaseView *self, JsonObject *m)
{
  JsonArray *rows = array_member (m, "breakdown");
  GtkWidget *section = section_new (self, _("Breakdown by Quality and Population Group"),
                                    _("Accuracy differs across print quality, age, sex and region: a change that helps one group may hurt another. Worse figures are marked."));
  const char *h[] = { _("Group"), _("Genuine"), _("Impostors"), _("FNMR Before"), _("FNMR After"), _("FMR Before"), _("FMR After") };
  const char *current = NULL;
  GtkGrid *grid = NULL;

  if (!rows || json_array_get_length (rows) == 0)
    {
      empty_note (section, _("No breakdown in this report."));
      return;
    }
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *o = json_array_get_object_element (rows, i);
      const char *by = string_member (o, "by");
      g_autofree char *ng = g_strdup_printf ("%" G_GINT64_FORMAT, int_member (o, "n_genuine"));
      g_autofree char *ni = g_strdup_printf ("%" G_GINT64_FORMAT, int_member (o, "n_impostor"));
      g_autofree char *nb = format_rate_member (o, "fnmr_before"), *na0 = format_rate_member (o, "fnmr_after");
      g_autofree char *mb = format_rate_member (o, "fmr_before"), *ma0 = format_rate_member (o, "fmr_after");
      g_autofree char *na = double_member (o, "fnmr_after") > double_member (o, "fnmr_before") ? g_strconcat ("!", na0, NULL) : g_strdup (na0);
      g_autofree char *ma = double_member (o, "fmr_after") > double_member (o, "fmr_before") ? g_strconcat ("!", ma0, NULL) : g_strdup (ma0);

      if (grid == NULL || g_strcmp0 (by, current) != 0)
        {
          GtkWidget *heading = gtk_label_new (breakdown_label (by));
          gtk_label_set_xalign (GTK_LABEL (heading), 0);
          gtk_widget_add_css_class (heading, "heading");
          gtk_widget_set_margin_top (heading, grid ? 12 : 0);
          gtk_box_append (GTK_BOX (section), heading);
          grid = table_new (section, h, G_N_ELEMENTS (h), 1);
          current = by;
        }
      table_add_row (grid, string_member (o, "group") ? string_member (o, "group") : "—", ng, ni, nb, na, mb, ma, NULL);
    }
}

static void
build_rerun (RlReleaseView *self, JsonObject *m)
{
  JsonObject *rerun = json_object_has_member (m, "rerun") ? json_object_get_object_member (m, "rerun") : NULL;
  JsonArray *changed = array_member (rerun, "changed");
  g_autofree char *sub = g_strdup_printf (ngettext ("%d past search re-run with both releases; those whose top candidate or routing would change are listed.",
                                                    "%d past searches re-run with both releases; those whose top candidate or routing would change are listed.",
                                                    (gulong) int_member (rerun, "n_searches")),
                                          (int) int_member (rerun, "n_searches"));
  GtkWidget *section = section_new (self, _("Past Searches Re-run"), sub);
  const char *h[] = { _("Search"), _("Top Candidate Before"), _("After"), _("Routing Before"), _("After"), _("Score Before"), _("Score After"), "" };
  GtkGrid *grid;

  if (!changed || json_array_get_length (changed) == 0)
    {
      empty_note (section, _("No re-run search would change."));
      return;
    }
  grid = table_new (section, h, G_N_ELEMENTS (h), 5);
  for (guint i = 0; i < json_array_get_length (changed); i++)
    {
      JsonObject *o = json_array_get_object_element (changed, i);
      g_autofree char *search = g_strdup_printf ("Q-%06" G_GINT64_FORMAT, int_member (o, "search_id"));
      g_autofree char *tb = int_member (o, "top_before") ? g_strdup_printf ("S-%06" G_GINT64_FORMAT, int_member (o, "top_before")) : g_strdup ("—");
      g_autofree char *ta0 = int_member (o, "top_after") ? g_strdup_printf ("S-%06" G_GINT64_FORMAT, int_member (o, "top_after")) : g_strdup ("—");
      g_autofree char *ta = int_member (o, "top_after") != int_member (o, "top_before") ? g_strconcat ("!", ta0, NULL) : g_strdup (ta0);
      const char *rb = routing_label (string_member (o, "routing_before"));
      g_autofree char *ra = g_strcmp0 (string_member (o, "routing_after"), string_member (o, "routing_before")) != 0
                            ? g_strconcat ("!", routing_label (string_member (o, "routing_after")), NULL)
                            : g_strdup (routing_label (string_member (o, "routing_after")));
      g_autofree char *sb = format_score (o, "score_before"), *sa = format_score (o, "score_after");
      int row = table_add_row (grid, search, tb, ta, rb, ra, sb, sa, NULL);

      if (int_member (o, "probe_sample_id") && int_member (o, "top_after"))
        table_add_compare (grid, row, 7, int_member (o, "probe_sample_id"), int_member (o, "top_after"));
    }
}

static void
build_near_threshold (RlReleaseView *self, JsonObject *m)
{
  JsonArray *pairs = array_member (m, "near_threshold");
  GtkWidget *section = section_new (self, _("Where the Matcher Is Unsure"),
                                    _("Genuine and impostor pairs scoring nearest their match threshold with this release. Open a pair to compare the two prints."));
  const char *h[] = { _("Pair"), _("Kind"), _("Score"), _("Threshold"), _("Margin"), "" };
  GtkGrid *grid;

  if (!pairs || json_array_get_length (pairs) == 0)
    {
      empty_note (section, _("No pairs near the threshold."));
      return;
    }
  grid = table_new (section, h, G_N_ELEMENTS (h), 2);
  for (guint i = 0; i < json_array_get_length (pairs); i++)
    {
      JsonObject *o = json_array_get_object_element (pairs, i);
      gboolean genuine = g_strcmp0 (string_member (o, "kind"), "genuine") == 0;
      double score = double_member (o, "score"), thr = double_member (o, "threshold");
      g_autofree char *pair = pair_text (o);
      g_autofree char *s = format_score (o, "score"), *t = format_score (o, "threshold");
      /* A genuine pair under its threshold or an impostor at or over it is on the wrong side. */
      /* compared as the matcher does, in float (the JSON holds doubles of floats) */
      gboolean wrong = isfinite (thr) && (genuine ? (float) score < (float) thr : (float) score >= (float) thr);
      g_autofree char *margin = isfinite (thr) ? g_strdup_printf ("%s%+.2f", wrong ? "!" : "", score - thr) : g_strdup ("—");
      int row = table_add_row (grid, pair, genuine ? _("Genuine") : _("Impostor"), s, t, margin, NULL);

      table_add_compare (grid, row, 5, int_member (o, "probe_sample_id"), int_member (o, "candidate_sample_id"));
    }
}

static void
clear_report (RlReleaseView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->report_box))))
    gtk_box_remove (self->report_box, child);
  g_clear_object (&self->metrics);
  g_array_set_size (self->det_before, 0);
  g_array_set_size (self->det_after, 0);
}

static void
build_report (RlReleaseView *self, const RlMatcherRelease *release)
{
  RlStore *store = rl_session_get_store (self->session);
  g_autoptr(GError) error = NULL;
  JsonObject *m;
  g_autofree char *baseline_name = NULL;

  if ((release->metrics == NULL || release->metrics[0] == '\0') && release->state != RL_RELEASE_DRAFT)
    {
      empty_note (GTK_WIDGET (self->report_box),
                  _("This release has no evaluation report: it was shipped with Ridgeline or made before reports were stored."));
      return;
    }
  if (release->metrics == NULL || release->metrics[0] == '\0')
    {
      GtkWidget *status = adw_status_page_new ();
      adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "document-edit-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (status), _("Not Evaluated Yet"));
      adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                       _("Every draft is evaluated offline before anyone may approve it. Evaluate it to see its DET curves, operating points and the corrections it fixes."));
      gtk_widget_add_css_class (status, "compact");
      gtk_box_append (self->report_box, status);
      return;
    }
  self->metrics = json_parser_new ();
  if (!json_parser_load_from_data (self->metrics, release->metrics, -1, &error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (self->metrics)))
    {
      g_autofree char *text = g_strdup_printf (_("The stored report cannot be read: %s"),
                                               error ? error->message : _("not a JSON object"));
      empty_note (GTK_WIDGET (self->report_box), text);
      g_clear_object (&self->metrics);
      return;
    }
  m = json_node_get_object (json_parser_get_root (self->metrics));
  if (json_object_get_size (m) == 0)
    {
      empty_note (GTK_WIDGET (self->report_box),
                  _("This release was accepted without an evaluation report (shipped with Ridgeline or made before reports were stored)."));
      return;
    }
  {
    gint64 baseline = int_member (m, "baseline_release");
    g_autoptr(RlMatcherRelease) base = baseline ? rl_store_get_release (store, baseline, NULL) : NULL;
    baseline_name = base ? g_strdup (base->name) : g_strdup (_("baseline"));
  }
  build_summary (self, m);
  build_det_and_points (self, m, baseline_name, release->name);
  build_corrections (self, m);
  build_breakdown (self, m);
  build_rerun (self, m);
  build_near_threshold (self, m);
}

static const char *
state_css (RlReleaseState state)
{
  switch (state)
    {
    case RL_RELEASE_DRAFT: return "release-draft";
    case RL_RELEASE_EVALUATED: return "release-evaluated";
    case RL_RELEASE_APPROVED: return "release-approved";
    case RL_RELEASE_REJECTED: return "release-rejected";
    case RL_RELEASE_ACTIVE: return "release-active";
    default: return "release-retired";
    }
}

void
rl_release_view_set_release (RlReleaseView          *self,
                             RlSession              *session,
                             const RlMatcherRelease *release)
{
  static const char *const all_states[] = { "release-draft", "release-evaluated", "release-approved",
                                            "release-rejected", "release-active", "release-retired" };
  RlStore *store;
  g_autoptr(GString) meta = g_string_new (NULL);
  g_autofree char *author = NULL, *created = NULL;

  g_return_if_fail (RL_IS_RELEASE_VIEW (self));
  g_return_if_fail (session == NULL || RL_IS_SESSION (session));

  g_set_object (&self->session, session);
  clear_report (self);
  self->release_id = release ? release->id : 0;
  if (release == NULL || session == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  store = rl_session_get_store (session);
  gtk_label_set_text (self->title_label, release->name);
  gtk_label_set_text (self->state_label, rl_release_state_to_label (release->state));
  for (guint i = 0; i < G_N_ELEMENTS (all_states); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), all_states[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), state_css (release->state));

  author = user_name (store, release->author_id);
  created = rl_format_time (release->created_at);
  g_string_append_printf (meta, _("Made by %s on %s"), author, created);
  if (release->based_on)
    {
      g_autoptr(RlMatcherRelease) base = rl_store_get_release (store, release->based_on, NULL);
      g_string_append_printf (meta, _(" · based on %s"), base ? base->name : "?");
    }
  if (release->evaluated_at)
    {
      g_autofree char *when = rl_format_time (release->evaluated_at);
      g_string_append_printf (meta, _(" · evaluated %s"), when);
    }
  if (release->approver_id)
    {
      g_autofree char *who = user_name (store, release->approver_id);
      g_autofree char *when = rl_format_time (release->reviewed_at);
      g_string_append_printf (meta, release->state == RL_RELEASE_REJECTED ? _(" · rejected by %s on %s")
                                                                         : _(" · approved by %s on %s"), who, when);
    }
  if (release->activated_at)
    {
      g_autofree char *when = rl_format_time (release->activated_at);
      g_string_append_printf (meta, _(" · activated %s"), when);
    }
  if (release->retired_at)
    {
      g_autofree char *when = rl_format_time (release->retired_at);
      g_string_append_printf (meta, _(" · retired %s"), when);
    }
  gtk_label_set_text (self->meta_label, meta->str);
  if (release->review_comment && release->review_comment[0])
    {
      g_autofree char *who = user_name (store, release->approver_id);
      g_autofree char *text = g_strdup_printf (_("“%s” — %s"), release->review_comment, who);
      gtk_label_set_text (self->comment_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->comment_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->comment_label), FALSE);

  {
    /* Say why Approve will be refused before the store does. */
    const RlUser *user = rl_session_get_user (session);
    gboolean own = user && release->author_id == user->id && release->state == RL_RELEASE_EVALUATED;

    gtk_widget_set_visible (GTK_WIDGET (self->hint_label), own);
    if (own)
      gtk_label_set_text (self->hint_label, _("You made this release: another supervisor must approve or reject it."));
  }
  build_report (self, release);
  gtk_stack_set_visible_child_name (self->stack, "release");
}

gint64
rl_release_view_get_release_id (RlReleaseView *self)
{
  g_return_val_if_fail (RL_IS_RELEASE_VIEW (self), 0);
  return self->release_id;
}

/* ------------------------------------------------------------ comparison */

/* A sample's image and template. A sample holding minutiae only (an
 * interchange record without image) is shown on blank paper of its size. */
static gboolean
load_print (RlStore *store, gint64 sample_id, RlImage **out_image, RlTemplate **out_template, GError **error)
{
  g_autoptr(RlSample) sample = rl_store_get_sample (store, sample_id, error);
  g_autoptr(GBytes) image_data = NULL;
  g_autoptr(GBytes) template_data = NULL;
  g_autoptr(RlImage) image = NULL;
  g_autoptr(RlTemplate) tpl = NULL;
  GError *local = NULL;

  if (sample == NULL)
    return FALSE;
  template_data = rl_store_get_sample_template (store, sample_id, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (template_data != NULL &&
      !(tpl = rl_template_deserialize (g_bytes_get_data (template_data, NULL), g_bytes_get_size (template_data), error)))
    return FALSE;
  if (sample->image_sha256 != NULL)
    {
      if (!(image_data = rl_store_get_image (store, sample->image_sha256, NULL, error)))
        return FALSE;
      if (!(image = rl_image_load_from_data (g_bytes_get_data (image_data, NULL), g_bytes_get_size (image_data),
                                             sample->ppi > 0 ? sample->ppi : 500, error)))
        return FALSE;
    }
  else if (tpl != NULL)
    {
      image = rl_image_new (tpl->width > 0 ? tpl->width : 500, tpl->height > 0 ? tpl->height : 500,
                            sample->ppi > 0 ? sample->ppi : 500);
      if (image)
        memset (image->pixels, 255, (gsize) image->width * image->height);
    }
  if (image == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("Sample S-%06d holds neither an image nor minutiae"), (int) sample_id);
      return FALSE;
    }
  *out_image = g_steal_pointer (&image);
  *out_template = g_steal_pointer (&tpl);
  return TRUE;
}

GtkWindow *
rl_release_view_open_pair (RlReleaseView *self,
                           gint64         probe_sample_id,
                           gint64         candidate_sample_id,
                           GError       **error)
{
  RlStore *store;
  g_autoptr(RlImage) probe_image = NULL, candidate_image = NULL;
  g_autoptr(RlTemplate) probe_tpl = NULL, candidate_tpl = NULL;
  g_autoptr(RlComparison) result = NULL;
  GtkRoot *root;
  GtkWidget *window, *box, *header, *view, *subtitle;
  g_autofree char *title = NULL, *sub = NULL;
  float score = NAN;

  g_return_val_if_fail (RL_IS_RELEASE_VIEW (self), NULL);
  g_return_val_if_fail (self->session != NULL, NULL);

  store = rl_session_get_store (self->session);
  if (!load_print (store, probe_sample_id, &probe_image, &probe_tpl, error) ||
      !load_print (store, candidate_sample_id, &candidate_image, &candidate_tpl, error))
    return NULL;

  view = rl_comparison_view_new ();
  gtk_widget_set_vexpand (view, TRUE);
  rl_comparison_view_set_prints (RL_COMPARISON_VIEW (view), probe_image, probe_tpl, candidate_image, candidate_tpl);
  if (probe_tpl && candidate_tpl)
    {
      score = rl_compare (probe_tpl, candidate_tpl, &result);
      if (result)
        rl_comparison_view_set_comparison (RL_COMPARISON_VIEW (view), result);
    }

  window = adw_window_new ();
  title = g_strdup_printf (_("S-%06d and S-%06d"), (int) probe_sample_id, (int) candidate_sample_id);
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
      gtk_window_set_application (GTK_WINDOW (window), gtk_window_get_application (GTK_WINDOW (root)));
    }
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);
  sub = isfinite (score) ? g_strdup_printf (_("Left S-%06d, right S-%06d · score with the default comparison %.2f"),
                                            (int) probe_sample_id, (int) candidate_sample_id, score)
                         : g_strdup_printf (_("Left S-%06d, right S-%06d"), (int) probe_sample_id, (int) candidate_sample_id);
  subtitle = gtk_label_new (sub);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_set_margin_start (subtitle, 12);
  gtk_widget_set_margin_top (subtitle, 6);
  gtk_widget_set_margin_bottom (subtitle, 6);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_box_append (GTK_BOX (box), view);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

static void
compare_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlReleaseView *self = RL_RELEASE_VIEW (widget);
  g_autoptr(GError) error = NULL;
  gint64 probe, candidate;

  g_variant_get (parameter, "(xx)", &probe, &candidate);
  if (!rl_release_view_open_pair (self, probe, candidate, &error))
    {
      GtkRoot *root = gtk_widget_get_root (widget);
      GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  _("Cannot Compare the Prints"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

/* ------------------------------------------------------------ the type */

static void
rl_release_view_dispose (GObject *object)
{
  RlReleaseView *self = RL_RELEASE_VIEW (object);

  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_RELEASE_VIEW);
  g_clear_object (&self->session);
  g_clear_object (&self->metrics);
  G_OBJECT_CLASS (rl_release_view_parent_class)->dispose (object);
}

static void
rl_release_view_finalize (GObject *object)
{
  RlReleaseView *self = RL_RELEASE_VIEW (object);

  g_array_unref (self->det_before);
  g_array_unref (self->det_after);
  g_free (self->det_before_label);
  g_free (self->det_after_label);
  G_OBJECT_CLASS (rl_release_view_parent_class)->finalize (object);
}

static void
rl_release_view_class_init (RlReleaseViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_release_view_dispose;
  object_class->finalize = rl_release_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-release-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RlReleaseView, stack);
  gtk_widget_class_bind_template_child (widget_class, RlReleaseView, title_label);
  gtk_widget_class_bind_template_child (widget_class, RlReleaseView, state_label);
  gtk_widget_class_bind_template_child (widget_class, RlReleaseView, meta_label);
  gtk_widget_class_bind_template_child (widget_class, RlReleaseView, comment_label);
  gtk_widget_class_bind_template_child (widget_class, RlReleaseView, hint_label);
  gtk_widget_class_bind_template_child (widget_class, RlReleaseView, report_box);
  gtk_widget_class_install_action (widget_class, "release.compare", "(xx)", compare_activated);
  gtk_widget_class_set_css_name (widget_class, "rl-release-view");
}

static void
rl_release_view_init (RlReleaseView *self)
{
  self->det_before = g_array_new (FALSE, FALSE, sizeof (double));
  self->det_after = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
rl_release_view_new (void)
{
  return g_object_new (RL_TYPE_RELEASE_VIEW, NULL);
}
