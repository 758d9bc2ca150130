/* rl-template-io.c — Ridgeline, ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004
 * minutiae templates.
 *
 * Every reader works on an untrusted buffer: each field is bounds-checked
 * through a small cursor before it is read, and errors name the byte offset
 * and the field. Nothing is allocated from a declared size before that size
 * has been checked against the bytes actually present.
 */
#define G_LOG_DOMAIN "rl-matcher"

#include "rl-template-io.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* Largest file rl_template_load reads: a 19794-2 record holds at most 255
 * views of 255 minutiae, far below this. */
#define RL_TEMPLATE_MAX_FILE (1024 * 1024)

/* 500 ppi expressed in pixels per centimetre, as the standards store it. */
#define PPCM_500PPI 197

/* ------------------------------------------------------------------------ */
/* A bounds-checked big/little-endian reader                                 */

typedef struct {
  const guint8 *data;
  gsize         len;
  gsize         pos;
  const char   *format;   /* for error messages: "ISO/IEC 19794-2 record" */
} Cursor;

static gboolean
cursor_need (Cursor *c, gsize n, const char *field, GError **error)
{
  if (c->len - c->pos >= n)
    return TRUE;
  g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
               _("%s is truncated: %s needs %" G_GSIZE_FORMAT " bytes at byte offset %" G_GSIZE_FORMAT
                 ", only %" G_GSIZE_FORMAT " left"),
               c->format, field, n, c->pos, c->len - c->pos);
  return FALSE;
}

static guint8
cursor_u8 (Cursor *c)
{
  return c->data[c->pos++];
}

static guint16
cursor_be16 (Cursor *c)
{
  guint16 v = (guint16) (c->data[c->pos] << 8 | c->data[c->pos + 1]);
  c->pos += 2;
  return v;
}

static guint32
cursor_be32 (Cursor *c)
{
  guint32 v = (guint32) c->data[c->pos] << 24 | (guint32) c->data[c->pos + 1] << 16
            | (guint32) c->data[c->pos + 2] << 8 | c->data[c->pos + 3];
  c->pos += 4;
  return v;
}

static guint16
cursor_le16 (Cursor *c)
{
  guint16 v = (guint16) (c->data[c->pos] | c->data[c->pos + 1] << 8);
  c->pos += 2;
  return v;
}

static void
put_be16 (GByteArray *out, guint v)
{
  guint8 b[2] = { (guint8) (v >> 8), (guint8) v };
  g_byte_array_append (out, b, 2);
}

static void
put_be32 (GByteArray *out, guint32 v)
{
  guint8 b[4] = { (guint8) (v >> 24), (guint8) (v >> 16), (guint8) (v >> 8), (guint8) v };
  g_byte_array_append (out, b, 4);
}

static void
put_le16 (GByteArray *out, guint v)
{
  guint8 b[2] = { (guint8) v, (guint8) (v >> 8) };
  g_byte_array_append (out, b, 2);
}

static void
put_u8 (GByteArray *out, guint v)
{
  guint8 b = (guint8) v;
  g_byte_array_append (out, &b, 1);
}

static gboolean
fail_field (GError **error, const Cursor *c, gsize offset, const char *field, const char *problem)
{
  g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
               _("%s: %s at byte offset %" G_GSIZE_FORMAT " %s"), c->format, field, offset, problem);
  return FALSE;
}

static float
wrap_angle (float a)
{
  a = fmodf (a, (float) (2 * G_PI));
  if (a < 0)
    a += (float) (2 * G_PI);
  return a;
}

/* ------------------------------------------------------------------------ */
/* CRC-32 (IEEE), to tell a damaged stored template from a valid one.        */

static guint32
crc32_ieee (const guint8 *data, gsize len)
{
  static guint32 table[256];
  static gsize table_ready = 0;
  guint32 crc = 0xFFFFFFFFu;

  if (g_once_init_enter (&table_ready))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 c = i;
          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
          table[i] = c;
        }
      g_once_init_leave (&table_ready, 1);
    }
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

/* ------------------------------------------------------------------------ */
/* Ridgeline's own template.
 *
 *   0  'R' 'L' 'T'  magic
 *   3  u8   format version (1)
 *   4  u16  width, u16 height (500 ppi pixels)
 *   8  u8   finger, u8 impression, u8 quality, u8 number of singularities
 *  12  u16  number of minutiae
 *  14  minutiae, 8 bytes each: u16 x, u16 y (1/8 pixel), u16 angle (2π/65536),
 *      u8 kind, u8 reliability
 *      singularities, 8 bytes each, the same layout
 *  end u32  CRC-32 of everything before it
 * All little-endian. 8 bytes per minutia keep sub-pixel positions and fine
 * angles, which the 6-byte standard records round away.
 */

#define RLT_HEADER 14
#define RLT_POINT 8

static void
put_point (GByteArray *out, float x, float y, float angle, guint kind, guint reliability)
{
  put_le16 (out, (guint) CLAMP (lrintf (x * 8.f), 0, 65535));
  put_le16 (out, (guint) CLAMP (lrintf (y * 8.f), 0, 65535));
  put_le16 (out, (guint) (lrintf (wrap_angle (angle) * (float) (65536.0 / (2 * G_PI))) & 0xFFFF));
  put_u8 (out, kind);
  put_u8 (out, MIN (reliability, 100));
}

GBytes *
rl_template_serialize (const RlTemplate *tpl)
{
  g_autoptr(GByteArray) out = NULL;
  guint n_minutiae, n_singular;

  g_return_val_if_fail (tpl != NULL, NULL);

  n_minutiae = MIN (tpl->n_minutiae, 65535);
  n_singular = MIN (tpl->n_singularities, 255);
  out = g_byte_array_sized_new (RLT_HEADER + RLT_POINT * (n_minutiae + n_singular) + 4);
  g_byte_array_append (out, (const guint8 *) "RLT", 3);
  put_u8 (out, RL_TEMPLATE_FORMAT_VERSION);
  put_le16 (out, tpl->width);
  put_le16 (out, tpl->height);
  put_u8 (out, tpl->finger);
  put_u8 (out, tpl->impression);
  put_u8 (out, MIN (tpl->quality, 100));
  put_u8 (out, n_singular);
  put_le16 (out, n_minutiae);
  for (guint i = 0; i < n_minutiae; i++)
    {
      const RlMinutia *m = &tpl->minutiae[i];
      put_point (out, m->x, m->y, m->angle, m->kind, m->reliability);
    }
  for (guint i = 0; i < n_singular; i++)
    {
      const RlSingularity *s = &tpl->singularities[i];
      put_point (out, s->x, s->y, s->angle, s->kind, s->reliability);
    }
  put_le16 (out, 0); /* placeholder, replaced below */
  out->len -= 2;
  {
    guint32 crc = crc32_ieee (out->data, out->len);
    guint8 b[4] = { (guint8) crc, (guint8) (crc >> 8), (guint8) (crc >> 16), (guint8) (crc >> 24) };
    g_byte_array_append (out, b, 4);
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
read_point (Cursor *c, float *x, float *y, float *angle, guint8 *kind, guint8 *reliability)
{
  *x = cursor_le16 (c) / 8.f;
  *y = cursor_le16 (c) / 8.f;
  *angle = cursor_le16 (c) * (float) (2 * G_PI / 65536.0);
  *kind = cursor_u8 (c);
  *reliability = cursor_u8 (c);
}

RlTemplate *
rl_template_deserialize (const guint8 *data, gsize len, GError **error)
{
  Cursor c = { data, len, 0, _("Ridgeline template") };
  g_autoptr(RlTemplate) tpl = NULL;
  guint16 width, height, n_minutiae;
  guint8 finger, impression, quality, n_singular;
  gsize expected;
  guint32 stored_crc;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (!cursor_need (&c, RLT_HEADER, _("the header"), error))
    return NULL;
  if (memcmp (data, "RLT", 3) != 0)
    return fail_field (error, &c, 0, _("the magic"), _("is not “RLT”")), NULL;
  c.pos = 3;
  if (cursor_u8 (&c) != RL_TEMPLATE_FORMAT_VERSION)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT,
                   _("Ridgeline template: format version %u at byte offset 3 is not supported (this version reads %u)"),
                   data[3], RL_TEMPLATE_FORMAT_VERSION);
      return NULL;
    }
  width = cursor_le16 (&c);
  height = cursor_le16 (&c);
  finger = cursor_u8 (&c);
  impression = cursor_u8 (&c);
  quality = cursor_u8 (&c);
  n_singular = cursor_u8 (&c);
  n_minutiae = cursor_le16 (&c);

  expected = RLT_HEADER + (gsize) RLT_POINT * (n_minutiae + n_singular) + 4;
  if (len != expected)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
                   _("Ridgeline template: %u minutiae and %u singularities (byte offsets 11–13) need %" G_GSIZE_FORMAT
                     " bytes, the template has %" G_GSIZE_FORMAT),
                   n_minutiae, n_singular, expected, len);
      return NULL;
    }
  stored_crc = (guint32) data[len - 4] | (guint32) data[len - 3] << 8
             | (guint32) data[len - 2] << 16 | (guint32) data[len - 1] << 24;
  if (stored_crc != crc32_ieee (data, len - 4))
    return fail_field (error, &c, len - 4, _("the checksum"), _("does not match: the template is damaged")), NULL;
  if (quality > 100)
    return fail_field (error, &c, 10, _("the quality"), _("is over 100")), NULL;

  tpl = rl_template_new (n_minutiae, n_singular);
  tpl->width = width;
  tpl->height = height;
  tpl->finger = finger;
  tpl->impression = impression;
  tpl->quality = quality;
  for (guint i = 0; i < n_minutiae; i++)
    {
      RlMinutia *m = &tpl->minutiae[i];
      gsize at = c.pos;

      read_point (&c, &m->x, &m->y, &m->angle, &m->kind, &m->reliability);
      if (m->kind > RL_MINUTIA_BIFURCATION)
        return fail_field (error, &c, at + 6, _("a minutia type"), _("is not ending, bifurcation or other")), NULL;
    }
  for (guint i = 0; i < n_singular; i++)
    {
      RlSingularity *s = &tpl->singularities[i];
      gsize at = c.pos;

      read_point (&c, &s->x, &s->y, &s->angle, &s->kind, &s->reliability);
      if (s->kind != RL_SINGULARITY_CORE && s->kind != RL_SINGULARITY_DELTA)
        return fail_field (error, &c, at + 6, _("a singularity type"), _("is not core or delta")), NULL;
    }
  return g_steal_pointer (&tpl);
}

/* ------------------------------------------------------------------------ */
/* ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004.
 *
 * Both start "FMR\0" " 20\0" and share the finger view layout; they differ in
 * the record header (ISO: 4-byte length; ANSI: 2-byte length, or 0 then a
 * 4-byte length, plus a 4-byte CBEFF product id) and the angle unit (ISO:
 * 360/256 degrees; ANSI: 2 degrees).
 */

typedef struct {
  const char *name;
  gboolean    ansi;
  double      angle_unit;   /* radians per stored unit */
  guint       angle_units;  /* number of distinct angle values */
} StdFormat;

static const StdFormat iso_format = { "ISO/IEC 19794-2 record", FALSE, 2 * G_PI / 256, 256 };
static const StdFormat ansi_format = { "ANSI INCITS 378 record", TRUE, 2 * G_PI / 180, 180 };

/* Record header length before the first finger view, and the declared length. */
static gboolean
std_read_header (Cursor *c, const StdFormat *fmt, guint32 *record_len, GError **error)
{
  if (!cursor_need (c, 8, _("the format identifier and version"), error))
    return FALSE;
  if (memcmp (c->data, "FMR\0", 4) != 0)
    return fail_field (error, c, 0, _("the format identifier"), _("is not “FMR”"));
  if (memcmp (c->data + 4, " 20\0", 4) != 0)
    return fail_field (error, c, 4, _("the version"), _("is not “ 20” (2004/2005 format)"));
  c->pos = 8;

  if (!fmt->ansi)
    {
      if (!cursor_need (c, 4, _("the record length"), error))
        return FALSE;
      *record_len = cursor_be32 (c);
    }
  else
    {
      if (!cursor_need (c, 2, _("the record length"), error))
        return FALSE;
      *record_len = cursor_be16 (c);
      if (*record_len == 0)
        {
          if (!cursor_need (c, 4, _("the long record length"), error))
            return FALSE;
          *record_len = cursor_be32 (c);
        }
      if (!cursor_need (c, 4, _("the CBEFF product identifier"), error))
        return FALSE;
      c->pos += 4;
    }
  if (*record_len != c->len)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_CORRUPT,
                   _("%s: the record length at byte offset 8 says %u bytes, the data has %" G_GSIZE_FORMAT),
                   c->format, *record_len, c->len);
      return FALSE;
    }
  return TRUE;
}

/* The core-and-delta extended data block (type 0x0002), shared by both
 * standards. Returns FALSE on malformed data. */
static gboolean
std_read_core_delta (Cursor *c, gsize end, double scale, double angle_unit,
                     GArray *singularities, GError **error)
{
  for (int pass = 0; pass < 2; pass++)
    {
      guint8 head, info_type, count;
      gsize point_len;

      if (c->pos + 1 > end)
        return fail_field (error, c, c->pos, _("the core/delta count"), _("is past the end of its block"));
      head = cursor_u8 (c);
      info_type = head >> 6;
      count = head & 0x3F;
      /* Angle present for cores: 1 byte; for deltas: 3 bytes. */
      point_len = 4 + (info_type == 1 ? (pass == 0 ? 1 : 3) : 0);
      if ((gsize) count * point_len > end - c->pos)
        return fail_field (error, c, c->pos - 1, _("the core/delta count"), _("claims more points than the block holds"));
      for (guint i = 0; i < count; i++)
        {
          RlSingularity s = { 0 };
          guint16 x = cursor_be16 (c) & 0x3FFF;
          guint16 y = cursor_be16 (c) & 0x3FFF;

          s.x = (float) (x * scale);
          s.y = (float) (y * scale);
          s.kind = pass == 0 ? RL_SINGULARITY_CORE : RL_SINGULARITY_DELTA;
          s.reliability = 50;
          if (info_type == 1)
            {
              s.angle = (float) (cursor_u8 (c) * angle_unit);
              if (pass == 1)
                c->pos += 2;
            }
          g_array_append_val (singularities, s);
        }
    }
  return TRUE;
}

static RlTemplate *
std_read (const guint8 *data, gsize len, const StdFormat *fmt, GError **error)
{
  Cursor c = { data, len, 0, _(fmt->name) };
  g_autoptr(RlTemplate) tpl = NULL;
  g_autoptr(GArray) singularities = g_array_new (FALSE, TRUE, sizeof (RlSingularity));
  guint32 record_len;
  guint16 width, height, xres, yres;
  guint8 n_views, position, view_impression, quality, n_minutiae;
  gsize ext_len;
  double scale;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (!std_read_header (&c, fmt, &record_len, error))
    return NULL;
  if (!cursor_need (&c, 14, _("the record header"), error))
    return NULL;
  c.pos += 2; /* capture equipment certification and id */
  width = cursor_be16 (&c);
  height = cursor_be16 (&c);
  xres = cursor_be16 (&c);
  yres = cursor_be16 (&c);
  n_views = cursor_u8 (&c);
  c.pos += 1; /* reserved */

  if (width == 0 || height == 0)
    return fail_field (error, &c, c.pos - 10, _("the image size"), _("is zero")), NULL;
  if (xres == 0 || yres == 0)
    return fail_field (error, &c, c.pos - 6, _("the resolution"), _("is zero")), NULL;
  if (xres < 40 || xres > 1000)
    return fail_field (error, &c, c.pos - 6, _("the resolution"), _("is outside 40–1000 pixels per centimetre")), NULL;
  if (n_views == 0)
    return fail_field (error, &c, c.pos - 2, _("the number of finger views"), _("is zero")), NULL;

  if (!cursor_need (&c, 4, _("the finger view header"), error))
    return NULL;
  position = cursor_u8 (&c);
  view_impression = cursor_u8 (&c);
  quality = cursor_u8 (&c);
  n_minutiae = cursor_u8 (&c);
  if (position > 10)
    return fail_field (error, &c, c.pos - 4, _("the finger position"), _("is over 10")), NULL;
  if (quality > 100)
    return fail_field (error, &c, c.pos - 2, _("the finger quality"), _("is over 100")), NULL;
  if (!cursor_need (&c, (gsize) n_minutiae * 6, _("the minutiae"), error))
    return NULL;

  /* Positions are pixels at the record's resolution; we keep 500 ppi. */
  scale = (double) PPCM_500PPI / xres;
  tpl = rl_template_new (n_minutiae, 0);
  tpl->width = (guint16) MIN (lrint (width * scale), 65535);
  tpl->height = (guint16) MIN (lrint (height * (double) PPCM_500PPI / yres), 65535);
  tpl->finger = position;
  tpl->impression = view_impression & 0x0F;
  tpl->quality = quality;

  for (guint i = 0; i < n_minutiae; i++)
    {
      RlMinutia *m = &tpl->minutiae[i];
      gsize at = c.pos;
      guint16 tx = cursor_be16 (&c);
      guint16 ry = cursor_be16 (&c);
      guint8 angle = cursor_u8 (&c);
      guint8 mq = cursor_u8 (&c);
      guint type = tx >> 14;

      if (type == 3)
        return fail_field (error, &c, at, _("a minutia type"), _("is the reserved value 3")), NULL;
      if (angle >= fmt->angle_units)
        return fail_field (error, &c, at + 4, _("a minutia angle"), _("is out of range")), NULL;
      m->kind = type == 1 ? RL_MINUTIA_ENDING : type == 2 ? RL_MINUTIA_BIFURCATION : RL_MINUTIA_OTHER;
      m->x = (float) ((tx & 0x3FFF) * scale);
      m->y = (float) ((ry & 0x3FFF) * (double) PPCM_500PPI / yres);
      m->angle = (float) (angle * fmt->angle_unit);
      /* 0 means "not reported" in both standards: keep a neutral reliability. */
      m->reliability = mq == 0 ? 50 : MIN (mq, 100);
    }

  if (!cursor_need (&c, 2, _("the extended data length"), error))
    return NULL;
  ext_len = cursor_be16 (&c);
  if (ext_len > c.len - c.pos)
    return fail_field (error, &c, c.pos - 2, _("the extended data length"), _("is longer than the record")), NULL;
  {
    gsize ext_end = c.pos + ext_len;

    while (c.pos + 4 <= ext_end)
      {
        guint16 type = cursor_be16 (&c);
        guint16 block_len = cursor_be16 (&c);
        gsize block_start = c.pos - 4;

        if (block_len < 4 || block_start + block_len > ext_end)
          return fail_field (error, &c, block_start + 2, _("an extended data block length"), _("is out of range")), NULL;
        if (type == 0x0002 && !std_read_core_delta (&c, block_start + block_len, scale, fmt->angle_unit,
                                                    singularities, error))
          return NULL;
        c.pos = block_start + block_len;
      }
  }

  if (singularities->len > 0)
    {
      tpl->n_singularities = singularities->len;
      tpl->singularities = (RlSingularity *) g_array_free (g_steal_pointer (&singularities), FALSE);
    }
  return g_steal_pointer (&tpl);
}

static GBytes *
std_write (const RlTemplate *tpl, const StdFormat *fmt, GError **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint n_minutiae = tpl->n_minutiae;
  guint n_cores = 0, n_deltas = 0;
  gsize len_at;

  if (n_minutiae > 255)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID,
                   _("%s: %u minutiae do not fit (at most 255 per finger view)"), _(fmt->name), n_minutiae);
      return NULL;
    }
  for (guint i = 0; i < tpl->n_singularities; i++)
    {
      if (tpl->singularities[i].kind == RL_SINGULARITY_CORE)
        n_cores++;
      else
        n_deltas++;
    }
  n_cores = MIN (n_cores, 63);
  n_deltas = MIN (n_deltas, 63);

  g_byte_array_append (out, (const guint8 *) "FMR\0 20\0", 8);
  len_at = out->len;
  if (fmt->ansi)
    {
      put_be16 (out, 0);
      put_be32 (out, 0);     /* CBEFF product identifier: none registered */
    }
  else
    put_be32 (out, 0);
  put_be16 (out, 0);         /* capture equipment: unspecified */
  put_be16 (out, tpl->width);
  put_be16 (out, tpl->height);
  put_be16 (out, PPCM_500PPI);
  put_be16 (out, PPCM_500PPI);
  put_u8 (out, 1);           /* one finger view */
  put_u8 (out, 0);
  put_u8 (out, tpl->finger <= 10 ? tpl->finger : 0);
  put_u8 (out, tpl->impression & 0x0F);
  put_u8 (out, MIN (tpl->quality, 100));
  put_u8 (out, n_minutiae);
  for (guint i = 0; i < n_minutiae; i++)
    {
      const RlMinutia *m = &tpl->minutiae[i];
      guint type = m->kind == RL_MINUTIA_ENDING ? 1 : m->kind == RL_MINUTIA_BIFURCATION ? 2 : 0;
      guint x = (guint) CLAMP (lrintf (m->x), 0, 0x3FFF);
      guint y = (guint) CLAMP (lrintf (m->y), 0, 0x3FFF);
      guint angle = (guint) lrint (wrap_angle (m->angle) / fmt->angle_unit) % fmt->angle_units;

      put_be16 (out, type << 14 | x);
      put_be16 (out, y);
      put_u8 (out, angle);
      put_u8 (out, MAX (m->reliability, 1));
    }
  if (n_cores + n_deltas > 0)
    {
      /* Core and delta block with angles (information type 01). */
      guint block_len = 4 + 1 + n_cores * 5 + 1 + n_deltas * 7;

      put_be16 (out, block_len);
      put_be16 (out, 0x0002);
      put_be16 (out, block_len);
      for (int pass = 0; pass < 2; pass++)
        {
          guint want = pass == 0 ? RL_SINGULARITY_CORE : RL_SINGULARITY_DELTA;
          guint count = pass == 0 ? n_cores : n_deltas, written = 0;

          put_u8 (out, 1u << 6 | count);
          for (guint i = 0; i < tpl->n_singularities && written < count; i++)
            {
              const RlSingularity *s = &tpl->singularities[i];
              guint angle = (guint) lrint (wrap_angle (s->angle) / fmt->angle_unit) % fmt->angle_units;

              if (s->kind != want)
                continue;
              put_be16 (out, (guint) CLAMP (lrintf (s->x), 0, 0x3FFF) | 1u << 14);
              put_be16 (out, (guint) CLAMP (lrintf (s->y), 0, 0x3FFF));
              put_u8 (out, angle);
              if (pass == 1)
                {
                  put_u8 (out, angle);
                  put_u8 (out, angle);
                }
              written++;
            }
        }
    }
  else
    put_be16 (out, 0);

  if (fmt->ansi)
    {
      /* 255 minutiae and 126 singularities always fit the 2-byte short form. */
      g_assert (out->len <= 0xFFFF);
      out->data[len_at] = (guint8) (out->len >> 8);
      out->data[len_at + 1] = (guint8) out->len;
    }
  else
    {
      out->data[len_at] = (guint8) (out->len >> 24);
      out->data[len_at + 1] = (guint8) (out->len >> 16);
      out->data[len_at + 2] = (guint8) (out->len >> 8);
      out->data[len_at + 3] = (guint8) out->len;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

RlTemplate *
rl_template_from_iso19794_2 (const guint8 *data, gsize len, GError **error)
{
  return std_read (data, len, &iso_format, error);
}

GBytes *
rl_template_to_iso19794_2 (const RlTemplate *tpl, GError **error)
{
  g_return_val_if_fail (tpl != NULL, NULL);
  return std_write (tpl, &iso_format, error);
}

RlTemplate *
rl_template_from_ansi378 (const guint8 *data, gsize len, GError **error)
{
  return std_read (data, len, &ansi_format, error);
}

GBytes *
rl_template_to_ansi378 (const RlTemplate *tpl, GError **error)
{
  g_return_val_if_fail (tpl != NULL, NULL);
  return std_write (tpl, &ansi_format, error);
}

/* ------------------------------------------------------------------------ */

RlTemplateFormat
rl_template_detect_format (const guint8 *data, gsize len)
{
  if (len >= 4 && memcmp (data, "RLT", 3) == 0)
    return RL_TEMPLATE_FORMAT_RIDGELINE;
  if (len < 12 || memcmp (data, "FMR\0 20\0", 8) != 0)
    return RL_TEMPLATE_FORMAT_UNKNOWN;
  /* ISO keeps a 4-byte length at offset 8, ANSI a 2-byte one (or 0 + 4 bytes). */
  if (((guint32) data[8] << 24 | (guint32) data[9] << 16 | (guint32) data[10] << 8 | data[11]) == len)
    return RL_TEMPLATE_FORMAT_ISO19794_2;
  if ((gsize) (data[8] << 8 | data[9]) == len)
    return RL_TEMPLATE_FORMAT_ANSI378;
  if (len >= 14 && data[8] == 0 && data[9] == 0
      && ((guint32) data[10] << 24 | (guint32) data[11] << 16 | (guint32) data[12] << 8 | data[13]) == len)
    return RL_TEMPLATE_FORMAT_ANSI378;
  /* A length that fits neither: let the ISO reader name the problem. */
  return RL_TEMPLATE_FORMAT_ISO19794_2;
}

RlTemplate *
rl_template_from_data (const guint8 *data, gsize len, GError **error)
{
  switch (rl_template_detect_format (data, len))
    {
    case RL_TEMPLATE_FORMAT_RIDGELINE:
      return rl_template_deserialize (data, len, error);
    case RL_TEMPLATE_FORMAT_ISO19794_2:
      return rl_template_from_iso19794_2 (data, len, error);
    case RL_TEMPLATE_FORMAT_ANSI378:
      return rl_template_from_ansi378 (data, len, error);
    case RL_TEMPLATE_FORMAT_UNKNOWN:
    default:
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_FORMAT,
                   len == 0 ? _("The template is empty")
                            : _("Not a fingerprint template (neither Ridgeline, ISO/IEC 19794-2 nor ANSI INCITS 378)"));
      return NULL;
    }
}

RlTemplate *
rl_template_load (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  GStatBuf st;
  RlTemplate *tpl;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_stat (path, &st) == 0 && st.st_size > RL_TEMPLATE_MAX_FILE)
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_TOO_LARGE,
                   _("“%s” is %" G_GINT64_FORMAT " bytes, too large for a template"), path, (gint64) st.st_size);
      return NULL;
    }
  if (!g_file_get_contents (path, &contents, &len, &local))
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO, "%s", local->message);
      return NULL;
    }
  tpl = rl_template_from_data ((const guint8 *) contents, len, &local);
  if (tpl == NULL)
    {
      g_set_error (error, local->domain, local->code, "%s: %s", path, local->message);
      return NULL;
    }
  return tpl;
}

gboolean
rl_template_save (const RlTemplate *tpl, const char *path, RlTemplateFormat format, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (tpl != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  switch (format)
    {
    case RL_TEMPLATE_FORMAT_ISO19794_2:
      bytes = rl_template_to_iso19794_2 (tpl, error);
      break;
    case RL_TEMPLATE_FORMAT_ANSI378:
      bytes = rl_template_to_ansi378 (tpl, error);
      break;
    case RL_TEMPLATE_FORMAT_RIDGELINE:
    case RL_TEMPLATE_FORMAT_UNKNOWN:
    default:
      bytes = rl_template_serialize (tpl);
      break;
    }
  if (bytes == NULL)
    return FALSE;
  /* g_file_set_contents writes a temporary file and renames it: never half-written. */
  if (!g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &local))
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}
