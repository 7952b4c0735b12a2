// SafeTensorsTests.cs - the safetensors reader/writer: Python-written files, round trips, and rejection of corrupted
// files with errors naming the file and byte offset.
using System.Buffers.Binary;
using System.Text;
using ZslKit.Testing;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch.Tests;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zsl-st").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Temp(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Files_written_by_python_read_with_every_dtype_and_the_metadata()
    {
        using var scope = torch.NewDisposeScope();
        var content = SafeTensors.Read(RepoPaths.Fixture("engine", "python_dtypes.safetensors"));
        Assert.Equal("pt", content.Metadata!["format"]);
        var expected = new double[] { 0, 1, 2, 3, 4, 5 };
        foreach (var (name, type) in new[] { ("f32", ScalarType.Float32), ("f64", ScalarType.Float64), ("f16", ScalarType.Float16),
                     ("bf16", ScalarType.BFloat16), ("i64", ScalarType.Int64), ("i32", ScalarType.Int32), ("i16", ScalarType.Int16),
                     ("i8", ScalarType.Int8), ("u8", ScalarType.Byte) })
        {
            var data = content.Tensors[name];
            Assert.Equal(type, data.DType);
            Assert.Equal([2L, 3L], data.Shape);
            Assert.Equal(expected, torch.from_data(data).to(torch.float64).ToArray<double>());
        }
        Assert.Equal(new[] { false, true, false, true, false, true }, torch.from_data(content.Tensors["bool"]).ToArray<bool>());
        Assert.Empty(content.Tensors["scalar"].Shape);
        Assert.Equal(3.5f, torch.from_data(content.Tensors["scalar"]).item<float>());
        Assert.Equal([0L, 4L], content.Tensors["empty"].Shape);
    }

    [Fact]
    public void A_state_dict_round_trips_through_save_and_load()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var state = new Dictionary<string, Tensor>
        {
            ["features.0.weight"] = torch.randn(4, 3, 3, 3),
            ["features.0.bias"] = torch.randn(4),
            ["bn.num_batches_tracked"] = torch.tensor(17L),
            ["half"] = torch.randn(5).to(torch.bfloat16),
            ["mask"] = torch.randn(3).gt(0),
        };
        var path = Temp("state.safetensors");
        torch.save_safetensors(state, path, new Dictionary<string, string> { ["epoch"] = "3" });
        var loaded = torch.load_safetensors(path);
        Assert.Equal(state.Keys, loaded.Keys);
        foreach (var (name, t) in state)
        {
            Assert.Equal(t.dtype, loaded[name].dtype);
            Assert.Equal(t.shape, loaded[name].shape);
            Assert.Equal(t.ToData().Data, loaded[name].ToData().Data);
        }
        Assert.Equal("3", SafeTensors.Read(path).Metadata!["epoch"]);
        Assert.Equal(0, Encoding.UTF8.GetByteCount(SafeTensors.ReadHeaderText(path)) % 8);
    }

    /// <summary>A valid two-tensor file: "a" F32 [2] at data bytes 0..8, "b" I64 [1] at 8..16.</summary>
    private static byte[] ValidFile(string? header = null)
    {
        header ??= """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}""";
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        return bytes;
    }

    private SafeTensorsFormatException Corrupt(byte[] bytes, string name)
    {
        var path = Temp(name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(path));
        Assert.Equal(path, e.File);
        Assert.StartsWith($"{path}: byte {e.Offset}: ", e.Message);
        return e;
    }

    [Fact]
    public void The_valid_hand_made_file_used_by_the_corruption_tests_reads()
    {
        var path = Temp("ok.safetensors");
        File.WriteAllBytes(path, ValidFile());
        var content = SafeTensors.Read(path);
        Assert.Equal(["a", "b"], content.Tensors.Keys);
        Assert.Null(content.Metadata);
    }

    [Fact]
    public void Truncated_files_and_oversized_header_lengths_are_rejected_at_byte_0()
    {
        var valid = ValidFile();
        Assert.Equal(0, Corrupt(valid[..5], "short.safetensors").Offset);
        var big = (byte[])valid.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(big, 1UL << 40);
        Assert.Contains("bound", Corrupt(big, "huge.safetensors").Problem);
        var past = (byte[])valid.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(past, (ulong)valid.Length);
        Assert.Contains("past the end", Corrupt(past, "past.safetensors").Problem);
        // Cutting the data section: tensor "b" now runs past the end; the offset is where its data starts.
        var cut = valid[..^4];
        var headerLength = valid.Length - 16 - 8;
        var e = Corrupt(cut, "cut.safetensors");
        Assert.Equal(8 + headerLength + 8, e.Offset);
        Assert.Contains("'b'", e.Problem);
    }

    [Fact]
    public void Bad_json_unknown_dtypes_and_size_mismatches_are_rejected()
    {
        var e = Corrupt(ValidFile("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64" """.PadRight(96)), "json.safetensors");
        Assert.Contains("not valid JSON", e.Problem);
        Assert.True(e.Offset >= 8);
        Assert.Contains("unknown dtype 'F8'", Corrupt(ValidFile("""{"a":{"dtype":"F8","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}"""), "dtype.safetensors").Problem);
        Assert.Contains("need 12", Corrupt(ValidFile("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}"""), "size.safetensors").Problem);
        Assert.Contains("shape entry 0", Corrupt(ValidFile("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}}"""), "neg.safetensors").Problem);
    }

    /// <summary>A header JSON entry.</summary>
    private static string Entry(string name, string dtype, long size, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{size}],\"data_offsets\":[{begin},{end}]}}";

    private static byte[] TwoTensors(string second) => ValidFile("{" + Entry("a", "F32", 2, 0, 8) + "," + second + "}");

    [Fact]
    public void Overlapping_gapped_and_out_of_range_offsets_are_rejected_with_their_data_offset()
    {
        var overlap = TwoTensors(Entry("b", "F32", 2, 4, 12));
        var e = Corrupt(overlap, "overlap.safetensors");
        Assert.Contains("overlap", e.Problem);
        Assert.Equal(8 + (overlap.Length - 16 - 8) + 4, e.Offset);
        var gap = TwoTensors(Entry("b", "I32", 1, 12, 16));
        e = Corrupt(gap, "gap.safetensors");
        Assert.Contains("belong to no tensor", e.Problem);
        Assert.Equal(8 + (gap.Length - 16 - 8) + 8, e.Offset);
        Assert.Contains("trailing", Corrupt(TwoTensors(Entry("b", "I32", 1, 8, 12)), "trailing.safetensors").Problem);
        Assert.Contains("run past", Corrupt(TwoTensors(Entry("b", "I64", 2, 8, 24)), "outside.safetensors").Problem);
    }

    [Fact]
    public void Writer_rejects_inconsistent_records_and_reserved_names()
    {
        var bad = new TensorData(ScalarType.Float32, [3], new byte[8]);
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(Temp("x.safetensors"), [new("t", bad)]));
        var ok = new TensorData(ScalarType.Float32, [2], new byte[8]);
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(Temp("y.safetensors"), [new("__metadata__", ok)]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Write(Temp("z.safetensors"), [new("t", ok), new("t", ok)]));
    }
}
