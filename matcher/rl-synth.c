/* rl-synth.c — synthetic fingerprint generator (see rl-synth.h).
 *
 * Pipeline of a master finger, after SFinGe:
 *   class → singularities → orientation field (zero-pole + fingertip arching)
 *   → ridge-period map → silhouette → ridges grown from random seeds by
 *   iterative Gabor filtering tuned to the local orientation and period.
 * An impression warps the master pattern (rigid + elastic), applies pressure,
 * contact shape, sensor grey levels, blur and noise.
 *
 * Internal angles: θ is the ridge direction, radians, counter-clockwise with
 * y up (as rl-types.h), so in image coordinates (y down) the ridge runs along
 * (cos θ, -sin θ).
 */
#define G_LOG_DOMAIN "rl-synth"

#include "rl-synth.h"

#include <math.h>
#include <string.h>

#define W RL_SYNTH_WIDTH
#define H RL_SYNTH_HEIGHT

/* ---------------------------------------------------------------------------
 * Deterministic random numbers: splitmix64 to seed xoshiro256**. Never rand():
 * the same seed must give the same print on every run. */

typedef struct { guint64 s[4]; } Rng;

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void
rng_init (Rng *r, guint64 seed)
{
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64 (&seed);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
rng_next (Rng *r)
{
  guint64 *s = r->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

static double
rng_uniform (Rng *r)
{
  return (double) (rng_next (r) >> 11) * 0x1.0p-53;
}

static double
rng_range (Rng *r, double a, double b)
{
  return a + (b - a) * rng_uniform (r);
}

static double
rng_gauss (Rng *r)
{
  double u1 = 1.0 - rng_uniform (r);
  double u2 = rng_uniform (r);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static double
clampd (double v, double lo, double hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

static inline float
clampf (float v, float lo, float hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

static inline float
smoothstep (float e0, float e1, float x)
{
  float t = clampf ((x - e0) / (e1 - e0), 0.f, 1.f);
  return t * t * (3.f - 2.f * t);
}

/* ---------------------------------------------------------------------------
 * Value noise: random values on a coarse grid, smoothly interpolated. Used for
 * every low-frequency variation (orientation wobble, period, pressure, skin
 * distortion, blotches), so each costs a few flops per pixel. */

typedef struct {
  int    gw, gh;
  float  inv_cell;
  float *v;
} Noise;

static void
noise_init (Noise *n, Rng *r, float cell)
{
  n->inv_cell = 1.f / cell;
  n->gw = (int) ceilf ((W + 2 * cell) / cell) + 3;
  n->gh = (int) ceilf ((H + 2 * cell) / cell) + 3;
  n->v = g_new (float, (gsize) n->gw * n->gh);
  for (int i = 0; i < n->gw * n->gh; i++)
    n->v[i] = (float) rng_range (r, -1.0, 1.0);
}

static void
noise_clear (Noise *n)
{
  g_clear_pointer (&n->v, g_free);
}

/* Smooth (C1) interpolation of the grid; points off the canvas clamp to its border cells. */
static inline float
noise_at (const Noise *n, float x, float y)
{
  float fx = clampf (x * n->inv_cell + 1.5f, 0.f, (float) n->gw - 2.001f);
  float fy = clampf (y * n->inv_cell + 1.5f, 0.f, (float) n->gh - 2.001f);
  int ix = (int) fx, iy = (int) fy;
  float tx = fx - ix, ty = fy - iy;
  const float *p = n->v + iy * n->gw + ix;

  tx = tx * tx * (3.f - 2.f * tx);
  ty = ty * ty * (3.f - 2.f * ty);
  return (p[0] * (1.f - tx) + p[1] * tx) * (1.f - ty)
       + (p[n->gw] * (1.f - tx) + p[n->gw + 1] * tx) * ty;
}

/* ---------------------------------------------------------------------------
 * The master finger. */

#define MAX_SINGULARITIES 4

struct _RlSynthFinger {
  guint64          seed;
  RlFingerPosition position;
  RlSynthClass     klass;

  /* Silhouette: SFinGe's four quarter-ellipses around a central band. */
  float cx, cy;                 /* centre of the central band */
  float left, right;            /* half-widths */
  float top, bottom;            /* semi-axes of the top / bottom ellipses */
  float band;                   /* half-height of the central band */

  /* Singularities driving the orientation field (some may lie off the skin). */
  guint         n_model;
  RlSingularity model[MAX_SINGULARITIES];
  guint         n_visible;
  RlSingularity visible[MAX_SINGULARITIES];

  float theta0;                 /* far-field ridge direction */
  float loop_stretch;           /* vertical elongation of loops */
  float arch_height, arch_width;  /* arch class: bump of the ridges */
  float tip_weight;             /* fingertip arching above the cores */
  float top_sing_y;             /* highest singularity (image y) */
  Noise orient_noise;
  float orient_wobble;

  float period0;
  Noise period_noise, period_detail;
  float period_mean;

  float *silhouette;            /* W*H, 1 on skin, soft edge */
  float *ridges;                /* W*H, [-1, 1], > 0 on a ridge; grown on first use */
  guint64 grow_seed;
  gsize   ridges_ready;
};

const char *
rl_synth_class_to_string (RlSynthClass klass)
{
  switch (klass)
    {
    case RL_SYNTH_CLASS_ARCH: return "arch";
    case RL_SYNTH_CLASS_TENTED_ARCH: return "tented arch";
    case RL_SYNTH_CLASS_LEFT_LOOP: return "left loop";
    case RL_SYNTH_CLASS_RIGHT_LOOP: return "right loop";
    case RL_SYNTH_CLASS_WHORL: return "whorl";
    default: return "unknown";
    }
}

/* Class frequencies (Wilson, Watson and Paek's NIST figures used by SFinGe:
 * arch 3.7 %, tented arch 2.9 %, left loop 33.8 %, right loop 31.7 %,
 * whorl 27.9 %), leaning loops towards the ulnar side of the hand the
 * finger is on (right hand → right loops), more whorls on thumbs and ring
 * fingers and more arches on index fingers, as in population studies. */
static RlSynthClass
pick_class (Rng *r, RlFingerPosition position)
{
  double p[5] = { 3.7, 2.9, 33.8, 31.7, 27.9 };
  double u, total = 0;
  gboolean right_hand = position >= RL_FINGER_RIGHT_THUMB && position <= RL_FINGER_RIGHT_LITTLE;
  gboolean left_hand = position >= RL_FINGER_LEFT_THUMB && position <= RL_FINGER_LEFT_LITTLE;
  int digit = right_hand ? position : left_hand ? position - 5 : 0;

  if (right_hand)
    { p[3] += 20; p[2] -= 20; }
  else if (left_hand)
    { p[2] += 20; p[3] -= 20; }
  if (digit == 1 || digit == 4)
    p[4] += 12;
  if (digit == 2)
    { p[0] += 3; p[1] += 4; }
  for (int i = 0; i < 5; i++)
    total += p[i];
  u = rng_uniform (r) * total;
  for (int i = 0; i < 5; i++)
    {
      if (u < p[i])
        return (RlSynthClass) i;
      u -= p[i];
    }
  return RL_SYNTH_CLASS_WHORL;
}

static void
add_singularity (RlSynthFinger *f, RlSingularityKind kind, double x, double y)
{
  RlSingularity *s = &f->model[f->n_model++];

  s->x = (float) x;
  s->y = (float) y;
  s->kind = kind;
  s->reliability = 100;
  s->angle = 0;
}

static void
place_singularities (RlSynthFinger *f, Rng *r)
{
  double cx = f->cx + rng_gauss (r) * 10;
  double cy = f->cy - 25 + rng_gauss (r) * 18;
  double dx, dy;

  /* One random draw per statement: the order in which a call's arguments
   * are evaluated is unspecified, and must not change the print between
   * compilers. */

  switch (f->klass)
    {
    case RL_SYNTH_CLASS_ARCH:
      break;
    case RL_SYNTH_CLASS_TENTED_ARCH:
      add_singularity (f, RL_SINGULARITY_CORE, cx, cy);
      dx = rng_gauss (r) * 6;
      dy = rng_range (r, 45, 75);
      add_singularity (f, RL_SINGULARITY_DELTA, cx + dx, cy + dy);
      break;
    case RL_SYNTH_CLASS_LEFT_LOOP:
    case RL_SYNTH_CLASS_RIGHT_LOOP:
      {
        /* A left loop's ridges enter and leave on the left: its delta is on the right. */
        double side = f->klass == RL_SYNTH_CLASS_LEFT_LOOP ? 1.0 : -1.0;
        cx -= side * rng_range (r, 0, 20);
        add_singularity (f, RL_SINGULARITY_CORE, cx, cy);
        /* Core–delta distances of real loops range from a few ridges to
         * over twenty: a narrow range made every loop's minutiae fall in
         * the same places, and different fingers matched (docs/benchmarks.md). */
        dx = side * rng_range (r, 30, 140);
        dy = rng_range (r, 50, 180);
        add_singularity (f, RL_SINGULARITY_DELTA, cx + dx, cy + dy);
      }
      break;
    case RL_SYNTH_CLASS_WHORL:
      {
        double sep = rng_range (r, 12, 35), tilt = rng_gauss (r) * 8;
        add_singularity (f, RL_SINGULARITY_CORE, cx + tilt, cy - sep / 2);
        add_singularity (f, RL_SINGULARITY_CORE, cx - tilt, cy + sep / 2);
        dx = rng_range (r, 80, 120);
        dy = rng_range (r, 85, 135);
        add_singularity (f, RL_SINGULARITY_DELTA, cx - dx, cy + dy);
        dx = rng_range (r, 80, 120);
        dy = rng_range (r, 85, 135);
        add_singularity (f, RL_SINGULARITY_DELTA, cx + dx, cy + dy);
      }
      break;
    default:
      break;
    }
}

/* Normalised radius of the silhouette: < 1 on the skin. */
static float
silhouette_radius (const RlSynthFinger *f, float x, float y)
{
  float dx = x - f->cx, dy = y - f->cy;
  float rx = dx < 0 ? f->left : f->right;

  if (dy < -f->band)
    {
      float ey = (dy + f->band) / f->top;
      return sqrtf ((dx / rx) * (dx / rx) + ey * ey);
    }
  if (dy > f->band)
    {
      float ey = (dy - f->band) / f->bottom;
      return sqrtf ((dx / rx) * (dx / rx) + ey * ey);
    }
  return fabsf (dx / rx);
}

gboolean
rl_synth_finger_contains (const RlSynthFinger *finger, float x, float y)
{
  g_return_val_if_fail (finger != NULL, FALSE);
  return silhouette_radius (finger, x, y) < 1.f;
}

/* Ridge direction of the zero-pole model (Sherlock and Monro): each core adds
 * half the angle under which it is seen, each delta subtracts it. Loops are
 * stretched vertically (distances to cores measured with y shrunk) so that
 * they look elongated as in real prints rather than round. */
static void
zero_pole (const RlSynthFinger *f, float x, float y, float *c2, float *s2)
{
  double sum = f->theta0;

  for (guint i = 0; i < f->n_model; i++)
    {
      const RlSingularity *s = &f->model[i];
      double dx = x - s->x, dy = -(y - s->y);

      if (s->kind == RL_SINGULARITY_CORE)
        sum += 0.5 * atan2 (dy * f->loop_stretch, dx);
      else
        sum -= 0.5 * atan2 (dy, dx);
    }
  *c2 = (float) cos (2 * sum);
  *s2 = (float) sin (2 * sum);
}

/* Arch class: horizontal ridges with a bump in the middle, flattening
 * towards the bottom of the finger. */
static float
arch_direction (const RlSynthFinger *f, float x, float y)
{
  float u = (x - f->cx) / f->arch_width;
  float a = f->arch_height * clampf (1.f - (y - (f->cy - 40)) / 200.f, 0.1f, 1.3f);
  /* Ridge y_up = a·exp(-u²/2) → slope = -a·u·exp(-u²/2) / width (in units of width). */
  return atanf (-a * u * expf (-0.5f * u * u));
}

static float
wrap_pi (double t)
{
  t = fmod (t, G_PI);
  if (t < 0)
    t += G_PI;
  if (t >= G_PI)
    t = 0;
  return (float) t;
}

float
rl_synth_finger_orientation_at (const RlSynthFinger *f, float x, float y)
{
  float c2, s2, w;

  g_return_val_if_fail (f != NULL, 0.f);

  if (f->klass == RL_SYNTH_CLASS_ARCH)
    {
      float t = arch_direction (f, x, y);
      c2 = cosf (2 * t);
      s2 = sinf (2 * t);
    }
  else
    zero_pole (f, x, y, &c2, &s2);

  /* Fingertip correction: far above the cores the zero-pole field goes flat,
   * while real ridges arch over the fingertip, parallel to its outline.
   * Blend in the tangent of the silhouette's top ellipse there. */
  w = f->tip_weight * smoothstep (0.f, 110.f, f->top_sing_y - y);
  if (w > 0)
    {
      float dx = (x - f->cx) / (x < f->cx ? f->left : f->right);
      float dy = (f->cy + f->band - y) / (f->top + f->band);    /* y up */
      /* Tangent of the ellipse through (dx, dy): perpendicular to the gradient. */
      double t = atan2 (dy, dx) + G_PI / 2;
      c2 = (1 - w) * c2 + w * (float) cos (2 * t);
      s2 = (1 - w) * s2 + w * (float) sin (2 * t);
    }

  return wrap_pi (0.5 * atan2 (s2, c2) + f->orient_wobble * noise_at (&f->orient_noise, x, y));
}

float
rl_synth_finger_ridge_period_at (const RlSynthFinger *f, float x, float y)
{
  float r;

  g_return_val_if_fail (f != NULL, 0.f);
  /* Ridges are a little wider apart towards the tip and the crease than in
   * the middle of the pad, plus a slow individual variation. */
  r = silhouette_radius (f, x, y);
  return f->period0 * (1.f + 0.06f * clampf (r * r, 0.f, 1.5f) + 0.07f * noise_at (&f->period_noise, x, y)
                      + 0.30f * noise_at (&f->period_detail, x, y));
}

float
rl_synth_finger_get_ridge_period (const RlSynthFinger *finger)
{
  g_return_val_if_fail (finger != NULL, 0.f);
  return finger->period_mean;
}

RlSynthClass
rl_synth_finger_get_class (const RlSynthFinger *finger)
{
  g_return_val_if_fail (finger != NULL, RL_SYNTH_CLASS_ARCH);
  return finger->klass;
}

const RlSingularity *
rl_synth_finger_get_singularities (const RlSynthFinger *finger, guint *n)
{
  g_return_val_if_fail (finger != NULL, NULL);
  if (n != NULL)
    *n = finger->n_visible;
  return finger->n_visible ? finger->visible : NULL;
}

/* ---------------------------------------------------------------------------
 * Ridge growth by iterative contextual Gabor filtering.
 *
 * Kernels are precomputed per (orientation, period) bin. The image is
 * filtered in 8×8 blocks, each with the kernel of its centre: the inner loop
 * then runs over 8 contiguous floats per tap and vectorises. */

#define KR 7                        /* kernel radius */
#define KS (2 * KR + 1)
#define N_ORIENT 36
#define N_PERIOD 16
#define PERIOD_MIN 5.5f
#define PERIOD_STEP 0.5f
#define BLK 8
#define PAD 8                       /* ≥ KR, keeps rows aligned */
#define PW (W + 2 * PAD)
#define PH (BH * BLK + 2 * PAD)      /* whole blocks: the last block row reads past H */
#define BW ((W + BLK - 1) / BLK)
#define BH ((H + BLK - 1) / BLK)

static float gabor_bank[N_ORIENT][N_PERIOD][KS * KS];

static void
gabor_bank_init (void)
{
  for (int o = 0; o < N_ORIENT; o++)
    for (int p = 0; p < N_PERIOD; p++)
      {
        float theta = (float) (G_PI * o / N_ORIENT);
        float period = PERIOD_MIN + PERIOD_STEP * p;
        float *k = gabor_bank[o][p];
        /* Ridge direction in image coordinates and its normal. */
        float ux = cosf (theta), uy = -sinf (theta);
        float nx = -uy, ny = ux;
        float sa = 0.45f * period, sl = 4.6f;     /* σ across / along the ridges */
        double env_sum = 0, k_sum = 0, resp = 0;

        sa = clampf (sa, 2.8f, 4.2f);
        for (int j = -KR; j <= KR; j++)
          for (int i = -KR; i <= KR; i++)
            {
              float along = i * ux + j * uy, across = i * nx + j * ny;
              float env = expf (-0.5f * (across * across / (sa * sa) + along * along / (sl * sl)));
              float v = env * cosf (2.f * (float) G_PI * across / period);
              k[(j + KR) * KS + i + KR] = v;
              env_sum += env;
              k_sum += v;
            }
        /* Zero DC, so flat areas stay flat; unit response to a ridge wave of the tuned period. */
        for (int j = -KR; j <= KR; j++)
          for (int i = -KR; i <= KR; i++)
            {
              float across = i * nx + j * ny;
              float env = expf (-0.5f * (across * across / (sa * sa) + (i * ux + j * uy) * (i * ux + j * uy) / (sl * sl)));
              float *v = &k[(j + KR) * KS + i + KR];
              *v -= (float) (k_sum / env_sum) * env;
              resp += *v * cosf (2.f * (float) G_PI * across / period);
            }
        for (int i = 0; i < KS * KS; i++)
          k[i] /= (float) resp;
      }
}

static void
gabor_bank_ensure (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      gabor_bank_init ();
      g_once_init_leave (&done, 1);
    }
}

/* Breaks `n` ridges at random points on the skin of the grown pattern `a`
 * (padded, PW wide): each break clears a ridge for about a period along it,
 * two ridge endings facing each other. (Bridges across a valley were tried
 * too: square-on they make T-junctions whose direction is ambiguous, and
 * the ground truth's minutia directions then failed test-synth.) */
static void
add_ridge_breaks (const RlSynthFinger *f, Rng *r, float *a, const guint8 *mask, int n)
{
  for (int done = 0, tries = 0; done < n && tries < n * 20; tries++)
    {
      float px = (float) rng_range (r, 0, W), py = (float) rng_range (r, 0, H);
      float th, period, c, sn;
      gboolean on_ridge;
      int rad;

      if (silhouette_radius (f, px, py) > 0.9f)
        continue;
      th = rl_synth_finger_orientation_at (f, px, py);
      period = rl_synth_finger_ridge_period_at (f, px, py);
      c = cosf (th);
      sn = -sinf (th);     /* angles are y up, the image y down */
      on_ridge = a[(gsize) ((int) py + PAD) * PW + (int) px + PAD] > 0.5f;
      if (!on_ridge)
        continue;
      rad = (int) (period + 2);
      for (int y = MAX (0, (int) py - rad); y <= MIN (H - 1, (int) py + rad); y++)
        for (int x = MAX (0, (int) px - rad); x <= MIN (W - 1, (int) px + rad); x++)
          {
            float dx = x - px, dy = y - py, along = dx * c + dy * sn, across = -dx * sn + dy * c;

            if (!mask[y * W + x])
              continue;
            if (fabsf (along) < 0.6f * period && fabsf (across) < 0.35f * period)
              a[(gsize) (y + PAD) * PW + x + PAD] = -1.f;
          }
      done++;
    }
}

static void
grow_ridges (RlSynthFinger *f, Rng *r)
{
  g_autofree float *a = g_new0 (float, (gsize) PW * PH);
  g_autofree float *b = g_new0 (float, (gsize) PW * PH);
  g_autofree const float **kernel = g_new0 (const float *, BW * BH);
  g_autofree guint8 *inside = g_new0 (guint8, BW * BH);   /* block touches the growth area */
  g_autofree guint8 *alive = g_new0 (guint8, BW * BH);    /* block holds some signal */
  g_autofree guint8 *grow = g_new0 (guint8, BW * BH);
  g_autofree guint8 *changed = g_new0 (guint8, BW * BH);  /* block moved in the last round */
  g_autofree guint8 *fine = g_new0 (guint8, BW * BH);     /* one kernel per pixel */
  g_autofree const float **pixel_kernel = g_new0 (const float *, (gsize) W * H);
  g_autofree guint8 *mask = g_new0 (guint8, (gsize) W * H);
  g_autofree guint8 *has_skin = g_new0 (guint8, BW * BH);
  int n_seeds = 0, iterations = 16;

  gabor_bank_ensure ();

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        mask[y * W + x] = silhouette_radius (f, x + 0.5f, y + 0.5f) < 1.06f;
        has_skin[(y / BLK) * BW + x / BLK] |= silhouette_radius (f, x + 0.5f, y + 0.5f) < 1.0f;
      }

  for (int by = 0; by < BH; by++)
    for (int bx = 0; bx < BW; bx++)
      {
        float x = bx * BLK + BLK / 2.f, y = by * BLK + BLK / 2.f;
        float theta = rl_synth_finger_orientation_at (f, x, y);
        float period = rl_synth_finger_ridge_period_at (f, x, y);
        int o = (int) lroundf (theta / (float) G_PI * N_ORIENT) % N_ORIENT;
        int p = (int) clampf (lroundf ((period - PERIOD_MIN) / PERIOD_STEP), 0, N_PERIOD - 1);

        kernel[by * BW + bx] = gabor_bank[o][p];
        inside[by * BW + bx] = silhouette_radius (f, x, y) < 1.12f;
      }

  /* Around cores and deltas the orientation turns too fast for one kernel
   * per block: there every pixel gets its own (otherwise the ridges do not
   * close around the core and minutiae pile up next to it). */
  for (guint i = 0; i < f->n_model; i++)
    for (int by = 0; by < BH; by++)
      for (int bx = 0; bx < BW; bx++)
        {
          float dx = bx * BLK + BLK / 2.f - f->model[i].x, dy = by * BLK + BLK / 2.f - f->model[i].y;
          if (dx * dx + dy * dy > 36.f * 36.f || fine[by * BW + bx])
            continue;
          fine[by * BW + bx] = 1;
          for (int y = by * BLK; y < MIN (H, by * BLK + BLK); y++)
            for (int x = bx * BLK; x < bx * BLK + BLK; x++)
              {
                float theta = rl_synth_finger_orientation_at (f, x + 0.5f, y + 0.5f);
                float period = rl_synth_finger_ridge_period_at (f, x + 0.5f, y + 0.5f);
                int o = (int) lroundf (theta / (float) G_PI * N_ORIENT) % N_ORIENT;
                int p = (int) clampf (lroundf ((period - PERIOD_MIN) / PERIOD_STEP), 0, N_PERIOD - 1);
                pixel_kernel[y * W + x] = gabor_bank[o][p];
              }
        }

  /* Seeds: small random blobs, one per cell of a jittered grid so that the
   * growing fronts cover the finger evenly. Fewer seeds → longer ridges and
   * fewer minutiae; this spacing gives a few dozen minutiae per print. */
  {
    float cell = (float) rng_range (r, 62, 80);
    for (float gy = 0; gy < H; gy += cell)
      for (float gx = 0; gx < W; gx += cell)
        {
          int sx = (int) clampf (gx + (float) rng_uniform (r) * cell, 2, W - 3);
          int sy = (int) clampf (gy + (float) rng_uniform (r) * cell, 2, H - 3);
          float v = rng_uniform (r) < 0.5 ? -1.f : 1.f;
          if (!mask[sy * W + sx])
            continue;
          for (int j = -1; j <= 1; j++)
            for (int k = -1; k <= 1; k++)
              a[(sy + j + PAD) * PW + sx + k + PAD] = v;
          alive[(sy / BLK) * BW + sx / BLK] = 1;
          changed[(sy / BLK) * BW + sx / BLK] = 1;
          n_seeds++;
        }
  }

  (void) n_seeds;
  /* A fixed number of rounds, then more while some of the finger is still
   * unreached (a front can need longer to arrive in a corner). */
  for (int it = 0; it < iterations + 12; it++)
    {
      int unreached = 0, n_changed = 0;

      /* Gain above 1 and clamping make the pattern saturate to ±1 ridges and
       * valleys that grow outwards from the seeds by about a kernel radius
       * per step. */
      float gain = 2.5f;

      for (int i = 0; i < BW * BH; i++)
        {
          int bx = i % BW, by = i / BW;
          grow[i] = 0;
          if (!inside[i])
            continue;
          for (int j = -1; j <= 1 && !grow[i]; j++)
            for (int k = -1; k <= 1; k++)
              {
                int nx = bx + k, ny = by + j;
                if (nx >= 0 && ny >= 0 && nx < BW && ny < BH && changed[ny * BW + nx])
                  {
                    grow[i] = 1;
                    break;
                  }
              }
        }

      for (int by = 0; by < BH; by++)
        for (int bx = 0; bx < BW; bx++)
          {
            const float *k = kernel[by * BW + bx];
            float acc[BLK * BLK] = { 0 };
            int x0 = bx * BLK + PAD, y0 = by * BLK + PAD;
            gboolean any = FALSE;

            float change = 0;

            if (!grow[by * BW + bx])
              {
                /* Nothing changed around this block: it stays as it is. */
                for (int y = 0; y < BLK; y++)
                  memcpy (b + (gsize) (y0 + y) * PW + x0, a + (gsize) (y0 + y) * PW + x0, sizeof (float) * BLK);
                changed[by * BW + bx] = 0;
                continue;
              }
            if (fine[by * BW + bx])
              for (int y = 0; y < BLK && by * BLK + y < H; y++)
                for (int x = 0; x < BLK; x++)
                  {
                    const float *kp = pixel_kernel[(by * BLK + y) * W + bx * BLK + x];
                    const float *src = a + (gsize) (y0 + y - KR) * PW + x0 + x - KR;
                    float sum = 0;
                    for (int ky = 0; ky < KS; ky++)
                      for (int kx = 0; kx < KS; kx++)
                        sum += kp[ky * KS + kx] * src[ky * PW + kx];
                    acc[y * BLK + x] = sum;
                  }
            else
            for (int ky = 0; ky < KS; ky++)
              for (int kx = 0; kx < KS; kx++)
                {
                  float w = k[ky * KS + kx];
                  const float *src = a + (gsize) (y0 + ky - KR) * PW + x0 + kx - KR;
                  for (int y = 0; y < BLK; y++)
                    for (int x = 0; x < BLK; x++)
                      acc[y * BLK + x] += w * src[y * PW + x];
                }
            for (int y = 0; y < BLK; y++)
              {
                int iy = by * BLK + y;
                if (iy >= H)
                  break;
                for (int x = 0; x < BLK; x++)
                  {
                    int ix = bx * BLK + x;
                    float v;
                    if (ix >= W || !mask[iy * W + ix])
                      continue;
                    v = clampf (acc[y * BLK + x] * gain, -1.f, 1.f);
                    /* Where fronts of opposite phase cancel, nothing would
                     * ever grow back: kick such dead spots once the finger
                     * is covered. */
                    if ((it == 6 || it == 10) && fabsf (v) < 0.03f)
                      v = rng_uniform (r) < 0.5 ? -0.5f : 0.5f;
                    change = MAX (change, fabsf (v - a[(gsize) (iy + PAD) * PW + ix + PAD]));
                    b[(gsize) (iy + PAD) * PW + ix + PAD] = v;
                    any |= fabsf (v) > 0.02f;
                  }
              }
            alive[by * BW + bx] = any;
            changed[by * BW + bx] = change > 2e-3f;
            n_changed += changed[by * BW + bx];
          }
      { float *t = a; a = b; b = t; }
      for (int i = 0; i < BW * BH; i++)
        unreached += has_skin[i] && !alive[i];
      if ((it + 1 >= iterations && unreached == 0) || n_changed == 0)
        break;
    }

  /* Ridges break where the skin grew so, not only where the flow asks for
   * it: a few breaks (two ridge endings each) at random places. Minutiae the
   * flow alone makes sit in the same places on every finger of a class;
   * these make fingers individual. */
  add_ridge_breaks (f, r, a, mask, 15);

  /* The grown pattern is nearly a square wave. Soften its edges (binomial
   * blur, σ ≈ 1.4 px) so that a capture's pressure threshold can move ridge
   * edges smoothly: thinner ridges when dry, wider when pressed. */
  for (int pass = 0; pass < 2; pass++)
    {
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          {
            const float *p = a + (gsize) (y + PAD) * PW + x + PAD;
            b[(gsize) (y + PAD) * PW + x + PAD] = (p[-2] + 4 * p[-1] + 6 * p[0] + 4 * p[1] + p[2]) * (1.f / 16);
          }
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          {
            const float *p = b + (gsize) (y + PAD) * PW + x + PAD;
            a[(gsize) (y + PAD) * PW + x + PAD] = (p[-2 * PW] + 4 * p[-PW] + 6 * p[0] + 4 * p[PW] + p[2 * PW]) * (1.f / 16);
          }
    }
  f->ridges = g_new (float, (gsize) W * H);
  for (int y = 0; y < H; y++)
    memcpy (f->ridges + y * W, a + (gsize) (y + PAD) * PW + PAD, sizeof (float) * W);
}

/* The master ridge pattern, grown once, thread-safely, on first use. */
static const float *
finger_ridges (const RlSynthFinger *finger)
{
  RlSynthFinger *f = (RlSynthFinger *) finger;

  if (g_once_init_enter (&f->ridges_ready))
    {
      Rng r;
      rng_init (&r, f->grow_seed);
      grow_ridges (f, &r);
      g_once_init_leave (&f->ridges_ready, 1);
    }
  return f->ridges;
}

RlSynthFinger *
rl_synth_finger_new (guint64 seed, RlFingerPosition position)
{
  RlSynthFinger *f = g_new0 (RlSynthFinger, 1);
  guint64 mix = seed ^ ((guint64) position * 0xD1B54A32D192ED03ull);
  Rng r;
  double sum = 0;
  int count = 0;

  rng_init (&r, splitmix64 (&mix));
  f->seed = seed;
  f->position = position;
  f->klass = pick_class (&r, position);

  /* Fingertip outline: a plain impression of a fingertip at 500 ppi is about
   * 230–290 px wide and 300–400 px tall. */
  f->left = (float) rng_range (&r, 112, 140);
  f->right = (float) rng_range (&r, 112, 140);
  f->top = (float) rng_range (&r, 135, 175);
  f->bottom = (float) rng_range (&r, 100, 150);
  f->band = (float) rng_range (&r, 25, 70);
  f->cx = (float) (W / 2.0 + rng_gauss (&r) * 6);
  /* The tip near the top of the image; the lower phalanx may run off the
   * bottom edge, as on a live-scan platen. */
  f->cy = (float) (rng_range (&r, 30, 65) + f->top + f->band);

  place_singularities (f, &r);
  f->theta0 = (float) (rng_gauss (&r) * 0.06);
  f->loop_stretch = (float) (f->klass == RL_SYNTH_CLASS_WHORL ? rng_range (&r, 0.6, 0.85) : rng_range (&r, 0.75, 1.0));
  f->arch_height = (float) rng_range (&r, 0.5, 1.1);
  f->arch_width = (float) rng_range (&r, 45, 75);
  f->tip_weight = (float) rng_range (&r, 0.45, 0.8);
  f->top_sing_y = f->cy - 20;
  for (guint i = 0; i < f->n_model; i++)
    f->top_sing_y = MIN (f->top_sing_y, f->model[i].y);
  noise_init (&f->orient_noise, &r, 90);
  /* Each finger's own departure from its class's flow (up to ±0.25 rad). */
  f->orient_wobble = (float) rng_range (&r, 0.10, 0.25);

  /* Mean ridge period 0.4–0.5 mm: 7.8–9.8 px at 500 ppi. */
  f->period0 = (float) rng_range (&r, 7.6, 9.4);
  noise_init (&f->period_noise, &r, 110);
  /* Local changes of ridge spacing force ridges to end or fork: they spread
   * minutiae over the whole finger, not only where the flow diverges. (At
   * ±7 % over 36 px most minutiae were still where the class's flow
   * diverges, inside the loop, in the same places on every loop.) */
  noise_init (&f->period_detail, &r, 24);

  for (guint i = 0; i < f->n_model; i++)
    if (silhouette_radius (f, f->model[i].x, f->model[i].y) < 0.92f)
      {
        RlSingularity s = f->model[i];
        /* Direction: a core opens downwards (its ridges recurve around it),
         * a delta points to its three-way split; record the core's. */
        s.angle = s.kind == RL_SINGULARITY_CORE ? (float) (3 * G_PI / 2) : 0.f;
        f->visible[f->n_visible++] = s;
      }

  f->silhouette = g_new (float, (gsize) W * H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        float rad = silhouette_radius (f, x + 0.5f, y + 0.5f);
        f->silhouette[y * W + x] = smoothstep (1.0f, 0.97f, rad);
        if (rad < 1.f && (x % 4) == 0 && (y % 4) == 0)
          {
            sum += rl_synth_finger_ridge_period_at (f, x, y);
            count++;
          }
      }
  f->period_mean = (float) (sum / MAX (count, 1));

  /* The ridges are grown on first use: ground truth alone is cheap. */
  f->grow_seed = rng_next (&r);
  return f;
}

void
rl_synth_finger_free (RlSynthFinger *finger)
{
  if (finger == NULL)
    return;
  noise_clear (&finger->orient_noise);
  noise_clear (&finger->period_noise);
  noise_clear (&finger->period_detail);
  g_free (finger->silhouette);
  g_free (finger->ridges);
  g_free (finger);
}

RlImage *
rl_synth_finger_render_master (const RlSynthFinger *finger)
{
  const float *ridges;
  RlImage *img;

  g_return_val_if_fail (finger != NULL, NULL);
  ridges = finger_ridges (finger);
  img = rl_image_new (W, H, 500);
  for (int i = 0; i < W * H; i++)
    {
      float v = ridges[i] * finger->silhouette[i];
      img->pixels[i] = (guint8) lroundf (clampf (127.5f - 127.5f * v, 0.f, 255.f));
    }
  return img;
}

/* ---------------------------------------------------------------------------
 * Impressions. */

void
rl_synth_impression_random (guint64 seed, RlSynthImpression *out)
{
  Rng r;

  g_return_if_fail (out != NULL);
  rng_init (&r, seed ^ 0x5DEECE66Dull);
  out->dx = (float) clampd (rng_gauss (&r) * 18, -45, 45);
  out->dy = (float) clampd (rng_gauss (&r) * 22, -55, 55);
  out->rotation = (float) clampd (rng_gauss (&r) * 0.14, -0.4, 0.4);
  out->distortion = (float) rng_range (&r, 0.1, 0.8);
  out->pressure = (float) clampd (0.02 + rng_gauss (&r) * 0.3, -1, 1);
  out->noise = (float) rng_range (&r, 0.05, 0.6);
  out->partial = rng_uniform (&r) < 0.2 ? (float) rng_range (&r, 0.1, 0.45) : 0.f;
}

/* Everything an impression needs beyond the caller's numbers: its own random
 * textures, seeded from the finger and the impression values so that the same
 * request always gives the same image. */
typedef struct {
  RlSynthImpression v;
  float  cx, cy;                /* contact centre (finger coordinates) */
  float  cosr, sinr;
  float  distortion_px;
  Noise  dist_x, dist_y;
  Noise  pressure_noise, blotch, grain, edge, wobble, smudge;
  float  smudge_level;
  float  contact_rx, contact_ry;
  float  cut_nx, cut_ny, cut_d;   /* partial: keep n·q < d */
  float  background, ridge_grey, valley_grey;
  Rng    rng;
} Capture;

static guint64
impression_seed (const RlSynthFinger *f, const RlSynthImpression *imp)
{
  guint64 h = f->seed * 0x9E3779B97F4A7C15ull + (guint64) f->position;
  guint32 bits[7];

  memcpy (&bits[0], &imp->dx, 4);
  memcpy (&bits[1], &imp->dy, 4);
  memcpy (&bits[2], &imp->rotation, 4);
  memcpy (&bits[3], &imp->distortion, 4);
  memcpy (&bits[4], &imp->pressure, 4);
  memcpy (&bits[5], &imp->noise, 4);
  memcpy (&bits[6], &imp->partial, 4);
  for (int i = 0; i < 7; i++)
    {
      h ^= bits[i];
      h = splitmix64 (&h);
    }
  return h;
}

static void
capture_init (Capture *c, const RlSynthFinger *f, const RlSynthImpression *imp)
{
  static const RlSynthImpression neutral = { 0 };
  Rng *r = &c->rng;

  memset (c, 0, sizeof *c);
  c->v = imp ? *imp : neutral;
  c->v.distortion = clampf (c->v.distortion, 0.f, 1.f);
  c->v.pressure = clampf (c->v.pressure, -1.f, 1.f);
  c->v.noise = clampf (c->v.noise, 0.f, 1.f);
  c->v.partial = clampf (c->v.partial, 0.f, 0.7f);
  rng_init (r, impression_seed (f, &c->v));

  c->cx = f->cx;
  c->cy = f->cy;
  c->cosr = cosf (c->v.rotation);
  c->sinr = sinf (c->v.rotation);
  c->distortion_px = 14.f * c->v.distortion;
  noise_init (&c->dist_x, r, 110);
  noise_init (&c->dist_y, r, 110);
}

/* The textures of a capture: only rendering needs them (the mappings don't). */
static void
capture_init_textures (Capture *c, const RlSynthImpression *imp)
{
  Rng *r = &c->rng;
  double cut_angle;

  noise_init (&c->pressure_noise, r, 45);
  noise_init (&c->blotch, r, 5);
  noise_init (&c->grain, r, 2.2f);
  noise_init (&c->edge, r, 22);
  noise_init (&c->wobble, r, 3.5f);
  /* Uneven illumination and residue on the platen. */
  noise_init (&c->smudge, r, 70);
  c->smudge_level = imp ? (float) rng_range (r, 1, 2 + 4 * c->v.noise) : 0.f;

  /* A firmer press flattens more of the fingertip onto the glass. */
  c->contact_rx = (float) (0.92 + 0.08 * c->v.pressure + rng_gauss (r) * 0.03);
  c->contact_ry = (float) (0.90 + 0.08 * c->v.pressure + rng_gauss (r) * 0.03);
  if (imp == NULL)
    c->contact_rx = c->contact_ry = 1.05f;

  cut_angle = rng_range (r, 0, 2 * G_PI);
  c->cut_nx = (float) cos (cut_angle);
  c->cut_ny = (float) sin (cut_angle);
  /* Signed distance from the centre along n that leaves ~(1 - partial) of a disc. */
  c->cut_d = (float) ((1.0 - 2.0 * c->v.partial) * 140.0);

  c->background = (float) rng_range (r, 238, 255);
  c->valley_grey = c->background - (float) rng_range (r, 0, 10);
  c->ridge_grey = (float) rng_range (r, 0, 30);
}

static void
capture_clear (Capture *c)
{
  noise_clear (&c->dist_x);
  noise_clear (&c->dist_y);
  noise_clear (&c->pressure_noise);
  noise_clear (&c->blotch);
  noise_clear (&c->grain);
  noise_clear (&c->edge);
  noise_clear (&c->wobble);
  noise_clear (&c->smudge);
}

/* Elastic skin distortion at a finger point: none near the contact centre,
 * where the skin is held by friction, growing outwards (Cappelli's plastic
 * distortion model, smoothed). */
static inline void
distortion_at (const Capture *c, float px, float py, float *ox, float *oy)
{
  float dx = px - c->cx, dy = py - c->cy;
  float w = smoothstep (30.f, 170.f, sqrtf (dx * dx + dy * dy)) * c->distortion_px;

  *ox = w * noise_at (&c->dist_x, px, py);
  *oy = w * noise_at (&c->dist_y, px, py);
}

/* Image pixel → finger point: undo translation and rotation about the contact
 * centre, then the skin's distortion. */
static inline void
capture_to_finger (const Capture *c, float x, float y, float *fx, float *fy)
{
  float qx = x - c->cx - c->v.dx, qy = y - c->cy - c->v.dy;
  /* A counter-clockwise rotation as seen (y down) maps (x, y) to
   * (x cos + y sin, -x sin + y cos); this is its inverse. */
  float px = c->cx + qx * c->cosr - qy * c->sinr;
  float py = c->cy + qx * c->sinr + qy * c->cosr;
  float ox = 0, oy = 0;

  if (c->distortion_px > 0)
    distortion_at (c, px, py, &ox, &oy);
  *fx = px + ox;
  *fy = py + oy;
}

static void
finger_to_capture (const Capture *c, float fx, float fy, float *x, float *y)
{
  float px = fx, py = fy, qx, qy;

  /* Solve p + D(p) = f by fixed-point iteration: D is smooth and small. */
  for (int i = 0; i < 30 && c->distortion_px > 0; i++)
    {
      float ox, oy, nx, ny;
      distortion_at (c, px, py, &ox, &oy);
      nx = fx - ox;
      ny = fy - oy;
      if (fabsf (nx - px) < 1e-3f && fabsf (ny - py) < 1e-3f)
        {
          px = nx;
          py = ny;
          break;
        }
      px = nx;
      py = ny;
    }
  qx = px - c->cx;
  qy = py - c->cy;
  *x = c->cx + c->v.dx + qx * c->cosr + qy * c->sinr;
  *y = c->cy + c->v.dy - qx * c->sinr + qy * c->cosr;
}

void
rl_synth_impression_to_finger (const RlSynthFinger *finger, const RlSynthImpression *impression,
                               float x, float y, float *finger_x, float *finger_y)
{
  Capture c;

  g_return_if_fail (finger != NULL && finger_x != NULL && finger_y != NULL);
  capture_init (&c, finger, impression);
  capture_to_finger (&c, x, y, finger_x, finger_y);
  capture_clear (&c);
}

void
rl_synth_finger_to_impression (const RlSynthFinger *finger, const RlSynthImpression *impression,
                               float finger_x, float finger_y, float *x, float *y)
{
  Capture c;

  g_return_if_fail (finger != NULL && x != NULL && y != NULL);
  capture_init (&c, finger, impression);
  finger_to_capture (&c, finger_x, finger_y, x, y);
  capture_clear (&c);
}

static inline float
sample_bilinear (const float *img, float x, float y)
{
  int ix, iy;
  float tx, ty;
  const float *p;

  x -= 0.5f;
  y -= 0.5f;
  if (!(x >= 0.f && y >= 0.f && x < W - 1 && y < H - 1))
    return 0.f;
  ix = (int) x;
  iy = (int) y;
  tx = x - ix;
  ty = y - iy;
  p = img + iy * W + ix;
  return (p[0] * (1 - tx) + p[1] * tx) * (1 - ty) + (p[W] * (1 - tx) + p[W + 1] * tx) * ty;
}

/* Sensor noise needs one Gaussian number per pixel: draw them from a table
 * (filled once from a fixed seed) instead of paying log/sqrt/cos each time. */
#define GAUSS_TABLE_BITS 12
static float gauss_table[1 << GAUSS_TABLE_BITS];

static void
gauss_table_ensure (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      Rng r;
      rng_init (&r, 0x6A09E667F3BCC908ull);
      for (int i = 0; i < 1 << GAUSS_TABLE_BITS; i++)
        gauss_table[i] = (float) rng_gauss (&r);
      g_once_init_leave (&done, 1);
    }
}

static inline float
fast_gauss (Rng *r)
{
  return gauss_table[rng_next (r) >> (64 - GAUSS_TABLE_BITS)];
}

/* Sweat pores: permanent features of the skin, so they sit at the same
 * finger position in every impression. One candidate per 6-px cell, placed
 * and kept by a hash of the cell. */
static inline float
pore_at (const RlSynthFinger *f, float fx, float fy)
{
  const float cell = 6.f;
  int cx = (int) floorf (fx / cell), cy = (int) floorf (fy / cell);
  guint64 h = f->seed ^ ((guint64) (guint32) cx << 32 | (guint32) cy);
  float px, py, d2;

  h = splitmix64 (&h);
  if ((h & 0xff) > 90)
    return 1.f;
  px = (cx + 0.2f + 0.6f * (float) ((h >> 8) & 0xff) / 255.f) * cell;
  py = (cy + 0.2f + 0.6f * (float) ((h >> 16) & 0xff) / 255.f) * cell;
  d2 = (fx - px) * (fx - px) + (fy - py) * (fy - py);
  return d2 < 1.2f ? 0.25f : d2 < 2.6f ? 0.6f : 1.f;
}

/* How firmly the skin at finger point (fx, fy), seen at image pixel (x, y),
 * touches the platen: 1 in contact, 0 off; *rim rises towards the edge of
 * the contact area, where the skin lifts off. The contact area is an ellipse
 * a little inside the silhouette with a ragged edge, minus the part that a
 * partial impression misses. */
static float
contact_at (const Capture *c, const RlSynthFinger *finger, float x, float y, float fx, float fy, float *rim)
{
  float qx = (fx - c->cx) / ((fx < c->cx ? finger->left : finger->right) * c->contact_rx);
  float qy = (fy - c->cy) / ((fy < c->cy ? finger->top + finger->band : finger->bottom + finger->band) * c->contact_ry);
  float rad = sqrtf (qx * qx + qy * qy) + 0.07f * noise_at (&c->edge, fx, fy);
  float alpha = smoothstep (1.02f, 0.95f, rad);

  *rim = smoothstep (0.8f, 1.0f, rad);
  if (c->v.partial > 0)
    {
      float cut = (x - c->cx - c->v.dx) * c->cut_nx + (y - c->cy - c->v.dy) * c->cut_ny
                  + 10.f * noise_at (&c->edge, fy, fx);
      alpha *= smoothstep (c->cut_d + 4.f, c->cut_d - 4.f, cut);
      *rim = MAX (*rim, smoothstep (c->cut_d - 30.f, c->cut_d, cut));
    }
  return alpha;
}

RlImage *
rl_synth_render (const RlSynthFinger *finger, const RlSynthImpression *impression, GError **error)
{
  g_autoptr(RlImage) img = NULL;
  g_autofree float *grey = NULL;
  g_autofree float *tmp = NULL;
  Capture c;
  const float *ridges;
  float dry, wet, noise_sigma;

  g_return_val_if_fail (finger != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (impression != NULL &&
      (!isfinite (impression->dx) || !isfinite (impression->dy) || !isfinite (impression->rotation) ||
       !isfinite (impression->distortion) || !isfinite (impression->pressure) ||
       !isfinite (impression->noise) || !isfinite (impression->partial) ||
       fabsf (impression->dx) > W || fabsf (impression->dy) > H))
    {
      g_set_error (error, RL_MATCHER_ERROR, RL_MATCHER_ERROR_INVALID,
                   "Synthetic impression out of range (dx %g, dy %g, rotation %g, distortion %g, "
                   "pressure %g, noise %g, partial %g)",
                   impression->dx, impression->dy, impression->rotation, impression->distortion,
                   impression->pressure, impression->noise, impression->partial);
      return NULL;
    }

  ridges = finger_ridges (finger);
  gauss_table_ensure ();
  capture_init (&c, finger, impression);
  capture_init_textures (&c, impression);
  dry = MAX (0.f, -c.v.pressure);
  wet = MAX (0.f, c.v.pressure);
  grey = g_new (float, (gsize) W * H);
  tmp = g_new (float, (gsize) W * H);

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        float fx, fy, v, alpha, ridge, thr, local, rim;

        capture_to_finger (&c, x + 0.5f, y + 0.5f, &fx, &fy);
        alpha = sample_bilinear (finger->silhouette, fx, fy);
        if (alpha <= 0.f)
          {
            /* Off the finger: only the platen shows. */
            grey[y * W + x] = c.background + c.smudge_level * noise_at (&c.smudge, x, y);
            continue;
          }
        v = sample_bilinear (ridges, fx, fy);

        alpha *= contact_at (&c, finger, x + 0.5f, y + 0.5f, fx, fy, &rim);

        /* Pressure moves the ridge/valley threshold: dry skin prints thin
         * ridges, over-pressed skin thick ones that merge. Uneven pressure
         * over the pad varies it slowly, and the rim, where the skin lifts
         * off, presses least. Fine noise makes ridge edges irregular. */
        local = noise_at (&c.pressure_noise, fx, fy);
        /* Ridges print a little wider than valleys at normal pressure. */
        thr = -0.2f - 0.38f * c.v.pressure - 0.15f * local;
        if (impression != NULL)
          thr += 0.4f * rim + 0.25f * noise_at (&c.wobble, fx, fy);
        ridge = smoothstep (thr - 0.15f, thr + 0.15f, v);

        if (impression != NULL)
          {
            /* Skin texture: pores, and dry or lifting skin breaks ridges up. */
            float dry_here = clampf (dry + 0.6f * rim + 0.2f * MAX (0.f, -local), 0.f, 1.f);
            float b = noise_at (&c.blotch, fx, fy);
            float g = noise_at (&c.grain, fx, fy);
            float gap = smoothstep (0.62f - 0.8f * dry_here, 0.88f - 0.7f * dry_here, b);
            ridge *= 1.f - gap * (0.25f + 0.75f * dry_here);
            ridge *= pore_at (finger, fx, fy);
            ridge *= 0.88f + 0.12f * g;
            ridge = clampf (ridge * (1.f + 0.3f * wet), 0.f, 1.f);
          }

        {
          float valley = c.valley_grey - 15.f * wet * (0.5f + 0.5f * local);
          float fg = c.ridge_grey * ridge + valley * (1.f - ridge);
          float bg = c.background + c.smudge_level * noise_at (&c.smudge, x, y);
          grey[y * W + x] = bg + alpha * (fg - bg);
        }
      }

  /* Optics blur: [1 2 1]/4 separable. */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int xl = x > 0 ? x - 1 : x, xr = x < W - 1 ? x + 1 : x;
        tmp[y * W + x] = 0.25f * (grey[y * W + xl] + 2.f * grey[y * W + x] + grey[y * W + xr]);
      }
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int yu = y > 0 ? y - 1 : y, yd = y < H - 1 ? y + 1 : y;
        grey[y * W + x] = 0.25f * (tmp[yu * W + x] + 2.f * tmp[y * W + x] + tmp[yd * W + x]);
      }

  img = rl_image_new (W, H, 500);
  noise_sigma = impression ? 1.5f + 9.f * c.v.noise : 0.f;
  for (int i = 0; i < W * H; i++)
    {
      float v = grey[i];
      if (noise_sigma > 0)
        v += noise_sigma * fast_gauss (&c.rng) * (0.4f + 0.6f * (1.f - v / 255.f));
      img->pixels[i] = (guint8) lroundf (clampf (v, 0.f, 255.f));
    }
  capture_clear (&c);
  return g_steal_pointer (&img);
}

/* ---------------------------------------------------------------------------
 * Ground-truth minutiae: read off the master ridge pattern (ridges > 0),
 * thinned to one-pixel lines (Zhang and Suen), by the crossing number. */

static void
thin_ridges (guint8 *img)
{
  g_autofree guint32 *marked = g_new (guint32, (gsize) W * H);
  gboolean changed = TRUE;

  while (changed)
    {
      changed = FALSE;
      for (int pass = 0; pass < 2; pass++)
        {
          guint n = 0;
          for (int y = 1; y < H - 1; y++)
            for (int x = 1; x < W - 1; x++)
              {
                const guint8 *q = img + y * W + x;
                int p2, p3, p4, p5, p6, p7, p8, p9, b, a;
                if (!q[0])
                  continue;
                p2 = q[-W]; p3 = q[-W + 1]; p4 = q[1]; p5 = q[W + 1];
                p6 = q[W]; p7 = q[W - 1]; p8 = q[-1]; p9 = q[-W - 1];
                b = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9;
                if (b < 2 || b > 6)
                  continue;
                a = (!p2 && p3) + (!p3 && p4) + (!p4 && p5) + (!p5 && p6) +
                    (!p6 && p7) + (!p7 && p8) + (!p8 && p9) + (!p9 && p2);
                if (a != 1)
                  continue;
                if (pass == 0 ? (p2 && p4 && p6) || (p4 && p6 && p8) : (p2 && p4 && p8) || (p2 && p6 && p8))
                  continue;
                marked[n++] = (guint32) (y * W + x);
              }
          for (guint i = 0; i < n; i++)
            img[marked[i]] = 0;
          changed |= n > 0;
        }
    }
}

RlTemplate *
rl_synth_finger_get_template (const RlSynthFinger *finger)
{
  const float *ridges;
  g_autofree guint8 *skel = NULL;
  g_autoptr(GArray) found = NULL;
  g_autofree gboolean *drop = NULL;
  RlTemplate *tpl;
  guint n = 0;
  static const int nx[8] = { 0, 1, 1, 1, 0, -1, -1, -1 };
  static const int ny[8] = { -1, -1, 0, 1, 1, 1, 0, -1 };

  g_return_val_if_fail (finger != NULL, NULL);

  ridges = finger_ridges (finger);
  skel = g_new0 (guint8, (gsize) W * H);
  for (int y = 1; y < H - 1; y++)
    for (int x = 1; x < W - 1; x++)
      skel[y * W + x] = ridges[y * W + x] > 0.f && silhouette_radius (finger, x + 0.5f, y + 0.5f) < 1.f;
  thin_ridges (skel);

  found = g_array_new (FALSE, TRUE, sizeof (RlMinutia));
  for (int y = 1; y < H - 1; y++)
    for (int x = 1; x < W - 1; x++)
      {
        int cn = 0;
        RlMinutia m = { 0 };
        if (!skel[y * W + x])
          continue;
        for (int i = 0; i < 8; i++)
          cn += skel[(y + ny[i]) * W + x + nx[i]] != skel[(y + ny[(i + 1) % 8]) * W + x + nx[(i + 1) % 8]];
        cn /= 2;
        if (cn != 1 && cn != 3)
          continue;
        /* Lines end at the edge of the skin: not minutiae. */
        if (silhouette_radius (finger, x + 0.5f, y + 0.5f) > 0.9f)
          continue;
        m.x = x + 0.5f;
        m.y = y + 0.5f;
        m.kind = cn == 1 ? RL_MINUTIA_ENDING : RL_MINUTIA_BIFURCATION;
        m.reliability = 100;
        g_array_append_val (found, m);
      }

  /* Two minutiae within a few pixels are a tiny island, hole or spur of the
   * thinning, not something an examiner would mark: drop both. */
  drop = g_new0 (gboolean, found->len + 1);
  for (guint i = 0; i < found->len; i++)
    for (guint j = i + 1; j < found->len; j++)
      {
        RlMinutia *a = &g_array_index (found, RlMinutia, i), *b = &g_array_index (found, RlMinutia, j);
        if ((a->x - b->x) * (a->x - b->x) + (a->y - b->y) * (a->y - b->y) < 36.f)
          drop[i] = drop[j] = TRUE;
      }

  tpl = rl_template_new (found->len, finger->n_visible);
  for (guint i = 0; i < found->len; i++)
    {
      RlMinutia m = g_array_index (found, RlMinutia, i);
      float theta = rl_synth_finger_orientation_at (finger, m.x, m.y);
      float dx = cosf (theta), dy = -sinf (theta);
      float fwd = 0, back = 0, sense, angle;

      if (drop[i])
        continue;
      /* Along the ridge direction, one way is ridge and the other is not:
       * a ridge ending points into its ridge, a bifurcation into the valley
       * between its branches (rl-types.h). */
      for (int r = 3; r <= 7; r += 2)
        {
          fwd += sample_bilinear (ridges, m.x + r * dx, m.y + r * dy);
          back += sample_bilinear (ridges, m.x - r * dx, m.y - r * dy);
        }
      sense = (m.kind == RL_MINUTIA_ENDING) == (fwd > back) ? 1.f : -1.f;
      angle = atan2f (-sense * dy, sense * dx);
      if (angle < 0)
        angle += 2.f * (float) G_PI;
      if (angle >= 2.f * (float) G_PI)
        angle = 0;
      m.angle = angle;
      tpl->minutiae[n++] = m;
    }
  tpl->n_minutiae = n;
  memcpy (tpl->singularities, finger->visible, sizeof (RlSingularity) * finger->n_visible);
  tpl->width = W;
  tpl->height = H;
  tpl->finger = (guint8) finger->position;
  tpl->impression = RL_IMPRESSION_PLAIN;
  tpl->quality = 100;
  return tpl;
}

/* Maps a direction at a finger point through the capture, from the images
 * of two nearby points (the distortion bends directions too). */
static float
capture_angle (const Capture *c, float fx, float fy, float angle, float x, float y)
{
  float x2, y2, a;

  finger_to_capture (c, fx + 4.f * cosf (angle), fy - 4.f * sinf (angle), &x2, &y2);
  a = atan2f (-(y2 - y), x2 - x);
  if (a < 0)
    a += 2.f * (float) G_PI;
  if (a >= 2.f * (float) G_PI)
    a = 0;
  return a;
}

RlTemplate *
rl_synth_impression_get_template (const RlSynthFinger *finger, const RlSynthImpression *impression)
{
  g_autoptr(RlTemplate) master = NULL;
  RlTemplate *tpl;
  Capture c;
  guint n = 0, ns = 0;

  g_return_val_if_fail (finger != NULL, NULL);

  master = rl_synth_finger_get_template (finger);
  tpl = rl_template_new (master->n_minutiae, master->n_singularities);
  capture_init (&c, finger, impression);
  capture_init_textures (&c, impression);
  for (guint i = 0; i < master->n_minutiae; i++)
    {
      RlMinutia m = master->minutiae[i];
      float x, y, rim;

      finger_to_capture (&c, m.x, m.y, &x, &y);
      if (x < 0 || y < 0 || x >= W || y >= H || contact_at (&c, finger, x, y, m.x, m.y, &rim) < 0.5f || rim > 0.6f)
        continue;
      m.angle = capture_angle (&c, m.x, m.y, m.angle, x, y);
      m.x = x;
      m.y = y;
      tpl->minutiae[n++] = m;
    }
  for (guint i = 0; i < master->n_singularities; i++)
    {
      RlSingularity s = master->singularities[i];
      float x, y, rim;

      finger_to_capture (&c, s.x, s.y, &x, &y);
      if (x < 0 || y < 0 || x >= W || y >= H || contact_at (&c, finger, x, y, s.x, s.y, &rim) < 0.5f)
        continue;
      s.angle = capture_angle (&c, s.x, s.y, s.angle, x, y);
      s.x = x;
      s.y = y;
      tpl->singularities[ns++] = s;
    }
  tpl->n_minutiae = n;
  tpl->n_singularities = ns;
  tpl->width = W;
  tpl->height = H;
  tpl->finger = (guint8) finger->position;
  tpl->impression = RL_IMPRESSION_PLAIN;
  tpl->quality = 100;
  capture_clear (&c);
  return tpl;
}
