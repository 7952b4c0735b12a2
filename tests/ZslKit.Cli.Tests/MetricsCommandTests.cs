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
}
