// Test helper: decodes 8-bit RGB/RGBA PNGs (what Chromium writes) to pixels, to check screenshots are not blank.
using System.Buffers.Binary;
using System.IO.Compression;

namespace ZslKit.Tests.Reporting;

internal sealed class PngPixels
{
    public int Width { get; private init; }
    public int Height { get; private init; }
    public int Channels { get; private init; }
    public byte[] Data { get; private init; } = [];

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            var i = (y * Width + x) * Channels;
            return (Data[i], Data[i + 1], Data[i + 2]);
        }
    }

    /// <summary>Variance of the luma over all pixels (0 for a blank image).</summary>
    public double LumaVariance()
    {
        double sum = 0, sq = 0;
        var n = Width * Height;
        for (var p = 0; p < n; p++)
        {
            var i = p * Channels;
            var l = 0.299 * Data[i] + 0.587 * Data[i + 1] + 0.114 * Data[i + 2];
            sum += l;
            sq += l * l;
        }
        var mean = sum / n;
        return sq / n - mean * mean;
    }

    /// <summary>Pixels that are neither near-white nor near-gray (chart colours, not text or gridlines).</summary>
    public int ColouredPixels()
    {
        var count = 0;
        for (var p = 0; p < Width * Height; p++)
        {
            var i = p * Channels;
            int r = Data[i], g = Data[i + 1], b = Data[i + 2];
            if (Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > 60) count++;
        }
        return count;
    }

    public static PngPixels Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> signature = [137, 80, 78, 71, 13, 10, 26, 10];
        if (!bytes.AsSpan(0, 8).SequenceEqual(signature)) throw new InvalidDataException($"{path}: not a PNG (bad signature at byte 0)");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var pos = 8; pos < bytes.Length;)
        {
            var len = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(pos));
            var type = System.Text.Encoding.ASCII.GetString(bytes, pos + 4, 4);
            var body = bytes.AsSpan(pos + 8, len);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(body);
                height = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
                if (body[8] != 8 || body[12] != 0)
                    throw new InvalidDataException($"{path}: only 8-bit non-interlaced PNGs are supported (byte {pos + 16})");
                channels = body[9] switch
                {
                    2 => 3,
                    6 => 4,
                    var t => throw new InvalidDataException($"{path}: colour type {t} not supported (byte {pos + 17})"),
                };
            }
            else if (type == "IDAT") idat.Write(body);
            else if (type == "IEND") break;
            pos += 12 + len;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        z.ReadExactly(raw);
        var data = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var src = raw.AsSpan(y * (stride + 1) + 1, stride);
            var dst = data.AsSpan(y * stride, stride);
            var prev = y > 0 ? data.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? dst[i - channels] : 0, b = prev[i], c = i >= channels ? prev[i - channels] : 0;
                dst[i] = (byte)(src[i] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"{path}: bad filter {filter} on row {y}"),
                });
            }
        }
        return new PngPixels { Width = width, Height = height, Channels = channels, Data = data };
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
