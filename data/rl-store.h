/* rl-store.h — the Ridgeline workspace store (SQLite).
 *
 * Every call that can fail takes a GError **. Every multi-row change runs in
 * one transaction. See data/rl-store.c for the schema and migrations.
 */
#pragma once

#include <glib.h>

#include "rl-types.h"

G_BEGIN_DECLS

#define RL_STORE_ERROR (rl_store_error_quark ())
GQuark rl_store_error_quark (void);

typedef enum {
  RL_STORE_ERROR_NOT_FOUND,       /* file or row missing */
  RL_STORE_ERROR_CORRUPT,         /* not a Ridgeline workspace, or damaged */
  RL_STORE_ERROR_TOO_NEW,         /* made by a newer Ridgeline */
  RL_STORE_ERROR_CONSTRAINT,      /* a rule of the domain was broken */
  RL_STORE_ERROR_PERMISSION,      /* the user's role does not allow this */
  RL_STORE_ERROR_BUSY,
  RL_STORE_ERROR_FAILED,
} RlStoreError;

typedef struct _RlStore RlStore;

/* Opens an existing workspace (error RL_STORE_ERROR_NOT_FOUND if missing) and
 * migrates it to the current schema. */
RlStore *rl_store_open   (const char *path, GError **error);
/* Creates a new, empty workspace at path (error if it exists). */
RlStore *rl_store_create (const char *path, GError **error);
void     rl_store_close  (RlStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlStore, rl_store_close)

const char *rl_store_get_path (RlStore *store);

typedef enum {
  RL_ROLE_EXAMINER = 1,
  RL_ROLE_ANALYST = 2,
  RL_ROLE_SUPERVISOR = 3,
  RL_ROLE_DATA_STEWARD = 4,
} RlRole;

/* Untranslated stable id ("examiner") and translated label ("Examiner"). */
const char *rl_role_to_id    (RlRole role);
const char *rl_role_to_label (RlRole role);
gboolean    rl_role_from_id  (const char *id, RlRole *out_role);

typedef struct {
  gint64  id;
  char   *username;      /* sign-in name, unique */
  char   *display_name;
  RlRole  role;
  char   *agency;        /* the agency the user works for */
} RlUser;

void rl_user_free (RlUser *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlUser, rl_user_free)

/* Array of RlUser*, owning (free func set), ordered by display name. */
GPtrArray *rl_store_list_users       (RlStore *store, GError **error);
RlUser    *rl_store_get_user_by_name (RlStore *store, const char *username, GError **error);

G_END_DECLS
