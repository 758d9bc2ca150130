/* pages-workspace.h — the workspace the analyst, supervisor and
 * data-steward tests work on (test-server-pages over HTTPS, test-remote-pages
 * through a remote RlStore): two agencies, a user of every role (password
 * PASSWORD), eight people with two impressions of one finger each (labelled
 * pairs for an evaluation; with_images: the wanted person's enrolment print
 * and the border probe are synthetic images with extracted templates, for
 * the GUI to show), the first of them wanted: a restricted police
 * record (SECRET) and a sharable border one (SHARABLE); another identity
 * whose new encounter matched the wanted person: a search, an open hit and a
 * yellow link; an active release and a supervisor's draft based on it. */
#pragma once

#include <glib.h>

#include "rl-store.h"
#include "rl-store-credentials.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-synth.h"
#include "rl-template-io.h"

#define PASSWORD "correct horse battery"
#define SECRET   "Informant reports cross-border smuggling route via Lake Ridge"
#define SHARABLE "Visa revoked after overstay of 212 days"
#define N_PEOPLE 8

typedef struct {
  gint64 border, police;
  gint64 steward, examiner, sup_author, sup_other, border_analyst, police_analyst;
  gint64 wanted, other, restricted_record, hit, search, link, draft, active;
  gint64 wanted_encounters[2], other_encounter;
} PagesWorkspace;


static GBytes *
person_template (GRand *rand, const RlTemplate *base, double dx)
{
  g_autoptr(RlTemplate) t = rl_template_copy (base);

  for (guint i = 0; i < t->n_minutiae; i++)
    {
      t->minutiae[i].x += dx + g_rand_double_range (rand, -1.5, 1.5);
      t->minutiae[i].y += g_rand_double_range (rand, -1.5, 1.5);
    }
  return rl_template_serialize (t);
}

static gint64
add_encounter (RlStore *s, gint64 identity, gint64 agency, gint64 at, const char *family_name)
{
  g_autoptr(GError) error = NULL;
  RlEncounter e = { .identity_id = identity, .agency_id = agency, .occurred_at = at,
                    .purpose = RL_PURPOSE_BORDER_CROSSING, .place = (char *) "Lake Ridge",
                    .family_name = (char *) family_name, .given_names = (char *) "Ada",
                    .date_of_birth = (char *) "1984-03-02", .nationality = (char *) "NGA", .sex = (char *) "F" };
  gint64 id = rl_store_add_encounter (s, &e, &error);

  g_assert_no_error (error);
  return id;
}

static gint64
add_print (RlStore *s, gint64 encounter, GBytes *template_bytes)
{
  g_autoptr(GError) error = NULL;
  RlSample sample = { .encounter_id = encounter, .finger = RL_FINGER_RIGHT_INDEX, .ppi = 500, .quality = 70 };
  gint64 id = rl_store_add_sample (s, &sample, template_bytes, &error);

  g_assert_no_error (error);
  return id;
}

/* A print of the wanted person's right index, as a live scan would give it
 * (impression 0 at enrolment, 1 at the border): its image and the template
 * extracted from it, so that the views show real ridges and minutiae. */
static gint64
add_synthetic_print (RlStore *s, gint64 encounter, guint impression)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (4242, RL_FINGER_RIGHT_INDEX);
  RlSynthImpression how;
  g_autoptr(RlImage) image = NULL;
  g_autoptr(RlTemplate) tpl = NULL;
  g_autoptr(GBytes) png = NULL, bytes = NULL;
  g_autofree char *sha = NULL;
  RlSample sample = { .encounter_id = encounter, .finger = RL_FINGER_RIGHT_INDEX, .ppi = 500 };
  gint64 id;

  rl_synth_impression_random (100 + impression, &how);
  how.noise = MIN (how.noise, 0.2f);
  how.partial = 0;
  image = rl_synth_render (finger, &how, &error);
  g_assert_no_error (error);
  tpl = rl_extract_template (image, &error);
  g_assert_no_error (error);
  png = rl_image_encode (image, "png", &error);
  g_assert_no_error (error);
  sha = rl_store_add_image (s, png, "png", RL_SYNTH_WIDTH, RL_SYNTH_HEIGHT, &error);
  g_assert_no_error (error);
  bytes = rl_template_serialize (tpl);
  sample.image_sha256 = sha;
  sample.quality = tpl->quality;
  id = rl_store_add_sample (s, &sample, bytes, &error);
  g_assert_no_error (error);
  return id;
}

static void
build_pages_workspace (PagesWorkspace *f, const char *path, gboolean with_images)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = rl_store_create (path, &error);
  GRand *rand = g_rand_new_with_seed (11);
  RlDerogatoryRecord d = { 0 };
  RlStoreCandidateIn candidate;
  g_autoptr(GPtrArray) candidates = NULL;
  gint64 probe_encounter, probe_sample, wanted_sample = 0, active;

  g_assert_no_error (error);
  f->border = rl_store_add_agency (s, "BORDER", "Border Agency", &error);
  f->police = rl_store_add_agency (s, "POLICE", "National Police", &error);
  f->steward = rl_store_add_user (s, "steward", "Dana Steward", RL_ROLE_DATA_STEWARD, f->border, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  f->examiner = rl_store_add_user (s, "examiner", "Eve Examiner", RL_ROLE_EXAMINER, f->border, &error);
  f->sup_author = rl_store_add_user (s, "supa", "Sam Author", RL_ROLE_SUPERVISOR, f->border, &error);
  f->sup_other = rl_store_add_user (s, "supb", "Sue Other", RL_ROLE_SUPERVISOR, f->police, &error);
  f->border_analyst = rl_store_add_user (s, "ban", "Bo Analyst", RL_ROLE_ANALYST, f->border, &error);
  f->police_analyst = rl_store_add_user (s, "pan", "Pat Analyst", RL_ROLE_ANALYST, f->police, &error);
  g_assert_no_error (error);
  for (gint64 u = f->steward; u <= f->police_analyst; u++)
    g_assert_true (rl_store_set_password_full (s, u, PASSWORD, 2000, &error));
  g_assert_true (rl_store_set_actor (s, 0, &error));

  /* People with two impressions each of one finger (labelled pairs for an
   * evaluation); the first is the wanted person, with a second encounter. */
  for (int p = 0; p < N_PEOPLE; p++)
    {
      g_autoptr(RlTemplate) base = rl_template_new (40, 0);
      g_autoptr(GBytes) a = NULL, b = NULL;
      gint64 identity = rl_store_add_identity (s, NULL, &error), e1, e2;

      g_assert_no_error (error);
      base->width = 400;
      base->height = 500;
      base->finger = RL_FINGER_RIGHT_INDEX;
      base->quality = 70;
      for (guint i = 0; i < base->n_minutiae; i++)
        base->minutiae[i] = (RlMinutia) { g_rand_double_range (rand, 40, 360), g_rand_double_range (rand, 40, 460),
                                          g_rand_double_range (rand, 0, 2 * G_PI), 1 + i % 2, 80 };
      a = person_template (rand, base, 0);
      b = person_template (rand, base, 5);
      e1 = add_encounter (s, identity, p == 0 ? f->police : f->border, 1600000000 + p * 86400, "Okafor");
      e2 = add_encounter (s, identity, f->border, 1650000000 + p * 86400, "Okafor");
      if (p == 0)
        {
          f->wanted = identity;
          f->wanted_encounters[0] = e1;
          f->wanted_encounters[1] = e2;
          wanted_sample = with_images ? add_synthetic_print (s, e1, 0) : add_print (s, e1, a);
        }
      else
        add_print (s, e1, a);
      add_print (s, e2, b);
    }

  d.identity_id = f->wanted;
  d.category = RL_DEROGATORY_DRUG_SMUGGLER;
  d.source_agency_id = f->police;
  d.restricted = TRUE;
  d.summary = (char *) SECRET;
  d.recorded_on = (char *) "2021-02-03";
  f->restricted_record = rl_store_add_derogatory_record (s, &d, &error);
  d.category = RL_DEROGATORY_REVOKED_VISA;
  d.source_agency_id = f->border;
  d.restricted = FALSE;
  d.summary = (char *) SHARABLE;
  d.recorded_on = (char *) "2019-09-09";
  g_assert_cmpint (rl_store_add_derogatory_record (s, &d, &error), >, 0);
  g_assert_no_error (error);

  /* Another identity (a spelling of the same name) whose new encounter
   * matched the wanted person: a search, a hit and a yellow link. */
  f->other = rl_store_add_identity (s, NULL, &error);
  f->other_encounter = probe_encounter = add_encounter (s, f->other, f->border, 1700000000, "Okafore");
  if (with_images)
    probe_sample = add_synthetic_print (s, probe_encounter, 1);
  else
    {
      g_autoptr(RlTemplate) t = rl_template_new (20, 0);
      g_autoptr(GBytes) bytes = NULL;

      t->width = 400;
      t->height = 500;
      bytes = rl_template_serialize (t);
      probe_sample = add_print (s, probe_encounter, bytes);
    }
  active = rl_store_add_release (s, "2026.10-active", "{}", 0, &error);
  g_assert_true (rl_store_set_release_evaluated (s, active, "{}", NULL, &error));
  g_assert_no_error (error);
  candidate.sample_id = wanted_sample;
  candidate.score = 71.5f;
  f->search = rl_store_add_search (s, probe_sample, active, RL_SEARCH_AUTOMATIC, RL_SEARCH_REASON_AUTOMATIC, 3,
                                   &candidate, 1, &error);
  g_assert_no_error (error);
  candidates = rl_store_list_candidates (s, f->search, &error);
  g_assert_no_error (error);
  {
    RlHit hit = { .search_id = f->search, .encounter_id = probe_encounter, .identity_id = f->wanted,
                  .candidate_id = ((RlSearchCandidate *) candidates->pdata[0])->id, .score = 71.5f };
    f->hit = rl_store_add_hit (s, &hit, &error);
    g_assert_no_error (error);
  }
  f->link = rl_store_add_identity_link (s, f->wanted, f->other, 71.5f, &error);
  g_assert_no_error (error);

  /* The active release (approved by another supervisor) and a draft based on it. */
  g_assert_true (rl_store_set_actor (s, f->sup_other, &error));
  g_assert_true (rl_store_review_release (s, active, TRUE, "ok", &error));
  g_assert_true (rl_store_activate_release (s, active, &error));
  g_assert_true (rl_store_set_actor (s, f->sup_author, &error));
  f->active = active;
  f->draft = rl_store_add_release (s, "2026.12-draft", "{}", active, &error);
  g_assert_no_error (error);
  g_rand_free (rand);
}

