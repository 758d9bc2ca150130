#define G_LOG_DOMAIN "rl-image-io"

#include "rl-image-io.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "rl-cv.h"
#include "rl-wsq.h"

/* A file bigger than this cannot be a sane print image even uncompressed
 * (4000 × 4000 × 16-bit + headers); refuse before reading it all. */
#define RL_IMAGE_MAX_FILE_BYTES ((gsize) 64 * 1024 * 1024)

typedef enum {
  FMT_UNKNOWN,
  FMT_PNG,
  FMT_JPEG,
  FMT_TIFF,
  FMT_BMP,
  FMT_PGM,
  FMT_WSQ,
} ImageFormat;

static const char *
format_name (ImageFormat f)
{
  switch (f)
    {
    case FMT_PNG: return "PNG";
    case FMT_JPEG: return "JPEG";
    case FMT_TIFF: return "TIFF";
    case FMT_BMP: return "BMP";
    case FMT_PGM: return "PGM";
    case FMT_WSQ: return "WSQ";
    default: return "unknown";
    }
}

static ImageFormat
sniff_format (const guint8 *d, gsize len)
{
  if (len >= 8 && memcmp (d, "\x89PNG\r\n\x1a\n", 8) == 0)
    return FMT_PNG;
  if (rl_wsq_has_magic (d, len))
    return FMT_WSQ;
  if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
    return FMT_JPEG;
  if (len >= 4 && (memcmp (d, "II*\0", 4) == 0 || memcmp (d, "MM\0*", 4) == 0))
    return FMT_TIFF;
  if (len >= 2 && d[0] == 'B' && d[1] == 'M')
    return FMT_BMP;
  if (len >= 2 && d[0] == 'P' && (d[1] == '5' || d[1] == '2'))
    return FMT_PGM;
  return FMT_UNKNOWN;
}

static guint32 be16 (const guint8 *p) { return ((guint32) p[0] << 8) | p[1]; }
static guint32 be32 (const guint8 *p) { return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3]; }
static guint32 le16 (const guint8 *p) { return ((guint32) p[1] << 8) | p[0]; }
static guint32 le32 (const guint8 *p) { return ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0]; }

/* Whether needle occurs within the last `tail` bytes of d. */
static gboolean
has_tail (const guint8 *d, gsize len, gsize tail, const guint8 *needle, gsize nlen)
{
  gsize start = len > tail ? len - tail : 0;
  for (gsize i = start; i + nlen <= len; i++)
    if (memcmp (d + i, needle, nlen) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
truncated (GError **error, ImageFormat f, const char *what, gsize offset)
{
  g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
               "%s image is truncated: %s missing at byte %" G_GSIZE_FORMAT,
               format_name (f), what, offset);
  return FALSE;
}

/* Reads the image size the header declares, without decoding, so that a
 * huge or damaged image is refused before any pixel buffer is allocated.
 * Also catches the truncations the decoders would silently paper over
 * (libjpeg fills a cut-off JPEG with grey). */
static gboolean
peek_size (const guint8 *d, gsize len, ImageFormat f, gint64 *w, gint64 *h, GError **error)
{
  *w = *h = -1;
  switch (f)
    {
    case FMT_PNG:
      /* signature (8), IHDR length (4), "IHDR" (4), width (4), height (4) */
      if (len < 24)
        return truncated (error, f, "IHDR header", len);
      if (memcmp (d + 12, "IHDR", 4) != 0)
        {
          g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
                       "PNG image has no IHDR chunk at byte 12");
          return FALSE;
        }
      *w = be32 (d + 16);
      *h = be32 (d + 20);
      /* The IEND chunk closes every complete PNG. */
      if (len < 45 || !has_tail (d, len, 16, (const guint8 *) "IEND", 4))
        return truncated (error, f, "IEND chunk", len);
      return TRUE;

    case FMT_JPEG:
      {
        gsize p = 2;
        while (p + 4 <= len)
          {
            guint8 marker;
            guint32 seglen;
            if (d[p] != 0xFF)
              {
                g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
                             "JPEG image has a bad marker at byte %" G_GSIZE_FORMAT, p);
                return FALSE;
              }
            marker = d[p + 1];
            if (marker == 0xFF)
              {
                p++;
                continue;
              }
            seglen = be16 (d + p + 2);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
              {
                if (p + 9 > len)
                  break;
                *h = be16 (d + p + 5);
                *w = be16 (d + p + 7);
                break;
              }
            if (marker == 0xDA || seglen < 2)
              break;
            p += 2 + seglen;
          }
        if (*w < 0)
          return truncated (error, f, "frame header (SOF)", len);
        /* A complete JPEG ends with EOI (FF D9), give or take trailing padding. */
        if (!has_tail (d, len, 64, (const guint8 *) "\xFF\xD9", 2))
          return truncated (error, f, "end-of-image marker", len);
        return TRUE;
      }

    case FMT_BMP:
      {
        gint32 bh;
        guint32 off, bpp, row;
        /* File header (14) + the start of a BITMAPINFOHEADER up to its
         * compression field (20). */
        if (len < 34)
          return truncated (error, f, "info header", len);
        off = le32 (d + 10);
        *w = (gint32) le32 (d + 18);
        bh = (gint32) le32 (d + 22);
        *h = bh < 0 ? -(gint64) bh : bh;
        bpp = le16 (d + 28);
        if (*w <= 0 || *w > RL_IMAGE_MAX_SIDE || *h > RL_IMAGE_MAX_SIDE)
          return TRUE;  /* the caller reports the size */
        row = (guint32) ((((guint64) *w * bpp + 31) / 32) * 4);
        if (le32 (d + 30) == 0 && (guint64) off + (guint64) row * (guint64) *h > len)
          return truncated (error, f, "pixel rows", len);
        return TRUE;
      }

    case FMT_TIFF:
      {
        gboolean le = d[0] == 'I';
        guint32 ifd, n;
        if (len < 8)
          return truncated (error, f, "header", len);
        ifd = le ? le32 (d + 4) : be32 (d + 4);
        if ((guint64) ifd + 2 > len)
          return truncated (error, f, "first directory", len);
        n = le ? le16 (d + ifd) : be16 (d + ifd);
        if ((guint64) ifd + 2 + (guint64) n * 12 > len)
          return truncated (error, f, "directory entries", len);
        for (guint32 i = 0; i < n; i++)
          {
            const guint8 *e = d + ifd + 2 + i * 12;
            guint32 tag = le ? le16 (e) : be16 (e);
            guint32 type = le ? le16 (e + 2) : be16 (e + 2);
            guint32 val = type == 3 ? (le ? le16 (e + 8) : be16 (e + 8))
                                    : (le ? le32 (e + 8) : be32 (e + 8));
            if (tag == 256)
              *w = val;
            else if (tag == 257)
              *h = val;
            else if (tag == 273 || tag == 279)
              {
                /* One strip (the common case for grey prints): its offset and
                 * byte count must lie inside the file. */
                guint32 count = le ? le32 (e + 4) : be32 (e + 4);
                if (count == 1 && tag == 273 && val > len)
                  return truncated (error, f, "strip data", len);
              }
          }
        if (*w < 0 || *h < 0)
          {
            g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
                         "TIFF image has no width or height tag in the directory at byte %u", ifd);
            return FALSE;
          }
        return TRUE;
      }

    default:
      return TRUE;
    }
}

static gboolean
check_size (gint64 w, gint64 h, const char *what, GError **error)
{
  if (w > RL_IMAGE_MAX_SIDE || h > RL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_LARGE,
                   "%s is %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT " pixels; the limit is %d a side",
                   what, w, h, RL_IMAGE_MAX_SIDE);
      return FALSE;
    }
  if (w < RL_IMAGE_MIN_SIDE || h < RL_IMAGE_MIN_SIDE)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_SMALL,
                   "%s is %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT " pixels, too small to hold a print (at least %d a side)",
                   what, w, h, RL_IMAGE_MIN_SIDE);
      return FALSE;
    }
  return TRUE;
}

/* --- PGM, plain C ------------------------------------------------------ */

/* Reads one unsigned decimal header field, skipping white space and
 * comments. Returns -1 when there is none. */
static gint64
pgm_field (const guint8 *d, gsize len, gsize *pos)
{
  gsize p = *pos;
  gint64 v = 0;
  gboolean any = FALSE;

  while (p < len)
    {
      if (d[p] == '#')
        {
          while (p < len && d[p] != '\n')
            p++;
        }
      else if (g_ascii_isspace (d[p]))
        p++;
      else
        break;
    }
  while (p < len && g_ascii_isdigit (d[p]))
    {
      v = v * 10 + (d[p] - '0');
      if (v > G_MAXINT32)
        return -1;
      any = TRUE;
      p++;
    }
  *pos = p;
  return any ? v : -1;
}

static RlImage *
pgm_decode (const guint8 *d, gsize len, int ppi, GError **error)
{
  gboolean ascii = d[1] == '2';
  gsize p = 2;
  gint64 w = pgm_field (d, len, &p);
  gint64 h = pgm_field (d, len, &p);
  gint64 maxval = pgm_field (d, len, &p);
  gsize n, bps;
  g_autoptr(RlImage) image = NULL;

  if (w < 0 || h < 0 || maxval < 0)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
                   "PGM header is incomplete or malformed near byte %" G_GSIZE_FORMAT, p);
      return NULL;
    }
  if (maxval == 0 || maxval > 65535)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
                   "PGM maximum grey value %" G_GINT64_FORMAT " is out of range (1–65535)", maxval);
      return NULL;
    }
  if (!check_size (w, h, "PGM image", error))
    return NULL;

  n = (gsize) w * (gsize) h;
  bps = maxval > 255 ? 2 : 1;
  image = rl_image_new ((int) w, (int) h, ppi);

  if (!ascii)
    {
      p++;  /* the single white-space byte after maxval */
      if (p > len || len - p < n * bps)
        {
          g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
                       "PGM image is truncated: %" G_GSIZE_FORMAT " pixel bytes expected after byte %" G_GSIZE_FORMAT ", %" G_GSIZE_FORMAT " present",
                       n * bps, p, p > len ? 0 : len - p);
          return NULL;
        }
      for (gsize i = 0; i < n; i++)
        {
          guint32 v = bps == 2 ? be16 (d + p + 2 * i) : d[p + i];
          image->pixels[i] = (guint8) ((v * 255 + (guint32) maxval / 2) / (guint32) maxval);
        }
    }
  else
    {
      for (gsize i = 0; i < n; i++)
        {
          gint64 v = pgm_field (d, len, &p);
          if (v < 0)
            {
              g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
                           "PGM image is truncated: pixel %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " missing at byte %" G_GSIZE_FORMAT,
                           i, n, p);
              return NULL;
            }
          image->pixels[i] = (guint8) ((MIN (v, maxval) * 255 + maxval / 2) / maxval);
        }
    }
  return g_steal_pointer (&image);
}

static GBytes *
pgm_encode (const RlImage *image)
{
  g_autofree char *header = g_strdup_printf ("P5\n%d %d\n255\n", image->width, image->height);
  gsize hl = strlen (header);
  gsize n = (gsize) image->width * (gsize) image->height;
  guint8 *out = g_malloc (hl + n);

  memcpy (out, header, hl);
  memcpy (out + hl, image->pixels, n);
  return g_bytes_new_take (out, hl + n);
}

/* --- WSQ (rl-wsq.c) ---------------------------------------------------- */

/* ppi 0: the resolution the file's NIST_COM comment gives (500 without one). */
static RlImage *
wsq_decode (const guint8 *d, gsize len, int ppi, GError **error)
{
  g_autoptr(RlImage) image = rl_wsq_decode (d, len, error);

  if (image == NULL)
    return NULL;
  if (!check_size (image->width, image->height, "WSQ image", error))
    return NULL;
  if (ppi != 0)
    image->ppi = ppi;
  else if (image->ppi < 100 || image->ppi > 4000)
    image->ppi = 500;
  return g_steal_pointer (&image);
}

/* --- public API -------------------------------------------------------- */

RlImage *
rl_image_load_from_data (const guint8 *data, gsize len, int ppi, GError **error)
{
  ImageFormat f;
  gboolean ppi_given;
  gint64 w, h;
  guint8 *pixels = NULL;
  int dw = 0, dh = 0;
  char err[256] = "";
  RlImage *image;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ppi_given = ppi != 0;
  if (ppi == 0)
    ppi = 500;
  if (ppi < 100 || ppi > 4000)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID,
                   "resolution %d ppi is out of range (100–4000)", ppi);
      return NULL;
    }
  if (len == 0)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT, "the image is empty (0 bytes)");
      return NULL;
    }

  f = sniff_format (data, len);
  if (f == FMT_UNKNOWN)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT,
                   "not an image Ridgeline can read (first bytes %02x %02x %02x %02x); "
                   "expected PNG, JPEG, TIFF, BMP, PGM or WSQ",
                   data[0], len > 1 ? data[1] : 0, len > 2 ? data[2] : 0, len > 3 ? data[3] : 0);
      return NULL;
    }
  if (f == FMT_PGM)
    return pgm_decode (data, len, ppi, error);
  if (f == FMT_WSQ)
    return wsq_decode (data, len, ppi_given ? ppi : 0, error);

  if (!peek_size (data, len, f, &w, &h, error))
    return NULL;
  if (w >= 0 && h >= 0)
    {
      g_autofree char *what = g_strdup_printf ("%s image", format_name (f));
      if (!check_size (w, h, what, error))
        return NULL;
    }

  if (rl_cv_decode_grey (data, len, &pixels, &dw, &dh, err, sizeof err) != 0)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
                   "%s image could not be decoded: %s", format_name (f), err);
      return NULL;
    }
  if (!check_size (dw, dh, format_name (f), error))
    {
      rl_cv_free (pixels);
      return NULL;
    }
  image = g_new0 (RlImage, 1);
  image->width = dw;
  image->height = dh;
  image->ppi = ppi;
  image->pixels = g_malloc ((gsize) dw * (gsize) dh);
  memcpy (image->pixels, pixels, (gsize) dw * (gsize) dh);
  rl_cv_free (pixels);
  return image;
}

RlImage *
rl_image_load (const char *path, int ppi, GError **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local = NULL;
  GStatBuf st;
  RlImage *image;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_stat (path, &st) != 0)
    {
      int e = errno;
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO,
                   "cannot open image “%s”: %s", path, g_strerror (e));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO,
                   "“%s” is not a regular file", path);
      return NULL;
    }
  if ((guint64) st.st_size > RL_IMAGE_MAX_FILE_BYTES)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_LARGE,
                   "image “%s” is %" G_GUINT64_FORMAT " bytes; the limit is %" G_GSIZE_FORMAT,
                   path, (guint64) st.st_size, RL_IMAGE_MAX_FILE_BYTES);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT,
                   "image “%s” is empty (0 bytes)", path);
      return NULL;
    }
  file = g_mapped_file_new (path, FALSE, &local);
  if (file == NULL)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO,
                   "cannot read image “%s”: %s", path, local->message);
      return NULL;
    }
  image = rl_image_load_from_data ((const guint8 *) g_mapped_file_get_contents (file),
                                   g_mapped_file_get_length (file), ppi, &local);
  if (image == NULL)
    {
      g_set_error (error, RL_MATCHER_ERROR, local->code, "%s: %s", path, local->message);
      return NULL;
    }
  return image;
}

RlImage *
rl_image_new_from_raw (const guint8 *pixels, int width, int height, int ppi, GError **error)
{
  RlImage *image;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (pixels == NULL)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID, "no pixels given");
      return NULL;
    }
  if (ppi == 0)
    ppi = 500;
  if (ppi < 100 || ppi > 4000)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID,
                   "resolution %d ppi is out of range (100–4000)", ppi);
      return NULL;
    }
  if (!check_size (width, height, "raw image", error))
    return NULL;
  image = rl_image_new (width, height, ppi);
  memcpy (image->pixels, pixels, (gsize) width * (gsize) height);
  return image;
}

static const char *
cv_extension (const char *format)
{
  if (g_ascii_strcasecmp (format, "png") == 0)
    return ".png";
  if (g_ascii_strcasecmp (format, "tiff") == 0 || g_ascii_strcasecmp (format, "tif") == 0)
    return ".tiff";
  if (g_ascii_strcasecmp (format, "jpeg") == 0 || g_ascii_strcasecmp (format, "jpg") == 0)
    return ".jpg";
  if (g_ascii_strcasecmp (format, "bmp") == 0)
    return ".bmp";
  return NULL;
}

GBytes *
rl_image_encode (const RlImage *image, const char *format, GError **error)
{
  const char *ext;
  guint8 *data = NULL;
  size_t len = 0;
  char err[256] = "";
  GBytes *bytes;

  g_return_val_if_fail (image != NULL && image->pixels != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_ascii_strcasecmp (format, "pgm") == 0)
    return pgm_encode (image);
  if (g_ascii_strcasecmp (format, "wsq") == 0)
    return rl_wsq_encode (image, RL_WSQ_DEFAULT_BITRATE, error);
  ext = cv_extension (format);
  if (ext == NULL)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID,
                   "cannot write images as “%s”; use png, tiff, jpeg, bmp, pgm or wsq", format);
      return NULL;
    }
  if (rl_cv_encode_grey (image->pixels, image->width, image->height, ext, &data, &len, err, sizeof err) != 0)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO,
                   "encoding a %d × %d image as %s failed: %s", image->width, image->height, format, err);
      return NULL;
    }
  bytes = g_bytes_new (data, len);
  rl_cv_free (data);
  return bytes;
}

gboolean
rl_image_save (const RlImage *image, const char *path, GError **error)
{
  const char *dot;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dot = strrchr (path, '.');
  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID,
                   "“%s” has no extension to choose the image format by", path);
      return FALSE;
    }
  bytes = rl_image_encode (image, dot + 1, error);
  if (bytes == NULL)
    return FALSE;
  /* g_file_set_contents writes a temporary file and renames it: nothing
   * half-written is left behind. */
  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &local))
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO,
                   "cannot write image “%s”: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}

RlImage *
rl_image_resample (const RlImage *image, int target_ppi)
{
  int src_ppi, w, h;
  RlImage *out;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (target_ppi > 0, NULL);

  src_ppi = image->ppi > 0 ? image->ppi : 500;
  if (src_ppi == target_ppi)
    {
      out = rl_image_copy (image);
      out->ppi = target_ppi;
      return out;
    }
  w = (int) ((gint64) image->width * target_ppi / src_ppi);
  h = (int) ((gint64) image->height * target_ppi / src_ppi);
  if (w < 1 || h < 1 || w > 4 * RL_IMAGE_MAX_SIDE || h > 4 * RL_IMAGE_MAX_SIDE)
    return NULL;
  out = rl_image_new (w, h, target_ppi);
  if (rl_cv_resize_grey (image->pixels, image->width, image->height, out->pixels, w, h, NULL, 0) != 0)
    {
      rl_image_free (out);
      return NULL;
    }
  return out;
}
