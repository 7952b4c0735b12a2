// A restricted Python unpickler (protocols 2-5) for the pickles torch.save writes. It decodes data only: globals
// are looked up in PickleGlobals' allow-list and mapped to fixed behaviours (OrderedDict, tensor rebuild), any other
// global or opcode is an error naming the byte offset. Every length read from the stream is checked against the
// bytes that remain before anything is allocated.
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace ZslKit.Torch.Serialization;

/// <summary>Decodes one pickle from the current position of a seekable stream, leaving the stream after STOP.</summary>
internal sealed class PickleReader
{
    /// <summary>Resolves a persistent id (the tuple torch.save writes for a storage) at a byte offset.</summary>
    public delegate object PersistentLoad(object? pid, long offset);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly string _file;
    private readonly string? _entry;
    private readonly PersistentLoad? _persistentLoad;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private long _op; // offset of the opcode being decoded, for error messages

    public PickleReader(Stream stream, string file, string? entry, PersistentLoad? persistentLoad)
    {
        _stream = stream;
        _file = file;
        _entry = entry;
        _persistentLoad = persistentLoad;
    }

    private long Remaining => _stream.Length - _stream.Position;

    /// <summary>Reads opcodes up to and including STOP and returns the pickled object.</summary>
    public object? Load()
    {
        _stack.Clear();
        _marks.Clear();
        _memo.Clear();
        while (true)
        {
            _op = _stream.Position;
            var code = _stream.ReadByte();
            if (code < 0) throw Error("truncated pickle: end of data before STOP");
            switch ((byte)code)
            {
                case 0x80: // PROTO
                    var proto = ReadU8();
                    if (proto is < 2 or > 5) throw Error($"unsupported pickle protocol {proto} (2 to 5 are read)");
                    break;
                case 0x95: // FRAME: a length hint only; the opcodes inside are read as usual
                    var frame = ReadI64();
                    if (frame < 0 || frame > Remaining) throw Error($"frame length {frame} exceeds the {Remaining} bytes left");
                    break;
                case (byte)'.': // STOP
                    if (_stack.Count == 0) throw Error("STOP with an empty stack");
                    if (_marks.Count != 0) throw Error("STOP inside an unclosed MARK");
                    return Pop();

                case (byte)'}': Push(new PthDict(isOrderedDict: false)); break;          // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break;                        // EMPTY_LIST
                case (byte)')': Push(new PthTuple([])); break;                           // EMPTY_TUPLE
                case (byte)'(': _marks.Add(_stack.Count); break;                         // MARK
                case (byte)'N': Push(null); break;                                       // NONE
                case 0x88: Push(true); break;                                            // NEWTRUE
                case 0x89: Push(false); break;                                           // NEWFALSE

                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
                case (byte)'K': Push((long)ReadU8()); break;                                              // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case 0x8a: Push(DecodeLong(ReadBytes(ReadU8()))); break;                                  // LONG1
                case 0x8b: Push(DecodeLong(ReadBytes(ReadLength(4)))); break;                             // LONG4
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break;          // BINFLOAT

                case 0x8c: Push(DecodeUtf8(ReadBytes(ReadU8()))); break;             // SHORT_BINUNICODE
                case (byte)'X': Push(DecodeUtf8(ReadBytes(ReadLength(4)))); break;   // BINUNICODE
                case 0x8d: Push(DecodeUtf8(ReadBytes(ReadLength(8)))); break;        // BINUNICODE8
                case (byte)'U': Push(Encoding.Latin1.GetString(ReadBytes(ReadU8()))); break;      // SHORT_BINSTRING
                case (byte)'T': Push(Encoding.Latin1.GetString(ReadBytes(ReadLength(4)))); break; // BINSTRING
                case (byte)'C': Push(ReadBytes(ReadU8())); break;                     // SHORT_BINBYTES
                case (byte)'B': Push(ReadBytes(ReadLength(4))); break;                // BINBYTES
                case 0x8e: Push(ReadBytes(ReadLength(8))); break;                     // BINBYTES8
                case 0x96: Push(ReadBytes(ReadLength(8))); break;                     // BYTEARRAY8 (protocol 5 numpy buffers)

                case (byte)'q': _memo[ReadU8()] = Peek(); break;                                          // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break;                                            // MEMOIZE
                case (byte)'h': Push(MemoGet(ReadU8())); break;                                           // BINGET
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // LONG_BINGET

                case 0x85: Push(MakeTuple(PopN(1))); break;            // TUPLE1
                case 0x86: Push(MakeTuple(PopN(2))); break;            // TUPLE2
                case 0x87: Push(MakeTuple(PopN(3))); break;            // TUPLE3
                case (byte)'t': Push(MakeTuple(PopMark())); break;     // TUPLE
                case (byte)'l': Push(PopMark().ToList()); break;       // LIST
                case (byte)'d':                                        // DICT
                    var dict = new PthDict(isOrderedDict: false);
                    SetItems(dict, PopMark());
                    Push(dict);
                    break;

                case (byte)'s': // SETITEM
                {
                    var kv = PopN(2);
                    SetItems(PeekAs<PthDict>("SETITEM"), kv);
                    break;
                }
                case (byte)'u': // SETITEMS
                {
                    var items = PopMark();
                    SetItems(PeekAs<PthDict>("SETITEMS"), items);
                    break;
                }
                case (byte)'a': // APPEND
                {
                    var item = Pop();
                    PeekAs<List<object?>>("APPEND").Add(item);
                    break;
                }
                case (byte)'e': // APPENDS
                {
                    var items = PopMark();
                    PeekAs<List<object?>>("APPENDS").AddRange(items);
                    break;
                }

                case (byte)'0': Pop(); break;                  // POP
                case (byte)'1': PopMark(); break;              // POP_MARK
                case (byte)'2': Push(Peek()); break;           // DUP

                case (byte)'c': // GLOBAL "module\nname\n"
                {
                    var module = ReadLine();
                    var name = ReadLine();
                    Push(ResolveGlobal(module, name));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop();
                    var module = Pop();
                    if (module is not string m || name is not string n) throw Error("STACK_GLOBAL needs two strings");
                    Push(ResolveGlobal(m, n));
                    break;
                }
                case (byte)'R': // REDUCE
                {
                    var args = Pop();
                    var callable = Pop();
                    Push(Call(callable, args));
                    break;
                }
                case 0x81: // NEWOBJ
                {
                    var args = Pop();
                    var cls = Pop();
                    Push(NewObject(cls, args, kwargs: null));
                    break;
                }
                case 0x92: // NEWOBJ_EX
                {
                    var kwargs = Pop();
                    var args = Pop();
                    var cls = Pop();
                    Push(NewObject(cls, args, kwargs));
                    break;
                }
                case (byte)'b': // BUILD
                {
                    var state = Pop();
                    Build(Peek(), state);
                    break;
                }
                case (byte)'Q': // BINPERSID
                {
                    var pid = Pop();
                    if (_persistentLoad is null) throw Error("persistent id (BINPERSID) where none is expected");
                    Push(_persistentLoad(pid, _op));
                    break;
                }
                default:
                    throw Error($"unsupported pickle opcode 0x{code:x2} ('{(code is >= 32 and < 127 ? (char)code : '?')}')");
            }
        }
    }

    /// <summary>An error at the current opcode.</summary>
    public PthFormatException Error(string problem) => new(_file, _entry, _op, problem);

    // ---- stack

    private void Push(object? value) => _stack.Add(value);

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count)) throw Error("stack underflow");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count)) throw Error("stack underflow");
        return _stack[^1];
    }

    private T PeekAs<T>(string opcode) where T : class =>
        Peek() as T ?? throw Error($"{opcode} on a {Describe(_stack[^1])}, expected a {typeof(T).Name}");

    private object?[] PopN(int n)
    {
        var floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count - floor < n) throw Error("stack underflow");
        var items = _stack.GetRange(_stack.Count - n, n).ToArray();
        _stack.RemoveRange(_stack.Count - n, n);
        return items;
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0) throw Error("no MARK on the stack");
        var mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private object? MemoGet(long index) =>
        _memo.TryGetValue(index, out var v) ? v : throw Error($"memo index {index} was never stored");

    // ---- raw reads, each checked against the bytes that remain

    private byte ReadU8()
    {
        var b = _stream.ReadByte();
        return b < 0 ? throw Error("truncated pickle: end of data inside an opcode") : (byte)b;
    }

    private long ReadI64() => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));

    /// <summary>A little-endian length field of 4 or 8 bytes, validated against the remaining data.</summary>
    private int ReadLength(int width)
    {
        var bytes = ReadBytes(width);
        var len = width == 4 ? (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (len < 0 || len > Remaining)
            throw Error($"truncated pickle: length {len} exceeds the {Remaining} bytes left");
        return (int)len;
    }

    private byte[] ReadBytes(int n)
    {
        if (n > Remaining) throw Error($"truncated pickle: {n} bytes needed, {Remaining} left");
        var buffer = new byte[n];
        _stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>A newline-terminated ASCII line (GLOBAL operands), at most 256 bytes.</summary>
    private string ReadLine()
    {
        var sb = new StringBuilder();
        while (true)
        {
            var b = ReadU8();
            if (b == '\n') return sb.ToString();
            if (b is < 32 or > 126 || sb.Length >= 256) throw Error("malformed GLOBAL name");
            sb.Append((char)b);
        }
    }

    private object DecodeLong(byte[] bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value; // ints fit long when they can
    }

    private string DecodeUtf8(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new PthFormatException(_file, _entry, _op, "string is not valid UTF-8", e);
        }
    }

    // ---- objects

    private PthTuple MakeTuple(object?[] items) => new(items);

    private void SetItems(PthDict dict, object?[] flat)
    {
        if (flat.Length % 2 != 0) throw Error("odd number of items for a dict");
        for (var i = 0; i < flat.Length; i += 2)
        {
            var key = flat[i];
            if (key is null || !PthKeyComparer.IsValidKey(key))
                throw Error($"unsupported dict key of type {Describe(key)} (str, int, float, bool or a flat tuple of them)");
            dict.Set(key, flat[i + 1]);
        }
    }

    private PickleGlobal ResolveGlobal(string module, string name) =>
        PickleGlobals.Find(module, name) ?? throw Error(
            $"forbidden pickle global '{module}.{name}': only collections.OrderedDict, torch._utils._rebuild_tensor(_v2), " +
            "torch._utils._rebuild_parameter(_with_state), torch.*Storage types and numpy's array/dtype reconstructors " +
            "(with _codecs.encode for latin-1 bytes and bytes() for empty ones) are allowed; nothing was executed");

    private object Call(object? callable, object? args)
    {
        if (callable is not PickleGlobal g) throw Error($"REDUCE calls a {Describe(callable)}, not an allowed global");
        if (args is not PthTuple t) throw Error($"REDUCE arguments for {g} are a {Describe(args)}, not a tuple");
        var a = t.Items;
        switch (g.Kind)
        {
            case PickleGlobalKind.OrderedDict:
                var dict = new PthDict(isOrderedDict: true);
                if (a.Length == 0) return dict;
                if (a.Length == 1 && a[0] is IReadOnlyList<object?> pairs)
                {
                    foreach (var pair in pairs)
                    {
                        if (pair is not IReadOnlyList<object?> { Count: 2 } kv) throw Error("OrderedDict items must be pairs");
                        SetItems(dict, [kv[0], kv[1]]);
                    }
                    return dict;
                }
                throw Error("collections.OrderedDict called with unsupported arguments");
            case PickleGlobalKind.RebuildTensorV2 when a.Length is 6 or 7:
            case PickleGlobalKind.RebuildTensor when a.Length == 4:
                return RebuildTensor(g, a);
            case PickleGlobalKind.RebuildParameter when a.Length == 3:
            case PickleGlobalKind.RebuildParameterWithState when a.Length == 4:
                return a[0] as PthTensorRef ?? throw Error($"{g} expects a tensor, got a {Describe(a[0])}");
            case PickleGlobalKind.StorageType:
                throw Error($"{g} is a storage type and is only accepted inside a persistent id");
            case PickleGlobalKind.NumpyReconstruct when a.Length == 3:
                if (a[0] is not PickleGlobal { Kind: PickleGlobalKind.NumpyNdarray })
                    throw Error($"{g} rebuilds a {Describe(a[0])}; only numpy.ndarray is read");
                return new NumpyArrayRef(_op);
            case PickleGlobalKind.NumpyFromBuffer when a.Length == 4:
            {
                var raw = a[0] as byte[] ?? throw Error($"{g}: the buffer is a {Describe(a[0])}, not bytes");
                var dtype = a[1] as NumpyDType ?? throw Error($"{g}: the dtype is a {Describe(a[1])}");
                var order = a[3] as string;
                if (order is not ("C" or "F")) throw Error($"{g}: order '{order}' is not 'C' or 'F'");
                return NumpyArrays.Build(AsLongs(a[2], "shape"), dtype, order == "F", raw, Error);
            }
            case PickleGlobalKind.NumpyDType when a.Length == 3:
                return new NumpyDType(a[0] as string ?? throw Error($"{g}: the type is a {Describe(a[0])}, not a str"));
            case PickleGlobalKind.EmptyBytes when a.Length == 0:
                return Array.Empty<byte>();
            case PickleGlobalKind.CodecsEncode when a.Length == 2:
            {
                if (a[1] is not ("latin1" or "latin-1")) throw Error($"{g}: only the 'latin1' encoding is read, not '{a[1]}'");
                var text = a[0] as string ?? throw Error($"{g}: encodes a {Describe(a[0])}, not a str");
                if (text.Any(ch => ch > 0xFF)) throw Error($"{g}: the string has characters outside latin-1");
                return System.Text.Encoding.Latin1.GetBytes(text);
            }
            default:
                throw Error($"{g} called with {a.Length} arguments");
        }
    }

    private PthTensorRef RebuildTensor(PickleGlobal g, object?[] a)
    {
        if (a[0] is not PthStorageRef storage) throw Error($"{g}: first argument is a {Describe(a[0])}, not a storage");
        var offset = AsLong(a[1], "storage_offset");
        var size = AsLongs(a[2], "size");
        var stride = AsLongs(a[3], "stride");
        if (size.Length != stride.Length)
            throw Error($"{g}: size has {size.Length} dimensions but stride has {stride.Length}");
        if (offset < 0 || size.Any(s => s < 0) || stride.Any(s => s < 0))
            throw Error($"{g}: negative storage_offset, size or stride");
        return new PthTensorRef(storage, offset, size, stride, _op);
    }

    private long AsLong(object? v, string what) =>
        v as long? ?? throw Error($"{what} is a {Describe(v)}, expected an int");

    private long[] AsLongs(object? v, string what)
    {
        if (v is not PthTuple t) throw Error($"{what} is a {Describe(v)}, expected a tuple of ints");
        return t.Items.Select(i => AsLong(i, what)).ToArray();
    }

    private object NewObject(object? cls, object? args, object? kwargs)
    {
        if (cls is PickleGlobal { Kind: PickleGlobalKind.OrderedDict } && args is PthTuple { Count: 0 }
            && (kwargs is null || kwargs is PthDict { Count: 0 }))
            return new PthDict(isOrderedDict: true);
        throw Error($"NEWOBJ of a {Describe(cls)} is not supported");
    }

    private void Build(object? target, object? state)
    {
        if (target is PthDict dict)
        {
            // obj.__dict__.update(state) for an OrderedDict subclass instance (e.g. state_dict._metadata).
            var dictState = state is PthTuple { Count: 2 } pair ? pair[0] : state;
            if (dictState is PthDict attrs) dict.Attributes = attrs;
            else if (dictState is not null) throw Error($"BUILD state for a dict is a {Describe(dictState)}");
            return;
        }
        if (target is NumpyDType dtype)
        {
            // (version, byteorder, subarray, names, fields, elsize, alignment, flags)
            if (state is not PthTuple { Count: >= 5 } t || t[1] is not string order || order.Length != 1)
                throw Error($"BUILD state for {dtype} is a {Describe(state)}, not numpy's dtype state");
            if (t[2] is not null || t[3] is not null || t[4] is not null)
                throw Error($"{dtype} is a structured or sub-array dtype; only plain numeric and bool arrays are read");
            dtype.ByteOrder = order[0];
            return;
        }
        if (target is NumpyArrayRef array)
        {
            // (version, shape, dtype, is_fortran, raw bytes); object arrays carry a list instead of bytes
            if (state is not PthTuple { Count: 5 } t || t[2] is not NumpyDType dt || t[3] is not bool fortran)
                throw Error($"BUILD state for a numpy array is a {Describe(state)}, not (version, shape, dtype, is_fortran, data)");
            if (t[4] is not byte[] raw)
                throw Error($"numpy array of {dt} holds a {Describe(t[4])} instead of raw bytes (object arrays are not read)");
            array.Result = NumpyArrays.Build(AsLongs(t[1], "shape"), dt, fortran, raw, Error);
            return;
        }
        throw Error($"BUILD on a {Describe(target)} is not supported");
    }

    /// <summary>A short type description for messages (never the value itself, which may be large or nested).</summary>
    public static string Describe(object? v) => v switch
    {
        null => "None",
        string => "str",
        long or BigInteger => "int",
        double => "float",
        bool => "bool",
        byte[] => "bytes",
        PthTuple t => $"tuple of {t.Count}",
        List<object?> => "list",
        PthDict d => d.IsOrderedDict ? "OrderedDict" : "dict",
        PickleGlobal g => $"global {g}",
        PthStorageRef => "storage",
        PthTensorRef => "tensor",
        NumpyArrayRef => "numpy array",
        NumpyDType d => d.ToString(),
        TensorData => "array",
        _ => v.GetType().Name,
    };
}
