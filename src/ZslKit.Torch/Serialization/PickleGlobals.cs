// The allow-list of pickle globals the .pth reader accepts, and the placeholder objects they produce while a pickle
// is decoded (storages, tensor views). Nothing here calls Python or any code named by a file: each allowed global
// is mapped to a fixed C# behaviour, every other name is refused.
namespace ZslKit.Torch.Serialization;

/// <summary>What an allowed global does when the pickle calls (REDUCE/NEWOBJ) or uses it.</summary>
internal enum PickleGlobalKind
{
    OrderedDict,
    RebuildTensorV2,
    RebuildTensor,
    RebuildParameter,
    RebuildParameterWithState,
    StorageType,
    NumpyReconstruct,
    NumpyFromBuffer,
    NumpyNdarray,
    NumpyDType,
    CodecsEncode,
    EmptyBytes,
}

/// <summary>A resolved allowed global (module.name); StorageDType is set for torch.*Storage types.</summary>
internal sealed record PickleGlobal(string Module, string Name, PickleGlobalKind Kind, ScalarType StorageDType = default)
{
    public string FullName => $"{Module}.{Name}";
    public override string ToString() => FullName;
}

/// <summary>The fixed table of globals a checkpoint may name.</summary>
internal static class PickleGlobals
{
    private static readonly Dictionary<(string Module, string Name), PickleGlobal> Allowed = Build();

    private static Dictionary<(string, string), PickleGlobal> Build()
    {
        var list = new List<PickleGlobal>
        {
            new("collections", "OrderedDict", PickleGlobalKind.OrderedDict),
            new("torch._utils", "_rebuild_tensor_v2", PickleGlobalKind.RebuildTensorV2),
            new("torch._utils", "_rebuild_tensor", PickleGlobalKind.RebuildTensor),
            new("torch._utils", "_rebuild_parameter", PickleGlobalKind.RebuildParameter),
            new("torch._utils", "_rebuild_parameter_with_state", PickleGlobalKind.RebuildParameterWithState),
        };
        (string Name, ScalarType Type)[] storages =
        [
            ("FloatStorage", ScalarType.Float32), ("HalfStorage", ScalarType.Float16),
            ("BFloat16Storage", ScalarType.BFloat16), ("DoubleStorage", ScalarType.Float64),
            ("LongStorage", ScalarType.Int64), ("IntStorage", ScalarType.Int32), ("ShortStorage", ScalarType.Int16),
            ("CharStorage", ScalarType.Int8), ("ByteStorage", ScalarType.Byte), ("BoolStorage", ScalarType.Bool),
            ("UntypedStorage", ScalarType.Byte), // torch.save of a bare UntypedStorage: bytes
        ];
        list.AddRange(storages.Select(s => new PickleGlobal("torch", s.Name, PickleGlobalKind.StorageType, s.Type)));
        // numpy arrays (NumpyPickle.cs): numpy 1.x names, then numpy 2.x's numpy._core; _codecs.encode carries the raw
        // bytes of protocol-2 pickles written by Python 3 (latin-1 only).
        foreach (var core in new[] { "numpy.core", "numpy._core" })
        {
            list.Add(new(core + ".multiarray", "_reconstruct", PickleGlobalKind.NumpyReconstruct));
            list.Add(new(core + ".numeric", "_frombuffer", PickleGlobalKind.NumpyFromBuffer));
        }
        list.Add(new("numpy", "ndarray", PickleGlobalKind.NumpyNdarray));
        list.Add(new("numpy", "dtype", PickleGlobalKind.NumpyDType));
        list.Add(new("_codecs", "encode", PickleGlobalKind.CodecsEncode));
        // protocol 2 writes b'' as bytes() (the name is __builtin__ under Python 2's naming); only the no-argument call is read
        list.Add(new("__builtin__", "bytes", PickleGlobalKind.EmptyBytes));
        list.Add(new("builtins", "bytes", PickleGlobalKind.EmptyBytes));
        return list.ToDictionary(g => (g.Module, g.Name));
    }

    /// <summary>The allowed global, or null when module.name is not on the allow-list.</summary>
    public static PickleGlobal? Find(string module, string name) => Allowed.GetValueOrDefault((module, name));

    /// <summary>The allow-list as "module.name" strings (for documentation and error messages).</summary>
    public static IEnumerable<string> AllowedNames => Allowed.Values.Select(g => g.FullName);
}

/// <summary>
/// One storage of the file (zip: entry data/&lt;Key&gt;; legacy: one block after the storage-key list).
/// <see cref="Data"/> is filled once its bytes are read, already converted to little-endian.
/// </summary>
internal sealed class PthStorage(string key, ScalarType dtype, long numel)
{
    public string Key { get; } = key;
    public ScalarType DType { get; } = dtype;
    public long Numel { get; } = numel;
    public byte[]? Data { get; set; }
}

/// <summary>A storage as a tensor sees it: a root storage, or (legacy view_metadata) an element range of one.</summary>
internal sealed record PthStorageRef(PthStorage Root, long ElementOffset, long Numel);

/// <summary>A tensor decoded from the pickle whose bytes are materialised once every storage is loaded.</summary>
internal sealed record PthTensorRef(PthStorageRef Storage, long StorageOffset, long[] Size, long[] Stride, long PickleOffset);
