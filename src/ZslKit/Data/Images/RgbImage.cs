// RgbImage.cs - a decoded 8-bit RGB image (row-major height x width x 3 bytes) and its decoder (JPEG/PNG via libzslnative).
namespace ZslKit.Data.Images;

using ZslKit.Torch.Native;

/// <summary>An 8-bit RGB image: <see cref="Pixels"/>[(y * Width + x) * 3 + c].</summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>Largest encoded file <see cref="Load"/> reads (bounds memory for a damaged or hostile list).</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>
    /// Decodes a JPEG or PNG file (libjpeg-turbo / libpng; grey and palette expanded, alpha dropped, as PIL's
    /// <c>Image.open(p).convert("RGB")</c>). Bad files raise <see cref="DataFormatException"/> naming the file.
    /// </summary>
    public static RgbImage Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"image not found: {path}", path);
        if (info.Length > MaxFileBytes) throw new DataFormatException(path, 0, $"{info.Length} bytes exceeds the {MaxFileBytes}-byte image limit");
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes encoded JPEG/PNG bytes; <paramref name="name"/> is used in error messages.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string name)
    {
        try
        {
            var (rgb, w, h) = NativeImage.DecodeRgb(encoded);
            return new RgbImage(w, h, rgb);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(name, -1, e.Message, e);
        }
    }
}
