/* rl-store-private.h — what the rl-store-*.c files share. Not for callers. */
#pragma once

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "rl-store.h"

G_BEGIN_DECLS

struct _RlStore {
  sqlite3    *db;
  char       *path;
  GHashTable *statements;   /* SQL text → sqlite3_stmt*, prepared once per store */
  guint       tx_depth;     /* 0: no transaction; n: BEGIN + n-1 savepoints */
  gint64      fixed_time;   /* 0: real clock */
  gint64      actor_id;     /* 0: the system */
  RlRole      actor_role;
  gint64      actor_agency_id;
  char       *actor_name;
  /* rl-search.c's gallery of this workspace's templates (see there), and
   * how to free it. Dropped whenever stored templates may have changed in a
   * way a look at the highest sample id cannot tell (rollback, a template
   * replaced). */
  gpointer       search_cache;
  GDestroyNotify search_cache_free;
  /* When set, called instead of search_cache_free on a rollback
   * (templates_replaced FALSE) or a stored template replaced (TRUE): a
   * gallery shared between connections is not simply thrown away. */
  void         (*search_cache_changed) (gpointer cache, gboolean templates_replaced);
  /* A remote workspace (db is NULL then): every wired rl_store_* function
   * starts with `if (self->remote) return rl_remote_xxx (self, ...)`. */
  struct _RlRemote *remote;
  /* rl_store_close drops one; rl_store_hold (rl-store-load.c, for a load
   * in a worker thread) adds one. Freed at 0. */
  gint ref_count;
};

/* One more reference: the store stays open until the matching
 * rl_store_close. Only rl-store-load.c uses it, and drops it on the main
 * thread, so that a store is never freed inside a worker thread. */
RlStore *rl_store_hold (RlStore *self);

/* On a remote store (no database), sets "what is not available on a remote
 * workspace yet" and returns TRUE: `if (rl_store_not_remote (...)) return`.
 * rl_store_stmt and the transaction calls check it too, so a function not
 * wired for a remote workspace fails there and never reads a local file. */
gboolean rl_store_refuse_remote (RlStore *self, GError **error, const char *what);

/* Frees the search gallery cache, if any (the next search reloads it):
 * after a rollback (ids may be reused). */
void rl_store_drop_search_cache (RlStore *self);
/* The same after a stored template was replaced. */
void rl_store_templates_replaced (RlStore *self);

extern const char * const rl_store_migrations[];
extern const guint rl_store_n_migrations;

/* Returns the cached prepared statement for sql (a string literal), reset
 * and with bindings cleared; NULL with error if it cannot be prepared. */
sqlite3_stmt *rl_store_stmt (RlStore *self, const char *sql, GError **error);

/* Sets error from the connection's last SQLite error, mapped onto
 * RlStoreError (constraint, busy, corrupt...), prefixed with what. Returns
 * FALSE so that callers can `return rl_store_fail (...)`. */
gboolean rl_store_fail (RlStore *self, GError **error, const char *what);

/* Makes the struct of one result row. */
typedef gpointer (*RlStoreRowFunc) (sqlite3_stmt *stmt);

/* Steps a statement expected to return one row and resets it: the row made
 * by from_row; NULL with RL_STORE_ERROR_NOT_FOUND (missing_format and its
 * arguments, formatted only then) when there is none, or with the database
 * error prefixed by what. */
gpointer rl_store_query_row (RlStore *self, sqlite3_stmt *stmt, RlStoreRowFunc from_row, const char *what,
                             GError **error, const char *missing_format, ...) G_GNUC_PRINTF (6, 7);

/* Steps a statement that returns no row, then resets it. */
gboolean rl_store_run (RlStore *self, sqlite3_stmt *stmt, GError **error, const char *what);

/* Steps a statement that returns one integer (or none: *out untouched,
 * returns TRUE with *found FALSE when found is given, error NOT_FOUND otherwise). */
gboolean rl_store_query_int64 (RlStore *self, sqlite3_stmt *stmt, gint64 *out, GError **error,
                               const char *what);

/* NULL, empty or only white space. */
gboolean rl_is_blank (const char *text);

void rl_bind_text_or_null (sqlite3_stmt *stmt, int index, const char *text);
void rl_bind_id_or_null   (sqlite3_stmt *stmt, int index, gint64 id);
char *rl_column_strdup    (sqlite3_stmt *stmt, int column);   /* NULL for NULL */
char *rl_column_strdup0   (sqlite3_stmt *stmt, int column);   /* "" for NULL */

/* Role checks against the acting user. Returns FALSE with
 * RL_STORE_ERROR_PERMISSION naming the action when the actor's role is not
 * one of the roles given (RlRole values, 0-terminated). */
gboolean rl_store_require_role (RlStore *self, GError **error, const char *action, ...);

/* Appends an audit row inside the current transaction (the caller holds
 * one). details may be NULL. */
gboolean rl_store_audit_append (RlStore *self, const char *action, const char *object_kind, gint64 object_id,
                                const char *purpose, const char *details, GError **error);

/* A short JSON object from key/value pairs (values are strings, escaped),
 * NULL-terminated: rl_json_object ("field", "value", NULL). */
char *rl_json_object (const char *first_key, ...) G_GNUC_NULL_TERMINATED;

/* Stable id ↔ translated label tables for the enums. */
typedef struct { int value; const char *id; const char *label; } RlEnumEntry;
const char *rl_enum_to_id    (const RlEnumEntry *table, guint n, int value);
const char *rl_enum_to_label (const RlEnumEntry *table, guint n, int value);
gboolean    rl_enum_from_id  (const RlEnumEntry *table, guint n, const char *id, int *out);

#define RL_DEFINE_ENUM_IDS(prefix, Type, table)                                                  \
  const char *prefix##_to_id (Type v) { return rl_enum_to_id (table, G_N_ELEMENTS (table), v); } \
  const char *prefix##_to_label (Type v) { return rl_enum_to_label (table, G_N_ELEMENTS (table), v); } \
  gboolean prefix##_from_id (const char *id, Type *out)                                          \
  {                                                                                              \
    int v;                                                                                       \
    if (!rl_enum_from_id (table, G_N_ELEMENTS (table), id, &v))                                  \
      return FALSE;                                                                              \
    if (out)                                                                                     \
      *out = (Type) v;                                                                           \
    return TRUE;                                                                                 \
  }

/* Reads an enum column by its stable id (0 if unknown). */
int rl_column_enum (sqlite3_stmt *stmt, int column, const RlEnumEntry *table, guint n);

extern const RlEnumEntry rl_purpose_table[];
extern const guint rl_purpose_table_len;

G_END_DECLS
