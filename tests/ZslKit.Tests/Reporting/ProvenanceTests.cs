// ProvenanceTests.cs - the commit label that every "Reported | Ours" table and chart subtitle carries.
using ZslKit.Reporting;

namespace ZslKit.Tests.Reporting;

public class ProvenanceTests
{
    [Fact]
    public void Runs_commit_is_shortened_and_marked_dirty_when_any_run_had_uncommitted_changes()
    {
        Assert.Equal("0123456789", Provenance.RunsCommit([("0123456789abcdef", false), ("0123456789abcdef", null)]));
        Assert.Equal("0123456789+dirty", Provenance.RunsCommit([("0123456789abcdef", false), ("0123456789abcdef", true)]));
        Assert.Equal("0123456789ab+dirty", Provenance.RunsCommit([("0123456789abcdef", true)], length: 12));
    }

    [Fact]
    public void Runs_commit_says_several_for_different_commits_and_unknown_without_one()
    {
        Assert.Equal("several", Provenance.RunsCommit([("aaaaaaa", false), ("bbbbbbb", false)]));
        Assert.Equal("unknown", Provenance.RunsCommit([(null, null)]));
        Assert.Equal("unknown", Provenance.RunsCommit([]));
    }

    [Fact]
    public void Describe_adds_device_and_engine_only_when_known()
    {
        var p = new Provenance("CUB", DatasetKind.Real, "quick", 0, "1a2b3c4");
        Assert.Equal("CUB (real) · config quick · seed 0 · commit 1a2b3c4", p.Describe());
        Assert.Equal("CUB (real) · config quick · seed 0 · commit 1a2b3c4 · device cuda:0 · libtorch 2.11.0, ABI 8",
            (p with { Device = "cuda:0", Engine = "libtorch 2.11.0, ABI 8" }).Describe());
        Assert.Matches(@"^libtorch \d+\.\d+\.\d+, ABI \d+$", Provenance.EngineHere());
    }

    [Fact]
    public void Agreed_gives_the_common_value_several_or_null()
    {
        Assert.Equal("cpu", Provenance.Agreed(["cpu", null, "cpu"]));
        Assert.Equal("several", Provenance.Agreed(["cpu", "cuda:0"]));
        Assert.Null(Provenance.Agreed([null, ""]));
    }

    [Fact]
    public void Git_commit_of_a_fresh_repository_is_marked_dirty_after_a_tracked_file_changes()
    {
        var dir = Directory.CreateTempSubdirectory("zslprov").FullName;
        try
        {
            bool Git(string args)
            {
                var psi = new System.Diagnostics.ProcessStartInfo("git", args) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
                try
                {
                    using var p = System.Diagnostics.Process.Start(psi)!;
                    p.StandardOutput.ReadToEnd();
                    p.StandardError.ReadToEnd();
                    p.WaitForExit();
                    return p.ExitCode == 0;
                }
                catch (System.ComponentModel.Win32Exception) { return false; }
            }
            Skip.IfNot(Git("init -q"), "git is not available");
            File.WriteAllText(Path.Combine(dir, "a.txt"), "one");
            Assert.True(Git("add a.txt"));
            Assert.True(Git("-c user.email=t@example.org -c user.name=t commit -qm first"));
            var clean = Provenance.GitCommit(dir);
            Assert.DoesNotContain("+dirty", clean);
            Assert.NotEqual("unknown", clean);
            File.WriteAllText(Path.Combine(dir, "a.txt"), "two");
            Assert.Equal(clean + "+dirty", Provenance.GitCommit(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
