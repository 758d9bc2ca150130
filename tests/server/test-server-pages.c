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
#include "server-test-util.h"

typedef struct {
  char            *dir;
  char            *db;
  PagesWorkspace   ws;
  RlServer        *server;
  GTlsCertificate *certificate;
  RlTestClient     client;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert = NULL, *key = NULL;
  RlServerLimits limits;

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
  f->server = rl_test_server_start (f->db, f->certificate, &limits);
  {
    g_autofree char *base = rl_server_get_base_uri (f->server);
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

/* rl_test_call() with a printf-made path. */
static RlTestReply *
callf (Fixture *f, const char *method, const char *token, const char *body, const char *format, ...)
  G_GNUC_PRINTF (5, 6);

static RlTestReply *
callf (Fixture *f, const char *method, const char *token, const char *body, const char *format, ...)
{
  va_list args;
  g_autofree char *path = NULL;

  va_start (args, format);
  path = g_strdup_vprintf (format, args);
  va_end (args);
  return rl_test_call (&f->client, method, path, token, body);
}

static JsonArray *
array (RlTestReply *reply, const char *member)
{
  return json_object_get_array_member (rl_test_reply_object (reply), member);
}

static gboolean
body_contains (RlTestReply *reply, const char *text)
{
  return g_strstr_len (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body), text) != NULL;
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
  g_autoptr(RlTestReply) open = NULL, closed = NULL, hit = NULL, search = NULL, candidates = NULL, encounter = NULL;
  g_autoptr(RlTestReply) by_examiner = NULL, by_steward = NULL, no_reason = NULL, escalated = NULL, analyst_again = NULL;
  g_autoptr(RlTestReply) decided = NULL, bad_status = NULL, history = NULL;

  if (f->server == NULL)
    return;
  analyst = rl_test_sign_in (&f->client, "ban", PASSWORD);
  open = rl_test_call (&f->client, "GET", "/api/v1/hits?status=open", analyst, NULL);
  rl_test_assert_status (open, 200);
  g_assert_cmpuint (json_array_get_length (array (open, "hits")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array (open, "hits"), 0), "id"), ==, f->ws.hit);
  closed = rl_test_call (&f->client, "GET", "/api/v1/hits?status=confirmed", analyst, NULL);
  g_assert_cmpuint (json_array_get_length (array (closed, "hits")), ==, 0);
  bad_status = rl_test_call (&f->client, "GET", "/api/v1/hits?status=maybe", analyst, NULL);
  rl_test_assert_error (bad_status, 400, "bad-request");

  hit = callf (f, "GET", analyst, NULL, "/api/v1/hits/%" G_GINT64_FORMAT, f->ws.hit);
  rl_test_assert_status (hit, 200);
  g_assert_cmpint (json_object_get_int_member (rl_test_reply_object (hit), "identity_id"), ==, f->ws.wanted);
  /* What the hit view shows beside it: the search, its candidates, the new encounter. */
  search = callf (f, "GET", analyst, NULL, "/api/v1/searches/%" G_GINT64_FORMAT, f->ws.search);
  rl_test_assert_status (search, 200);
  candidates = callf (f, "GET", analyst, NULL, "/api/v1/searches/%" G_GINT64_FORMAT "/candidates", f->ws.search);
  rl_test_assert_status (candidates, 200);
  g_assert_cmpuint (json_array_get_length (array (candidates, "candidates")), ==, 1);
  encounter = callf (f, "GET", analyst, NULL, "/api/v1/encounters/%" G_GINT64_FORMAT, f->ws.other_encounter);
  rl_test_assert_status (encounter, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (rl_test_reply_object (encounter), "biographic"),
                                                  "family_name"), ==, "Okafore");
  g_assert_cmpint (json_object_get_int_member (rl_test_reply_object (encounter), "agency_id"), ==, f->ws.border);

  /* An examiner reads hits (the identity view lists them) but may not dispose
   * of one: the store's words. A data steward has no hits at all. */
  expected = store_refusal (f, f->ws.examiner, examiner_confirms);
  examiner = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  by_examiner = callf (f, "POST", examiner, "{\"disposition\": \"confirmed\"}",
                       "/api/v1/hits/%" G_GINT64_FORMAT "/disposition", f->ws.hit);
  g_assert_cmpstr (rl_test_assert_error (by_examiner, 403, "forbidden"), ==, expected);
  steward = rl_test_sign_in (&f->client, "steward", PASSWORD);
  by_steward = rl_test_call (&f->client, "GET", "/api/v1/hits", steward, NULL);
  rl_test_assert_error (by_steward, 403, "forbidden");

  no_reason = callf (f, "POST", analyst, "{\"disposition\": \"dismissed\"}",
                     "/api/v1/hits/%" G_GINT64_FORMAT "/disposition", f->ws.hit);
  g_assert_cmpuint (no_reason->status, >=, 400);
  g_assert_cmpuint (no_reason->status, <, 500);
  escalated = callf (f, "POST", analyst, "{\"disposition\": \"escalated\", \"reason\": \"names differ\"}",
                     "/api/v1/hits/%" G_GINT64_FORMAT "/disposition", f->ws.hit);
  rl_test_assert_status (escalated, 200);
  g_assert_cmpstr (json_object_get_string_member (rl_test_reply_object (escalated), "status"), ==, "escalated");
  analyst_again = callf (f, "POST", analyst, "{\"disposition\": \"confirmed\"}",
                         "/api/v1/hits/%" G_GINT64_FORMAT "/disposition", f->ws.hit);
  rl_test_assert_error (analyst_again, 403, "forbidden");
  supervisor = rl_test_sign_in (&f->client, "supb", PASSWORD);
  decided = callf (f, "POST", supervisor, "{\"disposition\": \"confirmed\", \"reason\": \"same prints\"}",
                   "/api/v1/hits/%" G_GINT64_FORMAT "/disposition", f->ws.hit);
  rl_test_assert_status (decided, 200);
  g_assert_cmpstr (json_object_get_string_member (rl_test_reply_object (decided), "status"), ==, "confirmed");

  /* The hit's history, as the hit view shows it to the analyst. */
  history = callf (f, "GET", analyst, NULL, "/api/v1/audit?kind=hit&object=%" G_GINT64_FORMAT, f->ws.hit);
  rl_test_assert_status (history, 200);
  g_assert_cmpuint (json_array_get_length (array (history, "entries")), >=, 2);
}

/* Every part of a person's record a page reads, as a border analyst without
 * a grant: the restricted police record's content is in none of them. */
static void
test_identity_parts (Fixture *f, gconstpointer data)
{
  g_autofree char *border = NULL, *police = NULL, *steward = NULL, *examiner = NULL;
  const char *const parts[] = { "summary", "encounters", "derogatory-records", "samples" };
  g_autoptr(RlTestReply) records = NULL, theirs = NULL, by_steward = NULL, history = NULL, whole_log = NULL, links = NULL;
  g_autoptr(RlTestReply) agencies = NULL, user = NULL, tpl = NULL, search_list = NULL;
  JsonArray *list;
  gboolean withheld = FALSE, read = FALSE;

  if (f->server == NULL)
    return;
  border = rl_test_sign_in (&f->client, "ban", PASSWORD);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autoptr(RlTestReply) part = callf (f, "GET", border, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/%s",
                                     f->ws.wanted, parts[i]);
      rl_test_assert_status (part, 200);
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
  rl_test_assert_status (history, 200);
  g_assert_false (body_contains (history, SECRET));
  whole_log = rl_test_call (&f->client, "GET", "/api/v1/audit", border, NULL);
  rl_test_assert_error (whole_log, 403, "forbidden");

  /* The police analyst reads their agency's record. */
  police = rl_test_sign_in (&f->client, "pan", PASSWORD);
  theirs = callf (f, "GET", police, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/derogatory-records", f->ws.wanted);
  rl_test_assert_status (theirs, 200);
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
  steward = rl_test_sign_in (&f->client, "steward", PASSWORD);
  by_steward = callf (f, "GET", steward, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/encounters", f->ws.wanted);
  rl_test_assert_error (by_steward, 403, "forbidden");

  /* Lookups every page uses. */
  agencies = rl_test_call (&f->client, "GET", "/api/v1/agencies", steward, NULL);
  rl_test_assert_status (agencies, 200);
  g_assert_cmpuint (json_array_get_length (array (agencies, "agencies")), ==, 2);
  user = callf (f, "GET", border, NULL, "/api/v1/users/%" G_GINT64_FORMAT, f->ws.sup_author);
  rl_test_assert_status (user, 200);
  g_assert_cmpstr (json_object_get_string_member (rl_test_reply_object (user), "username"), ==, "supa");
  examiner = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  links = callf (f, "GET", examiner, NULL, "/api/v1/links?identity=%" G_GINT64_FORMAT, f->ws.wanted);
  rl_test_assert_status (links, 200);
  g_assert_cmpuint (json_array_get_length (array (links, "links")), ==, 1);
  search_list = rl_test_call (&f->client, "GET", "/api/v1/searches", border, NULL);
  rl_test_assert_status (search_list, 200);
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
    rl_test_assert_status (tpl, 200);
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
  g_autoptr(RlTestReply) by_analyst = NULL, granted = NULL, listed = NULL, readable = NULL, revoked = NULL;
  g_autoptr(RlTestReply) withheld = NULL, by_examiner = NULL, by_supervisor = NULL, bad_role = NULL;
  JsonObject *grant;
  gint64 id;

  if (f->server == NULL)
    return;
  analyst = rl_test_sign_in (&f->client, "ban", PASSWORD);
  by_analyst = rl_test_call (&f->client, "POST", "/api/v1/access-grants", analyst, body);
  rl_test_assert_error (by_analyst, 403, "forbidden");
  bad_role = rl_test_call (&f->client, "POST", "/api/v1/access-grants", analyst, "{\"source_agency_id\": 2, \"role\": \"janitor\"}");
  rl_test_assert_error (bad_role, 400, "bad-request");

  steward = rl_test_sign_in (&f->client, "steward", PASSWORD);
  granted = rl_test_call (&f->client, "POST", "/api/v1/access-grants", steward, body);
  rl_test_assert_status (granted, 201);
  id = json_object_get_int_member (rl_test_reply_object (granted), "id");
  listed = rl_test_call (&f->client, "GET", "/api/v1/access-grants", steward, NULL);
  rl_test_assert_status (listed, 200);
  g_assert_cmpuint (json_array_get_length (array (listed, "grants")), ==, 1);
  grant = json_array_get_object_element (array (listed, "grants"), 0);
  g_assert_cmpint (json_object_get_int_member (grant, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (grant, "source_agency"), ==, "POLICE");
  g_assert_cmpstr (json_object_get_string_member (grant, "role"), ==, "analyst");
  g_assert_cmpstr (json_object_get_string_member (grant, "agency"), ==, "BORDER");
  g_assert_cmpstr (json_object_get_string_member (grant, "granted_by"), ==, "steward");

  readable = callf (f, "GET", analyst, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/derogatory-records", f->ws.wanted);
  g_assert_true (body_contains (readable, SECRET));

  examiner = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  by_examiner = rl_test_call (&f->client, "GET", "/api/v1/access-grants", examiner, NULL);
  rl_test_assert_error (by_examiner, 403, "forbidden");
  supervisor = rl_test_sign_in (&f->client, "supa", PASSWORD);
  by_supervisor = callf (f, "DELETE", supervisor, NULL, "/api/v1/access-grants/%" G_GINT64_FORMAT, id);
  rl_test_assert_error (by_supervisor, 403, "forbidden");

  revoked = callf (f, "DELETE", steward, NULL, "/api/v1/access-grants/%" G_GINT64_FORMAT, id);
  rl_test_assert_status (revoked, 204);
  withheld = callf (f, "GET", analyst, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/derogatory-records", f->ws.wanted);
  rl_test_assert_status (withheld, 200);
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
  g_autoptr(RlTestReply) resolved = NULL, by_examiner = NULL, merged = NULL, summary = NULL, undone = NULL;
  g_autoptr(RlTestReply) examiner_merge = NULL, no_reason = NULL, split_ok = NULL, huge = NULL, all_links = NULL;
  g_autoptr(RlTestReply) bad_colour = NULL, moved = NULL;
  gint64 new_identity;

  if (f->server == NULL)
    return;
  analyst = rl_test_sign_in (&f->client, "ban", PASSWORD);
  all_links = rl_test_call (&f->client, "GET", "/api/v1/links", analyst, NULL);
  g_assert_cmpuint (json_array_get_length (array (all_links, "links")), ==, 1);
  examiner = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  by_examiner = callf (f, "POST", examiner, "{\"colour\": \"white\", \"reason\": \"same person\"}",
                       "/api/v1/links/%" G_GINT64_FORMAT "/resolve", f->ws.link);
  rl_test_assert_error (by_examiner, 403, "forbidden");
  bad_colour = callf (f, "POST", analyst, "{\"colour\": \"purple\", \"reason\": \"x\"}",
                      "/api/v1/links/%" G_GINT64_FORMAT "/resolve", f->ws.link);
  rl_test_assert_error (bad_colour, 400, "bad-request");
  resolved = callf (f, "POST", analyst, "{\"colour\": \"white\", \"reason\": \"name spelled two ways\"}",
                    "/api/v1/links/%" G_GINT64_FORMAT "/resolve", f->ws.link);
  rl_test_assert_status (resolved, 200);
  g_assert_cmpstr (json_object_get_string_member (rl_test_reply_object (resolved), "colour"), ==, "white");
  g_assert_cmpint (json_object_get_int_member (rl_test_reply_object (resolved), "resolved_by"), ==, f->ws.border_analyst);

  /* Merge: the store's refusal for an examiner, word for word. */
  expected = store_refusal (f, f->ws.examiner, examiner_merges);
  merge = g_strdup_printf ("{\"into\": %" G_GINT64_FORMAT ", \"reason\": \"same person\"}", f->ws.wanted);
  examiner_merge = callf (f, "POST", examiner, merge, "/api/v1/identities/%" G_GINT64_FORMAT "/merge", f->ws.other);
  g_assert_cmpstr (rl_test_assert_error (examiner_merge, 403, "forbidden"), ==, expected);
  no_reason = callf (f, "POST", analyst, "{\"into\": 1, \"reason\": \"  \"}",
                     "/api/v1/identities/%" G_GINT64_FORMAT "/merge", f->ws.other);
  rl_test_assert_error (no_reason, 400, "bad-request");
  merged = callf (f, "POST", analyst, merge, "/api/v1/identities/%" G_GINT64_FORMAT "/merge", f->ws.other);
  rl_test_assert_status (merged, 200);
  g_assert_cmpint (json_object_get_int_member (rl_test_reply_object (merged), "moved"), ==, 1);
  summary = callf (f, "GET", analyst, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/summary", f->ws.other);
  g_assert_cmpint (json_object_get_int_member (rl_test_reply_object (summary), "merged_into"), ==, f->ws.wanted);
  undone = callf (f, "POST", analyst, "{\"reason\": \"different people after all\"}",
                  "/api/v1/identities/%" G_GINT64_FORMAT "/undo-merge", f->ws.other);
  rl_test_assert_status (undone, 200);
  g_assert_cmpint (json_object_get_int_member (rl_test_reply_object (undone), "moved"), ==, 1);

  /* Split the wanted person's second encounter off; a number out of any
   * integer's range is refused as malformed. */
  huge = callf (f, "POST", analyst, "{\"encounters\": [1e300], \"reason\": \"x\"}",
                "/api/v1/identities/%" G_GINT64_FORMAT "/split", f->ws.wanted);
  rl_test_assert_error (huge, 400, "bad-request");
  split = g_strdup_printf ("{\"encounters\": [%" G_GINT64_FORMAT "], \"reason\": \"another person's visa\"}",
                           f->ws.wanted_encounters[1]);
  split_ok = callf (f, "POST", analyst, split, "/api/v1/identities/%" G_GINT64_FORMAT "/split", f->ws.wanted);
  rl_test_assert_status (split_ok, 201);
  new_identity = json_object_get_int_member (rl_test_reply_object (split_ok), "id");
  moved = callf (f, "GET", analyst, NULL, "/api/v1/identities/%" G_GINT64_FORMAT "/encounters", new_identity);
  g_assert_cmpuint (json_array_get_length (array (moved, "encounters")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array (moved, "encounters"), 0), "id"),
                   ==, f->ws.wanted_encounters[1]);
}

/* Polls a job (as the Tuning page does) until it is no longer running. */
static RlTestReply *
wait_for_job (Fixture *f, const char *location, const char *token)
{
  for (;;)
    {
      RlTestReply *job = rl_test_call (&f->client, "GET", location, token, NULL);

      rl_test_assert_status (job, 200);
      if (g_strcmp0 (json_object_get_string_member (rl_test_reply_object (job), "state"), "running") != 0)
        return job;
      rl_test_reply_free (job);
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
  g_autoptr(RlTestReply) by_examiner = NULL, started = NULL, job = NULL, release = NULL, poll_examiner = NULL;
  g_autoptr(RlTestReply) evaluate_examiner = NULL;
  g_autoptr(RlTestReply) wrong_state = NULL, missing = NULL;
  g_autoptr(GError) error = NULL;
  const char *state;

  if (f->server == NULL)
    return;
  examiner = rl_test_sign_in (&f->client, "examiner", PASSWORD);
  by_examiner = rl_test_call (&f->client, "POST", "/api/v1/releases/tune", examiner, NULL);
  rl_test_assert_error (by_examiner, 403, "forbidden");
  evaluate_examiner = callf (f, "POST", examiner, NULL, "/api/v1/releases/%" G_GINT64_FORMAT "/evaluate", f->ws.draft);
  rl_test_assert_error (evaluate_examiner, 403, "forbidden");

  supervisor = rl_test_sign_in (&f->client, "supa", PASSWORD);
  started = callf (f, "POST", supervisor, NULL, "/api/v1/releases/%" G_GINT64_FORMAT "/evaluate", f->ws.draft);
  rl_test_assert_status (started, 202);
  g_assert_cmpstr (json_object_get_string_member (rl_test_reply_object (started), "kind"), ==, "evaluate");
  g_assert_nonnull (started->location);
  location = g_strdup (started->location);
  poll_examiner = rl_test_call (&f->client, "GET", location, examiner, NULL);
  rl_test_assert_error (poll_examiner, 403, "forbidden");

  /* Poll as the page does, until the server says it ended. */
  job = wait_for_job (f, location, supervisor);
  state = json_object_get_string_member (rl_test_reply_object (job), "state");
  if (g_strcmp0 (state, "done") != 0)
    g_printerr ("%s\n", json_object_get_string_member (rl_test_reply_object (job), "message"));
  g_assert_cmpstr (state, ==, "done");
  g_assert_cmpfloat (json_object_get_double_member (rl_test_reply_object (job), "progress"), ==, 1.0);
  g_assert_false (json_object_get_null_member (rl_test_reply_object (job), "summary"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (rl_test_reply_object (job), "summary"), "release_id"),
                   ==, f->ws.draft);
  release = callf (f, "GET", supervisor, NULL, "/api/v1/releases/%" G_GINT64_FORMAT, f->ws.draft);
  g_assert_cmpstr (json_object_get_string_member (rl_test_reply_object (release), "state"), ==, "evaluated");
  g_assert_false (json_object_get_null_member (rl_test_reply_object (release), "metrics"));

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
    rl_test_assert_error (wrong_state, 409, "rule");
  }
  missing = rl_test_call (&f->client, "GET", "/api/v1/jobs/999", supervisor, NULL);
  rl_test_assert_error (missing, 404, "not-found");

  /* A tuning run cancelled by another supervisor stops and stores nothing. */
  {
    g_autoptr(RlTestReply) tune = NULL;
    g_autoptr(RlTestReply) second = NULL, cancel = NULL, ended = NULL, releases = NULL;
    g_autofree char *tune_location = NULL;

    other = rl_test_sign_in (&f->client, "supb", PASSWORD);
    tune = rl_test_call (&f->client, "POST", "/api/v1/releases/tune", supervisor, "{\"name\": \"never-stored\"}");
    rl_test_assert_status (tune, 202);
    tune_location = g_strdup (tune->location);
    cancel = rl_test_call (&f->client, "DELETE", tune_location, other, NULL);
    rl_test_assert_status (cancel, 200);
    /* One job at a time: a second is refused while this one winds down. */
    second = callf (f, "POST", other, NULL, "/api/v1/releases/%" G_GINT64_FORMAT "/evaluate", f->ws.draft);
    if (second->status != 202)
      rl_test_assert_error (second, 409, "rule");
    else   /* the tuning had ended already */
      {
        g_autofree char *second_location = g_strdup (second->location);
        rl_test_reply_free (wait_for_job (f, second_location, other));
      }
    ended = wait_for_job (f, tune_location, supervisor);
    state = json_object_get_string_member (rl_test_reply_object (ended), "state");
    releases = rl_test_call (&f->client, "GET", "/api/v1/releases", supervisor, NULL);
    g_test_message ("the cancelled tuning job ended %s", state);
    if (g_strcmp0 (state, "cancelled") == 0)
      {
        /* Unless it had already finished: then the draft is there. */
        g_assert_cmpstr (json_object_get_string_member (rl_test_reply_object (ended), "error"), ==, "cancelled");
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
