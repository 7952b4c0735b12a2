// PilResize.cs - Pillow's resampling (Resample.c, 8 bits per channel) for the bilinear filter, so Resize matches
// torchvision's transforms on PIL images bit for bit: a separable, antialiased triangle filter whose support grows
// with the downscaling factor, 22-bit fixed-point coefficients, horizontal pass then vertical pass, rounding to uint8.
namespace ZslKit.Data.Images;

/// <summary>Bilinear (antialiased when shrinking) resizing of 8-bit RGB images exactly as Pillow does it.</summary>
public static class PilResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes to width x height (PIL's <c>Image.resize((w, h), Image.BILINEAR)</c>).</summary>
    public static RgbImage Bilinear(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"resize: target size {width}x{height} must be positive");
        if (width == image.Width && height == image.Height) return image with { Pixels = (byte[])image.Pixels.Clone() };
        var img = image;
        if (width != img.Width) img = Horizontal(img, width, 0, width);
        if (height != img.Height) img = Vertical(img, height, 0, height);
        return img;
    }

    /// <summary>The window [x0, x0 + nx) x [y0, y0 + ny) of <see cref="Bilinear"/>(image, width, height), computing only
    /// its pixels (the same bytes as resizing the whole image and cropping).</summary>
    public static RgbImage BilinearWindow(RgbImage image, int width, int height, int x0, int nx, int y0, int ny)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"resize: target size {width}x{height} must be positive");
        if (x0 < 0 || nx < 1 || x0 + nx > width || y0 < 0 || ny < 1 || y0 + ny > height)
            throw new ArgumentOutOfRangeException(nameof(x0), $"resize: window x [{x0}, {x0 + nx}), y [{y0}, {y0 + ny}) is not inside {width}x{height}");
        var img = width != image.Width ? Horizontal(image, width, x0, nx) : Columns(image, x0, nx);
        return height != image.Height ? Vertical(img, height, y0, ny) : Rows(img, y0, ny);
    }

    private static RgbImage Columns(RgbImage img, int x0, int nx)
    {
        if (x0 == 0 && nx == img.Width) return img;
        var dst = new byte[(long)nx * img.Height * 3];
        for (var y = 0; y < img.Height; y++) Array.Copy(img.Pixels, ((long)y * img.Width + x0) * 3, dst, (long)y * nx * 3, nx * 3);
        return new RgbImage(nx, img.Height, dst);
    }

    private static RgbImage Rows(RgbImage img, int y0, int ny)
    {
        if (y0 == 0 && ny == img.Height) return img;
        var dst = new byte[(long)img.Width * ny * 3];
        Array.Copy(img.Pixels, (long)y0 * img.Width * 3, dst, 0, dst.Length);
        return new RgbImage(img.Width, ny, dst);
    }

    private static double Triangle(double x)
    {
        if (x < 0) x = -x;
        return x < 1 ? 1 - x : 0;
    }

    /// <summary>Per output pixel: first input index, tap count and fixed-point weights (Pillow's precompute_coeffs).</summary>
    private static (int[] start, int[] count, int[] weights, int ksize) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        var filterscale = Math.Max(scale, 1.0);
        var support = 1.0 * filterscale;   // bilinear support 1
        var ksize = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * ksize];
        var k = new double[ksize];
        for (var xx = 0; xx < outSize; xx++)
        {
            var center = (xx + 0.5) * scale;
            var ss = 1.0 / filterscale;
            var xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            var xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            double ww = 0;
            for (var x = 0; x < xmax; x++)
            {
                k[x] = Triangle((x + xmin - center + 0.5) * ss);
                ww += k[x];
            }
            for (var x = 0; x < xmax; x++)
            {
                var w = ww != 0 ? k[x] / ww : k[x];
                weights[xx * ksize + x] = w < 0 ? (int)(-0.5 + w * (1 << PrecisionBits)) : (int)(0.5 + w * (1 << PrecisionBits));
            }
            start[xx] = xmin;
            count[xx] = xmax;
        }
        return (start, count, weights, ksize);
    }

    /// <summary>The fixed-point weights of output pixels [<paramref name="first"/>, first + count) of a resize from
    /// <paramref name="inSize"/> to <paramref name="outSize"/> as a dense row-major [count, inSize] matrix (integers in
    /// units of 2^-22): row j holds the taps of output pixel first + j, zero elsewhere. A pass is then
    /// floor((2^21 + Σ_x w_x·p_x) / 2^22) clamped to [0, 255], as <see cref="Horizontal"/>/<see cref="Vertical"/> compute it.</summary>
    internal static double[] DenseWeights(int inSize, int outSize, int first, int count)
    {
        if (inSize < 1 || outSize < 1) throw new ArgumentOutOfRangeException(nameof(inSize), $"resize: sizes {inSize} -> {outSize} must be positive");
        if (first < 0 || count < 0 || first + count > outSize)
            throw new ArgumentOutOfRangeException(nameof(first), $"resize: output pixels [{first}, {first + count}) are not within [0, {outSize})");
        var (start, taps, weights, ksize) = Coefficients(inSize, outSize);
        var dense = new double[(long)count * inSize];
        for (var j = 0; j < count; j++)
        {
            var o = first + j;
            for (var t = 0; t < taps[o]; t++) dense[(long)j * inSize + start[o] + t] = weights[o * ksize + t];
        }
        return dense;
    }

    /// <summary>2^(precision bits): the fixed-point unit of the weights.</summary>
    internal const int Unit = 1 << PrecisionBits;

    private static byte Clip8(int v)
    {
        v >>= PrecisionBits;
        return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
    }

    /// <summary>Output columns [first, first + n) of the horizontal pass to <paramref name="outWidth"/>.</summary>
    private static RgbImage Horizontal(RgbImage img, int outWidth, int first, int n)
    {
        var (start, count, weights, ksize) = Coefficients(img.Width, outWidth);
        var src = img.Pixels;
        var dst = new byte[(long)n * img.Height * 3];
        for (var y = 0; y < img.Height; y++)
        {
            var row = (long)y * img.Width * 3;
            for (var xx = first; xx < first + n; xx++)
            {
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (var x = 0; x < count[xx]; x++)
                {
                    var w = weights[xx * ksize + x];
                    var p = row + (start[xx] + x) * 3;
                    s0 += src[p] * w; s1 += src[p + 1] * w; s2 += src[p + 2] * w;
                }
                var o = ((long)y * n + xx - first) * 3;
                dst[o] = Clip8(s0); dst[o + 1] = Clip8(s1); dst[o + 2] = Clip8(s2);
            }
        }
        return new RgbImage(n, img.Height, dst);
    }

    /// <summary>Output rows [first, first + n) of the vertical pass to <paramref name="outHeight"/>.</summary>
    private static RgbImage Vertical(RgbImage img, int outHeight, int first, int n)
    {
        var (start, count, weights, ksize) = Coefficients(img.Height, outHeight);
        var src = img.Pixels;
        var stride = img.Width * 3;
        var dst = new byte[(long)img.Width * n * 3];
        for (var yy = first; yy < first + n; yy++)
        {
            for (var c = 0; c < stride; c++)
            {
                var s = 1 << (PrecisionBits - 1);
                for (var y = 0; y < count[yy]; y++) s += src[(long)(start[yy] + y) * stride + c] * weights[yy * ksize + y];
                dst[(long)(yy - first) * stride + c] = Clip8(s);
            }
        }
        return new RgbImage(img.Width, n, dst);
    }
}
