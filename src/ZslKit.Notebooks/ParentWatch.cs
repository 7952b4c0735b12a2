// Lets a notebook worker stop when the batch process that started it is gone, so that killing `zsl notebooks run` (e.g. with
// kill or a job scheduler, which signal only that process) does not leave its workers training on as orphans.
namespace ZslKit.Notebooks;

/// <summary>Exit-with-parent for worker processes started by <see cref="NotebookBatch"/>.</summary>
public static class ParentWatch
{
    /// <summary>Exit code of a worker stopped because its parent went away.</summary>
    public const int OrphanExitCode = 3;

    /// <summary>
    /// When <see cref="NotebookBatch.ParentPipeVariable"/> is "1", starts a background thread that reads standard input (the
    /// parent's pipe, never written to) until it closes, then writes one line to <paramref name="log"/> and exits the process
    /// with <see cref="OrphanExitCode"/>. Cells save the notebook after each cell, so only the running cell's output is lost.
    /// Returns whether the watch was started (not for a worker started by hand, whose standard input may be a terminal).
    /// </summary>
    public static bool StartIfRequested(TextWriter log)
    {
        if (Environment.GetEnvironmentVariable(NotebookBatch.ParentPipeVariable) != "1") return false;
        var stdin = Console.OpenStandardInput();
        var thread = new Thread(() =>
        {
            var buffer = new byte[256];
            try
            {
                while (stdin.Read(buffer, 0, buffer.Length) > 0) { }
            }
            catch (IOException) { }
            catch (ObjectDisposedException) { }
            try
            {
                log.WriteLine("zsl notebooks: the runner that started this worker is gone; stopping the worker");
                log.Flush();
            }
            catch (IOException) { } // the log is usually a pipe to that runner, closed with it
            Environment.Exit(OrphanExitCode);
        })
        { IsBackground = true, Name = "zsl-parent-watch" };
        thread.Start();
        return true;
    }
}
