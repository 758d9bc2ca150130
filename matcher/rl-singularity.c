#define G_LOG_DOMAIN "rl-singularity"

/* Cores and deltas: the Poincaré index of the orientation field around a
 * ring of blocks is +π at a core (loop or whorl centre), −π at a delta. */

#include <math.h>
#include <string.h>

#include "rl-cv.h"
#include "rl-extract-private.h"

#define RING 2          /* ring radius in blocks */
#define MAX_CORES 2
#define MAX_DELTAS 2

typedef struct {
  int   kind;
  float sx, sy;         /* sum of block centres */
  int   n;
  float score;
} Cluster;

static float
wrap_half_pi (float d)  /* orientation difference into [−π/2, π/2) */
{
  while (d >= (float) G_PI_2)
    d -= (float) G_PI;
  while (d < -(float) G_PI_2)
    d += (float) G_PI;
  return d;
}

static int
cmp_cluster (const void *a, const void *b)
{
  const Cluster *x = a, *y = b;
  return (y->score > x->score) - (y->score < x->score);
}

GArray *
rl_singularities_detect (RlExtractCtx *c)
{
  int bw = c->bw, bh = c->bh, nb = bw * bh;
  g_autofree float *vx = g_new (float, nb);
  g_autofree float *vy = g_new (float, nb);
  g_autofree float *o = g_new (float, nb);
  g_autofree int8_t *idx = g_new0 (int8_t, nb);
  g_autofree int *label = g_new0 (int, nb);
  g_autoptr(GArray) clusters = g_array_new (FALSE, TRUE, sizeof (Cluster));
  GArray *out = g_array_new (FALSE, FALSE, sizeof (RlSingularity));
  int ring_x[8 * RING], ring_y[8 * RING], nr = 0;
  int ncores = 0, ndeltas = 0;
  char err[128];

  /* A smoother field than the one the filters use: singular points are
   * large-scale features and noise makes spurious ones. */
  for (int k = 0; k < nb; k++)
    {
      float wgt = c->bmask[k] ? c->coherence[k] : 0.0f;
      vx[k] = wgt * cosf (2 * c->orient[k]);
      vy[k] = wgt * sinf (2 * c->orient[k]);
    }
  rl_cv_gaussian_blur_f32 (vx, bw, bh, 1.5, err, sizeof err);
  rl_cv_gaussian_blur_f32 (vy, bw, bh, 1.5, err, sizeof err);
  for (int k = 0; k < nb; k++)
    o[k] = rl_wrap_pi (0.5f * atan2f (vy[k], vx[k]));

  /* The ring, counter-clockwise in the image frame (x right, y down). */
  for (int i = -RING; i < RING; i++) { ring_x[nr] = i; ring_y[nr++] = -RING; }
  for (int i = -RING; i < RING; i++) { ring_x[nr] = RING; ring_y[nr++] = i; }
  for (int i = RING; i > -RING; i--) { ring_x[nr] = i; ring_y[nr++] = RING; }
  for (int i = RING; i > -RING; i--) { ring_x[nr] = -RING; ring_y[nr++] = i; }

  for (int by = RING; by < bh - RING; by++)
    for (int bx = RING; bx < bw - RING; bx++)
      {
        float sum = 0;
        gboolean inside = TRUE;
        int cx = bx * RL_BLOCK + RL_BLOCK / 2, cy = by * RL_BLOCK + RL_BLOCK / 2;
        if (c->border_dist[cy * c->w + cx] < 2 * RL_BLOCK)
          continue;
        for (int r = 0; r < nr && inside; r++)
          {
            int k = (by + ring_y[r]) * bw + bx + ring_x[r];
            int k2 = (by + ring_y[(r + 1) % nr]) * bw + bx + ring_x[(r + 1) % nr];
            inside = c->bmask[k] && c->bmask[k2];
            sum += wrap_half_pi (o[k2] - o[k]);
          }
        if (!inside)
          continue;
        if (fabsf (sum - (float) G_PI) < 0.5f)
          idx[by * bw + bx] = 1;
        else if (fabsf (sum + (float) G_PI) < 0.5f)
          idx[by * bw + bx] = -1;
      }

  /* Group neighbouring detections of one kind. */
  for (int k = 0; k < nb; k++)
    {
      int stack_top = 0;
      g_autofree int *stack = NULL;
      Cluster cl = { 0 };
      if (!idx[k] || label[k])
        continue;
      stack = g_new (int, nb);
      g_array_append_val (clusters, cl);
      label[k] = clusters->len;
      stack[stack_top++] = k;
      cl.kind = idx[k] > 0 ? RL_SINGULARITY_CORE : RL_SINGULARITY_DELTA;
      while (stack_top > 0)
        {
          int q = stack[--stack_top], qx = q % bw, qy = q / bw;
          cl.sx += qx * RL_BLOCK + RL_BLOCK / 2.0f;
          cl.sy += qy * RL_BLOCK + RL_BLOCK / 2.0f;
          cl.n++;
          cl.score += c->coherence[q] + 0.5f;
          for (int j = -1; j <= 1; j++)
            for (int i = -1; i <= 1; i++)
              {
                int nx = qx + i, ny = qy + j, nk;
                if (nx < 0 || ny < 0 || nx >= bw || ny >= bh)
                  continue;
                nk = ny * bw + nx;
                if (idx[nk] == idx[k] && !label[nk])
                  {
                    label[nk] = clusters->len;
                    stack[stack_top++] = nk;
                  }
              }
        }
      g_array_index (clusters, Cluster, clusters->len - 1) = cl;
    }
  if (clusters->len > 1)
    qsort (clusters->data, clusters->len, sizeof (Cluster), cmp_cluster);

  for (guint i = 0; i < clusters->len; i++)
    {
      const Cluster *cl = &g_array_index (clusters, Cluster, i);
      RlSingularity sg = { 0 };
      float ax = 0, ay = 0;
      int cbx, cby;
      if (cl->kind == RL_SINGULARITY_CORE ? ncores >= MAX_CORES : ndeltas >= MAX_DELTAS)
        continue;
      sg.x = cl->sx / cl->n;
      sg.y = cl->sy / cl->n;
      sg.kind = cl->kind;
      sg.reliability = (uint8_t) CLAMP (40 + 15 * cl->n, 0, 100);
      /* A core points to where its loop opens: there the ridges run along
       * the radius, around the loop's head across it. */
      cbx = (int) sg.x / RL_BLOCK;
      cby = (int) sg.y / RL_BLOCK;
      for (int r = 0; r < nr; r++)
        {
          int k = (cby + ring_y[r]) * bw + cbx + ring_x[r];
          float phi, wgt;
          if (cbx + ring_x[r] < 0 || cby + ring_y[r] < 0 || cbx + ring_x[r] >= bw || cby + ring_y[r] >= bh)
            continue;
          phi = atan2f ((float) ring_y[r], (float) ring_x[r]);
          wgt = cosf (2 * (o[k] - phi));
          ax += wgt * cosf (phi);
          ay += wgt * sinf (phi);
        }
      sg.angle = rl_wrap_2pi (-atan2f (ay, ax));   /* y up, as minutiae */
      g_array_append_val (out, sg);
      if (cl->kind == RL_SINGULARITY_CORE)
        ncores++;
      else
        ndeltas++;
    }
  return out;
}
