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
        var (w, h) = ResizedSize(image.Width, image.Height, size);
        return w == image.Width && h == image.Height ? image : PilResize.Bilinear(image, w, h);
    }

    /// <summary>The size <see cref="ResizeShorter"/> gives a width x height image: the shorter side becomes
    /// <paramref name="size"/>, the longer int(size * long / short); unchanged when the shorter side is already size.</summary>
    public static (int Width, int Height) ResizedSize(int width, int height, int size)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"resize: image size {width}x{height} must be positive");
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "resize: size must be positive");
        var (shortSide, longSide) = width <= height ? (width, height) : (height, width);
        if (shortSide == size) return (width, height);
        var newLong = (int)((long)size * longSide / (double)shortSide);
        return width <= height ? (size, newLong) : (newLong, size);
    }

    /// <summary>Along one axis of length <paramref name="length"/>, what <see cref="CenterCrop"/> to <paramref name="crop"/>
    /// keeps: source pixels [Start, Start + Count) land at output [Pad, Pad + Count); the rest of the output is zero padding.</summary>
    public static (int Start, int Count, int Pad) CropWindow(int length, int crop)
    {
        if (length < 1 || crop < 1) throw new ArgumentOutOfRangeException(nameof(crop), $"center crop: length {length} and crop {crop} must be positive");
        if (crop >= length) return (0, length, (crop - length) / 2);
        return ((int)Math.Round((length - crop) / 2.0, MidpointRounding.ToEven), crop, 0);
    }

    /// <summary>torchvision CenterCrop: offsets round((H - h) / 2) half-to-even; zero padding when the image is smaller.</summary>
    public static RgbImage CenterCrop(RgbImage image, int size)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "CenterCrop: size must be positive");
        // As torchvision: pad left/top by (c - w) // 2 (the remainder right/bottom) when smaller, then crop at round((W - c) / 2).
        var (x0, nx, padL) = CropWindow(image.Width, size);
        var (y0, ny, padT) = CropWindow(image.Height, size);
        var dst = new byte[size * size * 3];
        for (var y = 0; y < ny; y++)
            Array.Copy(image.Pixels, ((long)(y0 + y) * image.Width + x0) * 3, dst, ((long)(padT + y) * size + padL) * 3, nx * 3);
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

    /// <summary>The whole transform of one decoded image: (3, Crop, Crop) floats. Only the resized pixels the crop keeps
    /// are computed (the same bytes as <c>CenterCrop(ResizeShorter(image, Resize), Crop)</c>).</summary>
    public float[] Apply(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (rw, rh) = ResizedSize(image.Width, image.Height, Resize);
        var (x0, nx, _) = CropWindow(rw, Crop);
        var (y0, ny, _) = CropWindow(rh, Crop);
        var window = PilResize.BilinearWindow(image, rw, rh, x0, nx, y0, ny);                 // nx x ny
        var cropped = nx < Crop || ny < Crop ? CenterCrop(window, Crop) : window;             // a smaller window: the same zero padding
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
