/* rl-print-view.c — one fingerprint drawn for examination.
 *
 * Drawing: the grey print is a cached GdkTexture under GSK transforms (the
 * GPU does zoom and rotation); contrast and invert are one colour-matrix node.
 * From RL_PRINT_VIEW_SHARP_ZOOM on, the visible part is drawn with Cairo and
 * nearest-neighbour filtering instead, because an examiner zooming in wants to
 * see the scanner's pixels, not a blur. Overlays are drawn with Cairo in
 * widget coordinates so symbols keep their screen size at every zoom.
 */
#define G_LOG_DOMAIN "rl-widgets"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "rl-measure.h"
#include "rl-print-view-private.h"

/* Below this zoom the texture path is used; above it, sharp pixels. */
#define RL_PRINT_VIEW_SHARP_ZOOM 3.0
/* How far (screen px) from a symbol a press still picks it. */
#define PICK_RADIUS 10.0

G_DEFINE_FINAL_TYPE (RlPrintView, rl_print_view, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (RlPrintTool, rl_print_tool,
                    G_DEFINE_ENUM_VALUE (RL_PRINT_TOOL_NAVIGATE, "navigate"),
                    G_DEFINE_ENUM_VALUE (RL_PRINT_TOOL_ADD_ENDING, "add-ending"),
                    G_DEFINE_ENUM_VALUE (RL_PRINT_TOOL_ADD_BIFURCATION, "add-bifurcation"),
                    G_DEFINE_ENUM_VALUE (RL_PRINT_TOOL_MEASURE, "measure"))

enum {
  PROP_0,
  PROP_ZOOM,
  PROP_ROTATION,
  PROP_CENTER_X,
  PROP_CENTER_Y,
  PROP_CONTRAST,
  PROP_INVERT,
  PROP_SHOW_MINUTIAE,
  PROP_SHOW_SINGULARITIES,
  PROP_SHOW_QUALITY,
  PROP_SHOW_ENHANCED,
  PROP_SHOW_SKELETON,
  PROP_SHOW_MASK,
  PROP_PIXEL_GRID,
  PROP_TOOL,
  PROP_EDITABLE,
  PROP_SELECTED_MINUTIA,
  PROP_N_MINUTIAE,
  PROP_HAS_MEASURE,
  PROP_MEASURE_DISTANCE,
  PROP_MEASURE_RIDGE_COUNT,
  N_PROPS
};

enum {
  VIEW_CHANGED,
  MINUTIA_ADDED,
  MINUTIA_REMOVED,
  MINUTIA_MOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---------------------------------------------------------------- layers */

static void
layer_clear (RlPrintLayer *layer)
{
  for (int k = 0; k < layer->n_levels; k++)
    {
      g_clear_object (&layer->texture[k]);
      g_clear_pointer (&layer->surface[k], cairo_surface_destroy);
    }
  layer->n_levels = 0;
  g_clear_pointer (&layer->source, rl_image_free);
}

/* An overlay to build when first drawn (see RlPrintLayer). */
static void
layer_set_source (RlPrintLayer *layer, const RlImage *image,
                  void (*build) (RlPrintLayer *layer, const RlImage *image))
{
  layer_clear (layer);
  layer->source = rl_image_copy (image);
  layer->build = build;
}

/* Whether the layer can be drawn, building its textures now if needed. */
static gboolean
layer_ready (RlPrintLayer *layer)
{
  if (layer->n_levels == 0 && layer->source != NULL)
    {
      RlImage *source = g_steal_pointer (&layer->source);

      layer->build (layer, source);
      rl_image_free (source);
    }
  return layer->n_levels > 0;
}

static gboolean
layer_present (const RlPrintLayer *layer)
{
  return layer->n_levels > 0 || layer->source != NULL;
}

/* Wraps one premultiplied BGRA buffer as a texture and a surface (Cairo's
 * ARGB32 in memory is what GDK_MEMORY_DEFAULT describes). Takes argb. */
static void
layer_add_level (RlPrintLayer *layer, guint32 *argb, int width, int height)
{
  static const cairo_user_data_key_t bytes_key;
  GBytes *bytes = g_bytes_new_take (argb, (gsize) width * height * 4);
  int k = layer->n_levels++;

  layer->texture[k] = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, (gsize) width * 4);
  layer->surface[k] = cairo_image_surface_create_for_data ((unsigned char *) g_bytes_get_data (bytes, NULL),
                                                           CAIRO_FORMAT_ARGB32, width, height, width * 4);
  cairo_surface_set_user_data (layer->surface[k], &bytes_key, bytes, (cairo_destroy_func_t) g_bytes_unref);
}

/* Level 0 from argb, then 2×2 box-filtered halvings (of premultiplied
 * values, which is the correct average) down to about 64 px. */
static void
layer_set_pixels (RlPrintLayer *layer, guint32 *argb, int width, int height)
{
  layer_clear (layer);
  layer_add_level (layer, argb, width, height);
  while (layer->n_levels < RL_PRINT_LAYER_LEVELS && MIN (width, height) >= 128)
    {
      int w2 = (width + 1) / 2, h2 = (height + 1) / 2;
      guint32 *half = g_new (guint32, (gsize) w2 * h2);

      for (int y = 0; y < h2; y++)
        {
          const guint32 *r0 = argb + (gsize) (2 * y) * width;
          const guint32 *r1 = argb + (gsize) MIN (2 * y + 1, height - 1) * width;

          for (int x = 0; x < w2; x++)
            {
              int x0 = 2 * x, x1 = MIN (2 * x + 1, width - 1);
              guint32 a = r0[x0], b = r0[x1], c = r1[x0], d = r1[x1], out = 0;

              for (int shift = 0; shift < 32; shift += 8)
                {
                  guint sum = ((a >> shift) & 0xff) + ((b >> shift) & 0xff) +
                              ((c >> shift) & 0xff) + ((d >> shift) & 0xff);
                  out |= ((sum + 2) / 4) << shift;
                }
              half[(gsize) y * w2 + x] = out;
            }
        }
      layer_add_level (layer, half, w2, h2);
      argb = half;
      width = w2;
      height = h2;
    }
}

static void
layer_set_grey (RlPrintLayer *layer, const RlImage *image)
{
  gsize n = (gsize) image->width * image->height;
  guint32 *argb = g_new (guint32, n);

  for (gsize i = 0; i < n; i++)
    {
      guint32 v = image->pixels[i];
      argb[i] = 0xff000000u | (v << 16) | (v << 8) | v;
    }
  layer_set_pixels (layer, argb, image->width, image->height);
}

static inline guint32
premultiplied (guint r, guint g, guint b, guint a)
{
  return (a << 24) | ((r * a / 255) << 16) | ((g * a / 255) << 8) | (b * a / 255);
}

/* Skeleton: ridge pixels in cyan, the rest transparent. */
static void
layer_set_skeleton (RlPrintLayer *layer, const RlImage *image)
{
  gsize n = (gsize) image->width * image->height;
  guint32 *argb = g_new (guint32, n);
  guint32 ridge = premultiplied (40, 220, 255, 255);

  for (gsize i = 0; i < n; i++)
    argb[i] = image->pixels[i] < 128 ? ridge : 0;
  layer_set_pixels (layer, argb, image->width, image->height);
}

/* Mask: the background (outside the print area) dimmed with a blue-grey veil. */
static void
layer_set_mask (RlPrintLayer *layer, const RlImage *image)
{
  gsize n = (gsize) image->width * image->height;
  guint32 *argb = g_new (guint32, n);
  guint32 veil = premultiplied (20, 30, 60, 150);

  for (gsize i = 0; i < n; i++)
    argb[i] = image->pixels[i] < 128 ? veil : 0;
  layer_set_pixels (layer, argb, image->width, image->height);
}

/* Quality 1..100: red (unusable) through amber to green (good), translucent
 * so the ridges stay visible underneath. */
static void
layer_set_quality (RlPrintLayer *layer, const RlImage *image)
{
  gsize n = (gsize) image->width * image->height;
  guint32 *argb = g_new (guint32, n);
  guint32 lut[101];

  for (int q = 0; q <= 100; q++)
    {
      double t = q / 100.0;
      guint r = t < 0.5 ? 230 : (guint) (230 * (1 - t) * 2);
      guint g = t < 0.5 ? (guint) (60 + 340 * t) : 210;
      lut[q] = premultiplied (r, g, 40, 96);
    }
  /* 0 is "no print here" (the extractor's background): left clear so the
   * canvas is not flooded red around every print. */
  lut[0] = 0;
  for (gsize i = 0; i < n; i++)
    argb[i] = lut[MIN (image->pixels[i], 100)];
  layer_set_pixels (layer, argb, image->width, image->height);
}

/* ------------------------------------------------------------ geometry */

static void
widget_center (RlPrintView *self, double *x, double *y)
{
  *x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  *y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
}

void
rl_print_view_image_to_widget (RlPrintView *self, double ix, double iy, double *wx, double *wy)
{
  double theta, c, s, dx, dy, mx, my;

  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  theta = self->rotation * G_PI / 180.0;
  c = cos (theta);
  s = sin (theta);
  dx = (ix - self->cx) * self->zoom;
  dy = (iy - self->cy) * self->zoom;
  widget_center (self, &mx, &my);
  *wx = mx + c * dx - s * dy;
  *wy = my + s * dx + c * dy;
}

void
rl_print_view_widget_to_image (RlPrintView *self, double wx, double wy, double *ix, double *iy)
{
  double theta, c, s, dx, dy, mx, my;

  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  theta = self->rotation * G_PI / 180.0;
  c = cos (theta);
  s = sin (theta);
  widget_center (self, &mx, &my);
  dx = (wx - mx) / self->zoom;
  dy = (wy - my) / self->zoom;
  *ix = self->cx + c * dx + s * dy;
  *iy = self->cy - s * dx + c * dy;
}

/* A direction in image space (y down) turned into screen space. */
static void
image_dir_to_widget (RlPrintView *self, double dx, double dy, double *wx, double *wy)
{
  double theta = self->rotation * G_PI / 180.0;

  *wx = cos (theta) * dx - sin (theta) * dy;
  *wy = sin (theta) * dx + cos (theta) * dy;
}

/* ----------------------------------------------------------- navigation */

static void
update_accessible (RlPrintView *self)
{
  g_autofree char *description = NULL;

  if (self->image == NULL)
    description = g_strdup (_("No print loaded"));
  else
    {
      g_autoptr(GString) layers = g_string_new (NULL);
      const struct { gboolean shown; const char *name; } list[] = {
        { self->show_minutiae, N_("minutiae") }, { self->show_singularities, N_("cores and deltas") },
        { self->show_quality && layer_present (&self->quality), N_("quality map") },
        { self->show_enhanced && layer_present (&self->enhanced), N_("enhanced image") },
        { self->show_skeleton && layer_present (&self->skeleton_layer), N_("skeleton") },
        { self->show_mask && layer_present (&self->mask), N_("mask") },
      };

      /* What is drawn over the print, so a screen reader can say it. */
      for (guint i = 0; i < G_N_ELEMENTS (list); i++)
        if (list[i].shown)
          g_string_append_printf (layers, "%s%s", layers->len ? ", " : "", _(list[i].name));
      description = g_strdup_printf (_("%d × %d pixels at %d ppi, %u minutiae, zoom %.0f %%, rotated %.0f°; shown: %s"),
                                     self->image->width, self->image->height,
                                     self->image->ppi > 0 ? self->image->ppi : 500,
                                     self->minutiae->len, self->zoom * 100, self->rotation,
                                     layers->len ? layers->str : _("the print alone"));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

void
_rl_print_view_apply_view (RlPrintView *self, double zoom, double degrees,
                           double cx, double cy, gboolean explicit_request)
{
  gboolean zoom_changed, rotation_changed, cx_changed, cy_changed;

  zoom = CLAMP (zoom, RL_PRINT_VIEW_MIN_ZOOM, RL_PRINT_VIEW_MAX_ZOOM);
  degrees = fmod (degrees, 360.0);
  if (degrees < 0)
    degrees += 360.0;
  /* Keep at least a corner of the print reachable. */
  if (self->image != NULL)
    {
      cx = CLAMP (cx, 0, self->image->width);
      cy = CLAMP (cy, 0, self->image->height);
    }

  zoom_changed = zoom != self->zoom;
  rotation_changed = degrees != self->rotation;
  cx_changed = cx != self->cx;
  cy_changed = cy != self->cy;
  if (explicit_request)
    self->auto_fit = FALSE;
  if (!zoom_changed && !rotation_changed && !cx_changed && !cy_changed)
    return;

  self->zoom = zoom;
  self->rotation = degrees;
  self->cx = cx;
  self->cy = cy;

  g_object_freeze_notify (G_OBJECT (self));
  if (zoom_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  if (rotation_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROTATION]);
  if (cx_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CENTER_X]);
  if (cy_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CENTER_Y]);
  g_object_thaw_notify (G_OBJECT (self));

  if (zoom_changed || rotation_changed)
    update_accessible (self);
  g_signal_emit (self, signals[VIEW_CHANGED], 0, explicit_request);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
fit (RlPrintView *self, gboolean explicit_request)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  double theta, bw, bh, zoom;

  if (self->image == NULL || w <= 0 || h <= 0)
    return;

  /* The bounding box of the rotated print, with a small margin. */
  theta = self->rotation * G_PI / 180.0;
  bw = fabs (cos (theta)) * self->image->width + fabs (sin (theta)) * self->image->height;
  bh = fabs (sin (theta)) * self->image->width + fabs (cos (theta)) * self->image->height;
  zoom = MIN ((w - 16) / bw, (h - 16) / bh);
  _rl_print_view_apply_view (self, zoom, self->rotation,
                             self->image->width / 2.0, self->image->height / 2.0, explicit_request);
  self->auto_fit = TRUE;
}

void
rl_print_view_zoom_fit (RlPrintView *self)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  fit (self, TRUE);
}

void
rl_print_view_zoom_at (RlPrintView *self, double factor, double wx, double wy)
{
  double px, py, zoom, theta, c, s, dx, dy, mx, my;

  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  g_return_if_fail (factor > 0);

  /* Keep the image point under (wx, wy) where it is. */
  rl_print_view_widget_to_image (self, wx, wy, &px, &py);
  zoom = CLAMP (self->zoom * factor, RL_PRINT_VIEW_MIN_ZOOM, RL_PRINT_VIEW_MAX_ZOOM);
  theta = self->rotation * G_PI / 180.0;
  c = cos (theta);
  s = sin (theta);
  widget_center (self, &mx, &my);
  dx = (wx - mx) / zoom;
  dy = (wy - my) / zoom;
  _rl_print_view_apply_view (self, zoom, self->rotation,
                             px - (c * dx + s * dy), py - (-s * dx + c * dy), TRUE);
}

void
rl_print_view_pan_by (RlPrintView *self, double widget_dx, double widget_dy)
{
  double theta, c, s, dx, dy;

  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  /* Moving the picture by (dx, dy) on screen moves the centre the other way. */
  theta = self->rotation * G_PI / 180.0;
  c = cos (theta);
  s = sin (theta);
  dx = widget_dx / self->zoom;
  dy = widget_dy / self->zoom;
  _rl_print_view_apply_view (self, self->zoom, self->rotation,
                             self->cx - (c * dx + s * dy), self->cy - (-s * dx + c * dy), TRUE);
}

double
rl_print_view_get_zoom (RlPrintView *self)
{
  g_return_val_if_fail (RL_IS_PRINT_VIEW (self), 1.0);
  return self->zoom;
}

void
rl_print_view_set_zoom (RlPrintView *self, double zoom)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  _rl_print_view_apply_view (self, zoom, self->rotation, self->cx, self->cy, TRUE);
}

double
rl_print_view_get_rotation (RlPrintView *self)
{
  g_return_val_if_fail (RL_IS_PRINT_VIEW (self), 0.0);
  return self->rotation;
}

void
rl_print_view_set_rotation (RlPrintView *self, double degrees)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  _rl_print_view_apply_view (self, self->zoom, degrees, self->cx, self->cy, TRUE);
}

void
rl_print_view_get_center (RlPrintView *self, double *x, double *y)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  if (x)
    *x = self->cx;
  if (y)
    *y = self->cy;
}

void
rl_print_view_set_center (RlPrintView *self, double x, double y)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  _rl_print_view_apply_view (self, self->zoom, self->rotation, x, y, TRUE);
}

void
rl_print_view_set_view (RlPrintView *self, double zoom, double degrees, double cx, double cy)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  _rl_print_view_apply_view (self, zoom, degrees, cx, cy, TRUE);
}

/* ----------------------------------------------------------------- data */

void
rl_print_view_set_image (RlPrintView *self, const RlImage *image)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  g_return_if_fail (image == NULL || (image->pixels != NULL && image->width > 0 && image->height > 0));

  g_clear_pointer (&self->image, rl_image_free);
  layer_clear (&self->base);
  /* The enhanced image, skeleton, mask and quality map were made from the
   * previous print: a new print of the same size must not show them. */
  layer_clear (&self->enhanced);
  layer_clear (&self->skeleton_layer);
  layer_clear (&self->mask);
  layer_clear (&self->quality);
  g_clear_pointer (&self->skeleton, rl_image_free);
  if (image != NULL)
    {
      self->image = rl_image_copy (image);
      layer_set_grey (&self->base, image);
    }
  rl_print_view_clear_measure (self);
  self->auto_fit = TRUE;
  fit (self, FALSE);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const RlImage *
rl_print_view_get_image (RlPrintView *self)
{
  g_return_val_if_fail (RL_IS_PRINT_VIEW (self), NULL);
  return self->image;
}

static gboolean
layer_fits (RlPrintView *self, const RlImage *layer, const char *what)
{
  if (layer == NULL)
    return TRUE;
  if (self->image == NULL || layer->width != self->image->width || layer->height != self->image->height)
    {
      g_warning ("%s image is %d × %d, the print is %d × %d: layer ignored", what,
                 layer->width, layer->height,
                 self->image ? self->image->width : 0, self->image ? self->image->height : 0);
      return FALSE;
    }
  return TRUE;
}

void
rl_print_view_set_enhanced (RlPrintView *self, const RlImage *enhanced)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  layer_clear (&self->enhanced);
  if (enhanced != NULL && layer_fits (self, enhanced, "Enhanced"))
    layer_set_source (&self->enhanced, enhanced, layer_set_grey);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_print_view_set_skeleton (RlPrintView *self, const RlImage *skeleton)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  layer_clear (&self->skeleton_layer);
  g_clear_pointer (&self->skeleton, rl_image_free);
  if (skeleton != NULL && layer_fits (self, skeleton, "Skeleton"))
    {
      layer_set_source (&self->skeleton_layer, skeleton, layer_set_skeleton);
      self->skeleton = rl_image_copy (skeleton);
    }
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_print_view_set_mask (RlPrintView *self, const RlImage *mask)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  layer_clear (&self->mask);
  if (mask != NULL && layer_fits (self, mask, "Mask"))
    layer_set_source (&self->mask, mask, layer_set_mask);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_print_view_set_quality_map (RlPrintView *self, const RlImage *quality)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  layer_clear (&self->quality);
  if (quality != NULL && layer_fits (self, quality, "Quality map"))
    layer_set_source (&self->quality, quality, layer_set_quality);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_print_view_set_template (RlPrintView *self, const RlTemplate *tpl)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  g_array_set_size (self->minutiae, 0);
  g_array_set_size (self->singularities, 0);
  g_array_set_size (self->marks, 0);
  if (tpl != NULL)
    {
      if (tpl->n_minutiae > 0)
        g_array_append_vals (self->minutiae, tpl->minutiae, tpl->n_minutiae);
      if (tpl->n_singularities > 0)
        g_array_append_vals (self->singularities, tpl->singularities, tpl->n_singularities);
    }
  rl_print_view_set_selected_minutia (self, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MINUTIAE]);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_print_view_set_extraction (RlPrintView *self, RlExtraction *extraction)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  g_return_if_fail (extraction != NULL);

  rl_print_view_set_image (self, rl_extraction_get_image (extraction));
  rl_print_view_set_template (self, rl_extraction_get_template (extraction));
  rl_print_view_set_enhanced (self, rl_extraction_get_enhanced (extraction));
  rl_print_view_set_skeleton (self, rl_extraction_get_skeleton (extraction));
  rl_print_view_set_mask (self, rl_extraction_get_mask (extraction));
  rl_print_view_set_quality_map (self, rl_extraction_get_quality_map (extraction));
}

const RlMinutia *
rl_print_view_get_minutiae (RlPrintView *self, guint *n_minutiae)
{
  g_return_val_if_fail (RL_IS_PRINT_VIEW (self), NULL);

  if (n_minutiae)
    *n_minutiae = self->minutiae->len;
  return (const RlMinutia *) self->minutiae->data;
}

guint
rl_print_view_get_n_minutiae (RlPrintView *self)
{
  g_return_val_if_fail (RL_IS_PRINT_VIEW (self), 0);
  return self->minutiae->len;
}

void
rl_print_view_set_minutiae (RlPrintView *self, const RlMinutia *minutiae, guint n)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  g_return_if_fail (n == 0 || minutiae != NULL);

  g_array_set_size (self->minutiae, 0);
  g_array_set_size (self->marks, 0);
  if (n > 0)
    g_array_append_vals (self->minutiae, minutiae, n);
  rl_print_view_set_selected_minutia (self, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MINUTIAE]);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
rl_print_view_add_minutia (RlPrintView *self, const RlMinutia *minutia)
{
  guint index;

  g_return_val_if_fail (RL_IS_PRINT_VIEW (self), 0);
  g_return_val_if_fail (minutia != NULL, 0);

  g_array_append_val (self->minutiae, *minutia);
  index = self->minutiae->len - 1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MINUTIAE]);
  update_accessible (self);
  g_signal_emit (self, signals[MINUTIA_ADDED], 0, index);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return index;
}

void
rl_print_view_move_minutia (RlPrintView *self, guint index, double x, double y)
{
  RlMinutia *m;

  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  g_return_if_fail (index < self->minutiae->len);

  m = &g_array_index (self->minutiae, RlMinutia, index);
  if (self->image != NULL)
    {
      x = CLAMP (x, 0, self->image->width - 1);
      y = CLAMP (y, 0, self->image->height - 1);
    }
  m->x = (float) x;
  m->y = (float) y;
  g_signal_emit (self, signals[MINUTIA_MOVED], 0, index);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_print_view_remove_minutia (RlPrintView *self, guint index)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  g_return_if_fail (index < self->minutiae->len);

  g_array_remove_index (self->minutiae, index);
  /* Marks refer to indices: drop the removed one's, shift the later ones. */
  for (guint i = self->marks->len; i-- > 0;)
    {
      RlPrintMark *mark = &g_array_index (self->marks, RlPrintMark, i);
      if (mark->minutia == index)
        g_array_remove_index (self->marks, i);
      else if (mark->minutia > index)
        mark->minutia--;
    }
  if (self->selected == (int) index)
    rl_print_view_set_selected_minutia (self, -1);
  else if (self->selected > (int) index)
    rl_print_view_set_selected_minutia (self, self->selected - 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MINUTIAE]);
  update_accessible (self);
  g_signal_emit (self, signals[MINUTIA_REMOVED], 0, index);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
rl_print_view_get_selected_minutia (RlPrintView *self)
{
  g_return_val_if_fail (RL_IS_PRINT_VIEW (self), -1);
  return self->selected;
}

void
rl_print_view_set_selected_minutia (RlPrintView *self, int index)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  if (index >= (int) self->minutiae->len)
    index = -1;
  if (index < -1)
    index = -1;
  if (index == self->selected)
    return;
  self->selected = index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_MINUTIA]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
rl_print_view_pick_minutia (RlPrintView *self, double wx, double wy)
{
  double best = PICK_RADIUS * PICK_RADIUS;
  int found = -1;

  g_return_val_if_fail (RL_IS_PRINT_VIEW (self), -1);

  if (!self->show_minutiae)
    return -1;
  for (guint i = 0; i < self->minutiae->len; i++)
    {
      const RlMinutia *m = &g_array_index (self->minutiae, RlMinutia, i);
      double x, y, d;

      rl_print_view_image_to_widget (self, m->x, m->y, &x, &y);
      d = (x - wx) * (x - wx) + (y - wy) * (y - wy);
      if (d <= best)
        {
          best = d;
          found = (int) i;
        }
    }
  return found;
}

void
rl_print_view_set_marks (RlPrintView *self, const guint *minutia, const guint *number, guint n)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));
  g_return_if_fail (n == 0 || (minutia != NULL && number != NULL));

  g_array_set_size (self->marks, 0);
  for (guint i = 0; i < n; i++)
    {
      RlPrintMark mark = { minutia[i], number[i] };
      if (minutia[i] < self->minutiae->len)
        g_array_append_val (self->marks, mark);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_print_view_mark_color (guint number, GdkRGBA *color)
{
  /* Ten hues far apart, bright enough for a dark canvas and a grey print,
   * none of them the minutia symbols' red or blue. */
  static const guint32 palette[] = {
    0xffd43b, 0x69db7c, 0xff8cc6, 0x3bc9db, 0xffa94d,
    0xb197fc, 0xc0eb75, 0xf1f3f5, 0x63e6be, 0x74c0fc,
  };
  guint32 rgb;

  g_return_if_fail (color != NULL);

  rgb = palette[(number == 0 ? 0 : number - 1) % G_N_ELEMENTS (palette)];
  color->red = ((rgb >> 16) & 0xff) / 255.0f;
  color->green = ((rgb >> 8) & 0xff) / 255.0f;
  color->blue = (rgb & 0xff) / 255.0f;
  color->alpha = 1.0f;
}

/* ------------------------------------------------------------- measure */

static void
update_measure (RlPrintView *self)
{
  if (!self->has_measure || self->image == NULL)
    return;
  self->measure_mm = rl_measure_distance_mm (self->image, self->mx0, self->my0, self->mx1, self->my1);
  if (self->skeleton != NULL)
    self->measure_ridges = rl_measure_ridge_count (self->skeleton, TRUE, self->mx0, self->my0, self->mx1, self->my1);
  else
    self->measure_ridges = rl_measure_ridge_count (self->image, FALSE, self->mx0, self->my0, self->mx1, self->my1);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MEASURE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEASURE_DISTANCE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEASURE_RIDGE_COUNT]);
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rl_print_view_set_measure (RlPrintView *self, double x0, double y0, double x1, double y1)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  if (self->image == NULL)
    return;
  self->mx0 = CLAMP (x0, 0, self->image->width - 1);
  self->my0 = CLAMP (y0, 0, self->image->height - 1);
  self->mx1 = CLAMP (x1, 0, self->image->width - 1);
  self->my1 = CLAMP (y1, 0, self->image->height - 1);
  self->has_measure = TRUE;
  update_measure (self);
}

void
rl_print_view_clear_measure (RlPrintView *self)
{
  g_return_if_fail (RL_IS_PRINT_VIEW (self));

  if (!self->has_measure)
    return;
  self->has_measure = FALSE;
  self->measure_mm = 0;
  self->measure_ridges = -1;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MEASURE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEASURE_DISTANCE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEASURE_RIDGE_COUNT]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
rl_print_view_get_measure (RlPrintView *self, double *distance_mm, int *ridge_count)
{
  g_return_val_if_fail (RL_IS_PRINT_VIEW (self), FALSE);

  if (distance_mm)
    *distance_mm = self->has_measure ? self->measure_mm : 0;
  if (ridge_count)
    *ridge_count = self->has_measure ? self->measure_ridges : -1;
  return self->has_measure;
}

/* ------------------------------------------------------------- drawing */

static void
set_source_rgba (cairo_t *cr, const GdkRGBA *c, double alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

/* A line drawn twice: a dark halo, then the colour, so it reads on white
 * valleys and black ridges alike. */
static void
stroke_with_halo (cairo_t *cr, const GdkRGBA *color, double alpha, double width)
{
  cairo_set_line_width (cr, width + 2.0);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.6 * alpha);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, width);
  set_source_rgba (cr, color, alpha);
  cairo_stroke (cr);
}

static double
symbol_radius (RlPrintView *self)
{
  return CLAMP (2.6 * self->zoom, 5.0, 10.0);
}

static void
draw_minutia (RlPrintView  *self,
              cairo_t      *cr,
              double        x,
              double        y,
              double        angle,
              int           kind,
              const GdkRGBA *color,
              double        alpha,
              double        width)
{
  double r = symbol_radius (self);
  double dx, dy;

  /* Minutia angles point counter-clockwise with y up: flip y for the image. */
  image_dir_to_widget (self, cos (angle), -sin (angle), &dx, &dy);

  cairo_new_path (cr);
  if (kind == RL_MINUTIA_BIFURCATION)
    cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
  else if (kind == RL_MINUTIA_ENDING)
    cairo_arc (cr, x, y, r, 0, 2 * G_PI);
  else
    {
      /* Other / unknown kind: a diamond. */
      cairo_move_to (cr, x, y - r * 1.3);
      cairo_line_to (cr, x + r * 1.3, y);
      cairo_line_to (cr, x, y + r * 1.3);
      cairo_line_to (cr, x - r * 1.3, y);
      cairo_close_path (cr);
    }
  /* The direction tick starts at the symbol's edge. */
  {
    double edge = kind == RL_MINUTIA_BIFURCATION ? r * MIN (1.0 / MAX (fabs (dx), 1e-6), 1.0 / MAX (fabs (dy), 1e-6)) : r;
    edge = MIN (edge, r * 1.42);
    cairo_move_to (cr, x + dx * edge, y + dy * edge);
    cairo_line_to (cr, x + dx * (r + 3.2 * r), y + dy * (r + 3.2 * r));
  }
  stroke_with_halo (cr, color, alpha, width);
}

static void
draw_label (RlPrintView   *self,
            cairo_t       *cr,
            PangoLayout   *layout,
            const char    *text,
            double         x,
            double         y,
            const GdkRGBA *background,
            const GdkRGBA *foreground)
{
  int tw, th;
  double pad = 3, w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  w = tw + 2 * pad;
  h = th;
  cairo_new_path (cr);
  cairo_move_to (cr, x + 3, y);
  cairo_arc (cr, x + w - 3, y + 3, 3, -G_PI / 2, 0);
  cairo_arc (cr, x + w - 3, y + h - 3, 3, 0, G_PI / 2);
  cairo_arc (cr, x + 3, y + h - 3, 3, G_PI / 2, G_PI);
  cairo_arc (cr, x + 3, y + 3, 3, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  gdk_cairo_set_source_rgba (cr, background);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  cairo_move_to (cr, x + pad, y);
  gdk_cairo_set_source_rgba (cr, foreground);
  pango_cairo_show_layout (cr, layout);
}

static const GdkRGBA ending_color = { 0.95f, 0.16f, 0.16f, 1.0f };
static const GdkRGBA bifurcation_color = { 0.10f, 0.55f, 1.0f, 1.0f };
static const GdkRGBA other_color = { 0.85f, 0.85f, 0.85f, 1.0f };
static const GdkRGBA core_color = { 0.93f, 0.40f, 1.0f, 1.0f };
static const GdkRGBA delta_color = { 1.0f, 0.78f, 0.10f, 1.0f };
static const GdkRGBA measure_color = { 1.0f, 0.92f, 0.25f, 1.0f };
static const GdkRGBA label_ink = { 0.05f, 0.05f, 0.05f, 1.0f };

static const GdkRGBA *
kind_color (int kind)
{
  if (kind == RL_MINUTIA_ENDING)
    return &ending_color;
  if (kind == RL_MINUTIA_BIFURCATION)
    return &bifurcation_color;
  return &other_color;
}

static void
draw_singularities (RlPrintView *self, cairo_t *cr)
{
  for (guint i = 0; i < self->singularities->len; i++)
    {
      const RlSingularity *s = &g_array_index (self->singularities, RlSingularity, i);
      double x, y, alpha = 0.45 + 0.55 * MIN (s->reliability ? s->reliability : 100, 100) / 100.0;
      double r = 10;

      rl_print_view_image_to_widget (self, s->x, s->y, &x, &y);
      cairo_new_path (cr);
      if (s->kind == RL_SINGULARITY_DELTA)
        {
          cairo_move_to (cr, x, y - r * 1.15);
          cairo_line_to (cr, x + r, y + r * 0.6);
          cairo_line_to (cr, x - r, y + r * 0.6);
          cairo_close_path (cr);
          stroke_with_halo (cr, &delta_color, alpha, 2.0);
        }
      else
        {
          double dx, dy, a;

          /* A core: a ring with a dot, and an arc open along its direction
           * (the innermost recurving ridge). */
          cairo_arc (cr, x, y, r, 0, 2 * G_PI);
          stroke_with_halo (cr, &core_color, alpha, 2.0);
          cairo_new_path (cr);
          cairo_arc (cr, x, y, 2.5, 0, 2 * G_PI);
          set_source_rgba (cr, &core_color, alpha);
          cairo_fill (cr);
          image_dir_to_widget (self, cos (s->angle), -sin (s->angle), &dx, &dy);
          a = atan2 (dy, dx);
          cairo_new_path (cr);
          cairo_arc (cr, x, y, r * 1.7, a + G_PI / 2 + 0.35, a + 3 * G_PI / 2 - 0.35);
          stroke_with_halo (cr, &core_color, alpha, 2.0);
        }
    }
}

static int
mark_number (RlPrintView *self, guint minutia)
{
  for (guint i = 0; i < self->marks->len; i++)
    {
      const RlPrintMark *mark = &g_array_index (self->marks, RlPrintMark, i);
      if (mark->minutia == minutia)
        return (int) mark->number;
    }
  return 0;
}

typedef struct {
  graphene_rect_t rect;
  guint           number;
} PlacedLabel;

static gboolean
overlaps_any (const GArray *placed, const graphene_rect_t *rect)
{
  for (guint i = 0; i < placed->len; i++)
    if (graphene_rect_intersection (&g_array_index (placed, PlacedLabel, i).rect, rect, NULL))
      return TRUE;
  return FALSE;
}

/* Puts a correspondence number beside its minutia: at the corner facing away
 * from the direction tick, or the next corner that does not cover a label
 * already placed (dense charts stay readable). */
static void
place_label (RlPrintView *self, PangoLayout *layout, GArray *placed, guint number,
             double x, double y, double angle)
{
  double r = symbol_radius (self), dx, dy, w, h;
  int tw, th, order[4] = { 0, 1, 2, 3 };
  double score[4];
  char text[16];
  PlacedLabel label = { .number = number };
  /* Corners: NE, NW, SE, SW, as offsets of the label's centre. */
  static const double corner[4][2] = { { 1, -1 }, { -1, -1 }, { 1, 1 }, { -1, 1 } };

  g_snprintf (text, sizeof text, "%u", number);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  w = tw + 6;
  h = th;
  image_dir_to_widget (self, cos (angle), -sin (angle), &dx, &dy);
  for (int k = 0; k < 4; k++)
    score[k] = corner[k][0] * dx + corner[k][1] * dy;
  /* Four entries: a tiny insertion sort by how much the corner faces the tick. */
  for (int i = 1; i < 4; i++)
    for (int j = i; j > 0 && score[order[j]] < score[order[j - 1]]; j--)
      {
        int t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
  for (int i = 0; i < 4; i++)
    {
      int k = order[i];
      double lx = corner[k][0] > 0 ? x + r + 1 : x - r - 1 - w;
      double ly = corner[k][1] > 0 ? y + r - 2 : y - r + 2 - h;

      graphene_rect_init (&label.rect, lx, ly, w, h);
      if (!overlaps_any (placed, &label.rect))
        break;
      if (i == 3)
        {
          k = order[0];
          graphene_rect_init (&label.rect, corner[k][0] > 0 ? x + r + 1 : x - r - 1 - w,
                              corner[k][1] > 0 ? y + r - 2 : y - r + 2 - h, w, h);
        }
    }
  g_array_append_val (placed, label);
}

static void
draw_minutiae (RlPrintView *self, cairo_t *cr, PangoLayout *layout, int width, int height)
{
  double r = symbol_radius (self);
  double margin = r * 5;
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (PlacedLabel));

  /* Unmarked first, then marked on top, then their numbers over everything. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->minutiae->len; i++)
      {
        const RlMinutia *m = &g_array_index (self->minutiae, RlMinutia, i);
        int number = mark_number (self, i);
        double x, y, alpha;
        GdkRGBA mark;

        if ((pass == 0) != (number == 0))
          continue;
        rl_print_view_image_to_widget (self, m->x, m->y, &x, &y);
        if (x < -margin || y < -margin || x > width + margin || y > height + margin)
          continue;
        /* Reliability as opacity; 0 means "not reported" in ISO records. */
        alpha = 0.7 + 0.3 * MIN (m->reliability ? m->reliability : 100, 100) / 100.0;
        if (number == 0)
          {
            draw_minutia (self, cr, x, y, m->angle, m->kind, kind_color (m->kind), alpha, 2.0);
          }
        else
          {
            rl_print_view_mark_color ((guint) number, &mark);
            draw_minutia (self, cr, x, y, m->angle, m->kind, &mark, 1.0, 2.5);
            place_label (self, layout, placed, (guint) number, x, y, m->angle);
          }
        if ((int) i == self->selected)
          {
            static const double dash[] = { 3, 3 };
            cairo_new_path (cr);
            cairo_arc (cr, x, y, r + 5, 0, 2 * G_PI);
            cairo_set_dash (cr, dash, 2, 0);
            stroke_with_halo (cr, &(GdkRGBA) { 1, 1, 1, 1 }, 1.0, 1.5);
            cairo_set_dash (cr, NULL, 0, 0);
          }
      }

  for (guint i = 0; i < placed->len; i++)
    {
      const PlacedLabel *label = &g_array_index (placed, PlacedLabel, i);
      GdkRGBA mark;
      char text[16];

      rl_print_view_mark_color (label->number, &mark);
      g_snprintf (text, sizeof text, "%u", label->number);
      draw_label (self, cr, layout, text, label->rect.origin.x, label->rect.origin.y, &mark, &label_ink);
    }
}

static void
draw_measure (RlPrintView *self, cairo_t *cr, PangoLayout *layout)
{
  double x0, y0, x1, y1, nx, ny, len;
  g_autofree char *text = NULL;
  static const GdkRGBA label_bg = { 0.08f, 0.08f, 0.09f, 0.88f };

  rl_print_view_image_to_widget (self, self->mx0, self->my0, &x0, &y0);
  rl_print_view_image_to_widget (self, self->mx1, self->my1, &x1, &y1);
  len = hypot (x1 - x0, y1 - y0);
  nx = len > 0 ? -(y1 - y0) / len : 0;
  ny = len > 0 ? (x1 - x0) / len : 1;

  cairo_new_path (cr);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  /* End bars across the line. */
  cairo_move_to (cr, x0 - 7 * nx, y0 - 7 * ny);
  cairo_line_to (cr, x0 + 7 * nx, y0 + 7 * ny);
  cairo_move_to (cr, x1 - 7 * nx, y1 - 7 * ny);
  cairo_line_to (cr, x1 + 7 * nx, y1 + 7 * ny);
  stroke_with_halo (cr, &measure_color, 1.0, 1.75);

  if (self->measure_ridges >= 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%.2f mm · %d ridge", "%.2f mm · %d ridges",
                                         self->measure_ridges),
                            self->measure_mm, self->measure_ridges);
  else
    text = g_strdup_printf (_("%.2f mm"), self->measure_mm);
  draw_label (self, cr, layout, text, (x0 + x1) / 2 + 10 * fabs (nx) + 6, (y0 + y1) / 2 + 6,
              &label_bg, &measure_color);
}

static void
draw_grid (RlPrintView *self, cairo_t *cr, int width, int height)
{
  double xs[4], ys[4];
  double minx = G_MAXDOUBLE, miny = G_MAXDOUBLE, maxx = -G_MAXDOUBLE, maxy = -G_MAXDOUBLE;
  double mx, my;
  int x0, x1, y0, y1;

  rl_print_view_widget_to_image (self, 0, 0, &xs[0], &ys[0]);
  rl_print_view_widget_to_image (self, width, 0, &xs[1], &ys[1]);
  rl_print_view_widget_to_image (self, 0, height, &xs[2], &ys[2]);
  rl_print_view_widget_to_image (self, width, height, &xs[3], &ys[3]);
  for (int i = 0; i < 4; i++)
    {
      minx = MIN (minx, xs[i]);
      maxx = MAX (maxx, xs[i]);
      miny = MIN (miny, ys[i]);
      maxy = MAX (maxy, ys[i]);
    }
  x0 = MAX (0, (int) floor (minx));
  x1 = MIN (self->image->width, (int) ceil (maxx));
  y0 = MAX (0, (int) floor (miny));
  y1 = MIN (self->image->height, (int) ceil (maxy));
  if (x0 > x1 || y0 > y1)
    return;

  cairo_save (cr);
  widget_center (self, &mx, &my);
  cairo_translate (cr, mx, my);
  cairo_rotate (cr, self->rotation * G_PI / 180.0);
  cairo_scale (cr, self->zoom, self->zoom);
  cairo_translate (cr, -self->cx, -self->cy);
  cairo_new_path (cr);
  for (int x = x0; x <= x1; x++)
    {
      cairo_move_to (cr, x, y0);
      cairo_line_to (cr, x, y1);
    }
  for (int y = y0; y <= y1; y++)
    {
      cairo_move_to (cr, x0, y);
      cairo_line_to (cr, x1, y);
    }
  cairo_restore (cr);
  cairo_save (cr);
  /* Upright, the lines fall on whole pixels: skip antialiasing, which is
   * most of the cost of a few hundred full-height lines. */
  if (fmod (self->rotation, 90.0) == 0.0)
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, 0.55, 0.6, 0.65, 0.45);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The mipmap level to draw at this zoom: the smallest one that still has
 * at least one texel per screen pixel... halved: zoom · 2^k ≥ ½. */
static int
layer_level (RlPrintView *self, RlPrintLayer *layer)
{
  int k = 0;

  while (k + 1 < layer->n_levels && self->zoom * (1 << (k + 1)) <= 1.0)
    k++;
  return k;
}

/* Draws a layer with the image transform already applied (GPU path). */
static void
append_layer_texture (RlPrintView *self, GtkSnapshot *snapshot, RlPrintLayer *layer)
{
  if (layer->n_levels == 0)
    return;
  gtk_snapshot_append_texture (snapshot, layer->texture[layer_level (self, layer)],
                               &GRAPHENE_RECT_INIT (0, 0, self->image->width, self->image->height));
}

/* Draws a layer with Cairo in widget coordinates: sharp pixels when zoomed
 * in, and with the Cairo renderer at every zoom (its texture nodes convert
 * and filter the whole texture on each frame). */
static void
append_layer_cairo (RlPrintView *self, GtkSnapshot *snapshot, RlPrintLayer *layer, int width, int height)
{
  gboolean sharp = self->zoom >= RL_PRINT_VIEW_SHARP_ZOOM;
  cairo_t *cr;
  double mx, my;
  int k;

  if (layer->n_levels == 0)
    return;
  k = sharp ? 0 : layer_level (self, layer);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  widget_center (self, &mx, &my);
  cairo_translate (cr, mx, my);
  cairo_rotate (cr, self->rotation * G_PI / 180.0);
  cairo_scale (cr, self->zoom, self->zoom);
  cairo_translate (cr, -self->cx, -self->cy);
  cairo_rectangle (cr, 0, 0, self->image->width, self->image->height);
  cairo_clip (cr);
  cairo_scale (cr, 1 << k, 1 << k);
  cairo_set_source_surface (cr, layer->surface[k], 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), sharp ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_destroy (cr);
}

/* Contrast stretches grey levels around mid-grey; invert mirrors them:
 * out = k · (in − ½) + ½ with k = ±contrast. Pushes nothing when neutral. */
static void
push_adjust (RlPrintView *self, GtkSnapshot *snapshot)
{
  float k = (float) (self->invert ? -self->contrast : self->contrast);
  float o = 0.5f * (1.0f - k);
  graphene_matrix_t matrix;
  graphene_vec4_t offset;

  if (self->contrast == 1.0 && !self->invert)
    return;
  graphene_matrix_init_from_float (&matrix, (float[16]) {
                                     k, 0, 0, 0,
                                     0, k, 0, 0,
                                     0, 0, k, 0,
                                     0, 0, 0, 1 });
  graphene_vec4_init (&offset, o, o, o, 0);
  gtk_snapshot_push_color_matrix (snapshot, &matrix, &offset);
}

static gboolean
renderer_is_cairo (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native ? gtk_native_get_renderer (native) : NULL;

  return renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
}

static void
rl_print_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  RlPrintView *self = RL_PRINT_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean sharp = self->zoom >= RL_PRINT_VIEW_SHARP_ZOOM;
  RlPrintLayer *layers[4];
  guint n_layers = 0;
  RlPrintLayer *base;
  gboolean adjust;
  cairo_t *cr;
  PangoLayout *layout;

  /* The canvas: a dark neutral grey that neither glares nor tints the print. */
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.13f, 0.13f, 0.14f, 1.0f },
                             &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (self->image == NULL)
    return;

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  base = self->show_enhanced && layer_ready (&self->enhanced) ? &self->enhanced : &self->base;
  if (self->show_mask && layer_ready (&self->mask))
    layers[n_layers++] = &self->mask;
  if (self->show_quality && layer_ready (&self->quality))
    layers[n_layers++] = &self->quality;
  if (self->show_skeleton && layer_ready (&self->skeleton_layer))
    layers[n_layers++] = &self->skeleton_layer;

  adjust = self->contrast != 1.0 || self->invert;
  if (sharp || (renderer_is_cairo (widget) && !self->force_textures))
    {
      push_adjust (self, snapshot);
      append_layer_cairo (self, snapshot, base, width, height);
      if (adjust)
        gtk_snapshot_pop (snapshot);
      for (guint i = 0; i < n_layers; i++)
        append_layer_cairo (self, snapshot, layers[i], width, height);
    }
  else
    {
      double mx, my;

      widget_center (self, &mx, &my);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (mx, my));
      gtk_snapshot_rotate (snapshot, self->rotation);
      gtk_snapshot_scale (snapshot, self->zoom, self->zoom);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-self->cx, -self->cy));
      push_adjust (self, snapshot);
      append_layer_texture (self, snapshot, base);
      if (adjust)
        gtk_snapshot_pop (snapshot);
      for (guint i = 0; i < n_layers; i++)
        append_layer_texture (self, snapshot, layers[i]);
      gtk_snapshot_restore (snapshot);
    }

  /* Overlays in widget coordinates. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  layout = gtk_widget_create_pango_layout (widget, NULL);
  {
    PangoFontDescription *font = pango_font_description_from_string ("Sans Bold 9");
    pango_layout_set_font_description (layout, font);
    pango_font_description_free (font);
  }

  if (self->pixel_grid && self->zoom >= RL_PRINT_VIEW_GRID_ZOOM)
    draw_grid (self, cr, width, height);
  if (self->show_singularities)
    draw_singularities (self, cr);
  if (self->show_minutiae)
    draw_minutiae (self, cr, layout, width, height);
  if (self->drag == RL_PRINT_DRAG_ADD_MINUTIA)
    {
      double angle = 0;
      int kind = self->tool == RL_PRINT_TOOL_ADD_BIFURCATION ? RL_MINUTIA_BIFURCATION : RL_MINUTIA_ENDING;

      if (hypot (self->drag_ox, self->drag_oy) > 4)
        {
          double ix0, iy0, ix1, iy1;
          rl_print_view_widget_to_image (self, self->drag_x, self->drag_y, &ix0, &iy0);
          rl_print_view_widget_to_image (self, self->drag_x + self->drag_ox, self->drag_y + self->drag_oy, &ix1, &iy1);
          angle = atan2 (-(iy1 - iy0), ix1 - ix0);
        }
      draw_minutia (self, cr, self->drag_x, self->drag_y, angle, kind, kind_color (kind), 0.8, 1.75);
    }
  if (self->has_measure)
    draw_measure (self, cr, layout);

  g_object_unref (layout);
  cairo_destroy (cr);
  gtk_snapshot_pop (snapshot);

  /* Which print the keys act on, for keyboard-only work. */
  if (gtk_widget_has_focus (widget))
    {
      static const GdkRGBA accent = { 0.21f, 0.52f, 0.89f, 1.0f };
      GskRoundedRect outline;

      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (0, 0, width, height), 0);
      gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 2, 2, 2, 2 },
                                  (GdkRGBA[4]) { accent, accent, accent, accent });
    }
}

static void
rl_print_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  RlPrintView *self = RL_PRINT_VIEW (widget);

  if (self->auto_fit)
    fit (self, FALSE);
}

static void
rl_print_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  RlPrintView *self = RL_PRINT_VIEW (widget);

  *minimum = 64;
  if (self->image == NULL)
    *natural = 256;
  else
    *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? self->image->width : self->image->height;
}

/* ------------------------------------------------------------ gestures */

static double
minutia_angle_from_drag (RlPrintView *self)
{
  double ix0, iy0, ix1, iy1, a;

  if (hypot (self->drag_ox, self->drag_oy) <= 4)
    return 0;
  rl_print_view_widget_to_image (self, self->drag_x, self->drag_y, &ix0, &iy0);
  rl_print_view_widget_to_image (self, self->drag_x + self->drag_ox, self->drag_y + self->drag_oy, &ix1, &iy1);
  a = atan2 (-(iy1 - iy0), ix1 - ix0);
  return a < 0 ? a + 2 * G_PI : a;
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, RlPrintView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  int picked;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_x = x;
  self->drag_y = y;
  self->drag_ox = self->drag_oy = 0;
  self->drag_cx = self->cx;
  self->drag_cy = self->cy;

  if (self->image == NULL)
    {
      self->drag = RL_PRINT_DRAG_NONE;
      return;
    }
  /* Middle or right button pans in every tool (0: no button, a synthesised drag). */
  if (button != 0 && button != GDK_BUTTON_PRIMARY)
    {
      self->drag = RL_PRINT_DRAG_PAN;
      return;
    }

  picked = rl_print_view_pick_minutia (self, x, y);
  if (picked >= 0 && self->tool != RL_PRINT_TOOL_MEASURE)
    {
      rl_print_view_set_selected_minutia (self, picked);
      self->drag = self->editable ? RL_PRINT_DRAG_MOVE_MINUTIA : RL_PRINT_DRAG_NONE;
      self->drag_mx = g_array_index (self->minutiae, RlMinutia, picked).x;
      self->drag_my = g_array_index (self->minutiae, RlMinutia, picked).y;
      return;
    }

  switch (self->tool)
    {
    case RL_PRINT_TOOL_ADD_ENDING:
    case RL_PRINT_TOOL_ADD_BIFURCATION:
      self->drag = self->editable ? RL_PRINT_DRAG_ADD_MINUTIA : RL_PRINT_DRAG_PAN;
      break;
    case RL_PRINT_TOOL_MEASURE:
      {
        double ix, iy;
        self->drag = RL_PRINT_DRAG_MEASURE;
        rl_print_view_widget_to_image (self, x, y, &ix, &iy);
        rl_print_view_set_measure (self, ix, iy, ix, iy);
      }
      break;
    case RL_PRINT_TOOL_NAVIGATE:
    default:
      self->drag = RL_PRINT_DRAG_PAN;
      break;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture, double ox, double oy, RlPrintView *self)
{
  double ix, iy;

  self->drag_ox = ox;
  self->drag_oy = oy;

  switch (self->drag)
    {
    case RL_PRINT_DRAG_PAN:
      {
        double theta = self->rotation * G_PI / 180.0, c = cos (theta), s = sin (theta);
        double dx = ox / self->zoom, dy = oy / self->zoom;
        _rl_print_view_apply_view (self, self->zoom, self->rotation,
                                   self->drag_cx - (c * dx + s * dy),
                                   self->drag_cy - (-s * dx + c * dy), TRUE);
      }
      break;
    case RL_PRINT_DRAG_MOVE_MINUTIA:
      /* A click on a symbol selects it; only a real drag moves it. */
      if (self->selected >= 0 && hypot (ox, oy) >= 3)
        {
          double ix0, iy0;

          /* Keep the grab offset: the symbol moves with the pointer, it does
           * not jump under it. */
          rl_print_view_widget_to_image (self, self->drag_x, self->drag_y, &ix0, &iy0);
          rl_print_view_widget_to_image (self, self->drag_x + ox, self->drag_y + oy, &ix, &iy);
          rl_print_view_move_minutia (self, (guint) self->selected,
                                      self->drag_mx + (ix - ix0), self->drag_my + (iy - iy0));
        }
      break;
    case RL_PRINT_DRAG_MEASURE:
      rl_print_view_widget_to_image (self, self->drag_x + ox, self->drag_y + oy, &ix, &iy);
      rl_print_view_set_measure (self, self->mx0, self->my0, ix, iy);
      break;
    case RL_PRINT_DRAG_ADD_MINUTIA:
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case RL_PRINT_DRAG_NONE:
    default:
      break;
    }
}

static void
drag_end_cb (GtkGestureDrag *gesture, double ox, double oy, RlPrintView *self)
{
  gboolean click = hypot (ox, oy) < 3;
  RlPrintDrag drag = self->drag;

  self->drag_ox = ox;
  self->drag_oy = oy;
  self->drag = RL_PRINT_DRAG_NONE;

  if (drag == RL_PRINT_DRAG_ADD_MINUTIA)
    {
      RlMinutia m = { 0 };
      double ix, iy;
      guint index;

      rl_print_view_widget_to_image (self, self->drag_x, self->drag_y, &ix, &iy);
      if (ix >= 0 && iy >= 0 && ix <= self->image->width - 1 && iy <= self->image->height - 1)
        {
          m.x = (float) ix;
          m.y = (float) iy;
          m.angle = (float) minutia_angle_from_drag (self);
          m.kind = self->tool == RL_PRINT_TOOL_ADD_BIFURCATION ? RL_MINUTIA_BIFURCATION : RL_MINUTIA_ENDING;
          m.reliability = 100;    /* charted by a person */
          index = rl_print_view_add_minutia (self, &m);
          rl_print_view_set_selected_minutia (self, (int) index);
        }
    }
  else if (drag == RL_PRINT_DRAG_PAN && click)
    {
      rl_print_view_set_selected_minutia (self, -1);
    }
  else if (drag == RL_PRINT_DRAG_MEASURE && click)
    {
      rl_print_view_clear_measure (self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, RlPrintView *self)
{
  double x = self->pointer_inside ? self->pointer_x : gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  double y = self->pointer_inside ? self->pointer_y : gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;

  if (self->image == NULL || dy == 0)
    return FALSE;
  /* pow keeps zooming smooth for the fractional steps of touchpads. */
  rl_print_view_zoom_at (self, pow (1.2, -dy), x, y);
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, RlPrintView *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
}

static void
leave_cb (GtkEventControllerMotion *controller, RlPrintView *self)
{
  self->pointer_inside = FALSE;
}

static void
focus_changed_cb (GtkEventControllerFocus *controller, RlPrintView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pinch_begin_cb (GtkGesture *gesture, GdkEventSequence *sequence, RlPrintView *self)
{
  self->pinch_zoom = self->zoom;
}

static void
pinch_scale_cb (GtkGestureZoom *gesture, double scale, RlPrintView *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    widget_center (self, &x, &y);
  rl_print_view_zoom_at (self, self->pinch_zoom * scale / self->zoom, x, y);
}

/* ------------------------------------------------------------- GObject */

static void
rl_print_view_dispose (GObject *object)
{
  RlPrintView *self = RL_PRINT_VIEW (object);

  layer_clear (&self->base);
  layer_clear (&self->enhanced);
  layer_clear (&self->skeleton_layer);
  layer_clear (&self->mask);
  layer_clear (&self->quality);
  G_OBJECT_CLASS (rl_print_view_parent_class)->dispose (object);
}

static void
rl_print_view_finalize (GObject *object)
{
  RlPrintView *self = RL_PRINT_VIEW (object);

  g_clear_pointer (&self->image, rl_image_free);
  g_clear_pointer (&self->skeleton, rl_image_free);
  g_array_unref (self->minutiae);
  g_array_unref (self->singularities);
  g_array_unref (self->marks);
  G_OBJECT_CLASS (rl_print_view_parent_class)->finalize (object);
}

static gboolean *
layer_flag (RlPrintView *self, guint prop_id)
{
  switch (prop_id)
    {
    case PROP_INVERT: return &self->invert;
    case PROP_SHOW_MINUTIAE: return &self->show_minutiae;
    case PROP_SHOW_SINGULARITIES: return &self->show_singularities;
    case PROP_SHOW_QUALITY: return &self->show_quality;
    case PROP_SHOW_ENHANCED: return &self->show_enhanced;
    case PROP_SHOW_SKELETON: return &self->show_skeleton;
    case PROP_SHOW_MASK: return &self->show_mask;
    case PROP_PIXEL_GRID: return &self->pixel_grid;
    case PROP_EDITABLE: return &self->editable;
    default: return NULL;
    }
}

static void
rl_print_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RlPrintView *self = RL_PRINT_VIEW (object);
  gboolean *flag = layer_flag (self, prop_id);

  if (flag != NULL)
    {
      g_value_set_boolean (value, *flag);
      return;
    }
  switch (prop_id)
    {
    case PROP_ZOOM: g_value_set_double (value, self->zoom); break;
    case PROP_ROTATION: g_value_set_double (value, self->rotation); break;
    case PROP_CENTER_X: g_value_set_double (value, self->cx); break;
    case PROP_CENTER_Y: g_value_set_double (value, self->cy); break;
    case PROP_CONTRAST: g_value_set_double (value, self->contrast); break;
    case PROP_TOOL: g_value_set_enum (value, self->tool); break;
    case PROP_SELECTED_MINUTIA: g_value_set_int (value, self->selected); break;
    case PROP_N_MINUTIAE: g_value_set_uint (value, self->minutiae->len); break;
    case PROP_HAS_MEASURE: g_value_set_boolean (value, self->has_measure); break;
    case PROP_MEASURE_DISTANCE: g_value_set_double (value, self->has_measure ? self->measure_mm : 0); break;
    case PROP_MEASURE_RIDGE_COUNT: g_value_set_int (value, self->has_measure ? self->measure_ridges : -1); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_print_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RlPrintView *self = RL_PRINT_VIEW (object);
  gboolean *flag = layer_flag (self, prop_id);

  if (flag != NULL)
    {
      gboolean v = g_value_get_boolean (value);
      if (v != *flag)
        {
          *flag = v;
          g_object_notify_by_pspec (object, pspec);
          if (prop_id == PROP_SHOW_MINUTIAE && !v)
            rl_print_view_set_selected_minutia (self, -1);
          update_accessible (self);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      return;
    }
  switch (prop_id)
    {
    case PROP_ZOOM: rl_print_view_set_zoom (self, g_value_get_double (value)); break;
    case PROP_ROTATION: rl_print_view_set_rotation (self, g_value_get_double (value)); break;
    case PROP_CENTER_X: rl_print_view_set_center (self, g_value_get_double (value), self->cy); break;
    case PROP_CENTER_Y: rl_print_view_set_center (self, self->cx, g_value_get_double (value)); break;
    case PROP_CONTRAST:
      if (self->contrast != g_value_get_double (value))
        {
          self->contrast = g_value_get_double (value);
          g_object_notify_by_pspec (object, pspec);
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      break;
    case PROP_TOOL:
      if (self->tool != (RlPrintTool) g_value_get_enum (value))
        {
          self->tool = g_value_get_enum (value);
          g_object_notify_by_pspec (object, pspec);
          gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                           self->tool == RL_PRINT_TOOL_NAVIGATE ? "grab" : "crosshair");
        }
      break;
    case PROP_SELECTED_MINUTIA: rl_print_view_set_selected_minutia (self, g_value_get_int (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_print_view_class_init (RlPrintViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = rl_print_view_dispose;
  object_class->finalize = rl_print_view_finalize;
  object_class->get_property = rl_print_view_get_property;
  object_class->set_property = rl_print_view_set_property;

  widget_class->snapshot = rl_print_view_snapshot;
  widget_class->size_allocate = rl_print_view_size_allocate;
  widget_class->measure = rl_print_view_measure;

  properties[PROP_ZOOM] = g_param_spec_double ("zoom", NULL, NULL, RL_PRINT_VIEW_MIN_ZOOM, RL_PRINT_VIEW_MAX_ZOOM, 1.0, rw);
  properties[PROP_ROTATION] = g_param_spec_double ("rotation", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, rw);
  properties[PROP_CENTER_X] = g_param_spec_double ("center-x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, rw);
  properties[PROP_CENTER_Y] = g_param_spec_double ("center-y", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, rw);
  properties[PROP_CONTRAST] = g_param_spec_double ("contrast", NULL, NULL, 0.1, 5.0, 1.0, rw);
  properties[PROP_INVERT] = g_param_spec_boolean ("invert", NULL, NULL, FALSE, rw);
  properties[PROP_SHOW_MINUTIAE] = g_param_spec_boolean ("show-minutiae", NULL, NULL, TRUE, rw);
  properties[PROP_SHOW_SINGULARITIES] = g_param_spec_boolean ("show-singularities", NULL, NULL, TRUE, rw);
  properties[PROP_SHOW_QUALITY] = g_param_spec_boolean ("show-quality", NULL, NULL, FALSE, rw);
  properties[PROP_SHOW_ENHANCED] = g_param_spec_boolean ("show-enhanced", NULL, NULL, FALSE, rw);
  properties[PROP_SHOW_SKELETON] = g_param_spec_boolean ("show-skeleton", NULL, NULL, FALSE, rw);
  properties[PROP_SHOW_MASK] = g_param_spec_boolean ("show-mask", NULL, NULL, FALSE, rw);
  properties[PROP_PIXEL_GRID] = g_param_spec_boolean ("pixel-grid", NULL, NULL, TRUE, rw);
  properties[PROP_TOOL] = g_param_spec_enum ("tool", NULL, NULL, RL_TYPE_PRINT_TOOL, RL_PRINT_TOOL_NAVIGATE, rw);
  properties[PROP_EDITABLE] = g_param_spec_boolean ("editable", NULL, NULL, TRUE, rw);
  properties[PROP_SELECTED_MINUTIA] = g_param_spec_int ("selected-minutia", NULL, NULL, -1, G_MAXINT, -1, rw);
  properties[PROP_N_MINUTIAE] = g_param_spec_uint ("n-minutiae", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_HAS_MEASURE] = g_param_spec_boolean ("has-measure", NULL, NULL, FALSE, ro);
  properties[PROP_MEASURE_DISTANCE] = g_param_spec_double ("measure-distance", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_MEASURE_RIDGE_COUNT] = g_param_spec_int ("measure-ridge-count", NULL, NULL, -1, G_MAXINT, -1, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted once per change of zoom, rotation or centre; explicit is FALSE
   * when the view only refitted itself (new image, resize). */
  signals[VIEW_CHANGED] = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[MINUTIA_ADDED] = g_signal_new ("minutia-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[MINUTIA_REMOVED] = g_signal_new ("minutia-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[MINUTIA_MOVED] = g_signal_new ("minutia-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "printview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  _rl_print_view_class_actions_init (widget_class);
}

static void
rl_print_view_init (RlPrintView *self)
{
  GtkGesture *drag, *pinch;
  GtkEventController *scroll, *motion, *focus;

  self->minutiae = g_array_new (FALSE, FALSE, sizeof (RlMinutia));
  self->singularities = g_array_new (FALSE, FALSE, sizeof (RlSingularity));
  self->marks = g_array_new (FALSE, FALSE, sizeof (RlPrintMark));
  self->zoom = 1.0;
  self->contrast = 1.0;
  self->auto_fit = TRUE;
  self->show_minutiae = TRUE;
  self->show_singularities = TRUE;
  self->pixel_grid = TRUE;
  self->editable = TRUE;
  self->selected = -1;
  self->measure_ridges = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  pinch = gtk_gesture_zoom_new ();
  g_signal_connect (pinch, "begin", G_CALLBACK (pinch_begin_cb), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (pinch_scale_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect (focus, "enter", G_CALLBACK (focus_changed_cb), self);
  g_signal_connect (focus, "leave", G_CALLBACK (focus_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Fingerprint"),
                                  -1);
  update_accessible (self);
}

GtkWidget *
rl_print_view_new (void)
{
  return g_object_new (RL_TYPE_PRINT_VIEW, NULL);
}
