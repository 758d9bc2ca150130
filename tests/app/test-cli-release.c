/* ridgeline-cli release: the two-person rule, roles, evaluation before
 * approval, activation and rollback, all through the real program. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "rl-store.h"
#include "rl-template-io.h"

static char *tmp_dir;
static char *db;

/* Three "fingers", two impressions each: the second is the first moved and
 * slightly jittered, so the evaluation has genuine and impostor pairs. */
static void
add_prints (RlStore *store, gint64 agency)
{
  GRand *rand = g_rand_new_with_seed (11);

  for (int person = 0; person < 3; person++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RlTemplate) base = rl_template_new (40, 0);
      gint64 identity = rl_store_add_identity (store, NULL, &error);

      g_assert_no_error (error);
      base->width = 400;
      base->height = 500;
      for (guint i = 0; i < base->n_minutiae; i++)
        base->minutiae[i] = (RlMinutia) { g_rand_double_range (rand, 40, 360), g_rand_double_range (rand, 40, 460),
                                          g_rand_double_range (rand, 0, 2 * G_PI), 1 + i % 2, 80 };
      for (int impression = 0; impression < 2; impression++)
        {
          g_autoptr(RlTemplate) tpl = rl_template_copy (base);
          g_autoptr(GBytes) bytes = NULL;
          RlEncounter enc = { .identity_id = identity, .agency_id = agency, .occurred_at = 1600000000 + impression,
                              .purpose = RL_PURPOSE_VISA_APPLICATION };
          RlSample sample = { .finger = RL_FINGER_RIGHT_INDEX, .ppi = 500, .quality = 70 };

          for (guint i = 0; i < tpl->n_minutiae; i++)
            {
              tpl->minutiae[i].x += 6 * impression + g_rand_double_range (rand, -1.5, 1.5);
              tpl->minutiae[i].y += 4 * impression + g_rand_double_range (rand, -1.5, 1.5);
            }
          sample.encounter_id = rl_store_add_encounter (store, &enc, &error);
          g_assert_no_error (error);
          bytes = rl_template_serialize (tpl);
          rl_store_add_sample (store, &sample, bytes, &error);
          g_assert_no_error (error);
        }
    }
  g_rand_free (rand);
}

static void
make_workspace (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  gint64 agency, shipped;

  db = g_build_filename (tmp_dir, "ws.db", NULL);
  store = rl_store_create (db, &error);
  g_assert_no_error (error);
  agency = rl_store_add_agency (store, "AG1", "Agency One", &error);
  rl_store_add_user (store, "steward", "Data Steward", RL_ROLE_DATA_STEWARD, agency, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (store, 1, &error));
  rl_store_add_user (store, "ana", "Ana Author", RL_ROLE_SUPERVISOR, agency, &error);
  rl_store_add_user (store, "bo", "Bo Reviewer", RL_ROLE_SUPERVISOR, agency, &error);
  rl_store_add_user (store, "eve", "Eve Examiner", RL_ROLE_EXAMINER, agency, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (store, 0, &error));
  add_prints (store, agency);

  /* The shipped release, active (approved by "bo" so the system can be its author). */
  shipped = rl_store_add_release (store, "shipped", "{\"match_threshold\": 40.0, \"no_match_threshold\": 25.0}",
                                  0, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_release_evaluated (store, shipped, "{}", NULL, &error));
  g_assert_true (rl_store_set_actor (store, 3, &error));
  g_assert_true (rl_store_review_release (store, shipped, TRUE, "shipped", &error));
  g_assert_true (rl_store_activate_release (store, shipped, &error));
  g_assert_no_error (error);
}

/* Runs ridgeline-cli release ARGS... --db DB; returns the exit status. */
static int
run (char **out, char **err, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list args;
  int status;

  g_ptr_array_add (argv, (char *) g_getenv ("RIDGELINE_CLI"));
  g_ptr_array_add (argv, (char *) "release");
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, db);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL, NULL, out, err, &status, &error));
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static void
test_release_lifecycle (void)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(RlMatcherRelease) active = NULL;
  g_autoptr(RlMatcherRelease) draft = NULL;
  g_autoptr(RlAuditReport) report = NULL;

  make_workspace ();

  g_assert_cmpint (run (&out, &err, "draft", "tuned-1", "--parameters", "{\"match_threshold\": 45.0}",
                        "--as", "ana", NULL), ==, 0);
  g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free);

  /* Not evaluated yet: nobody may approve it. */
  g_assert_cmpint (run (&out, &err, "approve", "2", "--as", "bo", NULL), ==, 1);
  g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "evaluate", "2", "--as", "ana", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "3 genuine"));
  g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free);

  /* The author cannot approve their own release; an examiner cannot approve. */
  g_assert_cmpint (run (&out, &err, "approve", "2", "--as", "ana", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "cannot review it"));
  g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "approve", "2", "--as", "eve", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Supervisor"));
  g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free);

  /* No acting user: refused with a clear message. */
  g_assert_cmpint (run (&out, &err, "approve", "2", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "--as USER"));
  g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "approve", "2", "--as", "bo", "--comment", "FMR unchanged", NULL), ==, 0);
  g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "activate", "2", "--as", "bo", NULL), ==, 0);
  g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free);

  store = rl_store_open (db, &error);
  active = rl_store_get_active_release (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (active->name, ==, "tuned-1");
  draft = rl_store_get_release (store, 2, &error);
  g_assert_nonnull (draft->metrics);
  g_assert_nonnull (strstr (draft->metrics, "\"operating_points\""));
  g_clear_pointer (&active, rl_matcher_release_free);

  /* Rollback brings the shipped release back. */
  g_assert_cmpint (run (&out, &err, "rollback", "--as", "bo", NULL), ==, 0);
  g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free);
  g_clear_pointer (&store, rl_store_close);
  store = rl_store_open (db, &error);
  active = rl_store_get_active_release (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (active->name, ==, "shipped");

  /* Every step is in an intact audit chain. */
  report = rl_store_verify_audit (store, &error);
  g_assert_no_error (error);
  g_assert_null (report->problem);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("rl-release-XXXXXX", NULL);
  g_test_add_func ("/cli/release/lifecycle", test_release_lifecycle);
  return g_test_run ();
}
