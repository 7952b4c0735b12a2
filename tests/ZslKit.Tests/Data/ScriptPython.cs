// ScriptPython.cs - the Python 3 interpreter the data-scripts tests run the scripts with (stdlib only), or null to skip.
using System.Diagnostics;

namespace ZslKit.Tests.Data;

internal static class ScriptPython
{
    /// <summary>The first of python3, /usr/bin/python3 that runs; null when neither does.</summary>
    public static string? Find()
    {
        foreach (var candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo(candidate, "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
                p!.WaitForExit(30_000);
                if (p.ExitCode == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception) { }
        }
        return null;
    }
}
