// TestParallelization.cs - the engine tests share libtorch's process-global state (the default random generator that
// manual_seed resets, the live-tensor counter), so they run one at a time: a seeded test must not see another test draw
// from the generator between its manual_seed and its randn (a flake seen on 2026-11-28 in Manual_seed_* and randperm_seeded).
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
