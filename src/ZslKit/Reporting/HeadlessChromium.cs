// Screenshots of HTML files with Debian's headless Chromium (chart PNGs for `zsl report --png` and the screenshot test).
// Runs offline with a fresh, empty profile and the flags that stop every background network and update activity.
using System.Diagnostics;

namespace ZslKit.Reporting;

/// <summary>Drives a Chromium binary in headless mode.</summary>
public sealed class HeadlessChromium(string executable)
{
    /// <summary>The flags every run uses (plus a new empty --user-data-dir).</summary>
    public static readonly IReadOnlyList<string> Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--disable-dev-shm-usage",
    ];

    public string Executable { get; } = executable;

    /// <summary>$ZSLKIT_CHROMIUM, else the first of chromium / chromium-browser on PATH; null when none is installed.</summary>
    public static HeadlessChromium? Find()
    {
        if (Environment.GetEnvironmentVariable("ZSLKIT_CHROMIUM") is { Length: > 0 } env && File.Exists(env)) return new HeadlessChromium(env);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in new[] { "chromium", "chromium-browser" })
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                if (File.Exists(Path.Combine(dir, name))) return new HeadlessChromium(Path.Combine(dir, name));
        return null;
    }

    /// <summary>
    /// Loads <paramref name="htmlFile"/> and writes a <paramref name="width"/> x <paramref name="height"/> PNG. Scripts get
    /// <paramref name="settleMilliseconds"/> of virtual time to draw; the process is killed after <paramref name="timeout"/>.
    /// </summary>
    public void Screenshot(string htmlFile, string pngFile, int width = 900, int height = 600, int settleMilliseconds = 3000,
        TimeSpan? timeout = null)
    {
        if (!File.Exists(htmlFile)) throw new FileNotFoundException($"no page to screenshot at {htmlFile}", htmlFile);
        var profile = Directory.CreateTempSubdirectory("zsl-chromium-").FullName;
        try
        {
            var psi = new ProcessStartInfo(Executable) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var f in Flags) psi.ArgumentList.Add(f);
            psi.ArgumentList.Add($"--user-data-dir={profile}");
            psi.ArgumentList.Add($"--window-size={width},{height}");
            psi.ArgumentList.Add($"--virtual-time-budget={settleMilliseconds}");
            psi.ArgumentList.Add($"--screenshot={Path.GetFullPath(pngFile)}");
            psi.ArgumentList.Add(new Uri(Path.GetFullPath(htmlFile)).AbsoluteUri);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngFile))!);
            if (File.Exists(pngFile)) File.Delete(pngFile);
            using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {Executable}");
            var stderr = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(90)))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish the screenshot of {htmlFile} in {(timeout ?? TimeSpan.FromSeconds(90)).TotalSeconds:0} s");
            }
            if (!File.Exists(pngFile))
                throw new InvalidOperationException($"chromium exited {p.ExitCode} without writing {pngFile}: {Tail(stderr.Result)}");
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string Tail(string s) => s.Length > 800 ? s[^800..] : s;
}
