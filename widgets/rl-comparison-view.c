/* rl-comparison-view.c — two prints side by side for an examiner's comparison. */
#define G_LOG_DOMAIN "rl-widgets"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "rl-comparison-view.h"

/* The navigation state of one side as last seen, to turn a change of one
 * side into the same on-screen motion of the other. */
typedef struct {
  double zoom, rotation, cx, cy;
} ViewState;

/* The chart at one moment, for undo and redo. */
typedef struct {
  GArray *minutiae[2];   /* of RlMinutia */
  GArray *pairs;         /* of RlCorrespondence */
} ChartState;

#define UNDO_DEPTH 200

struct _RlComparisonView {
  GtkWidget     parent_instance;

  GtkWidget    *box;
  RlPrintView  *views[2];          /* 0 = probe (left), 1 = candidate (right) */
  GtkWidget    *captions[2];
  ViewState     state[2];
  gboolean      syncing;

  /* Matcher pairs strongest first, then the charted ones in charting order. */
  GArray       *pairs;             /* of RlCorrespondence */
  guint         visible_pairs;
  gboolean      linked;
  RlPrintTool   tool;

  /* Undo history of the examiner's edits; `current` is the chart now. */
  ChartState   *current;
  GPtrArray    *undo, *redo;
  guint         last_edit;         /* for merging the steps of one drag */
  gboolean      restoring;
};

G_DEFINE_FINAL_TYPE (RlComparisonView, rl_comparison_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LINKED,
  PROP_VISIBLE_PAIRS,
  PROP_N_MATCHER_PAIRS,
  PROP_N_PROBE_MINUTIAE,
  PROP_N_CANDIDATE_MINUTIAE,
  PROP_N_CORRESPONDENCES,
  PROP_TOOL,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static guint
n_matcher_pairs (RlComparisonView *self)
{
  guint n = 0;

  for (guint i = 0; i < self->pairs->len; i++)
    if (!g_array_index (self->pairs, RlCorrespondence, i).charted)
      n++;
  return n;
}

static gboolean
pair_is_visible (RlComparisonView *self, guint index)
{
  const RlCorrespondence *c = &g_array_index (self->pairs, RlCorrespondence, index);

  /* Matcher pairs come first in the array, so their index is their rank. */
  return c->charted || index < self->visible_pairs;
}

RlCorrespondence *
rl_comparison_view_get_correspondences (RlComparisonView *self, guint *n)
{
  RlCorrespondence *out;
  guint count = 0;

  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), NULL);

  out = g_new (RlCorrespondence, MAX (self->pairs->len, 1));
  for (guint i = 0; i < self->pairs->len; i++)
    if (pair_is_visible (self, i))
      out[count++] = g_array_index (self->pairs, RlCorrespondence, i);
  if (n)
    *n = count;
  return out;
}

guint
rl_comparison_view_get_n_correspondences (RlComparisonView *self)
{
  guint count = 0;

  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), 0);

  for (guint i = 0; i < self->pairs->len; i++)
    if (pair_is_visible (self, i))
      count++;
  return count;
}

static void
update_captions (RlComparisonView *self)
{
  static const char *sides[2] = { N_("Probe"), N_("Candidate") };

  for (int i = 0; i < 2; i++)
    {
      guint n = rl_print_view_get_n_minutiae (self->views[i]);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u minutia", "%s · %u minutiae", n),
                                               _(sides[i]), n);
      gtk_label_set_text (GTK_LABEL (self->captions[i]), text);
    }
}

/* Pushes the visible correspondences to both views as numbered marks and
 * tells listeners the chart changed. */
static void
chart_changed (RlComparisonView *self)
{
  g_autofree guint *probe = g_new (guint, MAX (self->pairs->len, 1));
  g_autofree guint *candidate = g_new (guint, MAX (self->pairs->len, 1));
  g_autofree guint *number = g_new (guint, MAX (self->pairs->len, 1));
  guint count = 0;

  for (guint i = 0; i < self->pairs->len; i++)
    if (pair_is_visible (self, i))
      {
        const RlCorrespondence *c = &g_array_index (self->pairs, RlCorrespondence, i);
        probe[count] = c->probe;
        candidate[count] = c->candidate;
        number[count] = count + 1;
        count++;
      }
  rl_print_view_set_marks (self->views[0], probe, number, count);
  rl_print_view_set_marks (self->views[1], candidate, number, count);
  update_captions (self);
  {
    /* What a screen reader says about the comparison as a whole. */
    g_autofree char *description =
      g_strdup_printf (_("Probe %u minutiae, candidate %u minutiae, %u correspondences shown"),
                       rl_print_view_get_n_minutiae (self->views[0]),
                       rl_print_view_get_n_minutiae (self->views[1]), count);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  }

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CORRESPONDENCES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MATCHER_PAIRS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PROBE_MINUTIAE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_CANDIDATE_MINUTIAE]);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

static int
compare_strength_desc (gconstpointer a, gconstpointer b)
{
  const RlCorrespondence *x = a, *y = b;

  return (x->strength < y->strength) - (x->strength > y->strength);
}

static gboolean
remove_pairs_where (RlComparisonView *self, int side, guint index)
{
  gboolean removed = FALSE;

  for (guint i = self->pairs->len; i-- > 0;)
    {
      const RlCorrespondence *c = &g_array_index (self->pairs, RlCorrespondence, i);
      if ((side == 0 ? c->probe : c->candidate) == index)
        {
          g_array_remove_index (self->pairs, i);
          removed = TRUE;
        }
    }
  return removed;
}

/* ------------------------------------------------------------ history */

static void
chart_state_free (ChartState *state)
{
  g_array_unref (state->minutiae[0]);
  g_array_unref (state->minutiae[1]);
  g_array_unref (state->pairs);
  g_free (state);
}

static ChartState *
chart_state_capture (RlComparisonView *self)
{
  ChartState *state = g_new0 (ChartState, 1);

  for (int i = 0; i < 2; i++)
    {
      guint n;
      const RlMinutia *m = rl_print_view_get_minutiae (self->views[i], &n);

      state->minutiae[i] = g_array_sized_new (FALSE, FALSE, sizeof (RlMinutia), n);
      g_array_append_vals (state->minutiae[i], m, n);
    }
  state->pairs = g_array_copy (self->pairs);
  return state;
}

static void
update_history_actions (RlComparisonView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "comparison.undo", self->undo->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "comparison.redo", self->redo->len > 0);
}

/* A new comparison: nothing to undo. */
static void
history_reset (RlComparisonView *self)
{
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  g_clear_pointer (&self->current, chart_state_free);
  self->current = chart_state_capture (self);
  self->last_edit = 0;
  update_history_actions (self);
}

/* Called after each edit. Successive moves of one minutia (the steps of a
 * drag, `merge_key` ≠ 0) make one undo step. */
static void
history_record (RlComparisonView *self, guint merge_key)
{
  if (self->restoring)
    return;
  if (merge_key != 0 && merge_key == self->last_edit)
    {
      chart_state_free (self->current);
      self->current = chart_state_capture (self);
      return;
    }
  g_ptr_array_add (self->undo, self->current);
  if (self->undo->len > UNDO_DEPTH)
    g_ptr_array_remove_index (self->undo, 0);
  self->current = chart_state_capture (self);
  g_ptr_array_set_size (self->redo, 0);
  self->last_edit = merge_key;
  update_history_actions (self);
}

static void
history_apply (RlComparisonView *self, ChartState *state)
{
  self->restoring = TRUE;
  for (int i = 0; i < 2; i++)
    rl_print_view_set_minutiae (self->views[i], (const RlMinutia *) state->minutiae[i]->data,
                                state->minutiae[i]->len);
  g_array_set_size (self->pairs, 0);
  g_array_append_vals (self->pairs, state->pairs->data, state->pairs->len);
  chart_changed (self);
  self->restoring = FALSE;
  self->last_edit = 0;
}

gboolean
rl_comparison_view_undo (RlComparisonView *self)
{
  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), FALSE);

  if (self->undo->len == 0)
    return FALSE;
  g_ptr_array_add (self->redo, self->current);
  self->current = g_ptr_array_steal_index (self->undo, self->undo->len - 1);
  history_apply (self, self->current);
  update_history_actions (self);
  return TRUE;
}

gboolean
rl_comparison_view_redo (RlComparisonView *self)
{
  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), FALSE);

  if (self->redo->len == 0)
    return FALSE;
  g_ptr_array_add (self->undo, self->current);
  self->current = g_ptr_array_steal_index (self->redo, self->redo->len - 1);
  history_apply (self, self->current);
  update_history_actions (self);
  return TRUE;
}

void
rl_comparison_view_set_prints (RlComparisonView *self,
                               const RlImage    *probe_image,
                               const RlTemplate *probe_template,
                               const RlImage    *candidate_image,
                               const RlTemplate *candidate_template)
{
  g_return_if_fail (RL_IS_COMPARISON_VIEW (self));

  g_array_set_size (self->pairs, 0);
  rl_print_view_set_image (self->views[0], probe_image);
  rl_print_view_set_template (self->views[0], probe_template);
  rl_print_view_set_image (self->views[1], candidate_image);
  rl_print_view_set_template (self->views[1], candidate_template);
  chart_changed (self);
  history_reset (self);
}

void
rl_comparison_view_set_extractions (RlComparisonView *self, RlExtraction *probe, RlExtraction *candidate)
{
  g_return_if_fail (RL_IS_COMPARISON_VIEW (self));
  g_return_if_fail (probe != NULL && candidate != NULL);

  g_array_set_size (self->pairs, 0);
  rl_print_view_set_extraction (self->views[0], probe);
  rl_print_view_set_extraction (self->views[1], candidate);
  chart_changed (self);
  history_reset (self);
}

void
rl_comparison_view_set_matcher_pairs (RlComparisonView       *self,
                                      const RlCorrespondence *pairs,
                                      guint                   n_pairs)
{
  g_autoptr(GArray) matcher = NULL;
  guint n_probe, n_candidate;

  g_return_if_fail (RL_IS_COMPARISON_VIEW (self));
  g_return_if_fail (n_pairs == 0 || pairs != NULL);

  n_probe = rl_print_view_get_n_minutiae (self->views[0]);
  n_candidate = rl_print_view_get_n_minutiae (self->views[1]);
  matcher = g_array_sized_new (FALSE, FALSE, sizeof (RlCorrespondence), n_pairs);
  for (guint i = 0; i < n_pairs; i++)
    {
      RlCorrespondence c = pairs[i];

      if (c.probe >= n_probe || c.candidate >= n_candidate)
        {
          g_warning ("Matcher pair %u refers to minutia %u / %u, the prints have %u / %u: pair ignored",
                     i, c.probe, c.candidate, n_probe, n_candidate);
          continue;
        }
      c.charted = FALSE;
      g_array_append_val (matcher, c);
    }
  g_array_sort (matcher, compare_strength_desc);

  /* Keep the charted ones after the new matcher pairs. */
  for (guint i = 0; i < self->pairs->len; i++)
    if (g_array_index (self->pairs, RlCorrespondence, i).charted)
      g_array_append_val (matcher, g_array_index (self->pairs, RlCorrespondence, i));
  g_array_set_size (self->pairs, 0);
  g_array_append_vals (self->pairs, matcher->data, matcher->len);

  self->visible_pairs = n_matcher_pairs (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_PAIRS]);
  chart_changed (self);
  history_reset (self);
}

void
rl_comparison_view_set_comparison (RlComparisonView *self, const RlComparison *comparison)
{
  g_autofree RlCorrespondence *pairs = NULL;
  guint n;

  g_return_if_fail (RL_IS_COMPARISON_VIEW (self));

  n = comparison != NULL ? comparison->n_pairs : 0;
  pairs = g_new0 (RlCorrespondence, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      pairs[i].probe = comparison->pairs[i].probe;
      pairs[i].candidate = comparison->pairs[i].candidate;
      pairs[i].strength = comparison->pairs[i].strength;
    }
  rl_comparison_view_set_matcher_pairs (self, pairs, n);
}

gboolean
rl_comparison_view_link (RlComparisonView *self, guint probe, guint candidate)
{
  RlCorrespondence c = { (guint16) probe, (guint16) candidate, 0.0f, TRUE };

  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), FALSE);

  if (probe >= rl_print_view_get_n_minutiae (self->views[0]) ||
      candidate >= rl_print_view_get_n_minutiae (self->views[1]) ||
      probe > G_MAXUINT16 || candidate > G_MAXUINT16)
    return FALSE;
  /* One feature corresponds to one feature. */
  remove_pairs_where (self, 0, probe);
  remove_pairs_where (self, 1, candidate);
  g_array_append_val (self->pairs, c);
  chart_changed (self);
  history_record (self, 0);
  return TRUE;
}

gboolean
rl_comparison_view_unlink_probe (RlComparisonView *self, guint probe)
{
  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), FALSE);

  if (!remove_pairs_where (self, 0, probe))
    return FALSE;
  chart_changed (self);
  history_record (self, 0);
  return TRUE;
}

gboolean
rl_comparison_view_unlink_candidate (RlComparisonView *self, guint candidate)
{
  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), FALSE);

  if (!remove_pairs_where (self, 1, candidate))
    return FALSE;
  chart_changed (self);
  history_record (self, 0);
  return TRUE;
}

RlPrintView *
rl_comparison_view_get_probe_view (RlComparisonView *self)
{
  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), NULL);
  return self->views[0];
}

RlPrintView *
rl_comparison_view_get_candidate_view (RlComparisonView *self)
{
  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), NULL);
  return self->views[1];
}

guint
rl_comparison_view_get_visible_pairs (RlComparisonView *self)
{
  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), 0);
  return self->visible_pairs;
}

void
rl_comparison_view_set_visible_pairs (RlComparisonView *self, guint n)
{
  g_return_if_fail (RL_IS_COMPARISON_VIEW (self));

  if (n == self->visible_pairs)
    return;
  self->visible_pairs = n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_PAIRS]);
  chart_changed (self);
}

gboolean
rl_comparison_view_get_linked (RlComparisonView *self)
{
  g_return_val_if_fail (RL_IS_COMPARISON_VIEW (self), FALSE);
  return self->linked;
}

void
rl_comparison_view_set_linked (RlComparisonView *self, gboolean linked)
{
  g_return_if_fail (RL_IS_COMPARISON_VIEW (self));

  linked = !!linked;
  if (linked == self->linked)
    return;
  self->linked = linked;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINKED]);
}

/* ------------------------------------------------------------ signals */

static ViewState
read_state (RlPrintView *view)
{
  ViewState s;

  s.zoom = rl_print_view_get_zoom (view);
  s.rotation = rl_print_view_get_rotation (view);
  rl_print_view_get_center (view, &s.cx, &s.cy);
  return s;
}

/* When locked, a change of one side moves the other by the same on-screen
 * motion (not to the same image coordinates: the two prints are different
 * impressions, aligned by the examiner before locking). With u a point
 * relative to the widget centre, side A's change maps u to R(Δθ)·s·(u − t)
 * where s is the zoom ratio and t = R(θ)·z·Δc; applying the same map to
 * side B gives z' = s·z_B, θ' = θ_B + Δθ and c' = c_B + R(−θ_B)·t / z_B. */
static void
view_changed_cb (RlPrintView *view, gboolean explicit_request, RlComparisonView *self)
{
  int side = view == self->views[0] ? 0 : 1;
  ViewState old = self->state[side], now = read_state (view), other;
  double theta, tx, ty, thb, cx, cy, scale;

  self->state[side] = now;
  if (self->syncing || !self->linked || !explicit_request)
    return;

  other = self->state[1 - side];
  scale = now.zoom / old.zoom;
  theta = old.rotation * G_PI / 180.0;
  tx = old.zoom * (cos (theta) * (now.cx - old.cx) - sin (theta) * (now.cy - old.cy));
  ty = old.zoom * (sin (theta) * (now.cx - old.cx) + cos (theta) * (now.cy - old.cy));
  thb = other.rotation * G_PI / 180.0;
  cx = other.cx + (cos (thb) * tx + sin (thb) * ty) / other.zoom;
  cy = other.cy + (-sin (thb) * tx + cos (thb) * ty) / other.zoom;

  self->syncing = TRUE;
  rl_print_view_set_view (self->views[1 - side], other.zoom * scale,
                          other.rotation + (now.rotation - old.rotation), cx, cy);
  self->syncing = FALSE;
  self->state[1 - side] = read_state (self->views[1 - side]);
}

static void
minutia_added_cb (RlPrintView *view, guint index, RlComparisonView *self)
{
  chart_changed (self);
  history_record (self, 0);
}

static void
minutia_moved_cb (RlPrintView *view, guint index, RlComparisonView *self)
{
  int side = view == self->views[0] ? 0 : 1;

  g_signal_emit (self, signals[CHANGED], 0);
  history_record (self, ((guint) side + 1) << 24 | (index + 1));
}

static void
minutia_removed_cb (RlPrintView *view, guint index, RlComparisonView *self)
{
  int side = view == self->views[0] ? 0 : 1;

  /* Correspondences refer to indices: drop the removed minutia's, shift later ones. */
  remove_pairs_where (self, side, index);
  for (guint i = 0; i < self->pairs->len; i++)
    {
      RlCorrespondence *c = &g_array_index (self->pairs, RlCorrespondence, i);
      guint16 *ref = side == 0 ? &c->probe : &c->candidate;
      if (*ref > index)
        (*ref)--;
    }
  chart_changed (self);
  history_record (self, 0);
}

/* ------------------------------------------------------------ actions */

static void
action_link (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlComparisonView *self = RL_COMPARISON_VIEW (widget);
  int p = rl_print_view_get_selected_minutia (self->views[0]);
  int c = rl_print_view_get_selected_minutia (self->views[1]);

  if (p >= 0 && c >= 0)
    rl_comparison_view_link (self, (guint) p, (guint) c);
  else
    gtk_widget_error_bell (widget);
}

static void
action_unlink (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlComparisonView *self = RL_COMPARISON_VIEW (widget);
  int p = rl_print_view_get_selected_minutia (self->views[0]);
  int c = rl_print_view_get_selected_minutia (self->views[1]);
  gboolean done = FALSE;

  /* The side that has focus first: that is the selection the examiner means. */
  if (gtk_widget_has_focus (GTK_WIDGET (self->views[1])) && c >= 0)
    done = rl_comparison_view_unlink_candidate (self, (guint) c);
  else if (p >= 0)
    done = rl_comparison_view_unlink_probe (self, (guint) p);
  else if (c >= 0)
    done = rl_comparison_view_unlink_candidate (self, (guint) c);
  if (!done)
    gtk_widget_error_bell (widget);
}

static void
action_undo (GtkWidget *widget, const char *action_name, GVariant *param)
{
  rl_comparison_view_undo (RL_COMPARISON_VIEW (widget));
}

static void
action_redo (GtkWidget *widget, const char *action_name, GVariant *param)
{
  rl_comparison_view_redo (RL_COMPARISON_VIEW (widget));
}

static void
action_fit (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlComparisonView *self = RL_COMPARISON_VIEW (widget);

  self->syncing = TRUE;
  rl_print_view_zoom_fit (self->views[0]);
  rl_print_view_zoom_fit (self->views[1]);
  self->syncing = FALSE;
  self->state[0] = read_state (self->views[0]);
  self->state[1] = read_state (self->views[1]);
}

/* ------------------------------------------------------------- GObject */

static void
rl_comparison_view_dispose (GObject *object)
{
  RlComparisonView *self = RL_COMPARISON_VIEW (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  self->views[0] = self->views[1] = NULL;
  G_OBJECT_CLASS (rl_comparison_view_parent_class)->dispose (object);
}

static void
rl_comparison_view_finalize (GObject *object)
{
  RlComparisonView *self = RL_COMPARISON_VIEW (object);

  g_array_unref (self->pairs);
  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  g_clear_pointer (&self->current, chart_state_free);
  G_OBJECT_CLASS (rl_comparison_view_parent_class)->finalize (object);
}

static void
rl_comparison_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RlComparisonView *self = RL_COMPARISON_VIEW (object);

  switch (prop_id)
    {
    case PROP_LINKED: g_value_set_boolean (value, self->linked); break;
    case PROP_VISIBLE_PAIRS: g_value_set_uint (value, self->visible_pairs); break;
    case PROP_N_MATCHER_PAIRS: g_value_set_uint (value, n_matcher_pairs (self)); break;
    case PROP_N_PROBE_MINUTIAE: g_value_set_uint (value, rl_print_view_get_n_minutiae (self->views[0])); break;
    case PROP_N_CANDIDATE_MINUTIAE: g_value_set_uint (value, rl_print_view_get_n_minutiae (self->views[1])); break;
    case PROP_N_CORRESPONDENCES: g_value_set_uint (value, rl_comparison_view_get_n_correspondences (self)); break;
    case PROP_TOOL: g_value_set_enum (value, self->tool); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_comparison_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RlComparisonView *self = RL_COMPARISON_VIEW (object);

  switch (prop_id)
    {
    case PROP_LINKED: rl_comparison_view_set_linked (self, g_value_get_boolean (value)); break;
    case PROP_VISIBLE_PAIRS: rl_comparison_view_set_visible_pairs (self, g_value_get_uint (value)); break;
    case PROP_TOOL:
      if (self->tool != (RlPrintTool) g_value_get_enum (value))
        {
          self->tool = g_value_get_enum (value);
          g_object_set (self->views[0], "tool", self->tool, NULL);
          g_object_set (self->views[1], "tool", self->tool, NULL);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_comparison_view_class_init (RlComparisonViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = rl_comparison_view_dispose;
  object_class->finalize = rl_comparison_view_finalize;
  object_class->get_property = rl_comparison_view_get_property;
  object_class->set_property = rl_comparison_view_set_property;

  properties[PROP_LINKED] = g_param_spec_boolean ("linked", NULL, NULL, TRUE, rw);
  properties[PROP_VISIBLE_PAIRS] = g_param_spec_uint ("visible-pairs", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_N_MATCHER_PAIRS] = g_param_spec_uint ("n-matcher-pairs", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_PROBE_MINUTIAE] = g_param_spec_uint ("n-probe-minutiae", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_CANDIDATE_MINUTIAE] = g_param_spec_uint ("n-candidate-minutiae", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_CORRESPONDENCES] = g_param_spec_uint ("n-correspondences", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_TOOL] = g_param_spec_enum ("tool", NULL, NULL, RL_TYPE_PRINT_TOOL, RL_PRINT_TOOL_NAVIGATE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted after any change to the chart: minutiae added, moved or
   * removed on either side, correspondences linked or unlinked, the
   * number of visible matcher pairs. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "comparison.link", NULL, action_link);
  gtk_widget_class_install_action (widget_class, "comparison.unlink", NULL, action_unlink);
  gtk_widget_class_install_action (widget_class, "comparison.fit", NULL, action_fit);
  gtk_widget_class_install_action (widget_class, "comparison.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "comparison.redo", NULL, action_redo);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "comparison.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "comparison.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "comparison.redo", NULL);
  gtk_widget_class_install_property_action (widget_class, "comparison.linked", "linked");
  gtk_widget_class_install_property_action (widget_class, "comparison.tool", "tool");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, 0, "comparison.link", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, 0, "comparison.unlink", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, 0, "comparison.linked", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "comparisonview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* The captions over the prints: legible on a white print and on the dark
 * canvas alike. Installed once per display, below application styles. */
static void
install_style (void)
{
  static gboolean installed;
  g_autoptr(GtkCssProvider) provider = NULL;
  GdkDisplay *display = gdk_display_get_default ();

  if (installed || display == NULL)
    return;
  installed = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider,
                                   "comparisonview label.print-caption {"
                                   "  padding: 3px 9px; border-radius: 6px;"
                                   "  background-color: rgba(20, 20, 22, 0.82); color: #f2f2f2;"
                                   "  font-weight: bold; font-size: 0.9em; }",
                                   -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_FALLBACK + 1);
}

static void
rl_comparison_view_init (RlComparisonView *self)
{
  static const char *labels[2] = { N_("Probe print"), N_("Candidate print") };

  self->pairs = g_array_new (FALSE, FALSE, sizeof (RlCorrespondence));
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) chart_state_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) chart_state_free);
  self->linked = TRUE;
  install_style ();

  /* Homogeneous: each print gets half the width whatever its size; the
   * spacing shows as a thin divider. */
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  gtk_box_set_homogeneous (GTK_BOX (self->box), TRUE);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  for (int i = 0; i < 2; i++)
    {
      GtkWidget *overlay = gtk_overlay_new ();

      self->views[i] = RL_PRINT_VIEW (rl_print_view_new ());
      gtk_widget_set_hexpand (GTK_WIDGET (self->views[i]), TRUE);
      gtk_widget_set_vexpand (GTK_WIDGET (self->views[i]), TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->views[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _(labels[i]),
                                      -1);
      gtk_overlay_set_child (GTK_OVERLAY (overlay), GTK_WIDGET (self->views[i]));

      self->captions[i] = gtk_label_new (NULL);
      gtk_widget_set_halign (self->captions[i], GTK_ALIGN_START);
      gtk_widget_set_valign (self->captions[i], GTK_ALIGN_START);
      gtk_widget_set_margin_start (self->captions[i], 8);
      gtk_widget_set_margin_top (self->captions[i], 8);
      gtk_widget_set_can_target (self->captions[i], FALSE);
      gtk_widget_add_css_class (self->captions[i], "print-caption");
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->captions[i]);

      gtk_box_append (GTK_BOX (self->box), overlay);

      g_signal_connect (self->views[i], "view-changed", G_CALLBACK (view_changed_cb), self);
      g_signal_connect (self->views[i], "minutia-added", G_CALLBACK (minutia_added_cb), self);
      g_signal_connect (self->views[i], "minutia-moved", G_CALLBACK (minutia_moved_cb), self);
      g_signal_connect (self->views[i], "minutia-removed", G_CALLBACK (minutia_removed_cb), self);
      self->state[i] = read_state (self->views[i]);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Print comparison"),
                                  -1);
  update_captions (self);
  history_reset (self);
}

GtkWidget *
rl_comparison_view_new (void)
{
  return g_object_new (RL_TYPE_COMPARISON_VIEW, NULL);
}
