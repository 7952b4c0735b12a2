// Writes a feature store once: items are appended to fixed-size chunk files in a temporary folder (<folder>.partial),
// labels to an int8 matrix, CRC-32C checksums are accumulated, and Complete() writes index.json and renames the
// temporary folder into place, so a store folder either is complete or does not exist.
using System.Runtime.InteropServices;
using ZslKit.Data.Formats;

namespace ZslKit.Data.FeatureStore;

/// <summary>Layout of a new store.</summary>
/// <param name="ItemShape">Shape of one item, e.g. [196, 512].</param>
/// <param name="DType">Stored element type; fp16 halves the size (values are rounded to half precision).</param>
/// <param name="LabelCount">Labels per item (0: no labels).</param>
/// <param name="ItemsPerChunk">Items per chunk file.</param>
public sealed record FeatureStoreOptions(int[] ItemShape, FeatureDType DType = FeatureDType.Fp32, int LabelCount = 0, int ItemsPerChunk = 1024)
{
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

/// <summary>Appends items (and their labels) to a new feature store; call <see cref="Complete"/> to publish it.</summary>
public sealed class FeatureStoreWriter : IDisposable
{
    private readonly string _folder, _partial;
    private readonly FeatureStoreOptions _options;
    private readonly long _itemElements;
    private readonly List<FeatureChunk> _chunks = [];
    private readonly FileStream _labels;
    private uint _labelsCrc;
    private FileStream? _chunk;
    private uint _chunkCrc;
    private long _chunkItems;
    private readonly byte[] _scratch;
    private bool _completed;

    /// <summary>Number of items appended so far.</summary>
    public long Count { get; private set; }

    /// <summary>The temporary folder (<c>&lt;folder&gt;.partial</c>) the store is written to: a sidecar file written here
    /// before <see cref="Complete"/> (e.g. item-ids.txt) is published atomically with the store.</summary>
    public string TemporaryFolder => _partial;

    /// <summary>Starts a store at <paramref name="folder"/>, which must not exist yet.</summary>
    public FeatureStoreWriter(string folder, FeatureStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(folder)) throw new ArgumentException("FeatureStoreWriter: folder is empty; give the new store's folder", nameof(folder));
        if (options.ItemShape is null) throw new ArgumentException("FeatureStoreWriter: options.ItemShape is null; give the shape of one item, e.g. [196, 512]", nameof(options));
        if (options.ItemShape.Length == 0 || options.ItemShape.Any(d => d <= 0))
            throw new ArgumentException($"item shape [{string.Join(",", options.ItemShape)}] must have positive dims", nameof(options));
        if (!Enum.IsDefined(options.DType))
            throw new ArgumentException($"FeatureStoreWriter: options.DType must be Fp32 or Fp16, got {(int)options.DType}", nameof(options));
        if (options.Metadata is null) throw new ArgumentException("FeatureStoreWriter: options.Metadata is null (leave it unset for none)", nameof(options));
        if (options.ItemsPerChunk <= 0) throw new ArgumentException("ItemsPerChunk must be positive", nameof(options));
        if (options.LabelCount < 0) throw new ArgumentException("LabelCount must be >= 0", nameof(options));
        _folder = Path.GetFullPath(folder);
        if (Directory.Exists(_folder) || File.Exists(_folder)) throw new IOException($"{_folder} already exists; feature stores are written once");
        _partial = _folder + ".partial";
        if (Directory.Exists(_partial)) Directory.Delete(_partial, recursive: true);   // left over from an interrupted writer
        Directory.CreateDirectory(_partial);
        _options = options;
        _itemElements = options.ItemShape.Aggregate(1L, (a, d) => a * d);
        _scratch = new byte[_itemElements * (options.DType == FeatureDType.Fp16 ? 2 : 4)];
        _labels = new FileStream(Path.Combine(_partial, "labels.i8"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }

    /// <summary>Appends one item (row-major, <c>ItemShape</c> elements) and its labels (<c>LabelCount</c> values, +1/-1/0;
    /// any other value is refused).</summary>
    public void Append(ReadOnlySpan<float> item, ReadOnlySpan<sbyte> labels = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (item.Length != _itemElements) throw new ArgumentException($"item has {item.Length} values, shape [{string.Join(",", _options.ItemShape)}] needs {_itemElements}", nameof(item));
        if (labels.Length != _options.LabelCount) throw new ArgumentException($"{labels.Length} labels, the store has {_options.LabelCount}", nameof(labels));
        for (var k = 0; k < labels.Length; k++)   // the format's label values (docs/data.md), checked before anything is written
            if (labels[k] is < -1 or > 1)
                throw new ArgumentException($"FeatureStoreWriter.Append: labels must hold +1, -1 or 0 (found {labels[k]} at [{k}])", nameof(labels));
        if (_chunk is null || _chunkItems == _options.ItemsPerChunk) StartChunk();
        ReadOnlySpan<byte> bytes;
        if (_options.DType == FeatureDType.Fp32) bytes = MemoryMarshal.AsBytes(item);   // little-endian machines only (x64/arm64)
        else
        {
            var halves = MemoryMarshal.Cast<byte, Half>(_scratch.AsSpan());
            for (var i = 0; i < item.Length; i++) halves[i] = (Half)item[i];
            bytes = _scratch;
        }
        _chunk!.Write(bytes);
        _chunkCrc = Crc32C.Compute(bytes, _chunkCrc);
        _chunkItems++;
        if (labels.Length > 0)
        {
            var lb = MemoryMarshal.AsBytes(labels);
            _labels.Write(lb);
            _labelsCrc = Crc32C.Compute(lb, _labelsCrc);
        }
        Count++;
    }

    private void StartChunk()
    {
        CloseChunk();
        _chunk = new FileStream(Path.Combine(_partial, $"chunk-{_chunks.Count:D5}.bin"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _chunkCrc = 0;
        _chunkItems = 0;
    }

    private void CloseChunk()
    {
        if (_chunk is null) return;
        _chunk.Flush(flushToDisk: true);
        _chunk.Dispose();
        _chunks.Add(new FeatureChunk(Path.GetFileName(_chunk.Name), _chunkItems, _chunkItems * _scratch.Length, _chunkCrc.ToString("x8")));
        _chunk = null;
    }

    /// <summary>Closes the files, writes index.json and renames the temporary folder to the store folder.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        CloseChunk();
        _labels.Flush(flushToDisk: true);
        _labels.Dispose();
        if (_options.LabelCount == 0) File.Delete(Path.Combine(_partial, "labels.i8"));
        var index = new FeatureStoreIndex
        {
            ItemShape = _options.ItemShape, DType = _options.DType, ItemCount = Count, LabelCount = _options.LabelCount,
            Chunks = _chunks,
            Labels = _options.LabelCount > 0 ? new FeatureLabels("labels.i8", Count * _options.LabelCount, _labelsCrc.ToString("x8")) : null,
            Metadata = _options.Metadata,
        };
        var tmp = Path.Combine(_partial, FeatureStoreIndex.FileName + ".tmp");
        index.Save(tmp);
        File.Move(tmp, Path.Combine(_partial, FeatureStoreIndex.FileName));
        Directory.Move(_partial, _folder);
        _completed = true;
    }

    /// <summary>Abandons an unfinished store (its temporary folder is deleted).</summary>
    public void Dispose()
    {
        if (_completed) return;
        _chunk?.Dispose();
        _labels.Dispose();
        _completed = true;
        try { Directory.Delete(_partial, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
