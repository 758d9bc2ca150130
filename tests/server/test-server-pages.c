/* ridgeline-server for the analyst, supervisor and data-steward pages: hits
 * and their disposition, an identity's parts (restricted content withheld in
 * every one of them unless a grant allows it), identity links, merges and
 * splits, access grants, the audit log and tuning jobs run on the server.
 * Each route is called by a role that may use it and refused for one that may
 * not. The server runs in this process over HTTPS on loopback; the client is
 * libsoup, asynchronous on the same main loop. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "rl-mid.h"
#include "rl-server.h"

#include "pages-workspace.h"

typedef struct {
  char            *dir;
  char            *db;
  PagesWorkspace   ws;
  RlServer        *server;
  GTlsCertificate *certificate;
  SoupSession     *session;
  char            *base;
} Fixture;

typedef struct {
  guint     status;
  GBytes   *body;
  JsonNode *json;
  char     *location;
  gboolean  done;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply->location);
  g_free (reply);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static gboolean
accept_certificate (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors, gpointer data)
{
  Fixture *f = data;
  return g_tls_certificate_is_same (certificate, f->certificate);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL;
  RlServerLimits limits;
  RlStore *store;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  f->dir = g_dir_make_tmp ("rl-server-pages-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "ws.db", NULL);
  build_pages_workspace (&f->ws, f->db, FALSE);
  cert = g_build_filename (f->dir, "cert.pem", NULL);
  key = g_build_filename (f->dir, "key.pem", NULL);
  f->certificate = rl_server_load_or_create_certificate (cert, key, NULL, NULL, &error);
  g_assert_no_error (error);
  rl_server_limits_init_default (&limits);
  limits.rate_per_second = 0;
  store = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  f->server = rl_server_new (store, &limits);
  g_assert_true (rl_server_listen (f->server, "127.0.0.1", 0, f->certificate, &error));
  g_assert_no_error (error);
  f->base = rl_server_get_base_uri (f->server);
  f->session = soup_session_new ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->session);
  g_clear_object (&f->server);
  g_clear_object (&f->certificate);
  if (f->dir && (dir = g_dir_open (f->dir, 0, NULL)))
    while ((name = g_dir_read_name (dir)))
      {
        g_autofree char *p = g_build_filename (f->dir, name, NULL);
        g_unlink (p);
      }
  if (f->dir)
    g_rmdir (f->dir);
  g_free (f->db);
  g_free (f->dir);
  g_free (f->base);
}

/* ------------------------------------------------------------- client */

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
  reply->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  if (g_strcmp0 (soup_message_headers_get_content_type (headers, NULL), "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply->body, NULL),
                                                 g_bytes_get_size (reply->body), &error));
      g_assert_no_error (error);
      reply->json = json_node_ref (json_parser_get_root (parser));
    }
  reply->done = TRUE;
}

static Reply *
call (Fixture *f, const char *method, const char *path, const char *token, const char *body)
{
  g_autofree char *uri = g_strconcat (f->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  Reply *reply = g_new0 (Reply, 1);

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate), f);
  if (token)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, send_done, reply);
  while (!reply->done)
    g_main_context_iteration (NULL, TRUE);
  return reply;
}

/* call() with a printf-made path. */
static Reply *
callf (Fixture *f, const char *method, const char *token, const char *body, const char *format, ...)
  G_GNUC_PRINTF (5, 6);

static Reply *
callf (Fixture *f, const char *method, const char *token, const char *body, const char *format, ...)
{
  va_list args;
  g_autofree char *path = NULL;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);
  return call (f, method, path, token, body);
}

static JsonObject *
object (Reply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

static JsonArray *
array (Reply *reply, const char *member)
{
  return json_object_get_array_member (object (reply), member);
}

static const char *
assert_error (Reply *reply, guint status, const char *code)
{
  JsonObject *o;

  if (reply->status != status)
    g_printerr ("%.*s\n", (int) g_bytes_get_size (reply->body), (const char *) g_bytes_get_data (reply->body, NULL));
  g_assert_cmpuint (reply->status, ==, status);
  o = object (reply);
  g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, code);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "message")), >, 5);
  return json_object_get_string_member (o, "message");
}

static void
assert_ok (Reply *reply, guint status)
{
  if (reply->status != status)
    g_printerr ("%.*s\n", (int) g_bytes_get_size (reply->body), (const char *) g_bytes_get_data (reply->body, NULL));
  g_assert_cmpuint (reply->status, ==, status);
}

static gboolean
body_contains (Reply *reply, const char *text)
{
  return g_strstr_len (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body), text) != NULL;
}

static char *
sign_in (Fixture *f, const char *username)
{
  g_autofree char *body = g_strdup_printf ("{\"username\": \"%s\", \"password\": \"%s\"}", username, PASSWORD);
  g_autoptr(Reply) reply = call (f, "POST", "/api/v1/session", NULL, body);

  assert_ok (reply, 201);
  return g_strdup (json_object_get_string_member (object (reply), "token"));
}

/* What the store itself says when `user` does it: the server must answer
 * with exactly these words. */
static char *
store_refusal (Fixture *f, gint64 user, gboolean (*attempt) (RlStore *, Fixture *, GError **))
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) s = rl_store_open (f->db, &error);

  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (s, user, &error));
  g_assert_false (attempt (s, f, &error));
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  return g_strdup (error->message);
}

/* -------------------------------------------------------------- tests */

static gboolean
examiner_confirms (RlStore *s, Fixture *f, GError **error)
{
  return rl_store_dispose_hit (s, f->ws.hit, RL_HIT_CONFIRMED, NULL, error) != 0;
}

/* The analyst's hit: list with a filter, the hit, its search and candidates,
 * its encounter; escalated by the analyst, decided by a supervisor; an
 * examiner may read it but not dispose of it, a data steward not even read. */
static void
test_hits (Fixture *f, gconstpointer data)
{
  g_autofree char *analyst = NULL, *examiner = NULL, *steward = NULL, *supervisor = NULL, *expected = NULL;
  g_autoptr(Reply) open = NULL, closed = NULL, hit = NULL, search = NULL, candidates = NULL, encounter = NULL;
  g_autoptr(Reply) by_examiner = NULL, by_steward = NULL, no_reason = NULL, escalated = NULL, analyst_again = NULL;
  g_autoptr(Reply) decided = NULL, bad_status = NULL, history = NULL;

  if (f->server == NULL)
    return;
  analyst = sign_in (f, "ban");
  open = call (f, "GET", "/api/v1/hits?status=open", analyst, NULL);
  assert_ok (open, 200);
  g_assert_cmpuint (json_array_get_length (array (open, "hits")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array (open, "hits"), 0), "id"), ==, f->ws.hit);
  closed = call (f, "GET", "/api/v1/hits?status=confirmed", analyst, NULL);
  g_assert_cmpuint (json_array_get_length (array (closed, "hits")), ==, 0);
  bad_status = call (f, "GET", "/api/v1/hits?status=maybe", analyst, NULL);
  assert_error (bad_status, 400, "bad-request");

  hit = callf (f, "GET", analyst, NULL, "/api/v1/hits/%" G_GINT64_FORMAT, f->ws.hit);
  assert_ok (hit, 200);
  g_assert_cmpint (json_object_get_int_member (object (hit), "identity_id"), ==, f->ws.wanted);
  /* What the hit view shows beside it: the search, its candidates, the new encounter. */
  search = callf (f, "GET", analyst, NULL, "/api/v1/searches/%" G_GINT64_FORMAT, f->ws.search);
  assert_ok (search, 200);
  candidates = callf (f, "GET", analyst, NULL, "/api/v1/searches/%" G_GINT64_FORMAT "/candidates", f->ws.search);
  assert_ok (candidates, 200);
  g_assert_cmpuint (json_array_get_length (array (candidates, "candidates")), ==, 1);
  encounter = callf (f, "GET", analyst, NULL, "/api/v1/encounters/%" G_GINT64_FORMAT, f->ws.other_encounter);
  assert_ok (encounter, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object (encounter), "biographic"),
                                                  "family_name"), ==, "Okafore");
  g_assert_cmpint (json_object_get_int_member (object (encounter), "agency_id"), ==, f->ws.border);

  /* An examiner reads hits (the identity view lists them) but may not dispose
   * of one: the store's words. A data steward has no hits at all. */
  expected = store_refusal (f, f->ws.examiner, examiner_confirms);
  examiner = sign_in (f, "examiner");
  by_examiner = callf (f, "POST", examiner, "{\"disposition\": \"confirmed\"}",
                       "/api/v1/hits/%" G_GINT64_FORMAT "/disposition", f->ws.hit);
  g_assert_cmpstr (assert_error (by_examiner, 403, "forbidden"), ==, expected);
  steward = sign_in (f, "steward");
  by_steward = call (f, "GET", "/api/v1/hits", steward, NULL);
  assert_error (by_steward, 403, "forbidden");

  no_reason = callf (f, "POST", analyst, "{\"disposition\": \"dismissed\"}",
                     "/api/v1/hits/%" G_GINT64_FORMAT "/disposition", f->ws.hit);
  g_assert_cmpuint (no_reason->status, >=, 400);
  g_assert_cmpuint (no_reason->status, <, 500);
  escalated = callf (f, "POST", analyst, "{\"disposition\": \"escalated\", \"reason\": \"names differ\"}",
                     "/api/v1/hits/%" G_GINT64_FORMAT "/disposition", f->ws.hit);
  assert_ok (escalated, 200);
  g_assert_cmpstr (json_object_get_string_member (object (escalated), "status"), ==, "escalated");
  analyst_again = callf (f, "POST", analyst, "{\"disposition\": \"confirmed\"}",
                         "/api/v1/hits/%" G_GINT64_FORMAT "/disposition", f->ws.hit);
  assert_error (analyst_again, 403, "forbidden");
  supervisor = sign_in (f, "supb");
  decided = callf (f, "POST", supervisor, "{\"disposition\": \"confirmed\", \"reason\": \"same prints\"}",
                   "/api/v1/hits/%" G_GINT64_FORMAT "/disposition", f->ws.hit);
  assert_ok (decided, 200);
  g_assert_cmpstr (json_object_get_string_member (object (decided), "status"), ==, "confirmed");

  /* The hit's history, as the hit view shows it to the analyst. */
  history = callf (f, "GET", analyst, NULL, "/api/v1/audit?kind=hit&object=%" G_GINT64_FORMAT, f->ws.hit);
  assert_ok (history, 200);
  g_assert_cmpuint (json_array_get_length (array (history, "entries")), >=, 2);
}

/* Every part of a person's record a page reads, as a border analyst without
 * a grant: the restricted police record's content is in none of them. */
static void
test_identity_parts (Fixture *f, gconstpointer data)
{
  g_autofree char *border = NULL, *police = NULL, *steward = NULL, *examiner = NULL;
  const char *const parts[] = { "summary", "encounters", "derogatory-records", "samples" };
  g_autoptr(Reply) records = NULL, theirs = NULL, by_steward = NULL, history = NULL, whole_log = NULL, links = NULL;
  g_autoptr(Reply) agencies = NULL, user = NULL, tpl = NULL, search_list = NULL;
  JsonArray *list;
  gboolean withheld = FALSE, read = FALSE;

  if (f->server == NULL)
    return;
  border = sign_in (f, "ban");
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autoptr(Reply) part = callf (f, "GET", border, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/%s",
                                     f->ws.wanted, parts[i]);
      assert_ok (part, 200);
      g_assert_false (body_contains (part, SECRET));
      g_assert_false (body_contains (part, "2021-02-03"));
    }
  records = callf (f, "GET", border, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/derogatory-records", f->ws.wanted);
  g_assert_true (body_contains (records, SHARABLE));
  list = array (records, "derogatory_records");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *r = json_array_get_object_element (list, i);
      if (json_object_get_int_member (r, "id") == f->ws.restricted_record)
        {
          g_assert_true (json_object_get_boolean_member (r, "withheld"));
          g_assert_cmpstr (json_object_get_string_member (r, "held_by"), ==, "Held by POLICE");
          g_assert_cmpstr (json_object_get_string_member (r, "category"), ==, "drug-smuggler");
          withheld = TRUE;
        }
    }
  g_assert_true (withheld);
  /* Neither in the identity's history (what the identity view lists). */
  history = callf (f, "GET", border, NULL, "/api/v1/audit?kind=identity&object=%" G_GINT64_FORMAT, f->ws.wanted);
  assert_ok (history, 200);
  g_assert_false (body_contains (history, SECRET));
  whole_log = call (f, "GET", "/api/v1/audit", border, NULL);
  assert_error (whole_log, 403, "forbidden");

  /* The police analyst reads their agency's record. */
  police = sign_in (f, "pan");
  theirs = callf (f, "GET", police, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/derogatory-records", f->ws.wanted);
  assert_ok (theirs, 200);
  list = array (theirs, "derogatory_records");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *r = json_array_get_object_element (list, i);
      if (json_object_get_int_member (r, "id") == f->ws.restricted_record)
        {
          g_assert_false (json_object_get_boolean_member (r, "withheld"));
          g_assert_cmpstr (json_object_get_string_member (r, "summary"), ==, SECRET);
          read = TRUE;
        }
    }
  g_assert_true (read);

  /* A data steward does no casework: no person's parts. */
  steward = sign_in (f, "steward");
  by_steward = callf (f, "GET", steward, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/encounters", f->ws.wanted);
  assert_error (by_steward, 403, "forbidden");

  /* Lookups every page uses. */
  agencies = call (f, "GET", "/api/v1/agencies", steward, NULL);
  assert_ok (agencies, 200);
  g_assert_cmpuint (json_array_get_length (array (agencies, "agencies")), ==, 2);
  user = callf (f, "GET", border, NULL, "/api/v1/users/%" G_GINT64_FORMAT, f->ws.sup_author);
  assert_ok (user, 200);
  g_assert_cmpstr (json_object_get_string_member (object (user), "username"), ==, "supa");
  examiner = sign_in (f, "examiner");
  links = callf (f, "GET", examiner, NULL, "/api/v1/links?identity=%" G_GINT64_FORMAT, f->ws.wanted);
  assert_ok (links, 200);
  g_assert_cmpuint (json_array_get_length (array (links, "links")), ==, 1);
  search_list = call (f, "GET", "/api/v1/searches", border, NULL);
  assert_ok (search_list, 200);
  {
    /* A print's template, byte for byte as the store holds it. */
    g_autoptr(GError) error = NULL;
    g_autoptr(RlStore) s = rl_store_open (f->db, &error);
    g_autoptr(GPtrArray) samples = rl_store_list_samples (s, f->ws.wanted_encounters[0], &error);
    g_autoptr(GBytes) stored = NULL;
    RlSample *sample;

    g_assert_no_error (error);
    sample = samples->pdata[0];
    stored = rl_store_get_sample_template (s, sample->id, &error);
    tpl = callf (f, "GET", border, NULL, "/api/v1/samples/%" G_GINT64_FORMAT "/template", sample->id);
    assert_ok (tpl, 200);
    g_assert_true (g_bytes_equal (tpl->body, stored));
  }
}

/* The data steward's access rules over the API: a grant lets the border
 * analyst read the police record at once, a revoke withholds it again; an
 * analyst cannot grant; an examiner cannot even list the rules. */
static void
test_access_grants (Fixture *f, gconstpointer data)
{
  g_autofree char *steward = NULL, *analyst = NULL, *examiner = NULL, *supervisor = NULL;
  g_autofree char *body = g_strdup_printf ("{\"source_agency_id\": %" G_GINT64_FORMAT ", \"role\": \"analyst\", "
                                           "\"agency_id\": %" G_GINT64_FORMAT "}", f->ws.police, f->ws.border);
  g_autoptr(Reply) by_analyst = NULL, granted = NULL, listed = NULL, readable = NULL, revoked = NULL;
  g_autoptr(Reply) withheld = NULL, by_examiner = NULL, by_supervisor = NULL, bad_role = NULL;
  JsonObject *grant;
  gint64 id;

  if (f->server == NULL)
    return;
  analyst = sign_in (f, "ban");
  by_analyst = call (f, "POST", "/api/v1/access-grants", analyst, body);
  assert_error (by_analyst, 403, "forbidden");
  bad_role = call (f, "POST", "/api/v1/access-grants", analyst, "{\"source_agency_id\": 2, \"role\": \"janitor\"}");
  assert_error (bad_role, 400, "bad-request");

  steward = sign_in (f, "steward");
  granted = call (f, "POST", "/api/v1/access-grants", steward, body);
  assert_ok (granted, 201);
  id = json_object_get_int_member (object (granted), "id");
  listed = call (f, "GET", "/api/v1/access-grants", steward, NULL);
  assert_ok (listed, 200);
  g_assert_cmpuint (json_array_get_length (array (listed, "grants")), ==, 1);
  grant = json_array_get_object_element (array (listed, "grants"), 0);
  g_assert_cmpint (json_object_get_int_member (grant, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (grant, "source_agency"), ==, "POLICE");
  g_assert_cmpstr (json_object_get_string_member (grant, "role"), ==, "analyst");
  g_assert_cmpstr (json_object_get_string_member (grant, "agency"), ==, "BORDER");
  g_assert_cmpstr (json_object_get_string_member (grant, "granted_by"), ==, "steward");

  readable = callf (f, "GET", analyst, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/derogatory-records", f->ws.wanted);
  g_assert_true (body_contains (readable, SECRET));

  examiner = sign_in (f, "examiner");
  by_examiner = call (f, "GET", "/api/v1/access-grants", examiner, NULL);
  assert_error (by_examiner, 403, "forbidden");
  supervisor = sign_in (f, "supa");
  by_supervisor = callf (f, "DELETE", supervisor, NULL, "/api/v1/access-grants/%" G_GINT64_FORMAT, id);
  assert_error (by_supervisor, 403, "forbidden");

  revoked = callf (f, "DELETE", steward, NULL, "/api/v1/access-grants/%" G_GINT64_FORMAT, id);
  assert_ok (revoked, 204);
  withheld = callf (f, "GET", analyst, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/derogatory-records", f->ws.wanted);
  assert_ok (withheld, 200);
  g_assert_false (body_contains (withheld, SECRET));
}

static gboolean
examiner_merges (RlStore *s, Fixture *f, GError **error)
{
  return rl_store_merge_identities (s, f->ws.other, f->ws.wanted, "same person", error) >= 0;
}

/* Links page and identity view actions: resolve a link, merge, undo the
 * merge, split; an examiner is refused each with the store's words. */
static void
test_links_merge_split (Fixture *f, gconstpointer data)
{
  g_autofree char *analyst = NULL, *examiner = NULL, *expected = NULL, *merge = NULL;
  g_autofree char *split = NULL;
  g_autoptr(Reply) resolved = NULL, by_examiner = NULL, merged = NULL, summary = NULL, undone = NULL;
  g_autoptr(Reply) examiner_merge = NULL, no_reason = NULL, split_ok = NULL, huge = NULL, all_links = NULL;
  g_autoptr(Reply) bad_colour = NULL, moved = NULL;
  gint64 new_identity;

  if (f->server == NULL)
    return;
  analyst = sign_in (f, "ban");
  all_links = call (f, "GET", "/api/v1/links", analyst, NULL);
  g_assert_cmpuint (json_array_get_length (array (all_links, "links")), ==, 1);
  examiner = sign_in (f, "examiner");
  by_examiner = callf (f, "POST", examiner, "{\"colour\": \"white\", \"reason\": \"same person\"}",
                       "/api/v1/links/%" G_GINT64_FORMAT "/resolve", f->ws.link);
  assert_error (by_examiner, 403, "forbidden");
  bad_colour = callf (f, "POST", analyst, "{\"colour\": \"purple\", \"reason\": \"x\"}",
                      "/api/v1/links/%" G_GINT64_FORMAT "/resolve", f->ws.link);
  assert_error (bad_colour, 400, "bad-request");
  resolved = callf (f, "POST", analyst, "{\"colour\": \"white\", \"reason\": \"name spelled two ways\"}",
                    "/api/v1/links/%" G_GINT64_FORMAT "/resolve", f->ws.link);
  assert_ok (resolved, 200);
  g_assert_cmpstr (json_object_get_string_member (object (resolved), "colour"), ==, "white");
  g_assert_cmpint (json_object_get_int_member (object (resolved), "resolved_by"), ==, f->ws.border_analyst);

  /* Merge: the store's refusal for an examiner, word for word. */
  expected = store_refusal (f, f->ws.examiner, examiner_merges);
  merge = g_strdup_printf ("{\"into\": %" G_GINT64_FORMAT ", \"reason\": \"same person\"}", f->ws.wanted);
  examiner_merge = callf (f, "POST", examiner, merge, "/api/v1/identities/%" G_GINT64_FORMAT "/merge", f->ws.other);
  g_assert_cmpstr (assert_error (examiner_merge, 403, "forbidden"), ==, expected);
  no_reason = callf (f, "POST", analyst, "{\"into\": 1, \"reason\": \"  \"}",
                     "/api/v1/identities/%" G_GINT64_FORMAT "/merge", f->ws.other);
  assert_error (no_reason, 400, "bad-request");
  merged = callf (f, "POST", analyst, merge, "/api/v1/identities/%" G_GINT64_FORMAT "/merge", f->ws.other);
  assert_ok (merged, 200);
  g_assert_cmpint (json_object_get_int_member (object (merged), "moved"), ==, 1);
  summary = callf (f, "GET", analyst, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/summary", f->ws.other);
  g_assert_cmpint (json_object_get_int_member (object (summary), "merged_into"), ==, f->ws.wanted);
  undone = callf (f, "POST", analyst, "{\"reason\": \"different people after all\"}",
                  "/api/v1/identities/%" G_GINT64_FORMAT "/undo-merge", f->ws.other);
  assert_ok (undone, 200);
  g_assert_cmpint (json_object_get_int_member (object (undone), "moved"), ==, 1);

  /* Split the wanted person's second encounter off; a number out of any
   * integer's range is refused as malformed. */
  huge = callf (f, "POST", analyst, "{\"encounters\": [1e300], \"reason\": \"x\"}",
                "/api/v1/identities/%" G_GINT64_FORMAT "/split", f->ws.wanted);
  assert_error (huge, 400, "bad-request");
  split = g_strdup_printf ("{\"encounters\": [%" G_GINT64_FORMAT "], \"reason\": \"another person's visa\"}",
                           f->ws.wanted_encounters[1]);
  split_ok = callf (f, "POST", analyst, split, "/api/v1/identities/%" G_GINT64_FORMAT "/split", f->ws.wanted);
  assert_ok (split_ok, 201);
  new_identity = json_object_get_int_member (object (split_ok), "id");
  moved = callf (f, "GET", analyst, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/encounters", new_identity);
  g_assert_cmpuint (json_array_get_length (array (moved, "encounters")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array (moved, "encounters"), 0), "id"),
                   ==, f->ws.wanted_encounters[1]);
}

/* Polls a job (as the Tuning page does) until it is no longer running. */
static Reply *
wait_for_job (Fixture *f, const char *location, const char *token)
{
  for (;;)
    {
      Reply *job = call (f, "GET", location, token, NULL);

      assert_ok (job, 200);
      if (g_strcmp0 (json_object_get_string_member (object (job), "state"), "running") != 0)
        return job;
      reply_free (job);
      g_usleep (G_USEC_PER_SEC / 5);
    }
}

/* Evaluation runs on the server as a job: 202 with where to poll, the job
 * ends with the release evaluated by the server (metrics stored, audited as
 * the supervisor); one at a time; an examiner and an analyst are refused. */
static void
test_tuning_job (Fixture *f, gconstpointer data)
{
  g_autofree char *examiner = NULL, *supervisor = NULL, *other = NULL, *location = NULL;
  g_autoptr(Reply) by_examiner = NULL, started = NULL, job = NULL, release = NULL, poll_examiner = NULL;
  g_autoptr(Reply) evaluate_examiner = NULL;
  g_autoptr(Reply) wrong_state = NULL, missing = NULL;
  g_autoptr(GError) error = NULL;
  const char *state;

  if (f->server == NULL)
    return;
  examiner = sign_in (f, "examiner");
  by_examiner = call (f, "POST", "/api/v1/releases/tune", examiner, NULL);
  assert_error (by_examiner, 403, "forbidden");
  evaluate_examiner = callf (f, "POST", examiner, NULL, "/api/v1/releases/%" G_GINT64_FORMAT "/evaluate", f->ws.draft);
  assert_error (evaluate_examiner, 403, "forbidden");

  supervisor = sign_in (f, "supa");
  started = callf (f, "POST", supervisor, NULL, "/api/v1/releases/%" G_GINT64_FORMAT "/evaluate", f->ws.draft);
  assert_ok (started, 202);
  g_assert_cmpstr (json_object_get_string_member (object (started), "kind"), ==, "evaluate");
  g_assert_nonnull (started->location);
  location = g_strdup (started->location);
  poll_examiner = call (f, "GET", location, examiner, NULL);
  assert_error (poll_examiner, 403, "forbidden");

  /* Poll as the page does, until the server says it ended. */
  job = wait_for_job (f, location, supervisor);
  state = json_object_get_string_member (object (job), "state");
  if (g_strcmp0 (state, "done") != 0)
    g_printerr ("%s\n", json_object_get_string_member (object (job), "message"));
  g_assert_cmpstr (state, ==, "done");
  g_assert_cmpfloat (json_object_get_double_member (object (job), "progress"), ==, 1.0);
  g_assert_false (json_object_get_null_member (object (job), "summary"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object (job), "summary"), "release_id"),
                   ==, f->ws.draft);
  release = callf (f, "GET", supervisor, NULL, "/api/v1/releases/%" G_GINT64_FORMAT, f->ws.draft);
  g_assert_cmpstr (json_object_get_string_member (object (release), "state"), ==, "evaluated");
  g_assert_false (json_object_get_null_member (object (release), "metrics"));

  /* The evaluation is audited as the supervisor; an active release is not re-evaluated. */
  {
    g_autoptr(RlStore) s = rl_store_open (f->db, &error);
    g_autoptr(RlMatcherRelease) active = rl_store_get_active_release (s, &error);
    g_autoptr(GPtrArray) audit = rl_store_list_audit (s, "matcher_release", f->ws.draft, f->ws.sup_author, 0, &error);
    gboolean evaluated = FALSE;

    g_assert_no_error (error);
    for (guint i = 0; i < audit->len; i++)
      evaluated |= g_str_equal (((RlAuditEntry *) audit->pdata[i])->action, "release.evaluate");
    g_assert_true (evaluated);
    wrong_state = callf (f, "POST", supervisor, NULL, "/api/v1/releases/%" G_GINT64_FORMAT "/evaluate", active->id);
    assert_error (wrong_state, 409, "rule");
  }
  missing = call (f, "GET", "/api/v1/jobs/999", supervisor, NULL);
  assert_error (missing, 404, "not-found");

  /* A tuning run cancelled by another supervisor stops and stores nothing. */
  {
    g_autoptr(Reply) tune = NULL;
    g_autoptr(Reply) second = NULL, cancel = NULL, ended = NULL, releases = NULL;
    g_autofree char *tune_location = NULL;

    other = sign_in (f, "supb");
    tune = call (f, "POST", "/api/v1/releases/tune", supervisor, "{\"name\": \"never-stored\"}");
    assert_ok (tune, 202);
    tune_location = g_strdup (tune->location);
    cancel = call (f, "DELETE", tune_location, other, NULL);
    assert_ok (cancel, 200);
    /* One job at a time: a second is refused while this one winds down. */
    second = callf (f, "POST", other, NULL, "/api/v1/releases/%" G_GINT64_FORMAT "/evaluate", f->ws.draft);
    if (second->status != 202)
      assert_error (second, 409, "rule");
    else   /* the tuning had ended already */
      {
        g_autofree char *second_location = g_strdup (second->location);
        reply_free (wait_for_job (f, second_location, other));
      }
    ended = wait_for_job (f, tune_location, supervisor);
    state = json_object_get_string_member (object (ended), "state");
    releases = call (f, "GET", "/api/v1/releases", supervisor, NULL);
    g_test_message ("the cancelled tuning job ended %s", state);
    if (g_strcmp0 (state, "cancelled") == 0)
      {
        /* Unless it had already finished: then the draft is there. */
        g_assert_cmpstr (json_object_get_string_member (object (ended), "error"), ==, "cancelled");
        g_assert_false (body_contains (releases, "never-stored"));
      }
    else
      {
        g_assert_cmpstr (state, ==, "done");
        g_assert_true (body_contains (releases, "never-stored"));
      }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server-pages/hits", test_hits);
  ADD ("/server-pages/identity-parts", test_identity_parts);
  ADD ("/server-pages/access-grants", test_access_grants);
  ADD ("/server-pages/links-merge-split", test_links_merge_split);
  ADD ("/server-pages/tuning-job", test_tuning_job);
  return g_test_run ();
}
