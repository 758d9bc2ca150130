/* rl-import-dialog.h — bulk import of prints with progress, from the GUI.
 *
 * The same import as `ridgeline-cli import`: each file all or nothing,
 * resumable (files imported before are skipped), a summary of what was
 * imported and what was rejected and why. The work runs on a thread with its
 * own connection to the workspace, so the window stays responsive.
 */
#pragma once

#include <adwaita.h>

#include "rl-store.h"

G_BEGIN_DECLS

#define RL_TYPE_IMPORT_DIALOG (rl_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RlImportDialog, rl_import_dialog, RL, IMPORT_DIALOG, AdwWindow)

/* user_id: the signed-in user the import acts as (recorded in the audit log). */
RlImportDialog *rl_import_dialog_new       (GtkWindow *parent, const char *workspace_path, gint64 user_id);
/* For the window's workspace: on a file as above (the file's path); on a
 * server workspace the files are sent to the server (POST /api/v1/imports)
 * on a connection of the dialog's own in the same session, one request per
 * file. NULL with an error when that connection cannot be made. */
RlImportDialog *rl_import_dialog_new_for_store (GtkWindow *parent, RlStore *store, gint64 user_id, GError **error);
void            rl_import_dialog_add_path  (RlImportDialog *self, const char *path);
/* Starts importing the chosen paths; "finished" is emitted when done. */
void            rl_import_dialog_start     (RlImportDialog *self);
void            rl_import_dialog_cancel    (RlImportDialog *self);
gboolean        rl_import_dialog_get_running (RlImportDialog *self);
guint           rl_import_dialog_get_n_imported (RlImportDialog *self);
guint           rl_import_dialog_get_n_skipped  (RlImportDialog *self);
guint           rl_import_dialog_get_n_rejected (RlImportDialog *self);

G_END_DECLS
