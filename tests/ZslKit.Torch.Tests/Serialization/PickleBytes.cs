// Builds small pickles and .pth containers byte by byte for the reader's error tests (no Python involved).
using System.IO.Compression;
using System.Text;

namespace ZslKit.Torch.Tests.Serialization;

/// <summary>A protocol-2 pickle under construction; each method appends one opcode.</summary>
internal sealed class PickleBytes
{
    private readonly List<byte> _b = [0x80, 0x02];

    public int Length => _b.Count;
    public PickleBytes Raw(params byte[] bytes) { _b.AddRange(bytes); return this; }
    public PickleBytes Mark() => Raw((byte)'(');
    public PickleBytes Tuple() => Raw((byte)'t');
    public PickleBytes EmptyDict() => Raw((byte)'}');
    public PickleBytes EmptyTuple() => Raw((byte)')');
    public PickleBytes SetItem() => Raw((byte)'s');
    public PickleBytes Reduce() => Raw((byte)'R');
    public PickleBytes False() => Raw(0x89);
    public PickleBytes Stop() => Raw((byte)'.');
    public PickleBytes Int(byte v) => Raw((byte)'K', v);
    public PickleBytes Global(string module, string name) => Raw([(byte)'c', .. Encoding.ASCII.GetBytes($"{module}\n{name}\n")]);

    public PickleBytes Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        return Raw([(byte)'X', .. BitConverter.GetBytes(bytes.Length), .. bytes]);
    }

    public PickleBytes Ints(params byte[] values)
    {
        Mark();
        foreach (var v in values) Int(v);
        return Tuple();
    }

    /// <summary>_rebuild_tensor_v2(storage '0' of numel float32, offset, size, stride, False, OrderedDict()).</summary>
    public PickleBytes FloatTensor(byte numel, byte offset, byte[] size, byte[] stride) =>
        Tensor(p => p.Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(numel).Tuple(), offset, size, stride);

    /// <summary>_rebuild_tensor_v2 whose persistent id tuple is written by <paramref name="pid"/>.</summary>
    public PickleBytes Tensor(Action<PickleBytes> pid, byte offset, byte[] size, byte[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        pid(this);
        Raw((byte)'Q');
        Int(offset).Ints(size).Ints(stride).False().Global("collections", "OrderedDict").EmptyTuple().Reduce();
        return Tuple().Reduce();
    }

    /// <summary>The three header pickles of a legacy file: magic number, protocol version 1001, sys_info {}.</summary>
    public static byte[] LegacyHeader() =>
    [
        .. new PickleBytes().Raw(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).Stop().ToArray(),
        .. new PickleBytes().Raw((byte)'M', 0xe9, 0x03).Stop().ToArray(),
        .. new PickleBytes().EmptyDict().Stop().ToArray(),
    ];

    public byte[] ToArray() => [.. _b];

    /// <summary>A zip-format .pth: archive/data.pkl plus archive/data/&lt;key&gt; entries (stored, as torch writes them).</summary>
    public static byte[] Zip(byte[] pickle, IEnumerable<(string Key, byte[] Data)> storages, string? byteorder = null)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Add(string name, byte[] data)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                s.Write(data);
            }
            Add("archive/data.pkl", pickle);
            if (byteorder is not null) Add("archive/byteorder", Encoding.ASCII.GetBytes(byteorder));
            foreach (var (key, data) in storages) Add($"archive/data/{key}", data);
        }
        return ms.ToArray();
    }

    /// <summary>Rewrites a zip .pth, transforming or dropping (null) entries by name.</summary>
    public static byte[] RewriteZip(byte[] file, Func<string, byte[], byte[]?> transform,
        CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var input = new ZipArchive(new MemoryStream(file), ZipArchiveMode.Read);
        using var ms = new MemoryStream();
        using (var output = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                using var src = entry.Open();
                using var buffer = new MemoryStream();
                src.CopyTo(buffer);
                var data = transform(entry.FullName, buffer.ToArray());
                if (data is null) continue;
                using var dst = output.CreateEntry(entry.FullName, level).Open();
                dst.Write(data);
            }
        }
        return ms.ToArray();
    }
}
