using System.Text.Json;
using ZslKit.Data;
using ZslKit.Data.Formats;
using ZslKit.Testing;

namespace ZslKit.Tests.Data;

public class NpyTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("npy", "expected.json"))).RootElement;

    public static TheoryData<string> FixtureNames()
    {
        var data = new TheoryData<string>();
        foreach (var p in Expected.EnumerateObject()) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Arrays_written_by_numpy_read_back_with_their_shape_and_values(string name)
    {
        var array = Npy.Read(RepoPaths.Fixture("npy", name + ".npy"));
        var want = Expected.GetProperty(name);
        Assert.Equal(want.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), array.Shape);
        var values = want.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(values, array.ToFloat64());
    }

    [Fact]
    public void Big_endian_int64_keeps_values_beyond_float_precision()
    {
        var array = Npy.Read(RepoPaths.Fixture("npy", "i64_be_3.npy"));
        Assert.Equal([1L, -2L, 3L << 40], array.ToInt64());
    }

    [Fact]
    public void Npz_archives_expose_each_array_by_name()
    {
        var bundle = Npy.ReadNpz(RepoPaths.Fixture("npy", "bundle.npz"));
        Assert.Equal(["labels", "scores"], bundle.Keys.Order());
        Assert.Equal([2L, 3L], bundle["scores"].Shape);
        Assert.Equal(NpyDType.Int64, bundle["labels"].DType);
    }

    [Fact]
    public void Fortran_order_arrays_are_rejected_with_the_file_name()
    {
        var path = RepoPaths.Fixture("npy", "fortran_2x3.npy");
        var e = Assert.Throws<DataFormatException>(() => Npy.Read(path));
        Assert.Contains("Fortran", e.Message);
        Assert.Equal(path, e.File);
    }

    [Fact]
    public void Unsupported_dtypes_are_rejected_naming_the_dtype()
    {
        var e = Assert.Throws<DataFormatException>(() => Npy.Read(RepoPaths.Fixture("npy", "complex_2.npy")));
        Assert.Contains("c16", e.Message);
    }

    [Fact]
    public void Written_arrays_round_trip_for_every_supported_element_type()
    {
        var dir = Directory.CreateTempSubdirectory("npy-");
        try
        {
            RoundTrip(new float[] { 1.5f, -2, 3, 4, 5, 6 }, [2, 3]);
            RoundTrip(new double[] { 1e-300, 2 }, [2]);
            RoundTrip(new long[] { long.MinValue >> 12, 5 }, [2, 1]);
            RoundTrip(new int[] { -1, 0, 1 }, [3]);
            RoundTrip(new ushort[] { 0, 65535 }, [2]);
            RoundTrip(new bool[] { true, false }, [2]);
            RoundTrip(new Half[] { (Half)0.5, (Half)(-3) }, [2]);

            void RoundTrip<T>(T[] data, long[] shape) where T : unmanaged
            {
                var path = Path.Combine(dir.FullName, typeof(T).Name + ".npy");
                Npy.Write<T>(path, data, shape);
                var back = Npy.Read(path);
                Assert.Equal(shape, back.Shape);
                Assert.Equal(data.Select(x => System.Convert.ToDouble(x is Half h ? (double)h : (object)x)), back.ToFloat64());
            }
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Writing_checks_that_the_shape_matches_the_data()
    {
        var e = Assert.Throws<ArgumentException>(() => Npy.Write<float>(new MemoryStream(), new float[5], 2, 3));
        Assert.Contains("holds 6 elements but data has 5", e.Message);
    }

    [Fact]
    public void Truncated_files_fail_at_every_cut_with_a_data_format_error()
    {
        var bytes = File.ReadAllBytes(RepoPaths.Fixture("npy", "f32_2x3.npy"));
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var e = Assert.Throws<DataFormatException>(() => Npy.Read(new MemoryStream(bytes[..cut]), "cut.npy"));
            Assert.Equal("cut.npy", e.File);
        }
    }

    [Fact]
    public void A_file_with_bytes_after_the_data_is_refused_with_their_count_and_the_expected_size()
    {
        var bytes = File.ReadAllBytes(RepoPaths.Fixture("npy", "f32_2x3.npy"));
        var dir = Directory.CreateTempSubdirectory("npy-");
        try
        {
            var path = Path.Combine(dir.FullName, "long.npy");
            File.WriteAllBytes(path, [.. bytes, 1, 2, 3, 4]);
            var e = Assert.Throws<DataFormatException>(() => Npy.Read(path));
            Assert.Equal($"{path}: at byte {bytes.Length}: 4 bytes after the data (expected size {bytes.Length})", e.Message);
            Assert.Equal(bytes.Length, e.Offset);
            File.WriteAllBytes(path, [.. bytes, 0]);
            Assert.Contains("1 bytes after the data", Assert.Throws<DataFormatException>(() => Npy.ReadHeader(path)).Message);
            Assert.Throws<DataFormatException>(() => Npy.OpenMapped(path));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void A_stream_reads_one_array_at_a_time_as_after_repeated_np_save_calls()
    {
        using var ms = new MemoryStream();
        Npy.Write<float>(ms, [1f, 2f], 2);
        Npy.Write<long>(ms, [7L, 8L, 9L], 3);
        ms.Position = 0;
        Assert.Equal([1f, 2f], Npy.Read(ms, "two.npy").ToFloat32());
        Assert.Equal([7L, 8L, 9L], Npy.Read(ms, "two.npy").ToInt64());
    }

    [Fact]
    public void Int64_values_beyond_double_precision_read_back_exactly()
    {
        using var ms = new MemoryStream();
        Npy.Write<long>(ms, [long.MaxValue, long.MinValue + 1, (1L << 53) + 1], 3);
        ms.Position = 0;
        Assert.Equal([long.MaxValue, long.MinValue + 1, (1L << 53) + 1], Npy.Read(ms, "big.npy").ToInt64());
    }

    [Fact]
    public void Random_mutations_of_valid_files_only_raise_data_format_errors()
    {
        var rng = new Random(1234);
        var sources = new[] { "f32_2x3", "i64_be_3", "f32_v2_2x2", "bool_2x3" }
            .Select(n => File.ReadAllBytes(RepoPaths.Fixture("npy", n + ".npy"))).ToArray();
        for (int i = 0; i < 3000; i++)
        {
            var bytes = (byte[])sources[i % sources.Length].Clone();
            int flips = 1 + rng.Next(4);
            for (int f = 0; f < flips; f++) bytes[rng.Next(Math.Min(bytes.Length, 140))] = (byte)rng.Next(256);
            try { Npy.Read(new MemoryStream(bytes), "mutant.npy"); }
            catch (DataFormatException) { }
        }
    }

    [Fact]
    public void Oversized_shapes_are_rejected_before_allocating()
    {
        using var ms = new MemoryStream();
        Npy.Write<float>(ms, new float[2], 2);
        var text = System.Text.Encoding.Latin1.GetString(ms.ToArray());
        var huge = System.Text.Encoding.Latin1.GetBytes(text.Replace("(2,)", "(99999999999,)".PadRight(4)));
        var e = Assert.Throws<DataFormatException>(() => Npy.Read(new MemoryStream(huge), "huge.npy"));
        Assert.Contains("truncated data", e.Message);
    }

    [Fact]
    public void Memory_mapped_rows_equal_the_loaded_array()
    {
        var path = RepoPaths.Fixture("npy", "f32_3d_2x2x3.npy");
        var whole = Npy.Read(path).ToFloat32();
        using var mapped = Npy.OpenMapped(path);
        Assert.Equal(2, mapped.Rows);
        Assert.Equal(6, mapped.RowLength);
        var row1 = new float[6];
        mapped.ReadRows(1, row1);
        Assert.Equal(whole[6..], row1);
        Assert.Throws<ArgumentOutOfRangeException>(() => mapped.ReadRows(2, row1));
    }
}
