using ZslKit.Experiments.Config;
using ZslKit.Experiments.Training;

namespace ZslKit.Tests.Experiments;

public class ScheduleAndSplitTests
{
    [Fact]
    public void Moving_average_rule_multiplies_by_the_factor_when_the_average_drops()
    {
        // Window 2, maximised metric. Metrics: 1, 2, 3, 2, 1, 4.
        // MA after epochs 2..6: 1.5, 2.5, 2.5, 1.5, 2.5 -> drops (strictly) only after epoch 5 (1.5 < 2.5).
        // Equal averages (epoch 4: 2.5 vs 2.5) do not decay.
        var s = new LrSchedule(new ScheduleConfig(Kind: "moving-average", Factor: 0.8, Window: 2), 1.0, maximize: true);
        var rates = new[] { 1.0, 2, 3, 2, 1, 4 }.Select(m => s.OnEpochEnd(m)).ToArray();
        Assert.Equal([1.0, 1.0, 1.0, 1.0, 0.8, 0.8], rates);
    }

    [Fact]
    public void Moving_average_rule_for_a_minimised_metric_decays_when_the_average_rises()
    {
        var s = new LrSchedule(new ScheduleConfig(Kind: "moving-average", Factor: 0.5, Window: 1, MinLr: 0.3), 1.0, maximize: false);
        var rates = new[] { 3.0, 2, 2.5, 2.6, 1 }.Select(m => s.OnEpochEnd(m)).ToArray();
        Assert.Equal([1.0, 1.0, 0.5, 0.3, 0.3], rates); // 2.5 > 2 -> 0.5; 2.6 > 2.5 -> 0.25 clamped to MinLr 0.3
    }

    [Fact]
    public void Step_schedule_decays_every_step_epochs()
    {
        var s = new LrSchedule(new ScheduleConfig(Kind: "step", Factor: 0.1, StepEpochs: 2), 1.0, maximize: true);
        var rates = Enumerable.Range(0, 5).Select(_ => s.OnEpochEnd(null)).ToArray();
        Assert.Equal(1.0, rates[0]);
        Assert.Equal(0.1, rates[1], 12);
        Assert.Equal(0.1, rates[2], 12);
        Assert.Equal(0.01, rates[3], 12);
    }

    [Fact]
    public void Hold_out_split_is_disjoint_complete_seeded_and_keeps_one_example_for_fitting()
    {
        var a = HoldOutSplit.Create(50, 0.2, seed: 1);
        Assert.Equal(10, a.Validation.Length);
        Assert.Equal(Enumerable.Range(0, 50), a.Fit.Concat(a.Validation).Order());
        Assert.Equal(a.Validation, HoldOutSplit.Create(50, 0.2, seed: 1).Validation);
        Assert.NotEqual(a.Validation, HoldOutSplit.Create(50, 0.2, seed: 2).Validation);
        Assert.Single(HoldOutSplit.Create(2, 0.9, seed: 0).Fit);
        Assert.Empty(HoldOutSplit.Create(10, 0, seed: 0).Validation);
        Assert.Throws<ArgumentOutOfRangeException>(() => HoldOutSplit.Create(0, 0.2, 0));
    }

    [Fact]
    public void Train_rng_state_restores_the_same_stream()
    {
        var r = TrainRng.FromSeed(42);
        r.NextUInt64();
        var saved = r.Save();
        var next = Enumerable.Range(0, 5).Select(_ => r.NextInt(1000)).ToArray();
        var again = TrainRng.Load(saved);
        Assert.Equal(next, Enumerable.Range(0, 5).Select(_ => again.NextInt(1000)).ToArray());
    }

    [Fact]
    public void Train_rng_matches_the_splitmix64_reference_values()
    {
        // SplitMix64 seeded with state 0: the first outputs of the reference algorithm (Steele, Lea & Flood 2014), as
        // printed by tests/fixtures/experiments/gen_splitmix.py.
        var r = new TrainRng(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, r.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, r.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, r.NextUInt64());
    }
}
