/* rl-remote.h — a remote workspace: an RlStore whose calls go to a
 * ridgeline-server over HTTPS (docs/server-api.md) instead of a SQLite file.
 *
 * Open one with rl_store_open_remote() (rl-store.h); the GUI then calls the
 * same rl_store_* functions as on a file. Each of those that is wired for a
 * remote workspace sends ONE request and decodes the answer into the same
 * structs (data/rl-store-json.h); one that is not yet wired fails with
 * RL_STORE_ERROR_FAILED "… is not available on a remote workspace yet" and
 * never touches a local file.
 *
 * The server does every check (role, agency, restricted content withheld);
 * the client never sends whom it acts for — the session token says it.
 *
 * Each call is synchronous (libsoup 3, soup_session_send_and_read) in the
 * thread that makes it, with a 30 s timeout per request (RIDGELINE_REMOTE_TIMEOUT
 * seconds instead when set). The store may be used from several threads at
 * once: the GUI reads pages in worker threads (rl-store-load.h) and makes
 * small calls on its main thread; a request made in a thread whose current
 * GCancellable (g_cancellable_push_current) is cancelled stops with
 * G_IO_ERROR_CANCELLED. */
#pragma once

#include <gio/gio.h>

#include "rl-store.h"

G_BEGIN_DECLS

/* Signs in with a password (POST /api/v1/session): the token is kept in the
 * store and sent with every later call. Returns the signed-in user (as the
 * server knows them); on a wrong password an RL_STORE_ERROR_PERMISSION with
 * the server's message. */
RlUser   *rl_remote_sign_in  (RlStore *store, const char *username, const char *password, GError **error);
/* Deletes the session on the server (DELETE /api/v1/session) and forgets the
 * token. Signing out of a server that is gone still forgets it (FALSE and
 * the error then). */
gboolean  rl_remote_sign_out (RlStore *store, GError **error);
/* Whether the store holds a session token. */
gboolean  rl_remote_is_signed_in (RlStore *store);
/* Why the server last refused the session (its message, e.g. that a data
 * steward ended it), or NULL; cleared by the next sign-in. */
char     *rl_remote_dup_signed_out_reason (RlStore *store);

/* How many requests the store has sent to the server so far (any thread):
 * for benchmarks and tests that count a page's round trips. */
guint     rl_remote_get_n_requests (RlStore *store);

/* A second store on the same server and the same session (the token is
 * shared, signing out of either ends it), with a connection of its own: for
 * a worker thread (the import dialog), since one RlStore is used from one
 * thread. timeout_seconds: how long a request may wait for the server (0:
 * the usual 30 s; an import extracts and searches before it answers).
 * NULL with an error when the store is not signed in. Close it with
 * rl_store_close (that does not end the session). */
RlStore  *rl_remote_open_another (RlStore *store, guint timeout_seconds, GError **error);

/* The server's base URL ("https://host:8443") and host name ("host"). */
const char *rl_remote_get_url  (RlStore *store);
const char *rl_remote_get_host (RlStore *store);

/* First connection: fetches the certificate the server at url presents,
 * whoever signed it, so that the user can compare its fingerprint with the
 * one the server printed and accept (pin) it. Returns NULL with an error
 * naming the URL when nothing answers there. */
GTlsCertificate *rl_remote_fetch_certificate (const char *url, GError **error);
/* SHA-256 of the certificate's DER bytes, as "AB:CD:…" (what the server prints). */
char            *rl_certificate_fingerprint  (GTlsCertificate *certificate);

/* url as the store keeps it: scheme http or https, a host, no path beyond
 * "/" (NULL with an error naming what is wrong otherwise). */
char            *rl_remote_normalize_url     (const char *url, GError **error);

G_END_DECLS
