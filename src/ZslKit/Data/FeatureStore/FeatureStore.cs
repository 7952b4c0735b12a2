// Read side of a feature store: memory-maps every chunk file and the label matrix, copies items into caller
// buffers (fp16 widened to fp32), verifies checksums on request, and hands out shuffled prefetched batch streams.
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using ZslKit.Data.Formats;

namespace ZslKit.Data.FeatureStore;

/// <summary>An opened, read-only feature store folder (index.json + chunk files + labels.i8).</summary>
public sealed unsafe class FeatureStore : IDisposable
{
    private readonly Mapping[] _chunks;
    private readonly long[] _chunkStart;   // first item index of each chunk
    private readonly Mapping? _labels;

    private sealed class Mapping : IDisposable
    {
        public readonly string Path;
        public readonly long Length;
        private readonly MemoryMappedFile? _file;
        private readonly MemoryMappedViewAccessor? _view;
        public readonly byte* Pointer;

        public Mapping(string path, long length)
        {
            Path = path;
            Length = length;
            if (length == 0) return;
            _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            Pointer = p + _view.PointerOffset;
        }

        public ReadOnlySpan<byte> Span(long offset, int count) => new(Pointer + offset, count);

        public void Dispose()
        {
            if (_view is null) return;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file!.Dispose();
        }
    }

    private static float[] HalfToSingle => _halfToSingle ??= BuildHalfTable();
    private static float[]? _halfToSingle;

    private static float[] BuildHalfTable()
    {
        var t = new float[65536];
        for (var b = 0; b < t.Length; b++) t[b] = (float)BitConverter.UInt16BitsToHalf((ushort)b);
        return t;
    }

    private FeatureStore(string folder, FeatureStoreIndex index)
    {
        Folder = folder;
        Index = index;
        _chunks = index.Chunks.Select(c => new Mapping(System.IO.Path.Combine(folder, c.File), c.Bytes)).ToArray();
        _chunkStart = new long[_chunks.Length];
        for (long i = 0, at = 0; i < _chunks.Length; i++) { _chunkStart[i] = at; at += index.Chunks[(int)i].Items; }
        if (index.Labels is not null && index.LabelCount > 0)
            _labels = new Mapping(System.IO.Path.Combine(folder, index.Labels.File), index.Labels.Bytes);
    }

    /// <summary>Opens <paramref name="folder"/>; with <paramref name="verifyChecksums"/> every file's CRC-32C is checked first.</summary>
    public static FeatureStore Open(string folder, bool verifyChecksums = false)
    {
        var store = new FeatureStore(folder, FeatureStoreIndex.Load(folder));
        if (verifyChecksums)
        {
            try { store.Verify(); }
            catch { store.Dispose(); throw; }
        }
        return store;
    }

    public string Folder { get; }
    public FeatureStoreIndex Index { get; }
    public long Count => Index.ItemCount;
    /// <summary>Float values per item (product of the item shape).</summary>
    public int ItemElements => (int)Index.ItemElements;
    public int LabelCount => Index.LabelCount;

    /// <summary>Recomputes every chunk's and the label file's CRC-32C; a mismatch raises <see cref="DataFormatException"/>.</summary>
    public void Verify()
    {
        for (var i = 0; i < _chunks.Length; i++) Check(_chunks[i], Index.Chunks[i].Crc32C);
        if (_labels is not null) Check(_labels, Index.Labels!.Crc32C);
    }

    /// <summary>Recomputes the CRC-32C of chunk <paramref name="chunk"/> (see <see cref="ChunkOf"/>); a mismatch raises
    /// <see cref="DataFormatException"/> naming the chunk file.</summary>
    public void VerifyChunk(int chunk) => Check(_chunks[chunk], Index.Chunks[chunk].Crc32C);

    /// <summary>The position in <c>Index.Chunks</c> of the chunk holding item <paramref name="item"/>.</summary>
    public int ChunkOf(long item) => Locate(item).Chunk;

    private static void Check(Mapping m, string expected)
    {
        uint crc = 0;
        for (long at = 0; at < m.Length; at += 1 << 24)
            crc = Crc32C.Compute(m.Span(at, (int)Math.Min(1 << 24, m.Length - at)), crc);
        if (crc.ToString("x8") != expected) throw new DataFormatException(m.Path, -1, $"CRC-32C {crc:x8} differs from the index ({expected}): the file is corrupt");
    }

    private (int Chunk, long Offset) Locate(long item)
    {
        if ((ulong)item >= (ulong)Count) throw new ArgumentOutOfRangeException(nameof(item), $"item {item} outside 0..{Count - 1}");
        var c = Array.BinarySearch(_chunkStart, item);
        if (c < 0) c = ~c - 1;
        while (Index.Chunks[c].Items == 0 || item - _chunkStart[c] >= Index.Chunks[c].Items) c++;   // skip empty chunks
        return (c, (item - _chunkStart[c]) * Index.ItemBytes);
    }

    /// <summary>Copies item <paramref name="item"/> into <paramref name="destination"/> (ItemElements floats).</summary>
    public void ReadItem(long item, Span<float> destination)
    {
        if (destination.Length < ItemElements) throw new ArgumentException($"destination holds {destination.Length} floats, an item has {ItemElements}", nameof(destination));
        var (chunk, offset) = Locate(item);
        var bytes = _chunks[chunk].Span(offset, (int)Index.ItemBytes);
        if (Index.DType == FeatureDType.Fp32) MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
        else
        {
            // fp16 -> fp32 through a 65,536-entry table (exact: built from the Half conversion itself).
            var bits = MemoryMarshal.Cast<byte, ushort>(bytes);
            var table = HalfToSingle;
            for (var i = 0; i < bits.Length; i++) destination[i] = table[bits[i]];
        }
    }

    /// <summary>The labels of <paramref name="item"/> (+1/-1/0), a view into the mapped file valid while the store is open.</summary>
    public ReadOnlySpan<sbyte> Labels(long item)
    {
        if (_labels is null) throw new InvalidOperationException("the store has no labels");
        if ((ulong)item >= (ulong)Count) throw new ArgumentOutOfRangeException(nameof(item));
        return MemoryMarshal.Cast<byte, sbyte>(_labels.Span(item * LabelCount, LabelCount));
    }

    /// <summary>Copies the items <paramref name="items"/> into caller buffers: features [n, ItemElements], labels [n, LabelCount].</summary>
    public void ReadBatch(ReadOnlySpan<long> items, Span<float> features, Span<sbyte> labels = default)
    {
        var e = ItemElements;
        if (features.Length < items.Length * e) throw new ArgumentException($"features buffer too small for {items.Length} items", nameof(features));
        if (labels.Length > 0 && labels.Length < items.Length * LabelCount) throw new ArgumentException($"labels buffer too small for {items.Length} items", nameof(labels));
        for (var i = 0; i < items.Length; i++)
        {
            ReadItem(items[i], features.Slice(i * e, e));
            if (labels.Length > 0 && LabelCount > 0) Labels(items[i]).CopyTo(labels.Slice(i * LabelCount, LabelCount));
        }
    }

    /// <summary>Streams batches in a seeded shuffled order (or in order when <paramref name="seed"/> is null), prefetched by a background task.</summary>
    public FeatureBatchStream Batches(int batchSize, int? seed = null, bool dropLast = false, int prefetch = 4) =>
        new(this, batchSize, seed, dropLast, prefetch);

    public void Dispose()
    {
        foreach (var m in _chunks) m.Dispose();
        _labels?.Dispose();
    }
}
