// `zsl metrics`: multi-label and single-label metrics of .npy score files (ZslKit.Metrics; docs/metrics.md).
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using ZslKit.Data;
using ZslKit.Data.Formats;
using ZslKit.Metrics;

namespace ZslKit.Cli.Commands;

/// <summary>
/// `zsl metrics multilabel|singlelabel`: the ZslKit.Metrics evaluators over .npy files, printed as one line of JSON
/// (--json; values are fractions in [0, 1]) or a table. Bad input exits with code 2 and a one-line message.
/// </summary>
internal static class MetricsCommand
{
    public const int BadInput = 2;

    public static Command Create()
    {
        var command = new Command("metrics", "Evaluate score files with the protocols of the paper tables (see docs/metrics.md).");
        command.Subcommands.Add(MultiLabel());
        command.Subcommands.Add(SingleLabel());
        return command;
    }

    private static Command MultiLabel()
    {
        var scores = new Option<string?>("--scores") { Description = "Scores [N, L] .npy (float)." };
        var labels = new Option<string?>("--labels") { Description = "Labels [N, L] .npy: 1 positive, -1 negative, 0 unannotated." };
        var ks = new Option<string>("--k") { Description = "Comma-separated K values for P/R/F1@K.", DefaultValueFactory = _ => "3,5" };
        var protocol = new Option<string>("--protocol") { Description = "nus (LESA reference, default) or openimages (BiAM).", DefaultValueFactory = _ => "nus" };
        var map = new Option<string?>("--map") { Description = "mAP variant reported as `map`: all, annotated, annotated-images, weighted (default: the protocol's)." };
        var space = new Option<string?>("--space") { Description = "zsl or gzsl: check the column count against the protocol's label space." };
        var memory = new Option<string>("--memory-mb") { Description = "Memory budget (MB) of the column chunks.", DefaultValueFactory = _ => "512" };
        var json = new Option<bool>("--json") { Description = "Print one line of JSON." };
        var command = new Command("multilabel", "mAP (all variants) and P/R/F1@K of multi-label scores.")
        {
            scores, labels, ks, protocol, map, space, memory, json,
        };
        command.SetAction(parse => Run(parse, () =>
        {
            var s = RequireFile(parse.GetValue(scores), "--scores");
            var y = RequireFile(parse.GetValue(labels), "--labels");
            var proto = MultiLabelProtocol.Parse(parse.GetValue(protocol)!);
            if (parse.GetValue(map) is { } variant) proto = proto with { Map = MapVariant.Parse(variant) };
            var kList = ParseKs(parse.GetValue(ks)!);
            long budget = ParseMegabytes(parse.GetValue(memory)!, "--memory-mb") << 20;
            using var source = new NpyMultiLabelSource(s, y);
            if (parse.GetValue(space) is { } sp) proto.CheckColumns(proto.Space(sp), source.Cols, s);
            if (parse.GetResult(ks) is not { Implicit: false } && kList.Max() > source.Cols)   // --k not given: say the default is the problem
                throw new MetricInputException("--k", $"K = {kList.Max()} must be between 1 and the label count {source.Cols} " +
                    $"(the default --k {parse.GetValue(ks)} needs at least {kList.Max()} labels; pass --k)");
            foreach (var k in kList)   // the library says "options.Ks"; here the K values come from --k
                if (k > source.Cols) throw new MetricInputException("--k", $"K = {k} must be between 1 and the label count {source.Cols}");
            var report = MultiLabelEvaluator.Evaluate(source, new MultiLabelOptions(kList, proto, MemoryBudgetBytes: budget));
            var values = new List<(string, double?)> { ("map", report.Map) };
            foreach (var (name, v) in report.Variants) values.Add(("map_" + name.Replace('-', '_'), v));
            foreach (var t in report.TopK) values.AddRange([($"p@{t.K}", t.Precision), ($"r@{t.K}", t.Recall), ($"f1@{t.K}", t.F1)]);
            var counts = new List<(string, string)> { ("protocol", proto.Name), ("images", report.Images.ToString(CultureInfo.InvariantCulture)),
                ("labels", report.Labels.ToString(CultureInfo.InvariantCulture)) };
            Print(parse, parse.GetValue(json), values, counts, $"{proto.Name}: map = {proto.Map.Caption}; P/R/F1@K over "
                + (proto.KeepImagesWithoutPositives ? "all test images" : "test images with ≥1 positive"));
        }));
        return command;
    }

    private static Command SingleLabel()
    {
        var scores = new Option<string?>("--scores") { Description = "Scores [N, C] over all classes .npy (float)." };
        var labels = new Option<string?>("--labels") { Description = "Class index of each test image [N] .npy (integer)." };
        var seen = new Option<string?>("--seen-classes") { Description = "Seen class indices .npy (integer); the other classes are unseen." };
        var gamma = new Option<string>("--gamma") { Description = "Calibrated stacking: subtracted from seen-class scores (GZSL).", DefaultValueFactory = _ => "0" };
        var json = new Option<bool>("--json") { Description = "Print one line of JSON." };
        var command = new Command("singlelabel", "ZSL MCA and GZSL A_U, A_S, H (GBU protocol) of single-label scores.")
        {
            scores, labels, seen, gamma, json,
        };
        command.SetAction(parse => Run(parse, () =>
        {
            var s = RequireFile(parse.GetValue(scores), "--scores");
            var y = RequireFile(parse.GetValue(labels), "--labels");
            var c = RequireFile(parse.GetValue(seen), "--seen-classes");
            var g = parse.GetValue(gamma)!;
            if (!float.TryParse(g, NumberStyles.Float, CultureInfo.InvariantCulture, out var gv) || !float.IsFinite(gv))
                throw new MetricInputException("--gamma", $"'{g}' is not a finite number");
            var sa = ReadNpy(s);
            if (sa.Shape.Length != 2) throw new MetricInputException(s, $"scores must be 2-D [images, classes], got shape ({string.Join(", ", sa.Shape)})");
            int classes = (int)sa.Shape[1];
            var values = sa.ToFloat32();
            for (int i = 0; i < values.Length; i++)   // SingleLabelData checks too, but without the byte offset
                if (!float.IsFinite(values[i]))
                    throw new MetricInputException(At(sa, s, i), $"score {values[i]} at row {i / classes}, column {i % classes} is not finite");
            var data = new SingleLabelData(new Matrix<float>(values, (int)sa.Shape[0], classes, s),
                ReadIndices(y, "label", classes), ReadIndices(c, "class", classes), y, c);
            var r = SingleLabelMetrics.Evaluate(data, gv);
            var metrics = new List<(string, double?)> { ("mca", r.Mca), ("acc_unseen", r.AccUnseen), ("acc_seen", r.AccSeen), ("h", r.H) };
            if (r.AccSeen is not null && r.AccUnseen is not null) metrics.Add(("ausuc", CalibratedStacking.Ausuc(CalibratedStacking.Curve(data))));
            var counts = new List<(string, string)> { ("gamma", gv.ToString("R", CultureInfo.InvariantCulture)),
                ("images", r.Images.ToString(CultureInfo.InvariantCulture)), ("classes", r.Classes.ToString(CultureInfo.InvariantCulture)),
                ("seen_classes", data.Seen.Length.ToString(CultureInfo.InvariantCulture)) };
            Print(parse, parse.GetValue(json), metrics, counts,
                "GBU: mca = ZSL (unseen test images, unseen classes); acc_unseen/acc_seen/h = GZSL (all classes), mean per-class top-1");
        }));
        return command;
    }

    /// <summary>Runs <paramref name="body"/>; bad input becomes one line on stderr and exit code 2.</summary>
    private static int Run(ParseResult parse, Action body)
    {
        try
        {
            body();
            return 0;
        }
        catch (Exception e) when (e is MetricInputException or DataFormatException or IOException or UnauthorizedAccessException)
        {
            parse.InvocationConfiguration.Error.WriteLine("zsl metrics: " + CliErrors.Message(e));
            return BadInput;
        }
    }

    private static void Print(ParseResult parse, bool json, List<(string Key, double? Value)> values, List<(string Key, string Value)> info, string caption)
    {
        var output = parse.InvocationConfiguration.Output;
        if (json)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                foreach (var (k, v) in values)
                    if (v is { } d) w.WriteNumber(k, d); else w.WriteNull(k);
                foreach (var (k, v) in info)
                    if (long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) w.WriteNumber(k, n);
                    else if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)) w.WriteNumber(k, x);
                    else w.WriteString(k, v);
                w.WriteEndObject();
            }
            output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
            return;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (k, v) in values) table.AddRow(Markup.Escape(k), v is { } d ? (100 * d).ToString("F2", CultureInfo.InvariantCulture) + " %" : "n/a");
        foreach (var (k, v) in info) table.AddRow(Markup.Escape(k), Markup.Escape(v));
        console.Write(table);
        console.WriteLine(caption);
    }

    private static string RequireFile(string? path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new MetricInputException(option, "is required");
        if (Directory.Exists(path)) throw new MetricInputException(option, $"{path} is a folder, not a .npy file");
        if (!File.Exists(path)) throw new MetricInputException(option, $"file not found: {path}");
        return path;
    }

    private static NpyArray ReadNpy(string path)
    {
        try { return Npy.Read(path); }
        catch (DataFormatException e) { throw MetricInputException.From(e); }
    }

    /// <summary>"FILE (byte N)": where element <paramref name="index"/> of <paramref name="a"/> lies in its file.</summary>
    private static string At(NpyArray a, string path, long index) => $"{path} (byte {a.Header.DataOffset + index * a.Header.ElementSize})";

    /// <summary>The 1-D integer array of class indices in <paramref name="path"/>, each in [0, <paramref name="classes"/>);
    /// a value outside is reported as it is in the file (<paramref name="what"/> names it: label or class) with its byte.</summary>
    private static int[] ReadIndices(string path, string what, int classes)
    {
        var a = ReadNpy(path);
        if (a.Shape.Length != 1) throw new MetricInputException(path, $"expected a 1-D array of class indices, got shape ({string.Join(", ", a.Shape)})");
        if (a.DType is NpyDType.Float16 or NpyDType.Float32 or NpyDType.Float64 or NpyDType.Bool)
            throw new MetricInputException(path, $"class indices must be integers, got {a.DType}");
        var values = a.ToInt64();
        for (int i = 0; i < values.Length; i++)
            if (values[i] < 0 || values[i] >= classes)
                throw new MetricInputException(At(a, path, i), $"{what} {values[i]} at index {i} is outside the {classes} classes");
        return Array.ConvertAll(values, v => (int)v);
    }

    private static int[] ParseKs(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.All(p => p.Length == 0)) throw new MetricInputException("--k", "no K given");
        if (parts.Any(p => p.Length == 0)) throw new MetricInputException("--k", $"empty item in '{text}' (give K values separated by single commas: 3,5)");
        return [.. parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k > 0 ? k
            : throw new MetricInputException("--k", $"'{p}' is not a positive integer"))];
    }

    /// <summary>Largest --memory-mb: the budget in bytes (MB x 2^20) stays far below long.MaxValue.</summary>
    private const long MaxMegabytes = (1L << 40) - 1;

    private static long ParseMegabytes(string text, string option) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 && v <= MaxMegabytes
            ? v : throw new MetricInputException(option, $"'{text}' is not a whole number of MB from 1 to {MaxMegabytes}");
}
