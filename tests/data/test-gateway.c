/* The partner gateway without HTTP (data/rl-gateway.h): a partner receives
 * exactly what its agreement allows and never restricted content, grey-zone
 * submissions are answered after the examiners' conclusion, malformed
 * submissions are refused with what was wrong and leave nothing behind,
 * and every query and answer is in the audit log. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "gateway-fixture.h"
#include "rl-an2k.h"
#include "rl-gateway.h"
#include "rl-search.h"

static GatewayFixture fixture;

typedef struct {
  char    *db;
  RlStore *store;
} Test;

static void
test_set_up (Test *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  t->db = gateway_fixture_copy (&fixture);
  t->store = rl_store_open (t->db, &error);
  g_assert_no_error (error);
}

static void
test_tear_down (Test *t, gconstpointer data)
{
  rl_store_close (t->store);
  gateway_remove_workspace (t->db);
  g_free (t->db);
}

static RlPartner *
partner (Test *t, const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *header = g_strdup_printf ("Bearer %s", key);
  RlPartner *p = rl_gateway_authenticate (t->store, header, &error);

  g_assert_no_error (error);
  return p;
}

static gint64
count (Test *t, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  g_assert_cmpint (sqlite3_open_v2 (t->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

/* Submits the fixture's probe as JSON; returns the answer text. */
static char *
submit_json (Test *t, const RlPartner *p, const char *reference, GBytes *image, const char *format,
             gint64 *out_id, RlGatewayStatus *out_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = gateway_json_submission (reference, image, format);
  char *answer = rl_gateway_submit (t->store, p, "json", (const guint8 *) body, strlen (body), out_id, out_status,
                                    &error);

  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_test_message ("%s: %s", p->name, answer);
  return answer;
}

static JsonObject *
parse (JsonParser *parser, const char *json)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static char *
member_json (JsonObject *o, const char *member)
{
  return json_to_string (json_object_get_member (o, member), FALSE);
}

static void
assert_nothing_restricted (const char *answer)
{
  g_assert_null (strstr (answer, GW_SECRET_POLICE));
  g_assert_null (strstr (answer, GW_SECRET_DEFENCE));
  g_assert_null (strstr (answer, "drug-smuggler"));
  g_assert_null (strstr (answer, "military-record"));
  g_assert_null (strstr (answer, "2022-04-16"));   /* the restricted record's date */
  g_assert_null (strstr (answer, "2021-03-09"));
}

/* Everything the agreement allows, restricted records only as held_by. */
static void
test_match_full (Test *t, gconstpointer data)
{
  g_autoptr(RlPartner) p = partner (t, fixture.key_full);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL, *person = NULL, *derogatory = NULL, *encounters = NULL;
  RlGatewayStatus status = 0;
  gint64 id = 0;
  JsonObject *o;

  answer = submit_json (t, p, "ALD-2026-0001", fixture.probe_png, "png", &id, &status);
  g_assert_cmpint (status, ==, RL_GATEWAY_MATCH);
  g_assert_cmpint (id, >, 0);
  o = parse (parser, answer);
  g_assert_cmpint (json_object_get_int_member (o, "transaction"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (o, "reference"), ==, "ALD-2026-0001");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "match");
  g_assert_cmpstr (json_object_get_string_member (o, "decided_by"), ==, "matcher");

  /* The latest spelling our agencies recorded. */
  person = member_json (o, "person");
  g_assert_cmpstr (person, ==, "{\"family_name\":\"Okafore\",\"given_names\":\"Ada\",\"date_of_birth\":\"1984-03-02\","
                               "\"nationality\":\"NGA\",\"sex\":\"F\"}");
  /* In order recorded: the sharable record in full, the restricted ones as
   * who holds them and nothing else. */
  derogatory = member_json (o, "derogatory");
  g_assert_cmpstr (derogatory, ==, "[{\"category\":\"revoked-visa\",\"source\":\"BORDER\",\"recorded_on\":\"2020-05-01\","
                                   "\"expires_on\":null,\"summary\":\"" GW_SHARABLE "\"},"
                                   "{\"held_by\":\"DEFENCE\"},{\"held_by\":\"POLICE\"}]");
  /* Our own encounters only: dates, agencies, purposes. */
  encounters = member_json (o, "encounters");
  g_assert_cmpstr (encounters, ==, "[{\"date\":\"2019-06-08\",\"agency\":\"BORDER\",\"purpose\":\"border-crossing\"},"
                                   "{\"date\":\"2022-04-15\",\"agency\":\"POLICE\",\"purpose\":\"arrest-booking\"}]");
  g_assert_null (strstr (answer, GW_SECRET_POLICE));
  g_assert_null (strstr (answer, GW_SECRET_DEFENCE));
  g_assert_null (strstr (answer, "Harbour City"));
  g_assert_null (strstr (answer, "CASE-INTERNAL"));

  /* The query is filed under the person (a second query finds them again,
   * and analysts see it); the answer does not list it. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM encounter WHERE place = 'Partner query (aldova-full)'"), ==, 1);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT identity_id FROM encounter WHERE place LIKE 'Partner query%%'");
    g_assert_cmpint (count (t, sql), ==, fixture.person);
  }
  g_clear_pointer (&answer, g_free);
  answer = submit_json (t, p, "ALD-2026-0002", fixture.probe_png, "png", NULL, &status);
  g_assert_cmpint (status, ==, RL_GATEWAY_MATCH);
  g_assert_nonnull (strstr (answer, "\"encounters\":[{\"date\":\"2019-06-08\""));
  g_assert_null (strstr (answer, "aldova"));
  g_assert_null (strstr (answer, "ALDOVA"));
}

/* No derogatory categories in the agreement: no derogatory member at all,
 * not even held_by; only the family name. */
static void
test_no_categories (Test *t, gconstpointer data)
{
  g_autoptr(RlPartner) p = partner (t, fixture.key_nocats);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL, *person = NULL;
  RlGatewayStatus status = 0;
  JsonObject *o;

  answer = submit_json (t, p, "N-1", fixture.probe_png, "png", NULL, &status);
  g_assert_cmpint (status, ==, RL_GATEWAY_MATCH);
  o = parse (parser, answer);
  g_assert_false (json_object_has_member (o, "derogatory"));
  g_assert_false (json_object_has_member (o, "encounters"));
  person = member_json (o, "person");
  g_assert_cmpstr (person, ==, "{\"family_name\":\"Okafore\"}");
  g_assert_null (strstr (answer, "held_by"));
  g_assert_null (strstr (answer, "revoked-visa"));
  g_assert_null (strstr (answer, "1984"));
  assert_nothing_restricted (answer);
}

/* Some categories and fields: a restricted record of a shared category is
 * only "held by"; categories outside the agreement are not mentioned. */
static void
test_limited (Test *t, gconstpointer data)
{
  g_autoptr(RlPartner) p = partner (t, fixture.key_visa);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL, *person = NULL, *derogatory = NULL;
  RlGatewayStatus status = 0;
  JsonObject *o;

  answer = submit_json (t, p, "MER/77", fixture.probe_png, "png", NULL, &status);
  g_assert_cmpint (status, ==, RL_GATEWAY_MATCH);
  o = parse (parser, answer);
  person = member_json (o, "person");
  g_assert_cmpstr (person, ==, "{\"family_name\":\"Okafore\",\"date_of_birth\":\"1984-03-02\"}");
  derogatory = member_json (o, "derogatory");
  g_assert_cmpstr (derogatory, ==, "[{\"category\":\"revoked-visa\",\"source\":\"BORDER\",\"recorded_on\":\"2020-05-01\","
                                   "\"expires_on\":null,\"summary\":\"" GW_SHARABLE "\"},{\"held_by\":\"POLICE\"}]");
  g_assert_false (json_object_has_member (o, "encounters"));
  g_assert_null (strstr (answer, "DEFENCE"));
  g_assert_null (strstr (answer, "NGA"));
  assert_nothing_restricted (answer);

  /* The agreement as of the answer: the steward withdraws the categories,
   * the next answer to the same transaction carries none. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(RlStore) steward = rl_store_open (t->db, &error);
    g_autoptr(RlPartner) fresh = NULL;
    g_autofree char *again = NULL;
    gint64 id = json_object_get_int_member (o, "transaction");

    g_assert_true (rl_store_set_actor (steward, fixture.steward, &error));
    g_assert_true (rl_store_set_partner_sharing (steward, p->id, 0, RL_BIOGRAPHIC_FAMILY_NAME, FALSE, &error));
    fresh = partner (t, fixture.key_visa);
    again = rl_gateway_answer (t->store, fresh, id, &status, &error);
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, RL_GATEWAY_MATCH);
    g_assert_null (strstr (again, "derogatory"));
    g_assert_null (strstr (again, "date_of_birth"));
  }
}

static void
test_no_match (Test *t, gconstpointer data)
{
  g_autoptr(RlPartner) p = partner (t, fixture.key_full);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL;
  RlGatewayStatus status = 0;
  JsonObject *o;

  answer = submit_json (t, p, "ALD-X", fixture.stranger_png, "png", NULL, &status);
  g_assert_cmpint (status, ==, RL_GATEWAY_NO_MATCH);
  o = parse (parser, answer);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "no_match");
  g_assert_false (json_object_has_member (o, "person"));
  g_assert_false (json_object_has_member (o, "derogatory"));
  g_assert_false (json_object_has_member (o, "encounters"));

  /* The same unknown prints again: seen before, but only in a partner's
   * query, which is no record to answer with. */
  g_clear_pointer (&answer, g_free);
  answer = submit_json (t, p, "ALD-X2", fixture.stranger_png, "png", NULL, &status);
  g_assert_cmpint (status, ==, RL_GATEWAY_NO_MATCH);
}

/* Grey zone: queued, polled, answered after an identification and its
 * verification; another partner cannot see it. */
static void
test_queued (Test *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlPartner) p = partner (t, fixture.key_visa);
  g_autoptr(RlPartner) other = partner (t, fixture.key_full);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL, *derogatory = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(RlSearch) search = NULL;
  RlSearchCandidate *person_candidate = NULL;
  RlGatewayStatus status = 0;
  RlConclusion c = { 0 };
  gint64 id = 0, search_id, conclusion;
  JsonObject *o;

  /* A release that leaves every decision to the examiners. */
  gw_activate_release (t->store, "examiners-decide",
                       "{\"match_threshold\": 100, \"no_match_threshold\": 0, \"buckets\": []}");
  answer = submit_json (t, p, "MER/Q1", fixture.probe_png, "png", &id, &status);
  g_assert_cmpint (status, ==, RL_GATEWAY_QUEUED);
  o = parse (parser, answer);
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "queued");
  g_assert_cmpstr (json_object_get_string_member (o, "message"), ==, "queued for examiner review");
  g_assert_cmpstr (json_object_get_string_member (o, "reason"), ==, "grey-zone");
  g_assert_false (json_object_has_member (o, "person"));
  g_assert_false (json_object_has_member (o, "derogatory"));

  /* Polled before anyone concluded: still queued. */
  g_clear_pointer (&answer, g_free);
  answer = rl_gateway_answer (t->store, p, id, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, RL_GATEWAY_QUEUED);
  /* Another partner: not found, like an unknown id. */
  g_assert_null (rl_gateway_answer (t->store, other, id, &status, &error));
  g_assert_error (error, RL_GATEWAY_ERROR, RL_GATEWAY_ERROR_NOT_FOUND);
  g_assert_cmpuint (rl_gateway_error_http_status (error), ==, 404);
  g_clear_error (&error);

  /* Examiner A identifies the person, examiner B verifies. */
  search_id = count (t, "SELECT search_id FROM gateway_transaction ORDER BY id DESC LIMIT 1");
  search = rl_store_get_search (t->store, search_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (search->status, ==, RL_SEARCH_PENDING);
  candidates = rl_store_list_candidates (t->store, search_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < candidates->len; i++)
    if (((RlSearchCandidate *) candidates->pdata[i])->sample_id == fixture.person_sample)
      person_candidate = candidates->pdata[i];
  g_assert_nonnull (person_candidate);
  g_assert_true (rl_store_set_actor (t->store, fixture.examiner_a, &error));
  g_assert_true (rl_store_claim_search (t->store, search_id, &error));
  c.search_id = search_id;
  c.candidate_id = person_candidate->id;
  c.decision = RL_DECISION_IDENTIFICATION;
  c.reasons = (char *) "12 corresponding minutiae in agreement, no unexplained differences";
  conclusion = rl_store_add_conclusion (t->store, &c, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (t->store, 0, &error));

  /* Identified but not verified: still queued. */
  g_clear_pointer (&answer, g_free);
  answer = rl_gateway_answer (t->store, p, id, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, RL_GATEWAY_QUEUED);

  g_assert_true (rl_store_set_actor (t->store, fixture.examiner_b, &error));
  g_assert_cmpint (rl_store_add_verification (t->store, conclusion, TRUE, TRUE, RL_DECISION_IDENTIFICATION,
                                              "agree", &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (t->store, 0, &error));

  g_clear_pointer (&answer, g_free);
  answer = rl_gateway_answer (t->store, p, id, &status, &error);
  g_assert_no_error (error);
  g_test_message ("after verification: %s", answer);
  g_assert_cmpint (status, ==, RL_GATEWAY_MATCH);
  g_clear_pointer (&parser, g_object_unref);
  parser = json_parser_new ();
  o = parse (parser, answer);
  g_assert_cmpstr (json_object_get_string_member (o, "decided_by"), ==, "examiners");
  derogatory = member_json (o, "derogatory");
  g_assert_cmpstr (derogatory, ==, "[{\"category\":\"revoked-visa\",\"source\":\"BORDER\",\"recorded_on\":\"2020-05-01\","
                                   "\"expires_on\":null,\"summary\":\"" GW_SHARABLE "\"},{\"held_by\":\"POLICE\"}]");
  assert_nothing_restricted (answer);

  /* A second grey-zone query whose every candidate is excluded: no match. */
  {
    g_autofree char *second = NULL;
    g_autoptr(GPtrArray) cands = NULL;
    gint64 id2 = 0, search2;

    second = submit_json (t, p, "MER/Q2", fixture.stranger_png, "png", &id2, &status);
    g_assert_cmpint (status, ==, RL_GATEWAY_QUEUED);
    search2 = count (t, "SELECT search_id FROM gateway_transaction ORDER BY id DESC LIMIT 1");
    cands = rl_store_list_candidates (t->store, search2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (cands->len, >, 0);
    g_assert_true (rl_store_set_actor (t->store, fixture.examiner_a, &error));
    g_assert_true (rl_store_claim_search (t->store, search2, &error));
    for (guint i = 0; i < cands->len; i++)
      {
        RlConclusion ex = { 0 };
        ex.candidate_id = ((RlSearchCandidate *) cands->pdata[i])->id;
        ex.decision = RL_DECISION_EXCLUSION;
        ex.reasons = (char *) "different pattern class";
        g_assert_cmpint (rl_store_add_conclusion (t->store, &ex, &error), >, 0);
        g_assert_no_error (error);
      }
    g_assert_true (rl_store_set_actor (t->store, 0, &error));
    g_clear_pointer (&second, g_free);
    second = rl_gateway_answer (t->store, p, id2, &status, &error);
    g_assert_no_error (error);
    g_assert_cmpint (status, ==, RL_GATEWAY_NO_MATCH);
    g_assert_null (strstr (second, "person"));
  }
}

/* An ANSI/NIST-ITL transaction: a Type-4 WSQ print. Its Type-2 claims a
 * person number (SID) that must not file the prints under anyone. */
static void
test_an2k (Test *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlPartner) p = partner (t, fixture.key_full);
  g_autoptr(RlAn2kTransaction) tx = rl_an2k_transaction_new ("0502");
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(RlImage) decoded = NULL;
  RlAn2kRecord *type1 = rl_an2k_transaction_get_record (tx, 0), *type2;
  RlAn2kImage image = { 0 };
  RlGatewayStatus status = 0;
  gint64 identities_before;

  rl_an2k_record_set_text (type1, 4, "NFUF");
  rl_an2k_record_set_text (type1, 5, "20261123");
  rl_an2k_record_set_text (type1, 7, "BORDER");
  rl_an2k_record_set_text (type1, 8, "ALDOVA");
  rl_an2k_record_set_text (type1, 9, "ALD-AN2K-7");
  rl_an2k_record_set_text (type1, 11, "19.69");
  rl_an2k_record_set_text (type1, 12, "19.69");
  type2 = rl_an2k_transaction_add_record (tx, 2, 0);
  rl_an2k_record_set_text (type2, 15, "STRANGER-SID");
  rl_an2k_record_set_text (type2, 18, "Doe,Jane");
  decoded = rl_wsq_decode (g_bytes_get_data (fixture.probe_wsq, NULL), g_bytes_get_size (fixture.probe_wsq), &error);
  g_assert_no_error (error);
  image.record_type = 4;
  image.idc = 1;
  image.finger = RL_FINGER_RIGHT_INDEX;
  image.impression = 0;
  image.width = (guint) decoded->width;
  image.height = (guint) decoded->height;
  image.ppi = 500;
  image.bits_per_pixel = 8;
  image.compression = RL_AN2K_COMPRESSION_WSQ;
  image.data = fixture.probe_wsq;
  g_assert_nonnull (rl_an2k_transaction_add_fingerprint (tx, 4, &image, &error));
  g_assert_no_error (error);
  bytes = rl_an2k_write (tx, &error);
  g_assert_no_error (error);

  identities_before = count (t, "SELECT count(*) FROM identity");
  answer = rl_gateway_submit (t->store, p, "an2k", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL,
                              &status, &error);
  g_assert_no_error (error);
  g_test_message ("an2k: %s", answer);
  g_assert_cmpint (status, ==, RL_GATEWAY_MATCH);
  g_assert_nonnull (strstr (answer, "\"reference\":\"ALD-AN2K-7\""));
  g_assert_nonnull (strstr (answer, "\"family_name\":\"Okafore\""));
  assert_nothing_restricted (answer);
  /* No identity "SID-STRANGER-SID" made or used; the query's own
   * placeholder identity was merged into the person. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM identity WHERE reference LIKE 'SID-%'"), ==, 0);
  g_assert_cmpint (count (t, "SELECT count(*) FROM identity"), ==, identities_before + 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM encounter WHERE place = 'Partner query (aldova-full)' "
                             "AND purpose = 'other' AND case_reference = 'ALD-AN2K-7'"), ==, 1);
}

/* Real NIST transactions from ../shared: each is answered or refused with a
 * message, never a crash. */
static void
test_an2k_shared (Test *t, gconstpointer data)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  g_autofree char *dir = shared ? g_build_filename (shared, "interchange", "an2k", NULL) : NULL;
  g_autoptr(RlPartner) p = partner (t, fixture.key_full);
  const char *files[] = { "valid1.1.an2", "valid1.10.an2", "type_3_wvu.an2" };
  guint tried = 0;

  for (guint i = 0; dir && i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_autofree char *contents = NULL;
      g_autofree char *answer = NULL;
      g_autoptr(GError) error = NULL;
      RlGatewayStatus status = 0;
      gsize len;

      if (!g_file_get_contents (path, &contents, &len, NULL))
        continue;
      tried++;
      answer = rl_gateway_submit (t->store, p, "an2k", (const guint8 *) contents, len, NULL, &status, &error);
      g_test_message ("%s: %s", files[i], answer ? answer : error->message);
      if (answer == NULL)
        {
          g_assert_true (error->domain == RL_GATEWAY_ERROR);
          g_assert_cmpuint (rl_gateway_error_http_status (error), ==, 400);
        }
      else
        assert_nothing_restricted (answer);
    }
  if (tried == 0)
    g_test_skip ("no NIST transactions in ../shared/interchange/an2k");
}

static void
expect_malformed (Test *t, const RlPartner *p, const char *format, const char *body, gsize len, const char *message_part,
                  guint http)
{
  g_autoptr(GError) error = NULL;
  char *answer = rl_gateway_submit (t->store, p, format, (const guint8 *) body, len == (gsize) -1 ? strlen (body) : len,
                                    NULL, NULL, &error);

  g_assert_null (answer);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
  g_assert_cmpuint (rl_gateway_error_http_status (error), ==, http);
}

static void
test_malformed (Test *t, gconstpointer data)
{
  g_autoptr(RlPartner) p = partner (t, fixture.key_full);
  g_autofree char *good = gateway_json_submission ("R", fixture.probe_png, "png");
  g_autofree char *bad_b64 = g_strdup (good);
  g_autofree char *wrong_format = gateway_json_submission ("R", fixture.probe_png, "wsq");
  g_autofree char *not_png = NULL;
  gint64 identities = count (t, "SELECT count(*) FROM identity");
  char *image = strstr (bad_b64, "\"image\": \"") + 10;

  image[100] = '!';
  expect_malformed (t, p, "json", bad_b64, strlen (bad_b64), "fingers[0].image: character 101 (“!”) is not base64", 400);
  expect_malformed (t, p, "json", good, 40, "not valid JSON", 400);
  expect_malformed (t, p, "json", "[1, 2]", -1, "must be a JSON object", 400);
  expect_malformed (t, p, "json", "{\"fingers\": []}", -1, "fingers: empty", 400);
  expect_malformed (t, p, "json", "{\"fingers\": [{\"position\": 11, \"image\": \"AAAA\", \"format\": \"png\"}]}", -1,
                    "fingers[0].position: 11 is outside 0 to 10", 400);
  /* Far outside gint64 (found by the fuzzer: the cast was undefined). */
  expect_malformed (t, p, "json", "{\"fingers\": [{\"position\": 2e55, \"image\": \"AAAA\", \"format\": \"png\"}]}", -1,
                    "fingers[0].position: 2e+55 is not a whole number from 0 to 10", 400);
  expect_malformed (t, p, "json", "{\"fingers\": [{\"position\": 2.5, \"image\": \"AAAA\", \"format\": \"png\"}]}", -1,
                    "fingers[0].position: 2.5 is not a whole number from 0 to 10", 400);
  expect_malformed (t, p, "json", "{\"fingerz\": []}", -1, "Unknown member “fingerz”", 400);
  expect_malformed (t, p, "json", wrong_format, strlen (wrong_format), "does not start like a wsq image", 400);
  /* A PNG signature on garbage: refused when decoded, by finger. */
  {
    guint8 fake[64] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    g_autoptr(GBytes) b = g_bytes_new (fake, sizeof fake);
    not_png = gateway_json_submission ("R", b, "png");
    expect_malformed (t, p, "json", not_png, strlen (not_png), "fingers[0].image: cannot be read as png", 400);
  }
  expect_malformed (t, p, "an2k", "1.001:", -1, "ANSI/NIST-ITL transaction cannot be read", 400);
  expect_malformed (t, p, "an2k", "hello", -1, "ANSI/NIST-ITL transaction cannot be read", 400);
  expect_malformed (t, p, "xml", "x", -1, "JSON (application/json) or ANSI/NIST-ITL", 415);

  /* Nothing enrolled; every refusal audited with the partner. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM identity"), ==, identities);
  g_assert_cmpint (count (t, "SELECT count(*) FROM gateway_transaction"), ==, 0);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"partner\":\"aldova-full\"%'"), ==, 13);
}

static void
test_authentication (Test *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *header = NULL;
  g_autoptr(RlPartner) p = NULL;

  g_assert_null (rl_gateway_authenticate (t->store, NULL, &error));
  g_assert_cmpuint (rl_gateway_error_http_status (error), ==, 401);
  g_clear_error (&error);
  g_assert_null (rl_gateway_authenticate (t->store, "Bearer rlp_0000000000000000000000000000000000000000", &error));
  g_assert_cmpuint (rl_gateway_error_http_status (error), ==, 401);
  g_assert_cmpstr (error->message, ==, "Unknown or revoked API key");
  g_clear_error (&error);
  g_assert_null (rl_gateway_authenticate (t->store, fixture.key_full, &error));   /* no "Bearer" */
  g_assert_cmpuint (rl_gateway_error_http_status (error), ==, 401);
  g_clear_error (&error);
  header = g_strdup_printf ("Bearer %s", fixture.key_unset);
  g_assert_null (rl_gateway_authenticate (t->store, header, &error));
  g_assert_cmpuint (rl_gateway_error_http_status (error), ==, 403);
  g_assert_nonnull (strstr (error->message, "no sharing agreement"));
  g_clear_error (&error);

  /* Revoked: refused like an unknown key. */
  g_clear_pointer (&header, g_free);
  header = g_strdup_printf ("bearer  %s", fixture.key_full);
  p = rl_gateway_authenticate (t->store, header, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (t->store, fixture.steward, &error));
  g_assert_true (rl_store_revoke_partner (t->store, p->id, &error));
  g_assert_true (rl_store_set_actor (t->store, 0, &error));
  g_assert_null (rl_gateway_authenticate (t->store, header, &error));
  g_assert_cmpuint (rl_gateway_error_http_status (error), ==, 401);
}

/* Every query and every answer given, with partner and reference. */
static void
test_audit (Test *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlPartner) p = partner (t, fixture.key_visa);
  g_autofree char *a1 = NULL, *a2 = NULL, *a3 = NULL;
  g_autoptr(RlAuditReport) report = NULL;
  RlGatewayStatus status;
  gint64 id = 0;

  a1 = submit_json (t, p, "AUD-1", fixture.probe_png, "png", &id, &status);
  a2 = submit_json (t, p, "AUD-2", fixture.stranger_png, "png", NULL, &status);
  a3 = rl_gateway_answer (t->store, p, id, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.query' "
                             "AND details LIKE '%\"partner\":\"meridia-visa\"%' AND details LIKE '%\"reference\":\"AUD-%'"),
                   ==, 2);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.answer' "
                             "AND details LIKE '%\"partner\":\"meridia-visa\"%' AND details LIKE '%\"reference\":\"AUD-%'"),
                   ==, 3);
  /* What was disclosed is recorded: a match with one record shared and one held_by. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.answer' "
                             "AND details LIKE '%\"reference\":\"AUD-1\"%' AND details LIKE '%\"status\":\"match\"%' "
                             "AND details LIKE '%\"records_shared\":\"1\",\"held_by\":\"1\"%'"), ==, 2);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.answer' "
                             "AND details LIKE '%\"reference\":\"AUD-2\"%' AND details LIKE '%\"status\":\"no_match\"%'"),
                   ==, 1);
  report = rl_store_verify_audit (t->store, &error);
  g_assert_no_error (error);
  g_assert_null (report->problem);
}

/* A JSON submission's prints are scanned before its transaction: while the
 * scan is held (rl_search_set_scan_hook), another connection records a
 * change at once; released, the submission is answered as usual. (Were the
 * scan inside the transaction, the write would wait out the busy timeout
 * and fail "database is locked": the outcome is asserted, not a time.) */
typedef struct {
  GMutex   lock;
  GCond    cond;
  gboolean entered, released;
} Gate;

static void
gate_hook (gpointer data)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->entered = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

typedef struct {
  Test            *t;
  RlPartner       *partner;
  char            *body;
  char            *answer;
  RlGatewayStatus  status;
  GError          *error;
} HeldSubmission;

static gpointer
held_submission_thread (gpointer data)
{
  HeldSubmission *h = data;

  h->answer = rl_gateway_submit (h->t->store, h->partner, "json", (const guint8 *) h->body, strlen (h->body), NULL,
                                 &h->status, &h->error);
  return NULL;
}

static void
test_scan_outside_write_lock (Test *t, gconstpointer data)
{
  g_autoptr(RlPartner) p = partner (t, fixture.key_full);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) other = NULL;
  g_autofree char *body = gateway_json_submission ("ALD-HELD", fixture.probe_png, "png");
  HeldSubmission held = { t, p, body };
  Gate gate = { 0 };
  GThread *thread;
  gint64 identity;

  rl_search_set_scan_hook (gate_hook, &gate);
  thread = g_thread_new ("held-submission", held_submission_thread, &held);
  g_mutex_lock (&gate.lock);
  while (!gate.entered)
    g_cond_wait (&gate.cond, &gate.lock);
  g_mutex_unlock (&gate.lock);

  other = rl_store_open (t->db, &error);
  g_assert_no_error (error);
  identity = rl_store_add_identity (other, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (identity, >, 0);
  g_assert_cmpint (count (t, "SELECT count(*) FROM gateway_transaction WHERE reference = 'ALD-HELD'"), ==, 0);

  g_mutex_lock (&gate.lock);
  gate.released = TRUE;
  g_cond_broadcast (&gate.cond);
  g_mutex_unlock (&gate.lock);
  g_thread_join (thread);
  rl_search_set_scan_hook (NULL, NULL);

  g_assert_no_error (held.error);
  g_assert_nonnull (held.answer);
  g_assert_cmpint (held.status, ==, RL_GATEWAY_MATCH);
  g_assert_cmpint (count (t, "SELECT count(*) FROM gateway_transaction WHERE reference = 'ALD-HELD'"), ==, 1);
  g_free (held.answer);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  gateway_fixture_build (&fixture);
  g_test_add ("/gateway/match-full", Test, NULL, test_set_up, test_match_full, test_tear_down);
  g_test_add ("/gateway/no-categories", Test, NULL, test_set_up, test_no_categories, test_tear_down);
  g_test_add ("/gateway/limited", Test, NULL, test_set_up, test_limited, test_tear_down);
  g_test_add ("/gateway/no-match", Test, NULL, test_set_up, test_no_match, test_tear_down);
  g_test_add ("/gateway/queued", Test, NULL, test_set_up, test_queued, test_tear_down);
  g_test_add ("/gateway/an2k", Test, NULL, test_set_up, test_an2k, test_tear_down);
  g_test_add ("/gateway/an2k-shared", Test, NULL, test_set_up, test_an2k_shared, test_tear_down);
  g_test_add ("/gateway/malformed", Test, NULL, test_set_up, test_malformed, test_tear_down);
  g_test_add ("/gateway/authentication", Test, NULL, test_set_up, test_authentication, test_tear_down);
  g_test_add ("/gateway/audit", Test, NULL, test_set_up, test_audit, test_tear_down);
  g_test_add ("/gateway/scan-outside-write-lock", Test, NULL, test_set_up, test_scan_outside_write_lock,
              test_tear_down);
  status = g_test_run ();
  gateway_remove_workspace (fixture.db);
  return status;
}
