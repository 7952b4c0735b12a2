// SafeTensors.cs - reader and writer of the safetensors format (https://github.com/huggingface/safetensors, format
// section): an 8-byte little-endian header length N, N bytes of JSON {"name": {"dtype", "shape", "data_offsets":
// [begin, end]}, "__metadata__": {string: string}}, then the raw little-endian C-order data; offsets are relative to the
// first data byte. Reading validates everything and names the file and byte offset of the first problem.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ZslKit.Torch.Serialization;

/// <summary>A malformed safetensors file; <see cref="Offset"/> is the byte position in the file where the problem is.</summary>
public sealed class SafeTensorsFormatException(string file, long offset, string problem)
    : FormatException($"{file}: byte {offset}: {problem}")
{
    public string File { get; } = file;
    public long Offset { get; } = offset;
    public string Problem { get; } = problem;
}

/// <summary>The contents of a safetensors file: tensors in file order and the optional string metadata.</summary>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, TensorData> Tensors, IReadOnlyDictionary<string, string>? Metadata);

public static class SafeTensors
{
    /// <summary>Largest accepted JSON header (the reference implementation's bound).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private static readonly Dictionary<string, ScalarType> Codes = new()
    {
        ["BOOL"] = ScalarType.Bool, ["U8"] = ScalarType.Byte, ["I8"] = ScalarType.Int8, ["I16"] = ScalarType.Int16,
        ["I32"] = ScalarType.Int32, ["I64"] = ScalarType.Int64, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
        ["F32"] = ScalarType.Float32, ["F64"] = ScalarType.Float64,
    };

    /// <summary>The format's dtype string for a scalar type ("F32", "BF16", ...).</summary>
    public static string DTypeCode(ScalarType type) =>
        Codes.FirstOrDefault(kv => kv.Value == type).Key ?? throw new ArgumentException($"{type} has no safetensors dtype", nameof(type));

    /// <summary>Reads and validates a file (read whole into memory; up to 2 GB).</summary>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        var length = stream.Length;
        if (length < 8) throw new SafeTensorsFormatException(path, 0, $"file is {length} bytes, shorter than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        var n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > (ulong)MaxHeaderBytes) throw new SafeTensorsFormatException(path, 0, $"header length {n} exceeds the {MaxHeaderBytes}-byte bound");
        if ((long)n > length - 8) throw new SafeTensorsFormatException(path, 0, $"header length {n} runs past the end of the {length}-byte file");
        if (length > Array.MaxLength)
            throw new NotSupportedException($"{path}: {length} bytes; files larger than {Array.MaxLength} bytes are not supported by this reader");
        var bytes = new byte[length];
        prefix.CopyTo(bytes);
        stream.ReadExactly(bytes.AsSpan(8));
        return Parse(bytes, path);
    }

    /// <summary>Parses and validates a whole file image; <paramref name="source"/> names it in errors.</summary>
    public static SafeTensorsContent Parse(ReadOnlyMemory<byte> file, string source)
    {
        var span = file.Span;
        if (span.Length < 8) throw new SafeTensorsFormatException(source, 0, $"file is {span.Length} bytes, shorter than the 8-byte header length");
        var n = BinaryPrimitives.ReadUInt64LittleEndian(span);
        if (n > (ulong)MaxHeaderBytes) throw new SafeTensorsFormatException(source, 0, $"header length {n} exceeds the {MaxHeaderBytes}-byte bound");
        if ((long)n > span.Length - 8) throw new SafeTensorsFormatException(source, 0, $"header length {n} runs past the end of the {span.Length}-byte file");
        var headerLength = (int)n;
        long dataStart = 8 + headerLength;
        var dataLength = span.Length - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(file.Slice(8, headerLength));
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(source, 8 + (e.LineNumber == 0 ? e.BytePositionInLine ?? 0 : 0), $"header is not valid JSON: {JsonErrorText.Describe(e)}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException(source, 8, "header is not a JSON object");
            var tensors = new List<(string Name, ScalarType Type, long[] Shape, long Begin, long End)>();
            Dictionary<string, string>? metadata = null;
            var seen = new HashSet<string>();
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(entry.Name)) throw new SafeTensorsFormatException(source, 8, $"duplicate entry '{entry.Name}' in the header");
                if (entry.Name == "__metadata__")
                {
                    metadata = ReadMetadata(entry.Value, source);
                    continue;
                }
                tensors.Add(ReadEntry(entry, source));
            }

            // Data regions must lie inside the data section, not overlap, and cover it exactly.
            var ordered = tensors.OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
            long expected = 0;
            foreach (var t in ordered)
            {
                if (t.End > dataLength)
                    throw new SafeTensorsFormatException(source, dataStart + t.Begin, $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] run past the {dataLength}-byte data section");
                if (t.Begin < expected)
                    throw new SafeTensorsFormatException(source, dataStart + t.Begin, $"tensor '{t.Name}' data_offsets [{t.Begin}, {t.End}] overlap the previous tensor (ends at {expected})");
                if (t.Begin > expected)
                    throw new SafeTensorsFormatException(source, dataStart + expected, $"bytes {expected}..{t.Begin} of the data section belong to no tensor");
                expected = t.End;
            }
            if (expected != dataLength)
                throw new SafeTensorsFormatException(source, dataStart + expected, $"{dataLength - expected} trailing bytes after the last tensor belong to no tensor");

            var result = new Dictionary<string, TensorData>(tensors.Count);
            foreach (var t in tensors)
                result[t.Name] = new TensorData(t.Type, t.Shape, file.Slice((int)(dataStart + t.Begin), (int)(t.End - t.Begin)).ToArray());
            return new SafeTensorsContent(result, metadata);
        }
    }

    private static Dictionary<string, string> ReadMetadata(JsonElement value, string source)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException(source, 8, "__metadata__ is not a JSON object");
        var metadata = new Dictionary<string, string>();
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException(source, 8, $"__metadata__ value of '{m.Name}' is not a string");
            metadata[m.Name] = m.Value.GetString()!;
        }
        return metadata;
    }

    private static (string, ScalarType, long[], long, long) ReadEntry(JsonProperty entry, string source)
    {
        var name = entry.Name;
        var v = entry.Value;
        SafeTensorsFormatException Bad(string problem) => new(source, 8, $"tensor '{name}': {problem}");
        if (v.ValueKind != JsonValueKind.Object) throw Bad("entry is not a JSON object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw Bad("missing string 'dtype'");
        if (!Codes.TryGetValue(dt.GetString()!, out var type)) throw Bad($"unknown dtype '{dt.GetString()}' (known: {string.Join(", ", Codes.Keys)})");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw Bad("missing array 'shape'");
        var shape = new long[sh.GetArrayLength()];
        var i = 0;
        long numel = 1;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var size) || size < 0) throw Bad($"shape entry {i} is not a non-negative integer");
            shape[i++] = size;
            try { numel = checked(numel * size); }
            catch (OverflowException) { throw Bad("shape has too many elements"); }
        }
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad("missing 'data_offsets' [begin, end]");
        var begin = off[0].TryGetInt64(out var b) ? b : -1;
        var end = off[1].TryGetInt64(out var e) ? e : -1;
        if (begin < 0 || end < begin) throw Bad($"bad data_offsets [{off[0]}, {off[1]}]");
        long bytes;
        try { bytes = checked(numel * type.ElementSize()); }
        catch (OverflowException) { throw Bad("shape has too many elements"); }
        if (end - begin != bytes)
            throw Bad($"data_offsets [{begin}, {end}] hold {end - begin} bytes but dtype {dt.GetString()} and shape [{string.Join(", ", shape)}] need {bytes}");
        return (name, type, shape, begin, end);
    }

    /// <summary>Writes tensors (in the given order) and optional metadata; the header is space-padded to 8 bytes.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, TensorData>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            var names = new HashSet<string>();
            foreach (var (name, data) in list)
            {
                if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved and cannot name a tensor", nameof(tensors));
                if (!names.Add(name)) throw new ArgumentException($"duplicate tensor name '{name}'", nameof(tensors));
                ArgumentNullException.ThrowIfNull(data, name);
                var need = data.NumElements * data.DType.ElementSize();
                if (data.Data.LongLength != need)
                    throw new ArgumentException($"tensor '{name}': {data.Data.Length} bytes for dtype {data.DType} and shape [{string.Join(", ", data.Shape)}] (expected {need})", nameof(tensors));
                json.WriteStartObject(name);
                json.WriteString("dtype", DTypeCode(data.DType));
                json.WriteStartArray("shape");
                foreach (var d in data.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + need);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += need;
            }
            json.WriteEndObject();
        }
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');
        var tmp = path + ".tmp";
        using (var file = File.Create(tmp))
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            file.Write(prefix);
            header.Position = 0;
            header.CopyTo(file);
            foreach (var (_, data) in list) file.Write(data.Data);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>The JSON header of a file as text (for inspection and tests).</summary>
    public static string ReadHeaderText(string path)
    {
        var content = File.ReadAllBytes(path);
        if (content.Length < 8) throw new SafeTensorsFormatException(path, 0, "file shorter than 8 bytes");
        var n = BinaryPrimitives.ReadUInt64LittleEndian(content);
        if (n > (ulong)(content.Length - 8)) throw new SafeTensorsFormatException(path, 0, $"header length {n} runs past the end of the file");
        return Encoding.UTF8.GetString(content, 8, (int)n);
    }
}
