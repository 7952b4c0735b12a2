using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
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
    public void The_committed_CPU_runs_of_notebooks_04_and_05_in_full_Open_Images_mode_are_the_three_localisation_rows_of_seeds_0_and_1()
    {
        var root = Path.Combine(RepoPaths.Root, "results", "runs", "cpu-2026-11-29");
        var runs = RunRecord.LoadAll(root, "lesa", "synthetic-openimages-full");
        foreach (var seed in new[] { 0, 1 })
            Assert.Equal(["attention-per-label", "lesa", "lesa-m1"], runs.Where(r => r.Config.Seed == seed).Select(r => r.Config.Method).Order());
        Assert.Equal(6, runs.Count);
        var data = Assert.Single(runs.Select(r => r.Provenance!.DatasetFingerprint).Distinct());
        foreach (var run in runs)
        {
            Assert.Equal(Path.GetFullPath(run.Folder), Path.GetFullPath(RunRecord.FolderFor(root, run.Config)));
            Assert.True(run.Synthetic);
            Assert.Equal("cpu", run.Config.Device);
            Assert.Equal(10, run.Epochs.Count);
            Assert.Contains("zs/map", run.Final.Test.Keys);
        }
        // Made with the OI label names of ../shared/data, so not the data of the 2026-11-28 runs (stand-in names).
        var earlier = RunRecord.LoadAll(Path.Combine(RepoPaths.Root, "results", "runs", "h200-2026-11-28"), "lesa", "synthetic-openimages-full");
        Assert.DoesNotContain(data, earlier.Select(r => r.Provenance!.DatasetFingerprint));
    }

    [Fact]
    public void The_committed_runs_give_the_claim_verdicts_docs_lesa_md_reports_with_their_seed_noise()
    {
        // docs/lesa.md, "Open Images (synthetic), full preset on the H200": Table 1 2 of 12 held, Table 2 0 of 6 (H200)
        // and 1 of 6 (CPU, same data); the Table 2 verdicts on L_div in GZS and on L_dist rest on margins within seed noise.
        IReadOnlyList<ClaimResult> Verdicts(string folder, IReadOnlyList<IClaim> claims)
        {
            var runs = RunRecord.LoadAll(Path.Combine(RepoPaths.Root, "results", "runs", folder), "lesa", "synthetic-openimages-full");
            return ClaimReport.Evaluate(claims, runs.Where(r => r.Config.Options!["M"] == 10).ToList());   // notebook 03's M sweep aside
        }
        var table1 = Verdicts("h200-2026-11-28", LesaClaims.Table1(protocol: LesaProtocol.OpenImages));
        Assert.Equal("held 2, not held 10, not evaluated 0 of 12", ClaimReport.Summary(table1));
        Assert.Equal(["lesa.t1.conse.gzs", "lesa.t1.conse.zs"], table1.Where(c => c.Status == ClaimStatus.Held).Select(c => c.Id).Order());
        string[] noisy = ["lesa.t2.dist.gzs", "lesa.t2.dist.zs", "lesa.t2.div.gzs"];
        var gpu = Verdicts("h200-2026-11-28", LesaClaims.Table2(protocol: LesaProtocol.OpenImages));
        Assert.Equal("held 0, not held 6, not evaluated 0 of 6; 3 of the 6 verdicts rest on a margin within seed noise (< 2 SE)", ClaimReport.Summary(gpu));
        Assert.Equal(noisy, gpu.Where(c => c.WithinSeedNoise == true).Select(c => c.Id).Order());
        var cpu = Verdicts("cpu-2026-11-28", LesaClaims.Table2(protocol: LesaProtocol.OpenImages));
        Assert.Equal("held 1, not held 5, not evaluated 0 of 6; 3 of the 6 verdicts rest on a margin within seed noise (< 2 SE)", ClaimReport.Summary(cpu));
        Assert.Equal("lesa.t2.dist.gzs", Assert.Single(cpu, c => c.Status == ClaimStatus.Held).Id);   // the one flip, within noise
        Assert.Equal(noisy, cpu.Where(c => c.WithinSeedNoise == true).Select(c => c.Id).Order());
    }
}

