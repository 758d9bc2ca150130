/* rl-identity-view.c — one person's record, as the signed-in user may see it. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-identity-view.h"
#include "rl-image-io.h"
#include "rl-timeline.h"

#define THUMB_SIZE 96

struct _RlIdentityView {
  AdwWindow parent_instance;

  /* template children */
  AdwWindowTitle      *window_title;
  GtkLabel            *summary;
  RlTimeline          *timeline;
  GtkGrid             *ten_print;
  AdwPreferencesGroup *derogatory_group;
  AdwPreferencesGroup *encounters_group;
  AdwPreferencesGroup *links_group;
  AdwPreferencesGroup *history_group;
};

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

static void
add_row (AdwPreferencesGroup *group, const char *title, const char *subtitle, const char *icon, const char *css)
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
}

/* A thumbnail of a stored print (PNG, WSQ, ...) decoded through the matcher's
 * image reader; NULL when the image cannot be read. */
static GdkTexture *
thumbnail_for (RlStore *store, const char *sha256)
{
  g_autoptr(GBytes) data = NULL;
  g_autoptr(RlImage) image = NULL;
  g_autoptr(GBytes) rgb = NULL;
  g_autofree char *format = NULL;
  guint8 *px;
  gsize n;

  if (sha256 == NULL || !(data = rl_store_get_image (store, sha256, &format, NULL)))
    return NULL;
  if (!(image = rl_image_load_from_data (g_bytes_get_data (data, NULL), g_bytes_get_size (data), 0, NULL)))
    return NULL;
  /* GTK 4.8 has no 8-bit grey texture format: expand to RGB. */
  n = (gsize) image->width * image->height;
  px = g_malloc (n * 3);
  for (gsize i = 0; i < n; i++)
    px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = image->pixels[i];
  rgb = g_bytes_new_take (px, n * 3);
  return gdk_memory_texture_new (image->width, image->height, GDK_MEMORY_R8G8B8, rgb, (gsize) image->width * 3);
}

static void
fill_ten_print (RlIdentityView *self, RlStore *store, gint64 identity_id)
{
  g_autoptr(GPtrArray) samples = rl_store_list_identity_samples (store, identity_id, NULL);
  static const char *const names[] = {
    N_("Right thumb"), N_("Right index"), N_("Right middle"), N_("Right ring"), N_("Right little"),
    N_("Left thumb"), N_("Left index"), N_("Left middle"), N_("Left ring"), N_("Left little"),
  };

  for (int finger = 1; finger <= 10; finger++)
    {
      RlSample *best = NULL;
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *label = gtk_label_new (_(names[finger - 1]));
      GtkWidget *picture;
      g_autoptr(GdkTexture) texture = NULL;

      for (guint i = 0; samples && i < samples->len; i++)
        {
          RlSample *s = g_ptr_array_index (samples, i);
          if ((int) s->finger == finger && s->image_sha256 && (best == NULL || s->quality > best->quality))
            best = s;
        }
      if (best && (texture = thumbnail_for (store, best->image_sha256)))
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

static void
fill (RlIdentityView *self, RlStore *store, const RlIdentity *identity)
{
  g_autoptr(GPtrArray) encounters = rl_store_list_encounters (store, identity->id, NULL);
  g_autoptr(GPtrArray) records = rl_store_list_derogatory_records (store, identity->id, NULL);
  g_autoptr(GPtrArray) links = rl_store_list_identity_links (store, identity->id, NULL);
  g_autoptr(GPtrArray) hits = rl_store_list_hits (store, 0, NULL);
  g_autoptr(GPtrArray) history = rl_store_list_audit (store, "identity", identity->id, 0, 20, NULL);
  g_autofree char *summary = NULL;
  g_autofree char *first = format_date (identity->first_seen);
  g_autofree char *last = format_date (identity->last_seen);

  adw_window_title_set_title (self->window_title, identity->reference);
  {
    g_autofree char *name = g_strdup_printf ("%s %s", identity->given_names, identity->family_name);
    adw_window_title_set_subtitle (self->window_title, name);
  }
  summary = g_strdup_printf (_("%s %s · born %s · %s · %u encounters, %s – %s"), identity->given_names,
                             identity->family_name, identity->date_of_birth[0] ? identity->date_of_birth : _("unknown"),
                             identity->nationality, identity->n_encounters, first, last);
  gtk_label_set_text (self->summary, summary);

  if (encounters)
    {
      rl_timeline_set_encounters (self->timeline, encounters);
      for (guint i = 0; i < encounters->len; i++)
        {
          RlEncounter *e = g_ptr_array_index (encounters, i);
          g_autofree char *when = format_date (e->occurred_at);
          g_autofree char *title = g_strdup_printf ("%s %s · %s · %s · %s", e->given_names, e->family_name,
                                                    e->date_of_birth[0] ? e->date_of_birth : "—",
                                                    e->nationality[0] ? e->nationality : "—", e->sex);
          g_autofree char *sub = g_strdup_printf (_("Recorded by %s, %s · %s · %s"), e->agency, when,
                                                  rl_encounter_purpose_to_label (e->purpose), e->place);
          add_row (self->encounters_group, title, sub, NULL, NULL);
        }
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
              add_row (self->derogatory_group, rl_derogatory_category_to_label (r->category), held,
                       "changes-prevent-symbolic", "dim-label");
            }
          else
            {
              held = g_strdup_printf (_("%s · %s%s · %s"), r->source_agency, r->recorded_on,
                                      r->restricted ? _(" · restricted") : "", r->summary);
              add_row (self->derogatory_group, rl_derogatory_category_to_label (r->category), held,
                       "dialog-warning-symbolic", "error");
            }
          /* A withheld record has no date to show: no mark either. */
          if (!r->withheld)
            rl_timeline_add_mark (self->timeline, RL_TIMELINE_MARK_DEROGATORY, parse_date (r->recorded_on),
                                  r->source_agency, rl_derogatory_category_to_label (r->category));
        }
      if (records->len == 0)
        add_row (self->derogatory_group, _("None"), NULL, NULL, NULL);
    }
  if (hits && encounters)
    for (guint i = 0; i < hits->len; i++)
      {
        RlHit *h = g_ptr_array_index (hits, i);
        for (guint k = 0; k < encounters->len; k++)
          {
            RlEncounter *e = g_ptr_array_index (encounters, k);
            if (e->id == h->encounter_id)
              {
                g_autofree char *label = g_strdup_printf (_("Hit H-%06" G_GINT64_FORMAT ": %s"), h->id,
                                                          rl_hit_status_to_label (h->status));
                rl_timeline_add_mark (self->timeline, RL_TIMELINE_MARK_HIT, e->occurred_at, e->agency, label);
              }
          }
      }
  if (links)
    {
      for (guint i = 0; i < links->len; i++)
        {
          RlIdentityLink *l = g_ptr_array_index (links, i);
          gint64 other = l->identity_a == identity->id ? l->identity_b : l->identity_a;
          g_autofree char *title = g_strdup_printf (_("%s link with identity %" G_GINT64_FORMAT " (score %.0f)"),
                                                    rl_link_colour_to_label (l->colour), other, l->score);
          add_row (self->links_group, title, l->reason && l->reason[0] ? l->reason : NULL, NULL, NULL);
        }
      if (links->len == 0)
        add_row (self->links_group, _("No links to other identities"), NULL, NULL, NULL);
    }
  if (history)
    for (guint i = 0; i < history->len; i++)
      {
        RlAuditEntry *a = g_ptr_array_index (history, i);
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (a->at);
        g_autofree char *when = dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("?");
        g_autofree char *title = g_strdup_printf ("%s · %s · %s", when, a->username[0] ? a->username : _("system"),
                                                  a->action);
        add_row (self->history_group, title, a->purpose[0] ? a->purpose : NULL, NULL, NULL);
      }
  fill_ten_print (self, store, identity->id);
}

static void
rl_identity_view_class_init (RlIdentityViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (RL_TYPE_TIMELINE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-identity-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, window_title);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, summary);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, timeline);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, ten_print);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, derogatory_group);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, encounters_group);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, links_group);
  gtk_widget_class_bind_template_child (widget_class, RlIdentityView, history_group);
  gtk_widget_class_set_css_name (widget_class, "rl-identity-view");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
rl_identity_view_init (RlIdentityView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
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
  fill (self, store, identity);
  return self;
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
  gtk_window_present (GTK_WINDOW (dialog));
}
