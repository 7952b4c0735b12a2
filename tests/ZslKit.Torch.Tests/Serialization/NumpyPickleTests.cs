// PthReader.LoadPickle against the numpy-written fixtures of tests/fixtures/pickle (gen_numpy_pickles.py): bare pickles
// of numpy arrays in protocols 2-5 load to exactly the dtypes, shapes, bytes and values numpy saved; object arrays,
// forbidden globals and damaged files are refused with the file and byte offset.
using System.Text.Json;
using ZslKit.Testing;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch.Tests.Serialization;

public class NumpyPickleTests
{
    private static readonly Lazy<JsonElement> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("pickle", "expected.json"))).RootElement.GetProperty("files"));

    public static TheoryData<string> Fixtures() => new(Expected.Value.EnumerateObject().Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void LoadPickle_returns_numpy_arrays_with_the_saved_dtype_shape_and_bytes(string file)
    {
        var obj = PthReader.LoadPickle(RepoPaths.Fixture("pickle", file));
        PthExpected.AssertMatches(Expected.Value.GetProperty(file), obj);
    }

    [Fact]
    public void A_word_vector_pair_reads_as_a_tuple_of_two_float32_matrices_in_every_protocol()
    {
        // Independent of expected.json: the generator's formulas, recomputed here.
        var seen = Enumerable.Range(0, 20).Select(i => (i - 7.5f) / 4).ToArray();
        var unseen = Enumerable.Range(0, 12).Select(i => i * -0.375f + 1).ToArray();
        foreach (var protocol in new[] { 2, 3, 4, 5 })
        {
            var pair = Assert.IsType<PthTuple>(PthReader.LoadPickle(RepoPaths.Fixture("pickle", $"w2v_p{protocol}.pkl")));
            var s = Assert.IsType<TensorData>(pair[0]);
            var u = Assert.IsType<TensorData>(pair[1]);
            Assert.Equal([5L, 4L], s.Shape);
            Assert.Equal([3L, 4L], u.Shape);
            using var st = torch.from_data(s);
            using var ut = torch.from_data(u);
            Assert.Equal(seen, st.ToArray<float>());
            Assert.Equal(unseen, ut.ToArray<float>());
        }
    }

    [Fact]
    public void Fortran_order_and_big_endian_arrays_come_back_in_c_order_little_endian()
    {
        var d = Assert.IsType<PthDict>(PthReader.LoadPickle(RepoPaths.Fixture("pickle", "mixed_p2.pkl")));
        using var f = torch.from_data(Assert.IsType<TensorData>(d["f32_fortran"]));
        Assert.Equal([-2.5f, 0f, 1.25f, 3f, -0.125f, 8188f], f.ToArray<float>());               // row by row
        using var b = torch.from_data(Assert.IsType<TensorData>(d["f64_big_endian"]));
        Assert.Equal(new[] { -2.5, 0, 1.25, 3, -0.125, 8188 }.Select(v => v / 3), b.ToArray<double>());
    }

    [Fact]
    public void An_object_array_is_refused_naming_the_file()
    {
        var path = RepoPaths.Fixture("pickle", "object_array.pkl");
        var e = Assert.Throws<PthFormatException>(() => PthReader.LoadPickle(path));
        Assert.Contains("object arrays are not read", e.Message);
        Assert.Contains("object_array.pkl", e.Message);
    }

    [Fact]
    public void A_pickle_naming_os_system_is_refused_before_anything_runs()
    {
        var e = Assert.Throws<PthFormatException>(() => PthReader.LoadPickle(RepoPaths.Fixture("pickle", "malicious_system.pkl")));
        Assert.Contains("forbidden pickle global 'posix.system'", e.Message);
        Assert.Contains("nothing was executed", e.Message);
        Assert.Equal(2L, e.Offset!.Value);                                        // the GLOBAL opcode, after PROTO
    }

    [Fact]
    public void Truncated_trailing_and_non_pickle_files_are_refused_with_clear_messages()
    {
        var dir = Path.Combine(Path.GetTempPath(), "zslkit-npickle-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var good = File.ReadAllBytes(RepoPaths.Fixture("pickle", "w2v_p3.pkl"));
            var truncated = Path.Combine(dir, "truncated.pkl");
            File.WriteAllBytes(truncated, good[..(good.Length / 2)]);
            Assert.Contains("truncated", Assert.Throws<PthFormatException>(() => PthReader.LoadPickle(truncated)).Message);

            var trailing = Path.Combine(dir, "trailing.pkl");
            File.WriteAllBytes(trailing, [.. good, 0x2e, 0x2e]);
            Assert.Contains("2 bytes follow the pickle's STOP", Assert.Throws<PthFormatException>(() => PthReader.LoadPickle(trailing)).Message);

            var text = Path.Combine(dir, "vectors.txt");
            File.WriteAllText(text, "cat 0.1 0.2\n");
            Assert.Contains("not a pickle of protocol 2 to 5", Assert.Throws<PthFormatException>(() => PthReader.LoadPickle(text)).Message);

            Assert.Throws<FileNotFoundException>(() => PthReader.LoadPickle(Path.Combine(dir, "missing.pkl")));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_numpy_array_whose_byte_count_does_not_match_its_shape_is_refused()
    {
        // Protocol 3 w2v pickle with the first array's 80 raw bytes (SHORT_BINBYTES 'C', one length byte) cut to 76.
        var bytes = File.ReadAllBytes(RepoPaths.Fixture("pickle", "w2v_p3.pkl"));
        int at = Enumerable.Range(0, bytes.Length - 1).First(i => bytes[i] == (byte)'C' && bytes[i + 1] == 80);
        var patched = bytes[..(at + 1)].Append((byte)76).Concat(bytes[(at + 2)..(at + 2 + 76)]).Concat(bytes[(at + 2 + 80)..]).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"zslkit-short-{Guid.NewGuid():N}.pkl");
        File.WriteAllBytes(path, patched);
        try
        {
            var e = Assert.Throws<PthFormatException>(() => PthReader.LoadPickle(path));
            Assert.Contains("needs 80 bytes, the pickle holds 76", e.Message);
        }
        finally { File.Delete(path); }
    }
}
