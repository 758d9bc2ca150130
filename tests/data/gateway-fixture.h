/* gateway-fixture.h — a small workspace for the partner gateway's tests
 * (tests/data/test-gateway.c, and the HTTP tests): one person with records
 * of three agencies (one sharable derogatory record, two restricted ones),
 * strangers, partners with different agreements, and probe prints rendered
 * by the synthetic generator. Built once per test program (rendering and
 * extraction are slow under the sanitizers), then copied for each test. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-release-params.h"
#include "rl-sharing.h"
#include "rl-store.h"
#include "rl-synth.h"
#include "rl-template-io.h"
#include "rl-wsq.h"

#define GW_SECRET_POLICE  "Informant reports cross-border smuggling route via Lake Ridge"
#define GW_SECRET_DEFENCE "Security clearance withdrawn after vetting interview 2021-03"
#define GW_SHARABLE       "Visa revoked after overstay of 212 days"
#define GW_PERSON_FINGER_SEED 101
#define GW_PROBE_IMPRESSION_SEED 10102
#define GW_STRANGER_FINGER_SEED 777

typedef struct {
  char   *db;                 /* the built workspace (copied per test) */
  gint64  person;             /* identity with records */
  gint64  person_sample;
  gint64  steward, examiner_a, examiner_b, supervisor;
  char   *key_full;           /* ALDOVA: everything */
  char   *key_nocats;         /* ALDOVA: family name only, no categories, no summary */
  char   *key_visa;           /* MERIDIA: revoked-visa + drug-smuggler; family name, date of birth */
  char   *key_unset;          /* MERIDIA: no agreement yet */
  GBytes *probe_png;          /* another impression of the person's finger */
  GBytes *probe_wsq;
  GBytes *stranger_png;       /* a finger nobody has */
} GatewayFixture;

static RlImage *
gw_render (guint64 finger_seed, guint64 impression_seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (finger_seed, RL_FINGER_RIGHT_INDEX);
  RlSynthImpression imp;
  RlImage *image;

  if (impression_seed)
    rl_synth_impression_random (impression_seed, &imp);
  image = rl_synth_render (finger, impression_seed ? &imp : NULL, &error);
  g_assert_no_error (error);
  return image;
}

static gint64
gw_add_encounter (RlStore *s, gint64 identity, gint64 agency, gint64 at, RlEncounterPurpose purpose,
                  const char *family, const char *given, const char *dob, const char *nationality, const char *sex)
{
  g_autoptr(GError) error = NULL;
  RlEncounter e = { 0 };
  gint64 id;

  e.identity_id = identity;
  e.agency_id = agency;
  e.occurred_at = at;
  e.purpose = purpose;
  e.place = (char *) "Harbour City";
  e.case_reference = (char *) "CASE-INTERNAL-1";
  e.family_name = (char *) family;
  e.given_names = (char *) given;
  e.date_of_birth = (char *) dob;
  e.nationality = (char *) nationality;
  e.sex = (char *) sex;
  id = rl_store_add_encounter (s, &e, &error);
  g_assert_no_error (error);
  return id;
}

static gint64
gw_add_sample (RlStore *s, gint64 encounter, const RlImage *image, const RlTemplate *given_tpl)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlTemplate) extracted = NULL;
  g_autoptr(GBytes) tpl_bytes = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autofree char *sha = NULL;
  const RlTemplate *tpl = given_tpl;
  RlSample sample = { 0 };
  gint64 id;

  if (image)
    {
      png = rl_image_encode (image, "png", &error);
      g_assert_no_error (error);
      sha = rl_store_add_image (s, png, "png", image->width, image->height, &error);
      g_assert_no_error (error);
      extracted = rl_extract_template (image, &error);
      g_assert_no_error (error);
      tpl = extracted;
    }
  tpl_bytes = rl_template_serialize (tpl);
  sample.encounter_id = encounter;
  sample.finger = RL_FINGER_RIGHT_INDEX;
  sample.impression = RL_IMPRESSION_PLAIN;
  sample.image_sha256 = sha;
  sample.ppi = 500;
  sample.quality = tpl->quality;
  sample.source = (char *) "synthetic";
  id = rl_store_add_sample (s, &sample, tpl_bytes, &error);
  g_assert_no_error (error);
  return id;
}

static gint64
gw_add_derogatory (RlStore *s, gint64 identity, RlDerogatoryCategory category, gint64 agency, gboolean restricted,
                   const char *summary, const char *recorded_on)
{
  g_autoptr(GError) error = NULL;
  RlDerogatoryRecord d = { 0 };
  gint64 id;

  d.identity_id = identity;
  d.category = category;
  d.source_agency_id = agency;
  d.restricted = restricted;
  d.summary = (char *) summary;
  d.recorded_on = (char *) recorded_on;
  id = rl_store_add_derogatory_record (s, &d, &error);
  g_assert_no_error (error);
  return id;
}

/* A shipped release (no author: the system may activate it). */
static gint64
gw_activate_release (RlStore *s, const char *name, const char *parameters)
{
  g_autoptr(GError) error = NULL;
  gint64 actor = rl_store_get_actor (s);
  gint64 id;

  g_assert_true (rl_store_set_actor (s, 0, &error));
  id = rl_store_add_release (s, name, parameters, 0, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_activate_release (s, id, &error));
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, actor, &error));
  return id;
}

static char *
gw_add_partner (RlStore *s, const char *name, gint64 agency, const char *categories, const char *fields,
                gboolean summary, gboolean set_agreement)
{
  g_autoptr(GError) error = NULL;
  char *key = NULL;
  guint32 cats = 0, flds = 0;
  gint64 id = rl_store_add_partner (s, name, agency, NULL, &key, &error);

  g_assert_no_error (error);
  if (set_agreement)
    {
      g_assert_true (rl_sharing_parse_categories (categories, &cats, &error));
      g_assert_true (rl_sharing_parse_fields (fields, &flds, &error));
      g_assert_true (rl_store_set_partner_sharing (s, id, cats, flds, summary, &error));
      g_assert_no_error (error);
    }
  return key;
}

static void
gateway_fixture_build (GatewayFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rl-gateway-XXXXXX", &error);
  g_autoptr(RlImage) person_print = NULL;
  g_autoptr(RlImage) probe = NULL;
  g_autoptr(RlImage) stranger = NULL;
  RlReleaseParams params;
  g_autofree char *params_json = NULL;
  gint64 border, police, defence, aldova, meridia, enc;

  g_assert_no_error (error);
  f->db = g_build_filename (dir, "template.db", NULL);
  s = rl_store_create (f->db, &error);
  g_assert_no_error (error);

  border = rl_store_add_agency (s, "BORDER", "Border Agency", &error);
  police = rl_store_add_agency (s, "POLICE", "National Police", &error);
  defence = rl_store_add_agency (s, "DEFENCE", "Defence Vetting", &error);
  aldova = rl_store_add_agency (s, "ALDOVA", "Aldova Federal Police", &error);
  meridia = rl_store_add_agency (s, "MERIDIA", "Meridia Visa Service", &error);
  g_assert_no_error (error);
  f->steward = rl_store_add_user (s, "steward", "Dana Steward", RL_ROLE_DATA_STEWARD, border, &error);
  g_assert_true (rl_store_set_actor (s, f->steward, &error));
  f->examiner_a = rl_store_add_user (s, "exa", "Ann Examiner", RL_ROLE_EXAMINER, border, &error);
  f->examiner_b = rl_store_add_user (s, "exb", "Bob Examiner", RL_ROLE_EXAMINER, border, &error);
  f->supervisor = rl_store_add_user (s, "super", "Sam Supervisor", RL_ROLE_SUPERVISOR, border, &error);
  g_assert_no_error (error);

  f->key_full = gw_add_partner (s, "aldova-full", aldova, "all", "all", TRUE, TRUE);
  f->key_nocats = gw_add_partner (s, "aldova-names", aldova, "none", "family_name", FALSE, TRUE);
  f->key_visa = gw_add_partner (s, "meridia-visa", meridia, "revoked-visa,drug-smuggler", "family_name,date_of_birth",
                                FALSE, TRUE);
  f->key_unset = gw_add_partner (s, "meridia-new", meridia, NULL, NULL, FALSE, FALSE);
  g_assert_true (rl_store_set_actor (s, 0, &error));

  rl_release_params_init_default (&params);
  params_json = rl_release_params_to_json (&params);
  gw_activate_release (s, "shipped-1", params_json);

  /* The person: two encounters (the police spelled the name differently,
   * last), three derogatory records. */
  f->person = rl_store_add_identity (s, NULL, &error);
  g_assert_no_error (error);
  enc = gw_add_encounter (s, f->person, border, 1560000000, RL_PURPOSE_BORDER_CROSSING, "Okafor", "Ada", "1984-03-02",
                          "NGA", "F");
  person_print = gw_render (GW_PERSON_FINGER_SEED, 0);
  f->person_sample = gw_add_sample (s, enc, person_print, NULL);
  gw_add_encounter (s, f->person, police, 1650000000, RL_PURPOSE_ARREST_BOOKING, "Okafore", "Ada", "1984-03-02", "NGA",
                    "F");
  gw_add_derogatory (s, f->person, RL_DEROGATORY_DRUG_SMUGGLER, police, TRUE, GW_SECRET_POLICE, "2022-04-16");
  gw_add_derogatory (s, f->person, RL_DEROGATORY_REVOKED_VISA, border, FALSE, GW_SHARABLE, "2020-05-01");
  gw_add_derogatory (s, f->person, RL_DEROGATORY_MILITARY_RECORD, defence, TRUE, GW_SECRET_DEFENCE, "2021-03-09");

  /* Strangers (templates only: nobody looks at their images). */
  for (guint64 seed = 201; seed < 205; seed++)
    {
      g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (seed, RL_FINGER_RIGHT_INDEX);
      g_autoptr(RlTemplate) tpl = rl_synth_finger_get_template (finger);
      gint64 identity = rl_store_add_identity (s, NULL, &error);

      g_assert_no_error (error);
      enc = gw_add_encounter (s, identity, border, 1600000000 + (gint64) seed, RL_PURPOSE_VISA_APPLICATION, "Stranger",
                              "Sam", "1990-01-01", "UKR", "M");
      gw_add_sample (s, enc, NULL, tpl);
    }

  probe = gw_render (GW_PERSON_FINGER_SEED, GW_PROBE_IMPRESSION_SEED);
  f->probe_png = rl_image_encode (probe, "png", &error);
  g_assert_no_error (error);
  f->probe_wsq = rl_wsq_encode (probe, 0.75f, &error);
  g_assert_no_error (error);
  stranger = gw_render (GW_STRANGER_FINGER_SEED, 0);
  f->stranger_png = rl_image_encode (stranger, "png", &error);
  g_assert_no_error (error);
}

/* A fresh copy of the built workspace for one test. */
static char *
gateway_fixture_copy (const GatewayFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("rl-gateway-XXXXXX", &error);
  char *db = g_build_filename (dir, "ws.db", NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (f->db, &contents, &len, &error));
  g_assert_true (g_file_set_contents (db, contents, (gssize) len, &error));
  g_assert_no_error (error);
  return db;
}

static void
gateway_remove_workspace (const char *db)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  g_autofree char *dir = g_path_get_dirname (db);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (db, suffixes[i], NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
}

/* {"reference": REF, "fingers": [{"position": 2, "image": base64, "format": FORMAT, "ppi": 500}]} */
static char *
gateway_json_submission (const char *reference, GBytes *image, const char *format)
{
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (image, NULL), g_bytes_get_size (image));
  return g_strdup_printf ("{\"reference\": \"%s\", \"fingers\": [{\"position\": 2, \"image\": \"%s\", "
                          "\"format\": \"%s\", \"ppi\": 500}]}", reference, b64, format);
}
