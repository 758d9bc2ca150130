/* rl-identity-view.c — one person's record, as the signed-in user may see it. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "rl-identity-view-private.h"
#include "rl-format.h"

#define THUMB_SIZE 96

G_DEFINE_FINAL_TYPE (RlIdentityView, rl_identity_view, ADW_TYPE_WINDOW)

static char *
format_date (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("?");
}

static gint64
parse_date (const char *ymd)
{
  int y = 0, m = 1, d = 1;
  g_autoptr(GDateTime) dt = NULL;

  if (ymd == NULL || sscanf (ymd, "%d-%d-%d", &y, &m, &d) < 1)
    return 0;
  dt = g_date_time_new_utc (y, MAX (m, 1), MAX (d, 1), 0, 0, 0);
  return dt ? g_date_time_to_unix (dt) : 0;
}

static GtkWidget *
add_row (RlIdentityView *self, AdwPreferencesGroup *group, const char *title, const char *subtitle, const char *icon,
         const char *css)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (icon)
    {
      GtkWidget *image = gtk_image_new_from_icon_name (icon);
      if (css)
        gtk_widget_add_css_class (image, css);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
    }
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
  return row;
}

static void
fill_ten_print (RlIdentityView *self, RlStore *store, gint64 identity_id)
{
  g_autoptr(GPtrArray) samples = rl_store_list_identity_samples (store, identity_id, NULL);

  for (int finger = 1; finger <= 10; finger++)
    {
      RlSample *best = NULL;
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *label = gtk_label_new (rl_finger_label (finger));
      GtkWidget *picture;
      g_autoptr(GdkTexture) texture = NULL;

      for (guint i = 0; samples && i < samples->len; i++)
        {
          RlSample *s = g_ptr_array_index (samples, i);
          if ((int) s->finger == finger && s->image_sha256 && (best == NULL || s->quality > best->quality))
            best = s;
        }
      if (best && (texture = rl_print_thumbnail_new (store, best->image_sha256)))
        {
          picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
          gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
          gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
          {
            g_autofree char *tip = g_strdup_printf (_("Quality %d, encounter %" G_GINT64_FORMAT), best->quality,
                                                    best->encounter_id);
            gtk_widget_set_tooltip_text (picture, tip);
          }
        }
      else
        {
          picture = gtk_label_new (_("No print"));
          gtk_widget_add_css_class (picture, "dim-label");
        }
      gtk_widget_set_size_request (picture, THUMB_SIZE, THUMB_SIZE + 20);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), picture);
      gtk_box_append (GTK_BOX (box), label);
      gtk_grid_attach (self->ten_print, box, (finger - 1) % 5, (finger - 1) / 5, 1, 1);
    }
}

/* The "reason" of an audit row's details (a JSON object), "Reason: …";
 * NULL when it has none. */
static char *
reason_of (const char *details)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  const char *reason;

  if (!json_parser_load_from_data (parser, details, -1, NULL) || !(root = json_parser_get_root (parser)) ||
      !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "reason") || !(reason = json_object_get_string_member (object, "reason")))
    return NULL;
  return g_strdup_printf (_("Reason: %s"), reason);
}

/* "P-000034 (Ada Okonkwo)" for the other side of a link. */
static char *
describe_identity (RlStore *store, gint64 identity_id)
{
  g_autoptr(RlIdentity) other = rl_store_get_identity_summary (store, identity_id, NULL);

  if (other == NULL)
    return g_strdup_printf (_("identity %" G_GINT64_FORMAT), identity_id);
  if (other->merged_into)
    return g_strdup_printf (_("%s (merged into identity %" G_GINT64_FORMAT ")"), other->reference, other->merged_into);
  return rl_format_person (other->reference, other->given_names, other->family_name);
}

static const char *
link_icon (RlLinkColour colour)
{
  switch (colour)
    {
    case RL_LINK_YELLOW: return "dialog-question-symbolic";
    case RL_LINK_WHITE: return "emblem-ok-symbolic";
    case RL_LINK_GREEN: return "emblem-shared-symbolic";
    case RL_LINK_RED: return "dialog-warning-symbolic";
    default: return NULL;
    }
}

static const char *
link_css (RlLinkColour colour)
{
  switch (colour)
    {
    case RL_LINK_YELLOW: return "warning";
    case RL_LINK_GREEN: return "success";
    case RL_LINK_RED: return "error";
    default: return "dim-label";
    }
}

static void
add_action_button (GtkWidget *row, const char *label, const char *action, gint64 target, const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_int64 (target));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}

static void
clear (RlIdentityView *self)
{
  GtkWidget *child;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
      if (group)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->ten_print))))
    gtk_grid_remove (self->ten_print, child);
}

static void
fill (RlIdentityView *self, RlStore *store)
{
  const RlIdentity *identity = self->identity;
  g_autoptr(GPtrArray) records = rl_store_list_derogatory_records (store, identity->id, NULL);
  g_autoptr(GPtrArray) hits = rl_store_list_hits (store, 0, NULL);
  g_autoptr(GPtrArray) history = rl_store_list_audit (store, "identity", identity->id, 0, 20, NULL);
  g_autofree char *summary = NULL;
  g_autofree char *first = format_date (identity->first_seen);
  g_autofree char *last = format_date (identity->last_seen);

  clear (self);
  g_clear_pointer (&self->encounters, g_ptr_array_unref);
  g_clear_pointer (&self->links, g_ptr_array_unref);
  self->encounters = rl_store_list_encounters (store, identity->id, NULL);
  self->links = rl_store_list_identity_links (store, identity->id, NULL);

  adw_window_title_set_title (self->window_title, identity->reference);
  {
    g_autofree char *name = rl_format_name (identity->given_names, identity->family_name);
    adw_window_title_set_subtitle (self->window_title, name);
  }
  /* Merged away: its encounters live on under the other identity. */
  gtk_widget_set_visible (self->merged_banner, identity->merged_into != 0);
  if (identity->merged_into)
    {
      g_autofree char *other = describe_identity (store, identity->merged_into);
      g_autofree char *text = g_strdup_printf (_("This identity was merged into %s: its encounters, records and hits "
                                                 "are there now."), other);
      g_autoptr(RlIdentity) into = rl_store_get_identity_summary (store, identity->merged_into, NULL);
      g_autofree char *button = g_strdup_printf (_("_Open %s"), into ? into->reference : "?");
      gtk_label_set_text (self->merged_label, text);
      gtk_button_set_label (self->merged_open_button, button);
      gtk_button_set_use_underline (self->merged_open_button, TRUE);
    }
  if (identity->n_encounters == 0)
    summary = g_strdup_printf (_("%s · no encounters"), identity->reference);
  else
    {
      /* Name · born … · nationality · n encounters, first – last; a part
       * not recorded is left out, not shown empty. */
      g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *name = rl_format_name (identity->given_names, identity->family_name);
      g_autofree char *span = g_strcmp0 (first, last) == 0 ? g_strdup (first)
                                                            : g_strdup_printf (_("%s – %s"), first, last);

      if (*name)
        g_ptr_array_add (parts, g_steal_pointer (&name));
      g_ptr_array_add (parts, g_strdup_printf (_("born %s"), identity->date_of_birth[0] ? identity->date_of_birth
                                                                                       : _("unknown")));
      if (identity->nationality[0])
        g_ptr_array_add (parts, g_strdup (identity->nationality));
      g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u encounter, %s", "%u encounters, %s",
                                                         identity->n_encounters),
                                               identity->n_encounters, span));
      g_ptr_array_add (parts, NULL);
      summary = g_strjoinv (" · ", (char **) parts->pdata);
    }
  gtk_label_set_text (self->summary, summary);

  if (self->encounters)
    {
      rl_timeline_set_encounters (self->timeline, self->encounters);
      for (guint i = 0; i < self->encounters->len; i++)
        {
          RlEncounter *e = g_ptr_array_index (self->encounters, i);
          g_autofree char *when = format_date (e->occurred_at);
          g_autofree char *name = rl_format_name (e->given_names, e->family_name);
          g_autofree char *title = g_strdup_printf ("%s · %s · %s · %s", *name ? name : "—",
                                                    e->date_of_birth[0] ? e->date_of_birth : "—",
                                                    e->nationality[0] ? e->nationality : "—", e->sex);
          g_autofree char *sub = g_strdup_printf (_("Recorded by %s, %s · %s · %s"), e->agency, when,
                                                  rl_encounter_purpose_to_label (e->purpose), e->place);
          GtkWidget *row = add_row (self, self->encounters_group, title, sub, NULL, NULL);

          /* Activating the row opens the encounter beside the record. */
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_int64 (e->id));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "identity.open-encounter");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
        }
      if (self->encounters->len == 0)
        add_row (self, self->encounters_group, _("None"), NULL, NULL, NULL);
    }
  if (records)
    {
      for (guint i = 0; i < records->len; i++)
        {
          RlDerogatoryRecord *r = g_ptr_array_index (records, i);
          g_autofree char *held = NULL;

          if (r->withheld)
            {
              held = g_strdup_printf (_("Held by %s — restricted; ask the agency"), r->source_agency);
              add_row (self, self->derogatory_group, rl_derogatory_category_to_label (r->category), held,
                       "changes-prevent-symbolic", "dim-label");
            }
          else
            {
              held = g_strdup_printf (_("%s · %s%s · %s"), r->source_agency, r->recorded_on,
                                      r->restricted ? _(" · restricted") : "", r->summary);
              add_row (self, self->derogatory_group, rl_derogatory_category_to_label (r->category), held,
                       "dialog-warning-symbolic", "error");
            }
          /* A withheld record has no date to show: no mark either. */
          if (!r->withheld)
            rl_timeline_add_mark (self->timeline, RL_TIMELINE_MARK_DEROGATORY, parse_date (r->recorded_on),
                                  r->source_agency, rl_derogatory_category_to_label (r->category));
        }
      if (records->len == 0)
        add_row (self, self->derogatory_group, _("None"), NULL, NULL, NULL);
    }
  if (hits && self->encounters)
    for (guint i = 0; i < hits->len; i++)
      {
        RlHit *h = g_ptr_array_index (hits, i);
        for (guint k = 0; k < self->encounters->len; k++)
          {
            RlEncounter *e = g_ptr_array_index (self->encounters, k);
            if (e->id == h->encounter_id)
              {
                g_autofree char *label = g_strdup_printf (_("Hit H-%06" G_GINT64_FORMAT ": %s"), h->id,
                                                          rl_hit_status_to_label (h->status));
                rl_timeline_add_mark (self->timeline, RL_TIMELINE_MARK_HIT, e->occurred_at, e->agency, label);
              }
          }
      }
  if (self->links)
    {
      for (guint i = 0; i < self->links->len; i++)
        {
          RlIdentityLink *l = g_ptr_array_index (self->links, i);
          gint64 other = l->identity_a == identity->id ? l->identity_b : l->identity_a;
          g_autofree char *who = describe_identity (store, other);
          g_autofree char *title = g_strdup_printf (_("%s link with %s · score %.0f"),
                                                    rl_link_colour_to_label (l->colour), who, l->score);
          g_autofree char *sub = l->colour == RL_LINK_YELLOW
                                   ? g_strdup (_("Same prints, different biographic data: to review"))
                                   : g_strdup (l->reason);
          GtkWidget *row = add_row (self, self->links_group, title, sub, link_icon (l->colour), link_css (l->colour));

          add_action_button (row, _("_Open"), "identity.open-linked", other, _("Open the linked identity’s record"));
          if (identity->merged_into == 0)
            {
              add_action_button (row, _("_Resolve…"), "identity.resolve-link", l->id,
                                 _("Set the link white, green or red, with a reason (Ctrl+R)"));
              add_action_button (row, _("_Merge…"), "identity.merge", l->id,
                                 _("Merge the two identities, with a reason (Ctrl+M)"));
            }
        }
      if (self->links->len == 0)
        add_row (self, self->links_group, _("No links to other identities"), NULL, NULL, NULL);
    }
  if (history)
    for (guint i = 0; i < history->len; i++)
      {
        RlAuditEntry *a = g_ptr_array_index (history, i);
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (a->at);
        g_autofree char *when = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("?");
        g_autofree char *title = g_strdup_printf ("%s · %s · %s", when, a->username[0] ? a->username : _("system"),
                                                  a->action);
        const char *sub = a->purpose[0] ? a->purpose : NULL;
        g_autofree char *reason = NULL;

        /* Merges, splits and their undoing say why in their details. */
        if (sub == NULL && a->details && a->details[0] && g_str_has_prefix (a->action, "identity."))
          sub = reason = reason_of (a->details);
        add_row (self, self->history_group, title, sub, NULL, NULL);
      }
  fill_ten_print (self, store, identity->id);
  _rl_identity_view_update_actions (self);
}

void
_rl_identity_view_refresh (RlIdentityView *self)
{
  RlStore *store = rl_session_get_store (self->session);
  g_autoptr(GError) error = NULL;
  RlIdentity *identity;

  if (!(identity = rl_store_get_identity_summary (store, self->identity_id, &error)))
    {
      _rl_identity_view_toast (self, error->message);
      return;
    }
  g_clear_pointer (&self->identity, rl_identity_free);
  self->identity = identity;
  /* Read again after a change (here or in another window): what the toast
   * on show said may no longer hold. */
  if (self->toast)
    adw_toast_dismiss (self->toast);
  fill (self, store);
  /* The encounter on show may have moved to another identity. */
  if (gtk_revealer_get_reveal_child (self->encounter_revealer))
    {
      gint64 shown = rl_encounter_pane_get_encounter_id (self->encounter_pane);
      gboolean still_here = FALSE;

      for (guint i = 0; self->encounters && i < self->encounters->len; i++)
        still_here |= ((RlEncounter *) g_ptr_array_index (self->encounters, i))->id == shown;
      if (still_here)
        {
          rl_encounter_pane_show_encounter (self->encounter_pane, store, shown, NULL);
          rl_timeline_set_selected (self->timeline, shown);
        }
      else
        gtk_revealer_set_reveal_child (self->encounter_revealer, FALSE);
    }
}

static void
on_toast_dismissed (AdwToast *toast, RlIdentityView *self)
{
  if (self->toast == toast)
    g_clear_weak_pointer (&self->toast);
}

void
_rl_identity_view_add_toast (RlIdentityView *self, AdwToast *toast)
{
  /* AdwToastOverlay queues toasts: without this, a split's toast would wait
   * behind the merge's, which the undo made untrue meanwhile. */
  if (self->toast)
    adw_toast_dismiss (self->toast);
  g_set_weak_pointer (&self->toast, toast);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_rl_identity_view_toast (RlIdentityView *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  _rl_identity_view_add_toast (self, toast);
}

static void
on_encounter_activated (RlTimeline *timeline, gint64 encounter_id, RlIdentityView *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "identity.open-encounter", "x", encounter_id);
}

static void
rl_identity_view_dispose (GObject *object)
{
  RlIdentityView *self = RL_IDENTITY_VIEW (object);

  g_clear_weak_pointer (&self->toast);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_IDENTITY_VIEW);
  G_OBJECT_CLASS (rl_identity_view_parent_class)->dispose (object);
}

static void
rl_identity_view_finalize (GObject *object)
{
  RlIdentityView *self = RL_IDENTITY_VIEW (object);

  g_clear_object (&self->session);
  g_free (self->purpose);
  g_clear_pointer (&self->identity, rl_identity_free);
  g_clear_pointer (&self->encounters, g_ptr_array_unref);
  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (rl_identity_view_parent_class)->finalize (object);
}

static void
rl_identity_view_class_init (RlIdentityViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_identity_view_dispose;
  object_class->finalize = rl_identity_view_finalize;
  g_type_ensure (RL_TYPE_TIMELINE);
  g_type_ensure (RL_TYPE_ENCOUNTER_PANE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-identity-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, window_title);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, merged_banner);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, merged_label);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, merged_open_button);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, summary);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, timeline);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, ten_print);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, derogatory_group);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, encounters_group);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, links_group);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, history_group);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, encounter_revealer);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, encounter_pane);
  gtk_widget_class_set_css_name (widget_class, "rl-identity-view");
  _rl_identity_view_class_actions_init (klass);
}

static void
rl_identity_view_init (RlIdentityView *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->timeline, "encounter-activated", G_CALLBACK (on_encounter_activated), self);
}

RlIdentityView *
rl_identity_view_new (RlSession *session, gint64 identity_id, const char *purpose, GError **error)
{
  RlStore *store;
  g_autoptr(RlIdentity) identity = NULL;
  RlIdentityView *self;

  g_return_val_if_fail (RL_IS_SESSION (session), NULL);
  store = rl_session_get_store (session);
  /* The audited opening comes first: nothing is shown unless it is logged. */
  if (!(identity = rl_store_open_identity (store, identity_id, purpose, error)))
    return NULL;
  self = g_object_new (RL_TYPE_IDENTITY_VIEW, NULL);
  self->session = g_object_ref (session);
  self->identity_id = identity_id;
  self->purpose = g_strdup (purpose);
  self->identity = g_steal_pointer (&identity);
  fill (self, store);
  g_signal_connect_object (session, "identities-changed", G_CALLBACK (_rl_identity_view_refresh), self,
                           G_CONNECT_SWAPPED);
  rl_session_close_on_sign_out (session, GTK_WINDOW (self));
  return self;
}

gint64
rl_identity_view_get_identity_id (RlIdentityView *self)
{
  g_return_val_if_fail (RL_IS_IDENTITY_VIEW (self), 0);
  return self->identity_id;
}

RlEncounterPane *
rl_identity_view_get_encounter_pane (RlIdentityView *self)
{
  g_return_val_if_fail (RL_IS_IDENTITY_VIEW (self), NULL);
  return gtk_revealer_get_reveal_child (self->encounter_revealer) ? self->encounter_pane : NULL;
}

RlTimeline *
rl_identity_view_get_timeline (RlIdentityView *self)
{
  g_return_val_if_fail (RL_IS_IDENTITY_VIEW (self), NULL);
  return self->timeline;
}

typedef struct {
  GtkWindow *parent;
  RlSession *session;
  gint64     identity_id;
  GtkEntry  *entry;
} AskData;

static void
ask_data_free (AskData *d)
{
  g_object_unref (d->session);
  g_free (d);
}

static void
on_purpose_response (AdwMessageDialog *dialog, const char *response, AskData *d)
{
  g_autoptr(GError) error = NULL;
  RlIdentityView *view;

  if (g_strcmp0 (response, "open") != 0)
    return;
  if (!(view = rl_identity_view_new (d->session, d->identity_id, gtk_editable_get_text (GTK_EDITABLE (d->entry)),
                                     &error)))
    {
      GtkWidget *alert = adw_message_dialog_new (d->parent, _("Cannot Open the Record"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (alert), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (alert));
      return;
    }
  gtk_window_set_transient_for (GTK_WINDOW (view), d->parent);
  gtk_window_present (GTK_WINDOW (view));
}

static void
on_entry_changed (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (dialog, "open", text[0] != '\0');
}

void
rl_identity_view_ask_and_open (GtkWindow *parent, RlSession *session, gint64 identity_id)
{
  AskData *d = g_new0 (AskData, 1);
  GtkWidget *dialog, *entry;

  g_return_if_fail (RL_IS_SESSION (session));
  dialog = adw_message_dialog_new (parent, _("Purpose of This Look"),
                                   _("Opening a person’s record is logged with your name, the time and the purpose. "
                                     "Give a case number or the reason."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Case number or reason"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "open", _("_Open Record"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "open", FALSE);
  g_signal_connect (entry, "changed", G_CALLBACK (on_entry_changed), dialog);

  d->parent = parent;
  d->session = g_object_ref (session);
  d->identity_id = identity_id;
  d->entry = GTK_ENTRY (entry);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_purpose_response), d, (GClosureNotify) ask_data_free, 0);
  rl_session_close_on_sign_out (session, GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}
