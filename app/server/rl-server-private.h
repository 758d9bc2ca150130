/* rl-server-private.h — what the server's files share: the request a
 * handler gets, the route table, reply helpers and the gateway's hook. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "rl-server.h"
#include "rl-server-parse.h"
#include "rl-search.h"

G_BEGIN_DECLS

typedef struct _RlRequest RlRequest;

/* One request, as a handler sees it. Valid during the handler only. */
struct _RlRequest {
  RlServer          *server;
  RlStore           *store;     /* the server's store, actor = user (or the system on public routes) */
  SoupServerMessage *msg;
  const char        *method;
  const char        *path;
  GHashTable        *query;     /* decoded query fields (may be NULL) */
  gint64             ids[RL_ROUTE_MAX_IDS];   /* the {id}s of the path, in order */
  guint              n_ids;
  const RlUser      *user;      /* the signed-in user; NULL on public routes */
  const char        *token;     /* the bearer token as sent (NULL if none) */
  JsonNode          *body;      /* the parsed JSON body; NULL when the request had none */
  const char        *client;    /* the client's address */
  gboolean           replied;
};

typedef void (*RlRouteHandler) (RlRequest *request);

typedef enum {
  RL_ROUTE_USER   = 0,          /* needs "Authorization: Bearer TOKEN" of a signed-in user */
  RL_ROUTE_PUBLIC = 1 << 0,     /* no user token: the handler checks what it needs itself
                                 * (sign-in; the gateway's partner API keys) */
  RL_ROUTE_BODY   = 1 << 1,     /* needs a JSON object body (400 when absent or malformed) */
  RL_ROUTE_UPLOAD = 1 << 2,     /* takes a body up to max_upload_bytes (a transaction with images),
                                 * not parsed as JSON unless sent as application/json: the handler
                                 * reads soup_server_message_get_request_body itself */
} RlRouteFlags;

/* Role masks for RlRoute.roles. */
#define RL_ROLE_BIT(role)    (1u << (role))
#define RL_ROLES_ANY         0u

typedef struct {
  const char    *method;        /* "GET", "POST", "DELETE" */
  const char    *pattern;       /* "/api/v1/searches/{id}/candidates": {id} is a positive integer */
  RlRouteHandler handler;
  RlRouteFlags   flags;
  guint          roles;         /* RL_ROLE_BIT()s allowed, RL_ROLES_ANY = any signed-in user. The store
                                 * checks roles again: this only refuses early what it never allows. */
} RlRoute;

/* Adds routes (the table must outlive the server: a static array). Earlier
 * routes win when two patterns match. */
void rl_server_add_routes (RlServer *server, const RlRoute *routes, guint n_routes);

/* The workstation API (rl-server-routes.c). */
void rl_server_workstation_register (RlServer *server);

/* The analyst, supervisor and data-steward pages' routes (rl-server-routes-pages.c). */
void rl_server_pages_register (RlServer *server);

/* Importing a file from a workstation (rl-server-routes-import.c). */
void rl_server_import_register (RlServer *server);

/* The partner gateway (rl-server-gateway.c): registers the /gateway/v1/ routes
 * with rl_server_add_routes, flagged RL_ROUTE_PUBLIC (partners send their
 * API key as the bearer token; the gateway's handlers check it). */
void rl_server_gateway_register (RlServer *server);
/* Audits a gateway request refused before its body was read (413 too large,
 * 411 chunked, 429 over the rate) as gateway.reject, with the partner when
 * its key is good. */
void rl_server_gateway_refused_early (RlServer *server, SoupServerMessage *msg, guint status, const char *message);

/* ------------------------------------------------------------- replies */

/* Replies with a JSON document (takes node). */
void rl_request_reply_json    (RlRequest *request, guint status, JsonNode *node);
/* Replies with the builder's root. */
void rl_request_reply_builder (RlRequest *request, guint status, JsonBuilder *builder);
/* {"error": code, "message": message} */
void rl_request_reply_error   (RlRequest *request, guint status, const char *code, const char *format, ...)
  G_GNUC_PRINTF (4, 5);
/* A store (or other) error as a reply: permission 403, not found 404, a broken
 * rule 409, busy 503, anything else 500. The message is the store's. */
void rl_request_reply_gerror  (RlRequest *request, const GError *error);
/* Bytes as they are (an image). */
void rl_request_reply_bytes   (RlRequest *request, guint status, const char *content_type, GBytes *bytes);
/* 204 No Content. */
void rl_request_reply_empty   (RlRequest *request);

/* Query parameters. */
const char *rl_request_query        (RlRequest *request, const char *name);
/* Unsigned integer query parameter: FALSE (and a 400 reply) when present but not a number in [min, max]. */
gboolean    rl_request_query_uint   (RlRequest *request, const char *name, guint64 min, guint64 max,
                                     guint64 default_value, guint64 *out);

/* Work too long for the main thread (a 1:N search): func runs in one of the
 * server's worker threads on a store connection of its own, acting as the
 * request's user, while the request is paused; it returns the reply's JSON
 * (and may change *status from 200) or NULL with an error, answered as
 * rl_request_reply_gerror does. At most limits.worker_threads jobs run at
 * once; the others wait in order. */
typedef JsonNode *(*RlWorkerFunc) (RlStore *store, gint64 id, guint *status, GError **error);
void rl_request_run_in_worker (RlRequest *request, RlWorkerFunc func, gint64 id);

/* The same with any data (freed with data_free on the main thread). done,
 * if not NULL, makes the reply on the main thread instead of the default
 * (reply, or error as rl_request_reply_gerror): it gets the worker's reply
 * (or NULL and the error) and the data. When more than max_queued_jobs are
 * waiting, the request is answered 503 busy at once. */
typedef JsonNode *(*RlWorkerDataFunc) (RlStore *store, gpointer data, guint *status, GError **error);
typedef void (*RlWorkerDoneFunc) (RlRequest *request, JsonNode *reply, guint status, const GError *error,
                                  gpointer data);
void rl_request_run_in_worker_full (RlRequest *request, RlWorkerDataFunc func, RlWorkerDoneFunc done,
                                    gpointer data, GDestroyNotify data_free);

/* For tests: hook runs in the worker thread before each job (with the
 * request's path), so a test can hold a job and see what the main thread
 * does meanwhile. Set before the first job. */
typedef void (*RlWorkerHook) (const char *path, gpointer data);
void rl_server_set_worker_hook (RlServer *server, RlWorkerHook hook, gpointer data);

/* The search gallery the workers share (rl-search.h); for other threads
 * that search, e.g. tuning jobs. Owned by the server. */
RlSearchGallery *rl_server_get_search_gallery (RlServer *server);

/* The session of a token (NULL if none or expired). For the gateway: partner
 * keys are not sessions. */
const RlUser *rl_server_lookup_session (RlServer *server, const char *token);

/* A short JSON object of string members for audit details:
 * rl_server_json_object ("client", address, NULL). */
char *rl_server_json_object (const char *first_key, ...) G_GNUC_NULL_TERMINATED;
/* {"id", "username", "display_name", "role", "agency", "agency_id"} */
void  rl_server_add_user_json (JsonBuilder *builder, const RlUser *user);

/* Session routes (rl-server.c): POST, DELETE and GET /api/v1/session. */
void rl_server_sign_in  (RlRequest *request);
void rl_server_sign_out (RlRequest *request);
void rl_server_whoami   (RlRequest *request);
/* DELETE /api/v1/users/{id}/sessions: a data steward ends a user's sessions. */
void rl_server_end_user_sessions (RlRequest *request);
/* GET /api/v1/sessions: per user, the open sessions (data stewards). */
void rl_server_list_open_sessions (RlRequest *request);

G_END_DECLS
