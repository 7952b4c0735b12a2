// Tests of the MATLAB v5 reader against fixtures written by scipy (tests/fixtures/data/gen_mat.py) and its JSON reference.
using System.Globalization;
using System.Text.Json;
using ZslKit.Data;
using ZslKit.Data.Formats;
using ZslKit.Testing;

namespace ZslKit.Tests.Data;

public class MatFileTests
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("data", "mat", "mat_reference.json"))).RootElement;

    public static TheoryData<string> Files => new() { "basic_le.mat", "basic_zlib.mat", "basic_be.mat" };

    private static MatClass ClassOf(string dtype) => dtype.TrimStart('<', '>', '=', '|') switch
    {
        "f8" or "float64" => MatClass.Double, "f4" or "float32" => MatClass.Single, "i1" or "int8" => MatClass.Int8,
        "u1" or "uint8" or "bool" => MatClass.UInt8, "i2" or "int16" => MatClass.Int16, "u2" or "uint16" => MatClass.UInt16,
        "i4" or "int32" => MatClass.Int32, "u4" or "uint32" => MatClass.UInt32, "i8" or "int64" => MatClass.Int64,
        "u8" or "uint64" => MatClass.UInt64, var d => throw new InvalidOperationException(d),
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_variable_matches_what_scipy_reads(string file)
    {
        var mat = MatFile.Read(RepoPaths.Fixture("data", "mat", file));
        var expected = Reference.GetProperty(file);
        var checkedCount = 0;
        foreach (var variable in expected.EnumerateObject())
        {
            var a = mat[variable.Name];
            var dims = variable.Value.GetProperty("dims").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var values = variable.Value.GetProperty("values").EnumerateArray().Select(e => e.GetString()!).ToArray();
            switch (variable.Value.GetProperty("kind").GetString())
            {
                case "numeric":
                    Assert.Equal(dims, a.Dims);
                    var dtype = variable.Value.GetProperty("dtype").GetString()!;
                    Assert.Equal(ClassOf(dtype), a.Class);
                    Assert.Equal(dtype == "bool", a.IsLogical);
                    if (a.Class == MatClass.UInt64)
                        Assert.Equal(values.Select(v => ulong.Parse(v, CultureInfo.InvariantCulture)), (ulong[])a.Data!);
                    else if (a.Class is MatClass.Double or MatClass.Single)
                        Assert.Equal(values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)), a.ToDoubleArray());
                    else
                        Assert.Equal(values.Select(v => long.Parse(v, CultureInfo.InvariantCulture)), a.ToInt64Array());
                    break;
                case "strings":
                    Assert.Equal(MatClass.Char, a.Class);
                    Assert.Equal(dims, a.Dims);
                    Assert.Equal(values.Select(v => v.TrimEnd()), a.ToStrings());
                    break;
                case "cells":
                    Assert.Equal(MatClass.Cell, a.Class);
                    Assert.Equal(dims, a.Dims);
                    Assert.Equal(values, a.ToCellStrings());
                    break;
            }
            checkedCount++;
        }
        Assert.True(checkedCount >= 8, $"only {checkedCount} variables compared");
    }

    [Fact]
    public void Big_endian_file_is_detected_and_narrow_storage_widens_to_the_class()
    {
        var mat = MatFile.Read(RepoPaths.Fixture("data", "mat", "basic_be.mat"));
        Assert.True(mat.BigEndian);
        Assert.Equal(MatClass.Double, mat["loc"].Class);
        Assert.Equal(new[] { 1.0, 2.0, 40000.0 }, (double[])mat["loc"].Data!);
        Assert.Equal(new[] { 1, 2, 40000 }, mat["loc"].ToInt32Array());
        Assert.Equal(new[] { -3, 0, 9 }, (int[])mat["small_i"].Data!);
    }

    [Fact]
    public void Sparse_and_struct_variables_are_listed_but_reading_them_names_the_reason()
    {
        var mat = MatFile.Read(RepoPaths.Fixture("data", "mat", "basic_zlib.mat"));
        Assert.Contains("sparse_m", mat.Names);
        var e = Assert.Throws<DataFormatException>(() => mat["sparse_m"].ToDoubleArray());
        Assert.Contains("sparse", e.Message);
        Assert.Contains("basic_zlib.mat", e.Message);
        Assert.Throws<DataFormatException>(() => mat["st"].ToDoubleArray());
    }

    [Fact]
    public void Reading_only_some_variables_skips_the_others()
    {
        var mat = MatFile.Read(RepoPaths.Fixture("data", "mat", "basic_zlib.mat"), ["att", "names"]);
        Assert.Equal(new[] { "att", "names" }, mat.Names);
        var e = Assert.Throws<DataFormatException>(() => mat["feat"]);
        Assert.Contains("no variable 'feat'", e.Message);
    }

    [Fact]
    public void Non_integral_values_are_refused_as_int32()
    {
        var mat = MatFile.Read(RepoPaths.Fixture("data", "mat", "basic_le.mat"));
        var e = Assert.Throws<DataFormatException>(() => mat["att"].ToInt32Array());
        Assert.Contains("'att'", e.Message);
    }

    private static byte[] Fixture(string name) => File.ReadAllBytes(RepoPaths.Fixture("data", "mat", name));

    private static DataFormatException ReadBad(byte[] bytes) =>
        Assert.Throws<DataFormatException>(() => MatFile.Read(new MemoryStream(bytes), "bad.mat"));

    [Fact]
    public void Wrong_magic_is_refused_at_byte_zero()
    {
        var bytes = Fixture("basic_le.mat");
        bytes[0] = (byte)'X';
        var e = ReadBad(bytes);
        Assert.Equal(0, e.Offset);
        Assert.Equal("bad.mat", e.File);
    }

    [Fact]
    public void Bad_endian_indicator_and_short_files_are_refused()
    {
        var bytes = Fixture("basic_le.mat");
        bytes[126] = (byte)'X';
        Assert.Equal(126, ReadBad(bytes).Offset);
        Assert.Contains("shorter than the 128-byte", ReadBad(bytes[..100]).Message);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_truncation_raises_a_format_error(string file)
    {
        // A cut between elements leaves a valid file holding the leading variables; any other cut must raise.
        var bytes = Fixture(file);
        var all = MatFile.Read(new MemoryStream(bytes), file).Names;
        var raised = 0;
        for (var n = 128 + 1; n < bytes.Length; n += 3)
        {
            try
            {
                var names = MatFile.Read(new MemoryStream(bytes[..n]), file).Names;
                Assert.True(names.Count < all.Count);
                Assert.Equal(all.Take(names.Count), names);
            }
            catch (DataFormatException) { raised++; }
        }
        Assert.True(raised > (bytes.Length - 128) / 3 / 2, $"only {raised} truncations raised");
    }

    [Fact]
    public void An_element_larger_than_the_file_is_refused_before_allocating()
    {
        var bytes = Fixture("basic_le.mat");
        BitConverter.GetBytes(0x7FFF_FFF0u).CopyTo(bytes, 132);   // size of the first element
        var e = ReadBad(bytes);
        Assert.Equal(128, e.Offset);
        Assert.Contains("past the end of the file", e.Message);
    }

    [Fact]
    public void Oversized_dimensions_are_refused()
    {
        // First variable of basic_le.mat: tag(8) flags(16) dims tag at 128+24, dims values at 128+32.
        var bytes = Fixture("basic_le.mat");
        BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, 128 + 32);
        BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, 128 + 36);
        var e = ReadBad(bytes);
        Assert.Contains("exceed", e.Message);
        Assert.Equal(128 + 40, e.Offset);
    }

    [Fact]
    public void Corrupt_zlib_data_is_reported_with_the_element_offset()
    {
        var bytes = Fixture("basic_zlib.mat");
        for (var i = 128 + 8 + 2; i < 128 + 40; i++) bytes[i] ^= 0x5A;
        var e = ReadBad(bytes);
        Assert.Equal(128, e.Offset);
    }

    [Fact]
    public void A_cell_array_claiming_more_cells_than_bytes_is_refused_before_allocating()
    {
        // basic_be.mat is hand-written: find the "names" cell (class 1) and inflate its dims to 2^30 x 1.
        var bytes = Fixture("basic_be.mat");
        var name = System.Text.Encoding.ASCII.GetBytes("names");
        var at = bytes.AsSpan().IndexOf(name);
        Assert.True(at > 0);
        // Layout before the name: dims values (2 x int32 = 8), then the name's 8-byte tag ("names" is too long for
        // the small format), so the first dim is at at - 16.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at - 16), 1 << 30);
        var e = ReadBad(bytes);
        Assert.Contains("cells cannot fit", e.Message);
    }
}
