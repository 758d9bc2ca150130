#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RL_TYPE_APPLICATION (rl_application_get_type ())
G_DECLARE_FINAL_TYPE (RlApplication, rl_application, RL, APPLICATION, AdwApplication)

/* Where the workspace path came from, in order of precedence. */
typedef enum {
  RL_WORKSPACE_SOURCE_CHOSEN,       /* chosen in this run (preferences, error page) */
  RL_WORKSPACE_SOURCE_COMMAND_LINE, /* --workspace PATH */
  RL_WORKSPACE_SOURCE_ENVIRONMENT,  /* RIDGELINE_DB */
  RL_WORKSPACE_SOURCE_SETTINGS,     /* the workspace-path GSettings key */
  RL_WORKSPACE_SOURCE_DEFAULT,      /* $XDG_DATA_HOME/ridgeline/workspace.db */
} RlWorkspaceSource;

RlApplication *rl_application_new                 (void);
GSettings     *rl_application_get_settings        (RlApplication *self);
/* The workspace windows open (a file, or a server's https:// address when
 * the workspace-kind setting says "server"), and where that choice came from. */
char          *rl_application_dup_workspace_path  (RlApplication *self, RlWorkspaceSource *out_source);
/* Opens path in every window (signing out) and remembers it in GSettings. */
void           rl_application_open_workspace      (RlApplication *self, const char *path);
/* Opens the server at url, pinning certificate (the one the user accepted
 * after comparing its fingerprint; NULL for http:// or a certificate the
 * system trusts): kept in the server-url and server-certificate settings. */
void           rl_application_open_server         (RlApplication *self, const char *url,
                                                   GTlsCertificate *certificate);
/* Whether a workspace "path" is a server's address (http:// or https://). */
gboolean       rl_workspace_is_server             (const char *path);
/* Asks for a workspace file with a native file chooser, then opens it. */
void           rl_application_choose_workspace    (RlApplication *self, GtkWindow *parent);

G_END_DECLS
