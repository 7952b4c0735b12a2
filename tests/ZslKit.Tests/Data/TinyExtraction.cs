// TinyExtraction.cs - test helper: writes small distinct PNG images and runs the real `zsl extract` library call
// (FeatureExtraction.Run) over them with a one-step backbone (2x2 average pool of the normalised 8x8 image: items [4, 3]),
// so the store builders are tested on exactly what the extractor writes (folder layout, extraction.json, metadata).
using System.Buffers.Binary;
using System.IO.Compression;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Images;
using ZslKit.Models.Backbones;
using ZslKit.Torch;

namespace ZslKit.Tests.Data;

internal static class TinyExtraction
{
    /// <summary>A backbone with one tap "pool": (N, 3, H, W) -> (N, 3, 2, 2), stored as [4, 3] items.</summary>
    private sealed class PoolBackbone : Backbone
    {
        public PoolBackbone() : base("tiny") => AddStep("pool", x => torch.nn.functional.adaptive_avg_pool2d(x, 2));
        public override string Architecture => "tiny";
    }

    /// <summary>Writes image <paramref name="seed"/> (8x8 RGB, a gradient that differs per seed) as a PNG at <paramref name="path"/>.</summary>
    public static void WriteImage(string path, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var raw = new byte[8 * (1 + 8 * 3)];
        for (int y = 0; y < 8; y++)
        {
            raw[y * 25] = 0;   // filter: none
            for (int x = 0; x < 8; x++)
                for (int c = 0; c < 3; c++)
                    raw[y * 25 + 1 + x * 3 + c] = (byte)((seed * 37 + x * (11 + c) + y * (5 + 7 * c) + c * 50) % 256);
        }
        using var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, 8);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 8);
        header[8] = 8;   // bit depth
        header[9] = 2;   // RGB
        Chunk(ms, "IHDR", header);
        using (var z = new MemoryStream())
        {
            using (var deflate = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(raw);
            Chunk(ms, "IDAT", z.ToArray());
        }
        Chunk(ms, "IEND", []);
        File.WriteAllBytes(path, ms.ToArray());
    }

    /// <summary>
    /// Writes list.txt in <paramref name="imageRoot"/> (paths relative to it) and runs FeatureExtraction into
    /// <paramref name="outFolder"/> with the pool backbone (model "tiny", layer "pool"; fp32 unless <paramref name="dtype"/>).
    /// </summary>
    public static ExtractionSummary Run(string imageRoot, IEnumerable<string> relativePaths, string outFolder, int shardSize = 4,
        FeatureDType dtype = FeatureDType.Fp32)
    {
        var list = Path.Combine(imageRoot, "list.txt");
        File.WriteAllLines(list, relativePaths);
        using var net = new PoolBackbone();
        var options = new ExtractionOptions("tiny", "pool", list, outFolder)
        {
            BatchSize = 3, ShardSize = shardSize, Preprocessing = new ImagePreprocessing(Resize: 8, Crop: 8), Device = torch.CPU, DType = dtype,
        };
        return FeatureExtraction.Run(options, model: net);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var body = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, body);
        data.CopyTo(body, 4);
        s.Write(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(body));
        s.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
