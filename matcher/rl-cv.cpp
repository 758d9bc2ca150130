// rl-cv.cpp — the thin C++ layer over OpenCV. Every entry point catches
// cv::Exception (and anything else) so no exception crosses into C.

#include "rl-cv.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

static void
set_error (char *errbuf, size_t errlen, const char *what)
{
  if (errbuf != nullptr && errlen > 0)
    std::snprintf (errbuf, errlen, "%s", what);
}

extern "C" int
rl_cv_decode_grey (const uint8_t *data, size_t len,
                   uint8_t **out_pixels, int *out_width, int *out_height,
                   char *errbuf, size_t errlen)
{
  *out_pixels = nullptr;
  try
    {
      cv::Mat buf (1, (int) len, CV_8UC1, (void *) data);
      cv::Mat img = cv::imdecode (buf, cv::IMREAD_GRAYSCALE);
      if (img.empty ())
        {
          set_error (errbuf, errlen, "the image decoder could not read the data (damaged or truncated)");
          return -1;
        }
      if (img.type () != CV_8UC1)
        img.convertTo (img, CV_8UC1);
      size_t n = (size_t) img.cols * (size_t) img.rows;
      uint8_t *pixels = (uint8_t *) std::malloc (n ? n : 1);
      if (pixels == nullptr)
        {
          set_error (errbuf, errlen, "out of memory");
          return -1;
        }
      for (int y = 0; y < img.rows; y++)
        std::memcpy (pixels + (size_t) y * img.cols, img.ptr<uint8_t> (y), (size_t) img.cols);
      *out_pixels = pixels;
      *out_width = img.cols;
      *out_height = img.rows;
      return 0;
    }
  catch (const cv::Exception &e)
    {
      set_error (errbuf, errlen, e.what ());
    }
  catch (...)
    {
      set_error (errbuf, errlen, "unexpected failure in the image decoder");
    }
  return -1;
}

extern "C" int
rl_cv_encode_grey (const uint8_t *pixels, int width, int height, const char *ext,
                   uint8_t **out_data, size_t *out_len,
                   char *errbuf, size_t errlen)
{
  *out_data = nullptr;
  *out_len = 0;
  try
    {
      cv::Mat img (height, width, CV_8UC1, (void *) pixels);
      std::vector<uchar> out;
      if (!cv::imencode (ext, img, out) || out.empty ())
        {
          set_error (errbuf, errlen, "the image encoder failed");
          return -1;
        }
      uint8_t *data = (uint8_t *) std::malloc (out.size ());
      if (data == nullptr)
        {
          set_error (errbuf, errlen, "out of memory");
          return -1;
        }
      std::memcpy (data, out.data (), out.size ());
      *out_data = data;
      *out_len = out.size ();
      return 0;
    }
  catch (const cv::Exception &e)
    {
      set_error (errbuf, errlen, e.what ());
    }
  catch (...)
    {
      set_error (errbuf, errlen, "unexpected failure in the image encoder");
    }
  return -1;
}

extern "C" int
rl_cv_resize_grey (const uint8_t *src, int width, int height,
                   uint8_t *dst, int dst_width, int dst_height,
                   char *errbuf, size_t errlen)
{
  try
    {
      cv::Mat in (height, width, CV_8UC1, (void *) src);
      cv::Mat out (dst_height, dst_width, CV_8UC1, (void *) dst);
      int interp = (dst_width < width) ? cv::INTER_AREA : cv::INTER_LINEAR;
      cv::resize (in, out, cv::Size (dst_width, dst_height), 0, 0, interp);
      return 0;
    }
  catch (const cv::Exception &e)
    {
      set_error (errbuf, errlen, e.what ());
    }
  catch (...)
    {
      set_error (errbuf, errlen, "unexpected failure while resizing");
    }
  return -1;
}

extern "C" int
rl_cv_gaussian_blur_f32 (float *data, int width, int height, double sigma,
                         char *errbuf, size_t errlen)
{
  try
    {
      cv::Mat m (height, width, CV_32FC1, (void *) data);
      cv::GaussianBlur (m, m, cv::Size (0, 0), sigma, sigma, cv::BORDER_REPLICATE);
      return 0;
    }
  catch (const cv::Exception &e)
    {
      set_error (errbuf, errlen, e.what ());
    }
  catch (...)
    {
      set_error (errbuf, errlen, "unexpected failure while blurring");
    }
  return -1;
}

extern "C" int
rl_cv_box_blur_f32 (float *data, int width, int height, int ksize,
                    char *errbuf, size_t errlen)
{
  try
    {
      cv::Mat m (height, width, CV_32FC1, (void *) data);
      cv::blur (m, m, cv::Size (ksize, ksize), cv::Point (-1, -1), cv::BORDER_REPLICATE);
      return 0;
    }
  catch (const cv::Exception &e)
    {
      set_error (errbuf, errlen, e.what ());
    }
  catch (...)
    {
      set_error (errbuf, errlen, "unexpected failure while blurring");
    }
  return -1;
}

extern "C" void
rl_cv_free (void *p)
{
  std::free (p);
}
