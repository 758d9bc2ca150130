/* cli-import.c — bulk import of prints into a workspace, and export of
 * encounters / identities as ANSI/NIST-ITL transactions. */
#define G_LOG_DOMAIN "ridgeline-cli"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rl-cli.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-import.h"
#include "rl-store.h"

static void
progress (guint done, guint total, const char *name)
{
  const int width = 30;
  int filled = total ? (int) ((guint64) done * width / total) : width;
  g_autofree char *shown = g_path_get_basename (name ? name : "");

  if (strlen (shown) > 40)
    shown[40] = '\0';
  fprintf (stderr, "\r\033[K[%.*s%*s] %u/%u %s", filled, "##############################", width - filled, "",
           done, total, shown);
  fflush (stderr);
}

static gboolean
sign_in (RlStore *store, const char *username, GError **error)
{
  g_autoptr(RlUser) user = NULL;

  if (username == NULL)
    return TRUE;
  user = rl_store_get_user_by_name (store, username, error);
  return user != NULL && rl_store_set_actor (store, user->id, error);
}

int
rl_cli_import (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rejected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *db = NULL, *as = NULL, *agency = NULL;
  g_auto(GStrv) paths = NULL;
  gboolean quiet = FALSE, verbose = FALSE, no_templates = FALSE, no_search = FALSE, tty;
  guint n_imported = 0, n_skipped = 0, n_samples = 0, n_templates = 0;
  guint n_searched = 0, n_hits = 0, n_links = 0, n_to_examiners = 0;
  gint64 start;
  RlImportOptions options = { 0 };
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file (created when missing)"), N_("PATH") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as, N_("Import on behalf of this user (default: the system)"), N_("USER") },
    { "agency", 0, 0, G_OPTION_ARG_STRING, &agency, N_("Attribute every encounter to this agency code"), N_("CODE") },
    { "no-templates", 0, 0, G_OPTION_ARG_NONE, &no_templates,
      N_("Store the prints without extracting templates (faster; they cannot be searched until extracted)"), NULL },
    { "no-search", 0, 0, G_OPTION_ARG_NONE, &no_search,
      N_("Do not search the new encounters 1:N (bulk loads of reference prints: no hits, no links)"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("No progress bar"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("List every note (e.g. each XML element not read)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, N_("PATH…") },
    { NULL }
  };

  context = g_option_context_new (N_("PATH… — import prints into a workspace"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Imports ANSI/NIST-ITL transactions (.an2, .eft, NIEM XML) and fingerprint images (WSQ, PNG, JPEG,\n"
      "TIFF) from files and folders. Each transaction becomes one encounter with its samples, all or\n"
      "nothing. An image is described by a sidecar NAME.json or by its name, FINGER_IMPRESSION.ext\n"
      "(as in the FVC sets: one identity per finger). Files imported before are skipped, so an\n"
      "interrupted import can simply be run again.\n\n"
      "A sidecar NAME.json may hold: identity (reference), finger (1–10), impression, ppi, family_name,\n"
      "given_names, date_of_birth (YYYY-MM-DD), sex (F/M/X/U), nationality (3 letters), agency, purpose,\n"
      "case_reference, date (ISO 8601), ground_truth.\n\n"
      "Each new encounter with templates is then searched 1:N with the active matcher release, as in\n"
      "production: grey-zone and poor prints go to the examiners' queue, a match with an identity that\n"
      "has derogatory records becomes a hit for the analysts, and prints shared with an identity whose\n"
      "biographic data differs get a multiple-identity link. --no-search turns this off."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (db == NULL || paths == NULL || paths[0] == NULL)
    return rl_cli_fail (_("usage: ridgeline-cli import PATH… --db PATH [--as USER] [--agency CODE]")), 2;

  store = g_file_test (db, G_FILE_TEST_EXISTS) ? rl_store_open (db, &error) : rl_store_create (db, &error);
  if (store == NULL || !sign_in (store, as, &error))
    return rl_cli_fail_error (error);
  options.agency_code = agency;
  options.imported = rl_import_load_history (store, &error);
  if (options.imported == NULL)
    return rl_cli_fail_error (error);
  if (!no_templates)
    options.make_template = rl_import_extract_template;
  options.no_search = no_search;

  for (guint i = 0; paths[i]; i++)
    {
      if (!g_file_test (paths[i], G_FILE_TEST_EXISTS))
        {
          g_ptr_array_add (rejected, g_strdup_printf (_("%s: no such file or folder"), paths[i]));
          continue;
        }
      {
        const char *one[] = { paths[i], NULL };
        g_autoptr(GPtrArray) found = rl_import_collect_files (one);
        for (guint k = 0; k < found->len; k++)
          g_ptr_array_add (files, g_steal_pointer (&found->pdata[k]));
      }
    }

  tty = !quiet && isatty (fileno (stderr));
  start = g_get_monotonic_time ();
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autoptr(GError) local = NULL;
      RlImportResult result = { 0 };

      if (tty)
        progress (i, files->len, path);
      if (!rl_import_file (store, path, &options, &result, &local))
        {
          /* Messages name the file already; give its folder once. */
          g_autofree char *base = g_path_get_basename (path);
          if (g_str_has_prefix (local->message, base))
            {
              g_autofree char *dir = g_path_get_dirname (path);
              g_ptr_array_add (rejected, g_strdup_printf ("%s/%s", dir, local->message));
            }
          else
            g_ptr_array_add (rejected, g_strdup_printf ("%s: %s", path, local->message));
        }
      else if (result.skipped)
        n_skipped++;
      else
        {
          n_imported++;
          n_samples += result.n_samples;
          n_templates += result.n_templates;
          guint n_xml = 0;

          if (result.searched)
            {
              n_searched++;
              n_hits += result.search.hit_id != 0;
              n_links += result.search.n_links;
              n_to_examiners += result.search.status == RL_SEARCH_PENDING;
            }

          for (guint k = 0; result.notes && k < result.notes->len; k++)
            {
              const char *text = result.notes->pdata[k];
              /* XML elements we do not map can be many: one line unless asked. */
              if (!verbose && strstr (text, _("XML element not read")))
                n_xml++;
              else
                g_ptr_array_add (notes, g_strdup (text));
            }
          if (n_xml)
            g_ptr_array_add (notes, g_strdup_printf (_("%s: %u XML elements not read (--verbose lists them)"),
                                                     path, n_xml));
        }
      rl_import_result_clear (&result);
    }
  if (tty)
    {
      progress (files->len, files->len, NULL);
      fputc ('\n', stderr);
    }

  {
    double seconds = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;

    printf (_("Imported %u files: %u encounters, %u samples (%u with a template) in %.1f s\n"), n_imported,
            n_imported, n_samples, n_templates, seconds);
    if (n_searched)
      printf (_("Searched %u encounters: %u hits for analysts, %u to the examiners' queue, %u multiple-identity links\n"),
              n_searched, n_hits, n_to_examiners, n_links);
    if (n_skipped)
      printf (g_dngettext (GETTEXT_PACKAGE, "Skipped %u file imported before\n", "Skipped %u files imported before\n",
                           n_skipped), n_skipped);
    if (rejected->len)
      {
        printf (g_dngettext (GETTEXT_PACKAGE, "Rejected %u file (nothing of it was imported):\n",
                             "Rejected %u files (nothing of them was imported):\n", rejected->len), rejected->len);
        for (guint i = 0; i < rejected->len; i++)
          printf ("  %s\n", (const char *) rejected->pdata[i]);
      }
    if (notes->len)
      {
        printf (_("Notes:\n"));
        for (guint i = 0; i < notes->len; i++)
          printf ("  %s\n", (const char *) notes->pdata[i]);
      }
  }
  g_hash_table_unref (options.imported);
  return rejected->len ? 1 : 0;
}

int
rl_cli_export (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlStore) store = NULL;
  g_autoptr(RlAn2kTransaction) transaction = NULL;
  g_autofree char *db = NULL, *as = NULL, *output = NULL, *purpose = NULL;
  gint64 encounter_id = 0, identity_id = 0;
  gboolean type14 = FALSE;
  RlExportOptions options = { 0 };
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("Workspace file"), N_("PATH") },
    { "encounter", 0, 0, G_OPTION_ARG_INT64, &encounter_id, N_("Export this encounter"), N_("ID") },
    { "identity", 0, 0, G_OPTION_ARG_INT64, &identity_id, N_("Export every encounter of this identity"), N_("ID") },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose, N_("Why (case number or reason; goes into the audit log)"), N_("TEXT") },
    { "as", 0, 0, G_OPTION_ARG_STRING, &as, N_("Export on behalf of this user"), N_("USER") },
    { "type-14", 0, 0, G_OPTION_ARG_NONE, &type14, N_("Write every print as a Type-14 record"), NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Transaction file to write"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (N_("— write an encounter or identity as an ANSI/NIST-ITL transaction"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Writes Type-1, Type-2 (names, date of birth, sex), Type-4 for 500 ppi WSQ prints, Type-14 for\n"
      "the others and Type-9 for minutiae-only samples."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return rl_cli_fail_error (error), 2;
  if (db == NULL || output == NULL || (encounter_id == 0) == (identity_id == 0))
    return rl_cli_fail (_("usage: ridgeline-cli export --db PATH (--encounter ID | --identity ID) --purpose TEXT -o FILE")), 2;
  if (purpose == NULL)
    return rl_cli_fail (_("--purpose TEXT is required: exports are audited")), 2;

  store = rl_store_open (db, &error);
  if (store == NULL || !sign_in (store, as, &error))
    return rl_cli_fail_error (error);
  options.type14_only = type14;
  options.purpose = purpose;
  transaction = encounter_id ? rl_export_encounter (store, encounter_id, &options, &error)
                             : rl_export_identity (store, identity_id, &options, &error);
  if (transaction == NULL || !rl_an2k_write_file (transaction, output, &error))
    return rl_cli_fail_error (error);
  printf (_("Wrote %s: %u records\n"), output, rl_an2k_transaction_get_n_records (transaction));
  return 0;
}
