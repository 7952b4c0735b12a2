// LesaBench - runs LESA's Table 1 rows on the synthetic benchmark (LesaExperiment runs, --runs folder) and times LESA training/inference, the
// C# counterpart of bench/lesa_twin.py. Usage:
//   dotnet run -c Release --project bench/LesaBench -- table1 [--epochs 6] [--seeds 0,1] [--rows lesa,lesa-m1] [--hidden 128] [--runs DIR]
//   dotnet run -c Release --project bench/LesaBench -- speed [--threads 2] [--steps 10] [--test-images 1024] [--conv]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;
using ZslKit.Models;
using ZslKit.Torch;

string Arg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
int IntArg(string name, int fallback) => int.Parse(Arg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var command = args.Length > 0 ? args[0] : "table1";
torch.set_num_threads(IntArg("--threads", 2));

if (command == "table1")
{
    // Each (row, seed) is a LesaExperiment run (the generic Trainer, as notebook 01 trains it) in --runs (default: a
    // folder under the temp directory), so a second invocation with the same arguments reuses the finished runs.
    var q = MultiLabelBenchmarkConfig.Quick;
    var benchmark = q with
    {
        Seed = (ulong)IntArg("--data-seed", 0), TrainImages = IntArg("--train", q.TrainImages), TestImages = IntArg("--test", q.TestImages),
        FeatureDim = IntArg("--feature-dim", q.FeatureDim), GridHeight = IntArg("--grid", q.GridHeight), GridWidth = IntArg("--grid", q.GridWidth), MaxBlobSize = IntArg("--max-blob", q.MaxBlobSize),
        NoiseSigma = double.Parse(Arg("--noise", q.NoiseSigma.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
    };
    var seeds = Arg("--seeds", "0").Split(',').Select(int.Parse).ToArray();
    var preset = new LesaPreset("bench", benchmark, IntArg("--hidden", 128), IntArg("--modules", 10), new LesaTrainingOptions
    {
        Epochs = IntArg("--epochs", 6), LearningRate = double.Parse(Arg("--lr", "0.001"), CultureInfo.InvariantCulture),
    }, seeds);
    var options = new RunOptions(Arg("--runs", Path.Combine(Path.GetTempPath(), "zslkit-lesabench-runs")),
        Progress: new PlainProgress(Console.Out, TimeSpan.FromSeconds(15)));
    var rows = Arg("--rows", string.Join(",", LesaTable1.Rows)).Split(',');
    var runs = new List<RunRecord>();
    foreach (var row in rows)
    {
        var config = LesaExperiment.Config(preset, "lesabench", row, seeds[0]);
        foreach (var run in LesaExperiment.RunSeeds(config, seeds, options))
        {
            runs.Add(run);
            Console.WriteLine("RESULT " + JsonSerializer.Serialize(new { row, run.Config.Seed, run.Folder, run.Final }));
        }
    }
    Console.WriteLine("selected (best validation F1@5):");
    Console.WriteLine(LesaTables.Table1(runs).ToMarkdown());
    Console.WriteLine("final (after the last epoch):");
    Console.WriteLine(LesaTables.Table1(runs, LesaModelView.Final).ToMarkdown());
    var outPath = Arg("--out", "");
    if (outPath.Length > 0) File.WriteAllText(outPath, JsonSerializer.Serialize(runs.Select(r => new { r.Config.Method, r.Config.Seed, r.Final })));
}
else if (command == "speed")
{
    // Same shapes and work as bench/lesa_twin.py: batch 32, 196 x 512 regions, M = 10, 925 labels x 300-d.
    int batch = IntArg("--batch", 32), dim = IntArg("--dim", 512), labels = IntArg("--labels", 925), steps = IntArg("--steps", 10);
    int testImages = IntArg("--test-images", 1024);
    torch.manual_seed(0);
    var config = new LesaConfig { Modules = IntArg("--modules", 10), FeatureDim = dim, AttentionHidden = dim, UseConv = args.Contains("--conv") };
    using var model = new LesaModel(config);
    var opt = torch.optim.RMSprop(model.parameters(), lr: 1e-3, alpha: 0.9, eps: 1.0, momentum: 0.9, epsilonInsideSqrt: true);
    using var outer = torch.NewDisposeScope();
    var feats = torch.randn(batch, 196, dim);
    var vecs = torch.randn(labels, 300);
    var y = torch.where(torch.rand(batch, labels).lt(0.01), torch.ones(batch, labels), -torch.ones(batch, labels));
    void Step()
    {
        using var scope = torch.NewDisposeScope();
        opt.zero_grad();
        var loss = ZslKit.Losses.LesaObjective.Compute(model.forward(feats, vecs), y, config).Total;
        loss.backward();
        opt.step();
    }
    Step();
    var sw = Stopwatch.StartNew();
    for (int i = 0; i < steps; i++) Step();
    double trainMs = sw.Elapsed.TotalMilliseconds / steps;
    double Infer(int count)
    {
        model.eval();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var v = torch.randn(count, 300);
        var theta = model.LabelEmbedding(v);
        model.Scores(feats, theta).Dispose();
        var t = Stopwatch.StartNew();
        for (int i = 0; i < testImages; i += batch) model.Scores(feats, theta).Dispose();
        return testImages / t.Elapsed.TotalSeconds;
    }
    var result = new Dictionary<string, object>
    {
        ["threads"] = IntArg("--threads", 2), ["train_step_ms"] = trainMs,
        ["infer_img_per_s"] = Infer(IntArg("--test-labels", 1006)), ["infer_oi_img_per_s"] = Infer(IntArg("--oi-labels", 7586)),
    };
    Console.WriteLine(JsonSerializer.Serialize(result));
}
else
{
    Console.Error.WriteLine($"LesaBench: unknown command '{command}' (table1 | speed)");
    return 2;
}
return 0;
