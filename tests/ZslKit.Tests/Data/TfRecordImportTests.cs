// Tests of the TFRecord -> feature store conversion on records written with TfRecordWriter/TfExample.
using System.Runtime.InteropServices;
using ZslKit.Data;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Formats;

namespace ZslKit.Tests.Data;

public sealed class TfRecordImportTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("zsl-import-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string WriteRecords(string name, int count, Func<int, TfExample> make)
    {
        var path = Path.Combine(_root, name);
        using var w = new TfRecordWriter(path);
        for (var i = 0; i < count; i++) w.Write(make(i).ToByteArray());
        return path;
    }

    private static TfExample Nus(int i, int l1k = 4)
    {
        var ex = new TfExample();
        var feature = Enumerable.Range(0, 6).Select(j => i + j / 10f).ToArray();
        ex.Features["feature"] = TfFeature.OfBytes(MemoryMarshal.AsBytes(feature.AsSpan()).ToArray());
        ex.Features["label_1k"] = TfFeature.OfInt64s(Enumerable.Range(0, l1k).Select(k => (long)((i + k) % 3 - 1)).ToArray());
        ex.Features["label_81"] = TfFeature.OfInt64s(i % 2 == 0 ? 1 : -1, 0);
        return ex;
    }

    [Fact]
    public void Lesa_style_records_become_store_items_with_concatenated_int8_labels()
    {
        var a = WriteRecords("a.tfrecord", 3, i => Nus(i));
        var b = WriteRecords("b.tfrecord", 2, i => Nus(i + 3));
        var folder = Path.Combine(_root, "store");
        var n = TfRecordImport.ToFeatureStore([a, b], folder,
            new TfRecordImportOptions([2, 3], "feature", ["label_1k", "label_81"], [4, 2]) { DType = FeatureDType.Fp32, ItemsPerChunk = 2 });
        Assert.Equal(5, n);
        using var store = FeatureStore.Open(folder, verifyChecksums: true);
        Assert.Equal(6, store.LabelCount);
        var item = new float[6];
        for (var i = 0; i < 5; i++)
        {
            store.ReadItem(i, item);
            Assert.Equal(Enumerable.Range(0, 6).Select(j => i + j / 10f), item);
            var expected = Enumerable.Range(0, 4).Select(k => (sbyte)((i + k) % 3 - 1)).Append((sbyte)(i % 2 == 0 ? 1 : -1)).Append((sbyte)0);
            Assert.Equal(expected, store.Labels(i).ToArray());
        }
    }

    [Fact]
    public void A_record_with_the_wrong_label_count_names_the_file_and_record_and_leaves_no_store()
    {
        var path = WriteRecords("bad.tfrecord", 3, i => Nus(i, l1k: i == 2 ? 5 : 4));
        var folder = Path.Combine(_root, "store");
        var e = Assert.Throws<DataFormatException>(() => TfRecordImport.ToFeatureStore([path], folder,
            new TfRecordImportOptions([2, 3], "feature", ["label_1k", "label_81"], [4, 2])));
        Assert.Contains("bad.tfrecord, record 2", e.Message);
        Assert.False(Directory.Exists(folder));
        Assert.False(Directory.Exists(folder + ".partial"));
    }

    [Fact]
    public void A_record_with_a_label_value_other_than_plus_one_minus_one_or_zero_is_named_and_leaves_no_store()
    {
        var path = WriteRecords("two.tfrecord", 3, i =>
        {
            var ex = Nus(i);
            if (i == 1) ex.Features["label_81"] = TfFeature.OfInt64s(2, 0);
            return ex;
        });
        var folder = Path.Combine(_root, "store");
        var e = Assert.Throws<DataFormatException>(() => TfRecordImport.ToFeatureStore([path], folder,
            new TfRecordImportOptions([2, 3], "feature", ["label_1k", "label_81"], [4, 2])));
        Assert.Contains("two.tfrecord, record 1", e.Message);
        Assert.Contains("label value 2 in 'label_81' is not +1, -1 or 0", e.Message);
        Assert.False(Directory.Exists(folder));
        Assert.False(Directory.Exists(folder + ".partial"));
    }

    [Fact]
    public void The_id_feature_becomes_an_item_ids_file_in_item_order_and_a_record_without_one_is_named()
    {
        TfExample WithId(int i, string id)
        {
            var ex = Nus(i);
            ex.Features["img_id"] = TfFeature.OfBytes(System.Text.Encoding.UTF8.GetBytes(id));
            return ex;
        }
        var a = WriteRecords("ids-a.tfrecord", 2, i => WithId(i, $"000{i}abc"));
        var b = WriteRecords("ids-b.tfrecord", 1, i => WithId(i + 2, "ffee01"));
        var folder = Path.Combine(_root, "store");
        var options = new TfRecordImportOptions([2, 3], "feature", ["label_1k", "label_81"], [4, 2]) { IdKey = "img_id" };
        Assert.Equal(3, TfRecordImport.ToFeatureStore([a, b], folder, options));
        Assert.Equal(["0000abc", "0001abc", "ffee01"], File.ReadAllLines(Path.Combine(folder, TfRecordImport.ItemIdsFileName)));
        Assert.Equal(["0000abc", "0001abc", "ffee01"], ZslKit.Experiments.Lesa.LesaOpenImagesLocalisation.ReadItemIds(folder, 3));

        var bad = WriteRecords("ids-bad.tfrecord", 2, i => i == 1 ? Nus(i) : WithId(i, "x"));
        var e = Assert.Throws<DataFormatException>(() => TfRecordImport.ToFeatureStore([bad], Path.Combine(_root, "store2"), options));
        Assert.Contains("ids-bad.tfrecord, record 1", e.Message);
        Assert.Contains("img_id", e.Message);
    }
}
