using ZslKit.Experiments.Config;
using ZslKit.Experiments.Runs;
using ZslKit.Testing;

namespace ZslKit.Tests.Experiments;

/// <summary>The runs committed under results/runs/ (brought back from the GPU machine) stay readable and findable.</summary>
public class CommittedRunsTests
{
    [Fact]
    public void The_committed_H200_runs_load_sit_at_their_config_hash_and_name_the_GPU_and_commit()
    {
        var root = Path.Combine(RepoPaths.Root, "results", "runs", "h200-2026-11-28");
        var runs = RunRecord.LoadAll(root, "lesa", "synthetic-openimages-full");
        // Notebook 01 (7 rows) and 02 (4 steps, one of them Table 1's LESA M=10) over seeds 0-2: 7*3 + 3*3 runs.
        Assert.Equal(30, runs.Count);
        Assert.Equal(30, Directory.GetDirectories(Path.Combine(root, "lesa", "synthetic-openimages-full")).Length);
        foreach (var run in runs)
        {
            // A notebook finds a run by this folder, so a config that no longer hashes to it would retrain instead of render.
            Assert.Equal(Path.GetFullPath(run.Folder), Path.GetFullPath(RunRecord.FolderFor(root, run.Config)));
            Assert.True(run.Synthetic);
            Assert.Equal("cuda", run.Config.Device);
            var provenance = Assert.IsType<RunProvenance>(run.Provenance);
            Assert.Equal("NVIDIA H200", provenance.DeviceName);
            Assert.Equal("ded0e5c", provenance.GitCommit);
            Assert.Equal(10, run.Epochs.Count);
        }
        Assert.Equal([0, 1, 2], runs.Select(r => r.Config.Seed).Distinct().Order());
    }

    [Fact]
    public void The_committed_CPU_runs_hold_the_loss_terms_of_every_epoch_and_the_same_data_as_the_H200_runs()
    {
        var root = Path.Combine(RepoPaths.Root, "results", "runs", "cpu-2026-11-28");
        var runs = RunRecord.LoadAll(root, "lesa", "synthetic-openimages-full");
        // Notebook 02 (4 ablation steps x seeds 0-2) and notebook 03 for seed 0 (15 more: the M and λ sweeps and Fast0Tag).
        Assert.Equal(27, runs.Count);
        var gpu = RunRecord.LoadAll(Path.Combine(RepoPaths.Root, "results", "runs", "h200-2026-11-28"), "lesa", "synthetic-openimages-full");
        var gpuData = Assert.Single(gpu.Select(g => g.Provenance!.DatasetFingerprint).Distinct());
        foreach (var run in runs)
        {
            Assert.Equal(Path.GetFullPath(run.Folder), Path.GetFullPath(RunRecord.FolderFor(root, run.Config)));
            Assert.Equal("cpu", run.Config.Device);
            Assert.Equal(gpuData, run.Provenance!.DatasetFingerprint);          // the same generated data as on the GPU
            Assert.Equal(10, run.Epochs.Count);
            Assert.All(run.Epochs, e => Assert.NotNull(e.LossTerms));
        }
        // 13 of them have a GPU twin (the same config but the device): Table 2's 12 runs and Fast0Tag's seed 0.
        Assert.Equal(13, runs.Count(r => gpu.Any(g => ConfigJson.Hash(g.Config with { Device = "cpu" }) == ConfigJson.Hash(r.Config))));
    }

    [Fact]
    public void The_committed_CPU_runs_of_notebooks_04_and_05_in_full_Open_Images_mode_are_the_three_localisation_rows_of_seed_0()
    {
        var root = Path.Combine(RepoPaths.Root, "results", "runs", "cpu-2026-11-29");
        var runs = RunRecord.LoadAll(root, "lesa", "synthetic-openimages-full");
        Assert.Equal(["attention-per-label", "lesa", "lesa-m1"], runs.Select(r => r.Config.Method).Order());
        var data = Assert.Single(runs.Select(r => r.Provenance!.DatasetFingerprint).Distinct());
        foreach (var run in runs)
        {
            Assert.Equal(Path.GetFullPath(run.Folder), Path.GetFullPath(RunRecord.FolderFor(root, run.Config)));
            Assert.True(run.Synthetic);
            Assert.Equal("cpu", run.Config.Device);
            Assert.Equal(0, run.Config.Seed);
            Assert.Equal(10, run.Epochs.Count);
            Assert.Contains("zs/map", run.Final.Test.Keys);
        }
        // Made with the OI label names of ../shared/data, so not the data of the 2026-11-28 runs (stand-in names).
        var earlier = RunRecord.LoadAll(Path.Combine(RepoPaths.Root, "results", "runs", "h200-2026-11-28"), "lesa", "synthetic-openimages-full");
        Assert.DoesNotContain(data, earlier.Select(r => r.Provenance!.DatasetFingerprint));
    }
}
