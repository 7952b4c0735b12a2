// PthReader against the torch-written fixtures of tests/fixtures/pth (gen_pth.py): every file in both formats
// loads to exactly the names, dtypes, shapes and values torch saved.
using ZslKit.Torch;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch.Tests.Serialization;

public class PthReaderTests
{
    public static TheoryData<string> AllFixtures() => new(PthExpected.Files);

    public static TheoryData<string> StateDictFixtures() => new(PthExpected.Files.Where(f => !f.StartsWith("checkpoint")));

    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void LoadObject_returns_the_saved_object_tree_exactly(string file)
    {
        var obj = PthReader.LoadObject(PthExpected.Path(file));
        PthExpected.AssertMatches(PthExpected.Of(file), obj);
    }

    [Theory]
    [MemberData(nameof(StateDictFixtures))]
    public void Load_returns_the_state_dict_names_in_file_order_with_exact_tensors(string file)
    {
        var tensors = PthReader.Load(PthExpected.Path(file));
        var expected = PthExpected.Of(file).GetProperty("dict");
        Assert.Equal(expected.EnumerateArray().Select(p => p[0].GetProperty("str").GetString()!), tensors.Keys);
        foreach (var pair in expected.EnumerateArray())
        {
            var name = pair[0].GetProperty("str").GetString()!;
            PthExpected.AssertTensor(pair[1].GetProperty("tensor"), tensors[name], name);
        }
    }

    [Theory]
    [InlineData("checkpoint.pth")]
    [InlineData("checkpoint.legacy.pth")]
    public void Load_of_a_checkpoint_dict_returns_its_state_dict_entry(string file)
    {
        var auto = PthReader.Load(PthExpected.Path(file));
        var byKey = PthReader.LoadStateDict(PthExpected.Path(file), "state_dict");
        var expected = PthExpected.Of(file).GetProperty("dict").EnumerateArray()
            .Single(p => p[0].GetProperty("str").GetString() == "state_dict")[1].GetProperty("dict");
        Assert.Equal(expected.GetArrayLength(), auto.Count);
        Assert.Equal(auto.Keys, byKey.Keys);
        foreach (var pair in expected.EnumerateArray())
        {
            var name = pair[0].GetProperty("str").GetString()!;
            PthExpected.AssertTensor(pair[1].GetProperty("tensor"), auto[name], name);
            Assert.Equal(auto[name].Data, byKey[name].Data);
        }
        Assert.Contains("1.num_batches_tracked", auto.Keys); // BatchNorm buffer: a 0-d int64 tensor
        Assert.Empty(auto["1.num_batches_tracked"].Shape);
    }

    [Fact]
    public void LoadStateDict_with_a_key_that_is_not_a_tensor_dict_names_the_key()
    {
        var path = PthExpected.Path("checkpoint.pth");
        var notTensors = Assert.Throws<PthFormatException>(() => PthReader.LoadStateDict(path, "optimizer"));
        Assert.Contains("checkpoint.pth", notTensors.Message);
        Assert.Contains("state dict entry state", notTensors.Message);
        var missing = Assert.Throws<PthFormatException>(() => PthReader.LoadStateDict(path, "model"));
        Assert.Contains("no entry 'model'", missing.Message);
        Assert.Contains("state_dict", missing.Message); // lists the keys that exist
    }

    [Theory]
    [InlineData("views.pth")]
    [InlineData("views.legacy.pth")]
    public void Views_of_one_storage_are_each_materialised_in_C_order(string file)
    {
        // Independent of expected.json: the transpose, slice, row and column are recomputed from base here.
        var t = PthReader.Load(PthExpected.Path(file));
        float At(TensorData x, int i) => BitConverter.ToSingle(x.Data, i * 4);
        var b = t["base"];
        Assert.Equal([4L, 6L], b.Shape);
        for (var i = 0; i < 24; i++) Assert.Equal(i, At(b, i));
        var tr = t["transpose"];
        Assert.Equal([6L, 4L], tr.Shape);
        for (var r = 0; r < 6; r++)
            for (var c = 0; c < 4; c++) Assert.Equal(At(b, c * 6 + r), At(tr, r * 4 + c));
        Assert.Equal([6f, 8, 10, 12, 14, 16], Enumerable.Range(0, 6).Select(i => At(t["slice"], i)));
        Assert.Equal([18f, 19, 20, 21, 22, 23], Enumerable.Range(0, 6).Select(i => At(t["row"], i)));
        Assert.Equal([5f, 11, 17, 23], Enumerable.Range(0, 4).Select(i => At(t["col"], i)));
        Assert.Equal([1f, 2, 1, 2, 1, 2], Enumerable.Range(0, 6).Select(i => At(t["expanded"], i)));
        Assert.NotSame(t["base"].Data, t["row"].Data);
    }

    [Theory]
    [InlineData("tied.pth")]
    [InlineData("tied.legacy.pth")]
    public void The_same_tensor_object_twice_loads_as_one_TensorData(string file)
    {
        var t = PthReader.Load(PthExpected.Path(file));
        Assert.Same(t["embed.weight"], t["head.weight"]);
        Assert.NotSame(t["embed.weight"], t["head_detached"]); // a different tensor object, same storage and values
        Assert.Equal(t["embed.weight"].Data, t["head_detached"].Data);
        Assert.Equal(t["embed.weight"].Data[8..], t["rows"].Data);
    }

    [Fact]
    public void A_checkpoint_re_zipped_with_deflate_loads_the_same_tensors()
    {
        // torch writes stored entries; a user re-compressing the archive must still get identical tensors.
        var original = File.ReadAllBytes(PthExpected.Path("tiny_module.pth"));
        var deflated = PickleBytes.RewriteZip(original, (_, data) => data, System.IO.Compression.CompressionLevel.Optimal);
        Assert.NotEqual(original.Length, deflated.Length);
        var a = PthReader.LoadStateDict(PthExpected.Path("tiny_module.pth"), null);
        var b = Assert.IsType<PthDict>(PthReader.LoadObject(new MemoryStream(deflated), "deflated.pth"));
        Assert.Equal(a.Keys, b.Keys.Cast<string>());
        foreach (var (name, t) in a) Assert.Equal(t.Data, Assert.IsType<TensorData>(b[name]).Data);
    }

    [Fact]
    public void Big_endian_byteorder_record_is_byte_swapped_to_little_endian()
    {
        var be = PthReader.Load(PthExpected.Path("dtypes_big_endian.pth"));
        var le = PthReader.Load(PthExpected.Path("dtypes.pth"));
        Assert.Equal(le.Keys, be.Keys);
        foreach (var (name, t) in le) Assert.Equal(t.Data, be[name].Data);
    }

    [Theory]
    [InlineData("scalar_empty.pth")]
    [InlineData("scalar_empty.legacy.pth")]
    public void Scalars_have_an_empty_shape_and_empty_tensors_no_bytes(string file)
    {
        var t = PthReader.Load(PthExpected.Path(file));
        Assert.Empty(t["scalar"].Shape);
        Assert.Equal(3.5f, BitConverter.ToSingle(t["scalar"].Data));
        Assert.Equal(-7L, BitConverter.ToInt64(t["int_scalar"].Data));
        Assert.Equal([0L, 3L], t["empty"].Shape);
        Assert.Empty(t["empty"].Data);
        Assert.Equal(ScalarType.Int32, t["empty_int"].DType);
        Assert.Equal([1L, 2L], t["param"].Shape); // nn.Parameter via torch._utils._rebuild_parameter
    }

    [Fact]
    public void A_state_dict_keeps_its_metadata_attribute_and_OrderedDict_kind()
    {
        var root = Assert.IsType<PthDict>(PthReader.LoadObject(PthExpected.Path("tiny_module.pth")));
        Assert.True(root.IsOrderedDict);
        var meta = Assert.IsType<PthDict>(root.Attributes!["_metadata"]);
        Assert.True(meta.ContainsKey("0")); // one entry per submodule: "", "0", "1", ...
    }
}
