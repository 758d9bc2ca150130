/* rl-timeline.c — an identity's encounters over time, one lane per agency. */
#define G_LOG_DOMAIN "ridgeline-timeline"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "rl-timeline.h"

#define LABEL_WIDTH   84.0    /* agency codes on the left */
#define AXIS_HEIGHT   22.0    /* date ticks at the bottom */
#define MARK_RADIUS    5.0
#define DAY           86400
#define MIN_SPAN      DAY
#define MAX_SPAN      ((gint64) 60 * 365 * DAY)
/* Beyond this many visible encounters, marks would be drawn over each other:
 * the view shows how many there are per column instead. */
#define DENSE_FROM    400
#define BIN_WIDTH     2       /* px per column bin in dense views */
#define N_PURPOSES    9       /* RlEncounterPurpose values 0..8 */
#define FOCUS_HALF    (MARK_RADIUS + 6.0)   /* the focus ring: a rounded square this far out */

typedef struct {
  gint64 id;
  gint64 at;
  int    lane;
  RlEncounterPurpose purpose;
  char  *tooltip;
} Encounter;

typedef struct {
  RlTimelineMarkKind kind;
  gint64 at;
  int    lane;
  char  *label;
} Mark;

/* What the drawn layer depends on: when all of it is the same, the layer
 * is shown again as it is (hovering, tooltips, the window redrawing around
 * the timeline) instead of being drawn again. */
typedef struct {
  gint64  start, end;
  int     width, height, scale;
  guint   generation;      /* bumped when encounters, marks or lanes change */
  GdkRGBA fg;
} LayerKey;

struct _RlTimeline {
  GtkWidget  parent_instance;

  GArray    *encounters;   /* of Encounter, sorted by time: drawing only walks the visible slice */
  GArray    *marks;        /* of Mark */
  GPtrArray *lanes;        /* agency codes, sorted */
  gint64     start, end;   /* visible span */
  gint64     drag_start;   /* span start when a drag began */
  gint64     hovered;      /* encounter under the pointer, 0 none */
  gint64     selected;     /* encounter opened beside the timeline, 0 none */
  gint64     focused;      /* encounter the keyboard is on, 0 none; ringed while the timeline has focus */
  guint      generation;
  GdkTexture *layer;       /* lanes, axis and marks as drawn for layer_key */
  LayerKey   layer_key;
  guint32   *bins;         /* dense views: per lane, column bin and purpose, counts */
  gsize      n_bins;
};

G_DEFINE_FINAL_TYPE (RlTimeline, rl_timeline, GTK_TYPE_WIDGET)

enum { ENCOUNTER_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
encounter_clear (gpointer data)
{
  g_free (((Encounter *) data)->tooltip);
}

static void
mark_clear (gpointer data)
{
  g_free (((Mark *) data)->label);
}

static int
compare_codes (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_encounters (gconstpointer a, gconstpointer b)
{
  const Encounter *ea = a, *eb = b;
  return (ea->at > eb->at) - (ea->at < eb->at);
}

static char *format_date (gint64 t, gboolean with_time);

static int
index_of_encounter (RlTimeline *self, gint64 id)
{
  for (guint i = 0; id != 0 && i < self->encounters->len; i++)
    if (g_array_index (self->encounters, Encounter, i).id == id)
      return (int) i;
  return -1;
}

/* What a screen reader says: the timeline, and the encounter the keyboard
 * is on (date, agency, purpose) with how to open it. */
static void
update_accessible_label (RlTimeline *self)
{
  g_autofree char *label = g_strdup_printf (_("Encounter timeline: %u encounters from %u agencies"),
                                            self->encounters->len, self->lanes->len);
  int i = index_of_encounter (self, self->focused);

  if (i >= 0)
    {
      Encounter *e = &g_array_index (self->encounters, Encounter, i);
      g_autofree char *date = format_date (e->at, FALSE);
      g_autofree char *full = g_strdup_printf (_("%s. Encounter %d of %u: %s, %s, %s. Enter opens it; Left and Right "
                                                 "move to the previous or next encounter."),
                                               label, i + 1, self->encounters->len, date,
                                               (const char *) g_ptr_array_index (self->lanes, e->lane),
                                               rl_encounter_purpose_to_label (e->purpose));
      g_free (label);
      label = g_steal_pointer (&full);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

int
rl_timeline_lane_for_agency (RlTimeline *self, const char *agency)
{
  g_return_val_if_fail (RL_IS_TIMELINE (self), -1);
  for (guint i = 0; i < self->lanes->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->lanes, i), agency) == 0)
      return (int) i;
  return -1;
}

static int
ensure_lane (RlTimeline *self, const char *agency)
{
  int lane = rl_timeline_lane_for_agency (self, agency);
  if (lane < 0)
    {
      g_ptr_array_add (self->lanes, g_strdup (agency ? agency : ""));
      lane = (int) self->lanes->len - 1;
    }
  return lane;
}

static char *
format_date (gint64 t, gboolean with_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d") : g_strdup ("?");
}

void
rl_timeline_set_encounters (RlTimeline *self, GPtrArray *encounters)
{
  gint64 lo = G_MAXINT64, hi = G_MININT64;

  g_return_if_fail (RL_IS_TIMELINE (self));

  g_array_set_size (self->encounters, 0);
  g_array_set_size (self->marks, 0);
  g_ptr_array_set_size (self->lanes, 0);
  /* Lanes in agency-code order, so the same agency is always in the same
   * place whichever identity is shown. */
  for (guint i = 0; encounters && i < encounters->len; i++)
    ensure_lane (self, ((RlEncounter *) g_ptr_array_index (encounters, i))->agency);
  g_ptr_array_sort (self->lanes, compare_codes);

  for (guint i = 0; encounters && i < encounters->len; i++)
    {
      RlEncounter *e = g_ptr_array_index (encounters, i);
      g_autofree char *date = format_date (e->occurred_at, TRUE);
      Encounter enc = {
        .id = e->id, .at = e->occurred_at, .lane = rl_timeline_lane_for_agency (self, e->agency),
        .purpose = e->purpose,
        .tooltip = g_strdup_printf ("%s — %s, %s\n%s %s · %s", date, e->agency,
                                    rl_encounter_purpose_to_label (e->purpose), e->given_names ? e->given_names : "",
                                    e->family_name ? e->family_name : "", e->place ? e->place : ""),
      };
      g_array_append_val (self->encounters, enc);
      lo = MIN (lo, e->occurred_at);
      hi = MAX (hi, e->occurred_at);
    }
  g_array_sort (self->encounters, compare_encounters);
  if (self->encounters->len > 0)
    {
      gint64 pad = MAX ((hi - lo) / 20, 30 * DAY);
      rl_timeline_set_range (self, lo - pad, hi + pad);
    }
  self->hovered = 0;
  self->selected = 0;
  self->focused = 0;
  self->generation++;
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_timeline_add_mark (RlTimeline *self, RlTimelineMarkKind kind, gint64 at, const char *agency, const char *label)
{
  Mark mark = { kind, at, 0, g_strdup (label ? label : "") };

  g_return_if_fail (RL_IS_TIMELINE (self));
  mark.lane = rl_timeline_lane_for_agency (self, agency);
  if (mark.lane < 0)
    {
      mark.lane = ensure_lane (self, agency);
      update_accessible_label (self);
    }
  g_array_append_val (self->marks, mark);
  self->generation++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_timeline_set_selected (RlTimeline *self, gint64 encounter_id)
{
  g_return_if_fail (RL_IS_TIMELINE (self));
  if (self->selected == encounter_id)
    return;
  self->selected = encounter_id;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
rl_timeline_get_selected (RlTimeline *self)
{
  g_return_val_if_fail (RL_IS_TIMELINE (self), 0);
  return self->selected;
}

guint
rl_timeline_get_n_encounters (RlTimeline *self)
{
  g_return_val_if_fail (RL_IS_TIMELINE (self), 0);
  return self->encounters->len;
}

void
rl_timeline_set_range (RlTimeline *self, gint64 start, gint64 end)
{
  gint64 span, mid;

  g_return_if_fail (RL_IS_TIMELINE (self));
  if (end < start)
    {
      gint64 t = start;
      start = end;
      end = t;
    }
  span = CLAMP (end - start, MIN_SPAN, MAX_SPAN);
  mid = start + (end - start) / 2;
  self->start = mid - span / 2;
  self->end = self->start + span;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_timeline_get_range (RlTimeline *self, gint64 *out_start, gint64 *out_end)
{
  g_return_if_fail (RL_IS_TIMELINE (self));
  if (out_start)
    *out_start = self->start;
  if (out_end)
    *out_end = self->end;
}

static double
plot_width (RlTimeline *self)
{
  return MAX (1.0, gtk_widget_get_width (GTK_WIDGET (self)) - LABEL_WIDTH - 2 * MARK_RADIUS);
}

double
rl_timeline_x_for_time (RlTimeline *self, gint64 t)
{
  g_return_val_if_fail (RL_IS_TIMELINE (self), 0);
  return LABEL_WIDTH + MARK_RADIUS + (double) (t - self->start) / (double) (self->end - self->start) * plot_width (self);
}

static gint64
time_for_x (RlTimeline *self, double x)
{
  return self->start + (gint64) ((x - LABEL_WIDTH - MARK_RADIUS) / plot_width (self) * (double) (self->end - self->start));
}

static double
lane_height (RlTimeline *self)
{
  double h = gtk_widget_get_height (GTK_WIDGET (self)) - AXIS_HEIGHT;
  return self->lanes->len ? h / self->lanes->len : h;
}

double
rl_timeline_y_for_lane (RlTimeline *self, int lane)
{
  g_return_val_if_fail (RL_IS_TIMELINE (self), 0);
  return (lane + 0.5) * lane_height (self);
}

void
rl_timeline_zoom (RlTimeline *self, double factor, gint64 at)
{
  double left, right;

  g_return_if_fail (RL_IS_TIMELINE (self));
  left = (double) (at - self->start) * factor;
  right = (double) (self->end - at) * factor;
  /* Keep `at` under the pointer; clamping the span may shift it slightly
   * at the limits. */
  if (left + right < MIN_SPAN || left + right > MAX_SPAN)
    {
      double span = CLAMP (left + right, MIN_SPAN, MAX_SPAN), share = left / MAX (1.0, left + right);
      left = span * share;
      right = span - left;
    }
  self->start = at - (gint64) left;
  self->end = self->start + (gint64) llround (left + right);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* First encounter at or after t (the array is sorted by time). */
static guint
first_at_or_after (RlTimeline *self, gint64 t)
{
  guint lo = 0, hi = self->encounters->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (self->encounters, Encounter, mid).at < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gint64
rl_timeline_encounter_at (RlTimeline *self, double x, double y)
{
  gint64 slack, best_id = 0;
  double best = (MARK_RADIUS + 3) * (MARK_RADIUS + 3);

  g_return_val_if_fail (RL_IS_TIMELINE (self), 0);
  slack = (gint64) ((MARK_RADIUS + 3) / plot_width (self) * (double) (self->end - self->start)) + 1;
  for (guint i = first_at_or_after (self, time_for_x (self, x) - slack); i < self->encounters->len; i++)
    {
      Encounter *e = &g_array_index (self->encounters, Encounter, i);
      double dx, dy;

      if (e->at > time_for_x (self, x) + slack)
        break;
      dx = rl_timeline_x_for_time (self, e->at) - x;
      dy = rl_timeline_y_for_lane (self, e->lane) - y;
      if (dx * dx + dy * dy <= best)
        {
          best = dx * dx + dy * dy;
          best_id = e->id;
        }
    }
  return best_id;
}

/* ------------------------------------------------------------- drawing */

static void
shape_path (cairo_t *cr, RlEncounterPurpose purpose, double x, double y, double r)
{
  switch (purpose)
    {
    case RL_PURPOSE_BORDER_CROSSING:
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    case RL_PURPOSE_VISA_APPLICATION:
      cairo_rectangle (cr, x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
      break;
    case RL_PURPOSE_ARREST_BOOKING:
      cairo_move_to (cr, x, y - r * 1.1);
      cairo_line_to (cr, x + r, y + r * 0.8);
      cairo_line_to (cr, x - r, y + r * 0.8);
      cairo_close_path (cr);
      break;
    case RL_PURPOSE_ASYLUM_CLAIM:
      cairo_move_to (cr, x, y - r * 1.2);
      cairo_line_to (cr, x + r, y);
      cairo_line_to (cr, x, y + r * 1.2);
      cairo_line_to (cr, x - r, y);
      cairo_close_path (cr);
      break;
    case RL_PURPOSE_RESIDENCE_PERMIT:
      for (int k = 0; k < 6; k++)
        {
          double a = G_PI / 3 * k;
          if (k == 0)
            cairo_move_to (cr, x + r * cos (a), y + r * sin (a));
          else
            cairo_line_to (cr, x + r * cos (a), y + r * sin (a));
        }
      cairo_close_path (cr);
      break;
    case RL_PURPOSE_BACKGROUND_CHECK:
      cairo_move_to (cr, x, y + r * 1.1);
      cairo_line_to (cr, x + r, y - r * 0.8);
      cairo_line_to (cr, x - r, y - r * 0.8);
      cairo_close_path (cr);
      break;
    case RL_PURPOSE_LATENT_CASE:
      cairo_rectangle (cr, x - r * 0.35, y - r, r * 0.7, r * 2);
      cairo_rectangle (cr, x - r, y - r * 0.35, r * 2, r * 0.7);
      break;
    default:
      cairo_arc (cr, x, y, r * 0.6, 0, 2 * G_PI);
      break;
    }
}

/* Colour per purpose, readable on light and dark backgrounds. */
static void
purpose_colour (cairo_t *cr, RlEncounterPurpose purpose)
{
  static const double colours[][3] = {
    { 0.40, 0.40, 0.40 }, { 0.11, 0.44, 0.85 }, { 0.15, 0.60, 0.35 }, { 0.55, 0.25, 0.65 },
    { 0.80, 0.50, 0.05 }, { 0.10, 0.55, 0.60 }, { 0.45, 0.45, 0.70 }, { 0.35, 0.30, 0.25 }, { 0.40, 0.40, 0.40 },
  };
  guint i = (guint) purpose < G_N_ELEMENTS (colours) ? (guint) purpose : 0;
  cairo_set_source_rgb (cr, colours[i][0], colours[i][1], colours[i][2]);
}

/* Ticks at a step that gives about one label per 90 px: years, months or days. */
static void
draw_axis (RlTimeline *self, cairo_t *cr, const GdkRGBA *fg, double width, double height)
{
  double span_days = (double) (self->end - self->start) / DAY;
  double per_px = span_days / plot_width (self);
  g_autoptr(GDateTime) first = g_date_time_new_from_unix_utc (self->start);
  g_autoptr(GDateTime) t = NULL;
  int step_years = 0, step_months = 0, step_days = 0;
  const char *fmt;

  if (first == NULL)
    return;
  if (per_px * 90 > 365 * 5)
    step_years = 10, fmt = "%Y";
  else if (per_px * 90 > 365)
    step_years = per_px * 90 > 365 * 2 ? 5 : 1, fmt = "%Y";
  else if (per_px * 90 > 31)
    step_months = per_px * 90 > 93 ? 6 : 3, fmt = "%Y-%m";
  else if (per_px * 90 > 3)
    step_months = 1, fmt = "%Y-%m";
  else
    step_days = 1, fmt = "%m-%d";

  if (step_years)
    t = g_date_time_new_utc (g_date_time_get_year (first) - g_date_time_get_year (first) % step_years, 1, 1, 0, 0, 0);
  else if (step_months)
    t = g_date_time_new_utc (g_date_time_get_year (first), g_date_time_get_month (first), 1, 0, 0, 0);
  else
    t = g_date_time_new_utc (g_date_time_get_year (first), g_date_time_get_month (first),
                             g_date_time_get_day_of_month (first), 0, 0, 0);

  cairo_select_font_face (cr, "Cantarell", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 11);
  for (int guard = 0; t && guard < 400; guard++)
    {
      gint64 u = g_date_time_to_unix (t);
      double x = rl_timeline_x_for_time (self, u);
      GDateTime *next;

      if (u > self->end)
        break;
      if (x >= LABEL_WIDTH)
        {
          g_autofree char *text = g_date_time_format (t, fmt);
          cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.12);
          cairo_rectangle (cr, floor (x), 0, 1, height - AXIS_HEIGHT);
          cairo_fill (cr);
          cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
          cairo_move_to (cr, x + 3, height - 7);
          cairo_show_text (cr, text);
        }
      next = step_years ? g_date_time_add_years (t, step_years)
           : step_months ? g_date_time_add_months (t, step_months) : g_date_time_add_days (t, step_days);
      g_date_time_unref (t);
      t = next;
    }
}

/* The slice [first, last) of the sorted encounters that can show in the
 * visible span (a mark's radius beyond it on both sides). */
static void
visible_slice (RlTimeline *self, guint *out_first, guint *out_last)
{
  gint64 slack = (gint64) (2 * MARK_RADIUS / plot_width (self) * (double) (self->end - self->start)) + 1;
  guint first = first_at_or_after (self, self->start - slack);
  guint last = first_at_or_after (self, self->end + slack + 1);

  *out_first = first;
  *out_last = MAX (first, last);
}

static gboolean
is_dense (RlTimeline *self)
{
  guint first, last;

  visible_slice (self, &first, &last);
  return last - first > DENSE_FROM;
}

/* Dense view: the visible encounters counted per lane and BIN_WIDTH-pixel
 * column (and purpose), then one bar per non-empty bin, its height growing
 * with the log of the count and its colour the bin's most common purpose.
 * The work is one pass over the visible encounters plus one pass over the
 * bins, and the bars are pixel-aligned rectangles filled in one path per
 * purpose, which Cairo fills as boxes: bounded by the widget's size,
 * whatever the number of encounters. */
static void
draw_density (RlTimeline *self, cairo_t *cr, guint first, guint last, double width, double lh)
{
  guint n_lanes = MAX (1, self->lanes->len);
  guint n_cols = (guint) (width / BIN_WIDTH) + 1;
  gsize n = (gsize) n_lanes * n_cols * N_PURPOSES;
  guint32 max_count = 1;
  double bar_max = MAX (4.0, lh * 0.8);

  if (self->n_bins < n)
    {
      g_free (self->bins);
      self->bins = g_new (guint32, n);
      self->n_bins = n;
    }
  memset (self->bins, 0, n * sizeof (guint32));
  for (guint i = first; i < last; i++)
    {
      Encounter *e = &g_array_index (self->encounters, Encounter, i);
      double x = rl_timeline_x_for_time (self, e->at);
      int col = (int) (x / BIN_WIDTH);
      guint purpose = (guint) e->purpose < N_PURPOSES ? (guint) e->purpose : 0;

      if (col < 0 || (guint) col >= n_cols || e->lane < 0)
        continue;
      self->bins[((gsize) e->lane * n_cols + col) * N_PURPOSES + purpose]++;
    }
  for (gsize b = 0; b < (gsize) n_lanes * n_cols; b++)
    {
      guint32 total = 0;
      for (guint p = 0; p < N_PURPOSES; p++)
        total += self->bins[b * N_PURPOSES + p];
      max_count = MAX (max_count, total);
    }
  for (guint purpose = 0; purpose < N_PURPOSES; purpose++)
    {
      gboolean any = FALSE;

      for (guint lane = 0; lane < n_lanes; lane++)
        for (guint col = 0; col < n_cols; col++)
          {
            const guint32 *counts = &self->bins[((gsize) lane * n_cols + col) * N_PURPOSES];
            guint32 total = 0, best = 0;
            guint dominant = 0;
            double h, y;

            for (guint p = 0; p < N_PURPOSES; p++)
              {
                total += counts[p];
                if (counts[p] > best)
                  best = counts[p], dominant = p;
              }
            if (total == 0 || dominant != purpose)
              continue;
            /* log scale: one encounter is still a visible tick, the busiest
             * column fills most of the lane. */
            h = round (4.0 + (bar_max - 4.0) * log1p (total) / log1p (max_count));
            y = round ((lane + 0.5) * lh - h / 2);
            cairo_rectangle (cr, col * BIN_WIDTH, y, BIN_WIDTH, h);
            any = TRUE;
          }
      if (any)
        {
          purpose_colour (cr, purpose);
          cairo_fill (cr);
        }
    }
}

/* Everything but the hover ring: lanes, axis, derogatory records and hits,
 * encounters. */
static void
draw_layer (RlTimeline *self, cairo_t *cr, const GdkRGBA *fg, double width, double height)
{
  double lh = lane_height (self);
  guint first, last;

  /* Lanes: alternate shading and the agency code. */
  cairo_select_font_face (cr, "Cantarell", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 12);
  for (guint i = 0; i < self->lanes->len; i++)
    {
      if (i % 2 == 1)
        {
          cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.05);
          cairo_rectangle (cr, 0, i * lh, width, lh);
          cairo_fill (cr);
        }
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.85);
      cairo_move_to (cr, 8, (i + 0.5) * lh + 4);
      cairo_show_text (cr, g_ptr_array_index (self->lanes, i));
    }
  draw_axis (self, cr, fg, width, height);

  cairo_save (cr);
  cairo_rectangle (cr, LABEL_WIDTH, 0, width - LABEL_WIDTH, height - AXIS_HEIGHT);
  cairo_clip (cr);

  /* Derogatory records and hits under the encounters. */
  for (guint i = 0; i < self->marks->len; i++)
    {
      Mark *m = &g_array_index (self->marks, Mark, i);
      double x = rl_timeline_x_for_time (self, m->at), y0 = m->lane * lh;

      if (x < LABEL_WIDTH - 12 || x > width + 12)
        continue;
      if (m->kind == RL_TIMELINE_MARK_DEROGATORY)
        {
          cairo_set_source_rgb (cr, 0.80, 0.10, 0.12);
          cairo_rectangle (cr, x - 1, y0 + 2, 2, lh - 4);
          cairo_fill (cr);
          cairo_move_to (cr, x + 1, y0 + 2);
          cairo_line_to (cr, x + 10, y0 + 6);
          cairo_line_to (cr, x + 1, y0 + 10);
          cairo_close_path (cr);
          cairo_fill (cr);
        }
      else
        {
          cairo_set_source_rgb (cr, 0.95, 0.55, 0.0);
          cairo_move_to (cr, x - 6, y0 + lh - 2);
          cairo_line_to (cr, x + 6, y0 + lh - 2);
          cairo_line_to (cr, x, y0 + lh - 11);
          cairo_close_path (cr);
          cairo_fill (cr);
        }
    }

  /* Only the visible slice of the sorted encounters: with 10,000 of them
   * and a zoomed-in view this is a handful. */
  visible_slice (self, &first, &last);
  if (last - first > DENSE_FROM)
    draw_density (self, cr, first, last, width, lh);
  else
    for (guint i = first; i < last; i++)
      {
        Encounter *e = &g_array_index (self->encounters, Encounter, i);
        double x = rl_timeline_x_for_time (self, e->at), y = (e->lane + 0.5) * lh;

        shape_path (cr, e->purpose, x, y, MARK_RADIUS);
        purpose_colour (cr, e->purpose);
        cairo_fill_preserve (cr);
        cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
        cairo_set_line_width (cr, 1);
        cairo_stroke (cr);
      }
  cairo_restore (cr);
}

/* Draws the layer into an image surface at the widget's scale and keeps it
 * as a texture: renderers upload a texture once and reuse it while it is
 * shown (a Cairo node would be replayed on every frame). */
static GdkTexture *
render_layer (RlTimeline *self, const GdkRGBA *fg, int width, int height, int scale)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  cairo_t *cr;
  GBytes *bytes;
  GdkTexture *texture;
  int stride;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  draw_layer (self, cr, fg, width, height);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  stride = cairo_image_surface_get_stride (surface);
  /* The texture holds the surface's pixels without a copy; Cairo's ARGB32
   * is GDK's default (premultiplied B8G8R8A8 on little-endian, A8R8G8B8 on
   * big-endian) memory format. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface), (gsize) stride * height * scale,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  texture = gdk_memory_texture_new (width * scale, height * scale, GDK_MEMORY_DEFAULT, bytes, stride);
  g_bytes_unref (bytes);
  return texture;
}

/* A ring around one encounter's mark, drawn over the cached layer. */
static void
draw_ring (RlTimeline *self, GtkSnapshot *snapshot, gint64 id, const GdkRGBA *colour, double r, double line)
{
  double lh = lane_height (self);
  cairo_t *cr;

  for (guint i = 0; i < self->encounters->len; i++)
    {
      Encounter *e = &g_array_index (self->encounters, Encounter, i);
      double x, y;

      if (e->id != id)
        continue;
      x = rl_timeline_x_for_time (self, e->at);
      y = (e->lane + 0.5) * lh;
      if (x < LABEL_WIDTH)
        return;
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - r - line, y - r - line, 2 * (r + line),
                                                                     2 * (r + line)));
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, colour);
      cairo_set_line_width (cr, line);
      cairo_stroke (cr);
      cairo_destroy (cr);
      return;
    }
}

/* The keyboard's place: a rounded square around the mark, outside the
 * (round) selection and hover rings so all three can be told apart. */
static void
draw_focus_ring (RlTimeline *self, GtkSnapshot *snapshot, gint64 id)
{
  int i = index_of_encounter (self, id);
  double x, y, h = FOCUS_HALF, line = 2.0;
  GskRoundedRect outline;

  if (i < 0)
    return;
  x = rl_timeline_x_for_time (self, g_array_index (self->encounters, Encounter, i).at);
  y = rl_timeline_y_for_lane (self, g_array_index (self->encounters, Encounter, i).lane);
  if (x < LABEL_WIDTH)
    return;
  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (x - h - line / 2, y - h - line / 2,
                                                                  2 * h + line, 2 * h + line), 3.0);
  gtk_snapshot_append_border (snapshot, &outline, (float[4]) { line, line, line, line },
                              (GdkRGBA[4]) { RL_TIMELINE_FOCUS_COLOUR, RL_TIMELINE_FOCUS_COLOUR,
                                             RL_TIMELINE_FOCUS_COLOUR, RL_TIMELINE_FOCUS_COLOUR });
}

static void
rl_timeline_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  RlTimeline *self = RL_TIMELINE (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  LayerKey key;

  /* Compared with memcmp: no stray padding bytes. */
  memset (&key, 0, sizeof key);
  key.start = self->start;
  key.end = self->end;
  key.width = width;
  key.height = height;
  key.scale = gtk_widget_get_scale_factor (widget);
  key.generation = self->generation;
  if (width <= LABEL_WIDTH || height <= AXIS_HEIGHT)
    return;
  /* GTK 4.8 (Debian 12) has no gtk_widget_get_color yet. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &key.fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (self->layer == NULL || memcmp (&key, &self->layer_key, sizeof key) != 0)
    {
      g_clear_object (&self->layer);
      self->layer = render_layer (self, &key.fg, width, height, key.scale);
      self->layer_key = key;
    }
  if (self->layer)
    gtk_snapshot_append_texture (snapshot, self->layer, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->selected != 0)
    draw_ring (self, snapshot, self->selected, &(GdkRGBA) { 0.21, 0.52, 0.89, 1.0 }, MARK_RADIUS + 3.5, 2.5);
  if (self->hovered != 0 && self->hovered != self->selected)
    draw_ring (self, snapshot, self->hovered, &(GdkRGBA) { key.fg.red, key.fg.green, key.fg.blue, 0.8 },
               MARK_RADIUS + 4, 1.5);
  if (self->focused != 0 && gtk_widget_has_focus (widget))
    draw_focus_ring (self, snapshot, self->focused);
}

/* ------------------------------------------------------------- input */

static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, RlTimeline *self)
{
  double x = 0, y = 0;
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));

  if (event == NULL || !gdk_event_get_position (event, &x, &y))
    x = LABEL_WIDTH + plot_width (self) / 2;
  rl_timeline_zoom (self, pow (1.25, dy), time_for_x (self, x));
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, RlTimeline *self)
{
  self->drag_start = self->start;
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, RlTimeline *self)
{
  gint64 span = self->end - self->start;
  gint64 shift = (gint64) (dx / plot_width (self) * (double) span);

  self->start = self->drag_start - shift;
  self->end = self->start + span;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_click (GtkGestureClick *gesture, int n_press, double x, double y, RlTimeline *self)
{
  gint64 id;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  /* In a dense view a column holds many encounters: a click zooms in
   * there, until single marks show and can be opened. */
  if (x >= LABEL_WIDTH && is_dense (self))
    {
      rl_timeline_zoom (self, 0.25, time_for_x (self, x));
      return;
    }
  if ((id = rl_timeline_encounter_at (self, x, y)) != 0)
    {
      rl_timeline_set_focused (self, id);
      g_signal_emit (self, signals[ENCOUNTER_ACTIVATED], 0, id);
    }
}

static void
set_hovered (RlTimeline *self, gint64 id)
{
  if (id == self->hovered)
    return;
  self->hovered = id;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), id ? "pointer" : NULL);
  /* Only the ring changes: the layer is reused. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, RlTimeline *self)
{
  set_hovered (self, is_dense (self) ? 0 : rl_timeline_encounter_at (self, x, y));
}

static void
on_leave (GtkEventControllerMotion *controller, RlTimeline *self)
{
  set_hovered (self, 0);
}

/* Keeps encounter i in view: centred when it is outside. */
static void
show_encounter (RlTimeline *self, guint i)
{
  gint64 at = g_array_index (self->encounters, Encounter, i).at, span = self->end - self->start;
  double x = rl_timeline_x_for_time (self, at);

  if (x < LABEL_WIDTH + MARK_RADIUS || x > gtk_widget_get_width (GTK_WIDGET (self)) - MARK_RADIUS)
    rl_timeline_set_range (self, at - span / 2, at - span / 2 + span);
}

void
rl_timeline_set_focused (RlTimeline *self, gint64 encounter_id)
{
  int i;

  g_return_if_fail (RL_IS_TIMELINE (self));
  i = index_of_encounter (self, encounter_id);
  self->focused = i >= 0 ? encounter_id : 0;
  if (i >= 0)
    show_encounter (self, (guint) i);
  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
rl_timeline_get_focused (RlTimeline *self)
{
  g_return_val_if_fail (RL_IS_TIMELINE (self), 0);
  return self->focused;
}

/* Where the keyboard starts: the encounter opened beside the timeline, else
 * the first one in view, else the first one. */
static gint64
initial_focus (RlTimeline *self)
{
  guint first;

  if (self->encounters->len == 0)
    return 0;
  if (index_of_encounter (self, self->selected) >= 0)
    return self->selected;
  first = first_at_or_after (self, self->start);
  if (first < self->encounters->len && g_array_index (self->encounters, Encounter, first).at <= self->end)
    return g_array_index (self->encounters, Encounter, first).id;
  return g_array_index (self->encounters, Encounter, 0).id;
}

/* Left / Right: the previous / next encounter in time (all lanes). */
static void
action_step_mark (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTimeline *self = RL_TIMELINE (widget);
  int i = index_of_encounter (self, self->focused), n = (int) self->encounters->len;

  if (n == 0)
    return;
  if (i < 0)
    i = index_of_encounter (self, initial_focus (self));
  else
    i = CLAMP (i + g_variant_get_int32 (parameter), 0, n - 1);
  rl_timeline_set_focused (self, g_array_index (self->encounters, Encounter, i).id);
}

/* Home / End: the first / last encounter. */
static void
action_edge_mark (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTimeline *self = RL_TIMELINE (widget);

  if (self->encounters->len > 0)
    rl_timeline_set_focused (self, g_array_index (self->encounters, Encounter,
                                                  g_variant_get_int32 (parameter) < 0 ? 0 : self->encounters->len - 1).id);
}

/* Enter / Space: open the encounter the keyboard is on, as a click does. */
static void
action_open_mark (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTimeline *self = RL_TIMELINE (widget);

  if (self->focused == 0)
    rl_timeline_set_focused (self, initial_focus (self));
  if (self->focused != 0)
    g_signal_emit (self, signals[ENCOUNTER_ACTIVATED], 0, self->focused);
}

/* Shift+Left / Shift+Right: a tenth of the span earlier / later. */
static void
action_pan (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTimeline *self = RL_TIMELINE (widget);
  gint64 shift = (self->end - self->start) / 10 * g_variant_get_int32 (parameter);

  rl_timeline_set_range (self, self->start + shift, self->end + shift);
}

/* + / -: zoom in / out around the focused encounter, else the middle. */
static void
action_zoom (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RlTimeline *self = RL_TIMELINE (widget);
  int i = index_of_encounter (self, self->focused);
  gint64 at = self->start + (self->end - self->start) / 2;

  if (i >= 0 && rl_timeline_x_for_time (self, g_array_index (self->encounters, Encounter, i).at) >= LABEL_WIDTH)
    at = g_array_index (self->encounters, Encounter, i).at;
  rl_timeline_zoom (self, g_variant_get_int32 (parameter) > 0 ? 0.8 : 1.25, at);
}

static void
on_focus_enter (GtkEventControllerFocus *controller, RlTimeline *self)
{
  if (self->focused == 0)
    rl_timeline_set_focused (self, initial_focus (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_focus_leave (GtkEventControllerFocus *controller, RlTimeline *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Dense view: what the column bin under the pointer counts, by purpose. */
static gboolean
dense_tooltip (RlTimeline *self, double x, double y, GtkTooltip *tooltip)
{
  int lane = (int) (y / lane_height (self));
  double x0 = floor (x / BIN_WIDTH) * BIN_WIDTH;
  gint64 from = time_for_x (self, x0), to = time_for_x (self, x0 + BIN_WIDTH);
  guint counts[N_PURPOSES] = { 0 }, total = 0;
  g_autoptr(GString) text = NULL;
  g_autofree char *d0 = format_date (from, FALSE);
  g_autofree char *d1 = format_date (to, FALSE);

  if (lane < 0 || lane >= (int) self->lanes->len)
    return FALSE;
  for (guint i = first_at_or_after (self, from); i < self->encounters->len; i++)
    {
      Encounter *e = &g_array_index (self->encounters, Encounter, i);
      if (e->at >= to)
        break;
      if (e->lane == lane)
        {
          counts[(guint) e->purpose < N_PURPOSES ? (guint) e->purpose : 0]++;
          total++;
        }
    }
  if (total == 0)
    return FALSE;
  text = g_string_new (NULL);
  g_string_append_printf (text, ngettext ("%u encounter by %s, %s – %s", "%u encounters by %s, %s – %s", total),
                          total, (const char *) g_ptr_array_index (self->lanes, lane), d0, d1);
  for (guint p = 0; p < N_PURPOSES; p++)
    if (counts[p])
      g_string_append_printf (text, "\n%u × %s", counts[p], rl_encounter_purpose_to_label (p));
  g_string_append (text, _("\nClick to zoom in"));
  gtk_tooltip_set_text (tooltip, text->str);
  return TRUE;
}

static gboolean
rl_timeline_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip)
{
  RlTimeline *self = RL_TIMELINE (widget);
  gint64 id;
  int focused;

  /* Asked from the keyboard (Ctrl+F1): the details of the encounter the
   * keyboard is on, as hovering it shows them. */
  if (keyboard && (focused = index_of_encounter (self, self->focused)) >= 0)
    {
      gtk_tooltip_set_text (tooltip, g_array_index (self->encounters, Encounter, focused).tooltip);
      return TRUE;
    }
  if (x >= LABEL_WIDTH && is_dense (self))
    return dense_tooltip (self, x, y, tooltip);
  id = rl_timeline_encounter_at (self, x, y);
  if (id != 0)
    for (guint i = 0; i < self->encounters->len; i++)
      if (g_array_index (self->encounters, Encounter, i).id == id)
        {
          gtk_tooltip_set_text (tooltip, g_array_index (self->encounters, Encounter, i).tooltip);
          return TRUE;
        }
  for (guint i = 0; i < self->marks->len; i++)
    {
      Mark *m = &g_array_index (self->marks, Mark, i);
      if (fabs (rl_timeline_x_for_time (self, m->at) - x) < 6 && (int) (y / lane_height (self)) == m->lane)
        {
          gtk_tooltip_set_text (tooltip, m->label);
          return TRUE;
        }
    }
  return FALSE;
}

static void
rl_timeline_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum, int *natural,
                     int *minimum_baseline, int *natural_baseline)
{
  RlTimeline *self = RL_TIMELINE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = 200, *natural = 600;
  else
    *minimum = (int) AXIS_HEIGHT + 24, *natural = (int) AXIS_HEIGHT + 32 * MAX (1, (int) self->lanes->len);
}

static void
rl_timeline_finalize (GObject *object)
{
  RlTimeline *self = RL_TIMELINE (object);

  g_array_unref (self->encounters);
  g_array_unref (self->marks);
  g_ptr_array_unref (self->lanes);
  g_clear_object (&self->layer);
  g_free (self->bins);
  G_OBJECT_CLASS (rl_timeline_parent_class)->finalize (object);
}

static void
rl_timeline_class_init (RlTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rl_timeline_finalize;
  widget_class->snapshot = rl_timeline_snapshot;
  widget_class->measure = rl_timeline_measure;
  widget_class->query_tooltip = rl_timeline_query_tooltip;

  /* Emitted with the id of the encounter the user clicked. */
  signals[ENCOUNTER_ACTIVATED] = g_signal_new ("encounter-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                               0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);

  gtk_widget_class_install_action (widget_class, "timeline.step-mark", "i", action_step_mark);
  gtk_widget_class_install_action (widget_class, "timeline.edge-mark", "i", action_edge_mark);
  gtk_widget_class_install_action (widget_class, "timeline.open-mark", NULL, action_open_mark);
  gtk_widget_class_install_action (widget_class, "timeline.pan", "i", action_pan);
  gtk_widget_class_install_action (widget_class, "timeline.zoom", "i", action_zoom);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "timeline.step-mark", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, 0, "timeline.step-mark", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "timeline.step-mark", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, 0, "timeline.step-mark", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "timeline.edge-mark", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "timeline.edge-mark", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "timeline.open-mark", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "timeline.open-mark", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "timeline.open-mark", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_SHIFT_MASK, "timeline.pan", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_SHIFT_MASK, "timeline.pan", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "timeline.zoom", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_SHIFT_MASK, "timeline.zoom", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "timeline.zoom", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "timeline.zoom", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "timeline.zoom", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "timeline.zoom", "i", -1);
}

static void
rl_timeline_init (RlTimeline *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  self->encounters = g_array_new (FALSE, TRUE, sizeof (Encounter));
  g_array_set_clear_func (self->encounters, encounter_clear);
  self->marks = g_array_new (FALSE, TRUE, sizeof (Mark));
  g_array_set_clear_func (self->marks, mark_clear);
  self->lanes = g_ptr_array_new_with_free_func (g_free);
  self->start = now - 10 * 365 * (gint64) DAY;
  self->end = now;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  gesture = gtk_gesture_drag_new ();
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "released", G_CALLBACK (on_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_focus_enter), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  update_accessible_label (self);
}

GtkWidget *
rl_timeline_new (void)
{
  return g_object_new (RL_TYPE_TIMELINE, NULL);
}
