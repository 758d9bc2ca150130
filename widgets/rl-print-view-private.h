/* rl-print-view-private.h — RlPrintView internals shared with its actions file. */
#pragma once

#include "rl-print-view.h"

G_BEGIN_DECLS

/* One image layer, uploaded once: for each level of a mipmap (level k is
 * the image halved k times) a GdkTexture for the GPU path and a Cairo
 * surface over the same pixels for the Cairo paths. Drawing a zoomed-out
 * print from a smaller level keeps ridges from turning into moiré (they are
 * only ~9 px apart at 500 ppi) and costs less to filter. */
#define RL_PRINT_LAYER_LEVELS 5

typedef struct _RlPrintLayer RlPrintLayer;
struct _RlPrintLayer {
  int              n_levels;
  GdkTexture      *texture[RL_PRINT_LAYER_LEVELS];
  cairo_surface_t *surface[RL_PRINT_LAYER_LEVELS];
  /* An overlay layer (enhanced, skeleton, mask, quality) is kept as given
   * and turned into textures the first time it is drawn: a review hands
   * every layer over when a print opens, most stay hidden, and building
   * them costs tens of milliseconds per megapixel. */
  RlImage         *source;
  void           (*build) (RlPrintLayer *layer, const RlImage *image);
};

typedef enum {
  RL_PRINT_DRAG_NONE,
  RL_PRINT_DRAG_PAN,
  RL_PRINT_DRAG_MOVE_MINUTIA,
  RL_PRINT_DRAG_ADD_MINUTIA,
  RL_PRINT_DRAG_MEASURE,
} RlPrintDrag;

struct _RlPrintView {
  GtkWidget     parent_instance;

  RlImage      *image;
  RlImage      *skeleton;          /* kept for ridge counting */
  RlPrintLayer  base, enhanced, skeleton_layer, mask, quality;
  GArray       *minutiae;          /* of RlMinutia */
  GArray       *singularities;     /* of RlSingularity */
  GArray       *marks;             /* of RlPrintMark */

  /* View: screen = centre of widget + zoom · R(rotation) · (image − centre point). */
  double        zoom;
  double        rotation;          /* degrees, clockwise on screen */
  double        cx, cy;
  gboolean      auto_fit;          /* refit on resize until the examiner navigates */

  double        contrast;
  gboolean      invert;
  gboolean      show_minutiae, show_singularities, show_quality;
  gboolean      show_enhanced, show_skeleton, show_mask, pixel_grid;
  RlPrintTool   tool;
  gboolean      editable;
  int           selected;

  /* Pointer and gesture state. */
  double        pointer_x, pointer_y;
  gboolean      pointer_inside;
  RlPrintDrag   drag;
  double        drag_x, drag_y;    /* widget point where the drag began */
  double        drag_ox, drag_oy;  /* current offset */
  double        drag_cx, drag_cy;  /* centre when a pan began */
  double        drag_mx, drag_my;  /* the minutia's position when a move began */
  double        pinch_zoom;

  /* Tests: draw through texture nodes whatever the renderer. */
  gboolean      force_textures;

  /* Measuring line, image coordinates. */
  gboolean      has_measure;
  double        mx0, my0, mx1, my1;
  double        measure_mm;
  int           measure_ridges;
};

typedef struct {
  guint minutia;
  guint number;
} RlPrintMark;

void _rl_print_view_class_actions_init (GtkWidgetClass *widget_class);
void _rl_print_view_apply_view         (RlPrintView *self, double zoom, double degrees,
                                        double cx, double cy, gboolean explicit_request);

G_END_DECLS
