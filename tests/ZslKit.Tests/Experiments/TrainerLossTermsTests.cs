using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;
using ZslKit.Losses;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments;

[Collection("torch-global-state")]
public sealed class TrainerLossTermsTests
{
    /// <summary>TinyLinearTask whose loss reports two terms: "bce" (the loss itself) and "rows" (the batch size).</summary>
    private sealed class TermedTask(TinyLinearTask inner) : ILossTermsTask<(Tensor X, Tensor Y)>
    {
        public TinyLinearTask Inner => inner;
        public ITrainableModel Model => inner.Model;
        public int TrainingExamples => inner.TrainingExamples;
        public IDatasetFingerprint? Dataset => inner.Dataset;
        public (Tensor X, Tensor Y) MakeBatch(int[] indices) => inner.MakeBatch(indices);
        public Tensor Loss((Tensor X, Tensor Y) batch) => inner.Loss(batch);
        public IReadOnlyDictionary<string, double> Evaluate(int[] indices) => inner.Evaluate(indices);
        public IReadOnlyDictionary<string, double> EvaluateTest() => inner.EvaluateTest();

        public LossBreakdown LossBreakdown((Tensor X, Tensor Y) batch)
        {
            var loss = inner.Loss(batch);
            return new LossBreakdown(loss, [new("bce", loss), new("rows", torch.tensor((double)batch.X.shape[0]))]);
        }
    }

    private static (TrainResult Result, TinyLinearTask Task) Train(bool termed)
    {
        var config = TrainerTests.Config(epochs: 3);
        torch.manual_seed(config.Seed);
        var task = new TinyLinearTask(dropout: 0.2);
        using var opt = new MomentumSgd(task.NamedParameters(), config.OptimizerOrDefault.Lr, config.OptimizerOrDefault.Momentum);
        var result = termed
            ? new Trainer<(Tensor, Tensor)>(new TermedTask(task), opt, config).Fit()
            : new Trainer<(Tensor, Tensor)>(task, opt, config).Fit();
        return (result, task);
    }

    [Fact]
    public void Each_epoch_records_the_mean_of_every_loss_term_over_its_steps_without_changing_training()
    {
        var (plain, plainTask) = Train(termed: false);
        var (termed, task) = Train(termed: true);
        using (plainTask) using (task)
        {
            Assert.Equal(plain.History.Select(e => e.TrainLoss), termed.History.Select(e => e.TrainLoss));
            Assert.All(plain.History, e => Assert.Null(e.LossTerms));
            int fit = task.SeenInTraining.Count, steps = (fit + 15) / 16;
            foreach (var e in termed.History)
            {
                var terms = Assert.IsAssignableFrom<IReadOnlyDictionary<string, double>>(e.LossTerms);
                Assert.Equal(["bce", "rows"], terms.Keys);
                Assert.Equal(e.TrainLoss, terms["bce"], 1e-12);              // the mean of the same step losses
                Assert.Equal((double)fit / steps, terms["rows"], 1e-12);     // a partial last batch counts as one step
            }
        }
    }

    [Fact]
    public void Loss_terms_round_trip_through_metrics_csv_and_older_files_without_them_still_read()
    {
        var dir = Directory.CreateTempSubdirectory("zsl-terms-").FullName;
        try
        {
            var val = new Dictionary<string, double> { ["map"] = 0.5 };
            EpochRecord[] epochs =
            [
                new(0, 1.25, 0.1, val, 2.0, new Dictionary<string, double> { ["rank"] = 1.0, ["rel"] = 25.0 }),
                new(1, 1.0, 0.1, val, 2.0),                                  // e.g. an epoch of CUDA-graph replays
            ];
            var text = MetricsCsv.Format(epochs);
            Assert.StartsWith("epoch,train_loss,lr,seconds,loss_rank,loss_rel,val_map\n", text);
            var path = Path.Combine(dir, "metrics.csv");
            File.WriteAllText(path, text);
            var back = MetricsCsv.Read(path);
            Assert.Equal(25.0, back[0].LossTerms!["rel"]);
            Assert.Null(back[1].LossTerms);
            Assert.Equal(0.5, back[1].Validation["map"]);

            File.WriteAllText(path, "epoch,train_loss,lr,seconds,val_map\n1,1.5,0.1,2,0.25\n");
            var old = Assert.Single(MetricsCsv.Read(path));
            Assert.Null(old.LossTerms);
            Assert.Equal(0.25, old.Validation["map"]);

            File.WriteAllText(path, "epoch,train_loss,lr,seconds,map\n1,1.5,0.1,2,0.25\n");
            var e = Assert.Throws<InvalidDataException>(() => MetricsCsv.Read(path));
            Assert.Contains("column 'map'", e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
