// ImagePreprocessing.cs - torchvision's ImageNet evaluation transform on decoded images:
// Resize(shorter side, PIL bilinear + antialias) -> CenterCrop -> ToTensor (/255) -> Normalize(mean, std), and batching.
namespace ZslKit.Data.Images;

using ZslKit.Torch;

/// <summary>
/// Typed transform settings. Defaults are the ImageNet evaluation transform of torchvision's weights
/// (Resize(256), CenterCrop(224), mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225)); SGMA uses 448 px.
/// </summary>
public sealed record ImagePreprocessing(int Resize = 256, int Crop = 224)
{
    public float[] Mean { get; init; } = [0.485f, 0.456f, 0.406f];
    public float[] Std { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary>torchvision Resize(int): the shorter side becomes <paramref name="size"/>, the longer int(size * long / short).</summary>
    public static RgbImage ResizeShorter(RgbImage image, int size)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (w, h) = (image.Width, image.Height);
        var (shortSide, longSide) = w <= h ? (w, h) : (h, w);
        if (shortSide == size) return image;
        var newLong = (int)((long)size * longSide / (double)shortSide);
        return w <= h ? PilResize.Bilinear(image, size, newLong) : PilResize.Bilinear(image, newLong, size);
    }

    /// <summary>torchvision CenterCrop: offsets round((H - h) / 2) half-to-even; zero padding when the image is smaller.</summary>
    public static RgbImage CenterCrop(RgbImage image, int size)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "CenterCrop: size must be positive");
        var (w, h) = (image.Width, image.Height);
        // Padding as torchvision: left/top (c - w) // 2, the remainder right/bottom; then crop from the padded image.
        int padL = size > w ? (size - w) / 2 : 0, padT = size > h ? (size - h) / 2 : 0;
        int pw = Math.Max(w, size), ph = Math.Max(h, size);
        var top = (int)Math.Round((ph - size) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((pw - size) / 2.0, MidpointRounding.ToEven);
        var dst = new byte[size * size * 3];
        for (var y = 0; y < size; y++)
        {
            var sy = y + top - padT;
            if (sy < 0 || sy >= h) continue;
            for (var x = 0; x < size; x++)
            {
                var sx = x + left - padL;
                if (sx < 0 || sx >= w) continue;
                Array.Copy(image.Pixels, ((long)sy * w + sx) * 3, dst, ((long)y * size + x) * 3, 3);
            }
        }
        return new RgbImage(size, size, dst);
    }

    /// <summary>ToTensor + Normalize: channel-first floats (3 * h * w), (p / 255 - mean) / std in float32.</summary>
    public void Normalize(RgbImage image, Span<float> chw)
    {
        ArgumentNullException.ThrowIfNull(image);
        var n = image.Width * image.Height;
        if (chw.Length != 3 * n) throw new ArgumentException($"Normalize: buffer of {chw.Length} floats for a {image.Width}x{image.Height} image (needs {3 * n})", nameof(chw));
        for (var c = 0; c < 3; c++)
        {
            float m = Mean[c], s = Std[c];
            for (var i = 0; i < n; i++) chw[c * n + i] = (image.Pixels[i * 3 + c] / 255f - m) / s;
        }
    }

    /// <summary>The whole transform of one decoded image: (3, Crop, Crop) floats.</summary>
    public float[] Apply(RgbImage image)
    {
        var cropped = CenterCrop(ResizeShorter(image, Resize), Crop);
        var result = new float[3 * Crop * Crop];
        Normalize(cropped, result);
        return result;
    }

    /// <summary>Stacks transformed images into an (N, 3, Crop, Crop) float32 tensor on <paramref name="device"/>.</summary>
    public Tensor Batch(IReadOnlyList<float[]> items, torch.Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("Batch: no images", nameof(items));
        var per = 3 * Crop * Crop;
        var flat = new float[(long)items.Count * per];
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Length != per) throw new ArgumentException($"Batch: item {i} has {items[i].Length} floats, expected {per}", nameof(items));
            items[i].CopyTo(flat, (long)i * per);
        }
        var t = torch.tensor<float>(flat.AsSpan(), [items.Count, 3, Crop, Crop]);   // (N, 3, Crop, Crop)
        if (device is null || device.type == DeviceType.CPU) return t;
        using (t) return t.to(device);
    }
}
