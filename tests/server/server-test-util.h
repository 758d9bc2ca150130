/* server-test-util.h — ridgeline-server for a test, and signing in to it.
 *
 * Two ways to run the server, each with its way to sign in:
 *   - in this process (RlServer on the test's main loop), called with a
 *     libsoup client that sends asynchronously and runs the main loop until
 *     the reply is in (a blocking send would deadlock against a server on
 *     this thread): rl_test_server_start, rl_test_client_*, rl_test_call,
 *     rl_test_sign_in;
 *   - the real ridgeline-server program in a child process on a free
 *     loopback port (--port 0), its certificate read from where it writes it
 *     beside the workspace: rl_test_server_spawn / rl_test_server_stop, and
 *     rl_test_remote_sign_in for a remote RlStore signed in as a user.
 * Every wait is for a condition (a reply, a line from the server); the
 * test's own timeout is the deadline. */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/prctl.h>

#include "rl-remote.h"
#include "rl-server.h"

/* ---- files ------------------------------------------------------------ */

/* Removes dir and the files in it (a test's temporary workspace). */
static inline void
rl_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (dir == NULL)
    return;
  if ((d = g_dir_open (dir, 0, NULL)))
    while ((name = g_dir_read_name (d)))
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
  g_rmdir (dir);
}

/* ---- the server in this process --------------------------------------- */

/* Serves the workspace at db on a free loopback port with this certificate
 * (RlServer owns the store it opens). */
static inline RlServer *
rl_test_server_start (const char *db, GTlsCertificate *certificate, const RlServerLimits *limits)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_open (db, &error);
  RlServer *server;

  g_assert_no_error (error);
  server = rl_server_new (store, limits);
  g_assert_true (rl_server_listen (server, "127.0.0.1", 0, certificate, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rl_server_get_port (server), >, 0);
  return server;
}

typedef struct {
  SoupSession     *session;
  GTlsCertificate *certificate;   /* the only one accepted (pinned) */
  char            *base;          /* https://127.0.0.1:PORT */
} RlTestClient;

static inline void
rl_test_client_init (RlTestClient *client, const char *base, GTlsCertificate *certificate)
{
  client->session = soup_session_new ();
  client->certificate = g_object_ref (certificate);
  client->base = g_strdup (base);
}

static inline void
rl_test_client_clear (RlTestClient *client)
{
  g_clear_object (&client->session);
  g_clear_object (&client->certificate);
  g_clear_pointer (&client->base, g_free);
}

typedef struct {
  guint     status;
  GBytes   *body;
  char     *content_type;
  char     *location;     /* the Location header, if any */
  JsonNode *json;         /* the body, when it is application/json */
  gboolean  done;
} RlTestReply;

static inline void
rl_test_reply_free (RlTestReply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply->content_type);
  g_free (reply->location);
  g_free (reply);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlTestReply, rl_test_reply_free)

static inline gboolean
rl_test_accept_certificate (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors,
                            gpointer data)
{
  RlTestClient *client = data;

  /* Pinning: exactly the server's own certificate, nothing else. */
  return g_tls_certificate_is_same (certificate, client->certificate);
}

static inline void
rl_test_send_done (GObject *source, GAsyncResult *result, gpointer data)
{
  RlTestReply *reply = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  g_autoptr(GError) error = NULL;

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  reply->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  if (g_strcmp0 (reply->content_type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply->body, NULL),
                                                 g_bytes_get_size (reply->body), &error));
      g_assert_no_error (error);
      reply->json = json_node_ref (json_parser_get_root (parser));
    }
  reply->done = TRUE;
}

/* METHOD base+path with a bearer token (or none) and a JSON body (or none;
 * len -1: up to its NUL), the reply once it is in. */
static inline RlTestReply *
rl_test_call_on (RlTestClient *client, const char *base, const char *method, const char *path, const char *token,
                 const char *body, gssize len)
{
  g_autofree char *uri = g_strconcat (base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  RlTestReply *reply = g_new0 (RlTestReply, 1);

  g_assert_nonnull (msg);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (rl_test_accept_certificate), client);
  if (token)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, len < 0 ? strlen (body) : (gsize) len);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (client->session, msg, G_PRIORITY_DEFAULT, NULL, rl_test_send_done, reply);
  while (!reply->done)
    g_main_context_iteration (NULL, TRUE);
  return reply;
}

static inline RlTestReply *
rl_test_call (RlTestClient *client, const char *method, const char *path, const char *token, const char *body)
{
  return rl_test_call_on (client, client->base, method, path, token, body, -1);
}

static inline JsonObject *
rl_test_reply_object (RlTestReply *reply)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_node_get_object (reply->json);
}

/* The status must be this one; if not, the body is printed first. */
static inline void
rl_test_assert_status (RlTestReply *reply, guint status)
{
  if (reply->status != status)
    g_printerr ("%.*s\n", (int) g_bytes_get_size (reply->body), (const char *) g_bytes_get_data (reply->body, NULL));
  g_assert_cmpuint (reply->status, ==, status);
}

/* A 4xx reply is {"error": code, "message": something to read}; returns
 * the message (owned by the reply). */
static inline const char *
rl_test_assert_error (RlTestReply *reply, guint status, const char *code)
{
  JsonObject *o;

  rl_test_assert_status (reply, status);
  o = rl_test_reply_object (reply);
  g_assert_cmpstr (json_object_get_string_member (o, "error"), ==, code);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "message")), >, 5);
  return json_object_get_string_member (o, "message");
}

/* POST /api/v1/session: the new token (64 hex digits) for username. */
static inline char *
rl_test_sign_in (RlTestClient *client, const char *username, const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autoptr(RlTestReply) reply = NULL;
  JsonObject *o;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  reply = rl_test_call (client, "POST", "/api/v1/session", NULL, body);
  rl_test_assert_status (reply, 201);
  o = rl_test_reply_object (reply);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "token")), ==, 64);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "user"), "username"), ==,
                   username);
  return g_strdup (json_object_get_string_member (o, "token"));
}

/* ---- the ridgeline-server program in a child process ------------------ */

typedef struct {
  GSubprocess     *process;
  char            *db;
  char            *url;           /* https://127.0.0.1:PORT */
  char            *fingerprint;   /* SHA-256 of the certificate, as the server printed it */
  GTlsCertificate *certificate;   /* the one it made beside the workspace: pin it */
} RlTestServerProcess;

static inline void
rl_test_end_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts server_path (ridgeline-server) on db at 127.0.0.1:port ("0": a
 * free one), no rate limit, plus any further arguments (NULL-terminated),
 * and reads line by line the certificate's fingerprint and the address it
 * serves on. Blocking reads: the server prints both before it serves. */
static inline void
rl_test_server_spawn (RlTestServerProcess *p, const char *server_path, const char *db, const char *port, ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *cert = NULL;
  va_list ap;
  char *line;

  g_assert_null (p->process);
  if (p->db != db)
    {
      g_free (p->db);
      p->db = g_strdup (db);
    }
  g_clear_pointer (&p->url, g_free);
  g_ptr_array_add (argv, (gpointer) server_path);
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  g_ptr_array_add (argv, (gpointer) "--address");
  g_ptr_array_add (argv, (gpointer) "127.0.0.1");
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) port);
  g_ptr_array_add (argv, (gpointer) "--rate");
  g_ptr_array_add (argv, (gpointer) "0");
  va_start (ap, port);
  for (const char *arg = va_arg (ap, const char *); arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  /* The server ends with the test, even when the test fails half-way. */
  g_subprocess_launcher_set_child_setup (launcher, rl_test_end_with_parent, NULL, NULL);
  p->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p->process));
  while (p->url == NULL && (line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      const char *at;

      g_test_message ("server: %s", line);
      if ((at = strstr (line, "SHA-256 fingerprint: ")))
        {
          g_free (p->fingerprint);
          p->fingerprint = g_strdup (at + strlen ("SHA-256 fingerprint: "));
        }
      if ((at = strstr (line, " on https://")))
        {
          const char *start = at + strlen (" on ");
          const char *end = strstr (start, "/api/v1/");

          g_assert_nonnull (end);
          p->url = g_strndup (start, end - start);
        }
      g_free (line);
    }
  g_assert_no_error (error);
  g_assert_nonnull (p->url);
  g_assert_nonnull (p->fingerprint);
  cert = g_strconcat (db, ".server-cert.pem", NULL);
  g_clear_object (&p->certificate);
  p->certificate = g_tls_certificate_new_from_file (cert, &error);
  g_assert_no_error (error);
  g_test_message ("server at %s, certificate %s", p->url, p->fingerprint);
}

/* SIGTERM: the server finishes what it answered and closes the workspace;
 * it must then exit cleanly. Keeps url and certificate (for a restart). */
static inline void
rl_test_server_stop (RlTestServerProcess *p)
{
  g_autoptr(GError) error = NULL;

  if (p->process == NULL)
    return;
  g_subprocess_send_signal (p->process, SIGTERM);
  g_subprocess_wait (p->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&p->process);
}

static inline void
rl_test_server_clear (RlTestServerProcess *p)
{
  rl_test_server_stop (p);
  g_clear_pointer (&p->db, g_free);
  g_clear_pointer (&p->url, g_free);
  g_clear_pointer (&p->fingerprint, g_free);
  g_clear_object (&p->certificate);
}

/* The workspace through the server, signed in as username. */
static inline RlStore *
rl_test_remote_sign_in (const RlTestServerProcess *p, const char *username, const char *password)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_open_remote (p->url, p->certificate, &error);
  g_autoptr(RlUser) user = NULL;

  g_assert_no_error (error);
  g_assert_true (rl_store_is_remote (store));
  user = rl_remote_sign_in (store, username, password, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user->username, ==, username);
  return store;
}

/* The server's file, opened as the system (no actor): what was really
 * written. */
static inline RlStore *
rl_test_server_file (const RlTestServerProcess *p)
{
  g_autoptr(GError) error = NULL;
  RlStore *store = rl_store_open (p->db, &error);

  g_assert_no_error (error);
  return store;
}

/* The one number a query on the server's file gives (count(*) ...), read
 * straight from SQLite: what was really written. -1 when no row. */
static inline gint64
rl_test_count_rows (const char *db, const char *sql)
{
  sqlite3 *conn = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (db, &conn, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (conn, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (conn));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (conn);
  return n;
}
