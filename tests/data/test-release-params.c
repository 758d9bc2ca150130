/* Matcher release parameters: parsing, errors that name the key, bucket
 * thresholds, a release's own calibration, and the active release's. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>

#include "rl-release-params.h"

static void
test_defaults (void)
{
  RlReleaseParams p, q;
  g_autoptr(GError) error = NULL;
  RlCompareParams c;

  rl_release_params_init_default (&p);
  rl_compare_params_init_default (&c);
  /* the routing thresholds are the matcher's own calibration's */
  g_assert_cmpfloat_with_epsilon (p.match_threshold, rl_score_for_fmr (1e-5), 1e-4);
  g_assert_cmpfloat_with_epsilon (p.no_match_threshold, rl_score_for_fmr (1e-3), 1e-4);
  g_assert_cmpfloat (p.no_match_threshold, <, p.match_threshold);
  g_assert_true (memcmp (&p.compare, &c, sizeof c) == 0);
  g_assert_true (p.prefilter);

  /* empty text and {} are the defaults; unknown keys are ignored */
  g_assert_true (rl_release_params_parse ("", &q, &error));
  g_assert_true (memcmp (&p, &q, sizeof p) == 0);
  g_assert_true (rl_release_params_parse ("{\"shipped\": true, \"match_fmr\": 1e-05}", &q, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (&p, &q, sizeof p) == 0);
  /* without a calibration of its own, a release uses the matcher's */
  g_assert_cmpfloat (rl_release_params_score_to_fmr (&q, 30.0f), ==, rl_score_to_fmr (30.0f));
}

static void
test_round_trip (void)
{
  RlReleaseParams p, q;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  rl_release_params_init_default (&p);
  p.match_threshold = 41.5f;
  p.no_match_threshold = 22.25f;
  p.quality_threshold = 48;
  p.max_candidates = 30;
  p.prefilter = FALSE;
  p.n_buckets = 2;
  p.buckets[0].min_quality = 40;
  p.buckets[0].match_threshold = 39.0f;
  p.buckets[1].min_quality = 70;
  p.buckets[1].match_threshold = 35.5f;
  p.compare.angle_tol = 0.4;
  p.compare.final_dist_tol = 14.0f;
  p.n_calibration = 3;
  p.calibration[0].score = 10; p.calibration[0].fmr = 0.1;
  p.calibration[1].score = 20; p.calibration[1].fmr = 1e-3;
  p.calibration[2].score = 30; p.calibration[2].fmr = 1e-5;

  json = rl_release_params_to_json (&p);
  /* readable: no 17-digit float noise */
  g_assert_nonnull (strstr (json, "\"match_threshold\": 41.5,"));
  g_assert_nonnull (strstr (json, "\"angle_tol\": 0.4,"));
  g_assert_null (strstr (json, "0000000"));
  g_assert_true (rl_release_params_parse (json, &q, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (q.match_threshold, ==, p.match_threshold);
  g_assert_cmpfloat (q.no_match_threshold, ==, p.no_match_threshold);
  g_assert_cmpint (q.quality_threshold, ==, 48);
  g_assert_cmpuint (q.max_candidates, ==, 30);
  g_assert_false (q.prefilter);
  g_assert_cmpuint (q.n_buckets, ==, 2);
  g_assert_cmpint (q.buckets[1].min_quality, ==, 70);
  g_assert_cmpfloat (q.buckets[1].match_threshold, ==, 35.5f);
  g_assert_cmpfloat_with_epsilon (q.compare.angle_tol, 0.4, 1e-9);
  g_assert_cmpfloat (q.compare.final_dist_tol, ==, 14.0f);
  g_assert_cmpfloat (q.compare.seed_dist_tol, ==, p.compare.seed_dist_tol);
  g_assert_cmpuint (q.n_calibration, ==, 3);
  g_assert_cmpfloat (q.calibration[1].fmr, ==, 1e-3);
  /* every float reads back bit for bit, however many digits it needs */
  {
    RlReleaseParams r;
    g_autofree char *again = NULL;

    p.match_threshold = 19.69f;
    p.no_match_threshold = nextafterf (19.69f, 0.0f);
    p.compare.angle_tol = G_PI / 7.0f;
    again = rl_release_params_to_json (&p);
    g_assert_true (rl_release_params_parse (again, &r, &error));
    g_assert_cmpfloat (r.match_threshold, ==, 19.69f);
    g_assert_cmpfloat (r.no_match_threshold, ==, nextafterf (19.69f, 0.0f));
    g_assert_true (r.compare.angle_tol == p.compare.angle_tol);
    g_assert_nonnull (strstr (again, "\"match_threshold\": 19.69,"));
  }

  /* the poorer print of a pair picks the bucket */
  g_assert_cmpfloat (rl_release_params_match_threshold_for (&q, 90, 30), ==, 41.5f);
  g_assert_cmpfloat (rl_release_params_match_threshold_for (&q, 50, 90), ==, 39.0f);
  g_assert_cmpfloat (rl_release_params_match_threshold_for (&q, 75, 80), ==, 35.5f);

  /* its own calibration: log-linear between points, 1.0 at the bottom,
   * falling past the last point, never below the floor */
  g_assert_cmpfloat_with_epsilon (rl_release_params_score_to_fmr (&q, 20.0f), 1e-3, 1e-9);
  g_assert_cmpfloat_with_epsilon (rl_release_params_score_to_fmr (&q, 25.0f), 1e-4, 1e-8);
  g_assert_cmpfloat (rl_release_params_score_to_fmr (&q, 40.0f), <, 1e-5);
  g_assert_cmpfloat (rl_release_params_score_to_fmr (&q, 100.0f), >=, 1e-8);
  g_assert_cmpfloat (rl_release_params_score_to_fmr (&q, 0.0f), ==, 0.1);
}

static void
assert_refused (const char *json, const char *names)
{
  RlReleaseParams p;
  g_autoptr(GError) error = NULL;

  g_assert_false (rl_release_params_parse (json, &p, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, names) == NULL)
    g_error ("“%s”: message “%s” does not name “%s”", json, error->message, names);
}

static void
test_bad_parameters (void)
{
  assert_refused ("{", "not JSON");
  assert_refused ("[1, 2]", "parameters");
  assert_refused ("{\"match_threshold\": \"high\"}", "match_threshold");
  assert_refused ("{\"match_threshold\": 140}", "match_threshold");
  assert_refused ("{\"match_threshold\": 20, \"no_match_threshold\": 30}", "no_match_threshold");
  assert_refused ("{\"max_candidates\": 0}", "max_candidates");
  assert_refused ("{\"prefilter\": 1}", "prefilter");
  assert_refused ("{\"compare\": {\"angle_tol\": 3}}", "angle_tol");
  assert_refused ("{\"compare\": []}", "compare");
  assert_refused ("{\"buckets\": [{\"min_quality\": 60, \"match_threshold\": 30},"
                  " {\"min_quality\": 40, \"match_threshold\": 35}]}", "buckets");
  assert_refused ("{\"buckets\": [{\"min_quality\": 60}]}", "buckets");
  assert_refused ("{\"calibration\": [[10, 0.1], [5, 0.01]]}", "calibration");
  assert_refused ("{\"calibration\": [[10, 2]]}", "calibration");
}

static void
test_active_release (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-release-params-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ws.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_create (path, &error);
  RlReleaseParams p;
  gint64 agency, id = -1, release;

  g_assert_no_error (error);
  /* no release yet: the matcher's defaults */
  g_assert_true (rl_store_get_active_release_params (store, &p, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, 0);
  g_assert_cmpfloat_with_epsilon (p.match_threshold, rl_score_for_fmr (1e-5), 1e-4);

  agency = rl_store_add_agency (store, "AG1", "Agency One", &error);
  rl_store_add_user (store, "steward", "Steward", RL_ROLE_DATA_STEWARD, agency, &error);
  g_assert_true (rl_store_set_actor (store, 1, &error));
  rl_store_add_user (store, "sue", "Sue Supervisor", RL_ROLE_SUPERVISOR, agency, &error);
  g_assert_true (rl_store_set_actor (store, 0, &error));
  release = rl_store_add_release (store, "2026.11-1", "{\"match_threshold\": 44, \"no_match_threshold\": 21,"
                                  " \"compare\": {\"final_dist_tol\": 15}}", 0, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_release_evaluated (store, release, "{}", NULL, &error));
  g_assert_true (rl_store_set_actor (store, 2, &error));
  g_assert_true (rl_store_review_release (store, release, TRUE, "fine", &error));
  g_assert_true (rl_store_activate_release (store, release, &error));
  g_assert_no_error (error);

  g_assert_true (rl_store_get_active_release_params (store, &p, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, release);
  g_assert_cmpfloat (p.match_threshold, ==, 44.0f);
  g_assert_cmpfloat (p.no_match_threshold, ==, 21.0f);
  g_assert_cmpfloat (p.compare.final_dist_tol, ==, 15.0f);

  g_clear_pointer (&store, rl_store_close);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/release-params/defaults", test_defaults);
  g_test_add_func ("/release-params/round-trip", test_round_trip);
  g_test_add_func ("/release-params/bad-parameters", test_bad_parameters);
  g_test_add_func ("/release-params/active-release", test_active_release);
  return g_test_run ();
}
