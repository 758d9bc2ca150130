/* rl-encounter-pane.c — one encounter as its agency recorded it. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-encounter-pane.h"
#include "rl-image-io.h"

#define THUMB_SIZE 96

struct _RlEncounterPane {
  GtkBox parent_instance;

  /* template children */
  GtkLabel            *title;
  GtkLabel            *subtitle;
  AdwPreferencesGroup *encounter_group;
  AdwPreferencesGroup *biographic_group;
  GtkFlowBox          *prints;
  AdwPreferencesGroup *searches_group;

  gint64     encounter_id;
  GPtrArray *rows;          /* rows added to the groups, removed on the next fill */
};

G_DEFINE_FINAL_TYPE (RlEncounterPane, rl_encounter_pane, GTK_TYPE_BOX)

const char *
rl_finger_label (int finger)
{
  static const char *const names[] = {
    N_("Unknown finger"),
    N_("Right thumb"), N_("Right index"), N_("Right middle"), N_("Right ring"), N_("Right little"),
    N_("Left thumb"), N_("Left index"), N_("Left middle"), N_("Left ring"), N_("Left little"),
  };
  return _(names[finger >= 1 && finger <= 10 ? finger : 0]);
}

GdkTexture *
rl_print_thumbnail_new (RlStore *store, const char *sha256)
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
add_row (RlEncounterPane *self, AdwPreferencesGroup *group, const char *name, const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value && value[0] ? value : "—");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  /* A row gives its suffix only the suffix's minimum width: a value keeps
   * up to 26 characters on one line, longer ones end in "…" with the
   * whole value as tooltip. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), value ? MIN ((int) g_utf8_strlen (value, -1), 26) : 1);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  if (value && g_utf8_strlen (value, -1) > 26)
    gtk_widget_set_tooltip_text (label, value);
  if (value == NULL || value[0] == '\0')
    gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
clear (RlEncounterPane *self)
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
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->prints))))
    gtk_flow_box_remove (self->prints, child);
  self->encounter_id = 0;
}

static char *
format_time (gint64 t, const char *fmt)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt ? g_date_time_format (dt, fmt) : g_strdup ("?");
}

static void
fill_prints (RlEncounterPane *self, RlStore *store, gint64 encounter_id)
{
  g_autoptr(GPtrArray) samples = rl_store_list_samples (store, encounter_id, NULL);

  for (guint i = 0; samples && i < samples->len; i++)
    {
      RlSample *s = g_ptr_array_index (samples, i);
      g_autoptr(GdkTexture) texture = rl_print_thumbnail_new (store, s->image_sha256);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *picture;
      g_autofree char *caption = s->quality >= 0 ? g_strdup_printf (_("%s · Q %d"), rl_finger_label (s->finger),
                                                                    s->quality)
                                                 : g_strdup (rl_finger_label (s->finger));
      GtkWidget *label = gtk_label_new (caption);

      if (texture)
        {
          picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
          gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
          gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
        }
      else
        {
          picture = gtk_label_new (s->has_template ? _("Template only") : _("No image"));
          gtk_widget_add_css_class (picture, "dim-label");
        }
      gtk_widget_set_size_request (picture, THUMB_SIZE, THUMB_SIZE);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), picture);
      gtk_box_append (GTK_BOX (box), label);
      gtk_flow_box_append (self->prints, box);
    }
  if (samples == NULL || samples->len == 0)
    {
      GtkWidget *none = gtk_label_new (_("No prints were taken"));
      gtk_widget_add_css_class (none, "dim-label");
      gtk_flow_box_append (self->prints, none);
    }
}

static void
fill_searches (RlEncounterPane *self, RlStore *store, gint64 encounter_id)
{
  g_autoptr(GPtrArray) searches = rl_store_list_searches (store, 0, NULL);
  g_autoptr(GPtrArray) hits = rl_store_list_hits (store, 0, NULL);
  guint n = 0;

  for (guint i = 0; searches && i < searches->len; i++)
    {
      RlSearch *s = g_ptr_array_index (searches, i);
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      g_autofree char *when = NULL;

      if (s->probe_encounter_id != encounter_id)
        continue;
      when = format_time (s->created_at, "%Y-%m-%d");
      name = g_strdup_printf (_("Search S-%06" G_GINT64_FORMAT " · %s"), s->id, rl_finger_label (s->probe_finger));
      value = s->n_candidates
                ? g_strdup_printf (ngettext ("%s · %s · %u candidate, best %.0f", "%s · %s · %u candidates, best %.0f",
                                             s->n_candidates),
                                   when, rl_search_status_to_label (s->status), s->n_candidates, s->best_score)
                : g_strdup_printf (_("%s · %s · no candidates"), when, rl_search_status_to_label (s->status));
      add_row (self, self->searches_group, name, value);
      n++;
    }
  for (guint i = 0; hits && i < hits->len; i++)
    {
      RlHit *h = g_ptr_array_index (hits, i);
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (h->encounter_id != encounter_id)
        continue;
      name = g_strdup_printf (_("Hit H-%06" G_GINT64_FORMAT), h->id);
      value = g_strdup_printf (_("%s · score %.0f · identity %" G_GINT64_FORMAT), rl_hit_status_to_label (h->status),
                               h->score, h->identity_id);
      add_row (self, self->searches_group, name, value);
      n++;
    }
  if (n == 0)
    add_row (self, self->searches_group, _("No searches or hits"), NULL);
}

gboolean
rl_encounter_pane_show_encounter (RlEncounterPane *self, RlStore *store, gint64 encounter_id, GError **error)
{
  g_autoptr(RlEncounter) e = NULL;
  g_autoptr(RlAgency) agency = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *when = NULL;
  g_autofree char *agency_text = NULL;

  g_return_val_if_fail (RL_IS_ENCOUNTER_PANE (self), FALSE);
  g_return_val_if_fail (store != NULL, FALSE);

  clear (self);
  if (!(e = rl_store_get_encounter (store, encounter_id, error)))
    return FALSE;
  self->encounter_id = encounter_id;
  agency = rl_store_get_agency (store, e->agency_id, NULL);
  when = format_time (e->occurred_at, "%Y-%m-%d %H:%M UTC");
  title = g_strdup_printf (_("Encounter E-%06" G_GINT64_FORMAT), e->id);
  subtitle = g_strdup_printf ("%s · %s · %s", when, e->agency, rl_encounter_purpose_to_label (e->purpose));
  gtk_label_set_text (self->title, title);
  gtk_label_set_text (self->subtitle, subtitle);

  agency_text = agency ? g_strdup_printf ("%s — %s", agency->code, agency->name) : g_strdup (e->agency);
  add_row (self, self->encounter_group, _("Date"), when);
  add_row (self, self->encounter_group, _("Agency"), agency_text);
  add_row (self, self->encounter_group, _("Purpose"), rl_encounter_purpose_to_label (e->purpose));
  add_row (self, self->encounter_group, _("Place"), e->place);
  add_row (self, self->encounter_group, _("Case reference"), e->case_reference);

  add_row (self, self->biographic_group, _("Family name"), e->family_name);
  add_row (self, self->biographic_group, _("Given names"), e->given_names);
  add_row (self, self->biographic_group, _("Date of birth"), e->date_of_birth);
  add_row (self, self->biographic_group, _("Nationality"), e->nationality);
  add_row (self, self->biographic_group, _("Sex"), e->sex);

  fill_prints (self, store, encounter_id);
  fill_searches (self, store, encounter_id);
  {
    g_autofree char *label = g_strdup_printf (_("Encounter %" G_GINT64_FORMAT " of %s"), e->id, subtitle);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  }
  return TRUE;
}

gint64
rl_encounter_pane_get_encounter_id (RlEncounterPane *self)
{
  g_return_val_if_fail (RL_IS_ENCOUNTER_PANE (self), 0);
  return self->encounter_id;
}

static void
rl_encounter_pane_dispose (GObject *object)
{
  RlEncounterPane *self = RL_ENCOUNTER_PANE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), RL_TYPE_ENCOUNTER_PANE);
  G_OBJECT_CLASS (rl_encounter_pane_parent_class)->dispose (object);
}

static void
rl_encounter_pane_class_init (RlEncounterPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_encounter_pane_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-encounter-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, RlEncounterPane, title);
  gtk_widget_class_bind_template_child (widget_class, RlEncounterPane, subtitle);
  gtk_widget_class_bind_template_child (widget_class, RlEncounterPane, encounter_group);
  gtk_widget_class_bind_template_child (widget_class, RlEncounterPane, biographic_group);
  gtk_widget_class_bind_template_child (widget_class, RlEncounterPane, prints);
  gtk_widget_class_bind_template_child (widget_class, RlEncounterPane, searches_group);
  gtk_widget_class_set_css_name (widget_class, "encounter-pane");
}

static void
rl_encounter_pane_init (RlEncounterPane *self)
{
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
rl_encounter_pane_new (void)
{
  return g_object_new (RL_TYPE_ENCOUNTER_PANE, NULL);
}
