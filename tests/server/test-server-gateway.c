/* The partner gateway over HTTP, as a partner system uses it: the server runs
 * in this process on a loopback port and a libsoup client talks to it
 * asynchronously on the same main loop. A partner never receives restricted
 * content (asserted on the exact JSON), receives only what its agreement
 * allows, a grey-zone submission is 202 and answered after the examiners,
 * malformed submissions are 400 with a message, a wrong key 401, and every
 * query and answer is in the audit log. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "gateway-fixture.h"
#include "rl-server-private.h"
#include "rl-store-credentials.h"

static GatewayFixture fixture;

typedef struct {
  char        *db;
  RlServer    *server;
  SoupSession *session;
  char        *base;
} Test;

typedef struct {
  guint     status;
  GBytes   *body;
  char     *text;
  char     *location;
  char     *www_authenticate;
  JsonNode *json;
  gboolean  done;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply->text);
  g_free (reply->location);
  g_free (reply->www_authenticate);
  g_free (reply);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
start_with (Test *t, const RlServerLimits *limits)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_open (t->db, &error);

  g_assert_no_error (error);
  g_clear_object (&t->server);
  g_clear_object (&t->session);
  g_clear_pointer (&t->base, g_free);
  t->server = rl_server_new (store, limits);
  /* Plain HTTP on loopback: TLS is the server's own tests' business. */
  g_assert_true (rl_server_listen (t->server, "127.0.0.1", 0, NULL, &error));
  g_assert_no_error (error);
  t->base = rl_server_get_base_uri (t->server);
  /* Enough connections for the requests a test keeps waiting at once. */
  t->session = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
}

static void
start (Test *t, gsize max_upload)
{
  RlServerLimits limits;

  rl_server_limits_init_default (&limits);
  limits.rate_per_second = 0;
  if (max_upload)
    limits.max_upload_bytes = max_upload;
  start_with (t, &limits);
}

static void
test_set_up (Test *t, gconstpointer data)
{
  t->db = gateway_fixture_copy (&fixture);
  start (t, GPOINTER_TO_SIZE (data));
}

static void
test_tear_down (Test *t, gconstpointer data)
{
  g_clear_object (&t->session);
  g_clear_object (&t->server);
  gateway_remove_workspace (t->db);
  g_free (t->db);
  g_free (t->base);
}

static void
send_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Reply *reply = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  g_autoptr(GError) error = NULL;

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));
  reply->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  reply->www_authenticate = g_strdup (soup_message_headers_get_one (headers, "WWW-Authenticate"));
  if (g_strcmp0 (soup_message_headers_get_content_type (headers, NULL), "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, reply->text, -1, &error));
      g_assert_no_error (error);
      reply->json = json_node_ref (json_parser_get_root (parser));
    }
  reply->done = TRUE;
}

static Reply *
send_async (Test *t, const char *method, const char *path, const char *key, const char *content_type,
            const void *body, gsize len)
{
  g_autofree char *uri = g_strconcat (t->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  Reply *reply = g_new0 (Reply, 1);

  if (key)
    {
      g_autofree char *value = g_strconcat ("Bearer ", key, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, len);
      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  soup_session_send_and_read_async (t->session, msg, G_PRIORITY_DEFAULT, NULL, send_done, reply);
  return reply;
}

static Reply *
wait_reply (Reply *reply, const char *what)
{
  while (!reply->done)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("%s → %u %.600s", what, reply->status, reply->text);
  return reply;
}

static Reply *
call (Test *t, const char *method, const char *path, const char *key, const char *content_type, const void *body,
      gsize len)
{
  return wait_reply (send_async (t, method, path, key, content_type, body, len), path);
}

static Reply *
submit (Test *t, const char *key, const char *reference, GBytes *image)
{
  g_autofree char *body = gateway_json_submission (reference, image, "png");
  return call (t, "POST", "/gateway/v1/transactions", key, "application/json", body, strlen (body));
}

static JsonObject *
object (Reply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static char *
member_json (Reply *reply, const char *member)
{
  return json_to_string (json_object_get_member (object (reply), member), FALSE);
}

static const char *
assert_error (Reply *reply, guint status, const char *code)
{
  JsonObject *o;

  g_assert_cmpuint (reply->status, ==, status);
  o = object (reply);
  g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, code);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "message")), >, 5);
  return json_object_get_string_member (o, "message");
}

static void
assert_nothing_restricted (const char *text)
{
  g_assert_null (strstr (text, GW_SECRET_POLICE));
  g_assert_null (strstr (text, GW_SECRET_DEFENCE));
  g_assert_null (strstr (text, "drug-smuggler"));
  g_assert_null (strstr (text, "military-record"));
  g_assert_null (strstr (text, "2022-04-16"));
  g_assert_null (strstr (text, "2021-03-09"));
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

/* ---------------------------------------------------------------- tests */

static void
shutdown_done_cb (RlServer *server, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
test_match (Test *t, gconstpointer data)
{
  g_autoptr(Reply) full = NULL;
  g_autoptr(Reply) names = NULL;
  g_autoptr(Reply) visa = NULL;
  g_autofree char *person = NULL, *derogatory = NULL, *encounters = NULL;
  gint64 start = g_get_monotonic_time ();

  /* Everything agreed: the sharable record in full, restricted ones only
   * as who holds them. */
  full = submit (t, fixture.key_full, "ALD-1", fixture.probe_png);
  g_test_message ("answer latency for a match (ASan build): %.0f ms", (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (full->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (full), "status"), ==, "match");
  person = member_json (full, "person");
  g_assert_cmpstr (person, ==, "{\"family_name\":\"Okafore\",\"given_names\":\"Ada\",\"date_of_birth\":\"1984-03-02\","
                               "\"nationality\":\"NGA\",\"sex\":\"F\"}");
  derogatory = member_json (full, "derogatory");
  g_assert_cmpstr (derogatory, ==, "[{\"category\":\"revoked-visa\",\"source\":\"BORDER\",\"recorded_on\":\"2020-05-01\","
                                   "\"expires_on\":null,\"summary\":\"" GW_SHARABLE "\"},"
                                   "{\"held_by\":\"DEFENCE\"},{\"held_by\":\"POLICE\"}]");
  encounters = member_json (full, "encounters");
  g_assert_cmpstr (encounters, ==, "[{\"date\":\"2019-06-08\",\"agency\":\"BORDER\",\"purpose\":\"border-crossing\"},"
                                   "{\"date\":\"2022-04-15\",\"agency\":\"POLICE\",\"purpose\":\"arrest-booking\"}]");
  g_assert_null (strstr (full->text, GW_SECRET_POLICE));
  g_assert_null (strstr (full->text, GW_SECRET_DEFENCE));

  /* No derogatory rights: none, not even held_by; one field. */
  names = submit (t, fixture.key_nocats, "N-1", fixture.probe_png);
  g_assert_cmpuint (names->status, ==, 200);
  g_clear_pointer (&person, g_free);
  person = member_json (names, "person");
  g_assert_cmpstr (person, ==, "{\"family_name\":\"Okafore\"}");
  g_assert_false (json_object_has_member (object (names), "derogatory"));
  g_assert_false (json_object_has_member (object (names), "encounters"));
  g_assert_null (strstr (names->text, "held_by"));
  assert_nothing_restricted (names->text);

  /* Two categories, two fields. */
  visa = submit (t, fixture.key_visa, "MER-1", fixture.probe_png);
  g_assert_cmpuint (visa->status, ==, 200);
  g_clear_pointer (&person, g_free);
  g_clear_pointer (&derogatory, g_free);
  person = member_json (visa, "person");
  g_assert_cmpstr (person, ==, "{\"family_name\":\"Okafore\",\"date_of_birth\":\"1984-03-02\"}");
  derogatory = member_json (visa, "derogatory");
  g_assert_cmpstr (derogatory, ==, "[{\"category\":\"revoked-visa\",\"source\":\"BORDER\",\"recorded_on\":\"2020-05-01\","
                                   "\"expires_on\":null,\"summary\":\"" GW_SHARABLE "\"},{\"held_by\":\"POLICE\"}]");
  assert_nothing_restricted (visa->text);

  /* Every query and answer audited with the partner and its reference. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.query'"), ==, 3);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.answer'"), ==, 3);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action IN ('gateway.query', 'gateway.answer') "
                             "AND details LIKE '%\"partner\":\"meridia-visa\"%' "
                             "AND details LIKE '%\"reference\":\"MER-1\"%'"), ==, 2);
}

static void
test_auth (Test *t, gconstpointer data)
{
  g_autofree char *body = gateway_json_submission ("A", fixture.stranger_png, "png");
  g_autoptr(Reply) none = call (t, "POST", "/gateway/v1/transactions", NULL, "application/json", body, strlen (body));
  g_autoptr(Reply) wrong = call (t, "POST", "/gateway/v1/transactions", "rlp_00000000000000000000000000000000000000000000",
                                 "application/json", body, strlen (body));
  g_autoptr(Reply) unset = call (t, "POST", "/gateway/v1/transactions", fixture.key_unset, "application/json", body,
                                 strlen (body));
  g_autoptr(Reply) poll = call (t, "GET", "/gateway/v1/transactions/1", "rlp_wrong_wrong_wrong_wrong", NULL, NULL, 0);

  assert_error (none, 401, "unauthorized");
  g_assert_nonnull (none->www_authenticate);
  g_assert_cmpstr (assert_error (wrong, 401, "unauthorized"), ==, "Unknown or revoked API key");
  g_assert_nonnull (strstr (assert_error (unset, 403, "forbidden"), "no sharing agreement"));
  assert_error (poll, 401, "unauthorized");
  /* Nothing was enrolled for any of them. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM gateway_transaction"), ==, 0);
  /* Every refusal is audited with why: an unknown key by what it starts
   * with (never the whole key), a known partner by name. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"error\":\"unauthorized\"%' AND details LIKE '%\"client\":\"127.0.0.1\"%'"),
                   ==, 3);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"key_prefix\":\"rlp_00000000\"%'"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE details LIKE '%rlp_000000000%'"), ==, 0);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"error\":\"forbidden\"%' "
                             "AND details LIKE '%\"partner\":\"meridia-new\"%'"), ==, 1);
}

static void
test_malformed (Test *t, gconstpointer data)
{
  g_autofree char *good = gateway_json_submission ("R", fixture.probe_png, "png");
  g_autofree char *bad = g_strdup (good);
  char *image = strstr (bad, "\"image\": \"") + 10;
  g_autoptr(Reply) b64 = NULL, an2k = NULL, text = NULL, big = NULL, position = NULL, broken = NULL;
  g_autofree char *huge = NULL;

  image[2000] = '#';
  b64 = call (t, "POST", "/gateway/v1/transactions", fixture.key_full, "application/json", bad, strlen (bad));
  g_assert_cmpstr (assert_error (b64, 400, "malformed"), ==, "fingers[0].image: character 2001 (“#”) is not base64");

  {
    const char *doc = "{\"fingers\": [{\"position\": \"two\", \"image\": \"AAAA\", \"format\": \"png\"}]}";
    position = call (t, "POST", "/gateway/v1/transactions", fixture.key_full, "application/json", doc, strlen (doc));
  }
  g_assert_cmpstr (assert_error (position, 400, "malformed"), ==,
                   "fingers[0].position: expected a whole number, got a string");

  an2k = call (t, "POST", "/gateway/v1/transactions", fixture.key_full, "application/x-an2k", "1.001:17\0352", 10);
  g_assert_nonnull (strstr (assert_error (an2k, 400, "malformed"), "ANSI/NIST-ITL transaction cannot be read"));

  text = call (t, "POST", "/gateway/v1/transactions", fixture.key_full, "text/plain", "hello", 5);
  assert_error (text, 415, "unsupported-media-type");

  /* Over the upload limit (set to 256 KiB for this test): refused before it is read. */
  huge = g_strnfill (300 * 1024, 'A');
  big = call (t, "POST", "/gateway/v1/transactions", fixture.key_full, "application/x-an2k", huge, strlen (huge));
  g_assert_cmpuint (big->status, ==, 413);

  /* Not JSON at all: the gateway's own reader says where, and audits it. */
  {
    const char *doc = "{\"reference\": \"BROKEN-1\", \"fingers\": [";
    broken = call (t, "POST", "/gateway/v1/transactions", fixture.key_full, "application/json", doc, strlen (doc));
  }
  g_assert_true (g_str_has_prefix (assert_error (broken, 400, "malformed"), "The submission is not valid JSON: "));

  g_assert_cmpint (count (t, "SELECT count(*) FROM gateway_transaction"), ==, 0);
  /* Every refusal is audited with the partner and the reason: base64,
   * position, AN2K, broken JSON (400), the content type (415) and the body
   * refused before it was read (413). */
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"partner\":\"aldova-full\"%'"), ==, 6);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"partner\":\"aldova-full\"%' "
                             "AND details LIKE '%\"error\":\"malformed\"%'"), ==, 4);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"partner\":\"aldova-full\"%' "
                             "AND details LIKE '%\"error\":\"unsupported-media-type\"%'"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"partner\":\"aldova-full\"%' "
                             "AND details LIKE '%\"error\":\"too-large\"%'"), ==, 1);
}

/* Grey zone: 202 with a Location, polled, answered after an identification
 * and its verification; another partner gets 404. */
static void
test_queued (Test *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = rl_store_open (t->db, &error);
  g_autoptr(Reply) queued = NULL, poll = NULL, other = NULL, answered = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autofree char *derogatory = NULL;
  RlConclusion c = { 0 };
  gint64 search_id, conclusion;

  g_assert_no_error (error);
  gw_activate_release (s, "examiners-decide", "{\"match_threshold\": 100, \"no_match_threshold\": 0, \"buckets\": []}");

  queued = submit (t, fixture.key_visa, "MER-Q", fixture.probe_png);
  g_assert_cmpuint (queued->status, ==, 202);
  g_assert_cmpstr (json_object_get_string_member (object (queued), "status"), ==, "queued");
  g_assert_cmpstr (json_object_get_string_member (object (queued), "message"), ==, "queued for examiner review");
  g_assert_nonnull (queued->location);
  g_assert_cmpstr (queued->location, ==, json_object_get_string_member (object (queued), "poll"));
  g_assert_false (json_object_has_member (object (queued), "person"));

  poll = call (t, "GET", queued->location, fixture.key_visa, NULL, NULL, 0);
  g_assert_cmpuint (poll->status, ==, 202);
  other = call (t, "GET", queued->location, fixture.key_full, NULL, NULL, 0);
  assert_error (other, 404, "not-found");

  /* The examiners, on their own connection. */
  search_id = count (t, "SELECT search_id FROM gateway_transaction");
  candidates = rl_store_list_candidates (s, search_id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < candidates->len; i++)
    if (((RlSearchCandidate *) candidates->pdata[i])->sample_id == fixture.person_sample)
      c.candidate_id = ((RlSearchCandidate *) candidates->pdata[i])->id;
  g_assert_cmpint (c.candidate_id, >, 0);
  g_assert_true (rl_store_set_actor (s, fixture.examiner_a, &error));
  g_assert_true (rl_store_claim_search (s, search_id, &error));
  c.decision = RL_DECISION_IDENTIFICATION;
  c.reasons = (char *) "sufficient agreement in ridge detail";
  conclusion = rl_store_add_conclusion (s, &c, &error);
  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, fixture.examiner_b, &error));
  g_assert_cmpint (rl_store_add_verification (s, conclusion, TRUE, TRUE, RL_DECISION_IDENTIFICATION, "agree", &error),
                   >, 0);
  g_assert_no_error (error);

  answered = call (t, "GET", queued->location, fixture.key_visa, NULL, NULL, 0);
  g_assert_cmpuint (answered->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (answered), "status"), ==, "match");
  g_assert_cmpstr (json_object_get_string_member (object (answered), "decided_by"), ==, "examiners");
  derogatory = member_json (answered, "derogatory");
  g_assert_cmpstr (derogatory, ==, "[{\"category\":\"revoked-visa\",\"source\":\"BORDER\",\"recorded_on\":\"2020-05-01\","
                                   "\"expires_on\":null,\"summary\":\"" GW_SHARABLE "\"},{\"held_by\":\"POLICE\"}]");
  assert_nothing_restricted (answered->text);

  /* One query, three answers given (202, 202, 200); the 404 gave none. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.query' "
                             "AND details LIKE '%\"reference\":\"MER-Q\"%'"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.answer' "
                             "AND details LIKE '%\"reference\":\"MER-Q\"%'"), ==, 3);
}

/* ------------------------------------------------------------- purposes */

static Reply *
submit_for (Test *t, const char *key, const char *reference, const char *purpose)
{
  g_autofree char *plain = gateway_json_submission (reference, fixture.probe_png, "png");
  g_autofree char *body = purpose ? g_strdup_printf ("{\"purpose\": \"%s\", %s", purpose, plain + 1)
                                  : g_strdup (plain);
  return call (t, "POST", "/gateway/v1/transactions", key, "application/json", body, strlen (body));
}

static char *
text_of (Test *t, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *v;

  g_assert_cmpint (sqlite3_open_v2 (t->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

/* A query is filed under the purpose of the sharing agreement: the one it
 * states if agreed, else the agreement's first; one not agreed is refused
 * and audited. The purpose is in the query's audit row. */
static void
test_purpose (Test *t, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) visa = NULL, unstated = NULL, asylum = NULL, other = NULL, not_agreed = NULL, bad = NULL;
  g_autofree char *purpose = NULL;
  guint32 purposes = 0;

  {
    g_autoptr(RlStore) s = rl_store_open (t->db, &error);
    g_autoptr(RlPartner) p = NULL;

    g_assert_no_error (error);
    p = rl_store_get_partner_by_name (s, "meridia-visa", &error);
    g_assert_no_error (error);
    g_assert_true (rl_sharing_parse_purposes ("visa-application,border-crossing", &purposes, &error));
    /* Only a data steward states an agreement's purposes. */
    g_assert_true (rl_store_set_actor (s, fixture.examiner_a, &error));
    g_assert_false (rl_store_set_partner_purposes (s, p->id, purposes, &error));
    g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
    g_clear_error (&error);
    g_assert_true (rl_store_set_actor (s, fixture.steward, &error));
    g_assert_true (rl_store_set_partner_purposes (s, p->id, purposes, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'partner.purposes' "
                             "AND details LIKE '%\"purposes\":\"border-crossing,visa-application\"%'"), ==, 1);

  visa = submit_for (t, fixture.key_visa, "MER-P1", "visa-application");
  g_assert_cmpuint (visa->status, ==, 200);
  unstated = submit_for (t, fixture.key_visa, "MER-P2", NULL);
  g_assert_cmpuint (unstated->status, ==, 200);
  asylum = submit_for (t, fixture.key_visa, "MER-P3", "asylum-claim");
  g_assert_nonnull (strstr (assert_error (asylum, 403, "forbidden"), "does not cover queries for asylum-claim"));
  /* An agreement that states no purpose: queries are "other", nothing else. */
  other = submit_for (t, fixture.key_full, "ALD-P1", NULL);
  g_assert_cmpuint (other->status, ==, 200);
  not_agreed = submit_for (t, fixture.key_full, "ALD-P2", "border-crossing");
  assert_error (not_agreed, 403, "forbidden");
  bad = submit_for (t, fixture.key_full, "ALD-P3", "Border Crossing");
  assert_error (bad, 400, "malformed");

  /* Stored on the partner's encounter... */
#define ENCOUNTER_PURPOSE(ref) "SELECT e.purpose FROM gateway_transaction g JOIN encounter e ON e.id = g.encounter_id " \
                               "WHERE g.reference = '" ref "'"
  purpose = text_of (t, ENCOUNTER_PURPOSE ("MER-P1"));
  g_assert_cmpstr (purpose, ==, "visa-application");
  g_free (purpose);
  purpose = text_of (t, ENCOUNTER_PURPOSE ("MER-P2"));
  g_assert_cmpstr (purpose, ==, "border-crossing");
  g_free (purpose);
  purpose = text_of (t, ENCOUNTER_PURPOSE ("ALD-P1"));
  g_assert_cmpstr (purpose, ==, "other");
#undef ENCOUNTER_PURPOSE
  g_assert_cmpint (count (t, "SELECT count(*) FROM gateway_transaction WHERE reference IN ('MER-P3', 'ALD-P2', 'ALD-P3')"),
                   ==, 0);
  /* ... and in the audit: the query's row has it as its purpose. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.query' AND purpose = 'visa-application' "
                             "AND details LIKE '%\"reference\":\"MER-P1\"%' "
                             "AND details LIKE '%\"purpose\":\"visa-application\"%'"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.query' AND purpose = 'border-crossing' "
                             "AND details LIKE '%\"reference\":\"MER-P2\"%'"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"reference\":\"MER-P3\"%' "
                             "AND details LIKE '%\"partner\":\"meridia-visa\"%' "
                             "AND details LIKE '%\"error\":\"forbidden\"%'"), ==, 1);
}

/* Over the rate: 429, and the first refusal of the run is audited with the
 * partner (not every one: a flood must not fill the log). */
static void
test_rate_limited (Test *t, gconstpointer data)
{
  g_autoptr(Reply) allowed = NULL, first = NULL, second = NULL;
  RlServerLimits limits;

  rl_server_limits_init_default (&limits);
  limits.rate_per_second = 0.001;
  limits.rate_burst = 1;
  start_with (t, &limits);
  allowed = call (t, "GET", "/gateway/v1/transactions/999", fixture.key_full, NULL, NULL, 0);
  assert_error (allowed, 404, "not-found");
  first = call (t, "GET", "/gateway/v1/transactions/999", fixture.key_full, NULL, NULL, 0);
  assert_error (first, 429, "rate-limited");
  second = call (t, "GET", "/gateway/v1/transactions/999", fixture.key_full, NULL, NULL, 0);
  assert_error (second, 429, "rate-limited");
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"partner\":\"aldova-full\"%' "
                             "AND details LIKE '%\"error\":\"rate-limited\"%'"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.reject' "
                             "AND details LIKE '%\"error\":\"not-found\"%'"), ==, 1);
}

/* ------------------------------------------------ the gateway's workers */

/* Holds every gateway job at the door of the worker until released, so a
 * test can see what the server does meanwhile by the order of events, not
 * by how long anything takes. */
typedef struct {
  GMutex   lock;
  GCond    cond;
  guint    n_entered;
  gboolean released;
} Gate;

static void
gate_hook (const char *path, gpointer data)
{
  Gate *gate = data;

  if (!g_str_has_prefix (path, "/gateway/"))
    return;
  g_mutex_lock (&gate->lock);
  gate->n_entered++;
  g_main_context_wakeup (NULL);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static guint
gate_entered (Gate *gate)
{
  guint n;

  g_mutex_lock (&gate->lock);
  n = gate->n_entered;
  g_mutex_unlock (&gate->lock);
  return n;
}

static void
gate_wait_entered (Gate *gate, guint n)
{
  while (gate_entered (gate) < n)
    g_main_context_iteration (NULL, TRUE);
}

static void
gate_release (Gate *gate)
{
  g_mutex_lock (&gate->lock);
  gate->released = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
}

/* A workstation session made directly in the file (as a sign-in would). */
static char *
add_session (Test *t, gint64 user_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = rl_store_open (t->db, &error);
  char *token = g_strnfill (64, 'c');
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_no_error (error);
  g_assert_true (rl_store_add_session (s, hash, user_id, now, now + 3600, "test", &error));
  g_assert_no_error (error);
  return token;
}

/* While a partner's submission is in a worker (held there), a workstation's
 * GET /api/v1/session is answered; the submission is answered after. */
static void
test_worker_keeps_serving (Test *t, gconstpointer data)
{
  g_autofree char *token = add_session (t, fixture.examiner_a);
  g_autofree char *body = gateway_json_submission ("ALD-W", fixture.probe_png, "png");
  g_autoptr(Reply) submission = NULL, me = NULL;
  Gate gate = { 0 };

  rl_server_set_worker_hook (t->server, gate_hook, &gate);
  submission = send_async (t, "POST", "/gateway/v1/transactions", fixture.key_full, "application/json", body,
                           strlen (body));
  gate_wait_entered (&gate, 1);

  me = call (t, "GET", "/api/v1/session", token, NULL, NULL, 0);
  g_assert_cmpuint (me->status, ==, 200);
  /* Answered while the submission was still held in its worker. */
  g_assert_false (submission->done);
  g_assert_cmpuint (gate_entered (&gate), ==, 1);

  gate_release (&gate);
  wait_reply (submission, "the held submission");
  g_assert_cmpuint (submission->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (submission), "status"), ==, "match");
  g_assert_cmpint (count (t, "SELECT count(*) FROM gateway_transaction WHERE reference = 'ALD-W'"), ==, 1);
  g_clear_object (&t->server);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

/* Bounded: one worker, one job may wait; the next is told to come back
 * (503 busy, Retry-After), nothing of it stored. Then a graceful shutdown
 * with a job running and one waiting: the running one commits and is
 * answered, the waiting one is answered 503 without being started. */
static void
test_worker_bounds_and_shutdown (Test *t, gconstpointer data)
{
  g_autofree char *body1 = gateway_json_submission ("ALD-B1", fixture.probe_png, "png");
  g_autofree char *body2 = gateway_json_submission ("ALD-B2", fixture.probe_png, "png");
  g_autofree char *body3 = gateway_json_submission ("ALD-B3", fixture.probe_png, "png");
  g_autofree char *body4 = gateway_json_submission ("ALD-B4", fixture.probe_png, "png");
  g_autoptr(Reply) first = NULL, second = NULL, third = NULL, running = NULL, waiting = NULL;
  RlServerLimits limits;
  Gate gate = { 0 };
  gboolean stopped = FALSE;

  rl_server_limits_init_default (&limits);
  limits.rate_per_second = 0;
  limits.worker_threads = 1;
  limits.max_queued_jobs = 1;
  start_with (t, &limits);
  rl_server_set_worker_hook (t->server, gate_hook, &gate);

  first = send_async (t, "POST", "/gateway/v1/transactions", fixture.key_full, "application/json", body1,
                      strlen (body1));
  gate_wait_entered (&gate, 1);
  second = send_async (t, "POST", "/gateway/v1/transactions", fixture.key_full, "application/json", body2,
                       strlen (body2));
  third = send_async (t, "POST", "/gateway/v1/transactions", fixture.key_full, "application/json", body3,
                      strlen (body3));
  /* Whichever of the two the server read last is refused at once, while
   * the first is still held; the other waits and is answered. */
  while (!(second->done || third->done))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (first->done);
  {
    Reply *refused = third->done ? third : second, *queued = third->done ? second : third;
    const char *reference = refused == third ? "ALD-B3" : "ALD-B2";
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM gateway_transaction WHERE reference = '%s'",
                                            reference);

    g_assert_false (queued->done);
    assert_error (refused, 503, "busy");
    gate_release (&gate);
    wait_reply (first, "first");
    wait_reply (queued, "queued");
    g_assert_cmpuint (first->status, ==, 200);
    g_assert_cmpuint (queued->status, ==, 200);
    g_assert_cmpint (count (t, sql), ==, 0);
  }

  /* Shutdown with one running (held) and one waiting. */
  g_mutex_lock (&gate.lock);
  gate.released = FALSE;
  g_mutex_unlock (&gate.lock);
  running = send_async (t, "POST", "/gateway/v1/transactions", fixture.key_full, "application/json", body4,
                        strlen (body4));
  gate_wait_entered (&gate, 3);
  waiting = send_async (t, "GET", "/gateway/v1/transactions/1", fixture.key_full, NULL, NULL, 0);
  /* The poll is queued once the server has read it; a request read after the
   * shutdown began would be refused by the front door instead, also 503. */
  rl_server_shutdown (t->server, 30, G_CALLBACK (shutdown_done_cb), &stopped);
  gate_release (&gate);
  wait_reply (running, "running at shutdown");
  wait_reply (waiting, "waiting at shutdown");
  g_assert_cmpuint (running->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object (running), "status"), ==, "match");
  g_assert_cmpuint (waiting->status, ==, 503);
  while (!stopped)
    g_main_context_iteration (NULL, TRUE);
  /* What was answered is on disk. */
  g_assert_cmpint (count (t, "SELECT count(*) FROM gateway_transaction WHERE reference = 'ALD-B4'"), ==, 1);
  g_assert_cmpint (count (t, "SELECT count(*) FROM audit_log WHERE action = 'gateway.answer' "
                             "AND details LIKE '%\"reference\":\"ALD-B4\"%'"), ==, 1);
  g_clear_object (&t->server);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  gateway_fixture_build (&fixture);
  g_test_add ("/server-gateway/match", Test, NULL, test_set_up, test_match, test_tear_down);
  g_test_add ("/server-gateway/auth", Test, NULL, test_set_up, test_auth, test_tear_down);
  g_test_add ("/server-gateway/malformed", Test, GSIZE_TO_POINTER (256 * 1024), test_set_up, test_malformed,
              test_tear_down);
  g_test_add ("/server-gateway/queued", Test, NULL, test_set_up, test_queued, test_tear_down);
  g_test_add ("/server-gateway/purpose", Test, NULL, test_set_up, test_purpose, test_tear_down);
  g_test_add ("/server-gateway/rate-limited", Test, NULL, test_set_up, test_rate_limited, test_tear_down);
  g_test_add ("/server-gateway/worker-keeps-serving", Test, NULL, test_set_up, test_worker_keeps_serving,
              test_tear_down);
  g_test_add ("/server-gateway/worker-bounds-and-shutdown", Test, NULL, test_set_up, test_worker_bounds_and_shutdown,
              test_tear_down);
  status = g_test_run ();
  gateway_remove_workspace (fixture.db);
  return status;
}
