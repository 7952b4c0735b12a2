// The small object model PthReader.LoadObject returns: dicts, tuples (lists are List<object?>), with tensors as
// TensorData, strings as string, ints as long (BigInteger beyond 64 bits), floats as double, bools, None as null.
using System.Collections;
using System.Numerics;

namespace ZslKit.Torch.Serialization;

/// <summary>
/// A Python dict or collections.OrderedDict in file order. Keys are str, int (long/BigInteger), float, bool or flat
/// tuples of those (None allowed inside a tuple); values are any object of the model.
/// </summary>
public sealed class PthDict : IReadOnlyDictionary<object, object?>
{
    private readonly OrderedDictionary<object, object?> _items = new(PthKeyComparer.Instance);

    internal PthDict(bool isOrderedDict) => IsOrderedDict = isOrderedDict;

    /// <summary>True for collections.OrderedDict (e.g. a state_dict), false for a plain dict.</summary>
    public bool IsOrderedDict { get; }

    /// <summary>
    /// Instance attributes set on the dict by pickle BUILD (a state_dict carries <c>_metadata</c> this way); null when none.
    /// </summary>
    public PthDict? Attributes { get; internal set; }

    public int Count => _items.Count;
    public IEnumerable<object> Keys => _items.Keys;
    public IEnumerable<object?> Values => _items.Values;
    public object? this[object key] => _items[key];
    public bool ContainsKey(object key) => _items.ContainsKey(key);
    public bool TryGetValue(object key, out object? value) => _items.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Sets (or replaces, keeping the first position, as Python does) one item.</summary>
    internal void Set(object key, object? value) => _items[key] = value;

    /// <summary>Replaces the value at a position (used when tensors are materialised in place).</summary>
    internal void SetValueAt(int index, object? value) => _items.SetAt(index, value);

    internal KeyValuePair<object, object?> GetAt(int index) => _items.GetAt(index);
}

/// <summary>A Python tuple.</summary>
public sealed class PthTuple : IReadOnlyList<object?>
{
    internal readonly object?[] Items;

    internal PthTuple(object?[] items) => Items = items;

    public int Count => Items.Length;
    public object? this[int index] => Items[index];
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)Items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => Items.GetEnumerator();
    public override string ToString() => $"tuple[{Items.Length}]";
}

/// <summary>
/// Key equality for <see cref="PthDict"/>: value equality for scalars and strings, element-wise for flat tuples.
/// Nested tuples are not accepted as keys (the unpickler rejects them), so hashing and comparison never recurse.
/// </summary>
internal sealed class PthKeyComparer : IEqualityComparer<object>
{
    public static readonly PthKeyComparer Instance = new();

    /// <summary>Whether a value may be a dict key.</summary>
    public static bool IsValidKey(object? key) => key switch
    {
        PthTuple t => t.Items.All(i => i is null || IsScalarKey(i)),
        _ => IsScalarKey(key),
    };

    private static bool IsScalarKey(object? key) => key is string or long or BigInteger or double or bool;

    public new bool Equals(object? x, object? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is PthTuple a && y is PthTuple b)
        {
            if (a.Items.Length != b.Items.Length) return false;
            for (var i = 0; i < a.Items.Length; i++)
                if (!object.Equals(a.Items[i], b.Items[i])) return false;
            return true;
        }
        return object.Equals(x, y);
    }

    public int GetHashCode(object obj)
    {
        if (obj is not PthTuple t) return obj.GetHashCode();
        var h = new HashCode();
        foreach (var item in t.Items) h.Add(item);
        return h.ToHashCode();
    }
}
