// Tests of the GBU loader: a tiny generated dataset (tests/fixtures/data/gen_gbu.py) and the real xlsa17 files.
using System.Text.Json;
using ZslKit.Data.Datasets;
using ZslKit.Data.Formats;
using ZslKit.Testing;

namespace ZslKit.Tests.Data;

public class GbuDatasetTests
{
    private static T[] Json<T>(JsonElement e, string key) => e.GetProperty(key).Deserialize<T[]>()!;

    [Fact]
    public void Tiny_dataset_loads_semantics_features_labels_and_rebuilt_train_val_as_the_reference_says()
    {
        var reference = JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("data", "gbu-tiny", "gbu_reference.json"))).RootElement;
        var ds = GbuDataset.Load(RepoPaths.Fixture("data", "gbu-tiny", "TINY"));
        Assert.Equal("TINY", ds.Name);
        Assert.Equal(new[] { "ant", "bee", "cat", "dog", "eel" }, ds.ClassNames);
        Assert.Equal(5, ds.ClassCount);
        Assert.Equal(3, ds.SemanticDim);
        var sem = Json<double>(reference, "class_semantics");
        Assert.Equal(sem.Length, ds.ClassSemantics.Length);
        for (var i = 0; i < sem.Length; i++) Assert.Equal(sem[i], ds.ClassSemantics[i], 6);   // float32 of the doubles
        Assert.Equal(4, ds.FeatureDim);
        var features = Json<double>(reference, "features");
        for (var i = 0; i < features.Length; i++) Assert.Equal(features[i], ds.Features![i], 6);
        Assert.Equal(Json<int>(reference, "labels"), ds.Labels);
        Assert.Equal(Json<int>(reference, "trainval"), ds.Splits.Trainval);
        Assert.Equal(Json<int>(reference, "test_seen"), ds.Splits.TestSeen);
        Assert.Equal(Json<int>(reference, "test_unseen"), ds.Splits.TestUnseen);
        Assert.Equal(Json<int>(reference, "train"), ds.Splits.Train);
        Assert.Equal(Json<int>(reference, "val"), ds.Splits.Val);
        Assert.Equal(Json<string>(reference, "image_files"), ds.ImageFiles);
        Assert.Equal(new[] { 0, 2 }, ds.TrainClasses);
        Assert.Equal(12, ds.ImageCount);
    }

    [Fact]
    public void Features_can_be_left_out()
    {
        var ds = GbuDataset.Load(new GbuOptions(RepoPaths.Fixture("data", "gbu-tiny", "TINY")) { LoadFeatures = false });
        Assert.Null(ds.Features);
        Assert.NotNull(ds.Labels);
    }

    [Fact]
    public void Inconsistent_side_files_are_reported_with_the_file_name()
    {
        var dir = Directory.CreateTempSubdirectory("zsl-gbu-").FullName;
        try
        {
            var tiny = RepoPaths.Fixture("data", "gbu-tiny", "TINY");
            foreach (var f in Directory.GetFiles(tiny)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            // images.csv whose labels disagree with res101.mat
            var rows = Enumerable.Range(0, 12).Select(i => $"{i},img{i}.jpg,{(i == 5 ? 4 : i / 2 % 5)},x");
            File.WriteAllLines(Path.Combine(dir, "images.csv"), new[] { "index,image,label,split" }.Concat(rows));
            var e = Assert.Throws<ZslKit.Data.DataFormatException>(() => GbuDataset.Load(dir));
            Assert.Contains("images.csv", e.Message);
            Assert.Contains("differ from res101.mat", e.Message);
            File.Delete(Path.Combine(dir, "images.csv"));
            File.WriteAllText(Path.Combine(dir, "trainclasses1.txt"), "ant\nunicorn\n");
            e = Assert.Throws<ZslKit.Data.DataFormatException>(() => GbuDataset.Load(dir));
            Assert.Contains("trainclasses1.txt", e.Message);
            Assert.Contains("'unicorn'", e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static string Gbu(string name)
    {
        var path = RepoPaths.SharedFile("gbu", name, "att_splits.mat");
        Skip.If(path is null, $"shared data gbu/{name} absent");
        return Path.GetDirectoryName(path)!;
    }

    [Theory]
    [InlineData("AWA2", 23527, 5882, 7913, 40, 10, 85)]
    [InlineData("CUB", 7057, 1764, 2967, 150, 50, 312)]
    [InlineData("SUN", 10320, 2580, 1440, 645, 72, 102)]
    [InlineData("AWA1", 19832, 4958, 5685, 40, 10, 85)]
    public void Real_proposed_split_has_the_published_sizes(string name, int trainval, int testSeen, int testUnseen, int seen, int unseen, int dim)
    {
        var ds = GbuDataset.Load(Gbu(name));
        Assert.Equal(trainval, ds.Splits.Trainval.Length);
        Assert.Equal(testSeen, ds.Splits.TestSeen.Length);
        Assert.Equal(testUnseen, ds.Splits.TestUnseen.Length);
        Assert.Equal(seen + unseen, ds.ClassCount);
        Assert.Equal(dim, ds.SemanticDim);
        Assert.Equal(ds.ClassCount, ds.ClassNames!.Length);
        // Class rows of att are unit vectors (xlsa17 normalises the columns): a transposed read would fail this.
        for (var c = 0; c < ds.ClassCount; c++)
        {
            double sum = 0;
            foreach (var v in ds.ClassSemantics.AsSpan(c * dim, dim)) sum += (double)v * v;
            Assert.InRange(Math.Sqrt(sum), 0.999, 1.001);
        }
        Assert.Empty(ds.Splits.Trainval.Intersect(ds.Splits.TestSeen));
        Assert.Empty(ds.Splits.TestUnseen.Intersect(ds.Splits.Trainval.Concat(ds.Splits.TestSeen)));
        if (ds.Labels is not null)
        {
            var seenClasses = ds.ClassesOf(ds.Splits.Trainval);
            Assert.Equal(seen, seenClasses.Length);
            Assert.Equal(seenClasses, ds.ClassesOf(ds.Splits.TestSeen));
            Assert.Equal(unseen, ds.ClassesOf(ds.Splits.TestUnseen).Length);
            Assert.Empty(seenClasses.Intersect(ds.ClassesOf(ds.Splits.TestUnseen)));
        }
    }

    [Theory]
    [InlineData("APY", 64, 32, 20, 12)]
    [InlineData("FLO", 1024, 102, 82, 20)]
    public void Apy_and_flo_have_the_published_shapes(string name, int dim, int classes, int seenClasses, int unseenClasses)
    {
        var ds = GbuDataset.Load(Gbu(name));
        Assert.Equal(dim, ds.SemanticDim);
        Assert.Equal(classes, ds.ClassCount);
        Assert.Equal(classes * dim, ds.ClassSemantics.Length);
        Assert.Equal(seenClasses + unseenClasses, classes);
        if (name == "FLO") Assert.Null(ds.ClassNames);
        else Assert.Equal(classes, ds.ClassNames!.Length);
        if (name == "APY")
        {
            Assert.Equal(15, ds.TrainClasses!.Length);
            Assert.Equal(5, ds.ValClasses!.Length);
            Assert.Equal(20, TextList.Read(Path.Combine(Gbu(name), "trainvalclasses.txt")).Length);
        }
    }

    [Theory]
    [InlineData("AWA2", 37322)]
    [InlineData("CUB", 11788)]
    [InlineData("SUN", 14340)]
    public void Images_csv_split_column_agrees_with_att_splits(string name, int images)
    {
        var folder = Gbu(name);
        var ds = GbuDataset.Load(folder);
        Assert.Equal(images, ds.ImageCount);
        Assert.Equal(images, ds.ImageFiles!.Length);
        var split = Csv.Read(Path.Combine(folder, "images.csv")).ColumnValues("split");
        Assert.Equal(ds.Splits.Trainval.Order(), Enumerable.Range(0, split.Length).Where(i => split[i] == "trainval"));
        Assert.Equal(ds.Splits.TestSeen.Order(), Enumerable.Range(0, split.Length).Where(i => split[i] == "test_seen"));
        Assert.Equal(ds.Splits.TestUnseen.Order(), Enumerable.Range(0, split.Length).Where(i => split[i] == "test_unseen"));
    }

    [Fact]
    public void Rebuilt_train_val_reproduces_the_2018_awa2_train_loc_and_val_loc()
    {
        var ds = GbuDataset.Load(Gbu("AWA2"));
        var (train, val) = GbuDataset.RebuildTrainVal(ds.Splits.Trainval, ds.Splits.TestSeen, ds.Labels!, ds.TrainClasses!, ds.ValClasses!);
        Assert.Equal(20218, train.Length);
        Assert.Equal(ds.Splits.Train!.Order(), train);
        Assert.Equal(ds.Splits.Val!.Order(), val);
    }

    [Fact]
    public void Rebuilt_cub_train_val_matches_the_train_loc_of_sent_splits()
    {
        var ds = GbuDataset.Load(Gbu("CUB"));
        var sent = MatFile.Read(Path.Combine(Gbu("CUB"), "sent_splits.mat"));
        Assert.Equal(sent["train_loc"].ToInt32Array().Select(i => i - 1).Order(), ds.Splits.Train);
        Assert.Equal(sent["val_loc"].ToInt32Array().Select(i => i - 1).Order(), ds.Splits.Val);
        Assert.Equal(5875, ds.Splits.Train!.Length);
    }

    [Fact]
    public void Sun_attribute_names_and_awa2_attribute_descriptions_read_from_the_real_files()
    {
        var names = MatFile.Read(Path.Combine(Gbu("SUN"), "attribute_names.mat"))["attributes"].ToCellStrings();
        Assert.Equal(102, names.Length);
        Assert.All(names, n => Assert.False(string.IsNullOrWhiteSpace(n)));
        var descriptions = Csv.Read(Path.Combine(Gbu("AWA2"), "attribute_descriptions.csv"));
        Assert.Equal(new[] { "", "idx", "des", "new_des" }, descriptions.Header);
        Assert.Equal(85, descriptions.Rows.Count);
        Assert.Equal("black", descriptions.Rows[0][descriptions.Column("des")]);
    }
}
