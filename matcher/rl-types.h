/* rl-types.h — the matcher's core data types, shared by every part of Ridgeline.
 *
 * Plain C with GLib (GError, g_autoptr). No GTK here.
 *
 * Conventions (they follow ISO/IEC 19794-2 so that import and export are lossless):
 *  - coordinates are pixels at 500 ppi, origin top-left, x to the right, y down;
 *  - a minutia's angle is in radians, [0, 2π), measured counter-clockwise from
 *    the x axis (as on paper, y up), pointing along the ridge away from the
 *    ending / into the valley that splits at a bifurcation.
 */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define RL_MATCHER_ERROR (rl_matcher_error_quark ())
GQuark rl_matcher_error_quark (void);

typedef enum {
  RL_MATCHER_ERROR_IO,            /* file missing or unreadable */
  RL_MATCHER_ERROR_FORMAT,        /* not an image / template we understand */
  RL_MATCHER_ERROR_CORRUPT,       /* truncated or inconsistent data */
  RL_MATCHER_ERROR_TOO_SMALL,     /* image too small to hold a print */
  RL_MATCHER_ERROR_TOO_LARGE,     /* image over the size limit */
  RL_MATCHER_ERROR_NO_PRINT,      /* blank, all black, no ridge area found */
  RL_MATCHER_ERROR_INVALID,       /* bad argument or out-of-range value */
} RlMatcherError;

/* Size limits: bad input must not make us allocate without bound. */
#define RL_IMAGE_MIN_SIDE 64
#define RL_IMAGE_MAX_SIDE 4000

/* An 8-bit grey image, row-major, stride == width. 0 is black (ridge on a
 * live-scan), 255 white. */
typedef struct {
  int      width;
  int      height;
  int      ppi;        /* resolution in pixels per inch */
  uint8_t *pixels;     /* width * height bytes, owned */
} RlImage;

RlImage *rl_image_new  (int width, int height, int ppi);   /* zero-filled; NULL if sizes invalid */
RlImage *rl_image_copy (const RlImage *image);
void     rl_image_free (RlImage *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlImage, rl_image_free)

typedef enum {
  RL_MINUTIA_OTHER = 0,
  RL_MINUTIA_ENDING = 1,
  RL_MINUTIA_BIFURCATION = 2,
} RlMinutiaKind;

typedef struct {
  float   x;            /* pixels at 500 ppi */
  float   y;
  float   angle;        /* radians [0, 2π), counter-clockwise, see above */
  uint8_t kind;         /* RlMinutiaKind */
  uint8_t reliability;  /* 0..100 */
  uint8_t _pad[2];
} RlMinutia;

typedef enum {
  RL_SINGULARITY_CORE = 1,
  RL_SINGULARITY_DELTA = 2,
} RlSingularityKind;

typedef struct {
  float   x, y;
  float   angle;        /* radians; direction of the core / delta where defined */
  uint8_t kind;         /* RlSingularityKind */
  uint8_t reliability;  /* 0..100 */
  uint8_t _pad[2];
} RlSingularity;

/* ANSI/NIST finger positions (Table 8 of ANSI/NIST-ITL 1-2011). */
typedef enum {
  RL_FINGER_UNKNOWN = 0,
  RL_FINGER_RIGHT_THUMB = 1, RL_FINGER_RIGHT_INDEX, RL_FINGER_RIGHT_MIDDLE,
  RL_FINGER_RIGHT_RING, RL_FINGER_RIGHT_LITTLE,
  RL_FINGER_LEFT_THUMB = 6, RL_FINGER_LEFT_INDEX, RL_FINGER_LEFT_MIDDLE,
  RL_FINGER_LEFT_RING, RL_FINGER_LEFT_LITTLE,
} RlFingerPosition;

typedef enum {
  RL_IMPRESSION_PLAIN = 0,      /* live-scan plain */
  RL_IMPRESSION_ROLLED = 1,     /* live-scan rolled */
  RL_IMPRESSION_LATENT = 4,
} RlImpression;

/* A fingerprint template: what the matcher compares. Owned arrays. */
typedef struct {
  uint16_t       width, height;    /* image size at 500 ppi */
  uint8_t        finger;           /* RlFingerPosition */
  uint8_t        impression;       /* RlImpression */
  uint8_t        quality;          /* 0..100 */
  uint8_t        _pad;
  guint          n_minutiae;
  RlMinutia     *minutiae;
  guint          n_singularities;
  RlSingularity *singularities;
} RlTemplate;

RlTemplate *rl_template_new  (guint n_minutiae, guint n_singularities);
RlTemplate *rl_template_copy (const RlTemplate *tpl);
void        rl_template_free (RlTemplate *tpl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlTemplate, rl_template_free)

G_END_DECLS
