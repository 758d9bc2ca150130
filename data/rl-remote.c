/* rl-remote.c — the remote workspace's HTTP client (see rl-remote.h) and
 * the remote side of the store's session, user and transaction calls. */
#define G_LOG_DOMAIN "ridgeline-store"

#include <libsoup/soup.h>
#include <string.h>

#include "rl-remote-private.h"
#include "rl-store-credentials.h"

#define API_PREFIX      "/api/v1"
#define TIMEOUT_SECONDS 30
/* RIDGELINE_REMOTE_TIMEOUT (seconds) replaces it: tests use a short one to
 * see a server that stops answering turn into an error. */
#define TIMEOUT_ENV     "RIDGELINE_REMOTE_TIMEOUT"
/* A reply bigger than this is refused (the biggest real ones are print
 * images of a few MiB). */
#define MAX_REPLY_BYTES (64u * 1024 * 1024)

/* Threads: the GUI loads pages in worker threads (rl-store-load.h) while
 * its main thread makes small calls of its own, all on this one remote.
 * libsoup (3.2 and later) lets any thread send on one session; the fields
 * below `lock` change after set-up and are read and written only under it.
 * url, host, pinned and session are fixed once rl_remote_new returns. */
struct _RlRemote {
  SoupSession     *session;
  char            *url;        /* "https://host:port", no trailing slash */
  char            *host;
  GTlsCertificate *pinned;     /* the certificate the user accepted, or NULL */
  guint            timeout;    /* seconds a request may wait for the server */
  GMutex           lock;
  char            *token;      /* the session's bearer token, NULL when signed out */
  RlUser          *user;       /* whom the token is for */
  GPtrArray       *users;      /* RlUser*, the server's user list, read once for names */
  GHashTable      *image_samples;   /* image SHA-256 → a sample id holding it (GET /samples/{id}/image) */
  guint            tx_depth;
  char            *signed_out_reason;  /* the server's words when it last refused the session */
  guint            n_requests;  /* sent so far (atomic: any thread sends) */
  guint            tx_writes;   /* writes sent inside the outermost begin/commit */
  GThread         *tx_thread;   /* the thread that opened it: a page load's worker
                                 * writing meanwhile is not part of that step */
};

/* ------------------------------------------------------------ set-up */

char *
rl_remote_normalize_url (const char *url, GError **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *trimmed = NULL;
  const char *scheme, *path;

  g_return_val_if_fail (url != NULL, NULL);

  trimmed = g_strstrip (g_strdup (url));
  if (!(uri = g_uri_parse (trimmed, G_URI_FLAGS_NONE, &local)))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("“%s” is not a server address: %s (write it like https://server.example:8443)"), trimmed,
                   local->message);
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  path = g_uri_get_path (uri);
  if ((g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("“%s” is not a server address: it must start with https:// and name a host"), trimmed);
      return NULL;
    }
  /* The address of the server, not of a page: a path the user pasted from
   * the server's "Serving … on https://host:port/api/v1/" line is dropped. */
  if (path && *path && g_strcmp0 (path, "/") != 0 && !g_str_has_prefix (path, API_PREFIX))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("“%s” is not a server address: leave out the path “%s”"), trimmed, path);
      return NULL;
    }
  {
    g_autofree char *lower = g_ascii_strdown (scheme, -1);
    return g_uri_join (G_URI_FLAGS_NONE, lower, NULL, g_uri_get_host (uri), g_uri_get_port (uri), "", NULL, NULL);
  }
}

/* TIMEOUT_SECONDS, or RIDGELINE_REMOTE_TIMEOUT when it is a whole number of
 * seconds from 1 to 600 (anything else is ignored, with a warning). */
static guint
request_timeout (void)
{
  const char *text = g_getenv (TIMEOUT_ENV);
  guint64 value = 0;

  if (text == NULL || *text == '\0')
    return TIMEOUT_SECONDS;
  if (!g_ascii_string_to_unsigned (text, 10, 1, 600, &value, NULL))
    {
      g_warning ("%s=%s is not a number of seconds from 1 to 600; using %u", TIMEOUT_ENV, text, TIMEOUT_SECONDS);
      return TIMEOUT_SECONDS;
    }
  return (guint) value;
}

RlRemote *
rl_remote_new (const char *url, GTlsCertificate *pinned, GError **error)
{
  g_autofree char *normal = rl_remote_normalize_url (url, error);
  g_autoptr(GUri) uri = NULL;
  RlRemote *remote;

  if (normal == NULL)
    return NULL;
  uri = g_uri_parse (normal, G_URI_FLAGS_NONE, NULL);
  remote = g_new0 (RlRemote, 1);
  remote->url = g_steal_pointer (&normal);
  remote->host = g_strdup (g_uri_get_host (uri));
  remote->pinned = pinned ? g_object_ref (pinned) : NULL;
  remote->timeout = request_timeout ();
  g_mutex_init (&remote->lock);
  remote->session = soup_session_new_with_options ("timeout", remote->timeout, "idle-timeout", 60,
                                                   "user-agent", "Ridgeline/" RL_VERSION, NULL);
  remote->image_samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return remote;
}

void
rl_remote_free (RlRemote *remote)
{
  if (remote == NULL)
    return;
  g_clear_object (&remote->session);
  g_clear_object (&remote->pinned);
  g_clear_pointer (&remote->users, g_ptr_array_unref);
  g_clear_pointer (&remote->user, rl_user_free);
  g_clear_pointer (&remote->image_samples, g_hash_table_unref);
  if (remote->token)
    memset (remote->token, 0, strlen (remote->token));
  g_free (remote->token);
  g_free (remote->signed_out_reason);
  g_free (remote->url);
  g_free (remote->host);
  g_mutex_clear (&remote->lock);
  g_free (remote);
}

static RlRemote *
remote_of (RlStore *store)
{
  return store->remote;
}

const char *
rl_remote_get_url (RlStore *store)
{
  g_return_val_if_fail (store != NULL && store->remote != NULL, NULL);
  return store->remote->url;
}

const char *
rl_remote_get_host (RlStore *store)
{
  g_return_val_if_fail (store != NULL && store->remote != NULL, NULL);
  return store->remote->host;
}

gboolean
rl_remote_is_signed_in (RlStore *store)
{
  g_return_val_if_fail (store != NULL && store->remote != NULL, FALSE);
  {
    G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->remote->lock);
    return store->remote->token != NULL;
  }
}

/* The token under the lock, copied (NULL when signed out). */
static char *
dup_token (RlRemote *remote)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&remote->lock);

  return g_strdup (remote->token);
}

/* Forgets the session, the token wiped; only if it is still `token` when
 * given (a sign-in made meanwhile on another thread is kept). */
static void
forget_session (RlRemote *remote, const char *token)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&remote->lock);

  if (remote->token == NULL || (token != NULL && strcmp (remote->token, token) != 0))
    return;
  memset (remote->token, 0, strlen (remote->token));
  g_clear_pointer (&remote->token, g_free);
  g_clear_pointer (&remote->user, rl_user_free);
  g_clear_pointer (&remote->users, g_ptr_array_unref);
}

char *
rl_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return g_string_free (text, FALSE);
  g_checksum_update (sum, der->data, der->len);
  g_checksum_get_digest (sum, digest, &len);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (text, "%s%02X", i ? ":" : "", digest[i]);
  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------ requests */

/* Pinning: a certificate the system does not trust is accepted only when it
 * is exactly the one the user accepted. */
static gboolean
accept_pinned (SoupMessage          *msg,
               GTlsCertificate      *certificate,
               GTlsCertificateFlags  errors,
               gpointer              data)
{
  RlRemote *remote = data;

  return remote->pinned != NULL && g_tls_certificate_is_same (certificate, remote->pinned);
}

static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

/* The server's {"error", "message"} as a store error. */
static void
set_reply_error (RlRemote *remote, SoupMessage *msg, GBytes *body, gboolean had_token, GError **error)
{
  guint status = soup_message_get_status (msg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *message = NULL;
  g_autofree char *error_code = NULL;
  int code;

  if (body && g_bytes_get_size (body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL))
    {
      JsonNode *root = json_parser_get_root (parser);
      if (root && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonNode *m = json_object_get_member (json_node_get_object (root), "message");
          JsonNode *e = json_object_get_member (json_node_get_object (root), "error");
          if (m && JSON_NODE_HOLDS_VALUE (m) && json_node_get_value_type (m) == G_TYPE_STRING)
            message = g_strdup (json_node_get_string (m));
          if (e && JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
            error_code = g_strdup (json_node_get_string (e));
        }
    }
  if (message == NULL)
    message = g_strdup_printf (_("the server at %s answered %u %s"), remote->url, status,
                               soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "");
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      if (had_token)
        {
          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_SIGNED_OUT,
                       _("Signed out: the server no longer accepts the session (%s)"), message);
          /* Kept to tell the user why when a data steward ended it. */
          g_mutex_lock (&remote->lock);
          g_free (remote->signed_out_reason);
          remote->signed_out_reason = g_strcmp0 (error_code, "session-ended") == 0 ? g_strdup (message) : NULL;
          g_mutex_unlock (&remote->lock);
          return;
        }
      code = RL_STORE_ERROR_PERMISSION;
      break;
    case SOUP_STATUS_FORBIDDEN: code = RL_STORE_ERROR_PERMISSION; break;
    case SOUP_STATUS_NOT_FOUND: code = RL_STORE_ERROR_NOT_FOUND; break;
    case SOUP_STATUS_CONFLICT:
    case SOUP_STATUS_UNPROCESSABLE_ENTITY: code = RL_STORE_ERROR_CONSTRAINT; break;
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case 429: code = RL_STORE_ERROR_BUSY; break;   /* too many requests */
    default: code = RL_STORE_ERROR_FAILED; break;
    }
  g_set_error_literal (error, RL_STORE_ERROR, code, message);
}

static gboolean check_write_in_transaction (RlRemote *remote, const char *method, const char *path, GError **error);

/* Sends one request with a body that is JSON (body) or other bytes
 * (raw_type, raw_body); the reply's bytes for 2xx, NULL with an error otherwise. */
static GBytes *
send_request_full (RlRemote     *remote,
                   const char   *method,
                   const char   *path,
                   JsonNode     *body,
                   const char   *raw_type,
                   GBytes       *raw_body,
                   gboolean      authorized,
                   guint        *out_status,
                   char        **out_content_type,
                   GError      **error)
{
  g_autofree char *uri = g_strconcat (remote->url, API_PREFIX, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *token = authorized ? dup_token (remote) : NULL;
  guint status;

  if (msg == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED, _("Cannot make a request for %s"), uri);
      return NULL;
    }
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_pinned), remote);
  if (token)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body)
    {
      gsize len;
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = NULL;

      len = strlen (text);
      bytes = g_bytes_new_take (text, len);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  else if (raw_body)
    soup_message_set_request_body_from_bytes (msg, raw_type, raw_body);
  if (authorized && !check_write_in_transaction (remote, method, path, error))
    return NULL;
  g_atomic_int_inc (&remote->n_requests);
  /* A load in a worker thread (rl-store-load.c) makes its GCancellable the
   * thread's current one: cancelling the load stops the request. */
  if (!(reply = soup_session_send_and_read (remote->session, msg, g_cancellable_get_current (), &local)))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_BUSY,
                     _("The server at %s did not answer within %u seconds (%s %s)"), remote->url,
                     remote->timeout, method, path);
      else if (g_error_matches (local, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE) ||
          g_error_matches (local, G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE) ||
          soup_message_get_tls_peer_certificate (msg) != NULL)
        {
          GTlsCertificate *peer = soup_message_get_tls_peer_certificate (msg);
          g_autofree char *fingerprint = peer ? rl_certificate_fingerprint (peer) : NULL;

          g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION,
                       _("The server at %s presented a certificate that was not accepted%s%s (%s). "
                         "Accept its certificate again in Preferences if the server was given a new one."),
                       remote->url, fingerprint ? _(": SHA-256 ") : "", fingerprint ? fingerprint : "",
                       local->message);
        }
      else
        g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED, _("Cannot reach the server at %s: %s"),
                     remote->url, local->message);
      return NULL;
    }
  status = soup_message_get_status (msg);
  if (out_status)
    *out_status = status;
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      set_reply_error (remote, msg, reply, token != NULL, error);
      if (status == SOUP_STATUS_UNAUTHORIZED && token != NULL)
        /* The server forgot the session (restart, expiry): so do we. */
        forget_session (remote, token);
      if (token)
        memset (token, 0, strlen (token));
      return NULL;
    }
  if (g_bytes_get_size (reply) > MAX_REPLY_BYTES)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server at %s sent %zu bytes for %s"),
                   remote->url, g_bytes_get_size (reply), path);
      return NULL;
    }
  if (out_content_type)
    *out_content_type = g_strdup (soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                                         NULL));
  if (token)
    memset (token, 0, strlen (token));
  return g_steal_pointer (&reply);
}

static GBytes *
send_request (RlRemote     *remote,
              const char   *method,
              const char   *path,
              JsonNode     *body,
              gboolean      authorized,
              guint        *out_status,
              char        **out_content_type,
              GError      **error)
{
  return send_request_full (remote, method, path, body, NULL, NULL, authorized, out_status, out_content_type,
                            error);
}

static JsonNode *
parse_reply (RlRemote *remote, const char *path, GBytes *bytes, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &local) ||
      !(root = json_parser_get_root (parser)))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server at %s sent no JSON for %s: %s"),
                   remote->url, path, local ? local->message : _("empty reply"));
      return NULL;
    }
  return json_node_copy (root);
}

static gboolean
require_session (RlRemote *remote, GError **error)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&remote->lock);

  if (remote->token == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_SIGNED_OUT,
                   _("Sign in to the server at %s first"), remote->url);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
rl_remote_call (RlStore *store, const char *method, const char *path, JsonNode *body, GError **error)
{
  RlRemote *remote = remote_of (store);
  g_autoptr(JsonNode) owned_body = body;
  g_autoptr(GBytes) reply = NULL;
  guint status = 0;

  g_return_val_if_fail (remote != NULL, NULL);

  if (!require_session (remote, error))
    return NULL;
  if (!(reply = send_request (remote, method, path, owned_body, TRUE, &status, NULL, error)))
    return NULL;
  if (status == SOUP_STATUS_NO_CONTENT || g_bytes_get_size (reply) == 0)
    return NULL;
  return parse_reply (remote, path, reply, error);
}

JsonNode *
rl_remote_call_upload (RlStore *store, const char *method, const char *path, const char *content_type, GBytes *body,
                       GError **error)
{
  RlRemote *remote = remote_of (store);
  g_autoptr(GBytes) reply = NULL;
  guint status = 0;

  g_return_val_if_fail (remote != NULL && content_type != NULL && body != NULL, NULL);

  if (!require_session (remote, error))
    return NULL;
  if (!(reply = send_request_full (remote, method, path, NULL, content_type, body, TRUE, &status, NULL, error)))
    return NULL;
  if (status == SOUP_STATUS_NO_CONTENT || g_bytes_get_size (reply) == 0)
    return NULL;
  return parse_reply (remote, path, reply, error);
}

GBytes *
rl_remote_call_bytes (RlStore *store, const char *method, const char *path, char **out_content_type, GError **error)
{
  RlRemote *remote = remote_of (store);
  g_autoptr(GBytes) reply = NULL;
  guint status = 0;

  g_return_val_if_fail (remote != NULL, NULL);

  if (!require_session (remote, error))
    return NULL;
  if (!(reply = send_request (remote, method, path, NULL, TRUE, &status, out_content_type, error)))
    return NULL;
  if (status == SOUP_STATUS_NO_CONTENT)
    return NULL;
  return g_steal_pointer (&reply);
}

gpointer
rl_remote_get_one (RlStore *store, const char *path, RlJsonReadFunc func, GError **error)
{
  GError *local = NULL;
  g_autoptr(JsonNode) root = rl_remote_call (store, "GET", path, NULL, &local);

  if (root == NULL)
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), path);
      g_propagate_error (error, local);
      return NULL;
    }
  return func (root, error);
}

GPtrArray *
rl_remote_get_list (RlStore *store, const char *path, const char *member, RlJsonReadFunc func,
                    GDestroyNotify free_func, GError **error)
{
  GError *local = NULL;
  g_autoptr(JsonNode) root = rl_remote_call (store, "GET", path, NULL, &local);
  JsonObject *object;

  if (root == NULL)
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), path);
      g_propagate_error (error, local);
      return NULL;
    }
  if (!(object = rl_json_expect_object (root, path, error)))
    return NULL;
  return rl_json_read_array (object, member, func, free_func, error);
}

gint64
rl_remote_create (RlStore *store, const char *method, const char *path, JsonNode *body, GError **error)
{
  GError *local = NULL;
  g_autoptr(JsonNode) root = rl_remote_call (store, method, path, body, &local);
  JsonObject *object;
  gint64 id = 0;

  if (root == NULL)
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent no id for %s"), path);
      g_propagate_error (error, local);
      return 0;
    }
  if (!(object = rl_json_expect_object (root, path, error)) ||
      !rl_json_read_int (object, "reply", "id", 1, G_MAXINT64, &id, error))
    return 0;
  return id;
}

gboolean
rl_remote_do (RlStore *store, const char *method, const char *path, JsonNode *body, GError **error)
{
  GError *local = NULL;
  JsonNode *root = rl_remote_call (store, method, path, body, &local);

  g_clear_pointer (&root, json_node_unref);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
rl_remote_body (JsonBuilder *builder)
{
  return json_builder_get_root (builder);
}

gboolean
rl_remote_unavailable (GError **error, const char *what)
{
  g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED, _("%s is not available on a remote workspace yet"),
               what);
  return FALSE;
}

/* ------------------------------------------------------------ another connection */

RlStore *
rl_remote_open_another (RlStore *store, guint timeout_seconds, GError **error)
{
  RlRemote *remote, *copy;
  RlStore *other;

  g_return_val_if_fail (store != NULL && store->remote != NULL, NULL);
  remote = store->remote;

  if (!require_session (remote, error) || !(copy = rl_remote_new (remote->url, remote->pinned, error)))
    return NULL;
  if (timeout_seconds > 0)
    {
      copy->timeout = timeout_seconds;
      g_object_set (copy->session, "timeout", timeout_seconds, NULL);
    }
  {
    G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&remote->lock);
    copy->token = g_strdup (remote->token);
    copy->user = remote->user ? rl_user_copy (remote->user) : NULL;
  }
  other = g_new0 (RlStore, 1);
  other->remote = copy;
  other->path = g_strdup (copy->url);
  return other;
}

/* ------------------------------------------------------------ certificate */

GTlsCertificate *
rl_remote_fetch_certificate (const char *url, GError **error)
{
  g_autofree char *normal = rl_remote_normalize_url (url, error);
  g_autofree char *uri = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) local = NULL;
  GTlsCertificate *peer;

  if (normal == NULL)
    return NULL;
  if (!g_str_has_prefix (normal, "https://"))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND,
                   _("%s is not an https:// address: there is no certificate to check"), normal);
      return NULL;
    }
  uri = g_strconcat (normal, API_PREFIX, "/info", NULL);
  session = soup_session_new_with_options ("timeout", TIMEOUT_SECONDS, NULL);
  msg = soup_message_new ("GET", uri);
  /* Only to read the certificate: nothing is sent but this request, and
   * nothing of the reply is used. */
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  reply = soup_session_send_and_read (session, msg, NULL, &local);
  peer = soup_message_get_tls_peer_certificate (msg);
  if (peer == NULL)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED, _("Cannot reach the server at %s: %s"), normal,
                   local ? local->message : _("it presented no certificate"));
      return NULL;
    }
  return g_object_ref (peer);
}

/* ------------------------------------------------------------ session */

RlUser *
rl_remote_sign_in (RlStore *store, const char *username, const char *password, GError **error)
{
  RlRemote *remote;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(RlUser) user = NULL;
  g_autofree char *token = NULL;
  JsonObject *object;

  g_return_val_if_fail (store != NULL && store->remote != NULL, NULL);
  g_return_val_if_fail (username != NULL && password != NULL, NULL);
  remote = store->remote;

  json_builder_begin_object (b);
  rl_json_add_string (b, "username", username);
  rl_json_add_string (b, "password", password);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  if (!(reply = send_request (remote, "POST", "/session", body, FALSE, NULL, NULL, error)) ||
      !(root = parse_reply (remote, "/session", reply, error)) ||
      !(object = rl_json_expect_object (root, "session", error)) ||
      !rl_json_read_string (object, "session", "token", &token, error) ||
      !(user = rl_user_from_json (json_object_get_member (object, "user"), error)))
    return NULL;
  if (token == NULL || *token == '\0')
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server at %s sent no session token"),
                   remote->url);
      return NULL;
    }
  {
    G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&remote->lock);

    if (remote->token)
      memset (remote->token, 0, strlen (remote->token));
    g_free (remote->token);
    remote->token = g_steal_pointer (&token);
    g_clear_pointer (&remote->signed_out_reason, g_free);
    g_clear_pointer (&remote->user, rl_user_free);
    remote->user = rl_user_copy (user);
    g_clear_pointer (&remote->users, g_ptr_array_unref);
  }
  return g_steal_pointer (&user);
}

gboolean
rl_remote_sign_out (RlStore *store, GError **error)
{
  RlRemote *remote;
  gboolean ok = TRUE;

  g_return_val_if_fail (store != NULL && store->remote != NULL, FALSE);
  remote = store->remote;

  if (!rl_remote_is_signed_in (store))
    return TRUE;
  {
    g_autoptr(GBytes) reply = send_request (remote, "DELETE", "/session", NULL, TRUE, NULL, NULL, error);
    ok = reply != NULL || !rl_remote_is_signed_in (store);
  }
  forget_session (remote, NULL);
  return ok;
}

/* ------------------------------------------------------------ transactions */

/* A remote store has no transaction of its own: each write is one request
 * that the server commits. The GUI's compound steps (a conclusion and its
 * correction) are single requests (see rl_store_add_conclusion_with_correction);
 * begin/commit only keep the nesting count so that the callers' pairing
 * stays checked. */
gboolean
rl_remote_begin (RlStore *store, GError **error)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->remote->lock);

  if (store->remote->tx_depth++ == 0)
    {
      store->remote->tx_writes = 0;
      store->remote->tx_thread = g_thread_self ();
    }
  return TRUE;
}

/* A remote store has no transaction: inside begin/commit only ONE write
 * request may go (the server commits it in one transaction). A second
 * would be committed on its own, so a failure between them would leave half
 * a step written: it is refused, and a g_critical makes the tests that meet
 * such a flow fail, so that it is turned into one request. */
static gboolean
check_write_in_transaction (RlRemote *remote, const char *method, const char *path, GError **error)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = NULL;

  if (g_strcmp0 (method, "GET") == 0)
    return TRUE;
  locker = g_mutex_locker_new (&remote->lock);
  if (remote->tx_depth == 0 || remote->tx_thread != g_thread_self ())
    return TRUE;
  if (remote->tx_writes++ == 0)
    return TRUE;
  g_critical ("A second write (%s %s) inside one transaction on a remote workspace: it would not be atomic; "
              "make the step one request", method, path);
  g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_FAILED,
               _("%s %s is a second write in one step on a server workspace: the server could not commit "
                 "the step as a whole, so nothing more was sent"), method, path);
  return FALSE;
}

gboolean
rl_remote_commit (RlStore *store, GError **error)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->remote->lock);

  g_return_val_if_fail (store->remote->tx_depth > 0, FALSE);
  if (--store->remote->tx_depth == 0)
    store->remote->tx_thread = NULL;
  return TRUE;
}

void
rl_remote_rollback (RlStore *store)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->remote->lock);

  if (store->remote->tx_depth > 0 && --store->remote->tx_depth == 0)
    store->remote->tx_thread = NULL;
}

/* ------------------------------------------------------------ users */

GPtrArray *
rl_remote_list_users (RlStore *store, GError **error)
{
  RlRemote *remote = store->remote;
  GPtrArray *users = rl_remote_get_list (store, "/users", "users", (RlJsonReadFunc) rl_user_from_json,
                                         (GDestroyNotify) rl_user_free, error);

  if (users == NULL)
    return NULL;
  {
    G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&remote->lock);

    g_clear_pointer (&remote->users, g_ptr_array_unref);
    remote->users = g_ptr_array_ref (users);
  }
  return users;
}

/* Users by id or name from the list read once (names for "claimed by",
 * histories): read again when one is not there. */
static RlUser *
find_user (RlStore *store, gint64 id, const char *name, GError **error)
{
  RlRemote *remote = store->remote;

  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(GPtrArray) users = NULL;

      if (attempt == 0)
        {
          G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&remote->lock);
          users = remote->users ? g_ptr_array_ref (remote->users) : NULL;
        }
      /* the list is read outside the lock: another thread may read it too */
      if (users == NULL && !(users = rl_remote_list_users (store, error)))
        return NULL;
      for (guint i = 0; i < users->len; i++)
        {
          RlUser *u = g_ptr_array_index (users, i);
          if ((name == NULL && u->id == id) || (name != NULL && g_strcmp0 (u->username, name) == 0))
            return rl_user_copy (u);
        }
    }
  if (name)
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No user “%s”"), name);
  else
    g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_NOT_FOUND, _("No user %" G_GINT64_FORMAT), id);
  return NULL;
}

RlUser *
rl_remote_get_user (RlStore *store, gint64 user_id, GError **error)
{
  RlRemote *remote = store->remote;

  {
    G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&remote->lock);
    if (remote->user && remote->user->id == user_id)
      return rl_user_copy (remote->user);
  }
  return find_user (store, user_id, NULL, error);
}

RlUser *
rl_remote_get_user_by_name (RlStore *store, const char *username, GError **error)
{
  return find_user (store, 0, username, error);
}

/* The server acts for the token's user: the client cannot choose another. */
gboolean
rl_remote_set_actor (RlStore *store, gint64 user_id, GError **error)
{
  RlRemote *remote = store->remote;

  {
    G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&remote->lock);
    if (user_id == 0 && remote->token == NULL)
      return TRUE;
    if (remote->user != NULL && remote->user->id == user_id)
      return TRUE;
  }
  g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_PERMISSION,
               _("On a remote workspace the server acts for the user who signed in; sign in as that user instead"));
  return FALSE;
}

gint64
rl_remote_get_actor (RlStore *store)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->remote->lock);

  return store->remote->user ? store->remote->user->id : 0;
}

guint
rl_remote_get_n_requests (RlStore *store)
{
  g_return_val_if_fail (store != NULL && store->remote != NULL, 0);
  return (guint) g_atomic_int_get (&store->remote->n_requests);
}

char *
rl_remote_dup_signed_out_reason (RlStore *store)
{
  g_return_val_if_fail (store != NULL && store->remote != NULL, NULL);
  {
    G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->remote->lock);
    return g_strdup (store->remote->signed_out_reason);
  }
}

gboolean
rl_remote_end_user_sessions (RlStore *store, gint64 user_id, guint *out_n, GError **error)
{
  g_autofree char *path = g_strdup_printf ("/users/%" G_GINT64_FORMAT "/sessions", user_id);
  g_autoptr(JsonNode) root = NULL;
  GError *local = NULL;
  JsonObject *object;
  gint64 n = 0;

  if (!(root = rl_remote_call (store, "DELETE", path, NULL, &local)))
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), path);
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!(object = rl_json_expect_object (root, path, error)) ||
      !rl_json_read_int (object, "sessions", "ended", 0, G_MAXUINT32, &n, error))
    return FALSE;
  if (out_n)
    *out_n = (guint) n;
  return TRUE;
}

GArray *
rl_remote_list_open_sessions (RlStore *store, GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) out = NULL;
  GError *local = NULL;
  JsonObject *object;
  JsonArray *array;
  JsonNode *member;

  if (!(root = rl_remote_call (store, "GET", "/sessions", NULL, &local)))
    {
      if (local == NULL)
        g_set_error (&local, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("The server sent nothing for %s"), "/sessions");
      g_propagate_error (error, local);
      return NULL;
    }
  if (!(object = rl_json_expect_object (root, "sessions", error)))
    return NULL;
  member = json_object_get_member (object, "users");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT,
                   _("The server’s reply is malformed: sessions.users is not an array"));
      return NULL;
    }
  array = json_node_get_array (member);
  out = g_array_new (FALSE, TRUE, sizeof (RlUserSessions));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = rl_json_expect_object (json_array_get_element (array, i), "sessions.users[]", error);
      RlUserSessions row = { 0 };
      gint64 n = 0;

      if (o == NULL || !rl_json_read_int (o, "sessions.users[]", "user_id", 1, G_MAXINT64, &row.user_id, error) ||
          !rl_json_read_int (o, "sessions.users[]", "open", 0, G_MAXUINT32, &n, error) ||
          !rl_json_read_int (o, "sessions.users[]", "last_opened_at", 0, G_MAXINT64, &row.last_opened_at, error))
        return NULL;
      row.n_open = (guint) n;
      g_array_append_val (out, row);
    }
  return g_steal_pointer (&out);
}

/* ------------------------------------------------------------ audit */

GPtrArray *
rl_remote_list_audit (RlStore *store, const char *object_kind, gint64 object_id, gint64 user_id, guint limit,
                      GError **error)
{
  g_autoptr(GString) path = g_string_new ("/audit?");
  g_autofree char *kind = object_kind ? g_uri_escape_string (object_kind, NULL, FALSE) : NULL;

  g_string_append_printf (path, "limit=%u", limit ? MIN (limit, 10000u) : 10000u);
  if (kind)
    g_string_append_printf (path, "&kind=%s", kind);
  if (object_id)
    g_string_append_printf (path, "&object=%" G_GINT64_FORMAT, object_id);
  if (user_id)
    g_string_append_printf (path, "&user=%" G_GINT64_FORMAT, user_id);
  return rl_remote_get_list (store, path->str, "entries", (RlJsonReadFunc) rl_audit_entry_from_json,
                             (GDestroyNotify) rl_audit_entry_free, error);
}

gboolean
rl_remote_audit (RlStore *store, const char *action, const char *object_kind, gint64 object_id,
                 const char *purpose, const char *details_json, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  rl_json_add_string (b, "action", action);
  rl_json_add_string (b, "object_kind", object_kind);
  rl_json_add_id (b, "object_id", object_id);
  rl_json_add_string (b, "purpose", purpose);
  rl_json_add_string (b, "details", details_json);
  json_builder_end_object (b);
  return rl_remote_do (store, "POST", "/audit", rl_remote_body (b), error);
}

/* ------------------------------------------------------------ images */

void
rl_remote_note_image (RlStore *store, const char *sha256, gint64 sample_id)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->remote->lock);

  g_hash_table_replace (store->remote->image_samples, g_strdup (sha256), GSIZE_TO_POINTER ((gsize) sample_id));
}

gint64
rl_remote_lookup_image (RlStore *store, const char *sha256)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&store->remote->lock);

  return sha256 ? (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (store->remote->image_samples, sha256)) : 0;
}

/* ------------------------------------------------------------ server check */

gboolean
rl_remote_check_server (RlStore *store, GError **error)
{
  RlRemote *remote = store->remote;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *service = NULL;
  JsonObject *object;

  if (!(reply = send_request (remote, "GET", "/info", NULL, FALSE, NULL, NULL, error)))
    return FALSE;
  if (!(root = parse_reply (remote, "/info", reply, error)) ||
      !(object = rl_json_expect_object (root, "info", error)) ||
      !rl_json_read_string (object, "info", "service", &service, error))
    return FALSE;
  if (g_strcmp0 (service, "ridgeline-server") != 0)
    {
      g_set_error (error, RL_STORE_ERROR, RL_STORE_ERROR_CORRUPT, _("%s is not a Ridgeline server"), remote->url);
      return FALSE;
    }
  return TRUE;
}
