using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Assets.Graph;
using Assets.Metadata;
using Assets.Partitions;
using Assets.Storage.Objects;
using NodaTime;
using NodaTime.Text;

namespace Assets.Storage.Publishing;

/// <summary>
/// Writes manifests and pointers as JSON with a fixed field order (so the same manifest gives the same
/// bytes) and reads them back strictly: a document that is malformed, names another partition, or lists
/// a file outside its own data folder is refused with a message, never trusted.
/// </summary>
public static class ManifestJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    /// <summary>The manifest as UTF-8 JSON.</summary>
    public static byte[] WriteManifest(Manifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("formatVersion", Manifest.CurrentFormatVersion);
            json.WriteString("asset", manifest.Partition.Asset.Value);
            WriteNullableString(json, "partition", manifest.Partition.Partition?.Value);
            json.WriteString("materializationId", manifest.MaterializationId.Value);
            json.WriteString("runId", manifest.RunId.Value);
            json.WriteStartArray("files");
            foreach (var file in manifest.Files)
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteNumber("size", file.Size);
                json.WriteString("sha256", file.Sha256);
                json.WriteNumber("rows", file.Rows);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("rowCount", manifest.RowCount);
            WriteNullableString(json, "schema", manifest.Schema);
            json.WriteString("dataVersion", manifest.DataVersion);
            json.WriteString("codeVersion", manifest.CodeVersion);
            json.WriteStartArray("upstream");
            foreach (var upstream in manifest.Upstream)
            {
                json.WriteStartObject();
                json.WriteString("asset", upstream.Asset.Value);
                WriteNullableString(json, "partition", upstream.Partition?.Value);
                json.WriteString("dataVersion", upstream.DataVersion);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (manifest.Interval is { } interval)
            {
                json.WriteStartObject("interval");
                json.WriteString("start", InstantPattern.ExtendedIso.Format(interval.Start));
                json.WriteString("end", InstantPattern.ExtendedIso.Format(interval.End));
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("interval");
            }

            json.WriteString("createdAt", InstantPattern.ExtendedIso.Format(manifest.CreatedAt));
            json.WriteStartObject("metadata");
            foreach (var (key, value) in manifest.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                WriteValue(json, key, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a manifest, checking it belongs to <paramref name="expected"/>; or says what is wrong with it.</summary>
    public static bool TryReadManifest(ReadOnlySpan<byte> utf8, AssetPartition expected, [NotNullWhen(true)] out Manifest? manifest, [NotNullWhen(false)] out string? error)
    {
        manifest = null;
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            var root = document.RootElement;
            var format = root.GetProperty("formatVersion").GetInt32();
            if (format != Manifest.CurrentFormatVersion)
            {
                error = $"manifest format {format} is not supported (this version reads {Manifest.CurrentFormatVersion}).";
                return false;
            }

            var partition = new AssetPartition(AssetKey.Parse(root.GetProperty("asset").GetString()!), ReadPartition(root.GetProperty("partition")));
            if (partition != expected)
            {
                error = $"the manifest belongs to {partition}, not {expected}.";
                return false;
            }

            var id = MaterializationId.Parse(root.GetProperty("materializationId").GetString()!);
            var dataPrefix = StorageLayout.DataPrefix(partition, id);
            var files = new List<ManifestFile>();
            foreach (var file in root.GetProperty("files").EnumerateArray())
            {
                var path = file.GetProperty("path").GetString()!;
                if (!ObjectKey.TryParse(path, out _, out var keyError) || !path.StartsWith(dataPrefix, StringComparison.Ordinal))
                {
                    error = $"the manifest lists '{path}', which is not under its own data folder {dataPrefix}{(keyError is null ? string.Empty : $" ({keyError})")}.";
                    return false;
                }

                files.Add(new ManifestFile(path, file.GetProperty("size").GetInt64(), file.GetProperty("sha256").GetString()!, file.GetProperty("rows").GetInt64()));
            }

            var upstream = root.GetProperty("upstream").EnumerateArray()
                .Select(u => new UpstreamVersion(AssetKey.Parse(u.GetProperty("asset").GetString()!), ReadPartition(u.GetProperty("partition")), u.GetProperty("dataVersion").GetString()!))
                .ToArray();
            var intervalElement = root.GetProperty("interval");
            Interval? interval = intervalElement.ValueKind == JsonValueKind.Null
                ? null
                : new Interval(ParseInstant(intervalElement.GetProperty("start")), ParseInstant(intervalElement.GetProperty("end")));
            var metadata = new SortedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in root.GetProperty("metadata").EnumerateObject())
            {
                metadata[property.Name] = ReadValue(property.Value);
            }

            manifest = new Manifest
            {
                Partition = partition,
                MaterializationId = id,
                RunId = RunId.Parse(root.GetProperty("runId").GetString()!),
                Files = files,
                Schema = root.GetProperty("schema").GetString(),
                DataVersion = root.GetProperty("dataVersion").GetString()!,
                CodeVersion = root.GetProperty("codeVersion").GetString()!,
                Upstream = upstream,
                Interval = interval,
                CreatedAt = ParseInstant(root.GetProperty("createdAt")),
                Metadata = metadata,
            };
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or UnparsableValueException)
        {
            error = $"the manifest is not valid JSON of the expected shape ({e.Message}).";
            return false;
        }
    }

    /// <summary>The pointer as UTF-8 JSON.</summary>
    public static byte[] WritePointer(PartitionPointer value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("manifest", value.Manifest);
            json.WriteString("materializationId", value.MaterializationId.Value);
            json.WriteString("dataVersion", value.DataVersion);
            json.WriteNumber("sequence", value.Sequence);
            json.WriteString("publishedAt", InstantPattern.ExtendedIso.Format(value.PublishedAt));
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a pointer of <paramref name="partition"/>, checking it names one of that partition's manifests.</summary>
    public static bool TryReadPointer(ReadOnlySpan<byte> utf8, AssetPartition partition, [NotNullWhen(true)] out PartitionPointer? result, [NotNullWhen(false)] out string? error)
        => TryReadPointer(utf8, partition, out result, out error, out _);

    /// <summary>
    /// Reads a pointer of <paramref name="partition"/>; on failure <paramref name="malformed"/> says whether the bytes are
    /// not a pointer at all (damaged: a new publish may replace them) rather than a well-formed pointer naming a
    /// manifest that is not this partition's (never replaced without a person looking).
    /// </summary>
    public static bool TryReadPointer(ReadOnlySpan<byte> utf8, AssetPartition partition, [NotNullWhen(true)] out PartitionPointer? result, [NotNullWhen(false)] out string? error, out bool malformed)
    {
        result = null;
        malformed = false;
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            var root = document.RootElement;
            var id = MaterializationId.Parse(root.GetProperty("materializationId").GetString()!);
            var manifest = root.GetProperty("manifest").GetString()!;
            if (manifest != StorageLayout.ManifestOf(partition, id).Value)
            {
                error = $"the pointer names '{manifest}', which is not the manifest of {partition} materialization {id}.";
                return false;
            }

            result = new PartitionPointer(manifest, id, root.GetProperty("dataVersion").GetString()!, root.GetProperty("sequence").GetInt64(), ParseInstant(root.GetProperty("publishedAt")));
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or UnparsableValueException)
        {
            error = $"the pointer is not valid JSON of the expected shape ({e.Message}).";
            malformed = true;
            return false;
        }
    }

    private static PartitionKey? ReadPartition(JsonElement element)
        => element.ValueKind == JsonValueKind.Null ? null : new PartitionKey(element.GetString()!);

    private static Instant ParseInstant(JsonElement element) => InstantPattern.ExtendedIso.Parse(element.GetString()!).GetValueOrThrow();

    private static void WriteNullableString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteValue(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool b:
                json.WriteBoolean(name, b);
                break;
            case string s:
                json.WriteString(name, s);
                break;
            case int or long or short or byte or uint or ushort or sbyte:
                json.WriteNumber(name, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                json.WriteNumber(name, u);
                break;
            case float or double or decimal:
                json.WriteNumber(name, Convert.ToDecimal(value, CultureInfo.InvariantCulture));
                break;
            case Instant instant:
                json.WriteString(name, InstantPattern.ExtendedIso.Format(instant));
                break;
            default:
                json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static object? ReadValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt64(out var whole) => whole,
        JsonValueKind.Number => value.GetDecimal(),
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };
}
