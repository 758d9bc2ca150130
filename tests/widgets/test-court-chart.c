/* The court chart: rendered by the library (markers where the pairs are) and
 * by `ridgeline-cli chart` on a workspace with a real search and conclusion. */
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-compare.h"
#include "rl-court-chart.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-store.h"
#include "rl-synth.h"
#include "rl-template-io.h"

static char *tmp_dir;

/* A plain mid-grey "print" and a template with one ending at (x, y) pointing right. */
static RlImage *
grey_image (int w, int h)
{
  RlImage *image = rl_image_new (w, h, 500);
  memset (image->pixels, 200, (gsize) w * h);
  return image;
}

static RlTemplate *
one_minutia (float x, float y)
{
  RlTemplate *tpl = rl_template_new (1, 0);
  tpl->minutiae[0] = (RlMinutia) { x, y, 0, RL_MINUTIA_ENDING, 90 };
  return tpl;
}

static gboolean
is_red (const guint8 *px)
{
  /* CAIRO_FORMAT_RGB24, little-endian: B G R x. Palette entry 1 is red. */
  return px[2] > 180 && px[1] < 90 && px[0] < 90;
}

static void
test_markers_where_the_pairs_are (void)
{
  g_autoptr(RlImage) a = grey_image (400, 400);
  g_autoptr(RlImage) b = grey_image (400, 400);
  g_autoptr(RlTemplate) ta = one_minutia (100, 100);
  g_autoptr(RlTemplate) tb = one_minutia (300, 300);
  RlMinutiaPair pair = { 0, 0, 1.0f };
  RlCourtChart chart = {
    .probe_image = a, .candidate_image = b, .probe_template = ta, .candidate_template = tb,
    .pairs = &pair, .n_pairs = 1, .case_number = "C-2026-17", .examiner = "Dana Example",
    .release = "2026.11-1", .score = 42, .false_match_rate = 1e-5,
  };
  g_autofree char *png = g_build_filename (tmp_dir, "chart.png", NULL);
  g_autofree char *pdf = g_build_filename (tmp_dir, "chart.pdf", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  int width, stride, hits_left = 0, hits_right = 0;
  const guint8 *data;
  g_autofree char *pdf_bytes = NULL;
  gsize pdf_len;

  g_assert_true (rl_court_chart_write (&chart, png, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width (surface);
  g_assert_cmpint (width, ==, 1755);            /* A4 landscape at 150 dpi */
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 1240);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);

  /* Red ring pixels appear in the left half near the probe minutia and in the
   * right half near the candidate's, nowhere else in red. */
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < width; x++)
      if (is_red (data + (gsize) y * stride + x * 4))
        {
          if (x < width / 2)
            hits_left++;
          else
            hits_right++;
        }
  g_assert_cmpint (hits_left, >, 20);
  g_assert_cmpint (hits_right, >, 20);
  cairo_surface_destroy (surface);

  g_assert_true (rl_court_chart_write (&chart, pdf, &error));
  g_assert_true (g_file_get_contents (pdf, &pdf_bytes, &pdf_len, NULL));
  g_assert_true (pdf_len > 1000 && memcmp (pdf_bytes, "%PDF-", 5) == 0);
}

static void
test_bad_output (void)
{
  g_autoptr(RlImage) a = grey_image (100, 100);
  RlCourtChart chart = { .probe_image = a, .candidate_image = a };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (tmp_dir, "missing-dir", "chart.pdf", NULL);

  g_assert_false (rl_court_chart_write (&chart, "/tmp/chart.svg", &error));
  g_assert_nonnull (strstr (error->message, ".pdf or .png"));
  g_clear_error (&error);

  g_assert_false (rl_court_chart_write (&chart, dir, &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* A store with two encounters of one synthetic finger, a search whose
 * candidate is the mate, and an examiner's identification. */
static char *
make_workspace (gint64 *out_search)
{
  g_autofree char *path = g_build_filename (tmp_dir, "ws.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_create (path, &error);
  g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (7, RL_FINGER_RIGHT_INDEX);
  gint64 agency, examiner, sample_ids[2], search;
  RlStoreCandidateIn candidate;
  RlConclusion conclusion = { 0 };
  g_autoptr(GPtrArray) candidates = NULL;

  g_assert_no_error (error);
  agency = rl_store_add_agency (store, "AG1", "Agency One", &error);
  g_assert_no_error (error);
  examiner = rl_store_add_user (store, "dana", "Dana Example", RL_ROLE_EXAMINER, agency, &error);
  g_assert_no_error (error);

  for (int i = 0; i < 2; i++)
    {
      RlSynthImpression imp;
      g_autoptr(RlImage) image = NULL;
      g_autoptr(RlTemplate) tpl = NULL;
      g_autoptr(GBytes) png = NULL, tpl_bytes = NULL;
      g_autofree char *sha = NULL;
      RlEncounter enc = { 0 };
      RlSample sample = { 0 };
      gint64 identity;

      rl_synth_impression_random (100 + i, &imp);
      image = rl_synth_render (finger, &imp, &error);
      g_assert_no_error (error);
      tpl = rl_extract_template (image, &error);
      g_assert_no_error (error);
      png = rl_image_encode (image, "png", &error);
      g_assert_no_error (error);
      sha = rl_store_add_image (store, png, "png", image->width, image->height, &error);
      g_assert_no_error (error);
      identity = rl_store_add_identity (store, NULL, &error);
      g_assert_no_error (error);
      enc.identity_id = identity;
      enc.agency_id = agency;
      enc.occurred_at = 1700000000 + i * 86400 * 400;
      enc.purpose = RL_PURPOSE_BORDER_CROSSING;
      enc.family_name = (char *) "Example";
      enc.given_names = (char *) "Sam";
      sample.encounter_id = rl_store_add_encounter (store, &enc, &error);
      g_assert_no_error (error);
      sample.finger = RL_FINGER_RIGHT_INDEX;
      sample.image_sha256 = sha;
      sample.ppi = 500;
      sample.quality = tpl->quality;
      tpl_bytes = rl_template_serialize (tpl);
      sample_ids[i] = rl_store_add_sample (store, &sample, tpl_bytes, &error);
      g_assert_no_error (error);
    }

  {
    g_autoptr(GBytes) t0 = rl_store_get_sample_template (store, sample_ids[0], &error);
    g_autoptr(GBytes) t1 = rl_store_get_sample_template (store, sample_ids[1], &error);
    g_autoptr(RlTemplate) a = rl_template_deserialize (g_bytes_get_data (t0, NULL), g_bytes_get_size (t0), &error);
    g_autoptr(RlTemplate) b = rl_template_deserialize (g_bytes_get_data (t1, NULL), g_bytes_get_size (t1), &error);
    candidate.sample_id = sample_ids[1];
    candidate.score = rl_compare (a, b, NULL);
  }
  search = rl_store_add_search (store, sample_ids[0], 0, RL_SEARCH_PENDING, RL_SEARCH_REASON_GREY_ZONE, 2,
                                &candidate, 1, &error);
  g_assert_no_error (error);
  candidates = rl_store_list_candidates (store, search, &error);
  g_assert_no_error (error);

  g_assert_true (rl_store_set_actor (store, examiner, &error));
  g_assert_true (rl_store_claim_search (store, search, &error));
  g_assert_true (rl_store_add_probe_analysis (store, search, TRUE, "clear core area", NULL, &error) > 0);
  conclusion.search_id = search;
  conclusion.candidate_id = ((RlSearchCandidate *) g_ptr_array_index (candidates, 0))->id;
  conclusion.probe_sample_id = sample_ids[0];
  conclusion.candidate_sample_id = sample_ids[1];
  conclusion.decision = RL_DECISION_IDENTIFICATION;
  conclusion.reasons = (char *) "sufficient corresponding minutiae in agreement";
  g_assert_cmpint (rl_store_add_conclusion (store, &conclusion, &error), >, 0);
  g_assert_no_error (error);

  *out_search = search;
  return g_steal_pointer (&path);
}

static void
test_cli_chart (void)
{
  const char *cli = g_getenv ("RIDGELINE_CLI");
  gint64 search;
  g_autofree char *db = make_workspace (&search);
  g_autofree char *out = g_build_filename (tmp_dir, "case.pdf", NULL);
  g_autofree char *search_arg = g_strdup_printf ("%" G_GINT64_FORMAT, search);
  g_autofree char *std_out = NULL, *std_err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  int status;
  gboolean exported = FALSE;
  const char *argv_ok[] = { cli, "chart", "--db", db, "--search", search_arg, "--candidate", "1",
                            "-o", out, "--as", "dana", NULL };
  const char *argv_bad_rank[] = { cli, "chart", "--db", db, "--search", search_arg, "--candidate", "5",
                                  "-o", out, NULL };

  g_assert_nonnull (cli);
  g_assert_true (g_spawn_sync (NULL, (char **) argv_ok, NULL, 0, NULL, NULL, &std_out, &std_err, &status, &error));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("chart failed: %s", std_err);
  g_assert_nonnull (strstr (std_out, "Wrote"));
  g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));

  /* The export is in the audit log, by the examiner. */
  store = rl_store_open (db, &error);
  audit = rl_store_list_audit (store, "search", search, 0, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    exported |= g_strcmp0 (((RlAuditEntry *) g_ptr_array_index (audit, i))->action, "chart.export") == 0;
  g_assert_true (exported);

  g_clear_pointer (&std_out, g_free);
  g_clear_pointer (&std_err, g_free);
  g_assert_true (g_spawn_sync (NULL, (char **) argv_bad_rank, NULL, 0, NULL, NULL, &std_out, &std_err, &status, &error));
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (std_err, "no candidate at rank 5"));
}

int
main (int argc, char **argv)
{
  int result;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("rl-chart-XXXXXX", NULL);
  g_test_add_func ("/court-chart/markers", test_markers_where_the_pairs_are);
  g_test_add_func ("/court-chart/bad-output", test_bad_output);
  g_test_add_func ("/court-chart/cli", test_cli_chart);
  result = g_test_run ();
  /* Keep the files for a person to look at when asked to. */
  if (g_getenv ("RL_KEEP_CHART") == NULL)
    {
      g_autoptr(GDir) d = g_dir_open (tmp_dir, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *p = g_build_filename (tmp_dir, name, NULL);
          g_unlink (p);
        }
      g_rmdir (tmp_dir);
    }
  else
    g_print ("charts kept in %s\n", tmp_dir);
  return result;
}
