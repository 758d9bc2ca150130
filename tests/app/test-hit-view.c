/* The hit review under Xvfb, on a workspace where importing a new encounter
 * of real prints (FVC2002 DB1_B, finger 101) made the hit by itself:
 *  - the analyst of another agency sees the restricted record only as "Held
 *    by POLICE" (widget text AND the store's answer), the sharable one in
 *    full, the score with its false-match rate, the prints side by side and
 *    the biographic differences marked;
 *  - a dismissal without a reason is refused; an escalation leaves the hit
 *    out of the analyst's to-do list and puts it in the supervisor's, who
 *    confirms it; every disposition is in the audit log;
 *  - the police analyst (the record's holder) sees the content.
 * Screenshots go to tests/app/screenshots/ in the build tree. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-hit-view.h"
#include "rl-hits-page.h"
#include "rl-import.h"
#include "rl-session.h"
#include "gui-test-util.h"

#define SECRET "Informant: armed robbery crew, Lake Ridge depot"
#define SHARABLE "Overstayed visa by 96 days"

static char *workspace;
static gint64 hit_id;

static void
write_sidecar (const char *dir, const char *name, const char *json)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
}

static void
copy_print (const char *from, const char *dir, const char *name)
{
  g_autofree char *data = NULL;
  g_autofree char *to = g_build_filename (dir, name, NULL);
  gsize len;

  g_assert_true (g_file_get_contents (from, &data, &len, NULL));
  g_assert_true (g_file_set_contents (to, data, (gssize) len, NULL));
}

/* FALSE when the shared prints are not there. */
static gboolean
make_workspace (const char *dir)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *set = shared ? g_build_filename (shared, "fingerprints", "FVC2002_DB1_B", NULL) : NULL;
  g_autofree char *first = set ? g_build_filename (set, "101_1.tif", NULL) : NULL;
  g_autofree char *second = set ? g_build_filename (set, "101_2.tif", NULL) : NULL;
  g_autofree char *a = g_build_filename (dir, "101_1.tif", NULL);
  g_autofree char *b = g_build_filename (dir, "101_2.tif", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = NULL;
  RlImportOptions options = { .make_template = rl_import_extract_template };
  RlImportResult result = { 0 };
  RlDerogatoryRecord d = { 0 };
  gint64 border, police, steward, release;

  if (second == NULL || !g_file_test (second, G_FILE_TEST_EXISTS))
    return FALSE;
  workspace = g_build_filename (dir, "ws.db", NULL);
  s = rl_store_create (workspace, &error);
  g_assert_no_error (error);
  border = rl_store_add_agency (s, "BORDER", "Border Agency", &error);
  police = rl_store_add_agency (s, "POLICE", "National Police", &error);
  steward = rl_store_add_user (s, "steward", "Dana Steward", RL_ROLE_DATA_STEWARD, border, &error);
  g_assert_true (rl_store_set_actor (s, steward, &error));
  rl_store_add_user (s, "ban", "Bo Analyst", RL_ROLE_ANALYST, border, &error);
  rl_store_add_user (s, "pan", "Pat Analyst", RL_ROLE_ANALYST, police, &error);
  rl_store_add_user (s, "sup", "Sam Supervisor", RL_ROLE_SUPERVISOR, border, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, 0, &error));
  release = rl_store_add_release (s, "2026.11-1", "{\"quality_threshold\": 20, \"max_candidates\": 10}", 0, &error);
  g_assert_true (rl_store_activate_release (s, release, &error));

  /* The person as the police enrolled them, with their records. */
  copy_print (first, dir, "101_1.tif");
  write_sidecar (dir, "101_1.json",
                 "{\"identity\": \"P-HADDAD\", \"family_name\": \"Haddad\", \"given_names\": \"Samir\", "
                 "\"date_of_birth\": \"1984-03-12\", \"nationality\": \"LBN\", \"sex\": \"M\", \"agency\": \"POLICE\", "
                 "\"purpose\": \"arrest-booking\", \"date\": \"2019-05-02T10:00:00Z\", \"finger\": 2}");
  g_assert_true (rl_import_file (s, a, &options, &result, &error));
  g_assert_no_error (error);
  d.identity_id = result.identity_id;
  rl_import_result_clear (&result);
  d.category = RL_DEROGATORY_CRIMINAL_CONVICTION;
  d.source_agency_id = police;
  d.restricted = TRUE;
  d.summary = (char *) SECRET;
  d.recorded_on = (char *) "2019-05-02";
  g_assert_cmpint (rl_store_add_derogatory_record (s, &d, &error), >, 0);
  d.category = RL_DEROGATORY_IMMIGRATION_VIOLATION;
  d.source_agency_id = border;
  d.restricted = FALSE;
  d.summary = (char *) SHARABLE;
  d.recorded_on = (char *) "2021-02-01";
  g_assert_cmpint (rl_store_add_derogatory_record (s, &d, &error), >, 0);

  /* The new encounter at the border, under another spelling and date of
   * birth: the import searches it and raises the hit. */
  copy_print (second, dir, "101_2.tif");
  write_sidecar (dir, "101_2.json",
                 "{\"identity\": \"P-NEW-0001\", \"family_name\": \"Hadad\", \"given_names\": \"Samir\", "
                 "\"date_of_birth\": \"1984-12-03\", \"nationality\": \"SYR\", \"sex\": \"M\", \"agency\": \"BORDER\", "
                 "\"purpose\": \"border-crossing\", \"date\": \"2026-11-20T07:40:00Z\", \"finger\": 2}");
  g_assert_true (rl_import_file (s, b, &options, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.searched);
  g_assert_cmpint (result.search.hit_id, >, 0);
  g_assert_cmpint (result.search.best_identity_id, ==, d.identity_id);
  hit_id = result.search.hit_id;
  rl_import_result_clear (&result);
  return TRUE;
}

static RlSession *
session_as (const char *username)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_open (workspace, &error);
  RlSession *session;

  g_assert_no_error (error);
  session = rl_session_new (store);
  g_assert_true (rl_session_sign_in (session, username, &error));
  g_assert_no_error (error);
  return session;
}

static RlHitsPage *
hits_page_in_window (RlSession *session)
{
  GtkWidget *window = gtk_window_new ();
  RlHitsPage *page = g_object_new (RL_TYPE_HITS_PAGE, NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 400);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  rl_page_set_session (RL_PAGE (page), session);
  gtk_window_present (GTK_WINDOW (window));
  rl_gui_wait_mapped (window);
  rl_page_reload (RL_PAGE (page));
  return page;
}

static gboolean
page_lists (RlHitsPage *page, gint64 id)
{
  g_autoptr(GArray) ids = rl_hits_page_get_hit_ids (page);

  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      return TRUE;
  return FALSE;
}

static guint
count_dispositions (RlSession *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = rl_store_list_audit (rl_session_get_store (session), "hit", hit_id, 0, 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    n += g_strcmp0 (((RlAuditEntry *) rows->pdata[i])->action, "hit.dispose") == 0;
  return n;
}

static void
test_hit_review (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rl-hit-view-XXXXXX", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(RlSession) analyst = NULL, holder = NULL, supervisor = NULL;
  g_autoptr(GPtrArray) records = NULL;
  RlHitsPage *page;
  RlHitView *view;
  GtkWidget *window;

  if (!make_workspace (dir))
    {
      g_test_skip ("FVC2002_DB1_B not found under RIDGELINE_SHARED");
      return;
    }

  /* The border analyst: the hit is on their to-do list. */
  analyst = session_as ("ban");
  page = hits_page_in_window (analyst);
  g_assert_true (page_lists (page, hit_id));
  view = rl_hits_page_open_hit (page, hit_id, &error);
  g_assert_no_error (error);
  window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view)));
  rl_gui_wait_mapped (window);
  rl_gui_collect_labels (GTK_WIDGET (view), text);
  g_test_message ("%s", text->str);

  /* Restricted: who holds it, never what it says. */
  g_assert_nonnull (strstr (text->str, "Held by POLICE"));
  g_assert_null (strstr (text->str, SECRET));
  g_assert_null (strstr (text->str, "Lake Ridge"));
  {
    g_autoptr(RlHit) hit = rl_store_get_hit (rl_session_get_store (analyst), hit_id, &error);
    g_assert_no_error (error);
    records = rl_store_list_derogatory_records (rl_session_get_store (analyst), hit->identity_id, &error);
  }
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      RlDerogatoryRecord *r = records->pdata[i];
      if (r->restricted)
        {
          g_assert_true (r->withheld);
          g_assert_null (r->summary);
        }
    }
  /* The rest of what the analyst decides on. */
  g_assert_nonnull (strstr (text->str, SHARABLE));
  g_assert_nonnull (strstr (text->str, "Criminal conviction"));
  g_assert_nonnull (strstr (text->str, "Restricted"));
  g_assert_nonnull (strstr (text->str, "Sharable"));
  g_assert_nonnull (strstr (text->str, "false-match rate"));
  g_assert_nonnull (strstr (text->str, "Hadad"));
  g_assert_nonnull (strstr (text->str, "Haddad"));
  /* Family name, date of birth and nationality differ: both cells marked. */
  g_assert_cmpuint (rl_gui_count_class (GTK_WIDGET (view), "hit-differs"), ==, 6);
  g_assert_nonnull (rl_hit_view_get_comparison (view));
  g_assert_true (gtk_widget_get_mapped (rl_hit_view_get_comparison (view)));
  rl_gui_screenshot (window, "hit-review-analyst");

  /* Dismissing needs a reason: refused, still open. */
  rl_hit_view_set_reason (view, "");
  g_assert_false (rl_hit_view_dispose (view, RL_HIT_DISMISSED, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpint (rl_hit_view_get_status (view), ==, RL_HIT_OPEN);
  /* Escalate through the action (as Ctrl+E does). */
  rl_hit_view_set_reason (view, "Different date of birth and nationality: supervisor to decide on referral.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "hit.escalate", NULL));
  rl_gui_iterate ();
  g_assert_cmpint (rl_hit_view_get_status (view), ==, RL_HIT_ESCALATED);
  g_assert_false (rl_hit_view_can_dispose (view));
  g_assert_cmpuint (count_dispositions (analyst), ==, 1);
  /* Off the analyst's to-do list (the page reloaded itself). */
  g_assert_false (page_lists (page, hit_id));
  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))));

  /* The holder of the record sees its content. */
  holder = session_as ("pan");
  view = rl_hit_view_new (holder, hit_id, &error);
  g_assert_no_error (error);
  g_object_ref_sink (view);
  g_string_truncate (text, 0);
  rl_gui_collect_labels (GTK_WIDGET (view), text);
  g_assert_nonnull (strstr (text->str, SECRET));
  g_assert_null (strstr (text->str, "Held by POLICE"));
  g_object_unref (view);

  /* The supervisor sees the escalated hit and decides it. */
  supervisor = session_as ("sup");
  page = hits_page_in_window (supervisor);
  g_assert_true (page_lists (page, hit_id));
  rl_gui_iterate ();
  rl_gui_screenshot (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (page))), "hits-page-supervisor");
  view = rl_hits_page_open_hit (page, hit_id, &error);
  g_assert_no_error (error);
  window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view)));
  rl_gui_wait_mapped (window);
  g_assert_true (rl_hit_view_can_dispose (view));
  rl_hit_view_set_reason (view, "Same person by prints; dates transposed at the border. Referred to the police.");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "hit.confirm", NULL));
  rl_gui_iterate ();
  g_assert_cmpint (rl_hit_view_get_status (view), ==, RL_HIT_CONFIRMED);
  g_assert_cmpuint (count_dispositions (supervisor), ==, 2);
  g_assert_false (page_lists (page, hit_id));
  rl_gui_iterate ();
  rl_gui_screenshot (window, "hit-review-supervisor");
  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (page))));
  rl_gui_iterate ();
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  {
    /* The application's style, as the app loads it (libadwaita's
     * resource path). */
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/org/ridgeline/Workstation/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  g_test_add_func ("/hit-view/review", test_hit_review);
  return g_test_run ();
}
