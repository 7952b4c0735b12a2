// PthReader's refusals: forbidden globals, wrong magic, unknown opcodes, bad lengths, missing or short storages,
// out-of-range views. Each must be a PthFormatException naming the file and where the problem is.
using System.IO.Compression;
using System.Text;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch.Tests.Serialization;

public class PthErrorTests
{
    private static PthFormatException Fails(byte[] file, PthReadOptions? options = null) =>
        Assert.Throws<PthFormatException>(() => PthReader.LoadObject(new MemoryStream(file), "test.pth", options));

    private static byte[] ZipEntry(string fixture, string suffix)
    {
        using var zip = ZipFile.OpenRead(PthExpected.Path(fixture));
        using var s = zip.Entries.Single(e => e.FullName.EndsWith(suffix, StringComparison.Ordinal)).Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    [Theory]
    [InlineData("malicious_os_system.pth")]
    [InlineData("malicious_os_system.legacy.pth")]
    [InlineData("malicious_eval_p4.pth")]
    public void Forbidden_global_is_rejected_with_file_global_and_offset_of_its_opcode(string file)
    {
        var path = PthExpected.Path(file);
        var global = PthExpected.ForbiddenGlobal(file);
        var e = Assert.Throws<PthFormatException>(() => PthReader.LoadObject(path));
        Assert.Contains($"forbidden pickle global '{global}'", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains($"at byte {e.Offset}", e.Message);
        // The offset points at the GLOBAL ('c') or STACK_GLOBAL (0x93) opcode in the pickle that holds it.
        var pickle = file.Contains("legacy") ? File.ReadAllBytes(path) : ZipEntry(file, "/data.pkl");
        var op = pickle[(int)e.Offset!.Value];
        if (op == (byte)'c')
            Assert.Equal(global.Replace('.', '\n') + "\n", Encoding.ASCII.GetString(pickle, (int)e.Offset.Value + 1, global.Length + 1));
        else
            Assert.Equal(0x93, op);
        if (file.Contains("legacy")) Assert.Null(e.Entry); // offsets are file offsets
        else Assert.EndsWith("/data.pkl", e.Entry);
    }

    [Fact]
    public void Wrong_magic_bytes_are_rejected_at_offset_zero()
    {
        var e = Fails(Encoding.ASCII.GetBytes("hello, this is not a checkpoint"));
        Assert.Equal(0, e.Offset);
        Assert.Contains("not a PyTorch checkpoint", e.Message);
        Assert.Contains("68656C6C", e.Message); // the bytes found
    }

    [Fact]
    public void A_pickle_whose_first_value_is_not_the_torch_magic_number_is_rejected()
    {
        var e = Fails(new PickleBytes().Int(42).Stop().ToArray());
        Assert.Contains("invalid magic number", e.Message);
    }

    [Fact]
    public void Empty_and_tiny_files_are_truncated()
    {
        Assert.Contains("truncated", Fails([]).Message);
        Assert.Contains("truncated", Fails([0x50, 0x4B]).Message);
    }

    [Fact]
    public void A_zip_without_data_pkl_is_not_a_checkpoint()
    {
        var zip = PickleBytes.RewriteZip(File.ReadAllBytes(PthExpected.Path("views.pth")),
            (name, data) => name.EndsWith("data.pkl", StringComparison.Ordinal) ? null : data);
        Assert.Contains("without a <folder>/data.pkl", Fails(zip).Message);
    }

    [Fact]
    public void Unknown_opcode_is_reported_with_its_offset()
    {
        var pickle = new PickleBytes().EmptyDict().Raw((byte)'I').Raw(Encoding.ASCII.GetBytes("12\n")).Stop().ToArray();
        var e = Fails(PickleBytes.Zip(pickle, []));
        Assert.Equal(3, e.Offset); // PROTO 2 takes bytes 0-1, EMPTY_DICT byte 2
        Assert.Equal("archive/data.pkl", e.Entry);
        Assert.Contains("unsupported pickle opcode 0x49", e.Message);
    }

    [Fact]
    public void A_string_length_beyond_the_data_is_rejected_before_allocating()
    {
        var pickle = new PickleBytes().Raw((byte)'X', 0xff, 0xff, 0xff, 0x7f).Raw(Encoding.ASCII.GetBytes("abc")).ToArray();
        var e = Fails(PickleBytes.Zip(pickle, []));
        Assert.Contains("length 2147483647 exceeds the 3 bytes left", e.Message);
    }

    [Fact]
    public void A_memo_index_never_stored_is_an_error()
    {
        var e = Fails(PickleBytes.Zip(new PickleBytes().Raw((byte)'h', 7).Stop().ToArray(), []));
        Assert.Contains("memo index 7 was never stored", e.Message);
    }

    [Fact]
    public void A_view_reaching_past_its_storage_is_rejected()
    {
        var pickle = new PickleBytes().EmptyDict().Str("w").FloatTensor(numel: 4, offset: 0, size: [3, 3], stride: [3, 1])
            .SetItem().Stop().ToArray();
        var e = Fails(PickleBytes.Zip(pickle, [("0", new byte[16])]));
        Assert.Contains("holds 4 elements", e.Message);
        Assert.Contains("reaches element 8", e.Message);

        var offsetPickle = new PickleBytes().EmptyDict().Str("w").FloatTensor(numel: 4, offset: 3, size: [2], stride: [1])
            .SetItem().Stop().ToArray();
        Assert.Contains("reaches element 4", Fails(PickleBytes.Zip(offsetPickle, [("0", new byte[16])])).Message);
    }

    [Fact]
    public void A_handmade_tensor_with_a_valid_view_loads()
    {
        // Control for the error cases above: same construction, in-range view (a 2x2 transpose of 4 floats).
        var pickle = new PickleBytes().EmptyDict().Str("w").FloatTensor(numel: 4, offset: 0, size: [2, 2], stride: [1, 2])
            .SetItem().Stop().ToArray();
        var data = new[] { 1f, 2f, 3f, 4f }.SelectMany(BitConverter.GetBytes).ToArray();
        var t = PthReader.LoadStateDict(WriteTemp(PickleBytes.Zip(pickle, [("0", data)])), null)["w"];
        Assert.Equal(new[] { 1f, 3f, 2f, 4f }, Enumerable.Range(0, 4).Select(i => BitConverter.ToSingle(t.Data, i * 4)));
    }

    [Fact]
    public void A_missing_storage_entry_is_named()
    {
        var zip = PickleBytes.RewriteZip(File.ReadAllBytes(PthExpected.Path("tiny_module.pth")),
            (name, data) => name == "tiny_module/data/0" ? null : data);
        var e = Fails(zip);
        Assert.Contains("missing storage entry 'tiny_module/data/0'", e.Message);
    }

    [Fact]
    public void A_storage_entry_shorter_than_its_numel_is_rejected()
    {
        var zip = PickleBytes.RewriteZip(File.ReadAllBytes(PthExpected.Path("tiny_module.pth")),
            (name, data) => name == "tiny_module/data/0" ? data[..^4] : data);
        var e = Fails(zip);
        Assert.Equal("tiny_module/data/0", e.Entry);
        Assert.Contains("but storage '0' needs", e.Message);
    }

    [Fact]
    public void An_unknown_byteorder_record_is_rejected()
    {
        var pickle = new PickleBytes().EmptyDict().Stop().ToArray();
        Assert.Contains("byteorder record is 'middle'", Fails(PickleBytes.Zip(pickle, [], byteorder: "middle")).Message);
        Assert.IsType<PthDict>(PthReader.LoadObject(new MemoryStream(PickleBytes.Zip(pickle, [], byteorder: "little")), "ok"));
    }

    [Fact]
    public void An_expanded_view_larger_than_MaxTensorBytes_is_refused()
    {
        var path = PthExpected.Path("views.pth");
        var e = Assert.Throws<PthFormatException>(() => PthReader.LoadObject(path, new PthReadOptions { MaxTensorBytes = 20 }));
        Assert.Contains("over the limit of 20", e.Message);
    }

    [Fact]
    public void Many_views_of_one_storage_stop_at_MaxTotalBytes()
    {
        // 200 tensors each viewing all 64 floats of one 256-byte storage: 51,200 bytes once materialised.
        var p = new PickleBytes().EmptyDict();
        for (var i = 0; i < 200; i++) p.Str($"w{i}").FloatTensor(numel: 64, offset: 0, size: [64], stride: [1]).SetItem();
        var file = PickleBytes.Zip(p.Stop().ToArray(), [("0", new byte[256])]);
        var e = Fails(file, new PthReadOptions { MaxTotalBytes = 10_000 });
        Assert.Contains("MaxTotalBytes", e.Message);
        var all = Assert.IsType<PthDict>(PthReader.LoadObject(new MemoryStream(file), "ok", new PthReadOptions { MaxTotalBytes = 51_200 }));
        Assert.Equal(200, all.Count);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow()
    {
        const int depth = 5000;
        var p = new PickleBytes();
        for (var i = 0; i < depth; i++) p.Raw((byte)']');
        for (var i = 0; i < depth - 1; i++) p.Raw((byte)'a');
        var e = Fails(PickleBytes.Zip(p.Stop().ToArray(), []));
        Assert.Contains("nested deeper than", e.Message);
    }

    [Fact]
    public void A_legacy_file_cut_inside_a_storage_reports_truncation()
    {
        var bytes = File.ReadAllBytes(PthExpected.Path("dtypes.legacy.pth"));
        var e = Fails(bytes[..^3]);
        Assert.Contains("truncated file: storage", e.Message);
    }

    [Fact]
    public void A_dict_that_is_not_a_state_dict_is_refused_in_a_users_words()
    {
        var path = Path.Combine(Path.GetTempPath(), $"zslkit-notstate-{Guid.NewGuid():N}.pth");
        File.WriteAllBytes(path, PickleBytes.Zip(new PickleBytes().EmptyDict().Str("epoch").Int(3).SetItem().Stop().ToArray(), []));
        try
        {
            var e = Assert.Throws<PthFormatException>(() => PthReader.Load(path));
            Assert.Equal($"{path}: the top-level dict is not a state dict (a mapping of names to tensors) and has no 'state_dict' or 'model' dict entry (keys: epoch)", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_whole_module_pickle_is_refused_with_advice()
    {
        var pickle = new PickleBytes().Mark().Str("module").Str("x").Str("src.py").Str("code").Tuple().Raw((byte)'Q').Stop();
        var e = Fails([.. PickleBytes.LegacyHeader(), .. pickle.ToArray()]);
        Assert.Contains("whole nn.Module", e.Message);
    }

    [Fact]
    public void A_legacy_storage_view_offsets_into_its_root_storage()
    {
        // view_metadata ('view', offset 2, size 3) of a 6-float root storage: the tensor sees elements 2, 3, 4.
        static byte[] File(byte viewOffset, byte viewSize, byte tensorSize) =>
        [
            .. PickleBytes.LegacyHeader(),
            .. new PickleBytes().EmptyDict().Str("w").Tensor(p => p.Mark().Str("storage").Global("torch", "FloatStorage")
                .Str("root").Str("cpu").Int(6).Mark().Str("view").Int(viewOffset).Int(viewSize).Tuple().Tuple(),
                offset: 0, size: [tensorSize], stride: [1]).SetItem().Stop().ToArray(),
            .. new PickleBytes().Mark().Str("root").Raw((byte)'l').Stop().ToArray(),
            .. BitConverter.GetBytes(6L),
            .. new[] { 10f, 11, 12, 13, 14, 15 }.SelectMany(BitConverter.GetBytes),
        ];
        var root = Assert.IsType<PthDict>(PthReader.LoadObject(new MemoryStream(File(2, 3, 3)), "view.pth"));
        var w = Assert.IsType<TensorData>(root["w"]);
        Assert.Equal(new[] { 12f, 13, 14 }, Enumerable.Range(0, 3).Select(i => BitConverter.ToSingle(w.Data, i * 4)));
        Assert.Contains("holds 3 elements", Fails(File(2, 3, 4)).Message);          // tensor longer than the view
        Assert.Contains("lies outside storage 'root'", Fails(File(4, 3, 3)).Message); // view past the root
        Assert.Contains("lies outside storage 'root'", Fails(File(255, 255, 3)).Message);
    }

    [Fact]
    public void Element_counts_too_large_for_memory_are_rejected_without_overflow()
    {
        // numel 2^62 as LONG1: numel * 4 bytes would overflow 64 bits.
        var pickle = new PickleBytes().EmptyDict().Str("w").Tensor(p => p.Mark().Str("storage").Global("torch", "FloatStorage")
            .Str("0").Str("cpu").Raw(0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x40).Tuple(), offset: 0, size: [1], stride: [1]).SetItem().Stop();
        var e = Fails(PickleBytes.Zip(pickle.ToArray(), [("0", new byte[4])]));
        Assert.True(e.Message.Contains("larger than one array can hold"), e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => PthReader.Load("/nonexistent/zslkit/none.pth"));
    }

    private static string WriteTemp(byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"zslkit-pth-{Guid.NewGuid():N}.pth");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
