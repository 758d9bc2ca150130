/* rl-server.h — ridgeline-server: the workstation's JSON API over HTTPS.
 *
 * An RlServer owns one RlStore connection and one SoupServer. Every request
 * runs on the thread of the main context that created the server, one at a
 * time, with the store's acting user set to the signed-in user of the
 * request's token (rl_store_set_actor), so the store's role and agency rules
 * apply to remote users exactly as to local ones.
 *
 * The routes (docs/server-api.md) are registered from tables; the partner
 * gateway adds its own (rl-server-gateway.c).
 */
#pragma once

#include <gio/gio.h>

#include "rl-store.h"

G_BEGIN_DECLS

#define RL_TYPE_SERVER (rl_server_get_type ())
G_DECLARE_FINAL_TYPE (RlServer, rl_server, RL, SERVER, GObject)

typedef struct {
  gsize  max_body_bytes;       /* request bodies above this get 413 (default 1 MiB) */
  gsize  max_upload_bytes;     /* the same for RL_ROUTE_UPLOAD routes (default 32 MiB) */
  double rate_per_second;      /* token bucket per client: refill rate; 0 = no limit (default 20) */
  double rate_burst;           /* bucket size (default 60) */
  guint  idle_timeout_seconds; /* a connection idle this long is closed (default 30) */
  guint  session_seconds;      /* a token's lifetime (default 8 h) */
  guint  worker_threads;       /* threads for 1:N searches and partner submissions, each with its own
                                * workspace connection and search gallery (default 2) */
  guint  max_queued_jobs;      /* jobs waiting for a worker above this get 503 busy; 0 = no limit (default 64) */
} RlServerLimits;

void      rl_server_limits_init_default (RlServerLimits *limits);

/* Takes ownership of store. */
RlServer *rl_server_new              (RlStore *store, const RlServerLimits *limits /* NULL = default */);
RlStore  *rl_server_get_store        (RlServer *self);

/* Listens on address:port (port 0 = any free port). tls_certificate NULL
 * means plain HTTP (tests, or behind a TLS-terminating proxy). */
gboolean  rl_server_listen           (RlServer *self, const char *address, guint port,
                                      GTlsCertificate *tls_certificate, GError **error);
/* The port listened on (after rl_server_listen), and the base URI
 * ("https://127.0.0.1:8443"). */
guint     rl_server_get_port         (RlServer *self);
char     *rl_server_get_base_uri     (RlServer *self);

/* Graceful shutdown: stops accepting connections, lets requests in flight
 * finish (at most timeout_seconds), then disconnects and closes the store.
 * callback runs on the server's main context when done. */
void      rl_server_shutdown         (RlServer *self, guint timeout_seconds, GCallback callback, gpointer user_data);

/* The certificate for HTTPS: loads cert_path/key_path (PEM), generating a
 * self-signed pair (ECDSA P-256, one year, for localhost and 127.0.0.1 and
 * hostname) first when neither file exists. Files are written 0600. */
GTlsCertificate *rl_server_load_or_create_certificate (const char *cert_path, const char *key_path,
                                                       const char *hostname, gboolean *out_created,
                                                       GError **error);
/* "AB:CD:…" SHA-256 of the certificate's DER, for pinning by clients. */
char     *rl_server_certificate_fingerprint (GTlsCertificate *certificate);

G_END_DECLS
