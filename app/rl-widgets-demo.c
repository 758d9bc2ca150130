/* rl-widgets-demo — the comparison view on two real prints, for looking at
 * and taking screenshots of the widgets before the full workstation uses them.
 *
 *   rl-widgets-demo [PROBE-IMAGE CANDIDATE-IMAGE [PROBE-TEMPLATE CANDIDATE-TEMPLATE]]
 *                   [--screenshot FILE.png] [--zoom Z] [--layers LIST]
 *
 * Without arguments it opens FVC2002 DB1_B 101_1 against 101_2 from the
 * shared data with their ISO/IEC 19794-2 templates.
 */
#define G_LOG_DOMAIN "rl-widgets-demo"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>

#include "rl-compare.h"
#include "rl-comparison-view.h"
#include "rl-extract.h"
#include "rl-image-io.h"
#include "rl-template-io.h"

static char *opt_screenshot;
static double opt_zoom;
static char *opt_layers;
static char *opt_tool;
static int opt_pairs = -1;
static gboolean opt_iso;
static char *opt_measure;
static char **opt_files;

typedef struct {
  GtkWindow        *window;
  RlComparisonView *comparison;
  GtkLabel         *counts;
  GtkLabel         *measure;
  GtkScale         *pairs_scale;
} Demo;

static void
update_counts (Demo *demo)
{
  guint np, nc, nk, nm;
  g_autofree char *text = NULL;

  g_object_get (demo->comparison, "n-probe-minutiae", &np, "n-candidate-minutiae", &nc,
                "n-correspondences", &nk, "n-matcher-pairs", &nm, NULL);
  text = g_strdup_printf (_("Probe %u minutiae  ·  Candidate %u minutiae  ·  %u correspondences"), np, nc, nk);
  gtk_label_set_text (demo->counts, text);
  gtk_range_set_range (GTK_RANGE (demo->pairs_scale), 0, MAX (nm, 1));
  gtk_range_set_value (GTK_RANGE (demo->pairs_scale), rl_comparison_view_get_visible_pairs (demo->comparison));
  gtk_widget_set_sensitive (GTK_WIDGET (demo->pairs_scale), nm > 0);
}

static void
update_measure (Demo *demo)
{
  RlPrintView *views[2] = { rl_comparison_view_get_probe_view (demo->comparison),
                            rl_comparison_view_get_candidate_view (demo->comparison) };
  GString *text = g_string_new (NULL);

  for (int i = 0; i < 2; i++)
    {
      double mm;
      int ridges;

      if (rl_print_view_get_measure (views[i], &mm, &ridges))
        g_string_append_printf (text, "%s%s %.2f mm, %d ridges", text->len ? "   " : "",
                                i == 0 ? _("Probe:") : _("Candidate:"), mm, ridges);
    }
  gtk_label_set_text (demo->measure, text->str);
  g_string_free (text, TRUE);
}

static void
tool_toggled (GtkToggleButton *button, Demo *demo)
{
  if (gtk_toggle_button_get_active (button))
    g_object_set (demo->comparison, "tool",
                  GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "tool")), NULL);
}

static GtkWidget *
tool_button (Demo *demo, const char *label, const char *tooltip, RlPrintTool tool, GtkToggleButton *group)
{
  GtkWidget *button = gtk_toggle_button_new_with_label (label);

  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data (G_OBJECT (button), "tool", GINT_TO_POINTER (tool));
  if (group)
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
  g_signal_connect (button, "toggled", G_CALLBACK (tool_toggled), demo);
  return button;
}

/* A check button that drives one boolean property on both prints. */
static GtkWidget *
layer_check (Demo *demo, const char *label, const char *property)
{
  GtkWidget *check = gtk_check_button_new_with_label (label);

  g_object_bind_property (rl_comparison_view_get_probe_view (demo->comparison), property,
                          check, "active", G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_object_bind_property (check, "active", rl_comparison_view_get_candidate_view (demo->comparison),
                          property, G_BINDING_SYNC_CREATE);
  return check;
}

static void
rotate_clicked (GtkButton *button, Demo *demo)
{
  RlPrintView *view = rl_comparison_view_get_probe_view (demo->comparison);
  double step = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "step"));

  rl_print_view_set_rotation (view, rl_print_view_get_rotation (view) + step);
}

static void
link_clicked (GtkButton *button, Demo *demo)
{
  gtk_widget_activate_action (GTK_WIDGET (demo->comparison), "comparison.link", NULL);
}

static void
fit_clicked (GtkButton *button, Demo *demo)
{
  gtk_widget_activate_action (GTK_WIDGET (demo->comparison), "comparison.fit", NULL);
}

static GtkWidget *
build_header (Demo *demo, const char *title, const char *subtitle)
{
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *navigate, *button, *lock, *layers, *popover, *list;

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new (title, subtitle));

  gtk_widget_add_css_class (tools, "linked");
  navigate = tool_button (demo, _("Navigate"), _("Drag to pan, wheel to zoom"), RL_PRINT_TOOL_NAVIGATE, NULL);
  gtk_box_append (GTK_BOX (tools), navigate);
  gtk_box_append (GTK_BOX (tools), tool_button (demo, _("Ending"), _("Click to mark a ridge ending, drag to set its direction"),
                                                RL_PRINT_TOOL_ADD_ENDING, GTK_TOGGLE_BUTTON (navigate)));
  gtk_box_append (GTK_BOX (tools), tool_button (demo, _("Bifurcation"), _("Click to mark a bifurcation, drag to set its direction"),
                                                RL_PRINT_TOOL_ADD_BIFURCATION, GTK_TOGGLE_BUTTON (navigate)));
  gtk_box_append (GTK_BOX (tools), tool_button (demo, _("Measure"), _("Drag to measure distance and ridge count"),
                                                RL_PRINT_TOOL_MEASURE, GTK_TOGGLE_BUTTON (navigate)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (navigate), TRUE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), tools);

  button = gtk_button_new_from_icon_name ("insert-link-symbolic");
  gtk_widget_set_tooltip_text (button, _("Link the selected minutiae as a correspondence (L)"));
  g_signal_connect (button, "clicked", G_CALLBACK (link_clicked), demo);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), button);

  lock = gtk_toggle_button_new ();
  gtk_button_set_icon_name (GTK_BUTTON (lock), "changes-prevent-symbolic");
  gtk_widget_set_tooltip_text (lock, _("Lock navigation: pan, zoom and rotate both prints together (K)"));
  g_object_bind_property (demo->comparison, "linked", lock, "active", G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), lock);

  layers = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (layers), "view-reveal-symbolic");
  gtk_widget_set_tooltip_text (layers, _("Layers"));
  popover = gtk_popover_new ();
  list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_box_append (GTK_BOX (list), layer_check (demo, _("Minutiae"), "show-minutiae"));
  gtk_box_append (GTK_BOX (list), layer_check (demo, _("Cores and deltas"), "show-singularities"));
  gtk_box_append (GTK_BOX (list), layer_check (demo, _("Quality map"), "show-quality"));
  gtk_box_append (GTK_BOX (list), layer_check (demo, _("Enhanced image"), "show-enhanced"));
  gtk_box_append (GTK_BOX (list), layer_check (demo, _("Skeleton"), "show-skeleton"));
  gtk_box_append (GTK_BOX (list), layer_check (demo, _("Mask"), "show-mask"));
  gtk_box_append (GTK_BOX (list), layer_check (demo, _("Invert"), "invert"));
  gtk_box_append (GTK_BOX (list), layer_check (demo, _("Pixel grid"), "pixel-grid"));
  gtk_popover_set_child (GTK_POPOVER (popover), list);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (layers), popover);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), layers);

  button = gtk_button_new_from_icon_name ("zoom-fit-best-symbolic");
  gtk_widget_set_tooltip_text (button, _("Fit both prints (0)"));
  g_signal_connect (button, "clicked", G_CALLBACK (fit_clicked), demo);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);
  button = gtk_button_new_from_icon_name ("object-rotate-right-symbolic");
  gtk_widget_set_tooltip_text (button, _("Rotate 90° clockwise (R)"));
  g_object_set_data (G_OBJECT (button), "step", GINT_TO_POINTER (90));
  g_signal_connect (button, "clicked", G_CALLBACK (rotate_clicked), demo);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);
  return header;
}

static GtkWidget *
build_footer (Demo *demo)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label, *contrast;

  gtk_widget_add_css_class (bar, "toolbar");
  label = gtk_label_new (_("Correspondences"));
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (bar), label);
  demo->pairs_scale = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 1));
  gtk_scale_set_digits (demo->pairs_scale, 0);
  gtk_scale_set_draw_value (demo->pairs_scale, TRUE);
  gtk_scale_set_value_pos (demo->pairs_scale, GTK_POS_RIGHT);
  gtk_widget_set_size_request (GTK_WIDGET (demo->pairs_scale), 200, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (demo->pairs_scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Strongest correspondences shown"), -1);
  g_object_bind_property_full (demo->comparison, "visible-pairs",
                               gtk_range_get_adjustment (GTK_RANGE (demo->pairs_scale)), "value",
                               G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL, NULL, NULL, NULL, NULL);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (demo->pairs_scale));

  label = gtk_label_new (_("Contrast"));
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (bar), label);
  contrast = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0.5, 3.0, 0.05);
  gtk_range_set_value (GTK_RANGE (contrast), 1.0);
  gtk_widget_set_size_request (contrast, 120, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (contrast), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Contrast"), -1);
  g_object_bind_property (gtk_range_get_adjustment (GTK_RANGE (contrast)), "value",
                          rl_comparison_view_get_probe_view (demo->comparison), "contrast", G_BINDING_SYNC_CREATE);
  g_object_bind_property (gtk_range_get_adjustment (GTK_RANGE (contrast)), "value",
                          rl_comparison_view_get_candidate_view (demo->comparison), "contrast", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (bar), contrast);

  demo->measure = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (demo->measure), "numeric");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (demo->measure));

  demo->counts = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_hexpand (GTK_WIDGET (demo->counts), TRUE);
  gtk_label_set_xalign (demo->counts, 1.0);
  gtk_widget_add_css_class (GTK_WIDGET (demo->counts), "numeric");
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (demo->counts));
  return bar;
}

static char *
shared_path (const char *relative)
{
  const char *shared = g_getenv ("RIDGELINE_SHARED");

  if (shared == NULL)
    shared = "../shared";
  return g_build_filename (shared, relative, NULL);
}

static gboolean
save_screenshot (gpointer data)
{
  Demo *demo = data;
  GtkWidget *widget = GTK_WIDGET (demo->window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return G_SOURCE_CONTINUE;      /* no frame drawn yet */
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (!gdk_texture_save_to_png (texture, opt_screenshot))
    g_printerr ("Could not write %s\n", opt_screenshot);
  gtk_window_destroy (demo->window);
  return G_SOURCE_REMOVE;
}

static void
apply_layers (Demo *demo)
{
  g_auto(GStrv) names = NULL;

  if (opt_layers == NULL)
    return;
  names = g_strsplit (opt_layers, ",", -1);
  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *property = g_strdup_printf ("show-%s", names[i]);
      const char *name = g_str_equal (names[i], "invert") ? "invert" : property;

      if (g_object_class_find_property (G_OBJECT_GET_CLASS (rl_comparison_view_get_probe_view (demo->comparison)), name))
        {
          g_object_set (rl_comparison_view_get_probe_view (demo->comparison), name, TRUE, NULL);
          g_object_set (rl_comparison_view_get_candidate_view (demo->comparison), name, TRUE, NULL);
        }
    }
}

static void
activate (GtkApplication *app, gpointer user_data)
{
  Demo *demo = g_new0 (Demo, 1);
  g_autofree char *probe_path = NULL, *candidate_path = NULL, *probe_tpl_path = NULL, *candidate_tpl_path = NULL;
  g_autoptr(RlImage) probe = NULL;
  g_autoptr(RlImage) candidate = NULL;
  g_autoptr(RlTemplate) probe_tpl = NULL;
  g_autoptr(RlTemplate) candidate_tpl = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RlExtraction) probe_ex = NULL;
  g_autoptr(RlExtraction) candidate_ex = NULL;
  g_autofree char *title = NULL;
  GtkWidget *toolbar_view, *header;
  guint n_files = opt_files ? g_strv_length (opt_files) : 0;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);

  if (n_files >= 2)
    {
      probe_path = g_strdup (opt_files[0]);
      candidate_path = g_strdup (opt_files[1]);
      if (n_files >= 4)
        {
          probe_tpl_path = g_strdup (opt_files[2]);
          candidate_tpl_path = g_strdup (opt_files[3]);
        }
    }
  else
    {
      probe_path = shared_path ("fingerprints/FVC2002_DB1_B/101_1.tif");
      candidate_path = shared_path ("fingerprints/FVC2002_DB1_B/101_2.tif");
      probe_tpl_path = shared_path ("interchange/iso19794-2/FVC2002_DB1_B/101_1.iso");
      candidate_tpl_path = shared_path ("interchange/iso19794-2/FVC2002_DB1_B/101_2.iso");
    }

  probe = rl_image_load (probe_path, 0, &error);
  if (probe != NULL)
    candidate = rl_image_load (candidate_path, 0, &error);
  if (probe != NULL && candidate != NULL)
    probe_ex = rl_extract (probe, &error);
  if (probe_ex != NULL)
    candidate_ex = rl_extract (candidate, &error);
  if (candidate_ex != NULL && opt_iso && probe_tpl_path != NULL)
    {
      probe_tpl = rl_template_load (probe_tpl_path, &error);
      if (probe_tpl != NULL)
        candidate_tpl = rl_template_load (candidate_tpl_path, &error);
    }
  else if (candidate_ex != NULL)
    {
      probe_tpl = rl_template_copy (rl_extraction_get_template (probe_ex));
      candidate_tpl = rl_template_copy (rl_extraction_get_template (candidate_ex));
    }
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      g_application_quit (G_APPLICATION (app));
      g_free (demo);
      return;
    }

  demo->window = GTK_WINDOW (adw_application_window_new (app));
  gtk_window_set_default_size (demo->window, 1280, 720);
  g_object_set_data_full (G_OBJECT (demo->window), "demo", demo, g_free);

  demo->comparison = RL_COMPARISON_VIEW (rl_comparison_view_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (demo->comparison), TRUE);
  /* The extractor's layers (enhanced, skeleton, mask, quality) on both
   * sides; the minutiae are the extractor's or, with --iso, the templates'. */
  rl_comparison_view_set_extractions (demo->comparison, probe_ex, candidate_ex);
  if (opt_iso)
    {
      rl_print_view_set_template (rl_comparison_view_get_probe_view (demo->comparison), probe_tpl);
      rl_print_view_set_template (rl_comparison_view_get_candidate_view (demo->comparison), candidate_tpl);
    }

  {
    g_autofree char *a = g_path_get_basename (probe_path);
    g_autofree char *b = g_path_get_basename (candidate_path);
    title = g_strdup_printf ("%s  ↔  %s", a, b);
  }
  toolbar_view = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = build_header (demo, _("Comparison"), title);
  gtk_box_append (GTK_BOX (toolbar_view), header);
  gtk_box_append (GTK_BOX (toolbar_view), GTK_WIDGET (demo->comparison));
  gtk_box_append (GTK_BOX (toolbar_view), build_footer (demo));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (demo->window), toolbar_view);

  /* The matcher's paired minutiae, as the examiner would get them with a candidate. */
  if (probe_tpl != NULL && candidate_tpl != NULL)
    {
      g_autoptr(RlComparison) result = NULL;
      float score = rl_compare (probe_tpl, candidate_tpl, &result);

      rl_comparison_view_set_comparison (demo->comparison, result);
      g_free (title);
      {
        g_autofree char *a = g_path_get_basename (probe_path);
        g_autofree char *b = g_path_get_basename (candidate_path);
        title = g_strdup_printf (_("%s  ↔  %s  ·  score %.1f  ·  est. false-match rate %.1e"),
                                 a, b, score, rl_score_to_fmr (score));
      }
      adw_window_title_set_subtitle (ADW_WINDOW_TITLE (adw_header_bar_get_title_widget (ADW_HEADER_BAR (header))), title);
    }
  if (opt_pairs >= 0)
    rl_comparison_view_set_visible_pairs (demo->comparison, (guint) opt_pairs);

  g_signal_connect_swapped (demo->comparison, "changed", G_CALLBACK (update_counts), demo);
  g_signal_connect_swapped (demo->comparison, "notify::n-matcher-pairs", G_CALLBACK (update_counts), demo);
  g_signal_connect_swapped (rl_comparison_view_get_probe_view (demo->comparison), "notify::measure-distance",
                            G_CALLBACK (update_measure), demo);
  g_signal_connect_swapped (rl_comparison_view_get_candidate_view (demo->comparison), "notify::measure-distance",
                            G_CALLBACK (update_measure), demo);
  update_counts (demo);
  apply_layers (demo);
  if (opt_tool != NULL)
    {
      GEnumClass *tools = g_type_class_ref (RL_TYPE_PRINT_TOOL);
      GEnumValue *v = g_enum_get_value_by_nick (tools, opt_tool);
      if (v)
        g_object_set (demo->comparison, "tool", v->value, NULL);
      g_type_class_unref (tools);
    }

  if (opt_measure != NULL)
    {
      double c[4];
      if (sscanf (opt_measure, "%lf,%lf,%lf,%lf", &c[0], &c[1], &c[2], &c[3]) == 4)
        rl_print_view_set_measure (rl_comparison_view_get_probe_view (demo->comparison), c[0], c[1], c[2], c[3]);
    }

  gtk_window_present (demo->window);
  gtk_widget_grab_focus (GTK_WIDGET (rl_comparison_view_get_probe_view (demo->comparison)));

  if (opt_zoom > 0)
    {
      /* Zoom on the middle of the probe; the lock carries it to the candidate. */
      while (gtk_widget_get_width (GTK_WIDGET (demo->comparison)) == 0)
        g_main_context_iteration (NULL, TRUE);
      rl_print_view_set_zoom (rl_comparison_view_get_probe_view (demo->comparison), opt_zoom);
    }
  if (opt_screenshot != NULL)
    g_timeout_add (700, save_screenshot, demo);
}

int
main (int argc, char **argv)
{
  g_autoptr(AdwApplication) app = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &opt_screenshot, "Save a PNG of the window and quit", "FILE" },
    { "zoom", 0, 0, G_OPTION_ARG_DOUBLE, &opt_zoom, "Start at this zoom", "Z" },
    { "layers", 0, 0, G_OPTION_ARG_STRING, &opt_layers, "Layers to show: quality,enhanced,skeleton,mask,invert", "LIST" },
    { "iso", 0, 0, G_OPTION_ARG_NONE, &opt_iso, "Chart the templates given (or the shared ISO ones) instead of our extractor's", NULL },
    { "measure", 0, 0, G_OPTION_ARG_STRING, &opt_measure, "Measure on the probe from X0,Y0 to X1,Y1 (image pixels)", "X0,Y0,X1,Y1" },
    { "pairs", 0, 0, G_OPTION_ARG_INT, &opt_pairs, "Show this many of the strongest correspondences", "N" },
    { "tool", 0, 0, G_OPTION_ARG_STRING, &opt_tool, "Start with this tool: navigate, add-ending, add-bifurcation, measure", "TOOL" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_files, NULL, "[PROBE CANDIDATE [PROBE-TPL CANDIDATE-TPL]]" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— the print comparison widgets on two prints");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  app = adw_application_new ("org.ridgeline.WidgetsDemo", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
