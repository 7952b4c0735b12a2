// Reads PyTorch checkpoints written by torch.save -- the zip format (torch >= 1.6) and the legacy format
// (_use_new_zipfile_serialization=False) -- into TensorData without executing anything: the pickles are decoded by
// PickleReader against a fixed allow-list of globals. See docs/pth-format.md.
using System.IO.Compression;
using System.Numerics;

namespace ZslKit.Torch.Serialization;

/// <summary>Limits applied while reading a .pth file.</summary>
public sealed record PthReadOptions
{
    /// <summary>
    /// Largest tensor (in bytes) that may be materialised. Storages are bounded by the file size; this bounds views
    /// that repeat storage elements (stride 0, e.g. a saved <c>expand()</c>).
    /// </summary>
    public long MaxTensorBytes { get; init; } = Array.MaxLength;

    /// <summary>
    /// Largest sum of all materialised tensors, in bytes; null means 8 x the file size + 1 GiB. Every view of a
    /// storage is copied, so a small file that names one storage many times could otherwise expand without bound.
    /// </summary>
    public long? MaxTotalBytes { get; init; }

    public static PthReadOptions Default { get; } = new();
}

/// <summary>Loads tensors and small Python objects from torch.save files.</summary>
public static class PthReader
{
    /// <summary>First pickle of a legacy file (torch/serialization.py MAGIC_NUMBER).</summary>
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("1950A86A20F9469CFC6C", System.Globalization.NumberStyles.HexNumber);
    private const long LegacyProtocolVersion = 1001;
    private const int MaxNesting = 1000;

    /// <summary>
    /// The state dict in a file, in file order: the top-level str-to-tensor dict, or the one under "state_dict"
    /// or "model" of a checkpoint dict. Same as <c>LoadStateDict(path, null)</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, TensorData> Load(string path, PthReadOptions? options = null) =>
        LoadStateDict(path, key: null, options);

    /// <summary>
    /// A str-to-tensor dict from the file: with <paramref name="key"/> null the top-level object if it is one, else
    /// its "state_dict" entry, else its "model" entry; with a key, that entry of the top-level dict.
    /// </summary>
    public static IReadOnlyDictionary<string, TensorData> LoadStateDict(string path, string? key, PthReadOptions? options = null)
    {
        var root = LoadObject(path, options);
        if (root is not PthDict top)
            throw new PthFormatException(path, null, null, $"the file holds a {PickleReader.Describe(root)}, not a dict of tensors");
        PthDict selected;
        if (key is not null)
        {
            selected = top.TryGetValue(key, out var v) && v is PthDict d ? d
                : throw new PthFormatException(path, null, null, top.ContainsKey(key)
                    ? $"entry '{Short(key)}' is a {PickleReader.Describe(top[key])}, not a dict of tensors"
                    : $"no entry '{Short(key)}' in the top-level dict (keys: {KeyList(top)})");
        }
        else if (top.Count > 0 && top.Values.All(v => v is TensorData)) selected = top;
        else if (top.TryGetValue("state_dict", out var sd) && sd is PthDict sdd) selected = sdd;
        else if (top.TryGetValue("model", out var m) && m is PthDict md) selected = md;
        else if (top.Count == 0) selected = top;
        else
            throw new PthFormatException(path, null, null,
                $"the top-level dict is not a state dict (a mapping of names to tensors) and has no 'state_dict' or 'model' dict entry (keys: {KeyList(top)})");

        var result = new OrderedDictionary<string, TensorData>(selected.Count);
        foreach (var (k, v) in selected)
        {
            if (k is not string name || v is not TensorData t)
                throw new PthFormatException(path, null, null,
                    $"state dict entry {(k is string ks ? Short(ks) : PickleReader.Describe(k))} is a {PickleReader.Describe(v)}, not a tensor under a str key");
            result.Add(name, t);
        }
        return result;
    }

    /// <summary>
    /// The whole pickled object: <see cref="PthDict"/> for dict/OrderedDict, <see cref="PthTuple"/>, List&lt;object?&gt;,
    /// string, long (BigInteger beyond 64 bits), double, bool, byte[], null, and <see cref="TensorData"/> for tensors
    /// (a bare storage becomes a 1-D tensor). Tensors that are the same object in the file are the same TensorData.
    /// </summary>
    public static object? LoadObject(string path, PthReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"no such .pth file: {path}", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return LoadObject(stream, path, options);
    }

    /// <summary>
    /// <see cref="LoadObject(string, PthReadOptions?)"/> for a seekable stream positioned at the start of the file;
    /// <paramref name="name"/> is used in error messages.
    /// </summary>
    public static object? LoadObject(Stream stream, string name, PthReadOptions? options = null) =>
        Decode(stream, name, options, (s, context) =>
        {
            var start = s.Position;
            var header = new byte[4];
            var got = s.ReadAtLeast(header, 4, throwOnEndOfStream: false);
            s.Position = start;
            if (got >= 4 && header[0] == 'P' && header[1] == 'K' && header[2] == 3 && header[3] == 4) return LoadZip(s, context);
            if (got >= 2 && header[0] == 0x80 && header[1] is >= 2 and <= 5) return LoadLegacy(s, context);
            if (got < 4) throw new PthFormatException(name, null, 0, $"truncated file: {got} bytes is too short for a checkpoint");
            throw new PthFormatException(name, null, 0,
                $"not a PyTorch checkpoint: the file starts with {Convert.ToHexString(header)}, expected a zip archive " +
                "(504B0304) or a legacy torch.save pickle (80 02..05)");
        });

    /// <summary>The frame of every load: argument checks, limits, <paramref name="read"/> (which returns the raw pickled
    /// root), tensor materialisation, and I/O failures reported as <see cref="PthFormatException"/> naming the file.</summary>
    private static object? Decode(Stream stream, string name, PthReadOptions? options, Func<Stream, LoadContext, object?> read)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead) throw new ArgumentException("the stream must be readable and seekable", nameof(stream));
        options ??= PthReadOptions.Default;
        var context = new LoadContext(name, options, options.MaxTotalBytes ?? 8 * stream.Length + (1L << 30));
        try
        {
            return new Resolver(context).Resolve(read(stream, context), 0);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or (IOException and not FileNotFoundException))
        {
            throw new PthFormatException(name, context.Entry, null, $"corrupt or truncated file: {e.Message}", e);
        }
    }

    /// <summary>
    /// A bare pickle file (<c>pickle.dump</c>, not <c>torch.save</c>) decoded with the same restricted unpickler: the object
    /// model of <see cref="LoadObject(string, PthReadOptions?)"/>, with numpy arrays (protocols 2–5; numeric and bool
    /// dtypes, either byte order, C or Fortran order) as C-order little-endian <see cref="TensorData"/>. This is how the
    /// LESA release's word-vector pickles are read. Any global outside the allow-list is refused; nothing is executed.
    /// </summary>
    public static object? LoadPickle(string path, PthReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"no such pickle file: {path}", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return LoadPickle(stream, path, options);
    }

    /// <summary><see cref="LoadPickle(string, PthReadOptions?)"/> for a seekable stream positioned at the pickle's first
    /// byte; the pickle must end the stream. <paramref name="name"/> is used in error messages.</summary>
    public static object? LoadPickle(Stream stream, string name, PthReadOptions? options = null) =>
        Decode(stream, name, options, (s, _) =>
        {
            var start = s.Position;
            var header = new byte[2];
            var got = s.ReadAtLeast(header, 2, throwOnEndOfStream: false);
            if (got == 0) throw new PthFormatException(name, null, null, "the file is empty");
            if (got < 2 || header[0] != 0x80 || header[1] is < 2 or > 5)
                throw new PthFormatException(name, null, 0,
                    $"not a pickle of protocol 2 to 5: the file starts with {Convert.ToHexString(header.AsSpan(0, got))}, expected 80 02..05");
            s.Position = start;
            var root = new PickleReader(s, name, null, null).Load();
            if (s.Position != s.Length)
                throw new PthFormatException(name, null, s.Position, $"{s.Length - s.Position} bytes follow the pickle's STOP");
            return root;
        });

    private static string KeyList(PthDict d) =>
        string.Join(", ", d.Keys.Take(10).Select(k => k is string s ? Short(s) : PickleReader.Describe(k))) + (d.Count > 10 ? ", ..." : "");

    /// <summary>A file-provided string cut to a length fit for an error message.</summary>
    private static string Short(string s) => s.Length <= 60 ? s : s[..60] + "...";

    /// <summary>State shared by one load: file, limits, storages by key, and the entry being read (for messages).</summary>
    private sealed class LoadContext(string path, PthReadOptions options, long totalBudget)
    {
        /// <summary>Bytes that materialised tensors may still take (see PthReadOptions.MaxTotalBytes).</summary>
        public long TotalBudget { get; set; } = totalBudget;
        public string Path { get; } = path;
        public PthReadOptions Options { get; } = options;
        public Dictionary<string, PthStorage> Storages { get; } = [];
        public string? Entry { get; set; }
        public string? PickleEntry { get; set; }
        public PthFormatException Error(long? offset, string problem) => new(Path, Entry, offset, problem);
    }

    // ---- zip format: <prefix>/data.pkl, <prefix>/data/<key>, <prefix>/byteorder, <prefix>/version

    private static object? LoadZip(Stream stream, LoadContext ctx)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var pklEntry = zip.Entries.FirstOrDefault(e => e.FullName == "data.pkl" ||
            (e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - 9));
        if (pklEntry is null)
        {
            var torchScript = zip.Entries.Any(e => e.FullName.EndsWith("/constants.pkl", StringComparison.Ordinal));
            throw ctx.Error(null, torchScript
                ? "a TorchScript archive (torch.jit.save), not a torch.save checkpoint"
                : "zip archive without a <folder>/data.pkl entry: not a torch.save checkpoint");
        }
        var prefix = pklEntry.FullName[..^"data.pkl".Length];
        var fileLength = stream.Length;

        var bigEndian = false;
        if (zip.GetEntry(prefix + "byteorder") is { } orderEntry)
        {
            ctx.Entry = orderEntry.FullName;
            var order = System.Text.Encoding.ASCII.GetString(ReadEntry(orderEntry, 16, fileLength, ctx, exact: false)).Trim();
            bigEndian = order switch
            {
                "little" => false,
                "big" => true,
                _ => throw ctx.Error(0, $"byteorder record is '{order}', expected 'little' or 'big'"),
            };
        }

        ctx.Entry = ctx.PickleEntry = pklEntry.FullName;
        var pickle = ReadEntry(pklEntry, pklEntry.Length, fileLength, ctx, exact: true);
        using var pickleStream = new MemoryStream(pickle, writable: false);
        var reader = new PickleReader(pickleStream, ctx.Path, pklEntry.FullName, (pid, offset) =>
        {
            var (dtype, key, numel, _) = ParseStoragePid(pid, offset, ctx, legacy: false);
            if (!ctx.Storages.TryGetValue(key, out var storage))
            {
                storage = new PthStorage(key, dtype, numel);
                var name = prefix + "data/" + key;
                var entry = zip.GetEntry(name) ?? throw ctx.Error(offset, $"missing storage entry '{name}' for storage key '{key}'");
                var nbytes = checked(numel * dtype.ElementSize());
                ctx.Entry = name;
                if (entry.Length < nbytes)
                    throw ctx.Error(null, $"storage entry holds {entry.Length} bytes but storage '{key}' needs {nbytes} ({numel} x {dtype})");
                storage.Data = ReadEntry(entry, nbytes, fileLength, ctx, exact: false);
                if (bigEndian) PthTensorRebuild.SwapBytes(storage.Data, dtype.ElementSize());
                ctx.Entry = pklEntry.FullName;
                ctx.Storages[key] = storage;
            }
            else if (storage.DType != dtype || storage.Numel != numel)
                throw ctx.Error(offset, $"storage '{key}' is referenced as {dtype} x {numel} and as {storage.DType} x {storage.Numel}");
            return new PthStorageRef(storage, 0, numel);
        });
        var root = reader.Load();
        return root;
    }

    /// <summary>
    /// Reads <paramref name="count"/> bytes of an entry (all of it when <paramref name="exact"/>), after checking the
    /// entry's declared sizes against the file size so a corrupt directory cannot trigger a huge allocation.
    /// </summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, long count, long fileLength, LoadContext ctx, bool exact)
    {
        // Deflate expands at most ~1032x; a stored entry is never larger than the file.
        if (entry.CompressedLength > fileLength || entry.Length > entry.CompressedLength * 1100 + 1024 || entry.Length < 0)
            throw ctx.Error(null, $"entry sizes ({entry.CompressedLength} compressed, {entry.Length} uncompressed) do not fit a {fileLength}-byte file");
        count = Math.Min(count, entry.Length);
        if (count > Array.MaxLength) throw ctx.Error(null, $"entry of {count} bytes is larger than one array can hold");
        var buffer = new byte[count];
        using var s = entry.Open();
        var read = s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length) throw ctx.Error(read, $"truncated entry: {read} of {buffer.Length} bytes");
        if (exact && s.ReadByte() >= 0) throw ctx.Error(count, "entry is longer than its declared size");
        return buffer;
    }

    // ---- legacy format: magic, protocol version, sys_info, main pickle, storage keys, then per storage
    // an int64 little-endian element count and the raw little-endian elements, in the order of the key list.

    private static object? LoadLegacy(Stream stream, LoadContext ctx)
    {
        var magic = new PickleReader(stream, ctx.Path, null, null).Load();
        if (!(magic is BigInteger m && m == LegacyMagic))
            throw ctx.Error(0, "invalid magic number: not a legacy torch.save file");
        var versionAt = stream.Position;
        var version = new PickleReader(stream, ctx.Path, null, null).Load();
        if (version is not long v || v != LegacyProtocolVersion)
            throw ctx.Error(versionAt, $"unsupported legacy protocol version {(version is long lv ? lv : PickleReader.Describe(version))} (expected {LegacyProtocolVersion})");
        var sysInfoAt = stream.Position;
        if (new PickleReader(stream, ctx.Path, null, null).Load() is not PthDict)
            throw ctx.Error(sysInfoAt, "sys_info record is not a dict");
        // sys_info's little_endian flag describes the writer; storages are always written little-endian.

        var root = new PickleReader(stream, ctx.Path, null, (pid, offset) =>
        {
            var (dtype, key, numel, view) = ParseStoragePid(pid, offset, ctx, legacy: true);
            if (!ctx.Storages.TryGetValue(key, out var storage))
                ctx.Storages[key] = storage = new PthStorage(key, dtype, numel);
            else if (storage.DType != dtype || storage.Numel != numel)
                throw ctx.Error(offset, $"storage '{key}' is referenced as {dtype} x {numel} and as {storage.DType} x {storage.Numel}");
            if (view is null) return new PthStorageRef(storage, 0, numel);
            var (viewOffset, viewSize) = view.Value;
            if (viewOffset < 0 || viewSize < 0 || viewOffset > numel || viewSize > numel - viewOffset)
                throw ctx.Error(offset, $"storage view [{viewOffset}, {viewOffset + viewSize}) lies outside storage '{key}' of {numel} elements");
            return new PthStorageRef(storage, viewOffset, viewSize);
        }).Load();

        var keysAt = stream.Position;
        if (new PickleReader(stream, ctx.Path, null, null).Load() is not List<object?> keys)
            throw ctx.Error(keysAt, "storage key list is not a list");
        Span<byte> countBytes = stackalloc byte[8];
        foreach (var k in keys)
        {
            var at = stream.Position;
            if (k is not string key || !ctx.Storages.TryGetValue(key, out var storage))
                throw ctx.Error(keysAt, $"storage key {(k as string) ?? PickleReader.Describe(k)} is listed but no tensor uses it");
            if (stream.Length - at < 8) throw ctx.Error(at, $"truncated file: storage '{key}' header missing");
            stream.ReadExactly(countBytes);
            var count = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(countBytes);
            if (count != storage.Numel)
                throw ctx.Error(at, $"storage '{key}' has {count} elements in the file but {storage.Numel} in its persistent id");
            var nbytes = checked(count * storage.DType.ElementSize());
            if (nbytes > stream.Length - stream.Position)
                throw ctx.Error(at + 8, $"truncated file: storage '{key}' needs {nbytes} bytes, {stream.Length - stream.Position} left");
            if (storage.Data is not null) throw ctx.Error(at, $"storage '{key}' is listed twice");
            storage.Data = new byte[nbytes];
            stream.ReadExactly(storage.Data);
        }
        return root;
    }

    /// <summary>
    /// Decodes a storage persistent id: ('storage', torch.XStorage, key, location, numel) in the zip format, plus a
    /// sixth element view_metadata = None | (view_key, offset, size) in the legacy format.
    /// </summary>
    private static (ScalarType DType, string Key, long Numel, (long Offset, long Size)? View) ParseStoragePid(
        object? pid, long offset, LoadContext ctx, bool legacy)
    {
        if (pid is not PthTuple t || t.Count == 0)
            throw ctx.Error(offset, $"persistent id is a {PickleReader.Describe(pid)}, expected a ('storage', ...) tuple");
        if (t[0] is "module")
            throw ctx.Error(offset, "the file pickles a whole nn.Module (persistent id 'module'); save and load its state_dict()");
        var expected = legacy ? 6 : 5;
        if (t[0] is not "storage" || t.Count != expected)
            throw ctx.Error(offset, $"persistent id must be ('storage', type, key, location, numel{(legacy ? ", view" : "")})");
        if (t[1] is not PickleGlobal { Kind: PickleGlobalKind.StorageType } type)
            throw ctx.Error(offset, $"persistent id names a {PickleReader.Describe(t[1])}, not a torch.*Storage type");
        var key = t[2] switch
        {
            string s => s,
            long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw ctx.Error(offset, $"storage key is a {PickleReader.Describe(t[2])}"),
        };
        if (t[4] is not long numel || numel < 0)
            throw ctx.Error(offset, $"storage '{Short(key)}' element count is not a non-negative int");
        if (numel > Array.MaxLength / type.StorageDType.ElementSize())
            throw ctx.Error(offset, $"storage '{Short(key)}' of {numel} elements is larger than one array can hold");
        (long, long)? view = null;
        if (legacy && t[5] is not null)
        {
            if (t[5] is not PthTuple { Count: 3 } vm || vm[1] is not long vo || vm[2] is not long vs)
                throw ctx.Error(offset, "legacy view_metadata must be None or (view_key, offset, size)");
            view = (vo, vs);
        }
        return (type.StorageDType, key, numel, view);
    }

    // ---- after all storages are read: replace tensor views by TensorData throughout the object tree

    private sealed class Resolver(LoadContext ctx)
    {
        private readonly Dictionary<object, TensorData> _tensors = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);

        public object? Resolve(object? value, int depth)
        {
            if (depth > MaxNesting) throw ctx.Error(null, $"objects nested deeper than {MaxNesting} levels");
            switch (value)
            {
                case PthTensorRef t:
                    if (_tensors.TryGetValue(t, out var done)) return done;
                    ctx.Entry = ctx.PickleEntry;
                    return _tensors[t] = Materialise(t, t.PickleOffset);
                case PthStorageRef s:
                    if (_tensors.TryGetValue(s, out var bare)) return bare;
                    return _tensors[s] = Materialise(new PthTensorRef(s, 0, [s.Numel], [1], 0), null);
                case PickleGlobal g:
                    throw ctx.Error(null, $"the file stores the global {g} itself as a value, which has no data representation");
                case NumpyArrayRef a:
                    return a.Result ?? throw ctx.Error(a.PickleOffset, "a numpy array was created but never given its data (no BUILD)");
                case NumpyDType d:
                    throw ctx.Error(null, $"the file stores a {d} itself as a value, which has no data representation");
                case PthDict d:
                    if (!_visited.Add(d)) return d;
                    for (var i = 0; i < d.Count; i++) d.SetValueAt(i, Resolve(d.GetAt(i).Value, depth + 1));
                    if (d.Attributes is not null) Resolve(d.Attributes, depth + 1);
                    return d;
                case List<object?> list:
                    if (!_visited.Add(list)) return list;
                    for (var i = 0; i < list.Count; i++) list[i] = Resolve(list[i], depth + 1);
                    return list;
                case PthTuple tuple:
                    if (!_visited.Add(tuple)) return tuple;
                    for (var i = 0; i < tuple.Items.Length; i++) tuple.Items[i] = Resolve(tuple.Items[i], depth + 1);
                    return tuple;
                default:
                    return value;
            }
        }

        private TensorData Materialise(PthTensorRef t, long? offset)
        {
            if (ctx.TotalBudget <= 0 && t.Size.All(d => d != 0))
                throw ctx.Error(offset, "the tensors of this file exceed PthReadOptions.MaxTotalBytes");
            var limit = Math.Min(ctx.Options.MaxTensorBytes, ctx.TotalBudget);
            var data = PthTensorRebuild.Materialise(t, limit, msg => ctx.Error(offset, msg));
            ctx.TotalBudget -= data.Data.Length;
            return data;
        }
    }
}
