/* The identity view under Xvfb: opening needs a purpose (audited); a
 * restricted record shows "Held by AGENCY" and none of its content to a user
 * without the right, its content to one with it; the timeline opens an
 * encounter by click and by keyboard (real key presses on an X display of
 * the test's own). Screenshots go to
 * tests/app/screenshots/ in the build tree. */
#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gui-test-util.h"
#include "own-display.h"

#include "rl-identity-view.h"
#include "rl-links-page.h"
#include "rl-table-view.h"
#include "rl-image-io.h"
#include "rl-session.h"
#include "rl-synth.h"

#define SECRET "Informant reports smuggling route via Lake Ridge"

static gint64 identity_id;
static gint64 encounter_ids[5];

/* A synthetic print with its image, for the thumbnails. */
static void
add_print (RlStore *s, gint64 encounter, RlFingerPosition finger, guint64 seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSynthFinger) f = rl_synth_finger_new (seed, finger);
  g_autoptr(RlImage) image = rl_synth_render (f, NULL, &error);
  g_autoptr(GBytes) png = NULL;
  g_autofree char *sha = NULL;
  RlSample sample = { 0 };

  g_assert_no_error (error);
  png = rl_image_encode (image, "png", &error);
  g_assert_no_error (error);
  sha = rl_store_add_image (s, png, "png", image->width, image->height, &error);
  g_assert_no_error (error);
  sample.encounter_id = encounter;
  sample.finger = finger;
  sample.ppi = 500;
  sample.quality = 72;
  sample.image_sha256 = sha;
  g_assert_cmpint (rl_store_add_sample (s, &sample, NULL, &error), >, 0);
  g_assert_no_error (error);
}

static RlStore *
make_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  RlStore *s = rl_store_create (path, &error);
  gint64 border, police, steward;
  RlEncounter e = { 0 };
  RlDerogatoryRecord d = { 0 };
  static const struct { const char *agency; gint64 at; RlEncounterPurpose purpose; const char *family, *dob; } enc[] = {
    { "VISA", 1262347200, RL_PURPOSE_VISA_APPLICATION, "Haddad", "1984-03-12" },
    { "BORDER", 1300000000, RL_PURPOSE_BORDER_CROSSING, "Haddad", "1984-03-12" },
    { "BORDER", 1420000000, RL_PURPOSE_BORDER_CROSSING, "Hadad", "1984-03-12" },
    { "POLICE", 1500000000, RL_PURPOSE_ARREST_BOOKING, "Haddad", "1984-03-21" },
    { "BORDER", 1650000000, RL_PURPOSE_BORDER_CROSSING, "Haddad", "1984-03-12" },
  };

  g_assert_no_error (error);
  border = rl_store_add_agency (s, "BORDER", "Border Agency", &error);
  police = rl_store_add_agency (s, "POLICE", "National Police", &error);
  rl_store_add_agency (s, "VISA", "Visa Office", &error);
  steward = rl_store_add_user (s, "steward", "Dana Steward", RL_ROLE_DATA_STEWARD, border, &error);
  g_assert_true (rl_store_set_actor (s, steward, &error));
  rl_store_add_user (s, "ban", "Bo Analyst", RL_ROLE_ANALYST, border, &error);
  rl_store_add_user (s, "pan", "Pat Analyst", RL_ROLE_ANALYST, police, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, 0, &error));
  identity_id = rl_store_add_identity (s, NULL, &error);
  for (guint i = 0; i < G_N_ELEMENTS (enc); i++)
    {
      g_autoptr(RlAgency) agency = rl_store_get_agency_by_code (s, enc[i].agency, &error);
      e.identity_id = identity_id;
      e.agency_id = agency->id;
      e.occurred_at = enc[i].at;
      e.purpose = enc[i].purpose;
      e.place = (char *) "North Gate";
      e.family_name = (char *) enc[i].family;
      e.given_names = (char *) "Samir";
      e.date_of_birth = (char *) enc[i].dob;
      e.nationality = (char *) "LBN";
      e.sex = (char *) "M";
      encounter_ids[i] = rl_store_add_encounter (s, &e, &error);
      g_assert_cmpint (encounter_ids[i], >, 0);
    }
  /* The "Hadad" border crossing took two prints. */
  add_print (s, encounter_ids[2], RL_FINGER_RIGHT_INDEX, 11);
  add_print (s, encounter_ids[2], RL_FINGER_LEFT_INDEX, 12);
  d.identity_id = identity_id;
  d.category = RL_DEROGATORY_DRUG_SMUGGLER;
  d.source_agency_id = police;
  d.restricted = TRUE;
  d.summary = (char *) SECRET;
  d.recorded_on = (char *) "2017-08-01";
  rl_store_add_derogatory_record (s, &d, &error);
  d.category = RL_DEROGATORY_IMMIGRATION_VIOLATION;
  d.source_agency_id = border;
  d.restricted = FALSE;
  d.summary = (char *) "Overstayed visa by 96 days";
  d.recorded_on = (char *) "2011-02-01";
  rl_store_add_derogatory_record (s, &d, &error);
  g_assert_no_error (error);
  return s;
}

static RlIdentityView *
open_as (RlSession *session, const char *user, GString *text)
{
  g_autoptr(GError) error = NULL;
  RlIdentityView *view;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_assert_true (rl_session_sign_in (session, user, &error));
  g_assert_no_error (error);
  /* No purpose: refused, nothing shown. */
  g_assert_null (rl_identity_view_new (session, identity_id, "  ", &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  view = rl_identity_view_new (session, identity_id, "CASE-2026-0042", &error);
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (view));
  while (!gtk_widget_get_mapped (GTK_WIDGET (view)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  rl_gui_iterate ();
  rl_gui_collect_labels (GTK_WIDGET (view), text);
  return view;
}

static void
test_need_to_know (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-idview-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ws.db", NULL);
  g_autoptr(RlSession) session = rl_session_new (make_store (path));
  g_autoptr(GString) outsider = g_string_new (NULL);
  g_autoptr(GString) holder = g_string_new (NULL);
  g_autoptr(GPtrArray) audit = NULL;
  RlIdentityView *view;
  guint looks = 0;

  view = open_as (session, "ban", outsider);
  g_assert_nonnull (strstr (outsider->str, "Held by POLICE"));
  g_assert_null (strstr (outsider->str, SECRET));
  g_assert_null (strstr (outsider->str, "2017-08-01"));
  g_assert_nonnull (strstr (outsider->str, "Overstayed visa by 96 days"));
  /* Each agency's spelling, with where it came from. */
  g_assert_nonnull (strstr (outsider->str, "Samir Hadad"));
  g_assert_nonnull (strstr (outsider->str, "Recorded by POLICE"));
  rl_gui_screenshot (GTK_WIDGET (view), "identity-view-withheld");
  gtk_window_destroy (GTK_WINDOW (view));

  view = open_as (session, "pan", holder);
  g_assert_nonnull (strstr (holder->str, SECRET));
  g_assert_null (strstr (holder->str, "Held by POLICE"));
  rl_gui_screenshot (GTK_WIDGET (view), "identity-view-holder");
  gtk_window_destroy (GTK_WINDOW (view));

  audit = rl_store_list_audit (rl_session_get_store (session), "identity", identity_id, 0, 0, NULL);
  for (guint i = 0; i < audit->len; i++)
    {
      RlAuditEntry *a = g_ptr_array_index (audit, i);
      if (g_strcmp0 (a->action, "identity.open") == 0)
        {
          g_assert_cmpstr (a->purpose, ==, "CASE-2026-0042");
          looks++;
        }
    }
  g_assert_cmpuint (looks, ==, 2);
}


/* Clicking a mark on the timeline opens that encounter beside the record:
 * date, agency, purpose, the biographic data as that agency recorded it,
 * its prints; Escape closes it. */
static void
test_encounter_pane (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-idview-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ws.db", NULL);
  g_autoptr(RlSession) session = rl_session_new (make_store (path));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) pane_text = g_string_new (NULL);
  g_autoptr(RlEncounter) e = NULL;
  g_autofree char *title = NULL;
  RlIdentityView *view;
  RlTimeline *timeline;
  RlEncounterPane *pane;
  int lane;

  view = open_as (session, "ban", text);
  g_assert_null (rl_identity_view_get_encounter_pane (view));
  timeline = rl_identity_view_get_timeline (view);
  e = rl_store_get_encounter (rl_session_get_store (session), encounter_ids[2], NULL);
  lane = rl_timeline_lane_for_agency (timeline, e->agency);
  g_assert_cmpint (lane, >=, 0);
  g_signal_emit_by_name (rl_gui_click_gesture (GTK_WIDGET (timeline)), "released", 1,
                         rl_timeline_x_for_time (timeline, e->occurred_at), rl_timeline_y_for_lane (timeline, lane));
  rl_gui_iterate ();
  pane = rl_identity_view_get_encounter_pane (view);
  g_assert_nonnull (pane);
  g_assert_cmpint (rl_encounter_pane_get_encounter_id (pane), ==, encounter_ids[2]);
  rl_gui_collect_labels (GTK_WIDGET (pane), pane_text);
  title = g_strdup_printf ("Encounter E-%06" G_GINT64_FORMAT, encounter_ids[2]);
  g_assert_nonnull (strstr (pane_text->str, title));
  g_assert_nonnull (strstr (pane_text->str, "Hadad"));           /* as BORDER recorded it that day */
  g_assert_null (strstr (pane_text->str, "Haddad"));
  g_assert_nonnull (strstr (pane_text->str, "BORDER — Border Agency"));
  g_assert_nonnull (strstr (pane_text->str, "Border crossing"));
  g_assert_nonnull (strstr (pane_text->str, "Right index · Q 72"));
  g_assert_nonnull (strstr (pane_text->str, "Left index · Q 72"));
  g_assert_nonnull (strstr (pane_text->str, "No searches or hits"));
  rl_gui_screenshot (GTK_WIDGET (view), "identity-view-encounter");

  /* Another encounter through its row's action; Escape closes the pane,
   * then the record. */
  gtk_widget_activate_action (GTK_WIDGET (view), "identity.open-encounter", "x", encounter_ids[3]);
  g_assert_cmpint (rl_encounter_pane_get_encounter_id (rl_identity_view_get_encounter_pane (view)), ==,
                   encounter_ids[3]);
  gtk_widget_activate_action (GTK_WIDGET (view), "identity.back", NULL);
  rl_gui_iterate ();
  g_assert_null (rl_identity_view_get_encounter_pane (view));
  gtk_window_destroy (GTK_WINDOW (view));
}

/* --------------------------------------------- merge / split on a demo */

static AdwMessageDialog *
find_dialog (void)
{
  rl_gui_iterate ();
  return (AdwMessageDialog *) rl_gui_find_window (ADW_TYPE_MESSAGE_DIALOG);
}

static void
collect_checks (GtkWidget *widget, GPtrArray *out)
{
  if (GTK_IS_CHECK_BUTTON (widget))
    g_ptr_array_add (out, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_checks (c, out);
}

/* Answers the confirmation the action opened: a response stays disabled
 * until a reason is given. */
static void
answer (const char *reason, const char *response)
{
  AdwMessageDialog *dialog = find_dialog ();
  GtkWidget *entry;

  g_assert_nonnull (dialog);
  entry = rl_gui_find_named (GTK_WIDGET (dialog), "reason-entry");
  g_assert_nonnull (entry);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, response));
  gtk_editable_set_text (GTK_EDITABLE (entry), reason);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  rl_gui_iterate ();
}

static guint
n_encounters (RlStore *store, gint64 identity)
{
  g_autoptr(GPtrArray) list = rl_store_list_encounters (store, identity, NULL);
  return list->len;
}

static gboolean
has_audit (RlStore *store, gint64 identity, const char *action, const char *reason)
{
  g_autoptr(GPtrArray) rows = rl_store_list_audit (store, "identity", identity, 0, 0, NULL);

  for (guint i = 0; i < rows->len; i++)
    {
      RlAuditEntry *a = g_ptr_array_index (rows, i);
      if (g_strcmp0 (a->action, action) == 0 && strstr (a->details, reason) && g_strcmp0 (a->username, "") != 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_merge_split_demo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-idview-demo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  const char *argv[] = { RL_CLI_PATH, "demo", "--identities", "12", "--seed", "5", "--no-prints", "--quiet",
                         "--db", path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSession) session = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) live = NULL;
  g_autoptr(RlIdentity) merged = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  RlStore *store;
  RlIdentityView *view, *other_view;
  const char *analyst = NULL;
  gint64 keep = 0, other = 0, link, new_id;
  guint n_keep, n_other, n_live;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  session = rl_session_new (rl_store_open (path, &error));
  g_assert_no_error (error);
  store = rl_session_get_store (session);
  users = rl_store_list_users (store, &error);
  for (guint i = 0; i < users->len && analyst == NULL; i++)
    if (((RlUser *) g_ptr_array_index (users, i))->role == RL_ROLE_ANALYST)
      analyst = ((RlUser *) g_ptr_array_index (users, i))->username;
  g_assert_nonnull (analyst);
  /* Two identities with two encounters or more each, linked as the
   * multiple-identity detector links them (the demo has no prints here). */
  live = rl_store_list_identities (store, NULL, 0, 0, &error);
  n_live = live->len;
  for (guint i = 0; i < live->len && other == 0; i++)
    {
      RlIdentity *id = g_ptr_array_index (live, i);
      if (id->n_encounters < 2)
        continue;
      if (keep == 0)
        keep = id->id;
      else
        other = id->id;
    }
  g_assert_cmpint (other, >, 0);
  link = rl_store_add_identity_link (store, keep, other, 71, &error);
  g_assert_no_error (error);
  n_keep = n_encounters (store, keep);
  n_other = n_encounters (store, other);

  g_assert_true (rl_session_sign_in (session, analyst, &error));

  /* The analyst's list: the link to review. */
  {
    GtkWidget *page = g_object_new (RL_TYPE_LINKS_PAGE, NULL);
    GtkWidget *window = gtk_window_new ();
    g_autoptr(GString) page_text = g_string_new (NULL);
    GtkWidget *table;

    gtk_window_set_default_size (GTK_WINDOW (window), 1000, 300);
    gtk_window_set_child (GTK_WINDOW (window), page);
    rl_page_set_session (RL_PAGE (page), session);
    gtk_window_present (GTK_WINDOW (window));
    rl_gui_iterate ();
    table = adw_bin_get_child (ADW_BIN (page));
    g_assert_true (RL_IS_TABLE_VIEW (table));
    g_assert_cmpuint (rl_table_view_get_n_rows (RL_TABLE_VIEW (table)), ==, 1);
    rl_gui_collect_labels (page, page_text);
    g_assert_nonnull (strstr (page_text->str, "1 link to review"));
    rl_gui_screenshot (window, "links-page");
    gtk_window_destroy (GTK_WINDOW (window));
  }

  view = rl_identity_view_new (session, keep, "CASE-MID-7", &error);
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (view));
  rl_gui_iterate ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "identity.merge", "x", link));
  answer ("Same person: passport shows both spellings", "into-this");

  /* Every encounter kept, under the identity kept; the other is merged. */
  g_assert_cmpuint (n_encounters (store, keep), ==, n_keep + n_other);
  g_assert_cmpuint (n_encounters (store, other), ==, 0);
  merged = rl_store_get_identity_summary (store, other, &error);
  g_assert_cmpint (merged->merged_into, ==, keep);
  g_assert_true (has_audit (store, other, "identity.merge", "both spellings"));
  g_assert_true (has_audit (store, keep, "identity.merge", "both spellings"));
  g_assert_cmpuint (rl_store_count_identities (store, NULL), ==, n_live - 1);
  rl_gui_collect_labels (GTK_WIDGET (view), text);
  {
    g_autofree char *count = g_strdup_printf ("%u encounters", n_keep + n_other);
    g_assert_nonnull (strstr (text->str, count));
    /* The history says why. */
    g_assert_nonnull (strstr (text->str, "Reason: Same person: passport shows both spellings"));
  }
  rl_gui_screenshot (GTK_WIDGET (view), "identity-view-merged-into-this");

  /* The merged identity opened by id says where it went, and undoes. */
  other_view = rl_identity_view_new (session, other, "CASE-MID-7", &error);
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (other_view));
  rl_gui_iterate ();
  g_string_truncate (text, 0);
  rl_gui_collect_labels (GTK_WIDGET (other_view), text);
  {
    g_autofree char *says = g_strdup_printf ("merged into %s", merged->reference);
    g_autoptr(RlIdentity) k = rl_store_get_identity_summary (store, keep, NULL);
    g_autofree char *kept = g_strdup_printf ("merged into %s", k->reference);
    g_assert_nonnull (strstr (text->str, kept));
    (void) says;
  }
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (other_view), "identity.split", NULL) &&
                  find_dialog () != NULL);
  rl_gui_screenshot (GTK_WIDGET (other_view), "identity-view-merged-away");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (other_view), "identity.undo-merge", NULL));
  answer ("Supervisor review: two people", "undo");
  g_assert_cmpuint (n_encounters (store, keep), ==, n_keep);
  g_assert_cmpuint (n_encounters (store, other), ==, n_other);
  g_assert_true (has_audit (store, other, "identity.unmerge", "two people"));
  gtk_window_destroy (GTK_WINDOW (other_view));

  /* Split: one encounter of the kept identity to a new identity. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "identity.split", NULL));
  {
    AdwMessageDialog *dialog = find_dialog ();
    g_autoptr(GPtrArray) checks = g_ptr_array_new ();
    g_autoptr(GPtrArray) after = NULL;
    gint64 chosen;

    g_assert_nonnull (dialog);
    collect_checks (GTK_WIDGET (dialog), checks);
    g_assert_cmpuint (checks->len, ==, n_keep);
    chosen = *(gint64 *) g_object_get_data (g_ptr_array_index (checks, 0), "encounter-id");
    gtk_check_button_set_active (g_ptr_array_index (checks, 0), TRUE);
    answer ("Enrolled under the wrong reference at intake", "split");
    g_assert_cmpuint (n_encounters (store, keep), ==, n_keep - 1);
    g_assert_true (has_audit (store, keep, "identity.split", "wrong reference"));
    after = rl_store_list_identities (store, NULL, 0, 0, NULL);
    new_id = 0;
    for (guint i = 0; i < after->len; i++)
      {
        RlIdentity *id = g_ptr_array_index (after, i);
        g_autoptr(GPtrArray) list = rl_store_list_encounters (store, id->id, NULL);
        if (list->len == 1 && ((RlEncounter *) g_ptr_array_index (list, 0))->id == chosen && id->id != keep &&
            id->id != other)
          new_id = id->id;
      }
    g_assert_cmpint (new_id, >, 0);
    g_assert_true (has_audit (store, new_id, "identity.split", "wrong reference"));
  }
  gtk_window_destroy (GTK_WINDOW (view));
}
/* The timeline by keyboard alone, with real key presses (xdotool, on this
 * test's own X display): Tab until the timeline has the focus, Right twice
 * (from the first encounter to the third in time), Enter: that encounter
 * opens beside the record. */
static gboolean have_own_display;

static void
wait_until_focus_changes (GtkWidget *window, GtkWidget *from)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (gtk_root_get_focus (GTK_ROOT (window)) == from && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  rl_gui_iterate ();
}

static void
test_timeline_keys (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-idview-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ws.db", NULL);
  g_autoptr(RlSession) session = rl_session_new (make_store (path));
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *xid = NULL;
  RlIdentityView *view;
  RlTimeline *timeline;
  RlEncounterPane *pane;
  GdkSurface *surface;
  gint64 deadline;

  if (!have_own_display)
    {
      g_test_skip ("needs Xvfb and xdotool (a display of the test's own to type into)");
      return;
    }
  view = open_as (session, "ban", text);
  gtk_window_set_default_size (GTK_WINDOW (view), 1280, 860);
  timeline = rl_identity_view_get_timeline (view);
  surface = gtk_native_get_surface (GTK_NATIVE (view));
  if (!GDK_IS_X11_SURFACE (surface))
    {
      gtk_window_destroy (GTK_WINDOW (view));
      g_test_skip ("not on X11");
      return;
    }
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
  g_assert_true (own_display_xdotool ("windowfocus", "--sync", xid, NULL));
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!gtk_window_is_active (GTK_WINDOW (view)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_window_is_active (GTK_WINDOW (view)));

  /* Tab through the record until the timeline has the focus. */
  for (int presses = 0; presses < 60 && !gtk_widget_has_focus (GTK_WIDGET (timeline)); presses++)
    {
      GtkWidget *was = gtk_root_get_focus (GTK_ROOT (view));
      g_assert_true (own_display_xdotool ("key", "Tab", NULL));
      wait_until_focus_changes (GTK_WIDGET (view), was);
    }
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (timeline)));
  /* The first encounter in view (all are, the timeline shows them all). */
  g_assert_cmpint (rl_timeline_get_focused (timeline), ==, encounter_ids[0]);

  g_assert_true (own_display_xdotool ("key", "--delay", "60", "Right", "Right", NULL));
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (rl_timeline_get_focused (timeline) != encounter_ids[2] && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (rl_timeline_get_focused (timeline), ==, encounter_ids[2]);
  g_assert_null (rl_identity_view_get_encounter_pane (view));

  g_assert_true (own_display_xdotool ("key", "Return", NULL));
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (rl_identity_view_get_encounter_pane (view) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  rl_gui_iterate ();
  pane = rl_identity_view_get_encounter_pane (view);
  g_assert_nonnull (pane);
  g_assert_cmpint (rl_encounter_pane_get_encounter_id (pane), ==, encounter_ids[2]);
  g_assert_cmpint (rl_timeline_get_selected (timeline), ==, encounter_ids[2]);
  /* The focus stays on the timeline, so Left/Right and Enter go on. */
  gtk_widget_grab_focus (GTK_WIDGET (timeline));
  rl_gui_iterate ();
  rl_gui_screenshot (GTK_WIDGET (view), "identity-view-timeline-keys");
  gtk_window_destroy (GTK_WINDOW (view));
}


int
main (int argc, char **argv)
{
  g_autoptr(GSubprocess) display = NULL;

  /* Before GTK opens a display: the keyboard test types into its own. */
  display = own_display_start ();
  have_own_display = display != NULL;
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  /* The app's style sheet (AdwApplication loads it in the app). */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/org/ridgeline/Workstation/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_test_add_func ("/identity-view/need-to-know", test_need_to_know);
  g_test_add_func ("/identity-view/encounter-pane", test_encounter_pane);
  g_test_add_func ("/identity-view/timeline-keys", test_timeline_keys);
  g_test_add_func ("/identity-view/merge-split-demo", test_merge_split_demo);
  {
    int status = g_test_run ();
    if (display)
      g_subprocess_force_exit (display);
    return status;
  }
}
