// tf.train.Example decoded and encoded by hand with Google.Protobuf's CodedInputStream/CodedOutputStream
// (no generated code). Schema (tensorflow/core/example/{example,feature}.proto):
//   Example { Features features = 1; }   Features { map<string, Feature> feature = 1; }  (entry: key = 1, value = 2)
//   Feature { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
//   BytesList { repeated bytes value = 1; }  FloatList { repeated float value = 1 [packed]; }  Int64List { repeated int64 value = 1 [packed]; }
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace ZslKit.Data.Formats;

/// <summary>Which list a <see cref="TfFeature"/> holds.</summary>
public enum TfFeatureKind { None, Bytes, Float, Int64 }

/// <summary>One feature of an Example: a bytes, float or int64 list.</summary>
public sealed class TfFeature
{
    public TfFeatureKind Kind { get; private init; }
    public byte[][] Bytes { get; private init; } = [];
    public float[] Floats { get; private init; } = [];
    public long[] Int64s { get; private init; } = [];

    public static TfFeature OfBytes(params byte[][] values) => new() { Kind = TfFeatureKind.Bytes, Bytes = values };
    public static TfFeature OfFloats(params float[] values) => new() { Kind = TfFeatureKind.Float, Floats = values };
    public static TfFeature OfInt64s(params long[] values) => new() { Kind = TfFeatureKind.Int64, Int64s = values };
    internal static TfFeature Empty { get; } = new();
}

/// <summary>A decoded tf.train.Example: feature name to feature.</summary>
public sealed class TfExample
{
    public Dictionary<string, TfFeature> Features { get; } = new(StringComparer.Ordinal);

    /// <summary>Where the example came from, for error messages ("file, record N").</summary>
    public string Source { get; init; } = "example";

    private DataFormatException Error(string message) => new(Source, -1, message);

    private TfFeature Get(string name, TfFeatureKind kind)
    {
        if (!Features.TryGetValue(name, out var f))
            throw Error($"no feature '{name}' (has: {string.Join(", ", Features.Keys)})");
        if (f.Kind != kind) throw Error($"feature '{name}' is a {f.Kind} list, expected {kind}");
        return f;
    }

    public float[] Floats(string name) => Get(name, TfFeatureKind.Float).Floats;
    public long[] Int64s(string name) => Get(name, TfFeatureKind.Int64).Int64s;
    public byte[][] Bytes(string name) => Get(name, TfFeatureKind.Bytes).Bytes;

    /// <summary>A single-bytes feature holding raw little-endian float32 values (e.g. LESA's [196, 512] `feature`).</summary>
    public float[] RawFloat32(string name, int expectedCount)
    {
        var b = SingleBytes(name);
        if (b.Length != expectedCount * 4) throw Error($"feature '{name}' holds {b.Length} bytes, expected {expectedCount} float32 = {expectedCount * 4}");
        var result = MemoryMarshal.Cast<byte, float>(b).ToArray();
        if (!BitConverter.IsLittleEndian)
            for (var i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(4 * i));
        return result;
    }

    /// <summary>A single-bytes feature holding raw little-endian int32 values.</summary>
    public int[] RawInt32(string name)
    {
        var b = SingleBytes(name);
        if (b.Length % 4 != 0) throw Error($"feature '{name}' holds {b.Length} bytes, not a whole number of int32");
        var result = new int[b.Length / 4];
        for (var i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(4 * i));
        return result;
    }

    /// <summary>Integer labels from either an int64 list or a bytes feature of raw int32 (as the Open Images release stores them).</summary>
    public long[] Labels(string name) =>
        Features.TryGetValue(name, out var f) && f.Kind == TfFeatureKind.Bytes ? RawInt32(name).Select(v => (long)v).ToArray() : Int64s(name);

    private byte[] SingleBytes(string name)
    {
        var list = Bytes(name);
        if (list.Length != 1) throw Error($"feature '{name}' holds {list.Length} byte strings, expected 1");
        return list[0];
    }

    /// <summary>Decodes a serialized Example; malformed protobuf raises <see cref="DataFormatException"/> naming <paramref name="source"/>.</summary>
    public static TfExample Parse(byte[] data, string source = "example")
    {
        var example = new TfExample { Source = source };
        try
        {
            var input = new CodedInputStream(data);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (Field(tag) == 1 && WireType(tag) == 2) ParseFeatures(input.ReadBytes(), example);
                else input.SkipLastField();
            }
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
        {
            throw new DataFormatException(source, -1, "malformed tf.train.Example: " + e.Message, e);
        }
        return example;
    }

    private static int Field(uint tag) => (int)(tag >> 3);
    private static int WireType(uint tag) => (int)(tag & 7);

    private static void ParseFeatures(ByteString bytes, TfExample example)
    {
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (Field(tag) != 1 || WireType(tag) != 2) { input.SkipLastField(); continue; }
            // Map entry: key = 1 (string), value = 2 (Feature).
            var entry = input.ReadBytes().CreateCodedInput();
            string key = "";
            var feature = TfFeature.Empty;
            uint t;
            while ((t = entry.ReadTag()) != 0)
            {
                if (Field(t) == 1 && WireType(t) == 2) key = entry.ReadString();
                else if (Field(t) == 2 && WireType(t) == 2) feature = ParseFeature(entry.ReadBytes());
                else entry.SkipLastField();
            }
            example.Features[key] = feature;
        }
    }

    private static TfFeature ParseFeature(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var result = TfFeature.Empty;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireType(tag) != 2) { input.SkipLastField(); continue; }
            var list = input.ReadBytes();
            result = Field(tag) switch
            {
                1 => TfFeature.OfBytes(ReadBytesList(list)),
                2 => TfFeature.OfFloats(ReadFloatList(list)),
                3 => TfFeature.OfInt64s(ReadInt64List(list)),
                _ => result,
            };
        }
        return result;
    }

    private static byte[][] ReadBytesList(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var values = new List<byte[]>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (Field(tag) == 1 && WireType(tag) == 2) values.Add(input.ReadBytes().ToByteArray());
            else input.SkipLastField();
        }
        return values.ToArray();
    }

    private static float[] ReadFloatList(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var values = new List<float>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (Field(tag) != 1) { input.SkipLastField(); continue; }
            if (WireType(tag) == 5) values.Add(input.ReadFloat());          // unpacked fixed32
            else if (WireType(tag) == 2)                                   // packed: length-delimited run of fixed32
            {
                var run = input.ReadBytes().Span;
                if (run.Length % 4 != 0) throw new InvalidDataException($"packed float list of {run.Length} bytes");
                for (var i = 0; i < run.Length; i += 4) values.Add(BinaryPrimitives.ReadSingleLittleEndian(run[i..]));
            }
            else input.SkipLastField();
        }
        return values.ToArray();
    }

    private static long[] ReadInt64List(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var values = new List<long>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (Field(tag) != 1) { input.SkipLastField(); continue; }
            if (WireType(tag) == 0) values.Add(input.ReadInt64());          // unpacked varint
            else if (WireType(tag) == 2)                                   // packed: length-delimited run of varints
            {
                var run = input.ReadBytes().CreateCodedInput();
                while (!run.IsAtEnd) values.Add(run.ReadInt64());
            }
            else input.SkipLastField();
        }
        return values.ToArray();
    }

    /// <summary>Serializes the example (lists written packed, as TensorFlow does).</summary>
    public byte[] ToByteArray()
    {
        var features = new MemoryStream();
        var fo = new CodedOutputStream(features);
        foreach (var (key, feature) in Features)
        {
            var entry = Message(o =>
            {
                o.WriteTag(1, WireFormat.WireType.LengthDelimited);
                o.WriteString(key);
                o.WriteTag(2, WireFormat.WireType.LengthDelimited);
                o.WriteBytes(ByteString.CopyFrom(EncodeFeature(feature)));
            });
            fo.WriteTag(1, WireFormat.WireType.LengthDelimited);
            fo.WriteBytes(ByteString.CopyFrom(entry));
        }
        fo.Flush();
        return Message(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(features.ToArray()));
        });
    }

    private static byte[] EncodeFeature(TfFeature f)
    {
        byte[] list;
        switch (f.Kind)
        {
            case TfFeatureKind.Bytes:
                list = Message(o =>
                {
                    foreach (var b in f.Bytes) { o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(b)); }
                });
                break;
            case TfFeatureKind.Float:
                var floats = new byte[f.Floats.Length * 4];
                for (var i = 0; i < f.Floats.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(floats.AsSpan(4 * i), f.Floats[i]);
                list = Message(o => { o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(floats)); });
                break;
            case TfFeatureKind.Int64:
                var packed = Message(o => { foreach (var v in f.Int64s) o.WriteInt64(v); });
                list = Message(o => { o.WriteTag(1, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(packed)); });
                break;
            default:
                return [];
        }
        return Message(o => { o.WriteTag((int)f.Kind, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(list)); });
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        var ms = new MemoryStream();
        var o = new CodedOutputStream(ms);
        write(o);
        o.Flush();
        return ms.ToArray();
    }
}
