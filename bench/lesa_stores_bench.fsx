// Times `zsl data lesa-stores` (NusWideStoreBuilder, OpenImagesStoreBuilder) at real label-file scale on generated files:
// 2,048 extracted fp16 [196, 512] items in two shards; NUS-WIDE label files of the full 269,648 images (AllTags1k 540 MB);
// an Open Images train CSV of 4,000,000 rows (147 MB). Run after building src/ZslKit (Release):
//   dotnet fsi bench/lesa_stores_bench.fsx          (needs ../shared/data for TagList1k/Concepts81/classes-trainable)
#r "../src/ZslKit/bin/Release/net10.0/ZslKit.dll"
open System
open System.IO
open System.Text.Json
open System.Collections.Generic
open ZslKit.Data.FeatureStore
open ZslKit.Data.Datasets

let root = Path.Combine(Path.GetTempPath(), "zslkit-lesa-stores-bench")
let shared = Path.Combine(__SOURCE_DIRECTORY__, "..", "..", "shared", "data")
if Directory.Exists root then Directory.Delete(root, true)
Directory.CreateDirectory root |> ignore
let feats = Path.Combine(root, "feats")
Directory.CreateDirectory feats |> ignore
let nImages = 2048
let shard = 1024
let d = Dictionary<string,string>()
d.["model"] <- "vgg19"; d.["layer"] <- "conv5_4"; d.["shardSize"] <- string shard
File.WriteAllText(Path.Combine(feats, "extraction.json"), JsonSerializer.Serialize d)
let rng = Random(0)
let item = Array.init (196*512) (fun _ -> float32 (rng.NextDouble()))
for k in 0 .. nImages / shard - 1 do
    let paths = [| for i in 0 .. shard-1 -> sprintf "/img/Flickr/c%03d/%04d_%d.jpg" ((k*shard+i) % 81) (k*shard+i) (k*shard+i) |]
    let meta = Dictionary<string,string>()
    meta.["model"] <- "vgg19"; meta.["layer"] <- "conv5_4"; meta.["shard"] <- string k; meta.["first"] <- string (k*shard)
    meta.["images"] <- JsonSerializer.Serialize paths; meta.["skipped"] <- "[]"
    use w = new FeatureStoreWriter(Path.Combine(feats, sprintf "shard-%05d" k), FeatureStoreOptions([|196;512|], FeatureDType.Fp16, Metadata = meta))
    for _ in paths do w.Append(ReadOnlySpan<float32>(item))
    w.Complete()

printfn "extraction written"
// ---- NUS-WIDE label files at full size (269,648 images)
let nus = Path.Combine(root, "nus-wide")
let n = 269648
Directory.CreateDirectory(Path.Combine(nus, "ImageList")) |> ignore
Directory.CreateDirectory(Path.Combine(nus, "Groundtruth", "AllLabels")) |> ignore
let entry i = sprintf "c%03d\\%04d_%d.jpg" (i % 81) i i
File.WriteAllLines(Path.Combine(nus, "ImageList", "Imagelist.txt"), [| for i in 0 .. n-1 -> entry i |])
File.WriteAllLines(Path.Combine(nus, "ImageList", "TrainImagelist.txt"), [| for i in 0 .. n-1 do if i % 5 <> 4 then yield entry i |])
File.WriteAllLines(Path.Combine(nus, "ImageList", "TestImagelist.txt"), [| for i in 0 .. n-1 do if i % 5 = 4 then yield entry i |])
File.Copy(Path.Combine(shared, "nus-wide", "TagList1k.txt"), Path.Combine(nus, "TagList1k.txt"))
File.Copy(Path.Combine(shared, "nus-wide", "Concepts81.txt"), Path.Combine(nus, "Concepts81.txt"))
do
    use w = new StreamWriter(Path.Combine(nus, "AllTags1k.txt"))
    let sb = Text.StringBuilder()
    for i in 0 .. n-1 do
        sb.Clear() |> ignore
        for t in 0 .. 999 do sb.Append(if (i * 7 + t) % 97 = 0 then "1\t" else "0\t") |> ignore
        w.Write(sb.ToString()); w.Write("\n")
let concepts = File.ReadAllLines(Path.Combine(shared, "nus-wide", "Concepts81.txt")) |> Array.filter (fun l -> l.Trim().Length > 0)
for c in 0 .. 80 do
    File.WriteAllLines(Path.Combine(nus, "Groundtruth", "AllLabels", sprintf "Labels_%s.txt" (concepts.[c].Trim())), [| for i in 0 .. n-1 -> if (i + c) % 9 = 0 then "1" else "0" |])
printfn "nus files written"
let sw = Diagnostics.Stopwatch.StartNew()
let s1 = NusWideStoreBuilder.Build(feats, nus, Path.Combine(root, "nus-out"))
printfn "NUS build: %.1f s; splits %A" sw.Elapsed.TotalSeconds [ for x in s1.Splits -> x.Split, x.Items ]
// ---- Open Images train CSV: 4,000,000 rows over 1,000,000 ImageIDs (the extracted 2,048 among them)
let oi = Path.Combine(root, "openimages-v4")
Directory.CreateDirectory oi |> ignore
File.Copy(Path.Combine(shared, "openimages-v4", "classes-trainable.txt"), Path.Combine(oi, "classes-trainable.txt"))
let seen = File.ReadAllLines(Path.Combine(oi, "classes-trainable.txt"))
do
    use w = new StreamWriter(Path.Combine(oi, "train-annotations-human-imagelabels.csv"))
    w.Write("ImageID,Source,LabelName,Confidence\n")
    for r in 0 .. 3999999 do
        let img = r / 4
        w.Write(sprintf "%04d_%d,verification,%s,%d\n" img img seen.[(r * 31) % seen.Length] (r % 3 % 2))
printfn "oi csv written: %d MB" (FileInfo(Path.Combine(oi, "train-annotations-human-imagelabels.csv")).Length >>> 20)
sw.Restart()
let s2 = OpenImagesStoreBuilder.Build(feats, oi, Path.Combine(root, "oi-out"), LesaStoreOptions(Splits = [| "train" |]))
printfn "OI build: %.1f s; splits %A; without labels %d" sw.Elapsed.TotalSeconds [ for x in s2.Splits -> x.Split, x.Items ] s2.WithoutLabels.Count
Directory.Delete(root, true)
