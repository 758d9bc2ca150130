#define G_LOG_DOMAIN "rl-minutiae"

/* Minutiae from the ridge skeleton: crossing number, direction by tracing
 * the ridge and snapping to the orientation field, then the removal of the
 * false minutiae that noise, scars and the print's edge leave behind. */

#include <math.h>
#include <string.h>

#include "rl-extract-private.h"

/* How far (pixels) a ridge is followed to measure a minutia's direction. */
#define DIR_STEPS 10
/* Minutiae closer than this to the print's edge are the edge cutting ridges. */
#define EDGE_MARGIN 8
/* Below this local quality (0..100) a minutia is more likely noise. */
#define MIN_QUALITY 30

/* Ring offsets, clockwise from N, matching the neighbourhood bit order. */
static const int DX[8] = { 0, 1, 1, 1, 0, -1, -1, -1 };
static const int DY[8] = { -1, -1, 0, 1, 1, 1, 0, -1 };

typedef struct {
  int      x, y;
  int      kind;         /* 1 ending, 3 bifurcation (crossing number) */
  float    angle;        /* image coordinates (y down), [0, 2π) */
  int      removed;      /* 0: kept, else the Removal that took it out */
} Candidate;

/* Why a candidate was dropped (counted in the debug log for tuning). */
typedef enum {
  KEPT = 0,
  R_NO_BRANCH,
  R_SHORT_RIDGE,
  R_SPUR,
  R_BRIDGE,
  R_LAKE,
  R_BREAK,
  R_EDGE,
  R_LOW_QUALITY,
  R_CLUSTER,
  R_COUNT
} Removal;

static const char *removal_names[R_COUNT] = {
  "kept", "no branch", "short ridge", "spur", "bridge", "lake", "break", "edge", "low quality", "cluster",
};

#define REMOVE(cand, why) G_STMT_START { if (!(cand)->removed) (cand)->removed = (why); } G_STMT_END

typedef struct {
  int x, y;              /* where the trace stopped */
  int steps;
  int stop;              /* 0: ran its length or a dead end, 1: an ending, 3: a bifurcation */
  int dir_x, dir_y;      /* the point DIR_STEPS along (or the last one) */
} Trace;

static inline int
crossing_number (const uint8_t *s, int w, int x, int y)
{
  int t = 0;
  for (int k = 0; k < 8; k++)
    {
      int a = s[(y + DY[k]) * w + x + DX[k]];
      int b = s[(y + DY[(k + 1) % 8]) * w + x + DX[(k + 1) % 8]];
      t += (!a && b);
    }
  return t;
}

/* Follows the skeleton from (px, py) through (x, y) for at most max_steps,
 * stopping at the next minutia (a pixel whose crossing number is not 2). */
static void
trace_ridge (const uint8_t *s, const uint8_t *cn, int w, int h,
             int px, int py, int x, int y, int max_steps, Trace *t)
{
  int ppx = px, ppy = py;

  t->steps = 1;
  t->stop = 0;
  t->dir_x = x;
  t->dir_y = y;
  for (;;)
    {
      int c = cn[y * w + x];
      int nx = -1, ny = -1, fx = -1, fy = -1;

      if (t->steps <= DIR_STEPS)
        {
          t->dir_x = x;
          t->dir_y = y;
        }
      if (c != 2)
        {
          t->stop = c == 1 ? 1 : (c >= 3 ? 3 : 0);
          break;
        }
      if (t->steps >= max_steps || x <= 1 || y <= 1 || x >= w - 2 || y >= h - 2)
        break;
      for (int k = 0; k < 8; k++)
        {
          int qx = x + DX[k], qy = y + DY[k];
          if (!s[qy * w + qx] || (qx == px && qy == py) || (qx == ppx && qy == ppy))
            continue;
          /* Prefer the pixel that moves away from where we came from: a
           * neighbour of the previous pixel would be a shortcut back. */
          if (ABS (qx - px) <= 1 && ABS (qy - py) <= 1)
            {
              if (fx < 0)
                {
                  fx = qx;
                  fy = qy;
                }
              continue;
            }
          nx = qx;
          ny = qy;
          break;
        }
      if (nx < 0)
        {
          nx = fx;
          ny = fy;
        }
      if (nx < 0)
        break;
      ppx = px;
      ppy = py;
      px = x;
      py = y;
      x = nx;
      y = ny;
      t->steps++;
    }
  t->x = x;
  t->y = y;
}

static float
angle_diff (float a, float b)  /* smallest |a − b| on the circle */
{
  float d = fmodf (fabsf (a - b), (float) (2 * G_PI));
  return d > (float) G_PI ? (float) (2 * G_PI) - d : d;
}

/* The branches leaving a pixel: one start pixel per run of set neighbours. */
static int
branch_starts (const uint8_t *s, int w, int x, int y, int *bx, int *by, int max)
{
  int n = 0;
  for (int k = 0; k < 8 && n < max; k++)
    {
      int prev = s[(y + DY[(k + 7) % 8]) * w + x + DX[(k + 7) % 8]];
      int cur = s[(y + DY[k]) * w + x + DX[k]];
      if (cur && !prev)
        {
          /* The run starts here; a 4-neighbour in the run is the better start. */
          int best = k;
          for (int j = k; j < k + 3; j++)
            {
              int kk = j % 8;
              if (!s[(y + DY[kk]) * w + x + DX[kk]])
                break;
              if (kk % 2 == 0)
                {
                  best = kk;
                  break;
                }
            }
          bx[n] = x + DX[best];
          by[n] = y + DY[best];
          n++;
        }
    }
  return n;
}

static float
block_period (const RlExtractCtx *c, int x, int y)
{
  return c->period[(y / RL_BLOCK) * c->bw + x / RL_BLOCK];
}

GArray *
rl_minutiae_detect (RlExtractCtx *c)
{
  int w = c->w, h = c->h;
  const uint8_t *s = c->skel;
  g_autofree uint8_t *cn = g_new0 (uint8_t, (gsize) w * h);
  g_autofree int *at = g_new (int, (gsize) w * h);   /* pixel → candidate index + 1 */
  g_autoptr(GArray) cand = g_array_new (FALSE, FALSE, sizeof (Candidate));
  GArray *out = g_array_new (FALSE, FALSE, sizeof (RlMinutia));

  memset (at, 0, sizeof (int) * w * h);
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++)
      if (s[y * w + x])
        cn[y * w + x] = (uint8_t) crossing_number (s, w, x, y);

  for (int y = 2; y < h - 2; y++)
    for (int x = 2; x < w - 2; x++)
      {
        int k = cn[y * w + x];
        Candidate m = { x, y, k, 0, KEPT };
        if (!s[y * w + x] || (k != 1 && k != 3))
          continue;
        g_array_append_val (cand, m);
        at[y * w + x] = cand->len;
      }

  /* Directions, and the false minutiae the ridge structure betrays. */
  for (guint i = 0; i < cand->len; i++)
    {
      Candidate *m = &g_array_index (cand, Candidate, i);
      float period = block_period (c, m->x, m->y);
      int bx[4], by[4], nb;

      nb = branch_starts (s, w, m->x, m->y, bx, by, 4);
      if (m->kind == 1)
        {
          Trace t;
          Candidate *o;
          if (nb < 1)
            {
              REMOVE (m, R_NO_BRANCH);
              continue;
            }
          trace_ridge (s, cn, w, h, m->x, m->y, bx[0], by[0], (int) (2.0f * period), &t);
          m->angle = rl_wrap_2pi (atan2f ((float) (t.dir_y - m->y), (float) (t.dir_x - m->x)));
          o = at[t.y * w + t.x] ? &g_array_index (cand, Candidate, at[t.y * w + t.x] - 1) : NULL;
          if (t.stop == 1 && t.steps < 0.8f * period)
            {
              /* A short ridge or a speck: both its ends are false. */
              REMOVE (m, R_SHORT_RIDGE);
              if (o)
                REMOVE (o, R_SHORT_RIDGE);
            }
          else if (t.stop == 3 && t.steps < 0.5f * period)
            {
              /* A spur off a ridge: the ending and its bifurcation are false. */
              REMOVE (m, R_SPUR);
              if (o)
                REMOVE (o, R_SPUR);
            }
        }
      else
        {
          Trace t[4];
          float a[4];
          float best = 10;
          int bi = 0, bj = 1;
          if (nb != 3)
            {
              REMOVE (m, R_NO_BRANCH);
              continue;
            }
          for (int b = 0; b < 3; b++)
            {
              Candidate *o;
              trace_ridge (s, cn, w, h, m->x, m->y, bx[b], by[b], (int) (3.0f * period), &t[b]);
              a[b] = atan2f ((float) (t[b].dir_y - m->y), (float) (t[b].dir_x - m->x));
              o = at[t[b].y * w + t[b].x] ? &g_array_index (cand, Candidate, at[t[b].y * w + t[b].x] - 1) : NULL;
              if (t[b].stop == 3 && t[b].steps < 0.8f * period)
                {
                  /* A bridge between two ridges. */
                  REMOVE (m, R_BRIDGE);
                  if (o)
                    REMOVE (o, R_BRIDGE);
                }
            }
          /* A small lake (an island in a ridge): two branches meet again at
           * one bifurcation. */
          for (int p = 0; p < 3; p++)
            for (int q = p + 1; q < 3; q++)
              if (t[p].stop == 3 && t[q].stop == 3 &&
                  ABS (t[p].x - t[q].x) <= 1 && ABS (t[p].y - t[q].y) <= 1)
                {
                  Candidate *o = at[t[p].y * w + t[p].x] ? &g_array_index (cand, Candidate, at[t[p].y * w + t[p].x] - 1) : NULL;
                  REMOVE (m, R_LAKE);
                  if (o)
                    REMOVE (o, R_LAKE);
                }
          /* The two branches closest in direction are the fork; the minutia
           * points between them. */
          for (int p = 0; p < 3; p++)
            for (int q = p + 1; q < 3; q++)
              {
                float d = angle_diff (a[p], a[q]);
                if (d < best)
                  {
                    best = d;
                    bi = p;
                    bj = q;
                  }
              }
          m->angle = rl_wrap_2pi (atan2f (sinf (a[bi]) + sinf (a[bj]), cosf (a[bi]) + cosf (a[bj])));
        }
    }

  /* Snap to the smoothed ridge orientation: the traced sense decides which
   * way along it the minutia points. */
  for (guint i = 0; i < cand->len; i++)
    {
      Candidate *m = &g_array_index (cand, Candidate, i);
      float o, o2, period;
      if (m->removed)
        continue;
      rl_enhance_field_at (c, m->x + 0.5f, m->y + 0.5f, &o, &period);
      o2 = o + (float) G_PI;
      m->angle = angle_diff (m->angle, o) <= angle_diff (m->angle, o2) ? o : rl_wrap_2pi (o2);
    }

  /* Broken ridges: two endings facing each other across a short gap, in
   * line with the ridge flow. */
  for (guint i = 0; i < cand->len; i++)
    {
      Candidate *m = &g_array_index (cand, Candidate, i);
      float period = block_period (c, m->x, m->y);
      if (m->removed || m->kind != 1)
        continue;
      for (guint j = i + 1; j < cand->len; j++)
        {
          Candidate *o = &g_array_index (cand, Candidate, j);
          float dx, dy, d, link;
          if (o->kind != 1 || o->removed)
            continue;
          dy = (float) (o->y - m->y);
          if (dy > 2.0f * period)
            break;   /* candidates are in raster order */
          dx = (float) (o->x - m->x);
          d = sqrtf (dx * dx + dy * dy);
          if (d > 2.0f * period)
            continue;
          if (angle_diff (angle_diff (m->angle, o->angle), (float) G_PI) > (float) (G_PI / 4))
            continue;
          /* m points back along its ridge, so the gap lies opposite to it. */
          link = atan2f (dy, dx);
          if (d > 3 && angle_diff (link, m->angle + (float) G_PI) > (float) (G_PI / 4))
            continue;
          REMOVE (m, R_BREAK);
          REMOVE (o, R_BREAK);
          break;
        }
    }

  /* The print's edge, low-quality areas and tight clusters. */
  for (guint i = 0; i < cand->len; i++)
    {
      Candidate *m = &g_array_index (cand, Candidate, i);
      int bq = c->bquality[(m->y / RL_BLOCK) * c->bw + m->x / RL_BLOCK];
      if (m->removed)
        continue;
      if (c->border_dist[m->y * w + m->x] < EDGE_MARGIN)
        REMOVE (m, R_EDGE);
      else if (bq < MIN_QUALITY)
        REMOVE (m, R_LOW_QUALITY);
    }
  {
    g_autofree int *close = g_new0 (int, cand->len);
    for (guint i = 0; i < cand->len; i++)
      {
        Candidate *m = &g_array_index (cand, Candidate, i);
        if (m->removed)
          continue;
        for (guint j = i + 1; j < cand->len; j++)
          {
            Candidate *o = &g_array_index (cand, Candidate, j);
            int dx, dy;
            if (o->removed)
              continue;
            dy = o->y - m->y;
            if (dy > 16)
              break;
            dx = o->x - m->x;
            if (dx * dx + dy * dy <= 16 * 16)
              {
                close[i]++;
                close[j]++;
              }
            if (dx * dx + dy * dy <= 5 * 5)
              {
                /* Two minutiae this close are one defect, not two features. */
                close[i] += 10;
                close[j] += 10;
              }
          }
      }
    for (guint i = 0; i < cand->len; i++)
      if (close[i] >= 3)
        REMOVE (&g_array_index (cand, Candidate, i), R_CLUSTER);
  }

  for (guint i = 0; i < cand->len; i++)
    {
      const Candidate *m = &g_array_index (cand, Candidate, i);
      RlMinutia r = { 0 };
      int bq;
      if (m->removed)
        continue;
      bq = c->bquality[(m->y / RL_BLOCK) * c->bw + m->x / RL_BLOCK];
      r.x = (float) m->x;
      r.y = (float) m->y;
      /* Image coordinates have y down; the template's angles have y up. */
      r.angle = rl_wrap_2pi (-m->angle);
      r.kind = m->kind == 1 ? RL_MINUTIA_ENDING : RL_MINUTIA_BIFURCATION;
      r.reliability = (uint8_t) CLAMP (bq, 1, 100);
      g_array_append_val (out, r);
    }
  {
    int counts[R_COUNT] = { 0 };
    g_autoptr(GString) msg = g_string_new (NULL);
    for (guint i = 0; i < cand->len; i++)
      counts[g_array_index (cand, Candidate, i).removed]++;
    for (int r = 0; r < R_COUNT; r++)
      g_string_append_printf (msg, "%s%s %d", r ? ", " : "", removal_names[r], counts[r]);
    g_debug ("minutiae candidates %u: %s", cand->len, msg->str);
  }
  return out;
}
