/* Import on a remote workspace (POST /api/v1/imports): the same call the
 * GUI makes on a file, rl_import_file, sends the file to a real
 * ridgeline-server (child process, HTTPS on a loopback port, its certificate
 * pinned) which imports it as the signed-in user, and the result is what
 * the same import gives on a file.
 *
 * - a real ANSI/NIST-ITL transaction from ../shared/interchange (skipped
 *   when absent): imported with the same samples, templates and notes as
 *   on a copy of the workspace file; audited as import.file with the file's
 *   SHA-256 under the examiner; sent again it is "skipped", by this client
 *   and by a new one (the server's own history);
 * - the biggest real transaction goes through the upload limit (it is not
 *   refused as too large), and a body announced bigger than the limit is
 *   refused with 413 from its headers;
 * - a synthetic print of the wanted person with a sidecar: identity, finger
 *   and impression from the sidecar, a template extracted on the server and
 *   the 1:N search finding the wanted person;
 * - a truncated transaction: refused with a message naming the record, and
 *   nothing written (no encounter, no audit row);
 * - an analyst is refused (403) and nothing is written. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "rl-import.h"
#include "rl-remote.h"

#include "pages-workspace.h"

typedef struct {
  char            *dir;
  char            *db;
  char            *copy;        /* a copy of the workspace as built, for the same import on a file */
  PagesWorkspace   ws;
  GSubprocess     *server;
  char            *url;
  GTlsCertificate *certificate;
} Fixture;

/* ------------------------------------------------------------- fixture */

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (from, &contents, &len, &error));
  g_assert_true (g_file_set_contents (to, contents, (gssize) len, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *cert = NULL;
  char *line;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }
  f->dir = g_dir_make_tmp ("rl-server-import-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "ws.db", NULL);
  f->copy = g_build_filename (f->dir, "copy.db", NULL);
  build_pages_workspace (&f->ws, f->db, TRUE);
  copy_file (f->db, f->copy);

  f->server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, RL_SERVER_PATH, "--db", f->db,
                                "--address", "127.0.0.1", "--port", "0", "--rate", "0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  while (f->url == NULL && (line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      const char *at = strstr (line, " on https://");

      g_test_message ("server: %s", line);
      if (at != NULL)
        {
          const char *start = at + strlen (" on ");
          const char *end = strstr (start, "/api/v1/");
          g_assert_nonnull (end);
          f->url = g_strndup (start, end - start);
        }
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_nonnull (f->url);
  cert = g_strconcat (f->db, ".server-cert.pem", NULL);
  f->certificate = g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && (dir = g_dir_open (path, 0, NULL)))
    {
      while ((name = g_dir_read_name (dir)))
        {
          g_autofree char *p = g_build_filename (path, name, NULL);
          remove_tree (p);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->server)
    {
      g_subprocess_send_signal (f->server, SIGTERM);
      g_subprocess_wait (f->server, NULL, NULL);
      g_clear_object (&f->server);
    }
  g_clear_object (&f->certificate);
  if (f->dir)
    remove_tree (f->dir);
  g_free (f->db);
  g_free (f->copy);
  g_free (f->dir);
  g_free (f->url);
}

static RlStore *
remote_as (Fixture *f, const char *username)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_open_remote (f->url, f->certificate, &error);
  g_autoptr(RlUser) user = NULL;

  g_assert_no_error (error);
  user = rl_remote_sign_in (store, username, PASSWORD, &error);
  g_assert_no_error (error);
  return store;
}

static RlStore *
file_as (const char *db, gint64 user_id)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_open (db, &error);

  g_assert_no_error (error);
  g_assert_true (rl_store_set_actor (store, user_id, &error));
  return store;
}

static char *
shared_file (const char *relative)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");
  char *path = shared ? g_build_filename (shared, relative, NULL) : NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_free (path);
      return NULL;
    }
  return path;
}

/* A count in the server's file, read with SQLite, not through any Ridgeline code. */
static gint64
count (Fixture *f, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

#define ENCOUNTERS "SELECT count(*) FROM encounter"
#define IMPORTS    "SELECT count(*) FROM audit_log WHERE action = 'import.file'"

static char *
join_notes (const RlImportResult *r)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; r->notes && i < r->notes->len; i++)
    g_string_append_printf (s, "%s\n", (const char *) r->notes->pdata[i]);
  return g_string_free (s, FALSE);
}

/* rl_import_file, and the error's message when it fails. */
#define import_ok(store, path, options, result) \
  G_STMT_START { \
    GError *import_error = NULL; \
    gboolean import_done = rl_import_file (store, path, options, result, &import_error); \
    g_assert_no_error (import_error); \
    g_assert_true (import_done); \
  } G_STMT_END

/* ------------------------------------------------------------- tests */

static void
test_transaction (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL, *contents = NULL, *sha = NULL, *remote_notes = NULL, *file_notes = NULL;
  g_autoptr(RlStore) remote = NULL, again = NULL, local = NULL, server_file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) samples = NULL, audit = NULL;
  RlImportOptions options = { .make_template = rl_import_extract_template };
  RlImportResult r = { 0 }, l = { 0 }, s = { 0 };
  gsize len = 0;
  gint64 encounters;
  gboolean found = FALSE;

  if (f->server == NULL)
    return;
  if (!(path = shared_file ("interchange/an2k/valid1.9.an2")))
    {
      g_test_skip ("../shared/interchange is not there");
      return;
    }
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) contents, len);

  /* Over the server, as the examiner. */
  remote = remote_as (f, "examiner");
  options.imported = rl_import_load_history (remote, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (options.imported), ==, 0);
  import_ok (remote, path, &options, &r);
  g_assert_false (r.skipped);
  g_assert_cmpint (r.encounter_id, >, 0);
  g_assert_cmpint (r.identity_id, >, 0);
  g_assert_cmpuint (r.n_samples, >, 0);
  g_test_message ("remote: %u samples, %u templates, searched %d", r.n_samples, r.n_templates, r.searched);

  /* The same file on a copy of the workspace file, as the examiner. */
  local = file_as (f->copy, f->ws.examiner);
  import_ok (local, path, &(RlImportOptions) { .make_template = rl_import_extract_template },
                                 &l);
  g_assert_cmpuint (r.n_samples, ==, l.n_samples);
  g_assert_cmpuint (r.n_templates, ==, l.n_templates);
  g_assert_cmpint (r.searched, ==, l.searched);
  g_assert_cmpint (r.search.status, ==, l.search.status);
  g_assert_cmpint (r.search.best_identity_id, ==, l.search.best_identity_id);
  remote_notes = join_notes (&r);
  file_notes = join_notes (&l);
  g_assert_cmpstr (remote_notes, ==, file_notes);

  /* In the server's file: the samples, and the import.file row with the
   * file's SHA-256 under the examiner. */
  server_file = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  samples = rl_store_list_samples (server_file, r.encounter_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, r.n_samples);
  audit = rl_store_list_audit (server_file, "encounter", r.encounter_id, 0, 100, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      RlAuditEntry *e = audit->pdata[i];
      if (g_str_equal (e->action, "import.file"))
        {
          g_assert_cmpint (e->user_id, ==, f->ws.examiner);
          g_assert_nonnull (strstr (e->details, sha));
          g_assert_nonnull (strstr (e->details, "valid1.9.an2"));
          found = TRUE;
        }
    }
  g_assert_true (found);

  /* Again: skipped, by this client's run and by the server's history. */
  encounters = count (f, ENCOUNTERS);
  rl_import_result_clear (&r);
  import_ok (remote, path, &options, &r);
  g_assert_true (r.skipped);
  again = remote_as (f, "supa");
  import_ok (again, path, &(RlImportOptions) { 0 }, &s);
  g_assert_true (s.skipped);
  g_assert_cmpint (s.encounter_id, ==, 0);
  g_assert_cmpint (count (f, ENCOUNTERS), ==, encounters);

  rl_import_result_clear (&r);
  rl_import_result_clear (&l);
  rl_import_result_clear (&s);
  g_hash_table_unref (options.imported);
}

/* The server's certificate is accepted when it is the one pinned. */
static gboolean
accept_pinned (GTlsConnection *connection, GTlsCertificate *peer, GTlsCertificateFlags errors, gpointer pinned)
{
  return g_tls_certificate_is_same (peer, pinned);
}

static void
on_client_event (GSocketClient *client, GSocketClientEvent event, GSocketConnectable *connectable,
                 GIOStream *connection, gpointer pinned)
{
  if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_signal_connect (connection, "accept-certificate", G_CALLBACK (accept_pinned), pinned);
}

/* The largest real transaction goes through the upload limit; a body
 * announced bigger than the limit is refused from its headers (413). */
static void
test_size_limit (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL, *request = NULL;
  g_autoptr(RlStore) remote = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GUri) uri = NULL;
  RlImportResult r = { 0 };
  char reply[4096] = { 0 };
  gsize got = 0;

  if (f->server == NULL)
    return;
  if ((path = shared_file ("interchange/an2k/type_3_wvu.an2")))
    {
      remote = remote_as (f, "examiner");
      /* Legacy Type-3 records are not prints we keep: whatever the import
       * says of them, the upload itself (2.4 MB) is not refused as too large. */
      if (!rl_import_file (remote, path, &(RlImportOptions) { 0 }, &r, &error))
        {
          g_test_message ("type_3_wvu.an2: %s", error->message);
          g_assert_null (strstr (error->message, "at most"));
          g_assert_nonnull (strstr (error->message, "type_3_wvu.an2"));
          g_clear_error (&error);
        }
      rl_import_result_clear (&r);
    }

  uri = g_uri_parse (f->url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  client = g_socket_client_new ();
  g_socket_client_set_tls (client, TRUE);
  g_signal_connect (client, "event", G_CALLBACK (on_client_event), f->certificate);
  connection = g_socket_client_connect_to_host (client, g_uri_get_host (uri), (guint16) g_uri_get_port (uri), NULL,
                                                &error);
  g_assert_no_error (error);
  request = g_strdup ("POST /api/v1/imports?name=huge.an2 HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/octet-stream\r\nContent-Length: 1000000000\r\n\r\n");
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                                            strlen (request), NULL, NULL, &error));
  g_assert_no_error (error);
  g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (connection)), reply, sizeof reply - 1, &got,
                           NULL, NULL);
  g_test_message ("%s", reply);
  g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 413"));
  g_assert_nonnull (strstr (reply, "\"too-large\""));
}

/* A synthetic print of the wanted person's right index, with a sidecar. */
static void
test_synthetic_print (Fixture *f, gconstpointer data)
{
  g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (4242, RL_FINGER_RIGHT_INDEX);
  g_autoptr(RlImage) image = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) remote = NULL, server_file = NULL;
  g_autoptr(GPtrArray) samples = NULL;
  g_autofree char *folder = NULL, *path = NULL, *sidecar = NULL, *sql = NULL;
  RlSynthImpression how;
  RlImportResult r = { 0 };

  if (f->server == NULL)
    return;
  rl_synth_impression_random (105, &how);
  how.noise = MIN (how.noise, 0.2f);
  how.partial = 0;
  image = rl_synth_render (finger, &how, &error);
  g_assert_no_error (error);
  png = rl_image_encode (image, "png", &error);
  g_assert_no_error (error);
  folder = g_build_filename (f->dir, "LIVESCAN", NULL);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  path = g_build_filename (folder, "traveller.png", NULL);
  sidecar = g_build_filename (folder, "traveller.json", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL), (gssize) g_bytes_get_size (png), NULL));
  g_assert_true (g_file_set_contents (sidecar, "{\"identity\": \"TRAVELLER-1\", \"finger\": 2, \"impression\": 0, "
                                               "\"family_name\": \"Okafor\", \"purpose\": \"border_crossing\"}",
                                      -1, NULL));

  remote = remote_as (f, "steward");
  import_ok (remote, path, &(RlImportOptions) { .make_template = rl_import_extract_template },
                                 &r);
  g_assert_false (r.skipped);
  g_assert_cmpuint (r.n_samples, ==, 1);
  g_assert_cmpuint (r.n_templates, ==, 1);
  /* Searched on the server: the best candidate holds a print of this finger
   * (the wanted person's enrolment, or the border encounter that matched it). */
  g_assert_true (r.searched);
  g_assert_cmpint (r.search.search_id, >, 0);
  g_assert_true (r.search.best_identity_id == f->ws.wanted || r.search.best_identity_id == f->ws.other);

  server_file = rl_store_open (f->db, &error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("SELECT count(*) FROM identity WHERE reference = 'TRAVELLER-1' AND id = %" G_GINT64_FORMAT,
                         r.identity_id);
  g_assert_cmpint (count (f, sql), ==, 1);
  samples = rl_store_list_samples (server_file, r.encounter_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 1);
  g_assert_cmpint (((RlSample *) samples->pdata[0])->finger, ==, RL_FINGER_RIGHT_INDEX);
  g_assert_nonnull (((RlSample *) samples->pdata[0])->image_sha256);
  rl_import_result_clear (&r);
}

/* A transaction cut short, and a user who may not import: refused, and
 * nothing is written. */
static void
test_refusals (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL, *contents = NULL, *cut = NULL;
  g_autoptr(RlStore) remote = NULL, analyst = NULL;
  g_autoptr(GError) error = NULL;
  RlImportResult r = { 0 };
  gint64 encounters, imports;
  gsize len = 0;

  if (f->server == NULL)
    return;
  encounters = count (f, ENCOUNTERS);
  imports = count (f, IMPORTS);

  if ((path = shared_file ("interchange/an2k/valid1.2.an2")))
    {
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      cut = g_build_filename (f->dir, "valid1.2-cut.an2", NULL);
      g_assert_true (g_file_set_contents (cut, contents, (gssize) (len * 2 / 3), NULL));
      remote = remote_as (f, "examiner");
      g_assert_false (rl_import_file (remote, cut, &(RlImportOptions) { 0 }, &r, &error));
      g_test_message ("truncated: %s", error->message);
      g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CONSTRAINT);   /* 422 */
      g_assert_nonnull (strstr (error->message, "valid1.2-cut.an2"));
      /* "byte 15179: field 6.001 (LEN) declares … bytes but only … remain" */
      g_assert_nonnull (strstr (error->message, "byte "));
      g_assert_nonnull (strstr (error->message, "field "));
      g_clear_error (&error);
      rl_import_result_clear (&r);
    }
  else
    g_test_message ("../shared/interchange is not there: truncated transaction not tried");

  /* An analyst: refused by role before the file is looked at. */
  analyst = remote_as (f, "ban");
  if (cut == NULL)
    {
      cut = g_build_filename (f->dir, "x_1.pgm", NULL);
      g_assert_true (g_file_set_contents (cut, "P5\n2 2\n255\n\1\2\3\4", 15, NULL));
    }
  g_assert_false (rl_import_file (analyst, cut, &(RlImportOptions) { 0 }, &r, &error));
  g_test_message ("analyst: %s", error->message);
  g_assert_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "Analyst"));
  rl_import_result_clear (&r);

  g_assert_cmpint (count (f, ENCOUNTERS), ==, encounters);
  g_assert_cmpint (count (f, IMPORTS), ==, imports);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server-import/transaction", test_transaction);
  ADD ("/server-import/size-limit", test_size_limit);
  ADD ("/server-import/synthetic-print", test_synthetic_print);
  ADD ("/server-import/refusals", test_refusals);
  return g_test_run ();
}
