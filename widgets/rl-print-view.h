/* rl-print-view.h — one fingerprint drawn for examination.
 *
 * RlPrintView shows an RlImage with smooth zoom, pan and rotation, contrast
 * and invert, and layers an examiner can toggle: minutiae, cores and deltas,
 * the quality map, the enhanced image, the skeleton and the mask. Minutiae
 * can be charted by hand (add, move, delete) and a measuring tool gives the
 * distance and the ridge count between two points.
 *
 * All data is plain matcher data passed through setters and copied; every
 * bit of view state is a property so a window can bind controls to it.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-extract.h"
#include "rl-types.h"

G_BEGIN_DECLS

#define RL_TYPE_PRINT_VIEW (rl_print_view_get_type ())
G_DECLARE_FINAL_TYPE (RlPrintView, rl_print_view, RL, PRINT_VIEW, GtkWidget)

/* What a primary-button press does on the print. Dragging a minutia moves it
 * in every tool when the view is editable; a click selects the minutia. */
typedef enum {
  RL_PRINT_TOOL_NAVIGATE,         /* drag pans */
  RL_PRINT_TOOL_ADD_ENDING,       /* click adds a ridge ending, drag sets its direction */
  RL_PRINT_TOOL_ADD_BIFURCATION,  /* click adds a bifurcation, drag sets its direction */
  RL_PRINT_TOOL_MEASURE,          /* drag draws the distance / ridge-count line */
} RlPrintTool;

#define RL_TYPE_PRINT_TOOL (rl_print_tool_get_type ())
GType rl_print_tool_get_type (void);

/* The view's zoom is in screen pixels per image pixel. */
#define RL_PRINT_VIEW_MIN_ZOOM 0.05
#define RL_PRINT_VIEW_MAX_ZOOM 64.0
/* From this zoom on, image pixels are drawn as sharp squares and, if
 * enabled, outlined by the pixel grid. */
#define RL_PRINT_VIEW_GRID_ZOOM 8.0

GtkWidget        *rl_print_view_new                (void);

/* Data (each copied; NULL clears). The layer images must have the print's size. */
void              rl_print_view_set_image          (RlPrintView *self, const RlImage *image);
const RlImage    *rl_print_view_get_image          (RlPrintView *self);
void              rl_print_view_set_template       (RlPrintView *self, const RlTemplate *tpl);
void              rl_print_view_set_enhanced       (RlPrintView *self, const RlImage *enhanced);
void              rl_print_view_set_skeleton       (RlPrintView *self, const RlImage *skeleton);   /* 0 = ridge */
void              rl_print_view_set_mask           (RlPrintView *self, const RlImage *mask);       /* 255 = print */
void              rl_print_view_set_quality_map    (RlPrintView *self, const RlImage *quality);    /* 0..100 */

/* Everything at once from the extractor: its 500 ppi image, template,
 * enhanced image, skeleton, mask and quality map. */
void              rl_print_view_set_extraction     (RlPrintView *self, RlExtraction *extraction);

/* The minutiae as charted now (the template's, plus the examiner's edits). */
const RlMinutia  *rl_print_view_get_minutiae       (RlPrintView *self, guint *n_minutiae);
guint             rl_print_view_get_n_minutiae     (RlPrintView *self);
/* Replaces the charted minutiae (undo/redo; keeps cores, deltas and layers). */
void              rl_print_view_set_minutiae       (RlPrintView *self, const RlMinutia *minutiae, guint n);
guint             rl_print_view_add_minutia        (RlPrintView *self, const RlMinutia *minutia);
void              rl_print_view_move_minutia       (RlPrintView *self, guint index, double x, double y);
void              rl_print_view_remove_minutia     (RlPrintView *self, guint index);
int               rl_print_view_get_selected_minutia (RlPrintView *self);
void              rl_print_view_set_selected_minutia (RlPrintView *self, int index);
/* Index of the minutia drawn at a widget point, or -1. */
int               rl_print_view_pick_minutia       (RlPrintView *self, double widget_x, double widget_y);

/* Correspondence marks: minutia `minutia[i]` carries the number `number[i]`,
 * drawn in the colour rl_print_view_mark_color (number). */
void              rl_print_view_set_marks          (RlPrintView *self, const guint *minutia, const guint *number, guint n);
void              rl_print_view_mark_color         (guint number, GdkRGBA *color);

/* Navigation. Rotation is in degrees, clockwise on screen; the centre is the
 * image point shown at the middle of the widget. */
double            rl_print_view_get_zoom           (RlPrintView *self);
void              rl_print_view_set_zoom           (RlPrintView *self, double zoom);
double            rl_print_view_get_rotation       (RlPrintView *self);
void              rl_print_view_set_rotation       (RlPrintView *self, double degrees);
void              rl_print_view_get_center         (RlPrintView *self, double *x, double *y);
void              rl_print_view_set_center         (RlPrintView *self, double x, double y);
void              rl_print_view_set_view           (RlPrintView *self, double zoom, double degrees, double cx, double cy);
void              rl_print_view_zoom_fit           (RlPrintView *self);
void              rl_print_view_zoom_at            (RlPrintView *self, double factor, double widget_x, double widget_y);
void              rl_print_view_pan_by             (RlPrintView *self, double widget_dx, double widget_dy);
void              rl_print_view_image_to_widget    (RlPrintView *self, double ix, double iy, double *wx, double *wy);
void              rl_print_view_widget_to_image    (RlPrintView *self, double wx, double wy, double *ix, double *iy);

/* Measuring line in image coordinates; cleared with rl_print_view_clear_measure. */
void              rl_print_view_set_measure        (RlPrintView *self, double x0, double y0, double x1, double y1);
void              rl_print_view_clear_measure      (RlPrintView *self);
gboolean          rl_print_view_get_measure        (RlPrintView *self, double *distance_mm, int *ridge_count);

G_END_DECLS
