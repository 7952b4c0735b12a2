// Reads tests/fixtures/pth/expected.json (written by gen_pth.py with torch) and checks a loaded object tree
// against it: same structure, keys, scalars, and tensors with identical dtype, shape, bytes and element values.
using System.Numerics;
using System.Text.Json;
using ZslKit.Testing;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch.Tests.Serialization;

internal static class PthExpected
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("pth", "expected.json"))));

    public static string Path(string file) => RepoPaths.Fixture("pth", file);

    /// <summary>The tagged expected tree of one fixture file.</summary>
    public static JsonElement Of(string file) => Document.Value.RootElement.GetProperty("files").GetProperty(file);

    public static IEnumerable<string> Files =>
        Document.Value.RootElement.GetProperty("files").EnumerateObject().Select(p => p.Name).ToList();

    public static string ForbiddenGlobal(string file) =>
        Document.Value.RootElement.GetProperty("forbidden_globals").GetProperty(file).GetString()!;

    public static ScalarType DType(string name) => name switch
    {
        "float32" => ScalarType.Float32, "float16" => ScalarType.Float16, "bfloat16" => ScalarType.BFloat16,
        "float64" => ScalarType.Float64, "int64" => ScalarType.Int64, "int32" => ScalarType.Int32,
        "int16" => ScalarType.Int16, "int8" => ScalarType.Int8, "uint8" => ScalarType.Byte, "bool" => ScalarType.Bool,
        _ => throw new ArgumentException(name),
    };

    /// <summary>Element i of a TensorData as a double (exact for every supported dtype and the fixtures' values).</summary>
    public static double Element(TensorData t, int i)
    {
        var s = t.Data.AsSpan();
        return t.DType switch
        {
            ScalarType.Float32 => BitConverter.ToSingle(s[(i * 4)..]),
            ScalarType.Float16 => (double)BitConverter.ToHalf(s[(i * 2)..]),
            ScalarType.BFloat16 => BitConverter.Int32BitsToSingle(BitConverter.ToUInt16(s[(i * 2)..]) << 16),
            ScalarType.Float64 => BitConverter.ToDouble(s[(i * 8)..]),
            ScalarType.Int64 => BitConverter.ToInt64(s[(i * 8)..]),
            ScalarType.Int32 => BitConverter.ToInt32(s[(i * 4)..]),
            ScalarType.Int16 => BitConverter.ToInt16(s[(i * 2)..]),
            ScalarType.Int8 => (sbyte)s[i],
            ScalarType.Byte => s[i],
            ScalarType.Bool => s[i] switch { 0 => 0, 1 => 1, _ => throw new InvalidDataException($"bool byte {s[i]}") },
            _ => throw new ArgumentException(t.DType.ToString()),
        };
    }

    /// <summary>Asserts that <paramref name="actual"/> matches the tagged tree <paramref name="expected"/>.</summary>
    public static void AssertMatches(JsonElement expected, object? actual, string path = "$")
    {
        var tag = expected.EnumerateObject().Single();
        var e = tag.Value;
        switch (tag.Name)
        {
            case "none":
                Assert.True(actual is null, $"{path}: expected None, got {actual}");
                break;
            case "bool":
                Assert.Equal(e.GetBoolean(), Assert.IsType<bool>(actual));
                break;
            case "int":
                var want = BigInteger.Parse(e.GetRawText());
                // Python ints that fit 64 bits must come back as long, larger ones as BigInteger.
                var got = want >= long.MinValue && want <= long.MaxValue ? Assert.IsType<long>(actual) : Assert.IsType<BigInteger>(actual);
                Assert.True(want == got, $"{path}: expected {want}, got {got}");
                break;
            case "float":
                Assert.Equal(e.GetDouble(), Assert.IsType<double>(actual));
                break;
            case "str":
                Assert.Equal(e.GetString(), Assert.IsType<string>(actual));
                break;
            case "list":
                var list = Assert.IsType<List<object?>>(actual);
                Assert.Equal(e.GetArrayLength(), list.Count);
                for (var i = 0; i < list.Count; i++) AssertMatches(e[i], list[i], $"{path}[{i}]");
                break;
            case "tuple":
                var tuple = Assert.IsType<PthTuple>(actual);
                Assert.Equal(e.GetArrayLength(), tuple.Count);
                for (var i = 0; i < tuple.Count; i++) AssertMatches(e[i], tuple[i], $"{path}({i})");
                break;
            case "dict":
                var dict = Assert.IsType<PthDict>(actual);
                Assert.Equal(e.GetArrayLength(), dict.Count);
                var pairs = dict.ToList();
                for (var i = 0; i < pairs.Count; i++)
                {
                    AssertMatches(e[i][0], pairs[i].Key, $"{path}.key{i}");
                    AssertMatches(e[i][1], pairs[i].Value, $"{path}[{pairs[i].Key}]");
                }
                break;
            case "tensor":
                AssertTensor(e, Assert.IsType<TensorData>(actual), path);
                break;
            default:
                throw new InvalidOperationException($"unknown tag {tag.Name}");
        }
    }

    public static void AssertTensor(JsonElement e, TensorData t, string path)
    {
        Assert.Equal(DType(e.GetProperty("dtype").GetString()!), t.DType);
        Assert.Equal(e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(), t.Shape);
        Assert.Equal(Convert.FromHexString(e.GetProperty("hex").GetString()!), t.Data);
        var values = e.GetProperty("values");
        Assert.Equal(values.GetArrayLength(), t.NumElements);
        for (var i = 0; i < values.GetArrayLength(); i++)
        {
            var v = values[i];
            var want = v.ValueKind switch
            {
                JsonValueKind.True => 1.0,
                JsonValueKind.False => 0.0,
                _ => v.GetDouble(),
            };
            // Exact: the file bytes are the reference, so no rounding is involved anywhere.
            Assert.True(want == Element(t, i), $"{path}: element {i} is {Element(t, i)}, torch says {want}");
        }
    }
}
