using Assets.Mappings;

namespace Assets.Graph;

public sealed partial class AssetGraphBuilder
{
    // The edges between declared assets: every input exists and fits, and the graph has no cycle.
    private sealed partial class Reading
    {
        public void CheckEdges(List<AssetDefinition> assets, Dictionary<AssetKey, AssetDefinition> byKey)
        {
            foreach (var asset in assets)
            {
                foreach (var dependency in asset.Dependencies)
                {
                    void Error(string message) => Errors.Add(new DefinitionError(asset.Key, asset.Location, message));
                    if (!byKey.TryGetValue(dependency.Upstream, out var upstream))
                    {
                        // Declared but invalid: its own errors are reported already.
                        continue;
                    }

                    if (dependency.Mapping.Validate(asset.Partitions, upstream.Partitions) is { } mappingError)
                    {
                        Error($"reads '{upstream.Key}' ({Describe(upstream.Partitions)}) but is {Describe(asset.Partitions)}: {mappingError}");
                    }

                    foreach (var binding in asset.Parameters.OfType<UpstreamBinding>().Where(b => b.Dependency == dependency))
                    {
                        CheckInput(asset, upstream, binding, Error);
                    }
                }

                foreach (var check in asset.Checks)
                {
                    foreach (var binding in check.Parameters.OfType<UpstreamBinding>())
                    {
                        CheckInput(asset, asset, binding, m => Errors.Add(new DefinitionError(asset.Key, check.Location, m)));
                    }
                }
            }
        }

        public List<AssetDefinition> OrderTopologically(List<AssetDefinition> assets, Dictionary<AssetKey, AssetDefinition> byKey)
        {
            // Kahn's algorithm over a sorted ready set, so the order is the same on every machine.
            var remaining = assets.ToDictionary(a => a.Key, a => a.Dependencies.Select(d => d.Upstream).Where(byKey.ContainsKey).Distinct().Count());
            var downstream = assets.ToDictionary(a => a.Key, _ => new List<AssetKey>());
            foreach (var asset in assets)
            {
                foreach (var upstream in asset.Dependencies.Select(d => d.Upstream).Where(byKey.ContainsKey).Distinct())
                {
                    downstream[upstream].Add(asset.Key);
                }
            }

            var ready = new SortedSet<AssetKey>(remaining.Where(p => p.Value == 0).Select(p => p.Key));
            var ordered = new List<AssetDefinition>(assets.Count);
            while (ready.Count > 0)
            {
                var next = ready.Min!;
                ready.Remove(next);
                ordered.Add(byKey[next]);
                foreach (var child in downstream[next])
                {
                    if (--remaining[child] == 0)
                    {
                        ready.Add(child);
                    }
                }
            }

            if (ordered.Count < assets.Count)
            {
                ReportCycles(assets.Where(a => remaining[a.Key] > 0).ToList(), byKey);
            }

            return ordered;
        }

        private void ReportCycles(List<AssetDefinition> stuck, Dictionary<AssetKey, AssetDefinition> byKey)
        {
            var inCycle = stuck.Select(a => a.Key).ToHashSet();
            var reported = new HashSet<AssetKey>();
            foreach (var start in stuck.OrderBy(a => a.Key))
            {
                if (reported.Contains(start.Key) || FindCycle(start.Key, inCycle, byKey) is not { } cycle)
                {
                    continue;
                }

                var first = cycle.Min()!;
                var rotation = cycle.IndexOf(first);
                var path = cycle.Skip(rotation).Concat(cycle.Take(rotation)).Append(first).ToList();
                if (!path.Any(reported.Contains))
                {
                    var asset = byKey[first];
                    Errors.Add(new DefinitionError(first, asset.Location,
                        $"the assets depend on each other in a cycle: {string.Join(" -> ", path.Select(k => k.Value))} (each reads the next): remove one of these dependencies."));
                }

                reported.UnionWith(cycle);
            }
        }

        private static List<AssetKey>? FindCycle(AssetKey start, HashSet<AssetKey> candidates, Dictionary<AssetKey, AssetDefinition> byKey)
        {
            // Depth-first search for a path from start back to start through stuck assets.
            var path = new List<AssetKey> { start };
            var visited = new HashSet<AssetKey> { start };
            return Visit(start) ? path : null;

            bool Visit(AssetKey key)
            {
                foreach (var upstream in byKey[key].Dependencies.Select(d => d.Upstream).Where(candidates.Contains).Distinct().Order())
                {
                    if (upstream == start)
                    {
                        return true;
                    }

                    if (visited.Add(upstream))
                    {
                        path.Add(upstream);
                        if (Visit(upstream))
                        {
                            return true;
                        }

                        path.RemoveAt(path.Count - 1);
                    }
                }

                return false;
            }
        }

        private static void CheckInput(AssetDefinition downstream, AssetDefinition upstream, UpstreamBinding binding, Action<string> error)
        {
            var parameter = binding.Parameter.Name;
            if (!upstream.Output.HasData)
            {
                error($"parameter '{parameter}' reads '{upstream.Key}', which returns MaterializeResult and has no rows to read: list it in [Asset(Deps = [\"{upstream.Key}\"])] instead.");
                return;
            }

            if (binding.RecordType != upstream.Output.RecordType)
            {
                error($"parameter '{parameter}' reads {TypeName(binding.RecordType)} records but '{upstream.Key}' returns {TypeName(upstream.Output.RecordType!)}: use {TypeName(upstream.Output.RecordType!)}.");
                return;
            }

            var singleUpstream = upstream.Output.Kind == AssetOutputKind.SingleRecord;
            var oneUpstreamPartition = upstream.Partitions is null
                || binding.Dependency.Mapping is IdentityPartitionMapping or LastPartitionMapping;
            if (binding.Shape == InputShape.OneRecord && !(singleUpstream && oneUpstreamPartition) && downstream != upstream)
            {
                error($"parameter '{parameter}' takes one {TypeName(binding.RecordType)}, but '{upstream.Key}' gives "
                    + (singleUpstream ? "several partitions" : "many rows") + $": take IEnumerable<{TypeName(binding.RecordType)}>.");
            }
        }
    }
}
