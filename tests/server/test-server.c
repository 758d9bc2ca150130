/* ridgeline-server as a workstation sees it: the server runs in this process
 * on a loopback port over HTTPS (its self-signed certificate, pinned by the
 * client), and a libsoup client talks to it asynchronously on the same main
 * loop (a blocking send would deadlock against a server on this thread). */
#define _GNU_SOURCE
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "rl-image-io.h"
#include "rl-search.h"
#include "rl-server.h"
#include "rl-store-credentials.h"
#include "rl-template-io.h"

#include "server-test-util.h"

#define PASSWORD "correct horse battery"
#define SECRET "Informant reports cross-border smuggling route via Lake Ridge"
#define SHARABLE "Visa revoked after overstay of 212 days"

typedef struct {
  char            *dir;
  char            *db;
  gint64           border, police;
  gint64           steward, examiner, sup_author, sup_other, border_analyst, police_analyst;
  gint64           identity, restricted_record, release, search, probe_sample, candidate_sample;
  RlServer        *server;
  GTlsCertificate *certificate;
  RlTestClient     client;
} Fixture;

/* ------------------------------------------------------------- fixture */

static void
build_workspace (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = rl_store_create (f->db, &error);
  RlEncounter e = { 0 };
  RlDerogatoryRecord d = { 0 };
  RlSample sample = { 0 };
  gint64 enc_a, enc_b, other;
  RlStoreCandidateIn candidate;
  g_autoptr(RlImage) image = NULL;
  g_autoptr(GBytes) wsq = NULL;
  g_autofree char *sha = NULL;
  g_autoptr(GBytes) template_bytes = NULL;
  guint8 *pixels = g_malloc (200 * 200);

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
  /* Few iterations: the sanitizer build is slow, and the count is stored per hash. */
  for (gint64 u = f->steward; u <= f->police_analyst; u++)
    g_assert_true (rl_store_set_password_full (s, u, PASSWORD, 2000, &error));
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, 0, &error));

  /* A person with a restricted police record and a sharable border one. */
  f->identity = rl_store_add_identity (s, NULL, &error);
  other = rl_store_add_identity (s, NULL, &error);
  g_assert_no_error (error);
  e.identity_id = f->identity;
  e.agency_id = f->police;
  e.occurred_at = 1640000000;
  e.purpose = RL_PURPOSE_ARREST_BOOKING;
  e.place = (char *) "Central";
  e.case_reference = (char *) "P-7";
  e.family_name = (char *) "Okafor";
  e.given_names = (char *) "Ada";
  e.date_of_birth = (char *) "1984-03-02";
  e.nationality = (char *) "NGA";
  e.sex = (char *) "F";
  enc_a = rl_store_add_encounter (s, &e, &error);
  e.identity_id = other;
  e.agency_id = f->border;
  e.occurred_at = 1700000000;
  e.purpose = RL_PURPOSE_BORDER_CROSSING;
  e.family_name = (char *) "Okafore";
  enc_b = rl_store_add_encounter (s, &e, &error);
  g_assert_no_error (error);
  d.identity_id = f->identity;
  d.category = RL_DEROGATORY_DRUG_SMUGGLER;
  d.source_agency_id = f->police;
  d.restricted = TRUE;
  d.summary = (char *) SECRET;
  d.recorded_on = (char *) "2022-04-15";
  f->restricted_record = rl_store_add_derogatory_record (s, &d, &error);
  d.category = RL_DEROGATORY_REVOKED_VISA;
  d.source_agency_id = f->border;
  d.restricted = FALSE;
  d.summary = (char *) SHARABLE;
  d.recorded_on = (char *) "2019-09-09";
  g_assert_cmpint (rl_store_add_derogatory_record (s, &d, &error), >, 0);
  g_assert_no_error (error);

  /* Two prints (a WSQ image for the candidate), a search, a candidate. */
  for (int i = 0; i < 200 * 200; i++)
    pixels[i] = (guint8) (128 + 100 * ((i / 7 + i / 1400) % 2 ? 1 : -1));
  image = rl_image_new_from_raw (pixels, 200, 200, 500, &error);
  g_free (pixels);
  g_assert_no_error (error);
  wsq = rl_image_encode (image, "wsq", &error);
  g_assert_no_error (error);
  sha = rl_store_add_image (s, wsq, "wsq", 200, 200, &error);
  g_assert_no_error (error);
  /* The same made-up template for both prints: the search must match them. */
  {
    g_autoptr(RlTemplate) tpl = rl_template_new (40, 0);
    GRand *rand = g_rand_new_with_seed (7);

    tpl->width = 400;
    tpl->height = 500;
    tpl->finger = 2;
    tpl->quality = 70;
    for (guint i = 0; i < tpl->n_minutiae; i++)
      {
        tpl->minutiae[i].x = g_rand_double_range (rand, 40, 360);
        tpl->minutiae[i].y = g_rand_double_range (rand, 40, 460);
        tpl->minutiae[i].angle = g_rand_double_range (rand, 0, 2 * G_PI);
        tpl->minutiae[i].kind = 1 + g_rand_int_range (rand, 0, 2);
        tpl->minutiae[i].reliability = 80;
      }
    g_rand_free (rand);
    template_bytes = rl_template_serialize (tpl);
  }
  sample.encounter_id = enc_a;
  sample.finger = 2;
  sample.impression = 0;
  sample.ppi = 500;
  sample.quality = 60;
  sample.image_sha256 = sha;
  f->candidate_sample = rl_store_add_sample (s, &sample, template_bytes, &error);
  sample.encounter_id = enc_b;
  sample.image_sha256 = NULL;
  f->probe_sample = rl_store_add_sample (s, &sample, template_bytes, &error);
  g_assert_no_error (error);

  f->release = rl_store_add_release (s, "2026.11-test", "{}", 0, &error);
  g_assert_no_error (error);
  candidate.sample_id = f->candidate_sample;
  candidate.score = 0.42f;
  f->search = rl_store_add_search (s, f->probe_sample, f->release, RL_SEARCH_PENDING, RL_SEARCH_REASON_GREY_ZONE, 2,
                                   &candidate, 1, &error);
  g_assert_no_error (error);

  /* A release written by one supervisor, evaluated, waiting for approval. */
  g_assert_true (rl_store_set_actor (s, f->sup_author, &error));
  f->release = rl_store_add_release (s, "2026.12-test", "{}", f->release, &error);
  g_assert_true (rl_store_set_release_evaluated (s, f->release, "{\"eer\": 0.01}", NULL, &error));
  g_assert_no_error (error);

  /* And an active one (default parameters) for new searches. */
  {
    gint64 active = rl_store_add_release (s, "2026.10-active", "{}", 0, &error);
    g_assert_true (rl_store_set_release_evaluated (s, active, "{}", NULL, &error));
    g_assert_true (rl_store_set_actor (s, f->sup_other, &error));
    g_assert_true (rl_store_review_release (s, active, TRUE, "ok", &error));
    g_assert_true (rl_store_activate_release (s, active, &error));
    g_assert_no_error (error);
  }
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL;
  RlServerLimits limits;
  gboolean created = FALSE;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  f->dir = g_dir_make_tmp ("rl-server-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "ws.db", NULL);
  build_workspace (f);

  cert = g_build_filename (f->dir, "cert.pem", NULL);
  key = g_build_filename (f->dir, "key.pem", NULL);
  f->certificate = rl_server_load_or_create_certificate (cert, key, NULL, &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);

  rl_server_limits_init_default (&limits);
  limits.max_body_bytes = 64 * 1024;
  limits.rate_per_second = 0;
  f->server = rl_test_server_start (f->db, f->certificate, &limits);
  {
    g_autofree char *base = rl_server_get_base_uri (f->server);
    g_assert_true (g_str_has_prefix (base, "https://"));
    rl_test_client_init (&f->client, base, f->certificate);
  }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  rl_test_client_clear (&f->client);
  g_clear_object (&f->server);
  g_clear_object (&f->certificate);
  rl_test_remove_dir (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

/* ------------------------------------------------------------- client */

/* -------------------------------------------------------------- tests */

static void
test_sign_in_and_queue (Fixture *f, gconstpointer data)
{
  g_autofree char *token = NULL;
  g_autoptr(RlTestReply) wrong = NULL, queue = NULL, me = NULL, out = NULL, after = NULL;
  JsonArray *searches;

  if (f->server == NULL)
    return;
  wrong = rl_test_call (&f->client, "POST", "/api/v1/session", NULL, "{\"username\": \"examiner\", \"password\": \"guess1234\"}");
  rl_test_assert_error (wrong, 401, "unauthorized");

  token = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  me = rl_test_call (&f->client, "GET", "/api/v1/session", token, NULL);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (rl_test_reply_object (me), "user"), "role"), ==,
                   "examiner");

  /* The work queue holds the pending search with its candidate count. */
  queue = rl_test_call (&f->client, "GET", "/api/v1/queue", token, NULL);
  g_assert_cmpuint (queue->status, ==, 200);
  searches = json_object_get_array_member (rl_test_reply_object (queue), "searches");
  g_assert_cmpuint (json_array_get_length (searches), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (searches, 0), "id"), ==, f->search);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (searches, 0), "status"), ==,
                   "pending");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (searches, 0), "n_candidates"), ==, 1);

  /* Signed out, the token is dead. */
  out = rl_test_call (&f->client, "DELETE", "/api/v1/session", token, NULL);
  g_assert_cmpuint (out->status, ==, 204);
  after = rl_test_call (&f->client, "GET", "/api/v1/queue", token, NULL);
  rl_test_assert_error (after, 401, "unauthorized");
}

static void
test_unauthorised (Fixture *f, gconstpointer data)
{
  g_autoptr(RlTestReply) none = NULL, wrong = NULL, garbage = NULL, analyst_queue = NULL, audit = NULL;
  g_autofree char *analyst = NULL;

  if (f->server == NULL)
    return;
  none = rl_test_call (&f->client, "GET", "/api/v1/queue", NULL, NULL);
  rl_test_assert_error (none, 401, "unauthorized");
  wrong = rl_test_call (&f->client, "GET", "/api/v1/queue", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL);
  rl_test_assert_error (wrong, 401, "unauthorized");
  garbage = rl_test_call (&f->client, "GET", "/api/v1/queue", "not a token\"", NULL);
  rl_test_assert_error (garbage, 401, "unauthorized");

  /* An analyst has no examiners' queue and no audit log. */
  analyst = rl_test_sign_in (&f->client, "ban", PASSWORD);
  analyst_queue = rl_test_call (&f->client, "GET", "/api/v1/queue", analyst, NULL);
  rl_test_assert_error (analyst_queue, 403, "forbidden");
  audit = rl_test_call (&f->client, "GET", "/api/v1/audit", analyst, NULL);
  rl_test_assert_error (audit, 403, "forbidden");
}

static void
test_release_approval (Fixture *f, gconstpointer data)
{
  g_autofree char *examiner = NULL, *author = NULL, *other = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/releases/%" G_GINT64_FORMAT "/approve", f->release);
  g_autofree char *expected = NULL;
  g_autoptr(RlTestReply) by_examiner = NULL, by_author = NULL, by_other = NULL;
  g_autoptr(GError) error = NULL;

  if (f->server == NULL)
    return;
  /* What the store itself says to an examiner who tries. */
  {
    g_autoptr(RlStore) s = rl_store_open (f->db, &error);
    g_assert_true (rl_store_set_actor (s, f->examiner, &error));
    g_assert_false (rl_store_review_release (s, f->release, TRUE, "ok", &error));
    g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
    expected = g_strdup (error->message);
    g_clear_error (&error);
  }
  examiner = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  by_examiner = rl_test_call (&f->client, "POST", path, examiner, "{\"comment\": \"looks fine\"}");
  g_assert_cmpstr (rl_test_assert_error (by_examiner, 403, "forbidden"), ==, expected);

  /* Its author cannot approve it either; another supervisor can. */
  author = rl_test_sign_in (&f->client, "supa", PASSWORD);
  by_author = rl_test_call (&f->client, "POST", path, author, NULL);
  g_assert_cmpuint (by_author->status, >=, 400);
  g_assert_cmpuint (by_author->status, <, 500);
  other = rl_test_sign_in (&f->client, "supb", PASSWORD);
  by_other = rl_test_call (&f->client, "POST", path, other, "{\"comment\": \"checked the DET\"}");
  g_assert_cmpuint (by_other->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (rl_test_reply_object (by_other), "state"), ==, "approved");
}

static void
test_bad_requests (Fixture *f, gconstpointer data)
{
  g_autofree char *token = NULL;
  g_autofree char *conclusions = g_strdup_printf ("/api/v1/searches/%" G_GINT64_FORMAT "/conclusions", f->search);
  g_autoptr(RlTestReply) malformed = NULL, deep = NULL, missing = NULL, wrong_type = NULL, oversize = NULL;
  g_autoptr(RlTestReply) not_found = NULL, method = NULL, bad_id = NULL, not_object = NULL;
  g_autoptr(GString) nested = g_string_new (NULL);
  g_autofree char *big = NULL;
  const char *message;

  if (f->server == NULL)
    return;
  token = rl_test_sign_in (&f->client, "examiner", PASSWORD);

  malformed = rl_test_call (&f->client, "POST", conclusions, token, "{\"decision\": \"exclusion\", ");
  message = rl_test_assert_error (malformed, 400, "bad-request");
  g_assert_nonnull (strstr (message, "not valid JSON"));

  for (int i = 0; i < 5000; i++)
    g_string_append_c (nested, '[');
  deep = rl_test_call (&f->client, "POST", conclusions, token, nested->str);
  message = rl_test_assert_error (deep, 400, "bad-request");
  g_assert_nonnull (strstr (message, "deep"));

  not_object = rl_test_call (&f->client, "POST", conclusions, token, "[1, 2]");
  rl_test_assert_error (not_object, 400, "bad-request");

  missing = rl_test_call (&f->client, "POST", conclusions, token, "{\"decision\": \"exclusion\", \"candidate_id\": 1}");
  message = rl_test_assert_error (missing, 400, "bad-request");
  g_assert_nonnull (strstr (message, "reasons"));

  wrong_type = rl_test_call (&f->client, "POST", conclusions, token, "{\"decision\": \"maybe\", \"reasons\": \"x\", \"candidate_id\": 1}");
  message = rl_test_assert_error (wrong_type, 400, "bad-request");
  g_assert_nonnull (strstr (message, "maybe"));

  /* 64 KiB is this server's limit: 100 KiB is refused before it is read. */
  big = g_strnfill (100 * 1024, ' ');
  oversize = rl_test_call (&f->client, "POST", conclusions, token, big);
  rl_test_assert_error (oversize, 413, "too-large");

  not_found = rl_test_call (&f->client, "GET", "/api/v1/searches/999999", token, NULL);
  rl_test_assert_error (not_found, 404, "not-found");
  bad_id = rl_test_call (&f->client, "GET", "/api/v1/searches/-1", token, NULL);
  rl_test_assert_error (bad_id, 404, "not-found");
  method = rl_test_call (&f->client, "PUT", "/api/v1/queue", token, NULL);
  rl_test_assert_error (method, 405, "method-not-allowed");
}

/* An analyst without the right to read the police's restricted records gets
 * the record's category and "held by", never its content; the police analyst
 * reads it; both looks are audited with their purpose. */
static void
test_restricted_content (Fixture *f, gconstpointer data)
{
  g_autofree char *border = NULL, *police = NULL, *steward = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/identities/%" G_GINT64_FORMAT "?purpose=case%%20B-17",
                                           f->identity);
  g_autofree char *no_purpose = g_strdup_printf ("/api/v1/identities/%" G_GINT64_FORMAT, f->identity);
  g_autofree char *timeline = g_strdup_printf ("/api/v1/identities/%" G_GINT64_FORMAT "/timeline?purpose=case%%20B-17",
                                               f->identity);
  g_autoptr(RlTestReply) as_border = NULL, as_police = NULL, unstated = NULL, audit = NULL, line = NULL;
  JsonArray *records, *entries;
  gboolean saw_withheld = FALSE, saw_secret = FALSE;
  guint n_opened = 0;

  if (f->server == NULL)
    return;
  border = rl_test_sign_in (&f->client, "ban", PASSWORD);
  police = rl_test_sign_in (&f->client, "pan", PASSWORD);

  unstated = rl_test_call (&f->client, "GET", no_purpose, border, NULL);
  rl_test_assert_error (unstated, 400, "purpose-required");

  as_border = rl_test_call (&f->client, "GET", path, border, NULL);
  g_assert_cmpuint (as_border->status, ==, 200);
  g_assert_null (g_strstr_len (g_bytes_get_data (as_border->body, NULL), g_bytes_get_size (as_border->body), SECRET));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (as_border->body, NULL), g_bytes_get_size (as_border->body), SHARABLE));
  records = json_object_get_array_member (rl_test_reply_object (as_border), "derogatory_records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *r = json_array_get_object_element (records, i);
      if (json_object_get_int_member (r, "id") == f->restricted_record)
        {
          g_assert_true (json_object_get_boolean_member (r, "withheld"));
          g_assert_true (json_object_get_null_member (r, "summary"));
          g_assert_cmpstr (json_object_get_string_member (r, "held_by"), ==, "Held by POLICE");
          saw_withheld = TRUE;
        }
    }
  g_assert_true (saw_withheld);

  /* The timeline is an opening of the record too; it carries no derogatory content. */
  line = rl_test_call (&f->client, "GET", timeline, border, NULL);
  g_assert_cmpuint (line->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rl_test_reply_object (line), "encounters")), ==, 1);

  as_police = rl_test_call (&f->client, "GET", path, police, NULL);
  g_assert_cmpuint (as_police->status, ==, 200);
  records = json_object_get_array_member (rl_test_reply_object (as_police), "derogatory_records");
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *r = json_array_get_object_element (records, i);
      if (json_object_get_int_member (r, "id") == f->restricted_record)
        {
          g_assert_false (json_object_get_boolean_member (r, "withheld"));
          g_assert_cmpstr (json_object_get_string_member (r, "summary"), ==, SECRET);
          saw_secret = TRUE;
        }
    }
  g_assert_true (saw_secret);

  /* The data steward sees both openings in the audit log, with the purpose. */
  steward = rl_test_sign_in (&f->client, "steward", PASSWORD);
  audit = rl_test_call (&f->client, "GET", "/api/v1/audit?kind=identity", steward, NULL);
  g_assert_cmpuint (audit->status, ==, 200);
  entries = json_object_get_array_member (rl_test_reply_object (audit), "entries");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *e = json_array_get_object_element (entries, i);
      if (g_strcmp0 (json_object_get_string_member (e, "action"), "identity.open") == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (e, "purpose"), ==, "case B-17");
          n_opened++;
        }
    }
  g_assert_cmpuint (n_opened, ==, 3);
}

/* The examiner's review over the API: claim, candidates, the print as PNG,
 * a conclusion; another examiner cannot verify... the same examiner cannot
 * verify their own. */
static void
test_review (Fixture *f, gconstpointer data)
{
  g_autofree char *token = NULL;
  g_autofree char *claim = g_strdup_printf ("/api/v1/searches/%" G_GINT64_FORMAT "/claim", f->search);
  g_autofree char *candidates = g_strdup_printf ("/api/v1/searches/%" G_GINT64_FORMAT "/candidates", f->search);
  g_autofree char *conclusions = g_strdup_printf ("/api/v1/searches/%" G_GINT64_FORMAT "/conclusions", f->search);
  g_autofree char *image = g_strdup_printf ("/api/v1/samples/%" G_GINT64_FORMAT "/image", f->candidate_sample);
  g_autofree char *no_image = g_strdup_printf ("/api/v1/samples/%" G_GINT64_FORMAT "/image", f->probe_sample);
  g_autofree char *body = NULL, *verify = NULL;
  g_autoptr(RlTestReply) claimed = NULL, list = NULL, png = NULL, missing = NULL, concluded = NULL, own = NULL;
  g_autoptr(RlTestReply) listed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlImage) decoded = NULL;
  JsonObject *candidate;
  gint64 conclusion_id;

  if (f->server == NULL)
    return;
  token = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  claimed = rl_test_call (&f->client, "POST", claim, token, NULL);
  g_assert_cmpuint (claimed->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (rl_test_reply_object (claimed), "claimed_by"), ==, f->examiner);

  list = rl_test_call (&f->client, "GET", candidates, token, NULL);
  g_assert_cmpuint (list->status, ==, 200);
  candidate = json_array_get_object_element (json_object_get_array_member (rl_test_reply_object (list), "candidates"), 0);
  g_assert_cmpint (json_object_get_int_member (candidate, "sample_id"), ==, f->candidate_sample);
  g_assert_cmpint (json_object_get_int_member (candidate, "rank"), ==, 1);

  /* The stored WSQ comes as a PNG of the same size. */
  png = rl_test_call (&f->client, "GET", image, token, NULL);
  g_assert_cmpuint (png->status, ==, 200);
  g_assert_cmpstr (png->content_type, ==, "image/png");
  decoded = rl_image_load_from_data (g_bytes_get_data (png->body, NULL), g_bytes_get_size (png->body), 500, &error);
  g_assert_no_error (error);
  g_assert_cmpint (decoded->width, ==, 200);
  g_assert_cmpint (decoded->height, ==, 200);
  missing = rl_test_call (&f->client, "GET", no_image, token, NULL);
  rl_test_assert_error (missing, 404, "not-found");

  body = g_strdup_printf ("{\"candidate_id\": %" G_GINT64_FORMAT ", \"decision\": \"exclusion\", "
                          "\"reasons\": \"Different pattern class at the core\"}",
                          json_object_get_int_member (candidate, "id"));
  concluded = rl_test_call (&f->client, "POST", conclusions, token, body);
  g_assert_cmpuint (concluded->status, ==, 201);
  conclusion_id = json_object_get_int_member (rl_test_reply_object (concluded), "id");
  listed = rl_test_call (&f->client, "GET", conclusions, token, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rl_test_reply_object (listed), "conclusions")), ==, 1);

  /* The store's two-person rule holds over the API. */
  verify = g_strdup_printf ("/api/v1/conclusions/%" G_GINT64_FORMAT "/verifications", conclusion_id);
  own = rl_test_call (&f->client, "POST", verify, token, "{\"agrees\": true}");
  g_assert_cmpuint (own->status, >=, 400);
  g_assert_cmpuint (own->status, <, 500);
}

static void
test_rate_limit (Fixture *f, gconstpointer data)
{
  RlServerLimits limits;
  g_autoptr(RlServer) limited = NULL;
  g_autofree char *base = NULL;
  guint n_ok = 0, n_limited = 0;

  if (f->server == NULL)
    return;
  rl_server_limits_init_default (&limits);
  limits.rate_per_second = 0.01;
  limits.rate_burst = 3;
  limited = rl_test_server_start (f->db, f->certificate, &limits);
  base = rl_server_get_base_uri (limited);
  for (int i = 0; i < 5; i++)
    {
      g_autoptr(RlTestReply) reply = rl_test_call_on (&f->client, base, "GET", "/api/v1/queue", NULL, NULL, -1);
      if (reply->status == 429)
        {
          rl_test_assert_error (reply, 429, "rate-limited");
          n_limited++;
        }
      else
        {
          g_assert_cmpuint (reply->status, ==, 401);
          n_ok++;
        }
    }
  g_assert_cmpuint (n_ok, ==, 3);
  g_assert_cmpuint (n_limited, ==, 2);
}

static void
shutdown_done (RlServer *server, gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* A committed write survives the shutdown; requests after it are refused. */
static void
test_graceful_shutdown (Fixture *f, gconstpointer data)
{
  g_autofree char *token = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/identities/%" G_GINT64_FORMAT "?purpose=shutdown-check",
                                           f->identity);
  g_autoptr(RlTestReply) opened = NULL, late = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gboolean done = FALSE, found = FALSE;

  if (f->server == NULL)
    return;
  token = rl_test_sign_in (&f->client, "pan", PASSWORD);
  opened = rl_test_call (&f->client, "GET", path, token, NULL);
  g_assert_cmpuint (opened->status, ==, 200);

  rl_server_shutdown (f->server, 5, G_CALLBACK (shutdown_done), &done);
  late = rl_test_call (&f->client, "GET", "/api/v1/session", token, NULL);
  g_assert_true (late->status == 503 || done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  s = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  entries = rl_store_list_audit (s, "identity", f->identity, f->police_analyst, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (((RlAuditEntry *) g_ptr_array_index (entries, i))->purpose, "shutdown-check") == 0)
      found = TRUE;
  g_assert_true (found);
}


/* Whether the file (or its write-ahead log) holds these bytes anywhere. */
static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  return memmem (contents, len, needle, strlen (needle)) != NULL;
}

/* Sessions are kept in the workspace: a restarted server still knows a
 * workstation's token; an expired session and a signed-out one do not work;
 * the file holds only the token's hash. */
static void
test_session_survives_restart (Fixture *f, gconstpointer data)
{
  g_autofree char *token = NULL, *other = NULL, *hash = NULL, *wal = NULL;
  g_autofree char *expired_token = g_strnfill (64, 'e');
  g_autofree char *expired_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, expired_token, -1);
  g_autoptr(RlTestReply) before = NULL, after = NULL, expired = NULL, out = NULL, gone = NULL, still = NULL;
  g_autoptr(GError) error = NULL;
  RlServerLimits limits;
  gboolean done = FALSE;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC, user_id = -1;

  if (f->server == NULL)
    return;
  token = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  other = rl_test_sign_in (&f->client, "pan", PASSWORD);
  before = rl_test_call (&f->client, "GET", "/api/v1/queue", token, NULL);
  g_assert_cmpuint (before->status, ==, 200);

  /* A session that ended an hour ago, as a server left it in the file. */
  {
    g_autoptr(RlStore) s = rl_store_open (f->db, &error);
    g_assert_no_error (error);
    g_assert_true (rl_store_add_session (s, expired_hash, f->examiner, now - 9 * 3600, now - 3600, "127.0.0.1",
                                         &error));
    g_assert_no_error (error);
  }

  /* Restart: shut down gracefully, then a new server on the same file. */
  rl_server_shutdown (f->server, 5, G_CALLBACK (shutdown_done), &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&f->server);
  g_clear_pointer (&f->client.base, g_free);

  /* The file holds the token's SHA-256, never the token. */
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  wal = g_strconcat (f->db, "-wal", NULL);
  g_assert_true (file_contains (f->db, hash));
  g_assert_false (file_contains (f->db, token));
  g_assert_false (file_contains (wal, token));

  rl_server_limits_init_default (&limits);
  limits.rate_per_second = 0;
  f->server = rl_test_server_start (f->db, f->certificate, &limits);
  f->client.base = rl_server_get_base_uri (f->server);

  after = rl_test_call (&f->client, "GET", "/api/v1/session", token, NULL);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (rl_test_reply_object (after), "user"), "username"),
                   ==, "examiner");
  expired = rl_test_call (&f->client, "GET", "/api/v1/session", expired_token, NULL);
  g_assert_cmpstr (rl_test_assert_error (expired, 401, "unauthorized"), ==, "The token is unknown or has expired: sign in again");

  /* Signing out deletes the session from the file: dead after a restart too. */
  out = rl_test_call (&f->client, "DELETE", "/api/v1/session", token, NULL);
  g_assert_cmpuint (out->status, ==, 204);
  gone = rl_test_call (&f->client, "GET", "/api/v1/queue", token, NULL);
  rl_test_assert_error (gone, 401, "unauthorized");
  {
    g_autoptr(RlStore) s = rl_store_open (f->db, &error);
    g_assert_no_error (error);
    g_assert_true (rl_store_lookup_session (s, hash, now, &user_id, NULL, &error));
    g_assert_cmpint (user_id, ==, 0);
  }
  /* The other workstation stays signed in. */
  still = rl_test_call (&f->client, "GET", "/api/v1/session", other, NULL);
  g_assert_cmpuint (still->status, ==, 200);
}

/* A workstation runs the automated search of a print: stored, routed, and
 * here an automatic match to a person with derogatory records, so a hit
 * appears in the analysts' queue. The preview stores nothing. */
static void
test_search (Fixture *f, gconstpointer data)
{
  g_autofree char *examiner = NULL, *analyst = NULL;
  g_autofree char *search = g_strdup_printf ("/api/v1/samples/%" G_GINT64_FORMAT "/search", f->probe_sample);
  g_autofree char *preview = g_strdup_printf ("/api/v1/samples/%" G_GINT64_FORMAT "/preview", f->probe_sample);
  g_autoptr(RlTestReply) by_analyst = NULL, previewed = NULL, searched = NULL, hits = NULL, searches = NULL;
  JsonObject *outcome, *first;
  JsonArray *candidates;

  if (f->server == NULL)
    return;
  analyst = rl_test_sign_in (&f->client, "ban", PASSWORD);
  by_analyst = rl_test_call (&f->client, "POST", search, analyst, NULL);
  rl_test_assert_error (by_analyst, 403, "forbidden");

  examiner = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  previewed = rl_test_call (&f->client, "GET", preview, examiner, NULL);
  g_assert_cmpuint (previewed->status, ==, 200);
  candidates = json_object_get_array_member (rl_test_reply_object (previewed), "candidates");
  g_assert_cmpuint (json_array_get_length (candidates), >=, 1);
  first = json_array_get_object_element (candidates, 0);
  g_assert_cmpint (json_object_get_int_member (first, "sample_id"), ==, f->candidate_sample);
  searches = rl_test_call (&f->client, "GET", "/api/v1/searches", examiner, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rl_test_reply_object (searches), "searches")), ==, 1);

  searched = rl_test_call (&f->client, "POST", search, examiner, NULL);
  g_assert_cmpuint (searched->status, ==, 201);
  outcome = rl_test_reply_object (searched);
  g_assert_cmpint (json_object_get_int_member (outcome, "best_sample_id"), ==, f->candidate_sample);
  g_assert_cmpint (json_object_get_int_member (outcome, "best_identity_id"), ==, f->identity);
  g_assert_cmpstr (json_object_get_string_member (outcome, "status"), ==, "automatic");
  g_assert_false (json_object_get_null_member (outcome, "hit_id"));

  hits = rl_test_call (&f->client, "GET", "/api/v1/hits?status=open", analyst, NULL);
  g_assert_cmpuint (hits->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rl_test_reply_object (hits), "hits")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                     json_object_get_array_member (rl_test_reply_object (hits), "hits"), 0), "id"), ==,
                   json_object_get_int_member (outcome, "hit_id"));
}

/* A stored search held in its matcher scan (in a worker) does not hold up a
 * write on the main thread: the examiner's claim of another search is
 * answered 200 while the scan is held. (Were the scan inside the search's
 * transaction, the claim would wait for SQLite's write lock until the busy
 * timeout and be answered 503: the outcome is asserted, not a time.) */
typedef struct {
  GMutex   lock;
  GCond    cond;
  gboolean entered, released;
} ScanGate;

static void
scan_gate_hook (gpointer data)
{
  ScanGate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->entered = TRUE;
  g_main_context_wakeup (NULL);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static gboolean
scan_gate_entered (ScanGate *gate)
{
  gboolean entered;

  g_mutex_lock (&gate->lock);
  entered = gate->entered;
  g_mutex_unlock (&gate->lock);
  return entered;
}

static void
test_write_during_search (Fixture *f, gconstpointer data)
{
  g_autofree char *examiner = NULL;
  g_autofree char *search = g_strdup_printf ("/api/v1/samples/%" G_GINT64_FORMAT "/search", f->probe_sample);
  g_autofree char *claim = g_strdup_printf ("/api/v1/searches/%" G_GINT64_FORMAT "/claim", f->search);
  g_autofree char *uri = NULL;
  g_autofree char *auth = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(RlTestReply) claimed = NULL;
  RlTestReply *searched;
  ScanGate gate = { 0 };

  if (f->server == NULL)
    return;
  examiner = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  rl_search_set_scan_hook (scan_gate_hook, &gate);

  /* The search, sent without waiting for its answer. */
  uri = g_strconcat (f->client.base, search, NULL);
  msg = soup_message_new ("POST", uri);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (rl_test_accept_certificate), &f->client);
  auth = g_strconcat ("Bearer ", examiner, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  searched = g_new0 (RlTestReply, 1);
  soup_session_send_and_read_async (f->client.session, msg, G_PRIORITY_DEFAULT, NULL, rl_test_send_done, searched);
  while (!scan_gate_entered (&gate))
    g_main_context_iteration (NULL, TRUE);

  claimed = rl_test_call (&f->client, "POST", claim, examiner, NULL);
  g_assert_cmpuint (claimed->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (rl_test_reply_object (claimed), "claimed_by"), ==, f->examiner);
  g_assert_false (searched->done);

  g_mutex_lock (&gate.lock);
  gate.released = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.lock);
  while (!searched->done)
    g_main_context_iteration (NULL, TRUE);
  rl_search_set_scan_hook (NULL, NULL);
  g_assert_cmpuint (searched->status, ==, 201);
  g_assert_cmpint (json_object_get_int_member (rl_test_reply_object (searched), "best_sample_id"), ==, f->candidate_sample);
  rl_test_reply_free (searched);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

/* ---------------------------------------------- hostile clients (raw) */

typedef struct {
  GSocketConnection *connection;
  GByteArray        *received;
  guint8             buffer[4096];
  gboolean           connected, written, closed, timed_out;
} Raw;

static void
raw_connected (GObject *source, GAsyncResult *result, gpointer data)
{
  Raw *raw = data;
  g_autoptr(GError) error = NULL;

  raw->connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
  g_assert_no_error (error);
  raw->connected = TRUE;
}

static void
raw_written (GObject *source, GAsyncResult *result, gpointer data)
{
  Raw *raw = data;

  /* The server may close before reading everything (that is a fine answer). */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  raw->written = TRUE;
}

static void
raw_read (GObject *source, GAsyncResult *result, gpointer data)
{
  Raw *raw = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      raw->closed = TRUE;
      return;
    }
  g_byte_array_append (raw->received, raw->buffer, n);
  g_input_stream_read_async (G_INPUT_STREAM (source), raw->buffer, sizeof raw->buffer, G_PRIORITY_DEFAULT, NULL,
                             raw_read, raw);
}

static gboolean
raw_timeout (gpointer data)
{
  ((Raw *) data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Sends bytes as they are and reads until the server closes the connection
 * (a guard of 60 s fails the test rather than hang it). Returns what came back. */
static char *
raw_exchange (guint port, const char *bytes)
{
  gsize len = bytes ? strlen (bytes) : 0;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  Raw raw = { 0 };
  guint guard;

  raw.received = g_byte_array_new ();
  g_socket_client_connect_to_host_async (client, "127.0.0.1", port, NULL, raw_connected, &raw);
  while (!raw.connected)
    g_main_context_iteration (NULL, TRUE);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (raw.connection)), raw.buffer,
                             sizeof raw.buffer, G_PRIORITY_DEFAULT, NULL, raw_read, &raw);
  if (len > 0)
    {
      g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (raw.connection)), bytes, len,
                                       G_PRIORITY_DEFAULT, NULL, raw_written, &raw);
      while (!raw.written && !raw.closed)
        g_main_context_iteration (NULL, TRUE);
    }
  guard = g_timeout_add_seconds (60, raw_timeout, &raw);
  while (!raw.closed && !raw.timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (raw.timed_out);
  g_source_remove (guard);
  /* Let the pending write (if the server closed early) settle. */
  while (len > 0 && !raw.written)
    g_main_context_iteration (NULL, TRUE);
  g_io_stream_close (G_IO_STREAM (raw.connection), NULL, NULL);
  g_object_unref (raw.connection);
  g_byte_array_append (raw.received, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (raw.received, FALSE);
}

/* Garbage, lies about the body and silence: each gets an HTTP error or a
 * closed connection, and the server goes on serving. Plain HTTP here: the
 * parsing behind TLS is the same. */
static void
test_hostile_clients (Fixture *f, gconstpointer data)
{
  RlServerLimits limits;
  g_autoptr(RlServer) plain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *garbage = NULL, *huge_length = NULL, *silent = NULL, *after = NULL, *big_header = NULL;
  g_autofree char *header_request = NULL;
  g_autofree char *filler = NULL;
  RlStore *store;
  guint port;

  if (f->server == NULL)
    return;
  rl_server_limits_init_default (&limits);
  limits.idle_timeout_seconds = 1;
  limits.rate_per_second = 0;
  store = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  plain = rl_server_new (store, &limits);
  g_assert_true (rl_server_listen (plain, "127.0.0.1", 0, NULL, &error));
  g_assert_no_error (error);
  port = rl_server_get_port (plain);

  garbage = raw_exchange (port, "\x16\x03\x01 GARBAGE \xff\xfe\r\n\r\n");
  g_assert_true (garbage[0] == '\0' || g_str_has_prefix (garbage, "HTTP/1.1 400") ||
                 g_str_has_prefix (garbage, "HTTP/1.0 400"));

  /* A 10 GB body announced: refused from the headers alone. */
  huge_length = raw_exchange (port, "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    "Content-Length: 10000000000\r\n\r\n{");
  g_assert_true (g_str_has_prefix (huge_length, "HTTP/1.1 413"));
  g_assert_nonnull (strstr (huge_length, "\"too-large\""));

  /* 200 KB of header. */
  filler = g_strnfill (200 * 1024, 'a');
  header_request = g_strdup_printf ("GET /api/v1/queue HTTP/1.1\r\nHost: x\r\nX-Filler: %s\r\n\r\n", filler);
  big_header = raw_exchange (port, header_request);
  g_assert_true (big_header[0] == '\0' || g_str_has_prefix (big_header, "HTTP/1.1 4") ||
                 g_str_has_prefix (big_header, "HTTP/1.0 4"));

  /* Connects and says nothing: closed after the idle timeout. */
  silent = raw_exchange (port, NULL);
  g_assert_cmpstr (silent, ==, "");

  after = raw_exchange (port, "GET /api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  g_assert_true (g_str_has_prefix (after, "HTTP/1.1 401"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server/sign-in-and-queue", test_sign_in_and_queue);
  ADD ("/server/unauthorised", test_unauthorised);
  ADD ("/server/release-approval", test_release_approval);
  ADD ("/server/bad-requests", test_bad_requests);
  ADD ("/server/restricted-content", test_restricted_content);
  ADD ("/server/review", test_review);
  ADD ("/server/rate-limit", test_rate_limit);
  ADD ("/server/graceful-shutdown", test_graceful_shutdown);
  ADD ("/server/hostile-clients", test_hostile_clients);
  ADD ("/server/search", test_search);
  ADD ("/server/write-during-search", test_write_during_search);
  ADD ("/server/session-survives-restart", test_session_survives_restart);
  return g_test_run ();
}
