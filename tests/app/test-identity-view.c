/* The identity view under Xvfb: opening needs a purpose (audited); a
 * restricted record shows "Held by AGENCY" and none of its content to a user
 * without the right, its content to one with it. Screenshots go to
 * tests/app/screenshots/ in the build tree. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-identity-view.h"
#include "rl-session.h"

#define SECRET "Informant reports smuggling route via Lake Ridge"

static gint64 identity_id;

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
      g_assert_cmpint (rl_store_add_encounter (s, &e, &error), >, 0);
    }
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

/* All the text the view shows (labels, rows' titles and subtitles). */
static void
collect_text (GtkWidget *widget, GString *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_text (c, out);
}

static void
iterate (void)
{
  for (int i = 0; i < 200 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
screenshot (GtkWidget *widget, const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("MESON_BUILD_ROOT") ? g_getenv ("MESON_BUILD_ROOT") : ".",
                                           "tests", "app", "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  g_mkdir_with_parents (dir, 0755);
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
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
  iterate ();
  collect_text (GTK_WIDGET (view), text);
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
  screenshot (GTK_WIDGET (view), "identity-view-withheld");
  gtk_window_destroy (GTK_WINDOW (view));

  view = open_as (session, "pan", holder);
  g_assert_nonnull (strstr (holder->str, SECRET));
  g_assert_null (strstr (holder->str, "Held by POLICE"));
  screenshot (GTK_WIDGET (view), "identity-view-holder");
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

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add_func ("/identity-view/need-to-know", test_need_to_know);
  return g_test_run ();
}
