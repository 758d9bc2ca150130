/* The GUI import: a folder with two prints and one corrupt file. The dialog
 * imports the prints, rejects the corrupt file with its reason, and a second
 * run skips what was imported. Runs under Xvfb. */
#include <adwaita.h>
#include <glib/gstdio.h>

#include "rl-image-io.h"
#include "rl-import-dialog.h"
#include "rl-store.h"
#include "rl-synth.h"

static char *tmp_dir;

static char *
make_workspace (gint64 *out_user)
{
  g_autofree char *path = g_build_filename (tmp_dir, "ws.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = rl_store_create (path, &error);
  gint64 agency;

  g_assert_no_error (error);
  agency = rl_store_add_agency (store, "AG1", "Agency One", &error);
  *out_user = rl_store_add_user (store, "dana", "Dana Example", RL_ROLE_EXAMINER, agency, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static char *
make_folder (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "prints", NULL);
  g_autoptr(RlSynthFinger) finger = rl_synth_finger_new (3, RL_FINGER_RIGHT_INDEX);
  g_autoptr(GError) error = NULL;
  g_autofree char *junk = g_build_filename (dir, "103_1.wsq", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (int i = 1; i <= 2; i++)
    {
      RlSynthImpression imp;
      g_autoptr(RlImage) image = NULL;
      g_autofree char *name = g_strdup_printf ("101_%d.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      rl_synth_impression_random (i, &imp);
      image = rl_synth_render (finger, &imp, &error);
      g_assert_no_error (error);
      g_assert_true (rl_image_save (image, path, &error));
      g_assert_no_error (error);
    }
  /* A WSQ start-of-image marker followed by rubbish. */
  g_assert_true (g_file_set_contents (junk, "\xff\xa0\xff\xa8 not really a wsq file", 24, NULL));
  return g_steal_pointer (&dir);
}

static void
on_finished (RlImportDialog *dialog, gboolean *done)
{
  *done = TRUE;
}

static RlImportDialog *
run_import (const char *db, gint64 user, const char *folder)
{
  RlImportDialog *dialog = rl_import_dialog_new (NULL, db, user);
  gboolean done = FALSE;

  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished), &done);
  gtk_window_present (GTK_WINDOW (dialog));
  rl_import_dialog_add_path (dialog, folder);
  rl_import_dialog_start (dialog);
  g_assert_true (rl_import_dialog_get_running (dialog));
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (rl_import_dialog_get_running (dialog));
  return dialog;
}

static void
save_screenshot (GtkWidget *widget, const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  /* Let the window lay out and paint once. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_save_to_png (texture, path);
  g_test_message ("screenshot: %s", path);
}

static void
test_import_folder (void)
{
  gint64 user;
  g_autofree char *db = make_workspace (&user);
  g_autofree char *folder = make_folder ();
  g_autoptr(GError) error = NULL;
  RlImportDialog *dialog;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GPtrArray) identities = NULL;
  const char *shots = g_getenv ("RL_SCREENSHOT_DIR");

  dialog = run_import (db, user, folder);
  g_assert_cmpuint (rl_import_dialog_get_n_imported (dialog), ==, 2);
  g_assert_cmpuint (rl_import_dialog_get_n_rejected (dialog), ==, 1);
  g_assert_cmpuint (rl_import_dialog_get_n_skipped (dialog), ==, 0);
  if (shots)
    {
      g_autofree char *path = g_build_filename (shots, "import-dialog.png", NULL);
      save_screenshot (GTK_WIDGET (dialog), path);
    }
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* What the dialog imported is in the workspace, under the signed-in user. */
  store = rl_store_open (db, &error);
  g_assert_no_error (error);
  identities = rl_store_list_identities (store, NULL, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (identities->len, ==, 1);           /* finger 101: one identity */

  /* Run again: both prints are skipped, the corrupt file is rejected again. */
  dialog = run_import (db, user, folder);
  g_assert_cmpuint (rl_import_dialog_get_n_imported (dialog), ==, 0);
  g_assert_cmpuint (rl_import_dialog_get_n_skipped (dialog), ==, 2);
  g_assert_cmpuint (rl_import_dialog_get_n_rejected (dialog), ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int argc, char **argv)
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  tmp_dir = g_dir_make_tmp ("rl-import-dialog-XXXXXX", NULL);
  g_test_add_func ("/import-dialog/folder", test_import_folder);
  result = g_test_run ();
  return result;
}
