/* The keyboard shortcuts window (Ctrl+?) against the keys the application
 * really has, so the two cannot drift apart:
 *  - every key of the running app: the application's accelerators
 *    (app.*, win.*) and every shortcut of every Ridgeline widget type (its
 *    class bindings and the shortcut controllers it adds when created, less
 *    what its GTK/libadwaita parent already has) must run a named action;
 *  - every such action (and each of its parameters, e.g. candidate 1 … 9)
 *    must be in the window, under a shortcut whose builder id is the action's
 *    name, with at least one of its real keys;
 *  - every key the window lists must run the action its id names (no stale
 *    or wrong keys), mnemonics must be the widget's real mnemonic, and all the
 *    actions of one view are in one section;
 *  - each section renders as one page without a warning (warnings are fatal
 *    here; a second page makes GTK 4.8 warn about a negative label width),
 *    and is saved as a screenshot to look at.
 * Screenshots go to tests/app/screenshots/ in the build tree. */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "rl-application.h"
#include "rl-comparison-view.h"
#include "rl-hit-view.h"
#include "rl-identity-view.h"
#include "rl-import-dialog.h"
#include "rl-print-view.h"
#include "rl-queue-page.h"
#include "rl-release-view.h"
#include "rl-review-view.h"
#include "rl-table-view.h"
#include "rl-timeline.h"
#include "rl-tuning-page.h"
#include "rl-window.h"
#include "gui-test-util.h"

/* A key and what it runs. action: the action's name (for the application's
 * accelerators, the detailed name, e.g. win.page::queue); target: its
 * parameter as GVariant text, NULL for none. */
typedef struct {
  char           *owner;
  char           *action;
  char           *target;
  char           *detailed; /* action::target or action(target), NULL without a target */
  guint           keyval;
  GdkModifierType mods;
} Binding;

static void
binding_free (Binding *b)
{
  g_free (b->owner);
  g_free (b->action);
  g_free (b->target);
  g_free (b->detailed);
  g_free (b);
}

static void
normalize (guint *keyval, GdkModifierType *mods)
{
  *keyval = gdk_keyval_to_lower (*keyval);
  *mods &= gtk_accelerator_get_default_mod_mask ();
}

static char *
key_name (guint keyval, GdkModifierType mods)
{
  normalize (&keyval, &mods);
  return gtk_accelerator_name (keyval, mods);
}

/* ---- the keys the application has -------------------------------------- */

static void
add_trigger (GPtrArray *out, GtkShortcutTrigger *trigger, const char *owner, const char *action,
             GVariant *args)
{
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    {
      add_trigger (out, gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)), owner, action, args);
      add_trigger (out, gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)), owner, action, args);
    }
  else if (GTK_IS_KEYVAL_TRIGGER (trigger))
    {
      Binding *b = g_new0 (Binding, 1);

      b->owner = g_strdup (owner);
      b->action = g_strdup (action);
      /* An application window's accelerators come as win.page + 'queue':
       * the window lists them by their detailed name, win.page::queue. */
      if (args != NULL)
        {
          b->target = g_variant_print (args, FALSE);
          if (g_action_name_is_valid (action))
            b->detailed = g_action_print_detailed_name (action, args);
        }
      b->keyval = gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger));
      b->mods = gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger));
      normalize (&b->keyval, &b->mods);
      g_ptr_array_add (out, b);
    }
  /* mnemonic and never triggers are not keys a user presses on their own */
}

/* Every shortcut of a widget's shortcut controllers (the class bindings are
 * one of them). An action that is not a named action is kept as
 * "unnamed:DESCRIPTION", which the test refuses. */
static void
widget_bindings (GtkWidget *widget, const char *owner, GPtrArray *out)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          GVariant *args = gtk_shortcut_get_arguments (shortcut);
          g_autofree char *name = NULL;

          if (GTK_IS_NAMED_ACTION (action))
            name = g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
          else
            {
              g_autofree char *description = gtk_shortcut_action_to_string (action);
              name = g_strdup_printf ("unnamed:%s", description);
            }
          add_trigger (out, gtk_shortcut_get_trigger (shortcut), owner, name, args);
        }
    }
}

static char *
binding_key (const Binding *b)
{
  g_autofree char *key = key_name (b->keyval, b->mods);
  return g_strdup_printf ("%s %s %s", key, b->action, b->target ? b->target : "");
}

static GtkWidget *
new_instance (GType type)
{
  GtkWidget *widget = g_object_new (type, NULL);

  if (!GTK_IS_WINDOW (widget))
    g_object_ref_sink (widget);
  return widget;
}

static void
drop_instance (GtkWidget *widget)
{
  if (GTK_IS_WINDOW (widget))
    gtk_window_destroy (GTK_WINDOW (widget));
  else
    g_object_unref (widget);
}

/* A Ridgeline widget type's own keys: those of an instance, less those an
 * instance of its nearest GTK / libadwaita ancestor has anyway. */
static void
type_bindings (GType type, GtkWidget *live, GPtrArray *out)
{
  g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func ((GDestroyNotify) binding_free);
  g_autoptr(GPtrArray) inherited = g_ptr_array_new_with_free_func ((GDestroyNotify) binding_free);
  g_autoptr(GHashTable) parent_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GType parent = g_type_parent (type);
  GtkWidget *widget = live ? live : new_instance (type);

  while (g_str_has_prefix (g_type_name (parent), "Rl") || G_TYPE_IS_ABSTRACT (parent))
    parent = g_type_parent (parent);
  if (g_type_is_a (parent, GTK_TYPE_WIDGET) && !G_TYPE_IS_ABSTRACT (parent))
    {
      GtkWidget *base = new_instance (parent);
      widget_bindings (base, g_type_name (parent), inherited);
      drop_instance (base);
    }
  for (guint i = 0; i < inherited->len; i++)
    g_hash_table_add (parent_keys, binding_key (inherited->pdata[i]));
  widget_bindings (widget, g_type_name (type), own);
  for (guint i = 0; i < own->len; i++)
    {
      g_autofree char *key = binding_key (own->pdata[i]);
      if (!g_hash_table_contains (parent_keys, key))
        g_ptr_array_add (out, g_ptr_array_steal_index (own, i--));
    }
  if (live == NULL)
    drop_instance (widget);
}

static void
collect_types (GType type, GPtrArray *out)
{
  g_autofree GType *children = NULL;
  guint n = 0;

  if (g_str_has_prefix (g_type_name (type), "Rl") && !G_TYPE_IS_ABSTRACT (type))
    g_ptr_array_add (out, GSIZE_TO_POINTER (type));
  children = g_type_children (type, &n);
  for (guint i = 0; i < n; i++)
    collect_types (children[i], out);
}

/* ---- what the shortcuts window says ------------------------------------ */

typedef struct {
  char      *id;        /* builder id less any "#N" suffix (ids are unique) */
  char      *title;
  char      *accelerator;
  char      *section;
  GPtrArray *keys;      /* of Binding: keyval and mods only */
} Entry;

static void
entry_free (Entry *e)
{
  g_free (e->id);
  g_free (e->title);
  g_free (e->accelerator);
  g_free (e->section);
  g_ptr_array_unref (e->keys);
  g_free (e);
}

/* "<Control>f", "<Alt>Down <Alt>Up", "<Alt>1...<Alt>9" (a range). FALSE if a
 * part does not parse. */
static gboolean
parse_accelerators (const char *text, GPtrArray *keys)
{
  g_auto(GStrv) parts = g_strsplit (text, " ", -1);

  for (guint i = 0; parts[i]; i++)
    {
      g_auto(GStrv) range = NULL;
      guint first, last;
      GdkModifierType mods, last_mods;

      if (parts[i][0] == '\0')
        continue;
      range = g_strsplit (parts[i], "...", 2);
      if (!gtk_accelerator_parse (range[0], &first, &mods) || first == 0)
        return FALSE;
      last = first, last_mods = mods;
      if (range[1] && (!gtk_accelerator_parse (range[1], &last, &last_mods) || last < first || last_mods != mods))
        return FALSE;
      for (guint k = first; k <= last; k++)
        {
          Binding *b = g_new0 (Binding, 1);
          b->keyval = k;
          b->mods = mods;
          normalize (&b->keyval, &b->mods);
          g_ptr_array_add (keys, b);
        }
    }
  return keys->len > 0;
}

static GPtrArray *
read_window (GString *problems)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/ridgeline/Workstation/gtk/help-overlay.ui");
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  GtkWindow *window = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  for (GSList *l = objects; l; l = l->next)
    {
      GtkShortcutType type;
      GtkWidget *section;
      Entry *e;
      const char *id;
      char *hash;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "shortcut-type", &type, NULL);
      if (type != GTK_SHORTCUT_ACCELERATOR)
        continue;
      e = g_new0 (Entry, 1);
      e->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) binding_free);
      g_object_get (l->data, "title", &e->title, "accelerator", &e->accelerator, NULL);
      id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (l->data));
      e->id = g_strdup (id ? id : "");
      if ((hash = strchr (e->id, '#')) != NULL)
        *hash = '\0';
      section = gtk_widget_get_ancestor (GTK_WIDGET (l->data), GTK_TYPE_SHORTCUTS_SECTION);
      if (section)
        g_object_get (section, "section-name", &e->section, NULL);
      if (e->id[0] == '\0')
        g_string_append_printf (problems, "“%s” (%s) has no id naming the action it runs\n", e->title,
                                e->accelerator);
      if (e->accelerator == NULL || !parse_accelerators (e->accelerator, e->keys))
        g_string_append_printf (problems, "“%s”: accelerator “%s” does not parse\n", e->title,
                                e->accelerator ? e->accelerator : "(none)");
      g_ptr_array_add (entries, e);
    }
  gtk_window_destroy (window);
  return entries;
}

/* The mnemonic keyval of a template child's label (itself or inside it). */
static guint
mnemonic_of (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    return gtk_label_get_mnemonic_keyval (GTK_LABEL (widget));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      guint keyval = mnemonic_of (c);
      if (keyval != GDK_KEY_VoidSymbol)
        return keyval;
    }
  return GDK_KEY_VoidSymbol;
}

static void
check_mnemonic (const Entry *e, GString *problems)
{
  const char *spec = e->id + strlen ("mnemonic:");
  g_auto(GStrv) parts = g_strsplit (spec, ".", 2);
  GType type = parts[0] ? g_type_from_name (parts[0]) : 0;
  GtkWidget *widget, *child;
  const Binding *key = e->keys->len == 1 ? e->keys->pdata[0] : NULL;

  if (type == 0 || parts[1] == NULL)
    {
      g_string_append_printf (problems, "“%s”: %s names no widget type and child\n", e->title, e->id);
      return;
    }
  widget = new_instance (type);
  child = GTK_WIDGET (gtk_widget_get_template_child (widget, type, parts[1]));
  if (child == NULL)
    g_string_append_printf (problems, "“%s”: %s has no template child %s\n", e->title, parts[0], parts[1]);
  else if (key == NULL || key->mods != GDK_ALT_MASK || key->keyval != gdk_keyval_to_lower (mnemonic_of (child)))
    g_string_append_printf (problems, "“%s”: lists %s but the mnemonic of %s is Alt+%s\n", e->title,
                            e->accelerator, e->id, gdk_keyval_name (mnemonic_of (child)));
  drop_instance (widget);
}

/* ---- the test ----------------------------------------------------------- */

typedef struct {
  GPtrArray *bindings;
  GtkWindow *overlay;
  gboolean   ran;
} Context;

static GtkWidget *
find_descendant (GtkWidget *widget, GType type)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = G_TYPE_CHECK_INSTANCE_TYPE (c, type) ? c : find_descendant (c, type);
      if (found)
        return found;
    }
  return NULL;
}

/* Each section's pages (its stack's children): one, always. */
static void
check_one_page_each (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_SHORTCUTS_SECTION (c))
        {
          GtkWidget *stack = find_descendant (c, GTK_TYPE_STACK);
          g_autofree char *name = NULL;
          guint pages = 0;

          g_object_get (c, "section-name", &name, NULL);
          g_assert_nonnull (stack);
          for (GtkWidget *p = gtk_widget_get_first_child (stack); p; p = gtk_widget_get_next_sibling (p))
            pages++;
          g_test_message ("section %s: %u page(s)", name, pages);
          g_assert_cmpuint (pages, ==, 1);
        }
      else
        check_one_page_each (c);
    }
}

static void
on_activate (RlApplication *app, Context *ctx)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_auto(GStrv) detailed = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  g_autoptr(GPtrArray) types = g_ptr_array_new ();

  g_assert_true (RL_IS_WINDOW (window));
  rl_gui_wait_for_frame (GTK_WIDGET (window));

  /* The application's accelerators. */
  for (guint i = 0; detailed[i]; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), detailed[i]);
      for (guint k = 0; accels[k]; k++)
        {
          Binding *b = g_new0 (Binding, 1);
          b->owner = g_strdup ("application");
          b->action = g_strdup (detailed[i]);
          g_assert_true (gtk_accelerator_parse (accels[k], &b->keyval, &b->mods));
          normalize (&b->keyval, &b->mods);
          g_ptr_array_add (ctx->bindings, b);
        }
    }

  /* Every Ridgeline widget type: the views a user works in are registered
   * here in case nothing created one yet; the window's own pages are. */
  g_type_ensure (RL_TYPE_REVIEW_VIEW);
  g_type_ensure (RL_TYPE_IDENTITY_VIEW);
  g_type_ensure (RL_TYPE_HIT_VIEW);
  g_type_ensure (RL_TYPE_QUEUE_PAGE);
  g_type_ensure (RL_TYPE_TUNING_PAGE);
  g_type_ensure (RL_TYPE_RELEASE_VIEW);
  g_type_ensure (RL_TYPE_TABLE_VIEW);
  g_type_ensure (RL_TYPE_IMPORT_DIALOG);
  g_type_ensure (RL_TYPE_PRINT_VIEW);
  g_type_ensure (RL_TYPE_COMPARISON_VIEW);
  g_type_ensure (RL_TYPE_TIMELINE);
  collect_types (GTK_TYPE_WIDGET, types);
  g_assert_cmpuint (types->len, >=, 15);
  for (guint i = 0; i < types->len; i++)
    {
      GType type = GPOINTER_TO_SIZE (types->pdata[i]);
      guint before = ctx->bindings->len;

      /* The main window needs its application: the live one. */
      type_bindings (type, type == RL_TYPE_WINDOW ? GTK_WIDGET (window) : NULL, ctx->bindings);
      g_test_message ("%s: %u keys", g_type_name (type), ctx->bindings->len - before);
    }

  /* The window as users see it: each section. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  ctx->overlay = rl_gui_find_window (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (ctx->overlay);
  {
    static const char *const sections[] = { "general", "review", "prints", "record", "tuning" };
    for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
      {
        g_autofree char *name = g_strdup_printf ("shortcuts-%s", sections[i]);
        g_object_set (ctx->overlay, "section-name", sections[i], NULL);
        rl_gui_wait_for_frame (GTK_WIDGET (ctx->overlay));
        rl_gui_screenshot (GTK_WIDGET (ctx->overlay), name);
        g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (ctx->overlay)), <=, 1024);
      }
  }
  check_one_page_each (GTK_WIDGET (ctx->overlay));
  gtk_widget_set_visible (GTK_WIDGET (ctx->overlay), FALSE);
  ctx->ran = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
}

static void
test_shortcuts_window (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rl-shortcuts-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "workspace.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(RlApplication) app = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) triggers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) actions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) section_of_view = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Context ctx = { g_ptr_array_new_with_free_func ((GDestroyNotify) binding_free), NULL, FALSE };
  char *argv[] = { "ridgeline", "--workspace", path, NULL };

  {
    RlStore *store = rl_store_create (path, &error);
    g_assert_no_error (error);
    rl_store_close (store);
  }
  app = rl_application_new ();
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate), &ctx);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 3, argv), ==, 0);
  g_assert_true (ctx.ran);
  g_test_message ("%u keys in the application", ctx.bindings->len);

  /* What the app has: by action, and action + key. */
  for (guint i = 0; i < ctx.bindings->len; i++)
    {
      Binding *b = ctx.bindings->pdata[i];
      g_autofree char *key = key_name (b->keyval, b->mods);

      if (g_str_has_prefix (b->action, "unnamed:"))
        g_string_append_printf (problems, "%s: %s runs %s, not a named action the window could list\n", b->owner,
                                key, b->action);
      g_hash_table_add (actions, b->action);
      g_hash_table_add (triggers, g_strdup_printf ("%s %s", b->action, key));
      if (b->detailed)
        {
          g_hash_table_add (actions, b->detailed);
          g_hash_table_add (triggers, g_strdup_printf ("%s %s", b->detailed, key));
        }
    }

  /* What the window says, checked against it. */
  entries = read_window (problems);
  g_assert_cmpuint (entries->len, >, 40);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = entries->pdata[i];
      g_autofree char *view = NULL;
      const char *known_section;

      if (g_str_has_prefix (e->id, "mnemonic:"))
        {
          check_mnemonic (e, problems);
          continue;
        }
      if (g_str_has_prefix (e->id, "gtk:") || e->id[0] == '\0')
        continue;
      if (!g_hash_table_contains (actions, e->id))
        {
          g_string_append_printf (problems, "“%s” (%s): no key in the app runs %s\n", e->title, e->accelerator,
                                  e->id);
          continue;
        }
      for (guint k = 0; k < e->keys->len; k++)
        {
          Binding *key = e->keys->pdata[k];
          g_autofree char *name = key_name (key->keyval, key->mods);
          g_autofree char *pair = g_strdup_printf ("%s %s", e->id, name);

          if (!g_hash_table_contains (triggers, pair))
            g_string_append_printf (problems, "“%s” lists %s, which does not run %s\n", e->title, name, e->id);
          g_hash_table_add (listed, g_steal_pointer (&pair));
        }
      /* One section per view (the action's prefix). */
      view = g_strndup (e->id, strcspn (e->id, "."));
      known_section = g_hash_table_lookup (section_of_view, view);
      if (known_section == NULL)
        g_hash_table_insert (section_of_view, g_strdup (view), g_strdup (e->section ? e->section : ""));
      else if (g_strcmp0 (known_section, e->section) != 0)
        g_string_append_printf (problems, "%s.* actions are in two sections, %s and %s\n", view, known_section,
                                e->section);
    }

  /* Every action (and each of its parameters) with a key is in the window
   * with one of its keys. */
  {
    g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) covered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < ctx.bindings->len; i++)
      {
        Binding *b = ctx.bindings->pdata[i];
        g_autofree char *key = key_name (b->keyval, b->mods);
        g_autofree char *pair = g_strdup_printf ("%s %s", b->action, key);
        g_autofree char *detailed_pair = b->detailed ? g_strdup_printf ("%s %s", b->detailed, key) : NULL;

        if (g_hash_table_contains (listed, pair) || (detailed_pair && g_hash_table_contains (listed, detailed_pair)))
          g_hash_table_add (covered, g_strdup_printf ("%s %s", b->action, b->target ? b->target : ""));
      }
    for (guint i = 0; i < ctx.bindings->len; i++)
      {
        Binding *b = ctx.bindings->pdata[i];
        g_autofree char *which = g_strdup_printf ("%s %s", b->action, b->target ? b->target : "");
        g_autofree char *key = key_name (b->keyval, b->mods);

        if (g_str_has_prefix (b->action, "unnamed:") || g_hash_table_contains (covered, which) ||
            g_hash_table_contains (reported, which))
          continue;
        g_string_append_printf (problems, "%s: %s%s%s (%s) is not in the shortcuts window\n", b->owner, b->action,
                                b->target ? " " : "", b->target ? b->target : "", key);
        g_hash_table_add (reported, g_steal_pointer (&which));
      }
  }

  if (problems->len > 0)
    {
      g_test_message ("%s", problems->str);
      g_test_fail_printf ("the shortcuts window and the app's keys differ:\n%s", problems->str);
    }
  g_ptr_array_unref (ctx.bindings);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_test_add_func ("/shortcuts/window-lists-every-key", test_shortcuts_window);
  return g_test_run ();
}
