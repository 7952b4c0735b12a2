// #r "nuget: Name, Version": resolved with all dependencies by restoring and building a generated project, cached per request.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace ZslKit.Notebooks;

/// <summary>Turns package references into the assembly files to reference, via a generated <c>dotnet build</c>.</summary>
public sealed class NuGetResolver(string cacheDirectory)
{
    /// <summary>The default cache: $ZSLKIT_NUGET_CACHE or ~/.cache/zslkit/nuget.</summary>
    public static string DefaultCacheDirectory =>
        Environment.GetEnvironmentVariable("ZSLKIT_NUGET_CACHE") is { Length: > 0 } env ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "zslkit", "nuget");

    /// <summary>Restores <paramref name="packages"/> (and their dependencies) and returns the .dll files to reference.</summary>
    public IReadOnlyList<string> Resolve(IReadOnlyList<NuGetReference> packages, IReadOnlyList<string> sources)
    {
        if (packages.Count == 0) return [];
        var key = string.Join(";", packages.Select(p => $"{p.Name.ToLowerInvariant()}/{p.Version}")
            .Order(StringComparer.Ordinal)) + "|" + string.Join(";", sources);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        var dir = Path.Combine(cacheDirectory, hash);
        var outDir = Path.Combine(dir, "out");
        var done = Path.Combine(dir, ".done");
        if (!File.Exists(done))
        {
            Directory.CreateDirectory(dir);
            // Empty Directory.*.props/targets stop a parent folder's settings (central package management) from applying.
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />\n");
            File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />\n");
            var refs = string.Concat(packages.Select(p =>
                $"    <PackageReference Include=\"{Escape(p.Name)}\" Version=\"{Escape(p.Version ?? "*")}\" />\n"));
            var extraSources = sources.Count == 0 ? "" :
                $"    <RestoreAdditionalProjectSources>{Escape(string.Join(";", sources))}</RestoreAdditionalProjectSources>\n";
            File.WriteAllText(Path.Combine(dir, "restore.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net{Environment.Version.Major}.0</TargetFramework>
                    <CopyLocalLockFileAssemblies>true</CopyLocalLockFileAssemblies>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                    <NoWarn>NU1603;NU1608;NU1701;NU1702</NoWarn>
                    <GenerateDocumentationFile>false</GenerateDocumentationFile>
                {extraSources}  </PropertyGroup>
                  <ItemGroup>
                {refs}  </ItemGroup>
                </Project>

                """);
            var (code, output) = RunDotnet(dir, "build", "restore.csproj", "-c", "Release", "-nologo", "-v", "q", "-o", outDir);
            if (code != 0)
            {
                var errors = string.Join("\n", output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(5));
                throw new InvalidOperationException(
                    $"restoring {string.Join(", ", packages.Select(p => $"{p.Name} {p.Version}"))} failed (generated project {dir}):\n{errors}");
            }
            File.WriteAllText(done, key);
        }
        return Directory.GetFiles(outDir, "*.dll").Where(f => Path.GetFileName(f) != "restore.dll").Order(StringComparer.Ordinal).ToList();
    }

    private static string Escape(string s) => System.Security.SecurityElement.Escape(s);

    private static (int Code, string Output) RunDotnet(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}
