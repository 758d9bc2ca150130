/* rl-identity-view-actions.c — what an analyst does from a person's record:
 * open an encounter, open linked records, resolve links, merge, split and
 * undo a merge. Every change asks for confirmation and a reason (stored in
 * the audit log with the user and time by the store). */
#define G_LOG_DOMAIN "ridgeline"

#include <glib/gi18n.h>

#include "rl-identity-view-private.h"
#include "rl-format.h"
#include "rl-mid.h"

/* ------------------------------------------------------------ helpers */

typedef struct {
  RlIdentityView *self;
  GtkEntry       *reason;
  gint64          arg;       /* link id (resolve, merge) */
  GPtrArray      *checks;    /* split: GtkCheckButton* with "encounter-id" data */
} DialogData;

static void
dialog_data_free (DialogData *d)
{
  g_clear_pointer (&d->checks, g_ptr_array_unref);
  g_free (d);
}

static const char *
dialog_reason (DialogData *d)
{
  return gtk_editable_get_text (GTK_EDITABLE (d->reason));
}

static gboolean
may_change_identities (RlIdentityView *self)
{
  const RlUser *user = rl_session_get_user (self->session);
  return user != NULL && (user->role == RL_ROLE_ANALYST || user->role == RL_ROLE_SUPERVISOR);
}

static guint
n_checked (DialogData *d)
{
  guint n = 0;
  for (guint i = 0; d->checks && i < d->checks->len; i++)
    n += gtk_check_button_get_active (g_ptr_array_index (d->checks, i));
  return n;
}

/* Responses other than "cancel" need a reason (and, splitting, some but not
 * all encounters chosen). */
static void
update_responses (DialogData *d)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (gtk_widget_get_root (GTK_WIDGET (d->reason)));
  g_autofree char *reason = g_strstrip (g_strdup (dialog_reason (d)));
  gboolean ok = reason[0] != '\0';
  static const char *const responses[] = { "white", "green", "red", "into-this", "into-other", "split", "undo" };

  if (d->checks)
    {
      guint n = n_checked (d);
      ok = ok && n > 0 && n < d->checks->len;
    }
  for (guint i = 0; i < G_N_ELEMENTS (responses); i++)
    if (adw_message_dialog_has_response (dialog, responses[i]))
      adw_message_dialog_set_response_enabled (dialog, responses[i], ok);
}

static void
on_reason_changed (GtkEditable *entry, DialogData *d)
{
  update_responses (d);
}

static void
on_check_toggled (GtkCheckButton *check, DialogData *d)
{
  update_responses (d);
}

/* A confirmation with a reason entry (and an optional child above it). The
 * caller adds the responses, then calls present_dialog. */
static AdwMessageDialog *
reason_dialog (RlIdentityView *self, const char *heading, const char *body, GtkWidget *extra, DialogData **out)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *entry = gtk_entry_new ();
  DialogData *d = g_new0 (DialogData, 1);

  if (extra)
    gtk_box_append (GTK_BOX (box), extra);
  gtk_widget_set_name (entry, "reason-entry");
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason (required, goes into the audit log)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"), -1);
  gtk_box_append (GTK_BOX (box), entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  d->self = self;
  d->reason = GTK_ENTRY (entry);
  g_object_set_data_full (G_OBJECT (dialog), "rl-dialog-data", d, (GDestroyNotify) dialog_data_free);
  g_signal_connect (entry, "changed", G_CALLBACK (on_reason_changed), d);
  *out = d;
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
present_dialog (AdwMessageDialog *dialog, DialogData *d, GCallback on_response)
{
  update_responses (d);
  g_signal_connect (dialog, "response", on_response, d);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (d->reason));
}

static RlIdentityLink *
find_link (RlIdentityView *self, gint64 link_id, gboolean prefer_yellow)
{
  RlIdentityLink *first = NULL;

  for (guint i = 0; self->links && i < self->links->len; i++)
    {
      RlIdentityLink *l = g_ptr_array_index (self->links, i);
      if (link_id != 0 && l->id == link_id)
        return l;
      if (link_id == 0 && prefer_yellow && l->colour == RL_LINK_YELLOW)
        return l;
      if (link_id == 0 && first == NULL)
        first = l;
    }
  return link_id == 0 ? first : NULL;
}

static gint64
other_side (RlIdentityView *self, const RlIdentityLink *link)
{
  return link->identity_a == self->identity_id ? link->identity_b : link->identity_a;
}

static char *
reference_of (RlStore *store, gint64 identity_id)
{
  g_autoptr(RlIdentity) identity = rl_store_get_identity_summary (store, identity_id, NULL);
  return identity ? g_strdup (identity->reference) : g_strdup_printf ("%" G_GINT64_FORMAT, identity_id);
}

/* Opens another person's record for the same stated purpose (audited as a
 * look of its own). */
static void
open_identity (RlIdentityView *self, gint64 identity_id)
{
  g_autoptr(GError) error = NULL;
  RlIdentityView *view = rl_identity_view_new (self->session, identity_id, self->purpose, &error);

  if (view == NULL)
    {
      _rl_identity_view_toast (self, error->message);
      return;
    }
  gtk_window_set_transient_for (GTK_WINDOW (view), gtk_window_get_transient_for (GTK_WINDOW (self)));
  gtk_window_present (GTK_WINDOW (view));
}

/* ------------------------------------------------------------ encounters */

static void
open_encounter (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlIdentityView *self = RL_IDENTITY_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (!rl_encounter_pane_show_encounter (self->encounter_pane, rl_session_get_store (self->session),
                                         g_variant_get_int64 (param), &error))
    {
      _rl_identity_view_toast (self, error->message);
      return;
    }
  gtk_revealer_set_reveal_child (self->encounter_revealer, TRUE);
  rl_timeline_set_selected (self->timeline, g_variant_get_int64 (param));
}

static void
close_encounter (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlIdentityView *self = RL_IDENTITY_VIEW (widget);

  gtk_revealer_set_reveal_child (self->encounter_revealer, FALSE);
  rl_timeline_set_selected (self->timeline, 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->timeline));
}

/* Escape: the encounter first, then the record. */
static void
back (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlIdentityView *self = RL_IDENTITY_VIEW (widget);

  if (gtk_revealer_get_reveal_child (self->encounter_revealer))
    close_encounter (widget, NULL, NULL);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
open_linked (GtkWidget *widget, const char *action_name, GVariant *param)
{
  open_identity (RL_IDENTITY_VIEW (widget), g_variant_get_int64 (param));
}

static void
open_merged_into (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlIdentityView *self = RL_IDENTITY_VIEW (widget);

  if (self->identity->merged_into)
    open_identity (self, self->identity->merged_into);
}

/* ------------------------------------------------------------ links */

static void
on_resolve_response (AdwMessageDialog *dialog, const char *response, DialogData *d)
{
  g_autoptr(GError) error = NULL;
  RlLinkColour colour;
  g_autofree char *toast = NULL;

  if (!rl_link_colour_from_id (response, &colour) || colour == RL_LINK_YELLOW)
    return;
  if (!rl_store_resolve_identity_link (rl_session_get_store (d->self->session), d->arg, colour, dialog_reason (d),
                                       &error))
    {
      _rl_identity_view_toast (d->self, error->message);
      return;
    }
  toast = g_strdup_printf (_("Link %" G_GINT64_FORMAT " is now %s"), d->arg, rl_link_colour_to_label (colour));
  rl_session_identities_changed (d->self->session);
  _rl_identity_view_toast (d->self, toast);
}

static void
resolve_link (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlIdentityView *self = RL_IDENTITY_VIEW (widget);
  RlIdentityLink *link = find_link (self, g_variant_get_int64 (param), TRUE);
  g_autofree char *other = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  DialogData *d;
  g_autoptr(RlIdentity) summary = NULL;

  if (link == NULL)
    {
      _rl_identity_view_toast (self, _("This identity has no links to resolve"));
      return;
    }
  summary = rl_store_get_identity_summary (rl_session_get_store (self->session), other_side (self, link), NULL);
  other = summary ? rl_format_person (summary->reference, summary->given_names, summary->family_name)
                  : g_strdup_printf ("%" G_GINT64_FORMAT, other_side (self, link));
  body = g_strdup_printf (_("%s and %s share prints (score %.0f) but their biographic data differs. Now %s.\n\n"
                            "White: the same person (e.g. a name spelled two ways). Green: different people, "
                            "legitimately. Red: identity fraud."),
                          self->identity->reference, other, link->score, rl_link_colour_to_label (link->colour));
  dialog = reason_dialog (self, _("Resolve the Identity Link"), body, NULL, &d);
  d->arg = link->id;
  adw_message_dialog_add_responses (dialog, "white", _("_White: Same Person"), "green", _("_Green: Different People"),
                                    "red", _("R_ed: Identity Fraud"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "red", ADW_RESPONSE_DESTRUCTIVE);
  present_dialog (dialog, d, G_CALLBACK (on_resolve_response));
}

/* ------------------------------------------------------------ merge */

static void
on_merge_response (AdwMessageDialog *dialog, const char *response, DialogData *d)
{
  RlIdentityView *self = d->self;
  g_autoptr(GError) error = NULL;
  RlIdentityLink *link = find_link (self, d->arg, FALSE);
  gint64 other, from, into;
  g_autofree char *toast = NULL;
  int n;

  if (link == NULL || (g_strcmp0 (response, "into-this") != 0 && g_strcmp0 (response, "into-other") != 0))
    return;
  other = other_side (self, link);
  from = g_str_equal (response, "into-this") ? other : self->identity_id;
  into = g_str_equal (response, "into-this") ? self->identity_id : other;
  if ((n = rl_store_merge_identities (rl_session_get_store (self->session), from, into, dialog_reason (d),
                                      &error)) < 0)
    {
      _rl_identity_view_toast (self, error->message);
      return;
    }
  {
    RlStore *store = rl_session_get_store (self->session);
    g_autofree char *from_ref = reference_of (store, from);
    g_autofree char *into_ref = reference_of (store, into);
    toast = g_strdup_printf (ngettext ("%s merged into %s: %d encounter moved", "%s merged into %s: %d encounters moved",
                                       n), from_ref, into_ref, n);
  }
  rl_session_identities_changed (self->session);
  _rl_identity_view_toast (self, toast);
}

/* "P-000034 (Ada Okonkwo, 3 encounters)"; without the name when none is
 * recorded. */
static char *
describe_for_merge (const RlIdentity *identity)
{
  g_autofree char *name = rl_format_name (identity->given_names, identity->family_name);

  if (*name == '\0')
    return g_strdup_printf (ngettext ("%s (%u encounter)", "%s (%u encounters)", identity->n_encounters),
                            identity->reference, identity->n_encounters);
  return g_strdup_printf (ngettext ("%s (%s, %u encounter)", "%s (%s, %u encounters)", identity->n_encounters),
                          identity->reference, name, identity->n_encounters);
}

static void
merge (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlIdentityView *self = RL_IDENTITY_VIEW (widget);
  RlIdentityLink *link = find_link (self, g_variant_get_int64 (param), FALSE);
  g_autoptr(RlIdentity) other = NULL;
  g_autofree char *body = NULL;
  g_autofree char *keep_other = NULL;
  AdwMessageDialog *dialog;
  DialogData *d;

  if (link == NULL)
    {
      _rl_identity_view_toast (self, _("Merging starts from a link: this identity has none"));
      return;
    }
  other = rl_store_get_identity_summary (rl_session_get_store (self->session), other_side (self, link), NULL);
  if (other == NULL || other->merged_into)
    {
      _rl_identity_view_toast (self, _("The linked identity was merged into another one already"));
      return;
    }
  {
    g_autofree char *this_one = describe_for_merge (self->identity);
    g_autofree char *that_one = describe_for_merge (other);

    body = g_strdup_printf (_("%s and %s.\n\n"
                              "Every encounter, derogatory record and hit moves to the identity you keep; the other "
                              "is marked merged into it. Biographic data stays as each agency recorded it. A merge "
                              "can be undone."),
                            this_one, that_one);
  }
  dialog = reason_dialog (self, _("Merge the Two Identities?"), body, NULL, &d);
  d->arg = link->id;
  keep_other = g_strdup_printf (_("Keep %s"), other->reference);
  adw_message_dialog_add_responses (dialog, "into-other", keep_other, "into-this", _("_Keep This Identity"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "into-this", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_appearance (dialog, "into-other", ADW_RESPONSE_DESTRUCTIVE);
  present_dialog (dialog, d, G_CALLBACK (on_merge_response));
}

static void
on_undo_merge_response (AdwMessageDialog *dialog, const char *response, DialogData *d)
{
  RlIdentityView *self = d->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *toast = NULL;
  int n;

  if (g_strcmp0 (response, "undo") != 0)
    return;
  if ((n = rl_store_undo_merge (rl_session_get_store (self->session), self->identity_id, dialog_reason (d),
                                &error)) < 0)
    {
      _rl_identity_view_toast (self, error->message);
      return;
    }
  toast = g_strdup_printf (ngettext ("Merge undone: %d encounter is back", "Merge undone: %d encounters are back", n),
                           n);
  rl_session_identities_changed (self->session);
  _rl_identity_view_toast (self, toast);
}

static void
undo_merge (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlIdentityView *self = RL_IDENTITY_VIEW (widget);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  DialogData *d;

  if (self->identity->merged_into == 0)
    return;
  {
    g_autofree char *into = reference_of (rl_session_get_store (self->session), self->identity->merged_into);
    body = g_strdup_printf (_("The encounters, derogatory records and hits that the merge moved into %s come back to "
                              "%s, and %s is a separate identity again. Encounters split off since stay where they "
                              "are."),
                            into, self->identity->reference, self->identity->reference);
  }
  dialog = reason_dialog (self, _("Undo the Merge?"), body, NULL, &d);
  adw_message_dialog_add_response (dialog, "undo", _("_Undo Merge"));
  adw_message_dialog_set_response_appearance (dialog, "undo", ADW_RESPONSE_DESTRUCTIVE);
  present_dialog (dialog, d, G_CALLBACK (on_undo_merge_response));
}

/* ------------------------------------------------------------ split */

static void
on_split_response (AdwMessageDialog *dialog, const char *response, DialogData *d)
{
  RlIdentityView *self = d->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *toast = NULL;
  AdwToast *t;
  gint64 new_id;

  if (g_strcmp0 (response, "split") != 0)
    return;
  for (guint i = 0; i < d->checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (d->checks, i);
      gint64 id = *(gint64 *) g_object_get_data (G_OBJECT (check), "encounter-id");
      if (gtk_check_button_get_active (check))
        g_array_append_val (ids, id);
    }
  if ((new_id = rl_store_split_identity (rl_session_get_store (self->session), self->identity_id,
                                         (const gint64 *) ids->data, ids->len, dialog_reason (d), &error)) == 0)
    {
      _rl_identity_view_toast (self, error->message);
      return;
    }
  rl_session_identities_changed (self->session);
  {
    g_autofree char *new_ref = reference_of (rl_session_get_store (self->session), new_id);
    toast = g_strdup_printf (ngettext ("%u encounter split off into the new identity %s",
                                       "%u encounters split off into the new identity %s", ids->len),
                             ids->len, new_ref);
  }
  t = adw_toast_new (toast);
  adw_toast_set_timeout (t, 10);
  adw_toast_set_button_label (t, _("_Open"));
  adw_toast_set_action_name (t, "identity.open-linked");
  adw_toast_set_action_target_value (t, g_variant_new_int64 (new_id));
  _rl_identity_view_add_toast (self, t);
}

static void
split (GtkWidget *widget, const char *action_name, GVariant *param)
{
  RlIdentityView *self = RL_IDENTITY_VIEW (widget);
  GtkWidget *list, *scrolled;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  DialogData *d;

  if (self->encounters == NULL || self->encounters->len < 2)
    {
      _rl_identity_view_toast (self, _("Splitting needs an identity with two encounters or more"));
      return;
    }
  list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 280);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  body = g_strdup_printf (_("Choose the encounters of %s that belong to someone else. They move, with their prints "
                            "and biographic data, to a new identity; the rest, the derogatory records and hits "
                            "stay."), self->identity->reference);
  dialog = reason_dialog (self, _("Split Encounters Off"), body, scrolled, &d);
  d->checks = g_ptr_array_new ();
  for (guint i = 0; i < self->encounters->len; i++)
    {
      RlEncounter *e = g_ptr_array_index (self->encounters, i);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (e->occurred_at);
      g_autofree char *when = dt ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("?");
      g_autofree char *name = rl_format_name (e->given_names, e->family_name);
      g_autofree char *label = g_strdup_printf ("%s · %s · %s · %s", when, e->agency, *name ? name : "—",
                                                e->date_of_birth[0] ? e->date_of_birth : "—");
      GtkWidget *check = gtk_check_button_new_with_label (label);
      gint64 *id = g_new (gint64, 1);

      *id = e->id;
      g_object_set_data_full (G_OBJECT (check), "encounter-id", id, g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (on_check_toggled), d);
      gtk_box_append (GTK_BOX (list), check);
      g_ptr_array_add (d->checks, check);
    }
  adw_message_dialog_add_response (dialog, "split", _("_Split Off"));
  adw_message_dialog_set_response_appearance (dialog, "split", ADW_RESPONSE_DESTRUCTIVE);
  present_dialog (dialog, d, G_CALLBACK (on_split_response));
}

/* ------------------------------------------------------------ set-up */

void
_rl_identity_view_update_actions (RlIdentityView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean may = may_change_identities (self);
  gboolean live = self->identity && self->identity->merged_into == 0;
  gboolean has_links = self->links && self->links->len > 0;

  gtk_widget_action_set_enabled (widget, "identity.resolve-link", may && live && has_links);
  gtk_widget_action_set_enabled (widget, "identity.merge", may && live && has_links);
  gtk_widget_action_set_enabled (widget, "identity.split", may && live && self->encounters &&
                                                           self->encounters->len >= 2);
  gtk_widget_action_set_enabled (widget, "identity.undo-merge", may && self->identity && !live);
  gtk_widget_action_set_enabled (widget, "identity.open-merged-into", self->identity && !live);
}

void
_rl_identity_view_class_actions_init (RlIdentityViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "identity.open-encounter", "x", open_encounter);
  gtk_widget_class_install_action (widget_class, "identity.close-encounter", NULL, close_encounter);
  gtk_widget_class_install_action (widget_class, "identity.back", NULL, back);
  gtk_widget_class_install_action (widget_class, "identity.open-linked", "x", open_linked);
  gtk_widget_class_install_action (widget_class, "identity.open-merged-into", NULL, open_merged_into);
  gtk_widget_class_install_action (widget_class, "identity.resolve-link", "x", resolve_link);
  gtk_widget_class_install_action (widget_class, "identity.merge", "x", merge);
  gtk_widget_class_install_action (widget_class, "identity.split", NULL, split);
  gtk_widget_class_install_action (widget_class, "identity.undo-merge", NULL, undo_merge);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "identity.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "identity.resolve-link", "x",
                                       (gint64) 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "identity.merge", "x", (gint64) 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "identity.split",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_U, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "identity.undo-merge", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "identity.open-merged-into", NULL);
}
