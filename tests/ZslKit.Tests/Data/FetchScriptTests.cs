// Runs data-scripts/fetch.py (Python 3 stdlib) against a file:// mirror of tiny fake files made here, with its own
// manifest: download, resume, verification, unpacking, counts, idempotence and dead-source handling.
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using ZslKit.Testing;

namespace ZslKit.Tests.Data;

public sealed class FetchScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("zsl-fetch-").FullName;
    private string Mirror => Path.Combine(_root, "mirror");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string? Python() => ScriptPython.Find();

    private (int Code, string Err) Run(string manifest, string dest, params string[] extra)
    {
        var python = Python();
        Skip.If(python is null, "python3 not available");
        var psi = new ProcessStartInfo(python!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(RepoPaths.Root, "data-scripts", "fetch.py"), "--manifest", manifest, "--dest", dest, "--quiet" }.Concat(extra))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "fetch.py hung");
        return (p.ExitCode, err.Result);
    }

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));
    private string Url(string file) => new Uri(Path.Combine(Mirror, file)).AbsoluteUri;

    /// <summary>Mirror: images.zip (3 jpgs in 2 folders), list.txt (5 lines), model-XXXXXXXX.pth (sha256-prefixed name).</summary>
    private (byte[] Zip, byte[] List, byte[] Weights, string WeightsName) MakeMirror()
    {
        Directory.CreateDirectory(Mirror);
        var zipPath = Path.Combine(Mirror, "images.zip");
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            foreach (var name in new[] { "set/images/a/1.jpg", "set/images/a/2.jpg", "set/images/b/3.jpg" })
                using (var s = zip.CreateEntry(name).Open()) s.Write(System.Text.Encoding.ASCII.GetBytes("jpeg " + name));
        var list = System.Text.Encoding.ASCII.GetBytes("l1\nl2\nl3\nl4\nl5\n");
        File.WriteAllBytes(Path.Combine(Mirror, "list.txt"), list);
        var weights = new byte[300_000];
        new Random(3).NextBytes(weights);
        var weightsName = $"model-{Sha(weights)[..8]}.pth";
        File.WriteAllBytes(Path.Combine(Mirror, weightsName), weights);
        return (File.ReadAllBytes(zipPath), list, weights, weightsName);
    }

    private string Manifest(params object[] entries)
    {
        var path = Path.Combine(_root, $"manifest-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { version = 1, entries }));
        return path;
    }

    [Fact]
    public void Fetch_verifies_unpacks_counts_and_is_idempotent()
    {
        var (zip, list, weights, weightsName) = MakeMirror();
        var manifest = Manifest(
            new { name = "imgs", group = "g", url = Url("images.zip"), size = zip.Length, sha256 = Sha(zip), unpack = "zip", dest = "imgs",
                  expect = new[] { new { glob = "set/images/*/*.jpg", count = 3 } } },
            new { name = "list", group = "g", url = Url("list.txt"), sha256 = "unknown", unpack = "none", dest = "lists",
                  expect = new[] { new { lines = "list.txt", count = 5 } } },
            new { name = "weights", group = "w", url = Url(weightsName), sha256 = "unknown", sha256_prefix = weightsName[6..14], unpack = "none", dest = "weights" });
        var dest = Path.Combine(_root, "dest");
        var (code, err) = Run(manifest, dest);
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(dest, "imgs", "set", "images", "b", "3.jpg")));
        Assert.Equal(list, File.ReadAllBytes(Path.Combine(dest, "lists", "list.txt")));
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(dest, "weights", weightsName)));
        Assert.Contains("3 files matching", err);
        Assert.Contains($"computed {Sha(list)}", err);   // unknown checksum: printed so it can be pinned

        (code, err) = Run(manifest, dest);
        Assert.Equal(0, code);
        Assert.Equal(3, err.Split('\n').Count(l => l.Contains("already complete")));
        (code, _) = Run(manifest, dest, "--only", "nope");
        Assert.Equal(2, code);
    }

    [Fact]
    public void A_partial_download_is_resumed_and_the_result_verified()
    {
        var (_, _, weights, weightsName) = MakeMirror();
        var manifest = Manifest(new { name = "weights", url = Url(weightsName), size = weights.Length, sha256 = Sha(weights), unpack = "none", dest = "w" });
        var dest = Path.Combine(_root, "dest");
        Directory.CreateDirectory(Path.Combine(dest, "_downloads"));
        File.WriteAllBytes(Path.Combine(dest, "_downloads", weightsName + ".part"), weights[..123_456]);
        var (code, err) = Run(manifest, dest);
        Assert.True(code == 0, err);
        Assert.Contains("resuming at", err);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(dest, "w", weightsName)));
    }

    [Fact]
    public void A_dead_source_falls_back_to_the_alternative_and_all_dead_names_the_manual_route()
    {
        var (_, list, _, _) = MakeMirror();
        var dead = new Uri(Path.Combine(Mirror, "gone.txt")).AbsoluteUri;
        var ok = Manifest(new { name = "list", url = dead, alternatives = new[] { Url("list.txt") }, sha256 = Sha(list), unpack = "none", dest = "l", file = "list.txt" });
        var (code, err) = Run(ok, Path.Combine(_root, "d1"));
        Assert.True(code == 0, err);
        Assert.Contains("source dead or unreachable", err);

        var bad = Manifest(new { name = "list", url = dead, alternatives = Array.Empty<string>(), sha256 = "unknown", unpack = "none", dest = "l",
                                 manual = "ask the authors for list.txt" });
        (code, err) = Run(bad, Path.Combine(_root, "d2"));
        Assert.Equal(1, code);
        Assert.Contains("every source failed", err);
        Assert.Contains("alternative: ask the authors for list.txt", err);
    }

    [Fact]
    public void Wrong_checksums_sizes_prefixes_and_counts_fail()
    {
        var (zip, list, _, weightsName) = MakeMirror();
        void Fails(object entry, string message)
        {
            var (code, err) = Run(Manifest(entry), Path.Combine(_root, "d-" + Guid.NewGuid().ToString("N")));
            Assert.Equal(1, code);
            Assert.Contains(message, err);
        }
        Fails(new { name = "l", url = Url("list.txt"), sha256 = new string('0', 64), unpack = "none", dest = "l" }, "differs from the manifest");
        Fails(new { name = "l", url = Url("list.txt"), size = list.Length + 1, sha256 = "unknown", unpack = "none", dest = "l" }, "size");
        Fails(new { name = "w", url = Url(weightsName), sha256 = "unknown", sha256_prefix = "ffffffff", unpack = "none", dest = "w" }, "expected prefix ffffffff");
        Fails(new { name = "i", url = Url("images.zip"), sha256 = Sha(zip), unpack = "zip", dest = "i",
                    expect = new[] { new { glob = "set/images/*/*.jpg", count = 4 } } }, "found 3 files matching set/images/*/*.jpg, expected 4");
    }

    [Fact]
    public void A_bad_manifest_or_an_unknown_entry_or_group_exits_2_with_one_line_and_fetches_nothing()
    {
        var dest = Path.Combine(_root, "dest");
        void Refused(string manifest, string message, params string[] extra)
        {
            var (code, err) = Run(manifest, dest, extra);
            Assert.Equal(2, code);
            Assert.Equal(message, err.Trim());
            Assert.False(Directory.Exists(dest));
        }
        var missing = Path.Combine(_root, "missing.json");
        Refused(missing, $"fetch: --manifest {missing}: cannot read it (No such file or directory)");
        var broken = Path.Combine(_root, "broken.json");
        File.WriteAllText(broken, "{\"entries\": [\n");
        Refused(broken, $"fetch: --manifest {broken}: invalid JSON at line 2, column 1: Expecting value");
        File.WriteAllText(broken, "{\"version\": 1}");
        Refused(broken, $"fetch: --manifest {broken}: not a fetch manifest (no entries list)");
        var manifest = Manifest(new { name = "list", group = "g", url = Url("list.txt"), sha256 = "unknown", unpack = "none", dest = "l" });
        Refused(manifest, "fetch: unknown entries ['nope']; see --list", "--only", "nope");
        Refused(manifest, "fetch: unknown groups ['h'] (groups: g)", "--group", "g,h");
    }
}
