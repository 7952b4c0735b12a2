// NativeMethods.Image.cs - P/Invoke declarations of the image decoder (include/zslnative_image.h) and NativeImage,
// the public entry point the data layer (src/ZslKit/Data/Images) decodes JPEG/PNG through.
using System.Runtime.InteropServices;

namespace ZslKit.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(Lib)] public static partial int zsl_image_size(byte* data, long length, out int width, out int height);
    [LibraryImport(Lib)] public static partial int zsl_image_decode_rgb(byte* data, long length, byte* output, long outLength);
}

/// <summary>JPEG/PNG decoding to 8-bit RGB through libzslnative (libjpeg-turbo, libpng).</summary>
public static unsafe class NativeImage
{
    /// <summary>Decodes an encoded image to row-major RGB bytes (height x width x 3); InvalidDataException on bad data.</summary>
    public static (byte[] Rgb, int Width, int Height) DecodeRgb(ReadOnlySpan<byte> encoded)
    {
        fixed (byte* p = encoded)
        {
            if (NativeMethods.zsl_image_size(p, encoded.Length, out var width, out var height) != 0)
                throw new InvalidDataException(NativeMethods.LastError());
            var rgb = new byte[(long)width * height * 3];
            fixed (byte* o = rgb)
                if (NativeMethods.zsl_image_decode_rgb(p, encoded.Length, o, rgb.LongLength) != 0)
                    throw new InvalidDataException(NativeMethods.LastError());
            return (rgb, width, height);
        }
    }
}
