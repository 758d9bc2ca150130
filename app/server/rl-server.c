/* rl-server.c — the RlServer object: listening, routing, sessions, limits,
 * replies and graceful shutdown. The routes themselves are in
 * rl-server-routes.c (workstation) and rl-server-gateway.c (partners). */
#define G_LOG_DOMAIN "ridgeline-server"

#include <glib/gi18n.h>
#include <string.h>
#include <sys/random.h>

#include "rl-server-private.h"
#include "rl-store-credentials.h"

#define TOKEN_BYTES 32

/* A session as the server keeps it in memory: a cache of the workspace's
 * server_session table (rl-store-credentials.h), which is what outlives a
 * restart. */
typedef struct {
  RlUser *user;          /* as at sign-in; refreshed by rl_store_get_user on every request */
  gint64  expires_at;    /* Unix seconds */
} Session;

typedef struct {
  double   tokens;
  gint64   last_us;      /* monotonic */
  gboolean refusing;     /* refused since the last request allowed */
} Bucket;

struct _RlServer {
  GObject         parent_instance;

  RlStore        *store;
  SoupServer     *soup;
  RlServerLimits  limits;
  GPtrArray      *routes;        /* const RlRoute*, in registration order */
  GHashTable     *sessions;      /* SHA-256 hex of the token → Session* (cache of the store's) */
  GHashTable     *buckets;       /* client key → Bucket* */
  guint           sweep_source;
  guint           port;
  gboolean        tls;

  guint           in_flight;     /* requests read and not yet answered in full */
  gboolean        shutting_down;
  guint           shutdown_timeout_source;
  GCallback       shutdown_callback;
  gpointer        shutdown_data;

  /* The workers (see "workers" below): 1:N searches and partner
   * submissions, each on a store connection of its own, so the main thread
   * keeps serving queues and records meanwhile. */
  GThreadPool    *worker;
  GAsyncQueue    *worker_stores;   /* RlStore* not in use by a job */
  gint            stopping_workers;
  RlWorkerHook    worker_hook;
  gpointer        worker_hook_data;
  char           *store_path;
  GMainContext   *context;
  /* One search gallery for every worker connection (and the tuning jobs):
   * the templates in memory once, not once per worker. */
  RlSearchGallery *gallery;
};

static void stop_worker (RlServer *self);

G_DEFINE_FINAL_TYPE (RlServer, rl_server, G_TYPE_OBJECT)

static void
session_free (Session *session)
{
  rl_user_free (session->user);
  g_free (session);
}

void
rl_server_limits_init_default (RlServerLimits *limits)
{
  g_return_if_fail (limits != NULL);
  limits->max_body_bytes = 1 << 20;
  limits->max_upload_bytes = 32 << 20;
  limits->rate_per_second = 20;
  limits->rate_burst = 60;
  limits->idle_timeout_seconds = 30;
  limits->session_seconds = 8 * 3600;
  limits->worker_threads = 2;
  limits->max_queued_jobs = 64;
}

static void
rl_server_finalize (GObject *object)
{
  RlServer *self = RL_SERVER (object);

  g_clear_handle_id (&self->sweep_source, g_source_remove);
  g_clear_handle_id (&self->shutdown_timeout_source, g_source_remove);
  if (self->soup)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_disconnect (self->soup);
    }
  g_clear_object (&self->soup);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->buckets, g_hash_table_unref);
  stop_worker (self);
  g_clear_pointer (&self->worker_stores, g_async_queue_unref);
  g_clear_pointer (&self->gallery, rl_search_gallery_unref);
  g_clear_pointer (&self->store, rl_store_close);
  g_free (self->store_path);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (rl_server_parent_class)->finalize (object);
}

static void
rl_server_class_init (RlServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rl_server_finalize;
}

static void
rl_server_init (RlServer *self)
{
  self->routes = g_ptr_array_new ();
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) session_free);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->worker_stores = g_async_queue_new ();
  self->gallery = rl_search_gallery_new (0);
}

void
rl_server_add_routes (RlServer *self, const RlRoute *routes, guint n_routes)
{
  g_return_if_fail (RL_IS_SERVER (self));
  for (guint i = 0; i < n_routes; i++)
    g_ptr_array_add (self->routes, (gpointer) &routes[i]);
}

RlStore *
rl_server_get_store (RlServer *self)
{
  g_return_val_if_fail (RL_IS_SERVER (self), NULL);
  return self->store;
}

guint
rl_server_get_port (RlServer *self)
{
  g_return_val_if_fail (RL_IS_SERVER (self), 0);
  return self->port;
}

char *
rl_server_get_base_uri (RlServer *self)
{
  g_return_val_if_fail (RL_IS_SERVER (self), NULL);
  return g_strdup_printf ("%s://127.0.0.1:%u", self->tls ? "https" : "http", self->port);
}

/* ------------------------------------------------------------ sessions */

static char *
token_key (const char *token)
{
  /* Sessions are looked up by the token's hash, so that neither a memory
   * dump nor the hash table's timing gives away live tokens. */
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static Session *
session_new (const RlUser *user, gint64 expires_at)
{
  Session *session = g_new0 (Session, 1);

  session->user = g_new0 (RlUser, 1);
  session->user->id = user->id;
  session->user->username = g_strdup (user->username);
  session->user->display_name = g_strdup (user->display_name);
  session->user->role = user->role;
  session->user->agency = g_strdup (user->agency);
  session->user->agency_id = user->agency_id;
  session->user->active = user->active;
  session->expires_at = expires_at;
  return session;
}

/* Makes a token and records its session in the store (within the caller's
 * transaction, if any) and in the cache. */
static char *
session_create (RlServer *self, const RlUser *user, const char *client, gint64 *out_expires_unix, GError **error)
{
  guint8 raw[TOKEN_BYTES];
  gsize got = 0;
  GString *token = g_string_sized_new (TOKEN_BYTES * 2);
  g_autofree char *key = NULL;
  gint64 now = now_unix (), expires = now + MAX (self->limits.session_seconds, 1);

  while (got < sizeof raw)
    {
      ssize_t n = getrandom (raw + got, sizeof raw - got, 0);
      if (n < 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("Cannot read random bytes: %s"),
                       g_strerror (errno));
          g_string_free (token, TRUE);
          return NULL;
        }
      got += (gsize) n;
    }
  for (guint i = 0; i < sizeof raw; i++)
    g_string_append_printf (token, "%02x", raw[i]);
  memset (raw, 0, sizeof raw);

  key = token_key (token->str);
  if (!rl_store_add_session (self->store, key, user->id, now, expires, client, error))
    {
      g_string_free (token, TRUE);
      return NULL;
    }
  g_hash_table_replace (self->sessions, g_steal_pointer (&key), session_new (user, expires));
  if (out_expires_unix)
    *out_expires_unix = expires;
  return g_string_free (token, FALSE);
}

/* The session of a token: from the cache, else from the store (a session
 * made before a restart). NULL when unknown or expired. */
static Session *
session_lookup (RlServer *self, const char *token)
{
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlUser) user = NULL;
  Session *session;
  gint64 now = now_unix (), user_id = 0, expires = 0;

  if (token == NULL || self->store == NULL)
    return NULL;
  key = token_key (token);
  session = g_hash_table_lookup (self->sessions, key);
  if (session)
    {
      if (session->expires_at > now)
        return session;
      g_hash_table_remove (self->sessions, key);
      return NULL;
    }
  if (!rl_store_lookup_session (self->store, key, now, &user_id, &expires, &error))
    {
      g_warning ("Cannot look up a session: %s", error->message);
      return NULL;
    }
  if (user_id == 0)
    return NULL;
  if (!(user = rl_store_get_user (self->store, user_id, &error)))
    {
      g_warning ("Session of user %" G_GINT64_FORMAT ": %s", user_id, error->message);
      return NULL;
    }
  session = session_new (user, expires);
  g_hash_table_replace (self->sessions, g_steal_pointer (&key), session);
  return session;
}

/* Ends a session in the cache and in the store. */
static gboolean
session_delete (RlServer *self, const char *token, GError **error)
{
  g_autofree char *key = token_key (token);

  g_hash_table_remove (self->sessions, key);
  return self->store == NULL || rl_store_delete_session (self->store, key, error);
}

/* "Sam Steward (Data Steward) ended your session at 2026-11-23 10:12 UTC:
 * sign in again" when a steward ended the token's session, else NULL. */
static char *
session_end_message (RlServer *self, const char *token)
{
  g_autofree char *key = token_key (token);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlUser) steward = NULL;
  g_autoptr(GDateTime) at = NULL;
  g_autofree char *when = NULL;
  gint64 ended_by = 0, ended_at = 0;

  if (self->store == NULL)
    return NULL;
  if (!rl_store_get_session_end (self->store, key, now_unix (), &ended_by, &ended_at, &error))
    {
      g_warning ("Cannot read how a session ended: %s", error->message);
      return NULL;
    }
  if (ended_at == 0)
    return NULL;
  at = g_date_time_new_from_unix_utc (ended_at);
  when = at ? g_date_time_format (at, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
  if (ended_by != 0 && (steward = rl_store_get_user (self->store, ended_by, NULL)))
    return g_strdup_printf (_("%s (%s) ended your session at %s: sign in again"), steward->display_name,
                            rl_role_to_label (steward->role), when);
  return g_strdup_printf (_("A data steward ended your session at %s: sign in again"), when);
}

/* Drops a user's sessions from the cache (a steward ended them in the store). */
static guint
session_forget_user (RlServer *self, gint64 user_id)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Session *) value)->user->id == user_id)
      {
        g_hash_table_iter_remove (&iter);
        n++;
      }
  return n;
}

const RlUser *
rl_server_lookup_session (RlServer *self, const char *token)
{
  Session *session;

  g_return_val_if_fail (RL_IS_SERVER (self), NULL);
  session = session_lookup (self, token);
  return session ? session->user : NULL;
}

static gboolean
sweep (gpointer data)
{
  RlServer *self = data;
  gint64 now_s = now_unix ();
  gint64 now_us = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Session *) value)->expires_at <= now_s)
      g_hash_table_iter_remove (&iter);
  if (self->store && !self->shutting_down && !rl_store_delete_expired_sessions (self->store, now_s, NULL, &error))
    g_warning ("Cannot delete expired sessions: %s", error->message);
  /* A bucket idle long enough to be full again holds nothing worth keeping. */
  g_hash_table_iter_init (&iter, self->buckets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (self->limits.rate_per_second <= 0 ||
        (now_us - ((Bucket *) value)->last_us) / 1e6 * self->limits.rate_per_second >= self->limits.rate_burst)
      g_hash_table_iter_remove (&iter);
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------- rate limits */

/* Token bucket: rate_per_second tokens flow in up to rate_burst; a request
 * takes one. Returns FALSE (and the seconds until one is there) when empty. */
static gboolean
rate_allow (RlServer *self, const char *key, guint *out_retry_after, gboolean *out_first_refusal)
{
  gint64 now = g_get_monotonic_time ();
  Bucket *bucket;

  if (self->limits.rate_per_second <= 0)
    return TRUE;
  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket == NULL)
    {
      /* Bounded: past 50,000 clients, stale buckets go first; if every one
       * is busy the newcomer is refused rather than memory grown. */
      if (g_hash_table_size (self->buckets) >= 50000)
        {
          sweep (self);
          if (g_hash_table_size (self->buckets) >= 50000)
            {
              *out_retry_after = 1;
              if (out_first_refusal)
                *out_first_refusal = FALSE;
              return FALSE;
            }
        }
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = self->limits.rate_burst;
      bucket->last_us = now;
      g_hash_table_insert (self->buckets, g_strdup (key), bucket);
    }
  bucket->tokens = MIN (self->limits.rate_burst,
                        bucket->tokens + (now - bucket->last_us) / 1e6 * self->limits.rate_per_second);
  bucket->last_us = now;
  if (bucket->tokens < 1.0)
    {
      /* The rate may be tiny (--rate 1e-9): the wait is clamped as a double
       * before it becomes an integer. */
      double wait = (1.0 - bucket->tokens) / self->limits.rate_per_second;
      *out_retry_after = wait < 3600.0 ? (guint) wait + 1 : 3600;
      if (out_first_refusal)
        *out_first_refusal = !bucket->refusing;
      bucket->refusing = TRUE;
      return FALSE;
    }
  bucket->tokens -= 1.0;
  bucket->refusing = FALSE;
  return TRUE;
}

/* -------------------------------------------------------------- replies */

static void
set_common_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  /* Replies hold personal data: no cache anywhere keeps them. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
}

void
rl_request_reply_json (RlRequest *request, guint status, JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize len = 0;
  char *text;

  g_return_if_fail (request != NULL && node != NULL);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &len);
  json_node_unref (node);
  set_common_headers (request->msg);
  soup_server_message_set_status (request->msg, status, NULL);
  soup_server_message_set_response (request->msg, "application/json", SOUP_MEMORY_TAKE, text, len);
  request->replied = TRUE;
}

void
rl_request_reply_builder (RlRequest *request, guint status, JsonBuilder *builder)
{
  rl_request_reply_json (request, status, json_builder_get_root (builder));
}

static void
reply_error_literal (SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize len = 0;
  char *text;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  set_common_headers (msg);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, len);
}

void
rl_request_reply_error (RlRequest *request, guint status, const char *code, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  reply_error_literal (request->msg, status, code, message);
  request->replied = TRUE;
}

void
rl_request_reply_gerror (RlRequest *request, const GError *error)
{
  guint status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  const char *code = "internal";

  if (error == NULL)
    {
      rl_request_reply_error (request, status, code, "%s", _("Unknown error"));
      return;
    }
  if (error->domain == RL_STORE_ERROR)
    switch ((RlStoreError) error->code)
      {
      case RL_STORE_ERROR_PERMISSION: status = SOUP_STATUS_FORBIDDEN; code = "forbidden"; break;
      case RL_STORE_ERROR_NOT_FOUND:  status = SOUP_STATUS_NOT_FOUND; code = "not-found"; break;
      case RL_STORE_ERROR_CONSTRAINT: status = SOUP_STATUS_CONFLICT; code = "rule"; break;
      case RL_STORE_ERROR_BUSY:       status = SOUP_STATUS_SERVICE_UNAVAILABLE; code = "busy"; break;
      default: break;
      }
  else if (error->domain == RL_SERVER_ERROR)
    {
      status = SOUP_STATUS_BAD_REQUEST;
      code = "bad-request";
    }
  if (status == SOUP_STATUS_INTERNAL_SERVER_ERROR)
    g_warning ("%s %s: %s", request->method, request->path, error->message);
  rl_request_reply_error (request, status, code, "%s", error->message);
}

void
rl_request_reply_bytes (RlRequest *request, guint status, const char *content_type, GBytes *bytes)
{
  set_common_headers (request->msg);
  soup_server_message_set_status (request->msg, status, NULL);
  soup_server_message_set_response (request->msg, content_type, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  request->replied = TRUE;
}

void
rl_request_reply_empty (RlRequest *request)
{
  set_common_headers (request->msg);
  soup_server_message_set_status (request->msg, SOUP_STATUS_NO_CONTENT, NULL);
  request->replied = TRUE;
}

const char *
rl_request_query (RlRequest *request, const char *name)
{
  return request->query ? g_hash_table_lookup (request->query, name) : NULL;
}

gboolean
rl_request_query_uint (RlRequest *request, const char *name, guint64 min, guint64 max, guint64 default_value,
                       guint64 *out)
{
  const char *text = rl_request_query (request, name);
  guint64 v;

  if (text == NULL || text[0] == '\0')
    {
      *out = default_value;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL))
    {
      rl_request_reply_error (request, SOUP_STATUS_BAD_REQUEST, "bad-request",
                              _("The query parameter “%s” must be a whole number from %" G_GUINT64_FORMAT
                                " to %" G_GUINT64_FORMAT), name, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

/* ------------------------------------------------------------- routing */

static const RlRoute *
find_route (RlServer *self, const char *method, const char *path, gint64 *ids, guint *n_ids,
            gboolean *out_path_known, GString *allow)
{
  gint64 scratch[RL_ROUTE_MAX_IDS];
  guint n_scratch;

  *out_path_known = FALSE;
  for (guint i = 0; i < self->routes->len; i++)
    {
      const RlRoute *route = g_ptr_array_index (self->routes, i);

      if (!rl_route_match (route->pattern, path, scratch, &n_scratch))
        continue;
      *out_path_known = TRUE;
      if (strcmp (route->method, method) == 0)
        {
          memcpy (ids, scratch, sizeof scratch);
          *n_ids = n_scratch;
          return route;
        }
      if (allow)
        g_string_append_printf (allow, "%s%s", allow->len ? ", " : "", route->method);
    }
  return NULL;
}

static char *
roles_text (guint roles)
{
  GString *text = g_string_new (NULL);

  for (int r = RL_ROLE_EXAMINER; r <= RL_ROLE_DATA_STEWARD; r++)
    if (roles & RL_ROLE_BIT (r))
      g_string_append_printf (text, "%s%s", text->len ? _(" or ") : "", rl_role_to_label (r));
  return g_string_free (text, FALSE);
}

static const char *
client_address (SoupServerMessage *msg)
{
  const char *host = soup_server_message_get_remote_host (msg);
  return host ? host : "unknown";
}

/* A refused body is not read: the connection is taken from libsoup (which
 * would otherwise read, and keep, the whole announced body before
 * answering), the error is written, and what the client still sends is
 * read and dropped for a moment ("lingering close", so that the client
 * reads the answer instead of a reset), at most REFUSE_DRAIN_BYTES or
 * REFUSE_DRAIN_SECONDS, then the connection is closed. */
#define REFUSE_DRAIN_BYTES   (4 << 20)
#define REFUSE_DRAIN_SECONDS 3

typedef struct {
  GIOStream *stream;
  char      *response;
  gsize      drained;
  gint64     deadline;
  guint8     buffer[16384];
} Refusal;

static void
refusal_free (Refusal *r)
{
  g_io_stream_close_async (r->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_object_unref (r->stream);
  g_free (r->response);
  g_free (r);
}

static void
refusal_drained (GObject *source, GAsyncResult *result, gpointer data)
{
  Refusal *r = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0 || (r->drained += n) >= REFUSE_DRAIN_BYTES || g_get_monotonic_time () > r->deadline)
    {
      refusal_free (r);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (source), r->buffer, sizeof r->buffer, G_PRIORITY_DEFAULT, NULL,
                             refusal_drained, r);
}

static void
refusal_written (GObject *source, GAsyncResult *result, gpointer data)
{
  Refusal *r = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      refusal_free (r);
      return;
    }
  r->deadline = g_get_monotonic_time () + REFUSE_DRAIN_SECONDS * G_USEC_PER_SEC;
  g_input_stream_read_async (g_io_stream_get_input_stream (r->stream), r->buffer, sizeof r->buffer,
                             G_PRIORITY_DEFAULT, NULL, refusal_drained, r);
}

static void
refuse_before_body (SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  Refusal *r;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);

  r = g_new0 (Refusal, 1);
  r->stream = soup_server_message_steal_connection (msg);
  if (r->stream == NULL)
    {
      /* Cannot take it over: let libsoup answer, without keeping the body. */
      g_free (r);
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      reply_error_literal (msg, status, code, message);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      return;
    }
  r->response = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                                 "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
                                 status, soup_status_get_phrase (status), strlen (json), json);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (r->stream), r->response, strlen (r->response),
                                   G_PRIORITY_DEFAULT, NULL, refusal_written, r);
}

/* Runs after the headers are read, before the body: refuses a body that is
 * too big (or of unknown length) without reading it. */
static void
early_callback (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  RlServer *self = data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  gint64 ids[RL_ROUTE_MAX_IDS];
  guint n_ids;
  gboolean known;
  const RlRoute *route = find_route (self, method, path, ids, &n_ids, &known, NULL);
  gsize limit = route && (route->flags & RL_ROUTE_UPLOAD) ? self->limits.max_upload_bytes
                                                           : self->limits.max_body_bytes;
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  guint status = 0;
  const char *code = NULL;
  g_autofree char *text = NULL;

  if (encoding == SOUP_ENCODING_CHUNKED)
    {
      status = SOUP_STATUS_LENGTH_REQUIRED;
      code = "length-required";
      text = g_strdup (_("Send the body with a Content-Length: chunked bodies are not accepted"));
    }
  else if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
           (guint64) soup_message_headers_get_content_length (headers) > limit)
    {
      status = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
      code = "too-large";
      text = g_strdup_printf (_("The body has %" G_GINT64_FORMAT " bytes; at most %zu are accepted"),
                              soup_message_headers_get_content_length (headers), limit);
    }
  if (status == 0)
    return;
  /* Every refusal of a partner's request is audited, these too (before the
   * connection is taken over). */
  if (g_str_has_prefix (path, "/gateway/") && !self->shutting_down)
    rl_server_gateway_refused_early (self, msg, status, text);
  refuse_before_body (msg, status, code, text);
}

static void
dispatch (RlServer *self, RlRequest *request, SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GString) allow = g_string_new (NULL);
  g_autofree char *token = NULL;
  g_autoptr(RlUser) user = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  const RlRoute *route;
  gboolean known;
  Session *session;
  guint retry_after = 0;
  SoupMessageBody *request_body;
  const char *content_type;

  token = rl_parse_bearer (soup_message_headers_get_one (headers, "Authorization"));
  request->token = token;
  session = session_lookup (self, token);

  /* One bucket per signed-in session, else per address. */
  {
    g_autofree char *key = session ? g_strdup_printf ("u:%" G_GINT64_FORMAT ":%.16s", session->user->id, token)
                                   : g_strdup_printf ("a:%s", request->client);
    gboolean first_refusal = FALSE;

    if (!rate_allow (self, key, &retry_after, &first_refusal))
      {
        g_autofree char *seconds = g_strdup_printf ("%u", retry_after);
        g_autofree char *message = g_strdup_printf (_("Too many requests: try again in %u s"), retry_after);

        /* A partner's refusals are audited too: the first of each run of
         * them (every one would let a client that floods fill the log). */
        if (first_refusal && g_str_has_prefix (request->path, "/gateway/"))
          rl_server_gateway_refused_early (self, msg, 429, message);
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", seconds);
        rl_request_reply_error (request, 429, "rate-limited", "%s", message);
        return;
      }
  }

  route = find_route (self, request->method, request->path, request->ids, &request->n_ids, &known, allow);
  if (route == NULL)
    {
      if (known)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow->str);
          rl_request_reply_error (request, SOUP_STATUS_METHOD_NOT_ALLOWED, "method-not-allowed",
                                  _("%s is not allowed on %s (allowed: %s)"), request->method, request->path,
                                  allow->str);
        }
      else
        rl_request_reply_error (request, SOUP_STATUS_NOT_FOUND, "not-found", _("There is no %s"), request->path);
      return;
    }

  if (!(route->flags & RL_ROUTE_PUBLIC))
    {
      if (session == NULL)
        {
          g_autofree char *ended = token ? session_end_message (self, token) : NULL;

          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                        token ? "Bearer error=\"invalid_token\"" : "Bearer");
          if (ended)
            rl_request_reply_error (request, SOUP_STATUS_UNAUTHORIZED, "session-ended", "%s", ended);
          else
            rl_request_reply_error (request, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "%s",
                                    token ? _("The token is unknown or has expired: sign in again")
                                          : _("Sign in first: send “Authorization: Bearer TOKEN”"));
          return;
        }
      /* The account as it is now: disabled or changed role since sign-in counts. */
      if (!rl_store_set_actor (self->store, session->user->id, &error) ||
          !(user = rl_store_get_user (self->store, session->user->id, &error)))
        {
          g_autoptr(GError) delete_error = NULL;
          if (!session_delete (self, token, &delete_error))
            g_warning ("Cannot end the session of a refused user: %s", delete_error->message);
          rl_request_reply_error (request, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "%s", error->message);
          return;
        }
      request->user = user;
      if (route->roles != RL_ROLES_ANY && !(route->roles & RL_ROLE_BIT (user->role)))
        {
          g_autofree char *allowed = roles_text (route->roles);
          rl_request_reply_error (request, SOUP_STATUS_FORBIDDEN, "forbidden",
                                  _("%s is %s: only %s can use %s %s"), user->username,
                                  rl_role_to_label (user->role), allowed, request->method, route->pattern);
          return;
        }
    }
  else if (!rl_store_set_actor (self->store, 0, &error))
    {
      rl_request_reply_gerror (request, error);
      return;
    }

  request_body = soup_server_message_get_request_body (msg);
  content_type = soup_message_headers_get_content_type (headers, NULL);
  /* An upload route (the gateway) reads its body itself, JSON included, so
   * that a body it cannot read is refused, and audited, as the gateway's. */
  if ((route->flags & RL_ROUTE_BODY) ||
      (!(route->flags & RL_ROUTE_UPLOAD) && request_body->length > 0 && content_type &&
       g_ascii_strcasecmp (content_type, "application/json") == 0))
    {
      if (request_body->length > 0 && content_type && g_ascii_strcasecmp (content_type, "application/json") != 0)
        {
          rl_request_reply_error (request, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                                  _("The body must be application/json, not %s"), content_type);
          return;
        }
      if (!(body = rl_parse_json_body (request_body->data, request_body->length, &error)))
        {
          rl_request_reply_gerror (request, error);
          return;
        }
      request->body = body;
    }

  route->handler (request);
  if (!request->replied)
    rl_request_reply_error (request, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                            _("The handler of %s %s gave no reply"), request->method, route->pattern);
}

static void
server_callback (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  RlServer *self = data;
  RlRequest request = { 0 };
  g_autoptr(GError) error = NULL;

  request.server = self;
  request.store = self->store;
  request.msg = msg;
  request.method = soup_server_message_get_method (msg);
  request.path = path;
  request.query = query;
  request.client = client_address (msg);

  /* The early handler may have refused the body already. */
  if (soup_server_message_get_status (msg) != 0 && soup_server_message_get_status (msg) != SOUP_STATUS_NONE)
    return;
  if (self->shutting_down)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      rl_request_reply_error (&request, SOUP_STATUS_SERVICE_UNAVAILABLE, "shutting-down",
                              _("The server is shutting down"));
      return;
    }
  dispatch (self, &request, msg);
  /* Between requests the store acts for nobody. */
  if (!rl_store_set_actor (self->store, 0, &error))
    g_warning ("Cannot reset the acting user: %s", error->message);
}


/* ------------------------------------------------------------ workers */

/* Work too long for the main thread (1:N searches, partner submissions)
 * runs in a pool of worker_threads threads. Each job borrows a store
 * connection of its own from worker_stores (opened on first need, so there
 * are never more than worker_threads; all search the one shared gallery),
 * acts as the request's user and hands its reply back to the main context,
 * where the paused message is answered. SQLite in WAL mode lets the main
 * thread read while a worker writes. */
typedef struct {
  RlServer          *server;
  SoupServerMessage *msg;
  RlWorkerFunc       func;
  gint64             id;
  RlWorkerDataFunc   data_func;
  RlWorkerDoneFunc   done_func;
  gpointer           data;
  GDestroyNotify     data_free;
  gint64             user_id;
  char              *method, *path, *client;
  /* results, set by the worker */
  JsonNode          *reply;
  guint              status;
  GError            *error;
} WorkerJob;

static void
worker_job_free (WorkerJob *job)
{
  g_object_unref (job->server);
  g_object_unref (job->msg);
  if (job->data_free)
    job->data_free (job->data);
  g_free (job->method);
  g_free (job->path);
  g_free (job->client);
  g_clear_pointer (&job->reply, json_node_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static gboolean
worker_job_done (gpointer data)
{
  WorkerJob *job = data;
  RlRequest request = { 0 };

  /* Shut down meanwhile (after the grace period): the connection is gone. */
  if (job->server->store == NULL)
    return G_SOURCE_REMOVE;
  request.server = job->server;
  request.store = job->server->store;
  request.msg = job->msg;
  request.method = job->method;
  request.path = job->path;
  request.client = job->client;
  if (job->done_func)
    job->done_func (&request, job->reply, job->status, job->error, job->data);
  else if (job->reply)
    rl_request_reply_json (&request, job->status, json_node_ref (job->reply));
  else
    rl_request_reply_gerror (&request, job->error);
  soup_server_message_unpause (job->msg);
  return G_SOURCE_REMOVE;
}

static void
worker_run (gpointer data, gpointer pool_data)
{
  WorkerJob *job = data;
  RlServer *self = pool_data;
  RlStore *store = NULL;
  RlWorkerHook hook = self->worker_hook;

  /* Jobs still queued when the server began to stop are not started: they
   * are answered 503 (the ones running finish and commit). */
  if (g_atomic_int_get (&self->stopping_workers))
    {
      g_set_error_literal (&job->error, RL_STORE_ERROR, RL_STORE_ERROR_BUSY, _("The server is shutting down"));
      goto out;
    }
  if (hook)
    hook (job->path, self->worker_hook_data);
  if (!(store = g_async_queue_try_pop (self->worker_stores)))
    {
      if (!(store = rl_store_open (self->store_path, &job->error)))
        goto out;
      rl_search_share_gallery (store, self->gallery);
    }
  if (!rl_store_set_actor (store, job->user_id, &job->error))
    goto out;
  job->status = SOUP_STATUS_OK;
  if (job->data_func)
    job->reply = job->data_func (store, job->data, &job->status, &job->error);
  else
    job->reply = job->func (store, job->id, &job->status, &job->error);
  rl_store_set_actor (store, 0, NULL);
out:
  if (store)
    g_async_queue_push (self->worker_stores, store);
  if (job->reply == NULL && job->error == NULL)
    g_set_error_literal (&job->error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED, "no result");
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, worker_job_done, job,
                              (GDestroyNotify) worker_job_free);
}

static void
queue_job (RlRequest *request, WorkerJob *job)
{
  RlServer *self = request->server;

  if (self->worker == NULL)
    self->worker = g_thread_pool_new (worker_run, self, MAX (self->limits.worker_threads, 1), FALSE, NULL);
  job->server = g_object_ref (self);
  job->msg = g_object_ref (request->msg);
  job->user_id = request->user ? request->user->id : 0;
  job->method = g_strdup (request->method);
  job->path = g_strdup (request->path);
  job->client = g_strdup (request->client);

  /* Bounded: past max_queued_jobs waiting, a newcomer is told to come back
   * rather than the queue (and its memory, and everyone's wait) grown. */
  if (self->limits.max_queued_jobs > 0 && g_thread_pool_unprocessed (self->worker) >= self->limits.max_queued_jobs)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (request->msg), "Retry-After", "1");
      rl_request_reply_error (request, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy",
                              _("%u searches are waiting already: try again in a second"),
                              g_thread_pool_unprocessed (self->worker));
      worker_job_free (job);
      return;
    }
  soup_server_message_pause (request->msg);
  request->replied = TRUE;
  g_thread_pool_push (self->worker, job, NULL);
}

void
rl_request_run_in_worker (RlRequest *request, RlWorkerFunc func, gint64 id)
{
  WorkerJob *job = g_new0 (WorkerJob, 1);

  job->func = func;
  job->id = id;
  queue_job (request, job);
}

void
rl_request_run_in_worker_full (RlRequest *request, RlWorkerDataFunc func, RlWorkerDoneFunc done, gpointer data,
                               GDestroyNotify data_free)
{
  WorkerJob *job = g_new0 (WorkerJob, 1);

  job->data_func = func;
  job->done_func = done;
  job->data = data;
  job->data_free = data_free;
  queue_job (request, job);
}

RlSearchGallery *
rl_server_get_search_gallery (RlServer *self)
{
  g_return_val_if_fail (RL_IS_SERVER (self), NULL);
  return self->gallery;
}

void
rl_server_set_worker_hook (RlServer *self, RlWorkerHook hook, gpointer data)
{
  g_return_if_fail (RL_IS_SERVER (self));
  g_return_if_fail (self->worker == NULL);
  self->worker_hook = hook;
  self->worker_hook_data = data;
}

static void
stop_worker (RlServer *self)
{
  RlStore *store;

  /* Waits for the jobs running now (they commit and post their replies to
   * the main context, dropped if nobody runs it); queued ones are not
   * started. Then the workers' connections are closed. */
  g_atomic_int_set (&self->stopping_workers, TRUE);
  if (self->worker)
    g_thread_pool_free (g_steal_pointer (&self->worker), FALSE, TRUE);
  while ((store = g_async_queue_try_pop (self->worker_stores)))
    rl_store_close (store);
}

/* ---------------------------------------------- connections, shutdown */

static void maybe_finish_shutdown (RlServer *self);

static void
request_started (SoupServer *soup, SoupServerMessage *msg, RlServer *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  /* A connection that sends nothing for this long (headers, body, or the
   * next request on a kept-alive connection) is closed. */
  if (socket && self->limits.idle_timeout_seconds > 0)
    g_socket_set_timeout (socket, self->limits.idle_timeout_seconds);
}

static void
request_read (SoupServer *soup, SoupServerMessage *msg, RlServer *self)
{
  g_object_set_data (G_OBJECT (msg), "rl-in-flight", GINT_TO_POINTER (1));
  self->in_flight++;
}

static void
request_done (SoupServer *soup, SoupServerMessage *msg, RlServer *self)
{
  if (g_object_get_data (G_OBJECT (msg), "rl-in-flight"))
    {
      g_object_set_data (G_OBJECT (msg), "rl-in-flight", NULL);
      self->in_flight--;
      if (self->shutting_down)
        maybe_finish_shutdown (self);
    }
}

RlServer *
rl_server_new (RlStore *store, const RlServerLimits *limits)
{
  RlServer *self;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (RL_TYPE_SERVER, NULL);
  self->store = store;
  if (limits)
    self->limits = *limits;
  else
    rl_server_limits_init_default (&self->limits);
  rl_server_workstation_register (self);
  rl_server_gateway_register (self);
  self->sweep_source = g_timeout_add_seconds (60, sweep, self);
  self->store_path = g_strdup (rl_store_get_path (store));
  self->context = g_main_context_ref_thread_default ();
  return self;
}

gboolean
rl_server_listen (RlServer *self, const char *address, guint port, GTlsCertificate *tls_certificate,
                  GError **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *uris;

  g_return_val_if_fail (RL_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  if (!(inet = g_inet_address_new_from_string (address ? address : "127.0.0.1")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an IP address to listen on"), address);
      return FALSE;
    }
  self->soup = soup_server_new ("server-header", "ridgeline-server/" RL_VERSION " ",
                                "tls-certificate", tls_certificate, NULL);
  self->tls = tls_certificate != NULL;
  soup_server_add_early_handler (self->soup, NULL, early_callback, self, NULL);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started), self);
  g_signal_connect (self->soup, "request-read", G_CALLBACK (request_read), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_done), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_done), self);

  socket_address = g_inet_socket_address_new (inet, port);
  if (!soup_server_listen (self->soup, socket_address, self->tls ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
    return FALSE;
  uris = soup_server_get_uris (self->soup);
  if (uris)
    self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

static void
finish_shutdown (RlServer *self)
{
  GCallback callback = self->shutdown_callback;
  gpointer data = self->shutdown_data;

  g_clear_handle_id (&self->shutdown_timeout_source, g_source_remove);
  self->shutdown_callback = NULL;
  if (self->soup)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_disconnect (self->soup);
    }
  /* Every write was committed inside its request; closing checkpoints the WAL. */
  stop_worker (self);
  g_clear_pointer (&self->store, rl_store_close);
  if (callback)
    ((void (*) (RlServer *, gpointer)) callback) (self, data);
}

static void
maybe_finish_shutdown (RlServer *self)
{
  if (self->shutting_down && self->in_flight == 0 && self->shutdown_callback)
    finish_shutdown (self);
}

static gboolean
shutdown_timeout (gpointer data)
{
  RlServer *self = data;

  self->shutdown_timeout_source = 0;
  if (self->in_flight > 0)
    g_message ("Shutting down with %u replies still being sent", self->in_flight);
  finish_shutdown (self);
  return G_SOURCE_REMOVE;
}

void
rl_server_shutdown (RlServer *self, guint timeout_seconds, GCallback callback, gpointer user_data)
{
  g_return_if_fail (RL_IS_SERVER (self));
  g_return_if_fail (!self->shutting_down);

  /* Handlers run one at a time on this thread, so none is half-way through a
   * write now; jobs running in the workers commit or roll back as a whole and
   * are answered before the workspace closes (they count as in flight). New
   * requests get 503; replies being sent may finish. */
  self->shutting_down = TRUE;
  /* Jobs waiting for a worker are answered 503 rather than started. */
  g_atomic_int_set (&self->stopping_workers, TRUE);
  self->shutdown_callback = callback;
  self->shutdown_data = user_data;
  if (self->in_flight == 0)
    {
      /* From an idle so that the callback never runs inside this call. */
      self->shutdown_timeout_source = g_idle_add (shutdown_timeout, self);
      return;
    }
  self->shutdown_timeout_source = g_timeout_add_seconds (MAX (timeout_seconds, 1), shutdown_timeout, self);
}

/* ------------------------------------------------------------ sign-in */

char *
rl_server_json_object (const char *first_key, ...)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  va_list args;

  va_start (args, first_key);
  json_builder_begin_object (b);
  for (const char *key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);
      json_builder_set_member_name (b, key);
      json_builder_add_string_value (b, value ? value : "");
    }
  json_builder_end_object (b);
  va_end (args);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
add_user_json (JsonBuilder *b, const RlUser *user)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, user->id);
  json_builder_set_member_name (b, "username");
  json_builder_add_string_value (b, user->username);
  json_builder_set_member_name (b, "display_name");
  json_builder_add_string_value (b, user->display_name);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, rl_role_to_id (user->role));
  json_builder_set_member_name (b, "agency");
  json_builder_add_string_value (b, user->agency);
  json_builder_set_member_name (b, "agency_id");
  json_builder_add_int_value (b, user->agency_id);
  json_builder_end_object (b);
}

void
rl_server_add_user_json (JsonBuilder *b, const RlUser *user)
{
  add_user_json (b, user);
}

/* Signing in checks a PBKDF2 hash (about 0.1 s of CPU by design): that runs
 * in a worker thread on a connection of its own, with the message paused,
 * so other clients are served meanwhile. The session and the audit rows are
 * written back on the server's thread. */
typedef struct {
  RlServer          *server;
  SoupServerMessage *msg;
  char              *db_path;
  char              *username;
  char              *password;
  char              *client;
} SignIn;

static void
sign_in_free (SignIn *s)
{
  g_object_unref (s->server);
  g_object_unref (s->msg);
  g_free (s->db_path);
  g_free (s->username);
  if (s->password)
    memset (s->password, 0, strlen (s->password));
  g_free (s->password);
  g_free (s->client);
  g_free (s);
}

static void
sign_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  SignIn *s = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_open (s->db_path, &error);
  RlUser *user = store ? rl_store_check_password (store, s->username, s->password, &error) : NULL;

  if (user)
    g_task_return_pointer (task, user, (GDestroyNotify) rl_user_free);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
sign_in_finish (RlRequest *request, RlUser *user, GError *check_error, const char *username)
{
  RlServer *self = request->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *token = NULL;
  g_autofree char *details = NULL;
  gint64 expires = 0;

  if (self->store == NULL)
    {
      rl_request_reply_error (request, SOUP_STATUS_SERVICE_UNAVAILABLE, "shutting-down",
                              _("The server is shutting down"));
      return;
    }
  if (user == NULL)
    {
      g_autoptr(GError) audit_error = NULL;
      /* Failed attempts are audited (as the system) with the name tried. */
      details = rl_server_json_object ("username", username, "client", request->client, NULL);
      if (!rl_store_set_actor (request->store, 0, &audit_error) ||
          !rl_store_audit (request->store, "session.refused", "user", 0, NULL, details, &audit_error))
        g_warning ("Cannot audit a refused sign-in: %s", audit_error->message);
      if (g_error_matches (check_error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION))
        rl_request_reply_error (request, SOUP_STATUS_UNAUTHORIZED, "unauthorized", "%s", check_error->message);
      else
        rl_request_reply_gerror (request, check_error);
      return;
    }
  /* The session and its audit row are written together: either both are
   * on disk or the client gets an error and no token. */
  details = rl_server_json_object ("client", request->client, NULL);
  if (!rl_store_set_actor (request->store, user->id, &error) || !rl_store_begin (request->store, &error))
    {
      rl_request_reply_gerror (request, error);
      return;
    }
  if (!(token = session_create (self, user, request->client, &expires, &error)) ||
      !rl_store_audit (request->store, "session.open", "user", user->id, NULL, details, &error) ||
      !rl_store_commit (request->store, &error))
    {
      rl_store_rollback (request->store);
      if (token)
        {
          g_autofree char *key = token_key (token);
          g_hash_table_remove (self->sessions, key);
        }
      rl_request_reply_gerror (request, error);
      return;
    }
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "expires_at");
  {
    g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (expires);
    g_autofree char *text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
    json_builder_add_string_value (b, text);
  }
  json_builder_set_member_name (b, "user");
  add_user_json (b, user);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_CREATED, b);
}

static void
sign_in_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GTask *task = G_TASK (result);
  SignIn *s = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlUser) user = g_task_propagate_pointer (task, &error);
  RlRequest request = { 0 };

  request.server = s->server;
  request.store = s->server->store;
  request.msg = s->msg;
  request.method = "POST";
  request.path = "/api/v1/session";
  request.client = s->client;
  sign_in_finish (&request, user, error, s->username);
  if (s->server->store && !rl_store_set_actor (s->server->store, 0, &error))
    g_warning ("Cannot reset the acting user: %s", error->message);
  soup_server_message_unpause (s->msg);
}

void
rl_server_sign_in (RlRequest *request)
{
  g_auto(RlSignInRequest) sign_in = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  SignIn *s;

  if (!rl_parse_sign_in (request->body, &sign_in, &error))
    {
      rl_request_reply_gerror (request, error);
      return;
    }
  s = g_new0 (SignIn, 1);
  s->server = g_object_ref (request->server);
  s->msg = g_object_ref (request->msg);
  s->db_path = g_strdup (rl_store_get_path (request->store));
  s->username = g_steal_pointer (&sign_in.username);
  s->password = g_steal_pointer (&sign_in.password);
  s->client = g_strdup (request->client);
  task = g_task_new (NULL, NULL, sign_in_done, NULL);
  g_task_set_task_data (task, s, (GDestroyNotify) sign_in_free);
  soup_server_message_pause (request->msg);
  request->replied = TRUE;
  g_task_run_in_thread (task, sign_in_thread);
}

void
rl_server_sign_out (RlRequest *request)
{
  g_autoptr(GError) error = NULL;

  /* The session row goes with its audit row, or neither. */
  if (!rl_store_begin (request->store, &error))
    {
      rl_request_reply_gerror (request, error);
      return;
    }
  if (!session_delete (request->server, request->token, &error) ||
      !rl_store_audit (request->store, "session.close", "user", request->user->id, NULL, NULL, &error) ||
      !rl_store_commit (request->store, &error))
    {
      rl_store_rollback (request->store);
      rl_request_reply_gerror (request, error);
      return;
    }
  rl_request_reply_empty (request);
}

/* A data steward ends another user's sessions: in the store (audited) and
 * in this server's cache, so the user's very next request gets 401 saying
 * who ended it. */
void
rl_server_end_user_sessions (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  guint n = 0;

  if (!rl_store_end_user_sessions (request->store, request->ids[0], &n, &error))
    {
      rl_request_reply_gerror (request, error);
      return;
    }
  session_forget_user (request->server, request->ids[0]);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ended");
  json_builder_add_int_value (b, n);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

/* GET /api/v1/sessions: who is signed in (data stewards). */
void
rl_server_list_open_sessions (RlRequest *request)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GArray) open = rl_store_list_open_sessions (request->store, &error);

  if (open == NULL)
    {
      rl_request_reply_gerror (request, error);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "users");
  json_builder_begin_array (b);
  for (guint i = 0; i < open->len; i++)
    {
      const RlUserSessions *u = &g_array_index (open, RlUserSessions, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "user_id");
      json_builder_add_int_value (b, u->user_id);
      json_builder_set_member_name (b, "open");
      json_builder_add_int_value (b, u->n_open);
      json_builder_set_member_name (b, "last_opened_at");
      json_builder_add_int_value (b, u->last_opened_at);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}

void
rl_server_whoami (RlRequest *request)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "user");
  add_user_json (b, request->user);
  json_builder_end_object (b);
  rl_request_reply_builder (request, SOUP_STATUS_OK, b);
}
