/* rl-hit-view.c — an analyst's review of one hit. */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "rl-hit-view-private.h"
#include "rl-image-io.h"
#include "rl-mid.h"
#include "rl-release-params.h"
#include "rl-template-io.h"
#include "pages/rl-format.h"

G_DEFINE_FINAL_TYPE (RlHitView, rl_hit_view, ADW_TYPE_BIN)

/* ------------------------------------------------------------- helpers */

static GtkWidget *
label_new (const char *text, const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
section_new (RlHitView *self, const char *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *heading = label_new (title, "heading");

  gtk_widget_add_css_class (heading, "hit-section-title");
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (self->details, box);
  return box;
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* "1 in 3.4 million" — how an analyst reads a false-match rate. */
static char *
format_fmr (double fmr)
{
  double one_in;

  if (!(fmr > 0) || !isfinite (fmr))
    return g_strdup (_("unknown"));
  one_in = 1.0 / fmr;
  if (one_in >= 1e9)
    return g_strdup_printf (_("1 in %.1f billion (%.1e)"), one_in / 1e9, fmr);
  if (one_in >= 1e6)
    return g_strdup_printf (_("1 in %.1f million (%.1e)"), one_in / 1e6, fmr);
  if (one_in >= 1e3)
    return g_strdup_printf (_("1 in %.0f thousand (%.1e)"), one_in / 1e3, fmr);
  return g_strdup_printf (_("1 in %.0f (%.1e)"), one_in, fmr);
}

static const char *
hit_status_css (RlHitStatus status)
{
  switch (status)
    {
    case RL_HIT_OPEN: return "hit-open";
    case RL_HIT_ESCALATED: return "hit-escalated";
    case RL_HIT_CONFIRMED: return "hit-confirmed";
    case RL_HIT_DISMISSED: return "hit-dismissed";
    default: return "hit-open";
    }
}

/* A sample's image and template for the comparison. */
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
  if (sample->image_sha256 == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("Sample %" G_GINT64_FORMAT " holds no image (minutiae only)"), sample_id);
      return FALSE;
    }
  if (!(image_data = rl_store_get_image (store, sample->image_sha256, NULL, error)))
    return FALSE;
  if (!(image = rl_image_load_from_data (g_bytes_get_data (image_data, NULL), g_bytes_get_size (image_data),
                                         sample->ppi > 0 ? sample->ppi : 500, error)))
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
  *out_image = g_steal_pointer (&image);
  *out_template = g_steal_pointer (&tpl);
  return TRUE;
}

/* ------------------------------------------------------------ sections */

static void
build_records (RlHitView *self, RlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = rl_store_list_derogatory_records (store, self->hit->identity_id, &error);
  GtkWidget *section;
  g_autofree char *title = NULL;

  if (records == NULL)
    {
      section = section_new (self, _("Derogatory Records"));
      gtk_box_append (GTK_BOX (section), label_new (error->message, "error"));
      return;
    }
  title = g_strdup_printf (ngettext ("%u Derogatory Record", "%u Derogatory Records", records->len), records->len);
  section = section_new (self, title);
  for (guint i = 0; i < records->len; i++)
    {
      RlDerogatoryRecord *r = records->pdata[i];
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *category = label_new (rl_derogatory_category_to_label (r->category), "hit-category");
      GtkWidget *sharing = gtk_label_new (r->restricted ? _("Restricted") : _("Sharable"));
      g_autoptr(RlAgency) agency = rl_store_get_agency (store, r->source_agency_id, NULL);
      g_autofree char *source = g_strdup_printf (_("Source: %s%s%s"), r->source_agency,
                                                 agency ? " — " : "", agency ? agency->name : "");

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "hit-record");
      gtk_widget_set_hexpand (category, TRUE);
      gtk_widget_add_css_class (sharing, r->restricted ? "hit-restricted" : "hit-sharable");
      gtk_widget_set_valign (sharing, GTK_ALIGN_START);
      gtk_box_append (GTK_BOX (top), category);
      gtk_box_append (GTK_BOX (top), sharing);
      gtk_box_append (GTK_BOX (card), top);
      gtk_box_append (GTK_BOX (card), label_new (source, "dim-label"));
      if (r->withheld)
        {
          /* The store gave no content: say who holds it, nothing more. */
          g_autofree char *held = g_strdup_printf (_("Held by %s. The content is restricted: ask %s for it."),
                                                   r->source_agency, r->source_agency);
          gtk_box_append (GTK_BOX (card), label_new (held, "hit-withheld"));
        }
      else
        {
          g_autofree char *dates = r->expires_on
                                   ? g_strdup_printf (_("Recorded %s · expires %s"), r->recorded_on, r->expires_on)
                                   : g_strdup_printf (_("Recorded %s · no expiry"), r->recorded_on);
          gtk_box_append (GTK_BOX (card), label_new (r->summary, "hit-summary"));
          gtk_box_append (GTK_BOX (card), label_new (dates, "dim-label"));
        }
      gtk_box_append (GTK_BOX (section), card);
    }
}

static void
grid_row (GtkGrid *grid, int row, const char *name, const char *value)
{
  GtkWidget *n = label_new (name, "dim-label");
  GtkWidget *v = label_new (value, NULL);

  gtk_widget_set_valign (n, GTK_ALIGN_START);
  gtk_widget_set_hexpand (v, TRUE);
  gtk_label_set_selectable (GTK_LABEL (v), TRUE);
  gtk_grid_attach (grid, n, 0, row, 1, 1);
  gtk_grid_attach (grid, v, 1, row, 1, 1);
}

static void
build_match (RlHitView *self, RlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSearch) search = rl_store_get_search (store, self->hit->search_id, &error);
  g_autoptr(RlSample) candidate = NULL;
  g_autoptr(RlMatcherRelease) release = NULL;
  RlReleaseParams params;
  GtkWidget *section = section_new (self, _("Match"));
  GtkWidget *grid = gtk_grid_new ();
  g_autofree char *score = NULL, *fmr = NULL, *fingers = NULL, *search_text = NULL, *raised = NULL;
  float threshold;
  int row = 0;

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 16);
  gtk_box_append (GTK_BOX (section), grid);
  rl_release_params_init_default (&params);
  if (search != NULL && search->release_id != 0 && (release = rl_store_get_release (store, search->release_id, NULL)) &&
      release->parameters != NULL)
    rl_release_params_parse (release->parameters, &params, NULL);
  if (self->candidate_sample_id != 0)
    candidate = rl_store_get_sample (store, self->candidate_sample_id, NULL);

  threshold = rl_release_params_match_threshold_for (&params, search ? search->probe_quality : -1,
                                                     candidate ? candidate->quality : -1);
  score = g_strdup_printf (_("%.1f   (match threshold %.1f)"), self->hit->score, threshold);
  fmr = format_fmr (rl_release_params_score_to_fmr (&params, self->hit->score));
  grid_row (GTK_GRID (grid), row++, _("Score"), score);
  grid_row (GTK_GRID (grid), row++, _("Estimated false-match rate"), fmr);
  if (search != NULL)
    {
      fingers = g_strdup_printf (_("%s (quality %d) against %s (quality %d)"), rl_format_finger (search->probe_finger),
                                 search->probe_quality, candidate ? rl_format_finger (candidate->finger) : "?",
                                 candidate ? candidate->quality : -1);
      grid_row (GTK_GRID (grid), row++, _("Prints"), fingers);
      search_text = g_strdup_printf (_("S-%06" G_GINT64_FORMAT " · release %s · %s"), search->id,
                                     release ? release->name : _("matcher defaults"),
                                     rl_search_reason_to_label (search->reason));
      grid_row (GTK_GRID (grid), row++, _("Search"), search_text);
    }
  else
    grid_row (GTK_GRID (grid), row++, _("Search"), error->message);
  raised = rl_format_time (self->hit->created_at);
  grid_row (GTK_GRID (grid), row++, _("Raised"), raised);
}

/* A field of the identity as its encounters recorded it: every distinct
 * value (agencies spell names differently). */
static char *
variants (GPtrArray *encounters, gint64 skip_encounter, gsize offset)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();

  for (guint i = 0; i < encounters->len; i++)
    {
      RlEncounter *e = encounters->pdata[i];
      const char *value = G_STRUCT_MEMBER (const char *, e, offset);
      gboolean dup = FALSE;

      if (e->id == skip_encounter || value == NULL || value[0] == '\0')
        continue;
      for (guint k = 0; k < seen->len && !dup; k++)
        dup = g_ascii_strcasecmp (seen->pdata[k], value) == 0;
      if (!dup)
        g_ptr_array_add (seen, (gpointer) value);
    }
  g_ptr_array_add (seen, NULL);
  return g_strjoinv (" · ", (char **) seen->pdata);
}

/* Whether the encounter's value agrees with none of the identity's: the
 * same rules as multiple-identity detection (unknown never differs, an
 * unknown day or month of birth agrees with any). */
static gboolean
field_differs (GPtrArray *encounters, gint64 skip_encounter, const RlEncounter *probe, gsize offset)
{
  const char *value = G_STRUCT_MEMBER (const char *, probe, offset);
  gboolean any = FALSE;

  if (value == NULL || value[0] == '\0')
    return FALSE;
  for (guint i = 0; i < encounters->len; i++)
    {
      RlEncounter *e = encounters->pdata[i];
      RlEncounter a = { 0 }, b = { 0 };
      const char *other = G_STRUCT_MEMBER (const char *, e, offset);

      if (e->id == skip_encounter || other == NULL || other[0] == '\0')
        continue;
      any = TRUE;
      if (offset == G_STRUCT_OFFSET (RlEncounter, sex))
        {
          if (g_ascii_strcasecmp (value, other) == 0)
            return FALSE;
          continue;
        }
      G_STRUCT_MEMBER (const char *, &a, offset) = value;
      G_STRUCT_MEMBER (const char *, &b, offset) = other;
      if (!rl_mid_biographic_differs (&a, &b))
        return FALSE;
    }
  return any;
}

static void
build_biographic (RlHitView *self, RlStore *store)
{
  static const struct { const char *name; gsize offset; } fields[] = {
    { N_("Family name"), G_STRUCT_OFFSET (RlEncounter, family_name) },
    { N_("Given names"), G_STRUCT_OFFSET (RlEncounter, given_names) },
    { N_("Date of birth"), G_STRUCT_OFFSET (RlEncounter, date_of_birth) },
    { N_("Nationality"), G_STRUCT_OFFSET (RlEncounter, nationality) },
    { N_("Sex"), G_STRUCT_OFFSET (RlEncounter, sex) },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) encounters = rl_store_list_encounters (store, self->hit->identity_id, &error);
  GtkWidget *section = section_new (self, _("Biographic Data"));
  GtkWidget *grid;
  g_autofree char *enc_title = NULL, *id_title = NULL;
  g_autofree char *when = NULL;
  guint n_differ = 0;

  if (encounters == NULL)
    {
      gtk_box_append (GTK_BOX (section), label_new (error->message, "error"));
      return;
    }
  grid = gtk_grid_new ();
  gtk_widget_add_css_class (grid, "hit-biographic");
  gtk_grid_set_row_spacing (GTK_GRID (grid), 2);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_homogeneous (GTK_GRID (grid), FALSE);
  when = rl_format_date (self->encounter->occurred_at);
  enc_title = g_strdup_printf (_("This encounter\n%s, %s"), self->encounter->agency, when);
  id_title = g_strdup_printf (ngettext ("On record\nP-%06" G_GINT64_FORMAT ", %u encounter",
                                        "On record\nP-%06" G_GINT64_FORMAT ", %u encounters", encounters->len),
                              self->hit->identity_id, encounters->len);
  gtk_grid_attach (GTK_GRID (grid), label_new ("", NULL), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), label_new (enc_title, "hit-column-title"), 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), label_new (id_title, "hit-column-title"), 2, 0, 1, 1);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *mine = G_STRUCT_MEMBER (const char *, self->encounter, fields[i].offset);
      g_autofree char *theirs = variants (encounters, self->encounter->id, fields[i].offset);
      gboolean differs = field_differs (encounters, self->encounter->id, self->encounter, fields[i].offset);
      GtkWidget *name = label_new (_(fields[i].name), "dim-label");
      GtkWidget *a = label_new (mine && mine[0] ? mine : _("unknown"), "hit-cell");
      GtkWidget *b = label_new (theirs[0] ? theirs : _("unknown"), "hit-cell");

      gtk_widget_set_hexpand (a, TRUE);
      gtk_widget_set_hexpand (b, TRUE);
      gtk_widget_set_size_request (a, 150, -1);
      gtk_widget_set_size_request (b, 150, -1);
      if (differs)
        {
          g_autofree char *tip = g_strdup_printf (_("%s differs from every value on record"), _(fields[i].name));
          gtk_widget_add_css_class (a, "hit-differs");
          gtk_widget_add_css_class (b, "hit-differs");
          gtk_widget_add_css_class (name, "hit-differs-name");
          gtk_widget_set_tooltip_text (a, tip);
          n_differ++;
        }
      gtk_grid_attach (GTK_GRID (grid), name, 0, (int) i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), a, 1, (int) i + 1, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), b, 2, (int) i + 1, 1, 1);
    }
  gtk_box_append (GTK_BOX (section), grid);
  if (n_differ > 0)
    {
      g_autofree char *note = g_strdup_printf (ngettext ("%u field differs from the record (marked).",
                                                         "%u fields differ from the record (marked).", n_differ),
                                               n_differ);
      gtk_box_append (GTK_BOX (section), label_new (note, "hit-differs-note"));
    }
  else
    gtk_box_append (GTK_BOX (section), label_new (_("Nothing differs from the record."), "dim-label"));
}

static void
build_history (RlHitView *self, RlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = rl_store_list_audit (store, "hit", self->hit->id, 0, 0, &error);
  GtkWidget *section = section_new (self, _("History"));

  if (rows == NULL)
    {
      gtk_box_append (GTK_BOX (section), label_new (error->message, "error"));
      return;
    }
  /* The audit log lists newest first; a history reads oldest first. */
  for (guint n = rows->len; n > 0; n--)
    {
      RlAuditEntry *entry = rows->pdata[n - 1];
      g_autofree char *when = rl_format_time (entry->at);
      g_autofree char *text = NULL;
      const char *who = entry->user_id ? entry->username : _("automated search");
      const char *what = entry->action;
      const char *reason = "";
      g_autoptr(JsonParser) parser = json_parser_new ();
      RlHitStatus disposition = 0;

      if (entry->details && entry->details[0] && json_parser_load_from_data (parser, entry->details, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          JsonObject *o = json_node_get_object (json_parser_get_root (parser));
          if (json_object_has_member (o, "disposition"))
            rl_hit_status_from_id (json_object_get_string_member (o, "disposition"), &disposition);
          if (json_object_has_member (o, "reason"))
            reason = json_object_get_string_member (o, "reason");
        }
      if (g_strcmp0 (entry->action, "hit.add") == 0)
        what = _("Hit raised");
      else if (disposition != 0)
        what = rl_hit_status_to_label (disposition);
      text = reason && reason[0] ? g_strdup_printf ("%s · %s · %s — %s", when, who, what, reason)
                                 : g_strdup_printf ("%s · %s · %s", when, who, what);
      gtk_box_append (GTK_BOX (section), label_new (text, NULL));
    }
}

static void
build_comparison (RlHitView *self, RlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlImage) probe_image = NULL, candidate_image = NULL;
  g_autoptr(RlTemplate) probe_tpl = NULL, candidate_tpl = NULL;
  g_autoptr(RlComparison) result = NULL;
  g_autofree char *title = NULL;

  title = g_strdup_printf (_("Probe S-%06" G_GINT64_FORMAT " (left) · matched print of P-%06" G_GINT64_FORMAT " (right)"),
                           self->probe_sample_id, self->hit->identity_id);
  gtk_label_set_text (self->comparison_label, title);
  if (self->probe_sample_id == 0 || self->candidate_sample_id == 0)
    {
      gtk_label_set_text (self->comparison_label, _("No prints to compare: the hit names no candidate"));
      return;
    }
  if (!load_print (store, self->probe_sample_id, &probe_image, &probe_tpl, &error) ||
      !load_print (store, self->candidate_sample_id, &candidate_image, &candidate_tpl, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot show the prints: %s"), error->message);
      gtk_label_set_text (self->comparison_label, text);
      return;
    }
  rl_comparison_view_set_prints (self->comparison, probe_image, probe_tpl, candidate_image, candidate_tpl);
  if (probe_tpl && candidate_tpl)
    {
      rl_compare (probe_tpl, candidate_tpl, &result);
      if (result)
        rl_comparison_view_set_comparison (self->comparison, result);
    }
}

/* ------------------------------------------------------------ the view */

void
_rl_hit_view_show_message (RlHitView *self, const char *text, gboolean error)
{
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
  gtk_label_set_text (self->message_label, text ? text : "");
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

gboolean
rl_hit_view_can_dispose (RlHitView *self)
{
  const RlUser *user;

  g_return_val_if_fail (RL_IS_HIT_VIEW (self), FALSE);
  user = rl_session_get_user (self->session);
  if (user == NULL)
    return FALSE;
  if (self->hit->status == RL_HIT_OPEN)
    return user->role == RL_ROLE_ANALYST || user->role == RL_ROLE_SUPERVISOR;
  if (self->hit->status == RL_HIT_ESCALATED)
    return user->role == RL_ROLE_SUPERVISOR;
  return FALSE;
}

void
_rl_hit_view_update_actions (RlHitView *self)
{
  const RlUser *user = rl_session_get_user (self->session);
  gboolean can = rl_hit_view_can_dispose (self);
  gboolean supervisor = user && user->role == RL_ROLE_SUPERVISOR;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hit.confirm", can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hit.dismiss", can);
  /* A supervisor decides; escalating goes to them, not past them. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "hit.escalate", can && self->hit->status == RL_HIT_OPEN && !supervisor);
  if (!can)
    {
      /* A focused entry made insensitive keeps a dangling focus: hand the
       * focus to the view first. */
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
      if (focus && (focus == GTK_WIDGET (self->reason_entry) || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->reason_entry))))
        gtk_root_set_focus (root, NULL);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->reason_entry), can);
  if (!can)
    {
      const char *why;
      if (self->hit->status == RL_HIT_ESCALATED)
        why = _("Escalated: a supervisor decides this hit.");
      else if (self->hit->status == RL_HIT_OPEN)
        why = _("Analysts and supervisors decide hits.");
      else
        why = _("Decided: see the history.");
      gtk_entry_set_placeholder_text (self->reason_entry, why);
    }
  else
    gtk_entry_set_placeholder_text (self->reason_entry,
                                    _("Reason (required to dismiss; recorded with every decision)"));
}

gboolean
_rl_hit_view_reload (RlHitView *self, GError **error)
{
  RlStore *store = rl_session_get_store (self->session);
  g_autoptr(RlHit) hit = NULL;
  g_autoptr(RlEncounter) encounter = NULL;
  g_autofree char *title = NULL, *subtitle = NULL, *when = NULL;

  if (!(hit = rl_store_get_hit (store, self->hit ? self->hit->id : 0, error)))
    return FALSE;
  if (!(encounter = rl_store_get_encounter (store, hit->encounter_id, error)))
    return FALSE;
  g_clear_pointer (&self->hit, rl_hit_free);
  g_clear_pointer (&self->encounter, rl_encounter_free);
  self->hit = g_steal_pointer (&hit);
  self->encounter = g_steal_pointer (&encounter);

  title = g_strdup_printf (_("Hit H-%06" G_GINT64_FORMAT), self->hit->id);
  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->status_label, rl_hit_status_to_label (self->hit->status));
  for (RlHitStatus s = RL_HIT_OPEN; s <= RL_HIT_ESCALATED; s++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), hit_status_css (s));
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), hit_status_css (self->hit->status));
  when = rl_format_time (self->encounter->occurred_at);
  if (self->encounter->place && self->encounter->place[0])
    subtitle = g_strdup_printf (_("%s encounter by %s on %s at %s — matched identity P-%06" G_GINT64_FORMAT),
                                rl_encounter_purpose_to_label (self->encounter->purpose), self->encounter->agency, when,
                                self->encounter->place, self->hit->identity_id);
  else
    subtitle = g_strdup_printf (_("%s encounter by %s on %s — matched identity P-%06" G_GINT64_FORMAT),
                                rl_encounter_purpose_to_label (self->encounter->purpose), self->encounter->agency, when,
                                self->hit->identity_id);
  gtk_label_set_text (self->subtitle_label, subtitle);

  clear_box (self->details);
  build_records (self, store);
  build_match (self, store);
  build_biographic (self, store);
  build_history (self, store);
  _rl_hit_view_update_actions (self);
  return TRUE;
}

RlHitView *
rl_hit_view_new (RlSession *session, gint64 hit_id, GError **error)
{
  RlHitView *self;
  RlStore *store;
  g_autoptr(RlHit) hit = NULL;
  g_autoptr(RlSearch) search = NULL;

  g_return_val_if_fail (RL_IS_SESSION (session), NULL);
  store = rl_session_get_store (session);
  if (!(hit = rl_store_get_hit (store, hit_id, error)))
    return NULL;

  self = g_object_new (RL_TYPE_HIT_VIEW, NULL);
  self->session = g_object_ref (session);
  self->hit = g_steal_pointer (&hit);
  if (self->hit->search_id != 0 && (search = rl_store_get_search (store, self->hit->search_id, NULL)))
    self->probe_sample_id = search->probe_sample_id;
  if (self->hit->candidate_id != 0 && self->hit->search_id != 0)
    {
      g_autoptr(GPtrArray) candidates = rl_store_list_candidates (store, self->hit->search_id, NULL);
      for (guint i = 0; candidates && i < candidates->len; i++)
        if (((RlSearchCandidate *) candidates->pdata[i])->id == self->hit->candidate_id)
          self->candidate_sample_id = ((RlSearchCandidate *) candidates->pdata[i])->sample_id;
    }
  if (!_rl_hit_view_reload (self, error))
    {
      g_object_unref (g_object_ref_sink (self));
      return NULL;
    }
  build_comparison (self, store);
  return self;
}

gint64
rl_hit_view_get_hit_id (RlHitView *self)
{
  g_return_val_if_fail (RL_IS_HIT_VIEW (self), 0);
  return self->hit->id;
}

RlHitStatus
rl_hit_view_get_status (RlHitView *self)
{
  g_return_val_if_fail (RL_IS_HIT_VIEW (self), 0);
  return self->hit->status;
}

void
rl_hit_view_set_reason (RlHitView *self, const char *reason)
{
  g_return_if_fail (RL_IS_HIT_VIEW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->reason_entry), reason ? reason : "");
}

GtkWidget *
rl_hit_view_get_comparison (RlHitView *self)
{
  g_return_val_if_fail (RL_IS_HIT_VIEW (self), NULL);
  return GTK_WIDGET (self->comparison);
}

gboolean
rl_hit_view_dispose (RlHitView *self, RlHitStatus disposition, GError **error)
{
  RlStore *store;
  const char *reason;
  GError *local = NULL;

  g_return_val_if_fail (RL_IS_HIT_VIEW (self), FALSE);
  store = rl_session_get_store (self->session);
  reason = gtk_editable_get_text (GTK_EDITABLE (self->reason_entry));
  if (rl_store_dispose_hit (store, self->hit->id, disposition, reason, &local) == 0)
    {
      _rl_hit_view_show_message (self, local->message, TRUE);
      g_propagate_error (error, local);
      return FALSE;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->reason_entry), "");
  if (!_rl_hit_view_reload (self, error))
    return FALSE;
  {
    g_autofree char *done = g_strdup_printf (_("Hit H-%06" G_GINT64_FORMAT " is now %s."), self->hit->id,
                                             rl_hit_status_to_label (self->hit->status));
    _rl_hit_view_show_message (self, done, FALSE);
  }
  g_signal_emit_by_name (self, "disposed");
  return TRUE;
}

static void
rl_hit_view_dispose_object (GObject *object)
{
  RlHitView *self = RL_HIT_VIEW (object);

  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), RL_TYPE_HIT_VIEW);
  g_clear_object (&self->session);
  g_clear_pointer (&self->hit, rl_hit_free);
  g_clear_pointer (&self->encounter, rl_encounter_free);
  G_OBJECT_CLASS (rl_hit_view_parent_class)->dispose (object);
}

static void
rl_hit_view_class_init (RlHitViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_hit_view_dispose_object;

  /* After every disposition made here: lists showing the hit reload. */
  g_signal_new ("disposed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ridgeline/Workstation/ui/rl-hit-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RlHitView, title_label);
  gtk_widget_class_bind_template_child (widget_class, RlHitView, status_label);
  gtk_widget_class_bind_template_child (widget_class, RlHitView, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, RlHitView, details);
  gtk_widget_class_bind_template_child (widget_class, RlHitView, comparison_box);
  gtk_widget_class_bind_template_child (widget_class, RlHitView, comparison_label);
  gtk_widget_class_bind_template_child (widget_class, RlHitView, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, RlHitView, action_bar);
  gtk_widget_class_bind_template_child (widget_class, RlHitView, message_label);
  gtk_widget_class_set_css_name (widget_class, "rl-hit-view");
  _rl_hit_view_class_actions_init (widget_class);
}

static void
rl_hit_view_init (RlHitView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->comparison = RL_COMPARISON_VIEW (rl_comparison_view_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->comparison), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->comparison), TRUE);
  gtk_box_append (self->comparison_box, GTK_WIDGET (self->comparison));
}
