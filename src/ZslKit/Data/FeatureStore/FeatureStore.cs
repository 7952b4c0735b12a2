// Read side of a feature store: memory-maps every chunk file and the label matrix, copies items into caller
// buffers (fp16 widened to fp32), verifies checksums on request, and hands out shuffled prefetched batch streams.
// Every read counts itself in and out (_readers); Dispose marks the store disposed, waits for reads in flight and only
// then unmaps, so a read racing Dispose ends or gets ObjectDisposedException, never touches an unmapped page.
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ZslKit.Data.Formats;

namespace ZslKit.Data.FeatureStore;

/// <summary>An opened, read-only feature store folder (index.json + chunk files + labels.i8).</summary>
/// <remarks>Reads are thread-safe. After <see cref="Dispose"/> every member that reads the files throws
/// <see cref="ObjectDisposedException"/>; <see cref="Dispose"/> waits for reads in flight on other threads (e.g. a
/// <see cref="Batches"/> producer) before unmapping. A span from <see cref="Labels"/> points into the mapping: it must
/// not be used after the store is disposed.</remarks>
public sealed unsafe class FeatureStore : IDisposable
{
    private readonly Mapping[] _chunks;
    private readonly long[] _chunkStart;   // first item index of each chunk
    private readonly Mapping? _labels;
    private int _disposed;                 // 1 once Dispose has begun
    private int _readers;                  // reads in flight (Enter .. Exit)

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
        ArgumentNullException.ThrowIfNull(folder);
        if (string.IsNullOrWhiteSpace(folder)) throw new ArgumentException("FeatureStore.Open: folder is empty; give the store folder (the one holding index.json)", nameof(folder));
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
        Enter();
        try
        {
            for (var i = 0; i < _chunks.Length; i++) Check(_chunks[i], Index.Chunks[i].Crc32C);
            if (_labels is not null) Check(_labels, Index.Labels!.Crc32C);
        }
        finally { Exit(); }
    }

    /// <summary>Recomputes the CRC-32C of chunk <paramref name="chunk"/> (see <see cref="ChunkOf"/>); a mismatch raises
    /// <see cref="DataFormatException"/> naming the chunk file.</summary>
    public void VerifyChunk(int chunk)
    {
        if ((uint)chunk >= (uint)_chunks.Length)
            throw new ArgumentOutOfRangeException(nameof(chunk), chunk, $"FeatureStore.VerifyChunk: chunk {chunk} is outside [0, {_chunks.Length}) (the store's chunks)");
        Enter();
        try { Check(_chunks[chunk], Index.Chunks[chunk].Crc32C); }
        finally { Exit(); }
    }

    /// <summary>The position in <c>Index.Chunks</c> of the chunk holding item <paramref name="item"/>.</summary>
    public int ChunkOf(long item)
    {
        CheckItem(item);
        return Locate(item).Chunk;
    }

    private static void Check(Mapping m, string expected)
    {
        uint crc = 0;
        for (long at = 0; at < m.Length; at += 1 << 24)
            crc = Crc32C.Compute(m.Span(at, (int)Math.Min(1 << 24, m.Length - at)), crc);
        if (crc.ToString("x8") != expected) throw new DataFormatException(m.Path, -1, $"CRC-32C {crc:x8} differs from the index ({expected}): the file is corrupt");
    }

    /// <summary>Chunk and byte offset of a valid item (callers check the range).</summary>
    private (int Chunk, long Offset) Locate(long item)
    {
        var c = Array.BinarySearch(_chunkStart, item);
        if (c < 0) c = ~c - 1;
        while (Index.Chunks[c].Items == 0 || item - _chunkStart[c] >= Index.Chunks[c].Items) c++;   // skip empty chunks
        return (c, (item - _chunkStart[c]) * Index.ItemBytes);
    }

    private void CheckItem(long item, [CallerMemberName] string member = "")
    {
        if ((ulong)item >= (ulong)Count)
            throw new ArgumentOutOfRangeException(nameof(item), item, $"{Who(member)}: item {item} is outside [0, {Count}) (the store's items)");
    }

    /// <summary>Counts a read in; throws <see cref="ObjectDisposedException"/> once the store is disposed.</summary>
    private void Enter([CallerMemberName] string member = "")
    {
        Interlocked.Increment(ref _readers);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Decrement(ref _readers);
            throw Disposed(member);
        }
    }

    private void Exit() => Interlocked.Decrement(ref _readers);

    private ObjectDisposedException Disposed(string member) =>
        new(nameof(FeatureStore), $"{Who(member)}: the store {Folder} is disposed");

    // "ReadItem" -> "FeatureStore.ReadItem"; a caller outside the class passes its own qualified name.
    private static string Who(string member) => member.Contains('.') ? member : $"{nameof(FeatureStore)}.{member}";

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming <paramref name="member"/> when the store is disposed
    /// (callers that fan reads out over threads check first, so the error is not wrapped in an AggregateException).</summary>
    internal void ThrowIfDisposed(string member)
    {
        if (Volatile.Read(ref _disposed) != 0) throw Disposed(member);
    }

    /// <summary>Copies item <paramref name="item"/> into <paramref name="destination"/> (ItemElements floats).</summary>
    public void ReadItem(long item, Span<float> destination)
    {
        if (destination.Length < ItemElements) throw new ArgumentException($"destination holds {destination.Length} floats, an item has {ItemElements}", nameof(destination));
        CheckItem(item);
        Enter();
        try { CopyItem(item, destination); }
        finally { Exit(); }
    }

    private void CopyItem(long item, Span<float> destination)
    {
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

    /// <summary>The labels of <paramref name="item"/> (+1/-1/0), a view into the mapped file valid while the store is open
    /// (do not dispose the store while the span is in use).</summary>
    public ReadOnlySpan<sbyte> Labels(long item)
    {
        if (_labels is null) throw new InvalidOperationException($"FeatureStore.Labels: the store {Folder} has no labels");
        CheckItem(item);
        ThrowIfDisposed(nameof(Labels));
        return LabelRow(item);
    }

    private ReadOnlySpan<sbyte> LabelRow(long item) => MemoryMarshal.Cast<byte, sbyte>(_labels!.Span(item * LabelCount, LabelCount));

    /// <summary>Copies label columns <paramref name="columns"/> of <paramref name="item"/> into <paramref name="destination"/>
    /// (columns already checked against <see cref="LabelCount"/>); the copy is done before the store can be unmapped.</summary>
    internal void CopyLabels(long item, ReadOnlySpan<int> columns, Span<sbyte> destination, string member)
    {
        if (_labels is null) throw new InvalidOperationException($"{member}: the store {Folder} has no labels");
        CheckItem(item, member);
        Enter(member);
        try
        {
            var row = LabelRow(item);
            for (var c = 0; c < columns.Length; c++) destination[c] = row[columns[c]];
        }
        finally { Exit(); }
    }

    /// <summary>Copies the items <paramref name="items"/> into caller buffers: features [n, ItemElements], labels [n, LabelCount].</summary>
    public void ReadBatch(ReadOnlySpan<long> items, Span<float> features, Span<sbyte> labels = default)
    {
        var e = ItemElements;
        if (features.Length < items.Length * e) throw new ArgumentException($"features buffer too small for {items.Length} items", nameof(features));
        if (labels.Length > 0 && labels.Length < items.Length * LabelCount) throw new ArgumentException($"labels buffer too small for {items.Length} items", nameof(labels));
        foreach (var item in items) CheckItem(item);   // index errors before any copy
        Enter();
        try
        {
            for (var i = 0; i < items.Length; i++)
            {
                CopyItem(items[i], features.Slice(i * e, e));
                if (labels.Length > 0 && _labels is not null) LabelRow(items[i]).CopyTo(labels.Slice(i * LabelCount, LabelCount));
            }
        }
        finally { Exit(); }
    }

    /// <summary>Streams batches in a seeded shuffled order (or in order when <paramref name="seed"/> is null), prefetched by a background task.</summary>
    /// <remarks>Dispose the store only after the enumeration ends: a batch being read when it is disposed ends the
    /// enumeration with <see cref="ObjectDisposedException"/>.</remarks>
    public FeatureBatchStream Batches(int batchSize, int? seed = null, bool dropLast = false, int prefetch = 4)
    {
        ThrowIfDisposed(nameof(Batches));
        return new(this, batchSize, seed, dropLast, prefetch);
    }

    /// <summary>Unmaps the files, after waiting for reads in flight on other threads; later reads throw
    /// <see cref="ObjectDisposedException"/>. Calling it again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var spin = new SpinWait();
        while (Volatile.Read(ref _readers) != 0) spin.SpinOnce();   // a read in flight finishes on the mapping
        foreach (var m in _chunks) m.Dispose();
        _labels?.Dispose();
    }
}
