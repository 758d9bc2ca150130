/* review-workspace.h — a small workspace of real prints for review tests:
 * four people enrolled with their right index (impression 1 of FVC2002 DB1 B
 * fingers 101..104), a probe (101_2) searched against them with the matcher
 * as a pending grey-zone search, a later print of 101 (101_3) that is not on
 * the candidate list, and the users ana and ben (examiners) and sam
 * (supervisor). make_workspace returns FALSE when the prints are absent. */
#pragma once

#include <glib.h>
#include <stdlib.h>

#include "rl-compare.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-store.h"
#include "rl-template-io.h"

typedef struct {
  char   *path;
  gint64  search_id;
  gint64  extra_sample;      /* a print of the probe's finger that is not on the candidate list */
  gint64  mate_identity;
  float   scores[8];
  guint   n_candidates;
} Workspace;

static gint64
add_print (RlStore *store, gint64 encounter, const char *file, GError **error)
{
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(RlImage) image = NULL;
  g_autoptr(RlExtraction) ex = NULL;
  g_autoptr(GBytes) tpl = NULL;
  g_autofree char *sha = NULL;
  RlSample sample = { .encounter_id = encounter, .finger = RL_FINGER_RIGHT_INDEX,
                      .impression = RL_IMPRESSION_PLAIN, .ppi = 500, .source = (char *) file };

  if (!g_file_get_contents (file, &data, &len, error))
    return 0;
  bytes = g_bytes_new_take (g_steal_pointer (&data), len);
  if (!(image = rl_image_load_from_data (g_bytes_get_data (bytes, NULL), len, 500, error)) ||
      !(ex = rl_extract (image, error)))
    return 0;
  tpl = rl_template_serialize (rl_extraction_get_template (ex));
  if (!(sha = rl_store_add_image (store, bytes, "tiff", image->width, image->height, error)))
    return 0;
  sample.image_sha256 = sha;
  sample.quality = rl_extraction_get_template (ex)->quality;
  return rl_store_add_sample (store, &sample, tpl, error);
}

static gint64
add_person (RlStore *store, gint64 agency, const char *family, gint64 *out_encounter)
{
  g_autoptr(GError) error = NULL;
  RlEncounter encounter = { .agency_id = agency, .occurred_at = 1700000000, .purpose = RL_PURPOSE_BORDER_CROSSING,
                            .place = (char *) "Test", .case_reference = (char *) "", .family_name = (char *) family,
                            .given_names = (char *) "", .date_of_birth = (char *) "", .nationality = (char *) "",
                            .sex = (char *) "U" };
  gint64 identity = rl_store_add_identity (store, NULL, &error);

  g_assert_no_error (error);
  encounter.identity_id = identity;
  *out_encounter = rl_store_add_encounter (store, &encounter, &error);
  g_assert_no_error (error);
  return identity;
}

static int
compare_desc (gconstpointer a, gconstpointer b)
{
  float sa = ((const RlStoreCandidateIn *) a)->score, sb = ((const RlStoreCandidateIn *) b)->score;
  return sa < sb ? 1 : sa > sb ? -1 : 0;
}

/* Four people enrolled with their right index (impression 1 of fingers
 * 101..104); a probe (101_2) from a new encounter searched against them with
 * the matcher; a second print of 101 (101_3) enrolled later, not on the list. */
static gboolean
make_workspace (Workspace *ws)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *dir_path = NULL, *tmp = g_dir_make_tmp ("rl-review-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  RlStoreCandidateIn candidates[4];
  gint64 agency, encounter, probe, probe_encounter, release, gallery[4];
  g_autofree char *params = NULL;
  g_autofree char *probe_file = NULL, *extra_file = NULL;

  if (shared == NULL)
    return FALSE;
  dir_path = g_build_filename (shared, "fingerprints", "FVC2002_DB1_B", NULL);
  probe_file = g_build_filename (dir_path, "101_2.tif", NULL);
  if (!g_file_test (probe_file, G_FILE_TEST_EXISTS))
    return FALSE;

  ws->path = g_build_filename (tmp, "workspace.db", NULL);
  store = rl_store_create (ws->path, &error);
  g_assert_no_error (error);
  agency = rl_store_add_agency (store, "CBP", "Customs and Border Protection", &error);
  g_assert_no_error (error);
  rl_store_add_user (store, "ana", "Ana Ortiz", RL_ROLE_EXAMINER, agency, &error);
  g_assert_no_error (error);
  rl_store_add_user (store, "ben", "Ben Adeyemi", RL_ROLE_EXAMINER, agency, &error);
  g_assert_no_error (error);
  rl_store_add_user (store, "sam", "Sam Okafor", RL_ROLE_SUPERVISOR, agency, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u_1.tif", 101 + i);
      g_autofree char *file = g_build_filename (dir_path, name, NULL);
      gint64 identity = add_person (store, agency, "Enrolled", &encounter);

      if (i == 0)
        ws->mate_identity = identity;
      gallery[i] = add_print (store, encounter, file, &error);
      g_assert_no_error (error);
    }
  add_person (store, agency, "Traveller", &probe_encounter);
  probe = add_print (store, probe_encounter, probe_file, &error);
  g_assert_no_error (error);
  {
    /* The same person, seen again at another encounter: not in the gallery
     * the matcher searched (enrolled after it). */
    gint64 later = 0;
    RlEncounter e = { .agency_id = agency, .identity_id = ws->mate_identity, .occurred_at = 1700500000,
                      .purpose = RL_PURPOSE_VISA_APPLICATION, .place = (char *) "Consulate",
                      .case_reference = (char *) "", .family_name = (char *) "Enrolled", .given_names = (char *) "",
                      .date_of_birth = (char *) "", .nationality = (char *) "", .sex = (char *) "U" };
    later = rl_store_add_encounter (store, &e, &error);
    g_assert_no_error (error);
    extra_file = g_build_filename (dir_path, "101_3.tif", NULL);
    ws->extra_sample = add_print (store, later, extra_file, &error);
    g_assert_no_error (error);
  }

  /* The matcher's candidate list, best first. */
  {
    g_autoptr(GBytes) pb = rl_store_get_sample_template (store, probe, &error);
    g_autoptr(RlTemplate) pt = rl_template_deserialize (g_bytes_get_data (pb, NULL), g_bytes_get_size (pb), &error);
    g_assert_no_error (error);
    for (guint i = 0; i < 4; i++)
      {
        g_autoptr(GBytes) gb = rl_store_get_sample_template (store, gallery[i], &error);
        g_autoptr(RlTemplate) gt = rl_template_deserialize (g_bytes_get_data (gb, NULL), g_bytes_get_size (gb), &error);
        g_assert_no_error (error);
        candidates[i] = (RlStoreCandidateIn) { gallery[i], rl_compare (pt, gt, NULL) };
      }
  }
  qsort (candidates, 4, sizeof candidates[0], compare_desc);
  ws->n_candidates = 4;
  for (guint i = 0; i < 4; i++)
    ws->scores[i] = candidates[i].score;
  g_test_message ("candidate scores: %.1f %.1f %.1f %.1f", ws->scores[0], ws->scores[1], ws->scores[2], ws->scores[3]);
  g_assert_cmpint (candidates[0].sample_id, ==, gallery[0]);   /* the matcher ranks the mate first */
  /* The release's match threshold lies between the mate's score and the
   * next one: the top candidate is above it, the others below. */
  params = g_strdup_printf ("{\"match_threshold\": %.2f, \"quality_threshold\": 25}",
                            (ws->scores[0] + ws->scores[1]) / 2);
  release = rl_store_add_release (store, "2026.11-test", params, 0, &error);
  g_assert_no_error (error);
  ws->search_id = rl_store_add_search (store, probe, release, RL_SEARCH_PENDING, RL_SEARCH_REASON_GREY_ZONE, 2,
                                       candidates, 4, &error);
  g_assert_no_error (error);
  return TRUE;
}

