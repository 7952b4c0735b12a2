using System.Diagnostics;
using ZslKit.Testing;

namespace ZslKit.Notebooks.Tests;

public class WorkerParentTests
{
    [Fact]
    public void Worker_stops_when_the_runner_that_started_it_is_killed()
    {
        var folder = Directory.CreateTempSubdirectory("zsl-orphan-").FullName;
        File.Copy(RepoPaths.Fixture("notebooks", "hang.ipynb"), Path.Combine(folder, "hang.ipynb"));
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { ZslProcess.Dll, "notebooks", "run", "hang.ipynb", "--out", "out", "--timeout", "600" }) psi.ArgumentList.Add(a);
        using var runner = Process.Start(psi)!;
        runner.OutputDataReceived += (_, _) => { };
        runner.ErrorDataReceived += (_, _) => { };
        runner.BeginOutputReadLine();
        runner.BeginErrorReadLine();
        int? worker = null;
        try
        {
            // The worker has reached the hanging cell once the partial notebook holds cell 1's output.
            var partial = Path.Combine(folder, "out", "hang.ipynb");
            var until = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow < until && !(File.Exists(partial) && ReadShared(partial).Contains("started")))
                Thread.Sleep(200);
            Assert.True(File.Exists(partial), "the worker never saved cell 1");
            worker = ChildrenOf(runner.Id).SingleOrDefault();
            Assert.True(worker is not null, "no worker process found under the runner");

            runner.Kill(entireProcessTree: false);
            runner.WaitForExit();
            var gone = WaitUntil(() => !Alive(worker.Value), TimeSpan.FromSeconds(30));
            Assert.True(gone, $"worker {worker} still runs 30 s after its runner was killed");
        }
        finally
        {
            if (!runner.HasExited) runner.Kill(entireProcessTree: true);
            if (worker is int pid && Alive(pid)) try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { }
        }
    }

    private static string ReadShared(string path)
    {
        try
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(s).ReadToEnd();
        }
        catch (IOException) { return ""; }
    }

    /// <summary>Process ids whose parent is <paramref name="parent"/> (Linux /proc).</summary>
    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
            // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.TryParse(fields[1], out var ppid) && ppid == parent) yield return pid;
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';   // state after "pid (comm) "; a zombie has exited
        }
        catch (IOException) { return false; }   // no such process (FileNotFound / DirectoryNotFound are IOExceptions)
    }

    private static bool WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until) { if (condition()) return true; Thread.Sleep(200); }
        return condition();
    }
}
