/* rl-review-view-actions.c — what the examiner does in a review, as actions
 * with keyboard shortcuts, so a whole review can be done without a mouse:
 *
 *   Ctrl+Shift+A  record (or revise) the analysis
 *   Alt+1 … Alt+9 open candidate N; Alt+Down / Alt+Up the next / previous one
 *   Alt+I / Alt+X / Alt+N  identification / exclusion / inconclusive (mnemonics)
 *   Ctrl+Return   record the conclusion (or the verification)
 *   Ctrl+Shift+F  compare with an identity's prints searched by hand
 *   Ctrl+Shift+E  export the court chart
 *   Ctrl+Shift+R  return the search to the queue (and close its window)
 *   Ctrl+Shift+M / D / Q / H / K  layers on every print: minutiae, cores and
 *                 deltas, quality map, enhanced image (H), skeleton (K)
 */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-format.h"
#include "rl-review-view-private.h"

static char *
text_view_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
record_analysis (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RlReviewView *self = RL_REVIEW_VIEW (widget);
  g_autofree char *notes = text_view_text (self->notes_view);
  g_autoptr(GError) error = NULL;

  if (rl_review_view_record_analysis (self, gtk_check_button_get_active (self->of_value_check), notes, &error) &&
      rl_review_view_get_n_candidates (self) > 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->candidate_list));
}

static void
open_candidate (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RlReviewView *self = RL_REVIEW_VIEW (widget);
  g_autoptr(GError) error = NULL;
  int index = g_variant_get_int32 (parameter);

  if (index >= 0)
    rl_review_view_select_candidate (self, (guint) index, &error);
}

static void
step_candidate (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  RlReviewView *self = RL_REVIEW_VIEW (widget);
  g_autoptr(GError) error = NULL;
  int n = (int) rl_review_view_get_n_candidates (self);
  int next = self->current + g_variant_get_int32 (parameter);

  if (n > 0)
    rl_review_view_select_candidate (self, (guint) CLAMP (next, 0, n - 1), &error);
}

static void
record_conclusion (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  RlReviewView *self = RL_REVIEW_VIEW (widget);
  RlDecision decision = _rl_review_view_get_chosen_decision (self);
  const char *reasons = gtk_editable_get_text (GTK_EDITABLE (self->reasons_entry));
  const char *notes = gtk_editable_get_text (GTK_EDITABLE (self->conclusion_notes_entry));
  g_autoptr(GError) error = NULL;
  gboolean done;

  if (decision == 0)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Choose identification, exclusion or inconclusive first"));
      _rl_review_view_show_error (self, error);
      gtk_widget_grab_focus (GTK_WIDGET (self->identification_button));
      return;
    }
  if (self->stage == RL_REVIEW_STAGE_VERIFICATION)
    done = rl_review_view_record_verification (self, decision == self->to_verify->decision, decision, reasons,
                                               &error) != 0;
  else if (self->stage == RL_REVIEW_STAGE_DISPUTE)
    done = rl_review_view_decide_dispute (self, decision, reasons, &error) != 0;
  else
    done = rl_review_view_record_conclusion (self, decision, reasons, notes, &error) != 0;
  if (done)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->reasons_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->conclusion_notes_entry), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->candidate_list));
    }
}

static void
compare_identity (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  _rl_review_view_pick_identity (RL_REVIEW_VIEW (widget));
}

static void
export_chart (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  _rl_review_view_choose_chart_file (RL_REVIEW_VIEW (widget));
}

static void
return_to_queue (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  RlReviewView *self = RL_REVIEW_VIEW (widget);
  g_autoptr(GError) error = NULL;
  GtkRoot *root;

  if (!rl_store_release_search (rl_session_get_store (self->session), self->search->id, &error))
    {
      _rl_review_view_show_error (self, error);
      return;
    }
  /* The review's own window closes; embedded elsewhere, the view stays. */
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root) && gtk_window_get_transient_for (GTK_WINDOW (root)) != NULL)
    gtk_window_close (GTK_WINDOW (root));
  else
    _rl_review_view_toast (self, _("The search is back in the queue"));
}

void
_rl_review_view_update_actions (RlReviewView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean comparing = self->current >= 0 || self->other_sample_id != 0;

  gtk_widget_action_set_enabled (widget, "review.open-candidate", self->analysed);
  gtk_widget_action_set_enabled (widget, "review.step-candidate", self->analysed);
  /* A decided dispute is closed: the decision is final. */
  gtk_widget_action_set_enabled (widget, "review.record-conclusion",
                                 self->analysed && comparing &&
                                 (self->stage != RL_REVIEW_STAGE_DISPUTE || self->search->status == RL_SEARCH_DISPUTED));
  gtk_widget_action_set_enabled (widget, "review.compare-identity",
                                 self->analysed && self->stage != RL_REVIEW_STAGE_VERIFICATION &&
                                 self->stage != RL_REVIEW_STAGE_DISPUTE);
  gtk_widget_action_set_enabled (widget, "review.export-chart", comparing);
  gtk_widget_action_set_enabled (widget, "review.return-to-queue",
                                 self->search->status == RL_SEARCH_IN_REVIEW || self->search->status == RL_SEARCH_PENDING);
}

/* ---------------------------------------------- an identity's prints by hand */

static void
on_chart_file_chosen (GtkNativeDialog *dialog,
                      int              response,
                      RlReviewView    *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) &&
      (path = g_file_get_path (file)))
    {
      /* No suffix chosen: a PDF. */
      if (!g_str_has_suffix (path, ".pdf") && !g_str_has_suffix (path, ".png"))
        {
          char *with = g_strconcat (path, ".pdf", NULL);
          g_free (path);
          path = with;
        }
      rl_review_view_export_chart (self, path, &error);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

void
_rl_review_view_choose_chart_file (RlReviewView *self)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *pdf = gtk_file_filter_new ();
  GtkFileFilter *png = gtk_file_filter_new ();
  g_autofree char *name = g_strdup_printf ("chart-S-%06" G_GINT64_FORMAT ".pdf", self->search->id);

  dialog = gtk_file_chooser_native_new (_("Export Comparison Chart"),
                                        GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_filter_set_name (pdf, _("PDF document"));
  gtk_file_filter_add_suffix (pdf, "pdf");
  gtk_file_filter_set_name (png, _("PNG image"));
  gtk_file_filter_add_suffix (png, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), pdf);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), png);
  g_object_unref (pdf);
  g_object_unref (png);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_chart_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

typedef struct {
  RlReviewView *view;
  GtkWindow    *window;
  GtkEntry     *reference;
  GtkListBox   *samples;
  GtkLabel     *status;
} IdentityPicker;

static void
identity_picker_free (IdentityPicker *picker)
{
  g_object_unref (picker->view);
  g_free (picker);
}

/* The identity's samples, listed after its reference (P-000123 or 123) was given. */
static void
on_reference_activate (GtkEntry       *entry,
                       IdentityPicker *picker)
{
  RlStore *store = rl_session_get_store (picker->view->session);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autoptr(GPtrArray) samples = NULL;
  g_autoptr(GError) error = NULL;
  gint64 identity_id;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (picker->samples))))
    gtk_list_box_remove (picker->samples, child);
  if (g_ascii_strncasecmp (text, "P-", 2) == 0)
    text += 2;
  identity_id = g_ascii_strtoll (text, NULL, 10);
  if (identity_id <= 0 || !(samples = rl_store_list_identity_samples (store, identity_id, &error)))
    {
      gtk_label_set_text (picker->status, error ? error->message : _("Type an identity reference such as P-000123"));
      return;
    }
  for (guint i = 0; i < samples->len; i++)
    {
      RlSample *s = g_ptr_array_index (samples, i);
      g_autofree char *title = g_strdup_printf (_("Sample %" G_GINT64_FORMAT), s->id);
      g_autofree char *subtitle = g_strdup_printf (_("%s · quality %d · encounter %" G_GINT64_FORMAT),
                                                   rl_format_finger (s->finger), s->quality, s->encounter_id);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), "sample-id", GINT_TO_POINTER ((int) s->id));
      gtk_list_box_append (picker->samples, row);
    }
  {
    g_autofree char *status = g_strdup_printf (ngettext ("%u print of P-%06" G_GINT64_FORMAT ": choose one to compare",
                                                         "%u prints of P-%06" G_GINT64_FORMAT ": choose one to compare",
                                                         samples->len), samples->len, identity_id);
    gtk_label_set_text (picker->status, status);
  }
  if (samples->len > 0)
    gtk_widget_child_focus (GTK_WIDGET (picker->samples), GTK_DIR_TAB_FORWARD);
}

static void
on_sample_activated (GtkListBox     *box,
                     GtkListBoxRow  *row,
                     IdentityPicker *picker)
{
  gint64 sample_id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "sample-id"));
  g_autoptr(GError) error = NULL;

  if (rl_review_view_compare_sample (picker->view, sample_id, &error))
    gtk_window_close (picker->window);
  else
    gtk_label_set_text (picker->status, error->message);
}

void
_rl_review_view_pick_identity (RlReviewView *self)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *view = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *status = gtk_label_new (_("Type an identity reference and press Enter; then choose one of its prints."));
  IdentityPicker *picker = g_new0 (IdentityPicker, 1);

  gtk_window_set_title (GTK_WINDOW (window), _("Compare with an Identity’s Prints"));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_default_size (GTK_WINDOW (window), 460, 420);
  rl_session_close_on_sign_out (self->session, GTK_WINDOW (window));
  gtk_box_append (GTK_BOX (view), adw_header_bar_new ());
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Identity reference, e.g. P-000123"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Identity reference"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Prints of the identity"), -1);
  gtk_label_set_wrap (GTK_LABEL (status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (status), 0);
  gtk_widget_add_css_class (status, "dim-label");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), status);
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_box_append (GTK_BOX (view), box);
  adw_window_set_content (ADW_WINDOW (window), view);

  picker->view = g_object_ref (self);
  picker->window = GTK_WINDOW (window);
  picker->reference = GTK_ENTRY (entry);
  picker->samples = GTK_LIST_BOX (list);
  picker->status = GTK_LABEL (status);
  g_object_set_data_full (G_OBJECT (window), "picker", picker, (GDestroyNotify) identity_picker_free);
  g_signal_connect (entry, "activate", G_CALLBACK (on_reference_activate), picker);
  g_signal_connect (list, "row-activated", G_CALLBACK (on_sample_activated), picker);
  gtk_window_present (GTK_WINDOW (window));
}

void
_rl_review_view_class_actions_init (RlReviewViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "review.record-analysis", NULL, record_analysis);
  gtk_widget_class_install_action (widget_class, "review.open-candidate", "i", open_candidate);
  gtk_widget_class_install_action (widget_class, "review.step-candidate", "i", step_candidate);
  gtk_widget_class_install_action (widget_class, "review.record-conclusion", NULL, record_conclusion);
  gtk_widget_class_install_action (widget_class, "review.compare-identity", NULL, compare_identity);
  gtk_widget_class_install_action (widget_class, "review.export-chart", NULL, export_chart);
  gtk_widget_class_install_action (widget_class, "review.return-to-queue", NULL, return_to_queue);
  gtk_widget_class_install_property_action (widget_class, "review.show-minutiae", "show-minutiae");
  gtk_widget_class_install_property_action (widget_class, "review.show-singularities", "show-singularities");
  gtk_widget_class_install_property_action (widget_class, "review.show-quality", "show-quality");
  gtk_widget_class_install_property_action (widget_class, "review.show-enhanced", "show-enhanced");
  gtk_widget_class_install_property_action (widget_class, "review.show-skeleton", "show-skeleton");
}

static void
add_shortcut (GtkShortcutController *controller,
              guint                  key,
              GdkModifierType        modifiers,
              const char            *action,
              GVariant              *argument)
{
  GtkShortcut *shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (key, modifiers), gtk_named_action_new (action));

  if (argument != NULL)
    gtk_shortcut_set_arguments (shortcut, argument);
  gtk_shortcut_controller_add_shortcut (controller, shortcut);
}

/* The review's shortcuts, in the capture phase: they must work wherever the
 * focus is, and a text view would otherwise take some (Ctrl+Shift+A
 * unselects in a GtkTextView, so the analysis could not be recorded from
 * the quality notes). */
void
_rl_review_view_add_shortcuts (RlReviewView *self)
{
  static const struct { guint key; const char *action; } layers[] = {
    { GDK_KEY_M, "review.show-minutiae" }, { GDK_KEY_D, "review.show-singularities" },
    { GDK_KEY_Q, "review.show-quality" }, { GDK_KEY_H, "review.show-enhanced" },
    { GDK_KEY_K, "review.show-skeleton" },
  };
  const GdkModifierType ctrl_shift = GDK_CONTROL_MASK | GDK_SHIFT_MASK;
  GtkShortcutController *controller = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());

  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (controller), GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_set_scope (controller, GTK_SHORTCUT_SCOPE_LOCAL);
  add_shortcut (controller, GDK_KEY_A, ctrl_shift, "review.record-analysis", NULL);
  add_shortcut (controller, GDK_KEY_Return, GDK_CONTROL_MASK, "review.record-conclusion", NULL);
  add_shortcut (controller, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "review.record-conclusion", NULL);
  add_shortcut (controller, GDK_KEY_F, ctrl_shift, "review.compare-identity", NULL);
  add_shortcut (controller, GDK_KEY_E, ctrl_shift, "review.export-chart", NULL);
  add_shortcut (controller, GDK_KEY_R, ctrl_shift, "review.return-to-queue", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (layers); i++)
    add_shortcut (controller, layers[i].key, ctrl_shift, layers[i].action, NULL);
  add_shortcut (controller, GDK_KEY_Down, GDK_ALT_MASK, "review.step-candidate", g_variant_new_int32 (1));
  add_shortcut (controller, GDK_KEY_Up, GDK_ALT_MASK, "review.step-candidate", g_variant_new_int32 (-1));
  for (int i = 0; i < 9; i++)
    add_shortcut (controller, GDK_KEY_1 + i, GDK_ALT_MASK, "review.open-candidate", g_variant_new_int32 (i));
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (controller));
}
