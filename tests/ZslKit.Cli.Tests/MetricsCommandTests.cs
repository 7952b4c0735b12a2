using System.Text.Json;
using ZslKit.Cli.Commands;
using ZslKit.Testing;

namespace ZslKit.Cli.Tests;

public class MetricsCommandTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("metrics", "expected.json"))).RootElement;

    private static string F(string name) => RepoPaths.Fixture("metrics", name);

    /// <summary>Runs `zsl metrics ...` in-process; returns exit code, stdout and stderr.</summary>
    private static (int Code, string Out, string Err) Run(params string[] args) => CommandRunner.Run(MetricsCommand.Create(), args);

    private static JsonElement Json(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return JsonDocument.Parse(lines[0]).RootElement;
    }

    [Fact]
    public void Multilabel_json_has_map_and_prf_keys_with_the_reference_values()
    {
        var (code, stdout, _) = Run("multilabel", "--scores", F("ml_scores.npy"), "--labels", F("ml_labels.npy"), "--k", "3,5", "--json");
        Assert.Equal(0, code);
        var j = Json(stdout);
        var ml = Expected.GetProperty("ml");
        Assert.Equal(ml.GetProperty("map").GetProperty("all").GetDouble(), j.GetProperty("map").GetDouble(), 1e-6);
        foreach (var v in new[] { "all", "annotated", "annotated-images", "weighted" })
            Assert.Equal(ml.GetProperty("map").GetProperty(v).GetDouble(), j.GetProperty("map_" + v.Replace('-', '_')).GetDouble(), 1e-6);
        foreach (var k in new[] { "3", "5" })
        {
            var want = ml.GetProperty("prf").GetProperty("nus").GetProperty(k);
            Assert.Equal(want.GetProperty("p").GetDouble(), j.GetProperty("p@" + k).GetDouble(), 1e-12);
            Assert.Equal(want.GetProperty("r").GetDouble(), j.GetProperty("r@" + k).GetDouble(), 1e-12);
            Assert.Equal(want.GetProperty("f1").GetDouble(), j.GetProperty("f1@" + k).GetDouble(), 1e-12);
        }
        Assert.Equal("nus", j.GetProperty("protocol").GetString());
    }

    [Fact]
    public void Multilabel_openimages_protocol_uses_its_map_variant_and_image_filter()
    {
        var (code, stdout, _) = Run("multilabel", "--scores", F("ml_scores.npy"), "--labels", F("ml_labels_f32.npy"), "--protocol", "openimages", "--k", "1", "--json");
        Assert.Equal(0, code);
        var j = Json(stdout);
        var ml = Expected.GetProperty("ml");
        Assert.Equal(ml.GetProperty("map").GetProperty("annotated-images").GetDouble(), j.GetProperty("map").GetDouble(), 1e-6);
        Assert.Equal(ml.GetProperty("prf").GetProperty("openimages").GetProperty("1").GetProperty("p").GetDouble(), j.GetProperty("p@1").GetDouble(), 1e-12);
    }

    [Fact]
    public void Map_option_selects_the_headline_variant_by_name()
    {
        var (code, stdout, _) = Run("multilabel", "--scores", F("ml_scores.npy"), "--labels", F("ml_labels.npy"), "--map", "weighted", "--json");
        Assert.Equal(0, code);
        Assert.Equal(Expected.GetProperty("ml").GetProperty("map").GetProperty("weighted").GetDouble(), Json(stdout).GetProperty("map").GetDouble(), 1e-6);
        Assert.Equal(2, Run("multilabel", "--scores", F("ml_scores.npy"), "--labels", F("ml_labels.npy"), "--map", "median").Code);
    }

    [Fact]
    public void Singlelabel_json_has_mca_and_gzsl_keys_with_the_reference_values()
    {
        var (code, stdout, _) = Run("singlelabel", "--scores", F("sl_scores.npy"), "--labels", F("sl_labels.npy"), "--seen-classes", F("sl_seen.npy"), "--gamma", "0.5", "--json");
        Assert.Equal(0, code);
        var j = Json(stdout);
        var want = Expected.GetProperty("sl").GetProperty("0.5");
        foreach (var key in new[] { "mca", "acc_unseen", "acc_seen", "h" })
            Assert.Equal(want.GetProperty(key).GetDouble(), j.GetProperty(key).GetDouble(), 1e-12);
        Assert.Equal(Expected.GetProperty("sl").GetProperty("ausuc").GetDouble(), j.GetProperty("ausuc").GetDouble(), 1e-9);
        Assert.Equal(0.5, j.GetProperty("gamma").GetDouble(), 6);
    }

    [Fact]
    public void Without_json_a_table_is_printed()
    {
        var (code, stdout, _) = Run("singlelabel", "--scores", F("sl_scores.npy"), "--labels", F("sl_labels.npy"), "--seen-classes", F("sl_seen.npy"));
        Assert.Equal(0, code);
        Assert.Contains("acc_unseen", stdout);
        Assert.Contains("%", stdout);
    }

    [Theory]
    [InlineData("--scores", "missing.npy", "missing.npy")]
    [InlineData("--k", "0", "--k")]
    [InlineData("--k", "31", "--k")]
    [InlineData("--protocol", "coco", "--protocol")]
    [InlineData("--labels", "sl_labels.npy", "sl_labels.npy")]
    [InlineData("--space", "gzsl", "gzsl")]
    public void Bad_multilabel_input_exits_with_code_2_and_one_line_naming_it(string option, string value, string named)
    {
        var args = new Dictionary<string, string> { ["--scores"] = F("ml_scores.npy"), ["--labels"] = F("ml_labels.npy") };
        args[option] = value.EndsWith(".npy") && value != "missing.npy" ? F(value) : value;
        var (code, stdout, stderr) = Run(["multilabel", .. args.SelectMany(kv => new[] { kv.Key, kv.Value }), "--json"]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, stderr);
    }

    [Fact]
    public void Bad_singlelabel_input_exits_with_code_2()
    {
        var (code, _, stderr) = Run("singlelabel", "--scores", F("sl_scores.npy"), "--labels", F("ml_labels.npy"), "--seen-classes", F("sl_seen.npy"));
        Assert.Equal(2, code);
        Assert.Contains("ml_labels.npy", stderr);
        (code, _, stderr) = Run("singlelabel", "--scores", F("sl_scores.npy"), "--labels", F("sl_labels.npy"));
        Assert.Equal(2, code);
        Assert.Contains("--seen-classes", stderr);
        (code, _, stderr) = Run("singlelabel", "--scores", F("sl_scores.npy"), "--labels", F("sl_labels.npy"), "--seen-classes", F("sl_seen.npy"), "--gamma", "x");
        Assert.Equal(2, code);
        Assert.Contains("--gamma", stderr);
    }

    [Fact]
    public void Nan_scores_in_a_file_exit_with_code_2_naming_the_file_and_byte()
    {
        var dir = Directory.CreateTempSubdirectory("zslkit-cli-");
        try
        {
            string s = Path.Combine(dir.FullName, "s.npy"), y = Path.Combine(dir.FullName, "y.npy");
            ZslKit.Data.Formats.Npy.Write<float>(s, [0.1f, float.NaN], 1, 2);
            ZslKit.Data.Formats.Npy.Write<sbyte>(y, [1, -1], 1, 2);
            var (code, _, stderr) = Run("multilabel", "--scores", s, "--labels", y, "--k", "1");
            Assert.Equal(2, code);
            Assert.Contains(s, stderr);
            Assert.Contains("byte 132", stderr);
        }
        finally { dir.Delete(true); }
    }

    /// <summary>A temporary folder with the tiny files of the tests below: scores.npy [4, 3] float32, labels.npy [4, 3] int8,
    /// seen.npy [2] int64 (classes 0 and 1).</summary>
    private sealed class TinyFiles : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("zslkit-cli-metrics-");

        public TinyFiles()
        {
            ZslKit.Data.Formats.Npy.Write<float>(Scores, [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.15f, 0.25f, 0.35f], 4, 3);
            ZslKit.Data.Formats.Npy.Write<sbyte>(Labels, [1, -1, 0, 1, 1, -1, -1, 1, 1, 0, 1, -1], 4, 3);
            ZslKit.Data.Formats.Npy.Write<long>(Seen, [0, 1], 2);
        }

        public string Folder => _dir.FullName;
        public string Scores => Path.Combine(Folder, "scores.npy");
        public string Labels => Path.Combine(Folder, "labels.npy");
        public string Seen => Path.Combine(Folder, "seen.npy");
        public string File(string name) => Path.Combine(Folder, name);

        public void Dispose() => _dir.Delete(recursive: true);
    }

    [Fact]
    public void A_file_that_is_not_npy_is_named_once_with_its_byte_offset_in_both_subcommands()
    {
        using var t = new TinyFiles();
        var garbage = t.File("garbage.npy");
        File.WriteAllText(garbage, "hello, not an array");
        var want = $"zsl metrics: {garbage}: at byte 0: not a .npy file (bad magic)";
        foreach (var args in new[]
        {
            new[] { "multilabel", "--scores", garbage, "--labels", t.Labels },
            ["multilabel", "--scores", t.Scores, "--labels", garbage],
            ["singlelabel", "--scores", garbage, "--labels", t.Seen, "--seen-classes", t.Seen],
            ["singlelabel", "--scores", t.Scores, "--labels", garbage, "--seen-classes", t.Seen],
        })
        {
            var (code, _, stderr) = Run(args);
            Assert.Equal(MetricsCommand.BadInput, code);
            Assert.Equal(want, stderr.Trim());
        }
    }

    [Fact]
    public void A_class_index_beyond_the_int_range_is_reported_with_its_own_value_and_byte()
    {
        using var t = new TinyFiles();
        var labels = t.File("big.npy");
        ZslKit.Data.Formats.Npy.Write<long>(labels, [0, 1, 2, 1L << 40], 4);
        var (code, _, stderr) = Run("singlelabel", "--scores", t.Scores, "--labels", labels, "--seen-classes", t.Seen);
        Assert.Equal(MetricsCommand.BadInput, code);
        Assert.Equal($"zsl metrics: {labels} (byte 152): label 1099511627776 at index 3 is outside the 3 classes", stderr.Trim());
        var seen = t.File("seen-big.npy");
        ZslKit.Data.Formats.Npy.Write<long>(seen, [0, -5], 2);
        (code, _, stderr) = Run("singlelabel", "--scores", t.Scores, "--labels", t.Seen, "--seen-classes", seen);
        Assert.Equal(MetricsCommand.BadInput, code);
        Assert.Equal($"zsl metrics: {seen} (byte 136): class -5 at index 1 is outside the 3 classes", stderr.Trim());
    }

    [Fact]
    public void Singlelabel_non_finite_scores_name_the_byte()
    {
        using var t = new TinyFiles();
        var scores = t.File("nan.npy");
        ZslKit.Data.Formats.Npy.Write<float>(scores, [0.1f, 0.2f, 0.3f, 0.4f, float.NaN, 0.6f], 2, 3);
        var labels = t.File("two.npy");
        ZslKit.Data.Formats.Npy.Write<long>(labels, [0, 2], 2);
        var (code, _, stderr) = Run("singlelabel", "--scores", scores, "--labels", labels, "--seen-classes", t.Seen);
        Assert.Equal(MetricsCommand.BadInput, code);
        Assert.Equal($"zsl metrics: {scores} (byte 144): score NaN at row 1, column 1 is not finite", stderr.Trim());
    }

    [Fact]
    public void Bytes_after_the_data_exit_2_with_their_count_and_the_expected_size()
    {
        using var t = new TinyFiles();
        var labels = t.File("trailing.npy");
        File.WriteAllBytes(labels, [.. File.ReadAllBytes(t.Labels), 0, 0, 0, 0]);
        var (code, stdout, stderr) = Run("multilabel", "--scores", t.Scores, "--labels", labels, "--k", "1");
        Assert.Equal(MetricsCommand.BadInput, code);
        Assert.Equal($"zsl metrics: {labels}: at byte 140: 4 bytes after the data (expected size 140)", stderr.Trim());
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("--k", "1,,2", "zsl metrics: --k: empty item in '1,,2' (give K values separated by single commas: 3,5)")]
    [InlineData("--k", "3,", "zsl metrics: --k: empty item in '3,' (give K values separated by single commas: 3,5)")]
    [InlineData("--memory-mb", "99999999999999", "zsl metrics: --memory-mb: '99999999999999' is not a whole number of MB from 1 to 1099511627775")]
    [InlineData("--memory-mb", "0", "zsl metrics: --memory-mb: '0' is not a whole number of MB from 1 to 1099511627775")]
    public void Bad_k_lists_and_memory_budgets_exit_2_saying_what_is_allowed(string option, string value, string message)
    {
        using var t = new TinyFiles();
        var (code, _, stderr) = Run("multilabel", "--scores", t.Scores, "--labels", t.Labels, option, value);
        Assert.Equal(MetricsCommand.BadInput, code);
        Assert.Equal(message, stderr.Trim());
    }

    [Fact]
    public void A_folder_given_as_a_file_exits_2_saying_it_is_a_folder()
    {
        using var t = new TinyFiles();
        var (code, _, stderr) = Run("multilabel", "--scores", t.Folder, "--labels", t.Labels);
        Assert.Equal(MetricsCommand.BadInput, code);
        Assert.Equal($"zsl metrics: --scores: {t.Folder} is a folder, not a .npy file", stderr.Trim());
        (code, _, stderr) = Run("singlelabel", "--scores", t.Scores, "--labels", t.Folder, "--seen-classes", t.Seen);
        Assert.Equal(MetricsCommand.BadInput, code);
        Assert.Equal($"zsl metrics: --labels: {t.Folder} is a folder, not a .npy file", stderr.Trim());
    }

    [Fact]
    public void The_default_k_beyond_the_label_count_says_to_pass_k()
    {
        using var t = new TinyFiles();
        var (code, _, stderr) = Run("multilabel", "--scores", t.Scores, "--labels", t.Labels);
        Assert.Equal(MetricsCommand.BadInput, code);
        Assert.Equal("zsl metrics: --k: K = 5 must be between 1 and the label count 3 (the default --k 3,5 needs at least 5 labels; pass --k)",
            stderr.Trim());
        (code, _, stderr) = Run("multilabel", "--scores", t.Scores, "--labels", t.Labels, "--k", "5");
        Assert.Equal(MetricsCommand.BadInput, code);
        Assert.Equal("zsl metrics: --k: K = 5 must be between 1 and the label count 3", stderr.Trim());
        Assert.Equal(0, Run("multilabel", "--scores", t.Scores, "--labels", t.Labels, "--k", "3").Code);
    }
}
